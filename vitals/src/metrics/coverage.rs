//! Unused JavaScript and CSS at load, as Lighthouse 12.8 computes them
//! (`core/computed/unused-javascript-summary.js`,
//! `core/audits/byte-efficiency/unused-javascript.js`,
//! `core/lib/script-helpers.js`, `core/computed/unused-css.js`): pure
//! functions of a run's coverage and network log.
//!
//! Per script: a character is unused when any function range covering it
//! never ran (count 0); the script's length is the largest range end; both
//! are scaled to the bytes transferred with the response's compression
//! ratio. Through the script's source map, each unused character counts for
//! the original module of the mapping it falls in (from a mapping's column
//! to the next mapping's on the same line, the last one to the end of the
//! line with its newline), as Lighthouse attributes them.

use std::collections::BTreeMap;

use model::vitals::{CoverageReport, ScriptUsage, SourceUsage, StylesheetUsage};
use project::packages::package_of;

use crate::gather::artifacts::{NetworkRecord, RunArtifacts, ScriptCoverage, StylesheetRules};
use crate::sourcemaps::{ScriptMap, Segments};

/// Lighthouse lists a script when its transferred unused bytes exceed this
/// (`UNUSED_BYTES_IGNORE_THRESHOLD`, 20 KiB).
pub use model::vitals::UNUSED_JS_THRESHOLD_BYTES;
/// Modules listed per script at most (the most unused).
pub const MAX_MODULES: usize = 50;
/// The module of generated code the source map gives no source.
pub const UNMAPPED: &str = model::vitals::UNMAPPED_SOURCE;
/// Longest script handled, in characters: a range ending past it is
/// clipped (V8 never reports one; a hand-edited artifact might).
const MAX_CONTENT: u64 = 1 << 30;

/// Lighthouse's `computeWaste` of one script.
#[derive(Debug, Clone, PartialEq)]
pub struct Waste {
    /// Whether each character (UTF-16 offset) is unused.
    pub unused_by_index: Vec<bool>,
    /// How many characters are unused.
    pub unused: u64,
    /// The largest range end (Lighthouse's `contentLength`).
    pub content_length: u64,
}

/// Marks every character of every range that never ran (`count == 0`) as
/// unused, whatever range nests in it: nothing inside a function that
/// never ran can have run.
pub fn waste(ranges: &[[u64; 3]]) -> Waste {
    let content_length = ranges
        .iter()
        .map(|r| r[1])
        .max()
        .unwrap_or(0)
        .min(MAX_CONTENT);
    let mut unused_by_index = vec![false; content_length as usize];
    for &[start, end, count] in ranges {
        if count == 0 {
            let end = end.min(content_length) as usize;
            if let Some(slots) = unused_by_index.get_mut(start as usize..end) {
                slots.fill(true);
            }
        }
    }
    let unused = unused_by_index.iter().filter(|u| **u).count() as u64;
    Waste {
        unused_by_index,
        unused,
        content_length,
    }
}

/// Whether the response was compressed on the wire (Lighthouse's
/// `isContentEncoded`: `content-encoding` gzip, br, deflate or zstd).
fn content_encoded(record: &NetworkRecord) -> bool {
    ["content-encoding", "x-content-encoding-over-network"]
        .iter()
        .filter_map(|name| record.headers.get(*name))
        .any(|value| matches!(value.as_str(), "gzip" | "br" | "deflate" | "zstd"))
}

/// Lighthouse's `estimateCompressedContentSize`: what `total` decoded
/// bytes of a `resource_type` cost on the wire. Without a request, a
/// typical ratio (stylesheets 0.2, scripts and documents 0.33); from a
/// request of that type, its body on the wire (the transfer less the
/// headers when compressed, the decoded size when not); from another
/// (inline code in a document), that request's ratio applied to `total`.
pub fn compressed_size(record: Option<&NetworkRecord>, total: u64, resource_type: &str) -> f64 {
    let Some(r) = record else {
        let factor = match resource_type {
            "Stylesheet" => 0.2,
            "Script" | "Document" => 0.33,
            _ => 0.5,
        };
        return (total as f64 * factor).round();
    };
    let mut content = r.transfer_bytes as f64;
    if !content_encoded(r) {
        content = r.decoded_bytes as f64;
    } else if let Some(headers) = r.headers_bytes.filter(|h| *h > 0) {
        content = (content - headers as f64).max(0.0);
    }
    if r.resource_type == resource_type {
        content
    } else {
        let ratio = if r.decoded_bytes > 0 {
            content / r.decoded_bytes as f64
        } else {
            1.0
        };
        (total as f64 * ratio).round()
    }
}

/// The request a script came from (Lighthouse's `getRequestForScript`):
/// the first with its URL, past redirects.
fn request_for<'a>(network: &'a [NetworkRecord], url: &str) -> Option<&'a NetworkRecord> {
    let redirect = |r: &NetworkRecord| r.status.is_some_and(|s| (300..400).contains(&s));
    network
        .iter()
        .find(|r| r.url == url && !redirect(r))
        .or_else(|| network.iter().find(|r| r.url == url))
}

/// Lighthouse's `estimateCompressionRatioForContent` for the script at
/// `url` (`length`: its source's length): its response's body on the wire
/// over its decoded size; 1 when nothing is known.
pub fn compression_ratio(network: &[NetworkRecord], url: &str, length: u64) -> f64 {
    let record = request_for(network, url);
    let content_length = record
        .map(|r| r.decoded_bytes)
        .filter(|b| *b > 0)
        .unwrap_or(length);
    if content_length == 0 {
        return 1.0;
    }
    compressed_size(record, content_length, "Script") / content_length as f64
}

/// Characters and unused characters of each original source of a script
/// (normalised names; [`UNMAPPED`] for code before a line's first mapping
/// or in a mapping without a source), over the script's lines
/// (`line_lengths`, split at `\n`, UTF-16 units). Every character of the
/// script counts for exactly one source; a mapping past the script's end
/// counts for nothing.
pub fn source_bytes(
    segments: &Segments,
    line_lengths: &[u64],
    waste: &Waste,
) -> BTreeMap<String, (u64, u64)> {
    let mut out: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let script_end: u64 =
        line_lengths.iter().sum::<u64>() + line_lengths.len().saturating_sub(1) as u64;
    let covered = waste.content_length;
    let mut add = |name: &str, start: u64, end: u64| {
        let end = end.min(script_end);
        if end <= start {
            return;
        }
        let (from, to) = (start.min(covered) as usize, end.min(covered) as usize);
        let unused = waste.unused_by_index[from..to]
            .iter()
            .filter(|u| **u)
            .count() as u64;
        let slot = out.entry(name.to_string()).or_default();
        slot.0 += end - start;
        slot.1 += unused;
    };
    let name = |source: Option<u32>| -> &str {
        source
            .and_then(|s| segments.sources.get(s as usize))
            .map_or(UNMAPPED, String::as_str)
    };
    let mut mappings = segments.mappings.iter().peekable();
    let mut offset = 0u64;
    for (line, len) in line_lengths.iter().enumerate() {
        // The line with its newline.
        let line_end = offset + len + 1;
        let (mut cursor, mut current) = (offset, UNMAPPED);
        while let Some(&&(at_line, col, source)) = mappings.peek() {
            if at_line as usize > line {
                break;
            }
            mappings.next();
            let at = (offset + u64::from(col)).min(line_end);
            add(current, cursor, at);
            cursor = at;
            current = name(source);
        }
        add(current, cursor, line_end);
        offset = line_end;
    }
    out
}

/// The modules of a script from its sources' bytes (at most
/// [`MAX_MODULES`], the most unused first) and the same summed per package,
/// with `ratio` the script's compression ratio.
fn modules_and_packages(
    bytes: &BTreeMap<String, (u64, u64)>,
    ratio: f64,
) -> (Vec<SourceUsage>, Vec<SourceUsage>) {
    let usage = |name: &str, package: Option<String>, (total, unused): (u64, u64)| SourceUsage {
        name: name.to_string(),
        package,
        total_bytes: total,
        unused_bytes: unused,
        unused_ratio: share(unused, total),
        wasted_bytes: scaled(unused, ratio),
    };
    let mut modules = Vec::new();
    let mut packages: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for (name, &(total, unused)) in bytes.iter().filter(|(_, b)| b.0 > 0) {
        let package = (name != UNMAPPED)
            .then(|| package_of(name).map(|p| p.name))
            .flatten();
        if let Some(package) = &package {
            let slot = packages.entry(package.clone()).or_default();
            slot.0 += total;
            slot.1 += unused;
        }
        modules.push(usage(name, package, (total, unused)));
    }
    let mut packages: Vec<SourceUsage> = packages
        .into_iter()
        .map(|(name, bytes)| usage(&name, None, bytes))
        .collect();
    let most_unused = |a: &SourceUsage, b: &SourceUsage| {
        b.unused_bytes
            .cmp(&a.unused_bytes)
            .then_with(|| a.name.cmp(&b.name))
    };
    modules.sort_by(most_unused);
    modules.truncate(MAX_MODULES);
    packages.sort_by(most_unused);
    (modules, packages)
}

/// `part / whole`, four decimals; 0 for an empty whole.
fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0
}

/// `bytes` scaled by a compression ratio, rounded as Lighthouse rounds.
fn scaled(bytes: u64, ratio: f64) -> u64 {
    (bytes as f64 * ratio).round().max(0.0) as u64
}

/// What the scripts of one URL add up to.
#[derive(Default)]
struct UrlTotals {
    scripts: usize,
    total: u64,
    unused: u64,
    /// The first script's source length (Lighthouse's `script.length`).
    length: Option<u64>,
    map: Option<String>,
    sources: Option<BTreeMap<String, (u64, u64)>>,
}

/// The original sources' bytes of one script, through its source map;
/// `None` without a usable map.
fn script_sources(script: &ScriptCoverage, waste: &Waste) -> Option<BTreeMap<String, (u64, u64)>> {
    let artifact = script.source_map.as_ref()?;
    let segments = ScriptMap::parse(artifact.map.as_bytes())?.segments()?;
    Some(source_bytes(&segments, &artifact.line_lengths, waste))
}

/// Every script URL's usage (the scripts of one URL summed), the most
/// transferred unused bytes first.
pub fn scripts(scripts: &[ScriptCoverage], network: &[NetworkRecord]) -> Vec<ScriptUsage> {
    let mut order: Vec<&str> = Vec::new();
    let mut by_url: BTreeMap<&str, UrlTotals> = BTreeMap::new();
    for script in scripts {
        let waste = waste(&script.ranges);
        if waste.content_length == 0 {
            continue;
        }
        let sources = script_sources(script, &waste);
        let totals = by_url.entry(script.url.as_str()).or_insert_with(|| {
            order.push(script.url.as_str());
            UrlTotals::default()
        });
        totals.scripts += 1;
        totals.total += waste.content_length;
        totals.unused += waste.unused;
        totals.length = totals
            .length
            .or(Some(script.length.unwrap_or(waste.content_length)));
        if let Some(sources) = sources {
            totals.map = totals
                .map
                .take()
                .or_else(|| script.source_map.as_ref().map(|m| m.url.clone()));
            let merged = totals.sources.get_or_insert_with(BTreeMap::new);
            for (name, (total, unused)) in sources {
                let slot = merged.entry(name).or_default();
                slot.0 += total;
                slot.1 += unused;
            }
        }
    }
    let mut out: Vec<ScriptUsage> = order
        .into_iter()
        .filter_map(|url| {
            let t = by_url.remove(url)?;
            let ratio = compression_ratio(network, url, t.length.unwrap_or(t.total));
            let (modules, packages) = t
                .sources
                .as_ref()
                .map(|s| modules_and_packages(s, ratio))
                .unwrap_or_default();
            Some(ScriptUsage {
                url: url.to_string(),
                inline: request_for(network, url).is_some_and(|r| r.resource_type == "Document"),
                scripts: t.scripts,
                total_bytes: t.total,
                unused_bytes: t.unused,
                unused_ratio: share(t.unused, t.total),
                transfer_bytes: scaled(t.total, ratio),
                wasted_bytes: scaled(t.unused, ratio),
                source_map: t.map,
                modules,
                packages,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.wasted_bytes
            .cmp(&a.wasted_bytes)
            .then_with(|| b.unused_bytes.cmp(&a.unused_bytes))
            .then_with(|| a.url.cmp(&b.url))
    });
    out
}

/// One stylesheet's usage (Lighthouse's `UnusedCSS.computeUsage`): the
/// used rules' characters against its whole text, scaled to the bytes
/// transferred (from the request of its URL with a body, the last one).
pub fn stylesheet(sheet: &StylesheetRules, network: &[NetworkRecord]) -> StylesheetUsage {
    let used: u64 = sheet
        .rules
        .iter()
        .filter(|r| r[2] != 0)
        .map(|r| r[1].saturating_sub(r[0]))
        .sum();
    let total = sheet.length;
    let unused = total.saturating_sub(used);
    let record = network
        .iter()
        .rfind(|r| r.decoded_bytes > 0 && !sheet.url.is_empty() && r.url == sheet.url);
    let compressed = compressed_size(record, total, "Stylesheet");
    let unused_ratio = share(unused, total);
    StylesheetUsage {
        url: sheet.url.clone(),
        inline: sheet.inline,
        total_bytes: total,
        used_bytes: used.min(total),
        unused_bytes: unused,
        unused_ratio,
        transfer_bytes: compressed.round().max(0.0) as u64,
        wasted_bytes: if total == 0 {
            0
        } else {
            (unused as f64 / total as f64 * compressed).round().max(0.0) as u64
        },
    }
}

/// The coverage report of a run, `None` when it gathered no coverage.
pub fn report(run: &RunArtifacts) -> Option<CoverageReport> {
    let coverage = run.coverage.as_ref()?;
    let mut stylesheets: Vec<StylesheetUsage> = coverage
        .stylesheets
        .iter()
        .filter(|s| s.length > 0)
        .map(|s| stylesheet(s, &run.network))
        .collect();
    stylesheets.sort_by(|a, b| {
        b.wasted_bytes
            .cmp(&a.wasted_bytes)
            .then_with(|| b.unused_bytes.cmp(&a.unused_bytes))
            .then_with(|| a.url.cmp(&b.url))
    });
    Some(CoverageReport {
        run: run.index,
        granularity: coverage.granularity,
        scripts: scripts(&coverage.scripts, &run.network),
        stylesheets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gather::artifacts::SourceMapArtifact;

    #[test]
    fn a_range_that_never_ran_is_unused_whatever_nests_in_it() {
        // The top level ran; `a` (10..40) never ran, nor did its inner
        // function (20..30, reported as run: impossible, still unused).
        let w = waste(&[[0, 100, 1], [10, 40, 0], [20, 30, 1], [60, 70, 0]]);
        assert_eq!(w.content_length, 100);
        assert_eq!(w.unused, 40);
        assert!(w.unused_by_index[10] && w.unused_by_index[25] && !w.unused_by_index[40]);
        assert_eq!(waste(&[]).content_length, 0);
        // A range past the end of a smaller one is clipped, not a panic.
        assert_eq!(waste(&[[5, 3, 0], [0, 4, 1]]).unused, 0);
    }

    fn record(
        url: &str,
        kind: &str,
        transfer: u64,
        decoded: u64,
        encoding: Option<&str>,
    ) -> NetworkRecord {
        let mut r = NetworkRecord {
            url: url.into(),
            resource_type: kind.into(),
            status: Some(200),
            transfer_bytes: transfer,
            decoded_bytes: decoded,
            headers_bytes: Some(200),
            ..NetworkRecord::default()
        };
        if let Some(e) = encoding {
            r.headers.insert("content-encoding".into(), e.into());
        }
        r
    }

    #[test]
    fn the_compression_ratio_is_lighthouses() {
        // Compressed: the body on the wire (transfer less headers) over the decoded size.
        let net = [record(
            "http://h/app.js",
            "Script",
            30_200,
            120_000,
            Some("br"),
        )];
        assert_eq!(compression_ratio(&net, "http://h/app.js", 120_000), 0.25);
        // Not compressed: 1, whatever the headers weigh.
        let net = [record("http://h/app.js", "Script", 120_200, 120_000, None)];
        assert_eq!(compression_ratio(&net, "http://h/app.js", 120_000), 1.0);
        // Inline: the document's ratio, applied to the document's size.
        let net = [record("http://h/", "Document", 2_200, 8_000, Some("gzip"))];
        assert_eq!(compression_ratio(&net, "http://h/", 500), 0.25);
        // No request: Lighthouse's 0.33 for scripts, rounded on the length.
        assert_eq!(compression_ratio(&[], "http://h/x.js", 1000), 0.33);
        assert_eq!(compression_ratio(&[], "http://h/x.js", 0), 1.0);
        // Stylesheets without a request: 0.2.
        assert_eq!(compressed_size(None, 1000, "Stylesheet"), 200.0);
    }

    #[test]
    fn unused_characters_go_to_the_mapping_they_fall_in() {
        // Two lines: "abcdefghij" (10) and "klmnop" (6). Line 0: columns
        // 0..4 from a.js, 4..10 (and its newline) from b.js; line 1: 0..2
        // unmapped (before the first mapping), 2..6 from a mapping with no
        // source.
        let segments = Segments {
            sources: vec!["src/a.js".into(), "node_modules/lib/b.js".into()],
            mappings: vec![(0, 0, Some(0)), (0, 4, Some(1)), (1, 2, None)],
        };
        // Unused: 2..6 (a.js 2, b.js 2) and 12..14 (line 1, unmapped).
        let w = waste(&[[0, 17, 1], [2, 6, 0], [12, 14, 0]]);
        let bytes = source_bytes(&segments, &[10, 6], &w);
        assert_eq!(bytes["src/a.js"], (4, 2));
        assert_eq!(bytes["node_modules/lib/b.js"], (7, 2));
        assert_eq!(bytes[UNMAPPED], (6, 2));
        let (modules, packages) = modules_and_packages(&bytes, 0.5);
        let names: Vec<(&str, Option<&str>, u64)> = modules
            .iter()
            .map(|m| (m.name.as_str(), m.package.as_deref(), m.wasted_bytes))
            .collect();
        assert_eq!(
            names,
            [
                ("(unmapped)", None, 1),
                ("node_modules/lib/b.js", Some("lib"), 1),
                ("src/a.js", None, 1)
            ]
        );
        assert_eq!(packages.len(), 1);
        assert_eq!(
            (packages[0].name.as_str(), packages[0].total_bytes),
            ("lib", 7)
        );
    }

    #[test]
    fn scripts_of_one_url_are_summed_and_scaled() {
        let map = r#"{"version":3,"sources":["../src/a.js","../src/b.js"],"names":[],"mappings":"AAAA,UCAA"}"#;
        let script =
            |id: &str, url: &str, ranges: Vec<[u64; 3]>, map: Option<&str>| ScriptCoverage {
                script_id: id.into(),
                url: url.into(),
                length: Some(ranges[0][1]),
                ranges,
                source_map: map.map(|m| SourceMapArtifact {
                    url: "http://h/app.js.map".into(),
                    map: m.into(),
                    line_lengths: vec![20],
                }),
            };
        let list = [
            script("1", "http://h/", vec![[0, 100, 1], [10, 60, 0]], None),
            script("2", "http://h/", vec![[0, 50, 1], [0, 50, 0]], None),
            script(
                "3",
                "http://h/app.js",
                vec![[0, 20, 1], [12, 20, 0]],
                Some(map),
            ),
        ];
        let net = [
            record("http://h/", "Document", 1_700, 6_000, Some("gzip")),
            record("http://h/app.js", "Script", 210, 20, None),
        ];
        let usage = scripts(&list, &net);
        assert_eq!(usage.len(), 2);
        let doc = &usage[0];
        assert_eq!(
            (doc.url.as_str(), doc.inline, doc.scripts),
            ("http://h/", true, 2)
        );
        assert_eq!(
            (doc.total_bytes, doc.unused_bytes, doc.unused_ratio),
            (150, 100, 0.6667)
        );
        assert_eq!((doc.transfer_bytes, doc.wasted_bytes), (38, 25));
        let app = &usage[1];
        assert_eq!(
            (app.unused_bytes, app.wasted_bytes, app.inline),
            (8, 8, false)
        );
        // src/a.js: columns 0..10; src/b.js: 10..20 (with the newline past the end).
        let modules: Vec<(&str, u64, u64)> = app
            .modules
            .iter()
            .map(|m| (m.name.as_str(), m.total_bytes, m.unused_bytes))
            .collect();
        assert_eq!(modules, [("src/b.js", 10, 8), ("src/a.js", 10, 0)]);
        assert_eq!(app.source_map.as_deref(), Some("http://h/app.js.map"));
    }

    #[test]
    fn a_stylesheet_counts_its_used_rules_against_its_text() {
        let sheet = StylesheetRules {
            style_sheet_id: "s1".into(),
            url: "http://h/style.css".into(),
            inline: false,
            length: 1000,
            rules: vec![[0, 100, 1], [100, 250, 1], [300, 900, 0]],
        };
        let net = [record(
            "http://h/style.css",
            "Stylesheet",
            400,
            1000,
            Some("br"),
        )];
        let usage = stylesheet(&sheet, &net);
        assert_eq!((usage.used_bytes, usage.unused_bytes), (250, 750));
        assert_eq!(usage.unused_ratio, 0.75);
        assert_eq!((usage.transfer_bytes, usage.wasted_bytes), (200, 150));
        // A constructed stylesheet has no request: Lighthouse's 0.2.
        let constructed = StylesheetRules {
            url: String::new(),
            ..sheet
        };
        assert_eq!(stylesheet(&constructed, &net).transfer_bytes, 200);
    }
}
