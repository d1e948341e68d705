//! Playwright: `playwright.config.*` is tooling; test files under `testDir`
//! (default: the config's folder) matching `testMatch` (default
//! `**/*.@(spec|test).?(c|m)[jt]s?(x)`), `globalSetup` and
//! `globalTeardown` are tooling entries.

use model::analyze::Role;

use super::{Ctx, Found, Plugin};
use crate::static_config::Static;

/// The plugin.
pub const PLUGIN: Plugin = Plugin {
    name: "playwright",
    detect: |ctx| {
        ctx.has_tool("@playwright/test")
            || ctx.has_tool("playwright")
            || ctx.first(&Ctx::config_names("playwright.config")).is_some()
    },
    run,
};

const DEFAULT_MATCH: &str = "**/*.@(spec|test).?(c|m)[jt]s?(x)";

fn run(ctx: &Ctx<'_>, found: &mut Found) {
    let path = ctx.first(&Ctx::config_names("playwright.config"));
    let config = path.as_ref().and_then(|p| {
        found.entry(p.clone(), Role::Tooling, "playwright: config");
        ctx.read(p, found)
    });
    let base = path
        .as_ref()
        .and_then(|p| p.parent())
        .unwrap_or(&ctx.ws.dir)
        .to_path_buf();
    let mut projects: Vec<Option<&Static>> = vec![config.as_ref()];
    if let Some(list) = config.as_ref().and_then(|c| c.get("projects")) {
        projects.extend(list.items().into_iter().map(Some));
    }
    for project in projects {
        let dir = project
            .and_then(|c| c.get("testDir"))
            .and_then(Static::as_str)
            .or_else(|| {
                config
                    .as_ref()
                    .and_then(|c| c.get("testDir"))
                    .and_then(Static::as_str)
            })
            .map_or(base.clone(), |d| base.join(d.trim_start_matches("./")));
        let matches: Vec<&str> = project
            .and_then(|c| c.get("testMatch"))
            .map(Static::strings)
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| vec![DEFAULT_MATCH]);
        // A testMatch without a folder matches at any depth.
        let matches: Vec<String> = matches
            .iter()
            .map(|m| {
                if m.contains('/') {
                    m.to_string()
                } else {
                    format!("**/{m}")
                }
            })
            .collect();
        let patterns: Vec<&str> = matches.iter().map(String::as_str).collect();
        for test in ctx.glob(&dir, &patterns) {
            found.entry(test, Role::Tooling, "playwright: test file");
        }
    }
    let Some(config) = config else { return };
    for key in ["globalSetup", "globalTeardown"] {
        for value in config.get(key).map(Static::strings).unwrap_or_default() {
            if let Some(file) = super::vitest::resolve(&base, value) {
                found.entry(file, Role::Tooling, format!("playwright: {key}"));
            }
        }
    }
}
