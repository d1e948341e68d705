//! Sample documents for the reporter's tests, built in code (with hostile
//! names planted) so each test can vary them. They are schema-1 documents
//! with the per-kind lists (`unused_files`, `duplicate_packages`, …):
//! [`unassessed`] brings them to the current schema with
//! `model::upgrade::upgrade`, which rebuilds their findings with the
//! messages of schema 1.

#![allow(dead_code)]

use model::report::{Part, Report};
use serde_json::{Value, json};

pub const EVIL_MODULE: &str = "src/<img src=x onerror=alert(1)>.ts";
pub const EVIL_SCRIPT_MODULE: &str = "src/</script><script>alert(3)</script>.ts";
pub const EVIL_URL: &str = "http://127.0.0.1:9/</script><script>alert(2)</script>";

pub fn analyze_json() -> Value {
    json!({
        "schema_version": 1, "kind": "analyze",
        "entries": [{"path": "src/main.tsx", "source": "index.html"}],
        "modules": [
            {"path": "src/main.tsx", "bytes": 1200, "module_type": "js", "imports": [
                {"specifier": "./routes", "resolved": "src/routes.tsx", "kind": "static", "line": 2}]},
            {"path": "src/routes.tsx", "bytes": 3400, "module_type": "js", "imports": [
                {"specifier": "chart-kit", "resolved": "node_modules/chart-kit/index.js", "kind": "static", "line": 4}]},
            {"path": "node_modules/chart-kit/index.js", "bytes": 182000, "module_type": "js", "package": "chart-kit", "imports": []}
        ],
        "unused_files": ["src/legacy/OldCart.tsx", EVIL_MODULE],
        "unused_exports": [
            {"path": "src/utils/format.ts", "name": "formatDate", "line": 12, "type_only": false},
            {"path": "src/types.ts", "name": "LegacyUser", "line": 3, "type_only": true}
        ],
        "unused_dependencies": ["left-pad"],
        "unlisted_dependencies": [{"name": "date-fns", "importers": ["src/utils/format.ts"]}],
        "duplicate_packages": [{"name": "tiny-emitter", "instances": [
            {"version": "1.0.0", "path": "node_modules/tiny-emitter", "bytes": 2100, "importers": ["src/events.ts"]},
            {"version": "2.1.0", "path": "node_modules/chart-kit/node_modules/tiny-emitter", "bytes": 2600, "importers": ["node_modules/chart-kit/index.js"]}
        ]}],
        "cycles": [["src/cart/a.ts", "src/cart/b.ts"]],
        "lazy_candidates": [{
            "importer": "src/routes.tsx", "specifier": "chart-kit", "module": "node_modules/chart-kit/index.js",
            "bytes_saved": 182000, "gzip_saved_estimate": 18000, "modules_saved": 12,
            "reason": "exclusive-subgraph", "line": 4
        }],
        "errors": [],
        "diagnostics": [{"path": "src/broken.ts", "line": 7, "message": "Unexpected token"}],
        "timings": {"graph_ms": 12.0, "findings_ms": 3.0, "total_ms": 15.0}
    })
}

pub fn bundle_json() -> Value {
    json!({
        "schema_version": 1, "kind": "bundle", "root": "dist",
        "compression": ["gzip", "brotli"], "chunk_graph": "vite-manifest",
        "assets": [
            {"path": "assets/index-abc.js", "type": "js", "raw": 150000, "gzip": 50000, "brotli": 44000,
             "initial": true, "initial_for": ["index.html"], "imports": [], "dynamic_imports": ["assets/Reports-def.js"],
             "map": "assets/index-abc.js.map",
             "sources": [
                {"source": "node_modules/react-dom/cjs/react-dom.production.js", "package": "react-dom", "version": "18.3.1", "bytes": 100000, "gzip": 33333},
                {"source": "src/App.tsx", "package": null, "bytes": 30000, "gzip": 10000},
                {"source": EVIL_MODULE, "package": null, "bytes": 10000, "gzip": 3500},
                {"source": EVIL_SCRIPT_MODULE, "package": null, "bytes": 5000, "gzip": 1500}
             ],
             "unmapped_bytes": 5000},
            {"path": "assets/Reports-def.js", "type": "js", "raw": 80000, "gzip": 26000, "brotli": 23000,
             "initial": false, "map": "assets/Reports-def.js.map",
             "sources": [
                {"source": "node_modules/chart-kit/index.js", "package": "chart-kit", "bytes": 70000, "gzip": 22750},
                {"source": "src/App.tsx", "package": null, "bytes": 10000, "gzip": 3250}
             ],
             "unmapped_bytes": 0},
            {"path": "assets/index-abc.css", "type": "css", "raw": 9000, "gzip": 2500, "brotli": 2100,
             "initial": true, "initial_for": ["index.html"], "sources": [], "unmapped_bytes": 9000},
            {"path": "assets/index-abc.js.map", "type": "sourcemap", "raw": 400000, "gzip": null, "brotli": null,
             "initial": false, "sources": [], "unmapped_bytes": 400000},
            {"path": "index.html", "type": "html", "raw": 600, "gzip": 350, "brotli": 300,
             "initial": false, "sources": [], "unmapped_bytes": 600}
        ],
        "entries": [{"name": "index.html", "html": "index.html",
            "assets": ["assets/index-abc.css", "assets/index-abc.js"], "lazy": ["assets/Reports-def.js"],
            "raw": 159000, "gzip": 52500, "brotli": 46100,
            "js": {"raw": 150000, "gzip": 50000, "brotli": 44000},
            "lazy_sizes": {"raw": 80000, "gzip": 26000, "brotli": 23000}}],
        "totals": [
            {"type": "js", "count": 2, "raw": 230000, "gzip": 76000, "brotli": 67000},
            {"type": "css", "count": 1, "raw": 9000, "gzip": 2500, "brotli": 2100},
            {"type": "html", "count": 1, "raw": 600, "gzip": 350, "brotli": 300}
        ],
        "packages": [
            {"name": "chart-kit", "version": null, "bytes": 70000, "gzip": 22750, "paths": ["node_modules/chart-kit"], "assets": ["assets/Reports-def.js"]},
            {"name": "react-dom", "version": "18.3.1", "bytes": 100000, "gzip": 33333, "paths": ["node_modules/react-dom"], "assets": ["assets/index-abc.js"]}
        ],
        "duplicate_packages": [{"name": "tiny-emitter", "kind": "versions", "versions": ["1.0.0", "2.1.0"],
            "paths": ["node_modules/chart-kit/node_modules/tiny-emitter", "node_modules/tiny-emitter"], "bytes_wasted": 2400}],
        "duplicate_modules": [{"source": "src/App.tsx", "assets": ["assets/Reports-def.js", "assets/index-abc.js"], "bytes_wasted": 10000}],
        "budgets": [
            {"part": "bundle", "name": "initial JS of index.html", "metric": "gzip", "limit": 250000.0, "actual": 50000.0, "verdict": "pass", "origin": "default", "files": ["assets/index-abc.js"]},
            {"part": "bundle", "name": "any JS chunk", "metric": "gzip", "limit": 40000.0, "actual": 50000.0, "verdict": "fail", "reason": "+10 KB over the limit of 40 KB", "origin": "perfscope.toml", "files": ["assets/index-abc.js"]}
        ],
        "diagnostics": [{"path": "assets/index-abc.css", "message": "no source map"}],
        "timings": {"walk_ms": 1.0, "assets_ms": 20.0, "brotli_cpu_ms": 15.0, "gzip_cpu_ms": 2.0, "sourcemap_cpu_ms": 1.0, "findings_ms": 0.5, "total_ms": 22.0, "threads": 2}
    })
}

fn run(index: usize, fcp: f64, lcp: f64, tti: f64) -> Value {
    json!({
        "index": index, "complete": true,
        "fcp_ms": fcp, "lcp_ms": lcp, "cls": 0.02, "tbt_ms": 120.0, "tti_ms": tti, "ttfb_ms": 15.0,
        "long_tasks": [{"start_ms": fcp + 50.0, "duration_ms": 120.0, "url": EVIL_URL}, {"start_ms": tti - 300.0, "duration_ms": 70.0}],
        "requests": [
            {"url": EVIL_URL, "method": "GET", "resource_type": "Document", "status": 200, "transfer_bytes": 900, "decoded_bytes": 600, "start_ms": 0.0, "end_ms": 14.0, "content_encoding": "gzip", "cache_control": "no-cache"},
            {"url": "http://127.0.0.1:9/api/items/1", "method": "GET", "resource_type": "Fetch", "status": 200, "transfer_bytes": 300, "decoded_bytes": 250, "start_ms": 400.0, "end_ms": 980.0}
        ],
        "js_heap_max_bytes": 4000000, "console_errors": [{"source": "console.error", "message": "<b>boom</b>"}]
    })
}

pub fn vitals_json() -> Value {
    json!({
        "schema_version": 1, "kind": "vitals", "url": EVIL_URL,
        "profile": {"name": "desktop", "width": 1350, "height": 940, "device_scale_factor": 1.0, "mobile": false, "cpu_slowdown": 1.0},
        "runs": [run(0, 420.0, 900.0, 1500.0), run(1, 400.0, 850.0, 1450.0), run(2, 480.0, 1000.0, 1700.0)],
        "median_index": 0,
        "median": run(0, 420.0, 900.0, 1500.0),
        "spread": {"fcp_ms": {"n": 3, "min": 400.0, "max": 480.0, "mean": 433.3, "cv": 0.078}},
        "react": {"detected": true, "profiling": true, "commits": 12, "slow_render_ms": 16.0,
            "slow_renders": [{"component": "<b>SlowChart</b>", "count": 3, "max_ms": 31.5, "total_ms": 90.0, "max_actual_ms": 33.0}],
            "components": []},
        "findings": [{"kind": "n-plus-one", "key": "http://127.0.0.1:9/api/items/{id}", "subject": "http://127.0.0.1:9/api/items/{id}", "message": "12 requests to one URL template"}],
        "budgets": [{"part": "vitals", "name": "LCP", "metric": "lcp", "limit": 2500.0, "actual": 900.0, "verdict": "pass", "origin": "default"}],
        "diagnostics": []
    })
}

/// `document` (schema 1, with the per-kind lists) brought to the current
/// schema, as documents read from disk are.
pub fn upgraded(mut document: Value) -> Value {
    model::upgrade::upgrade(&mut document);
    document
}

/// A report of the sample documents (brought to the current shape, as
/// reports read from disk are), not assessed.
pub fn unassessed(analyze: Option<Value>, bundle: Option<Value>, vitals: Option<Value>) -> Report {
    fn part<T: serde::de::DeserializeOwned>(v: Option<Value>) -> Part<T> {
        match v {
            Some(v) => Part::Ok {
                document: serde_json::from_value(upgraded(v))
                    .expect("sample document matches the model"),
            },
            None => Part::absent("not configured"),
        }
    }
    Report::new("perfscope 0.1.0", part(analyze), part(bundle), part(vitals))
}

/// A report of the sample documents, assessed without a baseline.
pub fn report_from(analyze: Option<Value>, bundle: Option<Value>, vitals: Option<Value>) -> Report {
    assessed(unassessed(analyze, bundle, vitals), None, 0.2)
}

/// `report` assessed (against `base` when given) with `threshold`.
pub fn assessed(mut report: Report, base: Option<&Report>, threshold: f64) -> Report {
    let options = assess::AssessOptions {
        threshold,
        ..Default::default()
    };
    assess::assess_into(&mut report, base, &options);
    report
}

pub fn sample() -> Report {
    report_from(
        Some(analyze_json()),
        Some(bundle_json()),
        Some(vitals_json()),
    )
}

/// The vitals document of a development server with one replayed flow
/// (recorded from the React fixture's real replay, with a leak's memory).
pub fn vitals_with_flow() -> Value {
    let mut vitals = vitals_json();
    let flow: Value = serde_json::from_str(include_str!("../data/flow-react.json")).unwrap();
    vitals["flows"] = json!([flow]);
    vitals["dev_server"] = json!("Vite");
    vitals
}

/// [`vitals_with_flow`] whose load step made two requests and whose click
/// made three: one to a URL carrying markup, one that failed.
pub fn vitals_with_flow_requests() -> Value {
    let mut vitals = vitals_with_flow();
    let request = |url: &str, initiator: &str, start: f64, duration: f64, bytes: u64| {
        json!({
            "url": url, "initiator": initiator, "start_ms": start,
            "duration_ms": duration, "transfer_bytes": bytes,
            "decoded_bytes": bytes * 3, "status": 200
        })
    };
    let steps = &mut vitals["flows"][0]["runs"][0]["steps"];
    steps[0]["requests"] = json!({
        "count": 2, "transfer_bytes": 152_300,
        "list": [
            request("http://127.0.0.1:4173/assets/index.css", "link", 20.0, 12.0, 4_300),
            request("http://127.0.0.1:4173/assets/index-3f2a.js", "script", 21.0, 35.0, 148_000)
        ]
    });
    let mut failed = request(
        "http://127.0.0.1:4173/api/track",
        "fetch",
        1_540.0,
        8.0,
        300,
    );
    failed["status"] = json!(503);
    steps[1]["requests"] = json!({
        "count": 3, "transfer_bytes": 38_900,
        "list": [
            request("http://127.0.0.1:4173/assets/Settings-9c1d.js", "script", 1_510.0, 20.0, 38_000),
            request("http://127.0.0.1:4173/api/prefs?q=<b>x</b>|`y`", "fetch", 1_532.0, 640.0, 600),
            failed
        ]
    });
    vitals
}
