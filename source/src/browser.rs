//! Which modules ship to the browser: only they can be lazy-loaded.
//!
//! Server code never ships, whatever imports it: a module named or placed
//! as server-only (`*.server.ts`, a `.server/` folder: React Router and
//! Remix), one with the `"use server"` directive (server functions), one
//! that imports the `server-only` package, and the server entries of
//! Next.js (middleware, instrumentation, `pages/api/**`).
//!
//! Without React Server Components every other production module ships (a
//! bundler ships what its entries reach). With them (a project module says
//! `"use client"`: Next.js's App Router), a module is server code by default:
//! what ships is each client boundary (a `"use client"` module) and what it
//! imports, and what the production entries that are not server components
//! reach (Next.js's pages router pages, `instrumentation-client`, a Vite
//! entry beside them). App Router files are server components unless they
//! say `"use client"`. A type-only import ships nothing.

use std::collections::VecDeque;

use model::analyze::{EdgeKind, Role};
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use crate::graph::{ModuleGraph, ModuleNode};

/// Whether each module (by node index) ships to the browser.
pub fn browser_modules(graph: &ModuleGraph) -> Vec<bool> {
    let g = &graph.graph;
    let mut ships = vec![false; g.node_count()];
    let server: Vec<bool> = g.node_indices().map(|i| is_server(&g[i])).collect();
    let rsc = g
        .node_weights()
        .any(|n| n.is_project() && n.directive.as_deref() == Some("use client"));
    // The production entries that run in the browser, and with React
    // Server Components every client boundary.
    let mut queue: VecDeque<NodeIndex> = graph
        .entries
        .iter()
        .filter(|(idx, source, role)| *role == Role::Production && !server_entry(&g[*idx], source))
        .map(|(idx, _, _)| *idx)
        .collect();
    if rsc {
        queue.extend(g.node_indices().filter(|i| {
            g[*i].role == Role::Production && g[*i].directive.as_deref() == Some("use client")
        }));
    }
    while let Some(v) = queue.pop_front() {
        if server[v.index()] || ships[v.index()] {
            continue;
        }
        ships[v.index()] = true;
        for e in g.edges(v) {
            let kind = e.weight().kind;
            if kind != EdgeKind::TypeOnly && kind != EdgeKind::Url && !ships[e.target().index()] {
                queue.push_back(e.target());
            }
        }
    }
    ships
}

/// Server code by its name, place, directive or imports.
fn is_server(node: &ModuleNode) -> bool {
    let name = node.path.rsplit('/').next().unwrap_or("");
    let stem_server = name
        .rsplit_once('.')
        .is_some_and(|(stem, _)| stem.ends_with(".server"));
    stem_server
        || node.path.split('/').any(|part| part == ".server")
        || node.directive.as_deref() == Some("use server")
        || node
            .imports
            .iter()
            .any(|i| i.fact.specifier == "server-only")
}

/// An entry that runs on the server: Next.js's middleware and
/// instrumentation, its API routes, and (in an App Router app) its route
/// files unless they are client components.
fn server_entry(node: &ModuleNode, source: &str) -> bool {
    match source {
        "next: middleware" | "next: instrumentation" => true,
        "next: pages router page" => node.path.contains("pages/api/"),
        "next: app router file" | "next: mdx-components" => {
            node.directive.as_deref() != Some("use client")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_graph::{GraphBuilder, names};

    /// An App Router app: the layout (a server component) imports a client
    /// header and a server-only data module; the page imports a markdown
    /// renderer (server); the header imports a date library (ships).
    #[test]
    fn an_app_router_app_ships_its_client_boundaries_only() {
        let mut b = GraphBuilder::new();
        let layout = b.module("src/app/layout.tsx", 100);
        let page = b.module("src/app/page.tsx", 100);
        let header = b.module("src/components/Header.tsx", 100);
        let dates = b.module("node_modules/dates/index.js", 5000);
        let data = b.module("src/lib/data.ts", 100);
        let markdown = b.module("node_modules/markdown/index.js", 9000);
        let route = b.module("src/app/api/health/route.ts", 50);
        let types = b.module("src/lib/types.ts", 50);
        b.node(header).directive = Some("use client".into());
        for (idx, source) in [
            (layout, "next: app router file"),
            (page, "next: app router file"),
            (route, "next: app router file"),
        ] {
            b.entry_with(idx, Role::Production, source);
        }
        let s = EdgeKind::Static;
        b.import(
            layout,
            "../components/Header",
            Some(header),
            s,
            names(&["Header"]),
        );
        b.import(layout, "../lib/data", Some(data), s, names(&["load"]));
        b.import(page, "markdown", Some(markdown), s, names(&["render"]));
        b.import(header, "dates", Some(dates), s, names(&["format"]));
        b.import(
            header,
            "../lib/types",
            Some(types),
            EdgeKind::TypeOnly,
            names(&["T"]),
        );
        let ships = browser_modules(&b.graph);
        let shipped: Vec<&str> = b
            .graph
            .graph
            .node_indices()
            .filter(|i| ships[i.index()])
            .map(|i| b.graph.graph[i].path.as_str())
            .collect();
        assert_eq!(
            shipped,
            ["src/components/Header.tsx", "node_modules/dates/index.js"]
        );
    }

    /// Without client boundaries every production module ships, except
    /// server code: a `.server` module and what only it imports, a module
    /// importing `server-only`, an API route.
    #[test]
    fn without_rsc_production_ships_except_server_code() {
        let mut b = GraphBuilder::new();
        let root = b.module("app/root.tsx", 100);
        let db = b.module("app/db.server.ts", 100);
        let pg = b.module("node_modules/pg/index.js", 9000);
        let secret = b.module("app/secret.ts", 100);
        let only = b.module("node_modules/server-only/index.js", 10);
        let chart = b.module("node_modules/chart/index.js", 9000);
        let api = b.module("pages/api/users.ts", 100);
        b.entry(root, Role::Production);
        b.entry_with(api, Role::Production, "next: pages router page");
        let s = EdgeKind::Static;
        b.import(root, "./db.server", Some(db), s, names(&["q"]));
        b.import(db, "pg", Some(pg), s, names(&["Pool"]));
        b.import(root, "./secret", Some(secret), s, names(&["key"]));
        b.import(
            secret,
            "server-only",
            Some(only),
            EdgeKind::SideEffect,
            names(&[]),
        );
        b.import(root, "chart", Some(chart), s, names(&["Chart"]));
        let ships = browser_modules(&b.graph);
        let shipped: Vec<&str> = b
            .graph
            .graph
            .node_indices()
            .filter(|i| ships[i.index()])
            .map(|i| b.graph.graph[i].path.as_str())
            .collect();
        assert_eq!(shipped, ["app/root.tsx", "node_modules/chart/index.js"]);
    }
}
