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

/// One measured row of a rule: name, files, measured size, why nothing was measured.
type Row = (String, Vec<String>, Option<u64>, Option<String>);

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
    let mut results = Vec::new();
    let js: Vec<&Asset> = assets
        .iter()
        .filter(|a| a.asset_type == AssetType::Js)
        .collect();
    let page_entries: Vec<&Entry> = entries.iter().filter(|e| !dev_only(&e.name)).collect();
    let loadable = |a: &Asset| {
        entries.is_empty()
            || page_entries
                .iter()
                .any(|e| e.assets.iter().chain(&e.lazy).any(|p| *p == a.path))
    };
    for rule in rules {
        let mut rows: Vec<Row> = Vec::new();
        let not_computed = || {
            Some(format!(
                "{} sizes were not computed (--no-brotli or `compression` in perfscope.toml)",
                rule.metric
            ))
        };
        match &rule.target {
            Target::Glob { patterns, prefix } => {
                let Ok(matchers) = compile(patterns) else {
                    continue;
                };
                let matched: Vec<&Asset> = assets
                    .iter()
                    .filter(|a| a.asset_type.is_shipped())
                    .filter(|a| {
                        let path = if prefix.is_empty() {
                            a.path.clone()
                        } else {
                            format!("{}/{}", prefix.trim_end_matches('/'), a.path)
                        };
                        let included = matchers.iter().any(|(neg, m)| !neg && m.is_match(&path));
                        let excluded = matchers.iter().any(|(neg, m)| *neg && m.is_match(&path));
                        included && !excluded
                    })
                    .collect();
                if matched.is_empty() {
                    rows.push((
                        rule.name.clone(),
                        Vec::new(),
                        None,
                        Some(format!(
                            "cannot find files: no shipped file matches {}",
                            patterns
                                .iter()
                                .map(|p| format!("`{p}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    ));
                } else {
                    let actual = sum(&matched, rule.metric);
                    let why = actual.is_none().then(not_computed).flatten();
                    rows.push((rule.name.clone(), paths(&matched), actual, why));
                }
            }
            Target::Entry(name) => match entries
                .iter()
                .find(|e| &e.name == name || e.html.as_deref() == Some(name))
            {
                Some(entry) => {
                    let actual = size_of(rule.metric, entry.raw, entry.gzip, entry.brotli);
                    let why = actual.is_none().then(not_computed).flatten();
                    rows.push((rule.name.clone(), entry.assets.clone(), actual, why));
                }
                None => {
                    let known: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
                    rows.push((
                        rule.name.clone(),
                        Vec::new(),
                        None,
                        Some(format!(
                            "no entry named `{name}` (entries: {})",
                            if known.is_empty() {
                                "none".to_string()
                            } else {
                                known.join(", ")
                            }
                        )),
                    ));
                }
            },
            Target::Route(pattern) => {
                let glob = GlobBuilder::new(pattern)
                    .literal_separator(true)
                    .build()
                    .ok()
                    .map(|g| g.compile_matcher());
                let matched: Vec<&Entry> = entries
                    .iter()
                    .filter(|e| {
                        e.name == *pattern || glob.as_ref().is_some_and(|g| g.is_match(&e.name))
                    })
                    .collect();
                if matched.is_empty() {
                    let known: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
                    rows.push((
                        format!("{} of {pattern}", rule.name),
                        Vec::new(),
                        None,
                        Some(format!(
                            "cannot find routes: no entry matches `{pattern}` (entries: {})",
                            if known.is_empty() {
                                "none".to_string()
                            } else {
                                known.join(", ")
                            }
                        )),
                    ));
                }
                for entry in matched {
                    let files: Vec<String> = entry
                        .assets
                        .iter()
                        .filter(|p| js.iter().any(|a| &a.path == *p))
                        .cloned()
                        .collect();
                    let actual = size_of(rule.metric, entry.js.raw, entry.js.gzip, entry.js.brotli);
                    let why = actual.is_none().then(not_computed).flatten();
                    rows.push((
                        format!("{} of {}", rule.name, entry.name),
                        files,
                        actual,
                        why,
                    ));
                }
            }
            Target::EachEntryJs => {
                for entry in entries {
                    let files: Vec<String> = entry
                        .assets
                        .iter()
                        .filter(|p| js.iter().any(|a| &a.path == *p))
                        .cloned()
                        .collect();
                    let actual = size_of(rule.metric, entry.js.raw, entry.js.gzip, entry.js.brotli);
                    let why = actual.is_none().then(not_computed).flatten();
                    rows.push((
                        format!("{} of {}", rule.name, entry.name),
                        files,
                        actual,
                        why,
                    ));
                }
            }
            Target::EachJsChunk => {
                for a in js.iter().filter(|a| !loadable(a)) {
                    if let Some(size) = size_of(rule.metric, a.raw, a.gzip, a.brotli)
                        && size > rule.limit
                    {
                        notes.push(model::Diagnostic::new(
                            a.path.clone(),
                            format!(
                                "{} {}, over the {} {} budget, but no page loads it (not an entry's chunk, or only a development, mock or test entry's): not judged",
                                model::units::format_bytes(size),
                                rule.metric,
                                model::units::format_bytes(rule.limit),
                                rule.name
                            ),
                        ));
                    }
                }
                let sized: Vec<(&Asset, Option<u64>)> = js
                    .iter()
                    .filter(|a| loadable(a))
                    .map(|a| (*a, size_of(rule.metric, a.raw, a.gzip, a.brotli)))
                    .collect();
                let failing: Vec<&(&Asset, Option<u64>)> = sized
                    .iter()
                    .filter(|(_, s)| s.is_some_and(|s| s > rule.limit))
                    .collect();
                if failing.is_empty() {
                    if let Some((largest, size)) = sized
                        .iter()
                        .max_by_key(|(a, s)| (*s, std::cmp::Reverse(a.path.clone())))
                    {
                        let why = size.is_none().then(not_computed).flatten();
                        rows.push((
                            format!("{} (largest: {})", rule.name, largest.path),
                            vec![largest.path.clone()],
                            *size,
                            why,
                        ));
                    }
                } else {
                    for (asset, size) in failing {
                        rows.push((
                            format!("{} {}", rule.name, asset.path),
                            vec![asset.path.clone()],
                            *size,
                            None,
                        ));
                    }
                }
            }
            Target::TotalJs => {
                let actual = sum(&js, rule.metric);
                let why = actual.is_none().then(not_computed).flatten();
                rows.push((rule.name.clone(), paths(&js), actual, why));
            }
        }
        for (name, files, actual, why) in rows {
            results.push(Budget::judge(
                PartId::Bundle,
                name,
                rule.metric,
                rule.limit as f64,
                actual.map(|a| a as f64),
                || why.unwrap_or_else(|| "not measured".to_string()),
                rule.origin,
                files,
            ));
        }
    }
    results
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
}
