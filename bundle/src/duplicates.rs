//! Packages and duplicates in the output (pure functions over attributed assets).
//!
//! - packages: bytes per package version, summed over every JS/CSS asset;
//! - duplicate packages: one package name at several versions (`versions`), or one
//!   version from several install folders (`copies`); bytes wasted = all copies
//!   but the largest;
//! - duplicate modules: one original source in several assets; bytes wasted =
//!   all copies but the largest.

use std::collections::{BTreeMap, BTreeSet};

use model::bundle::{Asset, DuplicateKind, DuplicateModule, DuplicatePackage, Package};
use model::units::format_bytes;
use model::{Detail, Finding, FindingKind};

use project::packages::package_of;

/// The `bundle-duplicate-packages` finding of a package shipped several times.
pub fn package_finding(d: &DuplicatePackage) -> Finding {
    Finding::new(
        FindingKind::BundleDuplicatePackages,
        d.name.clone(),
        d.name.clone(),
        format!(
            "{} ({}), {} wasted",
            d.versions.join(", "),
            d.kind.as_str(),
            format_bytes(d.bytes_wasted)
        ),
    )
    .with_detail(Detail::ShippedPackage(d.clone()))
}

/// The `duplicate-modules` finding of a module shipped in several chunks.
pub fn module_finding(d: &DuplicateModule) -> Finding {
    Finding::new(
        FindingKind::DuplicateModules,
        d.source.clone(),
        d.source.clone(),
        format!(
            "in {} chunks ({}), {} wasted",
            d.assets.len(),
            d.assets.join(", "),
            format_bytes(d.bytes_wasted)
        ),
    )
    .with_detail(Detail::ShippedModule(d.clone()))
}

/// Bytes per package version (sorted by name, then version).
pub fn packages(assets: &[Asset]) -> Vec<Package> {
    let mut map: BTreeMap<(String, Option<String>), Package> = BTreeMap::new();
    for asset in assets {
        for share in &asset.sources {
            let (Some(name), Some(pkg)) = (&share.package, package_of(&share.source)) else {
                continue;
            };
            let entry = map
                .entry((name.clone(), share.version.clone()))
                .or_insert_with(|| Package {
                    name: name.clone(),
                    version: share.version.clone(),
                    bytes: 0,
                    gzip: Some(0),
                    paths: Vec::new(),
                    assets: Vec::new(),
                });
            entry.bytes += share.bytes;
            entry.gzip = entry.gzip.zip(share.gzip).map(|(a, b)| a + b);
            if !entry.paths.contains(&pkg.install_path) {
                entry.paths.push(pkg.install_path);
            }
            if !entry.assets.contains(&asset.path) {
                entry.assets.push(asset.path.clone());
            }
        }
    }
    map.into_values()
        .map(|mut p| {
            p.paths.sort();
            p.assets.sort();
            p
        })
        .collect()
}

/// Packages present at several versions or install folders.
pub fn duplicate_packages(assets: &[Asset]) -> Vec<DuplicatePackage> {
    // name → install path → (version, bytes)
    let mut by_name: BTreeMap<String, BTreeMap<String, (Option<String>, u64)>> = BTreeMap::new();
    for asset in assets {
        for share in &asset.sources {
            let (Some(name), Some(pkg)) = (&share.package, package_of(&share.source)) else {
                continue;
            };
            let slot = by_name
                .entry(name.clone())
                .or_default()
                .entry(pkg.install_path)
                .or_insert((share.version.clone(), 0));
            slot.1 += share.bytes;
        }
    }
    let mut out = Vec::new();
    for (name, instances) in by_name {
        if instances.len() < 2 {
            continue;
        }
        let versions: BTreeSet<String> = instances
            .values()
            .map(|(v, _)| v.clone().unwrap_or_else(|| "unknown".to_string()))
            .collect();
        let known: BTreeSet<&String> = instances.values().filter_map(|(v, _)| v.as_ref()).collect();
        let total: u64 = instances.values().map(|(_, b)| b).sum();
        let largest = instances.values().map(|(_, b)| *b).max().unwrap_or(0);
        out.push(DuplicatePackage {
            name,
            kind: if known.len() > 1 {
                DuplicateKind::Versions
            } else {
                DuplicateKind::Copies
            },
            versions: versions.into_iter().collect(),
            paths: instances.keys().cloned().collect(),
            bytes_wasted: total - largest,
        });
    }
    out
}

/// Original modules present in more than one asset.
pub fn duplicate_modules(assets: &[Asset]) -> Vec<DuplicateModule> {
    let mut by_source: BTreeMap<&str, Vec<(&str, u64)>> = BTreeMap::new();
    for asset in assets {
        for share in &asset.sources {
            if share.bytes > 0 {
                by_source
                    .entry(share.source.as_str())
                    .or_default()
                    .push((asset.path.as_str(), share.bytes));
            }
        }
    }
    by_source
        .into_iter()
        .filter(|(_, copies)| copies.len() > 1)
        .map(|(source, copies)| {
            let total: u64 = copies.iter().map(|(_, b)| b).sum();
            let largest = copies.iter().map(|(_, b)| *b).max().unwrap_or(0);
            let mut assets: Vec<String> = copies.iter().map(|(a, _)| a.to_string()).collect();
            assets.sort();
            DuplicateModule {
                source: source.to_string(),
                assets,
                bytes_wasted: total - largest,
            }
        })
        .collect()
}
