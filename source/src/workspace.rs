//! Workspaces: the packages of a monorepo (`pnpm-workspace.yaml`,
//! `package.json` `workspaces` of npm and yarn), each with its own
//! `package.json`. Run at the repository root, every workspace is analysed;
//! run inside one workspace, the repository root is still found, so imports
//! of sibling workspace packages resolve to their source.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSetBuilder};
use model::Diagnostic;
use serde_json::Value;

use super::static_config::{self, Static};
use project::fsx;
use project::html::{self, HtmlRef};
use project::{Manifest, ProjectFacts};

/// One package of the project (the root one, or a workspace).
#[derive(Debug, Clone)]
pub struct Workspace {
    /// Its folder (canonical).
    pub dir: PathBuf,
    /// Its folder relative to the analysed root, `.` for the root.
    pub path: String,
    /// `name` of its `package.json`.
    pub name: Option<String>,
    /// Its `package.json`.
    pub package_json: Option<Value>,
    /// Its dependency lists.
    pub manifest: Manifest,
    /// What its `index.html` loads, when it has one.
    pub index_html: Option<Vec<HtmlRef>>,
}

impl Workspace {
    /// The module scripts of its `index.html`.
    pub fn module_scripts(&self) -> Vec<&str> {
        self.index_html
            .iter()
            .flatten()
            .filter(|r| r.kind == "module")
            .map(|r| r.url.as_str())
            .collect()
    }

    /// Whether `name` is in any of its dependency lists.
    pub fn has_dep(&self, name: &str) -> bool {
        self.manifest.lists(name)
    }

    /// Whether any listed dependency starts with `prefix`.
    pub fn has_dep_prefix(&self, prefix: &str) -> bool {
        [
            &self.manifest.dependencies,
            &self.manifest.dev_dependencies,
            &self.manifest.peer_dependencies,
            &self.manifest.optional_dependencies,
        ]
        .iter()
        .any(|list| list.iter().any(|d| d.starts_with(prefix)))
    }
}

/// A workspace package anywhere in the repository, for resolving imports
/// between workspaces.
#[derive(Debug, Clone)]
pub struct WorkspacePackage {
    /// Its `name`.
    pub name: String,
    /// Its folder (canonical).
    pub dir: PathBuf,
    /// Its `package.json`.
    pub package_json: Value,
}

/// The packages of the analysed project.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The analysed workspaces: the root package first, then each workspace
    /// under it, sorted by path.
    pub workspaces: Vec<Workspace>,
    /// Whether the analysed root is a monorepo root.
    pub monorepo: bool,
    /// Every named workspace package of the repository (also siblings above
    /// the analysed root when it is one workspace of a monorepo).
    pub packages: Vec<WorkspacePackage>,
    /// The repository root: the analysed root, or the monorepo root above
    /// it when it is one of its workspaces.
    pub repo_root: PathBuf,
    /// Problems met (a workspace glob that matches nothing...).
    pub diagnostics: Vec<Diagnostic>,
}

impl Layout {
    /// The index of the workspace that owns `path` (the deepest workspace
    /// folder containing it; the root package otherwise).
    pub fn owner(&self, path: &Path) -> usize {
        self.workspaces
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, w)| project::fsx::is_under(path, &w.dir))
            .max_by_key(|(_, w)| w.dir.as_os_str().len())
            .map_or(0, |(i, _)| i)
    }
}

/// Finds the workspaces of the project at `project.root`.
pub fn discover(project: &ProjectFacts) -> Layout {
    let root = &project.root;
    let mut diagnostics = Vec::new();
    let root_ws = Workspace {
        dir: root.clone(),
        path: ".".to_string(),
        name: project.manifest.name.clone(),
        package_json: project.package_json.clone(),
        manifest: project.manifest.clone(),
        index_html: project.index_html.clone(),
    };
    let mut workspaces = vec![root_ws];
    let patterns = workspace_patterns(root, project.package_json.as_ref(), &mut diagnostics);
    let monorepo = !patterns.is_empty();
    if monorepo {
        for dir in match_workspaces(root, &patterns, &mut diagnostics) {
            if dir == *root {
                continue;
            }
            let path = model::path::relative(root, &dir).unwrap_or_default();
            workspaces.push(read_workspace(&dir, path, &mut diagnostics));
        }
    }
    // Named workspace packages of the whole repository: ours, or the
    // repository's when the root is one of its workspaces.
    let mut packages: Vec<WorkspacePackage> = workspaces
        .iter()
        .skip(1)
        .filter_map(|w| {
            Some(WorkspacePackage {
                name: w.name.clone()?,
                dir: w.dir.clone(),
                package_json: w.package_json.clone()?,
            })
        })
        .collect();
    let mut repo_root = root.clone();
    if !monorepo && let Some(repo) = enclosing_repository(root) {
        repo_root = repo.clone();
        let patterns =
            workspace_patterns(&repo, read_package_json(&repo).as_ref(), &mut Vec::new());
        for dir in match_workspaces(&repo, &patterns, &mut Vec::new()) {
            if let Some(json) = read_package_json(&dir)
                && let Some(name) = json.get("name").and_then(Value::as_str)
            {
                packages.push(WorkspacePackage {
                    name: name.to_string(),
                    dir,
                    package_json: json,
                });
            }
        }
    }
    packages.sort_by(|a, b| a.name.cmp(&b.name));
    packages.dedup_by(|a, b| a.name == b.name);
    Layout {
        workspaces,
        monorepo,
        packages,
        repo_root,
        diagnostics,
    }
}

/// Config file names that make a folder a site of its own (Docusaurus).
const SITE_CONFIGS: &[&str] = &[
    "docusaurus.config.js",
    "docusaurus.config.mjs",
    "docusaurus.config.cjs",
    "docusaurus.config.ts",
    "docusaurus.config.mts",
];

/// Whether `path` is a site's config file (`docusaurus.config.ts`).
pub fn is_site_config(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| SITE_CONFIGS.contains(&n))
}

impl Layout {
    /// Adds the sites nested in the project without being workspaces: a
    /// folder under the root with its own `package.json` and a Docusaurus
    /// config among `files` (`website/docusaurus.config.ts` of a library's
    /// repository) is analysed as a package of its own, its dependencies
    /// checked against its `package.json`, as a workspace would be.
    pub fn add_nested_sites(&mut self, files: &[PathBuf]) {
        let Some(root) = self.workspaces.first().map(|w| w.dir.clone()) else {
            return;
        };
        let mut dirs: Vec<PathBuf> = files
            .iter()
            .filter(|f| is_site_config(f))
            .filter_map(|f| f.parent().map(Path::to_path_buf))
            .filter(|dir| *dir != root && !self.workspaces.iter().any(|w| w.dir == *dir))
            .filter(|dir| std::fs::metadata(dir.join("package.json")).is_ok_and(|m| m.is_file()))
            .collect();
        dirs.sort();
        dirs.dedup();
        if dirs.is_empty() {
            return;
        }
        for dir in dirs {
            let path = model::path::relative(&root, &dir).unwrap_or_default();
            self.workspaces
                .push(read_workspace(&dir, path, &mut self.diagnostics));
        }
        if let Some((_, rest)) = self.workspaces.split_first_mut() {
            rest.sort_by(|a, b| a.path.cmp(&b.path));
        }
        self.monorepo = true;
    }
}

fn read_package_json(dir: &Path) -> Option<Value> {
    let bytes = fsx::read_regular(&dir.join("package.json"), 16 * 1024 * 1024).ok()??;
    serde_json::from_slice(&bytes).ok()
}

fn read_workspace(dir: &Path, path: String, diagnostics: &mut Vec<Diagnostic>) -> Workspace {
    let package_json = match fsx::read_regular(&dir.join("package.json"), 16 * 1024 * 1024) {
        Ok(Some(bytes)) => match serde_json::from_slice::<Value>(&bytes) {
            Ok(json) => Some(json),
            Err(e) => {
                diagnostics.push(Diagnostic::at(
                    format!("{path}/package.json"),
                    u32::try_from(e.line()).ok(),
                    format!(
                        "is not valid JSON (line {}, column {}: {}); this workspace's dependencies are not checked",
                        e.line(),
                        e.column(),
                        fsx::json_problem(&e)
                    ),
                ));
                None
            }
        },
        Ok(None) => None,
        Err(e) => {
            diagnostics.push(Diagnostic::new(
                format!("{path}/package.json"),
                format!("cannot be read: {e}"),
            ));
            None
        }
    };
    let manifest = package_json
        .as_ref()
        .map(Manifest::from_json)
        .unwrap_or_default();
    let index_html = match fsx::read_regular(&dir.join("index.html"), 16 * 1024 * 1024) {
        Ok(Some(bytes)) => Some(html::scan(&String::from_utf8_lossy(&bytes))),
        _ => None,
    };
    Workspace {
        dir: dir.to_path_buf(),
        path,
        name: manifest.name.clone(),
        package_json,
        manifest,
        index_html,
    }
}

/// The workspace globs of a repository root: `pnpm-workspace.yaml`
/// `packages`, else `package.json` `workspaces` (an array, or yarn's
/// `{ packages: [...] }`).
fn workspace_patterns(
    root: &Path,
    package_json: Option<&Value>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<String> {
    match static_config::read_yaml(&root.join("pnpm-workspace.yaml")) {
        Ok(Some(yaml)) => {
            return yaml
                .get("packages")
                .map(|p| p.strings().into_iter().map(str::to_string).collect())
                .unwrap_or_default();
        }
        Ok(None) => {}
        Err(e) => diagnostics.push(Diagnostic::new("pnpm-workspace.yaml", e)),
    }
    let Some(json) = package_json else {
        return Vec::new();
    };
    let list = match json.get("workspaces") {
        Some(Value::Array(items)) => items.clone(),
        Some(Value::Object(map)) => map
            .get("packages")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    list.iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// Folders under `root` holding a `package.json` that the workspace
/// `patterns` match (`!` excludes), sorted.
fn match_workspaces(
    root: &Path,
    patterns: &[String],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<PathBuf> {
    let mut include = GlobSetBuilder::new();
    let mut exclude = GlobSetBuilder::new();
    for pattern in patterns {
        let (negated, body) = match pattern.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, pattern.as_str()),
        };
        let body = body.trim_start_matches("./").trim_end_matches('/');
        match globset::GlobBuilder::new(body)
            .literal_separator(true)
            .build()
        {
            Ok(glob) => {
                if negated {
                    exclude.add(glob);
                } else {
                    include.add(glob);
                }
            }
            Err(e) => diagnostics.push(Diagnostic::new(
                "",
                format!(
                    "workspace pattern `{}` is invalid: {e}",
                    model::diagnostic::quote(pattern)
                ),
            )),
        }
    }
    let (Ok(include), Ok(exclude)) = (include.build(), exclude.build()) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .hidden(true)
        .max_depth(Some(6))
        .follow_links(false)
        .filter_entry(|e| e.file_name() != "node_modules" && e.file_name() != ".git")
        .build();
    for entry in walker.flatten() {
        if !entry.file_type().is_some_and(|t| t.is_dir()) {
            continue;
        }
        let Some(rel) = model::path::relative(root, entry.path()) else {
            continue;
        };
        if rel.is_empty() || !include.is_match(&rel) || exclude.is_match(&rel) {
            continue;
        }
        if std::fs::metadata(entry.path().join("package.json")).is_ok_and(|m| m.is_file()) {
            found.push(entry.path().to_path_buf());
        }
    }
    found.sort();
    for pattern in patterns.iter().filter(|p| !p.starts_with('!')) {
        let body = pattern.trim_start_matches("./").trim_end_matches('/');
        let matcher = Glob::new(body).map(|g| g.compile_matcher());
        let hit = matcher.is_ok_and(|m| {
            found
                .iter()
                .any(|d| model::path::relative(root, d).is_some_and(|r| m.is_match(r)))
        });
        if !hit {
            diagnostics.push(Diagnostic::new(
                "",
                format!(
                    "workspace pattern `{}` matches no folder with a package.json",
                    model::diagnostic::quote(pattern)
                ),
            ));
        }
    }
    found
}

/// The repository root above `dir` whose workspaces include `dir`, if any
/// (looked for at most 8 levels up, not past a `.git` folder).
fn enclosing_repository(dir: &Path) -> Option<PathBuf> {
    let mut current = dir.parent();
    for _ in 0..8 {
        let candidate = current?;
        let json = read_package_json(candidate);
        let patterns = workspace_patterns(candidate, json.as_ref(), &mut Vec::new());
        if !patterns.is_empty() {
            let members = match_workspaces(candidate, &patterns, &mut Vec::new());
            return members
                .iter()
                .any(|m| m == dir)
                .then(|| candidate.to_path_buf());
        }
        if candidate.join(".git").exists() {
            return None;
        }
        current = candidate.parent();
    }
    None
}

/// A convenience for plugins: the `Static` of a JSON value (or nothing).
pub fn json_static(value: Option<&Value>) -> Static {
    value.map_or(Static::Null, static_config::from_json)
}
