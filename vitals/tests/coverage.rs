//! Unused JavaScript and CSS at load on `fixtures/vitals/site/coverage/`,
//! whose minified bundle (built from `fixtures/vitals/coverage-app/` with
//! its source map) holds `src/format.js`, used at load, part of `dayjs`,
//! and `src/chart.js` (~110 KB of functions) called only after a click.
//!
//! - On the recorded run (`fixtures/vitals/artifacts/coverage/`), every
//!   number is recomputed here from the raw artifact with a line-by-line
//!   port of Lighthouse 12.8's `computeWaste`, `createSourceWastedBytes`,
//!   `computeGeneratedFileSizes` and compression ratio, and must match.
//! - In real Chromium (CHROME_PATH or /usr/bin/chromium, one browser at a
//!   time: a global lock), the planted shares within stated tolerances and
//!   the `unused-javascript` finding naming the click-only module.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use model::FindingKind;
use model::vitals::{CoverageGranularity, ScriptUsage, VitalsReport};
use perfscope_vitals as vitals;
use project::packages::normalize_source;
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
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/vitals/artifacts/coverage")
}

fn module<'a>(script: &'a ScriptUsage, suffix: &str) -> &'a model::vitals::SourceUsage {
    script
        .modules
        .iter()
        .find(|m| m.name.ends_with(suffix))
        .unwrap_or_else(|| panic!("module {suffix} in {:?}", script.modules))
}

fn app_script(report: &VitalsReport) -> &ScriptUsage {
    let coverage = report.coverage.as_ref().expect("coverage measured");
    coverage
        .scripts
        .iter()
        .find(|s| s.url.ends_with("/coverage/app.js"))
        .unwrap_or_else(|| panic!("app.js in {:?}", coverage.scripts))
}

/// Lighthouse's `computeWaste`: `unusedByIndex` over the largest range end.
fn lighthouse_waste(script: &Value) -> (Vec<u8>, u64) {
    let ranges = script["ranges"].as_array().unwrap();
    let max = ranges.iter().map(|r| r[1].as_u64().unwrap()).max().unwrap();
    let mut unused = vec![0u8; max as usize];
    for r in ranges {
        if r[2].as_u64() == Some(0) {
            for slot in
                &mut unused[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize]
            {
                *slot = 1;
            }
        }
    }
    (unused, max)
}

/// Lighthouse's `createSourceWastedBytes` and `computeGeneratedFileSizes`:
/// per source (raw name), unused characters and generated size.
fn lighthouse_sources(script: &Value, unused_by_index: &[u8]) -> BTreeMap<String, (u64, u64)> {
    let map = &script["source_map"];
    let line_lengths: Vec<u64> = map["line_lengths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_u64().unwrap())
        .collect();
    let mut offsets = Vec::new();
    let mut total = 0;
    for len in &line_lengths {
        offsets.push(total);
        total += len + 1;
    }
    let decoded =
        sourcemap::SourceMap::from_slice(map["map"].as_str().unwrap().as_bytes()).unwrap();
    let mut mappings: Vec<(u32, u32, Option<String>)> = decoded
        .tokens()
        .map(|t| {
            (
                t.get_dst_line(),
                t.get_dst_col(),
                t.get_source().map(str::to_string),
            )
        })
        .collect();
    mappings.sort_by_key(|m| (m.0, m.1));
    let mut files: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for (i, (line, col, source)) in mappings.iter().enumerate() {
        let last_column = mappings
            .get(i + 1)
            .filter(|next| next.0 == *line)
            .map(|next| u64::from(next.1));
        let line_length = line_lengths[*line as usize];
        let key = source.clone().unwrap_or_else(|| "(unmapped)".into());
        // computeGeneratedFileSizes skips mappings without a source.
        if source.is_some() {
            let size = match last_column {
                Some(last) => last - u64::from(*col),
                None => line_length - u64::from(*col) + 1,
            };
            files.entry(key.clone()).or_default().0 += size;
        }
        let mut offset = offsets[*line as usize] + u64::from(*col);
        let last = last_column.map_or(line_length as i64, |l| l as i64 - 1);
        let mut column = i64::from(*col);
        while column <= last {
            if unused_by_index.get(offset as usize) == Some(&1) {
                files.entry(key.clone()).or_default().1 += 1;
            }
            offset += 1;
            column += 1;
        }
    }
    files
}

/// The recorded run: perfscope's numbers are Lighthouse's, recomputed from
/// the raw artifact.
#[test]
fn recorded_coverage_is_lighthouses_unused_javascript() {
    let report = vitals::from_artifacts(&recorded_dir(), &VitalsOptions::default()).unwrap();
    let raw: Value =
        serde_json::from_str(&std::fs::read_to_string(recorded_dir().join("run-0.json")).unwrap())
            .unwrap();
    let script = raw["coverage"]["scripts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["url"].as_str().unwrap().ends_with("/app.js"))
        .unwrap();
    let (unused_by_index, content_length) = lighthouse_waste(script);
    let unused: u64 = unused_by_index.iter().map(|u| u64::from(*u)).sum();
    let app = app_script(&report);
    assert_eq!(
        (app.total_bytes, app.unused_bytes),
        (content_length, unused)
    );

    // Compression: the body on the wire (transfer less headers, brotli)
    // over the decoded size.
    let request = raw["network"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["url"] == script["url"])
        .unwrap();
    assert_eq!(request["headers"]["content-encoding"], "br");
    let body =
        request["transfer_bytes"].as_u64().unwrap() - request["headers_bytes"].as_u64().unwrap();
    let ratio = body as f64 / request["decoded_bytes"].as_f64().unwrap();
    assert_eq!(
        app.transfer_bytes,
        (content_length as f64 * ratio).round() as u64
    );
    assert_eq!(app.wasted_bytes, (unused as f64 * ratio).round() as u64);

    // Per original source: the same unused characters and sizes as
    // Lighthouse's, for every source; perfscope's "(unmapped)" also holds
    // the code before a line's first mapping, which Lighthouse leaves out.
    let lighthouse = lighthouse_sources(script, &unused_by_index);
    assert!(lighthouse.len() >= 4, "{lighthouse:?}");
    for (source, (size, unused)) in &lighthouse {
        if source == "(unmapped)" {
            assert!(module(app, "(unmapped)").unused_bytes >= *unused);
            continue;
        }
        let name = normalize_source(source);
        let ours = module(app, &name);
        assert_eq!(
            (ours.total_bytes, ours.unused_bytes),
            (*size, *unused),
            "{source}"
        );
        assert_eq!(ours.wasted_bytes, (*unused as f64 * ratio).round() as u64);
    }
    let summed: u64 = app.modules.iter().map(|m| m.unused_bytes).sum();
    assert_eq!(
        summed, app.unused_bytes,
        "every unused character has one module"
    );

    // The finding, and its top sources.
    let finding = report
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::UnusedJavascript)
        .expect("app.js wastes over 20 KiB");
    assert_eq!(finding.subject, app.url);
    assert!(
        finding
            .message
            .contains("most unused: coverage-app/src/chart.js ("),
        "{}",
        finding.message
    );

    // CSS: the used rules' characters against the text.
    let sheet = raw["coverage"]["stylesheets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["url"].as_str().unwrap().ends_with("/style.css"))
        .unwrap();
    let used: u64 = sheet["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r[2].as_u64() == Some(1))
        .map(|r| r[1].as_u64().unwrap() - r[0].as_u64().unwrap())
        .sum();
    let css = report
        .coverage
        .as_ref()
        .unwrap()
        .stylesheets
        .iter()
        .find(|s| s.url == sheet["url"])
        .unwrap();
    assert_eq!(css.used_bytes, used);
    assert_eq!(css.unused_bytes, sheet["length"].as_u64().unwrap() - used);
}

/// Artifacts saved before coverage was gathered still load, without a
/// coverage section.
#[test]
fn artifacts_without_coverage_have_no_coverage_section() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/vitals/artifacts/index");
    let report = vitals::from_artifacts(&dir, &VitalsOptions::default()).unwrap();
    assert!(report.coverage.is_none());
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.kind == FindingKind::UnusedJavascript)
    );
}

/// In Chromium: `src/chart.js` is only called after a click, so at load at
/// least 95% of it is unused (only the array of its functions, top-level
/// code, runs: ~1%); every function of `src/format.js` runs except one
/// small replacer (planted: ~17% unused; tolerance: at most 30%); the
/// script as a whole is 90–98% unused; the finding names `chart.js`.
#[test]
fn a_click_only_module_is_unused_at_load() {
    let _guard = lock();
    let options = VitalsOptions {
        runs: 1,
        path: "/coverage/".into(),
        timeout: Duration::from_secs(30),
        ..VitalsOptions::default()
    };
    let report = vitals::run(&Target::Dir(site()), &options).expect("vitals run");
    let app = app_script(&report);
    assert!(
        (0.90..=0.98).contains(&app.unused_ratio),
        "{:?}",
        (app.unused_ratio, &report.diagnostics)
    );
    assert!(
        app.source_map
            .as_deref()
            .is_some_and(|m| m.ends_with("/coverage/app.js.map"))
    );
    let chart = module(app, "coverage-app/src/chart.js");
    assert!(chart.unused_ratio >= 0.95, "{chart:?}");
    assert!(chart.total_bytes >= 100_000, "{chart:?}");
    let format = module(app, "coverage-app/src/format.js");
    assert!(format.unused_ratio <= 0.30, "{format:?}");
    let dayjs = app
        .packages
        .iter()
        .find(|p| p.name == "dayjs")
        .expect("dayjs");
    assert!((0.05..0.95).contains(&dayjs.unused_ratio), "{dayjs:?}");
    // The transfer is brotli: its unused part is still over 20 KiB.
    assert!(app.wasted_bytes > 20 * 1024, "{app:?}");
    let finding = report
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::UnusedJavascript)
        .unwrap_or_else(|| panic!("{:?}", report.findings));
    assert!(finding.subject.ends_with("/coverage/app.js"));
    assert!(
        finding
            .message
            .contains("most unused: coverage-app/src/chart.js"),
        "{}",
        finding.message
    );
    // style.css: the page uses 6 of its 66 rules.
    let css = report
        .coverage
        .as_ref()
        .unwrap()
        .stylesheets
        .iter()
        .find(|s| s.url.ends_with("/coverage/style.css"))
        .expect("style.css");
    assert!(css.unused_ratio >= 0.9, "{css:?}");
    // Coverage leaves no trace in the load's own measurements.
    let median = report.median.as_ref().expect("a complete run");
    assert!(
        !median.requests.iter().any(|r| r.url.ends_with(".map")),
        "{:?}",
        median.requests
    );
}

/// Block granularity (`[vitals] coverage_granularity = "block"`): the
/// same page measured per function (Lighthouse's basis) and per block.
/// dayjs's functions that run at load (parsing and formatting one date)
/// have branches that are never taken (other tokens, other input types):
/// per block they are unused too, so the script and dayjs are more unused;
/// the click-only chart module is as unused either way.
#[test]
fn block_coverage_also_counts_branches_never_taken() {
    let _guard = lock();
    let measure = |granularity| {
        let options = VitalsOptions {
            runs: 1,
            path: "/coverage/".into(),
            timeout: Duration::from_secs(30),
            coverage_granularity: granularity,
            ..VitalsOptions::default()
        };
        vitals::run(&Target::Dir(site()), &options).expect("vitals run")
    };
    let function = measure(CoverageGranularity::Function);
    let block = measure(CoverageGranularity::Block);
    assert_eq!(
        function.coverage.as_ref().unwrap().granularity,
        CoverageGranularity::Function
    );
    assert_eq!(
        block.coverage.as_ref().unwrap().granularity,
        CoverageGranularity::Block
    );
    let (f, b) = (app_script(&function), app_script(&block));
    assert_eq!(f.total_bytes, b.total_bytes);
    assert!(
        b.unused_bytes > f.unused_bytes,
        "{} vs {}",
        b.unused_bytes,
        f.unused_bytes
    );
    let dayjs = |s: &ScriptUsage| {
        s.packages
            .iter()
            .find(|p| p.name == "dayjs")
            .cloned()
            .expect("dayjs")
    };
    assert!(
        dayjs(b).unused_bytes > dayjs(f).unused_bytes,
        "{:?} vs {:?}",
        dayjs(b),
        dayjs(f)
    );
    for s in [f, b] {
        assert!(module(s, "coverage-app/src/chart.js").unused_ratio >= 0.95);
    }
}
