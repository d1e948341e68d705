//! Facts about the project folder that the source and the bundle analyses
//! both need, read once: the root `package.json` (its name, dependency lists,
//! size-limit section), the module scripts of `index.html`, and the versions
//! of installed packages (read on demand, once per install folder, never
//! outside the project).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use model::Diagnostic;
use serde_json::Value;

use crate::fsx;
use crate::html::{self, HtmlRef};

/// Declared dependencies of the root `package.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// `name`.
    pub name: Option<String>,
    /// `dependencies`.
    pub dependencies: BTreeSet<String>,
    /// `devDependencies`.
    pub dev_dependencies: BTreeSet<String>,
    /// `peerDependencies`.
    pub peer_dependencies: BTreeSet<String>,
    /// `optionalDependencies`.
    pub optional_dependencies: BTreeSet<String>,
    /// Whether a `package.json` was found and read.
    pub present: bool,
}

impl Manifest {
    /// Whether `name` is listed in any dependency field.
    pub fn lists(&self, name: &str) -> bool {
        self.dependencies.contains(name)
            || self.dev_dependencies.contains(name)
            || self.peer_dependencies.contains(name)
            || self.optional_dependencies.contains(name)
    }

    /// The manifest of a parsed `package.json`.
    pub fn from_json(json: &Value) -> Self {
        let names = |field: &str| -> BTreeSet<String> {
            json.get(field)
                .and_then(|v| v.as_object())
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default()
        };
        Manifest {
            name: json
                .get("name")
                .and_then(|v| v.as_str())
                .map(str::to_string),
            dependencies: names("dependencies"),
            dev_dependencies: names("devDependencies"),
            peer_dependencies: names("peerDependencies"),
            optional_dependencies: names("optionalDependencies"),
            present: true,
        }
    }
}

/// What was read from the project folder.
#[derive(Debug, Default)]
pub struct ProjectFacts {
    /// The project folder (canonical when it exists).
    pub root: PathBuf,
    /// The root `package.json`, parsed; `None` when absent or unreadable.
    pub package_json: Option<Value>,
    /// Its dependency lists.
    pub manifest: Manifest,
    /// What `index.html` at the root loads (module scripts among them), when
    /// there is one.
    pub index_html: Option<Vec<HtmlRef>>,
    /// Problems met while reading (a broken `package.json`...).
    pub diagnostics: Vec<Diagnostic>,
    /// `version` of each install folder asked about so far.
    versions: Mutex<HashMap<String, Option<String>>>,
}

impl ProjectFacts {
    /// Reads the facts of the project at `root`. Never fails: problems are
    /// diagnostics, missing files are `None`.
    pub fn read(root: &Path) -> Self {
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let mut diagnostics = Vec::new();
        let package_json = read_package_json(&root, &mut diagnostics);
        let manifest = package_json
            .as_ref()
            .map(Manifest::from_json)
            .unwrap_or_default();
        let index_html = match fsx::read_regular(&root.join("index.html"), MAX_HTML_BYTES) {
            Ok(Some(bytes)) => Some(html::scan(&String::from_utf8_lossy(&bytes))),
            Ok(None) => None,
            Err(err) => {
                diagnostics.push(Diagnostic::new(
                    "index.html",
                    format!("cannot be read: {err}"),
                ));
                None
            }
        };
        Self {
            root,
            package_json,
            manifest,
            index_html,
            diagnostics,
            versions: Mutex::new(HashMap::new()),
        }
    }

    /// The module scripts of `index.html` (`<script type="module" src>`), in order.
    pub fn module_scripts(&self) -> Vec<&str> {
        self.index_html
            .iter()
            .flatten()
            .filter(|r| r.kind == "module")
            .map(|r| r.url.as_str())
            .collect()
    }

    /// `version` from `<root>/<install_dir>/package.json` (read once per
    /// folder); `None` when it is missing, unreadable or outside the project.
    pub fn version_of(&self, install_dir: &str) -> Option<String> {
        if let Some(known) = self
            .versions
            .lock()
            .ok()
            .and_then(|v| v.get(install_dir).cloned())
        {
            return known;
        }
        let version = self.read_version(install_dir);
        if let Ok(mut versions) = self.versions.lock() {
            versions.insert(install_dir.to_string(), version.clone());
        }
        version
    }

    fn read_version(&self, install_dir: &str) -> Option<String> {
        let file = std::fs::canonicalize(self.root.join(install_dir).join("package.json")).ok()?;
        if !file.starts_with(&self.root) {
            return None;
        }
        let bytes = fsx::read_regular(&file, MAX_PACKAGE_JSON_BYTES).ok()??;
        let json: Value = serde_json::from_slice(&bytes).ok()?;
        json.get("version")
            .and_then(|v| v.as_str())
            .map(str::to_string)
    }
}

/// `index.html` larger than this is not read.
const MAX_HTML_BYTES: u64 = 16 * 1024 * 1024;
/// `package.json` larger than this is not read.
const MAX_PACKAGE_JSON_BYTES: u64 = 16 * 1024 * 1024;

fn read_package_json(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<Value> {
    let bytes = match fsx::read_regular(&root.join("package.json"), MAX_PACKAGE_JSON_BYTES) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return None,
        Err(err) => {
            diagnostics.push(Diagnostic::new(
                "package.json",
                format!("cannot be read ({err}); dependencies are not checked"),
            ));
            return None;
        }
    };
    let Ok(text) = String::from_utf8(bytes) else {
        diagnostics.push(Diagnostic::new(
            "package.json",
            "is not valid UTF-8; dependencies are not checked",
        ));
        return None;
    };
    match serde_json::from_str(&text) {
        Ok(json) => Some(json),
        Err(err) => {
            diagnostics.push(Diagnostic::at(
                "package.json",
                u32::try_from(err.line()).ok(),
                format!(
                    "is not valid JSON (line {}, column {}: {}); dependencies are not checked",
                    err.line(),
                    err.column(),
                    fsx::json_problem(&err)
                ),
            ));
            None
        }
    }
}
