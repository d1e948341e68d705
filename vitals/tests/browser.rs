//! Real-browser tests: Chromium (CHROME_PATH or /usr/bin/chromium) loads the
//! pages of `fixtures/vitals/site` through perfscope's own server. They assert
//! ranges, never exact times. Tests take a global lock so that only one
//! browser runs at a time (CI has 2 cores), and every test checks that no
//! Chromium process perfscope launched is left behind.

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use model::vitals::VitalsReport;
use perfscope_vitals as vitals;
use vitals::browser::{ChromiumProcess, LaunchOptions, perfscope_chromium_processes};
use vitals::{ProfileName, Target, VitalsOptions};

static BROWSER: Mutex<()> = Mutex::new(());

fn lock() -> MutexGuard<'static, ()> {
    BROWSER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn site() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/vitals/site")
}

fn options(path: &str, runs: usize) -> VitalsOptions {
    VitalsOptions {
        runs,
        path: path.into(),
        timeout: Duration::from_secs(20),
        test_api: true,
        ..VitalsOptions::default()
    }
}

/// Waits (up to 3 s) until no Chromium launched by perfscope is alive.
fn assert_no_chromium_left() {
    let start = Instant::now();
    loop {
        let left = perfscope_chromium_processes();
        if left.is_empty() {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "Chromium processes left behind: {left:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn measure(path: &str, runs: usize) -> VitalsReport {
    let report = vitals::run(&Target::Dir(site()), &options(path, runs)).expect("vitals run");
    assert_no_chromium_left();
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

#[test]
fn simple_page_two_runs_median_spread_and_artifacts_round_trip() {
    let _guard = lock();
    let artifacts = tempfile::tempdir().unwrap();
    let mut opts = options("/", 2);
    opts.save_artifacts = Some(artifacts.path().to_path_buf());
    let report = vitals::run(&Target::Dir(site()), &opts).unwrap();
    assert_no_chromium_left();
    assert_eq!(report.kind, "vitals");
    assert_eq!(report.runs.len(), 2);
    for run in &report.runs {
        assert!(run.complete, "{}", diagnostics(&report));
        let fcp = run.fcp_ms.unwrap();
        assert!((1.0..5000.0).contains(&fcp), "fcp {fcp}");
        assert!(run.lcp_ms.unwrap() >= fcp);
        assert!(run.tti_ms.unwrap() >= fcp);
        assert!(run.ttfb_ms.unwrap() > 0.0 && run.ttfb_ms.unwrap() <= fcp);
        assert_eq!(run.cls, Some(0.0));
        assert!(run.js_heap_max_bytes.unwrap() > 100_000);
        let doc = run
            .requests
            .iter()
            .find(|r| r.resource_type == "Document")
            .unwrap();
        assert_eq!(doc.status, Some(200));
        assert_eq!(doc.content_encoding.as_deref(), Some("br"));
        assert!(doc.transfer_bytes > 0 && doc.decoded_bytes > 0);
    }
    assert!(report.median_index.is_some());
    assert_eq!(report.spread.fcp_ms.as_ref().unwrap().n, 2);
    assert!(
        report.budgets.iter().all(|b| b.passes()),
        "{:?}",
        report.budgets
    );
    // The same numbers come back from the saved artifacts, without a browser.
    let again =
        vitals::from_artifacts(artifacts.path(), &vitals::VitalsOptions::default()).unwrap();
    assert_eq!(again, report);
}

#[test]
fn late_big_image_is_the_lcp() {
    let _guard = lock();
    let report = measure("/lcp.html", 1);
    let run = &report.runs[0];
    let (fcp, lcp) = (run.fcp_ms.unwrap(), run.lcp_ms.unwrap());
    assert!((800.0..5000.0).contains(&lcp), "lcp {lcp}");
    assert!(lcp > fcp + 500.0, "fcp {fcp} lcp {lcp}");
    // The LCP element is the image, with Lighthouse's phases that add up to it.
    let el = run.lcp_element.as_ref().expect("LCP element");
    assert_eq!(el.selector.as_deref(), Some("img#hero"), "{el:?}");
    assert!(el.url.as_deref().unwrap().ends_with("/hero.png"), "{el:?}");
    let (ttfb, delay, load, render) = (
        el.ttfb_ms.unwrap(),
        el.load_delay_ms.unwrap(),
        el.load_time_ms.unwrap(),
        el.render_delay_ms.unwrap(),
    );
    // The request starts after the 800 ms timer.
    assert!(delay >= 700.0, "{el:?}");
    let sum = ttfb + delay + load + render;
    assert!((sum - lcp).abs() < 5.0, "phases {sum} vs lcp {lcp}: {el:?}");
}

#[test]
fn layout_shift_of_known_size() {
    let _guard = lock();
    let report = measure("/shifts.html", 1);
    // 0.75 impact × 235/1350 distance ≈ 0.1306 at the desktop viewport.
    let cls = report.runs[0].cls.unwrap();
    assert!((0.11..0.15).contains(&cls), "cls {cls}");
    // The culprit is the block that moved, named by its selector.
    let culprits = &report.runs[0].shift_culprits;
    assert_eq!(culprits.len(), 1, "{culprits:?}");
    assert!(
        culprits[0].nodes.iter().any(|n| n == "div#block"),
        "{culprits:?}"
    );
}

#[test]
fn planted_long_tasks_tbt_and_tti() {
    let _guard = lock();
    let report = measure("/longtasks.html", 1);
    let run = &report.runs[0];
    let planted: Vec<_> = run
        .long_tasks
        .iter()
        .filter(|t| {
            t.url
                .as_deref()
                .is_some_and(|u| u.ends_with("/longtasks.js"))
        })
        .collect();
    assert_eq!(planted.len(), 2, "{:?}", run.long_tasks);
    assert!(
        (118.0..180.0).contains(&planted[0].duration_ms),
        "{:?}",
        planted[0]
    );
    assert!(
        (198.0..280.0).contains(&planted[1].duration_ms),
        "{:?}",
        planted[1]
    );
    // TBT ≥ 70 + 150 ms from the planted tasks; TTI after the last one.
    let tbt = run.tbt_ms.unwrap();
    assert!((215.0..600.0).contains(&tbt), "tbt {tbt}");
    let last_end = planted[1].start_ms + planted[1].duration_ms;
    assert!(run.tti_ms.unwrap() >= last_end - 1.0);
}

#[test]
fn network_patterns_and_console_errors() {
    let _guard = lock();
    let report = measure("/network.html", 1);
    let kinds = |kind: &str| {
        report
            .findings
            .iter()
            .filter(|f| f.kind.id() == kind)
            .collect::<Vec<_>>()
    };
    let n1 = kinds("n-plus-one");
    assert_eq!(n1.len(), 1, "{:?}", report.findings);
    assert!(n1[0].subject.ends_with("/api/items/{id}"));
    assert!(n1[0].message.starts_with("8 requests"));
    let waterfall = kinds("waterfall");
    assert_eq!(waterfall.len(), 1, "{:?}", report.findings);
    // Under load, a parallel N+1 response can land closer to `second`'s start
    // than `first`'s did; the chain's head is then ambiguous, its tail is not.
    assert!(
        waterfall[0]
            .message
            .contains("→ /api/items/second → /api/items/third"),
        "{}",
        waterfall[0].message
    );
    assert!(
        kinds("slow-api")
            .iter()
            .any(|f| f.subject.ends_with("/api/slow"))
    );
    let errors = &report.runs[0].console_errors;
    assert!(
        errors
            .iter()
            .any(|e| e.source == "console.error" && e.message == "planted console error")
    );
    assert!(
        errors
            .iter()
            .any(|e| e.source == "exception" && e.message.contains("planted uncaught exception"))
    );
    let api = report.runs[0]
        .requests
        .iter()
        .filter(|r| r.url.contains("/api/items/"))
        .count();
    assert_eq!(api, 11);
}

#[test]
fn react_profiling_build_reports_the_slow_component() {
    let _guard = lock();
    let report = measure("/react-profiling.html", 1);
    let react = &report.react;
    assert!(react.detected && react.profiling, "{react:?}");
    assert!(react.commits >= 2);
    // `Slow` busy-waits 30 ms per render. On a loaded machine another
    // component's self time can cross 16 ms too, so require `Slow` and that it
    // is the slowest, rather than that it is alone.
    let slow = react
        .slow_renders
        .iter()
        .find(|r| r.component == "Slow")
        .unwrap_or_else(|| panic!("Slow not reported: {:?}", react.slow_renders));
    assert!(
        react
            .slow_renders
            .iter()
            .all(|r| r.component == "Slow" || r.max_ms < slow.max_ms),
        "{:?}",
        react.slow_renders
    );
    assert_eq!(slow.count, 2);
    assert!((29.0..300.0).contains(&slow.max_ms), "{slow:?}");
    let budget = report
        .budgets
        .iter()
        .find(|b| b.metric == model::MetricId::Render)
        .unwrap();
    assert!(!budget.passes());
}

/// `react-load/` (built from `fixtures/vitals/react-load/`): React's
/// profiling build with a source map; the first render spends planted time
/// in the app's own `FareTable` (sorts 40,000 fares) and in `qrcode.react`'s
/// `QRCodeSVG` (24 boarding passes at the highest error correction).
#[test]
fn react_at_load_is_told_by_defining_module_and_package() {
    let _guard = lock();
    let report = measure("/react-load/", 1);
    let react = &report.react;
    assert!(react.profiling, "{react:?}");
    let find = |name: &str| {
        react
            .components
            .iter()
            .find(|c| c.component == name)
            .unwrap_or_else(|| panic!("{name} not listed: {:?}", react.components))
    };
    let qr = find("QRCodeSVG");
    assert_eq!(qr.package.as_deref(), Some("qrcode.react"), "{qr:?}");
    assert!(
        qr.module
            .as_deref()
            .unwrap()
            .ends_with("node_modules/qrcode.react/lib/esm/index.js"),
        "{qr:?}"
    );
    assert_eq!(qr.count, 24);
    let fares = find("FareTable");
    assert!(
        fares
            .module
            .as_deref()
            .unwrap()
            .ends_with("src/components/FareTable.jsx"),
        "{fares:?}"
    );
    assert_eq!(fares.package, None);
    // The same work seen twice: React's self time and the CPU profile's
    // samples in the component's function.
    for c in [qr, fares] {
        let cpu = c.cpu_ms.unwrap_or_else(|| panic!("no CPU time: {c:?}"));
        assert!(c.total_ms > 10.0 && cpu > 0.3 * c.total_ms, "{c:?}");
    }
    // Every component that rendered is located.
    assert!(
        react.components.iter().all(|c| c.module.is_some()),
        "{:?}",
        react.components
    );
    let row = |package: Option<&str>| {
        react
            .packages
            .iter()
            .find(|p| p.package.as_deref() == package)
            .unwrap_or_else(|| panic!("{package:?} not in {:?}", react.packages))
    };
    assert_eq!(
        (
            row(Some("qrcode.react")).components,
            row(Some("qrcode.react")).renders
        ),
        (1, 24)
    );
    // App, Header, TicketList, Ticket, FareTable.
    assert_eq!(row(None).components, 5);
    assert_eq!(react.packages.len(), 2, "{:?}", react.packages);
    // The slow renders say where the component is defined.
    assert!(
        react
            .slow_renders
            .iter()
            .any(|r| r.component == "FareTable" && r.module == fares.module),
        "{:?}",
        react.slow_renders
    );
}

#[test]
fn react_production_build_counts_commits_and_says_why_no_timings() {
    let _guard = lock();
    let report = measure("/react-production.html", 1);
    let react = &report.react;
    assert!(react.detected && !react.profiling, "{react:?}");
    assert!(react.commits >= 2);
    assert!(react.slow_renders.is_empty());
    assert!(diagnostics(&report).contains("render timings need a development or profiling build"));
    // Without timings, the components mounted are still located, and the
    // CPU profile tells their time: `Slow` busy-waits 30 ms in each of its
    // two renders, in `react-app.js` (no source map: its own module).
    let slow = react
        .components
        .iter()
        .find(|c| c.component == "Slow")
        .unwrap_or_else(|| panic!("Slow not listed: {:?}", react.components));
    assert!(
        slow.module.as_deref().unwrap().ends_with("/react-app.js"),
        "{slow:?}"
    );
    assert_eq!((slow.count, slow.package.as_deref()), (0, None));
    let cpu = slow.cpu_ms.expect("CPU time of Slow");
    assert!((45.0..400.0).contains(&cpu), "{slow:?}");
    let fast = react.components.iter().find(|c| c.component == "Fast");
    assert!(
        fast.is_none_or(|f| f.cpu_ms.unwrap_or(0.0) < cpu / 4.0),
        "{fast:?}"
    );
    assert!(
        report
            .budgets
            .iter()
            .all(|b| b.metric != model::MetricId::Render)
    );
}

#[test]
fn page_with_its_own_devtools_hook_keeps_working() {
    let _guard = lock();
    let report = measure("/react-own-hook.html", 1);
    // The page's hook saw the commits (it reports them with /api/items/hook<N>)...
    let reported = report.runs[0]
        .requests
        .iter()
        .find_map(|r| {
            r.url
                .rsplit_once("/api/items/hook")
                .map(|(_, n)| n.to_string())
        })
        .expect("the page's own hook reported");
    assert!(reported.parse::<u32>().unwrap() >= 2, "{reported}");
    // ...and perfscope still recorded them.
    assert!(report.react.commits >= 2);
    assert_eq!(
        report
            .react
            .slow_renders
            .first()
            .map(|s| s.component.as_str()),
        Some("Slow")
    );
}

#[test]
fn mobile_profile_throttles_network_and_cpu() {
    let _guard = lock();
    let mut opts = options("/", 1);
    opts.profile = ProfileName::Mobile;
    let report = vitals::run(&Target::Dir(site()), &opts).unwrap();
    assert_no_chromium_left();
    assert_eq!(report.profile.name, "mobile");
    assert_eq!(report.profile.cpu_slowdown, 4.0);
    assert_eq!(report.profile.network.as_ref().unwrap().latency_ms, 562.5);
    // The document alone waits for 562.5 ms of emulated latency (DevTools
    // throttling delays delivery; the response timing itself stays early).
    let run = &report.runs[0];
    let doc = run
        .requests
        .iter()
        .find(|r| r.resource_type == "Document")
        .unwrap();
    assert!(doc.end_ms.unwrap() >= 550.0, "{doc:?}");
    assert!(run.fcp_ms.unwrap() >= 550.0);
}

// ---- hostile pages: short timeouts, one run each ----

fn hostile(target: Target, path: &str, timeout_s: u64, runs: usize) -> (VitalsReport, Duration) {
    let mut opts = options(path, runs);
    opts.timeout = Duration::from_secs(timeout_s);
    let start = Instant::now();
    let report = vitals::run(&target, &opts).expect("a hostile page is no fatal error");
    let elapsed = start.elapsed();
    assert_no_chromium_left();
    assert_eq!(report.runs.len(), runs);
    // Each run ends within its timeout (plus a little for closing a hung
    // page and shutting the browser).
    assert!(
        elapsed < Duration::from_secs((timeout_s + 3) * runs as u64),
        "took {elapsed:?}"
    );
    (report, elapsed)
}

#[test]
fn script_that_never_stops() {
    let _guard = lock();
    let (report, _) = hostile(Target::Dir(site()), "/hostile/loop.html", 6, 2);
    assert!(report.runs.iter().all(|r| !r.complete));
    let text = diagnostics(&report);
    assert!(
        text.contains("run 1: the page did not finish loading"),
        "{text}"
    );
    assert!(
        text.contains("run 2: the page did not finish loading"),
        "{text}"
    );
}

#[test]
fn server_that_never_answers() {
    let _guard = lock();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let (report, _) = hostile(Target::Url(url), "/", 5, 1);
    drop(listener);
    assert!(!report.runs[0].complete);
    assert!(
        diagnostics(&report).contains("the server sent no response"),
        "{}",
        diagnostics(&report)
    );
}

#[test]
fn dialogs_are_dismissed() {
    let _guard = lock();
    // 5.25 s of quiet after the dialogs, with room for a loaded machine.
    let (report, _) = hostile(Target::Dir(site()), "/hostile/dialogs.html", 20, 1);
    let text = diagnostics(&report);
    assert!(
        text.contains("alert dialog (\"hello from alert\")"),
        "{text}"
    );
    assert!(text.contains("confirm dialog"), "{text}");
    assert!(report.runs[0].complete);
    assert!(report.runs[0].fcp_ms.is_some());
}

#[test]
fn a_page_that_floods_every_list_is_kept_short() {
    let _guard = lock();
    let (report, _) = hostile(Target::Dir(site()), "/hostile/flood.html", 40, 1);
    let run = &report.runs[0];
    let of = |source: &str| {
        run.console_errors
            .iter()
            .filter(|e| e.source == source)
            .collect::<Vec<_>>()
    };
    // 50 kept per source, each cut short, then one line with the count.
    let errors = of("console.error");
    assert_eq!(errors.len(), 51, "{}", errors.len());
    assert!(errors[0].message.chars().count() <= 2_001);
    assert_eq!(
        errors[50].message,
        "… and 4950 more console.error messages (not kept)"
    );
    let thrown = of("exception");
    assert_eq!(thrown.len(), 51);
    assert!(thrown[50].message.starts_with("… and 10 more exception"));
    // Over 1,500 requests (the page's, its favicon): 1,000 listed, the rest counted.
    assert_eq!(run.requests.len(), 1_000);
    let text = diagnostics(&report);
    assert!(
        text.contains("requests; the first 1000 are listed"),
        "{text}"
    );
    // 1,500 failed requests: 50 findings and the count.
    let failed = report
        .findings
        .iter()
        .filter(|f| f.kind == model::FindingKind::FailedRequests)
        .count();
    assert_eq!(failed, 50);
    assert!(
        text.contains("1500 failed-requests findings; the first 50"),
        "{text}"
    );
    // The JSON stays small.
    let json = serde_json::to_string(&report).unwrap();
    assert!(json.len() < 2_000_000, "{} bytes", json.len());
}

#[test]
fn renderer_crash() {
    let _guard = lock();
    let (report, _) = hostile(Target::Url("chrome://crash".into()), "/", 6, 1);
    assert!(!report.runs[0].complete);
    assert!(
        diagnostics(&report).contains("crash"),
        "{}",
        diagnostics(&report)
    );
}

#[test]
fn page_that_redirects_itself_is_measured_at_its_final_document() {
    let _guard = lock();
    // 5.25 s of quiet at the final document, with room for a loaded machine.
    let (report, _) = hostile(Target::Dir(site()), "/hostile/navaway.html", 20, 1);
    let text = diagnostics(&report);
    assert!(
        text.contains("redirected itself (client side) to http://127.0.0.1:"),
        "{text}"
    );
    assert!(text.contains("/index.html"), "{text}");
    // As Lighthouse: the final document is measured, from its own
    // navigation start, and the run counts.
    let run = &report.runs[0];
    assert!(run.complete, "{text}");
    assert!(
        run.final_url
            .as_deref()
            .is_some_and(|u| u.ends_with("/index.html"))
    );
    assert!(run.fcp_ms.is_some_and(|fcp| fcp < 2_000.0), "{run:?}");
    assert!(report.median.is_some());
}

#[test]
fn refused_connection() {
    let _guard = lock();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (report, _) = hostile(Target::Url(format!("http://127.0.0.1:{port}/")), "/", 6, 1);
    assert!(
        diagnostics(&report).contains("ERR_CONNECTION_REFUSED"),
        "{}",
        diagnostics(&report)
    );
    assert!(report.median.is_none());
    assert!(report.budgets.iter().any(|b| !b.passes()));
}

#[test]
fn connects_to_a_running_browser_and_leaves_it_running() {
    let _guard = lock();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let process = runtime
        .block_on(ChromiumProcess::launch(&LaunchOptions::default()))
        .unwrap();
    let pid = process.pid();
    let mut opts = options("/", 1);
    opts.browser_ws = Some(process.ws_url().to_string());
    let report = vitals::run(&Target::Dir(site()), &opts).unwrap();
    assert!(report.runs[0].complete, "{}", diagnostics(&report));
    assert!(report.runs[0].fcp_ms.is_some());
    // perfscope did not stop a browser it did not start.
    assert!(perfscope_chromium_processes().contains(&pid));
    drop(process);
    assert_no_chromium_left();
}

// ---- Lighthouse's settle rules and failures that fail ----

#[test]
fn a_late_first_paint_is_waited_for() {
    let _guard = lock();
    let report = measure("/settle/late-paint.html", 1);
    let run = &report.runs[0];
    assert!(run.complete, "{}", diagnostics(&report));
    // Lower bounds, as Lighthouse's smoke tests: the paint happens at 5.5 s.
    assert!(run.fcp_ms.is_some_and(|v| v >= 5_400.0), "{run:?}");
    assert!(run.lcp_ms.is_some_and(|v| v >= 5_400.0), "{run:?}");
    assert!(report.median.is_some());
}

/// Lighthouse's second settle listener (critical-quiet): one fetch in flight
/// keeps the network "2-quiet", but it is a critical request (main frame,
/// High priority), so the run waits for its answer at 7 s and measures the
/// hero it brings as LCP, not the "Loading…" line painted at once.
#[test]
fn a_critical_request_in_flight_keeps_the_load_open() {
    let _guard = lock();
    let mut opts = options("/settle/late-data.html", 1);
    opts.timeout = Duration::from_secs(30);
    let report = vitals::run(&Target::Dir(site()), &opts).expect("vitals run");
    assert_no_chromium_left();
    let run = &report.runs[0];
    assert!(run.complete, "{}", diagnostics(&report));
    assert!(run.fcp_ms.is_some_and(|v| v < 3_000.0), "{run:?}");
    assert!(run.lcp_ms.is_some_and(|v| v >= 6_900.0), "{run:?}");
}

#[test]
fn a_stall_after_five_seconds_pushes_tti_to_its_end() {
    let _guard = lock();
    let mut opts = options("/settle/late-stall.html", 1);
    opts.timeout = Duration::from_secs(30);
    let report = vitals::run(&Target::Dir(site()), &opts).expect("vitals run");
    assert_no_chromium_left();
    let run = &report.runs[0];
    assert!(run.complete, "{}", diagnostics(&report));
    // The stall runs from 5 s to 10 s: TTI is after it (Lighthouse: ~10 s).
    assert!(run.tti_ms.is_some_and(|v| v >= 9_500.0), "{run:?}");
    assert!(run.tbt_ms.is_some_and(|v| v >= 4_000.0), "{run:?}");
}

#[test]
fn a_page_with_a_worker_settles() {
    let _guard = lock();
    let start = Instant::now();
    let report =
        vitals::run(&Target::Dir(site()), &options("/settle/worker.html", 1)).expect("vitals run");
    let elapsed = start.elapsed();
    assert_no_chromium_left();
    // Settled (quiet windows of 5.25 s and a browser start), not ended by
    // the 20 s timeout.
    assert!(report.runs[0].complete, "{}", diagnostics(&report));
    assert!(elapsed < Duration::from_secs(20), "took {elapsed:?}");
    // The worker's script finished in the worker's session: not pending.
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.kind == model::FindingKind::PendingRequests),
        "{:?}",
        report.findings
    );
    let run = &report.runs[0];
    let script = run
        .requests
        .iter()
        .find(|r| r.url.ends_with("/settle/worker.js"))
        .expect("the worker's script request");
    assert_eq!(script.resource_type, "Script");
    assert!(script.end_ms.is_some(), "{script:?}");
    // The worker is recorded, so nothing is said to be missing.
    assert_eq!(run.children.len(), 1, "{:?}", run.children);
    assert_eq!(run.children[0].kind, "worker");
    assert!(run.children[0].url.ends_with("/settle/worker.js"));
    assert!(
        !diagnostics(&report).contains("not recorded"),
        "{}",
        diagnostics(&report)
    );
}

#[test]
fn an_out_of_process_iframes_requests_are_recorded() {
    let _guard = lock();
    let report = measure("/settle/oopif.html", 1);
    let run = &report.runs[0];
    assert!(run.complete, "{}", diagnostics(&report));
    // The frame's document is requested by the page; its own requests are the frame's.
    assert!(
        run.requests
            .iter()
            .any(|r| r.url.contains("localhost") && r.url.ends_with("/settle/widget.html")),
        "{:?}",
        run.requests
    );
    let [frame] = run.children.as_slice() else {
        panic!("one child: {:?}", run.children);
    };
    assert_eq!(frame.kind, "iframe");
    assert!(frame.url.ends_with("/settle/widget.html"), "{}", frame.url);
    let urls: Vec<&str> = frame.requests.iter().map(|r| r.url.as_str()).collect();
    assert!(
        urls.iter().any(|u| u.ends_with("/settle/widget.css"))
            && urls.iter().any(|u| u.ends_with("/api/items/widget")),
        "{urls:?}"
    );
    assert!(
        run.requests.iter().all(|r| !r.url.ends_with("/widget.css")),
        "the frame's requests are not the page's"
    );
    assert!(
        !diagnostics(&report).contains("not recorded"),
        "{}",
        diagnostics(&report)
    );
    assert!(run.fcp_ms.is_some());
}

/// The page's `/hang` fetch never answers: a critical request in flight, so
/// (as in Lighthouse) the load is never quiet and the run is measured to the
/// maximum wait (8 s here), then counts, with a diagnostic saying so.
#[test]
fn failed_and_pending_requests_are_findings() {
    let _guard = lock();
    let mut opts = options("/settle/failing.html", 1);
    opts.settle.max_wait = Duration::from_secs(8);
    let report = vitals::run(&Target::Dir(site()), &opts).expect("vitals run");
    assert_no_chromium_left();
    assert!(report.runs[0].complete, "{}", diagnostics(&report));
    assert!(
        diagnostics(&report).contains("never quiet"),
        "{}",
        diagnostics(&report)
    );
    let of = |kind: model::FindingKind| -> Vec<(String, String)> {
        report
            .findings
            .iter()
            .filter(|f| f.kind == kind)
            .map(|f| (f.subject.clone(), f.message.clone()))
            .collect()
    };
    let failed = of(model::FindingKind::FailedRequests);
    let font = failed
        .iter()
        .find(|(url, _)| url.ends_with("/fonts/inter.css"))
        .unwrap_or_else(|| panic!("{failed:?}"));
    assert!(font.1.starts_with("render-blocking stylesheet"), "{font:?}");
    assert!(font.1.contains("HTTP 404"), "{font:?}");
    assert!(
        failed.iter().any(
            |(url, m)| url.ends_with("/api/orders-that-do-not-exist.json") && m.contains("404")
        ),
        "{failed:?}"
    );
    let pending = of(model::FindingKind::PendingRequests);
    assert!(
        pending.iter().any(|(url, _)| url.ends_with("/hang")),
        "{pending:?}"
    );
}

#[test]
fn an_error_document_fails_the_run_and_its_budgets() {
    let _guard = lock();
    let report = measure("/no-such-page.html", 1);
    let text = diagnostics(&report);
    assert!(!report.runs[0].complete, "{text}");
    assert!(text.contains("answered 404"), "{text}");
    assert!(report.median.is_none());
    assert!(!report.budgets.is_empty());
    assert!(
        report
            .budgets
            .iter()
            .all(|b| b.verdict == model::Verdict::NotMeasured),
        "{:?}",
        report.budgets
    );
}

#[test]
fn a_fragment_is_the_same_document() {
    let _guard = lock();
    let report = measure("/settle/fragment.html#install", 1);
    let text = diagnostics(&report);
    assert!(report.runs[0].complete, "{text}");
    assert!(report.runs[0].final_url.is_none(), "{:?}", report.runs[0]);
    assert!(!text.contains("redirect"), "{text}");
}

#[test]
fn a_slow_commit_spread_over_fast_components_is_reported() {
    let _guard = lock();
    let report = measure("/react-spread.html", 1);
    let react = &report.react;
    assert!(react.profiling, "{react:?}");
    // Two commits (mount, update) of ~25 ms each.
    assert!(!react.slow_commits.is_empty(), "{react:?}");
    let commit = &react.slow_commits[0];
    assert!(commit.duration_ms >= 20.0, "{commit:?}");
    let (name, self_ms, renders) = &commit.top[0];
    assert_eq!((name.as_str(), *renders), ("OrderRow", 4), "{commit:?}");
    assert!(*self_ms >= 20.0, "{commit:?}");
    // The table is slow only with its children and does (almost) no work
    // of its own, and a row alone is not slow: neither is a slow render of
    // its own; the commit's breakdown says where the time went. (On a
    // loaded machine a component can cross 16 ms on its own; the table,
    // which only builds elements, cannot.)
    assert!(
        react
            .slow_renders
            .iter()
            .all(|r| r.component != "OrdersTable" || r.max_ms >= 1.0),
        "{:?}",
        react.slow_renders
    );
    let finding = report
        .findings
        .iter()
        .find(|f| f.kind == model::FindingKind::SlowCommits)
        .expect("a slow-commits finding");
    assert!(finding.message.contains("OrderRow"), "{}", finding.message);
}
