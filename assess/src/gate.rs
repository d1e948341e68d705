//! The gate: what makes `check` (and `diff`) fail, with every check behind
//! the verdict.
//!
//! - every budget must hold; a budget that was not measured fails with its
//!   reason (a budget at level `warn`, a Lighthouse CI `warn` assertion, is
//!   shown with its reason and never fails);
//! - findings whose kind is configured as an error fail: all of them without a
//!   baseline, only the ones the baseline did not have with one;
//! - with a baseline, every headline metric that regressed beyond the threshold fails;
//! - a part that failed to run fails (its error is the reason).

use model::Budget;
use model::assessment::{ChangeStatus, Check, CheckKind, Gate, HeadlineMetric};
use model::finding::{PartId, Severities, Severity};
use model::report::Report;

use crate::findings::{Compared, is_error};

/// The check of one budget.
fn budget_check(b: &Budget) -> Check {
    let unit = b.metric.unit();
    Check {
        kind: CheckKind::Budget,
        part: Some(b.part),
        name: format!("{} ({})", b.name, b.metric.label()),
        limit: unit.format(b.limit),
        actual: b
            .actual
            .map_or_else(|| "not measured".to_string(), |v| unit.format(v)),
        // A failing budget at level `warn` is shown, never failing.
        pass: b.gate_passes(),
        reason: match (&b.reason, b.level) {
            (Some(reason), model::BudgetLevel::Warn) => {
                Some(format!("warning only (level warn): {reason}"))
            }
            (reason, _) => reason.clone(),
        },
    }
}

/// Computes the gate.
pub fn gate(
    report: &Report,
    budgets: &[Budget],
    headline: &[HeadlineMetric],
    compared: &Compared,
    severities: &Severities,
    threshold: f64,
) -> Gate {
    let mut checks = Vec::new();
    for (part, error) in failed_parts(report) {
        checks.push(Check {
            kind: CheckKind::Part,
            part: Some(part),
            name: format!("{part} part"),
            limit: "runs".into(),
            actual: "failed".into(),
            pass: false,
            reason: Some(error.to_string()),
        });
    }
    checks.extend(budgets.iter().map(budget_check));
    let with_baseline = compared.with_baseline;
    let error_kinds: Vec<_> = severities
        .0
        .iter()
        .filter(|(_, s)| **s == Severity::Error)
        .map(|(k, _)| *k)
        .chain(
            model::FindingKind::ALL
                .iter()
                .copied()
                .filter(|k| k.meta().severity == Severity::Error && !severities.0.contains_key(k)),
        )
        .collect();
    for kind in error_kinds {
        let failing: Vec<_> = compared
            .findings
            .iter()
            .filter(|f| f.finding.kind == kind && is_error(f))
            .collect();
        let shown: Vec<String> = failing
            .iter()
            .take(3)
            .map(|f| {
                let location = f.finding.location();
                if f.finding.message.is_empty() {
                    location
                } else {
                    format!("{location} {}", f.finding.message)
                }
            })
            .collect();
        let prefix = if with_baseline { "new " } else { "" };
        checks.push(Check {
            kind: CheckKind::Findings,
            part: Some(kind.part()),
            name: format!("{prefix}{} (configured as error)", kind.id()),
            limit: "0".into(),
            actual: if failing.is_empty() {
                "0".into()
            } else {
                format!("{} ({})", failing.len(), shown.join(", "))
            },
            pass: failing.is_empty(),
            reason: (!failing.is_empty()).then(|| {
                format!(
                    "{} {}{} finding{} of a kind configured as an error",
                    failing.len(),
                    prefix,
                    kind.id(),
                    if failing.len() == 1 { "" } else { "s" }
                )
            }),
        });
    }
    for m in headline {
        let Some(change) = &m.change else { continue };
        let unit = m.metric.unit();
        let regressed = change.status == ChangeStatus::Regression;
        checks.push(Check {
            kind: CheckKind::Regression,
            part: None,
            name: m.label.clone(),
            limit: match change.base {
                Some(base) => format!("\u{2264} {} +{:.0}%", unit.format(base), threshold * 100.0),
                None => "new".into(),
            },
            actual: m
                .value
                .map_or_else(|| "not measured".into(), |v| unit.format(v)),
            pass: !regressed,
            reason: regressed.then(|| {
                let delta = change.abs.map(|a| unit.format_delta(a)).unwrap_or_default();
                let rel = change
                    .rel
                    .map(|r| format!(" ({})", model::units::format_signed_percent(r)))
                    .unwrap_or_default();
                format!("worse than the baseline by {delta}{rel}")
            }),
        });
    }
    Gate {
        pass: checks.iter().all(|c| c.pass),
        checks,
    }
}

/// The parts that failed to run, with their errors.
pub fn failed_parts(report: &Report) -> Vec<(PartId, &str)> {
    [
        (PartId::Source, report.analyze.error()),
        (PartId::Bundle, report.bundle.error()),
        (PartId::Vitals, report.vitals.error()),
    ]
    .into_iter()
    .filter_map(|(id, error)| error.map(|e| (id, e)))
    .collect()
}
