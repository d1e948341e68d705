//! Gathering: list every file of the output folder.
//!
//! `.gitignore` files are NOT honoured (output folders are usually ignored by
//! git), hidden files are listed (`.vite/manifest.json`), and symbolic links are
//! never followed out of the folder: a link whose target lies outside is reported
//! and skipped.

use std::path::{Path, PathBuf};

use model::Diagnostic;

/// One regular file found under the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFact {
    /// Path relative to the root, `/`-separated.
    pub rel: String,
    /// Path to read it from (inside the root).
    pub abs: PathBuf,
    /// Size in bytes.
    pub size: u64,
}

/// Lists every regular file under `root` (canonical), sorted by relative path.
pub fn walk(root: &Path) -> (Vec<FileFact>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .hidden(false)
        .follow_links(false)
        .build();
    for item in walker {
        let entry = match item {
            Ok(entry) => entry,
            Err(err) => {
                diagnostics.push(Diagnostic::new("", format!("cannot list a file: {err}")));
                continue;
            }
        };
        let path = entry.path();
        let Some(rel) = model::path::relative(root, path) else {
            continue;
        };
        if rel.is_empty() {
            continue;
        }
        let Some(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_symlink() {
            match std::fs::canonicalize(path) {
                Ok(target) if target.starts_with(root) => {
                    // Inside the folder: a file link is counted (it is served);
                    // a directory link is not followed (its target is listed anyway).
                    if let Ok(meta) = std::fs::metadata(&target)
                        && meta.is_file()
                    {
                        files.push(FileFact {
                            rel,
                            abs: target,
                            size: meta.len(),
                        });
                    }
                }
                Ok(_) => diagnostics.push(Diagnostic::new(
                    rel,
                    "symbolic link points outside the output folder; skipped",
                )),
                Err(err) => diagnostics.push(Diagnostic::new(
                    rel,
                    format!("broken symbolic link; skipped ({err})"),
                )),
            }
            continue;
        }
        if !file_type.is_file() {
            continue;
        }
        match entry.metadata() {
            Ok(meta) => files.push(FileFact {
                rel,
                abs: path.to_path_buf(),
                size: meta.len(),
            }),
            Err(err) => diagnostics.push(Diagnostic::new(rel, format!("cannot stat: {err}"))),
        }
    }
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    (files, diagnostics)
}

/// Joins a `/`-separated relative reference onto the folder of `from` (itself
/// relative to the root), resolving `.` and `..`. Returns `None` when the result
/// would leave the root.
pub fn join_rel(from_dir: &str, reference: &str) -> Option<String> {
    let mut parts: Vec<&str> = if reference.starts_with('/') {
        Vec::new()
    } else {
        from_dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in reference.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// The folder part of a relative path (`assets/a.js` → `assets`).
pub fn parent_dir(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(dir, _)| dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_rel_resolves_dots_and_refuses_escapes() {
        assert_eq!(join_rel("assets", "./b.js").as_deref(), Some("assets/b.js"));
        assert_eq!(join_rel("assets", "../b.js").as_deref(), Some("b.js"));
        assert_eq!(join_rel("assets", "/x/b.js").as_deref(), Some("x/b.js"));
        assert_eq!(join_rel("", "../b.js"), None);
        assert_eq!(parent_dir("a/b/c.js"), "a/b");
        assert_eq!(parent_dir("c.js"), "");
    }
}
