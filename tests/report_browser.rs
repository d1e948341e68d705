//! The HTML report in a real browser: it loads from `file://` with no console
//! error and no network request, the treemap and the tables render, and names
//! planted in the analysed project (`<img src=x onerror=alert(1)>.ts`, a URL
//! with `</script>`) never run. A screenshot is kept for people to look at.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chromiumoxide::Browser;
use chromiumoxide::cdp::browser_protocol::emulation::SetDeviceMetricsOverrideParams;
use chromiumoxide::cdp::browser_protocol::network::EventRequestWillBeSent;
use chromiumoxide::cdp::browser_protocol::page::{
    CaptureScreenshotFormat, EventJavascriptDialogOpening,
};
use chromiumoxide::cdp::js_protocol::runtime::{EventConsoleApiCalled, EventExceptionThrown};
use chromiumoxide::page::ScreenshotParams;
use futures::StreamExt;
use vitals::browser::{ChromiumProcess, LaunchOptions};

const XSS_MODULE: &str = "<img src=x onerror=alert(1)>";
const XSS_URL: &str = "http://127.0.0.1:9/</script><script>alert(2)</script>";

/// A small project whose file names and URL try to inject markup into the report.
fn hostile_project(dir: &Path) {
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("package.json"),
        r#"{"name":"hostile","version":"1.0.0","dependencies":{}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("src/main.ts"),
        format!("import {{ used }} from './{XSS_MODULE}';\nconsole.log(used);\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join(format!("src/{XSS_MODULE}.ts")),
        "export const used = 1;\nexport const unusedOne = 2;\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("src/<svg onload=alert(3)>.ts"),
        "export const orphan = 1;\n",
    )
    .unwrap();
}

fn write_report(project: &Path, out: &Path) {
    let dist = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/shop-app/dist");
    let status = Command::new(env!("CARGO_BIN_EXE_perfscope"))
        .args(["report"])
        .arg(project)
        .arg("--dist")
        .arg(&dist)
        .args(["--url", XSS_URL, "--runs", "1", "--no-brotli", "--out"])
        .arg(out)
        .status()
        .expect("perfscope runs");
    assert!(status.success(), "perfscope report failed");
}

#[derive(Default, Debug)]
struct Seen {
    console_errors: Vec<String>,
    requests: Vec<String>,
    dialogs: Vec<String>,
}

/// What a report did in Chromium: the events seen and the values of the
/// expressions evaluated after the load, in order.
struct Loaded {
    seen: Seen,
    values: Vec<serde_json::Value>,
}

impl Loaded {
    /// The `i`th value as `T`.
    fn get<T: serde::de::DeserializeOwned>(&self, i: usize) -> T {
        serde_json::from_value(self.values[i].clone()).unwrap()
    }

    /// No console error, no request but the report itself, no dialog.
    fn assert_offline_and_quiet(&self) {
        let seen = &self.seen;
        assert!(
            seen.console_errors.is_empty(),
            "console errors: {:?}",
            seen.console_errors
        );
        let network: Vec<&String> = seen
            .requests
            .iter()
            .filter(|u| {
                !u.starts_with("file://") && !u.starts_with("data:") && !u.starts_with("about:")
            })
            .collect();
        assert!(network.is_empty(), "network requests: {network:?}");
        let file_requests: Vec<&String> = seen
            .requests
            .iter()
            .filter(|u| u.starts_with("file://"))
            .collect();
        assert_eq!(
            file_requests.len(),
            1,
            "only the report itself is loaded: {file_requests:?}"
        );
        assert!(seen.dialogs.is_empty(), "dialogs: {:?}", seen.dialogs);
    }
}

/// Opens `html_path` from `file://` in a fresh Chromium at 1280×900
/// (`alert` recorded in `window.__alerts` instead of blocking), evaluates
/// each of `expressions` in order, then runs `before_screenshot` and saves
/// a screenshot (the whole page, or the viewport) as `screenshot` in the
/// test's temporary target folder.
async fn load_report(
    html_path: &Path,
    expressions: &[&str],
    before_screenshot: &str,
    full_page: bool,
    screenshot: &str,
) -> Loaded {
    let mut chromium = ChromiumProcess::launch(&LaunchOptions::default())
        .await
        .expect("Chromium starts (install it with `apt-get install chromium` or set CHROME_PATH)");
    let (mut browser, mut handler) = Browser::connect(chromium.ws_url().to_string())
        .await
        .expect("connects to Chromium");
    // Never end the handler loop on an error: newer CDP events fail to deserialize.
    let handler_task = tokio::spawn(async move { while handler.next().await.is_some() {} });

    let page = browser.new_page("about:blank").await.unwrap();
    page.execute(SetDeviceMetricsOverrideParams::new(1280, 900, 1.0, false))
        .await
        .unwrap();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let mut console = page
        .event_listener::<EventConsoleApiCalled>()
        .await
        .unwrap();
    let mut exceptions = page.event_listener::<EventExceptionThrown>().await.unwrap();
    let mut requests = page
        .event_listener::<EventRequestWillBeSent>()
        .await
        .unwrap();
    let mut dialogs = page
        .event_listener::<EventJavascriptDialogOpening>()
        .await
        .unwrap();
    let s = seen.clone();
    let collector = tokio::spawn(async move {
        loop {
            tokio::select! {
                Some(e) = console.next() => {
                    if format!("{:?}", e.r#type).to_lowercase().contains("error") {
                        s.lock().unwrap().console_errors.push(format!("{:?}", e.args));
                    }
                }
                Some(e) = exceptions.next() => {
                    s.lock().unwrap().console_errors.push(e.exception_details.text.clone());
                }
                Some(e) = requests.next() => {
                    s.lock().unwrap().requests.push(e.request.url.clone());
                }
                Some(e) = dialogs.next() => {
                    s.lock().unwrap().dialogs.push(e.message.clone());
                }
                else => break,
            }
        }
    });
    // Any alert() the payloads could reach is recorded instead of blocking.
    page.evaluate_on_new_document(
        "window.__alerts = []; window.alert = function (m) { window.__alerts.push(String(m)); };",
    )
    .await
    .unwrap();
    let url = format!("file://{}", html_path.display());
    page.goto(url.as_str()).await.expect("the report loads");
    tokio::time::sleep(Duration::from_millis(500)).await;

    let mut values = Vec::new();
    for expression in expressions {
        let value: serde_json::Value = page
            .evaluate(*expression)
            .await
            .unwrap_or_else(|e| panic!("{expression}: {e}"))
            .into_value()
            .unwrap_or(serde_json::Value::Null);
        values.push(value);
    }

    let screenshot_path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(screenshot);
    page.evaluate(before_screenshot).await.unwrap();
    page.save_screenshot(
        ScreenshotParams::builder()
            .format(CaptureScreenshotFormat::Png)
            .full_page(full_page)
            .build(),
        &screenshot_path,
    )
    .await
    .expect("screenshot");
    println!("report screenshot: {}", screenshot_path.display());
    assert!(screenshot_path.metadata().unwrap().len() > 10_000);

    browser.close().await.ok();
    handler_task.abort();
    collector.abort();
    chromium.kill();
    let seen = std::mem::take(&mut *seen.lock().unwrap());
    Loaded { seen, values }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_report_renders_offline_without_errors_and_escapes_user_input() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    hostile_project(&project);
    let out = dir.path().join("report");
    write_report(&project, &out);
    let html_path = out.join("report.html");
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(
        !html.contains(XSS_MODULE),
        "the module name is escaped in the HTML"
    );
    assert!(
        !html.contains("</script><script>alert(2)"),
        "the URL is escaped"
    );

    let loaded = load_report(
        &html_path,
        &[
            "window.__alerts",
            "document.querySelectorAll('#treemap .tm-node').length",
            "document.querySelectorAll('table tbody tr').length",
            "document.querySelectorAll('img').length",
            "document.body.innerText",
            // Zoom into the first asset of the treemap.
            "(() => { const n = document.querySelector('#treemap .tm-node'); \
             if (!n) return false; n.click(); \
             return document.querySelectorAll('#treemap-crumbs *').length > 0; })()",
        ],
        "window.scrollTo(0, 0)",
        true,
        "report-screenshot.png",
    )
    .await;
    let alerts: Vec<String> = loaded.get(0);
    let treemap_nodes: u64 = loaded.get(1);
    let table_rows: u64 = loaded.get(2);
    let injected_images: u64 = loaded.get(3);
    let text: String = loaded.get(4);
    let zoomed: bool = loaded.get(5);

    loaded.assert_offline_and_quiet();
    assert!(alerts.is_empty(), "injected script ran: {alerts:?}");
    assert_eq!(injected_images, 0, "no <img> comes from user input");
    assert!(treemap_nodes > 5, "treemap rendered {treemap_nodes} nodes");
    assert!(table_rows > 5, "tables rendered {table_rows} rows");
    assert!(zoomed, "clicking a treemap node zooms in");
    // The names are shown as text.
    assert!(
        text.contains(XSS_MODULE),
        "the module name is shown as text"
    );
    assert!(text.contains("</script>"), "the URL is shown as text");
}

/// The package and the module of the CPU fixture's source map, renamed.
const XSS_PACKAGE: &str = "<svg onload=alert(4)>";
const XSS_CPU_MODULE: &str = "<img src=x onerror=alert(5)>.js";

/// The CPU fixture (`fixtures/vitals/site/cpu/`) in `dist`, its source map
/// naming decimal.js's folder `node_modules/<svg onload=alert(4)>/` and
/// `src/checksum.js` `src/<img src=x onerror=alert(5)>.js`.
fn hostile_cpu_site(dist: &Path) {
    let site = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/vitals/site/cpu");
    std::fs::create_dir_all(dist).unwrap();
    for name in ["index.html", "app.js"] {
        std::fs::copy(site.join(name), dist.join(name)).unwrap();
    }
    let mut map: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(site.join("app.js.map")).unwrap()).unwrap();
    for source in map["sources"].as_array_mut().unwrap() {
        let renamed = source
            .as_str()
            .unwrap()
            .replace(
                "node_modules/decimal.js/",
                &format!("node_modules/{XSS_PACKAGE}/"),
            )
            .replace("src/checksum.js", &format!("src/{XSS_CPU_MODULE}"));
        *source = serde_json::Value::from(renamed);
    }
    std::fs::write(dist.join("app.js.map"), map.to_string()).unwrap();
}

/// `perfscope report` measures the CPU fixture in Chromium; its HTML report,
/// opened in Chromium, has the CPU-by-package table with the CPU-heavy
/// package first and the boot-up table, next to the unused JavaScript, with
/// the names from the page's source map shown as text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cpu_section_renders_in_chromium_with_the_heavy_package_first() {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    hostile_cpu_site(&dist);
    let out = dir.path().join("report");
    let status = Command::new(env!("CARGO_BIN_EXE_perfscope"))
        .arg("report")
        .arg(dir.path())
        .arg("--dist")
        .arg(&dist)
        .args(["--no-source", "--runs", "1", "--no-brotli", "--out"])
        .arg(&out)
        .status()
        .expect("perfscope runs");
    assert!(status.success(), "perfscope report failed");
    let html_path = out.join("report.html");

    let loaded = load_report(
        &html_path,
        &[
            "window.__alerts",
            "document.querySelectorAll('img, svg[onload]').length",
            // The CPU table's rows: name, kind, self, total.
            "[...document.querySelectorAll('table.cpu tbody tr')].map(r => \
             [...r.cells].slice(0, 4).map(c => c.innerText))",
            // The headings of the vitals section, in order.
            "[...document.querySelectorAll('h3, h4')].map(h => h.innerText)",
            // The boot-up table's first URL and its time.
            "(() => { const h = [...document.querySelectorAll('h4')] \
             .find(h => h.innerText.startsWith('Boot-up time')); \
             const r = h && h.nextElementSibling.querySelector('tbody tr'); \
             return r ? [r.cells[0].innerText, r.cells[1].innerText] : null; })()",
            // The bars have a width.
            "document.querySelector('table.cpu .cpu-bar > span').getBoundingClientRect().width",
        ],
        "document.querySelector('table.cpu').scrollIntoView({block: 'center'})",
        false,
        "report-cpu-screenshot.png",
    )
    .await;
    let alerts: Vec<String> = loaded.get(0);
    let injected: u64 = loaded.get(1);
    let rows: Vec<Vec<String>> = loaded.get(2);
    let headings: Vec<String> = loaded.get(3);
    let bootup: Option<(String, String)> = loaded.get(4);
    let bar_width: f64 = loaded.get(5);

    loaded.assert_offline_and_quiet();
    assert!(alerts.is_empty(), "injected script ran: {alerts:?}");
    assert_eq!(injected, 0, "no element comes from the source map's names");
    // decimal.js (renamed) burns the CPU, well over 100 ms even on an idle
    // machine; the module that calls it has at least that total time (calls
    // included), so the two lead the table, the module first whenever a
    // sample landed in its own code, the package first on a tie.
    let ms = |text: &str| -> f64 {
        let text = text.trim();
        match text.strip_suffix(" ms") {
            Some(ms) => ms.parse().unwrap(),
            None => text.trim_end_matches(" s").parse::<f64>().unwrap() * 1000.0,
        }
    };
    assert!(rows.len() >= 2, "{rows:?}");
    let module = format!("cpu-app/src/{XSS_CPU_MODULE}");
    let mut leading: Vec<(&str, &str)> = rows[..2]
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    leading.sort();
    let mut expected = vec![(XSS_PACKAGE, "package"), (module.as_str(), "module")];
    expected.sort();
    assert_eq!(leading, expected, "{rows:?}");
    let package = rows.iter().find(|r| r[0] == XSS_PACKAGE).unwrap();
    assert!(ms(&package[3]) > 100.0, "{rows:?}");
    assert!(bar_width > 10.0, "the bar is drawn: {bar_width}");
    // Next to the coverage section.
    let at = |name: &str| {
        headings
            .iter()
            .position(|h| h.starts_with(name))
            .unwrap_or_else(|| panic!("no {name} in {headings:?}"))
    };
    assert_eq!(at("CPU time at load"), at("Unused JavaScript at load") + 1);
    let (url, time) = bootup.expect("a boot-up table");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(ms(&time) >= 50.0, "{time}");
}
