//! Entries by convention, zero-config: one small module per framework or
//! tool (the knip "plugin" idea), each enabled by the workspace's
//! `package.json` dependencies and/or its config file, each reading that
//! config statically ([`super::static_config`]; user code never runs) and
//! saying why a file is an entry.
//!
//! A plugin adds [`Found::entries`] (production: what ships; tooling:
//! tests, stories, configs, scripts, servers), packages its configuration
//! names ([`Found::used`]), static folders copied as they are
//! ([`Found::static_dirs`]) and path aliases. What it cannot read becomes a
//! diagnostic naming the file, and the tool's defaults apply.

pub mod babel;
pub mod commands;
pub mod commitlint;
pub mod contentlayer;
pub mod css;
pub mod cypress;
pub mod docusaurus;
pub mod eslint;
pub mod html;
pub mod husky;
pub mod jest;
pub mod lint_staged;
pub mod next;
pub mod package;
pub mod playwright;
pub mod plop;
pub mod postcss;
pub mod prettier;
pub mod react_router;
pub mod react_router_calls;
pub mod scripts;
pub mod sfc;
pub mod storybook;
pub mod tailwind;
pub mod tanstack;
pub mod typescript;
pub mod vite;
pub mod vitest;

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use model::Diagnostic;
use model::analyze::Role;

use super::static_config::{self, Static};
use super::walk::is_source;
use super::workspace::{Layout, Workspace};

/// What a plugin sees: the workspace and its files.
pub struct Ctx<'a> {
    /// The workspace.
    pub ws: &'a Workspace,
    /// The project's packages.
    pub layout: &'a Layout,
    /// The project's source files in this workspace (absolute, sorted).
    pub files: &'a [PathBuf],
    /// The workspace's stylesheets, MDX documents and Vue/Svelte/Astro
    /// components (absolute, sorted).
    pub side_files: &'a [PathBuf],
    /// Every source file of the analysed project, all workspaces (for a
    /// config whose globs reach into other workspaces, such as a monorepo's
    /// root Storybook).
    pub all_files: &'a [PathBuf],
    /// The analysed root (for diagnostics' relative paths).
    pub root: &'a Path,
}

/// An entry a plugin found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntrySpec {
    /// The file (absolute).
    pub path: PathBuf,
    /// Production or tooling.
    pub role: Role,
    /// Why it is an entry (`next: app router page`).
    pub source: String,
}

/// A package a configuration names (it is used even if no module imports it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsedPackage {
    /// Package name.
    pub name: String,
    /// Which graph uses it.
    pub role: Role,
    /// Why (`eslint: plugins in .eslintrc.cjs`).
    pub why: String,
}

/// What the plugins found in one workspace.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// Entry files.
    pub entries: Vec<EntrySpec>,
    /// Packages named by configuration files and scripts.
    pub used: Vec<UsedPackage>,
    /// Folders copied as they are (`public/`): never unused files.
    pub static_dirs: Vec<PathBuf>,
    /// Path aliases (`@/` → `src/`) from tsconfig `paths` and bundler
    /// configs, for glob imports.
    pub aliases: Vec<(String, PathBuf)>,
    /// The package of the JSX runtime every JSX file imports (tsconfig
    /// `jsx: react-jsx` → `react`).
    pub jsx_runtime: Option<String>,
    /// Modules a tool provides when it runs (`contentlayer/generated`,
    /// Docusaurus's `@theme/…`): never packages, never missing files.
    pub provided: Vec<Provided>,
    /// Which plugins ran.
    pub plugins: Vec<&'static str>,
    /// Problems met (a config that cannot be read statically...).
    pub diagnostics: Vec<Diagnostic>,
}

/// Specifiers a tool answers itself when it runs (its generated output,
/// its build-time aliases), so that they are neither packages nor files a
/// fresh clone must have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provided {
    /// The tool (`contentlayer`).
    pub tool: &'static str,
    /// Specifiers, exact (`contentlayer/generated`) or ending in `*`
    /// (`@theme/*`).
    pub specifiers: Vec<String>,
    /// The folder the tool writes them to, when it writes them
    /// (`.contentlayer/generated`): relative specifiers into it are
    /// provided too, and its modules are the tool's, never reported.
    pub folder: Option<PathBuf>,
    /// Packages the provided modules import (Contentlayer's generated
    /// modules import `contentlayer/client`): used wherever they are.
    pub imports: Vec<String>,
}

impl Provided {
    /// Whether the tool provides `specifier`, imported from the file `from`.
    pub fn provides(&self, from: &Path, specifier: &str) -> bool {
        let named = self.specifiers.iter().any(|s| match s.strip_suffix('*') {
            Some(prefix) => specifier.starts_with(prefix),
            None => {
                specifier == s
                    || specifier
                        .strip_prefix(s.as_str())
                        .is_some_and(|r| r.starts_with('/'))
            }
        });
        named
            || self.folder.as_ref().is_some_and(|folder| {
                (specifier.starts_with("./") || specifier.starts_with("../"))
                    && from.parent().is_some_and(|dir| {
                        project::fsx::is_under(&normalize(&dir.join(specifier)), folder)
                    })
            })
    }
}

/// `path` with `.` and `..` components folded (no file system access).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

impl Found {
    /// Adds an entry (only a regular file; the first source given wins).
    pub fn entry(&mut self, path: PathBuf, role: Role, source: impl Into<String>) {
        if !std::fs::metadata(&path).is_ok_and(|m| m.is_file()) {
            return;
        }
        match self.entries.iter_mut().find(|e| e.path == path) {
            // A file that ships is production even when a tool also loads it.
            Some(existing) => {
                if role == Role::Production {
                    existing.role = Role::Production;
                }
            }
            None => self.entries.push(EntrySpec {
                path,
                role,
                source: source.into(),
            }),
        }
    }

    /// Records a package as used.
    pub fn use_package(&mut self, name: &str, role: Role, why: impl Into<String>) {
        let name = name.trim();
        if name.is_empty() || name.starts_with('.') || name.starts_with('/') {
            return;
        }
        self.used.push(UsedPackage {
            name: name.to_string(),
            role,
            why: why.into(),
        });
    }

    /// Records the package a bare specifier names (`@scope/x/sub` → `@scope/x`).
    pub fn use_specifier(&mut self, specifier: &str, role: Role, why: impl Into<String>) {
        if let Some(name) = project::packages::bare_package_name(specifier) {
            self.use_package(&name, role, why);
        }
    }
}

impl Ctx<'_> {
    /// Whether the tool `name` is listed for this workspace: by the
    /// workspace itself or, in a monorepo, by the root package or another
    /// workspace (tools such as Vitest, ESLint or lint-staged are often
    /// listed once and run in every workspace; package managers hoist them).
    pub fn has_tool(&self, name: &str) -> bool {
        self.ws.has_dep(name) || self.listed_elsewhere(&|dep| dep == name)
    }

    /// Like [`Ctx::has_tool`], for any package whose name starts with
    /// `prefix` (`@storybook/`, `@babel/`).
    pub fn has_tool_prefix(&self, prefix: &str) -> bool {
        self.ws.has_dep_prefix(prefix) || self.listed_elsewhere(&|dep| dep.starts_with(prefix))
    }

    /// Whether a dependency that `matches` is listed by another package of
    /// the analysed monorepo. (A workspace analysed alone keeps to its own
    /// lists: the dependency findings do not count its repository root's
    /// lists as hoisted, so a tool's test files would import "unlisted"
    /// packages.)
    fn listed_elsewhere(&self, matches: &dyn Fn(&str) -> bool) -> bool {
        self.layout.monorepo
            && self
                .layout
                .workspaces
                .iter()
                .any(|w| w.dir != self.ws.dir && manifest_lists(&w.manifest, matches))
    }

    /// `rel` inside the workspace, when it is a regular file.
    pub fn file(&self, rel: &str) -> Option<PathBuf> {
        let path = self.ws.dir.join(rel.trim_start_matches("./"));
        std::fs::metadata(&path)
            .is_ok_and(|m| m.is_file())
            .then_some(path)
    }

    /// The first of `names` that exists in the workspace.
    pub fn first(&self, names: &[String]) -> Option<PathBuf> {
        names.iter().find_map(|n| self.file(n))
    }

    /// `stem.{ts,mts,cts,js,mjs,cjs}` (the usual config file names).
    pub fn config_names(stem: &str) -> Vec<String> {
        ["ts", "mts", "cts", "js", "mjs", "cjs"]
            .iter()
            .map(|ext| format!("{stem}.{ext}"))
            .collect()
    }

    /// A path relative to the analysed root, for messages.
    pub fn rel(&self, path: &Path) -> String {
        model::path::display(self.root, path)
    }

    /// Reads a file whose exported value the plugin interprets itself (a
    /// route list that may be a call such as `flatRoutes()`); a problem
    /// reading it becomes a diagnostic and `None`.
    pub fn read_value(&self, path: &Path, found: &mut Found) -> Option<Static> {
        match static_config::read_any(path) {
            Ok(value) => value,
            Err(problem) => {
                found.diagnostics.push(Diagnostic::new(
                    self.rel(path),
                    format!(
                        "cannot be read statically ({problem}); the tool's defaults are assumed"
                    ),
                ));
                None
            }
        }
    }

    /// Reads a configuration file; a problem becomes a diagnostic and `None`,
    /// and so does an export perfscope cannot see into (a call it does not
    /// know, a value computed at run time).
    pub fn read(&self, path: &Path, found: &mut Found) -> Option<Static> {
        match static_config::read_any(path) {
            Ok(Some(value)) => {
                let what = match value.unwrap_config() {
                    Static::Call(name, _) => Some(format!("a call to `{name}`")),
                    Static::Unknown => Some("computed when the config runs".to_string()),
                    _ => None,
                };
                if let Some(what) = what {
                    found.diagnostics.push(Diagnostic::new(
                        self.rel(path),
                        format!(
                            "its exported configuration is {what}, which perfscope does not run; the tool's defaults are assumed"
                        ),
                    ));
                }
                Some(value)
            }
            Ok(None) => None,
            Err(problem) => {
                found.diagnostics.push(Diagnostic::new(
                    self.rel(path),
                    format!(
                        "cannot be read statically ({problem}); the tool's defaults are assumed"
                    ),
                ));
                None
            }
        }
    }

    /// Reads a configuration file that may have no extension (`.commitlintrc`,
    /// `.lintstagedrc`): JSON (comments allowed), else YAML, as the tools
    /// accept both; a file with an extension is read as [`Ctx::read`] does.
    pub fn read_rc(&self, path: &Path, found: &mut Found) -> Option<Static> {
        if path.extension().is_some() {
            return self.read(path, found);
        }
        let json = match static_config::read_jsonc(path) {
            Ok(value) => return value.as_ref().map(static_config::from_json),
            Err(problem) => problem,
        };
        match static_config::read_yaml(path) {
            Ok(value) => value,
            Err(yaml) => {
                found.diagnostics.push(Diagnostic::new(
                    self.rel(path),
                    format!(
                        "cannot be read statically (as JSON: {json}; as YAML: {yaml}); the tool's defaults are assumed"
                    ),
                ));
                None
            }
        }
    }

    /// `value` (the setting `key` of the config `file`), unless it is computed
    /// at run time: then a diagnostic says the tool's default is assumed.
    pub fn known<'v>(
        &self,
        value: Option<&'v Static>,
        file: &Path,
        key: &str,
        found: &mut Found,
    ) -> Option<&'v Static> {
        match value {
            Some(v) if v.has_unknown() => {
                found.diagnostics.push(Diagnostic::new(
                    self.rel(file),
                    format!("`{key}` is computed when the config runs, which perfscope never does; the default is assumed"),
                ));
                None
            }
            other => other,
        }
    }

    /// The workspace's source files that `patterns` (relative to `base`;
    /// `!` excludes; extglobs like `@(a|b)` allowed) match.
    pub fn glob(&self, base: &Path, patterns: &[&str]) -> Vec<PathBuf> {
        glob_in(self.files, base, patterns)
    }

    /// Like [`Ctx::glob`], over the files of every workspace.
    pub fn glob_all(&self, base: &Path, patterns: &[&str]) -> Vec<PathBuf> {
        glob_in(self.all_files, base, patterns)
    }

    /// Source files directly or indirectly under `dir`.
    pub fn files_under(&self, dir: &Path) -> Vec<PathBuf> {
        self.files
            .iter()
            .filter(|f| f.starts_with(dir))
            .cloned()
            .collect()
    }
}

/// Whether any dependency list of `manifest` has a name that `matches`.
fn manifest_lists(manifest: &project::Manifest, matches: &dyn Fn(&str) -> bool) -> bool {
    [
        &manifest.dependencies,
        &manifest.dev_dependencies,
        &manifest.peer_dependencies,
        &manifest.optional_dependencies,
    ]
    .iter()
    .any(|list| list.iter().any(|d| matches(d)))
}

/// The `files` that `patterns` (relative to `base`) match.
fn glob_in(files: &[PathBuf], base: &Path, patterns: &[&str]) -> Vec<PathBuf> {
    {
        let Some((include, exclude)) = compile_globs(patterns) else {
            return Vec::new();
        };
        files
            .iter()
            .filter(|f| {
                let Some(rel) = model::path::relative(base, f) else {
                    return false;
                };
                include.is_match(&rel)
                    && !exclude.is_match(&rel)
                    && !rel.split('/').any(|s| s == "node_modules")
            })
            .cloned()
            .collect()
    }
}

/// Compiles globs (`!` excludes); extglobs are expanded first.
fn compile_globs(patterns: &[&str]) -> Option<(GlobSet, GlobSet)> {
    let mut include = GlobSetBuilder::new();
    let mut exclude = GlobSetBuilder::new();
    for pattern in patterns {
        let (negated, body) = match pattern.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, *pattern),
        };
        for expanded in expand_extglob(body.trim_start_matches("./")) {
            let Ok(glob) = GlobBuilder::new(&expanded).literal_separator(true).build() else {
                continue;
            };
            if negated {
                exclude.add(glob);
            } else {
                include.add(glob);
            }
        }
    }
    Some((include.build().ok()?, exclude.build().ok()?))
}

/// The plain globs an extglob stands for: `@(a|b)` → `a`, `b`; `?(x)` →
/// ``, `x`; `+(a|b)` → `a`, `b` (one-or-more read as one); `*(a)` → ``,
/// `a`; `!(x)` → `*`. The forms test runners and Storybook use, in
/// globset's syntax (which has no extglobs).
pub fn expand_extglob(pattern: &str) -> Vec<String> {
    let bytes = pattern.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if matches!(c, b'@' | b'?' | b'+' | b'*' | b'!')
            && bytes.get(i + 1) == Some(&b'(')
            && let Some(close) = pattern[i + 2..].find(')')
        {
            let inner = &pattern[i + 2..i + 2 + close];
            let (before, after) = (&pattern[..i], &pattern[i + close + 3..]);
            let mut alternatives: Vec<&str> = match c {
                b'!' => vec!["*"],
                _ => inner.split('|').collect(),
            };
            if matches!(c, b'?' | b'*') {
                alternatives.insert(0, "");
            }
            let mut out = Vec::new();
            for rest in expand_extglob(after) {
                for alternative in &alternatives {
                    out.push(format!("{before}{alternative}{rest}"));
                }
            }
            return out;
        }
        i += 1;
    }
    vec![pattern.to_string()]
}

/// A registered plugin.
pub struct Plugin {
    /// Its name (also the prefix of the entries' sources).
    pub name: &'static str,
    /// Whether it applies to the workspace.
    pub detect: fn(&Ctx<'_>) -> bool,
    /// Finds entries, used packages, static folders.
    pub run: fn(&Ctx<'_>, &mut Found),
}

/// Every plugin. `package`, `scripts`, `html` and `typescript` apply to
/// every workspace; the others when their tool is there.
pub const PLUGINS: &[Plugin] = &[
    package::PLUGIN,
    scripts::PLUGIN,
    html::PLUGIN,
    typescript::PLUGIN,
    vite::PLUGIN,
    vitest::PLUGIN,
    jest::PLUGIN,
    playwright::PLUGIN,
    cypress::PLUGIN,
    storybook::PLUGIN,
    next::PLUGIN,
    react_router::PLUGIN,
    tanstack::PLUGIN,
    docusaurus::PLUGIN,
    eslint::PLUGIN,
    prettier::PLUGIN,
    husky::PLUGIN,
    commitlint::PLUGIN,
    lint_staged::PLUGIN,
    contentlayer::PLUGIN,
    tailwind::PLUGIN,
    postcss::PLUGIN,
    babel::PLUGIN,
    plop::PLUGIN,
    css::PLUGIN,
    sfc::PLUGIN,
];

/// Runs every plugin that applies to the workspace.
pub fn run(ctx: &Ctx<'_>) -> Found {
    let mut found = Found::default();
    for plugin in PLUGINS {
        if (plugin.detect)(ctx) {
            found.plugins.push(plugin.name);
            (plugin.run)(ctx, &mut found);
        }
    }
    // `public/` is copied as it is by every framework that has one.
    let public = ctx.ws.dir.join("public");
    if public.is_dir() && !found.static_dirs.contains(&public) {
        found.static_dirs.push(public);
    }
    found
}

/// Source files of `ctx` (for `is_source` checks on config-named files).
pub fn is_source_path(path: &Path) -> bool {
    is_source(path)
}

/// Config file names in cosmiconfig's convention, in its search order: `rc`
/// (`.toolrc`), `rc` with `.json`, `.yaml`, `.yml`, then `rc` and `stem`
/// (`tool.config`) with each of `js_exts`.
pub fn rc_names(rc: &str, stem: &str, js_exts: &[&str]) -> Vec<String> {
    let mut names = vec![
        rc.to_string(),
        format!("{rc}.json"),
        format!("{rc}.yaml"),
        format!("{rc}.yml"),
    ];
    for base in [rc, stem] {
        names.extend(js_exts.iter().map(|ext| format!("{base}.{ext}")));
    }
    names
}

#[cfg(test)]
mod tests {
    use super::expand_extglob;

    #[test]
    fn extglobs_expand_to_plain_globs() {
        assert_eq!(
            expand_extglob("**/*.stories.@(ts|tsx)"),
            ["**/*.stories.ts", "**/*.stories.tsx"]
        );
        let jest = expand_extglob("**/?(*.)+(spec|test).[jt]s?(x)");
        assert_eq!(jest.len(), 8);
        assert!(jest.contains(&"**/*.spec.[jt]sx".to_string()));
        assert!(jest.contains(&"**/test.[jt]s".to_string()));
        assert_eq!(expand_extglob("src/**/*.ts"), ["src/**/*.ts"]);
    }
}
