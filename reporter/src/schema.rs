//! JSON Schemas of perfscope's documents: `report.json` (what `perfscope schema`
//! prints) and each single document.

use model::analyze::AnalyzeReport;
use model::bundle::BundleReport;
use model::report::Report;
use model::vitals::VitalsReport;

/// The JSON Schema (draft 2020-12) of [`Report`], generated from the model.
pub fn report_schema() -> serde_json::Value {
    schemars::schema_for!(Report).to_value()
}

/// The JSON Schema of the document of one `kind`: `report`, `analyze`, `bundle`
/// or `vitals`.
pub fn schema_for_kind(kind: &str) -> Option<serde_json::Value> {
    match kind {
        "report" => Some(report_schema()),
        "analyze" => Some(schemars::schema_for!(AnalyzeReport).to_value()),
        "bundle" => Some(schemars::schema_for!(BundleReport).to_value()),
        "vitals" => Some(schemars::schema_for!(VitalsReport).to_value()),
        _ => None,
    }
}
