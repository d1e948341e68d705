//! Fallback chunk graph: read each JS chunk's own `import … from`, `export … from`
//! and `import("…")` with oxc, and keep those that name another asset of the
//! folder (relative or root-absolute URLs). Bare specifiers (externals) and
//! non-literal `import()` arguments are ignored.

use std::collections::BTreeMap;

use oxc_allocator::Allocator;
use oxc_parser::Parser;
use oxc_span::SourceType;

use super::{ChunkGraph, PathIndex};
use crate::walk::{join_rel, parent_dir};

/// Module specifiers a chunk uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChunkImports {
    /// Static `import`/`export … from` specifiers, in source order.
    pub imports: Vec<String>,
    /// String-literal `import()` specifiers, in source order.
    pub dynamic_imports: Vec<String>,
    /// Whether the parser reported errors (what it recovered is still returned).
    pub had_errors: bool,
    /// Set when the chunk nests too deeply to be parsed: how deep it got.
    pub too_deep: Option<usize>,
}

/// Parses `source` as an ES module and lists its specifiers.
pub fn chunk_imports(source: &str) -> ChunkImports {
    if let Some(depth) = project::depth::too_deep(source.as_bytes(), project::depth::MAX_NESTING) {
        return ChunkImports {
            too_deep: Some(depth),
            ..ChunkImports::default()
        };
    }
    let allocator = Allocator::default();
    let ret = Parser::new(&allocator, source, SourceType::mjs()).parse();
    let mut out = ChunkImports {
        had_errors: ret.panicked || ret.diagnostics.has_errors(),
        ..ChunkImports::default()
    };
    let mut statics: Vec<(u32, String)> = ret
        .module_record
        .requested_modules
        .iter()
        .filter_map(|(specifier, uses)| {
            let first = uses
                .iter()
                .filter(|u| !u.is_type)
                .map(|u| u.span.start)
                .min()?;
            Some((first, specifier.to_string()))
        })
        .collect();
    statics.sort();
    out.imports = statics.into_iter().map(|(_, s)| s).collect();
    for import in ret.module_record.dynamic_imports.iter() {
        let span = import.module_request;
        let Some(text) = source.get(span.start as usize..span.end as usize) else {
            continue;
        };
        if let Some(literal) = string_literal(text.trim()) {
            out.dynamic_imports.push(literal.to_string());
        }
    }
    out
}

/// The content of a quoted literal without escapes or substitutions.
fn string_literal(text: &str) -> Option<&str> {
    let quote = text.chars().next()?;
    if !matches!(quote, '"' | '\'' | '`') || text.len() < 2 || !text.ends_with(quote) {
        return None;
    }
    let inner = text.get(1..text.len() - 1)?;
    if inner.contains('\\') || inner.contains(quote) || (quote == '`' && inner.contains("${")) {
        return None;
    }
    Some(inner)
}

/// The asset a specifier written in `from` (relative path) names, if any.
pub fn resolve_specifier(from: &str, specifier: &str, index: &PathIndex) -> Option<String> {
    let specifier = specifier.split(['?', '#']).next()?;
    if !(specifier.starts_with("./") || specifier.starts_with("../") || specifier.starts_with('/'))
    {
        return None;
    }
    if specifier.starts_with("//") {
        return None;
    }
    let joined = join_rel(parent_dir(from), specifier)?;
    if index.contains(&joined) {
        return Some(joined);
    }
    // Root-absolute URLs under a deploy base (`/app/assets/x.js`).
    if specifier.starts_with('/') {
        return index.resolve(&joined);
    }
    None
}

/// Builds the graph from each JS asset's specifiers.
pub fn build(chunks: &BTreeMap<String, ChunkImports>, index: &PathIndex) -> ChunkGraph {
    let mut graph = ChunkGraph::new(super::ChunkGraphSource::Parsed);
    for (from, found) in chunks {
        for specifier in &found.imports {
            if let Some(to) = resolve_specifier(from, specifier, index) {
                graph.add_import(from, &to);
            }
        }
        for specifier in &found.dynamic_imports {
            if let Some(to) = resolve_specifier(from, specifier, index) {
                graph.add_dynamic_import(from, &to);
            }
        }
    }
    // Without HTML, entries are the chunks nothing else loads.
    let targets: std::collections::BTreeSet<&String> = graph
        .imports
        .values()
        .chain(graph.dynamic_imports.values())
        .flatten()
        .collect();
    for from in chunks.keys() {
        if !targets.contains(from) {
            graph
                .entries
                .entry(from.clone())
                .or_default()
                .insert(from.clone());
        }
    }
    graph
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_static_and_dynamic_specifiers() {
        let src = r#"import{a as b}from"./vendor-1.js";export*from"./util.js";import "react";
const c=()=>import("./lazy-2.js");const d=x=>import(x);const e=()=>import(`./t-${1}.js`);"#;
        let found = chunk_imports(src);
        assert_eq!(found.imports, vec!["./vendor-1.js", "./util.js", "react"]);
        assert_eq!(found.dynamic_imports, vec!["./lazy-2.js"]);
        assert!(!found.had_errors);
    }

    #[test]
    fn garbage_is_not_fatal() {
        let found = chunk_imports("\u{0}\u{1}import(((");
        assert!(found.had_errors);
    }
}
