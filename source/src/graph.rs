//! Gathering: the module graph from the entries. Every reachable file is read,
//! parsed and resolved by a pool of tasks (a file is queued as soon as one
//! importer resolved it); then the graph is assembled in breadth-first order.
//! Only reachable files are parsed.

use model::diagnostic::quote;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use model::Diagnostic;
use model::analyze::EdgeKind;
use petgraph::graph::{DiGraph, NodeIndex};

use super::entries::FoundEntry;
use super::listing::{Kind, Lookup};
use super::parse::{ExportFact, FileFacts, ImportFact, parse_file};
use super::resolve::{ProjectResolver, Unresolved};
use super::walk::is_source;
use model::analyze::Role;

use super::plugins::Found;
use project::packages::{PackageRef, bare_package_name, package_of};
use project::{Manifest, ProjectFacts};

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
    /// Whether the module has CommonJS exports perfscope cannot list.
    pub commonjs: bool,
    /// Whether its exports are CommonJS ones.
    pub cjs_exports: bool,
    /// Whether the file was parsed (false for non-JS, unreadable, too large).
    pub parsed: bool,
    /// Production when a shipping entry reaches it, else tooling.
    pub role: Role,
    /// The file's text, as read (JS, JSON and CSS modules that could be
    /// read): what the lazy-loading estimate minifies.
    pub text: Option<Box<str>>,
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

/// What the findings need to know about one workspace.
#[derive(Debug, Clone)]
pub struct WorkspaceFacts {
    /// Its folder relative to the analysed root (`.` for the root).
    pub path: String,
    /// Its folder (canonical).
    pub dir: PathBuf,
    /// Its `package.json` `name`.
    pub name: Option<String>,
    /// Its dependency lists.
    pub manifest: Manifest,
    /// What its plugins found (packages configs name, static folders...).
    pub found: Found,
}

/// All gathered facts: the graph and what the findings need besides it.
#[derive(Debug, Clone)]
pub struct ModuleGraph {
    /// The analysed root (canonical).
    pub root: PathBuf,
    /// Modules and import edges.
    pub graph: DiGraph<ModuleNode, Edge>,
    /// Entry nodes with how each was found and their role.
    pub entries: Vec<(NodeIndex, String, Role)>,
    /// Project source files (relative paths, sorted), reachable or not.
    pub project_files: Vec<String>,
    /// The root `package.json`.
    pub manifest: Manifest,
    /// The workspaces (the root package first); one for a single project.
    pub workspaces: Vec<WorkspaceFacts>,
    /// Whether the root is a monorepo root.
    pub monorepo: bool,
    /// Names of the repository's workspace packages (imports of them are
    /// dependencies, even though they resolve to project source).
    pub workspace_packages: Vec<String>,
    /// `version` of each install folder reached.
    pub package_versions: BTreeMap<String, Option<String>>,
    /// Problems met while gathering.
    pub diagnostics: Vec<Diagnostic>,
}

impl ModuleGraph {
    /// The workspace (its path) that owns a root-relative `path`.
    pub fn workspace_of(&self, path: &str) -> Option<&str> {
        self.workspaces
            .iter()
            .skip(1)
            .filter(|w| {
                path.strip_prefix(w.path.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
            })
            .max_by_key(|w| w.path.len())
            .map(|w| w.path.as_str())
            .or_else(|| self.workspaces.first().map(|w| w.path.as_str()))
    }
}

/// `path` relative to `root`, `/`-separated (as given when outside the root).
pub fn relative(root: &Path, path: &Path) -> String {
    model::path::display(root, path)
}

/// Options of the graph build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Files larger than this are not parsed.
    pub max_file_bytes: u64,
    /// Per workspace folder, the package whose JSX runtime JSX files import
    /// implicitly (tsconfig `jsx: react-jsx` → `react`).
    pub jsx_runtimes: Vec<(PathBuf, String)>,
    /// Path aliases (`@/` → a folder) for glob imports.
    pub aliases: Vec<(String, PathBuf)>,
    /// The project's source files (absolute, sorted), for glob imports.
    pub files: Vec<PathBuf>,
}

/// What loading one file produced (computed in parallel).
struct Loaded {
    bytes: u64,
    text: Option<Box<str>>,
    facts: Option<FileFacts>,
    resolutions: Vec<Result<PathBuf, Unresolved>>,
    /// Package name of each import's specifier when it is a bare one.
    packages: Vec<Option<String>>,
    diagnostics: Vec<Diagnostic>,
}

/// A read buffer above this size is not kept for the next file of the thread.
const KEEP_BUFFER_BYTES: usize = 16 * 1024 * 1024;

thread_local! {
    /// One read buffer per thread, reused from file to file.
    static READ_BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn load(root: &Path, path: &Path, resolver: &ProjectResolver, options: &BuildOptions) -> Loaded {
    READ_BUFFER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buffer) => {
            let loaded = load_with(root, path, resolver, options, &mut buffer);
            if buffer.capacity() > KEEP_BUFFER_BYTES {
                *buffer = Vec::new();
            }
            loaded
        }
        Err(_) => load_with(root, path, resolver, options, &mut Vec::new()),
    })
}

fn too_large(rel: String, bytes: u64, options: &BuildOptions) -> Diagnostic {
    Diagnostic::new(
        rel,
        format!(
            "not parsed: {:.1} MB is above the {:.1} MB limit (`max_file_bytes`); its imports are not followed",
            bytes as f64 / 1_048_576.0,
            options.max_file_bytes as f64 / 1_048_576.0
        ),
    )
}

/// Reads (into `buffer`), parses and resolves one file.
fn load_with(
    root: &Path,
    path: &Path,
    resolver: &ProjectResolver,
    options: &BuildOptions,
    buffer: &mut Vec<u8>,
) -> Loaded {
    let rel = || relative(root, path);
    let mut out = Loaded {
        bytes: 0,
        text: None,
        facts: None,
        resolutions: Vec::new(),
        packages: Vec::new(),
        diagnostics: Vec::new(),
    };
    // A file the folder listing shows as regular is opened directly (its size
    // from the open file); anything else is asked about by path, as the OS
    // sees it (symlinks followed).
    let listed_file = resolver.lookup(path) == Lookup::Found(Kind::File);
    let mut opened = None;
    let meta = if listed_file {
        match std::fs::File::open(path).and_then(|file| {
            let meta = file.metadata()?;
            opened = Some(file);
            Ok(meta)
        }) {
            Ok(meta) => meta,
            Err(err) => {
                out.diagnostics
                    .push(Diagnostic::new(rel(), format!("cannot read: {err}")));
                return out;
            }
        }
    } else {
        match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(err) => {
                out.diagnostics
                    .push(Diagnostic::new(rel(), format!("cannot read: {err}")));
                return out;
            }
        }
    };
    if !meta.is_file() {
        out.diagnostics.push(Diagnostic::new(
            rel(),
            "cannot read: not a regular file (a folder or a special file)",
        ));
        return out;
    }
    out.bytes = meta.len();
    if meta.len() > options.max_file_bytes {
        out.diagnostics.push(too_large(rel(), meta.len(), options));
        return out;
    }
    buffer.clear();
    // The size is known: one allocation at most (a failure just reads slower).
    let _ = buffer.try_reserve(usize::try_from(meta.len()).unwrap_or(0).saturating_add(1));
    let read = match opened {
        Some(file) => Ok(file),
        None => std::fs::File::open(path),
    }
    .and_then(|file| {
        use std::io::Read;
        // Through `take`: the capacity reserved above is used as is, without
        // the size queries `File::read_to_end` makes; and a file that grew
        // meanwhile is not read past the limit.
        file.take(options.max_file_bytes.saturating_add(1))
            .read_to_end(buffer)
    });
    if let Err(err) = read {
        out.diagnostics
            .push(Diagnostic::new(rel(), format!("cannot read: {err}")));
        return out;
    }
    out.bytes = buffer.len() as u64;
    if out.bytes > options.max_file_bytes {
        // It grew past the limit since it was measured.
        out.diagnostics.push(too_large(rel(), out.bytes, options));
        return out;
    }
    let text = match std::str::from_utf8(buffer) {
        Ok(text) => text,
        Err(err) => {
            let offset = err.valid_up_to();
            let line = buffer
                .get(..offset)
                .map(|b| b.iter().filter(|&&c| c == b'\n').count() + 1)
                .unwrap_or(1);
            out.diagnostics.push(Diagnostic::at_line(
                rel(),
                u32::try_from(line).unwrap_or(0),
                format!("not parsed: not valid UTF-8 (invalid byte at offset {offset})"),
            ));
            return out;
        }
    };
    if let Some(depth) = project::depth::too_deep(text.as_bytes(), project::depth::MAX_NESTING) {
        out.diagnostics.push(Diagnostic::new(
            rel(),
            format!(
                "not parsed: it nests more than {} levels deep (at least {depth}); its imports are not followed",
                project::depth::MAX_NESTING
            ),
        ));
        return out;
    }
    let mut facts = parse_file(path, text);
    expand_globs(path, &mut facts, options);
    // `new URL('./src', import.meta.url)` may name a folder (an alias in a
    // config), not a module: no edge.
    if let Some(dir) = path.parent() {
        facts
            .imports
            .retain(|i| i.kind != EdgeKind::Url || !dir.join(&i.specifier).is_dir());
    }
    if facts.jsx
        && let Some(runtime) = options
            .jsx_runtimes
            .iter()
            .filter(|(dir, _)| path.starts_with(dir))
            .max_by_key(|(dir, _)| dir.as_os_str().len())
            .map(|(_, runtime)| runtime)
        && !facts
            .imports
            .iter()
            .any(|i| i.specifier.ends_with("/jsx-runtime"))
    {
        // The automatic JSX runtime: every JSX file imports it.
        facts.imports.push(ImportFact {
            specifier: format!("{runtime}/jsx-runtime"),
            kind: EdgeKind::Static,
            line: 1,
            used: super::parse::UsedNames::All,
            members: Vec::new(),
        });
    }
    for (line, message) in &facts.errors {
        out.diagnostics.push(Diagnostic::at_line(
            rel(),
            *line,
            format!("syntax error: {message}"),
        ));
    }
    out.resolutions =
        resolver.resolve_imports(path, facts.imports.iter().map(|i| i.specifier.as_str()));
    out.packages = facts
        .imports
        .iter()
        .map(|i| bare_package_name(&i.specifier))
        .collect();
    out.facts = Some(facts);
    out.text = Some(text.into());
    out
}

/// Turns each `import.meta.glob` into one import per matching file (relative
/// to the importer, or through a path alias; `!` patterns exclude): lazy
/// globs are `import()`s, eager ones static imports.
fn expand_globs(path: &Path, facts: &mut FileFacts, options: &BuildOptions) {
    let Some(dir) = path.parent() else { return };
    for glob in std::mem::take(&mut facts.globs) {
        let mut include = globset::GlobSetBuilder::new();
        let mut exclude = globset::GlobSetBuilder::new();
        for pattern in &glob.patterns {
            let (negated, body) = match pattern.strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (false, pattern.as_str()),
            };
            let absolute = if body.starts_with("./") || body.starts_with("../") {
                super::plugins::storybook::normalize(&dir.join(body))
            } else {
                options
                    .aliases
                    .iter()
                    .filter(|(prefix, _)| body.starts_with(prefix.as_str()))
                    .max_by_key(|(prefix, _)| prefix.len())
                    .and_then(|(prefix, target)| {
                        super::plugins::storybook::normalize(&target.join(&body[prefix.len()..]))
                    })
            };
            let Some(absolute) = absolute else { continue };
            let Ok(compiled) = globset::GlobBuilder::new(&absolute.to_string_lossy())
                .literal_separator(true)
                .build()
            else {
                continue;
            };
            if negated {
                exclude.add(compiled);
            } else {
                include.add(compiled);
            }
        }
        let (Ok(include), Ok(exclude)) = (include.build(), exclude.build()) else {
            continue;
        };
        for file in &options.files {
            if file.as_path() == path || !include.is_match(file) || exclude.is_match(file) {
                continue;
            }
            let specifier = match model::path::display(dir, file) {
                rel if rel.starts_with("..") || rel.starts_with('/') => rel,
                rel => format!("./{rel}"),
            };
            facts.imports.push(ImportFact {
                specifier,
                kind: if glob.eager {
                    EdgeKind::Static
                } else {
                    EdgeKind::Dynamic
                },
                line: glob.line,
                used: super::parse::UsedNames::All,
                members: Vec::new(),
            });
        }
    }
}

/// Size and text of a small text file (JSON, CSS); only the size when it is
/// larger than `max` or not UTF-8.
fn read_text(path: &Path, max: u64) -> (u64, Option<Box<str>>) {
    let Ok(meta) = std::fs::metadata(path) else {
        return (0, None);
    };
    let size = meta.len();
    if !meta.is_file() || size > max {
        return (size, None);
    }
    match std::fs::read(path).map(String::from_utf8) {
        Ok(Ok(text)) => (text.len() as u64, Some(text.into_boxed_str())),
        _ => (size, None),
    }
}

/// A file met while loading (an entry or a resolved import), by id.
struct FileInfo {
    path: PathBuf,
    rel: String,
    module_type: ModuleType,
    package: Option<PackageRef>,
}

/// What a loaded file contributes to the graph: its facts with each import's
/// target as a file id, and the package name of bare specifiers.
struct LoadedFile {
    bytes: u64,
    text: Option<Box<str>>,
    facts: Option<FileFacts>,
    targets: Vec<Result<usize, Unresolved>>,
    packages: Vec<Option<String>>,
    diagnostics: Vec<Diagnostic>,
}

/// Every file met so far, with a dense id (the order of discovery).
#[derive(Default)]
struct Registry {
    /// By the path's bytes (paths here are canonical: one spelling each).
    ids: HashMap<std::ffi::OsString, usize>,
    files: Vec<FileInfo>,
}

impl Registry {
    /// The id of `path`, and whether it is new.
    fn intern(&mut self, root: &Path, path: &Path) -> (usize, bool) {
        if let Some(&id) = self.ids.get(path.as_os_str()) {
            return (id, false);
        }
        let id = self.files.len();
        let rel = relative(root, path);
        self.files.push(FileInfo {
            path: path.to_path_buf(),
            package: package_of(&rel),
            rel,
            module_type: ModuleType::of(path),
        });
        self.ids.insert(path.as_os_str().to_os_string(), id);
        (id, true)
    }

    /// Turns a file's resolutions into ids; returns also the new JS files to load.
    fn link(&mut self, root: &Path, loaded: Loaded) -> (LoadedFile, Vec<(usize, PathBuf)>) {
        let mut new = Vec::new();
        let targets = loaded
            .resolutions
            .into_iter()
            .map(|resolution| {
                resolution.map(|path| {
                    let (id, is_new) = self.intern(root, &path);
                    if is_new && self.files.get(id).map(|f| f.module_type) == Some(ModuleType::Js) {
                        new.push((id, path));
                    }
                    id
                })
            })
            .collect();
        let file = LoadedFile {
            bytes: loaded.bytes,
            text: loaded.text,
            facts: loaded.facts,
            targets,
            packages: loaded.packages,
            diagnostics: loaded.diagnostics,
        };
        (file, new)
    }
}

/// The shared state of the parallel load.
struct LoadQueue<'a> {
    root: &'a Path,
    resolver: &'a ProjectResolver,
    options: &'a BuildOptions,
    registry: Mutex<Registry>,
    /// Files loaded so far, by id.
    done: Mutex<Vec<(usize, LoadedFile)>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Queues the load of file `id`: a task that reads, parses and resolves it,
/// then queues every JS module it imports that no task has met yet.
fn spawn_load<'s>(scope: &rayon::Scope<'s>, queue: &'s LoadQueue<'s>, id: usize, path: PathBuf) {
    scope.spawn(move |scope| {
        let loaded = load(queue.root, &path, queue.resolver, queue.options);
        let (file, new) = lock(&queue.registry).link(queue.root, loaded);
        for (id, target) in new {
            spawn_load(scope, queue, id, target);
        }
        lock(&queue.done).push((id, file));
    });
}

/// Builds the graph from the entries.
///
/// Every reachable file is read, parsed and resolved by one pool of tasks (a
/// file is queued as soon as one importer has resolved it, so parsing never
/// waits for a whole level of the graph). Then the graph is assembled in
/// breadth-first order from the entries — the node order of a level-by-level
/// walk, so results never depend on thread timing.
pub fn build(
    root: &Path,
    entries: &[FoundEntry],
    resolver: &ProjectResolver,
    options: &BuildOptions,
    project: &ProjectFacts,
    project_files: Vec<String>,
    mut diagnostics: Vec<Diagnostic>,
) -> ModuleGraph {
    // Entries first (ids in entry order); an entry whose written path has a
    // JS extension is parsed even when its real path has none.
    let mut registry = Registry::default();
    // About every project file is usually reached.
    registry.ids.reserve(project_files.len());
    registry.files.reserve(project_files.len());
    let mut starts: Vec<(usize, PathBuf)> = Vec::new();
    let mut entry_ids = Vec::with_capacity(entries.len());
    for entry in entries {
        let (id, _) = registry.intern(root, &entry.path);
        entry_ids.push(id);
        let is_js = ModuleType::of(&entry.path) == ModuleType::Js
            || ModuleType::of(&entry.written) == ModuleType::Js;
        if is_js && !starts.iter().any(|(s, _)| *s == id) {
            starts.push((id, entry.path.clone()));
        }
    }
    let queue = LoadQueue {
        root,
        resolver,
        options,
        registry: Mutex::new(registry),
        done: Mutex::new(Vec::new()),
    };
    rayon::scope(|scope| {
        for (id, path) in starts {
            spawn_load(scope, &queue, id, path);
        }
    });
    let mut registry = queue
        .registry
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut loaded: Vec<Option<LoadedFile>> = Vec::new();
    loaded.resize_with(registry.files.len(), || None);
    for (id, file) in queue
        .done
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
    {
        if let Some(slot) = loaded.get_mut(id) {
            *slot = Some(file);
        }
    }

    let mut graph: DiGraph<ModuleNode, Edge> = DiGraph::with_capacity(registry.files.len(), 0);
    let mut node_of: Vec<Option<NodeIndex>> = vec![None; registry.files.len()];
    let mut frontier: Vec<(NodeIndex, usize)> = Vec::new();

    let mut add_node = |graph: &mut DiGraph<ModuleNode, Edge>,
                        frontier: &mut Vec<(NodeIndex, usize)>,
                        registry: &mut Registry,
                        id: usize|
     -> Option<NodeIndex> {
        if node_of.len() <= id {
            node_of.resize(id + 1, None);
        }
        if let Some(Some(idx)) = node_of.get(id) {
            return Some(*idx);
        }
        // Each file becomes one node: its info moves into it.
        let info = registry.files.get_mut(id)?;
        let (bytes, text) = match info.module_type {
            ModuleType::Js => (0, None),
            // Text the estimate may need; read here, bounded.
            ModuleType::Json | ModuleType::Css => read_text(&info.path, options.max_file_bytes),
            ModuleType::Asset => (
                std::fs::metadata(&info.path).map(|m| m.len()).unwrap_or(0),
                None,
            ),
        };
        let idx = graph.add_node(ModuleNode {
            package: info.package.take(),
            path: std::mem::take(&mut info.rel),
            abs: std::mem::take(&mut info.path),
            bytes,
            module_type: info.module_type,
            imports: Vec::new(),
            exports: Vec::new(),
            star_exports: Vec::new(),
            commonjs: false,
            cjs_exports: false,
            parsed: false,
            role: Role::Tooling,
            text,
        });
        if info.module_type == ModuleType::Js {
            frontier.push((idx, id));
        }
        if let Some(slot) = node_of.get_mut(id) {
            *slot = Some(idx);
        }
        Some(idx)
    };

    let mut entry_nodes = Vec::new();
    for (entry, &id) in entries.iter().zip(&entry_ids) {
        let Some(idx) = add_node(&mut graph, &mut frontier, &mut registry, id) else {
            continue;
        };
        // An entry is a module even when its real path has no JS extension.
        if ModuleType::of(&entry.written) == ModuleType::Js
            && let Some(node) = graph.node_weight_mut(idx)
            && node.module_type != ModuleType::Js
        {
            node.module_type = ModuleType::Js;
            frontier.push((idx, id));
        }
        entry_nodes.push((idx, entry.source.clone(), entry.role));
    }

    // Packages imported but not installed: (imports, first importer, line).
    let mut missing: BTreeMap<String, (usize, String, u32)> = BTreeMap::new();
    let mut next = 0;
    while let Some(&(idx, id)) = frontier.get(next) {
        next += 1;
        // Every queued file was loaded above; load here only if one was missed.
        let file = match loaded.get_mut(id).and_then(Option::take) {
            Some(file) => file,
            None => {
                let Some(path) = graph.node_weight(idx).map(|n| n.abs.clone()) else {
                    continue;
                };
                // Files it meets first are loaded here too, when reached.
                let (file, _new) = registry.link(root, load(root, &path, resolver, options));
                loaded.resize_with(registry.files.len().max(loaded.len()), || None);
                file
            }
        };
        diagnostics.extend(file.diagnostics);
        let Some(facts) = file.facts else {
            if let Some(node) = graph.node_weight_mut(idx) {
                node.bytes = file.bytes;
            }
            continue;
        };
        let text = file.text;
        let (importer_rel, importer_is_project) = graph
            .node_weight(idx)
            .map(|n| (n.path.clone(), n.is_project()))
            .unwrap_or_default();
        let mut imports = Vec::with_capacity(facts.imports.len());
        for (i, ((fact, target), package)) in facts
            .imports
            .into_iter()
            .zip(file.targets)
            .zip(file.packages)
            .enumerate()
        {
            let mut builtin = false;
            let target = match target {
                Ok(id) => {
                    let t = add_node(&mut graph, &mut frontier, &mut registry, id);
                    if let Some(t) = t {
                        graph.add_edge(
                            idx,
                            t,
                            Edge {
                                kind: fact.kind,
                                import: i,
                            },
                        );
                    }
                    t
                }
                Err(Unresolved::Builtin) => {
                    builtin = true;
                    None
                }
                Err(Unresolved::Failed(reason)) => {
                    match &package {
                        // One diagnostic per missing package, not per import.
                        Some(name) if reason == "not found" => {
                            if importer_is_project {
                                let slot = missing
                                    .entry(name.clone())
                                    .or_insert_with(|| (0, importer_rel.clone(), fact.line));
                                slot.0 += 1;
                            }
                        }
                        Some(_) if importer_is_project => diagnostics.push(Diagnostic::at_line(
                            importer_rel.clone(),
                            fact.line,
                            format!(
                                "cannot resolve package `{}` ({reason})",
                                quote(&fact.specifier)
                            ),
                        )),
                        Some(_) => {}
                        // React Router's generated route types (`./+types/x`)
                        // exist only after `react-router typegen`.
                        None if fact.kind == EdgeKind::TypeOnly
                            && fact.specifier.contains("/+types/") => {}
                        None => diagnostics.push(Diagnostic::at_line(
                            importer_rel.clone(),
                            fact.line,
                            format!("cannot resolve `{}` ({reason})", quote(&fact.specifier)),
                        )),
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
        if let Some(node) = graph.node_weight_mut(idx) {
            node.bytes = file.bytes;
            node.imports = imports;
            node.exports = facts.exports;
            node.star_exports = facts.star_exports;
            node.commonjs = facts.commonjs;
            node.cjs_exports = facts.cjs_exports;
            node.parsed = true;
            node.text = text;
        }
    }

    for (name, (count, first, line)) in missing {
        diagnostics.push(Diagnostic::at_line(
            first,
            line,
            format!(
                "package `{}` is not installed ({count} import{}); its modules are not analysed",
                quote(&name),
                if count == 1 { "" } else { "s" }
            ),
        ));
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
        // A base named by package (`@tsconfig/node22/tsconfig.json`) that is
        // not installed: the error has the specifier, not a file.
        if path.is_relative() {
            diagnostics.push(Diagnostic::new(
                "",
                format!(
                    "a tsconfig `extends` `{}`, which is not installed (run the package manager's install); the settings of the tsconfig that extends it, `paths` aliases included, are not applied",
                    path.display()
                ),
            ));
            continue;
        }
        let rel = relative(root, &path);
        diagnostics.push(Diagnostic::new(
            rel,
            format!("cannot be used: {message}; `paths` aliases from it are not applied"),
        ));
    }

    let mut package_versions = BTreeMap::new();
    for node in graph.node_weights() {
        if let Some(pkg) = &node.package
            && !package_versions.contains_key(&pkg.install_path)
        {
            package_versions.insert(
                pkg.install_path.clone(),
                project.version_of(&pkg.install_path),
            );
        }
    }

    assign_roles(&mut graph, &entry_nodes);
    ModuleGraph {
        root: root.to_path_buf(),
        graph,
        entries: entry_nodes,
        project_files,
        manifest: project.manifest.clone(),
        workspaces: Vec::new(),
        monorepo: false,
        workspace_packages: Vec::new(),
        package_versions,
        diagnostics,
    }
}

/// Marks every module a production entry reaches (through any edge) as
/// production; the others stay tooling.
fn assign_roles(graph: &mut DiGraph<ModuleNode, Edge>, entries: &[(NodeIndex, String, Role)]) {
    let mut production = vec![false; graph.node_count()];
    let mut stack: Vec<NodeIndex> = entries
        .iter()
        .filter(|(_, _, role)| *role == Role::Production)
        .map(|(idx, _, _)| *idx)
        .collect();
    while let Some(idx) = stack.pop() {
        match production.get_mut(idx.index()) {
            Some(seen) if !*seen => *seen = true,
            _ => continue,
        }
        stack.extend(graph.neighbors(idx));
    }
    for (i, node) in graph.node_weights_mut().enumerate() {
        node.role = if production.get(i).copied().unwrap_or(false) {
            Role::Production
        } else {
            Role::Tooling
        };
    }
}
