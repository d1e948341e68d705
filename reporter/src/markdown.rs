//! The Markdown pull-request comment: a headline table (with deltas when a
//! baseline is given), the top actions, then the findings in `<details>` blocks
//! (only new ones with a baseline). It stays under GitHub's comment limit by
//! cutting the longest lists first, with a note saying how many were left out.

use model::report::{Part, Report};

use crate::diff::{self, Status};
use crate::findings::{self, Finding, FindingKind};
use crate::{actions, budgets, metrics};

/// GitHub's limit on the length of a comment, in characters.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;

/// The comment aims below the limit by this margin, for text a CI job may add.
const MARGIN: usize = 1_536;

/// Longest path, name or detail kept in one line; longer ones are cut with `…`.
pub(crate) const MAX_PART_CHARS: usize = 240;

/// Renders the comment for `report`; with `baseline`, metrics are compared
/// (regression beyond `threshold`, relative) and only new findings are listed.
pub fn render(report: &Report, baseline: Option<&Report>, threshold: f64) -> String {
    render_with_limit(report, baseline, threshold, GITHUB_COMMENT_LIMIT - MARGIN)
}

/// [`render`] with an explicit character limit (for tests and other hosts).
pub fn render_with_limit(
    report: &Report,
    baseline: Option<&Report>,
    threshold: f64,
    limit: usize,
) -> String {
    let mut blocks = match baseline {
        Some(base) => with_baseline(report, base, threshold),
        None => standalone(report),
    };
    fit(&mut blocks, limit);
    blocks.iter().map(Block::render).collect()
}

/// Inline code that survives any content: the fence is longer than any run of
/// backticks inside, and newlines become spaces.
pub fn code(value: &str) -> String {
    let value = value.replace(['\n', '\r'], " ");
    let mut longest = 0;
    let mut run = 0;
    for c in value.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    if value.starts_with('`') || value.ends_with('`') || value.is_empty() {
        format!("{fence} {value} {fence}")
    } else {
        format!("{fence}{value}{fence}")
    }
}

/// Code in a table cell: as [`code`], with `|` escaped so the row holds.
pub fn code_cell(value: &str) -> String {
    code(value).replace('|', "\\|")
}

/// Plain text with every Markdown and HTML meaning removed.
pub fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// A piece of the comment: fixed text, or a list that may be cut.
enum Block {
    Text(String),
    List {
        /// Text before the items (e.g. `<details><summary>…` or a table header).
        head: String,
        items: Vec<String>,
        /// How the note on left-out items is written (`- …` or a table row).
        note: fn(usize) -> String,
        /// Text after the items.
        tail: String,
        shown: usize,
    },
}

impl Block {
    fn list(head: String, items: Vec<String>, note: fn(usize) -> String, tail: String) -> Self {
        let shown = items.len();
        Block::List {
            head,
            items,
            note,
            tail,
            shown,
        }
    }

    fn render(&self) -> String {
        match self {
            Block::Text(text) => text.clone(),
            Block::List {
                head,
                items,
                note,
                tail,
                shown,
            } => {
                let mut out = head.clone();
                for item in items.iter().take(*shown) {
                    out.push_str(item);
                    out.push('\n');
                }
                if *shown < items.len() {
                    out.push_str(&note(items.len() - shown));
                    out.push('\n');
                }
                out.push_str(tail);
                out
            }
        }
    }
}

fn list_note(left: usize) -> String {
    format!(
        "- … and {left} more not shown (kept under GitHub's {GITHUB_COMMENT_LIMIT}-character comment limit; see report.html or report.json)"
    )
}

fn row_note(left: usize) -> String {
    format!("| | … and {left} more rows not shown (comment size limit) | | | | |")
}

fn value_row_note(left: usize) -> String {
    format!("| … and {left} more rows not shown (comment size limit) | |")
}

/// Cuts the longest lists (halving what they show) until the comment fits.
fn fit(blocks: &mut [Block], limit: usize) {
    loop {
        let total: usize = blocks.iter().map(|b| b.render().chars().count()).sum();
        if total <= limit {
            return;
        }
        let longest = blocks
            .iter_mut()
            .filter_map(|b| match b {
                Block::List { items, shown, .. } if *shown > 0 => {
                    let size: usize = items.iter().take(*shown).map(|i| i.chars().count()).sum();
                    Some((size, shown))
                }
                _ => None,
            })
            .max_by_key(|(size, _)| *size);
        match longest {
            Some((_, shown)) => *shown /= 2,
            None => return,
        }
    }
}

/// `value` cut to `max` characters, with `…` when it was longer.
pub(crate) fn clip(value: &str, max: usize) -> String {
    if value.chars().count() <= max {
        return value.to_string();
    }
    let mut cut: String = value.chars().take(max).collect();
    cut.push('…');
    cut
}

fn finding_line(f: &Finding) -> String {
    let subject = code(&clip(&f.subject, MAX_PART_CHARS));
    if f.detail.is_empty() {
        format!("- {subject}")
    } else {
        format!("- {subject} — {}", text(&clip(&f.detail, MAX_PART_CHARS)))
    }
}

fn parts_notes(report: &Report) -> String {
    let mut out = String::new();
    let mut note = |name: &str, error: Option<&str>| {
        if let Some(error) = error {
            out.push_str(&format!(
                "> [!WARNING]\n> **{name} failed:** {}\n\n",
                text(error)
            ));
        }
    };
    note("Source analysis", report.analyze.error());
    note("Bundle analysis", report.bundle.error());
    note("Vitals", report.vitals.error());
    let absent: Vec<&str> = [
        (
            "source analysis",
            matches!(report.analyze, Part::Absent { .. }),
        ),
        (
            "bundle analysis",
            matches!(report.bundle, Part::Absent { .. }),
        ),
        ("vitals", matches!(report.vitals, Part::Absent { .. })),
    ]
    .into_iter()
    .filter_map(|(name, absent)| absent.then_some(name))
    .collect();
    if !absent.is_empty() {
        out.push_str(&format!("_Not run: {}._\n\n", absent.join(", ")));
    }
    out
}

fn budget_line(report: &Report) -> String {
    let rows = budgets::rows(report);
    if rows.is_empty() {
        return String::new();
    }
    let failed: Vec<_> = rows.iter().filter(|r| !r.pass).collect();
    if failed.is_empty() {
        return format!("**Budgets:** all {} pass \u{2705}\n\n", rows.len());
    }
    let mut out = format!(
        "**Budgets:** {} of {} failed \u{274c}\n\n| Budget | Metric | Actual | Limit | Over |\n|---|---|---|---|---|\n",
        failed.len(),
        rows.len()
    );
    for r in failed {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            code_cell(&r.name),
            text(&r.metric),
            r.actual,
            r.limit,
            r.over.as_deref().unwrap_or("")
        ));
    }
    out.push('\n');
    out
}

fn actions_block(report: &Report) -> Option<Block> {
    let top = actions::top(report, 5);
    if top.is_empty() {
        return None;
    }
    let items = top
        .iter()
        .enumerate()
        .map(|(i, a)| format!("{}. {}: **{}**", i + 1, a.what_markdown(), text(&a.impact)))
        .collect();
    Some(Block::list(
        "### Top actions\n\n".into(),
        items,
        list_note,
        "\n".into(),
    ))
}

fn footer(report: &Report) -> Block {
    Block::Text(format!(
        "<sub>Generated by {}. The full report is in `report.html`.</sub>\n",
        text(&report.generated_by)
    ))
}

fn standalone(report: &Report) -> Vec<Block> {
    let mut blocks = vec![Block::Text(format!(
        "## perfscope report\n\n{}",
        parts_notes(report)
    ))];
    let headline = metrics::headline(report);
    if !headline.is_empty() {
        let items = headline
            .iter()
            .map(|m| format!("| {} | {} |", text(&m.label), m.display()))
            .collect();
        blocks.push(Block::list(
            "| Metric | Value |\n|---|---|\n".into(),
            items,
            value_row_note,
            "\n".into(),
        ));
    }
    blocks.push(Block::Text(budget_line(report)));
    blocks.extend(actions_block(report));
    let all = findings::collect(report);
    for kind in FindingKind::ALL {
        let of_kind: Vec<&Finding> = all.iter().filter(|f| f.kind == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        blocks.push(Block::list(
            format!(
                "<details><summary>{} ({})</summary>\n\n",
                kind.title(),
                of_kind.len()
            ),
            of_kind.iter().map(|f| finding_line(f)).collect(),
            list_note,
            "\n</details>\n\n".into(),
        ));
    }
    blocks.push(footer(report));
    blocks
}

fn with_baseline(report: &Report, base: &Report, threshold: f64) -> Vec<Block> {
    let d = diff::compare(base, report, threshold);
    let regressions = d.regressions().count();
    let warnings = d
        .metrics
        .iter()
        .filter(|m| m.status == Status::Warn)
        .count();
    let verdict = if regressions > 0 {
        format!(
            "\u{274c} {regressions} regression{}",
            if regressions == 1 { "" } else { "s" }
        )
    } else if warnings > 0 {
        format!(
            "\u{26a0}\u{fe0f} {warnings} metric{} slightly worse",
            if warnings == 1 { "" } else { "s" }
        )
    } else {
        "\u{2705} no regressions".to_string()
    };
    let mut blocks = vec![Block::Text(format!(
        "## perfscope: {verdict} · {} new finding{} ({} unchanged, {} fixed)\n\n{}",
        d.new_count(),
        if d.new_count() == 1 { "" } else { "s" },
        d.unchanged_count(),
        d.fixed_count(),
        parts_notes(report)
    ))];
    if !d.metrics.is_empty() {
        let items = d
            .metrics
            .iter()
            .map(|m| {
                let show = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| m.unit.format(v));
                format!(
                    "| {} | {} | {} | {} | {} | {} |",
                    m.status.emoji(),
                    text(&m.label),
                    show(m.base),
                    show(m.head),
                    m.abs
                        .map_or_else(|| "—".to_string(), |a| m.unit.format_delta(a)),
                    m.rel
                        .map_or_else(|| "—".to_string(), crate::format::signed_percent),
                )
            })
            .collect();
        blocks.push(Block::list(
            "| | Metric | Base | Head | Δ | Δ % |\n|---|---|--:|--:|--:|--:|\n".into(),
            items,
            row_note,
            format!(
                "\n<sub>❌ worse by more than {} · ⚠️ worse by less · noise floors: 50 ms, 0.01 CLS.</sub>\n\n",
                crate::format::percent(threshold)
            ),
        ));
    }
    blocks.push(Block::Text(budget_line(report)));
    blocks.extend(actions_block(report));
    for k in &d.findings {
        if k.new.is_empty() {
            continue;
        }
        blocks.push(Block::list(
            format!(
                "<details><summary>\u{1f195} {}: {} new ({} unchanged, {} fixed)</summary>\n\n",
                k.kind.title(),
                k.new.len(),
                k.unchanged,
                k.fixed
            ),
            k.new.iter().map(finding_line).collect(),
            list_note,
            "\n</details>\n\n".into(),
        ));
    }
    let quiet: Vec<String> = d
        .findings
        .iter()
        .filter(|k| k.new.is_empty())
        .map(|k| {
            format!(
                "{} ({} unchanged, {} fixed)",
                k.kind.title(),
                k.unchanged,
                k.fixed
            )
        })
        .collect();
    if !quiet.is_empty() {
        blocks.push(Block::Text(format!(
            "No new findings in: {}.\n\n",
            quiet.join(", ")
        )));
    }
    blocks.push(footer(report));
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_survive_backticks_and_pipes() {
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code_cell("a|b"), "`a\\|b`");
    }

    #[test]
    fn text_loses_markup() {
        assert_eq!(
            text("<img src=x onerror=alert(1)>"),
            "&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(text("*a*_b_"), "\\*a\\*\\_b\\_");
    }
}
