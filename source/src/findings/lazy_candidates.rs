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

use std::collections::{BTreeSet, VecDeque};

use model::analyze::{EdgeKind, LazyCandidate, LazyReason, Role, SavingSource, UseSite};
use model::{Detail, Finding, FindingKind};
use petgraph::algo::dominators::simple_fast;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use rayon::prelude::*;

use super::Context;
use crate::build_shares::BuildShares;
use crate::estimate;
use crate::graph::{Edge, ModuleGraph, ModuleNode, ModuleType};

/// A candidate with the modules that would leave the initial load.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The report entry (without the gzip estimate).
    pub finding: LazyCandidate,
    /// The modules that would leave (the dominated subgraph).
    pub modules: Vec<NodeIndex>,
    /// Packages (install paths) stopped at the package boundary whose code
    /// is part of the subgraph: its bytes are not all known until they are
    /// parsed (see [`crate::boundary`]).
    pub needs: std::collections::BTreeSet<String>,
}

/// The static-runtime dominator tree: for each module, the modules it dominates.
struct DomTree {
    /// Children in the dominator tree, by node index (root = `n`).
    children: Vec<Vec<usize>>,
    /// Reached from an entry through static edges.
    reachable: Vec<bool>,
    /// Immediate dominator of each node.
    idom: Vec<Option<usize>>,
    /// Nodes past the graph's and the root: the packages stopped at the
    /// boundary, by install path (see [`crate::boundary::virtual_edges`]).
    virtual_packages: Vec<String>,
}

fn dominator_tree(graph: &ModuleGraph) -> DomTree {
    let g = &graph.graph;
    let n = g.node_count();
    let (virtual_packages, virtual_edges) = crate::boundary::virtual_edges(graph, n + 1);
    let total = n + 1 + virtual_packages.len();
    let mut stat: DiGraph<(), ()> = DiGraph::with_capacity(
        total,
        g.edge_count() + graph.entries.len() + virtual_edges.len(),
    );
    for _ in 0..total {
        stat.add_node(());
    }
    for e in g.edge_references() {
        if e.weight().kind.is_static_runtime() {
            stat.add_edge(e.source(), e.target(), ());
        }
    }
    for (from, to) in virtual_edges {
        stat.add_edge(NodeIndex::new(from), NodeIndex::new(to), ());
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
    let mut children = vec![Vec::new(); total];
    let mut reachable = vec![false; total];
    let mut idoms = vec![None; total];
    for (v, slot) in reachable.iter_mut().enumerate() {
        if v == n {
            continue; // the root
        }
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
        virtual_packages,
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

    /// `v` and every module it dominates, with the packages stopped at the
    /// boundary whose code is part of it.
    fn subtree(&self, graph: &ModuleGraph, v: usize) -> (Vec<NodeIndex>, BTreeSet<String>) {
        let g = &graph.graph;
        let real = g.node_count();
        let mut out = Vec::new();
        let mut needs = BTreeSet::new();
        let mut stack = vec![v];
        while let Some(x) = stack.pop() {
            if let Some(node) = g.node_weight(NodeIndex::new(x)) {
                out.push(NodeIndex::new(x));
                if let Some(p) = &node.package
                    && graph.packages.stopped(&p.install_path)
                {
                    needs.insert(p.install_path.clone());
                }
            } else if let Some(p) = x
                .checked_sub(real + 1)
                .and_then(|k| self.virtual_packages.get(k))
                && graph.packages.stopped(p)
            {
                needs.insert(p.clone());
            }
            if let Some(c) = self.children.get(x) {
                stack.extend(c.iter().copied());
            }
        }
        (out, needs)
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

/// The candidates, ranked (see the module docs); the top
/// `lazy_estimate_top` get a production estimate, every one the build's bytes
/// when a build was analysed with the source.
pub fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let config = ctx.config;
    let graph = ctx.graph;
    let sized_by_build = ctx
        .build
        .filter(|b| crate::boundary::build_sizes_packages(b, graph));
    let mut found = match sized_by_build {
        // The packages not parsed are sized by the build below.
        Some(_) => {
            let mut all = sized_or_not(graph, 0, config.lazy_first_party);
            all.retain(|c| !c.needs.is_empty() || big_enough(c, config.lazy_min_bytes));
            all
        }
        None => candidates(graph, config.lazy_min_bytes, config.lazy_first_party),
    };
    let cache = estimate::MinifyCache::default();
    let side_effects = SideEffects::default();
    let top = config.lazy_estimate_top.min(found.len());
    // The top candidates as a production build keeps them: dead branches
    // dropped, and with them the imports only they held.
    let kept: Vec<bool> = found[..top]
        .par_iter_mut()
        .map(|candidate| {
            if !candidate.needs.is_empty() {
                return true; // its package code is not parsed: the build sizes it
            }
            if !production(graph, candidate, &cache, &side_effects) {
                return false;
            }
            // What is left may be too small to be worth a split.
            if candidate.finding.reason == LazyReason::ExclusiveSubgraph
                && candidate.finding.bytes_saved < config.lazy_min_bytes
            {
                return false;
            }
            candidate.finding.gzip_saved_estimate =
                Some(estimate::estimate(graph, &candidate.modules, &cache));
            candidate.finding.saving_source = SavingSource::Estimate;
            true
        })
        .collect();
    let mut keep = kept.into_iter().chain(std::iter::repeat(true));
    found.retain(|_| keep.next().unwrap_or(true));
    for diagnostic in cache.into_diagnostics() {
        ctx.diagnose(diagnostic);
    }
    if let Some(build) = ctx.build {
        from_build(ctx, build, &mut found);
    }
    // Sized by the build, or left out (its saving is not known).
    found.retain(|c| {
        c.needs.is_empty()
            || (c.finding.saving_source == SavingSource::Build
                && big_enough(c, config.lazy_min_bytes))
    });
    found.par_iter_mut().for_each(|c| {
        c.finding.use_site = use_site_of(graph, c);
        c.finding.saved_modules = saved_paths(graph, &c.modules);
        // The files of packages not parsed: those the build ships.
        if let Some(build) = ctx.build {
            for dir in &c.needs {
                let shipped = build.initial_under(dir);
                c.finding
                    .saved_modules
                    .extend(shipped.into_iter().map(|(path, _)| path.to_string()));
            }
            c.finding.saved_modules.sort();
            c.finding.saved_modules.dedup();
        }
    });
    rank(&mut found);
    found.iter().map(|c| finding(&c.finding)).collect()
}

/// The paths of the modules that would leave, sorted.
fn saved_paths(graph: &ModuleGraph, modules: &[NodeIndex]) -> Vec<String> {
    let mut paths: Vec<String> = modules
        .iter()
        .filter_map(|m| graph.graph.node_weight(*m))
        .map(|n| n.path.clone())
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// Final order: on-demand uses first, startup uses last (see
/// [`model::analyze::UseSite::tier`]); within a tier the larger saving first
/// (gzip from the build or the estimate before raw source bytes).
fn rank(found: &mut [Candidate]) {
    let key = |c: &Candidate| {
        let tier = c.finding.use_site.map_or(1, |s| s.tier());
        let measured = c.finding.gzip_saved().is_some();
        let amount = c.finding.gzip_saved().unwrap_or(c.finding.bytes_saved);
        (tier, !measured, std::cmp::Reverse(amount))
    };
    found.sort_by(|a, b| {
        key(a)
            .cmp(&key(b))
            .then_with(|| a.finding.importer.cmp(&b.finding.importer))
            .then_with(|| a.finding.module.cmp(&b.finding.module))
            .then_with(|| a.finding.reason.cmp(&b.finding.reason))
    });
}

/// Where the importer uses the candidate; `first-render` when an entry uses
/// it to render.
fn use_site_of(graph: &ModuleGraph, c: &Candidate) -> Option<UseSite> {
    let g = &graph.graph;
    let (idx, importer) = g
        .node_indices()
        .filter_map(|i| g.node_weight(i).map(|n| (i, n)))
        .find(|(_, n)| n.path == c.finding.importer)?;
    if !importer.parsed {
        return None;
    }
    let text = importer.text.as_deref()?;
    let site = crate::use_site::use_site(&importer.abs, text, &c.finding.specifier)?;
    let is_entry = graph.entries.iter().any(|(e, _, _)| *e == idx);
    Some(match site {
        UseSite::Render if is_entry => UseSite::FirstRender,
        other => other,
    })
}

/// Trims `candidate` to what a production build keeps. `false` when the
/// importer's own production code no longer imports it (nothing ships).
fn production(
    graph: &ModuleGraph,
    candidate: &mut Candidate,
    cache: &estimate::MinifyCache,
    side_effects: &SideEffects,
) -> bool {
    let g = &graph.graph;
    let Some(&root) = candidate.modules.first() else {
        return true;
    };
    if candidate.finding.reason == LazyReason::ExclusiveSubgraph {
        let importer = g
            .edges_directed(root, petgraph::Direction::Incoming)
            .find(|e| {
                g.node_weight(e.source())
                    .is_some_and(|n| n.path == candidate.finding.importer)
            })
            .map(|e| e.source());
        if let Some(importer) = importer
            && !edge_ships(
                graph,
                importer,
                root,
                &candidate.finding.specifier,
                cache,
                side_effects,
            )
        {
            return false;
        }
    }
    let inside: std::collections::HashSet<NodeIndex> = candidate.modules.iter().copied().collect();
    let mut seen = std::collections::HashSet::from([root]);
    let mut queue = VecDeque::from([root]);
    while let Some(v) = queue.pop_front() {
        for e in g.edges(v) {
            let to = e.target();
            if !e.weight().kind.is_static_runtime() || !inside.contains(&to) || seen.contains(&to) {
                continue;
            }
            let Some(import) = g
                .node_weight(v)
                .and_then(|n| n.imports.get(e.weight().import))
            else {
                continue;
            };
            if edge_ships(graph, v, to, &import.fact.specifier, cache, side_effects) {
                seen.insert(to);
                queue.push_back(to);
            }
        }
    }
    if seen.len() < candidate.modules.len() {
        candidate.modules.retain(|m| seen.contains(m));
        candidate.finding.modules_saved = candidate.modules.len();
        candidate.finding.bytes_saved = candidate
            .modules
            .iter()
            .filter_map(|m| g.node_weight(*m))
            .map(|n| n.bytes)
            .sum();
    }
    true
}

/// Whether the production build of `from` still brings `to` in: the import
/// survives minification with production values, or only its bindings went
/// unused and `to` may have side effects (a bundler keeps a module with side
/// effects; `sideEffects: false` in its package lets it go).
fn edge_ships(
    graph: &ModuleGraph,
    from: NodeIndex,
    to: NodeIndex,
    specifier: &str,
    cache: &estimate::MinifyCache,
    side_effects: &SideEffects,
) -> bool {
    match cache.liveness(graph, from, specifier) {
        estimate::Liveness::Live => true,
        estimate::Liveness::Gone => false,
        estimate::Liveness::Unused => !side_effects.free(graph, to),
    }
}

/// `sideEffects` of installed packages, read once per package.
#[derive(Default)]
struct SideEffects {
    packages: std::sync::Mutex<std::collections::HashMap<String, Option<Option<globset::GlobSet>>>>,
}

impl SideEffects {
    /// Whether the module at `to` is declared free of side effects by its
    /// package (`"sideEffects": false`, or a list its file is not in).
    fn free(&self, graph: &ModuleGraph, to: NodeIndex) -> bool {
        let Some(node) = graph.graph.node_weight(to) else {
            return false;
        };
        let Some(package) = &node.package else {
            return false;
        };
        let mut packages = self
            .packages
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let declared = packages
            .entry(package.install_path.clone())
            .or_insert_with(|| read_side_effects(&graph.root.join(&package.install_path)));
        let inside = node
            .path
            .strip_prefix(package.install_path.as_str())
            .map(|p| p.trim_start_matches('/'))
            .unwrap_or(&node.path);
        match declared {
            // `false`: nothing has side effects.
            Some(None) => true,
            Some(Some(with_effects)) => !with_effects.is_match(inside),
            None => false,
        }
    }
}

/// `None`: not declared (or unreadable); `Some(None)`: `false`;
/// `Some(Some(globs))`: the files that have side effects.
fn read_side_effects(dir: &std::path::Path) -> Option<Option<globset::GlobSet>> {
    let bytes = project::fsx::read_regular(&dir.join("package.json"), 4 * 1024 * 1024).ok()??;
    let manifest: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    match manifest.get("sideEffects")? {
        serde_json::Value::Bool(false) => Some(None),
        serde_json::Value::Array(patterns) => {
            let mut set = globset::GlobSetBuilder::new();
            for pattern in patterns.iter().filter_map(|p| p.as_str()) {
                let pattern = pattern.trim_start_matches("./");
                // webpack: a pattern without `/` matches the file name anywhere.
                let pattern = if pattern.contains('/') {
                    pattern.to_string()
                } else {
                    format!("**/{pattern}")
                };
                set.add(globset::Glob::new(&pattern).ok()?);
            }
            Some(Some(set.build().ok()?))
        }
        _ => None,
    }
}

/// Takes the savings from the build's attribution. A candidate the build
/// ships none of in its initial JavaScript is dropped when the build's
/// source maps cover it (the build does not load it up front); when they
/// cannot tell, the estimate stays.
fn from_build(ctx: &Context<'_>, build: &BuildShares, found: &mut Vec<Candidate>) {
    let g = &ctx.graph.graph;
    let overlaps = g
        .node_weights()
        .any(|n| n.role == Role::Production && build.ships(&n.path));
    if !overlaps {
        ctx.diagnose(model::Diagnostic::new(
            "",
            "lazy-loading savings are estimates: the build's source maps name none of the modules of the source graph",
        ));
        return;
    }
    found.retain_mut(|c| {
        let mut paths: Vec<&str> = c
            .modules
            .iter()
            .filter_map(|m| g.node_weight(*m))
            .map(|n| n.path.as_str())
            .collect();
        let mut raw = 0;
        let mut gzip = 0;
        for share in paths.iter().filter_map(|p| build.initial(p)) {
            raw += share.raw;
            gzip += share.gzip;
        }
        // The files of the packages not parsed are those the build ships.
        for dir in &c.needs {
            for (path, share) in build.initial_under(dir) {
                if paths.contains(&path) {
                    continue;
                }
                paths.push(path);
                raw += share.raw;
                gzip += share.gzip;
                c.finding.modules_saved += 1;
                c.finding.bytes_saved +=
                    std::fs::metadata(ctx.graph.root.join(path)).map_or(0, |m| m.len());
            }
        }
        if raw > 0 {
            c.finding.build_bytes = Some(raw);
            c.finding.build_gzip = Some(gzip);
            c.finding.saving_source = SavingSource::Build;
            return true;
        }
        // Shipped only in lazy chunks: the build already loads it on demand.
        // Shipped nowhere (and the maps cover it): nothing to save.
        !(paths.iter().any(|p| build.ships(p)) || build.covers_everything())
    });
}

/// Whether an exclusive subgraph saves `min_bytes` of source or more (the
/// other reasons have no minimum).
fn big_enough(c: &Candidate, min_bytes: u64) -> bool {
    c.finding.reason != LazyReason::ExclusiveSubgraph || c.finding.bytes_saved >= min_bytes
}

/// All candidates, ranked by bytes saved (then importer, module). A
/// candidate whose subgraph holds package code not parsed (the rounds of
/// [`crate::boundary::to_parse`] ran out) is left out: its saving is not
/// known.
pub fn candidates(graph: &ModuleGraph, min_bytes: u64, first_party: bool) -> Vec<Candidate> {
    let mut out = sized_or_not(graph, min_bytes, first_party);
    out.retain(|c| c.needs.is_empty());
    out
}

/// The packages stopped at the boundary whose code the candidates' savings
/// hold (whatever their size: it is not known before they are parsed).
pub fn packages_needed(graph: &ModuleGraph, first_party: bool) -> BTreeSet<String> {
    sized_or_not(graph, 0, first_party)
        .into_iter()
        .flat_map(|c| c.needs)
        .collect()
}

/// The candidates, those whose saving is not fully known included.
fn sized_or_not(graph: &ModuleGraph, min_bytes: u64, first_party: bool) -> Vec<Candidate> {
    let tree = dominator_tree(graph);
    let mut out = dynamic_also_static(graph, &tree);
    out.extend(exclusive_subgraphs(graph, &tree, min_bytes, first_party));
    // Only code the browser runs can be lazy-loaded: a server component's
    // or a server module's imports never ship (see `crate::browser`).
    let ships = crate::browser::browser_modules(graph);
    let g = &graph.graph;
    let shipping: std::collections::HashSet<&str> = g
        .node_indices()
        .filter(|i| ships.get(i.index()).copied().unwrap_or(false))
        .map(|i| g[i].path.as_str())
        .collect();
    out.retain(|c| shipping.contains(c.finding.importer.as_str()) && !runtime_package(graph, c));
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

use model::analyze::FRAMEWORK_RUNTIMES;

/// Whether the candidate's module is a framework runtime's.
fn runtime_package(graph: &ModuleGraph, c: &Candidate) -> bool {
    let module = c.modules.first().and_then(|m| graph.graph.node_weight(*m));
    module
        .and_then(|n| n.package.as_ref())
        .is_some_and(|p| FRAMEWORK_RUNTIMES.contains(&p.name.as_str()))
}

/// The bytes of `nodes`.
fn bytes_of(g: &DiGraph<ModuleNode, Edge>, nodes: &[NodeIndex]) -> u64 {
    nodes
        .iter()
        .filter_map(|i| g.node_weight(*i))
        .map(|n| n.bytes)
        .sum()
}

/// The path of `v` (empty when there is no such module).
fn path_of(g: &DiGraph<ModuleNode, Edge>, v: NodeIndex) -> String {
    g.node_weight(v).map(|n| n.path.clone()).unwrap_or_default()
}

/// (a) `import()` defeated by a static path: one candidate per dynamic edge
/// to a module an entry reaches statically.
fn dynamic_also_static(graph: &ModuleGraph, tree: &DomTree) -> Vec<Candidate> {
    let g = &graph.graph;
    let parents = static_parents(graph);
    let mut out = Vec::new();
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
        let path = static_path(&parents, module, g.node_count());
        let (modules, needs) = tree.subtree(graph, module.index());
        out.push(Candidate {
            finding: LazyCandidate {
                importer: path_of(g, importer),
                specifier: import.fact.specifier.clone(),
                module: path_of(g, module),
                bytes_saved: bytes_of(g, &modules),
                gzip_saved_estimate: None,
                modules_saved: modules.len(),
                saved_modules: Vec::new(),
                reason: LazyReason::DynamicAlsoStatic,
                static_path: path.into_iter().map(|v| path_of(g, v)).collect(),
                line: import.fact.line,
                use_site: None,
                saving_source: SavingSource::Source,
                build_bytes: None,
                build_gzip: None,
            },
            modules,
            needs,
        });
    }
    out
}

/// The static path from an entry to `module` along `parents` (entry first),
/// stopping after `limit` steps (a cycle of parents cannot loop).
fn static_path(parents: &[Option<NodeIndex>], module: NodeIndex, limit: usize) -> Vec<NodeIndex> {
    let mut path = vec![module];
    let mut cur = module;
    while let Some(p) = parents.get(cur.index()).copied().flatten() {
        path.push(p);
        cur = p;
        if path.len() > limit {
            break;
        }
    }
    path.reverse();
    path
}

/// (b) exclusive static subgraphs: each module whose immediate dominator
/// is the project module that imports it.
fn exclusive_subgraphs(
    graph: &ModuleGraph,
    tree: &DomTree,
    min_bytes: u64,
    first_party: bool,
) -> Vec<Candidate> {
    let g = &graph.graph;
    let mut out = Vec::new();
    for (idom, children) in tree.children.iter().enumerate() {
        let importer = NodeIndex::new(idom);
        let Some(importer_node) = g.node_weight(importer) else {
            continue; // the virtual root
        };
        if !importer_node.is_project() {
            continue;
        }
        out.extend(children.iter().filter_map(|&child| {
            exclusive_subgraph(graph, tree, importer, child, min_bytes, first_party)
        }));
    }
    out
}

/// The candidate of `child`, dominated by `importer`: when it qualifies
/// (a module or JSON, not an entry; a package unless `first_party`), a
/// static edge brings it in, no other static importer keeps it and its
/// subgraph weighs `min_bytes` or more.
fn exclusive_subgraph(
    graph: &ModuleGraph,
    tree: &DomTree,
    importer: NodeIndex,
    child: usize,
    min_bytes: u64,
    first_party: bool,
) -> Option<Candidate> {
    let g = &graph.graph;
    let importer_node = g.node_weight(importer)?;
    let module = NodeIndex::new(child);
    let module_node = g.node_weight(module)?;
    let is_entry = graph.entries.iter().any(|(e, _, _)| *e == module);
    if is_entry
        || !matches!(module_node.module_type, ModuleType::Js | ModuleType::Json)
        || (!first_party && module_node.is_project())
    {
        return None;
    }
    let edge = g.edges_connecting(importer, module).find(|e| {
        matches!(
            e.weight().kind,
            EdgeKind::Static | EdgeKind::SideEffect | EdgeKind::Require
        )
    })?;
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
        return None;
    }
    let (modules, needs) = tree.subtree(graph, child);
    let bytes = bytes_of(g, &modules);
    if bytes < min_bytes {
        return None;
    }
    let import = importer_node.imports.get(edge.weight().import)?;
    Some(Candidate {
        finding: LazyCandidate {
            importer: importer_node.path.clone(),
            specifier: import.fact.specifier.clone(),
            module: module_node.path.clone(),
            bytes_saved: bytes,
            gzip_saved_estimate: None,
            modules_saved: modules.len(),
            saved_modules: Vec::new(),
            reason: LazyReason::ExclusiveSubgraph,
            static_path: Vec::new(),
            line: import.fact.line,
            use_site: None,
            saving_source: SavingSource::Source,
            build_bytes: None,
            build_gzip: None,
        },
        modules,
        needs,
    })
}

/// The `lazy-candidates` finding of a candidate: what it would save and
/// where it is used.
pub fn finding(c: &LazyCandidate) -> Finding {
    let fb = model::units::format_bytes;
    let saved = match (c.build_gzip, c.build_bytes, c.gzip_saved_estimate) {
        (Some(g), Some(raw), _) => {
            format!("{} gzip ({} minified) in the build", fb(g), fb(raw))
        }
        (_, _, Some(g)) => {
            format!("{} gzip (estimate; {} of source)", fb(g), fb(c.bytes_saved))
        }
        _ => format!("{} of source", fb(c.bytes_saved)),
    };
    let site = match c.use_site {
        Some(UseSite::TopLevel) => {
            "; it is used at the importer's top level, so it is needed as soon as the importer loads"
        }
        Some(UseSite::FirstRender) => {
            "; the entry uses it to render, so it is part of the first render"
        }
        Some(UseSite::Deferred) => {
            "; it is used only in event handlers, effects or callbacks, so it can load on demand"
        }
        Some(UseSite::Render) | None => "",
    };
    Finding::new(
        FindingKind::LazyCandidates,
        format!("{}->{}", c.importer, c.module),
        c.importer.clone(),
        format!(
            "import of \"{}\" ({}): {saved} and {} module{} could leave the initial load{site}",
            c.specifier,
            c.reason.as_str(),
            c.modules_saved,
            if c.modules_saved == 1 { "" } else { "s" }
        ),
    )
    .at_line(c.line)
    .with_detail(Detail::Lazy(c.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_graph::{GraphBuilder, names};
    use crate::parse::UsedNames;

    /// (reason, importer, specifier, module, bytes saved, modules saved,
    /// static path).
    type Summary = (LazyReason, String, String, String, u64, usize, Vec<String>);

    fn summary(c: &Candidate) -> Summary {
        let f = &c.finding;
        (
            f.reason,
            f.importer.clone(),
            f.specifier.clone(),
            f.module.clone(),
            f.bytes_saved,
            f.modules_saved,
            f.static_path.clone(),
        )
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_string()).collect()
    }

    /// `main.ts` (entry) → `page.ts` → `chart` (→ its `util.js`) and
    /// `./lazy`; `main.ts` also `import()`s `./lazy` and imports `shared`,
    /// which `page.ts` imports too; the test setup only runs in tooling.
    fn app() -> ModuleGraph {
        let mut b = GraphBuilder::new();
        let main = b.module("src/main.ts", 100);
        let page = b.module("src/page.ts", 200);
        let chart = b.module("node_modules/chart/index.js", 5000);
        let util = b.module("node_modules/chart/util.js", 1000);
        let lazy = b.module("src/lazy.ts", 300);
        let shared = b.module("node_modules/shared/index.js", 4000);
        let setup = b.module("test/setup.ts", 50);
        let mock = b.module("node_modules/mock/index.js", 9000);
        b.entry(main, Role::Production);
        b.entry(setup, Role::Tooling);
        let (static_, dynamic) = (EdgeKind::Static, EdgeKind::Dynamic);
        b.import(main, "./page", Some(page), static_, names(&["Page"]));
        b.import(main, "./lazy", Some(lazy), dynamic, UsedNames::All);
        b.import(main, "shared", Some(shared), static_, names(&["s"]));
        b.import(page, "chart", Some(chart), static_, names(&["Chart"]));
        b.import(page, "./lazy", Some(lazy), static_, names(&["l"]));
        b.import(page, "shared", Some(shared), static_, names(&["s"]));
        b.import(chart, "./util.js", Some(util), static_, names(&["u"]));
        b.import(setup, "mock", Some(mock), static_, names(&["m"]));
        b.graph
    }

    #[test]
    fn an_import_reached_statically_too_is_a_candidate_with_its_path() {
        let graph = app();
        let tree = dominator_tree(&graph);
        let found: Vec<Summary> = dynamic_also_static(&graph, &tree)
            .iter()
            .map(summary)
            .collect();
        assert_eq!(
            found,
            [(
                LazyReason::DynamicAlsoStatic,
                "src/main.ts".to_string(),
                "./lazy".to_string(),
                "src/lazy.ts".to_string(),
                300,
                1,
                strings(&["src/main.ts", "src/page.ts", "src/lazy.ts"]),
            )]
        );
    }

    #[test]
    fn a_package_only_one_importer_keeps_is_an_exclusive_subgraph() {
        let graph = app();
        let tree = dominator_tree(&graph);
        let found: Vec<Summary> = exclusive_subgraphs(&graph, &tree, 0, false)
            .iter()
            .map(summary)
            .collect();
        // `shared` is kept by two importers; `mock` only by tooling.
        assert_eq!(
            found,
            [(
                LazyReason::ExclusiveSubgraph,
                "src/page.ts".to_string(),
                "chart".to_string(),
                "node_modules/chart/index.js".to_string(),
                6000,
                2,
                Vec::new(),
            )]
        );
        assert!(exclusive_subgraphs(&graph, &tree, 6001, false).is_empty());
        // The project's own modules qualify on request (`main.ts`'s
        // `import()` of `lazy.ts` does not keep it in the initial load).
        let first_party: Vec<String> = exclusive_subgraphs(&graph, &tree, 0, true)
            .iter()
            .map(|c| c.finding.module.clone())
            .collect();
        assert_eq!(
            first_party,
            strings(&["src/page.ts", "node_modules/chart/index.js", "src/lazy.ts"])
        );
    }

    #[test]
    fn candidates_are_ranked_by_bytes_saved_then_importer_module_and_reason() {
        let graph = app();
        let ranked: Vec<(LazyReason, String, u64)> = candidates(&graph, 0, true)
            .iter()
            .map(|c| {
                (
                    c.finding.reason,
                    c.finding.module.clone(),
                    c.finding.bytes_saved,
                )
            })
            .collect();
        assert_eq!(
            ranked,
            [
                (
                    LazyReason::ExclusiveSubgraph,
                    "src/page.ts".to_string(),
                    6500
                ),
                (
                    LazyReason::ExclusiveSubgraph,
                    "node_modules/chart/index.js".to_string(),
                    6000
                ),
                (
                    LazyReason::DynamicAlsoStatic,
                    "src/lazy.ts".to_string(),
                    300
                ),
                (
                    LazyReason::ExclusiveSubgraph,
                    "src/lazy.ts".to_string(),
                    300
                ),
            ]
        );
    }

    #[test]
    fn a_static_path_follows_parents_back_to_the_entry() {
        let n = NodeIndex::new;
        let parents = [None, Some(n(0)), Some(n(1)), Some(n(2))];
        assert_eq!(static_path(&parents, n(3), 4), [n(0), n(1), n(2), n(3)]);
        assert_eq!(static_path(&parents, n(0), 4), [n(0)]);
        // Parents that loop stop after `limit` steps.
        let looped = [Some(n(1)), Some(n(0))];
        assert_eq!(static_path(&looped, n(0), 2).len(), 3);
    }

    /// `main.ts` → `a.ts` → package `x`, and `main.ts` → `b.ts` → package
    /// `y`, whose `package.json` depends on `x`; neither package parsed.
    fn stopped_app(active: bool) -> ModuleGraph {
        let mut b = GraphBuilder::new();
        let main = b.module("src/main.ts", 100);
        let a = b.module("src/a.ts", 100);
        let bb = b.module("src/b.ts", 100);
        let x = b.module("node_modules/x/index.js", 5000);
        let y = b.module("node_modules/y/index.js", 6000);
        b.entry(main, Role::Production);
        let s = EdgeKind::Static;
        b.import(main, "./a", Some(a), s, UsedNames::All);
        b.import(main, "./b", Some(bb), s, UsedNames::All);
        b.import(a, "x", Some(x), s, UsedNames::All);
        b.import(bb, "y", Some(y), s, UsedNames::All);
        for n in [x, y] {
            b.node(n).parsed = false;
        }
        let mut graph = b.graph;
        graph.packages.active = active;
        let deps = &mut graph.packages.deps;
        deps.insert("node_modules/y".into(), vec!["node_modules/x".into()]);
        deps.insert("node_modules/x".into(), Vec::new());
        graph
    }

    #[test]
    fn a_package_another_package_declares_is_never_one_importers_alone() {
        // Parsing everything found `x` kept by `a.ts` alone: the graph had
        // no path from `y` to it.
        let blind = stopped_app(false);
        let found: Vec<String> = candidates(&blind, 0, false)
            .iter()
            .map(|c| c.finding.module.clone())
            .collect();
        assert!(found.contains(&"node_modules/x/index.js".to_string()));
        // At the boundary, `y`'s code may import `x` (it declares it): `x`
        // is no candidate; `y` is, once it is parsed and sized.
        let graph = stopped_app(true);
        let needed: Vec<String> = packages_needed(&graph, false).into_iter().collect();
        assert_eq!(needed, ["node_modules/y"]);
        assert!(candidates(&graph, 0, false).is_empty());
        // Parsed (`y` turned out not to import `x`): `y` is sized and
        // reported; `x` is now kept by `a.ts` alone, but it is left out
        // until a next round parses it (its size is not known).
        let mut parsed = stopped_app(true);
        parsed.packages.expanded.insert("node_modules/y".into());
        let found: Vec<String> = candidates(&parsed, 0, false)
            .iter()
            .map(|c| c.finding.module.clone())
            .collect();
        assert_eq!(found, ["node_modules/y/index.js"]);
        let needed: Vec<String> = packages_needed(&parsed, false).into_iter().collect();
        assert_eq!(needed, ["node_modules/x"]);
    }
}
