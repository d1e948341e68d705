//! **Unused exports**: exported names that no module uses.
//!
//! Why it matters: an unused export keeps dead code alive (bundlers can only
//! drop it when they prove it unused) and widens a module's surface. Fix:
//! remove the `export` (or the code).
//!
//! Uses are followed through barrels: named re-exports (`export { a } from`),
//! `export *` and `export * as ns`. A namespace import (`import * as ns`,
//! or a named import of a re-exported namespace) uses the members read
//! from it (`ns.a`, `const { a } = ns`), or everything when the namespace
//! escapes (passed as a value, spread into an object or array, given to
//! `Object.values`, destructured with a rest element): a namespace spread
//! into an export (`export default { ...ns }`) counts as used whenever the
//! spread runs, whether the export is used or not. `import()` used whole
//! uses everything; destructured (`const { a } = await import()`,
//! `.then(({ a }) => …)`) only those names; so does `require()` (`const {
//! a } = require()`, `require().a`). Exports of entries are public API.
//! Modules whose CommonJS exports cannot be listed and `node_modules` are
//! not checked.

use std::collections::HashSet;

use model::{Detail, Finding, FindingKind};

use petgraph::graph::{DiGraph, NodeIndex};

use super::Context;
use crate::graph::{Edge, ModuleGraph, ModuleNode};
use crate::parse::{ExportOrigin, UsedNames};

/// Unused exports, sorted by path and line.
pub fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let graph = ctx.graph;
    let uses = propagate(&graph.graph, direct_uses(graph));
    unused(graph, &uses)
        .into_iter()
        .map(|(path, line, name, type_only)| {
            let mut finding = finding(path, name, line, type_only);
            if graph.monorepo {
                finding.workspace = graph.workspace_of(path).map(str::to_string);
            }
            finding
        })
        .collect()
}

/// A use to follow: (module, name or `None` for every export, members used
/// of that name when it turns out to be a namespace). Names borrow from the
/// graph: no copies while propagating.
type Use<'g> = (NodeIndex, Option<&'g str>, Option<&'g UsedNames>);

/// What is used of each module, by node index.
struct Uses<'g> {
    /// Every export is used.
    all: Vec<bool>,
    /// The names used.
    names: Vec<HashSet<&'g str>>,
}

/// The uses the graph states: every export of an entry (public API), and
/// what each import uses of its target.
fn direct_uses(graph: &ModuleGraph) -> Vec<Use<'_>> {
    let mut work: Vec<Use<'_>> = Vec::new();
    for (entry, _, _) in &graph.entries {
        work.push((*entry, None, None));
    }
    for node in graph.graph.node_weights() {
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
    work
}

/// Follows `work` (a stack) through re-exports until every use is known.
fn propagate<'g>(g: &'g DiGraph<ModuleNode, Edge>, mut work: Vec<Use<'g>>) -> Uses<'g> {
    let n = g.node_count();
    let mut uses = Uses {
        all: vec![false; n],
        names: vec![HashSet::new(); n],
    };
    while let Some((m, name, members)) = work.pop() {
        let Some(node) = g.node_weight(m) else {
            continue;
        };
        let i = m.index();
        if uses.all.get(i).copied().unwrap_or(true) {
            continue;
        }
        // A default import of a CommonJS module is its whole `module.exports`.
        match name.filter(|n| !(*n == "default" && node.cjs_exports)) {
            None => {
                uses.all[i] = true;
                use_every_export(node, &mut work);
            }
            Some(name) => {
                let first = uses.names[i].insert(name);
                if first || members.is_some() {
                    use_name(node, name, first, members, &mut work);
                }
            }
        }
    }
    uses
}

/// Every export of `node` is used: so is what it re-exports.
fn use_every_export<'g>(node: &'g ModuleNode, work: &mut Vec<Use<'g>>) {
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

/// `name` of `node` is used (`first`: for the first time; `members`: the
/// members read of it): so is the binding it re-exports, or (not exported by
/// name, the first time) that name of every `export *` source.
fn use_name<'g>(
    node: &'g ModuleNode,
    name: &'g str,
    first: bool,
    members: Option<&'g UsedNames>,
    work: &mut Vec<Use<'g>>,
) {
    match node.exports.iter().find(|e| e.name == name) {
        Some(export) => {
            if let ExportOrigin::ReExport { specifier, import } = &export.origin
                && let Some(target) = node.target_of(specifier)
            {
                match (import, members) {
                    // A namespace used member by member (`ns.used`).
                    (None, Some(UsedNames::Names(names))) => {
                        work.extend(names.iter().map(|n| (target, Some(n.as_str()), None)))
                    }
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

/// The exports no use reached, of the project's parsed modules without
/// CommonJS exports: (path, line, name, type only), sorted.
fn unused<'g>(graph: &'g ModuleGraph, uses: &Uses<'g>) -> Vec<(&'g str, u32, &'g str, bool)> {
    let g = &graph.graph;
    let mut out = Vec::new();
    for idx in g.node_indices() {
        let Some(node) = g.node_weight(idx) else {
            continue;
        };
        let i = idx.index();
        // Modules of a sibling workspace (outside the analysed root) may be
        // used by workspaces this run does not see.
        let outside = node.path.starts_with("../") || node.path.starts_with('/');
        if !node.is_project()
            || !node.parsed
            || node.commonjs
            || uses.all[i]
            || outside
            || generated(graph, &node.abs)
        {
            continue;
        }
        for export in &node.exports {
            if !uses.names[i].contains(export.name.as_str()) {
                out.push((
                    node.path.as_str(),
                    export.line,
                    export.name.as_str(),
                    export.type_only,
                ));
            }
        }
    }
    out.sort();
    out
}

/// Whether `abs` is in a folder a tool writes (`.contentlayer/generated`):
/// its modules are the tool's output, not the project's code.
fn generated(graph: &ModuleGraph, abs: &std::path::Path) -> bool {
    graph.workspaces.iter().any(|w| {
        w.found.provided.iter().any(|p| {
            p.folder
                .as_ref()
                .is_some_and(|f| project::fsx::is_under(abs, f))
        })
    })
}

/// The `unused-exports` finding of `name`, exported by `path` at `line`.
pub fn finding(path: &str, name: &str, line: u32, type_only: bool) -> Finding {
    Finding::new(
        FindingKind::UnusedExports,
        format!("{path}#{name}"),
        path,
        if type_only {
            format!("type {name}")
        } else {
            name.to_string()
        },
    )
    .at_line(line)
    .with_detail(Detail::Export {
        name: name.to_string(),
        type_only,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_graph::{GraphBuilder, names};
    use model::analyze::{EdgeKind, Role};

    fn re_export(specifier: &str, import: Option<&str>) -> ExportOrigin {
        ExportOrigin::ReExport {
            specifier: specifier.to_string(),
            import: import.map(str::to_string),
        }
    }

    fn unused_of(graph: &ModuleGraph) -> Vec<(&str, u32, &str, bool)> {
        unused(graph, &propagate(&graph.graph, direct_uses(graph)))
    }

    #[test]
    fn direct_uses_are_the_entries_and_what_imports_use() {
        let mut b = GraphBuilder::new();
        let main = b.module("src/main.ts", 1);
        let lib = b.module("src/lib.ts", 1);
        let all = b.module("src/all.ts", 1);
        b.entry(main, Role::Production);
        b.import(
            main,
            "./lib",
            Some(lib),
            EdgeKind::Static,
            names(&["a", "ns"]),
        )
        .fact
        .members = vec![("ns".to_string(), names(&["m"]))];
        b.import(main, "./all", Some(all), EdgeKind::Require, UsedNames::All);
        b.import(main, "missing", None, EdgeKind::Static, UsedNames::All);
        let graph = b.graph;
        let uses: Vec<(usize, Option<&str>, bool)> = direct_uses(&graph)
            .into_iter()
            .map(|(m, name, members)| (m.index(), name, members.is_some()))
            .collect();
        assert_eq!(
            uses,
            [
                (0, None, false),
                (1, Some("a"), false),
                (1, Some("ns"), true),
                (2, None, false),
            ]
        );
    }

    #[test]
    fn uses_are_followed_through_barrels() {
        let mut b = GraphBuilder::new();
        let main = b.module("src/main.ts", 1);
        let barrel = b.module("src/index.ts", 1);
        let a = b.module("src/a.ts", 1);
        let star = b.module("src/star.ts", 1);
        let renamed = b.module("src/renamed.ts", 1);
        let cjs = b.module("src/legacy.js", 1);
        let package = b.module("node_modules/x/index.js", 1);
        b.entry(main, Role::Production);
        b.export(main, "publicApi", 1, ExportOrigin::Local);
        let used = names(&["a", "fromStar", "y"]);
        b.import(main, "./index", Some(barrel), EdgeKind::Static, used);
        b.import(
            main,
            "./legacy",
            Some(cjs),
            EdgeKind::Static,
            names(&["default"]),
        );
        b.import(main, "x", Some(package), EdgeKind::Static, names(&[]));
        b.import(barrel, "./a", Some(a), EdgeKind::Static, names(&[]));
        b.import(barrel, "./star", Some(star), EdgeKind::Static, names(&[]));
        b.import(
            barrel,
            "./renamed",
            Some(renamed),
            EdgeKind::Static,
            names(&[]),
        );
        b.export(barrel, "a", 1, re_export("./a", Some("a")));
        b.export(barrel, "y", 2, re_export("./renamed", Some("x")));
        b.export(barrel, "unusedHere", 4, ExportOrigin::Local);
        b.node(barrel).star_exports = vec!["./star".to_string()];
        b.export(a, "a", 1, ExportOrigin::Local);
        b.export(a, "alsoA", 2, ExportOrigin::Local).type_only = true;
        b.export(star, "fromStar", 3, ExportOrigin::Local);
        b.export(star, "other", 5, ExportOrigin::Local);
        b.export(renamed, "x", 1, ExportOrigin::Local);
        b.export(renamed, "z", 2, ExportOrigin::Local);
        // A default import of CommonJS exports is all of `module.exports`.
        b.node(cjs).cjs_exports = true;
        b.export(cjs, "helper", 1, ExportOrigin::Local);
        b.export(package, "never", 1, ExportOrigin::Local);
        // Modules whose exports perfscope cannot list are not checked.
        let opaque = b.module("src/opaque.js", 1);
        b.node(opaque).commonjs = true;
        b.export(opaque, "hidden", 1, ExportOrigin::Local);
        let graph = b.graph;
        assert_eq!(
            unused_of(&graph),
            [
                ("src/a.ts", 2, "alsoA", true),
                ("src/index.ts", 4, "unusedHere", false),
                ("src/renamed.ts", 2, "z", false),
                ("src/star.ts", 5, "other", false),
            ]
        );
    }

    #[test]
    fn a_re_exported_namespace_is_used_member_by_member() {
        let mut b = GraphBuilder::new();
        let main = b.module("src/main.ts", 1);
        let barrel = b.module("src/index.ts", 1);
        let lib = b.module("src/lib.ts", 1);
        let whole = b.module("src/whole.ts", 1);
        b.entry(main, Role::Production);
        let used = names(&["ns", "everything"]);
        b.import(main, "./index", Some(barrel), EdgeKind::Static, used)
            .fact
            .members = vec![("ns".to_string(), names(&["used"]))];
        b.import(barrel, "./lib", Some(lib), EdgeKind::Static, names(&[]));
        b.import(barrel, "./whole", Some(whole), EdgeKind::Static, names(&[]));
        b.export(barrel, "ns", 1, re_export("./lib", None));
        b.export(barrel, "everything", 2, re_export("./whole", None));
        b.export(lib, "used", 1, ExportOrigin::Local);
        b.export(lib, "unused", 2, ExportOrigin::Local);
        b.export(whole, "one", 1, ExportOrigin::Local);
        let graph = b.graph;
        assert_eq!(unused_of(&graph), [("src/lib.ts", 2, "unused", false)]);
    }
}
