//! commitlint: `.commitlintrc`, `.commitlintrc.{json,yaml,yml,js,cjs,mjs,
//! ts,cts,mts}`, `commitlint.config.{js,cjs,mjs,ts,cts,mts}` or the
//! `package.json` `commitlint` key, read statically. Packages it names are
//! used: `extends` (resolved as commitlint does: `@scope/x` as is, `@scope`
//! → `@scope/commitlint-config`, `x` → `commitlint-config-x` or the legacy
//! `conventional-changelog-lint-config-x`; the short form is also counted
//! as `@commitlint/config-x`, which is how `conventional` is often meant),
//! `parserPreset`, `plugins` (`x` → `commitlint-plugin-x`), `formatter`;
//! a local `extends` file and JS configs are tooling entries (their imports
//! count). With a config, `@commitlint/cli` is used (hooks and CI run it).

use std::path::{Path, PathBuf};

use model::analyze::Role;

use super::{Ctx, Found, Plugin};
use crate::static_config::{self, Static};

/// The plugin.
pub const PLUGIN: Plugin = Plugin {
    name: "commitlint",
    detect: |ctx| {
        ctx.has_tool("@commitlint/cli")
            || ctx.has_tool("commitlint")
            || config_file(ctx).is_some()
            || package_config(ctx).is_some()
    },
    run,
};

/// The config file names, in commitlint's search order (cosmiconfig's).
fn names() -> Vec<String> {
    super::rc_names(
        ".commitlintrc",
        "commitlint.config",
        &["js", "cjs", "mjs", "ts", "cts", "mts"],
    )
}

fn config_file(ctx: &Ctx<'_>) -> Option<PathBuf> {
    ctx.first(&names())
}

fn package_config<'a>(ctx: &Ctx<'a>) -> Option<&'a serde_json::Value> {
    ctx.ws.package_json.as_ref()?.get("commitlint")
}

fn run(ctx: &Ctx<'_>, found: &mut Found) {
    let mut configs: Vec<(Static, PathBuf, String)> = Vec::new();
    if let Some(path) = config_file(ctx) {
        if super::is_source_path(&path) {
            found.entry(path.clone(), Role::Tooling, "commitlint: config");
        }
        if let Some(config) = ctx.read_rc(&path, found) {
            let rel = ctx.rel(&path);
            configs.push((config, path, rel));
        }
    }
    // Both when both exist: counting more as used is the safe side.
    if let Some(json) = package_config(ctx) {
        configs.push((
            static_config::from_json(json),
            ctx.ws.dir.join("package.json"),
            "package.json commitlint".to_string(),
        ));
    }
    if configs.is_empty() {
        return;
    }
    // Its command line (hooks and CI run it), or the `commitlint` wrapper.
    for cli in ["@commitlint/cli", "commitlint"] {
        found.use_package(cli, Role::Tooling, "commitlint: config");
    }
    for (config, path, rel) in &configs {
        read(ctx, config, path, rel, found);
    }
}

/// The packages and files one config names.
fn read(ctx: &Ctx<'_>, config: &Static, path: &Path, rel: &str, found: &mut Found) {
    let base = path.parent().unwrap_or(&ctx.ws.dir);
    let extends = ctx.known(config.get("extends"), path, "extends", found);
    for name in extends.map(Static::strings).unwrap_or_default() {
        if name.starts_with('.') || name.starts_with('/') {
            local_file(ctx, base, name, found);
            continue;
        }
        for package in extends_packages(name) {
            found.use_specifier(
                &package,
                Role::Tooling,
                format!("commitlint: extends in {rel}"),
            );
        }
    }
    let preset = ctx.known(config.get("parserPreset"), path, "parserPreset", found);
    let preset = preset.and_then(|p| {
        p.as_str()
            .or_else(|| p.get("path").and_then(Static::as_str))
    });
    if let Some(preset) = preset {
        if preset.starts_with('.') || preset.starts_with('/') {
            local_file(ctx, base, preset, found);
        } else {
            found.use_specifier(
                preset,
                Role::Tooling,
                format!("commitlint: parserPreset in {rel}"),
            );
        }
    }
    let plugins = ctx.known(config.get("plugins"), path, "plugins", found);
    for plugin in plugins.map(Static::strings).unwrap_or_default() {
        found.use_specifier(
            &plugin_package(plugin),
            Role::Tooling,
            format!("commitlint: plugins in {rel}"),
        );
    }
    if let Some(formatter) = config.get("formatter").and_then(Static::as_str) {
        if formatter.starts_with('.') || formatter.starts_with('/') {
            local_file(ctx, base, formatter, found);
        } else {
            found.use_specifier(
                formatter,
                Role::Tooling,
                format!("commitlint: formatter in {rel}"),
            );
        }
    }
}

/// A local file a config names (`./commitlint.base.js`): a tooling entry
/// when it is a project source file (commitlint also tries `.js` and
/// `/index.js`).
fn local_file(ctx: &Ctx<'_>, base: &Path, name: &str, found: &mut Found) {
    let path = base.join(name.trim_start_matches("./"));
    let candidates = [
        path.clone(),
        PathBuf::from(format!("{}.js", path.display())),
        path.join("index.js"),
    ];
    if let Some(file) = candidates.into_iter().find(|c| ctx.all_files.contains(c)) {
        found.entry(file, Role::Tooling, "commitlint: extends");
    }
}

/// The packages an `extends` entry may name. commitlint tries
/// `commitlint-config-<x>`, then the legacy
/// `conventional-changelog-lint-config-<x>`; `@commitlint/config-<x>` is
/// counted too (`conventional` is commonly written for
/// `@commitlint/config-conventional`): a package wrongly counted as used is
/// better than one wrongly reported unused.
pub fn extends_packages(name: &str) -> Vec<String> {
    if let Some(scoped) = name.strip_prefix('@') {
        return vec![if scoped.contains('/') {
            name.to_string()
        } else {
            format!("{name}/commitlint-config")
        }];
    }
    let first = name.split('/').next().unwrap_or(name);
    if first.starts_with("commitlint-config-")
        || first.starts_with("conventional-changelog-lint-config-")
    {
        return vec![first.to_string()];
    }
    vec![
        format!("commitlint-config-{first}"),
        format!("conventional-changelog-lint-config-{first}"),
        format!("@commitlint/config-{first}"),
    ]
}

/// The package of a plugin name, as commitlint normalizes it
/// (`x` → `commitlint-plugin-x`, `@scope` → `@scope/commitlint-plugin`,
/// `@scope/x` → `@scope/commitlint-plugin-x`).
pub fn plugin_package(name: &str) -> String {
    const PREFIX: &str = "commitlint-plugin";
    if let Some(scoped) = name.strip_prefix('@') {
        return match scoped.split_once('/') {
            None | Some((_, "")) => format!("@{}/{PREFIX}", scoped.trim_end_matches('/')),
            Some((_, rest)) if rest == PREFIX || rest.starts_with("commitlint-plugin-") => {
                name.to_string()
            }
            Some((scope, rest)) => format!("@{scope}/{PREFIX}-{rest}"),
        };
    }
    if name.starts_with("commitlint-plugin-") {
        name.to_string()
    } else {
        format!("{PREFIX}-{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commitlint_names_map_to_packages() {
        assert_eq!(
            extends_packages("@commitlint/config-conventional"),
            ["@commitlint/config-conventional"]
        );
        assert_eq!(
            extends_packages("conventional"),
            [
                "commitlint-config-conventional",
                "conventional-changelog-lint-config-conventional",
                "@commitlint/config-conventional"
            ]
        );
        assert_eq!(extends_packages("@acme"), ["@acme/commitlint-config"]);
        assert_eq!(
            extends_packages("commitlint-config-lerna"),
            ["commitlint-config-lerna"]
        );
        assert_eq!(plugin_package("scope"), "commitlint-plugin-scope");
        assert_eq!(plugin_package("@acme"), "@acme/commitlint-plugin");
        assert_eq!(plugin_package("@acme/x"), "@acme/commitlint-plugin-x");
        assert_eq!(
            plugin_package("@acme/commitlint-plugin-x"),
            "@acme/commitlint-plugin-x"
        );
        assert_eq!(
            plugin_package("commitlint-plugin-function-rules"),
            "commitlint-plugin-function-rules"
        );
    }
}
