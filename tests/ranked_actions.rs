//! One ranked list: the top actions of the CPU fixture (`fixtures/vitals/
//! cpu-app/`: decimal.js burns CPU at load from `src/checksum.js:3`,
//! d3-shape is drawn only after a click from `src/sparkline.js:3`), from its
//! source analysis and its recorded browser run
//! (`fixtures/vitals/artifacts/cpu/`, recomputed without a browser). With
//! the run, the actions rank by what the code cost the load; without it, by
//! the static estimate, and each action says which.

use std::path::PathBuf;

use model::analyze::AnalyzeReport;
use model::assessment::{Action, ActionSource, Basis, SourceLocation};
use model::report::{Part, Report};
use model::vitals::VitalsReport;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn source() -> AnalyzeReport {
    let options = source::AnalyzeOptions {
        cache: false,
        ..source::AnalyzeOptions::default()
    };
    source::analyze(&repo().join("fixtures/vitals/cpu-app"), &options).expect("source analysis")
}

fn recorded_run() -> VitalsReport {
    vitals::from_artifacts(
        &repo().join("fixtures/vitals/artifacts/cpu"),
        &vitals::VitalsOptions::default(),
    )
    .expect("recorded run")
}

fn actions(vitals: Part<VitalsReport>) -> Vec<Action> {
    let report = Report::new(
        "perfscope test",
        Part::Ok { document: source() },
        Part::absent("not asked"),
        vitals,
    );
    assess::actions::top(&report, &[], 10)
}

fn at(file: &str, line: u32) -> Option<SourceLocation> {
    Some(SourceLocation {
        file: file.to_string(),
        line,
    })
}

fn key_of(a: &Action) -> &str {
    match &a.source {
        ActionSource::Finding { key, .. } => key,
        ActionSource::Package { name } => name,
        ActionSource::Budget { name } => name,
    }
}

#[test]
fn with_the_recorded_run_the_cpu_heavy_package_ranks_first_at_its_import() {
    let run = recorded_run();
    let profile = run
        .cpu
        .as_ref()
        .and_then(|c| c.profile.as_ref())
        .expect("profile");
    let decimal_ms = profile
        .packages
        .iter()
        .find(|p| p.name == "decimal.js")
        .expect("decimal.js in the profile")
        .self_ms;
    let list = actions(Part::Ok {
        document: run.clone(),
    });
    let keys: Vec<&str> = list.iter().map(key_of).collect();
    assert_eq!(
        keys,
        [
            "src/checksum.js->node_modules/decimal.js/decimal.mjs",
            "src/sparkline.js->node_modules/d3-shape/dist/d3-shape.mjs",
        ],
        "{list:#?}"
    );
    let first = &list[0];
    assert_eq!(first.basis, Some(Basis::Measured));
    assert_eq!(first.location, at("src/checksum.js", 3));
    let cost = first.cost.as_ref().expect("a measured cost");
    // Its main-thread time is decimal.js's self time in the profile.
    assert_eq!(
        cost.main_thread_ms,
        Some((decimal_ms * 10.0).round() / 10.0)
    );
    assert!(decimal_ms > 100.0, "the planted work: {decimal_ms} ms");
    // Its bytes at load are its share of the script, scaled to the transfer.
    let coverage = run.coverage.as_ref().expect("coverage");
    let script = &coverage.scripts[0];
    let usage = script
        .packages
        .iter()
        .find(|p| p.name == "decimal.js")
        .unwrap();
    let scaled = (usage.total_bytes as f64 * script.transfer_bytes as f64
        / script.total_bytes as f64)
        .round() as u64;
    assert_eq!(cost.load_bytes, Some(scaled));
    assert_eq!(cost.unused_bytes, Some(usage.wasted_bytes));
    assert!(
        first.what_text().starts_with("Defer decimal.js"),
        "{}",
        first.what_text()
    );

    // d3-shape and the d3-path it pulls in: nothing of them runs at load,
    // and both count (the candidate holds both packages).
    let second = &list[1];
    assert_eq!(second.basis, Some(Basis::Measured));
    assert_eq!(second.location, at("src/sparkline.js", 3));
    let cost = second.cost.as_ref().unwrap();
    let both: u64 = script
        .packages
        .iter()
        .filter(|p| p.name.starts_with("d3-"))
        .map(|p| p.wasted_bytes)
        .sum();
    assert_eq!(cost.unused_bytes, Some(both));
    assert_eq!(cost.main_thread_ms, Some(0.0));
    assert!(cost.unused_ratio.unwrap() > 0.85, "{cost:?}");
}

#[test]
fn without_a_run_the_static_estimate_ranks_and_says_so() {
    let list = actions(Part::absent("no browser"));
    let keys: Vec<&str> = list.iter().map(key_of).collect();
    // The estimate ranks the click-only d3-shape first: decimal.js is used
    // at startup, which lazy-loading alone cannot save.
    assert_eq!(
        keys,
        [
            "src/sparkline.js->node_modules/d3-shape/dist/d3-shape.mjs",
            "src/checksum.js->node_modules/decimal.js/decimal.mjs",
        ]
    );
    assert!(
        list.iter()
            .all(|a| a.basis == Some(Basis::Estimate) && a.cost.is_none())
    );
    assert_eq!(list[0].location, at("src/sparkline.js", 3));
}

/// `perfscope report` on the fixture's source and its committed build, in
/// real Chromium (Debian's `/usr/bin/chromium` or `CHROME_PATH`; without
/// one this fails, it never skips): the top action is decimal.js, measured,
/// at `src/checksum.js:3`, in the JSON, the SARIF and the Markdown comment.
#[test]
fn report_in_chromium_ranks_the_cpu_heavy_package_first_at_its_import_line() {
    let out = tempfile::tempdir().expect("tmp");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_perfscope"))
        .arg("report")
        .arg(repo().join("fixtures/vitals/cpu-app"))
        .arg("--dist")
        .arg(repo().join("fixtures/vitals/site/cpu"))
        .args(["--runs", "1", "--no-cache", "--no-brotli", "--out"])
        .arg(out.path())
        .output()
        .expect("perfscope runs");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let read = |name: &str| std::fs::read_to_string(out.path().join(name)).expect(name);
    let report: Report = serde_json::from_str(&read("report.json")).expect("report.json");
    let vitals = report.vitals.document().expect("the browser ran");
    let profile = vitals
        .cpu
        .as_ref()
        .and_then(|c| c.profile.as_ref())
        .expect("a CPU profile");
    assert_eq!(
        profile.packages[0].name, "decimal.js",
        "{:?}",
        profile.packages
    );
    let actions = &report.assessment.as_ref().expect("assessed").actions;
    // Failed budgets rank first by design (a loaded machine may fail the
    // default FCP budget); the savings follow, by measured cost.
    let rank = actions
        .iter()
        .position(|a| !matches!(a.source, ActionSource::Budget { .. }))
        .expect("a saving");
    let first = &actions[rank];
    assert_eq!(
        key_of(first),
        "src/checksum.js->node_modules/decimal.js/decimal.mjs",
        "{actions:#?}"
    );
    assert_eq!(first.basis, Some(Basis::Measured));
    assert_eq!(first.location, at("src/checksum.js", 3));
    let cost = first.cost.as_ref().expect("measured");
    assert!(
        cost.main_thread_ms.is_some_and(|ms| ms > 50.0),
        "the planted work: {cost:?}"
    );
    // The click-only d3-shape: measured, nothing of it ran at load.
    let chart = actions
        .iter()
        .find(|a| a.location == at("src/sparkline.js", 3))
        .expect("the d3-shape action");
    assert_eq!(chart.basis, Some(Basis::Measured));
    assert!(chart.cost.as_ref().unwrap().unused_ratio.unwrap() > 0.85);

    let sarif: serde_json::Value = serde_json::from_str(&read("report.sarif")).expect("SARIF");
    let top = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ruleId"] == "top-action")
        .expect("a top-action result");
    let loc = &top["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "src/checksum.js");
    assert_eq!(loc["region"]["startLine"], 3);
    assert!(
        top["message"]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with(&format!(
                "Top action {} of {} (measured): Defer decimal.js",
                rank + 1,
                actions.len()
            ))),
        "{top}"
    );
    let md = read("report.md");
    if rank < 3 {
        assert!(
            md.contains(&format!(
                "{}. Defer `decimal.js` and the startup work that uses it: import() it in `src/checksum.js:3`",
                rank + 1
            )),
            "{md}"
        );
    } else {
        // Three failed budgets fill the comment's list; the rest is counted.
        assert!(md.contains("more in report.html"), "{md}");
    }
}
