//! **Unused exports**: exported names that no module uses.
//!
//! Why it matters: an unused export keeps dead code alive (bundlers can only
//! drop it when they prove it unused) and widens a module's surface. Fix:
//! remove the `export` (or the code).
//!
//! Uses are followed through barrels: named re-exports (`export { a } from`),
//! `export *` and `export * as ns`. A namespace import (`import * as ns`)
//! uses the members read from it (`ns.a`), or everything when the namespace
//! escapes. `import()` used whole uses everything; destructured
//! (`const { a } = await import()`, `.then(({ a }) => …)`) only those names.
//! `require()` uses everything. Exports of entries are public API. Modules
//! with CommonJS exports and `node_modules` are not checked.

use std::collections::HashSet;

use model::Finding;
use model::analyze::{UnusedExport, legacy};
use petgraph::graph::NodeIndex;

use super::Context;
use crate::parse::{ExportOrigin, UsedNames};

/// Unused exports, sorted by path and line.
pub fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let graph = ctx.graph;
    let g = &graph.graph;
    let n = g.node_count();
    let mut all = vec![false; n];
    // Names borrow from the graph: no copies while propagating.
    let mut used: Vec<HashSet<&str>> = vec![HashSet::new(); n];
    // (module, name or `None` for every export, members used of that name
    // when it turns out to be a namespace).
    let mut work: Vec<(NodeIndex, Option<&str>, Option<&UsedNames>)> = Vec::new();

    for (entry, _, _) in &graph.entries {
        work.push((*entry, None, None));
    }
    for node in g.node_weights() {
        for import in &node.imports {
            let Some(target) = import.target else {
                continue;
            };
            match &import.fact.used {
                UsedNames::All => work.push((target, None, None)),
                UsedNames::Names(names) => work.extend(names.iter().map(|name| {
                    let members = import
                        .fact
                        .members
                        .iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, m)| m);
                    (target, Some(name.as_str()), members)
                })),
            }
        }
    }

    while let Some((m, name, members)) = work.pop() {
        let Some(node) = g.node_weight(m) else {
            continue;
        };
        let i = m.index();
        // A default import of a CommonJS module is its whole `module.exports`.
        let name = name.filter(|n| !(*n == "default" && node.cjs_exports));
        match name {
            None => {
                if all.get(i).copied().unwrap_or(true) {
                    continue;
                }
                all[i] = true;
                for export in &node.exports {
                    if let ExportOrigin::ReExport { specifier, import } = &export.origin
                        && let Some(target) = node.target_of(specifier)
                    {
                        work.push((target, import.as_deref(), None));
                    }
                }
                for spec in &node.star_exports {
                    if let Some(target) = node.target_of(spec) {
                        work.push((target, None, None));
                    }
                }
            }
            Some(name) => {
                if all.get(i).copied().unwrap_or(true) {
                    continue;
                }
                let first = used[i].insert(name);
                if !first && members.is_none() {
                    continue;
                }
                match node.exports.iter().find(|e| e.name == name) {
                    Some(export) => {
                        if let ExportOrigin::ReExport { specifier, import } = &export.origin
                            && let Some(target) = node.target_of(specifier)
                        {
                            match (import, members) {
                                // A namespace used member by member (`ns.used`).
                                (None, Some(UsedNames::Names(names))) => work
                                    .extend(names.iter().map(|n| (target, Some(n.as_str()), None))),
                                (None, _) => work.push((target, None, None)),
                                (Some(renamed), members) => {
                                    work.push((target, Some(renamed.as_str()), members))
                                }
                            }
                        }
                    }
                    None if name != "default" && first => {
                        for spec in &node.star_exports {
                            if let Some(target) = node.target_of(spec) {
                                work.push((target, Some(name), members));
                            }
                        }
                    }
                    None => {}
                }
            }
        }
    }

    let mut out = Vec::new();
    for idx in g.node_indices() {
        let Some(node) = g.node_weight(idx) else {
            continue;
        };
        let i = idx.index();
        // Modules of a sibling workspace (outside the analysed root) may be
        // used by workspaces this run does not see.
        let outside = node.path.starts_with("../") || node.path.starts_with('/');
        if !node.is_project() || !node.parsed || node.commonjs || all[i] || outside {
            continue;
        }
        for export in &node.exports {
            if !used[i].contains(export.name.as_str()) {
                out.push(UnusedExport {
                    path: node.path.clone(),
                    name: export.name.clone(),
                    line: export.line,
                    type_only: export.type_only,
                });
            }
        }
    }
    out.sort_by(|a, b| (&a.path, a.line, &a.name).cmp(&(&b.path, b.line, &b.name)));
    out.iter()
        .map(|e| {
            let mut finding = legacy::unused_export(e);
            if graph.monorepo {
                finding.workspace = graph.workspace_of(&e.path).map(str::to_string);
            }
            finding
        })
        .collect()
}
