//! SARIF 2.1.0 and GitHub annotations of the sample report (hostile names
//! planted), checked against the official SARIF schema
//! (`tests/data/sarif-schema-2.1.0.json`, OASIS, as published).

extern crate perfscope_reporter as reporter;

mod common;

use serde_json::Value;

fn official_schema() -> Value {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/sarif-schema-2.1.0.json");
    let mut schema: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("schema")).expect("schema JSON");
    // The published schema's `language` patterns (of `run` and
    // `toolComponent`) have a stray `]` (`^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`)
    // that a strict ECMA-262 regex compiler rejects; only those are repaired.
    for definition in ["run", "toolComponent"] {
        let language = &mut schema["definitions"][definition]["properties"]["language"]["pattern"];
        assert_eq!(language, "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$");
        *language = Value::from("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
    }
    schema
}

#[test]
fn sarif_validates_and_has_a_result_per_finding_on_a_project_file() {
    let report = common::sample();
    let text = reporter::sarif::render(&report);
    let log: Value = serde_json::from_str(&text).expect("SARIF is JSON");
    let validator = jsonschema::validator_for(&official_schema()).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "perfscope");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let rule_ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert!(rule_ids.contains(&"unused-exports"), "{rule_ids:?}");
    let unused_exports = rules
        .iter()
        .find(|r| r["id"] == "unused-exports")
        .expect("rule");
    assert_eq!(unused_exports["shortDescription"]["text"], "Unused exports");
    assert!(
        unused_exports["help"]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );

    let results = run["results"].as_array().expect("results");
    let located: Vec<(String, Option<u64>, String)> = results
        .iter()
        .map(|r| {
            let loc = &r["locations"][0]["physicalLocation"];
            (
                r["ruleId"].as_str().unwrap_or_default().to_string(),
                loc["region"]["startLine"].as_u64(),
                loc["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect();
    // Each result's ruleIndex points at its rule.
    for r in results {
        let index = r["ruleIndex"].as_u64().expect("index") as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
    }
    assert!(located.contains(&(
        "unused-exports".into(),
        Some(12),
        "src/utils/format.ts".into()
    )));
    assert!(located.contains(&("unused-dependencies".into(), None, "package.json".into())));
    assert!(located.contains(&("lazy-candidates".into(), Some(4), "src/routes.tsx".into())));
    // A hostile file name is a URI reference, escaped.
    assert!(
        located
            .iter()
            .any(|(_, _, uri)| uri == "src/%3Cimg%20src=x%20onerror=alert(1)%3E.ts"),
        "{located:?}"
    );
    // One rule per kind that points at a project file; findings about the
    // build or the browser run point at none.
    let pointing: Vec<&str> = model::FindingKind::ALL
        .iter()
        .filter(|k| k.meta().points_at != model::finding::PointsAt::Nothing)
        .map(|k| k.id())
        .collect();
    // Then the rule of the ranked actions that name an import to change.
    assert_eq!(rule_ids[..pointing.len()], pointing);
    assert_eq!(rule_ids[pointing.len()..], ["top-action"]);
    assert!(
        results
            .iter()
            .filter(|r| r["ruleId"] != "top-action")
            .all(|r| {
                let kind: model::FindingKind =
                    serde_json::from_value(r["ruleId"].clone()).expect("a kind");
                kind.meta().points_at != model::finding::PointsAt::Nothing
            })
    );
    // The second action (after a failed budget) is the lazy-loading
    // candidate, at its import, with its rank and basis.
    let actions: Vec<&Value> = results
        .iter()
        .filter(|r| r["ruleId"] == "top-action")
        .collect();
    assert_eq!(actions.len(), 1, "{actions:#?}");
    let action = actions[0];
    assert_eq!(action["level"], "note");
    let loc = &action["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "src/routes.tsx");
    assert_eq!(loc["region"]["startLine"], 4);
    let message = action["message"]["text"].as_str().unwrap_or_default();
    assert!(
        message.starts_with(
            "Top action 2 of 5 (estimate): Lazy-load chart-kit with import() in src/routes.tsx:4"
        ),
        "{message}"
    );
}

#[test]
fn github_annotations_name_file_and_line_and_escape_values() {
    let report = common::sample();
    let text = reporter::sarif::github(&report);
    assert!(
        text.lines()
            .any(|l| l
                .starts_with("::warning file=src/utils/format.ts,line=12,title=Unused exports::")),
        "{text}"
    );
    // Every line is one command: values with newlines cannot start another.
    for line in text.lines() {
        assert!(
            line.starts_with("::warning ") || line.starts_with("::error "),
            "{line}"
        );
    }
    // Failed checks are errors.
    let failures = report
        .assessment
        .as_ref()
        .map_or(0, |a| a.gate.failures().count());
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("::error title=perfscope"))
            .count(),
        failures
    );
}

/// A flow replayed from a recording in the project gets its results at
/// that file: its failing INP budget with the step and React component
/// behind it, and its suspected leak; the log still validates.
#[test]
fn a_recorded_flows_results_are_placed_at_its_recording() {
    let mut vitals = common::vitals_with_flow();
    vitals["budgets"] = serde_json::json!([{
        "part": "vitals", "name": "INP of flow Add two items", "metric": "inp",
        "limit": 100.0, "actual": 128.0, "verdict": "fail", "origin": "perfscope.toml"
    }]);
    vitals["findings"] = serde_json::json!([{
        "kind": "memory-leak", "key": "Add two items", "subject": "Add two items",
        "message": "each repetition leaves 2 event listener(s) more behind (in 1 of 1 replays)"
    }]);
    let report = common::assessed(common::unassessed(None, None, Some(vitals)), None, 0.2);
    let log: Value = serde_json::from_str(&reporter::sarif::render(&report)).unwrap();
    let validator = jsonschema::validator_for(&official_schema()).expect("schema compiles");
    assert!(validator.is_valid(&log), "{log:#}");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    let at = |rule: &str| {
        results
            .iter()
            .find(|r| r["ruleId"] == rule)
            .unwrap_or_else(|| panic!("{rule}: {results:#?}"))
    };
    for rule in ["slow-interaction", "memory-leak"] {
        let result = at(rule);
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], rule);
        assert_eq!(
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "flows/react-inventory.json"
        );
    }
    let slow = at("slow-interaction")["message"]["text"].as_str().unwrap();
    assert!(
        slow.contains("INP of flow Add two items: 128 ms over the 100 ms budget; slowest: step 4 (click aria/Add item), click on button#add")
            && slow.contains("most in ProductList 120 ms (props)"),
        "{slow}"
    );
    // A flow without a project file (inline, --headed) has no results.
    let mut vitals = common::vitals_with_flow();
    vitals["flows"][0]["file"] = Value::Null;
    let report = common::assessed(common::unassessed(None, None, Some(vitals)), None, 0.2);
    let log: Value = serde_json::from_str(&reporter::sarif::render(&report)).unwrap();
    assert!(
        !log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["ruleId"] == "slow-interaction" || r["ruleId"] == "memory-leak")
    );
}
