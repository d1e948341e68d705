//! Budgets of every part (bundle sizes, vitals timings) in one list.

use model::report::Report;
use serde::Serialize;

use crate::format;

/// One budget with its verdict, ready to print.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BudgetRow {
    /// `bundle` or `vitals`.
    pub part: &'static str,
    /// Budget name.
    pub name: String,
    /// Measured quantity (`gzip`, `lcp_ms`...).
    pub metric: String,
    /// The limit for humans.
    pub limit: String,
    /// The measured value for humans (`not measured` when missing).
    pub actual: String,
    /// How far over the limit, for humans, when it failed with a value.
    pub over: Option<String>,
    /// How far over the limit in the metric's own unit (bytes, ms, score), for ranking.
    pub over_amount: f64,
    /// Whether the budget holds.
    pub pass: bool,
}

/// Every budget of the report: bundle budgets in configuration order, then vitals budgets.
pub fn rows(report: &Report) -> Vec<BudgetRow> {
    let mut out = Vec::new();
    if let Some(bundle) = report.bundle.document() {
        for b in &bundle.budgets {
            let over = b.actual.filter(|a| *a > b.limit).map(|a| a - b.limit);
            out.push(BudgetRow {
                part: "bundle",
                name: b.name.clone(),
                metric: b.metric.clone(),
                limit: format::bytes(b.limit),
                actual: b
                    .actual
                    .map_or_else(|| "not measured".to_string(), format::bytes),
                over: over.map(|o| format::signed_bytes(o as f64)),
                over_amount: over.unwrap_or(0) as f64,
                pass: b.pass,
            });
        }
    }
    if let Some(vitals) = report.vitals.document() {
        for b in &vitals.budgets {
            let show = |v: f64| {
                if b.metric == "cls" {
                    format::score(v)
                } else {
                    format::ms(v)
                }
            };
            let signed = |v: f64| {
                if b.metric == "cls" {
                    format::signed_score(v)
                } else {
                    format::signed_ms(v)
                }
            };
            let over = b.actual.filter(|a| *a > b.limit).map(|a| a - b.limit);
            out.push(BudgetRow {
                part: "vitals",
                name: b.name.clone(),
                metric: b.metric.clone(),
                limit: show(b.limit),
                actual: b.actual.map_or_else(|| "not measured".to_string(), show),
                over: over.map(signed),
                over_amount: over.unwrap_or(0.0),
                pass: b.pass,
            });
        }
    }
    out
}
