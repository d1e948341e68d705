//! ESLint: flat configs (`eslint.config.*`) are tooling entries (their
//! imports count); legacy configs (`.eslintrc.*`, `package.json`
//! `eslintConfig`) name packages as strings: `plugins: ['react-hooks']` →
//! `eslint-plugin-react-hooks`, `extends: ['plugin:x/y']` →
//! `eslint-plugin-x`, `extends: ['prettier']` → `eslint-config-prettier`,
//! `parser`, `overrides`, `settings['import/resolver']`.

use model::analyze::Role;

use super::{Ctx, Found, Plugin};
use crate::static_config::{self, Static};

/// The plugin.
pub const PLUGIN: Plugin = Plugin {
    name: "eslint",
    detect: |ctx| ctx.has_tool("eslint") || inherited(ctx).is_some(),
    run,
};

/// The config ESLint finds above the workspace when the workspace has none
/// of its own: the nearest folder up to the repository root holding a flat
/// or legacy config (ESLint looks upwards from the files it lints).
fn inherited(ctx: &Ctx<'_>) -> Option<std::path::PathBuf> {
    let repo = &ctx.layout.repo_root;
    if ctx.ws.dir == *repo || !project::fsx::is_under(&ctx.ws.dir, repo) || own_config(ctx) {
        return None;
    }
    ctx.ws
        .dir
        .ancestors()
        .skip(1)
        .take_while(|dir| project::fsx::is_under(dir, repo))
        .find_map(|dir| {
            Ctx::config_names("eslint.config")
                .iter()
                .map(String::as_str)
                .chain(LEGACY.iter().copied())
                .map(|name| dir.join(name))
                .find(|path| std::fs::metadata(path).is_ok_and(|m| m.is_file()))
        })
}

/// Whether the workspace has an ESLint config of its own.
fn own_config(ctx: &Ctx<'_>) -> bool {
    ctx.first(&Ctx::config_names("eslint.config")).is_some()
        || ctx
            .first(&LEGACY.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .is_some()
        || ctx
            .ws
            .package_json
            .as_ref()
            .is_some_and(|j| j.get("eslintConfig").is_some())
}

/// A config above the workspace counts for it: the packages it names or
/// imports are used (the file itself is the repository root's entry).
fn run_inherited(ctx: &Ctx<'_>, path: &std::path::Path, found: &mut Found) {
    let why = format!("eslint: config {} above the workspace", ctx.rel(path));
    found.use_package("eslint", Role::Tooling, why.clone());
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.starts_with("eslint.config") {
        let Ok(Some(bytes)) = project::fsx::read_regular(path, 4 * 1024 * 1024) else {
            return;
        };
        let text = String::from_utf8_lossy(&bytes);
        flat_compat(&text, found);
        for import in crate::parse::parse_file(path, &text).imports {
            found.use_specifier(&import.specifier, Role::Tooling, why.clone());
        }
    } else if let Some(config) = ctx.read_rc(path, found) {
        legacy_config(&config, found, 0);
    }
}

const LEGACY: &[&str] = &[
    ".eslintrc.js",
    ".eslintrc.cjs",
    ".eslintrc.mjs",
    ".eslintrc.json",
    ".eslintrc.yaml",
    ".eslintrc.yml",
    ".eslintrc",
];

fn run(ctx: &Ctx<'_>, found: &mut Found) {
    if let Some(path) = inherited(ctx) {
        run_inherited(ctx, &path, found);
        return;
    }
    if let Some(flat) = ctx.first(&Ctx::config_names("eslint.config")) {
        // ESLint itself reads the config, whatever imports it.
        found.use_package("eslint", Role::Tooling, "eslint: flat config");
        if let Ok(Some(bytes)) = project::fsx::read_regular(&flat, 4 * 1024 * 1024) {
            flat_compat(&String::from_utf8_lossy(&bytes), found);
        }
        found.entry(flat, Role::Tooling, "eslint: flat config");
    }
    let legacy: Vec<String> = LEGACY.iter().map(|s| s.to_string()).collect();
    let config = match ctx.first(&legacy) {
        Some(path) => {
            found.use_package(
                "eslint",
                Role::Tooling,
                format!("eslint: config {}", ctx.rel(&path)),
            );
            if super::is_source_path(&path) {
                found.entry(path.clone(), Role::Tooling, "eslint: config");
            }
            ctx.read(&path, found)
        }
        None => ctx
            .ws
            .package_json
            .as_ref()
            .and_then(|j| j.get("eslintConfig"))
            .map(static_config::from_json),
    };
    if let Some(config) = config {
        legacy_config(&config, found, 0);
    }
}

/// `FlatCompat` (`@eslint/eslintrc`) brings legacy configs into a flat one:
/// `compat.extends("next/core-web-vitals")` names `eslint-config-next` as
/// a legacy `extends` does, `compat.plugins("react")` `eslint-plugin-react`
/// (the string literals of those calls; create-next-app's own config).
fn flat_compat(text: &str, found: &mut Found) {
    if !text.contains("FlatCompat") {
        return;
    }
    static CALL: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    static STRING: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    let (Some(call), Some(string)) = (
        CALL.get_or_init(|| regex::Regex::new(r"\.(extends|plugins)\s*\(([^)]*)\)").ok()),
        STRING.get_or_init(|| regex::Regex::new(r#"["'`]([^"'`\s]+)["'`]"#).ok()),
    ) else {
        return;
    };
    for caps in call.captures_iter(text) {
        let plugins = &caps[1] == "plugins";
        for name in string.captures_iter(&caps[2]) {
            let name = &name[1];
            if plugins {
                found.use_specifier(
                    &plugin_package(name),
                    Role::Tooling,
                    "eslint: FlatCompat plugins",
                );
            } else if let Some(package) = extends_package(name) {
                found.use_specifier(&package, Role::Tooling, "eslint: FlatCompat extends");
            }
        }
    }
}

fn legacy_config(config: &Static, found: &mut Found, depth: usize) {
    if depth > 8 {
        return;
    }
    for name in config
        .get("extends")
        .map(Static::strings)
        .unwrap_or_default()
    {
        if let Some(package) = extends_package(name) {
            found.use_specifier(&package, Role::Tooling, "eslint: extends");
        }
    }
    for name in config
        .get("plugins")
        .map(Static::strings)
        .unwrap_or_default()
    {
        found.use_specifier(&plugin_package(name), Role::Tooling, "eslint: plugins");
    }
    if let Some(parser) = config.get("parser").and_then(Static::as_str) {
        found.use_specifier(parser, Role::Tooling, "eslint: parser");
    }
    if let Some(Static::Object(resolvers)) = config.at("settings").and_then(|s| match s {
        Static::Object(props) => props
            .iter()
            .find(|(k, _)| k == "import/resolver")
            .map(|(_, v)| v),
        _ => None,
    }) {
        for (name, _) in resolvers {
            if name != "node" {
                found.use_specifier(
                    &format!("eslint-import-resolver-{name}"),
                    Role::Tooling,
                    "eslint: import/resolver",
                );
            }
        }
    }
    for override_ in config
        .get("overrides")
        .map(Static::items)
        .unwrap_or_default()
    {
        legacy_config(override_, found, depth + 1);
    }
}

/// The package an `extends` entry names (`None` for built-ins and paths).
pub fn extends_package(name: &str) -> Option<String> {
    if name.starts_with("eslint:") || name.starts_with('.') || name.starts_with('/') {
        return None;
    }
    if let Some(rest) = name.strip_prefix("plugin:") {
        let plugin = rest.rsplit_once('/').map_or(rest, |(p, _)| p);
        return Some(plugin_package(plugin));
    }
    if let Some(scoped) = name.strip_prefix('@') {
        return Some(match scoped.split_once('/') {
            None => format!("@{scoped}/eslint-config"),
            Some((scope, rest)) => {
                let first = rest.split('/').next().unwrap_or(rest);
                if first.starts_with("eslint-config") {
                    format!("@{scope}/{first}")
                } else {
                    format!("@{scope}/eslint-config-{first}")
                }
            }
        });
    }
    let first = name.split('/').next().unwrap_or(name);
    Some(if first.starts_with("eslint-config-") {
        first.to_string()
    } else {
        format!("eslint-config-{first}")
    })
}

/// The package of a plugin name (`react-hooks` → `eslint-plugin-react-hooks`,
/// `@typescript-eslint` → `@typescript-eslint/eslint-plugin`).
pub fn plugin_package(name: &str) -> String {
    if let Some(scoped) = name.strip_prefix('@') {
        return match scoped.split_once('/') {
            None => format!("@{scoped}/eslint-plugin"),
            Some((scope, rest)) if rest.starts_with("eslint-plugin") => format!("@{scope}/{rest}"),
            Some((scope, rest)) => format!("@{scope}/eslint-plugin-{rest}"),
        };
    }
    if name.starts_with("eslint-plugin-") {
        name.to_string()
    } else {
        format!("eslint-plugin-{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eslint_names_map_to_packages() {
        assert_eq!(extends_package("eslint:recommended"), None);
        assert_eq!(
            extends_package("plugin:@typescript-eslint/recommended").unwrap(),
            "@typescript-eslint/eslint-plugin"
        );
        assert_eq!(
            extends_package("plugin:react-hooks/recommended").unwrap(),
            "eslint-plugin-react-hooks"
        );
        assert_eq!(
            extends_package("next/core-web-vitals").unwrap(),
            "eslint-config-next"
        );
        assert_eq!(
            extends_package("prettier").unwrap(),
            "eslint-config-prettier"
        );
        assert_eq!(extends_package("@vue").unwrap(), "@vue/eslint-config");
        assert_eq!(
            extends_package("@vue/typescript").unwrap(),
            "@vue/eslint-config-typescript"
        );
        assert_eq!(
            plugin_package("react-refresh"),
            "eslint-plugin-react-refresh"
        );
        assert_eq!(
            plugin_package("@typescript-eslint"),
            "@typescript-eslint/eslint-plugin"
        );
    }
}
