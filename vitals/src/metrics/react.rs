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

use model::vitals::{ReactPackage, ReactReport, SlowCommit, SlowRender};

use super::trace::round;
use crate::gather::artifacts::{ReactLog, ReactRender};

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

    fn into_render(self, key: Key, cpu_ms: Option<f64>) -> SlowRender {
        SlowRender {
            component: key.0,
            count: self.count,
            max_ms: round(self.max, 1),
            total_ms: round(self.total, 1),
            max_actual_ms: round(self.max_actual, 1),
            module: key.1,
            package: key.2,
            cpu_ms: cpu_ms.map(|ms| round(ms, 1)),
        }
    }
}

/// A component: its name, defining module and package (`None`s when the
/// run did not locate it): two components of one name in two modules are
/// two components.
type Key = (String, Option<String>, Option<String>);

/// The key of a render of `log`.
fn key_of(log: &ReactLog, render: &ReactRender) -> Key {
    match render.component.and_then(|i| log.components.get(i)) {
        Some(c) if c.module.is_some() => (render.name.clone(), c.module.clone(), c.package.clone()),
        _ => (render.name.clone(), None, None),
    }
}

/// CPU time of each located component's function, summed over the runs
/// with a profile.
fn cpu_times(logs: &[&ReactLog]) -> BTreeMap<Key, f64> {
    let mut out: BTreeMap<Key, f64> = BTreeMap::new();
    for c in logs.iter().flat_map(|l| &l.components) {
        if let (Some(_), Some(ms)) = (&c.module, c.cpu_ms) {
            let key = (c.name.clone(), c.module.clone(), c.package.clone());
            *out.entry(key).or_default() += ms;
        }
    }
    out
}

/// Render time by defining package, from the per-component rows.
fn by_package(components: &[SlowRender]) -> Vec<ReactPackage> {
    let mut packages: BTreeMap<Option<String>, ReactPackage> = BTreeMap::new();
    for c in components.iter().filter(|c| c.module.is_some()) {
        let p = packages
            .entry(c.package.clone())
            .or_insert_with(|| ReactPackage {
                package: c.package.clone(),
                components: 0,
                renders: 0,
                self_ms: 0.0,
                cpu_ms: None,
            });
        p.components += 1;
        p.renders += c.count;
        p.self_ms += c.total_ms;
        if let Some(ms) = c.cpu_ms {
            p.cpu_ms = Some(p.cpu_ms.unwrap_or(0.0) + ms);
        }
    }
    let mut out: Vec<ReactPackage> = packages
        .into_values()
        .map(|mut p| {
            p.self_ms = round(p.self_ms, 1);
            p.cpu_ms = p.cpu_ms.map(|ms| round(ms, 1));
            p
        })
        .collect();
    out.sort_by(|a, b| {
        b.self_ms
            .total_cmp(&a.self_ms)
            .then(b.cpu_ms.unwrap_or(0.0).total_cmp(&a.cpu_ms.unwrap_or(0.0)))
            .then_with(|| a.package.cmp(&b.package))
    });
    out
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
    let mut all: BTreeMap<Key, Stats> = BTreeMap::new();
    let mut slow: BTreeMap<Key, Stats> = BTreeMap::new();
    for log in logs {
        for render in log.commits.iter().flat_map(|c| &c.renders) {
            let key = key_of(log, render);
            if is_slow(render.self_ms, render.actual_ms, slow_render_ms) {
                slow.entry(key.clone())
                    .or_default()
                    .add(render.self_ms, render.actual_ms);
            }
            all.entry(key)
                .or_default()
                .add(render.self_ms, render.actual_ms);
        }
    }
    let cpu = cpu_times(logs);
    // A build without render timings: its located components with CPU time
    // are listed with no renders counted.
    for key in cpu.keys() {
        all.entry(key.clone()).or_default();
    }
    let mut slow_renders = component_rows(slow, &cpu);
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
    let components = component_rows(all, &cpu);
    ReactReport {
        detected,
        profiling,
        commits,
        slow_render_ms,
        slow_renders,
        slow_commits,
        packages: by_package(&components),
        components: busiest(components),
    }
}

/// A row per component, keyed as [`Key`], with its CPU time.
fn component_rows(all: BTreeMap<Key, Stats>, cpu: &BTreeMap<Key, f64>) -> Vec<SlowRender> {
    all.into_iter()
        .map(|(key, stats)| {
            let ms = cpu.get(&key).copied();
            stats.into_render(key, ms)
        })
        .collect()
}

/// A page names its components: the busiest ones (render time, then CPU
/// time, then renders), in name order.
fn busiest(mut components: Vec<SlowRender>) -> Vec<SlowRender> {
    if components.len() > MAX_COMPONENTS {
        components.sort_by(|a, b| {
            b.total_ms
                .total_cmp(&a.total_ms)
                .then(b.cpu_ms.unwrap_or(0.0).total_cmp(&a.cpu_ms.unwrap_or(0.0)))
                .then(b.count.cmp(&a.count))
                .then(a.component.cmp(&b.component))
        });
        components.truncate(MAX_COMPONENTS);
    }
    components.sort_by(|a, b| {
        a.component
            .cmp(&b.component)
            .then_with(|| a.module.cmp(&b.module))
    });
    components
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
            components: vec![],
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
    use crate::gather::artifacts::{ReactCommit, ReactComponent, ReactRender};

    fn render(name: &str, actual: f64, self_ms: f64) -> ReactRender {
        ReactRender {
            name: name.into(),
            actual_ms: actual,
            self_ms,
            why: None,
            component: None,
        }
    }

    fn component(
        name: &str,
        module: &str,
        package: Option<&str>,
        cpu: Option<f64>,
    ) -> ReactComponent {
        ReactComponent {
            name: name.into(),
            location: None,
            module: Some(module.into()),
            package: package.map(str::to_string),
            cpu_ms: cpu,
        }
    }

    #[test]
    fn components_are_told_apart_by_module_and_summed_by_package() {
        let at = |name: &str, self_ms: f64, i: usize| ReactRender {
            component: Some(i),
            ..render(name, self_ms, self_ms)
        };
        let log = ReactLog {
            renderers: vec![],
            components: vec![
                component("Item", "src/cart/Item.tsx", None, Some(3.0)),
                component(
                    "Item",
                    "node_modules/ui-kit/dist/Item.js",
                    Some("ui-kit"),
                    Some(9.0),
                ),
                component(
                    "QRCodeSVG",
                    "node_modules/qrcode.react/lib/esm/index.js",
                    Some("qrcode.react"),
                    Some(30.5),
                ),
            ],
            commits: vec![ReactCommit {
                at_ms: 5.0,
                timed: true,
                renders: vec![
                    at("Item", 2.0, 0),
                    at("Item", 8.0, 1),
                    at("QRCodeSVG", 20.0, 2),
                    at("QRCodeSVG", 7.0, 2),
                    render("Lost", 1.0, 1.0),
                ],
                duration_ms: Some(40.0),
            }],
        };
        let r = react_report(&[&log, &log], 16.0);
        let items: Vec<_> = r
            .components
            .iter()
            .filter(|c| c.component == "Item")
            .collect();
        assert_eq!(items.len(), 2, "{:?}", r.components);
        let kit = items
            .iter()
            .find(|c| c.package.as_deref() == Some("ui-kit"))
            .unwrap();
        assert_eq!((kit.count, kit.total_ms, kit.cpu_ms), (2, 16.0, Some(18.0)));
        // The slow render names where it is defined.
        assert_eq!(r.slow_renders.len(), 1);
        assert_eq!(r.slow_renders[0].package.as_deref(), Some("qrcode.react"));
        assert_eq!(r.slow_renders[0].cpu_ms, Some(61.0));
        // By package over both runs; the unlocated `Lost` is in no package row.
        let rows: Vec<_> = r
            .packages
            .iter()
            .map(|p| {
                (
                    p.package.as_deref(),
                    p.components,
                    p.renders,
                    p.self_ms,
                    p.cpu_ms,
                )
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                (Some("qrcode.react"), 1, 4, 54.0, Some(61.0)),
                (Some("ui-kit"), 1, 2, 16.0, Some(18.0)),
                (None, 1, 2, 4.0, Some(6.0)),
            ]
        );
        assert!(
            r.components
                .iter()
                .any(|c| c.component == "Lost" && c.module.is_none())
        );
    }

    #[test]
    fn a_production_build_lists_located_components_by_cpu_time() {
        let log = ReactLog {
            renderers: vec![],
            components: vec![component(
                "Chart",
                "node_modules/recharts/es6/chart/Chart.js",
                Some("recharts"),
                Some(42.0),
            )],
            commits: vec![ReactCommit {
                at_ms: 1.0,
                timed: false,
                renders: vec![],
                duration_ms: None,
            }],
        };
        let r = react_report(&[&log], 16.0);
        assert!(!r.profiling && r.slow_renders.is_empty());
        assert_eq!(r.components.len(), 1);
        assert_eq!(
            (r.components[0].count, r.components[0].cpu_ms),
            (0, Some(42.0))
        );
        assert_eq!(r.packages[0].cpu_ms, Some(42.0));
        assert_eq!(r.packages[0].self_ms, 0.0);
    }

    #[test]
    fn slow_renders_use_self_time() {
        let log = ReactLog {
            renderers: vec![],
            components: vec![],
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
            components: vec![],
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
