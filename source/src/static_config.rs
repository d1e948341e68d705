//! Reading configuration files without running them: a JS/TS config file
//! (`vite.config.ts`, `.storybook/main.ts`, `.eslintrc.cjs`...) is parsed
//! with oxc and its exported value is evaluated statically into a
//! [`Static`] tree: literals, arrays, objects, calls (`defineConfig({...})`,
//! `route("about", "routes/about.tsx")`), `require('x')`, and `Unknown`
//! wherever the value depends on running code. JSON files with comments
//! (`tsconfig.json`, `.eslintrc.json`) are read with [`read_jsonc`].
//!
//! perfscope never executes user configuration: what cannot be read
//! statically is `Unknown`, and plugins fall back to the tool's defaults
//! with a diagnostic.

use std::collections::HashMap;
use std::path::Path;

use oxc_allocator::Allocator;
use oxc_ast::ast::{
    Argument, ArrayExpression, ArrayExpressionElement, BindingPattern, Expression, NewExpression,
    ObjectExpression, ObjectPropertyKind, PropertyKey, Statement, StaticMemberExpression,
};
use oxc_parser::Parser;

use project::fsx;

/// A statically known value.
#[derive(Debug, Clone, PartialEq)]
pub enum Static {
    /// A string.
    Str(String),
    /// A number.
    Num(f64),
    /// A boolean.
    Bool(bool),
    /// `null` or `undefined`.
    Null,
    /// An array; spread elements that are arrays are flattened.
    Array(Vec<Static>),
    /// An object's properties in source order (spread objects merged).
    Object(Vec<(String, Static)>),
    /// A call: the callee's dotted name (`defineConfig`, `path.resolve`) and
    /// its arguments.
    Call(String, Vec<Static>),
    /// `require('x')` or `import('x')`.
    Require(String),
    /// Depends on running code.
    Unknown,
}

/// Calls that only wrap a configuration object.
const WRAPPERS: &[&str] = &[
    "defineConfig",
    "defineProject",
    "defineWorkspace",
    "defineNuxtConfig",
    "withNextra",
    "tseslint.config",
];

impl Static {
    /// The value of `key` when this is an object (after unwrapping config wrappers).
    pub fn get(&self, key: &str) -> Option<&Static> {
        match self.unwrap_config() {
            Static::Object(props) => props.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value at a dotted path (`test.setupFiles`).
    pub fn at(&self, path: &str) -> Option<&Static> {
        path.split('.').try_fold(self, |v, key| v.get(key))
    }

    /// `defineConfig(x)` → `x`; a function returning a value → that value.
    /// Another call whose first argument is an object literal is taken as a
    /// wrapper too (`withSentryConfig(nextConfig, {...})`,
    /// `withBundleAnalyzer({...})(config)` is not read).
    pub fn unwrap_config(&self) -> &Static {
        match self {
            Static::Call(name, args)
                if WRAPPERS.contains(&name.as_str()) || name.ends_with(".config") =>
            {
                args.first().map_or(self, Static::unwrap_config)
            }
            Static::Call(_, args) => match args.first().map(Static::unwrap_config) {
                Some(inner @ Static::Object(_)) => inner,
                _ => self,
            },
            other => other,
        }
    }

    /// The string, when this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Static::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Every string of a string or an array (nested arrays included); items
    /// that are not strings are skipped.
    pub fn strings(&self) -> Vec<&str> {
        match self {
            Static::Str(s) => vec![s.as_str()],
            Static::Array(items) => items.iter().flat_map(Static::strings).collect(),
            _ => Vec::new(),
        }
    }

    /// The items of an array (a single value as one item).
    pub fn items(&self) -> Vec<&Static> {
        match self {
            Static::Array(items) => items.iter().collect(),
            Static::Null | Static::Unknown => Vec::new(),
            other => vec![other],
        }
    }

    /// Whether the value (or something in it) could not be read.
    pub fn has_unknown(&self) -> bool {
        match self {
            Static::Unknown => true,
            Static::Array(items) => items.iter().any(Static::has_unknown),
            Static::Object(props) => props.iter().any(|(_, v)| v.has_unknown()),
            Static::Call(_, args) => args.iter().any(Static::has_unknown),
            _ => false,
        }
    }
}

/// What a configuration file says.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConfigFile {
    /// `export default …` or `module.exports = …` (`Unknown` when there is neither).
    pub value: Option<Static>,
    /// Named exports (`export const x = …`, `exports.x = …`).
    pub named: HashMap<String, Static>,
}

/// Configuration files larger than this are not read.
const MAX_CONFIG_BYTES: u64 = 4 * 1024 * 1024;

/// How deep evaluation follows values (identifiers, nested literals).
const MAX_EVAL_DEPTH: usize = 64;

/// Reads and evaluates a JS/TS configuration file. `Ok(None)` when there is
/// no such file; an error says what is wrong with it.
pub fn read_js(path: &Path) -> Result<Option<ConfigFile>, String> {
    let Some(bytes) = fsx::read_regular(path, MAX_CONFIG_BYTES).map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    let text = String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())?;
    evaluate_js(path, &text).map(Some)
}

/// Evaluates the exports of `text` (the contents of `path`).
pub fn evaluate_js(path: &Path, text: &str) -> Result<ConfigFile, String> {
    if let Some(depth) = project::depth::too_deep(text.as_bytes(), 2_000) {
        return Err(format!("nests too deeply to be read ({depth} levels)"));
    }
    let allocator = Allocator::default();
    let source_type = super::parse::source_type_for(path);
    let ret = Parser::new(&allocator, text, source_type).parse();
    if ret.panicked {
        return Err(match ret.diagnostics.first() {
            Some(d) => format!("syntax error: {}", d.message),
            None => "syntax error".to_string(),
        });
    }
    let mut env: HashMap<&str, &Expression> = HashMap::new();
    for statement in &ret.program.body {
        let declaration = match statement {
            Statement::VariableDeclaration(d) => Some(&**d),
            Statement::ExportDeclaration(e) => match &e.declaration {
                oxc_ast::ast::Declaration::VariableDeclaration(d) => Some(&**d),
                _ => None,
            },
            _ => None,
        };
        for d in declaration.iter().flat_map(|d| d.declarations.iter()) {
            if let (BindingPattern::BindingIdentifier(id), Some(init)) = (&d.id, &d.init) {
                env.insert(id.name.as_str(), init);
            }
        }
    }
    let eval = Evaluator { env: &env };
    let mut out = ConfigFile::default();
    for statement in &ret.program.body {
        match statement {
            Statement::ExportDefaultDeclaration(e) => {
                out.value = Some(match e.declaration.as_expression() {
                    Some(expr) => eval.eval(expr, 0),
                    None => match &e.declaration {
                        oxc_ast::ast::ExportDefaultDeclarationKind::FunctionDeclaration(f) => f
                            .body
                            .as_ref()
                            .map_or(Static::Unknown, |b| eval.returned(&b.statements, 0)),
                        _ => Static::Unknown,
                    },
                });
            }
            Statement::ExportDeclaration(e) => {
                if let oxc_ast::ast::Declaration::VariableDeclaration(d) = &e.declaration {
                    for d in &d.declarations {
                        if let (BindingPattern::BindingIdentifier(id), Some(init)) =
                            (&d.id, &d.init)
                        {
                            out.named.insert(id.name.to_string(), eval.eval(init, 0));
                        }
                    }
                }
            }
            Statement::ExpressionStatement(s) => {
                if let Expression::AssignmentExpression(a) = &s.expression
                    && let Some(member) = a.left.as_member_expression()
                {
                    let target = member_name(member.object()).unwrap_or_default();
                    let property = member.static_property_name().unwrap_or_default();
                    if target == "module" && property == "exports" {
                        out.value = Some(eval.eval(&a.right, 0));
                    } else if target == "exports" || target == "module.exports" {
                        out.named
                            .insert(property.to_string(), eval.eval(&a.right, 0));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Path helpers whose result is a path relative to the config's folder when
/// their arguments are strings: `path.resolve(__dirname, 'src')`.
const PATH_CALLS: &[&str] = &[
    "path.resolve",
    "path.join",
    "path.posix.resolve",
    "path.posix.join",
    "resolve",
    "join",
];

/// `path.resolve` / `path.join` over strings, relative to the config's
/// folder (`.`): `./src`. An absolute part, `..` above the folder or a part
/// it cannot read gives `Unknown`.
fn join_paths(args: &[Static]) -> Static {
    let mut parts: Vec<String> = Vec::new();
    for arg in args {
        let Some(text) = arg.as_str() else {
            return Static::Unknown;
        };
        if text.starts_with('/') {
            return Static::Unknown;
        }
        for segment in text.split('/') {
            match segment {
                "" | "." => {}
                ".." => {
                    if parts.pop().is_none() {
                        return Static::Unknown;
                    }
                }
                other => parts.push(other.to_string()),
            }
        }
    }
    Static::Str(if parts.is_empty() {
        ".".into()
    } else {
        format!("./{}", parts.join("/"))
    })
}

/// Deep merge as Vite's `mergeConfig`: `b` wins, objects merge, arrays concatenate.
fn merge(a: Static, b: Static) -> Static {
    match (a, b) {
        (Static::Object(mut left), Static::Object(right)) => {
            for (key, value) in right {
                match left.iter().rposition(|(k, _)| *k == key) {
                    Some(i) => {
                        let old = std::mem::replace(&mut left[i].1, Static::Null);
                        left[i].1 = merge(old, value);
                    }
                    None => left.push((key, value)),
                }
            }
            Static::Object(left)
        }
        (Static::Array(mut left), Static::Array(right)) => {
            left.extend(right);
            Static::Array(left)
        }
        (a, Static::Unknown | Static::Null) => a,
        (_, b) => b,
    }
}

/// `a.b.c` of an identifier or a chain of static members.
fn member_name(expr: &Expression) -> Option<String> {
    match expr.without_parentheses() {
        Expression::Identifier(id) => Some(id.name.to_string()),
        Expression::StaticMemberExpression(m) => {
            Some(format!("{}.{}", member_name(&m.object)?, m.property.name))
        }
        _ => None,
    }
}

struct Evaluator<'e, 'a> {
    env: &'e HashMap<&'a str, &'e Expression<'a>>,
}

impl<'a> Evaluator<'_, 'a> {
    fn eval(&self, expr: &Expression<'a>, depth: usize) -> Static {
        if depth > MAX_EVAL_DEPTH {
            return Static::Unknown;
        }
        let next = depth + 1;
        let expr = expr.without_parentheses();
        if let Some(value) = literal(expr) {
            return value;
        }
        match expr {
            Expression::Identifier(id) => self.identifier(id.name.as_str(), next),
            Expression::StaticMemberExpression(m) => self.static_member(m, next),
            Expression::NewExpression(n) => self.new_expression(n, next),
            Expression::ArrayExpression(a) => self.array(a, next),
            Expression::ObjectExpression(o) => self.object(o, next),
            Expression::CallExpression(c) => {
                call_value(member_name(&c.callee), self.arguments(&c.arguments, next))
            }
            Expression::ImportExpression(i) => match self.eval(&i.source, next) {
                Static::Str(s) => Static::Require(s),
                _ => Static::Unknown,
            },
            // Wrappers that leave the value as it is.
            Expression::AwaitExpression(a) => self.eval(&a.argument, next),
            Expression::TSAsExpression(e) => self.eval(&e.expression, next),
            Expression::TSSatisfiesExpression(e) => self.eval(&e.expression, next),
            Expression::TSNonNullExpression(e) => self.eval(&e.expression, next),
            Expression::TSTypeAssertion(e) => self.eval(&e.expression, next),
            Expression::ArrowFunctionExpression(f) => match &f.body {
                oxc_ast::ast::ArrowFunctionBody::FunctionBody(body) => {
                    self.returned(&body.statements, next)
                }
                other => other
                    .as_expression()
                    .map_or(Static::Unknown, |e| self.eval(e, next)),
            },
            Expression::FunctionExpression(f) => f
                .body
                .as_ref()
                .map_or(Static::Unknown, |b| self.returned(&b.statements, next)),
            Expression::BinaryExpression(b)
                if b.operator == oxc_syntax::operator::BinaryOperator::Addition =>
            {
                match (self.eval(&b.left, next), self.eval(&b.right, next)) {
                    (Static::Str(l), Static::Str(r)) => Static::Str(l + &r),
                    _ => Static::Unknown,
                }
            }
            _ => Static::Unknown,
        }
    }

    /// An identifier: `undefined`, the config's own folder (`__dirname`,
    /// paths are taken relative to it) unless the file declares one, or a
    /// top-level `const` of the file.
    fn identifier(&self, name: &str, next: usize) -> Static {
        if name == "undefined" {
            return Static::Null;
        }
        if name == "__dirname" && !self.env.contains_key("__dirname") {
            return Static::Str(".".into());
        }
        match self.env.get(name) {
            Some(init) => self.eval(init, next),
            None => Static::Unknown,
        }
    }

    /// `import.meta.dirname` and `import.meta.url` (the config's folder), or
    /// a property of an object.
    fn static_member(&self, m: &StaticMemberExpression<'a>, next: usize) -> Static {
        if matches!(m.object.without_parentheses(), Expression::ImportMeta(_)) {
            return match m.property.name.as_str() {
                "dirname" | "url" => Static::Str(".".into()),
                _ => Static::Unknown,
            };
        }
        match self.eval(&m.object, next) {
            Static::Object(props) => props
                .into_iter()
                .rev()
                .find(|(k, _)| k == m.property.name.as_str())
                .map_or(Static::Unknown, |(_, v)| v),
            _ => Static::Unknown,
        }
    }

    /// `new URL('./src', import.meta.url)`: the path, relative to the config.
    fn new_expression(&self, n: &NewExpression<'a>, next: usize) -> Static {
        if member_name(&n.callee).as_deref() != Some("URL") {
            return Static::Unknown;
        }
        match self.arguments(&n.arguments, next).as_slice() {
            [Static::Str(path), Static::Str(base)] if base == "." => {
                join_paths(&[Static::Str(".".into()), Static::Str(path.clone())])
            }
            _ => Static::Unknown,
        }
    }

    /// Each argument's value (a spread one is `Unknown`).
    fn arguments(&self, arguments: &[Argument<'a>], next: usize) -> Vec<Static> {
        arguments
            .iter()
            .map(|a| {
                a.as_expression()
                    .map_or(Static::Unknown, |e| self.eval(e, next))
            })
            .collect()
    }

    /// An array: spread arrays flattened, holes skipped.
    fn array(&self, a: &ArrayExpression<'a>, next: usize) -> Static {
        let mut items = Vec::new();
        for element in &a.elements {
            match element {
                ArrayExpressionElement::SpreadElement(s) => match self.eval(&s.argument, next) {
                    Static::Array(inner) => items.extend(inner),
                    other => items.push(other),
                },
                ArrayExpressionElement::Elision(_) => {}
                other => {
                    if let Some(e) = other.as_expression() {
                        items.push(self.eval(e, next));
                    }
                }
            }
        }
        Static::Array(items)
    }

    /// An object: properties in source order, spread objects merged in,
    /// computed keys it cannot name left out.
    fn object(&self, o: &ObjectExpression<'a>, next: usize) -> Static {
        let mut props = Vec::new();
        for property in &o.properties {
            match property {
                ObjectPropertyKind::ObjectProperty(p) => {
                    let Some(key) = key_name(&p.key, p.computed) else {
                        continue;
                    };
                    props.push((key, self.eval(&p.value, next)));
                }
                ObjectPropertyKind::SpreadProperty(s) => {
                    if let Static::Object(inner) = self.eval(&s.argument, next) {
                        props.extend(inner);
                    }
                }
            }
        }
        Static::Object(props)
    }

    /// The value a function body returns: its last top-level `return`.
    fn returned(&self, statements: &[Statement<'a>], depth: usize) -> Static {
        statements
            .iter()
            .rev()
            .find_map(|s| match s {
                Statement::ReturnStatement(r) => Some(
                    r.argument
                        .as_ref()
                        .map_or(Static::Null, |e| self.eval(e, depth + 1)),
                ),
                _ => None,
            })
            .unwrap_or(Static::Unknown)
    }
}

/// A literal's value: a string, a template without expressions, a number,
/// a boolean or `null`; `None` for any other expression.
fn literal(expr: &Expression) -> Option<Static> {
    Some(match expr {
        Expression::StringLiteral(s) => Static::Str(s.value.to_string()),
        Expression::TemplateLiteral(t) if t.expressions.is_empty() => Static::Str(
            t.quasis
                .first()
                .map(|q| q.value.cooked.as_ref().unwrap_or(&q.value.raw).to_string())
                .unwrap_or_default(),
        ),
        Expression::NumericLiteral(n) => Static::Num(n.value),
        Expression::BooleanLiteral(b) => Static::Bool(b.value),
        Expression::NullLiteral(_) => Static::Null,
        _ => return None,
    })
}

/// A call's value from its callee's dotted name and its arguments' values:
/// `require('x')`, path helpers, `fileURLToPath`, `process.cwd()`,
/// `dirname`, `mergeConfig`; another named call stays a [`Static::Call`].
fn call_value(callee: Option<String>, args: Vec<Static>) -> Static {
    match callee {
        Some(name) if name == "require" => match args.first() {
            Some(Static::Str(s)) => Static::Require(s.clone()),
            _ => Static::Unknown,
        },
        Some(name) if PATH_CALLS.contains(&name.as_str()) => join_paths(&args),
        Some(name) if name == "fileURLToPath" || name.ends_with(".fileURLToPath") => {
            match args.into_iter().next() {
                Some(Static::Str(s)) => Static::Str(s),
                _ => Static::Unknown,
            }
        }
        Some(name) if name == "process.cwd" => Static::Str(".".into()),
        Some(name) if name == "dirname" || name == "path.dirname" => parent_folder(args.first()),
        // Vite's and Vitest's `mergeConfig(a, b)`: a deep merge,
        // arrays concatenated; a part it cannot read is left out.
        Some(name) if name == "mergeConfig" || name.ends_with(".mergeConfig") => args
            .into_iter()
            .map(|a| a.unwrap_config().clone())
            .filter(|a| matches!(a, Static::Object(_)))
            .reduce(merge)
            .unwrap_or(Static::Unknown),
        Some(name) => Static::Call(name, args),
        None => Static::Unknown,
    }
}

/// `dirname(fileURLToPath(import.meta.url))`: the config's folder is `.`;
/// another path loses its last part.
fn parent_folder(path: Option<&Static>) -> Static {
    match path.and_then(Static::as_str) {
        Some(".") => Static::Str(".".into()),
        Some(p) => match p.trim_end_matches('/').rsplit_once('/') {
            Some((parent, _)) if !parent.is_empty() => Static::Str(parent.to_string()),
            _ => Static::Str(".".into()),
        },
        None => Static::Unknown,
    }
}

fn key_name(key: &PropertyKey, computed: bool) -> Option<String> {
    match key {
        PropertyKey::StaticIdentifier(id) if !computed => Some(id.name.to_string()),
        PropertyKey::StringLiteral(s) => Some(s.value.to_string()),
        PropertyKey::NumericLiteral(n) => Some(n.value.to_string()),
        _ => None,
    }
}

/// Reads a JSON file that may hold comments and trailing commas
/// (`tsconfig.json`, `.eslintrc.json`, `.babelrc`). `Ok(None)` when absent.
pub fn read_jsonc(path: &Path) -> Result<Option<serde_json::Value>, String> {
    let Some(bytes) = fsx::read_regular(path, MAX_CONFIG_BYTES).map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    let mut text = String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())?;
    // A BOM is common in files written on Windows.
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    json_strip_comments::strip(&mut text).map_err(|e| format!("not valid JSON: {e}"))?;
    serde_json::from_str(&text).map(Some).map_err(|e| {
        format!(
            "not valid JSON (line {}, column {}: {})",
            e.line(),
            e.column(),
            fsx::json_problem(&e)
        )
    })
}

/// A JSON value as a [`Static`] (so plugins read JSON and JS configs alike).
pub fn from_json(value: &serde_json::Value) -> Static {
    match value {
        serde_json::Value::Null => Static::Null,
        serde_json::Value::Bool(b) => Static::Bool(*b),
        serde_json::Value::Number(n) => Static::Num(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => Static::Str(s.clone()),
        serde_json::Value::Array(items) => Static::Array(items.iter().map(from_json).collect()),
        serde_json::Value::Object(map) => {
            Static::Object(map.iter().map(|(k, v)| (k.clone(), from_json(v))).collect())
        }
    }
}

/// Reads a configuration file of any kind perfscope understands: JSON (with
/// comments) for `.json`, `.eslintrc`, `.babelrc`, `.prettierrc` and
/// similar extension-less files, JS/TS otherwise.
pub fn read_any(path: &Path) -> Result<Option<Static>, String> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let json = ext == "json"
        || matches!(
            name,
            ".eslintrc" | ".babelrc" | ".prettierrc" | ".postcssrc" | ".swcrc"
        );
    if json {
        return read_jsonc(path).map(|v| v.as_ref().map(from_json));
    }
    if matches!(ext, "yml" | "yaml") {
        return read_yaml(path);
    }
    Ok(read_js(path)?.map(|c| c.value.unwrap_or(Static::Unknown)))
}

/// Reads a YAML configuration file (`.eslintrc.yml`, `pnpm-workspace.yaml`).
pub fn read_yaml(path: &Path) -> Result<Option<Static>, String> {
    let Some(bytes) = fsx::read_regular(path, MAX_CONFIG_BYTES).map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    let text = String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())?;
    let docs =
        yaml_rust2::YamlLoader::load_from_str(&text).map_err(|e| format!("not valid YAML: {e}"))?;
    Ok(Some(docs.first().map_or(Static::Null, from_yaml)))
}

fn from_yaml(value: &yaml_rust2::Yaml) -> Static {
    use yaml_rust2::Yaml;
    match value {
        Yaml::String(s) => Static::Str(s.clone()),
        Yaml::Integer(i) => Static::Num(*i as f64),
        Yaml::Real(r) => r.parse().map_or(Static::Unknown, Static::Num),
        Yaml::Boolean(b) => Static::Bool(*b),
        Yaml::Array(items) => Static::Array(items.iter().map(from_yaml).collect()),
        Yaml::Hash(map) => Static::Object(
            map.iter()
                .filter_map(|(k, v)| Some((k.as_str()?.to_string(), from_yaml(v))))
                .collect(),
        ),
        Yaml::Null => Static::Null,
        _ => Static::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(name: &str, text: &str) -> Static {
        evaluate_js(Path::new(name), text).unwrap().value.unwrap()
    }

    #[test]
    fn vite_configs_read_statically() {
        let v = eval(
            "vite.config.ts",
            r#"import react from '@vitejs/plugin-react';
const setup = ['./src/setup.ts'];
export default defineConfig(({ mode }) => ({
  plugins: [react()],
  test: { environment: 'jsdom', setupFiles: [...setup, `./more.ts`], include: process.env.X },
  build: { rollupOptions: { input: { main: 'index.html', admin: 'admin/index.html' } } },
}));"#,
        );
        assert_eq!(
            v.at("test.environment").and_then(Static::as_str),
            Some("jsdom")
        );
        assert_eq!(
            v.at("test.setupFiles").unwrap().strings(),
            ["./src/setup.ts", "./more.ts"]
        );
        assert_eq!(v.at("test.include"), Some(&Static::Unknown));
        let input = v.at("build.rollupOptions.input").unwrap();
        assert_eq!(
            input.get("admin").and_then(Static::as_str),
            Some("admin/index.html")
        );
    }

    #[test]
    fn merged_configs_and_path_helpers() {
        // Vitest's documented shape: the Vite config merged with the test part.
        let v = eval(
            "vitest.config.ts",
            r#"import { fileURLToPath, URL } from 'node:url';
import path from 'node:path';
import { mergeConfig, defineConfig } from 'vitest/config';
import viteConfig from './vite.config';
export default mergeConfig(viteConfig, defineConfig({
  resolve: { alias: {
    '@': path.resolve(__dirname, './src'),
    '~lib': fileURLToPath(new URL('./src/lib', import.meta.url)),
    '#root': path.join(process.cwd(), 'src', '..'),
    'outside': path.resolve(__dirname, '../../elsewhere'),
    'abs': path.resolve('/etc'),
    'dir': path.resolve(dirname(fileURLToPath(import.meta.url)), 'src/dir'),
  } },
  test: { setupFiles: ['./src/setup-tests.ts'] },
}), defineConfig({ test: { setupFiles: ['./src/more.ts'] } }));"#,
        );
        assert_eq!(
            v.at("test.setupFiles").unwrap().strings(),
            ["./src/setup-tests.ts", "./src/more.ts"]
        );
        let alias = |k: &str| v.at("resolve.alias").unwrap().get(k).cloned();
        assert_eq!(alias("@"), Some(Static::Str("./src".into())));
        assert_eq!(alias("~lib"), Some(Static::Str("./src/lib".into())));
        assert_eq!(alias("#root"), Some(Static::Str(".".into())));
        assert_eq!(alias("outside"), Some(Static::Unknown));
        assert_eq!(alias("abs"), Some(Static::Unknown));
        assert_eq!(alias("dir"), Some(Static::Str("./src/dir".into())));
    }

    #[test]
    fn commonjs_and_route_calls() {
        let v = eval(
            ".eslintrc.cjs",
            "module.exports = { plugins: ['react-refresh'], extends: ['plugin:x/y'], parser: require.resolve('p') };",
        );
        assert_eq!(v.get("plugins").unwrap().strings(), ["react-refresh"]);
        let routes = eval(
            "routes.ts",
            r#"export default [index("routes/home.tsx"), ...prefix("p", [route(":id", "routes/d.tsx")])] satisfies RouteConfig;"#,
        );
        let Static::Array(items) = routes else {
            panic!()
        };
        assert_eq!(items.len(), 2);
        assert_eq!(
            items[1],
            Static::Call(
                "prefix".into(),
                vec![
                    Static::Str("p".into()),
                    Static::Array(vec![Static::Call(
                        "route".into(),
                        vec![
                            Static::Str(":id".into()),
                            Static::Str("routes/d.tsx".into())
                        ]
                    )])
                ]
            )
        );
    }

    #[test]
    fn literals_identifiers_members_and_concatenation() {
        let v = eval(
            "app.config.ts",
            r#"const base = 'src';
const shared = { deep: 'first', deep: 'last' };
const value: string | undefined = 'v';
export default {
  s: 'a', t: `b`, n: 2, yes: true, nil: null, undef: undefined,
  tpl: `x${base}`,
  sum: base + '/app', minus: 1 - 1,
  base,
  here: __dirname, meta: import.meta.dirname, url: (import.meta).url, env: import.meta.env,
  missing: nowhere, member: shared.deep, absent: shared.none, ofUnknown: nowhere.deep,
  typed: ('c' as const), nonNull: value!, checked: <string>'d',
};"#,
        );
        let at = |k: &str| v.get(k).cloned();
        let str = |s: &str| Some(Static::Str(s.into()));
        assert_eq!(at("s"), str("a"));
        assert_eq!(at("t"), str("b"));
        assert_eq!(at("n"), Some(Static::Num(2.0)));
        assert_eq!(at("yes"), Some(Static::Bool(true)));
        assert_eq!(at("nil"), Some(Static::Null));
        assert_eq!(at("undef"), Some(Static::Null));
        assert_eq!(at("tpl"), Some(Static::Unknown));
        assert_eq!(at("sum"), str("src/app"));
        assert_eq!(at("minus"), Some(Static::Unknown));
        assert_eq!(at("base"), str("src"));
        assert_eq!(at("here"), str("."));
        assert_eq!(at("meta"), str("."));
        assert_eq!(at("url"), str("."));
        assert_eq!(at("env"), Some(Static::Unknown));
        assert_eq!(at("missing"), Some(Static::Unknown));
        assert_eq!(at("member"), str("last"));
        assert_eq!(at("absent"), Some(Static::Unknown));
        assert_eq!(at("ofUnknown"), Some(Static::Unknown));
        assert_eq!(at("typed"), str("c"));
        assert_eq!(at("nonNull"), str("v"));
        assert_eq!(at("checked"), str("d"));
    }

    #[test]
    fn a_declared_dirname_is_the_files_own() {
        let v = eval(
            "vite.config.mjs",
            "const __dirname = 'elsewhere';\nexport default { root: __dirname };",
        );
        assert_eq!(v.get("root"), Some(&Static::Str("elsewhere".into())));
    }

    #[test]
    fn arrays_and_objects_spread_skip_and_key() {
        let v = eval(
            "x.config.js",
            r#"const more = [2, 3];
const extra = { b: 2 };
export default {
  list: [1, , ...more, ...unknownThing],
  obj: { a: 1, ...extra, ...notAnObject, [computed]: 3, 'quoted': 4, 5: 'five', ['lit']: 6 },
};"#,
        );
        assert_eq!(
            v.get("list"),
            Some(&Static::Array(vec![
                Static::Num(1.0),
                Static::Num(2.0),
                Static::Num(3.0),
                Static::Unknown,
            ]))
        );
        assert_eq!(
            v.get("obj"),
            Some(&Static::Object(vec![
                ("a".into(), Static::Num(1.0)),
                ("b".into(), Static::Num(2.0)),
                ("quoted".into(), Static::Num(4.0)),
                ("5".into(), Static::Str("five".into())),
                ("lit".into(), Static::Num(6.0)),
            ]))
        );
    }

    #[test]
    fn urls_functions_and_dynamic_imports() {
        let v = eval(
            "x.config.ts",
            r#"export default async () => {
  const unused = 1;
  return {
    lib: new URL('./src/lib', import.meta.url),
    remote: new URL('./x', 'https://example.com'),
    other: new Foo('./x', import.meta.url),
    plugin: await import('./plugin'),
    computed: import(name),
    fn: function () { return 'inner'; },
    empty: function () { return; },
    none: function () {},
  };
};"#,
        );
        let at = |k: &str| v.get(k).cloned();
        assert_eq!(at("lib"), Some(Static::Str("./src/lib".into())));
        assert_eq!(at("remote"), Some(Static::Unknown));
        assert_eq!(at("other"), Some(Static::Unknown));
        assert_eq!(at("plugin"), Some(Static::Require("./plugin".into())));
        assert_eq!(at("computed"), Some(Static::Unknown));
        assert_eq!(at("fn"), Some(Static::Str("inner".into())));
        assert_eq!(at("empty"), Some(Static::Null));
        assert_eq!(at("none"), Some(Static::Unknown));
    }

    #[test]
    fn evaluation_stops_at_its_depth_limit() {
        let nested = |levels: usize| {
            format!(
                "export default {}1{};",
                "[".repeat(levels),
                "]".repeat(levels)
            )
        };
        assert!(!eval("a.js", &nested(MAX_EVAL_DEPTH)).has_unknown());
        assert!(eval("a.js", &nested(MAX_EVAL_DEPTH + 2)).has_unknown());
    }

    #[test]
    fn call_values_of_known_calls() {
        let s = |v: &str| Static::Str(v.into());
        let call = |name: &str, args: Vec<Static>| call_value(Some(name.into()), args);
        assert_eq!(call("require", vec![s("x")]), Static::Require("x".into()));
        assert_eq!(call("require", vec![Static::Num(1.0)]), Static::Unknown);
        assert_eq!(
            call("path.join", vec![s("."), s("a"), s("b/../c")]),
            s("./a/c")
        );
        assert_eq!(call("url.fileURLToPath", vec![s("./x")]), s("./x"));
        assert_eq!(call("fileURLToPath", vec![]), Static::Unknown);
        assert_eq!(call("process.cwd", vec![]), s("."));
        assert_eq!(call("path.dirname", vec![s("./src/app")]), s("./src"));
        assert_eq!(
            call("route", vec![s("a")]),
            Static::Call("route".into(), vec![s("a")])
        );
        assert_eq!(call_value(None, vec![s("a")]), Static::Unknown);
        // `mergeConfig`: objects merged (arrays concatenated), unwrapped from
        // config wrappers; parts it cannot read are left out.
        let merged = call(
            "vite.mergeConfig",
            vec![
                Static::Object(vec![("a".into(), Static::Array(vec![Static::Num(1.0)]))]),
                Static::Unknown,
                Static::Call(
                    "defineConfig".into(),
                    vec![Static::Object(vec![
                        ("a".into(), Static::Array(vec![Static::Num(2.0)])),
                        ("b".into(), Static::Bool(true)),
                    ])],
                ),
            ],
        );
        assert_eq!(
            merged,
            Static::Object(vec![
                (
                    "a".into(),
                    Static::Array(vec![Static::Num(1.0), Static::Num(2.0)])
                ),
                ("b".into(), Static::Bool(true)),
            ])
        );
        assert_eq!(call("mergeConfig", vec![Static::Unknown]), Static::Unknown);
    }

    #[test]
    fn parent_folder_drops_the_last_part() {
        let s = |v: &str| Static::Str(v.into());
        assert_eq!(parent_folder(Some(&s("."))), s("."));
        assert_eq!(parent_folder(Some(&s("./src/app"))), s("./src"));
        assert_eq!(parent_folder(Some(&s("./src/"))), s("."));
        assert_eq!(parent_folder(Some(&s("file.ts"))), s("."));
        assert_eq!(parent_folder(Some(&s("/abs"))), s("."));
        assert_eq!(parent_folder(Some(&Static::Num(1.0))), Static::Unknown);
        assert_eq!(parent_folder(None), Static::Unknown);
    }

    #[test]
    fn jsonc_with_comments_and_trailing_commas() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tsconfig.json");
        std::fs::write(
            &path,
            "{\n // c\n \"extends\": \"@acme/tsconfig/base.json\", /* x */\n}",
        )
        .unwrap();
        let v = read_jsonc(&path).unwrap().unwrap();
        assert_eq!(v["extends"], "@acme/tsconfig/base.json");
    }
}
