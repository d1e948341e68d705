//! A flow's interaction timeline (inline SVG): one row per interaction of
//! the median replay, in order, each bar split as the web-vitals
//! attribution splits its latency (input delay, processing, presentation
//! delay), on a shared 0–max scale, with the INP budget's line.

use model::vitals::FlowRun;

use super::vitals::{Tick, nice_step, num};
use crate::format;

/// One segment of a bar.
pub struct Segment {
    pub x: String,
    pub w: String,
    pub class: &'static str,
    pub title: String,
}

/// One interaction's row.
pub struct Row {
    pub label: String,
    pub y: String,
    pub text_y: String,
    pub segments: Vec<Segment>,
}

/// The timeline of one flow.
pub struct FlowTimeline {
    pub height: String,
    pub axis_y: String,
    pub rows: Vec<Row>,
    pub ticks: Vec<Tick>,
    /// Where the 200 ms line is ("" when off the scale).
    pub good_x: String,
}

/// Rows shown at most.
const MAX_ROWS: usize = 40;

/// The timeline of a replay's interactions; `None` without any.
pub fn flow_timeline(run: &FlowRun) -> Option<FlowTimeline> {
    const WIDTH: f64 = 1000.0;
    const LEFT: f64 = 190.0;
    const ROW: f64 = 22.0;
    let items: Vec<(String, &model::vitals::Interaction)> = run
        .steps
        .iter()
        .flat_map(|s| {
            let rep = s
                .repetition
                .map(|r| format!(" (rep {r})"))
                .unwrap_or_default();
            s.interactions
                .iter()
                .map(move |i| (format!("step {} {}{rep}", s.number, i.event), i))
        })
        .take(MAX_ROWS)
        .collect();
    if items.is_empty() {
        return None;
    }
    let end = items
        .iter()
        .map(|(_, i)| i.duration_ms)
        .fold(200.0_f64, f64::max)
        * 1.05;
    let scale = |ms: f64| LEFT + (ms.max(0.0) / end) * (WIDTH - LEFT - 10.0);
    let rows = items
        .iter()
        .enumerate()
        .map(|(n, (label, i))| {
            let y = 8.0 + n as f64 * ROW;
            let parts = [
                ("delay", "input delay", i.input_delay_ms),
                ("processing", "processing", i.processing_ms),
                (
                    "presentation",
                    "presentation delay",
                    i.presentation_delay_ms,
                ),
            ];
            let mut at = 0.0;
            let segments = parts
                .into_iter()
                .map(|(class, name, ms)| {
                    let ms = ms.max(0.0);
                    let seg = Segment {
                        x: num(scale(at)),
                        w: num((scale(at + ms) - scale(at)).max(0.5)),
                        class,
                        title: format!(
                            "{label} on {}: {name} {} (of {})",
                            i.target.as_deref().unwrap_or("?"),
                            format::ms(ms),
                            format::ms(i.duration_ms)
                        ),
                    };
                    at += ms;
                    seg
                })
                .collect();
            Row {
                label: label.clone(),
                y: num(y),
                text_y: num(y + ROW / 2.0 + 1.0),
                segments,
            }
        })
        .collect();
    let axis = 8.0 + items.len() as f64 * ROW + 4.0;
    let step = nice_step(end / 6.0);
    let ticks = (0..)
        .map(|k| k as f64 * step)
        .take_while(|ms| *ms <= end)
        .map(|ms| Tick {
            x: num(scale(ms)),
            label: format::ms(ms),
        })
        .collect();
    Some(FlowTimeline {
        height: num(axis + 18.0),
        axis_y: num(axis),
        rows,
        ticks,
        good_x: num(scale(200.0)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::vitals::{Interaction, StepReport};

    #[test]
    fn each_interaction_is_a_bar_split_by_its_attribution() {
        let interaction = |duration: f64| Interaction {
            id: 1,
            event: "click".into(),
            target: Some("button#add".into()),
            start_ms: 0.0,
            duration_ms: duration,
            input_delay_ms: 10.0,
            processing_ms: duration - 20.0,
            presentation_delay_ms: 10.0,
        };
        let run = FlowRun {
            steps: vec![
                StepReport {
                    number: 2,
                    kind: "navigate".into(),
                    ..StepReport::default()
                },
                StepReport {
                    number: 3,
                    kind: "click".into(),
                    interactions: vec![interaction(400.0)],
                    ..StepReport::default()
                },
            ],
            ..FlowRun::default()
        };
        let t = flow_timeline(&run).expect("a timeline");
        assert_eq!(t.rows.len(), 1);
        let row = &t.rows[0];
        assert_eq!(row.label, "step 3 click");
        assert_eq!(row.segments.len(), 3);
        // Segments follow each other: processing starts where the delay ends.
        let end_of = |s: &Segment| s.x.parse::<f64>().unwrap() + s.w.parse::<f64>().unwrap();
        assert!((end_of(&row.segments[0]) - row.segments[1].x.parse::<f64>().unwrap()).abs() < 0.2);
        assert!(
            row.segments[1]
                .title
                .contains("processing 380 ms (of 400 ms)")
        );
        assert!(flow_timeline(&FlowRun::default()).is_none());
    }
}
