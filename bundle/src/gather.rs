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
    let root = open_root(dist)?;
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
    let assets_started = Instant::now();
    let gathered = measure_files(
        &files,
        &root,
        &index,
        metadata_graph.as_ref(),
        options,
        &mut diagnostics,
    );
    let mut timings = BundleTimings {
        walk_ms,
        assets_ms: ms(assets_started),
        threads: rayon::current_num_threads(),
        ..BundleTimings::default()
    };
    let assets = collect_assets(gathered, &mut timings, &mut diagnostics);

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

/// The output folder, canonical; an error when it is missing or not a folder.
fn open_root(dist: &Path) -> Result<PathBuf, BundleError> {
    let root = std::fs::canonicalize(dist).map_err(|source| BundleError::Io {
        path: dist.to_path_buf(),
        source,
    })?;
    if !root.is_dir() {
        return Err(BundleError::NotADirectory {
            path: dist.to_path_buf(),
        });
    }
    Ok(root)
}

/// Measures every file (sizes, source maps, imports, pages) through the
/// size cache, and saves the cache; a cache that cannot be saved is a
/// diagnostic.
fn measure_files(
    files: &[FileFact],
    root: &Path,
    index: &PathIndex,
    metadata_graph: Option<&ChunkGraph>,
    options: &BundleOptions,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Gathered> {
    let metadata_file = metadata_graph.and_then(|g| g.metadata_file.as_deref());
    let tasks = tasks_for(files, metadata_file);
    let cache = match (&options.project, options.cache) {
        (Some(project), true) => super::size_cache::SizeCache::open(&project.root),
        _ => super::size_cache::SizeCache::disabled(),
    };
    let gathered = gather_all(
        &tasks,
        root,
        index,
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
    gathered
}

/// One task per file, typed by its extension, except the bundler's
/// metadata file.
fn tasks_for<'a>(files: &'a [FileFact], metadata_file: Option<&str>) -> Vec<Task<'a>> {
    files
        .iter()
        .map(|file| Task {
            file,
            asset_type: if Some(file.rel.as_str()) == metadata_file {
                AssetType::Metadata
            } else {
                asset_type(&file.rel)
            },
        })
        .collect()
}

/// The gathered files as [`AssetFacts`], sorted by path; their diagnostics
/// and CPU times go to `diagnostics` and `timings`. Many files without a
/// source map make one diagnostic instead of one each.
fn collect_assets(
    gathered: Vec<Gathered>,
    timings: &mut BundleTimings,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<AssetFacts> {
    let summary = unmapped_summary(&gathered);
    let aggregate = summary.is_some();
    diagnostics.extend(summary);
    let mut assets = Vec::with_capacity(gathered.len());
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
    assets
}

/// Files without a source map: one line for all of them when there are more
/// than three (a framework output has dozens), naming the first few.
fn unmapped_summary(gathered: &[Gathered]) -> Option<Diagnostic> {
    let mut unmapped: Vec<&str> = gathered
        .iter()
        .flat_map(|g| &g.diagnostics)
        .filter(|d| d.message == NO_MAP)
        .map(|d| d.path.as_str())
        .collect();
    if unmapped.len() <= 3 {
        return None;
    }
    unmapped.sort();
    let shown: Vec<&str> = unmapped.iter().take(3).copied().collect();
    Some(Diagnostic::new(
        "",
        format!(
            "{} JS and CSS files have no source map, so their bytes are not attributed to modules: {} and {} more",
            unmapped.len(),
            shown.join(", "),
            unmapped.len() - shown.len()
        ),
    ))
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

impl Gathered {
    /// A file as listed, before it is read: its walked size, nothing else.
    fn listed(task: &Task<'_>) -> Self {
        Self {
            asset: Asset {
                path: task.file.rel.clone(),
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
        }
    }
}

fn gather_one(
    task: &Task<'_>,
    root: &Path,
    index: &PathIndex,
    compression: Compression,
    parse_imports: bool,
    cache: &super::size_cache::SizeCache,
) -> Gathered {
    let mut out = Gathered::listed(task);
    if !task.asset_type.is_shipped() {
        return out;
    }
    let data = match std::fs::read(&task.file.abs) {
        Ok(data) => data,
        Err(err) => {
            out.diagnostics.push(Diagnostic::new(
                &task.file.rel,
                format!("cannot read: {err}"),
            ));
            out.asset.unmapped_bytes = out.asset.raw;
            return out;
        }
    };
    out.asset.raw = data.len() as u64;
    out.asset.unmapped_bytes = out.asset.raw;
    measure_sizes(&mut out, &data, compression, cache);
    match task.asset_type {
        AssetType::Js | AssetType::Css => {
            let t = Instant::now();
            attribute(&mut out, &data, root, index);
            out.map_ms = ms(t);
            if task.asset_type == AssetType::Js && parse_imports {
                let (imports, problem) = read_imports(&task.file.rel, &data);
                out.diagnostics.extend(problem);
                out.imports = imports;
            }
        }
        AssetType::Html => {
            out.html_refs = Some(html::scan(&String::from_utf8_lossy(&data)));
        }
        _ => {}
    }
    out
}

/// The compressed sizes `compression` asks for, from the cache when it has
/// them (and recorded in it), else computed; with the time each took.
fn measure_sizes(
    out: &mut Gathered,
    data: &[u8],
    compression: Compression,
    cache: &super::size_cache::SizeCache,
) {
    let key = cache
        .enabled()
        .then(|| super::size_cache::SizeCache::key(data));
    let cached = key
        .as_deref()
        .and_then(|k| cache.get(k))
        .unwrap_or_default();
    if compression.gzip {
        let t = Instant::now();
        out.asset.gzip = Some(
            cached
                .gzip
                .unwrap_or_else(|| project::compress::gzip_size(data)),
        );
        out.gzip_ms = ms(t);
    }
    if compression.brotli {
        let t = Instant::now();
        out.asset.brotli = Some(
            cached
                .brotli
                .unwrap_or_else(|| project::compress::brotli_size(data)),
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
}

/// A JS chunk's imports, parsed from its bytes (`rel` names it in the
/// diagnostic): none when it is too large or not UTF-8; a diagnostic when
/// it nests too deep or did not parse cleanly.
fn read_imports(rel: &str, data: &[u8]) -> (Option<ChunkImports>, Option<Diagnostic>) {
    let text = match std::str::from_utf8(data) {
        Ok(_) if data.len() > MAX_PARSE_BYTES => {
            return (
                None,
                Some(Diagnostic::new(
                    rel,
                    "too large to parse for imports (over 16 MB); its imports were not read",
                )),
            );
        }
        Ok(text) => text,
        Err(_) => {
            return (
                None,
                Some(Diagnostic::new(
                    rel,
                    "not UTF-8 text; its imports were not read",
                )),
            );
        }
    };
    let found = chunk_graph::parsed::chunk_imports(text);
    let problem = if let Some(depth) = found.too_deep {
        Some(Diagnostic::new(
            rel,
            format!(
                "not parsed for imports: it nests more than {} levels deep (at least {depth})",
                project::depth::MAX_NESTING
            ),
        ))
    } else if found.had_errors {
        Some(Diagnostic::new(
            rel,
            "JavaScript did not parse cleanly; its imports may be incomplete",
        ))
    } else {
        None
    };
    (Some(found), problem)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::size_cache::{SizeCache, Sizes};

    fn file(rel: &str, size: u64) -> FileFact {
        FileFact {
            rel: rel.to_string(),
            abs: PathBuf::from("/nowhere").join(rel),
            size,
        }
    }

    fn gathered(rel: &str, messages: &[&str], times: f64) -> Gathered {
        let f = file(rel, 10);
        let mut g = Gathered::listed(&Task {
            file: &f,
            asset_type: asset_type(rel),
        });
        g.diagnostics = messages.iter().map(|m| Diagnostic::new(rel, *m)).collect();
        (g.gzip_ms, g.brotli_ms, g.map_ms) = (times, 2.0 * times, 3.0 * times);
        g
    }

    #[test]
    fn tasks_are_typed_by_extension_except_the_metadata_file() {
        let files = vec![
            file("assets/app.JS", 1),
            file("stats.json", 1),
            file(".vite/manifest.json", 1),
            file("logo.svg", 1),
        ];
        let types = |metadata: Option<&str>| -> Vec<AssetType> {
            tasks_for(&files, metadata)
                .iter()
                .map(|t| t.asset_type)
                .collect()
        };
        assert_eq!(
            types(Some("stats.json")),
            vec![
                AssetType::Js,
                AssetType::Metadata,
                AssetType::Metadata,
                AssetType::Image
            ]
        );
        assert_eq!(types(None)[1], AssetType::Other);
    }

    #[test]
    fn a_listed_file_is_all_unmapped_until_read() {
        let f = file("a.css", 42);
        let g = Gathered::listed(&Task {
            file: &f,
            asset_type: AssetType::Css,
        });
        assert_eq!(
            (g.asset.path.as_str(), g.asset.raw, g.asset.unmapped_bytes),
            ("a.css", 42, 42)
        );
        assert_eq!((g.asset.gzip, g.imports.is_none()), (None, true));
    }

    #[test]
    fn files_without_maps_are_summed_up_beyond_three() {
        let three: Vec<Gathered> = ["c.js", "a.js", "b.css"]
            .iter()
            .map(|p| gathered(p, &[NO_MAP], 0.0))
            .collect();
        assert!(unmapped_summary(&three).is_none());
        let mut four = three;
        four.push(gathered("d.js", &[NO_MAP, "other"], 0.0));
        four.push(gathered("e.js", &["other"], 0.0));
        let summary = unmapped_summary(&four).unwrap();
        assert_eq!(summary.path, "");
        assert_eq!(
            summary.message,
            "4 JS and CSS files have no source map, so their bytes are not attributed to modules: a.js, b.css, c.js and 1 more"
        );
    }

    #[test]
    fn collected_assets_are_sorted_with_times_summed_and_notes_merged() {
        let mut timings = BundleTimings::default();
        let mut diagnostics = Vec::new();
        let few = vec![gathered("b.js", &[NO_MAP], 1.0), gathered("a.js", &[], 2.0)];
        let assets = collect_assets(few, &mut timings, &mut diagnostics);
        let paths: Vec<&str> = assets.iter().map(|a| a.asset.path.as_str()).collect();
        assert_eq!(paths, vec!["a.js", "b.js"]);
        assert_eq!(
            (
                timings.gzip_cpu_ms,
                timings.brotli_cpu_ms,
                timings.sourcemap_cpu_ms
            ),
            (3.0, 6.0, 9.0)
        );
        assert_eq!(diagnostics, vec![Diagnostic::new("b.js", NO_MAP)]);
        // Beyond three, the summary replaces each file's note; other notes stay.
        let many: Vec<Gathered> = ["a.js", "b.js", "c.js", "d.js"]
            .iter()
            .map(|p| gathered(p, &[NO_MAP, "kept"], 0.0))
            .collect();
        let mut diagnostics = Vec::new();
        collect_assets(many, &mut timings, &mut diagnostics);
        assert_eq!(diagnostics.len(), 5);
        assert!(diagnostics[0].message.starts_with("4 JS and CSS files"));
        assert!(diagnostics[1..].iter().all(|d| d.message == "kept"));
    }

    #[test]
    fn imports_are_read_from_utf8_chunks_with_their_problems() {
        let (imports, problem) = read_imports(
            "a.js",
            b"import './b.js'; export * from './c.js'; import('./d.js');",
        );
        let imports = imports.unwrap();
        assert_eq!(imports.imports, vec!["./b.js", "./c.js"]);
        assert_eq!(imports.dynamic_imports, vec!["./d.js"]);
        assert!(problem.is_none());
        let (imports, problem) = read_imports("bad.js", b"import './b.js'; let = ;");
        assert!(imports.is_some_and(|i| i.had_errors));
        assert_eq!(
            problem.unwrap().message,
            "JavaScript did not parse cleanly; its imports may be incomplete"
        );
        let (imports, problem) = read_imports("bin.js", &[0xff, 0xfe]);
        assert!(imports.is_none());
        assert_eq!(
            problem.map(|p| (p.path, p.message)),
            Some((
                "bin.js".to_string(),
                "not UTF-8 text; its imports were not read".to_string()
            ))
        );
    }

    #[test]
    fn sizes_come_from_the_cache_and_go_back_into_it() {
        let data = b"console.log('hello, hello, hello, hello');".as_slice();
        let f = file("a.js", data.len() as u64);
        let task = Task {
            file: &f,
            asset_type: AssetType::Js,
        };
        let gzip_only = Compression {
            gzip: true,
            brotli: false,
        };
        let mut out = Gathered::listed(&task);
        measure_sizes(&mut out, data, gzip_only, &SizeCache::disabled());
        let gzip = project::compress::gzip_size(data);
        assert_eq!((out.asset.gzip, out.asset.brotli), (Some(gzip), None));

        let project = tempfile::tempdir().unwrap();
        std::fs::create_dir(project.path().join("node_modules")).unwrap();
        let cache = SizeCache::open(project.path());
        let key = SizeCache::key(data);
        cache.put(
            key.clone(),
            Sizes {
                gzip: Some(7),
                brotli: None,
            },
        );
        let mut out = Gathered::listed(&task);
        measure_sizes(&mut out, data, Compression::default(), &cache);
        let brotli = project::compress::brotli_size(data);
        assert_eq!((out.asset.gzip, out.asset.brotli), (Some(7), Some(brotli)));
        assert_eq!(
            cache.get(&key),
            Some(Sizes {
                gzip: Some(7),
                brotli: Some(brotli)
            })
        );
    }
}
