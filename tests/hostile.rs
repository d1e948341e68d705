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
            && run.stderr.contains("schema version 1"),
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
