//! What every command prints on the terminal. Renderers return text with ANSI
//! styles; the binary writes it through `anstream`, which drops the styles
//! when stdout is not a terminal or `NO_COLOR` is set. Every name that comes
//! from the project (paths, packages, messages) goes through [`clean`], so a
//! file name cannot move the cursor or forge lines.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use model::Diagnostic;
use model::assessment::{Assessment, ChangeStatus, CheckKind, FindingStatus};
use model::bundle::{Asset, AssetType, BundleReport, Entry, Package};
use model::finding::{Finding, FindingKind, PartId};
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
    // A dependency finding names its `package.json` (the same name can be
    // in several workspaces).
    let location = match (f.kind.meta().points_at, f.file()) {
        (model::finding::PointsAt::Manifest, Some((manifest, _))) => {
            format!("{} ({manifest})", f.location())
        }
        _ => f.location(),
    };
    if f.message.is_empty() {
        let _ = writeln!(out, "  {}", clean(&location));
    } else {
        let _ = writeln!(out, "  {}  {}", clean(&location), clean(&f.message));
    }
}

/// The diagnostics about files inside `node_modules` (installed packages:
/// not the project's problems) are counted, not listed, unless `verbose`.
fn source_diagnostics(out: &mut String, list: &[Diagnostic], verbose: bool) {
    if verbose {
        return diagnostics(out, list);
    }
    let inside =
        |d: &&Diagnostic| d.path.starts_with("node_modules/") || d.path.contains("/node_modules/");
    let own: Vec<Diagnostic> = list.iter().filter(|d| !inside(d)).cloned().collect();
    diagnostics(out, &own);
    let packages = list.iter().filter(inside).count();
    if packages > 0 {
        let _ = writeln!(
            out,
            "  ({packages} more about files inside node_modules: installed packages, not the project; --verbose lists them)"
        );
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
fn findings_by_kind(out: &mut String, findings: &[&Finding], kinds: &[FindingKind]) {
    for &kind in kinds {
        let of_kind: Vec<&Finding> = findings
            .iter()
            .copied()
            .filter(|f| f.kind == kind)
            .collect();
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

/// The kinds of `findings`, in report order.
fn kinds_of(findings: &[&Finding]) -> Vec<FindingKind> {
    FindingKind::ALL
        .iter()
        .copied()
        .filter(|k| findings.iter().any(|f| f.kind == *k))
        .collect()
}

/// The gate's failing checks on findings of `part` configured as errors,
/// one line each.
fn failed_error_checks(out: &mut String, report: &Report, part: PartId) {
    let checks = crate::findings::failed_error_checks(report, part);
    if checks.is_empty() {
        return;
    }
    out.push('\n');
    for c in checks {
        let _ = writeln!(
            out,
            "{} {}",
            paint(RED, "Failed:"),
            clean(crate::findings::check_text(c))
        );
    }
}

/// Why a part has no document, for a command that asked for it.
fn no_document<T>(name: &str, part: &Part<T>) -> String {
    match part {
        Part::Failed { error } => format!("{} {name}: {}\n", paint(RED, "Failed:"), clean(error)),
        _ => format!("{name}: not run\n"),
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

/// `perfscope analyze`: entries, module count, every finding by kind (as
/// the report's assessment has them), diagnostics, and the gate's failing
/// checks on findings configured as errors.
pub fn analyze(report: &Report) -> String {
    analyze_verbose(report, false)
}

/// [`analyze`]; `verbose` lists every entry and every diagnostic (else the
/// entries are counted by how they were found, and the diagnostics about
/// installed packages are counted).
pub fn analyze_verbose(report: &Report, verbose: bool) -> String {
    let Some(r) = report.analyze.document() else {
        return no_document("source analysis", &report.analyze);
    };
    let mut out = String::new();
    if verbose {
        let entries: Vec<String> = r
            .entries
            .iter()
            .map(|e| format!("{} ({})", clean(&e.path), clean(&e.source)))
            .collect();
        let _ = writeln!(out, "Entries: {}", entries.join(", "));
    } else {
        let mut by_source: std::collections::BTreeMap<&str, usize> = Default::default();
        for e in &r.entries {
            *by_source.entry(e.source.as_str()).or_default() += 1;
        }
        let mut counted: Vec<(&str, usize)> = by_source.into_iter().collect();
        counted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let parts: Vec<String> = counted
            .iter()
            .map(|(source, n)| format!("{} {n}", clean(source)))
            .collect();
        let _ = writeln!(
            out,
            "Entries: {} ({}; --verbose lists them)",
            r.entries.len(),
            parts.join(", ")
        );
    }
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
        .filter(|k| k.part() == PartId::Source)
        .collect();
    let findings = crate::findings::of_part(report, PartId::Source);
    findings_by_kind(&mut out, &findings, &kinds);
    source_diagnostics(&mut out, &r.diagnostics, verbose);
    failed_error_checks(&mut out, report, PartId::Source);
    out
}

fn opt_bytes(size: Option<u64>) -> String {
    size.map_or_else(|| "-".to_string(), format::bytes)
}

/// The analysed folder, its framework and chunk graph, how it was found,
/// what of it was measured and what was not counted.
fn layout_lines(out: &mut String, report: &BundleReport) {
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
}

/// The short name of an asset type in the assets table.
fn asset_kind(t: AssetType) -> &'static str {
    match t {
        AssetType::Js => "js",
        AssetType::Css => "css",
        AssetType::Html => "html",
        AssetType::Font => "font",
        AssetType::Image => "image",
        AssetType::Wasm => "wasm",
        AssetType::Sourcemap => "map",
        AssetType::Metadata => "meta",
        AssetType::Other => "other",
    }
}

/// When an asset loads: `initial`, `lazy` (JS and CSS), or nothing.
fn asset_load(a: &Asset) -> &'static str {
    if a.initial {
        "initial"
    } else if matches!(a.asset_type, AssetType::Js | AssetType::Css) {
        "lazy"
    } else {
        ""
    }
}

/// The assets users download (no source maps, no bundler metadata), largest
/// first then by path, under their header.
fn shipped_assets(out: &mut String, assets: &[Asset]) {
    let _ = writeln!(
        out,
        "{:<48} {:>6} {:>10} {:>10} {:>10}  load",
        "asset", "type", "raw", "gzip", "brotli"
    );
    let mut shipped: Vec<_> = assets
        .iter()
        .filter(|a| a.asset_type.is_shipped())
        .collect();
    shipped.sort_by(|a, b| b.raw.cmp(&a.raw).then_with(|| a.path.cmp(&b.path)));
    for a in &shipped {
        let _ = writeln!(
            out,
            "{:<48} {:>6} {:>10} {:>10} {:>10}  {}",
            clean(&a.path),
            asset_kind(a.asset_type),
            format::bytes(a.raw),
            opt_bytes(a.gzip),
            opt_bytes(a.brotli),
            asset_load(a)
        );
    }
}

/// Each entry's initial load and its lazy files, when there are entries.
fn entry_lines(out: &mut String, entries: &[Entry]) {
    if entries.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n{:<48} {:>6} {:>10} {:>10} {:>10}",
        "entry (initial)", "files", "raw", "gzip", "brotli"
    );
    for e in entries {
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

/// The ten largest packages (then by name), when there are packages.
fn largest_packages(out: &mut String, packages: &[Package]) {
    if packages.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\nlargest packages (bytes from source maps; gzip estimated)"
    );
    let mut packages: Vec<_> = packages.iter().collect();
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

/// `perfscope bundle`: assets, entries, packages, findings (as the report's
/// assessment has them), budgets, diagnostics, and the gate's failing checks
/// on findings configured as errors.
pub fn bundle(full: &Report) -> String {
    let Some(report) = full.bundle.document() else {
        return no_document("bundle analysis", &full.bundle);
    };
    let mut out = String::new();
    layout_lines(&mut out, report);
    out.push('\n');
    shipped_assets(&mut out, &report.assets);
    entry_lines(&mut out, &report.entries);
    largest_packages(&mut out, &report.packages);
    let findings = crate::findings::of_part(full, PartId::Bundle);
    if !findings.is_empty() {
        out.push('\n');
        findings_by_kind(&mut out, &findings, &kinds_of(&findings));
    }
    budgets(&mut out, &report.budgets);
    diagnostics(&mut out, &report.diagnostics);
    failed_error_checks(&mut out, full, PartId::Bundle);
    out
}

fn budgets(out: &mut String, list: &[model::Budget]) {
    if list.is_empty() {
        return;
    }
    // The metric column fits the longest label (`main-thread work`).
    let width = list
        .iter()
        .map(|b| b.metric.label().len())
        .max()
        .unwrap_or(0)
        .max(7);
    let _ = writeln!(
        out,
        "\n{:<56} {:>width$} {:>10} {:>10}  result",
        "budget", "metric", "limit", "actual"
    );
    for b in list {
        let unit = b.metric.unit();
        let verdict = if b.passes() {
            paint(GREEN, "pass")
        } else if b.gate_passes() {
            paint(YELLOW, "warn (not failing)")
        } else if b.actual.is_none() {
            paint(RED, "FAIL (not measured)")
        } else {
            paint(RED, "FAIL")
        };
        let _ = writeln!(
            out,
            "{:<56} {:>width$} {:>10} {:>10}  {verdict}",
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

/// `perfscope vitals`: for each page, the median run, spreads, React,
/// findings (as the report's assessment has them), budgets and diagnostics;
/// then the gate's failing checks on findings configured as errors.
pub fn vitals(full: &Report) -> String {
    let Some(report) = full.vitals.document() else {
        return no_document("vitals", &full.vitals);
    };
    let shown = crate::findings::of_part(full, PartId::Vitals);
    let mut out = vitals_page(report, &shown);
    for flow in &report.flows {
        out.push_str(&flow_lines(flow));
    }
    failed_error_checks(&mut out, full, PartId::Vitals);
    out
}

/// A replayed flow: its INP, then per step the INP and the slowest
/// interaction with its attribution; a replay that stopped says where.
fn flow_lines(flow: &model::vitals::FlowReport) -> String {
    let mut out = String::new();
    let runs = flow.runs.len();
    let _ = writeln!(
        out,
        "flow {} ({} replay{}): INP {}{}",
        clean(&flow.name),
        runs,
        if runs == 1 { "" } else { "s" },
        ms(flow.inp_ms),
        flow.median_index
            .map(|i| format!(" (median replay #{})", i + 1))
            .unwrap_or_default()
    );
    for run in &flow.runs {
        if let Some(error) = &run.error {
            let _ = writeln!(out, "  {}", clean(error));
        }
    }
    let shown = flow
        .median_index
        .and_then(|i| flow.runs.iter().find(|r| r.index == i))
        .or(flow.runs.first());
    for step in shown.map(|r| r.steps.as_slice()).unwrap_or_default() {
        step_lines(&mut out, step);
    }
    if let Some(why) = shown
        .and_then(|r| r.memory.as_ref())
        .and_then(|m| m.suspected_leak.as_deref())
    {
        let _ = writeln!(out, "  suspected memory leak: {}", clean(why));
    }
    out
}

/// One step of a flow: its INP and slowest interaction (or, without one,
/// its requests), then its requests, slowest React commit, longest frame
/// and components re-rendered with nothing changed.
fn step_lines(out: &mut String, step: &model::vitals::StepReport) {
    let requests = step
        .requests
        .as_ref()
        .map(|r| clean(&format::step_requests(r)));
    let Some(slowest) = step.interactions.first() else {
        if let Some(requests) = requests {
            let _ = writeln!(
                out,
                "  step {} {} {}: {requests}",
                step.number,
                clean(&step.kind),
                clean(step.target.as_deref().unwrap_or("")),
            );
        }
        return;
    };
    let _ = writeln!(
        out,
        "  step {} {} {}: INP {} — {} on {} (input delay {}, processing {}, presentation {})",
        step.number,
        clean(&step.kind),
        clean(step.target.as_deref().unwrap_or("")),
        ms(step.inp_ms),
        clean(&slowest.event),
        clean(slowest.target.as_deref().unwrap_or("?")),
        ms(Some(slowest.input_delay_ms)),
        ms(Some(slowest.processing_ms)),
        ms(Some(slowest.presentation_delay_ms)),
    );
    if let Some(requests) = requests {
        let _ = writeln!(out, "    requests: {requests}");
    }
    if let Some(commit) = step
        .commits
        .iter()
        .max_by(|a, b| a.duration_ms.total_cmp(&b.duration_ms))
    {
        let parts: Vec<String> = commit
            .components
            .iter()
            .take(3)
            .map(|c| {
                format!(
                    "{} {}{}",
                    clean(&c.component),
                    ms(Some(c.self_ms)),
                    c.why
                        .as_deref()
                        .map(|w| format!(" ({})", clean(w)))
                        .unwrap_or_default()
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "    React commit {}: {}",
            ms(Some(commit.duration_ms)),
            parts.join(", ")
        );
    }
    if let Some(frame) = step.long_frames.first() {
        let script = frame.scripts.first().map(|s| {
            let name = s
                .function
                .as_deref()
                .or(s.invoker.as_deref())
                .unwrap_or("script");
            let place = match (&s.package, &s.module) {
                (Some(p), Some(m)) => format!(" in {} ({})", clean(p), clean(m)),
                (None, Some(m)) => format!(" in {}", clean(m)),
                _ => format!(" in {}", clean(&s.source)),
            };
            format!(": {} {}{place}", clean(name), ms(Some(s.duration_ms)))
        });
        let _ = writeln!(
            out,
            "    longest frame {}{}",
            ms(Some(frame.duration_ms)),
            script.unwrap_or_default()
        );
    }
    if !step.unnecessary_renders.is_empty() {
        let names: Vec<String> = step
            .unnecessary_renders
            .iter()
            .take(5)
            .map(|r| format!("{} ×{}", clean(&r.component), r.count))
            .collect();
        let _ = writeln!(
            out,
            "    re-rendered with nothing changed: {}",
            names.join(", ")
        );
    }
}

/// The React commits and, when components were located, where their
/// render time went by package.
fn react_lines(out: &mut String, react: &model::vitals::ReactReport) {
    if !react.detected {
        return;
    }
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
    if let Some(line) = react_packages_line(react) {
        let _ = writeln!(out, "  {}", clean(&line));
    }
}

/// `render time by package: qrcode.react 184 ms (1 component, 24 renders), …`:
/// React's self time where timed, else the profile's CPU time; the first four.
fn react_packages_line(react: &model::vitals::ReactReport) -> Option<String> {
    let (label, time): (&str, fn(&model::vitals::ReactPackage) -> Option<f64>) = if react.profiling
    {
        ("render time by package", |p| Some(p.self_ms))
    } else {
        ("CPU time in components by package", |p| p.cpu_ms)
    };
    let parts: Vec<String> = react
        .packages
        .iter()
        .filter_map(|p| {
            let ms = time(p)?;
            let name = p.package.as_deref().unwrap_or("the project's own code");
            let components = format!(
                "{} component{}",
                p.components,
                if p.components == 1 { "" } else { "s" }
            );
            Some(match react.profiling {
                true => format!(
                    "{name} {} ({components}, {} render{})",
                    format::ms(ms),
                    p.renders,
                    if p.renders == 1 { "" } else { "s" },
                ),
                false => format!("{name} {} ({components})", format::ms(ms)),
            })
        })
        .collect();
    if parts.is_empty() {
        return None;
    }
    let more = parts.len().saturating_sub(4);
    let mut line = format!("{label}: {}", parts[..parts.len().min(4)].join(", "));
    if more > 0 {
        line.push_str(&format!(", {more} more"));
    }
    Some(line)
}

/// One line on the unused code of the median run's load: JavaScript and CSS
/// transferred that never ran or applied, and how many scripts are over
/// Lighthouse's 20 KiB (each is an `unused-javascript` finding below).
fn coverage_line(c: &model::vitals::CoverageReport) -> String {
    let (wasted, transfer) = c.scripts.iter().fold((0, 0), |(w, t), s| {
        (w + s.wasted_bytes, t + s.transfer_bytes)
    });
    let over = c.scripts.iter().filter(|s| s.over_threshold()).count();
    let (css_wasted, css_transfer) = c.stylesheets.iter().fold((0, 0), |(w, t), s| {
        (w + s.wasted_bytes, t + s.transfer_bytes)
    });
    let mut line = format!(
        "unused at load (run {}{}): JS {} of {} transferred",
        c.run + 1,
        match c.granularity {
            model::vitals::CoverageGranularity::Block => ", block coverage",
            model::vitals::CoverageGranularity::Function => "",
        },
        format::bytes(wasted),
        format::bytes(transfer)
    );
    if over > 0 {
        let _ = write!(line, " ({over} script(s) over 20 KiB)");
    }
    if css_transfer > 0 {
        let _ = write!(
            line,
            ", CSS {} of {}",
            format::bytes(css_wasted),
            format::bytes(css_transfer)
        );
    }
    line.push('\n');
    line
}

/// Packages and modules named on the CPU line at most.
const CPU_SOURCES: usize = 3;

/// One line on the median run's CPU time at load: its main-thread work,
/// Lighthouse's boot-up time, and the packages and modules with the most
/// total time in the profile.
fn cpu_line(c: &model::vitals::CpuReport) -> String {
    let mut parts = Vec::new();
    if let Some(ms) = c.main_thread_ms {
        parts.push(format!("main-thread work {}", format::ms(ms)));
    }
    if let Some(ms) = c.bootup_ms {
        parts.push(format!("boot-up {}", format::ms(ms)));
    }
    let mut line = format!("CPU at load (run {}): {}", c.run + 1, parts.join(", "));
    let top: Vec<String> = c
        .profile
        .iter()
        .flat_map(|p| p.top_sources(CPU_SOURCES))
        .map(|t| format!("{} {}", clean(&t.name), format::ms(t.total_ms)))
        .collect();
    if !top.is_empty() {
        let _ = write!(
            line,
            "{}most time in {} (total, calls included)",
            if parts.is_empty() { "" } else { "; " },
            top.join(", ")
        );
    }
    line.push('\n');
    line
}

/// One page of `perfscope vitals` (and, after it, the other pages), with
/// the findings of `shown` that the page's document has (by kind and key).
fn vitals_page(report: &VitalsReport, shown: &[&Finding]) -> String {
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
    if let Some(server) = &report.dev_server {
        let _ = writeln!(
            out,
            "development server ({}): load metrics are development numbers; transfer findings are summarised",
            clean(server)
        );
    }
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
        child_lines(&mut out, &m.children);
        if let Some(note) = format::unslowed_children_note(&report.profile, &m.children) {
            let _ = writeln!(out, "  ({note})");
        }
        if let Some(score) = &report.performance_score {
            let _ = writeln!(out, "  {}", clean(&format::performance_score(score)));
        }
        if let Some(el) = &m.lcp_element {
            let _ = writeln!(out, "  LCP element: {}", clean(&el.describe()));
        }
        for shift in m.shift_culprits.iter().take(3) {
            let _ = writeln!(out, "  layout shift {}", clean(&shift.describe()));
        }
    } else {
        let _ = writeln!(out, "{}", paint(RED, "no complete run"));
    }
    react_lines(&mut out, &report.react);
    if let Some(coverage) = &report.coverage {
        out.push_str(&coverage_line(coverage));
    }
    if let Some(cpu) = &report.cpu {
        out.push_str(&cpu_line(cpu));
    }
    let findings: Vec<&Finding> = shown
        .iter()
        .copied()
        .filter(|f| {
            report
                .findings
                .iter()
                .any(|g| g.kind == f.kind && g.key == f.key)
        })
        .collect();
    findings_by_kind(&mut out, &findings, &kinds_of(&findings));
    budgets(&mut out, &report.budgets);
    if !report.not_evaluated.is_empty() {
        let _ = writeln!(
            out,
            "\nLighthouse CI assertions not evaluated (listed, never passed):"
        );
        for n in &report.not_evaluated {
            let _ = writeln!(out, "  {}", clean(&format::not_evaluated(n)));
        }
    }
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
        out.push_str(&vitals_page(page, shown));
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
        // A check that passes with a reason is a warning (a budget at
        // level `warn` that does not hold).
        let warning = c.pass && c.reason.is_some();
        let verdict = if warning {
            paint(YELLOW, "WARN  ")
        } else if c.pass {
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
        if let Some(reason) = &c.reason
            && (!c.pass || warning)
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
    let mut felt: Vec<&model::assessment::LazyChunkChange> = diff
        .lazy_chunks
        .iter()
        .filter(|l| l.load.delta().unsigned_abs() >= diff.folded.threshold.max(1))
        .collect();
    felt.sort_by_key(|l| std::cmp::Reverse(l.load.delta().unsigned_abs()));
    for l in felt.iter().take(5) {
        let _ = writeln!(
            out,
            "  lazy chunk {}: {} when it loads",
            clean(&l.name),
            format::signed_bytes(l.load.delta() as f64)
        );
    }
    for m in diff.moves.iter().take(5) {
        let _ = writeln!(
            out,
            "  moved: {} from {} to {} ({})",
            clean(&m.name),
            m.from
                .iter()
                .map(|p| clean(p))
                .collect::<Vec<_>>()
                .join(", "),
            m.to.iter().map(|p| clean(p)).collect::<Vec<_>>().join(", "),
            format::bytes(m.gzip.unwrap_or(m.bytes))
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
    let failed = a.budgets.iter().filter(|b| !b.gate_passes()).count();
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

/// How many iframes and workers a run recorded are listed.
const CHILDREN_SHOWN: usize = 5;

/// `, script time 85 ms (most in fuse.js 60 ms), JS 12.3 KB of 30.1 KB
/// unused`: what a child ran on its own thread, when it was profiled
/// (script time: its profile's busy time with a script on the stack).
fn child_costs(child: &model::vitals::ChildTarget) -> String {
    let mut out = String::new();
    if let Some(cpu) = &child.cpu {
        out.push_str(&format!(", script time {}", format::ms(cpu.script_ms())));
        let top = cpu.top_sources(1).first().copied().or(cpu.scripts.first());
        if let Some(top) = top.filter(|t| t.total_ms > 0.0) {
            out.push_str(&format!(
                " (most in {} {})",
                top.name,
                format::ms(top.total_ms)
            ));
        }
    }
    let (total, unused) = child.unused_js();
    if total > 0 {
        out.push_str(&format!(
            ", JS {} of {} unused",
            format::bytes(unused),
            format::bytes(total)
        ));
    }
    out
}

/// One line per iframe or worker the run recorded: its requests, bytes and
/// console errors (the first few; the rest counted).
fn child_lines(out: &mut String, children: &[model::vitals::ChildTarget]) {
    for child in children.iter().take(CHILDREN_SHOWN) {
        let errors = match child.console_errors.len() {
            0 => String::new(),
            n => format!(", {n} console error{}", if n == 1 { "" } else { "s" }),
        };
        let _ = writeln!(
            out,
            "  {} {}: {} request{}, {}{}{errors}",
            clean(&child.kind),
            clean(&child.url),
            child.requests.len(),
            if child.requests.len() == 1 { "" } else { "s" },
            format::bytes(child.transfer_bytes),
            clean(&child_costs(child)),
        );
    }
    if children.len() > CHILDREN_SHOWN {
        let _ = writeln!(
            out,
            "  and {} more iframes and workers (report.json lists them)",
            children.len() - CHILDREN_SHOWN
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iframes_and_workers_are_listed_with_their_requests_escaped() {
        let child = |kind: &str, url: &str, errors: usize| model::vitals::ChildTarget {
            kind: kind.to_string(),
            url: url.to_string(),
            transfer_bytes: 2048,
            requests: Vec::new(),
            console_errors: (0..errors)
                .map(|_| model::vitals::ConsoleError {
                    source: "exception".into(),
                    message: "TypeError".into(),
                    url: None,
                })
                .collect(),
            ..Default::default()
        };
        let mut children = vec![
            child("iframe", "http://localhost:1/pay\u{1b}[2J.html", 2),
            child("worker", "http://127.0.0.1:1/search.js", 0),
        ];
        let mut out = String::new();
        child_lines(&mut out, &children);
        assert_eq!(
            out.lines().collect::<Vec<_>>(),
            [
                "  iframe http://localhost:1/pay\\u{1b}[2J.html: 0 requests, 2.05 KB, 2 console errors",
                "  worker http://127.0.0.1:1/search.js: 0 requests, 2.05 KB"
            ]
        );
        // A profiled worker: its CPU time, where most of it went, its unused code.
        let mut profiled = child("worker", "http://127.0.0.1:1/index.js", 0);
        profiled.cpu = Some(model::vitals::CpuSamples {
            busy_ms: 85.2,
            scripts: vec![model::vitals::CpuTime {
                name: "http://127.0.0.1:1/index.js".into(),
                package: None,
                self_ms: 80.0,
                total_ms: 84.0,
            }],
            ..Default::default()
        });
        profiled.scripts = vec![model::vitals::ScriptUsage {
            total_bytes: 30_000,
            unused_bytes: 12_000,
            ..Default::default()
        }];
        let mut out = String::new();
        child_lines(&mut out, &[profiled]);
        assert_eq!(
            out,
            "  worker http://127.0.0.1:1/index.js: 0 requests, 2.05 KB, script time 85 ms (most in http://127.0.0.1:1/index.js 84 ms), JS 12 KB of 30 KB unused\n"
        );
        children.extend((0..5).map(|i| child("worker", &format!("w{i}.js"), 0)));
        let mut out = String::new();
        child_lines(&mut out, &children);
        assert_eq!(out.lines().count(), CHILDREN_SHOWN + 1);
        assert!(out.ends_with("and 2 more iframes and workers (report.json lists them)\n"));
    }

    #[test]
    fn control_characters_are_shown_escaped() {
        assert_eq!(clean("src/a.ts"), "src/a.ts");
        assert_eq!(clean("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(clean("x\ny"), "x\\u{a}y");
    }

    /// The shop-app's recorded bundle document, read as a report.
    fn recorded() -> Report {
        crate::json::parse_document(include_str!("../../fixtures/reports/bundle.json"))
            .expect("the recorded bundle document reads")
    }

    fn recorded_bundle() -> BundleReport {
        recorded()
            .bundle
            .document()
            .cloned()
            .expect("a bundle document")
    }

    fn asset(path: &str, asset_type: AssetType, raw: u64, initial: bool) -> Asset {
        Asset {
            path: path.to_string(),
            asset_type,
            raw,
            gzip: Some(raw / 3),
            brotli: None,
            initial,
            initial_for: Vec::new(),
            imports: Vec::new(),
            dynamic_imports: Vec::new(),
            map: None,
            sources: Vec::new(),
            unmapped_bytes: raw,
        }
    }

    fn package(name: &str, version: Option<&str>, bytes: u64) -> Package {
        Package {
            name: name.to_string(),
            version: version.map(str::to_string),
            bytes,
            gzip: None,
            paths: Vec::new(),
            assets: Vec::new(),
        }
    }

    fn lines(write: impl FnOnce(&mut String)) -> Vec<String> {
        let mut out = String::new();
        write(&mut out);
        out.lines().map(str::to_string).collect()
    }

    #[test]
    fn layout_lines_tell_what_was_measured_and_what_was_not_counted() {
        let mut report = recorded_bundle();
        report.root = "dist".to_string();
        assert_eq!(
            lines(|out| layout_lines(out, &report)),
            ["dist (static; chunk graph: vite-manifest)"]
        );
        report.layout.served = ".".to_string();
        assert_eq!(lines(|out| layout_lines(out, &report)).len(), 1);

        report.layout.framework = model::bundle::Framework::Next;
        report.layout.served = "static".to_string();
        report.layout.found = Some(".next (the first found)".to_string());
        report.layout.excluded = ["cache", "server\u{1b}[2J"]
            .iter()
            .map(|path| model::bundle::ExcludedFiles {
                path: path.to_string(),
                files: 2,
                bytes: 1500,
                why: "not served".to_string(),
            })
            .collect();
        assert_eq!(
            lines(|out| layout_lines(out, &report)),
            [
                "dist (next; chunk graph: vite-manifest)".to_string(),
                "  found: .next (the first found)".to_string(),
                "  measured: static/ only (what browsers download)".to_string(),
                format!(
                    "  not counted (never downloaded): 4 files, {} — cache; server\\u{{1b}}[2J",
                    format::bytes(3000)
                ),
            ]
        );
    }

    #[test]
    fn every_asset_type_has_a_short_name() {
        let names: Vec<&str> = [
            AssetType::Js,
            AssetType::Css,
            AssetType::Html,
            AssetType::Font,
            AssetType::Image,
            AssetType::Wasm,
            AssetType::Sourcemap,
            AssetType::Metadata,
            AssetType::Other,
        ]
        .into_iter()
        .map(asset_kind)
        .collect();
        assert_eq!(
            names,
            [
                "js", "css", "html", "font", "image", "wasm", "map", "meta", "other"
            ]
        );
    }

    #[test]
    fn initial_assets_load_initially_and_lazy_ones_are_only_js_and_css() {
        assert_eq!(
            asset_load(&asset("a.js", AssetType::Js, 1, true)),
            "initial"
        );
        assert_eq!(
            asset_load(&asset("a.png", AssetType::Image, 1, true)),
            "initial"
        );
        assert_eq!(asset_load(&asset("a.js", AssetType::Js, 1, false)), "lazy");
        assert_eq!(
            asset_load(&asset("a.css", AssetType::Css, 1, false)),
            "lazy"
        );
        assert_eq!(asset_load(&asset("a.woff2", AssetType::Font, 1, false)), "");
    }

    #[test]
    fn shipped_assets_are_listed_largest_first_without_maps_or_metadata() {
        let assets = [
            asset("b.js", AssetType::Js, 500, false),
            asset("b.js.map", AssetType::Sourcemap, 9000, false),
            asset(".vite/manifest.json", AssetType::Metadata, 8000, false),
            asset("a.js", AssetType::Js, 500, true),
            asset("logo\u{1b}.png", AssetType::Image, 700, false),
        ];
        let row = |path: &str, kind: &str, raw: u64, load: &str| {
            format!(
                "{:<48} {:>6} {:>10} {:>10} {:>10}  {load}",
                path,
                kind,
                format::bytes(raw),
                format::bytes(raw / 3),
                "-"
            )
        };
        assert_eq!(
            lines(|out| shipped_assets(out, &assets)),
            [
                format!(
                    "{:<48} {:>6} {:>10} {:>10} {:>10}  load",
                    "asset", "type", "raw", "gzip", "brotli"
                ),
                row("logo\\u{1b}.png", "image", 700, ""),
                row("a.js", "js", 500, "initial"),
                row("b.js", "js", 500, "lazy"),
            ]
        );
    }

    #[test]
    fn entry_lines_show_the_initial_load_and_the_lazy_files() {
        assert!(lines(|out| entry_lines(out, &[])).is_empty());
        let mut entries = recorded_bundle().entries;
        entries.truncate(1);
        entries[0].name = "index.html".to_string();
        entries[0].first_load_js = Some(88_000);
        let e = &entries[0];
        let shown = lines(|out| entry_lines(out, &entries));
        assert_eq!(shown[0], "");
        assert!(shown[1].starts_with("entry (initial)"), "{shown:?}");
        assert_eq!(
            shown[2],
            format!(
                "{:<48} {:>6} {:>10} {:>10} {:>10}  lazy: {} files, {}; First Load JS (next build) {}",
                "index.html",
                e.assets.len(),
                format::bytes(e.raw),
                opt_bytes(e.gzip),
                opt_bytes(e.brotli),
                e.lazy.len(),
                format::bytes(e.lazy_sizes.raw),
                format::bytes(88_000)
            )
        );
        assert_eq!(shown.len(), 3);
    }

    #[test]
    fn largest_packages_are_the_ten_largest_then_by_name() {
        assert!(lines(|out| largest_packages(out, &[])).is_empty());
        let mut packages: Vec<Package> = (0..11)
            .map(|i| package(&format!("pkg-{i:02}"), None, 100 + i))
            .collect();
        packages.push(package("react-dom", Some("18.3.1"), 5000));
        packages.push(package("a-tie", None, 110));
        let shown = lines(|out| largest_packages(out, &packages));
        assert_eq!(
            shown[..2],
            [
                "",
                "largest packages (bytes from source maps; gzip estimated)"
            ]
        );
        let names: Vec<&str> = shown[2..]
            .iter()
            .map(|l| l.split_whitespace().next().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "react-dom@18.3.1",
                "a-tie",
                "pkg-10",
                "pkg-09",
                "pkg-08",
                "pkg-07",
                "pkg-06",
                "pkg-05",
                "pkg-04",
                "pkg-03"
            ]
        );
        assert_eq!(
            shown[2],
            format!(
                "  {:<46} {:>10} {:>10}",
                "react-dom@18.3.1",
                format::bytes(5000),
                "-"
            )
        );
    }

    #[test]
    fn bundle_writes_its_stages_in_order() {
        let report = recorded();
        let out = bundle(&report);
        let b = report.bundle.document().unwrap();
        let mut expected = String::new();
        layout_lines(&mut expected, b);
        expected.push('\n');
        shipped_assets(&mut expected, &b.assets);
        entry_lines(&mut expected, &b.entries);
        largest_packages(&mut expected, &b.packages);
        assert!(out.starts_with(&expected), "{out}");
        assert!(expected.contains("largest packages"));
    }

    #[test]
    fn react_time_is_told_by_package() {
        let package =
            |name: Option<&str>, self_ms: f64, cpu: Option<f64>| model::vitals::ReactPackage {
                package: name.map(str::to_string),
                components: if name.is_some() { 1 } else { 5 },
                renders: 24,
                self_ms,
                cpu_ms: cpu,
            };
        let mut react = model::vitals::ReactReport {
            detected: true,
            profiling: true,
            packages: vec![
                package(Some("qrcode.react"), 183.8, Some(176.9)),
                package(None, 127.5, None),
            ],
            ..Default::default()
        };
        assert_eq!(
            react_packages_line(&react).unwrap(),
            "render time by package: qrcode.react 184 ms (1 component, 24 renders), the project's own code 128 ms (5 components, 24 renders)"
        );
        // A production build: the profile's time, packages without it left out.
        react.profiling = false;
        assert_eq!(
            react_packages_line(&react).unwrap(),
            "CPU time in components by package: qrcode.react 177 ms (1 component)"
        );
        react.packages.clear();
        assert!(react_packages_line(&react).is_none());
    }
}
