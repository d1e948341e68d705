//! Finding the entry modules: `--entry` or the config's `entries` when
//! given; otherwise the plugins of every workspace (frameworks and tools,
//! [`super::plugins`]), and when none names a file that ships, the usual
//! conventions (`index.*`, `main.*`, `cli.*` at the package root,
//! `src/main.*`, `src/index.*`).

use model::diagnostic::quote;
use std::path::{Path, PathBuf};

use globset::Glob;
use model::Diagnostic;
use model::analyze::Role;

use super::plugins::{self, Ctx, Found};
use super::workspace::Layout;

/// An entry module and how it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundEntry {
    /// Absolute, canonical path.
    pub path: PathBuf,
    /// The path as found, before following symlinks (its extension decides
    /// how an entry is read).
    pub written: PathBuf,
    /// Why it is an entry: `cli`, `config`, `next: app router file`...
    pub source: String,
    /// Whether it ships or only tools load it.
    pub role: Role,
}

/// Where to look.
pub struct EntryRequest<'a> {
    /// `--entry` values.
    pub cli: &'a [String],
    /// `entries` from the config.
    pub config: &'a [String],
    /// Project files, for globs.
    pub files: &'a [PathBuf],
    /// The project's stylesheets and MDX documents (not modules; they name some).
    pub side_files: &'a [PathBuf],
}

/// What discovery found.
pub struct Discovery {
    /// Every entry, without duplicates.
    pub entries: Vec<FoundEntry>,
    /// What the plugins found per workspace (in the layout's order).
    pub workspaces: Vec<Found>,
    /// What was tried, for the no-entry error.
    pub tried: String,
}

/// Finds the entries of every workspace; problems become diagnostics.
pub fn find_entries(
    layout: &Layout,
    request: &EntryRequest,
    diagnostics: &mut Vec<Diagnostic>,
) -> Discovery {
    let root = layout
        .workspaces
        .first()
        .map(|w| w.dir.clone())
        .unwrap_or_default();
    let mut entries: Vec<FoundEntry> = Vec::new();
    let explicit_given = !request.cli.is_empty() || !request.config.is_empty();
    if !request.cli.is_empty() {
        explicit(
            &root,
            request.cli,
            "cli",
            request.files,
            &mut entries,
            diagnostics,
        );
    } else if !request.config.is_empty() {
        explicit(
            &root,
            request.config,
            "config",
            request.files,
            &mut entries,
            diagnostics,
        );
    }
    let mut owned: Vec<Vec<PathBuf>> = vec![Vec::new(); layout.workspaces.len()];
    for file in request.files {
        if let Some(list) = owned.get_mut(layout.owner(file)) {
            list.push(file.clone());
        }
    }
    let mut owned_side: Vec<Vec<PathBuf>> = vec![Vec::new(); layout.workspaces.len()];
    for file in request.side_files {
        if let Some(list) = owned_side.get_mut(layout.owner(file)) {
            list.push(file.clone());
        }
    }
    let mut workspaces = Vec::with_capacity(layout.workspaces.len());
    for ((ws, files), side_files) in layout.workspaces.iter().zip(&owned).zip(&owned_side) {
        let ctx = Ctx {
            ws,
            layout,
            files,
            side_files,
            all_files: request.files,
            root: &root,
        };
        let mut found = plugins::run(&ctx);
        if !explicit_given {
            if !found.entries.iter().any(|e| e.role == Role::Production) {
                conventions(&ctx, &mut found);
            }
            for entry in &found.entries {
                push(&mut entries, entry.path.clone(), &entry.source, entry.role);
            }
        }
        // With entries given, what discovery would have said is beside the point.
        if !explicit_given {
            diagnostics.append(&mut found.diagnostics);
        }
        found.diagnostics.clear();
        workspaces.push(found);
    }
    let tried = if !request.cli.is_empty() {
        "--entry".to_string()
    } else if !request.config.is_empty() {
        "`entries` in perfscope.toml".to_string()
    } else {
        let names: Vec<&str> = plugins::PLUGINS.iter().map(|p| p.name).collect();
        format!(
            "the conventions of {} and index.*, main.*, cli.*, src/main.*, src/index.*",
            names.join(", ")
        )
    };
    Discovery {
        entries,
        workspaces,
        tried,
    }
}

/// When no plugin names a file that ships: `index.*`, `main.*`, `cli.*` at
/// the package root (Node's implicit main and the usual peers), then
/// `src/main.*`, `src/index.*`.
fn conventions(ctx: &Ctx<'_>, found: &mut Found) {
    for stem in ["index", "main", "cli", "src/main", "src/index"] {
        for ext in ["tsx", "ts", "jsx", "js", "mts", "mjs", "cts", "cjs"] {
            let Some(file) = ctx.file(&format!("{stem}.{ext}")) else {
                continue;
            };
            // A file a script already runs stays a tooling entry.
            if found.entries.iter().any(|e| e.path == file) {
                continue;
            }
            found.entry(file, Role::Production, format!("convention: {stem}.{ext}"));
        }
    }
}

fn push(found: &mut Vec<FoundEntry>, path: PathBuf, source: &str, role: Role) {
    let written = path.clone();
    let path = path.canonicalize().unwrap_or(path);
    match found.iter_mut().find(|e| e.path == path) {
        Some(existing) => {
            if role == Role::Production {
                existing.role = Role::Production;
            }
        }
        None => found.push(FoundEntry {
            path,
            written,
            source: source.to_string(),
            role,
        }),
    }
}

fn explicit(
    root: &Path,
    values: &[String],
    source: &str,
    files: &[PathBuf],
    found: &mut Vec<FoundEntry>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for value in values {
        if value.contains(['*', '?', '[', '{']) {
            match Glob::new(value) {
                Ok(glob) => {
                    let matcher = glob.compile_matcher();
                    let before = found.len();
                    for file in files {
                        if let Ok(rel) = file.strip_prefix(root)
                            && matcher.is_match(rel)
                        {
                            push(found, file.clone(), source, Role::Production);
                        }
                    }
                    if found.len() == before {
                        diagnostics.push(Diagnostic::new(
                            value.as_str(),
                            format!("entry glob `{value}` matches no file"),
                        ));
                    }
                }
                Err(err) => diagnostics.push(Diagnostic::new(
                    value.as_str(),
                    format!("entry `{value}` is not a valid glob: {err}"),
                )),
            }
            continue;
        }
        let path = root.join(value);
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() => match path.canonicalize() {
                Ok(real) if real.starts_with(root) => push(found, real, source, Role::Production),
                _ => diagnostics.push(Diagnostic::new(
                    value.as_str(),
                    format!("entry `{}` is outside the project; not read", quote(value)),
                )),
            },
            Ok(_) => diagnostics.push(Diagnostic::new(
                value.as_str(),
                format!("entry `{value}` is not a file"),
            )),
            Err(err) => diagnostics.push(Diagnostic::new(
                value.as_str(),
                format!("entry `{value}` cannot be used: {err}"),
            )),
        }
    }
}
