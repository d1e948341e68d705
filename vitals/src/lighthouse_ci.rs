//! Lighthouse CI configuration (`lighthouserc`): what perfscope takes from
//! it, as pure functions over the file's value (the binary finds and reads
//! the file, without running it).
//!
//! - `ci.collect` ([`parse_collect`], [`plan_pages`]): the pages, the served
//!   folder or the app's start command, the number of runs, the form factor
//!   and the throttling method;
//! - `ci.assert` ([`parse_assert`]) and a Lighthouse `budget.json`
//!   ([`parse_budgets`]): the assertions on what perfscope measures become
//!   budgets ([`evaluate`]); every other one is listed as not evaluated,
//!   never passed.
//!
//! The rules follow `@lhci/utils` (`assertions.js`, `budgets-converter.js`):
//! a bare level means `minScore: 0.9`; the default aggregation is
//! `optimistic` (the value most likely to pass); `median` is the median of
//! the runs' values; `median-run` takes perfscope's median run (Lighthouse's
//! choice by FCP and TTI); `pessimistic` the value least likely to pass, and
//! fails when a run lacks it. Only complete runs count.

use model::budget::{Budget, BudgetLevel, BudgetOrigin};
use model::vitals::{NotEvaluated, Request, RunMetrics, VitalsReport};
use model::{Diagnostic, MetricId, PartId};
use serde_json::Value;

use crate::metrics::median::median;
use crate::score::{self, Audit, FormFactor};

/// How an assertion aggregates the runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregation {
    /// The median of the runs' values.
    Median,
    /// The value of the median run.
    MedianRun,
    /// The value most likely to pass (Lighthouse CI's default).
    Optimistic,
    /// The value least likely to pass.
    Pessimistic,
}

impl Aggregation {
    /// Parses Lighthouse CI's spelling.
    pub fn parse(name: &str) -> Option<Aggregation> {
        match name {
            "median" => Some(Aggregation::Median),
            "median-run" => Some(Aggregation::MedianRun),
            "optimistic" => Some(Aggregation::Optimistic),
            "pessimistic" => Some(Aggregation::Pessimistic),
            _ => None,
        }
    }

    /// Lighthouse CI's spelling.
    pub fn name(self) -> &'static str {
        match self {
            Aggregation::Median => "median",
            Aggregation::MedianRun => "median-run",
            Aggregation::Optimistic => "optimistic",
            Aggregation::Pessimistic => "pessimistic",
        }
    }
}

/// A resource type of Lighthouse's resource summary whose transfer size
/// perfscope can sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceType {
    /// HTML documents.
    Document,
    /// Scripts.
    Script,
    /// Stylesheets.
    Stylesheet,
    /// Images.
    Image,
    /// Audio and video.
    Media,
    /// Fonts.
    Font,
    /// Everything else (fetches, XHR...).
    Other,
    /// Every request.
    Total,
}

impl ResourceType {
    const ALL: [ResourceType; 8] = [
        ResourceType::Document,
        ResourceType::Script,
        ResourceType::Stylesheet,
        ResourceType::Image,
        ResourceType::Media,
        ResourceType::Font,
        ResourceType::Other,
        ResourceType::Total,
    ];

    /// Lighthouse's name (`script`, `total`...).
    pub fn name(self) -> &'static str {
        match self {
            ResourceType::Document => "document",
            ResourceType::Script => "script",
            ResourceType::Stylesheet => "stylesheet",
            ResourceType::Image => "image",
            ResourceType::Media => "media",
            ResourceType::Font => "font",
            ResourceType::Other => "other",
            ResourceType::Total => "total",
        }
    }

    /// The type with Lighthouse's name `name`.
    pub fn parse(name: &str) -> Option<ResourceType> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Lighthouse's type of a request (`ResourceSummary.determineResourceType`).
    fn of(request: &Request) -> ResourceType {
        match request.resource_type.as_str() {
            "Document" => ResourceType::Document,
            "Script" => ResourceType::Script,
            "Stylesheet" => ResourceType::Stylesheet,
            "Image" => ResourceType::Image,
            "Media" => ResourceType::Media,
            "Font" => ResourceType::Font,
            _ => ResourceType::Other,
        }
    }

    /// Whether Lighthouse counts `request` under this type: network requests
    /// only (no `data:` or `blob:`), and not an `other` request for
    /// `/favicon.ico`.
    fn counts(self, request: &Request) -> bool {
        let network = request.url.starts_with("http://") || request.url.starts_with("https://");
        let kind = Self::of(request);
        let favicon = kind == ResourceType::Other && request.url.ends_with("/favicon.ico");
        network && !favicon && (self == ResourceType::Total || self == kind)
    }
}

/// What an assertion judges.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Check {
    /// A metric's value (`maxNumericValue`): ms, unitless for CLS.
    MaxValue(Audit, f64),
    /// A metric audit's score (`minScore`), from Lighthouse's curve.
    MinAuditScore(Audit, f64),
    /// The transfer size of a resource type, bytes (`maxNumericValue` of
    /// `resource-summary:<type>:size`).
    MaxTransfer(ResourceType, f64),
    /// The performance category's score (`minScore` of `categories:performance`).
    MinPerformanceScore(f64),
}

impl Check {
    /// The metric of its budget.
    fn metric(self) -> MetricId {
        match self {
            Check::MaxValue(audit, _) => match audit {
                Audit::Fcp => MetricId::Fcp,
                Audit::Lcp => MetricId::Lcp,
                Audit::Tbt => MetricId::Tbt,
                Audit::Cls => MetricId::Cls,
                Audit::Interactive => MetricId::Tti,
                // Never built: a Speed Index assertion is listed as not
                // evaluated when it is read.
                Audit::SpeedIndex => MetricId::Tti,
            },
            Check::MinAuditScore(..) | Check::MinPerformanceScore(_) => MetricId::LighthouseScore,
            Check::MaxTransfer(..) => MetricId::Transfer,
        }
    }

    fn limit(self) -> f64 {
        match self {
            Check::MaxValue(_, l)
            | Check::MinAuditScore(_, l)
            | Check::MaxTransfer(_, l)
            | Check::MinPerformanceScore(l) => l,
        }
    }

    /// This check's value in one run (`None` when the run lacks it).
    fn value(self, run: &RunMetrics, form: FormFactor) -> Option<f64> {
        match self {
            Check::MaxValue(audit, _) => audit.value(run),
            Check::MinAuditScore(audit, _) => {
                audit.value(run).map(|v| score::audit_score(audit, form, v))
            }
            Check::MaxTransfer(kind, _) => transfer(run, kind),
            Check::MinPerformanceScore(_) => score::performance(run, None, form).score,
        }
    }
}

/// The transfer bytes of one resource type in a run; `None` when the run's
/// request list may have been cut (a page with more requests than a report
/// lists).
fn transfer(run: &RunMetrics, kind: ResourceType) -> Option<f64> {
    if run.requests.len() >= crate::report::MAX_LISTED {
        return None;
    }
    Some(
        run.requests
            .iter()
            .filter(|r| kind.counts(r))
            .map(|r| r.transfer_bytes as f64)
            .sum(),
    )
}

/// One assertion perfscope evaluates.
#[derive(Debug, Clone, PartialEq)]
pub struct Assertion {
    /// The key as written (`largest-contentful-paint`,
    /// `resource-summary:script:size`).
    pub key: String,
    /// The file it is written in (`lighthouserc.json`, `budget.json`).
    pub file: String,
    /// Where it comes from, for its budget's name: `lighthouserc`, or
    /// `budget.json /blog/*`.
    pub source: String,
    /// What it judges, with the limit.
    pub check: Check,
    /// `error` fails the gate; `warn` is a warning.
    pub level: BudgetLevel,
    /// How the runs are aggregated.
    pub aggregation: Aggregation,
    /// A `budget.json` path pattern: the pages it applies to (`None`: all).
    pub path: Option<String>,
}

impl Assertion {
    /// Its budget's name: `largest-contentful-paint (lighthouserc,
    /// optimistic)`, `… score (…)` for a `minScore`, `, warn` at level warn.
    pub fn name(&self) -> String {
        let what = match self.check {
            Check::MinAuditScore(..) => format!("{} score", self.key),
            _ => self.key.clone(),
        };
        let warn = if self.level == BudgetLevel::Warn {
            ", warn"
        } else {
            ""
        };
        format!(
            "{what} ({}, {}{warn})",
            self.source,
            self.aggregation.name()
        )
    }
}

/// What perfscope takes from a Lighthouse CI configuration's assertions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LighthouseCi {
    /// The assertions perfscope evaluates.
    pub assertions: Vec<Assertion>,
    /// The ones it does not, with the reason.
    pub not_evaluated: Vec<NotEvaluated>,
    /// What was read, mapped or ignored, for the report.
    pub diagnostics: Vec<Diagnostic>,
}

impl LighthouseCi {
    fn skip(&mut self, file: &str, assertion: String, level: &str, reason: impl Into<String>) {
        self.not_evaluated.push(NotEvaluated {
            file: file.to_string(),
            assertion,
            level: level.to_string(),
            reason: reason.into(),
        });
    }
}

/// The options of one assertion entry (`[level, { … }]`).
struct Options<'a> {
    level: &'a str,
    min_score: Option<f64>,
    max_numeric_value: Option<f64>,
    max_length: bool,
    aggregation: Option<Aggregation>,
}

/// Reads an entry: a level, or `[level]`, or `[level, options]`.
fn read_entry<'a>(
    value: &'a Value,
    default_aggregation: Aggregation,
) -> Result<Options<'a>, String> {
    let (level, options) = match value {
        Value::String(level) => (level.as_str(), None),
        Value::Array(items) => match items.as_slice() {
            [Value::String(level)] => (level.as_str(), None),
            [Value::String(level), Value::Object(options)] => (level.as_str(), Some(options)),
            _ => return Err("not a level or [level, options]".to_string()),
        },
        _ => return Err("not a level or [level, options]".to_string()),
    };
    if !matches!(level, "off" | "warn" | "error") {
        return Err(format!("unknown level `{level}` (off, warn or error)"));
    }
    if level == "off" {
        // Not checked at all: its options do not matter.
        return Ok(Options {
            level,
            min_score: None,
            max_numeric_value: None,
            max_length: false,
            aggregation: None,
        });
    }
    let number = |key: &str| -> Result<Option<f64>, String> {
        match options.and_then(|o| o.get(key)) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_f64()
                .filter(|v| v.is_finite())
                .map(Some)
                .ok_or_else(|| format!("{key} is not a finite number")),
            Some(_) => Err(format!("{key} is not a number")),
        }
    };
    let aggregation = match options.and_then(|o| o.get("aggregationMethod")) {
        None | Some(Value::Null) => Some(default_aggregation),
        Some(Value::String(name)) => Some(
            Aggregation::parse(name)
                .ok_or_else(|| format!("unknown aggregationMethod `{name}`"))?,
        ),
        Some(_) => return Err("aggregationMethod is not a string".to_string()),
    };
    Ok(Options {
        level,
        min_score: number("minScore")?,
        max_numeric_value: number("maxNumericValue")?,
        max_length: number("maxLength")?.is_some(),
        aggregation,
    })
}

/// Reads `ci.assert`: `assertions`, `preset`, `assertMatrix`,
/// `aggregationMethod`. `budgetsFile` is read by the caller
/// ([`parse_budgets`]). `file` names the configuration in messages.
pub fn parse_assert(assert: &Value, file: &str) -> LighthouseCi {
    let mut out = LighthouseCi::default();
    let Some(assert) = assert.as_object() else {
        out.diagnostics.push(Diagnostic::new(
            file,
            "ci.assert is not an object; its assertions are ignored",
        ));
        return out;
    };
    if let Some(preset) = assert.get("preset") {
        let name = preset.as_str().unwrap_or("(not a string)");
        out.skip(
            file,
            format!("preset {name}"),
            "mixed",
            "a preset asserts every Lighthouse audit; perfscope evaluates only the assertions listed under `assertions` that it measures",
        );
    }
    if assert.contains_key("assertMatrix") {
        out.skip(
            file,
            "assertMatrix".to_string(),
            "mixed",
            "per-URL assertion sets are not read; list the assertions under `assertions`",
        );
    }
    let default_aggregation = match assert.get("aggregationMethod") {
        Some(Value::String(name)) => Aggregation::parse(name).unwrap_or_else(|| {
            out.diagnostics.push(Diagnostic::new(
                file,
                format!("ci.assert.aggregationMethod `{name}` is unknown; optimistic (Lighthouse CI's default) is used"),
            ));
            Aggregation::Optimistic
        }),
        _ => Aggregation::Optimistic,
    };
    match assert.get("assertions") {
        None => {}
        Some(Value::Object(assertions)) => {
            // By key: the order of a JSON object depends on how serde_json
            // was built, the report's must not.
            let mut keys: Vec<&String> = assertions.keys().collect();
            keys.sort();
            for key in keys {
                read_assertion(&mut out, file, key, &assertions[key], default_aggregation);
            }
        }
        Some(_) => out.diagnostics.push(Diagnostic::new(
            file,
            "ci.assert.assertions is not an object; it is ignored",
        )),
    }
    out
}

/// Reads one entry of `assertions` into an assertion, or lists it as not
/// evaluated with the reason.
fn read_assertion(
    out: &mut LighthouseCi,
    file: &str,
    key: &str,
    value: &Value,
    default_aggregation: Aggregation,
) {
    let options = match read_entry(value, default_aggregation) {
        Ok(options) => options,
        Err(problem) => {
            out.skip(
                file,
                key.to_string(),
                "unknown",
                format!("cannot be read: {problem}"),
            );
            return;
        }
    };
    if options.level == "off" {
        return;
    }
    let level = if options.level == "warn" {
        BudgetLevel::Warn
    } else {
        BudgetLevel::Error
    };
    let parts: Vec<&str> = key.split([':', '.']).filter(|p| !p.is_empty()).collect();
    let checks = checks_of(&parts, &options);
    if options.max_length {
        out.skip(
            file,
            format!("{key} (maxLength)"),
            options.level,
            "maxLength counts the items of an audit's details, which perfscope does not produce",
        );
    }
    let aggregation = options.aggregation.unwrap_or(default_aggregation);
    for check in checks {
        match check {
            Ok(check) => out.assertions.push(Assertion {
                key: key.to_string(),
                file: file.to_string(),
                source: "lighthouserc".to_string(),
                check,
                level,
                aggregation,
                path: None,
            }),
            Err(reason) => out.skip(file, key.to_string(), options.level, reason),
        }
    }
}

/// The checks one assertion key asks for (`minScore` 0.9 when neither
/// `minScore`, `maxNumericValue` nor `maxLength` is given), or why each
/// cannot be evaluated.
fn checks_of(parts: &[&str], options: &Options) -> Vec<Result<Check, String>> {
    let min_score = match (
        options.min_score,
        options.max_numeric_value,
        options.max_length,
    ) {
        (Some(min), _, _) => Some(min),
        (None, None, false) => Some(0.9),
        _ => None,
    };
    let mut out = Vec::new();
    match parts {
        ["categories", "performance"] => {
            if let Some(min) = min_score {
                out.push(Ok(Check::MinPerformanceScore(min)));
            }
            if options.max_numeric_value.is_some() {
                out.push(Err("a category has a score, not a numeric value".to_string()));
            }
        }
        ["categories", other] => out.push(Err(format!(
            "perfscope measures performance only, not the {other} category"
        ))),
        ["resource-summary", kind, "size"] => match (ResourceType::parse(kind), options.max_numeric_value) {
            (Some(kind), Some(max)) => out.push(Ok(Check::MaxTransfer(kind, max))),
            (Some(_), None) => out.push(Err(
                "only maxNumericValue (bytes) is evaluated on a resource summary".to_string(),
            )),
            (None, _) => out.push(Err(format!(
                "the `{kind}` resource type is not summed by perfscope (document, script, stylesheet, image, media, font, other and total are)"
            ))),
        },
        ["resource-summary", _, "count"] => out.push(Err(
            "perfscope has no request-count budget".to_string(),
        )),
        [audit] => match Audit::from_id(audit) {
            Some(Audit::SpeedIndex) => out.push(Err(
                "perfscope does not measure Speed Index (it needs screenshots of the load)".to_string(),
            )),
            Some(audit) => {
                if let Some(max) = options.max_numeric_value {
                    out.push(Ok(Check::MaxValue(audit, max)));
                }
                if let Some(min) = min_score {
                    out.push(Ok(Check::MinAuditScore(audit, min)));
                }
            }
            None => out.push(Err(
                "perfscope does not run this Lighthouse audit".to_string(),
            )),
        },
        _ => out.push(Err(
            "perfscope does not run this Lighthouse audit".to_string(),
        )),
    }
    out
}

/// Reads a Lighthouse `budget.json` (an array of `{ path, resourceSizes,
/// resourceCounts, timings }`) as Lighthouse CI converts it: each timing
/// and each resource size (KiB) an `error` assertion on the pages its `path`
/// matches, aggregated optimistically. `file` names it in messages.
pub fn parse_budgets(value: &Value, file: &str) -> LighthouseCi {
    let mut out = LighthouseCi::default();
    let Some(budgets) = value.as_array() else {
        out.diagnostics.push(Diagnostic::new(
            file,
            "not a Lighthouse budget file (an array of budgets); it is ignored",
        ));
        return out;
    };
    for (i, budget) in budgets.iter().enumerate() {
        let path = match budget.get("path") {
            None | Some(Value::Null) => None,
            Some(Value::String(p)) if p.starts_with('/') => Some(p.clone()),
            Some(other) => {
                out.diagnostics.push(Diagnostic::new(
                    file,
                    format!(
                        "budget {}: path {other} does not start with `/`; this budget is ignored",
                        i + 1
                    ),
                ));
                continue;
            }
        };
        let source = format!("{file} {}", path.as_deref().unwrap_or("/"));
        let rows = |key: &str, name: &str| -> Vec<(String, Option<f64>)> {
            budget
                .get(key)
                .and_then(Value::as_array)
                .map(|rows| {
                    rows.iter()
                        .map(|row| {
                            let what = row.get(name).and_then(Value::as_str).unwrap_or("?");
                            (what.to_string(), row.get("budget").and_then(Value::as_f64))
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut push = |key: String, check: Result<Check, String>| match check {
            Ok(check) => out.assertions.push(Assertion {
                key,
                file: file.to_string(),
                source: source.clone(),
                check,
                level: BudgetLevel::Error,
                aggregation: Aggregation::Optimistic,
                path: path.clone(),
            }),
            Err(reason) => out.not_evaluated.push(NotEvaluated {
                file: file.to_string(),
                assertion: format!("{key} ({source})"),
                level: "error".to_string(),
                reason,
            }),
        };
        for (metric, limit) in rows("timings", "metric") {
            let check = match (Audit::from_id(&metric), limit) {
                (_, None) => Err("the budget is not a number".to_string()),
                (Some(Audit::SpeedIndex), _) => Err(
                    "perfscope does not measure Speed Index (it needs screenshots of the load)"
                        .to_string(),
                ),
                (Some(audit), Some(limit)) => Ok(Check::MaxValue(audit, limit)),
                (None, _) => Err("perfscope does not measure this timing".to_string()),
            };
            push(metric, check);
        }
        for (kind, limit) in rows("resourceSizes", "resourceType") {
            let check = match (ResourceType::parse(&kind), limit) {
                (_, None) => Err("the budget is not a number".to_string()),
                (Some(t), Some(kib)) => Ok(Check::MaxTransfer(t, kib * 1024.0)),
                (None, _) => Err(format!(
                    "the `{kind}` resource type is not summed by perfscope"
                )),
            };
            push(format!("resource-summary:{kind}:size"), check);
        }
        for (kind, _) in rows("resourceCounts", "resourceType") {
            push(
                format!("resource-summary:{kind}:count"),
                Err("perfscope has no request-count budget".to_string()),
            );
        }
    }
    out
}

/// Whether a page (`/path?query`) matches a `budget.json` path pattern as
/// Lighthouse CI matches it: the pattern's start is a prefix of the page,
/// `*` stands for any characters and a final `$` anchors the end; no
/// pattern or `/` matches every page.
pub fn path_matches(pattern: &str, page: &str) -> bool {
    if pattern.is_empty() || pattern == "/" {
        return true;
    }
    let (pattern, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    let parts: Vec<&str> = pattern.split('*').collect();
    let Some(rest) = page.strip_prefix(parts[0]) else {
        return false;
    };
    if parts.len() == 1 {
        return !anchored || rest.is_empty();
    }
    let mut rest = rest;
    let last = parts.len() - 1;
    for (i, part) in parts.iter().enumerate().skip(1) {
        if i == last && anchored {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// The page a report measured, as Lighthouse CI matches budgets against
/// it: the URL's path and query (the listed page's path when the URL cannot
/// be read).
fn page_of(report: &VitalsReport) -> String {
    match url::Url::parse(&report.url) {
        Ok(url) => match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        },
        Err(_) => report.path.clone().unwrap_or_else(|| "/".to_string()),
    }
}

/// The aggregated value of `check` over the complete runs, or why there is none.
fn aggregate(
    check: Check,
    aggregation: Aggregation,
    report: &VitalsReport,
    form: FormFactor,
) -> Result<f64, String> {
    let complete: Vec<&RunMetrics> = report.runs.iter().filter(|r| r.complete).collect();
    if complete.is_empty() {
        return Err("no run completed".to_string());
    }
    let values: Vec<Option<f64>> = complete.iter().map(|r| check.value(r, form)).collect();
    let present: Vec<f64> = values.iter().flatten().copied().collect();
    let minimum = check.metric().higher_is_better();
    let missing = || "no complete run measured it".to_string();
    match aggregation {
        Aggregation::MedianRun => report
            .median
            .as_ref()
            .ok_or_else(|| "there is no median run".to_string())
            .and_then(|m| {
                check
                    .value(m, form)
                    .ok_or_else(|| format!("the median run (#{}) did not measure it", m.index + 1))
            }),
        Aggregation::Median => median(&present).ok_or_else(missing),
        Aggregation::Optimistic => {
            let best = if minimum { f64::max } else { f64::min };
            present.iter().copied().reduce(best).ok_or_else(missing)
        }
        Aggregation::Pessimistic => {
            if let Some(i) = values.iter().position(Option::is_none) {
                return Err(format!(
                    "run #{} did not measure it (pessimistic needs every complete run)",
                    complete[i].index + 1
                ));
            }
            let worst = if minimum { f64::min } else { f64::max };
            present.iter().copied().reduce(worst).ok_or_else(missing)
        }
    }
}

/// Judges the assertions that apply to one page's report: a budget for
/// each, and the ones perfscope cannot evaluate on it (the performance
/// score without Speed Index) as not evaluated.
pub fn evaluate(ci: &LighthouseCi, report: &VitalsReport) -> (Vec<Budget>, Vec<NotEvaluated>) {
    let form = FormFactor::of(&report.profile);
    let page = page_of(report);
    let mut budgets = Vec::new();
    let mut skipped = Vec::new();
    // Lighthouse's category score needs every weighted metric (Speed Index
    // too); an estimate is never judged.
    let exact_score = report
        .runs
        .iter()
        .filter(|r| r.complete)
        .any(|r| score::performance(r, None, form).score.is_some());
    for assertion in &ci.assertions {
        if let Some(pattern) = &assertion.path
            && !path_matches(pattern, &page)
        {
            continue;
        }
        if let Check::MinPerformanceScore(_) = assertion.check
            && !exact_score
        {
            skipped.push(NotEvaluated {
                file: assertion.file.clone(),
                assertion: assertion.key.clone(),
                level: level_name(assertion.level).to_string(),
                reason: "Lighthouse's performance score needs Speed Index, which perfscope does not measure; the estimate without it is shown, never judged".to_string(),
            });
            continue;
        }
        let value = aggregate(assertion.check, assertion.aggregation, report, form);
        let (actual, why) = match value {
            Ok(v) => (Some(v), String::new()),
            Err(why) => (None, why),
        };
        budgets.push(
            Budget::judge(
                PartId::Vitals,
                assertion.name(),
                assertion.check.metric(),
                assertion.check.limit(),
                actual,
                || why,
                BudgetOrigin::Lighthouserc,
                Vec::new(),
            )
            .with_level(assertion.level),
        );
    }
    (budgets, skipped)
}

fn level_name(level: BudgetLevel) -> &'static str {
    match level {
        BudgetLevel::Error => "error",
        BudgetLevel::Warn => "warn",
    }
}

/// `ci.collect` as perfscope reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Collect {
    /// `url`: the URLs (or paths) to load.
    pub urls: Vec<String>,
    /// `staticDistDir`: a build folder to serve.
    pub static_dist_dir: Option<String>,
    /// `startServerCommand`: the app's own server.
    pub start_server_command: Option<String>,
    /// `numberOfRuns`.
    pub number_of_runs: Option<usize>,
    /// `isSinglePageApplication`: unknown paths of the folder serve `index.html`.
    pub spa: Option<bool>,
    /// `maxAutodiscoverUrls` (default 5; 0: no limit).
    pub max_autodiscover_urls: Option<usize>,
    /// `autodiscoverUrlBlocklist`.
    pub autodiscover_blocklist: Vec<String>,
    /// `settings.preset`, `settings.formFactor`: the form factor
    /// (Lighthouse's default is mobile), and what said so.
    pub form_factor: (FormFactor, String),
    /// `settings.throttlingMethod` (`simulate` when absent, Lighthouse's default).
    pub throttling_method: String,
    /// Keys perfscope does not use and why, and values it cannot read.
    pub notes: Vec<String>,
}

/// Reads `ci.collect` (absent: Lighthouse CI's defaults).
pub fn parse_collect(collect: Option<&Value>) -> Collect {
    let empty = serde_json::Map::new();
    let mut notes = Vec::new();
    let collect = match collect {
        Some(Value::Object(c)) => c,
        Some(_) => {
            notes.push("ci.collect is not an object; Lighthouse's defaults are used".to_string());
            &empty
        }
        None => &empty,
    };
    let string = |key: &str, notes: &mut Vec<String>| match collect.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            notes.push(format!("collect.{key} is not a string; it is ignored"));
            None
        }
    };
    let strings = |key: &str, notes: &mut Vec<String>| match collect.get(key) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(_) => {
            notes.push(format!(
                "collect.{key} is not a string or a list of strings; it is ignored"
            ));
            Vec::new()
        }
    };
    let count = |key: &str, notes: &mut Vec<String>| match collect.get(key) {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64() {
            Some(n) => usize::try_from(n).ok(),
            None => {
                notes.push(format!(
                    "collect.{key} is not a whole number; it is ignored"
                ));
                None
            }
        },
    };
    let urls = strings("url", &mut notes);
    let static_dist_dir = string("staticDistDir", &mut notes);
    let start_server_command = string("startServerCommand", &mut notes);
    let number_of_runs = count("numberOfRuns", &mut notes).filter(|n| *n > 0);
    let max_autodiscover_urls = count("maxAutodiscoverUrls", &mut notes);
    let autodiscover_blocklist = strings("autodiscoverUrlBlocklist", &mut notes);
    let spa = collect
        .get("isSinglePageApplication")
        .and_then(Value::as_bool);
    for (key, why) in [
        (
            "startServerReadyPattern",
            "perfscope waits until the server answers HTTP on its port instead",
        ),
        (
            "puppeteerScript",
            "perfscope does not run Puppeteer scripts (replay a DevTools Recorder flow with [[vitals.flows]])",
        ),
        (
            "method",
            "perfscope always measures in its own local Chromium",
        ),
    ] {
        if collect.contains_key(key) {
            notes.push(format!("collect.{key} is not used: {why}"));
        }
    }
    let settings = collect.get("settings").and_then(Value::as_object);
    let setting = |key: &str| settings.and_then(|s| s.get(key)).and_then(Value::as_str);
    let form_factor = form_factor(
        setting("preset"),
        setting("formFactor"),
        setting("emulatedFormFactor"),
    );
    if settings.is_some_and(|s| s.contains_key("throttling")) {
        notes.push("collect.settings.throttling is not read: perfscope applies Lighthouse's devtools values for the form factor (set [vitals.throttling] for others)".to_string());
    }
    Collect {
        urls,
        static_dist_dir,
        start_server_command,
        number_of_runs,
        spa,
        max_autodiscover_urls,
        autodiscover_blocklist,
        form_factor,
        throttling_method: setting("throttlingMethod")
            .unwrap_or("simulate")
            .to_string(),
        notes,
    }
}

/// The form factor `settings` ask for, and what said so: `preset:
/// "desktop"`, else `formFactor` (or the older `emulatedFormFactor`), else
/// Lighthouse's default, mobile.
fn form_factor(
    preset: Option<&str>,
    form_factor: Option<&str>,
    emulated: Option<&str>,
) -> (FormFactor, String) {
    let (form, why) = match (preset, form_factor, emulated) {
        (Some("desktop"), _, _) => (FormFactor::Desktop, "settings.preset desktop"),
        (_, Some("desktop"), _) => (FormFactor::Desktop, "settings.formFactor desktop"),
        (_, None, Some("desktop")) => (FormFactor::Desktop, "settings.emulatedFormFactor desktop"),
        (_, Some("mobile"), _) => (FormFactor::Mobile, "settings.formFactor mobile"),
        _ => (
            FormFactor::Mobile,
            "no desktop preset: Lighthouse's default form factor",
        ),
    };
    (form, why.to_string())
}

/// The pages of a collect section: what is loaded and the notes about it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PagePlan {
    /// A URL to load when nothing is served locally (`[vitals] url`).
    pub url: Option<String>,
    /// The pages (paths), in order.
    pub pages: Vec<String>,
    /// What was mapped and what was left out.
    pub notes: Vec<String>,
}

fn is_local(host: &str) -> bool {
    matches!(
        host,
        "localhost" | "127.0.0.1" | "0.0.0.0" | "[::1]" | "::1"
    ) || host.ends_with(".localhost")
}

/// A URL's path, query and fragment (`/blog?page=2`).
fn path_of(url: &url::Url) -> String {
    let mut out = url.path().to_string();
    if let Some(q) = url.query() {
        out.push('?');
        out.push_str(q);
    }
    if let Some(f) = url.fragment() {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// Maps `collect.url` onto perfscope's pages. `served`: perfscope serves the
/// app itself (`staticDistDir`, or a start command), so a local URL
/// (`http://localhost:3000/about`) becomes its path on perfscope's server.
/// `html_files`: the top-level HTML files of `staticDistDir`, which Lighthouse CI
/// measures when no URL is given.
pub fn plan_pages(collect: &Collect, served: bool, html_files: &[String]) -> PagePlan {
    let mut plan = PagePlan::default();
    if collect.urls.is_empty() {
        if collect.static_dist_dir.is_some() {
            let limit = match collect.max_autodiscover_urls {
                Some(0) => usize::MAX,
                Some(n) => n,
                None => 5,
            };
            let blocked: Vec<String> = collect
                .autodiscover_blocklist
                .iter()
                .map(|b| match url::Url::parse(b) {
                    Ok(u) => u.path().to_string(),
                    Err(_) => b.clone(),
                })
                .collect();
            plan.pages = html_files
                .iter()
                .map(|f| format!("/{f}"))
                .filter(|p| !blocked.contains(p))
                .take(limit)
                .collect();
            plan.notes.push(format!(
                "no collect.url: the HTML files of staticDistDir are measured, as Lighthouse CI discovers them ({})",
                if plan.pages.is_empty() { "none found".to_string() } else { plan.pages.join(", ") }
            ));
        }
        return plan;
    }
    let mut origin: Option<String> = None;
    for raw in &collect.urls {
        if raw.starts_with('/') {
            if served {
                plan.pages.push(raw.clone());
            } else {
                plan.notes.push(format!(
                    "{raw} is not measured: a path needs staticDistDir or startServerCommand"
                ));
            }
            continue;
        }
        let Ok(url) = url::Url::parse(raw) else {
            plan.notes.push(format!("{raw} is not measured: not a URL"));
            continue;
        };
        let host = url.host_str().unwrap_or("");
        if served {
            if is_local(host) {
                plan.pages.push(path_of(&url));
            } else {
                plan.notes.push(format!(
                    "{raw} is not measured: perfscope serves the app on 127.0.0.1 and does not load other hosts"
                ));
            }
            continue;
        }
        let this = url.origin().ascii_serialization();
        match &origin {
            None => origin = Some(this),
            Some(o) if *o == this => {}
            Some(o) => {
                plan.notes.push(format!(
                    "{raw} is not measured: perfscope measures one origin ({o})"
                ));
                continue;
            }
        }
        plan.pages.push(path_of(&url));
        if plan.url.is_none() {
            plan.url = Some(raw.clone());
        }
    }
    if let (Some(origin), false) = (&origin, served)
        && plan.pages.len() > 1
    {
        plan.url = Some(format!("{origin}/"));
    } else if !served && plan.pages.len() == 1 {
        // One URL: it is the target itself.
        plan.pages.clear();
    }
    plan
}

/// `startServerCommand` with the port of the URLs replaced by `{port}`:
/// perfscope starts the command on a free port it picks (`{port}`, and
/// `PORT` in its environment), where Lighthouse CI loads the URLs at the
/// fixed port they name. A whole-word occurrence of that port
/// (`serve -l 8080`, `--port=3000`, `:5000`) becomes `{port}`.
pub fn start_command(command: &str, urls: &[String]) -> (String, Option<u16>) {
    let port = urls
        .iter()
        .filter_map(|u| url::Url::parse(u).ok())
        .filter(|u| is_local(u.host_str().unwrap_or("")))
        .find_map(|u| u.port());
    let Some(port) = port else {
        return (command.to_string(), None);
    };
    if command.contains("{port}") {
        return (command.to_string(), Some(port));
    }
    let digits = port.to_string();
    let mut out = String::with_capacity(command.len());
    let mut rest = command;
    while let Some(at) = rest.find(&digits) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + digits.len()..].chars().next();
        let word = |c: Option<char>| c.is_none_or(|c| !c.is_ascii_alphanumeric());
        out.push_str(&rest[..at]);
        if word(before) && word(after) {
            out.push_str("{port}");
        } else {
            out.push_str(&digits);
        }
        rest = &rest[at + digits.len()..];
    }
    out.push_str(rest);
    (out, Some(port))
}

#[cfg(test)]
mod tests;
