//! Workers and out-of-process iframes in real Chromium (CHROME_PATH or
//! /usr/bin/chromium, one browser at a time): the checkout page of
//! `fixtures/vitals/site/embeds/` embeds a payment iframe (`localhost`)
//! and a reviews iframe (`widgets.localhost`), two other sites than the
//! page's `127.0.0.1`, so each gets its own renderer process; it starts a
//! classic search worker and a module suggestion worker. All of it is
//! served by perfscope's own server.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use model::vitals::{ChildTarget, Request, RunMetrics, VitalsReport};
use perfscope_vitals as vitals;
use vitals::browser::perfscope_chromium_processes;
use vitals::{Target, VitalsOptions};

static BROWSER: Mutex<()> = Mutex::new(());

fn lock() -> MutexGuard<'static, ()> {
    BROWSER.lock().unwrap_or_else(|p| p.into_inner())
}

fn site() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/vitals/site")
}

/// One run of the fixture site's page at `path`, within `timeout_s`.
fn one_run(path: &str, timeout_s: u64) -> VitalsOptions {
    VitalsOptions {
        runs: 1,
        path: path.into(),
        timeout: Duration::from_secs(timeout_s),
        ..VitalsOptions::default()
    }
}

/// The checkout page, with or without its children recorded.
fn measure(children: bool) -> VitalsReport {
    measure_with(&VitalsOptions {
        children,
        ..one_run("/embeds/checkout.html", 30)
    })
}

/// Measures, then checks that no Chromium was left behind.
fn measure_with(options: &VitalsOptions) -> VitalsReport {
    let report = vitals::run(&Target::Dir(site()), options).expect("vitals run");
    for _ in 0..30 {
        if perfscope_chromium_processes().is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(perfscope_chromium_processes().is_empty(), "Chromium left");
    report
}

fn diagnostics(report: &VitalsReport) -> String {
    report
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A URL's path (the server's port changes from run to run).
fn path(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.find('/').map_or("/", |i| &rest[i..])
}

/// The size of a fixture file served at `url`.
fn file_size(url: &str) -> u64 {
    std::fs::metadata(site().join(path(url).trim_start_matches('/')))
        .unwrap_or_else(|e| panic!("{url}: {e}"))
        .len()
}

fn child<'a>(run: &'a RunMetrics, kind: &str, url_end: &str) -> &'a ChildTarget {
    run.children
        .iter()
        .find(|c| c.kind == kind && c.url.ends_with(url_end))
        .unwrap_or_else(|| panic!("no {kind} {url_end}: {:#?}", run.children))
}

/// The child's requests by path, each checked: answered 200, the whole
/// file decoded, some bytes on the wire.
fn requests_of(child: &ChildTarget) -> Vec<&str> {
    let mut paths = Vec::new();
    for r in &child.requests {
        assert_eq!(r.status, Some(200), "{r:?}");
        assert_eq!(r.decoded_bytes, file_size(&r.url), "{r:?}");
        assert!(r.transfer_bytes > 0 && r.end_ms.is_some(), "{r:?}");
        paths.push(path(&r.url));
    }
    paths.sort();
    paths
}

#[test]
fn iframes_and_workers_list_their_requests_and_console_errors() {
    let _guard = lock();
    let report = measure(true);
    let run = &report.runs[0];
    assert!(run.complete, "{}", diagnostics(&report));
    assert!(!diagnostics(&report).contains("not recorded"));

    let pay = child(run, "iframe", "/embeds/pay/frame.html");
    assert!(pay.url.starts_with("http://localhost:"), "{}", pay.url);
    assert_eq!(
        requests_of(pay),
        [
            "/embeds/pay/config.json",
            "/embeds/pay/pay.css",
            "/embeds/pay/pay.js"
        ]
    );
    // Thrown and logged in the payment iframe, reported as its own.
    let [logged, thrown] = pay.console_errors.as_slice() else {
        panic!("{:?}", pay.console_errors);
    };
    assert_eq!(logged.source, "console.error");
    assert!(logged.message.contains("Apple Pay is not available"));
    assert_eq!(thrown.source, "exception");
    assert!(thrown.message.starts_with("TypeError"), "{thrown:?}");
    assert!(
        thrown
            .url
            .as_deref()
            .is_some_and(|u| u.ends_with("/pay/pay.js"))
    );

    let reviews = child(run, "iframe", "/embeds/reviews/frame.html");
    assert!(reviews.url.starts_with("http://widgets.localhost:"));
    assert_eq!(
        requests_of(reviews),
        [
            "/embeds/reviews/reviews.js",
            "/embeds/reviews/reviews.json",
            "/embeds/reviews/stars.svg"
        ]
    );
    assert!(reviews.console_errors.is_empty());

    let search = child(run, "worker", "/embeds/search-worker.js");
    assert_eq!(requests_of(search), ["/embeds/search-index.json"]);
    assert_eq!(search.requests[0].resource_type, "Fetch");
    let suggest = child(run, "worker", "/embeds/suggest-worker.js");
    // A module worker's static import loads on its own session too.
    assert_eq!(
        requests_of(suggest),
        ["/embeds/suggestions.json", "/embeds/tokenize.js"]
    );
    for c in [pay, reviews, search, suggest] {
        let sum: u64 = c.requests.iter().map(|r| r.transfer_bytes).sum();
        assert_eq!(c.transfer_bytes, sum);
    }
    assert_eq!(run.children.len(), 4);

    // The page's own list: what it requested, none of its children's.
    let mut own: Vec<&str> = run.requests.iter().map(|r| path(&r.url)).collect();
    own.sort();
    assert_eq!(
        own,
        [
            "/embeds/checkout.css",
            "/embeds/checkout.html",
            "/embeds/pay/frame.html",
            "/embeds/reviews/frame.html",
            "/embeds/search-worker.js",
            "/embeds/suggest-worker.js",
            "/favicon.ico"
        ]
    );
    assert!(run.console_errors.is_empty(), "{:?}", run.console_errors);
}

/// What the page's own records say, without the server's port.
fn own(run: &RunMetrics) -> Vec<(String, String, Option<u16>, u64)> {
    let mut list: Vec<_> = run
        .requests
        .iter()
        .map(|r: &Request| {
            (
                path(&r.url).to_string(),
                r.resource_type.clone(),
                r.status,
                r.decoded_bytes,
            )
        })
        .collect();
    list.sort();
    list
}

#[test]
fn recording_the_children_leaves_the_page_as_it_was() {
    let _guard = lock();
    let off = measure(false);
    let on = measure(true);
    let (a, b) = (&off.runs[0], &on.runs[0]);
    assert!(a.complete && b.complete, "{}", diagnostics(&off));
    assert!(a.children.is_empty());
    assert_eq!(b.children.len(), 4);
    // Without the second connection the children are only named.
    assert!(
        diagnostics(&off).contains(
            "the page started 2 out-of-process iframe(s) and 2 worker(s) (http://127.0.0.1:"
        ),
        "{}",
        diagnostics(&off)
    );
    // The same requests; the four the page handed to a child (the iframes'
    // documents, the workers' scripts) end on the child's session: only
    // with it recorded do they get their status and body.
    let handed = [
        "/embeds/pay/frame.html",
        "/embeds/reviews/frame.html",
        "/embeds/search-worker.js",
        "/embeds/suggest-worker.js",
    ];
    let (own_a, own_b) = (own(a), own(b));
    let kinds = |l: &[(String, String, Option<u16>, u64)]| -> Vec<(String, String)> {
        l.iter().map(|r| (r.0.clone(), r.1.clone())).collect()
    };
    assert_eq!(kinds(&own_a), kinds(&own_b));
    for (x, y) in own_a.iter().zip(&own_b) {
        if handed.contains(&x.0.as_str()) {
            assert_eq!(x.3, 0, "{x:?}");
            assert_eq!((y.2, y.3), (Some(200), file_size(&y.0)), "{y:?}");
        } else {
            assert_eq!(x, y);
        }
    }
    assert_eq!(a.console_errors, b.console_errors);
    // The same element is the LCP (its timings vary from load to load).
    let element = |r: &RunMetrics| {
        r.lcp_element
            .as_ref()
            .map(|e| (e.selector.clone(), e.url.clone(), e.size))
    };
    assert!(element(a).is_some());
    assert_eq!(element(a), element(b));
    assert_eq!(a.cls, b.cls);
    for run in [a, b] {
        assert!(run.fcp_ms.is_some() && run.lcp_ms.is_some() && run.tti_ms.is_some());
    }
}

/// A page that starts 60 workers: 50 are recorded, the others run
/// unrecorded and a diagnostic names them.
#[test]
fn a_page_with_sixty_workers_has_fifty_recorded() {
    let _guard = lock();
    let report = measure_with(&one_run("/hostile/workers.html", 40));
    let run = &report.runs[0];
    assert!(run.complete, "{}", diagnostics(&report));
    assert_eq!(run.children.len(), 50);
    for worker in &run.children {
        assert_eq!(worker.kind, "worker");
        assert_eq!(requests_of(worker), ["/hostile/echo.json"]);
    }
    assert!(
        diagnostics(&report).contains("the page started 10 worker(s)"),
        "{}",
        diagnostics(&report)
    );
}

/// The length of the function `name` in `source`: from its `function`
/// keyword to its closing brace, as V8's coverage ranges a function.
fn function_length(source: &str, name: &str) -> u64 {
    let start = source
        .find(&format!("function {name}"))
        .unwrap_or_else(|| panic!("no function {name}"));
    let mut depth = 0;
    for (i, c) in source[start..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return (i + 1) as u64;
                }
            }
            _ => {}
        }
    }
    panic!("function {name} never closes")
}

#[test]
fn iframes_and_workers_have_their_own_cpu_time_and_unused_code() {
    let _guard = lock();
    let report = measure(true);
    let run = &report.runs[0];
    assert!(run.complete, "{}", diagnostics(&report));

    // The search worker's planted work: edit distances between products.
    let search = child(run, "worker", "/embeds/search-worker.js");
    let cpu = search
        .cpu
        .as_ref()
        .unwrap_or_else(|| panic!("search worker not profiled: {}", diagnostics(&report)));
    let top = &cpu.functions[0];
    assert_eq!(top.name, "distance", "{:?}", cpu.functions);
    assert!(top.self_ms >= 20.0, "{top:?}");
    assert!(top.url.ends_with("/embeds/search-worker.js"));
    // Everything it ran, ran at load.
    assert_eq!(search.unused_js(), (file_size(&search.url), 0));

    // The payment iframe's card checks run only when the shopper types or
    // pays: exactly those functions' bytes are unused.
    let pay = child(run, "iframe", "/embeds/pay/frame.html");
    let source = std::fs::read_to_string(site().join("embeds/pay/pay.js")).unwrap();
    let planted: u64 = ["luhnValid", "brandOf", "onInput", "onSubmit"]
        .iter()
        .map(|f| function_length(&source, f))
        .sum();
    let script = pay
        .scripts
        .iter()
        .find(|s| s.url.ends_with("/embeds/pay/pay.js"))
        .unwrap_or_else(|| panic!("pay.js not covered: {:?}", pay.scripts));
    assert_eq!(script.total_bytes, source.len() as u64);
    assert_eq!(script.unused_bytes, planted);
    assert!(pay.cpu.is_some());

    // The module worker's import is covered on its own session.
    let suggest = child(run, "worker", "/embeds/suggest-worker.js");
    let mut covered: Vec<&str> = suggest.scripts.iter().map(|s| path(&s.url)).collect();
    covered.sort();
    assert_eq!(
        covered,
        ["/embeds/suggest-worker.js", "/embeds/tokenize.js"]
    );

    // The page's own coverage holds none of its children's scripts.
    let page = report.coverage.as_ref().expect("page coverage");
    assert!(
        page.scripts
            .iter()
            .all(|s| !s.url.contains("worker") && !s.url.contains("pay.js")),
        "{:?}",
        page.scripts.iter().map(|s| &s.url).collect::<Vec<_>>()
    );
}

/// A throttled load is throttled in its children too, as DevTools throttles
/// every target: with 400 ms of latency per request, every request the two
/// out-of-process iframes and the two workers make takes that long at
/// least, as the page's own do (the iframes are given the page's
/// conditions, the workers' requests go through the page's), no iframe
/// refused the throttling, and the workers are said to be unslowed.
#[test]
fn a_throttled_load_throttles_its_iframes_and_workers() {
    let _guard = lock();
    let latency_ms = 400.0;
    let report = measure_with(&VitalsOptions {
        throttling: vitals::profile::Throttling::Custom(vitals::profile::CustomThrottling {
            latency_ms,
            download_kbps: 0.0,
            upload_kbps: 0.0,
            cpu_slowdown: 2.0,
        }),
        ..one_run("/embeds/checkout.html", 40)
    });
    let run = &report.runs[0];
    assert!(run.complete, "{}", diagnostics(&report));
    assert!(
        !diagnostics(&report).contains("not applied"),
        "{}",
        diagnostics(&report)
    );
    assert_eq!(run.children.len(), 4, "{:#?}", run.children);
    let took = |r: &Request| r.end_ms.expect("ended") - r.start_ms;
    for r in &run.requests {
        if r.status == Some(200) {
            assert!(took(r) >= latency_ms - 1.0, "the page's own {r:?}");
        }
    }
    let mut seen = 0;
    for child in &run.children {
        for r in &child.requests {
            assert_eq!(r.status, Some(200), "{r:?}");
            assert!(
                took(r) >= latency_ms - 1.0,
                "{} {}: {r:?}",
                child.kind,
                child.url
            );
            seen += 1;
        }
    }
    assert_eq!(seen, 9, "{:#?}", run.children);
    // The workers were profiled at the machine's speed, and the outputs say so.
    assert!(
        run.children.iter().all(|c| c.cpu.is_some()),
        "{:#?}",
        run.children
    );
    assert!(report.profile.leaves_children_unslowed(&run.children));
}

/// A worker that closes itself long before the load settles (a statement
/// import parsed off the main thread) is still listed, and its missing
/// profile and coverage are said, not left blank.
#[test]
fn a_worker_that_ended_before_the_run_settled_is_said_to_have_ended() {
    let _guard = lock();
    let report = measure_with(&one_run("/settle/import.html", 30));
    let run = &report.runs[0];
    assert!(run.complete, "{}", diagnostics(&report));
    let worker = child(run, "worker", "/settle/csv-worker.js");
    assert!(
        worker.cpu.is_none() && worker.scripts.is_empty(),
        "{worker:#?}"
    );
    let said = diagnostics(&report);
    assert!(
        said.contains(&format!(
            "run 1: worker {}: its CPU time and unused code are not measured: it ended before the run settled",
            worker.url
        )),
        "{said}"
    );
    // The page's own work is measured as ever.
    assert!(report.cpu.is_some() && run.fcp_ms.is_some(), "{said}");
}
