//! Each finding of the source analyzer on its small fixture under
//! `fixtures/source/<case>/`, with exact expected results.

mod common;
use common::*;

use std::path::PathBuf;

use model::FindingKind;
use model::analyze::{AnalyzeReport, EdgeKind};
use perfscope_source::{AnalyzeConfig, AnalyzeOptions, analyze};

fn fixture(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/source")
        .join(case)
}

fn run(case: &str, config: AnalyzeConfig) -> AnalyzeReport {
    let options = AnalyzeOptions {
        config,
        ..AnalyzeOptions::default()
    };
    analyze(&fixture(case), &options).expect("analysis runs")
}

fn export(path: &str, name: &str, line: u32, type_only: bool) -> UnusedExport {
    UnusedExport {
        path: path.into(),
        name: name.into(),
        line,
        type_only,
    }
}

#[test]
fn unused_exports_follow_barrels_namespaces_and_dynamic_imports() {
    let report = run("exports", AnalyzeConfig::default());
    assert_eq!(
        unused_exports(&report),
        vec![
            export("src/lazy-destructured.ts", "other", 2, false),
            export("src/lazy-then.ts", "y", 2, false),
            export("src/lib/a.ts", "unusedA", 2, false),
            export("src/lib/a.ts", "TA", 3, true),
            export("src/lib/b.ts", "b", 1, false),
            export("src/lib/b.ts", "b2", 2, false),
            export("src/lib/index.ts", "bee", 2, false),
            export("src/types.ts", "Unused", 4, true),
            export("src/utils.ts", "notUsed", 2, false),
            export("src/utils.ts", "default", 3, false),
        ]
    );
    assert_eq!(report.diagnostics, vec![]);
}

#[test]
fn entries_are_discovered_and_named() {
    let report = run("exports", AnalyzeConfig::default());
    let entries: Vec<(&str, &str)> = report
        .entries
        .iter()
        .map(|e| (e.path.as_str(), e.source.as_str()))
        .collect();
    assert_eq!(entries, vec![("src/main.ts", "convention: src/main.ts")]);
}

#[test]
fn unused_files_skip_tests_by_default_and_can_include_them() {
    let report = run("exports", AnalyzeConfig::default());
    assert_eq!(unused_files(&report), vec!["src/orphan.ts"]);
    let report = run(
        "exports",
        AnalyzeConfig {
            ignore_defaults: false,
            ignore: vec!["src/orphan.ts".into()],
            ..AnalyzeConfig::default()
        },
    );
    assert_eq!(unused_files(&report), vec!["src/orphan.test.ts"]);
}

#[test]
fn edge_kinds_are_recorded() {
    let report = run("exports", AnalyzeConfig::default());
    let main = report
        .modules
        .iter()
        .find(|m| m.path == "src/main.ts")
        .expect("main module");
    let kinds: Vec<(&str, EdgeKind, Option<&str>)> = main
        .imports
        .iter()
        .map(|i| (i.specifier.as_str(), i.kind, i.resolved.as_deref()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("./lib", EdgeKind::Static, Some("src/lib/index.ts")),
            ("./utils", EdgeKind::Static, Some("src/utils.ts")),
            ("./types", EdgeKind::TypeOnly, Some("src/types.ts")),
            ("./lazy-whole", EdgeKind::Dynamic, Some("src/lazy-whole.ts")),
            (
                "./lazy-destructured",
                EdgeKind::Dynamic,
                Some("src/lazy-destructured.ts")
            ),
            ("./lazy-then", EdgeKind::Dynamic, Some("src/lazy-then.ts")),
        ]
    );
    let barrel = report
        .modules
        .iter()
        .find(|m| m.path == "src/lib/index.ts")
        .expect("barrel");
    assert!(barrel.imports.iter().all(|i| i.kind == EdgeKind::ReExport));
}

#[test]
fn cycles_exclude_type_only_edges_unless_configured() {
    let report = run("cycles", AnalyzeConfig::default());
    assert_eq!(
        cycles(&report),
        vec![
            vec!["src/a.ts".to_string(), "src/b.ts".into()],
            vec![
                "src/ring/alpha.ts".to_string(),
                "src/ring/beta.ts".into(),
                "src/ring/gamma.ts".into()
            ],
            vec!["src/self.ts".into()]
        ]
    );
    // Each cycle shows a real chain: the shortest through its first member
    // (alpha → beta → alpha, not the sorted alpha → beta → gamma), with the
    // line of every import.
    let chains: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::Cycles)
        .map(|f| f.message.clone())
        .collect();
    assert_eq!(
        chains,
        vec![
            "2 modules: src/a.ts:1 \u{2192} src/b.ts:1 \u{2192} src/a.ts",
            "3 modules: src/ring/alpha.ts:3 \u{2192} src/ring/beta.ts:2 \u{2192} src/ring/alpha.ts",
            "imports itself: src/self.ts:1 \u{2192} src/self.ts",
        ]
    );
    let report = run(
        "cycles",
        AnalyzeConfig {
            include_type_cycles: true,
            ..AnalyzeConfig::default()
        },
    );
    assert_eq!(
        cycles(&report),
        vec![
            vec!["src/a.ts".to_string(), "src/b.ts".into()],
            vec!["src/c.ts".into(), "src/d.ts".into()],
            vec![
                "src/ring/alpha.ts".to_string(),
                "src/ring/beta.ts".into(),
                "src/ring/gamma.ts".into()
            ],
            vec!["src/self.ts".into()],
        ]
    );
}

#[test]
fn dependencies_unused_unlisted_and_aliases() {
    let report = run("deps", AnalyzeConfig::default());
    assert_eq!(
        unused_dependencies(&report),
        vec!["@types/lodash", "left-pad"]
    );
    let unlisted = unlisted_dependencies(&report);
    let unlisted: Vec<(&str, Vec<String>)> = unlisted
        .iter()
        .map(|u| (u.name.as_str(), u.importers.clone()))
        .collect();
    assert_eq!(
        unlisted,
        vec![
            ("chalk", vec!["src/main.ts".to_string()]),
            ("not-installed", vec!["src/main.ts".to_string()]),
        ]
    );
    // The alias resolved into the project; exports conditions picked `import`.
    let main = report
        .modules
        .iter()
        .find(|m| m.path == "src/main.ts")
        .expect("main");
    let resolved = |spec: &str| {
        main.imports
            .iter()
            .find(|i| i.specifier == spec)
            .and_then(|i| i.resolved.clone())
    };
    assert_eq!(
        resolved("@/util/helper").as_deref(),
        Some("src/util/helper.ts")
    );
    assert_eq!(
        resolved("@scope/tool/sub").as_deref(),
        Some("node_modules/@scope/tool/sub.mjs")
    );
    assert_eq!(resolved("fs"), None);
    let messages: Vec<(&str, Option<u32>, &str)> = report
        .diagnostics
        .iter()
        .map(|d| (d.path.as_str(), d.line, d.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        vec![(
            "src/main.ts",
            Some(9),
            "package `not-installed` is not installed (1 import); its modules are not analysed"
        )]
    );
}

#[test]
fn duplicate_packages_give_each_copy() {
    let report = run("deps", AnalyzeConfig::default());
    assert_eq!(duplicate_packages(&report).len(), 1);
    let dup = &duplicate_packages(&report)[0];
    assert_eq!(dup.name, "dup");
    let copies: Vec<(Option<&str>, &str, u64, Vec<String>)> = dup
        .instances
        .iter()
        .map(|i| {
            (
                i.version.as_deref(),
                i.path.as_str(),
                i.bytes,
                i.importers.clone(),
            )
        })
        .collect();
    assert_eq!(
        copies,
        vec![
            (
                Some("1.0.0"),
                "node_modules/dup",
                21,
                vec!["src/main.ts".to_string()]
            ),
            (
                Some("2.0.0"),
                "node_modules/other/node_modules/dup",
                36,
                vec!["node_modules/other/index.js".to_string()]
            ),
        ]
    );
}

#[test]
fn lazy_candidates_rank_exclusive_subgraphs_and_defeated_splits() {
    let report = run(
        "lazy",
        AnalyzeConfig {
            lazy_first_party: true,
            ..AnalyzeConfig::default()
        },
    );
    type Row<'a> = (
        &'a str,
        &'a str,
        &'a str,
        u64,
        usize,
        &'a str,
        Option<&'a str>,
    );
    let candidates = lazy_candidates(&report);
    let got: Vec<Row> = candidates
        .iter()
        .map(|c| {
            (
                c.importer.as_str(),
                c.specifier.as_str(),
                c.module.as_str(),
                c.bytes_saved,
                c.modules_saved,
                c.reason.as_str(),
                c.use_site.map(|s| s.as_str()),
            )
        })
        .collect();
    // On-demand uses first (heavy() runs in an onClick handler), then uses
    // in functions, then what the importers need as soon as they load (at
    // their top level); larger gzip savings first within each.
    assert_eq!(
        got,
        vec![
            (
                "src/Route.tsx",
                "./heavy",
                "src/heavy.ts",
                5150,
                2,
                "exclusive-subgraph",
                Some("deferred")
            ),
            (
                "src/heavy.ts",
                "./heavy-helper",
                "src/heavy-helper.ts",
                1235,
                1,
                "exclusive-subgraph",
                Some("render")
            ),
            (
                "src/main.tsx",
                "./chart",
                "src/chart.ts",
                1424,
                1,
                "dynamic-also-static",
                None
            ),
            (
                "src/main.tsx",
                "./Route",
                "src/Route.tsx",
                5366,
                4,
                "exclusive-subgraph",
                Some("top-level")
            ),
            (
                "src/main.tsx",
                "./shared",
                "src/shared.ts",
                1483,
                2,
                "exclusive-subgraph",
                Some("top-level")
            ),
            (
                "src/shared.ts",
                "./chart",
                "src/chart.ts",
                1424,
                1,
                "exclusive-subgraph",
                Some("top-level")
            ),
        ]
    );
    let defeated = &lazy_candidates(&report)[2];
    assert_eq!(
        defeated.static_path,
        vec!["src/main.tsx", "src/shared.ts", "src/chart.ts"]
    );
    // Minified + gzip is far below the raw size (comments, types, whitespace gone).
    for c in &lazy_candidates(&report) {
        let gz = c.gzip_saved_estimate.expect("estimated");
        assert!(gz > 0 && gz < c.bytes_saved / 2, "{c:?}");
    }
    assert_eq!(report.diagnostics, vec![]);
}

#[test]
fn lazy_candidates_default_to_packages_only() {
    let report = run("lazy", AnalyzeConfig::default());
    let candidates = lazy_candidates(&report);
    let reasons: Vec<(&str, &str)> = candidates
        .iter()
        .map(|c| (c.module.as_str(), c.reason.as_str()))
        .collect();
    assert_eq!(reasons, vec![("src/chart.ts", "dynamic-also-static")]);
}

#[test]
fn lazy_candidates_count_what_a_production_build_keeps() {
    let shape = |report: &AnalyzeReport| -> Vec<(String, u64, usize)> {
        lazy_candidates(report)
            .iter()
            .map(|c| (c.specifier.clone(), c.bytes_saved, c.modules_saved))
            .collect()
    };
    let report = run("production-values", AnalyzeConfig::default());
    assert_eq!(
        shape(&report),
        vec![("date-fns-tz".to_string(), 8134, 2)],
        "only date-fns-tz ships enough to be worth a split"
    );
    let c = &lazy_candidates(&report)[0];
    assert_eq!(c.saving_source, model::analyze::SavingSource::Estimate);
    assert_eq!(c.use_site, Some(model::analyze::UseSite::Render));
    let report = run(
        "production-values",
        AnalyzeConfig {
            lazy_min_bytes: 0,
            ..AnalyzeConfig::default()
        },
    );
    let mut got = shape(&report);
    got.sort();
    // The devtools keep only the `() => null` switch, the shim its
    // production file; the DEV-only inspector ships nothing. React DOM, the
    // framework's runtime, is never a candidate, however small.
    assert_eq!(
        got,
        vec![
            ("@tanstack/react-query-devtools".to_string(), 563, 1),
            ("date-fns-tz".to_string(), 8134, 2),
            ("use-sync-external-store/shim".to_string(), 571, 2),
        ]
    );
}
