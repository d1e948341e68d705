//! Time to Interactive (Lighthouse's observed TTI): the start of the first
//! CPU-quiet window (no long task) of 5 s that ends after FCP + 5 s and
//! overlaps a network-quiet window (≤ 2 finished GET requests with status <
//! 400 in flight) of the same length; never before FCP or DOMContentLoaded.
//!
//! The quiet window is 5.25 s when DevTools applies the throttling (as in
//! Lighthouse). The run stops once the page is quiet, so the last windows are
//! open-ended: the page is taken to stay quiet after the trace ends.

use crate::gather::artifacts::NetworkRecord;

use super::PageTrace;

/// A time span in ms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Period {
    /// Start.
    pub start: f64,
    /// End (may be infinite).
    pub end: f64,
}

/// Quiet periods between long tasks (`(start, end)` ms).
pub fn cpu_quiet_periods(long_tasks: &[(f64, f64)]) -> Vec<Period> {
    let mut tasks = long_tasks.to_vec();
    tasks.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut periods = Vec::new();
    let mut start = f64::NEG_INFINITY;
    for (task_start, task_end) in tasks {
        periods.push(Period {
            start,
            end: task_start,
        });
        start = task_end;
    }
    periods.push(Period {
        start,
        end: f64::INFINITY,
    });
    periods
}

/// Periods with at most `allowed` requests in flight, from `(start, end)` ms of
/// the requests that count.
pub fn network_quiet_periods(requests: &[(f64, f64)], allowed: usize) -> Vec<Period> {
    let mut boundaries: Vec<(f64, bool)> = Vec::new();
    for &(start, end) in requests {
        boundaries.push((start, true));
        boundaries.push((end, false));
    }
    boundaries.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut inflight = 0usize;
    let mut quiet_start = f64::NEG_INFINITY;
    let mut periods = Vec::new();
    for (time, is_start) in boundaries {
        if is_start {
            if inflight == allowed {
                periods.push(Period {
                    start: quiet_start,
                    end: time,
                });
            }
            inflight += 1;
        } else {
            inflight = inflight.saturating_sub(1);
            if inflight == allowed {
                quiet_start = time;
            }
        }
    }
    if inflight <= allowed {
        periods.push(Period {
            start: quiet_start,
            end: f64::INFINITY,
        });
    }
    periods
}

/// Requests that count for network quiet, as `(start, end)` ms from navigation start.
pub fn counted_requests(page: &PageTrace, network: &[NetworkRecord]) -> Vec<(f64, f64)> {
    network
        .iter()
        .filter(|r| {
            r.finished
                && r.failed.is_none()
                && r.method == "GET"
                && r.status.is_some_and(|s| s < 400)
                && !r.url.starts_with("data:")
                && !r.url.starts_with("ws")
        })
        .filter_map(|r| {
            Some((
                page.ms_from_seconds(r.start_s),
                page.ms_from_seconds(r.end_s?),
            ))
        })
        .collect()
}

/// TTI in ms from FCP, DOMContentLoaded, long tasks and network requests.
pub fn tti_ms(
    fcp: f64,
    dcl: Option<f64>,
    long_tasks: &[(f64, f64)],
    requests: &[(f64, f64)],
    window: f64,
) -> Option<f64> {
    let long_enough = |p: &Period| p.end > fcp + window && p.end - p.start >= window;
    let cpu: Vec<Period> = cpu_quiet_periods(long_tasks)
        .into_iter()
        .filter(long_enough)
        .collect();
    let net: Vec<Period> = network_quiet_periods(requests, 2)
        .into_iter()
        .filter(long_enough)
        .collect();
    let (mut ci, mut ni) = (0, 0);
    while let (Some(c), Some(n)) = (cpu.get(ci), net.get(ni)) {
        if c.start >= n.start {
            if n.end >= c.start + window {
                return Some(c.start.max(fcp).max(dcl.unwrap_or(0.0)));
            }
            ni += 1;
        } else {
            if c.end >= n.start + window {
                return Some(c.start.max(fcp).max(dcl.unwrap_or(0.0)));
            }
            ci += 1;
        }
    }
    None
}

/// The quiet window Lighthouse uses: 5 s, or 5.25 s with DevTools throttling.
pub fn quiet_window(devtools_throttling: bool) -> f64 {
    if devtools_throttling { 5250.0 } else { 5000.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_page_is_interactive_at_fcp_or_dcl() {
        assert_eq!(
            tti_ms(300.0, Some(250.0), &[], &[(0.0, 50.0)], 5000.0),
            Some(300.0)
        );
        assert_eq!(tti_ms(300.0, Some(450.0), &[], &[], 5000.0), Some(450.0));
    }

    #[test]
    fn waits_for_the_last_long_task_before_a_quiet_window() {
        // Long tasks at 500–700 and 2000–2300; nothing after: TTI = 2300.
        let tasks = [(500.0, 700.0), (2000.0, 2300.0)];
        assert_eq!(tti_ms(400.0, None, &tasks, &[], 5000.0), Some(2300.0));
        // A gap of 5 s after the first task: TTI = 700 (before the later task).
        let tasks = [(500.0, 700.0), (6000.0, 6100.0)];
        assert_eq!(tti_ms(400.0, None, &tasks, &[], 5000.0), Some(700.0));
    }

    #[test]
    fn three_requests_in_flight_delay_tti() {
        // Three overlapping requests until 4000: network quiet starts at 4000.
        let requests = [(100.0, 4000.0), (100.0, 4000.0), (100.0, 4000.0)];
        // Lighthouse takes the start of the CPU-quiet window: no long task → FCP.
        assert_eq!(tti_ms(400.0, None, &[], &requests, 5000.0), Some(400.0));
        // With a long task 3500–3600 the CPU window must start at 3600 and the
        // network window [4000, ∞) covers 3600+5000.
        let tasks = [(3500.0, 3600.0)];
        assert_eq!(tti_ms(400.0, None, &tasks, &requests, 5000.0), Some(3600.0));
    }

    #[test]
    fn network_periods_follow_lighthouse() {
        let periods = network_quiet_periods(&[(0.0, 10.0), (1.0, 11.0), (2.0, 12.0)], 2);
        assert_eq!(
            periods,
            vec![
                Period {
                    start: f64::NEG_INFINITY,
                    end: 2.0
                },
                Period {
                    start: 10.0,
                    end: f64::INFINITY
                }
            ]
        );
    }
}
