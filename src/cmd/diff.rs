//! `perfscope diff BASE.json HEAD.json`: compares two JSON reports (or two
//! `analyze`/`bundle`/`vitals` documents) and prints the comparison as a
//! Markdown comment, JSON, or a short terminal summary. It always exits 0 when
//! both files were read; `perfscope check --baseline` is the gate.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use model::report::Report;

use super::{Context, Format};

/// Arguments of `perfscope diff`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The baseline: `report.json` of the main branch (or an analyze/bundle/vitals document).
    pub base: PathBuf,
    /// The head: `report.json` of the change.
    pub head: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Relative worsening above which a metric is a regression (0.2 = 20%).
    #[arg(long, default_value_t = reporter::DEFAULT_THRESHOLD, value_parser = parse_threshold)]
    pub threshold: f64,
}

fn parse_threshold(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .trim()
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("`{text}` is not a number (e.g. 0.2 for 20%)"))?;
    let value = if text.trim().ends_with('%') {
        value / 100.0
    } else {
        value
    };
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(format!("`{text}`: the threshold must be 0 or more"))
    }
}

/// Reads a report (or a single analysis document) from `path`.
pub fn read_report(path: &Path) -> anyhow::Result<Report> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    reporter::json::parse_document(&text)
        .with_context(|| format!("{} is not a perfscope JSON document", path.display()))
}

/// Runs `perfscope diff`.
pub fn run(args: Args, _ctx: &Context) -> anyhow::Result<ExitCode> {
    let base = read_report(&args.base)?;
    let head = read_report(&args.head)?;
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Markdown => {
            out.write_all(
                reporter::markdown::render(&head, Some(&base), args.threshold).as_bytes(),
            )?;
        }
        Format::Json => {
            drop(out);
            super::print_json(&reporter::diff::compare(&base, &head, args.threshold))?;
            return Ok(ExitCode::SUCCESS);
        }
        Format::Human => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let diff = reporter::diff::compare(&base, &head, args.threshold);
            out.write_all(reporter::terminal::render_diff(&diff, color).as_bytes())?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::parse_threshold;

    #[test]
    fn thresholds_accept_ratios_and_percentages() {
        assert_eq!(parse_threshold("0.2"), Ok(0.2));
        assert_eq!(parse_threshold("15%"), Ok(0.15));
        assert!(parse_threshold("-1").is_err());
        assert!(parse_threshold("abc").is_err());
    }
}
