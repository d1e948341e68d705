//! Budgets: `[bundle]` rules, size-limit configuration, defaults; verdicts
//! against the esbuild fixture's sizes (reference: fixtures/bundle/esbuild/dist-sizes.json).

use std::path::{Path, PathBuf};

use std::sync::Arc;

use model::BudgetOrigin;
use perfscope_bundle::{BudgetRule, BundleConfig, BundleOptions, analyze};
use project::ProjectFacts;
use serde_json::Value;

fn project(dir: &Path) -> Option<Arc<ProjectFacts>> {
    Some(Arc::new(ProjectFacts::read(dir)))
}

fn copy_fixture(to: &Path) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/bundle/esbuild/dist");
    let dist = to.join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dist.join(entry.file_name())).unwrap();
    }
    dist
}

fn reference() -> Value {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/bundle/esbuild/dist-sizes.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn js_gzip_total() -> u64 {
    reference()["files"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(p, _)| p.ends_with(".js"))
        .map(|(_, v)| v["gzip"].as_u64().unwrap())
        .sum()
}

#[test]
fn configured_rules_pass_and_fail_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let dist = copy_fixture(dir.path());
    let total = js_gzip_total();
    // The `[bundle]` section as serde sees it (perfscope.toml is TOML; same derive).
    let config: BundleConfig = serde_json::from_value(serde_json::json!({
        "budgets": [
            {"total": true, "gzip": format!("{total} B")},
            {"name": "too tight", "total": true, "gzip": format!("{} B", total - 1)},
            {"entry": "index.html", "raw": "1 KB"},
            {"path": "chunk-*.js", "raw": "0.1 KB"}
        ]
    }))
    .unwrap();
    let report = analyze(&dist, &BundleOptions::new(config, None).unwrap()).unwrap();
    let verdicts: Vec<(&str, Option<u64>, bool)> = report
        .budgets
        .iter()
        .map(|b| (b.name.as_str(), b.actual.map(|a| a as u64), b.passes()))
        .collect();
    assert_eq!(verdicts[0], ("all JS", Some(total), true));
    assert_eq!(verdicts[1], ("too tight", Some(total), false));
    assert_eq!(verdicts[2].0, "entry index.html");
    assert!(verdicts[2].2, "433 B ≤ 1 KB");
    assert_eq!(verdicts[3].0, "chunk-*.js");
    assert!(!verdicts[3].2, "two chunks > 100 B");
    assert_eq!(report.budgets[3].files.len(), 2);
    // Configured budgets replace the defaults.
    assert!(
        report
            .budgets
            .iter()
            .all(|b| b.origin == BudgetOrigin::PerfscopeToml)
    );
    assert!(!report.budgets_pass());
}

#[test]
fn invalid_rules_are_configuration_errors() {
    for text in [
        r#"{"budgets": [{"path": "*.js", "total": true, "gzip": "1 KB"}]}"#,
        r#"{"budgets": [{"path": "*.js"}]}"#,
        r#"{"budgets": [{"total": true, "gzip": "1 lightyear"}]}"#,
    ] {
        let config: BundleConfig = serde_json::from_str(text).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let dist = copy_fixture(dir.path());
        assert!(
            analyze(&dist, &BundleOptions::new(config, None).unwrap()).is_err(),
            "{text}"
        );
    }
    assert!(serde_json::from_str::<BundleConfig>(r#"{"unknown": 1}"#).is_err());
    assert!(serde_json::from_str::<BudgetRule>(r#"{"path": "a", "limit": "1 KB"}"#).is_err());
}

#[test]
fn size_limit_json_and_package_json_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let dist = copy_fixture(dir.path());
    std::fs::write(
        dir.path().join(".size-limit.json"),
        r#"[
  {"name": "app brotli", "path": "dist/app-*.js", "limit": "10 kB"},
  {"name": "chunks gzip", "path": ["dist/*.js", "!dist/app-*.js"], "limit": "0.2 kB", "gzip": true},
  {"name": "raw", "path": "dist/*.js", "limit": "1 kB", "brotli": false},
  {"name": "time", "path": "dist/*.js", "limit": "1 s"}
]"#,
    )
    .unwrap();
    let report = analyze(
        &dist,
        &BundleOptions::new(BundleConfig::default(), project(dir.path())).unwrap(),
    )
    .unwrap();
    let files = reference();
    let files = files["files"].as_object().unwrap();
    let metric = |p: &str, m: &str| files[p][m].as_u64().unwrap();
    let app = files
        .keys()
        .find(|p| p.starts_with("app-") && p.ends_with(".js"))
        .unwrap()
        .clone();
    let chunks: Vec<&String> = files
        .keys()
        .filter(|p| p.starts_with("chunk-") && p.ends_with(".js"))
        .collect();
    let b: Vec<_> = report
        .budgets
        .iter()
        .map(|b| {
            (
                b.name.as_str(),
                b.metric.id(),
                b.actual.map(|a| a as u64),
                b.passes(),
            )
        })
        .collect();
    assert_eq!(b.len(), 3, "{b:?}");
    assert_eq!((b[0].0, b[0].1, b[0].3), ("app brotli", "brotli", true));
    let app_brotli = b[0].2.unwrap();
    assert!(app_brotli.abs_diff(metric(&app, "brotli")) <= 16);
    assert_eq!(
        b[1],
        (
            "chunks gzip",
            "gzip",
            Some(chunks.iter().map(|c| metric(c, "gzip")).sum()),
            false
        )
    );
    assert_eq!(
        b[2].2,
        Some(
            files
                .iter()
                .filter(|(p, _)| p.ends_with(".js"))
                .map(|(_, v)| v["raw"].as_u64().unwrap())
                .sum()
        )
    );
    assert!(
        report
            .budgets
            .iter()
            .all(|b| b.origin == BudgetOrigin::SizeLimitJson)
    );
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.message.contains("time limits"))
    );

    // The same array in package.json.
    std::fs::remove_file(dir.path().join(".size-limit.json")).unwrap();
    std::fs::write(
        dir.path().join("package.json"),
        r#"{"name":"x","size-limit":[{"path":"dist/*.js","limit":"100 B","gzip":true}]}"#,
    )
    .unwrap();
    let report = analyze(
        &dist,
        &BundleOptions::new(BundleConfig::default(), project(dir.path())).unwrap(),
    )
    .unwrap();
    assert_eq!(report.budgets.len(), 1);
    assert_eq!(report.budgets[0].origin, BudgetOrigin::PackageJson);
    assert!(!report.budgets[0].passes());
}

#[test]
fn defaults_apply_without_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let dist = copy_fixture(dir.path());
    let report = analyze(&dist, &BundleOptions::default()).unwrap();
    let names: Vec<&str> = report.budgets.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names[0], "initial JS of index.html");
    assert!(names[1].starts_with("JS chunk (largest: "));
    assert_eq!(names[2], "all JS");
    assert!(
        report
            .budgets
            .iter()
            .all(|b| b.passes() && b.origin == BudgetOrigin::Default)
    );
    assert_eq!(report.budgets[2].actual, Some(js_gzip_total() as f64));
}

#[test]
fn a_budget_that_measures_nothing_fails_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let dist = copy_fixture(dir.path());
    let config: BundleConfig = serde_json::from_value(serde_json::json!({
        "budgets": [
            {"path": "static/*.js", "gzip": "10 KB"},
            {"entry": "admin.html", "gzip": "10 KB"},
            {"total": true, "brotli": "1 MB"}
        ]
    }))
    .unwrap();
    let mut options = BundleOptions::new(config, None).unwrap();
    options.compression.brotli = false;
    let report = analyze(&dist, &options).unwrap();
    let verdicts: Vec<(model::Verdict, &str)> = report
        .budgets
        .iter()
        .map(|b| (b.verdict, b.reason.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(verdicts.len(), 3);
    assert!(
        verdicts
            .iter()
            .all(|(v, _)| *v == model::Verdict::NotMeasured)
    );
    assert!(verdicts[0].1.contains("`static/*.js`"), "{}", verdicts[0].1);
    assert!(
        verdicts[1].1.contains("no entry named `admin.html`"),
        "{}",
        verdicts[1].1
    );
    assert!(
        verdicts[2].1.contains("brotli sizes were not computed"),
        "{}",
        verdicts[2].1
    );
    assert!(!report.budgets_pass());
}
