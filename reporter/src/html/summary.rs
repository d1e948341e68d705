//! The summary at the top: parts, headline numbers, budgets, top actions —
//! all from the report's assessment.

use model::assessment::{Action, Assessment};
use model::report::{Part, Report};

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

/// One budget with its verdict, formatted.
pub struct BudgetRow {
    pub part: &'static str,
    pub name: String,
    pub metric: &'static str,
    pub limit: String,
    pub actual: String,
    pub over: Option<String>,
    pub pass: bool,
    pub reason: String,
}

/// The summary.
pub struct SummaryView {
    pub parts: Vec<PartBadge>,
    pub cards: Vec<Card>,
    pub budgets: Vec<BudgetRow>,
    pub budgets_failed: usize,
    pub actions: Vec<Action>,
    pub gate_pass: Option<bool>,
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
    let parts = vec![
        badge("Bundle", "bundle", &report.bundle),
        badge("Source", "source", &report.analyze),
        badge("Vitals", "vitals", &report.vitals),
    ];
    let Some(a) = &report.assessment else {
        return SummaryView {
            parts,
            cards: Vec::new(),
            budgets: Vec::new(),
            budgets_failed: 0,
            actions: Vec::new(),
            gate_pass: None,
        };
    };
    let budgets: Vec<BudgetRow> = budget_rows(a);
    SummaryView {
        parts,
        cards: a
            .headline
            .iter()
            .filter_map(|m| {
                Some(Card {
                    label: m.label.clone(),
                    value: m.metric.unit().format(m.value?),
                })
            })
            .collect(),
        budgets_failed: budgets.iter().filter(|b| !b.pass).count(),
        budgets,
        actions: a.actions.clone(),
        gate_pass: Some(a.gate.pass),
    }
}

fn budget_rows(a: &Assessment) -> Vec<BudgetRow> {
    a.budgets
        .iter()
        .map(|b| {
            let unit = b.metric.unit();
            BudgetRow {
                part: b.part.into(),
                name: b.name.clone(),
                metric: b.metric.label(),
                limit: unit.format(b.limit),
                actual: b
                    .actual
                    .map_or_else(|| "not measured".to_string(), |v| unit.format(v)),
                over: (b.over() > 0.0).then(|| unit.format_delta(b.over())),
                pass: b.passes(),
                reason: if b.actual.is_none() {
                    b.reason.clone().unwrap_or_default()
                } else {
                    String::new()
                },
            }
        })
        .collect()
}
