//! A package's own public surface: `main`, `module`, `browser`, `exports`
//! (wildcard subpaths make every matching file public, as Node.js matches
//! them: a `*` may span folders; a folder a `.gitignore` hides is listed
//! from disk), `bin` and `types`,
//! each built file mapped back to its source (`exports` → `dist/app.js` →
//! `src/app.ts` through tsconfig `outDir`/`rootDir`, or the usual
//! `dist`/`lib`/`build` → `src` layouts).

use std::path::{Path, PathBuf};

use model::analyze::Role;
use serde_json::Value;

use super::{Ctx, Found, Plugin};
use crate::static_config;

/// The plugin.
pub const PLUGIN: Plugin = Plugin {
    name: "package",
    detect: |ctx| ctx.ws.package_json.is_some(),
    run,
};

/// Extensions a built `.js` file may come from, in order.
const SOURCE_EXTENSIONS: &[&str] = &["ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs"];

fn run(ctx: &Ctx<'_>, found: &mut Found) {
    let Some(json) = &ctx.ws.package_json else {
        return;
    };
    let dirs = OutDirs::of(&ctx.ws.dir);
    let mut targets: Vec<(String, String)> = Vec::new();
    for field in ["main", "module", "browser"] {
        if let Some(s) = json.get(field).and_then(Value::as_str) {
            targets.push((s.to_string(), format!("package.json#{field}")));
        }
    }
    if let Some(exports) = json.get("exports") {
        let mut list = Vec::new();
        export_targets(exports, &mut list);
        targets.extend(
            list.into_iter()
                .map(|t| (t, "package.json#exports".to_string())),
        );
    }
    match json.get("bin") {
        Some(Value::String(s)) => targets.push((s.clone(), "package.json#bin".into())),
        Some(Value::Object(map)) => targets.extend(
            map.values()
                .filter_map(Value::as_str)
                .map(|s| (s.to_string(), "package.json#bin".to_string())),
        ),
        _ => {}
    }
    let mut missing: Vec<(String, String)> = Vec::new();
    for (target, source) in targets {
        if target.contains('*') {
            for file in wildcard_sources(ctx, &dirs, &target) {
                found.entry(file, Role::Production, format!("{source} (wildcard)"));
            }
            continue;
        }
        match to_source(&ctx.ws.dir, &dirs, &target) {
            Some(file) => found.entry(file, Role::Production, source),
            None if target.ends_with(".d.ts") || target.ends_with(".json") => {}
            None => missing.push((target, source)),
        }
    }
    // Types-only subpaths (`"./types": { "types": "./dist/types/index.d.ts" }`)
    // are public API too: their source, when the project has it.
    if let Some(exports) = json.get("exports") {
        let mut declarations = Vec::new();
        type_targets(exports, &mut declarations);
        for target in declarations {
            if target.contains('*') {
                // `"./types/*": { "types": "./dist/types/*.d.ts" }`.
                for file in wildcard_sources(ctx, &dirs, &target) {
                    found.entry(
                        file,
                        Role::Production,
                        "package.json#exports (types, wildcard)",
                    );
                }
            } else if let Some(file) = to_source(&ctx.ws.dir, &dirs, &target)
                && !is_declaration_file(&file)
            {
                found.entry(file, Role::Production, "package.json#exports (types)");
            }
        }
    }
    missing.sort();
    missing.dedup_by(|a, b| a.0 == b.0);
    if !missing.is_empty() {
        found.diagnostics.push(unbuilt(ctx, &missing));
    }
}

/// One diagnostic for every target (with the field naming it) found neither
/// built nor as source: a package whose `dist/` is not built is one problem.
fn unbuilt(ctx: &Ctx<'_>, missing: &[(String, String)]) -> model::Diagnostic {
    let path = ctx.rel(&ctx.ws.dir.join("package.json"));
    if let [(target, source)] = missing {
        return model::Diagnostic::new(
            path,
            format!(
                "{source} points to `{}`, which does not exist (neither built nor as source; not built yet?)",
                model::diagnostic::quote(target)
            ),
        );
    }
    let shown: Vec<String> = missing
        .iter()
        .take(3)
        .map(|(t, _)| format!("`{}`", model::diagnostic::quote(t)))
        .collect();
    let more = missing.len() - shown.len();
    let list = if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    };
    model::Diagnostic::new(
        path,
        format!(
            "{} entry points name files that do not exist, neither built nor as source (not built yet?): {list}",
            missing.len()
        ),
    )
}

/// Whether `path` is a declaration file (`x.d.ts`).
fn is_declaration_file(path: &Path) -> bool {
    let name = path.to_string_lossy();
    name.ends_with(".d.ts") || name.ends_with(".d.mts") || name.ends_with(".d.cts")
}

/// The `types` (and `typings`) targets of an `exports` value, subpaths and
/// nested conditions included (wildcard ones too).
fn type_targets(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| type_targets(v, out)),
        Value::Object(map) => {
            for (key, v) in map {
                match v {
                    Value::String(s) if key == "types" || key == "typings" => {
                        out.push(s.clone());
                    }
                    _ => type_targets(v, out),
                }
            }
        }
        _ => {}
    }
}

/// Every target of an `exports` value (conditions and subpaths), except
/// type declarations and `null`s.
pub fn export_targets(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s)
            if !s.ends_with(".d.ts") && !s.ends_with(".d.mts") && !s.ends_with(".d.cts") =>
        {
            out.push(s.clone());
        }
        Value::Array(items) => items.iter().for_each(|v| export_targets(v, out)),
        Value::Object(map) => {
            for (key, v) in map {
                if key == "types" || key == "typings" {
                    continue;
                }
                export_targets(v, out);
            }
        }
        _ => {}
    }
}

/// Where a package's build output and its source live.
#[derive(Debug, Clone, Default)]
pub struct OutDirs {
    /// tsconfig `outDir` (relative, no `./`), when set.
    pub out_dir: Option<String>,
    /// tsconfig `rootDir`, when set.
    pub root_dir: Option<String>,
}

impl OutDirs {
    /// Reads the package's `tsconfig.json` (`compilerOptions.outDir`/`rootDir`).
    pub fn of(dir: &Path) -> Self {
        let json = static_config::read_jsonc(&dir.join("tsconfig.json"))
            .ok()
            .flatten()
            .or_else(|| {
                static_config::read_jsonc(&dir.join("tsconfig.build.json"))
                    .ok()
                    .flatten()
            });
        let option = |name: &str| {
            json.as_ref()
                .and_then(|j| j.get("compilerOptions"))
                .and_then(|c| c.get(name))
                .and_then(Value::as_str)
                .map(|s| s.trim_start_matches("./").trim_end_matches('/').to_string())
        };
        Self {
            out_dir: option("outDir"),
            root_dir: option("rootDir"),
        }
    }

    /// The source paths a built path may come from (without extension changes).
    fn source_prefixes(&self, rel: &str) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(out_dir) = &self.out_dir
            && let Some(rest) = rel.strip_prefix(&format!("{out_dir}/"))
        {
            let root = self.root_dir.clone().unwrap_or_else(|| "src".to_string());
            out.push(if root.is_empty() || root == "." {
                rest.to_string()
            } else {
                format!("{root}/{rest}")
            });
        }
        for built in [
            "dist", "lib", "build", "out", "esm", "cjs", "dist/esm", "dist/cjs", "dist/src",
        ] {
            if let Some(rest) = rel.strip_prefix(&format!("{built}/")) {
                out.push(format!("src/{rest}"));
                out.push(rest.to_string());
            }
        }
        out.push(rel.to_string());
        out
    }
}

/// The source file a package path (`./dist/index.js`) comes from: the file
/// itself when it is source in the project, else the same path under the
/// source folder with a source extension. `None` when neither exists.
pub fn to_source(dir: &Path, dirs: &OutDirs, target: &str) -> Option<PathBuf> {
    let rel = target.trim_start_matches("./");
    if rel.is_empty() || rel.starts_with("../") || rel.contains("/../") {
        return None;
    }
    let is_file = |p: &Path| std::fs::metadata(p).is_ok_and(|m| m.is_file());
    let direct = dir.join(rel);
    let built = dirs
        .out_dir
        .as_ref()
        .is_some_and(|o| rel.starts_with(&format!("{o}/")))
        || ["dist/", "build/", "out/"]
            .iter()
            .any(|p| rel.starts_with(p));
    if is_file(&direct) && !built && super::is_source_path(&direct) {
        return Some(direct);
    }
    for candidate in dirs.source_prefixes(rel) {
        let stem = strip_js_extension(&candidate);
        for ext in SOURCE_EXTENSIONS {
            let path = dir.join(format!("{stem}.{ext}"));
            if is_file(&path) {
                return Some(path);
            }
        }
        for ext in SOURCE_EXTENSIONS {
            let path = dir.join(&candidate).join(format!("index.{ext}"));
            if is_file(&path) {
                return Some(path);
            }
        }
    }
    // A built file without a source beside it (a hand-written JS package).
    (is_file(&direct) && super::is_source_path(&direct)).then_some(direct)
}

fn strip_js_extension(path: &str) -> &str {
    for ext in [
        ".d.ts", ".d.mts", ".d.cts", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts",
    ] {
        if let Some(stem) = path.strip_suffix(ext) {
            return stem;
        }
    }
    path
}

/// The source files a wildcard target (`./dist/lib/*.js`,
/// `./src/components/*/index.ts`) stands for, as Node.js matches a subpath
/// pattern: every `*` stands for the same string, `/` included (`"./*":
/// "./src/*.ts"` covers `src/utils/format.ts`). Built paths map back to
/// source as [`OutDirs::source_prefixes`] says, the first layout with a
/// match wins; the walked files are tried first, then (for a folder a
/// `.gitignore` hides, such as generated code) the files on disk. Tests,
/// stories, configs and declarations are left out.
fn wildcard_sources(ctx: &Ctx<'_>, dirs: &OutDirs, target: &str) -> Vec<PathBuf> {
    let rel = target.trim_start_matches("./");
    if rel.starts_with("../") || rel.contains("/../") {
        return Vec::new();
    }
    let patterns: Vec<String> = dirs
        .source_prefixes(rel)
        .iter()
        .map(|candidate| strip_js_extension(candidate).to_string())
        .collect();
    let matching = |pattern: &str, files: &[PathBuf]| -> Vec<PathBuf> {
        let parts: Vec<&str> = pattern.split('*').collect();
        files
            .iter()
            .filter(|f| {
                model::path::relative(&ctx.ws.dir, f)
                    .and_then(|rel| source_stem(&rel).map(str::to_string))
                    .is_some_and(|stem| pattern_capture(&stem, &parts).is_some())
            })
            .filter(|f| !is_package_tooling(f))
            .cloned()
            .collect()
    };
    for pattern in &patterns {
        let found = matching(pattern, ctx.files);
        if !found.is_empty() {
            return found;
        }
    }
    // Not among the walked files: a folder the `.gitignore` hides.
    for pattern in &patterns {
        let Some((folder, _)) = pattern.split('*').next().and_then(|p| p.rsplit_once('/')) else {
            continue;
        };
        let found = matching(pattern, &files_on_disk(&ctx.ws.dir.join(folder)));
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

/// `rel` without its source extension (`src/a.ts` → `src/a`); `None` for a
/// declaration file or a file that is no module.
fn source_stem(rel: &str) -> Option<&str> {
    if [".d.ts", ".d.mts", ".d.cts"]
        .iter()
        .any(|d| rel.ends_with(d))
    {
        return None;
    }
    let (stem, ext) = rel.rsplit_once('.')?;
    SOURCE_EXTENSIONS.contains(&ext).then_some(stem)
}

/// What the `*`s of a Node.js subpath pattern, split at them into `parts`,
/// capture of `stem`: one non-empty string that every `*` stands for.
/// `None` when `stem` does not match (or `parts` has no `*`).
fn pattern_capture<'s>(stem: &'s str, parts: &[&str]) -> Option<&'s str> {
    let (first, rest) = parts.split_first()?;
    if rest.is_empty() {
        return None;
    }
    let fixed: usize = parts.iter().map(|p| p.len()).sum();
    let total = stem.len().checked_sub(fixed)?;
    if total == 0 || total % rest.len() != 0 {
        return None;
    }
    let capture = stem.get(first.len()..first.len() + total / rest.len())?;
    let mut rebuilt = String::with_capacity(stem.len());
    rebuilt.push_str(first);
    for part in rest {
        rebuilt.push_str(capture);
        rebuilt.push_str(part);
    }
    (rebuilt == stem).then_some(capture)
}

/// Whether a file a wildcard matches is the package's tooling, not its
/// surface: tests, specs, stories, tool configs.
fn is_package_tooling(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    [".test.", ".spec.", ".stories.", ".config."]
        .iter()
        .any(|part| name.contains(part))
        || path.components().any(|c| c.as_os_str() == "__tests__")
}

/// At most this many files are listed from disk for one wildcard target.
const MAX_DISK_FILES: usize = 10_000;

/// The source files under `dir` as the file system lists them, whatever
/// `.gitignore` says (hidden folders and `node_modules` skipped, links not
/// followed, at most [`MAX_DISK_FILES`]), sorted.
fn files_on_disk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let hidden = name.to_string_lossy().starts_with('.');
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() && !hidden && name != "node_modules" {
                stack.push(entry.path());
            } else if kind.is_file() && super::is_source_path(&entry.path()) {
                out.push(entry.path());
                if out.len() >= MAX_DISK_FILES {
                    stack.clear();
                    break;
                }
            }
        }
    }
    crate::walk::sort_paths(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn capture<'s>(stem: &'s str, pattern: &str) -> Option<&'s str> {
        let parts: Vec<&str> = pattern.split('*').collect();
        pattern_capture(stem, &parts)
    }

    #[test]
    fn subpath_patterns_match_as_node_matches_them() {
        // A `*` may span folders.
        assert_eq!(capture("src/utils/format", "src/*"), Some("utils/format"));
        assert_eq!(capture("src/format", "src/*"), Some("format"));
        assert_eq!(
            capture("src/components/Button/index", "src/components/*/index"),
            Some("Button")
        );
        assert_eq!(
            capture("src/components/forms/Input/index", "src/components/*/index"),
            Some("forms/Input")
        );
        assert_eq!(
            capture("src/components/Button/styles", "src/components/*/index"),
            None
        );
        // Every `*` stands for the same string.
        assert_eq!(
            capture("src/icons/arrow/arrow", "src/icons/*/*"),
            Some("arrow")
        );
        assert_eq!(capture("src/icons/arrow/check", "src/icons/*/*"), None);
        // Nothing captured, another prefix, no `*`.
        assert_eq!(capture("src/", "src/*"), None);
        assert_eq!(capture("lib/format", "src/*"), None);
        assert_eq!(capture("src/format", "src/format"), None);
    }

    #[test]
    fn source_stems_leave_declarations_and_other_files_out() {
        assert_eq!(source_stem("src/a/b.tsx"), Some("src/a/b"));
        assert_eq!(source_stem("src/a.mjs"), Some("src/a"));
        assert_eq!(source_stem("src/a.d.ts"), None);
        assert_eq!(source_stem("src/a.css"), None);
        assert_eq!(source_stem("README"), None);
        assert!(is_package_tooling(Path::new("/p/src/a.test.ts")));
        assert!(is_package_tooling(Path::new("/p/src/Button.stories.tsx")));
        assert!(is_package_tooling(Path::new("/p/src/__tests__/a.ts")));
        assert!(!is_package_tooling(Path::new("/p/src/testing.ts")));
    }

    #[test]
    fn files_on_disk_ignore_no_gitignore_but_skip_hidden_folders_and_packages() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        for file in [
            "generated/a.ts",
            "generated/deep/b.js",
            "generated/c.json",
            "generated/.cache/d.ts",
            "generated/node_modules/x/e.js",
        ] {
            let path = dir.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        std::fs::write(dir.join(".gitignore"), "generated/\n").unwrap();
        let files = files_on_disk(&dir.join("generated"));
        assert_eq!(
            files,
            [dir.join("generated/a.ts"), dir.join("generated/deep/b.js")]
        );
        assert!(files_on_disk(&dir.join("missing")).is_empty());
    }
}
