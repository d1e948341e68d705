//! Contentlayer (and its maintained fork, Contentlayer2): `contentlayer.config.*`
//! is a tooling entry (Next.js runs it through `withContentlayer` at build
//! time; the MDX plugins and schema helpers it imports count), and what it
//! generates — `.contentlayer/generated` beside the config, imported as
//! `contentlayer/generated` through the tsconfig `paths` its docs ask for,
//! or as `.contentlayer/generated` under `baseUrl` — is the tool's output:
//! never a package (listed or not installed), never a missing file when a
//! fresh clone has not generated it yet ([`super::Provided`]).

use model::analyze::Role;
use serde_json::Value;

use super::{Ctx, Found, Plugin, Provided};
use crate::static_config;

/// The plugin.
pub const PLUGIN: Plugin = Plugin {
    name: "contentlayer",
    detect: |ctx| {
        PACKAGES.iter().any(|p| ctx.ws.has_dep(p))
            || ctx
                .first(&Ctx::config_names("contentlayer.config"))
                .is_some()
    },
    run,
};

/// The packages of Contentlayer and of its fork.
const PACKAGES: &[&str] = &[
    "contentlayer",
    "contentlayer2",
    "next-contentlayer",
    "next-contentlayer2",
];

/// Where Contentlayer writes its output, relative to the config's folder.
const GENERATED: &str = ".contentlayer/generated";

fn run(ctx: &Ctx<'_>, found: &mut Found) {
    if let Some(config) = ctx.first(&Ctx::config_names("contentlayer.config")) {
        found.entry(config, Role::Tooling, "contentlayer: config");
    }
    let mut specifiers = vec![
        "contentlayer/generated".to_string(),
        "contentlayer2/generated".to_string(),
        GENERATED.to_string(),
    ];
    specifiers.extend(path_aliases(ctx));
    specifiers.sort();
    specifiers.dedup();
    found.provided.push(Provided {
        tool: "contentlayer",
        specifiers,
        folder: Some(ctx.ws.dir.join(GENERATED)),
        // Its generated `index.mjs` re-exports `isType` from the client.
        imports: ["contentlayer", "contentlayer2"]
            .into_iter()
            .filter(|p| ctx.has_tool(p))
            .map(str::to_string)
            .collect(),
    });
}

/// tsconfig (or jsconfig) `paths` keys that point into the generated folder
/// (`"contentlayer/generated": ["./.contentlayer/generated"]`; a key ending
/// in `/*` becomes a prefix).
fn path_aliases(ctx: &Ctx<'_>) -> Vec<String> {
    let Some(json) = ["tsconfig.json", "jsconfig.json"].iter().find_map(|name| {
        static_config::read_jsonc(&ctx.ws.dir.join(name))
            .ok()
            .flatten()
    }) else {
        return Vec::new();
    };
    let Some(paths) = json
        .get("compilerOptions")
        .and_then(|c| c.get("paths"))
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    paths
        .iter()
        .filter(|(_, targets)| {
            targets.as_array().is_some_and(|list| {
                list.iter().filter_map(Value::as_str).any(|t| {
                    t.trim_start_matches("./")
                        .trim_end_matches("/*")
                        .starts_with(GENERATED)
                })
            })
        })
        .map(|(key, _)| match key.strip_suffix("/*") {
            Some(prefix) => format!("{prefix}/*"),
            None => key.clone(),
        })
        .collect()
}
