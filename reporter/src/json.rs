//! `report.json`: the joined document, pretty-printed.

use model::report::Report;

use crate::ReportError;

/// The report as pretty-printed JSON, ending with a newline.
pub fn render(report: &Report) -> Result<String, ReportError> {
    let mut text =
        serde_json::to_string_pretty(report).map_err(|source| ReportError::Serialize {
            what: "the report",
            source,
        })?;
    text.push('\n');
    Ok(text)
}

/// Reads a JSON document written by perfscope: a `report.json`, or a single
/// `analyze`, `bundle` or `vitals` document (wrapped as a report with that one
/// part), so any of them can be compared: `perfscope diff` and `--baseline`
/// pass the result to `assess::assess_into` (the `perfscope-assess` crate),
/// which assesses a report against a baseline.
pub fn parse_document(text: &str) -> Result<Report, ReportError> {
    let mut report = parse_unnormalized(text)?;
    report.normalize();
    Ok(report)
}

fn parse_unnormalized(text: &str) -> Result<Report, ReportError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|source| ReportError::Json {
            what: "the document",
            source,
        })?;
    let version = value.get("schema_version").and_then(|v| v.as_u64());
    match version {
        Some(v) if v > u64::from(model::SCHEMA_VERSION) => {
            return Err(ReportError::NewerSchema {
                found: v,
                supported: model::SCHEMA_VERSION,
            });
        }
        Some(_) => {}
        None => return Err(ReportError::NoSchemaVersion),
    }
    let kind = value
        .get("kind")
        .and_then(|k| k.as_str())
        .unwrap_or("")
        .to_string();
    let parse_err = |source| ReportError::Json {
        what: "the document",
        source,
    };
    let generated_by = String::from("perfscope");
    use model::report::Part;
    match kind.as_str() {
        "analyze" => Ok(Report::new(
            generated_by,
            Part::Ok {
                document: serde_json::from_value(value).map_err(parse_err)?,
            },
            Part::default(),
            Part::default(),
        )),
        "bundle" => Ok(Report::new(
            generated_by,
            Part::default(),
            Part::Ok {
                document: serde_json::from_value(value).map_err(parse_err)?,
            },
            Part::default(),
        )),
        "vitals" => Ok(Report::new(
            generated_by,
            Part::default(),
            Part::default(),
            Part::Ok {
                document: serde_json::from_value(value).map_err(parse_err)?,
            },
        )),
        "report" => serde_json::from_value(value).map_err(parse_err),
        other => Err(ReportError::UnknownKind(other.to_string())),
    }
}
