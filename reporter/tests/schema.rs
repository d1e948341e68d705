//! Every JSON output validates against the published schema.

extern crate perfscope_reporter as reporter;

mod common;

use model::report::Part;
use serde_json::Value;

fn assert_valid(schema: &Value, doc: &Value) {
    let validator = jsonschema::validator_for(schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid document: {errors:#?}");
}

#[test]
fn report_json_validates() {
    let schema = reporter::schema::report_schema();
    let text = reporter::json::render(&common::sample()).unwrap();
    assert_valid(&schema, &serde_json::from_str(&text).unwrap());

    let mut failed = common::sample();
    failed.bundle = Part::Failed {
        error: "boom".into(),
    };
    failed.vitals = Part::absent("");
    let text = reporter::json::render(&failed).unwrap();
    assert_valid(&schema, &serde_json::from_str(&text).unwrap());
}

#[test]
fn single_documents_validate() {
    for (kind, doc) in [
        ("analyze", common::upgraded(common::analyze_json())),
        ("bundle", common::upgraded(common::bundle_json())),
        ("vitals", common::upgraded(common::vitals_json())),
    ] {
        assert_valid(&reporter::schema::schema_for_kind(kind).unwrap(), &doc);
    }
}

#[test]
fn the_schema_rejects_what_the_model_rejects() {
    let schema = reporter::schema::report_schema();
    let mut doc: Value =
        serde_json::from_str(&reporter::json::render(&common::sample()).unwrap()).unwrap();
    doc["bundle"]["status"] = Value::from("maybe");
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(!validator.is_valid(&doc));
}

#[test]
fn json_round_trips() {
    let report = common::sample();
    let text = reporter::json::render(&report).unwrap();
    let back: model::report::Report = serde_json::from_str(&text).unwrap();
    assert_eq!(back, report);
}

/// The schema names every value a consumer can meet: finding kinds, metric
/// ids and budget verdicts are enums, not free strings.
#[test]
fn the_schema_lists_every_finding_kind_metric_and_verdict() {
    let schema = reporter::schema::report_schema();
    let defs = &schema["$defs"];
    let values = |name: &str| -> Vec<String> {
        let def = &defs[name];
        let mut out: Vec<String> = Vec::new();
        if let Some(list) = def["enum"].as_array() {
            out.extend(list.iter().filter_map(|v| v.as_str().map(String::from)));
        }
        for key in ["oneOf", "anyOf"] {
            for item in def[key].as_array().into_iter().flatten() {
                if let Some(c) = item["const"].as_str() {
                    out.push(c.to_string());
                }
                for v in item["enum"].as_array().into_iter().flatten() {
                    out.extend(v.as_str().map(String::from));
                }
            }
        }
        out
    };
    let kinds = values("FindingKind");
    for kind in model::FindingKind::ALL {
        assert!(
            kinds.contains(&kind.id().to_string()),
            "{kind} not in {kinds:?}"
        );
    }
    let metrics = values("MetricId");
    for id in [
        "raw", "gzip", "brotli", "fcp", "lcp", "tti", "tbt", "cls", "ttfb", "render",
    ] {
        assert!(metrics.contains(&id.to_string()), "{id} not in {metrics:?}");
    }
    assert_eq!(values("Verdict"), ["pass", "fail", "not-measured"]);
}
