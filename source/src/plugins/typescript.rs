//! `tsconfig.json` (or `jsconfig.json`): `typescript` is used when there is
//! one; `extends` naming a package, `compilerOptions.types` and `plugins`
//! use those packages; `paths` are aliases; `jsx: react-jsx` makes every
//! JSX file import the JSX runtime of `jsxImportSource` (`react` by default).
//! Local `extends` bases and project `references` (inside the workspace) are
//! read too.

use std::path::{Path, PathBuf};

use model::analyze::Role;
use serde_json::Value;

use super::{Ctx, Found, Plugin};
use crate::static_config;

/// The plugin.
pub const PLUGIN: Plugin = Plugin {
    name: "typescript",
    detect: |ctx| ctx.file("tsconfig.json").is_some() || ctx.file("jsconfig.json").is_some(),
    run,
};

fn run(ctx: &Ctx<'_>, found: &mut Found) {
    let Some(path) = ctx
        .file("tsconfig.json")
        .or_else(|| ctx.file("jsconfig.json"))
    else {
        return;
    };
    if path.ends_with("tsconfig.json") {
        found.use_package("typescript", Role::Tooling, "a tsconfig.json exists");
    }
    // A broken tsconfig is reported once, by the resolver.
    let Ok(Some(json)) = static_config::read_jsonc(&path) else {
        return;
    };
    read_tsconfig(ctx, found, &json, &path, 0);
}

fn read_tsconfig(ctx: &Ctx<'_>, found: &mut Found, json: &Value, path: &Path, depth: usize) {
    let rel = ctx.rel(path);
    read_extends(ctx, found, json, path, depth, &rel);
    // Project references (Vite's `tsconfig.json` → `tsconfig.app.json`,
    // `tsconfig.node.json`): their settings apply to their files.
    if depth < 4 {
        read_references(ctx, found, json, path, depth);
    }
    let Some(options) = json.get("compilerOptions") else {
        return;
    };
    for t in array(options, "types").filter_map(Value::as_str) {
        if let Some(name) = types_package(t, |name| ctx.ws.has_dep(name)) {
            found.use_package(
                &name,
                Role::Tooling,
                format!("compilerOptions.types in {rel}"),
            );
        }
    }
    for plugin in array(options, "plugins") {
        if let Some(name) = plugin.get("name").and_then(Value::as_str) {
            found.use_specifier(
                name,
                Role::Tooling,
                format!("compilerOptions.plugins in {rel}"),
            );
        }
    }
    if let Some(runtime) = jsx_runtime(options, || ctx.ws.has_dep("react")) {
        found.jsx_runtime = Some(runtime);
    }
    found.aliases.extend(path_aliases(options, path.parent()));
}

/// The items of the array `key` of `value` (none when it is not an array).
fn array<'v>(value: &'v Value, key: &str) -> impl Iterator<Item = &'v Value> {
    value
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// `extends`: a package is used; a local base (it may hold the `paths` and
/// `jsx` settings) is read, up to four levels deep.
fn read_extends(
    ctx: &Ctx<'_>,
    found: &mut Found,
    json: &Value,
    path: &Path,
    depth: usize,
    rel: &str,
) {
    for base in extends_list(json) {
        if !base.starts_with('.') && !base.starts_with('/') {
            found.use_specifier(base, Role::Tooling, format!("`extends` in {rel}"));
        } else if depth < 4 {
            let file = path.parent().map(|d| d.join(base));
            if let Some(file) = file
                && let Ok(Some(base_json)) = static_config::read_jsonc(&file)
            {
                read_tsconfig(ctx, found, &base_json, &file, depth + 1);
            }
        }
    }
}

/// `extends`: one base or several.
fn extends_list(json: &Value) -> Vec<&str> {
    match json.get("extends") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Reads each project reference inside the workspace (a reference never
/// reads outside it).
fn read_references(ctx: &Ctx<'_>, found: &mut Found, json: &Value, path: &Path, depth: usize) {
    for reference in array(json, "references") {
        let Some(target) = reference.get("path").and_then(Value::as_str) else {
            continue;
        };
        let Some(dir) = path.parent() else { continue };
        let file = reference_file(dir, target);
        if let (Ok(file), Ok(ws)) = (file.canonicalize(), ctx.ws.dir.canonicalize())
            && project::fsx::is_under(&file, &ws)
            && let Ok(Some(referenced)) = static_config::read_jsonc(&file)
        {
            read_tsconfig(ctx, found, &referenced, &file, depth + 1);
        }
    }
}

/// The file a reference's `path` names from `dir`: a `.json` file, or a
/// folder's `tsconfig.json`.
fn reference_file(dir: &Path, target: &str) -> PathBuf {
    let file = dir.join(target);
    if target.ends_with(".json") {
        file
    } else {
        file.join("tsconfig.json")
    }
}

/// The package of a `compilerOptions.types` item: `node` → `@types/node`
/// when that is listed; `vite/client` → `vite`.
fn types_package(t: &str, has_dep: impl Fn(&str) -> bool) -> Option<String> {
    match project::packages::bare_package_name(t) {
        Some(name) if !name.starts_with('@') && !t.contains('/') => {
            if has_dep(&format!("@types/{name}")) {
                Some(format!("@types/{name}"))
            } else {
                Some(name)
            }
        }
        other => other,
    }
}

/// The JSX runtime every JSX file imports: `jsxImportSource` (React's by
/// default) with `react-jsx`; with `preserve`, the bundler compiles the JSX,
/// with that runtime or React's (when `has_react`).
fn jsx_runtime(options: &Value, has_react: impl FnOnce() -> bool) -> Option<String> {
    let source = options.get("jsxImportSource").and_then(Value::as_str);
    match (options.get("jsx").and_then(Value::as_str), source) {
        (Some("react-jsx" | "react-jsxdev"), source) => Some(source.unwrap_or("react").to_string()),
        (Some("preserve"), Some(source)) => Some(source.to_string()),
        (Some("preserve"), None) if has_react() => Some("react".to_string()),
        _ => None,
    }
}

/// `paths` ending in `*` as aliases: the prefix → its first target's
/// folder, under `baseUrl` (the config's folder `dir` by default).
fn path_aliases(options: &Value, dir: Option<&Path>) -> Vec<(String, PathBuf)> {
    let base = dir.map(|d| {
        d.join(
            options
                .get("baseUrl")
                .and_then(Value::as_str)
                .unwrap_or("."),
        )
    });
    let (Some(paths), Some(base)) = (options.get("paths").and_then(Value::as_object), base) else {
        return Vec::new();
    };
    paths
        .iter()
        .filter_map(|(key, targets)| {
            let prefix = key.strip_suffix('*')?;
            let target = targets
                .as_array()
                .and_then(|t| t.first())
                .and_then(Value::as_str)?;
            let dir = target.strip_suffix('*')?;
            Some((prefix.to_string(), base.join(dir)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn extends_is_one_base_or_several() {
        assert_eq!(
            extends_list(&json!({ "extends": "@tsconfig/node20" })),
            vec!["@tsconfig/node20"]
        );
        assert_eq!(
            extends_list(&json!({ "extends": ["./base.json", 3, "x"] })),
            vec!["./base.json", "x"]
        );
        assert!(extends_list(&json!({ "extends": true })).is_empty());
        assert!(extends_list(&json!({})).is_empty());
    }

    #[test]
    fn references_name_a_json_file_or_a_folder() {
        let dir = Path::new("/ws");
        assert_eq!(
            reference_file(dir, "./tsconfig.app.json"),
            Path::new("/ws/./tsconfig.app.json")
        );
        assert_eq!(
            reference_file(dir, "packages/ui"),
            Path::new("/ws/packages/ui/tsconfig.json")
        );
    }

    #[test]
    fn types_name_their_package_or_its_types() {
        let listed = |dep: &str| dep == "@types/node";
        assert_eq!(
            types_package("node", listed).as_deref(),
            Some("@types/node")
        );
        assert_eq!(types_package("jest", listed).as_deref(), Some("jest"));
        assert_eq!(
            types_package("vite/client", listed).as_deref(),
            Some("vite")
        );
        assert_eq!(
            types_package("@testing-library/jest-dom", listed).as_deref(),
            Some("@testing-library/jest-dom")
        );
        assert_eq!(types_package("./types", listed), None);
        let values = json!({ "types": ["node", 1, "jest"] });
        let items: Vec<&Value> = array(&values, "types").collect();
        assert_eq!(items.len(), 3);
        assert_eq!(array(&values, "plugins").count(), 0);
    }

    #[test]
    fn jsx_runtime_follows_jsx_and_its_import_source() {
        let runtime = |options: Value, react: bool| jsx_runtime(&options, || react);
        assert_eq!(
            runtime(json!({ "jsx": "react-jsx" }), false).as_deref(),
            Some("react")
        );
        assert_eq!(
            runtime(
                json!({ "jsx": "react-jsxdev", "jsxImportSource": "preact" }),
                false
            )
            .as_deref(),
            Some("preact")
        );
        assert_eq!(
            runtime(
                json!({ "jsx": "preserve", "jsxImportSource": "solid-js" }),
                false
            )
            .as_deref(),
            Some("solid-js")
        );
        assert_eq!(
            runtime(json!({ "jsx": "preserve" }), true).as_deref(),
            Some("react")
        );
        assert_eq!(runtime(json!({ "jsx": "preserve" }), false), None);
        // The classic transform imports nothing (a base's setting stays).
        assert_eq!(runtime(json!({ "jsx": "react" }), true), None);
    }

    #[test]
    fn paths_with_a_star_become_aliases_under_base_url() {
        let options = json!({
            "baseUrl": "src",
            "paths": {
                "@/*": ["./*"],
                "~lib/*": ["lib/*", "other/*"],
                "exact": ["./exact.ts"],
                "@ui/*": ["ui/index.ts"],
                "@none/*": []
            }
        });
        let mut aliases = path_aliases(&options, Some(Path::new("/app")));
        aliases.sort();
        assert_eq!(
            aliases,
            vec![
                ("@/".to_string(), PathBuf::from("/app/src/./")),
                ("~lib/".to_string(), PathBuf::from("/app/src/lib/")),
            ]
        );
        let default_base = path_aliases(
            &json!({ "paths": { "#/*": ["src/*"] } }),
            Some(Path::new("/app")),
        );
        assert_eq!(
            default_base,
            vec![("#/".to_string(), PathBuf::from("/app/./src/"))]
        );
        assert!(path_aliases(&options, None).is_empty());
    }
}
