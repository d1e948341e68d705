//! lint-staged: `.lintstagedrc`, `.lintstagedrc.{json,yaml,yml,mjs,js,cjs,
//! ts,mts,cts}`, `lint-staged.config.{mjs,js,cjs,ts,mts,cts}` or the
//! `package.json` `lint-staged` key, read statically: each glob's task is a
//! command or a list of commands (a function that returns a constant
//! command counts too), and the package of each command's binary is used
//! (`eslint --fix`, `prettier --write`, `tsc-files --noEmit`), read as
//! `package.json` scripts are ([`super::commands`]). JS configs are tooling
//! entries; so are project files a task runs (`node scripts/check.mjs`).
//! With a config, `lint-staged` itself is used.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use model::Diagnostic;
use model::analyze::Role;

use super::commands::{self, Origin};
use super::{Ctx, Found, Plugin};
use crate::static_config::{self, Static};

/// The plugin.
pub const PLUGIN: Plugin = Plugin {
    name: "lint-staged",
    detect: |ctx| {
        ctx.has_tool("lint-staged") || config_file(ctx).is_some() || package_config(ctx).is_some()
    },
    run,
};

/// The config file names, in lint-staged's search order (cosmiconfig's).
fn names() -> Vec<String> {
    super::rc_names(
        ".lintstagedrc",
        "lint-staged.config",
        &["mjs", "js", "cjs", "ts", "mts", "cts"],
    )
}

fn config_file(ctx: &Ctx<'_>) -> Option<PathBuf> {
    ctx.first(&names())
}

fn package_config<'a>(ctx: &Ctx<'a>) -> Option<&'a serde_json::Value> {
    ctx.ws.package_json.as_ref()?.get("lint-staged")
}

fn run(ctx: &Ctx<'_>, found: &mut Found) {
    let mut configs: Vec<(Static, PathBuf, String)> = Vec::new();
    if let Some(path) = config_file(ctx) {
        if super::is_source_path(&path) {
            found.entry(path.clone(), Role::Tooling, "lint-staged: config");
        }
        let rel = ctx.rel(&path);
        match ctx.read_rc(&path, found) {
            Some(config) => configs.push((config, path, rel)),
            // Unreadable JS: the binaries it names still count (`tasks`).
            None if super::is_source_path(&path) => configs.push((Static::Unknown, path, rel)),
            None => {}
        }
    }
    // Both when both exist: counting more as used is the safe side.
    if let Some(json) = package_config(ctx) {
        configs.push((
            static_config::from_json(json),
            ctx.ws.dir.join("package.json"),
            "package.json lint-staged".to_string(),
        ));
    }
    if configs.is_empty() {
        return;
    }
    // A config is there to be run (by a Git hook, by CI).
    found.use_package("lint-staged", Role::Tooling, "lint-staged: config");
    let bins = commands::installed_binaries(ctx);
    for (config, path, rel) in &configs {
        tasks(ctx, found, &bins, config, path, rel);
    }
}

/// The commands of every glob of one config.
fn tasks(
    ctx: &Ctx<'_>,
    found: &mut Found,
    bins: &BTreeMap<String, String>,
    config: &Static,
    path: &Path,
    rel: &str,
) {
    // A config computed as a whole already has its diagnostic (`Ctx::read`).
    let Static::Object(globs) = config.unwrap_config() else {
        if super::is_source_path(path) {
            mentioned(ctx, found, bins, path, rel, "its configuration");
        }
        return;
    };
    let cwd = path.parent().unwrap_or(&ctx.ws.dir);
    let mut computed: Vec<&str> = Vec::new();
    for (glob, task) in globs {
        let origin = Origin {
            what: format!("lint-staged task \"{glob}\" of {rel}"),
            entry: format!("lint-staged: {rel}"),
            cwd,
            files: true,
        };
        let lines: Vec<&Static> = match task {
            Static::Array(items) => items.iter().collect(),
            // `{ title, task }` (lint-staged 15).
            Static::Object(_) => task.get("task").into_iter().collect(),
            other => vec![other],
        };
        for line in lines {
            match line {
                Static::Str(line) => commands::line_uses(ctx, found, bins, line, &origin),
                Static::Null => {}
                _ => computed.push(glob),
            }
        }
    }
    computed.dedup();
    if computed.is_empty() {
        return;
    }
    let what = format!(
        "the task of {}",
        computed
            .iter()
            .map(|g| format!("`{}`", model::diagnostic::quote(g)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    mentioned(ctx, found, bins, path, rel, &what);
}

/// A part of a config computed when lint-staged runs: the binaries its file
/// names (`` `eslint --fix ${files}` ``) count as used, with a diagnostic.
fn mentioned(
    ctx: &Ctx<'_>,
    found: &mut Found,
    bins: &BTreeMap<String, String>,
    path: &Path,
    rel: &str,
    what: &str,
) {
    let text = match project::fsx::read_regular(path, 1024 * 1024) {
        Ok(Some(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
        _ => String::new(),
    };
    let named = commands::binaries_mentioned(ctx, bins, &text);
    for (_, package) in &named {
        found.use_package(
            package,
            Role::Tooling,
            format!("lint-staged: named in {rel}, whose tasks are computed at run time"),
        );
    }
    let counted = if named.is_empty() {
        "the packages it runs are not known".to_string()
    } else {
        format!(
            "the binaries the file names count as used ({})",
            named
                .iter()
                .map(|(binary, _)| binary.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    found.diagnostics.push(Diagnostic::new(
        ctx.rel(path),
        format!("{what} is computed when lint-staged runs, which perfscope never does; {counted}"),
    ));
}
