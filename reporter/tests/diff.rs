//! Comparing two reports.

extern crate perfscope_reporter as reporter;

mod common;

use reporter::diff::{Status, compare};
use reporter::findings::FindingKind;
use serde_json::json;

#[test]
fn same_report_has_no_regressions_and_no_new_findings() {
    let r = common::sample();
    let d = compare(&r, &r, 0.2);
    assert!(!d.has_regressions());
    assert_eq!(d.new_count(), 0);
    assert_eq!(d.fixed_count(), 0);
    assert!(d.unchanged_count() > 5);
    assert!(
        d.metrics
            .iter()
            .all(|m| m.status == Status::Ok && m.abs == Some(0.0))
    );
}

#[test]
fn regressions_warnings_and_new_findings() {
    let base = common::sample();
    let mut bundle = common::bundle_json();
    bundle["entries"][0]["js"]["gzip"] = json!(65000); // +30%: regression
    bundle["totals"][0]["gzip"] = json!(80000); // +5.3%: warning
    let mut vitals = common::vitals_json();
    vitals["median"]["tbt_ms"] = json!(150.0); // +30 ms: within the noise floor
    vitals["median"]["lcp_ms"] = json!(600.0); // better
    let mut analyze = common::analyze_json();
    analyze["unused_files"]
        .as_array_mut()
        .unwrap()
        .push(json!("src/zombie.ts"));
    analyze["unused_exports"].as_array_mut().unwrap().remove(0);
    let head = common::report_from(Some(analyze), Some(bundle), Some(vitals));

    let d = compare(&base, &head, 0.2);
    let status = |key: &str| d.metrics.iter().find(|m| m.key == key).unwrap().status;
    assert_eq!(status("initial-js-gzip:index.html"), Status::Regression);
    assert_eq!(status("total-js-gzip"), Status::Warn);
    assert_eq!(status("tbt"), Status::Ok);
    assert_eq!(status("lcp"), Status::Ok);
    let initial = d
        .metrics
        .iter()
        .find(|m| m.key == "initial-js-gzip:index.html")
        .unwrap();
    assert_eq!(initial.abs, Some(15000.0));
    assert!((initial.rel.unwrap() - 0.3).abs() < 1e-9);
    assert!(d.has_regressions());

    let new: Vec<_> = d
        .new_findings()
        .map(|f| (f.kind, f.subject.as_str()))
        .collect();
    assert_eq!(new, vec![(FindingKind::UnusedFiles, "src/zombie.ts")]);
    let exports = d
        .findings
        .iter()
        .find(|k| k.kind == FindingKind::UnusedExports)
        .unwrap();
    assert_eq!((exports.unchanged, exports.fixed), (1, 1));
    // Only kinds configured as errors count for the gate (failed budgets always do).
    assert_eq!(d.new_errors(&["unused-files"]).len(), 1);
    assert!(d.new_errors(&["unused-exports"]).is_empty());

    // A higher threshold turns the regression into a warning.
    assert!(!compare(&base, &head, 0.5).has_regressions());
}

#[test]
fn a_newly_failing_budget_is_a_new_error() {
    let base = common::sample();
    let mut bundle = common::bundle_json();
    bundle["budgets"][0]["actual"] = json!(260000);
    bundle["budgets"][0]["pass"] = json!(false);
    let head = common::report_from(
        Some(common::analyze_json()),
        Some(bundle),
        Some(common::vitals_json()),
    );
    let d = compare(&base, &head, 0.2);
    let errors = d.new_errors::<&str>(&[]);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].subject, "initial JS of index.html");
}

#[test]
fn single_documents_can_be_compared() {
    let text = serde_json::to_string(&common::bundle_json()).unwrap();
    let r = reporter::json::parse_document(&text).unwrap();
    assert!(r.bundle.document().is_some() && r.analyze.document().is_none());
    assert!(reporter::json::parse_document(r#"{"kind": "other"}"#).is_err());
    assert!(reporter::json::parse_document("not json").is_err());
}
