//! **Dependencies**: each workspace's `package.json` against what uses its
//! packages: imports from its modules (production or tooling), packages its
//! configuration files and scripts name (plugins), `@types/x` when `x` is
//! used (`@types/node` with Node.js built-ins), peer dependencies of used
//! installed packages, `typescript` with a `tsconfig.json`.
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

use model::analyze::{EdgeKind, Role, UnlistedDependency, legacy};
use model::finding::{Detail, Finding, FindingKind};

use super::Context;
use crate::graph::ModuleGraph;
use project::fsx;

/// How one workspace uses one package.
#[derive(Debug, Clone, Default)]
struct Usage {
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
    let mut out: Vec<BTreeMap<String, Usage>> =
        vec![BTreeMap::new(); graph.workspaces.len().max(1)];
    let mut builtins = vec![(false, false); out.len()];
    let owner = |abs: &std::path::Path| -> usize {
        graph
            .workspaces
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, w)| project::fsx::is_under(abs, &w.dir))
            .max_by_key(|(_, w)| w.dir.as_os_str().len())
            .map_or(0, |(i, _)| i)
    };
    for node in graph.graph.node_weights().filter(|n| n.is_project()) {
        let ws = owner(&node.abs);
        // A sibling workspace outside the analysed root answers for its own imports.
        if graph
            .workspaces
            .get(ws)
            .is_some_and(|w| !project::fsx::is_under(&node.abs, &w.dir))
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
            let target = import.target.and_then(|t| graph.graph.node_weight(t));
            let package = match target {
                Some(t) => match &t.package {
                    Some(p) => Some(p.name.clone()),
                    // Into the project: a workspace package, or an alias.
                    None => import
                        .package
                        .clone()
                        .filter(|p| graph.workspace_packages.contains(p)),
                },
                None => import.package.clone(),
            };
            let Some(package) = package else { continue };
            let types = import.fact.kind == EdgeKind::TypeOnly;
            let usage = out[ws].entry(package).or_insert_with(|| Usage {
                types_only: true,
                ..Usage::default()
            });
            usage.imported = true;
            usage.importers.insert(node.path.clone());
            usage.types_only &= types;
            match (production, types) {
                (true, false) => {
                    usage.production = true;
                    usage.production_importers.insert(node.path.clone());
                }
                (true, true) => usage.production_types = true,
                (false, _) => usage.tooling = true,
            }
        }
    }
    for (ws, facts) in graph.workspaces.iter().enumerate() {
        for used in &facts.found.used {
            let usage = out[ws].entry(used.name.clone()).or_default();
            match used.role {
                Role::Production => usage.production = true,
                Role::Tooling => usage.tooling = true,
            }
        }
    }
    for (ws, map) in out.iter_mut().enumerate() {
        let facts = graph.workspaces.get(ws);
        // Peer dependencies of used, installed packages are used with them.
        let used: Vec<(String, Usage)> = map
            .iter()
            .filter(|(_, u)| u.any())
            .map(|(k, u)| (k.clone(), u.clone()))
            .collect();
        for (package, usage) in used {
            for peer in peers(graph, facts.map(|f| f.dir.as_path()), &package) {
                let slot = map.entry(peer).or_default();
                slot.production |= usage.production;
                slot.production_types |= usage.production_types;
                slot.tooling |= usage.tooling;
            }
        }
        // `@types/x` is used where `x` is.
        let listed: Vec<String> = facts
            .map(|f| {
                f.manifest
                    .dev_dependencies
                    .iter()
                    .chain(&f.manifest.dependencies)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        for types in listed.iter().filter(|d| d.starts_with("@types/")) {
            let Some(base) = typed_package(types) else {
                continue;
            };
            let (prod, tooling) = match base.as_str() {
                "node" => builtins[ws],
                _ => map.get(&base).map_or((false, false), |u| {
                    (u.production || u.production_types, u.tooling)
                }),
            };
            if prod || tooling {
                let slot = map.entry(types.clone()).or_default();
                // Types never ship: their use is tooling's.
                slot.tooling = true;
            }
        }
    }
    out
}

/// `peerDependencies` of an installed package, looked up beside the
/// workspace and at the root.
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
        let Ok(json) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
            continue;
        };
        return json
            .get("peerDependencies")
            .and_then(|p| p.as_object())
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
    }
    Vec::new()
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
            .map(|dep| legacy::unused_dependency(dep))
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
            .map(|(name, u)| {
                legacy::unlisted_dependency(&UnlistedDependency {
                    name: name.clone(),
                    importers: u.importers.iter().cloned().collect(),
                })
            })
            .collect()
    })
}
