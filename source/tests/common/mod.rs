//! Views of an `analyze` report's findings for assertions: the findings of
//! one kind, as the typed data their `Detail` carries.
#![allow(dead_code)]

use model::analyze::{AnalyzeReport, DuplicatePackage, LazyCandidate};
use model::{Detail, Finding, FindingKind};

/// The findings of `kind`, in report order.
pub fn of(r: &AnalyzeReport, kind: FindingKind) -> impl Iterator<Item = &Finding> {
    r.findings.iter().filter(move |f| f.kind == kind)
}

/// Subjects of the unused-files findings.
pub fn unused_files(r: &AnalyzeReport) -> Vec<String> {
    of(r, FindingKind::UnusedFiles)
        .map(|f| f.subject.clone())
        .collect()
}

/// An unused export as the tests compare it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct UnusedExport {
    pub path: String,
    pub name: String,
    pub line: u32,
    pub type_only: bool,
}

/// The unused-exports findings.
pub fn unused_exports(r: &AnalyzeReport) -> Vec<UnusedExport> {
    of(r, FindingKind::UnusedExports)
        .map(|f| match &f.detail {
            Detail::Export { name, type_only } => UnusedExport {
                path: f.subject.clone(),
                name: name.clone(),
                line: f.line.unwrap_or(0),
                type_only: *type_only,
            },
            other => panic!("unused export without its detail: {other:?}"),
        })
        .collect()
}

/// Package names of the unused-dependencies findings.
pub fn unused_dependencies(r: &AnalyzeReport) -> Vec<String> {
    of(r, FindingKind::UnusedDependencies)
        .map(|f| dependency(f).0)
        .collect()
}

/// An unlisted dependency as the tests compare it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct UnlistedDependency {
    pub name: String,
    pub importers: Vec<String>,
}

/// The unlisted-dependencies findings.
pub fn unlisted_dependencies(r: &AnalyzeReport) -> Vec<UnlistedDependency> {
    of(r, FindingKind::UnlistedDependencies)
        .map(|f| {
            let (name, importers) = dependency(f);
            UnlistedDependency { name, importers }
        })
        .collect()
}

fn dependency(f: &Finding) -> (String, Vec<String>) {
    match &f.detail {
        Detail::Dependency { name, importers } => (name.clone(), importers.clone()),
        other => panic!("dependency finding without its detail: {other:?}"),
    }
}

/// The duplicate-packages findings' data.
pub fn duplicate_packages(r: &AnalyzeReport) -> Vec<DuplicatePackage> {
    of(r, FindingKind::DuplicatePackages)
        .map(|f| match &f.detail {
            Detail::Package(d) => d.clone(),
            other => panic!("duplicate package without its detail: {other:?}"),
        })
        .collect()
}

/// The members of each cycle.
pub fn cycles(r: &AnalyzeReport) -> Vec<Vec<String>> {
    of(r, FindingKind::Cycles)
        .map(|f| match &f.detail {
            Detail::Cycle { members, .. } => members.clone(),
            other => panic!("cycle without its detail: {other:?}"),
        })
        .collect()
}

/// The lazy-loading candidates, ranked.
pub fn lazy_candidates(r: &AnalyzeReport) -> Vec<LazyCandidate> {
    of(r, FindingKind::LazyCandidates)
        .map(|f| match &f.detail {
            Detail::Lazy(c) => c.clone(),
            other => panic!("lazy candidate without its detail: {other:?}"),
        })
        .collect()
}

/// Copies the fixture folder `from` to `to` (regular files and folders),
/// without another run's `node_modules/.cache`.
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let kind = entry.file_type().unwrap();
        let target = to.join(entry.file_name());
        // Another run's cache (a fresh clone has none) would make the
        // "cold" run warm.
        if entry.file_name() == ".cache" {
            continue;
        }
        if kind.is_dir() {
            copy_dir(&entry.path(), &target);
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
