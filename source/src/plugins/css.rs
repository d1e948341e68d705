//! Stylesheets: the packages their at-rules name are used. `@import
//! "tailwindcss"`, Tailwind v4's `@plugin "@tailwindcss/typography"` and
//! `@config`/`@reference`, Sass's `@use`/`@forward` (`~pkg` too), `@import
//! url("pkg/x.css")`. Stylesheets are not modules of the graph; a package
//! they name is used by production code (CSS ships), yet it is never a
//! "devDependency in production": stylesheets are compiled at build time.
//! The scan is textual: a commented-out rule still counts (toward "used").
//! `.scss`/`.sass` files use `sass` and `sass-embedded` (tooling) when a
//! bundler that compiles them with whichever is installed (Vite, Next.js,
//! webpack's `sass-loader`...) is listed in any workspace.

use model::analyze::Role;

use super::{Ctx, Found, Plugin};
use project::fsx;

/// The plugin.
pub const PLUGIN: Plugin = Plugin {
    name: "css",
    detect: |ctx| ctx.side_files.iter().any(|p| crate::walk::is_style(p)),
    run,
};

/// At most this many stylesheets are read per workspace, each up to this size.
const MAX_STYLES: usize = 5_000;
const MAX_STYLE_BYTES: u64 = 2 * 1024 * 1024;

/// At-rules whose argument names a file or package.
const RULES: &[&str] = &[
    "@import",
    "@plugin",
    "@config",
    "@reference",
    "@use",
    "@forward",
];

/// Packages that compile `.scss`/`.sass` with the Sass compiler installed
/// beside them (`sass` or `sass-embedded`).
const SASS_COMPILERS: &[&str] = &[
    "vite",
    "next",
    "sass-loader",
    "react-scripts",
    "parcel",
    "@rsbuild/plugin-sass",
    "astro",
    "nuxt",
    "gatsby-plugin-sass",
    "@angular-devkit/build-angular",
];

/// The Sass compilers, with why, when the workspace has Sass files and a
/// workspace of the repository lists a bundler that compiles them.
fn sass_uses(ctx: &Ctx<'_>, found: &mut Found) {
    let Some(sheet) = ctx.side_files.iter().find(|p| is_sass(p)) else {
        return;
    };
    let listed = |name: &str| ctx.layout.workspaces.iter().any(|w| w.has_dep(name));
    let Some(bundler) = SASS_COMPILERS.iter().find(|b| listed(b)) else {
        return;
    };
    let why = format!("css: {bundler} compiles {} with it", ctx.rel(sheet));
    for compiler in ["sass", "sass-embedded"] {
        found.use_package(compiler, Role::Tooling, why.clone());
    }
}

/// Whether `path` is a Sass file (`.scss` or `.sass`).
fn is_sass(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e, "scss" | "sass"))
}

fn run(ctx: &Ctx<'_>, found: &mut Found) {
    sass_uses(ctx, found);
    for path in ctx
        .side_files
        .iter()
        .filter(|p| crate::walk::is_style(p))
        .take(MAX_STYLES)
    {
        let Ok(Some(bytes)) = fsx::read_regular(path, MAX_STYLE_BYTES) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let rel = model::path::display(ctx.root, path);
        for specifier in specifiers(&text) {
            if let Some(name) = stylesheet_package(&specifier) {
                let rule = format!("css: named in {rel}");
                found.use_specifier(&name, Role::Production, rule);
            }
        }
    }
}

/// The specifiers the file's at-rules name, in order.
pub fn specifiers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(offset) = text[at..].find('@') {
        let start = at + offset;
        at = start + 1;
        let Some(rule) = RULES.iter().find(|r| {
            text[start..].starts_with(**r)
                && !bytes
                    .get(start + r.len())
                    .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'-')
        }) else {
            continue;
        };
        let mut rest = text[start + rule.len()..].trim_start();
        if let Some(inner) = rest.strip_prefix("url(") {
            rest = inner.trim_start();
            let end = rest.find(')').unwrap_or(rest.len());
            let value = rest[..end].trim().trim_matches(['"', '\'']);
            out.push(value.to_string());
            continue;
        }
        let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        if let Some(end) = rest[1..].find(quote) {
            out.push(rest[1..1 + end].to_string());
        }
    }
    out
}

/// The package a stylesheet specifier names, if it names one: not a path,
/// not a URL, not a Sass built-in (`sass:math`).
fn stylesheet_package(specifier: &str) -> Option<String> {
    let s = specifier.trim().trim_start_matches('~');
    if s.is_empty()
        || s.starts_with(['.', '/', '#'])
        || s.contains("://")
        || s.starts_with("data:")
        || s.split('/').next().is_some_and(|first| first.contains(':'))
    {
        return None;
    }
    project::packages::bare_package_name(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_rules_name_packages() {
        let css = r#"@import "tailwindcss";
@plugin "@tailwindcss/typography";
@plugin '@tailwindcss/forms' { strategy: "class"; }
@import url("@fontsource/inter/400.css") layer(base);
@import url(normalize.css);
@import "./theme.css";
@import "https://fonts.googleapis.com/css2?family=Inter";
@use "sass:math";
@use "~bootstrap/scss/functions" as fn;
@importer "not-a-rule";
@media (min-width: 1px) { .a { color: red } }
"#;
        let names: Vec<String> = specifiers(css)
            .iter()
            .filter_map(|s| stylesheet_package(s))
            .collect();
        assert_eq!(
            names,
            [
                "tailwindcss",
                "@tailwindcss/typography",
                "@tailwindcss/forms",
                "@fontsource/inter",
                "normalize.css",
                "bootstrap"
            ]
        );
    }

    #[test]
    fn sass_files_are_scss_and_sass() {
        use std::path::Path;
        assert!(is_sass(Path::new("src/app.scss")) && is_sass(Path::new("src/_vars.sass")));
        assert!(!is_sass(Path::new("src/app.css")) && !is_sass(Path::new("src/scss")));
    }
}
