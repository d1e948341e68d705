//! Peak JS heap: the largest `JSHeapUsedSize` sample, or the largest
//! `UpdateCounters` heap size in the trace.

use crate::gather::artifacts::RunArtifacts;

use super::PageTrace;

/// Peak heap in bytes.
pub fn js_heap_max_bytes(run: &RunArtifacts, page: Option<&PageTrace>) -> Option<u64> {
    let from_trace = page.and_then(|page| {
        page.events
            .iter()
            .filter(|e| e.name == "UpdateCounters" && e.pid == page.pid)
            .filter_map(|e| e.args.get("data")?.get("jsHeapSizeUsed")?.as_u64())
            .max()
    });
    run.heap_samples
        .iter()
        .copied()
        .max()
        .into_iter()
        .chain(from_trace)
        .max()
}
