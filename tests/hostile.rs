//! Hostile input, one test per class: no crash, no hang, no read outside the
//! project, bounded and clear output. Every input is generated here; every
//! command runs under a time limit so a hang fails the test instead of CI.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a run printed and how it ended.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs perfscope with `args` in `cwd`, killed after `limit`.
fn perfscope_within(args: &[&str], cwd: &Path, limit: Duration) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_perfscope"))
        .args(args)
        .current_dir(cwd)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("perfscope starts");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("perfscope {args:?} hung for more than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code(),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

fn perfscope(args: &[&str], cwd: &Path) -> Run {
    perfscope_within(args, cwd, Duration::from_secs(120))
}

/// A small project: `package.json`, `index.html` → `src/main.ts`, which
/// imports `./deep` (the hostile file).
fn project(dir: &Path, deep: &str) -> PathBuf {
    let root = dir.join("app");
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(
        root.join("package.json"),
        r#"{"name": "hostile", "private": true}"#,
    )
    .unwrap();
    std::fs::write(
        root.join("index.html"),
        r#"<script type="module" src="/src/main.ts"></script>"#,
    )
    .unwrap();
    std::fs::write(
        root.join("src/main.ts"),
        "import { x } from './deep';\nimport { y } from './ok';\nconsole.log(x, y);\n",
    )
    .unwrap();
    std::fs::write(root.join("src/ok.ts"), "export const y = 1;\n").unwrap();
    std::fs::write(root.join("src/deep.js"), deep).unwrap();
    root
}

fn nested(kind: &str, n: usize) -> String {
    let body = match kind {
        "parens" => format!("{}1{}", "(".repeat(n), ")".repeat(n)),
        "arrays" => format!("{}1{}", "[".repeat(n), "]".repeat(n)),
        "objects" => format!("{}1{}", "{a:".repeat(n), "}".repeat(n)),
        "functions" => format!(
            "(function(){{{}}})",
            "function f(){".repeat(n) + &"}".repeat(n)
        ),
        "arrows" => format!("{}1", "a=>".repeat(n)),
        "ternaries" => format!("{}1", "a?b:".repeat(n)),
        "jsx" => format!("{}{}", "<div>".repeat(n), "</div>".repeat(n)),
        other => unreachable!("{other}"),
    };
    format!("import fs from 'fs';\nexport const x = {body};\nrequire('./other');\n")
}

/// 10× the depth at which each construct crashed `analyze` before, and
/// 50,000 nested parentheses: the process survives, the report is written,
/// and a file nested beyond the guard is a diagnostic naming it.
#[test]
fn deeply_nested_code_never_crashes_any_command() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, n) in [
        ("parens", 50_000),
        ("functions", 7_000),
        ("objects", 12_000),
        ("parens", 13_000),
        ("arrays", 14_000),
        ("arrows", 25_000),
        ("ternaries", 36_000),
        ("jsx", 45_000),
        // Far beyond what any stack holds: refused by the guard.
        ("parens", 2_000_000),
    ] {
        let root = project(&dir.path().join(format!("{kind}-{n}")), &nested(kind, n));
        let run = perfscope(
            &["analyze", "app", "--format", "json"],
            root.parent().unwrap(),
        );
        assert_eq!(run.code, Some(0), "{kind} {n}: {}", run.stderr);
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let modules: Vec<&str> = doc["modules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["path"].as_str().unwrap())
            .collect();
        assert!(
            modules.contains(&"src/ok.ts"),
            "{kind} {n}: the rest still ran"
        );
        if n >= 1_000_000 {
            assert!(
                doc["diagnostics"].as_array().unwrap().iter().any(|d| {
                    d["path"] == "src/deep.js"
                        && d["message"].as_str().unwrap().contains("levels deep")
                }),
                "{kind} {n}: {}",
                doc["diagnostics"]
            );
        }
    }
}

/// A minified chunk of 20,000 nested parentheses (10× what crashed `bundle`)
/// and one of 2,000,000: `bundle`, `report` and `check` finish.
#[test]
fn deeply_nested_chunks_never_crash_bundle_report_or_check() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("app");
    let dist = root.join("dist");
    std::fs::create_dir_all(dist.join("assets")).unwrap();
    std::fs::write(root.join("package.json"), r#"{"name":"chunks"}"#).unwrap();
    std::fs::write(
        dist.join("index.html"),
        r#"<script type="module" src="/assets/a.js"></script><script type="module" src="/assets/b.js"></script>"#,
    )
    .unwrap();
    for (name, n) in [("a.js", 20_000), ("b.js", 2_000_000)] {
        std::fs::write(
            dist.join("assets").join(name),
            format!("import'./c.js';var x={}1{};", "(".repeat(n), ")".repeat(n)),
        )
        .unwrap();
    }
    std::fs::write(dist.join("assets/c.js"), "export const c=1;").unwrap();
    let bundle = perfscope(
        &["bundle", "app/dist", "--no-brotli", "--format", "json"],
        dir.path(),
    );
    assert!(matches!(bundle.code, Some(0 | 1)), "{}", bundle.stderr);
    let doc: serde_json::Value = serde_json::from_str(&bundle.stdout).unwrap();
    assert!(
        doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["path"] == "assets/b.js"
                && d["message"].as_str().unwrap().contains("levels deep")),
        "{}",
        doc["diagnostics"]
    );
    for command in ["report", "check"] {
        let run = perfscope(
            &[
                command,
                "app",
                "--no-source",
                "--no-vitals",
                "--no-brotli",
                "--out",
                "out",
            ],
            dir.path(),
        );
        assert!(matches!(run.code, Some(0 | 1)), "{command}: {}", run.stderr);
        assert!(dir.path().join("out/report.json").is_file(), "{command}");
    }
}

/// Durations and counts that would overflow are refused with a clear error.
#[test]
fn overflowing_durations_and_counts_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let run = perfscope(
        &[
            "vitals",
            "http://127.0.0.1:9/",
            "--timeout",
            "18446744073709551615",
        ],
        dir.path(),
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("--timeout must be between"),
        "{}",
        run.stderr
    );
    let run = perfscope(
        &["vitals", "http://127.0.0.1:9/", "--runs", "0"],
        dir.path(),
    );
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("--runs"), "{}", run.stderr);

    std::fs::write(
        dir.path().join("perfscope.toml"),
        "[vitals]\ntimeout_s = 9223372036854775807\n",
    )
    .unwrap();
    let run = perfscope(&["vitals", "http://127.0.0.1:9/"], dir.path());
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("perfscope.toml") && run.stderr.contains("timeout_s"),
        "{}",
        run.stderr
    );
    std::fs::write(
        dir.path().join("perfscope.toml"),
        "[vitals.budgets]\nlcp_ms = nan\n",
    )
    .unwrap();
    let run = perfscope(&["check", "."], dir.path());
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("lcp_ms"), "{}", run.stderr);
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
}

/// A FIFO where perfscope reads a fixed-name file (`index.html`,
/// `package.json`, `.gitignore`, `.ignore`, a dependency's `package.json`,
/// `dist/package.json`) must not block the run.
#[cfg(unix)]
#[test]
fn fifos_in_place_of_fixed_name_files_never_hang() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("app");
    std::fs::create_dir_all(root.join("src/nested")).unwrap();
    std::fs::create_dir_all(root.join("node_modules/dep")).unwrap();
    std::fs::create_dir_all(root.join("dist/assets")).unwrap();
    std::fs::write(
        root.join("src/main.ts"),
        "import dep from 'dep';\nimport './nested/a';\nconsole.log(dep);\n",
    )
    .unwrap();
    std::fs::write(root.join("src/nested/a.ts"), "export {};\n").unwrap();
    std::fs::write(root.join("dist/assets/app.js"), "console.log(1);").unwrap();
    for fifo in [
        "index.html",
        "package.json",
        ".gitignore",
        ".ignore",
        "src/nested/.gitignore",
        "node_modules/dep/package.json",
        "dist/package.json",
        "dist/index.html",
        "perfscope.toml",
        "tsconfig.json",
    ] {
        mkfifo(&root.join(fifo));
    }
    let limit = Duration::from_secs(60);
    let run = perfscope_within(
        &[
            "analyze",
            "app",
            "--entry",
            "src/main.ts",
            "--format",
            "json",
        ],
        dir.path(),
        limit,
    );
    assert!(matches!(run.code, Some(0 | 1)), "{}", run.stderr);
    let run = perfscope_within(
        &["bundle", "app/dist", "--no-brotli", "--format", "json"],
        dir.path(),
        limit,
    );
    assert!(matches!(run.code, Some(0 | 1)), "{}", run.stderr);
    let run = perfscope_within(
        &[
            "report",
            "app",
            "--no-vitals",
            "--no-brotli",
            "--out",
            "out",
        ],
        dir.path(),
        limit,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let report = std::fs::read_to_string(dir.path().join("out/report.json")).unwrap();
    assert!(
        report.contains("not a regular file"),
        "the FIFOs are named in diagnostics"
    );
}

/// A garbage `index.html` (one 700 KB script URL) gives a short diagnostic.
#[test]
fn diagnostics_quote_at_most_a_short_excerpt_of_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("app");
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(root.join("src/main.ts"), "export {};\n").unwrap();
    let garbage = "A".repeat(700_000);
    std::fs::write(
        root.join("index.html"),
        format!("<script type=module src=\"/{garbage}\"></script>"),
    )
    .unwrap();
    let run = perfscope(&["analyze", "app", "--format", "json"], dir.path());
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let diagnostics = doc["diagnostics"].as_array().unwrap();
    let about = diagnostics
        .iter()
        .find(|d| d["path"] == "index.html")
        .expect("the missing script is reported");
    let message = about["message"].as_str().unwrap();
    assert!(
        message.chars().count() < 400,
        "{} characters",
        message.len()
    );
    assert!(message.contains('\u{2026}'), "{message}");
    assert!(
        run.stdout.len() < 100_000,
        "{} bytes of output",
        run.stdout.len()
    );
}

/// `diff` refuses a report of a newer schema, saying which it reads; a
/// broken report is named once, with the problem.
#[test]
fn diff_refuses_newer_schemas_and_names_broken_files_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("new.json"),
        r#"{"schema_version": 999, "kind": "report", "generated_by": "perfscope 9"}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("broken.json"),
        "{\"schema_version\": 1, \"kind\": ",
    )
    .unwrap();
    let run = perfscope(&["diff", "new.json", "new.json"], dir.path());
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("new.json")
            && run.stderr.contains("999")
            && run
                .stderr
                .contains(&format!("schema version {}", model::SCHEMA_VERSION)),
        "{}",
        run.stderr
    );
    let run = perfscope(&["diff", "broken.json", "broken.json"], dir.path());
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr.matches("EOF while parsing").count(),
        1,
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("broken.json"), "{}", run.stderr);
}

/// Config problems name the file relative to the root, with line and column,
/// once: a tsconfig `extends` loop, invalid JSON in a dependency's manifest.
#[test]
fn config_problems_name_the_file_and_the_problem_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("app");
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::create_dir_all(root.join("node_modules/bad")).unwrap();
    std::fs::write(
        root.join("package.json"),
        r#"{"dependencies": {"bad": "1"}}"#,
    )
    .unwrap();
    std::fs::write(
        root.join("tsconfig.json"),
        r#"{"extends": "./tsconfig.base.json"}"#,
    )
    .unwrap();
    std::fs::write(
        root.join("tsconfig.base.json"),
        r#"{"extends": "./tsconfig.json"}"#,
    )
    .unwrap();
    std::fs::write(
        root.join("node_modules/bad/package.json"),
        "{\"name\": \"bad\",\n  \"main\": ",
    )
    .unwrap();
    std::fs::write(
        root.join("src/main.ts"),
        "import bad from 'bad';\nimport './b';\nconsole.log(bad);\n",
    )
    .unwrap();
    std::fs::write(root.join("src/b.ts"), "export {};\n").unwrap();
    let run = perfscope(&["analyze", "app", "--format", "json"], dir.path());
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let text = doc["diagnostics"].to_string();
    let root_text = root.canonicalize().unwrap().display().to_string();
    assert!(!text.contains(&root_text), "absolute paths: {text}");
    assert!(!text.contains("JSONError"), "a debug dump: {text}");
    let find = |path: &str| {
        doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["path"] == path)
            .map(|d| d["message"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no diagnostic for {path}: {text}"))
    };
    let tsconfig = find("tsconfig.json");
    assert!(
        tsconfig.contains("tsconfig.json \u{2192} tsconfig.base.json \u{2192} tsconfig.json"),
        "{tsconfig}"
    );
    let manifest = find("node_modules/bad/package.json");
    assert!(manifest.contains("line 2, column"), "{manifest}");
    // The importer's diagnostic names the file; the problem is said once.
    assert_eq!(text.matches("EOF while parsing").count(), 1, "{text}");
}

/// Bundler metadata of the wrong shape is named, then the chunks are parsed.
#[test]
fn metadata_of_the_wrong_shape_is_reported_and_chunks_are_parsed() {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(dist.join(".vite")).unwrap();
    std::fs::write(dist.join(".vite/manifest.json"), r#"{"not": "a manifest"}"#).unwrap();
    std::fs::write(dist.join("stats.json"), r#"[1, 2, 3]"#).unwrap();
    std::fs::write(
        dist.join("index.html"),
        r#"<script type="module" src="/main.js"></script>"#,
    )
    .unwrap();
    std::fs::write(dist.join("main.js"), "import './dep.js';").unwrap();
    std::fs::write(dist.join("dep.js"), "console.log(1);").unwrap();
    let run = perfscope(
        &["bundle", "dist", "--no-brotli", "--format", "json"],
        dir.path(),
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["chunk_graph"], "parsed");
    let diagnostics = doc["diagnostics"].to_string();
    assert!(diagnostics.contains(".vite/manifest.json"), "{diagnostics}");
    assert!(diagnostics.contains("stats.json"), "{diagnostics}");
    assert!(
        diagnostics.contains("read from the chunks"),
        "{diagnostics}"
    );
    assert_eq!(
        doc["entries"][0]["assets"],
        serde_json::json!(["dep.js", "main.js"])
    );
}

/// The vitals fixture site (`fixtures/vitals/site`).
fn vitals_site() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/vitals/site")
}

/// One run of `perfscope vitals` on a page of the fixture site, in real
/// Chromium (Debian's `/usr/bin/chromium` or `CHROME_PATH`): without one
/// the command fails and so does the test; it never skips.
fn vitals_json(page: &str, cwd: &Path) -> (Run, serde_json::Value) {
    let site = vitals_site();
    let run = perfscope_within(
        &[
            "vitals",
            site.to_str().unwrap(),
            "--path",
            page,
            "--runs",
            "1",
            "--timeout",
            "20",
            "--format",
            "json",
        ],
        cwd,
        Duration::from_secs(60),
    );
    assert!(
        matches!(run.code, Some(0 | 1)),
        "{page}: perfscope vitals could not run (is Chromium installed? CHROME_PATH): {}",
        run.stderr
    );
    let doc = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{page}: one JSON document ({e}): {}", run.stderr));
    (run, doc)
}

/// A page that navigates away — to `about:blank`, to another origin, or
/// again and again (a reload loop) — fails its run, at once, with a
/// diagnostic saying where it went; a same-origin client redirect to another
/// page of the site is still followed and measured at its final document.
#[test]
fn a_page_that_navigates_away_fails_its_run() {
    let dir = tempfile::tempdir().unwrap();
    for (page, went) in [
        ("/hostile/away-blank.html", "navigated away to about:blank"),
        (
            "/hostile/away-origin.html",
            "navigated away to http://localhost:",
        ),
        (
            "/hostile/reload-loop.html",
            "navigated away to http://127.0.0.1:",
        ),
    ] {
        let started = Instant::now();
        let (run, doc) = vitals_json(page, dir.path());
        let text = doc["diagnostics"].to_string();
        assert!(text.contains(went), "{page}: {text}");
        assert!(text.contains("the run does not count"), "{page}: {text}");
        assert!(
            !text.contains("the final document was measured"),
            "{page}: {text}"
        );
        assert_eq!(doc["runs"][0]["complete"], false, "{page}: {text}");
        // No complete run: the budgets are not measured, so they fail.
        assert_eq!(run.code, Some(1), "{page}: {}", run.stderr);
        // It ends when it leaves, not after the settle rules' waits.
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{page}: took {:?}",
            started.elapsed()
        );
        if page.contains("loop") {
            assert!(
                text.contains("/hostile/reload-loop.html (client-side navigation 4;")
                    && text.contains("a loop"),
                "{text}"
            );
        }
    }
    // The control: a same-origin client redirect is followed.
    let (_, doc) = vitals_json("/hostile/navaway.html", dir.path());
    let text = doc["diagnostics"].to_string();
    assert!(!text.contains("navigated away"), "{text}");
    assert!(text.contains("redirected itself (client side)"), "{text}");
    assert_eq!(doc["runs"][0]["complete"], true, "{text}");
    assert!(
        doc["runs"][0]["final_url"]
            .as_str()
            .is_some_and(|u| u.ends_with("/index.html")),
        "{}",
        doc["runs"][0]
    );
}

/// A small project with a built `dist/` (one tiny script, under every default
/// budget) and the given files.
fn built_project(dir: &Path, files: &[(&str, &str)]) -> PathBuf {
    let root = dir.to_path_buf();
    std::fs::create_dir_all(root.join("dist/assets")).unwrap();
    std::fs::write(
        root.join("dist/index.html"),
        r#"<script type="module" src="/assets/main.js"></script>"#,
    )
    .unwrap();
    std::fs::write(root.join("dist/assets/main.js"), "console.log(1);").unwrap();
    if !files.iter().any(|(name, _)| *name == "package.json") {
        std::fs::write(root.join("package.json"), r#"{"name": "sizes"}"#).unwrap();
    }
    for (name, text) in files {
        std::fs::write(root.join(name), text).unwrap();
    }
    root
}

/// An absurd size limit in `perfscope.toml` (beyond any build, or a byte
/// count past `u64`) is a configuration error naming the rule, the key, the
/// value and the largest size accepted.
#[test]
fn absurd_sizes_in_perfscope_toml_name_the_value_and_the_maximum() {
    for (i, (toml, key, value)) in [
        (
            "[bundle]\nbudgets = [{ total = true, gzip = \"999999999999 TB\" }]\n",
            "gzip",
            "999999999999 TB",
        ),
        (
            "[[bundle.budgets]]\nname = \"main\"\nentry = \"index.html\"\nraw = \"99999999999999999999999\"\n",
            "raw",
            "99999999999999999999999",
        ),
        (
            "[[bundle.budgets]]\ntotal = true\ngzip = \"1 MB\"\n[[bundle.budgets]]\npath = \"assets/*.js\"\nbrotli = \"18446744073709551616 B\"\n",
            "brotli",
            "18446744073709551616 B",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let dir = tempfile::tempdir().unwrap();
        let root = built_project(dir.path(), &[("perfscope.toml", toml)]);
        for args in [
            &["bundle", "dist", "--no-brotli"][..],
            &["check", ".", "--no-source", "--no-vitals", "--no-brotli"][..],
        ] {
            let run = perfscope(args, &root);
            assert_eq!(run.code, Some(2), "case {i} {args:?}: {}", run.stderr);
            let err = &run.stderr;
            assert!(err.contains("perfscope.toml"), "case {i}: {err}");
            assert!(err.contains("[[bundle.budgets]] #"), "case {i}: {err}");
            assert!(
                err.contains(&format!("{key}: `{value}` is out of range")),
                "case {i}: {err}"
            );
            assert!(
                err.contains("the largest size accepted is 1000 TB"),
                "case {i}: {err}"
            );
            assert_eq!(err.matches("out of range").count(), 1, "said once: {err}");
        }
    }
    // The largest accepted is accepted.
    let dir = tempfile::tempdir().unwrap();
    let root = built_project(
        dir.path(),
        &[(
            "perfscope.toml",
            "[[bundle.budgets]]\ntotal = true\ngzip = \"1000 TB\"\n",
        )],
    );
    let run = perfscope(&["bundle", "dist", "--no-brotli"], &root);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

/// size-limit configuration with values of the wrong type (`"limit": 5`,
/// `"path": 3`, a `"size-limit"` that is no array) is never silently
/// dropped (the default budgets would judge instead, and a build over them
/// would exit 1 without a word about the user's limits): either a
/// configuration error (exit 2) naming the file and the key, or the item is
/// ignored with a diagnostic naming the file, the key and the type expected
/// (a string or an array), not "has no `path`".
#[test]
fn size_limit_values_of_the_wrong_type_are_never_silent() {
    for (i, (file, text, key)) in [
        (
            ".size-limit.json",
            r#"[{"path": "dist/assets/*.js", "limit": 5}]"#,
            "limit",
        ),
        (
            ".size-limit.json",
            r#"[{"path": 3, "limit": "10 KB"}]"#,
            "path",
        ),
        (
            "package.json",
            r#"{"name": "sizes", "size-limit": "x"}"#,
            "size-limit",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let dir = tempfile::tempdir().unwrap();
        let root = built_project(dir.path(), &[(file, text)]);
        let run = perfscope(
            &["bundle", "dist", "--no-brotli", "--format", "json"],
            &root,
        );
        match run.code {
            Some(2) => assert!(
                run.stderr.contains(file) && run.stderr.contains(key),
                "case {i}: exit 2 must name {file} and `{key}`: {}",
                run.stderr
            ),
            Some(0 | 1) => {
                let doc: serde_json::Value = serde_json::from_str(&run.stdout)
                    .unwrap_or_else(|e| panic!("case {i}: JSON ({e}): {}", run.stderr));
                let named = doc["diagnostics"].as_array().unwrap().iter().any(|d| {
                    let message = d["message"].as_str().unwrap();
                    d["path"] == file
                        && message.contains(key)
                        && (message.contains("string") || message.contains("array"))
                });
                assert!(
                    named,
                    "case {i}: {file} with a wrong `{key}` is dropped without a diagnostic naming it (exit {:?}): {}",
                    run.code, doc["diagnostics"]
                );
            }
            other => panic!("case {i}: exit {other:?}: {}", run.stderr),
        }
    }
}

/// Imports that leave the project or name a FIFO, and a tsconfig whose
/// `extends` loop (to itself, or through another file): nothing outside the
/// project is read, nothing blocks, and each gets a diagnostic naming the
/// specifier or the file and the problem.
#[cfg(unix)]
#[test]
fn escaping_imports_fifo_modules_and_extends_loops_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("app");
    std::fs::create_dir_all(root.join("src/lib")).unwrap();
    std::fs::write(
        root.join("package.json"),
        r#"{"name": "h", "private": true}"#,
    )
    .unwrap();
    std::fs::write(
        root.join("src/main.ts"),
        "import secrets from '../../../../../../../../etc/passwd';\n\
         import fifo from './lib/fifo';\n\
         import { ok } from './lib/ok';\n\
         console.log(secrets, fifo, ok);\n",
    )
    .unwrap();
    std::fs::write(root.join("src/lib/ok.ts"), "export const ok = 1;\n").unwrap();
    mkfifo(&root.join("src/lib/fifo.ts"));
    std::fs::write(
        root.join("tsconfig.json"),
        r#"{"extends": "./tsconfig.base.json", "compilerOptions": {"strict": true}}"#,
    )
    .unwrap();
    std::fs::write(
        root.join("tsconfig.base.json"),
        r#"{"extends": "./tsconfig.json"}"#,
    )
    .unwrap();
    let run = perfscope_within(
        &[
            "analyze",
            "app",
            "--entry",
            "src/main.ts",
            "--format",
            "json",
        ],
        dir.path(),
        Duration::from_secs(60),
    );
    assert!(matches!(run.code, Some(0 | 1)), "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let modules: Vec<&str> = doc["modules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        modules,
        ["src/lib/ok.ts", "src/main.ts"],
        "nothing outside is a module"
    );
    let diagnostics = doc["diagnostics"].to_string();
    let said = |path: &str, words: &[&str]| {
        doc["diagnostics"].as_array().unwrap().iter().any(|d| {
            let message = d["message"].as_str().unwrap();
            d["path"] == path && words.iter().all(|w| message.contains(w))
        })
    };
    assert!(
        said(
            "src/main.ts",
            &["../../../../../../../../etc/passwd", "leaves the project"]
        ),
        "{diagnostics}"
    );
    assert!(
        said(
            "src/main.ts",
            &["./lib/fifo", "src/lib/fifo.ts", "not a regular file"]
        ),
        "{diagnostics}"
    );
    assert!(
        said("tsconfig.json", &["circular", "tsconfig.base.json"]),
        "{diagnostics}"
    );

    // A tsconfig that extends itself.
    std::fs::remove_file(root.join("tsconfig.base.json")).unwrap();
    std::fs::write(
        root.join("tsconfig.json"),
        r#"{"extends": "./tsconfig.json"}"#,
    )
    .unwrap();
    let run = perfscope_within(
        &[
            "analyze",
            "app",
            "--entry",
            "src/main.ts",
            "--format",
            "json",
        ],
        dir.path(),
        Duration::from_secs(60),
    );
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let circular = doc["diagnostics"].as_array().unwrap().iter().any(|d| {
        d["path"] == "tsconfig.json" && d["message"].as_str().unwrap().contains("circular")
    });
    assert!(circular, "{}", doc["diagnostics"]);
}
