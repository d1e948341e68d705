//! A suspected memory leak over a flow's repetitions, memlab's way: the
//! same action, undone, repeated; what is left behind each time after a
//! forced garbage collection grows with the repetitions.
//!
//! The first repetition is a warm-up (caches fill, code compiles, lazy
//! chunks load), so growth is measured from the second on. A leak is
//! suspected only when a counter grew in *every* measured repetition: event
//! listeners by any amount, detached DOM nodes by at least
//! [`MIN_DETACHED_GROWTH`], the JS heap by at least [`MIN_HEAP_GROWTH`]
//! (smaller steady growth is feedback and inline caches). With fewer than 3 repetitions there are not enough of them to
//! tell, and no verdict is given.

use model::units::format_bytes;
use model::vitals::{FlowMemory, MemoryGrowth, MemorySample};

use super::trace::round;

/// Heap growth per repetition below which a steady growth is not a leak, bytes.
pub const MIN_HEAP_GROWTH: f64 = 100.0 * 1024.0;

/// Detached DOM nodes per repetition below which a steady growth is not a
/// leak: Blink's own nodes (focus rings, text of pressed controls) move the
/// count by a few each time; a leaked panel or dialog holds dozens.
pub const MIN_DETACHED_GROWTH: f64 = 10.0;

/// Repetitions needed for a verdict.
pub const MIN_REPETITIONS: u32 = 3;

/// The memory report of a flow: `samples[0]` before the steps, then one
/// after each of `repetitions`.
pub fn assess(repetitions: u32, samples: Vec<MemorySample>) -> FlowMemory {
    // Deltas from the second repetition on: samples[i] - samples[i-1], i >= 2.
    let deltas: Vec<[f64; 3]> = samples
        .windows(2)
        .skip(1)
        .map(|w| {
            let d = |f: fn(&MemorySample) -> u64| f(&w[1]) as f64 - f(&w[0]) as f64;
            [
                d(|s| s.heap_bytes),
                d(|s| s.listeners),
                d(|s| s.detached_nodes),
            ]
        })
        .collect();
    let growth = (!deltas.is_empty()).then(|| MemoryGrowth {
        heap_bytes: round(median(deltas.iter().map(|d| d[0])), 0),
        listeners: round(median(deltas.iter().map(|d| d[1])), 1),
        detached_nodes: round(median(deltas.iter().map(|d| d[2])), 1),
    });
    let suspected_leak = match growth {
        Some(g) if repetitions >= MIN_REPETITIONS && deltas.len() >= 2 => verdict(&deltas, g),
        _ => None,
    };
    FlowMemory {
        repetitions,
        samples,
        growth,
        suspected_leak,
    }
}

/// What grew in every measured repetition, as one sentence.
fn verdict(deltas: &[[f64; 3]], g: MemoryGrowth) -> Option<String> {
    let every = |i: usize, min: f64| deltas.iter().all(|d| d[i] > 0.0 && d[i] >= min);
    let mut grew = Vec::new();
    if every(1, 1.0) {
        grew.push(format!("{} event listener(s)", g.listeners));
    }
    if every(2, MIN_DETACHED_GROWTH) {
        grew.push(format!("{} detached DOM node(s)", g.detached_nodes));
    }
    if every(0, MIN_HEAP_GROWTH) {
        grew.push(format!(
            "{} of JS heap",
            format_bytes(g.heap_bytes.max(0.0) as u64)
        ));
    }
    if grew.is_empty() {
        return None;
    }
    Some(format!(
        "each repetition leaves {} more behind (median over repetitions 2 to {}, after a forced garbage collection)",
        grew.join(", "),
        deltas.len() + 1
    ))
}

fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.collect();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(heap: u64, listeners: u64, detached: u64) -> MemorySample {
        MemorySample {
            heap_bytes: heap,
            listeners,
            nodes: 100 + detached,
            detached_nodes: detached,
        }
    }

    #[test]
    fn a_listener_leak_grows_every_repetition() {
        // Recorded on the leak fixture: each open/close adds a resize
        // listener holding the closed panel (12 nodes) and ~800 KB.
        let samples = vec![
            sample(1_900_000, 8, 0),
            sample(2_950_000, 9, 12),
            sample(3_760_000, 10, 24),
            sample(4_570_000, 11, 36),
            sample(5_380_000, 12, 48),
        ];
        let memory = assess(4, samples);
        let growth = memory.growth.unwrap();
        assert_eq!(growth.listeners, 1.0);
        assert_eq!(growth.detached_nodes, 12.0);
        assert_eq!(growth.heap_bytes, 810_000.0);
        let why = memory.suspected_leak.unwrap();
        assert!(why.contains("1 event listener(s)"), "{why}");
        assert!(why.contains("12 detached DOM node(s)"), "{why}");
        assert!(
            why.contains(&format!("{} of JS heap", format_bytes(810_000))),
            "{why}"
        );
    }

    #[test]
    fn steady_state_and_small_growth_are_not_leaks() {
        // Listeners flat after the warm-up; the heap creeps by a few KB and
        // Blink's own nodes by two each time (recorded on the React
        // fixture, whose flow adds list items).
        let samples = vec![
            sample(1_900_000, 8, 0),
            sample(2_100_000, 9, 3),
            sample(2_104_000, 9, 5),
            sample(2_109_000, 9, 7),
            sample(2_113_000, 9, 9),
        ];
        let memory = assess(4, samples);
        assert_eq!(memory.suspected_leak, None);
        assert_eq!(memory.growth.unwrap().heap_bytes, 4_000.0);
    }

    #[test]
    fn too_few_repetitions_give_no_verdict() {
        let grows = vec![sample(1, 1, 0), sample(2, 2, 1), sample(3, 3, 2)];
        let memory = assess(2, grows);
        assert!(memory.growth.is_some());
        assert_eq!(memory.suspected_leak, None);
        let once = assess(1, vec![sample(1, 1, 0), sample(2, 2, 1)]);
        assert_eq!((once.growth, once.suspected_leak), (None, None));
    }
}
