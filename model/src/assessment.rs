//! The assessment of a report: what it adds up to, computed once (by
//! `perfscope-assess`) and stored in `report.json`. Every renderer (HTML,
//! Markdown, terminal) only formats it, so every output shows the same
//! numbers, the same actions and the same verdict.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::budget::Budget;
use crate::finding::{Finding, FindingKind, PartId, Severity};
use crate::metric::MetricId;

/// The assessment of one report, optionally against a baseline report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Assessment {
    /// The baseline the report was compared with, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineInfo>,
    /// The headline numbers, in display order.
    pub headline: Vec<HeadlineMetric>,
    /// Every budget of every part (bundle, then vitals), in configuration order.
    pub budgets: Vec<Budget>,
    /// Per kind of finding (report order): how many, their severity and,
    /// with a baseline, how many are new, unchanged and fixed. Kinds with
    /// nothing in either report are left out.
    pub kinds: Vec<KindSummary>,
    /// Every finding of the report, by kind in report order, with its
    /// severity and (with a baseline) whether it is new.
    pub findings: Vec<AssessedFinding>,
    /// Findings of the baseline that are gone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixed: Vec<Finding>,
    /// What to do first, best first.
    pub actions: Vec<Action>,
    /// With a baseline whose report and the head's both have a build
    /// analysis: what changed per asset, entry and route, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle_diff: Option<BundleDiff>,
    /// The gate: pass or fail, with every check behind it.
    pub gate: Gate,
}

/// Sizes of one thing in the baseline and in the head.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SizePair {
    /// In the baseline (absent when the baseline does not have it).
    pub base: Option<u64>,
    /// In the head (absent when the head does not have it).
    pub head: Option<u64>,
}

impl SizePair {
    /// `head − base`, a missing side counting as 0.
    pub fn delta(&self) -> i64 {
        self.head.unwrap_or(0) as i64 - self.base.unwrap_or(0) as i64
    }
}

/// How an asset differs between the builds.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AssetStatus {
    /// Only in the head.
    Added,
    /// Only in the baseline.
    Removed,
    /// In both, with other sizes.
    Changed,
}

impl AssetStatus {
    /// `added`, `removed` or `changed`.
    pub fn as_str(self) -> &'static str {
        match self {
            AssetStatus::Added => "added",
            AssetStatus::Removed => "removed",
            AssetStatus::Changed => "changed",
        }
    }
}

/// One asset of the build, matched across content hashes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AssetChange {
    /// Its name with the bundler's hash taken out (`assets/index-[hash].js`).
    pub key: String,
    /// Its path in the baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_path: Option<String>,
    /// Its path in the head.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_path: Option<String>,
    /// Added, removed or changed.
    pub status: AssetStatus,
    /// Whether a page loads it up front (in the head, else the baseline).
    pub initial: bool,
    /// Raw bytes.
    pub raw: SizePair,
    /// gzip bytes (when both builds computed them).
    pub gzip: SizePair,
    /// brotli bytes (when both builds computed them).
    pub brotli: SizePair,
    /// Entries (pages, routes) that load it, up front or on demand (head, else baseline).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub loaded_by: Vec<String>,
}

/// Changes under the fold threshold, counted together.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FoldedChanges {
    /// How many assets.
    pub count: usize,
    /// Their summed raw delta.
    pub raw: i64,
    /// Their summed gzip delta.
    pub gzip: i64,
    /// The fold threshold (gzip bytes, or raw when gzip is missing).
    pub threshold: u64,
}

/// One entry or route, base vs head.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EntryChange {
    /// The entry (`index.html`, a route, a manifest entry).
    pub name: String,
    /// What it loads up front (gzip, else raw).
    pub initial: SizePair,
    /// Up front plus everything it can load on navigation (`import()`).
    pub total: SizePair,
    /// Whether the numbers are gzip (else raw).
    pub gzip: bool,
}

/// What a mover is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum MoverKind {
    /// An npm package (all its modules).
    Package,
    /// A module of the project.
    Module,
}

/// A package or module whose shipped bytes changed most (source-map
/// attribution of both builds): why the assets changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Mover {
    /// Package name (with `@version` when known) or module path.
    pub name: String,
    /// Package or module.
    pub kind: MoverKind,
    /// Attributed raw bytes, base and head.
    pub bytes: SizePair,
    /// Attributed gzip bytes (estimates), base and head.
    pub gzip: SizePair,
    /// The version in the baseline, when it changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_version: Option<String>,
    /// The head's assets holding it (baseline's when it is gone).
    pub assets: Vec<String>,
    /// The project modules that import it (packages; from the head's source
    /// analysis), else the entries that load it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub loaded_by: Vec<String>,
}

/// What changed between two builds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BundleDiff {
    /// Changed, added and removed assets at or above the fold threshold,
    /// largest |gzip delta| first.
    pub assets: Vec<AssetChange>,
    /// Changes below the fold threshold.
    pub folded: FoldedChanges,
    /// Assets identical in size in both builds.
    pub unchanged: usize,
    /// Every entry and route of either build.
    pub entries: Vec<EntryChange>,
    /// The packages and modules whose shipped bytes changed most.
    pub movers: Vec<Mover>,
    /// Lazily loaded chunks (route chunks) of either build, with what each
    /// downloads when it loads.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lazy_chunks: Vec<LazyChunkChange>,
    /// Packages and modules that moved from some chunks to others (their
    /// bytes left assets of the baseline and arrived in assets of the head),
    /// largest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub moves: Vec<Move>,
}

/// One lazily loaded chunk (a route chunk), base vs head: what it downloads
/// when it loads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LazyChunkChange {
    /// The module it is built from (`src/routes/landing.jsx`), else its
    /// name with the hash taken out.
    pub name: String,
    /// Its path in the baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_path: Option<String>,
    /// Its path in the head.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_path: Option<String>,
    /// The project modules that import it (from the head's source analysis),
    /// else the assets whose `import()` loads it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub imported_by: Vec<String>,
    /// What it downloads when it loads (gzip, else raw): itself and its
    /// static imports, without what the page loaded up front.
    pub load: SizePair,
    /// Whether the numbers are gzip (else raw).
    pub gzip: bool,
}

/// A package or module whose bytes moved between chunks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Move {
    /// Package name (with `@version` when known) or module path.
    pub name: String,
    /// Package or module.
    pub kind: MoverKind,
    /// Raw bytes that moved (what left the `from` assets and arrived in the
    /// `to` assets, whichever is smaller).
    pub bytes: u64,
    /// Their gzip estimate, when the builds have gzip sizes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gzip: Option<u64>,
    /// Baseline assets it left, sorted.
    pub from: Vec<String>,
    /// Head assets it arrived in, sorted.
    pub to: Vec<String>,
}

/// The baseline a report was compared with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BaselineInfo {
    /// Who wrote the baseline (`perfscope 0.1.0`).
    pub generated_by: String,
    /// Relative worsening above which a metric regresses (0.2 = 20%).
    pub threshold: f64,
}

/// One headline number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HeadlineMetric {
    /// Identity across reports, e.g. `initial-js:index.html`, `lcp`.
    pub key: String,
    /// Label for humans, e.g. `Initial JS (gzip), index.html`.
    pub label: String,
    /// The quantity.
    pub metric: MetricId,
    /// The value; `null` when only the baseline has the metric.
    pub value: Option<f64>,
    /// The value of each complete run (browser metrics), in run order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub samples: Vec<f64>,
    /// The comparison with the baseline, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<Change>,
}

/// A metric compared with its baseline value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Change {
    /// The baseline value, when the baseline has the metric.
    pub base: Option<f64>,
    /// `value − base`, when both exist.
    pub abs: Option<f64>,
    /// `(value − base) / base`, when both exist and `base > 0`.
    pub rel: Option<f64>,
    /// The verdict.
    pub status: ChangeStatus,
    /// Why the verdict is what it is, when the numbers alone do not say
    /// (e.g. a worsening within the runs' spread).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The verdict on one metric against its baseline.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ChangeStatus {
    /// Same, better, within the noise, or not comparable.
    Ok,
    /// Worse, but by no more than the threshold.
    Warn,
    /// Worse by more than the threshold.
    Regression,
}

impl ChangeStatus {
    /// ✅, ⚠️ or ❌.
    pub fn emoji(self) -> &'static str {
        match self {
            ChangeStatus::Ok => "\u{2705}",
            ChangeStatus::Warn => "\u{26a0}\u{fe0f}",
            ChangeStatus::Regression => "\u{274c}",
        }
    }
}

/// The findings of one kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct KindSummary {
    /// The kind.
    pub kind: FindingKind,
    /// Its severity (configuration, else its default).
    pub severity: Severity,
    /// Findings of this kind in the report.
    pub count: usize,
    /// With a baseline: findings the baseline did not have.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new: Option<usize>,
    /// With a baseline: findings present in both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unchanged: Option<usize>,
    /// With a baseline: findings of the baseline that are gone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<usize>,
}

/// A finding with its assessed severity and status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AssessedFinding {
    /// The finding.
    #[serde(flatten)]
    pub finding: Finding,
    /// Its severity.
    pub severity: Severity,
    /// With a baseline: whether the baseline had it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<FindingStatus>,
}

/// Whether a finding is in the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    /// The baseline did not have it.
    New,
    /// The baseline had it.
    Unchanged,
}

/// A piece of an action's sentence: plain text, or code (a path, a package).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Segment {
    /// The text.
    pub text: String,
    /// Whether it is code (rendered as `code`).
    #[serde(default)]
    pub code: bool,
}

/// What an action comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ActionSource {
    /// A failed budget.
    Budget {
        /// The budget's name.
        name: String,
    },
    /// A finding.
    Finding {
        /// Its kind.
        kind: FindingKind,
        /// Its key.
        key: String,
    },
    /// A package a browser run measured at load that the project imports
    /// statically and no lazy-loading candidate holds.
    Package {
        /// The package's name.
        name: String,
    },
}

/// What an action's figures and rank come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// A browser run of the page: the code's transferred bytes and unused
    /// share at load (coverage) and its main-thread time (CPU profile).
    Measured,
    /// The build's source-map attribution (bytes that ship, not a run).
    Build,
    /// perfscope's static estimate (minified and gzipped source, or raw
    /// source bytes).
    Estimate,
}

impl Basis {
    /// `measured`, `build` or `estimate`.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Measured => "measured",
            Basis::Build => "build",
            Basis::Estimate => "estimate",
        }
    }
}

/// What code costs a page's load, measured in a browser run (the median
/// run's coverage and CPU profile, through the scripts' source maps).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LoadCost {
    /// The page it was measured on (its path), when pages were listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// Its code's bytes in the scripts the load ran, scaled to the bytes
    /// transferred (as Lighthouse scales coverage), when coverage was
    /// gathered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_bytes: Option<u64>,
    /// Of which in functions that never ran during the load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unused_bytes: Option<u64>,
    /// `unused_bytes / load_bytes` (over characters of code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unused_ratio: Option<f64>,
    /// Main-thread time its code ran during the load (self time in the CPU
    /// profile), ms, when the profile was gathered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub main_thread_ms: Option<f64>,
    /// `load_bytes` at the download rate of the run's network throttling
    /// (Lighthouse's rate for the form factor when none was applied), ms.
    pub download_ms: f64,
    /// What the ranking adds up: `main_thread_ms + download_ms`.
    pub cost_ms: f64,
}

/// A place in the project's source to change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SourceLocation {
    /// The file, relative to the analysed folder, `/`-separated.
    pub file: String,
    /// 1-based line.
    pub line: u32,
}

/// Whether an action's impact is a problem or a saving.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    /// `impact` says what is wrong (a failed budget, a slow render).
    Problem,
    /// `impact` says what the action saves.
    Saving,
}

impl std::fmt::Display for Tone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Tone::Problem => "problem",
            Tone::Saving => "saving",
        })
    }
}

/// One thing to do, with what it buys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Action {
    /// What it comes from.
    pub source: ActionSource,
    /// What to do.
    pub what: Vec<Segment>,
    /// What it buys (`−18 KB gzip from the initial load`), or what is wrong.
    pub impact: String,
    /// Problem or saving.
    pub tone: Tone,
    /// What its figures and rank come from (absent for failed budgets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<Basis>,
    /// What the code costs the load, when a browser run measured it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<LoadCost>,
    /// The import to change (the static import to turn into `import()`),
    /// when the action has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<SourceLocation>,
}

impl Action {
    /// The sentence as plain text.
    pub fn what_text(&self) -> String {
        self.what.iter().map(|s| s.text.as_str()).collect()
    }
}

/// The gate's verdict and the checks behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Gate {
    /// Whether every check passes.
    pub pass: bool,
    /// Every check, failing or not: budgets, findings configured as errors,
    /// regressions against the baseline, parts that could not run.
    pub checks: Vec<Check>,
}

impl Gate {
    /// The checks that fail.
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| !c.pass)
    }
}

/// What a gate check is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// A budget.
    Budget,
    /// Findings of a kind configured as an error.
    Findings,
    /// A metric compared with the baseline.
    Regression,
    /// A part of the report that had to run.
    Part,
}

/// One line of the gate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Check {
    /// What it is about.
    pub kind: CheckKind,
    /// The part it belongs to, when it belongs to one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<PartId>,
    /// What is checked, for humans.
    pub name: String,
    /// The limit, for humans.
    pub limit: String,
    /// The measured value, for humans.
    pub actual: String,
    /// Whether it holds.
    pub pass: bool,
    /// Why it fails, when it fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}
