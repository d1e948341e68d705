//! Build-output analysis: what a bundler's output folder ships, what each page
//! loads first, where the bytes come from, duplicates, and budgets.
//!
//! Gathering (the only code touching the file system): [`walk`], [`compress`],
//! [`html`], [`chunk_graph`], [`sourcemap`], [`size_limit`]. Findings (pure):
//! [`initial`], [`duplicates`], [`budgets`]. [`analyze`] runs both and returns
//! a [`BundleReport`].
//!
//! Sizes: 1 KB = 1000 bytes everywhere. Per-source gzip sizes are estimates
//! (the asset's gzip size times the source's share of its raw bytes).

pub mod budgets;
pub mod chunk_graph;
pub mod compress;
pub mod config;
pub mod duplicates;
pub mod html;
pub mod initial;
pub mod packages;
pub mod size_limit;
pub mod sourcemap;
pub mod units;
pub mod walk;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use model::Diagnostic;
use model::bundle::{Asset, AssetType, BundleReport, BundleTimings, SourceShare, TypeTotal};

pub use compress::Compression;
pub use config::{BudgetRule, BundleConfig};

use chunk_graph::parsed::ChunkImports;
use chunk_graph::{ChunkGraph, PathIndex};
use initial::EntryRoots;
use walk::FileFact;

/// What to analyse and how.
#[derive(Debug, Clone, Default)]
pub struct BundleOptions {
    /// The `[bundle]` section of `perfscope.toml`.
    pub config: BundleConfig,
    /// Which compressions to compute (use [`BundleOptions::new`] to take them
    /// from the configuration).
    pub compression: Compression,
    /// The project folder: where `.size-limit.json` / `package.json` are read,
    /// and the only place `node_modules/<pkg>/package.json` may be read for
    /// versions. `None`: neither is read.
    pub project_dir: Option<PathBuf>,
    /// Where "assets compressed k of N" goes.
    pub progress: model::Progress,
}

impl BundleOptions {
    /// Options from a configuration (its `compression`, both when absent).
    pub fn new(config: BundleConfig, project_dir: Option<PathBuf>) -> Result<Self, BundleError> {
        let compression = match &config.compression {
            Some(list) => Compression::parse_list(&list.join(",")).map_err(BundleError::Config)?,
            None => Compression::default(),
        };
        Ok(Self {
            config,
            compression,
            project_dir,
            progress: model::Progress::default(),
        })
    }
}

/// Why the analysis could not run at all (problems with single files are
/// diagnostics in the report instead).
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// The output folder does not exist or is not a folder.
    #[error("{path}: not a folder")]
    NotADirectory {
        /// The path given.
        path: PathBuf,
    },
    /// The output folder cannot be resolved.
    #[error("cannot open {path}")]
    Io {
        /// The path given.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The `[bundle]` configuration is invalid.
    #[error("invalid [bundle] configuration: {0}")]
    Config(String),
}

/// Analyses the output folder `dist`.
pub fn analyze(dist: &Path, options: &BundleOptions) -> Result<BundleReport, BundleError> {
    let started = Instant::now();
    let root = std::fs::canonicalize(dist).map_err(|source| BundleError::Io {
        path: dist.to_path_buf(),
        source,
    })?;
    if !root.is_dir() {
        return Err(BundleError::NotADirectory {
            path: dist.to_path_buf(),
        });
    }
    // Configured budgets are validated before any work.
    let mut budget_list = budgets::from_config(&options.config).map_err(BundleError::Config)?;
    let mut diagnostics = Vec::new();

    let (files, walk_diagnostics) = walk::walk(&root);
    diagnostics.extend(walk_diagnostics);
    let walk_ms = ms(started);

    let index = PathIndex::new(&files);
    let metadata_graph = chunk_graph::from_metadata(&files, &index, &mut diagnostics);
    let metadata_file = metadata_graph
        .as_ref()
        .and_then(|g| g.metadata_file.clone());

    let assets_started = Instant::now();
    let tasks: Vec<Task> = files
        .iter()
        .map(|file| Task {
            file,
            asset_type: if Some(&file.rel) == metadata_file.as_ref() {
                AssetType::Metadata
            } else {
                asset_type(&file.rel)
            },
        })
        .collect();
    let gathered = gather_all(
        &tasks,
        &root,
        &index,
        options.compression,
        metadata_graph.is_none(),
        &options.progress,
    );
    let assets_ms = ms(assets_started);

    let findings_started = Instant::now();
    let mut timings = BundleTimings {
        walk_ms,
        assets_ms,
        threads: rayon::current_num_threads(),
        ..BundleTimings::default()
    };
    let mut chunk_imports: BTreeMap<String, ChunkImports> = BTreeMap::new();
    let mut html_refs: BTreeMap<String, Vec<html::HtmlRef>> = BTreeMap::new();
    let mut raw_assets: Vec<(Asset, Vec<(String, u64)>)> = Vec::new();
    for g in gathered {
        timings.brotli_cpu_ms += g.brotli_ms;
        timings.gzip_cpu_ms += g.gzip_ms;
        timings.sourcemap_cpu_ms += g.map_ms;
        diagnostics.extend(g.diagnostics);
        if let Some(imports) = g.imports {
            chunk_imports.insert(g.asset.path.clone(), imports);
        }
        if let Some(refs) = g.html_refs {
            html_refs.insert(g.asset.path.clone(), refs);
        }
        raw_assets.push((g.asset, g.sources));
    }

    let graph =
        metadata_graph.unwrap_or_else(|| chunk_graph::parsed::build(&chunk_imports, &index));

    // Versions from package.json files inside the project (gathering).
    let versions = read_versions(options.project_dir.as_deref(), &raw_assets);

    let mut assets: Vec<Asset> = raw_assets
        .into_iter()
        .map(|(mut asset, sources)| {
            asset.sources = shares(&asset, sources, &versions);
            asset.imports = edges(&graph.imports, &asset.path);
            asset.dynamic_imports = edges(&graph.dynamic_imports, &asset.path);
            asset
        })
        .collect();
    assets.sort_by(|a, b| a.path.cmp(&b.path));

    let roots = entry_roots(&html_refs, &graph, &index, &mut diagnostics);
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

    // Budgets: configured, then size-limit's, then the defaults when none.
    if let Some(project) = &options.project_dir {
        let prefix = std::fs::canonicalize(project)
            .ok()
            .and_then(|p| walk::relative(&p, &root))
            .unwrap_or_default();
        let (found, problems) = size_limit::read(project, &prefix);
        budget_list.extend(found);
        diagnostics.extend(problems);
    }
    let use_defaults = options
        .config
        .default_budgets
        .unwrap_or(budget_list.is_empty());
    if use_defaults {
        budget_list.extend(budgets::defaults());
    }
    let (budget_results, budget_diagnostics) = budgets::evaluate(&budget_list, &assets, &entries);
    diagnostics.extend(budget_diagnostics);

    let packages = duplicates::packages(&assets);
    let duplicate_packages = duplicates::duplicate_packages(&assets);
    let duplicate_modules = duplicates::duplicate_modules(&assets);
    let totals = totals(&assets);

    diagnostics.sort();
    diagnostics.dedup();
    timings.findings_ms = ms(findings_started);
    timings.total_ms = ms(started);
    Ok(BundleReport {
        schema_version: model::SCHEMA_VERSION,
        kind: "bundle".to_string(),
        root: dist.display().to_string(),
        compression: options.compression.names(),
        chunk_graph: graph.source.clone(),
        assets,
        entries,
        totals,
        packages,
        duplicate_packages,
        duplicate_modules,
        budgets: budget_results,
        diagnostics,
        timings,
    })
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

/// The type of a file from its extension.
pub fn asset_type(path: &str) -> AssetType {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "js" | "mjs" | "cjs" => AssetType::Js,
        "css" => AssetType::Css,
        "html" | "htm" => AssetType::Html,
        "woff2" | "woff" | "ttf" | "otf" | "eot" => AssetType::Font,
        "png" | "jpg" | "jpeg" | "gif" | "webp" | "avif" | "svg" | "ico" | "bmp" => {
            AssetType::Image
        }
        "wasm" => AssetType::Wasm,
        "map" => AssetType::Sourcemap,
        _ if path.starts_with(".vite/") => AssetType::Metadata,
        _ => AssetType::Other,
    }
}

/// JS chunks larger than this are not parsed for imports (the syntax tree of a
/// huge file would take many times its size in memory).
const MAX_PARSE_BYTES: usize = 16 * 1024 * 1024;

struct Task<'a> {
    file: &'a FileFact,
    asset_type: AssetType,
}

/// What gathering found about one file.
struct Gathered {
    asset: Asset,
    /// Raw source names and bytes from the map.
    sources: Vec<(String, u64)>,
    imports: Option<ChunkImports>,
    html_refs: Option<Vec<html::HtmlRef>>,
    diagnostics: Vec<Diagnostic>,
    brotli_ms: f64,
    gzip_ms: f64,
    map_ms: f64,
}

/// Gathers every file on the rayon pool, largest first (longest-processing-time
/// order balances the cores when a few chunks dominate). Each worker holds one
/// file and its map in memory at a time.
fn gather_all(
    tasks: &[Task<'_>],
    root: &Path,
    index: &PathIndex,
    compression: Compression,
    parse_imports: bool,
    progress: &model::Progress,
) -> Vec<Gathered> {
    let mut order: Vec<usize> = (0..tasks.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(tasks.get(i).map_or(0, |t| t.file.size)));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Gathered>> = Mutex::new(Vec::with_capacity(tasks.len()));
    let workers = rayon::current_num_threads().min(tasks.len()).max(1);
    rayon::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|_| {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let Some(task) = order.get(n).and_then(|&i| tasks.get(i)) else {
                        break;
                    };
                    let gathered = gather_one(task, root, index, compression, parse_imports);
                    if let Ok(mut results) = results.lock() {
                        results.push(gathered);
                        progress.step("assets measured", results.len(), tasks.len());
                    }
                }
            });
        }
    });
    results.into_inner().unwrap_or_default()
}

fn gather_one(
    task: &Task<'_>,
    root: &Path,
    index: &PathIndex,
    compression: Compression,
    parse_imports: bool,
) -> Gathered {
    let rel = task.file.rel.clone();
    let mut out = Gathered {
        asset: Asset {
            path: rel.clone(),
            asset_type: task.asset_type,
            raw: task.file.size,
            gzip: None,
            brotli: None,
            initial: false,
            initial_for: Vec::new(),
            imports: Vec::new(),
            dynamic_imports: Vec::new(),
            map: None,
            sources: Vec::new(),
            unmapped_bytes: task.file.size,
        },
        sources: Vec::new(),
        imports: None,
        html_refs: None,
        diagnostics: Vec::new(),
        brotli_ms: 0.0,
        gzip_ms: 0.0,
        map_ms: 0.0,
    };
    if !task.asset_type.is_shipped() {
        return out;
    }
    let data = match std::fs::read(&task.file.abs) {
        Ok(data) => data,
        Err(err) => {
            out.diagnostics
                .push(Diagnostic::new(&rel, format!("cannot read: {err}")));
            out.asset.unmapped_bytes = out.asset.raw;
            return out;
        }
    };
    out.asset.raw = data.len() as u64;
    out.asset.unmapped_bytes = out.asset.raw;
    if compression.gzip {
        let t = Instant::now();
        out.asset.gzip = Some(compress::gzip_size(&data));
        out.gzip_ms = ms(t);
    }
    if compression.brotli {
        let t = Instant::now();
        out.asset.brotli = Some(compress::brotli_size(&data));
        out.brotli_ms = ms(t);
    }
    match task.asset_type {
        AssetType::Js | AssetType::Css => {
            let t = Instant::now();
            attribute(&mut out, &data, root, index);
            out.map_ms = ms(t);
            if task.asset_type == AssetType::Js && parse_imports {
                match std::str::from_utf8(&data) {
                    Ok(_) if data.len() > MAX_PARSE_BYTES => out.diagnostics.push(Diagnostic::new(
                        &rel,
                        "too large to parse for imports (over 16 MB); its imports were not read",
                    )),
                    Ok(text) => {
                        let found = chunk_graph::parsed::chunk_imports(text);
                        if found.had_errors {
                            out.diagnostics.push(Diagnostic::new(
                                &rel,
                                "JavaScript did not parse cleanly; its imports may be incomplete",
                            ));
                        }
                        out.imports = Some(found);
                    }
                    Err(_) => out.diagnostics.push(Diagnostic::new(
                        &rel,
                        "not UTF-8 text; its imports were not read",
                    )),
                }
            }
        }
        AssetType::Html => {
            out.html_refs = Some(html::scan(&String::from_utf8_lossy(&data)));
        }
        _ => {}
    }
    out
}

/// Finds, reads and applies the asset's source map; problems become diagnostics
/// and leave the bytes unmapped.
fn attribute(out: &mut Gathered, data: &[u8], root: &Path, index: &PathIndex) {
    let rel = out.asset.path.clone();
    let location = match sourcemap::locate(&rel, data, &|p| index.contains(p)) {
        Ok(Some(location)) => location,
        Ok(None) => {
            if !data.is_empty() {
                out.diagnostics
                    .push(Diagnostic::new(&rel, "no source map; all bytes unmapped"));
            }
            return;
        }
        Err(problem) => {
            out.diagnostics.push(Diagnostic::new(&rel, problem));
            return;
        }
    };
    let map_bytes = match &location {
        sourcemap::MapLocation::Inline(bytes) => {
            out.asset.map = Some("inline".to_string());
            std::borrow::Cow::Borrowed(bytes.as_slice())
        }
        sourcemap::MapLocation::File(map_rel) => {
            out.asset.map = Some(map_rel.clone());
            // `map_rel` is a walked file: inside the folder by construction.
            match std::fs::read(root.join(map_rel)) {
                Ok(bytes) => std::borrow::Cow::Owned(bytes),
                Err(err) => {
                    out.diagnostics.push(Diagnostic::new(
                        &rel,
                        format!("cannot read source map {map_rel}: {err}"),
                    ));
                    return;
                }
            }
        }
    };
    let mappings = match sourcemap::parse(&map_bytes) {
        Ok(mappings) => mappings,
        Err(problem) => {
            out.diagnostics.push(Diagnostic::new(
                &rel,
                format!("{problem}; all bytes unmapped"),
            ));
            return;
        }
    };
    drop(map_bytes);
    for problem in &mappings.problems {
        out.diagnostics.push(Diagnostic::new(&rel, problem.clone()));
    }
    let attribution = sourcemap::attribute(data, &mappings);
    out.asset.unmapped_bytes = attribution.unmapped;
    out.sources = mappings
        .sources
        .into_iter()
        .zip(attribution.bytes)
        .filter(|(_, bytes)| *bytes > 0)
        .collect();
}

/// Reads `version` from `<project>/<install path>/package.json` for packages
/// whose version the path does not tell; never outside the project folder.
fn read_versions(
    project: Option<&Path>,
    assets: &[(Asset, Vec<(String, u64)>)],
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(project) = project.and_then(|p| std::fs::canonicalize(p).ok()) else {
        return out;
    };
    let install_paths: BTreeSet<String> = assets
        .iter()
        .flat_map(|(_, sources)| sources.iter())
        .filter_map(|(source, _)| packages::package_of(&packages::normalize_source(source)))
        .filter(|p| p.version.is_none() && p.install_path.starts_with("node_modules/"))
        .map(|p| p.install_path)
        .collect();
    for install in install_paths {
        let Ok(file) = std::fs::canonicalize(project.join(&install).join("package.json")) else {
            continue;
        };
        if !file.starts_with(&project) {
            continue;
        }
        let version = std::fs::read(&file)
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|v| v.get("version").and_then(|v| v.as_str()).map(String::from));
        if let Some(version) = version {
            out.insert(install, version);
        }
    }
    out
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
    html_refs: &BTreeMap<String, Vec<html::HtmlRef>>,
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
                        r.url, r.kind
                    ),
                )),
            }
        }
        if !roots.is_empty() {
            out.push(EntryRoots {
                name: page.clone(),
                html: Some(page.clone()),
                roots,
            });
        }
    }
    if out.is_empty() {
        for (name, roots) in &graph.entries {
            out.push(EntryRoots {
                name: name.clone(),
                html: None,
                roots: roots.clone(),
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
