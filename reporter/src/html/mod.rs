//! The HTML report: one self-contained file (CSS and JS inlined, nothing from
//! the network) that opens from `file://` and prints.
//!
//! Rust builds plain view structs (every number already formatted) and the
//! askama templates under `reporter/templates/` lay them out, escaping every value. The
//! treemap's data is embedded as JSON made safe for a `<script>` element
//! ([`script_json`]); a Content-Security-Policy allows only the report's own
//! inline script, by hash.

mod bundle;
pub mod script_json;
mod section;
mod source;
mod summary;
pub mod treemap;
mod vitals;

use askama::Template;
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
