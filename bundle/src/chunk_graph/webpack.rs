//! webpack / Rspack: `stats.json`.
//!
//! Each entry point's initial assets come from `entrypoints[name].assets` (or the
//! files of `entrypoints[name].chunks`); the per-chunk `initial` flag is not per
//! entry and is not used. Lazy edges come from `chunks[].children` (chunks loaded
//! on demand from a chunk).

use std::collections::BTreeMap;

use serde_json::Value;

use super::{ChunkGraph, PathIndex, strings};

/// Reads webpack stats; `Ok(None)` when `value` is not stats.
pub fn parse(value: &Value, index: &PathIndex) -> Result<Option<ChunkGraph>, String> {
    let Some(entrypoints) = value.get("entrypoints").and_then(Value::as_object) else {
        return Ok(None);
    };
    let mut graph = ChunkGraph::new(super::ChunkGraphSource::WebpackStats);
    let chunk_files = chunk_files(value, index);
    for (name, entry) in entrypoints {
        let mut files: Vec<String> = Vec::new();
        for asset in entry
            .get("assets")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            // webpack 5: {name, size}; webpack 4: "file.js".
            let asset_name = asset
                .as_str()
                .or_else(|| asset.get("name").and_then(Value::as_str));
            if let Some(file) = asset_name.and_then(|n| index.resolve(n)) {
                files.push(file);
            }
        }
        if files.is_empty() {
            for chunk in entry
                .get("chunks")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(found) = chunk_files.get(&chunk_key(chunk)) {
                    files.extend(found.iter().cloned());
                }
            }
        }
        files.retain(|f| !f.ends_with(".map"));
        // The files of one entry point load together: link them all.
        for from in &files {
            for to in &files {
                graph.add_import(from, to);
            }
        }
        graph.entries.entry(name.clone()).or_default().extend(files);
    }
    for chunk in value
        .get("chunks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(from_files) = chunk
            .get("id")
            .and_then(|id| chunk_files.get(&chunk_key(id)))
        else {
            continue;
        };
        for child in chunk
            .get("children")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for to in chunk_files.get(&chunk_key(child)).into_iter().flatten() {
                for from in from_files {
                    graph.add_dynamic_import(from, to);
                }
            }
        }
    }
    Ok(Some(graph))
}

/// Chunk id → its emitted files (maps excluded).
fn chunk_files(value: &Value, index: &PathIndex) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for chunk in value
        .get("chunks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(id) = chunk.get("id") else { continue };
        let files: Vec<String> = strings(chunk.get("files"))
            .filter(|f| !f.ends_with(".map"))
            .filter_map(|f| index.resolve(f))
            .collect();
        out.insert(chunk_key(id), files);
    }
    out
}

/// Chunk ids are numbers or strings: compare them as text.
fn chunk_key(id: &Value) -> String {
    match id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
