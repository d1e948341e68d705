//! Listing the project's own source files (gitignore-aware, outside
//! `node_modules`), for unused-file detection and entry globs.

use std::path::{Path, PathBuf};

use model::Diagnostic;

/// Extensions of files that are parsed as JavaScript/TypeScript.
pub const SOURCE_EXTENSIONS: &[&str] = &["js", "jsx", "ts", "tsx", "mjs", "cjs", "mts", "cts"];

/// Whether `path` has a JS/TS extension.
pub fn is_source(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| SOURCE_EXTENSIONS.contains(&e))
}

/// All JS/TS files under `root`, skipping `node_modules`, hidden folders and
/// what `.gitignore` files exclude. Symlinks are not followed (no loops).
/// Paths are absolute (under `root`), sorted.
pub fn project_files(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .git_exclude(false)
        .git_global(false)
        .require_git(false)
        .parents(false)
        .follow_links(false)
        .filter_entry(|e| e.file_name() != "node_modules")
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                if is_file && is_source(entry.path()) {
                    files.push(entry.into_path());
                }
            }
            Err(err) => {
                diagnostics.push(Diagnostic::new("", format!("while listing files: {err}")))
            }
        }
    }
    files.sort();
    files
}
