//! The `perfscope` binary end to end on the fixture app: documents, exit codes
//! and the CI gate. (The browser is kept out of these: `--no-vitals`.)

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

fn shop_app() -> String {
    repo().join("fixtures/shop-app").display().to_string()
}

fn shop_dist() -> String {
    repo().join("fixtures/shop-app/dist").display().to_string()
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is one JSON document ({e}); stdout: {}; stderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

#[test]
fn analyze_prints_one_json_document_and_exits_0() {
    let out = perfscope(&["analyze", &shop_app(), "--format", "json"], &repo());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    assert_eq!(doc["kind"], "analyze");
    assert_eq!(doc["schema_version"], model::SCHEMA_VERSION);
    let unused = subjects(&doc, "unused-files");
    assert_eq!(
        unused,
        ["src/components/OldBanner.tsx", "src/utils/legacy.ts"]
    );
}

#[test]
fn usage_and_fatal_errors_exit_2_with_a_message_naming_the_path() {
    let out = perfscope(&["analyze", "/nonexistent/perfscope-project"], &repo());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("/nonexistent/perfscope-project"),
        "{stderr}"
    );

    let out = perfscope(&["analyze", "--no-such-flag"], &repo());
    assert_eq!(out.status.code(), Some(2));

    let out = perfscope(&["bundle", "/nonexistent/dist"], &repo());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_broken_config_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("perfscope.toml"),
        "[analyze]\nentriez = 1\n",
    )
    .unwrap();
    let out = perfscope(&["check", ".", "--no-vitals", "--no-bundle"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("perfscope.toml"), "{stderr}");
    assert!(stderr.contains("entriez"), "{stderr}");
}

#[test]
fn check_fails_on_a_broken_budget_and_passes_within_it() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "check",
        ".",
        "--dist",
        &shop_dist(),
        "--no-vitals",
        "--no-source",
        "--no-brotli",
    ];

    // Defaults (250 KB initial, 100 KB per chunk, 1 MB total): the fixture passes.
    let out = perfscope(&args, dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("PASS"), "{stdout}");

    // A 20 KB budget on the vendor chunk fails.
    std::fs::write(
        dir.path().join("perfscope.toml"),
        "[[bundle.budgets]]\nname = \"vendor\"\npath = \"assets/vendor-*.js\"\ngzip = \"20 KB\"\n",
    )
    .unwrap();
    let out = perfscope(&args, dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAIL"), "{stdout}");
    assert!(stdout.contains("vendor"), "{stdout}");
}

/// Writes the head report of the fixture app (source + bundle) and returns it.
fn head_report(dir: &Path) -> serde_json::Value {
    let out = perfscope(
        &[
            "report",
            &shop_app(),
            "--no-vitals",
            "--no-brotli",
            "--out",
            &dir.join("head").display().to_string(),
        ],
        dir,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(dir.join("head/report.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn report_writes_html_markdown_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let report = head_report(dir.path());
    assert_eq!(report["kind"], "report");
    assert_eq!(report["analyze"]["status"], "ok");
    assert_eq!(report["bundle"]["status"], "ok");
    assert_eq!(report["vitals"]["status"], "absent");
    let html = std::fs::read_to_string(dir.path().join("head/report.html")).unwrap();
    assert!(html.contains("src/utils/legacy.ts"));
    let md = std::fs::read_to_string(dir.path().join("head/report.md")).unwrap();
    assert!(md.contains("chart-kit"), "{md}");
}

#[test]
fn check_with_baseline_fails_on_regressions_and_new_error_findings_only() {
    let dir = tempfile::tempdir().unwrap();
    let head = head_report(dir.path());
    let check = |baseline: &Path| {
        perfscope(
            &[
                "check",
                &shop_app(),
                "--no-vitals",
                "--no-brotli",
                "--baseline",
                &baseline.display().to_string(),
            ],
            dir.path(),
        )
    };
    // Same baseline as head: nothing regressed.
    let same = dir.path().join("same.json");
    std::fs::write(&same, serde_json::to_string(&head).unwrap()).unwrap();
    let out = check(&same);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");

    // A baseline whose JS was 40% smaller: the head is a regression.
    let mut smaller = head.clone();
    scale_sizes(&mut smaller["bundle"]["document"], 0.6);
    let path = dir.path().join("smaller.json");
    std::fs::write(&path, serde_json::to_string(&smaller).unwrap()).unwrap();
    let out = check(&path);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAIL"), "{stdout}");
}

#[test]
fn check_fails_on_findings_marked_as_errors_unless_the_baseline_has_them() {
    // A copy of the fixture app's source config with unused exports as errors.
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("app");
    copy_dir(&repo().join("fixtures/shop-app"), &project);
    std::fs::write(
        project.join("perfscope.toml"),
        "[analyze]\nerrors = [\"unused-exports\"]\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["check", "app", "--no-vitals", "--no-bundle"];
        args.extend_from_slice(extra);
        perfscope(&args, dir.path())
    };
    let out = run(&[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("unused-exports"), "{stdout}");

    // The baseline already had the same unused exports: only old findings, pass.
    let out = perfscope(
        &[
            "report",
            "app",
            "--no-vitals",
            "--no-bundle",
            "--out",
            "base",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    let out = run(&["--baseline", "base/report.json"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");

    // A new unused export in the head fails again.
    let file = project.join("src/utils/format.ts");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("\nexport function brandNewHelper() {\n  return 42;\n}\n");
    std::fs::write(&file, text).unwrap();
    let out = run(&["--baseline", "base/report.json"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("brandNewHelper"), "{stdout}");
}

/// Multiplies every `raw`/`gzip`/`brotli` byte count in `value` by `factor`.
fn scale_sizes(value: &mut serde_json::Value, factor: f64) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match (key.as_str(), v.as_u64()) {
                    ("raw" | "gzip" | "brotli", Some(n)) => {
                        *v = serde_json::json!((n as f64 * factor) as u64)
                    }
                    _ => scale_sizes(v, factor),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| scale_sizes(v, factor)),
        _ => {}
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn schema_prints_a_json_schema() {
    let out = perfscope(&["schema"], &repo());
    assert_eq!(out.status.code(), Some(0));
    let schema = json(&out);
    assert!(schema["properties"]["analyze"].is_object(), "{schema}");
}

#[test]
fn a_closed_stdout_exits_quietly() {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_perfscope"))
        .args(["analyze", &shop_app(), "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before the analysis (tens of ms) has printed
    // anything, like `perfscope ... | head -0`.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
}

#[test]
fn every_part_of_a_live_report_validates_against_the_published_schema() {
    // Source, bundle and one real browser run of the fixture's build.
    let dir = tempfile::tempdir().unwrap();
    let out = perfscope(
        &[
            "report",
            &shop_app(),
            "--runs",
            "1",
            "--no-brotli",
            "--out",
            &dir.path().join("r").display().to_string(),
        ],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r/report.json")).unwrap())
            .unwrap();
    for part in ["analyze", "bundle", "vitals"] {
        assert_eq!(report[part]["status"], "ok", "{part}: {}", report[part]);
    }
    let schema = json(&perfscope(&["schema"], &repo()));
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "report.json does not match the schema: {errors:#?}"
    );
}

#[test]
fn progress_goes_to_stderr_only_with_verbose_when_not_a_terminal() {
    let quiet = perfscope(
        &["bundle", &shop_dist(), "--no-brotli", "--format", "json"],
        &repo(),
    );
    assert_eq!(quiet.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&quiet.stderr),
        "",
        "CI logs stay quiet"
    );

    let verbose = perfscope(
        &[
            "-v",
            "bundle",
            &shop_dist(),
            "--no-brotli",
            "--format",
            "json",
        ],
        &repo(),
    );
    assert_eq!(verbose.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&verbose.stderr);
    let files = json(&verbose)["assets"].as_array().unwrap().len();
    assert!(
        stderr.contains(&format!("assets measured: {files}/")),
        "{stderr}"
    );
    // stdout is still exactly one JSON document.
    assert_eq!(json(&quiet)["kind"], json(&verbose)["kind"]);
}

/// `check --baseline` and `diff` assess the same way: on the same inputs they
/// give the same verdict, the same exit code and the same failing checks.
#[test]
fn check_and_diff_give_the_same_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("app");
    copy_dir(&repo().join("fixtures/shop-app"), &project);
    std::fs::write(
        project.join("perfscope.toml"),
        "[findings]\nunused-exports = \"error\"\n",
    )
    .unwrap();
    let common = ["app", "--no-vitals", "--no-brotli"];
    let report = |out: &str| {
        let mut args = vec!["report"];
        args.extend_from_slice(&common);
        args.extend_from_slice(&["--out", out]);
        let run = perfscope(&args, dir.path());
        assert_eq!(run.status.code(), Some(0), "{run:?}");
    };
    report("base");
    // A baseline whose sizes were smaller (the head regressed) and one that
    // lacked an unused export (the head's is new).
    let text = std::fs::read_to_string(dir.path().join("base/report.json")).unwrap();
    let mut smaller: serde_json::Value = serde_json::from_str(&text).unwrap();
    scale_sizes(&mut smaller["bundle"], 0.5);
    let exports = smaller["analyze"]["document"]["findings"]
        .as_array_mut()
        .unwrap();
    let at = exports
        .iter()
        .position(|f| f["kind"] == "unused-exports")
        .unwrap();
    exports.remove(at);
    std::fs::write(
        dir.path().join("smaller.json"),
        serde_json::to_string(&smaller).unwrap(),
    )
    .unwrap();

    for (baseline, expected) in [("base/report.json", 0), ("smaller.json", 1)] {
        let mut args = vec!["check"];
        args.extend_from_slice(&common);
        args.extend_from_slice(&["--baseline", baseline, "--out", "head", "--format", "json"]);
        let check = perfscope(&args, dir.path());
        assert_eq!(check.status.code(), Some(expected), "{check:?}");
        let check_doc = json(&check);

        let diff = perfscope(
            &[
                "diff",
                &format!("../{baseline}"),
                "../head/report.json",
                "--format",
                "json",
            ],
            &project,
        );
        assert_eq!(diff.status.code(), Some(expected), "{diff:?}");
        let diff_doc = json(&diff);
        assert_eq!(check_doc["pass"], diff_doc["gate"]["pass"], "{baseline}");
        let failing = |checks: &serde_json::Value| -> Vec<String> {
            checks
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["pass"] == false)
                .map(|c| c["name"].as_str().unwrap().to_string())
                .collect()
        };
        let failed = failing(&check_doc["gate"]["checks"]);
        assert_eq!(failed, failing(&diff_doc["gate"]["checks"]), "{baseline}");
        if expected == 1 {
            assert!(
                failed.iter().any(|n| n.starts_with("Initial JS (gzip)")),
                "{failed:?}"
            );
            assert!(
                failed
                    .iter()
                    .any(|n| n == "new unused-exports (configured as error)"),
                "{failed:?}"
            );
        }
        // report.json carries the assessment the gate came from.
        let written: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join("head/report.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(written["assessment"]["gate"], check_doc["gate"]);
    }
}

#[test]
fn check_finds_a_next_build_and_gates_every_route_and_never_passes_on_nothing() {
    let app = repo().join("fixtures/frameworks/next-app");
    let out = perfscope(
        &[
            "check",
            &app.display().to_string(),
            "--no-vitals",
            "--no-brotli",
            "--no-cache",
            "--format",
            "json",
        ],
        &repo(),
    );
    let doc = json(&out);
    let names: Vec<&str> = doc["gate"]["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    for route in ["/", "/about", "/blog", "/blog/[slug]", "/pricing"] {
        let check = format!("initial JS of {route} (gzip)");
        assert!(names.contains(&check.as_str()), "{check} in {names:?}");
    }
    // Nothing to check: exit 2 and say what was looked for.
    let empty = tempfile::tempdir().expect("tmp");
    let out = perfscope(&["check", &empty.path().display().to_string()], &repo());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("nothing to check"), "{stderr}");
    assert!(
        stderr.contains(".next/, build/client/, dist/client/, dist/, build/, out/"),
        "{stderr}"
    );
}

#[test]
fn explain_says_why_a_file_is_used_or_not_and_workspace_narrows_a_monorepo() {
    let mono = repo().join("fixtures/frameworks/pnpm-monorepo");
    // An app's component: the chain from the app's entry.
    let out = perfscope(
        &[
            "analyze",
            "--explain",
            "apps/web/src/components/ProductList.tsx",
            "--format",
            "json",
        ],
        &mono,
    );
    assert_eq!(out.status.code(), Some(0));
    let e = json(&out);
    assert_eq!(e["status"], "used", "{e}");
    assert_eq!(e["role"], "production");
    assert_eq!(e["workspace"], "apps/web");
    assert_eq!(e["entry"]["path"], "apps/web/src/main.tsx", "{e}");
    let chain = e["chain"].as_array().unwrap();
    assert_eq!(chain.first().unwrap()["from"], "apps/web/src/main.tsx");
    assert_eq!(
        chain.last().unwrap()["to"],
        "apps/web/src/components/ProductList.tsx"
    );
    // A shared package's public file is an entry of its own.
    let e = json(&perfscope(
        &[
            "analyze",
            "--explain",
            "./packages/ui/src/button.tsx",
            "--format",
            "json",
        ],
        &mono,
    ));
    assert_eq!(e["status"], "entry", "{e}");
    assert_eq!(e["entry"]["source"], "package.json#exports");
    assert!(
        e["importers"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("apps/admin/app/routes/home.tsx"))
    );
    // A path given from the current folder, relative to a project below it.
    let out = perfscope(
        &[
            "analyze",
            mono.to_str().unwrap(),
            "--explain",
            mono.join("packages/utils/src/legacy-date.ts")
                .to_str()
                .unwrap(),
        ],
        &repo(),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("packages/utils/src/legacy-date.ts: unused"),
        "{text}"
    );
    // An entry says which convention made it one.
    let out = perfscope(
        &["analyze", "--explain", "apps/admin/app/routes/orders.tsx"],
        &mono,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(": entry") && text.contains("routes.ts"),
        "{text}"
    );

    // --workspace: only that workspace's findings, by name or folder.
    let out = perfscope(
        &["analyze", "--workspace", "@acme/utils", "--format", "json"],
        &mono,
    );
    let doc = json(&out);
    assert_eq!(
        subjects(&doc, "unused-files"),
        ["packages/utils/src/legacy-date.ts"]
    );
    let names: Vec<&str> = of_kind(&doc, "unused-exports")
        .map(|u| u["detail"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["titleCase"]);
    assert_eq!(of_kind(&doc, "unused-dependencies").count(), 0);
    let doc = json(&perfscope(
        &["analyze", "--workspace", "packages/ui/", "--format", "json"],
        &mono,
    ));
    let names: Vec<&str> = of_kind(&doc, "unused-dependencies")
        .map(|u| u["detail"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["tailwind-merge"]);
    let out = perfscope(&["analyze", "--workspace", "nope"], &mono);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("@acme/ui (packages/ui)"));
}

/// The findings of one kind (its id) in an `analyze` JSON document.
fn of_kind<'a>(
    doc: &'a serde_json::Value,
    kind: &'a str,
) -> impl Iterator<Item = &'a serde_json::Value> {
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(move |f| f["kind"] == kind)
}

/// The subjects of the findings of one kind.
fn subjects<'a>(doc: &'a serde_json::Value, kind: &'a str) -> Vec<&'a str> {
    of_kind(doc, kind)
        .map(|f| f["subject"].as_str().unwrap())
        .collect()
}
