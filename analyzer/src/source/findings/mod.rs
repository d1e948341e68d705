//! Findings: pure functions over the gathered [`ModuleGraph`]. One file per
//! finding; [`REGISTRY`] lists them in report order. A new finding gets a
//! file here, a line in [`REGISTRY`], a field in [`Results`] and a fixture test.

pub mod cycles;
pub mod dependencies;
pub mod duplicate_packages;
pub mod lazy_candidates;
pub mod unused_exports;
pub mod unused_files;

use globset::GlobSet;
use model::analyze::{DuplicatePackage, UnlistedDependency, UnusedExport};

use super::config::AnalyzeConfig;
use super::graph::ModuleGraph;

/// A finding's id (as used in `errors` of the config) and one-line summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FindingInfo {
    /// Id, e.g. `unused-files`.
    pub id: &'static str,
    /// What it reports.
    pub summary: &'static str,
}

/// Every finding, in report order.
pub const REGISTRY: &[FindingInfo] = &[
    FindingInfo {
        id: "unused-files",
        summary: "project files no entry reaches",
    },
    FindingInfo {
        id: "unused-exports",
        summary: "exported names no module uses",
    },
    FindingInfo {
        id: "unused-dependencies",
        summary: "dependencies never imported",
    },
    FindingInfo {
        id: "unlisted-dependencies",
        summary: "packages imported but not in package.json",
    },
    FindingInfo {
        id: "duplicate-packages",
        summary: "packages reached at two or more install paths",
    },
    FindingInfo {
        id: "cycles",
        summary: "import cycles",
    },
    FindingInfo {
        id: "lazy-candidates",
        summary: "code that could leave the initial load",
    },
];

/// The typed results of every finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// `unused-files`.
    pub unused_files: Vec<String>,
    /// `unused-exports`.
    pub unused_exports: Vec<UnusedExport>,
    /// `unused-dependencies`.
    pub unused_dependencies: Vec<String>,
    /// `unlisted-dependencies`.
    pub unlisted_dependencies: Vec<UnlistedDependency>,
    /// `duplicate-packages`.
    pub duplicate_packages: Vec<DuplicatePackage>,
    /// `cycles`.
    pub cycles: Vec<Vec<String>>,
    /// `lazy-candidates` (with their module sets).
    pub lazy_candidates: Vec<lazy_candidates::Candidate>,
}

impl Results {
    /// How many results the finding `id` has.
    pub fn count(&self, id: &str) -> usize {
        match id {
            "unused-files" => self.unused_files.len(),
            "unused-exports" => self.unused_exports.len(),
            "unused-dependencies" => self.unused_dependencies.len(),
            "unlisted-dependencies" => self.unlisted_dependencies.len(),
            "duplicate-packages" => self.duplicate_packages.len(),
            "cycles" => self.cycles.len(),
            "lazy-candidates" => self.lazy_candidates.len(),
            _ => 0,
        }
    }
}

/// Runs every finding (unused exports, the costliest, beside the others).
pub fn run_all(graph: &ModuleGraph, config: &AnalyzeConfig, ignore: &GlobSet) -> Results {
    let (unused_exports, (unused_files, deps, duplicate_packages, cycles, lazy_candidates)) =
        rayon::join(
            || unused_exports::run(graph),
            || {
                (
                    unused_files::run(graph, ignore),
                    dependencies::run(graph),
                    duplicate_packages::run(graph),
                    cycles::run(graph, config.include_type_cycles),
                    lazy_candidates::run(graph, config.lazy_min_bytes, config.lazy_first_party),
                )
            },
        );
    Results {
        unused_files,
        unused_exports,
        unused_dependencies: deps.unused,
        unlisted_dependencies: deps.unlisted,
        duplicate_packages,
        cycles,
        lazy_candidates,
    }
}
