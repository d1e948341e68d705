//! Vitals findings: pure functions over the runs' artifacts and the React
//! report. [`REGISTRY`] is the only list of them.

use model::Finding;
use model::finding::{FindingKind, Severities};
use model::vitals::ReactReport;

use crate::gather::artifacts::{NetworkRecord, RunArtifacts};
use crate::metrics::network;

/// What a vitals finding reads.
pub struct Context<'a> {
    /// Every run's artifacts.
    pub runs: &'a [RunArtifacts],
    /// React renders merged over the runs.
    pub react: &'a ReactReport,
}

/// A registered finding: its kind and the function that computes it.
pub struct Rule {
    /// The kind it reports.
    pub kind: FindingKind,
    /// Computes every finding of the kind, in a deterministic order.
    pub run: fn(&Context<'_>) -> Vec<Finding>,
}

/// A network finding computed per run, merged over the runs (first run's
/// wording kept per key), sorted by key.
fn per_run(ctx: &Context<'_>, f: fn(&[NetworkRecord]) -> Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<Finding> = ctx.runs.iter().flat_map(|r| f(&r.network)).collect();
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out.dedup_by(|a, b| a.key == b.key);
    out
}

/// Every vitals finding, in report order.
pub const REGISTRY: &[Rule] = &[
    Rule {
        kind: FindingKind::SlowRenders,
        run: |ctx| {
            ctx.react
                .slow_renders
                .iter()
                .map(|r| r.finding(ctx.react.slow_render_ms))
                .collect()
        },
    },
    Rule {
        kind: FindingKind::SlowCommits,
        run: |ctx| {
            // One finding per set of top components, with how many commits.
            let mut groups: Vec<(&model::vitals::SlowCommit, usize, f64)> = Vec::new();
            for commit in &ctx.react.slow_commits {
                let same = |c: &model::vitals::SlowCommit| {
                    c.top
                        .iter()
                        .map(|t| &t.0)
                        .eq(commit.top.iter().map(|t| &t.0))
                };
                match groups.iter_mut().find(|(c, _, _)| same(c)) {
                    Some(group) => {
                        group.1 += 1;
                        group.2 = group.2.max(commit.duration_ms);
                    }
                    None => groups.push((commit, 1, commit.duration_ms)),
                }
            }
            groups
                .into_iter()
                .map(|(c, n, worst)| c.finding(ctx.react.slow_render_ms, n, worst))
                .collect()
        },
    },
    Rule {
        kind: FindingKind::UncompressedResponses,
        run: |ctx| per_run(ctx, network::uncompressed),
    },
    Rule {
        kind: FindingKind::ShortCache,
        run: |ctx| per_run(ctx, network::short_cache),
    },
    Rule {
        kind: FindingKind::RequestWaterfalls,
        run: |ctx| per_run(ctx, network::waterfalls),
    },
    Rule {
        kind: FindingKind::NPlusOneRequests,
        run: |ctx| per_run(ctx, network::n_plus_one),
    },
    Rule {
        kind: FindingKind::SlowApiCalls,
        run: |ctx| per_run(ctx, network::slow_api),
    },
    Rule {
        kind: FindingKind::FailedRequests,
        run: |ctx| per_run(ctx, network::failed),
    },
    Rule {
        kind: FindingKind::PendingRequests,
        run: |ctx| per_run(ctx, network::pending),
    },
];

/// Runs every enabled finding; returns the findings by kind in report order.
pub fn run_all(context: &Context<'_>, severities: &Severities) -> Vec<Finding> {
    let mut out: Vec<Finding> = REGISTRY
        .iter()
        .filter(|rule| severities.enabled(rule.kind))
        .flat_map(|rule| (rule.run)(context))
        .collect();
    out.sort_by_key(|f| f.kind);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vitals_kind_is_registered_once() {
        for kind in FindingKind::ALL
            .iter()
            .filter(|k| k.part() == model::PartId::Vitals)
        {
            assert_eq!(
                REGISTRY.iter().filter(|r| r.kind == *kind).count(),
                1,
                "{kind}"
            );
        }
    }
}
