//! CPU time at load on `fixtures/vitals/site/cpu/`, whose minified ESM
//! bundle (built from `fixtures/vitals/cpu-app/` with esbuild and its
//! source map) burns CPU at load in `decimal.js` (called from
//! `src/checksum.js`) and carries `d3-shape`, `d3-path` and
//! `src/sparkline.js`, used only after a click.
//!
//! - On the recorded run (`fixtures/vitals/artifacts/cpu/`), the report's
//!   numbers are recomputed here from the raw profile and task events with
//!   independent, straightforward code, and must match.
//! - In real Chromium (CHROME_PATH or /usr/bin/chromium, one browser at a
//!   time), the CPU-heavy package is named first and the click-only code
//!   is unused at load within stated tolerances.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use model::vitals::{CpuReport, VitalsReport};
use perfscope_vitals as vitals;
use serde_json::Value;
use vitals::{Target, VitalsOptions};

static BROWSER: Mutex<()> = Mutex::new(());

fn lock() -> MutexGuard<'static, ()> {
    BROWSER.lock().unwrap_or_else(|p| p.into_inner())
}

fn site() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/vitals/site")
}

fn recorded_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/vitals/artifacts/cpu")
}

fn cpu(report: &VitalsReport) -> &CpuReport {
    report
        .cpu
        .as_ref()
        .unwrap_or_else(|| panic!("no CPU report: {:?}", report.diagnostics))
}

/// Self µs per script URL, straight from the raw profile: each sample
/// lasts until the next in time (the last until `endTime`) and counts for the
/// nearest node up its stack with a URL.
fn self_per_url(profile: &Value) -> BTreeMap<String, f64> {
    let nodes = profile["nodes"].as_array().unwrap();
    let mut parent: HashMap<i64, i64> = HashMap::new();
    let mut url: HashMap<i64, String> = HashMap::new();
    for n in nodes {
        let id = n["id"].as_i64().unwrap();
        url.insert(id, n["callFrame"]["url"].as_str().unwrap().to_string());
        for c in n["children"].as_array().into_iter().flatten() {
            parent.insert(c.as_i64().unwrap(), id);
        }
    }
    let samples: Vec<i64> = profile["samples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_i64().unwrap())
        .collect();
    let mut t = profile["startTime"].as_f64().unwrap();
    let stamps: Vec<f64> = profile["timeDeltas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            t += d.as_f64().unwrap();
            t
        })
        .collect();
    let end = profile["endTime"].as_f64().unwrap();
    // V8 lists a few samples out of order: time order first.
    let mut order: Vec<usize> = (0..samples.len()).collect();
    order.sort_by(|a, b| stamps[*a].total_cmp(&stamps[*b]));
    let mut out = BTreeMap::new();
    for (k, &i) in order.iter().enumerate() {
        let s = &samples[i];
        let dur = order.get(k + 1).map_or(end, |&j| stamps[j]) - stamps[i];
        let mut at = Some(*s);
        while let Some(n) = at {
            if !url[&n].is_empty() {
                *out.entry(url[&n].clone()).or_insert(0.0) += dur;
                break;
            }
            at = parent.get(&n).copied();
        }
    }
    out
}

/// The sum of the main thread's top-level task durations (ms): every
/// task's self time adds up to it.
fn top_level_ms(run: &Value) -> f64 {
    let mut spans: Vec<(f64, f64)> = run["task_events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["ph"] == "X")
        .map(|e| {
            let ts = e["ts"].as_f64().unwrap();
            (ts, ts + e["dur"].as_f64().unwrap())
        })
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.total_cmp(&a.1)));
    let (mut total, mut end) = (0.0, f64::MIN);
    for (s, e) in spans {
        if s >= end {
            total += e - s;
            end = e;
        } else if e > end {
            // A child overrunning its parent by under 1 ms stretches it.
            total += e - end;
            end = e;
        }
    }
    total / 1000.0
}

#[test]
fn recorded_profile_sums_match_the_raw_samples() {
    let report = vitals::from_artifacts(&recorded_dir(), &VitalsOptions::default()).unwrap();
    let raw: Value =
        serde_json::from_str(&std::fs::read_to_string(recorded_dir().join("run-0.json")).unwrap())
            .unwrap();
    let cpu = cpu(&report);
    let profile = cpu.profile.as_ref().expect("profile summarised");
    let expected = self_per_url(&raw["cpu_profile"]);
    assert_eq!(profile.scripts.len(), expected.len());
    for script in &profile.scripts {
        let us = expected[&script.name];
        assert!(
            (script.self_ms - us / 1000.0).abs() <= 0.05,
            "{script:?} vs {us} µs"
        );
    }
    // Every sampled ms is a script's, V8's own or idle.
    let scripted: f64 = profile.scripts.iter().map(|s| s.self_ms).sum();
    assert!((scripted + profile.program_ms - profile.busy_ms).abs() <= 0.3);
    // Module self times add up to the scripts'.
    let modules: f64 = profile.modules.iter().map(|m| m.self_ms).sum();
    assert!((modules - scripted).abs() <= 0.5, "{modules} vs {scripted}");
    // The planted burn: decimal.js is the first package and most of the script.
    assert_eq!(profile.packages[0].name, "decimal.js");
    assert!(profile.packages[0].self_ms >= 0.9 * scripted, "{profile:?}");
    let checksum = profile
        .modules
        .iter()
        .find(|m| m.name.ends_with("cpu-app/src/checksum.js"))
        .unwrap();
    // Nearly all of it called from checksum.js (the rest: decimal.js's own
    // set-up at the top level, `Decimal.clone`).
    assert!(
        checksum.total_ms >= 0.9 * profile.packages[0].self_ms,
        "{checksum:?}"
    );
    // The long task names the package and the module that called it.
    let long = &cpu.long_tasks[0];
    let names: Vec<&str> = long.sources.iter().map(|s| s.name.as_str()).collect();
    assert!(
        names.contains(&"decimal.js") && names.contains(&"cpu-app/src/checksum.js"),
        "{long:?}"
    );
    // Main-thread work: every task's self time, i.e. the top-level spans.
    let main = cpu.main_thread_ms.unwrap();
    assert!((main - top_level_ms(&raw)).abs() <= 0.2, "{main}");
    assert_eq!(report.runs[0].main_thread_ms, Some(main));
    // Boot-up: each listed URL's total includes its scripting and parse time.
    let listed: f64 = cpu.bootup.iter().map(|b| b.total_ms).sum();
    assert!(listed <= main + 0.1);
    for b in &cpu.bootup {
        assert!(b.total_ms >= 50.0 && b.scripting_ms + b.parse_compile_ms <= b.total_ms + 0.1);
    }
    let counted: f64 = cpu
        .bootup
        .iter()
        .map(|b| b.scripting_ms + b.parse_compile_ms)
        .sum();
    assert!((cpu.bootup_ms.unwrap() - counted).abs() <= 0.2);
}

/// Planted: `decimal.js` burns six square roots at 3000 digits at load
/// (hundreds of ms), so it is the first package by CPU time, the first
/// source of the long task, and at least 80% of the script's sampled time.
/// Unused at load: `src/sparkline.js` is only called after the click
/// (planted 100% unused; tolerance 5 points), `src/checksum.js` runs whole
/// (planted 0%; tolerance 5 points), `d3-path` and `d3-shape` run only
/// their top-level definitions (at least 85% unused).
#[test]
fn the_cpu_heavy_package_is_named_first() {
    let _guard = lock();
    let options = VitalsOptions {
        runs: 1,
        path: "/cpu/".into(),
        timeout: Duration::from_secs(30),
        ..VitalsOptions::default()
    };
    let report = vitals::run(&Target::Dir(site()), &options).expect("vitals run");
    let cpu = cpu(&report);
    let profile = cpu.profile.as_ref().expect("profile gathered");
    assert_eq!(profile.packages[0].name, "decimal.js", "{profile:?}");
    let app = profile
        .scripts
        .iter()
        .find(|s| s.name.ends_with("/cpu/app.js"))
        .expect("app.js sampled");
    assert!(
        profile.packages[0].self_ms >= 0.8 * app.self_ms,
        "{profile:?}"
    );
    assert!(
        cpu.long_tasks.iter().any(|t| t
            .sources
            .first()
            .is_some_and(|s| s.name == "decimal.js" || s.name.ends_with("src/checksum.js"))),
        "{:?}",
        cpu.long_tasks
    );
    let coverage = report.coverage.as_ref().expect("coverage");
    let script = coverage
        .scripts
        .iter()
        .find(|s| s.url.ends_with("/cpu/app.js"))
        .unwrap();
    let ratio = |suffix: &str| {
        script
            .modules
            .iter()
            .chain(&script.packages)
            .find(|m| m.name.ends_with(suffix))
            .unwrap_or_else(|| panic!("{suffix} in {script:?}"))
            .unused_ratio
    };
    assert!(ratio("cpu-app/src/sparkline.js") >= 0.95);
    assert!(ratio("cpu-app/src/checksum.js") <= 0.05);
    assert!(ratio("d3-path") >= 0.85);
    assert!(ratio("d3-shape") >= 0.85);
}
