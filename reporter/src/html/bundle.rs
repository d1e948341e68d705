//! The bundle section: entries, the treemap (filled by the page's script),
//! assets, packages, duplicates, other findings, diagnostics. Findings come
//! from the assessment.

use model::bundle::{AssetType, BundleReport};
use model::finding::{Detail, Finding, FindingKind, PartId};
use model::report::Report;

use super::source::{DiagnosticRow, diagnostics};
use super::{FindingRow, Others};
use crate::format;

/// A size cell: text and the number to sort by.
pub struct Size {
    pub text: String,
    pub v: u64,
}

fn size(v: Option<u64>) -> Size {
    match v {
        Some(v) => Size {
            text: format::bytes(v),
            v,
        },
        None => Size {
            text: "—".to_string(),
            v: 0,
        },
    }
}

pub struct EntryRow {
    pub name: String,
    pub assets: usize,
    pub raw: Size,
    pub gzip: Size,
    pub brotli: Size,
    pub js_gzip: Size,
    pub lazy_gzip: Size,
    pub lazy_count: usize,
}

pub struct AssetRow {
    pub path: String,
    pub kind: &'static str,
    pub load: &'static str,
    pub raw: Size,
    pub gzip: Size,
    pub brotli: Size,
    pub unmapped: Size,
    pub top_source: String,
}

pub struct PackageRow {
    pub name: String,
    pub version: String,
    pub bytes: Size,
    pub gzip: Size,
    pub assets: usize,
}

pub struct DuplicatePackageRow {
    pub name: String,
    pub kind: String,
    pub versions: String,
    pub paths: String,
    pub wasted: Size,
}

pub struct DuplicateModuleRow {
    pub source: String,
    pub assets: String,
    pub count: usize,
    pub wasted: Size,
}

pub struct BundleView {
    pub root: String,
    pub chunk_graph: String,
    pub compression: String,
    pub has_treemap: bool,
    pub entries: Vec<EntryRow>,
    pub assets: Vec<AssetRow>,
    pub packages: Vec<PackageRow>,
    pub duplicate_packages: Vec<DuplicatePackageRow>,
    pub duplicate_modules: Vec<DuplicateModuleRow>,
    /// The gate's failing checks on bundle findings configured as errors.
    pub errors: Vec<String>,
    /// Findings of kinds without a table here.
    pub others: Vec<FindingRow>,
    pub diagnostics: Vec<DiagnosticRow>,
}

fn type_name(t: AssetType) -> &'static str {
    match t {
        AssetType::Js => "js",
        AssetType::Css => "css",
        AssetType::Html => "html",
        AssetType::Font => "font",
        AssetType::Image => "image",
        AssetType::Wasm => "wasm",
        AssetType::Sourcemap => "sourcemap",
        AssetType::Metadata => "metadata",
        AssetType::Other => "other",
    }
}

fn duplicate_package_row(f: &Finding) -> Option<DuplicatePackageRow> {
    let Detail::ShippedPackage(d) = &f.detail else {
        return None;
    };
    Some(DuplicatePackageRow {
        name: d.name.clone(),
        kind: d.kind.as_str().to_string(),
        versions: d.versions.join(", "),
        paths: d.paths.join(", "),
        wasted: size(Some(d.bytes_wasted)),
    })
}

fn duplicate_module_row(f: &Finding) -> Option<DuplicateModuleRow> {
    let Detail::ShippedModule(d) = &f.detail else {
        return None;
    };
    Some(DuplicateModuleRow {
        source: d.source.clone(),
        assets: d.assets.join(", "),
        count: d.assets.len(),
        wasted: size(Some(d.bytes_wasted)),
    })
}

/// The bundle section of `report`, whose bundle document is `b`.
pub fn build(b: &BundleReport, report: &Report) -> BundleView {
    let mut others = Others::of(report, PartId::Bundle);
    let mut assets: Vec<_> = b
        .assets
        .iter()
        .filter(|a| a.asset_type.is_shipped())
        .collect();
    assets.sort_by(|x, y| y.raw.cmp(&x.raw).then_with(|| x.path.cmp(&y.path)));
    let mut packages: Vec<_> = b.packages.iter().collect();
    packages.sort_by(|x, y| y.bytes.cmp(&x.bytes).then_with(|| x.name.cmp(&y.name)));
    BundleView {
        root: b.root.clone(),
        chunk_graph: b.chunk_graph.as_str().to_string(),
        compression: if b.compression.is_empty() {
            "none".to_string()
        } else {
            b.compression.join(", ")
        },
        has_treemap: b
            .assets
            .iter()
            .any(|a| a.asset_type.is_shipped() && a.raw > 0),
        entries: b
            .entries
            .iter()
            .map(|e| EntryRow {
                name: e.name.clone(),
                assets: e.assets.len(),
                raw: size(Some(e.raw)),
                gzip: size(e.gzip),
                brotli: size(e.brotli),
                js_gzip: size(e.js.gzip),
                lazy_gzip: size(e.lazy_sizes.gzip),
                lazy_count: e.lazy.len(),
            })
            .collect(),
        assets: assets
            .into_iter()
            .map(|a| AssetRow {
                path: a.path.clone(),
                kind: type_name(a.asset_type),
                load: if a.asset_type == AssetType::Html {
                    "page"
                } else if a.initial {
                    "initial"
                } else {
                    "lazy"
                },
                raw: size(Some(a.raw)),
                gzip: size(a.gzip),
                brotli: size(a.brotli),
                unmapped: size(Some(a.unmapped_bytes)),
                top_source: a
                    .sources
                    .first()
                    .map(|s| s.source.clone())
                    .unwrap_or_default(),
            })
            .collect(),
        packages: packages
            .into_iter()
            .map(|p| PackageRow {
                name: p.name.clone(),
                version: p.version.clone().unwrap_or_default(),
                bytes: size(Some(p.bytes)),
                gzip: size(p.gzip),
                assets: p.assets.len(),
            })
            .collect(),
        duplicate_packages: others.rows(
            report,
            FindingKind::BundleDuplicatePackages,
            duplicate_package_row,
        ),
        duplicate_modules: others.rows(report, FindingKind::DuplicateModules, duplicate_module_row),
        errors: crate::findings::failed_error_checks(report, PartId::Bundle)
            .into_iter()
            .map(|c| crate::findings::check_text(c).to_string())
            .collect(),
        others: others.0,
        diagnostics: diagnostics(&b.diagnostics),
    }
}
