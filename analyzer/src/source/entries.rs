//! Finding the entry modules: `--entry`, the config's `entries`, or discovery
//! (`index.html` module scripts, `package.json` fields, `src/main.*`/`src/index.*`).

use std::path::{Path, PathBuf};

use globset::Glob;
use model::Diagnostic;

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
    root: &Path,
    request: &EntryRequest,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<FoundEntry>, String) {
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
    from_index_html(root, &mut found, diagnostics);
    from_package_json(root, request.files, &mut found, diagnostics);
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
fn from_index_html(root: &Path, found: &mut Vec<FoundEntry>, diagnostics: &mut Vec<Diagnostic>) {
    let path = root.join("index.html");
    let Ok(bytes) = std::fs::read(&path) else {
        return;
    };
    let html = String::from_utf8_lossy(&bytes);
    for src in module_scripts(&html) {
        if src.starts_with("http:") || src.starts_with("https:") || src.starts_with("//") {
            continue;
        }
        let file = root.join(src.trim_start_matches('/'));
        if file.is_file() {
            push(found, file, "index.html");
        } else {
            diagnostics.push(Diagnostic::new(
                "index.html",
                format!("module script `{src}` does not exist"),
            ));
        }
    }
}

/// `src` attributes of module scripts, in order.
pub fn module_scripts(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = lower.get(from..).and_then(|s| s.find("<script")) {
        let start = from + pos;
        let Some(end) = lower
            .get(start..)
            .and_then(|s| s.find('>'))
            .map(|e| start + e)
        else {
            break;
        };
        let tag = html.get(start..end).unwrap_or("");
        let is_module = attr(tag, "type").is_some_and(|t| t.eq_ignore_ascii_case("module"));
        if is_module && let Some(src) = attr(tag, "src") {
            out.push(src);
        }
        from = end;
    }
    out
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut search = 0;
    while let Some(pos) = lower.get(search..).and_then(|s| s.find(name)) {
        let at = search + pos;
        search = at + name.len();
        let before_ok = at == 0
            || lower
                .as_bytes()
                .get(at - 1)
                .is_some_and(|b| b.is_ascii_whitespace());
        let rest = tag.get(at + name.len()..)?.trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let value = rest.get(1..)?.trim_start();
        let quote = value.chars().next()?;
        if quote == '"' || quote == '\'' {
            let inner = value.get(1..)?;
            let close = inner.find(quote)?;
            return inner.get(..close).map(str::to_string);
        }
        let end = value
            .find(|c: char| c.is_ascii_whitespace() || c == '>')
            .unwrap_or(value.len());
        return value.get(..end).map(str::to_string);
    }
    None
}

/// `main`, `module`, `exports` and `bin` of the root `package.json`.
fn from_package_json(
    root: &Path,
    files: &[PathBuf],
    found: &mut Vec<FoundEntry>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let path = root.join("package.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return;
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        // Reported once by the manifest reader.
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
                format!("{source} points to `{target}`, which does not exist (not built yet?)"),
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
