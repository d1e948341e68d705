//! Next.js: the app router's special files (`app/**/{page,layout,template,
//! loading,error,global-error,not-found,default,route}.*` and metadata
//! files), every page of the pages router (`pages/**`, `_app` and
//! `_document` included), `middleware.*` and `instrumentation.*` ship, at
//! the root or under `src/`; `next.config.*` is tooling. A TypeScript app
//! (a `tsconfig.json`) uses `@types/node`: Next.js's types, which its
//! `next-env.d.ts` references, reference Node.js's.

use model::analyze::Role;

use super::{Ctx, Found, Plugin};
use crate::static_config::Static;

/// The plugin.
pub const PLUGIN: Plugin = Plugin {
    name: "next",
    detect: |ctx| ctx.ws.has_dep("next"),
    run,
};

/// File names the app router gives a meaning to.
const APP_FILES: &[&str] = &[
    "page",
    "layout",
    "template",
    "loading",
    "error",
    "global-error",
    "not-found",
    "default",
    "route",
    "opengraph-image",
    "twitter-image",
    "icon",
    "apple-icon",
    "sitemap",
    "robots",
    "manifest",
    "forbidden",
    "unauthorized",
];

fn run(ctx: &Ctx<'_>, found: &mut Found) {
    if ctx.file("tsconfig.json").is_some() {
        found.use_package(
            "@types/node",
            Role::Tooling,
            "next: a TypeScript app (next-env.d.ts references Next.js's types, which need Node.js's)",
        );
    }
    let config_path = ctx.first(&Ctx::config_names("next.config"));
    let mut extensions: Vec<String> = ["tsx", "ts", "jsx", "js"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    if let Some(path) = &config_path {
        found.entry(path.clone(), Role::Tooling, "next: config");
        if let Some(config) = ctx.read(path, found) {
            let custom: Vec<String> = config
                .get("pageExtensions")
                .map(Static::strings)
                .unwrap_or_default()
                .into_iter()
                .map(str::to_string)
                .collect();
            if !custom.is_empty() {
                extensions = custom;
            }
        }
    }
    let has_extension = |path: &std::path::Path, stem_ok: &dyn Fn(&str) -> bool| {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        extensions
            .iter()
            .any(|ext| name.strip_suffix(&format!(".{ext}")).is_some_and(stem_ok))
    };
    for base in ["", "src/"] {
        let app = ctx.ws.dir.join(format!("{base}app"));
        if app.is_dir() {
            for file in ctx.files_under(&app) {
                if has_extension(&file, &|stem| APP_FILES.contains(&stem)) {
                    found.entry(file, Role::Production, "next: app router file");
                }
            }
        }
        let pages = ctx.ws.dir.join(format!("{base}pages"));
        if pages.is_dir() {
            for file in ctx.files_under(&pages) {
                if has_extension(&file, &|_| true) {
                    found.entry(file, Role::Production, "next: pages router page");
                }
            }
        }
        // `mdx-components.*` is required by `@next/mdx` (App Router) and
        // loaded by Next.js itself; its extension is always a JS/TS one.
        for ext in ["tsx", "ts", "jsx", "js", "mjs"] {
            if let Some(file) = ctx.file(&format!("{base}mdx-components.{ext}")) {
                found.entry(file, Role::Production, "next: mdx-components");
            }
        }
        for stem in ["middleware", "instrumentation", "instrumentation-client"] {
            for ext in &extensions {
                if let Some(file) = ctx.file(&format!("{base}{stem}.{ext}")) {
                    found.entry(file, Role::Production, format!("next: {stem}"));
                }
            }
        }
    }
}
