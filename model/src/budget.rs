//! One budget type for every part (bundle sizes, browser timings), with one
//! rule for a value that was not measured: the budget fails, with the reason.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::finding::PartId;
use crate::metric::MetricId;

/// The verdict on one budget.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Verdict {
    /// The measured value is within the limit.
    Pass,
    /// The measured value is over the limit.
    Fail,
    /// Nothing was measured (the run did not complete, the size was not
    /// computed, the pattern matched nothing): the budget fails, and `reason` says why.
    NotMeasured,
}

/// Where a budget comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum BudgetOrigin {
    /// perfscope's defaults (no budget configured).
    #[serde(rename = "default")]
    Default,
    /// `perfscope.toml`.
    #[serde(rename = "perfscope.toml")]
    PerfscopeToml,
    /// size-limit's `.size-limit.json`.
    #[serde(rename = ".size-limit.json")]
    SizeLimitJson,
    /// size-limit's array in `package.json`.
    #[serde(rename = "package.json")]
    PackageJson,
    /// A Lighthouse CI configuration (`lighthouserc.json`, `.yml`, `.js`…):
    /// an assertion of `ci.assert`, or a row of the Lighthouse `budget.json`
    /// it names.
    #[serde(rename = "lighthouserc")]
    Lighthouserc,
}

impl BudgetOrigin {
    /// Where it comes from, for humans (the file name, or `default`).
    pub fn as_str(self) -> &'static str {
        match self {
            BudgetOrigin::Default => "default",
            BudgetOrigin::PerfscopeToml => "perfscope.toml",
            BudgetOrigin::SizeLimitJson => ".size-limit.json",
            BudgetOrigin::PackageJson => "package.json",
            BudgetOrigin::Lighthouserc => "lighthouserc",
        }
    }
}

/// What a budget that does not hold does to the gate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum BudgetLevel {
    /// It fails the gate (`check` exits 1).
    #[default]
    Error,
    /// It is reported as a warning and never fails the gate (a Lighthouse
    /// CI assertion at level `warn`).
    Warn,
}

impl BudgetLevel {
    fn is_error(&self) -> bool {
        *self == BudgetLevel::Error
    }
}

/// A budget and its verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Budget {
    /// The part that measured it.
    pub part: PartId,
    /// Name shown in every output (`initial JS of index.html`, `LCP`).
    pub name: String,
    /// The limited quantity.
    pub metric: MetricId,
    /// The limit (inclusive), in the metric's unit.
    pub limit: f64,
    /// The measured value, when there is one.
    pub actual: Option<f64>,
    /// Pass, fail or not measured.
    pub verdict: Verdict,
    /// Why it was not measured, or what failed; absent when it passed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Where it comes from.
    pub origin: BudgetOrigin,
    /// Files counted (bundle budgets), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    /// Whether a budget that does not hold fails the gate (`error`, the
    /// default) or is only a warning (`warn`).
    #[serde(default, skip_serializing_if = "BudgetLevel::is_error")]
    pub level: BudgetLevel,
}

impl Budget {
    /// Judges `actual` against `limit` with the one rule: no value fails
    /// with `missing` as the reason; a value over the limit fails (under
    /// it, for a metric where higher is better: the limit is a minimum).
    #[allow(clippy::too_many_arguments)]
    pub fn judge(
        part: PartId,
        name: impl Into<String>,
        metric: MetricId,
        limit: f64,
        actual: Option<f64>,
        missing: impl FnOnce() -> String,
        origin: BudgetOrigin,
        files: Vec<String>,
    ) -> Self {
        let (verdict, reason) = match actual {
            None => (Verdict::NotMeasured, Some(missing())),
            Some(value) if value.is_nan() => (
                Verdict::NotMeasured,
                Some("the measured value is not a number".to_string()),
            ),
            Some(value) if metric.higher_is_better() && value >= limit => (Verdict::Pass, None),
            Some(value) if metric.higher_is_better() => (
                Verdict::Fail,
                Some(format!(
                    "{} under the minimum of {}",
                    metric.unit().format(limit - value),
                    metric.unit().format(limit)
                )),
            ),
            Some(value) if value <= limit => (Verdict::Pass, None),
            Some(value) => (
                Verdict::Fail,
                Some(format!(
                    "{} over the limit of {}",
                    metric.unit().format_delta(value - limit),
                    metric.unit().format(limit)
                )),
            ),
        };
        Self {
            part,
            name: name.into(),
            metric,
            limit,
            actual,
            verdict,
            reason,
            origin,
            files,
            level: BudgetLevel::Error,
        }
    }

    /// The same budget at `level`.
    pub fn with_level(mut self, level: BudgetLevel) -> Self {
        self.level = level;
        self
    }

    /// Whether the budget holds.
    pub fn passes(&self) -> bool {
        self.verdict == Verdict::Pass
    }

    /// Whether the budget lets the gate pass: it holds, or it is only a
    /// warning (`level` `warn`).
    pub fn gate_passes(&self) -> bool {
        self.passes() || self.level == BudgetLevel::Warn
    }

    /// How far on the wrong side of the limit, in the metric's unit: over
    /// it, or under it for a minimum (0 when it holds or was not measured).
    pub fn over(&self) -> f64 {
        match self.actual {
            Some(a) if self.metric.higher_is_better() && a < self.limit => self.limit - a,
            Some(a) if !self.metric.higher_is_better() && a > self.limit => a - self.limit,
            _ => 0.0,
        }
    }
}

/// Checks a limit written by a user: finite and not negative. The error names `what`.
pub fn check_limit(what: &str, limit: f64) -> Result<f64, String> {
    if limit.is_finite() && limit >= 0.0 {
        Ok(limit)
    } else {
        Err(format!(
            "{what}: the limit must be a finite number of 0 or more (got {limit})"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(actual: Option<f64>) -> Budget {
        Budget::judge(
            PartId::Vitals,
            "LCP",
            MetricId::Lcp,
            2500.0,
            actual,
            || "no complete run".into(),
            BudgetOrigin::Default,
            Vec::new(),
        )
    }

    #[test]
    fn not_measured_fails_with_its_reason() {
        assert_eq!(judge(Some(2500.0)).verdict, Verdict::Pass);
        let over = judge(Some(2600.0));
        assert_eq!(over.verdict, Verdict::Fail);
        assert_eq!(over.over(), 100.0);
        let missing = judge(None);
        assert_eq!(missing.verdict, Verdict::NotMeasured);
        assert!(!missing.passes());
        assert_eq!(missing.reason.as_deref(), Some("no complete run"));
        assert_eq!(judge(Some(f64::NAN)).verdict, Verdict::NotMeasured);
        assert!(check_limit("x", f64::NAN).is_err());
        assert!(check_limit("x", -1.0).is_err());
        assert!(check_limit("x", f64::INFINITY).is_err());
        assert_eq!(check_limit("x", 0.0), Ok(0.0));
    }

    #[test]
    fn a_score_budget_is_a_minimum_and_a_warning_never_gates() {
        let score = |actual| {
            Budget::judge(
                PartId::Vitals,
                "categories:performance (lighthouserc)",
                MetricId::LighthouseScore,
                0.9,
                Some(actual),
                String::new,
                BudgetOrigin::Lighthouserc,
                Vec::new(),
            )
        };
        assert_eq!(score(0.9).verdict, Verdict::Pass);
        let low = score(0.85);
        assert_eq!(low.verdict, Verdict::Fail);
        assert!((low.over() - 0.05).abs() < 1e-9);
        assert!(
            low.reason
                .as_deref()
                .unwrap()
                .contains("under the minimum of 0.900")
        );
        assert!(!low.gate_passes());
        let warn = low.with_level(BudgetLevel::Warn);
        assert!(!warn.passes());
        assert!(warn.gate_passes());
        let json = serde_json::to_value(&warn).unwrap();
        assert_eq!(json["level"], "warn");
        assert_eq!(json["origin"], "lighthouserc");
        // The default level is not written.
        assert!(
            serde_json::to_value(judge(Some(1.0)))
                .unwrap()
                .get("level")
                .is_none()
        );
    }
}
