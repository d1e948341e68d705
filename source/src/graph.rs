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
    /// The tool that provides the specifier when it runs
    /// ([`Unresolved::Provided`]): not the project's problem, never a
    /// diagnostic.
    pub provided: Option<&'static str>,
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
    /// Its `use client` / `use server` directive, if any.
    pub directive: Option<String>,
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
    /// Parsed facts and minified modules kept between runs.
    pub cache: std::sync::Arc<crate::cache::SourceCache>,
    /// How far the graph went into installed packages (see [`crate::boundary`]).
    pub packages: crate::boundary::PackageBoundary,
    /// The packages each workspace uses and the implicit uses, computed once
    /// by the dependency findings.
    pub(crate) dependency_usages: std::sync::OnceLock<DependencyUsages>,
}

/// Per workspace, the usage of each package and the implicit uses.
pub(crate) type DependencyUsages = (
    Vec<crate::findings::dependencies::Packages>,
    Vec<Vec<crate::plugins::UsedPackage>>,
);

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
    /// Path aliases for glob imports: (the workspace folder whose files
    /// they apply to, prefix such as `@/`, target folder).
    pub aliases: Vec<(PathBuf, String, PathBuf)>,
    /// The workspace folders: a glob pattern starting with `/` starts from
    /// the importer's innermost one (Vite's root).
    pub roots: Vec<PathBuf>,
    /// The project's source files (absolute, sorted), for glob imports.
    pub files: Vec<PathBuf>,
    /// Parsed facts and minified modules kept between runs.
    pub cache: std::sync::Arc<crate::cache::SourceCache>,
    /// Whether every reached file inside installed packages is parsed
    /// (`parse_packages`); by default the graph stops at package boundaries.
    pub parse_packages: bool,
}

/// Which reached files are parsed (and their imports followed).
#[derive(Debug, Clone, Default)]
enum Follow {
    /// Every file.
    #[default]
    All,
    /// The project's files only: a package's file stays a leaf.
    Project,
    /// The project's files and those of these packages (install paths).
    Packages(std::sync::Arc<std::collections::BTreeSet<String>>),
}

impl Follow {
    /// Whether a file of `package` (none: the project's) is followed.
    fn follows(&self, package: Option<&PackageRef>) -> bool {
        match (self, package) {
            (_, None) | (Follow::All, _) => true,
            (Follow::Project, Some(_)) => false,
            (Follow::Packages(set), Some(p)) => set.contains(&p.install_path),
        }
    }
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
    if let Err(diagnostic) = read_source(path, resolver, options, buffer, &mut out.bytes, &rel) {
        out.diagnostics.push(diagnostic);
        return out;
    }
    let text = match source_text(buffer, &rel) {
        Ok(text) => text,
        Err(diagnostic) => {
            out.diagnostics.push(diagnostic);
            return out;
        }
    };
    let facts = match module_facts(path, text, options) {
        Ok((facts, problems)) => {
            out.diagnostics.extend(
                problems
                    .into_iter()
                    .map(|(line, message)| Diagnostic::at_line(rel(), line, message)),
            );
            facts
        }
        Err(depth) => {
            out.diagnostics.push(Diagnostic::new(
                rel(),
                format!(
                    "not parsed: it nests more than {} levels deep (at least {depth}); its imports are not followed",
                    project::depth::MAX_NESTING
                ),
            ));
            return out;
        }
    };
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

/// `cannot read: {err}`.
fn cannot_read(rel: String, err: &std::io::Error) -> Diagnostic {
    Diagnostic::new(rel, format!("cannot read: {err}"))
}

/// Opens `path` and measures it. A file the folder listing shows as regular
/// is opened directly (its size from the open file); anything else is asked
/// about by path, as the OS sees it (symlinks followed), and opened later.
fn open_measured(
    path: &Path,
    resolver: &ProjectResolver,
) -> std::io::Result<(std::fs::Metadata, Option<std::fs::File>)> {
    if resolver.lookup(path) == Lookup::Found(Kind::File) {
        let file = std::fs::File::open(path)?;
        let meta = file.metadata()?;
        Ok((meta, Some(file)))
    } else {
        std::fs::metadata(path).map(|meta| (meta, None))
    }
}

/// Reads the regular file `path` into `buffer`, within `max_file_bytes`;
/// `bytes` is its size as far as it is known. A file that cannot be read or
/// is too large gives its diagnostic instead.
fn read_source(
    path: &Path,
    resolver: &ProjectResolver,
    options: &BuildOptions,
    buffer: &mut Vec<u8>,
    bytes: &mut u64,
    rel: &dyn Fn() -> String,
) -> Result<(), Diagnostic> {
    let (meta, opened) = open_measured(path, resolver).map_err(|err| cannot_read(rel(), &err))?;
    if !meta.is_file() {
        return Err(Diagnostic::new(
            rel(),
            "cannot read: not a regular file (a folder or a special file)",
        ));
    }
    *bytes = meta.len();
    if meta.len() > options.max_file_bytes {
        return Err(too_large(rel(), meta.len(), options));
    }
    buffer.clear();
    // The size is known: one allocation at most (a failure just reads slower).
    let _ = buffer.try_reserve(usize::try_from(meta.len()).unwrap_or(0).saturating_add(1));
    match opened {
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
    })
    .map_err(|err| cannot_read(rel(), &err))?;
    *bytes = buffer.len() as u64;
    if *bytes > options.max_file_bytes {
        // It grew past the limit since it was measured.
        return Err(too_large(rel(), *bytes, options));
    }
    Ok(())
}

/// The text of a file read into `buffer`, when it is valid UTF-8 (else the
/// line of the first invalid byte).
fn source_text<'b>(buffer: &'b [u8], rel: &dyn Fn() -> String) -> Result<&'b str, Diagnostic> {
    let text = std::str::from_utf8(buffer).map_err(|err| {
        let offset = err.valid_up_to();
        let line = buffer
            .get(..offset)
            .map(|b| b.iter().filter(|&&c| c == b'\n').count() + 1)
            .unwrap_or(1);
        Diagnostic::at_line(
            rel(),
            u32::try_from(line).unwrap_or(0),
            format!("not parsed: not valid UTF-8 (invalid byte at offset {offset})"),
        )
    })?;
    Ok(text)
}

/// The facts of the module `path` whose text is `text`: parsed (or from the
/// cache), its glob imports expanded (with the problems met, as (line,
/// message)), `new URL` of folders dropped, the JSX runtime added. A text
/// nested deeper than [`project::depth::MAX_NESTING`] is not parsed (its
/// depth is the error); the cache never holds one.
fn module_facts(
    path: &Path,
    text: &str,
    options: &BuildOptions,
) -> Result<(FileFacts, Vec<(u32, String)>), usize> {
    let mut deep = None;
    let parsed = options.cache.facts(path, text, || {
        match project::depth::too_deep(text.as_bytes(), project::depth::MAX_NESTING) {
            Some(depth) => {
                deep = Some(depth);
                None
            }
            None => Some(parse_file(path, text)),
        }
    });
    let Some(mut facts) = parsed else {
        return Err(deep.unwrap_or(project::depth::MAX_NESTING));
    };
    let problems = super::globs::expand(path, &mut facts, options);
    // `new URL('./src', import.meta.url)` may name a folder (an alias in a
    // config), not a module: no edge.
    if let Some(dir) = path.parent() {
        facts
            .imports
            .retain(|i| i.kind != EdgeKind::Url || !dir.join(&i.specifier).is_dir());
    }
    add_jsx_runtime(path, &mut facts, options);
    Ok((facts, problems))
}

/// The automatic JSX runtime: every JSX file imports it (from the package
/// of the innermost workspace folder that has one), unless it already does.
fn add_jsx_runtime(path: &Path, facts: &mut FileFacts, options: &BuildOptions) {
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
        facts.imports.push(ImportFact {
            specifier: format!("{runtime}/jsx-runtime"),
            kind: EdgeKind::Static,
            line: 1,
            used: super::parse::UsedNames::All,
            members: Vec::new(),
        });
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
    /// Which files are parsed.
    follow: Follow,
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
                    if is_new
                        && self.files.get(id).is_some_and(|f| {
                            f.module_type == ModuleType::Js
                                && self.follow.follows(f.package.as_ref())
                        })
                    {
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
    let follow = if options.parse_packages {
        Follow::All
    } else {
        Follow::Project
    };
    let seeds = seed_entries(root, entries, project_files.len(), follow);
    let (registry, loaded) = load_reachable(root, resolver, options, seeds.registry, seeds.starts);
    let mut assembly = Assembly::new(root, options, registry, loaded);
    let entry_nodes = assembly.add_entries(entries, &seeds.entry_ids);
    assembly.link_all(&mut diagnostics, |path| load(root, path, resolver, options));
    let Assembly {
        mut graph, missing, ..
    } = assembly;
    diagnostics.extend(missing_package_diagnostics(missing));
    diagnostics.extend(resolver_diagnostics(
        root,
        resolver.manifest_problems(),
        resolver.tsconfig_problems(),
    ));
    let package_versions = package_versions(&graph, |install| project.version_of(install));
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
        cache: options.cache.clone(),
        packages: crate::boundary::PackageBoundary {
            active: !options.parse_packages,
            ..Default::default()
        },
        dependency_usages: Default::default(),
    }
}

/// Parses the reached files of `packages` (install paths) that stopped at
/// the package boundary, and what they import in turn within those packages
/// and the project, and adds it to the graph. New nodes are appended in a
/// deterministic order (breadth-first from the boundary nodes, in index
/// order); the nodes already there keep their indices. Roles and package
/// versions are computed again.
pub fn expand(
    graph: &mut ModuleGraph,
    packages: &std::collections::BTreeSet<String>,
    resolver: &ProjectResolver,
    options: &BuildOptions,
    project: &ProjectFacts,
) {
    let follow = Follow::Packages(std::sync::Arc::new(packages.clone()));
    let mut registry = Registry {
        follow: follow.clone(),
        ..Registry::default()
    };
    let mut starts = Vec::new();
    for idx in graph.graph.node_indices() {
        let node = &graph.graph[idx];
        registry
            .ids
            .insert(node.abs.as_os_str().to_os_string(), idx.index());
        registry.files.push(FileInfo {
            path: PathBuf::new(),
            rel: String::new(),
            module_type: node.module_type,
            package: None,
        });
        let stopped = node.module_type == ModuleType::Js
            && !node.parsed
            && node.imports.is_empty()
            && node.package.is_some()
            && follow.follows(node.package.as_ref());
        if stopped {
            starts.push((idx.index(), node.abs.clone()));
        }
    }
    if starts.is_empty() {
        return;
    }
    let root = graph.root.clone();
    let known = graph.graph.node_count();
    let (registry, loaded) = load_reachable(&root, resolver, options, registry, starts.clone());
    let mut assembly = Assembly::new(&root, options, registry, loaded);
    assembly.graph = std::mem::take(&mut graph.graph);
    for (i, slot) in assembly.node_of.iter_mut().take(known).enumerate() {
        *slot = Some(NodeIndex::new(i));
    }
    assembly.frontier = starts
        .into_iter()
        .map(|(id, _)| (NodeIndex::new(id), id))
        .collect();
    assembly.link_all(&mut graph.diagnostics, |path| {
        load(&root, path, resolver, options)
    });
    graph.graph = assembly.graph;
    assign_roles(&mut graph.graph, &graph.entries);
    graph.package_versions = package_versions(&graph.graph, |install| project.version_of(install));
}

/// The entries as the load starts from them.
struct Seeds {
    /// The entries' files (ids in entry order).
    registry: Registry,
    /// The file id of each entry, in entry order.
    entry_ids: Vec<usize>,
    /// The JS entries to load, each once.
    starts: Vec<(usize, PathBuf)>,
}

/// Registers the entries (ids in entry order); an entry whose written path
/// has a JS extension is loaded even when its real path has none.
/// `expected_files` (about every project file is usually reached) sizes the
/// registry.
fn seed_entries(
    root: &Path,
    entries: &[FoundEntry],
    expected_files: usize,
    follow: Follow,
) -> Seeds {
    let mut registry = Registry {
        follow,
        ..Registry::default()
    };
    registry.ids.reserve(expected_files);
    registry.files.reserve(expected_files);
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
    Seeds {
        registry,
        entry_ids,
        starts,
    }
}

/// Loads every JS file reachable from `starts` with one pool of tasks;
/// returns the registry of every file met and the loaded files by id.
fn load_reachable(
    root: &Path,
    resolver: &ProjectResolver,
    options: &BuildOptions,
    registry: Registry,
    starts: Vec<(usize, PathBuf)>,
) -> (Registry, Vec<Option<LoadedFile>>) {
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
    let registry = queue
        .registry
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let done = queue
        .done
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let loaded = by_id(registry.files.len(), done);
    (registry, loaded)
}

/// `done` (in any order) as slots by file id; ids past `count` are dropped.
fn by_id<T>(count: usize, done: Vec<(usize, T)>) -> Vec<Option<T>> {
    let mut slots: Vec<Option<T>> = Vec::new();
    slots.resize_with(count, || None);
    for (id, item) in done {
        if let Some(slot) = slots.get_mut(id) {
            *slot = Some(item);
        }
    }
    slots
}

/// Package imports of project modules that did not resolve, each told once:
/// (imports, first importer, its line).
type Missing = BTreeMap<Unresolvable, (usize, String, u32)>;

/// Why a package import of a project module did not resolve.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Unresolvable {
    /// An installed package's import failed (a missing subpath, an
    /// `exports` that does not export it).
    Failed { specifier: String, reason: String },
    /// The package (by name) is not installed.
    NotInstalled(String),
}

/// The graph being assembled, breadth-first from the entries, out of the
/// loaded files.
struct Assembly<'a> {
    root: &'a Path,
    options: &'a BuildOptions,
    registry: Registry,
    /// Loaded files by id, taken as their node is linked.
    loaded: Vec<Option<LoadedFile>>,
    graph: DiGraph<ModuleNode, Edge>,
    /// The node of each file id, once added.
    node_of: Vec<Option<NodeIndex>>,
    /// JS nodes in the order they were added (node, file id); linked in that
    /// order.
    frontier: Vec<(NodeIndex, usize)>,
    /// Packages imported by project modules but not installed.
    missing: Missing,
}

impl<'a> Assembly<'a> {
    fn new(
        root: &'a Path,
        options: &'a BuildOptions,
        registry: Registry,
        loaded: Vec<Option<LoadedFile>>,
    ) -> Self {
        let count = registry.files.len();
        Self {
            root,
            options,
            registry,
            loaded,
            graph: DiGraph::with_capacity(count, 0),
            node_of: vec![None; count],
            frontier: Vec::new(),
            missing: Missing::new(),
        }
    }

    /// The node of file `id`, added (and queued for linking when it is JS)
    /// the first time.
    fn add_node(&mut self, id: usize) -> Option<NodeIndex> {
        if self.node_of.len() <= id {
            self.node_of.resize(id + 1, None);
        }
        if let Some(Some(idx)) = self.node_of.get(id) {
            return Some(*idx);
        }
        // Each file becomes one node: its info moves into it.
        let follow = &self.registry.follow;
        let info = self.registry.files.get_mut(id)?;
        let followed = info.module_type == ModuleType::Js && follow.follows(info.package.as_ref());
        let (bytes, text) = match info.module_type {
            ModuleType::Js if followed => (0, None),
            // A package's file behind the boundary: its size only.
            ModuleType::Js | ModuleType::Asset => (
                std::fs::metadata(&info.path).map(|m| m.len()).unwrap_or(0),
                None,
            ),
            // Text the estimate may need; read here, bounded.
            ModuleType::Json | ModuleType::Css => {
                read_text(&info.path, self.options.max_file_bytes)
            }
        };
        let idx = self.graph.add_node(ModuleNode {
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
            directive: None,
            parsed: false,
            role: Role::Tooling,
            text,
        });
        if followed {
            self.frontier.push((idx, id));
        }
        if let Some(slot) = self.node_of.get_mut(id) {
            *slot = Some(idx);
        }
        Some(idx)
    }

    /// The entries' nodes, in entry order, with how each was found and its
    /// role.
    fn add_entries(
        &mut self,
        entries: &[FoundEntry],
        entry_ids: &[usize],
    ) -> Vec<(NodeIndex, String, Role)> {
        let mut entry_nodes = Vec::new();
        for (entry, &id) in entries.iter().zip(entry_ids) {
            let Some(idx) = self.add_node(id) else {
                continue;
            };
            // An entry is a module even when its real path has no JS extension.
            if ModuleType::of(&entry.written) == ModuleType::Js
                && let Some(node) = self.graph.node_weight_mut(idx)
                && node.module_type != ModuleType::Js
            {
                node.module_type = ModuleType::Js;
                self.frontier.push((idx, id));
            }
            entry_nodes.push((idx, entry.source.clone(), entry.role));
        }
        entry_nodes
    }

    /// Links every queued JS node in turn (the nodes its imports add are
    /// queued behind it). `load` loads a file the pool missed.
    fn link_all(&mut self, diagnostics: &mut Vec<Diagnostic>, load: impl Fn(&Path) -> Loaded) {
        let mut next = 0;
        while let Some(&(idx, id)) = self.frontier.get(next) {
            next += 1;
            if let Some(file) = self.take_loaded(idx, id, &load) {
                self.link_file(idx, file, diagnostics);
            }
        }
    }

    /// The loaded file `id` of node `idx`. Every queued file was loaded by
    /// the pool; it is loaded here only if one was missed.
    fn take_loaded(
        &mut self,
        idx: NodeIndex,
        id: usize,
        load: &impl Fn(&Path) -> Loaded,
    ) -> Option<LoadedFile> {
        if let Some(file) = self.loaded.get_mut(id).and_then(Option::take) {
            return Some(file);
        }
        let path = self.graph.node_weight(idx).map(|n| n.abs.clone())?;
        // Files it meets first are loaded here too, when reached.
        let (file, _new) = self.registry.link(self.root, load(&path));
        let len = self.registry.files.len().max(self.loaded.len());
        self.loaded.resize_with(len, || None);
        Some(file)
    }

    /// Adds one loaded file's imports to the graph (their targets' nodes and
    /// the edges) and its facts to its node `idx`.
    fn link_file(&mut self, idx: NodeIndex, file: LoadedFile, diagnostics: &mut Vec<Diagnostic>) {
        diagnostics.extend(file.diagnostics);
        let Some(facts) = file.facts else {
            if let Some(node) = self.graph.node_weight_mut(idx) {
                node.bytes = file.bytes;
            }
            return;
        };
        let (rel, is_project) = self
            .graph
            .node_weight(idx)
            .map(|n| (n.path.clone(), n.is_project()))
            .unwrap_or_default();
        let importer = Importer {
            idx,
            rel,
            is_project,
        };
        let imports = facts
            .imports
            .into_iter()
            .zip(file.targets)
            .zip(file.packages)
            .enumerate()
            .map(|(i, ((fact, target), package))| {
                self.link_import(&importer, i, fact, target, package, diagnostics)
            })
            .collect();
        if let Some(node) = self.graph.node_weight_mut(idx) {
            node.bytes = file.bytes;
            node.imports = imports;
            node.exports = facts.exports;
            node.star_exports = facts.star_exports;
            node.commonjs = facts.commonjs;
            node.cjs_exports = facts.cjs_exports;
            node.directive = facts.directive;
            node.parsed = true;
            node.text = file.text;
        }
    }

    /// Import `i` of `importer`: an edge to its target's node, or why it has
    /// none.
    fn link_import(
        &mut self,
        importer: &Importer,
        i: usize,
        fact: ImportFact,
        target: Result<usize, Unresolved>,
        package: Option<String>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> ResolvedImport {
        let (mut builtin, mut provided) = (false, None);
        let target = match target {
            Ok(id) => {
                let t = self.add_node(id);
                if let Some(t) = t {
                    let edge = Edge {
                        kind: fact.kind,
                        import: i,
                    };
                    self.graph.add_edge(importer.idx, t, edge);
                }
                t
            }
            Err(Unresolved::Builtin) => {
                builtin = true;
                None
            }
            Err(Unresolved::Provided(tool)) => {
                provided = Some(tool);
                None
            }
            Err(Unresolved::Failed(reason)) => {
                let package = package.as_deref();
                diagnose_unresolved(
                    importer,
                    &fact,
                    package,
                    &reason,
                    &mut self.missing,
                    diagnostics,
                );
                None
            }
        };
        ResolvedImport {
            fact,
            target,
            package,
            builtin,
            provided,
        }
    }
}

/// The module whose imports are being linked.
struct Importer {
    idx: NodeIndex,
    /// Its path.
    rel: String,
    /// Whether it is the project's (not under `node_modules`).
    is_project: bool,
}

/// Reports an import `fact` of `importer` that did not resolve (`package`:
/// the package of a bare specifier; `reason`: the resolver's message). A
/// package not installed is counted in `missing` (one diagnostic per
/// package, not per import; project importers only); another failure is a
/// diagnostic, except a package imported from `node_modules` and React
/// Router's generated route types.
fn diagnose_unresolved(
    importer: &Importer,
    fact: &ImportFact,
    package: Option<&str>,
    reason: &str,
    missing: &mut Missing,
    diagnostics: &mut Vec<Diagnostic>,
) {
    match package {
        Some(name) if reason == "not found" => {
            if importer.is_project {
                let slot = missing
                    .entry(Unresolvable::NotInstalled(name.to_string()))
                    .or_insert_with(|| (0, importer.rel.clone(), fact.line));
                slot.0 += 1;
            }
        }
        Some(_) if importer.is_project => {
            // One diagnostic per specifier and reason, not per import.
            let key = Unresolvable::Failed {
                specifier: fact.specifier.clone(),
                reason: reason.to_string(),
            };
            let slot = missing
                .entry(key)
                .or_insert_with(|| (0, importer.rel.clone(), fact.line));
            slot.0 += 1;
        }
        Some(_) => {}
        // React Router's generated route types (`./+types/x`) exist only
        // after `react-router typegen`.
        None if fact.kind == EdgeKind::TypeOnly && fact.specifier.contains("/+types/") => {}
        None => diagnostics.push(Diagnostic::at_line(
            importer.rel.clone(),
            fact.line,
            format!("cannot resolve `{}` ({reason})", quote(&fact.specifier)),
        )),
    }
}

/// One diagnostic per package imported but not installed, by name.
fn missing_package_diagnostics(missing: Missing) -> Vec<Diagnostic> {
    missing
        .into_iter()
        .map(|(key, (count, first, line))| {
            let imports = if count == 1 { "" } else { "s" };
            let message = match key {
                Unresolvable::Failed { specifier, reason } => format!(
                    "cannot resolve package `{}` ({reason}; {count} import{imports})",
                    quote(&specifier)
                ),
                Unresolvable::NotInstalled(name) => format!(
                    "package `{}` is not installed ({count} import{imports}); its modules are not analysed",
                    quote(&name)
                ),
            };
            Diagnostic::at_line(first, line, message)
        })
        .collect()
}

/// The problems the resolver met with `package.json` files (the root's
/// aside: the manifest reader reports it) and tsconfigs.
fn resolver_diagnostics(
    root: &Path,
    manifest_problems: Vec<(PathBuf, String)>,
    tsconfig_problems: Vec<(PathBuf, String)>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (path, message) in manifest_problems {
        let rel = relative(root, &path);
        // The root package.json is reported by the manifest reader.
        if rel == "package.json" {
            continue;
        }
        out.push(Diagnostic::new(
            rel,
            format!("is not valid JSON ({message}); only relative imports resolve next to it"),
        ));
    }
    for (path, message) in tsconfig_problems {
        // A base named by package (`@tsconfig/node22/tsconfig.json`) that is
        // not installed: the error has the specifier, not a file.
        if path.is_relative() {
            out.push(Diagnostic::new(
                "",
                format!(
                    "a tsconfig `extends` `{}`, which is not installed (run the package manager's install); the settings of the tsconfig that extends it, `paths` aliases included, are not applied",
                    path.display()
                ),
            ));
            continue;
        }
        let rel = relative(root, &path);
        out.push(Diagnostic::new(
            rel,
            format!("cannot be used: {message}; `paths` aliases from it are not applied"),
        ));
    }
    out
}

/// `version` of each install folder the graph reaches (`version_of` reads it).
fn package_versions(
    graph: &DiGraph<ModuleNode, Edge>,
    version_of: impl Fn(&str) -> Option<String>,
) -> BTreeMap<String, Option<String>> {
    let mut versions = BTreeMap::new();
    for node in graph.node_weights() {
        if let Some(pkg) = &node.package
            && !versions.contains_key(&pkg.install_path)
        {
            versions.insert(pkg.install_path.clone(), version_of(&pkg.install_path));
        }
    }
    versions
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

/// Hand-made graphs for unit tests of the stages that read a graph.
#[cfg(test)]
pub(crate) mod test_graph {
    use super::*;
    use crate::parse::{ExportOrigin, NameSet, UsedNames};

    /// `UsedNames::Names` of `names`.
    pub(crate) fn names(names: &[&str]) -> UsedNames {
        let mut set = NameSet::default();
        for name in names {
            set.insert((*name).to_string());
        }
        UsedNames::Names(set)
    }

    /// A graph under `/p`, built module by module.
    pub(crate) struct GraphBuilder {
        pub(crate) graph: ModuleGraph,
    }

    impl GraphBuilder {
        /// No module, no workspace.
        pub(crate) fn new() -> Self {
            Self {
                graph: ModuleGraph {
                    root: PathBuf::from("/p"),
                    graph: DiGraph::new(),
                    entries: Vec::new(),
                    project_files: Vec::new(),
                    manifest: Manifest::default(),
                    workspaces: Vec::new(),
                    monorepo: false,
                    workspace_packages: Vec::new(),
                    package_versions: BTreeMap::new(),
                    cache: Default::default(),
                    diagnostics: Vec::new(),
                    packages: Default::default(),
                    dependency_usages: Default::default(),
                },
            }
        }

        /// Adds the module at `path` (relative to `/p`; its package from its
        /// path), of `bytes`, parsed when it is JS, production.
        pub(crate) fn module(&mut self, path: &str, bytes: u64) -> NodeIndex {
            let module_type = ModuleType::of(Path::new(path));
            self.graph.graph.add_node(ModuleNode {
                path: path.to_string(),
                abs: self.graph.root.join(path),
                bytes,
                module_type,
                package: package_of(path),
                imports: Vec::new(),
                exports: Vec::new(),
                star_exports: Vec::new(),
                commonjs: false,
                cjs_exports: false,
                directive: None,
                parsed: module_type == ModuleType::Js,
                role: Role::Production,
                text: None,
            })
        }

        /// The module `idx`.
        pub(crate) fn node(&mut self, idx: NodeIndex) -> &mut ModuleNode {
            &mut self.graph.graph[idx]
        }

        /// Adds an import of `specifier` by `from` at line 1 (with its edge
        /// when it resolved `to` a module); its package is the specifier's.
        pub(crate) fn import(
            &mut self,
            from: NodeIndex,
            specifier: &str,
            to: Option<NodeIndex>,
            kind: EdgeKind,
            used: UsedNames,
        ) -> &mut ResolvedImport {
            let import = self.graph.graph[from].imports.len();
            if let Some(to) = to {
                self.graph.graph.add_edge(from, to, Edge { kind, import });
            }
            let imports = &mut self.graph.graph[from].imports;
            imports.push(ResolvedImport {
                fact: ImportFact {
                    specifier: specifier.to_string(),
                    kind,
                    line: 1,
                    used,
                    members: Vec::new(),
                },
                target: to,
                package: bare_package_name(specifier),
                builtin: false,
                provided: None,
            });
            &mut imports[import]
        }

        /// Adds the export `name` of `module` at `line`.
        pub(crate) fn export(
            &mut self,
            module: NodeIndex,
            name: &str,
            line: u32,
            origin: ExportOrigin,
        ) -> &mut ExportFact {
            let exports = &mut self.graph.graph[module].exports;
            exports.push(ExportFact {
                name: name.to_string(),
                line,
                type_only: false,
                origin,
            });
            let last = exports.len() - 1;
            &mut exports[last]
        }

        /// Makes `idx` an entry.
        pub(crate) fn entry(&mut self, idx: NodeIndex, role: Role) {
            self.graph.entries.push((idx, "test".to_string(), role));
        }

        /// An entry found by `source` (`next: app router file`...).
        pub(crate) fn entry_with(&mut self, idx: NodeIndex, role: Role, source: &str) {
            self.graph.entries.push((idx, source.to_string(), role));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::UsedNames;
    use petgraph::visit::EdgeRef;

    fn entry(path: &str, written: &str, source: &str, role: Role) -> FoundEntry {
        FoundEntry {
            path: PathBuf::from(path),
            written: PathBuf::from(written),
            source: source.to_string(),
            role,
        }
    }

    fn import(specifier: &str, kind: EdgeKind, line: u32) -> ImportFact {
        ImportFact {
            specifier: specifier.to_string(),
            kind,
            line,
            used: UsedNames::All,
            members: Vec::new(),
        }
    }

    /// A parsed file whose imports resolved to `targets`.
    fn loaded_file(imports: Vec<(ImportFact, Result<usize, Unresolved>)>) -> LoadedFile {
        let packages = imports
            .iter()
            .map(|(i, _)| bare_package_name(&i.specifier))
            .collect();
        let (imports, targets) = imports.into_iter().unzip();
        LoadedFile {
            bytes: 10,
            text: Some("text".into()),
            facts: Some(FileFacts {
                imports,
                ..FileFacts::default()
            }),
            targets,
            packages,
            diagnostics: Vec::new(),
        }
    }

    fn messages(diagnostics: &[Diagnostic]) -> Vec<(&str, Option<u32>, &str)> {
        diagnostics
            .iter()
            .map(|d| (d.path.as_str(), d.line, d.message.as_str()))
            .collect()
    }

    #[test]
    fn seeds_are_the_entries_in_order_and_each_js_entry_loads_once() {
        let entries = [
            entry("/p/src/a.ts", "/p/src/a.ts", "cli", Role::Production),
            // A JS entry by its written path only (a symlink without extension).
            entry("/p/bin/tool", "/p/bin/tool.js", "package", Role::Tooling),
            entry("/p/src/a.ts", "src/a.ts", "config", Role::Production),
            entry(
                "/p/src/style.css",
                "/p/src/style.css",
                "html",
                Role::Production,
            ),
        ];
        let seeds = seed_entries(Path::new("/p"), &entries, 8, Follow::All);
        assert_eq!(seeds.entry_ids, vec![0, 1, 0, 2]);
        assert_eq!(
            seeds.starts,
            vec![
                (0, PathBuf::from("/p/src/a.ts")),
                (1, PathBuf::from("/p/bin/tool"))
            ]
        );
        let rels: Vec<&str> = seeds
            .registry
            .files
            .iter()
            .map(|f| f.rel.as_str())
            .collect();
        assert_eq!(rels, ["src/a.ts", "bin/tool", "src/style.css"]);
        assert_eq!(seeds.registry.files[1].module_type, ModuleType::Asset);
    }

    #[test]
    fn loaded_files_go_to_their_id_slot() {
        let slots = by_id(3, vec![(2, "c"), (0, "a"), (7, "past the end")]);
        assert_eq!(slots, vec![Some("a"), None, Some("c")]);
    }

    #[test]
    fn source_text_refuses_invalid_utf8_at_its_line_and_deep_nesting() {
        let rel = || "src/a.ts".to_string();
        assert_eq!(source_text(b"export {}\n", &rel), Ok("export {}\n"));
        let bad = source_text(b"a\nb\n\xff\n", &rel).expect_err("not UTF-8");
        assert_eq!(bad.line, Some(3));
        assert_eq!(
            bad.message,
            "not parsed: not valid UTF-8 (invalid byte at offset 4)"
        );
        // Too deep to parse: refused with its depth, never cached.
        let deep = "[".repeat(project::depth::MAX_NESTING + 10);
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("node_modules")).unwrap();
        let options = BuildOptions {
            cache: std::sync::Arc::new(crate::cache::SourceCache::open(dir.path())),
            ..BuildOptions::default()
        };
        let path = Path::new("/p/src/a.ts");
        assert!(
            module_facts(path, &deep, &options).is_err_and(|d| d > project::depth::MAX_NESTING)
        );
        assert_eq!(options.cache.stats().facts_misses, 1);
        assert!(module_facts(path, &deep, &options).is_err());
        assert_eq!(options.cache.stats().facts_hits, 0);
        assert!(module_facts(path, "export const a = 1;", &options).is_ok());
    }

    #[test]
    fn jsx_files_import_the_runtime_of_their_innermost_workspace() {
        let options = BuildOptions {
            jsx_runtimes: vec![
                (PathBuf::from("/p"), "preact".to_string()),
                (PathBuf::from("/p/apps/web"), "react".to_string()),
            ],
            ..BuildOptions::default()
        };
        let specifiers = |path: &str, jsx: bool, imports: Vec<ImportFact>| {
            let mut facts = FileFacts {
                jsx,
                imports,
                ..FileFacts::default()
            };
            add_jsx_runtime(Path::new(path), &mut facts, &options);
            facts
                .imports
                .iter()
                .map(|i| (i.specifier.clone(), i.kind, i.line))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            specifiers("/p/apps/web/src/App.tsx", true, Vec::new()),
            [("react/jsx-runtime".to_string(), EdgeKind::Static, 1)]
        );
        assert_eq!(
            specifiers("/p/src/App.tsx", true, Vec::new()),
            [("preact/jsx-runtime".to_string(), EdgeKind::Static, 1)]
        );
        // Not JSX, outside every workspace, or importing a runtime already.
        assert!(specifiers("/p/src/util.ts", false, Vec::new()).is_empty());
        assert!(specifiers("/elsewhere/App.tsx", true, Vec::new()).is_empty());
        let own = import("solid-js/h/jsx-runtime", EdgeKind::Static, 2);
        assert_eq!(
            specifiers("/p/src/App.tsx", true, vec![own]),
            [("solid-js/h/jsx-runtime".to_string(), EdgeKind::Static, 2)]
        );
    }

    #[test]
    fn assembly_adds_nodes_breadth_first_and_reports_what_did_not_resolve() {
        let root = Path::new("/p");
        let options = BuildOptions::default();
        let mut registry = Registry::default();
        // Discovery order (the pool's timing) differs from the graph's order.
        for path in ["main.ts", "d.ts", "b.ts", "c.ts", "node_modules/x/index.js"] {
            registry.intern(root, &root.join(path));
        }
        let failed = |reason: &str| Err(Unresolved::Failed(reason.to_string()));
        let loaded = vec![
            Some(loaded_file(vec![
                (import("./b", EdgeKind::Static, 1), Ok(2)),
                (import("./c", EdgeKind::Dynamic, 2), Ok(3)),
                (import("left-pad", EdgeKind::Static, 3), failed("not found")),
                (
                    import("node:fs", EdgeKind::Static, 4),
                    Err(Unresolved::Builtin),
                ),
                // What a tool provides: marked, never a diagnostic.
                (
                    import("contentlayer/generated", EdgeKind::Static, 5),
                    Err(Unresolved::Provided("contentlayer")),
                ),
            ])),
            Some(loaded_file(Vec::new())),
            Some(loaded_file(vec![
                (import("./d", EdgeKind::Static, 1), Ok(1)),
                (import("left-pad", EdgeKind::Static, 2), failed("not found")),
                (import("./gone", EdgeKind::Static, 3), failed("not found")),
                (
                    import("./+types/b", EdgeKind::TypeOnly, 4),
                    failed("not found"),
                ),
            ])),
            Some(loaded_file(vec![(import("x", EdgeKind::Static, 1), Ok(4))])),
            // Not loaded by the pool: loaded when reached.
            None,
        ];
        let mut assembly = Assembly::new(root, &options, registry, loaded);
        let entries = [entry("/p/main.ts", "/p/main.ts", "cli", Role::Production)];
        let entry_nodes = assembly.add_entries(&entries, &[0]);
        let mut diagnostics = Vec::new();
        let loads = std::cell::RefCell::new(Vec::new());
        assembly.link_all(&mut diagnostics, |path| {
            loads.borrow_mut().push(path.to_path_buf());
            Loaded {
                bytes: 3,
                text: None,
                facts: Some(FileFacts {
                    imports: vec![import("y", EdgeKind::Static, 5)],
                    ..FileFacts::default()
                }),
                resolutions: vec![Err(Unresolved::Failed("broken".to_string()))],
                packages: vec![Some("y".to_string())],
                diagnostics: vec![Diagnostic::new("node_modules/x/index.js", "loaded late")],
            }
        });
        assert_eq!(
            loads.into_inner(),
            [PathBuf::from("/p/node_modules/x/index.js")]
        );
        assert_eq!(
            entry_nodes,
            [(NodeIndex::new(0), "cli".to_string(), Role::Production)]
        );
        let g = &assembly.graph;
        let paths: Vec<&str> = g.node_weights().map(|n| n.path.as_str()).collect();
        assert_eq!(
            paths,
            ["main.ts", "b.ts", "c.ts", "d.ts", "node_modules/x/index.js"]
        );
        let edges: Vec<(usize, usize, EdgeKind, usize)> = g
            .edge_references()
            .map(|e| {
                (
                    e.source().index(),
                    e.target().index(),
                    e.weight().kind,
                    e.weight().import,
                )
            })
            .collect();
        assert_eq!(
            edges,
            [
                (0, 1, EdgeKind::Static, 0),
                (0, 2, EdgeKind::Dynamic, 1),
                (1, 3, EdgeKind::Static, 0),
                (2, 4, EdgeKind::Static, 0),
            ]
        );
        let main = &g[NodeIndex::new(0)];
        assert!(main.parsed);
        assert_eq!(main.bytes, 10);
        assert_eq!(main.text.as_deref(), Some("text"));
        type Resolved<'a> = (Option<usize>, Option<&'a str>, bool, Option<&'a str>);
        let resolved: Vec<Resolved> = main
            .imports
            .iter()
            .map(|i| {
                let target = i.target.map(|t| t.index());
                (target, i.package.as_deref(), i.builtin, i.provided)
            })
            .collect();
        assert_eq!(
            resolved,
            [
                (Some(1), None, false, None),
                (Some(2), None, false, None),
                (None, Some("left-pad"), false, None),
                (None, None, true, None),
                (None, Some("contentlayer"), false, Some("contentlayer")),
            ]
        );
        // One count per missing package, at its first importer; a package
        // failing inside `node_modules` is not the project's problem.
        assert_eq!(
            assembly.missing,
            Missing::from([(
                Unresolvable::NotInstalled("left-pad".to_string()),
                (2, "main.ts".to_string(), 3)
            )])
        );
        assert_eq!(
            messages(&diagnostics),
            [
                ("b.ts", Some(3), "cannot resolve `./gone` (not found)"),
                ("node_modules/x/index.js", None, "loaded late"),
            ]
        );
        assert_eq!(g[NodeIndex::new(4)].bytes, 3);
    }

    #[test]
    fn an_entry_written_as_js_is_linked_as_a_module() {
        let root = Path::new("/p");
        let options = BuildOptions::default();
        let entries = [entry(
            "/p/bin/tool",
            "/p/bin/tool.js",
            "package",
            Role::Tooling,
        )];
        let seeds = seed_entries(root, &entries, 1, Follow::All);
        let loaded = vec![Some(loaded_file(Vec::new()))];
        let mut assembly = Assembly::new(root, &options, seeds.registry, loaded);
        let entry_nodes = assembly.add_entries(&entries, &seeds.entry_ids);
        assert_eq!(entry_nodes.len(), 1);
        assembly.link_all(&mut Vec::new(), |_| unreachable!("loaded by the pool"));
        let node = &assembly.graph[NodeIndex::new(0)];
        assert_eq!(node.module_type, ModuleType::Js);
        assert!(node.parsed);
    }

    #[test]
    fn a_project_importer_is_told_why_a_package_did_not_resolve() {
        let project = Importer {
            idx: NodeIndex::new(0),
            rel: "src/a.ts".to_string(),
            is_project: true,
        };
        let dependency = Importer {
            rel: "node_modules/x/index.js".to_string(),
            is_project: false,
            ..project
        };
        let fact = import("y/sub", EdgeKind::Static, 7);
        let mut missing = Missing::new();
        let mut diagnostics = Vec::new();
        for importer in [&project, &dependency] {
            for reason in ["not found", "exports field does not export it"] {
                diagnose_unresolved(
                    importer,
                    &fact,
                    Some("y"),
                    reason,
                    &mut missing,
                    &mut diagnostics,
                );
            }
        }
        // Twice more from the project: still one diagnostic, with a count.
        for _ in 0..2 {
            diagnose_unresolved(
                &project,
                &fact,
                Some("y"),
                "exports field does not export it",
                &mut missing,
                &mut diagnostics,
            );
        }
        assert!(diagnostics.is_empty());
        assert_eq!(
            missing.get(&Unresolvable::NotInstalled("y".to_string())),
            Some(&(1, "src/a.ts".to_string(), 7))
        );
        assert_eq!(
            messages(&missing_package_diagnostics(missing)),
            [
                (
                    "src/a.ts",
                    Some(7),
                    "cannot resolve package `y/sub` (exports field does not export it; 3 imports)"
                ),
                (
                    "src/a.ts",
                    Some(7),
                    "package `y` is not installed (1 import); its modules are not analysed"
                )
            ]
        );
    }

    #[test]
    fn one_diagnostic_per_missing_package() {
        let missing = Missing::from([
            (
                Unresolvable::NotInstalled("a".to_string()),
                (1, "src/x.ts".to_string(), 2),
            ),
            (
                Unresolvable::NotInstalled("b".to_string()),
                (3, "src/y.ts".to_string(), 9),
            ),
        ]);
        assert_eq!(
            messages(&missing_package_diagnostics(missing)),
            [
                (
                    "src/x.ts",
                    Some(2),
                    "package `a` is not installed (1 import); its modules are not analysed"
                ),
                (
                    "src/y.ts",
                    Some(9),
                    "package `b` is not installed (3 imports); its modules are not analysed"
                ),
            ]
        );
    }

    #[test]
    fn resolver_problems_name_their_file_except_the_root_manifest() {
        let root = Path::new("/p");
        let diagnostics = resolver_diagnostics(
            root,
            vec![
                (root.join("package.json"), "eof".to_string()),
                (root.join("packages/a/package.json"), "eof".to_string()),
            ],
            vec![
                (
                    PathBuf::from("@tsconfig/node22/tsconfig.json"),
                    "not found".to_string(),
                ),
                (root.join("tsconfig.json"), "bad json".to_string()),
            ],
        );
        let messages = messages(&diagnostics);
        assert_eq!(messages.len(), 3);
        assert_eq!(
            messages[0],
            (
                "packages/a/package.json",
                None,
                "is not valid JSON (eof); only relative imports resolve next to it"
            )
        );
        assert_eq!(messages[1].0, "");
        assert!(messages[1].2.starts_with(
            "a tsconfig `extends` `@tsconfig/node22/tsconfig.json`, which is not installed"
        ));
        assert_eq!(
            messages[2],
            (
                "tsconfig.json",
                None,
                "cannot be used: bad json; `paths` aliases from it are not applied"
            )
        );
    }

    #[test]
    fn package_versions_are_read_once_per_install_folder() {
        let mut graph: DiGraph<ModuleNode, Edge> = DiGraph::new();
        let node = |path: &str| ModuleNode {
            package: package_of(path),
            path: path.to_string(),
            abs: PathBuf::from("/p").join(path),
            bytes: 0,
            module_type: ModuleType::Js,
            imports: Vec::new(),
            exports: Vec::new(),
            star_exports: Vec::new(),
            commonjs: false,
            cjs_exports: false,
            directive: None,
            parsed: true,
            role: Role::Production,
            text: None,
        };
        for path in [
            "src/a.ts",
            "node_modules/react/index.js",
            "node_modules/react/cjs/react.js",
            "node_modules/@s/ui/dist/i.js",
        ] {
            graph.add_node(node(path));
        }
        let asked = std::cell::RefCell::new(Vec::new());
        let versions = package_versions(&graph, |install| {
            asked.borrow_mut().push(install.to_string());
            (install == "node_modules/react").then(|| "19.0.0".to_string())
        });
        assert_eq!(
            asked.into_inner(),
            ["node_modules/react", "node_modules/@s/ui"]
        );
        assert_eq!(
            versions,
            BTreeMap::from([
                ("node_modules/@s/ui".to_string(), None),
                ("node_modules/react".to_string(), Some("19.0.0".to_string())),
            ])
        );
    }
}
