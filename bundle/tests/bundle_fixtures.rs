//! The bundle analyzer on the small committed outputs under `fixtures/bundle/`:
//! an esbuild metafile case, a webpack stats case and a hand-made edge case
//! (index map, inline map, map beside, no map, broken map, map outside the
//! folder, binary and empty files). Reference sizes come from Python
//! (`fixtures/bundle/compute-sizes.py`), reference attribution from
//! `fixtures/bundle/edge/make-edge.py`.

use std::path::{Path, PathBuf};

use model::bundle::{AssetType, BundleReport};
use perfscope_bundle::{BundleOptions, analyze};
use project::packages::normalize_source;
use serde_json::Value;

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/bundle")
        .join(case)
}

fn run(case: &str) -> BundleReport {
    analyze(&fixture(case).join("dist"), &BundleOptions::default()).expect("analysis runs")
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("readable")).expect("JSON")
}

/// gzip must equal Python's zlib exactly. brotli comes from the Rust brotli crate,
/// which is not byte-identical to the reference C encoder: within 2% + 16 bytes.
fn assert_sizes_match_python(case: &str, report: &BundleReport) {
    let reference = json(&fixture(case).join("dist-sizes.json"));
    let files = reference["files"].as_object().expect("files");
    let shipped: Vec<_> = report
        .assets
        .iter()
        .filter(|a| a.asset_type.is_shipped())
        .collect();
    assert!(!shipped.is_empty());
    for asset in &report.assets {
        let expected = &files[&asset.path];
        assert_eq!(
            asset.raw,
            expected["raw"].as_u64().unwrap(),
            "{} raw",
            asset.path
        );
        if asset.asset_type.is_shipped() {
            assert_eq!(asset.gzip, expected["gzip"].as_u64(), "{} gzip", asset.path);
            let brotli = asset.brotli.expect("brotli computed") as f64;
            let python = expected["brotli"].as_f64().unwrap();
            assert!(
                (brotli - python).abs() <= python * 0.02 + 16.0,
                "{} brotli {brotli} vs {python}",
                asset.path
            );
        } else {
            assert_eq!(
                (asset.gzip, asset.brotli),
                (None, None),
                "{} not compressed",
                asset.path
            );
        }
    }
    // Every file of the folder is listed.
    assert_eq!(report.assets.len(), files.len());
}

fn assert_attribution_sums(report: &BundleReport) {
    for asset in &report.assets {
        let attributed: u64 = asset.sources.iter().map(|s| s.bytes).sum();
        assert_eq!(
            attributed + asset.unmapped_bytes,
            asset.raw,
            "{}",
            asset.path
        );
        if !matches!(asset.asset_type, AssetType::Js | AssetType::Css) {
            assert!(asset.sources.is_empty(), "{}", asset.path);
        }
    }
}

fn entry<'a>(report: &'a BundleReport, name: &str) -> &'a model::bundle::Entry {
    report
        .entries
        .iter()
        .find(|e| e.name == name)
        .expect("entry")
}

#[test]
fn esbuild_metafile_gives_the_split() {
    let report = run("esbuild");
    assert_eq!(report.chunk_graph.as_str(), "esbuild-metafile");
    assert_sizes_match_python("esbuild", &report);
    assert_attribution_sums(&report);
    let meta = json(&fixture("esbuild").join("dist/meta.json"));
    // Reference: the metafile itself. The entry output imports one chunk
    // statically and one dynamically.
    let outputs = meta["outputs"].as_object().unwrap();
    let (app_key, app) = outputs
        .iter()
        .find(|(_, o)| o.get("entryPoint").is_some())
        .unwrap();
    let strip = |p: &str| p.trim_start_matches("dist/").to_string();
    let mut initial = vec![strip(app_key)];
    let mut lazy = Vec::new();
    for import in app["imports"].as_array().unwrap() {
        match import["kind"].as_str().unwrap() {
            "dynamic-import" => lazy.push(strip(import["path"].as_str().unwrap())),
            _ => initial.push(strip(import["path"].as_str().unwrap())),
        }
    }
    initial.sort();
    let page = entry(&report, "index.html");
    assert_eq!(page.assets, initial);
    assert_eq!(page.lazy, lazy);
    assert_eq!(
        page.raw,
        initial
            .iter()
            .map(|p| outputs[&format!("dist/{p}")]["bytes"].as_u64().unwrap())
            .sum::<u64>()
    );
    // tiny-lib is attributed from the maps; its version is unknown without a project dir.
    assert!(report.packages.iter().any(|p| p.name == "tiny-lib"));
    let meta_asset = report
        .assets
        .iter()
        .find(|a| a.path == "meta.json")
        .unwrap();
    assert_eq!(meta_asset.asset_type, AssetType::Metadata);
}

#[test]
fn webpack_stats_give_entrypoints_and_lazy_children() {
    let report = run("webpack");
    assert_eq!(report.chunk_graph.as_str(), "webpack-stats");
    assert_sizes_match_python("webpack", &report);
    assert_attribution_sums(&report);
    let stats = json(&fixture("webpack").join("dist/stats.json"));
    let mut expected: Vec<String> = stats["entrypoints"]["main"]["assets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect();
    expected.sort();
    let main = entry(&report, "main");
    assert_eq!(main.html, None);
    assert_eq!(main.assets, expected);
    assert_eq!(main.lazy.len(), 1);
    assert!(main.lazy[0].starts_with("settings."));
    // webpack:// sources are normalised; the package is found.
    let js = report
        .assets
        .iter()
        .find(|a| a.path == main.assets[0])
        .unwrap();
    assert!(
        js.sources
            .iter()
            .any(|s| s.source == "src/node_modules/tiny-lib/index.js"
                && s.package.as_deref() == Some("tiny-lib"))
    );
    assert!(js.sources.iter().all(|s| !s.source.starts_with("webpack:")));
}

#[test]
fn edge_case_folder_attributes_exactly_and_reports_problems() {
    let report = run("edge");
    assert_eq!(report.chunk_graph.as_str(), "parsed");
    assert_sizes_match_python("edge", &report);
    assert_attribution_sums(&report);

    // Attribution equals the independent Python computation.
    let expected = json(&fixture("edge").join("expected-attribution.json"));
    for (path, want) in expected.as_object().unwrap() {
        let asset = report.assets.iter().find(|a| &a.path == path).unwrap();
        assert_eq!(
            asset.unmapped_bytes,
            want["unmapped"].as_u64().unwrap(),
            "{path} unmapped"
        );
        let mut got: Vec<(String, u64)> = asset
            .sources
            .iter()
            .map(|s| (s.source.clone(), s.bytes))
            .collect();
        got.sort();
        let mut want: Vec<(String, u64)> = want["sources"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (normalize_source(k), v.as_u64().unwrap()))
            .collect();
        want.sort();
        assert_eq!(got, want, "{path} sources");
    }
    let asset = |p: &str| report.assets.iter().find(|a| a.path == p).unwrap();
    assert_eq!(asset("main.js").map.as_deref(), Some("main.js.map"));
    assert_eq!(asset("shared.js").map.as_deref(), Some("inline"));
    assert_eq!(asset("lazy.js").map.as_deref(), Some("lazy.js.map"));
    // Broken, missing and outside maps: everything unmapped, one diagnostic each.
    for (path, needle) in [
        ("broken.js", "invalid source map"),
        ("nomap.js", "no source map"),
        ("outside.js", "points outside the output folder"),
        ("binary.js", "not UTF-8"),
    ] {
        assert_eq!(asset(path).unmapped_bytes, asset(path).raw, "{path}");
        assert!(
            report
                .diagnostics
                .iter()
                .any(|d| d.path == path && d.message.contains(needle)),
            "{path}: {needle}"
        );
    }
    assert_eq!(asset("empty.js").raw, 0);
    assert_eq!(asset("fonts/inter.woff2").asset_type, AssetType::Font);
    assert_eq!(asset("blob.bin").asset_type, AssetType::Other);

    // Initial vs lazy from the HTML and the parsed imports.
    let page = entry(&report, "index.html");
    assert_eq!(page.assets, vec!["main.js", "shared.js", "style.css"]);
    assert_eq!(page.lazy, vec!["lazy.js"]);

    // Packages with pnpm versions, scoped names; duplicates.
    let pkg = |n: &str, v: &str| {
        report
            .packages
            .iter()
            .find(|p| p.name == n && p.version.as_deref() == Some(v))
            .map(|p| p.bytes)
    };
    assert_eq!(pkg("@acme/ui", "2.1.0"), Some(43));
    assert_eq!(pkg("tiny-lib", "1.0.0"), Some(63));
    assert_eq!(pkg("tiny-lib", "2.0.0"), Some(42));
    let packages: Vec<_> = report
        .findings
        .iter()
        .filter_map(|f| match &f.detail {
            model::Detail::ShippedPackage(d) => Some(d),
            _ => None,
        })
        .collect();
    assert_eq!(packages.len(), 1);
    let dup = packages[0];
    assert_eq!(
        (dup.name.as_str(), dup.kind.as_str(), dup.bytes_wasted),
        ("tiny-lib", "versions", 42)
    );
    assert_eq!(dup.versions, vec!["1.0.0", "2.0.0"]);
    let modules: Vec<_> = report
        .findings
        .iter()
        .filter_map(|f| match &f.detail {
            model::Detail::ShippedModule(d) => Some(d),
            _ => None,
        })
        .collect();
    assert_eq!(modules.len(), 1);
    let module = modules[0];
    assert_eq!(
        (module.source.as_str(), module.bytes_wasted),
        ("src/util.ts", 35)
    );
    assert_eq!(module.assets, vec!["lazy.js", "shared.js"]);
}

#[test]
fn no_brotli_leaves_brotli_null_and_budgets_unchecked() {
    let mut options = BundleOptions::default();
    options.compression.brotli = false;
    options.config.budgets = vec![perfscope_bundle::BudgetRule {
        total: true,
        brotli: Some("1 KB".into()),
        ..Default::default()
    }];
    let report = analyze(&fixture("esbuild").join("dist"), &options).unwrap();
    assert!(report.assets.iter().all(|a| a.brotli.is_none()));
    assert_eq!(report.compression, vec!["gzip"]);
    assert_eq!(report.budgets.len(), 1);
    // A budget whose size was not computed is not measured: it fails, saying why.
    assert_eq!(
        (report.budgets[0].actual, report.budgets[0].verdict),
        (None, model::Verdict::NotMeasured)
    );
    assert!(
        report.budgets[0]
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("brotli sizes were not computed"))
    );
}
