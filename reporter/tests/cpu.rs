//! CPU time at load in every output, rendered from the CPU fixture's vitals
//! document (`fixtures/reports/vitals-cpu.json`, recomputed from its
//! recorded run by `fixtures/reports/update.sh`): decimal.js burns about
//! 250 ms at load, called from `src/checksum.js`. Then the same document
//! with hostile names planted in the profile.

extern crate perfscope_reporter as reporter;

use std::path::PathBuf;

use model::report::Report;
use serde_json::Value;

const EVIL_PACKAGE: &str = "<img src=x onerror=alert(1)>";
const EVIL_URL: &str = "http://127.0.0.1:9/</script><script>alert(2)</script>";
const EVIL_FUNCTION: &str = "`x`</td><b>f</b>\u{1b}[31m";

fn recorded() -> Value {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/reports/vitals-cpu.json");
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn report(document: &Value) -> Report {
    let mut report = reporter::json::parse_document(&document.to_string()).unwrap();
    assess::assess_into(&mut report, None, &assess::AssessOptions::default());
    report
}

/// The HTML of the CPU section, from its heading to the next section's.
fn cpu_section(html: &str) -> &str {
    let start = html.find("<h3>CPU time at load").expect("a CPU section");
    let end = start + html[start..].find("<h3>Network findings").unwrap();
    &html[start..end]
}

#[test]
fn html_has_the_cpu_by_package_table_and_the_boot_up_time() {
    let html = reporter::html::render(&report(&recorded())).unwrap();
    let section = cpu_section(&html);
    insta::assert_snapshot!("cpu_html", section);
    // The CPU-heavy package first, then the module that calls it.
    let decimal = section.find("<code>decimal.js</code>").unwrap();
    let checksum = section
        .find("<code>cpu-app/src/checksum.js</code>")
        .unwrap();
    assert!(decimal < checksum);
    assert!(section.contains("Main-thread work 385 ms"), "{section}");
    assert!(section.contains("boot-up time 266 ms"), "{section}");
    // After the coverage section, as its neighbour.
    assert!(
        html.find("<h3>Unused JavaScript at load").unwrap() < html.find("<h3>CPU time").unwrap()
    );
}

#[test]
fn markdown_names_the_top_three_with_the_main_thread_work() {
    let md = reporter::markdown::render(&report(&recorded()));
    insta::assert_snapshot!("cpu_markdown", md);
    assert!(md.contains(
        "**CPU time at load:** main-thread work 385 ms; most in `decimal.js` 253 ms, `cpu-app/src/checksum.js` 253 ms, `cpu-app/src/main.js` 1 ms"
    ), "{md}");
}

#[test]
fn markdown_leaves_out_a_load_without_50_ms_anywhere() {
    let mut document = recorded();
    for list in ["packages", "modules"] {
        for t in document["cpu"]["profile"][list].as_array_mut().unwrap() {
            t["total_ms"] = Value::from(12.0);
        }
    }
    let md = reporter::markdown::render(&report(&document));
    assert!(!md.contains("CPU time at load"), "{md}");
}

#[test]
fn terminal_has_one_cpu_line() {
    let out = reporter::terminal::vitals(&report(&recorded()));
    assert!(
        out.contains(
            "CPU at load (run 1): main-thread work 385 ms, boot-up 266 ms; most time in decimal.js 253 ms, cpu-app/src/checksum.js 253 ms, cpu-app/src/main.js 1 ms (total, calls included)\n"
        ),
        "{out}"
    );
}

/// The recorded document with names from the page made hostile: a
/// package, a module, a script URL, a function.
fn hostile() -> Value {
    let mut document = recorded();
    let cpu = &mut document["cpu"];
    cpu["profile"]["packages"][0]["name"] = Value::from(EVIL_PACKAGE);
    cpu["profile"]["modules"][3]["name"] = Value::from(format!("src/{EVIL_FUNCTION}.js"));
    cpu["profile"]["functions"][0]["name"] = Value::from(EVIL_FUNCTION);
    cpu["profile"]["functions"][0]["url"] = Value::from(EVIL_URL);
    cpu["bootup"][0]["url"] = Value::from(EVIL_URL);
    cpu["long_tasks"][0]["sources"][0]["name"] = Value::from(EVIL_PACKAGE);
    document
}

#[test]
fn names_from_the_page_are_escaped_everywhere() {
    let report = report(&hostile());
    let html = reporter::html::render(&report).unwrap();
    let section = cpu_section(&html);
    assert!(!section.contains("<img"), "{section}");
    assert!(!section.contains("<b>"), "{section}");
    assert!(!html.contains("</script><script>alert(2)"));
    assert!(
        section.contains("&#60;img src=x onerror=alert(1)&#62;"),
        "{section}"
    );
    assert_eq!(html.matches("<script").count(), 2);

    let md = reporter::markdown::render(&report);
    assert!(!md.contains("\u{1b}"), "{md}");
    assert!(md.contains("`<img src=x onerror=alert(1)>` 253 ms"), "{md}");
    assert!(md.contains("``src/`x`</td><b>f</b>"), "{md}");

    let out = reporter::terminal::vitals(&report);
    assert!(!out.contains("\u{1b}[31m"), "{out}");
    assert!(out.contains("\\u{1b}[31m"), "{out}");
}
