//! Framework build outputs, committed as real builds (`fixtures/build-next-apps.sh`,
//! `fixtures/build-react-router.sh`): only what browsers download is
//! measured, one entry per route, and for Next.js the "First Load JS" of
//! every route agrees with the table `next build` printed (kept beside the
//! build in `next-build.txt`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use model::bundle::{BundleReport, ChunkGraphSource, Framework};
use perfscope_bundle::{BundleOptions, analyze};

fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/frameworks")
        .join(path)
}

fn bundle(path: &str) -> BundleReport {
    let mut options = BundleOptions::new(Default::default(), None).expect("options");
    options.compression.brotli = false;
    analyze(&fixture(path), &options).expect("bundle analysis runs")
}

/// Route → "First Load JS" in bytes, from the table `next build` printed.
fn printed_table(app: &str) -> BTreeMap<String, f64> {
    let text = std::fs::read_to_string(fixture(app).join("next-build.txt")).expect("table");
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix(['┌', '├', '└']) else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        // `○ /blog 229 B 94.4 kB`: a kind mark, the route, the size, the first load.
        let (Some(route), true) = (fields.get(1), fields.len() >= 6) else {
            continue;
        };
        if !route.starts_with('/') {
            continue;
        }
        let value: f64 = fields[fields.len() - 2].parse().expect("a number");
        let unit = fields[fields.len() - 1];
        let bytes = match unit {
            "kB" => value * 1000.0,
            "MB" => value * 1_000_000.0,
            _ => value,
        };
        out.insert(route.to_string(), bytes);
    }
    assert!(!out.is_empty(), "no routes read from {app}/next-build.txt");
    out
}

fn check_first_load_js(app: &str, report: &BundleReport) {
    for (route, printed) in printed_table(app) {
        // API routes and `_app` ship no page of their own.
        if route == "/_app" || route.starts_with("/api/") {
            continue;
        }
        let entry = report
            .entries
            .iter()
            .find(|e| e.name == route)
            .unwrap_or_else(|| panic!("{app}: no entry for route {route}"));
        let ours = entry.first_load_js.expect("first load JS") as f64;
        // `next build` prints three significant digits (±0.05 kB) and uses
        // Node's bundled zlib, which differs from zlib by a few bytes per file.
        let off = (ours - printed).abs() / printed;
        assert!(
            off <= 0.015,
            "{app} {route}: perfscope {ours} B vs next build {printed} B ({:.2}%)",
            off * 100.0
        );
    }
}

#[test]
fn next_app_router_routes_match_next_build_and_only_static_is_measured() {
    let report = bundle("next-app/.next");
    assert_eq!(report.layout.framework, Framework::Next);
    assert_eq!(report.layout.served, "static");
    assert_eq!(report.chunk_graph, ChunkGraphSource::NextManifests);
    assert!(
        report.assets.iter().all(|a| a.path.starts_with("static/")),
        "only static/ is measured"
    );
    let excluded: Vec<&str> = report
        .layout
        .excluded
        .iter()
        .map(|e| e.path.as_str())
        .collect();
    for folder in ["cache/", "server/", "types/"] {
        let group = report
            .layout
            .excluded
            .iter()
            .find(|e| e.path == folder)
            .unwrap_or_else(|| panic!("{folder} excluded: {excluded:?}"));
        assert!(group.files > 0 && group.bytes > 0, "{group:?}");
    }
    let names: Vec<&str> = report.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "/",
            "/_not-found",
            "/about",
            "/blog",
            "/blog/[slug]",
            "/pricing"
        ]
    );
    check_first_load_js("next-app", &report);
    // The initial load is what the browser gets: the root layout's chunks
    // too, which Next.js's own figure leaves out.
    let home = &report.entries[0];
    assert!(
        home.assets
            .iter()
            .any(|a| a.starts_with("static/chunks/app/layout-")),
        "{:?}",
        home.assets
    );
    assert!(home.js.gzip.expect("gzip") > home.first_load_js.expect("figure"));
    // Browser source maps are on in this build: modules are attributed.
    let react_dom = report
        .packages
        .iter()
        .find(|p| p.name == "next")
        .expect("next's own code is attributed");
    assert!(react_dom.bytes > 100_000);
}

#[test]
fn next_pages_router_routes_match_next_build() {
    let report = bundle("next-pages/.next");
    assert_eq!(report.layout.framework, Framework::Next);
    let names: Vec<&str> = report.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, vec!["/", "/404", "/blog", "/blog/[slug]"]);
    check_first_load_js("next-pages", &report);
    // `/_app` is part of every route; the polyfills (nomodule) are not.
    for entry in &report.entries {
        assert!(
            entry.assets.iter().any(|a| a.contains("/pages/_app-")),
            "{entry:?}"
        );
        assert!(
            !entry.assets.iter().any(|a| a.contains("/polyfills-")),
            "{entry:?}"
        );
    }
    assert!(
        report
            .assets
            .iter()
            .all(|a| !a.path.starts_with("server/") && !a.path.starts_with("cache/"))
    );
    // No browser source maps in this build: one line says so, not one per file.
    let unmapped: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("source map"))
        .collect();
    assert_eq!(unmapped.len(), 1, "{unmapped:?}");
}

#[test]
fn react_router_build_has_one_entry_per_route_and_leaves_the_server_out() {
    for given in ["react-router/build", "react-router/build/client"] {
        let report = bundle(given);
        assert_eq!(report.layout.framework, Framework::ReactRouter, "{given}");
        let server = report
            .layout
            .excluded
            .iter()
            .find(|e| e.path.ends_with("server/"))
            .unwrap_or_else(|| panic!("{given}: server/ excluded"));
        assert!(server.files > 0 && server.bytes > 0);
        assert!(report.assets.iter().all(|a| !a.path.contains("server")));
        let names: Vec<&str> = report.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "/",
                "/about",
                "/dashboard",
                "/dashboard/settings",
                "/healthz",
                "/products",
                "/products/:productId"
            ],
            "{given}"
        );
        let entry = |name: &str| {
            report
                .entries
                .iter()
                .find(|e| e.name == name)
                .expect("entry")
        };
        let has =
            |name: &str, prefix: &str| entry(name).assets.iter().any(|a| a.starts_with(prefix));
        // The client entry, the root route with its CSS, and the page.
        for prefix in ["assets/entry.client-", "assets/root-", "assets/home-"] {
            assert!(has("/", prefix), "/ loads {prefix}*");
        }
        assert!(entry("/").assets.iter().any(|a| a.ends_with(".css")));
        // A pathless layout route is part of its children's load.
        assert!(has("/dashboard/settings", "assets/layout-"));
        assert!(has("/dashboard/settings", "assets/settings-"));
        assert!(!has("/about", "assets/layout-"));
    }
}
