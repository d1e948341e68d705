//! A package's own public surface: `main`, `module`, `browser`, `exports`
//! (wildcard subpaths make every matching file public), `bin` and `types`,
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
            if let Some(file) = to_source(&ctx.ws.dir, &dirs, &target)
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
/// nested conditions included; wildcards are left to the other targets.
fn type_targets(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| type_targets(v, out)),
        Value::Object(map) => {
            for (key, v) in map {
                match v {
                    Value::String(s)
                        if (key == "types" || key == "typings") && !s.contains('*') =>
                    {
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

/// The source files a wildcard target (`./dist/lib/*.js`) stands for.
fn wildcard_sources(ctx: &Ctx<'_>, dirs: &OutDirs, target: &str) -> Vec<PathBuf> {
    let rel = target.trim_start_matches("./");
    let mut out = Vec::new();
    for candidate in dirs.source_prefixes(rel) {
        let stem = strip_js_extension(&candidate);
        let pattern = format!("{stem}.{{{}}}", SOURCE_EXTENSIONS.join(","));
        out.extend(ctx.glob(&ctx.ws.dir, &[&pattern]));
        if !out.is_empty() {
            break;
        }
    }
    out.retain(|f| {
        let name = f.to_string_lossy();
        !(name.ends_with(".d.ts") || name.contains(".test.") || name.contains(".spec."))
    });
    out
}
