//! Storybook: `.storybook/main.*`, `preview.*` and `manager.*` are tooling;
//! stories (`stories` globs relative to `.storybook/`, default
//! `../src/**/*.stories.*`) are tooling entries; `addons`, `framework` and
//! `core.builder` name packages; `staticDirs` are copied as they are.

use model::analyze::Role;

use super::{Ctx, Found, Plugin};
use crate::static_config::Static;

/// The plugin.
pub const PLUGIN: Plugin = Plugin {
    name: "storybook",
    detect: |ctx| {
        ctx.has_tool("storybook")
            || ctx.has_tool_prefix("@storybook/")
            || ctx.ws.dir.join(".storybook").is_dir()
    },
    run,
};

const DEFAULT_STORIES: &[&str] = &[
    "../**/*.stories.@(js|jsx|mjs|cjs|ts|tsx|mts|cts)",
    "../**/*.story.@(js|jsx|mjs|ts|tsx)",
];

fn name_of(value: &Static) -> Option<&str> {
    value
        .as_str()
        .or_else(|| value.get("name").and_then(Static::as_str))
}

fn run(ctx: &Ctx<'_>, found: &mut Found) {
    let dir = ctx.ws.dir.join(".storybook");
    for stem in ["main", "preview", "manager"] {
        let names: Vec<String> = Ctx::config_names(&format!(".storybook/{stem}"))
            .into_iter()
            .chain([
                format!(".storybook/{stem}.tsx"),
                format!(".storybook/{stem}.jsx"),
            ])
            .collect();
        if let Some(file) = ctx.first(&names) {
            found.entry(file, Role::Tooling, format!("storybook: {stem}"));
        }
    }
    let main = ctx.first(&Ctx::config_names(".storybook/main"));
    let config = main.as_ref().and_then(|p| ctx.read(p, found));
    let stories_value = config.as_ref().and_then(|c| c.get("stories"));
    let stories_value = match &main {
        Some(file) => ctx.known(stories_value, file, "stories", found),
        None => stories_value,
    };
    let stories: Vec<String> = match stories_value {
        Some(list) => list
            .items()
            .into_iter()
            .filter_map(|item| match item {
                Static::Str(s) => Some(s.clone()),
                other => {
                    let directory = other.get("directory").and_then(Static::as_str)?;
                    let files = other
                        .get("files")
                        .and_then(Static::as_str)
                        .unwrap_or("**/*.@(mdx|stories.@(js|jsx|mjs|ts|tsx))");
                    Some(format!("{}/{files}", directory.trim_end_matches('/')))
                }
            })
            .collect(),
        None => DEFAULT_STORIES.iter().map(|s| s.to_string()).collect(),
    };
    // Globs are relative to `.storybook/`: `../src/**` is `src/**` from the workspace.
    let patterns: Vec<String> = stories
        .iter()
        .filter_map(|s| {
            let joined = dir.join(s.trim_start_matches("./"));
            let normalized = normalize(&joined)?;
            model::path::relative(&ctx.ws.dir, &normalized)
        })
        .collect();
    let refs: Vec<&str> = patterns.iter().map(String::as_str).collect();
    // A monorepo's root Storybook names stories in every workspace.
    for file in ctx.glob_all(&ctx.ws.dir, &refs) {
        found.entry(file, Role::Tooling, "storybook: story");
    }
    let Some(config) = config else { return };
    for addon in config.get("addons").map(Static::items).unwrap_or_default() {
        if let Some(name) = name_of(addon) {
            found.use_specifier(name, Role::Tooling, "storybook: addons");
        }
    }
    if let Some(name) = config.get("framework").and_then(name_of) {
        found.use_specifier(name, Role::Tooling, "storybook: framework");
    }
    if let Some(name) = config.at("core.builder").and_then(name_of) {
        found.use_specifier(name, Role::Tooling, "storybook: core.builder");
    }
    for item in config
        .get("staticDirs")
        .map(Static::items)
        .unwrap_or_default()
    {
        let from = item
            .as_str()
            .or_else(|| item.get("from").and_then(Static::as_str));
        if let Some(from) = from
            && let Some(path) = normalize(&dir.join(from))
        {
            found.static_dirs.push(path);
        }
    }
}

/// `a/./b/../c` → `a/c`, without touching the file system.
pub fn normalize(path: &std::path::Path) -> Option<std::path::PathBuf> {
    let mut out = std::path::PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    Some(out)
}
