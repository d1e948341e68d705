//! `--headed`: a visible Chromium on the target where a person does what
//! they want measured. perfscope records what the page sees while they do
//! it (Event Timing entries, long animation frames, layout shifts, long
//! tasks, React commits: `flow.js`'s `take`, polled) until the window is
//! closed, and reports it as a flow: one step for each page's load, then
//! one per interaction, each with what happened until the next one.

use std::ffi::OsString;
use std::time::Duration;

use chromiumoxide::Page;
use chromiumoxide::cdp::browser_protocol::page::AddScriptToEvaluateOnNewDocumentParams;
use chromiumoxide::cdp::js_protocol::runtime::EvaluateParams;
use model::vitals::{FlowReport, FlowRun, StepReport};
use serde::Deserialize;
use tokio::time::Instant;

use crate::metrics::inp::{self, EventEntry};
use crate::metrics::step::{self, StepData};
use crate::metrics::step_requests;

/// Whether a visible window can open: a display on Linux and the BSDs
/// (`DISPLAY` or `WAYLAND_DISPLAY`); macOS and Windows always have one.
pub fn check_display(display: Option<OsString>, wayland: Option<OsString>) -> Result<(), String> {
    if !cfg!(any(
        target_os = "linux",
        target_os = "freebsd",
        target_os = "openbsd"
    )) {
        return Ok(());
    }
    let set = |v: &Option<OsString>| v.as_ref().is_some_and(|v| !v.is_empty());
    if set(&display) || set(&wayland) {
        Ok(())
    } else {
        Err("neither DISPLAY nor WAYLAND_DISPLAY is set".into())
    }
}

/// How often the page is read.
const POLL: Duration = Duration::from_millis(250);

/// The longest a session may last.
pub const LIMIT: Duration = Duration::from_secs(30 * 60);

/// One poll of `take`: what the page recorded since the last one (with
/// `performance.now()` when taken, which goes back on a new document).
#[derive(Debug, Default, Deserialize)]
pub struct Taken {
    /// The page's URL.
    #[serde(default)]
    pub url: String,
    /// What was recorded.
    #[serde(flatten)]
    pub data: StepData,
}

/// One document the person was on, and everything it recorded.
#[derive(Debug, Default)]
pub struct Visit {
    /// Its URL when first seen.
    pub url: String,
    /// Everything recorded on it.
    pub data: StepData,
    last_now: f64,
}

/// Adds one poll to the visits: a new document (its clock went back, or
/// a new URL path) starts a new visit.
pub fn add(visits: &mut Vec<Visit>, taken: Taken) {
    let same = visits.last().is_some_and(|v| {
        taken.data.now >= v.last_now && strip_fragment(&v.url) == strip_fragment(&taken.url)
    });
    if !same {
        visits.push(Visit {
            url: taken.url.clone(),
            ..Visit::default()
        });
    }
    if let Some(visit) = visits.last_mut() {
        visit.last_now = taken.data.now;
        let d = &mut visit.data;
        d.events.extend(taken.data.events);
        d.frames.extend(taken.data.frames);
        d.shifts.extend(taken.data.shifts);
        d.longtasks.extend(taken.data.longtasks);
        d.commits.extend(taken.data.commits);
        d.resources.extend(taken.data.resources);
    }
}

fn strip_fragment(url: &str) -> &str {
    url.split('#').next().unwrap_or(url)
}

/// The steps of the visits: per visit, its load (what happened before the
/// first interaction), then each interaction with what happened until the
/// next one. Steps are numbered in order from 1.
pub fn steps(visits: &[Visit]) -> Vec<StepReport> {
    let mut out = Vec::new();
    for visit in visits {
        let entries = visit.data.entries();
        let mut interactions = inp::interactions(&entries);
        interactions.sort_by(|a, b| a.start_ms.total_cmp(&b.start_ms).then(a.id.cmp(&b.id)));
        let starts: Vec<f64> = interactions.iter().map(|i| i.start_ms).collect();
        let first = starts.first().copied().unwrap_or(f64::INFINITY);
        let mut load = StepReport {
            number: out.len() + 1,
            kind: "navigate".into(),
            target: Some(visit.url.clone()),
            ..StepReport::default()
        };
        let before = slice(&visit.data, f64::NEG_INFINITY, first);
        step::fill(&mut load, &before);
        load.requests = step_requests::listed(&before.resources);
        out.push(load);
        for (i, interaction) in interactions.into_iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(f64::INFINITY);
            let data = slice(&visit.data, interaction.start_ms, end);
            let own: Vec<EventEntry> = entries
                .iter()
                .filter(|e| e.interaction_id == interaction.id)
                .cloned()
                .collect();
            let mine = inp::interactions(&own);
            let mut report = StepReport {
                number: out.len() + 1,
                kind: kind_of(&interaction.event).into(),
                target: interaction.target.clone(),
                inp_ms: inp::inp(&mine),
                interactions: mine,
                ..StepReport::default()
            };
            step::fill(&mut report, &data);
            report.requests = step_requests::listed(&data.resources);
            out.push(report);
        }
    }
    out
}

/// The Recorder's step type of an interaction's event.
fn kind_of(event: &str) -> &'static str {
    match event {
        "keydown" | "keyup" | "keypress" => "keyDown",
        _ => "click",
    }
}

/// What happened in `[from, to)` (ms on the page's clock); Event Timing
/// entries are left out (each step takes its own interaction's).
fn slice(data: &StepData, from: f64, to: f64) -> StepData {
    let within = |t: f64| t >= from && t < to;
    let at = |v: &serde_json::Value| v.get(0).and_then(|t| t.as_f64()).unwrap_or(0.0);
    StepData {
        events: Vec::new(),
        frames: data
            .frames
            .iter()
            .filter(|f| within(f.0))
            .cloned()
            .collect(),
        shifts: data
            .shifts
            .iter()
            .filter(|s| within(at(s)))
            .cloned()
            .collect(),
        longtasks: data
            .longtasks
            .iter()
            .filter(|t| within(t.0))
            .copied()
            .collect(),
        commits: data
            .commits
            .iter()
            .filter(|c| within(at(c)))
            .cloned()
            .collect(),
        resources: data
            .resources
            .iter()
            .filter(|r| within(r.2))
            .cloned()
            .collect(),
        now: data.now,
        origin: data.origin,
    }
}

/// The flow report of a recorded session.
pub fn report(visits: &[Visit]) -> FlowReport {
    let steps = steps(visits);
    let all: Vec<EventEntry> = visits.iter().flat_map(|v| v.data.entries()).collect();
    let interactions = inp::interactions(&all);
    let logs: Vec<_> = visits.iter().map(|v| v.data.react()).collect();
    let run = FlowRun {
        index: 0,
        complete: true,
        error: None,
        inp_ms: inp::inp(&interactions),
        interaction_count: interactions.len(),
        steps,
        react_commits: logs.iter().map(|l| l.commits.len() as u64).sum(),
        renders: step::render_counts(&logs),
        memory: None,
    };
    FlowReport {
        name: "Headed session".into(),
        file: None,
        inp_ms: run.inp_ms,
        median_index: Some(0),
        runs: vec![run],
    }
}

/// Opens `url` in the visible browser's page with perfscope's scripts, and
/// reads the page until the window is closed (`closed` says when), or
/// `limit`.
pub async fn session(
    page: &Page,
    url: &str,
    mut closed: impl FnMut() -> bool,
    limit: Instant,
) -> Vec<Visit> {
    for script in [
        crate::gather::INIT_SCRIPT,
        crate::gather::replay::FLOW_SCRIPT,
    ] {
        let _ = page
            .execute(AddScriptToEvaluateOnNewDocumentParams::new(script))
            .await;
    }
    let _ = tokio::time::timeout(Duration::from_secs(30), page.goto(url)).await;
    let mut visits = Vec::new();
    let expression = "window.__perfscopeFlow ? window.__perfscopeFlow.take() : null";
    while Instant::now() < limit && !closed() {
        tokio::time::sleep(POLL).await;
        let Ok(params) = EvaluateParams::builder()
            .expression(expression)
            .return_by_value(true)
            .build()
        else {
            break;
        };
        let answer = tokio::time::timeout(Duration::from_secs(2), page.execute(params)).await;
        if let Ok(Ok(result)) = answer
            && let Some(serde_json::Value::String(text)) = result.result.result.value.clone()
            && let Ok(taken) = serde_json::from_str::<Taken>(&text)
        {
            add(&mut visits, taken);
        }
    }
    visits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_display_is_needed_on_linux() {
        let some = |s: &str| Some(OsString::from(s));
        if cfg!(target_os = "linux") {
            assert!(check_display(None, None).is_err());
            assert!(check_display(some(""), None).is_err());
        }
        assert!(check_display(some(":0"), None).is_ok());
        assert!(check_display(None, some("wayland-0")).is_ok());
    }

    /// Two polls of one document, then a new document: two visits; the
    /// first has its load step then one step per interaction, each with
    /// the frames and commits until the next interaction.
    #[test]
    fn polls_become_visits_and_steps() {
        let poll = |text: &str| serde_json::from_str::<Taken>(text).unwrap();
        let mut visits = Vec::new();
        add(
            &mut visits,
            poll(
                r#"{"now": 900, "url": "http://127.0.0.1:1/a.html",
            "commits": [[300.0, true, [["App", 5.0, 5.0, "mount"]], 5.0]],
            "resources": [["http://127.0.0.1:1/app.js", "script", 20.0, 30.0, 9000, 27000, 200]],
            "events": [["pointerdown", 5, 1000.0, 1001.0, 1002.0, 24, "button#add"]]}"#,
            ),
        );
        add(
            &mut visits,
            poll(
                r#"{"now": 2500, "url": "http://127.0.0.1:1/a.html#tab",
            "events": [["click", 5, 1000.0, 1003.0, 1230.0, 240, "button#add"],
                       ["keydown", 9, 2000.0, 2001.0, 2170.0, 176, "input#q"]],
            "frames": [[1000.5, 236.0, 180.0, []], [2000.2, 172.0, 120.0, []]],
            "longtasks": [[1001.0, 230.0], [2001.0, 170.0]],
            "resources": [["http://127.0.0.1:1/api/cart", "fetch", 1240.0, 900.0, 300, 500, 200]],
            "commits": [[1231.0, true, [["List", 200.0, 200.0, "props"], ["Header", 0.2, 0.2, "parent"]], 200.2]]}"#,
            ),
        );
        add(
            &mut visits,
            poll(r#"{"now": 40, "url": "http://127.0.0.1:1/a.html"}"#),
        );
        assert_eq!(visits.len(), 2);
        let report = report(&visits);
        let run = &report.runs[0];
        let kinds: Vec<(usize, &str)> = run
            .steps
            .iter()
            .map(|s| (s.number, s.kind.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                (1, "navigate"),
                (2, "click"),
                (3, "keyDown"),
                (4, "navigate")
            ]
        );
        let click = &run.steps[1];
        assert_eq!(click.target.as_deref(), Some("button#add"));
        assert_eq!(click.inp_ms, Some(240.0));
        assert_eq!(click.tbt_ms, Some(180.0));
        assert_eq!(click.commits[0].components[0].component, "List");
        assert_eq!(click.unnecessary_renders[0].component, "Header");
        // The cart call started after the click, though it ended after the
        // keystroke began: the click's; the load's script is the load's.
        let requested = |i: usize| {
            run.steps[i]
                .requests
                .as_ref()
                .map(|r| r.list.iter().map(|q| q.url.as_str()).collect::<Vec<_>>())
        };
        assert_eq!(requested(1), Some(vec!["http://127.0.0.1:1/api/cart"]));
        assert_eq!(requested(0), Some(vec!["http://127.0.0.1:1/app.js"]));
        let key = &run.steps[2];
        assert!(key.requests.is_none());
        assert_eq!((key.inp_ms, key.tbt_ms), (Some(176.0), Some(120.0)));
        assert!(key.commits.is_empty());
        assert_eq!(run.steps[0].commits.len(), 1);
        assert_eq!((report.inp_ms, run.interaction_count), (Some(240.0), 2));
    }
}
