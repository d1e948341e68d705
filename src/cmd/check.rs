//! `perfscope check [DIR]`: the CI gate. Runs what applies (source findings,
//! bundle budgets, vitals budgets), assesses the report (against a baseline
//! when given), prints the gate and exits 1 when it fails.
//!
//! The gate is the assessment's (`perfscope-assess`): every budget, findings
//! whose kind is configured as an error (only new ones with `--baseline`),
//! and with a baseline every headline metric that regressed beyond the
//! threshold. A part that could not run at all (e.g. no browser) exits 2.

use std::path::PathBuf;
use std::process::ExitCode;

use model::assessment::CheckKind;
use serde::Serialize;

use super::gather::{Inputs, gather, write_reports};
use super::{Context, Format};

/// Arguments of `perfscope check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Baseline `report.json` (e.g. the main branch's): fail on regressions and
    /// new findings only.
    #[arg(long, value_name = "BASE.json")]
    pub baseline: Option<PathBuf>,
    /// Relative worsening above which a metric is a regression (default 0.2 =
    /// 20%, or `[baseline] threshold`).
    #[arg(long, value_parser = super::diff::parse_threshold)]
    pub threshold: Option<f64>,
    /// Also write `report.html`, `report.md`, `report.json` and `report.sarif` here.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Output format (`human` table, `json` gate, `markdown` PR comment,
    /// `sarif` for code scanning, `github` workflow annotations).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Browser runs `check` makes unless told: enough for the runs' spread to
/// tell a regression from noise.
const CHECK_RUNS: usize = 5;

/// The gate's JSON document.
#[derive(Debug, Serialize)]
struct CheckDocument<'a> {
    schema_version: u32,
    kind: &'static str,
    pass: bool,
    gate: &'a model::assessment::Gate,
}

/// Runs `perfscope check`.
pub fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    let baseline = match &args.baseline {
        Some(path) => Some(super::diff::read_report(path)?),
        None => None,
    };
    let gathered = gather(&args.inputs, ctx, CHECK_RUNS)?;
    let mut report = gathered.report;
    // A gate that checked nothing must not pass.
    let absent = |reason: Option<&str>| reason.map(str::to_string);
    if let (Some(source), Some(bundle), Some(vitals)) = (
        absent(report.analyze.absent_reason()),
        absent(report.bundle.absent_reason()),
        absent(report.vitals.absent_reason()),
    ) {
        eprintln!(
            "perfscope: nothing to check in {}:\n  source: {source}\n  build output: {bundle}\n  browser: {vitals}",
            args.inputs.dir.display()
        );
        return Ok(ExitCode::from(2));
    }
    let options = gathered.config.assess_options(args.threshold);
    assess::assess_into(&mut report, baseline.as_ref(), &options);
    let Some(assessment) = &report.assessment else {
        anyhow::bail!("the report was not assessed");
    };

    if let Some(out) = &args.out {
        write_reports(out, &report)?;
    }
    match args.format {
        Format::Json => super::print_json(&CheckDocument {
            schema_version: model::SCHEMA_VERSION,
            kind: "check",
            pass: assessment.gate.pass,
            gate: &assessment.gate,
        })?,
        Format::Markdown => super::print_text(&reporter::markdown::render(&report))?,
        Format::Sarif => super::print_text(&reporter::sarif::render(&report))?,
        Format::Github => super::print_text(&reporter::sarif::github(&report))?,
        Format::Human => super::print_styled(&reporter::terminal::gate(assessment))?,
    }
    let part_failed = assessment
        .gate
        .failures()
        .any(|c| c.kind == CheckKind::Part);
    Ok(if part_failed {
        ExitCode::from(2)
    } else if assessment.gate.pass {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
