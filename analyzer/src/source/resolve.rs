//! Module resolution with oxc_resolver: tsconfig `paths`/`baseUrl`/`extends`,
//! package `exports`/`imports` with the `import`/`browser`/`default`
//! conditions, extensions, directory indexes and symlinked (pnpm) packages.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use oxc_resolver::{ResolveError, ResolveOptions, Resolver, TsconfigDiscovery};

/// Extensions tried for extension-less specifiers, in order.
pub const EXTENSIONS: &[&str] = &[
    ".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".json", ".css",
];

/// Resolves specifiers for the whole project. Cheap to share between threads.
pub struct ProjectResolver {
    with_tsconfig: Resolver,
    without_tsconfig: Resolver,
    /// tsconfig problems already reported (path, message).
    tsconfig_problems: Mutex<Vec<(PathBuf, String)>>,
    /// Broken `package.json` files met while resolving (path, message).
    manifest_problems: Mutex<Vec<(PathBuf, String)>>,
}

fn remember(list: &Mutex<Vec<(PathBuf, String)>>, path: PathBuf, message: String) {
    if let Ok(mut problems) = list.lock()
        && !problems.iter().any(|(p, _)| *p == path)
    {
        problems.push((path, message));
    }
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
    let mut candidates = vec![base.clone()];
    for ext in EXTENSIONS {
        let mut with = base.clone().into_os_string();
        with.push(ext);
        candidates.push(PathBuf::from(with));
    }
    for ext in EXTENSIONS {
        candidates.push(base.join(format!("index{ext}")));
    }
    candidates
        .into_iter()
        .find(|c| c.is_file())
        .and_then(|c| c.canonicalize().ok())
}

/// Why a specifier did not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unresolved {
    /// A Node.js built-in (`fs`, `node:path`).
    Builtin,
    /// Anything else, with the resolver's message.
    Failed(String),
}

impl ProjectResolver {
    /// A resolver for the project at `root`.
    pub fn new(_root: &Path) -> Self {
        let options = ResolveOptions {
            tsconfig: Some(TsconfigDiscovery::Auto),
            condition_names: vec!["import".into(), "browser".into(), "default".into()],
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
        Self {
            with_tsconfig: Resolver::new(options),
            without_tsconfig: Resolver::new(without),
            tsconfig_problems: Mutex::new(Vec::new()),
            manifest_problems: Mutex::new(Vec::new()),
        }
    }

    /// Resolves `specifier` as imported from the file `from`.
    pub fn resolve(&self, from: &Path, specifier: &str) -> Result<PathBuf, Unresolved> {
        match self.with_tsconfig.resolve_file(from, specifier) {
            Ok(resolution) => Ok(resolution.into_path_buf()),
            Err(err) => {
                if let ResolveError::Json(json) = &err
                    && !is_tsconfig(&json.path)
                {
                    remember(
                        &self.manifest_problems,
                        json.path.clone(),
                        json.message.clone(),
                    );
                    return resolve_relative_by_hand(from, specifier).ok_or_else(|| {
                        Unresolved::Failed(format!("{} is not valid JSON", json.path.display()))
                    });
                }
                if let Some((path, message)) = tsconfig_problem(&err) {
                    remember(&self.tsconfig_problems, path, message);
                    return match self.without_tsconfig.resolve_file(from, specifier) {
                        Ok(resolution) => Ok(resolution.into_path_buf()),
                        Err(err) => Err(classify(err)),
                    };
                }
                Err(classify(err))
            }
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

fn classify(err: ResolveError) -> Unresolved {
    match err {
        ResolveError::Builtin { .. } => Unresolved::Builtin,
        ResolveError::NotFound(_) => Unresolved::Failed("not found".into()),
        other => Unresolved::Failed(other.to_string()),
    }
}

/// The tsconfig file and message when the error comes from a tsconfig.
fn tsconfig_problem(err: &ResolveError) -> Option<(PathBuf, String)> {
    match err {
        ResolveError::TsconfigLoadFailed { path, source } => {
            Some((path.clone(), source.to_string()))
        }
        ResolveError::TsconfigNotFound(path) | ResolveError::TsconfigSelfReference(path) => {
            Some((path.clone(), err.to_string()))
        }
        ResolveError::TsconfigCircularExtend(_) => Some((PathBuf::new(), err.to_string())),
        ResolveError::Json(json) if is_tsconfig(&json.path) => {
            Some((json.path.clone(), json.message.clone()))
        }
        _ => None,
    }
}

fn is_tsconfig(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("tsconfig") || n.starts_with("jsconfig"))
}
