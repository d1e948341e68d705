//! When a page has navigated away from what a run measures.
//!
//! A run measures one page. Its main frame commits a first document (the
//! requested URL, after any server redirects), and may then commit others:
//! a client-side redirect (`location.href = …`, a meta refresh, a
//! `location.replace`) is followed and measured at its final document, as
//! Lighthouse does. Same-document changes (`#fragment`, `history.pushState`)
//! commit no document and never count here.
//!
//! The rule: a later document makes the page **navigate away** when it is
//! - not a web page (`about:blank`, `data:`, `blob:`, `file:`, an error page:
//!   any scheme but `http`/`https`; for an error page the URL that failed);
//! - on another origin (scheme, host and port) than the first document: a
//!   redirect to another site leaves the site being measured;
//! - or the client-side navigation number [`MAX_CLIENT_NAVIGATIONS`] + 1 or
//!   later: a redirect needs a hop or two (`/` → `/en/` → `/en/home`), a page
//!   that keeps navigating (a reload loop, `location.href = location.href`
//!   on every load) is never done loading.
//!
//! A run that navigated away does not count (it ends at once, with the
//! URL it went to).

/// Client-side navigations of the main frame a run follows; one more is a loop.
pub const MAX_CLIENT_NAVIGATIONS: usize = 3;

/// The main frame's committed documents, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MainFrameDocuments {
    urls: Vec<String>,
}

impl MainFrameDocuments {
    /// The main frame committed a document at `url`; `unreachable_url` is
    /// the URL an error page stands for (CDP's `Frame.unreachableUrl`).
    pub fn committed(&mut self, url: &str, unreachable_url: Option<&str>) {
        // The blank page a target opens with is no document of the run.
        if self.urls.is_empty() && url == "about:blank" {
            return;
        }
        let url = unreachable_url.filter(|u| !u.is_empty()).unwrap_or(url);
        self.urls.push(url.to_string());
    }

    /// Where the page went when it navigated away (by the rule of this
    /// module): `navigated away to <URL> (<why>)`; `None` while it did not.
    pub fn navigated_away(&self) -> Option<String> {
        let first = self.urls.first()?;
        let site = origin(first);
        for (n, url) in self.urls.iter().enumerate().skip(1) {
            let why = match origin(url) {
                None => format!(
                    "not a web page; the run measures {}",
                    site.as_deref().unwrap_or(first)
                ),
                Some(other) if site.as_ref().is_some_and(|site| *site != other) => {
                    format!(
                        "another origin than {}",
                        site.as_deref().unwrap_or_default()
                    )
                }
                _ if n > MAX_CLIENT_NAVIGATIONS => format!(
                    "client-side navigation {n}; a redirect takes at most {MAX_CLIENT_NAVIGATIONS}: a loop"
                ),
                _ => continue,
            };
            return Some(format!(
                "navigated away to {} ({why})",
                model::diagnostic::quote(url)
            ));
        }
        None
    }
}

/// `scheme://host:port` of an `http`/`https` URL, lowercased, with the
/// scheme's default port; `None` for any other URL.
fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => "80",
        "https" => "443",
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    // `[::1]:8080`: the port follows the bracket.
    let (host, port) = match host_port.rfind(':') {
        Some(at) if !host_port[at..].contains(']') => (&host_port[..at], &host_port[at + 1..]),
        _ => (host_port, ""),
    };
    let port = if port.is_empty() { default_port } else { port };
    Some(format!("{scheme}://{}:{port}", host.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn documents(urls: &[&str]) -> MainFrameDocuments {
        let mut docs = MainFrameDocuments::default();
        for url in urls {
            docs.committed(url, None);
        }
        docs
    }

    #[test]
    fn a_same_origin_redirect_is_followed() {
        let docs = documents(&[
            "about:blank",
            "http://127.0.0.1:4000/hostile/navaway.html",
            "http://127.0.0.1:4000/index.html",
        ]);
        assert_eq!(docs.navigated_away(), None);
        // A fragment, the default port written out, host case: same origin.
        let docs = documents(&["http://Example.com/a", "http://example.com:80/b#x"]);
        assert_eq!(docs.navigated_away(), None);
        // Three hops are still a redirect; the first document alone too.
        let docs = documents(&[
            "http://a.test/",
            "http://a.test/1",
            "http://a.test/2",
            "http://a.test/3",
        ]);
        assert_eq!(docs.navigated_away(), None);
        assert_eq!(documents(&["http://a.test/"]).navigated_away(), None);
    }

    #[test]
    fn blank_pages_other_origins_and_loops_are_navigating_away() {
        let away = documents(&["http://127.0.0.1:4000/a.html", "about:blank"])
            .navigated_away()
            .unwrap();
        assert!(
            away.starts_with("navigated away to about:blank (not a web page"),
            "{away}"
        );
        assert!(away.contains("http://127.0.0.1:4000"), "{away}");
        let away = documents(&["http://127.0.0.1:4000/a.html", "http://localhost:4000/"])
            .navigated_away()
            .unwrap();
        assert!(away.starts_with("navigated away to http://localhost:4000/ (another origin than http://127.0.0.1:4000)"), "{away}");
        let away = documents(&["https://a.test/", "http://a.test/"]).navigated_away();
        assert!(away.is_some_and(|a| a.contains("another origin")));
        let away = documents(&["http://a.test:1/", "http://a.test:2/"]).navigated_away();
        assert!(away.is_some_and(|a| a.contains("another origin")));
        let mut loop_ = vec!["http://a.test/r"; MAX_CLIENT_NAVIGATIONS + 2];
        loop_.insert(0, "about:blank");
        let away = documents(&loop_).navigated_away().unwrap();
        assert!(
            away.starts_with("navigated away to http://a.test/r (client-side navigation 4;"),
            "{away}"
        );
        assert!(away.ends_with("a loop)"), "{away}");
    }

    #[test]
    fn an_error_page_stands_for_the_url_that_failed() {
        let mut docs = documents(&["http://a.test/"]);
        docs.committed("chrome-error://chromewebdata/", Some("http://b.test/x"));
        let away = docs.navigated_away().unwrap();
        assert!(
            away.starts_with("navigated away to http://b.test/x"),
            "{away}"
        );
        let mut docs = documents(&["http://a.test/"]);
        docs.committed("chrome-error://chromewebdata/", None);
        assert!(docs.navigated_away().unwrap().contains("chrome-error://"));
    }

    #[test]
    fn origins() {
        assert_eq!(origin("http://a.test").as_deref(), Some("http://a.test:80"));
        assert_eq!(
            origin("HTTPS://u:p@A.test:8443/x?y").as_deref(),
            Some("https://a.test:8443")
        );
        assert_eq!(
            origin("http://[::1]:8080/").as_deref(),
            Some("http://[::1]:8080")
        );
        assert_eq!(origin("http://[::1]/").as_deref(), Some("http://[::1]:80"));
        assert_eq!(origin("about:blank"), None);
        assert_eq!(origin("data:text/html,hi"), None);
        assert_eq!(origin("file:///etc/passwd"), None);
    }
}
