//! `perfscope report [DIR]`: runs whichever analyses apply, assesses the
//! result once and writes four files into `--out` (`report.html`,
//! `report.md`, `report.json` and `report.sarif`); prints a short summary on
//! the terminal.

use std::path::PathBuf;
use std::process::ExitCode;

use super::Context;
use super::gather::{Inputs, gather, write_reports};

/// Arguments of `perfscope report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Folder the four reports (HTML, Markdown, JSON, SARIF) are written to.
    #[arg(long, default_value = "perfscope-report")]
    pub out: PathBuf,
    /// Baseline `report.json` (e.g. from the main branch): the reports show the diff.
    #[arg(long, value_name = "BASE.json")]
    pub baseline: Option<PathBuf>,
    /// Relative worsening above which a metric is a regression (default 0.2 = 20%,
    /// or `[baseline] threshold`).
    #[arg(long, value_parser = super::diff::parse_threshold)]
    pub threshold: Option<f64>,
}

/// Runs `perfscope report`. Exit 0 when the reports were written, even if a
/// part failed (its error is in the reports); `perfscope check` is the gate.
pub fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    let baseline = match &args.baseline {
        Some(path) => Some(super::diff::read_report(path)?),
        None => None,
    };
    let gathered = gather(&args.inputs, ctx, vitals::DEFAULT_RUNS)?;
    let mut report = gathered.report;
    let options = gathered.config.assess_options(args.threshold);
    assess::assess_into(&mut report, baseline.as_ref(), &options);
    let written = write_reports(&args.out, &report)?;
    super::print_styled(&reporter::terminal::summary(&report))?;
    for path in written {
        println!("wrote {}", path.display());
    }
    for (part, error) in assess::gate::failed_parts(&report) {
        eprintln!("perfscope: the {part} part failed: {error}");
    }
    Ok(ExitCode::SUCCESS)
}
