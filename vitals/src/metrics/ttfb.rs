//! Time to first byte of the main document: when its response headers arrived.

use crate::gather::artifacts::NetworkRecord;

use super::PageTrace;

/// TTFB in ms: the first `Document` request for the measured URL (or the first
/// document at all), its `requestTime + receiveHeaders`, from navigation start.
pub fn ttfb_ms(page: &PageTrace, network: &[NetworkRecord], url: &str) -> Option<f64> {
    let documents: Vec<&NetworkRecord> = network
        .iter()
        .filter(|r| r.resource_type == "Document" && r.headers_s.is_some())
        .collect();
    // After redirects the final hop is the one that served the document.
    let main = documents
        .iter()
        .rev()
        .find(|r| r.url == url && r.status.is_some_and(|s| !(300..400).contains(&s)))
        .or_else(|| documents.first())?;
    let ms = page.ms_from_seconds(main.headers_s?);
    (ms >= 0.0).then_some(ms)
}
