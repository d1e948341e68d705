//! Module resolution with oxc_resolver: tsconfig `paths`/`baseUrl`/`extends`,
//! package `exports`/`imports` with the `import`/`browser`/`default`
//! conditions, extensions, directory indexes and symlinked (pnpm) packages.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use model::diagnostic::quote;
use oxc_resolver::{ResolveError, ResolveOptions, ResolverGeneric, TsconfigDiscovery};

use super::listing::{ListingFs, Listings, Lookup};
use super::plugins::Provided;
use super::plugins::package::OutDirs;
use super::workspace::WorkspacePackage;

/// The resolver over folder listings.
type Resolver = ResolverGeneric<ListingFs>;

/// Extensions tried for extension-less specifiers, in order.
pub const EXTENSIONS: &[&str] = &[
    ".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".json", ".css",
];

/// Resolves specifiers for the whole project. Cheap to share between threads.
pub struct ProjectResolver {
    /// The project root: messages name files relative to it.
    root: PathBuf,
    /// The folders a resolution may land in (the project root, or the
    /// repository root of a workspace, as given and canonical): a module
    /// outside them is never read.
    boundary: Vec<PathBuf>,
    /// Folder listings shared by both resolvers and the file loader.
    listings: Arc<Listings>,
    with_tsconfig: Resolver,
    without_tsconfig: Resolver,
    /// As TypeScript resolves a package: the `types` condition and fields,
    /// declaration files first. Tried when nothing else answers (a package
    /// or subpath that has only declarations: `import type` of it).
    types: Resolver,
    /// tsconfig problems already reported (path, message).
    tsconfig_problems: Mutex<Vec<(PathBuf, String)>>,
    /// Broken `package.json` files met while resolving (path, message).
    manifest_problems: Mutex<Vec<(PathBuf, String)>>,
    /// Results already computed, per resolution context.
    memo: Mutex<Memo>,
    /// The repository's workspace packages: imports of them resolve to
    /// their source, installed or not.
    workspaces: Vec<(WorkspacePackage, OutDirs)>,
    /// Bundler aliases (`resolve.alias` of a Vite config): (the folder whose
    /// files they apply to, prefix such as `@/`, target folder). Tried when
    /// the resolver (tsconfig `paths` included) finds nothing.
    aliases: Vec<(PathBuf, String, PathBuf)>,
    /// Specifiers a tool provides when it runs, per folder whose files they
    /// apply to ([`Provided`]): tried when nothing else answers.
    provided: Vec<(PathBuf, Provided)>,
}

/// What a resolution depends on besides the specifier: the importer's folder
/// and the tsconfig that owns the importer (tsconfig `include`/`exclude` can
/// give two files of one folder different tsconfigs).
type ContextKey = (PathBuf, Option<PathBuf>);

/// Resolution results per context: every (folder, tsconfig, specifier) is
/// resolved once per run.
#[derive(Default)]
struct Memo {
    ids: HashMap<ContextKey, usize>,
    results: Vec<HashMap<String, Result<PathBuf, Unresolved>>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn remember(list: &Mutex<Vec<(PathBuf, String)>>, path: PathBuf, message: String) {
    let mut problems = lock(list);
    if !problems.iter().any(|(p, _)| *p == path) {
        problems.push((path, message));
    }
}

/// Extensions of TypeScript declaration files.
const DECLARATION_EXTENSIONS: &[&str] = &[".d.ts", ".d.mts", ".d.cts"];

/// Whether `path` is a TypeScript declaration file (`x.d.ts`).
fn is_declaration(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| DECLARATION_EXTENSIONS.iter().any(|ext| n.ends_with(ext)))
}

/// Whether `specifier` is bare (`types`, `@scope/x`, `lib/user`): not a
/// path (`./x`, `/x`), a subpath import (`#x`) or a URL-like id (`node:fs`,
/// `virtual:x`).
fn is_bare(specifier: &str) -> bool {
    !specifier.is_empty()
        && !specifier.starts_with(['.', '/', '#', '\\'])
        && !specifier.contains(':')
}

/// Resolves a relative specifier by hand (used when a broken `package.json`
/// stops the resolver): the file, the file with an extension, a folder index.
fn resolve_relative_by_hand(from: &Path, specifier: &str) -> Option<PathBuf> {
    if !(specifier.starts_with("./")
        || specifier.starts_with("../")
        || specifier == "."
        || specifier == "..")
    {
        return None;
    }
    let base = from.parent()?.join(specifier);
    super::walk::probe(&base, EXTENSIONS)?.canonicalize().ok()
}

/// The project folders resolutions must stay in: `root` as given and canonical.
fn boundary_of(root: &Path) -> Vec<PathBuf> {
    let mut folders = vec![root.to_path_buf()];
    if let Ok(real) = root.canonicalize()
        && real != root
    {
        folders.push(real);
    }
    folders
}

/// The special file (FIFO, socket, device) a relative `specifier` names, as
/// a bundler would probe it (itself, with an extension, a folder's index).
fn special_file(from: &Path, specifier: &str) -> Option<PathBuf> {
    if !(specifier.starts_with("./") || specifier.starts_with("../")) {
        return None;
    }
    let base = from.parent()?.join(specifier);
    let special = |p: &Path| {
        std::fs::symlink_metadata(p).is_ok_and(|m| !m.is_file() && !m.is_dir() && !m.is_symlink())
    };
    let with_ext = |ext: &str| {
        let mut os = base.as_os_str().to_os_string();
        os.push(ext);
        PathBuf::from(os)
    };
    std::iter::once(base.clone())
        .chain(EXTENSIONS.iter().map(|ext| with_ext(ext)))
        .chain(
            EXTENSIONS
                .iter()
                .map(|ext| base.join(format!("index{ext}"))),
        )
        .find(|p| special(p))
}

/// Why a specifier did not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unresolved {
    /// A Node.js built-in (`fs`, `node:path`).
    Builtin,
    /// A specifier a tool provides when it runs (its generated output, its
    /// build-time aliases: `contentlayer/generated`, `@theme/…`), with the
    /// tool's name: neither a package nor a project file, so no problem of
    /// the project.
    Provided(&'static str),
    /// Anything else, with the resolver's message.
    Failed(String),
}

impl ProjectResolver {
    /// A resolver for the project at `root`.
    pub fn new(root: &Path) -> Self {
        let options = ResolveOptions {
            tsconfig: Some(TsconfigDiscovery::Auto),
            // What a production browser build resolves (Vite, webpack and
            // Rspack in production mode): `development` targets are skipped.
            condition_names: vec![
                "import".into(),
                "module".into(),
                "browser".into(),
                "production".into(),
                "default".into(),
            ],
            extensions: EXTENSIONS.iter().map(|e| (*e).to_string()).collect(),
            extension_alias: vec![
                (
                    ".js".into(),
                    vec![".ts".into(), ".tsx".into(), ".js".into(), ".jsx".into()],
                ),
                (".mjs".into(), vec![".mts".into(), ".mjs".into()]),
                (".cjs".into(), vec![".cts".into(), ".cjs".into()]),
            ],
            main_fields: vec!["browser".into(), "module".into(), "main".into()],
            alias_fields: vec![vec!["browser".into()]],
            symlinks: true,
            builtin_modules: true,
            node_path: false,
            ..ResolveOptions::default()
        };
        let without = ResolveOptions {
            tsconfig: None,
            ..options.clone()
        };
        let types = ResolveOptions {
            tsconfig: None,
            condition_names: vec!["types".into(), "import".into(), "default".into()],
            extensions: DECLARATION_EXTENSIONS
                .iter()
                .chain(EXTENSIONS)
                .map(|e| (*e).to_string())
                .collect(),
            extension_alias: vec![
                (
                    ".js".into(),
                    vec![".d.ts".into(), ".ts".into(), ".js".into()],
                ),
                (".mjs".into(), vec![".d.mts".into(), ".mjs".into()]),
                (".cjs".into(), vec![".d.cts".into(), ".cjs".into()]),
            ],
            main_fields: vec![
                "types".into(),
                "typings".into(),
                "module".into(),
                "main".into(),
            ],
            alias_fields: Vec::new(),
            ..options.clone()
        };
        let listings = Arc::new(Listings::default());
        Self {
            root: root.to_path_buf(),
            boundary: boundary_of(root),
            with_tsconfig: Resolver::new_with_file_system(ListingFs(listings.clone()), options),
            without_tsconfig: Resolver::new_with_file_system(ListingFs(listings.clone()), without),
            types: Resolver::new_with_file_system(ListingFs(listings.clone()), types),
            listings,
            tsconfig_problems: Mutex::new(Vec::new()),
            manifest_problems: Mutex::new(Vec::new()),
            memo: Mutex::new(Memo::default()),
            workspaces: Vec::new(),
            aliases: Vec::new(),
            provided: Vec::new(),
        }
    }

    /// The same resolver, resolving imports of `packages` (workspace
    /// packages) to their source files.
    pub fn with_workspaces(mut self, repo_root: &Path, packages: &[WorkspacePackage]) -> Self {
        self.workspaces = packages
            .iter()
            .map(|p| (p.clone(), OutDirs::of(&p.dir)))
            .collect();
        if project::fsx::is_under(&self.root, repo_root) {
            self.boundary = boundary_of(repo_root);
        }
        // As a workspace install links them: `extends: "@acme/tsconfig/base.json"`
        // in a tsconfig finds the sibling package.
        self.listings.set_links(
            packages
                .iter()
                .map(|p| (repo_root.join("node_modules").join(&p.name), p.dir.clone()))
                .collect(),
        );
        self
    }

    /// The same resolver with bundler aliases: (scope folder, prefix, target).
    pub fn with_aliases(mut self, aliases: Vec<(PathBuf, String, PathBuf)>) -> Self {
        self.aliases = aliases;
        self
    }

    /// The same resolver with the specifiers tools provide: (scope folder,
    /// what the tool provides).
    pub fn with_provided(mut self, provided: Vec<(PathBuf, Provided)>) -> Self {
        self.provided = provided;
        self
    }

    /// The tool that provides `specifier` to the file `from`, if any.
    fn provider(&self, from: &Path, specifier: &str) -> Option<&'static str> {
        self.provided
            .iter()
            .find(|(scope, p)| project::fsx::is_under(from, scope) && p.provides(from, specifier))
            .map(|(_, p)| p.tool)
    }

    /// `specifier` through the bundler alias of the importer's scope (the
    /// innermost folder, then the longest prefix): `@/a` → `<src>/a`.
    fn resolve_alias(&self, from: &Path, specifier: &str) -> Option<PathBuf> {
        let (_, prefix, target) = self
            .aliases
            .iter()
            .filter(|(scope, prefix, _)| {
                from.starts_with(scope)
                    && (specifier.starts_with(prefix.as_str())
                        || specifier == prefix.trim_end_matches('/'))
            })
            .max_by_key(|(scope, prefix, _)| (scope.as_os_str().len(), prefix.len()))?;
        let rest = specifier.get(prefix.len()..).unwrap_or("");
        let path = if rest.is_empty() {
            target.clone()
        } else {
            target.join(rest)
        };
        let absolute = path.to_str()?.to_string();
        self.with_tsconfig
            .resolve_file(from, &absolute)
            .ok()
            .map(|r| r.into_path_buf())
    }

    /// The declaration file (`.d.ts`) a bare `specifier` names through the
    /// tsconfig of `from`: `paths`, else `baseUrl` (`"types"` with
    /// `"baseUrl": "."` → `./types/index.d.ts`), as TypeScript finds it. The
    /// resolver tries only module extensions there, so a folder of types is
    /// otherwise taken for a package that is not installed. Tried last, when
    /// nothing else (an installed package included) answers; never for a
    /// file in `node_modules`.
    fn resolve_declaration(&self, from: &Path, specifier: &str) -> Option<PathBuf> {
        if !is_bare(specifier) || from.components().any(|c| c.as_os_str() == "node_modules") {
            return None;
        }
        let tsconfig = self.with_tsconfig.find_tsconfig(from).ok()??;
        tsconfig
            .resolve_path_alias_or_base_url(specifier)
            .iter()
            .filter(|base| !base.components().any(|c| c.as_os_str() == "node_modules"))
            .find_map(|base| {
                super::walk::probe(base, DECLARATION_EXTENSIONS).filter(|f| is_declaration(f))
            })
            .and_then(|file| file.canonicalize().ok())
    }

    /// `specifier` as an import of a workspace package, when it is one.
    fn resolve_workspace(&self, specifier: &str) -> Option<PathBuf> {
        let name = project::packages::bare_package_name(specifier)?;
        let (package, dirs) = self.workspaces.iter().find(|(p, _)| p.name == name)?;
        let subpath = &specifier[name.len()..];
        let key = format!(".{subpath}");
        let json = &package.package_json;
        let target = match json.get("exports") {
            // A types-only subpath (`"./types": { "types": "./dist/types/index.d.ts" }`)
            // maps to the source of its declarations.
            Some(exports) => export_target(exports, &key, pick)
                .or_else(|| export_target(exports, &key, pick_types))?,
            None if subpath.is_empty() => ["source", "module", "main", "browser"]
                .iter()
                .find_map(|f| json.get(*f).and_then(serde_json::Value::as_str))
                .unwrap_or("./index")
                .to_string(),
            None => key.clone(),
        };
        let path = super::plugins::package::to_source(&package.dir, dirs, &target)?;
        path.canonicalize().ok()
    }

    /// What the folder listings say about `path` (read once per folder).
    pub fn lookup(&self, path: &Path) -> Lookup {
        self.listings.lookup(path)
    }

    /// Resolves the `specifiers` imported by the file `from`, in order. Each
    /// distinct (folder, owning tsconfig, specifier) is resolved once per
    /// resolver; later files of the same folder reuse the result.
    pub fn resolve_imports<'s>(
        &self,
        from: &Path,
        specifiers: impl IntoIterator<Item = &'s str>,
    ) -> Vec<Result<PathBuf, Unresolved>> {
        let context = self.context_of(from);
        specifiers
            .into_iter()
            .map(|specifier| {
                let Some(id) = context else {
                    return self.resolve(from, specifier);
                };
                if let Some(known) = lock(&self.memo)
                    .results
                    .get(id)
                    .and_then(|m| m.get(specifier))
                {
                    return known.clone();
                }
                let result = self.resolve(from, specifier);
                if let Some(map) = lock(&self.memo).results.get_mut(id) {
                    map.insert(specifier.to_string(), result.clone());
                }
                result
            })
            .collect()
    }

    /// The memo slot of the resolution context of `from`; `None` when the
    /// owning tsconfig cannot be read (then nothing is memoized).
    fn context_of(&self, from: &Path) -> Option<usize> {
        let dir = from.parent()?.to_path_buf();
        let tsconfig = match self.with_tsconfig.find_tsconfig(from) {
            Ok(found) => found.map(|t| t.path().to_path_buf()),
            Err(_) => return None,
        };
        let mut memo = lock(&self.memo);
        let next = memo.results.len();
        let id = *memo.ids.entry((dir, tsconfig)).or_insert(next);
        if id == next {
            memo.results.push(HashMap::new());
        }
        Some(id)
    }

    /// Resolves `specifier` as imported from the file `from`. A resolution
    /// that leaves the project (`../../../../etc/passwd`, a link out of it)
    /// is refused, never read; a specifier that names a FIFO, socket or
    /// device says so instead of "not found".
    pub fn resolve(&self, from: &Path, specifier: &str) -> Result<PathBuf, Unresolved> {
        match self.resolve_unchecked(from, specifier) {
            Ok(path) if !self.boundary.iter().any(|b| project::fsx::is_under(&path, b)) => {
                Err(Unresolved::Failed(format!(
                    "it leaves the project (to {}); not read",
                    quote(&path.to_string_lossy())
                )))
            }
            Err(Unresolved::Failed(reason)) if reason == "not found" => Err(Unresolved::Failed(
                special_file(from, specifier)
                    .map(|file| {
                        format!(
                            "it names {}, which is not a regular file (a FIFO, socket or device); not read",
                            model::path::display(&self.root, &file)
                        )
                    })
                    .unwrap_or(reason),
            )),
            other => other,
        }
    }

    fn resolve_unchecked(&self, from: &Path, specifier: &str) -> Result<PathBuf, Unresolved> {
        match self.resolve_known(from, specifier) {
            Err(Unresolved::Failed(reason)) => match self.provider(from, specifier) {
                Some(tool) => Err(Unresolved::Provided(tool)),
                None => Err(Unresolved::Failed(reason)),
            },
            other => other,
        }
    }

    /// [`Self::resolve_unchecked`] before the specifiers tools provide.
    fn resolve_known(&self, from: &Path, specifier: &str) -> Result<PathBuf, Unresolved> {
        if !self.workspaces.is_empty()
            && let Some(path) = self.resolve_workspace(specifier)
        {
            return Ok(path);
        }
        match self.with_tsconfig.resolve_file(from, specifier) {
            Ok(resolution) => Ok(resolution.into_path_buf()),
            Err(err) => {
                if let ResolveError::Json(json) = &err
                    && !is_tsconfig(&json.path)
                {
                    remember(
                        &self.manifest_problems,
                        json.path.clone(),
                        json_problem(json),
                    );
                    return resolve_relative_by_hand(from, specifier).ok_or_else(|| {
                        Unresolved::Failed(format!(
                            "{} is not valid JSON",
                            model::path::display(&self.root, &json.path)
                        ))
                    });
                }
                if let Some((path, message)) = self.tsconfig_problem(&err) {
                    remember(&self.tsconfig_problems, path, message);
                    return match self.without_tsconfig.resolve_file(from, specifier) {
                        Ok(resolution) => Ok(resolution.into_path_buf()),
                        Err(err) => self
                            .resolve_alias(from, specifier)
                            .ok_or_else(|| self.classify(err)),
                    };
                }
                if !self.aliases.is_empty()
                    && !matches!(err, ResolveError::Builtin { .. })
                    && let Some(path) = self.resolve_alias(from, specifier)
                {
                    return Ok(path);
                }
                if matches!(err, ResolveError::NotFound(_))
                    && let Some(path) = self.resolve_declaration(from, specifier)
                {
                    return Ok(path);
                }
                // A declaration file's imports are declarations too.
                if !matches!(err, ResolveError::Builtin { .. })
                    && (is_bare(specifier) || is_declaration(from))
                    && let Ok(types) = self.types.resolve_file(from, specifier)
                {
                    return Ok(types.into_path_buf());
                }
                match self.classify(err) {
                    Unresolved::Failed(reason) if reason == "not found" => {
                        Err(Unresolved::Failed(self.not_found(from, specifier)))
                    }
                    other => Err(other),
                }
            }
        }
    }

    /// Why a bare `specifier` was not found: "not found" (its package is not
    /// installed) unless the package is installed where `from` would find
    /// it and only the subpath is missing.
    fn not_found(&self, from: &Path, specifier: &str) -> String {
        let Some(name) = project::packages::bare_package_name(specifier) else {
            return "not found".to_string();
        };
        let inside = |dir: &Path| self.boundary.iter().any(|b| project::fsx::is_under(dir, b));
        let installed = from
            .ancestors()
            .skip(1)
            .take_while(|dir| inside(dir))
            .map(|dir| dir.join("node_modules").join(&name).join("package.json"))
            .find(|manifest| match self.listings.lookup(manifest) {
                Lookup::Found(super::listing::Kind::File) => true,
                Lookup::Missing => false,
                _ => std::fs::metadata(manifest).is_ok_and(|m| m.is_file()),
            });
        match installed {
            Some(manifest) => format!(
                "`{}` is installed ({}), but has no module `{}`",
                quote(&name),
                model::path::display(&self.root, &manifest),
                quote(specifier)
            ),
            _ => "not found".to_string(),
        }
    }

    /// Broken `package.json` files met while resolving, with the reason.
    pub fn manifest_problems(&self) -> Vec<(PathBuf, String)> {
        self.manifest_problems
            .lock()
            .map(|p| p.clone())
            .unwrap_or_default()
    }

    /// tsconfig files that could not be used, with the reason.
    pub fn tsconfig_problems(&self) -> Vec<(PathBuf, String)> {
        self.tsconfig_problems
            .lock()
            .map(|p| p.clone())
            .unwrap_or_default()
    }
}

impl ProjectResolver {
    fn classify(&self, err: ResolveError) -> Unresolved {
        match err {
            ResolveError::Builtin { .. } => Unresolved::Builtin,
            ResolveError::NotFound(_) => Unresolved::Failed("not found".into()),
            ResolveError::Json(json) => {
                // The file's own diagnostic gives the problem; this one names it.
                remember(
                    &self.manifest_problems,
                    json.path.clone(),
                    json_problem(&json),
                );
                Unresolved::Failed(format!(
                    "{} is not valid JSON",
                    model::path::display(&self.root, &json.path)
                ))
            }
            other => Unresolved::Failed(self.describe(&other)),
        }
    }

    /// A resolver error in words, with paths relative to the root.
    fn describe(&self, err: &ResolveError) -> String {
        let rel = |p: &Path| model::path::display(&self.root, p);
        match err {
            ResolveError::Json(json) => {
                format!(
                    "{} is not valid JSON: {}",
                    rel(&json.path),
                    json_problem(json)
                )
            }
            ResolveError::TsconfigLoadFailed { source, .. } => self.describe(source),
            ResolveError::TsconfigNotFound(path) => {
                format!("extends `{}`, which does not exist", rel(path))
            }
            ResolveError::TsconfigSelfReference(_) => {
                "its `extends` is circular: it extends itself".to_string()
            }
            ResolveError::TsconfigCircularExtend(chain) => format!(
                "its `extends` are circular: {}",
                chain
                    .paths()
                    .iter()
                    .map(|p| rel(p))
                    .collect::<Vec<_>>()
                    .join(" \u{2192} ")
            ),
            other => other
                .to_string()
                .replace(&*self.root.to_string_lossy(), "."),
        }
    }

    /// The tsconfig file and the problem when the error comes from a tsconfig.
    fn tsconfig_problem(&self, err: &ResolveError) -> Option<(PathBuf, String)> {
        let path = match err {
            ResolveError::TsconfigLoadFailed { path, .. }
            | ResolveError::TsconfigNotFound(path)
            | ResolveError::TsconfigSelfReference(path) => path.clone(),
            ResolveError::TsconfigCircularExtend(chain) => chain.paths().first()?.clone(),
            ResolveError::Json(json) if is_tsconfig(&json.path) => json.path.clone(),
            _ => return None,
        };
        let message = match err {
            // The file is named by the diagnostic; give only the problem.
            ResolveError::Json(json) => format!("is not valid JSON: {}", json_problem(json)),
            ResolveError::TsconfigLoadFailed { source, .. }
                if matches!(**source, ResolveError::Json(_)) =>
            {
                match &**source {
                    ResolveError::Json(json) => {
                        format!("is not valid JSON: {}", json_problem(json))
                    }
                    _ => self.describe(source),
                }
            }
            other => self.describe(other),
        };
        Some((path, message))
    }
}

/// A JSON error as `line L, column C: problem`.
fn json_problem(json: &oxc_resolver::JSONError) -> String {
    let message = match json.message.rfind(" at line ") {
        Some(at) => &json.message[..at],
        None => json.message.as_str(),
    };
    format!("line {}, column {}: {message}", json.line, json.column)
}

fn is_tsconfig(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("tsconfig") || n.starts_with("jsconfig"))
}

/// Conditions preferred when a workspace package's `exports` offers several.
const CONDITIONS: &[&str] = &[
    "source",
    "development",
    "import",
    "module",
    "browser",
    "default",
    "require",
    "node",
];

/// The target `exports` gives for the subpath `key` (`.`, `./button`),
/// wildcards (`./lib/*`) included; type declarations are never targets.
fn export_target(
    exports: &serde_json::Value,
    key: &str,
    pick: fn(&serde_json::Value) -> Option<String>,
) -> Option<String> {
    use serde_json::Value;
    let subpaths = matches!(exports, Value::Object(map) if map.keys().any(|k| k.starts_with('.')));
    if !subpaths {
        return (key == ".").then(|| pick(exports)).flatten();
    }
    let map = exports.as_object()?;
    if let Some(value) = map.get(key) {
        return pick(value);
    }
    // The longest wildcard key that matches.
    let mut best: Option<(usize, String)> = None;
    for (pattern, value) in map {
        let Some((prefix, suffix)) = pattern.split_once('*') else {
            continue;
        };
        if let Some(rest) = key
            .strip_prefix(prefix)
            .and_then(|r| r.strip_suffix(suffix))
            && best.as_ref().is_none_or(|(len, _)| prefix.len() > *len)
            && let Some(target) = pick(value)
        {
            best = Some((prefix.len(), target.replace('*', rest)));
        }
    }
    best.map(|(_, target)| target)
}

/// The `types` target of an `exports` value (conditions nested or not).
fn pick_types(value: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::Array(items) => items.iter().find_map(pick_types),
        Value::Object(map) => ["types", "typings"]
            .iter()
            .find_map(|c| map.get(*c).and_then(Value::as_str).map(str::to_string))
            .or_else(|| map.values().find_map(pick_types)),
        _ => None,
    }
}

/// One target of an `exports` value, by condition preference.
fn pick(value: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(s) if !s.ends_with(".d.ts") => Some(s.clone()),
        Value::Array(items) => items.iter().find_map(pick),
        Value::Object(map) => CONDITIONS
            .iter()
            .find_map(|c| map.get(*c).and_then(pick))
            .or_else(|| {
                map.iter()
                    .filter(|(k, _)| *k != "types" && *k != "typings")
                    .find_map(|(_, v)| pick(v))
            }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_specifiers_and_declaration_files() {
        for bare in ["types", "@scope/x", "lib/user", "types/index"] {
            assert!(is_bare(bare), "{bare}");
        }
        for not_bare in [
            "./types",
            "../x",
            "/abs",
            "#internal",
            "node:fs",
            "virtual:x",
            "",
        ] {
            assert!(!is_bare(not_bare), "{not_bare}");
        }
        assert!(is_declaration(Path::new("/p/types/index.d.ts")));
        assert!(is_declaration(Path::new("/p/env.d.mts")));
        assert!(!is_declaration(Path::new("/p/types.ts")));
        assert!(!is_declaration(Path::new("/p/d.ts")));
    }

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn base_url_names_declarations_of_the_project_when_no_package_answers() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        write(
            &root.join("tsconfig.json"),
            r#"{ "compilerOptions": { "baseUrl": "." } }"#,
        );
        let main = root.join("src/main.ts");
        write(&main, "");
        write(&root.join("types/index.d.ts"), "export interface User {}");
        write(&root.join("models.d.ts"), "export type Id = string;");
        write(&root.join("utils/format.ts"), "export const f = 1;");
        // An installed package of the same name as a folder of types wins
        // (nothing that resolves today changes).
        write(&root.join("shared/index.d.ts"), "");
        write(
            &root.join("node_modules/shared/package.json"),
            r#"{ "name": "shared", "main": "index.js" }"#,
        );
        write(&root.join("node_modules/shared/index.js"), "");
        let resolver = ProjectResolver::new(&root);
        let resolve = |specifier: &str| {
            resolver
                .resolve(&main, specifier)
                .map(|p| model::path::display(&root, &p))
        };
        assert_eq!(resolve("types").as_deref(), Ok("types/index.d.ts"));
        assert_eq!(resolve("models").as_deref(), Ok("models.d.ts"));
        assert_eq!(resolve("utils/format").as_deref(), Ok("utils/format.ts"));
        assert_eq!(
            resolve("shared").as_deref(),
            Ok("node_modules/shared/index.js")
        );
        assert_eq!(
            resolve("not-installed"),
            Err(Unresolved::Failed("not found".into()))
        );
        // Relative specifiers are the resolver's alone.
        assert!(resolve("./types").is_err());
    }

    #[test]
    fn package_exports_resolve_as_a_production_browser_build_does() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let main = root.join("src/main.ts");
        write(&main, "");
        write(
            &root.join("node_modules/ui/package.json"),
            r#"{ "name": "ui", "exports": { ".": {
                "development": "./dev.js", "production": "./prod.js", "default": "./index.js" },
                "./store": { "node": "./store.node.js", "module": "./store.mjs", "require": "./store.cjs" } } }"#,
        );
        for file in [
            "dev.js",
            "prod.js",
            "index.js",
            "store.node.js",
            "store.mjs",
            "store.cjs",
        ] {
            write(&root.join("node_modules/ui").join(file), "");
        }
        let resolver = ProjectResolver::new(&root);
        let resolve = |specifier: &str| {
            resolver
                .resolve(&main, specifier)
                .map(|p| model::path::display(&root, &p))
        };
        assert_eq!(resolve("ui").as_deref(), Ok("node_modules/ui/prod.js"));
        assert_eq!(
            resolve("ui/store").as_deref(),
            Ok("node_modules/ui/store.mjs")
        );
    }

    #[test]
    fn base_url_under_src_names_its_files() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        write(
            &root.join("tsconfig.json"),
            r#"{ "compilerOptions": { "baseUrl": "./src" } }"#,
        );
        let main = root.join("src/main.ts");
        write(&main, "");
        write(&root.join("src/types.ts"), "export interface User {}");
        write(&root.join("src/api/index.d.ts"), "export interface Api {}");
        let resolver = ProjectResolver::new(&root);
        let resolve = |specifier: &str| {
            resolver
                .resolve(&main, specifier)
                .map(|p| model::path::display(&root, &p))
        };
        assert_eq!(resolve("types").as_deref(), Ok("src/types.ts"));
        assert_eq!(resolve("api").as_deref(), Ok("src/api/index.d.ts"));
        // Without a tsconfig, a bare name is a package.
        let other = tempfile::tempdir().unwrap();
        let other_root = other.path().canonicalize().unwrap();
        let other_main = other_root.join("src/main.ts");
        write(&other_main, "");
        write(&other_root.join("types/index.d.ts"), "");
        let plain = ProjectResolver::new(&other_root);
        assert!(plain.resolve(&other_main, "types").is_err());
    }

    #[test]
    fn declarations_only_packages_resolve_and_an_installed_package_is_never_missing() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let main = root.join("src/main.ts");
        write(&main, "");
        // `next` as installed: `main` names a file the package does not ship
        // at its root; its root types are `index.d.ts`.
        write(
            &root.join("node_modules/next/package.json"),
            r#"{ "name": "next", "main": "./dist/server/next.js" }"#,
        );
        write(&root.join("node_modules/next/index.d.ts"), "");
        // A types-only subpath.
        write(
            &root.join("node_modules/kit/package.json"),
            r#"{ "name": "kit", "exports": { ".": "./index.js", "./types": { "types": "./dist/types.d.ts" } } }"#,
        );
        write(&root.join("node_modules/kit/index.js"), "");
        write(&root.join("node_modules/kit/dist/types.d.ts"), "");
        let resolver = ProjectResolver::new(&root);
        let resolve = |specifier: &str| {
            resolver
                .resolve(&main, specifier)
                .map(|p| model::path::display(&root, &p))
        };
        assert_eq!(
            resolve("next").as_deref(),
            Ok("node_modules/next/index.d.ts")
        );
        assert_eq!(
            resolve("kit/types").as_deref(),
            Ok("node_modules/kit/dist/types.d.ts")
        );
        assert_eq!(resolve("kit").as_deref(), Ok("node_modules/kit/index.js"));
        assert_eq!(
            resolve("next/missing"),
            Err(Unresolved::Failed(
                "`next` is installed (node_modules/next/package.json), but has no module `next/missing`"
                    .into()
            ))
        );
        assert_eq!(
            resolve("absent"),
            Err(Unresolved::Failed("not found".into()))
        );
    }

    #[test]
    fn what_a_tool_provides_is_named_as_such() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let page = root.join("app/page.tsx");
        write(&page, "");
        let provided = Provided {
            tool: "contentlayer",
            specifiers: vec!["contentlayer/generated".into(), "@theme/*".into()],
            folder: Some(root.join(".contentlayer/generated")),
            imports: Vec::new(),
        };
        let resolver = ProjectResolver::new(&root).with_provided(vec![(root.clone(), provided)]);
        for specifier in [
            "contentlayer/generated",
            "contentlayer/generated/Post",
            "@theme/Layout",
            "../.contentlayer/generated",
        ] {
            assert_eq!(
                resolver.resolve(&page, specifier),
                Err(Unresolved::Provided("contentlayer")),
                "{specifier}"
            );
        }
        assert_eq!(
            resolver.resolve(&page, "contentlayer"),
            Err(Unresolved::Failed("not found".into()))
        );
    }
}
