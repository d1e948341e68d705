//! The summary at the top: parts, headline numbers, budgets, top actions.

use model::report::{Part, Report};

use crate::actions::{self, Action};
use crate::budgets::{self, BudgetRow};
use crate::metrics;

/// A headline number.
pub struct Card {
    pub label: String,
    pub value: String,
}

/// State of one part, for the badges at the top.
pub struct PartBadge {
    pub name: &'static str,
    pub anchor: &'static str,
    pub status: &'static str,
    pub text: String,
}

/// The summary.
pub struct SummaryView {
    pub parts: Vec<PartBadge>,
    pub cards: Vec<Card>,
    pub budgets: Vec<BudgetRow>,
    pub budgets_failed: usize,
    pub actions: Vec<Action>,
}

fn badge<T>(name: &'static str, anchor: &'static str, part: &Part<T>) -> PartBadge {
    let (status, text) = match part {
        Part::Ok { .. } => ("ok", "ran".to_string()),
        Part::Absent { .. } => ("absent", "not run".to_string()),
        Part::Failed { .. } => ("failed", "failed".to_string()),
    };
    PartBadge {
        name,
        anchor,
        status,
        text,
    }
}

/// Builds the summary of `report`.
pub fn build(report: &Report) -> SummaryView {
    let budgets = budgets::rows(report);
    SummaryView {
        parts: vec![
            badge("Bundle", "bundle", &report.bundle),
            badge("Source", "source", &report.analyze),
            badge("Vitals", "vitals", &report.vitals),
        ],
        cards: metrics::headline(report)
            .iter()
            .map(|m| Card {
                label: m.label.clone(),
                value: m.display(),
            })
            .collect(),
        budgets_failed: budgets.iter().filter(|b| !b.pass).count(),
        budgets,
        actions: actions::top(report, 10),
    }
}
