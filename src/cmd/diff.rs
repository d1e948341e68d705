//! `perfscope diff BASE.json HEAD.json`: assesses HEAD against BASE (two
//! `report.json` files, or two `analyze`/`bundle`/`vitals` documents) and
//! prints the result as a Markdown comment, JSON (the assessment), or a short
//! terminal summary. The verdict is the gate of `perfscope check --baseline`
//! on the same inputs: exit 1 when it fails, 0 when it passes.

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
    /// Relative worsening above which a metric is a regression (default 0.2 =
    /// 20%, or `[baseline] threshold` of ./perfscope.toml).
    #[arg(long, value_parser = parse_threshold)]
    pub threshold: Option<f64>,
}

/// Parses a threshold: a ratio (`0.2`) or a percentage (`20%`), finite and not negative.
pub fn parse_threshold(text: &str) -> Result<f64, String> {
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
    let bytes = project::fsx::read_regular(path, MAX_REPORT_BYTES)
        .with_context(|| format!("cannot read {}", path.display()))?
        .with_context(|| format!("cannot read {}: no such file", path.display()))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("{}: not UTF-8 text", path.display()))?;
    reporter::json::parse_document(&text).with_context(|| path.display().to_string())
}

/// Reports larger than this are not read.
const MAX_REPORT_BYTES: u64 = 1024 * 1024 * 1024;

/// Runs `perfscope diff`.
pub fn run(args: Args, _ctx: &Context) -> anyhow::Result<ExitCode> {
    let base = read_report(&args.base)?;
    let mut head = read_report(&args.head)?;
    let config = crate::config::Config::load(Path::new("."))?;
    let options = config.assess_options(args.threshold);
    assess::assess_into(&mut head, Some(&base), &options);
    let Some(assessment) = &head.assessment else {
        anyhow::bail!("the report was not assessed");
    };
    match args.format {
        Format::Markdown => super::print_text(&reporter::markdown::render(&head))?,
        Format::Sarif => super::print_text(&reporter::sarif::render(&head))?,
        Format::Github => super::print_text(&reporter::sarif::github(&head))?,
        Format::Json => super::print_json(assessment)?,
        Format::Human => super::print_styled(&reporter::terminal::diff(assessment))?,
    }
    Ok(super::gate_exit(&head))
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
