//! The only code that talks to Chrome. For each run: a browser (launched
//! fresh, or reached through `--browser-ws`), a new browser context, the
//! emulation and throttling of the profile, the init script (React hook and
//! PerformanceObserver buffers), a DevTools trace around the navigation, the
//! network, console and dialog events, the JavaScript and CSS coverage
//! of the load ([`coverage`]) and its sampling CPU profile ([`cpu`]), the
//! requests and console errors of the workers and out-of-process iframes
//! the page starts (a second connection, `children.rs`), all saved as
//! [`RunArtifacts`].

pub mod artifacts;
mod child_costs;
mod children;
mod collector;
pub mod coverage;
pub mod cpu;
mod critical;
mod navigation;
mod react;
pub mod replay;
pub mod run;

use std::time::Duration;

use chromiumoxide::Browser;
use chromiumoxide::handler::HandlerConfig;
use futures::StreamExt as _;
use model::Diagnostic;
use model::vitals::{FlowReport, FlowRun};
use tokio::task::JoinHandle;

use crate::browser::{ChromiumProcess, LaunchOptions};
use crate::config::FlowConfig;
use crate::server::{ServerOptions, StaticServer};
use crate::{Target, VitalsError, VitalsOptions};
use chromiumoxide::cdp::browser_protocol::target::{CloseTargetParams, GetTargetsParams};

pub use artifacts::RunArtifacts;

/// The script installed before any page script runs.
pub const INIT_SCRIPT: &str = include_str!("init.js");

/// Trace categories Lighthouse records.
pub const TRACE_CATEGORIES: &[&str] = &[
    "-*",
    "disabled-by-default-lighthouse",
    "loading",
    "v8",
    "v8.execute",
    "blink.user_timing",
    "blink.console",
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "disabled-by-default-devtools.timeline.frame",
    "disabled-by-default-devtools.timeline.stack",
    "latencyInfo",
];

/// Loads the target `options.runs` times and returns the artifacts of every
/// run (failed runs included, with their diagnostics).
pub async fn gather(
    target: &Target,
    options: &VitalsOptions,
) -> Result<Vec<RunArtifacts>, VitalsError> {
    let indices: Vec<usize> = (0..options.runs.max(1)).collect();
    gather_runs(target, options, &indices).await
}

/// Makes the runs `indices` (0-based, of a shard: `--shard`) of the target
/// and returns their artifacts; nothing is served or launched for none.
pub async fn gather_runs(
    target: &Target,
    options: &VitalsOptions,
    indices: &[usize],
) -> Result<Vec<RunArtifacts>, VitalsError> {
    if indices.is_empty() {
        return Ok(Vec::new());
    }
    let (server, url) = serve(target, options).await?;
    let mut runs = Vec::new();
    let total = indices.len();
    options.progress.step("browser runs", 0, total);
    for (n, &index) in indices.iter().enumerate() {
        let run = gather_one(&url, options, index, n == 0).await?;
        runs.push(run);
        options.progress.step("browser runs", n + 1, total);
    }
    drop(server);
    Ok(runs)
}

/// A connected browser; dropping it stops the handler and kills a launched Chromium.
struct Session {
    browser: Browser,
    handler: JoinHandle<()>,
    process: Option<ChromiumProcess>,
}

impl Drop for Session {
    fn drop(&mut self) {
        self.handler.abort();
        if let Some(process) = self.process.as_mut() {
            process.kill();
        }
    }
}

async fn open_session(
    options: &VitalsOptions,
    timeout: Duration,
    headed: bool,
) -> Result<Session, VitalsError> {
    let (process, ws) = match &options.browser_ws {
        Some(ws) => (None, ws.clone()),
        None => {
            let process = ChromiumProcess::launch(&LaunchOptions {
                executable: options.chrome_path.clone(),
                no_sandbox: options.no_sandbox,
                timeout: timeout.min(Duration::from_secs(30)),
                headed,
            })
            .await?;
            let ws = process.ws_url().to_string();
            (Some(process), ws)
        }
    };
    let config = HandlerConfig {
        viewport: None,
        request_timeout: timeout,
        ..HandlerConfig::default()
    };
    let connected = tokio::time::timeout(timeout, Browser::connect_with_config(ws.clone(), config))
        .await
        .map_err(|_| VitalsError::Connect {
            url: ws.clone(),
            message: "no answer".into(),
        })?
        .map_err(|e| VitalsError::Connect {
            url: ws.clone(),
            message: e.to_string(),
        })?;
    let (browser, mut handler) = connected;
    // Never end the loop on an error: events of newer Chromium versions that
    // the bindings cannot parse are normal.
    let handler = tokio::spawn(async move { while let Some(_event) = handler.next().await {} });
    Ok(Session {
        browser,
        handler,
        process,
    })
}

async fn gather_one(
    url: &str,
    options: &VitalsOptions,
    index: usize,
    first: bool,
) -> Result<RunArtifacts, VitalsError> {
    let started = tokio::time::Instant::now();
    // Validated by the callers; clamped here so no input can overflow an instant.
    let timeout = options
        .timeout
        .min(Duration::from_secs(crate::config::MAX_TIMEOUT_S));
    let deadline = started + timeout;
    let profile = options.profile.with(options.throttling);
    let session = match open_session(options, timeout, false).await {
        Ok(session) => session,
        Err(err @ VitalsError::NoBrowser { .. }) => return Err(err),
        // A browser that never starts fails the measurement on its first run.
        Err(err) if first => return Err(err),
        Err(err) => {
            return Ok(run::failed_run(
                index,
                url,
                profile,
                Diagnostic::new(url, format!("run {}: {err}", index + 1)),
            ));
        }
    };
    let result = run::gather_run(
        &session.browser,
        url,
        &profile,
        index,
        deadline,
        options.settle,
        run::LoadCosts {
            coverage: options.coverage,
            cpu_profile: options.cpu_profile,
            granularity: options.coverage_granularity,
            children: options.children,
        },
    )
    .await;
    if options.browser_ws.is_some() {
        // Leave a remote browser as we found it; the context was disposed by the run.
        drop(session);
    } else {
        let mut session = session;
        // Ask politely first (briefly), then the Drop guard kills the group.
        let polite = Duration::from_millis(if result.complete { 500 } else { 100 });
        let _ = tokio::time::timeout(polite, session.browser.close()).await;
        drop(session);
    }
    Ok(result)
}

/// Replays every flow of `options.flows` on the target, `runs` times each
/// (a fresh browser per replay); each report comes with its flow's
/// configuration. A recording that cannot be read is a diagnostic naming
/// the file; a replay whose step fails keeps the steps before it and says
/// which step failed.
pub async fn flows<'o>(
    target: &Target,
    options: &'o VitalsOptions,
) -> Result<(Vec<(&'o FlowConfig, FlowReport)>, Vec<Diagnostic>), VitalsError> {
    let mut reports = Vec::new();
    let mut diagnostics = Vec::new();
    if options.flows.is_empty() {
        return Ok((reports, diagnostics));
    }
    let (server, url) = serve(target, options).await?;
    let origin = origin_of(&url);
    let profile = options.profile.with(options.throttling);
    for (n, flow) in options.flows.iter().enumerate() {
        let shown = flow.describe(n + 1);
        let recording = match recording_of(flow) {
            Ok(recording) => recording,
            Err(problem) => {
                diagnostics.push(Diagnostic::new(&shown, problem));
                continue;
            }
        };
        let mut runs = Vec::new();
        for index in 0..options.runs.max(1) {
            let timeout = options
                .timeout
                .min(Duration::from_secs(crate::config::MAX_TIMEOUT_S));
            let deadline = tokio::time::Instant::now() + timeout;
            // The loads already ran: a browser that does not start now fails
            // this replay, not the whole report.
            let session = match open_session(options, timeout, false).await {
                Ok(session) => session,
                Err(err) => {
                    runs.push(FlowRun {
                        index,
                        error: Some(format!("run {}: {err}", index + 1)),
                        ..Default::default()
                    });
                    continue;
                }
            };
            let replay_target = replay::ReplayTarget {
                start_url: &url,
                origin: &origin,
                profile: &profile,
            };
            let at = (index, flow.repeat);
            runs.push(
                replay::replay(&session.browser, &recording, &replay_target, at, deadline).await,
            );
            drop(session);
        }
        let name = recording.title.clone().unwrap_or_else(|| match &flow.file {
            Some(file) => file
                .file_name()
                .map_or(shown.clone(), |n| n.to_string_lossy().into_owned()),
            None => shown.clone(),
        });
        if runs
            .iter()
            .any(|r| r.react_commits > 0 && r.renders.is_empty())
        {
            diagnostics.push(Diagnostic::new(
                &shown,
                "React production build: the flow's commits are counted, but components and why they rendered need a development build or React's profiling build (alias `react-dom/client` to `react-dom/profiling`)",
            ));
        }
        let file = flow.file.as_ref().map(|_| shown.clone());
        reports.push((flow, replay::summarize(name, file, runs)));
    }
    drop(server);
    Ok((reports, diagnostics))
}

/// The recording of a flow: its file read and parsed, or its inline steps.
fn recording_of(flow: &FlowConfig) -> Result<crate::flow::Recording, String> {
    match (&flow.file, &flow.steps) {
        (Some(file), _) => read_recording(file),
        (None, steps) => {
            let value = serde_json::json!({
                "title": flow.title,
                "timeout": flow.timeout,
                "steps": steps.clone().unwrap_or_default(),
            });
            crate::flow::parse(&value.to_string()).map_err(|e| format!("inline steps: {e}"))
        }
    }
}

/// `--headed`: a visible Chromium on the target, recorded while a person
/// uses it until its window is closed (at most [`crate::headed::LIMIT`]).
pub async fn headed(target: &Target, options: &VitalsOptions) -> Result<FlowReport, VitalsError> {
    crate::headed::check_display(
        std::env::var_os("DISPLAY"),
        std::env::var_os("WAYLAND_DISPLAY"),
    )
    .map_err(|reason| VitalsError::NoDisplay { reason })?;
    let (server, url) = serve(target, options).await?;
    let timeout = Duration::from_secs(30);
    let mut session = open_session(options, timeout, true).await?;
    let page = session
        .browser
        .new_page("about:blank")
        .await
        .map_err(|e| VitalsError::Connect {
            url: url.clone(),
            message: format!("could not open a page: {e}"),
        })?;
    // The window's first tab (about:blank) is closed: closing the window's
    // one tab then ends the session.
    let _ = tokio::time::timeout(Duration::from_secs(2), page.bring_to_front()).await;
    let targets = tokio::time::timeout(
        Duration::from_secs(5),
        session.browser.execute(GetTargetsParams::default()),
    )
    .await;
    if let Ok(Ok(targets)) = targets {
        for t in targets.result.target_infos.iter() {
            if t.r#type == "page" && t.target_id != *page.target_id() {
                let close = CloseTargetParams::new(t.target_id.clone());
                let _ =
                    tokio::time::timeout(Duration::from_secs(2), session.browser.execute(close))
                        .await;
            }
        }
    }
    let limit = tokio::time::Instant::now() + crate::headed::LIMIT;
    let process = &mut session.process;
    let closed = move || process.as_mut().is_none_or(|p| p.has_exited());
    let visits = crate::headed::session(&page, &url, closed, limit).await;
    drop(session);
    drop(server);
    Ok(crate::headed::report(&visits))
}

/// The server for a folder target (with the URL to load), or the URL itself.
async fn serve(
    target: &Target,
    options: &VitalsOptions,
) -> Result<(Option<StaticServer>, String), VitalsError> {
    Ok(match target {
        Target::Url(url) => (None, url.clone()),
        Target::Dir(dir) => {
            let server = StaticServer::start(
                dir,
                ServerOptions {
                    spa: options.spa,
                    test_api: options.test_api,
                    port: None,
                },
            )
            .await?;
            let url = server.url(&options.path);
            (Some(server), url)
        }
    })
}

/// `scheme://host:port` of a URL (the URL itself when it does not parse).
fn origin_of(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => u.origin().ascii_serialization(),
        Err(_) => url.to_string(),
    }
}

/// Reads and parses a recording (regular files only, at most 16 MB).
fn read_recording(file: &std::path::Path) -> Result<crate::flow::Recording, String> {
    let meta = std::fs::metadata(file).map_err(|e| format!("cannot read the recording: {e}"))?;
    if !meta.is_file() {
        return Err("the recording is not a regular file".into());
    }
    if meta.len() > 16 * 1024 * 1024 {
        return Err("the recording is larger than 16 MB".into());
    }
    let text =
        std::fs::read_to_string(file).map_err(|e| format!("cannot read the recording: {e}"))?;
    crate::flow::parse(&text).map_err(|e| format!("is not a Chrome DevTools Recorder flow: {e}"))
}
