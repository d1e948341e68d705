//! Gathering: everything the bundle analysis reads from the output folder
//! and the project, once. The file list, each file's bytes and compressed
//! sizes, its source map's attribution, the chunk graph from the bundler's
//! metadata (or each chunk's imports, parsed), what the HTML pages load, the
//! versions of attributed packages and size-limit's budgets. Everything after
//! this is [`super::compute`], a function of [`BundleFacts`] except that it
//! reads the route manifests of a Next.js or React Router output itself.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use model::Diagnostic;
use model::bundle::{Asset, AssetType, BundleTimings};

use super::budgets::{self, Rule};
use super::chunk_graph::parsed::ChunkImports;
use super::chunk_graph::{self, ChunkGraph, PathIndex};
use super::walk::{self, FileFact};
use super::{BundleError, BundleOptions, size_limit, sourcemap};
use project::compress::Compression;
use project::html::{self, HtmlRef};
use project::packages;

/// The diagnostic of a JS or CSS file without a source map.
const NO_MAP: &str = "no source map; all bytes unmapped";

/// What one file of the output folder is, as gathered.
#[derive(Debug, Clone)]
pub struct AssetFacts {
    /// The asset with its sizes (no chunk-graph or attribution data yet).
    pub asset: Asset,
    /// Raw source names from its source map and the bytes attributed to each.
    pub sources: Vec<(String, u64)>,
    /// Its imports, when it is a JS chunk that was parsed.
    pub imports: Option<ChunkImports>,
    /// What it loads, when it is an HTML page.
    pub html_refs: Option<Vec<HtmlRef>>,
}

/// Everything gathered about an output folder.
#[derive(Debug, Clone)]
pub struct BundleFacts {
    /// The folder as given.
    pub dist: PathBuf,
    /// The folder whose files were measured (canonical; the given one, or
    /// its `client/`).
    pub root: PathBuf,
    /// What kind of output it is and what was left out.
    pub layout: model::bundle::OutputLayout,
    /// Every file, sorted by path.
    pub assets: Vec<AssetFacts>,
    /// Relative paths of the folder's files, for resolving references.
    pub index: PathIndex,
    /// The chunk graph read from the bundler's metadata, when there is one.
    pub metadata_graph: Option<ChunkGraph>,
    /// `version` per install folder of attributed packages whose path does not tell it.
    pub versions: BTreeMap<String, String>,
    /// Budgets: configured, then size-limit's (defaults are added by compute).
    pub budgets: Vec<Rule>,
    /// Problems met while gathering.
    pub diagnostics: Vec<Diagnostic>,
    /// Time spent so far.
    pub timings: BundleTimings,
}

/// Gathers the facts of the output folder `dist`.
pub fn gather(dist: &Path, options: &BundleOptions) -> Result<BundleFacts, BundleError> {
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
    let mut budget_rules = budgets::from_config(&options.config).map_err(BundleError::Config)?;
    let mut diagnostics = Vec::new();

    // A framework's output: only what browsers download is measured.
    let detected = super::frameworks::detect(&root);
    let root = detected.served_root.clone();
    let (files, walk_diagnostics) = walk::walk(&root);
    diagnostics.extend(walk_diagnostics);
    let (files, layout) = detected.split(files);
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
    let cache = match (&options.project, options.cache) {
        (Some(project), true) => super::size_cache::SizeCache::open(&project.root),
        _ => super::size_cache::SizeCache::disabled(),
    };
    let gathered = gather_all(
        &tasks,
        &root,
        &index,
        options.compression,
        metadata_graph.is_none(),
        &options.progress,
        &cache,
    );
    if let Err(err) = cache.save() {
        diagnostics.push(Diagnostic::new(
            "node_modules/.cache/perfscope/sizes-v1.json",
            format!("the size cache was not saved: {err}"),
        ));
    }
    let mut timings = BundleTimings {
        walk_ms,
        assets_ms: ms(assets_started),
        threads: rayon::current_num_threads(),
        ..BundleTimings::default()
    };
    let mut assets = Vec::with_capacity(gathered.len());
    // Files without a source map: one line for all of them (a framework
    // output has dozens), naming the first few.
    let mut unmapped: Vec<String> = Vec::new();
    for g in &gathered {
        for d in &g.diagnostics {
            if d.message == NO_MAP {
                unmapped.push(d.path.clone());
            }
        }
    }
    if unmapped.len() > 3 {
        unmapped.sort();
        let shown: Vec<&str> = unmapped.iter().take(3).map(String::as_str).collect();
        diagnostics.push(Diagnostic::new(
            "",
            format!(
                "{} JS and CSS files have no source map, so their bytes are not attributed to modules: {} and {} more",
                unmapped.len(),
                shown.join(", "),
                unmapped.len() - shown.len()
            ),
        ));
    }
    let aggregate = unmapped.len() > 3;
    for mut g in gathered {
        if aggregate {
            g.diagnostics.retain(|d| d.message != NO_MAP);
        }
        timings.brotli_cpu_ms += g.brotli_ms;
        timings.gzip_cpu_ms += g.gzip_ms;
        timings.sourcemap_cpu_ms += g.map_ms;
        diagnostics.extend(g.diagnostics);
        assets.push(AssetFacts {
            asset: g.asset,
            sources: g.sources,
            imports: g.imports,
            html_refs: g.html_refs,
        });
    }
    assets.sort_by(|a, b| a.asset.path.cmp(&b.asset.path));

    let mut versions = BTreeMap::new();
    if let Some(project) = &options.project {
        versions = read_versions(project, &assets);
        let prefix = model::path::relative(&project.root, &root).unwrap_or_default();
        let (found, problems) = size_limit::read(project, &prefix);
        budget_rules.extend(found);
        diagnostics.extend(problems);
    }
    timings.total_ms = ms(started);
    Ok(BundleFacts {
        dist: dist.to_path_buf(),
        root: root.clone(),
        layout,
        assets,
        index,
        metadata_graph,
        versions,
        budgets: budget_rules,
        diagnostics,
        timings,
    })
}

pub(crate) fn ms(since: Instant) -> f64 {
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

/// Assets larger than this get a note that brotli is slow on them.
const BROTLI_SLOW_BYTES: u64 = 10_000_000;

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
    html_refs: Option<Vec<HtmlRef>>,
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
    cache: &super::size_cache::SizeCache,
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
                    if compression.brotli && task.file.size > BROTLI_SLOW_BYTES {
                        progress.note(&format!(
                            "{} is {}: brotli (quality 11) takes about a second per 600 KB on one core; --no-brotli skips it",
                            task.file.rel,
                            model::units::format_bytes(task.file.size)
                        ));
                    }
                    let gathered =
                        gather_one(task, root, index, compression, parse_imports, cache);
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
    cache: &super::size_cache::SizeCache,
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
    let key = cache
        .enabled()
        .then(|| super::size_cache::SizeCache::key(&data));
    let cached = key
        .as_deref()
        .and_then(|k| cache.get(k))
        .unwrap_or_default();
    if compression.gzip {
        let t = Instant::now();
        out.asset.gzip = Some(
            cached
                .gzip
                .unwrap_or_else(|| project::compress::gzip_size(&data)),
        );
        out.gzip_ms = ms(t);
    }
    if compression.brotli {
        let t = Instant::now();
        out.asset.brotli = Some(
            cached
                .brotli
                .unwrap_or_else(|| project::compress::brotli_size(&data)),
        );
        out.brotli_ms = ms(t);
    }
    if let Some(key) = key {
        cache.put(
            key,
            super::size_cache::Sizes {
                gzip: out.asset.gzip,
                brotli: out.asset.brotli,
            },
        );
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
                        if let Some(depth) = found.too_deep {
                            out.diagnostics.push(Diagnostic::new(
                                &rel,
                                format!(
                                    "not parsed for imports: it nests more than {} levels deep (at least {depth})",
                                    project::depth::MAX_NESTING
                                ),
                            ));
                        } else if found.had_errors {
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
                out.diagnostics.push(Diagnostic::new(&rel, NO_MAP));
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

/// `version` of every attributed package whose install path does not tell
/// it (pnpm paths do), from its `package.json` inside the project.
fn read_versions(
    project: &project::ProjectFacts,
    assets: &[AssetFacts],
) -> BTreeMap<String, String> {
    let install_paths: BTreeSet<String> = assets
        .iter()
        .flat_map(|a| a.sources.iter())
        .filter_map(|(source, _)| packages::package_of(&packages::normalize_source(source)))
        .filter(|p| p.version.is_none() && p.install_path.starts_with("node_modules/"))
        .map(|p| p.install_path)
        .collect();
    install_paths
        .into_iter()
        .filter_map(|install| project.version_of(&install).map(|v| (install, v)))
        .collect()
}
