//! **Import cycles**: strongly connected components of the import graph
//! (Tarjan), including a module importing itself.
//!
//! Why it matters: cycles make evaluation order fragile (`undefined` at
//! import time, TDZ errors), defeat code splitting and tree shaking. Fix:
//! move the shared part into a third module.
//!
//! Edges that run code count (static, re-export, `require`, side-effect);
//! `import()` edges never do; type-only edges only with `include_type_cycles`.
//! Cycles made only of `node_modules` modules are not reported.

use model::Finding;
use model::analyze::{EdgeKind, legacy};
use petgraph::visit::EdgeFiltered;

use super::Context;

/// Each cycle with its members sorted; cycles sorted by their members.
pub fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let (graph, include_type_cycles) = (ctx.graph, ctx.config.include_type_cycles);
    let g = &graph.graph;
    let counts = |kind: EdgeKind| {
        kind.is_static_runtime() || include_type_cycles && kind == EdgeKind::TypeOnly
    };
    let filtered = EdgeFiltered::from_fn(g, |e| counts(e.weight().kind));
    let mut out = Vec::new();
    for scc in petgraph::algo::tarjan_scc(&filtered) {
        let is_cycle = match scc.as_slice() {
            [] => false,
            [single] => g
                .edges_connecting(*single, *single)
                .any(|e| counts(e.weight().kind)),
            _ => true,
        };
        if !is_cycle {
            continue;
        }
        if !scc
            .iter()
            .any(|i| g.node_weight(*i).is_some_and(|n| n.is_project()))
        {
            continue;
        }
        let mut paths: Vec<String> = scc
            .iter()
            .filter_map(|i| g.node_weight(*i).map(|n| n.path.clone()))
            .collect();
        paths.sort();
        out.push(paths);
    }
    out.sort();
    out.iter()
        .map(|members| legacy::cycle(members, Vec::new()))
        .collect()
}
