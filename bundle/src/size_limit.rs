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
                origin.as_str(),
                format!("size-limit item #{} has no `path`; skipped", i + 1),
            ));
            continue;
        }
        if item.get("import").is_some() || item.get("entry").is_some() {
            diagnostics.push(Diagnostic::new(
                origin.as_str(),
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
                    origin.as_str(),
                    format!("size-limit item `{}`: limit `{}` is not a size (time limits are not supported); skipped", quote(&label), quote(limit)),
                ));
                continue;
            }
        };
        let metric = if item.get("gzip").and_then(Value::as_bool) == Some(true) {
            MetricId::Gzip
        } else if item.get("brotli").and_then(Value::as_bool) == Some(false) {
            MetricId::Raw
        } else {
            MetricId::Brotli
        };
        budgets.push(Rule {
            name: label,
            origin,
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
    match project.package_json.as_ref()?.get("size-limit") {
        Some(Value::Array(items)) => Some((BudgetOrigin::PackageJson, items.clone())),
        _ => None,
    }
}
