//! The package boundary changes what is parsed, never what is found: on
//! every fixture with installed packages, the findings of a run that stops
//! at package boundaries are those of a run that parses every package file
//! it reaches (`parse_packages = true`), and it parses fewer package files.

use std::path::{Path, PathBuf};

use perfscope_source::config::AnalyzeConfig;
use perfscope_source::{AnalyzeOptions, analyze_full};

fn fixtures() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let mut dirs = vec![root.join("shop-app"), root.join("shop-app-head")];
    for group in ["frameworks", "source"] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(root.join(group))
            .expect("fixtures folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .collect();
        found.sort();
        dirs.extend(found);
    }
    dirs
}

/// The findings, and how many package files were parsed.
fn run(dir: &Path, parse_packages: bool) -> Option<(Vec<model::Finding>, usize)> {
    let options = AnalyzeOptions {
        config: AnalyzeConfig {
            parse_packages,
            ..AnalyzeConfig::default()
        },
        ..AnalyzeOptions::default()
    };
    let analysis = analyze_full(&project::ProjectFacts::read(dir), &options).ok()?;
    let parsed = analysis
        .graph
        .graph
        .node_weights()
        .filter(|n| n.package.is_some() && n.parsed)
        .count();
    Some((analysis.report.findings, parsed))
}

#[test]
fn findings_at_the_boundary_equal_those_of_parsing_every_package() {
    let mut compared = 0;
    let mut saved = 0;
    for dir in fixtures() {
        if !dir.join("node_modules").is_dir() {
            continue;
        }
        let name = dir.display().to_string();
        let Some((deep, deep_parsed)) = run(&dir, true) else {
            continue; // no entries: nothing to compare
        };
        let (bounded, bounded_parsed) = run(&dir, false).expect("the same project analyses");
        assert_eq!(deep, bounded, "{name}: findings differ at the boundary");
        assert!(bounded_parsed <= deep_parsed, "{name}");
        eprintln!(
            "{name}: {} findings, package files parsed {deep_parsed} -> {bounded_parsed}",
            deep.len()
        );
        saved += deep_parsed - bounded_parsed;
        compared += 1;
    }
    assert!(compared >= 5, "only {compared} fixtures with packages");
    // Some package files were not parsed at all.
    assert!(saved > 0);
}
