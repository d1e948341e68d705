//! V8's sampling CPU profile of one load: `Profiler.setSamplingInterval`
//! and `Profiler.start` right after the coverage started (the Profiler
//! domain is already enabled, before the navigation), `Profiler.stop` when
//! the run settled, before the coverage is taken.
//!
//! Why the Profiler domain and not the trace's samples
//! (`disabled-by-default-v8.cpu_profiler`): both run the same V8 sampler
//! at the same interval, so the page pays the same; but the trace streams
//! its samples in `ProfileChunk` events during the load, through the same
//! pipe as the events the metrics read, to be reassembled, while
//! `Profiler.stop` hands over one finished profile after the run settled.

use chromiumoxide::Page;
use chromiumoxide::cdp::js_protocol::profiler::{
    Profile as CdpProfile, SetSamplingIntervalParams, StartParams, StopParams,
};
use tokio::time::Instant;

use super::artifacts::{CpuProfile, ProfileFrame, ProfileNode};

/// µs between samples: V8's default (1 ms), fine enough for a load of
/// hundreds of ms, cheap enough to leave on (`docs/benchmarks.md`).
pub const SAMPLING_INTERVAL_US: i64 = 1000;

/// Starts sampling (the Profiler domain must be enabled). Whether it started.
pub async fn start(page: &Page, deadline: Instant) -> bool {
    let interval = page.execute(SetSamplingIntervalParams::new(SAMPLING_INTERVAL_US));
    if !matches!(tokio::time::timeout_at(deadline, interval).await, Ok(Ok(_))) {
        return false;
    }
    matches!(
        tokio::time::timeout_at(deadline, page.execute(StartParams::default())).await,
        Ok(Ok(_))
    )
}

/// Stops sampling and returns the profile; `None` when the page did not
/// answer by `deadline`.
pub async fn stop(page: &Page, deadline: Instant) -> Option<CpuProfile> {
    let stopped = tokio::time::timeout_at(deadline, page.execute(StopParams::default()))
        .await
        .ok()?
        .ok()?;
    Some(profile_of(&stopped.result.profile))
}

/// The artifact of a protocol profile.
pub fn profile_of(profile: &CdpProfile) -> CpuProfile {
    CpuProfile {
        nodes: profile
            .nodes
            .iter()
            .map(|n| ProfileNode {
                id: n.id,
                call_frame: ProfileFrame {
                    function_name: n.call_frame.function_name.clone(),
                    script_id: n.call_frame.script_id.inner().clone(),
                    url: n.call_frame.url.clone(),
                    line_number: n.call_frame.line_number,
                    column_number: n.call_frame.column_number,
                },
                children: n.children.clone().unwrap_or_default(),
            })
            .collect(),
        start_time: profile.start_time,
        end_time: profile.end_time,
        samples: profile.samples.clone().unwrap_or_default(),
        time_deltas: profile.time_deltas.clone().unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_protocol_profile_reads_as_the_artifact() {
        let raw = serde_json::json!({
            "nodes": [
                {"id": 1, "callFrame": {"functionName": "(root)", "scriptId": "0", "url": "",
                 "lineNumber": -1, "columnNumber": -1}, "hitCount": 0, "children": [2]},
                {"id": 2, "callFrame": {"functionName": "burn", "scriptId": "7",
                 "url": "http://h/app.js", "lineNumber": 0, "columnNumber": 120}, "hitCount": 3}
            ],
            "startTime": 10.0, "endTime": 3010.0, "samples": [2, 2, 2], "timeDeltas": [5, 1000, 1000]
        });
        let cdp: CdpProfile = serde_json::from_value(raw.clone()).unwrap();
        let ours = profile_of(&cdp);
        assert_eq!(ours.nodes[1].call_frame.url, "http://h/app.js");
        assert_eq!(ours.nodes[0].children, vec![2]);
        // The artifact reads the protocol's JSON directly too.
        let direct: CpuProfile = serde_json::from_value(raw).unwrap();
        assert_eq!(direct, ours);
    }
}
