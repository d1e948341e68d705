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
        }
    }

    /// Resolves `specifier` as imported from the file `from`.
    pub fn resolve(&self, from: &Path, specifier: &str) -> Result<PathBuf, Unresolved> {
        match self.with_tsconfig.resolve_file(from, specifier) {
            Ok(resolution) => Ok(resolution.into_path_buf()),
            Err(err) => {
                if let Some((path, message)) = tsconfig_problem(&err) {
                    if let Ok(mut problems) = self.tsconfig_problems.lock()
                        && !problems.iter().any(|(p, _)| *p == path)
                    {
                        problems.push((path, message));
                    }
                    return match self.without_tsconfig.resolve_file(from, specifier) {
                        Ok(resolution) => Ok(resolution.into_path_buf()),
                        Err(err) => Err(classify(err)),
                    };
                }
                Err(classify(err))
            }
        }
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
        ResolveError::Json(json) => Some((json.path.clone(), err.to_string())),
        _ => None,
    }
}
