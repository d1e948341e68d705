//! The one shape of a finding registry, shared by every part: a [`Rule`] is
//! a kind and the function that computes its findings from the part's
//! gathered facts ([`Facts::Ctx`]); a part's registry is a `&[Rule<_>]`,
//! its only list of findings. [`run_all`] runs the enabled rules in turn,
//! [`in_report_order`] joins per-rule results computed any other way (the
//! source part runs its rules in parallel), and [`check`] is the test every
//! registry passes: each kind of its part registered exactly once.

use crate::finding::{Finding, FindingKind, PartId, Severities};

/// What a part's rules read: the part and its context type.
pub trait Facts {
    /// The part whose findings the rules compute.
    const PART: PartId;
    /// The gathered facts a rule reads (borrowed for the run).
    type Ctx<'a>;
}

/// One registered finding: its kind and the function that computes it.
pub struct Rule<F: Facts> {
    /// The kind it reports.
    pub kind: FindingKind,
    /// Computes every finding of the kind, in a deterministic order.
    pub run: for<'a, 'b> fn(&'b F::Ctx<'a>) -> Vec<Finding>,
}

/// The rules whose kind is not `off`.
pub fn enabled<'r, F: Facts>(
    rules: &'r [Rule<F>],
    severities: &'r Severities,
) -> impl Iterator<Item = &'r Rule<F>> {
    rules.iter().filter(|r| severities.enabled(r.kind))
}

/// Each rule's findings joined by kind in report order (each kind's
/// findings in the order its rule returned them).
pub fn in_report_order(mut per_rule: Vec<(FindingKind, Vec<Finding>)>) -> Vec<Finding> {
    per_rule.sort_by_key(|(kind, _)| *kind);
    per_rule.into_iter().flat_map(|(_, f)| f).collect()
}

/// Runs every enabled rule over `ctx`; the findings by kind in report order.
pub fn run_all<F: Facts>(
    rules: &[Rule<F>],
    ctx: &F::Ctx<'_>,
    severities: &Severities,
) -> Vec<Finding> {
    in_report_order(
        enabled(rules, severities)
            .map(|r| (r.kind, (r.run)(ctx)))
            .collect(),
    )
}

/// Whether `rules` registers every kind of `F::PART` exactly once and no
/// kind of another part; the problem in words otherwise.
pub fn check<F: Facts>(rules: &[Rule<F>]) -> Result<(), String> {
    if let Some(r) = rules.iter().find(|r| r.kind.part() != F::PART) {
        return Err(format!(
            "{} is registered as a {:?} finding",
            r.kind.id(),
            F::PART
        ));
    }
    for kind in FindingKind::ALL.iter().filter(|k| k.part() == F::PART) {
        let n = rules.iter().filter(|r| r.kind == *kind).count();
        if n != 1 {
            return Err(format!("{} is registered {n} times", kind.id()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Numbers;
    impl Facts for Numbers {
        const PART: PartId = PartId::Bundle;
        type Ctx<'a> = &'a [u32];
    }

    fn modules(ctx: &&[u32]) -> Vec<Finding> {
        ctx.iter()
            .map(|n| Finding::new(FindingKind::DuplicateModules, n.to_string(), "m", ""))
            .collect()
    }

    fn packages(_: &&[u32]) -> Vec<Finding> {
        vec![Finding::new(
            FindingKind::BundleDuplicatePackages,
            "p",
            "p",
            "",
        )]
    }

    const RULES: &[Rule<Numbers>] = &[
        Rule {
            kind: FindingKind::DuplicateModules,
            run: modules,
        },
        Rule {
            kind: FindingKind::BundleDuplicatePackages,
            run: packages,
        },
    ];

    #[test]
    fn runs_enabled_rules_in_report_order() {
        let facts: &[u32] = &[2, 1];
        let found = run_all(RULES, &facts, &Severities::default());
        let keys: Vec<&str> = found.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(
            keys,
            ["p", "2", "1"],
            "kinds in report order, each rule's order kept"
        );
        let mut off = Severities::default();
        off.set(FindingKind::DuplicateModules, crate::Severity::Off);
        assert_eq!(run_all(RULES, &facts, &off).len(), 1);
    }

    #[test]
    fn check_finds_missing_and_foreign_kinds() {
        assert_eq!(check(RULES), Ok(()));
        assert!(
            check(&RULES[..1])
                .unwrap_err()
                .contains("bundle-duplicate-packages")
        );
        let foreign: &[Rule<Numbers>] = &[Rule {
            kind: FindingKind::Cycles,
            run: modules,
        }];
        assert!(check(foreign).unwrap_err().contains("cycles"));
    }
}
