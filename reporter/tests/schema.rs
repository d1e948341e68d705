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
        ("analyze", common::analyze_json()),
        ("bundle", common::bundle_json()),
        ("vitals", common::vitals_json()),
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
