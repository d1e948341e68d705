//! Metrics computed exactly on artifacts recorded from real runs
//! (`fixtures/vitals/artifacts/*`, saved with `--save-artifacts` by
//! `examples/measure.rs`). Each expected value is recomputed here straight
//! from the raw artifact JSON, independently of the metric code.

use std::path::PathBuf;

use model::vitals::VitalsReport;
use perfscope_vitals as vitals;
use serde_json::Value;

fn dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/vitals/artifacts")
        .join(name)
}

fn report(name: &str) -> VitalsReport {
    vitals::from_artifacts(&dir(name), &vitals::VitalsOptions::default()).unwrap()
}

fn raw(name: &str, run: usize) -> Value {
    let text = std::fs::read_to_string(dir(name).join(format!("run-{run}.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn events<'a>(raw: &'a Value, name: &str) -> Vec<&'a Value> {
    raw["trace_events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["name"] == name)
        .collect()
}

/// ts (µs) of the navigationStart of the measured document.
fn nav_start(raw: &Value) -> f64 {
    events(raw, "navigationStart")
        .into_iter()
        .find(|e| {
            e["args"]["data"]["documentLoaderURL"]
                .as_str()
                .is_some_and(|u| u.starts_with("http"))
        })
        .unwrap()["ts"]
        .as_f64()
        .unwrap()
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

#[test]
fn simple_page_fcp_median_and_spread() {
    let report = report("index");
    assert_eq!(report.runs.len(), 2);
    for (i, run) in report.runs.iter().enumerate() {
        let raw = raw("index", i);
        let nav = nav_start(&raw);
        let fcp = events(&raw, "firstContentfulPaint")[0]["ts"]
            .as_f64()
            .unwrap();
        assert_eq!(run.fcp_ms, Some(round1((fcp - nav) / 1000.0)));
        // No long task after FCP and a quiet network: TTI is FCP or DOMContentLoaded.
        let dcl = raw["observer"]["dom_content_loaded_ms"].as_f64().unwrap();
        let expected_tti = round1(((fcp - nav) / 1000.0).max(dcl));
        assert_eq!(run.tti_ms, Some(expected_tti));
        assert_eq!(run.tbt_ms, Some(0.0));
        assert_eq!(run.requests.len(), raw["network"].as_array().unwrap().len());
    }
    let fcps: Vec<f64> = report.runs.iter().map(|r| r.fcp_ms.unwrap()).collect();
    let spread = report.spread.fcp_ms.as_ref().unwrap();
    assert_eq!(spread.min, fcps[0].min(fcps[1]));
    assert_eq!(spread.max, fcps[0].max(fcps[1]));
    // Two runs: both are equally far from the medians; the lower TTI wins.
    let ttis: Vec<f64> = report.runs.iter().map(|r| r.tti_ms.unwrap()).collect();
    let expected = if ttis[1] < ttis[0] { 1 } else { 0 };
    assert_eq!(report.median_index, Some(expected));
}

#[test]
fn late_image_lcp_is_the_last_candidate() {
    let report = report("lcp");
    let raw = raw("lcp", 0);
    let candidates = events(&raw, "largestContentfulPaint::Candidate");
    let last = candidates.last().unwrap();
    assert_eq!(last["args"]["data"]["type"], "image");
    let expected = round1((last["ts"].as_f64().unwrap() - nav_start(&raw)) / 1000.0);
    assert_eq!(report.runs[0].lcp_ms, Some(expected));
    assert!(expected >= 800.0);
}

#[test]
fn layout_shift_score_is_the_window_sum() {
    let report = report("shifts");
    let raw = raw("shifts", 0);
    let sum: f64 = events(&raw, "LayoutShift")
        .iter()
        .filter(|e| e["args"]["data"]["had_recent_input"] != true)
        .map(|e| e["args"]["data"]["weighted_score_delta"].as_f64().unwrap())
        .sum();
    assert_eq!(report.runs[0].cls, Some((sum * 1e4).round() / 1e4));
    assert!((0.11..0.15).contains(&sum), "{sum}");
}

#[test]
fn planted_long_tasks_tbt_and_tti_exactly() {
    let report = report("longtasks");
    let run = &report.runs[0];
    let raw = raw("longtasks", 0);
    let nav = nav_start(&raw);
    let planted: Vec<_> = run
        .long_tasks
        .iter()
        .filter(|t| {
            t.url
                .as_deref()
                .is_some_and(|u| u.ends_with("/longtasks.js"))
        })
        .collect();
    assert_eq!(planted.len(), 2);
    // Each long task is one top-level RunTask of the trace (counted once).
    for task in &run.long_tasks {
        let matching = events(&raw, "RunTask")
            .into_iter()
            .chain(events(&raw, "ThreadControllerImpl::RunTask"))
            .filter(|e| {
                round1((e["ts"].as_f64().unwrap() - nav) / 1000.0) == task.start_ms
                    && round1(e["dur"].as_f64().unwrap() / 1000.0) == task.duration_ms
            })
            .count();
        assert!(matching >= 1, "{task:?}");
    }
    let fcp = run.fcp_ms.unwrap();
    let tti = run.tti_ms.unwrap();
    let last = planted[1];
    // TTI is the end of the last long task (both rounded to 0.1 ms).
    assert!(
        (tti - (last.start_ms + last.duration_ms)).abs() <= 0.11,
        "{tti} {last:?}"
    );
    let expected_tbt: f64 = run
        .long_tasks
        .iter()
        .map(|t| {
            let clipped = (t.start_ms + t.duration_ms).min(tti) - t.start_ms.max(fcp);
            if clipped >= 50.0 { clipped - 50.0 } else { 0.0 }
        })
        .sum();
    assert!((run.tbt_ms.unwrap() - expected_tbt).abs() < 0.2, "{run:?}");
    assert!(run.tbt_ms.unwrap() >= 215.0);
}

#[test]
fn network_findings_from_the_recorded_log() {
    let report = report("network");
    let kinds: Vec<&str> = report.findings.iter().map(|f| f.kind.id()).collect();
    // Report order (model::FindingKind::ALL).
    assert_eq!(kinds, vec!["waterfall", "n-plus-one", "slow-api"]);
    assert!(report.findings[1].message.starts_with("8 requests to "));
    assert!(
        report.findings[0]
            .message
            .contains("/api/items/first → /api/items/second → /api/items/third")
    );
    let errors = &report.runs[0].console_errors;
    assert!(errors.iter().any(|e| e.message == "planted console error"));
    assert!(
        errors
            .iter()
            .any(|e| e.message.contains("planted uncaught exception"))
    );
}

#[test]
fn react_profiling_slow_renders_exactly() {
    let report = report("react-profiling");
    let raw = raw("react-profiling", 0);
    let commits = raw["react"]["commits"].as_array().unwrap();
    let slow_self: Vec<f64> = commits
        .iter()
        .flat_map(|c| c["renders"].as_array().unwrap())
        .filter(|r| r["name"] == "Slow")
        .map(|r| r["self_ms"].as_f64().unwrap())
        .collect();
    assert_eq!(slow_self.len(), 2);
    let react = &report.react;
    assert!(react.profiling);
    assert_eq!(react.commits, commits.len() as u64);
    // `Slow` by its own time, `App` by its inclusive time (the Profiler's
    // "render duration" including children), both over 16 ms.
    let names: Vec<&str> = react
        .slow_renders
        .iter()
        .map(|r| r.component.as_str())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        names.contains(&"App") && names.contains(&"Slow"),
        "{names:?}"
    );
    let app = react
        .slow_renders
        .iter()
        .find(|r| r.component == "App")
        .unwrap();
    assert!(app.max_ms < 16.0 && app.max_actual_ms > 30.0, "{app:?}");
    let slow = react
        .slow_renders
        .iter()
        .find(|r| r.component == "Slow")
        .unwrap();
    assert_eq!(slow.count, 2);
    assert_eq!(
        slow.max_ms,
        round1(slow_self.iter().copied().fold(0.0, f64::max))
    );
    assert_eq!(slow.total_ms, round1(slow_self.iter().sum()));
    assert!(slow.max_ms >= 30.0);
}

#[test]
fn react_production_counts_commits_only() {
    let report = report("react-production");
    let raw = raw("react-production", 0);
    let react = &report.react;
    assert!(react.detected && !react.profiling);
    assert_eq!(
        react.commits,
        raw["react"]["commits"].as_array().unwrap().len() as u64
    );
    assert!(react.commits >= 2);
    assert!(report.diagnostics.iter().any(|d| {
        d.message
            .contains("render timings need a development or profiling build")
    }));
}

/// The checkout page of `fixtures/vitals/site/embeds/` (a payment iframe
/// and a reviews iframe from two other sites, a classic and a module
/// search worker): each child lists the requests the raw log gives its
/// target, with their sizes, and its console errors; the page's own
/// metrics are those of the same run with its children cut out.
#[test]
fn children_are_listed_apart_and_leave_the_page_metrics_unchanged() {
    let report = report("children");
    let run = &report.runs[0];
    let raw = raw("children", 0);
    let network = raw["network"].as_array().unwrap();
    let children = raw["children"].as_array().unwrap();
    assert_eq!(run.children.len(), 4, "{:?}", run.children);
    for child in children {
        let id = child["id"].as_str().unwrap();
        let mut expected: Vec<(String, u64)> = network
            .iter()
            .filter(|r| r["target"].as_str() == Some(id))
            .map(|r| {
                (
                    r["url"].as_str().unwrap().to_string(),
                    r["transfer_bytes"].as_u64().unwrap(),
                )
            })
            .collect();
        expected.sort();
        let listed = run
            .children
            .iter()
            .find(|c| c.url == child["url"].as_str().unwrap())
            .unwrap_or_else(|| panic!("{child} is listed"));
        assert_eq!(listed.kind, child["kind"].as_str().unwrap());
        let mut got: Vec<(String, u64)> = listed
            .requests
            .iter()
            .map(|r| (r.url.clone(), r.transfer_bytes))
            .collect();
        got.sort();
        assert_eq!(got, expected, "{}", listed.url);
        assert_eq!(
            listed.transfer_bytes,
            expected.iter().map(|(_, b)| b).sum::<u64>()
        );
    }
    let pay = run
        .children
        .iter()
        .find(|c| c.url.ends_with("/embeds/pay/frame.html"))
        .unwrap();
    let sources: Vec<&str> = pay
        .console_errors
        .iter()
        .map(|e| e.source.as_str())
        .collect();
    assert_eq!(sources, ["console.error", "exception"]);
    assert!(run.console_errors.is_empty(), "the page itself logs none");
    // The page's own requests: the log's untagged records, nothing else.
    let own = network.iter().filter(|r| r["target"].is_null()).count();
    assert_eq!(run.requests.len(), own);

    // The same run with its children cut out.
    let mut cut = raw.clone();
    cut["children"] = Value::Array(Vec::new());
    cut["network"] = Value::Array(
        network
            .iter()
            .filter(|r| r["target"].is_null())
            .cloned()
            .collect(),
    );
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join("run-0.json"),
        serde_json::to_string(&cut).unwrap(),
    )
    .unwrap();
    let without = vitals::from_artifacts(folder.path(), &vitals::VitalsOptions::default()).unwrap();
    let mut with = run.clone();
    with.children.clear();
    assert_eq!(with, without.runs[0]);
    assert!(without.runs[0].fcp_ms.is_some() && without.runs[0].tti_ms.is_some());
}
