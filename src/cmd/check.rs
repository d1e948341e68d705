//! `perfscope check [DIR]`: the CI gate. Runs what applies (source findings,
//! bundle budgets, vitals budgets), compares with a baseline when given, prints
//! a pass/fail table and exits 1 when anything fails.
//!
//! What fails: every budget that does not hold (budgets are explicit limits, so
//! they gate with or without a baseline); findings whose kind `[analyze] errors`
//! lists — all of them without a baseline, only the new ones with
//! `--baseline`; metrics that got worse than the baseline by more than the
//! threshold. A part that could not run at all (e.g. no browser) exits 2.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use super::gather::{Inputs, failed_parts, gather, write_reports};
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
    #[arg(long)]
    pub threshold: Option<f64>,
    /// Also write `report.html`, `report.md` and `report.json` here.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Output format (`human` table or `json`).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// One line of the gate's table.
#[derive(Debug, Clone, Serialize)]
pub struct CheckRow {
    /// `source`, `bundle`, `vitals` or `baseline`.
    pub part: String,
    /// What is checked.
    pub name: String,
    /// The limit, for humans.
    pub limit: String,
    /// The measured value, for humans.
    pub actual: String,
    /// Whether it holds.
    pub pass: bool,
}

/// The gate's JSON document.
#[derive(Debug, Serialize)]
struct CheckDocument<'a> {
    schema_version: u32,
    kind: &'static str,
    pass: bool,
    failed_parts: &'a [String],
    checks: &'a [CheckRow],
}

/// Runs `perfscope check`.
pub fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    let baseline = match &args.baseline {
        Some(path) => Some(super::diff::read_report(path)?),
        None => None,
    };
    let gathered = gather(&args.inputs, ctx)?;
    let report = &gathered.report;
    let config = &gathered.config;
    let threshold = args.threshold.unwrap_or(config.baseline.threshold);
    let error_ids = &config.analyze.errors;

    let mut rows: Vec<CheckRow> = reporter::budgets::rows(report)
        .into_iter()
        .map(|b| CheckRow {
            part: b.part.to_string(),
            name: format!("{} ({})", b.name, b.metric),
            limit: b.limit,
            actual: b.actual,
            pass: b.pass,
        })
        .collect();

    match &baseline {
        None => {
            let findings = reporter::findings::collect(report);
            for id in error_ids {
                let count = findings.iter().filter(|f| f.kind.id() == id).count();
                rows.push(CheckRow {
                    part: "source".into(),
                    name: format!("{id} (configured as error)"),
                    limit: "0".into(),
                    actual: count.to_string(),
                    pass: count == 0,
                });
            }
        }
        Some(base) => {
            let diff = reporter::diff::compare(base, report, threshold);
            for metric in &diff.metrics {
                let regressed = metric.status == reporter::diff::Status::Regression;
                rows.push(CheckRow {
                    part: "baseline".into(),
                    name: metric.label.clone(),
                    limit: match metric.base {
                        Some(base) => {
                            format!("≤ {} +{:.0}%", metric.unit.format(base), threshold * 100.0)
                        }
                        None => "new".into(),
                    },
                    actual: metric
                        .head
                        .map_or_else(|| "not measured".into(), |v| metric.unit.format(v)),
                    pass: !regressed,
                });
            }
            let new_errors: Vec<_> = diff
                .new_findings()
                .filter(|f| error_ids.iter().any(|id| id == f.kind.id()))
                .collect();
            for id in error_ids {
                let new: Vec<_> = new_errors.iter().filter(|f| f.kind.id() == id).collect();
                rows.push(CheckRow {
                    part: "baseline".into(),
                    name: format!("new {id} (configured as error)"),
                    limit: "0".into(),
                    actual: if new.is_empty() {
                        "0".into()
                    } else {
                        let names: Vec<String> = new
                            .iter()
                            .take(3)
                            .map(|f| {
                                if f.detail.is_empty() {
                                    f.subject.clone()
                                } else {
                                    format!("{} {}", f.subject, f.detail)
                                }
                            })
                            .collect();
                        format!("{} ({})", new.len(), names.join(", "))
                    },
                    pass: new.is_empty(),
                });
            }
        }
    }

    let failed_parts: Vec<String> = failed_parts(report)
        .into_iter()
        .map(|(name, error)| format!("{name}: {error}"))
        .collect();

    if let Some(out) = &args.out {
        write_reports(out, report, baseline.as_ref(), threshold)?;
    }

    let pass = rows.iter().all(|r| r.pass);
    match args.format {
        Format::Json => super::print_json(&CheckDocument {
            schema_version: model::SCHEMA_VERSION,
            kind: "check",
            pass: pass && failed_parts.is_empty(),
            failed_parts: &failed_parts,
            checks: &rows,
        })?,
        Format::Human | Format::Markdown => print_table(&rows, &failed_parts)?,
    }
    Ok(if !failed_parts.is_empty() {
        ExitCode::from(2)
    } else if pass {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_table(rows: &[CheckRow], failed_parts: &[String]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    let width = |f: fn(&CheckRow) -> &str, title: &str| {
        rows.iter()
            .map(|r| f(r).chars().count())
            .chain([title.len()])
            .max()
            .unwrap_or(0)
    };
    let (wp, wn, wl) = (
        width(|r| &r.part, "part"),
        width(|r| &r.name, "check"),
        width(|r| &r.limit, "limit"),
    );
    writeln!(
        out,
        "{:6} {:wp$}  {:wn$}  {:wl$}  actual",
        "", "part", "check", "limit"
    )?;
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let paint = |text: &str, code: &str| {
        if color {
            format!("\x1b[{code}m{text:6}\x1b[0m")
        } else {
            format!("{text:6}")
        }
    };
    for r in rows {
        let verdict = if r.pass {
            paint("PASS", "32")
        } else {
            paint("FAIL", "1;31")
        };
        writeln!(
            out,
            "{verdict} {:wp$}  {:wn$}  {:wl$}  {}",
            r.part, r.name, r.limit, r.actual
        )?;
    }
    for part in failed_parts {
        writeln!(out, "{} {part}", paint("ERROR", "1;31"))?;
    }
    let failed = rows.iter().filter(|r| !r.pass).count();
    writeln!(
        out,
        "\n{} checks, {} failed{}",
        rows.len(),
        failed,
        if failed_parts.is_empty() {
            String::new()
        } else {
            format!(", {} part(s) could not run", failed_parts.len())
        }
    )?;
    Ok(())
}
