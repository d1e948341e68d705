//! `tsconfig.json` (or `jsconfig.json`): `typescript` is used when there is
//! one; `extends` naming a package, `compilerOptions.types` and `plugins`
//! use those packages; `paths` are aliases; `jsx: react-jsx` makes every
//! JSX file import the JSX runtime of `jsxImportSource` (`react` by default).
//! Local `extends` bases and project `references` (inside the workspace) are
//! read too.

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

fn read_tsconfig(
    ctx: &Ctx<'_>,
    found: &mut Found,
    json: &Value,
    path: &std::path::Path,
    depth: usize,
) {
    let rel = ctx.rel(path);
    let extends: Vec<&str> = match json.get("extends") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    for base in extends {
        if !base.starts_with('.') && !base.starts_with('/') {
            found.use_specifier(base, Role::Tooling, format!("`extends` in {rel}"));
        } else if depth < 4 {
            // A local base may hold the `paths` and `jsx` settings.
            let file = path.parent().map(|d| d.join(base));
            if let Some(file) = file
                && let Ok(Some(base_json)) = static_config::read_jsonc(&file)
            {
                read_tsconfig(ctx, found, &base_json, &file, depth + 1);
            }
        }
    }
    // Project references (Vite's `tsconfig.json` → `tsconfig.app.json`,
    // `tsconfig.node.json`): their settings apply to their files.
    if depth < 4 {
        for reference in json
            .get("references")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(target) = reference.get("path").and_then(Value::as_str) else {
                continue;
            };
            let Some(dir) = path.parent() else { continue };
            let mut file = dir.join(target);
            if !target.ends_with(".json") {
                file = file.join("tsconfig.json");
            }
            // Only inside the workspace: a reference never reads outside it.
            if let (Ok(file), Ok(ws)) = (file.canonicalize(), ctx.ws.dir.canonicalize())
                && project::fsx::is_under(&file, &ws)
                && let Ok(Some(referenced)) = static_config::read_jsonc(&file)
            {
                read_tsconfig(ctx, found, &referenced, &file, depth + 1);
            }
        }
    }
    let Some(options) = json.get("compilerOptions") else {
        return;
    };
    for t in options
        .get("types")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(t) = t.as_str() {
            // `node` → `@types/node`; `vite/client` → `vite`.
            let name = match project::packages::bare_package_name(t) {
                Some(name) if !name.starts_with('@') && !t.contains('/') => {
                    if ctx.ws.has_dep(&format!("@types/{name}")) {
                        format!("@types/{name}")
                    } else {
                        name
                    }
                }
                Some(name) => name,
                None => continue,
            };
            found.use_package(
                &name,
                Role::Tooling,
                format!("compilerOptions.types in {rel}"),
            );
        }
    }
    for plugin in options
        .get("plugins")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(name) = plugin.get("name").and_then(Value::as_str) {
            found.use_specifier(
                name,
                Role::Tooling,
                format!("compilerOptions.plugins in {rel}"),
            );
        }
    }
    let source = options.get("jsxImportSource").and_then(Value::as_str);
    match (options.get("jsx").and_then(Value::as_str), source) {
        (Some("react-jsx" | "react-jsxdev"), source) => {
            found.jsx_runtime = Some(source.unwrap_or("react").to_string());
        }
        // The bundler compiles the JSX, with this runtime or React's.
        (Some("preserve"), Some(source)) => found.jsx_runtime = Some(source.to_string()),
        (Some("preserve"), None) if ctx.ws.has_dep("react") => {
            found.jsx_runtime = Some("react".to_string());
        }
        _ => {}
    }
    let base = path.parent().map(|d| {
        d.join(
            options
                .get("baseUrl")
                .and_then(Value::as_str)
                .unwrap_or("."),
        )
    });
    if let (Some(paths), Some(base)) = (options.get("paths").and_then(Value::as_object), base) {
        for (key, targets) in paths {
            let Some(prefix) = key.strip_suffix('*') else {
                continue;
            };
            let Some(target) = targets
                .as_array()
                .and_then(|t| t.first())
                .and_then(Value::as_str)
            else {
                continue;
            };
            let Some(dir) = target.strip_suffix('*') else {
                continue;
            };
            found.aliases.push((prefix.to_string(), base.join(dir)));
        }
    }
}
