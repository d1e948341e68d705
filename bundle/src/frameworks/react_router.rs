//! React Router framework mode (v7) and Remix (Vite) routes from the route
//! manifest the client build writes (`assets/manifest-<hash>.js`:
//! `window.__reactRouterManifest = {…}`, or `window.__remixManifest`).
//!
//! A route's initial load is the client entry (`entry.module` and its
//! `imports`) and, for every route from the root down to it, its `module`,
//! `imports` and `css`. One entry per route that can be navigated to (it has
//! a `path` or is an `index` route), named by its full path (`/`,
//! `/products/:id`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use model::Diagnostic;

use crate::chunk_graph::PathIndex;

/// How React Router routes are read, for the report.
pub const HOW: &str = "React Router's route manifest (assets/manifest-*.js): one entry per route; its initial load is the client entry and the module, imports and CSS of every route from the root down to it, plus what those import statically.";

/// Route manifests larger than this are not read.
const MAX_MANIFEST_BYTES: u64 = 16 * 1024 * 1024;

/// The route manifest file of a client build folder, if it has one.
pub fn route_manifest(client: &Path) -> Option<PathBuf> {
    let assets = client.join("assets");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&assets)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("manifest-") && n.ends_with(".js"))
        })
        .collect();
    names.sort();
    names.into_iter().find(|p| {
        project::fsx::read_regular(p, MAX_MANIFEST_BYTES)
            .ok()
            .flatten()
            .is_some_and(|bytes| {
                let text = String::from_utf8_lossy(&bytes);
                text.contains("__reactRouterManifest") || text.contains("__remixManifest")
            })
    })
}

/// The manifest object: the JSON between the first `{` and the last `}`.
fn parse(text: &str) -> Result<serde_json::Value, String> {
    let start = text.find('{').ok_or("no object in it")?;
    let end = text.rfind('}').ok_or("no object in it")?;
    serde_json::from_str(text.get(start..=end).unwrap_or("")).map_err(|e| e.to_string())
}

/// One route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// `/`, `/products/:id`.
    pub name: String,
    /// Files loaded up front (relative to the client folder).
    pub initial: BTreeSet<String>,
}

/// The routes of the client folder at `root`.
pub fn routes(root: &Path, index: &PathIndex, diagnostics: &mut Vec<Diagnostic>) -> Vec<Route> {
    let Some(path) = route_manifest(root) else {
        return Vec::new();
    };
    let rel = model::path::relative(root, &path).unwrap_or_default();
    let text = match project::fsx::read_regular(&path, MAX_MANIFEST_BYTES) {
        Ok(Some(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
        _ => return Vec::new(),
    };
    let manifest = match parse(&text) {
        Ok(value) => value,
        Err(err) => {
            diagnostics.push(Diagnostic::new(
                rel,
                format!("the route manifest is not JSON ({err}); routes are not read"),
            ));
            return Vec::new();
        }
    };
    let mut missing: BTreeSet<String> = BTreeSet::new();
    let mut add = |set: &mut BTreeSet<String>, url: &str| match index.resolve(url) {
        Some(path) => {
            set.insert(path);
        }
        None => {
            missing.insert(url.to_string());
        }
    };
    let mut entry_files = BTreeSet::new();
    if let Some(entry) = manifest.get("entry") {
        if let Some(module) = entry.get("module").and_then(|m| m.as_str()) {
            add(&mut entry_files, module);
        }
        for url in crate::chunk_graph::strings(entry.get("imports")) {
            add(&mut entry_files, url);
        }
    }
    let routes: BTreeMap<String, &serde_json::Value> = manifest
        .get("routes")
        .and_then(|r| r.as_object())
        .map(|o| o.iter().map(|(k, v)| (k.clone(), v)).collect())
        .unwrap_or_default();
    let mut out: BTreeMap<String, (usize, Route)> = BTreeMap::new();
    for (id, route) in &routes {
        let index_route = route.get("index").and_then(|v| v.as_bool()) == Some(true);
        let own_path = route.get("path").and_then(|v| v.as_str()).unwrap_or("");
        if !index_route && own_path.is_empty() {
            continue;
        }
        // The chain from the root down to this route.
        let mut chain = vec![(id.as_str(), *route)];
        let mut cursor = *route;
        while let Some(parent) = cursor.get("parentId").and_then(|v| v.as_str()) {
            let Some(next) = routes.get(parent) else {
                break;
            };
            if chain.len() > routes.len() {
                break;
            }
            chain.push((parent, *next));
            cursor = next;
        }
        chain.reverse();
        let segments: Vec<&str> = chain
            .iter()
            .filter_map(|(_, r)| r.get("path").and_then(|v| v.as_str()))
            .flat_map(|p| p.split('/'))
            .filter(|s| !s.is_empty())
            .collect();
        let name = format!("/{}", segments.join("/"));
        let mut initial = entry_files.clone();
        for (_, r) in &chain {
            if let Some(module) = r.get("module").and_then(|m| m.as_str()) {
                add(&mut initial, module);
            }
            for key in ["imports", "css"] {
                for url in crate::chunk_graph::strings(r.get(key)) {
                    add(&mut initial, url);
                }
            }
        }
        // A path route and its index child share a name: keep the deeper chain.
        let depth = chain.len();
        if out.get(&name).is_none_or(|(d, _)| *d < depth) {
            out.insert(name.clone(), (depth, Route { name, initial }));
        }
    }
    for url in missing {
        diagnostics.push(Diagnostic::new(
            rel.clone(),
            format!(
                "names `{}`, which is not in the client folder",
                model::diagnostic::quote(&url)
            ),
        ));
    }
    out.into_values().map(|(_, r)| r).collect()
}
