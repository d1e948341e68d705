//! husky: the Git hooks in `.husky/` (`pre-commit`, `commit-msg`,
//! `pre-push`…; husky's own `.husky/_/` is skipped) are shell scripts. The
//! package of each binary a line runs is used (`npx pretty-quick --staged`
//! → `pretty-quick`, `npx --no -- commitlint --edit "$1"` →
//! `@commitlint/cli`, `pnpm exec x`, `yarn x`, `bun x`, a bare `lint-staged`),
//! read as `package.json` scripts are ([`super::commands`]), and the project
//! files a hook runs (`node scripts/check.mjs`) are tooling entries. Git runs
//! hooks at the repository root, so a `.husky/` there counts for every
//! workspace, whether or not the workspace lists `husky`; `husky` itself is
//! used. husky ≤ 4's `package.json` `husky.hooks` are read the same way.

use std::path::{Path, PathBuf};

use model::Diagnostic;
use model::analyze::Role;
use serde_json::Value;

use super::commands::{self, Origin};
use super::{Ctx, Found, Plugin};
use project::fsx;

/// The plugin.
pub const PLUGIN: Plugin = Plugin {
    name: "husky",
    detect: |ctx| hooks_dir(ctx).is_some() || legacy_hooks(ctx).is_some(),
    run,
};

/// Hook files larger than this are not read.
const MAX_HOOK_BYTES: u64 = 256 * 1024;

/// `.husky/` of the workspace, else of the repository root.
fn hooks_dir(ctx: &Ctx<'_>) -> Option<PathBuf> {
    [&ctx.ws.dir, &ctx.layout.repo_root]
        .into_iter()
        .map(|dir| dir.join(".husky"))
        .find(|dir| dir.is_dir())
}

/// husky ≤ 4: `package.json` `husky.hooks` (hook name → command line).
fn legacy_hooks<'a>(ctx: &Ctx<'a>) -> Option<&'a serde_json::Map<String, Value>> {
    ctx.ws
        .package_json
        .as_ref()?
        .get("husky")?
        .get("hooks")?
        .as_object()
}

fn run(ctx: &Ctx<'_>, found: &mut Found) {
    let bins = commands::installed_binaries(ctx);
    if let Some(dir) = hooks_dir(ctx) {
        found.use_package(
            "husky",
            Role::Tooling,
            format!("husky: {} hooks", ctx.rel(&dir)),
        );
        // Hooks run at the folder holding `.husky/`; its workspace answers
        // for the files they run.
        let cwd = dir.parent().unwrap_or(&ctx.ws.dir).to_path_buf();
        let files = cwd == ctx.ws.dir;
        for hook in hook_files(&dir) {
            let rel = ctx.rel(&hook);
            let text = match fsx::read_regular(&hook, MAX_HOOK_BYTES) {
                Ok(Some(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
                Ok(None) => continue,
                Err(e) => {
                    found.diagnostics.push(Diagnostic::new(
                        rel,
                        format!("cannot be read ({e}); the packages this hook runs are not known"),
                    ));
                    continue;
                }
            };
            let origin = Origin {
                what: format!("Git hook {rel}"),
                entry: format!("husky: {rel}"),
                cwd: &cwd,
                files,
            };
            for line in text.lines().map(without_comment) {
                commands::line_uses(ctx, found, &bins, line, &origin);
            }
        }
    }
    if let Some(hooks) = legacy_hooks(ctx) {
        found.use_package("husky", Role::Tooling, "husky: package.json husky.hooks");
        for (hook, command) in hooks {
            let Some(command) = command.as_str() else {
                continue;
            };
            let origin = Origin {
                what: format!("Git hook \"{hook}\" of package.json husky.hooks"),
                entry: format!("husky: package.json husky.hooks \"{hook}\""),
                cwd: &ctx.ws.dir,
                files: true,
            };
            commands::line_uses(ctx, found, &bins, command, &origin);
        }
    }
}

/// The hook files of `.husky/`: its regular files, not husky's own `_/`
/// folder nor hidden files, sorted.
fn hook_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = read
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}

/// A shell line without its comment (a `#` that starts a word, outside
/// quotes).
fn without_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (at, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && previous.is_whitespace() => return &line[..at],
            None => {}
        }
        previous = c;
    }
    line
}

#[cfg(test)]
mod tests {
    use super::without_comment;

    #[test]
    fn comments_end_a_line() {
        assert_eq!(without_comment("#!/usr/bin/env sh"), "");
        assert_eq!(
            without_comment("npx lint-staged # format staged files"),
            "npx lint-staged "
        );
        assert_eq!(
            without_comment("echo \"# not a comment\" && x#y"),
            "echo \"# not a comment\" && x#y"
        );
    }
}
