//! One page load in a fresh browser context.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chromiumoxide::cdp::IntoEventKind;
use chromiumoxide::cdp::browser_protocol::emulation::{
    SetCpuThrottlingRateParams, SetDeviceMetricsOverrideParams, SetTouchEmulationEnabledParams,
};
use chromiumoxide::cdp::browser_protocol::inspector::EventTargetCrashed;
#[allow(deprecated)]
use chromiumoxide::cdp::browser_protocol::network::{
    EmulateNetworkConditionsParams, EventDataReceived, EventLoadingFailed, EventLoadingFinished,
    EventRequestWillBeSent, EventResponseReceived,
};
use chromiumoxide::cdp::browser_protocol::page::{
    AddScriptToEvaluateOnNewDocumentParams, EventFrameNavigated, EventJavascriptDialogOpening,
    EventLoadEventFired, HandleJavaScriptDialogParams, NavigateParams,
};
use chromiumoxide::cdp::browser_protocol::performance::{
    EnableParams as PerformanceEnable, GetMetricsParams,
};
use chromiumoxide::cdp::browser_protocol::target::{
    CreateBrowserContextParams, CreateTargetParams, EventAttachedToTarget,
};
use chromiumoxide::cdp::browser_protocol::tracing::{
    EndParams, EventDataCollected, EventTracingComplete, StartParams, StartTransferMode,
    TraceConfig,
};
use chromiumoxide::cdp::js_protocol::runtime::{
    ConsoleApiCalledType, EvaluateParams, EventConsoleApiCalled, EventExceptionThrown,
};
use chromiumoxide::listeners::EventStream;
use chromiumoxide::{Browser, Page};
use futures::StreamExt as _;
use model::Diagnostic;
use model::vitals::{ConsoleError, Profile};
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::artifacts::{
    ARTIFACT_VERSION, ObserverEntries, ReactCommit, ReactLog, ReactRender, ReactRenderer,
    RunArtifacts,
};
use super::collector::Collector;
use super::{INIT_SCRIPT, TRACE_CATEGORIES};

/// A request answered but silent this long no longer counts as loading (a
/// `fetch` whose body the page never reads never finishes).
const REQUEST_IDLE: Duration = Duration::from_millis(1000);
/// Requests that may stay in flight in a quiet network (Lighthouse's
/// "network-2-quiet": a long poll, a worker's script finishing on the
/// worker's own session).
const QUIET_REQUESTS: usize = 2;

/// When a run is over: Lighthouse's rules for observed metrics. After the
/// load event, wait for the first contentful paint (up to `fcp_timeout`),
/// then until the network (at most two requests in flight) and the main
/// thread (no long task, and the page answers) have both been quiet for
/// `quiet`, up to `max_wait` after navigation. Lighthouse uses 5.25 s quiet
/// windows whenever throttling is not simulated, 30 s for FCP, 45 s in all.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SettleRules {
    /// Network and CPU quiet window.
    pub quiet: Duration,
    /// Longest wait for the first contentful paint.
    pub fcp_timeout: Duration,
    /// Longest wait after navigation.
    pub max_wait: Duration,
}

impl Default for SettleRules {
    fn default() -> Self {
        SettleRules {
            quiet: Duration::from_millis(5250),
            fcp_timeout: Duration::from_secs(30),
            max_wait: Duration::from_secs(45),
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Settled {
    /// Loaded, painted, then quiet.
    Quiet,
    /// Loaded and painted, but never quiet within the maximum wait.
    MaxWait,
    /// No first contentful paint within its timeout.
    NoFcp,
    /// The renderer crashed.
    Crashed,
    /// The run's own deadline came first.
    Deadline,
}

/// Artifacts of a run that could not even start.
pub fn failed_run(
    index: usize,
    url: &str,
    profile: Profile,
    diagnostic: Diagnostic,
) -> RunArtifacts {
    RunArtifacts {
        artifact_version: ARTIFACT_VERSION,
        index,
        url: url.to_string(),
        final_url: None,
        profile,
        complete: false,
        trace_events: Vec::new(),
        network: Vec::new(),
        observer: ObserverEntries::default(),
        react: ReactLog::default(),
        heap_samples: Vec::new(),
        console_errors: Vec::new(),
        diagnostics: vec![diagnostic],
    }
}

type Shared = Arc<Mutex<Collector>>;

fn with<R>(state: &Shared, f: impl FnOnce(&mut Collector) -> R) -> Option<R> {
    state.lock().ok().map(|mut c| f(&mut c))
}

fn listen<T, F>(
    tasks: &mut Vec<JoinHandle<()>>,
    stream: chromiumoxide::error::Result<EventStream<T>>,
    state: &Shared,
    notify: &Arc<Notify>,
    f: F,
) where
    T: IntoEventKind + Unpin + Send + Sync + 'static,
    F: Fn(&mut Collector, &T) + Send + 'static,
{
    let Ok(mut stream) = stream else { return };
    let state = state.clone();
    let notify = notify.clone();
    tasks.push(tokio::spawn(async move {
        while let Some(event) = stream.next().await {
            with(&state, |c| f(c, &event));
            notify.notify_waiters();
        }
    }));
}

/// What the run did not record: the requests, console and main thread of
/// the workers and out-of-process iframes the page started (chromiumoxide
/// attaches to them, but gives no handle to enable their domains).
fn children_not_recorded(children: &[(String, String)]) -> Option<String> {
    if children.is_empty() {
        return None;
    }
    // Per kind: how many, and their URLs (up to 3).
    let mut kinds: std::collections::BTreeMap<&str, (usize, Vec<&str>)> = Default::default();
    for (kind, url) in children {
        let name = match kind.as_str() {
            "iframe" => "out-of-process iframe",
            "worker" => "worker",
            "shared_worker" => "shared worker",
            "service_worker" => "service worker",
            other => other,
        };
        let (count, urls) = kinds.entry(name).or_default();
        *count += 1;
        if !url.is_empty() && urls.len() < 3 && !urls.contains(&url.as_str()) {
            urls.push(url);
        }
    }
    let parts: Vec<String> = kinds
        .iter()
        .map(|(name, (count, urls))| {
            if urls.is_empty() {
                format!("{count} {name}(s)")
            } else {
                format!("{count} {name}(s) ({})", urls.join(", "))
            }
        })
        .collect();
    Some(format!(
        "the page started {}; their own requests, console messages and main-thread work are not recorded (only the page's are)",
        parts.join(" and ")
    ))
}

async fn until<T>(deadline: Instant, fut: impl Future<Output = T>) -> Option<T> {
    tokio::time::timeout_at(deadline, fut).await.ok()
}

/// Loads `url` once and gathers everything. Never fails: problems become
/// diagnostics and the run is marked incomplete.
pub async fn gather_run(
    browser: &Browser,
    url: &str,
    profile: &Profile,
    index: usize,
    deadline: Instant,
    rules: SettleRules,
) -> RunArtifacts {
    let label = format!("run {}", index + 1);
    let mut run = failed_run(index, url, profile.clone(), Diagnostic::new("", ""));
    run.diagnostics.clear();
    let total = deadline.saturating_duration_since(Instant::now());
    let reserve = (total / 4).min(Duration::from_secs(5));
    let settle_deadline = deadline - reserve;

    // A fresh context per run: cold cache, no cookies or storage.
    let context = match until(
        settle_deadline,
        browser.create_browser_context(CreateBrowserContextParams::default()),
    )
    .await
    {
        Some(Ok(id)) => Some(id),
        _ => {
            run.diagnostics.push(Diagnostic::new(
                url,
                format!("{label}: could not create a browser context; using the default one"),
            ));
            None
        }
    };
    let mut target = CreateTargetParams::new("about:blank");
    target.browser_context_id = context.clone();
    let page = match until(settle_deadline, browser.new_page(target)).await {
        Some(Ok(page)) => page,
        Some(Err(e)) => {
            run.diagnostics.push(Diagnostic::new(
                url,
                format!("{label}: could not open a page: {e}"),
            ));
            return run;
        }
        None => {
            run.diagnostics.push(Diagnostic::new(
                url,
                format!("{label}: the browser did not open a page in time"),
            ));
            return run;
        }
    };

    let state: Shared = Arc::new(Mutex::new(Collector::new()));
    let notify = Arc::new(Notify::new());
    let mut tasks = Vec::new();
    // Trace chunks and the completion event arrive on two streams; the chunks
    // are queued before the completion, so draining chunks first (biased)
    // never misses one.
    if let (Ok(mut chunks), Ok(mut complete)) = (
        page.event_listener::<EventDataCollected>().await,
        page.event_listener::<EventTracingComplete>().await,
    ) {
        let state = state.clone();
        let notify = notify.clone();
        tasks.push(tokio::spawn(async move {
            loop {
                tokio::select! {
                    biased;
                    Some(chunk) = chunks.next() => {
                        with(&state, |c| c.trace_chunk(&chunk.value));
                    }
                    Some(_) = complete.next() => {
                        with(&state, |c| c.trace_complete = true);
                        notify.notify_waiters();
                    }
                    else => break,
                }
            }
        }));
    }
    listen(
        &mut tasks,
        page.event_listener::<EventRequestWillBeSent>().await,
        &state,
        &notify,
        |c, e| c.request_will_be_sent(e),
    );
    listen(
        &mut tasks,
        page.event_listener::<EventResponseReceived>().await,
        &state,
        &notify,
        |c, e| c.response_received(e),
    );
    listen(
        &mut tasks,
        page.event_listener::<EventDataReceived>().await,
        &state,
        &notify,
        |c, e| c.data_received(e),
    );
    listen(
        &mut tasks,
        page.event_listener::<EventLoadingFinished>().await,
        &state,
        &notify,
        |c, e| c.loading_finished(e),
    );
    listen(
        &mut tasks,
        page.event_listener::<EventLoadingFailed>().await,
        &state,
        &notify,
        |c, e| c.loading_failed(e),
    );
    // Workers and out-of-process iframes the page starts: chromiumoxide
    // attaches to them (flattened sessions) on the page's session.
    listen(
        &mut tasks,
        page.event_listener::<EventAttachedToTarget>().await,
        &state,
        &notify,
        |c, e| c.child_attached(&e.target_info.r#type, &e.target_info.url),
    );
    listen(
        &mut tasks,
        page.event_listener::<EventLoadEventFired>().await,
        &state,
        &notify,
        |c, _| c.loaded = true,
    );
    listen(
        &mut tasks,
        page.event_listener::<EventTargetCrashed>().await,
        &state,
        &notify,
        |c, _| c.crashed = true,
    );
    listen(
        &mut tasks,
        page.event_listener::<EventFrameNavigated>().await,
        &state,
        &notify,
        |c, e| {
            if e.frame.parent_id.is_none() {
                c.main_frame_url = Some(e.frame.url.clone());
            }
        },
    );
    listen(
        &mut tasks,
        page.event_listener::<EventConsoleApiCalled>().await,
        &state,
        &notify,
        |c, e| {
            if e.r#type == ConsoleApiCalledType::Error {
                let message = e
                    .args
                    .iter()
                    .map(|a| match (&a.value, &a.description) {
                        (Some(serde_json::Value::String(s)), _) => s.clone(),
                        (Some(v), _) => v.to_string(),
                        (None, Some(d)) => d.clone(),
                        _ => String::new(),
                    })
                    .collect::<Vec<_>>()
                    .join(" ");
                let url = e
                    .stack_trace
                    .as_ref()
                    .and_then(|s| s.call_frames.first())
                    .map(|f| f.url.clone())
                    .filter(|u| !u.is_empty());
                c.console_error(ConsoleError {
                    source: "console.error".into(),
                    message,
                    url,
                });
            }
        },
    );
    listen(
        &mut tasks,
        page.event_listener::<EventExceptionThrown>().await,
        &state,
        &notify,
        |c, e| {
            let d = &e.exception_details;
            let message = d
                .exception
                .as_ref()
                .and_then(|x| x.description.clone())
                .unwrap_or_else(|| d.text.clone());
            c.console_error(ConsoleError {
                source: "exception".into(),
                message,
                url: d.url.clone().filter(|u| !u.is_empty()),
            });
        },
    );
    // Dialogs block the page: dismiss them at once (accept `beforeunload` so
    // the page may leave).
    if let Ok(mut dialogs) = page.event_listener::<EventJavascriptDialogOpening>().await {
        let page = page.clone();
        let state = state.clone();
        let url = url.to_string();
        let label = label.clone();
        tasks.push(tokio::spawn(async move {
            while let Some(ev) = dialogs.next().await {
                let kind = ev.r#type.as_ref().to_string();
                let accept = kind == "beforeunload";
                let _ = tokio::time::timeout(
                    Duration::from_secs(2),
                    page.execute(HandleJavaScriptDialogParams::new(accept)),
                )
                .await;
                with(&state, |c| {
                    c.diagnostics.push(Diagnostic::new(
                        &url,
                        format!(
                            "{label}: the page opened a {kind} dialog ({:?}); perfscope dismissed it",
                            ev.message
                        ),
                    ))
                });
            }
        }));
    }

    prepare(&page, profile, &label, url, &mut run, settle_deadline).await;

    // Trace, then navigate.
    let mut trace = StartParams::builder()
        .transfer_mode(StartTransferMode::ReportEvents)
        .trace_config(TraceConfig {
            included_categories: Some(TRACE_CATEGORIES.iter().map(|c| c.to_string()).collect()),
            ..TraceConfig::default()
        })
        .build();
    trace.buffer_usage_reporting_interval = None;
    let tracing = matches!(
        until(settle_deadline, page.execute(trace)).await,
        Some(Ok(_))
    );
    if !tracing {
        run.diagnostics.push(Diagnostic::new(
            url,
            format!("{label}: tracing did not start; trace metrics are missing"),
        ));
    }

    let mut settled = false;
    let navigation_started = Instant::now();
    let navigate = async {
        let navigation = page.execute(NavigateParams::new(url));
        let crash = async {
            loop {
                if with(&state, |c| c.crashed).unwrap_or(true) {
                    return;
                }
                let _ = tokio::time::timeout(Duration::from_millis(100), notify.notified()).await;
            }
        };
        tokio::select! {
            result = navigation => Some(result),
            _ = crash => None,
        }
    };
    let navigated = match until(settle_deadline, navigate).await {
        Some(Some(result)) => Some(result),
        Some(None) => Some(Err(chromiumoxide::error::CdpError::msg("renderer crashed"))),
        None => None,
    };
    match navigated {
        Some(Ok(response)) => {
            if let Some(error) = response
                .result
                .error_text
                .as_ref()
                .filter(|e| !e.is_empty())
            {
                run.diagnostics.push(Diagnostic::new(
                    url,
                    format!("{label}: navigation failed: {error}"),
                ));
            } else {
                let outcome = settle(
                    &state,
                    &notify,
                    &page,
                    &mut run,
                    settle_deadline,
                    rules,
                    navigation_started,
                )
                .await;
                settled = matches!(outcome, Settled::Quiet | Settled::MaxWait);
                let waited = (settle_deadline - (deadline - total)).as_secs_f64();
                let message = match outcome {
                    Settled::Quiet => None,
                    Settled::MaxWait => Some(format!(
                        "{label}: the network or the main thread was never quiet for {:.2} s within {:.0} s; measured what happened until then",
                        rules.quiet.as_secs_f64(),
                        rules.max_wait.as_secs_f64()
                    )),
                    Settled::NoFcp => Some(format!(
                        "{label}: no first contentful paint within {:.0} s (Lighthouse: NO_FCP); the run does not count",
                        rules.fcp_timeout.as_secs_f64()
                    )),
                    Settled::Crashed => Some(format!(
                        "{label}: the page's renderer crashed; kept what was measured before"
                    )),
                    Settled::Deadline => Some(format!(
                        "{label}: the page did not settle (load, first paint, then {:.2} s of network and CPU quiet) within the run's {waited:.0} s; kept what was measured",
                        rules.quiet.as_secs_f64()
                    )),
                };
                if let Some(message) = message {
                    run.diagnostics.push(Diagnostic::new(url, message));
                }
            }
        }
        Some(Err(e)) => {
            let crashed = with(&state, |c| c.crashed).unwrap_or(false);
            run.diagnostics.push(Diagnostic::new(
                url,
                if crashed {
                    format!("{label}: the page's renderer crashed")
                } else {
                    format!("{label}: navigation failed: {e}")
                },
            ));
        }
        None => {
            let seconds = settle_deadline
                .saturating_duration_since(deadline - total)
                .as_secs_f64();
            let responded = with(&state, |c| {
                c.network
                    .values()
                    .any(|r| r.resource_type == "Document" && r.status.is_some())
            })
            .unwrap_or(false);
            run.diagnostics.push(Diagnostic::new(
                url,
                if responded {
                    format!(
                        "{label}: the page did not finish loading within {seconds:.0} s (its main thread stayed busy: a script that never stops?)"
                    )
                } else {
                    format!(
                        "{label}: the server sent no response within {seconds:.0} s (the page never finished loading)"
                    )
                },
            ));
        }
    }

    let crashed = with(&state, |c| c.crashed).unwrap_or(false);
    if !crashed {
        read_page(&page, &mut run, deadline).await;
    }
    if tracing {
        let _ = until(deadline, page.execute(EndParams::default())).await;
        loop {
            if with(&state, |c| c.trace_complete).unwrap_or(true) {
                break;
            }
            if until(deadline, notify.notified()).await.is_none() {
                run.diagnostics.push(Diagnostic::new(
                    url,
                    format!("{label}: the trace did not finish within the timeout; kept the events received"),
                ));
                break;
            }
        }
    }

    // Let the listeners drain what is already queued, then stop them.
    tokio::time::sleep(Duration::from_millis(50)).await;
    for task in &tasks {
        task.abort();
    }
    if let Ok(mut c) = state.lock() {
        run.trace_events = std::mem::take(&mut c.trace);
        run.network = c.network_log();
        run.console_errors = c.take_console_errors();
        run.diagnostics.append(&mut c.diagnostics);
        if let Some(text) = children_not_recorded(&c.children) {
            run.diagnostics
                .push(Diagnostic::new(url, format!("{label}: {text}")));
        }
        // The document: its server redirects, its status, and where the
        // main frame ended (a client-side redirect); a `#fragment` is the
        // same document.
        let log = c.network_log();
        let documents: Vec<&super::artifacts::NetworkRecord> = log
            .iter()
            .filter(|r| r.resource_type == "Document")
            .collect();
        let hops: Vec<String> = documents
            .iter()
            .take_while(|r| r.status.is_some_and(|s| (300..400).contains(&s)))
            .map(|r| format!("{} ({})", r.url, r.status.unwrap_or(0)))
            .collect();
        let document = documents
            .iter()
            .find(|r| !r.status.is_some_and(|s| (300..400).contains(&s)));
        let mut errored = false;
        if let Some(doc) = document {
            if let Some(status) = doc.status.filter(|s| *s >= 400) {
                errored = true;
                run.diagnostics.push(Diagnostic::new(
                    url,
                    format!(
                        "{label}: the page answered {status} for {} (Lighthouse: ERRORED_DOCUMENT_REQUEST); the run does not count",
                        doc.url
                    ),
                ));
            } else if let Some(error) = &doc.failed {
                errored = true;
                run.diagnostics.push(Diagnostic::new(
                    url,
                    format!(
                        "{label}: the document request failed: {error}; the run does not count"
                    ),
                ));
            }
            if !hops.is_empty() {
                run.diagnostics.push(Diagnostic::new(
                    url,
                    format!(
                        "{label}: server redirects {} \u{2192} {}",
                        hops.join(" \u{2192} "),
                        doc.url
                    ),
                ));
            }
        }
        let without_fragment = |u: &str| u.split('#').next().unwrap_or(u).to_string();
        let served = document.map(|d| without_fragment(&d.url));
        if let Some(final_url) = c.main_frame_url.clone() {
            let moved = without_fragment(&final_url) != without_fragment(url)
                && Some(without_fragment(&final_url)) != served;
            if moved && !final_url.starts_with("chrome-error:") {
                run.diagnostics.push(Diagnostic::new(
                    url,
                    format!("{label}: the page redirected itself (client side) to {final_url}; the final document was measured"),
                ));
            }
            if without_fragment(&final_url) != without_fragment(url) {
                run.final_url = Some(final_url);
            }
        }
        run.complete = settled && !c.crashed && !errored;
    }
    // Close the page and its context; a hung renderer is killed with the browser.
    let _ = tokio::time::timeout(Duration::from_secs(1), page.close()).await;
    if let Some(id) = context {
        let _ =
            tokio::time::timeout(Duration::from_secs(1), browser.dispose_browser_context(id)).await;
    }
    run
}

/// Viewport, throttling and the init script.
// `Network.emulateNetworkConditions` is deprecated in the protocol but is what
// Lighthouse's DevTools throttling uses, and Chromium 156 still applies it.
#[allow(deprecated)]
async fn prepare(
    page: &Page,
    profile: &Profile,
    label: &str,
    url: &str,
    run: &mut RunArtifacts,
    deadline: Instant,
) {
    let mut failures = Vec::new();
    let metrics = SetDeviceMetricsOverrideParams::new(
        i64::from(profile.width),
        i64::from(profile.height),
        profile.device_scale_factor,
        profile.mobile,
    );
    if !matches!(until(deadline, page.execute(metrics)).await, Some(Ok(_))) {
        failures.push("viewport");
    }
    if profile.mobile
        && !matches!(
            until(
                deadline,
                page.execute(SetTouchEmulationEnabledParams::new(true))
            )
            .await,
            Some(Ok(_))
        )
    {
        failures.push("touch emulation");
    }
    if profile.cpu_slowdown > 1.0
        && !matches!(
            until(
                deadline,
                page.execute(SetCpuThrottlingRateParams::new(profile.cpu_slowdown))
            )
            .await,
            Some(Ok(_))
        )
    {
        failures.push("CPU throttling");
    }
    if let Some(net) = &profile.network {
        let params = EmulateNetworkConditionsParams::new(
            false,
            net.latency_ms,
            net.download_bytes_per_s,
            net.upload_bytes_per_s,
        );
        if !matches!(until(deadline, page.execute(params)).await, Some(Ok(_))) {
            failures.push("network throttling");
        }
    }
    if !matches!(
        until(deadline, page.execute(PerformanceEnable::default())).await,
        Some(Ok(_))
    ) {
        failures.push("Performance domain");
    }
    let script = AddScriptToEvaluateOnNewDocumentParams::new(INIT_SCRIPT);
    if !matches!(until(deadline, page.execute(script)).await, Some(Ok(_))) {
        failures.push("init script (React hook, PerformanceObserver)");
    }
    if !failures.is_empty() {
        run.diagnostics.push(Diagnostic::new(
            url,
            format!("{label}: could not set up {}", failures.join(", ")),
        ));
    }
}

/// Waits until the run is over by [`SettleRules`], sampling the heap.
async fn settle(
    state: &Shared,
    notify: &Arc<Notify>,
    page: &Page,
    run: &mut RunArtifacts,
    deadline: Instant,
    rules: SettleRules,
    navigation_started: Instant,
) -> Settled {
    let mut next_sample = Instant::now();
    let mut next_poll = Instant::now();
    // The page's view: FCP seen, and since when its main thread is quiet.
    let mut painted = false;
    let mut cpu_quiet_since = navigation_started;
    let mut net_quiet_since = navigation_started;
    loop {
        let (loaded, crashed, busy) = with(state, |c| {
            (c.loaded, c.crashed, c.busy_requests(REQUEST_IDLE))
        })
        .unwrap_or((false, true, 0));
        if crashed {
            return Settled::Crashed;
        }
        let now = Instant::now();
        if busy > QUIET_REQUESTS {
            net_quiet_since = now;
        }
        if now >= next_poll {
            let asked = Instant::now();
            match poll_quiet(page, deadline).await {
                Some((fcp, last_task_end_ms, page_now_ms)) => {
                    painted |= fcp;
                    if let Some(ended) =
                        task_ended(asked, last_task_end_ms, page_now_ms, navigation_started)
                        && ended > cpu_quiet_since
                    {
                        cpu_quiet_since = ended;
                    }
                    // An answer slower than a long task: the main thread was busy.
                    if asked.elapsed() >= Duration::from_millis(50) {
                        cpu_quiet_since = Instant::now();
                    }
                }
                None => cpu_quiet_since = Instant::now(),
            }
            next_poll = Instant::now() + Duration::from_millis(250);
        }
        let now = Instant::now();
        let since_navigation = now.duration_since(navigation_started);
        if !painted && since_navigation >= rules.fcp_timeout {
            return Settled::NoFcp;
        }
        if loaded
            && painted
            && now.duration_since(net_quiet_since) >= rules.quiet
            && now.duration_since(cpu_quiet_since) >= rules.quiet
        {
            // Confirm with a fresh answer: the last poll may predate a long
            // task that started since (a page answers only between tasks).
            let asked = Instant::now();
            let mut confirmed = true;
            match poll_quiet(page, deadline).await {
                // Blocked behind a task: the main thread is busy.
                Some(_) if asked.elapsed() >= Duration::from_millis(250) => {
                    cpu_quiet_since = Instant::now();
                }
                // Slow, but possibly only a loaded machine: ask again.
                Some(_) if asked.elapsed() >= Duration::from_millis(50) => confirmed = false,
                Some((_, last_task_end_ms, page_now_ms)) => {
                    if let Some(ended) =
                        task_ended(asked, last_task_end_ms, page_now_ms, navigation_started)
                        && ended > cpu_quiet_since
                    {
                        cpu_quiet_since = ended;
                    }
                }
                None => cpu_quiet_since = Instant::now(),
            }
            next_poll = Instant::now() + Duration::from_millis(250);
            if confirmed && Instant::now().duration_since(cpu_quiet_since) >= rules.quiet {
                sample_heap(page, run, deadline).await;
                return Settled::Quiet;
            }
        }
        if since_navigation >= rules.max_wait {
            return if loaded && painted {
                Settled::MaxWait
            } else if painted {
                Settled::Deadline
            } else {
                Settled::NoFcp
            };
        }
        if now >= deadline {
            return Settled::Deadline;
        }
        if now >= next_sample {
            sample_heap(page, run, deadline).await;
            next_sample = Instant::now() + Duration::from_millis(250);
        }
        let _ = until(
            deadline.min(Instant::now() + Duration::from_millis(100)),
            notify.notified(),
        )
        .await;
    }
}

/// When the page's last long task ended, on our clock: it ended
/// `page_now - last_end` ms before we asked. `None` when it had none.
fn task_ended(
    asked: Instant,
    last_task_end_ms: f64,
    page_now_ms: f64,
    navigation_started: Instant,
) -> Option<Instant> {
    if last_task_end_ms <= 0.0 {
        return None;
    }
    let ago = Duration::from_secs_f64(((page_now_ms - last_task_end_ms).max(0.0)) / 1000.0);
    Some(asked.checked_sub(ago).unwrap_or(navigation_started))
}

/// Asks the page whether it painted and when its last long task ended;
/// `None` when it does not answer within 500 ms (its main thread is busy or
/// the document is being replaced).
async fn poll_quiet(page: &Page, deadline: Instant) -> Option<(bool, f64, f64)> {
    let limit = deadline.min(Instant::now() + Duration::from_millis(500));
    let eval = EvaluateParams::builder()
        .expression("window.__perfscope ? window.__perfscope.quiet() : null")
        .return_by_value(true)
        .build()
        .ok()?;
    let result = until(limit, page.execute(eval)).await?.ok()?;
    let serde_json::Value::String(text) = result.result.result.value.clone()? else {
        // No init script on the page (it answered, so the thread is free):
        // nothing says when it painted; the trace will.
        return Some((true, 0.0, 0.0));
    };
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    Some((
        value.get(0)?.as_bool()?,
        value.get(1)?.as_f64()?,
        value.get(2)?.as_f64()?,
    ))
}

async fn sample_heap(page: &Page, run: &mut RunArtifacts, deadline: Instant) {
    let limit = deadline.min(Instant::now() + Duration::from_millis(300));
    if let Some(Ok(metrics)) = until(limit, page.execute(GetMetricsParams::default())).await {
        for metric in &metrics.result.metrics {
            if metric.name == "JSHeapUsedSize" && metric.value >= 0.0 {
                run.heap_samples.push(metric.value as u64);
            }
        }
    }
}

/// Reads the PerformanceObserver buffers and the React log from the page.
async fn read_page(page: &Page, run: &mut RunArtifacts, deadline: Instant) {
    sample_heap(page, run, deadline).await;
    let limit = deadline.min(Instant::now() + Duration::from_secs(3));
    let eval = EvaluateParams::builder()
        .expression("window.__perfscope ? window.__perfscope.read() : null")
        .return_by_value(true)
        .build();
    let Ok(eval) = eval else { return };
    let Some(Ok(result)) = until(limit, page.execute(eval)).await else {
        run.diagnostics.push(Diagnostic::new(
            &run.url,
            format!(
                "run {}: the page did not answer (main thread busy); PerformanceObserver and React data are missing",
                run.index + 1
            ),
        ));
        return;
    };
    let Some(serde_json::Value::String(text)) = result.result.result.value.clone() else {
        return;
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
        return;
    };
    run.observer = parse_observer(&value);
    run.react = parse_react(&value);
}

fn num(v: Option<&serde_json::Value>) -> Option<f64> {
    v.and_then(|v| v.as_f64())
}

/// Converts the page's `__perfscope.read()` JSON into [`ObserverEntries`].
pub fn parse_observer(value: &serde_json::Value) -> ObserverEntries {
    let po = value.get("po");
    let nav = value.get("nav");
    let list = |key: &str| -> Vec<Vec<serde_json::Value>> {
        po.and_then(|p| p.get(key))
            .and_then(|l| l.as_array())
            .map(|l| {
                l.iter()
                    .filter_map(|e| e.as_array().cloned())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    ObserverEntries {
        fcp_ms: num(po.and_then(|p| p.get("fcp"))),
        lcp_ms: num(po.and_then(|p| p.get("lcp"))),
        layout_shifts: list("shifts")
            .iter()
            .filter_map(|e| {
                Some((
                    num(e.first())?,
                    num(e.get(1))?,
                    e.get(2).and_then(|b| b.as_bool()).unwrap_or(false),
                ))
            })
            .collect(),
        // Same filter as `layout_shifts`, so indexes stay aligned.
        shift_sources: list("shifts")
            .iter()
            .filter(|e| num(e.first()).is_some() && num(e.get(1)).is_some())
            .map(|e| {
                e.get(3)
                    .and_then(|s| s.as_array())
                    .map(|s| {
                        s.iter()
                            .filter_map(|n| n.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .collect(),
        lcp_element: po.and_then(|p| p.get("lcpEl")).and_then(|e| {
            Some((
                e.get(0).and_then(|s| s.as_str()).map(str::to_string),
                e.get(1)?.as_str()?.to_string(),
                num(e.get(2)).unwrap_or(0.0),
                e.get(3).and_then(|s| s.as_str()).unwrap_or("").to_string(),
            ))
        }),
        lcp_resource: value
            .get("lcpRes")
            .and_then(|r| Some((num(r.get(0))?, num(r.get(1))?))),
        long_tasks: list("longtasks")
            .iter()
            .filter_map(|e| Some((num(e.first())?, num(e.get(1))?)))
            .collect(),
        response_start_ms: num(nav.and_then(|n| n.get("responseStart"))),
        dom_content_loaded_ms: num(nav.and_then(|n| n.get("dcl"))).filter(|v| *v > 0.0),
        load_ms: num(nav.and_then(|n| n.get("load"))).filter(|v| *v > 0.0),
    }
}

/// Converts the React part of `__perfscope.read()` into a [`ReactLog`].
pub fn parse_react(value: &serde_json::Value) -> ReactLog {
    let react = value.get("react");
    let renderers = react
        .and_then(|r| r.get("renderers"))
        .and_then(|r| r.as_array())
        .map(|list| {
            list.iter()
                .map(|r| ReactRenderer {
                    version: r.get(0).and_then(|v| v.as_str()).map(str::to_string),
                    bundle_type: r.get(1).and_then(|v| v.as_i64()),
                    renderer_package_name: r.get(2).and_then(|v| v.as_str()).map(str::to_string),
                })
                .collect()
        })
        .unwrap_or_default();
    let commits = react
        .and_then(|r| r.get("commits"))
        .and_then(|r| r.as_array())
        .map(|list| {
            list.iter()
                .map(|c| ReactCommit {
                    at_ms: num(c.get(0)).unwrap_or(0.0),
                    timed: c.get(1).and_then(|t| t.as_bool()).unwrap_or(false),
                    duration_ms: num(c.get(3)),
                    renders: c
                        .get(2)
                        .and_then(|r| r.as_array())
                        .map(|renders| {
                            renders
                                .iter()
                                .filter_map(|r| {
                                    Some(ReactRender {
                                        name: r.get(0)?.as_str()?.to_string(),
                                        actual_ms: num(r.get(1)).unwrap_or(0.0),
                                        self_ms: num(r.get(2)).unwrap_or(0.0),
                                    })
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    ReactLog { renderers, commits }
}
