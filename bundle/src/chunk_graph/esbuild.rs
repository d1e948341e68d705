//! esbuild / Bun: the metafile (`--metafile=meta.json`).
//!
//! `outputs[path] = {bytes, inputs, imports: [{path, kind}], entryPoint?, cssBundle?}`.
//! `import-statement` and `require-call` edges are static, `dynamic-import`
//! edges lazy; outputs with `entryPoint` are entries. Output paths are relative
//! to the build's working directory and are matched to assets by suffix.

use serde_json::Value;

use super::{ChunkGraph, PathIndex};

/// Reads an esbuild metafile; `Ok(None)` when `value` is not one.
pub fn parse(value: &Value, index: &PathIndex) -> Result<Option<ChunkGraph>, String> {
    let (Some(outputs), Some(_)) = (
        value.get("outputs").and_then(Value::as_object),
        value.get("inputs").and_then(Value::as_object),
    ) else {
        return Ok(None);
    };
    let mut graph = ChunkGraph::new(super::ChunkGraphSource::EsbuildMetafile);
    for (path, output) in outputs {
        let Some(file) = index.resolve(path) else {
            continue;
        };
        if file.ends_with(".map") {
            continue;
        }
        if let Some(entry) = output.get("entryPoint").and_then(Value::as_str) {
            graph.modules.insert(file.clone(), entry.to_string());
            graph
                .entries
                .entry(entry.to_string())
                .or_default()
                .insert(file.clone());
        }
        if let Some(css) = output
            .get("cssBundle")
            .and_then(Value::as_str)
            .and_then(|c| index.resolve(c))
        {
            graph.add_import(&file, &css);
        }
        for import in output
            .get("imports")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if import.get("external").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let Some(target) = import
                .get("path")
                .and_then(Value::as_str)
                .and_then(|p| index.resolve(p))
            else {
                continue;
            };
            match import.get("kind").and_then(Value::as_str) {
                Some("dynamic-import") => graph.add_dynamic_import(&file, &target),
                // import-statement, require-call, import-rule, url-token...
                _ => graph.add_import(&file, &target),
            }
        }
    }
    Ok(Some(graph))
}
