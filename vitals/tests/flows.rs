//! Recorded user flows replayed in real Chromium (CHROME_PATH or
//! /usr/bin/chromium) against `fixtures/vitals/site/flows/` served by
//! perfscope: INP per step within a tolerance of the handlers' planted cost,
//! and a step whose element is gone fails its run with the step named.
//! One browser at a time (a global lock), as in `browser.rs`.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use model::vitals::{FlowReport, StepReport};
use perfscope_vitals as vitals;
use vitals::browser::perfscope_chromium_processes;
use vitals::{Target, VitalsOptions};

static BROWSER: Mutex<()> = Mutex::new(());

fn lock() -> MutexGuard<'static, ()> {
    BROWSER.lock().unwrap_or_else(|p| p.into_inner())
}

fn site() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/vitals/site")
}

/// Loads the flow's page once (runs: 1) and replays the recording once.
fn replay(recording: &str, page: &str) -> FlowReport {
    let report = measure(recording, page);
    report.flows.into_iter().next().unwrap()
}

fn measure(recording: &str, page: &str) -> model::vitals::VitalsReport {
    let options = VitalsOptions {
        runs: 1,
        path: page.into(),
        timeout: Duration::from_secs(30),
        flows: vec![site().join("flows").join(recording)],
        ..VitalsOptions::default()
    };
    let report = vitals::run(&Target::Dir(site()), &options).expect("vitals run");
    let left = perfscope_chromium_processes();
    assert!(
        left.is_empty() || wait_for_no_chromium(),
        "Chromium left: {left:?}"
    );
    assert_eq!(report.flows.len(), 1, "{:?}", report.diagnostics);
    report
}

fn wait_for_no_chromium() -> bool {
    for _ in 0..30 {
        if perfscope_chromium_processes().is_empty() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

fn step(flow: &FlowReport, number: usize) -> &StepReport {
    flow.runs[0]
        .steps
        .iter()
        .find(|s| s.number == number)
        .unwrap_or_else(|| panic!("step {number} ran: {:?}", flow.runs[0]))
}

/// The "Add to cart" handler blocks 220 ms: that click's INP is at least
/// 220 ms and at most 220 ms plus a frame or two of rendering on a loaded
/// 2-core machine (400 ms); the cheap "+1" click stays under 100 ms.
#[test]
fn a_slow_click_handler_is_the_flows_inp() {
    let _guard = lock();
    let report = measure("slow-click.json", "/flows/slow-click.html");
    // The flow's INP budget (200 ms, Google's "good") fails.
    let budget = report
        .budgets
        .iter()
        .find(|b| b.name == "INP of flow Add to cart")
        .unwrap_or_else(|| panic!("{:?}", report.budgets));
    assert_eq!(budget.verdict, model::Verdict::Fail, "{budget:?}");
    let flow = &report.flows[0];
    let run = &flow.runs[0];
    assert!(run.complete, "{:?}", run.error);
    assert_eq!(flow.name, "Add to cart");
    let add = step(flow, 4);
    assert_eq!(add.kind, "click");
    let inp = add.inp_ms.expect("the click is an interaction");
    assert!((220.0..=400.0).contains(&inp), "INP {inp} ms: {add:?}");
    let slowest = &add.interactions[0];
    assert!(slowest.processing_ms >= 200.0, "{slowest:?}");
    assert!(
        slowest
            .target
            .as_deref()
            .is_some_and(|t| t.contains("#add")),
        "{slowest:?}"
    );
    let plus = step(flow, 3);
    assert!(plus.inp_ms.is_none_or(|v| v < 100.0), "{plus:?}");
    assert!(flow.inp_ms.is_some_and(|v| v >= 220.0), "{flow:?}");
    // The recorded origin (localhost:5173) was rebased onto perfscope's server.
    let navigate = step(flow, 2);
    assert!(
        navigate
            .target
            .as_deref()
            .is_some_and(|u| u.starts_with("http://127.0.0.1:")),
        "{navigate:?}"
    );
}

/// Each keystroke in the search field blocks 150 ms: typing (the `change`
/// step, two keys) and Enter are interactions of 150 ms or more.
#[test]
fn slow_keystrokes_are_interactions_of_their_steps() {
    let _guard = lock();
    let flow = replay("slow-key.json", "/flows/slow-key.html");
    let run = &flow.runs[0];
    assert!(run.complete, "{:?}", run.error);
    let typed = step(&flow, 4);
    assert_eq!(typed.kind, "change");
    assert!(typed.interactions.len() >= 2, "{typed:?}");
    assert!(
        typed.inp_ms.is_some_and(|v| (150.0..=350.0).contains(&v)),
        "{typed:?}"
    );
    let enter = step(&flow, 5);
    assert!(
        enter.inp_ms.is_some_and(|v| (150.0..=350.0).contains(&v)),
        "{enter:?}"
    );
    assert!(run.interaction_count >= 3, "{run:?}");
}

/// A step whose element never appears fails the run with its number, type
/// and selectors; the steps before it are kept.
#[test]
fn a_missing_element_fails_the_run_naming_the_step() {
    let _guard = lock();
    let flow = replay("missing.json", "/flows/slow-click.html");
    let run = &flow.runs[0];
    assert!(!run.complete);
    let error = run.error.as_deref().expect("an error");
    for needle in ["step 3", "click", "#checkout", "aria/Checkout"] {
        assert!(error.contains(needle), "{needle}: {error}");
    }
    assert_eq!(run.steps.len(), 2, "{run:?}");
    assert!(flow.median_index.is_none());
}

/// A browser that cannot be reached for a replay fails that replay (with
/// the reason), not the whole report; an unreadable recording is a
/// diagnostic naming its file.
#[test]
fn an_unreachable_browser_fails_the_replay_not_the_report() {
    let options = VitalsOptions {
        runs: 2,
        timeout: Duration::from_secs(5),
        browser_ws: Some("ws://127.0.0.1:9/devtools/browser/none".into()),
        flows: vec![
            site().join("flows/slow-click.json"),
            site().join("flows/no-such-recording.json"),
        ],
        ..VitalsOptions::default()
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (flows, diagnostics) = runtime
        .block_on(vitals::gather::flows(&Target::Dir(site()), &options))
        .expect("the flows part still reports");
    assert_eq!(flows.len(), 1);
    let flow = &flows[0];
    assert_eq!(flow.runs.len(), 2);
    assert!(flow.runs.iter().all(|r| !r.complete), "{flow:?}");
    assert!(
        flow.runs[1]
            .error
            .as_deref()
            .is_some_and(|e| e.starts_with("run 2:")),
        "{flow:?}"
    );
    assert_eq!(flow.median_index, None);
    assert!(
        diagnostics.iter().any(
            |d| d.path.ends_with("no-such-recording.json") && d.message.contains("cannot read")
        ),
        "{diagnostics:?}"
    );
}
