//! The source section: entries, lazy-loading candidates, unused files and
//! exports, dependencies (unused, unlisted, unused devDependencies, only
//! tooling uses, devDependencies in production), duplicate packages, cycles,
//! diagnostics.

use model::analyze::AnalyzeReport;
use model::finding::{Detail, FindingKind};

use crate::format;

pub struct EntryRow {
    pub path: String,
    pub source: String,
}

pub struct LazyRow {
    pub location: String,
    pub specifier: String,
    pub module: String,
    pub reason: String,
    pub static_path: String,
    pub raw: String,
    pub raw_v: u64,
    pub gzip: String,
    pub gzip_v: u64,
    /// Where the importer uses it (`deferred`, `render`, `top-level`, …), or empty.
    pub use_site: &'static str,
    pub modules: usize,
}

pub struct ExportRow {
    pub location: String,
    pub path: String,
    pub name: String,
    pub kind: &'static str,
}

/// A dependency with the modules behind it (comma-separated; empty when
/// none): unlisted dependencies, dependencies only tooling uses,
/// devDependencies used in production.
pub struct DependencyRow {
    pub name: String,
    pub importers: String,
}

pub struct CopyRow {
    pub version: String,
    pub path: String,
    pub bytes: String,
    pub importers: String,
}

pub struct DuplicateRow {
    pub name: String,
    pub copies: Vec<CopyRow>,
}

pub struct DiagnosticRow {
    pub location: String,
    pub message: String,
}

pub struct SourceView {
    pub module_count: usize,
    pub total_bytes: String,
    pub entries: Vec<EntryRow>,
    pub lazy: Vec<LazyRow>,
    pub unused_files: Vec<String>,
    pub unused_exports: Vec<ExportRow>,
    pub unused_dependencies: Vec<String>,
    pub unlisted: Vec<DependencyRow>,
    /// `unused-dev-dependencies`: package names, as `unused_dependencies`.
    pub unused_dev_dependencies: Vec<String>,
    /// `dependencies-only-in-tooling`, with the tooling modules that import each.
    pub only_in_tooling: Vec<DependencyRow>,
    /// `dev-dependencies-in-production`, with the shipped modules that import each.
    pub dev_in_production: Vec<DependencyRow>,
    pub duplicates: Vec<DuplicateRow>,
    pub cycles: Vec<CycleRow>,
    pub errors: Vec<String>,
    pub diagnostics: Vec<DiagnosticRow>,
}

/// One import cycle: a real chain (`a.ts:3`, `b.ts:7`, `a.ts`) or, when no
/// chain is known (older reports), its members as a set.
pub struct CycleRow {
    pub steps: Vec<String>,
    pub chain: bool,
}

/// `path:line`, or `path` when the line is unknown.
pub fn location(path: &str, line: Option<u32>) -> String {
    match line {
        Some(line) => format!("{path}:{line}"),
        None => path.to_string(),
    }
}

pub fn diagnostics(list: &[model::Diagnostic]) -> Vec<DiagnosticRow> {
    list.iter()
        .map(|d| DiagnosticRow {
            location: if d.path.is_empty() {
                "(run)".to_string()
            } else {
                location(&d.path, d.line)
            },
            message: d.message.clone(),
        })
        .collect()
}

/// The findings of a dependency kind (`Detail::Dependency`), in report order.
fn dependency_rows(a: &AnalyzeReport, kind: FindingKind) -> Vec<DependencyRow> {
    a.findings
        .iter()
        .filter(|f| f.kind == kind)
        .map(|f| match &f.detail {
            Detail::Dependency { name, importers } => DependencyRow {
                name: name.clone(),
                importers: importers.join(", "),
            },
            _ => DependencyRow {
                name: f.subject.clone(),
                importers: String::new(),
            },
        })
        .collect()
}

pub fn build(a: &AnalyzeReport) -> SourceView {
    SourceView {
        module_count: a.modules.len(),
        total_bytes: format::bytes(a.modules.iter().map(|m| m.bytes).sum()),
        entries: a
            .entries
            .iter()
            .map(|e| EntryRow {
                path: e.path.clone(),
                source: e.source.clone(),
            })
            .collect(),
        lazy: a
            .lazy_candidates
            .iter()
            .map(|c| LazyRow {
                location: location(&c.importer, Some(c.line)),
                specifier: c.specifier.clone(),
                module: c.module.clone(),
                reason: c.reason.as_str().to_string(),
                static_path: c.static_path.join(" → "),
                raw: format::bytes(c.bytes_saved),
                raw_v: c.bytes_saved,
                gzip: match (c.build_gzip, c.gzip_saved_estimate) {
                    (Some(g), _) => format!("{} (build)", format::bytes(g)),
                    (None, Some(g)) => format!("{} (estimate)", format::bytes(g)),
                    (None, None) => "—".to_string(),
                },
                gzip_v: c.gzip_saved().unwrap_or(0),
                use_site: c.use_site.map_or("", |s| s.as_str()),
                modules: c.modules_saved,
            })
            .collect(),
        unused_files: a.unused_files.clone(),
        unused_exports: a
            .unused_exports
            .iter()
            .map(|e| ExportRow {
                location: location(&e.path, Some(e.line)),
                path: e.path.clone(),
                name: e.name.clone(),
                kind: if e.type_only { "type" } else { "value" },
            })
            .collect(),
        unused_dependencies: a.unused_dependencies.clone(),
        unlisted: a
            .unlisted_dependencies
            .iter()
            .map(|d| DependencyRow {
                name: d.name.clone(),
                importers: d.importers.join(", "),
            })
            .collect(),
        unused_dev_dependencies: dependency_rows(a, FindingKind::UnusedDevDependencies)
            .into_iter()
            .map(|d| d.name)
            .collect(),
        only_in_tooling: dependency_rows(a, FindingKind::DependenciesOnlyInTooling),
        dev_in_production: dependency_rows(a, FindingKind::DevDependenciesInProduction),
        duplicates: a
            .duplicate_packages
            .iter()
            .map(|d| DuplicateRow {
                name: d.name.clone(),
                copies: d
                    .instances
                    .iter()
                    .map(|i| CopyRow {
                        version: i.version.clone().unwrap_or_else(|| "unknown".to_string()),
                        path: i.path.clone(),
                        bytes: format::bytes(i.bytes),
                        importers: i.importers.join(", "),
                    })
                    .collect(),
            })
            .collect(),
        cycles: a
            .findings
            .iter()
            .filter_map(|f| match &f.detail {
                model::finding::Detail::Cycle { members, chain } => Some(if chain.is_empty() {
                    CycleRow {
                        steps: members.clone(),
                        chain: false,
                    }
                } else {
                    let mut steps: Vec<String> = chain
                        .iter()
                        .map(|s| format!("{}:{}", s.from, s.line))
                        .collect();
                    steps.extend(chain.last().map(|s| s.to.clone()));
                    CycleRow { steps, chain: true }
                }),
                _ => None,
            })
            .collect(),
        errors: a.errors.iter().map(|k| k.id().to_string()).collect(),
        diagnostics: diagnostics(&a.diagnostics),
    }
}
