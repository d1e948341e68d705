//! The HTML report: one self-contained file (CSS and JS inlined, nothing from
//! the network) that opens from `file://` and prints.
//!
//! Rust builds plain view structs (every number already formatted) and the
//! askama templates under `templates/` lay them out, escaping every value. The
//! treemap's data is embedded as JSON made safe for a `<script>` element
//! ([`script_json`]); a Content-Security-Policy allows only the report's own
//! inline script, by hash.

mod bundle;
pub mod script_json;
mod section;
pub mod sha256;
mod source;
mod summary;
pub mod treemap;
mod vitals;

use askama::Template;
use model::report::Report;

use crate::ReportError;
pub use section::Section;

const CSS: &str = include_str!("../../../templates/report.css");
const JS: &str = include_str!("../../../templates/report.js");

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
    let subject = report
        .vitals
        .document()
        .map(|v| v.url.clone())
        .or_else(|| report.bundle.document().map(|b| b.root.clone()))
        .or_else(|| {
            report
                .analyze
                .document()
                .and_then(|a| a.entries.first().map(|e| e.path.clone()))
        });
    let page = Page {
        title: match subject {
            Some(s) => format!("perfscope report: {s}"),
            None => "perfscope report".to_string(),
        },
        generated_by: report.generated_by.clone(),
        csp: format!(
            "default-src 'none'; style-src 'unsafe-inline'; script-src {}; img-src data:",
            sha256::csp_hash(JS)
        ),
        css: CSS,
        js: JS,
        summary: summary::build(report),
        source: Section::from_part(&report.analyze, "Source analysis", source::build),
        bundle: Section::from_part(&report.bundle, "Bundle analysis", bundle::build),
        vitals: Section::from_part(&report.vitals, "Vitals", vitals::build),
        treemap_json,
    };
    page.render().map_err(|source| ReportError::Template {
        template: "report.html",
        source,
    })
}
