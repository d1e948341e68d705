//! The `vitals` document: Web Vitals, long tasks, network and React renders
//! measured in headless Chromium, with Lighthouse's metric definitions.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Diagnostic;
use crate::budget::Budget;
use crate::finding::Finding;

/// Result of `perfscope vitals`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct VitalsReport {
    /// See [`crate::SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Always `"vitals"`.
    pub kind: String,
    /// The URL that was loaded (for a folder: the URL on perfscope's own server).
    pub url: String,
    /// Throttling and viewport used for every run.
    pub profile: Profile,
    /// Every run, in the order they were made.
    pub runs: Vec<RunMetrics>,
    /// Index in `runs` of the median run (Lighthouse's choice), when any run finished.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_index: Option<usize>,
    /// The metrics of the median run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median: Option<RunMetrics>,
    /// Spread of each metric over the runs that produced it.
    pub spread: Spread,
    /// React commits and slow renders, merged over all runs.
    pub react: ReactReport,
    /// Every finding (network, React) over all runs, by kind in report
    /// order, then URL or component.
    pub findings: Vec<Finding>,
    /// Budgets checked against the median run.
    #[serde(default)]
    pub budgets: Vec<Budget>,
    /// Problems met on the way (timeouts, crashes, refused connections...).
    pub diagnostics: Vec<Diagnostic>,
    /// The page (path) this report measured, when pages were listed
    /// (`[[vitals.pages]]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The other listed pages, each measured with its own runs, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pages: Vec<VitalsReport>,
    /// The development server the page came from (`Vite`, `Next.js (next
    /// dev)`, `webpack-dev-server`, `Parcel`), when perfscope recognised
    /// one: the load metrics are development numbers, and transfer findings
    /// are summarised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dev_server: Option<String>,
    /// Recorded user flows replayed on the target (`--flow`), each with
    /// its interactions and INP.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flows: Vec<FlowReport>,
    /// What the median run's load used of its JavaScript and CSS
    /// (Lighthouse's unused-javascript and unused-css-rules), when coverage
    /// was gathered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<CoverageReport>,
    /// Where the median run's main-thread time went during the load: boot-up
    /// time per script (Lighthouse's bootup-time, from the trace) and, when
    /// the CPU profile was gathered, self and total time per script,
    /// function, module and package.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<CpuReport>,
    /// Lighthouse's performance score of the median run, from Lighthouse
    /// 12's scoring curves for the profile's form factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub performance_score: Option<PerformanceScore>,
    /// Lighthouse CI assertions (from a `lighthouserc` file) perfscope does
    /// not evaluate: listed, never passed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_evaluated: Vec<NotEvaluated>,
    /// The share of pages × runs this report measured and the facts of its
    /// runs, when made with `--shard K/N`; `perfscope merge` joins the
    /// shards into one report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<crate::shard::ShardInfo>,
}

/// Lighthouse's performance score: each metric's score from its log-normal
/// curve (p10 and median per form factor), weighted FCP 10, SI 10, LCP 25,
/// TBT 30, CLS 25 (Lighthouse 10 and later).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PerformanceScore {
    /// The curves used: `mobile` or `desktop` (the profile's form factor).
    pub form_factor: String,
    /// Each weighted metric, in Lighthouse's order.
    pub audits: Vec<AuditScore>,
    /// The category score from 0 to 1, as Lighthouse computes it; absent
    /// when a weighted metric was not measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Why `score` is absent (Speed Index needs screenshots, which
    /// perfscope does not record).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_measured: Option<String>,
    /// An estimate, not Lighthouse's score: the weighted mean of the
    /// measured metrics' scores with their weights scaled up to 100, when
    /// `score` is absent. Never judged by a budget.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate: Option<f64>,
}

/// One metric audit of the performance category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AuditScore {
    /// Lighthouse's audit id (`first-contentful-paint`, `speed-index`...).
    pub audit: String,
    /// Its weight in the performance category.
    pub weight: f64,
    /// The measured value (ms; unitless for CLS), when measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Its score from 0 to 1 (two decimals, as Lighthouse rounds it), when measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
}

/// A Lighthouse CI assertion perfscope does not evaluate (an audit it does
/// not measure, a preset as a whole, `maxLength`...).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct NotEvaluated {
    /// The file it comes from (`lighthouserc.json`, `budget.json`).
    pub file: String,
    /// The assertion as written (`uses-responsive-images`,
    /// `preset lighthouse:recommended`).
    pub assertion: String,
    /// Its level: `error` or `warn`; `mixed` for a preset or an assertion
    /// matrix, `unknown` for an entry that cannot be read.
    pub level: String,
    /// Why perfscope does not evaluate it.
    pub reason: String,
}

/// The emulated device and network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Profile {
    /// `desktop`, `mobile` or `none`.
    pub name: String,
    /// CSS viewport width in pixels.
    pub width: u32,
    /// CSS viewport height in pixels.
    pub height: u32,
    /// Device pixel ratio.
    pub device_scale_factor: f64,
    /// Whether a phone was emulated (touch, mobile layout).
    pub mobile: bool,
    /// CPU slowdown factor (`1` = none).
    pub cpu_slowdown: f64,
    /// Network throttling through DevTools, when any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkThrottling>,
    /// Which throttling was applied: `devtools (Lighthouse's values)`,
    /// `provided (none applied)` or `custom`.
    #[serde(default)]
    pub throttling: String,
}

impl Profile {
    /// Whether the run's CPU was slowed while some of `children` that were
    /// profiled ran at the machine's speed (workers): their script times
    /// are then not comparable with the page's.
    pub fn leaves_children_unslowed(&self, children: &[ChildTarget]) -> bool {
        self.cpu_slowdown > 1.0 && children.iter().any(|c| c.cpu.is_some() && !c.cpu_slowed())
    }
}

/// Network conditions applied with `Network.emulateNetworkConditions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NetworkThrottling {
    /// Added latency per request in ms.
    pub latency_ms: f64,
    /// Download throughput in bytes per second.
    pub download_bytes_per_s: f64,
    /// Upload throughput in bytes per second.
    pub upload_bytes_per_s: f64,
}

/// The element behind LCP and where its time went (Lighthouse's LCP breakdown).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LcpElement {
    /// A CSS selector of the element, when the page still had it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<String>,
    /// The image's URL; absent for text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Its text (up to 80 characters), for a text element.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Rendered size, px².
    pub size: f64,
    /// Time to first byte of the document, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttfb_ms: Option<f64>,
    /// From TTFB to the image's request start (0 for text), ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_delay_ms: Option<f64>,
    /// The image's download, ms (0 for text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_time_ms: Option<f64>,
    /// From the end of the download (or TTFB for text) to the paint, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub render_delay_ms: Option<f64>,
}

impl LcpElement {
    /// One line: what the element is and where its time went.
    pub fn describe(&self) -> String {
        use crate::units::format_ms;
        let what = match (&self.url, &self.text) {
            (Some(url), _) => format!("image {url}"),
            (None, Some(text)) => format!("text \"{text}\""),
            (None, None) => "element".to_string(),
        };
        let mut out = match &self.selector {
            Some(sel) => format!("{sel} ({what})"),
            None => what,
        };
        let phases: Vec<String> = [
            ("TTFB", self.ttfb_ms),
            ("load delay", self.load_delay_ms),
            ("load time", self.load_time_ms),
            ("render delay", self.render_delay_ms),
        ]
        .iter()
        .filter_map(|(label, v)| v.map(|v| format!("{label} {}", format_ms(v))))
        .collect();
        if !phases.is_empty() {
            out.push_str(": ");
            out.push_str(&phases.join(", "));
        }
        out
    }
}

impl ShiftCulprits {
    /// One line: score, time, the nodes that moved.
    pub fn describe(&self) -> String {
        use crate::units::{format_ms, format_score};
        let nodes = if self.nodes.is_empty() {
            "nodes not reported".to_string()
        } else {
            self.nodes.join(", ")
        };
        format!(
            "{} at {}: {nodes}",
            format_score(self.score),
            format_ms(self.at_ms)
        )
    }
}

/// One layout shift with the nodes that moved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ShiftCulprits {
    /// When it happened, ms from navigation start.
    pub at_ms: f64,
    /// Its score.
    pub score: f64,
    /// Selectors of the nodes that moved (up to 5).
    pub nodes: Vec<String>,
}

/// The metrics of one page load.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RunMetrics {
    /// 0-based index of the run.
    pub index: usize,
    /// Whether the run reached its settle point before the timeout and the
    /// renderer lived to the end; an incomplete run keeps what it measured.
    pub complete: bool,
    /// The document measured when it is not the URL loaded (a client-side
    /// redirect; Lighthouse measures the final document too).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_url: Option<String>,
    /// The LCP element and its phases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lcp_element: Option<LcpElement>,
    /// The largest layout shifts (up to 5) with the nodes that moved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shift_culprits: Vec<ShiftCulprits>,
    /// First Contentful Paint, ms from navigation start.
    pub fcp_ms: Option<f64>,
    /// Largest Contentful Paint, ms from navigation start.
    pub lcp_ms: Option<f64>,
    /// Cumulative Layout Shift (largest session window).
    pub cls: Option<f64>,
    /// Total Blocking Time between FCP and TTI, ms.
    pub tbt_ms: Option<f64>,
    /// Time to Interactive, ms from navigation start.
    pub tti_ms: Option<f64>,
    /// Time to first byte of the main document, ms from navigation start.
    pub ttfb_ms: Option<f64>,
    /// DOMContentLoaded, ms from navigation start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dom_content_loaded_ms: Option<f64>,
    /// Load event, ms from navigation start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_ms: Option<f64>,
    /// Top-level main-thread tasks of 50 ms or more, by start time.
    pub long_tasks: Vec<LongTask>,
    /// Every network request of the page's own load (its frames in its
    /// renderer), by start time then URL; the requests of its workers and
    /// out-of-process iframes are in `children`.
    pub requests: Vec<Request>,
    /// Largest JS heap size seen, in bytes.
    pub js_heap_max_bytes: Option<u64>,
    /// Console errors and uncaught exceptions of the page, in order.
    pub console_errors: Vec<ConsoleError>,
    /// The workers and out-of-process iframes the page started (a payment
    /// iframe, a search worker), each with its own requests and console
    /// errors, by kind then URL; empty when none was recorded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<ChildTarget>,
    /// Main-thread work of the load, ms: every main-thread task's self
    /// time in the trace (Lighthouse's `mainthread-work-breakdown`), when
    /// the run recorded its task events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub main_thread_ms: Option<f64>,
}

/// A main-thread task of 50 ms or more.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LongTask {
    /// Start, ms from navigation start.
    pub start_ms: f64,
    /// Duration in ms.
    pub duration_ms: f64,
    /// Script URL that ran in the task, when the trace tells.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// One network request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Request {
    /// Full URL.
    pub url: String,
    /// HTTP method.
    pub method: String,
    /// DevTools resource type (`Document`, `Script`, `Image`, `Fetch`...).
    pub resource_type: String,
    /// HTTP status; `None` when no response arrived.
    pub status: Option<u16>,
    /// MIME type of the response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Bytes on the wire (headers and encoded body).
    pub transfer_bytes: u64,
    /// Decoded body size.
    pub decoded_bytes: u64,
    /// Start, ms from navigation start.
    pub start_ms: f64,
    /// End (finished or failed), ms from navigation start.
    pub end_ms: Option<f64>,
    /// `Content-Encoding` response header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_encoding: Option<String>,
    /// `Cache-Control` response header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<String>,
    /// Why it failed, when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<String>,
}

/// A worker or out-of-process iframe a page started, and what it did
/// during the load.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ChildTarget {
    /// The DevTools target type: `iframe` (an out-of-process iframe),
    /// `worker` (a dedicated worker, classic or module), `shared_worker`,
    /// `service_worker`.
    pub kind: String,
    /// Its document's (iframe) or script's (worker) URL when it started.
    pub url: String,
    /// Bytes on the wire of its requests.
    pub transfer_bytes: u64,
    /// Its requests, by start time then URL (an iframe's document and a
    /// worker's script are the page's: the page requested them).
    pub requests: Vec<Request>,
    /// Its console errors and uncaught exceptions, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub console_errors: Vec<ConsoleError>,
    /// Its own thread's CPU time from before it ran until the run settled
    /// (its sampling profile, through its scripts' source maps; each list
    /// at most 10); `None` when not profiled or it had ended by then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<CpuSamples>,
    /// Its scripts' unused JavaScript over the same time, computed as the
    /// page's ([`CoverageReport::scripts`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scripts: Vec<ScriptUsage>,
}

impl ChildTarget {
    /// Whether Chromium slows this child's CPU as the page's in a
    /// CPU-throttled run: an out-of-process iframe is given the page's
    /// slowdown; a worker runs at the machine's speed, as
    /// `Emulation.setCPUThrottlingRate` is for pages only (the gatherer,
    /// `vitals/src/gather/children.rs`, throttles iframes only).
    pub fn cpu_slowed(&self) -> bool {
        self.kind == "iframe"
    }

    /// Bytes of its scripts' code, and of that never run.
    pub fn unused_js(&self) -> (u64, u64) {
        self.scripts.iter().fold((0, 0), |(total, unused), s| {
            (total + s.total_bytes, unused + s.unused_bytes)
        })
    }
}

/// A console error or an uncaught exception.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ConsoleError {
    /// `console.error` or `exception`.
    pub source: String,
    /// The message text.
    pub message: String,
    /// Script URL, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Spread of each metric over the runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Spread {
    /// FCP spread.
    pub fcp_ms: Option<MetricSpread>,
    /// LCP spread.
    pub lcp_ms: Option<MetricSpread>,
    /// CLS spread.
    pub cls: Option<MetricSpread>,
    /// TBT spread.
    pub tbt_ms: Option<MetricSpread>,
    /// TTI spread.
    pub tti_ms: Option<MetricSpread>,
    /// TTFB spread.
    pub ttfb_ms: Option<MetricSpread>,
}

/// Minimum, maximum and coefficient of variation of one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MetricSpread {
    /// Number of runs that produced the metric.
    pub n: usize,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// Mean value.
    pub mean: f64,
    /// Coefficient of variation (population standard deviation / mean); 0 when the mean is 0.
    pub cv: f64,
}

/// React commits and slow renders.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReactReport {
    /// Whether React registered with the DevTools hook in any run.
    pub detected: bool,
    /// Whether render timings were available (development or profiling build).
    pub profiling: bool,
    /// Commits summed over all runs.
    pub commits: u64,
    /// Threshold used for slow renders, ms.
    pub slow_render_ms: f64,
    /// Components whose render took longer than the threshold, on their own
    /// (self time) or with their children (inclusive), slowest first.
    pub slow_renders: Vec<SlowRender>,
    /// Commits whose render time (the root's `actualDuration`) exceeded the
    /// threshold, with the components that spent the most self time in
    /// each, slowest first (at most 50).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub slow_commits: Vec<SlowCommit>,
    /// Every component that rendered, by name and defining module (count
    /// and timings), sorted by name.
    #[serde(default)]
    pub components: Vec<SlowRender>,
    /// Render time by the package that defines the components (`package:
    /// None` is the project's own code), the most first; only components
    /// whose module is known count.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub packages: Vec<ReactPackage>,
}

/// The renders of the components one package defines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReactPackage {
    /// The package; `None` for the project's own modules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// Distinct components (by name and module) that rendered.
    pub components: u64,
    /// Renders summed over all runs.
    pub renders: u64,
    /// Self time of those renders summed over all runs, ms (timed builds;
    /// 0 otherwise).
    pub self_ms: f64,
    /// CPU time in the components' functions summed over the runs with a
    /// CPU profile, ms; `None` without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_ms: Option<f64>,
}

/// A commit slower than the threshold, as React DevTools' Profiler shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SlowCommit {
    /// 0-based run index.
    pub run: usize,
    /// When it was committed, ms from navigation start.
    pub at_ms: f64,
    /// Its render time (the root's `actualDuration`), ms.
    pub duration_ms: f64,
    /// The components with the most self time in it (up to 5): name, self
    /// time summed over their renders in this commit (ms), renders.
    pub top: Vec<(String, f64, u64)>,
}

/// Render statistics of one component.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SlowRender {
    /// Component name (`displayName` or function name; `Anonymous` otherwise).
    pub component: String,
    /// Renders counted (over the threshold for `slow_renders`, all for `components`).
    pub count: u64,
    /// Longest render, self time (`actualDuration` minus the rendered children's), ms.
    pub max_ms: f64,
    /// Sum of the counted renders' self time, ms.
    pub total_ms: f64,
    /// Longest `actualDuration` (the component with its rendered children), ms.
    pub max_actual_ms: f64,
    /// The original module that defines it (through the served script's
    /// source map; the script's URL when it has none), when located.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// The package of `module` (`None`: the project's own code or not located).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// CPU time the runs' profiles spent in its function (with the hooks and
    /// helpers it calls, not its child components), summed over the runs
    /// with a profile, ms. Also measured in production builds of React.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_ms: Option<f64>,
}

impl SlowRender {
    /// Where it is defined: `src/Chart.tsx`, or `node_modules/…/index.js
    /// (qrcode.react)` with its package; `None` when not located.
    pub fn defined_in(&self) -> Option<String> {
        let module = self.module.as_deref()?;
        Some(match &self.package {
            Some(p) => format!("{module} ({p})"),
            None => module.to_string(),
        })
    }
}

/// A recorded user flow (Chrome DevTools Recorder JSON) replayed in
/// Chromium, once per run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FlowReport {
    /// The recording's `title`, else its file name.
    pub name: String,
    /// The recording file, as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Every replay, in order.
    pub runs: Vec<FlowRun>,
    /// The complete run with the median INP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_index: Option<usize>,
    /// INP of the median run, ms (as the web-vitals library computes it:
    /// the worst interaction, ignoring one in every 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inp_ms: Option<f64>,
}

/// One replay of a flow.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FlowRun {
    /// 0-based run index.
    pub index: usize,
    /// Whether every step ran.
    pub complete: bool,
    /// Why the replay stopped: the step's number, type and selectors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// INP over the whole flow, ms; `None` without interactions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inp_ms: Option<f64>,
    /// Interactions over the whole flow.
    pub interaction_count: usize,
    /// Each step that ran (with `repeat`, every repetition's steps).
    pub steps: Vec<StepReport>,
    /// React commits during the flow (any build; a production build has
    /// commits but no per-component renders).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub react_commits: u64,
    /// React renders per component over the whole flow (initial mounts
    /// included), most rendered first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renders: Vec<ComponentRenders>,
    /// JS heap and DOM counters around the flow, and the leak verdict over
    /// repetitions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<FlowMemory>,
}

/// Renders of one component (a count, and their self time).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ComponentRenders {
    /// The component's display name.
    pub component: String,
    /// Renders counted.
    pub count: u64,
    /// Their self time summed (`actualDuration` minus rendered children), ms.
    pub self_ms: f64,
}

/// One React commit an interaction caused.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StepCommit {
    /// The commit's render time (the root's `actualDuration`), ms.
    pub duration_ms: f64,
    /// The components that rendered, by self time (at most 10).
    pub components: Vec<CommitComponent>,
}

/// A component's render inside one commit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CommitComponent {
    /// The component's display name.
    pub component: String,
    /// Its own render time, ms.
    pub self_ms: f64,
    /// With its rendered children (`actualDuration`), ms.
    pub actual_ms: f64,
    /// Why it rendered, as React DevTools tells it: `mount`, `props`,
    /// `state`, `context`, or `parent` (none of its props, state or context
    /// changed: its parent rendered; `React.memo` would have skipped it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// A long animation frame (over 50 ms) during a step, with the scripts
/// that ran in it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LongFrame {
    /// Frame start, ms from the page's time origin.
    pub start_ms: f64,
    /// Frame duration, ms.
    pub duration_ms: f64,
    /// Its blocking part (the long tasks' time over 50 ms), ms.
    pub blocking_ms: f64,
    /// The scripts that ran, longest first (at most 5).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scripts: Vec<FrameScript>,
}

/// One script of a long animation frame.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FrameScript {
    /// The script's URL (`sourceURL`); empty for inline handlers.
    pub source: String,
    /// The function (`sourceFunctionName`), when named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// What called it (`BUTTON#add.onclick`, `TimerHandler:setTimeout`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoker: Option<String>,
    /// Its run time, ms.
    pub duration_ms: f64,
    /// Forced style and layout inside it, ms.
    pub forced_layout_ms: f64,
    /// Where the function starts in the script (`sourceCharPosition`, a
    /// JavaScript string index).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub char_position: Option<u64>,
    /// The original module, through the script's source map.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// The package that module belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
}

/// The JS heap and DOM counters around a flow, measured after a forced
/// garbage collection: once before the steps (after the opening
/// navigation) and after each repetition (`repeat`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FlowMemory {
    /// Repetitions of the steps after the opening navigation.
    pub repetitions: u32,
    /// Samples: before the steps, then after each repetition.
    pub samples: Vec<MemorySample>,
    /// Median growth per repetition after the first (a warm-up), or `None`
    /// with fewer than 2 repetitions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub growth: Option<MemoryGrowth>,
    /// Why a leak is suspected (memlab's method: the same action, undone,
    /// leaves more behind each time), or `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspected_leak: Option<String>,
}

/// Heap and DOM counters at one moment (after a forced GC).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MemorySample {
    /// JS heap in use, bytes (`Runtime.getHeapUsage`).
    pub heap_bytes: u64,
    /// JS event listeners alive (`Memory.getDOMCounters`).
    pub listeners: u64,
    /// DOM nodes alive.
    pub nodes: u64,
    /// Nodes alive but not in the document (alive minus attached).
    pub detached_nodes: u64,
}

/// Median growth per repetition.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MemoryGrowth {
    /// JS heap, bytes.
    pub heap_bytes: f64,
    /// Event listeners.
    pub listeners: f64,
    /// Detached DOM nodes.
    pub detached_nodes: f64,
}

/// What one step of a flow did and cost.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StepReport {
    /// 1-based step number in the recording.
    pub number: usize,
    /// The step's type (`click`, `change`, `keyDown`, `navigate`...).
    pub kind: String,
    /// What it acted on: the selector that matched, or the URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// INP of this step's interactions, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inp_ms: Option<f64>,
    /// The step's interactions, slowest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interactions: Vec<Interaction>,
    /// Which repetition of the flow this step ran in (1-based), with
    /// `repeat` over 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repetition: Option<u32>,
    /// Total blocking time during the step (long tasks' time over 50 ms), ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tbt_ms: Option<f64>,
    /// Layout shifts during the step not caused by the input (CLS's rule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cls: Option<f64>,
    /// The elements those shifts moved (their culprits), most shifted first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shifted: Vec<String>,
    /// Long animation frames during the step, longest first (at most 5).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub long_frames: Vec<LongFrame>,
    /// React commits during the step, in order (at most 20).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commits: Vec<StepCommit>,
    /// Components that re-rendered during the step without a change of
    /// props, state or context, most renders first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unnecessary_renders: Vec<ComponentRenders>,
    /// What the step requested: every request the page's document started
    /// during it, as the page's Resource Timing saw them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<StepRequests>,
}

/// The requests one step started (the document's Resource Timing entries
/// whose start falls in the step; one still running when the replay ended
/// is not listed). Workers' and iframes' own requests are not in it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StepRequests {
    /// How many.
    pub count: usize,
    /// Bytes on the wire over all of them (responses from the cache and
    /// cross-origin ones without `Timing-Allow-Origin` count 0).
    pub transfer_bytes: u64,
    /// The requests, in start order (at most [`StepRequests::MAX_LISTED`]).
    pub list: Vec<StepRequest>,
}

impl StepRequests {
    /// Requests listed per step.
    pub const MAX_LISTED: usize = 50;

    /// The request with the most bytes on the wire.
    pub fn largest(&self) -> Option<&StepRequest> {
        self.list
            .iter()
            .filter(|r| r.transfer_bytes > 0)
            .max_by_key(|r| r.transfer_bytes)
    }

    /// The request that took longest.
    pub fn slowest(&self) -> Option<&StepRequest> {
        self.list
            .iter()
            .max_by(|a, b| a.duration_ms.total_cmp(&b.duration_ms))
    }
}

/// One request of a step.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StepRequest {
    /// The URL as requested.
    pub url: String,
    /// What started it (Resource Timing's `initiatorType`: `script`,
    /// `link`, `img`, `fetch`, `xmlhttprequest`, `css`, `other`...).
    pub initiator: String,
    /// Start, ms from the document's time origin.
    pub start_ms: f64,
    /// Start to the response's end, ms.
    pub duration_ms: f64,
    /// Bytes on the wire (0: from the cache, or a cross-origin response
    /// without `Timing-Allow-Origin`).
    pub transfer_bytes: u64,
    /// The body's bytes after decoding.
    pub decoded_bytes: u64,
    /// The HTTP status, when the browser gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
}

/// One user interaction (Event Timing entries sharing an `interactionId`),
/// with the web-vitals attribution of its slowest entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Interaction {
    /// The browser's `interactionId`.
    pub id: u64,
    /// The event type of the slowest entry (`pointerup`, `click`, `keydown`...).
    pub event: String,
    /// A readable selector of the target element.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// When the input happened, ms from the page's time origin.
    pub start_ms: f64,
    /// Input to the next paint, ms (the interaction's latency).
    pub duration_ms: f64,
    /// Input to the handlers' start, ms.
    pub input_delay_ms: f64,
    /// The handlers' run time, ms.
    pub processing_ms: f64,
    /// Handlers' end to the next paint, ms.
    pub presentation_delay_ms: f64,
}

/// What one load used of its JavaScript and CSS, as Lighthouse's
/// unused-javascript and unused-css-rules audits compute it: V8's coverage
/// at function granularity (a byte is unused when a function range
/// covering it never ran), scaled to the bytes transferred.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CoverageReport {
    /// The run it was measured in (0-based; the median run).
    pub run: usize,
    /// How finely V8 told what ran: per function (Lighthouse's basis, the
    /// default) or per block (`[vitals] coverage_granularity = "block"`:
    /// also the branches of functions that ran).
    #[serde(default, skip_serializing_if = "CoverageGranularity::is_function")]
    pub granularity: CoverageGranularity,
    /// Scripts by URL, the most transferred unused bytes first.
    pub scripts: Vec<ScriptUsage>,
    /// Stylesheets, the most transferred unused bytes first.
    #[serde(default)]
    pub stylesheets: Vec<StylesheetUsage>,
}

/// How finely V8's precise coverage tells what ran.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CoverageGranularity {
    /// Per function (`detailed: false`), as Lighthouse's unused-javascript.
    #[default]
    Function,
    /// Per block (`detailed: true`): a branch never taken in a function
    /// that ran is unused too.
    Block,
}

impl CoverageGranularity {
    /// Whether it is the default, per function.
    pub fn is_function(&self) -> bool {
        *self == CoverageGranularity::Function
    }

    /// `function` or `block`.
    pub fn as_str(&self) -> &'static str {
        match self {
            CoverageGranularity::Function => "function",
            CoverageGranularity::Block => "block",
        }
    }
}

/// The coverage of the scripts of one URL (the inline scripts of the
/// document are summed under its URL, as is a script loaded twice).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ScriptUsage {
    /// The script's URL (the document's for inline scripts).
    pub url: String,
    /// Inline scripts of the document.
    #[serde(default, skip_serializing_if = "is_false")]
    pub inline: bool,
    /// Scripts summed under this URL.
    pub scripts: usize,
    /// Length of the code, in characters (UTF-16 units; bytes for ASCII
    /// code): Lighthouse's `contentLength`, the largest function range end.
    pub total_bytes: u64,
    /// Characters in functions that never ran.
    pub unused_bytes: u64,
    /// `unused_bytes / total_bytes` (Lighthouse's `wastedPercent` / 100).
    pub unused_ratio: f64,
    /// `total_bytes` scaled to the bytes transferred (the response's body
    /// on the wire over its decoded size, as Lighthouse scales it).
    pub transfer_bytes: u64,
    /// `unused_bytes` scaled the same way: what not shipping the unused
    /// code would save on the wire (Lighthouse's `wastedBytes`).
    pub wasted_bytes: u64,
    /// The source map the modules come from, when the script has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_map: Option<String>,
    /// The original modules (through the source map, character by
    /// character over the mappings), the most unused first, at most 50;
    /// code the map gives no module is `(unmapped)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modules: Vec<SourceUsage>,
    /// The modules summed per npm package, the most unused first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub packages: Vec<SourceUsage>,
}

/// A script is worth a finding when its unused code, scaled to the bytes
/// transferred, is over this (Lighthouse's unused-javascript threshold,
/// 20 KiB).
pub const UNUSED_JS_THRESHOLD_BYTES: u64 = 20 * 1024;

/// The module of generated code a source map gives no original source.
pub const UNMAPPED_SOURCE: &str = "(unmapped)";

impl ScriptUsage {
    /// Where most of its unused code comes from, at most `n`, the most
    /// unused first: its packages, and its modules outside any package
    /// (not the unmapped code).
    pub fn top_sources(&self, n: usize) -> Vec<&SourceUsage> {
        let mut sources: Vec<&SourceUsage> = self
            .packages
            .iter()
            .chain(
                self.modules
                    .iter()
                    .filter(|m| m.package.is_none() && m.name != UNMAPPED_SOURCE),
            )
            .filter(|s| s.unused_bytes > 0)
            .collect();
        sources.sort_by(|a, b| {
            b.unused_bytes
                .cmp(&a.unused_bytes)
                .then_with(|| a.name.cmp(&b.name))
        });
        sources.truncate(n);
        sources
    }

    /// Whether its transferred unused code is over
    /// [`UNUSED_JS_THRESHOLD_BYTES`] (an `unused-javascript` finding).
    pub fn over_threshold(&self) -> bool {
        self.wasted_bytes > UNUSED_JS_THRESHOLD_BYTES
    }
}

/// The coverage of one original module or package inside a script.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SourceUsage {
    /// The module's path as the source map names it (normalised), or the
    /// package's name.
    pub name: String,
    /// The package a module belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// Its generated code in the script, in characters.
    pub total_bytes: u64,
    /// Of which in functions that never ran.
    pub unused_bytes: u64,
    /// `unused_bytes / total_bytes`.
    pub unused_ratio: f64,
    /// `unused_bytes` scaled to the bytes transferred, with the script's ratio.
    pub wasted_bytes: u64,
}

/// Where one load's main-thread time went.
///
/// Boot-up time is Lighthouse 12.8's `bootup-time`: the trace's main-thread
/// tasks, each task's self time given to the first script URL it is
/// attributable to (the script it runs or compiles, the timer's
/// installer, its stack), split by task group. The profile's times come
/// from V8's sampling CPU profiler during the load: each sample's interval
/// counts as self time for the function on top of the stack and as total
/// time, once, for every function, script, module and package on the
/// stack; native code counts for the nearest caller with a script, and
/// each function for the original module its first line maps to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CpuReport {
    /// The run it was measured in (0-based; the median run).
    pub run: usize,
    /// Every main-thread task's self time, ms (Lighthouse's
    /// `mainthread-work-breakdown`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub main_thread_ms: Option<f64>,
    /// Lighthouse's `bootup-time` value: the scripting and parse/compile
    /// time of the listed URLs, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bootup_ms: Option<f64>,
    /// The URLs with 50 ms or more of main-thread time, the most first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bootup: Vec<BootupScript>,
    /// What the sampling CPU profile says, when it was gathered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<CpuSamples>,
    /// The long tasks (50 ms or more) with what ran in them, from the
    /// profile's samples inside each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub long_tasks: Vec<LongTaskCpu>,
}

/// A long task and the code that ran in it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LongTaskCpu {
    /// Start, ms from navigation start.
    pub start_ms: f64,
    /// Duration, ms.
    pub duration_ms: f64,
    /// Its top packages and the app's own modules (outside any package),
    /// the most total time in the task first, at most three.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<CpuTime>,
}

/// One URL's main-thread time in Lighthouse's `bootup-time`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BootupScript {
    /// The script's URL (the document's for its own work; `Unattributable`,
    /// `Browser` or `Browser GC` for work no URL caused).
    pub url: String,
    /// All its main-thread time, ms (every task group).
    pub total_ms: f64,
    /// Script evaluation, ms.
    pub scripting_ms: f64,
    /// Script parsing and compilation, ms.
    pub parse_compile_ms: f64,
}

/// The CPU profile of a load, summed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CpuSamples {
    /// The profiler's sampling interval, µs.
    pub interval_us: u64,
    /// How long the profile ran, ms.
    pub profile_ms: f64,
    /// Time the main thread was busy in the samples (not idle), ms.
    pub busy_ms: f64,
    /// Busy time no script was on the stack for: V8's `(program)` (the
    /// browser's own work) and `(garbage collector)`, ms.
    pub program_ms: f64,
    /// Of which garbage collection, ms.
    pub gc_ms: f64,
    /// Scripts by URL, the most total time first.
    pub scripts: Vec<CpuTime>,
    /// Original modules through the scripts' source maps (a script without
    /// a map is its own module; the top level of a bundle, which runs every
    /// module's top-level statements, is `(top level)`), the most self time
    /// first, at most 50.
    pub modules: Vec<CpuTime>,
    /// The modules summed per npm package, the most total time first.
    pub packages: Vec<CpuTime>,
    /// Functions, the most self time first, at most 50.
    pub functions: Vec<CpuFunction>,
}

/// The module of a bundle's own top level in a CPU profile (the function
/// that runs every module's top-level statements).
pub const TOP_LEVEL_SOURCE: &str = "(top level)";

impl CpuSamples {
    /// Busy time with a script on the stack (busy less V8's `(program)`
    /// and garbage collection), ms.
    pub fn script_ms(&self) -> f64 {
        (self.busy_ms - self.program_ms).max(0.0)
    }

    /// Where the time went, at most `n`, the most total time first: its
    /// packages, and the app's own modules outside any package (not a
    /// bundle's top level, code its map gives no module, or a script
    /// without a map, which [`CpuSamples::scripts`] lists).
    pub fn top_sources(&self, n: usize) -> Vec<&CpuTime> {
        let mut sources: Vec<&CpuTime> = self
            .packages
            .iter()
            .chain(self.modules.iter().filter(|m| {
                m.package.is_none()
                    && m.name != UNMAPPED_SOURCE
                    && m.name != TOP_LEVEL_SOURCE
                    && !m.name.contains("://")
            }))
            .collect();
        sources.sort_by(|a, b| {
            b.total_ms
                .total_cmp(&a.total_ms)
                .then_with(|| a.name.cmp(&b.name))
        });
        sources.truncate(n);
        sources
    }
}

/// Self and total CPU time of a script, module or package.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CpuTime {
    /// The script's URL, the module's path (normalised, as the source map
    /// names it) or the package's name.
    pub name: String,
    /// The package a module belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// Time its own code was on top of the stack, ms.
    pub self_ms: f64,
    /// Time it was anywhere on the stack, ms (counted once per sample).
    pub total_ms: f64,
}

/// Self and total CPU time of one function.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CpuFunction {
    /// Its name (`(anonymous)` when it has none).
    pub name: String,
    /// Its script's URL.
    pub url: String,
    /// 1-based line of its start in the script.
    pub line: u64,
    /// 1-based column of its start.
    pub column: u64,
    /// Its original module, through the script's source map.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// The module's package.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// Time it was on top of the stack (with the native code it called), ms.
    pub self_ms: f64,
    /// Time it was anywhere on the stack, ms.
    pub total_ms: f64,
}

/// What the page used of one stylesheet after the load (Lighthouse's
/// unused-css-rules: the rules Chromium reports used, against the whole
/// text).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StylesheetUsage {
    /// The stylesheet's URL; for a `<style>` element, its document's; empty
    /// for a constructed stylesheet (CSS-in-JS).
    pub url: String,
    /// A `<style>` element of the document.
    #[serde(default, skip_serializing_if = "is_false")]
    pub inline: bool,
    /// Length of its text, in characters.
    pub total_bytes: u64,
    /// Characters of the rules the page uses.
    pub used_bytes: u64,
    /// The rest: `total_bytes - used_bytes` (unused rules, comments, whitespace).
    pub unused_bytes: u64,
    /// `unused_bytes / total_bytes`.
    pub unused_ratio: f64,
    /// `total_bytes` scaled to the bytes transferred (Lighthouse's estimate).
    pub transfer_bytes: u64,
    /// `unused_bytes` scaled the same way.
    pub wasted_bytes: u64,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

#[cfg(test)]
mod child_tests {
    use super::*;

    fn profile(cpu_slowdown: f64) -> Profile {
        Profile {
            name: "mobile".into(),
            width: 412,
            height: 823,
            device_scale_factor: 1.75,
            mobile: true,
            cpu_slowdown,
            network: None,
            throttling: "custom".into(),
        }
    }

    fn child(kind: &str, profiled: bool) -> ChildTarget {
        ChildTarget {
            kind: kind.into(),
            cpu: profiled.then(CpuSamples::default),
            ..Default::default()
        }
    }

    #[test]
    fn only_profiled_workers_of_a_cpu_slowed_run_are_unslowed() {
        let worker = child("worker", true);
        let iframe = child("iframe", true);
        assert!(profile(4.0).leaves_children_unslowed(&[iframe.clone(), worker.clone()]));
        assert!(!profile(1.0).leaves_children_unslowed(std::slice::from_ref(&worker)));
        assert!(!profile(4.0).leaves_children_unslowed(&[iframe]));
        assert!(!profile(4.0).leaves_children_unslowed(&[child("worker", false)]));
    }
}
