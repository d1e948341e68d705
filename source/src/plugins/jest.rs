//! Jest: test files (`testMatch`, defaults `**/__tests__/**/*` and
//! `**/*.{spec,test}.*`), `setupFiles`, `setupFilesAfterEnv`,
//! `globalSetup`/`globalTeardown` are tooling entries; `testEnvironment`,
//! `preset`, `transform`, `reporters` name packages. Config from
//! `jest.config.*` or `package.json` `jest`.

use model::analyze::Role;

use super::{Ctx, Found, Plugin};
use crate::static_config::{self, Static};

/// The plugin.
pub const PLUGIN: Plugin = Plugin {
    name: "jest",
    detect: |ctx| ctx.has_tool("jest") || config_file(ctx).is_some(),
    run,
};

const DEFAULT_MATCH: &[&str] = &[
    "**/__tests__/**/*.?([mc])[jt]s?(x)",
    "**/?(*.)+(spec|test).?([mc])[jt]s?(x)",
];

fn config_file(ctx: &Ctx<'_>) -> Option<std::path::PathBuf> {
    let mut names = Ctx::config_names("jest.config");
    names.push("jest.config.json".to_string());
    ctx.first(&names)
}

fn run(ctx: &Ctx<'_>, found: &mut Found) {
    let file = config_file(ctx);
    let config = match &file {
        Some(path) => {
            found.entry(path.clone(), Role::Tooling, "jest: config");
            ctx.read(path, found)
        }
        None => ctx
            .ws
            .package_json
            .as_ref()
            .and_then(|j| j.get("jest"))
            .map(static_config::from_json),
    };
    // `createJestConfig(config)` (next/jest) wraps the object.
    let config = config.map(|c| match c {
        Static::Call(_, args) => args.into_iter().next().unwrap_or(Static::Unknown),
        other => other,
    });
    let root = config
        .as_ref()
        .and_then(|c| c.get("rootDir"))
        .and_then(Static::as_str)
        .map_or(ctx.ws.dir.clone(), |r| ctx.ws.dir.join(r));
    let matches: Vec<String> = config
        .as_ref()
        .and_then(|c| c.get("testMatch"))
        .map(|v| {
            v.strings()
                .into_iter()
                .map(|s| s.replace("<rootDir>/", ""))
                .collect()
        })
        .filter(|v: &Vec<String>| !v.is_empty())
        .unwrap_or_else(|| DEFAULT_MATCH.iter().map(|s| s.to_string()).collect());
    // `testRegex` (a JavaScript regular expression, or several, matched
    // against each file's path) replaces `testMatch`.
    let regexes: Vec<String> = config
        .as_ref()
        .and_then(|c| c.get("testRegex"))
        .map(|v| v.strings().into_iter().map(str::to_string).collect())
        .unwrap_or_default();
    let compiled: Vec<regex::Regex> = regexes
        .iter()
        .filter_map(|source| match regex::Regex::new(source) {
            Ok(re) => Some(re),
            Err(_) => {
                found.diagnostics.push(model::Diagnostic::new(
                    file.as_ref().map_or_else(|| "package.json".to_string(), |f| ctx.rel(f)),
                    format!(
                        "`testRegex` `{}` uses JavaScript syntax perfscope cannot read; every `*.test.*`/`*.spec.*` file is taken as a test",
                        model::diagnostic::quote(source)
                    ),
                ));
                None
            }
        })
        .collect();
    if regexes.is_empty() || compiled.len() < regexes.len() {
        let patterns: Vec<&str> = matches.iter().map(String::as_str).collect();
        for test in ctx.glob(&root, &patterns) {
            found.entry(test, Role::Tooling, "jest: test file");
        }
    }
    if !compiled.is_empty() {
        for test in ctx.files_under(&root) {
            let path = test.to_string_lossy();
            if !path.contains("/node_modules/") && compiled.iter().any(|re| re.is_match(&path)) {
                found.entry(test, Role::Tooling, "jest: test file (testRegex)");
            }
        }
    }
    let Some(config) = config else { return };
    for key in [
        "setupFiles",
        "setupFilesAfterEnv",
        "globalSetup",
        "globalTeardown",
        "snapshotSerializers",
    ] {
        for value in config.get(key).map(Static::strings).unwrap_or_default() {
            match super::vitest::resolve(&root, value) {
                Some(path) => found.entry(path, Role::Tooling, format!("jest: {key}")),
                None => found.use_specifier(value, Role::Tooling, format!("jest: {key}")),
            }
        }
    }
    match config.get("testEnvironment").and_then(Static::as_str) {
        None | Some("node") => {}
        Some(env) if ctx.ws.has_dep(env) => {
            found.use_package(env, Role::Tooling, "jest: testEnvironment")
        }
        Some(env) => found.use_specifier(
            &format!("jest-environment-{env}"),
            Role::Tooling,
            "jest: testEnvironment",
        ),
    }
    if let Some(preset) = config.get("preset").and_then(Static::as_str) {
        found.use_specifier(preset, Role::Tooling, "jest: preset");
    }
    for key in ["transform", "moduleNameMapper"] {
        if let Some(Static::Object(props)) = config.get(key) {
            for (_, value) in props {
                let target = match value {
                    Static::Array(items) => items.first().and_then(Static::as_str),
                    other => other.as_str(),
                };
                let Some(target) = target else { continue };
                if target.starts_with("<rootDir>") || target.starts_with('.') {
                    if let Some(path) = super::vitest::resolve(&root, target) {
                        found.entry(path, Role::Tooling, format!("jest: {key}"));
                    }
                } else if !target.contains('$') {
                    found.use_specifier(target, Role::Tooling, format!("jest: {key}"));
                }
            }
        }
    }
    for reporter in config
        .get("reporters")
        .map(Static::items)
        .unwrap_or_default()
    {
        let name = match reporter {
            Static::Array(items) => items.first().and_then(Static::as_str),
            other => other.as_str(),
        };
        if let Some(name) =
            name.filter(|n| *n != "default" && *n != "summary" && *n != "github-actions")
        {
            found.use_specifier(name, Role::Tooling, "jest: reporters");
        }
    }
}
