//! The package boundary.
//!
//! By default the analysis parses the project's own files and stops where
//! an import enters an installed package: the package's file becomes a node
//! (its path, package and size) whose own imports are not followed. What an
//! installed package may pull in is known instead from what it declares:
//! its `dependencies`, `peerDependencies` and `optionalDependencies`,
//! resolved from its install folder as Node.js resolves them, and the
//! packages installed in its own `node_modules` folder
//! ([`PackageBoundary::deps`]).
//!
//! Two findings need more than the boundary, and get it by parsing inside
//! the packages that matter to them ([`to_parse`]), after the project's graph
//! is built, in rounds until nothing new is needed:
//! - a lazy-loading candidate saves the bytes of the package code only it
//!   pulls in: the packages its dominated subgraph holds are parsed (the
//!   framework runtimes never are: they are never candidates); not when a
//!   build with source maps for all its JavaScript was analysed too: what
//!   the build ships of those packages is their saving;
//! - a duplicate package is a copy production code really reaches: when the
//!   declared dependencies reach a package name at two install folders,
//!   those copies and the packages that declare a path to them are parsed.
//!
//! The declared dependencies over-approximate what a package's code imports,
//! so the dominators computed with them ([`virtual_edges`]) never claim that
//! one import alone keeps code another package could also load: a candidate
//! may be missed, never invented. `parse_packages = true` parses every
//! package file reached, as before the boundary existed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use model::analyze::Role;
use project::packages::package_of;

use crate::graph::ModuleGraph;

/// How far the analysis went into installed packages.
#[derive(Debug, Clone, Default)]
pub struct PackageBoundary {
    /// Whether the graph stops at package boundaries (false: every reached
    /// package file was parsed).
    pub active: bool,
    /// Install paths of the packages whose reached files were parsed.
    pub expanded: BTreeSet<String>,
    /// What each installed package reached declares it depends on
    /// (`dependencies`, `peerDependencies`, `optionalDependencies`), as the
    /// install paths those names resolve to from its folder.
    pub deps: BTreeMap<String, Vec<String>>,
}

impl PackageBoundary {
    /// Whether the code of the package installed at `install` stopped at the
    /// boundary (its imports are not in the graph).
    pub fn stopped(&self, install: &str) -> bool {
        self.active && !self.expanded.contains(install)
    }
}

/// The largest `package.json` read for its dependencies.
const MAX_MANIFEST_BYTES: u64 = 4 * 1024 * 1024;

/// The names a `package.json` declares it depends on.
#[derive(serde::Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Declared {
    dependencies: BTreeMap<String, serde::de::IgnoredAny>,
    peer_dependencies: BTreeMap<String, serde::de::IgnoredAny>,
    optional_dependencies: BTreeMap<String, serde::de::IgnoredAny>,
}

/// Adds to `boundary.deps` every package the graph reaches and every package
/// their declared dependencies reach in turn (those already known are not
/// read again). Only folders under `repo_root` are read.
pub fn read_deps(graph: &mut ModuleGraph, repo_root: &Path) {
    use rayon::prelude::*;
    let root = graph.root.clone();
    let deps = &mut graph.packages.deps;
    let mut level: BTreeSet<String> = graph
        .graph
        .node_weights()
        .filter_map(|n| n.package.as_ref())
        .map(|p| p.install_path.clone())
        .filter(|p| !deps.contains_key(p))
        .collect();
    // Level by level, each level's manifests read in parallel.
    while !level.is_empty() {
        let found: Vec<(String, Vec<String>)> = level
            .into_par_iter()
            .map(|install| {
                let found = declared(&root, repo_root, &install);
                (install, found)
            })
            .collect();
        for (install, found) in &found {
            deps.insert(install.clone(), found.clone());
        }
        level = found
            .into_iter()
            .flat_map(|(_, found)| found)
            .filter(|d| !deps.contains_key(d))
            .collect();
    }
}

/// The install paths of the packages the package at `install` declares,
/// resolved from its folder (sorted, each once; those not installed left
/// out).
fn declared(root: &Path, repo_root: &Path, install: &str) -> Vec<String> {
    let dir = root.join(install);
    let bytes = match project::fsx::read_regular(&dir.join("package.json"), MAX_MANIFEST_BYTES) {
        Ok(Some(bytes)) => bytes,
        _ => return Vec::new(),
    };
    let declared: Declared = serde_json::from_slice(&bytes).unwrap_or_default();
    let names: BTreeSet<&String> = declared
        .dependencies
        .keys()
        .chain(declared.peer_dependencies.keys())
        .chain(declared.optional_dependencies.keys())
        .collect();
    let nested = nested_packages(&dir);
    let mut out: Vec<String> = names
        .into_iter()
        .chain(nested.iter())
        .filter_map(|name| resolve_package(root, repo_root, &dir, name))
        .filter(|found| found != install)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The packages installed in the package's own `node_modules` folder: a
/// package manager put them there for it, declared or not.
fn nested_packages(dir: &Path) -> Vec<String> {
    let names = |d: &Path| -> Vec<String> {
        std::fs::read_dir(d)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| !n.starts_with('.'))
            .collect()
    };
    let folder = dir.join("node_modules");
    let mut out = Vec::new();
    for name in names(&folder) {
        if name.starts_with('@') {
            out.extend(
                names(&folder.join(&name))
                    .into_iter()
                    .map(|inner| format!("{name}/{inner}")),
            );
        } else {
            out.push(name);
        }
    }
    out
}

/// The install path of package `name` as Node.js finds it from `from`: the
/// `node_modules/<name>` folder of `from` or of its nearest ancestor that
/// has one (folders named `node_modules` skipped), not above `repo_root`;
/// symlinks followed (pnpm).
fn resolve_package(root: &Path, repo_root: &Path, from: &Path, name: &str) -> Option<String> {
    if name.is_empty() || name.contains("..") || name.starts_with('/') || name.contains('\\') {
        return None;
    }
    let mut dir = Some(from);
    while let Some(d) = dir {
        if !project::fsx::is_under(d, repo_root) {
            return None;
        }
        if d.file_name().is_some_and(|n| n != "node_modules") {
            let candidate = d.join("node_modules").join(name);
            if let Some(real) = real_dir(d, name, &candidate) {
                if !project::fsx::is_under(&real, repo_root) {
                    return None;
                }
                let rel = model::path::display(root, &real);
                return package_of(&format!("{rel}/package.json")).map(|p| p.install_path);
            }
        }
        dir = d.parent();
    }
    None
}

/// The real path of the folder `candidate` (`dir/node_modules/name`, `dir`
/// real), or `None` when there is no such folder. Only the components below
/// `dir` are asked about (`lstat`); the path is resolved in full only when one
/// of them is a symlink (pnpm, `npm link`).
fn real_dir(dir: &Path, name: &str, candidate: &Path) -> Option<std::path::PathBuf> {
    let meta = std::fs::symlink_metadata(candidate).ok()?;
    let mut linked = meta.file_type().is_symlink();
    if !linked {
        if !meta.is_dir() {
            return None;
        }
        let mut inner = dir.join("node_modules");
        let mut parts = vec![inner.clone()];
        if let Some((scope, _)) = name.split_once('/') {
            inner.push(scope);
            parts.push(inner);
        }
        linked = parts
            .iter()
            .any(|p| std::fs::symlink_metadata(p).map_or(true, |m| m.file_type().is_symlink()));
    }
    if !linked {
        return Some(candidate.to_path_buf());
    }
    let real = std::fs::canonicalize(candidate).ok()?;
    real.is_dir().then_some(real)
}

/// The packages (install paths) whose reached files must be parsed for the
/// findings to be exact, that are not parsed yet. `lazy`: the lazy
/// candidates' savings need them (not when a build's source maps give what
/// the build ships of each package).
pub fn to_parse(graph: &ModuleGraph, first_party: bool, lazy: bool) -> BTreeSet<String> {
    if !graph.packages.active {
        return BTreeSet::new();
    }
    let mut out = if lazy {
        crate::findings::lazy_candidates::packages_needed(graph, first_party)
    } else {
        BTreeSet::new()
    };
    out.extend(duplicate_paths(graph));
    out.retain(|p| graph.packages.stopped(p));
    out
}

/// Whether `build` tells what it ships of the packages not parsed: its
/// source maps cover all its JavaScript and name the project's modules as
/// the graph does (same paths).
pub fn build_sizes_packages(build: &crate::build_shares::BuildShares, graph: &ModuleGraph) -> bool {
    build.covers_everything()
        && graph
            .graph
            .node_weights()
            .any(|n| n.is_project() && build.ships(&n.path))
}

/// The packages on a declared path from production code to a package name
/// installed at two or more folders: the copies and the packages that may
/// import them. Parsing them tells which copies production code reaches.
fn duplicate_paths(graph: &ModuleGraph) -> BTreeSet<String> {
    let boundary = &graph.packages;
    let reached: BTreeSet<&str> = graph
        .graph
        .node_weights()
        .filter(|n| n.role == Role::Production)
        .filter_map(|n| n.package.as_ref())
        .map(|p| p.install_path.as_str())
        .collect();
    // Everything production code may reach: through the graph, then through
    // the declarations of the packages not parsed.
    let mut closure: BTreeSet<&str> = reached.clone();
    let mut queue: Vec<&str> = reached.into_iter().collect();
    let mut parents: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    while let Some(p) = queue.pop() {
        if !boundary.stopped(p) {
            continue;
        }
        for dep in boundary.deps.get(p).into_iter().flatten() {
            parents.entry(dep.as_str()).or_default().push(p);
            if closure.insert(dep.as_str()) {
                queue.push(dep.as_str());
            }
        }
    }
    let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for install in &closure {
        if let Some(pkg) = package_of(&format!("{install}/package.json")) {
            by_name
                .entry(name_in(install, &pkg.name))
                .or_default()
                .push(install);
        }
    }
    let mut out = BTreeSet::new();
    let mut queue: Vec<&str> = by_name
        .into_values()
        .filter(|copies| copies.len() > 1)
        .flatten()
        .collect();
    while let Some(p) = queue.pop() {
        if out.insert(p.to_string()) {
            queue.extend(parents.get(p).into_iter().flatten().copied());
        }
    }
    out
}

/// The package name of an install path (the tail `name` of `…/node_modules/name`).
fn name_in<'a>(install: &'a str, name: &str) -> &'a str {
    install
        .len()
        .checked_sub(name.len())
        .and_then(|at| install.get(at..))
        .unwrap_or(install)
}

/// Edges that stand for the code of the packages that stopped at the
/// boundary, for the dominator tree of the lazy-loading candidates. Every
/// package the graph or the declarations reach gets a virtual node, numbered
/// from `first` in the order of the returned install paths. A package not
/// parsed may import any file of its own and any package it declares: each
/// of its nodes → its virtual node → each of its nodes and the virtual node
/// of each declared package. A parsed package's imports are in the graph;
/// its virtual node only leads to its nodes (another package may import any
/// of them).
pub fn virtual_edges(graph: &ModuleGraph, first: usize) -> (Vec<String>, Vec<(usize, usize)>) {
    let boundary = &graph.packages;
    if !boundary.active {
        return (Vec::new(), Vec::new());
    }
    let mut nodes: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for idx in graph.graph.node_indices() {
        if let Some(p) = &graph.graph[idx].package {
            nodes
                .entry(p.install_path.as_str())
                .or_default()
                .push(idx.index());
        }
    }
    let mut names: BTreeSet<&str> = nodes.keys().copied().collect();
    for (p, deps) in &boundary.deps {
        if boundary.stopped(p) && nodes.contains_key(p.as_str()) {
            names.extend(deps.iter().map(String::as_str));
        }
    }
    let index: BTreeMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, p)| (*p, first + i))
        .collect();
    let mut edges = Vec::new();
    for (p, &v) in &index {
        let own = nodes.get(p).map(Vec::as_slice).unwrap_or_default();
        edges.extend(own.iter().map(|&n| (v, n)));
        if boundary.stopped(p) {
            edges.extend(own.iter().map(|&n| (n, v)));
            let deps = boundary.deps.get(*p).into_iter().flatten();
            edges.extend(deps.filter_map(|d| index.get(d.as_str())).map(|&d| (v, d)));
        }
    }
    (names.into_iter().map(str::to_string).collect(), edges)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_graph::GraphBuilder;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn dependencies_resolve_from_the_install_folder_nested_first() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        write(
            &root,
            "node_modules/a/package.json",
            r#"{"dependencies":{"b":"1","c":"2"},"peerDependencies":{"react":"*"},"optionalDependencies":{"gone":"1"}}"#,
        );
        write(&root, "node_modules/a/node_modules/b/package.json", "{}");
        write(&root, "node_modules/b/package.json", "{}");
        write(
            &root,
            "node_modules/c/package.json",
            r#"{"dependencies":{"b":"2"}}"#,
        );
        write(&root, "node_modules/react/package.json", "{}");
        let mut builder = GraphBuilder::new();
        builder.graph.root = root.clone();
        builder.module("node_modules/a/index.js", 10);
        let mut graph = builder.graph;
        graph.packages.active = true;
        read_deps(&mut graph, &root);
        let deps = &graph.packages.deps;
        assert_eq!(
            deps["node_modules/a"],
            [
                "node_modules/a/node_modules/b",
                "node_modules/c",
                "node_modules/react"
            ]
        );
        assert_eq!(deps["node_modules/c"], ["node_modules/b"]);
        assert!(deps["node_modules/react"].is_empty());
        // `b` at two folders, both reachable: the copies and the packages
        // that declare a path to them are parsed.
        let parse = duplicate_paths(&graph);
        let parse: Vec<&str> = parse.iter().map(String::as_str).collect();
        assert_eq!(
            parse,
            [
                "node_modules/a",
                "node_modules/a/node_modules/b",
                "node_modules/b",
                "node_modules/c"
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn pnpm_symlinks_resolve_to_the_real_install_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let store = "node_modules/.pnpm";
        write(
            &root,
            &format!("{store}/a@1.0.0/node_modules/a/package.json"),
            r#"{"dependencies":{"@s/b":"2"}}"#,
        );
        write(
            &root,
            &format!("{store}/@s+b@2.0.0/node_modules/@s/b/package.json"),
            "{}",
        );
        std::fs::create_dir_all(root.join(format!("{store}/a@1.0.0/node_modules/@s"))).unwrap();
        std::os::unix::fs::symlink(
            "../../../@s+b@2.0.0/node_modules/@s/b",
            root.join(format!("{store}/a@1.0.0/node_modules/@s/b")),
        )
        .unwrap();
        assert_eq!(
            declared(&root, &root, &format!("{store}/a@1.0.0/node_modules/a")),
            [format!("{store}/@s+b@2.0.0/node_modules/@s/b")]
        );
    }

    #[test]
    fn resolution_never_leaves_the_repository() {
        let outer = tempfile::tempdir().unwrap();
        let outer = std::fs::canonicalize(outer.path()).unwrap();
        write(&outer, "node_modules/evil/package.json", "{}");
        let repo = outer.join("repo");
        write(
            &repo,
            "node_modules/a/package.json",
            r#"{"dependencies":{"evil":"1","../x":"1"}}"#,
        );
        assert!(declared(&repo, &repo, "node_modules/a").is_empty());
    }

    /// The lazy candidate of `report` whose module is `module`.
    fn candidate<'r>(
        report: &'r model::analyze::AnalyzeReport,
        module: &str,
    ) -> &'r model::analyze::LazyCandidate {
        report
            .findings
            .iter()
            .find_map(|f| match &f.detail {
                model::Detail::Lazy(c) if c.module == module => Some(c),
                _ => None,
            })
            .expect("the candidate")
    }

    #[test]
    fn a_build_with_source_maps_sizes_a_candidate_whose_package_is_not_parsed() {
        use crate::build_shares::{BuildShares, Share};
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../fixtures/source/production-values");
        let project = project::ProjectFacts::read(&root);
        let esm = "node_modules/date-fns-tz/dist/esm";
        let (entry, inner) = (
            format!("{esm}/index.js"),
            format!("{esm}/formatInTimeZone/index.js"),
        );
        let share = |raw, gzip| Share { raw, gzip };
        let build = BuildShares::mapped(&[
            ("src/Orders.tsx", share(900, 400)),
            (&entry, share(40, 30)),
            (&inner, share(3000, 1200)),
        ]);
        let options = crate::AnalyzeOptions {
            build: Some(std::sync::Arc::new(build)),
            ..crate::AnalyzeOptions::default()
        };
        let with_build = crate::analyze_full(&project, &options).expect("analysis");
        // Not parsed: the build says what the package ships.
        let g = &with_build.graph.graph;
        let package_nodes: Vec<_> = g
            .node_weights()
            .filter(|n| n.path.starts_with("node_modules/date-fns-tz/"))
            .collect();
        assert!(!package_nodes.is_empty() && package_nodes.iter().all(|n| !n.parsed));
        let sized = candidate(&with_build.report, &entry);
        assert_eq!(sized.saving_source, model::analyze::SavingSource::Build);
        assert_eq!(
            (sized.build_bytes, sized.build_gzip),
            (Some(3040), Some(1230))
        );
        // The same files and source bytes as parsing the package finds.
        let parsed = crate::analyze_full(&project, &crate::AnalyzeOptions::default()).unwrap();
        let full = candidate(&parsed.report, &entry);
        assert_eq!(
            (sized.modules_saved, sized.bytes_saved),
            (full.modules_saved, full.bytes_saved)
        );
        assert_eq!((full.modules_saved, full.bytes_saved), (2, 64 + 8070));
    }
}
