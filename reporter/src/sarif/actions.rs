//! SARIF results for the top actions: each action that names a place in the
//! project to change (the static import of a lazy-loading candidate to turn
//! into `import()`, the first static import of a package the measured load
//! carries) is a result at that file and line, under one rule, with its
//! rank, what to do and what it buys, and whether the figures were measured
//! in a browser run or estimated. The candidates are also results of their
//! own kind (`lazy-candidates`); the action adds the rank and the measured
//! cost.

use model::assessment::{Action, ActionSource};
use model::report::Report;

use super::flows::in_project;
use super::{
    ArtifactLocation, Location, PhysicalLocation, Region, Rule, SarifResult, Text, rule, uri,
};

/// The rule of a ranked action.
const TOP_ACTION: &str = "top-action";

/// Adds the rule and the results of the assessment's located actions.
pub(super) fn add(report: &Report, rules: &mut Vec<Rule>, results: &mut Vec<SarifResult>) {
    let Some(assessment) = &report.assessment else {
        return;
    };
    let total = assessment.actions.len();
    let located: Vec<(usize, &Action)> = assessment
        .actions
        .iter()
        .enumerate()
        .filter(|(_, a)| a.location.as_ref().is_some_and(|l| in_project(&l.file)))
        .collect();
    if located.is_empty() {
        return;
    }
    let index = rules.len();
    rules.push(rule(
        TOP_ACTION,
        "A top action, ranked by what it costs the load",
        "perfscope ranks what to change first by its cost: where a browser run measured the page, the main-thread time the code ran during the load plus the download time of its bytes (coverage and CPU profile through the source maps); otherwise the build's bytes or perfscope's static estimate.",
        "Change the import at this line as the message says: turn it into import() where the code is used on demand, or move the work it does at startup after the load.",
        model::finding::Severity::Warn,
    ));
    for (rank, action) in located {
        let Some(location) = &action.location else {
            continue;
        };
        let basis = action.basis.map(|b| b.as_str()).unwrap_or("estimate");
        results.push(SarifResult {
            rule_id: TOP_ACTION,
            rule_index: index,
            level: "note",
            message: Text {
                text: format!(
                    "Top action {} of {total} ({basis}): {}: {}",
                    rank + 1,
                    action.what_text(),
                    action.impact
                ),
            },
            locations: vec![Location {
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation {
                        uri: uri(&location.file),
                        uri_base_id: "%SRCROOT%",
                    },
                    region: (location.line > 0).then_some(Region {
                        start_line: location.line,
                    }),
                },
            }],
            partial_fingerprints: [(
                "perfscopeKey/v1",
                format!("{TOP_ACTION}:{}", identity(action)),
            )]
            .into_iter()
            .collect(),
        });
    }
}

/// What an action is about, without its line: stable across edits.
fn identity(action: &Action) -> String {
    match &action.source {
        ActionSource::Finding { kind, key } => format!("{}:{key}", kind.meta().id),
        ActionSource::Package { name } => format!("package:{name}"),
        ActionSource::Budget { name } => format!("budget:{name}"),
    }
}
