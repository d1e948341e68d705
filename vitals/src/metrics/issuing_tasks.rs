//! Which main-thread task issued each of the page's requests: the trace's
//! `ResourceSendRequest` (same request id as the network log) placed in the
//! outermost top-level task of the page's main thread around it.
//!
//! A script can only wait for a response in a task that began after the
//! response arrived (a `then` callback, the code after an `await`): two
//! requests of one task never wait for each other, however far apart a busy
//! machine spreads their sending.

use std::collections::HashMap;

use crate::gather::artifacts::{RunArtifacts, TraceEvent};
use crate::metrics::tasks::is_top_level;
use crate::metrics::trace::PageTrace;

/// The start of the task that issued each request the page's main thread
/// sent, by request id. Empty when the run has no such trace events
/// (artifacts saved before they were kept) and for the requests of workers
/// and out-of-process iframes, whose threads are not the page's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IssuingTasks {
    start_s: HashMap<String, f64>,
}

impl IssuingTasks {
    /// The tasks of a run's page-side requests, from its trace.
    pub fn of(run: &RunArtifacts) -> IssuingTasks {
        match PageTrace::find(&run.trace_events) {
            Some(page) => IssuingTasks::on_thread(&run.trace_events, &run.task_events, &page),
            None => IssuingTasks::default(),
        }
    }

    /// The join itself, on the page's renderer main thread.
    fn on_thread(sends: &[TraceEvent], tasks: &[TraceEvent], page: &PageTrace<'_>) -> Self {
        let on_page = |e: &&TraceEvent| e.pid == page.pid && e.tid == page.tid;
        let outermost = outermost_tasks(tasks.iter().filter(on_page));
        let start_s = sends
            .iter()
            .filter(on_page)
            .filter(|e| e.name == "ResourceSendRequest")
            .filter_map(|e| {
                let id = e.args.get("data")?.get("requestId")?.as_str()?;
                let task = task_around(&outermost, e.ts)?;
                Some((id.to_string(), task / 1e6))
            })
            .collect();
        IssuingTasks { start_s }
    }

    /// When the task that issued `request_id` began (trace clock, seconds).
    pub fn start_s(&self, request_id: &str) -> Option<f64> {
        self.start_s.get(request_id).copied()
    }
}

/// Known task starts (seconds) by request id: recorded data in tests.
impl FromIterator<(String, f64)> for IssuingTasks {
    fn from_iter<I: IntoIterator<Item = (String, f64)>>(iter: I) -> Self {
        IssuingTasks {
            start_s: iter.into_iter().collect(),
        }
    }
}

/// The top-level tasks not inside another, as `(start, end)` µs by start.
fn outermost_tasks<'a>(events: impl Iterator<Item = &'a TraceEvent>) -> Vec<(f64, f64)> {
    let mut spans: Vec<(f64, f64)> = events
        .filter(|e| e.ph == "X" && is_top_level(&e.name))
        .filter_map(|e| Some((e.ts, e.ts + e.dur.filter(|d| d.is_finite())?)))
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.total_cmp(&a.1)));
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(spans.len());
    for span in spans {
        match out.last() {
            Some(last) if span.1 <= last.1 => {}
            _ => out.push(span),
        }
    }
    out
}

/// The start of the task around `ts` (µs).
fn task_around(outermost: &[(f64, f64)], ts: f64) -> Option<f64> {
    let after = outermost.partition_point(|t| t.0 <= ts);
    let (start, end) = *outermost.get(after.checked_sub(1)?)?;
    (ts <= end).then_some(start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(
        name: &str,
        ph: &str,
        ts: f64,
        dur: Option<f64>,
        args: serde_json::Value,
    ) -> TraceEvent {
        TraceEvent {
            name: name.into(),
            cat: String::new(),
            ph: ph.into(),
            ts,
            dur,
            pid: 7,
            tid: 7,
            args,
        }
    }

    fn send(id: &str, ts: f64) -> TraceEvent {
        event(
            "ResourceSendRequest",
            "I",
            ts,
            None,
            json!({"data": {"requestId": id}}),
        )
    }

    fn page<'a>(events: &'a [TraceEvent]) -> PageTrace<'a> {
        PageTrace {
            events,
            main_frame: None,
            nav_start_us: 0.0,
            navigation_id: None,
            pid: 7,
            tid: 7,
        }
    }

    #[test]
    fn requests_of_one_task_share_its_start_and_a_nested_task_is_its_parents() {
        // Recorded from /network.html: eight N+1 fetches and `first` sent by
        // one script task, `second` by the `then` after `first` answered.
        let tasks = vec![
            event("RunTask", "X", 516_299.0, Some(9_548.0), json!(null)),
            event("RunTask", "X", 518_000.0, Some(100.0), json!(null)),
            event(
                "ThreadControllerImpl::RunTask",
                "X",
                607_223.0,
                Some(1_157.0),
                json!(null),
            ),
            event("RunTask", "X", 700_000.0, Some(10.0), json!(null)),
        ];
        let mut other_thread = send("9.1", 607_500.0);
        other_thread.tid = 8;
        let sends = vec![
            send("7.2", 517_686.0),
            send("7.3", 520_137.0),
            send("7.10", 518_050.0),
            send("7.13", 607_932.0),
            send("7.99", 650_000.0),
            other_thread,
        ];
        let issued = IssuingTasks::on_thread(&sends, &tasks, &page(&sends));
        assert_eq!(issued.start_s("7.2"), Some(0.516299));
        assert_eq!(issued.start_s("7.3"), Some(0.516299));
        assert_eq!(issued.start_s("7.10"), Some(0.516299));
        assert_eq!(issued.start_s("7.13"), Some(0.607223));
        // Sent outside any recorded task, or by another thread: unknown.
        assert_eq!(issued.start_s("7.99"), None);
        assert_eq!(issued.start_s("9.1"), None);
    }
}
