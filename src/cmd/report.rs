//! `perfscope report [DIR]`: runs whichever analyses apply and writes
//! `report.html`, `report.md` and `report.json` into `--out`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use super::Context;
use super::gather::{Inputs, gather};

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
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let html = reporter::html::render(report).context("cannot render the HTML report")?;
    let markdown = reporter::markdown::render(report, baseline.as_ref(), threshold);
    let json = reporter::json::render(report).context("cannot render the JSON report")?;
    for (name, text) in [
        ("report.html", html),
        ("report.md", markdown),
        ("report.json", json),
    ] {
        let path = args.out.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    for (name, error) in [
        ("source", report.analyze.error()),
        ("bundle", report.bundle.error()),
        ("vitals", report.vitals.error()),
    ] {
        if let Some(error) = error {
            eprintln!("perfscope: the {name} part failed: {error}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
