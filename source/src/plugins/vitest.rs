//! Vitest: test files (`test.include`, default
//! `**/*.{test,spec}.?(c|m)[jt]s?(x)`), `setupFiles` and `globalSetup` are
//! tooling entries, from `vitest.config.*` or the `test` key of the Vite
//! config; `environment` names a package. Coverage (`test.coverage` in the
//! config, or `--coverage` on a script's `vitest`) uses
//! `@vitest/coverage-v8`, or `@vitest/coverage-<provider>` when
//! `coverage.provider` (or `--coverage.provider`) names another one
//! (`custom`: its `customProviderModule`).

use model::analyze::Role;

use super::{Ctx, Found, Plugin};
use crate::static_config::Static;
use serde_json::Value;

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
    coverage_uses(ctx, found, config.as_deref(), test.as_ref());
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
    if let Some(provider) = test.at("browser.provider").and_then(Static::as_str) {
        found.use_package(provider, Role::Tooling, "vitest: browser provider");
    }
}

/// The coverage provider's package, when the config has `test.coverage`
/// (`test`: its `test` value) or a script runs `vitest` with `--coverage`.
fn coverage_uses(
    ctx: &Ctx<'_>,
    found: &mut Found,
    config: Option<&std::path::Path>,
    test: Option<&Static>,
) {
    let coverage = test.and_then(|t| t.get("coverage"));
    if let (Some(coverage), Some(file)) = (coverage, config) {
        let why = format!("vitest: test.coverage in {}", ctx.rel(file));
        for package in coverage_packages(Some(coverage), None) {
            found.use_specifier(&package, Role::Tooling, why.clone());
        }
    }
    let scripts = ctx
        .ws
        .package_json
        .as_ref()
        .and_then(|j| j.get("scripts"))
        .and_then(Value::as_object);
    for (name, command) in scripts.into_iter().flatten() {
        let Some(command) = command.as_str() else {
            continue;
        };
        for provider in script_coverage(command) {
            let why = format!("vitest: script \"{name}\" runs it with --coverage");
            for package in coverage_packages(coverage, provider.as_deref()) {
                found.use_specifier(&package, Role::Tooling, why.clone());
            }
        }
    }
}

/// The packages coverage runs with: the provider `flag` gives (a script's
/// `--coverage.provider`), else `coverage.provider` of the config's
/// `coverage` value, else `v8`. `custom` runs `customProviderModule`; a
/// provider computed when the config runs may be either built-in one.
fn coverage_packages(coverage: Option<&Static>, flag: Option<&str>) -> Vec<String> {
    let named = |provider: &str| -> Vec<String> {
        match provider {
            "custom" => coverage
                .and_then(|c| c.get("customProviderModule"))
                .and_then(Static::as_str)
                .map(str::to_string)
                .into_iter()
                .collect(),
            other => vec![format!("@vitest/coverage-{other}")],
        }
    };
    let both = || {
        vec![
            "@vitest/coverage-v8".to_string(),
            "@vitest/coverage-istanbul".to_string(),
        ]
    };
    if let Some(provider) = flag {
        return named(provider);
    }
    match coverage.map(|c| (c, c.get("provider"))) {
        Some((_, Some(Static::Str(provider)))) => named(provider),
        Some((_, Some(_))) => both(),
        Some((c, None)) if c.has_unknown() => both(),
        _ => named("v8"),
    }
}

/// For each `vitest` command of a script that turns coverage on
/// (`--coverage`, `--coverage.enabled`, `--coverage.provider=…`; not
/// `=false`), the provider its `--coverage.provider` names.
fn script_coverage(command: &str) -> Vec<Option<String>> {
    let mut out = Vec::new();
    for part in command.split(['&', '|', ';', '\n']) {
        let words = super::scripts::shell_words(part);
        let Some(at) = words
            .iter()
            .position(|w| w.rsplit('/').next() == Some("vitest"))
        else {
            continue;
        };
        let args = &words[at + 1..];
        let on = args.iter().any(|a| {
            (a == "--coverage" || a.starts_with("--coverage.") || a.starts_with("--coverage="))
                && !a.ends_with("=false")
        });
        if !on {
            continue;
        }
        let provider = args.iter().enumerate().find_map(|(i, a)| {
            let rest = a.strip_prefix("--coverage.provider")?;
            match rest.strip_prefix('=') {
                Some(value) => Some(value.to_string()),
                None if rest.is_empty() => args.get(i + 1).cloned(),
                None => None,
            }
        });
        out.push(provider);
    }
    out
}

/// A file a config names, relative to `base` (the config's folder).
pub fn resolve(base: &std::path::Path, file: &str) -> Option<std::path::PathBuf> {
    let file = file.replace("<rootDir>", ".");
    let path = base.join(file.trim_start_matches("./"));
    let path = path.canonicalize().ok()?;
    path.is_file().then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_turn_coverage_on_with_their_provider() {
        assert_eq!(script_coverage("vitest run --coverage"), [None]);
        assert_eq!(
            script_coverage(
                "pnpm build && npx vitest --coverage.enabled --coverage.provider istanbul"
            ),
            [Some("istanbul".to_string())]
        );
        assert_eq!(
            script_coverage("vitest run --coverage.provider=v8 --coverage.enabled=true"),
            [Some("v8".to_string())]
        );
        assert!(script_coverage("vitest run").is_empty());
        assert!(script_coverage("vitest run --coverage.enabled=false").is_empty());
        assert!(script_coverage("jest --coverage").is_empty());
    }

    #[test]
    fn coverage_uses_v8_unless_a_provider_is_named() {
        let object = |props: &[(&str, Static)]| {
            Static::Object(
                props
                    .iter()
                    .map(|(k, v)| ((*k).to_string(), v.clone()))
                    .collect(),
            )
        };
        let enabled = object(&[("enabled", Static::Bool(true))]);
        assert_eq!(
            coverage_packages(Some(&enabled), None),
            ["@vitest/coverage-v8"]
        );
        assert_eq!(coverage_packages(None, None), ["@vitest/coverage-v8"]);
        let istanbul = object(&[("provider", Static::Str("istanbul".into()))]);
        assert_eq!(
            coverage_packages(Some(&istanbul), None),
            ["@vitest/coverage-istanbul"]
        );
        // A script's flag wins over the config.
        assert_eq!(
            coverage_packages(Some(&istanbul), Some("v8")),
            ["@vitest/coverage-v8"]
        );
        let custom = object(&[
            ("provider", Static::Str("custom".into())),
            (
                "customProviderModule",
                Static::Str("my-coverage/provider".into()),
            ),
        ]);
        assert_eq!(
            coverage_packages(Some(&custom), None),
            ["my-coverage/provider"]
        );
        let computed = object(&[("provider", Static::Unknown)]);
        assert_eq!(
            coverage_packages(Some(&computed), None),
            ["@vitest/coverage-v8", "@vitest/coverage-istanbul"]
        );
        assert_eq!(coverage_packages(Some(&Static::Unknown), None).len(), 2);
    }
}
