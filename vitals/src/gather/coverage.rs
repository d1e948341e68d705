//! JavaScript and CSS coverage of one load, gathered as Lighthouse does:
//! V8's precise coverage at function granularity started before the
//! navigation and taken when the run settles (its js-usage gatherer), each
//! script's source read through the Debugger domain and its source map
//! fetched (its scripts and source-maps gatherers), and Chromium's CSS rule
//! usage after the load (its css-usage and stylesheets gatherers).
//!
//! The Debugger and CSS domains are enabled only after the run settled and
//! the network listeners stopped: nothing they do lands in the load's
//! trace or network log.

use std::time::Duration;

use chromiumoxide::Page;
use chromiumoxide::cdp::browser_protocol::css::{
    DisableParams as CssDisable, EnableParams as CssEnable, EventStyleSheetAdded,
    StartRuleUsageTrackingParams, StopRuleUsageTrackingParams,
};
use chromiumoxide::cdp::browser_protocol::dom::{
    DisableParams as DomDisable, EnableParams as DomEnable,
};
use chromiumoxide::cdp::js_protocol::debugger::{
    DisableParams as DebuggerDisable, EnableParams as DebuggerEnable, GetScriptSourceParams,
    SetSkipAllPausesParams,
};
use chromiumoxide::cdp::js_protocol::profiler::{
    DisableParams as ProfilerDisable, EnableParams as ProfilerEnable,
    ScriptCoverage as CdpScriptCoverage, StartPreciseCoverageParams, StopPreciseCoverageParams,
    TakePreciseCoverageParams,
};
use chromiumoxide::cdp::js_protocol::runtime::EvaluateParams;
use futures::StreamExt as _;
use model::vitals::CoverageGranularity;
use tokio::time::Instant;

use super::artifacts::{CoverageArtifacts, ScriptCoverage, SourceMapArtifact, StylesheetRules};
use crate::sourcemaps;

/// Scripts whose source and map are read at most (a page decides how many
/// it loads); the others keep their ranges only.
const MAX_SOURCES: usize = 300;

/// Longest source map fetched (a larger one is skipped).
const MAX_MAP_BYTES: usize = 64 * 1024 * 1024;

async fn until<T>(deadline: Instant, fut: impl std::future::Future<Output = T>) -> Option<T> {
    tokio::time::timeout_at(deadline, fut).await.ok()
}

/// Starts V8's precise coverage, before the navigation, without call
/// counts: function granularity (`detailed: false`) as Lighthouse's
/// js-usage gatherer, or block granularity when asked. Whether it started.
pub async fn start(page: &Page, granularity: CoverageGranularity, deadline: Instant) -> bool {
    if !matches!(
        until(deadline, page.execute(ProfilerEnable::default())).await,
        Some(Ok(_))
    ) {
        return false;
    }
    let params = StartPreciseCoverageParams::builder()
        .call_count(false)
        .detailed(granularity == CoverageGranularity::Block)
        .build();
    matches!(until(deadline, page.execute(params)).await, Some(Ok(_)))
}

/// Takes the coverage when the run settled and stops collecting it.
/// `None` when the page did not answer.
pub async fn take(page: &Page, deadline: Instant) -> Option<Vec<ScriptCoverage>> {
    let taken = until(deadline, page.execute(TakePreciseCoverageParams::default()))
        .await?
        .ok()?;
    let scripts = scripts_of(&taken.result.result);
    let _ = until(deadline, page.execute(StopPreciseCoverageParams::default())).await;
    let _ = until(deadline, page.execute(ProfilerDisable::default())).await;
    Some(scripts)
}

/// The scripts of the page in a coverage answer: those with a URL (not
/// `eval`, `new Function`, nor the evaluations of chromiumoxide or
/// Puppeteer, named `…_evaluation_script__`), as Lighthouse's js-usage
/// gatherer keeps them.
pub fn scripts_of(result: &[CdpScriptCoverage]) -> Vec<ScriptCoverage> {
    result
        .iter()
        .filter(|s| !s.url.is_empty() && !s.url.ends_with("_evaluation_script__"))
        .map(|s| ScriptCoverage {
            script_id: s.script_id.inner().clone(),
            url: s.url.clone(),
            ranges: s
                .functions
                .iter()
                .flat_map(|f| &f.ranges)
                .map(|r| {
                    [
                        r.start_offset.max(0) as u64,
                        r.end_offset.max(0) as u64,
                        r.count.max(0) as u64,
                    ]
                })
                .collect(),
            length: None,
            source_map: None,
        })
        .collect()
}

/// Reads each script's source (its length, and the line lengths and map
/// when it references one) and the stylesheets' rule usage, by
/// `deadline`. Problems are returned as messages for the run's diagnostics.
pub async fn complete(
    page: &Page,
    scripts: Vec<ScriptCoverage>,
    granularity: CoverageGranularity,
    deadline: Instant,
) -> (CoverageArtifacts, Vec<String>) {
    let mut problems = Vec::new();
    let scripts = read_sources(page, scripts, deadline, &mut problems).await;
    let stylesheets = match css_usage(page, deadline).await {
        Some(sheets) => sheets,
        None => {
            problems.push("CSS rule usage could not be read; unused CSS is not measured".into());
            Vec::new()
        }
    };
    (
        CoverageArtifacts {
            scripts,
            stylesheets,
            granularity,
        },
        problems,
    )
}

/// Enables the Debugger (pauses skipped: a `debugger;` statement must not
/// stop the page) and reads each script's source, then its map.
async fn read_sources(
    page: &Page,
    mut scripts: Vec<ScriptCoverage>,
    deadline: Instant,
    problems: &mut Vec<String>,
) -> Vec<ScriptCoverage> {
    if !matches!(
        until(deadline, page.execute(DebuggerEnable::default())).await,
        Some(Ok(_))
    ) {
        problems.push("the Debugger domain did not start: scripts have no source maps".into());
        return scripts;
    }
    let _ = until(deadline, page.execute(SetSkipAllPausesParams::new(true))).await;
    if scripts.len() > MAX_SOURCES {
        problems.push(format!(
            "{} scripts; the first {MAX_SOURCES} are mapped to their modules",
            scripts.len()
        ));
    }
    // A few at a time: each is a round trip to the page (and a fetch).
    let read: Vec<Option<(u64, Option<SourceMapArtifact>)>> = futures::stream::iter(
        scripts
            .iter()
            .take(MAX_SOURCES)
            .map(|s| read_source(page, s.script_id.clone(), s.url.clone(), deadline)),
    )
    .buffered(4)
    .collect()
    .await;
    let mut late = 0;
    for (script, read) in scripts.iter_mut().zip(read) {
        match read {
            Some((length, map)) => {
                script.length = Some(length);
                script.source_map = map;
            }
            None if Instant::now() >= deadline => late += 1,
            None => {}
        }
    }
    if late > 0 {
        problems.push(format!(
            "the run's time ran out before {late} script(s) were read; they are counted without their modules"
        ));
    }
    let _ = until(deadline, page.execute(DebuggerDisable::default())).await;
    scripts
}

/// One script's source length (UTF-16 units) and, when it references a map
/// the page can fetch, the map with the script's line lengths. `None` when
/// the source could not be read by `deadline`.
async fn read_source(
    page: &Page,
    script_id: String,
    url: String,
    deadline: Instant,
) -> Option<(u64, Option<SourceMapArtifact>)> {
    let source = until(
        deadline,
        page.execute(GetScriptSourceParams::new(script_id)),
    )
    .await?
    .ok()?;
    let text = &source.result.script_source;
    let map = match map_url(&url, text) {
        Some(map_url) => fetch_text(page, &map_url, deadline)
            .await
            .map(|map| map_artifact(&map_url, map, text)),
        None => None,
    };
    Some((utf16_length(text), map))
}

/// A script's length in UTF-16 code units (V8's offsets).
pub fn utf16_length(text: &str) -> u64 {
    text.encode_utf16().count() as u64
}

/// The URL of the map a script's source references, resolved against the
/// script's URL.
pub fn map_url(script_url: &str, text: &str) -> Option<String> {
    sourcemaps::map_reference(text).and_then(|r| resolve(script_url, &r))
}

/// The artifact of a fetched map of the script whose source is `text`.
pub fn map_artifact(map_url: &str, map: String, text: &str) -> SourceMapArtifact {
    SourceMapArtifact {
        url: shown_url(map_url),
        map,
        line_lengths: line_lengths(text),
    }
}

/// The length of each line of `text` split at `\n`, in UTF-16 code units.
pub fn line_lengths(text: &str) -> Vec<u64> {
    text.split('\n')
        .map(|line| line.encode_utf16().count() as u64)
        .collect()
}

/// The map's URL, resolved against the script's.
fn resolve(script_url: &str, reference: &str) -> Option<String> {
    if reference.starts_with("data:") {
        return Some(reference.to_string());
    }
    Some(
        url::Url::parse(script_url)
            .ok()?
            .join(reference)
            .ok()?
            .to_string(),
    )
}

/// A URL as the artifacts keep it: a `data:` URL cut short.
fn shown_url(url: &str) -> String {
    if url.starts_with("data:") {
        url.chars().take(64).collect()
    } else {
        url.to_string()
    }
}

/// The expression that fetches `url` as text, at most [`MAX_MAP_BYTES`]
/// (`null` when it fails).
pub fn fetch_expression(url: &str) -> Option<String> {
    Some(format!(
        "fetch({}).then(r => r.ok ? r.text() : null).then(t => t && t.length <= {MAX_MAP_BYTES} ? t : null).catch(() => null)",
        serde_json::to_string(url).ok()?
    ))
}

/// A text fetched by the page (so with its origin, cookies and service
/// worker), at most [`MAX_MAP_BYTES`]; `None` when it fails.
async fn fetch_text(page: &Page, url: &str, deadline: Instant) -> Option<String> {
    let expression = fetch_expression(url)?;
    let params = EvaluateParams::builder()
        .expression(expression)
        .return_by_value(true)
        .await_promise(true)
        .build()
        .ok()?;
    let limit = deadline.min(Instant::now() + Duration::from_secs(10));
    let result = until(limit, page.execute(params)).await?.ok()?;
    match result.result.result.value.clone()? {
        serde_json::Value::String(text) => Some(text),
        _ => None,
    }
}

/// The page's stylesheets and which of their rules are used now, as
/// Lighthouse's css-usage and stylesheets gatherers read them after the
/// load: `CSS.enable` announces every stylesheet, rule usage tracking
/// started and stopped at once gives every rule's state. `None` when the
/// CSS domain does not answer.
async fn css_usage(page: &Page, deadline: Instant) -> Option<Vec<StylesheetRules>> {
    let limit = deadline.min(Instant::now() + Duration::from_secs(5));
    let mut added = page.event_listener::<EventStyleSheetAdded>().await.ok()?;
    until(limit, page.execute(DomEnable::default()))
        .await?
        .ok()?;
    until(limit, page.execute(CssEnable::default()))
        .await?
        .ok()?;
    until(limit, page.execute(StartRuleUsageTrackingParams::default()))
        .await?
        .ok()?;
    let usage = until(limit, page.execute(StopRuleUsageTrackingParams::default()))
        .await?
        .ok()?;
    let _ = until(limit, page.execute(CssDisable::default())).await;
    let _ = until(limit, page.execute(DomDisable::default())).await;
    // The headers were announced before `CSS.enable` answered; take what
    // is queued.
    let mut sheets: Vec<StylesheetRules> = Vec::new();
    while let Ok(Some(event)) = tokio::time::timeout(Duration::from_millis(10), added.next()).await
    {
        let header = &event.header;
        if header.length <= 0.0
            || sheets
                .iter()
                .any(|s| s.style_sheet_id == *header.style_sheet_id.inner())
        {
            continue;
        }
        sheets.push(StylesheetRules {
            style_sheet_id: header.style_sheet_id.inner().clone(),
            url: header.source_url.clone(),
            inline: header.is_inline,
            length: header.length as u64,
            rules: Vec::new(),
        });
    }
    for rule in &usage.result.rule_usage {
        if let Some(sheet) = sheets
            .iter_mut()
            .find(|s| s.style_sheet_id == *rule.style_sheet_id.inner())
        {
            sheet.rules.push([
                rule.start_offset.max(0.0) as u64,
                rule.end_offset.max(0.0) as u64,
                u64::from(rule.used),
            ]);
        }
    }
    Some(sheets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_pages_scripts_with_their_ranges() {
        let result: Vec<CdpScriptCoverage> = serde_json::from_value(serde_json::json!([
            {"scriptId": "7", "url": "http://127.0.0.1:1/app.js", "functions": [
                {"functionName": "", "isBlockCoverage": false,
                 "ranges": [{"startOffset": 0, "endOffset": 120, "count": 1}]},
                {"functionName": "later", "isBlockCoverage": false,
                 "ranges": [{"startOffset": 40, "endOffset": 90, "count": 0}]}
            ]},
            {"scriptId": "8", "url": "", "functions": []},
            {"scriptId": "9", "url": "__puppeteer_evaluation_script__", "functions": []},
            {"scriptId": "3", "url": "____chromiumoxide_utility_world___evaluation_script__",
             "functions": []}
        ]))
        .unwrap();
        let scripts = scripts_of(&result);
        assert_eq!(scripts.len(), 1);
        assert_eq!(scripts[0].script_id, "7");
        assert_eq!(scripts[0].ranges, vec![[0, 120, 1], [40, 90, 0]]);
    }

    #[test]
    fn line_lengths_count_utf16_units_per_newline() {
        assert_eq!(line_lengths("ab\nc€d\r\n😀"), vec![2, 4, 2]);
        assert_eq!(line_lengths(""), vec![0]);
    }

    #[test]
    fn map_urls_resolve_against_the_script() {
        assert_eq!(
            resolve("http://127.0.0.1:1/assets/app.js", "app.js.map").as_deref(),
            Some("http://127.0.0.1:1/assets/app.js.map")
        );
        let data = "data:application/json;base64,eyJ2ZXJzaW9uIjozfQ==";
        assert_eq!(resolve("http://x/a.js", data).as_deref(), Some(data));
        assert_eq!(shown_url(data).len(), 49);
    }
}
