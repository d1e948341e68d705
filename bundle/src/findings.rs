//! Bundle findings: pure functions over the computed assets (sizes and
//! per-source attribution); each kind's finding is built beside the facts it
//! reads, in [`super::duplicates`]. [`REGISTRY`] is the only list of them.

use model::Finding;
use model::bundle::Asset;
use model::finding::{FindingKind, PartId, Severities};
use model::rule::{self, Facts, Rule};

use super::duplicates;

/// What a bundle finding reads.
pub struct Context<'a> {
    /// Every asset with its attributed sources, sorted by path.
    pub assets: &'a [Asset],
}

/// The bundle part's rules read a [`Context`].
pub struct Bundle;

impl Facts for Bundle {
    const PART: PartId = PartId::Bundle;
    type Ctx<'a> = Context<'a>;
}

fn duplicate_packages(ctx: &Context<'_>) -> Vec<Finding> {
    duplicates::duplicate_packages(ctx.assets)
        .iter()
        .map(duplicates::package_finding)
        .collect()
}

fn duplicate_modules(ctx: &Context<'_>) -> Vec<Finding> {
    duplicates::duplicate_modules(ctx.assets)
        .iter()
        .map(duplicates::module_finding)
        .collect()
}

/// Every bundle finding, in report order.
pub const REGISTRY: &[Rule<Bundle>] = &[
    Rule {
        kind: FindingKind::BundleDuplicatePackages,
        run: duplicate_packages,
    },
    Rule {
        kind: FindingKind::DuplicateModules,
        run: duplicate_modules,
    },
];

/// Runs every enabled finding; returns the findings by kind in report order.
pub fn run_all(context: &Context<'_>, severities: &Severities) -> Vec<Finding> {
    rule::run_all(REGISTRY, context, severities)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundle_kind_is_registered_once() {
        assert_eq!(rule::check(REGISTRY), Ok(()));
    }
}
