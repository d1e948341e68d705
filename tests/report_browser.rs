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

    let alerts: Vec<String> = page
        .evaluate("window.__alerts")
        .await
        .unwrap()
        .into_value()
        .unwrap();
    let treemap_nodes: u64 = page
        .evaluate("document.querySelectorAll('#treemap .tm-node').length")
        .await
        .unwrap()
        .into_value()
        .unwrap();
    let table_rows: u64 = page
        .evaluate("document.querySelectorAll('table tbody tr').length")
        .await
        .unwrap()
        .into_value()
        .unwrap();
    let injected_images: u64 = page
        .evaluate("document.querySelectorAll('img').length")
        .await
        .unwrap()
        .into_value()
        .unwrap();
    let text: String = page
        .evaluate("document.body.innerText")
        .await
        .unwrap()
        .into_value()
        .unwrap();

    // Zoom into the first asset of the treemap and back.
    let zoomed: bool = page
        .evaluate(
            "(() => { const n = document.querySelector('#treemap .tm-node'); \
             if (!n) return false; n.click(); \
             return document.querySelectorAll('#treemap-crumbs *').length > 0; })()",
        )
        .await
        .unwrap()
        .into_value()
        .unwrap();

    let screenshot_path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-screenshot.png");
    page.evaluate("window.scrollTo(0, 0)").await.unwrap();
    page.save_screenshot(
        ScreenshotParams::builder()
            .format(CaptureScreenshotFormat::Png)
            .full_page(true)
            .build(),
        &screenshot_path,
    )
    .await
    .expect("screenshot");
    println!("report screenshot: {}", screenshot_path.display());

    browser.close().await.ok();
    handler_task.abort();
    collector.abort();
    chromium.kill();

    let seen = seen.lock().unwrap();
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
    assert!(screenshot_path.metadata().unwrap().len() > 10_000);
}
