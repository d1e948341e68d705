//! `[vitals] start` in real Chromium: perfscope starts the app's own server
//! on a free 127.0.0.1 port (here `perfscope serve` over the fixture app's
//! committed build, as a framework's `start` script would be), measures two
//! pages, and stops it. A start command that fails is an error naming its
//! log. These run Chromium (Debian's `/usr/bin/chromium` or `CHROME_PATH`);
//! without one they fail, they never skip.

use std::path::PathBuf;
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn start_measures_two_pages_of_the_started_server_then_stops_it() {
    let bin = env!("CARGO_BIN_EXE_perfscope");
    let dist = repo().join("fixtures/shop-app/dist");
    let cwd = tempfile::tempdir().expect("tmp");
    let start = format!("'{bin}' serve '{}' --port {{port}}", dist.display());
    let out = Command::new(bin)
        .args([
            "vitals",
            "--start",
            &start,
            "--page",
            "/",
            "--page",
            "/#reports",
        ])
        .args(["--runs", "1", "--format", "json"])
        .current_dir(cwd.path())
        .output()
        .expect("perfscope runs");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "one JSON document ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(doc["path"], "/");
    let url = doc["url"].as_str().expect("url");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let pages = doc["pages"].as_array().expect("pages");
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0]["path"], "/#reports");
    assert!(
        pages[0]["url"]
            .as_str()
            .is_some_and(|u| u.ends_with("/#reports"))
    );
    for page in [&doc, &pages[0]] {
        let fcp = page["runs"][0]["fcp_ms"].as_f64();
        assert!(fcp.is_some_and(|v| v > 0.0), "{page:#}");
    }
    // Every budget names its page.
    let budgets: Vec<&str> = doc["budgets"]
        .as_array()
        .expect("budgets")
        .iter()
        .chain(pages[0]["budgets"].as_array().expect("budgets"))
        .filter_map(|b| b["name"].as_str())
        .collect();
    assert!(budgets.contains(&"FCP of /"), "{budgets:?}");
    assert!(budgets.contains(&"FCP of /#reports"), "{budgets:?}");
    // The server is gone: its port no longer answers.
    let port: u16 = url
        .trim_start_matches("http://127.0.0.1:")
        .split('/')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}

#[test]
fn a_start_command_that_exits_is_an_error_naming_its_log() {
    let cwd = tempfile::tempdir().expect("tmp");
    let out = Command::new(env!("CARGO_BIN_EXE_perfscope"))
        .args([
            "vitals",
            "--start",
            "echo 'no server here' >&2; exit 3",
            "--runs",
            "1",
        ])
        .current_dir(cwd.path())
        .output()
        .expect("perfscope runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("[vitals] start"), "{stderr}");
    assert!(stderr.contains("no server here"), "{stderr}");
    assert!(stderr.contains(".log"), "{stderr}");
}
