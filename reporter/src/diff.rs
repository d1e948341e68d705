//! Comparison of two reports (baseline and head): per-metric deltas with a
//! verdict, and the findings the baseline did not have. Pure functions.
//!
//! A metric is a regression (❌) when it got worse by more than `threshold`
//! (relative, 0.2 = 20%) and by more than its unit's noise floor
//! ([`Unit::noise_floor`]); any smaller worsening beyond the noise floor is a
//! warning (⚠️); everything else passes (✅).

use std::collections::{BTreeMap, BTreeSet};

use model::report::Report;
use serde::Serialize;

use crate::findings::{self, Finding, FindingKind};
use crate::metrics::{self, Unit};

/// The verdict on one metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Same, better, within the noise, or not comparable.
    Ok,
    /// Worse, but by no more than the threshold.
    Warn,
    /// Worse by more than the threshold.
    Regression,
}

impl Status {
    /// ✅, ⚠️ or ❌.
    pub fn emoji(self) -> &'static str {
        match self {
            Status::Ok => "\u{2705}",
            Status::Warn => "\u{26a0}\u{fe0f}",
            Status::Regression => "\u{274c}",
        }
    }

    /// `ok`, `warn` or `regression`.
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Regression => "regression",
        }
    }
}

/// One metric in both reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricDelta {
    /// Stable key (see [`metrics::Metric::key`]).
    pub key: String,
    /// Label for humans.
    pub label: String,
    /// Unit of the values.
    pub unit: Unit,
    /// Baseline value, when the baseline has the metric.
    pub base: Option<f64>,
    /// Head value, when the head has the metric.
    pub head: Option<f64>,
    /// `head − base`, when both exist.
    pub abs: Option<f64>,
    /// `(head − base) / base`, when both exist and `base > 0`.
    pub rel: Option<f64>,
    /// The verdict.
    pub status: Status,
}

/// The findings of one kind, compared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindDelta {
    /// The kind.
    pub kind: FindingKind,
    /// Findings of the head that the baseline did not have, in the head's order.
    pub new: Vec<Finding>,
    /// Findings present in both.
    pub unchanged: usize,
    /// Findings of the baseline that are gone.
    pub fixed: usize,
}

/// The comparison of two reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    /// Relative threshold used for regressions (0.2 = 20%).
    pub threshold: f64,
    /// Every headline metric of either report, in the head's order (then the
    /// baseline's metrics that the head lacks).
    pub metrics: Vec<MetricDelta>,
    /// Per kind of finding, in [`FindingKind::ALL`] order; kinds with nothing
    /// in either report are left out.
    pub findings: Vec<KindDelta>,
}

impl Diff {
    /// Whether any metric regressed beyond the threshold.
    pub fn has_regressions(&self) -> bool {
        self.metrics.iter().any(|m| m.status == Status::Regression)
    }

    /// The metrics that regressed beyond the threshold.
    pub fn regressions(&self) -> impl Iterator<Item = &MetricDelta> {
        self.metrics
            .iter()
            .filter(|m| m.status == Status::Regression)
    }

    /// Every finding the baseline did not have.
    pub fn new_findings(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().flat_map(|k| k.new.iter())
    }

    /// The new findings whose kind id (see [`FindingKind::id`]) is in `ids`,
    /// e.g. the `errors` list of `perfscope.toml`. New failed budgets are always
    /// included: a budget that breaks in this change is an error.
    pub fn new_errors<S: AsRef<str>>(&self, ids: &[S]) -> Vec<&Finding> {
        self.new_findings()
            .filter(|f| {
                f.kind == FindingKind::FailedBudgets
                    || ids.iter().any(|id| id.as_ref() == f.kind.id())
            })
            .collect()
    }

    /// Number of new findings.
    pub fn new_count(&self) -> usize {
        self.findings.iter().map(|k| k.new.len()).sum()
    }

    /// Number of findings present in both reports.
    pub fn unchanged_count(&self) -> usize {
        self.findings.iter().map(|k| k.unchanged).sum()
    }

    /// Number of baseline findings that are gone.
    pub fn fixed_count(&self) -> usize {
        self.findings.iter().map(|k| k.fixed).sum()
    }
}

/// Compares `head` with `base`. `threshold` is relative (0.2 = 20%).
pub fn compare(base: &Report, head: &Report, threshold: f64) -> Diff {
    Diff {
        threshold,
        metrics: compare_metrics(base, head, threshold),
        findings: compare_findings(base, head),
    }
}

fn compare_metrics(base: &Report, head: &Report, threshold: f64) -> Vec<MetricDelta> {
    let base_metrics = metrics::headline(base);
    let head_metrics = metrics::headline(head);
    let base_by_key: BTreeMap<&str, f64> = base_metrics
        .iter()
        .map(|m| (m.key.as_str(), m.value))
        .collect();
    let head_keys: BTreeSet<&str> = head_metrics.iter().map(|m| m.key.as_str()).collect();
    let mut out: Vec<MetricDelta> = head_metrics
        .iter()
        .map(|m| {
            delta(
                m,
                base_by_key.get(m.key.as_str()).copied(),
                Some(m.value),
                threshold,
            )
        })
        .collect();
    out.extend(
        base_metrics
            .iter()
            .filter(|m| !head_keys.contains(m.key.as_str()))
            .map(|m| delta(m, Some(m.value), None, threshold)),
    );
    out
}

fn delta(
    metric: &metrics::Metric,
    base: Option<f64>,
    head: Option<f64>,
    threshold: f64,
) -> MetricDelta {
    let (abs, rel, status) = match (base, head) {
        (Some(b), Some(h)) => {
            let abs = h - b;
            let rel = (b > 0.0).then(|| abs / b);
            (Some(abs), rel, verdict(metric.unit, abs, rel, threshold))
        }
        _ => (None, None, Status::Ok),
    };
    MetricDelta {
        key: metric.key.clone(),
        label: metric.label.clone(),
        unit: metric.unit,
        base,
        head,
        abs,
        rel,
        status,
    }
}

/// The verdict for a change of `abs` (`rel` relative; `None` when the base is 0).
pub fn verdict(unit: Unit, abs: f64, rel: Option<f64>, threshold: f64) -> Status {
    if abs <= unit.noise_floor() {
        return Status::Ok;
    }
    match rel {
        Some(rel) if rel <= threshold => Status::Warn,
        _ => Status::Regression,
    }
}

fn compare_findings(base: &Report, head: &Report) -> Vec<KindDelta> {
    let base_findings = findings::collect(base);
    let head_findings = findings::collect(head);
    let base_keys: BTreeSet<(FindingKind, &str)> = base_findings
        .iter()
        .map(|f| (f.kind, f.key.as_str()))
        .collect();
    let head_keys: BTreeSet<(FindingKind, &str)> = head_findings
        .iter()
        .map(|f| (f.kind, f.key.as_str()))
        .collect();
    FindingKind::ALL
        .iter()
        .filter_map(|&kind| {
            let new: Vec<Finding> = head_findings
                .iter()
                .filter(|f| f.kind == kind && !base_keys.contains(&(kind, f.key.as_str())))
                .cloned()
                .collect();
            let unchanged = head_keys
                .iter()
                .filter(|(k, key)| *k == kind && base_keys.contains(&(kind, key)))
                .count();
            let fixed = base_keys
                .iter()
                .filter(|(k, key)| *k == kind && !head_keys.contains(&(kind, key)))
                .count();
            (!new.is_empty() || unchanged > 0 || fixed > 0).then_some(KindDelta {
                kind,
                new,
                unchanged,
                fixed,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_follow_threshold_and_noise_floor() {
        assert_eq!(verdict(Unit::Bytes, 0.0, Some(0.0), 0.2), Status::Ok);
        assert_eq!(verdict(Unit::Bytes, -500.0, Some(-0.5), 0.2), Status::Ok);
        assert_eq!(verdict(Unit::Bytes, 100.0, Some(0.1), 0.2), Status::Warn);
        assert_eq!(verdict(Unit::Bytes, 100.0, Some(0.2), 0.2), Status::Warn);
        assert_eq!(
            verdict(Unit::Bytes, 100.0, Some(0.21), 0.2),
            Status::Regression
        );
        assert_eq!(verdict(Unit::Bytes, 100.0, None, 0.2), Status::Regression);
        assert_eq!(verdict(Unit::Ms, 40.0, Some(0.8), 0.2), Status::Ok);
        assert_eq!(verdict(Unit::Ms, 400.0, Some(0.5), 0.2), Status::Regression);
        assert_eq!(verdict(Unit::Score, 0.005, None, 0.2), Status::Ok);
    }
}
