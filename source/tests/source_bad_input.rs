//! Bad input never panics or hangs: each case gives a diagnostic naming the
//! file and the problem, and the rest of the graph is still analysed.
//! Committed cases live in `fixtures/bad-input/`; the 50 MB file, the symlink
//! loops and the unreadable files are made at test time in a temp folder.

mod common;
use common::*;

use std::path::{Path, PathBuf};

use model::Diagnostic;
use model::analyze::AnalyzeReport;
use perfscope_source::{AnalyzeOptions, SourceError, analyze};

fn fixture(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/bad-input")
        .join(case)
}

fn run(root: &Path, entries: &[&str]) -> Result<AnalyzeReport, SourceError> {
    let options = AnalyzeOptions {
        entries: entries.iter().map(|e| e.to_string()).collect(),
        ..AnalyzeOptions::default()
    };
    analyze(root, &options)
}

fn has_module(r: &AnalyzeReport, path: &str) -> bool {
    r.modules.iter().any(|m| m.path == path)
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

#[test]
fn syntax_error_gives_file_and_line_and_the_rest_is_analysed() {
    let r = run(&fixture("syntax-error"), &[]).expect("runs");
    assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
    let d = &r.diagnostics[0];
    assert_eq!((d.path.as_str(), d.line), ("src/broken.ts", Some(3)));
    assert!(d.message.starts_with("syntax error: "), "{}", d.message);
    assert!(has_module(&r, "src/leaf.ts"));
    assert_eq!(unused_files(&r), Vec::<String>::new());
}

#[test]
fn non_utf8_file_is_named_with_the_offset() {
    let r = run(&fixture("non-utf8"), &[]).expect("runs");
    assert_eq!(
        r.diagnostics,
        vec![Diagnostic::at_line(
            "src/latin1.ts",
            1,
            "not parsed: not valid UTF-8 (invalid byte at offset 6)"
        )]
    );
    let latin = r
        .modules
        .iter()
        .find(|m| m.path == "src/latin1.ts")
        .expect("node");
    assert_eq!(latin.bytes, 37);
}

#[test]
fn huge_minified_file_is_counted_not_parsed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "src/main.ts",
        "import { big } from './huge.min.js';\nconsole.log(big);\n",
    );
    let chunk = "var a=function(b){return b+1};";
    let mut huge = String::with_capacity(50 * 1024 * 1024 + chunk.len());
    while huge.len() < 50 * 1024 * 1024 {
        huge.push_str(chunk);
    }
    huge.push_str("export const big=a(1);");
    write(root, "src/huge.min.js", &huge);
    let r = run(root, &[]).expect("runs");
    let big = r
        .modules
        .iter()
        .find(|m| m.path == "src/huge.min.js")
        .expect("node");
    assert_eq!(big.bytes, huge.len() as u64);
    assert_eq!(
        r.diagnostics,
        vec![Diagnostic::new(
            "src/huge.min.js",
            "not parsed: 50.0 MB is above the 10.0 MB limit (`max_file_bytes`); its imports are not followed"
        )]
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_do_not_hang() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "package.json",
        r#"{ "name": "loops", "dependencies": { "loop-a": "1", "self-pkg": "1" } }"#,
    );
    write(
        root,
        "src/main.ts",
        "import 'loop-a';\nimport { x } from 'self-pkg/deep';\nimport { y } from './y';\nconsole.log(x, y);\n",
    );
    write(root, "src/y.ts", "export const y = 1;\n");
    std::fs::create_dir_all(root.join("node_modules")).expect("mkdir");
    symlink("loop-b", root.join("node_modules/loop-a")).expect("symlink");
    symlink("loop-a", root.join("node_modules/loop-b")).expect("symlink");
    symlink(".", root.join("node_modules/self-pkg")).expect("symlink");
    symlink("..", root.join("src/parent")).expect("symlink");
    let r = run(root, &[]).expect("runs");
    assert!(has_module(&r, "src/y.ts"));
    let messages: Vec<(&str, Option<u32>, &str)> = r
        .diagnostics
        .iter()
        .map(|d| (d.path.as_str(), d.line, d.message.as_str()))
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert_eq!(messages[0].0, "src/main.ts");
    assert_eq!(messages[0].1, Some(1));
    assert!(messages[0].2.contains("`loop-a`"), "{messages:?}");
    assert_eq!(messages[1].1, Some(2));
    assert!(messages[1].2.contains("`self-pkg`"), "{messages:?}");
    assert_eq!(unused_files(&r), Vec::<String>::new());
}

/// Root can read any file, so `chmod 000` proves nothing here. Unreadable
/// files are made three other ways: a dangling symlink, a folder where a
/// file is expected, and a file whose read fails (`/proc/self/mem` reads
/// fail with EIO at offset 0).
#[cfg(unix)]
#[test]
fn unreadable_files_are_diagnostics() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "src/main.ts",
        "import { gone } from './gone';\nimport { folder } from './folder.ts';\nimport { ok } from './ok';\nconsole.log(gone, folder, ok);\n",
    );
    write(root, "src/ok.ts", "export const ok = 1;\n");
    symlink("nowhere.ts", root.join("src/gone.ts")).expect("symlink");
    std::fs::create_dir_all(root.join("src/folder.ts")).expect("mkdir");
    symlink("/proc/self/mem", root.join("src/mem.ts")).expect("symlink");
    let r = run(root, &["src/main.ts", "src/mem.ts", "src/folder.ts"]).expect("runs");
    assert!(has_module(&r, "src/ok.ts"));
    let messages: Vec<String> = r
        .diagnostics
        .iter()
        .map(|d| format!("{}:{:?}: {}", d.path, d.line, d.message))
        .collect();
    assert_eq!(messages.len(), 4, "{messages:#?}");
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("src/folder.ts:None: entry `src/folder.ts` is not a file")),
        "{messages:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("src/main.ts:Some(1): cannot resolve `./gone`")),
        "{messages:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("src/main.ts:Some(2): cannot resolve `./folder.ts`")),
        "{messages:#?}"
    );
    // A symlink out of the project is never followed.
    assert!(
        messages.iter().any(|m| m
            .starts_with("src/mem.ts:None: entry `src/mem.ts` is outside the project; not read")),
        "{messages:#?}"
    );
}

#[test]
fn missing_entry_is_a_clear_error() {
    let err = run(&fixture("missing-entry"), &["src/nope.ts"]).expect_err("no entry");
    let text = err.to_string();
    assert!(text.contains("no entry module found"), "{text}");
    assert!(
        text.contains("entry `src/nope.ts` cannot be used: No such file"),
        "{text}"
    );

    // Discovery: package.json `main` names a file that does not exist.
    let err = run(&fixture("missing-entry"), &[]).expect_err("no entry");
    let text = err.to_string();
    assert!(
        text.contains("package.json#main points to `src/app.ts`, which does not exist"),
        "{text}"
    );

    // One good entry and one missing: the run goes on with a diagnostic.
    let r = run(&fixture("missing-entry"), &["src/lib.ts", "src/nope.ts"]).expect("runs");
    assert_eq!(r.entries.len(), 1);
    assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
    assert_eq!(r.diagnostics[0].path, "src/nope.ts");
}

#[test]
fn broken_tsconfig_is_named_and_relative_imports_still_resolve() {
    let r = run(&fixture("broken-tsconfig"), &[]).expect("runs");
    assert!(has_module(&r, "src/a.ts"));
    assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
    assert_eq!(r.diagnostics[0].path, "tsconfig.json");
    assert!(
        r.diagnostics[0]
            .message
            .starts_with("cannot be used: is not valid JSON: line"),
        "{:?}",
        r.diagnostics
    );
}

#[test]
fn broken_package_json_is_named_with_its_line() {
    let r = run(&fixture("broken-package-json"), &[]).expect("runs");
    assert!(has_module(&r, "src/a.ts"), "{:?}", r.diagnostics);
    assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
    let d = &r.diagnostics[0];
    assert_eq!(d.path, "package.json");
    assert!(d.line.is_some());
    assert!(d.message.contains("is not valid JSON"), "{d:?}");
}

#[test]
fn a_config_perfscope_cannot_run_is_named_and_defaults_are_assumed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(
        root,
        "package.json",
        r#"{"name":"app","private":true,"devDependencies":{"vite":"^6.0.0","vitest":"^3.0.0"}}"#,
    );
    write(
        root,
        "index.html",
        r#"<script type="module" src="/src/main.ts"></script>"#,
    );
    write(root, "src/main.ts", "import './app';\n");
    write(root, "src/app.ts", "export const app = 1;\n");
    write(
        root,
        "src/app.test.ts",
        "import { app } from './app';\napp;\n",
    );
    // The config comes from a factory: perfscope never runs it.
    write(
        root,
        "vite.config.ts",
        "import { createConfig } from '@acme/config';\nexport default createConfig(import.meta.dirname);\n",
    );
    let r = run(root, &[]).expect("runs");
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.path == "vite.config.ts")
        .unwrap_or_else(|| panic!("{:?}", r.diagnostics));
    assert!(
        d.message.contains("a call to `createConfig`") && d.message.contains("defaults"),
        "{d:?}"
    );
    // The defaults still find the tests, and nothing is unused.
    assert!(r.entries.iter().any(|e| e.path == "src/app.test.ts"));
    assert!(unused_files(&r).is_empty(), "{:?}", unused_files(&r));
}

#[test]
fn a_tsconfig_base_package_that_is_not_installed_is_named_by_its_specifier() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(
        root,
        "package.json",
        r#"{"name":"app","private":true,"main":"src/index.ts","devDependencies":{"@tsconfig/strictest":"^2.0.5"}}"#,
    );
    write(
        root,
        "tsconfig.json",
        r#"{ "extends": "@tsconfig/strictest/tsconfig.json", "compilerOptions": { "paths": { "@/*": ["./src/*"] } } }"#,
    );
    write(
        root,
        "src/index.ts",
        "import { a } from './a';\nexport { a };\n",
    );
    write(root, "src/a.ts", "export const a = 1;\n");
    let r = run(root, &[]).expect("runs");
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.message.contains("@tsconfig/strictest/tsconfig.json"))
        .unwrap_or_else(|| panic!("{:?}", r.diagnostics));
    // Not a file path pretending to be one.
    assert_eq!(d.path, "");
    assert!(d.message.contains("not installed"), "{d:?}");
    // Relative imports still resolve.
    assert!(has_module(&r, "src/a.ts"));
    assert!(unused_files(&r).is_empty(), "{:?}", unused_files(&r));
}
