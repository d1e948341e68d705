//! Jest: test files (`testMatch`, defaults `**/__tests__/**/*` and
//! `**/*.{spec,test}.*`), `setupFiles`, `setupFilesAfterEnv`,
//! `globalSetup`/`globalTeardown` are tooling entries; `testEnvironment`,
//! `preset`, `transform`, `reporters` name packages. Config from
//! `jest.config.*` or `package.json` `jest`.

use std::path::Path;

use model::Diagnostic;
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
    let config = read_config(ctx, file.as_deref(), found);
    let root = config
        .as_ref()
        .and_then(|c| c.get("rootDir"))
        .and_then(Static::as_str)
        .map_or(ctx.ws.dir.clone(), |r| ctx.ws.dir.join(r));
    add_test_files(ctx, found, &root, config.as_ref(), file.as_deref());
    let Some(config) = config else { return };
    add_setup_files(found, &root, &config);
    add_environment(found, &config, |name| ctx.ws.has_dep(name));
    if let Some(preset) = config.get("preset").and_then(Static::as_str) {
        found.use_specifier(preset, Role::Tooling, "jest: preset");
    }
    add_mapped_modules(found, &root, &config);
    add_reporters(found, &config);
}

/// The configuration: the config file (an entry itself), else
/// `package.json` `jest`.
fn read_config(ctx: &Ctx<'_>, file: Option<&Path>, found: &mut Found) -> Option<Static> {
    let config = match file {
        Some(path) => {
            found.entry(path.to_path_buf(), Role::Tooling, "jest: config");
            ctx.read(path, found)
        }
        None => ctx
            .ws
            .package_json
            .as_ref()
            .and_then(|j| j.get("jest"))
            .map(static_config::from_json),
    };
    config.map(unwrap_create_jest_config)
}

/// `createJestConfig(config)` (next/jest) wraps the object: its first argument.
fn unwrap_create_jest_config(config: Static) -> Static {
    match config {
        Static::Call(_, args) => args.into_iter().next().unwrap_or(Static::Unknown),
        other => other,
    }
}

/// The test files: those `testMatch` (or its defaults) matches, and those a
/// `testRegex` matches; when a `testRegex` cannot be read, `testMatch`'s too.
fn add_test_files(
    ctx: &Ctx<'_>,
    found: &mut Found,
    root: &Path,
    config: Option<&Static>,
    file: Option<&Path>,
) {
    let matches = test_match(config);
    let regexes = test_regexes(config);
    let config_name = file.map_or_else(|| "package.json".to_string(), |f| ctx.rel(f));
    let (compiled, problems) = compile_regexes(&regexes, &config_name);
    found.diagnostics.extend(problems);
    if regexes.is_empty() || compiled.len() < regexes.len() {
        let patterns: Vec<&str> = matches.iter().map(String::as_str).collect();
        for test in ctx.glob(root, &patterns) {
            found.entry(test, Role::Tooling, "jest: test file");
        }
    }
    if !compiled.is_empty() {
        for test in ctx.files_under(root) {
            let path = test.to_string_lossy();
            if !path.contains("/node_modules/") && compiled.iter().any(|re| re.is_match(&path)) {
                found.entry(test, Role::Tooling, "jest: test file (testRegex)");
            }
        }
    }
}

/// `testMatch` without `<rootDir>/`, or Jest's defaults when it is absent or empty.
fn test_match(config: Option<&Static>) -> Vec<String> {
    config
        .and_then(|c| c.get("testMatch"))
        .map(|v| {
            v.strings()
                .into_iter()
                .map(|s| s.replace("<rootDir>/", ""))
                .collect()
        })
        .filter(|v: &Vec<String>| !v.is_empty())
        .unwrap_or_else(|| DEFAULT_MATCH.iter().map(|s| s.to_string()).collect())
}

/// `testRegex` (a JavaScript regular expression, or several, matched
/// against each file's path), which replaces `testMatch`.
fn test_regexes(config: Option<&Static>) -> Vec<String> {
    config
        .and_then(|c| c.get("testRegex"))
        .map(|v| v.strings().into_iter().map(str::to_string).collect())
        .unwrap_or_default()
}

/// The regexes Rust's `regex` reads; each other one is a diagnostic about
/// `config_name`.
fn compile_regexes(regexes: &[String], config_name: &str) -> (Vec<regex::Regex>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let compiled = regexes
        .iter()
        .filter_map(|source| match regex::Regex::new(source) {
            Ok(re) => Some(re),
            Err(_) => {
                problems.push(Diagnostic::new(
                    config_name,
                    format!(
                        "`testRegex` `{}` uses JavaScript syntax perfscope cannot read; every `*.test.*`/`*.spec.*` file is taken as a test",
                        model::diagnostic::quote(source)
                    ),
                ));
                None
            }
        })
        .collect();
    (compiled, problems)
}

/// Setup and teardown files and snapshot serializers: files are entries,
/// anything else names a package.
fn add_setup_files(found: &mut Found, root: &Path, config: &Static) {
    for key in [
        "setupFiles",
        "setupFilesAfterEnv",
        "globalSetup",
        "globalTeardown",
        "snapshotSerializers",
    ] {
        for value in config.get(key).map(Static::strings).unwrap_or_default() {
            match super::vitest::resolve(root, value) {
                Some(path) => found.entry(path, Role::Tooling, format!("jest: {key}")),
                None => found.use_specifier(value, Role::Tooling, format!("jest: {key}")),
            }
        }
    }
}

/// `testEnvironment`: a listed package as it is, else
/// `jest-environment-<name>` (`node` is built in).
fn add_environment(found: &mut Found, config: &Static, has_dep: impl Fn(&str) -> bool) {
    match config.get("testEnvironment").and_then(Static::as_str) {
        None | Some("node") => {}
        Some(env) if has_dep(env) => found.use_package(env, Role::Tooling, "jest: testEnvironment"),
        Some(env) => found.use_specifier(
            &format!("jest-environment-{env}"),
            Role::Tooling,
            "jest: testEnvironment",
        ),
    }
}

/// `transform` and `moduleNameMapper` targets: local files are entries,
/// packages are used (targets with `$1` substitutions are skipped).
fn add_mapped_modules(found: &mut Found, root: &Path, config: &Static) {
    for key in ["transform", "moduleNameMapper"] {
        let Some(Static::Object(props)) = config.get(key) else {
            continue;
        };
        for (_, value) in props {
            let target = match value {
                Static::Array(items) => items.first().and_then(Static::as_str),
                other => other.as_str(),
            };
            let Some(target) = target else { continue };
            if target.starts_with("<rootDir>") || target.starts_with('.') {
                if let Some(path) = super::vitest::resolve(root, target) {
                    found.entry(path, Role::Tooling, format!("jest: {key}"));
                }
            } else if !target.contains('$') {
                found.use_specifier(target, Role::Tooling, format!("jest: {key}"));
            }
        }
    }
}

/// `reporters` other than Jest's built-in ones name packages.
fn add_reporters(found: &mut Found, config: &Static) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config(value: serde_json::Value) -> Static {
        static_config::from_json(&value)
    }

    /// The packages `found` uses, with why, sorted.
    fn used(found: &Found) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = found
            .used
            .iter()
            .map(|u| (u.name.clone(), u.why.clone()))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn create_jest_config_is_unwrapped_to_its_object() {
        let object = config(json!({ "testEnvironment": "jsdom" }));
        let wrapped = Static::Call("createJestConfig".into(), vec![object.clone()]);
        assert_eq!(unwrap_create_jest_config(wrapped), object);
        assert_eq!(
            unwrap_create_jest_config(Static::Call("f".into(), vec![])),
            Static::Unknown
        );
        assert_eq!(unwrap_create_jest_config(object.clone()), object);
    }

    #[test]
    fn test_match_drops_root_dir_and_falls_back_to_the_defaults() {
        let defaults: Vec<String> = DEFAULT_MATCH.iter().map(|s| s.to_string()).collect();
        assert_eq!(test_match(None), defaults);
        assert_eq!(
            test_match(Some(&config(json!({ "testMatch": [] })))),
            defaults
        );
        assert_eq!(
            test_match(Some(&config(
                json!({ "testMatch": ["<rootDir>/src/**/*.test.ts", "e2e/*.ts"] })
            ))),
            vec!["src/**/*.test.ts", "e2e/*.ts"]
        );
    }

    #[test]
    fn test_regexes_rust_cannot_read_are_reported() {
        let one = config(json!({ "testRegex": "\\.test\\.js$" }));
        assert_eq!(test_regexes(Some(&one)), vec!["\\.test\\.js$"]);
        assert!(test_regexes(None).is_empty());
        let regexes = test_regexes(Some(&config(
            json!({ "testRegex": ["(?<=/)spec\\.js$", "/__tests__/"] }),
        )));
        let (compiled, problems) = compile_regexes(&regexes, "jest.config.js");
        assert_eq!(compiled.len(), 1);
        assert!(compiled[0].is_match("/app/__tests__/a.js"));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, "jest.config.js");
        assert!(
            problems[0]
                .message
                .starts_with("`testRegex` `(?<=/)spec\\.js$` uses JavaScript syntax")
        );
    }

    #[test]
    fn test_environment_names_its_package() {
        let env = |name: &str, listed: bool| {
            let mut found = Found::default();
            let cfg = config(json!({ "testEnvironment": name }));
            add_environment(&mut found, &cfg, |dep| listed && dep == name);
            used(&found).into_iter().map(|(n, _)| n).collect::<Vec<_>>()
        };
        assert_eq!(env("jsdom", false), vec!["jest-environment-jsdom"]);
        assert_eq!(
            env("jest-environment-jsdom", true),
            vec!["jest-environment-jsdom"]
        );
        assert_eq!(env("happy-dom", true), vec!["happy-dom"]);
        assert!(env("node", false).is_empty());
    }

    #[test]
    fn transforms_mappers_and_reporters_name_packages() {
        let cfg = config(json!({
            "transform": { "^.+\\.tsx?$": "ts-jest", "^.+\\.jsx?$": ["babel-jest", {}] },
            "moduleNameMapper": {
                "\\.css$": "identity-obj-proxy",
                "^lodash-es$": "lodash",
                "^@/(.*)$": "<rootDir>/src/$1",
                "^~(.*)$": "$1"
            },
            "reporters": ["default", ["jest-junit", { "outputDirectory": "out" }], "github-actions", "@acme/reporter/dist"]
        }));
        let mut found = Found::default();
        add_mapped_modules(&mut found, Path::new("/nowhere"), &cfg);
        add_reporters(&mut found, &cfg);
        assert_eq!(
            used(&found),
            vec![
                ("@acme/reporter".into(), "jest: reporters".into()),
                ("babel-jest".into(), "jest: transform".into()),
                ("identity-obj-proxy".into(), "jest: moduleNameMapper".into()),
                ("jest-junit".into(), "jest: reporters".into()),
                ("lodash".into(), "jest: moduleNameMapper".into()),
                ("ts-jest".into(), "jest: transform".into()),
            ]
        );
        assert!(found.entries.is_empty());
    }

    #[test]
    fn setup_values_that_are_not_files_name_packages() {
        let cfg = config(json!({
            "setupFilesAfterEnv": ["jest-extended/all", "./missing-setup.js"],
            "snapshotSerializers": "enzyme-to-json/serializer"
        }));
        let mut found = Found::default();
        add_setup_files(&mut found, Path::new("/nowhere"), &cfg);
        assert_eq!(
            used(&found),
            vec![
                ("enzyme-to-json".into(), "jest: snapshotSerializers".into()),
                ("jest-extended".into(), "jest: setupFilesAfterEnv".into()),
            ]
        );
        assert!(found.entries.is_empty());
    }
}
