//! `@types` packages credited across the repository: each workspace's own
//! uses are counted first ([`super::add_types_uses`]); what is left of the
//! `@types` packages a `package.json` lists (the root's included) is
//! credited here, each with why (a [`UsedPackage`], like a plugin's):
//!
//! - `@types/x` when any workspace uses `x` (`@types/scope__name` for
//!   `@scope/name`): a root `@types/react` when only `apps/web` imports
//!   `react`;
//! - `@types/node` when any project module imports a Node.js built-in, or,
//!   in a TypeScript project (a `tsconfig.json`), when a project file uses a
//!   Node.js global (`process.env`, `Buffer`, `__dirname`, `__filename`,
//!   `require(`, `module.exports`, `global.`, `NodeJS.`);
//! - `@types/x` that `/// <reference types="x" />` reaches from the type
//!   declarations of a used, installed package (its `types`/`typings` entry,
//!   else `index.d.ts`, and the `.d.ts` files that entry references by
//!   `path`, one level), or from a project file outside the graph (a global
//!   `.d.ts` nothing imports).
//!
//! Files are read only while a listed `@types` package is still
//! uncredited, through `fsx` (regular files, size-limited): declarations
//! only inside a `node_modules` folder of the project, and only their first
//! 64 KB (triple-slash directives come first).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use model::analyze::Role;
use project::fsx;
use serde_json::Value;

use super::{Packages, Usage, typed_package, types_of};
use crate::graph::ModuleGraph;
use crate::plugins::UsedPackage;

/// How much of a declaration file is read: its triple-slash directives.
const HEAD_BYTES: u64 = 64 * 1024;
/// Project files outside the graph read for Node.js globals and directives.
const MAX_SCAN_FILES: usize = 20_000;
/// Each of them up to this size.
const MAX_SCAN_BYTES: u64 = 2 * 1024 * 1024;

/// The Node.js globals whose use needs `@types/node`.
const NODE_GLOBALS: &[&str] = &[
    "process",
    "Buffer",
    "__dirname",
    "__filename",
    "require",
    "module",
    "global",
    "NodeJS",
];

/// Per workspace, the `@types` packages it lists that its own uses do not
/// credit but the repository's do, with why.
pub(super) fn repo_types_uses(
    graph: &ModuleGraph,
    maps: &[Packages],
    builtins: &[(bool, bool)],
) -> Vec<Vec<UsedPackage>> {
    let mut out = vec![Vec::new(); maps.len()];
    let pending = uncredited_types(graph, maps);
    if pending.is_empty() {
        return out;
    }
    let used = used_anywhere(maps);
    let mut why: BTreeMap<String, String> = BTreeMap::new();
    for (_, types) in &pending {
        if let Some(reason) =
            typed_package(types).and_then(|base| types_reason(graph, maps, &used, &base))
        {
            why.insert(types.clone(), reason);
        }
    }
    let open = |why: &BTreeMap<String, String>, name: Option<&str>| {
        pending
            .iter()
            .any(|(_, t)| name.is_none_or(|n| t == n) && !why.contains_key(t))
    };
    if open(&why, Some("@types/node")) && builtins.iter().any(|(p, t)| *p || *t) {
        why.insert("@types/node".to_string(), builtin_reason(graph));
    }
    if open(&why, None) {
        let wanted: BTreeSet<&str> = pending
            .iter()
            .map(|(_, t)| t.as_str())
            .filter(|t| !why.contains_key(*t))
            .collect();
        for (types, reason) in installed_references(graph, &used, &wanted) {
            why.entry(types).or_insert(reason);
        }
    }
    if open(&why, None) {
        let globals = open(&why, Some("@types/node")) && typescript_project(graph);
        let scan = scan_project(graph, globals);
        if let Some((name, path)) = scan.global {
            why.entry("@types/node".to_string()).or_insert(format!(
                "the Node.js global `{name}` is used in {path} (a TypeScript project)"
            ));
        }
        for (raw, path) in scan.references {
            if let Some(types) = types_name(&raw) {
                why.entry(types)
                    .or_insert(format!("`/// <reference types=\"{raw}\" />` in {path}"));
            }
        }
    }
    for (ws, types) in pending {
        if let Some(reason) = why.get(&types) {
            out[ws].push(UsedPackage {
                name: types,
                role: Role::Tooling,
                why: reason.clone(),
            });
        }
    }
    out
}

/// (workspace, name) of each `@types` package a workspace lists in
/// `dependencies` or `devDependencies` that its uses do not credit yet.
fn uncredited_types(graph: &ModuleGraph, maps: &[Packages]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (ws, facts) in graph.workspaces.iter().enumerate().take(maps.len()) {
        let m = &facts.manifest;
        let listed: BTreeSet<&String> = m.dependencies.iter().chain(&m.dev_dependencies).collect();
        for types in listed.into_iter().filter(|d| d.starts_with("@types/")) {
            if !maps[ws].get(types).is_some_and(Usage::any) {
                out.push((ws, types.clone()));
            }
        }
    }
    out
}

/// Every package some workspace uses, with the first workspace using it.
fn used_anywhere(maps: &[Packages]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for (ws, map) in maps.iter().enumerate() {
        for (name, usage) in map {
            if usage.any() {
                out.entry(name.clone()).or_insert(ws);
            }
        }
    }
    out
}

/// How a workspace is named in a reason.
fn label(graph: &ModuleGraph, ws: usize) -> String {
    match graph.workspaces.get(ws).map(|w| w.path.as_str()) {
        Some(".") | None => "the root package".to_string(),
        Some(path) => path.to_string(),
    }
}

/// Why `@types/<base>` is used when some workspace uses `base`: for
/// `node`, a `/// <reference types="node" />` of a project file (the
/// import of `node` it makes).
fn types_reason(
    graph: &ModuleGraph,
    maps: &[Packages],
    used: &BTreeMap<String, usize>,
    base: &str,
) -> Option<String> {
    let ws = *used.get(base)?;
    if base == "node" {
        let importer = maps[ws].get(base)?.importers.iter().next()?;
        return Some(format!("`/// <reference types=\"node\" />` in {importer}"));
    }
    Some(format!(
        "the types of `{base}`, which {} uses",
        label(graph, ws)
    ))
}

/// Why `@types/node` is used when a project module imports a built-in: the
/// first such module (by path) and its import.
fn builtin_reason(graph: &ModuleGraph) -> String {
    graph
        .graph
        .node_weights()
        .filter(|n| n.is_project())
        .filter_map(|n| {
            let import = n.imports.iter().find(|i| i.builtin)?;
            Some((n.path.as_str(), import.fact.specifier.as_str()))
        })
        .min()
        .map_or_else(
            || "Node.js built-in modules are imported".to_string(),
            |(path, specifier)| format!("the Node.js built-in `{specifier}` is imported by {path}"),
        )
}

/// Whether the project is a TypeScript one: a `tsconfig.json` at its root
/// or in one of its workspaces.
fn typescript_project(graph: &ModuleGraph) -> bool {
    std::iter::once(graph.root.as_path())
        .chain(graph.workspaces.iter().map(|w| w.dir.as_path()))
        .any(|dir| std::fs::metadata(dir.join("tsconfig.json")).is_ok_and(|m| m.is_file()))
}

/// `@types/x` for what `/// <reference types="x" />` names (`react/canary`
/// → `@types/react`; `@types/jest` as it is).
pub(super) fn types_name(reference: &str) -> Option<String> {
    let name = project::packages::bare_package_name(reference)?;
    Some(if name.starts_with("@types/") {
        name
    } else {
        types_of(&name)
    })
}

/// What a triple-slash directive references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Reference {
    /// `types="x"`: the types of a package.
    Types(String),
    /// `path="x.d.ts"`: a file, relative to the declaring one.
    Path(String),
}

/// The `/// <reference types|path="…" />` directives of `text`, in order.
pub(super) fn reference_directives(text: &str) -> Vec<Reference> {
    let mut out = Vec::new();
    for line in text.lines() {
        let Some(directive) = line.trim_start().strip_prefix("///") else {
            continue;
        };
        let directive = directive.trim_start();
        if !directive.starts_with("<reference") {
            continue;
        }
        if let Some(types) = crate::parse::xml_attr(directive, "types") {
            out.push(Reference::Types(types));
        }
        if let Some(path) = crate::parse::xml_attr(directive, "path") {
            out.push(Reference::Path(path));
        }
    }
    out
}

/// The first Node.js global `text` uses, if any: `process.`/`process[`
/// (or `typeof process`), `Buffer`, `__dirname`, `__filename`, `require(`
/// (or `require.`), `module.exports`, `global.`/`global[`, `NodeJS.`; never
/// a property of the same name (`task.process`) or a longer word
/// (`globalThis`, `processData`). Comments count: toward "used".
pub(super) fn node_global(text: &str) -> Option<&'static str> {
    let bytes = text.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80;
    NODE_GLOBALS.iter().copied().find(|name| {
        text.match_indices(name).any(|(at, _)| {
            let end = at + name.len();
            let before = at.checked_sub(1).map(|i| bytes[i]);
            if before.is_some_and(|b| ident(b) || b == b'.' || b == b'#')
                || bytes.get(end).is_some_and(|b| ident(*b))
            {
                return false;
            }
            let next = text[end..].trim_start();
            match *name {
                "process" => {
                    next.starts_with(['.', '['])
                        || text[..at]
                            .trim_end()
                            .strip_suffix("typeof")
                            .is_some_and(|b| !b.bytes().next_back().is_some_and(ident))
                }
                "global" => next.starts_with(['.', '[']),
                "NodeJS" => next.starts_with('.'),
                "module" => next
                    .strip_prefix('.')
                    .is_some_and(|rest| rest.trim_start().starts_with("exports")),
                "require" => next.starts_with(['(', '.']),
                _ => true,
            }
        })
    })
}

/// The canonical `node_modules` folders of the project: the root's and
/// each workspace's. Declarations are read only inside them.
fn node_modules_folders(graph: &ModuleGraph) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::iter::once(graph.root.as_path())
        .chain(graph.workspaces.iter().map(|w| w.dir.as_path()))
        .filter_map(|dir| dir.join("node_modules").canonicalize().ok())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// `path`, when it is a regular file whose real path is inside one of
/// `allowed` (symbolic links followed, as pnpm's are): its real path.
fn inside(path: &Path, allowed: &[PathBuf]) -> Option<PathBuf> {
    let real = path.canonicalize().ok()?;
    let ok = allowed.iter().any(|dir| fsx::is_under(&real, dir))
        && std::fs::metadata(&real).is_ok_and(|m| m.is_file());
    ok.then_some(real)
}

/// The first `HEAD_BYTES` of a regular file, as text.
fn read_head(path: &Path) -> Option<String> {
    let file = fsx::open_regular(path).ok()?;
    let mut bytes = Vec::new();
    file.take(HEAD_BYTES).read_to_end(&mut bytes).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// The declaration file `base` names: itself, `base.d.ts` or
/// `base/index.d.ts` (a `types` field without its extension), as
/// (the path as found, its real path), inside `allowed`.
fn declaration_file(base: &Path, allowed: &[PathBuf]) -> Option<(PathBuf, PathBuf)> {
    let mut with_ext = base.as_os_str().to_os_string();
    with_ext.push(".d.ts");
    [
        base.to_path_buf(),
        PathBuf::from(with_ext),
        base.join("index.d.ts"),
    ]
    .into_iter()
    .find_map(|p| inside(&p, allowed).map(|real| (p, real)))
}

/// The `types="…"` references of the package installed in `dir` (its
/// `package.json` already read into `json`), as (reference, the file
/// that makes it): its declaration entry's, and those of the files the
/// entry references by `path` (one level).
pub(super) fn declared_references(
    dir: &Path,
    json: &Value,
    allowed: &[PathBuf],
) -> Vec<(String, PathBuf)> {
    let entry = ["types", "typings"]
        .iter()
        .find_map(|k| json.get(*k).and_then(Value::as_str))
        .unwrap_or("index.d.ts");
    let Some((shown, real)) = declaration_file(&dir.join(entry.trim_start_matches("./")), allowed)
    else {
        return Vec::new();
    };
    let Some(text) = read_head(&real) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for reference in reference_directives(&text) {
        match reference {
            Reference::Types(types) => out.push((types, shown.clone())),
            Reference::Path(path) => {
                let Some(parent) = shown.parent() else {
                    continue;
                };
                let Some((next, next_real)) = declaration_file(&parent.join(&path), allowed) else {
                    continue;
                };
                let Some(next_text) = read_head(&next_real) else {
                    continue;
                };
                for inner in reference_directives(&next_text) {
                    if let Reference::Types(types) = inner {
                        out.push((types, next.clone()));
                    }
                }
            }
        }
    }
    out
}

/// Whether `name` can be a folder under `node_modules` (`x` or `@scope/x`,
/// no `.`/`..` segment): a name a configuration made up never leads out.
fn plain_package_name(name: &str) -> bool {
    let segments: Vec<&str> = name.split('/').collect();
    let max = if name.starts_with('@') { 2 } else { 1 };
    segments.len() == max
        && segments
            .iter()
            .all(|s| !s.is_empty() && *s != "." && *s != ".." && !s.contains('\\'))
}

/// `@types/x` (with why) for the `/// <reference types="x" />` of the
/// installed type declarations of the packages in `used`, each looked up
/// beside the first workspace using it, else at the root; until every
/// `wanted` one is found.
fn installed_references(
    graph: &ModuleGraph,
    used: &BTreeMap<String, usize>,
    wanted: &BTreeSet<&str>,
) -> Vec<(String, String)> {
    let allowed = node_modules_folders(graph);
    if allowed.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<(String, String)> = Vec::new();
    let mut missing = wanted.clone();
    for (package, ws) in used {
        if missing.is_empty() {
            break;
        }
        if !plain_package_name(package) {
            continue;
        }
        let mut dirs: Vec<&Path> = graph
            .workspaces
            .get(*ws)
            .map(|w| w.dir.as_path())
            .into_iter()
            .collect();
        dirs.push(graph.root.as_path());
        dirs.dedup();
        for base in dirs {
            let dir = base.join("node_modules").join(package);
            let Some(manifest) = inside(&dir.join("package.json"), &allowed) else {
                continue;
            };
            let Ok(Some(bytes)) = fsx::read_regular(&manifest, 4 * 1024 * 1024) else {
                continue;
            };
            let Ok(json) = serde_json::from_slice::<Value>(&bytes) else {
                continue;
            };
            for (raw, file) in declared_references(&dir, &json, &allowed) {
                if let Some(types) = types_name(&raw) {
                    missing.remove(types.as_str());
                    let file = model::path::display(&graph.root, &file);
                    out.push((
                        types,
                        format!("`/// <reference types=\"{raw}\" />` in {file}"),
                    ));
                }
            }
            break;
        }
    }
    out
}

/// What the project's files say beside their imports.
#[derive(Debug, Default)]
struct ProjectScan {
    /// The first Node.js global used, and the file (when asked for).
    global: Option<(&'static str, String)>,
    /// `types` references of the files outside the graph (the graph's
    /// own are imports already), with the file.
    references: Vec<(String, String)>,
}

/// Scans the project files: the graph's texts for Node.js globals (when
/// `globals`), then the files outside the graph, read from disk, for
/// globals and `types` references.
fn scan_project(graph: &ModuleGraph, globals: bool) -> ProjectScan {
    let mut scan = ProjectScan::default();
    let mut in_graph: Vec<(&str, &str)> = graph
        .graph
        .node_weights()
        .filter(|n| n.is_project())
        .filter_map(|n| Some((n.path.as_str(), n.text.as_deref()?)))
        .collect();
    in_graph.sort_unstable();
    if globals {
        scan.global = in_graph
            .iter()
            .find_map(|(path, text)| Some((node_global(text)?, path.to_string())));
    }
    let known: HashSet<&str> = in_graph.iter().map(|(path, _)| *path).collect();
    for rel in graph
        .project_files
        .iter()
        .filter(|rel| !known.contains(rel.as_str()))
        .take(MAX_SCAN_FILES)
    {
        let Ok(Some(bytes)) = fsx::read_regular(&graph.root.join(rel), MAX_SCAN_BYTES) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        for reference in reference_directives(&text) {
            if let Reference::Types(types) = reference {
                scan.references.push((types, rel.clone()));
            }
        }
        if globals
            && scan.global.is_none()
            && let Some(name) = node_global(&text)
        {
            scan.global = Some((name, rel.clone()));
        }
    }
    scan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::WorkspaceFacts;
    use crate::graph::test_graph::{GraphBuilder, names};
    use crate::plugins::Found;
    use model::analyze::EdgeKind;
    use project::Manifest;

    fn workspace(path: &str, dir: &str, listed: &[&str]) -> WorkspaceFacts {
        WorkspaceFacts {
            path: path.to_string(),
            dir: PathBuf::from(dir),
            name: None,
            manifest: Manifest {
                dev_dependencies: listed.iter().map(|s| (*s).to_string()).collect(),
                present: true,
                ..Manifest::default()
            },
            found: Found::default(),
        }
    }

    fn used(tooling: bool) -> Usage {
        Usage {
            production: !tooling,
            tooling,
            ..Usage::default()
        }
    }

    fn credits(out: &[Vec<UsedPackage>]) -> Vec<(usize, String, String)> {
        out.iter()
            .enumerate()
            .flat_map(|(ws, list)| {
                list.iter()
                    .map(move |u| (ws, u.name.clone(), u.why.clone()))
            })
            .collect()
    }

    #[test]
    fn node_globals_are_found_as_globals_only() {
        let found = |text: &str| node_global(text);
        assert_eq!(found("const url = process.env.API_URL;"), Some("process"));
        assert_eq!(
            found("if (typeof process !== 'undefined') {}"),
            Some("process")
        );
        assert_eq!(found("const b: Buffer = Buffer.from('x');"), Some("Buffer"));
        assert_eq!(found("resolve(__dirname, 'src')"), Some("__dirname"));
        assert_eq!(found("const x = require('x');"), Some("require"));
        assert_eq!(found("module.exports = { a: 1 };"), Some("module"));
        assert_eq!(found("global.fetch = fetch;"), Some("global"));
        assert_eq!(found("let t: NodeJS.Timeout;"), Some("NodeJS"));
        // Properties, longer words, other meanings.
        assert_eq!(found("task.process(); this.#process = 1;"), None);
        assert_eq!(
            found("globalThis.x = 1; processData(); const mod = 1;"),
            None
        );
        assert_eq!(found("declare global { interface Window { a: 1 } }"), None);
        assert_eq!(found("declare module 'x' { export const a: 1 }"), None);
        assert_eq!(found("// we process the data"), None);
        assert_eq!(
            found("import { process } from './steps'; process(1);"),
            None
        );
    }

    #[test]
    fn reference_directives_and_their_types_packages() {
        let text = "/// <reference types=\"jest\" />\n///<reference path='matchers.d.ts'/>\n// <reference types=\"no\" />\n/// <reference lib=\"dom\" />\nimport x from 'y';\n";
        assert_eq!(
            reference_directives(text),
            [
                Reference::Types("jest".to_string()),
                Reference::Path("matchers.d.ts".to_string())
            ]
        );
        assert_eq!(types_name("jest").as_deref(), Some("@types/jest"));
        assert_eq!(types_name("react/canary").as_deref(), Some("@types/react"));
        assert_eq!(
            types_name("@testing-library/jest-dom").as_deref(),
            Some("@types/testing-library__jest-dom")
        );
        assert_eq!(types_name("@types/node").as_deref(), Some("@types/node"));
        assert!(plain_package_name("@scope/x") && plain_package_name("x"));
        assert!(
            !plain_package_name("../x")
                && !plain_package_name("a/b")
                && !plain_package_name("@s/..")
        );
    }

    #[test]
    fn installed_declarations_are_read_one_level_inside_node_modules() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let pkg = root.join("node_modules/@testing-library/jest-dom");
        std::fs::create_dir_all(pkg.join("types")).unwrap();
        std::fs::write(
            pkg.join("types/index.d.ts"),
            "/// <reference path=\"jest.d.ts\" />\n/// <reference types=\"node\" />\n",
        )
        .unwrap();
        std::fs::write(
            pkg.join("types/jest.d.ts"),
            "/// <reference types=\"jest\" />\n/// <reference path=\"deeper.d.ts\" />\n",
        )
        .unwrap();
        std::fs::write(
            pkg.join("types/deeper.d.ts"),
            "/// <reference types=\"deep\" />\n",
        )
        .unwrap();
        // A reference out of node_modules is never read.
        std::fs::write(
            root.join("outside.d.ts"),
            "/// <reference types=\"outside\" />\n",
        )
        .unwrap();
        let allowed = vec![root.join("node_modules")];
        let json: Value = serde_json::json!({ "types": "./types/index.d.ts" });
        let refs: Vec<(String, String)> = declared_references(&pkg, &json, &allowed)
            .into_iter()
            .map(|(r, f)| (r, model::path::display(&root, &f)))
            .collect();
        assert_eq!(
            refs,
            [
                (
                    "jest".to_string(),
                    "node_modules/@testing-library/jest-dom/types/jest.d.ts".to_string()
                ),
                (
                    "node".to_string(),
                    "node_modules/@testing-library/jest-dom/types/index.d.ts".to_string()
                ),
            ]
        );
        let escaping = serde_json::json!({ "types": "../../../outside.d.ts" });
        assert!(declared_references(&pkg, &escaping, &allowed).is_empty());
        // `typings` without its extension; no field: `index.d.ts`.
        let bare = serde_json::json!({ "typings": "types/jest" });
        let refs: Vec<String> = declared_references(&pkg, &bare, &allowed)
            .into_iter()
            .map(|(r, _)| r)
            .collect();
        assert_eq!(refs, ["jest", "deep"]);
        assert!(declared_references(&pkg, &serde_json::json!({}), &allowed).is_empty());
    }

    #[test]
    fn types_are_credited_where_listed_when_any_workspace_uses_their_package() {
        let mut b = GraphBuilder::new();
        b.graph.workspaces = vec![
            workspace(
                ".",
                "/p",
                &[
                    "@types/react",
                    "@types/node",
                    "@types/scope__ui",
                    "@types/lodash",
                ],
            ),
            workspace("apps/web", "/p/apps/web", &["@types/react"]),
        ];
        let script = b.module("scripts/check.ts", 1);
        b.import(script, "node:fs", None, EdgeKind::Static, names(&[]))
            .builtin = true;
        let graph = b.graph;
        let mut web = Packages::new();
        web.insert("react".to_string(), used(false));
        web.insert("@scope/ui".to_string(), used(true));
        // Credited by the workspace's own rule already: not again.
        web.insert("@types/react".to_string(), used(true));
        let maps = vec![Packages::new(), web];
        let out = repo_types_uses(&graph, &maps, &[(false, true), (false, false)]);
        assert_eq!(
            credits(&out),
            [
                (
                    0,
                    "@types/node".to_string(),
                    "the Node.js built-in `node:fs` is imported by scripts/check.ts".to_string()
                ),
                (
                    0,
                    "@types/react".to_string(),
                    "the types of `react`, which apps/web uses".to_string()
                ),
                (
                    0,
                    "@types/scope__ui".to_string(),
                    "the types of `@scope/ui`, which apps/web uses".to_string()
                ),
            ]
        );
        assert!(out.iter().flatten().all(|u| u.role == Role::Tooling));
    }
}
