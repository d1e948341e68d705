//! The terminal output of `analyze`, `bundle` and `vitals`: findings as the
//! report's assessment has them, failures as the gate has them.

extern crate perfscope_reporter as reporter;

mod common;

use model::finding::{FindingKind, Severity};
use model::report::Part;

fn options(kind: FindingKind, severity: Severity) -> assess::AssessOptions {
    let mut options = assess::AssessOptions::default();
    options.severities.set(kind, severity);
    options
}

#[test]
fn analyze_lists_the_assessed_findings_and_the_gates_failures() {
    let base = common::unassessed(Some(common::analyze_json()), None, None);
    let out = reporter::terminal::analyze(&base);
    assert!(out.contains("src/utils/format.ts:12  formatDate"), "{out}");
    assert!(!out.contains("Failed:"), "{out}");

    // Unused files switched off: not listed. Unused exports as errors: the gate fails.
    let mut report = base.clone();
    assess::assess_into(
        &mut report,
        None,
        &options(FindingKind::UnusedFiles, Severity::Off),
    );
    let out = reporter::terminal::analyze(&report);
    assert!(out.contains("Unused files (0)"), "{out}");
    assert!(!out.contains("src/legacy/OldCart.tsx"), "{out}");

    let errors = options(FindingKind::UnusedExports, Severity::Error);
    let mut report = base.clone();
    assess::assess_into(&mut report, None, &errors);
    let out = reporter::terminal::analyze(&report);
    let reason = report
        .assessment
        .as_ref()
        .and_then(|a| a.gate.failures().find_map(|c| c.reason.clone()))
        .expect("a failing check");
    assert!(out.contains(&format!("Failed:\u{1b}[0m {reason}")) || out.contains(&reason));
    assert_eq!(out.matches("Failed:").count(), 1, "{out}");

    // Against a baseline with the same exports, nothing fails.
    let mut same = base.clone();
    assess::assess_into(&mut same, Some(&base), &errors);
    assert!(!reporter::terminal::analyze(&same).contains("Failed:"));
}

#[test]
fn a_part_that_did_not_run_says_so() {
    let mut report = common::unassessed(None, None, None);
    assert_eq!(
        reporter::terminal::analyze(&report),
        "source analysis: not run\n"
    );
    report.bundle = Part::failed("cannot read dist/");
    assert!(reporter::terminal::bundle(&report).contains("cannot read dist/"));
}

#[test]
fn bundle_and_vitals_list_their_findings() {
    let report = common::sample();
    let out = reporter::terminal::bundle(&report);
    assert!(
        out.contains("Duplicate packages (build output) (1)"),
        "{out}"
    );
    assert!(out.contains("Modules in several chunks (1)"), "{out}");
    let out = reporter::terminal::vitals(&report);
    assert!(out.contains("N+1 requests (1)"), "{out}");
    assert!(out.contains("Slow React renders (1)"), "{out}");
}

/// Each page lists its own findings (a finding two pages share, on both).
#[test]
fn vitals_pages_list_their_own_findings() {
    let mut vitals = common::vitals_json();
    let mut page = common::vitals_json();
    page["path"] = "/orders".into();
    page["react"]["slow_renders"] = serde_json::json!([]);
    page["findings"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "kind": "slow-api", "key": "http://127.0.0.1:9/api/orders",
            "subject": "http://127.0.0.1:9/api/orders", "message": "1.2 s"
        }));
    vitals["pages"] = serde_json::json!([page]);
    let report = common::assessed(common::unassessed(None, None, Some(vitals)), None, 0.2);
    let out = reporter::terminal::vitals(&report);
    let (first, other) = out.split_once("page /orders").expect("the other page");
    assert!(first.contains("N+1 requests (1)"), "{first}");
    assert!(!first.contains("api/orders"), "{first}");
    assert!(other.contains("N+1 requests (1)"), "{other}");
    assert!(other.contains("Slow API calls (1)"), "{other}");
    assert!(!other.contains("Slow React renders"), "{other}");
}

#[test]
fn a_flows_steps_show_react_commits_and_the_leak() {
    let report = common::assessed(
        common::unassessed(None, None, Some(common::vitals_with_flow())),
        None,
        0.2,
    );
    let out = reporter::terminal::vitals(&report);
    assert!(
        out.contains("    React commit 121 ms: ProductList 120 ms (props), App 0 ms (state), Header 0 ms (parent)"),
        "{out}"
    );
    assert!(
        out.contains("    re-rendered with nothing changed: Header ×1"),
        "{out}"
    );
    assert!(
        out.contains("    longest frame 126 ms: dispatchDiscreteEvent 123 ms in react-dom (react-flow/node_modules/react-dom/cjs/react-dom.development.js)"),
        "{out}"
    );
    assert!(
        out.contains("  suspected memory leak: each repetition leaves"),
        "{out}"
    );
}

/// Entries are counted by how they were found, diagnostics about installed
/// packages counted, dependency findings name their `package.json`;
/// `--verbose` lists everything.
#[test]
fn analyze_counts_entries_and_package_diagnostics_unless_verbose() {
    let mut analyze = common::analyze_json();
    analyze["entries"] = serde_json::json!([
        {"path": "src/main.tsx", "source": "index.html"},
        {"path": "src/routes/a.tsx", "source": "vite: glob"},
        {"path": "src/routes/b.tsx", "source": "vite: glob"}
    ]);
    analyze["diagnostics"] = serde_json::json!([
        {"path": "src/app.ts", "message": "syntax error: unexpected token", "line": 3},
        {"path": "node_modules/x/index.js", "message": "cannot read: denied"},
        {"path": "packages/a/node_modules/y/lib.js", "message": "not parsed: too large"}
    ]);
    analyze["unused_dependencies"] = serde_json::json!(["left-pad"]);
    let report = common::unassessed(Some(analyze), None, None);
    let out = reporter::terminal::analyze(&report);
    assert!(
        out.contains("Entries: 3 (vite: glob 2, index.html 1; --verbose lists them)"),
        "{out}"
    );
    assert!(out.contains("src/app.ts:3: syntax error"), "{out}");
    assert!(!out.contains("node_modules/x/index.js"), "{out}");
    assert!(
        out.contains("(2 more about files inside node_modules"),
        "{out}"
    );
    assert!(out.contains("left-pad (package.json)"), "{out}");
    let verbose = reporter::terminal::analyze_verbose(&report, true);
    assert!(
        verbose.contains("src/routes/b.tsx (vite: glob)"),
        "{verbose}"
    );
    assert!(
        verbose.contains("node_modules/x/index.js: cannot read: denied"),
        "{verbose}"
    );
}

#[test]
fn a_flows_steps_show_the_requests_they_made() {
    let report = common::assessed(
        common::unassessed(None, None, Some(common::vitals_with_flow_requests())),
        None,
        0.2,
    );
    let out = reporter::terminal::vitals(&report);
    // The load step has no interaction: its line is its requests.
    assert!(
        out.contains("  step 2 navigate http://127.0.0.1:40449/flows/react/index.html: 2 requests, 152 KB: largest 127.0.0.1:4173/assets/index-3f2a.js 148 KB; slowest 127.0.0.1:4173/assets/index-3f2a.js 35 ms"),
        "{out}"
    );
    assert!(
        out.contains("    requests: 3 requests, 38.9 KB: largest 127.0.0.1:4173/assets/Settings-9c1d.js 38 KB; slowest 127.0.0.1:4173/api/prefs?q=<b>x</b>|`y` 640 ms; failed 127.0.0.1:4173/api/track (HTTP 503)"),
        "{out}"
    );
}
