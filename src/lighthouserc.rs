//! Lighthouse CI configuration (`lighthouserc.json`, `.yml`, `.js`…): found
//! at the project root, read without running it, and mapped onto `[vitals]`
//! wherever `perfscope.toml` does not say otherwise (README, "Lighthouse CI
//! configuration"). What it asserts becomes budgets
//! ([`vitals::lighthouse_ci`]).
//!
//! A file perfscope cannot read (a syntax error, a value computed when the
//! file runs, `ci` missing) is a diagnostic naming the file and the problem;
//! the run goes on without it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use model::Diagnostic;
use serde_json::Value;
use source::static_config::{self, Static};
use vitals::VitalsConfig;
use vitals::lighthouse_ci::{self as lhci, Collect, LighthouseCi};
use vitals::profile::{Throttling, ThrottlingName};
use vitals::score::FormFactor;

/// The names Lighthouse CI looks for at the root, in its order; the first
/// one found is read.
pub const FILE_NAMES: [&str; 10] = [
    ".lighthouserc.js",
    "lighthouserc.js",
    ".lighthouserc.cjs",
    "lighthouserc.cjs",
    ".lighthouserc.json",
    "lighthouserc.json",
    ".lighthouserc.yml",
    "lighthouserc.yml",
    ".lighthouserc.yaml",
    "lighthouserc.yaml",
];

/// The `[vitals]` and `[vitals.budgets]` keys `perfscope.toml` sets: those
/// win over the Lighthouse CI configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Explicit {
    /// Keys of `[vitals]` (`runs`, `profile`, `throttling`, `pages`...).
    pub vitals: BTreeSet<String>,
    /// Keys of `[vitals.budgets]`.
    pub budgets: BTreeSet<String>,
}

impl Explicit {
    /// The keys a `perfscope.toml` text sets (nothing when it is not TOML:
    /// reading it reports that).
    pub fn of_toml(text: &str) -> Explicit {
        let Ok(table) = text.parse::<toml::Table>() else {
            return Explicit::default();
        };
        let vitals = table.get("vitals").and_then(|v| v.as_table());
        let keys = |t: Option<&toml::Table>| -> BTreeSet<String> {
            t.map(|t| t.keys().cloned().collect()).unwrap_or_default()
        };
        Explicit {
            vitals: keys(vitals),
            budgets: keys(
                vitals
                    .and_then(|v| v.get("budgets"))
                    .and_then(|b| b.as_table()),
            ),
        }
    }

    fn sets(&self, key: &str) -> bool {
        self.vitals.contains(key)
    }
}

/// The first Lighthouse CI configuration file in `dir`, and the others
/// found (which Lighthouse CI does not read either).
pub fn find(dir: &Path) -> Option<(PathBuf, Vec<&'static str>)> {
    let mut found = FILE_NAMES.iter().filter(|name| dir.join(name).is_file());
    let first = found.next()?;
    Some((dir.join(first), found.copied().collect()))
}

/// Configuration files larger than this are not read.
const MAX_BYTES: u64 = 4 * 1024 * 1024;

/// A statically read value as JSON; a value only running the file would
/// give is an error naming its key path.
fn to_json(value: &Static, at: &str) -> Result<Value, String> {
    Ok(match value {
        Static::Str(s) => Value::String(s.clone()),
        // Whole numbers stay integers (`numberOfRuns: 3`).
        Static::Num(n) if n.fract() == 0.0 && n.abs() < 9e15 => {
            if *n >= 0.0 {
                Value::from(*n as u64)
            } else {
                Value::from(*n as i64)
            }
        }
        Static::Num(n) => serde_json::Number::from_f64(*n).map_or(Value::Null, Value::Number),
        Static::Bool(b) => Value::Bool(*b),
        Static::Null => Value::Null,
        Static::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| to_json(v, &format!("{at}[{i}]")))
                .collect::<Result<_, _>>()?,
        ),
        Static::Object(props) => {
            let mut map = serde_json::Map::new();
            for (key, v) in props {
                map.insert(key.clone(), to_json(v, &format!("{at}.{key}"))?);
            }
            Value::Object(map)
        }
        Static::Call(..) | Static::Require(_) | Static::Unknown => {
            return Err(format!(
                "`{at}` is computed when the file runs (perfscope reads configuration files without running them)"
            ));
        }
    })
}

/// What perfscope uses of a Lighthouse CI file's `ci` section.
struct Ci {
    /// `ci.collect`, as JSON.
    collect: Option<Value>,
    /// `ci.assert`, as JSON.
    assert: Option<Value>,
    /// Keys read but not followed (`ci.extends`).
    notes: Vec<String>,
}

/// The `ci` section of a Lighthouse CI file, with `collect` and `assert`
/// as JSON (the other sections are not used, and may be computed).
fn read_ci(path: &Path) -> Result<Ci, String> {
    let value = match static_config::read_any(path)? {
        Some(value) => value,
        None => return Err("the file disappeared".to_string()),
    };
    let Static::Object(_) = value else {
        return Err(match value {
            Static::Unknown | Static::Call(..) | Static::Require(_) => {
                "its exported value is computed when the file runs (only `module.exports = { … }` with literal values can be read)".to_string()
            }
            _ => "it is not an object".to_string(),
        });
    };
    let Some(ci) = value.get("ci") else {
        return Err("it has no `ci` section".to_string());
    };
    let mut notes = Vec::new();
    if ci.get("extends").is_some() {
        notes.push("ci.extends is not followed: only this file is read".to_string());
    }
    Ok(Ci {
        collect: ci
            .get("collect")
            .map(|c| to_json(c, "ci.collect"))
            .transpose()?,
        assert: ci
            .get("assert")
            .map(|a| to_json(a, "ci.assert"))
            .transpose()?,
        notes,
    })
}

/// Finds the project's Lighthouse CI configuration and maps it onto
/// `vitals` where `explicit` (what `perfscope.toml` sets) does not say
/// otherwise: pages, served folder or start command, runs, form factor,
/// throttling, and the assertions as budgets. Problems are diagnostics in
/// `vitals.lighthouse_ci`.
pub fn apply(dir: &Path, vitals: &mut VitalsConfig, explicit: &Explicit) {
    let Some((path, others)) = find(dir) else {
        return;
    };
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut diagnostics = Vec::new();
    if !others.is_empty() {
        diagnostics.push(Diagnostic::new(
            &file,
            format!(
                "also found {}: not read (Lighthouse CI reads the first of its file names)",
                others.join(", ")
            ),
        ));
    }
    let Ci {
        collect,
        assert,
        notes,
    } = match read_ci(&path) {
        Ok(read) => read,
        Err(problem) => {
            diagnostics.push(Diagnostic::new(
                &file,
                format!("Lighthouse CI configuration not read: {problem}; it is ignored"),
            ));
            vitals.lighthouse_ci.diagnostics = diagnostics;
            return;
        }
    };
    diagnostics.extend(notes.into_iter().map(|n| Diagnostic::new(&file, n)));
    let mut ci = assertions(dir, &file, assert.as_ref());
    let collect = lhci::parse_collect(collect.as_ref());
    let mut mapped = apply_collect(dir, vitals, explicit, &collect);
    if !ci.assertions.is_empty() {
        mapped.extend(replace_default_budgets(vitals, explicit, &ci));
    }
    diagnostics.extend(
        collect
            .notes
            .iter()
            .chain(&mapped)
            .map(|n| Diagnostic::new(&file, n.as_str())),
    );
    diagnostics.append(&mut ci.diagnostics);
    ci.diagnostics = diagnostics;
    vitals.lighthouse_ci = ci;
}

/// `ci.assert` and the `budgetsFile` it names, read into assertions.
fn assertions(dir: &Path, file: &str, assert: Option<&Value>) -> LighthouseCi {
    let Some(assert) = assert else {
        return LighthouseCi::default();
    };
    let mut ci = lhci::parse_assert(assert, file);
    let Some(budgets) = assert.get("budgetsFile") else {
        return ci;
    };
    let Some(name) = budgets.as_str() else {
        ci.diagnostics.push(Diagnostic::new(
            file,
            "ci.assert.budgetsFile is not a string; it is ignored",
        ));
        return ci;
    };
    if ["assertions", "preset", "assertMatrix"]
        .iter()
        .any(|k| assert.get(k).is_some())
    {
        ci.diagnostics.push(Diagnostic::new(
            file,
            "ci.assert.budgetsFile is combined with other assertions, which `lhci assert` refuses; perfscope evaluates both",
        ));
    }
    match read_budgets(dir, name) {
        Ok(value) => {
            let mut from_file = lhci::parse_budgets(&value, name);
            ci.assertions.append(&mut from_file.assertions);
            ci.not_evaluated.append(&mut from_file.not_evaluated);
            ci.diagnostics.append(&mut from_file.diagnostics);
        }
        Err(problem) => ci.diagnostics.push(Diagnostic::new(
            name,
            format!("Lighthouse budget file (ci.assert.budgetsFile of {file}) not read: {problem}; its budgets are ignored"),
        )),
    }
    ci
}

/// Reads a `budget.json` the configuration names, inside the project only.
fn read_budgets(dir: &Path, name: &str) -> Result<Value, String> {
    let path = dir.join(name);
    let inside = std::fs::canonicalize(&path)
        .ok()
        .zip(std::fs::canonicalize(dir).ok())
        .is_some_and(|(p, d)| p.starts_with(d));
    if !inside {
        return Err(if path.exists() {
            "it is outside the project".to_string()
        } else {
            "no such file".to_string()
        });
    }
    let bytes = project::fsx::read_regular(&path, MAX_BYTES)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "no such file".to_string())?;
    let text = String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())?;
    serde_json::from_str(&text).map_err(|e| {
        format!(
            "not valid JSON (line {}, column {}: {})",
            e.line(),
            e.column(),
            project::fsx::json_problem(&e)
        )
    })
}

/// The top-level HTML files of a folder, sorted (what Lighthouse CI
/// measures in `staticDistDir` when no URL is given).
fn html_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| n.ends_with(".html"))
        .collect();
    names.sort();
    names
}

/// Maps `ci.collect` onto `vitals` where `perfscope.toml` does not set the
/// key; returns what was mapped and what was not, for the diagnostics.
fn apply_collect(
    dir: &Path,
    vitals: &mut VitalsConfig,
    explicit: &Explicit,
    collect: &Collect,
) -> Vec<String> {
    let mut notes = Vec::new();
    let mut mapped: Vec<String> = Vec::new();
    if explicit.sets("url") || explicit.sets("start") {
        if collect.static_dist_dir.is_some()
            || collect.start_server_command.is_some()
            || !collect.urls.is_empty()
        {
            // Its pages belong to its own target: never guessed onto another.
            notes.push(
                "perfscope.toml sets [vitals] url or start: collect's URLs, staticDistDir and startServerCommand are not used"
                    .to_string(),
            );
        }
    } else {
        map_target(dir, vitals, explicit, collect, &mut mapped, &mut notes);
    }
    map_settings(vitals, explicit, collect, &mut mapped, &mut notes);
    if !mapped.is_empty() {
        notes.insert(
            0,
            format!("Lighthouse CI configuration read: {}", mapped.join("; ")),
        );
    }
    notes
}

/// What collect loads: the folder it serves, the server it starts or the
/// URL, and the pages.
fn map_target(
    dir: &Path,
    vitals: &mut VitalsConfig,
    explicit: &Explicit,
    collect: &Collect,
    mapped: &mut Vec<String>,
    notes: &mut Vec<String>,
) {
    let start = collect
        .start_server_command
        .as_deref()
        .filter(|_| collect.static_dist_dir.is_none());
    if collect.static_dist_dir.is_some() && collect.start_server_command.is_some() {
        notes.push("collect.startServerCommand is not used with staticDistDir (Lighthouse CI serves the folder)".to_string());
    }
    let html = collect
        .static_dist_dir
        .as_deref()
        .map(|d| html_files(&dir.join(d)))
        .unwrap_or_default();
    let served = collect.static_dist_dir.is_some() || start.is_some();
    let plan = lhci::plan_pages(collect, served, &html);
    notes.extend(plan.notes.iter().cloned());
    if let Some(folder) = &collect.static_dist_dir {
        vitals.url = Some(folder.clone());
        mapped.push(format!(
            "staticDistDir `{folder}` → [vitals] url (served on 127.0.0.1)"
        ));
    } else if let Some(command) = start {
        let (command, port) = lhci::start_command(command, &collect.urls);
        if let Some(port) = port {
            notes.push(format!(
                "collect.url names port {port}: perfscope starts the server on a free port of its own ({{port}} in the command, and PORT), and loads the URLs' paths there; a server that always listens on {port} needs [vitals] start in perfscope.toml"
            ));
        }
        mapped.push(format!("startServerCommand → [vitals] start `{command}`"));
        vitals.start = Some(command);
    } else if let Some(url) = &plan.url {
        vitals.url = Some(url.clone());
        mapped.push(format!("url → [vitals] url {url}"));
    }
    map_pages(vitals, explicit, &plan.pages, mapped, notes);
}

/// The pages of `collect.url` (or the discovered HTML files), unless
/// `perfscope.toml` lists pages or a path.
fn map_pages(
    vitals: &mut VitalsConfig,
    explicit: &Explicit,
    pages: &[String],
    mapped: &mut Vec<String>,
    notes: &mut Vec<String>,
) {
    if pages.is_empty() {
        return;
    }
    if explicit.sets("pages") || explicit.sets("path") {
        notes.push("perfscope.toml lists its pages: collect.url's pages are not used".to_string());
        return;
    }
    match pages {
        [one] => {
            vitals.path = Some(one.clone());
            mapped.push(format!("page {one} → [vitals] path"));
        }
        _ => {
            vitals.pages = pages
                .iter()
                .map(|p| vitals::config::PageConfig { path: p.clone() })
                .collect();
            mapped.push(format!("pages {} → [[vitals.pages]]", pages.join(", ")));
        }
    }
}

/// `numberOfRuns`, `isSinglePageApplication`, the form factor and the
/// throttling method, unless `perfscope.toml` sets them.
fn map_settings(
    vitals: &mut VitalsConfig,
    explicit: &Explicit,
    collect: &Collect,
    mapped: &mut Vec<String>,
    notes: &mut Vec<String>,
) {
    let toml_wins = |key: &str, what: &str, notes: &mut Vec<String>| {
        let wins = explicit.sets(key);
        if wins {
            notes.push(format!(
                "{what} is not used: perfscope.toml sets [vitals] {key}"
            ));
        }
        wins
    };
    if let Some(runs) = collect.number_of_runs
        && !toml_wins("runs", "collect.numberOfRuns", notes)
    {
        if runs > vitals::config::MAX_RUNS {
            notes.push(format!(
                "collect.numberOfRuns {runs} is over perfscope's limit of {}; it is not used",
                vitals::config::MAX_RUNS
            ));
        } else {
            vitals.runs = Some(runs);
            mapped.push(format!("numberOfRuns {runs} → [vitals] runs"));
        }
    }
    if let Some(spa) = collect.spa
        && !toml_wins("spa", "collect.isSinglePageApplication", notes)
    {
        vitals.spa = spa;
        mapped.push(format!("isSinglePageApplication {spa} → [vitals] spa"));
    }
    let (form, why) = &collect.form_factor;
    if !toml_wins("profile", "the form factor", notes) {
        vitals.profile = match form {
            FormFactor::Mobile => vitals::ProfileName::Mobile,
            FormFactor::Desktop => vitals::ProfileName::Desktop,
        };
        mapped.push(format!("{} ({why}) → [vitals] profile", form.name()));
    }
    if toml_wins("throttling", "settings.throttlingMethod", notes) {
        return;
    }
    let method = collect.throttling_method.as_str();
    let name = match method {
        "provided" => ThrottlingName::Provided,
        "devtools" => ThrottlingName::Devtools,
        _ => {
            notes.push(format!(
                "settings.throttlingMethod {method}: Lighthouse simulates throttling (Lantern) by default; perfscope does not simulate: it applies Lighthouse's devtools values (mobile: 562.5 ms latency, 1,474.56 kbit/s, 4× CPU; desktop: none), so its timings are observed, not estimated, and differ from Lighthouse's simulated ones"
            ));
            ThrottlingName::Devtools
        }
    };
    vitals.throttling = Throttling::Named(name);
    mapped.push(format!(
        "throttlingMethod {method} → [vitals] throttling {}",
        match name {
            ThrottlingName::Devtools => "devtools",
            ThrottlingName::Provided => "provided",
        }
    ));
}

/// With assertions, perfscope's default load budgets (FCP, LCP, TTI) give
/// way to them, as size-limit's budgets replace the bundle defaults;
/// `[vitals.budgets]` keys `perfscope.toml` sets stay.
fn replace_default_budgets(
    vitals: &mut VitalsConfig,
    explicit: &Explicit,
    ci: &LighthouseCi,
) -> Vec<String> {
    let defaults = vitals::VitalsBudgets::default();
    let mut dropped = Vec::new();
    for (key, label, limit, default) in [
        ("fcp_ms", "FCP", &mut vitals.budgets.fcp_ms, defaults.fcp_ms),
        ("lcp_ms", "LCP", &mut vitals.budgets.lcp_ms, defaults.lcp_ms),
        ("tti_ms", "TTI", &mut vitals.budgets.tti_ms, defaults.tti_ms),
    ] {
        if !explicit.budgets.contains(key) && *limit == default && limit.is_some() {
            *limit = None;
            dropped.push(label);
        }
    }
    if dropped.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "{} assertion(s) read: perfscope's default budgets for {} are not applied (set [vitals.budgets] in perfscope.toml to keep them)",
        ci.assertions.len(),
        dropped.join(", ")
    )]
}

#[cfg(test)]
mod tests;
