//! One page load in a fresh browser context.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chromiumoxide::cdp::IntoEventKind;
use chromiumoxide::cdp::browser_protocol::browser::BrowserContextId;
use chromiumoxide::cdp::browser_protocol::emulation::{
    SetCpuThrottlingRateParams, SetDeviceMetricsOverrideParams, SetTouchEmulationEnabledParams,
};
use chromiumoxide::cdp::browser_protocol::inspector::EventTargetCrashed;
#[allow(deprecated)]
use chromiumoxide::cdp::browser_protocol::network::{
    EmulateNetworkConditionsParams, EventDataReceived, EventLoadingFailed, EventLoadingFinished,
    EventRequestWillBeSent, EventResourceChangedPriority, EventResponseReceived,
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
    ARTIFACT_VERSION, NetworkRecord, ObserverEntries, ReactCommit, ReactComponent, ReactLog,
    ReactRender, ReactRenderer, RunArtifacts,
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
    /// The page navigated away (see `navigation.rs`); said when the run ends.
    NavigatedAway,
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
        coverage: None,
        cpu_profile: None,
        task_events: Vec::new(),
        children: Vec::new(),
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
/// the workers and out-of-process iframes the page started that were not
/// recorded through their own sessions (`children.rs`: turned off, its
/// connection failed, or more than [`super::children::MAX_RECORDED`]).
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
///
/// The stages, in order: open a page in a fresh context, listen to its
/// events, set it up, start the JavaScript coverage (`costs`) and
/// the CPU profile and the trace, navigate and settle, stop the profile,
/// take the coverage, read the page and end
/// the trace, collect what the listeners gathered, read the scripts'
/// sources and maps and the CSS rule usage, close.
pub async fn gather_run(
    browser: &Browser,
    url: &str,
    profile: &Profile,
    index: usize,
    deadline: Instant,
    rules: SettleRules,
    costs: LoadCosts,
) -> RunArtifacts {
    let label = format!("run {}", index + 1);
    let mut run = failed_run(index, url, profile.clone(), Diagnostic::new("", ""));
    run.diagnostics.clear();
    let total = deadline.saturating_duration_since(Instant::now());
    let reserve = (total / 4).min(Duration::from_secs(5));
    let clock = RunClock {
        deadline,
        settle_deadline: deadline - reserve,
        total,
    };

    let Some((context, page)) =
        open_page(browser, url, &label, &mut run, clock.settle_deadline).await
    else {
        return run;
    };
    let state: Shared = Arc::new(Mutex::new(Collector::new()));
    let notify = Arc::new(Notify::new());
    let ctx = RunCtx {
        page: &page,
        state: &state,
        notify: &notify,
        url,
        label: &label,
    };
    let tasks = listen_all(&ctx).await;

    prepare(&page, profile, &label, url, &mut run, clock.settle_deadline).await;
    // The children's own profile and coverage go with the page's.
    let child_costs = (costs.coverage && costs.cpu_profile).then_some(costs.granularity);
    let recorder = match costs.children {
        true => {
            let (deadline, run) = (clock.settle_deadline, &mut run);
            record_children(browser, &ctx, run, profile, child_costs, deadline).await
        }
        false => None,
    };
    let covering = costs.coverage
        && start_coverage(&ctx, &mut run, costs.granularity, clock.settle_deadline).await;
    let profiling =
        covering && costs.cpu_profile && start_profile(&ctx, &mut run, clock.settle_deadline).await;
    let tracing = start_tracing(&ctx, &mut run, clock.settle_deadline).await;

    let navigation_started = Instant::now();
    let navigated = navigate(&ctx, clock.settle_deadline).await;
    let settled =
        after_navigation(&ctx, navigated, &mut run, clock, rules, navigation_started).await;

    let alive = !with(&state, |c| c.crashed).unwrap_or(true);
    if profiling && alive {
        run.cpu_profile = super::cpu::stop(&page, clock.deadline).await;
        if run.cpu_profile.is_none() {
            run.diagnostics.push(Diagnostic::new(
                url,
                format!("{label}: the CPU profile could not be taken; CPU time by script and package is not measured"),
            ));
        }
    }
    let covered = match covering && alive {
        true => super::coverage::take(&page, clock.deadline).await,
        false => None,
    };
    finish_page(&ctx, &mut run, clock.deadline, tracing).await;
    // After the trace ended: reading the children's sources enables their
    // Debugger, which made Chromium's trace completion wait.
    let take = child_costs.is_some() && alive;
    let taken = take_child_costs(recorder.as_ref(), take, &ctx, &mut run, clock.deadline).await;
    stop_listeners(&tasks).await;
    drop(recorder);
    take_collected(&ctx, &mut run, settled);
    place_child_costs(&ctx, &mut run, taken);
    if let Some(scripts) = covered {
        // The listeners have stopped: fetching the maps is not in the log.
        let (artifacts, problems) =
            super::coverage::complete(&page, scripts, costs.granularity, clock.deadline).await;
        run.coverage = Some(artifacts);
        for problem in problems {
            run.diagnostics.push(Diagnostic::new(
                url,
                format!("{label}: coverage: {problem}"),
            ));
        }
    } else if covering {
        run.diagnostics.push(Diagnostic::new(
            url,
            format!("{label}: the JavaScript coverage could not be taken; unused JavaScript is not measured"),
        ));
    }
    close_page(browser, page, context).await;
    run
}

/// Opens the second connection that records the page's workers and
/// out-of-process iframes, each given the page's throttling and, with
/// `costs`, its own profile and coverage; `None`, with a diagnostic, when
/// it cannot.
async fn record_children(
    browser: &Browser,
    ctx: &RunCtx<'_>,
    run: &mut RunArtifacts,
    profile: &Profile,
    costs: Option<model::vitals::CoverageGranularity>,
    deadline: Instant,
) -> Option<super::children::ChildRecorder> {
    let setup = super::children::ChildSetup {
        costs,
        network: profile.network.clone(),
        cpu_slowdown: profile.cpu_slowdown,
    };
    let ws = browser.websocket_address();
    let target = ctx.page.target_id().inner();
    match super::children::attach(ws, target, ctx.state, ctx.notify, setup, deadline).await {
        Ok(recorder) => Some(recorder),
        Err(problem) => {
            run.diagnostics.push(Diagnostic::new(
                ctx.url,
                format!(
                    "{}: workers and out-of-process iframes cannot be recorded: {problem}",
                    ctx.label
                ),
            ));
            None
        }
    }
}

/// The recorded children's own profiles and coverage (when `take`), by
/// target id; the throttling a child refused becomes a diagnostic.
async fn take_child_costs(
    recorder: Option<&super::children::ChildRecorder>,
    take: bool,
    ctx: &RunCtx<'_>,
    run: &mut RunArtifacts,
    deadline: Instant,
) -> Vec<(String, super::child_costs::Costs)> {
    let Some(recorder) = recorder else {
        return Vec::new();
    };
    let taken = match take {
        true => recorder.take_costs(deadline).await,
        false => Vec::new(),
    };
    for refused in recorder.refused_throttling() {
        run.diagnostics.push(Diagnostic::new(
            ctx.url,
            format!(
                "{}: {refused}; its timings are not throttled as the page's",
                ctx.label
            ),
        ));
    }
    taken
}

/// Puts each child's profile and coverage on its record; a child that has
/// neither says why.
fn place_child_costs(
    ctx: &RunCtx<'_>,
    run: &mut RunArtifacts,
    taken: Vec<(String, super::child_costs::Costs)>,
) {
    for (id, costs) in taken {
        let Some(child) = run.children.iter_mut().find(|c| c.id == id) else {
            continue;
        };
        if let Some(why) = costs.missing {
            run.diagnostics.push(Diagnostic::new(
                ctx.url,
                format!(
                    "{}: {} {}: its CPU time and unused code are not measured: {why}",
                    ctx.label, child.kind, child.url
                ),
            ));
        }
        child.cpu_profile = costs.cpu_profile;
        child.coverage = costs.coverage;
    }
}

/// Starts V8's precise coverage before the navigation; whether it started
/// (a diagnostic says when not).
async fn start_coverage(
    ctx: &RunCtx<'_>,
    run: &mut RunArtifacts,
    granularity: model::vitals::CoverageGranularity,
    deadline: Instant,
) -> bool {
    let started = super::coverage::start(ctx.page, granularity, deadline).await;
    if !started {
        run.diagnostics.push(Diagnostic::new(
            ctx.url,
            format!(
                "{}: the JavaScript coverage did not start; unused JavaScript is not measured",
                ctx.label
            ),
        ));
    }
    started
}

/// What a run records of its load's costs beyond the trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadCosts {
    /// JavaScript and CSS coverage (and the scripts' source maps).
    pub coverage: bool,
    /// The sampling CPU profile; only with the coverage (they share the
    /// Profiler domain, and the profile's modules need the maps).
    pub cpu_profile: bool,
    /// The coverage's granularity: per function (Lighthouse's) or block.
    pub granularity: model::vitals::CoverageGranularity,
    /// The requests and console errors of the workers and out-of-process
    /// iframes the page starts, through a second connection
    /// ([`super::children`]).
    pub children: bool,
}

/// Starts the sampling CPU profile right after the coverage (the Profiler
/// domain is on); whether it started (a diagnostic says when not).
async fn start_profile(ctx: &RunCtx<'_>, run: &mut RunArtifacts, deadline: Instant) -> bool {
    let started = super::cpu::start(ctx.page, deadline).await;
    if !started {
        run.diagnostics.push(Diagnostic::new(
            ctx.url,
            format!(
                "{}: the CPU profile did not start; CPU time by script and package is not measured",
                ctx.label
            ),
        ));
    }
    started
}

/// A run's time limits.
#[derive(Debug, Clone, Copy)]
struct RunClock {
    /// The run's own deadline: reading the page and ending the trace too.
    deadline: Instant,
    /// Opening, setting up, navigating and settling end by then, a reserve
    /// before `deadline`.
    settle_deadline: Instant,
    /// The run's whole time, from its start to `deadline`.
    total: Duration,
}

/// What the stages of one run share once its page is open.
struct RunCtx<'a> {
    page: &'a Page,
    state: &'a Shared,
    notify: &'a Arc<Notify>,
    /// The requested URL (the diagnostics' subject).
    url: &'a str,
    /// `run N`, the diagnostics' prefix.
    label: &'a str,
}

/// Opens a page in a fresh browser context (cold cache, no cookies or
/// storage; the default context when none can be made). `None`, with a
/// diagnostic, when no page opens.
async fn open_page(
    browser: &Browser,
    url: &str,
    label: &str,
    run: &mut RunArtifacts,
    settle_deadline: Instant,
) -> Option<(Option<BrowserContextId>, Page)> {
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
            return None;
        }
        None => {
            run.diagnostics.push(Diagnostic::new(
                url,
                format!("{label}: the browser did not open a page in time"),
            ));
            return None;
        }
    };
    Some((context, page))
}

/// Listens to the page's events, each stream on a task of its own (returned
/// to be stopped when the run ends), in this order: trace, network, page
/// lifecycle, console, dialogs.
async fn listen_all(ctx: &RunCtx<'_>) -> Vec<JoinHandle<()>> {
    let mut tasks = Vec::new();
    listen_trace(&mut tasks, ctx).await;
    listen_network(&mut tasks, ctx).await;
    listen_lifecycle(&mut tasks, ctx).await;
    listen_console(&mut tasks, ctx).await;
    listen_dialogs(&mut tasks, ctx).await;
    tasks
}

/// Trace chunks and the completion event arrive on two streams; the chunks
/// are queued before the completion, so draining chunks first (biased)
/// never misses one.
async fn listen_trace(tasks: &mut Vec<JoinHandle<()>>, ctx: &RunCtx<'_>) {
    if let (Ok(mut chunks), Ok(mut complete)) = (
        ctx.page.event_listener::<EventDataCollected>().await,
        ctx.page.event_listener::<EventTracingComplete>().await,
    ) {
        let state = ctx.state.clone();
        let notify = ctx.notify.clone();
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
}

/// The page's requests, and the workers and out-of-process iframes it
/// starts.
async fn listen_network(tasks: &mut Vec<JoinHandle<()>>, ctx: &RunCtx<'_>) {
    let (page, state, notify) = (ctx.page, ctx.state, ctx.notify);
    listen(
        tasks,
        page.event_listener::<EventRequestWillBeSent>().await,
        state,
        notify,
        |c, e| c.request_will_be_sent(e),
    );
    listen(
        tasks,
        page.event_listener::<EventResourceChangedPriority>().await,
        state,
        notify,
        |c, e| c.priority_changed(e),
    );
    listen(
        tasks,
        page.event_listener::<EventResponseReceived>().await,
        state,
        notify,
        |c, e| c.response_received(e),
    );
    listen(
        tasks,
        page.event_listener::<EventDataReceived>().await,
        state,
        notify,
        |c, e| c.data_received(e),
    );
    listen(
        tasks,
        page.event_listener::<EventLoadingFinished>().await,
        state,
        notify,
        |c, e| c.loading_finished(e),
    );
    listen(
        tasks,
        page.event_listener::<EventLoadingFailed>().await,
        state,
        notify,
        |c, e| c.loading_failed(e),
    );
    // Workers and out-of-process iframes the page starts: chromiumoxide
    // attaches to them (flattened sessions) on the page's session.
    listen(
        tasks,
        page.event_listener::<EventAttachedToTarget>().await,
        state,
        notify,
        |c, e| {
            c.child_attached(
                e.target_info.target_id.inner(),
                &e.target_info.r#type,
                &e.target_info.url,
            )
        },
    );
}

/// The load event, a renderer crash, and the main frame's documents.
async fn listen_lifecycle(tasks: &mut Vec<JoinHandle<()>>, ctx: &RunCtx<'_>) {
    let (page, state, notify) = (ctx.page, ctx.state, ctx.notify);
    listen(
        tasks,
        page.event_listener::<EventLoadEventFired>().await,
        state,
        notify,
        |c, _| c.loaded = true,
    );
    listen(
        tasks,
        page.event_listener::<EventTargetCrashed>().await,
        state,
        notify,
        |c, _| c.crashed = true,
    );
    listen(
        tasks,
        page.event_listener::<EventFrameNavigated>().await,
        state,
        notify,
        |c, e| {
            if e.frame.parent_id.is_none() {
                c.main_frame_navigated(&e.frame.url, e.frame.unreachable_url.as_deref());
            }
        },
    );
}

/// `console.error` calls and uncaught exceptions.
async fn listen_console(tasks: &mut Vec<JoinHandle<()>>, ctx: &RunCtx<'_>) {
    let (page, state, notify) = (ctx.page, ctx.state, ctx.notify);
    listen(
        tasks,
        page.event_listener::<EventConsoleApiCalled>().await,
        state,
        notify,
        |c, e| {
            if let Some(error) = console_api_error(e) {
                c.console_error(error);
            }
        },
    );
    listen(
        tasks,
        page.event_listener::<EventExceptionThrown>().await,
        state,
        notify,
        |c, e| c.console_error(exception_error(e)),
    );
}

/// A `console.error` call as a [`ConsoleError`]: its arguments joined by
/// spaces, the URL of its first stack frame; `None` for other console calls.
pub(super) fn console_api_error(e: &EventConsoleApiCalled) -> Option<ConsoleError> {
    if e.r#type != ConsoleApiCalledType::Error {
        return None;
    }
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
    Some(ConsoleError {
        source: "console.error".into(),
        message,
        url,
    })
}

/// An uncaught exception as a [`ConsoleError`]: the exception's description,
/// else the details' text.
pub(super) fn exception_error(e: &EventExceptionThrown) -> ConsoleError {
    let d = &e.exception_details;
    let message = d
        .exception
        .as_ref()
        .and_then(|x| x.description.clone())
        .unwrap_or_else(|| d.text.clone());
    ConsoleError {
        source: "exception".into(),
        message,
        url: d.url.clone().filter(|u| !u.is_empty()),
    }
}

/// Dialogs block the page: dismiss them at once (accept `beforeunload` so
/// the page may leave), each with a diagnostic.
async fn listen_dialogs(tasks: &mut Vec<JoinHandle<()>>, ctx: &RunCtx<'_>) {
    if let Ok(mut dialogs) = ctx
        .page
        .event_listener::<EventJavascriptDialogOpening>()
        .await
    {
        let page = ctx.page.clone();
        let state = ctx.state.clone();
        let url = ctx.url.to_string();
        let label = ctx.label.to_string();
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
                        dialog_dismissed(&label, &kind, &ev.message),
                    ))
                });
            }
        }));
    }
}

/// The diagnostic of a dialog perfscope dismissed.
fn dialog_dismissed(label: &str, kind: &str, message: &str) -> String {
    format!("{label}: the page opened a {kind} dialog ({message:?}); perfscope dismissed it")
}

/// Starts the trace; whether it started (a diagnostic says when not).
async fn start_tracing(ctx: &RunCtx<'_>, run: &mut RunArtifacts, settle_deadline: Instant) -> bool {
    let mut trace = StartParams::builder()
        .transfer_mode(StartTransferMode::ReportEvents)
        .trace_config(TraceConfig {
            included_categories: Some(TRACE_CATEGORIES.iter().map(|c| c.to_string()).collect()),
            ..TraceConfig::default()
        })
        .build();
    trace.buffer_usage_reporting_interval = None;
    let tracing = matches!(
        until(settle_deadline, ctx.page.execute(trace)).await,
        Some(Ok(_))
    );
    if !tracing {
        run.diagnostics.push(Diagnostic::new(
            ctx.url,
            format!(
                "{}: tracing did not start; trace metrics are missing",
                ctx.label
            ),
        ));
    }
    tracing
}

/// How the navigation command ended.
#[derive(Debug)]
enum Navigated {
    /// The document was committed.
    Committed,
    /// The browser answered with an error text (`net::ERR_…`).
    Error(String),
    /// The command failed, or the renderer crashed first.
    Failed(chromiumoxide::error::CdpError),
    /// No answer by the settle deadline.
    TimedOut,
}

/// Navigates to the URL, giving up when the renderer crashes or at the
/// settle deadline.
async fn navigate(ctx: &RunCtx<'_>, settle_deadline: Instant) -> Navigated {
    let navigate = async {
        let navigation = ctx.page.execute(NavigateParams::new(ctx.url));
        let crash = async {
            loop {
                if with(ctx.state, |c| c.crashed).unwrap_or(true) {
                    return;
                }
                let _ =
                    tokio::time::timeout(Duration::from_millis(100), ctx.notify.notified()).await;
            }
        };
        tokio::select! {
            result = navigation => Some(result),
            _ = crash => None,
        }
    };
    match until(settle_deadline, navigate).await {
        Some(Some(Ok(response))) => match response
            .result
            .error_text
            .as_ref()
            .filter(|e| !e.is_empty())
        {
            Some(error) => Navigated::Error(error.clone()),
            None => Navigated::Committed,
        },
        Some(Some(Err(e))) => Navigated::Failed(e),
        Some(None) => Navigated::Failed(chromiumoxide::error::CdpError::msg("renderer crashed")),
        None => Navigated::TimedOut,
    }
}

/// After the navigation: when the document was committed, waits until the
/// page settles ([`settle`]); says how the run ended. Whether it settled
/// (quiet, or measured to the maximum wait).
async fn after_navigation(
    ctx: &RunCtx<'_>,
    navigated: Navigated,
    run: &mut RunArtifacts,
    clock: RunClock,
    rules: SettleRules,
    navigation_started: Instant,
) -> bool {
    let (url, label) = (ctx.url, ctx.label);
    match navigated {
        Navigated::Committed => {
            let outcome = settle(
                ctx.state,
                ctx.notify,
                ctx.page,
                run,
                clock.settle_deadline,
                rules,
                navigation_started,
            )
            .await;
            let waited = (clock.settle_deadline - (clock.deadline - clock.total)).as_secs_f64();
            if let Some(message) = settle_message(outcome, rules, label, waited) {
                run.diagnostics.push(Diagnostic::new(url, message));
            }
            matches!(outcome, Settled::Quiet | Settled::MaxWait)
        }
        Navigated::Error(error) => {
            run.diagnostics.push(Diagnostic::new(
                url,
                format!("{label}: navigation failed: {error}"),
            ));
            false
        }
        Navigated::Failed(e) => {
            let crashed = with(ctx.state, |c| c.crashed).unwrap_or(false);
            run.diagnostics
                .push(Diagnostic::new(url, navigation_failed(label, crashed, &e)));
            false
        }
        Navigated::TimedOut => {
            let seconds = clock
                .settle_deadline
                .saturating_duration_since(clock.deadline - clock.total)
                .as_secs_f64();
            let responded = with(ctx.state, |c| {
                c.network
                    .values()
                    .any(|r| r.resource_type == "Document" && r.status.is_some())
            })
            .unwrap_or(false);
            run.diagnostics.push(Diagnostic::new(
                url,
                navigation_timed_out(label, seconds, responded),
            ));
            false
        }
    }
}

/// What a settle outcome says, `None` when there is nothing to say;
/// `waited` is the seconds the run had to settle.
fn settle_message(
    outcome: Settled,
    rules: SettleRules,
    label: &str,
    waited: f64,
) -> Option<String> {
    match outcome {
        Settled::Quiet | Settled::NavigatedAway => None,
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
    }
}

/// A navigation command that failed: the renderer crashed, or the error.
fn navigation_failed(label: &str, crashed: bool, error: &impl std::fmt::Display) -> String {
    if crashed {
        format!("{label}: the page's renderer crashed")
    } else {
        format!("{label}: navigation failed: {error}")
    }
}

/// A navigation that did not finish within `seconds`: the server never
/// answered, or it did (`responded`) and the page kept its main thread busy.
fn navigation_timed_out(label: &str, seconds: f64, responded: bool) -> String {
    if responded {
        format!(
            "{label}: the page did not finish loading within {seconds:.0} s (its main thread stayed busy: a script that never stops?)"
        )
    } else {
        format!(
            "{label}: the server sent no response within {seconds:.0} s (the page never finished loading)"
        )
    }
}

/// Reads the page (unless its renderer crashed), then ends the trace and
/// waits for its last chunk, by the run's own deadline.
async fn finish_page(ctx: &RunCtx<'_>, run: &mut RunArtifacts, deadline: Instant, tracing: bool) {
    let crashed = with(ctx.state, |c| c.crashed).unwrap_or(false);
    if !crashed {
        read_page(ctx.page, run, deadline).await;
    }
    if tracing {
        let _ = until(deadline, ctx.page.execute(EndParams::default())).await;
        loop {
            // Created before the check: `notify_waiters` wakes a `Notified`
            // from its creation on, so the `TracingComplete` that lands
            // between the check and the wait is not lost (it was: the run
            // then waited for the next event of any kind, often 5 s).
            let notified = ctx.notify.notified();
            if with(ctx.state, |c| c.trace_complete).unwrap_or(true) {
                break;
            }
            if until(deadline, notified).await.is_none() {
                run.diagnostics.push(Diagnostic::new(
                    ctx.url,
                    format!(
                        "{}: the trace did not finish within the timeout; kept the events received",
                        ctx.label
                    ),
                ));
                break;
            }
        }
    }
}

/// Lets the listeners drain what is already queued, then stops them.
async fn stop_listeners(tasks: &[JoinHandle<()>]) {
    tokio::time::sleep(Duration::from_millis(50)).await;
    for task in tasks {
        task.abort();
    }
}

/// Moves what the listeners collected into `run`, with what the document
/// and the main frame say; the run is complete when it `settled`, the
/// renderer survived, the document loaded and the page stayed.
fn take_collected(ctx: &RunCtx<'_>, run: &mut RunArtifacts, settled: bool) {
    let (url, label) = (ctx.url, ctx.label);
    let Ok(mut c) = ctx.state.lock() else {
        return;
    };
    run.trace_events = std::mem::take(&mut c.trace);
    run.task_events = std::mem::take(&mut c.task_events);
    // Only the page's main thread is read (boot-up time): the others'
    // events would only weigh on the artifacts.
    if let Some(page) = crate::metrics::PageTrace::find(&run.trace_events) {
        let (pid, tid) = (page.pid, page.tid);
        run.task_events.retain(|e| e.pid == pid && e.tid == tid);
    }
    run.network = c.network_log();
    run.console_errors = c.take_console_errors();
    run.diagnostics.append(&mut c.diagnostics);
    if let Some(text) = children_not_recorded(&c.children_not_recorded()) {
        run.diagnostics
            .push(Diagnostic::new(url, format!("{label}: {text}")));
    }
    run.children = c.take_children();
    let document = document_outcome(&run.network, url, label);
    run.diagnostics.extend(document.diagnostics);
    let away = navigated_away(&c, run, url, label);
    let (redirect, final_url) = main_frame_end(
        c.main_frame_url.as_deref(),
        url,
        document.served.as_deref(),
        away,
        label,
    );
    run.diagnostics.extend(redirect);
    if final_url.is_some() {
        run.final_url = final_url;
    }
    run.complete = settled && !c.crashed && !document.errored && !away;
}

/// What the network log says about the document.
#[derive(Debug, PartialEq)]
struct DocumentOutcome {
    /// Its error status or failure, then its server redirects.
    diagnostics: Vec<Diagnostic>,
    /// It answered 400 or more, or failed: the run does not count.
    errored: bool,
    /// The URL it was served from, without its `#fragment`.
    served: Option<String>,
}

/// The document in the network `log`: its server redirects, its status,
/// and the URL it was served from.
fn document_outcome(log: &[NetworkRecord], url: &str, label: &str) -> DocumentOutcome {
    let redirect = |r: &&NetworkRecord| r.status.is_some_and(|s| (300..400).contains(&s));
    let documents: Vec<&NetworkRecord> = log
        .iter()
        .filter(|r| r.resource_type == "Document")
        .collect();
    let hops: Vec<String> = documents
        .iter()
        .take_while(|r| redirect(r))
        .map(|r| format!("{} ({})", r.url, r.status.unwrap_or(0)))
        .collect();
    let document = documents.iter().find(|r| !redirect(r));
    let mut outcome = DocumentOutcome {
        diagnostics: Vec::new(),
        errored: false,
        served: document.map(|d| without_fragment(&d.url)),
    };
    let Some(doc) = document else {
        return outcome;
    };
    if let Some(status) = doc.status.filter(|s| *s >= 400) {
        outcome.errored = true;
        outcome.diagnostics.push(Diagnostic::new(
            url,
            format!(
                "{label}: the page answered {status} for {} (Lighthouse: ERRORED_DOCUMENT_REQUEST); the run does not count",
                doc.url
            ),
        ));
    } else if let Some(error) = &doc.failed {
        outcome.errored = true;
        outcome.diagnostics.push(Diagnostic::new(
            url,
            format!("{label}: the document request failed: {error}; the run does not count"),
        ));
    }
    if !hops.is_empty() {
        outcome.diagnostics.push(Diagnostic::new(
            url,
            format!(
                "{label}: server redirects {} \u{2192} {}",
                hops.join(" \u{2192} "),
                doc.url
            ),
        ));
    }
    outcome
}

/// A URL without its `#fragment` (the same document).
fn without_fragment(u: &str) -> String {
    u.split('#').next().unwrap_or(u).to_string()
}

/// Where the main frame ended (`final_url`), against the requested `url`
/// and the URL the document was `served` from: a diagnostic when the page
/// redirected itself client side (not when it navigated `away`, which says
/// so, nor to an error page), and the run's final URL when it is another
/// document than `url`.
fn main_frame_end(
    final_url: Option<&str>,
    url: &str,
    served: Option<&str>,
    away: bool,
    label: &str,
) -> (Option<Diagnostic>, Option<String>) {
    let Some(final_url) = final_url else {
        return (None, None);
    };
    let moved = without_fragment(final_url) != without_fragment(url)
        && Some(without_fragment(final_url)).as_deref() != served;
    let redirect = (moved && !away && !final_url.starts_with("chrome-error:")).then(|| {
        Diagnostic::new(
            url,
            format!("{label}: the page redirected itself (client side) to {final_url}; the final document was measured"),
        )
    });
    let moved_document =
        (without_fragment(final_url) != without_fragment(url)).then(|| final_url.to_string());
    (redirect, moved_document)
}

/// Closes the page and its context; a hung renderer is killed with the browser.
async fn close_page(browser: &Browser, page: Page, context: Option<BrowserContextId>) {
    let _ = tokio::time::timeout(Duration::from_secs(1), page.close()).await;
    if let Some(id) = context {
        let _ =
            tokio::time::timeout(Duration::from_secs(1), browser.dispose_browser_context(id)).await;
    }
}

/// A page that navigated away (to `about:blank`, another origin, or in a
/// loop: the rule is in `navigation.rs`) fails its run: a diagnostic says
/// where it went. Whether it did.
fn navigated_away(c: &Collector, run: &mut RunArtifacts, url: &str, label: &str) -> bool {
    let Some(away) = c.main_frame_documents.navigated_away() else {
        return false;
    };
    run.diagnostics.push(Diagnostic::new(
        url,
        format!("{label}: the page {away}; the run does not count"),
    ));
    true
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
        let params = network_conditions(net);
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

/// The command that applies `net` to a target (the page, or one of its
/// out-of-process iframes); deprecated in the protocol, see [`prepare`].
#[allow(deprecated)]
pub(super) fn network_conditions(
    net: &model::vitals::NetworkThrottling,
) -> EmulateNetworkConditionsParams {
    EmulateNetworkConditionsParams::new(
        false,
        net.latency_ms,
        net.download_bytes_per_s,
        net.upload_bytes_per_s,
    )
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
        let (loaded, crashed, busy, critical) = with(state, |c| {
            (
                c.loaded,
                c.crashed,
                c.busy_requests(REQUEST_IDLE),
                c.busy_critical_requests(REQUEST_IDLE),
            )
        })
        .unwrap_or((false, true, 0, 0));
        if crashed {
            return Settled::Crashed;
        }
        if with(state, |c| c.main_frame_documents.navigated_away().is_some()).unwrap_or(false) {
            return Settled::NavigatedAway;
        }
        let now = Instant::now();
        // Lighthouse's two listeners: network-2-quiet and critical-quiet.
        if busy > QUIET_REQUESTS || critical > 0 {
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
    super::react::locate(page, &mut run.react.components, deadline).await;
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
                                        why: r.get(3).and_then(|w| w.as_str()).map(str::to_string),
                                        component: r
                                            .get(4)
                                            .and_then(|i| i.as_u64())
                                            .map(|i| i as usize),
                                    })
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    let components = react
        .and_then(|r| r.get("types"))
        .and_then(|r| r.as_array())
        .map(|list| {
            list.iter()
                .map(|name| ReactComponent {
                    name: name.as_str().unwrap_or("Anonymous").to_string(),
                    ..ReactComponent::default()
                })
                .collect()
        })
        .unwrap_or_default();
    ReactLog {
        renderers,
        commits,
        components,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "http://localhost:4173/";

    fn rules() -> SettleRules {
        SettleRules::default()
    }

    fn messages(diagnostics: &[Diagnostic]) -> Vec<&str> {
        diagnostics.iter().map(|d| d.message.as_str()).collect()
    }

    #[test]
    fn settle_message_per_outcome() {
        assert_eq!(settle_message(Settled::Quiet, rules(), "run 1", 40.0), None);
        assert_eq!(
            settle_message(Settled::NavigatedAway, rules(), "run 1", 40.0),
            None
        );
        assert_eq!(
            settle_message(Settled::MaxWait, rules(), "run 1", 40.0).as_deref(),
            Some(
                "run 1: the network or the main thread was never quiet for 5.25 s within 45 s; measured what happened until then"
            )
        );
        assert_eq!(
            settle_message(Settled::NoFcp, rules(), "run 2", 40.0).as_deref(),
            Some(
                "run 2: no first contentful paint within 30 s (Lighthouse: NO_FCP); the run does not count"
            )
        );
        assert_eq!(
            settle_message(Settled::Crashed, rules(), "run 1", 40.0).as_deref(),
            Some("run 1: the page's renderer crashed; kept what was measured before")
        );
        assert_eq!(
            settle_message(Settled::Deadline, rules(), "run 1", 39.6).as_deref(),
            Some(
                "run 1: the page did not settle (load, first paint, then 5.25 s of network and CPU quiet) within the run's 40 s; kept what was measured"
            )
        );
    }

    #[test]
    fn navigation_failures_say_why() {
        assert_eq!(
            navigation_failed("run 1", true, &"anything"),
            "run 1: the page's renderer crashed"
        );
        assert_eq!(
            navigation_failed("run 1", false, &"net::ERR_ABORTED"),
            "run 1: navigation failed: net::ERR_ABORTED"
        );
        assert_eq!(
            navigation_timed_out("run 3", 29.7, true),
            "run 3: the page did not finish loading within 30 s (its main thread stayed busy: a script that never stops?)"
        );
        assert_eq!(
            navigation_timed_out("run 3", 29.7, false),
            "run 3: the server sent no response within 30 s (the page never finished loading)"
        );
    }

    fn document(url: &str, status: Option<u16>) -> NetworkRecord {
        NetworkRecord {
            url: url.to_string(),
            resource_type: "Document".to_string(),
            status,
            ..NetworkRecord::default()
        }
    }

    #[test]
    fn document_outcome_of_a_redirected_page() {
        let script = NetworkRecord {
            url: "http://localhost:4173/app.js".to_string(),
            resource_type: "Script".to_string(),
            status: Some(404),
            ..NetworkRecord::default()
        };
        let log = [
            document("http://localhost:4173/", Some(301)),
            document("http://localhost:4173/en", Some(302)),
            script,
            document("http://localhost:4173/en/#top", Some(200)),
        ];
        let outcome = document_outcome(&log, URL, "run 1");
        assert!(!outcome.errored);
        assert_eq!(outcome.served.as_deref(), Some("http://localhost:4173/en/"));
        assert_eq!(
            messages(&outcome.diagnostics),
            vec![
                "run 1: server redirects http://localhost:4173/ (301) \u{2192} http://localhost:4173/en (302) \u{2192} http://localhost:4173/en/#top"
            ]
        );
    }

    #[test]
    fn document_outcome_of_an_error_or_failure() {
        let outcome = document_outcome(&[document(URL, Some(404))], URL, "run 1");
        assert!(outcome.errored);
        assert_eq!(
            messages(&outcome.diagnostics),
            vec![
                "run 1: the page answered 404 for http://localhost:4173/ (Lighthouse: ERRORED_DOCUMENT_REQUEST); the run does not count"
            ]
        );
        let mut failed = document(URL, None);
        failed.failed = Some("net::ERR_CONNECTION_RESET".to_string());
        let outcome = document_outcome(&[failed], URL, "run 1");
        assert!(outcome.errored);
        assert_eq!(
            messages(&outcome.diagnostics),
            vec![
                "run 1: the document request failed: net::ERR_CONNECTION_RESET; the run does not count"
            ]
        );
        // Only redirects, or no document at all: nothing to say.
        let none = DocumentOutcome {
            diagnostics: Vec::new(),
            errored: false,
            served: None,
        };
        assert_eq!(document_outcome(&[], URL, "run 1"), none);
        assert_eq!(
            document_outcome(&[document(URL, Some(307))], URL, "run 1"),
            none
        );
    }

    #[test]
    fn main_frame_end_tells_client_redirects() {
        // Stayed (a fragment is the same document).
        let stayed = main_frame_end(Some("http://localhost:4173/#a"), URL, Some(URL), false, "r");
        assert_eq!(stayed, (None, None));
        assert_eq!(
            main_frame_end(None, URL, Some(URL), false, "r"),
            (None, None)
        );
        // Redirected itself.
        let moved = "http://localhost:4173/home";
        let (diagnostic, final_url) = main_frame_end(Some(moved), URL, Some(URL), false, "run 1");
        assert_eq!(
            diagnostic.map(|d| d.message),
            Some("run 1: the page redirected itself (client side) to http://localhost:4173/home; the final document was measured".to_string())
        );
        assert_eq!(final_url.as_deref(), Some(moved));
        // The server redirected there: the document says so already.
        let served = main_frame_end(Some(moved), URL, Some(moved), false, "run 1");
        assert_eq!(served, (None, Some(moved.to_string())));
        // Navigated away, or an error page: said elsewhere.
        let away = main_frame_end(Some(moved), URL, Some(URL), true, "run 1");
        assert_eq!(away, (None, Some(moved.to_string())));
        let error = main_frame_end(Some("chrome-error://chromewebdata/"), URL, None, false, "r");
        assert_eq!(error.0, None);
    }

    #[test]
    fn console_errors_from_events() {
        let event: EventConsoleApiCalled = serde_json::from_value(serde_json::json!({
            "type": "error",
            "args": [
                {"type": "string", "value": "failed:"},
                {"type": "number", "value": 42},
                {"type": "object", "description": "Error: boom"},
                {"type": "undefined"}
            ],
            "executionContextId": 1,
            "timestamp": 0.0,
            "stackTrace": {"callFrames": [{
                "functionName": "f", "scriptId": "1", "url": "http://localhost:4173/app.js",
                "lineNumber": 1, "columnNumber": 2
            }]}
        }))
        .unwrap();
        assert_eq!(
            console_api_error(&event),
            Some(ConsoleError {
                source: "console.error".into(),
                message: "failed: 42 Error: boom ".into(),
                url: Some("http://localhost:4173/app.js".into()),
            })
        );
        let log: EventConsoleApiCalled = serde_json::from_value(serde_json::json!({
            "type": "log", "args": [], "executionContextId": 1, "timestamp": 0.0
        }))
        .unwrap();
        assert_eq!(console_api_error(&log), None);

        let thrown: EventExceptionThrown = serde_json::from_value(serde_json::json!({
            "timestamp": 0.0,
            "exceptionDetails": {
                "exceptionId": 1, "text": "Uncaught", "lineNumber": 0, "columnNumber": 0,
                "url": "",
                "exception": {"type": "object", "description": "TypeError: x is undefined"}
            }
        }))
        .unwrap();
        assert_eq!(
            exception_error(&thrown),
            ConsoleError {
                source: "exception".into(),
                message: "TypeError: x is undefined".into(),
                url: None,
            }
        );
        let text_only: EventExceptionThrown = serde_json::from_value(serde_json::json!({
            "timestamp": 0.0,
            "exceptionDetails": {
                "exceptionId": 2, "text": "Uncaught SyntaxError", "lineNumber": 0,
                "columnNumber": 0, "url": "http://localhost:4173/x.js"
            }
        }))
        .unwrap();
        let error = exception_error(&text_only);
        assert_eq!(error.message, "Uncaught SyntaxError");
        assert_eq!(error.url.as_deref(), Some("http://localhost:4173/x.js"));
    }

    #[test]
    fn dialog_and_children_messages() {
        assert_eq!(
            dialog_dismissed("run 1", "alert", "hi \"there\""),
            "run 1: the page opened a alert dialog (\"hi \\\"there\\\"\"); perfscope dismissed it"
        );
        assert_eq!(children_not_recorded(&[]), None);
        let children = [
            (
                "worker".to_string(),
                "http://localhost:4173/w.js".to_string(),
            ),
            (
                "worker".to_string(),
                "http://localhost:4173/w.js".to_string(),
            ),
            ("iframe".to_string(), String::new()),
        ];
        assert_eq!(
            children_not_recorded(&children).as_deref(),
            Some(
                "the page started 1 out-of-process iframe(s) and 2 worker(s) (http://localhost:4173/w.js); their own requests, console messages and main-thread work are not recorded (only the page's are)"
            )
        );
    }
}
