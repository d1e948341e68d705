//! Findings with their severity and, against a baseline, whether they are
//! new: a finding is the baseline's when both have its kind and key.

use std::collections::BTreeSet;

use model::assessment::{AssessedFinding, FindingStatus, KindSummary};
use model::finding::{Finding, FindingKind, Severities, Severity};
use model::report::Report;

/// The findings of a report compared with a baseline's.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Compared {
    /// Per kind, in report order; kinds with nothing in either report left out.
    pub kinds: Vec<KindSummary>,
    /// Every finding of the head (kinds switched off left out).
    pub findings: Vec<AssessedFinding>,
    /// Baseline findings that are gone.
    pub fixed: Vec<Finding>,
    /// Whether a baseline was given (only its new findings can fail the gate).
    pub with_baseline: bool,
}

/// Assesses the findings of `head` (against `base` when given).
pub fn compare(head: &Report, base: Option<&Report>, severities: &Severities) -> Compared {
    let head_findings: Vec<&Finding> = head
        .findings()
        .into_iter()
        .filter(|f| severities.enabled(f.kind))
        .collect();
    let base_findings: Option<Vec<&Finding>> = base.map(|b| {
        b.findings()
            .into_iter()
            .filter(|f| severities.enabled(f.kind))
            .collect()
    });
    let keys = |list: &[&Finding]| -> BTreeSet<(FindingKind, String)> {
        list.iter().map(|f| (f.kind, f.key.clone())).collect()
    };
    let head_keys = keys(&head_findings);
    let base_keys = base_findings.as_deref().map(keys);

    let findings: Vec<AssessedFinding> = head_findings
        .iter()
        .map(|f| AssessedFinding {
            finding: (*f).clone(),
            severity: severities.of(f.kind),
            status: base_keys.as_ref().map(|b| {
                if b.contains(&(f.kind, f.key.clone())) {
                    FindingStatus::Unchanged
                } else {
                    FindingStatus::New
                }
            }),
        })
        .collect();
    let fixed: Vec<Finding> = base_findings
        .iter()
        .flatten()
        .filter(|f| !head_keys.contains(&(f.kind, f.key.clone())))
        .map(|f| (*f).clone())
        .collect();

    let kinds = FindingKind::ALL
        .iter()
        .filter_map(|&kind| {
            let count = findings.iter().filter(|f| f.finding.kind == kind).count();
            let fixed_count = fixed.iter().filter(|f| f.kind == kind).count();
            if count == 0 && fixed_count == 0 {
                return None;
            }
            let of_status = |s| {
                findings
                    .iter()
                    .filter(|f| f.finding.kind == kind && f.status == Some(s))
                    .count()
            };
            let with_base = base.is_some();
            Some(KindSummary {
                kind,
                severity: severities.of(kind),
                count,
                new: with_base.then(|| of_status(FindingStatus::New)),
                unchanged: with_base.then(|| of_status(FindingStatus::Unchanged)),
                fixed: with_base.then_some(fixed_count),
            })
        })
        .collect();
    Compared {
        kinds,
        findings,
        fixed,
        with_baseline: base.is_some(),
    }
}

/// Whether `f` makes the gate fail: its kind is an error and, with a
/// baseline, the baseline did not have it.
pub fn is_error(f: &AssessedFinding) -> bool {
    f.severity == Severity::Error && f.status != Some(FindingStatus::Unchanged)
}
