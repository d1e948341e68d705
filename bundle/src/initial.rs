//! Initial vs lazy, per entry (a pure function over the chunk graph).
//!
//! Initial set = the entry's roots (an HTML page's scripts, module preloads and
//! stylesheets, or a bundler entry's files) plus everything they import
//! statically, transitively. Lazy set = what is reachable from the initial set
//! only through at least one `import()` edge.

use std::collections::{BTreeMap, BTreeSet};

use model::bundle::{Asset, AssetType, Entry, Sizes};

use super::chunk_graph::ChunkGraph;

/// An entry and the assets that start it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRoots {
    /// HTML path or bundler entry name.
    pub name: String,
    /// The HTML page, when the entry is one.
    pub html: Option<String>,
    /// Assets the entry loads first.
    pub roots: BTreeSet<String>,
    /// The JS files the framework counts in its own figure (Next.js's
    /// "First Load JS"), when it has one.
    pub counted_js: Option<BTreeSet<String>>,
}

/// Computes every entry's initial and lazy sets and their sizes; `assets` gives
/// the sizes (sorted by path).
pub fn entries(roots: &[EntryRoots], graph: &ChunkGraph, assets: &[Asset]) -> Vec<Entry> {
    let by_path: BTreeMap<&str, &Asset> = assets.iter().map(|a| (a.path.as_str(), a)).collect();
    let mut out: Vec<Entry> = roots
        .iter()
        .map(|entry| {
            let initial = closure(entry.roots.iter().cloned(), &graph.imports);
            let mut seen = initial.clone();
            let mut frontier: Vec<String> = initial.iter().cloned().collect();
            // Everything reachable through any edge, starting from dynamic targets.
            while let Some(node) = frontier.pop() {
                if !initial.contains(&node) {
                    for target in graph.imports.get(&node).into_iter().flatten() {
                        if seen.insert(target.clone()) {
                            frontier.push(target.clone());
                        }
                    }
                }
                for target in graph.dynamic_imports.get(&node).into_iter().flatten() {
                    if seen.insert(target.clone()) {
                        frontier.push(target.clone());
                    }
                }
            }
            let lazy: BTreeSet<String> = seen.difference(&initial).cloned().collect();
            let initial_assets: Vec<&Asset> = initial
                .iter()
                .filter_map(|p| by_path.get(p.as_str()).copied())
                .collect();
            let lazy_assets: Vec<&Asset> = lazy
                .iter()
                .filter_map(|p| by_path.get(p.as_str()).copied())
                .collect();
            let all = sizes(initial_assets.iter().copied());
            let js = sizes(
                initial_assets
                    .iter()
                    .copied()
                    .filter(|a| a.asset_type == AssetType::Js),
            );
            Entry {
                name: entry.name.clone(),
                html: entry.html.clone(),
                assets: initial_assets.iter().map(|a| a.path.clone()).collect(),
                lazy: lazy_assets.iter().map(|a| a.path.clone()).collect(),
                raw: all.raw,
                gzip: all.gzip,
                brotli: all.brotli,
                js,
                lazy_sizes: sizes(lazy_assets.iter().copied()),
                first_load_js: entry.counted_js.as_ref().and_then(|files| {
                    sizes(
                        files
                            .iter()
                            .filter_map(|p| by_path.get(p.as_str()).copied()),
                    )
                    .gzip
                }),
            }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Nodes reachable from `start` over `edges` (start included).
pub fn closure(
    start: impl IntoIterator<Item = String>,
    edges: &BTreeMap<String, BTreeSet<String>>,
) -> BTreeSet<String> {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut frontier: Vec<String> = Vec::new();
    for node in start {
        if seen.insert(node.clone()) {
            frontier.push(node);
        }
    }
    while let Some(node) = frontier.pop() {
        for target in edges.get(&node).into_iter().flatten() {
            if seen.insert(target.clone()) {
                frontier.push(target.clone());
            }
        }
    }
    seen
}

/// Sums sizes; a compressed total is `None` when any asset lacks it.
pub fn sizes<'a>(assets: impl Iterator<Item = &'a Asset>) -> Sizes {
    let mut out = Sizes {
        raw: 0,
        gzip: Some(0),
        brotli: Some(0),
    };
    for asset in assets {
        out.raw += asset.raw;
        out.gzip = out.gzip.zip(asset.gzip).map(|(a, b)| a + b);
        out.brotli = out.brotli.zip(asset.brotli).map(|(a, b)| a + b);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asset(path: &str, raw: u64) -> Asset {
        Asset {
            path: path.into(),
            asset_type: AssetType::Js,
            raw,
            gzip: Some(raw / 2),
            brotli: None,
            initial: false,
            initial_for: vec![],
            imports: vec![],
            dynamic_imports: vec![],
            map: None,
            sources: vec![],
            unmapped_bytes: raw,
        }
    }

    #[test]
    fn static_closure_is_initial_and_dynamic_only_is_lazy() {
        let mut g = ChunkGraph::new(model::bundle::ChunkGraphSource::Parsed);
        g.add_import("main.js", "vendor.js");
        g.add_dynamic_import("main.js", "page.js");
        g.add_import("page.js", "page-dep.js");
        g.add_import("page.js", "vendor.js");
        g.add_dynamic_import("page.js", "deeper.js");
        let assets: Vec<Asset> = [
            "deeper.js",
            "main.js",
            "page-dep.js",
            "page.js",
            "vendor.js",
            "unused.js",
        ]
        .iter()
        .map(|p| asset(p, 10))
        .collect();
        let roots = vec![EntryRoots {
            name: "index.html".into(),
            html: Some("index.html".into()),
            roots: ["main.js".to_string()].into(),
            counted_js: None,
        }];
        let e = entries(&roots, &g, &assets);
        assert_eq!(e[0].assets, vec!["main.js", "vendor.js"]);
        assert_eq!(e[0].lazy, vec!["deeper.js", "page-dep.js", "page.js"]);
        assert_eq!((e[0].raw, e[0].gzip, e[0].brotli), (20, Some(10), None));
        assert_eq!(e[0].lazy_sizes.raw, 30);
    }
}
