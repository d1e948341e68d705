//! Replaying a recorded user flow ([`crate::flow::Recording`]) in Chromium:
//! each step acts through the DevTools Input domain (trusted mouse and key
//! events, as a person's), so the page's Event Timing entries are the ones
//! a user would produce; the entries of each step become its interactions
//! and INP ([`crate::metrics::inp`]).
//!
//! A step that cannot run (no selector matches within its timeout, a
//! navigation fails) ends the replay with the step's number, type and
//! selectors; what ran before is kept.

use std::future::Future;
use std::time::Duration;

use chromiumoxide::cdp::browser_protocol::browser::BrowserContextId;
use chromiumoxide::cdp::browser_protocol::emulation::SetDeviceMetricsOverrideParams;
use chromiumoxide::cdp::browser_protocol::input::{
    DispatchKeyEventParams, DispatchKeyEventType, DispatchMouseEventParams, DispatchMouseEventType,
    MouseButton,
};
use chromiumoxide::cdp::browser_protocol::page::AddScriptToEvaluateOnNewDocumentParams;
use chromiumoxide::cdp::browser_protocol::target::CreateTargetParams;
use chromiumoxide::cdp::js_protocol::runtime::EvaluateParams;
use chromiumoxide::{Browser, Page};
use std::collections::BTreeMap;

use chromiumoxide::cdp::browser_protocol::memory::GetDomCountersParams;
use chromiumoxide::cdp::js_protocol::heap_profiler::CollectGarbageParams;
use chromiumoxide::cdp::js_protocol::runtime::GetHeapUsageParams;
use model::vitals::{FlowReport, FlowRun, MemorySample, Profile, StepReport};
use tokio::time::Instant;

use super::INIT_SCRIPT;
use super::artifacts::ReactLog;
use crate::flow::{Recording, Step};
use crate::metrics::inp::{self, EventEntry};
use crate::metrics::leak;
use crate::metrics::step::{self, StepData};
use crate::metrics::step_requests::{self, Handover};
use crate::sourcemaps::{self, ScriptMap};

/// The script that buffers Event Timing entries and finds elements.
pub const FLOW_SCRIPT: &str = include_str!("flow.js");

/// How long the replay waits after its last step for the requests that
/// step started to end (Resource Timing lists a request when it has ended).
const LAST_REQUESTS_WAIT: Duration = Duration::from_millis(500);

/// How long a step waits for its element when the recording says nothing
/// (the Recorder's default).
const STEP_TIMEOUT: Duration = Duration::from_secs(5);

/// Where a replay runs and how.
pub struct ReplayTarget<'a> {
    /// The URL perfscope serves or started; the replay starts there unless
    /// the recording's first step navigates.
    pub start_url: &'a str,
    /// Its origin (`http://127.0.0.1:4173`): recorded URLs are rebased onto it.
    pub origin: &'a str,
    /// The form factor.
    pub profile: &'a Profile,
}

/// What a replay gathers as its steps run.
#[derive(Default)]
struct Gathered {
    entries: Vec<EventEntry>,
    react: Vec<ReactLog>,
    memory: Vec<MemorySample>,
    /// Each step's hand-over of its document's requests, then the last one.
    requests: Vec<Handover>,
}

/// Replays `recording` once in a fresh context of `browser`: the opening
/// steps (`setViewport`, `navigate`) once, then the rest `repeat` times,
/// with the heap and DOM counters sampled before the steps and after each
/// repetition.
pub async fn replay(
    browser: &Browser,
    recording: &Recording,
    target: &ReplayTarget<'_>,
    (index, repeat): (usize, u32),
    deadline: Instant,
) -> FlowRun {
    let mut run = FlowRun {
        index,
        ..FlowRun::default()
    };
    let (context, page) = match open(browser, target.profile, deadline).await {
        Ok(opened) => opened,
        Err(e) => {
            run.error = Some(format!("run {}: {e}", index + 1));
            return run;
        }
    };
    let opening = recording
        .steps
        .iter()
        .take_while(|s| matches!(s, Step::SetViewport { .. } | Step::Navigate { .. }))
        .count();
    // The target's page, unless the opening steps navigate themselves.
    if !recording.steps[..opening]
        .iter()
        .any(|s| matches!(s, Step::Navigate { .. }))
        && let Err(e) = navigate(&page, target.start_url, deadline).await
    {
        run.error = Some(format!(
            "run {}: opening {}: {e}",
            index + 1,
            target.start_url
        ));
    }
    let mut gathered = Gathered::default();
    let numbered: Vec<(usize, &Step)> = recording.steps.iter().enumerate().collect();
    let (head, body) = numbered.split_at(opening);
    let repeat = repeat.max(1);
    let passes = std::iter::once((head, None))
        .chain((1..=repeat).map(|rep| (body, (repeat > 1).then_some(rep))));
    for (pass, (steps, repetition)) in passes.enumerate() {
        for &(i, step) in steps {
            if run.error.is_some() {
                break;
            }
            let ctx = StepCtx {
                recording,
                target,
                number: i + 1,
                repetition,
                deadline,
            };
            run_step(&page, step, &ctx, &mut run, &mut gathered).await;
        }
        if run.error.is_none() && gathered.memory.len() == pass {
            // A sample that cannot be taken ends the memory measurement
            // (later samples would not line up with the repetitions).
            let limit = deadline.min(Instant::now() + Duration::from_secs(10));
            if let Some(sample) = memory_sample(&page, limit).await {
                gathered.memory.push(sample);
            }
        }
    }
    if run.error.is_none() {
        let mut last = last_requests(&page, deadline).await;
        gathered.requests.push(Handover::take(&mut last));
    }
    let placed = step_requests::by_step(&gathered.requests, run.steps.len());
    for (step, requests) in run.steps.iter_mut().zip(placed) {
        step.requests = requests;
    }
    attribute_frames(&page, &mut run.steps, deadline).await;
    let interactions = inp::interactions(&gathered.entries);
    run.interaction_count = interactions.len();
    run.inp_ms = inp::inp(&interactions);
    run.renders = step::render_counts(&gathered.react);
    run.react_commits = gathered.react.iter().map(|l| l.commits.len() as u64).sum();
    if gathered.memory.len() >= 2 {
        run.memory = Some(leak::assess(repeat, gathered.memory));
    }
    run.complete = run.error.is_none();
    close(browser, page, context).await;
    run
}

/// Where one step stands in its replay.
struct StepCtx<'a> {
    recording: &'a Recording,
    target: &'a ReplayTarget<'a>,
    /// 1-based number in the recording.
    number: usize,
    /// The repetition, with `repeat` over 1.
    repetition: Option<u32>,
    deadline: Instant,
}

/// Runs one step, reads what the page recorded during it, and adds its
/// report to `run` (or the error that ends the replay).
async fn run_step(
    page: &Page,
    step: &Step,
    ctx: &StepCtx<'_>,
    run: &mut FlowRun,
    gathered: &mut Gathered,
) {
    let recorded = crate::flow::recorded_origin(ctx.recording);
    let limit = step_limit(step, ctx.recording, ctx.deadline);
    let acted = act(page, step, recorded.as_deref(), ctx.target, limit).await;
    let mut data = settle_and_read(page, ctx.deadline).await;
    match acted {
        Ok(matched) => {
            let entries = data.entries();
            let interactions = inp::interactions(&entries);
            let mut report = StepReport {
                number: ctx.number,
                kind: step.kind().to_string(),
                target: matched,
                inp_ms: inp::inp(&interactions),
                interactions,
                repetition: ctx.repetition,
                ..StepReport::default()
            };
            step::fill(&mut report, &data);
            run.steps.push(report);
            gathered.requests.push(Handover::take(&mut data));
            gathered.entries.extend(entries);
            gathered.react.push(data.react());
        }
        Err(problem) => {
            run.error = Some(format!(
                "run {}: step {} ({}){} failed: {problem}",
                run.index + 1,
                ctx.number,
                step.describe(),
                ctx.repetition
                    .map(|r| format!(" in repetition {r}"))
                    .unwrap_or_default()
            ));
        }
    }
}

/// The JS heap and DOM counters after a forced garbage collection.
async fn memory_sample(page: &Page, limit: Instant) -> Option<MemorySample> {
    until(limit, page.execute(CollectGarbageParams::default()))
        .await?
        .ok()?;
    let heap = until(limit, page.execute(GetHeapUsageParams::default()))
        .await?
        .ok()?;
    let counters = until(limit, page.execute(GetDomCountersParams::default()))
        .await?
        .ok()?;
    let attached: u64 = eval_string(
        page,
        "window.__perfscopeFlow ? window.__perfscopeFlow.attachedNodes() : null",
        limit,
    )
    .await?
    .parse()
    .ok()?;
    let nodes = counters.result.nodes.max(0) as u64;
    Some(MemorySample {
        heap_bytes: heap.result.used_size.max(0.0) as u64,
        listeners: counters.result.js_event_listeners.max(0) as u64,
        nodes,
        detached_nodes: nodes.saturating_sub(attached),
    })
}

/// Maps the long frames' scripts to original modules and packages through
/// the scripts' source maps, fetched by the page from where it loaded them.
async fn attribute_frames(page: &Page, steps: &mut [StepReport], deadline: Instant) {
    let limit = deadline.min(Instant::now() + Duration::from_secs(10));
    let mut maps: BTreeMap<String, Option<(String, ScriptMap)>> = BTreeMap::new();
    for script in steps
        .iter_mut()
        .flat_map(|s| s.long_frames.iter_mut())
        .flat_map(|f| f.scripts.iter_mut())
    {
        let Some(pos) = script.char_position.filter(|_| !script.source.is_empty()) else {
            continue;
        };
        if !maps.contains_key(&script.source) {
            let fetched = fetch_map(page, &script.source, limit).await;
            maps.insert(script.source.clone(), fetched);
        }
        let Some(Some((text, map))) = maps.get(&script.source) else {
            continue;
        };
        if let Some((line, col)) = sourcemaps::position(text, pos)
            && let Some((module, package)) = map.original(line, col)
        {
            script.module = Some(module);
            script.package = package;
        }
    }
}

/// A script's text and parsed source map, fetched in the page.
async fn fetch_map(page: &Page, url: &str, limit: Instant) -> Option<(String, ScriptMap)> {
    let fetch = |u: &str| {
        format!(
            "fetch({}).then(r => r.ok ? r.text() : null).catch(() => null)",
            serde_json::to_string(u).unwrap_or_else(|_| "''".into())
        )
    };
    let text = eval_string(page, &fetch(url), limit).await?;
    let reference = sourcemaps::map_reference(&text)?;
    let map_url = url::Url::parse(url).ok()?.join(&reference).ok()?;
    let map = eval_string(page, &fetch(map_url.as_str()), limit).await?;
    Some((text, ScriptMap::parse(map.as_bytes())?))
}

/// A flow's report from its replays: the median INP over the complete
/// replays (the run whose INP is the median; with an even count, the lower
/// of the two middle runs, as Lighthouse picks its median run).
pub fn summarize(name: String, file: Option<String>, runs: Vec<FlowRun>) -> FlowReport {
    let mut complete: Vec<(f64, usize)> = runs
        .iter()
        .filter(|r| r.complete)
        .map(|r| (r.inp_ms.unwrap_or(0.0), r.index))
        .collect();
    complete.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let median_index = complete
        .get(complete.len().saturating_sub(1) / 2)
        .map(|(_, i)| *i);
    let inp_ms = median_index.and_then(|i| runs.iter().find(|r| r.index == i)?.inp_ms);
    FlowReport {
        name,
        file,
        runs,
        median_index,
        inp_ms,
    }
}

/// The deadline of one step: its own timeout, else the recording's, else 5 s.
fn step_limit(step: &Step, recording: &Recording, deadline: Instant) -> Instant {
    let ms = step
        .timeout_ms()
        .or(recording.timeout_ms)
        .unwrap_or(STEP_TIMEOUT.as_millis() as u64);
    deadline.min(Instant::now() + Duration::from_millis(ms))
}

async fn open(
    browser: &Browser,
    profile: &Profile,
    deadline: Instant,
) -> Result<(Option<BrowserContextId>, Page), String> {
    let context = until(deadline, browser.create_browser_context(Default::default()))
        .await
        .and_then(Result::ok);
    let mut params = CreateTargetParams::new("about:blank");
    params.browser_context_id = context.clone();
    let page = match until(deadline, browser.new_page(params)).await {
        Some(Ok(page)) => page,
        Some(Err(e)) => return Err(format!("could not open a page: {e}")),
        None => return Err("the browser did not open a page in time".into()),
    };
    let metrics = SetDeviceMetricsOverrideParams::new(
        i64::from(profile.width),
        i64::from(profile.height),
        profile.device_scale_factor,
        profile.mobile,
    );
    for ok in [
        until(deadline, page.execute(metrics)).await.is_some(),
        until(
            deadline,
            page.execute(AddScriptToEvaluateOnNewDocumentParams::new(INIT_SCRIPT)),
        )
        .await
        .is_some_and(|r| r.is_ok()),
        until(
            deadline,
            page.execute(AddScriptToEvaluateOnNewDocumentParams::new(FLOW_SCRIPT)),
        )
        .await
        .is_some_and(|r| r.is_ok()),
    ] {
        if !ok {
            return Err("could not set the page up (viewport, scripts)".into());
        }
    }
    Ok((context, page))
}

async fn close(browser: &Browser, page: Page, context: Option<BrowserContextId>) {
    let _ = tokio::time::timeout(Duration::from_secs(1), page.close()).await;
    if let Some(id) = context {
        let _ =
            tokio::time::timeout(Duration::from_secs(1), browser.dispose_browser_context(id)).await;
    }
}

async fn until<T>(deadline: Instant, fut: impl Future<Output = T>) -> Option<T> {
    tokio::time::timeout_at(deadline, fut).await.ok()
}

/// Runs one step; the selector that matched (or the URL), or the problem.
async fn act(
    page: &Page,
    step: &Step,
    recorded: Option<&str>,
    target: &ReplayTarget<'_>,
    limit: Instant,
) -> Result<Option<String>, String> {
    match step {
        Step::Navigate { url } => {
            let url = crate::flow::rebase(url, recorded, target.origin);
            navigate(page, &url, limit).await?;
            Ok(Some(url))
        }
        Step::SetViewport {
            width,
            height,
            device_scale_factor,
            is_mobile,
            ..
        } => {
            let params = SetDeviceMetricsOverrideParams::new(
                i64::from(*width),
                i64::from(*height),
                *device_scale_factor,
                *is_mobile,
            );
            command(page, params, limit).await?;
            Ok(None)
        }
        Step::Click {
            selectors,
            offset_x,
            offset_y,
            ..
        }
        | Step::DoubleClick {
            selectors,
            offset_x,
            offset_y,
            ..
        } => {
            let (x, y, matched) = point(page, selectors, *offset_x, *offset_y, limit).await?;
            let clicks = if matches!(step, Step::DoubleClick { .. }) {
                2
            } else {
                1
            };
            click(page, x, y, clicks, limit).await?;
            Ok(Some(matched))
        }
        Step::Hover { selectors, .. } => {
            let (x, y, matched) = point(page, selectors, None, None, limit).await?;
            mouse(page, DispatchMouseEventType::MouseMoved, x, y, 0, limit).await?;
            Ok(Some(matched))
        }
        Step::Change {
            selectors, value, ..
        } => change(page, selectors, value, limit).await.map(Some),
        Step::KeyDown { key } => {
            key_event(page, DispatchKeyEventType::KeyDown, key, limit).await?;
            Ok(None)
        }
        Step::KeyUp { key } => {
            key_event(page, DispatchKeyEventType::KeyUp, key, limit).await?;
            Ok(None)
        }
        Step::Scroll { selectors, x, y } => scroll(page, selectors.as_deref(), *x, *y, limit).await,
        Step::WaitForElement { selectors, .. } => {
            let (_, _, matched) = point(page, selectors, None, None, limit).await?;
            Ok(Some(matched))
        }
        Step::WaitForExpression { expression, .. } => {
            wait_for_expression(page, expression, limit).await?;
            Ok(None)
        }
        Step::Close => Ok(None),
    }
}

async fn command<C>(page: &Page, params: C, limit: Instant) -> Result<(), String>
where
    C: chromiumoxide::Command,
{
    match until(limit, page.execute(params)).await {
        Some(Ok(_)) => Ok(()),
        Some(Err(e)) => Err(e.to_string()),
        None => Err("the browser did not answer in time".into()),
    }
}

/// Evaluates `expression` (which returns a string or null) in the page.
async fn eval_string(page: &Page, expression: &str, limit: Instant) -> Option<String> {
    let params = EvaluateParams::builder()
        .expression(expression)
        .return_by_value(true)
        .await_promise(true)
        .build()
        .ok()?;
    let result = until(limit, page.execute(params)).await?.ok()?;
    match result.result.result.value.clone()? {
        serde_json::Value::String(text) => Some(text),
        _ => None,
    }
}

async fn navigate(page: &Page, url: &str, limit: Instant) -> Result<(), String> {
    match until(limit, page.goto(url)).await {
        Some(Ok(_)) => Ok(()),
        Some(Err(e)) => Err(format!("navigation to {url} failed: {e}")),
        None => Err(format!("navigation to {url} did not finish in time")),
    }
}

/// The viewport point of the first alternative that matches, polled until
/// `limit`.
async fn point(
    page: &Page,
    selectors: &[Vec<String>],
    offset_x: Option<f64>,
    offset_y: Option<f64>,
    limit: Instant,
) -> Result<(f64, f64, String), String> {
    let alternatives = serde_json::to_string(selectors).unwrap_or_else(|_| "[]".into());
    let num = |v: Option<f64>| v.map_or("null".to_string(), |v| v.to_string());
    let expression = format!(
        "window.__perfscopeFlow ? window.__perfscopeFlow.point({alternatives}, {}, {}) : null",
        num(offset_x),
        num(offset_y)
    );
    loop {
        if let Some(text) = eval_string(page, &expression, limit).await
            && let Ok((x, y, matched)) = serde_json::from_str::<(f64, f64, String)>(&text)
        {
            return Ok((x, y, matched));
        }
        if Instant::now() + Duration::from_millis(100) >= limit {
            return Err("no selector matched an element in time".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn mouse(
    page: &Page,
    kind: DispatchMouseEventType,
    x: f64,
    y: f64,
    clicks: i64,
    limit: Instant,
) -> Result<(), String> {
    let mut params = DispatchMouseEventParams::new(kind.clone(), x, y);
    if kind != DispatchMouseEventType::MouseMoved {
        params.button = Some(MouseButton::Left);
        params.buttons = Some(1);
        params.click_count = Some(clicks);
    }
    command(page, params, limit).await
}

async fn click(page: &Page, x: f64, y: f64, clicks: i64, limit: Instant) -> Result<(), String> {
    mouse(page, DispatchMouseEventType::MouseMoved, x, y, 0, limit).await?;
    for n in 1..=clicks {
        mouse(page, DispatchMouseEventType::MousePressed, x, y, n, limit).await?;
        mouse(page, DispatchMouseEventType::MouseReleased, x, y, n, limit).await?;
    }
    Ok(())
}

/// CDP's fields for a key as the Recorder names it (`Enter`, `a`, `Tab`).
fn key_fields(key: &str) -> (Option<String>, String, i64) {
    let named =
        |code: &str, vk: i64, text: Option<&str>| (text.map(str::to_string), code.to_string(), vk);
    match key {
        "Enter" => named("Enter", 13, Some("\r")),
        "Tab" => named("Tab", 9, None),
        "Escape" => named("Escape", 27, None),
        "Backspace" => named("Backspace", 8, None),
        "Delete" => named("Delete", 46, None),
        "ArrowLeft" => named("ArrowLeft", 37, None),
        "ArrowUp" => named("ArrowUp", 38, None),
        "ArrowRight" => named("ArrowRight", 39, None),
        "ArrowDown" => named("ArrowDown", 40, None),
        " " => named("Space", 32, Some(" ")),
        _ => {
            let mut chars = key.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => {
                    let upper = c.to_ascii_uppercase();
                    let code = if upper.is_ascii_alphabetic() {
                        format!("Key{upper}")
                    } else if c.is_ascii_digit() {
                        format!("Digit{c}")
                    } else {
                        String::new()
                    };
                    (Some(c.to_string()), code, i64::from(u32::from(upper)))
                }
                _ => (None, key.to_string(), 0),
            }
        }
    }
}

async fn key_event(
    page: &Page,
    kind: DispatchKeyEventType,
    key: &str,
    limit: Instant,
) -> Result<(), String> {
    let (text, code, vk) = key_fields(key);
    let mut builder = DispatchKeyEventParams::builder()
        .r#type(kind.clone())
        .key(key)
        .code(code)
        .windows_virtual_key_code(vk);
    if kind == DispatchKeyEventType::KeyDown
        && let Some(text) = text
    {
        builder = builder.text(text);
    }
    let params = builder.build().map_err(|e| e.to_string())?;
    command(page, params, limit).await
}

/// Focuses the field, selects what it holds and types `value` key by key
/// (a `<select>` gets its value and a `change` event instead).
async fn change(
    page: &Page,
    selectors: &[Vec<String>],
    value: &str,
    limit: Instant,
) -> Result<String, String> {
    let (x, y, matched) = point(page, selectors, None, None, limit).await?;
    let alternatives = serde_json::to_string(selectors).unwrap_or_else(|_| "[]".into());
    let value_json = serde_json::to_string(value).unwrap_or_else(|_| "\"\"".into());
    let expression = format!(
        "(() => {{ const hit = window.__perfscopeFlow.find({alternatives}); if (!hit) return null; const el = hit[0];
           if (el.localName === 'select') {{ el.value = {value_json}; el.dispatchEvent(new Event('input', {{bubbles: true}})); el.dispatchEvent(new Event('change', {{bubbles: true}})); return 'select'; }}
           el.focus(); if (el.select) el.select(); return 'field'; }})()"
    );
    match eval_string(page, &expression, limit).await.as_deref() {
        Some("select") => return Ok(matched),
        Some(_) => {}
        None => {
            // Focus by clicking when the script could not.
            click(page, x, y, 1, limit).await?;
        }
    }
    for c in value.chars() {
        let key = c.to_string();
        key_event(page, DispatchKeyEventType::KeyDown, &key, limit).await?;
        key_event(page, DispatchKeyEventType::KeyUp, &key, limit).await?;
    }
    Ok(matched)
}

async fn scroll(
    page: &Page,
    selectors: Option<&[Vec<String>]>,
    x: f64,
    y: f64,
    limit: Instant,
) -> Result<Option<String>, String> {
    let expression = match selectors {
        Some(s) => format!(
            "(() => {{ const hit = window.__perfscopeFlow.find({}); if (!hit) return null; hit[0].scrollTo({x}, {y}); return hit[1]; }})()",
            serde_json::to_string(s).unwrap_or_else(|_| "[]".into())
        ),
        None => format!("(() => {{ window.scrollTo({x}, {y}); return 'window'; }})()"),
    };
    match eval_string(page, &expression, limit).await {
        Some(matched) => Ok(Some(matched)),
        None => Err("no selector matched an element to scroll".into()),
    }
}

async fn wait_for_expression(page: &Page, expression: &str, limit: Instant) -> Result<(), String> {
    let wrapped = format!(
        "Promise.resolve((async () => ({expression}))()).then(v => v ? 'yes' : null, () => null)"
    );
    loop {
        if eval_string(page, &wrapped, limit).await.is_some() {
            return Ok(());
        }
        if Instant::now() + Duration::from_millis(100) >= limit {
            return Err("the expression was not true in time".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// After the last step, a moment for the requests it started to end, then
/// what the page still has to hand over.
async fn last_requests(page: &Page, deadline: Instant) -> StepData {
    let limit = deadline.min(Instant::now() + Duration::from_secs(3));
    let expression = "new Promise(r => setTimeout(r, LAST_WAIT_MS))
           .then(() => window.__perfscopeFlow ? window.__perfscopeFlow.take() : null)"
        .replace("LAST_WAIT_MS", &LAST_REQUESTS_WAIT.as_millis().to_string());
    match eval_string(page, &expression, limit).await {
        Some(text) => serde_json::from_str(&text).unwrap_or_default(),
        None => StepData::default(),
    }
}

/// Waits for the step's work to be painted (two frames, then a moment for
/// the observers' callbacks), and takes what the page recorded since the
/// last step (a new document starts from nothing).
async fn settle_and_read(page: &Page, deadline: Instant) -> StepData {
    let limit = deadline.min(Instant::now() + Duration::from_secs(5));
    let expression = "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 150))))
           .then(() => window.__perfscopeFlow ? window.__perfscopeFlow.take() : null)";
    match eval_string(page, expression, limit).await {
        Some(text) => serde_json::from_str(&text).unwrap_or_default(),
        None => StepData::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(index: usize, complete: bool, inp_ms: Option<f64>) -> FlowRun {
        FlowRun {
            index,
            complete,
            inp_ms,
            ..FlowRun::default()
        }
    }

    #[test]
    fn the_median_run_is_over_complete_replays() {
        let report = summarize(
            "checkout".into(),
            None,
            vec![
                run(0, true, Some(300.0)),
                run(1, false, Some(900.0)),
                run(2, true, Some(240.0)),
                run(3, true, Some(260.0)),
            ],
        );
        assert_eq!(report.median_index, Some(3));
        assert_eq!(report.inp_ms, Some(260.0));
        let none = summarize("x".into(), None, vec![run(0, false, Some(1.0))]);
        assert_eq!((none.median_index, none.inp_ms), (None, None));
        let no_interactions = summarize("x".into(), None, vec![run(0, true, None)]);
        assert_eq!(
            (no_interactions.median_index, no_interactions.inp_ms),
            (Some(0), None)
        );
    }

    #[test]
    fn keys_map_to_cdp_fields() {
        assert_eq!(key_fields("Enter"), (Some("\r".into()), "Enter".into(), 13));
        assert_eq!(key_fields("a"), (Some("a".into()), "KeyA".into(), 65));
        assert_eq!(key_fields("7"), (Some("7".into()), "Digit7".into(), 55));
        assert_eq!(key_fields("Tab"), (None, "Tab".into(), 9));
        assert_eq!(key_fields("F13"), (None, "F13".into(), 0));
    }
}
