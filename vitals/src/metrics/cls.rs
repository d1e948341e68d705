//! Cumulative Layout Shift: `LayoutShift` events of the page's renderer
//! without recent input, grouped into session windows (a new window after a
//! gap over 1 s or when the window would exceed 5 s); CLS is the largest
//! window sum.

use super::PageTrace;

/// Session-window CLS from `(time_ms, score)` shifts (sorted or not).
pub fn session_window_cls(shifts: &[(f64, f64)]) -> f64 {
    let mut shifts = shifts.to_vec();
    shifts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut best: f64 = 0.0;
    let mut window = 0.0;
    let mut window_start = f64::NEG_INFINITY;
    let mut previous = f64::NEG_INFINITY;
    for (t, score) in shifts {
        if t - previous > 1000.0 || t - window_start > 5000.0 {
            window = 0.0;
            window_start = t;
        }
        window += score;
        previous = t;
        best = best.max(window);
    }
    best
}

/// CLS of the page from the trace.
pub fn cls(page: &PageTrace) -> f64 {
    let shifts: Vec<(f64, f64)> = page
        .events
        .iter()
        .filter(|e| e.name == "LayoutShift" && e.pid == page.pid && e.ts >= page.nav_start_us)
        .filter_map(|e| {
            let data = e.args.get("data")?;
            let recent_input = data
                .get("had_recent_input")
                .and_then(|b| b.as_bool())
                .unwrap_or(false);
            if recent_input {
                return None;
            }
            let score = data
                .get("weighted_score_delta")
                .or_else(|| data.get("score"))
                .and_then(|s| s.as_f64())?;
            Some((page.ms(e.ts), score))
        })
        .collect();
    session_window_cls(&shifts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::trace::tests::{base, ev};
    use serde_json::json;

    #[test]
    fn windows_split_on_gap_and_length() {
        // Window 1: 0.1 + 0.1 (gap < 1 s); gap 1.5 s; window 2: 0.05 × 7 over 6 s
        // splits after 5 s: the first six (0.30), then the last one.
        let mut shifts = vec![(100.0, 0.1), (900.0, 0.1)];
        for i in 0..7 {
            shifts.push((2400.0 + f64::from(i) * 900.0, 0.05));
        }
        let cls = session_window_cls(&shifts);
        assert!((cls - 0.3).abs() < 1e-9, "{cls}");
        assert_eq!(session_window_cls(&[]), 0.0);
    }

    #[test]
    fn input_shifts_are_ignored() {
        let mut events = base();
        events.push(ev(
            "LayoutShift",
            1_100_000.0,
            None,
            json!({"data": {"weighted_score_delta": 0.2, "had_recent_input": false}}),
        ));
        events.push(ev(
            "LayoutShift",
            1_200_000.0,
            None,
            json!({"data": {"weighted_score_delta": 0.5, "had_recent_input": true}}),
        ));
        let page = PageTrace::find(&events).unwrap();
        assert!((cls(&page) - 0.2).abs() < 1e-9);
    }
}
