use super::*;
use crate::score::FormFactor;
use model::Verdict;
use serde_json::json;

fn run(index: usize, complete: bool, fcp: Option<f64>, tbt: Option<f64>) -> RunMetrics {
    RunMetrics {
        index,
        complete,
        fcp_ms: fcp,
        lcp_ms: fcp.map(|f| f + 100.0),
        tti_ms: fcp.map(|f| f + 500.0),
        tbt_ms: tbt,
        cls: Some(0.02),
        ..RunMetrics::default()
    }
}

fn request(url: &str, kind: &str, bytes: u64) -> Request {
    Request {
        url: url.into(),
        method: "GET".into(),
        resource_type: kind.into(),
        status: Some(200),
        mime_type: None,
        transfer_bytes: bytes,
        decoded_bytes: bytes,
        start_ms: 0.0,
        end_ms: Some(1.0),
        content_encoding: None,
        cache_control: None,
        failed: None,
    }
}

/// A desktop report of three runs (the third incomplete) whose median run is
/// the second.
fn report() -> VitalsReport {
    let mut runs = vec![
        run(0, true, Some(900.0), Some(120.0)),
        run(1, true, Some(1000.0), None),
        run(2, false, Some(100.0), Some(0.0)),
    ];
    for r in &mut runs {
        r.requests = vec![
            request("http://127.0.0.1:1/", "Document", 1_000),
            request("http://127.0.0.1:1/app.js", "Script", 30_000),
            request("http://127.0.0.1:1/vendor.js", "Script", 20_000),
            request("http://127.0.0.1:1/app.css", "Stylesheet", 5_000),
            request("data:image/png;base64,AAAA", "Image", 99_999),
            request("http://127.0.0.1:1/favicon.ico", "Other", 7_777),
        ];
    }
    VitalsReport {
        schema_version: model::SCHEMA_VERSION,
        kind: "vitals".into(),
        url: "http://127.0.0.1:1/blog/post?x=1".into(),
        profile: crate::ProfileName::Desktop.profile(),
        median_index: Some(1),
        median: Some(runs[1].clone()),
        runs,
        spread: Default::default(),
        react: Default::default(),
        findings: Vec::new(),
        budgets: Vec::new(),
        diagnostics: Vec::new(),
        path: None,
        pages: Vec::new(),
        dev_server: None,
        flows: Vec::new(),
        coverage: None,
        cpu: None,
        performance_score: None,
        not_evaluated: Vec::new(),
        shard: None,
    }
}

/// A budget's name, limit, value and verdict.
type Judged = (String, f64, Option<f64>, Verdict);

fn judged(assertions: Value) -> (Vec<Judged>, Vec<NotEvaluated>) {
    let ci = parse_assert(&json!({ "assertions": assertions }), "lighthouserc.json");
    let (budgets, mut skipped) = evaluate(&ci, &report());
    skipped.extend(ci.not_evaluated);
    (
        budgets
            .iter()
            .map(|b| (b.name.clone(), b.limit, b.actual, b.verdict))
            .collect(),
        skipped,
    )
}

#[test]
fn aggregation_methods_pick_the_runs_value_as_lighthouse_ci_does() {
    let (budgets, skipped) = judged(json!({
        "first-contentful-paint": ["error", {"maxNumericValue": 950}],
        "largest-contentful-paint": ["error", {"maxNumericValue": 1050, "aggregationMethod": "pessimistic"}],
        "interactive": ["warn", {"maxNumericValue": 1400, "aggregationMethod": "median"}],
        "total-blocking-time": ["error", {"maxNumericValue": 200, "aggregationMethod": "median-run"}],
        "cumulative-layout-shift": ["error", {"maxNumericValue": 0.1, "aggregationMethod": "pessimistic"}],
    }));
    assert!(skipped.is_empty(), "{skipped:?}");
    // In the order of the keys (sorted).
    assert_eq!(
        budgets,
        vec![
            (
                "cumulative-layout-shift (lighthouserc, pessimistic)".into(),
                0.1,
                Some(0.02),
                Verdict::Pass
            ),
            // Optimistic: the best complete run (the incomplete run's 100 ms never counts).
            (
                "first-contentful-paint (lighthouserc, optimistic)".into(),
                950.0,
                Some(900.0),
                Verdict::Pass
            ),
            // Median of 1400 and 1500.
            (
                "interactive (lighthouserc, median, warn)".into(),
                1400.0,
                Some(1450.0),
                Verdict::Fail
            ),
            // Pessimistic: the worst.
            (
                "largest-contentful-paint (lighthouserc, pessimistic)".into(),
                1050.0,
                Some(1100.0),
                Verdict::Fail
            ),
            // The median run did not measure TBT: not measured, never passed.
            (
                "total-blocking-time (lighthouserc, median-run)".into(),
                200.0,
                None,
                Verdict::NotMeasured
            ),
        ]
    );
}

#[test]
fn levels_scores_and_defaults() {
    let ci = parse_assert(
        &json!({
            "aggregationMethod": "pessimistic",
            "assertions": {
                "first-contentful-paint": "warn",
                "largest-contentful-paint": ["off", {"maxNumericValue": "whatever"}],
                "total-blocking-time": ["error", {"minScore": 0.5, "maxNumericValue": 300}],
            }
        }),
        "lighthouserc.json",
    );
    let got: Vec<(String, Check, BudgetLevel)> = ci
        .assertions
        .iter()
        .map(|a| (a.name(), a.check, a.level))
        .collect();
    assert_eq!(
        got,
        vec![
            // A bare level: minScore 0.9, Lighthouse CI's default.
            (
                "first-contentful-paint score (lighthouserc, pessimistic, warn)".into(),
                Check::MinAuditScore(Audit::Fcp, 0.9),
                BudgetLevel::Warn
            ),
            (
                "total-blocking-time (lighthouserc, pessimistic)".into(),
                Check::MaxValue(Audit::Tbt, 300.0),
                BudgetLevel::Error
            ),
            (
                "total-blocking-time score (lighthouserc, pessimistic)".into(),
                Check::MinAuditScore(Audit::Tbt, 0.5),
                BudgetLevel::Error
            ),
        ]
    );
    // Desktop FCP of 900 and 1000 ms score 0.92 and 0.86: the worst fails 0.9.
    let (budgets, _) = evaluate(&ci, &report());
    assert_eq!(budgets[0].actual, Some(0.86));
    assert_eq!(budgets[0].verdict, Verdict::Fail);
    assert!(budgets[0].gate_passes(), "a warn never fails the gate");
    assert_eq!(budgets[1].verdict, Verdict::NotMeasured);
    assert!(
        budgets[1]
            .reason
            .as_deref()
            .unwrap()
            .contains("run #2 did not measure it")
    );
}

#[test]
fn what_perfscope_cannot_judge_is_listed_never_passed() {
    let ci = parse_assert(
        &json!({
            "preset": "lighthouse:recommended",
            "assertions": {
                "uses-responsive-images": "error",
                "speed-index": ["warn", {"maxNumericValue": 3000}],
                "categories:accessibility": ["error", {"minScore": 0.9}],
                "categories:performance": ["error", {"minScore": 0.9}],
                "resource-summary:third-party:size": ["error", {"maxNumericValue": 1}],
                "resource-summary:script:count": ["error", {"maxNumericValue": 10}],
                "dom-size": ["error", {"maxLength": 3}],
                "first-contentful-paint": ["fatal", {}],
                "largest-contentful-paint": ["error", {"maxNumericValue": "fast"}],
            }
        }),
        "lighthouserc.json",
    );
    let mut names: Vec<String> = ci
        .not_evaluated
        .iter()
        .map(|n| n.assertion.clone())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "categories:accessibility",
            "dom-size",
            "dom-size (maxLength)",
            "first-contentful-paint",
            "largest-contentful-paint",
            "preset lighthouse:recommended",
            "resource-summary:script:count",
            "resource-summary:third-party:size",
            "speed-index",
            "uses-responsive-images",
        ]
    );
    // categories:performance is judged only on the exact score, which needs
    // Speed Index: without it, not evaluated.
    let (budgets, skipped) = evaluate(&ci, &report());
    assert!(budgets.is_empty(), "{budgets:?}");
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].assertion, "categories:performance");
    assert!(skipped[0].reason.contains("Speed Index"));
    let bad = ci
        .not_evaluated
        .iter()
        .find(|n| n.assertion == "first-contentful-paint")
        .unwrap();
    assert!(bad.reason.contains("unknown level `fatal`"), "{bad:?}");
}

#[test]
fn resource_sizes_sum_transfer_bytes_as_lighthouse_does() {
    let (budgets, skipped) = judged(json!({
        "resource-summary:script:size": ["error", {"maxNumericValue": 50000}],
        "resource-summary.total.size": ["error", {"maxNumericValue": 50000}],
        "resource-summary:stylesheet:size": ["warn", {"maxNumericValue": 4000}],
    }));
    assert!(skipped.is_empty());
    // Sorted by key; data: URLs and the favicon are not counted.
    let got: Vec<(&str, Option<f64>, Verdict)> =
        budgets.iter().map(|b| (b.0.as_str(), b.2, b.3)).collect();
    assert_eq!(
        got,
        [
            (
                "resource-summary.total.size (lighthouserc, optimistic)",
                Some(56_000.0),
                Verdict::Fail
            ),
            (
                "resource-summary:script:size (lighthouserc, optimistic)",
                Some(50_000.0),
                Verdict::Pass
            ),
            (
                "resource-summary:stylesheet:size (lighthouserc, optimistic, warn)",
                Some(5_000.0),
                Verdict::Fail
            ),
        ]
    );
}

#[test]
fn budget_files_apply_to_the_pages_their_path_matches() {
    let ci = parse_budgets(
        &json!([
            {"path": "/blog/*", "timings": [{"metric": "first-contentful-paint", "budget": 800}, {"metric": "speed-index", "budget": 2000}],
             "resourceSizes": [{"resourceType": "script", "budget": 40}], "resourceCounts": [{"resourceType": "total", "budget": 10}]},
            {"path": "/shop", "timings": [{"metric": "largest-contentful-paint", "budget": 1}]},
            {"timings": [{"metric": "interactive", "budget": 5000}]}
        ]),
        "budget.json",
    );
    let (budgets, _) = evaluate(&ci, &report());
    let got: Vec<(String, f64, Verdict)> = budgets
        .iter()
        .map(|b| (b.name.clone(), b.limit, b.verdict))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "first-contentful-paint (budget.json /blog/*, optimistic)".into(),
                800.0,
                Verdict::Fail
            ),
            // 40 KiB.
            (
                "resource-summary:script:size (budget.json /blog/*, optimistic)".into(),
                40_960.0,
                Verdict::Fail
            ),
            (
                "interactive (budget.json /, optimistic)".into(),
                5000.0,
                Verdict::Pass
            ),
        ]
    );
    let skipped: Vec<&str> = ci
        .not_evaluated
        .iter()
        .map(|n| n.assertion.as_str())
        .collect();
    assert_eq!(
        skipped,
        [
            "speed-index (budget.json /blog/*)",
            "resource-summary:total:count (budget.json /blog/*)"
        ]
    );
    assert!(
        budgets
            .iter()
            .all(|b| b.origin == BudgetOrigin::Lighthouserc)
    );
}

#[test]
fn paths_match_as_lighthouse_ci_converts_them() {
    assert!(path_matches("/", "/anything"));
    assert!(path_matches("/blog", "/blog/post"));
    assert!(path_matches("/blog/*", "/blog/post"));
    assert!(!path_matches("/blog/*", "/shop"));
    assert!(path_matches("/*.html$", "/about.html"));
    assert!(!path_matches("/*.html$", "/about.html?x"));
    assert!(path_matches("/shop$", "/shop"));
    assert!(!path_matches("/shop$", "/shop/cart"));
    assert!(path_matches("/a*c*e", "/abcde"));
    assert!(!path_matches("/a*x", "/abc"));
}

#[test]
fn collect_settings_and_form_factor() {
    let c = parse_collect(Some(&json!({
        "url": ["http://localhost:3000/", "http://localhost:3000/about"],
        "startServerCommand": "npm run start -- --port 3000",
        "startServerReadyPattern": "ready",
        "numberOfRuns": 2,
        "settings": {"preset": "desktop", "throttlingMethod": "devtools", "throttling": {"rttMs": 40}},
    })));
    assert_eq!(c.number_of_runs, Some(2));
    assert_eq!(c.form_factor.0, FormFactor::Desktop);
    assert_eq!(c.throttling_method, "devtools");
    assert_eq!(c.notes.len(), 2, "{:?}", c.notes);
    let plan = plan_pages(&c, true, &[]);
    assert_eq!(plan.pages, ["/", "/about"]);
    assert_eq!(plan.url, None);
    let (command, port) = start_command(c.start_server_command.as_deref().unwrap(), &c.urls);
    assert_eq!(
        (command.as_str(), port),
        ("npm run start -- --port {port}", Some(3000))
    );
    assert_eq!(start_command("serve -l 30000", &c.urls).0, "serve -l 30000");
    // Lighthouse's defaults: mobile, simulated throttling.
    let d = parse_collect(None);
    assert_eq!(d.form_factor.0, FormFactor::Mobile);
    assert_eq!(d.throttling_method, "simulate");
    let bad = parse_collect(Some(&json!({"numberOfRuns": "three", "url": 5})));
    assert_eq!(bad.number_of_runs, None);
    assert_eq!(bad.notes.len(), 2);
}

#[test]
fn urls_without_a_local_server_are_loaded_as_they_are() {
    let one = parse_collect(Some(&json!({"url": "https://example.com/shop?x=1"})));
    let plan = plan_pages(&one, false, &[]);
    assert_eq!(plan.url.as_deref(), Some("https://example.com/shop?x=1"));
    assert!(plan.pages.is_empty());
    let many = parse_collect(Some(
        &json!({"url": ["https://example.com/", "https://example.com/a", "https://other.test/", "/b"]}),
    ));
    let plan = plan_pages(&many, false, &[]);
    assert_eq!(plan.url.as_deref(), Some("https://example.com/"));
    assert_eq!(plan.pages, ["/", "/a"]);
    assert_eq!(plan.notes.len(), 2, "{:?}", plan.notes);
    // staticDistDir without URLs: the top-level HTML files, at most 5 by default.
    let dist = parse_collect(Some(
        &json!({"staticDistDir": "dist", "autodiscoverUrlBlocklist": ["/404.html"]}),
    ));
    let files: Vec<String> = [
        "404.html",
        "a.html",
        "b.html",
        "c.html",
        "d.html",
        "e.html",
        "index.html",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let plan = plan_pages(&dist, true, &files);
    assert_eq!(
        plan.pages,
        ["/a.html", "/b.html", "/c.html", "/d.html", "/e.html"]
    );
}
