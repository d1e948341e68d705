//! A project's Lighthouse CI configuration end to end: its assertions are
//! budgets that fail the gate with their names, `warn` ones never fail it,
//! and the ones perfscope cannot evaluate are listed as not evaluated, never
//! passed. The first tests recompute a recorded run (`--from-artifacts`, no
//! browser); the last runs `perfscope check` in Chromium once (Debian's
//! `/usr/bin/chromium` or `CHROME_PATH`; without one it fails, it never
//! skips).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn perfscope(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_perfscope"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the perfscope binary runs")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "one JSON document ({e}); stdout: {}; stderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// A project folder holding `lighthouserc.json` with these assertions.
fn project(assertions: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::write(
        dir.path().join("lighthouserc.json"),
        format!(r#"{{"ci": {{"assert": {{"assertions": {assertions}}}}}}}"#),
    )
    .unwrap();
    dir
}

/// The recorded run of the long-tasks page: FCP 260.6 ms, TBT 222.7 ms.
fn longtasks() -> String {
    repo()
        .join("fixtures/vitals/artifacts/longtasks")
        .display()
        .to_string()
}

#[test]
fn a_failing_assertion_fails_with_its_name_and_an_unknown_one_is_not_evaluated() {
    let dir = project(
        r#"{
            "total-blocking-time": ["error", {"maxNumericValue": 50}],
            "first-contentful-paint": ["warn", {"maxNumericValue": 100}],
            "cumulative-layout-shift": ["error", {"maxNumericValue": 0.1}],
            "uses-rel-preconnect": "error",
            "categories:performance": ["error", {"minScore": 0.5}]
        }"#,
    );
    let args = ["vitals", "--from-artifacts", &longtasks()];
    let out = perfscope(&[&args[..], &["--format", "json"]].concat(), dir.path());
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    let budgets: Vec<(String, String, Option<String>)> = doc["budgets"]
        .as_array()
        .expect("budgets")
        .iter()
        .map(|b| {
            (
                b["name"].as_str().unwrap_or("").to_string(),
                b["verdict"].as_str().unwrap_or("").to_string(),
                b["level"].as_str().map(str::to_string),
            )
        })
        .collect();
    let named = |name: &str| budgets.iter().find(|b| b.0 == name).cloned();
    assert_eq!(
        named("total-blocking-time (lighthouserc, optimistic)"),
        Some((
            "total-blocking-time (lighthouserc, optimistic)".into(),
            "fail".into(),
            None
        )),
        "{budgets:?}"
    );
    assert_eq!(
        named("first-contentful-paint (lighthouserc, optimistic, warn)").map(|b| (b.1, b.2)),
        Some(("fail".into(), Some("warn".into()))),
        "{budgets:?}"
    );
    assert_eq!(
        named("cumulative-layout-shift (lighthouserc, optimistic)").map(|b| b.1),
        Some("pass".into())
    );
    // The assertions replace perfscope's default FCP, LCP and TTI budgets.
    assert!(
        named("FCP").is_none() && named("TTI").is_none(),
        "{budgets:?}"
    );
    assert!(
        doc["budgets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["origin"] == "lighthouserc")
    );
    // Listed once each, with the reason; never passed.
    let skipped: Vec<&str> = doc["not_evaluated"]
        .as_array()
        .expect("not_evaluated")
        .iter()
        .filter_map(|n| n["assertion"].as_str())
        .collect();
    assert_eq!(skipped, ["categories:performance", "uses-rel-preconnect"]);
    let diagnostics = doc["diagnostics"].to_string();
    assert!(
        diagnostics.contains("uses-rel-preconnect (error): not evaluated: perfscope does not run this Lighthouse audit"),
        "{diagnostics}"
    );
    // The score is there, an estimate without Speed Index.
    let score = &doc["performance_score"];
    assert_eq!(score["form_factor"], "desktop");
    assert!(
        score["score"].is_null() && score["estimate"].is_number(),
        "{score}"
    );

    // The terminal names the failing assertion and the ones not evaluated.
    let out = perfscope(&args, dir.path());
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("total-blocking-time (lighthouserc, optimistic)"),
        "{text}"
    );
    assert!(text.contains("warn (not failing)"), "{text}");
    assert!(
        text.contains("Lighthouse CI assertions not evaluated"),
        "{text}"
    );
    assert!(
        text.contains("uses-rel-preconnect (error, lighthouserc.json)"),
        "{text}"
    );
    assert!(
        text.contains("Lighthouse performance score (desktop curves, median run): not measured"),
        "{text}"
    );
}

#[test]
fn a_warn_assertion_never_fails_the_gate() {
    let dir = project(r#"{"total-blocking-time": ["warn", {"maxNumericValue": 50}]}"#);
    let out = perfscope(
        &[
            "vitals",
            "--from-artifacts",
            &longtasks(),
            "--format",
            "json",
        ],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let doc = json(&out);
    assert_eq!(doc["budgets"][0]["verdict"], "fail");
    assert_eq!(doc["budgets"][0]["level"], "warn");
}

#[test]
fn a_malformed_lighthouserc_is_named_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("lighthouserc.json"), "{\"ci\": ").unwrap();
    let out = perfscope(
        &[
            "vitals",
            "--from-artifacts",
            &longtasks(),
            "--format",
            "json",
        ],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    let named = doc["diagnostics"].as_array().unwrap().iter().any(|d| {
        d["path"] == "lighthouserc.json"
            && d["message"]
                .as_str()
                .is_some_and(|m| m.contains("not valid JSON"))
    });
    assert!(named, "{}", doc["diagnostics"]);
    // perfscope's default budgets apply.
    assert!(
        doc["budgets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["name"] == "FCP")
    );
}

#[test]
fn check_fails_on_a_lighthouserc_assertion_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir(&dist).unwrap();
    for name in ["index.html", "about.html", "app.js"] {
        std::fs::copy(
            repo().join("fixtures/lighthouse/project/dist").join(name),
            dist.join(name),
        )
        .unwrap();
    }
    std::fs::write(
        dir.path().join("lighthouserc.json"),
        r#"{"ci": {
            "collect": {"staticDistDir": "./dist", "url": "http://localhost/index.html", "numberOfRuns": 1,
                        "settings": {"preset": "desktop"}},
            "assert": {"assertions": {
                "resource-summary:document:size": ["error", {"maxNumericValue": 10}],
                "largest-contentful-paint": ["error", {"maxNumericValue": 60000}],
                "uses-responsive-images": "error"
            }}
        }}"#,
    )
    .unwrap();
    let project = dir.path().display().to_string();
    let out = perfscope(
        &[
            "check",
            &project,
            "--no-source",
            "--no-bundle",
            "--format",
            "json",
        ],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    let checks = doc["gate"]["checks"].as_array().expect("checks");
    let failing: Vec<&str> = checks
        .iter()
        .filter(|c| c["pass"] == false)
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(
        failing,
        ["resource-summary:document:size (lighthouserc, optimistic) (transfer)"],
        "{checks:#?}"
    );
    let lcp = checks
        .iter()
        .find(|c| c["name"] == "largest-contentful-paint (lighthouserc, optimistic) (LCP)")
        .expect("the LCP assertion is a check");
    assert_eq!(lcp["pass"], true);
}
