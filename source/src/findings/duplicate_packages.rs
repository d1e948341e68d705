//! **Duplicate packages**: one package name reached at two or more install
//! folders (usually two versions).
//!
//! Why it matters: every copy ships, and stateful libraries (React, styled
//! components) break when two copies meet. Fix: align the version ranges, or
//! dedupe the lockfile (`npm dedupe`, `pnpm dedupe`), or add an override.

use std::collections::{BTreeMap, BTreeSet};

use model::analyze::{DuplicatePackage, PackageInstance, Role};
use model::{Detail, Finding, FindingKind};

use super::Context;

#[derive(Default)]
struct Copy {
    bytes: u64,
    importers: BTreeSet<String>,
}

/// Packages with more than one reached copy, sorted by name; instances by path.
pub fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let graph = ctx.graph;
    let g = &graph.graph;
    let mut copies: BTreeMap<&str, BTreeMap<&str, Copy>> = BTreeMap::new();
    // Only packages that ship: a test or a dev server may pull a second copy
    // of something without it ever reaching users.
    for node in g.node_weights().filter(|n| n.role == Role::Production) {
        if let Some(pkg) = &node.package {
            copies
                .entry(pkg.name.as_str())
                .or_default()
                .entry(pkg.install_path.as_str())
                .or_default()
                .bytes += node.bytes;
        }
    }
    for edge in g.edge_indices() {
        let Some((from, to)) = g.edge_endpoints(edge) else {
            continue;
        };
        let (Some(from), Some(to)) = (g.node_weight(from), g.node_weight(to)) else {
            continue;
        };
        if from.role != Role::Production {
            continue;
        }
        let Some(pkg) = &to.package else { continue };
        if from
            .package
            .as_ref()
            .is_some_and(|p| p.install_path == pkg.install_path)
        {
            continue;
        }
        if let Some(copy) = copies
            .get_mut(pkg.name.as_str())
            .and_then(|c| c.get_mut(pkg.install_path.as_str()))
        {
            copy.importers.insert(from.path.clone());
        }
    }
    copies
        .into_iter()
        .filter(|(_, dirs)| dirs.len() > 1)
        .map(|(name, dirs)| DuplicatePackage {
            name: name.to_string(),
            instances: dirs
                .into_iter()
                .map(|(dir, copy)| PackageInstance {
                    version: graph.package_versions.get(dir).cloned().flatten(),
                    path: dir.to_string(),
                    bytes: copy.bytes,
                    importers: copy.importers.into_iter().collect(),
                })
                .collect(),
        })
        .map(|d: DuplicatePackage| finding(&d))
        .collect()
}

/// The `duplicate-packages` finding of a package installed more than once.
pub fn finding(d: &DuplicatePackage) -> Finding {
    let copies: Vec<String> = d
        .instances
        .iter()
        .map(|i| format!("{}@{}", i.path, i.version.as_deref().unwrap_or("?")))
        .collect();
    Finding::new(
        FindingKind::DuplicatePackages,
        d.name.clone(),
        d.name.clone(),
        format!("{} copies: {}", d.instances.len(), copies.join(", ")),
    )
    .with_detail(Detail::Package(d.clone()))
}
