//! `import.meta.glob` expanded against the project's files, as Vite places
//! its patterns: relative to the importer (`./`, `../`, or to the `base`
//! option), to the importer's workspace (`/`, Vite's root), anywhere under
//! that workspace (`**/…`), or through an alias of the importer's workspace
//! (tsconfig `paths`, Vite `resolve.alias`: `@/pages/*.tsx`). `!` patterns
//! exclude what they match. A lazy glob's matches become `import()`s, an
//! eager one's static imports; with `import: 'name'` each match is used for
//! that one export only. A pattern that cannot be placed is a diagnostic:
//! the files it would match are not followed (and may be reported unused),
//! or, for an exclusion, are not excluded.

use std::path::{Path, PathBuf};

use model::analyze::EdgeKind;

use super::graph::BuildOptions;
use super::parse::{FileFacts, GlobFact, ImportFact, NameSet, UsedNames};
use super::plugins::storybook::normalize;

/// Where a file's glob patterns start from.
struct Places<'a> {
    /// The importer's folder, or the folder the `base` option names (`None`
    /// when `base` cannot be placed).
    relative: Option<PathBuf>,
    /// The importer's workspace folder (Vite's root).
    root: &'a Path,
    /// The aliases whose scope holds the importer: (length of the scope
    /// folder, prefix, target folder).
    aliases: Vec<(usize, &'a str, &'a Path)>,
}

impl Places<'_> {
    /// The absolute pattern `body` (without its `!`) stands for, if it can
    /// be placed.
    fn place(&self, body: &str) -> Option<PathBuf> {
        if body.starts_with("./") || body.starts_with("../") {
            return normalize(&self.relative.as_ref()?.join(body));
        }
        if let Some(rest) = body.strip_prefix('/') {
            return normalize(&self.root.join(rest));
        }
        if body.starts_with("**") {
            return Some(self.root.join(body));
        }
        self.aliased(body)
    }

    /// `body` through an alias it starts with, as the resolver picks one:
    /// of the innermost scope, then the longest prefix.
    fn aliased(&self, body: &str) -> Option<PathBuf> {
        let (_, prefix, target) = self
            .aliases
            .iter()
            .filter(|(_, prefix, _)| body.starts_with(prefix))
            .max_by_key(|(scope, prefix, _)| (*scope, prefix.len()))?;
        normalize(&target.join(&body[prefix.len()..]))
    }
}

/// The places of the file `path`: its workspace is the innermost of
/// `options.roots` holding it (else its own folder), its aliases those
/// whose scope holds it.
fn places_of<'a>(path: &'a Path, glob: &GlobFact, options: &'a BuildOptions) -> Places<'a> {
    let dir = path.parent().unwrap_or(path);
    let root = options
        .roots
        .iter()
        .filter(|r| path.starts_with(r))
        .max_by_key(|r| r.as_os_str().len())
        .map_or(dir, PathBuf::as_path);
    let aliases = options
        .aliases
        .iter()
        .filter(|(scope, _, _)| path.starts_with(scope))
        .map(|(scope, prefix, target)| (scope.as_os_str().len(), prefix.as_str(), target.as_path()))
        .collect();
    let mut places = Places {
        relative: Some(dir.to_path_buf()),
        root,
        aliases,
    };
    if let Some(base) = &glob.base {
        places.relative = places.place(base.trim_end_matches('/'));
    }
    places
}

/// Why a pattern could not be placed, for its diagnostic.
fn unplaced(glob: &GlobFact, places: &Places, pattern: &str, negated: bool) -> String {
    let relative = pattern.trim_start_matches('!').starts_with('.');
    let why = match &glob.base {
        Some(base) if relative && places.relative.is_none() => format!(
            "its `base` `{}` is neither relative, from the root nor under an alias",
            model::diagnostic::quote(base)
        ),
        _ => "it is neither relative (`./`, `../`), from the root (`/`, `**`) nor under a tsconfig `paths` or Vite `resolve.alias` prefix".to_string(),
    };
    let outcome = if negated {
        "it is not applied: the files it would exclude count as used"
    } else {
        "the files it matches are not followed and may be reported unused"
    };
    format!(
        "`import.meta.glob` pattern `{}` cannot be placed ({why}); {outcome}",
        model::diagnostic::quote(pattern)
    )
}

/// Turns each `import.meta.glob` of the file `path` into one import per
/// matching project file (never the file itself); returns the problems as
/// (line, message).
pub fn expand(path: &Path, facts: &mut FileFacts, options: &BuildOptions) -> Vec<(u32, String)> {
    let mut problems = Vec::new();
    let Some(dir) = path.parent() else {
        return problems;
    };
    for glob in std::mem::take(&mut facts.globs) {
        let places = places_of(path, &glob, options);
        let mut include = globset::GlobSetBuilder::new();
        let mut exclude = globset::GlobSetBuilder::new();
        for pattern in &glob.patterns {
            let (negated, body) = match pattern.strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (false, pattern.as_str()),
            };
            let Some(absolute) = places.place(body) else {
                problems.push((glob.line, unplaced(&glob, &places, pattern, negated)));
                continue;
            };
            let Ok(compiled) = globset::GlobBuilder::new(&absolute.to_string_lossy())
                .literal_separator(true)
                .build()
            else {
                continue;
            };
            if negated {
                exclude.add(compiled);
            } else {
                include.add(compiled);
            }
        }
        let (Ok(include), Ok(exclude)) = (include.build(), exclude.build()) else {
            continue;
        };
        let used = match &glob.import {
            Some(name) => {
                let mut names = NameSet::default();
                names.insert(name.clone());
                UsedNames::Names(names)
            }
            None => UsedNames::All,
        };
        for file in &options.files {
            if file.as_path() == path || !include.is_match(file) || exclude.is_match(file) {
                continue;
            }
            let specifier = match model::path::display(dir, file) {
                rel if rel.starts_with("..") || rel.starts_with('/') => rel,
                rel => format!("./{rel}"),
            };
            facts.imports.push(ImportFact {
                specifier,
                kind: if glob.eager {
                    EdgeKind::Static
                } else {
                    EdgeKind::Dynamic
                },
                line: glob.line,
                used: used.clone(),
                members: Vec::new(),
            });
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(files: &[&str]) -> BuildOptions {
        BuildOptions {
            roots: vec![PathBuf::from("/repo"), PathBuf::from("/repo/apps/web")],
            aliases: vec![
                (
                    PathBuf::from("/repo/apps/web"),
                    "@/".to_string(),
                    PathBuf::from("/repo/apps/web/src"),
                ),
                (
                    PathBuf::from("/repo/apps/admin"),
                    "@/".to_string(),
                    PathBuf::from("/repo/apps/admin/app"),
                ),
            ],
            files: files.iter().map(PathBuf::from).collect(),
            ..BuildOptions::default()
        }
    }

    fn glob(patterns: &[&str]) -> GlobFact {
        GlobFact {
            patterns: patterns.iter().map(|p| p.to_string()).collect(),
            line: 3,
            ..GlobFact::default()
        }
    }

    /// (specifier, kind, used) of an import a glob gives.
    type Expanded = (String, EdgeKind, UsedNames);

    /// The imports the globs of `from` give, and the problems.
    fn expanded(
        from: &str,
        globs: Vec<GlobFact>,
        options: &BuildOptions,
    ) -> (Vec<Expanded>, Vec<(u32, String)>) {
        let mut facts = FileFacts {
            globs,
            ..FileFacts::default()
        };
        let problems = expand(Path::new(from), &mut facts, options);
        let imports = facts
            .imports
            .into_iter()
            .map(|i| (i.specifier, i.kind, i.used))
            .collect();
        (imports, problems)
    }

    fn specifiers(from: &str, globs: Vec<GlobFact>, options: &BuildOptions) -> Vec<String> {
        expanded(from, globs, options)
            .0
            .into_iter()
            .map(|(s, _, _)| s)
            .collect()
    }

    #[test]
    fn aliases_are_those_of_the_importers_workspace() {
        let options = options(&[
            "/repo/apps/web/src/main.tsx",
            "/repo/apps/web/src/pages/home.tsx",
            "/repo/apps/web/src/pages/settings/profile.tsx",
            "/repo/apps/admin/app/pages/users.tsx",
        ]);
        assert_eq!(
            specifiers(
                "/repo/apps/web/src/main.tsx",
                vec![glob(&["@/pages/**/*.tsx"])],
                &options
            ),
            ["./pages/home.tsx", "./pages/settings/profile.tsx"]
        );
        // `*` stays inside one folder.
        assert_eq!(
            specifiers(
                "/repo/apps/web/src/main.tsx",
                vec![glob(&["@/pages/*.tsx"])],
                &options
            ),
            ["./pages/home.tsx"]
        );
    }

    #[test]
    fn exclusions_relative_anywhere_or_aliased_are_not_credited() {
        let options = options(&[
            "/repo/apps/web/src/locales/_draft.ts",
            "/repo/apps/web/src/locales/en.ts",
            "/repo/apps/web/src/locales/fr.ts",
            "/repo/apps/web/src/locales/legacy.ts",
            "/repo/apps/web/src/main.ts",
        ]);
        let patterns = [
            "./locales/*.ts",
            "!./locales/_*.ts",
            "!**/legacy.ts",
            "!@/locales/fr.ts",
        ];
        assert_eq!(
            specifiers(
                "/repo/apps/web/src/main.ts",
                vec![glob(&patterns)],
                &options
            ),
            ["./locales/en.ts"]
        );
    }

    #[test]
    fn root_patterns_base_and_the_import_option() {
        let options = options(&[
            "/repo/apps/web/src/widgets/clock.ts",
            "/repo/apps/web/src/widgets/weather.ts",
            "/repo/apps/web/src/app/boot.ts",
            "/repo/apps/web/lib/a.ts",
        ]);
        let mut eager = glob(&["/src/widgets/*.ts"]);
        eager.eager = true;
        eager.import = Some("default".to_string());
        let mut based = glob(&["./*.ts"]);
        based.base = Some("../widgets".to_string());
        let (imports, problems) = expanded(
            "/repo/apps/web/src/app/boot.ts",
            vec![eager, based],
            &options,
        );
        let default = {
            let mut names = NameSet::default();
            names.insert("default".to_string());
            UsedNames::Names(names)
        };
        assert_eq!(
            imports,
            [
                (
                    "../widgets/clock.ts".to_string(),
                    EdgeKind::Static,
                    default.clone()
                ),
                (
                    "../widgets/weather.ts".to_string(),
                    EdgeKind::Static,
                    default
                ),
                (
                    "../widgets/clock.ts".to_string(),
                    EdgeKind::Dynamic,
                    UsedNames::All
                ),
                (
                    "../widgets/weather.ts".to_string(),
                    EdgeKind::Dynamic,
                    UsedNames::All
                ),
            ]
        );
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn a_pattern_that_cannot_be_placed_is_a_diagnostic() {
        let options = options(&["/repo/apps/web/src/pages/home.tsx"]);
        let (imports, problems) = expanded(
            "/repo/apps/web/src/main.tsx",
            vec![glob(&["~pages/*.tsx", "!#skip/*.tsx", "./pages/*.tsx"])],
            &options,
        );
        let specifiers: Vec<&str> = imports.iter().map(|(s, _, _)| s.as_str()).collect();
        assert_eq!(specifiers, ["./pages/home.tsx"]);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].1.contains("`~pages/*.tsx`")
                && problems[0].1.contains("may be reported unused")
        );
        assert!(
            problems[1].1.contains("`!#skip/*.tsx`") && problems[1].1.contains("count as used")
        );
        assert!(problems.iter().all(|(line, _)| *line == 3));
        // An alias of another workspace does not apply.
        let (_, problems) = expanded(
            "/repo/packages/ui/src/index.ts",
            vec![glob(&["@/pages/*.tsx"])],
            &options,
        );
        assert_eq!(problems.len(), 1);
    }
}
