use super::*;
use crate::config::Config;
use vitals::ProfileName;
use vitals::lighthouse_ci::{Aggregation, Check};
use vitals::score::Audit;

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/lighthouse/project")
}

/// A project folder with these files.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn messages(config: &Config) -> Vec<String> {
    config
        .vitals
        .lighthouse_ci
        .diagnostics
        .iter()
        .map(|d| format!("{}: {}", d.path, d.message))
        .collect()
}

#[test]
fn a_realistic_lighthouserc_maps_onto_vitals() {
    let config = Config::load(&fixture()).expect("the fixture loads");
    let v = &config.vitals;
    assert_eq!(v.url.as_deref(), Some("./dist"));
    let pages: Vec<&str> = v.pages.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(pages, ["/index.html", "/about.html"]);
    assert_eq!(v.runs, Some(3));
    assert_eq!(v.profile, ProfileName::Desktop);
    // Lighthouse simulates by default; perfscope applies devtools throttling.
    assert_eq!(v.throttling, Throttling::Named(ThrottlingName::Devtools));
    // The assertions replace perfscope's default load budgets; render and INP stay.
    assert_eq!(
        (v.budgets.fcp_ms, v.budgets.lcp_ms, v.budgets.tti_ms),
        (None, None, None)
    );
    assert_eq!(v.budgets.render_ms, Some(16.0));
    let ci = &v.lighthouse_ci;
    let got: Vec<(String, Check)> = ci.assertions.iter().map(|a| (a.name(), a.check)).collect();
    assert_eq!(
        got,
        vec![
            (
                "categories:performance (lighthouserc, optimistic)".to_string(),
                Check::MinPerformanceScore(0.9)
            ),
            (
                "cumulative-layout-shift (lighthouserc, optimistic)".to_string(),
                Check::MaxValue(Audit::Cls, 0.1)
            ),
            (
                "first-contentful-paint (lighthouserc, optimistic)".to_string(),
                Check::MaxValue(Audit::Fcp, 2000.0)
            ),
            (
                "interactive (lighthouserc, median)".to_string(),
                Check::MaxValue(Audit::Interactive, 3500.0)
            ),
            (
                "largest-contentful-paint (lighthouserc, median-run, warn)".to_string(),
                Check::MaxValue(Audit::Lcp, 2500.0)
            ),
            (
                "resource-summary:script:size (lighthouserc, optimistic)".to_string(),
                Check::MaxTransfer(vitals::lighthouse_ci::ResourceType::Script, 150_000.0)
            ),
            (
                "total-blocking-time (lighthouserc, pessimistic)".to_string(),
                Check::MaxValue(Audit::Tbt, 300.0)
            ),
        ]
    );
    assert!(ci.assertions.iter().all(|a| a.file == "lighthouserc.json"));
    assert_eq!(ci.assertions[6].aggregation, Aggregation::Pessimistic);
    // Listed once each, never passed; `off` is not listed.
    let skipped: Vec<(&str, &str)> = ci
        .not_evaluated
        .iter()
        .map(|n| (n.assertion.as_str(), n.level.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            ("categories:accessibility", "warn"),
            ("uses-long-cache-ttl", "warn")
        ]
    );
    let said = messages(&config).join("\n");
    assert!(said.contains("lighthouserc.json: Lighthouse CI configuration read: staticDistDir `./dist` → [vitals] url"), "{said}");
    assert!(
        said.contains("pages /index.html, /about.html → [[vitals.pages]]"),
        "{said}"
    );
    assert!(
        said.contains("settings.throttlingMethod simulate"),
        "{said}"
    );
    assert!(
        said.contains("default budgets for FCP, LCP, TTI are not applied"),
        "{said}"
    );
}

#[test]
fn perfscope_toml_wins_over_the_lighthouserc() {
    let rc = std::fs::read_to_string(fixture().join("lighthouserc.json")).unwrap();
    let dir = project(&[
        ("lighthouserc.json", &rc),
        (
            "perfscope.toml",
            "[vitals]\nruns = 5\nprofile = \"mobile\"\nthrottling = \"provided\"\npath = \"/\"\n[vitals.budgets]\nfcp_ms = 1000\n",
        ),
    ]);
    let config = Config::load(dir.path()).expect("loads");
    let v = &config.vitals;
    assert_eq!(v.runs, Some(5));
    assert_eq!(v.profile, ProfileName::Mobile);
    assert_eq!(v.throttling, Throttling::Named(ThrottlingName::Provided));
    assert_eq!(v.path.as_deref(), Some("/"));
    assert!(v.pages.is_empty());
    // The folder is still the lighthouserc's (perfscope.toml sets no target).
    assert_eq!(v.url.as_deref(), Some("./dist"));
    assert_eq!(v.budgets.fcp_ms, Some(1000.0));
    assert_eq!(v.budgets.lcp_ms, None);
    let said = messages(&config).join("\n");
    assert!(
        said.contains("collect.numberOfRuns is not used: perfscope.toml sets [vitals] runs"),
        "{said}"
    );
    assert!(said.contains("perfscope.toml lists its pages"), "{said}");
}

#[test]
fn a_target_in_perfscope_toml_keeps_collects_urls_out() {
    let rc = std::fs::read_to_string(fixture().join("lighthouserc.json")).unwrap();
    let dir = project(&[
        ("lighthouserc.json", &rc),
        (
            "perfscope.toml",
            "[vitals]\nurl = \"https://staging.example.com/\"\n",
        ),
    ]);
    let config = Config::load(dir.path()).expect("loads");
    let v = &config.vitals;
    assert_eq!(v.url.as_deref(), Some("https://staging.example.com/"));
    // The lighthouserc's pages belong to its own folder: not guessed onto another target.
    assert!(v.pages.is_empty() && v.path.is_none());
    assert_eq!(v.start, None);
    // Settings still map.
    assert_eq!(v.runs, Some(3));
    assert_eq!(v.profile, ProfileName::Desktop);
    let said = messages(&config).join("\n");
    assert!(
        said.contains("perfscope.toml sets [vitals] url or start: collect's URLs, staticDistDir and startServerCommand are not used"),
        "{said}"
    );
}

#[test]
fn a_malformed_lighthouserc_is_a_diagnostic_naming_the_file_and_nothing_else_changes() {
    for (name, text, problem) in [
        (
            "lighthouserc.json",
            "{ \"ci\": { \"collect\": ",
            "not valid JSON",
        ),
        (".lighthouserc.yml", "ci: [unclosed", "not valid YAML"),
        ("lighthouserc.json", "[1, 2]", "it is not an object"),
        (
            "lighthouserc.json",
            "{\"collect\": {}}",
            "it has no `ci` section",
        ),
        (
            "lighthouserc.js",
            "module.exports = { ci: { collect: { url: [process.env.URL] } } };",
            "`ci.collect.url[0]` is computed when the file runs",
        ),
        (
            "lighthouserc.cjs",
            "module.exports = makeConfig();",
            "its exported value is computed when the file runs",
        ),
    ] {
        let dir = project(&[(name, text)]);
        let config = Config::load(dir.path()).expect("a bad lighthouserc is never fatal");
        let said = messages(&config);
        assert_eq!(said.len(), 1, "{name}: {said:?}");
        assert!(
            said[0].starts_with(&format!("{name}: Lighthouse CI configuration not read: ")),
            "{said:?}"
        );
        assert!(said[0].contains(problem), "{name}: {said:?}");
        let mut v = config.vitals.clone();
        v.lighthouse_ci = Default::default();
        assert_eq!(v, vitals::VitalsConfig::default(), "{name}");
    }
}

#[test]
fn javascript_and_yaml_files_are_read_without_running_them() {
    let js = "// Lighthouse CI\nmodule.exports = {\n  ci: {\n    collect: { url: ['http://localhost:3000/', 'http://localhost:3000/blog'], startServerCommand: 'npx next start -p 3000', numberOfRuns: 2 },\n    assert: { assertions: { 'largest-contentful-paint': ['error', { maxNumericValue: 2500 }] } },\n    upload: { target: 'lhci', token: process.env.LHCI_TOKEN },\n  },\n};\n";
    let dir = project(&[(".lighthouserc.js", js), ("lighthouserc.yml", "ci: {}\n")]);
    let config = Config::load(dir.path()).expect("loads");
    let v = &config.vitals;
    // The port of the URLs becomes perfscope's own.
    assert_eq!(v.start.as_deref(), Some("npx next start -p {port}"));
    assert_eq!(v.url, None);
    let pages: Vec<&str> = v.pages.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(pages, ["/", "/blog"]);
    assert_eq!(v.runs, Some(2));
    // No desktop preset: Lighthouse's default form factor.
    assert_eq!(v.profile, ProfileName::Mobile);
    assert_eq!(v.lighthouse_ci.assertions.len(), 1);
    let said = messages(&config).join("\n");
    assert!(
        said.contains("also found lighthouserc.yml: not read"),
        "{said}"
    );
    assert!(
        said.contains("perfscope starts the server on a free port of its own"),
        "{said}"
    );

    let yaml = "ci:\n  collect:\n    url: https://staging.example.com/shop\n    settings:\n      preset: desktop\n      throttlingMethod: provided\n  assert:\n    preset: lighthouse:no-pwa\n    assertions:\n      interactive: [warn, {maxNumericValue: 4000}]\n";
    let dir = project(&[("lighthouserc.yaml", yaml)]);
    let config = Config::load(dir.path()).expect("loads");
    let v = &config.vitals;
    assert_eq!(v.url.as_deref(), Some("https://staging.example.com/shop"));
    assert!(v.pages.is_empty() && v.path.is_none());
    assert_eq!(v.profile, ProfileName::Desktop);
    assert_eq!(v.throttling, Throttling::Named(ThrottlingName::Provided));
    assert_eq!(
        v.lighthouse_ci.assertions[0].name(),
        "interactive (lighthouserc, optimistic, warn)"
    );
    assert_eq!(
        v.lighthouse_ci.not_evaluated[0].assertion,
        "preset lighthouse:no-pwa"
    );
}

#[test]
fn a_budget_file_is_read_inside_the_project_only() {
    let budgets = r#"[{"path": "/*", "timings": [{"metric": "largest-contentful-paint", "budget": 2000}], "resourceSizes": [{"resourceType": "script", "budget": 125}]}]"#;
    let dir = project(&[
        (
            "lighthouserc.json",
            r#"{"ci": {"assert": {"budgetsFile": "perf/budget.json"}}}"#,
        ),
        ("perf/budget.json", budgets),
    ]);
    let config = Config::load(dir.path()).expect("loads");
    let names: Vec<String> = config
        .vitals
        .lighthouse_ci
        .assertions
        .iter()
        .map(|a| a.name())
        .collect();
    assert_eq!(
        names,
        [
            "largest-contentful-paint (perf/budget.json /*, optimistic)",
            "resource-summary:script:size (perf/budget.json /*, optimistic)",
        ]
    );
    assert_eq!(
        config.vitals.lighthouse_ci.assertions[1].check,
        Check::MaxTransfer(vitals::lighthouse_ci::ResourceType::Script, 128_000.0)
    );
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("budget.json"), budgets).unwrap();
    let rc = format!(
        r#"{{"ci": {{"assert": {{"budgetsFile": "../{}/budget.json"}}}}}}"#,
        outside.path().file_name().unwrap().to_string_lossy()
    );
    let dir = project(&[("lighthouserc.json", &rc)]);
    let config = Config::load(dir.path()).expect("loads");
    assert!(config.vitals.lighthouse_ci.assertions.is_empty());
    let said = messages(&config).join("\n");
    assert!(
        said.contains("not read: it is outside the project"),
        "{said}"
    );
}

#[test]
fn without_a_lighthouserc_nothing_changes() {
    let dir = project(&[("perfscope.toml", "[vitals]\nruns = 2\n")]);
    let config = Config::load(dir.path()).expect("loads");
    assert_eq!(config.vitals.runs, Some(2));
    assert_eq!(config.vitals.profile, ProfileName::Desktop);
    assert_eq!(config.vitals.lighthouse_ci, LighthouseCi::default());
    assert_eq!(config.vitals.budgets, vitals::VitalsBudgets::default());
}
