//! Finding the page in a trace: the main frame, its `navigationStart` and the
//! renderer main thread that ran it.

use crate::gather::artifacts::TraceEvent;

/// The navigation a run measured.
#[derive(Debug, Clone, PartialEq)]
pub struct PageTrace<'a> {
    /// Every kept trace event.
    pub events: &'a [TraceEvent],
    /// Main frame id, when the trace names it.
    pub main_frame: Option<String>,
    /// `navigationStart` of the measured document, µs.
    pub nav_start_us: f64,
    /// `navigationId` of the measured navigation, when the trace gives it.
    pub navigation_id: Option<String>,
    /// Renderer process of the page.
    pub pid: i64,
    /// Main thread of that renderer.
    pub tid: i64,
}

fn frame_of(event: &TraceEvent) -> Option<&str> {
    event.args.get("frame").and_then(|f| f.as_str())
}

impl<'a> PageTrace<'a> {
    /// Finds the last main-frame navigation to a real document (not
    /// `about:blank`): after a client-side redirect, the final document is
    /// measured, as Lighthouse does. `None` when the trace has none (the page
    /// never started).
    pub fn find(events: &'a [TraceEvent]) -> Option<PageTrace<'a>> {
        let main_frame = events
            .iter()
            .filter(|e| e.name == "TracingStartedInBrowser")
            .find_map(|e| {
                e.args
                    .get("data")
                    .and_then(|d| d.get("frames"))
                    .and_then(|f| f.as_array())
                    .and_then(|frames| {
                        frames
                            .iter()
                            .find(|f| f.get("parent").is_none())
                            .and_then(|f| f.get("frame"))
                            .and_then(|f| f.as_str())
                            .map(str::to_string)
                    })
            });
        let mut navs: Vec<&TraceEvent> = events
            .iter()
            .filter(|e| e.name == "navigationStart")
            .filter(|e| {
                let data = e.args.get("data");
                let is_main = data
                    .and_then(|d| d.get("isLoadingMainFrame"))
                    .and_then(|b| b.as_bool())
                    .unwrap_or(false);
                let url = data
                    .and_then(|d| d.get("documentLoaderURL"))
                    .and_then(|u| u.as_str())
                    .unwrap_or("");
                let frame_ok = match (&main_frame, frame_of(e)) {
                    (Some(main), Some(frame)) => main == frame,
                    _ => true,
                };
                is_main && frame_ok && !url.is_empty() && !url.starts_with("about:")
            })
            .collect();
        navs.sort_by(|a, b| a.ts.total_cmp(&b.ts));
        let nav = navs.last()?;
        let main_frame = main_frame.or_else(|| frame_of(nav).map(str::to_string));
        let navigation_id = nav
            .args
            .get("data")
            .and_then(|d| d.get("navigationId"))
            .and_then(|n| n.as_str())
            .map(str::to_string);
        Some(PageTrace {
            events,
            main_frame,
            navigation_id,
            nav_start_us: nav.ts,
            pid: nav.pid,
            tid: nav.tid,
        })
    }

    /// Converts a trace timestamp (µs) into ms from navigation start.
    pub fn ms(&self, ts_us: f64) -> f64 {
        (ts_us - self.nav_start_us) / 1000.0
    }

    /// Converts a monotonic time in seconds (network log) into ms from navigation start.
    pub fn ms_from_seconds(&self, seconds: f64) -> f64 {
        seconds * 1000.0 - self.nav_start_us / 1000.0
    }

    /// Whether an event belongs to the main frame (events naming no frame are accepted).
    pub fn in_main_frame(&self, event: &TraceEvent) -> bool {
        match (&self.main_frame, frame_of(event)) {
            (Some(main), Some(frame)) => main == frame,
            _ => true,
        }
    }

    /// Whether an event belongs to the measured navigation: events naming
    /// another `navigationId` (a later document after the page navigated
    /// away) do not.
    pub fn in_navigation(&self, event: &TraceEvent) -> bool {
        let id = event
            .args
            .get("data")
            .and_then(|d| d.get("navigationId"))
            .and_then(|n| n.as_str());
        match (&self.navigation_id, id) {
            (Some(ours), Some(theirs)) => ours == theirs,
            _ => true,
        }
    }

    /// Events of the measured navigation in the main frame named `name`, at or
    /// after navigation start, by time.
    pub fn frame_events(&self, name: &str) -> Vec<&'a TraceEvent> {
        let mut found: Vec<&TraceEvent> = self
            .events
            .iter()
            .filter(|e| {
                e.name == name
                    && e.ts >= self.nav_start_us
                    && self.in_main_frame(e)
                    && self.in_navigation(e)
            })
            .collect();
        found.sort_by(|a, b| a.ts.total_cmp(&b.ts));
        found
    }
}

/// Rounds to 0.1 ms (or 4 decimals for scores) so reports stay readable and stable.
pub fn round(value: f64, decimals: i32) -> f64 {
    let factor = 10f64.powi(decimals);
    // `+ 0.0` turns -0.0 into 0.0.
    (value * factor).round() / factor + 0.0
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    /// A trace event for hand-made tests.
    pub fn ev(name: &str, ts: f64, dur: Option<f64>, args: serde_json::Value) -> TraceEvent {
        TraceEvent {
            name: name.into(),
            cat: String::new(),
            ph: if dur.is_some() {
                "X".into()
            } else {
                "R".into()
            },
            ts,
            dur,
            pid: 1,
            tid: 1,
            args,
        }
    }

    /// Started-in-browser + navigationStart at 1 s (ts 1_000_000 µs), frame "F".
    pub fn base() -> Vec<TraceEvent> {
        vec![
            ev(
                "TracingStartedInBrowser",
                900_000.0,
                None,
                json!({"data": {"frames": [{"frame": "F", "url": "about:blank"}, {"frame": "C", "parent": "F"}]}}),
            ),
            ev(
                "navigationStart",
                950_000.0,
                None,
                json!({"frame": "F", "data": {"isLoadingMainFrame": true, "documentLoaderURL": ""}}),
            ),
            ev(
                "navigationStart",
                1_000_000.0,
                None,
                json!({"frame": "F", "data": {"isLoadingMainFrame": true, "documentLoaderURL": "http://x/"}}),
            ),
        ]
    }

    #[test]
    fn picks_the_last_real_main_frame_navigation() {
        // A client-side redirect: the final document is the one measured.
        let mut events = base();
        events.push(ev(
            "navigationStart",
            2_000_000.0,
            None,
            json!({"frame": "F", "data": {"isLoadingMainFrame": true, "documentLoaderURL": "http://x/next"}}),
        ));
        // A subframe's navigation is never the page's.
        events.push(ev(
            "navigationStart",
            3_000_000.0,
            None,
            json!({"frame": "C", "data": {"isLoadingMainFrame": false, "documentLoaderURL": "http://x/ad"}}),
        ));
        let page = PageTrace::find(&events).unwrap();
        assert_eq!(page.nav_start_us, 2_000_000.0);
        assert_eq!(page.main_frame.as_deref(), Some("F"));
        assert_eq!(page.ms(2_250_000.0), 250.0);
    }

    #[test]
    fn no_navigation_means_no_page() {
        assert!(PageTrace::find(&base()[..2]).is_none());
    }
}
