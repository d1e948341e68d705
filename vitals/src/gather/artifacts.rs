//! The raw facts of one run, saved as JSON with `--save-artifacts` and read
//! back by `--from-artifacts`. Metrics are pure functions of these.

use model::vitals::CoverageGranularity;
use std::collections::BTreeMap;
use std::path::Path;

use model::Diagnostic;
use model::vitals::{ConsoleError, Profile};
use serde::{Deserialize, Serialize};

use crate::VitalsError;

/// Version of the artifact format.
pub const ARTIFACT_VERSION: u32 = 1;

/// Everything gathered in one page load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunArtifacts {
    /// See [`ARTIFACT_VERSION`].
    pub artifact_version: u32,
    /// 0-based run index.
    pub index: usize,
    /// The URL that was requested.
    pub url: String,
    /// The main frame's URL at the end of the run, when it changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_url: Option<String>,
    /// Profile used.
    pub profile: Profile,
    /// Whether the run settled before its timeout and the renderer survived.
    pub complete: bool,
    /// Trace events kept from the DevTools trace (the names metrics use).
    pub trace_events: Vec<TraceEvent>,
    /// Network log from the `Network` domain.
    pub network: Vec<NetworkRecord>,
    /// PerformanceObserver entries read from the page.
    #[serde(default)]
    pub observer: ObserverEntries,
    /// React hook log.
    #[serde(default)]
    pub react: ReactLog,
    /// `JSHeapUsedSize` samples from `Performance.getMetrics`.
    #[serde(default)]
    pub heap_samples: Vec<u64>,
    /// Console errors and uncaught exceptions.
    #[serde(default)]
    pub console_errors: Vec<ConsoleError>,
    /// Problems met during the run.
    #[serde(default)]
    pub diagnostics: Vec<Diagnostic>,
    /// What the load ran of its scripts and used of its stylesheets, taken
    /// when the run settled; `None` in artifacts saved before coverage was
    /// gathered, or when the browser gave none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<CoverageArtifacts>,
    /// V8's sampling CPU profile of the load (`Profiler.start` before the
    /// navigation, `Profiler.stop` when the run settled), gathered with the
    /// coverage; `None` in older artifacts or when the browser gave none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_profile: Option<CpuProfile>,
    /// The trace's task events of the page's main thread that
    /// Lighthouse's main-thread tasks are built from:
    /// complete events of the task groups' names and the top-level tasks,
    /// and `TimerInstall`, their `args` cut to the URLs, frame and timer id
    /// the attribution reads. Empty in older artifacts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub task_events: Vec<TraceEvent>,
    /// The workers and out-of-process iframes recorded through their own
    /// sessions, in the order they were attached; empty in older artifacts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<ChildTarget>,
}

/// A sampling CPU profile in the DevTools protocol's shape
/// (`Profiler.Profile`, camelCase, so a profile saved by DevTools or
/// `Profiler.stop` reads as is).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CpuProfile {
    /// Every node of the call tree; the first is the root.
    pub nodes: Vec<ProfileNode>,
    /// When profiling started, µs (the trace's monotonic clock).
    pub start_time: f64,
    /// When profiling ended, µs.
    pub end_time: f64,
    /// The node on top of the stack at each sample.
    #[serde(default)]
    pub samples: Vec<i64>,
    /// µs between adjacent samples; the first is from `start_time`.
    #[serde(default)]
    pub time_deltas: Vec<i64>,
}

/// One node of a CPU profile's call tree.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileNode {
    /// Its id (samples name it).
    pub id: i64,
    /// The function.
    pub call_frame: ProfileFrame,
    /// Its callees' ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<i64>,
}

/// A function in a CPU profile (`Runtime.CallFrame`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileFrame {
    /// Its name (empty for an anonymous function; `(root)`, `(program)`,
    /// `(idle)`, `(garbage collector)` for V8's own nodes).
    #[serde(default)]
    pub function_name: String,
    /// V8's script id.
    #[serde(default)]
    pub script_id: String,
    /// Its script's URL (empty for native code).
    #[serde(default)]
    pub url: String,
    /// 0-based line of the function's start in the script.
    #[serde(default)]
    pub line_number: i64,
    /// 0-based column (UTF-16 units) of the function's start.
    #[serde(default)]
    pub column_number: i64,
}

/// The load's JavaScript and CSS coverage: V8's precise coverage at
/// function granularity (Lighthouse's js-usage gatherer:
/// `Profiler.startPreciseCoverage` with `detailed: false` before the
/// navigation, `Profiler.takePreciseCoverage` when the run settled) and
/// Chromium's CSS rule usage after the load (Lighthouse's css-usage).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CoverageArtifacts {
    /// Every script with a URL that V8 reported, in its order.
    #[serde(default)]
    pub scripts: Vec<ScriptCoverage>,
    /// Every non-empty stylesheet of the page, with its rules' usage.
    #[serde(default)]
    pub stylesheets: Vec<StylesheetRules>,
    /// Per function (the default) or per block.
    #[serde(default, skip_serializing_if = "CoverageGranularity::is_function")]
    pub granularity: CoverageGranularity,
}

/// One script's coverage (`Profiler.ScriptCoverage`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScriptCoverage {
    /// V8's script id.
    pub script_id: String,
    /// The script's URL (the document's for an inline script).
    pub url: String,
    /// Every function range, `[startOffset, endOffset, count]`: offsets in
    /// UTF-16 code units of the script's source, `count` 0 when the
    /// function never ran (callCount off: 1 when it ran).
    #[serde(default)]
    pub ranges: Vec<[u64; 3]>,
    /// The source's length in UTF-16 code units, when it was read
    /// (`Debugger.getScriptSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<u64>,
    /// Its source map, when it referenced one that could be fetched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_map: Option<SourceMapArtifact>,
}

/// A script's source map and what of its source the mappings need.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceMapArtifact {
    /// Where the map was fetched from (absolute, or a `data:` URL cut to
    /// its first 64 characters).
    pub url: String,
    /// The map's JSON text.
    pub map: String,
    /// The length of each line of the script (split at `\n`, in UTF-16
    /// code units, as Lighthouse's `content.split('\n')` counts them): what
    /// turns a generated line and column into an offset.
    pub line_lengths: Vec<u64>,
}

/// One stylesheet and its rules' usage (`CSS.styleSheetAdded`,
/// `CSS.stopRuleUsageTracking`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StylesheetRules {
    /// Chromium's stylesheet id.
    pub style_sheet_id: String,
    /// `sourceURL`: the file's URL; the document's for a `<style>`
    /// element; empty for a constructed stylesheet.
    #[serde(default)]
    pub url: String,
    /// Inline in its document (a `<style>` element).
    #[serde(default)]
    pub inline: bool,
    /// Its text's length (UTF-16 code units).
    pub length: u64,
    /// Each rule Chromium reported: `[startOffset, endOffset, used]` with
    /// `used` 1 or 0 (Chromium 156 reports only the rules in use).
    #[serde(default)]
    pub rules: Vec<[u64; 3]>,
}

/// One trace event (Chrome's Trace Event Format), trimmed to what metrics use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceEvent {
    /// Event name.
    pub name: String,
    /// Categories.
    #[serde(default)]
    pub cat: String,
    /// Phase (`X`, `I`, `R`, `M`, `b`, `e`...).
    #[serde(default)]
    pub ph: String,
    /// Timestamp in µs (monotonic clock).
    #[serde(default)]
    pub ts: f64,
    /// Duration in µs, for complete (`X`) events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dur: Option<f64>,
    /// Process id.
    #[serde(default)]
    pub pid: i64,
    /// Thread id.
    #[serde(default)]
    pub tid: i64,
    /// Event arguments.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub args: serde_json::Value,
}

/// One request of the network log. Times are monotonic seconds (the trace's clock).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NetworkRecord {
    /// DevTools request id (redirect hops get a `:redirect<n>` suffix).
    pub request_id: String,
    /// URL.
    pub url: String,
    /// HTTP method.
    pub method: String,
    /// DevTools resource type.
    pub resource_type: String,
    /// URL of the script or document that started it, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initiator_url: Option<String>,
    /// When the request was issued.
    pub start_s: f64,
    /// When the response headers arrived (`timing.requestTime + receiveHeadersEnd`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers_s: Option<f64>,
    /// When it finished or failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_s: Option<f64>,
    /// Whether `loadingFinished` arrived.
    pub finished: bool,
    /// Error text of `loadingFailed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<String>,
    /// HTTP status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Response MIME type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Response headers, names lower-cased.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Bytes on the wire.
    pub transfer_bytes: u64,
    /// Bytes of the response headers on the wire: the response's
    /// `encodedDataLength` when it arrived (Lighthouse's
    /// `responseHeadersTransferSize`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers_bytes: Option<u64>,
    /// Decoded body bytes.
    pub decoded_bytes: u64,
    /// Whether Chromium says it blocks rendering (`renderBlockingBehavior`
    /// `Blocking` or `InBodyParserBlocking`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub render_blocking: bool,
    /// A worker's script: the request went on in the worker's own session
    /// (its target type: `worker`, `shared_worker`, `service_worker`), where
    /// its end is not recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handed_to: Option<String>,
    /// The worker or out-of-process iframe that made it (the id of one of
    /// [`RunArtifacts::children`]); `None`: the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

/// A worker or out-of-process iframe the page started, recorded through
/// its own DevTools session (its requests are in the network log with its
/// id as their `target`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChildTarget {
    /// The DevTools target id (an out-of-process iframe's is its frame id).
    pub id: String,
    /// The target type: `iframe`, `worker`, `shared_worker`, `service_worker`.
    pub kind: String,
    /// Its document's or script's URL when it was attached.
    pub url: String,
    /// Its console errors and uncaught exceptions, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub console_errors: Vec<ConsoleError>,
    /// Its sampling CPU profile from before it ran until the run settled;
    /// `None` when not profiled, or when it had ended by then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_profile: Option<CpuProfile>,
    /// Its scripts' coverage over the same time, with their sources'
    /// lengths and maps, as the page's ([`CoverageArtifacts::scripts`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Vec<ScriptCoverage>>,
}

/// Entries buffered by the PerformanceObserver the init script installs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ObserverEntries {
    /// `first-contentful-paint` start time, ms.
    #[serde(default)]
    pub fcp_ms: Option<f64>,
    /// Last `largest-contentful-paint` start time, ms.
    #[serde(default)]
    pub lcp_ms: Option<f64>,
    /// Layout shifts: `[startTime, value, hadRecentInput]`.
    #[serde(default)]
    pub layout_shifts: Vec<(f64, f64, bool)>,
    /// The nodes that moved in each shift (selectors), by index in `layout_shifts`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shift_sources: Vec<Vec<String>>,
    /// The last LCP entry's element: selector, image URL (empty for text),
    /// size in px², text (up to 80 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lcp_element: Option<(Option<String>, String, f64, String)>,
    /// The LCP image's request start and response end, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lcp_resource: Option<(f64, f64)>,
    /// Long tasks: `[startTime, duration]`.
    #[serde(default)]
    pub long_tasks: Vec<(f64, f64)>,
    /// Navigation timing `responseStart`, ms.
    #[serde(default)]
    pub response_start_ms: Option<f64>,
    /// Navigation timing `domContentLoadedEventEnd`, ms.
    #[serde(default)]
    pub dom_content_loaded_ms: Option<f64>,
    /// Navigation timing `loadEventEnd`, ms.
    #[serde(default)]
    pub load_ms: Option<f64>,
}

pub use model::shard::{
    FunctionLocation, ReactCommit, ReactComponent, ReactLog, ReactRender, ReactRenderer,
};

/// Writes `run-<index>.json` for every run into `dir` (created if needed).
pub fn save_all(dir: &Path, runs: &[RunArtifacts]) -> Result<(), VitalsError> {
    model::output::create_dir(dir).map_err(|source| VitalsError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    for run in runs {
        let name = format!("run-{}.json", run.index);
        let path = dir.join(&name);
        let text = serde_json::to_string(run).map_err(|e| VitalsError::Artifact {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        model::output::write_file(dir, &name, text.as_bytes()).map_err(|source| {
            VitalsError::Io {
                path: path.display().to_string(),
                source,
            }
        })?;
    }
    Ok(())
}

/// Reads every `run-<n>.json` of `dir`, ordered by run index.
pub fn load_all(dir: &Path) -> Result<Vec<RunArtifacts>, VitalsError> {
    let entries = std::fs::read_dir(dir).map_err(|source| VitalsError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let mut runs = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with("run-") && name.ends_with(".json")) {
            continue;
        }
        runs.push(load(&path)?);
    }
    if runs.is_empty() {
        return Err(VitalsError::Artifact {
            path: dir.display().to_string(),
            message: "no run-<n>.json files in this folder".into(),
        });
    }
    runs.sort_by_key(|r| r.index);
    Ok(runs)
}

/// Reads one artifact file.
pub fn load(path: &Path) -> Result<RunArtifacts, VitalsError> {
    let text = std::fs::read_to_string(path).map_err(|source| VitalsError::Io {
        path: path.display().to_string(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| VitalsError::Artifact {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}
