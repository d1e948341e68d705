//! What one step of a flow cost, from what the page recorded during it
//! (`flow.js`'s `take`): total blocking time, layout shifts, long animation
//! frames, and the React commits the step caused with why each component
//! rendered. Pure functions over the recorded rows.

use std::collections::BTreeMap;

use model::vitals::{
    CommitComponent, ComponentRenders, FrameScript, LongFrame, StepCommit, StepReport,
};
use serde::Deserialize;

use super::inp::EventEntry;
use super::trace::round;
use crate::gather::artifacts::ReactLog;

/// An Event Timing entry as `flow.js` buffers it: name, interactionId,
/// startTime, processingStart, processingEnd, duration, target.
pub type EntryRow = (String, u64, f64, f64, f64, f64, Option<String>);

/// A long animation frame as `flow.js` buffers it: start, duration,
/// blockingDuration, scripts.
pub type FrameRow = (f64, f64, f64, Vec<ScriptRow>);

/// A script of a frame: sourceURL, sourceFunctionName, invoker, duration,
/// forcedStyleAndLayoutDuration, sourceCharPosition (-1 when unknown).
pub type ScriptRow = (String, String, String, f64, f64, i64);

/// What the page recorded during one step.
#[derive(Debug, Default, Deserialize)]
pub struct StepData {
    /// Event Timing entries of interactions.
    #[serde(default)]
    pub events: Vec<EntryRow>,
    /// Long animation frames.
    #[serde(default)]
    pub frames: Vec<FrameRow>,
    /// Layout shifts: start, value, hadRecentInput, sources.
    #[serde(default)]
    pub shifts: Vec<serde_json::Value>,
    /// Long tasks: start, duration.
    #[serde(default)]
    pub longtasks: Vec<(f64, f64)>,
    /// React commits, as `init.js` records them.
    #[serde(default)]
    pub commits: Vec<serde_json::Value>,
    /// Requests whose response ended since the last step.
    #[serde(default)]
    pub resources: Vec<super::step_requests::ResourceRow>,
    /// When the page handed these over, ms from its time origin.
    #[serde(default)]
    pub now: f64,
    /// The document's time origin (`performance.timeOrigin`): which
    /// document recorded them.
    #[serde(default)]
    pub origin: f64,
}

impl StepData {
    /// The Event Timing entries.
    pub fn entries(&self) -> Vec<EventEntry> {
        self.events
            .iter()
            .cloned()
            .map(
                |(name, interaction_id, start, p_start, p_end, duration, target)| EventEntry {
                    name,
                    interaction_id,
                    start_ms: start,
                    processing_start_ms: p_start,
                    processing_end_ms: p_end,
                    duration_ms: duration,
                    target,
                },
            )
            .collect()
    }

    /// The React commits as a [`ReactLog`].
    pub fn react(&self) -> ReactLog {
        let value = serde_json::json!({ "react": { "commits": self.commits } });
        crate::gather::run::parse_react(&value)
    }
}

/// Long frames and commits kept per step.
const MAX_FRAMES: usize = 5;
const MAX_SCRIPTS: usize = 5;
const MAX_COMMITS: usize = 20;
const MAX_COMPONENTS: usize = 10;

/// Fills a step's costs (everything but its interactions) from `data`.
pub fn fill(step: &mut StepReport, data: &StepData) {
    step.tbt_ms = Some(tbt(&data.longtasks));
    step.cls = Some(cls(&data.shifts));
    step.shifted = shifted(&data.shifts);
    step.long_frames = long_frames(&data.frames);
    let react = data.react();
    step.commits = commits(&react);
    step.unnecessary_renders = unnecessary(&react);
}

/// Total blocking time: each long task's time over 50 ms.
pub fn tbt(longtasks: &[(f64, f64)]) -> f64 {
    round(longtasks.iter().map(|(_, d)| (d - 50.0).max(0.0)).sum(), 0)
}

/// Layout shifts without recent input, summed (rows as `init.js` records
/// them: `[start, value, hadRecentInput, sources]`).
pub fn cls(shifts: &[serde_json::Value]) -> f64 {
    let sum: f64 = shifts
        .iter()
        .filter(|s| !s.get(2).and_then(|v| v.as_bool()).unwrap_or(false))
        .filter_map(|s| s.get(1)?.as_f64())
        .sum();
    round(sum, 4)
}

/// The elements the counted shifts moved, by the shift value they took
/// part in (summed), at most 5.
pub fn shifted(shifts: &[serde_json::Value]) -> Vec<String> {
    let mut by_element: BTreeMap<String, f64> = BTreeMap::new();
    for s in shifts
        .iter()
        .filter(|s| !s.get(2).and_then(|v| v.as_bool()).unwrap_or(false))
    {
        let value = s.get(1).and_then(|v| v.as_f64()).unwrap_or(0.0);
        for element in s.get(3).and_then(|v| v.as_array()).into_iter().flatten() {
            if let Some(name) = element.as_str() {
                *by_element.entry(name.to_string()).or_default() += value;
            }
        }
    }
    let mut ranked: Vec<(String, f64)> = by_element.into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ranked.into_iter().take(5).map(|(e, _)| e).collect()
}

/// The longest frames, each with its longest scripts.
pub fn long_frames(rows: &[FrameRow]) -> Vec<LongFrame> {
    let mut frames: Vec<LongFrame> = rows
        .iter()
        .map(|(start, duration, blocking, scripts)| {
            let mut scripts: Vec<FrameScript> = scripts.iter().map(script).collect();
            scripts.sort_by(|a, b| b.duration_ms.total_cmp(&a.duration_ms));
            scripts.truncate(MAX_SCRIPTS);
            LongFrame {
                start_ms: round(*start, 1),
                duration_ms: round(*duration, 1),
                blocking_ms: round(*blocking, 1),
                scripts,
            }
        })
        .collect();
    frames.sort_by(|a, b| {
        b.duration_ms
            .total_cmp(&a.duration_ms)
            .then(a.start_ms.total_cmp(&b.start_ms))
    });
    frames.truncate(MAX_FRAMES);
    frames
}

fn script(row: &ScriptRow) -> FrameScript {
    let (source, function, invoker, duration, forced, position) = row;
    let named = |s: &String| (!s.is_empty()).then(|| s.clone());
    FrameScript {
        source: source.clone(),
        function: named(function),
        invoker: named(invoker),
        duration_ms: round(*duration, 1),
        forced_layout_ms: round(*forced, 1),
        char_position: u64::try_from(*position).ok(),
        module: None,
        package: None,
    }
}

/// The timed commits, each with its components by self time.
pub fn commits(log: &ReactLog) -> Vec<StepCommit> {
    log.commits
        .iter()
        .filter(|c| c.timed)
        .take(MAX_COMMITS)
        .map(|c| {
            let mut components: Vec<CommitComponent> = c
                .renders
                .iter()
                .map(|r| CommitComponent {
                    component: r.name.clone(),
                    self_ms: round(r.self_ms, 1),
                    actual_ms: round(r.actual_ms, 1),
                    why: r.why.clone(),
                })
                .collect();
            components.sort_by(|a, b| {
                b.self_ms
                    .total_cmp(&a.self_ms)
                    .then_with(|| a.component.cmp(&b.component))
            });
            components.truncate(MAX_COMPONENTS);
            StepCommit {
                duration_ms: round(c.duration_ms.unwrap_or(0.0), 1),
                components,
            }
        })
        .collect()
}

/// Renders whose props, state and context did not change (the parent
/// rendered), per component.
pub fn unnecessary(log: &ReactLog) -> Vec<ComponentRenders> {
    tally(log, |why| why == Some("parent"))
}

/// Renders per component over every commit of `logs`.
pub fn render_counts<'a>(logs: impl IntoIterator<Item = &'a ReactLog>) -> Vec<ComponentRenders> {
    let mut by_name: BTreeMap<String, (u64, f64)> = BTreeMap::new();
    for log in logs {
        for c in &tally(log, |_| true) {
            let slot = by_name.entry(c.component.clone()).or_default();
            slot.0 += c.count;
            slot.1 += c.self_ms;
        }
    }
    ranked(by_name)
}

fn tally(log: &ReactLog, keep: impl Fn(Option<&str>) -> bool) -> Vec<ComponentRenders> {
    let mut by_name: BTreeMap<String, (u64, f64)> = BTreeMap::new();
    for r in log.commits.iter().flat_map(|c| &c.renders) {
        if keep(r.why.as_deref()) {
            let slot = by_name.entry(r.name.clone()).or_default();
            slot.0 += 1;
            slot.1 += r.self_ms;
        }
    }
    ranked(by_name)
}

fn ranked(by_name: BTreeMap<String, (u64, f64)>) -> Vec<ComponentRenders> {
    let mut out: Vec<ComponentRenders> = by_name
        .into_iter()
        .map(|(component, (count, ms))| ComponentRenders {
            component,
            count,
            self_ms: round(ms, 1),
        })
        .collect();
    out.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(b.self_ms.total_cmp(&a.self_ms))
            .then_with(|| a.component.cmp(&b.component))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `flow.take()` returned after a click on a real React 18
    /// development build (rows trimmed to this step).
    const RECORDED: &str = r##"{"now":2412.5,
      "events":[["pointerup",7,2100.2,2101.0,2101.3,16,"button#more"],["click",7,2100.2,2101.5,2189.9,96,"button#more"]],
      "frames":[[2099.8,96.4,46.1,[["http://127.0.0.1:4173/react-flow.js","Slow","BUTTON#more.onclick",88.2,0.4,812],["","","TimerHandler:setTimeout",2.0,0,-1]]]],
      "shifts":[[2150.1,0.02,true,["div#list"]],[2300.4,0.05,false,["p.note"]]],
      "longtasks":[[2100.9,90.1],[2250.0,40.0]],
      "commits":[[2190.0,true,[["App",88.9,0.6,"state"],["List",88.1,80.0,"props"],["Badge",0.3,0.3,"parent"],["Badge",0.2,0.2,"parent"]],88.9],
                 [2195.0,false,[],null]]}"##;

    #[test]
    fn a_recorded_step_gives_its_costs() {
        let data: StepData = serde_json::from_str(RECORDED).unwrap();
        let mut step = StepReport::default();
        fill(&mut step, &data);
        assert_eq!(step.tbt_ms, Some(40.0));
        // The shift right after the input is not counted (CLS's rule).
        assert_eq!(step.cls, Some(0.05));
        assert_eq!(step.shifted, ["p.note"]);
        assert_eq!(step.long_frames.len(), 1);
        let frame = &step.long_frames[0];
        assert_eq!((frame.duration_ms, frame.blocking_ms), (96.4, 46.1));
        assert_eq!(frame.scripts[0].function.as_deref(), Some("Slow"));
        assert_eq!(
            frame.scripts[0].invoker.as_deref(),
            Some("BUTTON#more.onclick")
        );
        assert_eq!(frame.scripts[1].function, None);
        // The untimed commit (a production build) gives no breakdown.
        assert_eq!(step.commits.len(), 1);
        let commit = &step.commits[0];
        assert_eq!(commit.duration_ms, 88.9);
        assert_eq!(commit.components[0].component, "List");
        assert_eq!(commit.components[0].why.as_deref(), Some("props"));
        assert_eq!(
            step.unnecessary_renders,
            vec![ComponentRenders {
                component: "Badge".into(),
                count: 2,
                self_ms: 0.5
            }]
        );
        assert_eq!(data.entries().len(), 2);
    }

    #[test]
    fn render_counts_add_up_over_steps() {
        let data: StepData = serde_json::from_str(RECORDED).unwrap();
        let log = data.react();
        let counts = render_counts([&log, &log]);
        assert_eq!(counts[0].component, "Badge");
        assert_eq!(counts[0].count, 4);
        assert_eq!(
            counts
                .iter()
                .find(|c| c.component == "App")
                .map(|c| c.count),
            Some(2)
        );
    }
}
