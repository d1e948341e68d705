//! The bundle analyzer on the real Vite build of the shop-app fixture.
//! References: `fixtures/shop-app/dist-sizes.json` (Python's gzip/brotli) and
//! `fixtures/shop-app/EXPECTED.md` ("Initial vs lazy for index.html").

use std::path::{Path, PathBuf};

use model::bundle::{AssetType, BundleReport};
use perfscope_bundle::{BundleOptions, analyze};

fn app() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/shop-app")
}

fn run() -> BundleReport {
    let options = BundleOptions::new(
        Default::default(),
        Some(std::sync::Arc::new(project::ProjectFacts::read(&app()))),
    )
    .unwrap();
    analyze(&app().join("dist"), &options).unwrap()
}

#[test]
fn sizes_split_and_attribution_match_the_references() {
    let report = run();
    assert_eq!(report.chunk_graph.as_str(), "vite-manifest");
    let reference: serde_json::Value =
        serde_json::from_slice(&std::fs::read(app().join("dist-sizes.json")).unwrap()).unwrap();
    let files = reference["files"].as_object().unwrap();
    assert_eq!(report.assets.len(), files.len());
    for asset in &report.assets {
        let want = &files[&asset.path];
        assert_eq!(asset.raw, want["raw"].as_u64().unwrap(), "{}", asset.path);
        if asset.asset_type.is_shipped() {
            // gzip: zlib level 9, identical to Python.
            assert_eq!(asset.gzip, want["gzip"].as_u64(), "{}", asset.path);
            // brotli: the Rust encoder is not byte-identical to the C one.
            let (got, python) = (
                asset.brotli.unwrap() as f64,
                want["brotli"].as_f64().unwrap(),
            );
            assert!(
                (got - python).abs() <= python * 0.02 + 16.0,
                "{} {got} {python}",
                asset.path
            );
        }
        if matches!(asset.asset_type, AssetType::Js | AssetType::Css) {
            let attributed: u64 = asset.sources.iter().map(|s| s.bytes).sum();
            assert_eq!(
                attributed + asset.unmapped_bytes,
                asset.raw,
                "{}",
                asset.path
            );
        }
    }
    // EXPECTED.md: initial = index + vendor JS + the CSS; lazy = report + Help.
    let entry = &report.entries[0];
    assert_eq!(report.entries.len(), 1);
    assert_eq!(entry.name, "index.html");
    assert_eq!(
        entry.assets,
        vec![
            "assets/index-42CCVWIX.js",
            "assets/index-CqE4CNv1.css",
            "assets/vendor-b1eJZLhn.js"
        ]
    );
    assert_eq!(
        entry.lazy,
        vec!["assets/Help-DeHpYyQ0.js", "assets/report-DHX7Ig72.js"]
    );
    assert_eq!((entry.raw, entry.gzip), (188043, Some(57301)));
    assert_eq!((entry.js.raw, entry.js.gzip), (187078, Some(56753)));
    assert_eq!(
        (entry.lazy_sizes.raw, entry.lazy_sizes.gzip),
        (894, Some(615))
    );
    let logo = report
        .assets
        .iter()
        .find(|a| a.path == "assets/logo-CI2O4q22.svg")
        .unwrap();
    assert!(!logo.initial);
    // Real React in the vendor chunk, with versions from node_modules/*/package.json
    // inside the project; two tiny-date versions.
    let vendor = report
        .assets
        .iter()
        .find(|a| a.path == "assets/vendor-b1eJZLhn.js")
        .unwrap();
    assert!(
        vendor
            .sources
            .iter()
            .any(|s| s.package.as_deref() == Some("react-dom"))
    );
    let tiny: Vec<_> = report
        .findings
        .iter()
        .filter_map(|f| match &f.detail {
            model::Detail::ShippedPackage(d) if d.name == "tiny-date" => Some(d),
            _ => None,
        })
        .collect();
    assert_eq!(tiny.len(), 1);
    assert_eq!(tiny[0].kind.as_str(), "versions");
}

#[test]
fn json_snapshot() {
    let mut report = run();
    report.root = "fixtures/shop-app/dist".to_string();
    // brotli is the only number that depends on the encoder build; keep it.
    insta::assert_json_snapshot!("shop_app_bundle", report, {
        ".timings" => "[timings]",
    });
}
