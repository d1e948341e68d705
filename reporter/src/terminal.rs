//! What every command prints on the terminal. Renderers return text with ANSI
//! styles; the binary writes it through `anstream`, which drops the styles
//! when stdout is not a terminal or `NO_COLOR` is set. Every name that comes
//! from the project (paths, packages, messages) goes through [`clean`], so a
//! file name cannot move the cursor or forge lines.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use model::Diagnostic;
use model::analyze::AnalyzeReport;
use model::assessment::{Assessment, ChangeStatus, CheckKind, FindingStatus};
use model::bundle::{AssetType, BundleReport};
use model::finding::{Finding, FindingKind};
use model::report::{Part, Report};
use model::vitals::{MetricSpread, VitalsReport};

use crate::format;

const BOLD: Style = Style::new().bold();
const RED: Style = AnsiColor::Red.on_default().bold();
const GREEN: Style = AnsiColor::Green.on_default();
const YELLOW: Style = AnsiColor::Yellow.on_default();
const DIM: Style = Style::new().dimmed();

fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

/// `text` with every control character (ESC, newline, tab, DEL...) shown
/// escaped (`\u{1b}`), so that names from a project print as one plain line.
pub fn clean(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

fn finding_line(out: &mut String, f: &Finding) {
    if f.message.is_empty() {
        let _ = writeln!(out, "  {}", clean(&f.location()));
    } else {
        let _ = writeln!(out, "  {}  {}", clean(&f.location()), clean(&f.message));
    }
}

fn diagnostics(out: &mut String, list: &[Diagnostic]) {
    if list.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n{}",
        paint(BOLD, &format!("Diagnostics ({})", list.len()))
    );
    for d in list {
        let place = match (d.path.is_empty(), d.line) {
            (true, _) => "-".to_string(),
            (false, Some(line)) => format!("{}:{line}", clean(&d.path)),
            (false, None) => clean(&d.path),
        };
        let _ = writeln!(out, "  {place}: {}", clean(&d.message));
    }
}

/// Findings grouped by kind (report order), each kind with its count.
fn findings_by_kind(out: &mut String, findings: &[Finding], kinds: &[FindingKind]) {
    for &kind in kinds {
        let of_kind: Vec<&Finding> = findings.iter().filter(|f| f.kind == kind).collect();
        let _ = writeln!(
            out,
            "{}",
            paint(BOLD, &format!("{} ({})", kind.title(), of_kind.len()))
        );
        for f in of_kind {
            finding_line(out, f);
        }
    }
}

/// `perfscope analyze --explain PATH`: the verdict, the chain, the importers.
pub fn explain(e: &model::analyze::Explanation) -> String {
    use model::analyze::ExplainStatus;
    let mut out = String::new();
    let (color, word) = match e.status {
        ExplainStatus::Entry => (GREEN, "entry"),
        ExplainStatus::Used => (GREEN, "used"),
        ExplainStatus::Unused => (RED, "unused"),
        ExplainStatus::NotAnalysed => (YELLOW, "not analysed"),
    };
    let _ = writeln!(out, "{}: {}", clean(&e.path), paint(color, word));
    if let Some(ws) = &e.workspace {
        let _ = writeln!(out, "  workspace {}", clean(ws));
    }
    if let Some(entry) = &e.entry {
        let _ = writeln!(
            out,
            "  entry {} ({})",
            clean(&entry.path),
            clean(&entry.source)
        );
    }
    for link in &e.chain {
        let _ = writeln!(
            out,
            "    → {}  ({}:{} `{}`)",
            clean(&link.to),
            clean(&link.from),
            link.line,
            clean(&link.specifier)
        );
    }
    if !e.importers.is_empty() {
        let _ = writeln!(out, "  imported by {} module(s):", e.importers.len());
        for i in e.importers.iter().take(20) {
            let _ = writeln!(out, "    {}", clean(i));
        }
        if e.importers.len() > 20 {
            let _ = writeln!(out, "    … and {} more", e.importers.len() - 20);
        }
    }
    let _ = writeln!(out, "{}", clean(&e.message));
    out
}

/// `perfscope analyze`: entries, module count, every finding by kind, diagnostics.
pub fn analyze(r: &AnalyzeReport) -> String {
    let mut out = String::new();
    let entries: Vec<String> = r
        .entries
        .iter()
        .map(|e| format!("{} ({})", clean(&e.path), clean(&e.source)))
        .collect();
    let _ = writeln!(out, "Entries: {}", entries.join(", "));
    let bytes: u64 = r.modules.iter().map(|m| m.bytes).sum();
    let _ = writeln!(
        out,
        "Modules: {} ({})\n",
        r.modules.len(),
        format::bytes(bytes)
    );
    let kinds: Vec<FindingKind> = FindingKind::ALL
        .iter()
        .copied()
        .filter(|k| k.part() == model::PartId::Source)
        .collect();
    findings_by_kind(&mut out, &r.findings, &kinds);
    diagnostics(&mut out, &r.diagnostics);
    if !r.errors.is_empty() {
        let ids: Vec<&str> = r.errors.iter().map(|k| k.id()).collect();
        let _ = writeln!(
            out,
            "\n{} findings configured as errors: {}",
            paint(RED, "Failed:"),
            ids.join(", ")
        );
    }
    out
}

fn opt_bytes(size: Option<u64>) -> String {
    size.map_or_else(|| "-".to_string(), format::bytes)
}

/// `perfscope bundle`: assets, entries, packages, duplicates, budgets, diagnostics.
pub fn bundle(report: &BundleReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({}; chunk graph: {})",
        clean(&report.root),
        report.layout.framework.as_str(),
        report.chunk_graph.as_str()
    );
    if let Some(found) = &report.layout.found {
        let _ = writeln!(out, "  found: {}", clean(found));
    }
    if report.layout.served != "." && !report.layout.served.is_empty() {
        let _ = writeln!(
            out,
            "  measured: {}/ only (what browsers download)",
            clean(&report.layout.served)
        );
    }
    if !report.layout.excluded.is_empty() {
        let files: usize = report.layout.excluded.iter().map(|e| e.files).sum();
        let bytes: u64 = report.layout.excluded.iter().map(|e| e.bytes).sum();
        let names: Vec<String> = report
            .layout
            .excluded
            .iter()
            .map(|e| clean(&e.path))
            .collect();
        let _ = writeln!(
            out,
            "  not counted (never downloaded): {files} files, {} — {}",
            format::bytes(bytes),
            names.join("; ")
        );
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "{:<48} {:>6} {:>10} {:>10} {:>10}  load",
        "asset", "type", "raw", "gzip", "brotli"
    );
    let mut shipped: Vec<_> = report
        .assets
        .iter()
        .filter(|a| a.asset_type.is_shipped())
        .collect();
    shipped.sort_by(|a, b| b.raw.cmp(&a.raw).then_with(|| a.path.cmp(&b.path)));
    for a in &shipped {
        let load = if a.initial {
            "initial"
        } else if matches!(a.asset_type, AssetType::Js | AssetType::Css) {
            "lazy"
        } else {
            ""
        };
        let kind: &str = match a.asset_type {
            AssetType::Js => "js",
            AssetType::Css => "css",
            AssetType::Html => "html",
            AssetType::Font => "font",
            AssetType::Image => "image",
            AssetType::Wasm => "wasm",
            AssetType::Sourcemap => "map",
            AssetType::Metadata => "meta",
            AssetType::Other => "other",
        };
        let _ = writeln!(
            out,
            "{:<48} {:>6} {:>10} {:>10} {:>10}  {}",
            clean(&a.path),
            kind,
            format::bytes(a.raw),
            opt_bytes(a.gzip),
            opt_bytes(a.brotli),
            load
        );
    }
    if !report.entries.is_empty() {
        let _ = writeln!(
            out,
            "\n{:<48} {:>6} {:>10} {:>10} {:>10}",
            "entry (initial)", "files", "raw", "gzip", "brotli"
        );
        for e in &report.entries {
            let _ = writeln!(
                out,
                "{:<48} {:>6} {:>10} {:>10} {:>10}  lazy: {} files, {}{}",
                clean(&e.name),
                e.assets.len(),
                format::bytes(e.raw),
                opt_bytes(e.gzip),
                opt_bytes(e.brotli),
                e.lazy.len(),
                format::bytes(e.lazy_sizes.raw),
                e.first_load_js
                    .map(|b| format!("; First Load JS (next build) {}", format::bytes(b)))
                    .unwrap_or_default()
            );
        }
    }
    if !report.packages.is_empty() {
        let _ = writeln!(
            out,
            "\nlargest packages (bytes from source maps; gzip estimated)"
        );
        let mut packages: Vec<_> = report.packages.iter().collect();
        packages.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.name.cmp(&b.name)));
        for p in packages.iter().take(10) {
            let name = match &p.version {
                Some(v) => format!("{}@{}", p.name, v),
                None => p.name.clone(),
            };
            let _ = writeln!(
                out,
                "  {:<46} {:>10} {:>10}",
                clean(&name),
                format::bytes(p.bytes),
                opt_bytes(p.gzip)
            );
        }
    }
    if !report.findings.is_empty() {
        out.push('\n');
        let kinds: Vec<FindingKind> = FindingKind::ALL
            .iter()
            .copied()
            .filter(|k| report.findings.iter().any(|f| f.kind == *k))
            .collect();
        findings_by_kind(&mut out, &report.findings, &kinds);
    }
    budgets(&mut out, &report.budgets);
    diagnostics(&mut out, &report.diagnostics);
    out
}

fn budgets(out: &mut String, list: &[model::Budget]) {
    if list.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n{:<56} {:>7} {:>10} {:>10}  result",
        "budget", "metric", "limit", "actual"
    );
    for b in list {
        let unit = b.metric.unit();
        let verdict = if b.passes() {
            paint(GREEN, "pass")
        } else if b.actual.is_none() {
            paint(RED, "FAIL (not measured)")
        } else {
            paint(RED, "FAIL")
        };
        let _ = writeln!(
            out,
            "{:<56} {:>7} {:>10} {:>10}  {verdict}",
            clean(&b.name),
            b.metric.label(),
            unit.format(b.limit),
            b.actual.map_or_else(|| "-".to_string(), |v| unit.format(v)),
        );
        if !b.passes()
            && let Some(reason) = &b.reason
        {
            let _ = writeln!(out, "    {}", clean(reason));
        }
    }
}

fn ms(value: Option<f64>) -> String {
    value.map_or_else(|| "-".into(), format::ms)
}

fn spread(s: &Option<MetricSpread>, score: bool) -> String {
    match s {
        Some(s) if !score => format!(
            "{}–{}, cv {:.1}%",
            format::ms(s.min),
            format::ms(s.max),
            s.cv * 100.0
        ),
        Some(s) => format!("{:.3}–{:.3}, cv {:.1}%", s.min, s.max, s.cv * 100.0),
        None => "-".into(),
    }
}

/// `perfscope vitals`: the median run, spreads, React, findings, budgets.
pub fn vitals(report: &VitalsReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}{}  ({}, throttling {}, {} run(s))",
        clean(&report.url),
        report
            .path
            .as_ref()
            .map(|p| format!(" (page {})", clean(p)))
            .unwrap_or_default(),
        clean(&report.profile.name),
        if report.profile.throttling.is_empty() {
            "as recorded".to_string()
        } else {
            clean(&report.profile.throttling)
        },
        report.runs.len()
    );
    if let Some(m) = &report.median {
        let s = &report.spread;
        let _ = writeln!(out, "median run #{}:", m.index + 1);
        for (label, value, spread_of) in [
            ("FCP ", ms(m.fcp_ms), spread(&s.fcp_ms, false)),
            ("LCP ", ms(m.lcp_ms), spread(&s.lcp_ms, false)),
            ("TTI ", ms(m.tti_ms), spread(&s.tti_ms, false)),
            ("TBT ", ms(m.tbt_ms), spread(&s.tbt_ms, false)),
            (
                "CLS ",
                m.cls.map_or_else(|| "-".into(), format::score),
                spread(&s.cls, true),
            ),
            ("TTFB", ms(m.ttfb_ms), spread(&s.ttfb_ms, false)),
        ] {
            let _ = writeln!(out, "  {label}  {value:>9}   ({spread_of})");
        }
        let _ = writeln!(
            out,
            "  long tasks {}, requests {}, JS heap max {}, console errors {}",
            m.long_tasks.len(),
            m.requests.len(),
            m.js_heap_max_bytes
                .map_or_else(|| "-".into(), format::bytes),
            m.console_errors.len()
        );
        if let Some(el) = &m.lcp_element {
            let _ = writeln!(out, "  LCP element: {}", clean(&el.describe()));
        }
        for shift in m.shift_culprits.iter().take(3) {
            let _ = writeln!(out, "  layout shift {}", clean(&shift.describe()));
        }
    } else {
        let _ = writeln!(out, "{}", paint(RED, "no complete run"));
    }
    let react = &report.react;
    if react.detected {
        let _ = writeln!(
            out,
            "React: {} commit(s){}",
            react.commits,
            if react.profiling {
                ""
            } else {
                " (production build: no render timings)"
            }
        );
    }
    if !report.findings.is_empty() {
        let kinds: Vec<FindingKind> = FindingKind::ALL
            .iter()
            .copied()
            .filter(|k| report.findings.iter().any(|f| f.kind == *k))
            .collect();
        findings_by_kind(&mut out, &report.findings, &kinds);
    }
    budgets(&mut out, &report.budgets);
    diagnostics(&mut out, &report.diagnostics);
    for page in &report.pages {
        let _ = writeln!(
            out,
            "\n{}",
            paint(
                BOLD,
                &format!("page {}", clean(page.path.as_deref().unwrap_or("")))
            )
        );
        out.push_str(&vitals(page));
    }
    out
}

/// The gate of `perfscope check`: one line per check, then the verdict.
pub fn gate(assessment: &Assessment) -> String {
    let checks = &assessment.gate.checks;
    let width = |f: fn(&model::assessment::Check) -> String, title: &str| {
        checks
            .iter()
            .map(|c| f(c).chars().count())
            .chain([title.len()])
            .max()
            .unwrap_or(0)
    };
    let part = |c: &model::assessment::Check| match (c.kind, c.part) {
        (CheckKind::Regression, _) => "baseline".to_string(),
        (_, Some(p)) => p.to_string(),
        (_, None) => "-".to_string(),
    };
    let (wp, wn, wl) = (
        width(part, "part"),
        width(|c| clean(&c.name), "check"),
        width(|c| c.limit.clone(), "limit"),
    );
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:6} {:wp$}  {:wn$}  {:wl$}  actual",
        "", "part", "check", "limit"
    );
    for c in checks {
        let verdict = if c.pass {
            paint(GREEN, "PASS  ")
        } else if c.kind == CheckKind::Part {
            paint(RED, "ERROR ")
        } else {
            paint(RED, "FAIL  ")
        };
        let _ = writeln!(
            out,
            "{verdict} {:wp$}  {:wn$}  {:wl$}  {}",
            part(c),
            clean(&c.name),
            c.limit,
            clean(&c.actual)
        );
        if !c.pass
            && let Some(reason) = &c.reason
        {
            let _ = writeln!(out, "       {}", paint(DIM, &clean(reason)));
        }
    }
    if let Some(note) = format::defaults_note(&assessment.budgets) {
        let _ = writeln!(out, "\n{}", paint(DIM, &note));
    }
    let failed = checks.iter().filter(|c| !c.pass).count();
    let _ = writeln!(
        out,
        "\n{} checks, {} failed: {}",
        checks.len(),
        failed,
        if assessment.gate.pass {
            paint(GREEN, "PASS")
        } else {
            paint(RED, "FAIL")
        }
    );
    out
}

/// `perfscope diff`: every metric with its change, the new findings, the verdict.
/// The build diff: assets that changed (largest first), then the packages
/// and modules behind the change.
fn bundle_diff(out: &mut String, diff: &model::assessment::BundleDiff) {
    use model::assessment::AssetStatus;
    if diff.assets.is_empty() && diff.folded.count == 0 {
        let _ = writeln!(
            out,
            "build: no asset changed ({} unchanged)",
            diff.unchanged
        );
        return;
    }
    let _ = writeln!(
        out,
        "{}",
        paint(
            BOLD,
            &format!(
                "build: {} asset change{}",
                diff.assets.len(),
                if diff.assets.len() == 1 { "" } else { "s" }
            )
        )
    );
    for c in diff.assets.iter().take(15) {
        let gzip = c.gzip.base.is_some() || c.gzip.head.is_some();
        let delta = if gzip { c.gzip.delta() } else { c.raw.delta() };
        let name = c
            .head_path
            .as_deref()
            .or(c.base_path.as_deref())
            .unwrap_or(&c.key);
        let status = match c.status {
            AssetStatus::Added => paint(RED, "added  "),
            AssetStatus::Removed => paint(GREEN, "removed"),
            AssetStatus::Changed => "changed".to_string(),
        };
        let _ = writeln!(
            out,
            "  {status} {:>10} {}  {}{}",
            format::signed_bytes(delta as f64),
            if gzip { "gzip" } else { "raw " },
            clean(name),
            if c.initial { " (initial)" } else { "" }
        );
    }
    if diff.assets.len() > 15 {
        let _ = writeln!(out, "  … and {} more", diff.assets.len() - 15);
    }
    if diff.folded.count > 0 {
        let _ = writeln!(
            out,
            "  {} smaller change{} under {}: {} gzip in total",
            diff.folded.count,
            if diff.folded.count == 1 { "" } else { "s" },
            format::bytes(diff.folded.threshold),
            format::signed_bytes(diff.folded.gzip as f64)
        );
    }
    for m in diff.movers.iter().take(5) {
        let _ = writeln!(
            out,
            "  why: {} {}{}",
            clean(&m.name),
            format::signed_bytes(m.bytes.delta() as f64),
            if m.bytes.base.is_none() { " (new)" } else { "" }
        );
    }
}

pub fn diff(assessment: &Assessment) -> String {
    let mut out = String::new();
    let width = assessment
        .headline
        .iter()
        .map(|m| m.label.chars().count())
        .max()
        .unwrap_or(0);
    for m in &assessment.headline {
        let unit = m.metric.unit();
        let show = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| unit.format(v));
        let Some(change) = &m.change else { continue };
        let delta = match (change.abs, change.rel) {
            (Some(a), Some(r)) => {
                format!("{} ({})", unit.format_delta(a), format::signed_percent(r))
            }
            (Some(a), None) => unit.format_delta(a),
            _ => String::new(),
        };
        let tag = match change.status {
            ChangeStatus::Ok => paint(GREEN, "ok  "),
            ChangeStatus::Warn => paint(YELLOW, "warn"),
            ChangeStatus::Regression => paint(RED, "FAIL"),
        };
        let _ = writeln!(
            out,
            "{tag} {:width$}  {:>10} → {:<10} {delta}",
            clean(&m.label),
            show(change.base),
            show(m.value),
        );
    }
    if let Some(diff) = &assessment.bundle_diff {
        bundle_diff(&mut out, diff);
    }
    for k in &assessment.kinds {
        let new: Vec<&Finding> = assessment
            .findings
            .iter()
            .filter(|f| f.finding.kind == k.kind && f.status == Some(FindingStatus::New))
            .map(|f| &f.finding)
            .collect();
        if new.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "{} ({} unchanged, {} fixed)",
            paint(
                BOLD,
                &format!("{} new: {}", new.len(), k.kind.title().to_lowercase())
            ),
            k.unchanged.unwrap_or(0),
            k.fixed.unwrap_or(0)
        );
        for f in new.iter().take(10) {
            finding_line(&mut out, f);
        }
        if new.len() > 10 {
            let _ = writeln!(out, "  … and {} more", new.len() - 10);
        }
    }
    let new_count = assessment
        .findings
        .iter()
        .filter(|f| f.status == Some(FindingStatus::New))
        .count();
    let unchanged = assessment
        .findings
        .iter()
        .filter(|f| f.status == Some(FindingStatus::Unchanged))
        .count();
    let verdict = if assessment.gate.pass {
        paint(GREEN, "PASS")
    } else {
        paint(RED, "FAIL")
    };
    let _ = writeln!(
        out,
        "{verdict}: {} failing check(s); {new_count} new finding(s), {unchanged} unchanged, {} fixed",
        assessment.gate.failures().count(),
        assessment.fixed.len()
    );
    out
}

/// `perfscope report`'s summary on the terminal: budgets, headline numbers
/// and the top action, in a few lines.
pub fn summary(report: &Report) -> String {
    let mut out = String::new();
    let title = report.project.as_deref().unwrap_or("project");
    let _ = writeln!(
        out,
        "{}",
        paint(BOLD, &format!("perfscope: {}", clean(title)))
    );
    let parts: Vec<String> = [
        ("source", part_state(&report.analyze)),
        ("bundle", part_state(&report.bundle)),
        ("vitals", part_state(&report.vitals)),
    ]
    .iter()
    .map(|(n, s)| format!("{n} {s}"))
    .collect();
    let _ = writeln!(out, "  parts: {}", parts.join(", "));
    let Some(a) = &report.assessment else {
        return out;
    };
    let failed = a.budgets.iter().filter(|b| !b.passes()).count();
    let _ = writeln!(
        out,
        "  budgets: {}",
        if a.budgets.is_empty() {
            "none checked".to_string()
        } else if failed == 0 {
            paint(GREEN, &format!("all {} pass", a.budgets.len()))
        } else {
            paint(RED, &format!("{failed} of {} fail", a.budgets.len()))
        }
    );
    if let Some(note) = format::defaults_note(&a.budgets) {
        let _ = writeln!(out, "  {}", paint(DIM, &note));
    }
    let numbers: Vec<String> = a
        .headline
        .iter()
        .filter_map(|m| Some(format!("{} {}", m.label, m.metric.unit().format(m.value?))))
        .take(4)
        .collect();
    if !numbers.is_empty() {
        let _ = writeln!(out, "  {}", clean(&numbers.join(" · ")));
    }
    match a.actions.first() {
        Some(action) => {
            let _ = writeln!(
                out,
                "  top action: {} ({})",
                clean(&action.what_text()),
                clean(&action.impact)
            );
        }
        None => {
            let _ = writeln!(out, "  top action: none");
        }
    }
    out
}

fn part_state<T>(part: &Part<T>) -> &'static str {
    match part {
        Part::Ok { .. } => "ran",
        Part::Absent { .. } => "not run",
        Part::Failed { .. } => "FAILED",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_escaped() {
        assert_eq!(clean("src/a.ts"), "src/a.ts");
        assert_eq!(clean("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(clean("x\ny"), "x\\u{a}y");
    }
}
