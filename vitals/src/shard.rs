//! Sharding a measurement over machines (`--shard K/N`) and joining the
//! shards again (`perfscope merge`).
//!
//! The assignment rule: the pages × runs are numbered page by page, run by
//! run (`i = page × runs + run`, both 0-based, pages in their configured
//! order), and pair `i` belongs to shard `i mod N + 1`. Every (page, run)
//! lands in exactly one shard, the shards differ in size by at most one run,
//! and a page's runs spread over the shards. Flows replay whole in shard 1.
//!
//! A shard's report keeps each run's facts ([`model::shard::RunFacts`]);
//! [`merge`] joins them page by page, in run order, and recomputes the
//! report with the same function an unsharded measurement uses
//! ([`crate::report::combine`]).

use std::collections::BTreeMap;
use std::fmt;

use model::shard::{RunFacts, ShardInfo};
use model::vitals::VitalsReport;

use crate::VitalsOptions;

/// `K/N`: the K-th (1-based) of N shards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardSpec {
    /// K, from 1 to `count`.
    pub index: usize,
    /// N, at least 1.
    pub count: usize,
}

/// Shards a measurement is split into at most.
pub const MAX_SHARDS: usize = 1_000;

impl ShardSpec {
    /// Parses `K/N` (`1/3`); K from 1 to N, N from 1 to [`MAX_SHARDS`].
    pub fn parse(text: &str) -> Result<ShardSpec, String> {
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}` is not K/N (e.g. 1/3)"))?;
        let number = |s: &str| {
            s.trim()
                .parse::<usize>()
                .map_err(|_| format!("`{text}` is not K/N (e.g. 1/3)"))
        };
        let (index, count) = (number(k)?, number(n)?);
        if count == 0 || count > MAX_SHARDS {
            return Err(format!(
                "the number of shards must be between 1 and {MAX_SHARDS} (got {count})"
            ));
        }
        if index == 0 || index > count {
            return Err(format!(
                "the shard must be between 1 and {count}, counted from 1 (got {index})"
            ));
        }
        Ok(ShardSpec { index, count })
    }

    /// Whether run `run` of page `page` (both 0-based) is this shard's.
    pub fn owns(&self, page: usize, run: usize, runs: usize) -> bool {
        (page * runs + run) % self.count + 1 == self.index
    }

    /// This shard's runs of page `page`, in order.
    pub fn runs_of(&self, page: usize, runs: usize) -> Vec<usize> {
        (0..runs).filter(|r| self.owns(page, *r, runs)).collect()
    }

    /// Whether this shard replays the flows (shard 1).
    pub fn replays_flows(&self) -> bool {
        self.index == 1
    }
}

impl fmt::Display for ShardSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// FNV-1a 64 of `text`, in hex: stable across machines and Rust versions.
fn fingerprint(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// Fingerprint of what `merge` reads from the configuration to recompute a
/// report: budgets, severities, Lighthouse CI assertions, the slow-render
/// threshold and each flow's budgets.
pub fn settings(options: &VitalsOptions) -> String {
    let flows: Vec<_> = options
        .flows
        .iter()
        .map(|f| (f.inp_ms, f.step_inp_ms, f.repeat))
        .collect();
    fingerprint(&format!(
        "{:?}|{:?}|{:?}|{:?}|{:?}",
        options.slow_render_ms, options.budgets, options.severities, options.lighthouse_ci, flows
    ))
}

/// Fingerprint of what every shard must share: [`settings`] and the plan
/// (pages, runs, profile, throttling, settle rules, coverage, children,
/// path, SPA fallback, number of shards).
pub fn plan(options: &VitalsOptions, count: usize) -> String {
    fingerprint(&format!(
        "{}|{:?}|{}|{:?}|{:?}|{:?}|{}|{:?}|{}|{}|{}|{}",
        settings(options),
        options.pages,
        options.runs,
        options.profile,
        options.throttling,
        options.settle,
        options.coverage,
        options.coverage_granularity,
        options.children,
        options.path,
        options.spa,
        count
    ))
}

/// Why shard reports cannot be merged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    /// Nothing was given.
    #[error("no shard reports to merge")]
    Empty,
    /// A report made without `--shard`.
    #[error("{name} is not a shard report (it was not made with --shard K/N)")]
    NotAShard {
        /// The report's name (its file).
        name: String,
    },
    /// Reports of different measurements or configurations.
    #[error(
        "{first} and {other} were measured with different configurations ({what}); merge shards of one measurement, made with the same perfscope.toml, lighthouserc and flags"
    )]
    DifferentPlans {
        /// The first report.
        first: String,
        /// The report that differs.
        other: String,
        /// What differs.
        what: String,
    },
    /// The configuration `merge` reads is not the shards'.
    #[error(
        "the shards were measured with budgets, severities, Lighthouse CI assertions or flows other than the configuration merge reads here; run merge in the same project with the same perfscope.toml and lighthouserc"
    )]
    DifferentSettings,
    /// Two reports hold the same shard, or the same run.
    #[error("{what} is in both {first} and {other}: the shards overlap")]
    Overlap {
        /// The shard or run.
        what: String,
        /// The first report holding it.
        first: String,
        /// The second.
        other: String,
    },
    /// A shard is missing.
    #[error("shard {index}/{count} is missing: give every shard's report")]
    Missing {
        /// K.
        index: usize,
        /// N.
        count: usize,
    },
    /// A report's facts do not fit its own plan.
    #[error("{name} is inconsistent: {problem}")]
    Inconsistent {
        /// The report.
        name: String,
        /// What does not fit.
        problem: String,
    },
}

/// The shard reports checked: every one a shard of the same plan and
/// settings (`settings`: the fingerprint of the merging configuration),
/// each shard once, none missing. Returns their shard facts by K.
pub fn check<'a>(
    reports: &'a [(String, VitalsReport)],
    settings: &str,
) -> Result<Vec<(&'a str, &'a ShardInfo, &'a VitalsReport)>, MergeError> {
    let mut shards = Vec::with_capacity(reports.len());
    for (name, report) in reports {
        let info = report
            .shard
            .as_ref()
            .ok_or_else(|| MergeError::NotAShard { name: name.clone() })?;
        shards.push((name.as_str(), info, report));
    }
    let Some(&(first, head, _)) = shards.first() else {
        return Err(MergeError::Empty);
    };
    let mut by_index: BTreeMap<usize, &str> = BTreeMap::new();
    for &(name, info, _) in &shards {
        let differs = |what: &str| MergeError::DifferentPlans {
            first: first.to_string(),
            other: name.to_string(),
            what: what.to_string(),
        };
        if info.count != head.count {
            return Err(differs(&format!(
                "{} shards against {}",
                head.count, info.count
            )));
        }
        if info.plan != head.plan || info.runs != head.runs {
            return Err(differs("pages, runs, profile or settings"));
        }
        let paths = |i: &ShardInfo| i.pages.iter().map(|p| p.path.clone()).collect::<Vec<_>>();
        if paths(info) != paths(head) {
            return Err(differs("pages"));
        }
        if let Some(other) = by_index.insert(info.index, name) {
            return Err(MergeError::Overlap {
                what: format!("shard {}/{}", info.index, info.count),
                first: other.to_string(),
                other: name.to_string(),
            });
        }
    }
    if head.settings != settings {
        return Err(MergeError::DifferentSettings);
    }
    if let Some(index) = (1..=head.count).find(|k| !by_index.contains_key(k)) {
        return Err(MergeError::Missing {
            index,
            count: head.count,
        });
    }
    shards.sort_by_key(|(_, info, _)| info.index);
    Ok(shards)
}

/// Every shard's runs of page `page`, by run index: each run of the plan
/// exactly once, and each in the shard the assignment rule gives it. On a
/// served build folder each shard had its own port: every run is moved
/// onto the origin of the page's first run.
pub fn page_runs(
    shards: &[(&str, &ShardInfo, &VitalsReport)],
    page: usize,
) -> Result<Vec<RunFacts>, MergeError> {
    let mut runs: BTreeMap<usize, (&str, &RunFacts)> = BTreeMap::new();
    for &(name, info, _) in shards {
        let spec = ShardSpec {
            index: info.index,
            count: info.count,
        };
        let Some(own) = info.pages.get(page) else {
            continue;
        };
        for facts in &own.runs {
            let index = facts.metrics.index;
            if index >= info.runs || !spec.owns(page, index, info.runs) {
                return Err(MergeError::Inconsistent {
                    name: name.to_string(),
                    problem: format!(
                        "run {} of page {} is not shard {spec}'s",
                        index + 1,
                        page + 1
                    ),
                });
            }
            if let Some((other, _)) = runs.insert(index, (name, facts)) {
                return Err(MergeError::Overlap {
                    what: format!("run {} of page {}", index + 1, page + 1),
                    first: other.to_string(),
                    other: name.to_string(),
                });
            }
        }
    }
    let served = shards.iter().any(|(_, info, _)| info.served_folder);
    let origin = runs.values().next().map(|(_, f)| origin_of(&f.url));
    runs.into_values()
        .map(|(name, facts)| match (&origin, served) {
            (Some(to), true) => rebase(facts, &origin_of(&facts.url), to).map_err(|problem| {
                MergeError::Inconsistent {
                    name: name.to_string(),
                    problem,
                }
            }),
            _ => Ok(facts.clone()),
        })
        .collect()
}

/// `scheme://host:port` of a URL.
fn origin_of(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => u.origin().ascii_serialization(),
        Err(_) => url.to_string(),
    }
}

/// `facts` with every occurrence of the origin `from` (not followed by a
/// digit: `:80` is not `:8080`) replaced by `to`, in every string.
fn rebase(facts: &RunFacts, from: &str, to: &str) -> Result<RunFacts, String> {
    if from == to || !from.starts_with("http") {
        return Ok(facts.clone());
    }
    let mut value = serde_json::to_value(facts).map_err(|e| e.to_string())?;
    replace_strings(&mut value, from, to);
    serde_json::from_value(value).map_err(|e| e.to_string())
}

fn replace_strings(value: &mut serde_json::Value, from: &str, to: &str) {
    match value {
        serde_json::Value::String(s) => *s = replace_origin(s, from, to),
        serde_json::Value::Array(items) => {
            for item in items {
                replace_strings(item, from, to);
            }
        }
        serde_json::Value::Object(map) => {
            for item in map.values_mut() {
                replace_strings(item, from, to);
            }
        }
        _ => {}
    }
}

/// `text` with `from` replaced by `to` where `from` is not followed by a digit.
fn replace_origin(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(from) {
        let after = &rest[at + from.len()..];
        out.push_str(&rest[..at]);
        if after.starts_with(|c: char| c.is_ascii_digit()) {
            out.push_str(from);
        } else {
            out.push_str(to);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_k_of_n() {
        assert_eq!(
            ShardSpec::parse("2/3"),
            Ok(ShardSpec { index: 2, count: 3 })
        );
        for bad in ["0/3", "4/3", "1/0", "3", "a/b", "1/1001"] {
            assert!(ShardSpec::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(ShardSpec { index: 1, count: 4 }.to_string(), "1/4");
    }

    #[test]
    fn every_page_and_run_is_in_exactly_one_shard() {
        for count in 1..=7 {
            for (pages, runs) in [(1, 1), (1, 5), (3, 3), (4, 2), (2, 7)] {
                let mut owners = vec![0; pages * runs];
                let mut sizes = Vec::new();
                for index in 1..=count {
                    let spec = ShardSpec { index, count };
                    let mut size = 0;
                    for page in 0..pages {
                        for run in spec.runs_of(page, runs) {
                            owners[page * runs + run] += 1;
                            size += 1;
                        }
                    }
                    sizes.push(size);
                }
                assert!(owners.iter().all(|n| *n == 1), "{count} {pages}x{runs}");
                let (min, max) = (sizes.iter().min(), sizes.iter().max());
                assert!(max.unwrap() - min.unwrap() <= 1, "{sizes:?}");
            }
        }
        // The rule as documented: pair i = page × runs + run goes to i mod N + 1.
        let second = ShardSpec { index: 2, count: 3 };
        assert_eq!(second.runs_of(0, 5), vec![1, 4]);
        assert_eq!(second.runs_of(1, 5), vec![2]);
    }

    #[test]
    fn an_origin_is_replaced_only_where_it_ends() {
        let from = "http://127.0.0.1:80";
        let to = "http://127.0.0.1:4000";
        assert_eq!(
            replace_origin(
                "http://127.0.0.1:80/a.js and http://127.0.0.1:8080/b.js, http://127.0.0.1:80",
                from,
                to
            ),
            "http://127.0.0.1:4000/a.js and http://127.0.0.1:8080/b.js, http://127.0.0.1:4000"
        );
    }
}
