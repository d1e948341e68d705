//! PostCSS: `postcss.config.*`, `.postcssrc*` or `package.json` `postcss`;
//! `plugins` (object keys, or names) are packages.

use model::analyze::Role;

use super::{Ctx, Found, Plugin};
use crate::static_config::{self, Static};

/// The plugin.
pub const PLUGIN: Plugin = Plugin {
    name: "postcss",
    detect: |ctx| {
        ctx.has_tool("postcss")
            || ctx.first(&Ctx::config_names("postcss.config")).is_some()
            || ctx.file(".postcssrc").is_some()
            || ctx.file(".postcssrc.json").is_some()
    },
    run,
};

fn run(ctx: &Ctx<'_>, found: &mut Found) {
    let mut names = Ctx::config_names("postcss.config");
    names.extend(
        [
            ".postcssrc",
            ".postcssrc.json",
            ".postcssrc.yaml",
            ".postcssrc.yml",
        ]
        .map(String::from),
    );
    names.extend(Ctx::config_names(".postcssrc"));
    let config = match ctx.first(&names) {
        Some(path) => {
            if super::is_source_path(&path) {
                found.entry(path.clone(), Role::Tooling, "postcss: config");
            }
            found.use_package("postcss", Role::Tooling, "postcss: config");
            ctx.read(&path, found)
        }
        None => ctx
            .ws
            .package_json
            .as_ref()
            .and_then(|j| j.get("postcss"))
            .map(static_config::from_json),
    };
    match config.as_ref().and_then(|c| c.get("plugins")) {
        Some(Static::Object(props)) => {
            for (name, _) in props {
                found.use_specifier(name, Role::Tooling, "postcss: plugins");
            }
        }
        Some(list) => {
            for item in list.items() {
                let name = match item {
                    Static::Array(pair) => pair.first().and_then(Static::as_str),
                    other => other.as_str(),
                };
                if let Some(name) = name {
                    found.use_specifier(name, Role::Tooling, "postcss: plugins");
                }
            }
        }
        None => {}
    }
}
