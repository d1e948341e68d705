//! `perfscope analyze` with no flags and no config on projects shaped like
//! the real thing (`fixtures/frameworks/*`, `fixtures/source/*` with an
//! `expected.json`): every entry a framework or tool loads is found, nothing
//! it loads is reported, every planted problem is.

mod common;
use common::*;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use model::FindingKind;
use model::analyze::{AnalyzeReport, Role};
use perfscope_source::{AnalyzeOptions, analyze};
use serde_json::Value;

fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures")
        .join(path)
}

fn strings(value: &Value) -> BTreeSet<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Checks one expected block against the report; `workspace` filters
/// findings (monorepos).
fn check(
    report: &AnalyzeReport,
    expected: &Value,
    workspace: Option<&str>,
    name: &str,
) -> Vec<String> {
    let mut problems = Vec::new();
    let in_scope = |f: &&model::Finding| match workspace {
        None => true,
        Some(ws) => f.workspace.as_deref() == Some(ws),
    };
    let subjects = |kind: FindingKind| -> BTreeSet<String> {
        report
            .findings
            .iter()
            .filter(in_scope)
            .filter(|f| f.kind == kind)
            .map(|f| match &f.detail {
                model::Detail::Dependency { name, .. } => name.clone(),
                _ => f.subject.clone(),
            })
            .collect()
    };
    // Lazy-loading candidates as `importer -> specifier`, when listed.
    if let Some(want) = expected.get("lazy_candidates") {
        let want = strings(want);
        let got: BTreeSet<String> = report
            .findings
            .iter()
            .filter(in_scope)
            .filter_map(|f| match &f.detail {
                model::Detail::Lazy(c) => Some(format!("{} -> {}", c.importer, c.specifier)),
                _ => None,
            })
            .collect();
        if want != got {
            problems.push(format!(
                "{name}: lazy_candidates: missing {:?}, unexpected {:?}",
                want.difference(&got).collect::<Vec<_>>(),
                got.difference(&want).collect::<Vec<_>>()
            ));
        }
    }
    let entries: BTreeSet<&str> = report.entries.iter().map(|e| e.path.as_str()).collect();
    for entry in strings(&expected["entries"]) {
        if !entries.contains(entry.as_str()) {
            problems.push(format!("{name}: `{entry}` is not an entry"));
        }
    }
    for (key, kind) in [
        ("unused_files", FindingKind::UnusedFiles),
        ("unused_dependencies", FindingKind::UnusedDependencies),
        (
            "unused_dev_dependencies",
            FindingKind::UnusedDevDependencies,
        ),
        ("unlisted_dependencies", FindingKind::UnlistedDependencies),
        (
            "dependencies_only_in_tooling",
            FindingKind::DependenciesOnlyInTooling,
        ),
        (
            "dev_dependencies_in_production",
            FindingKind::DevDependenciesInProduction,
        ),
    ] {
        let want = strings(&expected[key]);
        let got = subjects(kind);
        if want != got {
            problems.push(format!(
                "{name}: {key}: missing {:?}, unexpected {:?}",
                want.difference(&got).collect::<Vec<_>>(),
                got.difference(&want).collect::<Vec<_>>()
            ));
        }
    }
    let want: BTreeSet<(String, String)> = expected["unused_exports"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["path"].as_str().unwrap_or_default().to_string(),
                e["name"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let got: BTreeSet<(String, String)> = report
        .findings
        .iter()
        .filter(in_scope)
        .filter_map(|f| match &f.detail {
            model::Detail::Export { name, .. } if f.kind == FindingKind::UnusedExports => {
                Some((f.subject.clone(), name.clone()))
            }
            _ => None,
        })
        .collect();
    if want != got {
        problems.push(format!(
            "{name}: unused_exports: missing {:?}, unexpected {:?}",
            want.difference(&got).collect::<Vec<_>>(),
            got.difference(&want).collect::<Vec<_>>()
        ));
    }
    let role_of = |path: &str| {
        report
            .modules
            .iter()
            .find(|m| m.path == path)
            .map(|m| m.role)
    };
    for file in strings(&expected["production_files"]) {
        if role_of(&file) != Some(Role::Production) {
            problems.push(format!(
                "{name}: `{file}` should ship (is {:?})",
                role_of(&file)
            ));
        }
    }
    for file in strings(&expected["tooling_only_files"]) {
        if role_of(&file) != Some(Role::Tooling) {
            problems.push(format!(
                "{name}: `{file}` should be tooling only (is {:?})",
                role_of(&file)
            ));
        }
    }
    problems
}

fn run(path: &str) {
    run_at(&fixture(path), path);
}

/// [`run`] on the project at `root` (with its `expected.json`), named `path`
/// in messages.
fn run_at(root: &Path, path: &str) {
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("expected.json")).unwrap())
            .unwrap();
    let report =
        analyze(root, &AnalyzeOptions::default()).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut problems = Vec::new();
    match expected.get("workspaces").and_then(Value::as_object) {
        Some(workspaces) => {
            for (ws, block) in workspaces {
                problems.extend(check(&report, block, Some(ws), &format!("{path} [{ws}]")));
            }
        }
        None => problems.extend(check(&report, &expected, None, path)),
    }
    assert!(
        problems.is_empty(),
        "{}\n\nentries: {:#?}\ndiagnostics: {:#?}",
        problems.join("\n"),
        report
            .entries
            .iter()
            .map(|e| format!("{} ({}, {:?})", e.path, e.source, e.role))
            .collect::<Vec<_>>(),
        report.diagnostics
    );
}

#[test]
fn next_app_router() {
    run("frameworks/next-app");
}

/// Server components, server-only modules, server functions, a route
/// handler and middleware: their packages never ship, so only the client
/// chart is a lazy-loading candidate.
#[test]
fn next_app_router_server_code_is_never_a_lazy_candidate() {
    run("frameworks/next-rsc");
}

/// A Next.js 13 blog on Contentlayer: `contentlayer.config.ts` is a tooling
/// entry whose imports count, and `contentlayer/generated` (not generated
/// in a fresh clone) is neither a package nor a problem.
#[test]
fn next_app_with_contentlayer_mdx_husky_and_commitlint() {
    run("frameworks/next-contentlayer");
    let report = analyze(
        &fixture("frameworks/next-contentlayer"),
        &AnalyzeOptions::default(),
    )
    .expect("analyses");
    let about_generated: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("contentlayer"))
        .collect();
    assert!(about_generated.is_empty(), "{about_generated:#?}");
    // Once `contentlayer build` ran, the generated modules are followed
    // (their `contentlayer/client` import too) and never reported.
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixture("frameworks/next-contentlayer"), dir.path());
    let generated = dir.path().join(".contentlayer/generated");
    std::fs::create_dir_all(&generated).unwrap();
    std::fs::write(
        generated.join("index.mjs"),
        "// NOTE This file is auto-generated by Contentlayer\nexport { isType } from 'contentlayer/client'\nimport allPosts from './Post/_index.json' assert { type: 'json' }\nexport { allPosts }\nexport const allDocuments = [...allPosts]\n",
    )
    .unwrap();
    std::fs::create_dir_all(generated.join("Post")).unwrap();
    std::fs::write(generated.join("Post/_index.json"), "[]").unwrap();
    std::fs::write(
        generated.join("index.d.ts"),
        "export interface Post { _id: string; slug: string; title: string; date: string; description?: string; body: { code: string } }\nexport declare const allPosts: Post[]\n",
    )
    .unwrap();
    let built = analyze(dir.path(), &AnalyzeOptions::default()).expect("analyses");
    let module = built
        .modules
        .iter()
        .find(|m| m.path == "app/page.tsx")
        .expect("app/page.tsx");
    assert!(
        module
            .imports
            .iter()
            .any(|i| i.specifier == "contentlayer/generated"
                && i.resolved.as_deref() == Some(".contentlayer/generated/index.mjs")),
        "{module:#?}"
    );
    let unused: Vec<String> = of(&built, FindingKind::UnusedExports)
        .map(|f| f.subject.clone())
        .collect();
    assert!(unused.is_empty(), "{unused:?}");
    assert_eq!(unused_files(&built), ["components/legacy-nav.tsx"]);
}

#[test]
fn next_pages_router() {
    run("frameworks/next-pages");
}

#[test]
fn react_router_framework_mode() {
    run("frameworks/react-router");
}

/// `routes.ts` merges route arrays from imported modules: their `route()`
/// calls name the route modules, wherever they live.
#[test]
fn react_router_routes_computed_from_imported_modules() {
    run("frameworks/react-router-modules");
}

#[test]
fn tanstack_router_file_routes() {
    run("frameworks/tanstack-router");
}

#[test]
fn a_generated_route_tree_the_gitignore_hides_is_still_an_entry() {
    // Many TanStack Router apps keep `routeTree.gen.ts` out of Git: the
    // walker skips it, but the plugin names it, so it stays an entry and
    // everything else is found as in the committed fixture.
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixture("frameworks/tanstack-router"), dir.path());
    let gitignore = dir.path().join(".gitignore");
    let mut text = std::fs::read_to_string(&gitignore).unwrap();
    text.push_str("\n# generated by the router plugin\nsrc/routeTree.gen.ts\n");
    std::fs::write(&gitignore, text).unwrap();
    let files = perfscope_source::walk::project_files(dir.path(), &mut Vec::new());
    assert!(
        !files.iter().any(|f| f.ends_with("src/routeTree.gen.ts")),
        "the walker skips it"
    );
    run_at(dir.path(), "tanstack-router with a gitignored route tree");
    let report = analyze(dir.path(), &AnalyzeOptions::default()).expect("analyses");
    let tree = report
        .entries
        .iter()
        .find(|e| e.path == "src/routeTree.gen.ts")
        .expect("the route tree is an entry");
    assert_eq!(tree.role, Role::Production);
    let module = report
        .modules
        .iter()
        .find(|m| m.path == "src/routeTree.gen.ts")
        .expect("parsed");
    assert!(
        module
            .imports
            .iter()
            .any(|i| i.resolved.as_deref() == Some("src/routes/about.tsx")),
        "its imports are followed: {module:#?}"
    );
}

#[test]
fn pnpm_monorepo() {
    run("frameworks/pnpm-monorepo");
}

#[test]
fn pnpm_monorepo_member_level_precision_globs_and_public_subpaths() {
    run("frameworks/pnpm-members");
    let report = analyze(
        &fixture("frameworks/pnpm-members"),
        &AnalyzeOptions::default(),
    )
    .expect("analyses");
    // Every glob pattern is placed; the gitignored generated modules are
    // public through the wildcard, not through a guess.
    let about_globs: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("import.meta.glob"))
        .collect();
    assert!(about_globs.is_empty(), "{about_globs:#?}");
    let source_of = |path: &str| {
        report
            .entries
            .iter()
            .find(|e| e.path == path)
            .map(|e| e.source.as_str())
    };
    assert_eq!(
        source_of("packages/icons/generated/ArrowIcon.ts"),
        Some("package.json#exports (wildcard)")
    );
    assert_eq!(
        source_of("packages/ui/src/utils/color.ts"),
        Some("package.json#exports (wildcard)")
    );
}

#[test]
fn yarn_monorepo_with_git_hooks_commitlint_and_lint_staged() {
    run("frameworks/yarn-monorepo");
}

#[test]
fn library_with_exports_wildcards_and_out_dir() {
    run("frameworks/lib-exports");
}

/// A library whose repository holds its Docusaurus site in `website/`
/// (own `package.json`, no workspaces): the site is a package of its own,
/// with its pages, swizzled theme, sidebars and `@site/` imports; what
/// Docusaurus provides (`@theme/…`, `@docusaurus/Link`) is no package.
#[test]
fn library_with_a_nested_docusaurus_site() {
    run("frameworks/lib-docusaurus");
    let report = analyze(
        &fixture("frameworks/lib-docusaurus"),
        &AnalyzeOptions::default(),
    )
    .expect("analyses");
    let about_aliases: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("@theme") || d.message.contains("@docusaurus/"))
        .collect();
    assert!(about_aliases.is_empty(), "{about_aliases:#?}");
}

/// A site in a subfolder whose packages the root lists: the site's
/// conventions apply in its folder, and `@site/` names that folder.
#[test]
fn a_docusaurus_site_in_a_folder_of_the_root_package() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "package.json",
        r#"{"name":"kit-docs","private":true,"scripts":{"start":"docusaurus start docs","build":"docusaurus build docs"},"dependencies":{"@docusaurus/core":"3.4.0","@docusaurus/preset-classic":"3.4.0","react":"18.3.1","react-dom":"18.3.1"}}"#,
    );
    write(
        "docs/docusaurus.config.js",
        "module.exports = { title: 'kit', presets: [['@docusaurus/preset-classic', { docs: { sidebarPath: require.resolve('./sidebars.js') } }]], clientModules: [require.resolve('./src/analytics.js')] };\n",
    );
    write(
        "docs/sidebars.js",
        "module.exports = { docs: [{ type: 'autogenerated', dirName: '.' }] };\n",
    );
    write(
        "docs/src/analytics.js",
        "export function onRouteDidUpdate() {}\n",
    );
    write(
        "docs/src/pages/index.js",
        "import React from 'react';\nimport Layout from '@theme/Layout';\nimport Hero from '@site/src/components/Hero';\nexport default function Home() { return <Layout><Hero /></Layout>; }\n",
    );
    write(
        "docs/src/pages/_partial.js",
        "export default function Partial() { return null; }\n",
    );
    write(
        "docs/src/components/Hero.js",
        "export default function Hero() { return <h1>kit</h1>; }\n",
    );
    write(
        "docs/src/theme/NotFound.js",
        "import NotFound from '@theme-original/NotFound';\nexport default NotFound;\n",
    );
    let report = analyze(root, &AnalyzeOptions::default()).expect("analyses");
    let entries: BTreeSet<(&str, &str)> = report
        .entries
        .iter()
        .map(|e| (e.path.as_str(), e.source.as_str()))
        .collect();
    for entry in [
        ("docs/docusaurus.config.js", "docusaurus: config"),
        ("docs/sidebars.js", "docusaurus: sidebars"),
        ("docs/src/analytics.js", "docusaurus: client module"),
        ("docs/src/pages/index.js", "docusaurus: page"),
        (
            "docs/src/theme/NotFound.js",
            "docusaurus: swizzled theme component",
        ),
    ] {
        assert!(entries.contains(&entry), "{entry:?} in {entries:#?}");
    }
    assert_eq!(unused_files(&report), ["docs/src/pages/_partial.js"]);
    assert!(report.workspaces.is_empty(), "no package of its own");
    assert!(
        of(&report, FindingKind::UnlistedDependencies)
            .next()
            .is_none()
    );
    // Only `react`, which this folder does not install, is missing.
    let others: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| !d.message.starts_with("package `react` is not installed"))
        .collect();
    assert!(others.is_empty(), "{others:#?}");
}

/// JSDoc types (`{import('x').Y}`, `@import`) in JavaScript files are
/// type-only imports: the modules, exports and packages they name are used.
#[test]
fn javascript_vite_app_typed_with_jsdoc() {
    run("frameworks/vite-jsdoc");
    let report = analyze(
        &fixture("frameworks/vite-jsdoc"),
        &AnalyzeOptions::default(),
    )
    .expect("analyses");
    let cart = report
        .modules
        .iter()
        .find(|m| m.path == "src/cart.js")
        .expect("src/cart.js");
    let type_fest = cart
        .imports
        .iter()
        .find(|i| i.specifier == "type-fest")
        .expect("the @import tag");
    assert_eq!(type_fest.kind, model::analyze::EdgeKind::TypeOnly);
    assert_eq!(type_fest.line, 3);
    assert_eq!(
        type_fest.resolved.as_deref(),
        Some("node_modules/type-fest/index.d.ts")
    );
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
}

/// A workspace package built to `dist/` (not built here): its `exports`
/// map to source, a types-only subpath included (for `import type` of a
/// sibling too), and the targets without any source are one diagnostic.
#[test]
fn exports_into_an_unbuilt_dist_map_to_source_with_one_diagnostic() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "package.json",
        r#"{"name":"acme","private":true,"workspaces":["packages/*","apps/*"]}"#,
    );
    write(
        "packages/api/package.json",
        r#"{"name":"@acme/api","version":"1.0.0","type":"module","exports":{".":{"types":"./dist/index.d.ts","import":"./dist/index.js"},"./types":{"types":"./dist/types/index.d.ts"},"./legacy":"./dist/legacy.js","./compat":{"require":"./dist/compat.cjs"},"./umd":"./dist/api.umd.js","./worker":"./dist/worker.js"}}"#,
    );
    write(
        "packages/api/src/index.ts",
        "export function getUser(id: string) { return { id }; }\n",
    );
    write(
        "packages/api/src/types/index.ts",
        "export interface User { id: string }\nexport interface Team { users: User[] }\n",
    );
    write(
        "apps/web/package.json",
        r#"{"name":"@acme/web","private":true,"dependencies":{"@acme/api":"workspace:*"}}"#,
    );
    write(
        "apps/web/src/main.ts",
        "import { getUser } from '@acme/api';\nimport type { User } from '@acme/api/types';\nconst user: User = getUser('1');\nconsole.log(user);\n",
    );
    let report = analyze(root, &AnalyzeOptions::default()).expect("analyses");
    let main = report
        .modules
        .iter()
        .find(|m| m.path == "apps/web/src/main.ts")
        .expect("main");
    let types = main
        .imports
        .iter()
        .find(|i| i.specifier == "@acme/api/types")
        .expect("type import");
    assert_eq!(
        types.resolved.as_deref(),
        Some("packages/api/src/types/index.ts")
    );
    // `Team`, which no module imports, is public through `./types`.
    assert!(
        unused_exports(&report).is_empty(),
        "{:?}",
        unused_exports(&report)
    );
    let about_api: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.path == "packages/api/package.json")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        about_api,
        [
            "4 entry points name files that do not exist, neither built nor as source (not built yet?): `./dist/api.umd.js`, `./dist/compat.cjs`, `./dist/legacy.js` and 1 more"
        ],
        "{:#?}",
        report.diagnostics
    );
}

#[test]
fn plain_package_with_a_root_index() {
    run("frameworks/plain-index");
}

#[test]
fn vite_app_with_tests_stories_configs_and_a_mock_server() {
    run("frameworks/vite-tooling");
}

#[test]
fn javascript_vite_app_with_aliases_merged_vitest_config_and_tailwind_v4() {
    run("frameworks/vite-js-alias");
}

#[test]
fn vite_react_ts_template_with_project_references_and_a_jsx_import_source() {
    run("frameworks/vite-react-ts");
}

#[test]
fn vue_app_as_create_vue_writes_it() {
    run("frameworks/vue-app");
}

#[test]
fn implicit_dependencies_of_a_typescript_monorepo() {
    run("frameworks/implicit-deps");
}

#[test]
fn implicit_uses_say_why() {
    let root = fixture("frameworks/implicit-deps");
    let analysis = perfscope_source::analyze_full(
        &project::ProjectFacts::read(&root),
        &AnalyzeOptions::default(),
    )
    .expect("analyses");
    let graph = &analysis.graph;
    let implicit = perfscope_source::findings::dependencies::implicit_uses(graph);
    // Every credit, the plugins' and the findings', as (workspace, package, why).
    let credits: BTreeSet<(String, String, String)> = graph
        .workspaces
        .iter()
        .zip(&implicit)
        .flat_map(|(ws, credits)| {
            ws.found
                .used
                .iter()
                .chain(credits)
                .map(|u| (ws.path.clone(), u.name.clone(), u.why.clone()))
        })
        .collect();
    let expected = [
        (
            ".",
            "@types/react",
            "the types of `react`, which apps/web uses",
        ),
        (
            ".",
            "@types/react-dom",
            "the types of `react-dom`, which apps/web uses",
        ),
        (
            ".",
            "@types/node",
            "the Node.js global `process` is used in scripts/check-env.ts (a TypeScript project)",
        ),
        (
            ".",
            "@types/jest",
            "`/// <reference types=\"jest\" />` in node_modules/@testing-library/jest-dom/types/index.d.ts",
        ),
        (
            "apps/web",
            "@testing-library/dom",
            "a required peer dependency of `@testing-library/react`",
        ),
        (
            "apps/web",
            "@vitest/coverage-v8",
            "vitest: test.coverage in apps/web/vite.config.ts",
        ),
        (
            "apps/web",
            "sass",
            "css: vite compiles apps/web/src/styles/_variables.scss with it",
        ),
    ];
    for (ws, name, why) in expected {
        let credit = (ws.to_string(), name.to_string(), why.to_string());
        assert!(credits.contains(&credit), "{credit:?} not in {credits:#?}");
    }
    // Optional peers are not credited.
    for optional in ["happy-dom", "@types/bun", "jest"] {
        assert!(
            credits.iter().all(|(_, name, _)| name != optional),
            "{optional}: {credits:#?}"
        );
    }
}

#[test]
fn a_next_typescript_app_uses_node_types_and_vitest_coverage_from_a_script() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    // The shape create-next-app writes for TypeScript, plus Vitest with
    // coverage turned on by a script only (istanbul).
    write(
        "package.json",
        r#"{"name":"shop","private":true,"scripts":{"dev":"next dev","build":"next build","test":"vitest run","coverage":"vitest run --coverage --coverage.provider=istanbul"},"dependencies":{"next":"15.3.2","react":"19.1.0","react-dom":"19.1.0"},"devDependencies":{"@types/node":"^20","@types/react":"^19","@vitest/coverage-istanbul":"^3.1.4","@vitest/coverage-v8":"^3.1.4","typescript":"^5","vitest":"^3.1.4"}}"#,
    );
    write(
        "tsconfig.json",
        r#"{"compilerOptions":{"strict":true,"noEmit":true,"jsx":"preserve","plugins":[{"name":"next"}],"paths":{"@/*":["./src/*"]}},"include":["next-env.d.ts","**/*.ts","**/*.tsx",".next/types/**/*.ts"],"exclude":["node_modules"]}"#,
    );
    write(
        "next-env.d.ts",
        "/// <reference types=\"next\" />\n/// <reference types=\"next/image-types/global\" />\n",
    );
    write(
        "src/app/layout.tsx",
        "export default function RootLayout({ children }: { children: React.ReactNode }) { return <html lang=\"en\"><body>{children}</body></html>; }\n",
    );
    write(
        "src/app/page.tsx",
        "export default function Home() { return <main>Shop</main>; }\n",
    );
    let report = analyze(root, &AnalyzeOptions::default()).expect("analyses");
    let unused_dev: Vec<&str> = of(&report, FindingKind::UnusedDevDependencies)
        .map(|f| f.subject.as_str())
        .collect();
    // `@types/node` (Next.js's types need it) and the provider the script
    // names are used; the default provider, which nothing runs, is not.
    assert_eq!(unused_dev, ["@vitest/coverage-v8"]);
}

#[test]
fn dependency_rules() {
    run("source/deps-more");
}

#[test]
fn one_workspace_of_a_monorepo_finds_its_siblings() {
    let root = fixture("frameworks/pnpm-monorepo/apps/web");
    let report = analyze(Path::new(&root), &AnalyzeOptions::default()).unwrap();
    let ui = report
        .modules
        .iter()
        .find(|m| m.path.ends_with("packages/ui/src/index.ts"));
    assert!(
        ui.is_some(),
        "a sibling workspace package resolves to its source"
    );
    let unlisted: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::UnlistedDependencies)
        .map(|f| f.subject.as_str())
        .collect();
    assert!(unlisted.is_empty(), "{unlisted:?}");
}
#[test]
fn references_that_are_not_imports() {
    run("source/references");
}

#[test]
fn commonjs_member_level_use() {
    run("source/commonjs");
}

#[test]
fn namespaces_and_stored_imports() {
    run("source/namespaces");
}

#[test]
fn production_values_project() {
    run("source/production-values");
}

#[test]
fn next_mdx_components_and_a_wrapped_config() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "package.json",
        r#"{"name":"docs","private":true,"dependencies":{"next":"15.3.2","react":"19.1.0","react-dom":"19.1.0","@next/mdx":"15.3.2","@mdx-js/react":"3.1.0"}}"#,
    );
    // The shape @next/mdx documents: createMDX() wraps the config.
    write(
        "next.config.mjs",
        "import createMDX from '@next/mdx';\nconst nextConfig = { pageExtensions: ['js', 'jsx', 'md', 'mdx', 'ts', 'tsx'] };\nconst withMDX = createMDX({});\nexport default withMDX(nextConfig);\n",
    );
    write(
        "mdx-components.tsx",
        "import type { MDXComponents } from 'mdx/types';\nimport { Callout } from './components/callout';\nexport function useMDXComponents(components: MDXComponents): MDXComponents {\n  return { Callout, ...components };\n}\n",
    );
    write(
        "components/callout.tsx",
        "export function Callout({ children }: { children: React.ReactNode }) { return <aside>{children}</aside>; }\n",
    );
    write(
        "app/layout.tsx",
        "export default function Root({ children }: { children: React.ReactNode }) { return <html><body>{children}</body></html>; }\n",
    );
    write(
        "app/page.tsx",
        "export default function Page() { return <h1>Docs</h1>; }\n",
    );
    // An MDX page whose component only it imports, and a package it imports.
    write(
        "app/guide/page.mdx",
        "import { Chart } from '../../components/chart'\nimport { Steps } from 'nextra/components'\n\n# Guide\n\n<Chart />\n",
    );
    write(
        "components/chart.tsx",
        "export function Chart() { return <svg />; }\nexport function Legend() { return null; }\n",
    );
    write("components/unused.tsx", "export const Unused = 1;\n");
    let report = analyze(root, &AnalyzeOptions::default()).expect("analyses");
    let chart = report
        .entries
        .iter()
        .find(|e| e.path == "components/chart.tsx")
        .unwrap_or_else(|| panic!("{:?}", report.entries));
    assert_eq!(chart.source, "mdx: imported by app/guide/page.mdx");
    assert_eq!(chart.role, Role::Production);
    assert!(
        unlisted_dependencies(&report)
            .iter()
            .all(|u| u.name != "nextra"),
        "a package an MDX document imports is a use, not an import of a module"
    );
    let entry = report
        .entries
        .iter()
        .find(|e| e.path == "mdx-components.tsx")
        .unwrap_or_else(|| panic!("{:?}", report.entries));
    assert_eq!(entry.source, "next: mdx-components");
    assert_eq!(unused_files(&report), ["components/unused.tsx"]);
    // The config was read through the wrapper: no "cannot read" diagnostic.
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.path == "next.config.mjs" && d.message.contains("does not run")),
        "{:?}",
        report.diagnostics
    );
    assert!(
        !unused_dependencies(&report).contains(&"@next/mdx".to_string()),
        "{:?}",
        unused_dependencies(&report)
    );
}

#[test]
fn jest_test_regex_names_the_tests() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "package.json",
        r#"{"name":"calc","private":true,"main":"src/index.ts","devDependencies":{"jest":"^29.7.0","ts-jest":"^29.2.5"}}"#,
    );
    // Tests named `*.check.ts` or under `__specs__/`, as `testRegex` says.
    write(
        "jest.config.js",
        "module.exports = {\n  preset: 'ts-jest',\n  testRegex: '(/__specs__/.*|\\\\.check)\\\\.[jt]sx?$',\n};\n",
    );
    write(
        "src/index.ts",
        "export const sum = (a: number, b: number) => a + b;\n",
    );
    write(
        "src/sum.check.ts",
        "import { sum } from './index';\nimport { pair } from './testing/pair';\ntest('sum', () => expect(sum(...pair)).toBe(3));\n",
    );
    write(
        "src/testing/pair.ts",
        "export const pair: [number, number] = [1, 2];\n",
    );
    write(
        "src/__specs__/more.ts",
        "import { sum } from '../index';\ntest('more', () => expect(sum(2, 2)).toBe(4));\n",
    );
    let report = analyze(root, &AnalyzeOptions::default()).expect("analyses");
    for test in ["src/sum.check.ts", "src/__specs__/more.ts"] {
        let entry = report
            .entries
            .iter()
            .find(|e| e.path == test)
            .unwrap_or_else(|| panic!("{test}: {:?}", report.entries));
        assert_eq!(entry.source, "jest: test file (testRegex)");
    }
    assert!(
        unused_files(&report).is_empty(),
        "{:?}",
        unused_files(&report)
    );
}

#[test]
fn vite_library_mode_entry_ships() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    // The shape of Vite's library-mode guide: no index.html, the entry in
    // `build.lib.entry`, the package pointing at the built files.
    write(
        "package.json",
        r#"{"name":"my-lib","type":"module","files":["dist"],"main":"./dist/my-lib.umd.cjs","module":"./dist/my-lib.js","exports":{".":{"import":"./dist/my-lib.js","require":"./dist/my-lib.umd.cjs"}},"devDependencies":{"vite":"^6.3.5"}}"#,
    );
    write(
        "vite.config.js",
        "import { dirname, resolve } from 'node:path'\nimport { fileURLToPath } from 'node:url'\nimport { defineConfig } from 'vite'\n\nconst __dirname = dirname(fileURLToPath(import.meta.url))\n\nexport default defineConfig({\n  build: {\n    lib: {\n      entry: resolve(__dirname, 'lib/main.js'),\n      name: 'MyLib',\n      fileName: 'my-lib',\n    },\n  },\n})\n",
    );
    write("lib/main.js", "export { format } from './format.js'\n");
    write(
        "lib/format.js",
        "export const format = (n) => n.toFixed(2)\n",
    );
    write("lib/old.js", "export const old = 1\n");
    let report = analyze(root, &AnalyzeOptions::default()).expect("analyses");
    let entry = report
        .entries
        .iter()
        .find(|e| e.path == "lib/main.js")
        .unwrap_or_else(|| panic!("{:?}", report.entries));
    assert_eq!(entry.source, "vite: build.lib.entry");
    assert_eq!(entry.role, Role::Production);
    assert_eq!(unused_files(&report), ["lib/old.js"]);
}

/// Writes `files` (path, text) under a new temporary folder.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (rel, text) in files {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// Names of the unused-dev-dependencies findings.
fn unused_dev_dependencies(report: &AnalyzeReport) -> Vec<String> {
    of(report, FindingKind::UnusedDevDependencies)
        .map(|f| f.subject.clone())
        .collect()
}

#[test]
fn git_hooks_name_the_tools_and_files_they_run() {
    let dir = project(&[
        (
            "package.json",
            r#"{"name":"app","private":true,"main":"src/index.ts","devDependencies":{"husky":"^8.0.3","@commitlint/cli":"^19.8.1","lint-staged":"^16.1.0","validate-branch-name":"^1.3.2","sort-package-json":"^3.2.1","ls-lint":"^2.2.3","not-run":"^1.0.0","only-in-husky-internals":"^1.0.0"}}"#,
        ),
        // husky 8's shape: a shebang, husky.sh sourced, a comment.
        (
            ".husky/pre-commit",
            "#!/usr/bin/env sh\n. \"$(dirname -- \"$0\")/_/husky.sh\"\n\n# staged files only\nyarn lint-staged\npnpm exec validate-branch-name\nif ! bun x sort-package-json --check; then exit 1; fi\nnode scripts/check-hooks.mjs # checks\n",
        ),
        (
            ".husky/commit-msg",
            "npx --no -- commitlint --edit \"$1\"\n",
        ),
        // husky's own folder is no hook.
        (".husky/_/pre-commit", "npx only-in-husky-internals\n"),
        (
            "scripts/check-hooks.mjs",
            "import { rule } from './rules.mjs';\nrule();\n",
        ),
        ("scripts/rules.mjs", "export function rule() {}\n"),
        ("src/index.ts", "export const x = 1;\n"),
    ]);
    let report = analyze(dir.path(), &AnalyzeOptions::default()).expect("analyses");
    assert_eq!(
        unused_dev_dependencies(&report),
        ["ls-lint", "not-run", "only-in-husky-internals"],
        "{:?}",
        report.diagnostics
    );
    let entry = report
        .entries
        .iter()
        .find(|e| e.path == "scripts/check-hooks.mjs")
        .unwrap_or_else(|| panic!("{:?}", report.entries));
    assert_eq!(entry.source, "husky: .husky/pre-commit");
    assert_eq!(entry.role, Role::Tooling);
    assert!(
        unused_files(&report).is_empty(),
        "{:?}",
        unused_files(&report)
    );
}

#[test]
fn lint_staged_and_commitlint_rc_files_without_an_extension() {
    let dir = project(&[
        (
            "package.json",
            r#"{"name":"app","private":true,"main":"src/index.ts","devDependencies":{"@commitlint/cli":"^19.8.1","@commitlint/config-conventional":"^19.8.1","commitlint-plugin-function-rules":"^4.0.0","conventional-changelog-atom":"^5.0.0","lint-staged":"^16.1.0","tsc-files":"^1.1.4","eslint":"^9.27.0","prettier":"^3.5.3","stylelint":"^16.0.0"}}"#,
        ),
        // YAML, as lint-staged accepts in `.lintstagedrc`.
        (
            ".lintstagedrc",
            "\"*.ts\":\n  - tsc-files --noEmit\n  - eslint --fix\n\"*.md\": prettier --write\n",
        ),
        // JSON; `conventional` is the short form of a shareable config.
        (
            ".commitlintrc",
            r#"{ "extends": ["conventional"], "plugins": ["function-rules"], "parserPreset": "conventional-changelog-atom" }"#,
        ),
        ("src/index.ts", "export const x = 1;\n"),
    ]);
    let report = analyze(dir.path(), &AnalyzeOptions::default()).expect("analyses");
    assert_eq!(
        unused_dev_dependencies(&report),
        ["stylelint"],
        "{:?}",
        report.diagnostics
    );
    assert!(
        !report.diagnostics.iter().any(|d| d.path.starts_with('.')),
        "{:?}",
        report.diagnostics
    );
}

#[test]
fn a_lint_staged_task_computed_at_run_time_is_a_diagnostic() {
    let dir = project(&[
        (
            "package.json",
            r#"{"name":"app","private":true,"main":"src/index.ts","devDependencies":{"lint-staged":"^16.1.0","prettier":"^3.5.3","eslint":"^9.27.0"}}"#,
        ),
        (
            "lint-staged.config.mjs",
            "export default {\n  '*.md': 'prettier --write',\n  '*.ts': (files) => `eslint --fix ${files.join(' ')}`,\n};\n",
        ),
        ("src/index.ts", "export const x = 1;\n"),
    ]);
    let report = analyze(dir.path(), &AnalyzeOptions::default()).expect("analyses");
    assert!(
        report
            .entries
            .iter()
            .any(|e| e.path == "lint-staged.config.mjs" && e.source == "lint-staged: config"),
        "{:?}",
        report.entries
    );
    // The task is a function perfscope does not run: the binaries the file
    // names count as used, and a diagnostic says so.
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.path == "lint-staged.config.mjs"
                && d.message.contains("`*.ts`")
                && d.message.contains("(eslint, prettier)")),
        "{:?}",
        report.diagnostics
    );
    assert!(
        unused_dev_dependencies(&report).is_empty(),
        "{:?}",
        unused_dev_dependencies(&report)
    );
}

#[test]
fn a_tool_listed_by_another_workspace_runs_in_this_one() {
    let dir = project(&[
        (
            "package.json",
            r#"{"name":"repo","private":true,"workspaces":["packages/*"]}"#,
        ),
        (
            "packages/a/package.json",
            r#"{"name":"a","version":"1.0.0","main":"src/index.ts","devDependencies":{"jest":"^29.7.0"}}"#,
        ),
        ("packages/a/src/index.ts", "export const a = 1;\n"),
        (
            "packages/b/package.json",
            r#"{"name":"b","version":"1.0.0","main":"src/index.ts"}"#,
        ),
        ("packages/b/src/index.ts", "export const b = 2;\n"),
        (
            "packages/b/src/b.test.ts",
            "import { b } from './index';\nimport { expectTwo } from './test-helper';\ntest('b', () => expectTwo(b));\n",
        ),
        (
            "packages/b/src/test-helper.ts",
            "export function expectTwo(n: number) { expect(n).toBe(2); }\n",
        ),
    ]);
    let report = analyze(dir.path(), &AnalyzeOptions::default()).expect("analyses");
    assert!(
        unused_files(&report).is_empty(),
        "{:?}",
        unused_files(&report)
    );
    let test = report
        .entries
        .iter()
        .find(|e| e.path == "packages/b/src/b.test.ts")
        .unwrap_or_else(|| panic!("{:?}", report.entries));
    assert_eq!(test.role, Role::Tooling);
}

/// Analysed alone, a workspace without an ESLint config of its own uses the
/// repository root's, as ESLint does: the plugin it lists for it is used.
#[test]
fn one_workspace_is_linted_by_the_repository_root_eslint_config() {
    let root = fixture("frameworks/yarn-monorepo/apps/web");
    let analysis = perfscope_source::analyze_full(
        &project::ProjectFacts::read(&root),
        &AnalyzeOptions::default(),
    )
    .expect("analyses");
    let unused_dev: Vec<&str> = of(&analysis.report, FindingKind::UnusedDevDependencies)
        .map(|f| f.subject.as_str())
        .collect();
    assert!(unused_dev.is_empty(), "{unused_dev:?}");
    let credited = |name: &str, why: &str| {
        analysis.graph.workspaces[0]
            .found
            .used
            .iter()
            .any(|u| u.name == name && u.why == why)
    };
    assert!(credited("eslint-plugin-react-hooks", "eslint: extends"));
    assert!(credited(
        "eslint",
        "eslint: config ../../.eslintrc.json above the workspace"
    ));
}

#[test]
fn yarn_monorepo_scripts_that_leave_their_workspace_and_base_url_imports() {
    use model::analyze::ExplainStatus;
    use perfscope_source::explain::explain;
    let root = fixture("frameworks/yarn-monorepo");
    let report = analyze(&root, &AnalyzeOptions::default()).unwrap();
    // `node ../../scripts/buildBase.js` in packages/core names a file of the
    // repository: an entry, and what it requires is used.
    let entry = report
        .entries
        .iter()
        .find(|e| e.path == "scripts/buildBase.js")
        .unwrap_or_else(|| panic!("not an entry: {:#?}", report.entries));
    assert_eq!(
        (entry.source.as_str(), entry.role),
        (
            "`build:esm` script of packages/core/package.json",
            Role::Tooling
        )
    );
    let why = explain(&report, "scripts/buildBase.js");
    assert_eq!(why.status, ExplainStatus::Entry, "{}", why.message);
    assert!(
        why.message
            .contains("`build:esm` script of packages/core/package.json")
    );
    let why = explain(&report, "scripts/utils/paths.js");
    assert_eq!(why.status, ExplainStatus::Used, "{}", why.message);
    assert_eq!(
        why.chain.first().map(|l| l.from.as_str()),
        Some("scripts/buildBase.js")
    );
    // `node ../../../outside.js` leaves the repository: refused, named.
    let refused: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.path == "packages/core/package.json")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        refused,
        [
            "script `build:bad` names `../../../outside.js`, which is outside the repository; not read"
        ]
    );
    // `import { User } from "types"` under `baseUrl` is the app's own
    // `types/index.d.ts`, not a package.
    let session = report
        .modules
        .iter()
        .find(|m| m.path == "apps/web/src/session.ts")
        .expect("session.ts is in the graph");
    assert_eq!(
        session.imports[0].resolved.as_deref(),
        Some("apps/web/types/index.d.ts")
    );
    assert!(
        report
            .diagnostics
            .iter()
            .all(|d| !d.message.contains("`types`")),
        "{:#?}",
        report.diagnostics
    );

    // One workspace analysed alone: the repository's script is still its entry.
    let core = analyze(&root.join("packages/core"), &AnalyzeOptions::default()).unwrap();
    let entry = core
        .entries
        .iter()
        .find(|e| e.path == "../../scripts/buildBase.js")
        .unwrap_or_else(|| panic!("not an entry: {:#?}", core.entries));
    assert_eq!(entry.source, "`build:esm` script of package.json");
    assert!(
        core.modules
            .iter()
            .any(|m| m.path == "../../scripts/utils/paths.js")
    );
}
