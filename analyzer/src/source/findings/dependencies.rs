//! **Unused and unlisted dependencies**: `package.json` against what the
//! project's modules import.
//!
//! Why it matters: unused dependencies slow installs and audits; unlisted ones
//! work by accident (hoisting) and break on a clean install. Fix: remove the
//! unused ones, add the unlisted ones.
//!
//! Only `dependencies` are checked for unused (dev, peer and optional
//! dependencies are mostly used by tools, not imported). `@types/x` counts as
//! used when `x` is imported (`@types/node` when a Node.js built-in is).
//! Node.js built-ins are never unlisted; specifiers that resolve inside the
//! project (tsconfig aliases) are not packages.

use std::collections::{BTreeMap, BTreeSet};

use model::Finding;
use model::analyze::{UnlistedDependency, legacy};

use super::Context;
use crate::source::graph::ModuleGraph;

/// `@types/babel__core` → `@babel/core`, `@types/react` → `react`.
fn typed_package(types: &str) -> Option<String> {
    let base = types.strip_prefix("@types/")?;
    Some(match base.split_once("__") {
        Some((scope, name)) => format!("@{scope}/{name}"),
        None => base.to_string(),
    })
}

/// What the project's modules import from packages.
struct Imports<'g> {
    /// Package names imported (resolving outside the project).
    packages: BTreeSet<&'g str>,
    /// Whether a Node.js built-in is imported.
    builtins: bool,
    /// Imported packages `package.json` does not list, with their importers.
    unlisted: BTreeMap<&'g str, BTreeSet<&'g str>>,
}

fn imports(graph: &ModuleGraph) -> Imports<'_> {
    let manifest = &graph.manifest;
    let mut out = Imports {
        packages: BTreeSet::new(),
        builtins: false,
        unlisted: BTreeMap::new(),
    };
    for node in graph.graph.node_weights().filter(|n| n.is_project()) {
        for import in &node.imports {
            if import.builtin {
                out.builtins = true;
                continue;
            }
            let Some(package) = &import.package else {
                continue;
            };
            let resolves_into_project = import
                .target
                .and_then(|t| graph.graph.node_weight(t))
                .is_some_and(|t| t.is_project());
            if resolves_into_project {
                continue;
            }
            out.packages.insert(package.as_str());
            if manifest.present
                && !manifest.lists(package)
                && manifest.name.as_deref() != Some(package.as_str())
            {
                out.unlisted
                    .entry(package.as_str())
                    .or_default()
                    .insert(node.path.as_str());
            }
        }
    }
    out
}

/// Listed in `dependencies`, never imported; sorted by name.
pub fn unused(ctx: &Context<'_>) -> Vec<Finding> {
    let graph = ctx.graph;
    if !graph.manifest.present {
        return Vec::new();
    }
    let used = imports(graph);
    graph
        .manifest
        .dependencies
        .iter()
        .filter(|dep| {
            if used.packages.contains(dep.as_str()) {
                return false;
            }
            match typed_package(dep) {
                Some(base) => {
                    !(used.packages.contains(base.as_str()) || base == "node" && used.builtins)
                }
                None => true,
            }
        })
        .map(|dep| legacy::unused_dependency(dep))
        .collect()
}

/// Imported, not listed; sorted by name.
pub fn unlisted(ctx: &Context<'_>) -> Vec<Finding> {
    imports(ctx.graph)
        .unlisted
        .into_iter()
        .map(|(name, importers)| {
            legacy::unlisted_dependency(&UnlistedDependency {
                name: name.to_string(),
                importers: importers.into_iter().map(str::to_string).collect(),
            })
        })
        .collect()
}
