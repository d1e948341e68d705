//! perfscope's own static server: serves a build folder on 127.0.0.1 at a free
//! port, the way a real host would (MIME types, gzip/brotli negotiated from
//! `Accept-Encoding`, long caching for hashed assets), with an optional SPA
//! fallback to `index.html`. It never serves a file outside the folder (`..`
//! and symlinks that lead out are refused) and never listens on another
//! interface.
//!
//! With [`ServerOptions::test_api`] it also answers a few routes used by the
//! test suite: `/api/items/{id}` (JSON, `?delay=ms`), `/api/slow` (600 ms) and
//! `/hang` (never answers).

use std::collections::HashMap;
use std::convert::Infallible;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::VitalsError;

/// What the server does besides serving files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServerOptions {
    /// Answer unknown extension-less paths with `index.html` (single-page apps).
    pub spa: bool,
    /// Also answer the test routes (`/api/items/{id}`, `/api/slow`, `/hang`).
    pub test_api: bool,
    /// The port to listen on (on 127.0.0.1); `0` or `None`: a free one.
    pub port: Option<u16>,
}

/// A running static server. Dropping it stops it.
#[derive(Debug)]
pub struct StaticServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
}

impl StaticServer {
    /// Serves `root` on `127.0.0.1` at a free port. Must be called inside a tokio runtime.
    pub async fn start(root: &Path, options: ServerOptions) -> Result<StaticServer, VitalsError> {
        let root = root.canonicalize().map_err(|source| VitalsError::Io {
            path: root.display().to_string(),
            source,
        })?;
        if !root.is_dir() {
            return Err(VitalsError::Io {
                path: root.display().to_string(),
                source: std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a folder"),
            });
        }
        let port = options.port.unwrap_or(0);
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|source| VitalsError::Io {
                path: format!("127.0.0.1:{port}"),
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| VitalsError::Io {
            path: "127.0.0.1:0".into(),
            source,
        })?;
        let state = Arc::new(State {
            root,
            options,
            cache: Mutex::new(HashMap::new()),
        });
        let (stop, mut stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            loop {
                let accepted = tokio::select! {
                    _ = &mut stopped => break,
                    accepted = listener.accept() => accepted,
                };
                let Ok((stream, _)) = accepted else { continue };
                let state = state.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let state = state.clone();
                        async move { Ok::<_, Infallible>(handle(&state, req).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(StaticServer {
            addr,
            stop: Some(stop),
        })
    }

    /// The address the server listens on (always on 127.0.0.1).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>` followed by `path` (which should start with `/`).
    pub fn url(&self, path: &str) -> String {
        let path = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("/{path}")
        };
        format!("http://{}{}", self.addr, path)
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

struct State {
    root: PathBuf,
    options: ServerOptions,
    /// Compressed bodies by (file, encoding).
    cache: Mutex<HashMap<(PathBuf, &'static str), Bytes>>,
}

/// Where a request path leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// A file inside the root (canonical path).
    File(PathBuf),
    /// Nothing there.
    NotFound,
    /// The path tries to leave the root (`..`, a symlink out, a NUL byte...).
    Forbidden,
}

/// Maps a URL path (still percent-encoded, without the query) to a file under
/// the canonical `root`. Pure apart from reading file metadata.
pub fn resolve(root: &Path, url_path: &str, spa: bool) -> Resolved {
    let Some(decoded) = percent_decode(url_path) else {
        return Resolved::Forbidden;
    };
    if decoded.contains('\0') || decoded.contains('\\') {
        return Resolved::Forbidden;
    }
    let mut relative = PathBuf::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Resolved::Forbidden,
            other => {
                // A segment must be a plain name (no drive prefix, no root).
                let mut components = Path::new(other).components();
                match (components.next(), components.next()) {
                    (Some(Component::Normal(_)), None) => relative.push(other),
                    _ => return Resolved::Forbidden,
                }
            }
        }
    }
    let mut candidate = root.join(&relative);
    if candidate.is_dir() {
        candidate.push("index.html");
    }
    match candidate.canonicalize() {
        Ok(real) if !real.starts_with(root) => Resolved::Forbidden,
        Ok(real) if real.is_file() => Resolved::File(real),
        Ok(_) => Resolved::NotFound,
        Err(_) => {
            // A symlink whose target is missing or outside is still a way out.
            if std::fs::symlink_metadata(&candidate).is_ok() {
                return Resolved::Forbidden;
            }
            let last = decoded.rsplit('/').next().unwrap_or("");
            if spa && !last.contains('.') {
                match root.join("index.html").canonicalize() {
                    Ok(index) if index.starts_with(root) && index.is_file() => {
                        Resolved::File(index)
                    }
                    _ => Resolved::NotFound,
                }
            } else {
                Resolved::NotFound
            }
        }
    }
}

/// Decodes `%XX` escapes; `None` for a malformed escape or a result that
/// is not UTF-8 (such a request is refused).
fn percent_decode(input: &str) -> Option<String> {
    let bytes = input.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'%'
            && !input
                .get(i + 1..i + 3)?
                .bytes()
                .all(|c| c.is_ascii_hexdigit())
        {
            return None;
        }
    }
    percent_encoding::percent_decode_str(input)
        .decode_utf8()
        .ok()
        .map(std::borrow::Cow::into_owned)
}

/// The `Content-Type` for a file name.
pub fn mime_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" | "cjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "txt" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "wasm" => "application/wasm",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        _ => "application/octet-stream",
    }
}

/// Whether a MIME type is text that a host would compress.
pub fn is_compressible(mime: &str) -> bool {
    mime.starts_with("text/")
        || mime.starts_with("application/json")
        || mime.starts_with("application/manifest+json")
        || mime.starts_with("application/xml")
        || mime.starts_with("application/wasm")
        || mime.starts_with("image/svg+xml")
}

/// Picks `br`, then `gzip`, from an `Accept-Encoding` header (honouring `q=0`).
pub fn negotiate_encoding(accept: &str) -> Option<&'static str> {
    let mut br = false;
    let mut gzip = false;
    for part in accept.split(',') {
        let mut pieces = part.split(';');
        let name = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let refused = pieces.any(|p| {
            let p = p.trim();
            p.strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f64>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        if refused {
            continue;
        }
        match name.as_str() {
            "br" => br = true,
            "gzip" => gzip = true,
            _ => {}
        }
    }
    if br {
        Some("br")
    } else if gzip {
        Some("gzip")
    } else {
        None
    }
}

/// Whether a file name carries a content hash (`main.3f9a1c2b.js`, `chunk-AB12CD34.js`).
pub fn looks_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').collect::<Vec<_>>();
    let parts = stem.iter().take(stem.len().saturating_sub(1));
    parts.flat_map(|p| p.split(['-', '_'])).any(|piece| {
        piece.len() >= 8
            && piece.chars().all(|c| c.is_ascii_alphanumeric())
            && piece.chars().any(|c| c.is_ascii_digit())
    })
}

fn compress(body: &[u8], encoding: &str) -> Option<Vec<u8>> {
    match encoding {
        "gzip" => {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
            enc.write_all(body).ok()?;
            enc.finish().ok()
        }
        "br" => {
            let mut out = Vec::new();
            {
                let mut enc = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
                enc.write_all(body).ok()?;
            }
            Some(out)
        }
        _ => None,
    }
}

fn simple(status: StatusCode, body: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

async fn handle(state: &State, req: Request<Incoming>) -> Response<Full<Bytes>> {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return simple(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
    }
    let path = req.uri().path().to_string();
    if state.options.test_api
        && let Some(response) = test_route(&path, req.uri().query().unwrap_or("")).await
    {
        return response;
    }
    let file = match resolve(&state.root, &path, state.options.spa) {
        Resolved::File(file) => file,
        Resolved::NotFound => return simple(StatusCode::NOT_FOUND, "not found\n"),
        Resolved::Forbidden => return simple(StatusCode::FORBIDDEN, "forbidden\n"),
    };
    let Ok(raw) = tokio::fs::read(&file).await else {
        return simple(StatusCode::NOT_FOUND, "not found\n");
    };
    let mime = mime_type(&file);
    let accept = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let encoding = if is_compressible(mime) && !raw.is_empty() {
        negotiate_encoding(accept)
    } else {
        None
    };
    let compressed = match encoding {
        Some(enc) => {
            let key = (file.clone(), enc);
            let cached = state.cache.lock().ok().and_then(|c| c.get(&key).cloned());
            match cached {
                Some(bytes) => Some((enc, bytes)),
                None => compress(&raw, enc).map(|c| {
                    let bytes = Bytes::from(c);
                    if let Ok(mut cache) = state.cache.lock() {
                        cache.insert(key, bytes.clone());
                    }
                    (enc, bytes)
                }),
            }
        }
        None => None,
    };
    let (encoding, body) = match compressed {
        Some((enc, bytes)) => (Some(enc), bytes),
        None => (None, Bytes::from(raw)),
    };
    let head = req.method() == Method::HEAD;
    let length = body.len();
    let mut response = Response::new(Full::new(if head { Bytes::new() } else { body }));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if looks_hashed(&path) {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        }),
    );
    if let Some(enc) = encoding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(enc));
    }
    response
}

async fn test_route(path: &str, query: &str) -> Option<Response<Full<Bytes>>> {
    let delay = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("delay="))
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0)
        .min(30_000);
    if path == "/hang" {
        std::future::pending::<()>().await;
        return None;
    }
    let (id, delay) = if path == "/api/slow" {
        ("slow".to_string(), delay.max(600))
    } else {
        (path.strip_prefix("/api/items/")?.to_string(), delay)
    };
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    let mut response = Response::new(Full::new(Bytes::from(format!(
        "{{\"id\":\"{id}\",\"name\":\"item {id}\"}}"
    ))));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Some(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_br_then_gzip_and_honours_q0() {
        assert_eq!(negotiate_encoding("gzip, deflate, br, zstd"), Some("br"));
        assert_eq!(negotiate_encoding("gzip"), Some("gzip"));
        assert_eq!(negotiate_encoding("br;q=0, gzip;q=0.5"), Some("gzip"));
        assert_eq!(negotiate_encoding("identity"), None);
        assert_eq!(negotiate_encoding(""), None);
    }

    #[test]
    fn mime_types_and_compressibility() {
        assert_eq!(
            mime_type(Path::new("a/b.JS")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(mime_type(Path::new("x.woff2")), "font/woff2");
        assert_eq!(mime_type(Path::new("x.svg")), "image/svg+xml");
        assert_eq!(mime_type(Path::new("noext")), "application/octet-stream");
        assert!(is_compressible("text/css; charset=utf-8"));
        assert!(is_compressible("image/svg+xml"));
        assert!(!is_compressible("image/png"));
    }

    #[test]
    fn hashed_names() {
        assert!(looks_hashed("/assets/main.3f9a1c2b.js"));
        assert!(looks_hashed("/assets/index-B7x2k9Qa.js"));
        assert!(!looks_hashed("/app.js"));
        assert!(!looks_hashed("/index.html"));
        assert!(!looks_hashed("/components.js"));
    }

    #[test]
    fn percent_decoding_rejects_bad_escapes() {
        assert_eq!(percent_decode("/a%20b").as_deref(), Some("/a b"));
        assert_eq!(percent_decode("/%2e%2e/x").as_deref(), Some("/../x"));
        assert_eq!(percent_decode("/%zz"), None);
        assert_eq!(percent_decode("/%4"), None);
    }
}
