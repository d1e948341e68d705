//! **Dependencies**: each workspace's `package.json` against what uses its
//! packages: imports from its modules (production or tooling), packages its
//! configuration files and scripts name (plugins), and uses nothing states
//! but the toolchain needs, each credited with why ([`implicit_uses`]):
//! `@types/x` when any workspace uses `x` (`@types/node` with Node.js
//! built-ins or, in a TypeScript project, globals; `@types` packages the
//! type declarations of used packages reference: `implicit.rs`), required
//! (not optional) peer dependencies of used installed packages.
//!
//! - `unused-dependencies` / `unused-dev-dependencies`: listed, used by nothing.
//! - `dependencies-only-in-tooling`: in `dependencies`, but only tests,
//!   stories, configs, scripts or dev servers use it.
//! - `dev-dependencies-in-production`: in `devDependencies` only, but code
//!   that ships imports it (type-only imports excepted: they are erased).
//! - `unlisted-dependencies`: imported, listed nowhere (in a monorepo the
//!   root `package.json` counts, as package managers hoist it). A type-only
//!   import of `x` is listed by `@types/x`.
//!
//! Why it matters: unused packages slow installs and audits; a dependency in
//! the wrong list breaks production installs or bloats them; an unlisted one
//! works by accident and breaks on a clean install.

use std::collections::{BTreeMap, BTreeSet};

use model::analyze::{EdgeKind, Role};
use model::finding::{Detail, Finding, FindingKind};

use super::Context;
use crate::graph::{ModuleGraph, ResolvedImport};
use crate::plugins::UsedPackage;
use project::{Manifest, fsx};

mod implicit;

/// How one workspace uses one package.
#[derive(Debug, Clone, Default)]
pub(crate) struct Usage {
    /// Production code imports a value from it (or a config/script that
    /// runs in production names it).
    production: bool,
    /// Production code imports only types from it.
    production_types: bool,
    /// Tooling uses it.
    tooling: bool,
    /// Modules that import it (any role), for unlisted dependencies.
    importers: BTreeSet<String>,
    /// Production modules that import a value from it.
    production_importers: BTreeSet<String>,
    /// Whether any import (not only a config or script) uses it.
    imported: bool,
    /// Whether every import of it is type-only.
    types_only: bool,
}

impl Usage {
    fn any(&self) -> bool {
        self.production || self.production_types || self.tooling
    }
}

/// `@types/babel__core` → `@babel/core`, `@types/react` → `react`.
fn typed_package(types: &str) -> Option<String> {
    let base = types.strip_prefix("@types/")?;
    Some(match base.split_once("__") {
        Some((scope, name)) => format!("@{scope}/{name}"),
        None => base.to_string(),
    })
}

/// `@babel/core` → `@types/babel__core`.
fn types_of(package: &str) -> String {
    match package.strip_prefix('@').and_then(|p| p.split_once('/')) {
        Some((scope, name)) => format!("@types/{scope}__{name}"),
        None => format!("@types/{package}"),
    }
}

/// The usage of every package, per workspace (the layout's order).
fn usages(graph: &ModuleGraph) -> Vec<BTreeMap<String, Usage>> {
    usages_and_credits(graph).0
}

/// Per workspace (the layout's order), the uses the dependency findings
/// credit although no import and no configuration states them, each with
/// why, as plugins record theirs in [`crate::plugins::Found::used`]:
/// required peer dependencies of used packages, `@types` packages (of used
/// packages, of Node.js, referenced by used packages' declarations).
pub fn implicit_uses(graph: &ModuleGraph) -> Vec<Vec<UsedPackage>> {
    usages_and_credits(graph).1
}

/// The usage of every package and the implicit uses among them, per
/// workspace: computed once per graph (several findings read it).
fn usages_and_credits(graph: &ModuleGraph) -> (Vec<Packages>, Vec<Vec<UsedPackage>>) {
    graph
        .dependency_usages
        .get_or_init(|| compute_usages_and_credits(graph))
        .clone()
}

fn compute_usages_and_credits(graph: &ModuleGraph) -> (Vec<Packages>, Vec<Vec<UsedPackage>>) {
    let (mut out, builtins) = import_usages(graph);
    let mut credits: Vec<Vec<UsedPackage>> = vec![Vec::new(); out.len()];
    for (ws, facts) in graph.workspaces.iter().enumerate() {
        add_plugin_uses(&mut out[ws], &facts.found.used);
    }
    for (ws, map) in out.iter_mut().enumerate() {
        let facts = graph.workspaces.get(ws);
        credits[ws].extend(add_peer_uses(graph, facts.map(|f| f.dir.as_path()), map));
        credits[ws].extend(add_types_uses(
            facts.map(|f| &f.manifest),
            builtins[ws],
            map,
        ));
    }
    // What the workspaces use credits the `@types` every `package.json` lists.
    let repo = implicit::repo_types_uses(graph, &out, &builtins);
    for ((map, list), found) in out.iter_mut().zip(&mut credits).zip(repo) {
        add_plugin_uses(map, &found);
        list.extend(found);
    }
    (out, credits)
}

impl Usage {
    /// A new package's usage, before its first import.
    fn imported() -> Self {
        Usage {
            types_only: true,
            ..Usage::default()
        }
    }

    /// Records an import of the package by the module at `path`
    /// (`production`: a module that ships; `types`: a type-only import).
    fn record_import(&mut self, path: &str, production: bool, types: bool) {
        self.imported = true;
        self.importers.insert(path.to_string());
        self.types_only &= types;
        match (production, types) {
            (true, false) => {
                self.production = true;
                self.production_importers.insert(path.to_string());
            }
            (true, true) => self.production_types = true,
            (false, _) => self.tooling = true,
        }
    }
}

/// The workspace (its index) whose folder holds `abs`: the innermost one,
/// else the root package (0).
fn owner(graph: &ModuleGraph, abs: &std::path::Path) -> usize {
    graph
        .workspaces
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, w)| fsx::is_under(abs, &w.dir))
        .max_by_key(|(_, w)| w.dir.as_os_str().len())
        .map_or(0, |(i, _)| i)
}

/// The usage of each package of one workspace, by name.
pub(crate) type Packages = BTreeMap<String, Usage>;

/// Per workspace, the packages its project modules import, and whether its
/// (production, tooling) modules import Node.js built-ins.
fn import_usages(graph: &ModuleGraph) -> (Vec<Packages>, Vec<(bool, bool)>) {
    let mut out: Vec<Packages> = vec![BTreeMap::new(); graph.workspaces.len().max(1)];
    let mut builtins = vec![(false, false); out.len()];
    for node in graph.graph.node_weights().filter(|n| n.is_project()) {
        let ws = owner(graph, &node.abs);
        // A sibling workspace outside the analysed root answers for its own imports.
        if graph
            .workspaces
            .get(ws)
            .is_some_and(|w| !fsx::is_under(&node.abs, &w.dir))
        {
            continue;
        }
        let production = node.role == Role::Production;
        for import in &node.imports {
            if import.builtin {
                let slot = &mut builtins[ws];
                if production {
                    slot.0 = true;
                } else {
                    slot.1 = true;
                }
                continue;
            }
            let Some(package) = imported_package(graph, import) else {
                continue;
            };
            let types = import.fact.kind == EdgeKind::TypeOnly;
            out[ws]
                .entry(package)
                .or_insert_with(Usage::imported)
                .record_import(&node.path, production, types);
        }
    }
    (out, builtins)
}

/// The package an import uses: its target's, or (into the project) a
/// workspace package it names; unresolved, the package it names.
fn imported_package(graph: &ModuleGraph, import: &ResolvedImport) -> Option<String> {
    let target = import.target.and_then(|t| graph.graph.node_weight(t));
    match target {
        Some(t) => match &t.package {
            Some(p) => Some(p.name.clone()),
            // Into the project: a workspace package, or an alias.
            None => import
                .package
                .clone()
                .filter(|p| graph.workspace_packages.contains(p)),
        },
        None => import.package.clone(),
    }
}

/// The packages a workspace's configuration files and scripts name.
fn add_plugin_uses(map: &mut BTreeMap<String, Usage>, used: &[UsedPackage]) {
    for used in used {
        let usage = map.entry(used.name.clone()).or_default();
        match used.role {
            Role::Production => usage.production = true,
            Role::Tooling => usage.tooling = true,
        }
    }
}

/// Required peer dependencies of used, installed packages are used with
/// them (and theirs, in turn); optional ones (`peerDependenciesMeta`) are
/// not. Returns the credits, with why.
fn add_peer_uses(
    graph: &ModuleGraph,
    ws_dir: Option<&std::path::Path>,
    map: &mut BTreeMap<String, Usage>,
) -> Vec<UsedPackage> {
    let mut credits = Vec::new();
    let mut queue: Vec<String> = map
        .iter()
        .filter(|(_, u)| u.any())
        .map(|(k, _)| k.clone())
        .collect();
    let mut peers_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
    while let Some(package) = queue.pop() {
        let Some(usage) = map.get(&package).cloned() else {
            continue;
        };
        let peers = peers_of
            .entry(package.clone())
            .or_insert_with(|| peers(graph, ws_dir, &package))
            .clone();
        for peer in peers {
            let why = format!("a required peer dependency of `{package}`");
            for role in roles(&usage) {
                let credit = UsedPackage {
                    name: peer.clone(),
                    role,
                    why: why.clone(),
                };
                if !credits.contains(&credit) {
                    credits.push(credit);
                }
            }
            let slot = map.entry(peer.clone()).or_default();
            let before = (slot.production, slot.production_types, slot.tooling);
            slot.production |= usage.production;
            slot.production_types |= usage.production_types;
            slot.tooling |= usage.tooling;
            // A peer whose use grew passes it on to its own peers.
            if before != (slot.production, slot.production_types, slot.tooling) {
                queue.push(peer);
            }
        }
    }
    credits
}

/// The roles a usage stands for, as a plugin would record them.
fn roles(usage: &Usage) -> Vec<Role> {
    let mut out = Vec::new();
    if usage.production || usage.production_types {
        out.push(Role::Production);
    }
    if usage.tooling {
        out.push(Role::Tooling);
    }
    out
}

/// `@types/x` listed in `manifest` is used (by tooling: types never ship)
/// where `x` is; `@types/node` where Node.js built-ins are (`builtins`:
/// imported by production, by tooling). Returns the credits, with why.
fn add_types_uses(
    manifest: Option<&Manifest>,
    builtins: (bool, bool),
    map: &mut BTreeMap<String, Usage>,
) -> Vec<UsedPackage> {
    let listed: Vec<String> = manifest
        .map(|m| {
            m.dev_dependencies
                .iter()
                .chain(&m.dependencies)
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let mut credits = Vec::new();
    for types in listed.iter().filter(|d| d.starts_with("@types/")) {
        let Some(base) = typed_package(types) else {
            continue;
        };
        let (prod, tooling) = match base.as_str() {
            "node" => builtins,
            _ => map.get(&base).map_or((false, false), |u| {
                (u.production || u.production_types, u.tooling)
            }),
        };
        if prod || tooling {
            let slot = map.entry(types.clone()).or_default();
            // Types never ship: their use is tooling's.
            slot.tooling = true;
            credits.push(UsedPackage {
                name: types.clone(),
                role: Role::Tooling,
                why: match base.as_str() {
                    "node" => "Node.js built-in modules are imported".to_string(),
                    _ => format!("the types of `{base}`, which is used"),
                },
            });
        }
    }
    credits
}

/// The required `peerDependencies` of an installed package, looked up
/// beside the workspace and at the root.
fn peers(graph: &ModuleGraph, ws_dir: Option<&std::path::Path>, package: &str) -> Vec<String> {
    let mut dirs: Vec<std::path::PathBuf> = Vec::new();
    if let Some(dir) = ws_dir {
        dirs.push(dir.join("node_modules").join(package));
    }
    dirs.push(graph.root.join("node_modules").join(package));
    for dir in dirs {
        let Ok(Some(bytes)) = fsx::read_regular(&dir.join("package.json"), 4 * 1024 * 1024) else {
            continue;
        };
        // Typed, the rest of the manifest is skipped unread; an odd shape
        // is read as any JSON.
        if let Ok(peers) = serde_json::from_slice::<Peers>(&bytes) {
            return peers.required();
        }
        let Ok(json) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
            continue;
        };
        return required_peers(&json);
    }
    Vec::new()
}

/// The `peerDependencies` of a `package.json` that
/// `peerDependenciesMeta.<name>.optional` does not make optional.
fn required_peers(json: &serde_json::Value) -> Vec<String> {
    let optional = |name: &str| {
        json.get("peerDependenciesMeta")
            .and_then(|m| m.get(name))
            .and_then(|m| m.get("optional"))
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false)
    };
    json.get("peerDependencies")
        .and_then(|p| p.as_object())
        .map(|m| m.keys().filter(|k| !optional(k)).cloned().collect())
        .unwrap_or_default()
}

/// The peer dependencies a `package.json` declares (the rest of it skipped
/// unread).
#[derive(serde::Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Peers {
    peer_dependencies: BTreeMap<String, serde::de::IgnoredAny>,
    peer_dependencies_meta: BTreeMap<String, serde_json::Value>,
}

impl Peers {
    /// The `peerDependencies` that `peerDependenciesMeta.<name>.optional`
    /// does not make optional.
    fn required(self) -> Vec<String> {
        let optional = |name: &str| {
            self.peer_dependencies_meta
                .get(name)
                .and_then(|m| m.get("optional"))
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false)
        };
        self.peer_dependencies
            .keys()
            .filter(|k| !optional(k))
            .cloned()
            .collect()
    }
}

/// Runs `rule` for every workspace with a `package.json`, tagging findings
/// with the workspace in a monorepo.
fn per_workspace(
    ctx: &Context<'_>,
    rule: impl Fn(&crate::graph::WorkspaceFacts, &BTreeMap<String, Usage>, &[String]) -> Vec<Finding>,
) -> Vec<Finding> {
    let graph = ctx.graph;
    let mut all = usages(graph);
    // A monorepo root lists tools once for every workspace (hoisting): what
    // a workspace uses without listing it counts as a use of the root's.
    if graph.monorepo && graph.workspaces.first().is_some_and(|w| w.path == ".") {
        let mut hoisted_uses: Vec<(String, Usage)> = Vec::new();
        for (ws, usage) in graph.workspaces.iter().zip(&all).skip(1) {
            for (package, u) in usage {
                if !ws.manifest.lists(package) {
                    hoisted_uses.push((package.clone(), u.clone()));
                }
            }
        }
        if let Some(root) = all.first_mut() {
            for (package, u) in hoisted_uses {
                let slot = root.entry(package).or_default();
                slot.production |= u.production;
                slot.production_types |= u.production_types;
                slot.tooling |= u.tooling;
                // Only the use: the import is the workspace's (unlisted
                // there, or a devDependency in its production code).
            }
        }
    }
    let root_listed: Vec<String> = graph
        .workspaces
        .first()
        .map(|w| {
            let m = &w.manifest;
            m.dependencies
                .iter()
                .chain(&m.dev_dependencies)
                .chain(&m.peer_dependencies)
                .chain(&m.optional_dependencies)
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    for (ws, usage) in graph.workspaces.iter().zip(&all) {
        if !ws.manifest.present {
            continue;
        }
        let hoisted: &[String] = if graph.monorepo && ws.path != "." {
            &root_listed
        } else {
            &[]
        };
        for finding in rule(ws, usage, hoisted) {
            out.push(if graph.monorepo {
                finding.in_workspace(&ws.path)
            } else {
                finding
            });
        }
    }
    out
}

/// Listed in `dependencies`, used by nothing; sorted by name.
pub fn unused(ctx: &Context<'_>) -> Vec<Finding> {
    per_workspace(ctx, |ws, usage, _| {
        ws.manifest
            .dependencies
            .iter()
            .filter(|dep| !usage.get(*dep).is_some_and(Usage::any))
            .filter(|dep| !ws.manifest.peer_dependencies.contains(*dep))
            .map(|dep| unused_finding(dep))
            .collect()
    })
}

/// Listed in `devDependencies` (only), used by nothing; sorted by name.
pub fn unused_dev(ctx: &Context<'_>) -> Vec<Finding> {
    per_workspace(ctx, |ws, usage, _| {
        ws.manifest
            .dev_dependencies
            .iter()
            .filter(|dep| !ws.manifest.dependencies.contains(*dep))
            .filter(|dep| !usage.get(*dep).is_some_and(Usage::any))
            .map(|dep| {
                Finding::new(
                    FindingKind::UnusedDevDependencies,
                    dep.clone(),
                    dep.clone(),
                    "",
                )
                .with_detail(Detail::Dependency {
                    name: dep.clone(),
                    importers: Vec::new(),
                })
            })
            .collect()
    })
}

/// In `dependencies`, used only by tooling; sorted by name.
pub fn only_in_tooling(ctx: &Context<'_>) -> Vec<Finding> {
    per_workspace(ctx, |ws, usage, _| {
        ws.manifest
            .dependencies
            .iter()
            .filter(|dep| !dep.starts_with("@types/"))
            .filter(|dep| {
                usage
                    .get(*dep)
                    .is_some_and(|u| u.tooling && !u.production && !u.production_types)
            })
            .map(|dep| {
                let importers: Vec<String> = usage
                    .get(dep)
                    .map(|u| u.importers.iter().cloned().collect())
                    .unwrap_or_default();
                let message = match importers.first() {
                    Some(first) => format!(
                        "only tooling uses it ({first}{}); move it to devDependencies",
                        if importers.len() > 1 { ", …" } else { "" }
                    ),
                    None => {
                        "only configs and scripts use it; move it to devDependencies".to_string()
                    }
                };
                Finding::new(
                    FindingKind::DependenciesOnlyInTooling,
                    dep.clone(),
                    dep.clone(),
                    message,
                )
                .with_detail(Detail::Dependency {
                    name: dep.clone(),
                    importers,
                })
            })
            .collect()
    })
}

/// In `devDependencies` only, imported (a value) by code that ships.
pub fn dev_in_production(ctx: &Context<'_>) -> Vec<Finding> {
    per_workspace(ctx, |ws, usage, _| {
        let m = &ws.manifest;
        m.dev_dependencies
            .iter()
            .filter(|dep| {
                !dep.starts_with("@types/")
                    && !m.dependencies.contains(*dep)
                    && !m.peer_dependencies.contains(*dep)
                    && !m.optional_dependencies.contains(*dep)
            })
            .filter_map(|dep| {
                let u = usage.get(dep)?;
                if u.production_importers.is_empty() {
                    return None;
                }
                let importers: Vec<String> = u.production_importers.iter().cloned().collect();
                Some(
                    Finding::new(
                        FindingKind::DevDependenciesInProduction,
                        dep.clone(),
                        dep.clone(),
                        format!(
                            "imported by code that ships ({}); move it to dependencies",
                            importers.join(", ")
                        ),
                    )
                    .with_detail(Detail::Dependency {
                        name: dep.clone(),
                        importers,
                    }),
                )
            })
            .collect()
    })
}

/// Imported, not listed; sorted by name.
pub fn unlisted(ctx: &Context<'_>) -> Vec<Finding> {
    per_workspace(ctx, |ws, usage, hoisted| {
        usage
            .iter()
            .filter(|(name, u)| {
                u.imported
                    && !ws.manifest.lists(name)
                    && ws.name.as_deref() != Some(name.as_str())
                    && !hoisted.contains(name)
                    // A type-only import is listed by its `@types` package.
                    && !(u.types_only && ws.manifest.lists(&types_of(name)))
            })
            .map(|(name, u)| unlisted_finding(name, u.importers.iter().cloned().collect()))
            .collect()
    })
}

/// The `unused-dependencies` finding of a dependency.
pub fn unused_finding(name: &str) -> Finding {
    Finding::new(FindingKind::UnusedDependencies, name, name, "").with_detail(Detail::Dependency {
        name: name.to_string(),
        importers: Vec::new(),
    })
}

/// The `unlisted-dependencies` finding of a package the modules `importers`
/// import without their `package.json` listing it.
pub fn unlisted_finding(name: &str, importers: Vec<String>) -> Finding {
    Finding::new(
        FindingKind::UnlistedDependencies,
        name,
        name,
        format!("imported by {}", importers.join(", ")),
    )
    .with_detail(Detail::Dependency {
        name: name.to_string(),
        importers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::WorkspaceFacts;
    use crate::graph::test_graph::{GraphBuilder, names};
    use crate::plugins::Found;
    use std::path::PathBuf;

    fn workspace(path: &str, dir: &str) -> WorkspaceFacts {
        WorkspaceFacts {
            path: path.to_string(),
            dir: PathBuf::from(dir),
            name: None,
            manifest: Manifest::default(),
            found: Found::default(),
        }
    }

    /// (production, production types, tooling, importers, production
    /// importers, imported, types only).
    type Flags = (bool, bool, bool, Vec<String>, Vec<String>, bool, bool);

    fn flags(u: &Usage) -> Flags {
        (
            u.production,
            u.production_types,
            u.tooling,
            u.importers.iter().cloned().collect(),
            u.production_importers.iter().cloned().collect(),
            u.imported,
            u.types_only,
        )
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn an_import_records_who_uses_the_package_and_how() {
        let mut usage = Usage::imported();
        usage.record_import("src/types.ts", true, true);
        assert_eq!(
            flags(&usage),
            (
                false,
                true,
                false,
                strings(&["src/types.ts"]),
                vec![],
                true,
                true
            )
        );
        usage.record_import("src/a.test.ts", false, false);
        usage.record_import("src/app.ts", true, false);
        assert_eq!(
            flags(&usage),
            (
                true,
                true,
                true,
                strings(&["src/a.test.ts", "src/app.ts", "src/types.ts"]),
                strings(&["src/app.ts"]),
                true,
                false
            )
        );
    }

    #[test]
    fn an_import_uses_its_targets_package_or_a_workspace_package() {
        let mut b = GraphBuilder::new();
        let app = b.module("src/app.ts", 1);
        let react = b.module("node_modules/react/index.js", 1);
        let sibling = b.module("packages/ui/src/index.ts", 1);
        let aliased = b.module("src/utils/index.ts", 1);
        let static_ = EdgeKind::Static;
        // Resolved into node_modules: the installed package, whatever the specifier.
        b.import(app, "react/jsx-runtime", Some(react), static_, names(&[]));
        b.import(app, "@acme/ui", Some(sibling), static_, names(&[]));
        b.import(app, "utils", Some(aliased), static_, names(&[]));
        b.import(app, "lodash/get", None, static_, names(&[]));
        b.import(app, "./gone", None, static_, names(&[]));
        b.graph.workspace_packages = strings(&["@acme/ui"]);
        let graph = b.graph;
        let packages: Vec<Option<String>> = graph.graph[app]
            .imports
            .iter()
            .map(|i| imported_package(&graph, i))
            .collect();
        assert_eq!(
            packages,
            [
                Some("react".to_string()),
                Some("@acme/ui".to_string()),
                None,
                Some("lodash".to_string()),
                None,
            ]
        );
    }

    #[test]
    fn imports_count_for_the_workspace_that_holds_the_module() {
        let mut b = GraphBuilder::new();
        b.graph.workspaces = vec![
            workspace(".", "/p"),
            workspace("packages/a", "/p/packages/a"),
        ];
        let root_app = b.module("src/app.ts", 1);
        let ws_app = b.module("packages/a/src/index.ts", 1);
        let ws_test = b.module("packages/a/src/index.test.ts", 1);
        let outside = b.module("../sibling/src/index.ts", 1);
        b.node(outside).abs = PathBuf::from("/sibling/src/index.ts");
        let package = b.module("node_modules/x/index.js", 1);
        b.node(ws_test).role = Role::Tooling;
        let (static_, types) = (EdgeKind::Static, EdgeKind::TypeOnly);
        b.import(root_app, "react", None, static_, names(&[]));
        b.import(ws_app, "react", None, types, names(&[]));
        b.import(ws_app, "node:fs", None, static_, names(&[]))
            .builtin = true;
        b.import(ws_test, "vitest", None, static_, names(&[]));
        b.import(ws_test, "node:path", None, static_, names(&[]))
            .builtin = true;
        // Not the project's: a sibling outside the root, an installed package.
        b.import(outside, "left-pad", None, static_, names(&[]));
        b.import(package, "y", None, static_, names(&[]));
        let (out, builtins) = import_usages(&b.graph);
        assert_eq!(builtins, [(false, false), (true, true)]);
        let summary = |map: &BTreeMap<String, Usage>| -> Vec<(String, Flags)> {
            map.iter().map(|(k, u)| (k.clone(), flags(u))).collect()
        };
        let app = strings(&["src/app.ts"]);
        assert_eq!(
            summary(&out[0]),
            [(
                "react".to_string(),
                (true, false, false, app.clone(), app, true, false)
            )]
        );
        let index = strings(&["packages/a/src/index.ts"]);
        let test = strings(&["packages/a/src/index.test.ts"]);
        assert_eq!(
            summary(&out[1]),
            [
                (
                    "react".to_string(),
                    (false, true, false, index, vec![], true, true)
                ),
                (
                    "vitest".to_string(),
                    (false, false, true, test, vec![], true, false)
                ),
            ]
        );
    }

    #[test]
    fn packages_configs_name_are_used_by_their_role() {
        let mut map = BTreeMap::new();
        let used = |name: &str, role| UsedPackage {
            name: name.to_string(),
            role,
            why: "test".to_string(),
        };
        add_plugin_uses(
            &mut map,
            &[
                used("vite", Role::Tooling),
                used("tailwindcss", Role::Production),
            ],
        );
        let roles: Vec<(&str, bool, bool, bool)> = map
            .iter()
            .map(|(k, u)| (k.as_str(), u.production, u.tooling, u.imported))
            .collect();
        assert_eq!(
            roles,
            [
                ("tailwindcss", true, false, false),
                ("vite", false, true, false)
            ]
        );
    }

    #[test]
    fn types_packages_are_used_by_tooling_where_their_package_is() {
        let manifest = Manifest {
            dev_dependencies: strings(&[
                "@types/babel__core",
                "@types/node",
                "@types/react",
                "@types/unused",
            ])
            .into_iter()
            .collect(),
            dependencies: strings(&["@types/lodash", "react"]).into_iter().collect(),
            ..Manifest::default()
        };
        let mut map = BTreeMap::new();
        map.insert(
            "react".to_string(),
            Usage {
                production: true,
                ..Usage::default()
            },
        );
        map.insert(
            "@babel/core".to_string(),
            Usage {
                tooling: true,
                ..Usage::default()
            },
        );
        map.insert(
            "lodash".to_string(),
            Usage {
                production_types: true,
                ..Usage::default()
            },
        );
        add_types_uses(Some(&manifest), (false, true), &mut map);
        let tooling: Vec<&str> = map
            .iter()
            .filter(|(k, u)| k.starts_with("@types/") && u.tooling && !u.production)
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(
            tooling,
            [
                "@types/babel__core",
                "@types/lodash",
                "@types/node",
                "@types/react"
            ]
        );
        assert!(!map.contains_key("@types/unused"));
        // Built-ins used by nothing: `@types/node` is not used.
        let mut none = BTreeMap::new();
        add_types_uses(Some(&manifest), (false, false), &mut none);
        assert!(none.is_empty());
    }

    #[test]
    fn only_required_peers_count() {
        let json = serde_json::json!({
            "peerDependencies": { "@testing-library/dom": "^10", "@types/react": "^18", "react": "^18" },
            "peerDependenciesMeta": { "@types/react": { "optional": true }, "react": { "optional": false } }
        });
        assert_eq!(required_peers(&json), ["@testing-library/dom", "react"]);
        assert!(required_peers(&serde_json::json!({ "name": "x" })).is_empty());
        let typed: Peers = serde_json::from_value(json).unwrap();
        assert_eq!(typed.required(), ["@testing-library/dom", "react"]);
    }

    #[test]
    fn required_peers_are_used_with_their_package_and_say_why() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let install = |name: &str, json: serde_json::Value| {
            let folder = root.join("node_modules").join(name);
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(folder.join("package.json"), json.to_string()).unwrap();
        };
        install(
            "@testing-library/react",
            serde_json::json!({
                "peerDependencies": { "@testing-library/dom": "^10", "@types/react": "^18", "react-dom": "^18" },
                "peerDependenciesMeta": { "@types/react": { "optional": true } }
            }),
        );
        install(
            "react-dom",
            serde_json::json!({ "peerDependencies": { "react": "^18" } }),
        );
        let mut b = GraphBuilder::new();
        b.graph.root = root.clone();
        let mut map = BTreeMap::new();
        map.insert(
            "@testing-library/react".to_string(),
            Usage {
                tooling: true,
                ..Usage::default()
            },
        );
        let credits = add_peer_uses(&b.graph, Some(root.as_path()), &mut map);
        let summary: Vec<(&str, Role, &str)> = credits
            .iter()
            .map(|c| (c.name.as_str(), c.role, c.why.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "@testing-library/dom",
                    Role::Tooling,
                    "a required peer dependency of `@testing-library/react`"
                ),
                (
                    "react-dom",
                    Role::Tooling,
                    "a required peer dependency of `@testing-library/react`"
                ),
                (
                    "react",
                    Role::Tooling,
                    "a required peer dependency of `react-dom`"
                ),
            ]
        );
        assert!(
            !map.contains_key("@types/react"),
            "an optional peer is not used"
        );
        assert!(map["react"].tooling && !map["react"].production);
    }
}
