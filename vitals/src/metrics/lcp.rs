//! Largest Contentful Paint: the last `largestContentfulPaint::Candidate` of
//! the main frame, unless a `largestContentfulPaint::Invalidate` follows it.

use super::PageTrace;

/// LCP in ms.
pub fn lcp_ms(page: &PageTrace) -> Option<f64> {
    let mut events = page.frame_events("largestContentfulPaint::Candidate");
    events.extend(page.frame_events("largestContentfulPaint::Invalidate"));
    events.sort_by(|a, b| a.ts.total_cmp(&b.ts));
    let last = events.last()?;
    if last.name == "largestContentfulPaint::Invalidate" {
        return None;
    }
    Some(page.ms(last.ts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::trace::tests::{base, ev};
    use serde_json::json;

    #[test]
    fn last_candidate_wins() {
        let mut events = base();
        events.push(ev(
            "largestContentfulPaint::Candidate",
            1_200_000.0,
            None,
            json!({"frame": "F"}),
        ));
        events.push(ev(
            "largestContentfulPaint::Candidate",
            1_900_000.0,
            None,
            json!({"frame": "F"}),
        ));
        events.push(ev(
            "largestContentfulPaint::Candidate",
            2_500_000.0,
            None,
            json!({"frame": "C"}),
        ));
        let page = PageTrace::find(&events).unwrap();
        assert_eq!(lcp_ms(&page), Some(900.0));
    }

    #[test]
    fn candidates_of_a_later_document_are_ignored() {
        let mut events = base();
        events[2].args["data"]["navigationId"] = json!("N1");
        events.push(ev(
            "largestContentfulPaint::Candidate",
            1_200_000.0,
            None,
            json!({"frame": "F", "data": {"navigationId": "N1"}}),
        ));
        events.push(ev(
            "largestContentfulPaint::Candidate",
            1_900_000.0,
            None,
            json!({"frame": "F", "data": {"navigationId": "N2"}}),
        ));
        let page = PageTrace::find(&events).unwrap();
        assert_eq!(lcp_ms(&page), Some(200.0));
    }

    #[test]
    fn invalidation_after_last_candidate_removes_lcp() {
        let mut events = base();
        events.push(ev(
            "largestContentfulPaint::Candidate",
            1_200_000.0,
            None,
            json!({"frame": "F"}),
        ));
        events.push(ev(
            "largestContentfulPaint::Invalidate",
            1_300_000.0,
            None,
            json!({"frame": "F"}),
        ));
        let page = PageTrace::find(&events).unwrap();
        assert_eq!(lcp_ms(&page), None);
        events.push(ev(
            "largestContentfulPaint::Candidate",
            1_400_000.0,
            None,
            json!({"frame": "F"}),
        ));
        let page = PageTrace::find(&events).unwrap();
        assert_eq!(lcp_ms(&page), Some(400.0));
    }
}
