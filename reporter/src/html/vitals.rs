//! The vitals section: each metric per run with the median and the spread, the
//! long tasks of every run on a timeline (inline SVG), React renders and slow
//! commits, network findings, other findings, the median run's requests,
//! console errors, diagnostics. Findings come from the assessment (every
//! page's).

use model::finding::{Detail, Finding, FindingKind, PartId};
use model::report::Report;
use model::vitals::{MetricSpread, Profile, Request, RunMetrics, VitalsReport};

use super::source::{DiagnosticRow, diagnostics};
use super::{FindingRow, Others, Table};
use crate::format;

pub struct MetricRow {
    pub label: &'static str,
    pub runs: Vec<String>,
    pub median: String,
    pub spread: String,
}

pub struct Rect {
    pub x: String,
    pub w: String,
    pub title: String,
}

pub struct Mark {
    pub x: String,
    pub class: &'static str,
    pub title: String,
}

pub struct TimelineRow {
    pub label: String,
    pub y: String,
    pub text_y: String,
    pub mark_end: String,
    pub tasks: Vec<Rect>,
    pub marks: Vec<Mark>,
}

pub struct Tick {
    pub x: String,
    pub label: String,
}

pub struct Timeline {
    pub height: String,
    pub axis_y: String,
    pub rows: Vec<TimelineRow>,
    pub ticks: Vec<Tick>,
    pub task_count: usize,
}

pub struct RenderRow {
    pub component: String,
    pub count: u64,
    pub max: String,
    pub max_v: String,
    pub total: String,
    pub total_v: String,
    pub with_children: String,
    /// The module that defines it, with its package; empty when not located.
    pub defined_in: String,
}

pub struct RequestRow {
    pub url: String,
    pub kind: String,
    pub status: String,
    pub transfer: String,
    pub transfer_v: u64,
    pub decoded: String,
    pub decoded_v: u64,
    pub start: String,
    pub start_v: String,
    pub duration: String,
    pub duration_v: String,
    pub encoding: String,
    pub cache: String,
}

pub struct ConsoleRow {
    pub source: String,
    pub message: String,
    pub url: String,
}

/// A replayed user flow: its INP and, from the median replay (else the
/// first), each step with its slowest interaction.
pub struct FlowView {
    pub name: String,
    pub inp: String,
    /// "3 replays, median #2", and why replays stopped.
    pub summary: String,
    pub errors: Vec<String>,
    pub steps: Vec<StepRow>,
    /// The most rendered components over the flow ("App ×4, List ×4").
    pub renders: String,
    /// Heap and DOM growth per repetition, and the leak verdict.
    pub memory: String,
    /// Whether a leak is suspected.
    pub leak: bool,
    /// The median replay's interactions, each split by its attribution.
    pub timeline: Option<super::flow_timeline::FlowTimeline>,
}

/// One step of a flow.
pub struct StepRow {
    pub number: usize,
    pub kind: String,
    pub target: String,
    pub inp: String,
    /// The slowest interaction: event on target.
    pub slowest: String,
    pub input_delay: String,
    pub processing: String,
    pub presentation: String,
    /// Whether the step's INP is over 200 ms (Google's "needs improvement").
    pub slow: bool,
    /// The step's total blocking time.
    pub tbt: String,
    /// The longest animation frame and its longest script, with the module
    /// and package it maps to.
    pub frame: String,
    /// The slowest React commit and its components by self time, with why
    /// each rendered.
    pub react: String,
    /// Components re-rendered without a change ("Badge ×2").
    pub unnecessary: String,
    /// "rep 2" when the flow was repeated.
    pub repetition: String,
    /// The step's layout shifts (CLS) and the elements they moved.
    pub shifts: String,
    /// The requests the step started: count, bytes, largest and slowest.
    pub requests: String,
}

/// A flow's view.
fn flow_view(flow: &model::vitals::FlowReport) -> FlowView {
    let shown = flow
        .median_index
        .and_then(|i| flow.runs.iter().find(|r| r.index == i))
        .or(flow.runs.first());
    let ms = |v: Option<f64>| v.map_or_else(|| "—".to_string(), format::ms);
    let steps = shown
        .map(|run| {
            run.steps
                .iter()
                .map(|s| {
                    let slowest = s.interactions.first();
                    StepRow {
                        number: s.number,
                        kind: s.kind.clone(),
                        target: s.target.clone().unwrap_or_default(),
                        inp: ms(s.inp_ms),
                        slowest: slowest.map_or_else(String::new, |i| {
                            format!("{} on {}", i.event, i.target.as_deref().unwrap_or("?"))
                        }),
                        input_delay: ms(slowest.map(|i| i.input_delay_ms)),
                        processing: ms(slowest.map(|i| i.processing_ms)),
                        presentation: ms(slowest.map(|i| i.presentation_delay_ms)),
                        slow: s.inp_ms.is_some_and(|v| v > 200.0),
                        tbt: ms(s.tbt_ms),
                        frame: frame_text(s),
                        react: commit_text(s),
                        unnecessary: counted(&s.unnecessary_renders, 3),
                        repetition: s.repetition.map(|r| format!("rep {r}")).unwrap_or_default(),
                        shifts: match (s.cls, s.shifted.is_empty()) {
                            (Some(cls), false) => {
                                format!("{} ({})", format::score(cls), s.shifted.join(", "))
                            }
                            _ => String::new(),
                        },
                        requests: s
                            .requests
                            .as_ref()
                            .map_or_else(String::new, format::step_requests),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let replays = flow.runs.len();
    FlowView {
        name: flow.name.clone(),
        inp: ms(flow.inp_ms),
        summary: format!(
            "{replays} replay{}{}",
            if replays == 1 { "" } else { "s" },
            flow.median_index
                .map(|i| format!(", median #{}", i + 1))
                .unwrap_or_default()
        ),
        errors: flow.runs.iter().filter_map(|r| r.error.clone()).collect(),
        steps,
        renders: shown.map_or_else(String::new, |r| counted(&r.renders, 5)),
        memory: shown
            .and_then(|r| r.memory.as_ref())
            .map_or_else(String::new, memory_text),
        leak: shown
            .and_then(|r| r.memory.as_ref())
            .is_some_and(|m| m.suspected_leak.is_some()),
        timeline: shown.and_then(super::flow_timeline::flow_timeline),
    }
}

/// "Badge ×2, Row ×1" for the first `n`.
fn counted(list: &[model::vitals::ComponentRenders], n: usize) -> String {
    list.iter()
        .take(n)
        .map(|c| format!("{} ×{}", c.component, c.count))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The step's longest frame: "96 ms: Slow (src/List.jsx, react-dom)".
fn frame_text(s: &model::vitals::StepReport) -> String {
    let Some(frame) = s.long_frames.first() else {
        return String::new();
    };
    let mut text = format::ms(frame.duration_ms);
    if let Some(script) = frame.scripts.first() {
        let name = script
            .function
            .clone()
            .or_else(|| script.invoker.clone())
            .unwrap_or_else(|| "script".into());
        let place: Vec<&str> = [script.module.as_deref(), script.package.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        text.push_str(&format!(": {name} {}", format::ms(script.duration_ms)));
        if !place.is_empty() {
            text.push_str(&format!(" ({})", place.join(", ")));
        }
    }
    text
}

/// The step's slowest commit: "88.9 ms: List 80 ms (props), App 0.6 ms (state)".
fn commit_text(s: &model::vitals::StepReport) -> String {
    let Some(commit) = s
        .commits
        .iter()
        .max_by(|a, b| a.duration_ms.total_cmp(&b.duration_ms))
    else {
        return String::new();
    };
    let parts: Vec<String> = commit
        .components
        .iter()
        .take(3)
        .map(|c| match &c.why {
            Some(why) => format!("{} {} ({why})", c.component, format::ms(c.self_ms)),
            None => format!("{} {}", c.component, format::ms(c.self_ms)),
        })
        .collect();
    format!("{}: {}", format::ms(commit.duration_ms), parts.join(", "))
}

/// "+791 KB heap, +1 listener, +12 detached nodes per repetition (4
/// repetitions): suspected leak: …".
fn memory_text(m: &model::vitals::FlowMemory) -> String {
    let before = m.samples.first().map(|s| s.heap_bytes).unwrap_or(0);
    let after = m.samples.last().map(|s| s.heap_bytes).unwrap_or(0);
    let mut text = format!(
        "JS heap {} before the steps, {} after",
        format::bytes(before),
        format::bytes(after)
    );
    if let Some(g) = m.growth {
        text.push_str(&format!(
            "; per repetition ({} in all): {} heap, {:+} listeners, {:+} detached nodes",
            m.repetitions,
            format::signed_bytes(g.heap_bytes),
            g.listeners,
            g.detached_nodes
        ));
    }
    if let Some(why) = &m.suspected_leak {
        text.push_str(&format!(". Suspected leak: {why}"));
    }
    text
}

/// Another page measured in the same run (`[[vitals.pages]]`): its median.
pub struct PageRow {
    pub path: String,
    pub url: String,
    pub runs: usize,
    pub fcp: String,
    pub lcp: String,
    pub tti: String,
    pub tbt: String,
    pub cls: String,
}

pub struct VitalsView {
    pub url: String,
    /// The page measured, when pages were listed.
    pub path: String,
    /// The other listed pages.
    pub pages: Vec<PageRow>,
    /// Replayed user flows.
    pub flows: Vec<FlowView>,
    /// The development server the page came from, if recognised.
    pub dev_server: String,
    pub profile: String,
    pub run_headers: Vec<String>,
    pub median_label: String,
    pub metrics: Vec<MetricRow>,
    pub timeline: Timeline,
    pub react_detected: bool,
    pub react_profiling: bool,
    pub react_commits: u64,
    pub slow_render_ms: String,
    pub slow_renders: Vec<RenderRow>,
    /// Render time by defining package and the busiest components, when
    /// components were located.
    pub react: Option<super::react::ReactView>,
    /// `slow-commits` findings (shown with the React renders; the subject
    /// is the component with the most self time).
    pub slow_commits: Vec<FindingRow>,
    /// The median run's LCP element and its phases, one line.
    pub lcp_element: String,
    /// The median run's largest layout shifts with the nodes that moved.
    pub shifts: Vec<String>,
    /// Lighthouse's performance score of the median run, one line (empty
    /// without a median run).
    pub score: String,
    /// Lighthouse CI assertions perfscope does not evaluate, one line each.
    pub not_evaluated: Vec<String>,
    /// The network findings (kind, URL or URL template, message).
    pub findings: Vec<FindingRow>,
    /// The gate's failing checks on vitals findings configured as errors.
    pub errors: Vec<String>,
    /// Findings of kinds without a table here.
    pub others: Vec<FindingRow>,
    /// The median run's unused JavaScript and CSS at load, when measured.
    pub coverage: Option<super::coverage::CoverageView>,
    /// The median run's CPU time at load, when measured.
    pub cpu: Option<super::cpu::CpuView>,
    pub requests: Vec<RequestRow>,
    /// The median run's workers and out-of-process iframes.
    pub children: Vec<super::children::ChildRow>,
    /// Said when a CPU-throttled run profiled workers Chromium did not slow.
    pub children_note: String,
    pub console: Vec<ConsoleRow>,
    pub diagnostics: Vec<DiagnosticRow>,
}

type Getter = fn(&RunMetrics) -> Option<f64>;

fn show(cls: bool, v: Option<f64>) -> String {
    match v {
        Some(v) if cls => format::score(v),
        Some(v) => format::ms(v),
        None => "—".to_string(),
    }
}

fn spread_text(cls: bool, s: Option<&MetricSpread>) -> String {
    match s {
        Some(s) => format!(
            "{} – {} (CV {}, n={})",
            show(cls, Some(s.min)),
            show(cls, Some(s.max)),
            format::percent(s.cv),
            s.n
        ),
        None => "—".to_string(),
    }
}

pub(super) fn num(v: f64) -> String {
    format!("{v:.1}")
}

fn timeline(v: &VitalsReport) -> Timeline {
    const WIDTH: f64 = 1000.0;
    const LEFT: f64 = 70.0;
    const ROW: f64 = 30.0;
    let mut end: f64 = 0.0;
    for r in &v.runs {
        for t in &r.long_tasks {
            end = end.max(t.start_ms + t.duration_ms);
        }
        for m in [r.fcp_ms, r.lcp_ms, r.tti_ms, r.load_ms]
            .into_iter()
            .flatten()
        {
            end = end.max(m);
        }
    }
    let end = if end > 0.0 { end * 1.05 } else { 1000.0 };
    let scale = |ms: f64| LEFT + (ms.max(0.0) / end) * (WIDTH - LEFT - 10.0);
    let rows = v
        .runs
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let y = 10.0 + i as f64 * ROW;
            let tasks = r
                .long_tasks
                .iter()
                .map(|t| Rect {
                    x: num(scale(t.start_ms)),
                    w: num((scale(t.start_ms + t.duration_ms) - scale(t.start_ms)).max(1.5)),
                    title: format!(
                        "long task at {}: {}{}",
                        format::ms(t.start_ms),
                        format::ms(t.duration_ms),
                        t.url
                            .as_deref()
                            .map(|u| format!(" ({u})"))
                            .unwrap_or_default()
                    ),
                })
                .collect();
            let marks = [
                ("fcp", "FCP", r.fcp_ms),
                ("lcp", "LCP", r.lcp_ms),
                ("tti", "TTI", r.tti_ms),
            ]
            .into_iter()
            .filter_map(|(class, name, value)| {
                value.map(|ms| Mark {
                    x: num(scale(ms)),
                    class,
                    title: format!("{name} {}", format::ms(ms)),
                })
            })
            .collect();
            TimelineRow {
                label: if v.median_index == Some(i) {
                    format!("run {} ★", i + 1)
                } else {
                    format!("run {}", i + 1)
                },
                y: num(y),
                text_y: num(y + ROW / 2.0 + 1.0),
                mark_end: num(y + 24.0),
                tasks,
                marks,
            }
        })
        .collect();
    let axis = 10.0 + v.runs.len() as f64 * ROW + 4.0;
    let step = nice_step(end / 6.0);
    let ticks = (0..)
        .map(|k| k as f64 * step)
        .take_while(|ms| *ms <= end)
        .map(|ms| Tick {
            x: num(scale(ms)),
            label: format::ms(ms),
        })
        .collect();
    Timeline {
        height: num(axis + 20.0),
        axis_y: num(axis),
        rows,
        ticks,
        task_count: v.runs.iter().map(|r| r.long_tasks.len()).sum(),
    }
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
pub(super) fn nice_step(raw: f64) -> f64 {
    if raw <= 0.0 || !raw.is_finite() {
        return 100.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * power)
}

fn render_row(f: &Finding) -> Option<RenderRow> {
    let Detail::Render(r) = &f.detail else {
        return None;
    };
    Some(RenderRow {
        component: r.component.clone(),
        count: r.count,
        max: format::ms(r.max_ms),
        max_v: num(r.max_ms),
        total: format::ms(r.total_ms),
        total_v: num(r.total_ms),
        with_children: format::ms(r.max_actual_ms),
        defined_in: r.defined_in().unwrap_or_default(),
    })
}

/// The metric table: each metric per run, the median and the spread.
fn metric_rows(v: &VitalsReport) -> Vec<MetricRow> {
    let metrics: [(&str, bool, Getter, Option<&MetricSpread>); 6] = [
        ("FCP", false, |r| r.fcp_ms, v.spread.fcp_ms.as_ref()),
        ("LCP", false, |r| r.lcp_ms, v.spread.lcp_ms.as_ref()),
        ("TTI", false, |r| r.tti_ms, v.spread.tti_ms.as_ref()),
        ("TBT", false, |r| r.tbt_ms, v.spread.tbt_ms.as_ref()),
        ("CLS", true, |r| r.cls, v.spread.cls.as_ref()),
        ("TTFB", false, |r| r.ttfb_ms, v.spread.ttfb_ms.as_ref()),
    ];
    metrics
        .iter()
        .map(|(label, cls, get, spread)| MetricRow {
            label,
            runs: v.runs.iter().map(|r| show(*cls, get(r))).collect(),
            median: show(*cls, v.median.as_ref().and_then(get)),
            spread: spread_text(*cls, *spread),
        })
        .collect()
}

/// The metric table's run columns (`Run 2 (incomplete)`).
fn run_headers(runs: &[RunMetrics]) -> Vec<String> {
    runs.iter()
        .map(|r| {
            if r.complete {
                format!("Run {}", r.index + 1)
            } else {
                format!("Run {} (incomplete)", r.index + 1)
            }
        })
        .collect()
}

/// The metric table's median column, naming the median run when known.
fn median_label(median_index: Option<usize>) -> String {
    match median_index {
        Some(i) => format!("Median (run {})", i + 1),
        None => "Median".to_string(),
    }
}

/// The device, the throttling and the network conditions, one line.
fn profile_text(profile: &Profile) -> String {
    let mut text = format!(
        "{}, throttling {}: {}×{} at DPR {}, CPU {}× slower",
        profile.name,
        if profile.throttling.is_empty() {
            "as recorded"
        } else {
            profile.throttling.as_str()
        },
        profile.width,
        profile.height,
        profile.device_scale_factor,
        profile.cpu_slowdown
    );
    if let Some(n) = &profile.network {
        text.push_str(&format!(
            ", network {} latency, {:.2} kbit/s down, {:.2} kbit/s up (1 kbit = 1024 bits, as DevTools)",
            format::ms(n.latency_ms),
            n.download_bytes_per_s * 8.0 / 1024.0,
            n.upload_bytes_per_s * 8.0 / 1024.0
        ));
    }
    text
}

/// Another listed page: its median metrics.
fn page_row(p: &VitalsReport) -> PageRow {
    let m = p.median.as_ref();
    PageRow {
        path: p.path.clone().unwrap_or_default(),
        url: p.url.clone(),
        runs: p.runs.len(),
        fcp: show(false, m.and_then(|m| m.fcp_ms)),
        lcp: show(false, m.and_then(|m| m.lcp_ms)),
        tti: show(false, m.and_then(|m| m.tti_ms)),
        tbt: show(false, m.and_then(|m| m.tbt_ms)),
        cls: show(true, m.and_then(|m| m.cls)),
    }
}

/// The median run: the run at `median_index`, else the recorded median.
fn median_run(v: &VitalsReport) -> Option<&RunMetrics> {
    v.median_index
        .and_then(|i| v.runs.get(i))
        .or(v.median.as_ref())
}

/// One request of the median run.
fn request_row(q: &Request) -> RequestRow {
    let duration = q.end_ms.map(|e| e - q.start_ms);
    RequestRow {
        url: q.url.clone(),
        kind: q.resource_type.clone(),
        status: match (&q.failed, q.status) {
            (Some(why), _) => format!("failed: {why}"),
            (None, Some(s)) => s.to_string(),
            (None, None) => "—".to_string(),
        },
        transfer: format::bytes(q.transfer_bytes),
        transfer_v: q.transfer_bytes,
        decoded: format::bytes(q.decoded_bytes),
        decoded_v: q.decoded_bytes,
        start: format::ms(q.start_ms),
        start_v: num(q.start_ms),
        duration: duration.map_or_else(|| "—".to_string(), format::ms),
        duration_v: num(duration.unwrap_or(0.0)),
        encoding: q.content_encoding.clone().unwrap_or_default(),
        cache: q.cache_control.clone().unwrap_or_default(),
    }
}

/// The console errors of every run, each with its run, then those of the
/// run's iframes and workers, each with its target.
fn console_rows(runs: &[RunMetrics]) -> Vec<ConsoleRow> {
    runs.iter()
        .flat_map(|r| {
            let row = move |origin: String, c: &model::vitals::ConsoleError| ConsoleRow {
                source: format!("run {}: {origin}{}", r.index + 1, c.source),
                message: c.message.clone(),
                url: c.url.clone().unwrap_or_default(),
            };
            let own = r.console_errors.iter().map(move |c| row(String::new(), c));
            let children = r.children.iter().flat_map(move |child| {
                child
                    .console_errors
                    .iter()
                    .map(move |c| row(format!("{} {}: ", child.kind, child.url), c))
            });
            own.chain(children)
        })
        .collect()
}

/// The vitals findings of `report`, each in its table.
struct Placed {
    slow_renders: Vec<RenderRow>,
    slow_commits: Vec<FindingRow>,
    network: Vec<FindingRow>,
    errors: Vec<String>,
    /// The kinds without a table here, then the findings whose own table
    /// could not show them.
    others: Vec<FindingRow>,
}

/// Places the vitals findings of `report` (the assessment's): React renders
/// and slow commits in their tables, network findings in theirs, the rest
/// in the other findings; and the gate's failing checks on vitals findings
/// configured as errors.
fn place_findings(report: &Report) -> Placed {
    let mut others = Others::of(report, PartId::Vitals);
    let slow_renders = others.rows(report, FindingKind::SlowRenders, render_row);
    let slow_commits = others.rows(report, FindingKind::SlowCommits, |f| {
        Some(FindingRow::of(f))
    });
    Placed {
        slow_renders,
        slow_commits,
        network: super::generic_rows(report, PartId::Vitals, Table::Network),
        errors: crate::findings::failed_error_checks(report, PartId::Vitals)
            .into_iter()
            .map(|c| crate::findings::check_text(c).to_string())
            .collect(),
        others: others.0,
    }
}

/// The vitals section of `report`, whose vitals document is `v`.
pub fn build(v: &VitalsReport, report: &Report) -> VitalsView {
    let placed = place_findings(report);
    let median_run = median_run(v);
    VitalsView {
        url: v.url.clone(),
        path: v.path.clone().unwrap_or_default(),
        pages: v.pages.iter().map(page_row).collect(),
        flows: v.flows.iter().map(flow_view).collect(),
        dev_server: v.dev_server.clone().unwrap_or_default(),
        profile: profile_text(&v.profile),
        run_headers: run_headers(&v.runs),
        median_label: median_label(v.median_index),
        metrics: metric_rows(v),
        timeline: timeline(v),
        react_detected: v.react.detected,
        react_profiling: v.react.profiling,
        react_commits: v.react.commits,
        slow_render_ms: format::ms(v.react.slow_render_ms),
        slow_renders: placed.slow_renders,
        react: super::react::build(&v.react),
        lcp_element: median_run
            .and_then(|r| r.lcp_element.as_ref())
            .map(|e| e.describe())
            .unwrap_or_default(),
        shifts: median_run
            .map(|r| r.shift_culprits.iter().map(|s| s.describe()).collect())
            .unwrap_or_default(),
        score: v
            .performance_score
            .as_ref()
            .map(format::performance_score)
            .unwrap_or_default(),
        not_evaluated: v.not_evaluated.iter().map(format::not_evaluated).collect(),
        slow_commits: placed.slow_commits,
        findings: placed.network,
        errors: placed.errors,
        children: median_run
            .map(|r| super::children::build(&r.children))
            .unwrap_or_default(),
        children_note: median_run
            .and_then(|r| format::unslowed_children_note(&v.profile, &r.children))
            .unwrap_or_default(),
        requests: median_run
            .map(|r| r.requests.iter().map(request_row).collect())
            .unwrap_or_default(),
        console: console_rows(&v.runs),
        others: placed.others,
        coverage: v.coverage.as_ref().map(super::coverage::build),
        cpu: v.cpu.as_ref().map(super::cpu::build),
        diagnostics: diagnostics(&v.diagnostics),
    }
}

#[cfg(test)]
mod tests {
    use model::finding::{Detail, Finding, FindingKind, Severity};
    use model::report::{Part, Report};
    use model::vitals::{
        ConsoleError, MetricSpread, NetworkThrottling, Profile, Request, RunMetrics, SlowRender,
    };

    use super::*;

    /// The shop-app's recorded vitals document, read as a report.
    fn recorded() -> Report {
        crate::json::parse_document(include_str!("../../../fixtures/reports/vitals.json"))
            .expect("the recorded vitals document reads")
    }

    fn document(report: &mut Report) -> &mut VitalsReport {
        match &mut report.vitals {
            Part::Ok { document } => document,
            _ => panic!("the recorded report has vitals"),
        }
    }

    fn run(index: usize, complete: bool, fcp: Option<f64>, cls: Option<f64>) -> RunMetrics {
        RunMetrics {
            index,
            complete,
            fcp_ms: fcp,
            cls,
            ..RunMetrics::default()
        }
    }

    fn profile(throttling: &str, network: Option<NetworkThrottling>) -> Profile {
        Profile {
            name: "mobile".to_string(),
            width: 412,
            height: 823,
            device_scale_factor: 1.75,
            mobile: true,
            cpu_slowdown: 4.0,
            network,
            throttling: throttling.to_string(),
        }
    }

    fn request(status: Option<u16>, end_ms: Option<f64>, failed: Option<&str>) -> Request {
        Request {
            url: "http://localhost/api/items".to_string(),
            method: "GET".to_string(),
            resource_type: "Fetch".to_string(),
            status,
            mime_type: None,
            transfer_bytes: 2048,
            decoded_bytes: 4096,
            start_ms: 100.0,
            end_ms,
            content_encoding: Some("br".to_string()),
            cache_control: None,
            failed: failed.map(str::to_string),
        }
    }

    #[test]
    fn metric_rows_show_each_run_the_median_and_the_spread() {
        let mut report = recorded();
        let v = document(&mut report);
        v.runs = vec![
            run(0, true, Some(400.0), Some(0.1)),
            run(1, true, None, Some(0.25)),
        ];
        v.median = Some(run(0, true, Some(400.0), Some(0.1)));
        v.spread = Default::default();
        v.spread.fcp_ms = Some(MetricSpread {
            n: 1,
            min: 400.0,
            max: 400.0,
            mean: 400.0,
            cv: 0.0,
        });
        let rows = metric_rows(v);
        let labels: Vec<&str> = rows.iter().map(|r| r.label).collect();
        assert_eq!(labels, ["FCP", "LCP", "TTI", "TBT", "CLS", "TTFB"]);
        assert_eq!(rows[0].runs, [format::ms(400.0), "—".to_string()]);
        assert_eq!(rows[0].median, format::ms(400.0));
        assert_eq!(
            rows[0].spread,
            format!(
                "{0} – {0} (CV {1}, n=1)",
                format::ms(400.0),
                format::percent(0.0)
            )
        );
        // CLS is a score, not a time; a metric without a spread shows a dash.
        assert_eq!(rows[4].runs, [format::score(0.1), format::score(0.25)]);
        assert_eq!(rows[4].spread, "—");
        assert_eq!(rows[1].runs, ["—", "—"]);
        assert_eq!(rows[1].median, "—");
    }

    #[test]
    fn run_headers_say_which_runs_are_incomplete() {
        let runs = [run(0, true, None, None), run(1, false, None, None)];
        assert_eq!(run_headers(&runs), ["Run 1", "Run 2 (incomplete)"]);
        assert!(run_headers(&[]).is_empty());
    }

    #[test]
    fn the_median_label_names_the_median_run_when_known() {
        assert_eq!(median_label(Some(1)), "Median (run 2)");
        assert_eq!(median_label(None), "Median");
    }

    #[test]
    fn profile_text_tells_the_device_the_throttling_and_the_network() {
        assert_eq!(
            profile_text(&profile("", None)),
            "mobile, throttling as recorded: 412×823 at DPR 1.75, CPU 4× slower"
        );
        let network = NetworkThrottling {
            latency_ms: 150.0,
            download_bytes_per_s: 204800.0,
            upload_bytes_per_s: 96000.0,
        };
        assert_eq!(
            profile_text(&profile("custom", Some(network))),
            format!(
                "mobile, throttling custom: 412×823 at DPR 1.75, CPU 4× slower, network {} latency, \
                 1600.00 kbit/s down, 750.00 kbit/s up (1 kbit = 1024 bits, as DevTools)",
                format::ms(150.0)
            )
        );
    }

    #[test]
    fn a_page_row_shows_the_pages_median_or_dashes() {
        let mut report = recorded();
        let v = document(&mut report);
        v.path = Some("/cart".to_string());
        v.median = Some(run(0, true, Some(420.0), Some(0.05)));
        let row = page_row(v);
        assert_eq!(row.path, "/cart");
        assert_eq!(row.url, v.url);
        assert_eq!(row.runs, v.runs.len());
        assert_eq!(row.fcp, format::ms(420.0));
        assert_eq!(row.cls, format::score(0.05));
        assert_eq!(row.lcp, "—");
        v.median = None;
        v.path = None;
        let row = page_row(v);
        assert_eq!((row.path.as_str(), row.fcp.as_str()), ("", "—"));
    }

    #[test]
    fn the_median_run_is_the_indexed_run_else_the_recorded_median() {
        let mut report = recorded();
        let v = document(&mut report);
        v.runs = vec![run(0, true, Some(1.0), None), run(1, true, Some(2.0), None)];
        v.median = Some(run(7, true, Some(3.0), None));
        v.median_index = Some(1);
        assert_eq!(median_run(v).map(|r| r.index), Some(1));
        v.median_index = Some(5);
        assert_eq!(median_run(v).map(|r| r.index), Some(7));
        v.median_index = None;
        assert_eq!(median_run(v).map(|r| r.index), Some(7));
        v.median = None;
        assert!(median_run(v).is_none());
    }

    #[test]
    fn a_request_row_tells_its_status_and_duration() {
        let row = request_row(&request(Some(200), Some(350.0), None));
        assert_eq!(row.status, "200");
        assert_eq!(row.duration, format::ms(250.0));
        assert_eq!(row.duration_v, "250.0");
        assert_eq!(row.start_v, "100.0");
        assert_eq!((row.transfer_v, row.decoded_v), (2048, 4096));
        assert_eq!(row.transfer, format::bytes(2048));
        assert_eq!((row.encoding.as_str(), row.cache.as_str()), ("br", ""));
        assert_eq!(
            (row.url.as_str(), row.kind.as_str()),
            ("http://localhost/api/items", "Fetch")
        );

        let failed = request_row(&request(Some(200), None, Some("net::ERR_ABORTED")));
        assert_eq!(failed.status, "failed: net::ERR_ABORTED");
        assert_eq!(
            (failed.duration.as_str(), failed.duration_v.as_str()),
            ("—", "0.0")
        );
        assert_eq!(request_row(&request(None, None, None)).status, "—");
    }

    #[test]
    fn console_rows_name_their_run() {
        let mut second = run(1, true, None, None);
        second.console_errors = vec![
            ConsoleError {
                source: "exception".to_string(),
                message: "boom".to_string(),
                url: Some("http://localhost/a.js".to_string()),
            },
            ConsoleError {
                source: "console.error".to_string(),
                message: "bang".to_string(),
                url: None,
            },
        ];
        second.children = vec![model::vitals::ChildTarget {
            kind: "iframe".to_string(),
            url: "http://localhost:2/pay.html".to_string(),
            transfer_bytes: 100,
            requests: Vec::new(),
            console_errors: vec![ConsoleError {
                source: "exception".to_string(),
                message: "TypeError: x".to_string(),
                url: Some("http://localhost:2/pay.js".to_string()),
            }],
            ..Default::default()
        }];
        let rows = console_rows(&[run(0, true, None, None), second]);
        let shown: Vec<(&str, &str, &str)> = rows
            .iter()
            .map(|r| (r.source.as_str(), r.message.as_str(), r.url.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                ("run 2: exception", "boom", "http://localhost/a.js"),
                ("run 2: console.error", "bang", ""),
                (
                    "run 2: iframe http://localhost:2/pay.html: exception",
                    "TypeError: x",
                    "http://localhost:2/pay.js"
                ),
            ]
        );
    }

    /// The recorded report with React and network findings planted: a slow
    /// render, a slow render without its detail, a slow commit, an N+1.
    fn with_findings() -> Report {
        let mut report = recorded();
        let render = SlowRender {
            component: "Chart".to_string(),
            count: 3,
            max_ms: 31.5,
            total_ms: 90.0,
            max_actual_ms: 33.0,
            module: Some("node_modules/recharts/es6/chart/Chart.js".to_string()),
            package: Some("recharts".to_string()),
            cpu_ms: Some(40.5),
        };
        document(&mut report).findings = vec![
            Finding::new(FindingKind::SlowRenders, "Chart", "Chart", "3 slow renders")
                .with_detail(Detail::Render(render)),
            Finding::new(FindingKind::SlowRenders, "Table", "Table", "no detail"),
            Finding::new(FindingKind::SlowCommits, "0:1", "Chart", "a 40 ms commit"),
            Finding::new(
                FindingKind::NPlusOneRequests,
                "http://localhost/api/items/{id}",
                "http://localhost/api/items/{id}",
                "12 requests to one URL template",
            ),
        ];
        report
    }

    #[test]
    fn findings_are_placed_in_their_tables_and_the_rest_in_others() {
        let placed = place_findings(&with_findings());
        let renders: Vec<(&str, u64, &str)> = placed
            .slow_renders
            .iter()
            .map(|r| (r.component.as_str(), r.count, r.max_v.as_str()))
            .collect();
        assert_eq!(renders, [("Chart", 3, "31.5")]);
        let subjects = |rows: &[FindingRow]| -> Vec<(&str, String)> {
            rows.iter().map(|r| (r.kind, r.subject.clone())).collect()
        };
        assert_eq!(
            subjects(&placed.slow_commits),
            [("slow-commits", "Chart".to_string())]
        );
        assert_eq!(
            subjects(&placed.network),
            [("n-plus-one", "http://localhost/api/items/{id}".to_string())]
        );
        // A slow render without its detail cannot fill the renders table.
        assert_eq!(
            subjects(&placed.others),
            [("slow-renders", "Table".to_string())]
        );
        // Not assessed: no gate, so no failing checks.
        assert!(placed.errors.is_empty());
    }

    #[test]
    fn findings_configured_as_errors_are_listed_as_failing_checks() {
        let mut report = with_findings();
        let mut options = assess::AssessOptions::default();
        options
            .severities
            .set(FindingKind::NPlusOneRequests, Severity::Error);
        assess::assess_into(&mut report, None, &options);
        let placed = place_findings(&report);
        assert_eq!(placed.errors.len(), 1, "{:?}", placed.errors);
        assert_eq!(placed.network.len(), 1);
    }

    #[test]
    fn a_flow_shows_its_median_replays_steps_and_the_slowest_interaction() {
        use model::vitals::{FlowReport, FlowRun, Interaction, StepReport};
        let step = |number: usize, inp: Option<f64>| StepReport {
            number,
            kind: "click".into(),
            target: Some("#add".into()),
            inp_ms: inp,
            interactions: inp
                .map(|d| Interaction {
                    id: 1,
                    event: "click".into(),
                    target: Some("button#add".into()),
                    start_ms: 10.0,
                    duration_ms: d,
                    input_delay_ms: 1.0,
                    processing_ms: d - 5.0,
                    presentation_delay_ms: 4.0,
                })
                .into_iter()
                .collect(),
            ..StepReport::default()
        };
        let flow = FlowReport {
            name: "Add to cart".into(),
            file: None,
            runs: vec![
                FlowRun {
                    index: 0,
                    complete: false,
                    error: Some("run 1: step 3 (click on [\"#x\"]) failed".into()),
                    ..FlowRun::default()
                },
                FlowRun {
                    index: 1,
                    complete: true,
                    inp_ms: Some(232.0),
                    interaction_count: 2,
                    steps: vec![step(1, None), step(2, Some(24.0)), step(3, Some(232.0))],
                    ..FlowRun::default()
                },
            ],
            median_index: Some(1),
            inp_ms: Some(232.0),
        };
        let view = super::flow_view(&flow);
        assert_eq!(view.inp, "232 ms");
        assert_eq!(view.summary, "2 replays, median #2");
        assert_eq!(view.errors.len(), 1);
        assert_eq!(view.steps.len(), 3);
        assert_eq!(view.steps[0].inp, "—");
        assert!(!view.steps[1].slow && view.steps[2].slow);
        assert_eq!(view.steps[2].slowest, "click on button#add");
        assert_eq!(view.steps[2].processing, "227 ms");
    }
}
