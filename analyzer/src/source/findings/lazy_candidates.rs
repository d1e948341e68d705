//! **Lazy-loading candidates**: code that could leave the initial load.
//!
//! - `dynamic-also-static`: a module is `import()`-ed somewhere but an entry
//!   also reaches it through static imports, so the split does nothing. The
//!   static path (shortest, from an entry) is given. Fix: remove the static
//!   import (or import only types from it).
//! - `exclusive-subgraph`: a module (with everything only it pulls in) that
//!   one importer alone brings into the initial load — its immediate dominator
//!   in the static graph is that importer. Turning that import into
//!   `import()` saves the bytes it dominates (modules still needed statically
//!   elsewhere are not dominated, so they are not counted). Fix: `import()` /
//!   `React.lazy` where it is used on demand.
//!
//! Ranked by raw bytes saved; exclusive subgraphs under `lazy_min_bytes` and
//! entries are skipped. By default only imports of packages qualify as
//! exclusive subgraphs (`lazy_first_party` adds the project's own modules:
//! every page import qualifies then, which is mostly noise). The dominator tree (Cooper–Harvey–Kennedy, petgraph)
//! of the static graph from a virtual root joined to all entries gives every
//! module's exclusive subgraph in one pass.

use std::collections::VecDeque;

use model::Finding;
use model::analyze::{EdgeKind, LazyCandidate, LazyReason, Role, legacy};
use petgraph::algo::dominators::simple_fast;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use rayon::prelude::*;

use super::Context;
use crate::source::estimate;
use crate::source::graph::{ModuleGraph, ModuleType};

/// A candidate with the modules that would leave the initial load.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The report entry (without the gzip estimate).
    pub finding: LazyCandidate,
    /// The modules that would leave (the dominated subgraph).
    pub modules: Vec<NodeIndex>,
}

/// The static-runtime dominator tree: for each module, the modules it dominates.
struct DomTree {
    /// Children in the dominator tree, by node index (root = `n`).
    children: Vec<Vec<usize>>,
    /// Reached from an entry through static edges.
    reachable: Vec<bool>,
    /// Immediate dominator of each node.
    idom: Vec<Option<usize>>,
}

fn dominator_tree(graph: &ModuleGraph) -> DomTree {
    let g = &graph.graph;
    let n = g.node_count();
    let mut stat: DiGraph<(), ()> =
        DiGraph::with_capacity(n + 1, g.edge_count() + graph.entries.len());
    for _ in 0..=n {
        stat.add_node(());
    }
    for e in g.edge_references() {
        if e.weight().kind.is_static_runtime() {
            stat.add_edge(e.source(), e.target(), ());
        }
    }
    let root = NodeIndex::new(n);
    // Only what ships: tests and configs load modules too, but never in
    // the initial load of a page.
    for (entry, _, role) in &graph.entries {
        if *role == Role::Production {
            stat.add_edge(root, *entry, ());
        }
    }
    let doms = simple_fast(&stat, root);
    let mut children = vec![Vec::new(); n + 1];
    let mut reachable = vec![false; n + 1];
    let mut idoms = vec![None; n + 1];
    for (v, slot) in reachable.iter_mut().enumerate().take(n) {
        if let Some(idom) = doms.immediate_dominator(NodeIndex::new(v)) {
            *slot = true;
            idoms[v] = Some(idom.index());
            if let Some(c) = children.get_mut(idom.index()) {
                c.push(v);
            }
        }
    }
    DomTree {
        children,
        reachable,
        idom: idoms,
    }
}

impl DomTree {
    /// Whether `a` dominates `b` (walks `b`'s dominator chain).
    fn dominates(&self, a: usize, b: usize) -> bool {
        let mut cur = Some(b);
        let mut steps = 0;
        while let Some(x) = cur {
            if x == a {
                return true;
            }
            steps += 1;
            if steps > self.idom.len() {
                return false;
            }
            cur = self.idom.get(x).copied().flatten();
        }
        false
    }

    /// `v` and every module it dominates.
    fn subtree(&self, v: usize) -> Vec<NodeIndex> {
        let mut out = Vec::new();
        let mut stack = vec![v];
        while let Some(x) = stack.pop() {
            out.push(NodeIndex::new(x));
            if let Some(c) = self.children.get(x) {
                stack.extend(c.iter().copied());
            }
        }
        out
    }
}

/// Shortest static path from an entry to every module: parent pointers.
fn static_parents(graph: &ModuleGraph) -> Vec<Option<NodeIndex>> {
    let g = &graph.graph;
    let mut parent: Vec<Option<NodeIndex>> = vec![None; g.node_count()];
    let mut seen = vec![false; g.node_count()];
    let mut queue = VecDeque::new();
    for (entry, _, role) in &graph.entries {
        if *role == Role::Production && !seen[entry.index()] {
            seen[entry.index()] = true;
            queue.push_back(*entry);
        }
    }
    while let Some(v) = queue.pop_front() {
        for e in g.edges(v) {
            if e.weight().kind.is_static_runtime() && !seen[e.target().index()] {
                seen[e.target().index()] = true;
                parent[e.target().index()] = Some(v);
                queue.push_back(e.target());
            }
        }
    }
    parent
}

/// The candidates, ranked by bytes saved; the top `lazy_estimate_top` get a
/// minified + gzip estimate of what they would save.
pub fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let config = ctx.config;
    let mut found = candidates(ctx.graph, config.lazy_min_bytes, config.lazy_first_party);
    let cache = estimate::MinifyCache::default();
    found
        .par_iter_mut()
        .take(config.lazy_estimate_top)
        .for_each(|candidate| {
            candidate.finding.gzip_saved_estimate =
                Some(estimate::estimate(ctx.graph, &candidate.modules, &cache));
        });
    for diagnostic in cache.into_diagnostics() {
        ctx.diagnose(diagnostic);
    }
    found
        .iter()
        .map(|c| legacy::lazy_candidate(&c.finding))
        .collect()
}

/// All candidates, ranked by bytes saved (then importer, module).
pub fn candidates(graph: &ModuleGraph, min_bytes: u64, first_party: bool) -> Vec<Candidate> {
    let g = &graph.graph;
    let tree = dominator_tree(graph);
    let is_entry = |v: NodeIndex| graph.entries.iter().any(|(e, _, _)| *e == v);
    let bytes_of = |nodes: &[NodeIndex]| -> u64 {
        nodes
            .iter()
            .filter_map(|i| g.node_weight(*i))
            .map(|n| n.bytes)
            .sum()
    };
    let path_of = |v: NodeIndex| g.node_weight(v).map(|n| n.path.clone()).unwrap_or_default();
    let mut out = Vec::new();

    // (a) import() defeated by a static path.
    let parents = static_parents(graph);
    for e in g.edge_references() {
        if e.weight().kind != EdgeKind::Dynamic {
            continue;
        }
        let (importer, module) = (e.source(), e.target());
        if !tree.reachable.get(module.index()).copied().unwrap_or(false) {
            continue;
        }
        let Some(import) = g
            .node_weight(importer)
            .and_then(|n| n.imports.get(e.weight().import))
        else {
            continue;
        };
        let mut path = vec![module];
        let mut cur = module;
        while let Some(p) = parents.get(cur.index()).copied().flatten() {
            path.push(p);
            cur = p;
            if path.len() > g.node_count() {
                break;
            }
        }
        path.reverse();
        let modules = tree.subtree(module.index());
        out.push(Candidate {
            finding: LazyCandidate {
                importer: path_of(importer),
                specifier: import.fact.specifier.clone(),
                module: path_of(module),
                bytes_saved: bytes_of(&modules),
                gzip_saved_estimate: None,
                modules_saved: modules.len(),
                reason: LazyReason::DynamicAlsoStatic,
                static_path: path.into_iter().map(path_of).collect(),
                line: import.fact.line,
            },
            modules,
        });
    }

    // (b) exclusive static subgraphs.
    for (idom, children) in tree.children.iter().enumerate() {
        let importer = NodeIndex::new(idom);
        let Some(importer_node) = g.node_weight(importer) else {
            continue; // the virtual root
        };
        if !importer_node.is_project() {
            continue;
        }
        for &child in children {
            let module = NodeIndex::new(child);
            let Some(module_node) = g.node_weight(module) else {
                continue;
            };
            if is_entry(module)
                || !matches!(module_node.module_type, ModuleType::Js | ModuleType::Json)
                || (!first_party && module_node.is_project())
            {
                continue;
            }
            let Some(edge) = g.edges_connecting(importer, module).find(|e| {
                matches!(
                    e.weight().kind,
                    EdgeKind::Static | EdgeKind::SideEffect | EdgeKind::Require
                )
            }) else {
                continue;
            };
            // Turning the edge into import() only helps when no other static
            // importer keeps the module (importers inside its own subgraph aside).
            let kept_elsewhere = g
                .edges_directed(module, petgraph::Direction::Incoming)
                .any(|e| {
                    e.weight().kind.is_static_runtime()
                        && e.source() != importer
                        && !tree.dominates(child, e.source().index())
                });
            if kept_elsewhere {
                continue;
            }
            let modules = tree.subtree(child);
            let bytes = bytes_of(&modules);
            if bytes < min_bytes {
                continue;
            }
            let Some(import) = importer_node.imports.get(edge.weight().import) else {
                continue;
            };
            out.push(Candidate {
                finding: LazyCandidate {
                    importer: importer_node.path.clone(),
                    specifier: import.fact.specifier.clone(),
                    module: module_node.path.clone(),
                    bytes_saved: bytes,
                    gzip_saved_estimate: None,
                    modules_saved: modules.len(),
                    reason: LazyReason::ExclusiveSubgraph,
                    static_path: Vec::new(),
                    line: import.fact.line,
                },
                modules,
            });
        }
    }
    out.sort_by(|a, b| {
        b.finding
            .bytes_saved
            .cmp(&a.finding.bytes_saved)
            .then_with(|| a.finding.importer.cmp(&b.finding.importer))
            .then_with(|| a.finding.module.cmp(&b.finding.module))
            .then_with(|| a.finding.reason.cmp(&b.finding.reason))
    });
    out
}
