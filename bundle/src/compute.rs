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
use std::time::Instant;

use model::Diagnostic;
use model::bundle::{Asset, AssetType, BundleReport, SourceShare, TypeTotal};

use super::chunk_graph::{self, ChunkGraph, PathIndex};
use super::gather::{BundleFacts, ms};
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
        budgets: mut budget_rules,
        mut diagnostics,
        mut timings,
    } = facts;
    let mut chunk_imports = BTreeMap::new();
    let mut html_refs: BTreeMap<String, Vec<HtmlRef>> = BTreeMap::new();
    for g in &gathered {
        if let Some(imports) = &g.imports {
            chunk_imports.insert(g.asset.path.clone(), imports.clone());
        }
        if let Some(refs) = &g.html_refs {
            html_refs.insert(g.asset.path.clone(), refs.clone());
        }
    }
    let mut graph =
        metadata_graph.unwrap_or_else(|| chunk_graph::parsed::build(&chunk_imports, &index));

    let mut assets: Vec<Asset> = gathered
        .into_iter()
        .map(|g| {
            let mut asset = g.asset;
            asset.sources = shares(&asset, g.sources, &versions);
            asset.imports = edges(&graph.imports, &asset.path);
            asset.dynamic_imports = edges(&graph.dynamic_imports, &asset.path);
            asset
        })
        .collect();
    assets.sort_by(|a, b| a.path.cmp(&b.path));

    let roots = match layout.framework {
        model::bundle::Framework::Next => {
            graph.source = model::bundle::ChunkGraphSource::NextManifests;
            super::frameworks::next::routes(&root, &index, &mut diagnostics)
                .into_iter()
                .map(|r| EntryRoots {
                    name: r.name,
                    html: None,
                    roots: r.initial,
                    counted_js: Some(r.counted_js),
                })
                .collect()
        }
        model::bundle::Framework::ReactRouter => {
            let routes = super::frameworks::react_router::routes(&root, &index, &mut diagnostics);
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
        _ => entry_roots(&html_refs, &graph, &index, &mut diagnostics),
    };
    let entries = initial::entries(&roots, &graph, &assets);
    for entry in &entries {
        for path in &entry.assets {
            if let Ok(i) = assets.binary_search_by(|a| a.path.as_str().cmp(path))
                && let Some(asset) = assets.get_mut(i)
            {
                asset.initial = true;
                asset.initial_for.push(entry.name.clone());
            }
        }
    }
    if entries.is_empty() && assets.iter().any(|a| a.asset_type == AssetType::Js) {
        diagnostics.push(Diagnostic::new(
            "",
            "no HTML page or bundler entry found: initial vs lazy is unknown",
        ));
    }

    // Budgets: configured and size-limit's, else the defaults.
    let use_defaults = options
        .config
        .default_budgets
        .unwrap_or(budget_rules.is_empty());
    if use_defaults {
        budget_rules.extend(budgets::defaults());
    }
    let budget_results = budgets::evaluate(&budget_rules, &assets, &entries, &mut diagnostics);

    let context = findings::Context { assets: &assets };
    let found = findings::run_all(&context, &options.severities);
    let packages = super::duplicates::packages(&assets);
    let totals = totals(&assets);

    diagnostics.sort();
    diagnostics.dedup();
    timings.findings_ms = ms(started);
    timings.total_ms += timings.findings_ms;
    let mut report = BundleReport {
        schema_version: model::SCHEMA_VERSION,
        kind: "bundle".to_string(),
        root: dist.display().to_string(),
        compression: options.compression.names(),
        chunk_graph: graph.source,
        layout,
        assets,
        entries,
        totals,
        packages,
        duplicate_packages: Vec::new(),
        duplicate_modules: Vec::new(),
        budgets: budget_results,
        findings: found,
        diagnostics,
        timings,
    };
    report.fill_lists_from_findings();
    report
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
