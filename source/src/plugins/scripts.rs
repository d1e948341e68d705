//! `package.json` `scripts`: the binaries they run make their packages used
//! (`vite build` → `vite`, `tsc` → `typescript`), and the source files they
//! run are tooling entries (`node mock-server/index.mjs`, `tsx cli.ts`).
//! A binary's package comes from the installed packages' `bin` fields, else
//! a table of well-known binaries, else a dependency of the same name.
//!
//! A path may leave the workspace (`node ../../scripts/buildBase.js` in
//! `packages/x/package.json`): a file elsewhere in the repository (the
//! monorepo root) is a tooling entry too, named after the script and its
//! `package.json`; a path that leaves the repository is refused with a
//! diagnostic and never read.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use model::Diagnostic;
use model::analyze::Role;
use model::diagnostic::quote;
use serde_json::Value;

pub use super::commands::shell_words;
use super::commands::{self, Argument};
use super::{Ctx, Found, Plugin};
use project::fsx;

/// The plugin.
pub const PLUGIN: Plugin = Plugin {
    name: "scripts",
    detect: |ctx| {
        ctx.ws
            .package_json
            .as_ref()
            .is_some_and(|j| j.get("scripts").is_some())
    },
    run,
};

fn run(ctx: &Ctx<'_>, found: &mut Found) {
    let Some(scripts) = ctx
        .ws
        .package_json
        .as_ref()
        .and_then(|j| j.get("scripts"))
        .and_then(Value::as_object)
    else {
        return;
    };
    let bins = commands::installed_binaries(ctx);
    for (name, command) in scripts {
        let Some(command) = command.as_str() else {
            continue;
        };
        // Scripts that serve the built app run in production.
        let role = if name == "start" || name.starts_with("start:") || name == "serve" {
            Role::Production
        } else {
            Role::Tooling
        };
        for part in command.split(['&', '|', ';', '\n']) {
            let words = shell_words(part);
            command_uses(ctx, found, &bins, &words, name, role);
        }
    }
}

/// What one simple command uses.
fn command_uses(
    ctx: &Ctx<'_>,
    found: &mut Found,
    bins: &BTreeMap<String, String>,
    words: &[String],
    script: &str,
    role: Role,
) {
    // `FOO=1 cross-env BAR=2 npx --yes vite` → `vite`.
    let Some(command) = commands::read(words, &|name| commands::is_script(ctx, name)) else {
        return;
    };
    for package in &command.wrappers {
        found.use_specifier(package, Role::Tooling, format!("script \"{script}\""));
    }
    let binary = command.binary;
    // A script run by its path (`../../scripts/build.mjs`, with a shebang)
    // is a file, not a package.
    if binary.contains('/') && super::is_source_path(Path::new(binary)) {
        script_file(ctx, found, script, binary);
        return;
    }
    if let Some(package) = commands::binary_package(ctx, bins, binary) {
        found.use_package(
            &package,
            role,
            format!(
                "script \"{script}\" runs `{}`",
                commands::binary_name(binary)
            ),
        );
    }
    for argument in commands::arguments(&command) {
        match argument {
            Argument::Load(module) => preloaded(ctx, found, script, module),
            // Any argument naming a source file of the project (`node x.mjs`,
            // `vitest -c vitest.ci.config.ts`, `node ../../scripts/build.js`).
            Argument::Value(value) => script_file(ctx, found, script, value),
        }
    }
}

/// A module a runtime loads first (`--import`, `-r`): a package, or a file
/// of the project when it is a path (`-r ./scripts/register.js`).
fn preloaded(ctx: &Ctx<'_>, found: &mut Found, script: &str, module: &str) {
    if module.starts_with('.') || module.starts_with('/') {
        script_file(ctx, found, script, module);
    } else {
        found.use_specifier(
            module,
            Role::Tooling,
            format!("script \"{script}\" loads `{module}`"),
        );
    }
}

/// Where a path a script names lies, lexically.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Place {
    /// In the script's own workspace.
    Workspace(PathBuf),
    /// Elsewhere in the repository (`../../scripts/build.js` from
    /// `packages/x`): the monorepo root's folders or a sibling workspace.
    Repository(PathBuf),
    /// Out of the repository: never read.
    Outside,
}

/// Where `value` (relative to the workspace folder `ws_dir`, or absolute)
/// lies: `..` and `.` are folded without touching the file system.
fn place(ws_dir: &Path, repo_root: &Path, value: &str) -> Place {
    match normalise(&ws_dir.join(value)) {
        Some(path) if fsx::is_under(&path, ws_dir) => Place::Workspace(path),
        Some(path) if fsx::is_under(&path, repo_root) => Place::Repository(path),
        _ => Place::Outside,
    }
}

/// `path` with `.` and `..` folded; `None` when `..` climbs above its root.
fn normalise(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    let mut depth = 0usize;
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                depth = depth.checked_sub(1)?;
                out.pop();
            }
            Component::Normal(name) => {
                depth += 1;
                out.push(name);
            }
            other => out.push(other.as_os_str()),
        }
    }
    Some(out)
}

/// The source file `value` names, if any: the workspace's own file is an
/// entry when the project lists it; another file of the repository is an
/// entry named after the script and its `package.json`; a path out of the
/// repository is a diagnostic.
fn script_file(ctx: &Ctx<'_>, found: &mut Found, script: &str, value: &str) {
    // Globs (`eslint 'src/**/*.ts'`) and variables name no one file.
    if value.is_empty()
        || value.contains(['*', '?', '{', '$', '<', '>'])
        || !super::is_source_path(Path::new(value))
    {
        return;
    }
    let manifest = || ctx.rel(&ctx.ws.dir.join("package.json"));
    match place(&ctx.ws.dir, &ctx.layout.repo_root, value) {
        Place::Workspace(path) if ctx.files.binary_search(&path).is_ok() => {
            found.entry(
                path,
                Role::Tooling,
                format!("package.json script \"{script}\""),
            );
        }
        // A file of the repository that another package owns (the root's
        // `scripts/`, a sibling or nested workspace).
        Place::Workspace(path) | Place::Repository(path) => match repository_file(ctx, path) {
            Some(Place::Workspace(path) | Place::Repository(path)) => found.entry(
                path,
                Role::Tooling,
                format!("`{script}` script of {}", manifest()),
            ),
            Some(Place::Outside) => found.diagnostics.push(Diagnostic::new(
                manifest(),
                format!(
                    "script `{}` names `{}`, a link out of the repository; not read",
                    quote(script),
                    quote(value)
                ),
            )),
            None => {}
        },
        Place::Outside => found.diagnostics.push(Diagnostic::new(
            manifest(),
            format!(
                "script `{}` names `{}`, which is outside the repository; not read",
                quote(script),
                quote(value)
            ),
        )),
    }
}

/// `path` (lexically in the repository, not a file of the workspace) as a
/// [`Place::Repository`] when it is a project file there: a listed source
/// file under the analysed root, or, above it (one workspace analysed
/// alone), a regular file of the repository outside `node_modules`.
/// [`Place::Outside`] when its real path leaves the repository (a link);
/// `None` when it is no such file.
fn repository_file(ctx: &Ctx<'_>, path: PathBuf) -> Option<Place> {
    if path.components().any(|c| c.as_os_str() == "node_modules") {
        return None;
    }
    let listed = if fsx::is_under(&path, ctx.root) {
        ctx.all_files.binary_search(&path).is_ok()
    } else {
        std::fs::metadata(&path).is_ok_and(|m| m.is_file())
    };
    if !listed {
        return None;
    }
    let real = path.canonicalize().ok()?;
    let repo = ctx
        .layout
        .repo_root
        .canonicalize()
        .unwrap_or_else(|_| ctx.layout.repo_root.clone());
    Some(if fsx::is_under(&real, &repo) {
        Place::Repository(path)
    } else {
        Place::Outside
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::{Layout, Workspace};
    use project::Manifest;
    use serde_json::json;

    #[test]
    fn paths_fold_dots_without_the_file_system() {
        assert_eq!(
            normalise(Path::new("/r/packages/x/../../scripts/./b.js")),
            Some(PathBuf::from("/r/scripts/b.js"))
        );
        assert_eq!(normalise(Path::new("/r/../../x.js")), None);
        let (ws, repo) = (Path::new("/r/packages/x"), Path::new("/r"));
        assert_eq!(
            place(ws, repo, "./src/cli.ts"),
            Place::Workspace(PathBuf::from("/r/packages/x/src/cli.ts"))
        );
        assert_eq!(
            place(ws, repo, "../../scripts/buildBase.js"),
            Place::Repository(PathBuf::from("/r/scripts/buildBase.js"))
        );
        assert_eq!(
            place(ws, repo, "../y/src/gen.ts"),
            Place::Repository(PathBuf::from("/r/packages/y/src/gen.ts"))
        );
        assert_eq!(place(ws, repo, "../../../outside.js"), Place::Outside);
        // A sibling folder whose name starts like the repository's is out.
        assert_eq!(place(ws, repo, "../../../r2/x.js"), Place::Outside);
        assert_eq!(place(ws, repo, "/etc/x.js"), Place::Outside);
        assert_eq!(
            place(ws, repo, "/r/scripts/b.js"),
            Place::Repository(PathBuf::from("/r/scripts/b.js"))
        );
    }

    fn workspace(dir: &Path, path: &str, scripts: Value) -> Workspace {
        Workspace {
            dir: dir.to_path_buf(),
            path: path.to_string(),
            name: None,
            package_json: Some(json!({ "scripts": scripts })),
            manifest: Manifest::default(),
            index_html: None,
        }
    }

    fn write(path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "module.exports = 1;\n").unwrap();
    }

    /// Pairs of strings: (path, why) of entries or diagnostics.
    type Pairs = Vec<(String, String)>;

    /// What the scripts plugin finds for `ws` (analysed root `root`, every
    /// listed file `all`): entries (path relative to `repo`, source) and
    /// diagnostics (path, message).
    fn scripts_of(repo: &Path, root: &Path, ws: Workspace, all: &[PathBuf]) -> (Pairs, Pairs) {
        let layout = Layout {
            workspaces: vec![ws.clone()],
            monorepo: true,
            packages: Vec::new(),
            repo_root: repo.to_path_buf(),
            diagnostics: Vec::new(),
        };
        let files: Vec<PathBuf> = all
            .iter()
            .filter(|f| f.starts_with(&ws.dir))
            .cloned()
            .collect();
        let ctx = Ctx {
            ws: &ws,
            layout: &layout,
            files: &files,
            side_files: &[],
            all_files: all,
            root,
        };
        let mut found = Found::default();
        run(&ctx, &mut found);
        let entries = found
            .entries
            .iter()
            .map(|e| (model::path::display(repo, &e.path), e.source.clone()))
            .collect();
        let diagnostics = found
            .diagnostics
            .iter()
            .map(|d| (d.path.clone(), d.message.clone()))
            .collect();
        (entries, diagnostics)
    }

    #[test]
    fn scripts_name_repository_files_and_refuse_paths_out_of_it() {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().canonicalize().unwrap();
        let repo = base.join("repo");
        let core = repo.join("packages/core");
        let build = repo.join("scripts/buildBase.js");
        let gen_file = repo.join("packages/gen/src/gen.ts");
        let own = core.join("src/index.js");
        let modules = repo.join("node_modules/tool/cli.js");
        let outside = base.join("outside.js");
        for file in [&build, &gen_file, &own, &modules, &outside] {
            write(file);
        }
        let link = repo.join("scripts/link.js");
        #[cfg(unix)]
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        let scripts = json!({
            "build:esm": "node ../../scripts/buildBase.js --format esm",
            "build:bad": "node ../../../outside.js",
            "gen": "tsx ../gen/src/gen.ts && node ./src/index.js",
            "direct": "../../scripts/buildBase.js",
            "preload": "node -r ../../scripts/buildBase.js src/index.js",
            "missing": "node ../../scripts/missing.js",
            "installed": "node ../../node_modules/tool/cli.js",
            "linked": "node ../../scripts/link.js",
            "glob": "eslint '../../../**/*.js'"
        });
        let mut all = vec![build.clone(), gen_file.clone(), own.clone(), link.clone()];
        all.sort();

        // Analysed at the repository root.
        let ws = workspace(&core, "packages/core", scripts.clone());
        let (entries, diagnostics) = scripts_of(&repo, &repo, ws, &all);
        let manifest = "packages/core/package.json";
        assert_eq!(
            entries,
            [
                (
                    "scripts/buildBase.js".to_string(),
                    format!("`build:esm` script of {manifest}")
                ),
                (
                    "packages/gen/src/gen.ts".to_string(),
                    format!("`gen` script of {manifest}")
                ),
                (
                    "packages/core/src/index.js".to_string(),
                    "package.json script \"gen\"".to_string()
                ),
            ]
        );
        assert_eq!(
            diagnostics,
            [
                (
                    manifest.to_string(),
                    "script `build:bad` names `../../../outside.js`, which is outside the repository; not read"
                        .to_string()
                ),
                (
                    manifest.to_string(),
                    "script `linked` names `../../scripts/link.js`, a link out of the repository; not read"
                        .to_string()
                )
            ]
        );

        // One workspace analysed alone: the repository's files above it are
        // not listed, but they are still the repository's.
        let ws = workspace(&core, ".", scripts);
        let own_only = vec![own.clone()];
        let (entries, diagnostics) = scripts_of(&repo, &core, ws, &own_only);
        let sources: Vec<&str> = entries.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            sources,
            [
                "scripts/buildBase.js",
                "packages/gen/src/gen.ts",
                "packages/core/src/index.js"
            ]
        );
        assert_eq!(entries[0].1, "`build:esm` script of package.json");
        assert_eq!(diagnostics.len(), 2);
        assert!(diagnostics.iter().all(|(path, _)| path == "package.json"));
    }

    #[test]
    fn a_script_file_is_not_taken_for_a_package() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = tmp.path().canonicalize().unwrap();
        let tool = repo.join("scripts/tool.mjs");
        write(&tool);
        let ws = workspace(
            &repo,
            ".",
            json!({ "tool": "./scripts/tool.mjs", "pre": "node --import ./scripts/tool.mjs x" }),
        );
        let layout = Layout {
            workspaces: vec![ws.clone()],
            monorepo: false,
            packages: Vec::new(),
            repo_root: repo.clone(),
            diagnostics: Vec::new(),
        };
        let files = vec![tool.clone()];
        let ctx = Ctx {
            ws: &ws,
            layout: &layout,
            files: &files,
            side_files: &[],
            all_files: &files,
            root: &repo,
        };
        let mut found = Found::default();
        run(&ctx, &mut found);
        assert!(found.used.is_empty(), "{:?}", found.used);
        assert_eq!(found.entries.len(), 1);
        assert_eq!(found.entries[0].path, tool);
    }

    #[test]
    fn words_honour_quotes() {
        assert_eq!(
            shell_words("eslint . --ext 'ts,tsx' \"a b\""),
            ["eslint", ".", "--ext", "ts,tsx", "a b"]
        );
    }
}
