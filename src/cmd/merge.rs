//! `perfscope merge <report.json>... -o DIR`: joins the reports of the
//! shards of one measurement (`--shard K/N` of `vitals`, `report` or
//! `check`) into one, recomputes each page's median run, spreads, findings
//! and budgets from every shard's runs exactly as an unsharded measurement
//! does (`vitals::merge`), assesses the result once (against `--baseline`
//! when given) and writes the same four files as `report`.
//!
//! The source and build-output parts do not depend on the shard: they are
//! taken from the first shard that has them. The configuration is read
//! from DIR (`perfscope.toml`, `lighthouserc`) and must be the one the
//! shards were measured with. Exit codes are `check`'s: 1 when the merged
//! report fails the gate, 2 when the reports cannot be merged.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use model::assessment::CheckKind;
use model::report::{Part, Report};

use super::Context;
use super::gather::write_reports;

/// Arguments of `perfscope merge`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shards' reports: `report.json` of `report`/`check --out`, or the
    /// JSON of `vitals --format json`, one per shard.
    #[arg(required = true, value_name = "REPORT.json")]
    pub reports: Vec<PathBuf>,
    /// Folder the four reports (HTML, Markdown, JSON, SARIF) are written to.
    #[arg(long, short = 'o', default_value = "perfscope-report")]
    pub out: PathBuf,
    /// Project folder whose `perfscope.toml` and `lighthouserc` the shards
    /// were measured with.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    /// Baseline `report.json` (e.g. from the main branch): the reports show the diff.
    #[arg(long, value_name = "BASE.json")]
    pub baseline: Option<PathBuf>,
    /// Relative worsening above which a metric is a regression (default 0.2 = 20%,
    /// or `[baseline] threshold`).
    #[arg(long, value_parser = super::diff::parse_threshold)]
    pub threshold: Option<f64>,
}

/// Runs `perfscope merge`.
pub fn run(args: Args, _ctx: &Context) -> anyhow::Result<ExitCode> {
    let mut reports = Vec::with_capacity(args.reports.len());
    for path in &args.reports {
        reports.push((path.display().to_string(), super::diff::read_report(path)?));
    }
    let baseline = match &args.baseline {
        Some(path) => Some(super::diff::read_report(path)?),
        None => None,
    };
    let config = crate::config::Config::load(&args.dir)?;
    let mut options = vitals::VitalsOptions::from_config(&config.vitals);
    options.severities = config.severities();
    let mut report = merged(&reports, &options)?;
    let assess_options = config.assess_options(args.threshold);
    assess::assess_into(&mut report, baseline.as_ref(), &assess_options);
    let written = write_reports(&args.out, &report)?;
    super::print_styled(&reporter::terminal::summary(&report))?;
    for path in written {
        println!("wrote {}", path.display());
    }
    let Some(assessment) = &report.assessment else {
        anyhow::bail!("the report was not assessed");
    };
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

/// The joined report: vitals merged from every shard's runs; the source
/// and build-output parts of the first shard (by K) that has them.
fn merged(reports: &[(String, Report)], options: &vitals::VitalsOptions) -> anyhow::Result<Report> {
    let mut shards = Vec::with_capacity(reports.len());
    for (name, report) in reports {
        let document = report.vitals.document().with_context(|| {
            format!(
                "{name} has no browser measurement ({})",
                report.vitals.absent_reason().unwrap_or("the part failed")
            )
        })?;
        shards.push((name.clone(), document.clone()));
    }
    let vitals = vitals::merge(&shards, options)?;
    let mut ordered: Vec<&Report> = reports.iter().map(|(_, r)| r).collect();
    ordered.sort_by_key(|r| {
        r.vitals
            .document()
            .and_then(|d| d.shard.as_ref())
            .map_or(usize::MAX, |s| s.index)
    });
    let first_ok = |pick: &dyn Fn(&Report) -> bool| ordered.iter().copied().find(|r| pick(r));
    let analyze = first_ok(&|r| r.analyze.document().is_some())
        .map_or_else(|| ordered[0].analyze.clone(), |r| r.analyze.clone());
    let bundle = first_ok(&|r| r.bundle.document().is_some())
        .map_or_else(|| ordered[0].bundle.clone(), |r| r.bundle.clone());
    let mut report = Report::new(
        super::generated_by(),
        analyze,
        bundle,
        Part::Ok { document: vitals },
    );
    report.project = ordered[0].project.clone();
    Ok(report)
}
