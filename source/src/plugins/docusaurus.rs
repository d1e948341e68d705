//! Docusaurus: each folder with a `docusaurus.config.*` is a site (a site
//! nested in a repository with its own `package.json` is a package of its
//! own: [`crate::workspace::Layout::add_nested_sites`]). Per site:
//!
//! - production: the config (its `themeConfig` and `customFields` are
//!   serialized into the client bundle, so what it imports ships) and
//!   `sidebars.*`; every page under `src/pages/` (not `_`-prefixed files
//!   and folders, tests or `__tests__/`, as Docusaurus skips them); every
//!   swizzled component under `src/theme/`; `clientModules`; local plugins
//!   and themes named by path;
//! - used: `presets`, `plugins` and `themes` by Docusaurus's shorthands
//!   (`classic` → `@docusaurus/preset-classic`, `sitemap` →
//!   `docusaurus-plugin-sitemap` or `@docusaurus/plugin-sitemap`, `@x` →
//!   `@x/docusaurus-plugin`), `@docusaurus/core` (its CLI builds the site),
//!   and `@docusaurus/module-type-aliases` in a TypeScript site (the types
//!   of the aliases below);
//! - `@site/…` resolves to the site folder (in MDX documents too);
//!   `@theme/…` to a swizzled component when there is one; otherwise
//!   `@theme/…`, `@theme-original/…`, `@theme-init/…`, `@generated/…` and
//!   Docusaurus's client API (`@docusaurus/Link`,
//!   `@docusaurus/useDocusaurusContext`…) are what Docusaurus provides when
//!   it builds ([`super::Provided`]): no packages.

use std::path::{Path, PathBuf};

use model::analyze::Role;

use super::{Ctx, Found, Plugin, Provided};
use crate::static_config::Static;
use crate::workspace::is_site_config;

/// The plugin.
pub const PLUGIN: Plugin = Plugin {
    name: "docusaurus",
    detect: |ctx| ctx.ws.has_dep("@docusaurus/core") || !sites(ctx).is_empty(),
    run,
};

/// Docusaurus's client API (`@docusaurus/core/lib/client/exports/*`), which
/// its webpack config aliases as `@docusaurus/<name>`.
const CLIENT_EXPORTS: &[&str] = &[
    "BrowserOnly",
    "ComponentCreator",
    "ErrorBoundary",
    "ExecutionEnvironment",
    "Head",
    "Interpolate",
    "Link",
    "Noop",
    "Translate",
    "constants",
    "isInternalUrl",
    "renderRoutes",
    "router",
    "useBaseUrl",
    "useBrokenLinks",
    "useDocusaurusContext",
    "useGlobalData",
    "useIsBrowser",
    "useIsomorphicLayoutEffect",
    "useRouteContext",
];

/// The sites of the workspace: the folders of its own Docusaurus configs
/// (the workspace's folder, or a folder under it that is no package).
fn sites(ctx: &Ctx<'_>) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = ctx
        .files
        .iter()
        .filter(|f| is_site_config(f))
        .filter_map(|f| f.parent().map(Path::to_path_buf))
        .collect();
    out.sort();
    out.dedup();
    out
}

fn run(ctx: &Ctx<'_>, found: &mut Found) {
    for site in sites(ctx) {
        run_site(ctx, &site, found);
    }
}

fn run_site(ctx: &Ctx<'_>, site: &Path, found: &mut Found) {
    let rel = ctx.rel(site);
    found.use_package(
        "@docusaurus/core",
        Role::Tooling,
        format!("docusaurus: site {rel}"),
    );
    if site.join("tsconfig.json").is_file() {
        found.use_package(
            "@docusaurus/module-type-aliases",
            Role::Tooling,
            "docusaurus: the types of @theme/, @site/ and @docusaurus/ aliases in a TypeScript site",
        );
    }
    let config = ctx
        .files
        .iter()
        .filter(|f| f.parent() == Some(site) && is_site_config(f))
        .min()
        .cloned();
    if let Some(path) = &config {
        found.entry(path.clone(), Role::Production, "docusaurus: config");
        if let Some(value) = ctx.read(path, found) {
            read_config(ctx, site, value.unwrap_config(), found);
        }
    }
    for ext in ["js", "ts", "mjs", "cjs", "mts"] {
        let path = site.join(format!("sidebars.{ext}"));
        found.entry(path, Role::Production, "docusaurus: sidebars");
    }
    for page in ctx.glob(site, &["src/pages/**/*.{js,jsx,ts,tsx,mjs}"]) {
        if !skipped_page(site, &page) {
            found.entry(page, Role::Production, "docusaurus: page");
        }
    }
    for component in ctx.glob(site, &["src/theme/**/*.{js,jsx,ts,tsx}"]) {
        found.entry(
            component,
            Role::Production,
            "docusaurus: swizzled theme component",
        );
    }
    found
        .aliases
        .push(("@site/".to_string(), site.to_path_buf()));
    found
        .aliases
        .push(("@theme/".to_string(), site.join("src/theme")));
    let mut specifiers: Vec<String> = [
        "@theme/*",
        "@theme-original/*",
        "@theme-init/*",
        "@generated/*",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    specifiers.extend(
        CLIENT_EXPORTS
            .iter()
            .map(|name| format!("@docusaurus/{name}")),
    );
    found.provided.push(Provided {
        tool: "docusaurus",
        specifiers,
        folder: Some(site.join(".docusaurus")),
        imports: Vec::new(),
    });
}

/// Whether Docusaurus skips a file under `src/pages/`: `_`-prefixed files
/// and folders, tests, `__tests__/`.
fn skipped_page(site: &Path, page: &Path) -> bool {
    let rel = page.strip_prefix(site.join("src/pages")).unwrap_or(page);
    rel.components().any(|c| {
        let part = c.as_os_str().to_string_lossy();
        part.starts_with('_') || part.contains(".test.") || part.contains(".spec.")
    })
}

/// Presets, plugins, themes and client modules of a site's config.
fn read_config(ctx: &Ctx<'_>, site: &Path, config: &Static, found: &mut Found) {
    for (key, kind) in [
        ("presets", "preset"),
        ("plugins", "plugin"),
        ("themes", "theme"),
    ] {
        for item in config.get(key).map(Static::items).unwrap_or_default() {
            // `'name'`, `['name', options]` or `require.resolve('./local')`.
            let name = match item {
                Static::Array(parts) => parts.first().and_then(module_name),
                other => module_name(other),
            };
            let Some(name) = name else {
                continue;
            };
            if name.starts_with('.') || name.starts_with('/') {
                local_module(ctx, site, &name, kind, found);
                continue;
            }
            for package in packages(&name, kind) {
                found.use_package(&package, Role::Tooling, format!("docusaurus: {key}"));
            }
        }
    }
    for module in config
        .get("clientModules")
        .map(Static::items)
        .unwrap_or_default()
        .into_iter()
        .filter_map(module_name)
    {
        if module.starts_with('.') || module.starts_with('/') {
            local_module(ctx, site, &module, "client module", found);
        } else {
            found.use_specifier(&module, Role::Production, "docusaurus: clientModules");
        }
    }
}

/// The module a config value names: a string, or `require.resolve('x')`.
fn module_name(value: &Static) -> Option<String> {
    match value {
        Static::Str(s) => Some(s.clone()),
        Static::Call(callee, args) if callee == "require.resolve" => {
            args.first().and_then(Static::as_str).map(str::to_string)
        }
        Static::Require(s) => Some(s.clone()),
        _ => None,
    }
}

/// A local plugin, theme or client module: a production entry (the file,
/// or its folder's `index`).
fn local_module(ctx: &Ctx<'_>, site: &Path, name: &str, kind: &str, found: &mut Found) {
    let base = site.join(name);
    let exts = [".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs"];
    if let Some(file) = crate::walk::probe(&base, &exts) {
        found.entry(file, Role::Production, format!("docusaurus: {kind}"));
    } else {
        found.diagnostics.push(model::Diagnostic::new(
            ctx.rel(&site.join("docusaurus.config")),
            format!(
                "the {kind} `{}` is no file of the site",
                model::diagnostic::quote(name)
            ),
        ));
    }
}

/// The packages a preset, plugin or theme name may be, as Docusaurus
/// resolves its shorthands.
fn packages(name: &str, kind: &str) -> Vec<String> {
    let prefix = format!("docusaurus-{kind}");
    if let Some(scoped) = name.strip_prefix('@') {
        return vec![match scoped.split_once('/') {
            None => format!("@{scoped}/{prefix}"),
            Some((scope, rest)) if rest.starts_with(&prefix) => format!("@{scope}/{rest}"),
            Some((scope, rest))
                if scope == "docusaurus" && rest.starts_with(&format!("{kind}-")) =>
            {
                format!("@{scope}/{rest}")
            }
            Some((scope, rest)) => format!("@{scope}/{prefix}-{rest}"),
        }];
    }
    if name.starts_with(&prefix) {
        return vec![name.to_string()];
    }
    vec![
        format!("{prefix}-{name}"),
        format!("@docusaurus/{kind}-{name}"),
    ]
}

#[cfg(test)]
mod tests {
    use super::packages;

    #[test]
    fn shorthands_name_the_packages_docusaurus_loads() {
        assert_eq!(
            packages("classic", "preset"),
            ["docusaurus-preset-classic", "@docusaurus/preset-classic"]
        );
        assert_eq!(
            packages("@docusaurus/preset-classic", "preset"),
            ["@docusaurus/preset-classic"]
        );
        assert_eq!(
            packages("@docusaurus/plugin-ideal-image", "plugin"),
            ["@docusaurus/plugin-ideal-image"]
        );
        assert_eq!(
            packages("docusaurus-plugin-sass", "plugin"),
            ["docusaurus-plugin-sass"]
        );
        assert_eq!(packages("@acme", "theme"), ["@acme/docusaurus-theme"]);
        assert_eq!(
            packages("@acme/search", "theme"),
            ["@acme/docusaurus-theme-search"]
        );
        assert_eq!(
            packages("@docusaurus/theme-mermaid", "theme"),
            ["@docusaurus/theme-mermaid"]
        );
    }
}
