//! **Unused files**: project source files that no entry reaches.
//!
//! Why it matters: dead files cost review, build and test time, and hide what
//! the app really ships. Fix: delete them, or add them as entries (or to
//! `ignore` in `perfscope.toml`) when a tool loads them.
//!
//! Tests, stories, specs, tool configs and declaration files are ignored by
//! default (`ignore_defaults`); `.gitignore`d files are never listed.

use std::collections::HashSet;

use model::Finding;
use model::analyze::legacy;

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
    let mut out: Vec<String> = graph
        .project_files
        .iter()
        .filter(|f| !reached.contains(f.as_str()) && !ignore.is_match(f.as_str()))
        .cloned()
        .collect();
    out.sort();
    out.iter().map(|f| legacy::unused_file(f)).collect()
}
