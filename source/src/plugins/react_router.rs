//! React Router v7 framework mode and Remix: `app/root.*`,
//! `app/entry.client.*` and `app/entry.server.*` ship; `app/routes.ts` is
//! read statically and every route module it names with `route()`,
//! `index()`, `layout()` and `prefix()` ships (file names relative to the
//! app folder); `flatRoutes()`, or no `routes.ts` at all (Remix), makes
//! every module under `app/routes/` a route. A `routes.ts` computed from
//! imported modules is read through their helper calls
//! (`react_router_calls`). `react-router.config.*`
//! (`appDirectory`) and `routes.ts` themselves are tooling.

use model::analyze::Role;

use super::{Ctx, Found, Plugin};
use crate::static_config::Static;

/// The plugin.
pub const PLUGIN: Plugin = Plugin {
    name: "react-router",
    detect: |ctx| {
        ctx.ws.has_dep("@react-router/dev")
            || ctx.ws.has_dep("@remix-run/dev")
            || ctx
                .first(&Ctx::config_names("react-router.config"))
                .is_some()
    },
    run,
};

fn run(ctx: &Ctx<'_>, found: &mut Found) {
    let mut app_dir = "app".to_string();
    if let Some(path) = ctx.first(&Ctx::config_names("react-router.config")) {
        found.entry(path.clone(), Role::Tooling, "react-router: config");
        if let Some(dir) = ctx.read(&path, found).and_then(|c| {
            c.get("appDirectory")
                .and_then(Static::as_str)
                .map(str::to_string)
        }) {
            app_dir = dir
                .trim_start_matches("./")
                .trim_end_matches('/')
                .to_string();
        }
    }
    let app = ctx.ws.dir.join(&app_dir);
    for stem in ["root", "entry.client", "entry.server"] {
        for ext in ["tsx", "ts", "jsx", "js"] {
            if let Some(file) = ctx.file(&format!("{app_dir}/{stem}.{ext}")) {
                found.entry(file, Role::Production, format!("react-router: {stem}"));
            }
        }
    }
    let routes_file = ["ts", "mts", "js", "mjs"]
        .iter()
        .find_map(|ext| ctx.file(&format!("{app_dir}/routes.{ext}")));
    let Some(routes_file) = routes_file else {
        // Remix's default: the flat routes convention.
        for file in ctx.files_under(&app.join("routes")) {
            found.entry(
                file,
                Role::Production,
                "react-router: route (app/routes convention)",
            );
        }
        return;
    };
    found.entry(
        routes_file.clone(),
        Role::Tooling,
        "react-router: routes.ts",
    );
    let value = ctx
        .read_value(&routes_file, found)
        .unwrap_or(Static::Unknown);
    let mut files = Vec::new();
    let mut flat = matches!(value, Static::Unknown);
    let mut unknown = matches!(value, Static::Unknown);
    collect_routes(&value, &mut files, &mut flat, &mut unknown);
    if unknown && let Some(called) = super::react_router_calls::route_files(&app, &routes_file) {
        // Computed from imported modules: their `route()`/`index()`/
        // `layout()` calls name every route module.
        files = called;
        flat = false;
        unknown = false;
    }
    if unknown {
        found.diagnostics.push(model::Diagnostic::new(
            ctx.rel(&routes_file),
            "some routes are computed when the config runs, which perfscope never does; every module under the routes folder is taken as a route",
        ));
    }
    for file in files {
        match super::vitest::resolve(&app, &file) {
            Some(path) => found.entry(path, Role::Production, "react-router: route in routes.ts"),
            None => found.diagnostics.push(model::Diagnostic::new(
                ctx.rel(&routes_file),
                format!(
                    "route module `{}` does not exist",
                    model::diagnostic::quote(&file)
                ),
            )),
        }
    }
    if flat {
        for file in ctx.files_under(&app.join("routes")) {
            found.entry(file, Role::Production, "react-router: flatRoutes()");
        }
    }
}

/// Route files named in a route config; `flat` is set by `flatRoutes()` or
/// anything that cannot be read.
fn collect_routes(value: &Static, files: &mut Vec<String>, flat: &mut bool, unknown: &mut bool) {
    match value {
        Static::Array(items) => items
            .iter()
            .for_each(|i| collect_routes(i, files, flat, unknown)),
        Static::Call(name, args) => {
            let name = name.rsplit('.').next().unwrap_or(name);
            let (file, children) = match name {
                "index" => (args.first(), None),
                "route" => (
                    args.get(1),
                    args.iter().skip(2).find(|a| matches!(a, Static::Array(_))),
                ),
                "layout" => (
                    args.first(),
                    args.iter().skip(1).find(|a| matches!(a, Static::Array(_))),
                ),
                "prefix" => (None, args.get(1)),
                "flatRoutes" | "remixRoutesOptionAdapter" => {
                    *flat = true;
                    (None, None)
                }
                _ => {
                    *flat = true;
                    *unknown = true;
                    (None, None)
                }
            };
            if let Some(file) = file.and_then(Static::as_str) {
                files.push(file.to_string());
            }
            if let Some(children) = children {
                collect_routes(children, files, flat, unknown);
            }
        }
        Static::Object(_) => {
            if let Some(file) = value.get("file").and_then(Static::as_str) {
                files.push(file.to_string());
            }
            if let Some(children) = value.get("children") {
                collect_routes(children, files, flat, unknown);
            }
        }
        Static::Unknown => {
            *flat = true;
            *unknown = true;
        }
        _ => {}
    }
}
