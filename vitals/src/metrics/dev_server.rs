//! Recognising a development server from what the page loaded: its
//! transfer findings (uncompressed responses, short caching) are normal
//! there and say nothing about production, and its load metrics are
//! development numbers.
//!
//! - Vite (and what runs on it: React Router dev, SvelteKit, Astro): the
//!   page loads `/@vite/client`.
//! - Next.js `next dev`: `/_next/webpack-hmr` (webpack) or
//!   `/_next/static/chunks/...turbopack...` with `/_next/webpack-hmr`'s
//!   successor; Next.js dev also serves `/__nextjs_original-stack-frame`.
//! - webpack-dev-server / Create React App: `/sockjs-node` or a
//!   `*.hot-update.json`; `/__webpack_hmr` (webpack-hot-middleware). Not
//!   `/ws` alone: production apps serve WebSockets there too, and a wrong
//!   "development server" would hide their transfer findings.
//! - Parcel: `/__parcel_hmr` or a `parcel` HMR runtime script.

use model::{Finding, FindingKind};

use crate::gather::artifacts::RunArtifacts;

/// The development server the page was served by, by name, if any.
pub fn detect(runs: &[RunArtifacts]) -> Option<&'static str> {
    runs.iter()
        .flat_map(|r| &r.network)
        .find_map(|request| of_url(&request.url))
}

/// The development server a request's URL belongs to, if it is one of
/// theirs.
pub fn of_url(url: &str) -> Option<&'static str> {
    let path = url
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
        .unwrap_or(url);
    let path = path.split(['?', '#']).next().unwrap_or(path);
    if path == "/@vite/client" || path.starts_with("/@vite/") || path == "/@react-refresh" {
        Some("Vite")
    } else if path.starts_with("/_next/webpack-hmr") || path.starts_with("/__nextjs_") {
        Some("Next.js (next dev)")
    } else if path.starts_with("/sockjs-node")
        || path.starts_with("/__webpack_hmr")
        || path.ends_with(".hot-update.json")
    {
        Some("webpack-dev-server")
    } else if path.starts_with("/__parcel_hmr") {
        Some("Parcel")
    } else {
        None
    }
}

/// On a development server, the findings of the transfer kinds
/// (`uncompressed`, `short-cache`) become one finding per kind that says
/// how many responses there were and why they do not count; the other
/// findings are kept as they are.
pub fn summarise_transfer(findings: Vec<Finding>, server: &str, origin: &str) -> Vec<Finding> {
    let mut out = Vec::with_capacity(findings.len());
    let mut counts: Vec<(FindingKind, usize)> = Vec::new();
    for f in findings {
        if matches!(
            f.kind,
            FindingKind::UncompressedResponses | FindingKind::ShortCache
        ) {
            match counts.iter_mut().find(|(k, _)| *k == f.kind) {
                Some((_, n)) => *n += 1,
                None => counts.push((f.kind, 1)),
            }
        } else {
            out.push(f);
        }
    }
    for (kind, n) in counts {
        let what = match kind {
            FindingKind::UncompressedResponses => "served without compression",
            _ => "served without long caching",
        };
        out.push(Finding::new(
            kind,
            "development-server",
            origin,
            format!(
                "{n} response{} {what}: normal for a development server ({server}); measure a production build for transfer findings",
                if n == 1 { "" } else { "s" }
            ),
        ));
    }
    out.sort_by_key(|f| f.kind);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn development_servers_are_recognised_by_their_urls() {
        for (url, server) in [
            ("http://localhost:5173/@vite/client", Some("Vite")),
            ("http://localhost:5173/@react-refresh", Some("Vite")),
            (
                "http://localhost:3000/_next/webpack-hmr?id=1",
                Some("Next.js (next dev)"),
            ),
            (
                "http://localhost:3000/sockjs-node/info",
                Some("webpack-dev-server"),
            ),
            ("http://localhost:8080/ws", None),
            (
                "http://localhost:8080/main.4f2a.hot-update.json",
                Some("webpack-dev-server"),
            ),
            ("http://localhost:1234/__parcel_hmr", Some("Parcel")),
            ("http://127.0.0.1:4173/assets/index-abc.js", None),
            ("http://127.0.0.1:4173/api/ws", None),
            ("http://127.0.0.1:4173/docs/@vite/client-guide", None),
        ] {
            assert_eq!(of_url(url), server, "{url}");
        }
    }

    #[test]
    fn a_run_that_loaded_the_vite_client_came_from_vite() {
        use crate::gather::artifacts::NetworkRecord;
        use crate::profile::ProfileName;
        let run = |urls: &[&str]| {
            let mut run = crate::gather::run::failed_run(
                0,
                "http://localhost:5173/",
                ProfileName::Desktop.profile(),
                model::Diagnostic::new("", ""),
            );
            run.network = urls
                .iter()
                .map(|u| NetworkRecord {
                    url: u.to_string(),
                    ..NetworkRecord::default()
                })
                .collect();
            run
        };
        let dev = run(&[
            "http://localhost:5173/",
            "http://localhost:5173/@vite/client",
            "http://localhost:5173/src/main.tsx",
        ]);
        let built = run(&[
            "http://127.0.0.1:4173/",
            "http://127.0.0.1:4173/assets/index-abc123.js",
        ]);
        assert_eq!(detect(&[built.clone(), dev]), Some("Vite"));
        assert_eq!(detect(&[built]), None);
    }

    #[test]
    fn transfer_findings_become_one_line_each() {
        let f = |kind, key: &str| Finding::new(kind, key, key, "m");
        let findings = vec![
            f(FindingKind::FailedRequests, "/missing.css"),
            f(FindingKind::UncompressedResponses, "/src/a.tsx"),
            f(FindingKind::UncompressedResponses, "/src/b.tsx"),
            f(FindingKind::ShortCache, "/node_modules/.vite/deps/react.js"),
        ];
        let out = summarise_transfer(findings, "Vite", "http://localhost:5173");
        let kinds: Vec<(FindingKind, &str)> =
            out.iter().map(|f| (f.kind, f.key.as_str())).collect();
        assert_eq!(
            kinds,
            [
                (FindingKind::UncompressedResponses, "development-server"),
                (FindingKind::ShortCache, "development-server"),
                (FindingKind::FailedRequests, "/missing.css"),
            ]
        );
        assert!(
            out[0]
                .message
                .starts_with("2 responses served without compression")
        );
        assert!(out[0].message.contains("(Vite)"));
        assert!(out[1].message.starts_with("1 response served"));
    }
}
