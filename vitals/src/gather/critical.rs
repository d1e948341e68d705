//! Lighthouse's second network listener: a load is not over while a
//! *critical* request is in flight ("network-critical-idle",
//! `network-monitor.js`): one of the main frame, with priority `VeryHigh` or
//! `High` (documents, scripts, stylesheets, fetch/XHR, an image the browser
//! raised because it is in the viewport), that is not a WebSocket or an
//! EventSource (they stay open by design). Together with the 2-quiet rule,
//! a page whose fetch answers after 7 s and then inserts its LCP image is
//! measured to that image, not to the text before it.

use std::collections::{HashMap, HashSet};

/// Which requests are critical, as their events arrive.
#[derive(Debug, Default)]
pub struct CriticalRequests {
    /// The main frame's id: the frame of the first document request.
    main_frame: Option<String>,
    /// Requests of the main frame that are not WebSockets or EventSources.
    candidates: HashSet<String>,
    /// Each request's current priority (CDP's `ResourcePriority`).
    priority: HashMap<String, String>,
}

impl CriticalRequests {
    /// A request was sent (`Network.requestWillBeSent`).
    pub fn sent(&mut self, id: &str, frame: Option<&str>, resource_type: &str, priority: &str) {
        if self.main_frame.is_none() && resource_type == "Document" {
            self.main_frame = frame.map(str::to_string);
        }
        let main = frame.is_some() && frame == self.main_frame.as_deref();
        if main && !matches!(resource_type, "WebSocket" | "EventSource") {
            self.candidates.insert(id.to_string());
        }
        self.priority.insert(id.to_string(), priority.to_string());
    }

    /// The browser changed a request's priority (`Network.resourceChangedPriority`).
    pub fn priority_changed(&mut self, id: &str, priority: &str) {
        if let Some(p) = self.priority.get_mut(id) {
            *p = priority.to_string();
        }
    }

    /// Whether the request is critical now.
    pub fn is_critical(&self, id: &str) -> bool {
        self.candidates.contains(id)
            && self
                .priority
                .get(id)
                .is_some_and(|p| matches!(p.as_str(), "VeryHigh" | "High"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn main_frame_high_priority_requests_are_critical() {
        let mut c = CriticalRequests::default();
        c.sent("doc", Some("F1"), "Document", "VeryHigh");
        c.sent("api", Some("F1"), "Fetch", "High");
        c.sent("img", Some("F1"), "Image", "Low");
        c.sent("ws", Some("F1"), "WebSocket", "High");
        c.sent("es", Some("F1"), "EventSource", "High");
        c.sent("frame-api", Some("F2"), "Fetch", "High");
        assert!(c.is_critical("doc") && c.is_critical("api"));
        assert!(!c.is_critical("img"), "a low-priority image is not");
        assert!(!c.is_critical("ws") && !c.is_critical("es"));
        assert!(
            !c.is_critical("frame-api"),
            "another frame's request is not"
        );
        assert!(!c.is_critical("unknown"));
    }

    #[test]
    fn a_raised_priority_makes_a_request_critical() {
        let mut c = CriticalRequests::default();
        c.sent("doc", Some("F1"), "Document", "VeryHigh");
        c.sent("hero", Some("F1"), "Image", "Low");
        c.priority_changed("hero", "High");
        assert!(c.is_critical("hero"));
        c.priority_changed("hero", "Medium");
        assert!(!c.is_critical("hero"));
    }
}
