//! Builds the [`VitalsReport`] from the artifacts of every run: per-run
//! metrics, Lighthouse's median run, spreads, network findings, React renders
//! and budgets. Pure: no browser, no file system.

use model::Diagnostic;
use model::finding::Severities;
use std::collections::BTreeMap;

use model::shard::RunFacts;
use model::vitals::{
    ChildTarget, FlowReport, ReactReport, Request, RunMetrics, Spread, VitalsReport,
};
use model::{Budget, BudgetOrigin, MetricId, PartId};
use model::{Finding, FindingKind};

use crate::config::{FlowConfig, VitalsBudgets};
use crate::gather::artifacts::RunArtifacts;
use crate::metrics::trace::round;
use crate::metrics::{
    PageTrace, cls, coverage, cpu, dev_server, fcp, heap, lcp, long_tasks, median, react,
    react_sources, spread, tbt, ttfb, tti,
};

/// FCP or LCP from the trace and from PerformanceObserver differing by more
/// than this (ms) is reported.
const CROSS_CHECK_MS: f64 = 100.0;

/// The LCP element with Lighthouse's phases: TTFB, load delay (TTFB to the
/// image request), load time (the download), render delay (to the paint).
fn lcp_element(run: &RunArtifacts) -> Option<model::vitals::LcpElement> {
    let (selector, url, size, text) = run.observer.lcp_element.clone()?;
    let lcp = run.observer.lcp_ms;
    let ttfb = run.observer.response_start_ms;
    let image = !url.is_empty();
    let (load_delay, load_time, render_delay) = match (image, run.observer.lcp_resource, ttfb, lcp)
    {
        (true, Some((start, end)), Some(ttfb), Some(lcp)) => (
            Some((start - ttfb).max(0.0)),
            Some((end - start).max(0.0)),
            Some((lcp - end).max(0.0)),
        ),
        (false, _, Some(ttfb), Some(lcp)) => (Some(0.0), Some(0.0), Some((lcp - ttfb).max(0.0))),
        _ => (None, None, None),
    };
    Some(model::vitals::LcpElement {
        selector,
        url: image.then_some(url),
        text: (!image && !text.is_empty()).then_some(text),
        size,
        ttfb_ms: ttfb.map(|v| round(v, 1)),
        load_delay_ms: load_delay.map(|v| round(v, 1)),
        load_time_ms: load_time.map(|v| round(v, 1)),
        render_delay_ms: render_delay.map(|v| round(v, 1)),
    })
}

/// The largest shifts without recent input, with the nodes that moved.
fn shift_culprits(run: &RunArtifacts) -> Vec<model::vitals::ShiftCulprits> {
    let mut out: Vec<model::vitals::ShiftCulprits> = run
        .observer
        .layout_shifts
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.2 && s.1 > 0.0)
        .map(|(i, s)| model::vitals::ShiftCulprits {
            at_ms: round(s.0, 1),
            score: round(s.1, 4),
            nodes: run
                .observer
                .shift_sources
                .get(i)
                .cloned()
                .unwrap_or_default(),
        })
        .collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.at_ms.total_cmp(&b.at_ms))
    });
    out.truncate(5);
    out
}

/// Computes the metrics of one run; diagnostics about the metrics are appended.
pub fn run_metrics(run: &RunArtifacts, diagnostics: &mut Vec<Diagnostic>) -> RunMetrics {
    let label = format!("run {}", run.index + 1);
    let page = PageTrace::find(&run.trace_events);
    let observed = &run.observer;
    let mut metrics = RunMetrics {
        index: run.index,
        complete: run.complete,
        final_url: run.final_url.clone(),
        lcp_element: lcp_element(run),
        shift_culprits: shift_culprits(run),
        console_errors: run.console_errors.clone(),
        ..RunMetrics::default()
    };
    let Some(page) = page else {
        return observer_only_metrics(run, &label, metrics, diagnostics);
    };

    let fcp = fcp::fcp_ms(&page).or_else(|| {
        observed.fcp_ms.inspect(|_| {
            diagnostics.push(Diagnostic::new(
                &run.url,
                format!("{label}: FCP missing from the trace; taken from PerformanceObserver"),
            ))
        })
    });
    let lcp = lcp::lcp_ms(&page).or_else(|| {
        observed.lcp_ms.inspect(|_| {
            diagnostics.push(Diagnostic::new(
                &run.url,
                format!("{label}: LCP missing from the trace; taken from PerformanceObserver"),
            ))
        })
    });
    for (name, trace, po) in [("FCP", fcp, observed.fcp_ms), ("LCP", lcp, observed.lcp_ms)] {
        // After the page navigated away the observer speaks for the new document.
        if let (Some(t), Some(p), None) = (trace, po, &run.final_url)
            && (t - p).abs() > CROSS_CHECK_MS
        {
            diagnostics.push(Diagnostic::new(
                &run.url,
                format!("{label}: {name} from the trace ({t:.0} ms) and from PerformanceObserver ({p:.0} ms) disagree"),
            ));
        }
    }
    let tasks = long_tasks::top_level_tasks(&page);
    let long: Vec<(f64, f64)> = tasks
        .iter()
        .filter(|(s, e, _)| e - s >= 50.0)
        .map(|(s, e, _)| (*s, *e))
        .collect();
    let dcl = observed.dom_content_loaded_ms.or_else(|| {
        page.frame_events("domContentLoadedEventEnd")
            .first()
            .map(|e| page.ms(e.ts))
    });
    let window = tti::quiet_window(run.profile.network.is_some());
    let tti_value = fcp.and_then(|fcp| {
        tti::tti_ms(
            fcp,
            dcl,
            &long,
            &tti::counted_requests(&page, &own_requests(run)),
            window,
        )
    });
    metrics.fcp_ms = fcp.map(|v| round(v, 1));
    metrics.lcp_ms = lcp.map(|v| round(v, 1));
    metrics.cls = Some(round(cls::cls(&page), 4));
    metrics.tti_ms = tti_value.map(|v| round(v, 1));
    metrics.tbt_ms = match (fcp, tti_value) {
        (Some(f), Some(t)) => Some(round(tbt::tbt_ms(&long, f, t), 1)),
        _ => None,
    };
    metrics.ttfb_ms = ttfb::ttfb_ms(&page, &run.network, &run.url)
        .or(observed.response_start_ms)
        .map(|v| round(v, 1));
    metrics.dom_content_loaded_ms = dcl.map(|v| round(v, 1));
    metrics.load_ms = observed.load_ms.map(|v| round(v, 1));
    metrics.long_tasks = long_tasks::long_tasks(&page);
    metrics.main_thread_ms =
        cpu::run_tasks(run, &page).map(|t| crate::metrics::tasks::main_thread_ms(&t));
    metrics.js_heap_max_bytes = heap::js_heap_max_bytes(run, Some(&page));
    metrics.requests = requests(run, None, |s| page.ms_from_seconds(s));
    metrics.children = children(run, |s| page.ms_from_seconds(s));
    // A page decides how long these lists get: keep the first ones.
    let url = run.url.as_str();
    cap(
        &mut metrics.requests,
        MAX_LISTED,
        url,
        &label,
        "requests",
        diagnostics,
    );
    cap(
        &mut metrics.long_tasks,
        MAX_LISTED,
        url,
        &label,
        "long tasks",
        diagnostics,
    );
    metrics
}

/// The metrics of a run whose trace has no navigation: what the page
/// reported through PerformanceObserver (FCP, LCP, CLS, TTFB), the heap, and
/// the requests timed from the first one.
fn observer_only_metrics(
    run: &RunArtifacts,
    label: &str,
    mut metrics: RunMetrics,
    diagnostics: &mut Vec<Diagnostic>,
) -> RunMetrics {
    let observed = &run.observer;
    if observed.fcp_ms.is_some() || observed.lcp_ms.is_some() {
        diagnostics.push(Diagnostic::new(
            &run.url,
            format!(
                "{label}: no navigation in the trace; FCP/LCP/CLS come from PerformanceObserver"
            ),
        ));
        metrics.fcp_ms = observed.fcp_ms.map(|v| round(v, 1));
        metrics.lcp_ms = observed.lcp_ms.map(|v| round(v, 1));
        let shifts: Vec<(f64, f64)> = observed
            .layout_shifts
            .iter()
            .filter(|s| !s.2)
            .map(|s| (s.0, s.1))
            .collect();
        metrics.cls = Some(round(cls::session_window_cls(&shifts), 4));
        metrics.ttfb_ms = observed.response_start_ms.map(|v| round(v, 1));
    }
    metrics.js_heap_max_bytes = heap::js_heap_max_bytes(run, None);
    let origin = run.network.first().map(|r| r.start_s).unwrap_or(0.0);
    metrics.requests = requests(run, None, |s| (s - origin) * 1000.0);
    metrics.children = children(run, |s| (s - origin) * 1000.0);
    metrics
}

/// Entries a page controls that one run lists at most (requests, long tasks);
/// the metrics and findings are computed from all of them.
pub const MAX_LISTED: usize = 1_000;

/// Keeps the first `max` items; a diagnostic says how many were left out.
fn cap<T>(
    list: &mut Vec<T>,
    max: usize,
    url: &str,
    label: &str,
    what: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if list.len() > max {
        diagnostics.push(Diagnostic::new(
            url,
            format!(
                "{label}: {} {what}; the first {max} are listed (metrics and findings count them all)",
                list.len()
            ),
        ));
        list.truncate(max);
    }
}

/// The page's own network records (not its workers' and out-of-process
/// iframes'): the page's metrics read these.
fn own_requests(run: &RunArtifacts) -> Vec<crate::gather::artifacts::NetworkRecord> {
    run.network
        .iter()
        .filter(|r| r.target.is_none())
        .cloned()
        .collect()
}

/// Entries of each list of a child's CPU time kept.
const CHILD_LISTED: usize = 10;

/// The recorded workers and out-of-process iframes, each with its
/// requests (at most [`MAX_LISTED`] in all) and console errors, by kind
/// then URL.
fn children(run: &RunArtifacts, ms: impl Fn(f64) -> f64 + Copy) -> Vec<ChildTarget> {
    let mut out: Vec<ChildTarget> = run
        .children
        .iter()
        .map(|child| {
            let requests = requests(run, Some(&child.id), ms);
            let maps = child
                .coverage
                .as_ref()
                .map(cpu::Maps::of)
                .unwrap_or_default();
            ChildTarget {
                kind: child.kind.clone(),
                url: child.url.clone(),
                transfer_bytes: requests.iter().map(|r| r.transfer_bytes).sum(),
                requests,
                console_errors: child.console_errors.clone(),
                cpu: child
                    .cpu_profile
                    .as_ref()
                    .map(|p| cpu::trimmed(cpu::summarize(p, &maps), CHILD_LISTED)),
                scripts: child
                    .coverage
                    .as_ref()
                    .map(|c| coverage::scripts(c, &run.network))
                    .unwrap_or_default(),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        let start = |c: &ChildTarget| c.requests.first().map_or(f64::INFINITY, |r| r.start_ms);
        (&a.kind, &a.url)
            .cmp(&(&b.kind, &b.url))
            .then_with(|| start(a).total_cmp(&start(b)))
    });
    let mut room = MAX_LISTED;
    for child in &mut out {
        child.requests.truncate(room);
        room -= child.requests.len();
    }
    out
}

/// The requests made by `target` (a child's id; `None`: the page).
fn requests(run: &RunArtifacts, target: Option<&str>, ms: impl Fn(f64) -> f64) -> Vec<Request> {
    run.network
        .iter()
        .filter(|r| r.target.as_deref() == target)
        .map(|r| Request {
            url: r.url.clone(),
            method: r.method.clone(),
            resource_type: r.resource_type.clone(),
            status: r.status,
            mime_type: r.mime_type.clone(),
            transfer_bytes: r.transfer_bytes,
            decoded_bytes: r.decoded_bytes,
            start_ms: round(ms(r.start_s), 1),
            end_ms: r.end_s.map(|e| round(ms(e), 1)),
            content_encoding: r.headers.get("content-encoding").cloned(),
            cache_control: r.headers.get("cache-control").cloned(),
            failed: r.failed.clone(),
        })
        .collect()
}

/// Findings of one kind a report lists at most (a page that fails 10,000
/// requests gets 50 findings and a diagnostic with the count).
pub const MAX_FINDINGS_PER_KIND: usize = 50;

fn cap_findings(findings: &mut Vec<Finding>, url: &str, diagnostics: &mut Vec<Diagnostic>) {
    let mut seen: std::collections::BTreeMap<FindingKind, usize> = Default::default();
    findings.retain(|f| {
        let n = seen.entry(f.kind).or_default();
        *n += 1;
        *n <= MAX_FINDINGS_PER_KIND
    });
    for (kind, n) in seen {
        if n > MAX_FINDINGS_PER_KIND {
            diagnostics.push(Diagnostic::new(
                url,
                format!(
                    "{n} {} findings; the first {MAX_FINDINGS_PER_KIND} are listed",
                    kind.id()
                ),
            ));
        }
    }
}

/// What one run contributes to its page's report: its metrics, its own
/// findings (enabled kinds), its React log, its development server, and,
/// with `coverage`, its coverage (a shard keeps every run's; an unsharded
/// report computes only the median run's).
pub fn run_facts(run: &RunArtifacts, severities: &Severities, coverage: bool) -> RunFacts {
    let mut diagnostics = run.diagnostics.clone();
    let metrics = run_metrics(run, &mut diagnostics);
    RunFacts {
        url: run.url.clone(),
        profile: run.profile.clone(),
        metrics,
        diagnostics,
        findings: crate::findings::of_run(run, severities),
        react: react_sources::resolve(run),
        coverage: if coverage {
            coverage::report(run)
        } else {
            None
        },
        cpu: if coverage { cpu::report(run) } else { None },
        dev_server: dev_server::detect(std::slice::from_ref(run)).map(str::to_string),
    }
}

/// The whole report of one page from its runs' artifacts.
pub fn build(
    runs: &[RunArtifacts],
    slow_render_ms: f64,
    budgets: &VitalsBudgets,
    severities: &Severities,
) -> VitalsReport {
    let facts: Vec<RunFacts> = runs
        .iter()
        .map(|r| run_facts(r, severities, false))
        .collect();
    let settings = Settings {
        slow_render_ms,
        budgets,
        severities,
    };
    combine(
        &facts,
        |i| runs.get(i).map(MedianRun::of).unwrap_or_default(),
        &settings,
    )
}

/// What the report shows of its median run alone: heavy to compute, so an
/// unsharded report computes it for that run only (a shard keeps every
/// run's, as the merge's median is not known yet).
#[derive(Debug, Clone, Default)]
pub struct MedianRun {
    /// The load's JavaScript and CSS coverage.
    pub coverage: Option<model::vitals::CoverageReport>,
    /// The load's CPU time per script, module and package.
    pub cpu: Option<model::vitals::CpuReport>,
}

impl MedianRun {
    /// Computed from a run's artifacts.
    pub fn of(run: &RunArtifacts) -> Self {
        Self {
            coverage: coverage::report(run),
            cpu: cpu::report(run),
        }
    }

    /// Kept in a shard's facts of the run.
    pub fn kept(facts: &RunFacts) -> Self {
        Self {
            coverage: facts.coverage.clone(),
            cpu: facts.cpu.clone(),
        }
    }
}

/// What [`combine`] reads of the configuration.
pub struct Settings<'a> {
    /// React renders slower than this (self time, ms) are reported.
    pub slow_render_ms: f64,
    /// Budgets judged on the median run.
    pub budgets: &'a VitalsBudgets,
    /// Severity of each kind of finding.
    pub severities: &'a Severities,
}

/// The report of one page from its runs' facts, in run order: Lighthouse's
/// median run, the spreads, the React renders over every run, the findings
/// (each key once), the median run's coverage (`coverage_of` its position
/// in `runs`), budgets and score. The one function behind an unsharded
/// report and a merge of shards.
pub fn combine(
    runs: &[RunFacts],
    median_of: impl Fn(usize) -> MedianRun,
    settings: &Settings<'_>,
) -> VitalsReport {
    let mut diagnostics: Vec<Diagnostic> = runs
        .iter()
        .flat_map(|r| r.diagnostics.iter().cloned())
        .collect();
    let metrics: Vec<RunMetrics> = runs.iter().map(|r| r.metrics.clone()).collect();
    // Only complete runs count: an errored document, a page that never
    // painted or a run cut short is never the median.
    let median_index = median::median_run(
        &metrics
            .iter()
            .map(|m| {
                if m.complete {
                    Some((m.fcp_ms?, m.tti_ms?))
                } else {
                    None
                }
            })
            .collect::<Vec<_>>(),
    );
    let median_run = median_index.and_then(|i| metrics.get(i).cloned());
    let pick = |f: fn(&RunMetrics) -> Option<f64>| metrics.iter().map(f).collect::<Vec<_>>();
    let spread = Spread {
        fcp_ms: spread::spread(&pick(|m| m.fcp_ms)),
        lcp_ms: spread::spread(&pick(|m| m.lcp_ms)),
        cls: spread::spread(&pick(|m| m.cls)),
        tbt_ms: spread::spread(&pick(|m| m.tbt_ms)),
        tti_ms: spread::spread(&pick(|m| m.tti_ms)),
        ttfb_ms: spread::spread(&pick(|m| m.ttfb_ms)),
    };
    let logs: Vec<_> = runs.iter().map(|r| &r.react).collect();
    let react = react::react_report(&logs, settings.slow_render_ms);
    let MedianRun { coverage, cpu } = median_index.map(median_of).unwrap_or_default();
    let severities = settings.severities;
    let mut findings = crate::findings::run_all(
        &crate::findings::Context {
            runs,
            react: &react,
            flows: &[],
            coverage: coverage.as_ref(),
        },
        severities,
    );
    let origin = runs.first().map(|r| r.url.as_str()).unwrap_or("");
    let dev_server = runs.iter().find_map(|r| r.dev_server.clone());
    if let Some(server) = &dev_server {
        findings = dev_server::summarise_transfer(findings, server, origin);
        diagnostics.push(Diagnostic::new(
            origin,
            format!("served by a development server ({server}): load metrics are development numbers (unminified code, no compression, on-demand transforms); measure a production build to judge them"),
        ));
    }
    cap_findings(
        &mut findings,
        runs.first().map(|r| r.url.as_str()).unwrap_or(""),
        &mut diagnostics,
    );
    if react.detected && !react.profiling {
        diagnostics.push(Diagnostic::new(
            runs.first().map(|r| r.url.as_str()).unwrap_or(""),
            "React production build: render timings need a development or profiling build (react-dom.profiling); only commits are counted, and each component's CPU time where the load was profiled",
        ));
    }
    if median_index.is_none() && !runs.is_empty() {
        diagnostics.push(Diagnostic::new(
            runs.first().map(|r| r.url.as_str()).unwrap_or(""),
            "no run produced both FCP and TTI: there is no median run",
        ));
    }
    let budgets = check_budgets(
        median_run.as_ref(),
        &react,
        coverage.as_ref(),
        settings.budgets,
    );
    let profile = runs
        .first()
        .map(|r| r.profile.clone())
        .unwrap_or_else(|| crate::ProfileName::Desktop.profile());
    let performance_score = median_run
        .as_ref()
        .map(|m| crate::score::performance(m, None, crate::score::FormFactor::of(&profile)));
    VitalsReport {
        schema_version: model::SCHEMA_VERSION,
        kind: "vitals".into(),
        url: runs.first().map(|r| r.url.clone()).unwrap_or_default(),
        profile,
        runs: metrics,
        median_index,
        median: median_run,
        spread,
        react,
        findings,
        budgets,
        diagnostics,
        path: None,
        pages: Vec::new(),
        dev_server,
        flows: Vec::new(),
        coverage,
        cpu,
        performance_score,
        not_evaluated: Vec::new(),
        shard: None,
    }
}

/// Budgets against the median run; the render budget only applies when React
/// timings exist. A budget whose metric the median run lacks (or when there
/// is no median run) fails as not measured, with the reason. `coverage` is
/// the median run's (the `unused_js` budget).
pub fn check_budgets(
    median: Option<&RunMetrics>,
    react: &model::vitals::ReactReport,
    coverage: Option<&model::vitals::CoverageReport>,
    budgets: &VitalsBudgets,
) -> Vec<Budget> {
    let mut out = Vec::new();
    let defaults = VitalsBudgets::default();
    let mut add = |metric: MetricId, limit: Option<f64>, actual: Option<f64>| {
        let origin = if limit == defaults.limit(metric) {
            BudgetOrigin::Default
        } else {
            BudgetOrigin::PerfscopeToml
        };
        if let Some(limit) = limit {
            out.push(Budget::judge(
                PartId::Vitals,
                metric.label(),
                metric,
                limit,
                actual,
                || not_measured(metric, median.is_some()),
                origin,
                Vec::new(),
            ));
        }
    };
    let unused = coverage.map(unused_js);
    for (metric, actual) in [
        (MetricId::Fcp, median.and_then(|m| m.fcp_ms)),
        (MetricId::Lcp, median.and_then(|m| m.lcp_ms)),
        (MetricId::Tti, median.and_then(|m| m.tti_ms)),
        (MetricId::Tbt, median.and_then(|m| m.tbt_ms)),
        (MetricId::Cls, median.and_then(|m| m.cls)),
        (MetricId::MainThread, median.and_then(|m| m.main_thread_ms)),
        (MetricId::UnusedJs, unused.map(|(bytes, _)| bytes as f64)),
        (MetricId::UnusedJsShare, unused.map(|(_, share)| share)),
    ] {
        add(metric, budgets.limit(metric), actual);
    }
    if react.profiling {
        add(
            MetricId::Render,
            budgets.limit(MetricId::Render),
            react::slowest_render_ms(react),
        );
    }
    out
}

/// Why a budget on `metric` has no value.
fn not_measured(metric: MetricId, has_median: bool) -> String {
    match (has_median, metric) {
        (false, _) => {
            "no complete run produced both FCP and TTI, so there is no median run".to_string()
        }
        (true, MetricId::MainThread) => {
            "the median run recorded no main-thread tasks in its trace".to_string()
        }
        (true, MetricId::UnusedJs | MetricId::UnusedJsShare) => {
            "the median run has no JavaScript coverage (gathered with each load; not in these artifacts)"
                .to_string()
        }
        (true, _) => format!("the median run did not measure {}", metric.label()),
    }
}

/// The unused JavaScript of a load: the bytes its scripts transferred in
/// functions that never ran (each script's `wasted_bytes`, summed), and
/// their share of every byte of JavaScript transferred (0 without any).
pub fn unused_js(coverage: &model::vitals::CoverageReport) -> (u64, f64) {
    let (wasted, transfer) = coverage.scripts.iter().fold((0u64, 0u64), |(w, t), s| {
        (w + s.wasted_bytes, t + s.transfer_bytes)
    });
    let share = if transfer == 0 {
        0.0
    } else {
        round(wasted as f64 / transfer as f64, 4)
    };
    (wasted, share)
}

/// The INP budgets of each replayed flow, judged on its median replay: the
/// flow's (its `inp_ms`, else `[vitals.budgets] inp_ms`), and each step's
/// (`step_inp_ms`; a step that ran several times is judged on its worst).
pub fn flow_budgets(flows: &[(&FlowConfig, FlowReport)], budgets: &VitalsBudgets) -> Vec<Budget> {
    let default_limit = VitalsBudgets::default().limit(MetricId::Inp);
    let mut out = Vec::new();
    for (config, flow) in flows {
        let global = budgets.limit(MetricId::Inp);
        let (limit, origin) = match (config.inp_ms, global) {
            (Some(own), _) => (Some(own), BudgetOrigin::PerfscopeToml),
            (None, Some(l)) if Some(l) == default_limit => (Some(l), BudgetOrigin::Default),
            (None, l) => (l, BudgetOrigin::PerfscopeToml),
        };
        // A flow without any interaction (navigations, scrolls) has no INP
        // to judge; one whose replays all failed is not measured.
        if let Some(limit) = limit
            && (flow.median_index.is_none() || flow.inp_ms.is_some())
        {
            out.push(Budget::judge(
                PartId::Vitals,
                format!("INP of flow {}", flow.name),
                MetricId::Inp,
                limit,
                flow.inp_ms,
                || "no replay of the flow ran every step".to_string(),
                origin,
                Vec::new(),
            ));
        }
        if let Some(limit) = config.step_inp_ms {
            out.extend(step_budgets(flow, limit));
        }
    }
    out
}

/// Each step's INP (its worst over repetitions) in the median replay,
/// against `limit`.
fn step_budgets(flow: &FlowReport, limit: f64) -> Vec<Budget> {
    let Some(run) = flow
        .median_index
        .and_then(|i| flow.runs.iter().find(|r| r.index == i))
    else {
        return Vec::new();
    };
    let mut worst: BTreeMap<usize, (f64, String)> = BTreeMap::new();
    for step in &run.steps {
        if let Some(inp) = step.inp_ms {
            let what = match &step.target {
                Some(t) => format!("{} {t}", step.kind),
                None => step.kind.clone(),
            };
            let slot = worst.entry(step.number).or_insert((inp, what));
            slot.0 = slot.0.max(inp);
        }
    }
    worst
        .into_iter()
        .map(|(number, (inp, what))| {
            Budget::judge(
                PartId::Vitals,
                format!("INP of step {number} ({what}) of flow {}", flow.name),
                MetricId::Inp,
                limit,
                Some(inp),
                String::new,
                BudgetOrigin::PerfscopeToml,
                Vec::new(),
            )
        })
        .collect()
}

/// The findings of the replayed flows (unnecessary re-renders, suspected
/// memory leaks), through the vitals registry.
pub fn flow_findings(flows: &[FlowReport], severities: &Severities) -> Vec<Finding> {
    crate::findings::run_all(
        &crate::findings::Context {
            runs: &[],
            react: &ReactReport::default(),
            flows,
            coverage: None,
        },
        severities,
    )
}

/// Whether every budget passed.
pub fn budgets_pass(report: &VitalsReport) -> bool {
    report.budgets.iter().all(Budget::passes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gather::artifacts::NetworkRecord;
    use crate::gather::run::failed_run;
    use crate::profile::ProfileName;

    fn flow(name: &str, median: Option<usize>, inp: Option<f64>) -> FlowReport {
        FlowReport {
            name: name.into(),
            file: None,
            runs: Vec::new(),
            median_index: median,
            inp_ms: inp,
        }
    }

    fn configured<'a>(
        config: &'a FlowConfig,
        flows: &[FlowReport],
    ) -> Vec<(&'a FlowConfig, FlowReport)> {
        flows.iter().map(|f| (config, f.clone())).collect()
    }

    #[test]
    fn each_flow_with_interactions_has_an_inp_budget() {
        let flows = [
            flow("slow", Some(0), Some(260.0)),
            flow("fast", Some(0), Some(40.0)),
            flow("scroll only", Some(0), None),
            flow("broken", None, None),
        ];
        let plain = FlowConfig::file("f.json");
        let budgets = flow_budgets(&configured(&plain, &flows), &VitalsBudgets::default());
        let got: Vec<(&str, model::Verdict)> = budgets
            .iter()
            .map(|b| (b.name.as_str(), b.verdict))
            .collect();
        assert_eq!(
            got,
            [
                ("INP of flow slow", model::Verdict::Fail),
                ("INP of flow fast", model::Verdict::Pass),
                ("INP of flow broken", model::Verdict::NotMeasured),
            ]
        );
        assert!(budgets.iter().all(|b| b.limit == 200.0));
        let off = VitalsBudgets {
            inp_ms: None,
            ..VitalsBudgets::default()
        };
        assert!(flow_budgets(&configured(&plain, &flows), &off).is_empty());
        // A flow's own budget wins over the global one, even when that is off.
        let own = FlowConfig {
            inp_ms: Some(300.0),
            ..FlowConfig::file("f.json")
        };
        let judged = flow_budgets(&configured(&own, &flows[..1]), &off);
        assert_eq!(judged.len(), 1);
        assert_eq!(
            (judged[0].limit, judged[0].verdict),
            (300.0, model::Verdict::Pass)
        );
    }

    #[test]
    fn step_budgets_judge_each_step_on_its_worst_repetition() {
        let step = |number: usize, kind: &str, inp: Option<f64>| model::vitals::StepReport {
            number,
            kind: kind.into(),
            target: Some("#add".into()),
            inp_ms: inp,
            ..Default::default()
        };
        let mut report = flow("cart", Some(0), Some(240.0));
        report.runs = vec![model::vitals::FlowRun {
            index: 0,
            complete: true,
            steps: vec![
                step(2, "navigate", None),
                step(3, "click", Some(90.0)),
                step(3, "click", Some(240.0)),
                step(4, "click", Some(40.0)),
            ],
            ..Default::default()
        }];
        let config = FlowConfig {
            step_inp_ms: Some(100.0),
            ..FlowConfig::file("f.json")
        };
        let budgets = flow_budgets(&[(&config, report)], &VitalsBudgets::default());
        let got: Vec<(&str, f64, model::Verdict)> = budgets
            .iter()
            .map(|b| (b.name.as_str(), b.actual.unwrap_or(-1.0), b.verdict))
            .collect();
        assert_eq!(
            got,
            [
                ("INP of flow cart", 240.0, model::Verdict::Fail),
                (
                    "INP of step 3 (click #add) of flow cart",
                    240.0,
                    model::Verdict::Fail
                ),
                (
                    "INP of step 4 (click #add) of flow cart",
                    40.0,
                    model::Verdict::Pass
                ),
            ]
        );
    }

    #[test]
    fn main_thread_and_unused_js_budgets_judge_the_median_run() {
        let median = RunMetrics {
            fcp_ms: Some(80.0),
            tti_ms: Some(370.0),
            main_thread_ms: Some(385.1),
            ..RunMetrics::default()
        };
        let script = |transfer: u64, wasted: u64| model::vitals::ScriptUsage {
            transfer_bytes: transfer,
            wasted_bytes: wasted,
            ..Default::default()
        };
        let coverage = model::vitals::CoverageReport {
            scripts: vec![script(16_286, 11_468), script(3_714, 532)],
            ..Default::default()
        };
        assert_eq!(unused_js(&coverage), (12_000, 0.6));
        let limits = |unused_js| VitalsBudgets {
            main_thread_ms: Some(300.0),
            unused_js,
            ..VitalsBudgets::default()
        };
        let judged = |budgets: &VitalsBudgets, coverage| {
            check_budgets(Some(&median), &ReactReport::default(), coverage, budgets)
                .into_iter()
                .filter(|b| {
                    matches!(
                        b.metric,
                        MetricId::MainThread | MetricId::UnusedJs | MetricId::UnusedJsShare
                    )
                })
                .map(|b| (b.metric, b.actual, b.verdict, b.origin))
                .collect::<Vec<_>>()
        };
        use crate::config::UnusedJsLimit;
        use model::Verdict::{Fail, NotMeasured, Pass};
        let toml = BudgetOrigin::PerfscopeToml;
        assert_eq!(
            judged(&limits(Some(UnusedJsLimit::Bytes(10_000))), Some(&coverage)),
            [
                (MetricId::MainThread, Some(385.1), Fail, toml),
                (MetricId::UnusedJs, Some(12_000.0), Fail, toml),
            ]
        );
        assert_eq!(
            judged(&limits(Some(UnusedJsLimit::Share(0.6))), Some(&coverage))[1],
            (MetricId::UnusedJsShare, Some(0.6), Pass, toml)
        );
        // Artifacts without coverage: not measured, which fails, with why.
        let budgets = check_budgets(
            Some(&median),
            &ReactReport::default(),
            None,
            &limits(Some(UnusedJsLimit::Share(0.5))),
        );
        let share = budgets
            .iter()
            .find(|b| b.metric == MetricId::UnusedJsShare)
            .unwrap();
        assert_eq!(share.verdict, NotMeasured);
        assert!(
            share
                .reason
                .as_deref()
                .unwrap()
                .contains("no JavaScript coverage")
        );
        // Off by default.
        assert!(judged(&VitalsBudgets::default(), Some(&coverage)).is_empty());
    }

    /// A run whose trace has no navigation, with what the page reported.
    fn observed_run() -> RunArtifacts {
        let mut run = failed_run(
            0,
            "http://localhost/",
            ProfileName::Desktop.profile(),
            Diagnostic::new("", ""),
        );
        run.diagnostics.clear();
        run.observer.fcp_ms = Some(1234.56);
        run.observer.lcp_ms = Some(2000.04);
        run.observer.response_start_ms = Some(80.04);
        // The shift after input does not count.
        run.observer.layout_shifts = vec![(100.0, 0.05, false), (200.0, 0.5, true)];
        run.heap_samples = vec![10, 30, 20];
        run.network = vec![
            NetworkRecord {
                url: "http://localhost/".into(),
                start_s: 1.0,
                end_s: Some(2.0),
                ..NetworkRecord::default()
            },
            NetworkRecord {
                url: "http://localhost/app.js".into(),
                start_s: 1.5,
                ..NetworkRecord::default()
            },
        ];
        run
    }

    #[test]
    fn observer_only_metrics_take_what_the_page_reported() {
        let run = observed_run();
        let mut diagnostics = Vec::new();
        let m = observer_only_metrics(&run, "run 1", RunMetrics::default(), &mut diagnostics);
        assert_eq!(m.fcp_ms, Some(1234.6));
        assert_eq!(m.lcp_ms, Some(2000.0));
        assert_eq!(m.cls, Some(0.05));
        assert_eq!(m.ttfb_ms, Some(80.0));
        assert_eq!(m.js_heap_max_bytes, Some(30));
        // Requests are timed from the first one.
        let times: Vec<(f64, Option<f64>)> =
            m.requests.iter().map(|r| (r.start_ms, r.end_ms)).collect();
        assert_eq!(times, vec![(0.0, Some(1000.0)), (500.0, None)]);
        assert_eq!(diagnostics.len(), 1);
        assert!(
            diagnostics[0]
                .message
                .contains("run 1: no navigation in the trace")
        );
    }

    #[test]
    fn observer_only_metrics_without_paints_say_nothing() {
        let mut run = observed_run();
        run.observer.fcp_ms = None;
        run.observer.lcp_ms = None;
        let mut diagnostics = Vec::new();
        let m = observer_only_metrics(&run, "run 1", RunMetrics::default(), &mut diagnostics);
        assert_eq!(
            (m.fcp_ms, m.lcp_ms, m.cls, m.ttfb_ms),
            (None, None, None, None)
        );
        assert_eq!(m.js_heap_max_bytes, Some(30));
        assert_eq!(m.requests.len(), 2);
        assert!(diagnostics.is_empty());
    }

    #[test]
    fn run_metrics_without_a_trace_fall_back_to_the_observer() {
        let run = observed_run();
        let mut diagnostics = Vec::new();
        let m = run_metrics(&run, &mut diagnostics);
        assert_eq!(m.index, 0);
        assert!(!m.complete);
        assert_eq!(m.fcp_ms, Some(1234.6));
        assert_eq!(m.tti_ms, None);
        assert_eq!(diagnostics.len(), 1);
    }
}
