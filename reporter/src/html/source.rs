//! The source section: entries, the gate's failing checks on source
//! findings configured as errors, lazy-loading candidates, unused files and
//! exports, dependencies (unused, unlisted, unused devDependencies, only
//! tooling uses, devDependencies in production), duplicate packages, cycles,
//! other findings, diagnostics. Findings come from the assessment.

use model::analyze::AnalyzeReport;
use model::finding::{Detail, Finding, FindingKind, PartId};
use model::report::Report;

use super::{FindingRow, Others};
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
    /// The gate's failing checks on source findings configured as errors.
    pub errors: Vec<String>,
    /// Findings of kinds without a table here.
    pub others: Vec<FindingRow>,
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

/// The row of a dependency finding (`Detail::Dependency`; else its subject
/// is the package).
fn dependency_row(f: &Finding) -> Option<DependencyRow> {
    Some(match &f.detail {
        Detail::Dependency { name, importers } => DependencyRow {
            name: name.clone(),
            importers: importers.join(", "),
        },
        _ => DependencyRow {
            name: f.subject.clone(),
            importers: String::new(),
        },
    })
}

fn lazy_row(f: &Finding) -> Option<LazyRow> {
    let Detail::Lazy(c) = &f.detail else {
        return None;
    };
    Some(LazyRow {
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
}

fn export_row(f: &Finding) -> Option<ExportRow> {
    let Detail::Export { name, type_only } = &f.detail else {
        return None;
    };
    Some(ExportRow {
        location: f.location(),
        path: f.subject.clone(),
        name: name.clone(),
        kind: if *type_only { "type" } else { "value" },
    })
}

fn duplicate_row(f: &Finding) -> Option<DuplicateRow> {
    let Detail::Package(d) = &f.detail else {
        return None;
    };
    Some(DuplicateRow {
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
}

fn cycle_row(f: &Finding) -> Option<CycleRow> {
    let Detail::Cycle { members, chain } = &f.detail else {
        return None;
    };
    Some(if chain.is_empty() {
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
    })
}

/// The source section of `report`, whose source document is `a`.
pub fn build(a: &AnalyzeReport, report: &Report) -> SourceView {
    let mut others = Others::of(report, PartId::Source);
    let names =
        |rows: Vec<DependencyRow>| -> Vec<String> { rows.into_iter().map(|d| d.name).collect() };
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
        lazy: others.rows(report, FindingKind::LazyCandidates, lazy_row),
        unused_files: others.rows(report, FindingKind::UnusedFiles, |f| {
            Some(f.subject.clone())
        }),
        unused_exports: others.rows(report, FindingKind::UnusedExports, export_row),
        unused_dependencies: names(others.rows(
            report,
            FindingKind::UnusedDependencies,
            dependency_row,
        )),
        unlisted: others.rows(report, FindingKind::UnlistedDependencies, dependency_row),
        unused_dev_dependencies: names(others.rows(
            report,
            FindingKind::UnusedDevDependencies,
            dependency_row,
        )),
        only_in_tooling: others.rows(
            report,
            FindingKind::DependenciesOnlyInTooling,
            dependency_row,
        ),
        dev_in_production: others.rows(
            report,
            FindingKind::DevDependenciesInProduction,
            dependency_row,
        ),
        duplicates: others.rows(report, FindingKind::DuplicatePackages, duplicate_row),
        cycles: others.rows(report, FindingKind::Cycles, cycle_row),
        errors: crate::findings::failed_error_checks(report, PartId::Source)
            .into_iter()
            .map(|c| crate::findings::check_text(c).to_string())
            .collect(),
        others: others.0,
        diagnostics: diagnostics(&a.diagnostics),
    }
}
