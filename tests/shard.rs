//! `--shard K/N` and `perfscope merge` through the binary: on runs recorded
//! from real Chromium (the merge of the shards' JSON equals the unsharded
//! report), on real Chromium reached with `--browser-ws` (a browser this test
//! launches itself with `--remote-debugging-port`, left running), and the
//! errors of shards that do not fit together. The browser test runs
//! Chromium (`/usr/bin/chromium` or `CHROME_PATH`); without one it fails,
//! it never skips.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn perfscope(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_perfscope"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("perfscope runs")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "one JSON document ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

const PAGES: [&str; 6] = [
    "--page",
    "/",
    "--page",
    "/network.html",
    "--page",
    "/react-profiling.html",
];

/// `vitals --from-artifacts` of the recorded pages, with `extra` flags.
fn from_artifacts(extra: &[&str], cwd: &Path) -> Output {
    let dir = repo().join("fixtures/vitals/artifacts/pages");
    let mut args = vec!["vitals", "--from-artifacts", dir.to_str().unwrap()];
    args.extend(PAGES);
    args.extend(extra);
    args.extend(["--format", "json"]);
    perfscope(&args, cwd)
}

/// Writes each shard's JSON (`shard-K.json`) into `dir`.
fn write_shards(count: usize, dir: &Path) -> Vec<String> {
    (1..=count)
        .map(|k| {
            let spec = format!("{k}/{count}");
            let out = from_artifacts(&["--shard", &spec], dir);
            let name = format!("shard-{k}.json");
            std::fs::write(dir.join(&name), &out.stdout).unwrap();
            json(&out);
            name
        })
        .collect()
}

#[test]
fn merge_of_recorded_shards_equals_the_unsharded_report() {
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path();
    // The median run's coverage is a budget too (these runs were recorded
    // before the trace kept its task events: no main-thread work).
    std::fs::write(
        cwd.join("perfscope.toml"),
        "[vitals.budgets]\nunused_js = 0.99\n",
    )
    .unwrap();
    let unsharded = from_artifacts(&[], cwd);
    let whole = json(&unsharded);
    for page in std::iter::once(&whole).chain(whole["pages"].as_array().unwrap()) {
        let budget = page["budgets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["metric"] == "unused_js_share")
            .unwrap_or_else(|| panic!("no unused_js budget: {page:#}"));
        assert_eq!(budget["verdict"], "pass", "{budget:#}");
        assert!(budget["actual"].is_number(), "{budget:#}");
    }
    let names = write_shards(3, cwd);
    let mut args = vec!["merge"];
    args.extend(names.iter().map(String::as_str));
    args.extend(["-o", "merged"]);
    let out = perfscope(&args, cwd);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The same gate: the React page's slowest render (30 ms) fails the
    // default 16 ms budget, sharded or not.
    assert_eq!(unsharded.status.code(), Some(1));
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("slowest React render of /react-profiling.html"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    for file in ["report.html", "report.md", "report.json", "report.sarif"] {
        assert!(cwd.join("merged").join(file).is_file(), "{file}");
    }
    let merged: Value =
        serde_json::from_str(&std::fs::read_to_string(cwd.join("merged/report.json")).unwrap())
            .unwrap();
    assert_eq!(merged["vitals"]["status"], "ok", "{merged:#}");
    assert_eq!(merged["vitals"]["document"], whole);
    // The shard facts are gone from the merged report; its runs are all there.
    assert!(merged["vitals"]["document"].get("shard").is_none());
    assert_eq!(whole["runs"].as_array().unwrap().len(), 3);
    let headline = std::fs::read_to_string(cwd.join("merged/report.md")).unwrap();
    assert!(headline.contains("LCP"), "{headline}");
}

#[test]
fn shards_that_overlap_or_miss_are_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path();
    write_shards(2, cwd);
    let out = perfscope(&["merge", "shard-1.json", "shard-1.json", "-o", "m"], cwd);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("shard 1/2 is in both shard-1.json and shard-1.json: the shards overlap"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = perfscope(&["merge", "shard-2.json", "-o", "m"], cwd);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("shard 1/2 is missing"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Merging in a project whose budgets are not the shards'.
    std::fs::write(cwd.join("perfscope.toml"), "[vitals.budgets]\nlcp_ms = 1\n").unwrap();
    let out = perfscope(&["merge", "shard-1.json", "shard-2.json", "-o", "m"], cwd);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("other than the configuration merge reads"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!cwd.join("m").exists());
    let out = perfscope(&["vitals", "--shard", "3/2", "x"], cwd);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("between 1 and 2"));
}

/// A headless Chromium launched here, with its DevTools WebSocket URL.
struct OwnBrowser {
    child: std::process::Child,
    ws: String,
    _profile: tempfile::TempDir,
}

impl OwnBrowser {
    fn launch() -> OwnBrowser {
        let exe = std::env::var("CHROME_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let profile = tempfile::tempdir().unwrap();
        let mut command = Command::new(exe);
        command
            .args([
                "--headless=new",
                "--remote-debugging-port=0",
                "--no-first-run",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        // Chromium refuses its sandbox as root.
        if uid_is_root() {
            command.arg("--no-sandbox");
        }
        let mut child = command.arg("about:blank").spawn().expect("Chromium starts");
        let stderr = child.stderr.take().unwrap();
        let mut lines = BufReader::new(stderr).lines();
        let ws = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|l| {
                l.split("DevTools listening on ")
                    .nth(1)
                    .map(|s| s.trim().to_string())
            })
            .expect("Chromium prints its DevTools URL");
        // Keep draining stderr so Chromium never blocks on it.
        std::thread::spawn(move || for _ in lines {});
        OwnBrowser {
            child,
            ws,
            _profile: profile,
        }
    }
}

fn uid_is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl Drop for OwnBrowser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every `http://127.0.0.1:<port>` origin in a JSON value.
fn origins(value: &Value, out: &mut std::collections::BTreeSet<String>) {
    match value {
        Value::String(s) => {
            for (at, _) in s.match_indices("http://127.0.0.1:") {
                let rest = &s[at + "http://127.0.0.1:".len()..];
                let port: String = rest.chars().take_while(char::is_ascii_digit).collect();
                out.insert(format!("http://127.0.0.1:{port}"));
            }
        }
        Value::Array(items) => items.iter().for_each(|v| origins(v, out)),
        Value::Object(map) => map.values().for_each(|v| origins(v, out)),
        _ => {}
    }
}

#[test]
fn shards_measured_in_a_remote_browser_merge_onto_one_origin() {
    let mut browser = OwnBrowser::launch();
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path();
    let site = repo().join("fixtures/vitals/site");
    for k in 1..=2 {
        let spec = format!("{k}/2");
        let out = perfscope(
            &[
                "vitals",
                site.to_str().unwrap(),
                "--page",
                "/network.html",
                "--page",
                "/lcp.html",
                "--runs",
                "2",
                "--shard",
                &spec,
                "--browser-ws",
                &browser.ws,
                "--format",
                "json",
            ],
            cwd,
        );
        let doc = json(&out);
        // Shard k made run k-1 of each page (i = page × 2 + run).
        for page in std::iter::once(&doc).chain(doc["pages"].as_array().unwrap()) {
            let runs = page["runs"].as_array().unwrap();
            assert_eq!(runs.len(), 1, "{page:#}");
            assert_eq!(runs[0]["index"], k - 1);
            assert_eq!(runs[0]["complete"], true, "{page:#}");
        }
        std::fs::write(cwd.join(format!("shard-{k}.json")), &out.stdout).unwrap();
    }
    // perfscope left the browser it did not start running.
    assert!(browser.child.try_wait().unwrap().is_none());
    let out = perfscope(
        &["merge", "shard-2.json", "shard-1.json", "-o", "merged"],
        cwd,
    );
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let merged: Value =
        serde_json::from_str(&std::fs::read_to_string(cwd.join("merged/report.json")).unwrap())
            .unwrap();
    let doc = &merged["vitals"]["document"];
    assert_eq!(doc["path"], "/network.html");
    let indices: Vec<&Value> = doc["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["index"])
        .collect();
    assert_eq!(indices, [0, 1]);
    assert_eq!(doc["pages"][0]["runs"].as_array().unwrap().len(), 2);
    // Each shard served the folder on its own port: the merged page speaks
    // of one origin, so each finding is there once.
    let mut seen = std::collections::BTreeSet::new();
    let mut page = doc.clone();
    page["pages"] = Value::Null;
    origins(&page, &mut seen);
    assert_eq!(seen.len(), 1, "{seen:?}");
    let keys: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    assert!(!keys.is_empty());
    let mut unique = keys.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), keys.len(), "{keys:?}");
}
