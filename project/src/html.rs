//! Gathering: what an HTML page loads before it is usable.
//!
//! A small tolerant tag scanner (no DOM): `<script src>` (classic and
//! `type="module"`, but not `nomodule`, which modern browsers skip),
//! `<link rel="modulepreload">` and `<link rel="stylesheet">`. Comments and the
//! content of `<script>`/`<style>` elements are skipped. Malformed markup never
//! fails: the scanner just stops finding tags.

/// A reference from an HTML page to an asset it loads initially.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlRef {
    /// The URL as written (`/assets/index-abc.js`, `./app.js`).
    pub url: String,
    /// `script`, `module`, `modulepreload` or `stylesheet`.
    pub kind: &'static str,
}

/// Scans `html` for the assets it loads initially, in document order.
pub fn scan(html: &str) -> Vec<HtmlRef> {
    let bytes = html.as_bytes();
    let lower = html.to_ascii_lowercase();
    let mut refs = Vec::new();
    let mut pos = 0;
    while let Some(offset) = lower.get(pos..).and_then(|rest| rest.find('<')) {
        let start = pos + offset;
        if lower.get(start..).is_some_and(|r| r.starts_with("<!--")) {
            pos = match lower.get(start + 4..).and_then(|r| r.find("-->")) {
                Some(end) => start + 4 + end + 3,
                None => break,
            };
            continue;
        }
        let name_start = start + 1;
        let name_len = bytes.get(name_start..).map_or(0, |r| {
            r.iter().take_while(|b| b.is_ascii_alphanumeric()).count()
        });
        let name = lower.get(name_start..name_start + name_len).unwrap_or("");
        let (attrs, tag_end) = parse_attributes(html, name_start + name_len);
        pos = tag_end.max(start + 1);
        match name {
            "script" => {
                let nomodule = attrs.iter().any(|(k, _)| k == "nomodule");
                let module = attr(&attrs, "type").is_some_and(|t| t.eq_ignore_ascii_case("module"));
                if let Some(src) = attr(&attrs, "src")
                    && !nomodule
                    && !src.trim().is_empty()
                {
                    refs.push(HtmlRef {
                        url: src.trim().to_string(),
                        kind: if module { "module" } else { "script" },
                    });
                }
                pos = skip_element_content(&lower, pos, "</script");
            }
            "style" => pos = skip_element_content(&lower, pos, "</style"),
            "link" => {
                let rel = attr(&attrs, "rel").unwrap_or("").to_ascii_lowercase();
                let href = attr(&attrs, "href").map(str::trim).unwrap_or("");
                if href.is_empty() {
                    continue;
                }
                for token in rel.split_ascii_whitespace() {
                    let kind = match token {
                        "modulepreload" => "modulepreload",
                        "stylesheet" => "stylesheet",
                        _ => continue,
                    };
                    refs.push(HtmlRef {
                        url: href.to_string(),
                        kind,
                    });
                    break;
                }
            }
            _ => {}
        }
    }
    refs
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn skip_element_content(lower: &str, pos: usize, close: &str) -> usize {
    match lower.get(pos..).and_then(|r| r.find(close)) {
        Some(end) => pos + end + close.len(),
        None => lower.len(),
    }
}

/// Parses `name="value"` pairs from `pos` up to the closing `>`; returns the
/// attributes (names lowercased) and the position after the tag.
fn parse_attributes(html: &str, mut pos: usize) -> (Vec<(String, String)>, usize) {
    let bytes = html.as_bytes();
    let mut attrs = Vec::new();
    loop {
        while bytes
            .get(pos)
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'/')
        {
            pos += 1;
        }
        match bytes.get(pos) {
            None => return (attrs, pos),
            Some(b'>') => return (attrs, pos + 1),
            _ => {}
        }
        let name_start = pos;
        while bytes
            .get(pos)
            .is_some_and(|b| !b.is_ascii_whitespace() && !matches!(b, b'=' | b'>' | b'/'))
        {
            pos += 1;
        }
        let name = html.get(name_start..pos).unwrap_or("").to_ascii_lowercase();
        while bytes.get(pos).is_some_and(u8::is_ascii_whitespace) {
            pos += 1;
        }
        let mut value = String::new();
        if bytes.get(pos) == Some(&b'=') {
            pos += 1;
            while bytes.get(pos).is_some_and(u8::is_ascii_whitespace) {
                pos += 1;
            }
            match bytes.get(pos) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let value_start = pos + 1;
                    let end = bytes
                        .get(value_start..)
                        .and_then(|r| r.iter().position(|b| *b == quote))
                        .map_or(bytes.len(), |e| value_start + e);
                    value = html.get(value_start..end).unwrap_or("").to_string();
                    pos = (end + 1).min(bytes.len());
                }
                _ => {
                    let value_start = pos;
                    while bytes
                        .get(pos)
                        .is_some_and(|b| !b.is_ascii_whitespace() && *b != b'>')
                    {
                        pos += 1;
                    }
                    value = html.get(value_start..pos).unwrap_or("").to_string();
                }
            }
        }
        if name.is_empty() {
            pos += 1;
        } else {
            attrs.push((name, decode_entities(&value)));
        }
    }
}

fn decode_entities(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    value
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_scripts_preloads_and_stylesheets() {
        let html = r#"<!doctype html><html><head>
<!-- <script src="commented.js"></script> -->
<script type="module" crossorigin src="/assets/index-abc.js"></script>
<link rel="modulepreload" crossorigin href="/assets/vendor.js">
<link rel=stylesheet href=/assets/index.css>
<link rel="icon" href="/favicon.ico">
<script nomodule src="legacy.js"></script>
<script>var s = "<script src='fake.js'></script>";</script>
<SCRIPT SRC='classic.js' defer></SCRIPT>
</head></html>"#;
        let refs = scan(html);
        let got: Vec<(&str, &str)> = refs.iter().map(|r| (r.url.as_str(), r.kind)).collect();
        assert_eq!(
            got,
            vec![
                ("/assets/index-abc.js", "module"),
                ("/assets/vendor.js", "modulepreload"),
                ("/assets/index.css", "stylesheet"),
                ("classic.js", "script"),
            ]
        );
    }

    #[test]
    fn truncated_markup_does_not_panic() {
        for html in [
            "<script src=\"a.js",
            "<link rel='stylesheet' href=",
            "<",
            "<!--",
            "<script",
        ] {
            let _ = scan(html);
        }
    }
}
