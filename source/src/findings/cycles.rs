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
//!
//! Each cycle lists its members sorted (a stable key) and one real import
//! chain through them: the shortest cycle through its first member, each
//! step with the line of its import.

use std::collections::{HashMap, HashSet, VecDeque};

use model::analyze::EdgeKind;
use model::finding::ImportStep;
use model::{Detail, Finding, FindingKind};
use petgraph::graph::NodeIndex;
use petgraph::visit::{EdgeFiltered, EdgeRef};

use crate::graph::ModuleGraph;

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
        let mut members: Vec<(String, NodeIndex)> = scc
            .iter()
            .filter_map(|i| g.node_weight(*i).map(|n| (n.path.clone(), *i)))
            .collect();
        members.sort();
        let chain = members
            .first()
            .map(|(_, first)| shortest_cycle(graph, &scc, *first, &counts))
            .unwrap_or_default();
        out.push((
            members.into_iter().map(|(p, _)| p).collect::<Vec<_>>(),
            chain,
        ));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out.into_iter()
        .map(|(members, chain)| finding(&members, chain))
        .collect()
}

/// The shortest import chain from `first` back to itself inside the
/// component (breadth-first; ties go to the import written first).
fn shortest_cycle(
    graph: &ModuleGraph,
    scc: &[NodeIndex],
    first: NodeIndex,
    counts: &dyn Fn(EdgeKind) -> bool,
) -> Vec<ImportStep> {
    let g = &graph.graph;
    let inside: HashSet<NodeIndex> = scc.iter().copied().collect();
    // node -> (previous node, line of the import that reached it)
    let mut previous: HashMap<NodeIndex, (NodeIndex, u32)> = HashMap::new();
    let mut queue = VecDeque::from([first]);
    let mut closing: Option<(NodeIndex, u32)> = None;
    'search: while let Some(v) = queue.pop_front() {
        let mut out: Vec<(u32, usize, NodeIndex)> = g
            .edges(v)
            .filter(|e| counts(e.weight().kind) && inside.contains(&e.target()))
            .map(|e| {
                let line = g
                    .node_weight(v)
                    .and_then(|n| n.imports.get(e.weight().import))
                    .map_or(0, |i| i.fact.line);
                (line, e.weight().import, e.target())
            })
            .collect();
        out.sort();
        for (line, _, to) in out {
            if to == first {
                closing = Some((v, line));
                break 'search;
            }
            if let std::collections::hash_map::Entry::Vacant(slot) = previous.entry(to) {
                slot.insert((v, line));
                queue.push_back(to);
            }
        }
    }
    let Some((last, line)) = closing else {
        return Vec::new();
    };
    let path_of = |i: NodeIndex| g.node_weight(i).map(|n| n.path.clone()).unwrap_or_default();
    let mut steps = vec![ImportStep {
        from: path_of(last),
        to: path_of(first),
        line,
    }];
    let mut cur = last;
    while cur != first {
        let Some(&(prev, line)) = previous.get(&cur) else {
            return Vec::new();
        };
        steps.push(ImportStep {
            from: path_of(prev),
            to: path_of(cur),
            line,
        });
        cur = prev;
        if steps.len() > scc.len() + 1 {
            return Vec::new();
        }
    }
    steps.reverse();
    steps
}

/// The `cycles` finding: `members` sorted, `chain` one real import chain
/// through them (`a.ts:3 → b.ts:7 → a.ts`: each module with the line of its
/// import of the next).
pub fn finding(members: &[String], chain: Vec<ImportStep>) -> Finding {
    let first = members.first().cloned().unwrap_or_default();
    let shown = if chain.is_empty() {
        members.join(" \u{2192} ")
    } else {
        let mut path: Vec<String> = chain
            .iter()
            .map(|s| format!("{}:{}", s.from, s.line))
            .collect();
        path.push(chain.last().map_or(String::new(), |s| s.to.clone()));
        path.join(" \u{2192} ")
    };
    let mut finding = Finding::new(
        FindingKind::Cycles,
        members.join(" "),
        first,
        if members.len() == 1 {
            format!("imports itself: {shown}")
        } else {
            format!("{} modules: {shown}", members.len())
        },
    );
    if let Some(step) = chain.first() {
        finding = finding.at_line(step.line);
    }
    finding.with_detail(Detail::Cycle {
        members: members.to_vec(),
        chain,
    })
}
