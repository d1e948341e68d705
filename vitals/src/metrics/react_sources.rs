//! Where a run's React components are defined and what their functions
//! cost: pure functions of the run's artifacts.
//!
//! Each component the hook kept has the start of its function as V8 gave
//! it (`gather/react.rs`). That position goes through its script's source
//! map to the original module and package, as a CPU profile's functions do
//! ([`super::cpu::Maps::module_at`]); a script without a map is its own
//! module. The CPU profile then gives the component's function time: every
//! sample with that function on its stack (once per sample, however deep
//! the recursion), which is its render work with the hooks and helpers it
//! calls, not its child components (React calls those). It needs no render
//! timings, so production builds of React get it too.

use std::collections::{HashMap, HashSet};

use super::cpu::{Maps, parents, sample_times};
use super::trace::round;
use crate::gather::artifacts::{CpuProfile, FunctionLocation, ReactLog, RunArtifacts};

/// The run's React log with its components' module, package and CPU time.
pub fn resolve(run: &RunArtifacts) -> ReactLog {
    let mut log = run.react.clone();
    let located: HashSet<&str> = log
        .components
        .iter()
        .filter_map(|c| c.location.as_ref())
        .map(|l| l.script_id.as_str())
        .collect();
    if located.is_empty() {
        return log;
    }
    let scripts: Vec<_> = run
        .coverage
        .iter()
        .flat_map(|c| &c.scripts)
        .filter(|s| located.contains(s.script_id.as_str()))
        .collect();
    let urls: HashMap<&str, &str> = scripts
        .iter()
        .map(|s| (s.script_id.as_str(), s.url.as_str()))
        .collect();
    let maps = Maps::of(scripts.iter().copied());
    let wanted: HashSet<&FunctionLocation> = log
        .components
        .iter()
        .filter_map(|c| c.location.as_ref())
        .collect();
    let times = run.cpu_profile.as_ref().map(|p| function_times(p, &wanted));
    let resolved: Vec<_> = log
        .components
        .iter()
        .map(|c| {
            let location = c.location.as_ref()?;
            // Without the script's URL (no coverage) there is no module to name.
            let url = urls.get(location.script_id.as_str())?;
            let (module, package) =
                maps.module_at(&location.script_id, url, location.line, location.column);
            let cpu = times
                .as_ref()
                .map(|t| round(t.get(location).copied().unwrap_or(0.0) / 1000.0, 1));
            Some((module, package, cpu))
        })
        .collect();
    // A component not located, or whose script is unknown, keeps `None`s.
    for (component, found) in log.components.iter_mut().zip(resolved) {
        if let Some((module, package, cpu)) = found {
            component.module = Some(module);
            component.package = package;
            component.cpu_ms = cpu;
        }
    }
    log
}

/// µs of the profile's samples with each wanted function on the stack.
pub fn function_times(
    profile: &CpuProfile,
    wanted: &HashSet<&FunctionLocation>,
) -> HashMap<FunctionLocation, f64> {
    let (index, parent) = parents(profile);
    // Each node's wanted function, if it is one.
    let node_fn: Vec<Option<FunctionLocation>> = profile
        .nodes
        .iter()
        .map(|n| {
            let key = FunctionLocation {
                script_id: n.call_frame.script_id.clone(),
                line: n.call_frame.line_number,
                column: n.call_frame.column_number,
            };
            wanted.contains(&key).then_some(key)
        })
        .collect();
    let mut self_us = vec![0.0; profile.nodes.len()];
    for (sample, _, duration) in sample_times(profile) {
        if let Some(&i) = index.get(&sample) {
            self_us[i] += duration;
        }
    }
    let mut out: HashMap<FunctionLocation, f64> = HashMap::new();
    for (i, &time) in self_us.iter().enumerate() {
        if time <= 0.0 {
            continue;
        }
        let mut seen: HashSet<&FunctionLocation> = HashSet::new();
        let (mut at, mut depth) = (Some(i), 0);
        while let Some(n) = at {
            if let Some(f) = &node_fn[n]
                && seen.insert(f)
            {
                *out.entry(f.clone()).or_default() += time;
            }
            at = parent[n];
            depth += 1;
            if depth > 10_000 {
                break; // a cycle in a hand-made profile
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gather::artifacts::{ProfileFrame, ProfileNode};

    fn node(id: i64, name: &str, line: i64, children: Vec<i64>) -> ProfileNode {
        ProfileNode {
            id,
            call_frame: ProfileFrame {
                function_name: name.into(),
                script_id: "7".into(),
                url: "http://h/app.js".into(),
                line_number: line,
                column_number: 4,
            },
            children,
        }
    }

    fn at(line: i64) -> FunctionLocation {
        FunctionLocation {
            script_id: "7".into(),
            line,
            column: 4,
        }
    }

    #[test]
    fn a_component_gets_the_samples_with_it_on_the_stack() {
        // root → performWork(1) → FareTable(10) → sort(11) → FareTable(10) (recursion)
        //                       → Header(20)
        let profile = CpuProfile {
            nodes: vec![
                node(1, "(root)", -1, vec![2]),
                node(2, "performWork", 1, vec![3, 6]),
                node(3, "FareTable", 10, vec![4]),
                node(4, "sort", 11, vec![5]),
                node(5, "FareTable", 10, vec![]),
                node(6, "Header", 20, vec![]),
            ],
            start_time: 0.0,
            end_time: 10_000.0,
            // Each sample lasts 1000 µs until the next; the last until the end.
            samples: vec![3, 4, 5, 5, 6, 2, 2, 2, 2, 2],
            time_deltas: vec![0, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
        };
        let wanted: HashSet<FunctionLocation> = [at(10), at(20), at(30)].into_iter().collect();
        let wanted: HashSet<&FunctionLocation> = wanted.iter().collect();
        let times = function_times(&profile, &wanted);
        // FareTable: its own sample, sort's, and two recursive ones counted once each.
        assert_eq!(times.get(&at(10)), Some(&4000.0));
        assert_eq!(times.get(&at(20)), Some(&1000.0));
        assert_eq!(times.get(&at(30)), None);
    }
}
