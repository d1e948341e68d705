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
    let root = fixture(path);
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("expected.json")).unwrap())
            .unwrap();
    let report =
        analyze(&root, &AnalyzeOptions::default()).unwrap_or_else(|e| panic!("{path}: {e}"));
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

#[test]
fn next_pages_router() {
    run("frameworks/next-pages");
}

#[test]
fn react_router_framework_mode() {
    run("frameworks/react-router");
}

#[test]
fn tanstack_router_file_routes() {
    run("frameworks/tanstack-router");
}

#[test]
fn pnpm_monorepo() {
    run("frameworks/pnpm-monorepo");
}

#[test]
fn library_with_exports_wildcards_and_out_dir() {
    run("frameworks/lib-exports");
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
