//! React renders from the hook's commit log, with React DevTools Profiler's
//! semantics: per component, render count, longest and total render time.
//! A component is a slow render when a render of it took longer than the
//! threshold on its own (self time: actual minus rendered children), or with
//! its children (inclusive `actualDuration`) while doing at least
//! [`MIN_OWN_MS`] of work itself: a wrapper (`Provider`, a layout) above a
//! slow subtree crosses the threshold inclusive with no work of its own, and
//! is not a finding of its own (the commit's breakdown shows the path).
//! Slow renders are ranked by their own time. A commit is slow when its
//! render time (the root's `actualDuration`) is over the threshold; it is
//! shown with the components that spent the most self time in it.

use std::collections::BTreeMap;

use model::vitals::{ReactReport, SlowCommit, SlowRender};

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

/// Slow commits kept at most.
const MAX_SLOW_COMMITS: usize = 50;
/// Components listed at most (those with the most render time).
const MAX_COMPONENTS: usize = 500;

/// A commit's top components by self time (summed per name), up to 5.
fn top_components(renders: &[crate::gather::artifacts::ReactRender]) -> Vec<(String, f64, u64)> {
    let mut by_name: BTreeMap<&str, (f64, u64)> = BTreeMap::new();
    for r in renders {
        let slot = by_name.entry(r.name.as_str()).or_default();
        slot.0 += r.self_ms;
        slot.1 += 1;
    }
    let mut top: Vec<(String, f64, u64)> = by_name
        .into_iter()
        .map(|(name, (ms, n))| (name.to_string(), round(ms, 1), n))
        .collect();
    top.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    top.truncate(5);
    top
}

/// Merges the React logs of every run.
/// Own work (ms) below which a component slow only with its children is
/// not a slow render of its own.
pub const MIN_OWN_MS: f64 = 1.0;

/// Whether one render of a component is slow (see the module doc).
fn is_slow(self_ms: f64, actual_ms: f64, threshold: f64) -> bool {
    self_ms > threshold || (actual_ms > threshold && self_ms >= MIN_OWN_MS)
}

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
        if is_slow(render.self_ms, render.actual_ms, slow_render_ms) {
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
            .then_with(|| b.max_actual_ms.total_cmp(&a.max_actual_ms))
            .then_with(|| a.component.cmp(&b.component))
    });
    let mut slow_commits: Vec<SlowCommit> = logs
        .iter()
        .enumerate()
        .flat_map(|(run, log)| {
            log.commits.iter().filter_map(move |c| {
                // Older logs have no commit time: the largest inclusive render.
                let duration = c
                    .duration_ms
                    .or_else(|| c.renders.iter().map(|r| r.actual_ms).reduce(f64::max))?;
                (c.timed && duration > slow_render_ms).then(|| SlowCommit {
                    run,
                    at_ms: round(c.at_ms, 1),
                    duration_ms: round(duration, 1),
                    top: top_components(&c.renders),
                })
            })
        })
        .collect();
    slow_commits.sort_by(|a, b| {
        b.duration_ms
            .total_cmp(&a.duration_ms)
            .then_with(|| (a.run, a.at_ms.to_bits()).cmp(&(b.run, b.at_ms.to_bits())))
    });
    slow_commits.truncate(MAX_SLOW_COMMITS);
    ReactReport {
        detected,
        profiling,
        commits,
        slow_render_ms,
        slow_renders,
        slow_commits,
        // A page names its components: list the busiest ones.
        components: {
            let mut components: Vec<_> = all
                .into_iter()
                .map(|(name, stats)| stats.into_render(name))
                .collect();
            if components.len() > MAX_COMPONENTS {
                components.sort_by(|a, b| {
                    b.total_ms
                        .total_cmp(&a.total_ms)
                        .then(b.count.cmp(&a.count))
                        .then(a.component.cmp(&b.component))
                });
                components.truncate(MAX_COMPONENTS);
                components.sort_by(|a, b| a.component.cmp(&b.component));
            }
            components
        },
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
    #[test]
    fn a_commit_spread_over_many_components_is_slow_though_none_is() {
        let rows: Vec<ReactRender> = (0..4).map(|_| render("Row", 6.0, 6.0)).collect();
        let mut renders = vec![render("Table", 24.5, 0.5)];
        renders.extend(rows);
        let log = ReactLog {
            renderers: vec![],
            commits: vec![ReactCommit {
                at_ms: 120.0,
                timed: true,
                renders,
                duration_ms: Some(24.9),
            }],
        };
        let r = react_report(&[&log], 16.0);
        assert_eq!(r.slow_commits.len(), 1);
        assert_eq!(r.slow_commits[0].top[0], ("Row".to_string(), 24.0, 4));
        // Table is slow only with its children (24.5 ms inclusive, 0.5 ms
        // of its own) and no Row is: no slow render, the slow commit names
        // where the time went.
        assert!(r.slow_renders.is_empty(), "{:?}", r.slow_renders);
    }

    use super::*;
    use crate::gather::artifacts::{ReactCommit, ReactRender};

    fn render(name: &str, actual: f64, self_ms: f64) -> ReactRender {
        ReactRender {
            name: name.into(),
            actual_ms: actual,
            self_ms,
            why: None,
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
                    renders: vec![
                        render("Provider", 31.2, 0.2),
                        render("App", 31.0, 2.5),
                        render("Slow", 28.5, 28.5),
                    ],
                    duration_ms: Some(31.2),
                },
                ReactCommit {
                    at_ms: 60.0,
                    timed: true,
                    renders: vec![render("Slow", 30.0, 30.0), render("Fast", 1.0, 1.0)],
                    duration_ms: Some(31.0),
                },
            ],
        };
        let r = react_report(&[&log], 16.0);
        assert!(r.detected && r.profiling);
        assert_eq!(r.commits, 2);
        // Slow on its own, and App with its children (31 ms inclusive, 2.5 ms
        // of its own); the Provider above them does no work of its own.
        let names: Vec<&str> = r
            .slow_renders
            .iter()
            .map(|s| s.component.as_str())
            .collect();
        assert_eq!(names, vec!["Slow", "App"]);
        assert_eq!(r.slow_commits.len(), 2);
        assert_eq!(r.slow_commits[0].duration_ms, 31.2);
        assert_eq!(r.slow_commits[0].top[0].0, "Slow");
        assert!(is_slow(17.0, 17.0, 16.0) && is_slow(1.0, 40.0, 16.0));
        assert!(!is_slow(0.9, 40.0, 16.0) && !is_slow(15.0, 15.5, 16.0));
        let slow = &r.slow_renders[0];
        assert_eq!(
            (
                slow.component.as_str(),
                slow.count,
                slow.max_ms,
                slow.total_ms
            ),
            ("Slow", 2, 30.0, 58.5)
        );
        assert_eq!(r.components.len(), 4);
        assert_eq!(slowest_render_ms(&r), Some(30.0));
    }

    #[test]
    fn production_commits_are_counted_without_timings() {
        let log = ReactLog {
            renderers: vec![],
            commits: vec![ReactCommit {
                at_ms: 1.0,
                timed: false,
                renders: vec![],
                duration_ms: None,
            }],
        };
        let r = react_report(&[&log], 16.0);
        assert!(r.detected && !r.profiling);
        assert_eq!(r.commits, 1);
        assert!(r.slow_renders.is_empty());
    }
}
