//! What a build output really ships of each source module, from the bundle
//! analysis's source-map attribution: where source analysis and build-output
//! analysis meet. Lazy-loading candidates take their savings from here when
//! a build was analysed with the source (`perfscope report`, `check`).

use std::collections::HashMap;

use model::bundle::{AssetType, BundleReport};

/// Bytes of one source module in the build's initial JavaScript.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Share {
    /// Generated (minified) bytes attributed to the module.
    pub raw: u64,
    /// Its share of the chunks' gzip bytes.
    pub gzip: u64,
}

/// Source-map attribution of a build, by source path (relative to the
/// project root, as the bundle report gives it).
#[derive(Debug, Clone, Default)]
pub struct BuildShares {
    /// Shares in the JavaScript an entry loads before it runs.
    initial: HashMap<String, Share>,
    /// Shares in any JavaScript chunk (initial or lazy).
    anywhere: HashMap<String, Share>,
    /// Every JavaScript asset has a source map.
    complete: bool,
}

impl BuildShares {
    /// The attribution of `report`'s JavaScript assets.
    pub fn from_bundle(report: &BundleReport) -> Self {
        let mut shares = BuildShares {
            complete: true,
            ..BuildShares::default()
        };
        for asset in &report.assets {
            if asset.asset_type != AssetType::Js {
                continue;
            }
            shares.complete &= asset.map.is_some();
            for source in &asset.sources {
                let add = |map: &mut HashMap<String, Share>| {
                    let slot = map.entry(source.source.clone()).or_default();
                    slot.raw += source.bytes;
                    slot.gzip += source.gzip.unwrap_or(0);
                };
                add(&mut shares.anywhere);
                if asset.initial {
                    add(&mut shares.initial);
                }
            }
        }
        shares
    }

    /// Whether the build attributes any bytes to source modules at all (it
    /// has source maps).
    pub fn is_empty(&self) -> bool {
        self.anywhere.is_empty()
    }

    /// Whether every JavaScript asset of the build has a source map: a
    /// module it does not name is then not in the build.
    pub fn covers_everything(&self) -> bool {
        self.complete && !self.anywhere.is_empty()
    }

    /// Whether the build names `path` in any JavaScript chunk.
    pub fn ships(&self, path: &str) -> bool {
        self.anywhere.contains_key(path)
    }

    /// The share of `path` in the initial JavaScript.
    pub fn initial(&self, path: &str) -> Option<Share> {
        self.initial.get(path).copied()
    }

    /// The sources under folder `dir` (an install path) in the initial
    /// JavaScript, sorted by path.
    pub fn initial_under(&self, dir: &str) -> Vec<(&str, Share)> {
        let mut out: Vec<(&str, Share)> = self
            .initial
            .iter()
            .filter(|(path, _)| {
                path.strip_prefix(dir)
                    .is_some_and(|rest| rest.starts_with('/'))
            })
            .map(|(path, share)| (path.as_str(), *share))
            .collect();
        out.sort_by(|a, b| a.0.cmp(b.0));
        out
    }

    /// A build whose JavaScript is all initial and mapped, with these shares
    /// (for tests).
    #[cfg(test)]
    pub(crate) fn mapped(shares: &[(&str, Share)]) -> Self {
        let map: HashMap<String, Share> = shares
            .iter()
            .map(|(path, share)| ((*path).to_string(), *share))
            .collect();
        Self {
            initial: map.clone(),
            anywhere: map,
            complete: true,
        }
    }
}
