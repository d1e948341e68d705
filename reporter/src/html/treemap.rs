//! The treemap's data: assets → packages → modules, sized in raw and gzip bytes.
//!
//! Gzip sizes below the asset are the bundle document's estimates (each source's
//! share of its asset's raw bytes, applied to the asset's gzip size).

use std::collections::BTreeMap;

use model::bundle::{Asset, AssetType, BundleReport};
use serde::Serialize;

/// Name of the group of first-party sources inside an asset.
pub const FIRST_PARTY: &str = "(your code)";
/// Name of the bytes no source map covers.
pub const UNMAPPED: &str = "(unmapped)";

/// One rectangle of the treemap.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    /// Label.
    #[serde(rename = "n")]
    pub name: String,
    /// `root`, `asset`, `package` or `module`.
    #[serde(rename = "k")]
    pub kind: &'static str,
    /// Raw bytes.
    #[serde(rename = "r")]
    pub raw: u64,
    /// gzip bytes (estimated below the asset level), when known.
    #[serde(rename = "g")]
    pub gzip: Option<u64>,
    /// Whether the asset (or the asset it lies in) loads initially.
    #[serde(rename = "i")]
    pub initial: bool,
    /// Children, largest first.
    #[serde(rename = "c", skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Node>,
}

/// The tree of the shipped assets (source maps and metadata left out).
pub fn build(bundle: &BundleReport) -> Node {
    let mut children: Vec<Node> = bundle
        .assets
        .iter()
        .filter(|a| a.asset_type.is_shipped() && a.raw > 0)
        .map(asset_node)
        .collect();
    sort(&mut children);
    Node {
        name: "All assets".to_string(),
        kind: "root",
        raw: children.iter().map(|c| c.raw).sum(),
        gzip: children.iter().map(|c| c.gzip).sum(),
        initial: false,
        children,
    }
}

fn asset_node(asset: &Asset) -> Node {
    // An HTML page is what loads first.
    let initial = asset.initial || asset.asset_type == AssetType::Html;
    let mut groups: BTreeMap<String, Vec<Node>> = BTreeMap::new();
    for share in &asset.sources {
        let group = match (&share.package, &share.version) {
            (Some(name), Some(version)) => format!("{name}@{version}"),
            (Some(name), None) => name.clone(),
            (None, _) => FIRST_PARTY.to_string(),
        };
        groups.entry(group).or_default().push(Node {
            name: share.source.clone(),
            kind: "module",
            raw: share.bytes,
            gzip: share.gzip,
            initial,
            children: Vec::new(),
        });
    }
    let mut children: Vec<Node> = groups
        .into_iter()
        .map(|(name, mut modules)| {
            sort(&mut modules);
            Node {
                name,
                kind: "package",
                raw: modules.iter().map(|m| m.raw).sum(),
                gzip: modules.iter().map(|m| m.gzip).sum(),
                initial,
                children: modules,
            }
        })
        .collect();
    if asset.unmapped_bytes > 0 && !asset.sources.is_empty() {
        let mapped_gzip: Option<u64> = asset.sources.iter().map(|s| s.gzip).sum();
        children.push(Node {
            name: UNMAPPED.to_string(),
            kind: "module",
            raw: asset.unmapped_bytes,
            gzip: asset
                .gzip
                .zip(mapped_gzip)
                .map(|(a, m)| a.saturating_sub(m)),
            initial,
            children: Vec::new(),
        });
    }
    sort(&mut children);
    Node {
        name: asset.path.clone(),
        kind: "asset",
        raw: asset.raw,
        gzip: asset.gzip,
        initial,
        children,
    }
}

fn sort(nodes: &mut [Node]) {
    nodes.sort_by(|a, b| b.raw.cmp(&a.raw).then_with(|| a.name.cmp(&b.name)));
}
