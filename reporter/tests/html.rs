//! The HTML page: one self-contained file, every value escaped, failed parts
//! shown as error sections.

extern crate perfscope_reporter as reporter;

mod common;

use common::{EVIL_MODULE, EVIL_SCRIPT_MODULE, EVIL_URL};
use model::report::Part;

#[test]
fn hostile_names_are_escaped_and_cannot_close_the_script() {
    let html = reporter::html::render(&common::sample()).unwrap();
    // The planted markup never appears as markup.
    assert!(!html.contains("<img src=x"), "raw <img> in the page");
    assert!(!html.contains("<b>"), "raw <b> in the page");
    assert!(
        !html.contains("</script><script>alert"),
        "script breakout in the page"
    );
    // It is there, escaped, in text and attributes...
    assert!(
        html.contains("src/&#60;img src=x onerror=alert(1)&#62;.ts")
            || html.contains("src/&lt;img src=x onerror=alert(1)&gt;.ts")
    );
    // ...and in the treemap data as \u escapes.
    assert!(html.contains(r"src/\u003cimg src=x onerror=alert(1)\u003e.ts"));
    assert!(html.contains(r"src/\u003c/script\u003e\u003cscript\u003ealert(3)"));
    // The URL with </script> is escaped text in the vitals section.
    assert!(
        html.contains("http://127.0.0.1:9/&#60;/script&#62;")
            || html.contains("http://127.0.0.1:9/&lt;/script&gt;")
    );
    // Exactly two script elements: the data and the report's own script.
    assert_eq!(html.matches("<script").count(), 2);
    assert_eq!(html.matches("</script>").count(), 2);
    assert!(
        EVIL_URL.contains("</script>")
            && EVIL_MODULE.contains("<img")
            && EVIL_SCRIPT_MODULE.contains("</script>")
    );
}

#[test]
fn the_page_is_self_contained() {
    let html = reporter::html::render(&common::sample()).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    for needle in ["src=\"http", "href=\"http", "@import", "url(http", "<link"] {
        assert!(!html.contains(needle), "the page loads something: {needle}");
    }
    // Only the report's own inline script may run.
    assert!(html.contains("Content-Security-Policy"));
    assert!(html.contains("script-src 'sha256-"));
}

#[test]
fn inline_script_hash_matches_the_policy() {
    let html = reporter::html::render(&common::sample()).unwrap();
    let start = html.find("<script>").unwrap() + "<script>".len();
    let end = start + html[start..].find("</script>").unwrap();
    let script = &html[start..end];
    let hash = reporter::html::csp_hash(script);
    assert!(
        html.contains(&format!("script-src {hash}")),
        "CSP hash does not match the inline script"
    );
}

#[test]
fn sections_show_every_part() {
    let html = reporter::html::render(&common::sample()).unwrap();
    for id in [
        "id=\"summary\"",
        "id=\"bundle\"",
        "id=\"source\"",
        "id=\"vitals\"",
        "id=\"treemap\"",
        "id=\"treemap-data\"",
    ] {
        assert!(html.contains(id), "missing {id}");
    }
    // Summary: budget failure with actual vs limit, headline numbers, top action.
    assert!(html.contains("any JS chunk"));
    assert!(html.contains("50 KB") && html.contains("40 KB"));
    assert!(html.contains("Initial JS (gzip), index.html"));
    assert!(html.contains("\u{2212}18 KB gzip from the initial load"));
    // Source with file:line, vitals with the timeline and slow renders.
    assert!(html.contains("src/routes.tsx:4"));
    assert!(html.contains("src/utils/format.ts:12"));
    assert!(html.contains("class=\"timeline\""));
    assert!(
        html.contains("&#60;b&#62;SlowChart&#60;/b&#62;")
            || html.contains("&lt;b&gt;SlowChart&lt;/b&gt;")
    );
    assert!(html.contains("class=\"sortable\""));
}

#[test]
fn failed_and_absent_parts_render_as_messages() {
    let mut report = common::sample();
    report.bundle = Part::Failed {
        error: "cannot read dist/: <permission denied>".into(),
    };
    report.vitals = Part::absent("no URL and no index.html");
    let html = reporter::html::render(&report).unwrap();
    assert!(html.contains("part-failed"));
    assert!(
        html.contains("Bundle analysis failed: cannot read dist/: &#60;permission denied&#62;")
            || html
                .contains("Bundle analysis failed: cannot read dist/: &lt;permission denied&gt;")
    );
    assert!(html.contains("Vitals was not run: no URL and no index.html"));
    assert!(html.contains("treemap-data\">null</script>"));
    // The source section still has its findings.
    assert!(html.contains("src/legacy/OldCart.tsx"));
}

/// One finding of every kind, without its typed detail, planted in the
/// sample's documents: each is shown somewhere (its own table, or its
/// part's "Other findings" when that table needs the detail).
#[test]
fn every_kind_is_shown() {
    use model::finding::{Finding, FindingKind, PartId};
    let mut report = common::unassessed(
        Some(common::analyze_json()),
        Some(common::bundle_json()),
        Some(common::vitals_json()),
    );
    for &kind in FindingKind::ALL {
        let subject = format!("planted-{}", kind.id());
        let f = Finding::new(kind, subject.clone(), subject, "planted");
        match (
            kind.part(),
            &mut report.analyze,
            &mut report.bundle,
            &mut report.vitals,
        ) {
            (PartId::Source, Part::Ok { document }, _, _) => document.findings.push(f),
            (PartId::Bundle, _, Part::Ok { document }, _) => document.findings.push(f),
            (PartId::Vitals, _, _, Part::Ok { document }) => document.findings.push(f),
            _ => unreachable!("every part ran"),
        }
    }
    let html = reporter::html::render(&common::assessed(report, None, 0.2)).unwrap();
    for kind in FindingKind::ALL {
        assert!(
            html.contains(&format!("planted-{}", kind.id())),
            "{kind} is not shown"
        );
    }
    // Lazy-loading candidates need their detail: this one is another finding.
    assert!(html.contains("Other findings"));
    assert!(html.contains("<code>planted-lazy-candidates</code>"));
}

/// Kinds switched off are not shown: the page lists the assessment's findings.
#[test]
fn findings_come_from_the_assessment() {
    use model::finding::{FindingKind, Severity};
    let mut options = assess::AssessOptions::default();
    options
        .severities
        .set(FindingKind::UnusedFiles, Severity::Off);
    let mut report = common::unassessed(Some(common::analyze_json()), None, None);
    let html = reporter::html::render(&report).unwrap();
    assert!(
        html.contains("src/legacy/OldCart.tsx"),
        "parts' findings without an assessment"
    );
    assess::assess_into(&mut report, None, &options);
    let html = reporter::html::render(&report).unwrap();
    assert!(!html.contains("src/legacy/OldCart.tsx"));
    assert!(html.contains("src/utils/format.ts:12"));
}

/// The source section's failures are the gate's: every unused export
/// without a baseline, only the new ones with one.
#[test]
fn findings_configured_as_errors_are_the_gates_failing_checks() {
    use model::finding::{FindingKind, Severity};
    use serde_json::json;
    let mut options = assess::AssessOptions::default();
    options
        .severities
        .set(FindingKind::UnusedExports, Severity::Error);
    let base = common::unassessed(Some(common::analyze_json()), None, None);

    let mut report = base.clone();
    assess::assess_into(&mut report, None, &options);
    let html = reporter::html::render(&report).unwrap();
    let failing = failing_reasons(&report);
    assert_eq!(failing.len(), 1, "{failing:?}");
    assert!(failing[0].starts_with("2 "), "{failing:?}");
    assert!(html.contains(&format!("Failed: {}", failing[0])));

    // Against a baseline that has them: nothing fails.
    let mut same = base.clone();
    assess::assess_into(&mut same, Some(&base), &options);
    let html = reporter::html::render(&same).unwrap();
    assert!(!html.contains("Failed:"));

    // One new unused export: only it fails.
    let mut analyze = common::analyze_json();
    analyze["unused_exports"]
        .as_array_mut()
        .unwrap()
        .push(json!({"path": "src/new.ts", "name": "helper", "line": 1, "type_only": false}));
    let mut head = common::unassessed(Some(analyze), None, None);
    assess::assess_into(&mut head, Some(&base), &options);
    let html = reporter::html::render(&head).unwrap();
    let failing = failing_reasons(&head);
    assert_eq!(failing.len(), 1, "{failing:?}");
    assert!(failing[0].starts_with("1 "), "{failing:?}");
    assert!(html.contains(&format!("Failed: {}", failing[0])));
    assert_eq!(html.matches("Failed: ").count(), 1);
}

/// The reasons of the gate's failing checks on findings.
fn failing_reasons(report: &model::report::Report) -> Vec<String> {
    report
        .assessment
        .iter()
        .flat_map(|a| a.gate.failures())
        .filter(|c| c.kind == model::assessment::CheckKind::Findings)
        .filter_map(|c| c.reason.clone())
        .collect()
}

#[test]
fn a_flows_table_has_frames_commits_renders_and_memory() {
    let report = common::assessed(
        common::unassessed(None, None, Some(common::vitals_with_flow())),
        None,
        0.2,
    );
    let html = reporter::html::render(&report).unwrap();
    for needle in [
        "Slowest React commit",
        "121 ms: ProductList 120 ms (props), App 0 ms (state), Header 0 ms (parent)",
        "126 ms: dispatchDiscreteEvent 123 ms (react-flow/node_modules/react-dom/cjs/react-dom.development.js, react-dom)",
        "Renders over the flow: App ×2, Header ×2, ProductList ×2",
        "<strong>Layout shifts</strong> 0.050 (ul#products)",
        "Suspected leak: each repetition leaves",
    ] {
        assert!(html.contains(needle), "{needle}");
    }
}

#[test]
fn a_flows_steps_show_their_requests_escaped() {
    let report = common::assessed(
        common::unassessed(None, None, Some(common::vitals_with_flow_requests())),
        None,
        0.2,
    );
    let html = reporter::html::render(&report).unwrap();
    for needle in [
        "<strong>Requests</strong> 2 requests, 152 KB: largest 127.0.0.1:4173/assets/index-3f2a.js 148 KB",
        "<strong>Requests</strong> 3 requests, 38.9 KB: largest 127.0.0.1:4173/assets/Settings-9c1d.js 38 KB; slowest 127.0.0.1:4173/api/prefs?q=&#60;b&#62;x&#60;/b&#62;|`y` 640 ms; failed 127.0.0.1:4173/api/track (HTTP 503)",
    ] {
        assert!(html.contains(needle), "{needle}\n{html}");
    }
    assert!(!html.contains("<b>x"));
}
