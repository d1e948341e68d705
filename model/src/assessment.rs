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
    /// The gate: pass or fail, with every check behind it.
    pub gate: Gate,
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
