//! Source module graph analysis (`perfscope analyze`).
//!
//! Gathering (the part that touches the file system): [`entries`] finds the
//! entry modules, [`walk`] lists the project's files, [`graph`] reads, parses
//! ([`parse`], oxc) and resolves ([`resolve`], oxc_resolver) every reachable
//! module with a pool of tasks (a file is queued as soon as an importer has
//! resolved it). Then [`findings`] are functions over the graph (the
//! lazy-loading candidates minify and gzip their top candidates' gathered
//! text with [`estimate`]); the dependency findings and the lazy-loading
//! candidates also read installed packages' `package.json` (their
//! `peerDependencies` and `sideEffects`, respectively), the dependency
//! findings also type declarations' `/// <reference types>` (see
//! [`findings`]).

pub mod boundary;
pub mod browser;
pub mod build_shares;
pub mod cache;
pub mod config;
pub mod entries;
pub mod error;
pub mod estimate;
pub mod explain;
pub mod findings;
pub mod globs;
pub mod graph;
pub mod listing;
pub mod parse;
pub mod plugins;
pub mod resolve;
pub mod static_config;
pub mod use_site;
pub mod walk;
pub mod workspace;

use std::path::Path;
use std::time::Instant;

use globset::{Glob, GlobSet, GlobSetBuilder};
use model::analyze::{AnalyzeReport, Entry, Import, Module, Timings};
use model::finding::Severities;

use project::ProjectFacts;

pub use config::AnalyzeConfig;
pub use error::SourceError;

/// What `analyze` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct AnalyzeOptions {
    /// `--entry` values (relative to the root); override the config's entries.
    pub entries: Vec<String>,
    /// The `[analyze]` section of `perfscope.toml`.
    pub config: AnalyzeConfig,
    /// Severity of each kind of finding (`off` kinds are not computed).
    pub severities: Severities,
    /// What the project's build output ships of each module, when the build
    /// was analysed too: lazy-loading candidates take their savings from it.
    pub build: Option<std::sync::Arc<build_shares::BuildShares>>,
    /// Keep parsed facts and minified modules in
    /// `node_modules/.cache/perfscope` and reuse them ([`cache`]); off by
    /// default (the command line turns it on unless `--no-cache`).
    pub cache: bool,
}

/// The gathered graph and the findings over it (for callers that need more
/// than the report, e.g. benchmarks).
pub struct Analysis {
    /// The graph.
    pub graph: graph::ModuleGraph,
    /// The report.
    pub report: AnalyzeReport,
}

fn ignore_set(config: &AnalyzeConfig) -> Result<GlobSet, SourceError> {
    let mut builder = GlobSetBuilder::new();
    let defaults = if config.ignore_defaults {
        config::DEFAULT_IGNORES
    } else {
        &[]
    };
    for pattern in defaults
        .iter()
        .copied()
        .chain(config.ignore.iter().map(String::as_str))
    {
        let glob = Glob::new(pattern)
            .map_err(|e| SourceError::Config(format!("ignore glob `{pattern}` is invalid: {e}")))?;
        builder.add(glob);
    }
    builder
        .build()
        .map_err(|e| SourceError::Config(format!("ignore globs: {e}")))
}

/// Checks that `root` is a usable folder.
fn check_root(root: &Path) -> Result<(), SourceError> {
    let meta = std::fs::metadata(root).map_err(|source| SourceError::Root {
        path: root.to_path_buf(),
        source,
    })?;
    if meta.is_dir() {
        Ok(())
    } else {
        Err(SourceError::NotAFolder {
            path: root.to_path_buf(),
        })
    }
}

/// Gathers the graph of the project whose facts are `project`.
pub fn gather(
    project: &ProjectFacts,
    options: &AnalyzeOptions,
) -> Result<graph::ModuleGraph, SourceError> {
    project::depth::run(|| gather_graph(project, options))
}

fn gather_graph(
    project: &ProjectFacts,
    options: &AnalyzeOptions,
) -> Result<graph::ModuleGraph, SourceError> {
    check_root(&project.root)?;
    let root = project.root.clone();
    let mut diagnostics = project.diagnostics.clone();
    let (files, side_files) = walk::project_listing(&root, &mut diagnostics);
    let request = entries::EntryRequest {
        cli: &options.entries,
        config: &options.config.entries,
        files: &files,
        side_files: &side_files,
    };
    let mut layout = workspace::discover(project);
    layout.add_nested_sites(&files);
    diagnostics.extend(layout.diagnostics.iter().cloned());
    let before = diagnostics.len();
    let discovery = entries::find_entries(&layout, &request, &mut diagnostics);
    let (found, tried) = (&discovery.entries, discovery.tried.clone());
    if found.is_empty() {
        let details: Vec<String> = diagnostics
            .iter()
            .skip(before)
            .map(|d| format!("{}: {}", d.path, d.message))
            .collect();
        let tried = if details.is_empty() {
            tried
        } else {
            format!("{tried}: {}", details.join("; "))
        };
        return Err(SourceError::NoEntries { path: root, tried });
    }
    // Bundler aliases apply to the files of the workspace whose config names them.
    let aliases: Vec<(std::path::PathBuf, String, std::path::PathBuf)> = layout
        .workspaces
        .iter()
        .zip(&discovery.workspaces)
        .flat_map(|(ws, found)| {
            found
                .aliases
                .iter()
                .map(|(prefix, target)| (ws.dir.clone(), prefix.clone(), target.clone()))
        })
        .collect();
    let provided: Vec<(std::path::PathBuf, plugins::Provided)> = layout
        .workspaces
        .iter()
        .zip(&discovery.workspaces)
        .flat_map(|(ws, found)| found.provided.iter().map(|p| (ws.dir.clone(), p.clone())))
        .collect();
    let resolver = resolve::ProjectResolver::new(&root)
        .with_workspaces(&layout.repo_root, &layout.packages)
        .with_aliases(aliases.clone())
        .with_provided(provided.clone());
    let project_files = files.iter().map(|f| graph::relative(&root, f)).collect();
    let build = graph::BuildOptions {
        max_file_bytes: options.config.max_file_bytes,
        jsx_runtimes: layout
            .workspaces
            .iter()
            .zip(&discovery.workspaces)
            .filter_map(|(ws, found)| Some((ws.dir.clone(), found.jsx_runtime.clone()?)))
            .collect(),
        aliases,
        roots: layout.workspaces.iter().map(|ws| ws.dir.clone()).collect(),
        files: files.clone(),
        cache: std::sync::Arc::new(if options.cache {
            cache::SourceCache::open(&layout.repo_root)
        } else {
            cache::SourceCache::disabled()
        }),
        parse_packages: options.config.parse_packages,
    };
    let mut graph = graph::build(
        &root,
        found,
        &resolver,
        &build,
        project,
        project_files,
        diagnostics,
    );
    graph.monorepo = layout.monorepo;
    graph.workspace_packages = layout.packages.iter().map(|p| p.name.clone()).collect();
    graph.workspaces = layout
        .workspaces
        .into_iter()
        .zip(discovery.workspaces)
        .map(|(ws, found)| graph::WorkspaceFacts {
            path: ws.path,
            dir: ws.dir,
            name: ws.name,
            manifest: ws.manifest,
            found,
        })
        .collect();
    parse_where_needed(
        &mut graph,
        &layout.repo_root,
        options,
        &resolver,
        &build,
        project,
    );
    settle_provided(&mut graph, &provided);
    // The resolver's caches hold an entry per path met: free them beside the
    // findings rather than before them (dropped here if no thread starts).
    let _ = std::thread::Builder::new()
        .name("perfscope-drop".into())
        .spawn(move || drop(resolver));
    Ok(graph)
}

/// Rounds of parsing inside the packages the findings need (see
/// [`boundary`]); three rounds at most (the candidates they leave unsized are
/// left out).
fn parse_where_needed(
    graph: &mut graph::ModuleGraph,
    repo_root: &Path,
    options: &AnalyzeOptions,
    resolver: &resolve::ProjectResolver,
    build: &graph::BuildOptions,
    project: &ProjectFacts,
) {
    if !graph.packages.active {
        return;
    }
    let sized_by_build = options
        .build
        .as_ref()
        .is_some_and(|b| boundary::build_sizes_packages(b, graph));
    for _ in 0..3 {
        boundary::read_deps(graph, repo_root);
        let wanted = boundary::to_parse(graph, options.config.lazy_first_party, !sized_by_build);
        if wanted.is_empty() {
            break;
        }
        graph::expand(graph, &wanted, resolver, build, project);
        graph.packages.expanded.extend(wanted);
    }
    boundary::read_deps(graph, repo_root);
}

/// Imports of what a tool provides when it runs (`contentlayer/generated`),
/// which the graph marked ([`graph::ResolvedImport::provided`]) and never
/// reported, name no package: their packages are cleared. The packages the
/// provided modules import ([`plugins::Provided::imports`]) are used, with
/// the role of the modules importing them.
fn settle_provided(
    graph: &mut graph::ModuleGraph,
    provided: &[(std::path::PathBuf, plugins::Provided)],
) {
    if provided.is_empty() {
        return;
    }
    let mut credits: Vec<(std::path::PathBuf, String, model::analyze::Role, String)> = Vec::new();
    for node in graph.graph.node_weights_mut() {
        let (abs, role, path) = (node.abs.clone(), node.role, node.path.clone());
        for import in node.imports.iter_mut() {
            let Some(by) = import.provided else {
                continue;
            };
            import.package = None;
            // The tool's entry of the importer's scope (as the resolver chose it).
            let Some((scope, tool)) = provided.iter().find(|(scope, p)| {
                p.tool == by
                    && project::fsx::is_under(&abs, scope)
                    && p.provides(&abs, &import.fact.specifier)
            }) else {
                continue;
            };
            for package in &tool.imports {
                let why = format!(
                    "{}: the modules it generates for `{}` ({path}) import it",
                    tool.tool, import.fact.specifier
                );
                credits.push((scope.clone(), package.clone(), role, why));
            }
        }
    }
    credits.sort();
    credits.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1 && a.2 == b.2);
    for (scope, package, role, why) in credits {
        if let Some(ws) = graph.workspaces.iter_mut().find(|w| w.dir == scope) {
            ws.found.use_package(&package, role, why);
        }
    }
}

/// The report's entries and modules (sorted by path).
fn report_modules(graph: &graph::ModuleGraph) -> (Vec<Entry>, Vec<Module>) {
    let mut entries: Vec<Entry> = graph
        .entries
        .iter()
        .filter_map(|(idx, source, role)| {
            graph.graph.node_weight(*idx).map(|n| Entry {
                path: n.path.clone(),
                source: source.clone(),
                role: *role,
            })
        })
        .collect();
    entries.sort();
    let mut modules: Vec<Module> = graph
        .graph
        .node_weights()
        .map(|n| Module {
            path: n.path.clone(),
            bytes: n.bytes,
            module_type: n.module_type.as_str().to_string(),
            package: n.package.as_ref().map(|p| p.name.clone()),
            role: n.role,
            imports: n
                .imports
                .iter()
                .map(|i| Import {
                    specifier: i.fact.specifier.clone(),
                    resolved: i
                        .target
                        .and_then(|t| graph.graph.node_weight(t))
                        .map(|t| t.path.clone()),
                    kind: i.fact.kind,
                    line: i.fact.line,
                })
                .collect(),
        })
        .collect();
    modules.sort_by(|a, b| a.path.cmp(&b.path));
    (entries, modules)
}

/// Analyses the project at `root`. Fatal only when the root is unusable, the
/// configuration is invalid or no entry exists; every other problem is a
/// diagnostic in the report.
pub fn analyze(root: &Path, options: &AnalyzeOptions) -> Result<AnalyzeReport, SourceError> {
    check_root(root)?;
    analyze_full(&ProjectFacts::read(root), options).map(|a| a.report)
}

/// Like [`analyze`], with the project's facts already read, also returning the graph.
pub fn analyze_full(
    project: &ProjectFacts,
    options: &AnalyzeOptions,
) -> Result<Analysis, SourceError> {
    // Parsing and walking happen on threads with large stacks (see `depth`).
    project::depth::run(|| analyze_on_parse_threads(project, options))
}

fn analyze_on_parse_threads(
    project: &ProjectFacts,
    options: &AnalyzeOptions,
) -> Result<Analysis, SourceError> {
    let start = Instant::now();
    let ignore = ignore_set(&options.config)?;
    let severities = &options.severities;
    let graph = gather(project, options)?;
    let graph_ms = start.elapsed().as_secs_f64() * 1000.0;

    let findings_start = Instant::now();
    // Findings (with the estimates of the top lazy candidates) beside the
    // module list of the report: both only read the graph.
    let context = findings::Context {
        graph: &graph,
        config: &options.config,
        ignore: &ignore,
        build: options.build.as_deref(),
        diagnostics: std::sync::Mutex::new(Vec::new()),
    };
    let ((found, findings_ms), (entries, modules)) = rayon::join(
        || {
            let found = findings::run_all(&context, severities);
            (found, findings_start.elapsed().as_secs_f64() * 1000.0)
        },
        || report_modules(&graph),
    );

    graph.cache.save();
    let mut diagnostics = graph.diagnostics.clone();
    diagnostics.extend(
        context
            .diagnostics
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    diagnostics.sort();
    diagnostics.dedup();

    let workspaces = if graph.monorepo {
        graph
            .workspaces
            .iter()
            .map(|w| model::analyze::Workspace {
                path: w.path.clone(),
                name: w.name.clone(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let report = AnalyzeReport {
        schema_version: model::SCHEMA_VERSION,
        kind: "analyze".into(),
        entries,
        workspaces,
        findings: found,
        modules,
        diagnostics,
        timings: Timings {
            graph_ms,
            findings_ms,
            total_ms: start.elapsed().as_secs_f64() * 1000.0,
        },
    };
    Ok(Analysis { graph, report })
}
