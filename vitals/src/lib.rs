//! Web Vitals, long tasks, network facts and React render timings measured in
//! a real headless Chromium, with Lighthouse's metric definitions.
//!
//! The crate follows Lighthouse's shape:
//! - [`gather`] is the only code that talks to Chrome: it loads the page and
//!   saves raw facts as [`RunArtifacts`] (trace events, network log,
//!   PerformanceObserver entries, React commits, console errors);
//! - [`metrics`] computes every number from those artifacts with pure
//!   functions, unit-tested on artifacts recorded from real runs;
//! - [`report`] assembles the [`model::vitals::VitalsReport`] and checks the
//!   budgets of [`VitalsConfig`].
//!
//! [`server`] serves a build folder the way a real host would, and
//! [`browser`] finds, launches and always stops Chromium.

pub mod browser;
pub mod config;
pub mod discover;
pub mod error;
pub mod findings;
pub mod flow;
pub mod gather;
pub mod headed;
pub mod lighthouse_ci;
pub mod metrics;
pub mod profile;
pub mod report;
pub mod score;
pub mod server;
pub mod shard;
pub mod sourcemaps;
pub mod start;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use config::{VitalsBudgets, VitalsConfig};
pub use error::VitalsError;
pub use gather::artifacts::RunArtifacts;
pub use model::vitals::VitalsReport;
pub use profile::ProfileName;

/// What to load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A URL, loaded as is.
    Url(String),
    /// A build folder served by perfscope's own static server.
    Dir(PathBuf),
}

impl Target {
    /// A folder when `input` names an existing directory, a URL otherwise.
    pub fn parse(input: &str) -> Target {
        let path = Path::new(input);
        if path.is_dir() {
            Target::Dir(path.to_path_buf())
        } else {
            Target::Url(input.to_string())
        }
    }
}

/// Options of a vitals measurement (command-line flags merged over `[vitals]`).
#[derive(Debug, Clone)]
pub struct VitalsOptions {
    /// Number of cold loads.
    pub runs: usize,
    /// Form factor.
    pub profile: ProfileName,
    /// Throttling.
    pub throttling: profile::Throttling,
    /// Route loaded when the target is a folder (default `/`).
    pub path: String,
    /// SPA fallback to `index.html` when serving a folder.
    pub spa: bool,
    /// Budget of one run, browser start included.
    pub timeout: Duration,
    /// Connect to this DevTools WebSocket instead of launching Chromium.
    pub browser_ws: Option<String>,
    /// Chromium executable (else `CHROME_PATH` and the usual paths).
    pub chrome_path: Option<PathBuf>,
    /// Disable Chromium's sandbox (always done when running as root).
    pub no_sandbox: bool,
    /// React renders slower than this (self time, ms) are reported.
    pub slow_render_ms: f64,
    /// Save each run's raw artifacts as `run-<n>.json` here.
    pub save_artifacts: Option<PathBuf>,
    /// Serve the test-only API routes when serving a folder (tests).
    pub test_api: bool,
    /// Budgets evaluated against the median run.
    pub budgets: VitalsBudgets,
    /// Severity of each kind of finding (`off` kinds are not computed).
    pub severities: model::Severities,
    /// Where "browser run k of N" goes.
    pub progress: model::Progress,
    /// Start the app's own server first and measure it (`[vitals] start`).
    pub start: Option<start::StartCommand>,
    /// Pages (paths) to measure in turn; empty: only the target (`path`).
    pub pages: Vec<String>,
    /// When a run is over (Lighthouse's settle rules).
    pub settle: gather::run::SettleRules,
    /// User flows to replay: Chrome DevTools Recorder files or inline
    /// steps, each with its repetitions and budgets.
    pub flows: Vec<config::FlowConfig>,
    /// After the loads and flows, open a visible Chromium and record what
    /// a person does until its window is closed (`--headed`).
    pub headed: bool,
    /// Gather the JavaScript and CSS coverage of each load (unused
    /// JavaScript and CSS at load); on by default.
    pub coverage: bool,
    /// Gather a sampling CPU profile of each load with its coverage (CPU
    /// time by script, module and package); on by default, needs
    /// `coverage`.
    pub cpu_profile: bool,
    /// The coverage's granularity: per function (Lighthouse's, the
    /// default) or per block (`[vitals] coverage_granularity`,
    /// `--block-coverage`).
    pub coverage_granularity: model::vitals::CoverageGranularity,
    /// Record the requests and console errors of the workers and
    /// out-of-process iframes each page starts, through a second DevTools
    /// connection; on by default.
    pub children: bool,
    /// Lighthouse CI assertions (from a `lighthouserc`) judged on every
    /// page, with the ones perfscope does not evaluate and what was read.
    pub lighthouse_ci: lighthouse_ci::LighthouseCi,
    /// Measure only this shard's share of the pages × runs (`--shard K/N`,
    /// [`shard`]); the report keeps its runs' facts for `perfscope merge`.
    pub shard: Option<shard::ShardSpec>,
}

impl Default for VitalsOptions {
    fn default() -> Self {
        VitalsOptions {
            runs: 3,
            profile: ProfileName::Desktop,
            throttling: profile::Throttling::Default,
            path: "/".into(),
            spa: false,
            timeout: Duration::from_secs(60),
            browser_ws: None,
            chrome_path: None,
            no_sandbox: false,
            slow_render_ms: config::FRAME_MS,
            save_artifacts: None,
            test_api: false,
            budgets: VitalsBudgets::default(),
            severities: model::Severities::default(),
            progress: model::Progress::default(),
            start: None,
            pages: Vec::new(),
            settle: gather::run::SettleRules::default(),
            flows: Vec::new(),
            headed: false,
            coverage: true,
            cpu_profile: true,
            coverage_granularity: model::vitals::CoverageGranularity::Function,
            children: true,
            lighthouse_ci: lighthouse_ci::LighthouseCi::default(),
            shard: None,
        }
    }
}

impl VitalsOptions {
    /// Options from the `[vitals]` section of `perfscope.toml` (command-line
    /// flags are applied on top by the caller).
    pub fn from_config(config: &VitalsConfig) -> VitalsOptions {
        VitalsOptions {
            runs: config.runs.unwrap_or(DEFAULT_RUNS).max(1),
            profile: config.profile,
            throttling: config.throttling,
            path: config.path.clone().unwrap_or_else(|| "/".into()),
            spa: config.spa,
            timeout: Duration::from_secs(config.timeout_s.max(1)),
            slow_render_ms: config.slow_render_ms,
            budgets: config.budgets.clone(),
            pages: config.pages.iter().map(|p| p.path.clone()).collect(),
            flows: config.flows.clone(),
            lighthouse_ci: config.lighthouse_ci.clone(),
            coverage_granularity: config.coverage_granularity,
            settle: gather::run::SettleRules {
                quiet: Duration::from_millis(config.quiet_ms),
                fcp_timeout: Duration::from_secs(config.fcp_timeout_s),
                max_wait: Duration::from_secs(config.max_wait_s),
            },
            ..VitalsOptions::default()
        }
    }
}

/// Loads the target `options.runs` times in fresh browser contexts and
/// computes the report. Creates its own tokio runtime; do not call it from
/// inside one (use [`run_async`] there).
pub fn run(target: &Target, options: &VitalsOptions) -> Result<VitalsReport, VitalsError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|source| VitalsError::Io {
            path: "tokio runtime".into(),
            source,
        })?;
    runtime.block_on(run_async(target, options))
}

/// [`run`] inside an existing tokio runtime.
///
/// With `options.start`, the app's own server is started first and the
/// target is its origin. With `options.pages`, every page is measured in
/// turn: the report is the first page's, with the others in
/// [`VitalsReport::pages`] and every budget named after its page.
pub async fn run_async(
    target: &Target,
    options: &VitalsOptions,
) -> Result<VitalsReport, VitalsError> {
    if options.headed {
        // Fail before the loads, not after them.
        headed::check_display(
            std::env::var_os("DISPLAY"),
            std::env::var_os("WAYLAND_DISPLAY"),
        )
        .map_err(|reason| VitalsError::NoDisplay { reason })?;
    }
    let server = match &options.start {
        Some(start) => Some(start::RunningServer::start(start).await?),
        None => None,
    };
    let target = match &server {
        Some(server) => Target::Url(server.origin.clone()),
        None => target.clone(),
    };
    let paths = page_paths(options);
    let mut pages = Vec::with_capacity(paths.len());
    for (i, path) in paths.iter().enumerate() {
        let mut page_options = options.clone();
        let page_target = match (&target, path) {
            (Target::Url(base), Some(path)) => Target::Url(join_url(base, path)),
            (Target::Dir(_), Some(path)) => {
                page_options.path = path.clone();
                target.clone()
            }
            (t, None) => t.clone(),
        };
        let indices = run_indices(options, i, options.runs);
        let artifacts = gather::gather_runs(&page_target, &page_options, &indices).await?;
        if let Some(dir) = &options.save_artifacts {
            let dir = if paths.len() > 1 {
                dir.join(format!("page-{}", i + 1))
            } else {
                dir.clone()
            };
            gather::artifacts::save_all(&dir, &artifacts)?;
        }
        pages.push((path.clone(), artifacts));
    }
    let replays = options.shard.is_none_or(|s| s.replays_flows());
    let (flows, problems) = if replays {
        gather::flows(&target, options).await?
    } else {
        (Vec::new(), Vec::new())
    };
    let recorded = if options.headed {
        Some(gather::headed(&target, options).await?)
    } else {
        None
    };
    // A served folder and a started app listen on a free port of their own.
    let served = matches!(target, Target::Dir(_)) || server.is_some();
    drop(server);
    let headed_config = config::FlowConfig::file("--headed");
    let mut flows = flows;
    if let Some(session) = recorded {
        flows.push((&headed_config, session));
    }
    let measured = Measured {
        pages,
        flows,
        problems,
        served,
    };
    Ok(measured.report(options))
}

/// The pages to measure: the listed ones, else the target itself (`None`).
fn page_paths(options: &VitalsOptions) -> Vec<Option<String>> {
    if options.pages.is_empty() {
        vec![None]
    } else {
        options.pages.iter().cloned().map(Some).collect()
    }
}

/// The runs of page `page` to make: all of them, or the shard's.
fn run_indices(options: &VitalsOptions, page: usize, runs: usize) -> Vec<usize> {
    match options.shard {
        Some(spec) => spec.runs_of(page, runs),
        None => (0..runs.max(1)).collect(),
    }
}

/// What a measurement gathered: each page's runs, the replayed flows and
/// the problems of their replays.
struct Measured<'o> {
    pages: Vec<(Option<String>, Vec<RunArtifacts>)>,
    flows: Vec<(&'o config::FlowConfig, model::vitals::FlowReport)>,
    problems: Vec<model::Diagnostic>,
    served: bool,
}

impl Measured<'_> {
    /// The report (pure): each page's runs computed and combined
    /// ([`report::combine`]); with `options.shard`, every run's facts kept.
    fn report(self, options: &VitalsOptions) -> VitalsReport {
        let sharded = options.shard.is_some();
        let settings = report::Settings {
            slow_render_ms: options.slow_render_ms,
            budgets: &options.budgets,
            severities: &options.severities,
        };
        let mut pages = Vec::with_capacity(self.pages.len());
        let mut kept = Vec::new();
        for (path, artifacts) in &self.pages {
            let facts: Vec<model::shard::RunFacts> = artifacts
                .iter()
                .map(|r| report::run_facts(r, &options.severities, sharded))
                .collect();
            let page = if sharded {
                report::combine(
                    &facts,
                    |i| {
                        facts
                            .get(i)
                            .map(report::MedianRun::kept)
                            .unwrap_or_default()
                    },
                    &settings,
                )
            } else {
                report::combine(
                    &facts,
                    |i| {
                        artifacts
                            .get(i)
                            .map(report::MedianRun::of)
                            .unwrap_or_default()
                    },
                    &settings,
                )
            };
            let mut page = page_report(page, path.as_deref(), options);
            if let (Some(spec), true) = (options.shard, artifacts.is_empty()) {
                page.diagnostics.push(model::Diagnostic::new(
                    path.as_deref().unwrap_or("/"),
                    format!("shard {spec} has no run of this page: the pages × runs are spread over the shards, and `perfscope merge` joins them"),
                ));
            }
            pages.push(page);
            kept.push(model::shard::ShardPage {
                path: path.clone(),
                runs: facts,
            });
        }
        let flow_indices = flow_indices(&self.flows, options);
        let problems = self.problems.clone();
        let mut first = assemble(pages, self.flows, self.problems, options);
        if let Some(spec) = options.shard {
            first.shard = Some(model::shard::ShardInfo {
                index: spec.index,
                count: spec.count,
                plan: shard::plan(options, spec.count),
                settings: shard::settings(options),
                runs: options.runs.max(1),
                pages: kept,
                served_folder: self.served,
                flows: flow_indices,
                flow_diagnostics: problems,
            });
        }
        first
    }
}

/// Each replayed flow's index in `options.flows`.
fn flow_indices(
    flows: &[(&config::FlowConfig, model::vitals::FlowReport)],
    options: &VitalsOptions,
) -> Vec<usize> {
    flows
        .iter()
        .filter_map(|(config, _)| options.flows.iter().position(|c| std::ptr::eq(c, *config)))
        .collect()
}

/// A page's report with the Lighthouse CI assertions judged on it and, when
/// pages were listed, every budget named after its page.
fn page_report(
    mut report: VitalsReport,
    path: Option<&str>,
    options: &VitalsOptions,
) -> VitalsReport {
    let (budgets, skipped) = lighthouse_ci::evaluate(&options.lighthouse_ci, &report);
    report.budgets.extend(budgets);
    report.not_evaluated = skipped;
    if let Some(path) = path {
        for budget in &mut report.budgets {
            budget.name = format!("{} of {path}", budget.name);
        }
        report.path = Some(path.to_string());
    }
    report
}

/// The measurement's report: the first page's, with the others in
/// [`VitalsReport::pages`], the Lighthouse CI notes, and the flows with
/// their budgets, findings and problems.
fn assemble(
    mut pages: Vec<VitalsReport>,
    flows: Vec<(&config::FlowConfig, model::vitals::FlowReport)>,
    problems: Vec<model::Diagnostic>,
    options: &VitalsOptions,
) -> VitalsReport {
    let mut first = pages.remove(0);
    first.pages = pages;
    add_lighthouse_ci_notes(&mut first, &options.lighthouse_ci);
    first
        .budgets
        .extend(report::flow_budgets(&flows, &options.budgets));
    first.flows = flows.into_iter().map(|(_, f)| f).collect();
    first
        .findings
        .extend(report::flow_findings(&first.flows, &options.severities));
    first.diagnostics.extend(problems);
    first.diagnostics.sort();
    first
}

/// Joins the reports of every shard of one measurement into the report an
/// unsharded measurement makes of the same runs: each page's runs in run
/// order through [`report::combine`], the Lighthouse CI assertions and
/// budgets of `options` (the merging configuration, which must be the
/// shards'), the flows of shard 1. `reports` are named (their files) for
/// the errors.
pub fn merge(
    reports: &[(String, VitalsReport)],
    options: &VitalsOptions,
) -> Result<VitalsReport, shard::MergeError> {
    let shards = shard::check(reports, &shard::settings(options))?;
    let (_, head, _) = shards[0];
    let settings = report::Settings {
        slow_render_ms: options.slow_render_ms,
        budgets: &options.budgets,
        severities: &options.severities,
    };
    let mut pages = Vec::with_capacity(head.pages.len());
    for (i, page) in head.pages.iter().enumerate() {
        let facts = shard::page_runs(&shards, i)?;
        if facts.len() != head.runs {
            return Err(shard::MergeError::Inconsistent {
                name: shards[0].0.to_string(),
                problem: format!(
                    "page {} has {} of its {} runs over all the shards",
                    i + 1,
                    facts.len(),
                    head.runs
                ),
            });
        }
        let report = report::combine(
            &facts,
            |i| {
                facts
                    .get(i)
                    .map(report::MedianRun::kept)
                    .unwrap_or_default()
            },
            &settings,
        );
        pages.push(page_report(report, page.path.as_deref(), options));
    }
    let (name, _, with_flows) = shards[0];
    let mut flows = Vec::with_capacity(with_flows.flows.len());
    for (flow, index) in with_flows.flows.iter().zip(&head.flows) {
        let config = options
            .flows
            .get(*index)
            .ok_or_else(|| shard::MergeError::Inconsistent {
                name: name.to_string(),
                problem: format!("flow {} is not in the configuration", index + 1),
            })?;
        flows.push((config, flow.clone()));
    }
    Ok(assemble(
        pages,
        flows,
        head.flow_diagnostics.clone(),
        options,
    ))
}

/// `base` (an origin or a URL) with `path` (`/about`, `/#reports`) resolved on it.
fn join_url(base: &str, path: &str) -> String {
    match url::Url::parse(base).and_then(|b| b.join(path)) {
        Ok(url) => url.to_string(),
        Err(_) => format!("{}{path}", base.trim_end_matches('/')),
    }
}

/// Runs per measurement when neither the command line nor the
/// configuration says.
pub const DEFAULT_RUNS: usize = 3;

/// Recomputes the report from artifacts saved with `save_artifacts`, without
/// a browser; Lighthouse CI assertions are judged on it too. With
/// `options.pages`, each page's runs are read from `page-<n>/`; with
/// `options.shard`, only the shard's runs are kept (the runs per page are
/// the first page's saved runs).
pub fn from_artifacts(dir: &Path, options: &VitalsOptions) -> Result<VitalsReport, VitalsError> {
    let paths = page_paths(options);
    let mut pages = Vec::with_capacity(paths.len());
    let mut options = options.clone();
    for (i, path) in paths.iter().enumerate() {
        let page_dir = if paths.len() > 1 {
            dir.join(format!("page-{}", i + 1))
        } else {
            dir.to_path_buf()
        };
        let mut artifacts = gather::artifacts::load_all(&page_dir)?;
        if i == 0 {
            options.runs = artifacts.len();
        }
        if options.shard.is_some() {
            let keep = run_indices(&options, i, options.runs);
            artifacts.retain(|a| keep.contains(&a.index));
        }
        pages.push((path.clone(), artifacts));
    }
    let served = pages
        .iter()
        .flat_map(|(_, runs)| runs)
        .any(|r| r.url.starts_with("http://127.0.0.1:"));
    let measured = Measured {
        pages,
        flows: Vec::new(),
        problems: Vec::new(),
        served,
    };
    Ok(measured.report(&options))
}

/// The Lighthouse CI assertions perfscope does not evaluate, once for the
/// whole report (the pages' own move to the first page), each also as a
/// diagnostic; and what was read from the configuration.
fn add_lighthouse_ci_notes(report: &mut VitalsReport, ci: &lighthouse_ci::LighthouseCi) {
    let mut all: Vec<model::vitals::NotEvaluated> = ci.not_evaluated.clone();
    all.append(&mut report.not_evaluated);
    for page in &mut report.pages {
        all.append(&mut page.not_evaluated);
    }
    all.sort();
    all.dedup();
    for n in &all {
        report.diagnostics.push(model::Diagnostic::new(
            &n.file,
            format!("{} ({}): not evaluated: {}", n.assertion, n.level, n.reason),
        ));
    }
    report.not_evaluated = all;
    report.diagnostics.extend(ci.diagnostics.iter().cloned());
}
