//! Vitals findings: pure functions over the runs' artifacts and the React
//! report, each kind's finding built here. [`REGISTRY`] is the only list of
//! them.

use std::collections::BTreeMap;

use model::Finding;
use model::finding::{Detail, FindingKind, PartId, Severities};
use model::rule::{self, Facts, Rule};
use model::units::format_bytes;
use model::units::format_ms;
use model::vitals::{
    CoverageReport, FlowReport, FlowRun, ReactReport, ScriptUsage, SlowCommit, SlowRender,
};

use model::shard::RunFacts;

use crate::gather::artifacts::{NetworkRecord, RunArtifacts};
use crate::metrics::issuing_tasks::IssuingTasks;
use crate::metrics::network;

/// What a vitals finding reads.
pub struct Context<'a> {
    /// Every run's facts, in run order.
    pub runs: &'a [RunFacts],
    /// React renders merged over the runs.
    pub react: &'a ReactReport,
    /// The replayed flows.
    pub flows: &'a [FlowReport],
    /// The median run's JavaScript and CSS coverage, when gathered.
    pub coverage: Option<&'a CoverageReport>,
}

/// The vitals part's rules read a [`Context`].
pub struct Vitals;

impl Facts for Vitals {
    const PART: PartId = PartId::Vitals;
    type Ctx<'a> = Context<'a>;
}

/// A finding computed from one run's network log and the main-thread tasks
/// that sent its requests.
type NetworkRule = fn(&[NetworkRecord], &IssuingTasks) -> Vec<Finding>;

/// The findings computed from one run's network log, each kind with its
/// function, in report order.
const PER_RUN: &[(FindingKind, NetworkRule)] = &[
    (FindingKind::UncompressedResponses, |log, _| {
        network::uncompressed(log)
    }),
    (FindingKind::ShortCache, |log, _| network::short_cache(log)),
    (FindingKind::RequestWaterfalls, network::waterfalls),
    (FindingKind::NPlusOneRequests, |log, _| {
        network::n_plus_one(log)
    }),
    (FindingKind::SlowApiCalls, |log, _| network::slow_api(log)),
    (FindingKind::FailedRequests, |log, _| network::failed(log)),
    (FindingKind::PendingRequests, |log, _| network::pending(log)),
];

/// One run's own findings (the enabled kinds of [`PER_RUN`]), kept in its
/// [`RunFacts`].
pub fn of_run(run: &RunArtifacts, severities: &Severities) -> Vec<Finding> {
    let issued = IssuingTasks::of(run);
    PER_RUN
        .iter()
        .filter(|(kind, _)| severities.enabled(*kind))
        .flat_map(|(_, f)| f(&run.network, &issued))
        .collect()
}

/// The runs' findings of `kind` merged over the runs (first run's wording
/// kept per key), sorted by key.
fn per_run(ctx: &Context<'_>, kind: FindingKind) -> Vec<Finding> {
    let mut out: Vec<Finding> = ctx
        .runs
        .iter()
        .flat_map(|r| r.findings.iter().filter(|f| f.kind == kind).cloned())
        .collect();
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out.dedup_by(|a, b| a.key == b.key);
    out
}

/// The `slow-renders` finding of a component (`threshold_ms` is the
/// slow-render threshold).
pub fn slow_render(r: &SlowRender, threshold_ms: f64) -> Finding {
    let defined = r
        .defined_in()
        .map(|place| format!("; defined in {place}"))
        .unwrap_or_default();
    Finding::new(
        FindingKind::SlowRenders,
        r.component.clone(),
        r.component.clone(),
        format!(
            "{} render{} over {}: its own work up to {}, with its children up to {} (total own work {}){defined}",
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

/// The `slow-commits` finding of `count` commits with the same top
/// components as `c`, the slowest taking `worst_ms`.
pub fn slow_commit(c: &SlowCommit, threshold_ms: f64, count: usize, worst_ms: f64) -> Finding {
    let names: Vec<String> = c
        .top
        .iter()
        .map(|(name, ms, n)| {
            if *n > 1 {
                format!("{name} {} ×{n}", format_ms(*ms))
            } else {
                format!("{name} {}", format_ms(*ms))
            }
        })
        .collect();
    let key: Vec<&str> = c.top.iter().map(|(n, _, _)| n.as_str()).collect();
    Finding::new(
        FindingKind::SlowCommits,
        key.join(" "),
        c.top.first().map(|(n, _, _)| n.clone()).unwrap_or_default(),
        format!(
            "{count} commit{} over {}, slowest {}; most self time: {}",
            if count == 1 { "" } else { "s" },
            format_ms(threshold_ms),
            format_ms(worst_ms),
            names.join(", ")
        ),
    )
}

fn slow_renders(ctx: &Context<'_>) -> Vec<Finding> {
    ctx.react
        .slow_renders
        .iter()
        .map(|r| slow_render(r, ctx.react.slow_render_ms))
        .collect()
}

/// One finding per set of top components, with how many commits.
fn slow_commits(ctx: &Context<'_>) -> Vec<Finding> {
    let mut groups: Vec<(&SlowCommit, usize, f64)> = Vec::new();
    for commit in &ctx.react.slow_commits {
        let same = |c: &SlowCommit| {
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
        .map(|(c, n, worst)| slow_commit(c, ctx.react.slow_render_ms, n, worst))
        .collect()
}

/// The median replay of a flow.
fn median_run(flow: &FlowReport) -> Option<&FlowRun> {
    let i = flow.median_index?;
    flow.runs.iter().find(|r| r.index == i)
}

/// Components re-rendered during the flows' steps without a change of
/// props, state or context (their median replays), per component.
fn unnecessary_renders(ctx: &Context<'_>) -> Vec<Finding> {
    let mut by_component: BTreeMap<&str, (u64, f64, Vec<&str>)> = BTreeMap::new();
    for flow in ctx.flows {
        for r in median_run(flow)
            .into_iter()
            .flat_map(|run| &run.steps)
            .flat_map(|s| &s.unnecessary_renders)
        {
            let slot = by_component.entry(r.component.as_str()).or_default();
            slot.0 += r.count;
            slot.1 += r.self_ms;
            if !slot.2.contains(&flow.name.as_str()) {
                slot.2.push(flow.name.as_str());
            }
        }
    }
    let mut ranked: Vec<_> = by_component.into_iter().collect();
    ranked.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    ranked
        .into_iter()
        .map(|(component, (count, ms, flows))| {
            Finding::new(
                FindingKind::UnnecessaryRenders,
                component,
                component,
                format!(
                    "re-rendered {count} time{} without a change of props, state or context (its parent rendered), {} of its own work, in flow {}",
                    if count == 1 { "" } else { "s" },
                    format_ms(ms),
                    flows.join(", ")
                ),
            )
        })
        .collect()
}

/// Flows whose median replay leaves memory behind each repetition.
fn memory_leaks(ctx: &Context<'_>) -> Vec<Finding> {
    ctx.flows
        .iter()
        .filter_map(|flow| {
            let why = median_run(flow)?.memory.as_ref()?.suspected_leak.as_ref()?;
            let complete = flow.runs.iter().filter(|r| r.complete).count();
            let agreeing = flow
                .runs
                .iter()
                .filter(|r| r.complete)
                .filter(|r| {
                    r.memory
                        .as_ref()
                        .is_some_and(|m| m.suspected_leak.is_some())
                })
                .count();
            Some(Finding::new(
                FindingKind::MemoryLeak,
                flow.name.clone(),
                flow.name.clone(),
                format!("{why} (in {agreeing} of {complete} replays)"),
            ))
        })
        .collect()
}

/// Scripts of the median run whose unused code, scaled to the bytes
/// transferred, is over Lighthouse's 20 KiB, each naming where that code
/// comes from.
fn unused_javascript(ctx: &Context<'_>) -> Vec<Finding> {
    let Some(coverage) = ctx.coverage else {
        return Vec::new();
    };
    coverage
        .scripts
        .iter()
        .filter(|s| s.over_threshold())
        .map(unused_javascript_finding)
        .collect()
}

/// The `unused-javascript` finding of a script: how much of what it
/// transferred never ran at load, and its top three sources of unused code.
pub fn unused_javascript_finding(s: &ScriptUsage) -> Finding {
    let mut message = format!(
        "{} of the {} transferred never ran at load ({:.0}% of its {} of code)",
        format_bytes(s.wasted_bytes),
        format_bytes(s.transfer_bytes),
        s.unused_ratio * 100.0,
        format_bytes(s.total_bytes)
    );
    let top: Vec<String> = s
        .top_sources(3)
        .into_iter()
        .map(|t| {
            format!(
                "{} ({}, {:.0}% unused)",
                t.name,
                format_bytes(t.wasted_bytes),
                t.unused_ratio * 100.0
            )
        })
        .collect();
    if !top.is_empty() {
        message.push_str("; most unused: ");
        message.push_str(&top.join(", "));
    }
    Finding::new(
        FindingKind::UnusedJavascript,
        s.url.clone(),
        s.url.clone(),
        message,
    )
    .with_detail(Detail::Request { url: s.url.clone() })
}

fn uncompressed(ctx: &Context<'_>) -> Vec<Finding> {
    per_run(ctx, FindingKind::UncompressedResponses)
}

fn short_cache(ctx: &Context<'_>) -> Vec<Finding> {
    per_run(ctx, FindingKind::ShortCache)
}

fn waterfalls(ctx: &Context<'_>) -> Vec<Finding> {
    per_run(ctx, FindingKind::RequestWaterfalls)
}

fn n_plus_one(ctx: &Context<'_>) -> Vec<Finding> {
    per_run(ctx, FindingKind::NPlusOneRequests)
}

fn slow_api(ctx: &Context<'_>) -> Vec<Finding> {
    per_run(ctx, FindingKind::SlowApiCalls)
}

fn failed(ctx: &Context<'_>) -> Vec<Finding> {
    per_run(ctx, FindingKind::FailedRequests)
}

fn pending(ctx: &Context<'_>) -> Vec<Finding> {
    per_run(ctx, FindingKind::PendingRequests)
}

/// Every vitals finding, in report order.
pub const REGISTRY: &[Rule<Vitals>] = &[
    Rule {
        kind: FindingKind::SlowRenders,
        run: slow_renders,
    },
    Rule {
        kind: FindingKind::SlowCommits,
        run: slow_commits,
    },
    Rule {
        kind: FindingKind::UnnecessaryRenders,
        run: unnecessary_renders,
    },
    Rule {
        kind: FindingKind::MemoryLeak,
        run: memory_leaks,
    },
    Rule {
        kind: FindingKind::UncompressedResponses,
        run: uncompressed,
    },
    Rule {
        kind: FindingKind::ShortCache,
        run: short_cache,
    },
    Rule {
        kind: FindingKind::RequestWaterfalls,
        run: waterfalls,
    },
    Rule {
        kind: FindingKind::NPlusOneRequests,
        run: n_plus_one,
    },
    Rule {
        kind: FindingKind::SlowApiCalls,
        run: slow_api,
    },
    Rule {
        kind: FindingKind::FailedRequests,
        run: failed,
    },
    Rule {
        kind: FindingKind::PendingRequests,
        run: pending,
    },
    Rule {
        kind: FindingKind::UnusedJavascript,
        run: unused_javascript,
    },
];

/// Runs every enabled finding; returns the findings by kind in report order.
pub fn run_all(context: &Context<'_>, severities: &Severities) -> Vec<Finding> {
    rule::run_all(REGISTRY, context, severities)
}

#[cfg(test)]
mod tests {
    use model::vitals::SourceUsage;

    use super::*;

    #[test]
    fn every_vitals_kind_is_registered_once() {
        assert_eq!(rule::check(REGISTRY), Ok(()));
    }

    fn source(name: &str, package: Option<&str>, unused: u64, ratio: f64) -> SourceUsage {
        SourceUsage {
            name: name.into(),
            package: package.map(str::to_string),
            total_bytes: (unused as f64 / ratio) as u64,
            unused_bytes: unused,
            unused_ratio: ratio,
            wasted_bytes: unused / 3,
        }
    }

    #[test]
    fn unused_javascript_names_the_script_and_where_its_unused_code_is() {
        let over = ScriptUsage {
            url: "http://127.0.0.1:1/app.js".into(),
            scripts: 1,
            total_bytes: 120_000,
            unused_bytes: 113_700,
            unused_ratio: 0.9475,
            transfer_bytes: 36_150,
            wasted_bytes: 34_230,
            modules: vec![
                source("src/chart.js", None, 110_300, 0.9892),
                source(
                    "node_modules/dayjs/dayjs.min.js",
                    Some("dayjs"),
                    3_230,
                    0.451,
                ),
                source("(unmapped)", None, 9_000, 0.6),
                source("src/main.js", None, 100, 0.2),
                source("src/format.js", None, 56, 0.17),
            ],
            packages: vec![source("dayjs", None, 3_230, 0.451)],
            ..ScriptUsage::default()
        };
        // 20 KiB transferred is not over the threshold.
        let under = ScriptUsage {
            url: "http://127.0.0.1:1/small.js".into(),
            wasted_bytes: 20 * 1024,
            ..over.clone()
        };
        let coverage = CoverageReport {
            run: 0,
            granularity: Default::default(),
            scripts: vec![over, under],
            stylesheets: Vec::new(),
        };
        let ctx = Context {
            runs: &[],
            react: &ReactReport::default(),
            flows: &[],
            coverage: Some(&coverage),
        };
        let findings = unused_javascript(&ctx);
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert_eq!(
            (f.key.as_str(), f.subject.as_str()),
            ("http://127.0.0.1:1/app.js", "http://127.0.0.1:1/app.js")
        );
        assert_eq!(
            f.message,
            "34.2 KB of the 36.1 KB transferred never ran at load (95% of its 120 KB of code); most unused: src/chart.js (36.8 KB, 99% unused), dayjs (1.08 KB, 45% unused), src/main.js (33 B, 20% unused)"
        );
        let none = Context {
            coverage: None,
            ..ctx
        };
        assert!(unused_javascript(&none).is_empty());
    }
}
