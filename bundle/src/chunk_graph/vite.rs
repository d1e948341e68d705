//! Vite / Rollup: `.vite/manifest.json`.
//!
//! key → `{file, src?, isEntry?, isDynamicEntry?, imports?, dynamicImports?, css?}`;
//! `imports` and `dynamicImports` name other keys, `css` names files. An entry's
//! initial set is the closure over `imports` (with their `css`).

use serde_json::Value;

use super::{ChunkGraph, PathIndex, strings};

/// Reads a Vite manifest; `Ok(None)` when `value` is not one.
pub fn parse(value: &Value, index: &PathIndex) -> Result<Option<ChunkGraph>, String> {
    let Some(map) = value.as_object() else {
        return Ok(None);
    };
    if map.is_empty()
        || !map
            .values()
            .all(|v| v.get("file").is_some_and(Value::is_string))
    {
        return Ok(None);
    }
    let file_of = |key: &str| -> Option<String> {
        map.get(key)
            .and_then(|chunk| chunk.get("file"))
            .and_then(Value::as_str)
            .and_then(|file| index.resolve(file))
    };
    let mut graph = ChunkGraph::new(super::ChunkGraphSource::ViteManifest);
    for (key, chunk) in map {
        let Some(file) = file_of(key) else { continue };
        if let Some(src) = chunk.get("src").and_then(Value::as_str) {
            graph.modules.insert(file.clone(), src.to_string());
        }
        if chunk.get("isEntry").and_then(Value::as_bool) == Some(true) {
            graph
                .entries
                .entry(key.clone())
                .or_default()
                .insert(file.clone());
        }
        for import in strings(chunk.get("imports")) {
            if let Some(target) = file_of(import) {
                graph.add_import(&file, &target);
            }
        }
        for import in strings(chunk.get("dynamicImports")) {
            if let Some(target) = file_of(import) {
                graph.add_dynamic_import(&file, &target);
            }
        }
        for css in strings(chunk.get("css")) {
            if let Some(target) = index.resolve(css) {
                graph.add_import(&file, &target);
            }
        }
    }
    Ok(Some(graph))
}
