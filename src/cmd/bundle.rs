//! `perfscope bundle [DIST]`: sizes, initial vs lazy, source-map attribution,
//! duplicates and budgets of a build output folder.
//!
//! The project folder (where `perfscope.toml`, `.size-limit.json` and
//! `package.json` are read) is the parent of DIST when that parent holds a
//! `package.json` or `perfscope.toml`, else DIST itself.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use analyzer::bundle::{BundleOptions, Compression, units::format_size};
use anyhow::Context as _;
use model::bundle::BundleReport;

use super::{Context, Format};

/// Arguments of `perfscope bundle`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The build output folder (default: `[bundle] dist` of perfscope.toml, else `dist`).
    pub dist: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Skip brotli (the slow part); brotli budgets are then not checked.
    #[arg(long)]
    pub no_brotli: bool,
    /// Compressions to compute, comma-separated: `gzip`, `brotli`, `none`.
    #[arg(long, value_name = "LIST", conflicts_with = "no_brotli")]
    pub compression: Option<String>,
}

/// The project folder of an output folder (see the module docs).
pub fn project_dir(dist: &Path) -> PathBuf {
    let absolute = std::fs::canonicalize(dist).unwrap_or_else(|_| dist.to_path_buf());
    match absolute.parent() {
        Some(parent)
            if parent.join("package.json").is_file() || parent.join("perfscope.toml").is_file() =>
        {
            parent.to_path_buf()
        }
        _ => absolute,
    }
}

/// Runs `perfscope bundle`.
pub fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    let dist = match &args.dist {
        Some(dist) => dist.clone(),
        None => {
            let config = crate::config::Config::load(Path::new("."))?;
            PathBuf::from(config.bundle.dist.unwrap_or_else(|| "dist".to_string()))
        }
    };
    let project = project_dir(&dist);
    let config = crate::config::Config::load(&project)?;
    let mut options =
        BundleOptions::new(config.bundle, Some(project)).map_err(anyhow::Error::from)?;
    options.progress = ctx.progress_sink();
    if let Some(list) = &args.compression {
        options.compression = Compression::parse_list(list).map_err(anyhow::Error::msg)?;
    }
    if args.no_brotli {
        options.compression.brotli = false;
    }
    ctx.progress(format!("perfscope: analysing {}", dist.display()));
    let report = analyzer::bundle::analyze(&dist, &options)
        .with_context(|| format!("cannot analyse {}", dist.display()))?;
    match args.format {
        Format::Json => super::print_json(&report)?,
        Format::Human | Format::Markdown => print_human(&report)?,
    }
    Ok(if report.budgets_pass() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn opt(size: Option<u64>) -> String {
    size.map_or_else(|| "-".to_string(), format_size)
}

/// Prints the human table on stdout.
pub fn print_human(report: &BundleReport) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{} (chunk graph: {})", report.root, report.chunk_graph)?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<48} {:>6} {:>11} {:>11} {:>11}  load",
        "asset", "type", "raw", "gzip", "brotli"
    )?;
    let mut shipped: Vec<_> = report
        .assets
        .iter()
        .filter(|a| a.asset_type.is_shipped())
        .collect();
    shipped.sort_by(|a, b| b.raw.cmp(&a.raw).then_with(|| a.path.cmp(&b.path)));
    for a in &shipped {
        let load = if a.initial {
            "initial"
        } else if matches!(
            a.asset_type,
            model::bundle::AssetType::Js | model::bundle::AssetType::Css
        ) {
            "lazy"
        } else {
            ""
        };
        let kind = serde_json::to_value(a.asset_type)?
            .as_str()
            .unwrap_or("")
            .to_string();
        writeln!(
            out,
            "{:<48} {:>6} {:>11} {:>11} {:>11}  {}",
            a.path,
            kind,
            format_size(a.raw),
            opt(a.gzip),
            opt(a.brotli),
            load
        )?;
    }
    if !report.entries.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{:<48} {:>6} {:>11} {:>11} {:>11}",
            "entry (initial)", "files", "raw", "gzip", "brotli"
        )?;
        for e in &report.entries {
            writeln!(
                out,
                "{:<48} {:>6} {:>11} {:>11} {:>11}  lazy: {} files, {}",
                e.name,
                e.assets.len(),
                format_size(e.raw),
                opt(e.gzip),
                opt(e.brotli),
                e.lazy.len(),
                format_size(e.lazy_sizes.raw)
            )?;
        }
    }
    if !report.packages.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "largest packages (bytes from source maps; gzip estimated)"
        )?;
        let mut packages: Vec<_> = report.packages.iter().collect();
        packages.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.name.cmp(&b.name)));
        for p in packages.iter().take(10) {
            let name = match &p.version {
                Some(v) => format!("{}@{}", p.name, v),
                None => p.name.clone(),
            };
            writeln!(
                out,
                "  {:<46} {:>11} {:>11}",
                name,
                format_size(p.bytes),
                opt(p.gzip)
            )?;
        }
    }
    for d in &report.duplicate_packages {
        writeln!(
            out,
            "duplicate package {} ({}): {} — {} wasted",
            d.name,
            d.kind,
            d.versions.join(", "),
            format_size(d.bytes_wasted)
        )?;
    }
    for d in &report.duplicate_modules {
        writeln!(
            out,
            "duplicate module {} in {} — {} wasted",
            d.source,
            d.assets.join(", "),
            format_size(d.bytes_wasted)
        )?;
    }
    if !report.budgets.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{:<56} {:>7} {:>11} {:>11}  result",
            "budget", "metric", "limit", "actual"
        )?;
        for b in &report.budgets {
            let verdict = match (b.actual, b.pass) {
                (None, _) => "not checked",
                (_, true) => "pass",
                (_, false) => "FAIL",
            };
            writeln!(
                out,
                "{:<56} {:>7} {:>11} {:>11}  {}",
                b.name,
                b.metric,
                format_size(b.limit),
                opt(b.actual),
                verdict
            )?;
        }
    }
    if !report.diagnostics.is_empty() {
        writeln!(out)?;
        writeln!(out, "{} diagnostics:", report.diagnostics.len())?;
        for d in &report.diagnostics {
            writeln!(
                out,
                "  {}: {}",
                if d.path.is_empty() { "-" } else { &d.path },
                d.message
            )?;
        }
    }
    out.flush()?;
    Ok(())
}
