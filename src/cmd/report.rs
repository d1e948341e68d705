//! `perfscope report [DIR]`: runs whichever analyses apply and writes
//! `report.html`, `report.md` and `report.json` into `--out`.

use std::path::PathBuf;
use std::process::ExitCode;

use super::Context;
use super::gather::{Inputs, failed_parts, gather, write_reports};

/// Arguments of `perfscope report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Folder the three reports are written to.
    #[arg(long, default_value = "perfscope-report")]
    pub out: PathBuf,
    /// Baseline `report.json` (e.g. from the main branch): the Markdown shows the diff.
    #[arg(long, value_name = "BASE.json")]
    pub baseline: Option<PathBuf>,
    /// Relative worsening above which a metric is a regression (default 0.2 = 20%,
    /// or `[baseline] threshold`).
    #[arg(long)]
    pub threshold: Option<f64>,
}

/// Runs `perfscope report`. Exit 0 when the reports were written, even if a
/// part failed (its error is in the reports); `perfscope check` is the gate.
pub fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    let baseline = match &args.baseline {
        Some(path) => Some(super::diff::read_report(path)?),
        None => None,
    };
    let gathered = gather(&args.inputs, ctx)?;
    let threshold = args.threshold.unwrap_or(gathered.config.baseline.threshold);
    let report = &gathered.report;
    for path in write_reports(&args.out, report, baseline.as_ref(), threshold)? {
        println!("wrote {}", path.display());
    }
    for (name, error) in failed_parts(report) {
        eprintln!("perfscope: the {name} part failed: {error}");
    }
    Ok(ExitCode::SUCCESS)
}
