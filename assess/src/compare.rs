//! Headline numbers against the baseline's.
//!
//! A metric is a regression (❌) when it got worse by more than `threshold`
//! (relative, 0.2 = 20%) and by more than its unit's noise floor
//! ([`model::Unit::noise_floor`]); any smaller worsening beyond the noise
//! floor is a warning (⚠️); everything else passes (✅).
//!
//! Browser metrics are judged against the runs' spread too: when both sides
//! have two or more complete runs, a worsening counts only when the head's
//! best run is worse than the baseline's worst run (the two sets of runs do
//! not overlap). Otherwise the difference is within the noise of the runs:
//! ✅ with a note saying so.

use std::collections::{BTreeMap, BTreeSet};

use model::Unit;
use model::assessment::{Change, ChangeStatus, HeadlineMetric};

/// The head's metrics with their change against `base` (in the head's order),
/// then the baseline's metrics the head lacks (value `null`).
pub fn compare_metrics(
    base: &[HeadlineMetric],
    head: Vec<HeadlineMetric>,
    threshold: f64,
) -> Vec<HeadlineMetric> {
    let base_by_key: BTreeMap<&str, &HeadlineMetric> =
        base.iter().map(|m| (m.key.as_str(), m)).collect();
    let head_keys: BTreeSet<String> = head.iter().map(|m| m.key.clone()).collect();
    let mut out: Vec<HeadlineMetric> = head
        .into_iter()
        .map(|mut m| {
            let base_metric = base_by_key.get(m.key.as_str());
            let b = base_metric.and_then(|b| b.value);
            let mut c = change(m.metric.unit(), b, m.value, threshold);
            if let Some(base_metric) = base_metric {
                within_spread(&mut c, &base_metric.samples, &m.samples, m.metric.unit());
            }
            m.change = Some(c);
            m
        })
        .collect();
    out.extend(
        base.iter()
            .filter(|m| !head_keys.contains(&m.key))
            .map(|m| HeadlineMetric {
                value: None,
                samples: Vec::new(),
                change: Some(change(m.metric.unit(), m.value, None, threshold)),
                ..m.clone()
            }),
    );
    out
}

fn change(unit: Unit, base: Option<f64>, head: Option<f64>, threshold: f64) -> Change {
    let (abs, rel, status) = match (base, head) {
        (Some(b), Some(h)) => {
            let abs = h - b;
            let rel = (b > 0.0).then(|| abs / b);
            (Some(abs), rel, verdict(unit, abs, rel, threshold))
        }
        _ => (None, None, ChangeStatus::Ok),
    };
    Change {
        base,
        abs,
        rel,
        status,
        note: None,
    }
}

/// Turns a worsening into ✅ (with a note) when the runs of the two sides
/// overlap: the head's best run is no worse than the baseline's worst.
fn within_spread(c: &mut Change, base: &[f64], head: &[f64], unit: Unit) {
    if c.status == ChangeStatus::Ok || base.len() < 2 || head.len() < 2 {
        return;
    }
    let base_worst = base.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let head_best = head.iter().copied().fold(f64::INFINITY, f64::min);
    if head_best <= base_worst {
        c.status = ChangeStatus::Ok;
        c.note = Some(format!(
            "within the runs' spread: the head's best run ({}) is no worse than the baseline's worst ({})",
            unit.format(head_best),
            unit.format(base_worst)
        ));
    }
}

/// The verdict for a change of `abs` (`rel` relative; `None` when the base is 0).
pub fn verdict(unit: Unit, abs: f64, rel: Option<f64>, threshold: f64) -> ChangeStatus {
    if abs <= unit.noise_floor() {
        return ChangeStatus::Ok;
    }
    match rel {
        Some(rel) if rel <= threshold => ChangeStatus::Warn,
        _ => ChangeStatus::Regression,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_follow_threshold_and_noise_floor() {
        use ChangeStatus::*;
        assert_eq!(verdict(Unit::Bytes, 0.0, Some(0.0), 0.2), Ok);
        assert_eq!(verdict(Unit::Bytes, -500.0, Some(-0.5), 0.2), Ok);
        assert_eq!(verdict(Unit::Bytes, 100.0, Some(0.1), 0.2), Warn);
        assert_eq!(verdict(Unit::Bytes, 100.0, Some(0.2), 0.2), Warn);
        assert_eq!(verdict(Unit::Bytes, 100.0, Some(0.21), 0.2), Regression);
        assert_eq!(verdict(Unit::Bytes, 100.0, None, 0.2), Regression);
        assert_eq!(verdict(Unit::Ms, 40.0, Some(0.8), 0.2), Ok);
        assert_eq!(verdict(Unit::Ms, 400.0, Some(0.5), 0.2), Regression);
        assert_eq!(verdict(Unit::Score, 0.005, None, 0.2), Ok);
    }

    #[test]
    fn a_worsening_inside_the_runs_spread_is_noise() {
        let metric = |value: f64, samples: Vec<f64>| HeadlineMetric {
            key: "fcp".into(),
            label: "FCP (median)".into(),
            metric: model::MetricId::Fcp,
            value: Some(value),
            samples,
            change: None,
        };
        // FCP 326 → 391 ms (+19.9%, +65 ms) on identical code: the runs overlap.
        let base = vec![metric(326.0, vec![310.0, 326.0, 402.0])];
        let head = vec![metric(391.0, vec![330.0, 391.0, 420.0])];
        let out = compare_metrics(&base, head, 0.1);
        let c = out[0].change.as_ref().expect("change");
        assert_eq!(c.status, ChangeStatus::Ok);
        assert!(
            c.note.as_deref().is_some_and(|n| n.contains("spread")),
            "{c:?}"
        );
        // The same medians with runs that do not overlap: a regression.
        let base = vec![metric(326.0, vec![320.0, 326.0, 330.0])];
        let head = vec![metric(391.0, vec![385.0, 391.0, 399.0])];
        let out = compare_metrics(&base, head, 0.1);
        assert_eq!(
            out[0].change.as_ref().map(|c| c.status),
            Some(ChangeStatus::Regression)
        );
        // One run a side: the threshold alone decides.
        let base = vec![metric(326.0, vec![326.0])];
        let head = vec![metric(391.0, vec![391.0])];
        let out = compare_metrics(&base, head, 0.1);
        assert_eq!(
            out[0].change.as_ref().map(|c| c.status),
            Some(ChangeStatus::Regression)
        );
    }
}
