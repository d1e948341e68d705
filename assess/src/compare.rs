//! Headline numbers against the baseline's.
//!
//! A metric is a regression (❌) when it got worse by more than `threshold`
//! (relative, 0.2 = 20%) and by more than its unit's noise floor
//! ([`model::Unit::noise_floor`]); any smaller worsening beyond the noise
//! floor is a warning (⚠️); everything else passes (✅).

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
            let b = base_by_key.get(m.key.as_str()).and_then(|b| b.value);
            m.change = Some(change(m.metric.unit(), b, m.value, threshold));
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
}
