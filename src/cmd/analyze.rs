//! `perfscope analyze [DIR]`: the source module graph and its findings.

use std::path::PathBuf;
use std::process::ExitCode;

use model::report::Part;

use super::{Context, Format};

/// Arguments of `perfscope analyze`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Project folder (with `package.json`, `tsconfig.json`, `perfscope.toml`).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Entry module, relative to DIR (repeatable). Default: `entries` from
    /// perfscope.toml, else discovered (index.html, package.json, src/main.*, src/index.*).
    #[arg(long = "entry", value_name = "PATH")]
    pub entries: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Say why a file is used (the import chain from an entry, and why that
    /// file is an entry) or why it is not, instead of the findings.
    #[arg(long, value_name = "PATH")]
    pub explain: Option<PathBuf>,
    /// Narrow the report to one workspace of a monorepo, by its package name
    /// or its folder.
    #[arg(long, value_name = "NAME")]
    pub workspace: Option<String>,
    /// List every entry and every diagnostic (by default entries are
    /// counted by how they were found, and diagnostics about files inside
    /// `node_modules` are counted).
    #[arg(long)]
    pub verbose: bool,
    /// Parse and minify everything again instead of reusing
    /// `node_modules/.cache/perfscope` (facts keyed by file content).
    #[arg(long)]
    pub no_cache: bool,
}

/// Runs `perfscope analyze`: exit 1 when findings marked as errors exist.
pub fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    let config = crate::config::Config::load(&args.dir)?;
    let options = source::AnalyzeOptions {
        entries: args.entries,
        config: config.analyze.clone(),
        severities: config.severities(),
        build: None,
        cache: !args.no_cache,
    };
    ctx.progress(format!("analysing {}", args.dir.display()));
    let project = project::ProjectFacts::read(&args.dir);
    let mut document = source::analyze_full(&project, &options)?.report;
    if let Some(name) = &args.workspace {
        source::explain::narrow_to_workspace(&mut document, name).map_err(anyhow::Error::msg)?;
    }
    if let Some(path) = &args.explain {
        let rel = root_relative(&args.dir, path);
        let explanation = source::explain::explain(&document, &rel);
        match args.format {
            Format::Json => super::print_json(&explanation)?,
            _ => super::print_styled(&reporter::terminal::explain(&explanation))?,
        }
        return Ok(ExitCode::SUCCESS);
    }
    ctx.progress(format!(
        "{} modules in {:.0} ms",
        document.modules.len(),
        document.timings.total_ms
    ));
    let report = super::single_part_report(
        Part::Ok {
            document: document.clone(),
        },
        Part::absent("not asked for"),
        Part::absent("not asked for"),
        super::gather::project_name(&project),
        &config.assess_options(None),
    );
    super::print_part(args.format, &document, &report, || {
        reporter::terminal::analyze_verbose(&report, args.verbose)
    })?;
    Ok(super::gate_exit(&report))
}

/// `path` as the report names files: relative to the project root, with `/`.
/// A path that exists from the current folder is taken from there (so both
/// `src/a.ts` inside the project and `app/src/a.ts` from above work);
/// otherwise it is taken as relative to the root.
fn root_relative(dir: &std::path::Path, path: &std::path::Path) -> String {
    if let (Ok(root), Ok(file)) = (dir.canonicalize(), path.canonicalize())
        && let Some(rel) = model::path::relative(&root, &file)
    {
        return rel;
    }
    path.to_string_lossy().replace('\\', "/")
}
