//! Interaction to Next Paint from Event Timing entries, as the web-vitals
//! library computes it.
//!
//! An interaction is the set of entries sharing one non-zero
//! `interactionId` (`pointerdown`/`pointerup`/`click`, or
//! `keydown`/`keyup`); its latency is the longest entry `duration` (which
//! the browser rounds to 8 ms; values are kept as given). Its attribution
//! (web-vitals' attribution build) comes from that longest entry.

use model::vitals::Interaction;

/// Interactions web-vitals keeps (its `MAX_INTERACTIONS_TO_CONSIDER`): INP
/// never looks past the 10th worst.
const MAX_INTERACTIONS_TO_CONSIDER: usize = 10;

/// One Event Timing entry (`PerformanceEventTiming`), times in ms from the
/// page's time origin.
#[derive(Debug, Clone, PartialEq)]
pub struct EventEntry {
    /// The event type (`pointerdown`, `click`, `keydown`...).
    pub name: String,
    /// `interactionId`; 0 for events that are not part of an interaction.
    pub interaction_id: u64,
    /// `startTime`: when the input happened.
    pub start_ms: f64,
    /// `processingStart`: the first handler's start.
    pub processing_start_ms: f64,
    /// `processingEnd`: the last handler's end.
    pub processing_end_ms: f64,
    /// `duration`: input to the next paint, rounded to 8 ms by the browser.
    pub duration_ms: f64,
    /// A readable selector of the target element.
    pub target: Option<String>,
}

/// The interactions among `entries` (entries with `interaction_id` 0 are
/// ignored), slowest first, ties by start then id.
///
/// As the web-vitals attribution build reads one: its duration is its
/// longest entry's (ties: the earliest start, then the first given); the
/// entries painted in the same frame as that one (render time within 8 ms,
/// the browser's rounding: `pointerdown`, `pointerup` and `click` of one
/// tap usually are, a `keyup` is not) make its phases: it starts at the
/// earliest of them, its handlers run from their earliest
/// `processingStart` to their latest `processingEnd`; input delay =
/// processingStart − startTime, processing = processingEnd −
/// processingStart, presentation delay = max(0, start + duration −
/// processingEnd). Its event is the one of those whose handlers ran
/// longest (ties: the longest entry), its target that entry's, else the
/// first that has one.
pub fn interactions(entries: &[EventEntry]) -> Vec<Interaction> {
    // Each interaction id's entries, in order of first appearance.
    let mut groups: Vec<Vec<&EventEntry>> = Vec::new();
    let mut index: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    for entry in entries.iter().filter(|e| e.interaction_id != 0) {
        match index.get(&entry.interaction_id) {
            Some(&i) => groups[i].push(entry),
            None => {
                index.insert(entry.interaction_id, groups.len());
                groups.push(vec![entry]);
            }
        }
    }
    let mut out: Vec<Interaction> = groups.iter().map(|g| interaction(g)).collect();
    out.sort_by(|a, b| {
        b.duration_ms
            .total_cmp(&a.duration_ms)
            .then(a.start_ms.total_cmp(&b.start_ms))
            .then(a.id.cmp(&b.id))
    });
    out
}

/// Render times closer than this are one frame (Event Timing rounds
/// durations to 8 ms).
const SAME_FRAME_MS: f64 = 8.0;

/// One interaction from its entries (at least one).
fn interaction(group: &[&EventEntry]) -> Interaction {
    let mut longest = group[0];
    for e in &group[1..] {
        if e.duration_ms > longest.duration_ms
            || (e.duration_ms == longest.duration_ms && e.start_ms < longest.start_ms)
        {
            longest = e;
        }
    }
    let painted = longest.start_ms + longest.duration_ms;
    let frame: Vec<&EventEntry> = group
        .iter()
        .copied()
        .filter(|e| (e.start_ms + e.duration_ms - painted).abs() <= SAME_FRAME_MS)
        .collect();
    let start = frame
        .iter()
        .map(|e| e.start_ms)
        .fold(f64::INFINITY, f64::min);
    let processing_start = frame
        .iter()
        .map(|e| e.processing_start_ms)
        .fold(f64::INFINITY, f64::min);
    let processing_end = frame
        .iter()
        .map(|e| e.processing_end_ms)
        .fold(f64::NEG_INFINITY, f64::max);
    let ran = |e: &EventEntry| e.processing_end_ms - e.processing_start_ms;
    let mut main = longest;
    for e in &frame {
        if ran(e) > ran(main) {
            main = e;
        }
    }
    let target = main
        .target
        .clone()
        .or_else(|| frame.iter().find_map(|e| e.target.clone()));
    Interaction {
        id: longest.interaction_id,
        event: main.name.clone(),
        target,
        start_ms: start,
        duration_ms: longest.duration_ms,
        input_delay_ms: (processing_start - start).max(0.0),
        processing_ms: (processing_end - processing_start).max(0.0),
        presentation_delay_ms: (start + longest.duration_ms - processing_end).max(0.0),
    }
}

/// INP in ms, as web-vitals estimates the 98th percentile: with `n`
/// interactions sorted by duration, worst first, the one at index
/// `min(n − 1, floor(n / 50), 9)` (one in every 50 is ignored; web-vitals
/// keeps only the 10 worst). `None` without interactions.
pub fn inp(interactions: &[Interaction]) -> Option<f64> {
    let n = interactions.len();
    if n == 0 {
        return None;
    }
    let mut durations: Vec<f64> = interactions.iter().map(|i| i.duration_ms).collect();
    durations.sort_by(|a, b| b.total_cmp(a));
    let index = (n / 50).min(n - 1).min(MAX_INTERACTIONS_TO_CONSIDER - 1);
    Some(durations[index])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(
        name: &str,
        id: u64,
        start: f64,
        processing: (f64, f64),
        duration: f64,
        target: &str,
    ) -> EventEntry {
        EventEntry {
            name: name.into(),
            interaction_id: id,
            start_ms: start,
            processing_start_ms: processing.0,
            processing_end_ms: processing.1,
            duration_ms: duration,
            target: Some(target.into()),
        }
    }

    #[test]
    fn keydown_and_keyup_make_one_interaction() {
        let entries = [
            entry("keydown", 7, 1000.0, (1004.0, 1060.0), 80.0, "input#search"),
            entry(
                "keypress",
                7,
                1001.0,
                (1061.0, 1062.0),
                64.0,
                "input#search",
            ),
            entry("keyup", 7, 1090.0, (1092.0, 1095.0), 16.0, "input#search"),
        ];
        let got = interactions(&entries);
        assert_eq!(
            got,
            [Interaction {
                id: 7,
                event: "keydown".into(),
                target: Some("input#search".into()),
                start_ms: 1000.0,
                duration_ms: 80.0,
                input_delay_ms: 4.0,
                processing_ms: 56.0,
                presentation_delay_ms: 20.0,
            }]
        );
        assert_eq!(inp(&got), Some(80.0));
    }

    #[test]
    fn pointer_and_click_make_one_interaction_attributed_to_the_longest() {
        let entries = [
            entry("pointerdown", 12, 500.0, (502.0, 503.0), 24.0, "button#add"),
            entry("pointerup", 12, 560.0, (561.0, 562.0), 16.0, "button#add"),
            entry("click", 12, 560.0, (570.0, 700.0), 160.0, "button#add"),
            // Not an interaction (mousemove, pointerover...).
            entry("pointerover", 0, 400.0, (401.0, 402.0), 400.0, "body"),
        ];
        let got = interactions(&entries);
        assert_eq!(got.len(), 1);
        let click = &got[0];
        assert_eq!(click.id, 12);
        assert_eq!(click.event, "click");
        assert_eq!(click.start_ms, 560.0);
        assert_eq!(click.duration_ms, 160.0);
        assert_eq!(click.input_delay_ms, 10.0);
        assert_eq!(click.processing_ms, 130.0);
        assert_eq!(click.presentation_delay_ms, 20.0);
        assert_eq!(inp(&got), Some(160.0));
    }

    /// A tap on a button whose click handler blocks 220 ms, as Chromium
    /// reports it: the three entries end at the same paint (durations
    /// rounded to 8 ms), only the click's handlers do work.
    #[test]
    fn a_tap_is_attributed_to_the_handler_that_ran() {
        let entries = [
            entry("pointerdown", 9, 400.0, (400.4, 400.4), 224.0, "button#add"),
            entry("pointerup", 9, 402.0, (402.5, 402.6), 224.0, "button#add"),
            entry("click", 9, 402.0, (402.7, 622.9), 224.0, "button#add"),
        ];
        let got = interactions(&entries);
        assert_eq!(got.len(), 1);
        let tap = &got[0];
        assert_eq!((tap.event.as_str(), tap.duration_ms), ("click", 224.0));
        assert_eq!(tap.start_ms, 400.0);
        assert!((tap.input_delay_ms - 0.4).abs() < 1e-9, "{tap:?}");
        assert!((tap.processing_ms - 222.5).abs() < 1e-9, "{tap:?}");
        assert!((tap.presentation_delay_ms - 1.1).abs() < 1e-9, "{tap:?}");
    }

    #[test]
    fn equal_durations_attribute_to_the_earliest_entry() {
        let entries = [
            entry("pointerup", 3, 210.0, (212.0, 220.0), 48.0, "a"),
            entry("pointerdown", 3, 200.0, (205.0, 206.0), 48.0, "a"),
            entry("click", 3, 210.0, (220.0, 230.0), 48.0, "a"),
        ];
        let got = interactions(&entries);
        assert_eq!(got[0].event, "pointerdown");
        assert_eq!(got[0].input_delay_ms, 5.0);
        assert_eq!(got[0].processing_ms, 1.0);
        assert_eq!(got[0].presentation_delay_ms, 42.0);
        // One frame, same start: the phases span both entries, and the
        // event is the one whose handlers ran longest.
        let entries = [
            entry("pointerup", 3, 210.0, (212.0, 220.0), 48.0, "a"),
            entry("click", 3, 210.0, (220.0, 230.0), 48.0, "a"),
        ];
        let got = interactions(&entries);
        assert_eq!(got[0].event, "click");
        assert_eq!(got[0].input_delay_ms, 2.0);
        assert_eq!(got[0].processing_ms, 18.0);
        assert_eq!(got[0].presentation_delay_ms, 28.0);
    }

    #[test]
    fn presentation_delay_is_never_negative() {
        // Rounding to 8 ms can put start + duration before processingEnd.
        let entries = [entry("click", 1, 100.0, (101.0, 110.0), 8.0, "a")];
        let got = interactions(&entries);
        assert_eq!(got[0].presentation_delay_ms, 0.0);
        assert_eq!(got[0].processing_ms, 9.0);
    }

    #[test]
    fn zero_ids_are_not_interactions() {
        let entries = [
            entry("pointerenter", 0, 10.0, (11.0, 12.0), 200.0, "div"),
            entry("mouseover", 0, 10.0, (11.0, 12.0), 200.0, "div"),
        ];
        assert!(interactions(&entries).is_empty());
        assert_eq!(inp(&interactions(&entries)), None);
        assert_eq!(inp(&[]), None);
    }

    #[test]
    fn sorted_slowest_first_ties_by_start() {
        let entries = [
            entry("click", 1, 100.0, (101.0, 102.0), 40.0, "a"),
            entry("click", 2, 300.0, (301.0, 302.0), 120.0, "b"),
            entry("keydown", 3, 200.0, (201.0, 202.0), 120.0, "c"),
            entry("click", 4, 50.0, (51.0, 52.0), 16.0, "d"),
        ];
        let got = interactions(&entries);
        let ids: Vec<u64> = got.iter().map(|i| i.id).collect();
        assert_eq!(ids, [3, 2, 1, 4]);
        // Fewer than 50: the worst.
        assert_eq!(inp(&got), Some(120.0));
    }

    #[test]
    fn one_in_fifty_is_ignored() {
        // 120 interactions, durations 8, 16, ..., 960 ms, given out of order.
        let entries: Vec<EventEntry> = (1..=120u64)
            .map(|i| {
                let id = (i * 37) % 120 + 1;
                let start = id as f64 * 1000.0;
                entry(
                    "click",
                    id,
                    start,
                    (start + 1.0, start + 2.0),
                    id as f64 * 8.0,
                    "b",
                )
            })
            .collect();
        let got = interactions(&entries);
        assert_eq!(got.len(), 120);
        assert_eq!(got[0].duration_ms, 960.0);
        // floor(120 / 50) = 2: the 3rd worst.
        assert_eq!(inp(&got), Some(944.0));
        // Order of the input does not matter.
        let mut reversed = got.clone();
        reversed.reverse();
        assert_eq!(inp(&reversed), Some(944.0));
        // 49 → the worst; 50 → the 2nd worst; 100 → the 3rd worst.
        assert_eq!(inp(&got[..49]), Some(960.0));
        assert_eq!(inp(&got[..50]), Some(952.0));
        assert_eq!(inp(&got[..100]), Some(944.0));
        assert_eq!(inp(&got[..1]), Some(960.0));
    }

    #[test]
    fn never_past_the_tenth_worst() {
        let many: Vec<Interaction> = (1..=1000u64)
            .map(|i| Interaction {
                id: i,
                event: "click".into(),
                duration_ms: i as f64,
                ..Interaction::default()
            })
            .collect();
        // floor(499 / 50) = 9: the 10th worst.
        assert_eq!(inp(&many[..499]), Some(490.0));
        // floor(1000 / 50) = 20, but web-vitals keeps only the 10 worst.
        assert_eq!(inp(&many), Some(991.0));
    }
}
