//! React renders from the hook's commit log: per component, render count,
//! longest and total render time; components whose self time (actual minus
//! rendered children) exceeded the threshold are slow renders.

use std::collections::BTreeMap;

use model::vitals::{ReactReport, SlowRender};

use super::trace::round;
use crate::gather::artifacts::ReactLog;

#[derive(Default)]
struct Stats {
    count: u64,
    max: f64,
    total: f64,
    max_actual: f64,
}

impl Stats {
    fn add(&mut self, self_ms: f64, actual_ms: f64) {
        self.count += 1;
        self.max = self.max.max(self_ms);
        self.total += self_ms;
        self.max_actual = self.max_actual.max(actual_ms);
    }

    fn into_render(self, component: String) -> SlowRender {
        SlowRender {
            component,
            count: self.count,
            max_ms: round(self.max, 1),
            total_ms: round(self.total, 1),
            max_actual_ms: round(self.max_actual, 1),
        }
    }
}

/// Merges the React logs of every run.
pub fn react_report(logs: &[&ReactLog], slow_render_ms: f64) -> ReactReport {
    let detected = logs
        .iter()
        .any(|l| !l.renderers.is_empty() || !l.commits.is_empty());
    let commits: u64 = logs.iter().map(|l| l.commits.len() as u64).sum();
    let profiling = logs.iter().flat_map(|l| &l.commits).any(|c| c.timed);
    let mut all: BTreeMap<String, Stats> = BTreeMap::new();
    let mut slow: BTreeMap<String, Stats> = BTreeMap::new();
    for render in logs
        .iter()
        .flat_map(|l| &l.commits)
        .flat_map(|c| &c.renders)
    {
        all.entry(render.name.clone())
            .or_default()
            .add(render.self_ms, render.actual_ms);
        if render.self_ms > slow_render_ms {
            slow.entry(render.name.clone())
                .or_default()
                .add(render.self_ms, render.actual_ms);
        }
    }
    let mut slow_renders: Vec<SlowRender> = slow
        .into_iter()
        .map(|(name, stats)| stats.into_render(name))
        .collect();
    slow_renders.sort_by(|a, b| {
        b.max_ms
            .total_cmp(&a.max_ms)
            .then_with(|| a.component.cmp(&b.component))
    });
    ReactReport {
        detected,
        profiling,
        commits,
        slow_render_ms,
        slow_renders,
        components: all
            .into_iter()
            .map(|(name, stats)| stats.into_render(name))
            .collect(),
    }
}

/// The slowest render (self time) over all components, for the render budget.
pub fn slowest_render_ms(report: &ReactReport) -> Option<f64> {
    report
        .components
        .iter()
        .map(|c| c.max_ms)
        .fold(None, |acc: Option<f64>, v| {
            Some(acc.map_or(v, |a| a.max(v)))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gather::artifacts::{ReactCommit, ReactRender};

    fn render(name: &str, actual: f64, self_ms: f64) -> ReactRender {
        ReactRender {
            name: name.into(),
            actual_ms: actual,
            self_ms,
        }
    }

    #[test]
    fn slow_renders_use_self_time() {
        let log = ReactLog {
            renderers: vec![],
            commits: vec![
                ReactCommit {
                    at_ms: 10.0,
                    timed: true,
                    renders: vec![render("App", 31.0, 0.5), render("Slow", 30.5, 30.5)],
                },
                ReactCommit {
                    at_ms: 60.0,
                    timed: true,
                    renders: vec![render("Slow", 30.0, 30.0), render("Fast", 1.0, 1.0)],
                },
            ],
        };
        let r = react_report(&[&log], 16.0);
        assert!(r.detected && r.profiling);
        assert_eq!(r.commits, 2);
        assert_eq!(r.slow_renders.len(), 1);
        let slow = &r.slow_renders[0];
        assert_eq!(
            (
                slow.component.as_str(),
                slow.count,
                slow.max_ms,
                slow.total_ms
            ),
            ("Slow", 2, 30.5, 60.5)
        );
        assert_eq!(r.components.len(), 3);
        assert_eq!(slowest_render_ms(&r), Some(30.5));
    }

    #[test]
    fn production_commits_are_counted_without_timings() {
        let log = ReactLog {
            renderers: vec![],
            commits: vec![ReactCommit {
                at_ms: 1.0,
                timed: false,
                renders: vec![],
            }],
        };
        let r = react_report(&[&log], 16.0);
        assert!(r.detected && !r.profiling);
        assert_eq!(r.commits, 1);
        assert!(r.slow_renders.is_empty());
    }
}
