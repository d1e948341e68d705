//! Lighthouse's performance score, as Lighthouse 12.8 computes it. Pure.
//!
//! Each metric audit's score comes from a log-normal curve given by two
//! control points per form factor (the value scoring 0.9, `p10`, and the
//! value scoring 0.5, `median`: `core/audits/metrics/*.js`), through
//! `getLogNormalScore` (`shared/statistics.js`) and
//! `Util.computeLogNormalScore` (`shared/util.js`: scores over 0.9 get a
//! small boost, then `Math.floor(score * 100) / 100`). The category score is
//! the weighted mean of the audit scores, `Math.round(mean * 100) / 100`
//! (`core/scoring.js`), with the weights of Lighthouse 10 and later: FCP 10,
//! Speed Index 10, LCP 25, TBT 30, CLS 25.
//!
//! perfscope does not measure Speed Index (it needs the screenshots of the
//! load): without it there is no Lighthouse score, only an estimate over the
//! four measured metrics (their weights scaled up to 100), labelled so.

use model::vitals::{AuditScore, PerformanceScore, Profile, RunMetrics};

/// Whose curves apply: Lighthouse scores mobile and desktop runs differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormFactor {
    /// Lighthouse's default (a phone).
    Mobile,
    /// `preset: "desktop"`.
    Desktop,
}

impl FormFactor {
    /// The form factor of a measured profile (`mobile` emulates a phone).
    pub fn of(profile: &Profile) -> FormFactor {
        if profile.mobile {
            FormFactor::Mobile
        } else {
            FormFactor::Desktop
        }
    }

    /// `mobile` or `desktop`.
    pub fn name(self) -> &'static str {
        match self {
            FormFactor::Mobile => "mobile",
            FormFactor::Desktop => "desktop",
        }
    }
}

/// A metric audit Lighthouse scores with a log-normal curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Audit {
    /// `first-contentful-paint`, ms.
    Fcp,
    /// `largest-contentful-paint`, ms.
    Lcp,
    /// `total-blocking-time`, ms.
    Tbt,
    /// `cumulative-layout-shift`, unitless.
    Cls,
    /// `speed-index`, ms (not measured by perfscope).
    SpeedIndex,
    /// `interactive` (Time to Interactive), ms: scored, but weight 0.
    Interactive,
}

/// Two points of a scoring curve: the value that scores 0.9 and the one
/// that scores 0.5.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Curve {
    /// The value scoring 0.9.
    pub p10: f64,
    /// The value scoring 0.5.
    pub median: f64,
}

impl Audit {
    /// The audits of the performance category, in Lighthouse's order.
    pub const WEIGHTED: [Audit; 5] = [
        Audit::Fcp,
        Audit::Lcp,
        Audit::Tbt,
        Audit::Cls,
        Audit::SpeedIndex,
    ];

    /// Lighthouse's audit id.
    pub fn id(self) -> &'static str {
        match self {
            Audit::Fcp => "first-contentful-paint",
            Audit::Lcp => "largest-contentful-paint",
            Audit::Tbt => "total-blocking-time",
            Audit::Cls => "cumulative-layout-shift",
            Audit::SpeedIndex => "speed-index",
            Audit::Interactive => "interactive",
        }
    }

    /// The audit with this id.
    pub fn from_id(id: &str) -> Option<Audit> {
        [Audit::Interactive]
            .into_iter()
            .chain(Audit::WEIGHTED)
            .find(|a| a.id() == id)
    }

    /// Its weight in the performance category (Lighthouse 10 and later).
    pub fn weight(self) -> f64 {
        match self {
            Audit::Fcp | Audit::SpeedIndex => 10.0,
            Audit::Lcp | Audit::Cls => 25.0,
            Audit::Tbt => 30.0,
            Audit::Interactive => 0.0,
        }
    }

    /// Its curve for `form` (Lighthouse 12.8's `defaultOptions`; CLS has one
    /// curve for both).
    pub fn curve(self, form: FormFactor) -> Curve {
        let (p10, median) = match (self, form) {
            (Audit::Fcp, FormFactor::Mobile) => (1800.0, 3000.0),
            (Audit::Fcp, FormFactor::Desktop) => (934.0, 1600.0),
            (Audit::Lcp, FormFactor::Mobile) => (2500.0, 4000.0),
            (Audit::Lcp, FormFactor::Desktop) => (1200.0, 2400.0),
            (Audit::Tbt, FormFactor::Mobile) => (200.0, 600.0),
            (Audit::Tbt, FormFactor::Desktop) => (150.0, 350.0),
            (Audit::Cls, _) => (0.1, 0.25),
            (Audit::SpeedIndex, FormFactor::Mobile) => (3387.0, 5800.0),
            (Audit::SpeedIndex, FormFactor::Desktop) => (1311.0, 2300.0),
            (Audit::Interactive, FormFactor::Mobile) => (3785.0, 7300.0),
            (Audit::Interactive, FormFactor::Desktop) => (2468.0, 4500.0),
        };
        Curve { p10, median }
    }

    /// The value of this audit in a run (Speed Index: never measured).
    pub fn value(self, run: &RunMetrics) -> Option<f64> {
        match self {
            Audit::Fcp => run.fcp_ms,
            Audit::Lcp => run.lcp_ms,
            Audit::Tbt => run.tbt_ms,
            Audit::Cls => run.cls,
            Audit::Interactive => run.tti_ms,
            Audit::SpeedIndex => None,
        }
    }
}

/// Abramowitz and Stegun 7.1.26, as `shared/statistics.js` computes it.
fn erf(x: f64) -> f64 {
    let sign = if x < 0.0 { -1.0 } else { 1.0 };
    let x = x.abs();
    let a1 = 0.254829592;
    let a2 = -0.284496736;
    let a3 = 1.421413741;
    let a4 = -1.453152027;
    let a5 = 1.061405429;
    let p = 0.3275911;
    let t = 1.0 / (1.0 + p * x);
    let y = t * (a1 + t * (a2 + t * (a3 + t * (a4 + t * a5))));
    sign * (1.0 - y * (-x * x).exp())
}

/// The double just below `x` (for the clamps of `getLogNormalScore`).
fn below(x: f64) -> f64 {
    f64::from_bits(x.to_bits() - 1)
}

/// `getLogNormalScore`: the share of the log-normal distribution given by
/// `curve` above `value`, clamped so that a value at or under `p10` scores at
/// least 0.9 and one at or under the median at least 0.5.
pub fn log_normal(curve: Curve, value: f64) -> f64 {
    if value <= 0.0 {
        return 1.0;
    }
    // Closest double to erfc⁻¹(1/5).
    const INVERSE_ERFC_ONE_FIFTH: f64 = 0.906_193_802_436_823_2;
    let tiny = f64::from_bits(1); // Number.MIN_VALUE
    let x_log_ratio = (value / curve.median).max(tiny).ln();
    let p10_log_ratio = -(curve.p10 / curve.median).max(tiny).ln();
    let standardized = x_log_ratio * INVERSE_ERFC_ONE_FIFTH / p10_log_ratio;
    let complementary = (1.0 - erf(standardized)) / 2.0;
    if value <= curve.p10 {
        complementary.clamp(0.9, 1.0)
    } else if value <= curve.median {
        complementary.clamp(0.5, below(0.9))
    } else {
        complementary.clamp(0.0, below(0.5))
    }
}

/// An audit's score (`Util.computeLogNormalScore`): scores over 0.9 get up
/// to half a point more, then two decimals, rounded down.
pub fn audit_score(audit: Audit, form: FormFactor, value: f64) -> f64 {
    let mut percentile = log_normal(audit.curve(form), value);
    if percentile > 0.9 {
        percentile += 0.05 * (percentile - 0.9);
    }
    (percentile * 100.0).floor() / 100.0
}

/// `ReportScoring.arithmeticMean`: the weighted mean, two decimals, rounded
/// half up as `Math.round` does.
pub fn weighted_mean(items: &[(f64, f64)]) -> f64 {
    let (sum, weight) = items
        .iter()
        .filter(|(_, w)| *w > 0.0)
        .fold((0.0, 0.0), |(s, w), (score, weight)| {
            (s + score * weight, w + weight)
        });
    let mean = if weight > 0.0 { sum / weight } else { 0.0 };
    js_round(mean * 100.0) / 100.0
}

/// JavaScript's `Math.round` (halves go up, also for negatives).
fn js_round(x: f64) -> f64 {
    (x + 0.5).floor()
}

/// The performance score of one run's metrics; `speed_index` when it was
/// measured (perfscope never measures it: `None`).
pub fn performance(
    run: &RunMetrics,
    speed_index: Option<f64>,
    form: FormFactor,
) -> PerformanceScore {
    let audits: Vec<AuditScore> = Audit::WEIGHTED
        .iter()
        .map(|&audit| {
            let value = match audit {
                Audit::SpeedIndex => speed_index,
                _ => audit.value(run),
            }
            .filter(|v| v.is_finite());
            AuditScore {
                audit: audit.id().to_string(),
                weight: audit.weight(),
                value,
                score: value.map(|v| audit_score(audit, form, v)),
            }
        })
        .collect();
    let missing: Vec<&str> = audits
        .iter()
        .filter(|a| a.score.is_none())
        .map(|a| a.audit.as_str())
        .collect();
    let measured: Vec<(f64, f64)> = audits
        .iter()
        .filter_map(|a| a.score.map(|s| (s, a.weight)))
        .collect();
    let (score, estimate, not_measured) = match missing.as_slice() {
        [] => (Some(weighted_mean(&measured)), None, None),
        ["speed-index"] => (
            None,
            Some(weighted_mean(&measured)),
            Some(
                "Speed Index is not measured: it needs screenshots of the load, which perfscope does not record"
                    .to_string(),
            ),
        ),
        _ => (
            None,
            None,
            Some(format!("not measured: {}", missing.join(", "))),
        ),
    };
    PerformanceScore {
        form_factor: form.name().to_string(),
        audits,
        score,
        not_measured,
        estimate,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_control_points_score_as_lighthouse_says() {
        for form in [FormFactor::Mobile, FormFactor::Desktop] {
            for audit in Audit::WEIGHTED {
                let curve = audit.curve(form);
                // At p10 the score is 0.9 (boosted by nothing), at the median 0.5.
                assert_eq!(audit_score(audit, form, curve.p10), 0.9, "{audit:?}");
                assert_eq!(audit_score(audit, form, curve.median), 0.5, "{audit:?}");
                // Just over a control point drops under it.
                assert!(audit_score(audit, form, curve.p10 * 1.001) < 0.9);
                assert!(audit_score(audit, form, curve.median * 1.001) < 0.5);
            }
        }
        assert_eq!(audit_score(Audit::Tbt, FormFactor::Mobile, 0.0), 1.0);
        assert_eq!(audit_score(Audit::Cls, FormFactor::Desktop, 0.0), 1.0);
        // Scores near 1 get the boost: 0.99524 and up round to 1.
        assert_eq!(audit_score(Audit::Fcp, FormFactor::Desktop, 300.0), 1.0);
        assert_eq!(audit_score(Audit::Fcp, FormFactor::Mobile, 1e9), 0.0);
    }

    #[test]
    fn the_category_is_a_weighted_mean_rounded_half_up() {
        assert_eq!(weighted_mean(&[(1.0, 10.0), (0.5, 10.0)]), 0.75);
        assert_eq!(weighted_mean(&[(0.125, 1.0)]), 0.13);
        assert_eq!(weighted_mean(&[(0.9, 0.0)]), 0.0);
        assert_eq!(weighted_mean(&[]), 0.0);
    }

    #[test]
    fn without_speed_index_only_an_estimate() {
        let run = RunMetrics {
            fcp_ms: Some(934.0),
            lcp_ms: Some(1200.0),
            tbt_ms: Some(150.0),
            cls: Some(0.1),
            ..RunMetrics::default()
        };
        let p = performance(&run, None, FormFactor::Desktop);
        assert_eq!(p.score, None);
        assert_eq!(p.estimate, Some(0.9));
        assert!(p.not_measured.as_deref().unwrap().contains("Speed Index"));
        assert_eq!(p.audits.len(), 5);
        assert_eq!(p.audits[4].audit, "speed-index");
        assert_eq!(p.audits[4].score, None);
        let exact = performance(&run, Some(1311.0), FormFactor::Desktop);
        assert_eq!((exact.score, exact.estimate), (Some(0.9), None));
        // A missing metric other than SI: no estimate either.
        let partial = RunMetrics {
            tbt_ms: None,
            ..run
        };
        let p = performance(&partial, Some(1311.0), FormFactor::Desktop);
        assert_eq!((p.score, p.estimate), (None, None));
        assert_eq!(
            p.not_measured.as_deref(),
            Some("not measured: total-blocking-time")
        );
    }

    #[test]
    fn audit_ids_round_trip() {
        for audit in Audit::WEIGHTED.into_iter().chain([Audit::Interactive]) {
            assert_eq!(Audit::from_id(audit.id()), Some(audit));
        }
        assert_eq!(Audit::from_id("uses-responsive-images"), None);
        assert_eq!(Audit::Interactive.weight(), 0.0);
        let total: f64 = Audit::WEIGHTED.iter().map(|a| a.weight()).sum();
        assert_eq!(total, 100.0);
    }
}
