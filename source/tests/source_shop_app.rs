//! The source analyzer on `fixtures/shop-app`, checked against
//! `fixtures/shop-app/EXPECTED.md` finding by finding, plus a JSON snapshot
//! (timings redacted).

mod common;
use common::UnusedExport;

use std::path::PathBuf;

use model::analyze::AnalyzeReport;
use model::analyze::Role;
use perfscope_source::{AnalyzeOptions, analyze};

fn report() -> AnalyzeReport {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/shop-app");
    analyze(&root, &AnalyzeOptions::default()).expect("analysis runs")
}

#[test]
fn entries_are_index_html_the_script_tool_and_the_vite_config() {
    let r = report();
    let entries: Vec<(&str, &str, Role)> = r
        .entries
        .iter()
        .map(|e| (e.path.as_str(), e.source.as_str(), e.role))
        .collect();
    assert_eq!(
        entries,
        vec![
            ("src/main.tsx", "index.html module script", Role::Production),
            (
                "tools/gen-chart-kit.mjs",
                "package.json script \"gen:chart-kit\"",
                Role::Tooling
            ),
            ("vite.config.ts", "vite: config", Role::Tooling),
        ]
    );
}

#[test]
fn resolution_matches_the_expected_table() {
    let r = report();
    let resolved = |importer: &str, spec: &str| -> Option<String> {
        r.modules
            .iter()
            .find(|m| m.path == importer)
            .and_then(|m| m.imports.iter().find(|i| i.specifier == spec))
            .and_then(|i| i.resolved.clone())
    };
    let table = [
        ("src/App.tsx", "@/components", "src/components/index.ts"),
        (
            "src/pages/Reports.tsx",
            "@components/Button",
            "src/components/Button.tsx",
        ),
        (
            "src/lib/catalog.ts",
            "@/data/products.json",
            "src/data/products.json",
        ),
        (
            "src/components/Header.tsx",
            "@/assets/logo.svg",
            "src/assets/logo.svg",
        ),
        (
            "src/main.tsx",
            "./styles/global.css",
            "src/styles/global.css",
        ),
        (
            "src/main.tsx",
            "react-dom/client",
            "node_modules/react-dom/client.js",
        ),
        (
            "src/lib/dates.ts",
            "tiny-date",
            "node_modules/tiny-date/index.mjs",
        ),
        (
            "src/pages/Reports.tsx",
            "chart-kit",
            "node_modules/chart-kit/dist/index.js",
        ),
        (
            "src/store/cart.ts",
            "tiny-invariant",
            "node_modules/tiny-invariant/index.js",
        ),
        (
            "node_modules/chart-kit/dist/index.js",
            "tiny-date",
            "node_modules/chart-kit/node_modules/tiny-date/dist/tiny-date.mjs",
        ),
    ];
    for (importer, spec, expected) in table {
        assert_eq!(
            resolved(importer, spec).as_deref(),
            Some(expected),
            "{importer} imports {spec}"
        );
    }
    let reachable: Vec<&str> = r
        .modules
        .iter()
        .filter(|m| m.path.starts_with("src/") && m.module_type == "js")
        .map(|m| m.path.as_str())
        .collect();
    assert_eq!(reachable.len(), 27, "{reachable:?}");
}

#[test]
fn unused_files() {
    assert_eq!(
        common::unused_files(&report()),
        vec!["src/components/OldBanner.tsx", "src/utils/legacy.ts"]
    );
}

#[test]
fn unused_exports() {
    let e = |path: &str, name: &str, line: u32, type_only: bool| UnusedExport {
        path: path.into(),
        name: name.into(),
        line,
        type_only,
    };
    assert_eq!(
        common::unused_exports(&report()),
        vec![
            e("src/lib/analytics.ts", "default", 7, false),
            e("src/lib/report.ts", "formatCsvRow", 8, false),
            e("src/store/cart.ts", "CartError", 5, false),
            e("src/types/category.ts", "SortOrder", 9, true),
            e("src/types/product.ts", "LegacyProduct", 16, true),
            e("src/utils/format.ts", "MAX_TITLE_LENGTH", 1, false),
            e("src/utils/format.ts", "slugify", 7, false),
        ]
    );
}

#[test]
fn dependencies() {
    let r = report();
    assert_eq!(common::unused_dependencies(&r), vec!["left-pad"]);
    let unlisted = common::unlisted_dependencies(&r);
    let unlisted: Vec<(&str, Vec<String>)> = unlisted
        .iter()
        .map(|u| (u.name.as_str(), u.importers.clone()))
        .collect();
    assert_eq!(
        unlisted,
        vec![("tiny-invariant", vec!["src/store/cart.ts".to_string()])]
    );
}

#[test]
fn duplicate_packages() {
    let r = report();
    assert_eq!(common::duplicate_packages(&r).len(), 1);
    let dup = &common::duplicate_packages(&r)[0];
    assert_eq!(dup.name, "tiny-date");
    let copies: Vec<(Option<&str>, &str, Vec<String>)> = dup
        .instances
        .iter()
        .map(|i| (i.version.as_deref(), i.path.as_str(), i.importers.clone()))
        .collect();
    assert_eq!(
        copies,
        vec![
            (
                Some("2.0.1"),
                "node_modules/chart-kit/node_modules/tiny-date",
                vec!["node_modules/chart-kit/dist/index.js".to_string()]
            ),
            (
                Some("1.2.0"),
                "node_modules/tiny-date",
                vec!["src/lib/dates.ts".to_string()]
            ),
        ]
    );
    assert!(dup.instances.iter().all(|i| i.bytes > 0));
}

#[test]
fn cycles() {
    assert_eq!(
        common::cycles(&report()),
        vec![vec![
            "src/store/cart.ts".to_string(),
            "src/store/pricing.ts".into()
        ]]
    );
}

#[test]
fn lazy_candidates() {
    let r = report();
    let candidates = common::lazy_candidates(&r);
    let got: Vec<(&str, &str, &str, u32, &str)> = candidates
        .iter()
        .map(|c| {
            (
                c.importer.as_str(),
                c.specifier.as_str(),
                c.module.as_str(),
                c.line,
                c.reason.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "src/pages/Reports.tsx",
                "chart-kit",
                "node_modules/chart-kit/dist/index.js",
                3,
                "exclusive-subgraph"
            ),
            (
                "src/routes.tsx",
                "./pages/Settings",
                "src/pages/Settings.tsx",
                8,
                "dynamic-also-static"
            ),
        ]
    );
    let chart = &common::lazy_candidates(&r)[0];
    // chart-kit's entry plus the nested tiny-date copy only it pulls in.
    assert_eq!(chart.bytes_saved, 63_295 + 920);
    assert_eq!(chart.modules_saved, 2);
    let gz = chart.gzip_saved_estimate.expect("estimated");
    assert!(gz > 1_000 && gz < 30_000, "gzip estimate {gz}");
    assert_eq!(
        common::lazy_candidates(&r)[1].static_path,
        vec![
            "src/main.tsx",
            "src/App.tsx",
            "src/components/index.ts",
            "src/components/Header.tsx",
            "src/pages/Settings.tsx"
        ]
    );
}

#[test]
fn no_diagnostics_and_json_snapshot() {
    let r = report();
    assert_eq!(r.diagnostics, vec![]);
    insta::assert_json_snapshot!("shop_app_analyze", r, {
        ".timings.*" => "[ms]",
    });
}
