//! Budgets: rules from `perfscope.toml` `[bundle]`, from size-limit's
//! configuration, or the defaults, evaluated over the report (a pure function).
//!
//! Defaults (used when nothing is configured): the initial JS of each entry ≤
//! 250 KB gzip, any single JS chunk ≤ 100 KB gzip, all JS ≤ 1 MB gzip
//! (1 KB = 1000 bytes).

use globset::{GlobBuilder, GlobMatcher};
use model::Diagnostic;
use model::bundle::{Asset, AssetType, BudgetResult, Entry};

use super::config::{BudgetRule, BundleConfig};
use super::units::parse_size;

/// Which size a budget limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Bytes on disk.
    Raw,
    /// gzip level 9.
    Gzip,
    /// brotli quality 11.
    Brotli,
}

impl Metric {
    /// `raw`, `gzip` or `brotli`.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Raw => "raw",
            Metric::Gzip => "gzip",
            Metric::Brotli => "brotli",
        }
    }

    fn of(self, raw: u64, gzip: Option<u64>, brotli: Option<u64>) -> Option<u64> {
        match self {
            Metric::Raw => Some(raw),
            Metric::Gzip => gzip,
            Metric::Brotli => brotli,
        }
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
    /// Each entry's initial JS (one result per entry).
    EachEntryJs,
    /// Each JS chunk on its own (one result per failing chunk, or one for the largest).
    EachJsChunk,
    /// All JS of the output.
    TotalJs,
}

/// A budget to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    /// Name shown in the results.
    pub name: String,
    /// `default`, `perfscope.toml`, `.size-limit.json` or `package.json`.
    pub origin: String,
    /// What it measures.
    pub target: Target,
    /// Which size.
    pub metric: Metric,
    /// Limit in bytes.
    pub limit: u64,
}

/// The default budgets.
pub fn defaults() -> Vec<Budget> {
    let budget = |name: &str, target, limit| Budget {
        name: name.to_string(),
        origin: "default".to_string(),
        target,
        metric: Metric::Gzip,
        limit,
    };
    vec![
        budget("initial JS", Target::EachEntryJs, 250_000),
        budget("JS chunk", Target::EachJsChunk, 100_000),
        budget("all JS", Target::TotalJs, 1_000_000),
    ]
}

/// Budgets from `[bundle]` (an error names the faulty rule).
pub fn from_config(config: &BundleConfig) -> Result<Vec<Budget>, String> {
    let mut out = Vec::new();
    for (i, rule) in config.budgets.iter().enumerate() {
        out.extend(from_rule(rule).map_err(|e| format!("[[bundle.budgets]] #{}: {e}", i + 1))?);
    }
    Ok(out)
}

fn from_rule(rule: &BudgetRule) -> Result<Vec<Budget>, String> {
    let (target, description) = match (&rule.path, &rule.entry, rule.total) {
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
        _ => return Err("give exactly one of `path`, `entry` or `total = true`".to_string()),
    };
    let mut out = Vec::new();
    for (metric, limit) in [
        (Metric::Raw, &rule.raw),
        (Metric::Gzip, &rule.gzip),
        (Metric::Brotli, &rule.brotli),
    ] {
        if let Some(limit) = limit {
            out.push(Budget {
                name: rule.name.clone().unwrap_or_else(|| description.clone()),
                origin: "perfscope.toml".to_string(),
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

/// Evaluates every budget over the gathered assets and entries.
pub fn evaluate(
    budgets: &[Budget],
    assets: &[Asset],
    entries: &[Entry],
) -> (Vec<BudgetResult>, Vec<Diagnostic>) {
    let mut results = Vec::new();
    let mut diagnostics = Vec::new();
    let js: Vec<&Asset> = assets
        .iter()
        .filter(|a| a.asset_type == AssetType::Js)
        .collect();
    for budget in budgets {
        let mut rows: Vec<(String, Vec<String>, Option<u64>)> = Vec::new();
        let mut push = |name: String, files: Vec<String>, actual: Option<u64>| {
            rows.push((name, files, actual))
        };
        match &budget.target {
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
                    diagnostics.push(Diagnostic::new(
                        "",
                        format!(
                            "budget `{}`: no file matches {}",
                            budget.name,
                            patterns.join(", ")
                        ),
                    ));
                }
                let actual = sum(&matched, budget.metric);
                push(budget.name.clone(), paths(&matched), actual);
            }
            Target::Entry(name) => match entries
                .iter()
                .find(|e| &e.name == name || e.html.as_deref() == Some(name))
            {
                Some(entry) => {
                    let actual = budget.metric.of(entry.raw, entry.gzip, entry.brotli);
                    push(budget.name.clone(), entry.assets.clone(), actual);
                }
                None => {
                    diagnostics.push(Diagnostic::new(
                        "",
                        format!("budget `{}`: no entry named `{name}`", budget.name),
                    ));
                    push(budget.name.clone(), Vec::new(), Some(0));
                }
            },
            Target::EachEntryJs => {
                for entry in entries {
                    let files: Vec<String> = entry
                        .assets
                        .iter()
                        .filter(|p| js.iter().any(|a| &a.path == *p))
                        .cloned()
                        .collect();
                    let actual = budget
                        .metric
                        .of(entry.js.raw, entry.js.gzip, entry.js.brotli);
                    push(format!("{} of {}", budget.name, entry.name), files, actual);
                }
            }
            Target::EachJsChunk => {
                let sized: Vec<(&Asset, Option<u64>)> = js
                    .iter()
                    .map(|a| (*a, budget.metric.of(a.raw, a.gzip, a.brotli)))
                    .collect();
                let failing: Vec<&(&Asset, Option<u64>)> = sized
                    .iter()
                    .filter(|(_, s)| s.is_some_and(|s| s > budget.limit))
                    .collect();
                if failing.is_empty() {
                    if let Some((largest, size)) = sized
                        .iter()
                        .max_by_key(|(a, s)| (*s, std::cmp::Reverse(a.path.clone())))
                    {
                        push(
                            format!("{} (largest: {})", budget.name, largest.path),
                            vec![largest.path.clone()],
                            *size,
                        );
                    }
                } else {
                    for (asset, size) in failing {
                        push(
                            format!("{} {}", budget.name, asset.path),
                            vec![asset.path.clone()],
                            *size,
                        );
                    }
                }
            }
            Target::TotalJs => {
                let actual = sum(&js, budget.metric);
                push(budget.name.clone(), paths(&js), actual);
            }
        }
        for (name, files, actual) in rows {
            if actual.is_none() {
                diagnostics.push(Diagnostic::new(
                    "",
                    format!(
                        "budget `{name}` not checked: {} sizes were not computed",
                        budget.metric.name()
                    ),
                ));
            }
            results.push(BudgetResult {
                name,
                metric: budget.metric.name().to_string(),
                limit: budget.limit,
                actual,
                pass: actual.is_none_or(|a| a <= budget.limit),
                origin: budget.origin.clone(),
                files,
            });
        }
    }
    (results, diagnostics)
}

fn sum(assets: &[&Asset], metric: Metric) -> Option<u64> {
    assets
        .iter()
        .map(|a| metric.of(a.raw, a.gzip, a.brotli))
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
        let budgets = vec![Budget {
            name: "js".into(),
            origin: "perfscope.toml".into(),
            target: Target::Glob {
                patterns: vec!["assets/*.js".into(), "!assets/a.js".into()],
                prefix: String::new(),
            },
            metric: Metric::Gzip,
            limit: 19,
        }];
        let (results, _) = evaluate(&budgets, &assets, &[]);
        assert_eq!(results[0].actual, Some(20));
        assert!(!results[0].pass);
        assert_eq!(results[0].files, vec!["assets/b.js"]);
        let (results, _) = evaluate(&defaults(), &assets, &[]);
        let chunk: Vec<_> = results
            .iter()
            .filter(|r| r.name.starts_with("JS chunk"))
            .collect();
        assert_eq!(chunk.len(), 1);
        assert_eq!(chunk[0].name, "JS chunk assets/a.js");
        assert!(!chunk[0].pass);
        let total = results.iter().find(|r| r.name == "all JS").unwrap();
        assert_eq!((total.actual, total.pass), (Some(150_020), true));
    }
}
