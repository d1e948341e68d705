//! `package.json` `scripts`: the binaries they run make their packages used
//! (`vite build` → `vite`, `tsc` → `typescript`), and the source files they
//! run are tooling entries (`node mock-server/index.mjs`, `tsx cli.ts`).
//! A binary's package comes from the installed packages' `bin` fields, else
//! a table of well-known binaries, else a dependency of the same name.

use std::collections::BTreeMap;
use std::path::Path;

use model::analyze::Role;
use serde_json::Value;

use super::{Ctx, Found, Plugin};
use project::fsx;

/// The plugin.
pub const PLUGIN: Plugin = Plugin {
    name: "scripts",
    detect: |ctx| {
        ctx.ws
            .package_json
            .as_ref()
            .is_some_and(|j| j.get("scripts").is_some())
    },
    run,
};

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

/// Wrappers whose next word is the real command.
const WRAPPERS: &[&str] = &["npx", "bunx", "exec", "dlx", "env", "time", "nice", "nohup"];

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

fn run(ctx: &Ctx<'_>, found: &mut Found) {
    let Some(scripts) = ctx
        .ws
        .package_json
        .as_ref()
        .and_then(|j| j.get("scripts"))
        .and_then(Value::as_object)
    else {
        return;
    };
    let bins = installed_binaries(ctx);
    for (name, command) in scripts {
        let Some(command) = command.as_str() else {
            continue;
        };
        // Scripts that serve the built app run in production.
        let role = if name == "start" || name.starts_with("start:") || name == "serve" {
            Role::Production
        } else {
            Role::Tooling
        };
        for part in command.split(['&', '|', ';', '\n']) {
            let words = shell_words(part);
            command_uses(ctx, found, &bins, &words, name, role);
        }
    }
}

/// What one simple command uses.
fn command_uses(
    ctx: &Ctx<'_>,
    found: &mut Found,
    bins: &BTreeMap<String, String>,
    words: &[String],
    script: &str,
    role: Role,
) {
    let mut i = 0;
    // `FOO=1 cross-env BAR=2 npx --yes vite` → `vite`.
    loop {
        let Some(word) = words.get(i) else { return };
        if word.contains('=') && !word.starts_with('-') && !word.contains('/') {
            i += 1;
        } else if word == "cross-env" || word == "cross-env-shell" {
            found.use_package(word, Role::Tooling, format!("script \"{script}\""));
            i += 1;
        } else if word == "dotenv" {
            found.use_package("dotenv-cli", Role::Tooling, format!("script \"{script}\""));
            // Up to and past `--`.
            match words.iter().skip(i).position(|w| w == "--") {
                Some(at) => i += at + 1,
                None => return,
            }
        } else if WRAPPERS.contains(&word.as_str())
            || (word.starts_with('-') && i > 0 && WRAPPERS.contains(&words[i - 1].as_str()))
        {
            i += 1;
        } else if matches!(word.as_str(), "pnpm" | "yarn" | "npm" | "bun")
            && words
                .get(i + 1)
                .is_some_and(|w| matches!(w.as_str(), "exec" | "dlx" | "x"))
        {
            i += 2;
        } else {
            break;
        }
    }
    let Some(binary) = words.get(i) else { return };
    let binary = binary.rsplit('/').next().unwrap_or(binary);
    if !NOT_PACKAGES.contains(&binary)
        && !binary.starts_with('-')
        && !binary.starts_with('.')
        && let Some(package) = package_of_binary(ctx, bins, binary)
    {
        found.use_package(
            &package,
            role,
            format!("script \"{script}\" runs `{binary}`"),
        );
    }
    let runtime = RUNTIMES.contains(&binary);
    let mut args = words.iter().skip(i + 1);
    while let Some(arg) = args.next() {
        // `node --import tsx x.ts`, `node -r ts-node/register x.ts`.
        if runtime
            && matches!(
                arg.as_str(),
                "--import" | "--require" | "-r" | "--loader" | "--experimental-loader"
            )
        {
            if let Some(module) = args.next() {
                found.use_specifier(
                    module,
                    Role::Tooling,
                    format!("script \"{script}\" loads `{module}`"),
                );
            }
            continue;
        }
        if let Some(module) = arg
            .strip_prefix("--import=")
            .or_else(|| arg.strip_prefix("--require="))
        {
            found.use_specifier(
                module,
                Role::Tooling,
                format!("script \"{script}\" loads `{module}`"),
            );
            continue;
        }
        let value = arg.split_once('=').map_or(arg.as_str(), |(_, v)| v);
        if value.starts_with('-') {
            continue;
        }
        // Any argument naming a source file of the project (`node x.mjs`,
        // `vitest -c vitest.ci.config.ts`).
        let path = ctx.ws.dir.join(value.trim_start_matches("./"));
        if super::is_source_path(&path) && ctx.files.binary_search(&path).is_ok() {
            found.entry(
                path,
                Role::Tooling,
                format!("package.json script \"{script}\""),
            );
        }
    }
}

/// The package providing `binary`.
fn package_of_binary(
    ctx: &Ctx<'_>,
    bins: &BTreeMap<String, String>,
    binary: &str,
) -> Option<String> {
    if let Some(package) = bins.get(binary) {
        return Some(package.clone());
    }
    if let Some((_, packages)) = KNOWN_BINARIES.iter().find(|(b, _)| *b == binary) {
        return packages
            .iter()
            .find(|p| ctx.ws.has_dep(p))
            .or(packages.first())
            .map(|p| p.to_string());
    }
    Some(binary.to_string())
}

/// `bin` names of the installed listed dependencies → package.
fn installed_binaries(ctx: &Ctx<'_>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let manifest = &ctx.ws.manifest;
    let roots = [
        Some(ctx.ws.dir.clone()),
        ctx.layout.workspaces.first().map(|w| w.dir.clone()),
    ];
    for dep in manifest
        .dependencies
        .iter()
        .chain(&manifest.dev_dependencies)
    {
        for root in roots.iter().flatten() {
            let json = read_json(&root.join("node_modules").join(dep).join("package.json"));
            match json.as_ref().and_then(|j| j.get("bin")) {
                Some(Value::String(_)) => {
                    let name = dep.rsplit('/').next().unwrap_or(dep);
                    out.insert(name.to_string(), dep.clone());
                }
                Some(Value::Object(map)) => {
                    for bin in map.keys() {
                        out.insert(bin.clone(), dep.clone());
                    }
                }
                _ => continue,
            }
            break;
        }
    }
    out
}

fn read_json(path: &Path) -> Option<Value> {
    let bytes = fsx::read_regular(path, 4 * 1024 * 1024).ok()??;
    serde_json::from_slice(&bytes).ok()
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

#[cfg(test)]
mod tests {
    use super::shell_words;

    #[test]
    fn words_honour_quotes() {
        assert_eq!(
            shell_words("eslint . --ext 'ts,tsx' \"a b\""),
            ["eslint", ".", "--ext", "ts,tsx", "a b"]
        );
    }
}
