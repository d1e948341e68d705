//! The `analyze` document: the source module graph and the findings over it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Diagnostic;
use crate::finding::Finding;

/// Result of `perfscope analyze`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AnalyzeReport {
    /// See [`crate::SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Always `"analyze"`.
    pub kind: String,
    /// Entry modules the graph was walked from, and how each was found.
    pub entries: Vec<Entry>,
    /// The workspaces analysed (a monorepo), sorted by path; empty for a
    /// single project.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workspaces: Vec<Workspace>,
    /// Every finding, by kind in report order (see [`crate::finding`]).
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// Every module reached from the entries, sorted by path.
    pub modules: Vec<Module>,
    /// Problems met on the way; the analysis went on.
    pub diagnostics: Vec<Diagnostic>,
    /// Wall time per stage in milliseconds (redacted in snapshot tests).
    #[serde(default)]
    pub timings: Timings,
}

/// How long each stage took.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Timings {
    /// Reading, parsing and resolving the graph.
    pub graph_ms: f64,
    /// Computing the findings.
    pub findings_ms: f64,
    /// The whole analysis.
    pub total_ms: f64,
}

/// An entry module.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct Entry {
    /// Module path.
    pub path: String,
    /// Why it is an entry: `cli`, `config`, `vite: index.html module script`,
    /// `next: app router page`, `package.json#exports`, `vitest: test file`...
    pub source: String,
    /// Whether it ships (production) or only tools load it (tests, stories,
    /// configs, scripts, dev servers).
    #[serde(default)]
    pub role: Role,
}

/// Which graph a module belongs to.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reachable from an entry that ships (the app, the library's exports).
    #[default]
    Production,
    /// Reachable only from tooling entries (tests, stories, configs, scripts, servers).
    Tooling,
}

/// Why a file is, or is not, in the module graph (`perfscope analyze --explain PATH`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Explanation {
    /// The file asked about, relative to the root.
    pub path: String,
    /// What perfscope found.
    pub status: ExplainStatus,
    /// Production or tooling, when the file is in the graph.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// The entry the chain starts at, and why that file is an entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<Entry>,
    /// The shortest import chain from that entry to the file (empty when the
    /// file is the entry).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chain: Vec<ChainLink>,
    /// Every module of the graph that imports the file directly, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub importers: Vec<String>,
    /// The workspace that owns the file, in a monorepo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
    /// One sentence that says it all.
    pub message: String,
}

/// What `--explain` found about a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ExplainStatus {
    /// The file is an entry (a convention, a config or `--entry` names it).
    Entry,
    /// An entry reaches it through imports.
    Used,
    /// A project file that no entry reaches: reported as unused.
    Unused,
    /// Neither in the graph nor a candidate for "unused": ignored (tests,
    /// stories, configs, `.d.ts`, `public/`, `.gitignore`, `ignore` patterns),
    /// not a JS/TS module, or not in the project.
    NotAnalysed,
}

/// One import on the way from an entry to a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ChainLink {
    /// The importing module.
    pub from: String,
    /// 1-based line of the import in `from`.
    pub line: u32,
    /// The specifier as written.
    pub specifier: String,
    /// The kind of the edge.
    pub kind: EdgeKind,
    /// The imported module.
    pub to: String,
}

/// A workspace of a monorepo.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct Workspace {
    /// Its folder relative to the root (`.` for the root package).
    pub path: String,
    /// `name` of its `package.json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// One node of the module graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Module {
    /// Path relative to the root (`node_modules/...` for packages).
    pub path: String,
    /// Size of the file in bytes.
    pub bytes: u64,
    /// `js`, `css`, `json`, `asset`.
    pub module_type: String,
    /// Package name when the module lives in `node_modules`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// Production when a shipping entry reaches it, else tooling.
    #[serde(default)]
    pub role: Role,
    /// Outgoing edges in source order.
    pub imports: Vec<Import>,
}

/// One import edge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Import {
    /// The specifier as written.
    pub specifier: String,
    /// The resolved module path, or `None` when it could not be resolved.
    pub resolved: Option<String>,
    /// Edge kind.
    pub kind: EdgeKind,
    /// 1-based line of the import.
    pub line: u32,
}

/// Packages a page cannot render without: the UI framework's own runtime
/// (its client runtime loads them on every page). Never worth an `import()`
/// and never something to cut: no lazy-loading candidate and no top action
/// names them.
pub const FRAMEWORK_RUNTIMES: &[&str] = &[
    "react",
    "react-dom",
    "scheduler",
    "next",
    "vue",
    "preact",
    "svelte",
    "solid-js",
    "@angular/core",
];

/// The kind of an import edge.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeKind {
    /// `import x from` / `import { x } from`.
    Static,
    /// `import()`.
    Dynamic,
    /// `import type` / `export type ... from`, or imports whose every binding is a type.
    TypeOnly,
    /// `export ... from` / `export * from`.
    ReExport,
    /// `require()`.
    Require,
    /// `import "x"` with no bindings.
    SideEffect,
    /// A reference that is not an import: `new URL('./x', import.meta.url)`
    /// (workers, assets), `import.meta.resolve`, `require.resolve`.
    Url,
}

impl EdgeKind {
    /// Whether the edge puts its target in the same (initial) load as the importer.
    pub fn is_static_runtime(self) -> bool {
        matches!(
            self,
            EdgeKind::Static | EdgeKind::ReExport | EdgeKind::Require | EdgeKind::SideEffect
        )
    }
}

/// Why code is a lazy-loading candidate.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum LazyReason {
    /// An `import()` that a static import path defeats: the module stays in
    /// the initial load.
    DynamicAlsoStatic,
    /// A static subgraph that only this importer brings into the initial load.
    ExclusiveSubgraph,
}

impl LazyReason {
    /// `dynamic-also-static` or `exclusive-subgraph`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Where an importer uses what a lazy-loading candidate would split out.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum UseSite {
    /// Used while the importer's module code runs (at its top level):
    /// needed as soon as the importer loads.
    TopLevel,
    /// Used when an entry module renders (a component in the entry): part of
    /// the first render.
    FirstRender,
    /// Used when a function of the importer runs (a component's render, a
    /// helper): needed when that code runs, which may be the first render.
    Render,
    /// Used only inside event handlers, effects, timers or promise callbacks:
    /// needed on demand, the best kind of candidate.
    Deferred,
}

impl UseSite {
    /// `top-level`, `first-render`, `render` or `deferred`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Rank tier: on-demand uses first, startup uses last.
    pub fn tier(self) -> u8 {
        match self {
            UseSite::Deferred => 0,
            UseSite::Render => 1,
            UseSite::FirstRender | UseSite::TopLevel => 2,
        }
    }
}

/// Where a lazy-loading candidate's saving comes from.
#[derive(
    Default,
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum SavingSource {
    /// Raw source bytes only (no estimate was made).
    #[default]
    Source,
    /// Minified with production definitions and gzip -9 by perfscope.
    Estimate,
    /// The build output's source-map attribution (what really ships).
    Build,
}

impl SavingSource {
    /// `source`, `estimate` or `build`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// One package present more than once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DuplicatePackage {
    /// Package name.
    pub name: String,
    /// Each copy.
    pub instances: Vec<PackageInstance>,
}

/// One installed copy of a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PackageInstance {
    /// `version` from its `package.json`, when readable.
    pub version: Option<String>,
    /// Install folder, relative to the root.
    pub path: String,
    /// Bytes of this copy's modules that the graph reaches.
    pub bytes: u64,
    /// Modules outside this copy that import it.
    pub importers: Vec<String>,
}

/// Code that could leave the initial load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LazyCandidate {
    /// The module whose import should become `import()`.
    pub importer: String,
    /// The specifier as written in the importer.
    pub specifier: String,
    /// The imported module.
    pub module: String,
    /// Raw source bytes that would leave the initial load.
    pub bytes_saved: u64,
    /// Estimated minified + gzip bytes saved (swc minifier + gzip -9), when computed.
    pub gzip_saved_estimate: Option<u64>,
    /// Number of modules that would leave the initial load.
    pub modules_saved: usize,
    /// The modules that would leave the initial load (the import's
    /// exclusive subgraph as a production build keeps it), sorted: what the
    /// assessment looks up in a browser run's coverage and CPU profile.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub saved_modules: Vec<String>,
    /// Why it is a candidate.
    pub reason: LazyReason,
    /// For `dynamic-also-static`: the static path from an entry to the module.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub static_path: Vec<String>,
    /// 1-based line of the import in the importer.
    pub line: u32,
    /// Where the importer uses what it imports (the rank: on-demand uses
    /// first, startup uses last), when perfscope could tell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_site: Option<UseSite>,
    /// Where the gzip saving comes from.
    #[serde(default)]
    pub saving_source: SavingSource,
    /// Raw bytes of these modules in the build's initial JavaScript
    /// (source-map attribution), when a build was analysed with the source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_bytes: Option<u64>,
    /// Their share of the initial chunks' gzip bytes, from the build.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_gzip: Option<u64>,
}

impl LazyCandidate {
    /// The gzip bytes it would save: from the build when known, else the
    /// estimate.
    pub fn gzip_saved(&self) -> Option<u64> {
        self.build_gzip.or(self.gzip_saved_estimate)
    }
}
