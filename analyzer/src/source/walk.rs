//! Listing the project's own source files (gitignore-aware, outside
//! `node_modules`), for unused-file detection and entry globs.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

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
/// Paths are absolute (under `root`), sorted. Folders are read in parallel.
pub fn project_files(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let found: Mutex<(Vec<PathBuf>, Vec<Diagnostic>)> = Mutex::new((Vec::new(), Vec::new()));
    ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .git_exclude(false)
        .git_global(false)
        .require_git(false)
        .parents(false)
        .follow_links(false)
        .filter_entry(|e| e.file_name() != "node_modules")
        .build_parallel()
        .run(|| {
            // One batch per thread, merged when the thread is done.
            let mut batch = Batch {
                files: Vec::new(),
                diagnostics: Vec::new(),
                into: &found,
            };
            Box::new(move |entry| {
                match entry {
                    Ok(entry) => {
                        let is_file = entry.file_type().is_some_and(|t| t.is_file());
                        if is_file && is_source(entry.path()) {
                            batch.files.push(entry.into_path());
                        }
                    }
                    Err(err) => batch
                        .diagnostics
                        .push(Diagnostic::new("", format!("while listing files: {err}"))),
                }
                ignore::WalkState::Continue
            })
        });
    let (mut files, mut problems) = found
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    files.sort();
    problems.sort();
    diagnostics.extend(problems);
    files
}

/// What one walking thread found; handed over when the thread ends.
struct Batch<'a> {
    files: Vec<PathBuf>,
    diagnostics: Vec<Diagnostic>,
    into: &'a Mutex<(Vec<PathBuf>, Vec<Diagnostic>)>,
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        let mut found = self
            .into
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        found.0.append(&mut self.files);
        found.1.append(&mut self.diagnostics);
    }
}
