//! The summary at the top: parts, headline numbers, budgets, top actions —
//! all from the report's assessment.

use model::assessment::{Action, Assessment, ChangeStatus};
use model::report::{Part, Report};

/// A headline number.
pub struct Card {
    pub label: String,
    pub value: String,
    /// Against a baseline: `+26.6 KB (+46.4%) vs 57.4 KB`; empty without one.
    pub change: String,
    /// `ok`, `warn` or `regression` (CSS class); empty without a baseline.
    pub status: &'static str,
}

/// A gate check that fails, listed under the verdict.
pub struct FailedCheck {
    pub name: String,
    pub actual: String,
    pub limit: String,
    pub reason: String,
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
    /// It does not hold, but is only a warning (level `warn`).
    pub warn: bool,
    pub reason: String,
}

/// The summary.
pub struct SummaryView {
    pub parts: Vec<PartBadge>,
    pub cards: Vec<Card>,
    pub budgets: Vec<BudgetRow>,
    pub budgets_failed: usize,
    pub actions: Vec<Action>,
    /// Against a baseline: what changed in the build.
    pub diff: Option<DiffView>,
    pub gate_pass: Option<bool>,
    /// The checks that fail, in the gate's order.
    pub failed: Vec<FailedCheck>,
}

/// One changed, added or removed asset.
pub struct DiffAssetRow {
    pub status: &'static str,
    pub name: String,
    pub initial: bool,
    pub base: String,
    pub head: String,
    pub delta: String,
    pub delta_v: i64,
    pub loaded_by: String,
}

/// One entry or route that changed.
pub struct DiffEntryRow {
    pub name: String,
    pub initial: String,
    pub total: String,
}

/// One lazy chunk (a route chunk) whose load changed.
pub struct DiffLazyRow {
    pub name: String,
    pub imported_by: String,
    pub load: String,
}

/// The build diff against the baseline.
pub struct DiffView {
    pub unit: &'static str,
    pub assets: Vec<DiffAssetRow>,
    pub folded: String,
    pub entries: Vec<DiffEntryRow>,
    pub lazy_chunks: Vec<DiffLazyRow>,
    /// What moved between chunks, then what the build ships more or less of.
    pub movers: Vec<String>,
}

/// "lodash moved from a.js to b.js (71.6 KB, 26.2 KB gzip)".
fn move_text(m: &model::assessment::Move) -> String {
    format!(
        "{} moved from {} to {} ({}{})",
        m.name,
        m.from.join(", "),
        m.to.join(", "),
        crate::format::bytes(m.bytes),
        m.gzip
            .map(|g| format!(", {} gzip", crate::format::bytes(g)))
            .unwrap_or_default()
    )
}

fn pair_text(p: &model::assessment::SizePair) -> String {
    let show = |v: Option<u64>| v.map_or_else(|| "—".to_string(), crate::format::bytes);
    format!(
        "{} → {} ({})",
        show(p.base),
        show(p.head),
        crate::format::signed_bytes(p.delta() as f64)
    )
}

fn diff_view(d: &model::assessment::BundleDiff) -> DiffView {
    let gzip = d
        .assets
        .iter()
        .all(|c| c.gzip.base.is_some() || c.gzip.head.is_some());
    let show = |v: Option<u64>| v.map_or_else(|| "—".to_string(), crate::format::bytes);
    DiffView {
        unit: if gzip { "gzip" } else { "raw" },
        assets: d
            .assets
            .iter()
            .map(|c| {
                let p = if gzip { c.gzip } else { c.raw };
                DiffAssetRow {
                    status: c.status.as_str(),
                    name: c
                        .head_path
                        .clone()
                        .or_else(|| c.base_path.clone())
                        .unwrap_or_else(|| c.key.clone()),
                    initial: c.initial,
                    base: show(p.base),
                    head: show(p.head),
                    delta: crate::format::signed_bytes(p.delta() as f64),
                    delta_v: p.delta(),
                    loaded_by: c.loaded_by.join(", "),
                }
            })
            .collect(),
        folded: if d.folded.count > 0 {
            format!(
                "{} smaller change{} (under {} each): {} gzip in total; {} unchanged.",
                d.folded.count,
                if d.folded.count == 1 { "" } else { "s" },
                crate::format::bytes(d.folded.threshold),
                crate::format::signed_bytes(d.folded.gzip as f64),
                d.unchanged
            )
        } else {
            format!("{} unchanged.", d.unchanged)
        },
        entries: d
            .entries
            .iter()
            .filter(|e| e.initial.delta() != 0 || e.total.delta() != 0)
            .map(|e| DiffEntryRow {
                name: e.name.clone(),
                initial: pair_text(&e.initial),
                total: pair_text(&e.total),
            })
            .collect(),
        lazy_chunks: d
            .lazy_chunks
            .iter()
            .filter(|l| l.load.delta() != 0)
            .map(|l| DiffLazyRow {
                name: l.name.clone(),
                imported_by: l.imported_by.join(", "),
                load: pair_text(&l.load),
            })
            .collect(),
        movers: d
            .moves
            .iter()
            .map(move_text)
            .chain(d.movers.iter().map(|m| {
                let mut line = format!(
                    "{} {}{} in {}",
                    m.name,
                    crate::format::signed_bytes(m.bytes.delta() as f64),
                    if m.bytes.base.is_none() {
                        " (new)"
                    } else if m.bytes.head.is_none() {
                        " (gone)"
                    } else {
                        ""
                    },
                    m.assets.join(", ")
                );
                if !m.loaded_by.is_empty() {
                    line.push_str(&format!("; from {}", m.loaded_by.join(", ")));
                }
                line
            }))
            .collect(),
    }
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
            diff: None,
            gate_pass: None,
            failed: Vec::new(),
        };
    };
    let budgets: Vec<BudgetRow> = budget_rows(a);
    SummaryView {
        parts,
        cards: a
            .headline
            .iter()
            .filter_map(|m| {
                let unit = m.metric.unit();
                let (change, status) = match &m.change {
                    Some(c) => (
                        match (c.abs, c.base) {
                            (Some(abs), Some(base)) => format!(
                                "{}{} vs {}{}",
                                unit.format_delta(abs),
                                c.rel.map_or_else(String::new, |r| format!(
                                    " ({})",
                                    crate::format::signed_percent(r)
                                )),
                                unit.format(base),
                                if c.note.is_some() {
                                    " (within the runs' spread)"
                                } else {
                                    ""
                                }
                            ),
                            _ => "not in the baseline".to_string(),
                        },
                        match c.status {
                            ChangeStatus::Ok => "ok",
                            ChangeStatus::Warn => "warn",
                            ChangeStatus::Regression => "regression",
                        },
                    ),
                    None => (String::new(), ""),
                };
                Some(Card {
                    label: m.label.clone(),
                    value: unit.format(m.value?),
                    change,
                    status,
                })
            })
            .collect(),
        budgets_failed: budgets.iter().filter(|b| !b.pass && !b.warn).count(),
        budgets,
        actions: a.actions.clone(),
        diff: a.bundle_diff.as_ref().map(diff_view),
        gate_pass: Some(a.gate.pass),
        failed: a
            .gate
            .failures()
            .map(|c| FailedCheck {
                name: c.name.clone(),
                actual: c.actual.clone(),
                limit: c.limit.clone(),
                reason: c.reason.clone().unwrap_or_default(),
            })
            .collect(),
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
                warn: !b.passes() && b.gate_passes(),
                reason: if b.actual.is_none() {
                    b.reason.clone().unwrap_or_default()
                } else {
                    String::new()
                },
            }
        })
        .collect()
}
