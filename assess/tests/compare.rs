//! Assessing a report against a baseline: metric changes, new and fixed
//! findings, and the gate.

extern crate perfscope_assess as assess;

#[path = "../../reporter/tests/common/mod.rs"]
mod common;

use assess::{AssessOptions, assess};
use model::assessment::{ChangeStatus, CheckKind, FindingStatus};
use model::finding::{FindingKind, Severity};
use model::report::Report;
use serde_json::json;

fn options(threshold: f64, errors: &[FindingKind]) -> AssessOptions {
    let mut options = AssessOptions {
        threshold,
        ..AssessOptions::default()
    };
    for kind in errors {
        options.severities.set(*kind, Severity::Error);
    }
    options
}

fn sample() -> Report {
    common::unassessed(
        Some(common::analyze_json()),
        Some(common::bundle_json()),
        Some(common::vitals_json()),
    )
}

#[test]
fn same_report_has_no_regressions_and_no_new_findings() {
    let r = sample();
    let a = assess(&r, Some(&r), &options(0.2, &[]));
    assert!(a.fixed.is_empty());
    assert!(a.findings.len() > 5);
    assert!(
        a.findings
            .iter()
            .all(|f| f.status == Some(FindingStatus::Unchanged))
    );
    for m in &a.headline {
        let change = m.change.as_ref().unwrap();
        assert_eq!(
            (change.status, change.abs),
            (ChangeStatus::Ok, Some(0.0)),
            "{}",
            m.key
        );
    }
    // The sample has one failed budget: budgets gate with or without a baseline.
    let failures: Vec<_> = a.gate.failures().collect();
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(failures[0].kind, CheckKind::Budget);
}

#[test]
fn regressions_warnings_and_new_findings() {
    let base = sample();
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
    let head = common::unassessed(Some(analyze), Some(bundle), Some(vitals));

    let a = assess(
        &head,
        Some(&base),
        &options(0.2, &[FindingKind::UnusedFiles]),
    );
    let status = |key: &str| {
        a.headline
            .iter()
            .find(|m| m.key == key)
            .and_then(|m| m.change.as_ref())
            .unwrap()
            .status
    };
    assert_eq!(
        status("initial-js-gzip:index.html"),
        ChangeStatus::Regression
    );
    assert_eq!(status("total-js-gzip"), ChangeStatus::Warn);
    assert_eq!(status("tbt"), ChangeStatus::Ok);
    assert_eq!(status("lcp"), ChangeStatus::Ok);
    let initial = a
        .headline
        .iter()
        .find(|m| m.key == "initial-js-gzip:index.html")
        .unwrap()
        .change
        .clone()
        .unwrap();
    assert_eq!(initial.abs, Some(15000.0));
    assert!((initial.rel.unwrap() - 0.3).abs() < 1e-9);

    let new: Vec<_> = a
        .findings
        .iter()
        .filter(|f| f.status == Some(FindingStatus::New))
        .map(|f| (f.finding.kind, f.finding.subject.as_str()))
        .collect();
    assert_eq!(new, vec![(FindingKind::UnusedFiles, "src/zombie.ts")]);
    let exports = a
        .kinds
        .iter()
        .find(|k| k.kind == FindingKind::UnusedExports)
        .unwrap();
    assert_eq!((exports.unchanged, exports.fixed), (Some(1), Some(1)));

    // The gate: the failed budget, the regression and the new unused file.
    let failing: Vec<(CheckKind, &str)> = a
        .gate
        .failures()
        .map(|c| (c.kind, c.name.as_str()))
        .collect();
    assert_eq!(
        failing,
        vec![
            (CheckKind::Budget, "any JS chunk (gzip)"),
            (
                CheckKind::Findings,
                "new unused-files (configured as error)"
            ),
            (CheckKind::Regression, "Initial JS (gzip), index.html"),
        ]
    );
    // Old findings of a kind configured as an error do not fail with a baseline.
    let a = assess(
        &head,
        Some(&base),
        &options(0.2, &[FindingKind::UnusedExports]),
    );
    assert!(
        a.gate
            .checks
            .iter()
            .any(|c| c.kind == CheckKind::Findings && c.pass)
    );

    // A higher threshold turns the regression into a warning.
    let a = assess(&head, Some(&base), &options(0.5, &[]));
    assert!(a.gate.failures().all(|c| c.kind != CheckKind::Regression));
}

#[test]
fn without_a_baseline_every_finding_of_an_error_kind_fails() {
    let a = assess(&sample(), None, &options(0.2, &[FindingKind::UnusedFiles]));
    let check = a
        .gate
        .checks
        .iter()
        .find(|c| c.kind == CheckKind::Findings)
        .unwrap();
    assert!(!check.pass);
    assert!(check.actual.starts_with("2 ("), "{}", check.actual);
    // Switched off, a kind is neither listed nor counted.
    let mut off = options(0.2, &[]);
    off.severities.set(FindingKind::UnusedFiles, Severity::Off);
    let a = assess(&sample(), None, &off);
    assert!(
        a.findings
            .iter()
            .all(|f| f.finding.kind != FindingKind::UnusedFiles)
    );
}

#[test]
fn a_newly_failing_budget_fails_the_gate() {
    let base = sample();
    let mut bundle = common::bundle_json();
    bundle["budgets"][0]["actual"] = json!(260000.0);
    bundle["budgets"][0]["verdict"] = json!("fail");
    let head = common::unassessed(
        Some(common::analyze_json()),
        Some(bundle),
        Some(common::vitals_json()),
    );
    let a = assess(&head, Some(&base), &options(0.2, &[]));
    let failing: Vec<&str> = a
        .gate
        .failures()
        .filter(|c| c.kind == CheckKind::Budget)
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        failing,
        vec!["initial JS of index.html (gzip)", "any JS chunk (gzip)"]
    );
    // Failed budgets are the first actions.
    let first: Vec<String> = a.actions.iter().take(2).map(|x| x.what_text()).collect();
    assert!(
        first.contains(&"Bring initial JS of index.html under its budget".to_string()),
        "{first:?}"
    );
}

#[test]
fn single_documents_can_be_compared() {
    let text = serde_json::to_string(&common::bundle_json()).unwrap();
    let r = reporter::json::parse_document(&text).unwrap();
    assert!(r.bundle.document().is_some() && r.analyze.document().is_none());
    assert!(reporter::json::parse_document(r#"{"schema_version": 1, "kind": "other"}"#).is_err());
    assert!(reporter::json::parse_document("not json").is_err());
    let newer = reporter::json::parse_document(r#"{"schema_version": 999, "kind": "report"}"#)
        .unwrap_err()
        .to_string();
    assert!(
        newer.contains("999")
            && newer.contains(&format!("schema version {}", model::SCHEMA_VERSION)),
        "{newer}"
    );
}

/// A flow's INP is a headline metric: 30% worse than the baseline's, with
/// the replays apart, it is a regression that fails the gate; inside the
/// baseline's spread it is noise.
#[test]
fn a_flows_inp_regression_fails_the_gate() {
    let with_flow = |inps: &[f64]| {
        let mut vitals = common::vitals_json();
        let runs: Vec<serde_json::Value> = inps
            .iter()
            .enumerate()
            .map(|(i, inp)| {
                json!({"index": i, "complete": true, "inp_ms": inp, "interaction_count": 2, "steps": []})
            })
            .collect();
        let mut sorted = inps.to_vec();
        sorted.sort_by(f64::total_cmp);
        vitals["flows"] = json!([{
            "name": "Add to cart",
            "runs": runs,
            "median_index": 0,
            "inp_ms": sorted[(sorted.len() - 1) / 2],
        }]);
        common::unassessed(
            Some(common::analyze_json()),
            Some(common::bundle_json()),
            Some(vitals),
        )
    };
    let base_report = with_flow(&[200.0, 208.0, 216.0]);
    let worse = assess(
        &with_flow(&[264.0, 272.0, 280.0]),
        Some(&base_report),
        &options(0.2, &[]),
    );
    let inp = worse
        .headline
        .iter()
        .find(|m| m.key == "inp:Add to cart")
        .expect("the flow's INP is a headline metric");
    assert_eq!(
        inp.change.as_ref().unwrap().status,
        ChangeStatus::Regression
    );
    assert!(
        worse
            .gate
            .failures()
            .any(|c| c.kind == CheckKind::Regression && c.name == "INP (median), flow Add to cart"),
        "{:?}",
        worse.gate
    );
    // Replays that overlap the baseline's are within its noise.
    let overlapping = assess(
        &with_flow(&[210.0, 264.0, 272.0]),
        Some(&base_report),
        &options(0.2, &[]),
    );
    let inp = overlapping
        .headline
        .iter()
        .find(|m| m.key == "inp:Add to cart")
        .unwrap();
    assert_eq!(inp.change.as_ref().unwrap().status, ChangeStatus::Ok);
}

/// A lazy-loading candidate the analysis says is needed at first render
/// is a finding but not an action: lazy-loading it would only move bytes.
#[test]
fn a_candidate_needed_at_first_render_is_not_an_action() {
    let with_use_site = |site: &str| {
        let mut analyze = common::analyze_json();
        let detail = json!({"type": "lazy", "importer": "src/App.tsx", "specifier": "chart-kit",
            "module": "node_modules/chart-kit/index.js", "bytes_saved": 90000,
            "gzip_saved_estimate": 30000, "modules_saved": 3, "reason": "exclusive-subgraph",
            "line": 3, "use_site": site});
        analyze["findings"] = json!([{"kind": "lazy-candidates", "key": "src/App.tsx chart-kit",
            "subject": "src/App.tsx", "message": "import of chart-kit", "line": 3,
            "detail": detail}]);
        common::unassessed(Some(analyze), None, None)
    };
    let ranked = |site: &str| {
        assess(&with_use_site(site), None, &options(0.2, &[]))
            .actions
            .iter()
            .any(|a| a.impact.contains("30 KB"))
    };
    assert!(ranked("render"), "an on-render use is ranked");
    assert!(!ranked("first-render"), "a first-render use is not");
}
