//! TanStack Router file-based routing: every module under the routes folder
//! (`src/routes/`, or `routesDirectory` of `tsr.config.json` or of the
//! router plugin's options) ships, except files and folders starting with
//! the ignore prefix (`-`); the generated route tree
//! (`src/routeTree.gen.ts`) ships too.

use model::analyze::Role;

use super::{Ctx, Found, Plugin};
use crate::static_config::Static;

/// The plugin.
pub const PLUGIN: Plugin = Plugin {
    name: "tanstack-router",
    detect: |ctx| {
        ctx.file("tsr.config.json").is_some()
            || ((ctx.ws.has_dep("@tanstack/react-router")
                || ctx.ws.has_dep("@tanstack/solid-router"))
                && (ctx.ws.has_dep("@tanstack/router-plugin")
                    || ctx.ws.has_dep("@tanstack/router-vite-plugin")
                    || ctx.ws.has_dep("@tanstack/router-cli")))
    },
    run,
};

fn run(ctx: &Ctx<'_>, found: &mut Found) {
    let mut options: Option<Static> = None;
    if let Some(path) = ctx.file("tsr.config.json") {
        options = ctx.read(&path, found);
    }
    if options.is_none()
        && let Some(vite) = super::vite::config(ctx)
        && let Some(config) = ctx.read(&vite, found)
    {
        options = config
            .get("plugins")
            .map(Static::items)
            .unwrap_or_default()
            .into_iter()
            .find_map(|p| match p {
                Static::Call(name, args)
                    if name == "TanStackRouterVite" || name == "tanstackRouter" =>
                {
                    args.first().cloned()
                }
                _ => None,
            });
    }
    let option = |key: &str, default: &str| {
        options
            .as_ref()
            .and_then(|o| o.get(key))
            .and_then(Static::as_str)
            .unwrap_or(default)
            .trim_start_matches("./")
            .to_string()
    };
    let routes = ctx.ws.dir.join(option("routesDirectory", "src/routes"));
    let tree = option("generatedRouteTree", "src/routeTree.gen.ts");
    let prefix = option("routeFileIgnorePrefix", "-");
    if let Some(file) = ctx.file(&tree) {
        found.entry(
            file,
            Role::Production,
            "tanstack-router: generated route tree",
        );
    }
    for file in ctx.files_under(&routes) {
        let Some(rel) = model::path::relative(&routes, &file) else {
            continue;
        };
        if rel.split('/').any(|segment| segment.starts_with(&prefix)) {
            continue;
        }
        found.entry(file, Role::Production, "tanstack-router: route file");
    }
}
