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
/// which assesses a report against a baseline. A document of an earlier
/// schema is brought to the current one first ([`model::upgrade::upgrade`]);
/// one of a newer schema is refused.
pub fn parse_document(text: &str) -> Result<Report, ReportError> {
    let mut value: serde_json::Value =
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
    model::upgrade::upgrade(&mut value);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn older_documents_are_upgraded_and_newer_ones_refused() {
        let old = r#"{"schema_version": 1, "kind": "analyze", "entries": [], "modules": [],
            "unused_files": ["src/dead.ts"], "errors": ["unused-files"], "diagnostics": []}"#;
        let report = parse_document(old).unwrap();
        assert_eq!(report.schema_version, model::SCHEMA_VERSION);
        let analyze = report.analyze.document().unwrap();
        assert_eq!(analyze.schema_version, model::SCHEMA_VERSION);
        let subjects: Vec<&str> = analyze
            .findings
            .iter()
            .map(|f| f.subject.as_str())
            .collect();
        assert_eq!(subjects, ["src/dead.ts"]);

        let newer = format!(
            r#"{{"schema_version": {}, "kind": "report"}}"#,
            model::SCHEMA_VERSION + 1
        );
        assert!(matches!(
            parse_document(&newer),
            Err(ReportError::NewerSchema { .. })
        ));
        assert!(matches!(
            parse_document(r#"{"kind": "report"}"#),
            Err(ReportError::NoSchemaVersion)
        ));
    }
}
