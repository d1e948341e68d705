//! Next.js routes from its own manifests in `.next/`.
//!
//! - Pages router (`build-manifest.json` `pages`): a route loads `/_app`'s
//!   files and its own.
//! - App router (`app-build-manifest.json` `pages`, keyed `/blog/[slug]/page`):
//!   a route loads the root main files (`rootMainFiles` of
//!   `build-manifest.json`), the files of every `layout` from the root down
//!   to it, and its page's. Route groups (`(marketing)`) and parallel-route
//!   slots (`@modal`) are not part of the route's name.
//!
//! Each route also gets the figure `next build` prints as "First Load JS":
//! the gzip (level 9) sizes of the `.js` files of the route's manifest entry
//! plus `/_app` (pages) or the root main files (app), summed, as Next.js
//! 14 computes it (`getJsPageSizeInKb`): app-router layouts, CSS and the
//! `nomodule` polyfills are not in it.

use std::collections::BTreeSet;
use std::path::Path;

use model::Diagnostic;

use crate::chunk_graph::PathIndex;

/// How Next.js routes are read, for the report.
pub const HOW: &str = "Next.js manifests: one entry per route. Initial load: the root main files, every layout from the root down and the page (app router), or `/_app` and the page (pages router), JS and CSS. `first_load_js` is what `next build` prints as \"First Load JS\": gzip -9 of each JS file of the page's manifest entry plus the root main files (app) or `/_app` (pages), summed; Next.js leaves app-router layouts, CSS and the nomodule polyfills out of it.";

/// One route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// `/`, `/blog/[slug]`.
    pub name: String,
    /// Files loaded up front (relative to `.next`).
    pub initial: BTreeSet<String>,
    /// The JS files Next.js counts in "First Load JS".
    pub counted_js: BTreeSet<String>,
}

/// Manifests larger than this are not read.
const MAX_MANIFEST_BYTES: u64 = 64 * 1024 * 1024;

fn read(root: &Path, name: &str, diagnostics: &mut Vec<Diagnostic>) -> Option<serde_json::Value> {
    match project::fsx::read_regular(&root.join(name), MAX_MANIFEST_BYTES) {
        Ok(Some(bytes)) => match serde_json::from_slice(&bytes) {
            Ok(value) => Some(value),
            Err(err) => {
                diagnostics.push(Diagnostic::new(
                    name,
                    format!(
                        "not valid JSON ({}); its routes are not read",
                        project::fsx::json_problem(&err)
                    ),
                ));
                None
            }
        },
        Ok(None) => None,
        Err(err) => {
            diagnostics.push(Diagnostic::new(name, format!("cannot read: {err}")));
            None
        }
    }
}

fn files(value: Option<&serde_json::Value>) -> impl Iterator<Item = &str> {
    crate::chunk_graph::strings(value)
}

/// `/(marketing)/about/page` → `/about`; `/page` → `/`.
pub fn app_route_name(key: &str) -> String {
    let body = key.strip_suffix("/page").unwrap_or(key);
    let segments: Vec<&str> = body
        .split('/')
        .filter(|s| !s.is_empty())
        .filter(|s| {
            let group = s.starts_with('(') && s.ends_with(')');
            let slot = s.starts_with('@');
            !group && !slot
        })
        .collect();
    format!("/{}", segments.join("/"))
}

/// The routes of the `.next` folder at `root`.
pub fn routes(root: &Path, index: &PathIndex, diagnostics: &mut Vec<Diagnostic>) -> Vec<Route> {
    let mut out: Vec<Route> = Vec::new();
    let mut missing: BTreeSet<String> = BTreeSet::new();
    let mut keep = |list: &mut BTreeSet<String>, file: &str| {
        if index.contains(file) {
            list.insert(file.to_string());
        } else {
            missing.insert(file.to_string());
        }
    };
    let build = read(root, "build-manifest.json", diagnostics);
    let pages = build.as_ref().and_then(|b| b.get("pages"));
    if let Some(pages) = pages.and_then(serde_json::Value::as_object) {
        let app_files: Vec<&str> = files(pages.get("/_app")).collect();
        for (route, list) in pages {
            if matches!(route.as_str(), "/_app" | "/_error" | "/_document") {
                continue;
            }
            let mut initial = BTreeSet::new();
            let mut counted_js = BTreeSet::new();
            for file in files(Some(list)).chain(app_files.iter().copied()) {
                keep(&mut initial, file);
                if file.ends_with(".js") {
                    keep(&mut counted_js, file);
                }
            }
            out.push(Route {
                name: route.clone(),
                initial,
                counted_js,
            });
        }
    }
    let root_main: Vec<&str> = files(build.as_ref().and_then(|b| b.get("rootMainFiles"))).collect();
    let app = read(root, "app-build-manifest.json", diagnostics);
    if let Some(pages) = app
        .as_ref()
        .and_then(|a| a.get("pages"))
        .and_then(serde_json::Value::as_object)
    {
        for (key, list) in pages {
            if !key.ends_with("/page") {
                continue;
            }
            let mut initial = BTreeSet::new();
            let mut counted_js = BTreeSet::new();
            for file in files(Some(list)).chain(root_main.iter().copied()) {
                keep(&mut initial, file);
                if file.ends_with(".js") {
                    keep(&mut counted_js, file);
                }
            }
            // The layout chain: `/layout`, `/(marketing)/layout`, … down to the page.
            let segments: Vec<&str> = key
                .trim_end_matches("/page")
                .split('/')
                .filter(|s| !s.is_empty())
                .collect();
            for depth in 0..=segments.len() {
                let layout = if depth == 0 {
                    "/layout".to_string()
                } else {
                    format!("/{}/layout", segments[..depth].join("/"))
                };
                for file in files(pages.get(&layout)) {
                    keep(&mut initial, file);
                }
            }
            let mut name = app_route_name(key);
            if out.iter().any(|r| r.name == name) {
                name.push_str(" (app)");
            }
            out.push(Route {
                name,
                initial,
                counted_js,
            });
        }
    }
    for file in missing {
        diagnostics.push(Diagnostic::new(
            "build-manifest.json",
            format!(
                "lists `{}`, which is not in static/ of the output folder",
                model::diagnostic::quote(&file)
            ),
        ));
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_route_names_drop_groups_slots_and_page() {
        assert_eq!(app_route_name("/page"), "/");
        assert_eq!(app_route_name("/(marketing)/about/page"), "/about");
        assert_eq!(app_route_name("/blog/[slug]/page"), "/blog/[slug]");
        assert_eq!(
            app_route_name("/@modal/(.)photo/[id]/page"),
            "/(.)photo/[id]"
        );
        assert_eq!(app_route_name("/_not-found/page"), "/_not-found");
    }
}
