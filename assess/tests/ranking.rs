//! The ranking of the top actions over small reports: a source analysis
//! with lazy-loading candidates and imports, and a recorded vitals document
//! (`fixtures/reports/vitals.json`) given the coverage and CPU profile each
//! test describes. What the browser measured ranks where it exists; the
//! static estimate is the fallback; each action says which it used.

extern crate perfscope_assess as assess;

use assess::actions::top;
use assess::load_cost::{self, Code, Measured};
use model::analyze::AnalyzeReport;
use model::assessment::{ActionSource, Basis, SourceLocation};
use model::report::{Part, Report};
use model::vitals::{
    CoverageReport, CpuSamples, CpuTime, ScriptUsage, SlowRender, SourceUsage, VitalsReport,
};
use serde_json::json;

fn recorded_vitals() -> VitalsReport {
    serde_json::from_str(include_str!("../../fixtures/reports/vitals.json")).expect("vitals.json")
}

fn module(path: &str, package: Option<&str>, imports: serde_json::Value) -> serde_json::Value {
    json!({"path": path, "bytes": 1000, "module_type": "js", "package": package, "imports": imports})
}

fn lazy(
    importer: &str,
    specifier: &str,
    modules: &[&str],
    gzip: u64,
    use_site: &str,
) -> serde_json::Value {
    json!({
        "kind": "lazy-candidates",
        "key": format!("{importer}->{}", modules[0]),
        "subject": importer,
        "line": 3,
        "message": "",
        "detail": {
            "type": "lazy", "importer": importer, "specifier": specifier,
            "module": modules[0], "bytes_saved": gzip * 5,
            "gzip_saved_estimate": gzip, "modules_saved": modules.len(),
            "saved_modules": modules, "reason": "exclusive-subgraph",
            "line": 3, "use_site": use_site, "saving_source": "estimate"
        }
    })
}

/// `src/main.js` imports `src/chart.js` (which imports `big-chart`, which
/// imports `tiny-color`), `src/math.js` (which imports `heavy-math`) and
/// `lodash-es` (two modules, one of them also imported by `src/util.js`).
fn analysis() -> AnalyzeReport {
    let s = |spec: &str, to: &str, line: u32| json!({"specifier": spec, "resolved": to, "kind": "static", "line": line});
    serde_json::from_value(json!({
        "schema_version": model::SCHEMA_VERSION,
        "kind": "analyze",
        "entries": [{"path": "src/main.js", "source": "cli"}],
        "findings": [
            lazy("src/chart.js", "big-chart", &["node_modules/big-chart/index.js", "node_modules/tiny-color/index.js"], 30_000, "deferred"),
            lazy("src/math.js", "heavy-math", &["node_modules/heavy-math/index.js"], 2_000, "top-level"),
        ],
        "modules": [
            module("node_modules/big-chart/index.js", Some("big-chart"), json!([s("tiny-color", "node_modules/tiny-color/index.js", 1)])),
            module("node_modules/heavy-math/index.js", Some("heavy-math"), json!([])),
            module("node_modules/lodash-es/debounce.js", Some("lodash-es"), json!([])),
            module("node_modules/lodash-es/throttle.js", Some("lodash-es"), json!([])),
            module("node_modules/react-dom/client.js", Some("react-dom"), json!([])),
            module("node_modules/tiny-color/index.js", Some("tiny-color"), json!([])),
            module("src/chart.js", None, json!([s("big-chart", "node_modules/big-chart/index.js", 3)])),
            module("src/main.js", None, json!([
                s("./chart.js", "src/chart.js", 1),
                s("./math.js", "src/math.js", 2),
                s("lodash-es/throttle", "node_modules/lodash-es/throttle.js", 7),
                s("react-dom/client", "node_modules/react-dom/client.js", 9),
            ])),
            module("src/math.js", None, json!([s("heavy-math", "node_modules/heavy-math/index.js", 3)])),
            module("src/util.js", None, json!([s("lodash-es/debounce", "node_modules/lodash-es/debounce.js", 4)])),
        ],
        "diagnostics": []
    }))
    .expect("analysis")
}

fn usage(name: &str, package: Option<&str>, total: u64, unused: u64) -> SourceUsage {
    SourceUsage {
        name: name.to_string(),
        package: package.map(str::to_string),
        total_bytes: total,
        unused_bytes: unused,
        unused_ratio: unused as f64 / total as f64,
        // The script below transfers a quarter of its characters.
        wasted_bytes: unused / 4,
    }
}

fn cpu(name: &str, package: Option<&str>, self_ms: f64) -> CpuTime {
    CpuTime {
        name: name.to_string(),
        package: package.map(str::to_string),
        self_ms,
        total_ms: self_ms,
    }
}

/// The load: one script with a source map built from a folder above the
/// project (the map names `app/node_modules/…`), 100 000 characters sent as
/// 25 000 bytes. big-chart and tiny-color never run; heavy-math runs 300 ms;
/// lodash-es 40 ms.
fn measured_load() -> VitalsReport {
    let mut v = recorded_vitals();
    let modules = vec![
        usage(
            "app/node_modules/big-chart/index.js",
            Some("big-chart"),
            40_000,
            38_000,
        ),
        usage(
            "app/node_modules/tiny-color/index.js",
            Some("tiny-color"),
            8_000,
            8_000,
        ),
        usage(
            "app/node_modules/heavy-math/index.js",
            Some("heavy-math"),
            4_000,
            1_000,
        ),
        usage(
            "app/node_modules/lodash-es/throttle.js",
            Some("lodash-es"),
            2_000,
            400,
        ),
        usage("app/src/main.js", None, 1_000, 0),
    ];
    let packages = ["big-chart", "tiny-color", "heavy-math", "lodash-es"]
        .iter()
        .map(|p| {
            let m = modules
                .iter()
                .find(|m| m.package.as_deref() == Some(p))
                .unwrap();
            SourceUsage {
                name: p.to_string(),
                package: None,
                ..m.clone()
            }
        })
        .collect();
    v.coverage = Some(CoverageReport {
        run: 0,
        granularity: Default::default(),
        scripts: vec![ScriptUsage {
            url: "http://127.0.0.1:1/app.js".into(),
            scripts: 1,
            total_bytes: 100_000,
            unused_bytes: 47_400,
            unused_ratio: 0.474,
            transfer_bytes: 25_000,
            wasted_bytes: 11_850,
            source_map: Some("http://127.0.0.1:1/app.js.map".into()),
            modules,
            packages,
            ..ScriptUsage::default()
        }],
        stylesheets: Vec::new(),
    });
    v.cpu = Some(model::vitals::CpuReport {
        profile: Some(CpuSamples {
            scripts: vec![cpu("http://127.0.0.1:1/app.js", None, 345.0)],
            modules: vec![
                cpu(
                    "app/node_modules/heavy-math/index.js",
                    Some("heavy-math"),
                    300.0,
                ),
                cpu(
                    "app/node_modules/lodash-es/throttle.js",
                    Some("lodash-es"),
                    40.0,
                ),
                cpu("app/src/main.js", None, 5.0),
                cpu(
                    "app/node_modules/react-dom/client.js",
                    Some("react-dom"),
                    500.0,
                ),
            ],
            // The framework's runtime costs the most, but is no action.
            packages: vec![
                cpu("react-dom", None, 500.0),
                cpu("heavy-math", None, 300.0),
                cpu("lodash-es", None, 40.0),
            ],
            ..CpuSamples::default()
        }),
        ..Default::default()
    });
    v
}

fn report(vitals: Part<VitalsReport>) -> Report {
    Report::new(
        "perfscope test",
        Part::Ok {
            document: analysis(),
        },
        Part::absent("not asked"),
        vitals,
    )
}

fn key(a: &model::assessment::Action) -> String {
    match &a.source {
        ActionSource::Finding { key, .. } => key.clone(),
        ActionSource::Package { name } => format!("package {name}"),
        ActionSource::Budget { name } => format!("budget {name}"),
    }
}

fn at(file: &str, line: u32) -> Option<SourceLocation> {
    Some(SourceLocation {
        file: file.into(),
        line,
    })
}

#[test]
fn measured_cost_ranks_main_thread_time_with_the_download_time_of_the_bytes() {
    let r = report(Part::Ok {
        document: measured_load(),
    });
    let actions = top(&r, &[], 10);
    let keys: Vec<String> = actions.iter().map(key).collect();
    assert_eq!(
        keys,
        [
            "src/math.js->node_modules/heavy-math/index.js",
            "package lodash-es",
            "src/chart.js->node_modules/big-chart/index.js",
        ]
    );
    assert!(actions.iter().all(|a| a.basis == Some(Basis::Measured)));
    // heavy-math: 300 ms, 1 000 bytes at load (4 000 characters scaled by
    // 25 000 / 100 000) at the run's 1 310 720 bytes/s.
    let heavy = actions[0].cost.as_ref().unwrap();
    assert_eq!(heavy.main_thread_ms, Some(300.0));
    assert_eq!(heavy.load_bytes, Some(1_000));
    assert_eq!(heavy.unused_ratio, Some(0.25));
    assert_eq!(heavy.download_ms, 0.8);
    assert_eq!(heavy.cost_ms, 300.8);
    assert_eq!(actions[0].location, at("src/math.js", 3));
    // big-chart with the tiny-color only it pulls in: 48 000 characters,
    // 12 000 bytes at load, none of it run.
    let chart = actions[2].cost.as_ref().unwrap();
    assert_eq!(chart.load_bytes, Some(12_000));
    assert_eq!(chart.unused_bytes, Some(11_500));
    assert_eq!(chart.main_thread_ms, Some(0.0));
    assert_eq!(chart.cost_ms, 9.2);
    assert!(
        actions[2].impact.contains("no main-thread time"),
        "{}",
        actions[2].impact
    );
    // lodash-es: no candidate holds it; its first static import is named.
    assert_eq!(actions[1].location, at("src/main.js", 7));
    assert_eq!(
        actions[1].what_text(),
        "Cut what lodash-es costs the load: it is imported statically in src/main.js:7 and 1 more"
    );
}

#[test]
fn without_a_run_the_estimates_rank_by_bytes_and_say_so() {
    let actions = top(&report(Part::absent("no browser")), &[], 10);
    let keys: Vec<String> = actions.iter().map(key).collect();
    // heavy-math is used at the importer's top level: a quarter of its
    // bytes is its rank, behind big-chart.
    assert_eq!(
        keys,
        [
            "src/chart.js->node_modules/big-chart/index.js",
            "src/math.js->node_modules/heavy-math/index.js",
        ]
    );
    for a in &actions {
        assert_eq!(a.basis, Some(Basis::Estimate), "{a:?}");
        assert!(a.cost.is_none());
        assert!(a.impact.contains("(estimate)"), "{}", a.impact);
    }
    assert_eq!(actions[1].location, at("src/math.js", 3));
}

#[test]
fn code_the_run_did_not_load_keeps_its_estimate_and_says_it_was_not_seen() {
    let mut vitals = measured_load();
    let cov = vitals.coverage.as_mut().unwrap();
    cov.scripts[0].modules.retain(|m| {
        m.package.as_deref() != Some("big-chart") && m.package.as_deref() != Some("tiny-color")
    });
    cov.scripts[0]
        .packages
        .retain(|p| p.name != "big-chart" && p.name != "tiny-color");
    let actions = top(&report(Part::Ok { document: vitals }), &[], 10);
    let chart = actions
        .iter()
        .find(|a| key(a).starts_with("src/chart.js"))
        .expect("the candidate stays");
    assert_eq!(chart.basis, Some(Basis::Estimate));
    assert!(
        chart.impact.contains("not seen in the measured load"),
        "{}",
        chart.impact
    );
    // Ranked by the download time of its 30 000 estimated bytes.
    assert_eq!(key(actions.last().unwrap()), key(chart));
}

#[test]
fn a_map_name_matches_by_path_suffix_unless_it_is_another_analysed_module() {
    let mut analyze = analysis();
    analyze
        .modules
        .push(serde_json::from_value(module("app/src/main.js", None, json!([]))).unwrap());
    let mut vitals = measured_load();
    vitals.cpu = None;
    let r = Report::new(
        "t",
        Part::Ok { document: analyze },
        Part::absent(""),
        Part::Ok { document: vitals },
    );
    let measured = Measured::of(&r).unwrap();
    let main = Code {
        modules: ["src/main.js"].into(),
        ..Code::default()
    };
    // `app/src/main.js` is an analysed module of its own: not `src/main.js`.
    assert!(measured.cost(&main).is_none());
    let measured_load = report(Part::Ok {
        document: measured_load(),
    });
    let measured = Measured::of(&measured_load).unwrap();
    let cost = measured.cost(&main).expect("matched by suffix");
    assert_eq!(cost.load_bytes, Some(250));
    assert_eq!(cost.main_thread_ms, Some(5.0));
}

#[test]
fn a_package_is_taken_whole_only_when_every_analysed_module_of_it_is_inside() {
    let analyze = analysis();
    let paths = vec![
        "node_modules/big-chart/index.js".to_string(),
        "node_modules/lodash-es/throttle.js".to_string(),
        "src/chart.js".to_string(),
    ];
    let code = load_cost::code_of(Some(&analyze), &paths);
    assert_eq!(code.packages, ["big-chart"].into());
    assert_eq!(
        code.modules,
        ["node_modules/lodash-es/throttle.js", "src/chart.js"].into()
    );
    assert_eq!(
        load_cost::import_sites(&analyze, "lodash-es"),
        [("src/main.js", 7), ("src/util.js", 4)]
    );
    // tiny-color is imported by big-chart only: no import of the project.
    assert!(load_cost::import_sites(&analyze, "tiny-color").is_empty());
}

#[test]
fn bytes_download_at_the_throttled_rate_else_lighthouses_for_the_form_factor() {
    let mut vitals = measured_load();
    vitals.profile.network = None;
    vitals.profile.mobile = true;
    let r = report(Part::Ok { document: vitals });
    let m = Measured::of(&r).unwrap();
    // Lighthouse's slow 4G: 1.6 Mbps × 0.9 = 188 743.68 bytes/s.
    assert!((m.download_ms(188_744) - 1000.0).abs() < 0.01);
    let mut vitals = measured_load();
    vitals.profile.network = None;
    vitals.profile.mobile = false;
    let r = report(Part::Ok { document: vitals });
    let m = Measured::of(&r).unwrap();
    assert_eq!(m.download_ms(1_310_720), 1000.0);
}

#[test]
fn the_page_where_code_costs_the_most_is_named() {
    let mut first = measured_load();
    first.path = Some("/".into());
    let mut other = measured_load();
    other.path = Some("/reports".into());
    if let Some(p) = other.cpu.as_mut().and_then(|c| c.profile.as_mut())
        && let Some(heavy) = p.packages.iter_mut().find(|c| c.name == "heavy-math")
    {
        heavy.self_ms = 500.0;
    }
    first.pages = vec![other];
    let actions = top(&report(Part::Ok { document: first }), &[], 10);
    let heavy = actions[0].cost.as_ref().unwrap();
    assert_eq!(heavy.page.as_deref(), Some("/reports"));
    assert_eq!(heavy.main_thread_ms, Some(500.0));
    assert!(
        actions[0].impact.contains("at load of /reports"),
        "{}",
        actions[0].impact
    );
}

#[test]
fn a_candidate_whose_component_rendered_during_the_load_is_not_an_action() {
    let mut vitals = measured_load();
    let component = |name: &str, module: &str, package: Option<&str>| SlowRender {
        component: name.into(),
        count: 1,
        max_ms: 2.0,
        total_ms: 2.0,
        max_actual_ms: 2.0,
        module: Some(module.into()),
        package: package.map(str::to_string),
        cpu_ms: Some(1.5),
    };
    vitals.react.components = vec![
        // heavy-math's own component rendered: the load needs it at once.
        component(
            "MathView",
            "node_modules/heavy-math/index.js",
            Some("heavy-math"),
        ),
        // A project module no candidate holds changes nothing.
        component("Util", "app/src/util.js", None),
        // Not located: never matched.
        SlowRender {
            module: None,
            ..component("Chart", "", None)
        },
    ];
    let r = report(Part::Ok { document: vitals });
    let keys: Vec<String> = top(&r, &[], 10).iter().map(key).collect();
    // Its 300 ms are still the load's: told as the package's cost.
    assert_eq!(
        keys,
        [
            "package heavy-math",
            "package lodash-es",
            "src/chart.js->node_modules/big-chart/index.js",
        ]
    );
    // The same component seen through a project module the candidate saves.
    let mut vitals = measured_load();
    vitals.react.components = vec![component(
        "Swatch",
        "app/node_modules/tiny-color/index.js",
        Some("tiny-color"),
    )];
    let r = report(Part::Ok { document: vitals });
    let keys: Vec<String> = top(&r, &[], 10).iter().map(key).collect();
    assert!(
        !keys.iter().any(|k| k.starts_with("src/chart.js")),
        "{keys:?}"
    );
}
