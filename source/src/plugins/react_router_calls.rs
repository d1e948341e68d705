//! Route configs computed across modules: a `routes.ts` that builds its
//! array from imported modules and helpers (`mergeRoutes(coreRoutes,
//! shopRoutes)`), which a static read of its export cannot follow. The
//! `route()`, `index()` and `layout()` calls of `routes.ts` and of the
//! modules it imports inside the app folder (the ones that import the
//! helpers from `@react-router/dev/routes`) name the route modules with
//! string literals; those are collected. When any such call names its file
//! with something else (a variable, a template), the list cannot be known
//! and `None` says so: the caller keeps its fallback (every module under
//! `routes/` is a route), erring toward "used".

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use regex::Regex;

/// Modules read at most, and the largest one.
const MAX_MODULES: usize = 50;
const MAX_BYTES: u64 = 1024 * 1024;
/// Where the helpers come from.
const HELPERS: &str = "@react-router/dev/routes";

struct Patterns {
    call: Regex,
    index_or_layout: Regex,
    route: Regex,
    import: Regex,
}

fn patterns() -> Option<&'static Patterns> {
    static P: OnceLock<Option<Patterns>> = OnceLock::new();
    P.get_or_init(|| {
        Some(Patterns {
            call: Regex::new(r"\b(?:index|layout|route)\s*\(").ok()?,
            index_or_layout: Regex::new(r#"\b(?:index|layout)\s*\(\s*(["'`])([^"'`$]+)["'`]"#)
                .ok()?,
            route: Regex::new(r#"\broute\s*\(\s*(["'`])[^"'`]*["'`]\s*,\s*(["'`])([^"'`$]+)["'`]"#)
                .ok()?,
            import: Regex::new(r#"(?:from|import)\s*\(?\s*["'](\.{1,2}/[^"']+)["']"#).ok()?,
        })
    })
    .as_ref()
}

/// The route files (as written, relative to the app folder) named by the
/// calls of `routes_file` and the app modules it imports; `None` when a
/// call's file is not a string literal, or when there is no call at all.
pub fn route_files(app: &Path, routes_file: &Path) -> Option<Vec<String>> {
    let p = patterns()?;
    let app = app.canonicalize().ok()?;
    let mut queue = vec![routes_file.to_path_buf()];
    let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
    let mut files: Vec<String> = Vec::new();
    while let Some(module) = queue.pop() {
        if seen.len() >= MAX_MODULES || !seen.insert(module.clone()) {
            continue;
        }
        let bytes = project::fsx::read_regular(&module, MAX_BYTES).ok()??;
        let text = String::from_utf8_lossy(&bytes);
        if text.contains(HELPERS) {
            let calls = p.call.find_iter(&text).count();
            let mut named = 0;
            for caps in p.index_or_layout.captures_iter(&text) {
                files.push(caps[2].to_string());
                named += 1;
            }
            for caps in p.route.captures_iter(&text) {
                files.push(caps[3].to_string());
                named += 1;
            }
            if named < calls {
                return None;
            }
        }
        let dir = module.parent()?.to_path_buf();
        for caps in p.import.captures_iter(&text) {
            if let Some(target) = resolve_module(&dir, &caps[1])
                && target.starts_with(&app)
            {
                queue.push(target);
            }
        }
    }
    (!files.is_empty()).then_some(files)
}

/// A relative import to a file, with the extensions a routes module uses.
fn resolve_module(dir: &Path, specifier: &str) -> Option<PathBuf> {
    let base = dir.join(specifier);
    let candidates = [
        base.clone(),
        base.with_extension("ts"),
        base.with_extension("tsx"),
        base.with_extension("js"),
        base.with_extension("mjs"),
        base.join("index.ts"),
        base.join("index.js"),
    ];
    candidates
        .into_iter()
        .filter(|c| c.is_file())
        .find_map(|c| c.canonicalize().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, path: &str, text: &str) {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }

    #[test]
    fn calls_in_imported_modules_name_the_routes() {
        let dir = tempfile::tempdir().unwrap();
        let app = dir.path().join("app");
        write(
            dir.path(),
            "app/routes.ts",
            r#"import type { RouteConfig } from "@react-router/dev/routes";
import { coreRoutes } from "./routes/core";
import { shop } from "./features/shop/routes";
export default mergeRoutes(coreRoutes, shop) satisfies RouteConfig;"#,
        );
        write(
            dir.path(),
            "app/routes/core.ts",
            r#"import { index, layout, route } from "@react-router/dev/routes";
export const coreRoutes = [
  index("routes/home.tsx"),
  layout("routes/shell.tsx", [route("about", 'routes/about.tsx')]),
];"#,
        );
        write(
            dir.path(),
            "app/features/shop/routes.ts",
            r#"import { prefix, route } from "@react-router/dev/routes";
export const shop = [...prefix("shop", [route(":id", "features/shop/item.tsx")])];"#,
        );
        let files = route_files(&app, &app.join("routes.ts")).expect("collected");
        let set: BTreeSet<&str> = files.iter().map(String::as_str).collect();
        assert_eq!(
            set,
            BTreeSet::from([
                "routes/home.tsx",
                "routes/shell.tsx",
                "routes/about.tsx",
                "features/shop/item.tsx"
            ])
        );
        // A file named by a variable: the list cannot be known.
        write(
            dir.path(),
            "app/features/shop/routes.ts",
            r#"import { route } from "@react-router/dev/routes";
const file = "features/shop/item.tsx";
export const shop = [route(":id", file)];"#,
        );
        assert_eq!(route_files(&app, &app.join("routes.ts")), None);
    }
}
