//! Where a module uses what one of its imports brings: at its top level
//! (needed as soon as it loads), in a function that runs when the module's
//! code is called (a component's render), or only in code that runs later
//! (event handlers, effects, timers, observers, promise callbacks). Lazy-loading
//! candidates are ranked with it.
//!
//! The rules, syntactic and name based (no type information):
//! - a reference outside every function is **top level**;
//! - a function is **deferred** when it is a JSX `on*` attribute's value, an
//!   argument of `useEffect`, `useLayoutEffect`, `useInsertionEffect`,
//!   `useCallback`, `addEventListener`, `setTimeout`, `setInterval`,
//!   `requestAnimationFrame`, `requestIdleCallback`, `queueMicrotask`,
//!   `then`, `catch`, `finally`, `on`, `once`, `subscribe`, of `new
//!   IntersectionObserver`, `MutationObserver`, `ResizeObserver`,
//!   `PerformanceObserver`, or when it is named `handle*`, `on*` (upper-case
//!   letter next) or `componentDidMount`/`componentDidUpdate`;
//! - a reference inside a deferred function (at any depth) is **deferred**;
//!   any other reference inside a function is **render**;
//! - types, `export { x }` and the import itself are not uses.
//!
//! The site of an import is its most eager use: one top-level use makes it
//! top level.

use std::path::Path;

use model::analyze::UseSite;
use oxc_allocator::Allocator;
use oxc_ast::ast::{
    Argument, ArrowFunctionExpression, BindingPattern, CallExpression, Expression, Function,
    IdentifierReference, JSXAttribute, JSXAttributeName, JSXAttributeValue, MethodDefinition,
    NewExpression, ObjectProperty, PropertyKey, VariableDeclarator,
};
use oxc_ast_visit::{Visit, walk};
use oxc_parser::Parser;
use oxc_syntax::module_record::ImportImportName;

use super::parse::source_type_for;

/// Callees whose function arguments run later, not when called.
const DEFERRING_CALLS: &[&str] = &[
    "useEffect",
    "useLayoutEffect",
    "useInsertionEffect",
    "useCallback",
    "addEventListener",
    "setTimeout",
    "setInterval",
    "requestAnimationFrame",
    "requestIdleCallback",
    "queueMicrotask",
    "then",
    "catch",
    "finally",
    "on",
    "once",
    "subscribe",
];

/// Constructors whose callback runs later.
const DEFERRING_CONSTRUCTORS: &[&str] = &[
    "IntersectionObserver",
    "MutationObserver",
    "ResizeObserver",
    "PerformanceObserver",
];

/// Where the module `text` (at `path`) uses the bindings of its imports of
/// `specifier`; `None` when it does not use them at run time (types only, a
/// re-export) or the file does not parse.
pub fn use_site(path: &Path, text: &str, specifier: &str) -> Option<UseSite> {
    let allocator = Allocator::default();
    let ret = Parser::new(&allocator, text, source_type_for(path)).parse();
    if ret.panicked {
        return None;
    }
    let names: Vec<&str> = ret
        .module_record
        .import_entries
        .iter()
        .filter(|e| e.module_request.name == specifier && !e.is_type)
        .filter(|e| {
            matches!(
                e.import_name,
                ImportImportName::Name(_)
                    | ImportImportName::Default(_)
                    | ImportImportName::NamespaceObject
            )
        })
        .map(|e| e.local_name.name.as_str())
        .collect();
    if names.is_empty() {
        return None;
    }
    let mut sites = Sites {
        names: &names,
        stack: Vec::new(),
        arm: false,
        site: None,
    };
    sites.visit_program(&ret.program);
    sites.site
}

struct Sites<'n> {
    names: &'n [&'n str],
    /// Enclosing functions: whether each is deferred.
    stack: Vec<bool>,
    /// The next function entered is deferred.
    arm: bool,
    site: Option<UseSite>,
}

fn deferred_name(name: &str) -> bool {
    let upper_after = |prefix: &str| {
        name.strip_prefix(prefix)
            .and_then(|rest| rest.chars().next())
            .is_some_and(|c| c.is_ascii_uppercase())
    };
    upper_after("on")
        || upper_after("handle")
        || name == "componentDidMount"
        || name == "componentDidUpdate"
}

fn callee_name<'a>(callee: &'a Expression<'a>) -> Option<&'a str> {
    match callee {
        Expression::Identifier(id) => Some(id.name.as_str()),
        Expression::StaticMemberExpression(m) => Some(m.property.name.as_str()),
        _ => None,
    }
}

impl Sites<'_> {
    fn record(&mut self, site: UseSite) {
        // Most eager use wins: top level over render over deferred.
        let eager = |s: UseSite| match s {
            UseSite::TopLevel | UseSite::FirstRender => 2,
            UseSite::Render => 1,
            UseSite::Deferred => 0,
        };
        if self.site.is_none_or(|old| eager(site) > eager(old)) {
            self.site = Some(site);
        }
    }

    fn enter<F: FnOnce(&mut Self)>(&mut self, named_deferred: bool, body: F) {
        let deferred = std::mem::take(&mut self.arm) || named_deferred;
        self.stack.push(deferred);
        body(self);
        self.stack.pop();
    }

    fn armed<F: FnOnce(&mut Self)>(&mut self, body: F) {
        let old = std::mem::replace(&mut self.arm, true);
        body(self);
        self.arm = old;
    }
}

impl<'a> Visit<'a> for Sites<'_> {
    fn visit_identifier_reference(&mut self, it: &IdentifierReference<'a>) {
        if self.names.contains(&it.name.as_str()) {
            let site = if self.stack.is_empty() {
                UseSite::TopLevel
            } else if self.stack.iter().any(|d| *d) {
                UseSite::Deferred
            } else {
                UseSite::Render
            };
            self.record(site);
        }
    }

    fn visit_function(&mut self, it: &Function<'a>, flags: oxc_syntax::scope::ScopeFlags) {
        let named = it.id.as_ref().is_some_and(|id| deferred_name(&id.name));
        self.enter(named, |s| walk::walk_function(s, it, flags));
    }

    fn visit_arrow_function_expression(&mut self, it: &ArrowFunctionExpression<'a>) {
        self.enter(false, |s| walk::walk_arrow_function_expression(s, it));
    }

    fn visit_variable_declarator(&mut self, it: &VariableDeclarator<'a>) {
        if let BindingPattern::BindingIdentifier(id) = &it.id
            && deferred_name(&id.name)
            && let Some(init) = &it.init
        {
            self.armed(|s| s.visit_expression(init));
            return;
        }
        walk::walk_variable_declarator(self, it);
    }

    fn visit_object_property(&mut self, it: &ObjectProperty<'a>) {
        if let PropertyKey::StaticIdentifier(key) = &it.key
            && deferred_name(&key.name)
        {
            self.armed(|s| s.visit_expression(&it.value));
            return;
        }
        walk::walk_object_property(self, it);
    }

    fn visit_method_definition(&mut self, it: &MethodDefinition<'a>) {
        if let PropertyKey::StaticIdentifier(key) = &it.key
            && deferred_name(&key.name)
        {
            self.armed(|s| walk::walk_method_definition(s, it));
            return;
        }
        walk::walk_method_definition(self, it);
    }

    fn visit_jsx_attribute(&mut self, it: &JSXAttribute<'a>) {
        let handler = match &it.name {
            JSXAttributeName::Identifier(id) => deferred_name(&id.name),
            JSXAttributeName::NamespacedName(_) => false,
        };
        match (&it.value, handler) {
            (Some(JSXAttributeValue::ExpressionContainer(_)), true) => {
                self.armed(|s| walk::walk_jsx_attribute(s, it));
            }
            _ => walk::walk_jsx_attribute(self, it),
        }
    }

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        if callee_name(&it.callee).is_some_and(|n| DEFERRING_CALLS.contains(&n)) {
            self.visit_expression(&it.callee);
            for argument in &it.arguments {
                self.armed(|s| s.visit_argument(argument));
            }
            return;
        }
        walk::walk_call_expression(self, it);
    }

    fn visit_new_expression(&mut self, it: &NewExpression<'a>) {
        if callee_name(&it.callee).is_some_and(|n| DEFERRING_CONSTRUCTORS.contains(&n)) {
            for argument in &it.arguments {
                if let Argument::SpreadElement(_) = argument {
                    continue;
                }
                self.armed(|s| s.visit_argument(argument));
            }
            return;
        }
        walk::walk_new_expression(self, it);
    }

    // Not uses: types, and `export { x }` (read through the export table).
    fn visit_ts_type(&mut self, _: &oxc_ast::ast::TSType<'a>) {}
    fn visit_ts_type_annotation(&mut self, _: &oxc_ast::ast::TSTypeAnnotation<'a>) {}
    fn visit_ts_interface_declaration(&mut self, _: &oxc_ast::ast::TSInterfaceDeclaration<'a>) {}
    fn visit_ts_type_alias_declaration(&mut self, _: &oxc_ast::ast::TSTypeAliasDeclaration<'a>) {}
    fn visit_export_named_declaration(&mut self, _: &oxc_ast::ast::ExportNamedDeclaration<'a>) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(text: &str) -> Option<UseSite> {
        use_site(Path::new("src/Page.tsx"), text, "chart-kit")
    }

    #[test]
    fn top_level_render_and_deferred_uses() {
        assert_eq!(
            site("import { draw } from 'chart-kit';\nconst chart = draw();\nexport default chart;"),
            Some(UseSite::TopLevel)
        );
        assert_eq!(
            site(
                "import { Chart } from 'chart-kit';\nexport function Page() { return <Chart />; }"
            ),
            Some(UseSite::Render)
        );
        assert_eq!(
            site(
                "import { exportPng } from 'chart-kit';\n\
                 export function Page() { return <button onClick={() => exportPng()}>Save</button>; }"
            ),
            Some(UseSite::Deferred)
        );
        assert_eq!(
            site(
                "import * as charts from 'chart-kit';\n\
                 export function Page() {\n  useEffect(() => { charts.mount(ref.current); }, []);\n  const handleExport = () => charts.exportPng();\n  return null;\n}"
            ),
            Some(UseSite::Deferred)
        );
        // One render use outweighs deferred ones.
        assert_eq!(
            site(
                "import { Chart, exportPng } from 'chart-kit';\n\
                 export function Page() { return <Chart onClick={() => exportPng()} />; }"
            ),
            Some(UseSite::Render)
        );
        // A handler built at render time (called now) is a render use.
        assert_eq!(
            site(
                "import { makeHandler } from 'chart-kit';\n\
                 export function Page() { return <button onClick={makeHandler(1)} />; }"
            ),
            Some(UseSite::Render)
        );
    }

    #[test]
    fn types_and_re_exports_are_not_uses() {
        assert_eq!(
            site("import { Options } from 'chart-kit';\nexport function f(o: Options): void {}"),
            None
        );
        assert_eq!(
            site("import { Chart } from 'chart-kit';\nexport { Chart };"),
            None
        );
        assert_eq!(
            site("import type { Chart } from 'chart-kit';\nconst x = 1;"),
            None
        );
    }

    #[test]
    fn callbacks_of_observers_timers_and_promises_are_deferred() {
        assert_eq!(
            site(
                "import { track } from 'chart-kit';\n\
                 new IntersectionObserver((entries) => track(entries));\n\
                 setTimeout(() => track([]), 100);\n\
                 fetch('/x').then((r) => track(r));"
            ),
            Some(UseSite::Deferred)
        );
        assert_eq!(
            site(
                "import { track } from 'chart-kit';\n\
                 class Panel { componentDidMount() { track(this); } render() { return null; } }"
            ),
            Some(UseSite::Deferred)
        );
    }
}
