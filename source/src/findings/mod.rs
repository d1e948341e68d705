//! Findings: functions over the gathered [`ModuleGraph`], one file per
//! finding. [`REGISTRY`] is the only list of them.
//!
//! They read the graph and the configuration, and the file system in two
//! places only, both about installed packages:
//!
//! - the dependency findings ([`dependencies`]: unused, unused dev, only in
//!   tooling, dev in production, unlisted) read the `peerDependencies` of
//!   every used package, from `node_modules/<name>/package.json` beside the
//!   workspace, else at the root (a required peer of a used package counts
//!   as used with it); while a listed `@types` package is still
//!   unexplained, they also read the first 64 KB of used packages' type
//!   declarations (inside `node_modules` only) for `/// <reference types>`
//!   and the project files outside the graph for Node.js globals;
//! - lazy-loading candidates ([`lazy_candidates`]) read the `sideEffects` of
//!   a package, once per package, when the production trimming of a top
//!   candidate meets an import whose bindings went unused (a module declared
//!   free of side effects is dropped with it).
//!
//! A new finding: the recipe in ARCHITECTURE.md ("Where new things go").

pub mod cycles;
pub mod dependencies;
pub mod duplicate_packages;
pub mod lazy_candidates;
pub mod unused_exports;
pub mod unused_files;

use std::sync::Mutex;

use globset::GlobSet;
use model::Diagnostic;
use model::finding::{Finding, FindingKind, PartId, Severities};
use model::rule::{self, Facts, Rule};
use rayon::prelude::*;

use super::config::AnalyzeConfig;
use super::graph::ModuleGraph;

/// What a finding function reads: the graph and the configuration.
pub struct Context<'a> {
    /// The gathered graph.
    pub graph: &'a ModuleGraph,
    /// The `[analyze]` configuration.
    pub config: &'a AnalyzeConfig,
    /// Globs of files never reported as unused.
    pub ignore: &'a GlobSet,
    /// What the build ships of each module, when a build was analysed too.
    pub build: Option<&'a super::build_shares::BuildShares>,
    /// Problems a finding meets (e.g. a file swc cannot minify).
    pub diagnostics: Mutex<Vec<Diagnostic>>,
}

impl Context<'_> {
    /// Records a problem met while computing a finding.
    pub fn diagnose(&self, diagnostic: Diagnostic) {
        self.diagnostics
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(diagnostic);
    }
}

/// The source part's rules read a [`Context`].
pub struct Source;

impl Facts for Source {
    const PART: PartId = PartId::Source;
    type Ctx<'a> = Context<'a>;
}

/// Every source finding, in report order.
pub const REGISTRY: &[Rule<Source>] = &[
    Rule {
        kind: FindingKind::LazyCandidates,
        run: lazy_candidates::run,
    },
    Rule {
        kind: FindingKind::DuplicatePackages,
        run: duplicate_packages::run,
    },
    Rule {
        kind: FindingKind::Cycles,
        run: cycles::run,
    },
    Rule {
        kind: FindingKind::UnusedFiles,
        run: unused_files::run,
    },
    Rule {
        kind: FindingKind::UnusedExports,
        run: unused_exports::run,
    },
    Rule {
        kind: FindingKind::UnusedDependencies,
        run: dependencies::unused,
    },
    Rule {
        kind: FindingKind::UnusedDevDependencies,
        run: dependencies::unused_dev,
    },
    Rule {
        kind: FindingKind::DependenciesOnlyInTooling,
        run: dependencies::only_in_tooling,
    },
    Rule {
        kind: FindingKind::DevDependenciesInProduction,
        run: dependencies::dev_in_production,
    },
    Rule {
        kind: FindingKind::UnlistedDependencies,
        run: dependencies::unlisted,
    },
];

/// Runs every enabled finding in parallel; returns the findings by kind in
/// report order.
pub fn run_all(context: &Context<'_>, severities: &Severities) -> Vec<Finding> {
    let rules: Vec<&Rule<Source>> = rule::enabled(REGISTRY, severities).collect();
    rule::in_report_order(
        rules
            .par_iter()
            .map(|r| (r.kind, (r.run)(context)))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_kind_is_registered_once() {
        assert_eq!(rule::check(REGISTRY), Ok(()));
    }
}
