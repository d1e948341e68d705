//! Shell command lines, read the one way every plugin that finds them
//! needs (`package.json` scripts, Git hooks, lint-staged tasks): which
//! binary a simple command runs once wrappers are peeled off (`FOO=1
//! cross-env npx --no -- commitlint`, `pnpm exec x`, `yarn x`, `bun x`),
//! the package that provides it (the installed packages' `bin` fields, else
//! a table of well-known binaries, else a package of the same name), the
//! modules a runtime loads first and the arguments that may name files.
//!
//! Nothing here runs a command; shell expansion is not done (a variable or
//! a `$(…)` names nothing).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use model::analyze::Role;
use serde_json::Value;

use super::{Ctx, Found};
use project::fsx;

/// Binaries whose package has another name.
const KNOWN_BINARIES: &[(&str, &[&str])] = &[
    ("tsc", &["typescript"]),
    ("tsserver", &["typescript"]),
    ("playwright", &["@playwright/test", "playwright"]),
    ("react-router", &["@react-router/dev"]),
    ("react-router-serve", &["@react-router/serve"]),
    ("remix", &["@remix-run/dev"]),
    ("remix-serve", &["@remix-run/serve"]),
    ("sb", &["storybook"]),
    ("storybook", &["storybook", "@storybook/cli"]),
    ("build-storybook", &["@storybook/cli", "storybook"]),
    ("start-storybook", &["@storybook/cli", "storybook"]),
    ("babel", &["@babel/cli"]),
    ("babel-node", &["@babel/node"]),
    ("webpack", &["webpack-cli", "webpack"]),
    ("webpack-dev-server", &["webpack-dev-server"]),
    ("postcss", &["postcss-cli"]),
    ("dotenv", &["dotenv-cli"]),
    ("run-s", &["npm-run-all", "npm-run-all2"]),
    ("run-p", &["npm-run-all", "npm-run-all2"]),
    ("npm-run-all", &["npm-run-all", "npm-run-all2"]),
    ("changeset", &["@changesets/cli"]),
    ("commitlint", &["@commitlint/cli"]),
    ("cz", &["commitizen"]),
    ("git-cz", &["commitizen"]),
    ("ls-lint", &["@ls-lint/ls-lint"]),
    ("graphql-codegen", &["@graphql-codegen/cli"]),
    ("gql-gen", &["@graphql-codegen/cli"]),
    ("biome", &["@biomejs/biome"]),
    ("netlify", &["netlify-cli"]),
    ("firebase", &["firebase-tools"]),
    ("ng", &["@angular/cli"]),
    ("nuxi", &["nuxt", "nuxi"]),
    ("svelte-kit", &["@sveltejs/kit"]),
    ("craco", &["@craco/craco"]),
    ("rsbuild", &["@rsbuild/core"]),
    ("rspack", &["@rspack/cli"]),
    ("tsr", &["@tanstack/router-cli"]),
    ("vue-tsc", &["vue-tsc"]),
    ("lessc", &["less"]),
    ("msw", &["msw"]),
    ("openapi-typescript", &["openapi-typescript"]),
    ("vite-node", &["vite-node"]),
];

/// Binaries that are not packages (shell and runtime commands).
const NOT_PACKAGES: &[&str] = &[
    "node", "npm", "npx", "pnpm", "yarn", "bun", "bunx", "deno", "corepack", "echo", "cd", "cp",
    "mv", "rm", "mkdir", "cat", "test", "true", "false", "exit", "export", "sh", "bash", "set",
    "sleep", "git", "open", "touch", "ls", "find", "xargs", "env", "time", "exec", "if", "then",
    "fi", "else", "do", "done", "for", "while", "[", "[[", "wait", "kill", "curl", "docker",
];

/// Wrappers whose next word (after their options) is the real command.
const WRAPPERS: &[&str] = &["npx", "bunx", "exec", "dlx", "env", "time", "nice", "nohup"];

/// Shell words that start a command without being one (`if ! npx x; then`).
const SHELL_KEYWORDS: &[&str] = &["if", "then", "else", "elif", "do", "while", "until", "!"];

/// Commands of npm, pnpm, yarn and bun themselves: `yarn <word>` runs a
/// binary (or a script) only when the word is none of these.
const MANAGER_COMMANDS: &[&str] = &[
    "add",
    "audit",
    "autoclean",
    "bin",
    "build",
    "cache",
    "check",
    "ci",
    "completions",
    "config",
    "constraints",
    "create",
    "dedupe",
    "deploy",
    "doctor",
    "env",
    "explain",
    "fetch",
    "generate-lock-entry",
    "global",
    "help",
    "i",
    "import",
    "info",
    "init",
    "install",
    "licenses",
    "link",
    "list",
    "ll",
    "login",
    "logout",
    "ls",
    "node",
    "npm",
    "outdated",
    "owner",
    "pack",
    "patch",
    "patch-commit",
    "plugin",
    "pm",
    "policies",
    "prune",
    "publish",
    "rebuild",
    "recursive",
    "remove",
    "repl",
    "restart",
    "rm",
    "root",
    "search",
    "set",
    "setup",
    "stage",
    "start",
    "stop",
    "store",
    "t",
    "tag",
    "team",
    "test",
    "un",
    "uninstall",
    "unlink",
    "unplug",
    "up",
    "update",
    "upgrade",
    "upgrade-interactive",
    "version",
    "versions",
    "why",
    "workspace",
    "workspaces",
];

/// Runtimes whose first file argument is the script they run.
const RUNTIMES: &[&str] = &[
    "node",
    "tsx",
    "ts-node",
    "ts-node-esm",
    "babel-node",
    "esno",
    "esr",
    "vite-node",
    "nodemon",
    "bun",
    "deno",
    "jiti",
];

/// One simple command, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command<'w> {
    /// Packages the words before the binary name (`cross-env`,
    /// `dotenv-cli`, `npx -p x`).
    pub wrappers: Vec<String>,
    /// The word of the binary it runs, as written (`vite`,
    /// `node_modules/.bin/eslint`, `./scripts/x.mjs`, `prettier@3`).
    pub binary: &'w str,
    /// The words after it.
    pub args: &'w [String],
}

/// What an argument of a command is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Argument<'w> {
    /// A module a runtime loads first (`node --import tsx`, `-r
    /// ts-node/register`, `--require=x`).
    Load(&'w str),
    /// Any other value, an option's too (`--config=x.ts` → `x.ts`): it may
    /// name a file.
    Value(&'w str),
}

/// Reads the simple command `words`: wrappers peeled off (environment
/// assignments, `cross-env`, `dotenv --`, `npx`/`bunx` and their options,
/// `pnpm exec`, `yarn dlx`, `bun x`, `yarn <binary>` when `<binary>` is
/// neither a command of the package manager nor one of the package's
/// scripts (`is_script`)). `None` when it runs nothing.
pub fn read<'w>(words: &'w [String], is_script: &dyn Fn(&str) -> bool) -> Option<Command<'w>> {
    let mut wrappers = Vec::new();
    let mut i = 0;
    loop {
        let word = words.get(i)?.as_str();
        if word.contains('=') && !word.starts_with('-') && !word.contains('/') {
            // `FOO=1`, and `FOO=$(git rev-parse HEAD)` up to its `)`.
            i += 1;
            if word.contains("$(") && !word.contains(')') {
                i += words[i..].iter().position(|w| w.contains(')'))? + 1;
            }
        } else if SHELL_KEYWORDS.contains(&word) {
            i += 1;
        } else if word == "cross-env" || word == "cross-env-shell" {
            wrappers.push(word.to_string());
            i += 1;
        } else if word == "dotenv" {
            wrappers.push("dotenv-cli".to_string());
            // Up to and past `--`.
            i += words[i..].iter().position(|w| w == "--")? + 1;
        } else if WRAPPERS.contains(&word) {
            i = skip_options(words, i + 1, &mut wrappers);
        } else if matches!(word, "pnpm" | "yarn" | "npm" | "bun")
            && words
                .get(i + 1)
                .is_some_and(|w| matches!(w.as_str(), "exec" | "dlx" | "x"))
        {
            i = skip_options(words, i + 2, &mut wrappers);
        } else if let Some(at) = manager_binary(words, i, is_script) {
            i = at;
            break;
        } else {
            break;
        }
    }
    let binary = words.get(i)?;
    Some(Command {
        wrappers,
        binary,
        args: &words[i + 1..],
    })
}

/// Past the options of a wrapper (`npx --no --`, `npx --yes -p x`); the
/// packages `-p`/`--package` name are wrappers' uses.
fn skip_options(words: &[String], mut i: usize, wrappers: &mut Vec<String>) -> usize {
    while let Some(word) = words.get(i) {
        if word == "--" {
            return i + 1;
        }
        if word == "-p" || word == "--package" {
            if let Some(package) = words.get(i + 1) {
                wrappers.push(without_version(package).to_string());
            }
            i += 2;
        } else if let Some(package) = word.strip_prefix("--package=") {
            wrappers.push(without_version(package).to_string());
            i += 1;
        } else if word.starts_with('-') {
            i += 1;
        } else {
            break;
        }
    }
    i
}

/// `yarn lint-staged`, `pnpm run x`, `bun run x`: the index of the binary
/// when the word after the package manager is neither one of its commands,
/// nor a script of the package, nor a file (`bun run x.ts` is read as the
/// runtime `bun` running a file).
fn manager_binary(words: &[String], i: usize, is_script: &dyn Fn(&str) -> bool) -> Option<usize> {
    if !matches!(words[i].as_str(), "pnpm" | "yarn" | "bun") {
        return None;
    }
    let mut at = i + 1;
    if words.get(at).is_some_and(|w| w == "run") {
        at += 1;
    }
    let name = words.get(at)?;
    let plain = !name.is_empty()
        && !name.starts_with('-')
        && !name.contains(['/', '.', '$', ':'])
        && !MANAGER_COMMANDS.contains(&name.as_str());
    (plain && !is_script(name.as_str())).then_some(at)
}

/// The arguments of `command`, each a module loaded first or a value.
pub fn arguments<'w>(command: &Command<'w>) -> Vec<Argument<'w>> {
    let runtime = RUNTIMES.contains(&binary_name(command.binary));
    let mut out = Vec::new();
    let mut args = command.args.iter();
    while let Some(arg) = args.next() {
        // `node --import tsx x.ts`, `node -r ts-node/register x.ts`.
        if runtime
            && matches!(
                arg.as_str(),
                "--import" | "--require" | "-r" | "--loader" | "--experimental-loader"
            )
        {
            if let Some(module) = args.next() {
                out.push(Argument::Load(module));
            }
            continue;
        }
        if let Some(module) = arg
            .strip_prefix("--import=")
            .or_else(|| arg.strip_prefix("--require="))
        {
            out.push(Argument::Load(module));
            continue;
        }
        let value = arg.split_once('=').map_or(arg.as_str(), |(_, v)| v);
        if !value.starts_with('-') {
            out.push(Argument::Value(value));
        }
    }
    out
}

/// `node_modules/.bin/eslint` → `eslint`; `prettier@3` → `prettier`.
pub fn binary_name(word: &str) -> &str {
    without_version(word.rsplit('/').next().unwrap_or(word))
}

/// `x@1.2.3` → `x`, `@scope/x@latest` → `@scope/x`.
fn without_version(spec: &str) -> &str {
    match spec.get(1..).and_then(|rest| rest.find('@')) {
        Some(at) => &spec[..at + 1],
        None => spec,
    }
}

/// The package providing the binary `word` runs (`None` for shell and
/// runtime commands, options and paths); `npx @scope/x` names the package
/// itself.
pub fn binary_package(
    ctx: &Ctx<'_>,
    bins: &BTreeMap<String, String>,
    word: &str,
) -> Option<String> {
    if word.starts_with('@') {
        let package = without_version(word);
        return project::packages::bare_package_name(package).filter(|p| p == package);
    }
    let binary = binary_name(word);
    // A binary name as packages spell them (not `<`, `$1`, `2>`, `1`).
    let plain = binary
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !plain
        || binary.chars().all(|c| c.is_ascii_digit())
        || NOT_PACKAGES.contains(&binary)
        || binary.starts_with(['-', '.'])
    {
        return None;
    }
    if let Some(package) = bins.get(binary) {
        return Some(package.clone());
    }
    if let Some((_, packages)) = KNOWN_BINARIES.iter().find(|(b, _)| *b == binary) {
        return packages
            .iter()
            .find(|p| ctx.has_tool(p))
            .or(packages.first())
            .map(|p| p.to_string());
    }
    Some(binary.to_string())
}

/// `bin` names of the installed listed dependencies → package: the
/// workspace's, then (in a monorepo) the root's, which run everywhere.
pub fn installed_binaries(ctx: &Ctx<'_>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let root = ctx.layout.workspaces.first();
    // Where packages are installed: beside the workspace, at the analysed
    // root, at the repository root.
    let mut roots: Vec<&Path> = vec![&ctx.ws.dir];
    for dir in root
        .map(|w| w.dir.as_path())
        .into_iter()
        .chain([ctx.layout.repo_root.as_path()])
    {
        if !roots.contains(&dir) {
            roots.push(dir);
        }
    }
    let hoisted = root
        .filter(|r| ctx.layout.monorepo && r.dir != ctx.ws.dir)
        .map(|r| (false, &r.manifest));
    for (own, manifest) in std::iter::once((true, &ctx.ws.manifest)).chain(hoisted) {
        for dep in manifest
            .dependencies
            .iter()
            .chain(&manifest.dev_dependencies)
        {
            for dir in &roots {
                let json = read_bin(&dir.join("node_modules").join(dep).join("package.json"));
                let names: Vec<String> = match json.as_ref().and_then(|j| j.bin.as_ref()) {
                    Some(Value::String(_)) => vec![dep.rsplit('/').next().unwrap_or(dep).into()],
                    Some(Value::Object(map)) => map.keys().cloned().collect(),
                    _ => continue,
                };
                for name in names {
                    // The workspace's own packages win over the root's.
                    if own {
                        out.insert(name, dep.clone());
                    } else {
                        out.entry(name).or_insert_with(|| dep.clone());
                    }
                }
                break;
            }
        }
    }
    out
}

/// The `bin` of a `package.json` (the rest is skipped unread).
#[derive(serde::Deserialize)]
struct Bin {
    bin: Option<Value>,
}

fn read_bin(path: &Path) -> Option<Bin> {
    let bytes = fsx::read_regular(path, 4 * 1024 * 1024).ok()??;
    serde_json::from_slice(&bytes).ok()
}

/// Whether `name` is a script of the workspace's `package.json` or of the
/// monorepo root's (`yarn lint` runs the script, not a binary).
pub fn is_script(ctx: &Ctx<'_>, name: &str) -> bool {
    let has = |json: Option<&Value>| {
        json.and_then(|j| j.get("scripts"))
            .and_then(Value::as_object)
            .is_some_and(|s| s.contains_key(name))
    };
    has(ctx.ws.package_json.as_ref())
        || ctx
            .layout
            .workspaces
            .first()
            .is_some_and(|root| has(root.package_json.as_ref()))
}

/// The binaries (with their packages) that `text` names as words: what a
/// command computed at run time may run (`` `eslint --fix ${files}` ``),
/// counted as used when the command cannot be read. Candidates are the
/// installed binaries, the listed packages' names (the workspace's and, in
/// a monorepo, the root's) and the well-known binaries of listed packages.
pub fn binaries_mentioned(
    ctx: &Ctx<'_>,
    bins: &BTreeMap<String, String>,
    text: &str,
) -> Vec<(String, String)> {
    let mut candidates = bins.clone();
    let root = ctx
        .layout
        .workspaces
        .first()
        .filter(|r| ctx.layout.monorepo && r.dir != ctx.ws.dir);
    for manifest in std::iter::once(&ctx.ws.manifest).chain(root.map(|r| &r.manifest)) {
        for dep in manifest
            .dependencies
            .iter()
            .chain(&manifest.dev_dependencies)
        {
            let name = dep.rsplit('/').next().unwrap_or(dep);
            candidates
                .entry(name.to_string())
                .or_insert_with(|| dep.clone());
        }
    }
    for (binary, packages) in KNOWN_BINARIES {
        if let Some(package) = packages.iter().find(|p| ctx.has_tool(p)) {
            candidates
                .entry(binary.to_string())
                .or_insert_with(|| package.to_string());
        }
    }
    candidates
        .into_iter()
        .filter(|(binary, _)| mentions(text, binary))
        .collect()
}

/// Whether `word` occurs in `text` as a whole word (not inside a longer
/// name: `eslint` is not in `eslint-plugin-x`).
fn mentions(text: &str, word: &str) -> bool {
    let in_name = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    !word.is_empty()
        && text.match_indices(word).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + word.len()..].chars().next();
            !before.is_some_and(in_name) && !after.is_some_and(in_name)
        })
}

/// Splits a shell command into words (quotes removed; no expansion).
pub fn shell_words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut has_word = false;
    for c in command.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => current.push(c),
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                has_word = true;
            }
            None if c.is_whitespace() => {
                if has_word || !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                    has_word = false;
                }
            }
            None => current.push(c),
        }
    }
    if has_word || !current.is_empty() {
        words.push(current);
    }
    words
}

/// Where a command line outside `package.json` scripts comes from (a Git
/// hook, a lint-staged task), for [`line_uses`].
pub struct Origin<'a> {
    /// What runs it, in the reasons (`.husky/pre-commit`).
    pub what: String,
    /// The source of the entries it makes (`husky: .husky/pre-commit`).
    pub entry: String,
    /// The folder it runs in: file arguments are relative to it.
    pub cwd: &'a Path,
    /// Whether the project files it names are entries of this workspace
    /// (only one workspace answers for a file).
    pub files: bool,
}

/// What a command line uses (each simple command of it, split at `&&`,
/// `||`, `|`, `;` and line ends): the packages of the binaries it runs and
/// of the modules runtimes load are used by tooling; the project source
/// files it names are tooling entries.
pub fn line_uses(
    ctx: &Ctx<'_>,
    found: &mut Found,
    bins: &BTreeMap<String, String>,
    line: &str,
    origin: &Origin<'_>,
) {
    for part in line.split(['&', '|', ';', '\n']) {
        let words = shell_words(part);
        let Some(command) = read(&words, &|name| is_script(ctx, name)) else {
            continue;
        };
        for package in &command.wrappers {
            found.use_specifier(
                package,
                Role::Tooling,
                format!("{} runs `{package}`", origin.what),
            );
        }
        if let Some(file) = project_file(ctx, origin, command.binary) {
            // A script run by its path (`./scripts/check.mjs`).
            found.entry(file, Role::Tooling, origin.entry.clone());
        } else if let Some(package) = binary_package(ctx, bins, command.binary) {
            found.use_package(
                &package,
                Role::Tooling,
                format!("{} runs `{}`", origin.what, binary_name(command.binary)),
            );
        }
        for argument in arguments(&command) {
            match argument {
                Argument::Load(module) if !module.starts_with(['.', '/']) => found.use_specifier(
                    module,
                    Role::Tooling,
                    format!("{} loads `{module}`", origin.what),
                ),
                Argument::Load(value) | Argument::Value(value) => {
                    if let Some(file) = project_file(ctx, origin, value) {
                        found.entry(file, Role::Tooling, origin.entry.clone());
                    }
                }
            }
        }
    }
}

/// The project source file `value` names from the command's folder, when
/// this workspace answers for the command's files.
fn project_file(ctx: &Ctx<'_>, origin: &Origin<'_>, value: &str) -> Option<PathBuf> {
    if !origin.files
        || value.is_empty()
        || value.contains(['*', '?', '{', '$', '<', '>'])
        || !super::is_source_path(Path::new(value))
    {
        return None;
    }
    let path = origin.cwd.join(value.trim_start_matches("./"));
    // Only files of the analysed project: nothing else is ever read.
    ctx.all_files.contains(&path).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        shell_words(line)
    }

    /// The binary word and the wrappers' packages of `line`.
    fn binary(line: &str) -> Option<(String, Vec<String>)> {
        let w = words(line);
        read(&w, &|name| name == "lint").map(|c| (c.binary.to_string(), c.wrappers))
    }

    #[test]
    fn wrappers_are_peeled_off() {
        let bin = |line| binary(line).map(|(b, _)| b);
        assert_eq!(bin("npx pretty-quick --staged").unwrap(), "pretty-quick");
        assert_eq!(
            bin("npx --no -- commitlint --edit \"$1\"").unwrap(),
            "commitlint"
        );
        assert_eq!(bin("npx --no-install lint-staged").unwrap(), "lint-staged");
        assert_eq!(bin("pnpm exec tsc-files --noEmit").unwrap(), "tsc-files");
        assert_eq!(bin("yarn lint-staged").unwrap(), "lint-staged");
        assert_eq!(bin("yarn run lint-staged").unwrap(), "lint-staged");
        assert_eq!(bin("bun x lint-staged").unwrap(), "lint-staged");
        assert_eq!(bin("bunx --bun vite").unwrap(), "vite");
        assert_eq!(bin("lint-staged").unwrap(), "lint-staged");
        assert_eq!(bin("FOO=1 cross-env BAR=2 npx --yes vite").unwrap(), "vite");
        assert_eq!(
            bin("BRANCH=$(git rev-parse --abbrev-ref HEAD) validate-branch-name").unwrap(),
            "validate-branch-name"
        );
        assert_eq!(bin("if ! npx lint-staged").unwrap(), "lint-staged");
        // A script of the package, a command of the package manager, a file.
        assert_eq!(bin("yarn lint").unwrap(), "yarn");
        assert_eq!(bin("yarn install --frozen-lockfile").unwrap(), "yarn");
        assert_eq!(bin("pnpm --filter web build").unwrap(), "pnpm");
        assert_eq!(bin("bun run scripts/check.ts").unwrap(), "bun");
        assert_eq!(bin("npm run lint").unwrap(), "npm");
        assert_eq!(bin("dotenv -- vite").unwrap(), "vite");
        assert_eq!(bin("dotenv -e .env"), None);
        assert_eq!(
            binary("npx -p @commitlint/cli@19 commitlint --edit")
                .unwrap()
                .1,
            ["@commitlint/cli"]
        );
        assert_eq!(
            binary("cross-env NODE_ENV=test jest").unwrap(),
            ("jest".to_string(), vec!["cross-env".to_string()])
        );
    }

    #[test]
    fn arguments_are_loads_or_values() {
        let w = words("node --import tsx -r ./register.cjs scripts/check.ts --out=dist/x.json -v");
        let command = read(&w, &|_| false).unwrap();
        assert_eq!(
            arguments(&command),
            [
                Argument::Load("tsx"),
                Argument::Load("./register.cjs"),
                Argument::Value("scripts/check.ts"),
                Argument::Value("dist/x.json"),
            ]
        );
    }

    #[test]
    fn mentions_are_whole_words() {
        assert!(mentions("(files) => `eslint --fix ${files}`", "eslint"));
        assert!(!mentions("import x from 'eslint-plugin-x'", "eslint"));
        assert!(mentions("node_modules/.bin/prettier --write", "prettier"));
        assert!(!mentions("prettierx", "prettier"));
    }

    #[test]
    fn versions_and_paths_leave_the_binary_name() {
        assert_eq!(binary_name("node_modules/.bin/eslint"), "eslint");
        assert_eq!(binary_name("prettier@3.5.0"), "prettier");
        assert_eq!(without_version("@scope/x@latest"), "@scope/x");
        assert_eq!(without_version("@scope/x"), "@scope/x");
    }
}
