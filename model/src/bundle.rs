//! The `bundle` document: what a build output folder ships, what loads first,
//! where its bytes come from, and whether it stays within its budgets.
//!
//! Units: every size is in bytes. Human limits such as `"250 KB"` use decimal
//! units (1 KB = 1000 bytes, 1 MB = 1000 KB), like size-limit.
//!
//! Compressed sizes are gzip level 9 (zlib) and brotli quality 11, window 22.
//! `null` means the size was not computed (`--no-brotli`, or a file type that is
//! never compressed such as source maps).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Diagnostic;
use crate::budget::Budget;
use crate::finding::Finding;

/// Result of `perfscope bundle`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BundleReport {
    /// See [`crate::SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Always `"bundle"`.
    pub kind: String,
    /// The analysed output folder, as given.
    pub root: String,
    /// Compressions that were computed: `gzip`, `brotli`.
    pub compression: Vec<String>,
    /// Where the chunk graph (initial vs lazy) came from.
    pub chunk_graph: ChunkGraphSource,
    /// The kind of output and what of it was measured.
    #[serde(default)]
    pub layout: OutputLayout,
    /// Every file of the folder, sorted by path.
    pub assets: Vec<Asset>,
    /// Each entry (an HTML page, or a bundler entry point when there is no HTML),
    /// sorted by name.
    pub entries: Vec<Entry>,
    /// Chunks loaded through `import()` (an SPA's route chunks, lazily
    /// loaded components) and what each downloads when it loads, sorted by
    /// asset path.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lazy_chunks: Vec<LazyChunk>,
    /// Totals per asset type (source maps and bundler metadata excluded), sorted by type.
    pub totals: Vec<TypeTotal>,
    /// Bytes per package over all JS and CSS assets (from source maps), sorted by
    /// name then version. First-party code is not a package.
    pub packages: Vec<Package>,
    /// Every budget with its verdict, in configuration order.
    pub budgets: Vec<Budget>,
    /// Every finding, by kind in report order (see [`crate::finding`]).
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// Problems met on the way (missing or broken maps, unreadable files...);
    /// the analysis went on. Sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// Wall and CPU time per stage in milliseconds (redacted in snapshot tests).
    #[serde(default)]
    pub timings: BundleTimings,
}

impl BundleReport {
    /// Whether every budget passed.
    pub fn budgets_pass(&self) -> bool {
        self.budgets.iter().all(Budget::passes)
    }
}

/// The kind of build output, as perfscope recognised it.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Framework {
    /// A folder served as it is (a Vite/webpack/esbuild SPA, a static site).
    #[default]
    Static,
    /// Next.js's `.next/`: only `static/` is served (under `/_next/static/`).
    Next,
    /// React Router framework mode / Remix: `build/client/` is served, `build/server/` is not.
    ReactRouter,
    /// A server-rendered Vite build: `client/` is served, `server/` is not.
    ViteSsr,
}

impl Framework {
    /// The id (`next`, `react-router`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Files of the output folder no browser downloads, counted nowhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ExcludedFiles {
    /// A folder (`cache/`, `server/`) or a file (`trace`), relative to the analysed folder.
    pub path: String,
    /// How many files.
    pub files: usize,
    /// Their raw bytes.
    pub bytes: u64,
    /// Why they are not counted.
    pub why: String,
}

/// What was analysed and how: the framework's layout, what is served, how
/// entries (routes) and their initial JS were computed, what was left out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OutputLayout {
    /// The kind of output.
    pub framework: Framework,
    /// The folder whose files were measured, relative to the analysed one
    /// (`.` or `static`, `client`).
    pub served: String,
    /// How entries and their initial load were found, in one sentence (e.g.
    /// Next.js's "First Load JS": gzip -9 of each JS file, summed).
    pub entries_from: String,
    /// Everything not served, grouped by folder, never counted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded: Vec<ExcludedFiles>,
    /// How the folder was found, when perfscope looked for it (`.next
    /// (the first of .next/, build/client/, … found in the project)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
}

/// Where a chunk graph was read from.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum ChunkGraphSource {
    /// Vite's `.vite/manifest.json`.
    ViteManifest,
    /// webpack or Rspack `stats.json`.
    WebpackStats,
    /// An esbuild metafile.
    EsbuildMetafile,
    /// Imports read from the chunks themselves.
    Parsed,
    /// Next.js's `build-manifest.json` and `app-build-manifest.json`.
    NextManifests,
    /// React Router's route manifest (`assets/manifest-*.js`) with Vite's manifest.
    ReactRouterManifest,
}

impl ChunkGraphSource {
    /// The id (`vite-manifest`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The kind of a file in the output folder.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum AssetType {
    /// `.js`, `.mjs`, `.cjs`.
    Js,
    /// `.css`.
    Css,
    /// `.html`, `.htm`.
    Html,
    /// `.woff2`, `.woff`, `.ttf`, `.otf`, `.eot`.
    Font,
    /// `.png`, `.jpg`, `.jpeg`, `.gif`, `.webp`, `.avif`, `.svg`, `.ico`.
    Image,
    /// `.wasm`.
    Wasm,
    /// `.map` files: not downloaded by users, never compressed, not in totals.
    Sourcemap,
    /// Bundler metadata (`.vite/manifest.json`, webpack stats, esbuild
    /// metafile): not shipped, never compressed, not in totals.
    Metadata,
    /// Anything else (JSON, text, media...).
    Other,
}

impl AssetType {
    /// Whether users download this kind of file (it counts in totals and is compressed).
    pub fn is_shipped(self) -> bool {
        !matches!(self, AssetType::Sourcemap | AssetType::Metadata)
    }
}

/// One file of the output folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Asset {
    /// Path relative to the output folder, `/`-separated.
    pub path: String,
    /// Kind of file.
    #[serde(rename = "type")]
    pub asset_type: AssetType,
    /// Size on disk in bytes.
    pub raw: u64,
    /// gzip level 9 size, when computed.
    pub gzip: Option<u64>,
    /// brotli quality 11 size, when computed.
    pub brotli: Option<u64>,
    /// Whether some entry loads it before the page is usable.
    pub initial: bool,
    /// Entries that load it initially, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub initial_for: Vec<String>,
    /// Assets it imports statically (chunk graph), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub imports: Vec<String>,
    /// Assets it loads through `import()` (chunk graph), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dynamic_imports: Vec<String>,
    /// Where its source map came from: a path relative to the output folder, or
    /// `inline`; absent when it has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map: Option<String>,
    /// Bytes per original source, from the source map, largest first (then by name).
    pub sources: Vec<SourceShare>,
    /// Bytes no source-map mapping covers: every byte when there is no usable
    /// map, and for files other than JS and CSS. Always
    /// `sum(sources[].bytes) + unmapped_bytes == raw` exactly.
    pub unmapped_bytes: u64,
}

/// Bytes of one asset that come from one original source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SourceShare {
    /// Normalised original path (`node_modules/react/index.js`, `src/App.tsx`).
    pub source: String,
    /// Package the source belongs to (`name` or `@scope/name`), none for first-party code.
    pub package: Option<String>,
    /// Package version, when the path (pnpm) or a readable `package.json` tells it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Generated bytes attributed to this source.
    pub bytes: u64,
    /// Estimated gzip bytes: the asset's gzip size times this source's share of
    /// its raw bytes (compression is not additive; this is an estimate).
    pub gzip: Option<u64>,
}

/// Sizes of a set of files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Sizes {
    /// Sum of raw sizes.
    pub raw: u64,
    /// Sum of gzip sizes, when computed for every file of the set.
    pub gzip: Option<u64>,
    /// Sum of brotli sizes, when computed for every file of the set.
    pub brotli: Option<u64>,
}

/// An entry and what it loads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Entry {
    /// The HTML path, or the bundler's entry name when there is no HTML.
    pub name: String,
    /// The HTML file, relative to the output folder, when the entry is a page.
    pub html: Option<String>,
    /// Assets loaded before the page is usable (the HTML's scripts, module
    /// preloads and stylesheets, plus everything those import statically), sorted.
    /// The HTML file itself is not included.
    pub assets: Vec<String>,
    /// Assets reached only through `import()`, sorted.
    pub lazy: Vec<String>,
    /// Raw bytes of `assets`.
    pub raw: u64,
    /// gzip bytes of `assets`.
    pub gzip: Option<u64>,
    /// brotli bytes of `assets`.
    pub brotli: Option<u64>,
    /// The JS part of `assets`.
    pub js: Sizes,
    /// Everything in `lazy`.
    pub lazy_sizes: Sizes,
    /// The framework's own figure for this route's JS, computed its way
    /// (Next.js: "First Load JS", gzip bytes), when the framework has one
    /// (see `layout.entries_from`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_load_js: Option<u64>,
}

/// A chunk loaded through `import()` and what it downloads when it loads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LazyChunk {
    /// The chunk's path.
    pub asset: String,
    /// The module it is built from (the `import()` target: Vite's manifest
    /// `src`, esbuild's `entryPoint`, else the first-party source of its
    /// source map whose name is the chunk's), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// The assets whose `import()` loads it, sorted.
    pub imported_from: Vec<String>,
    /// What it downloads when it loads: the chunk and its static imports,
    /// transitively, without what the entries that reach it load up front
    /// (already downloaded), sorted.
    pub assets: Vec<String>,
    /// The sizes of `assets`.
    #[serde(flatten)]
    pub sizes: Sizes,
}

/// Totals for one asset type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TypeTotal {
    /// Asset type.
    #[serde(rename = "type")]
    pub asset_type: AssetType,
    /// Number of files.
    pub count: usize,
    /// Their sizes.
    #[serde(flatten)]
    pub sizes: Sizes,
}

/// Bytes of one package (one version) over the whole output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Package {
    /// `name` or `@scope/name`.
    pub name: String,
    /// Version, when known.
    pub version: Option<String>,
    /// Generated bytes attributed to it.
    pub bytes: u64,
    /// Estimated gzip bytes (sum of its sources' estimates).
    pub gzip: Option<u64>,
    /// Install folders it was found at (normalised, e.g. `node_modules/react`).
    pub paths: Vec<String>,
    /// Assets that contain it, sorted.
    pub assets: Vec<String>,
}

/// A package shipped at several versions or from several install folders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DuplicatePackage {
    /// Package name.
    pub name: String,
    /// Different versions, or one version in several install folders.
    pub kind: DuplicateKind,
    /// Distinct versions, sorted (`unknown` when a copy's version is not known).
    pub versions: Vec<String>,
    /// Every install folder, sorted.
    pub paths: Vec<String>,
    /// Bytes of every copy but the largest.
    pub bytes_wasted: u64,
}

/// How a package is duplicated.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum DuplicateKind {
    /// Several versions.
    Versions,
    /// One version from several install folders.
    Copies,
}

impl DuplicateKind {
    /// `versions` or `copies`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// An original module present in more than one asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DuplicateModule {
    /// Normalised original path.
    pub source: String,
    /// Assets that contain it, sorted.
    pub assets: Vec<String>,
    /// Bytes of every copy but the largest.
    pub bytes_wasted: u64,
}

/// Time spent per stage.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BundleTimings {
    /// Listing the folder.
    pub walk_ms: f64,
    /// Reading, compressing and attributing every asset (wall time).
    pub assets_ms: f64,
    /// CPU time spent in brotli, summed over assets.
    pub brotli_cpu_ms: f64,
    /// CPU time spent in gzip, summed over assets.
    pub gzip_cpu_ms: f64,
    /// CPU time spent reading and attributing source maps, summed over assets.
    pub sourcemap_cpu_ms: f64,
    /// Building the chunk graph and the findings.
    pub findings_ms: f64,
    /// The whole analysis.
    pub total_ms: f64,
    /// Worker threads used.
    pub threads: usize,
}
