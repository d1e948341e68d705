//! Vite: `vite.config.*` is tooling; `index.html` module scripts ship (see
//! `html`), and so do the pages of a multi-page `build.rollupOptions.input`;
//! `build.lib.entry` (library mode) ships; `publicDir` is copied as it is;
//! `resolve.alias` are aliases.

use model::analyze::Role;

use super::{Ctx, Found, Plugin};
use crate::static_config::Static;

/// The plugin.
pub const PLUGIN: Plugin = Plugin {
    name: "vite",
    detect: |ctx| ctx.ws.has_dep("vite") || config(ctx).is_some(),
    run,
};

/// The workspace's Vite config file.
pub fn config(ctx: &Ctx<'_>) -> Option<std::path::PathBuf> {
    ctx.first(&Ctx::config_names("vite.config"))
}

fn run(ctx: &Ctx<'_>, found: &mut Found) {
    let Some(path) = config(ctx) else { return };
    found.entry(path.clone(), Role::Tooling, "vite: config");
    let Some(value) = ctx.read(&path, found) else {
        return;
    };
    if let Some(input) = value.at("build.rollupOptions.input") {
        let inputs: Vec<&str> = match input {
            Static::Object(props) => props.iter().filter_map(|(_, v)| v.as_str()).collect(),
            other => other.strings(),
        };
        for input in inputs {
            let Some(file) = ctx.file(input) else {
                continue;
            };
            if input.ends_with(".html") {
                let Ok(bytes) = project::fsx::read_regular(&file, 16 * 1024 * 1024) else {
                    continue;
                };
                let text = String::from_utf8_lossy(&bytes.unwrap_or_default()).into_owned();
                let base = file.parent().unwrap_or(&ctx.ws.dir).to_path_buf();
                for r in project::html::scan(&text)
                    .into_iter()
                    .filter(|r| r.kind == "module")
                {
                    let target = if r.url.starts_with('/') {
                        ctx.ws.dir.join(r.url.trim_start_matches('/'))
                    } else {
                        base.join(&r.url)
                    };
                    if let Ok(real) = std::fs::canonicalize(&target)
                        && real.starts_with(&ctx.ws.dir)
                    {
                        found.entry(
                            real,
                            Role::Production,
                            format!("vite: module script of {input}"),
                        );
                    }
                }
            } else {
                found.entry(file, Role::Production, "vite: build.rollupOptions.input");
            }
        }
    }
    // Library mode: `build.lib.entry` (a path, an array or an object of
    // paths) is what the library ships.
    if let Some(entry) = value.at("build.lib.entry") {
        let entries: Vec<&str> = match entry {
            Static::Object(props) => props.iter().filter_map(|(_, v)| v.as_str()).collect(),
            other => other.strings(),
        };
        for entry in entries {
            if let Some(file) = ctx.file(entry.trim_start_matches("./")) {
                found.entry(file, Role::Production, "vite: build.lib.entry");
            }
        }
    }
    if let Some(public) = value.get("publicDir").and_then(Static::as_str) {
        found.static_dirs.push(ctx.ws.dir.join(public));
    }
    match value.at("resolve.alias") {
        Some(Static::Object(props)) => {
            for (key, target) in props {
                if let Some(target) = target.as_str()
                    && target.starts_with(['.', '/'])
                {
                    let prefix = if key.ends_with('/') {
                        key.clone()
                    } else {
                        format!("{key}/")
                    };
                    found
                        .aliases
                        .push((prefix, ctx.ws.dir.join(target.trim_start_matches('/'))));
                }
            }
        }
        Some(Static::Array(items)) => {
            for item in items {
                if let (Some(find), Some(replacement)) = (
                    item.get("find").and_then(Static::as_str),
                    item.get("replacement").and_then(Static::as_str),
                ) && replacement.starts_with(['.', '/'])
                {
                    found.aliases.push((
                        format!("{}/", find.trim_end_matches('/')),
                        ctx.ws.dir.join(replacement.trim_start_matches('/')),
                    ));
                }
            }
        }
        _ => {}
    }
}
