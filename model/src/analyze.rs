//! The `analyze` document: the source module graph and the findings over it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Diagnostic;

/// Result of `perfscope analyze`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AnalyzeReport {
    /// See [`crate::SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Always `"analyze"`.
    pub kind: String,
    /// Entry modules the graph was walked from, and how each was found.
    pub entries: Vec<Entry>,
    /// Every module reached from the entries, sorted by path.
    pub modules: Vec<Module>,
    /// Project files no entry reaches.
    pub unused_files: Vec<String>,
    /// Exported names no module uses.
    pub unused_exports: Vec<UnusedExport>,
    /// Dependencies listed in `package.json` that the graph never imports.
    pub unused_dependencies: Vec<String>,
    /// Packages the graph imports that `package.json` does not list.
    pub unlisted_dependencies: Vec<UnlistedDependency>,
    /// Packages reached at two or more versions or install paths.
    pub duplicate_packages: Vec<DuplicatePackage>,
    /// Import cycles: each a sorted list of module paths (strongly connected components).
    pub cycles: Vec<Vec<String>>,
    /// Code that could leave the initial load through `import()`, ranked by bytes saved.
    pub lazy_candidates: Vec<LazyCandidate>,
    /// Findings that the configuration marks as errors (they make the exit code 1).
    #[serde(default)]
    pub errors: Vec<String>,
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
    /// Where it came from: `cli`, `config`, `index.html`, `package.json#main`, `convention`...
    pub source: String,
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

/// An exported name nobody uses.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct UnusedExport {
    /// Module path.
    pub path: String,
    /// Exported name (`default` for the default export).
    pub name: String,
    /// 1-based line of the export.
    pub line: u32,
    /// Whether the export is a type (interface, type alias, `export type`).
    pub type_only: bool,
}

/// A package imported but not listed in `package.json`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct UnlistedDependency {
    /// Package name.
    pub name: String,
    /// Project modules that import it.
    pub importers: Vec<String>,
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
    /// `dynamic-also-static` (an `import()` defeated by a static path) or
    /// `exclusive-subgraph` (a static subgraph only this importer needs).
    pub reason: String,
    /// For `dynamic-also-static`: the static path from an entry to the module.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub static_path: Vec<String>,
    /// 1-based line of the import in the importer.
    pub line: u32,
}
