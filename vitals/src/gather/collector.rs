//! Shared state the event listeners of one run write into.

use std::collections::{BTreeMap, HashMap, HashSet};

use chromiumoxide::cdp::browser_protocol::network::{
    EventDataReceived, EventLoadingFailed, EventLoadingFinished, EventRequestWillBeSent,
    EventResourceChangedPriority, EventResponseReceived, Response,
};
use model::Diagnostic;
use model::vitals::ConsoleError;
use tokio::time::Instant;

use super::artifacts::{ChildTarget, NetworkRecord, TraceEvent};
use super::critical::CriticalRequests;
use super::navigation::MainFrameDocuments;

/// Trace events with these names are kept (the others are dropped at once).
const KEPT_EVENTS: &[&str] = &[
    "TracingStartedInBrowser",
    "thread_name",
    "process_name",
    "navigationStart",
    "firstContentfulPaint",
    "largestContentfulPaint::Candidate",
    "largestContentfulPaint::Invalidate",
    "LayoutShift",
    "domContentLoadedEventEnd",
    "loadEventEnd",
    "UpdateCounters",
    "TimeStamp",
    "ResourceSendRequest",
];

/// Tasks and script events are kept when at least this long (µs): long-task
/// detection needs ≥ 50 ms, attribution needs the scripts inside them.
const KEPT_TASK_US: f64 = 10_000.0;
const KEPT_SCRIPT_US: f64 = 5_000.0;

/// Everything the listeners of one run gathered.
#[derive(Debug)]
pub struct Collector {
    pub network: HashMap<String, NetworkRecord>,
    pub finished_hops: Vec<NetworkRecord>,
    pub inflight: HashSet<String>,
    /// Which requests are critical (Lighthouse's network-critical-idle).
    pub critical: CriticalRequests,
    /// Last event seen per request id.
    pub request_activity: HashMap<String, Instant>,
    pub last_network_activity: Instant,
    pub trace: Vec<TraceEvent>,
    /// The events main-thread tasks are built from (boot-up time).
    pub task_events: Vec<TraceEvent>,
    pub trace_complete: bool,
    pub console_errors: Vec<ConsoleError>,
    pub diagnostics: Vec<Diagnostic>,
    pub loaded: bool,
    pub crashed: bool,
    pub main_frame_url: Option<String>,
    /// Every document the main frame committed: whether the page navigated away.
    pub main_frame_documents: MainFrameDocuments,
    /// Workers and out-of-process iframes attached on the page's session:
    /// (target id, target type, URL).
    pub children: Vec<(String, String, String)>,
    /// The children recorded through their own sessions
    /// ([`super::children`]), in the order they were attached.
    pub recorded: Vec<ChildTarget>,
    /// Console errors not kept, per source (the page's).
    console_dropped: BTreeMap<String, u64>,
    /// Console errors of the children not kept, per child and source.
    child_console_dropped: BTreeMap<(String, String), u64>,
    /// The last document requested for each frame id: an out-of-process
    /// iframe is attached before its URL is known, and its target id is
    /// its frame's id.
    frame_documents: HashMap<String, String>,
    redirects: usize,
    /// Events that arrived before their request's `requestWillBeSent`: each
    /// event type has its own stream, so their order across types is not
    /// guaranteed. They are applied when the request shows up, which makes
    /// the log the same whatever the order.
    early: HashMap<String, Early>,
}

/// What arrived for a request before the request itself.
#[derive(Debug, Default)]
struct Early {
    response: Option<Box<Response>>,
    decoded_bytes: u64,
    finished: Option<(f64, f64)>,
    failed: Option<(f64, String)>,
}

impl Collector {
    pub fn new() -> Collector {
        Collector {
            network: HashMap::new(),
            finished_hops: Vec::new(),
            inflight: HashSet::new(),
            critical: CriticalRequests::default(),
            request_activity: HashMap::new(),
            last_network_activity: Instant::now(),
            trace: Vec::new(),
            task_events: Vec::new(),
            trace_complete: false,
            children: Vec::new(),
            recorded: Vec::new(),
            console_dropped: Default::default(),
            child_console_dropped: Default::default(),
            frame_documents: HashMap::new(),
            console_errors: Vec::new(),
            diagnostics: Vec::new(),
            loaded: false,
            crashed: false,
            main_frame_url: None,
            main_frame_documents: MainFrameDocuments::default(),
            redirects: 0,
            early: HashMap::new(),
        }
    }

    /// The main frame committed a document (CDP `Page.frameNavigated`).
    pub fn main_frame_navigated(&mut self, url: &str, unreachable_url: Option<&str>) {
        self.main_frame_url = Some(url.to_string());
        self.main_frame_documents.committed(url, unreachable_url);
    }

    fn touch(&mut self, id: &str) {
        let now = Instant::now();
        self.request_activity.insert(id.to_string(), now);
        self.last_network_activity = now;
    }

    /// Requests still loading: unfinished ones that either await their
    /// response or saw an event within `idle`. A response whose body the page
    /// never reads (`fetch` without `.json()`) never finishes; once idle it no
    /// longer holds the run open.
    pub fn busy_requests(&self, idle: std::time::Duration) -> usize {
        self.busy(idle).count()
    }

    /// Busy requests (see [`Self::busy_requests`]) that are critical: of
    /// the main frame, `High` or `VeryHigh` priority, not a WebSocket or an
    /// EventSource. A load is quiet only when there is none.
    pub fn busy_critical_requests(&self, idle: std::time::Duration) -> usize {
        self.busy(idle)
            .filter(|id| self.critical.is_critical(id))
            .count()
    }

    fn busy(&self, idle: std::time::Duration) -> impl Iterator<Item = &String> {
        self.inflight.iter().filter(move |id| {
            let answered = self.network.get(*id).is_some_and(|r| r.status.is_some());
            let recent = self
                .request_activity
                .get(*id)
                .is_some_and(|t| t.elapsed() < idle);
            !answered || recent
        })
    }

    pub fn trace_chunk(&mut self, values: &[serde_json::Value]) {
        for value in values {
            let name = value.get("name").and_then(|n| n.as_str()).unwrap_or("");
            let dur = value.get("dur").and_then(|d| d.as_f64()).unwrap_or(0.0);
            let keep = KEPT_EVENTS.contains(&name)
                || ((name == "RunTask" || name == "ThreadControllerImpl::RunTask")
                    && dur >= KEPT_TASK_US)
                || (matches!(
                    name,
                    "FunctionCall"
                        | "EvaluateScript"
                        | "v8.compile"
                        | "v8.evaluateModule"
                        | "TimerFire"
                ) && dur >= KEPT_SCRIPT_US);
            let ph = value.get("ph").and_then(|p| p.as_str()).unwrap_or("");
            if crate::metrics::tasks::is_task_event(name, ph)
                && let Some(event) = task_event(value)
            {
                self.task_events.push(event);
            }
            if !keep {
                continue;
            }
            if let Ok(event) = serde_json::from_value::<TraceEvent>(value.clone()) {
                self.trace.push(event);
            }
        }
    }

    /// A request of the page (`Network.requestWillBeSent` on its session).
    pub fn request_will_be_sent(&mut self, ev: &EventRequestWillBeSent) {
        self.sent(ev, None);
    }

    /// A request on a recorded child's session. One the page's session
    /// already logged (a worker's script, an iframe's document: the same
    /// request id) stays the page's; the child's events only complete it.
    pub fn child_request_will_be_sent(&mut self, of: ChildOf<'_>, ev: &EventRequestWillBeSent) {
        let known = self.network.contains_key(ev.request_id.inner());
        if known && ev.redirect_response.is_none() {
            self.touch(ev.request_id.inner());
            return;
        }
        if known
            && self
                .network
                .get(ev.request_id.inner())
                .is_some_and(|r| r.target.is_none())
        {
            // A redirect of a request the page logged: it stays the page's.
            self.sent(ev, None);
            return;
        }
        self.sent(ev, Some(of.0));
    }

    fn sent(&mut self, ev: &EventRequestWillBeSent, target: Option<&str>) {
        let id = ev.request_id.inner().clone();
        // The two connections' events come in any order: a request a child
        // logged first that the page logs too is the page's.
        if target.is_none()
            && ev.redirect_response.is_none()
            && let Some(record) = self.network.get_mut(&id)
            && record.target.is_some()
        {
            record.target = None;
            self.touch(&id);
            return;
        }
        let ts = *ev.timestamp.inner();
        if let Some(redirect) = &ev.redirect_response
            && let Some(mut hop) = self.network.remove(&id)
        {
            apply_response(&mut hop, redirect);
            hop.end_s = Some(ts);
            hop.finished = true;
            self.redirects += 1;
            hop.request_id = format!("{id}:redirect{}", self.redirects);
            self.finished_hops.push(hop);
        }
        let initiator_url = ev.initiator.url.clone().or_else(|| {
            ev.initiator
                .stack
                .as_ref()
                .and_then(|s| s.call_frames.first())
                .map(|f| f.url.clone())
        });
        let record = NetworkRecord {
            request_id: id.clone(),
            url: ev.request.url.clone(),
            method: ev.request.method.clone(),
            resource_type: ev
                .r#type
                .as_ref()
                .map(|t| t.as_ref().to_string())
                .unwrap_or_else(|| "Other".into()),
            initiator_url: initiator_url.filter(|u| !u.is_empty()),
            start_s: ts,
            render_blocking: matches!(
                ev.render_blocking_behavior,
                Some(
                    chromiumoxide::cdp::browser_protocol::network::RenderBlockingBehavior::Blocking
                        | chromiumoxide::cdp::browser_protocol::network::RenderBlockingBehavior::InBodyParserBlocking
                )
            ),
            target: target.map(str::to_string),
            ..NetworkRecord::default()
        };
        if let Some(frame) = &ev.frame_id
            && record.resource_type == "Document"
        {
            self.frame_documents
                .insert(frame.inner().clone(), record.url.clone());
        }
        // Only the page's own requests can be critical (Lighthouse: of the
        // main frame); the children's count in the 2-quiet rule.
        if target.is_none() {
            self.critical.sent(
                &id,
                ev.frame_id.as_ref().map(|f| f.inner().as_str()),
                &record.resource_type,
                ev.request.initial_priority.as_ref(),
            );
        }
        let mut record = record;
        let mut ended = false;
        if let Some(early) = self.early.remove(&id) {
            if let Some(response) = &early.response {
                apply_response(&mut record, response);
            }
            record.decoded_bytes += early.decoded_bytes;
            if let Some((ts, encoded)) = early.finished {
                finish(&mut record, ts, encoded);
                ended = true;
            }
            if let Some((ts, text)) = early.failed {
                record.end_s = Some(ts);
                record.failed = Some(text);
                ended = true;
            }
        }
        // The script of a worker already attached (the attach came first).
        if !ended
            && target.is_none()
            && let Some((_, kind, _)) = self
                .children
                .iter()
                .find(|(_, kind, url)| is_worker(kind) && *url == record.url)
        {
            record.handed_to = Some(kind.clone());
            ended = true;
        }
        self.network.insert(id.clone(), record);
        self.touch(&id);
        if !ended {
            self.inflight.insert(id);
        }
    }

    pub fn priority_changed(&mut self, ev: &EventResourceChangedPriority) {
        self.critical
            .priority_changed(ev.request_id.inner(), ev.new_priority.as_ref());
    }

    pub fn response_received(&mut self, ev: &EventResponseReceived) {
        let id = ev.request_id.inner();
        match self.network.get_mut(id) {
            Some(record) => apply_response(record, &ev.response),
            None => {
                self.early.entry(id.clone()).or_default().response =
                    Some(Box::new(ev.response.clone()));
            }
        }
        self.touch(id);
    }

    pub fn data_received(&mut self, ev: &EventDataReceived) {
        let id = ev.request_id.inner();
        let bytes = u64::try_from(ev.data_length).unwrap_or(0);
        match self.network.get_mut(id) {
            Some(record) => record.decoded_bytes += bytes,
            None => self.early.entry(id.clone()).or_default().decoded_bytes += bytes,
        }
        self.touch(id);
    }

    pub fn loading_finished(&mut self, ev: &EventLoadingFinished) {
        let id = ev.request_id.inner();
        let ts = *ev.timestamp.inner();
        match self.network.get_mut(id) {
            Some(record) => finish(record, ts, ev.encoded_data_length),
            None => {
                self.early.entry(id.clone()).or_default().finished =
                    Some((ts, ev.encoded_data_length))
            }
        }
        self.inflight.remove(id);
        self.touch(id);
    }

    pub fn loading_failed(&mut self, ev: &EventLoadingFailed) {
        let id = ev.request_id.inner();
        let ts = *ev.timestamp.inner();
        let text = if ev.canceled == Some(true) {
            format!("{} (canceled)", ev.error_text)
        } else {
            ev.error_text.clone()
        };
        match self.network.get_mut(id) {
            Some(record) => {
                record.end_s = Some(ts);
                record.failed = Some(text);
            }
            None => self.early.entry(id.clone()).or_default().failed = Some((ts, text)),
        }
        self.inflight.remove(id);
        self.touch(id);
    }

    /// The network log, by start time then URL.
    /// Records a console error or exception: the first
    /// [`MAX_CONSOLE_PER_SOURCE`] of each source, each message cut to
    /// [`MAX_CONSOLE_CHARS`]; the rest are counted.
    pub fn console_error(&mut self, error: ConsoleError) {
        if let Some(dropped) = keep_console(&mut self.console_errors, error) {
            *self.console_dropped.entry(dropped).or_default() += 1;
        }
    }

    /// A console error or exception of a recorded child, kept as the
    /// page's are (the caps count per child).
    pub fn child_console_error(&mut self, of: ChildOf<'_>, error: ConsoleError) {
        let Some(child) = self.recorded.iter_mut().find(|c| c.id == of.0) else {
            return;
        };
        if let Some(dropped) = keep_console(&mut child.console_errors, error) {
            *self
                .child_console_dropped
                .entry((of.0.to_string(), dropped))
                .or_default() += 1;
        }
    }

    /// The console errors kept, then one line per source saying how many
    /// more there were.
    pub fn take_console_errors(&mut self) -> Vec<ConsoleError> {
        let mut out = std::mem::take(&mut self.console_errors);
        for (source, n) in std::mem::take(&mut self.console_dropped) {
            out.push(not_kept(source, n));
        }
        out
    }

    /// The recorded children, each with its console errors (and a line per
    /// source saying how many more there were); an iframe attached before
    /// its URL was known gets its document's.
    pub fn take_children(&mut self) -> Vec<ChildTarget> {
        let mut out = std::mem::take(&mut self.recorded);
        for child in &mut out {
            if child.url.is_empty()
                && let Some(url) = self.frame_documents.get(&child.id)
            {
                child.url = url.clone();
            }
        }
        for ((id, source), n) in std::mem::take(&mut self.child_console_dropped) {
            if let Some(child) = out.iter_mut().find(|c| c.id == id) {
                child.console_errors.push(not_kept(source, n));
            }
        }
        out
    }

    /// A child attached on the second connection ([`super::children`]):
    /// its requests and console are recorded from now on.
    pub fn child_recorded(&mut self, id: &str, kind: &str, url: &str) {
        if !self.recorded.iter().any(|c| c.id == id) {
            self.recorded.push(ChildTarget {
                id: id.to_string(),
                kind: kind.to_string(),
                url: url.to_string(),
                ..ChildTarget::default()
            });
        }
    }

    /// The children attached on the page's session that were not recorded
    /// through their own (the second connection failed, or was off).
    pub fn children_not_recorded(&self) -> Vec<(String, String)> {
        self.children
            .iter()
            .filter(|(id, _, _)| !self.recorded.iter().any(|c| c.id == *id))
            .map(|(_, kind, url)| (kind.clone(), url.clone()))
            .collect()
    }

    /// A worker or out-of-process iframe was attached on the page's
    /// session. A worker's script request starts on the page's session and
    /// finishes on the worker's own: it is handed over, not pending on the
    /// page (its end is recorded when the worker is, [`super::children`]).
    pub fn child_attached(&mut self, id: &str, kind: &str, url: &str) {
        self.children
            .push((id.to_string(), kind.to_string(), url.to_string()));
        if is_worker(kind) {
            let ids: Vec<String> = self
                .network
                .iter()
                .filter(|(_, r)| r.url == url && !r.finished && r.failed.is_none())
                .map(|(id, _)| id.clone())
                .collect();
            for id in ids {
                if let Some(r) = self.network.get_mut(&id) {
                    r.handed_to = Some(kind.to_string());
                }
                self.inflight.remove(&id);
            }
        }
    }

    pub fn network_log(&self) -> Vec<NetworkRecord> {
        let mut log: Vec<NetworkRecord> = self
            .finished_hops
            .iter()
            .chain(self.network.values())
            .cloned()
            .collect();
        log.sort_by(|a, b| {
            a.start_s
                .total_cmp(&b.start_s)
                .then_with(|| a.url.cmp(&b.url))
                .then_with(|| a.request_id.cmp(&b.request_id))
        });
        log
    }
}

/// Console errors kept per source (`console.error`, `exception`) and run.
pub const MAX_CONSOLE_PER_SOURCE: usize = 50;
/// A console message is cut to this many characters.
pub const MAX_CONSOLE_CHARS: usize = 2_000;

/// The target id of the recorded child an event came from.
#[derive(Debug, Clone, Copy)]
pub struct ChildOf<'a>(pub &'a str);

/// Keeps `error` in `list` (its message cut to [`MAX_CONSOLE_CHARS`])
/// unless [`MAX_CONSOLE_PER_SOURCE`] of its source are kept already; the
/// source of an error not kept.
fn keep_console(list: &mut Vec<ConsoleError>, mut error: ConsoleError) -> Option<String> {
    let kept = list.iter().filter(|e| e.source == error.source).count();
    if kept >= MAX_CONSOLE_PER_SOURCE {
        return Some(error.source);
    }
    if error.message.chars().count() > MAX_CONSOLE_CHARS {
        error.message = error
            .message
            .chars()
            .take(MAX_CONSOLE_CHARS)
            .collect::<String>()
            + "…";
    }
    list.push(error);
    None
}

/// The line that says how many console messages of `source` were not kept.
fn not_kept(source: String, n: u64) -> ConsoleError {
    ConsoleError {
        message: format!("… and {n} more {source} messages (not kept)"),
        source,
        url: None,
    }
}

/// Whether a CDP target type is a worker (dedicated, shared or service).
fn is_worker(kind: &str) -> bool {
    matches!(kind, "worker" | "shared_worker" | "service_worker")
}

/// The request finished: `encoded` (all bytes on the wire) is the final
/// transfer size, never lowered by a response event that comes after it.
fn finish(record: &mut NetworkRecord, ts: f64, encoded: f64) {
    record.end_s = Some(ts);
    record.finished = true;
    if encoded >= 0.0 {
        record.transfer_bytes = record.transfer_bytes.max(encoded as u64);
    }
}

fn apply_response(record: &mut NetworkRecord, response: &Response) {
    record.status = u16::try_from(response.status).ok();
    if !response.mime_type.is_empty() {
        record.mime_type = Some(response.mime_type.clone());
    }
    let mut headers = BTreeMap::new();
    if let Some(map) = response.headers.inner().as_object() {
        for (name, value) in map {
            let value = match value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            headers.insert(name.to_ascii_lowercase(), value);
        }
    }
    record.headers = headers;
    if let Some(timing) = &response.timing {
        let headers_ms = if timing.receive_headers_start > 0.0 {
            timing.receive_headers_start
        } else {
            timing.receive_headers_end
        };
        record.headers_s = Some(timing.request_time + headers_ms / 1000.0);
    }
    // The bytes received so far: a response that arrives after the request
    // finished must not lower the final size.
    if response.encoded_data_length >= 0.0 {
        record.headers_bytes = Some(response.encoded_data_length as u64);
        record.transfer_bytes = record
            .transfer_bytes
            .max(response.encoded_data_length as u64);
    }
}

/// A task event with its `args` cut to what the attribution reads.
fn task_event(value: &serde_json::Value) -> Option<TraceEvent> {
    let num = |key: &str| value.get(key).and_then(|v| v.as_f64());
    let text = |key: &str| {
        value
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    Some(TraceEvent {
        name: text("name"),
        cat: String::new(),
        ph: text("ph"),
        ts: num("ts")?,
        dur: num("dur"),
        pid: value.get("pid").and_then(|v| v.as_i64()).unwrap_or(0),
        tid: value.get("tid").and_then(|v| v.as_i64()).unwrap_or(0),
        args: value
            .get("args")
            .map(crate::metrics::tasks::trim_args)
            .unwrap_or(serde_json::Value::Null),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sent(id: &str, url: &str, ts: f64) -> EventRequestWillBeSent {
        serde_json::from_value(json!({
            "requestId": id, "loaderId": "L", "documentURL": "http://127.0.0.1/",
            "request": {"url": url, "method": "GET", "headers": {}, "initialPriority": "High",
                        "referrerPolicy": "no-referrer"},
            "timestamp": ts, "wallTime": ts, "initiator": {"type": "parser"},
            "redirectHasExtraInfo": false, "type": "Script"
        }))
        .expect("requestWillBeSent")
    }

    fn response(id: &str, encoded: f64) -> EventResponseReceived {
        serde_json::from_value(json!({
            "requestId": id, "loaderId": "L", "timestamp": 1.1, "type": "Script",
            "response": {"url": "http://127.0.0.1/a.js", "status": 200, "statusText": "OK",
                         "headers": {"content-type": "text/javascript"}, "mimeType": "text/javascript",
                         "charset": "", "connectionReused": false, "connectionId": 1.0,
                         "encodedDataLength": encoded, "securityState": "neutral"},
            "hasExtraInfo": false
        }))
        .expect("responseReceived")
    }

    fn finished(id: &str, encoded: f64) -> EventLoadingFinished {
        serde_json::from_value(
            json!({"requestId": id, "timestamp": 1.2, "encodedDataLength": encoded}),
        )
        .expect("loadingFinished")
    }

    fn failed(id: &str) -> EventLoadingFailed {
        serde_json::from_value(json!({"requestId": id, "timestamp": 1.2, "type": "Font",
                                       "errorText": "net::ERR_FAILED"}))
        .expect("loadingFailed")
    }

    #[test]
    fn a_worker_script_is_handed_over_whichever_comes_first() {
        let url = "http://127.0.0.1/worker.js";
        let mut request_first = Collector::new();
        request_first.request_will_be_sent(&sent("w", url, 1.0));
        request_first.child_attached("W", "worker", url);
        let mut attach_first = Collector::new();
        attach_first.child_attached("W", "worker", url);
        attach_first.request_will_be_sent(&sent("w", url, 1.0));
        for c in [&request_first, &attach_first] {
            assert!(
                c.inflight.is_empty(),
                "the worker's script is not in flight"
            );
            let log = c.network_log();
            assert_eq!(log[0].handed_to.as_deref(), Some("worker"));
            assert!(crate::metrics::network::pending(&log).is_empty());
        }
        // An iframe's document is not handed over; another script is not either.
        let mut c = Collector::new();
        c.child_attached("F", "iframe", "");
        c.request_will_be_sent(&sent("s", "http://127.0.0.1/other.js", 1.0));
        assert_eq!(crate::metrics::network::pending(&c.network_log()).len(), 1);
    }

    fn sent_in_frame(id: &str, url: &str, kind: &str, frame: &str) -> EventRequestWillBeSent {
        let mut ev = sent(id, url, 1.0);
        ev.r#type = Some(serde_json::from_value(json!(kind)).expect("resource type"));
        ev.frame_id = Some(frame.to_string().into());
        ev
    }

    #[test]
    fn a_childs_requests_are_its_own_and_the_page_keeps_what_it_requested() {
        let worker_script = "http://127.0.0.1/search-worker.js";
        for page_first in [true, false] {
            let mut c = Collector::new();
            c.child_attached("W", "worker", worker_script);
            c.child_recorded("W", "worker", worker_script);
            // The worker's script: requested by the page, ended on the worker's session.
            if page_first {
                c.request_will_be_sent(&sent("s", worker_script, 1.0));
                c.child_request_will_be_sent(ChildOf("W"), &sent("s", worker_script, 1.0));
            } else {
                c.child_request_will_be_sent(ChildOf("W"), &sent("s", worker_script, 1.0));
                c.request_will_be_sent(&sent("s", worker_script, 1.0));
            }
            c.loading_finished(&finished("s", 193.0));
            // The worker's own fetch.
            c.child_request_will_be_sent(
                ChildOf("W"),
                &sent("f", "http://127.0.0.1/search-index.json", 1.1),
            );
            c.response_received(&response("f", 120.0));
            c.loading_finished(&finished("f", 550.0));
            let log = c.network_log();
            assert_eq!(log.len(), 2, "one record per request: {log:?}");
            let script = log.iter().find(|r| r.request_id == "s").expect("script");
            assert_eq!(
                script.target, None,
                "the page requested the worker's script"
            );
            assert!(script.finished);
            assert_eq!(script.transfer_bytes, 193);
            let fetch = log.iter().find(|r| r.request_id == "f").expect("fetch");
            assert_eq!(fetch.target.as_deref(), Some("W"));
            assert_eq!(fetch.transfer_bytes, 550);
            assert!(c.inflight.is_empty());
            assert!(c.children_not_recorded().is_empty());
        }
    }

    #[test]
    fn a_childs_requests_are_never_critical() {
        let mut c = Collector::new();
        c.request_will_be_sent(&sent_in_frame("d", "http://127.0.0.1/", "Document", "MAIN"));
        c.child_recorded("F", "iframe", "");
        // A child's request that names the main frame (as some do) is still not critical.
        c.child_request_will_be_sent(
            ChildOf("F"),
            &sent_in_frame("x", "http://localhost/pay.js", "Script", "MAIN"),
        );
        assert_eq!(
            c.busy_critical_requests(std::time::Duration::from_secs(9)),
            1
        );
        assert_eq!(c.busy_requests(std::time::Duration::from_secs(9)), 2);
    }

    #[test]
    fn an_iframe_is_named_by_its_document_and_its_console_is_its_own() {
        let mut c = Collector::new();
        c.child_attached("F", "iframe", "");
        c.child_attached("G", "iframe", "");
        c.child_recorded("F", "iframe", "");
        // The frame's document is requested by the page, in the frame F.
        c.request_will_be_sent(&sent_in_frame(
            "doc",
            "http://localhost/pay/frame.html",
            "Document",
            "F",
        ));
        let error = |n: usize| ConsoleError {
            source: "exception".into(),
            message: format!("TypeError {n}"),
            url: None,
        };
        for n in 0..MAX_CONSOLE_PER_SOURCE + 3 {
            c.child_console_error(ChildOf("F"), error(n));
        }
        // Unknown children are ignored; the page's own list is untouched.
        c.child_console_error(ChildOf("nobody"), error(0));
        c.console_error(error(99));
        assert_eq!(
            c.children_not_recorded(),
            vec![("iframe".to_string(), String::new())],
            "G was not recorded"
        );
        let children = c.take_children();
        assert_eq!(children.len(), 1);
        assert_eq!(children[0].url, "http://localhost/pay/frame.html");
        let console = &children[0].console_errors;
        assert_eq!(console.len(), MAX_CONSOLE_PER_SOURCE + 1);
        assert_eq!(
            console.last().map(|e| e.message.as_str()),
            Some("… and 3 more exception messages (not kept)")
        );
        assert_eq!(c.take_console_errors(), vec![error(99)]);
    }

    #[test]
    fn the_log_is_the_same_whatever_order_the_event_types_arrive_in() {
        // In order.
        let mut a = Collector::new();
        a.request_will_be_sent(&sent("1", "http://127.0.0.1/a.js", 1.0));
        a.response_received(&response("1", 291.0));
        a.loading_finished(&finished("1", 913.0));
        a.request_will_be_sent(&sent("2", "http://127.0.0.1/font.woff2", 1.0));
        a.loading_failed(&failed("2"));
        // Finished before its response, failed before its request.
        let mut b = Collector::new();
        b.loading_failed(&failed("2"));
        b.request_will_be_sent(&sent("1", "http://127.0.0.1/a.js", 1.0));
        b.loading_finished(&finished("1", 913.0));
        b.response_received(&response("1", 291.0));
        b.request_will_be_sent(&sent("2", "http://127.0.0.1/font.woff2", 1.0));
        for c in [&a, &b] {
            assert!(c.inflight.is_empty(), "nothing left in flight");
            let log = c.network_log();
            let script = log.iter().find(|r| r.request_id == "1").expect("script");
            assert_eq!(
                script.transfer_bytes, 913,
                "the final size, not the headers'"
            );
            assert!(script.finished);
            assert_eq!(script.status, Some(200));
            let font = log.iter().find(|r| r.request_id == "2").expect("font");
            assert_eq!(font.failed.as_deref(), Some("net::ERR_FAILED"));
        }
    }
}
