//! Reading documents written by older perfscope versions: [`upgrade`] brings
//! a JSON document of any earlier `schema_version` to the current shape
//! before it is deserialised.
//!
//! Schema 1 documents carried, beside `findings`, per-kind lists
//! (`unused_files`, `unused_exports`, `duplicate_packages`, …), and the oldest
//! ones had only those lists. Schema 2 keeps `findings` alone. The findings of
//! a list-only document are rebuilt here, by a frozen copy of the schema-1
//! keys, subjects and messages (the producers own today's wording; the keys
//! are the same, so a schema-1 baseline still matches today's findings).
//! Nothing here decides anything about a project: it only reads old files.

use serde::Deserialize;
use serde_json::Value;

use crate::analyze::{DuplicatePackage, LazyCandidate, SavingSource, UseSite};
use crate::bundle::{DuplicateModule, DuplicatePackage as ShippedPackage};
use crate::finding::{Detail, Finding, FindingKind};
use crate::vitals::SlowRender;

/// The per-kind lists of a schema-1 `analyze` document, removed in schema 2.
const ANALYZE_LISTS: &[&str] = &[
    "unused_files",
    "unused_exports",
    "unused_dependencies",
    "unlisted_dependencies",
    "duplicate_packages",
    "cycles",
    "lazy_candidates",
    "errors",
];

/// The per-kind lists of a schema-1 `bundle` document, removed in schema 2.
const BUNDLE_LISTS: &[&str] = &["duplicate_packages", "duplicate_modules"];

/// Brings a document (`report`, or a single `analyze`, `bundle` or `vitals`
/// document) of an earlier schema to [`crate::SCHEMA_VERSION`] in place. A
/// current document, or one of an unknown kind, is left as it is.
pub fn upgrade(value: &mut Value) {
    let kind = value
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    match kind.as_str() {
        "report" => {
            for (part, kind) in [
                ("analyze", "analyze"),
                ("bundle", "bundle"),
                ("vitals", "vitals"),
            ] {
                if let Some(document) = value.get_mut(part).and_then(|p| p.get_mut("document")) {
                    upgrade_part(document, kind);
                }
            }
            set_version(value);
        }
        "analyze" | "bundle" | "vitals" => upgrade_part(value, &kind),
        _ => {}
    }
}

fn is_old(value: &Value) -> bool {
    value
        .get("schema_version")
        .and_then(Value::as_u64)
        .is_some_and(|v| v < u64::from(crate::SCHEMA_VERSION))
}

fn set_version(value: &mut Value) {
    if let Some(obj) = value.as_object_mut() {
        obj.insert(
            "schema_version".to_string(),
            Value::from(crate::SCHEMA_VERSION),
        );
    }
}

fn upgrade_part(document: &mut Value, kind: &str) {
    if !is_old(document) {
        return;
    }
    match kind {
        "analyze" => analyze(document),
        "bundle" => bundle(document),
        _ => {
            vitals(document);
            if let Some(pages) = document.get_mut("pages").and_then(Value::as_array_mut) {
                pages.iter_mut().for_each(vitals);
            }
        }
    }
    set_version(document);
}

/// Deserialises `document[key]`, or the default when absent or of another shape.
fn list<T: for<'de> Deserialize<'de> + Default>(document: &Value, key: &str) -> T {
    document
        .get(key)
        .and_then(|v| T::deserialize(v).ok())
        .unwrap_or_default()
}

/// The findings already in `document`, typed; `None` when there are none.
fn findings_of(document: &Value) -> Option<Vec<Finding>> {
    let found: Vec<Finding> = list(document, "findings");
    (!found.is_empty()).then_some(found)
}

fn put_findings(document: &mut Value, findings: &[Finding], remove: &[&str]) {
    if let Some(obj) = document.as_object_mut() {
        for key in remove {
            obj.remove(*key);
        }
        obj.insert(
            "findings".to_string(),
            serde_json::to_value(findings).unwrap_or(Value::Array(Vec::new())),
        );
    }
}

/// A schema-1 unused export.
#[derive(Deserialize)]
struct UnusedExport {
    path: String,
    name: String,
    line: u32,
    type_only: bool,
}

/// A schema-1 unlisted dependency.
#[derive(Deserialize)]
struct UnlistedDependency {
    name: String,
    importers: Vec<String>,
}

fn analyze(document: &mut Value) {
    // Documents written before `saving_source` existed had estimates.
    let fix = |c: &mut LazyCandidate| {
        if c.saving_source == SavingSource::Source && c.gzip_saved_estimate.is_some() {
            c.saving_source = SavingSource::Estimate;
        }
    };
    let mut findings = findings_of(document).unwrap_or_else(|| {
        let mut out: Vec<Finding> = Vec::new();
        let mut lazy: Vec<LazyCandidate> = list(document, "lazy_candidates");
        lazy.iter_mut().for_each(fix);
        out.extend(lazy.iter().map(v1::lazy_candidate));
        let duplicates: Vec<DuplicatePackage> = list(document, "duplicate_packages");
        out.extend(duplicates.iter().map(v1::duplicate_package));
        let cycles: Vec<Vec<String>> = list(document, "cycles");
        out.extend(cycles.iter().map(|members| v1::cycle(members)));
        let files: Vec<String> = list(document, "unused_files");
        out.extend(files.iter().map(|f| v1::unused_file(f)));
        let exports: Vec<UnusedExport> = list(document, "unused_exports");
        out.extend(exports.iter().map(v1::unused_export));
        let unused: Vec<String> = list(document, "unused_dependencies");
        out.extend(unused.iter().map(|d| v1::unused_dependency(d)));
        let unlisted: Vec<UnlistedDependency> = list(document, "unlisted_dependencies");
        out.extend(unlisted.iter().map(v1::unlisted_dependency));
        out
    });
    for f in &mut findings {
        if let Detail::Lazy(c) = &mut f.detail {
            fix(c);
        }
    }
    put_findings(document, &findings, ANALYZE_LISTS);
}

fn bundle(document: &mut Value) {
    let findings = findings_of(document).unwrap_or_else(|| {
        let packages: Vec<ShippedPackage> = list(document, "duplicate_packages");
        let modules: Vec<DuplicateModule> = list(document, "duplicate_modules");
        packages
            .iter()
            .map(v1::shipped_package)
            .chain(modules.iter().map(v1::shipped_module))
            .collect()
    });
    put_findings(document, &findings, BUNDLE_LISTS);
}

/// Vitals documents written before findings had keys and before slow
/// renders were findings.
fn vitals(document: &mut Value) {
    let mut findings: Vec<Finding> = list(document, "findings");
    for f in &mut findings {
        if f.key.is_empty() {
            f.key = f.subject.clone();
        }
    }
    if !findings.iter().any(|f| f.kind == FindingKind::SlowRenders) {
        let react = document.get("react");
        let threshold = react
            .and_then(|r| r.get("slow_render_ms"))
            .and_then(Value::as_f64)
            .unwrap_or(16.0);
        let renders: Vec<SlowRender> = react.map(|r| list(r, "slow_renders")).unwrap_or_default();
        findings.splice(0..0, renders.iter().map(|r| v1::slow_render(r, threshold)));
        findings.sort_by_key(|f| f.kind);
    }
    put_findings(document, &findings, &[]);
}

/// The schema-1 findings of each list entry, frozen.
mod v1 {
    use super::*;
    use crate::units::{format_bytes, format_ms};

    pub fn unused_file(path: &str) -> Finding {
        Finding::new(FindingKind::UnusedFiles, path, path, "")
    }

    pub fn unused_export(e: &UnusedExport) -> Finding {
        let shown = if e.type_only {
            format!("type {}", e.name)
        } else {
            e.name.clone()
        };
        Finding::new(
            FindingKind::UnusedExports,
            format!("{}#{}", e.path, e.name),
            e.path.clone(),
            shown,
        )
        .at_line(e.line)
        .with_detail(Detail::Export {
            name: e.name.clone(),
            type_only: e.type_only,
        })
    }

    pub fn unused_dependency(name: &str) -> Finding {
        Finding::new(FindingKind::UnusedDependencies, name, name, "").with_detail(
            Detail::Dependency {
                name: name.to_string(),
                importers: Vec::new(),
            },
        )
    }

    pub fn unlisted_dependency(d: &UnlistedDependency) -> Finding {
        Finding::new(
            FindingKind::UnlistedDependencies,
            d.name.clone(),
            d.name.clone(),
            format!("imported by {}", d.importers.join(", ")),
        )
        .with_detail(Detail::Dependency {
            name: d.name.clone(),
            importers: d.importers.clone(),
        })
    }

    pub fn duplicate_package(d: &DuplicatePackage) -> Finding {
        let copies: Vec<String> = d
            .instances
            .iter()
            .map(|i| format!("{}@{}", i.path, i.version.as_deref().unwrap_or("?")))
            .collect();
        Finding::new(
            FindingKind::DuplicatePackages,
            d.name.clone(),
            d.name.clone(),
            format!("{} copies: {}", d.instances.len(), copies.join(", ")),
        )
        .with_detail(Detail::Package(d.clone()))
    }

    pub fn cycle(members: &[String]) -> Finding {
        let shown = members.join(" \u{2192} ");
        Finding::new(
            FindingKind::Cycles,
            members.join(" "),
            members.first().cloned().unwrap_or_default(),
            if members.len() == 1 {
                format!("imports itself: {shown}")
            } else {
                format!("{} modules: {shown}", members.len())
            },
        )
        .with_detail(Detail::Cycle {
            members: members.to_vec(),
            chain: Vec::new(),
        })
    }

    pub fn lazy_candidate(c: &LazyCandidate) -> Finding {
        let saved = match (c.build_gzip, c.build_bytes, c.gzip_saved_estimate) {
            (Some(g), Some(raw), _) => {
                format!(
                    "{} gzip ({} minified) in the build",
                    format_bytes(g),
                    format_bytes(raw)
                )
            }
            (_, _, Some(g)) => format!(
                "{} gzip (estimate; {} of source)",
                format_bytes(g),
                format_bytes(c.bytes_saved)
            ),
            _ => format!("{} of source", format_bytes(c.bytes_saved)),
        };
        let site = match c.use_site {
            Some(UseSite::TopLevel) => {
                "; it is used at the importer's top level, so it is needed as soon as the importer loads"
            }
            Some(UseSite::FirstRender) => {
                "; the entry uses it to render, so it is part of the first render"
            }
            Some(UseSite::Deferred) => {
                "; it is used only in event handlers, effects or callbacks, so it can load on demand"
            }
            Some(UseSite::Render) | None => "",
        };
        Finding::new(
            FindingKind::LazyCandidates,
            format!("{}->{}", c.importer, c.module),
            c.importer.clone(),
            format!(
                "import of \"{}\" ({}): {saved} and {} module{} could leave the initial load{site}",
                c.specifier,
                c.reason.as_str(),
                c.modules_saved,
                if c.modules_saved == 1 { "" } else { "s" }
            ),
        )
        .at_line(c.line)
        .with_detail(Detail::Lazy(c.clone()))
    }

    pub fn shipped_package(d: &ShippedPackage) -> Finding {
        Finding::new(
            FindingKind::BundleDuplicatePackages,
            d.name.clone(),
            d.name.clone(),
            format!(
                "{} ({}), {} wasted",
                d.versions.join(", "),
                d.kind.as_str(),
                format_bytes(d.bytes_wasted)
            ),
        )
        .with_detail(Detail::ShippedPackage(d.clone()))
    }

    pub fn shipped_module(d: &DuplicateModule) -> Finding {
        Finding::new(
            FindingKind::DuplicateModules,
            d.source.clone(),
            d.source.clone(),
            format!(
                "in {} chunks ({}), {} wasted",
                d.assets.len(),
                d.assets.join(", "),
                format_bytes(d.bytes_wasted)
            ),
        )
        .with_detail(Detail::ShippedModule(d.clone()))
    }

    pub fn slow_render(r: &SlowRender, threshold_ms: f64) -> Finding {
        Finding::new(
            FindingKind::SlowRenders,
            r.component.clone(),
            r.component.clone(),
            format!(
                "{} render{} over {}: its own work up to {}, with its children up to {} (total own work {})",
                r.count,
                if r.count == 1 { "" } else { "s" },
                format_ms(threshold_ms),
                format_ms(r.max_ms),
                format_ms(r.max_actual_ms),
                format_ms(r.total_ms)
            ),
        )
        .with_detail(Detail::Render(r.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_only_analyze_document_gets_its_findings_and_loses_the_lists() {
        let mut doc = serde_json::json!({
            "schema_version": 1,
            "kind": "analyze",
            "unused_files": ["src/dead.ts"],
            "unused_exports": [{"path": "src/a.ts", "name": "x", "line": 3, "type_only": false}],
            "unused_dependencies": ["left-pad"],
            "unlisted_dependencies": [{"name": "lodash", "importers": ["src/a.ts"]}],
            "duplicate_packages": [],
            "cycles": [["src/a.ts", "src/b.ts"]],
            "lazy_candidates": [],
            "errors": ["unused-files"],
        });
        upgrade(&mut doc);
        assert_eq!(doc["schema_version"], crate::SCHEMA_VERSION);
        for key in ANALYZE_LISTS {
            assert!(doc.get(*key).is_none(), "{key} is gone");
        }
        let findings: Vec<Finding> = serde_json::from_value(doc["findings"].clone()).unwrap();
        let keys: Vec<(FindingKind, &str)> =
            findings.iter().map(|f| (f.kind, f.key.as_str())).collect();
        assert_eq!(
            keys,
            [
                (FindingKind::Cycles, "src/a.ts src/b.ts"),
                (FindingKind::UnusedFiles, "src/dead.ts"),
                (FindingKind::UnusedExports, "src/a.ts#x"),
                (FindingKind::UnusedDependencies, "left-pad"),
                (FindingKind::UnlistedDependencies, "lodash"),
            ]
        );
        assert_eq!(findings[2].line, Some(3));
    }

    #[test]
    fn a_report_upgrades_each_part_and_keeps_recorded_findings() {
        let finding = Finding::new(FindingKind::DuplicateModules, "k", "s", "m");
        let mut doc = serde_json::json!({
            "schema_version": 1,
            "kind": "report",
            "bundle": {"status": "ok", "document": {
                "schema_version": 1, "kind": "bundle",
                "duplicate_packages": [], "duplicate_modules": [],
                "findings": [finding],
            }},
            "vitals": {"status": "ok", "document": {
                "schema_version": 1, "kind": "vitals",
                "react": {"slow_render_ms": 20.0, "slow_renders": [
                    {"component": "List", "count": 2, "max_ms": 30.0, "total_ms": 50.0, "max_actual_ms": 40.0}
                ]},
                "findings": [{"kind": "uncompressed", "key": "", "subject": "/a.js", "message": ""}],
                "pages": [],
            }},
        });
        upgrade(&mut doc);
        assert_eq!(doc["schema_version"], crate::SCHEMA_VERSION);
        let bundle = &doc["bundle"]["document"];
        assert_eq!(bundle["schema_version"], crate::SCHEMA_VERSION);
        assert!(bundle.get("duplicate_modules").is_none());
        assert_eq!(
            bundle["findings"][0]["key"], "k",
            "recorded findings are kept"
        );
        let vitals = &doc["vitals"]["document"]["findings"];
        assert_eq!(vitals[0]["kind"], "slow-renders");
        assert_eq!(vitals[0]["key"], "List");
        assert_eq!(
            vitals[1]["key"], "/a.js",
            "an empty key becomes the subject"
        );
    }

    #[test]
    fn current_documents_are_left_alone() {
        let mut doc = serde_json::json!({
            "schema_version": crate::SCHEMA_VERSION,
            "kind": "analyze",
            "findings": [],
            "unused_files": ["kept because the schema is current"],
        });
        let before = doc.clone();
        upgrade(&mut doc);
        assert_eq!(doc, before);
    }
}
