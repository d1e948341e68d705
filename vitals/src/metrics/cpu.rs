//! CPU time of a load by script, function, module and package, from V8's
//! sampling CPU profile, with Lighthouse's boot-up time ([`super::tasks`]):
//! pure functions of a run's artifacts.
//!
//! Each sample lasts until the next one in time (the last until the
//! profile's end), as DevTools counts it. Its time is self time for the function on
//! top of the stack, or, when that is native code without a script (a
//! builtin, the DOM), for the nearest caller that has one; and total time,
//! once per sample however deep the recursion, for every function, script,
//! module and package on the stack. Samples with no script on the stack
//! are V8's `(program)`, `(garbage collector)` and `(idle)`. A function's
//! module is the original source its start maps to through its script's
//! source map (fetched with the coverage); a script without a map is its
//! own module, and the top level of a script with one is `(top level)`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use model::vitals::{CpuFunction, CpuReport, CpuSamples, CpuTime, LongTaskCpu};
use project::packages::package_of;

use super::PageTrace;
use super::tasks::{self, Thread};
use super::trace::round;
use crate::gather::artifacts::{CpuProfile, RunArtifacts, ScriptCoverage};
use crate::gather::cpu::SAMPLING_INTERVAL_US;
use crate::sourcemaps::ScriptMap;

/// Functions and modules listed at most.
pub const MAX_LISTED: usize = 50;
/// The module of a function whose start its script's map does not map.
const UNMAPPED: &str = model::vitals::UNMAPPED_SOURCE;
/// The module of a mapped script's own top level (the anonymous function
/// at its first character): in a bundle it runs every module's top-level
/// statements, so it is no one module's.
pub const TOP_LEVEL: &str = model::vitals::TOP_LEVEL_SOURCE;

/// The parsed source maps of a run's scripts, by V8 script id and by URL.
#[derive(Default)]
pub struct Maps {
    by_id: HashMap<String, usize>,
    by_url: HashMap<String, usize>,
    maps: Vec<ScriptMap>,
}

impl Maps {
    /// The maps the coverage fetched.
    pub fn of<'a>(scripts: impl IntoIterator<Item = &'a ScriptCoverage>) -> Maps {
        let mut maps = Maps::default();
        for script in scripts {
            let Some(map) = script
                .source_map
                .as_ref()
                .and_then(|m| ScriptMap::parse(m.map.as_bytes()))
            else {
                continue;
            };
            maps.maps.push(map);
            let i = maps.maps.len() - 1;
            maps.by_id.insert(script.script_id.clone(), i);
            maps.by_url.entry(script.url.clone()).or_insert(i);
        }
        maps
    }

    fn get(&self, script_id: &str, url: &str) -> Option<&ScriptMap> {
        let i = self.by_id.get(script_id).or_else(|| self.by_url.get(url))?;
        self.maps.get(*i)
    }

    /// The original module and package of a function starting at `line`,
    /// `column` (0-based) of a script: through its map (unmapped: the
    /// [`UNMAPPED`] module), or the script's URL when it has no map.
    pub fn module_at(
        &self,
        script_id: &str,
        url: &str,
        line: i64,
        column: i64,
    ) -> (String, Option<String>) {
        let (module, package) = match self.get(script_id, url) {
            Some(map) => map
                .original(line.max(0) as u32, column.max(0) as u32)
                .unwrap_or((UNMAPPED.to_string(), None)),
            None => (url.to_string(), None),
        };
        let package = package.or_else(|| {
            (module != UNMAPPED && module != TOP_LEVEL)
                .then(|| package_of(&module).map(|p| p.name))
                .flatten()
        });
        (module, package)
    }
}

/// A profile's node index by id, and each node's parent (by index).
pub fn parents(profile: &CpuProfile) -> (HashMap<i64, usize>, Vec<Option<usize>>) {
    let index: HashMap<i64, usize> = profile
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id, i))
        .collect();
    let mut parent: Vec<Option<usize>> = vec![None; profile.nodes.len()];
    for (i, node) in profile.nodes.iter().enumerate() {
        for child in &node.children {
            if let Some(&c) = index.get(child)
                && c != i
                && parent[c].is_none()
            {
                parent[c] = Some(i);
            }
        }
    }
    (index, parent)
}

/// A function: its script's URL, start line and column, name.
type FunctionKey = (String, i64, i64, String);

/// What one scripted profile node is, for the sums.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Keys {
    function: FunctionKey,
    url: String,
    module: String,
    package: Option<String>,
}

/// Self and total µs of one key.
#[derive(Debug, Default, Clone, Copy)]
struct Time {
    self_us: f64,
    total_us: f64,
}

/// Each sample's node, time (µs, the trace's clock) and how long it
/// lasts: until the next one, the last until the profile's end. V8 can
/// record a sample before the one listed ahead of it (a negative delta):
/// samples are put in time order first, as DevTools does.
pub fn sample_times(profile: &CpuProfile) -> Vec<(i64, f64, f64)> {
    let mut at = profile.start_time;
    let mut stamped: Vec<(i64, f64)> = profile
        .samples
        .iter()
        .zip(&profile.time_deltas)
        .map(|(node, d)| {
            at += *d as f64;
            (*node, at)
        })
        .collect();
    stamped.sort_by(|a, b| a.1.total_cmp(&b.1));
    (0..stamped.len())
        .map(|i| {
            let (node, at) = stamped[i];
            let next = stamped.get(i + 1).map_or(profile.end_time, |s| s.1);
            (node, at, (next - at).max(0.0))
        })
        .collect()
}

/// The profile's samples summed, those in `window` (µs) only when given.
fn sums(profile: &CpuProfile, maps: &Maps, window: Option<(f64, f64)>) -> Sums {
    let (index, parent) = parents(profile);
    let keys: Vec<Option<Keys>> = profile.nodes.iter().map(|n| keys_of(n, maps)).collect();
    let mut self_us = vec![0.0; profile.nodes.len()];
    for (sample, at, dur) in sample_times(profile) {
        let inside = window.is_none_or(|(from, to)| at >= from && at < to);
        if let (true, Some(&i)) = (inside, index.get(&sample)) {
            self_us[i] += dur;
        }
    }
    let mut sums = Sums::default();
    for (i, &time) in self_us.iter().enumerate() {
        if time > 0.0 {
            let name = &profile.nodes[i].call_frame.function_name;
            sums.add(i, time, &parent, &keys, name);
        }
    }
    sums
}

/// The summed profile.
pub fn summarize(profile: &CpuProfile, maps: &Maps) -> CpuSamples {
    sums(profile, maps, None).into_samples(profile)
}

/// `samples` with each list cut to its first `n`.
pub fn trimmed(mut samples: CpuSamples, n: usize) -> CpuSamples {
    samples.scripts.truncate(n);
    samples.modules.truncate(n);
    samples.packages.truncate(n);
    samples.functions.truncate(n);
    samples
}

/// What ran during each long task (`(start, end)` in µs), at most
/// `n` per task: its packages and the modules outside any package (not
/// the top level nor unmapped code), the most total time first.
pub fn long_task_sources(
    profile: &CpuProfile,
    maps: &Maps,
    tasks: &[(f64, f64)],
    n: usize,
) -> Vec<Vec<CpuTime>> {
    tasks
        .iter()
        .map(|&window| {
            let samples = sums(profile, maps, Some(window)).into_samples(profile);
            samples.top_sources(n).into_iter().cloned().collect()
        })
        .collect()
}

/// The keys of a node with a script; `None` for native code and V8's own nodes.
fn keys_of(node: &crate::gather::artifacts::ProfileNode, maps: &Maps) -> Option<Keys> {
    let frame = &node.call_frame;
    if frame.url.is_empty() {
        return None;
    }
    let top_level =
        frame.function_name.is_empty() && frame.line_number == 0 && frame.column_number == 0;
    let (module, package) = match maps.get(&frame.script_id, &frame.url) {
        Some(_) if top_level => (TOP_LEVEL.to_string(), None),
        _ => maps.module_at(
            &frame.script_id,
            &frame.url,
            frame.line_number,
            frame.column_number,
        ),
    };
    Some(Keys {
        function: (
            frame.url.clone(),
            frame.line_number,
            frame.column_number,
            frame.function_name.clone(),
        ),
        url: frame.url.clone(),
        module,
        package,
    })
}

#[derive(Default)]
struct Sums {
    idle_us: f64,
    program_us: f64,
    gc_us: f64,
    busy_us: f64,
    /// Each function's times, module and package.
    functions: BTreeMap<FunctionKey, (Time, String, Option<String>)>,
    urls: BTreeMap<String, Time>,
    modules: BTreeMap<String, (Time, Option<String>)>,
    packages: BTreeMap<String, Time>,
}

impl Sums {
    /// Adds `time` µs of node `i`'s samples.
    fn add(
        &mut self,
        i: usize,
        time: f64,
        parent: &[Option<usize>],
        keys: &[Option<Keys>],
        name: &str,
    ) {
        if name == "(idle)" && keys[i].is_none() {
            self.idle_us += time;
            return;
        }
        self.busy_us += time;
        let mut stack = Vec::new();
        let mut at = Some(i);
        while let Some(n) = at {
            if let Some(k) = &keys[n] {
                stack.push(k);
            }
            at = parent[n];
            if stack.len() > 10_000 {
                break; // a cycle in a hand-made profile
            }
        }
        let Some(top) = stack.first() else {
            self.program_us += time;
            if name == "(garbage collector)" {
                self.gc_us += time;
            }
            return;
        };
        let f = self
            .functions
            .entry(top.function.clone())
            .or_insert_with(|| (Time::default(), top.module.clone(), top.package.clone()));
        f.0.self_us += time;
        self.urls.entry(top.url.clone()).or_default().self_us += time;
        let m = self
            .modules
            .entry(top.module.clone())
            .or_insert_with(|| (Time::default(), top.package.clone()));
        m.0.self_us += time;
        if let Some(p) = &top.package {
            self.packages.entry(p.clone()).or_default().self_us += time;
        }
        let (mut fs, mut us, mut ms, mut ps) = (
            BTreeSet::new(),
            BTreeSet::new(),
            BTreeSet::new(),
            BTreeSet::new(),
        );
        for k in stack {
            if fs.insert(&k.function) {
                self.functions
                    .entry(k.function.clone())
                    .or_insert_with(|| (Time::default(), k.module.clone(), k.package.clone()))
                    .0
                    .total_us += time;
            }
            if us.insert(&k.url) {
                self.urls.entry(k.url.clone()).or_default().total_us += time;
            }
            if ms.insert(&k.module) {
                self.modules
                    .entry(k.module.clone())
                    .or_insert_with(|| (Time::default(), k.package.clone()))
                    .0
                    .total_us += time;
            }
            if let Some(p) = &k.package
                && ps.insert(p)
            {
                self.packages.entry(p.clone()).or_default().total_us += time;
            }
        }
    }

    fn into_samples(self, profile: &CpuProfile) -> CpuSamples {
        let ms = |us: f64| round(us / 1000.0, 1);
        let time = |name: String, package: Option<String>, t: Time| CpuTime {
            name,
            package,
            self_ms: ms(t.self_us),
            total_ms: ms(t.total_us),
        };
        let by_total = |a: &CpuTime, b: &CpuTime| {
            b.total_ms
                .total_cmp(&a.total_ms)
                .then(b.self_ms.total_cmp(&a.self_ms))
                .then_with(|| a.name.cmp(&b.name))
        };
        let by_self = |a: &CpuTime, b: &CpuTime| {
            b.self_ms
                .total_cmp(&a.self_ms)
                .then(b.total_ms.total_cmp(&a.total_ms))
                .then_with(|| a.name.cmp(&b.name))
        };
        let mut scripts: Vec<CpuTime> = self
            .urls
            .into_iter()
            .map(|(u, t)| time(u, None, t))
            .collect();
        scripts.sort_by(by_total);
        let mut modules: Vec<CpuTime> = self
            .modules
            .into_iter()
            .map(|(m, (t, p))| time(m, p, t))
            .collect();
        modules.sort_by(by_self);
        modules.truncate(MAX_LISTED);
        let mut packages: Vec<CpuTime> = self
            .packages
            .into_iter()
            .map(|(p, t)| time(p, None, t))
            .collect();
        packages.sort_by(by_total);
        let mut functions: Vec<CpuFunction> = self
            .functions
            .into_iter()
            .map(
                |((url, line, col, name), (t, module, package))| CpuFunction {
                    name: if name.is_empty() {
                        "(anonymous)".into()
                    } else {
                        name
                    },
                    url,
                    line: (line.max(0) + 1) as u64,
                    column: (col.max(0) + 1) as u64,
                    module: Some(module),
                    package,
                    self_ms: ms(t.self_us),
                    total_ms: ms(t.total_us),
                },
            )
            .collect();
        functions.sort_by(|a, b| {
            b.self_ms
                .total_cmp(&a.self_ms)
                .then(b.total_ms.total_cmp(&a.total_ms))
                .then_with(|| (&a.url, a.line, a.column).cmp(&(&b.url, b.line, b.column)))
        });
        functions.truncate(MAX_LISTED);
        CpuSamples {
            interval_us: SAMPLING_INTERVAL_US as u64,
            profile_ms: ms((profile.end_time - profile.start_time).max(0.0)),
            busy_ms: ms(self.busy_us),
            program_ms: ms(self.program_us),
            gc_ms: ms(self.gc_us),
            scripts,
            modules,
            packages,
            functions,
        }
    }
}

/// The main thread's tasks of a run, when its trace shows the page and it
/// recorded task events.
pub fn run_tasks<'a>(run: &'a RunArtifacts, page: &PageTrace<'_>) -> Option<Vec<tasks::Task<'a>>> {
    if run.task_events.is_empty() {
        return None;
    }
    let thread = Thread {
        events: &run.task_events,
        pid: page.pid,
        tid: page.tid,
        main_frame: page.main_frame.clone(),
        page_url: run.final_url.clone().unwrap_or_else(|| run.url.clone()),
    };
    Some(tasks::main_thread_tasks(&thread))
}

/// The CPU report of a run; `None` when it has neither task events nor a
/// CPU profile.
pub fn report(run: &RunArtifacts) -> Option<CpuReport> {
    let page = PageTrace::find(&run.trace_events);
    let tasks = page.as_ref().and_then(|p| run_tasks(run, p));
    if tasks.is_none() && run.cpu_profile.is_none() {
        return None;
    }
    let maps = run
        .coverage
        .as_ref()
        .map(|c| Maps::of(&c.scripts))
        .unwrap_or_default();
    let (bootup, bootup_ms) = match &tasks {
        Some(t) => {
            let (list, total) = tasks::bootup(t, &run.network);
            (list, Some(total))
        }
        None => (Vec::new(), None),
    };
    let long_tasks = match (&page, &run.cpu_profile) {
        (Some(page), Some(profile)) => {
            let windows: Vec<(f64, f64)> = super::long_tasks::top_level_tasks(page)
                .into_iter()
                .filter(|(s, e, _)| e - s >= 50.0)
                .map(|(s, e, _)| {
                    (
                        s * 1000.0 + page.nav_start_us,
                        e * 1000.0 + page.nav_start_us,
                    )
                })
                .collect();
            let sources = long_task_sources(profile, &maps, &windows, 3);
            windows
                .iter()
                .zip(sources)
                .map(|(&(s, e), sources)| LongTaskCpu {
                    start_ms: round(page.ms(s), 1),
                    duration_ms: round((e - s) / 1000.0, 1),
                    sources,
                })
                .collect()
        }
        _ => Vec::new(),
    };
    Some(CpuReport {
        run: run.index,
        main_thread_ms: tasks.as_deref().map(tasks::main_thread_ms),
        bootup_ms,
        bootup,
        profile: run.cpu_profile.as_ref().map(|p| summarize(p, &maps)),
        long_tasks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gather::artifacts::{ProfileFrame, ProfileNode};

    fn node(id: i64, name: &str, url: &str, col: i64, children: &[i64]) -> ProfileNode {
        ProfileNode {
            id,
            call_frame: ProfileFrame {
                function_name: name.into(),
                script_id: if url.is_empty() { "0" } else { "5" }.into(),
                url: url.into(),
                line_number: 0,
                column_number: col,
            },
            children: children.to_vec(),
        }
    }

    #[test]
    fn self_and_total_time_per_function_script_and_native_code() {
        let app = "http://h/app.js";
        // root → main → fib → fib (recursion) → Math.sqrt (native);
        // root → (idle); root → (garbage collector).
        let profile = CpuProfile {
            nodes: vec![
                node(1, "(root)", "", -1, &[2, 6, 7]),
                node(2, "main", app, 10, &[3]),
                node(3, "fib", app, 50, &[4]),
                node(4, "fib", app, 50, &[5]),
                node(5, "sqrt", "", -1, &[]),
                node(6, "(idle)", "", -1, &[]),
                node(7, "(garbage collector)", "", -1, &[]),
            ],
            start_time: 0.0,
            end_time: 10_000.0,
            // Samples at 1, 2, ... 9 ms; each lasts 1 ms (the last until the end).
            samples: vec![2, 3, 4, 4, 5, 6, 6, 7, 3],
            time_deltas: vec![1000; 9],
        };
        let times = sample_times(&profile);
        assert_eq!(times[0], (2, 1000.0, 1000.0));
        assert_eq!(times[8], (3, 9000.0, 1000.0));
        // A sample recorded out of order is put back in time order.
        let shuffled = CpuProfile {
            samples: vec![2, 3, 4],
            time_deltas: vec![1000, 2000, -1500],
            end_time: 4000.0,
            ..profile.clone()
        };
        assert_eq!(
            sample_times(&shuffled),
            vec![(2, 1000.0, 500.0), (4, 1500.0, 1500.0), (3, 3000.0, 1000.0)]
        );
        let s = summarize(&profile, &Maps::default());
        assert_eq!((s.busy_ms, s.program_ms, s.gc_ms), (7.0, 1.0, 1.0));
        assert_eq!(s.profile_ms, 10.0);
        // The native sqrt counts for its caller, fib.
        let fib = s.functions.iter().find(|f| f.name == "fib").unwrap();
        assert_eq!((fib.self_ms, fib.total_ms, fib.column), (5.0, 5.0, 51));
        let main = s.functions.iter().find(|f| f.name == "main").unwrap();
        assert_eq!((main.self_ms, main.total_ms), (1.0, 6.0));
        // Without a map, the script is its own module.
        assert_eq!(s.scripts.len(), 1);
        assert_eq!((s.scripts[0].self_ms, s.scripts[0].total_ms), (6.0, 6.0));
        assert_eq!(s.modules[0].name, app);
        assert!(s.packages.is_empty());
        // Only the samples inside a window.
        let sources = long_task_sources(&profile, &Maps::default(), &[(2500.0, 5500.0)], 3);
        assert_eq!(sources, vec![Vec::<CpuTime>::new()]);
    }

    #[test]
    fn functions_map_to_modules_and_packages() {
        // One line: columns 0..20 from src/a.js, 20.. from node_modules/lib.
        let map = r#"{"version":3,"sources":["../src/a.js","../node_modules/lib/index.js"],"names":[],"mappings":"AAAA,oBCAA"}"#;
        let script = ScriptCoverage {
            script_id: "5".into(),
            url: "http://h/app.js".into(),
            source_map: Some(crate::gather::artifacts::SourceMapArtifact {
                url: "http://h/app.js.map".into(),
                map: map.into(),
                line_lengths: vec![100],
            }),
            ..ScriptCoverage::default()
        };
        let maps = Maps::of(&[script]);
        let profile = CpuProfile {
            nodes: vec![
                node(1, "(root)", "", -1, &[2]),
                node(2, "", "http://h/app.js", 0, &[3]),
                node(3, "own", "http://h/app.js", 4, &[4]),
                node(4, "heavy", "http://h/app.js", 30, &[]),
            ],
            start_time: 0.0,
            end_time: 4_000.0,
            samples: vec![4, 4, 4, 3],
            time_deltas: vec![0, 1000, 1000, 1000],
        };
        let s = summarize(&profile, &maps);
        let module = |n: &str| s.modules.iter().find(|m| m.name == n).unwrap();
        assert_eq!(module("node_modules/lib/index.js").self_ms, 3.0);
        assert_eq!(
            module("node_modules/lib/index.js").package.as_deref(),
            Some("lib")
        );
        assert_eq!(
            (module("src/a.js").self_ms, module("src/a.js").total_ms),
            (1.0, 4.0)
        );
        assert_eq!(
            (module(TOP_LEVEL).self_ms, module(TOP_LEVEL).total_ms),
            (0.0, 4.0)
        );
        assert_eq!(s.packages.len(), 1);
        assert_eq!(
            (s.packages[0].name.as_str(), s.packages[0].total_ms),
            ("lib", 3.0)
        );
        let sources = long_task_sources(&profile, &maps, &[(0.0, 10_000.0)], 3);
        let names: Vec<&str> = sources[0].iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["src/a.js", "lib"]);
    }
}
