//! The top actions of a report, ranked by impact: failed budgets first, then
//! what saves the most bytes (lazy-loading candidates, duplicate packages and
//! modules), then the slowest React components.

use std::collections::BTreeSet;

use model::report::Report;
use serde::Serialize;

use crate::findings::FindingKind;
use crate::format;

/// A piece of an action's sentence: plain text, or code (a path, a package).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// The text.
    pub text: String,
    /// Whether it is code (rendered as `code`).
    pub code: bool,
}

/// One thing to do, with what it buys.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Action {
    /// The finding it comes from.
    pub kind: FindingKind,
    /// What to do.
    pub what: Vec<Segment>,
    /// What it buys, e.g. `−18 KB gzip from the initial load`, or what is wrong.
    pub impact: String,
    /// `problem` (a failed budget, a slow render: `impact` says what is wrong)
    /// or `saving` (`impact` says what the action saves).
    pub tone: &'static str,
    /// Ranking group (0 = failed budgets, 1 = bytes, 2 = render time).
    #[serde(skip)]
    group: u8,
    /// Amount within the group (bytes or ms), larger first.
    #[serde(skip)]
    amount: f64,
}

impl Action {
    /// The sentence as Markdown (code in backticks).
    pub fn what_markdown(&self) -> String {
        self.what
            .iter()
            .map(|s| {
                let part = crate::markdown::clip(&s.text, crate::markdown::MAX_PART_CHARS);
                if s.code {
                    crate::markdown::code(&part)
                } else {
                    crate::markdown::text(&part)
                }
            })
            .collect()
    }

    /// The sentence as plain text.
    pub fn what_text(&self) -> String {
        self.what.iter().map(|s| s.text.as_str()).collect()
    }
}

struct Builder(Vec<Segment>);

impl Builder {
    fn new() -> Self {
        Self(Vec::new())
    }
    fn text(mut self, text: impl Into<String>) -> Self {
        self.0.push(Segment {
            text: text.into(),
            code: false,
        });
        self
    }
    fn code(mut self, text: impl Into<String>) -> Self {
        self.0.push(Segment {
            text: text.into(),
            code: true,
        });
        self
    }
}

/// The `limit` most useful actions, best first.
pub fn top(report: &Report, limit: usize) -> Vec<Action> {
    let mut out = all(report);
    out.sort_by(|a, b| {
        a.group
            .cmp(&b.group)
            .then(b.amount.total_cmp(&a.amount))
            .then_with(|| a.what_text().cmp(&b.what_text()))
    });
    out.truncate(limit);
    out
}

fn all(report: &Report) -> Vec<Action> {
    let mut out = Vec::new();
    for row in crate::budgets::rows(report).into_iter().filter(|b| !b.pass) {
        out.push(Action {
            kind: FindingKind::FailedBudgets,
            what: Builder::new()
                .text("Bring ")
                .code(&row.name)
                .text(" under its budget")
                .0,
            impact: match &row.over {
                Some(over) => format!("{} {} > {} ({over})", row.metric, row.actual, row.limit),
                None => format!("{} {} (limit {})", row.metric, row.actual, row.limit),
            },
            tone: "problem",
            group: 0,
            amount: row.over_amount,
        });
    }
    let mut bundle_dupes = BTreeSet::new();
    if let Some(b) = report.bundle.document() {
        for d in b.duplicate_packages.iter().filter(|d| d.bytes_wasted > 0) {
            bundle_dupes.insert(d.name.as_str());
            out.push(Action {
                kind: FindingKind::BundleDuplicatePackages,
                what: Builder::new()
                    .text("Ship one copy of ")
                    .code(&d.name)
                    .text(format!(" ({} {})", d.kind, d.versions.join(", ")))
                    .0,
                impact: format!(
                    "\u{2212}{} from the build output",
                    format::bytes(d.bytes_wasted)
                ),
                tone: "saving",
                group: 1,
                amount: d.bytes_wasted as f64,
            });
        }
        for d in b.duplicate_modules.iter().filter(|d| d.bytes_wasted > 0) {
            out.push(Action {
                kind: FindingKind::DuplicateModules,
                what: Builder::new()
                    .text("Move ")
                    .code(&d.source)
                    .text(format!(
                        " into one shared chunk (now in {})",
                        d.assets.len()
                    ))
                    .0,
                impact: format!(
                    "\u{2212}{} from the build output",
                    format::bytes(d.bytes_wasted)
                ),
                tone: "saving",
                group: 1,
                amount: d.bytes_wasted as f64,
            });
        }
    }
    if let Some(a) = report.analyze.document() {
        for c in &a.lazy_candidates {
            let (amount, impact) = match c.gzip_saved_estimate {
                Some(g) => (
                    g,
                    format!(
                        "\u{2212}{} gzip from the initial load (estimate)",
                        format::bytes(g)
                    ),
                ),
                None => (
                    c.bytes_saved,
                    format!(
                        "\u{2212}{} of source from the initial load",
                        format::bytes(c.bytes_saved)
                    ),
                ),
            };
            let what = if c.reason == "dynamic-also-static" && c.static_path.len() >= 2 {
                Builder::new()
                    .text("Break the static import path ")
                    .code(c.static_path.join(" → "))
                    .text(" so that the import() of ")
                    .code(&c.specifier)
                    .text(" in ")
                    .code(format!("{}:{}", c.importer, c.line))
                    .text(" splits it out")
            } else {
                Builder::new()
                    .text("Lazy-load ")
                    .code(&c.specifier)
                    .text(" with import() in ")
                    .code(format!("{}:{}", c.importer, c.line))
            };
            out.push(Action {
                kind: FindingKind::LazyCandidates,
                what: what.0,
                impact,
                tone: "saving",
                group: 1,
                amount: amount as f64,
            });
        }
        for d in &a.duplicate_packages {
            if bundle_dupes.contains(d.name.as_str()) {
                continue;
            }
            let total: u64 = d.instances.iter().map(|i| i.bytes).sum();
            let largest = d.instances.iter().map(|i| i.bytes).max().unwrap_or(0);
            let wasted = total - largest;
            if wasted == 0 {
                continue;
            }
            let versions: Vec<&str> = d
                .instances
                .iter()
                .map(|i| i.version.as_deref().unwrap_or("unknown"))
                .collect();
            out.push(Action {
                kind: FindingKind::DuplicatePackages,
                what: Builder::new()
                    .text("Install one version of ")
                    .code(&d.name)
                    .text(format!(" (now {})", versions.join(", ")))
                    .0,
                impact: format!("\u{2212}{} of source", format::bytes(wasted)),
                tone: "saving",
                group: 1,
                amount: wasted as f64,
            });
        }
    }
    if let Some(v) = report.vitals.document() {
        for r in &v.react.slow_renders {
            out.push(Action {
                kind: FindingKind::SlowRenders,
                what: Builder::new()
                    .text("Speed up the React component ")
                    .code(&r.component)
                    .0,
                impact: format!(
                    "slowest render {}, {} renders over {}",
                    format::ms(r.max_ms),
                    r.count,
                    format::ms(v.react.slow_render_ms)
                ),
                tone: "problem",
                group: 2,
                amount: r.max_ms,
            });
        }
    }
    out
}
