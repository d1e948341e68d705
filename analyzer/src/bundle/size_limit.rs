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

use std::path::Path;

use model::Diagnostic;
use serde_json::Value;

use super::budgets::{Budget, Metric, Target};
use super::units::parse_size;

/// Reads size-limit budgets from `project`; `dist_prefix` is the output folder
/// relative to `project` (`dist`), used to match the project-relative globs.
pub fn read(project: &Path, dist_prefix: &str) -> (Vec<Budget>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    for js in [
        ".size-limit.js",
        ".size-limit.cjs",
        ".size-limit.mjs",
        ".size-limit.ts",
    ] {
        if project.join(js).is_file() {
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
        let name = item.get("name").and_then(Value::as_str).map(String::from);
        let patterns: Vec<String> = match item.get("path") {
            Some(Value::String(p)) => vec![p.clone()],
            Some(Value::Array(list)) => list
                .iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect(),
            _ => Vec::new(),
        };
        let label = name.clone().unwrap_or_else(|| patterns.join(", "));
        if patterns.is_empty() {
            diagnostics.push(Diagnostic::new(
                origin,
                format!("size-limit item #{} has no `path`; skipped", i + 1),
            ));
            continue;
        }
        if item.get("import").is_some() || item.get("entry").is_some() {
            diagnostics.push(Diagnostic::new(
                origin,
                format!(
                    "size-limit item `{label}` uses `import`/`entry` (size-limit bundling); skipped"
                ),
            ));
            continue;
        }
        let Some(limit) = item.get("limit").and_then(Value::as_str) else {
            continue;
        };
        let limit = match parse_size(limit) {
            Ok(limit) => limit,
            Err(_) => {
                diagnostics.push(Diagnostic::new(
                    origin,
                    format!("size-limit item `{label}`: limit `{limit}` is not a size (time limits are not supported); skipped"),
                ));
                continue;
            }
        };
        let metric = if item.get("gzip").and_then(Value::as_bool) == Some(true) {
            Metric::Gzip
        } else if item.get("brotli").and_then(Value::as_bool) == Some(false) {
            Metric::Raw
        } else {
            Metric::Brotli
        };
        budgets.push(Budget {
            name: label,
            origin: origin.to_string(),
            target: Target::Glob {
                patterns,
                prefix: dist_prefix.to_string(),
            },
            metric,
            limit,
        });
    }
    (budgets, diagnostics)
}

fn load(project: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<(&'static str, Vec<Value>)> {
    let file = project.join(".size-limit.json");
    if file.is_file() {
        return match std::fs::read(&file)
            .map_err(|e| e.to_string())
            .and_then(|b| serde_json::from_slice::<Value>(&b).map_err(|e| e.to_string()))
        {
            Ok(Value::Array(items)) => Some((".size-limit.json", items)),
            Ok(_) => {
                diagnostics.push(Diagnostic::new(
                    ".size-limit.json",
                    "expected a JSON array; ignored",
                ));
                None
            }
            Err(e) => {
                diagnostics.push(Diagnostic::new(
                    ".size-limit.json",
                    format!("cannot read: {e}"),
                ));
                None
            }
        };
    }
    let package = project.join("package.json");
    let value: Value = serde_json::from_slice(&std::fs::read(package).ok()?).ok()?;
    match value.get("size-limit") {
        Some(Value::Array(items)) => Some(("package.json", items.clone())),
        _ => None,
    }
}
