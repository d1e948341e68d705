//! The cache (`node_modules/.cache/perfscope`: parsed facts and minified
//! modules, keyed by content) changes nothing but the time: on every
//! fixture, a cold run that fills it and a warm run that reads it give the
//! report a run without it gives; a changed file is parsed again.

mod common;
use common::copy_dir;

use std::path::{Path, PathBuf};

use model::analyze::AnalyzeReport;
use perfscope_source::{AnalyzeOptions, analyze_full};

fn fixtures() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let mut out = vec![root.join("shop-app"), root.join("shop-app-head")];
    let mut frameworks: Vec<PathBuf> = std::fs::read_dir(root.join("frameworks"))
        .expect("fixtures/frameworks")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    frameworks.sort();
    out.extend(frameworks);
    out
}

/// The report without timings (the only part that may differ).
fn run(dir: &Path, cache: bool) -> (AnalyzeReport, perfscope_source::cache::CacheStats) {
    let options = AnalyzeOptions {
        cache,
        ..AnalyzeOptions::default()
    };
    let analysis = analyze_full(&project::ProjectFacts::read(dir), &options).expect("analysis");
    let stats = analysis.graph.cache.stats();
    let mut report = analysis.report;
    report.timings = Default::default();
    (report, stats)
}

#[test]
fn cold_and_warm_runs_give_the_uncached_report_on_every_fixture() {
    let mut minified = 0;
    for fixture in fixtures() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join(fixture.file_name().unwrap());
        copy_dir(&fixture, &dir);
        std::fs::create_dir_all(dir.join("node_modules")).unwrap();
        let (plain, _) = run(&dir, false);
        let (cold, cold_stats) = run(&dir, true);
        let (warm, warm_stats) = run(&dir, true);
        let name = fixture.display().to_string();
        assert_eq!(plain, cold, "{name}: a cold cached run differs");
        assert_eq!(plain, warm, "{name}: a warm cached run differs");
        assert!(cold_stats.facts_misses > 0, "{name}: {cold_stats:?}");
        assert_eq!(warm_stats.facts_misses, 0, "{name}: {warm_stats:?}");
        assert_eq!(warm_stats.facts_hits, cold_stats.facts_misses, "{name}");
        assert_eq!(warm_stats.minified_misses, 0, "{name}: {warm_stats:?}");
        minified += cold_stats.minified_misses;
    }
    // The fixtures' lazy candidates exercised the minified cache too.
    assert!(minified > 0);
}

#[test]
fn a_changed_file_is_parsed_again() {
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/shop-app");
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture, tmp.path());
    let (_, cold) = run(tmp.path(), true);
    let app = tmp.path().join("src/App.tsx");
    let text = std::fs::read_to_string(&app).unwrap();
    std::fs::write(&app, format!("{text}\nexport const added = 1;\n")).unwrap();
    let (report, warm) = run(tmp.path(), true);
    assert_eq!(warm.facts_misses, 1, "{warm:?}");
    assert_eq!(warm.facts_hits + 1, cold.facts_misses);
    let (plain, _) = run(tmp.path(), false);
    assert_eq!(report, plain);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.kind == model::FindingKind::UnusedExports && f.key.contains("added")),
        "the new export is seen"
    );
}
