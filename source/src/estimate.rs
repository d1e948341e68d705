//! Estimating what a set of modules weighs once shipped: TypeScript stripped,
//! production values defined (`process.env.NODE_ENV` is `"production"`,
//! `import.meta.env.DEV` false, `PROD` true, `MODE` `"production"`, `SSR`
//! false), minified with swc (which drops the dead branches), then gzip -9.
//! The imports still referenced after that are the module's *live* imports:
//! a package imported only behind `import.meta.env.DEV`, or a development
//! build behind `NODE_ENV !== 'production'`, is not counted. Files that swc
//! cannot handle fall back to their raw text (and a diagnostic) with every
//! import live. Large sets are sampled: the ratio of the sample is applied to
//! the whole.

use std::collections::{HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Mutex;

use model::Diagnostic;
use petgraph::graph::NodeIndex;
use rayon::prelude::*;
use swc_core::atoms::Atom;
use swc_core::common::{DUMMY_SP, FileName, GLOBALS, Globals, Mark, SourceMap, sync::Lrc};
use swc_core::ecma::ast::{
    Bool, CallExpr, Callee, ExportAll, Expr, Ident, IdentName, ImportDecl, ImportSpecifier,
    Invalid, Lit, MemberExpr, MemberProp, MetaPropExpr, MetaPropKind, NamedExport, Pass, Str,
};
use swc_core::ecma::codegen::{Emitter, Node, text_writer::JsWriter};
use swc_core::ecma::minifier::optimize;
use swc_core::ecma::minifier::option::{
    CompressOptions, ExtraOptions, GlobalDefs, MangleOptions, MinifyOptions, TopLevelOptions,
};
use swc_core::ecma::parser::{EsSyntax, Parser, StringInput, Syntax, TsSyntax};
use swc_core::ecma::transforms::base::{fixer::fixer, resolver};
use swc_core::ecma::transforms::typescript::strip;
use swc_core::ecma::visit::{Visit, VisitWith};

use super::graph::{ModuleGraph, ModuleType};

/// Raw bytes of a candidate sampled at most (keeps the estimate cheap).
const SAMPLE_BYTES: u64 = 512 * 1024;

/// One file minified for production.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Minified {
    /// The minified code.
    pub code: String,
    /// Specifiers of the imports, re-exports, `import()` and `require()` the
    /// minified code still holds (what a bundler would still follow).
    pub live: HashSet<String>,
    /// Specifiers still written in the minified code whose bindings all went
    /// unused (a bundler keeps the module only for its side effects).
    pub unused: HashSet<String>,
    /// Specifiers the original code names.
    pub written: HashSet<String>,
}

/// What became of one import in the production build of its importer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Liveness {
    /// Still imported and used (or perfscope cannot tell).
    Live,
    /// Still imported, but none of its bindings is used any more.
    Unused,
    /// Gone: it sat in a dead branch (`require` behind `NODE_ENV`).
    Gone,
}

/// `a.b.c` as an swc expression (`import.meta` for a leading `import.meta`).
fn member_chain(path: &str) -> Box<Expr> {
    let mut parts = path.split('.');
    let mut expr: Box<Expr> = match parts.next() {
        Some("import") => {
            parts.next();
            Box::new(Expr::MetaProp(MetaPropExpr {
                span: DUMMY_SP,
                kind: MetaPropKind::ImportMeta,
            }))
        }
        Some(first) => Box::new(Expr::Ident(Ident::new_no_ctxt(first.into(), DUMMY_SP))),
        None => Box::new(Expr::Invalid(Invalid { span: DUMMY_SP })),
    };
    for part in parts {
        expr = Box::new(Expr::Member(MemberExpr {
            span: DUMMY_SP,
            obj: expr,
            prop: MemberProp::Ident(IdentName::new(part.into(), DUMMY_SP)),
        }));
    }
    expr
}

/// The values a production client build defines.
fn production_defs() -> GlobalDefs {
    let string = |v: &str| Box::new(Expr::Lit(Lit::Str(Str::from(Atom::from(v)))));
    let boolean = |v: bool| {
        Box::new(Expr::Lit(Lit::Bool(Bool {
            span: DUMMY_SP,
            value: v,
        })))
    };
    [
        ("process.env.NODE_ENV", string("production")),
        ("import.meta.env.MODE", string("production")),
        ("import.meta.env.DEV", boolean(false)),
        ("import.meta.env.PROD", boolean(true)),
        ("import.meta.env.SSR", boolean(false)),
    ]
    .into_iter()
    .map(|(k, v)| (member_chain(k), v))
    .collect()
}

/// Collects the specifiers the code refers to.
#[derive(Default)]
struct LiveImports {
    /// Local names of import bindings, with their specifier.
    bindings: Vec<(Atom, String)>,
    /// Side-effect imports (`import "x"`).
    bare: HashSet<String>,
    /// Re-exports, `import()`, `require()`.
    live: HashSet<String>,
    /// Every identifier met outside import declarations.
    referenced: HashSet<Atom>,
}

impl Visit for LiveImports {
    fn visit_import_decl(&mut self, n: &ImportDecl) {
        if n.type_only {
            return;
        }
        let spec = n.src.value.to_string_lossy().into_owned();
        if n.specifiers.is_empty() {
            self.bare.insert(spec);
            return;
        }
        for s in &n.specifiers {
            let local = match s {
                ImportSpecifier::Named(s) => &s.local,
                ImportSpecifier::Default(s) => &s.local,
                ImportSpecifier::Namespace(s) => &s.local,
            };
            self.bindings.push((local.sym.clone(), spec.clone()));
        }
    }

    fn visit_export_all(&mut self, n: &ExportAll) {
        self.live.insert(n.src.value.to_string_lossy().into_owned());
    }

    fn visit_named_export(&mut self, n: &NamedExport) {
        if let Some(src) = &n.src {
            self.live.insert(src.value.to_string_lossy().into_owned());
        }
        n.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, n: &CallExpr) {
        let is_import_or_require = match &n.callee {
            Callee::Import(_) => true,
            Callee::Expr(e) => matches!(&**e, Expr::Ident(id) if id.sym == *"require"),
            Callee::Super(_) => false,
        };
        if is_import_or_require
            && let Some(first) = n.args.first()
            && let Expr::Lit(Lit::Str(s)) = &*first.expr
        {
            self.live.insert(s.value.to_string_lossy().into_owned());
        }
        n.visit_children_with(self);
    }

    fn visit_ident(&mut self, n: &Ident) {
        self.referenced.insert(n.sym.clone());
    }
}

/// The specifiers of one program, by what it does with them.
#[derive(Default)]
struct Specifiers {
    /// Imported with bindings of which one is used, re-exported, `import()`ed
    /// or `require()`d.
    used: HashSet<String>,
    /// Imported with bindings none of which is used.
    unused: HashSet<String>,
    /// Imported for side effects only (`import "x"`).
    bare: HashSet<String>,
}

impl LiveImports {
    /// Names are compared without their scope (the mangler renames): a
    /// same-named local keeps an import used, never the reverse.
    fn finish(mut self) -> Specifiers {
        let mut unused = HashSet::new();
        for (local, spec) in self.bindings {
            if self.referenced.contains(&local) {
                self.live.insert(spec);
            } else {
                unused.insert(spec);
            }
        }
        unused.retain(|s| !self.live.contains(s));
        Specifiers {
            used: self.live,
            unused,
            bare: self.bare,
        }
    }
}

/// What a production build does with one program's imports: `before` is the
/// original program, `after` the minified one. A minifier turns an import
/// whose bindings went unused into `import "x"`: that is unused, not live.
fn liveness_sets(
    before: Specifiers,
    after: Specifiers,
) -> (HashSet<String>, HashSet<String>, HashSet<String>) {
    let mut written: HashSet<String> = before.used.iter().cloned().collect();
    written.extend(before.unused.iter().cloned());
    written.extend(before.bare.iter().cloned());
    let mut live = after.used;
    let mut unused = after.unused;
    for spec in after.bare {
        if before.bare.contains(&spec) {
            live.insert(spec);
        } else {
            unused.insert(spec);
        }
    }
    unused.retain(|s| !live.contains(s));
    (live, unused, written)
}

/// Minifies one JS/TS file with swc for production. `Err` with a reason when
/// swc cannot.
pub fn minify(path: &Path, text: String) -> Result<Minified, String> {
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
            let mut before = LiveImports::default();
            program.visit_with(&mut before);
            let before = before.finish();
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
                    compress: Some(CompressOptions {
                        global_defs: production_defs(),
                        // A bundler keeps only what the module's exports and
                        // side effects reach.
                        module: true,
                        top_level: Some(TopLevelOptions { functions: true }),
                        ..CompressOptions::default()
                    }),
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
            let mut after = LiveImports::default();
            program.visit_with(&mut after);
            let (live, unused, written) = liveness_sets(before, after.finish());
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
            let code =
                String::from_utf8(buf).map_err(|_| "swc printed invalid UTF-8".to_string())?;
            Ok(Minified {
                code,
                live,
                unused,
                written,
            })
        })
    }));
    match result {
        Ok(r) => r,
        Err(_) => Err("swc panicked on it".into()),
    }
}

/// What one module ships: its bytes and, for JavaScript swc could minify,
/// the imports still live in production (`None`: every import is).
#[derive(Clone, Default)]
struct Shipped {
    bytes: std::sync::Arc<Vec<u8>>,
    imports: Option<std::sync::Arc<Minified>>,
}

/// Minified output of files, shared between candidates.
#[derive(Default)]
pub struct MinifyCache {
    done: Mutex<HashMap<NodeIndex, Shipped>>,
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

    /// What the production build of `idx` does with its import of
    /// `specifier` ([`Liveness::Live`] when perfscope cannot tell, or when
    /// the original code does not name it: implicit imports, globs).
    pub fn liveness(&self, graph: &ModuleGraph, idx: NodeIndex, specifier: &str) -> Liveness {
        let Some(m) = self.shipped(graph, idx).imports else {
            return Liveness::Live;
        };
        if !m.written.contains(specifier) || m.live.contains(specifier) {
            Liveness::Live
        } else if m.unused.contains(specifier) {
            Liveness::Unused
        } else {
            Liveness::Gone
        }
    }

    /// What a module ships, from its gathered text: JS minified, JSON and
    /// CSS as they are; nothing for assets (loaded by URL, not inlined).
    fn shipped(&self, graph: &ModuleGraph, idx: NodeIndex) -> Shipped {
        if let Some(v) = self.done.lock().ok().and_then(|d| d.get(&idx).cloned()) {
            return v;
        }
        let Some(node) = graph.graph.node_weight(idx) else {
            return Shipped::default();
        };
        let (bytes, imports) = match (&node.text, node.module_type) {
            (_, ModuleType::Asset) => (Vec::new(), None),
            (None, _) => {
                self.note(Diagnostic::new(
                    node.path.clone(),
                    "left out of the gzip estimate: the file was not read (see its other diagnostics)",
                ));
                (Vec::new(), None)
            }
            (Some(text), ModuleType::Js) => match graph
                .cache
                .minified(&node.abs, text, || minify(&node.abs, text.to_string()))
            {
                Ok(mut m) => {
                    let code = std::mem::take(&mut m.code).into_bytes();
                    (code, Some(std::sync::Arc::new(m)))
                }
                Err(reason) => {
                    self.note(Diagnostic::new(
                        node.path.clone(),
                        format!("gzip estimate uses the raw file: {reason}"),
                    ));
                    (text.as_bytes().to_vec(), None)
                }
            },
            (Some(text), _) => (text.as_bytes().to_vec(), None),
        };
        let out = Shipped {
            bytes: std::sync::Arc::new(bytes),
            imports,
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
    let parts: Vec<std::sync::Arc<Vec<u8>>> = sample
        .par_iter()
        .map(|(idx, _)| cache.shipped(graph, *idx).bytes)
        .collect();
    let mut joined: Vec<u8> = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            joined.push(b'\n');
        }
        joined.extend_from_slice(part);
    }
    let gz = project::compress::gzip_size(&joined);
    if sample_raw == 0 || sample_raw >= total {
        gz
    } else {
        (gz as f64 * total as f64 / sample_raw as f64).round() as u64
    }
}
