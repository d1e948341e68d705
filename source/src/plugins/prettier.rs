//! Prettier: `plugins` of its config name packages; a `package.json`
//! `prettier` string names a shared config package; JS configs are tooling.

use model::analyze::Role;

use super::{Ctx, Found, Plugin};
use crate::static_config::{self, Static};

/// The plugin.
pub const PLUGIN: Plugin = Plugin {
    name: "prettier",
    detect: |ctx| ctx.has_tool("prettier"),
    run,
};

fn run(ctx: &Ctx<'_>, found: &mut Found) {
    let mut names: Vec<String> = [
        ".prettierrc",
        ".prettierrc.json",
        ".prettierrc.yaml",
        ".prettierrc.yml",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    names.extend(Ctx::config_names(".prettierrc"));
    names.extend(Ctx::config_names("prettier.config"));
    let config = match ctx.first(&names) {
        Some(path) => {
            if super::is_source_path(&path) {
                found.entry(path.clone(), Role::Tooling, "prettier: config");
            }
            ctx.read(&path, found)
        }
        None => ctx
            .ws
            .package_json
            .as_ref()
            .and_then(|j| j.get("prettier"))
            .map(static_config::from_json),
    };
    match config {
        Some(Static::Str(shared)) => {
            found.use_specifier(&shared, Role::Tooling, "prettier: shared config")
        }
        Some(config) => {
            for plugin in config
                .get("plugins")
                .map(Static::strings)
                .unwrap_or_default()
            {
                found.use_specifier(plugin, Role::Tooling, "prettier: plugins");
            }
        }
        None => {}
    }
}
