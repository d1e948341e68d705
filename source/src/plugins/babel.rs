//! Babel: `presets` and `plugins` of `babel.config.*`, `.babelrc*` or
//! `package.json` `babel` (and of their `env` and `overrides`) are packages,
//! with Babel's name normalization (`@babel/env` → `@babel/preset-env`,
//! `foo` → `babel-preset-foo`, `module:x` → `x`).

use model::analyze::Role;

use super::{Ctx, Found, Plugin};
use crate::static_config::{self, Static};

/// The plugin.
pub const PLUGIN: Plugin = Plugin {
    name: "babel",
    detect: |ctx| ctx.has_tool_prefix("@babel/") || ctx.has_tool_prefix("babel-"),
    run,
};

fn run(ctx: &Ctx<'_>, found: &mut Found) {
    let mut names = Ctx::config_names("babel.config");
    names.push("babel.config.json".into());
    names.extend([".babelrc", ".babelrc.json"].map(String::from));
    names.extend(Ctx::config_names(".babelrc"));
    let config = match ctx.first(&names) {
        Some(path) => {
            if super::is_source_path(&path) {
                found.entry(path.clone(), Role::Tooling, "babel: config");
            }
            ctx.read(&path, found)
        }
        None => ctx
            .ws
            .package_json
            .as_ref()
            .and_then(|j| j.get("babel"))
            .map(static_config::from_json),
    };
    if let Some(config) = config {
        read(&config, found, 0);
    }
}

fn read(config: &Static, found: &mut Found, depth: usize) {
    if depth > 6 {
        return;
    }
    for (key, kind) in [("presets", "preset"), ("plugins", "plugin")] {
        for item in config.get(key).map(Static::items).unwrap_or_default() {
            let name = match item {
                Static::Array(pair) => pair.first().and_then(Static::as_str),
                other => other.as_str(),
            };
            if let Some(name) = name {
                found.use_specifier(
                    &normalize(name, kind),
                    Role::Tooling,
                    format!("babel: {key}"),
                );
            }
        }
    }
    if let Some(Static::Object(envs)) = config.get("env") {
        for (_, env) in envs {
            read(env, found, depth + 1);
        }
    }
    for item in config
        .get("overrides")
        .map(Static::items)
        .unwrap_or_default()
    {
        read(item, found, depth + 1);
    }
}

/// Babel's name normalization for a preset or plugin (`kind`).
pub fn normalize(name: &str, kind: &str) -> String {
    if let Some(rest) = name.strip_prefix("module:") {
        return rest.to_string();
    }
    if name.starts_with('.') || name.starts_with('/') {
        return String::new();
    }
    let prefix = format!("babel-{kind}-");
    if let Some(scoped) = name.strip_prefix('@') {
        return match scoped.split_once('/') {
            None => format!("@{scoped}/babel-{kind}"),
            Some(("babel", rest)) if !rest.starts_with(&format!("{kind}-")) => {
                format!("@babel/{kind}-{rest}")
            }
            Some((scope, rest))
                if scope != "babel"
                    && !rest.starts_with(&prefix)
                    && !rest.starts_with(&format!("{kind}-")) =>
            {
                format!("@{scope}/{prefix}{rest}")
            }
            Some(_) => name.to_string(),
        };
    }
    if name.starts_with(&prefix) {
        name.to_string()
    } else {
        format!("{prefix}{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn babel_names() {
        assert_eq!(normalize("@babel/env", "preset"), "@babel/preset-env");
        assert_eq!(
            normalize("@babel/preset-react", "preset"),
            "@babel/preset-react"
        );
        assert_eq!(normalize("react-app", "preset"), "babel-preset-react-app");
        assert_eq!(
            normalize("module:metro-react-native-babel-preset", "preset"),
            "metro-react-native-babel-preset"
        );
        assert_eq!(normalize("@emotion", "plugin"), "@emotion/babel-plugin");
        assert_eq!(
            normalize("styled-components", "plugin"),
            "babel-plugin-styled-components"
        );
    }
}
