//! Vitest: test files (`test.include`, default
//! `**/*.{test,spec}.?(c|m)[jt]s?(x)`), `setupFiles` and `globalSetup` are
//! tooling entries, from `vitest.config.*` or the `test` key of the Vite
//! config; `environment` and `coverage.provider` name packages.

use model::analyze::Role;

use super::{Ctx, Found, Plugin};
use crate::static_config::Static;

/// The plugin.
pub const PLUGIN: Plugin = Plugin {
    name: "vitest",
    detect: |ctx| ctx.has_tool("vitest") || own_config(ctx).is_some(),
    run,
};

const DEFAULT_INCLUDE: &str = "**/*.{test,spec}.?(c|m)[jt]s?(x)";

fn own_config(ctx: &Ctx<'_>) -> Option<std::path::PathBuf> {
    ctx.first(&Ctx::config_names("vitest.config"))
        .or_else(|| ctx.first(&Ctx::config_names("vitest.workspace")))
}

fn run(ctx: &Ctx<'_>, found: &mut Found) {
    let own = own_config(ctx);
    if let Some(path) = &own {
        found.entry(path.clone(), Role::Tooling, "vitest: config");
    }
    let config = own.or_else(|| super::vite::config(ctx));
    let test = config
        .as_ref()
        .and_then(|p| ctx.read(p, found))
        .and_then(|v| v.get("test").cloned());
    let base = config
        .as_ref()
        .and_then(|p| p.parent())
        .unwrap_or(&ctx.ws.dir)
        .to_path_buf();
    let include_value = test.as_ref().and_then(|t| t.get("include"));
    let include_value = match &config {
        Some(file) => ctx.known(include_value, file, "test.include", found),
        None => include_value,
    };
    let include: Vec<String> = include_value
        .map(|v| v.strings().into_iter().map(str::to_string).collect())
        .filter(|v: &Vec<String>| !v.is_empty())
        .unwrap_or_else(|| vec![DEFAULT_INCLUDE.to_string()]);
    let mut patterns: Vec<&str> = include.iter().map(String::as_str).collect();
    let exclude: Vec<String> = test
        .as_ref()
        .and_then(|t| t.get("exclude"))
        .map(|v| v.strings().into_iter().map(|s| format!("!{s}")).collect())
        .unwrap_or_default();
    patterns.extend(exclude.iter().map(String::as_str));
    for file in ctx.glob(&base, &patterns) {
        found.entry(file, Role::Tooling, "vitest: test file");
    }
    let Some(test) = test else { return };
    for key in ["setupFiles", "globalSetup"] {
        for file in test.get(key).map(Static::strings).unwrap_or_default() {
            if let Some(path) = resolve(&base, file) {
                found.entry(path, Role::Tooling, format!("vitest: {key}"));
            } else {
                found.use_specifier(file, Role::Tooling, format!("vitest: {key}"));
            }
        }
    }
    match test.get("environment").and_then(Static::as_str) {
        Some("jsdom") => found.use_package("jsdom", Role::Tooling, "vitest: environment"),
        Some("happy-dom") => found.use_package("happy-dom", Role::Tooling, "vitest: environment"),
        Some("edge-runtime") => {
            found.use_package("@edge-runtime/vm", Role::Tooling, "vitest: environment")
        }
        Some("node") | None => {}
        Some(other) => found.use_package(
            &format!("vitest-environment-{other}"),
            Role::Tooling,
            "vitest: environment",
        ),
    }
    match test.at("coverage.provider").and_then(Static::as_str) {
        Some("istanbul") => found.use_package(
            "@vitest/coverage-istanbul",
            Role::Tooling,
            "vitest: coverage",
        ),
        Some("v8") => found.use_package("@vitest/coverage-v8", Role::Tooling, "vitest: coverage"),
        _ => {}
    }
    if let Some(provider) = test.at("browser.provider").and_then(Static::as_str) {
        found.use_package(provider, Role::Tooling, "vitest: browser provider");
    }
}

/// A file a config names, relative to `base` (the config's folder).
pub fn resolve(base: &std::path::Path, file: &str) -> Option<std::path::PathBuf> {
    let file = file.replace("<rootDir>", ".");
    let path = base.join(file.trim_start_matches("./"));
    let path = path.canonicalize().ok()?;
    path.is_file().then_some(path)
}
