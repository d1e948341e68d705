//! The workers and out-of-process iframes a page starts, recorded through a
//! second DevTools connection.
//!
//! chromiumoxide 0.9.1 auto-attaches to a page's children (flattened
//! sessions) and resumes them at once, but keeps no session for them:
//! nothing can be sent to them and their events are dropped. So each run
//! opens its own WebSocket to the browser (the one chromiumoxide uses),
//! attaches to the page (`Target.attachToTarget`, `flatten`) and asks to be
//! attached to every child, paused (`Target.setAutoAttach`,
//! `waitForDebuggerOnStart`). Each child is then, before it runs a line:
//! given `Network.enable` and `Runtime.enable` (its requests, console
//! errors and uncaught exceptions); an iframe also the page's network
//! conditions and CPU slowdown (a throttled load is throttled in its
//! iframes too, as DevTools throttles every target; a dedicated worker's
//! requests already go through its page's conditions, and Chromium slows
//! no worker's CPU: "Operation is only supported for pages, not workers");
//! auto-attach to its own children (a worker inside an iframe), and
//! `Runtime.runIfWaitingForDebugger`. A child
//! paused by two clients starts when both resumed it. This is Lighthouse's
//! way (its `target-manager.js` does the same on every session).
//!
//! The events go into the run's [`Collector`] tagged with the child's
//! target id, so the page's own log stays what it was.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use async_tungstenite::tungstenite::Message;
use async_tungstenite::tungstenite::protocol::WebSocketConfig;
use chromiumoxide::cdp::browser_protocol::emulation::SetCpuThrottlingRateParams;
#[allow(deprecated)]
use chromiumoxide::cdp::browser_protocol::network::EmulateNetworkConditionsParams;
use chromiumoxide::cdp::browser_protocol::network::{
    EventDataReceived, EventLoadingFailed, EventLoadingFinished, EventRequestWillBeSent,
    EventResponseReceived,
};
use chromiumoxide::cdp::js_protocol::runtime::{EventConsoleApiCalled, EventExceptionThrown};
use futures::StreamExt as _;
use serde_json::{Value, json};
use tokio::sync::{Notify, mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::collector::{ChildOf, Collector};

type Shared = Arc<Mutex<Collector>>;

/// Children recorded at most per run: a page that starts more has the
/// others resumed unrecorded (a diagnostic names them).
pub const MAX_RECORDED: usize = 50;
type Replies = Mutex<HashMap<u64, oneshot::Sender<Result<Value, String>>>>;

/// Recorded children: session id → target id.
type Sessions = Arc<Mutex<HashMap<String, String>>>;

/// What every recorded child is given before it runs, besides the
/// recording of its requests and console.
#[derive(Debug, Clone, Default)]
pub struct ChildSetup {
    /// Start its CPU profile and coverage, at this granularity.
    pub costs: Option<model::vitals::CoverageGranularity>,
    /// The page's network conditions, for the child's own requests.
    pub network: Option<model::vitals::NetworkThrottling>,
    /// The page's CPU slowdown (`1`: none).
    pub cpu_slowdown: f64,
}

/// A throttling command sent to a child, its answer still to be read.
struct Check {
    /// The child: its target type and URL.
    child: String,
    /// What was applied (`network throttling`, `CPU slowdown`).
    what: &'static str,
    reply: oneshot::Receiver<Result<Value, String>>,
}

type Checks = Arc<Mutex<Vec<Check>>>;

/// The second connection of one run; dropping it closes the connection
/// (Chromium then detaches its sessions and resumes any child it paused).
pub struct ChildRecorder {
    reader: JoinHandle<()>,
    writer: JoinHandle<()>,
    conn: Arc<Conn>,
    sessions: Sessions,
    checks: Checks,
}

impl Drop for ChildRecorder {
    fn drop(&mut self) {
        self.reader.abort();
        self.writer.abort();
    }
}

/// Commands out, replies matched back by id.
pub(super) struct Conn {
    out: mpsc::UnboundedSender<Message>,
    next: AtomicU64,
    replies: Replies,
}

impl ChildRecorder {
    /// The throttling a child refused, one line each (`iframe URL: CPU
    /// slowdown not applied (Chromium's error)`); read once the load
    /// settled, when the children have answered.
    pub fn refused_throttling(&self) -> Vec<String> {
        let Ok(mut checks) = self.checks.lock() else {
            return Vec::new();
        };
        checks
            .drain(..)
            .filter_map(|mut check| match check.reply.try_recv() {
                Ok(Err(error)) => Some(format!(
                    "{}: {} not applied ({error})",
                    check.child, check.what
                )),
                _ => None,
            })
            .collect()
    }

    /// What each recorded child still attached ran during the load (its
    /// CPU profile and coverage, [`super::child_costs`]), by target id, by
    /// `deadline`.
    pub async fn take_costs(&self, deadline: Instant) -> Vec<(String, super::child_costs::Costs)> {
        let sessions: Vec<(String, String)> = self
            .sessions
            .lock()
            .map(|s| s.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        let conn = &self.conn;
        futures::stream::iter(sessions)
            .map(|(session, target)| async move {
                let costs = super::child_costs::take(conn, &session, deadline).await;
                (target, costs)
            })
            .buffer_unordered(4)
            .collect()
            .await
    }
}

impl Conn {
    /// Sends a command (on `session`, or to the browser), not waiting; its id.
    pub(super) fn send(&self, session: Option<&str>, method: &str, params: Value) -> u64 {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = Value::String(session.to_string());
        }
        let _ = self.out.send(Message::text(message.to_string()));
        id
    }

    /// Sends a command; its reply comes on the receiver.
    fn send_for_reply(
        &self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> oneshot::Receiver<Result<Value, String>> {
        let (tx, rx) = oneshot::channel();
        // The lock is held while sending: the reply cannot be read first.
        if let Ok(mut replies) = self.replies.lock() {
            let id = self.send(session, method, params);
            replies.insert(id, tx);
        }
        rx
    }

    /// Sends a command and waits for its result until `deadline`.
    pub(super) async fn call(
        &self,
        session: Option<&str>,
        method: &str,
        params: Value,
        deadline: Instant,
    ) -> Result<Value, String> {
        let rx = self.send_for_reply(session, method, params);
        match tokio::time::timeout_at(deadline, rx).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err("the connection closed".into()),
            Err(_) => Err(format!("no answer to {method}")),
        }
    }

    fn reply(&self, message: &Value) {
        let Some(id) = message.get("id").and_then(Value::as_u64) else {
            return;
        };
        let Some(tx) = self.replies.lock().ok().and_then(|mut r| r.remove(&id)) else {
            return;
        };
        let result = match message.get("error") {
            Some(error) => Err(error
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("error")
                .to_string()),
            None => Ok(message.get("result").cloned().unwrap_or(Value::Null)),
        };
        let _ = tx.send(result);
    }
}

/// Connects to the browser at `ws`, attaches to the page `target_id` and
/// asks for its children, paused, by `deadline`; from then on their events
/// go into `state`. Must be called before the navigation.
pub async fn attach(
    ws: &str,
    target_id: &str,
    state: &Shared,
    notify: &Arc<Notify>,
    setup: ChildSetup,
    deadline: Instant,
) -> Result<ChildRecorder, String> {
    let config = WebSocketConfig::default()
        .max_message_size(None)
        .max_frame_size(None);
    let connect = async_tungstenite::tokio::connect_async_with_config(ws, Some(config));
    let (socket, _) = tokio::time::timeout_at(deadline, connect)
        .await
        .map_err(|_| "no answer from the browser's DevTools socket".to_string())?
        .map_err(|e| format!("could not connect to the browser's DevTools socket: {e}"))?;
    let (mut sink, mut stream) = socket.split();
    let (out, mut outgoing) = mpsc::unbounded_channel::<Message>();
    let writer = tokio::spawn(async move {
        while let Some(message) = outgoing.recv().await {
            if sink.send(message).await.is_err() {
                break;
            }
        }
    });
    let conn = Arc::new(Conn {
        out,
        next: AtomicU64::new(1),
        replies: Mutex::new(HashMap::new()),
    });
    let sessions: Sessions = Arc::default();
    let checks: Checks = Arc::default();
    let reader = {
        let (conn, state, notify) = (conn.clone(), state.clone(), notify.clone());
        let (sessions, checks) = (sessions.clone(), checks.clone());
        tokio::spawn(async move {
            while let Some(Ok(message)) = stream.next().await {
                let Message::Text(text) = message else {
                    continue;
                };
                let Ok(value) = serde_json::from_str::<Value>(text.as_str()) else {
                    continue;
                };
                if value.get("id").is_some() {
                    conn.reply(&value);
                    continue;
                }
                let changed = match sessions.lock() {
                    Ok(mut children) => {
                        let child = Child {
                            conn: &conn,
                            setup: &setup,
                            checks: &checks,
                        };
                        on_event(&child, &state, &mut children, &value)
                    }
                    Err(_) => false,
                };
                if changed {
                    notify.notify_waiters();
                }
            }
        })
    };
    let recorder = ChildRecorder {
        reader,
        writer,
        conn: conn.clone(),
        sessions,
        checks,
    };
    let attached = conn
        .call(
            None,
            "Target.attachToTarget",
            json!({ "targetId": target_id, "flatten": true }),
            deadline,
        )
        .await?;
    let session = attached
        .get("sessionId")
        .and_then(Value::as_str)
        .ok_or("Target.attachToTarget gave no session")?
        .to_string();
    conn.call(
        Some(&session),
        "Target.setAutoAttach",
        auto_attach(),
        deadline,
    )
    .await?;
    Ok(recorder)
}

/// Attach to every child, paused until resumed, on flattened sessions.
fn auto_attach() -> Value {
    json!({ "autoAttach": true, "waitForDebuggerOnStart": true, "flatten": true })
}

/// Whether a target type is recorded: iframes and workers (not worklets,
/// whose requests are few and whose domains differ).
fn recorded_kind(kind: &str) -> bool {
    matches!(
        kind,
        "iframe" | "worker" | "shared_worker" | "service_worker"
    )
}

/// What a new child is set up with: the connection, what it is given,
/// where the throttling's answers go.
struct Child<'a> {
    conn: &'a Conn,
    setup: &'a ChildSetup,
    checks: &'a Checks,
}

impl Child<'_> {
    /// Sends the page's throttling to the child on `session` (`kind` at
    /// `url`) when it is an iframe (workers take none: see the module's
    /// notes and `ChildTarget::cpu_slowed`), its answers kept to be checked.
    fn throttle(&self, session: &str, kind: &str, url: &str) {
        if kind != "iframe" {
            return;
        }
        let mut sent = Vec::new();
        if let Some(net) = &self.setup.network {
            let params = serde_json::to_value(super::run::network_conditions(net));
            #[allow(deprecated)]
            let method = EmulateNetworkConditionsParams::IDENTIFIER;
            let reply = self
                .conn
                .send_for_reply(Some(session), method, params.unwrap_or_default());
            sent.push(("network throttling", reply));
        }
        if self.setup.cpu_slowdown > 1.0 {
            let params =
                serde_json::to_value(SetCpuThrottlingRateParams::new(self.setup.cpu_slowdown));
            let method = SetCpuThrottlingRateParams::IDENTIFIER;
            let reply = self
                .conn
                .send_for_reply(Some(session), method, params.unwrap_or_default());
            sent.push(("CPU slowdown", reply));
        }
        if let Ok(mut checks) = self.checks.lock() {
            for (what, reply) in sent {
                checks.push(Check {
                    child: format!("{kind} {url}"),
                    what,
                    reply,
                });
            }
        }
    }
}

/// Handles one event of the connection; whether the collector changed.
/// `children`: child session id → its target id.
fn on_event(
    child: &Child<'_>,
    state: &Shared,
    children: &mut HashMap<String, String>,
    value: &Value,
) -> bool {
    let conn = child.conn;
    let method = value.get("method").and_then(Value::as_str).unwrap_or("");
    let params = value.get("params").cloned().unwrap_or(Value::Null);
    if method == "Target.attachedToTarget" {
        let session = params["sessionId"].as_str().unwrap_or("").to_string();
        let info = &params["targetInfo"];
        let id = info["targetId"].as_str().unwrap_or("").to_string();
        let kind = info["type"].as_str().unwrap_or("").to_string();
        let url = info["url"].as_str().unwrap_or("").to_string();
        let recorded = recorded_kind(&kind) && children.len() < MAX_RECORDED;
        if recorded {
            // In order on the child's session: all of these before it runs.
            conn.send(Some(&session), "Network.enable", json!({}));
            child.throttle(&session, &kind, &url);
            conn.send(Some(&session), "Runtime.enable", json!({}));
            conn.send(Some(&session), "Target.setAutoAttach", auto_attach());
            if let Some(granularity) = child.setup.costs {
                super::child_costs::start(conn, &session, granularity);
            }
            children.insert(session.clone(), id.clone());
        }
        if params["waitingForDebugger"].as_bool().unwrap_or(false) {
            conn.send(Some(&session), "Runtime.runIfWaitingForDebugger", json!({}));
        }
        if recorded {
            with(state, |c| c.child_recorded(&id, &kind, &url));
        }
        return recorded;
    }
    let Some(target) = value
        .get("sessionId")
        .and_then(Value::as_str)
        .and_then(|s| children.get(s))
    else {
        return false;
    };
    let of = ChildOf(target);
    fn parse<T: serde::de::DeserializeOwned>(params: Value) -> Option<T> {
        serde_json::from_value(params).ok()
    }
    match method {
        "Network.requestWillBeSent" => parse::<EventRequestWillBeSent>(params)
            .and_then(|e| with(state, |c| c.child_request_will_be_sent(of, &e))),
        "Network.responseReceived" => parse::<EventResponseReceived>(params)
            .and_then(|e| with(state, |c| c.response_received(&e))),
        "Network.dataReceived" => {
            parse::<EventDataReceived>(params).and_then(|e| with(state, |c| c.data_received(&e)))
        }
        "Network.loadingFinished" => parse::<EventLoadingFinished>(params)
            .and_then(|e| with(state, |c| c.loading_finished(&e))),
        "Network.loadingFailed" => {
            parse::<EventLoadingFailed>(params).and_then(|e| with(state, |c| c.loading_failed(&e)))
        }
        "Runtime.consoleAPICalled" => parse::<EventConsoleApiCalled>(params).and_then(|e| {
            let error = super::run::console_api_error(&e)?;
            with(state, |c| c.child_console_error(of, error))
        }),
        "Runtime.exceptionThrown" => parse::<EventExceptionThrown>(params).and_then(|e| {
            let error = super::run::exception_error(&e);
            with(state, |c| c.child_console_error(of, error))
        }),
        _ => None,
    }
    .is_some()
}

fn with<R>(state: &Shared, f: impl FnOnce(&mut Collector) -> R) -> Option<R> {
    state.lock().ok().map(|mut c| f(&mut c))
}
