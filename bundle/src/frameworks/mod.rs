//! Framework build outputs: what of the folder browsers download, and where
//! its entries (routes) come from.
//!
//! - **Next.js** (`.next/`, recognised by `build-manifest.json` beside
//!   `static/`): only `static/` is served (under `/_next/static/`); the
//!   webpack cache, server bundles, traces and manifests are excluded. One
//!   entry per route from [`next`].
//! - **React Router framework mode / Remix** (a `client/` + `server/` pair,
//!   or the `client/` folder itself, recognised by the route manifest
//!   `assets/manifest-*.js`): `client/` is served, `server/` is excluded. One
//!   entry per route from [`react_router`].
//! - **Vite SSR** (a `client/` + `server/` pair without a route manifest):
//!   `client/` is served; its entries are its HTML pages or Vite manifest.
//! - Anything else is a static folder: every file is served.

pub mod next;
pub mod react_router;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use model::bundle::{ExcludedFiles, Framework, OutputLayout};

use super::walk::{self, FileFact};

/// What kind of output a folder is and which of its files are served.
#[derive(Debug, Clone)]
pub struct Detected {
    /// The kind.
    pub framework: Framework,
    /// The folder the analysis walks (the given one, or its `client/`).
    pub served_root: PathBuf,
    /// Only files under this prefix of `served_root` are served (`static/`
    /// for Next.js); `None`: all of them.
    pub served_prefix: Option<&'static str>,
    /// A sibling or child folder that is not served (`server/`), with how
    /// it is named in the report.
    pub unserved_folder: Option<(PathBuf, String)>,
}

fn is_dir(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

fn is_file(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
}

/// Recognises the output folder at `root` (canonical).
pub fn detect(root: &Path) -> Detected {
    if is_file(&root.join("build-manifest.json")) && is_dir(&root.join("static")) {
        return Detected {
            framework: Framework::Next,
            served_root: root.to_path_buf(),
            served_prefix: Some("static/"),
            unserved_folder: None,
        };
    }
    let client = root.join("client");
    let server = root.join("server");
    if is_dir(&client) && is_dir(&server) {
        let framework = if react_router::route_manifest(&client).is_some() {
            Framework::ReactRouter
        } else {
            Framework::ViteSsr
        };
        return Detected {
            framework,
            served_root: client,
            served_prefix: None,
            unserved_folder: Some((server, "server/".to_string())),
        };
    }
    // `dist/client` of a server-rendered Vite build, given directly.
    let sibling_server = root
        .parent()
        .map(|p| p.join("server"))
        .filter(|p| is_dir(p) && root.file_name().is_some_and(|n| n == "client"));
    if react_router::route_manifest(root).is_none()
        && let Some(server) = sibling_server.clone()
    {
        return Detected {
            framework: Framework::ViteSsr,
            served_root: root.to_path_buf(),
            served_prefix: None,
            unserved_folder: Some((server, "../server/".to_string())),
        };
    }
    if react_router::route_manifest(root).is_some() {
        let sibling = root
            .parent()
            .map(|p| p.join("server"))
            .filter(|p| is_dir(p));
        return Detected {
            framework: Framework::ReactRouter,
            served_root: root.to_path_buf(),
            served_prefix: None,
            unserved_folder: sibling.map(|p| (p, "../server/".to_string())),
        };
    }
    Detected {
        framework: Framework::Static,
        served_root: root.to_path_buf(),
        served_prefix: None,
        unserved_folder: None,
    }
}

/// Why a file of a Next.js `.next/` folder is not served.
fn next_why(path: &str) -> &'static str {
    let first = path.split('/').next().unwrap_or(path);
    match first {
        "cache" => "the build cache (webpack packs, images, fetch cache); never served",
        "server" => {
            "server bundles, pre-rendered pages and server manifests: run or sent by the Next.js server, never downloaded as they are"
        }
        "types" => "type declarations Next.js generates for type checking",
        "trace" => "the build's trace",
        "standalone" => "the standalone server output",
        _ if path.ends_with(".nft.json") => "file traces for deployment",
        _ => "build metadata (read for routes, never served)",
    }
}

impl Detected {
    /// Splits the walked files into served ones and excluded groups (one
    /// per top-level folder, one per top-level file), and describes the
    /// layout.
    pub fn split(&self, files: Vec<FileFact>) -> (Vec<FileFact>, OutputLayout) {
        let mut served = Vec::with_capacity(files.len());
        let mut groups: BTreeMap<String, ExcludedFiles> = BTreeMap::new();
        for file in files {
            let keep = self
                .served_prefix
                .is_none_or(|prefix| file.rel.starts_with(prefix));
            if keep {
                served.push(file);
                continue;
            }
            let why = next_why(&file.rel).to_string();
            // Folders one line each; top-level files one line per reason.
            let key = match file.rel.split_once('/') {
                Some((dir, _)) => format!("{dir}/"),
                None => format!("\u{0}{why}"),
            };
            let slot = groups.entry(key.clone()).or_insert(ExcludedFiles {
                path: if key.starts_with('\u{0}') {
                    String::new()
                } else {
                    key
                },
                files: 0,
                bytes: 0,
                why,
            });
            if !slot.path.ends_with('/') {
                // Top-level files: their names, the first few.
                let names = slot.path.split(", ").filter(|n| !n.is_empty()).count();
                if names < 6 {
                    if !slot.path.is_empty() {
                        slot.path.push_str(", ");
                    }
                    slot.path.push_str(&file.rel);
                } else if names == 6 && !slot.path.ends_with('…') {
                    slot.path.push_str(", …");
                }
            }
            slot.files += 1;
            slot.bytes += file.size;
        }
        let mut excluded: Vec<ExcludedFiles> = groups.into_values().collect();
        excluded.sort_by(|a, b| a.path.cmp(&b.path));
        if let Some((folder, name)) = &self.unserved_folder {
            let (files, _) = walk::walk(folder);
            excluded.push(ExcludedFiles {
                path: name.clone(),
                files: files.len(),
                bytes: files.iter().map(|f| f.size).sum(),
                why: "the server build (rendering and loaders); never downloaded".to_string(),
            });
        }
        let served_name = match (self.framework, self.served_prefix) {
            (_, Some(prefix)) => prefix.trim_end_matches('/').to_string(),
            (Framework::ReactRouter | Framework::ViteSsr, None)
                if self
                    .unserved_folder
                    .as_ref()
                    .is_some_and(|(_, n)| n == "server/") =>
            {
                "client".to_string()
            }
            _ => ".".to_string(),
        };
        let entries_from = match self.framework {
            Framework::Next => next::HOW.to_string(),
            Framework::ReactRouter => react_router::HOW.to_string(),
            Framework::ViteSsr | Framework::Static => {
                "HTML pages (their scripts, module preloads and stylesheets), else the bundler's entry points, each with the chunks they import statically".to_string()
            }
        };
        (
            served,
            OutputLayout {
                framework: self.framework,
                served: served_name,
                entries_from,
                excluded,
                found: None,
            },
        )
    }
}
