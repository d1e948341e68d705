//! Shared state the event listeners of one run write into.

use std::collections::{BTreeMap, HashMap, HashSet};

use chromiumoxide::cdp::browser_protocol::network::{
    EventDataReceived, EventLoadingFailed, EventLoadingFinished, EventRequestWillBeSent,
    EventResponseReceived, Response,
};
use model::Diagnostic;
use model::vitals::ConsoleError;
use tokio::time::Instant;

use super::artifacts::{NetworkRecord, TraceEvent};

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
    /// Last event seen per request id.
    pub request_activity: HashMap<String, Instant>,
    pub last_network_activity: Instant,
    pub trace: Vec<TraceEvent>,
    pub trace_complete: bool,
    pub console_errors: Vec<ConsoleError>,
    pub diagnostics: Vec<Diagnostic>,
    pub loaded: bool,
    pub crashed: bool,
    pub main_frame_url: Option<String>,
    redirects: usize,
}

impl Collector {
    pub fn new() -> Collector {
        Collector {
            network: HashMap::new(),
            finished_hops: Vec::new(),
            inflight: HashSet::new(),
            request_activity: HashMap::new(),
            last_network_activity: Instant::now(),
            trace: Vec::new(),
            trace_complete: false,
            console_errors: Vec::new(),
            diagnostics: Vec::new(),
            loaded: false,
            crashed: false,
            main_frame_url: None,
            redirects: 0,
        }
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
        self.inflight
            .iter()
            .filter(|id| {
                let answered = self.network.get(*id).is_some_and(|r| r.status.is_some());
                let recent = self
                    .request_activity
                    .get(*id)
                    .is_some_and(|t| t.elapsed() < idle);
                !answered || recent
            })
            .count()
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
            if !keep {
                continue;
            }
            if let Ok(event) = serde_json::from_value::<TraceEvent>(value.clone()) {
                self.trace.push(event);
            }
        }
    }

    pub fn request_will_be_sent(&mut self, ev: &EventRequestWillBeSent) {
        let id = ev.request_id.inner().clone();
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
            ..NetworkRecord::default()
        };
        self.network.insert(id.clone(), record);
        self.touch(&id);
        self.inflight.insert(id);
    }

    pub fn response_received(&mut self, ev: &EventResponseReceived) {
        if let Some(record) = self.network.get_mut(ev.request_id.inner()) {
            apply_response(record, &ev.response);
        }
        self.touch(ev.request_id.inner());
    }

    pub fn data_received(&mut self, ev: &EventDataReceived) {
        if let Some(record) = self.network.get_mut(ev.request_id.inner()) {
            record.decoded_bytes += u64::try_from(ev.data_length).unwrap_or(0);
        }
        self.touch(ev.request_id.inner());
    }

    pub fn loading_finished(&mut self, ev: &EventLoadingFinished) {
        let id = ev.request_id.inner();
        if let Some(record) = self.network.get_mut(id) {
            record.end_s = Some(*ev.timestamp.inner());
            record.finished = true;
            if ev.encoded_data_length >= 0.0 {
                record.transfer_bytes = ev.encoded_data_length as u64;
            }
        }
        self.inflight.remove(id);
        self.touch(id);
    }

    pub fn loading_failed(&mut self, ev: &EventLoadingFailed) {
        let id = ev.request_id.inner();
        if let Some(record) = self.network.get_mut(id) {
            record.end_s = Some(*ev.timestamp.inner());
            record.failed = Some(if ev.canceled == Some(true) {
                format!("{} (canceled)", ev.error_text)
            } else {
                ev.error_text.clone()
            });
        }
        self.inflight.remove(id);
        self.touch(id);
    }

    /// The network log, by start time then URL.
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
    if response.encoded_data_length >= 0.0 {
        record.transfer_bytes = response.encoded_data_length as u64;
    }
}
