//! Budgets: rules from `perfscope.toml` `[bundle]`, from size-limit's
//! configuration, or the defaults, evaluated over the report (a pure function).
//!
//! Defaults (used when nothing is configured): the initial JS of each entry ≤
//! 250 KB gzip, any single JS chunk ≤ 100 KB gzip, all JS ≤ 1 MB gzip
//! (1 KB = 1000 bytes).

use globset::{GlobBuilder, GlobMatcher};
use model::bundle::{Asset, AssetType, Entry};
use model::metric::MetricId;
use model::units::parse_size;
use model::{Budget, BudgetOrigin, PartId};

use super::config::{BudgetRule, BundleConfig};

/// The size `metric` picks among raw, gzip and brotli (`None` for a metric
/// that is not a size, or a compression that was not computed).
fn size_of(metric: MetricId, raw: u64, gzip: Option<u64>, brotli: Option<u64>) -> Option<u64> {
    match metric {
        MetricId::Raw => Some(raw),
        MetricId::Gzip => gzip,
        MetricId::Brotli => brotli,
        _ => None,
    }
}

/// What a budget measures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The sum over files matching globs (a leading `!` excludes), matched
    /// against `prefix` + the path relative to the output folder.
    Glob {
        /// Patterns as written.
        patterns: Vec<String>,
        /// Path of the output folder relative to where the patterns are rooted
        /// (`dist/` for size-limit patterns written from the project), or empty.
        prefix: String,
    },
    /// One entry's initial total (all asset types).
    Entry(String),
    /// The initial JS of each entry whose name (a route) matches a glob, or
    /// equals it (`/blog/[slug]`).
    Route(String),
    /// Each entry's initial JS (one result per entry).
    EachEntryJs,
    /// Each JS chunk on its own (one result per failing chunk, or one for the largest).
    EachJsChunk,
    /// All JS of the output.
    TotalJs,
}

/// A budget to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Name shown in the results.
    pub name: String,
    /// Where it comes from.
    pub origin: BudgetOrigin,
    /// What it measures.
    pub target: Target,
    /// Which size: raw, gzip or brotli.
    pub metric: MetricId,
    /// Limit in bytes.
    pub limit: u64,
}

/// The default budgets.
pub fn defaults() -> Vec<Rule> {
    let budget = |name: &str, target, limit| Rule {
        name: name.to_string(),
        origin: BudgetOrigin::Default,
        target,
        metric: MetricId::Gzip,
        limit,
    };
    vec![
        budget("initial JS", Target::EachEntryJs, 250_000),
        budget("JS chunk", Target::EachJsChunk, 100_000),
        budget("all JS", Target::TotalJs, 1_000_000),
    ]
}

/// Budgets from `[bundle]` (an error names the faulty rule).
pub fn from_config(config: &BundleConfig) -> Result<Vec<Rule>, String> {
    let mut out = Vec::new();
    for (i, rule) in config.budgets.iter().enumerate() {
        out.extend(from_rule(rule).map_err(|e| format!("[[bundle.budgets]] #{}: {e}", i + 1))?);
    }
    Ok(out)
}

fn from_rule(rule: &BudgetRule) -> Result<Vec<Rule>, String> {
    let (target, description) = match (&rule.path, &rule.entry, rule.total) {
        (None, None, false) if rule.route.is_some() => {
            let route = rule.route.clone().unwrap_or_default();
            compile(std::slice::from_ref(&route))?;
            (Target::Route(route.clone()), "initial JS".to_string())
        }
        _ if rule.route.is_some() => {
            return Err(
                "give exactly one of `path`, `entry`, `route` or `total = true`".to_string(),
            );
        }
        (Some(path), None, false) => {
            compile(std::slice::from_ref(path))?;
            (
                Target::Glob {
                    patterns: vec![path.clone()],
                    prefix: String::new(),
                },
                path.clone(),
            )
        }
        (None, Some(entry), false) => (Target::Entry(entry.clone()), format!("entry {entry}")),
        (None, None, true) => (Target::TotalJs, "all JS".to_string()),
        _ => {
            return Err(
                "give exactly one of `path`, `entry`, `route` or `total = true`".to_string(),
            );
        }
    };
    let mut out = Vec::new();
    for (metric, limit) in [
        (MetricId::Raw, &rule.raw),
        (MetricId::Gzip, &rule.gzip),
        (MetricId::Brotli, &rule.brotli),
    ] {
        if let Some(limit) = limit {
            out.push(Rule {
                name: rule.name.clone().unwrap_or_else(|| description.clone()),
                origin: BudgetOrigin::PerfscopeToml,
                target: target.clone(),
                metric,
                limit: parse_size(limit)?,
            });
        }
    }
    if out.is_empty() {
        return Err("give at least one limit: `raw`, `gzip` or `brotli`".to_string());
    }
    Ok(out)
}

/// Compiles globs (`/` is never matched by `*`); `!pattern` excludes.
fn compile(patterns: &[String]) -> Result<Vec<(bool, GlobMatcher)>, String> {
    patterns
        .iter()
        .map(|p| {
            let (negated, pattern) = match p.strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (false, p.as_str()),
            };
            let pattern = pattern.trim_start_matches("./");
            GlobBuilder::new(pattern)
                .literal_separator(true)
                .build()
                .map(|g| (negated, g.compile_matcher()))
                .map_err(|e| format!("invalid glob `{p}`: {e}"))
        })
        .collect()
}

/// One measured row of a rule: what is judged against the rule's limit.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    /// Name shown in the results.
    name: String,
    /// The files measured.
    files: Vec<String>,
    /// The measured size, when there is one.
    actual: Option<u64>,
    /// Why nothing was measured (`None`: "not measured").
    why: Option<String>,
}

impl Row {
    /// A row that measured `actual` (`None` when `metric`'s sizes were not computed).
    fn measured(name: String, files: Vec<String>, actual: Option<u64>, metric: MetricId) -> Self {
        Self {
            name,
            files,
            actual,
            why: unmeasured(metric, actual),
        }
    }

    /// A row that found nothing to measure, and why.
    fn missing(name: String, why: String) -> Self {
        Self {
            name,
            files: Vec::new(),
            actual: None,
            why: Some(why),
        }
    }
}

/// Why a size is missing: `metric`'s sizes were not computed (`None` when
/// `actual` is there).
fn unmeasured(metric: MetricId, actual: Option<u64>) -> Option<String> {
    actual.is_none().then(|| {
        format!("{metric} sizes were not computed (--no-brotli or `compression` in perfscope.toml)")
    })
}

/// What the rules are evaluated over: the assets, the entries, and the JS
/// chunks among the assets.
struct Scope<'a> {
    assets: &'a [Asset],
    entries: &'a [Entry],
    /// The JS assets.
    js: Vec<&'a Asset>,
    /// The entries a page loads (not development-only ones).
    page_entries: Vec<&'a Entry>,
}

impl<'a> Scope<'a> {
    fn new(assets: &'a [Asset], entries: &'a [Entry]) -> Self {
        Self {
            assets,
            entries,
            js: assets
                .iter()
                .filter(|a| a.asset_type == AssetType::Js)
                .collect(),
            page_entries: entries.iter().filter(|e| !dev_only(&e.name)).collect(),
        }
    }

    /// Whether a page can load `asset`, up front or on demand (every asset
    /// when there is no entry at all).
    fn loadable(&self, asset: &Asset) -> bool {
        self.entries.is_empty()
            || self
                .page_entries
                .iter()
                .any(|e| e.assets.iter().chain(&e.lazy).any(|p| *p == asset.path))
    }
}

/// Evaluates every budget over the assets and entries. A budget that
/// measures nothing (a pattern that matches no file, an entry that does not
/// exist, a compression that was not computed) fails as not measured, with
/// the reason.
///
/// Per-chunk budgets judge the chunks a page can load: those an entry loads
/// up front or on demand, entries for development, mocks, tests and stories
/// aside (`mockServiceWorker.js` copied from `public/`, a `dev.html`). A
/// chunk left out that is over the limit is a note, not a failure. Without
/// any entry, every chunk counts.
pub fn evaluate(
    rules: &[Rule],
    assets: &[Asset],
    entries: &[Entry],
    notes: &mut Vec<model::Diagnostic>,
) -> Vec<Budget> {
    let scope = Scope::new(assets, entries);
    let mut results = Vec::new();
    for rule in rules {
        results.extend(
            rows(rule, &scope, notes)
                .into_iter()
                .map(|row| judge(rule, row)),
        );
    }
    results
}

/// The rows of one rule, by what it measures.
fn rows(rule: &Rule, scope: &Scope<'_>, notes: &mut Vec<model::Diagnostic>) -> Vec<Row> {
    match &rule.target {
        Target::Glob { patterns, prefix } => glob_rows(rule, patterns, prefix, scope.assets),
        Target::Entry(name) => vec![entry_row(rule, name, scope.entries)],
        Target::Route(pattern) => route_rows(rule, pattern, scope),
        Target::EachEntryJs => scope
            .entries
            .iter()
            .map(|entry| entry_js_row(rule, entry, &scope.js))
            .collect(),
        Target::EachJsChunk => {
            notes.extend(
                scope
                    .js
                    .iter()
                    .filter_map(|a| unloaded_chunk_note(rule, scope, a)),
            );
            chunk_rows(rule, scope)
        }
        Target::TotalJs => vec![Row::measured(
            rule.name.clone(),
            paths(&scope.js),
            sum(&scope.js, rule.metric),
            rule.metric,
        )],
    }
}

/// The verdict of one row: over the limit fails, nothing measured fails
/// with the row's reason.
fn judge(rule: &Rule, row: Row) -> Budget {
    let Row {
        name,
        files,
        actual,
        why,
    } = row;
    Budget::judge(
        PartId::Bundle,
        name,
        rule.metric,
        rule.limit as f64,
        actual.map(|a| a as f64),
        || why.unwrap_or_else(|| "not measured".to_string()),
        rule.origin,
        files,
    )
}

/// The sum over the shipped files the patterns match (none when a pattern
/// does not compile; [`from_config`] refuses those first).
fn glob_rows(rule: &Rule, patterns: &[String], prefix: &str, assets: &[Asset]) -> Vec<Row> {
    let Ok(matchers) = compile(patterns) else {
        return Vec::new();
    };
    let matched: Vec<&Asset> = assets
        .iter()
        .filter(|a| a.asset_type.is_shipped())
        .filter(|a| matches_globs(&matchers, &prefixed(prefix, &a.path)))
        .collect();
    if matched.is_empty() {
        let patterns: Vec<String> = patterns.iter().map(|p| format!("`{p}`")).collect();
        return vec![Row::missing(
            rule.name.clone(),
            format!(
                "cannot find files: no shipped file matches {}",
                patterns.join(", ")
            ),
        )];
    }
    let actual = sum(&matched, rule.metric);
    vec![Row::measured(
        rule.name.clone(),
        paths(&matched),
        actual,
        rule.metric,
    )]
}

/// `path` (relative to the output folder) as the patterns see it: after
/// `prefix`, when there is one.
fn prefixed(prefix: &str, path: &str) -> String {
    if prefix.is_empty() {
        path.to_string()
    } else {
        format!("{}/{}", prefix.trim_end_matches('/'), path)
    }
}

/// Whether a pattern includes `path` and no `!` pattern excludes it.
fn matches_globs(matchers: &[(bool, GlobMatcher)], path: &str) -> bool {
    let included = matchers.iter().any(|(neg, m)| !neg && m.is_match(path));
    let excluded = matchers.iter().any(|(neg, m)| *neg && m.is_match(path));
    included && !excluded
}

/// One entry's initial total, found by name or HTML file.
fn entry_row(rule: &Rule, name: &str, entries: &[Entry]) -> Row {
    match entries
        .iter()
        .find(|e| e.name == name || e.html.as_deref() == Some(name))
    {
        Some(entry) => Row::measured(
            rule.name.clone(),
            entry.assets.clone(),
            size_of(rule.metric, entry.raw, entry.gzip, entry.brotli),
            rule.metric,
        ),
        None => Row::missing(
            rule.name.clone(),
            format!(
                "no entry named `{name}` (entries: {})",
                known_entries(entries)
            ),
        ),
    }
}

/// The entries' names for a message, or `none`.
fn known_entries(entries: &[Entry]) -> String {
    if entries.is_empty() {
        "none".to_string()
    } else {
        let known: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        known.join(", ")
    }
}

/// The initial JS of each entry whose name is `pattern` or matches it as a
/// glob; one not-measured row when none does.
fn route_rows(rule: &Rule, pattern: &str, scope: &Scope<'_>) -> Vec<Row> {
    let glob = GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .ok()
        .map(|g| g.compile_matcher());
    let matched: Vec<&Entry> = scope
        .entries
        .iter()
        .filter(|e| e.name == pattern || glob.as_ref().is_some_and(|g| g.is_match(&e.name)))
        .collect();
    if matched.is_empty() {
        return vec![Row::missing(
            format!("{} of {pattern}", rule.name),
            format!(
                "cannot find routes: no entry matches `{pattern}` (entries: {})",
                known_entries(scope.entries)
            ),
        )];
    }
    matched
        .into_iter()
        .map(|entry| entry_js_row(rule, entry, &scope.js))
        .collect()
}

/// One entry's initial JS: its JS files and their total.
fn entry_js_row(rule: &Rule, entry: &Entry, js: &[&Asset]) -> Row {
    let files: Vec<String> = entry
        .assets
        .iter()
        .filter(|p| js.iter().any(|a| &a.path == *p))
        .cloned()
        .collect();
    Row::measured(
        format!("{} of {}", rule.name, entry.name),
        files,
        size_of(rule.metric, entry.js.raw, entry.js.gzip, entry.js.brotli),
        rule.metric,
    )
}

/// The note of a chunk no page loads that is over the per-chunk limit: not judged.
fn unloaded_chunk_note(rule: &Rule, scope: &Scope<'_>, chunk: &Asset) -> Option<model::Diagnostic> {
    if scope.loadable(chunk) {
        return None;
    }
    let size = size_of(rule.metric, chunk.raw, chunk.gzip, chunk.brotli)?;
    (size > rule.limit).then(|| {
        model::Diagnostic::new(
            chunk.path.clone(),
            format!(
                "{} {}, over the {} {} budget, but no page loads it (not an entry's chunk, or only a development, mock or test entry's): not judged",
                model::units::format_bytes(size),
                rule.metric,
                model::units::format_bytes(rule.limit),
                rule.name
            ),
        )
    })
}

/// Each loadable JS chunk over the limit, or, when none is, the largest one.
fn chunk_rows(rule: &Rule, scope: &Scope<'_>) -> Vec<Row> {
    let sized: Vec<(&Asset, Option<u64>)> = scope
        .js
        .iter()
        .filter(|a| scope.loadable(a))
        .map(|a| (*a, size_of(rule.metric, a.raw, a.gzip, a.brotli)))
        .collect();
    let failing: Vec<Row> = sized
        .iter()
        .filter(|(_, s)| s.is_some_and(|s| s > rule.limit))
        .map(|(asset, size)| Row {
            name: format!("{} {}", rule.name, asset.path),
            files: vec![asset.path.clone()],
            actual: *size,
            why: None,
        })
        .collect();
    if !failing.is_empty() {
        return failing;
    }
    sized
        .iter()
        .max_by_key(|(a, s)| (*s, std::cmp::Reverse(a.path.clone())))
        .map(|(largest, size)| {
            Row::measured(
                format!("{} (largest: {})", rule.name, largest.path),
                vec![largest.path.clone()],
                *size,
                rule.metric,
            )
        })
        .into_iter()
        .collect()
}

/// Whether an entry only serves development: mocks, tests, stories, dev pages.
fn dev_only(name: &str) -> bool {
    name.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| {
            matches!(
                word,
                "mock"
                    | "mocks"
                    | "msw"
                    | "dev"
                    | "devtools"
                    | "test"
                    | "tests"
                    | "spec"
                    | "stories"
                    | "story"
                    | "storybook"
                    | "playground"
                    | "fixture"
                    | "fixtures"
            ) || word.starts_with("mockservice")
        })
}

fn sum(assets: &[&Asset], metric: MetricId) -> Option<u64> {
    assets
        .iter()
        .map(|a| size_of(metric, a.raw, a.gzip, a.brotli))
        .try_fold(0u64, |acc, s| s.map(|s| acc + s))
}

fn paths(assets: &[&Asset]) -> Vec<String> {
    let mut out: Vec<String> = assets.iter().map(|a| a.path.clone()).collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asset(path: &str, raw: u64, gzip: u64) -> Asset {
        Asset {
            path: path.into(),
            asset_type: if path.ends_with(".js") {
                AssetType::Js
            } else {
                AssetType::Css
            },
            raw,
            gzip: Some(gzip),
            brotli: None,
            initial: false,
            initial_for: vec![],
            imports: vec![],
            dynamic_imports: vec![],
            map: None,
            sources: vec![],
            unmapped_bytes: raw,
        }
    }

    #[test]
    fn rules_need_one_target_and_a_limit() {
        let rule = |path: Option<&str>, total: bool, gzip: Option<&str>| BudgetRule {
            path: path.map(String::from),
            total,
            gzip: gzip.map(String::from),
            ..BudgetRule::default()
        };
        assert!(from_rule(&rule(Some("*.js"), true, Some("1 KB"))).is_err());
        assert!(from_rule(&rule(None, false, Some("1 KB"))).is_err());
        assert!(from_rule(&rule(Some("*.js"), false, None)).is_err());
        assert!(from_rule(&rule(Some("*.js"), false, Some("1 parsec"))).is_err());
        let ok = from_rule(&rule(Some("*.js"), false, Some("1 KB"))).unwrap();
        assert_eq!(ok[0].limit, 1000);
    }

    #[test]
    fn globs_sum_matches_and_defaults_flag_big_chunks() {
        let assets = vec![
            asset("assets/a.js", 10, 150_000),
            asset("assets/b.js", 10, 20),
            asset("assets/c.css", 5, 7),
        ];
        let budgets = vec![Rule {
            name: "js".into(),
            origin: BudgetOrigin::PerfscopeToml,
            target: Target::Glob {
                patterns: vec!["assets/*.js".into(), "!assets/a.js".into()],
                prefix: String::new(),
            },
            metric: MetricId::Gzip,
            limit: 19,
        }];
        let results = evaluate(&budgets, &assets, &[], &mut Vec::new());
        assert_eq!(results[0].actual, Some(20.0));
        assert!(!results[0].passes());
        assert_eq!(results[0].files, vec!["assets/b.js"]);
        let results = evaluate(&defaults(), &assets, &[], &mut Vec::new());
        let chunk: Vec<_> = results
            .iter()
            .filter(|r| r.name.starts_with("JS chunk"))
            .collect();
        assert_eq!(chunk.len(), 1);
        assert_eq!(chunk[0].name, "JS chunk assets/a.js");
        assert!(!chunk[0].passes());
        let total = results.iter().find(|r| r.name == "all JS").unwrap();
        assert_eq!((total.actual, total.passes()), (Some(150_020.0), true));
    }

    #[test]
    fn route_budgets_judge_each_matching_route_and_fail_when_none_matches() {
        let assets = vec![
            asset("static/chunks/main.js", 10, 90_000),
            asset("static/chunks/dash.js", 10, 130_000),
        ];
        let entry = |name: &str, files: &[&str], gzip: u64| Entry {
            name: name.to_string(),
            html: None,
            assets: files.iter().map(|a| a.to_string()).collect(),
            lazy: Vec::new(),
            raw: 0,
            gzip: Some(gzip),
            brotli: None,
            js: model::bundle::Sizes {
                raw: 20,
                gzip: Some(gzip),
                brotli: None,
            },
            lazy_sizes: Default::default(),
            first_load_js: None,
        };
        let entries = vec![
            entry("/", &["static/chunks/main.js"], 90_000),
            entry(
                "/dashboard/[id]",
                &["static/chunks/main.js", "static/chunks/dash.js"],
                220_000,
            ),
            entry("/dashboard/settings", &["static/chunks/main.js"], 90_000),
        ];
        let rule = |route: &str| {
            from_rule(&BudgetRule {
                route: Some(route.into()),
                gzip: Some("200 KB".into()),
                ..BudgetRule::default()
            })
            .expect("rule")
        };
        let results = evaluate(&rule("/dashboard/*"), &assets, &entries, &mut Vec::new());
        let got: Vec<(&str, bool)> = results
            .iter()
            .map(|b| (b.name.as_str(), b.passes()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("initial JS of /dashboard/[id]", false),
                ("initial JS of /dashboard/settings", true)
            ]
        );
        // A route with brackets is matched as written.
        let results = evaluate(&rule("/dashboard/[id]"), &assets, &entries, &mut Vec::new());
        assert_eq!(results.len(), 1);
        assert_eq!(results[0].actual, Some(220_000.0));
        // Nothing matched: not measured, which fails, naming the routes.
        let results = evaluate(&rule("/admin/*"), &assets, &entries, &mut Vec::new());
        assert_eq!(results[0].verdict, model::Verdict::NotMeasured);
        assert!(
            results[0]
                .reason
                .as_deref()
                .is_some_and(|r| r.contains("/dashboard/[id]"))
        );
        assert!(
            from_rule(&BudgetRule {
                route: Some("/".into()),
                total: true,
                gzip: Some("1 KB".into()),
                ..BudgetRule::default()
            })
            .is_err()
        );
    }

    #[test]
    fn chunks_no_page_loads_are_noted_not_failed() {
        let assets = vec![
            asset("assets/index.js", 10, 50_000),
            asset("mockServiceWorker.js", 10, 150_000),
            asset("assets/dev-tools.js", 10, 120_000),
        ];
        let entry = |name: &str, assets: &[&str]| Entry {
            name: name.to_string(),
            html: Some(name.to_string()),
            assets: assets.iter().map(|a| a.to_string()).collect(),
            lazy: Vec::new(),
            raw: 0,
            gzip: None,
            brotli: None,
            js: Default::default(),
            lazy_sizes: Default::default(),
            first_load_js: None,
        };
        let entries = vec![
            entry("index.html", &["assets/index.js"]),
            entry("dev.html", &["assets/dev-tools.js"]),
        ];
        let mut notes = Vec::new();
        let results = evaluate(&defaults(), &assets, &entries, &mut notes);
        let chunk: Vec<_> = results
            .iter()
            .filter(|r| r.name.starts_with("JS chunk"))
            .collect();
        assert_eq!(chunk.len(), 1);
        assert!(chunk[0].passes(), "{chunk:?}");
        assert_eq!(chunk[0].name, "JS chunk (largest: assets/index.js)");
        let noted: Vec<&str> = notes.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(noted, vec!["mockServiceWorker.js", "assets/dev-tools.js"]);
        assert!(notes[0].message.contains("no page loads it"));
    }

    fn entry(name: &str, html: Option<&str>, assets: &[&str], lazy: &[&str]) -> Entry {
        Entry {
            name: name.to_string(),
            html: html.map(String::from),
            assets: assets.iter().map(|a| a.to_string()).collect(),
            lazy: lazy.iter().map(|a| a.to_string()).collect(),
            raw: 300,
            gzip: Some(100),
            brotli: None,
            js: model::bundle::Sizes {
                raw: 200,
                gzip: Some(70),
                brotli: None,
            },
            lazy_sizes: Default::default(),
            first_load_js: None,
        }
    }

    fn gzip_rule(name: &str, target: Target, limit: u64) -> Rule {
        Rule {
            name: name.into(),
            origin: BudgetOrigin::PerfscopeToml,
            target,
            metric: MetricId::Gzip,
            limit,
        }
    }

    #[test]
    fn unmeasured_names_the_metric_only_when_nothing_was_measured() {
        assert_eq!(unmeasured(MetricId::Gzip, Some(0)), None);
        assert_eq!(
            unmeasured(MetricId::Brotli, None).as_deref(),
            Some("brotli sizes were not computed (--no-brotli or `compression` in perfscope.toml)")
        );
        let row = Row::measured("x".into(), vec![], None, MetricId::Brotli);
        assert_eq!(row.why, unmeasured(MetricId::Brotli, None));
    }

    #[test]
    fn judge_passes_at_the_limit_and_gives_the_row_reason_or_not_measured() {
        let rule = gzip_rule("js", Target::TotalJs, 100);
        let at_limit = judge(
            &rule,
            Row::measured("js".into(), vec![], Some(100), rule.metric),
        );
        assert_eq!(at_limit.verdict, model::Verdict::Pass);
        assert_eq!(at_limit.part, PartId::Bundle);
        assert_eq!(at_limit.limit, 100.0);
        let over = judge(
            &rule,
            Row::measured("js".into(), vec![], Some(101), rule.metric),
        );
        assert_eq!(over.verdict, model::Verdict::Fail);
        let missing = judge(&rule, Row::missing("js".into(), "gone".into()));
        assert_eq!(
            (missing.verdict, missing.reason.as_deref()),
            (model::Verdict::NotMeasured, Some("gone"))
        );
        let silent = Row {
            name: "js".into(),
            files: vec![],
            actual: None,
            why: None,
        };
        assert_eq!(judge(&rule, silent).reason.as_deref(), Some("not measured"));
    }

    #[test]
    fn glob_paths_take_the_prefix_and_exclusions_win() {
        assert_eq!(prefixed("", "assets/a.js"), "assets/a.js");
        assert_eq!(prefixed("dist/", "assets/a.js"), "dist/assets/a.js");
        let matchers = compile(&["dist/**/*.js".into(), "!dist/**/vendor*".into()]).unwrap();
        assert!(matches_globs(&matchers, "dist/assets/a.js"));
        assert!(!matches_globs(&matchers, "dist/assets/vendor.js"));
        assert!(!matches_globs(&matchers, "assets/a.js"));
        // Only `!` patterns include nothing.
        let only_excluded = compile(&["!*.js".into()]).unwrap();
        assert!(!matches_globs(&only_excluded, "b.css"));
    }

    #[test]
    fn glob_rows_sum_shipped_matches_or_name_the_patterns() {
        let assets = vec![
            asset("assets/a.js", 10, 4),
            asset("assets/b.js", 10, 6),
            asset("assets/c.css", 10, 100),
        ];
        let rule = gzip_rule("all", Target::TotalJs, 1);
        let rows = glob_rows(&rule, &["dist/assets/*".into()], "dist", &assets);
        assert_eq!(
            rows,
            vec![Row {
                name: "all".into(),
                files: vec![
                    "assets/a.js".into(),
                    "assets/b.js".into(),
                    "assets/c.css".into()
                ],
                actual: Some(110),
                why: None,
            }]
        );
        let rows = glob_rows(&rule, &["*.png".into(), "*.gif".into()], "", &assets);
        assert_eq!(
            rows[0].why.as_deref(),
            Some("cannot find files: no shipped file matches `*.png`, `*.gif`")
        );
        assert_eq!(rows[0].actual, None);
        // A pattern that does not compile measures nothing at all.
        assert!(glob_rows(&rule, &["a[".into()], "", &assets).is_empty());
    }

    #[test]
    fn entry_rows_find_by_name_or_page_and_list_the_known_entries() {
        let entries = vec![
            entry("main", Some("index.html"), &["a.js", "a.css"], &[]),
            entry("admin", None, &["b.js"], &[]),
        ];
        let rule = gzip_rule("entry", Target::TotalJs, 1);
        let by_page = entry_row(&rule, "index.html", &entries);
        assert_eq!(by_page.files, vec!["a.js", "a.css"]);
        assert_eq!(by_page.actual, Some(100));
        assert_eq!(entry_row(&rule, "admin", &entries).files, vec!["b.js"]);
        assert_eq!(
            entry_row(&rule, "nope", &entries).why.as_deref(),
            Some("no entry named `nope` (entries: main, admin)")
        );
        assert_eq!(known_entries(&[]), "none");
    }

    #[test]
    fn entry_js_rows_count_only_the_js_files() {
        let assets = vec![asset("a.js", 1, 1), asset("a.css", 1, 1)];
        let scope = Scope::new(&assets, &[]);
        let e = entry("/", None, &["a.js", "a.css"], &[]);
        let rule = gzip_rule("initial JS", Target::EachEntryJs, 1);
        assert_eq!(
            entry_js_row(&rule, &e, &scope.js),
            Row {
                name: "initial JS of /".into(),
                files: vec!["a.js".into()],
                actual: Some(70),
                why: None,
            }
        );
    }

    #[test]
    fn scope_loads_every_chunk_without_entries_and_none_of_dev_entries() {
        let assets = vec![
            asset("a.js", 1, 1),
            asset("lazy.js", 1, 1),
            asset("mock.js", 1, 1),
            asset("orphan.js", 1, 1),
        ];
        let no_entries = Scope::new(&assets, &[]);
        assert!(no_entries.loadable(&assets[3]));
        let entries = vec![
            entry("index.html", None, &["a.js"], &["lazy.js"]),
            entry("mocks/browser", None, &["mock.js"], &[]),
        ];
        let scope = Scope::new(&assets, &entries);
        let loaded: Vec<bool> = assets.iter().map(|a| scope.loadable(a)).collect();
        assert_eq!(loaded, vec![true, true, false, false]);
        assert!(dev_only("Storybook-Preview.html"));
        assert!(dev_only("mockServiceWorker"));
        assert!(!dev_only("developer.html"));
    }

    #[test]
    fn chunk_rows_list_failing_chunks_else_the_largest() {
        let assets = vec![
            asset("a.js", 1, 50),
            asset("b.js", 1, 50),
            asset("c.js", 1, 20),
        ];
        let scope = Scope::new(&assets, &[]);
        let names = |limit| -> Vec<String> {
            chunk_rows(&gzip_rule("chunk", Target::EachJsChunk, limit), &scope)
                .into_iter()
                .map(|r| r.name)
                .collect()
        };
        assert_eq!(names(30), vec!["chunk a.js", "chunk b.js"]);
        // A tie on size goes to the first path.
        assert_eq!(names(50), vec!["chunk (largest: a.js)"]);
        let empty = Scope::new(&[], &[]);
        assert!(chunk_rows(&gzip_rule("chunk", Target::EachJsChunk, 1), &empty).is_empty());
    }

    #[test]
    fn unloaded_chunks_over_the_limit_get_a_note() {
        let assets = vec![
            asset("a.js", 1, 500),
            asset("dev.js", 1, 500),
            asset("small.js", 1, 5),
        ];
        let entries = vec![entry("index.html", None, &["a.js"], &[])];
        let scope = Scope::new(&assets, &entries);
        let rule = gzip_rule("JS chunk", Target::EachJsChunk, 100);
        assert!(unloaded_chunk_note(&rule, &scope, &assets[0]).is_none());
        assert!(unloaded_chunk_note(&rule, &scope, &assets[2]).is_none());
        let note = unloaded_chunk_note(&rule, &scope, &assets[1]).unwrap();
        assert_eq!(note.path, "dev.js");
        assert!(
            note.message
                .starts_with("500 B gzip, over the 100 B JS chunk budget")
        );
    }

    #[test]
    fn route_rows_name_the_pattern_when_nothing_matches() {
        let entries = vec![entry("/blog/[slug]", None, &[], &[])];
        let scope = Scope::new(&[], &entries);
        let rule = gzip_rule("initial JS", Target::EachEntryJs, 1);
        let rows = route_rows(&rule, "/blog/[slug]", &scope);
        assert_eq!(rows[0].name, "initial JS of /blog/[slug]");
        assert_eq!(rows[0].actual, Some(70));
        let rows = route_rows(&rule, "/shop/*", &scope);
        assert_eq!(rows[0].name, "initial JS of /shop/*");
        assert_eq!(
            rows[0].why.as_deref(),
            Some("cannot find routes: no entry matches `/shop/*` (entries: /blog/[slug])")
        );
    }
}
