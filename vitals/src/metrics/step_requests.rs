//! The requests each step of a flow started, from the document's Resource
//! Timing entries as `flow.js` hands them over after each step.
//!
//! An entry arrives when its response has ended, so a request a click
//! started can be handed over a step or more later. Each entry goes to the
//! step it started in: the steps of one document follow each other on its
//! clock, and a step's window runs from the previous hand-over to its own.
//! A new document (a navigation, by a `navigate` step or by a click) starts
//! its own clock: its requests belong to the step that opened it and those
//! after it.

use model::vitals::{StepRequest, StepRequests};

use super::step::StepData;

/// A Resource Timing entry as `flow.js` buffers it: name (the URL),
/// initiatorType, startTime, duration, transferSize, decodedBodySize,
/// responseStatus (0 when not given).
pub type ResourceRow = (String, String, f64, f64, f64, f64, f64);

/// One hand-over: the document it came from, when, and its entries.
#[derive(Debug, Clone, Default)]
pub struct Handover {
    /// The document's `performance.timeOrigin`.
    pub origin: f64,
    /// When it was handed over, ms from the document's time origin.
    pub now: f64,
    /// The entries whose response ended since the last hand-over.
    pub rows: Vec<ResourceRow>,
}

impl Handover {
    /// The requests of what the page handed over (taken out of `data`).
    pub fn take(data: &mut StepData) -> Self {
        Handover {
            origin: data.origin,
            now: data.now,
            rows: std::mem::take(&mut data.resources),
        }
    }
}

/// Each step's requests. `taken` holds one hand-over per step, in order,
/// then any hand-overs after the last step (whose entries started during
/// it or one before it); a step that started none gets `None`.
pub fn by_step(taken: &[Handover], steps: usize) -> Vec<Option<StepRequests>> {
    let mut rows: Vec<Vec<&ResourceRow>> = vec![Vec::new(); steps];
    let Some(last) = steps.checked_sub(1) else {
        return Vec::new();
    };
    for (k, batch) in taken.iter().enumerate() {
        for row in &batch.rows {
            let mut step = k.min(last);
            while step > 0
                && taken
                    .get(step - 1)
                    .is_some_and(|prev| prev.origin == batch.origin && row.2 <= prev.now)
            {
                step -= 1;
            }
            if let Some(list) = rows.get_mut(step) {
                list.push(row);
            }
        }
    }
    rows.into_iter().map(listed).collect()
}

/// A step's requests in start order; `None` when it started none. The
/// browser's own favicon request (initiator `other`) is not the page's.
pub fn listed<'a>(rows: impl IntoIterator<Item = &'a ResourceRow>) -> Option<StepRequests> {
    let rows: Vec<&ResourceRow> = rows
        .into_iter()
        .filter(|(url, initiator, ..)| !(initiator == "other" && url.ends_with("/favicon.ico")))
        .collect();
    if rows.is_empty() {
        return None;
    }
    let mut list: Vec<StepRequest> = rows.iter().map(|row| request(row)).collect();
    list.sort_by(|a, b| a.start_ms.total_cmp(&b.start_ms).then(a.url.cmp(&b.url)));
    let transfer_bytes = list.iter().map(|r| r.transfer_bytes).sum();
    let count = list.len();
    list.truncate(StepRequests::MAX_LISTED);
    Some(StepRequests {
        count,
        transfer_bytes,
        list,
    })
}

fn request(
    (url, initiator, start, duration, transfer, decoded, status): &ResourceRow,
) -> StepRequest {
    let bytes = |v: f64| {
        if v.is_finite() && v > 0.0 {
            v as u64
        } else {
            0
        }
    };
    let ms = |v: f64| {
        if v.is_finite() {
            (v * 10.0).round() / 10.0
        } else {
            0.0
        }
    };
    StepRequest {
        url: url.clone(),
        initiator: initiator.clone(),
        start_ms: ms(*start),
        duration_ms: ms(duration.max(0.0)),
        transfer_bytes: bytes(*transfer),
        decoded_bytes: bytes(*decoded),
        status: (*status >= 100.0 && *status < 1000.0).then_some(*status as u16),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(url: &str, start: f64, transfer: f64) -> ResourceRow {
        (
            url.into(),
            "fetch".into(),
            start,
            40.0,
            transfer,
            transfer * 3.0,
            200.0,
        )
    }

    #[test]
    fn a_request_goes_to_the_step_it_started_in() {
        // Step 1 opens the page (its load's entries), step 2 clicks and
        // lazy-loads a chunk whose response ends during step 3, step 3
        // clicks and calls an API that answers after the replay's last
        // hand-over of step 4.
        let favicon = (
            "http://h/favicon.ico".to_string(),
            "other".to_string(),
            50.0,
            3.0,
            310.0,
            10.0,
            404.0,
        );
        let load = [
            row("http://h/app.js", 12.0, 90_000.0),
            row("http://h/app.css", 10.0, 8_000.0),
            favicon,
        ];
        let step2 = [];
        let step3 = [row("http://h/settings.js", 1_520.0, 38_000.0)];
        let step4 = [];
        let after = [row("http://h/api/prefs", 2_410.0, 600.0)];
        let taken = [
            Handover {
                origin: 1.0,
                now: 400.0,
                rows: load.to_vec(),
            },
            Handover {
                origin: 1.0,
                now: 1_600.0,
                rows: step2.to_vec(),
            },
            Handover {
                origin: 1.0,
                now: 2_500.0,
                rows: step3.to_vec(),
            },
            Handover {
                origin: 1.0,
                now: 2_900.0,
                rows: step4.to_vec(),
            },
            Handover {
                origin: 1.0,
                now: 3_400.0,
                rows: after.to_vec(),
            },
        ];
        let steps = by_step(&taken, 4);
        assert_eq!(steps.len(), 4);
        let first = steps[0].as_ref().expect("the load's requests");
        assert_eq!(first.count, 2);
        assert_eq!(first.transfer_bytes, 98_000);
        // In start order.
        assert_eq!(first.list[0].url, "http://h/app.css");
        assert_eq!(
            first.largest().map(|r| r.url.as_str()),
            Some("http://h/app.js")
        );
        let second = steps[1].as_ref().expect("the chunk the click loaded");
        assert_eq!(second.list[0].url, "http://h/settings.js");
        assert_eq!(second.list[0].status, Some(200));
        let third = steps[2].as_ref().expect("the API call");
        assert_eq!(third.list[0].url, "http://h/api/prefs");
        assert!(steps[3].is_none());
    }

    #[test]
    fn a_new_document_starts_its_own_clock() {
        // Step 2 is a click on a link: its hand-over comes from the next
        // document, whose entries start near 0 on its own clock.
        let load = [row("http://h/a.js", 15.0, 1_000.0)];
        let next = [
            row("http://h/b.js", 14.0, 2_000.0),
            row("http://h/b.css", 9.0, 0.0),
        ];
        let taken = [
            Handover {
                origin: 1.0,
                now: 300.0,
                rows: load.to_vec(),
            },
            Handover {
                origin: 2.0,
                now: 250.0,
                rows: next.to_vec(),
            },
        ];
        let steps = by_step(&taken, 2);
        assert_eq!(steps[0].as_ref().map(|s| s.count), Some(1));
        let second = steps[1].as_ref().expect("the next document's requests");
        assert_eq!((second.count, second.transfer_bytes), (2, 2_000));
        // A response from the cache: no bytes on the wire, not the largest.
        assert_eq!(
            second.largest().map(|r| r.url.as_str()),
            Some("http://h/b.js")
        );
        assert!(by_step(&taken, 0).is_empty());
    }

    #[test]
    fn odd_values_are_kept_sane() {
        let rows = [(
            "http://h/x".to_string(),
            String::new(),
            f64::NAN,
            -5.0,
            -1.0,
            f64::INFINITY,
            0.0,
        )];
        let taken = [Handover {
            origin: 1.0,
            now: 10.0,
            rows: rows.to_vec(),
        }];
        let steps = by_step(&taken, 1);
        let r = &steps[0].as_ref().unwrap().list[0];
        assert_eq!(
            (r.start_ms, r.duration_ms, r.transfer_bytes, r.decoded_bytes),
            (0.0, 0.0, 0, 0)
        );
        assert_eq!(r.status, None);
    }
}
