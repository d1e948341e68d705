//! Files that are not JavaScript modules but hold ESM `import` lines: MDX
//! documents (`.mdx`: Next.js pages with `@next/mdx`, docs sites, Storybook
//! docs) and single-file components (`.vue`, `.svelte`, `.astro`, whose
//! `<script>` blocks or frontmatter import modules). perfscope does not parse
//! them as modules; the modules and packages their `import` lines name are
//! used. A relative specifier, or one under a path alias, is resolved to
//! a file of the project (the extensions a bundler tries, then `index.*`)
//! and becomes an entry, production unless the file sits in a folder only
//! tools read (`.storybook`, stories); a bare specifier marks its package
//! used. These files themselves are never reported unused (MDX content is
//! often loaded by path at run time; components are found by their
//! framework's conventions, which perfscope does not model). The scan is textual: an `import`
//! line inside a code fence counts too, toward "used".

use std::path::Path;

use model::analyze::Role;

use super::{Ctx, Found, Plugin};
use crate::walk::is_import_holder;
use project::fsx;

/// The plugin.
pub const PLUGIN: Plugin = Plugin {
    name: "sfc",
    detect: |ctx| ctx.side_files.iter().any(|p| is_import_holder(p)),
    run,
};

/// At most this many files are read per workspace, each up to this size.
const MAX_DOCS: usize = 5_000;
const MAX_DOC_BYTES: u64 = 2 * 1024 * 1024;

/// What a bundler tries after a specifier without its extension.
const EXTENSIONS: &[&str] = &[
    ".tsx", ".ts", ".jsx", ".js", ".mjs", ".cjs", ".mdx", ".vue", ".svelte", ".astro",
];

fn run(ctx: &Ctx<'_>, found: &mut Found) {
    let aliases = found.aliases.clone();
    for doc in ctx
        .side_files
        .iter()
        .filter(|p| is_import_holder(p))
        .take(MAX_DOCS)
    {
        let Ok(Some(bytes)) = fsx::read_regular(doc, MAX_DOC_BYTES) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let rel = ctx.rel(doc);
        let role = if rel.contains(".storybook/") || rel.contains(".stories.") {
            Role::Tooling
        } else {
            Role::Production
        };
        for specifier in import_specifiers(&text) {
            let target = if specifier.starts_with('.') {
                doc.parent().map(|d| d.join(&specifier))
            } else {
                aliases
                    .iter()
                    .filter(|(prefix, _)| specifier.starts_with(prefix.as_str()))
                    .max_by_key(|(prefix, _)| prefix.len())
                    .map(|(prefix, dir)| dir.join(&specifier[prefix.len()..]))
            };
            match target {
                Some(target) => {
                    // Inside the workspace only (never read outside it).
                    if let Some(file) = crate::walk::probe(&target, EXTENSIONS)
                        .and_then(|f| f.canonicalize().ok())
                        .filter(|f| project::fsx::is_under(f, &ctx.ws.dir))
                    {
                        found.entry(file, role, format!("{}: imported by {rel}", kind_of(doc)));
                    }
                }
                None => found.use_specifier(
                    &specifier,
                    role,
                    format!("{}: imported by {rel}", kind_of(doc)),
                ),
            }
        }
    }
}

/// `mdx`, `vue`, `svelte` or `astro`: the file's kind, for the reason.
fn kind_of(path: &Path) -> &str {
    path.extension().and_then(|e| e.to_str()).unwrap_or("sfc")
}

/// The specifiers of the document's ESM import and re-export lines
/// (`import X from './x'`, `import { a } from "pkg"`, `import './side'`,
/// `export { b } from './b'`), statements that may span lines.
pub fn import_specifiers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut statement = String::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if statement.is_empty() {
            let starts = trimmed.starts_with("import ")
                || trimmed.starts_with("import{")
                || trimmed.starts_with("import'")
                || trimmed.starts_with("import\"")
                || (trimmed.starts_with("export ") && trimmed.contains(" from"))
                || (trimmed.starts_with("export {") || trimmed.starts_with("export *"));
            if !starts {
                continue;
            }
        }
        statement.push_str(trimmed);
        statement.push(' ');
        // A statement ends with its quoted specifier.
        if let Some(specifier) = last_quoted(&statement) {
            let after_from = statement.contains(" from") || statement.contains("}from");
            let bare_import = statement.trim_start().starts_with("import")
                && !statement.contains(" from")
                && !statement.contains("}from");
            if after_from || bare_import {
                out.push(specifier);
                statement.clear();
                continue;
            }
        }
        // A statement longer than a few lines is not one.
        if statement.len() > 4_000 {
            statement.clear();
        }
    }
    out
}

/// The last `'…'` or `"…"` string of `text`, when the text ends right after
/// it (optionally with `;`).
fn last_quoted(text: &str) -> Option<String> {
    let t = text.trim_end().trim_end_matches(';').trim_end();
    let quote = t.chars().last().filter(|c| *c == '\'' || *c == '"')?;
    let body = &t[..t.len() - 1];
    let start = body.rfind(quote)?;
    let value = &body[start + 1..];
    (!value.is_empty()).then(|| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esm_lines_of_a_document() {
        let doc = r#"---
title: Getting started
---
import { Callout } from '../components/callout'
import Chart from "@/components/chart";
import {
  Tabs,
  Tab,
} from 'nextra/components'
import './styles.css'
export { meta } from './meta'

# Getting started

Text that says import nothing from 'here'.

<Callout>Hello</Callout>
"#;
        assert_eq!(
            import_specifiers(doc),
            [
                "../components/callout",
                "@/components/chart",
                "nextra/components",
                "./styles.css",
                "./meta"
            ]
        );
    }
}
