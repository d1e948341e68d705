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

use model::analyze::UnlistedDependency;

use crate::source::graph::ModuleGraph;

/// Both dependency findings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DependencyFindings {
    /// Listed in `dependencies`, never imported; sorted.
    pub unused: Vec<String>,
    /// Imported, not listed; sorted by name.
    pub unlisted: Vec<UnlistedDependency>,
}

/// `@types/babel__core` → `@babel/core`, `@types/react` → `react`.
fn typed_package(types: &str) -> Option<String> {
    let base = types.strip_prefix("@types/")?;
    Some(match base.split_once("__") {
        Some((scope, name)) => format!("@{scope}/{name}"),
        None => base.to_string(),
    })
}

/// Runs both checks.
pub fn run(graph: &ModuleGraph) -> DependencyFindings {
    let manifest = &graph.manifest;
    let mut imported: BTreeSet<&str> = BTreeSet::new();
    let mut builtins = false;
    let mut unlisted: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for node in graph.graph.node_weights().filter(|n| n.is_project()) {
        for import in &node.imports {
            if import.builtin {
                builtins = true;
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
            imported.insert(package.as_str());
            if manifest.present
                && !manifest.lists(package)
                && manifest.name.as_deref() != Some(package.as_str())
            {
                unlisted
                    .entry(package.clone())
                    .or_default()
                    .insert(node.path.clone());
            }
        }
    }
    let unused = if manifest.present {
        manifest
            .dependencies
            .iter()
            .filter(|dep| {
                if imported.contains(dep.as_str()) {
                    return false;
                }
                match typed_package(dep) {
                    Some(base) => !(imported.contains(base.as_str()) || base == "node" && builtins),
                    None => true,
                }
            })
            .cloned()
            .collect()
    } else {
        Vec::new()
    };
    DependencyFindings {
        unused,
        unlisted: unlisted
            .into_iter()
            .map(|(name, importers)| UnlistedDependency {
                name,
                importers: importers.into_iter().collect(),
            })
            .collect(),
    }
}
