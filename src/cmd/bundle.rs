//! `perfscope bundle [DIST]`: sizes, initial vs lazy, source-map attribution,
//! duplicates and budgets of a build output folder.
//!
//! The project folder (where `perfscope.toml`, `.size-limit.json` and
//! `package.json` are read) is the parent of DIST when that parent holds a
//! `package.json` or `perfscope.toml`, else DIST itself.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use bundle::{BundleOptions, Compression};
use model::report::Part;

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
    /// Compute every size again instead of reusing
    /// `node_modules/.cache/perfscope` (sizes keyed by file content).
    #[arg(long)]
    pub no_cache: bool,
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
    let project_dir = project_dir(&dist);
    let config = crate::config::Config::load(&project_dir)?;
    let project = Arc::new(project::ProjectFacts::read(&project_dir));
    let mut options = BundleOptions::new(config.bundle.clone(), Some(project.clone()))?;
    options.severities = config.severities();
    options.progress = ctx.progress_sink();
    options.cache = !args.no_cache;
    if let Some(list) = &args.compression {
        options.compression = Compression::parse_list(list).map_err(anyhow::Error::msg)?;
    }
    if args.no_brotli {
        options.compression.brotli = false;
    }
    ctx.progress(format!("perfscope: analysing {}", dist.display()));
    let document = bundle::analyze(&dist, &options)?;
    let report = super::single_part_report(
        Part::absent("not asked for"),
        Part::Ok {
            document: document.clone(),
        },
        Part::absent("not asked for"),
        super::gather::project_name(&project),
        &config.assess_options(None),
    );
    super::print_part(args.format, &document, &report, || {
        reporter::terminal::bundle(&report)
    })?;
    Ok(super::gate_exit(&report))
}
