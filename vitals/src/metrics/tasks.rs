//! Main-thread tasks and boot-up time, as Lighthouse 12.8 computes them
//! (`core/lib/tracehouse/main-thread-tasks.js`, `task-groups.js`,
//! `task-summary.js`, `core/audits/bootup-time.js`,
//! `mainthread-work-breakdown.js`): pure functions of a run's task events.
//!
//! Each complete trace event of the page's main thread is a task, nested
//! by time (a child ending under 1 ms after its parent stretches the
//! parent); its self time is its duration less its children's. Its group
//! is its name's (script evaluation, parse and compile, style and
//! layout...), else its parent's, else `other`. Its attributable URLs are
//! its parent's followed by the URLs it names (`FunctionCall`,
//! `EvaluateScript`, `v8.compile`: the script's; `v8.compileModule`: its
//! file; `TimerFire`: those of the task that installed the timer;
//! `ParseHTML`, style sheets, layout and paint of the main frame: the
//! page's) and its stack's; a top-level task with none takes every URL
//! its tree named. Boot-up time gives each task's self time to its first
//! attributable URL that is a script of the network log (else its first
//! URL), per group.
//!
//! Left out, where Lighthouse goes further: `B`/`E` event pairs (Chromium
//! emits these names as complete events), XHR callbacks inheriting the
//! requester's URLs, and iframes' document URLs. Where two tasks overlap by
//! more than 1 ms (Lighthouse then gives up on the trace) the child is cut
//! at its parent's end.

use std::collections::BTreeMap;

use model::vitals::BootupScript;
use serde_json::Value;

use super::trace::round;
use crate::gather::artifacts::{NetworkRecord, TraceEvent};

/// Lighthouse's task groups (`task-groups.js`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TaskGroup {
    /// Parse HTML & CSS.
    ParseHtml,
    /// Style & Layout.
    StyleLayout,
    /// Rendering.
    PaintCompositeRender,
    /// Script Parsing & Compilation.
    ScriptParseCompile,
    /// Script Evaluation.
    ScriptEvaluation,
    /// Garbage Collection.
    GarbageCollection,
    /// Other.
    Other,
}

/// Each group's trace event names, Lighthouse 12.8's table.
const GROUPS: &[(TaskGroup, &[&str])] = &[
    (
        TaskGroup::ParseHtml,
        &["ParseHTML", "ParseAuthorStyleSheet"],
    ),
    (
        TaskGroup::StyleLayout,
        &[
            "ScheduleStyleRecalculation",
            "UpdateLayoutTree",
            "InvalidateLayout",
            "Layout",
        ],
    ),
    (
        TaskGroup::PaintCompositeRender,
        &[
            "Animation",
            "HitTest",
            "PaintSetup",
            "Paint",
            "PaintImage",
            "RasterTask",
            "ScrollLayer",
            "UpdateLayer",
            "UpdateLayerTree",
            "CompositeLayers",
            "PrePaint",
        ],
    ),
    (
        TaskGroup::ScriptParseCompile,
        &["v8.compile", "v8.compileModule", "v8.parseOnBackground"],
    ),
    (
        TaskGroup::ScriptEvaluation,
        &[
            "EventDispatch",
            "EvaluateScript",
            "v8.evaluateModule",
            "FunctionCall",
            "TimerFire",
            "FireIdleCallback",
            "FireAnimationFrame",
            "RunMicrotasks",
            "V8.Execute",
        ],
    ),
    (
        TaskGroup::GarbageCollection,
        &[
            "MinorGC",
            "MajorGC",
            "BlinkGC.AtomicPhase",
            "ThreadState::performIdleLazySweep",
            "ThreadState::completeSweep",
            "BlinkGCMarking",
        ],
    ),
    (
        TaskGroup::Other,
        &[
            "MessageLoop::RunTask",
            "TaskQueueManager::ProcessTaskFromWorkQueue",
            "ThreadControllerImpl::DoWork",
        ],
    ),
];

/// The top-level task events the groups' events nest in.
const TOP_LEVEL: &[&str] = &["RunTask", "ThreadControllerImpl::RunTask"];

/// Lighthouse lists a script in boot-up time from this total (ms).
pub const BOOTUP_THRESHOLD_MS: f64 = 50.0;

/// The group of a trace event's name, when the table names it.
pub fn group_of(name: &str) -> Option<TaskGroup> {
    GROUPS
        .iter()
        .find(|(_, names)| names.contains(&name))
        .map(|(group, _)| *group)
}

/// Whether a trace event's name is a top-level task's (a task of the
/// thread's scheduler, which the groups' events nest in).
pub fn is_top_level(name: &str) -> bool {
    TOP_LEVEL.contains(&name)
}

/// Whether the gatherer keeps a trace event for the tasks: a complete
/// event of a group's or a top-level name, or a `TimerInstall`.
pub fn is_task_event(name: &str, ph: &str) -> bool {
    name == "TimerInstall" || (ph == "X" && (TOP_LEVEL.contains(&name) || group_of(name).is_some()))
}

/// A task event's `args` cut to what the attribution reads: `data` (and
/// `beginData`) `url`, `styleSheetUrl`, `frame`, `timerId` and the stack's
/// URLs, and `fileName`.
pub fn trim_args(args: &Value) -> Value {
    let mut data = serde_json::Map::new();
    for part in ["beginData", "data"] {
        let Some(Value::Object(fields)) = args.get(part) else {
            continue;
        };
        for key in ["url", "styleSheetUrl", "frame", "timerId"] {
            if let Some(v) = fields.get(key).filter(|v| !v.is_null()) {
                data.insert(key.to_string(), v.clone());
            }
        }
        if let Some(Value::Array(stack)) = fields.get("stackTrace") {
            let urls: Vec<Value> = stack
                .iter()
                .filter_map(|f| f.get("url").cloned())
                .map(|url| serde_json::json!({ "url": url }))
                .collect();
            data.insert("stackTrace".into(), Value::Array(urls));
        }
    }
    let mut out = serde_json::Map::new();
    if !data.is_empty() {
        out.insert("data".into(), Value::Object(data));
    }
    if let Some(file) = args.get("fileName") {
        out.insert("fileName".into(), file.clone());
    }
    if out.is_empty() {
        Value::Null
    } else {
        Value::Object(out)
    }
}

/// One main-thread task (Lighthouse's `TaskNode`), times in µs.
#[derive(Debug, Clone, PartialEq)]
pub struct Task<'a> {
    /// Its event.
    pub event: &'a TraceEvent,
    /// Start, µs.
    pub start: f64,
    /// End, µs.
    pub end: f64,
    /// Its duration less its children's, µs.
    pub self_us: f64,
    /// Its group.
    pub group: TaskGroup,
    /// The URLs it is attributable to, outermost first.
    pub urls: Vec<String>,
    /// Its parent's index.
    pub parent: Option<usize>,
    /// Its children's indexes, in time order.
    pub children: Vec<usize>,
}

/// Where the tasks of a run are: its events, the page's main thread and
/// main frame, and the page's URL (the main frame's document).
#[derive(Debug, Clone)]
pub struct Thread<'a> {
    /// The run's task events.
    pub events: &'a [TraceEvent],
    /// Renderer process of the page.
    pub pid: i64,
    /// Its main thread.
    pub tid: i64,
    /// The main frame's id, when the trace names it.
    pub main_frame: Option<String>,
    /// The page's URL.
    pub page_url: String,
}

/// The main thread's tasks, sorted by start (the longer first), nested,
/// with their self time, group and attributable URLs.
pub fn main_thread_tasks<'a>(thread: &Thread<'a>) -> Vec<Task<'a>> {
    let on_thread = |e: &&TraceEvent| e.pid == thread.pid && e.tid == thread.tid;
    let mut tasks: Vec<Task<'a>> = thread
        .events
        .iter()
        .filter(on_thread)
        .filter(|e| e.ph == "X")
        .filter_map(|e| {
            let dur = e.dur.filter(|d| d.is_finite() && *d >= 0.0)?;
            Some(Task {
                event: e,
                start: e.ts,
                end: e.ts + dur,
                self_us: 0.0,
                group: TaskGroup::Other,
                urls: Vec::new(),
                parent: None,
                children: Vec::new(),
            })
        })
        .collect();
    tasks.sort_by(|a, b| {
        a.start
            .total_cmp(&b.start)
            .then((b.end - b.start).total_cmp(&(a.end - a.start)))
    });
    let mut installs: Vec<&TraceEvent> = thread
        .events
        .iter()
        .filter(on_thread)
        .filter(|e| e.name == "TimerInstall")
        .collect();
    installs.sort_by(|a, b| a.ts.total_cmp(&b.ts));
    let timers = nest(&mut tasks, &installs);
    for i in 0..tasks.len() {
        if tasks[i].parent.is_none() {
            self_times(&mut tasks, i);
            groups(&mut tasks, i, None);
        }
    }
    attribute(&mut tasks, &timers, thread);
    tasks
}

/// Sets parents and children by time (Lighthouse's
/// `_createTaskRelationships`), and returns which task installed each
/// timer (the innermost task running at the `TimerInstall`).
fn nest(tasks: &mut [Task<'_>], installs: &[&TraceEvent]) -> BTreeMap<String, usize> {
    let mut timers = BTreeMap::new();
    let mut install = installs.iter().peekable();
    let mut stack: Vec<usize> = Vec::new();
    let mut assign =
        |stack: &[usize], tasks: &[Task<'_>], until: f64, timers: &mut BTreeMap<_, _>| {
            while let Some(e) = install.peek() {
                if e.ts > until {
                    break;
                }
                let e = install.next().expect("peeked");
                let open = stack.iter().rev().find(|&&t| tasks[t].start <= e.ts);
                if let (Some(&t), Some(id)) = (open, timer_id(e)) {
                    timers.insert(id, t);
                }
            }
        };
    for i in 0..tasks.len() {
        assign(&stack, tasks, tasks[i].start, &mut timers);
        while let Some(&top) = stack.last() {
            if tasks[top].end <= tasks[i].start {
                assign(&stack, tasks, tasks[top].end, &mut timers);
                stack.pop();
            } else {
                break;
            }
        }
        if let Some(&parent) = stack.last() {
            if tasks[i].end > tasks[parent].end {
                if tasks[i].end - tasks[parent].end < 1000.0 {
                    // Under 1 ms of slop: the parent is stretched, and so
                    // are its ancestors that end before it.
                    let end = tasks[i].end;
                    for &open in &stack {
                        if tasks[open].end < end {
                            tasks[open].end = end;
                        }
                    }
                } else {
                    tasks[i].end = tasks[parent].end;
                }
            }
            tasks[i].parent = Some(parent);
            tasks[parent].children.push(i);
        }
        stack.push(i);
    }
    assign(&stack, tasks, f64::INFINITY, &mut timers);
    timers
}

fn timer_id(event: &TraceEvent) -> Option<String> {
    match event.args.get("data")?.get("timerId")? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Self time: the duration less the children's durations.
fn self_times(tasks: &mut [Task<'_>], i: usize) -> f64 {
    let children = tasks[i].children.clone();
    let child_time: f64 = children.iter().map(|&c| self_times(tasks, c)).sum();
    let duration = tasks[i].end - tasks[i].start;
    tasks[i].self_us = (duration - child_time).max(0.0);
    duration
}

/// The task's name's group, else its parent's, else `other`.
fn groups(tasks: &mut [Task<'_>], i: usize, parent: Option<TaskGroup>) {
    let group = group_of(&tasks[i].event.name)
        .or(parent)
        .unwrap_or(TaskGroup::Other);
    tasks[i].group = group;
    for c in tasks[i].children.clone() {
        groups(tasks, c, Some(group));
    }
}

/// Attributable URLs of every tree, top-level tasks in time order.
fn attribute(tasks: &mut [Task<'_>], timers: &BTreeMap<String, usize>, thread: &Thread<'_>) {
    let mut last_urls: Vec<String> = Vec::new();
    for i in 0..tasks.len() {
        if tasks[i].parent.is_some() {
            continue;
        }
        let mut tree_urls: Vec<String> = Vec::new();
        let ctx = AttributeCtx {
            timers,
            thread,
            last_urls: &last_urls,
        };
        attribute_task(tasks, i, &[], &mut tree_urls, &ctx);
        if tasks[i].urls.is_empty() && !tree_urls.is_empty() {
            set_empty_urls(tasks, i, &tree_urls);
        }
        last_urls = tasks[i].urls.clone();
    }
}

struct AttributeCtx<'c, 't> {
    timers: &'c BTreeMap<String, usize>,
    thread: &'c Thread<'t>,
    last_urls: &'c [String],
}

fn data_str<'e>(event: &'e TraceEvent, key: &str) -> Option<&'e str> {
    event.args.get("data")?.get(key)?.as_str()
}

/// The URLs a task names itself (Lighthouse's switch on the event name).
fn own_urls(
    tasks: &[Task<'_>],
    i: usize,
    tree_urls: &[String],
    ctx: &AttributeCtx<'_, '_>,
) -> Vec<String> {
    let event = tasks[i].event;
    let frame_url = data_str(event, "frame")
        .filter(|f| Some(*f) == ctx.thread.main_frame.as_deref())
        .map(|_| ctx.thread.page_url.clone());
    let named = |key: &str| data_str(event, key).map(str::to_string);
    match event.name.as_str() {
        "v8.compile" | "EvaluateScript" | "FunctionCall" | "ParseHTML" => {
            [named("url"), frame_url].into_iter().flatten().collect()
        }
        "v8.compileModule" => event
            .args
            .get("fileName")
            .and_then(Value::as_str)
            .map(|f| vec![f.to_string()])
            .unwrap_or_default(),
        "TimerFire" => timer_id(event)
            .and_then(|id| ctx.timers.get(&id))
            .map(|&t| tasks[t].urls.clone())
            .unwrap_or_default(),
        "ParseAuthorStyleSheet" => [named("styleSheetUrl"), frame_url]
            .into_iter()
            .flatten()
            .collect(),
        "UpdateLayoutTree" | "Layout" | "Paint" => match frame_url {
            Some(url) => vec![url],
            None if tree_urls.is_empty() => ctx.last_urls.to_vec(),
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn attribute_task(
    tasks: &mut [Task<'_>],
    i: usize,
    parent_urls: &[String],
    tree_urls: &mut Vec<String>,
    ctx: &AttributeCtx<'_, '_>,
) {
    let mut named = own_urls(tasks, i, tree_urls, ctx);
    if let Some(Value::Array(stack)) = tasks[i]
        .event
        .args
        .get("data")
        .and_then(|d| d.get("stackTrace"))
    {
        named.extend(
            stack
                .iter()
                .filter_map(|f| f.get("url")?.as_str().map(str::to_string)),
        );
    }
    let mut urls = parent_urls.to_vec();
    for url in named.into_iter().filter(|u| !u.is_empty()) {
        if !tree_urls.contains(&url) {
            tree_urls.push(url.clone());
        }
        if urls.last() != Some(&url) {
            urls.push(url);
        }
    }
    tasks[i].urls = urls.clone();
    for c in tasks[i].children.clone() {
        attribute_task(tasks, c, &urls, tree_urls, ctx);
    }
}

fn set_empty_urls(tasks: &mut [Task<'_>], i: usize, urls: &[String]) {
    if !tasks[i].urls.is_empty() {
        return;
    }
    tasks[i].urls = urls.to_vec();
    for c in tasks[i].children.clone() {
        set_empty_urls(tasks, c, urls);
    }
}

/// The URL a task's time goes to (Lighthouse's
/// `getAttributableURLForTask`): its first URL that is a script of the
/// network log, else its first, else `Browser`, `Browser GC` or
/// `Unattributable` by its name.
pub fn attributable_url<'t>(task: &'t Task<'_>, js_urls: &[&str]) -> &'t str {
    let url = task
        .urls
        .iter()
        .find(|u| js_urls.contains(&u.as_str()))
        .or(task.urls.first())
        .map(String::as_str);
    match url {
        Some(url) if url != "about:blank" => url,
        _ => match task.event.name.as_str() {
            "CpuProfiler::StartProfiling" => "Browser",
            "V8.GCCompactor" | "MajorGC" | "MinorGC" => "Browser GC",
            _ => "Unattributable",
        },
    }
}

/// Boot-up time per URL as Lighthouse's `bootup-time` lists it (total of
/// every group at least [`BOOTUP_THRESHOLD_MS`], the most first), with the
/// audit's value: the scripting and parse/compile time of the listed URLs.
pub fn bootup(tasks: &[Task<'_>], network: &[NetworkRecord]) -> (Vec<BootupScript>, f64) {
    let js_urls: Vec<&str> = network
        .iter()
        .filter(|r| r.resource_type == "Script")
        .map(|r| r.url.as_str())
        .collect();
    let mut by_url: BTreeMap<&str, BTreeMap<TaskGroup, f64>> = BTreeMap::new();
    for task in tasks {
        let url = attributable_url(task, &js_urls);
        *by_url
            .entry(url)
            .or_default()
            .entry(task.group)
            .or_default() += task.self_us / 1000.0;
    }
    let mut total = 0.0;
    let mut scripts: Vec<BootupScript> = by_url
        .into_iter()
        .filter_map(|(url, groups)| {
            let sum: f64 = groups.values().sum();
            let scripting = groups
                .get(&TaskGroup::ScriptEvaluation)
                .copied()
                .unwrap_or(0.0);
            let parse = groups
                .get(&TaskGroup::ScriptParseCompile)
                .copied()
                .unwrap_or(0.0);
            if sum < BOOTUP_THRESHOLD_MS {
                return None;
            }
            total += scripting + parse;
            Some(BootupScript {
                url: url.to_string(),
                total_ms: round(sum, 1),
                scripting_ms: round(scripting, 1),
                parse_compile_ms: round(parse, 1),
            })
        })
        .collect();
    scripts.sort_by(|a, b| {
        b.total_ms
            .total_cmp(&a.total_ms)
            .then_with(|| a.url.cmp(&b.url))
    });
    (scripts, round(total, 1))
}

/// Lighthouse's `mainthread-work-breakdown` value: every task's self
/// time, ms.
pub fn main_thread_ms(tasks: &[Task<'_>]) -> f64 {
    round(tasks.iter().map(|t| t.self_us).sum::<f64>() / 1000.0, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(name: &str, ts: f64, dur: f64, args: Value) -> TraceEvent {
        TraceEvent {
            name: name.into(),
            cat: String::new(),
            ph: "X".into(),
            ts,
            dur: Some(dur),
            pid: 1,
            tid: 2,
            args,
        }
    }

    fn thread(events: &[TraceEvent]) -> Thread<'_> {
        Thread {
            events,
            pid: 1,
            tid: 2,
            main_frame: Some("F".into()),
            page_url: "http://h/".into(),
        }
    }

    #[test]
    fn self_time_group_and_url_follow_the_nesting() {
        let app = serde_json::json!({"data": {"url": "http://h/app.js"}});
        let events = vec![
            event("RunTask", 0.0, 100_000.0, Value::Null),
            event("EvaluateScript", 1_000.0, 90_000.0, app.clone()),
            event("v8.compile", 2_000.0, 20_000.0, app),
            event(
                "Layout",
                30_000.0,
                10_000.0,
                serde_json::json!({"data": {"frame": "F"}}),
            ),
            // Another thread: not the page's.
            TraceEvent {
                tid: 9,
                ..event("FunctionCall", 0.0, 50_000.0, Value::Null)
            },
        ];
        let tasks = main_thread_tasks(&thread(&events));
        assert_eq!(tasks.len(), 4);
        let by_name = |n: &str| tasks.iter().find(|t| t.event.name == n).unwrap();
        assert_eq!(by_name("RunTask").self_us, 10_000.0);
        assert_eq!(by_name("EvaluateScript").self_us, 60_000.0);
        assert_eq!(by_name("Layout").group, TaskGroup::StyleLayout);
        assert_eq!(by_name("v8.compile").group, TaskGroup::ScriptParseCompile);
        // The top-level task names no URL: it takes its tree's.
        assert_eq!(by_name("RunTask").urls, ["http://h/app.js", "http://h/"]);
        assert_eq!(by_name("Layout").urls, ["http://h/app.js", "http://h/"]);
        let net = [NetworkRecord {
            url: "http://h/app.js".into(),
            resource_type: "Script".into(),
            ..NetworkRecord::default()
        }];
        let (scripts, total) = bootup(&tasks, &net);
        assert_eq!(scripts.len(), 1);
        let s = &scripts[0];
        assert_eq!(s.url, "http://h/app.js");
        // RunTask 10 (other) + evaluate 60 + compile 20 + layout 10.
        assert_eq!(
            (s.total_ms, s.scripting_ms, s.parse_compile_ms),
            (100.0, 60.0, 20.0)
        );
        assert_eq!(total, 80.0);
        assert_eq!(main_thread_ms(&tasks), 100.0);
    }

    #[test]
    fn a_timer_fires_for_the_script_that_installed_it() {
        let events = vec![
            event("RunTask", 0.0, 10_000.0, Value::Null),
            event(
                "FunctionCall",
                1_000.0,
                5_000.0,
                serde_json::json!({"data": {"url": "http://h/a.js"}}),
            ),
            TraceEvent {
                ph: "I".into(),
                dur: None,
                ..event(
                    "TimerInstall",
                    2_000.0,
                    0.0,
                    serde_json::json!({"data": {"timerId": 7}}),
                )
            },
            event("RunTask", 20_000.0, 60_000.0, Value::Null),
            event(
                "TimerFire",
                20_500.0,
                59_000.0,
                serde_json::json!({"data": {"timerId": 7}}),
            ),
        ];
        let tasks = main_thread_tasks(&thread(&events));
        let fire = tasks.iter().find(|t| t.event.name == "TimerFire").unwrap();
        assert_eq!(fire.urls, ["http://h/a.js"]);
        assert_eq!(fire.group, TaskGroup::ScriptEvaluation);
    }

    #[test]
    fn slop_under_a_millisecond_stretches_the_parent_and_more_is_cut() {
        let events = vec![
            event("RunTask", 0.0, 10_000.0, Value::Null),
            event("FunctionCall", 5_000.0, 5_500.0, Value::Null),
            event("RunTask", 20_000.0, 10_000.0, Value::Null),
            event("FunctionCall", 25_000.0, 9_000.0, Value::Null),
        ];
        let tasks = main_thread_tasks(&thread(&events));
        assert_eq!(tasks[0].end, 10_500.0);
        assert_eq!(tasks[3].end, 30_000.0);
        assert_eq!(tasks[3].parent, Some(2));
    }

    #[test]
    fn trimmed_args_keep_what_attribution_reads() {
        let args = serde_json::json!({"data": {"url": "u", "frame": "F", "other": 1,
            "stackTrace": [{"url": "s", "lineNumber": 3, "functionName": "f"}]},
            "fileName": "m.js"});
        assert_eq!(
            trim_args(&args),
            serde_json::json!({"data": {"url": "u", "frame": "F", "stackTrace": [{"url": "s"}]},
                "fileName": "m.js"})
        );
        assert_eq!(trim_args(&serde_json::json!({"x": 1})), Value::Null);
        assert!(is_task_event("FunctionCall", "X") && !is_task_event("FunctionCall", "B"));
        assert!(is_task_event("TimerInstall", "I") && !is_task_event("ResourceSendRequest", "X"));
    }
}
