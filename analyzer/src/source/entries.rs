//! Finding the entry modules: `--entry`, the config's `entries`, or discovery
//! (`index.html` module scripts, `package.json` fields, `src/main.*`/`src/index.*`).

use model::diagnostic::quote;
use std::path::{Path, PathBuf};

use globset::Glob;
use model::Diagnostic;

use crate::project::ProjectFacts;

/// An entry module and how it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundEntry {
    /// Absolute, canonical path.
    pub path: PathBuf,
    /// The path as found, before following symlinks (its extension decides
    /// how an entry is read).
    pub written: PathBuf,
    /// `cli`, `config`, `index.html`, `package.json#main`, `convention`...
    pub source: String,
}

/// Where to look.
pub struct EntryRequest<'a> {
    /// `--entry` values.
    pub cli: &'a [String],
    /// `entries` from the config.
    pub config: &'a [String],
    /// Project files, for globs.
    pub files: &'a [PathBuf],
}

/// Finds the entries; problems become diagnostics. Returns also a description
/// of what was tried, for the no-entry error.
pub fn find_entries(
    project: &ProjectFacts,
    request: &EntryRequest,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<FoundEntry>, String) {
    let root = project.root.as_path();
    let mut found = Vec::new();
    if !request.cli.is_empty() {
        explicit(
            root,
            request.cli,
            "cli",
            request.files,
            &mut found,
            diagnostics,
        );
        return (found, "--entry".into());
    }
    if !request.config.is_empty() {
        explicit(
            root,
            request.config,
            "config",
            request.files,
            &mut found,
            diagnostics,
        );
        return (found, "`entries` in perfscope.toml".into());
    }
    from_index_html(project, &mut found, diagnostics);
    from_package_json(project, request.files, &mut found, diagnostics);
    for stem in ["main", "index"] {
        for ext in ["tsx", "ts", "jsx", "js", "mts", "mjs"] {
            let path = root.join("src").join(format!("{stem}.{ext}"));
            if path.is_file() {
                push(&mut found, path, "convention");
            }
        }
    }
    (
        found,
        "index.html module scripts, package.json main/module/exports/bin, src/main.*, src/index.*"
            .into(),
    )
}

fn push(found: &mut Vec<FoundEntry>, path: PathBuf, source: &str) {
    let written = path.clone();
    let path = path.canonicalize().unwrap_or(path);
    if !found.iter().any(|e| e.path == path) {
        found.push(FoundEntry {
            path,
            written,
            source: source.to_string(),
        });
    }
}

fn explicit(
    root: &Path,
    values: &[String],
    source: &str,
    files: &[PathBuf],
    found: &mut Vec<FoundEntry>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for value in values {
        if value.contains(['*', '?', '[', '{']) {
            match Glob::new(value) {
                Ok(glob) => {
                    let matcher = glob.compile_matcher();
                    let before = found.len();
                    for file in files {
                        if let Ok(rel) = file.strip_prefix(root)
                            && matcher.is_match(rel)
                        {
                            push(found, file.clone(), source);
                        }
                    }
                    if found.len() == before {
                        diagnostics.push(Diagnostic::new(
                            value.as_str(),
                            format!("entry glob `{value}` matches no file"),
                        ));
                    }
                }
                Err(err) => diagnostics.push(Diagnostic::new(
                    value.as_str(),
                    format!("entry `{value}` is not a valid glob: {err}"),
                )),
            }
            continue;
        }
        let path = root.join(value);
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() => push(found, path, source),
            Ok(_) => diagnostics.push(Diagnostic::new(
                value.as_str(),
                format!("entry `{value}` is not a file"),
            )),
            Err(err) => diagnostics.push(Diagnostic::new(
                value.as_str(),
                format!("entry `{value}` cannot be used: {err}"),
            )),
        }
    }
}

/// `<script type="module" src="...">` in `index.html`.
fn from_index_html(
    project: &ProjectFacts,
    found: &mut Vec<FoundEntry>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for src in project.module_scripts() {
        if src.starts_with("http:") || src.starts_with("https:") || src.starts_with("//") {
            continue;
        }
        let file = project.root.join(src.trim_start_matches('/'));
        if file.is_file() {
            push(found, file, "index.html");
        } else {
            diagnostics.push(Diagnostic::new(
                "index.html",
                format!("module script `{}` does not exist", quote(src)),
            ));
        }
    }
}

/// `main`, `module`, `exports` and `bin` of the root `package.json`.
fn from_package_json(
    project: &ProjectFacts,
    files: &[PathBuf],
    found: &mut Vec<FoundEntry>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let root = project.root.as_path();
    // A broken package.json is reported once, by the project reader.
    let Some(json) = &project.package_json else {
        return;
    };
    let mut candidates: Vec<(String, String)> = Vec::new();
    for field in ["main", "module"] {
        if let Some(s) = json.get(field).and_then(|v| v.as_str()) {
            candidates.push((s.to_string(), format!("package.json#{field}")));
        }
    }
    if let Some(exports) = json.get("exports") {
        let mut targets = Vec::new();
        collect_export_targets(exports, &mut targets);
        for t in targets {
            candidates.push((t, "package.json#exports".into()));
        }
    }
    match json.get("bin") {
        Some(serde_json::Value::String(s)) => {
            candidates.push((s.clone(), "package.json#bin".into()))
        }
        Some(serde_json::Value::Object(map)) => {
            for v in map.values() {
                if let Some(s) = v.as_str() {
                    candidates.push((s.to_string(), "package.json#bin".into()));
                }
            }
        }
        _ => {}
    }
    // Files named in `scripts` (`node tools/gen.mjs`) are entries, as knip does.
    if let Some(scripts) = json.get("scripts").and_then(|v| v.as_object()) {
        for command in scripts.values().filter_map(|v| v.as_str()) {
            for word in
                command.split(|c: char| c.is_whitespace() || c == '&' || c == ';' || c == '|')
            {
                let word = word.trim_matches(|c| c == '"' || c == '\'');
                if crate::source::walk::is_source(Path::new(word)) && root.join(word).is_file() {
                    candidates.push((word.to_string(), "package.json#scripts".into()));
                }
            }
        }
    }
    for (target, source) in candidates {
        if target.ends_with(".d.ts") || target.contains('*') {
            continue;
        }
        let file = root.join(target.trim_start_matches("./"));
        if file.is_file() {
            // Build output (gitignored) is not source: skip it silently.
            if files.binary_search(&file).is_ok() || !crate::source::walk::is_source(&file) {
                push(found, file, &source);
            }
        } else if !file.exists() {
            diagnostics.push(Diagnostic::new(
                "package.json",
                format!(
                    "{source} points to `{}`, which does not exist (not built yet?)",
                    quote(&target)
                ),
            ));
        }
    }
}

fn collect_export_targets(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => {
            items.iter().for_each(|v| collect_export_targets(v, out))
        }
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                if key == "types" || key == "typings" {
                    continue;
                }
                collect_export_targets(v, out);
            }
        }
        _ => {}
    }
}
