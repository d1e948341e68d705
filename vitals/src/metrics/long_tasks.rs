//! Long tasks: top-level `RunTask` events of 50 ms or more on the page's
//! renderer main thread. The trace lists each task twice (`RunTask` and
//! `ThreadControllerImpl::RunTask`, one inside the other): nested events are
//! dropped so each task counts once.

use model::vitals::LongTask;

use super::PageTrace;
use super::trace::round;

/// Top-level tasks (any length kept in the trace), as `(start_ms, end_ms, url)`.
pub fn top_level_tasks(page: &PageTrace) -> Vec<(f64, f64, Option<String>)> {
    let mut tasks: Vec<(f64, f64)> = page
        .events
        .iter()
        .filter(|e| {
            (e.name == "RunTask" || e.name == "ThreadControllerImpl::RunTask")
                && e.pid == page.pid
                && e.tid == page.tid
        })
        .filter_map(|e| Some((e.ts, e.ts + e.dur?)))
        .collect();
    // Earlier start first; for equal starts the longer (outer) one first.
    tasks.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.total_cmp(&a.1)));
    let mut top: Vec<(f64, f64)> = Vec::new();
    for (start, end) in tasks {
        match top.last() {
            Some(&(_, last_end)) if start < last_end => {} // nested in the previous task
            _ => top.push((start, end)),
        }
    }
    top.into_iter()
        .filter(|&(_, end)| end > page.nav_start_us)
        .map(|(start, end)| (page.ms(start), page.ms(end), script_url(page, start, end)))
        .collect()
}

/// The first script URL that ran inside `[start, end]` µs on the page's main thread.
fn script_url(page: &PageTrace, start: f64, end: f64) -> Option<String> {
    let mut scripts: Vec<_> = page
        .events
        .iter()
        .filter(|e| {
            matches!(
                e.name.as_str(),
                "FunctionCall"
                    | "EvaluateScript"
                    | "v8.compile"
                    | "v8.evaluateModule"
                    | "TimerFire"
            ) && e.pid == page.pid
                && e.tid == page.tid
                && e.ts >= start
                && e.ts <= end
        })
        .collect();
    scripts.sort_by(|a, b| a.ts.total_cmp(&b.ts));
    scripts.iter().find_map(|e| {
        let data = e.args.get("data")?;
        let url = data
            .get("url")
            .or_else(|| data.get("fileName"))
            .and_then(|u| u.as_str())?;
        (!url.is_empty()).then(|| url.to_string())
    })
}

/// Long tasks (≥ 50 ms), by start time.
pub fn long_tasks(page: &PageTrace) -> Vec<LongTask> {
    top_level_tasks(page)
        .into_iter()
        .filter(|(start, end, _)| end - start >= 50.0)
        .map(|(start, end, url)| LongTask {
            start_ms: round(start, 1),
            duration_ms: round(end - start, 1),
            url,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::trace::tests::{base, ev};
    use serde_json::json;

    #[test]
    fn duplicates_and_nesting_count_once() {
        let mut events = base();
        // 120 ms task listed twice (outer ThreadController, inner RunTask).
        events.push(ev(
            "ThreadControllerImpl::RunTask",
            1_100_000.0,
            Some(120_000.0),
            json!({}),
        ));
        events.push(ev("RunTask", 1_100_010.0, Some(119_990.0), json!({})));
        events.push(ev(
            "FunctionCall",
            1_100_100.0,
            Some(110_000.0),
            json!({"data": {"url": "http://x/app.js"}}),
        ));
        // 40 ms task: not long.
        events.push(ev("RunTask", 1_300_000.0, Some(40_000.0), json!({})));
        // 60 ms task on another thread: ignored.
        let mut other = ev("RunTask", 1_400_000.0, Some(60_000.0), json!({}));
        other.tid = 2;
        events.push(other);
        let page = PageTrace::find(&events).unwrap();
        let tasks = long_tasks(&page);
        assert_eq!(tasks.len(), 1);
        assert_eq!(tasks[0].start_ms, 100.0);
        assert_eq!(tasks[0].duration_ms, 120.0);
        assert_eq!(tasks[0].url.as_deref(), Some("http://x/app.js"));
    }
}
