//! Gathering: the chunk graph (which asset loads which, statically or through
//! `import()`), read from the bundler's own metadata when it is in the output
//! folder, otherwise parsed from the chunks themselves.
//!
//! Order of preference: Vite's `.vite/manifest.json` (or a root `manifest.json`
//! of the same shape), webpack/Rspack `stats.json`, an esbuild metafile
//! (`meta.json` / `metafile.json`), then [`parsed`].

pub mod esbuild;
pub mod parsed;
pub mod vite;
pub mod webpack;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use model::Diagnostic;
pub use model::bundle::ChunkGraphSource;

use super::walk::FileFact;

/// Which asset loads which.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkGraph {
    /// Where it was read from.
    pub source: ChunkGraphSource,
    /// The metadata file the graph was read from (relative path), if any.
    pub metadata_file: Option<String>,
    /// Bundler entry points: name → the assets that start it (used when the
    /// folder has no HTML page).
    pub entries: BTreeMap<String, BTreeSet<String>>,
    /// Static edges: asset → assets it needs before it runs.
    pub imports: BTreeMap<String, BTreeSet<String>>,
    /// Lazy edges: asset → assets it loads through `import()`.
    pub dynamic_imports: BTreeMap<String, BTreeSet<String>>,
    /// The module a chunk is built from, when the metadata names it (Vite's
    /// `src`, esbuild's `entryPoint`): asset → module path.
    pub modules: BTreeMap<String, String>,
}

impl ChunkGraph {
    /// An empty graph from `source`.
    pub fn new(source: ChunkGraphSource) -> Self {
        Self {
            source,
            metadata_file: None,
            entries: BTreeMap::new(),
            imports: BTreeMap::new(),
            dynamic_imports: BTreeMap::new(),
            modules: BTreeMap::new(),
        }
    }

    /// Adds a static edge (self-edges are dropped).
    pub fn add_import(&mut self, from: &str, to: &str) {
        if from != to {
            self.imports
                .entry(from.to_string())
                .or_default()
                .insert(to.to_string());
        }
    }

    /// Adds a lazy edge (self-edges are dropped).
    pub fn add_dynamic_import(&mut self, from: &str, to: &str) {
        if from != to {
            self.dynamic_imports
                .entry(from.to_string())
                .or_default()
                .insert(to.to_string());
        }
    }
}

/// Finds asset paths from the paths bundler metadata writes (relative to the
/// output folder, to the build's working directory, or with a `./` prefix).
#[derive(Debug, Clone, Default)]
pub struct PathIndex {
    paths: BTreeSet<String>,
}

impl PathIndex {
    /// An index over the relative paths of `files`.
    pub fn new(files: &[FileFact]) -> Self {
        Self {
            paths: files.iter().map(|f| f.rel.clone()).collect(),
        }
    }

    /// Whether `rel` is a file of the folder.
    pub fn contains(&self, rel: &str) -> bool {
        self.paths.contains(rel)
    }

    /// The asset `path` names: exact match after normalisation, else the longest
    /// suffix of whole segments that is an asset (`dist/assets/a.js` → `assets/a.js`).
    pub fn resolve(&self, path: &str) -> Option<String> {
        let cleaned = path.replace('\\', "/");
        let cleaned = cleaned.split(['?', '#']).next().unwrap_or("");
        let mut rest = cleaned.trim_start_matches("./").trim_start_matches('/');
        loop {
            if self.paths.contains(rest) {
                return Some(rest.to_string());
            }
            match rest.split_once('/') {
                Some((_, tail)) if !tail.is_empty() => rest = tail,
                _ => return None,
            }
        }
    }
}

/// Reads bundler metadata from the folder, if there is any. Returns `None` when
/// there is none (the caller then parses the chunks).
pub fn from_metadata(
    files: &[FileFact],
    index: &PathIndex,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ChunkGraph> {
    let find = |name: &str| files.iter().find(|f| f.rel == name);
    let candidates: [(&str, &str, Parser); 7] = [
        (".vite/manifest.json", "a Vite manifest", vite::parse),
        ("manifest.json", "a Vite manifest", vite::parse),
        ("stats.json", "webpack or Rspack stats", webpack::parse),
        (
            "webpack-stats.json",
            "webpack or Rspack stats",
            webpack::parse,
        ),
        ("meta.json", "an esbuild metafile", esbuild::parse),
        ("metafile.json", "an esbuild metafile", esbuild::parse),
        ("esbuild-meta.json", "an esbuild metafile", esbuild::parse),
    ];
    // Problems with metadata that was not used, reported with what happened instead.
    let mut skipped: Vec<(String, String)> = Vec::new();
    for (name, what, parse) in candidates {
        let Some(file) = find(name) else { continue };
        let Some(value) = read_json(&file.abs, &file.rel, diagnostics) else {
            continue;
        };
        match parse(&value, index) {
            Ok(Some(mut graph)) => {
                graph.metadata_file = Some(file.rel.clone());
                for (rel, message) in skipped {
                    diagnostics.push(Diagnostic::new(rel, message));
                }
                return Some(graph);
            }
            // A web app manifest is a `manifest.json` too: not a problem.
            Ok(None) if name == "manifest.json" && is_web_app_manifest(&value) => {}
            Ok(None) => skipped.push((file.rel.clone(), format!("is not {what} (not its shape)"))),
            Err(message) => skipped.push((file.rel.clone(), message)),
        }
    }
    for (rel, message) in skipped {
        diagnostics.push(Diagnostic::new(
            rel,
            format!("{message}; imports are read from the chunks instead"),
        ));
    }
    None
}

/// Whether a `manifest.json` is a web app manifest (PWA), not bundler metadata.
fn is_web_app_manifest(value: &serde_json::Value) -> bool {
    [
        "name",
        "short_name",
        "icons",
        "start_url",
        "display",
        "theme_color",
    ]
    .iter()
    .any(|key| value.get(key).is_some_and(|v| !v.is_object()))
}

/// A metadata reader: `Ok(None)` when the JSON is not of its shape.
type Parser = fn(&serde_json::Value, &PathIndex) -> Result<Option<ChunkGraph>, String>;

/// Metadata larger than this is not read (it would not be bundler metadata of a sane size).
const MAX_METADATA_BYTES: u64 = 512 * 1024 * 1024;

fn read_json(
    path: &Path,
    rel: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<serde_json::Value> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.len() > MAX_METADATA_BYTES => {
            diagnostics.push(Diagnostic::new(rel, "bundler metadata too large; not read"));
            return None;
        }
        Ok(_) => {}
        Err(_) => return None,
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) => {
            diagnostics.push(Diagnostic::new(rel, format!("cannot read: {err}")));
            return None;
        }
    };
    match serde_json::from_slice(&bytes) {
        Ok(value) => Some(value),
        Err(err) => {
            diagnostics.push(Diagnostic::new(rel, format!("not valid JSON: {err}")));
            None
        }
    }
}

/// The strings of a JSON array (others skipped); empty when not an array.
pub(crate) fn strings(value: Option<&serde_json::Value>) -> impl Iterator<Item = &str> {
    value
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_index_resolves_suffixes() {
        let files = vec![FileFact {
            rel: "assets/a.js".into(),
            abs: "x".into(),
            size: 1,
        }];
        let index = PathIndex::new(&files);
        assert_eq!(index.resolve("assets/a.js").as_deref(), Some("assets/a.js"));
        assert_eq!(
            index.resolve("./dist/assets/a.js").as_deref(),
            Some("assets/a.js")
        );
        assert_eq!(
            index.resolve("/assets/a.js?v=1").as_deref(),
            Some("assets/a.js")
        );
        assert_eq!(index.resolve("assets/b.js"), None);
        assert_eq!(index.resolve("a.js"), None);
    }
}
