//! The pull-request diff on two committed builds of the fixture app: the
//! base (`fixtures/shop-app`) and a head that adds a lazily loaded route
//! importing all of lodash (`fixtures/shop-app-head`, made by
//! `fixtures/build-shop-head.sh`). The comment must lead with that change:
//! the added chunk, the route's weight, and the package behind it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn perfscope(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_perfscope"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the perfscope binary runs")
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `report.json` of the base, then `check --baseline` of the head in `format`.
fn base_and_head(format: &str) -> (tempfile::TempDir, Output) {
    let tmp = tempfile::tempdir().expect("tmp");
    let base_out = tmp.path().join("base");
    let base = perfscope(
        &[
            "report",
            "fixtures/shop-app",
            "--no-vitals",
            "--no-brotli",
            "--no-cache",
            "--out",
            &base_out.display().to_string(),
        ],
        &repo(),
    );
    assert!(
        base.status.success(),
        "{}",
        String::from_utf8_lossy(&base.stderr)
    );
    let head = perfscope(
        &[
            "check",
            "fixtures/shop-app-head",
            "--baseline",
            &base_out.join("report.json").display().to_string(),
            "--no-vitals",
            "--no-brotli",
            "--no-cache",
            "--format",
            format,
        ],
        &repo(),
    );
    (tmp, head)
}

#[test]
fn the_comment_leads_with_the_new_route_chunk_and_the_package_behind_it() {
    let (_tmp, head) = base_and_head("markdown");
    // All JS grew by far more than 20%: the gate fails.
    assert_eq!(
        head.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&head.stderr)
    );
    let md = String::from_utf8(head.stdout).expect("UTF-8");
    // The headline is what users feel: the new route's load (a lazy chunk,
    // named by its module and the module that imports it; the page's
    // initial load barely moves); the file change and the package behind
    // it follow.
    let headline = md
        .lines()
        .find(|l| l.starts_with("**Biggest change:**"))
        .unwrap_or_else(|| panic!("no headline in\n{md}"));
    assert!(
        headline.starts_with(
            "**Biggest change:** `src/pages/Orders.tsx` (lazy chunk, imported by `src/routes.tsx`) downloads **+26.5 KB gzip** when it loads"
        ),
        "{headline}"
    );
    let biggest = md
        .lines()
        .find(|l| l.starts_with("**Largest file change:**"))
        .unwrap_or_else(|| panic!("no file change in\n{md}"));
    assert!(
        biggest.contains("`assets/Orders-BvejLiYB.js` added **+26.5 KB gzip**"),
        "{biggest}"
    );
    assert!(
        biggest.contains("`lodash@4.17.21`") && biggest.contains("(new)"),
        "{biggest}"
    );
    assert!(
        biggest.contains("imported by `src/pages/Orders.tsx`"),
        "{biggest}"
    );
    insta::assert_snapshot!("pr_comment_new_route_with_lodash", md);
}

#[test]
fn the_diff_matches_assets_across_hashes_and_weighs_each_entry() {
    // `diff --format json` prints the whole assessment.
    let tmp = tempfile::tempdir().expect("tmp");
    let (base_dir, head_dir) = (tmp.path().join("base"), tmp.path().join("head"));
    for (project, out) in [
        ("fixtures/shop-app", &base_dir),
        ("fixtures/shop-app-head", &head_dir),
    ] {
        let run = perfscope(
            &[
                "report",
                project,
                "--no-vitals",
                "--no-brotli",
                "--no-cache",
                "--out",
                &out.display().to_string(),
            ],
            &repo(),
        );
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    let diff = perfscope(
        &[
            "diff",
            &base_dir.join("report.json").display().to_string(),
            &head_dir.join("report.json").display().to_string(),
            "--format",
            "json",
        ],
        &repo(),
    );
    assert_eq!(diff.status.code(), Some(1));
    let assessment: serde_json::Value = serde_json::from_slice(&diff.stdout).expect("JSON");
    let d = &assessment["bundle_diff"];
    let assets = d["assets"].as_array().expect("assets");
    // Shown: the new chunk. Help and report only changed their hashes
    // (vendor's moved); the entry chunk (the new route's `import()`) and
    // vendor (a CommonJS helper) grew by a few bytes: folded.
    let shown: Vec<(&str, &str)> = assets
        .iter()
        .map(|a| {
            (
                a["key"].as_str().unwrap_or(""),
                a["status"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(shown, vec![("assets/Orders-[hash].js", "added")], "{d:#}");
    assert_eq!(assets[0]["head_path"], "assets/Orders-BvejLiYB.js");
    assert_eq!(assets[0]["loaded_by"], serde_json::json!(["index.html"]));
    assert_eq!(assets[0]["initial"], false);
    // The entry chunk and vendor grew by a few bytes; Help, report and
    // index.html only name other hashes (their gzip moves by a byte or two).
    assert_eq!(d["folded"]["count"], 5, "{d:#}");
    // The stylesheet and the logo.
    assert_eq!(d["unchanged"], 2, "{d:#}");
    // The page's initial weight barely moves; what it can load grows by the route.
    let entry = &d["entries"][0];
    assert_eq!(entry["name"], "index.html");
    let delta =
        |p: &serde_json::Value| p["head"].as_i64().unwrap_or(0) - p["base"].as_i64().unwrap_or(0);
    assert!(delta(&entry["initial"]).abs() < 200, "{entry:#}");
    assert!(delta(&entry["total"]) > 26_000, "{entry:#}");
    let lodash = &d["movers"][0];
    assert_eq!(lodash["name"], "lodash@4.17.21");
    assert_eq!(
        lodash["loaded_by"],
        serde_json::json!(["src/pages/Orders.tsx"])
    );
    assert!(lodash["bytes"]["base"].is_null());
}

#[test]
fn the_html_report_shows_the_failed_checks_the_changes_and_the_build_diff() {
    let tmp = tempfile::tempdir().expect("tmp");
    let base_out = tmp.path().join("base");
    let head_out = tmp.path().join("head");
    let common = ["--no-vitals", "--no-brotli", "--no-cache"];
    let mut args = vec!["report", "fixtures/shop-app", "--out"];
    let base_dir = base_out.display().to_string();
    args.push(&base_dir);
    args.extend(common);
    assert!(perfscope(&args, &repo()).status.success());
    let baseline = base_out.join("report.json").display().to_string();
    let head_dir = head_out.display().to_string();
    let mut args = vec![
        "report",
        "fixtures/shop-app-head",
        "--baseline",
        &baseline,
        "--out",
        &head_dir,
    ];
    args.extend(common);
    let out = perfscope(&args, &repo());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(head_out.join("report.html")).expect("report.html");
    // The verdict lists what fails, the cards say by how much.
    let failed = html
        .split("<ul class=\"failed-checks\">")
        .nth(1)
        .and_then(|rest| rest.split("</ul>").next())
        .unwrap_or_else(|| panic!("no failed checks list"));
    assert!(failed.contains("All JS (gzip)"), "{failed}");
    assert!(failed.contains("worse than the baseline"), "{failed}");
    assert!(html.contains("card card-regression"));
    assert!(html.contains("+26.6 KB (+46.4%) vs 57.4 KB"));
    // The build diff: the added route chunk and the package behind it.
    assert!(html.contains("<code>assets/Orders-BvejLiYB.js</code>"));
    assert!(html.contains("lodash@4.17.21 +71.6 KB (new)"));
}
