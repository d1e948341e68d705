//! Bundle findings: pure functions over the computed assets (sizes and
//! per-source attribution). [`REGISTRY`] is the only list of them.

use model::Finding;
use model::bundle::Asset;
use model::finding::{FindingKind, Severities};

use super::duplicates;

/// What a bundle finding reads.
pub struct Context<'a> {
    /// Every asset with its attributed sources, sorted by path.
    pub assets: &'a [Asset],
}

/// A registered finding: its kind and the function that computes it.
pub struct Rule {
    /// The kind it reports.
    pub kind: FindingKind,
    /// Computes every finding of the kind, in a deterministic order.
    pub run: fn(&Context<'_>) -> Vec<Finding>,
}

/// Every bundle finding, in report order.
pub const REGISTRY: &[Rule] = &[
    Rule {
        kind: FindingKind::BundleDuplicatePackages,
        run: |ctx| {
            duplicates::duplicate_packages(ctx.assets)
                .iter()
                .map(model::bundle::DuplicatePackage::finding)
                .collect()
        },
    },
    Rule {
        kind: FindingKind::DuplicateModules,
        run: |ctx| {
            duplicates::duplicate_modules(ctx.assets)
                .iter()
                .map(model::bundle::DuplicateModule::finding)
                .collect()
        },
    },
];

/// Runs every enabled finding; returns the findings by kind in report order.
pub fn run_all(context: &Context<'_>, severities: &Severities) -> Vec<Finding> {
    let mut out: Vec<Finding> = REGISTRY
        .iter()
        .filter(|rule| severities.enabled(rule.kind))
        .flat_map(|rule| (rule.run)(context))
        .collect();
    out.sort_by_key(|f| f.kind);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundle_kind_is_registered_once() {
        for kind in FindingKind::ALL
            .iter()
            .filter(|k| k.part() == model::PartId::Bundle)
        {
            assert_eq!(
                REGISTRY.iter().filter(|r| r.kind == *kind).count(),
                1,
                "{kind}"
            );
        }
    }
}
