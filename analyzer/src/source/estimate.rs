//! Estimating what a set of modules weighs once shipped: TypeScript stripped,
//! minified with swc, then gzip -9. Files that swc cannot handle fall back to
//! their raw text (and a diagnostic). Large sets are sampled: the ratio of
//! the sample is applied to the whole.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Mutex;

use model::Diagnostic;
use petgraph::graph::NodeIndex;
use rayon::prelude::*;
use swc_core::common::{FileName, GLOBALS, Globals, Mark, SourceMap, sync::Lrc};
use swc_core::ecma::ast::Pass;
use swc_core::ecma::codegen::{Emitter, Node, text_writer::JsWriter};
use swc_core::ecma::minifier::optimize;
use swc_core::ecma::minifier::option::{
    CompressOptions, ExtraOptions, MangleOptions, MinifyOptions,
};
use swc_core::ecma::parser::{EsSyntax, Parser, StringInput, Syntax, TsSyntax};
use swc_core::ecma::transforms::base::{fixer::fixer, resolver};
use swc_core::ecma::transforms::typescript::strip;

use super::graph::{ModuleGraph, ModuleType};

/// Raw bytes of a candidate sampled at most (keeps the estimate cheap).
const SAMPLE_BYTES: u64 = 512 * 1024;

/// Minifies one JS/TS file with swc. `Err` with a reason when swc cannot.
pub fn minify(path: &Path, text: String) -> Result<String, String> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let ts = matches!(ext, "ts" | "tsx" | "mts" | "cts");
    let syntax = if ts {
        Syntax::Typescript(TsSyntax {
            tsx: ext == "tsx",
            decorators: true,
            ..Default::default()
        })
    } else {
        Syntax::Es(EsSyntax {
            jsx: true,
            decorators: true,
            ..Default::default()
        })
    };
    let result = catch_unwind(AssertUnwindSafe(|| {
        GLOBALS.set(&Globals::new(), || {
            let cm: Lrc<SourceMap> = Default::default();
            let fm = cm.new_source_file(Lrc::new(FileName::Anon), text);
            let mut parser = Parser::new(syntax, StringInput::from(&*fm), None);
            let program = parser
                .parse_program()
                .map_err(|e| format!("swc cannot parse it: {}", e.kind().msg()))?;
            let unresolved = Mark::new();
            let top_level = Mark::new();
            let mut program = program;
            resolver(unresolved, top_level, ts).process(&mut program);
            if ts {
                strip(unresolved, top_level).process(&mut program);
            }
            let mut program = optimize(
                program,
                cm.clone(),
                None,
                None,
                &MinifyOptions {
                    compress: Some(CompressOptions::default()),
                    mangle: Some(MangleOptions::default()),
                    ..Default::default()
                },
                &ExtraOptions {
                    unresolved_mark: unresolved,
                    top_level_mark: top_level,
                    mangle_name_cache: None,
                },
            );
            fixer(None).process(&mut program);
            let mut buf = Vec::new();
            {
                let mut emitter = Emitter {
                    cfg: swc_core::ecma::codegen::Config::default().with_minify(true),
                    cm: cm.clone(),
                    comments: None,
                    wr: JsWriter::new(cm, "\n", &mut buf, None),
                };
                program
                    .emit_with(&mut emitter)
                    .map_err(|e| format!("swc cannot print it: {e}"))?;
            }
            String::from_utf8(buf).map_err(|_| "swc printed invalid UTF-8".to_string())
        })
    }));
    match result {
        Ok(r) => r,
        Err(_) => Err("swc panicked on it".into()),
    }
}

/// Minified output of files, shared between candidates.
#[derive(Default)]
pub struct MinifyCache {
    done: Mutex<HashMap<NodeIndex, Vec<u8>>>,
    diagnostics: Mutex<Vec<Diagnostic>>,
}

impl MinifyCache {
    /// Diagnostics for files swc could not handle.
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics.into_inner().unwrap_or_default()
    }

    fn note(&self, diagnostic: Diagnostic) {
        if let Ok(mut d) = self.diagnostics.lock() {
            d.push(diagnostic);
        }
    }

    /// What a module ships, from its gathered text: JS minified, JSON and
    /// CSS as they are; nothing for assets (loaded by URL, not inlined).
    fn shipped(&self, graph: &ModuleGraph, idx: NodeIndex) -> Vec<u8> {
        if let Some(v) = self.done.lock().ok().and_then(|d| d.get(&idx).cloned()) {
            return v;
        }
        let Some(node) = graph.graph.node_weight(idx) else {
            return Vec::new();
        };
        let out = match (&node.text, node.module_type) {
            (_, ModuleType::Asset) => Vec::new(),
            (None, _) => {
                self.note(Diagnostic::new(
                    node.path.clone(),
                    "left out of the gzip estimate: the file was not read (see its other diagnostics)",
                ));
                Vec::new()
            }
            (Some(text), ModuleType::Js) => match minify(&node.abs, text.to_string()) {
                Ok(code) => code.into_bytes(),
                Err(reason) => {
                    self.note(Diagnostic::new(
                        node.path.clone(),
                        format!("gzip estimate uses the raw file: {reason}"),
                    ));
                    text.as_bytes().to_vec()
                }
            },
            (Some(text), _) => text.as_bytes().to_vec(),
        };
        if let Ok(mut d) = self.done.lock() {
            d.insert(idx, out.clone());
        }
        out
    }
}

/// Estimated minified + gzip bytes of `modules`.
pub fn estimate(graph: &ModuleGraph, modules: &[NodeIndex], cache: &MinifyCache) -> u64 {
    let mut sorted: Vec<(NodeIndex, u64, &str)> = modules
        .iter()
        .filter_map(|i| {
            graph
                .graph
                .node_weight(*i)
                .map(|n| (*i, n.bytes, n.path.as_str()))
        })
        .collect();
    sorted.sort_by(|a, b| a.2.cmp(b.2));
    let total: u64 = sorted.iter().map(|s| s.1).sum();
    if total == 0 {
        return 0;
    }
    // Deterministic sample: every k-th file until the budget is reached.
    let sample: Vec<(NodeIndex, u64)> = if total <= SAMPLE_BYTES {
        sorted.iter().map(|s| (s.0, s.1)).collect()
    } else {
        let step = (total / SAMPLE_BYTES + 1) as usize;
        let mut picked = Vec::new();
        let mut sum = 0;
        for s in sorted.iter().step_by(step.max(1)) {
            if sum >= SAMPLE_BYTES {
                break;
            }
            sum += s.1;
            picked.push((s.0, s.1));
        }
        picked
    };
    let sample_raw: u64 = sample.iter().map(|s| s.1).sum();
    let parts: Vec<Vec<u8>> = sample
        .par_iter()
        .map(|(idx, _)| cache.shipped(graph, *idx))
        .collect();
    let joined: Vec<u8> = parts.join(&b'\n');
    let gz = crate::compress::gzip_size(&joined);
    if sample_raw == 0 || sample_raw >= total {
        gz
    } else {
        (gz as f64 * total as f64 / sample_raw as f64).round() as u64
    }
}
