//! The Markdown comment: standalone, against a baseline, and under GitHub's limit.

extern crate perfscope_reporter as reporter;

mod common;

use serde_json::json;

#[test]
fn standalone_comment() {
    let md = reporter::markdown::render(&common::sample());
    insta::assert_snapshot!("standalone", md);
}

fn worse_head() -> model::report::Report {
    let mut bundle = common::bundle_json();
    // Initial JS grows by 30% (a regression), total JS by less.
    bundle["entries"][0]["js"]["gzip"] = json!(65000);
    bundle["totals"][0]["gzip"] = json!(82000);
    let mut analyze = common::analyze_json();
    analyze["unused_exports"]
        .as_array_mut()
        .unwrap()
        .push(json!({"path": "src/new.ts", "name": "helper|pipe", "line": 1, "type_only": false}));
    analyze["cycles"].as_array_mut().unwrap().clear();
    let mut vitals = common::vitals_json();
    vitals["median"]["lcp_ms"] = json!(960.0);
    common::unassessed(Some(analyze), Some(bundle), Some(vitals))
}

#[test]
fn comment_against_a_baseline_lists_only_new_findings() {
    let md = reporter::markdown::render(&common::assessed(
        worse_head(),
        Some(&common::sample()),
        0.2,
    ));
    insta::assert_snapshot!("with_baseline", md);
    assert!(md.contains("\u{274c}"));
    assert!(md.contains("src/new.ts:1"));
    assert!(
        !md.contains("formatDate"),
        "an old finding is listed as new"
    );
}

#[test]
fn huge_reports_stay_under_githubs_limit() {
    let mut analyze = common::analyze_json();
    let exports: Vec<_> = (0..30_000)
        .map(|i| json!({"path": format!("src/generated/module_{i:05}.ts"), "name": format!("export_{i}"), "line": i % 400 + 1, "type_only": i % 3 == 0}))
        .collect();
    analyze["unused_exports"] = json!(exports);
    let files: Vec<_> = (0..8_000)
        .map(|i| json!(format!("src/dead/file_{i:05}.tsx")))
        .collect();
    analyze["unused_files"] = json!(files);
    let head = common::unassessed(
        Some(analyze),
        Some(common::bundle_json()),
        Some(common::vitals_json()),
    );

    for base in [None, Some(common::sample())] {
        let md = reporter::markdown::render(&common::assessed(head.clone(), base.as_ref(), 0.2));
        let chars = md.chars().count();
        assert!(
            chars <= reporter::markdown::GITHUB_COMMENT_LIMIT,
            "{chars} characters"
        );
        assert!(
            chars > 40_000,
            "cut far more than needed: {chars} characters"
        );
        assert!(md.contains("more not shown"));
        // The short sections survive whole; the longest lists were cut.
        // The top actions, three of them, whole.
        let actions = md.split("### Top actions").nth(1).expect("top actions");
        assert!(actions.contains("\n3. ") && !actions.contains("\n4. "));
        assert!(md.contains("src/generated/module_00000.ts"));
        assert!(!md.contains("src/generated/module_29999.ts"));
        // Every <details> is closed.
        assert_eq!(
            md.matches("<details>").count(),
            md.matches("</details>").count()
        );
    }
}

#[test]
fn hostile_names_lose_their_markup() {
    let md = reporter::markdown::render(&common::sample());
    // Outside code spans, markup is entity-escaped; inside them it is literal text.
    assert!(md.contains("`<b>SlowChart</b>`"));
    assert_eq!(md.matches("<b>").count(), md.matches("`<b>").count());
    assert!(
        md.contains("`src/<img src=x onerror=alert(1)>.ts`"),
        "paths are code spans"
    );
}

/// A flow's line names the step's slowest React commit and the component
/// behind it, the components re-rendered with nothing changed and a
/// suspected leak; a development server is said once.
#[test]
fn a_flow_names_its_react_work_and_leak() {
    let (md, line) = flow_line(common::vitals_with_flow());
    let line = line.as_str();
    assert!(line.contains("INP 128 ms"), "{line}");
    assert!(
        line.contains("React commit 121 ms, most in `ProductList` 120 ms (props changed)"),
        "{line}"
    );
    assert!(
        line.contains("re-rendered with nothing changed: `Header`"),
        "{line}"
    );
    assert!(
        line.contains(
            "`Header`. Suspected memory leak: each repetition leaves 2 event listener(s)"
        ),
        "{line}"
    );
    assert_eq!(
        md.matches("**Development server (Vite):**").count(),
        1,
        "{md}"
    );
}

/// A budget at level `warn` (a Lighthouse CI warning) that does not hold
/// is shown with a warning sign and never counted as failed.
#[test]
fn a_warn_budget_is_a_warning_not_a_failure() {
    let mut vitals = common::vitals_json();
    vitals["budgets"] = json!([
        {"part": "vitals", "name": "LCP", "metric": "lcp", "limit": 2500.0, "actual": 900.0, "verdict": "pass", "origin": "default"},
        {"part": "vitals", "name": "total-blocking-time (lighthouserc, optimistic, warn)", "metric": "tbt", "limit": 100.0, "actual": 180.0, "verdict": "fail", "origin": "lighthouserc", "level": "warn"}
    ]);
    let report = common::assessed(common::unassessed(None, None, Some(vitals)), None, 0.2);
    let md = reporter::markdown::render(&report);
    assert!(
        md.contains("**Budgets:** all 2 pass the gate; 1 warning"),
        "{md}"
    );
    assert!(
        md.contains("| \u{26a0}\u{fe0f} `total-blocking-time (lighthouserc, optimistic, warn)`"),
        "{md}"
    );
    assert!(!md.contains("failed \u{274c}"), "{md}");
}

/// The flow's line says what its slowest step requested, the URL escaped.
#[test]
fn a_flow_says_what_its_slowest_step_requested() {
    let (_, line) = flow_line(common::vitals_with_flow_requests());
    assert!(
        line.contains("; the step made 3 requests, 38.9 KB: largest 127.0.0.1:4173/assets/Settings-9c1d.js 38 KB; slowest 127.0.0.1:4173/api/prefs"),
        "{line}"
    );
    assert!(!line.contains("<b>"), "{line}");
}

/// The comment of a report with `vitals`, and its line of the flow "Add two
/// items".
fn flow_line(vitals: serde_json::Value) -> (String, String) {
    let report = common::assessed(common::unassessed(None, None, Some(vitals)), None, 0.2);
    let md = reporter::markdown::render(&report);
    let line = md
        .lines()
        .find(|l| l.starts_with("**Flow Add two items:**"))
        .unwrap_or_else(|| panic!("{md}"))
        .to_string();
    (md, line)
}
