//! The vitals section's "Unused JavaScript at load": the median run's
//! scripts by the unused code they transferred, with the packages and
//! modules it comes from, and its stylesheets' unused rules.

use model::vitals::{CoverageReport, ScriptUsage, StylesheetUsage};

use crate::format;

/// Scripts and stylesheets the table lists at most.
const MAX_ROWS: usize = 10;

/// One script of the table.
pub struct ScriptRow {
    pub url: String,
    /// Inline scripts of the document, how many.
    pub inline: String,
    pub transfer: String,
    pub transfer_v: u64,
    pub unused: String,
    pub unused_v: f64,
    pub wasted: String,
    pub wasted_v: u64,
    /// Its top sources of unused code: `name 99% (33 KB)`, joined.
    pub sources: String,
    /// Over Lighthouse's 20 KiB: an `unused-javascript` finding.
    pub over: bool,
}

/// One stylesheet of the table.
pub struct StylesheetRow {
    pub url: String,
    pub transfer: String,
    pub unused: String,
    pub wasted: String,
}

/// The table.
pub struct CoverageView {
    /// `run 2`, the run measured.
    pub run: String,
    pub scripts: Vec<ScriptRow>,
    /// Scripts with unused code not listed.
    pub more_scripts: usize,
    /// Taken per block (branches of functions that ran too) rather than
    /// per function, Lighthouse's basis.
    pub block: bool,
    pub stylesheets: Vec<StylesheetRow>,
}

fn script_row(s: &ScriptUsage) -> ScriptRow {
    ScriptRow {
        url: s.url.clone(),
        inline: if s.inline {
            format!(
                "{} inline script{}",
                s.scripts,
                if s.scripts == 1 { "" } else { "s" }
            )
        } else {
            String::new()
        },
        transfer: format::bytes(s.transfer_bytes),
        transfer_v: s.transfer_bytes,
        unused: format!("{:.0}%", s.unused_ratio * 100.0),
        unused_v: s.unused_ratio,
        wasted: format::bytes(s.wasted_bytes),
        wasted_v: s.wasted_bytes,
        sources: s
            .top_sources(3)
            .iter()
            .map(|t| {
                format!(
                    "{} {:.0}% ({})",
                    t.name,
                    t.unused_ratio * 100.0,
                    format::bytes(t.wasted_bytes)
                )
            })
            .collect::<Vec<_>>()
            .join(" · "),
        over: s.over_threshold(),
    }
}

fn stylesheet_row(s: &StylesheetUsage) -> StylesheetRow {
    let url = match (s.url.is_empty(), s.inline) {
        (true, _) => "constructed stylesheet".to_string(),
        (false, true) => format!("<style> in {}", s.url),
        (false, false) => s.url.clone(),
    };
    StylesheetRow {
        url,
        transfer: format::bytes(s.transfer_bytes),
        unused: format!("{:.0}%", s.unused_ratio * 100.0),
        wasted: format::bytes(s.wasted_bytes),
    }
}

/// The table of a coverage report: the scripts with unused code (most
/// transferred first, at most 10), then the stylesheets.
pub fn build(c: &CoverageReport) -> CoverageView {
    let with_unused: Vec<&ScriptUsage> = c.scripts.iter().filter(|s| s.unused_bytes > 0).collect();
    CoverageView {
        run: format!("run {}", c.run + 1),
        scripts: with_unused
            .iter()
            .take(MAX_ROWS)
            .map(|s| script_row(s))
            .collect(),
        more_scripts: with_unused.len().saturating_sub(MAX_ROWS),
        block: c.granularity == model::vitals::CoverageGranularity::Block,
        stylesheets: c
            .stylesheets
            .iter()
            .filter(|s| s.unused_bytes > 0)
            .take(MAX_ROWS)
            .map(stylesheet_row)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use model::vitals::SourceUsage;

    use super::*;

    fn source(name: &str, package: Option<&str>, unused: u64, ratio: f64) -> SourceUsage {
        SourceUsage {
            name: name.into(),
            package: package.map(str::to_string),
            total_bytes: unused * 2,
            unused_bytes: unused,
            unused_ratio: ratio,
            wasted_bytes: unused / 4,
        }
    }

    #[test]
    fn a_script_row_names_its_packages_and_own_modules() {
        let script = ScriptUsage {
            url: "http://127.0.0.1:1/app.js".into(),
            scripts: 1,
            total_bytes: 120_000,
            unused_bytes: 113_000,
            unused_ratio: 0.9417,
            transfer_bytes: 36_000,
            wasted_bytes: 34_000,
            modules: vec![
                source("src/chart.js", None, 110_000, 0.99),
                source(
                    "node_modules/dayjs/dayjs.min.js",
                    Some("dayjs"),
                    3_000,
                    0.45,
                ),
                source("(unmapped)", None, 9_000, 0.5),
            ],
            packages: vec![source("dayjs", None, 3_000, 0.45)],
            ..ScriptUsage::default()
        };
        let view = build(&CoverageReport {
            run: 1,
            granularity: Default::default(),
            scripts: vec![script, ScriptUsage::default()],
            stylesheets: vec![StylesheetUsage {
                url: "http://127.0.0.1:1/".into(),
                inline: true,
                unused_bytes: 30,
                unused_ratio: 0.6,
                ..StylesheetUsage::default()
            }],
        });
        assert_eq!(view.run, "run 2");
        // The script without unused code is not listed.
        assert_eq!(view.scripts.len(), 1);
        let row = &view.scripts[0];
        assert_eq!(
            (
                row.transfer.as_str(),
                row.unused.as_str(),
                row.wasted.as_str(),
                row.over
            ),
            ("36 KB", "94%", "34 KB", true)
        );
        assert_eq!(
            row.sources,
            "src/chart.js 99% (27.5 KB) · dayjs 45% (750 B)"
        );
        assert_eq!(view.stylesheets[0].url, "<style> in http://127.0.0.1:1/");
    }
}
