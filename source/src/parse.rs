//! Parsing one file with oxc and extracting the facts the findings need:
//! imports (with the names they use), exports, re-exports. The AST is dropped
//! before returning; only owned facts leave this module.

use std::collections::HashMap;
use std::path::Path;

use model::analyze::EdgeKind;
use oxc_allocator::Allocator;
use oxc_ast::Comment;
use oxc_ast::ast::{
    Argument, BindingPattern, CallExpression, ComputedMemberExpression, Expression,
    IdentifierReference, ImportExpression, Program, PropertyKey, StaticMemberExpression,
    TSQualifiedName, TSTypeName, VariableDeclarator,
};
use oxc_ast_visit::{Visit, walk};
use oxc_parser::{Parser, ParserReturn};
use oxc_span::SourceType;
use oxc_syntax::module_record::{
    ExportExportName, ExportImportName, ExportLocalName, ImportEntry, ImportImportName,
    ModuleRecord, RequestedModule,
};

/// Which exported names of its target an import uses.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum UsedNames {
    /// Every export (namespace escaping, `require`, `import()` used whole).
    All,
    /// Only these names (`default` for the default export); may be empty.
    Names(NameSet),
}

/// A small sorted set of names (most imports use one to three): a sorted
/// `Vec`, much lighter than a tree for so few.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NameSet(Vec<String>);

impl NameSet {
    /// Adds `name`; returns whether it was new.
    pub fn insert(&mut self, name: String) -> bool {
        match self.0.binary_search(&name) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, name);
                true
            }
        }
    }

    /// Adds every name of `other`.
    pub fn extend(&mut self, other: NameSet) {
        for name in other.0 {
            self.insert(name);
        }
    }

    /// The names, sorted.
    pub fn iter(&self) -> std::slice::Iter<'_, String> {
        self.0.iter()
    }

    /// Whether `name` is in the set.
    pub fn contains(&self, name: &str) -> bool {
        self.0.binary_search_by(|n| n.as_str().cmp(name)).is_ok()
    }

    /// How many names.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl UsedNames {
    fn add(&mut self, name: &str) {
        if let UsedNames::Names(set) = self {
            set.insert(name.to_string());
        }
    }
}

/// One import of a module, as written.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ImportFact {
    /// The specifier as written.
    pub specifier: String,
    /// Edge kind.
    pub kind: EdgeKind,
    /// 1-based line.
    pub line: u32,
    /// Names of the target this import uses.
    pub used: UsedNames,
    /// For an imported name used only through members (`ns.used` when `ns`
    /// is itself a namespace re-exported by the target): those members.
    pub members: Vec<(String, UsedNames)>,
}

impl ImportFact {
    fn new(specifier: String, kind: EdgeKind, line: u32, used: UsedNames) -> Self {
        Self {
            specifier,
            kind,
            line,
            used,
            members: Vec::new(),
        }
    }
}

/// An `import.meta.glob(...)`: patterns (`!` excludes) and its options.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GlobFact {
    /// The patterns as written.
    pub patterns: Vec<String>,
    /// `{ eager: true }`: the matches load with the importer.
    pub eager: bool,
    /// `{ import: 'setup' }`: the one export taken of each match (`default`
    /// for the default export); `None`: the whole module.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import: Option<String>,
    /// `{ base: './dir' }`: the folder relative patterns start from
    /// (instead of the importer's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// 1-based line.
    pub line: u32,
}

/// The options of an `import.meta.glob` call Vite reads: `eager`, `import`
/// (a literal export name; `*` or a computed value is the whole module) and
/// `base`.
fn glob_options(options: Option<&Expression>) -> (bool, Option<String>, Option<String>) {
    let (mut eager, mut import, mut base) = (false, None, None);
    let Some(Expression::ObjectExpression(object)) = options.map(|o| o.without_parentheses())
    else {
        return (eager, import, base);
    };
    for property in &object.properties {
        let oxc_ast::ast::ObjectPropertyKind::ObjectProperty(p) = property else {
            continue;
        };
        match key_name(&p.key).as_deref() {
            Some("eager") => {
                eager = matches!(&p.value, Expression::BooleanLiteral(b) if b.value);
            }
            Some("import") => import = literal_of(&p.value).filter(|name| name != "*"),
            Some("base") => base = literal_of(&p.value),
            _ => {}
        }
    }
    (eager, import, base)
}

/// Where an exported name comes from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ExportOrigin {
    /// Declared in this module.
    Local,
    /// `export { a as b } from "x"`: `import` is `a`, or `None` for `export * as b from "x"`.
    ReExport {
        /// Specifier of the source module.
        specifier: String,
        /// Imported name, `None` for a namespace re-export.
        import: Option<String>,
    },
}

/// One exported name.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ExportFact {
    /// Exported name (`default` for the default export).
    pub name: String,
    /// 1-based line.
    pub line: u32,
    /// Whether it is a type (interface, type alias, `export type`).
    pub type_only: bool,
    /// Where the binding comes from.
    pub origin: ExportOrigin,
}

/// Identifiers whose members the text may read, in one pass over each of
/// `.` and `=`: those directly followed by `.` (`api.get` gives `api`) and
/// those a destructuring reads from (`} = strings` gives `strings`). Which
/// named imports the walk follows member by member.
fn member_words(text: &str) -> std::collections::HashSet<&str> {
    let bytes = text.as_bytes();
    let mut out = std::collections::HashSet::new();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80;
    for (i, _) in text.match_indices('.') {
        let mut start = i;
        while start > 0 && ident(bytes[start - 1]) {
            start -= 1;
        }
        if start < i
            && let Some(word) = text.get(start..i)
        {
            out.insert(word);
        }
    }
    for (i, _) in text.match_indices('=') {
        // `} = word`, not `} == word` nor `} => word`.
        let closes_pattern = text.get(..i).is_some_and(|b| b.trim_end().ends_with('}'));
        let after = text.get(i + 1..).unwrap_or("");
        if !closes_pattern || after.starts_with(['=', '>']) {
            continue;
        }
        let after = after.trim_start();
        let end = after.bytes().position(|b| !ident(b)).unwrap_or(after.len());
        if let Some(word) = after.get(..end).filter(|w| !w.is_empty()) {
            out.insert(word);
        }
    }
    out
}

/// Everything the analysis keeps from a parsed file.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct FileFacts {
    /// Imports in source order.
    pub imports: Vec<ImportFact>,
    /// Exported names.
    pub exports: Vec<ExportFact>,
    /// Specifiers of `export * from` declarations.
    pub star_exports: Vec<String>,
    /// Syntax errors: (1-based line, message).
    pub errors: Vec<(u32, String)>,
    /// Whether the file has CommonJS exports perfscope cannot list
    /// (`module.exports = someValue`): then none of its exports is checked.
    pub commonjs: bool,
    /// `import.meta.glob` calls (expanded against the file list when the
    /// graph is built).
    pub globs: Vec<GlobFact>,
    /// Whether the file contains JSX.
    pub jsx: bool,
    /// Whether its exports are CommonJS ones (a default import of it is
    /// the whole `module.exports`).
    pub cjs_exports: bool,
    /// Its React Server Components directive, when its prologue has one:
    /// `use client` (a client boundary: it and what it imports ship to the
    /// browser) or `use server` (server functions: never shipped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directive: Option<String>,
}

/// Source type for a path; TypeScript for `.ts/.tsx/.mts/.cts`, JSX allowed in `.js`.
pub fn source_type_for(path: &Path) -> SourceType {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    match ext {
        "ts" | "mts" | "cts" => SourceType::ts(),
        "tsx" => SourceType::tsx(),
        "cjs" => SourceType::cjs().with_jsx(true),
        _ => SourceType::mjs().with_jsx(true),
    }
}

/// Turns byte offsets into 1-based lines on demand: it counts newlines from
/// the previous query (forwards or backwards), so a file is scanned about once
/// for queries in source order and never indexed when nothing asks.
pub struct LineIndex<'t> {
    text: &'t [u8],
    /// Offset of the last query (clamped to the text).
    offset: usize,
    /// Newlines before `offset`.
    newlines: usize,
}

fn count_newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

impl<'t> LineIndex<'t> {
    /// Lines of `text`.
    pub fn new(text: &'t str) -> Self {
        Self {
            text: text.as_bytes(),
            offset: 0,
            newlines: 0,
        }
    }

    /// 1-based line of a byte offset (offsets past the end count as the end).
    pub fn line(&mut self, offset: u32) -> u32 {
        let target = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        if target >= self.offset {
            self.newlines += self.text.get(self.offset..target).map_or(0, count_newlines);
        } else {
            self.newlines -= self.text.get(target..self.offset).map_or(0, count_newlines);
        }
        self.offset = target;
        u32::try_from(self.newlines + 1).unwrap_or(u32::MAX)
    }
}

/// An arena above this size is not kept for the next file of the thread
/// (after a very large file).
const KEEP_ARENA_BYTES: usize = 64 * 1024 * 1024;

thread_local! {
    /// One arena per thread, reset between files: saves allocating and
    /// freeing the AST memory for every file.
    static ARENA: std::cell::RefCell<Allocator> = std::cell::RefCell::new(Allocator::default());
}

/// Parses `text` (the contents of `path`) and extracts its facts.
pub fn parse_file(path: &Path, text: &str) -> FileFacts {
    ARENA.with(|cell| match cell.try_borrow_mut() {
        Ok(mut allocator) => {
            let facts = parse_with(&allocator, path, text);
            if allocator.capacity() > KEEP_ARENA_BYTES {
                *allocator = Allocator::default();
            } else {
                allocator.reset();
            }
            facts
        }
        Err(_) => parse_with(&Allocator::default(), path, text),
    })
}

fn parse_with(allocator: &Allocator, path: &Path, text: &str) -> FileFacts {
    let source_type = source_type_for(path);
    let ret = Parser::new(allocator, text, source_type).parse();
    let mut lines = LineIndex::new(text);
    let mut facts = FileFacts {
        errors: syntax_errors(&ret, &mut lines),
        ..FileFacts::default()
    };
    if ret.panicked {
        return facts;
    }
    facts.directive = ret
        .program
        .directives
        .iter()
        .map(|d| d.directive.as_str())
        .find(|d| matches!(*d, "use client" | "use server"))
        .map(str::to_string);
    let record = &ret.module_record;
    let bindings = record_imports(record, text, &mut lines, &mut facts);
    record_exports(record, &mut lines, &mut facts);
    record_comment_imports(&ret.program.comments, text, &mut lines, &mut facts);
    // TypeScript reads JSDoc types only in JavaScript files.
    if !source_type.is_typescript() {
        record_jsdoc_imports(&ret.program.comments, text, &mut lines, &mut facts);
    }
    // JSX (for the implicit `jsx-runtime` import): from the walk when there
    // is one, else from the text (a closing tag or a self-closing one); a
    // walk only for it would cost a fifth of the graph stage.
    facts.jsx = source_type.is_jsx() && (text.contains("</") || text.contains("/>"));
    // The AST walk: only when the file can contain what it looks for.
    if needs_walk(&bindings, text) {
        let walker = walk_program(&ret.program, &bindings);
        facts.jsx = facts.jsx && walker.jsx;
        apply_walk(walker, &mut lines, &mut facts);
    }
    facts
}

/// Stage: the parser's syntax errors, (1-based line, message).
fn syntax_errors(ret: &ParserReturn, lines: &mut LineIndex) -> Vec<(u32, String)> {
    ret.diagnostics
        .iter()
        .map(|error| {
            let offset = error.labels.first().map(|l| l.offset()).unwrap_or(0);
            (lines.line(offset), error.message.to_string())
        })
        .collect()
}

/// Imported bindings whose uses the AST walk follows member by member.
#[derive(Debug, Default, PartialEq, Eq)]
struct ImportBindings {
    /// Namespace imports: local name -> index in `facts.imports`.
    namespaces: HashMap<String, usize>,
    /// Named imports whose members may be read: local -> (index, imported name).
    named: HashMap<String, (usize, String)>,
}

impl ImportBindings {
    fn is_empty(&self) -> bool {
        self.namespaces.is_empty() && self.named.is_empty()
    }

    /// The walker's tracked locals.
    fn tracked(&self) -> HashMap<String, Track> {
        self.namespaces
            .iter()
            .map(|(local, index)| (local.clone(), Track::Namespace(*index)))
            .chain(
                self.named.iter().map(|(local, (index, name))| {
                    (local.clone(), Track::Named(*index, name.clone()))
                }),
            )
            .collect()
    }
}

/// The module record's import and re-export statements, once per statement
/// and specifier, in source order: (statement start, specifier, occurrence).
fn import_requests<'r>(record: &'r ModuleRecord) -> Vec<(u32, &'r str, RequestedModule)> {
    let mut requests: Vec<(u32, &str, RequestedModule)> =
        Vec::with_capacity(record.requested_modules.len());
    for (spec, occurrences) in &record.requested_modules {
        for occ in occurrences {
            requests.push((occ.statement_span.start, spec.as_str(), *occ));
        }
    }
    requests.sort_by_key(|(start, spec, _)| (*start, *spec));
    requests.dedup_by_key(|(start, spec, _)| (*start, *spec));
    requests
}

/// The kind of an import statement from its bindings: none is a side
/// effect, all types (or `import type`) is type-only.
fn import_kind(occ: &RequestedModule, entries: &[&ImportEntry]) -> EdgeKind {
    if entries.is_empty() {
        if occ.is_type {
            EdgeKind::TypeOnly
        } else {
            EdgeKind::SideEffect
        }
    } else if occ.is_type || entries.iter().all(|e| e.is_type) {
        EdgeKind::TypeOnly
    } else {
        EdgeKind::Static
    }
}

/// Stage: one import fact per import or re-export statement of the module
/// record, in source order, with the names it uses; returns the bindings
/// the AST walk should follow.
fn record_imports(
    record: &ModuleRecord,
    text: &str,
    lines: &mut LineIndex,
    facts: &mut FileFacts,
) -> ImportBindings {
    let mut bindings = ImportBindings::default();
    // Words whose members the text may read, found when first needed.
    let mut dotted: Option<std::collections::HashSet<&str>> = None;
    let requests = import_requests(record);
    facts.imports.reserve(requests.len());
    for (start, spec, occ) in requests {
        let line = lines.line(start);
        if !occ.is_import {
            // `export ... from`: names are used through the re-export table.
            let kind = if occ.is_type {
                EdgeKind::TypeOnly
            } else {
                EdgeKind::ReExport
            };
            facts.imports.push(ImportFact::new(
                spec.to_string(),
                kind,
                line,
                UsedNames::Names(NameSet::default()),
            ));
            continue;
        }
        let entries: Vec<_> = record
            .import_entries
            .iter()
            .filter(|e| e.statement_span == occ.statement_span)
            .collect();
        let kind = import_kind(&occ, &entries);
        let mut used = UsedNames::Names(NameSet::default());
        let index = facts.imports.len();
        for entry in &entries {
            match &entry.import_name {
                ImportImportName::Name(name) => {
                    used.add(name.name.as_str());
                    // Track members only where the text could use some.
                    let local = entry.local_name.name.as_str();
                    let dotted = dotted.get_or_insert_with(|| member_words(text));
                    if !entry.is_type && dotted.contains(local) {
                        bindings
                            .named
                            .insert(local.to_string(), (index, name.name.to_string()));
                    }
                }
                ImportImportName::Default(_) => used.add("default"),
                ImportImportName::NamespaceObject => {
                    bindings
                        .namespaces
                        .insert(entry.local_name.name.to_string(), index);
                }
            }
        }
        facts
            .imports
            .push(ImportFact::new(spec.to_string(), kind, line, used));
    }
    bindings
}

/// An exported name as the findings spell it (`default`); none for `Null`.
fn export_name(name: &ExportExportName) -> Option<String> {
    match name {
        ExportExportName::Name(n) => Some(n.name.to_string()),
        ExportExportName::Default(_) => Some("default".to_string()),
        ExportExportName::Null => None,
    }
}

/// Where a local export's binding comes from: `import { a } from "x";
/// export { a }` is a re-export in effect.
fn local_export_origin(record: &ModuleRecord, local_name: &ExportLocalName) -> ExportOrigin {
    match local_name {
        ExportLocalName::Name(local) => record
            .import_entries
            .iter()
            .find(|i| i.local_name.name == local.name)
            .map(|i| ExportOrigin::ReExport {
                specifier: i.module_request.name.to_string(),
                import: match &i.import_name {
                    ImportImportName::Name(n) => Some(n.name.to_string()),
                    ImportImportName::Default(_) => Some("default".to_string()),
                    ImportImportName::NamespaceObject => None,
                },
            })
            .unwrap_or(ExportOrigin::Local),
        _ => ExportOrigin::Local,
    }
}

/// Exports by line then name, one fact per name (its first).
fn sort_exports(exports: &mut Vec<ExportFact>) {
    exports.sort_by(|a, b| (a.line, &a.name).cmp(&(b.line, &b.name)));
    exports.dedup_by(|a, b| a.name == b.name);
}

/// Stage: the module record's exports (local ones, re-exports, and the
/// specifiers of `export * from`), sorted by line, one fact per name.
fn record_exports(record: &ModuleRecord, lines: &mut LineIndex, facts: &mut FileFacts) {
    facts
        .exports
        .reserve(record.local_export_entries.len() + record.indirect_export_entries.len());
    for entry in &record.local_export_entries {
        let Some(name) = export_name(&entry.export_name) else {
            continue;
        };
        let origin = local_export_origin(record, &entry.local_name);
        facts.exports.push(ExportFact {
            name,
            line: lines.line(entry.span.start),
            type_only: entry.is_type,
            origin,
        });
    }
    for entry in &record.indirect_export_entries {
        let Some(name) = export_name(&entry.export_name) else {
            continue;
        };
        let Some(request) = &entry.module_request else {
            continue;
        };
        let import = match &entry.import_name {
            ExportImportName::Name(n) => Some(n.name.to_string()),
            _ => None,
        };
        facts.exports.push(ExportFact {
            name,
            line: lines.line(entry.span.start),
            type_only: entry.is_type,
            origin: ExportOrigin::ReExport {
                specifier: request.name.to_string(),
                import,
            },
        });
    }
    for entry in &record.star_export_entries {
        if let Some(request) = &entry.module_request {
            facts.star_exports.push(request.name.to_string());
        }
    }
    sort_exports(&mut facts.exports);
}

/// Stage: imports that comments declare (see [`comment_imports`]), at the
/// comment's line.
fn record_comment_imports(
    comments: &[Comment],
    text: &str,
    lines: &mut LineIndex,
    facts: &mut FileFacts,
) {
    for comment in comments {
        let Some(body) = text.get(comment.span.start as usize..comment.span.end as usize) else {
            continue;
        };
        let declared = comment_imports(body);
        if declared.is_empty() {
            continue;
        }
        let line = lines.line(comment.span.start);
        for (specifier, kind, used) in declared {
            facts
                .imports
                .push(ImportFact::new(specifier, kind, line, used));
        }
    }
}

/// Stage: the modules JSDoc types import in a JavaScript file (TypeScript
/// checks JS with them): `{import('x').Y}` in any tag's type and the
/// `@import { Y } from 'x'` tag. Type-only imports, at the line of each.
fn record_jsdoc_imports(
    comments: &[Comment],
    text: &str,
    lines: &mut LineIndex,
    facts: &mut FileFacts,
) {
    for comment in comments.iter().filter(|c| c.is_block()) {
        let start = comment.span.start as usize;
        let Some(body) = text.get(start..comment.span.end as usize) else {
            continue;
        };
        if !body.starts_with("/**") || !body.contains("import") {
            continue;
        }
        for (at, specifier, used) in jsdoc_imports(body) {
            let line = lines.line(u32::try_from(start + at).unwrap_or(u32::MAX));
            facts
                .imports
                .push(ImportFact::new(specifier, EdgeKind::TypeOnly, line, used));
        }
    }
}

/// The imports of one JSDoc comment, as (offset in it, specifier, used
/// names). `import('x')` counts only inside a tag's `{type}` (not in
/// prose or an `@example`); the name after it (`.Y`) is what it uses,
/// `typeof import('x')` uses everything.
fn jsdoc_imports(body: &str) -> Vec<(usize, String, UsedNames)> {
    static TYPE: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    static TAG: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    let mut out = Vec::new();
    if let Some(re) = TYPE
        .get_or_init(|| {
            regex::Regex::new(r#"import\(\s*['"]([^'"\s]+)['"]\s*\)(?:\.([A-Za-z_$][\w$]*))?"#).ok()
        })
        .as_ref()
    {
        for caps in re.captures_iter(body) {
            let (Some(whole), Some(specifier)) = (caps.get(0), caps.get(1)) else {
                continue;
            };
            let before = &body[..whole.start()];
            let in_type = match (before.rfind('{'), before.rfind('}')) {
                (Some(open), Some(close)) => open > close,
                (Some(_), None) => true,
                _ => false,
            };
            if !in_type {
                continue;
            }
            let used = match caps.get(2) {
                Some(name) => {
                    let mut set = NameSet::default();
                    set.insert(name.as_str().to_string());
                    UsedNames::Names(set)
                }
                None => UsedNames::All,
            };
            out.push((whole.start(), specifier.as_str().to_string(), used));
        }
    }
    if let Some(re) = TAG
        .get_or_init(|| {
            regex::Regex::new(
                r#"@import\s+(\{[^}]*\}|\*\s*as\s+[A-Za-z_$][\w$]*|[A-Za-z_$][\w$]*)\s+from\s+['"]([^'"\s]+)['"]"#,
            )
            .ok()
        })
        .as_ref()
    {
        for caps in re.captures_iter(body) {
            let (Some(whole), Some(what), Some(specifier)) = (caps.get(0), caps.get(1), caps.get(2))
            else {
                continue;
            };
            out.push((whole.start(), specifier.as_str().to_string(), import_tag_names(what.as_str())));
        }
    }
    out.sort_by_key(|(at, _, _)| *at);
    out
}

/// The names an `@import` tag's clause uses: `{ A, B as C }` → `A`, `B`;
/// `* as ns` → every name; `X` → `default`.
fn import_tag_names(clause: &str) -> UsedNames {
    if clause.starts_with('*') {
        return UsedNames::All;
    }
    let mut set = NameSet::default();
    match clause.strip_prefix('{').and_then(|c| c.strip_suffix('}')) {
        Some(list) => {
            for part in list.split(',') {
                let name = part.split_whitespace().next().unwrap_or("");
                if !name.is_empty() {
                    set.insert(name.to_string());
                }
            }
        }
        None => {
            set.insert("default".to_string());
        }
    }
    UsedNames::Names(set)
}

/// The imports one comment (with its delimiters) declares, as (specifier,
/// kind, used names): `/// <reference path|types>`, a test file's
/// `@vitest-environment` or `@jest-environment`, and `@jsxImportSource`.
fn comment_imports(body: &str) -> Vec<(String, EdgeKind, UsedNames)> {
    let mut declared = Vec::new();
    if let Some(directive) = body.strip_prefix("///") {
        let directive = directive.trim();
        if directive.starts_with("<reference") {
            if let Some(path) = xml_attr(directive, "path") {
                let specifier = if path.starts_with('.') || path.starts_with('/') {
                    path
                } else {
                    format!("./{path}")
                };
                declared.push((specifier, EdgeKind::TypeOnly, UsedNames::All));
            }
            if let Some(types) = xml_attr(directive, "types") {
                declared.push((
                    types,
                    EdgeKind::TypeOnly,
                    UsedNames::Names(NameSet::default()),
                ));
            }
        }
    } else if let Some((at, runner)) = body
        .find("@vitest-environment")
        .map(|at| (at, "vitest"))
        .or_else(|| body.find("@jest-environment").map(|at| (at, "jest")))
    {
        // A test file's own environment: the package that provides it is used.
        let rest = body[at..].trim_start_matches(|c: char| c != ' ' && c != '\t');
        let name: String = rest
            .trim_start()
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '*')
            .collect();
        if let Some(package) = environment_package(runner, &name) {
            declared.push((package, EdgeKind::SideEffect, UsedNames::All));
        }
    } else if let Some(at) = body.find("@jsxImportSource") {
        let rest = body[at + "@jsxImportSource".len()..].trim_start();
        let source: String = rest
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '*')
            .collect();
        if !source.is_empty() {
            declared.push((
                format!("{source}/jsx-runtime"),
                EdgeKind::Static,
                UsedNames::All,
            ));
        }
    }
    declared
}

/// Whether the AST walk can find anything: bindings to follow, or text that
/// may hold `import()`, `import.meta`, `require`, CommonJS exports,
/// `new URL` or a module augmentation.
fn needs_walk(bindings: &ImportBindings, text: &str) -> bool {
    !bindings.is_empty()
        || text.contains("import(")
        || text.contains("import (")
        || text.contains("import.meta")
        || text.contains("require")
        || text.contains("exports")
        || text.contains("new URL")
        || text.contains("declare module")
}

/// Stage: the AST walk over the program, following `bindings`.
fn walk_program(program: &Program, bindings: &ImportBindings) -> Walker {
    let mut walker = Walker::new(bindings.tracked());
    walker.visit_program(program);
    walker
}

/// Stage: the walk's facts into the file's: the uses of tracked bindings,
/// then `import()`, `require`, references, `import.meta.glob`, CommonJS
/// exports; the imports are then sorted by line, duplicates dropped.
fn apply_walk(mut walker: Walker, lines: &mut LineIndex, facts: &mut FileFacts) {
    resolve_tracked(&mut walker, &mut facts.imports);
    for (start, specifier) in walker.dynamic {
        let used = walker.destructured.remove(&start).unwrap_or(UsedNames::All);
        facts.imports.push(ImportFact::new(
            specifier,
            EdgeKind::Dynamic,
            lines.line(start),
            used,
        ));
    }
    for (start, specifier, kind) in walker.requires {
        let used = walker
            .required_used
            .remove(&start)
            .unwrap_or(UsedNames::All);
        facts
            .imports
            .push(ImportFact::new(specifier, kind, lines.line(start), used));
    }
    for (start, specifier, kind, used) in walker.references {
        facts
            .imports
            .push(ImportFact::new(specifier, kind, lines.line(start), used));
    }
    for (start, mut glob) in walker.globs {
        glob.line = lines.line(start);
        facts.globs.push(glob);
    }
    record_commonjs_exports(walker.cjs, lines, facts);
    facts.imports.sort_by_key(|i| i.line);
    facts
        .imports
        .dedup_by(|a, b| a.line == b.line && a.specifier == b.specifier && a.kind == b.kind);
}

/// What each tracked binding was used for: a namespace import's names, a
/// named import's members, the names taken from an `import()` or a
/// `require` bound to a local.
fn resolve_tracked(walker: &mut Walker, imports: &mut [ImportFact]) {
    for (local, track) in &walker.tracked {
        let used = walker.used.remove(local);
        match track {
            Track::Namespace(index) => {
                if let Some(import) = imports.get_mut(*index) {
                    merge(
                        &mut import.used,
                        used.unwrap_or(UsedNames::Names(NameSet::default())),
                    );
                }
            }
            Track::Named(index, name) => {
                if let (Some(import), Some(members)) = (imports.get_mut(*index), used) {
                    import.members.push((name.clone(), members));
                }
            }
            Track::Dynamic(start) => {
                let slot = walker
                    .destructured
                    .entry(*start)
                    .or_insert(UsedNames::Names(NameSet::default()));
                merge(slot, used.unwrap_or(UsedNames::Names(NameSet::default())));
            }
            Track::Required(start) => {
                let slot = walker
                    .required_used
                    .entry(*start)
                    .or_insert(UsedNames::Names(NameSet::default()));
                merge(slot, used.unwrap_or(UsedNames::Names(NameSet::default())));
            }
        }
    }
}

/// Stage: CommonJS exports, member by member when every form is static
/// and the file has no ESM export; otherwise the file is marked `commonjs`
/// (its exports are not checked).
fn record_commonjs_exports(cjs: CommonJs, lines: &mut LineIndex, facts: &mut FileFacts) {
    if cjs.dynamic {
        facts.commonjs = true;
    } else if !cjs.names.is_empty() && facts.exports.is_empty() {
        facts.cjs_exports = true;
        for (name, start) in cjs.names {
            facts.exports.push(ExportFact {
                name,
                line: lines.line(start),
                type_only: false,
                origin: ExportOrigin::Local,
            });
        }
        sort_exports(&mut facts.exports);
    } else if !cjs.names.is_empty() {
        // Both ESM and CommonJS exports: not checked.
        facts.commonjs = true;
    }
}

/// The value of `name="..."` in a triple-slash directive.
pub(crate) fn xml_attr(directive: &str, name: &str) -> Option<String> {
    let at = directive.find(&format!("{name}="))?;
    let rest = &directive[at + name.len() + 1..];
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let inner = &rest[1..];
    let end = inner.find(quote)?;
    Some(inner[..end].to_string())
}

fn merge(into: &mut UsedNames, from: UsedNames) {
    match (into as &mut UsedNames, from) {
        (UsedNames::All, _) => {}
        (slot, UsedNames::All) => *slot = UsedNames::All,
        (UsedNames::Names(a), UsedNames::Names(b)) => a.extend(b),
    }
}

/// What a tracked local binding stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Track {
    /// `import * as ns` (index in `facts.imports`).
    Namespace(usize),
    /// `import { x }` whose members may be read: (index, imported name).
    Named(usize, String),
    /// `const m = await import('x')` (the `import()` span start).
    Dynamic(u32),
    /// `const m = require('x')` (the `require` call span start).
    Required(u32),
}

/// CommonJS exports of a file.
#[derive(Debug, Default)]
struct CommonJs {
    /// `exports.x`, `module.exports.x`, `module.exports = { x }`: (name, span start).
    names: Vec<(String, u32)>,
    /// `module.exports = something` that cannot be listed.
    dynamic: bool,
}

/// How deep the walker goes before it stops descending (the parse guard
/// keeps files far below this; this bounds our own recursion too).
const MAX_WALK_DEPTH: usize = 100_000;

/// Collects what the module record does not hold.
struct Walker {
    /// Locals whose use is tracked member by member.
    tracked: HashMap<String, Track>,
    /// What each tracked local is used for.
    used: HashMap<String, UsedNames>,
    /// `import()` with a literal argument: (span start, specifier).
    dynamic: Vec<(u32, String)>,
    /// `import()` span start -> names taken by destructuring or member use.
    destructured: HashMap<u32, UsedNames>,
    /// `require("x")` and TS `import x = require("x")`: (span start, specifier, kind).
    requires: Vec<(u32, String, EdgeKind)>,
    /// `require` span start -> names taken from it.
    required_used: HashMap<u32, UsedNames>,
    /// References that are not imports: `new URL()`, `import.meta.resolve`,
    /// `require.resolve`, module augmentation.
    references: Vec<(u32, String, EdgeKind, UsedNames)>,
    /// `import.meta.glob`: (span start, patterns, eager).
    globs: Vec<(u32, GlobFact)>,
    /// CommonJS exports.
    cjs: CommonJs,
    /// Whether JSX was met.
    jsx: bool,
    /// Current depth of the walk.
    depth: usize,
}

impl Walker {
    /// A walker following the `tracked` locals.
    fn new(tracked: HashMap<String, Track>) -> Self {
        Self {
            tracked,
            used: HashMap::new(),
            dynamic: Vec::new(),
            destructured: HashMap::new(),
            requires: Vec::new(),
            required_used: HashMap::new(),
            references: Vec::new(),
            globs: Vec::new(),
            cjs: CommonJs::default(),
            jsx: false,
            depth: 0,
        }
    }
}

fn literal_of(expr: &Expression) -> Option<String> {
    match expr.without_parentheses() {
        Expression::StringLiteral(s) => Some(s.value.to_string()),
        Expression::TSAsExpression(e) => literal_of(&e.expression),
        Expression::TemplateLiteral(t) if t.expressions.is_empty() => {
            t.quasis.first().map(|q| q.value.raw.to_string())
        }
        _ => None,
    }
}

fn key_name(key: &PropertyKey) -> Option<String> {
    match key {
        PropertyKey::StaticIdentifier(id) => Some(id.name.to_string()),
        PropertyKey::StringLiteral(s) => Some(s.value.to_string()),
        _ => None,
    }
}

/// Names taken by an object pattern, or `All` when it has a rest element or a
/// computed key.
fn pattern_names(pattern: &BindingPattern) -> UsedNames {
    match pattern {
        BindingPattern::ObjectPattern(obj) => {
            if obj.rest.is_some() {
                return UsedNames::All;
            }
            let mut names = NameSet::default();
            for prop in &obj.properties {
                match key_name(&prop.key) {
                    Some(n) if !prop.computed => {
                        names.insert(n);
                    }
                    _ => return UsedNames::All,
                }
            }
            UsedNames::Names(names)
        }
        BindingPattern::AssignmentPattern(p) => pattern_names(&p.left),
        _ => UsedNames::All,
    }
}

/// The `import()` an expression evaluates to, through parentheses and `await`.
fn import_of<'a, 'b>(expr: &'b Expression<'a>) -> Option<&'b ImportExpression<'a>> {
    match expr.without_parentheses() {
        Expression::ImportExpression(i) => Some(i),
        Expression::AwaitExpression(a) => import_of(&a.argument),
        _ => None,
    }
}

impl<'a> Walker {
    /// Records a member (`Some(name)`) or a whole use (`None`) of a tracked local.
    fn member(&mut self, object: &Expression<'a>, name: Option<String>) -> bool {
        if let Expression::Identifier(id) = object.without_parentheses()
            && self.tracked.contains_key(id.name.as_str())
        {
            let slot = self
                .used
                .entry(id.name.to_string())
                .or_insert_with(|| UsedNames::Names(NameSet::default()));
            match name {
                Some(n) => slot.add(&n),
                None => *slot = UsedNames::All,
            }
            return true;
        }
        false
    }

    /// The `require("x")` call an expression is, with its literal specifier.
    fn require_call<'b>(expr: &'b Expression<'a>) -> Option<(&'b CallExpression<'a>, String)> {
        match expr.without_parentheses() {
            Expression::CallExpression(c) => match &c.callee {
                Expression::Identifier(id) if id.name == "require" => {
                    let spec = c
                        .arguments
                        .first()
                        .and_then(|a| a.as_expression())
                        .and_then(literal_of)?;
                    Some((c, spec))
                }
                _ => None,
            },
            _ => None,
        }
    }
}

/// Whether an expression is `import.meta`.
fn is_import_meta(expr: &Expression) -> bool {
    matches!(expr.without_parentheses(), Expression::ImportMeta(_))
}

/// The string patterns of an `import.meta.glob` first argument.
fn glob_patterns(expr: &Expression) -> Option<Vec<String>> {
    match expr.without_parentheses() {
        Expression::ArrayExpression(a) => a
            .elements
            .iter()
            .map(|e| e.as_expression().and_then(literal_of))
            .collect(),
        other => literal_of(other).map(|s| vec![s]),
    }
}

impl<'a> Visit<'a> for Walker {
    fn visit_expression(&mut self, it: &Expression<'a>) {
        if self.depth > MAX_WALK_DEPTH {
            return;
        }
        self.depth += 1;
        walk::walk_expression(self, it);
        self.depth -= 1;
    }

    fn visit_statement(&mut self, it: &oxc_ast::ast::Statement<'a>) {
        if self.depth > MAX_WALK_DEPTH {
            return;
        }
        self.depth += 1;
        walk::walk_statement(self, it);
        self.depth -= 1;
    }

    fn visit_jsx_element(&mut self, it: &oxc_ast::ast::JSXElement<'a>) {
        self.jsx = true;
        walk::walk_jsx_element(self, it);
    }

    fn visit_jsx_fragment(&mut self, it: &oxc_ast::ast::JSXFragment<'a>) {
        self.jsx = true;
        walk::walk_jsx_fragment(self, it);
    }

    fn visit_static_member_expression(&mut self, it: &StaticMemberExpression<'a>) {
        if self.member(&it.object, Some(it.property.name.to_string())) {
            return;
        }
        // `require("x").name`
        if let Some((call, spec)) = Self::require_call(&it.object) {
            let slot = self
                .required_used
                .entry(call.span.start)
                .or_insert_with(|| UsedNames::Names(NameSet::default()));
            slot.add(it.property.name.as_str());
            self.requires
                .push((call.span.start, spec, EdgeKind::Require));
            return;
        }
        walk::walk_static_member_expression(self, it);
    }

    fn visit_computed_member_expression(&mut self, it: &ComputedMemberExpression<'a>) {
        let name = literal_of(&it.expression);
        if self.member(&it.object, name) {
            self.visit_expression(&it.expression);
            return;
        }
        walk::walk_computed_member_expression(self, it);
    }

    fn visit_export_named_declaration(&mut self, _: &oxc_ast::ast::ExportNamedDeclaration<'a>) {
        // `export { ns }` is read through the export table (a re-export of
        // the import), not a use of the whole binding.
    }

    fn visit_identifier_reference(&mut self, it: &IdentifierReference<'a>) {
        // A tracked binding used as a whole (passed, spread, returned).
        if self.tracked.contains_key(it.name.as_str()) {
            self.used.insert(it.name.to_string(), UsedNames::All);
        }
    }

    fn visit_ts_qualified_name(&mut self, it: &TSQualifiedName<'a>) {
        if let TSTypeName::IdentifierReference(id) = &it.left
            && self.tracked.contains_key(id.name.as_str())
        {
            self.used
                .entry(id.name.to_string())
                .or_insert_with(|| UsedNames::Names(NameSet::default()))
                .add(it.right.name.as_str());
            return;
        }
        walk::walk_ts_qualified_name(self, it);
    }

    fn visit_import_expression(&mut self, it: &ImportExpression<'a>) {
        if let Some(spec) = literal_of(&it.source) {
            self.dynamic.push((it.span.start, spec));
        }
        walk::walk_import_expression(self, it);
    }

    fn visit_variable_declarator(&mut self, it: &VariableDeclarator<'a>) {
        if let Some(init) = &it.init {
            // `const { a } = await import('x')`, `const m = await import('x')`.
            if let Some(import) = import_of(init) {
                match &it.id {
                    BindingPattern::BindingIdentifier(id) => {
                        self.tracked
                            .insert(id.name.to_string(), Track::Dynamic(import.span.start));
                    }
                    pattern => {
                        self.destructured
                            .insert(import.span.start, pattern_names(pattern));
                    }
                }
            }
            // `const { a } = require('x')`, `const m = require('x')`.
            else if let Some((call, spec)) = Self::require_call(init) {
                match &it.id {
                    BindingPattern::BindingIdentifier(id) => {
                        self.tracked
                            .insert(id.name.to_string(), Track::Required(call.span.start));
                    }
                    pattern => {
                        self.required_used
                            .insert(call.span.start, pattern_names(pattern));
                    }
                }
                self.requires
                    .push((call.span.start, spec, EdgeKind::Require));
                return;
            }
            // `const { used } = NS` takes members of a tracked binding.
            else if let Expression::Identifier(id) = init.without_parentheses()
                && self.tracked.contains_key(id.name.as_str())
                && matches!(it.id, BindingPattern::ObjectPattern(_))
            {
                let names = pattern_names(&it.id);
                let slot = self
                    .used
                    .entry(id.name.to_string())
                    .or_insert_with(|| UsedNames::Names(NameSet::default()));
                merge(slot, names);
                return;
            }
        }
        walk::walk_variable_declarator(self, it);
    }

    fn visit_assignment_expression(&mut self, it: &oxc_ast::ast::AssignmentExpression<'a>) {
        if let Some(member) = it.left.as_member_expression() {
            let object = member.object();
            let property = member.static_property_name();
            let is_module_exports = |e: &Expression| {
                matches!(e.without_parentheses(), Expression::StaticMemberExpression(m)
                    if matches!(&m.object, Expression::Identifier(o) if o.name == "module")
                        && m.property.name == "exports")
            };
            let is_exports = matches!(object.without_parentheses(), Expression::Identifier(o) if o.name == "exports");
            if (is_exports || is_module_exports(object))
                && let Some(name) = property
            {
                // `exports.x = …`, `module.exports.x = …`
                self.cjs.names.push((name.to_string(), it.span.start));
            } else if matches!(object.without_parentheses(), Expression::Identifier(o) if o.name == "module")
                && property == Some("exports")
            {
                // `module.exports = { a, b }` lists names; anything else cannot be listed.
                match it.right.without_parentheses() {
                    Expression::ObjectExpression(o) => {
                        for p in &o.properties {
                            match p {
                                oxc_ast::ast::ObjectPropertyKind::ObjectProperty(p)
                                    if !p.computed =>
                                {
                                    match key_name(&p.key) {
                                        Some(name) => self.cjs.names.push((name, it.span.start)),
                                        None => self.cjs.dynamic = true,
                                    }
                                }
                                _ => self.cjs.dynamic = true,
                            }
                        }
                    }
                    _ => self.cjs.dynamic = true,
                }
            }
        }
        walk::walk_assignment_expression(self, it);
    }

    fn visit_new_expression(&mut self, it: &oxc_ast::ast::NewExpression<'a>) {
        // `new URL('./x', import.meta.url)`: workers, assets.
        if matches!(&it.callee, Expression::Identifier(id) if id.name == "URL")
            && let (Some(first), Some(second)) = (it.arguments.first(), it.arguments.get(1))
            && let Some(spec) = first.as_expression().and_then(literal_of)
            && let Some(Expression::StaticMemberExpression(m)) = second.as_expression()
            && is_import_meta(&m.object)
            && m.property.name == "url"
            && (spec.starts_with('.') || spec.starts_with('/'))
        {
            self.references
                .push((it.span.start, spec, EdgeKind::Url, UsedNames::All));
        }
        walk::walk_new_expression(self, it);
    }

    fn visit_ts_import_equals_declaration(
        &mut self,
        it: &oxc_ast::ast::TSImportEqualsDeclaration<'a>,
    ) {
        if let oxc_ast::ast::TSModuleReference::ExternalModuleReference(r) = &it.module_reference {
            let kind = if it.import_kind.is_type() {
                EdgeKind::TypeOnly
            } else {
                EdgeKind::Require
            };
            self.requires
                .push((it.span.start, r.expression.value.to_string(), kind));
        }
        walk::walk_ts_import_equals_declaration(self, it);
    }

    fn visit_ts_external_module_declaration(
        &mut self,
        it: &oxc_ast::ast::TSExternalModuleDeclaration<'a>,
    ) {
        // `declare module './events' { ... }` augments that module.
        let spec = it.id.value.as_str();
        if spec.starts_with('.') {
            self.references.push((
                it.span.start,
                spec.to_string(),
                EdgeKind::TypeOnly,
                UsedNames::All,
            ));
        }
        walk::walk_ts_external_module_declaration(self, it);
    }

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        match &it.callee {
            Expression::Identifier(id) if id.name == "require" => {
                if let Some(spec) = it
                    .arguments
                    .first()
                    .and_then(|a| a.as_expression())
                    .and_then(literal_of)
                    && !self.requires.iter().any(|(s, _, _)| *s == it.span.start)
                {
                    self.requires.push((it.span.start, spec, EdgeKind::Require));
                }
            }
            Expression::StaticMemberExpression(member) => {
                let first = it.arguments.first().and_then(|a| a.as_expression());
                let property = member.property.name.as_str();
                // `require.resolve('./x')`, `import.meta.resolve('./x')`.
                let resolver = property == "resolve"
                    && (is_import_meta(&member.object)
                        || matches!(&member.object, Expression::Identifier(o) if o.name == "require"));
                if resolver && let Some(spec) = first.and_then(literal_of) {
                    self.references
                        .push((it.span.start, spec, EdgeKind::Url, UsedNames::All));
                }
                // `import.meta.glob(patterns, { eager, import, base })`.
                if property == "glob"
                    && is_import_meta(&member.object)
                    && let Some(patterns) = first.and_then(glob_patterns)
                {
                    let options = it.arguments.get(1).and_then(|a| a.as_expression());
                    let (eager, import, base) = glob_options(options);
                    let glob = GlobFact {
                        patterns,
                        eager,
                        import,
                        base,
                        line: 0,
                    };
                    self.globs.push((it.span.start, glob));
                }
                // import("x").then(({ a }) => ...)
                if property == "then"
                    && let Some(import) = import_of(&member.object)
                {
                    let used = match it.arguments.first() {
                        Some(Argument::ArrowFunctionExpression(f)) => first_param_names(&f.params),
                        Some(Argument::FunctionExpression(f)) => first_param_names(&f.params),
                        _ => UsedNames::All,
                    };
                    self.destructured.insert(import.span.start, used);
                }
                // `Object.defineProperty(exports, 'x', …)` (compiled TypeScript).
                if property == "defineProperty"
                    && matches!(&member.object, Expression::Identifier(o) if o.name == "Object")
                    && matches!(first.map(|e| e.without_parentheses()), Some(Expression::Identifier(e)) if e.name == "exports")
                    && let Some(name) = it
                        .arguments
                        .get(1)
                        .and_then(|a| a.as_expression())
                        .and_then(literal_of)
                    && name != "__esModule"
                {
                    self.cjs.names.push((name, it.span.start));
                }
            }
            _ => {}
        }
        walk::walk_call_expression(self, it);
    }
}

fn first_param_names(params: &oxc_ast::ast::FormalParameters) -> UsedNames {
    match params.items.first() {
        Some(p) => pattern_names(&p.pattern),
        None => UsedNames::Names(NameSet::default()),
    }
}

/// The package a per-file test environment docblock names
/// (`@vitest-environment jsdom`, `@jest-environment jsdom`); none for the
/// built-in `node` environment.
fn environment_package(runner: &str, name: &str) -> Option<String> {
    if name.is_empty() || name.starts_with('.') || name.starts_with('/') {
        return None;
    }
    Some(match (runner, name) {
        (_, "node") => return None,
        ("vitest", "edge-runtime") => "@edge-runtime/vm".to_string(),
        ("vitest", "jsdom" | "happy-dom") => name.to_string(),
        ("jest", "jsdom") => "jest-environment-jsdom".to_string(),
        ("vitest", other) if !other.contains('/') && !other.starts_with('@') => {
            format!("vitest-environment-{other}")
        }
        ("jest", other) if !other.contains('/') && !other.starts_with('@') => {
            format!("jest-environment-{other}")
        }
        (_, other) => other.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `text` as the file `name` and hands the result to `stage`.
    fn with_parsed<R>(
        name: &str,
        text: &str,
        stage: impl FnOnce(&ParserReturn, &mut LineIndex) -> R,
    ) -> R {
        let allocator = Allocator::default();
        let ret = Parser::new(&allocator, text, source_type_for(Path::new(name))).parse();
        let mut lines = LineIndex::new(text);
        stage(&ret, &mut lines)
    }

    fn names(list: &[&str]) -> UsedNames {
        let mut set = NameSet::default();
        for name in list {
            set.insert((*name).to_string());
        }
        UsedNames::Names(set)
    }

    /// (specifier, kind, line, used) of each import.
    fn imports_of(facts: &FileFacts) -> Vec<(&str, EdgeKind, u32, UsedNames)> {
        facts
            .imports
            .iter()
            .map(|i| (i.specifier.as_str(), i.kind, i.line, i.used.clone()))
            .collect()
    }

    #[test]
    fn syntax_errors_carry_their_line() {
        let text = "const a = 1;\nconst = 2;\n";
        let errors = with_parsed("a.ts", text, syntax_errors);
        assert!(!errors.is_empty());
        assert!(errors.iter().all(|(line, _)| *line == 2), "{errors:?}");
        assert_eq!(parse_file(Path::new("a.ts"), text).errors, errors);
        assert!(
            parse_file(Path::new("a.ts"), "const a = 1;")
                .errors
                .is_empty()
        );
    }

    #[test]
    fn import_requests_are_one_per_statement_in_source_order() {
        let text = "import { b } from 'y';\nimport a, { c } from 'x';\nexport { d } from 'x';\nimport * as e from 'x';";
        let requests = with_parsed("a.ts", text, |ret, _| {
            import_requests(&ret.module_record)
                .into_iter()
                .map(|(start, spec, occ)| (start, spec.to_string(), occ.is_import))
                .collect::<Vec<_>>()
        });
        let specs: Vec<_> = requests
            .iter()
            .map(|(_, spec, is_import)| (spec.as_str(), *is_import))
            .collect();
        assert_eq!(specs, [("y", true), ("x", true), ("x", false), ("x", true)]);
        assert!(requests.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn record_imports_gives_kinds_names_and_bindings_to_follow() {
        let text = r#"import React, { useState } from 'react';
import type { Props } from './types';
import { type A, type B } from './ab';
import './styles.css';
import * as api from './api';
import { client } from './client';
import { other } from './other';
export { x } from './x';
export type { T } from './t';
client.get();
"#;
        let (facts, bindings) = with_parsed("a.tsx", text, |ret, lines| {
            let mut facts = FileFacts::default();
            let bindings = record_imports(&ret.module_record, text, lines, &mut facts);
            (facts, bindings)
        });
        assert_eq!(
            imports_of(&facts),
            [
                (
                    "react",
                    EdgeKind::Static,
                    1,
                    names(&["default", "useState"])
                ),
                ("./types", EdgeKind::TypeOnly, 2, names(&["Props"])),
                ("./ab", EdgeKind::TypeOnly, 3, names(&["A", "B"])),
                ("./styles.css", EdgeKind::SideEffect, 4, names(&[])),
                ("./api", EdgeKind::Static, 5, names(&[])),
                ("./client", EdgeKind::Static, 6, names(&["client"])),
                ("./other", EdgeKind::Static, 7, names(&["other"])),
                ("./x", EdgeKind::ReExport, 8, names(&[])),
                ("./t", EdgeKind::TypeOnly, 9, names(&[])),
            ]
        );
        // The namespace, and the one named import whose members the text reads.
        assert_eq!(
            bindings,
            ImportBindings {
                namespaces: HashMap::from([("api".to_string(), 4)]),
                named: HashMap::from([("client".to_string(), (5, "client".to_string()))]),
            }
        );
        assert_eq!(
            bindings.tracked(),
            HashMap::from([
                ("api".to_string(), Track::Namespace(4)),
                ("client".to_string(), Track::Named(5, "client".to_string())),
            ])
        );
    }

    #[test]
    fn record_exports_gives_origins_sorted_and_once_per_name() {
        let text = r#"import { a } from './a';
export { a };
export const b = 1, c = 2;
export default function main() {}
export { d as e } from './d';
export * as ns from './ns';
export * from './all';
export type T = string;
export function f(x: string): void;
export function f(x: unknown) {}
"#;
        let facts = with_parsed("a.ts", text, |ret, lines| {
            let mut facts = FileFacts::default();
            record_exports(&ret.module_record, lines, &mut facts);
            facts
        });
        let re_export = |specifier: &str, import: Option<&str>| ExportOrigin::ReExport {
            specifier: specifier.to_string(),
            import: import.map(str::to_string),
        };
        let exports: Vec<_> = facts
            .exports
            .iter()
            .map(|e| (e.name.as_str(), e.line, e.type_only, e.origin.clone()))
            .collect();
        assert_eq!(
            exports,
            [
                ("a", 2, false, re_export("./a", Some("a"))),
                ("b", 3, false, ExportOrigin::Local),
                ("c", 3, false, ExportOrigin::Local),
                ("default", 4, false, ExportOrigin::Local),
                ("e", 5, false, re_export("./d", Some("d"))),
                ("ns", 6, false, re_export("./ns", None)),
                ("T", 8, true, ExportOrigin::Local),
                ("f", 9, false, ExportOrigin::Local),
            ]
        );
        assert_eq!(facts.star_exports, ["./all"]);
    }

    #[test]
    fn comment_imports_read_directives() {
        assert_eq!(
            comment_imports(r#"/// <reference path="globals.d.ts" />"#),
            [(
                "./globals.d.ts".to_string(),
                EdgeKind::TypeOnly,
                UsedNames::All
            )]
        );
        assert_eq!(
            comment_imports("/// <reference types='vite/client' />"),
            [("vite/client".to_string(), EdgeKind::TypeOnly, names(&[]))]
        );
        assert_eq!(
            comment_imports("/** @vitest-environment happy-dom */"),
            [(
                "happy-dom".to_string(),
                EdgeKind::SideEffect,
                UsedNames::All
            )]
        );
        assert_eq!(comment_imports("/** @jest-environment node */"), []);
        assert_eq!(
            comment_imports("/** @jsxImportSource @emotion/react */"),
            [(
                "@emotion/react/jsx-runtime".to_string(),
                EdgeKind::Static,
                UsedNames::All
            )]
        );
        assert_eq!(comment_imports("/** @jsxImportSource */"), []);
        assert_eq!(comment_imports("/// a plain doc comment"), []);
        assert_eq!(comment_imports("// <reference path=\"x\" />"), []);
    }

    #[test]
    fn jsdoc_types_import_modules_type_only() {
        let found = |body: &str| -> Vec<(String, UsedNames)> {
            jsdoc_imports(body)
                .into_iter()
                .map(|(_, s, u)| (s, u))
                .collect()
        };
        assert_eq!(
            found("/** @type {import('next').NextConfig} */"),
            [("next".to_string(), names(&["NextConfig"]))]
        );
        assert_eq!(
            found(
                "/**\n * @typedef {import(\"./shapes.js\").Point} Point\n * @param {typeof import('./api')} api\n */"
            ),
            [
                ("./shapes.js".to_string(), names(&["Point"])),
                ("./api".to_string(), UsedNames::All)
            ]
        );
        assert_eq!(
            found("/** @import { Simplify, Except as E } from 'type-fest' */"),
            [("type-fest".to_string(), names(&["Simplify", "Except"]))]
        );
        assert_eq!(
            found("/** @import * as api from './api.js' */"),
            [("./api.js".to_string(), UsedNames::All)]
        );
        // Prose and examples are not types.
        assert_eq!(
            found(
                "/** Loads lazily: import('./heavy.js') in a handler.\n * @example\n * const m = await import('x'); */"
            ),
            []
        );
    }

    #[test]
    fn jsdoc_imports_are_read_in_javascript_only() {
        let text = "/** @typedef {import('./shapes.js').Point} Point */\nexport const origin = { x: 0, y: 0 };\n";
        let js = parse_file(Path::new("a.js"), text);
        assert_eq!(
            imports_of(&js),
            [("./shapes.js", EdgeKind::TypeOnly, 1, names(&["Point"]))]
        );
        let ts = parse_file(Path::new("a.ts"), text);
        assert!(ts.imports.is_empty());
    }

    #[test]
    fn record_comment_imports_puts_them_at_the_comments_line() {
        let text = "/// <reference types=\"vite/client\" />\nconst a = 1;\n/** @jsxImportSource preact */\n// nothing\n";
        let facts = with_parsed("a.tsx", text, |ret, lines| {
            let mut facts = FileFacts::default();
            record_comment_imports(&ret.program.comments, text, lines, &mut facts);
            facts
        });
        assert_eq!(
            imports_of(&facts),
            [
                ("vite/client", EdgeKind::TypeOnly, 1, names(&[])),
                ("preact/jsx-runtime", EdgeKind::Static, 3, UsedNames::All),
            ]
        );
    }

    #[test]
    fn the_walk_runs_only_when_it_can_find_something() {
        let none = ImportBindings::default();
        assert!(!needs_walk(
            &none,
            "import a from 'a';\nexport const b = a;"
        ));
        for text in [
            "const m = require('x');",
            "import('x');",
            "import ('x');",
            "import.meta.glob('./*.ts');",
            "exports.a = 1;",
            "new URL('./w.js', import.meta.url);",
            "declare module './events' {}",
        ] {
            assert!(needs_walk(&none, text), "{text}");
        }
        let namespace = ImportBindings {
            namespaces: HashMap::from([("ns".to_string(), 0)]),
            named: HashMap::new(),
        };
        assert!(needs_walk(&namespace, "ns;"));
    }

    #[test]
    fn walk_program_follows_bindings_and_finds_late_imports() {
        let text = r#"import * as api from './api';
const m = require('./req');
const w = <Worker url={new URL('./worker.js', import.meta.url)} />;
"#;
        let walker = with_parsed("a.jsx", text, |ret, lines| {
            let mut facts = FileFacts::default();
            let bindings = record_imports(&ret.module_record, text, lines, &mut facts);
            walk_program(&ret.program, &bindings)
        });
        assert!(walker.jsx);
        assert_eq!(walker.tracked.get("api"), Some(&Track::Namespace(0)));
        assert!(matches!(walker.tracked.get("m"), Some(Track::Required(_))));
        assert_eq!(walker.requires.len(), 1);
        assert_eq!(walker.requires[0].1, "./req");
        assert_eq!(walker.references.len(), 1);
        assert_eq!(walker.references[0].1, "./worker.js");
        assert_eq!(walker.references[0].2, EdgeKind::Url);
    }

    #[test]
    fn apply_walk_gives_uses_late_imports_and_globs() {
        let text = r#"import * as api from './api';
import { client } from './client';
const { load } = await import('./lazy');
const m = require('./req');
new Worker(new URL('./worker.js', import.meta.url));
const pages = import.meta.glob(['./pages/*.tsx', '!./pages/_*.tsx'], { eager: true, import: 'setup', base: '../app' });
api.get(m.x, client.post);
import('./whole').then((mod) => mod);
"#;
        let facts = with_parsed("a.mjs", text, |ret, lines| {
            let mut facts = FileFacts::default();
            let bindings = record_imports(&ret.module_record, text, lines, &mut facts);
            let walker = walk_program(&ret.program, &bindings);
            apply_walk(walker, lines, &mut facts);
            facts
        });
        assert_eq!(
            imports_of(&facts),
            [
                ("./api", EdgeKind::Static, 1, names(&["get"])),
                ("./client", EdgeKind::Static, 2, names(&["client"])),
                ("./lazy", EdgeKind::Dynamic, 3, names(&["load"])),
                ("./req", EdgeKind::Require, 4, names(&["x"])),
                ("./worker.js", EdgeKind::Url, 5, UsedNames::All),
                ("./whole", EdgeKind::Dynamic, 8, UsedNames::All),
            ]
        );
        assert_eq!(
            facts.imports[1].members,
            [("client".to_string(), names(&["post"]))]
        );
        assert_eq!(
            facts.globs,
            [GlobFact {
                patterns: vec!["./pages/*.tsx".into(), "!./pages/_*.tsx".into()],
                eager: true,
                import: Some("setup".into()),
                base: Some("../app".into()),
                line: 6,
            }]
        );
        assert!(!facts.commonjs && !facts.cjs_exports);
    }

    #[test]
    fn namespace_members_through_destructuring_spread_and_values() {
        let text = r#"import * as format from './format';
import * as endpoints from './endpoints';
import * as rules from './rules';
import * as handlers from './handlers';
import * as partial from './partial';
import { text } from './lib';
import { config } from './config';
import * as defaults from './defaults';
import { theme } from './theme';
const { currency, date: formatDate } = format;
export const api = { ...endpoints, baseUrl: '/api' };
const allRules = [...Object.values(rules)];
registerAll(handlers);
const { one, ...others } = partial;
function title(s: string) {
  const { capitalize } = text;
  return capitalize(s);
}
if (config.debug) console.log(formatDate, currency, allRules, one, others, title);
export default { ...defaults };
const same = ({ a }) => a === theme;
"#;
        let facts = parse_file(Path::new("src/main.ts"), text);
        assert_eq!(
            imports_of(&facts),
            [
                (
                    "./format",
                    EdgeKind::Static,
                    1,
                    names(&["currency", "date"])
                ),
                // Spread into an exported object: every member, whenever it runs.
                ("./endpoints", EdgeKind::Static, 2, UsedNames::All),
                ("./rules", EdgeKind::Static, 3, UsedNames::All),
                ("./handlers", EdgeKind::Static, 4, UsedNames::All),
                // A rest element takes the members not named.
                ("./partial", EdgeKind::Static, 5, UsedNames::All),
                ("./lib", EdgeKind::Static, 6, names(&["text"])),
                ("./config", EdgeKind::Static, 7, names(&["config"])),
                ("./defaults", EdgeKind::Static, 8, UsedNames::All),
                ("./theme", EdgeKind::Static, 9, names(&["theme"])),
            ]
        );
        // A named import destructured (a re-exported namespace): its members.
        assert_eq!(
            facts.imports[5].members,
            [("text".to_string(), names(&["capitalize"]))]
        );
        assert_eq!(
            facts.imports[6].members,
            [("config".to_string(), names(&["debug"]))]
        );
        // `=>` and `===` after a `}` destructure nothing.
        assert!(facts.imports[8].members.is_empty());
    }

    #[test]
    fn member_words_are_dotted_or_destructured_from() {
        let mut words: Vec<&str> = member_words(
            "api.get(); const { a } = strings; const {b}=more\n; x = { y } == eq; f = ({ z }) => arrow;",
        )
        .into_iter()
        .collect();
        words.sort_unstable();
        assert_eq!(words, ["api", "more", "strings"]);
    }

    #[test]
    fn glob_options_are_read_when_literal() {
        let options = |text: &str| {
            let facts = parse_file(Path::new("a.ts"), text);
            let glob = facts.globs.into_iter().next().expect("a glob");
            (glob.eager, glob.import, glob.base)
        };
        assert_eq!(options("import.meta.glob('./a/*.ts')"), (false, None, None));
        assert_eq!(
            options("import.meta.glob('./a/*.ts', { import: 'default', eager: false })"),
            (false, Some("default".into()), None)
        );
        // `*` and computed names take the whole module.
        assert_eq!(
            options("import.meta.glob('./a/*.ts', { import: '*', eager: true })"),
            (true, None, None)
        );
        assert_eq!(
            options("import.meta.glob('./a/*.ts', { import: name, base: '/src' })"),
            (false, None, Some("/src".into()))
        );
    }

    #[test]
    fn commonjs_requires_use_the_members_they_take() {
        let text = "const m = require('./m');\nconst { a } = m;\nconst b = require('./n').b;\nconst { c, d: renamed } = require('./o');\nmodule.exports = { run: () => [a, b, c, renamed], helper };\nexports.extra = 1;\n";
        let facts = parse_file(Path::new("src/tool.cjs"), text);
        assert_eq!(
            imports_of(&facts),
            [
                ("./m", EdgeKind::Require, 1, names(&["a"])),
                ("./n", EdgeKind::Require, 3, names(&["b"])),
                ("./o", EdgeKind::Require, 4, names(&["c", "d"])),
            ]
        );
        assert!(facts.cjs_exports && !facts.commonjs);
        let exported: Vec<&str> = facts.exports.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(exported, ["helper", "run", "extra"]);
    }

    #[test]
    fn commonjs_exports_are_listed_only_when_static_and_alone() {
        let text = "exports.b = 1;\nexports.a = 2;\nexports.a = 3;\n";
        let mut lines = LineIndex::new(text);
        let local = |name: &str, line| (name.to_string(), line, ExportOrigin::Local);
        let listed = |facts: &FileFacts| {
            facts
                .exports
                .iter()
                .map(|e| (e.name.clone(), e.line, e.origin.clone()))
                .collect::<Vec<_>>()
        };

        let mut facts = FileFacts::default();
        let cjs = CommonJs {
            names: vec![("b".into(), 0), ("a".into(), 15), ("a".into(), 30)],
            dynamic: false,
        };
        record_commonjs_exports(cjs, &mut lines, &mut facts);
        assert!(facts.cjs_exports && !facts.commonjs);
        assert_eq!(listed(&facts), [local("b", 1), local("a", 2)]);

        // `module.exports = something`: nothing can be listed.
        let mut facts = FileFacts::default();
        let cjs = CommonJs {
            names: vec![("a".into(), 0)],
            dynamic: true,
        };
        record_commonjs_exports(cjs, &mut lines, &mut facts);
        assert!(facts.commonjs && !facts.cjs_exports);
        assert!(facts.exports.is_empty());

        // ESM exports too: not checked, the ESM ones kept as they are.
        let mut facts = FileFacts::default();
        facts.exports.push(ExportFact {
            name: "esm".into(),
            line: 9,
            type_only: false,
            origin: ExportOrigin::Local,
        });
        let cjs = CommonJs {
            names: vec![("a".into(), 0)],
            dynamic: false,
        };
        record_commonjs_exports(cjs, &mut lines, &mut facts);
        assert!(facts.commonjs && !facts.cjs_exports);
        assert_eq!(listed(&facts), [local("esm", 9)]);
    }

    #[test]
    fn jsx_comes_from_the_walk_when_there_is_one_else_from_the_text() {
        let jsx = |name: &str, text: &str| parse_file(Path::new(name), text).jsx;
        assert!(jsx("a.jsx", "const a = <div />;"));
        assert!(jsx("a.tsx", "const a = <div></div>;"));
        // No walk: the text decides (a closing tag in a string counts).
        assert!(jsx("a.jsx", "const s = '</';"));
        // A walk: it decides.
        assert!(!jsx("a.jsx", "const x = require('x');\nconst s = '</';"));
        assert!(jsx(
            "a.jsx",
            "const x = require('x');\nconst a = <><b /></>;"
        ));
        // Not a JSX source type.
        assert!(!jsx("a.ts", "const s = '</';"));
    }

    #[test]
    fn test_environment_docblocks_name_packages() {
        assert_eq!(
            environment_package("vitest", "jsdom").as_deref(),
            Some("jsdom")
        );
        assert_eq!(environment_package("vitest", "node"), None);
        assert_eq!(
            environment_package("jest", "jsdom").as_deref(),
            Some("jest-environment-jsdom")
        );
        assert_eq!(
            environment_package("jest", "@acme/jest-env").as_deref(),
            Some("@acme/jest-env")
        );
        assert_eq!(environment_package("jest", "./env.js"), None);
    }

    /// Lines by counting from the start every time.
    fn naive(text: &str, offset: usize) -> u32 {
        let end = offset.min(text.len());
        let newlines = text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        u32::try_from(newlines + 1).unwrap()
    }

    #[test]
    fn line_index_matches_counting_in_any_query_order() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../fixtures/shop-app/src/App.tsx"
        );
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.lines().count() > 10, "fixture too small: {path}");
        let len = text.len();
        // Forwards, backwards, jumping, and past the end.
        let mut offsets: Vec<usize> = (0..=len).step_by(7).collect();
        offsets.extend((0..=len).rev().step_by(13));
        offsets.extend([len / 2, 0, len, len + 100, 1, len / 3]);
        let mut lines = LineIndex::new(&text);
        for offset in offsets {
            assert_eq!(
                lines.line(u32::try_from(offset).unwrap()),
                naive(&text, offset),
                "offset {offset}"
            );
        }
    }
}
