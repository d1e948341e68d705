//! Compute: the bundle report from the gathered [`BundleFacts`]: per-source
//! shares with packages and versions, the chunk graph, entries with their
//! initial and lazy sets, totals, budgets and the findings of
//! [`super::findings::REGISTRY`].
//!
//! A function of the facts, except for the entries of framework outputs: for
//! Next.js it reads `build-manifest.json` and `app-build-manifest.json` in the
//! output folder ([`super::frameworks::next::routes`]), for React Router it
//! lists the client folder's `assets/` and reads its route manifest
//! `manifest-*.js` ([`super::frameworks::react_router::routes`]). Everything
//! else here reads only the facts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Instant;

use model::Diagnostic;
use model::bundle::{Asset, AssetType, BundleReport, Entry, SourceShare, TypeTotal};

use super::chunk_graph::parsed::ChunkImports;
use super::chunk_graph::{self, ChunkGraph, PathIndex};
use super::gather::{AssetFacts, BundleFacts, ms};
use super::initial::{self, EntryRoots};
use super::{BundleOptions, budgets, findings, walk};
use project::html::HtmlRef;
use project::packages;

/// Computes the report from the gathered facts.
pub fn compute(facts: BundleFacts, options: &BundleOptions) -> BundleReport {
    let started = Instant::now();
    let BundleFacts {
        dist,
        root,
        layout,
        assets: gathered,
        index,
        metadata_graph,
        versions,
        budgets: budget_rules,
        mut diagnostics,
        mut timings,
    } = facts;
    let (chunk_imports, html_refs) = parsed_inputs(&gathered);
    let mut graph =
        metadata_graph.unwrap_or_else(|| chunk_graph::parsed::build(&chunk_imports, &index));
    let mut assets = finish_assets(gathered, &graph, &versions);

    let roots = match layout.framework {
        model::bundle::Framework::Next => next_roots(&root, &index, &mut graph, &mut diagnostics),
        model::bundle::Framework::ReactRouter => {
            react_router_roots(&root, &index, &mut graph, &mut diagnostics)
        }
        _ => entry_roots(&html_refs, &graph, &index, &mut diagnostics),
    };
    let entries = initial::entries(&roots, &graph, &assets);
    mark_initial(&mut assets, &entries);
    let lazy_chunks = initial::lazy_chunks(&graph, &entries, &assets);
    diagnostics.extend(no_entry_note(&entries, &assets));

    // Budgets: configured and size-limit's, else the defaults.
    let budget_rules = with_defaults(budget_rules, options.config.default_budgets);
    let budget_results = budgets::evaluate(&budget_rules, &assets, &entries, &mut diagnostics);

    let context = findings::Context { assets: &assets };
    let found = findings::run_all(&context, &options.severities);
    let packages = super::duplicates::packages(&assets);
    let totals = totals(&assets);

    diagnostics.sort();
    diagnostics.dedup();
    timings.findings_ms = ms(started);
    timings.total_ms += timings.findings_ms;
    BundleReport {
        schema_version: model::SCHEMA_VERSION,
        kind: "bundle".to_string(),
        root: dist.display().to_string(),
        compression: options.compression.names(),
        chunk_graph: graph.source,
        layout,
        assets,
        entries,
        lazy_chunks,
        totals,
        packages,
        budgets: budget_results,
        findings: found,
        diagnostics,
        timings,
    }
}

/// The parsed imports of each JS chunk and what each HTML page loads, by path.
fn parsed_inputs(
    gathered: &[AssetFacts],
) -> (
    BTreeMap<String, ChunkImports>,
    BTreeMap<String, Vec<HtmlRef>>,
) {
    let mut chunk_imports = BTreeMap::new();
    let mut html_refs = BTreeMap::new();
    for g in gathered {
        if let Some(imports) = &g.imports {
            chunk_imports.insert(g.asset.path.clone(), imports.clone());
        }
        if let Some(refs) = &g.html_refs {
            html_refs.insert(g.asset.path.clone(), refs.clone());
        }
    }
    (chunk_imports, html_refs)
}

/// The assets with their source shares and chunk-graph edges, sorted by path.
fn finish_assets(
    gathered: Vec<AssetFacts>,
    graph: &ChunkGraph,
    versions: &BTreeMap<String, String>,
) -> Vec<Asset> {
    let mut assets: Vec<Asset> = gathered
        .into_iter()
        .map(|g| {
            let mut asset = g.asset;
            asset.sources = shares(&asset, g.sources, versions);
            asset.imports = edges(&graph.imports, &asset.path);
            asset.dynamic_imports = edges(&graph.dynamic_imports, &asset.path);
            asset
        })
        .collect();
    assets.sort_by(|a, b| a.path.cmp(&b.path));
    assets
}

/// A Next.js output's entries: one per route of its build manifests, with
/// the files Next.js counts in "First Load JS".
fn next_roots(
    root: &Path,
    index: &PathIndex,
    graph: &mut ChunkGraph,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<EntryRoots> {
    graph.source = model::bundle::ChunkGraphSource::NextManifests;
    super::frameworks::next::routes(root, index, diagnostics)
        .into_iter()
        .map(|r| EntryRoots {
            name: r.name,
            html: None,
            roots: r.initial,
            counted_js: Some(r.counted_js),
        })
        .collect()
}

/// A React Router output's entries: one per route of its route manifest
/// (which becomes the graph's source when the graph was parsed).
fn react_router_roots(
    root: &Path,
    index: &PathIndex,
    graph: &mut ChunkGraph,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<EntryRoots> {
    let routes = super::frameworks::react_router::routes(root, index, diagnostics);
    if !routes.is_empty() && graph.source == model::bundle::ChunkGraphSource::Parsed {
        graph.source = model::bundle::ChunkGraphSource::ReactRouterManifest;
    }
    routes
        .into_iter()
        .map(|r| EntryRoots {
            name: r.name,
            html: None,
            roots: r.initial,
            counted_js: None,
        })
        .collect()
}

/// Marks each asset an entry loads up front as initial, for that entry.
fn mark_initial(assets: &mut [Asset], entries: &[Entry]) {
    for entry in entries {
        for path in &entry.assets {
            if let Ok(i) = assets.binary_search_by(|a| a.path.as_str().cmp(path))
                && let Some(asset) = assets.get_mut(i)
            {
                asset.initial = true;
                asset.initial_for.push(entry.name.clone());
            }
        }
    }
}

/// The note that initial vs lazy is unknown: JS without any entry.
fn no_entry_note(entries: &[Entry], assets: &[Asset]) -> Option<Diagnostic> {
    (entries.is_empty() && assets.iter().any(|a| a.asset_type == AssetType::Js)).then(|| {
        Diagnostic::new(
            "",
            "no HTML page or bundler entry found: initial vs lazy is unknown",
        )
    })
}

/// The rules with the defaults added: when `default_budgets` says so, else
/// when no rule is configured.
fn with_defaults(
    mut rules: Vec<budgets::Rule>,
    default_budgets: Option<bool>,
) -> Vec<budgets::Rule> {
    if default_budgets.unwrap_or(rules.is_empty()) {
        rules.extend(budgets::defaults());
    }
    rules
}

/// Normalises and merges an asset's sources, with packages and gzip estimates.
fn shares(
    asset: &Asset,
    sources: Vec<(String, u64)>,
    versions: &BTreeMap<String, String>,
) -> Vec<SourceShare> {
    let mut merged: BTreeMap<String, u64> = BTreeMap::new();
    for (source, bytes) in sources {
        *merged
            .entry(packages::normalize_source(&source))
            .or_default() += bytes;
    }
    let mut out: Vec<SourceShare> = merged
        .into_iter()
        .map(|(source, bytes)| {
            let package = packages::package_of(&source);
            let version = package.as_ref().and_then(|p| {
                p.version
                    .clone()
                    .or_else(|| versions.get(&p.install_path).cloned())
            });
            let gzip = asset.gzip.map(|g| {
                if asset.raw == 0 {
                    0
                } else {
                    ((g as u128 * bytes as u128 + asset.raw as u128 / 2) / asset.raw as u128) as u64
                }
            });
            SourceShare {
                source,
                package: package.map(|p| p.name),
                version,
                bytes,
                gzip,
            }
        })
        .collect();
    out.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.source.cmp(&b.source)));
    out
}

fn edges(map: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Vec<String> {
    map.get(from)
        .map(|s| s.iter().cloned().collect())
        .unwrap_or_default()
}

/// Entries: one per HTML page that loads something; without pages, the
/// bundler's entries.
fn entry_roots(
    html_refs: &BTreeMap<String, Vec<HtmlRef>>,
    graph: &ChunkGraph,
    index: &PathIndex,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<EntryRoots> {
    let mut out = Vec::new();
    for (page, refs) in html_refs {
        let mut roots = BTreeSet::new();
        for r in refs {
            let url = r.url.split(['?', '#']).next().unwrap_or("");
            if url.contains("://") || url.starts_with("//") || url.starts_with("data:") {
                continue;
            }
            let resolved = if url.starts_with('/') {
                index.resolve(url)
            } else {
                walk::join_rel(walk::parent_dir(page), url).filter(|p| index.contains(p))
            };
            match resolved {
                Some(path) => {
                    roots.insert(path);
                }
                None => diagnostics.push(Diagnostic::new(
                    page,
                    format!(
                        "loads `{}` ({}), which is not in the output folder",
                        model::diagnostic::quote(&r.url),
                        r.kind
                    ),
                )),
            }
        }
        if !roots.is_empty() {
            out.push(EntryRoots {
                name: page.clone(),
                html: Some(page.clone()),
                roots,
                counted_js: None,
            });
        }
    }
    if out.is_empty() {
        for (name, roots) in &graph.entries {
            out.push(EntryRoots {
                name: name.clone(),
                html: None,
                roots: roots.clone(),
                counted_js: None,
            });
        }
    }
    out
}

/// Totals per shipped asset type.
fn totals(assets: &[Asset]) -> Vec<TypeTotal> {
    let mut by_type: BTreeMap<AssetType, Vec<&Asset>> = BTreeMap::new();
    for asset in assets.iter().filter(|a| a.asset_type.is_shipped()) {
        by_type.entry(asset.asset_type).or_default().push(asset);
    }
    by_type
        .into_iter()
        .map(|(asset_type, list)| TypeTotal {
            asset_type,
            count: list.len(),
            sizes: initial::sizes(list.into_iter()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::bundle::{ChunkGraphSource, Sizes};

    fn asset(path: &str, raw: u64, gzip: u64) -> Asset {
        Asset {
            path: path.into(),
            asset_type: crate::gather::asset_type(path),
            raw,
            gzip: Some(gzip),
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

    fn facts(path: &str, sources: &[(&str, u64)]) -> AssetFacts {
        AssetFacts {
            asset: asset(path, 100, 50),
            sources: sources.iter().map(|(s, b)| (s.to_string(), *b)).collect(),
            imports: None,
            html_refs: None,
        }
    }

    fn entry(name: &str, assets: &[&str]) -> Entry {
        Entry {
            name: name.into(),
            html: None,
            assets: assets.iter().map(|a| a.to_string()).collect(),
            lazy: vec![],
            raw: 0,
            gzip: None,
            brotli: None,
            js: Sizes::default(),
            lazy_sizes: Sizes::default(),
            first_load_js: None,
        }
    }

    fn index(paths: &[&str]) -> PathIndex {
        let files: Vec<walk::FileFact> = paths
            .iter()
            .map(|p| walk::FileFact {
                rel: p.to_string(),
                abs: std::path::PathBuf::from(p),
                size: 1,
            })
            .collect();
        PathIndex::new(&files)
    }

    fn html_ref(url: &str, kind: &'static str) -> HtmlRef {
        HtmlRef {
            url: url.into(),
            kind,
        }
    }

    #[test]
    fn parsed_inputs_are_keyed_by_path() {
        let mut chunk = facts("a.js", &[]);
        chunk.imports = Some(chunk_graph::parsed::chunk_imports("import './b.js';"));
        let mut page = facts("index.html", &[]);
        page.html_refs = Some(vec![html_ref("/a.js", "module")]);
        let (imports, pages) = parsed_inputs(&[chunk, page, facts("c.css", &[])]);
        assert_eq!(imports.keys().collect::<Vec<_>>(), vec!["a.js"]);
        assert_eq!(imports["a.js"].imports, vec!["./b.js"]);
        assert_eq!(pages.keys().collect::<Vec<_>>(), vec!["index.html"]);
    }

    #[test]
    fn finished_assets_get_edges_and_merged_shares_with_versions() {
        let mut graph = ChunkGraph::new(ChunkGraphSource::Parsed);
        graph.add_import("a.js", "b.js");
        graph
            .dynamic_imports
            .insert("a.js".into(), ["c.js".to_string()].into());
        let gathered = vec![
            facts("b.js", &[]),
            facts(
                "a.js",
                &[
                    ("../node_modules/react/index.js", 40),
                    ("src/app.ts", 40),
                    ("webpack://app/./node_modules/react/index.js", 20),
                ],
            ),
        ];
        let versions = BTreeMap::from([("node_modules/react".to_string(), "18.3.1".to_string())]);
        let assets = finish_assets(gathered, &graph, &versions);
        assert_eq!(assets[0].path, "a.js");
        assert_eq!(assets[0].imports, vec!["b.js"]);
        assert_eq!(assets[0].dynamic_imports, vec!["c.js"]);
        let shares: Vec<String> = assets[0]
            .sources
            .iter()
            .map(|s| {
                format!(
                    "{} {:?} {:?} {} {:?}",
                    s.source, s.package, s.version, s.bytes, s.gzip
                )
            })
            .collect();
        assert_eq!(
            shares,
            vec![
                r#"node_modules/react/index.js Some("react") Some("18.3.1") 60 Some(30)"#,
                "src/app.ts None None 40 Some(20)",
            ]
        );
        assert!(assets[1].imports.is_empty() && assets[1].sources.is_empty());
    }

    #[test]
    fn initial_assets_name_every_entry_that_loads_them() {
        let mut assets = vec![
            asset("a.js", 1, 1),
            asset("b.js", 1, 1),
            asset("c.js", 1, 1),
        ];
        let entries = vec![
            entry("one", &["a.js", "gone.js"]),
            entry("two", &["a.js", "b.js"]),
        ];
        mark_initial(&mut assets, &entries);
        let marked: Vec<(bool, Vec<String>)> = assets
            .into_iter()
            .map(|a| (a.initial, a.initial_for))
            .collect();
        assert_eq!(
            marked,
            vec![
                (true, vec!["one".to_string(), "two".to_string()]),
                (true, vec!["two".to_string()]),
                (false, vec![])
            ]
        );
    }

    #[test]
    fn no_entry_is_noted_only_when_there_is_js() {
        let js = vec![asset("a.js", 1, 1)];
        let css = vec![asset("a.css", 1, 1)];
        assert!(no_entry_note(&[], &js).is_some_and(|d| d.message.contains("initial vs lazy")));
        assert!(no_entry_note(&[], &css).is_none());
        assert!(no_entry_note(&[entry("main", &[])], &js).is_none());
    }

    #[test]
    fn defaults_apply_without_rules_or_when_asked() {
        let configured = vec![budgets::Rule {
            name: "mine".into(),
            origin: model::BudgetOrigin::PerfscopeToml,
            target: budgets::Target::TotalJs,
            metric: model::metric::MetricId::Raw,
            limit: 1,
        }];
        let names = |rules: Vec<budgets::Rule>| -> Vec<String> {
            rules.into_iter().map(|r| r.name).collect()
        };
        assert_eq!(
            names(with_defaults(Vec::new(), None)),
            vec!["initial JS", "JS chunk", "all JS"]
        );
        assert_eq!(names(with_defaults(configured.clone(), None)), vec!["mine"]);
        assert_eq!(with_defaults(configured, Some(true)).len(), 4);
        assert!(with_defaults(Vec::new(), Some(false)).is_empty());
    }

    #[test]
    fn pages_resolve_what_they_load_else_the_bundler_entries_count() {
        let index = index(&["assets/a.js", "docs/b.css", "docs/index.html", "index.html"]);
        let mut graph = ChunkGraph::new(ChunkGraphSource::Parsed);
        graph
            .entries
            .insert("main".into(), ["assets/a.js".to_string()].into());
        let html_refs = BTreeMap::from([
            (
                "docs/index.html".to_string(),
                vec![
                    html_ref("/assets/a.js?v=1", "module"),
                    html_ref("b.css", "stylesheet"),
                    html_ref("https://cdn.example/x.js", "script"),
                    html_ref("missing.js", "script"),
                ],
            ),
            (
                "index.html".to_string(),
                vec![html_ref("//cdn/y.js", "script")],
            ),
        ]);
        let mut diagnostics = Vec::new();
        let roots = entry_roots(&html_refs, &graph, &index, &mut diagnostics);
        assert_eq!(roots.len(), 1);
        assert_eq!(roots[0].name, "docs/index.html");
        assert_eq!(roots[0].html.as_deref(), Some("docs/index.html"));
        assert_eq!(
            roots[0].roots.iter().collect::<Vec<_>>(),
            vec!["assets/a.js", "docs/b.css"]
        );
        assert_eq!(
            diagnostics,
            vec![Diagnostic::new(
                "docs/index.html",
                "loads `missing.js` (script), which is not in the output folder"
            )]
        );
        let roots = entry_roots(&BTreeMap::new(), &graph, &index, &mut Vec::new());
        assert_eq!(
            (roots[0].name.as_str(), roots[0].html.as_deref()),
            ("main", None)
        );
    }

    #[test]
    fn totals_count_shipped_types_only() {
        let assets = vec![
            asset("a.js", 10, 4),
            asset("b.js", 20, 6),
            asset("a.js.map", 500, 100),
            asset("a.css", 5, 2),
        ];
        let got: Vec<(AssetType, usize, u64, Option<u64>)> = totals(&assets)
            .into_iter()
            .map(|t| (t.asset_type, t.count, t.sizes.raw, t.sizes.gzip))
            .collect();
        assert_eq!(
            got,
            vec![
                (AssetType::Js, 2, 30, Some(10)),
                (AssetType::Css, 1, 5, Some(2))
            ]
        );
    }
}
