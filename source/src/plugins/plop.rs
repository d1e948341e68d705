//! plop: `plopfile.*` is tooling (its generators are its imports).

use model::analyze::Role;

use super::{Ctx, Found, Plugin};

/// The plugin.
pub const PLUGIN: Plugin = Plugin {
    name: "plop",
    detect: |ctx| ctx.has_tool("plop") || ctx.first(&Ctx::config_names("plopfile")).is_some(),
    run,
};

fn run(ctx: &Ctx<'_>, found: &mut Found) {
    if let Some(path) = ctx.first(&Ctx::config_names("plopfile")) {
        found.entry(path, Role::Tooling, "plop: plopfile");
    }
}
