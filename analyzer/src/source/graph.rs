//! Gathering: the module graph from the entries. Every reachable file is read,
//! parsed and resolved by a pool of tasks (a file is queued as soon as one
//! importer resolved it); then the graph is assembled in breadth-first order.
//! Only reachable files are parsed.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use model::Diagnostic;
use model::analyze::EdgeKind;
use petgraph::graph::{DiGraph, NodeIndex};

use super::entries::FoundEntry;
use super::manifest::Manifest;
use super::parse::{ExportFact, FileFacts, ImportFact, parse_file};
use super::resolve::{ProjectResolver, Unresolved};
use super::walk::is_source;

/// What kind of file a module is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModuleType {
    /// JavaScript or TypeScript, parsed.
    Js,
    /// A stylesheet.
    Css,
    /// JSON.
    Json,
    /// Anything else (images, fonts, wasm...).
    Asset,
}

impl ModuleType {
    /// The type of a file, from its extension.
    pub fn of(path: &Path) -> Self {
        if is_source(path) {
            return ModuleType::Js;
        }
        match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
            "css" | "scss" | "sass" | "less" | "styl" | "pcss" => ModuleType::Css,
            "json" => ModuleType::Json,
            _ => ModuleType::Asset,
        }
    }

    /// Name used in the report.
    pub fn as_str(self) -> &'static str {
        match self {
            ModuleType::Js => "js",
            ModuleType::Css => "css",
            ModuleType::Json => "json",
            ModuleType::Asset => "asset",
        }
    }
}

/// The installed package a module belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageRef {
    /// Package name.
    pub name: String,
    /// Install folder relative to the root.
    pub dir: String,
}

/// An import with its resolution.
#[derive(Debug, Clone)]
pub struct ResolvedImport {
    /// What the file says.
    pub fact: ImportFact,
    /// The module it resolved to.
    pub target: Option<NodeIndex>,
    /// Package name when the specifier is a bare package import.
    pub package: Option<String>,
    /// Whether the specifier is a Node.js built-in.
    pub builtin: bool,
}

/// A node of the graph.
#[derive(Debug, Clone)]
pub struct ModuleNode {
    /// Path relative to the root, `/`-separated.
    pub path: String,
    /// Absolute path.
    pub abs: PathBuf,
    /// Size in bytes.
    pub bytes: u64,
    /// File kind.
    pub module_type: ModuleType,
    /// Package, when under `node_modules`.
    pub package: Option<PackageRef>,
    /// Imports in source order.
    pub imports: Vec<ResolvedImport>,
    /// Exported names (parsed JS only).
    pub exports: Vec<ExportFact>,
    /// `export * from` specifiers.
    pub star_exports: Vec<String>,
    /// Whether the module uses CommonJS exports.
    pub commonjs: bool,
    /// Whether the file was parsed (false for non-JS, unreadable, too large).
    pub parsed: bool,
}

impl ModuleNode {
    /// Whether the module is part of the project (not under `node_modules`).
    pub fn is_project(&self) -> bool {
        self.package.is_none()
    }

    /// The module a specifier of this module resolved to.
    pub fn target_of(&self, specifier: &str) -> Option<NodeIndex> {
        self.imports
            .iter()
            .find(|i| i.fact.specifier == specifier && i.target.is_some())
            .and_then(|i| i.target)
    }
}

/// A graph edge: the kind and the index of the import in the importer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    /// Edge kind.
    pub kind: EdgeKind,
    /// Index into the importer's `imports`.
    pub import: usize,
}

/// All gathered facts: the graph and what the findings need besides it.
#[derive(Debug, Clone)]
pub struct ModuleGraph {
    /// The analysed root (canonical).
    pub root: PathBuf,
    /// Modules and import edges.
    pub graph: DiGraph<ModuleNode, Edge>,
    /// Entry nodes with how each was found.
    pub entries: Vec<(NodeIndex, String)>,
    /// Project source files (relative paths, sorted), reachable or not.
    pub project_files: Vec<String>,
    /// The root `package.json`.
    pub manifest: Manifest,
    /// `version` of each install folder reached.
    pub package_versions: BTreeMap<String, Option<String>>,
    /// Problems met while gathering.
    pub diagnostics: Vec<Diagnostic>,
}

/// `path` relative to `root`, `/`-separated (absolute when outside the root).
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let s = rel.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        s.into_owned()
    } else {
        s.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

/// The package of a `node_modules` path: (name, install folder).
pub fn package_of(rel: &str) -> Option<PackageRef> {
    let idx = rel.rfind("node_modules/")?;
    let after = rel.get(idx + "node_modules/".len()..)?;
    let mut parts = after.split('/');
    let first = parts.next()?;
    let name = if first.starts_with('@') {
        format!("{first}/{}", parts.next()?)
    } else {
        first.to_string()
    };
    if name.starts_with('.') || name.is_empty() {
        return None;
    }
    let dir = format!("{}{}", rel.get(..idx + "node_modules/".len())?, name);
    Some(PackageRef { name, dir })
}

/// The package name of a bare specifier (`react`, `@scope/pkg/sub` → `@scope/pkg`),
/// `None` for relative, absolute, aliased-looking (`@/x`, `~/x`, `#x`) or URL specifiers.
pub fn bare_package_name(specifier: &str) -> Option<String> {
    let first = specifier.chars().next()?;
    if matches!(first, '.' | '/' | '#' | '~' | '\\') || specifier.contains(':') {
        return None;
    }
    let mut parts = specifier.split('/');
    let head = parts.next()?;
    let name = if let Some(scope) = head.strip_prefix('@') {
        let pkg = parts.next()?;
        if scope.is_empty() || pkg.is_empty() {
            return None;
        }
        format!("{head}/{pkg}")
    } else {
        head.to_string()
    };
    let valid = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@' | '/'));
    valid.then_some(name)
}

/// Options of the graph build.
pub struct BuildOptions {
    /// Files larger than this are not parsed.
    pub max_file_bytes: u64,
}

/// What loading one file produced (computed in parallel).
struct Loaded {
    bytes: u64,
    facts: Option<FileFacts>,
    resolutions: Vec<Result<PathBuf, Unresolved>>,
    diagnostics: Vec<Diagnostic>,
}

fn load(root: &Path, path: &Path, resolver: &ProjectResolver, options: &BuildOptions) -> Loaded {
    let rel = relative(root, path);
    let mut out = Loaded {
        bytes: 0,
        facts: None,
        resolutions: Vec::new(),
        diagnostics: Vec::new(),
    };
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(err) => {
            out.diagnostics
                .push(Diagnostic::new(rel, format!("cannot read: {err}")));
            return out;
        }
    };
    if !meta.is_file() {
        out.diagnostics.push(Diagnostic::new(
            rel,
            "cannot read: not a regular file (a folder or a special file)",
        ));
        return out;
    }
    out.bytes = meta.len();
    if meta.len() > options.max_file_bytes {
        out.diagnostics.push(Diagnostic::new(
            rel,
            format!(
                "not parsed: {:.1} MB is above the {:.1} MB limit (`max_file_bytes`); its imports are not followed",
                meta.len() as f64 / 1_048_576.0,
                options.max_file_bytes as f64 / 1_048_576.0
            ),
        ));
        return out;
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) => {
            out.diagnostics
                .push(Diagnostic::new(rel, format!("cannot read: {err}")));
            return out;
        }
    };
    out.bytes = bytes.len() as u64;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let offset = err.utf8_error().valid_up_to();
            let line = err
                .as_bytes()
                .get(..offset)
                .map(|b| b.iter().filter(|&&c| c == b'\n').count() + 1)
                .unwrap_or(1);
            out.diagnostics.push(Diagnostic::at_line(
                rel,
                u32::try_from(line).unwrap_or(0),
                format!("not parsed: not valid UTF-8 (invalid byte at offset {offset})"),
            ));
            return out;
        }
    };
    let facts = parse_file(path, &text);
    drop(text);
    for (line, message) in &facts.errors {
        out.diagnostics.push(Diagnostic::at_line(
            rel.clone(),
            *line,
            format!("syntax error: {message}"),
        ));
    }
    out.resolutions =
        resolver.resolve_imports(path, facts.imports.iter().map(|i| i.specifier.as_str()));
    out.facts = Some(facts);
    out
}

/// The shared state of the parallel load.
struct LoadQueue<'a> {
    root: &'a Path,
    resolver: &'a ProjectResolver,
    options: &'a BuildOptions,
    /// Files already queued.
    seen: Mutex<HashSet<PathBuf>>,
    /// Files loaded so far.
    done: Mutex<Vec<(PathBuf, Loaded)>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Queues the load of `path`: a task that reads, parses and resolves it, then
/// queues every JS module it imports that no task has queued yet.
fn spawn_load<'s>(scope: &rayon::Scope<'s>, queue: &'s LoadQueue<'s>, path: PathBuf) {
    scope.spawn(move |scope| {
        let loaded = load(queue.root, &path, queue.resolver, queue.options);
        let mut new = Vec::new();
        {
            let mut seen = lock(&queue.seen);
            for target in loaded.resolutions.iter().flatten() {
                if ModuleType::of(target) == ModuleType::Js && !seen.contains(target) {
                    seen.insert(target.clone());
                    new.push(target.clone());
                }
            }
        }
        for target in new {
            spawn_load(scope, queue, target);
        }
        lock(&queue.done).push((path, loaded));
    });
}

/// Reads, parses and resolves every JS module reachable from `starts`, as one
/// pool of tasks: a file is queued as soon as an importer has resolved it, so
/// parsing never waits for a whole level of the graph.
fn load_reachable(
    root: &Path,
    starts: Vec<PathBuf>,
    resolver: &ProjectResolver,
    options: &BuildOptions,
) -> HashMap<PathBuf, Loaded> {
    let queue = LoadQueue {
        root,
        resolver,
        options,
        seen: Mutex::new(starts.iter().cloned().collect()),
        done: Mutex::new(Vec::new()),
    };
    rayon::scope(|scope| {
        let mut queued = HashSet::new();
        for path in starts {
            if queued.insert(path.clone()) {
                spawn_load(scope, &queue, path);
            }
        }
    });
    queue
        .done
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .into_iter()
        .collect()
}

/// Builds the graph from the entries.
pub fn build(
    root: &Path,
    entries: &[FoundEntry],
    resolver: &ProjectResolver,
    options: &BuildOptions,
    manifest: Manifest,
    project_files: Vec<String>,
    mut diagnostics: Vec<Diagnostic>,
) -> ModuleGraph {
    let mut graph: DiGraph<ModuleNode, Edge> = DiGraph::new();
    let mut by_path: HashMap<PathBuf, NodeIndex> = HashMap::new();
    let mut frontier: Vec<NodeIndex> = Vec::new();

    let mut add_node = |graph: &mut DiGraph<ModuleNode, Edge>,
                        frontier: &mut Vec<NodeIndex>,
                        path: PathBuf|
     -> NodeIndex {
        if let Some(&idx) = by_path.get(&path) {
            return idx;
        }
        let rel = relative(root, &path);
        let module_type = ModuleType::of(&path);
        let bytes = if module_type == ModuleType::Js {
            0
        } else {
            std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)
        };
        let idx = graph.add_node(ModuleNode {
            package: package_of(&rel),
            path: rel,
            abs: path.clone(),
            bytes,
            module_type,
            imports: Vec::new(),
            exports: Vec::new(),
            star_exports: Vec::new(),
            commonjs: false,
            parsed: false,
        });
        if module_type == ModuleType::Js {
            frontier.push(idx);
        }
        by_path.insert(path, idx);
        idx
    };

    // Load everything reachable in parallel, then build the graph in
    // breadth-first order from the loaded facts (the same node order as a
    // level-by-level walk, so results do not depend on thread timing).
    let starts: Vec<PathBuf> = entries
        .iter()
        .filter(|e| {
            ModuleType::of(&e.path) == ModuleType::Js
                || ModuleType::of(&e.written) == ModuleType::Js
        })
        .map(|e| e.path.clone())
        .collect();
    let mut loaded_files = load_reachable(root, starts, resolver, options);

    let mut entry_nodes = Vec::new();
    for entry in entries {
        let idx = add_node(&mut graph, &mut frontier, entry.path.clone());
        // An entry is a module even when its real path has no JS extension.
        if ModuleType::of(&entry.written) == ModuleType::Js
            && let Some(node) = graph.node_weight_mut(idx)
            && node.module_type != ModuleType::Js
        {
            node.module_type = ModuleType::Js;
            frontier.push(idx);
        }
        entry_nodes.push((idx, entry.source.clone()));
    }

    let mut next = 0;
    while let Some(&idx) = frontier.get(next) {
        next += 1;
        let Some(path) = graph.node_weight(idx).map(|n| n.abs.clone()) else {
            continue;
        };
        // Every queued file was loaded above; load here only if one was missed.
        let loaded = loaded_files
            .remove(&path)
            .unwrap_or_else(|| load(root, &path, resolver, options));
        {
            diagnostics.extend(loaded.diagnostics);
            let Some(facts) = loaded.facts else {
                if let Some(node) = graph.node_weight_mut(idx) {
                    node.bytes = loaded.bytes;
                }
                continue;
            };
            let importer_rel = graph
                .node_weight(idx)
                .map(|n| n.path.clone())
                .unwrap_or_default();
            let importer_is_project = graph.node_weight(idx).is_some_and(|n| n.is_project());
            let mut imports = Vec::with_capacity(facts.imports.len());
            let mut edges = Vec::new();
            for (i, (fact, resolution)) in facts
                .imports
                .into_iter()
                .zip(loaded.resolutions)
                .enumerate()
            {
                let package = bare_package_name(&fact.specifier);
                let mut builtin = false;
                let target = match resolution {
                    Ok(path) => {
                        let t = add_node(&mut graph, &mut frontier, path);
                        edges.push((
                            t,
                            Edge {
                                kind: fact.kind,
                                import: i,
                            },
                        ));
                        Some(t)
                    }
                    Err(Unresolved::Builtin) => {
                        builtin = true;
                        None
                    }
                    Err(Unresolved::Failed(reason)) => {
                        if importer_is_project || package.is_none() {
                            let what = if package.is_some() {
                                format!(
                                    "cannot resolve package `{}` ({reason}; not installed?)",
                                    fact.specifier
                                )
                            } else {
                                format!("cannot resolve `{}` ({reason})", fact.specifier)
                            };
                            diagnostics.push(Diagnostic::at_line(
                                importer_rel.clone(),
                                fact.line,
                                what,
                            ));
                        }
                        None
                    }
                };
                imports.push(ResolvedImport {
                    fact,
                    target,
                    package,
                    builtin,
                });
            }
            for (target, edge) in edges {
                graph.add_edge(idx, target, edge);
            }
            if let Some(node) = graph.node_weight_mut(idx) {
                node.bytes = loaded.bytes;
                node.imports = imports;
                node.exports = facts.exports;
                node.star_exports = facts.star_exports;
                node.commonjs = facts.commonjs;
                node.parsed = true;
            }
        }
    }

    for (path, message) in resolver.manifest_problems() {
        let rel = relative(root, &path);
        // The root package.json is reported by the manifest reader.
        if rel == "package.json" {
            continue;
        }
        diagnostics.push(Diagnostic::new(
            rel,
            format!("is not valid JSON ({message}); only relative imports resolve next to it"),
        ));
    }
    for (path, message) in resolver.tsconfig_problems() {
        let rel = relative(root, &path);
        diagnostics.push(Diagnostic::new(
            rel,
            format!("tsconfig cannot be used ({message}); `paths` aliases from it are not applied"),
        ));
    }

    let mut package_versions = BTreeMap::new();
    for node in graph.node_weights() {
        if let Some(pkg) = &node.package
            && !package_versions.contains_key(&pkg.dir)
        {
            let version = std::fs::read_to_string(root.join(&pkg.dir).join("package.json"))
                .ok()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                .and_then(|j| {
                    j.get("version")
                        .and_then(|v| v.as_str())
                        .map(str::to_string)
                });
            package_versions.insert(pkg.dir.clone(), version);
        }
    }

    ModuleGraph {
        root: root.to_path_buf(),
        graph,
        entries: entry_nodes,
        project_files,
        manifest,
        package_versions,
        diagnostics,
    }
}
