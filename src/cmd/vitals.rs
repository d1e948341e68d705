//! `perfscope vitals <URL | DIST_DIR>`: Web Vitals, long tasks, network
//! findings and React renders measured in headless Chromium.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use model::report::Part;
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
    /// Form factor: desktop, mobile, or none (desktop without throttling).
    #[arg(long, value_parser = ["desktop", "mobile", "none"])]
    pub profile: Option<String>,
    /// Throttling: devtools (Lighthouse's values for the form factor; the
    /// default) or provided (none applied).
    #[arg(long, value_parser = ["devtools", "provided"])]
    pub throttling: Option<String>,
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
    /// Take the coverage per block instead of per function (Lighthouse's
    /// basis): branches never taken in functions that ran count as unused
    /// too (default `[vitals] coverage_granularity`).
    #[arg(long)]
    pub block_coverage: bool,
    /// React renders whose self time exceeds this many ms are reported (default 16).
    #[arg(long, value_name = "MS")]
    pub slow_render_ms: Option<f64>,
    /// Save each run's raw artifacts (trace events, network log, React commits) here.
    #[arg(long, value_name = "DIR")]
    pub save_artifacts: Option<PathBuf>,
    /// Recompute the report from saved artifacts, without a browser.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["target", "browser_ws", "save_artifacts"])]
    pub from_artifacts: Option<PathBuf>,
    /// Start the app's own server with this command first and measure it
    /// (`{port}` is replaced by a free port, `PORT` is set); default `[vitals] start`.
    #[arg(long, value_name = "COMMAND", conflicts_with_all = ["target", "browser_ws"])]
    pub start: Option<String>,
    /// A page (path) to measure; repeat for several (default `[[vitals.pages]]`).
    #[arg(long = "page", value_name = "PATH")]
    pub pages: Vec<String>,
    /// A user flow recorded with Chrome DevTools' Recorder (exported as
    /// JSON) to replay after the loads: INP and the slowest interactions per
    /// step; repeat for several (default `[[vitals.flows]]`).
    #[arg(long = "flow", value_name = "RECORDING.json")]
    pub flows: Vec<PathBuf>,
    /// Repeat the steps of each `--flow` after its opening navigation this
    /// many times (1 to 100): with 3 or more, memory each repetition leaves
    /// behind is reported as a suspected leak.
    #[arg(long = "flow-repeat", value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    pub flow_repeat: u32,
    /// After the loads, open a visible Chromium on the target and record
    /// what you do (clicks, typing, navigations) until you close its
    /// window: the session is reported as a flow, one step per interaction.
    /// Needs a display.
    #[arg(long, conflicts_with_all = ["browser_ws", "shard"])]
    pub headed: bool,
    /// Measure only shard K of N (1-based) of the pages × runs: run `i =
    /// page × runs + run` belongs to shard `i mod N + 1`; flows replay in
    /// shard 1. Join the shards' JSON reports with `perfscope merge`.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<vitals::shard::ShardSpec>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// The `[vitals] start` command of the configuration or `--start`, run in `cwd`.
pub fn start_command(
    flag: Option<&str>,
    config: &vitals::VitalsConfig,
    cwd: &Path,
) -> Option<vitals::start::StartCommand> {
    flag.map(str::to_string)
        .or_else(|| config.start.clone())
        .map(|command| vitals::start::StartCommand {
            command,
            cwd: cwd.to_path_buf(),
            timeout: Duration::from_secs(config.start_timeout_s.max(1)),
        })
}

/// Runs `perfscope vitals`.
pub fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    let config = crate::config::Config::load(Path::new("."))?;
    let mut options = VitalsOptions::from_config(&config.vitals);
    options.severities = config.severities();
    if let Some(ms) = args.slow_render_ms {
        if !(ms.is_finite() && ms >= 0.0) {
            anyhow::bail!("--slow-render-ms must be a finite number of 0 or more (got {ms})");
        }
        options.slow_render_ms = ms;
    }
    if !args.pages.is_empty() {
        for page in &args.pages {
            if !page.starts_with('/') {
                anyhow::bail!("--page must be a path starting with `/` (got `{page}`)");
            }
        }
        options.pages = args.pages.clone();
    }
    // A target on the command line wins over a configured start command
    // (`[vitals] start`, or a lighthouserc's `startServerCommand`).
    options.start = if args.target.is_some() {
        None
    } else {
        start_command(args.start.as_deref(), &config.vitals, Path::new("."))
    };
    if !args.flows.is_empty() {
        options.flows = args
            .flows
            .iter()
            .map(|file| vitals::config::FlowConfig {
                repeat: args.flow_repeat,
                ..vitals::config::FlowConfig::file(file)
            })
            .collect();
    }
    options.headed = args.headed;
    options.shard = args.shard;
    let document = if let Some(dir) = &args.from_artifacts {
        vitals::from_artifacts(dir, &options)?
    } else {
        let input = match &options.start {
            // The started server is the target.
            Some(start) => start.command.clone(),
            None => args
                .target
                .clone()
                .or_else(|| config.vitals.url.clone())
                .context("give a URL or a build folder (or set `[vitals] url` or `[vitals] start` in perfscope.toml)")?,
        };
        let target = if options.start.is_some() {
            Target::Url("http://127.0.0.1/".into())
        } else {
            Target::parse(&input)
        };
        if let Target::Url(url) = &target
            && options.start.is_none()
            && !url.contains("://")
            && !url.starts_with("about:")
        {
            anyhow::bail!("{url} is neither a folder nor a URL (did you mean http://{url}?)");
        }
        options.progress = ctx.progress_sink();
        apply_run_args(&args, &mut options)?;
        let profile = options.profile.with(options.throttling);
        let share = match options.shard {
            Some(spec) => format!(" (shard {spec})"),
            None => String::new(),
        };
        ctx.progress(format!(
            "perfscope: loading {input} {} time(s){share}, {} form factor, throttling {}",
            options.runs,
            profile_name(options.profile),
            profile.throttling
        ));
        vitals::run(&target, &options)?
    };
    let report = super::single_part_report(
        Part::absent("not asked for"),
        Part::absent("not asked for"),
        Part::Ok {
            document: document.clone(),
        },
        None,
        &config.assess_options(None),
    );
    super::print_part(args.format, &document, &report, || {
        reporter::terminal::vitals(&report)
    })?;
    Ok(super::gate_exit(&report))
}

/// The command line's settings of how each run loads the page (profile,
/// throttling, runs, path, timeout, SPA, remote browser, sandbox,
/// artifacts), checked.
fn apply_run_args(args: &Args, options: &mut VitalsOptions) -> anyhow::Result<()> {
    if let Some(name) = &args.profile {
        options.profile = ProfileName::parse(name).context("unknown profile")?;
    }
    if let Some(name) = &args.throttling {
        options.throttling =
            vitals::profile::Throttling::parse(name).context("unknown throttling")?;
    }
    if let Some(runs) = args.runs {
        if runs == 0 || runs > vitals::config::MAX_RUNS {
            anyhow::bail!(
                "--runs must be between 1 and {} (got {runs})",
                vitals::config::MAX_RUNS
            );
        }
        options.runs = runs;
    }
    if let Some(path) = &args.path {
        options.path = path.clone();
    }
    if let Some(timeout) = args.timeout {
        if timeout == 0 || timeout > vitals::config::MAX_TIMEOUT_S {
            anyhow::bail!(
                "--timeout must be between 1 and {} seconds (got {timeout})",
                vitals::config::MAX_TIMEOUT_S
            );
        }
        options.timeout = Duration::from_secs(timeout);
    }
    options.spa |= args.spa;
    if args.block_coverage {
        options.coverage_granularity = model::vitals::CoverageGranularity::Block;
    }
    options.browser_ws = args.browser_ws.clone();
    options.no_sandbox = args.no_sandbox;
    options.save_artifacts = args.save_artifacts.clone();
    Ok(())
}

/// `--shard K/N`.
pub fn parse_shard(text: &str) -> Result<vitals::shard::ShardSpec, String> {
    vitals::shard::ShardSpec::parse(text)
}

fn profile_name(profile: ProfileName) -> &'static str {
    match profile {
        ProfileName::Desktop => "desktop",
        ProfileName::Mobile => "mobile",
        ProfileName::None => "no",
    }
}
