//! Budgets from an existing size-limit configuration, so teams can switch
//! without rewriting it: `.size-limit.json`, or the `"size-limit"` array of
//! `package.json`, in the project folder. `.size-limit.js`/`.cjs`/`.ts` are
//! JavaScript and are not read (a diagnostic says so).
//!
//! Each item: `path` (a glob or an array of globs, `!` excludes, relative to the
//! project folder), `limit` (`"10 kB"`; 1 kB = 1000 bytes), `name`. The metric
//! follows size-limit ≥ 9: brotli by default, gzip with `"gzip": true`, raw bytes
//! with `"brotli": false`. Items with a time limit (`"500 ms"`), an `import` or
//! `entry` (which need size-limit's own bundling) are skipped with a diagnostic.

use model::diagnostic::quote;
use model::units::parse_size;
use model::{BudgetOrigin, Diagnostic, MetricId};
use serde_json::Value;

use super::budgets::{Rule, Target};
use project::ProjectFacts;
use project::fsx;

/// Reads size-limit budgets from the project; `dist_prefix` is the output
/// folder relative to the project (`dist`), used to match the project-relative globs.
pub fn read(project: &ProjectFacts, dist_prefix: &str) -> (Vec<Rule>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    for js in [
        ".size-limit.js",
        ".size-limit.cjs",
        ".size-limit.mjs",
        ".size-limit.ts",
    ] {
        if project.root.join(js).is_file() {
            diagnostics.push(Diagnostic::new(
                js,
                "JavaScript size-limit configuration is not read; use .size-limit.json or [bundle] budgets in perfscope.toml",
            ));
        }
    }
    let (origin, items) = match load(project, &mut diagnostics) {
        Some(found) => found,
        None => return (Vec::new(), diagnostics),
    };
    let mut budgets = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match read_item(item, origin, dist_prefix) {
            Ok(rule) => budgets.push(rule),
            Err(problem) => diagnostics.push(Diagnostic::new(
                origin.as_str(),
                format!("size-limit item #{}: {problem}; skipped", i + 1),
            )),
        }
    }
    if !items.is_empty() && budgets.is_empty() {
        diagnostics.push(Diagnostic::new(
            origin.as_str(),
            "no size-limit item could be used; the default budgets apply",
        ));
    }
    (budgets, diagnostics)
}

/// A JSON value's type in words, for messages.
fn type_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The globs of an item's `path`: a string or an array of strings.
fn patterns_of(item: &Value) -> Result<Vec<String>, String> {
    let wrong = |v: &Value| {
        format!(
            "`path` must be a string or an array of strings (got {})",
            type_of(v)
        )
    };
    match item.get("path") {
        None => Err("has no `path`".to_string()),
        Some(Value::String(p)) => Ok(vec![p.clone()]),
        Some(Value::Array(list)) => {
            let patterns = list
                .iter()
                .map(|v| v.as_str().map(String::from).ok_or_else(|| wrong(v)))
                .collect::<Result<Vec<_>, _>>()?;
            if patterns.is_empty() {
                return Err("`path` is an empty array".to_string());
            }
            Ok(patterns)
        }
        Some(other) => Err(wrong(other)),
    }
}

/// Which size an item limits: `gzip` and `brotli` are booleans when present.
fn metric_of(item: &Value) -> Result<MetricId, String> {
    let flag = |key: &str| match item.get(key) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(format!(
            "`{key}` must be true or false (got {})",
            type_of(other)
        )),
    };
    Ok(match (flag("gzip")?, flag("brotli")?) {
        (Some(true), _) => MetricId::Gzip,
        (_, Some(false)) => MetricId::Raw,
        _ => MetricId::Brotli,
    })
}

/// One size-limit item as a budget, or the problem that skips it.
fn read_item(item: &Value, origin: BudgetOrigin, dist_prefix: &str) -> Result<Rule, String> {
    if !item.is_object() {
        return Err(format!("must be an object (got {})", type_of(item)));
    }
    let patterns = patterns_of(item)?;
    let name = match item.get("name") {
        None => None,
        Some(Value::String(n)) => Some(n.clone()),
        Some(other) => return Err(format!("`name` must be a string (got {})", type_of(other))),
    };
    let label = name.unwrap_or_else(|| patterns.join(", "));
    if item.get("import").is_some() || item.get("entry").is_some() {
        return Err(format!(
            "`{}` uses `import`/`entry` (size-limit bundling)",
            quote(&label)
        ));
    }
    let limit = match item.get("limit") {
        None => return Err(format!("`{}` has no `limit`", quote(&label))),
        Some(Value::String(limit)) => parse_size(limit).map_err(|_| {
            format!(
                "`{}`: limit `{}` is not a size (time limits are not supported)",
                quote(&label),
                quote(limit)
            )
        })?,
        Some(other) => {
            return Err(format!(
                "`{}`: `limit` must be a string such as \"10 kB\" (got {} {})",
                quote(&label),
                type_of(other),
                quote(&other.to_string())
            ));
        }
    };
    Ok(Rule {
        name: label,
        origin,
        target: Target::Glob {
            patterns,
            prefix: dist_prefix.to_string(),
        },
        metric: metric_of(item)?,
        limit,
    })
}

fn load(
    project: &ProjectFacts,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(BudgetOrigin, Vec<Value>)> {
    let file = project.root.join(".size-limit.json");
    match fsx::read_regular(&file, 16 * 1024 * 1024) {
        Ok(None) => {}
        Ok(Some(bytes)) => {
            return match serde_json::from_slice::<Value>(&bytes) {
                Ok(Value::Array(items)) => Some((BudgetOrigin::SizeLimitJson, items)),
                Ok(_) => {
                    diagnostics.push(Diagnostic::new(
                        ".size-limit.json",
                        "expected a JSON array; ignored",
                    ));
                    None
                }
                Err(e) => {
                    diagnostics.push(Diagnostic::at(
                        ".size-limit.json",
                        u32::try_from(e.line()).ok(),
                        format!(
                            "is not valid JSON (line {}, column {}: {}); ignored",
                            e.line(),
                            e.column(),
                            fsx::json_problem(&e)
                        ),
                    ));
                    None
                }
            };
        }
        Err(e) => {
            diagnostics.push(Diagnostic::new(
                ".size-limit.json",
                format!("cannot be read: {e}"),
            ));
            return None;
        }
    }
    match project.package_json.as_ref()?.get("size-limit")? {
        Value::Array(items) => Some((BudgetOrigin::PackageJson, items.clone())),
        other => {
            diagnostics.push(Diagnostic::new(
                "package.json",
                format!(
                    "`size-limit` must be an array of items (got {}); ignored",
                    type_of(other)
                ),
            ));
            None
        }
    }
}
