//! The `main_thread_ms` and `unused_js` budgets of `[vitals.budgets]` end
//! to end, on the CPU fixture (`fixtures/vitals/site/cpu/`: decimal.js
//! burns about 250 ms of CPU at load, d3-shape ships unused until a click):
//! first on its recorded run (`fixtures/vitals/artifacts/cpu/`, no
//! browser), then `perfscope check` on the served fixture in Chromium
//! (`/usr/bin/chromium` or `CHROME_PATH`; without one it fails, it never
//! skips).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

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

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "one JSON document ({e}); stdout: {}; stderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// A project folder whose `perfscope.toml` holds `toml`.
fn project(toml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::write(dir.path().join("perfscope.toml"), toml).unwrap();
    dir
}

fn recorded() -> String {
    repo()
        .join("fixtures/vitals/artifacts/cpu")
        .display()
        .to_string()
}

/// `perfscope vitals --from-artifacts` of the recorded CPU run in `dir`.
fn vitals_from_artifacts(dir: &Path, format: &str) -> Output {
    perfscope(
        &[
            "vitals",
            "--from-artifacts",
            &recorded(),
            "--format",
            format,
        ],
        dir,
    )
}

/// The budget of `metric` in a vitals document.
fn budget<'a>(doc: &'a Value, metric: &str) -> &'a Value {
    doc["budgets"]
        .as_array()
        .expect("budgets")
        .iter()
        .find(|b| b["metric"] == metric)
        .unwrap_or_else(|| panic!("no {metric} budget: {:#}", doc["budgets"]))
}

/// What the recorded run measured, from the document's own sections: the
/// median run's main-thread work, and its scripts' unused JavaScript
/// transferred (bytes) over all they transferred.
fn measured(doc: &Value) -> (f64, u64, u64) {
    let main_thread = doc["median"]["main_thread_ms"].as_f64().unwrap();
    let scripts = doc["coverage"]["scripts"].as_array().unwrap();
    let sum = |key: &str| scripts.iter().map(|s| s[key].as_u64().unwrap()).sum();
    (main_thread, sum("wasted_bytes"), sum("transfer_bytes"))
}

#[test]
fn failing_main_thread_and_unused_js_budgets_fail_with_their_metric_named() {
    let dir = project("[vitals.budgets]\nmain_thread_ms = 300\nunused_js = \"10 KB\"\n");
    let out = vitals_from_artifacts(dir.path(), "json");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    let (main_thread, wasted, transfer) = measured(&doc);
    // The load burns about 250 ms in decimal.js alone, and a third of its
    // bundle (d3-shape, d3-path) waits for a click.
    assert!(main_thread > 300.0, "{main_thread}");
    assert!(
        wasted > 10_000 && wasted < transfer,
        "{wasted} of {transfer}"
    );
    let main = budget(&doc, "main_thread");
    assert_eq!(
        (&main["name"], &main["verdict"], &main["origin"]),
        (
            &Value::from("main-thread work"),
            &Value::from("fail"),
            &Value::from("perfscope.toml")
        )
    );
    assert_eq!(main["actual"].as_f64(), Some(main_thread));
    assert_eq!(main["limit"].as_f64(), Some(300.0));
    let unused = budget(&doc, "unused_js");
    assert_eq!(unused["verdict"], "fail");
    assert_eq!(unused["actual"].as_f64(), Some(wasted as f64));
    assert_eq!(unused["limit"].as_f64(), Some(10_000.0));

    // The terminal names both, with their values in their units.
    let human = vitals_from_artifacts(dir.path(), "human");
    assert_eq!(human.status.code(), Some(1));
    let text = String::from_utf8_lossy(&human.stdout);
    for line in [
        "main-thread work",
        "385 ms",
        "unused JS",
        "11.5 KB",
        "10 KB",
    ] {
        assert!(text.contains(line), "{line} missing from:\n{text}");
    }
}

#[test]
fn an_unused_js_share_and_a_main_thread_limit_above_the_load_pass() {
    let dir = project("[vitals.budgets]\nmain_thread = 2000\nunused_js = 0.75\n");
    let out = vitals_from_artifacts(dir.path(), "json");
    let doc = json(&out);
    assert_eq!(out.status.code(), Some(0), "{:#}", doc["budgets"]);
    let (_, wasted, transfer) = measured(&doc);
    let share = budget(&doc, "unused_js_share");
    assert_eq!(share["verdict"], "pass");
    let expected = wasted as f64 / transfer as f64;
    let actual = share["actual"].as_f64().unwrap();
    assert!((actual - expected).abs() < 1e-4, "{actual} vs {expected}");
    assert!(actual > 0.6, "{actual}");
    assert_eq!(budget(&doc, "main_thread")["verdict"], "pass");

    // Under the measured share it fails.
    let strict = project("[vitals.budgets]\nunused_js = 0.5\n");
    let out = vitals_from_artifacts(strict.path(), "json");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(budget(&json(&out), "unused_js_share")["verdict"], "fail");
}

#[test]
fn an_unused_js_number_over_one_is_refused_with_the_fix() {
    let dir = project("[vitals.budgets]\nunused_js = 60000\n");
    let out = vitals_from_artifacts(dir.path(), "json");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("a share from 0 to 1 (got 60000)") && stderr.contains("\"60 KB\""),
        "{stderr}"
    );
}

#[test]
fn check_fails_on_main_thread_and_unused_js_in_chromium() {
    let dir = project(
        "[vitals]\nruns = 1\n\
         [vitals.budgets]\n\
         fcp_ms = 60000\nlcp_ms = 60000\ntti_ms = 60000\n\
         main_thread_ms = 100\nunused_js = 0.3\n",
    );
    let dist = dir.path().join("dist");
    std::fs::create_dir(&dist).unwrap();
    for name in ["index.html", "app.js", "app.js.map"] {
        std::fs::copy(
            repo().join("fixtures/vitals/site/cpu").join(name),
            dist.join(name),
        )
        .unwrap();
    }
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
    let doc = json(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{doc:#}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let checks = doc["gate"]["checks"].as_array().expect("checks");
    let failing: Vec<&str> = checks
        .iter()
        .filter(|c| c["pass"] == false)
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(
        failing,
        [
            "main-thread work (main-thread work)",
            "unused JS share (unused JS share)"
        ],
        "{checks:#?}"
    );
    let actual = |name: &str| {
        checks
            .iter()
            .find(|c| c["name"] == name)
            .and_then(|c| c["actual"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    // Values in their units: "271 ms", "70.4%".
    let main = actual("main-thread work (main-thread work)");
    assert!(main.ends_with(" ms") || main.ends_with(" s"), "{main}");
    let share = actual("unused JS share (unused JS share)");
    let percent: f64 = share.trim_end_matches('%').parse().expect(&share);
    // d3-shape, d3-path and the sparkline (about 18 KB of 51 KB) never run,
    // nor does most of decimal.js: the recorded run measured 70%.
    assert!((55.0..=85.0).contains(&percent), "{share}");
}
