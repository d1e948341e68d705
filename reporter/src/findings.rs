//! The findings every output lists, from one place: the assessment's (kinds
//! switched off left out), else, for a report that was never assessed, the
//! parts' own; and the gate's checks on findings configured as errors.

use model::assessment::{Check, CheckKind};
use model::finding::{Finding, FindingKind, PartId};
use model::report::Report;

/// Every finding the outputs list, by kind in report order.
pub(crate) fn all(report: &Report) -> Vec<&Finding> {
    match &report.assessment {
        Some(a) => a.findings.iter().map(|f| &f.finding).collect(),
        None => report.findings(),
    }
}

/// The findings of `kind`, in report order.
pub(crate) fn of_kind(report: &Report, kind: FindingKind) -> Vec<&Finding> {
    all(report).into_iter().filter(|f| f.kind == kind).collect()
}

/// The findings of `part`, by kind in report order.
pub(crate) fn of_part(report: &Report, part: PartId) -> Vec<&Finding> {
    all(report)
        .into_iter()
        .filter(|f| f.kind.part() == part)
        .collect()
}

/// The gate's failing checks on findings of `part` configured as errors
/// (against a baseline, only new findings fail them); none when the report
/// was not assessed.
pub(crate) fn failed_error_checks(report: &Report, part: PartId) -> Vec<&Check> {
    report
        .assessment
        .iter()
        .flat_map(|a| a.gate.failures())
        .filter(|c| c.kind == CheckKind::Findings && c.part == Some(part))
        .collect()
}

/// What a failing check says, for humans: its reason, else its name.
pub(crate) fn check_text(c: &Check) -> &str {
    c.reason.as_deref().unwrap_or(&c.name)
}
