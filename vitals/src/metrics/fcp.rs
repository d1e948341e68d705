//! First Contentful Paint: the first `firstContentfulPaint` of the main frame
//! after `navigationStart`.

use super::PageTrace;

/// FCP in ms, when the page painted content.
pub fn fcp_ms(page: &PageTrace) -> Option<f64> {
    page.frame_events("firstContentfulPaint")
        .first()
        .map(|e| page.ms(e.ts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::trace::tests::{base, ev};
    use serde_json::json;

    #[test]
    fn first_main_frame_paint_wins() {
        let mut events = base();
        events.push(ev(
            "firstContentfulPaint",
            1_300_000.0,
            None,
            json!({"frame": "C"}),
        ));
        events.push(ev(
            "firstContentfulPaint",
            1_400_000.0,
            None,
            json!({"frame": "F"}),
        ));
        events.push(ev(
            "firstContentfulPaint",
            1_500_000.0,
            None,
            json!({"frame": "F"}),
        ));
        let page = PageTrace::find(&events).unwrap();
        assert_eq!(fcp_ms(&page), Some(400.0));
    }

    #[test]
    fn none_without_paint() {
        let events = base();
        assert_eq!(fcp_ms(&PageTrace::find(&events).unwrap()), None);
    }
}
