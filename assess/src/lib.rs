//! The assess step: after the parts are gathered and computed, one pure
//! function turns a [`Report`] (and optionally a baseline report) into its
//! [`Assessment`]: headline numbers, budget verdicts, findings with their
//! severity and whether they are new, the ranked top actions and the gate
//! verdict with its reasons. It runs once; the assessment is stored in
//! `report.json` and every renderer only formats it, so `check`, `diff`,
//! the HTML and the Markdown always agree.

pub mod actions;
pub mod bundle_diff;
pub mod compare;
pub mod findings;
pub mod gate;
pub mod headline;
pub mod load_cost;

use model::assessment::{Assessment, BaselineInfo};
use model::finding::Severities;
use model::report::Report;

/// Default relative worsening above which a metric is a regression (20%).
pub const DEFAULT_THRESHOLD: f64 = 0.2;

/// How many actions an assessment keeps.
pub const TOP_ACTIONS: usize = 10;

/// What the assessment depends on besides the reports.
#[derive(Debug, Clone)]
pub struct AssessOptions {
    /// Relative worsening above which a metric regresses (0.2 = 20%).
    pub threshold: f64,
    /// Severity of each kind of finding.
    pub severities: Severities,
    /// How build assets are matched across hashes and what is folded.
    pub diff: bundle_diff::DiffOptions,
}

impl Default for AssessOptions {
    fn default() -> Self {
        Self {
            threshold: DEFAULT_THRESHOLD,
            severities: Severities::default(),
            diff: bundle_diff::DiffOptions::default(),
        }
    }
}

/// Assesses `report`, against `baseline` when given.
pub fn assess(report: &Report, baseline: Option<&Report>, options: &AssessOptions) -> Assessment {
    let budgets = headline::budgets(report);
    let head_metrics = headline::headline(report);
    let headline = match baseline {
        Some(base) => {
            compare::compare_metrics(&headline::headline(base), head_metrics, options.threshold)
        }
        None => head_metrics,
    };
    let compared = findings::compare(report, baseline, &options.severities);
    let actions = actions::top(report, &budgets, TOP_ACTIONS);
    let bundle_diff = match (
        baseline.and_then(|b| b.bundle.document()),
        report.bundle.document(),
    ) {
        (Some(base), Some(head)) => Some(bundle_diff::diff(
            base,
            head,
            report.analyze.document(),
            &options.diff,
        )),
        _ => None,
    };
    let gate = gate::gate(
        report,
        &budgets,
        &headline,
        &compared,
        &options.severities,
        options.threshold,
    );
    Assessment {
        baseline: baseline.map(|b| BaselineInfo {
            generated_by: b.generated_by.clone(),
            threshold: options.threshold,
        }),
        headline,
        budgets,
        kinds: compared.kinds,
        findings: compared.findings,
        fixed: compared.fixed,
        actions,
        bundle_diff,
        gate,
    }
}

/// Assesses `report` and stores the assessment in it.
pub fn assess_into(report: &mut Report, baseline: Option<&Report>, options: &AssessOptions) {
    report.assessment = Some(assess(report, baseline, options));
}
