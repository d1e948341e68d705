//! `perfscope vitals <URL | DIST_DIR>`: Web Vitals, long tasks, network
//! findings and React renders measured in headless Chromium.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use model::vitals::{MetricSpread, VitalsReport};
use vitals::{ProfileName, Target, VitalsOptions};

use super::{Context, Format};

/// Arguments of `perfscope vitals`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A URL, or a build folder served by perfscope's own static server
    /// (default: `[vitals] url` of perfscope.toml).
    pub target: Option<String>,
    /// Number of cold loads (default 3, or `[vitals] runs`).
    #[arg(long)]
    pub runs: Option<usize>,
    /// Device and throttling profile: desktop, mobile or none.
    #[arg(long, value_parser = ["desktop", "mobile", "none"])]
    pub profile: Option<String>,
    /// Route to load when the target is a folder (default `/`).
    #[arg(long)]
    pub path: Option<String>,
    /// Serve `index.html` for unknown routes (single-page apps).
    #[arg(long)]
    pub spa: bool,
    /// Timeout of one run in seconds, browser start included (default 60).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// Use the browser at this DevTools WebSocket (ws://…) instead of launching Chromium.
    #[arg(long, value_name = "WS_URL")]
    pub browser_ws: Option<String>,
    /// Run Chromium without its sandbox (automatic when running as root).
    #[arg(long)]
    pub no_sandbox: bool,
    /// React renders whose self time exceeds this many ms are reported (default 16).
    #[arg(long, value_name = "MS")]
    pub slow_render_ms: Option<f64>,
    /// Save each run's raw artifacts (trace events, network log, React commits) here.
    #[arg(long, value_name = "DIR")]
    pub save_artifacts: Option<PathBuf>,
    /// Recompute the report from saved artifacts, without a browser.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["target", "browser_ws", "save_artifacts"])]
    pub from_artifacts: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Runs `perfscope vitals`.
pub fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    let config = crate::config::Config::load(Path::new("."))?.vitals;
    let slow_render_ms = args.slow_render_ms.unwrap_or(config.slow_render_ms);
    let report = if let Some(dir) = &args.from_artifacts {
        vitals::from_artifacts(dir, slow_render_ms, &config.budgets)
            .with_context(|| format!("cannot read artifacts from {}", dir.display()))?
    } else {
        let input =
            args.target.clone().or_else(|| config.url.clone()).context(
                "give a URL or a build folder (or set `[vitals] url` in perfscope.toml)",
            )?;
        let target = Target::parse(&input);
        if let Target::Url(url) = &target
            && !url.contains("://")
            && !url.starts_with("about:")
        {
            anyhow::bail!("{url} is neither a folder nor a URL (did you mean http://{url}?)");
        }
        let mut options = VitalsOptions::from_config(&config);
        options.progress = ctx.progress_sink();
        if let Some(name) = &args.profile {
            options.profile = ProfileName::parse(name).context("unknown profile")?;
        }
        if let Some(runs) = args.runs {
            options.runs = runs.max(1);
        }
        if let Some(path) = &args.path {
            options.path = path.clone();
        }
        if let Some(timeout) = args.timeout {
            options.timeout = Duration::from_secs(timeout.max(1));
        }
        options.spa |= args.spa;
        options.browser_ws = args.browser_ws.clone();
        options.no_sandbox = args.no_sandbox;
        options.slow_render_ms = slow_render_ms;
        options.save_artifacts = args.save_artifacts.clone();
        let profile = options.profile;
        ctx.progress(format!(
            "perfscope: loading {input} {} time(s), {} profile",
            options.runs,
            profile_name(profile)
        ));
        vitals::run(&target, &options)?
    };
    match args.format {
        Format::Json => super::print_json(&report)?,
        Format::Human | Format::Markdown => print_human(&report)?,
    }
    Ok(if vitals::report::budgets_pass(&report) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn profile_name(profile: ProfileName) -> &'static str {
    match profile {
        ProfileName::Desktop => "desktop",
        ProfileName::Mobile => "mobile",
        ProfileName::None => "no",
    }
}

fn ms(value: Option<f64>) -> String {
    value.map_or_else(|| "-".into(), |v| format!("{v:.0} ms"))
}

fn spread(s: &Option<MetricSpread>, unit: &str) -> String {
    match s {
        Some(s) if unit == "ms" => format!("{:.0}–{:.0} ms, cv {:.1}%", s.min, s.max, s.cv * 100.0),
        Some(s) => format!("{:.3}–{:.3}, cv {:.1}%", s.min, s.max, s.cv * 100.0),
        None => "-".into(),
    }
}

fn print_human(report: &VitalsReport) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}  ({} profile, {} run(s))",
        report.url,
        report.profile.name,
        report.runs.len()
    )?;
    if let Some(m) = &report.median {
        let s = &report.spread;
        writeln!(out, "median run #{}:", m.index + 1)?;
        writeln!(
            out,
            "  FCP   {:>9}   ({})",
            ms(m.fcp_ms),
            spread(&s.fcp_ms, "ms")
        )?;
        writeln!(
            out,
            "  LCP   {:>9}   ({})",
            ms(m.lcp_ms),
            spread(&s.lcp_ms, "ms")
        )?;
        writeln!(
            out,
            "  TTI   {:>9}   ({})",
            ms(m.tti_ms),
            spread(&s.tti_ms, "ms")
        )?;
        writeln!(
            out,
            "  TBT   {:>9}   ({})",
            ms(m.tbt_ms),
            spread(&s.tbt_ms, "ms")
        )?;
        writeln!(
            out,
            "  CLS   {:>9}   ({})",
            m.cls.map_or_else(|| "-".into(), |c| format!("{c:.3}")),
            spread(&s.cls, "")
        )?;
        writeln!(
            out,
            "  TTFB  {:>9}   ({})",
            ms(m.ttfb_ms),
            spread(&s.ttfb_ms, "ms")
        )?;
        writeln!(
            out,
            "  long tasks {}, requests {}, JS heap max {}, console errors {}",
            m.long_tasks.len(),
            m.requests.len(),
            m.js_heap_max_bytes
                .map_or_else(|| "-".into(), |b| format!("{:.1} MB", b as f64 / 1e6)),
            m.console_errors.len()
        )?;
    } else {
        writeln!(out, "no complete run")?;
    }
    let react = &report.react;
    if react.detected {
        writeln!(
            out,
            "React: {} commit(s){}",
            react.commits,
            if react.profiling {
                ""
            } else {
                " (production build: no render timings)"
            }
        )?;
        for slow in &react.slow_renders {
            writeln!(
                out,
                "  slow render {}: {}× over {:.0} ms, max {:.1} ms, total {:.1} ms",
                slow.component, slow.count, react.slow_render_ms, slow.max_ms, slow.total_ms
            )?;
        }
    }
    for finding in &report.findings {
        writeln!(
            out,
            "{}: {} — {}",
            finding.kind, finding.url, finding.message
        )?;
    }
    for budget in &report.budgets {
        writeln!(
            out,
            "budget {}: {} (limit {}, actual {})",
            budget.name,
            if budget.pass { "ok" } else { "FAILED" },
            budget.limit,
            budget.actual.map_or_else(|| "-".into(), |a| format!("{a}"))
        )?;
    }
    for d in &report.diagnostics {
        writeln!(out, "note: {}", d.message)?;
    }
    out.flush()?;
    Ok(())
}
