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

/// Extensions of stylesheets (read for the packages their at-rules name).
pub const STYLE_EXTENSIONS: &[&str] = &["css", "scss", "sass", "less", "pcss", "postcss", "styl"];

/// Whether `path` is a file that is not a JS module but holds `import`
/// lines: MDX documents and Vue, Svelte and Astro components.
pub fn is_import_holder(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e, "mdx" | "vue" | "svelte" | "astro"))
}

/// Whether `path` is a stylesheet.
pub fn is_style(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| STYLE_EXTENSIONS.contains(&e))
}

/// All JS/TS files under `root` (see [`project_listing`]).
pub fn project_files(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    project_listing(root, diagnostics).0
}

/// All JS/TS files, and all stylesheets, MDX documents and Vue/Svelte/Astro
/// components, under `root`, skipping
/// `node_modules`, hidden folders and what `.gitignore` files exclude.
/// Symlinks are not followed (no loops). Paths are absolute (under `root`),
/// sorted. Folders are read in parallel.
pub fn project_listing(
    root: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let found: Mutex<Found> = Mutex::new(Found::default());
    // The walker opens each folder's `.gitignore` and `.ignore`: one that is
    // not a regular file (a FIFO blocks `open()` forever) keeps its folder
    // out of the walk, and at the root turns ignore files off.
    let root_ok = ignore_files_readable(root);
    if !root_ok {
        diagnostics.push(Diagnostic::new(
            "",
            "the root's .gitignore or .ignore is not a regular file; ignore files are not applied",
        ));
    }
    let skipped: std::sync::Arc<Mutex<Vec<Diagnostic>>> = Default::default();
    let (skipped_in_walk, walk_root) = (skipped.clone(), root.to_path_buf());
    ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(root_ok)
        .ignore(root_ok)
        .git_exclude(false)
        .git_global(false)
        .require_git(false)
        .parents(false)
        .follow_links(false)
        .filter_entry(move |e| {
            if e.file_name() == "node_modules" {
                return false;
            }
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            if is_dir && e.depth() > 0 && !ignore_files_readable(e.path()) {
                let rel = model::path::display(&walk_root, e.path());
                skipped_in_walk
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(Diagnostic::new(
                        rel,
                        "not listed: its .gitignore or .ignore is not a regular file",
                    ));
                return false;
            }
            true
        })
        .build_parallel()
        .run(|| {
            // One batch per thread, merged when the thread is done.
            let mut batch = Batch {
                found: Found::default(),
                into: &found,
            };
            Box::new(move |entry| {
                match entry {
                    Ok(entry) => {
                        let is_file = entry.file_type().is_some_and(|t| t.is_file());
                        if is_file && is_source(entry.path()) {
                            batch.found.files.push(entry.into_path());
                        } else if is_file
                            && (is_style(entry.path()) || is_import_holder(entry.path()))
                        {
                            batch.found.styles.push(entry.into_path());
                        }
                    }
                    Err(err) => batch
                        .found
                        .diagnostics
                        .push(Diagnostic::new("", format!("while listing files: {err}"))),
                }
                ignore::WalkState::Continue
            })
        });
    let Found {
        mut files,
        mut styles,
        diagnostics: mut problems,
    } = found
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    sort_paths(&mut styles);
    problems.extend(std::mem::take(
        &mut *skipped
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    ));
    sort_paths(&mut files);
    problems.sort();
    diagnostics.extend(problems);
    (files, styles)
}

/// Whether the ignore files the walker would open in `dir` are regular files
/// (or absent).
fn ignore_files_readable(dir: &Path) -> bool {
    [".gitignore", ".ignore"]
        .iter()
        .all(|name| match std::fs::metadata(dir.join(name)) {
            Ok(meta) => meta.is_file(),
            Err(_) => std::fs::symlink_metadata(dir.join(name)).is_err(),
        })
}

/// What the walk found.
#[derive(Default)]
struct Found {
    files: Vec<PathBuf>,
    styles: Vec<PathBuf>,
    diagnostics: Vec<Diagnostic>,
}

/// What one walking thread found; handed over when the thread ends.
struct Batch<'a> {
    found: Found,
    into: &'a Mutex<Found>,
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        let mut found = self
            .into
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        found.files.append(&mut self.found.files);
        found.styles.append(&mut self.found.styles);
        found.diagnostics.append(&mut self.found.diagnostics);
    }
}

/// Sorts paths in `Path` order. Comparing bytes with `/` ranked below every
/// other byte gives that order for the walker's normalized paths, without
/// splitting every path into components at each comparison.
pub fn sort_paths(paths: &mut [PathBuf]) {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        fn rank(b: u8) -> u8 {
            if b == b'/' { 0 } else { b }
        }
        paths.sort_unstable_by(|a, b| {
            let (a, b) = (a.as_os_str().as_bytes(), b.as_os_str().as_bytes());
            match a.iter().zip(b).position(|(x, y)| x != y) {
                Some(i) => {
                    rank(a.get(i).copied().unwrap_or(0)).cmp(&rank(b.get(i).copied().unwrap_or(0)))
                }
                None => a.len().cmp(&b.len()),
            }
        });
    }
    #[cfg(not(unix))]
    paths.sort();
}

/// The file a bundler finds for `base` (a path without its extension, or a
/// folder): itself, itself with one of `extensions` (`.ts`), or the folder's
/// `index` with one of them.
pub fn probe(base: &Path, extensions: &[&str]) -> Option<PathBuf> {
    let is_file = |p: &Path| std::fs::metadata(p).is_ok_and(|m| m.is_file());
    if is_file(base) {
        return Some(base.to_path_buf());
    }
    let with_ext = |ext: &str| {
        let mut os = base.as_os_str().to_os_string();
        os.push(ext);
        PathBuf::from(os)
    };
    extensions
        .iter()
        .map(|ext| with_ext(ext))
        .chain(
            extensions
                .iter()
                .map(|ext| base.join(format!("index{ext}"))),
        )
        .find(|p| is_file(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte order with `/` first equals `Path` order on real walked paths
    /// and on names with bytes below `/` (`-`, `.`, space).
    #[test]
    fn sort_paths_matches_path_order() {
        let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures"));
        let mut paths = project_files(root, &mut Vec::new());
        assert!(paths.len() > 20, "fixtures too small");
        for extra in [
            "a/b.ts", "a-b.ts", "a.b/c.ts", "a b/c.ts", "a/b/c.ts", "a", "ab/c.ts",
        ] {
            paths.push(root.join(extra));
        }
        let mut expected = paths.clone();
        expected.sort();
        paths.reverse();
        sort_paths(&mut paths);
        assert_eq!(paths, expected);
    }
}
