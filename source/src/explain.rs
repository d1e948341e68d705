//! Questions about one analysis, answered from its report alone (pure):
//! why a file is used or not (`perfscope analyze --explain PATH`), and the
//! report of one workspace of a monorepo (`--workspace NAME`).

use std::collections::{BTreeSet, HashMap, VecDeque};

use model::FindingKind;
use model::analyze::{
    AnalyzeReport, ChainLink, Entry, ExplainStatus, Explanation, Import, Module, Role,
};

/// Why `path` (relative to the root, `/`-separated) is in the graph, or not.
///
/// The chain is the shortest one from any production entry; a file that only
/// tooling reaches gets the shortest chain from a tooling entry.
pub fn explain(report: &AnalyzeReport, path: &str) -> Explanation {
    let path = path.trim_start_matches("./").to_string();
    let workspace = owner(report, &path);
    let modules: HashMap<&str, &Module> = report
        .modules
        .iter()
        .map(|m| (m.path.as_str(), m))
        .collect();
    let importers: Vec<String> = report
        .modules
        .iter()
        .filter(|m| {
            m.imports
                .iter()
                .any(|i| i.resolved.as_deref() == Some(&path))
        })
        .map(|m| m.path.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let base = Explanation {
        path: path.clone(),
        status: ExplainStatus::NotAnalysed,
        role: None,
        entry: None,
        chain: Vec::new(),
        importers,
        workspace,
        message: String::new(),
    };

    let entries_of =
        |role: Role| -> Vec<&Entry> { report.entries.iter().filter(|e| e.role == role).collect() };
    if let Some(entry) = entries_of(Role::Production)
        .into_iter()
        .chain(entries_of(Role::Tooling))
        .find(|e| e.path == path)
    {
        return Explanation {
            status: ExplainStatus::Entry,
            role: Some(entry.role),
            message: format!(
                "{path} is an entry ({}): {}",
                role_word(entry.role),
                entry.source
            ),
            entry: Some(entry.clone()),
            ..base
        };
    }
    if modules.contains_key(path.as_str()) {
        for role in [Role::Production, Role::Tooling] {
            if let Some((entry, chain)) = shortest_chain(&modules, &entries_of(role), &path) {
                // Each file with the line of its import of the next, as cycles show.
                let steps: Vec<String> = chain
                    .iter()
                    .map(|l| format!("{}:{}", l.from, l.line))
                    .chain(std::iter::once(path.clone()))
                    .collect();
                return Explanation {
                    status: ExplainStatus::Used,
                    role: Some(role),
                    message: format!(
                        "{path} is used ({}): {} ({} is an entry: {})",
                        role_word(role),
                        steps.join(" → "),
                        entry.path,
                        entry.source
                    ),
                    entry: Some(entry.clone()),
                    chain,
                    ..base
                };
            }
        }
        // In the module list but no chain: only packages or stale data.
        return Explanation {
            status: ExplainStatus::Used,
            role: modules.get(path.as_str()).map(|m| m.role),
            message: format!("{path} is in the module graph"),
            ..base
        };
    }
    if report
        .findings
        .iter()
        .any(|f| f.kind == FindingKind::UnusedFiles && f.subject == path)
    {
        return Explanation {
            status: ExplainStatus::Unused,
            message: format!(
                "{path} is unused: no entry reaches it (no import, require, import(), new URL, \
                 glob or framework convention names it, and no config or script loads it)"
            ),
            ..base
        };
    }
    Explanation {
        message: format!(
            "{path} is not analysed: it is not a JS/TS module of the project, or it is ignored \
             (tests, stories, configs and .d.ts files no entry reaches, public/ folders, \
             .gitignore, `[analyze] ignore`), or it does not exist"
        ),
        ..base
    }
}

fn role_word(role: Role) -> &'static str {
    match role {
        Role::Production => "production",
        Role::Tooling => "tooling",
    }
}

/// The workspace folder that owns `path` (longest prefix), in a monorepo.
fn owner(report: &AnalyzeReport, path: &str) -> Option<String> {
    report
        .workspaces
        .iter()
        .filter(|w| {
            w.path == "."
                || path
                    .strip_prefix(w.path.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        })
        .max_by_key(|w| if w.path == "." { 0 } else { w.path.len() })
        .map(|w| w.path.clone())
}

/// How the search reached a module: the index of the entry it came from, and
/// the edge it came in by (none for an entry).
type Reached<'m> = (usize, Option<(&'m str, &'m Import)>);

/// Breadth-first from all `entries` at once: the nearest entry and the chain.
fn shortest_chain<'a>(
    modules: &HashMap<&str, &Module>,
    entries: &[&'a Entry],
    target: &str,
) -> Option<(&'a Entry, Vec<ChainLink>)> {
    let mut seen: HashMap<&str, Reached> = HashMap::new();
    let mut queue = VecDeque::new();
    for (i, e) in entries.iter().enumerate() {
        if modules.contains_key(e.path.as_str()) && !seen.contains_key(e.path.as_str()) {
            seen.insert(e.path.as_str(), (i, None));
            queue.push_back(e.path.as_str());
        }
    }
    while let Some(at) = queue.pop_front() {
        if at == target {
            let entry = seen.get(at)?.0;
            let mut chain = Vec::new();
            let mut cur = at;
            while let Some((_, Some((from, import)))) = seen.get(cur) {
                chain.push(ChainLink {
                    from: (*from).to_string(),
                    line: import.line,
                    specifier: import.specifier.clone(),
                    kind: import.kind,
                    to: cur.to_string(),
                });
                cur = from;
            }
            chain.reverse();
            return Some((entries.get(entry)?, chain));
        }
        let Some(module) = modules.get(at) else {
            continue;
        };
        let entry = seen.get(at).map_or(0, |s| s.0);
        for import in &module.imports {
            let Some(next) = import.resolved.as_deref() else {
                continue;
            };
            if let Some((key, _)) = modules.get_key_value(next)
                && !seen.contains_key(key)
            {
                seen.insert(key, (entry, Some((at, import))));
                queue.push_back(key);
            }
        }
    }
    None
}

/// Narrows `report` to one workspace, named by its `package.json` name or its
/// folder: its entries, the modules its entries reach, its findings (and the
/// per-kind lists), the gate's error kinds. Diagnostics about other
/// workspaces' files go. Errors name the workspaces there are.
pub fn narrow_to_workspace(report: &mut AnalyzeReport, name: &str) -> Result<String, String> {
    let wanted = name.trim_end_matches('/').trim_start_matches("./");
    let Some(ws) = report
        .workspaces
        .iter()
        .find(|w| w.name.as_deref() == Some(wanted) || w.path == wanted)
        .cloned()
    else {
        let known: Vec<String> = report
            .workspaces
            .iter()
            .map(|w| match &w.name {
                Some(n) => format!("{n} ({})", w.path),
                None => w.path.clone(),
            })
            .collect();
        return Err(if known.is_empty() {
            format!("no workspace `{name}`: this project is not a monorepo")
        } else {
            format!(
                "no workspace `{name}`; the workspaces are: {}",
                known.join(", ")
            )
        });
    };
    let path = ws.path.clone();
    let owns = |p: &str| owner(report, p).as_deref() == Some(path.as_str());
    let entries: Vec<Entry> = report
        .entries
        .iter()
        .filter(|e| owns(&e.path))
        .cloned()
        .collect();
    // The modules its entries reach (its own files and the packages they use).
    let by_path: HashMap<&str, &Module> = report
        .modules
        .iter()
        .map(|m| (m.path.as_str(), m))
        .collect();
    let mut keep: BTreeSet<&str> = BTreeSet::new();
    let mut queue: VecDeque<&str> = entries.iter().map(|e| e.path.as_str()).collect();
    while let Some(at) = queue.pop_front() {
        let Some((key, module)) = by_path.get_key_value(at) else {
            continue;
        };
        if !keep.insert(key) {
            continue;
        }
        for import in &module.imports {
            if let Some(next) = import.resolved.as_deref() {
                queue.push_back(next);
            }
        }
    }
    let modules: Vec<Module> = report
        .modules
        .iter()
        .filter(|m| keep.contains(m.path.as_str()))
        .cloned()
        .collect();
    let diagnostics = report
        .diagnostics
        .iter()
        .filter(|d| d.path.is_empty() || owns(&d.path) || d.path.starts_with("node_modules/"))
        .cloned()
        .collect();
    report.entries = entries;
    report.modules = modules;
    report.diagnostics = diagnostics;
    report
        .findings
        .retain(|f| f.workspace.as_deref().is_none_or(|w| w == path));
    report.workspaces = vec![ws];
    Ok(path)
}

#[cfg(test)]
mod tests {
    /// The subjects of a report's unused-files findings.
    fn subjects(r: &AnalyzeReport) -> Vec<&str> {
        r.findings
            .iter()
            .filter(|f| f.kind == model::FindingKind::UnusedFiles)
            .map(|f| f.subject.as_str())
            .collect()
    }

    use super::*;
    use model::analyze::{EdgeKind, Workspace};

    fn module(path: &str, imports: &[(&str, u32)]) -> Module {
        Module {
            path: path.into(),
            bytes: 10,
            module_type: "js".into(),
            package: None,
            role: Role::Production,
            imports: imports
                .iter()
                .map(|(to, line)| Import {
                    specifier: format!("./{to}"),
                    resolved: Some((*to).into()),
                    kind: EdgeKind::Static,
                    line: *line,
                })
                .collect(),
        }
    }

    fn report() -> AnalyzeReport {
        let mut r = AnalyzeReport {
            schema_version: model::SCHEMA_VERSION,
            kind: "analyze".into(),
            entries: vec![
                Entry {
                    path: "a/main.ts".into(),
                    source: "vite: index.html module script".into(),
                    role: Role::Production,
                },
                Entry {
                    path: "a/main.test.ts".into(),
                    source: "vitest: test file".into(),
                    role: Role::Tooling,
                },
            ],
            workspaces: Vec::new(),
            findings: Vec::new(),
            modules: vec![
                module("a/main.ts", &[("a/x.ts", 2), ("a/y.ts", 3)]),
                module("a/x.ts", &[("a/z.ts", 7)]),
                module("a/y.ts", &[("a/z.ts", 1)]),
                module("a/z.ts", &[]),
                module("a/main.test.ts", &[("a/helper.ts", 1), ("a/z.ts", 2)]),
                module("a/helper.ts", &[]),
            ],
            diagnostics: Vec::new(),
            timings: Default::default(),
        };
        r.findings
            .push(crate::findings::unused_files::finding("a/dead.ts"));
        r
    }

    #[test]
    fn the_shortest_production_chain_wins() {
        let e = explain(&report(), "./a/z.ts");
        assert_eq!(e.status, ExplainStatus::Used);
        assert_eq!(e.role, Some(Role::Production));
        assert_eq!(e.entry.unwrap().path, "a/main.ts");
        let hops: Vec<(&str, u32)> = e.chain.iter().map(|l| (l.to.as_str(), l.line)).collect();
        assert_eq!(hops, [("a/x.ts", 2), ("a/z.ts", 7)]);
        assert_eq!(e.importers, ["a/main.test.ts", "a/x.ts", "a/y.ts"]);
        assert!(
            e.message.contains("a/main.ts:2 → a/x.ts:7 → a/z.ts ("),
            "{}",
            e.message
        );
    }

    #[test]
    fn tooling_only_entries_unused_and_unknown_files() {
        let r = report();
        let helper = explain(&r, "a/helper.ts");
        assert_eq!(helper.status, ExplainStatus::Used);
        assert_eq!(helper.role, Some(Role::Tooling));
        assert_eq!(helper.entry.unwrap().source, "vitest: test file");
        let entry = explain(&r, "a/main.ts");
        assert_eq!(entry.status, ExplainStatus::Entry);
        assert!(entry.message.contains("vite: index.html module script"));
        assert_eq!(explain(&r, "a/dead.ts").status, ExplainStatus::Unused);
        assert_eq!(
            explain(&r, "a/nothing.ts").status,
            ExplainStatus::NotAnalysed
        );
    }

    #[test]
    fn narrowing_keeps_one_workspace() {
        let mut r = report();
        r.workspaces = vec![
            Workspace {
                path: ".".into(),
                name: Some("root".into()),
            },
            Workspace {
                path: "a".into(),
                name: Some("@acme/a".into()),
            },
            Workspace {
                path: "b".into(),
                name: Some("@acme/b".into()),
            },
        ];
        let mut in_b = crate::findings::unused_files::finding("b/dead.ts");
        in_b.workspace = Some("b".into());
        r.findings.push(in_b);
        r.findings[0].workspace = Some("a".into());
        let mut a = r.clone();
        assert_eq!(narrow_to_workspace(&mut a, "@acme/a").unwrap(), "a");
        assert_eq!(subjects(&a), ["a/dead.ts"]);
        assert_eq!(a.entries.len(), 2);
        assert_eq!(a.modules.len(), 6);
        let mut b = r.clone();
        assert_eq!(narrow_to_workspace(&mut b, "b/").unwrap(), "b");
        assert_eq!(subjects(&b), ["b/dead.ts"]);
        assert!(b.entries.is_empty() && b.modules.is_empty());
        let err = narrow_to_workspace(&mut r, "nope").unwrap_err();
        assert!(err.contains("@acme/a (a)"), "{err}");
    }
}
