//! `action/comment.mjs`, the GitHub Action's sticky pull-request comment,
//! against a local stand-in for the GitHub REST API (127.0.0.1, in this test):
//! it creates the comment once, then updates the same one, finds it beyond
//! the first page of comments, and falls back to the job summary when the
//! token may not write. Needs Node.js: without it the tests fail (`.ci/run`
//! installs it), they are never skipped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

const MARKER: &str = "<!-- perfscope -->";
const TOKEN: &str = "test-token";
const REPO: &str = "acme/shop";
const PR: u64 = 7;

#[derive(Clone, Debug)]
struct Comment {
    id: u64,
    body: String,
}

#[derive(Default)]
struct State {
    comments: Vec<Comment>,
    next_id: u64,
    /// `METHOD path?query` of every request, in order.
    calls: Vec<String>,
    /// Answer 403 to POST and PATCH (a read-only token).
    forbid_writes: bool,
    /// Answer 500 to everything.
    broken: bool,
}

/// A tiny GitHub REST API: the issue comments of one pull request.
struct FakeGitHub {
    state: Arc<Mutex<State>>,
    url: String,
}

impl FakeGitHub {
    fn start(comments: Vec<Comment>) -> FakeGitHub {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let next_id = comments.iter().map(|c| c.id).max().unwrap_or(1000) + 1;
        let state = Arc::new(Mutex::new(State {
            comments,
            next_id,
            ..State::default()
        }));
        let (shared, base) = (state.clone(), url.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { break };
                let (shared, base) = (shared.clone(), base.clone());
                std::thread::spawn(move || serve(stream, &shared, &base));
            }
        });
        FakeGitHub { state, url }
    }

    fn calls(&self) -> Vec<String> {
        self.state.lock().unwrap().calls.clone()
    }

    fn comments(&self) -> Vec<Comment> {
        self.state.lock().unwrap().comments.clone()
    }
}

/// One request per connection (`Connection: close`).
fn serve(stream: TcpStream, state: &Mutex<State>, base: &str) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let mut length = 0;
    let mut auth = String::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).unwrap();
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':').unwrap();
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().unwrap(),
            "authorization" => auth = value.trim().to_string(),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    let (status, link, answer) = route(state, base, &method, &target, &auth, &body);
    let text = answer.to_string();
    let mut stream = stream;
    let link = link.map_or(String::new(), |l| format!("Link: {l}\r\n"));
    write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{link}Connection: close\r\n\r\n{text}",
        text.len()
    )
    .unwrap();
}

fn route(
    state: &Mutex<State>,
    base: &str,
    method: &str,
    target: &str,
    auth: &str,
    body: &[u8],
) -> (u16, Option<String>, Value) {
    let mut s = state.lock().unwrap();
    s.calls.push(format!("{method} {target}"));
    if auth != format!("Bearer {TOKEN}") {
        return (401, None, json!({"message": "Bad credentials"}));
    }
    if s.broken {
        return (500, None, json!({"message": "Server Error"}));
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let list = format!("/repos/{REPO}/issues/{PR}/comments");
    let comment_prefix = format!("/repos/{REPO}/issues/comments/");
    let new_body = || -> String {
        let v: Value = serde_json::from_slice(body).expect("a JSON request body");
        v["body"].as_str().expect("a body field").to_string()
    };
    let answer = |c: &Comment| json!({"id": c.id, "body": c.body, "html_url": format!("https://github.com/{REPO}/pull/{PR}#issuecomment-{}", c.id)});
    match method {
        "GET" if path == list => {
            let param = |name: &str| {
                query
                    .split('&')
                    .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
                    .map(|v| v.parse::<usize>().unwrap())
            };
            let per_page = param("per_page").unwrap_or(30);
            let page = param("page").unwrap_or(1);
            let start = (page - 1) * per_page;
            let items: Vec<Value> = s
                .comments
                .iter()
                .skip(start)
                .take(per_page)
                .map(answer)
                .collect();
            let link = (start + per_page < s.comments.len()).then(|| {
                format!(
                    "<{base}{list}?per_page={per_page}&page={}>; rel=\"next\", <{base}{list}?per_page={per_page}&page=1>; rel=\"first\"",
                    page + 1
                )
            });
            (200, link, Value::Array(items))
        }
        "POST" | "PATCH" if s.forbid_writes => (
            403,
            None,
            json!({"message": "Resource not accessible by integration"}),
        ),
        "POST" if path == list => {
            let c = Comment {
                id: s.next_id,
                body: new_body(),
            };
            s.next_id += 1;
            s.comments.push(c.clone());
            (201, None, answer(&c))
        }
        "PATCH" if path.starts_with(&comment_prefix) => {
            let id: u64 = path[comment_prefix.len()..].parse().unwrap();
            let text = new_body();
            match s.comments.iter_mut().find(|c| c.id == id) {
                Some(c) => {
                    c.body = text;
                    let c = c.clone();
                    (200, None, answer(&c))
                }
                None => (404, None, json!({"message": "Not Found"})),
            }
        }
        _ => (404, None, json!({"message": "Not Found"})),
    }
}

fn require_node() {
    let found = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "`node --version` failed: tests/action_comment.rs needs Node.js on PATH \
         (Debian: apt-get install nodejs; .ci/run installs it)"
    );
}

struct Run<'a> {
    dir: &'a Path,
    api: &'a str,
    body: &'a str,
    event: Value,
    summary: Option<PathBuf>,
}

impl Run<'_> {
    fn go(&self) -> Output {
        let body = self.dir.join("report.md");
        std::fs::write(&body, self.body).unwrap();
        let event = self.dir.join("event.json");
        std::fs::write(&event, self.event.to_string()).unwrap();
        let mut cmd = Command::new("node");
        cmd.arg(concat!(env!("CARGO_MANIFEST_DIR"), "/action/comment.mjs"))
            .arg(&body)
            .env("GITHUB_API_URL", self.api)
            .env("GITHUB_TOKEN", TOKEN)
            .env("GITHUB_REPOSITORY", REPO)
            .env("GITHUB_EVENT_PATH", &event)
            .env("GITHUB_EVENT_NAME", "pull_request")
            // Node 18 prints a warning for the then-experimental fetch.
            .env("NODE_NO_WARNINGS", "1");
        // Never the real job summary when these tests run in GitHub Actions.
        match &self.summary {
            Some(path) => cmd.env("GITHUB_STEP_SUMMARY", path),
            None => cmd.env_remove("GITHUB_STEP_SUMMARY"),
        };
        cmd.output().expect("node runs")
    }
}

fn pr_event(fork: bool) -> Value {
    let head = if fork { "someone/shop" } else { REPO };
    json!({
        "pull_request": {
            "number": PR,
            "head": {"repo": {"full_name": head, "fork": fork}},
            "base": {"repo": {"full_name": REPO, "fork": false}}
        }
    })
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_exit(out: &Output, code: i32, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{what}: {:?}\nstdout: {}\nstderr: {}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
}

fn marked(comments: &[Comment]) -> Vec<&Comment> {
    comments
        .iter()
        .filter(|c| c.body.contains(MARKER))
        .collect()
}

#[test]
fn creates_the_comment_once_then_updates_it() {
    require_node();
    let tmp = tempfile::tempdir().unwrap();
    let gh = FakeGitHub::start(vec![Comment {
        id: 1,
        body: "LGTM".into(),
    }]);
    let list = format!("GET /repos/{REPO}/issues/{PR}/comments?per_page=100&page=1");

    let first = Run {
        dir: tmp.path(),
        api: &gh.url,
        body: "## perfscope\n\ninitial JS 57.3 KB\n",
        event: pr_event(false),
        summary: None,
    }
    .go();
    assert_exit(&first, 0, "first run");
    assert_eq!(
        gh.calls(),
        [
            list.clone(),
            format!("POST /repos/{REPO}/issues/{PR}/comments")
        ]
    );
    let comments = gh.comments();
    assert_eq!(comments.len(), 2);
    let created = marked(&comments);
    assert_eq!(created.len(), 1);
    assert_eq!(
        created[0].body,
        format!("{MARKER}\n## perfscope\n\ninitial JS 57.3 KB\n")
    );
    let id = created[0].id;
    assert!(text(&first.stdout).contains(&format!(
        "created the pull-request comment https://github.com/{REPO}/pull/{PR}#issuecomment-{id}"
    )));

    // The second push: a body that already holds the marker (twice) still
    // gets exactly one, and the same comment is edited.
    let second = Run {
        dir: tmp.path(),
        api: &gh.url,
        body: &format!("{MARKER}\n## perfscope\n\ninitial JS 61 KB (+6%)\n{MARKER}\n"),
        event: pr_event(false),
        summary: None,
    }
    .go();
    assert_exit(&second, 0, "second run");
    assert_eq!(
        gh.calls()[2..],
        [list, format!("PATCH /repos/{REPO}/issues/comments/{id}")]
    );
    let comments = gh.comments();
    assert_eq!(
        comments.len(),
        2,
        "still one perfscope comment: {comments:?}"
    );
    let updated = marked(&comments);
    assert_eq!(updated.len(), 1);
    assert_eq!(updated[0].id, id);
    assert_eq!(updated[0].body.matches(MARKER).count(), 1);
    assert!(updated[0].body.starts_with(MARKER));
    assert!(updated[0].body.contains("61 KB (+6%)") && !updated[0].body.contains("57.3 KB"));
    assert_eq!(comments[0].body, "LGTM", "other comments are left alone");
}

#[test]
fn finds_the_comment_beyond_the_first_page() {
    require_node();
    let tmp = tempfile::tempdir().unwrap();
    // 120 other comments, the perfscope one 111th: on page 2 of 100.
    let mut comments: Vec<Comment> = (1..=120)
        .map(|id| Comment {
            id,
            body: format!("comment {id}"),
        })
        .collect();
    comments.insert(
        110,
        Comment {
            id: 500,
            body: format!("{MARKER}\nold report"),
        },
    );
    let gh = FakeGitHub::start(comments);
    let out = Run {
        dir: tmp.path(),
        api: &gh.url,
        body: "new report",
        event: pr_event(false),
        summary: None,
    }
    .go();
    assert_exit(&out, 0, "run with 121 comments");
    assert_eq!(
        gh.calls(),
        [
            format!("GET /repos/{REPO}/issues/{PR}/comments?per_page=100&page=1"),
            format!("GET /repos/{REPO}/issues/{PR}/comments?per_page=100&page=2"),
            format!("PATCH /repos/{REPO}/issues/comments/500"),
        ]
    );
    let comments = gh.comments();
    assert_eq!(comments.len(), 121);
    let ours = marked(&comments);
    assert_eq!(ours.len(), 1);
    assert_eq!(ours[0].id, 500);
    assert_eq!(ours[0].body, format!("{MARKER}\nnew report"));
}

#[test]
fn a_token_that_cannot_write_gets_the_job_summary_and_exit_0() {
    require_node();
    let tmp = tempfile::tempdir().unwrap();
    let gh = FakeGitHub::start(vec![]);
    gh.state.lock().unwrap().forbid_writes = true;
    let summary = tmp.path().join("summary.md");
    std::fs::write(&summary, "# earlier step\n").unwrap();
    let out = Run {
        dir: tmp.path(),
        api: &gh.url,
        body: "## perfscope\n\nbudgets pass\n",
        event: pr_event(false),
        summary: Some(summary.clone()),
    }
    .go();
    assert_exit(&out, 0, "403 on POST");
    assert_eq!(
        gh.calls(),
        [
            format!("GET /repos/{REPO}/issues/{PR}/comments?per_page=100&page=1"),
            format!("POST /repos/{REPO}/issues/{PR}/comments"),
        ]
    );
    assert!(gh.comments().is_empty(), "no comment was created");
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(
        written.starts_with("# earlier step\n")
            && written.contains("## perfscope\n\nbudgets pass\n"),
        "the body is appended to the job summary: {written}"
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("::notice") && stdout.contains("pull-requests: write"),
        "a notice says why: {stdout}"
    );
}

#[test]
fn a_fork_pull_request_does_not_try_to_write() {
    require_node();
    let tmp = tempfile::tempdir().unwrap();
    let gh = FakeGitHub::start(vec![]);
    let summary = tmp.path().join("summary.md");
    let out = Run {
        dir: tmp.path(),
        api: &gh.url,
        body: "from a fork",
        event: pr_event(true),
        summary: Some(summary.clone()),
    }
    .go();
    assert_exit(&out, 0, "fork pull request");
    assert!(gh.calls().is_empty(), "no API call: {:?}", gh.calls());
    assert!(
        std::fs::read_to_string(&summary)
            .unwrap()
            .contains("from a fork")
    );
    assert!(text(&out.stdout).contains("fork"), "{}", text(&out.stdout));
}

#[test]
fn other_errors_exit_1_with_the_reason() {
    require_node();
    let tmp = tempfile::tempdir().unwrap();
    let gh = FakeGitHub::start(vec![]);
    gh.state.lock().unwrap().broken = true;
    let summary = tmp.path().join("summary.md");
    let out = Run {
        dir: tmp.path(),
        api: &gh.url,
        body: "x",
        event: pr_event(false),
        summary: Some(summary.clone()),
    }
    .go();
    assert_exit(&out, 1, "a server error");
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("perfscope comment: GET ") && stderr.contains("HTTP 500: Server Error"),
        "{stderr}"
    );
    assert!(
        !summary.exists(),
        "a server error is no reason to fall back"
    );

    // A pull request that does not exist: 404 on the list is an error, not
    // a fallback (only writes answered 403 or 404 fall back).
    let missing = FakeGitHub::start(vec![]);
    let mut event = pr_event(false);
    event["pull_request"]["number"] = json!(8);
    let out = Run {
        dir: tmp.path(),
        api: &missing.url,
        body: "x",
        event,
        summary: None,
    }
    .go();
    assert_exit(&out, 1, "a pull request that does not exist");
    assert!(
        text(&out.stderr).contains(&format!("pull request #8 of {REPO} not found")),
        "{}",
        text(&out.stderr)
    );
}
