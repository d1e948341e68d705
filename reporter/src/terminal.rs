//! Short terminal output of a diff (`perfscope diff --format human`).

use crate::diff::{Diff, Status};

const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const GREEN: &str = "\x1b[32m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// The diff as a few aligned lines; `color` adds ANSI colors.
pub fn render_diff(diff: &Diff, color: bool) -> String {
    let paint = |code: &str, text: String| {
        if color {
            format!("{code}{text}{RESET}")
        } else {
            text
        }
    };
    let mut out = String::new();
    let width = diff
        .metrics
        .iter()
        .map(|m| m.label.chars().count())
        .max()
        .unwrap_or(0);
    for m in &diff.metrics {
        let show = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| m.unit.format(v));
        let delta = match (m.abs, m.rel) {
            (Some(a), Some(r)) => format!(
                "{} ({})",
                m.unit.format_delta(a),
                crate::format::signed_percent(r)
            ),
            (Some(a), None) => m.unit.format_delta(a),
            _ => String::new(),
        };
        let (tag, code) = match m.status {
            Status::Ok => ("ok  ", GREEN),
            Status::Warn => ("warn", YELLOW),
            Status::Regression => ("FAIL", RED),
        };
        out.push_str(&format!(
            "{} {:width$}  {:>10} → {:<10} {}\n",
            paint(code, tag.to_string()),
            m.label,
            show(m.base),
            show(m.head),
            delta,
        ));
    }
    for k in &diff.findings {
        if k.new.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "{} ({} unchanged, {} fixed)\n",
            paint(
                BOLD,
                format!("{} new: {}", k.new.len(), k.kind.title().to_lowercase())
            ),
            k.unchanged,
            k.fixed
        ));
        for f in k.new.iter().take(10) {
            if f.detail.is_empty() {
                out.push_str(&format!("  {}\n", f.subject));
            } else {
                out.push_str(&format!("  {}  {}\n", f.subject, f.detail));
            }
        }
        if k.new.len() > 10 {
            out.push_str(&format!("  … and {} more\n", k.new.len() - 10));
        }
    }
    let verdict = if diff.has_regressions() {
        paint(
            RED,
            format!(
                "{} regression(s) beyond {}",
                diff.regressions().count(),
                crate::format::percent(diff.threshold)
            ),
        )
    } else {
        paint(GREEN, "no regressions".to_string())
    };
    out.push_str(&format!(
        "{verdict}; {} new finding(s), {} unchanged, {} fixed\n",
        diff.new_count(),
        diff.unchanged_count(),
        diff.fixed_count()
    ));
    out
}
