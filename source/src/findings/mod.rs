//! Findings: functions over the gathered [`ModuleGraph`], one file per
//! finding. [`REGISTRY`] is the only list of them.
//!
//! They read the graph and the configuration, and the file system in two
//! places only, both the `package.json` of installed packages:
//!
//! - the dependency findings ([`dependencies`]: unused, unused dev, only in
//!   tooling, dev in production, unlisted) read the `peerDependencies` of
//!   every used package, from `node_modules/<name>/package.json` beside the
//!   workspace, else at the root (a peer of a used package counts as used
//!   with it);
//! - lazy-loading candidates ([`lazy_candidates`]) read the `sideEffects` of
//!   a package, once per package, when the production trimming of a top
//!   candidate meets an import whose bindings went unused (a module declared
//!   free of side effects is dropped with it).
//!
//! A new source finding is:
//!
//! 1. a [`FindingKind`] with its meta (one entry of the `finding_kinds!`
//!    table in `model::finding`), and its id in the README's list of
//!    finding kinds (section "Configuration: `perfscope.toml`");
//! 2. one function here in its own file, and one line in [`REGISTRY`];
//! 3. a fixture test (`source/tests/source_findings.rs`, a case under
//!    `fixtures/source/`);
//! 4. an arm in `file_of` in `reporter/src/sarif.rs`, the file its SARIF
//!    result and GitHub annotation point at (without one it gets neither:
//!    `file_of` falls back to `None`);
//! 5. a table in the HTML report's source section
//!    (`reporter/src/html/source.rs` and `reporter/templates/source.html`);
//!    the Markdown and terminal outputs list every kind without changes;
//! 6. when it saves bytes or time worth ranking among the top actions, an
//!    arm in `all` in `assess/src/actions.rs`.

pub mod cycles;
pub mod dependencies;
pub mod duplicate_packages;
pub mod lazy_candidates;
pub mod unused_exports;
pub mod unused_files;

use std::sync::Mutex;

use globset::GlobSet;
use model::Diagnostic;
use model::finding::{Finding, FindingKind, Severities};
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

/// A registered finding: its kind and the function that computes it.
pub struct Rule {
    /// The kind it reports.
    pub kind: FindingKind,
    /// Computes every finding of the kind, in a deterministic order.
    pub run: fn(&Context<'_>) -> Vec<Finding>,
}

/// Every source finding, in report order.
pub const REGISTRY: &[Rule] = &[
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
    let mut per_rule: Vec<(FindingKind, Vec<Finding>)> = REGISTRY
        .par_iter()
        .filter(|rule| severities.enabled(rule.kind))
        .map(|rule| (rule.kind, (rule.run)(context)))
        .collect();
    per_rule.sort_by_key(|(kind, _)| *kind);
    per_rule.into_iter().flat_map(|(_, f)| f).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_kind_is_registered_once() {
        for kind in FindingKind::ALL
            .iter()
            .filter(|k| k.part() == model::PartId::Source)
        {
            let n = REGISTRY.iter().filter(|r| r.kind == *kind).count();
            assert_eq!(n, 1, "{kind} registered {n} times");
        }
        assert!(
            REGISTRY
                .iter()
                .all(|r| r.kind.part() == model::PartId::Source)
        );
    }
}
