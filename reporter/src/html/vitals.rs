//! The vitals section: each metric per run with the median and the spread, the
//! long tasks of every run on a timeline (inline SVG), React renders and slow
//! commits, network findings, the median run's requests, console errors,
//! diagnostics.

use model::vitals::{MetricSpread, RunMetrics, VitalsReport};

use super::source::{DiagnosticRow, diagnostics};
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
}

/// A vitals finding: its kind's id, its subject (a URL or URL template for
/// network findings, the component with the most self time for slow
/// commits) and its message.
pub struct FindingRow {
    pub kind: String,
    pub url: String,
    pub message: String,
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
    /// `slow-commits` findings (shown with the React renders).
    pub slow_commits: Vec<FindingRow>,
    /// The median run's LCP element and its phases, one line.
    pub lcp_element: String,
    /// The median run's largest layout shifts with the nodes that moved.
    pub shifts: Vec<String>,
    /// The network findings (every vitals finding but the React ones).
    pub findings: Vec<FindingRow>,
    pub requests: Vec<RequestRow>,
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

fn num(v: f64) -> String {
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
fn nice_step(raw: f64) -> f64 {
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

fn finding_row(f: &model::Finding) -> FindingRow {
    FindingRow {
        kind: f.kind.id().to_string(),
        url: f.subject.clone(),
        message: f.message.clone(),
    }
}

pub fn build(v: &VitalsReport) -> VitalsView {
    let metrics: [(&str, bool, Getter, Option<&MetricSpread>); 6] = [
        ("FCP", false, |r| r.fcp_ms, v.spread.fcp_ms.as_ref()),
        ("LCP", false, |r| r.lcp_ms, v.spread.lcp_ms.as_ref()),
        ("TTI", false, |r| r.tti_ms, v.spread.tti_ms.as_ref()),
        ("TBT", false, |r| r.tbt_ms, v.spread.tbt_ms.as_ref()),
        ("CLS", true, |r| r.cls, v.spread.cls.as_ref()),
        ("TTFB", false, |r| r.ttfb_ms, v.spread.ttfb_ms.as_ref()),
    ];
    let profile = &v.profile;
    let mut profile_text = format!(
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
        profile_text.push_str(&format!(
            ", network {} latency, {:.2} kbit/s down, {:.2} kbit/s up (1 kbit = 1024 bits, as DevTools)",
            format::ms(n.latency_ms),
            n.download_bytes_per_s * 8.0 / 1024.0,
            n.upload_bytes_per_s * 8.0 / 1024.0
        ));
    }
    let median_run = v
        .median_index
        .and_then(|i| v.runs.get(i))
        .or(v.median.as_ref());
    VitalsView {
        url: v.url.clone(),
        path: v.path.clone().unwrap_or_default(),
        pages: v
            .pages
            .iter()
            .map(|p| {
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
            })
            .collect(),
        profile: profile_text,
        run_headers: v
            .runs
            .iter()
            .map(|r| {
                if r.complete {
                    format!("Run {}", r.index + 1)
                } else {
                    format!("Run {} (incomplete)", r.index + 1)
                }
            })
            .collect(),
        median_label: match v.median_index {
            Some(i) => format!("Median (run {})", i + 1),
            None => "Median".to_string(),
        },
        metrics: metrics
            .iter()
            .map(|(label, cls, get, spread)| MetricRow {
                label,
                runs: v.runs.iter().map(|r| show(*cls, get(r))).collect(),
                median: show(*cls, v.median.as_ref().and_then(get)),
                spread: spread_text(*cls, *spread),
            })
            .collect(),
        timeline: timeline(v),
        react_detected: v.react.detected,
        react_profiling: v.react.profiling,
        react_commits: v.react.commits,
        slow_render_ms: format::ms(v.react.slow_render_ms),
        slow_renders: v
            .react
            .slow_renders
            .iter()
            .map(|r| RenderRow {
                component: r.component.clone(),
                count: r.count,
                max: format::ms(r.max_ms),
                max_v: num(r.max_ms),
                total: format::ms(r.total_ms),
                total_v: num(r.total_ms),
                with_children: format::ms(r.max_actual_ms),
            })
            .collect(),
        lcp_element: median_run
            .and_then(|r| r.lcp_element.as_ref())
            .map(|e| e.describe())
            .unwrap_or_default(),
        shifts: median_run
            .map(|r| r.shift_culprits.iter().map(|s| s.describe()).collect())
            .unwrap_or_default(),
        slow_commits: v
            .findings
            .iter()
            .filter(|f| f.kind == model::FindingKind::SlowCommits)
            .map(finding_row)
            .collect(),
        // React findings have their own tables above.
        findings: v
            .findings
            .iter()
            .filter(|f| {
                !matches!(
                    f.kind,
                    model::FindingKind::SlowRenders | model::FindingKind::SlowCommits
                )
            })
            .map(finding_row)
            .collect(),
        requests: median_run
            .map(|r| {
                r.requests
                    .iter()
                    .map(|q| {
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
                    })
                    .collect()
            })
            .unwrap_or_default(),
        console: v
            .runs
            .iter()
            .flat_map(|r| {
                r.console_errors.iter().map(move |c| ConsoleRow {
                    source: format!("run {}: {}", r.index + 1, c.source),
                    message: c.message.clone(),
                    url: c.url.clone().unwrap_or_default(),
                })
            })
            .collect(),
        diagnostics: diagnostics(&v.diagnostics),
    }
}
