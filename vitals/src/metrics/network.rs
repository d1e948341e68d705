//! Network findings from the request log: text served without compression,
//! hashed assets without long caching, request waterfalls, N+1 URL patterns
//! and slow API calls.

use model::finding::{Detail, Finding, FindingKind};

use crate::gather::artifacts::NetworkRecord;
use crate::metrics::issuing_tasks::IssuingTasks;
use crate::server::looks_hashed;

/// Text responses smaller than this are not worth compressing (Lighthouse: 1.4 KiB).
pub const MIN_COMPRESSIBLE_BYTES: u64 = 1400;
/// Hashed assets should be cached at least this long (30 days).
pub const MIN_HASHED_MAX_AGE_S: u64 = 30 * 24 * 3600;
/// Requests to one URL template from which a load counts as N+1.
pub const N_PLUS_ONE_MIN: usize = 5;
/// API calls slower than this are reported.
pub const SLOW_API_MS: f64 = 500.0;
/// A request starting this soon after another's response arrived is taken as waiting for it.
pub const WATERFALL_GAP_MS: f64 = 50.0;
/// Sequential API requests from which a chain is a waterfall.
pub const WATERFALL_MIN: usize = 3;

fn is_api(r: &NetworkRecord) -> bool {
    r.resource_type == "Fetch" || r.resource_type == "XHR"
}

fn is_text(mime: &str) -> bool {
    let mime = mime.to_ascii_lowercase();
    mime.starts_with("text/")
        || mime.contains("javascript")
        || mime.contains("json")
        || mime.contains("xml")
        || mime.contains("svg")
}

fn header<'a>(r: &'a NetworkRecord, name: &str) -> Option<&'a str> {
    r.headers.get(name).map(String::as_str)
}

fn ok(r: &NetworkRecord) -> bool {
    r.status.is_some_and(|s| (200..300).contains(&s)) && r.failed.is_none()
}

/// The path of a URL (`/assets/app.js`); the text before any query for
/// something that is not an absolute URL.
fn path_of(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(parsed) => parsed.path().to_string(),
        Err(_) => url.split(['?', '#']).next().unwrap_or(url).to_string(),
    }
}

/// `max-age` (or `s-maxage`) of a `Cache-Control` value; 0 for `no-cache`/`no-store`.
pub fn max_age(cache_control: &str) -> Option<u64> {
    let lower = cache_control.to_ascii_lowercase();
    if lower.contains("no-store") || lower.contains("no-cache") {
        return Some(0);
    }
    lower.split(',').find_map(|d| {
        let d = d.trim();
        d.strip_prefix("max-age=")
            .or_else(|| d.strip_prefix("s-maxage="))
            .and_then(|v| v.trim_matches('"').parse().ok())
    })
}

/// The URL with ids replaced by `{id}`: numeric segments, UUIDs, long hex or
/// mixed letter-digit tokens. The query is dropped.
pub fn url_template(url: &str) -> String {
    let (prefix, path) = match url::Url::parse(url) {
        Ok(parsed) if parsed.has_host() => (
            parsed[..url::Position::BeforePath].to_string(),
            parsed.path().to_string(),
        ),
        _ => (
            String::new(),
            url.split(['?', '#']).next().unwrap_or(url).to_string(),
        ),
    };
    let segments: Vec<String> = path
        .split('/')
        .map(|s| {
            let digits = s.chars().filter(char::is_ascii_digit).count();
            let is_id = !s.is_empty()
                && (s.chars().all(|c| c.is_ascii_digit())
                    || (s.len() >= 8
                        && digits > 0
                        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')));
            if is_id {
                "{id}".to_string()
            } else {
                s.to_string()
            }
        })
        .collect();
    format!("{prefix}{}", segments.join("/"))
}

/// A network finding about `url` (its key).
fn finding(kind: FindingKind, url: &str, message: String) -> Finding {
    Finding::new(kind, url, url, message).with_detail(Detail::Request {
        url: url.to_string(),
    })
}

/// Text responses served without compression.
pub fn uncompressed(network: &[NetworkRecord]) -> Vec<Finding> {
    let mut out = Vec::new();
    for r in network.iter().filter(|r| ok(r)) {
        let mime = r.mime_type.as_deref().unwrap_or("");
        let encoding = header(r, "content-encoding").unwrap_or("identity");
        if is_text(mime)
            && r.decoded_bytes >= MIN_COMPRESSIBLE_BYTES
            && (encoding.is_empty() || encoding.eq_ignore_ascii_case("identity"))
        {
            out.push(finding(
                FindingKind::UncompressedResponses,
                &r.url,
                format!(
                    "{} bytes of {mime} served without gzip or brotli",
                    r.decoded_bytes
                ),
            ));
        }
    }
    out
}

/// Hashed assets served without long caching.
pub fn short_cache(network: &[NetworkRecord]) -> Vec<Finding> {
    let mut out = Vec::new();
    for r in network.iter().filter(|r| ok(r)) {
        if looks_hashed(&path_of(&r.url)) && r.resource_type != "Document" {
            let cache = header(r, "cache-control").unwrap_or("");
            let age = max_age(cache).unwrap_or(0);
            if age < MIN_HASHED_MAX_AGE_S {
                out.push(finding(
                    FindingKind::ShortCache,
                    &r.url,
                    format!(
                        "hashed asset cached for {age} s (Cache-Control: {cache:?}); use `public, max-age=31536000, immutable`"
                    ),
                ));
            }
        }
    }
    out
}

/// API calls slower than [`SLOW_API_MS`].
pub fn slow_api(network: &[NetworkRecord]) -> Vec<Finding> {
    let mut out = Vec::new();
    for r in network.iter().filter(|r| is_api(r)) {
        // A body the page never read has no end: its response time counts.
        if let Some(end) = r.end_s.or(r.headers_s) {
            let ms = (end - r.start_s) * 1000.0;
            if ms > SLOW_API_MS {
                out.push(finding(
                    FindingKind::SlowApiCalls,
                    &r.url,
                    format!("API call took {ms:.0} ms (over {SLOW_API_MS:.0} ms)"),
                ));
            }
        }
    }
    out
}

/// Many requests to the same URL template in one load.
pub fn n_plus_one(network: &[NetworkRecord]) -> Vec<Finding> {
    let mut groups: std::collections::BTreeMap<String, std::collections::BTreeSet<&str>> =
        Default::default();
    for r in network.iter().filter(|r| is_api(r)) {
        let template = url_template(&r.url);
        if template.contains("{id}") {
            groups.entry(template).or_default().insert(r.url.as_str());
        }
    }
    groups
        .into_iter()
        .filter(|(_, urls)| urls.len() >= N_PLUS_ONE_MIN)
        .map(|(template, urls)| {
            finding(
                FindingKind::NPlusOneRequests,
                &template,
                format!(
                    "{} requests to {template} in one load (N+1 pattern); fetch them in one batched request",
                    urls.len()
                ),
            )
        })
        .collect()
}

/// Chains of API requests where each starts right after the previous one's
/// response arrived (`fetch` resolves at the headers, so `await fetch(a);
/// fetch(b)` starts `b` then): if they do not depend on each other they could
/// run in parallel. A chain stays within one target (the page, an iframe or
/// a worker). Where the trace tells which main-thread task sent a request,
/// a request whose task began before the previous response arrived was not
/// waiting for it (one script's fetches, spread over more than a round trip
/// by a busy machine).
pub fn waterfalls(network: &[NetworkRecord], issued: &IssuingTasks) -> Vec<Finding> {
    let mut api: Vec<&NetworkRecord> = network
        .iter()
        .filter(|r| is_api(r) && r.headers_s.or(r.end_s).is_some())
        .collect();
    api.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
    // Longest chain ending at each request.
    let mut chain: Vec<Vec<usize>> = Vec::with_capacity(api.len());
    for (i, b) in api.iter().enumerate() {
        // The longest chain to extend; among equally long ones, the request
        // whose response came closest before this one started (the likeliest
        // cause: parallel responses can also land inside the gap).
        let mut best: Vec<usize> = Vec::new();
        let mut best_gap = f64::INFINITY;
        for (j, a) in api.iter().enumerate().take(i) {
            let Some(a_response) = a.headers_s.or(a.end_s) else {
                continue;
            };
            // One script awaits another's response only in its own page,
            // iframe or worker: requests of two targets never chain.
            if a.target != b.target {
                continue;
            }
            let gap = (b.start_s - a_response) * 1000.0;
            let waited = issued
                .start_s(&b.request_id)
                .is_none_or(|task| task >= a_response);
            if waited
                && (0.0..=WATERFALL_GAP_MS).contains(&gap)
                && let Some(prev) = chain.get(j)
                && (prev.len() > best.len() || (prev.len() == best.len() && gap < best_gap))
            {
                best = prev.clone();
                best_gap = gap;
            }
        }
        best.push(i);
        chain.push(best);
    }
    // Report maximal chains only (those not extended by a later request).
    let mut extended = vec![false; api.len()];
    for c in &chain {
        if c.len() >= 2 {
            for &k in c.iter().take(c.len() - 1) {
                if let Some(e) = extended.get_mut(k) {
                    *e = true;
                }
            }
        }
    }
    chain
        .iter()
        .enumerate()
        .filter(|(i, c)| c.len() >= WATERFALL_MIN && !extended.get(*i).copied().unwrap_or(true))
        .filter_map(|(_, c)| {
            let urls: Vec<String> = c
                .iter()
                .filter_map(|&k| api.get(k).map(|r| path_of(&r.url)))
                .collect();
            let first = api.get(*c.first()?)?;
            Some(finding(
                FindingKind::RequestWaterfalls,
                &first.url,
                format!(
                    "{} API requests ran one after another ({}); if they do not depend on each other, start them together",
                    urls.len(),
                    urls.join(" → ")
                ),
            ))
        })
        .collect()
}

/// Requests that failed (network error, or a 4xx/5xx status), render-blocking
/// ones called out. The document itself is left out: an errored document
/// fails the run.
pub fn failed(log: &[NetworkRecord]) -> Vec<Finding> {
    let first_document = log.iter().position(|r| r.resource_type == "Document");
    log.iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != first_document)
        .filter_map(|(_, r)| {
            // The browser's own favicon request is not the page's.
            if r.resource_type == "Other" && r.url.ends_with("/favicon.ico") {
                return None;
            }
            let why = match (&r.failed, r.status) {
                // A 404 stylesheet is aborted after its answer: the status says why.
                (_, Some(status)) if status >= 400 => format!("HTTP {status}"),
                (Some(error), _) if error.contains("(canceled)") => return None,
                (Some(error), _) => error.clone(),
                _ => return None,
            };
            let blocking = if r.render_blocking {
                "render-blocking "
            } else {
                ""
            };
            Some(
                Finding::new(
                    FindingKind::FailedRequests,
                    format!("{} {}", r.method, r.url),
                    r.url.clone(),
                    format!(
                        "{blocking}{} request failed: {why}",
                        r.resource_type.to_lowercase()
                    ),
                )
                .with_detail(model::Detail::Request { url: r.url.clone() }),
            )
        })
        .collect()
}

/// Requests neither finished nor failed when the run ended.
pub fn pending(log: &[NetworkRecord]) -> Vec<Finding> {
    log.iter()
        .filter(|r| !r.finished && r.failed.is_none() && r.end_s.is_none())
        // A worker's script finishes in the worker's session.
        .filter(|r| r.handed_to.is_none())
        // A response whose body the page never read (`fetch` without
        // `.json()`) is answered: not pending.
        .filter(|r| r.status.is_none())
        .map(|r| {
            Finding::new(
                FindingKind::PendingRequests,
                format!("{} {}", r.method, r.url),
                r.url.clone(),
                format!(
                    "{}{} request still waiting for its response when the run ended",
                    if r.render_blocking {
                        "render-blocking "
                    } else {
                        ""
                    },
                    r.resource_type.to_lowercase()
                ),
            )
            .with_detail(model::Detail::Request { url: r.url.clone() })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(url: &str, kind: &str, start: f64, end: f64) -> NetworkRecord {
        NetworkRecord {
            request_id: url.into(),
            url: url.into(),
            method: "GET".into(),
            resource_type: kind.into(),
            start_s: start,
            end_s: Some(end),
            finished: true,
            status: Some(200),
            mime_type: Some("application/json".into()),
            ..NetworkRecord::default()
        }
    }

    #[test]
    fn templates() {
        assert_eq!(
            url_template("http://h:1/api/items/42?x=1"),
            "http://h:1/api/items/{id}"
        );
        assert_eq!(
            url_template("https://h/u/3f2a9c1e-aaaa-bbbb-cccc-123456789012/posts"),
            "https://h/u/{id}/posts"
        );
        assert_eq!(url_template("/api/users/me"), "/api/users/me");
    }

    #[test]
    fn n_plus_one_needs_five_distinct_ids() {
        let mut log: Vec<_> = (1..=4)
            .map(|i| req(&format!("http://h/api/items/{i}"), "Fetch", 1.0, 1.1))
            .collect();
        assert!(n_plus_one(&log).is_empty());
        log.push(req("http://h/api/items/5", "Fetch", 1.0, 1.1));
        let found = n_plus_one(&log);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].subject, "http://h/api/items/{id}");
    }

    #[test]
    fn waterfall_chain_of_three() {
        let mut log = vec![
            req("http://h/api/a", "Fetch", 1.000, 1.100),
            req("http://h/api/b", "Fetch", 1.095, 1.200),
            req("http://h/api/c", "Fetch", 1.210, 1.300),
            req("http://h/api/d", "Fetch", 1.000, 1.050),
        ];
        // b starts when a's headers arrive, before a's body finished.
        log[0].headers_s = Some(1.090);
        let found = waterfalls(&log, &IssuingTasks::default());
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].message.contains("/api/a → /api/b → /api/c"),
            "{}",
            found[0].message
        );
        // Of two responses inside the gap, the closer one is taken as the cause.
        let tie = vec![
            req("http://h/api/x", "Fetch", 1.000, 1.060),
            req("http://h/api/a", "Fetch", 1.001, 1.090),
            req("http://h/api/b", "Fetch", 1.095, 1.200),
            req("http://h/api/c", "Fetch", 1.210, 1.300),
        ];
        let found = waterfalls(&tie, &IssuingTasks::default());
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.contains("/api/a → /api/b → /api/c"));
        // Requests of different targets (the page, an iframe, two workers)
        // that happen to follow each other are no chain.
        let mut targets = vec![
            req("http://h/api/a", "Fetch", 1.000, 1.100),
            req("http://h/api/b", "Fetch", 1.105, 1.200),
            req("http://h/api/c", "Fetch", 1.205, 1.300),
        ];
        targets[1].target = Some("iframe-1".into());
        targets[2].target = Some("worker-2".into());
        assert!(waterfalls(&targets, &IssuingTasks::default()).is_empty());
        targets[0].target = Some("worker-2".into());
        targets[1].target = Some("worker-2".into());
        assert_eq!(waterfalls(&targets, &IssuingTasks::default()).len(), 1);
        // Parallel requests are no waterfall.
        let parallel: Vec<_> = (0..5)
            .map(|i| req(&format!("http://h/api/{i}"), "Fetch", 1.0, 1.2))
            .collect();
        assert!(waterfalls(&parallel, &IssuingTasks::default()).is_empty());
    }

    #[test]
    fn fetches_of_one_task_spread_by_a_busy_machine_are_no_waterfall() {
        // One script task sends /api/1, /api/2 and /api/slow, but the busy
        // renderer sends each after the previous one answered; /api/second
        // is sent by the `then` after /api/first answered, /api/third after
        // /api/second.
        let log = vec![
            req("http://h/api/1", "Fetch", 1.000, 1.010),
            req("http://h/api/first", "Fetch", 1.001, 1.070),
            req("http://h/api/2", "Fetch", 1.020, 1.030),
            req("http://h/api/slow", "Fetch", 1.040, 1.640),
            req("http://h/api/second", "Fetch", 1.075, 1.140),
            req("http://h/api/third", "Fetch", 1.145, 1.210),
        ];
        let times_only = waterfalls(&log, &IssuingTasks::default());
        assert_eq!(times_only.len(), 2, "{times_only:?}");
        assert!(
            times_only[0]
                .message
                .contains("/api/1 → /api/2 → /api/slow")
        );
        let issued: IssuingTasks = [
            ("http://h/api/1", 0.999),
            ("http://h/api/first", 0.999),
            ("http://h/api/2", 0.999),
            ("http://h/api/slow", 0.999),
            ("http://h/api/second", 1.072),
            ("http://h/api/third", 1.142),
        ]
        .into_iter()
        .map(|(id, s)| (id.to_string(), s))
        .collect();
        let found = waterfalls(&log, &issued);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0]
                .message
                .contains("/api/first → /api/second → /api/third"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn compression_cache_and_slow_api() {
        let mut js = req("http://h/assets/app.3f9a1c2b.js", "Script", 1.0, 1.1);
        js.mime_type = Some("text/javascript".into());
        js.decoded_bytes = 5000;
        js.headers
            .insert("cache-control".into(), "max-age=600".into());
        let slow = req("http://h/api/slow", "XHR", 1.0, 1.7);
        let log = [js, slow];
        let kinds: Vec<&str> = [uncompressed(&log), short_cache(&log), slow_api(&log)]
            .concat()
            .iter()
            .map(|f| f.kind.id())
            .collect();
        assert_eq!(kinds, vec!["uncompressed", "short-cache", "slow-api"]);
        assert_eq!(
            max_age("public, max-age=31536000, immutable"),
            Some(31_536_000)
        );
        assert_eq!(max_age("no-store"), Some(0));
    }
}
