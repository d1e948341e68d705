//! Runs whichever analyses apply to a project and joins them into one
//! [`Report`] (used by `perfscope report` and `perfscope check`).
//!
//! The build output is analysed first; the source analysis then takes the
//! shipped bytes of lazy-loading candidates from its source-map attribution.
//!
//! Discovery: the source graph runs when DIR looks like a JS project
//! (`package.json`, `tsconfig.json`, `index.html` or `src/`); the bundle
//! analysis when there is an output folder (`--dist`, `[bundle] dist`, else
//! the first of `.next/`, `build/client/`, `dist/client/`, `dist/`, `build/`,
//! `out/` in DIR); vitals when there is a URL (`--url`,
//! `[vitals] url`) or the output folder has an `index.html`. A part that fails
//! becomes a `failed` part with its error; the others still run.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use model::report::{Part, Report};
use project::ProjectFacts;

use super::Context;
use crate::config::Config;

/// What to analyse (shared by `report` and `check`).
#[derive(Debug, Clone, clap::Args)]
pub struct Inputs {
    /// Project folder (with `package.json`, `perfscope.toml`).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Build output folder (default: `[bundle] dist`, else the first of DIR/.next,
    /// build/client, dist/client, dist, build, out).
    #[arg(long, value_name = "DIR")]
    pub dist: Option<PathBuf>,
    /// URL to measure in Chromium (default: `[vitals] url`, else the output
    /// folder's `index.html` served on 127.0.0.1).
    #[arg(long)]
    pub url: Option<String>,
    /// Skip the source analysis.
    #[arg(long)]
    pub no_source: bool,
    /// Skip the build-output analysis.
    #[arg(long)]
    pub no_bundle: bool,
    /// Skip the browser measurements.
    #[arg(long)]
    pub no_vitals: bool,
    /// A page (path) to measure in the browser; repeat for several (default
    /// `[[vitals.pages]]`, else `[vitals] path`, else `/`).
    #[arg(long = "page", value_name = "PATH")]
    pub pages: Vec<String>,
    /// Serve `index.html` for unknown paths of the build folder (single-page apps).
    #[arg(long)]
    pub spa: bool,
    /// Number of browser runs (default `[vitals] runs`, else 3 for `report`
    /// and 5 for `check`, which judges regressions against the runs' spread).
    #[arg(long)]
    pub runs: Option<usize>,
    /// Measure only shard K of N (1-based) of the pages × runs in the
    /// browser (see `perfscope vitals --shard`); join the shards' `report.json`
    /// with `perfscope merge`.
    #[arg(long, value_name = "K/N", value_parser = super::vitals::parse_shard)]
    pub shard: Option<vitals::shard::ShardSpec>,
    /// Use the browser at this DevTools endpoint (`ws://…`, e.g. a browser
    /// pool's) instead of launching Chromium; the pages must be reachable
    /// from it.
    #[arg(long, value_name = "WS_URL")]
    pub browser_ws: Option<String>,
    /// Skip brotli sizes (the slow part of the bundle analysis).
    #[arg(long)]
    pub no_brotli: bool,
    /// Compute everything again instead of reusing
    /// `node_modules/.cache/perfscope` (sizes, parsed facts and minified
    /// modules, keyed by file content).
    #[arg(long)]
    pub no_cache: bool,
}

/// The joined report and the configuration it was made with.
pub struct Gathered {
    /// The three parts.
    pub report: Report,
    /// `DIR/perfscope.toml` (defaults when absent).
    pub config: Config,
}

/// Runs the analyses that apply to `inputs`. The project's facts
/// (`package.json`, `index.html`, installed versions) are read once and
/// shared by the source and bundle analyses.
/// `default_runs`: browser runs when neither `--runs` nor `[vitals] runs` says
/// (`check` gates on the runs, so it makes more).
pub fn gather(inputs: &Inputs, ctx: &Context, default_runs: usize) -> anyhow::Result<Gathered> {
    let config = Config::load(&inputs.dir)?;
    let project = Arc::new(ProjectFacts::read(&inputs.dir));
    // The build first: the source analysis takes what the build really
    // ships of each lazy-loading candidate from its attribution.
    let found = find_dist(inputs, &config);
    let dist = found.as_ref().map(|(path, _)| path.clone());
    let bundle = match (&found, inputs.no_bundle) {
        (_, true) => Part::absent("skipped (--no-bundle)"),
        (None, false) => Part::absent(format!(
            "no build output folder found in {} (looked for {}; give --dist)",
            inputs.dir.display(),
            DIST_CANDIDATES
                .iter()
                .map(|c| format!("{c}/"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        (Some((dist, why)), false) => {
            let mut part = bundle_part(dist, &project, inputs, &config, ctx);
            if let Part::Ok { document } = &mut part {
                document.layout.found = Some(format!("{} ({why})", document.root));
            }
            part
        }
    };
    let build = bundle
        .document()
        .map(|b| Arc::new(source::build_shares::BuildShares::from_bundle(b)))
        .filter(|shares| !shares.is_empty());
    let analyze = if inputs.no_source {
        Part::absent("skipped (--no-source)")
    } else {
        source_part(&project, inputs, &config, build, ctx)
    };
    let vitals = if inputs.no_vitals {
        Part::absent("skipped (--no-vitals)")
    } else {
        vitals_part(inputs, dist.as_deref(), &config, default_runs, ctx)
    };
    let mut report = Report::new(super::generated_by(), analyze, bundle, vitals);
    report.project = project_name(&project);
    Ok(Gathered { report, config })
}

/// The project's name: `package.json` `name`, else the folder's name.
pub fn project_name(project: &ProjectFacts) -> Option<String> {
    project.manifest.name.clone().or_else(|| {
        project
            .root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
    })
}

fn looks_like_project(dir: &Path) -> bool {
    ["package.json", "tsconfig.json", "index.html", "src"]
        .iter()
        .any(|name| dir.join(name).exists())
}

fn source_part(
    project: &ProjectFacts,
    inputs: &Inputs,
    config: &Config,
    build: Option<Arc<source::build_shares::BuildShares>>,
    ctx: &Context,
) -> Part<model::analyze::AnalyzeReport> {
    let dir = inputs.dir.as_path();
    if !looks_like_project(dir) {
        return Part::absent(format!(
            "{} has no package.json, tsconfig.json, index.html or src/",
            dir.display()
        ));
    }
    ctx.progress(format!(
        "perfscope: analysing the source of {}",
        dir.display()
    ));
    let options = source::AnalyzeOptions {
        entries: Vec::new(),
        config: config.analyze.clone(),
        severities: config.severities(),
        build,
        cache: !inputs.no_cache,
    };
    Part::from_result(source::analyze_full(project, &options).map(|a| a.report))
}

/// Build output folders looked for in DIR, in order (framework outputs first).
pub const DIST_CANDIDATES: [&str; 6] = [
    ".next",
    "build/client",
    "dist/client",
    "dist",
    "build",
    "out",
];

/// The output folder and why it was taken: `--dist`, `[bundle] dist`
/// (relative to DIR), else the first of [`DIST_CANDIDATES`] in DIR.
fn find_dist(inputs: &Inputs, config: &Config) -> Option<(PathBuf, String)> {
    if let Some(dist) = &inputs.dist {
        return Some((dist.clone(), "given with --dist".to_string()));
    }
    if let Some(dist) = &config.bundle.dist {
        return Some((
            inputs.dir.join(dist),
            "[bundle] dist in perfscope.toml".to_string(),
        ));
    }
    DIST_CANDIDATES.iter().find_map(|name| {
        let path = inputs.dir.join(name);
        path.is_dir().then(|| {
            (
                path,
                format!(
                    "the first of {} found in the project",
                    DIST_CANDIDATES
                        .iter()
                        .map(|c| format!("{c}/"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })
    })
}

fn bundle_part(
    dist: &Path,
    project: &Arc<ProjectFacts>,
    inputs: &Inputs,
    config: &Config,
    ctx: &Context,
) -> Part<model::bundle::BundleReport> {
    ctx.progress(format!("perfscope: analysing {}", dist.display()));
    let result = bundle::BundleOptions::new(config.bundle.clone(), Some(project.clone()))
        .and_then(|mut options| {
            if inputs.no_brotli {
                options.compression.brotli = false;
            }
            options.severities = config.severities();
            options.progress = ctx.progress_sink();
            options.cache = !inputs.no_cache;
            bundle::analyze(dist, &options)
        })
        .map(|mut document| {
            document.root = relative_to(dist, &inputs.dir);
            document
        });
    Part::from_result(result)
}

/// `path` relative to `base` with `/` separators when it lies inside `base`
/// (reports stay stable across machines), else `path` as given.
fn relative_to(path: &Path, base: &Path) -> String {
    let inside = std::fs::canonicalize(path)
        .ok()
        .zip(std::fs::canonicalize(base).ok())
        .and_then(|(path, base)| model::path::relative(&base, &path));
    match inside {
        Some(rel) if rel.is_empty() => ".".to_string(),
        Some(rel) => rel,
        None => path.display().to_string(),
    }
}

fn vitals_part(
    inputs: &Inputs,
    dist: Option<&Path>,
    config: &Config,
    default_runs: usize,
    ctx: &Context,
) -> Part<model::vitals::VitalsReport> {
    let start = super::vitals::start_command(None, &config.vitals, &inputs.dir);
    let target = match (&inputs.url, &config.vitals.url, dist) {
        // The app's own server (`[vitals] start`) is the target.
        _ if start.is_some() && inputs.url.is_none() => {
            vitals::Target::Url("http://127.0.0.1/".into())
        }
        (Some(url), _, _) => vitals::Target::parse(url),
        (None, Some(url), _) => {
            let local = inputs.dir.join(url);
            if local.is_dir() {
                vitals::Target::Dir(local)
            } else {
                vitals::Target::Url(url.clone())
            }
        }
        (None, None, Some(dist)) if dist.join("index.html").is_file() => {
            vitals::Target::Dir(dist.to_path_buf())
        }
        _ => {
            return Part::absent("no URL given and no index.html in the build output (give --url)");
        }
    };
    let mut options = vitals::VitalsOptions::from_config(&config.vitals);
    options.severities = config.severities();
    if inputs.url.is_none() {
        options.start = start;
    }
    if !inputs.pages.is_empty() {
        options.pages = inputs.pages.clone();
    }
    options.spa |= inputs.spa;
    // `[[vitals.flows]]` files are relative to the project.
    for flow in &mut options.flows {
        if let Some(file) = &mut flow.file {
            *file = inputs.dir.join(&*file);
        }
    }
    options.runs = inputs
        .runs
        .or(config.vitals.runs)
        .unwrap_or(default_runs)
        .clamp(1, vitals::config::MAX_RUNS);
    options.shard = inputs.shard;
    options.browser_ws = inputs.browser_ws.clone();
    options.progress = ctx.progress_sink();
    ctx.progress(format!(
        "perfscope: measuring {} in Chromium ({} runs{})",
        target_name(&target),
        options.runs,
        inputs
            .shard
            .map(|s| format!(", shard {s}"))
            .unwrap_or_default()
    ));
    let mut result = vitals::run(&target, &options);
    if let Ok(report) = &mut result {
        // Recordings are named relative to the project, as every path of
        // the report (SARIF places flow results at them).
        for flow in &mut report.flows {
            if let Some(file) = &mut flow.file
                && let Ok(rel) = std::path::Path::new(file.as_str()).strip_prefix(&inputs.dir)
            {
                *file = rel.to_string_lossy().replace('\\', "/");
            }
        }
    }
    Part::from_result(result)
}

fn target_name(target: &vitals::Target) -> String {
    match target {
        vitals::Target::Url(url) => url.clone(),
        vitals::Target::Dir(dir) => dir.display().to_string(),
    }
}

/// Writes `report.html`, `report.md` (with the diff when a baseline is given),
/// `report.json` and `report.sarif` into `out`, and returns their paths.
pub fn write_reports(out: &Path, report: &Report) -> anyhow::Result<Vec<PathBuf>> {
    model::output::create_dir(out).with_context(|| format!("cannot create {}", out.display()))?;
    let files = [
        (
            "report.html",
            reporter::html::render(report).context("cannot render the HTML report")?,
        ),
        ("report.md", reporter::markdown::render(report)),
        (
            "report.json",
            reporter::json::render(report).context("cannot render the JSON report")?,
        ),
        ("report.sarif", reporter::sarif::render(report)),
    ];
    let mut written = Vec::new();
    for (name, text) in files {
        let path = model::output::write_file(out, name, text.as_bytes())
            .with_context(|| format!("cannot write {}", out.join(name).display()))?;
        written.push(path);
    }
    Ok(written)
}
