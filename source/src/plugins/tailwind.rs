//! Tailwind CSS: `tailwind.config.*` is tooling (its `require`d plugins are
//! imports); `tailwindcss` is used (CSS imports it, which perfscope does not parse).

use model::analyze::Role;

use super::{Ctx, Found, Plugin};

/// The plugin.
pub const PLUGIN: Plugin = Plugin {
    name: "tailwind",
    detect: |ctx| {
        ctx.has_tool("tailwindcss") || ctx.first(&Ctx::config_names("tailwind.config")).is_some()
    },
    run,
};

fn run(ctx: &Ctx<'_>, found: &mut Found) {
    if let Some(path) = ctx.first(&Ctx::config_names("tailwind.config")) {
        found.entry(path, Role::Tooling, "tailwind: config");
    }
    found.use_package("tailwindcss", Role::Tooling, "tailwind: imported from CSS");
}
