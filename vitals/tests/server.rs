//! The static server over real sockets: MIME types, content-encoding
//! negotiation, SPA fallback, path traversal and symlinks, loopback only.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;

use perfscope_vitals::server::{ServerOptions, StaticServer};

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One raw HTTP/1.1 request (the path is sent exactly as given).
fn get(server: &StaticServer, path: &str, accept_encoding: Option<&str>) -> Response {
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    if let Some(enc) = accept_encoding {
        request.push_str(&format!("Accept-Encoding: {enc}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let body = raw[split + 4..].to_vec();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Response {
        status,
        headers,
        body,
    }
}

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("dist");
    std::fs::create_dir_all(root.join("assets")).unwrap();
    std::fs::write(
        root.join("index.html"),
        "<!doctype html><title>home</title>".repeat(50),
    )
    .unwrap();
    std::fs::write(
        root.join("assets/app.3f9a1c2b.js"),
        "console.log('hello');\n".repeat(200),
    )
    .unwrap();
    std::fs::write(root.join("assets/logo.png"), [0x89, b'P', b'N', b'G']).unwrap();
    std::fs::write(root.join("assets/data.json"), "{\"a\":1}").unwrap();
    std::fs::write(dir.path().join("secret.txt"), "outside the root").unwrap();
    dir
}

fn with_server(spa: bool, test: impl FnOnce(&StaticServer, &Path)) {
    let dir = site();
    let root = dir.path().join("dist");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime
        .block_on(StaticServer::start(
            &root,
            ServerOptions {
                spa,
                test_api: false,
                port: None,
            },
        ))
        .unwrap();
    test(&server, dir.path());
    drop(server);
}

#[test]
fn listens_on_loopback_only() {
    with_server(false, |server, _| {
        assert!(server.addr().ip().is_loopback());
        assert_ne!(server.addr().port(), 0);
        assert!(server.url("/x").starts_with("http://127.0.0.1:"));
    });
}

#[test]
fn mime_types_and_cache_headers() {
    with_server(false, |server, _| {
        let html = get(server, "/", None);
        assert_eq!(html.status, 200);
        assert_eq!(
            html.header("content-type"),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(html.header("cache-control"), Some("no-cache"));
        let js = get(server, "/assets/app.3f9a1c2b.js", None);
        assert_eq!(
            js.header("content-type"),
            Some("text/javascript; charset=utf-8")
        );
        assert_eq!(
            js.header("cache-control"),
            Some("public, max-age=31536000, immutable")
        );
        assert_eq!(
            get(server, "/assets/logo.png", None).header("content-type"),
            Some("image/png")
        );
        assert_eq!(
            get(server, "/assets/data.json", None).header("content-type"),
            Some("application/json")
        );
        assert_eq!(get(server, "/missing.js", None).status, 404);
    });
}

#[test]
fn gzip_and_brotli_follow_accept_encoding() {
    with_server(false, |server, dir| {
        let original = std::fs::read(dir.join("dist/assets/app.3f9a1c2b.js")).unwrap();
        let br = get(server, "/assets/app.3f9a1c2b.js", Some("gzip, deflate, br"));
        assert_eq!(br.header("content-encoding"), Some("br"));
        assert_eq!(br.header("vary"), Some("Accept-Encoding"));
        let mut decoded = Vec::new();
        brotli::Decompressor::new(&br.body[..], 4096)
            .read_to_end(&mut decoded)
            .unwrap();
        assert_eq!(decoded, original);
        assert!(br.body.len() < original.len() / 4);

        let gz = get(server, "/assets/app.3f9a1c2b.js", Some("gzip"));
        assert_eq!(gz.header("content-encoding"), Some("gzip"));
        let mut decoded = Vec::new();
        flate2::read::GzDecoder::new(&gz.body[..])
            .read_to_end(&mut decoded)
            .unwrap();
        assert_eq!(decoded, original);

        let plain = get(server, "/assets/app.3f9a1c2b.js", None);
        assert_eq!(plain.header("content-encoding"), None);
        assert_eq!(plain.body, original);
        let refused = get(server, "/assets/app.3f9a1c2b.js", Some("br;q=0"));
        assert_eq!(refused.header("content-encoding"), None);
        // Images are never re-compressed.
        assert_eq!(
            get(server, "/assets/logo.png", Some("br")).header("content-encoding"),
            None
        );
    });
}

#[test]
fn spa_fallback_only_when_asked() {
    with_server(false, |server, _| {
        assert_eq!(get(server, "/settings/profile", None).status, 404);
    });
    with_server(true, |server, _| {
        let page = get(server, "/settings/profile", None);
        assert_eq!(page.status, 200);
        assert!(String::from_utf8_lossy(&page.body).contains("<title>home</title>"));
        // Missing files with an extension stay 404 even in SPA mode.
        assert_eq!(get(server, "/assets/missing.js", None).status, 404);
    });
}

#[test]
fn never_serves_outside_the_root() {
    with_server(true, |server, dir| {
        for path in [
            "/../secret.txt",
            "/assets/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/assets/%2E%2E/%2e%2e/secret.txt",
            "/..%2fsecret.txt",
            "/%00",
        ] {
            let response = get(server, path, None);
            assert!(
                response.status == 403 || response.status == 400 || response.status == 404,
                "{path}: {}",
                response.status
            );
            assert!(
                !String::from_utf8_lossy(&response.body).contains("outside the root"),
                "{path}"
            );
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.join("secret.txt"), dir.join("dist/link.txt")).unwrap();
            std::os::unix::fs::symlink(dir, dir.join("dist/up")).unwrap();
            assert_eq!(get(server, "/link.txt", None).status, 403);
            assert_eq!(get(server, "/up/secret.txt", None).status, 403);
            // A symlink that stays inside the root is fine.
            std::os::unix::fs::symlink(
                dir.join("dist/assets/data.json"),
                dir.join("dist/alias.json"),
            )
            .unwrap();
            assert_eq!(get(server, "/alias.json", None).status, 200);
        }
    });
}
