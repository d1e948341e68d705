//! **Unused files**: project source files that no entry reaches, in any
//! graph (production or tooling).
//!
//! Why it matters: dead files cost review, build and test time, and hide what
//! the app really ships. Fix: delete them, or add them as entries (or to
//! `ignore` in `perfscope.toml`) when a tool loads them.
//!
//! Never listed: files in folders copied as they are (`public/`, Storybook
//! `staticDirs`), `.gitignore`d files, and by default (`ignore_defaults`)
//! tests, stories, specs, tool configs and declaration files a plugin did
//! not claim.

use std::collections::HashSet;

use model::{Finding, FindingKind};

use super::Context;

/// Project files not in the graph and not ignored, sorted by path.
pub fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let (graph, ignore) = (ctx.graph, ctx.ignore);
    let reached: HashSet<&str> = graph
        .graph
        .node_weights()
        .filter(|n| n.is_project())
        .map(|n| n.path.as_str())
        .collect();
    let static_dirs: Vec<String> = graph
        .workspaces
        .iter()
        .flat_map(|w| w.found.static_dirs.iter())
        .filter_map(|d| model::path::relative(&graph.root, d))
        .map(|d| format!("{d}/"))
        .collect();
    let mut out: Vec<&String> = graph
        .project_files
        .iter()
        .filter(|f| !reached.contains(f.as_str()) && !ignore.is_match(f.as_str()))
        .filter(|f| !static_dirs.iter().any(|d| f.starts_with(d.as_str())))
        .collect();
    out.sort();
    out.into_iter()
        .map(|f| {
            let finding = finding(f);
            match graph.workspace_of(f) {
                Some(ws) if graph.monorepo => {
                    let mut finding = finding;
                    finding.workspace = Some(ws.to_string());
                    finding
                }
                _ => finding,
            }
        })
        .collect()
}

/// The `unused-files` finding of a project file.
pub fn finding(path: &str) -> Finding {
    Finding::new(FindingKind::UnusedFiles, path, path, "")
}
