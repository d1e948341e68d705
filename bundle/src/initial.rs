//! Initial vs lazy, per entry (a pure function over the chunk graph).
//!
//! Initial set = the entry's roots (an HTML page's scripts, module preloads and
//! stylesheets, or a bundler entry's files) plus everything they import
//! statically, transitively. Lazy set = what is reachable from the initial set
//! only through at least one `import()` edge.

use std::collections::{BTreeMap, BTreeSet};

use model::bundle::{Asset, AssetType, Entry, LazyChunk, Sizes};

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

/// Every chunk loaded through `import()` that no entry loads up front, with
/// what it downloads when it loads: its static closure without the assets
/// every entry that reaches it has loaded up front. `entries` are those of
/// [`entries`]; `assets` gives the sizes and the source maps (sorted by path).
pub fn lazy_chunks(graph: &ChunkGraph, entries: &[Entry], assets: &[Asset]) -> Vec<LazyChunk> {
    let by_path: BTreeMap<&str, &Asset> = assets.iter().map(|a| (a.path.as_str(), a)).collect();
    let mut imported_from: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (from, targets) in &graph.dynamic_imports {
        for target in targets {
            imported_from
                .entry(target.as_str())
                .or_default()
                .insert(from.clone());
        }
    }
    let initial_anywhere: BTreeSet<&str> = entries
        .iter()
        .flat_map(|e| e.assets.iter().map(String::as_str))
        .collect();
    imported_from
        .into_iter()
        .filter(|(target, _)| !initial_anywhere.contains(target))
        .filter_map(|(target, from)| {
            let asset = by_path.get(target)?;
            // Already downloaded: what every entry reaching it loads up front.
            let mut reaching = entries
                .iter()
                .filter(|e| e.lazy.iter().any(|l| l == target));
            let loaded: BTreeSet<&str> = match reaching.next() {
                Some(first) => {
                    let mut set: BTreeSet<&str> = first.assets.iter().map(String::as_str).collect();
                    for e in reaching {
                        set.retain(|p| e.assets.iter().any(|a| a == p));
                    }
                    set
                }
                None => BTreeSet::new(),
            };
            let downloads: Vec<&Asset> = closure([target.to_string()], &graph.imports)
                .iter()
                .filter(|p| !loaded.contains(p.as_str()))
                .filter_map(|p| by_path.get(p.as_str()).copied())
                .collect();
            Some(LazyChunk {
                asset: target.to_string(),
                module: graph
                    .modules
                    .get(target)
                    .cloned()
                    .or_else(|| module_by_name(asset)),
                imported_from: from.into_iter().collect(),
                assets: downloads.iter().map(|a| a.path.clone()).collect(),
                sizes: sizes(downloads.iter().copied()),
            })
        })
        .collect()
}

/// The first-party source of a chunk's source map that the chunk is named
/// after, when exactly one is: Rollup's `[name]` (`landing-[hash].js` from
/// `src/routes/landing.jsx`), webpack's default name for an `import()`
/// target (`src_routes_landing_jsx.[hash].js`).
fn module_by_name(asset: &Asset) -> Option<String> {
    let file = asset.path.rsplit('/').next()?;
    let mut found = asset
        .sources
        .iter()
        .filter(|s| s.package.is_none())
        .filter(|s| {
            let source = s.source.as_str();
            let base = source.rsplit('/').next().unwrap_or(source);
            let stem = base.split('.').next().unwrap_or(base);
            let flat: String = source
                .trim_start_matches("./")
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            let rollup = !stem.is_empty()
                && file.len() > stem.len()
                && file.starts_with(stem)
                && matches!(file.as_bytes()[stem.len()], b'-' | b'.');
            let webpack = file.len() > flat.len()
                && file.starts_with(&flat)
                && matches!(file.as_bytes()[flat.len()], b'.' | b'-');
            rollup || webpack
        });
    let first = found.next()?;
    found.next().is_none().then(|| first.source.clone())
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

    /// A route chunk weighs itself and its static imports, without what the
    /// page loaded up front (the entry chunk and the vendor it imports).
    #[test]
    fn a_route_chunk_downloads_its_static_closure_minus_the_initial_load() {
        let mut g = ChunkGraph::new(model::bundle::ChunkGraphSource::ViteManifest);
        g.add_import("main.js", "vendor.js");
        g.add_dynamic_import("main.js", "landing-AbCd1234.js");
        g.add_dynamic_import("main.js", "settings-EfGh5678.js");
        g.add_import("landing-AbCd1234.js", "main.js");
        g.add_import("landing-AbCd1234.js", "lodash-IjKl9012.js");
        g.add_import("settings-EfGh5678.js", "vendor.js");
        g.modules.insert(
            "landing-AbCd1234.js".into(),
            "src/routes/landing.jsx".into(),
        );
        let mut assets: Vec<Asset> = [
            ("landing-AbCd1234.js", 600),
            ("lodash-IjKl9012.js", 70_000),
            ("main.js", 1000),
            ("settings-EfGh5678.js", 400),
            ("vendor.js", 140_000),
        ]
        .iter()
        .map(|(p, raw)| asset(p, *raw))
        .collect();
        // No module in the metadata: the source map's source named like the chunk.
        assets[3].sources = ["src/routes/settings.jsx", "src/mocks/settings-data.js"]
            .iter()
            .map(|s| model::bundle::SourceShare {
                source: s.to_string(),
                package: None,
                version: None,
                bytes: 200,
                gzip: None,
            })
            .collect();
        let roots = vec![EntryRoots {
            name: "index.html".into(),
            html: Some("index.html".into()),
            roots: ["main.js".to_string()].into(),
            counted_js: None,
        }];
        let e = entries(&roots, &g, &assets);
        let lazy = lazy_chunks(&g, &e, &assets);
        let shown: Vec<(&str, Option<&str>, &[String], u64)> = lazy
            .iter()
            .map(|l| {
                (
                    l.asset.as_str(),
                    l.module.as_deref(),
                    l.assets.as_slice(),
                    l.sizes.raw,
                )
            })
            .collect();
        assert_eq!(
            shown,
            vec![
                (
                    "landing-AbCd1234.js",
                    Some("src/routes/landing.jsx"),
                    &[
                        "landing-AbCd1234.js".to_string(),
                        "lodash-IjKl9012.js".to_string()
                    ][..],
                    70_600
                ),
                (
                    "settings-EfGh5678.js",
                    Some("src/routes/settings.jsx"),
                    &["settings-EfGh5678.js".to_string()][..],
                    400
                ),
            ]
        );
        assert_eq!(lazy[0].imported_from, vec!["main.js"]);
        assert_eq!(lazy[0].sizes.gzip, Some(35_300));
    }
}
