//! What a shard of a browser measurement keeps so that `perfscope merge` can
//! recompute the whole report from its runs (`perfscope vitals --shard K/N`).
//!
//! A report is computed from each run's facts ([`RunFacts`]): the run's
//! metrics, its own findings, its React log and its coverage. An unsharded
//! run computes them and combines them at once; a shard keeps them in its
//! report ([`ShardInfo`]) and `merge` combines every shard's with the same
//! function, so the merged report equals the unsharded one on the same runs.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Diagnostic;
use crate::finding::Finding;
use crate::vitals::{CoverageReport, Profile, RunMetrics};

/// Which share of the pages × runs a report measured, and the facts of
/// each of its runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ShardInfo {
    /// K, 1-based.
    pub index: usize,
    /// N, the number of shards.
    pub count: usize,
    /// Fingerprint of what every shard must share: pages, runs, profile,
    /// throttling, settle rules, coverage, flows, budgets, severities,
    /// Lighthouse CI assertions.
    pub plan: String,
    /// Fingerprint of the configuration `merge` reads to recompute the
    /// report (budgets, severities, Lighthouse CI assertions, flows, the
    /// slow-render threshold).
    pub settings: String,
    /// Runs per page of the whole measurement.
    pub runs: usize,
    /// Every page of the whole measurement in order, with this shard's runs.
    pub pages: Vec<ShardPage>,
    /// Whether perfscope served a build folder (on its own port in each
    /// shard): merge moves every shard's URLs of a page onto the origin of
    /// the page's first run.
    #[serde(default)]
    pub served_folder: bool,
    /// Index in the configuration's flows of each replayed flow of the
    /// report (flows replay in shard 1 only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flows: Vec<usize>,
    /// Problems met while replaying the flows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flow_diagnostics: Vec<Diagnostic>,
}

/// One page of a sharded measurement and the runs this shard made of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ShardPage {
    /// The page (path) when pages were listed; `None`: the target itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// This shard's runs of the page, by run index.
    pub runs: Vec<RunFacts>,
}

/// What one run contributes to its page's report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RunFacts {
    /// The URL that was requested.
    pub url: String,
    /// The profile it ran with.
    pub profile: Profile,
    /// Its metrics (`index` is the run's index in the whole measurement).
    pub metrics: RunMetrics,
    /// The run's problems and the ones met computing its metrics.
    pub diagnostics: Vec<Diagnostic>,
    /// The findings computed from this run alone (network findings), by
    /// kind in report order; the report keeps each key once over the runs.
    pub findings: Vec<Finding>,
    /// What the React hook recorded.
    pub react: ReactLog,
    /// The load's JavaScript and CSS coverage (kept in shards only: the
    /// report shows the median run's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<CoverageReport>,
    /// The load's CPU time per script, module and package (kept in shards
    /// only, as coverage is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<crate::vitals::CpuReport>,
    /// The development server the run's requests came from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dev_server: Option<String>,
}

/// What the React DevTools hook recorded in one load (also a run artifact).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReactLog {
    /// Renderers that called `inject` (React DOM versions and bundle types).
    #[serde(default)]
    pub renderers: Vec<ReactRenderer>,
    /// Commits in order.
    #[serde(default)]
    pub commits: Vec<ReactCommit>,
    /// The component functions the hook saw, by first sight: those that
    /// rendered in a timed commit, and, in a build without render timings,
    /// those mounted in the first commits. [`ReactRender::component`]
    /// indexes this list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<ReactComponent>,
}

/// A component function the React hook saw.
///
/// `location` is gathered when the run settles; `module`, `package` and
/// `cpu_ms` are resolved from the run's coverage (its scripts' source
/// maps) and CPU profile when the run's facts are computed, so a shard's
/// facts carry them and `merge` needs neither.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReactComponent {
    /// Its name, as the render log names it.
    pub name: String,
    /// Where its function starts in the served script (V8's
    /// `[[FunctionLocation]]`); `None` when V8 gave none (a bound or
    /// native function) or the page did not answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<FunctionLocation>,
    /// The original module that defines it: its start mapped through the
    /// script's source map, else the script's URL (a script without a map
    /// is its own module).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// The package of `module` (`None`: the project's own code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// CPU time the load's profile spent in its function and what that
    /// calls (hooks, helpers; not its child components, which React calls),
    /// ms; `None` without a profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_ms: Option<f64>,
}

/// A position in a served script, as V8 reports a function's start
/// (0-based line and column, the same basis as a CPU profile's call frames).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct FunctionLocation {
    /// V8's script id in the run's page.
    pub script_id: String,
    /// 0-based line.
    pub line: i64,
    /// 0-based column.
    pub column: i64,
}

/// A renderer registered with the hook.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReactRenderer {
    /// `renderer.version`.
    #[serde(default)]
    pub version: Option<String>,
    /// `renderer.bundleType` (0 production, 1 development).
    #[serde(default)]
    pub bundle_type: Option<i64>,
    /// Renderer package name (`react-dom`).
    #[serde(default)]
    pub renderer_package_name: Option<String>,
}

/// One React commit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReactCommit {
    /// `performance.now()` when the commit was reported.
    pub at_ms: f64,
    /// Whether fibers carried `actualDuration` (development or profiling build).
    pub timed: bool,
    /// Components that rendered in this commit.
    #[serde(default)]
    pub renders: Vec<ReactRender>,
    /// The commit's render time: the root's `actualDuration`, ms (timed builds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<f64>,
}

/// One component render inside a commit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReactRender {
    /// Component name.
    pub name: String,
    /// `actualDuration` (the component and its rendered children), ms.
    pub actual_ms: f64,
    /// Self time: actual minus the rendered children's actual, ms.
    pub self_ms: f64,
    /// Why it rendered (`mount`, `props`, `state`, `context`, `parent`),
    /// when the hook could tell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// Its function in [`ReactLog::components`], when the hook registered it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<usize>,
}
