//! Parsing one file with oxc and extracting the facts the findings need:
//! imports (with the names they use), exports, re-exports. The AST is dropped
//! before returning; only owned facts leave this module.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use model::analyze::EdgeKind;
use oxc_allocator::Allocator;
use oxc_ast::ast::{
    Argument, BindingPattern, CallExpression, ComputedMemberExpression, Expression,
    IdentifierReference, ImportExpression, MemberExpression, PropertyKey, StaticMemberExpression,
    TSQualifiedName, TSTypeName, VariableDeclarator,
};
use oxc_ast_visit::{Visit, walk};
use oxc_parser::Parser;
use oxc_span::SourceType;
use oxc_syntax::module_record::{
    ExportExportName, ExportImportName, ExportLocalName, ImportImportName,
};

/// Which exported names of its target an import uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsedNames {
    /// Every export (namespace escaping, `require`, `import()` used whole).
    All,
    /// Only these names (`default` for the default export); may be empty.
    Names(NameSet),
}

/// A small sorted set of names (most imports use one to three): a sorted
/// `Vec`, much lighter than a tree for so few.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
#[derive(Debug, Clone)]
pub struct ImportFact {
    /// The specifier as written.
    pub specifier: String,
    /// Edge kind.
    pub kind: EdgeKind,
    /// 1-based line.
    pub line: u32,
    /// Names of the target this import uses.
    pub used: UsedNames,
}

/// Where an exported name comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone)]
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

/// Everything the analysis keeps from a parsed file.
#[derive(Debug, Clone, Default)]
pub struct FileFacts {
    /// Imports in source order.
    pub imports: Vec<ImportFact>,
    /// Exported names.
    pub exports: Vec<ExportFact>,
    /// Specifiers of `export * from` declarations.
    pub star_exports: Vec<String>,
    /// Syntax errors: (1-based line, message).
    pub errors: Vec<(u32, String)>,
    /// Whether the file uses CommonJS exports (`module.exports`, `exports.x`).
    pub commonjs: bool,
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
    let mut facts = FileFacts::default();
    for error in &ret.diagnostics {
        let offset = error.labels.first().map(|l| l.offset()).unwrap_or(0);
        facts
            .errors
            .push((lines.line(offset), error.message.to_string()));
    }
    if ret.panicked {
        return facts;
    }
    let record = &ret.module_record;

    // Namespace imports: local name -> index in `facts.imports`.
    let mut namespaces: HashMap<String, usize> = HashMap::new();

    // Imports and re-exports, one fact per statement.
    let mut requests: Vec<(u32, &str, oxc_syntax::module_record::RequestedModule)> =
        Vec::with_capacity(record.requested_modules.len());
    for (spec, occurrences) in &record.requested_modules {
        for occ in occurrences {
            requests.push((occ.statement_span.start, spec.as_str(), *occ));
        }
    }
    requests.sort_by_key(|(start, spec, _)| (*start, *spec));
    requests.dedup_by_key(|(start, spec, _)| (*start, *spec));
    facts.imports.reserve(requests.len());
    facts
        .exports
        .reserve(record.local_export_entries.len() + record.indirect_export_entries.len());
    for (start, spec, occ) in requests {
        let line = lines.line(start);
        if occ.is_import {
            let entries: Vec<_> = record
                .import_entries
                .iter()
                .filter(|e| e.statement_span == occ.statement_span)
                .collect();
            let kind = if entries.is_empty() {
                if occ.is_type {
                    EdgeKind::TypeOnly
                } else {
                    EdgeKind::SideEffect
                }
            } else if occ.is_type || entries.iter().all(|e| e.is_type) {
                EdgeKind::TypeOnly
            } else {
                EdgeKind::Static
            };
            let mut used = UsedNames::Names(NameSet::default());
            let index = facts.imports.len();
            for entry in &entries {
                match &entry.import_name {
                    ImportImportName::Name(name) => used.add(name.name.as_str()),
                    ImportImportName::Default(_) => used.add("default"),
                    ImportImportName::NamespaceObject => {
                        namespaces.insert(entry.local_name.name.to_string(), index);
                    }
                }
            }
            facts.imports.push(ImportFact {
                specifier: spec.to_string(),
                kind,
                line,
                used,
            });
        } else {
            // `export ... from`: names are used through the re-export table.
            let kind = if occ.is_type {
                EdgeKind::TypeOnly
            } else {
                EdgeKind::ReExport
            };
            facts.imports.push(ImportFact {
                specifier: spec.to_string(),
                kind,
                line,
                used: UsedNames::Names(NameSet::default()),
            });
        }
    }

    for entry in &record.local_export_entries {
        let name = match &entry.export_name {
            ExportExportName::Name(n) => n.name.to_string(),
            ExportExportName::Default(_) => "default".to_string(),
            ExportExportName::Null => continue,
        };
        // `import { a } from "x"; export { a }` is a re-export in effect.
        let origin = match &entry.local_name {
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
        };
        facts.exports.push(ExportFact {
            name,
            line: lines.line(entry.span.start),
            type_only: entry.is_type,
            origin,
        });
    }
    for entry in &record.indirect_export_entries {
        let name = match &entry.export_name {
            ExportExportName::Name(n) => n.name.to_string(),
            ExportExportName::Default(_) => "default".to_string(),
            ExportExportName::Null => continue,
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
    facts
        .exports
        .sort_by(|a, b| (a.line, &a.name).cmp(&(b.line, &b.name)));
    facts.exports.dedup_by(|a, b| a.name == b.name);

    // The AST walk: only when the file can contain what it looks for.
    let needs_walk = !namespaces.is_empty()
        || text.contains("import(")
        || text.contains("import (")
        || text.contains("require")
        || text.contains("exports");
    if needs_walk {
        let mut walker = Walker {
            namespaces: namespaces.keys().cloned().collect(),
            ns_used: HashMap::new(),
            dynamic: Vec::new(),
            destructured: HashMap::new(),
            requires: Vec::new(),
            commonjs: false,
        };
        walker.visit_program(&ret.program);
        facts.commonjs = walker.commonjs;
        for (local, index) in &namespaces {
            let used = walker
                .ns_used
                .remove(local)
                .unwrap_or(UsedNames::Names(NameSet::default()));
            if let Some(import) = facts.imports.get_mut(*index) {
                merge(&mut import.used, used);
            }
        }
        for (start, specifier) in walker.dynamic {
            let used = walker.destructured.remove(&start).unwrap_or(UsedNames::All);
            facts.imports.push(ImportFact {
                specifier,
                kind: EdgeKind::Dynamic,
                line: lines.line(start),
                used,
            });
        }
        for (start, specifier) in walker.requires {
            facts.imports.push(ImportFact {
                specifier,
                kind: EdgeKind::Require,
                line: lines.line(start),
                used: UsedNames::All,
            });
        }
        facts.imports.sort_by_key(|i| i.line);
    }
    facts
}

fn merge(into: &mut UsedNames, from: UsedNames) {
    match (into as &mut UsedNames, from) {
        (UsedNames::All, _) => {}
        (slot, UsedNames::All) => *slot = UsedNames::All,
        (UsedNames::Names(a), UsedNames::Names(b)) => a.extend(b),
    }
}

/// Collects what the module record does not hold.
struct Walker {
    namespaces: HashSet<String>,
    ns_used: HashMap<String, UsedNames>,
    /// `import()` with a literal argument: (span start, specifier).
    dynamic: Vec<(u32, String)>,
    /// `import()` span start -> names taken by destructuring.
    destructured: HashMap<u32, UsedNames>,
    /// `require("x")`: (span start, specifier).
    requires: Vec<(u32, String)>,
    commonjs: bool,
}

fn literal_of(expr: &Expression) -> Option<String> {
    match expr.without_parentheses() {
        Expression::StringLiteral(s) => Some(s.value.to_string()),
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
    fn ns_member(&mut self, object: &Expression<'a>, name: Option<String>) -> bool {
        if let Expression::Identifier(id) = object.without_parentheses()
            && self.namespaces.contains(id.name.as_str())
        {
            let slot = self
                .ns_used
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
}

impl<'a> Visit<'a> for Walker {
    fn visit_static_member_expression(&mut self, it: &StaticMemberExpression<'a>) {
        if self.ns_member(&it.object, Some(it.property.name.to_string())) {
            return;
        }
        if let Expression::Identifier(id) = &it.object
            && (id.name == "module" && it.property.name == "exports" || id.name == "exports")
        {
            self.commonjs = true;
        }
        walk::walk_static_member_expression(self, it);
    }

    fn visit_computed_member_expression(&mut self, it: &ComputedMemberExpression<'a>) {
        let name = literal_of(&it.expression);
        if self.ns_member(&it.object, name) {
            self.visit_expression(&it.expression);
            return;
        }
        walk::walk_computed_member_expression(self, it);
    }

    fn visit_identifier_reference(&mut self, it: &IdentifierReference<'a>) {
        if self.namespaces.contains(it.name.as_str()) {
            self.ns_used.insert(it.name.to_string(), UsedNames::All);
        }
    }

    fn visit_ts_qualified_name(&mut self, it: &TSQualifiedName<'a>) {
        if let TSTypeName::IdentifierReference(id) = &it.left
            && self.namespaces.contains(id.name.as_str())
        {
            self.ns_used
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
        if let Some(init) = &it.init
            && let Some(import) = import_of(init)
        {
            let used = pattern_names(&it.id);
            self.destructured.insert(import.span.start, used);
        }
        walk::walk_variable_declarator(self, it);
    }

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        match &it.callee {
            Expression::Identifier(id) if id.name == "require" => {
                if let Some(Argument::StringLiteral(s)) = it.arguments.first() {
                    self.requires.push((it.span.start, s.value.to_string()));
                }
            }
            callee => {
                // import("x").then(({ a }) => ...)
                if let Some(MemberExpression::StaticMemberExpression(member)) =
                    callee.as_member_expression()
                    && member.property.name == "then"
                    && let Some(import) = import_of(&member.object)
                {
                    let used = match it.arguments.first() {
                        Some(Argument::ArrowFunctionExpression(f)) => first_param_names(&f.params),
                        Some(Argument::FunctionExpression(f)) => first_param_names(&f.params),
                        _ => UsedNames::All,
                    };
                    self.destructured.insert(import.span.start, used);
                }
            }
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

#[cfg(test)]
mod tests {
    use super::LineIndex;

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
