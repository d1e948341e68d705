//! The HTML report: one self-contained file (CSS and JS inlined, nothing from
//! the network) that opens from `file://` and prints.
//!
//! Rust builds plain view structs (every number already formatted) and the
//! askama templates under `reporter/templates/` lay them out, escaping every value. The
//! treemap's data is embedded as JSON made safe for a `<script>` element
//! ([`script_json`]); a Content-Security-Policy allows only the report's own
//! inline script, by hash.

mod bundle;
mod children;
mod coverage;
mod cpu;
mod flow_timeline;
mod react;
pub mod script_json;
mod section;
mod source;
mod summary;
pub mod treemap;
mod vitals;

use askama::Template;
use model::finding::{Finding, FindingKind, PartId};
use model::report::Report;

use crate::ReportError;
pub use section::Section;

const CSS: &str = include_str!("../../templates/report.css");
const JS: &str = include_str!("../../templates/report.js");

/// The whole page (`templates/report.html`).
#[derive(Template)]
#[template(path = "report.html")]
struct Page {
    title: String,
    generated_by: String,
    csp: String,
    css: &'static str,
    js: &'static str,
    summary: summary::SummaryView,
    source: Section<source::SourceView>,
    bundle: Section<bundle::BundleView>,
    vitals: Section<vitals::VitalsView>,
    treemap_json: String,
}

/// Renders the report as one self-contained HTML page.
pub fn render(report: &Report) -> Result<String, ReportError> {
    let treemap_json = match report.bundle.document() {
        Some(b) => script_json::to_script_json(&treemap::build(b))?,
        None => "null".to_string(),
    };
    // The project's name; else what was analysed (never a throwaway server URL
    // when something steadier exists).
    let subject = report
        .project
        .clone()
        .or_else(|| report.bundle.document().map(|b| b.root.clone()))
        .or_else(|| {
            report
                .analyze
                .document()
                .and_then(|a| a.entries.first().map(|e| e.path.clone()))
        })
        .or_else(|| report.vitals.document().map(|v| v.url.clone()));
    let page = Page {
        title: match subject {
            Some(s) => format!("perfscope report: {s}"),
            None => "perfscope report".to_string(),
        },
        generated_by: report.generated_by.clone(),
        csp: format!(
            "default-src 'none'; style-src 'unsafe-inline'; script-src {}; img-src data:",
            csp_hash(JS)
        ),
        css: CSS,
        js: JS,
        summary: summary::build(report),
        source: Section::from_part(&report.analyze, "Source analysis", |a| {
            source::build(a, report)
        }),
        bundle: Section::from_part(&report.bundle, "Bundle analysis", |b| {
            bundle::build(b, report)
        }),
        vitals: Section::from_part(&report.vitals, "Vitals", |v| vitals::build(v, report)),
        treemap_json,
    };
    page.render().map_err(|source| ReportError::Template {
        template: "report.html",
        source,
    })
}

/// Where the page lists the findings of a kind. Every section's findings
/// come from the report's assessment (the parts' own when it was never
/// assessed, [`crate::findings`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Table {
    /// A table (or list) of its own in its part's section, built from the
    /// kind's typed detail.
    Own,
    /// The vitals section's network findings (kind, URL, message).
    Network,
    /// Its part's "Other findings" (kind, where, message).
    Other,
}

/// The table of each kind: a new kind must be placed here (a kind placed in
/// `Other` is still shown, in its part's "Other findings").
fn table(kind: FindingKind) -> Table {
    match kind {
        FindingKind::LazyCandidates
        | FindingKind::DuplicatePackages
        | FindingKind::Cycles
        | FindingKind::UnusedFiles
        | FindingKind::UnusedExports
        | FindingKind::UnusedDependencies
        | FindingKind::UnusedDevDependencies
        | FindingKind::DependenciesOnlyInTooling
        | FindingKind::DevDependenciesInProduction
        | FindingKind::UnlistedDependencies => Table::Own,
        FindingKind::BundleDuplicatePackages | FindingKind::DuplicateModules => Table::Own,
        FindingKind::SlowRenders | FindingKind::SlowCommits => Table::Own,
        FindingKind::UncompressedResponses
        | FindingKind::ShortCache
        | FindingKind::RequestWaterfalls
        | FindingKind::NPlusOneRequests
        | FindingKind::SlowApiCalls
        | FindingKind::FailedRequests
        | FindingKind::PendingRequests
        // Its modules and packages are in "Unused JavaScript at load" too.
        | FindingKind::UnusedJavascript => Table::Network,
        // Told in their flow's table too.
        FindingKind::UnnecessaryRenders | FindingKind::MemoryLeak => Table::Other,
    }
}

/// A finding in a generic table: its kind's id and title, where it is
/// (`path:line`, a URL, a name) and its message.
pub struct FindingRow {
    pub kind: &'static str,
    pub title: &'static str,
    pub subject: String,
    pub message: String,
}

impl FindingRow {
    fn of(f: &Finding) -> Self {
        FindingRow {
            kind: f.kind.id(),
            title: f.kind.title(),
            subject: f.location(),
            message: f.message.clone(),
        }
    }
}

/// The findings of `part` listed in generic rows because `table` says so
/// (`Network`, `Other`), by kind in report order.
fn generic_rows(report: &Report, part: PartId, place: Table) -> Vec<FindingRow> {
    crate::findings::of_part(report, part)
        .into_iter()
        .filter(|f| table(f.kind) == place)
        .map(FindingRow::of)
        .collect()
}

/// A part's "Other findings": the kinds without a table of their own, then
/// the findings `Own` tables could not show (a detail of another shape).
struct Others(Vec<FindingRow>);

impl Others {
    fn of(report: &Report, part: PartId) -> Self {
        Others(generic_rows(report, part, Table::Other))
    }

    /// The rows of `kind`'s own table, made by `row`; a finding `row`
    /// cannot show goes to the other findings instead.
    fn rows<'a, R>(
        &mut self,
        report: &'a Report,
        kind: FindingKind,
        row: impl Fn(&'a Finding) -> Option<R>,
    ) -> Vec<R> {
        debug_assert_eq!(table(kind), Table::Own, "{kind} has no table of its own");
        let mut out = Vec::new();
        for f in crate::findings::of_kind(report, kind) {
            match row(f) {
                Some(r) => out.push(r),
                None => self.0.push(FindingRow::of(f)),
            }
        }
        out
    }
}

/// The Content-Security-Policy source that allows exactly `script`:
/// `'sha256-<base64 of its SHA-256>'`.
pub fn csp_hash(script: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(script.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

#[cfg(test)]
mod csp_tests {
    #[test]
    fn csp_hash_is_the_base64_sha256_of_the_script() {
        // sha256("abc") = ba7816bf…15ad (FIPS 180-2 test vector), in base64.
        assert_eq!(
            super::csp_hash("abc"),
            "'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='"
        );
    }
}
