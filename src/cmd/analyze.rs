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
}

/// Runs `perfscope analyze`: exit 1 when findings marked as errors exist.
pub fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    let config = crate::config::Config::load(&args.dir)?;
    let options = analyzer::source::AnalyzeOptions {
        entries: args.entries,
        config: config.analyze.clone(),
        severities: config.severities(),
        build: None,
    };
    ctx.progress(format!("analysing {}", args.dir.display()));
    let project = analyzer::project::ProjectFacts::read(&args.dir);
    let document = analyzer::source::analyze_full(&project, &options)?.report;
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
        reporter::terminal::analyze(&document)
    })?;
    Ok(super::gate_exit(&report))
}
