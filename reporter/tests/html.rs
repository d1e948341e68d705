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
