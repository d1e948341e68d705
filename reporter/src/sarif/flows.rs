//! SARIF results for replayed user flows. A flow points at no source file,
//! but a recording does: a flow replayed from a file of the project
//! (`[[vitals.flows]] file`, `--flow`) gets its results at that file: each
//! failing INP budget (the flow's or a step's) with the interaction and the
//! React component behind it, its suspected memory leak, and the components
//! re-rendered in it with nothing changed. Flows without a project file
//! (inline steps, `--headed`) are in the report, the comment and the
//! annotations only.

use model::finding::{Finding, FindingKind, Severity};
use model::report::Report;
use model::vitals::{FlowReport, StepReport};
use model::{MetricId, Verdict};

use super::{Rule, SarifResult, result_at, rule};

/// The rule of a failing flow INP budget.
const SLOW_INTERACTION: &str = "slow-interaction";

/// Adds the flow rules and results of `report`.
pub(super) fn add(
    report: &Report,
    severities: &[(&Finding, Severity)],
    rules: &mut Vec<Rule>,
    results: &mut Vec<SarifResult>,
) {
    let Some(vitals) = report.vitals.document() else {
        return;
    };
    let flows: Vec<(&FlowReport, &str)> = vitals
        .flows
        .iter()
        .filter_map(|f| Some((f, f.file.as_deref().filter(|p| in_project(p))?)))
        .collect();
    if flows.is_empty() {
        return;
    }
    let base = rules.len();
    rules.push(rule(
        SLOW_INTERACTION,
        "Slow interactions in a user flow",
        "An interaction slower than its INP budget (200 ms is Google's \"good\" limit) makes the page feel stuck: the next paint waits for the handlers and the renders they cause.",
        "Make the handler do less before the next paint: split long work (scheduler.yield, setTimeout), memoize the components the interaction re-renders, or defer what the user does not see (useTransition).",
        Severity::Error,
    ));
    for (flow, file) in &flows {
        for budget in vitals.budgets.iter().filter(|b| {
            b.metric == MetricId::Inp
                && b.verdict == Verdict::Fail
                && b.name.ends_with(&format!("of flow {}", flow.name))
        }) {
            let behind = slowest_step(flow).map(step_text).unwrap_or_default();
            let message = format!(
                "{}: {} over the {} budget{behind}",
                budget.name,
                model::units::format_ms(budget.actual.unwrap_or(0.0)),
                model::units::format_ms(budget.limit)
            );
            results.push(result_at(
                SLOW_INTERACTION,
                base,
                Severity::Error,
                message,
                file,
                format!("{SLOW_INTERACTION}:{}", budget.name),
            ));
        }
    }
    for kind in [FindingKind::MemoryLeak, FindingKind::UnnecessaryRenders] {
        let meta = kind.meta();
        let index = rules.len();
        let mut any = false;
        for (finding, severity) in severities.iter().filter(|(f, _)| f.kind == kind) {
            let Some(file) = flow_file_of(finding, &flows) else {
                continue;
            };
            any = true;
            results.push(result_at(
                meta.id,
                index,
                *severity,
                format!("{}: {} ({})", meta.title, finding.message, finding.subject),
                file,
                format!("{}:{}", meta.id, finding.key),
            ));
        }
        if any {
            rules.push(rule(
                meta.id,
                meta.title,
                meta.why,
                meta.fix,
                kind.meta().severity,
            ));
        }
    }
}

/// Whether a path is a project-relative file (not absolute, not leaving it).
pub(super) fn in_project(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains(':')
        && !path.split(['/', '\\']).any(|part| part == "..")
}

/// The recording a flow finding is about: its flow (memory leaks), or the
/// first flow whose median replay re-rendered the component.
fn flow_file_of<'a>(finding: &Finding, flows: &[(&FlowReport, &'a str)]) -> Option<&'a str> {
    flows.iter().find_map(|(flow, file)| {
        let hit = match finding.kind {
            FindingKind::MemoryLeak => flow.name == finding.subject,
            _ => median(flow).is_some_and(|run| {
                run.steps
                    .iter()
                    .flat_map(|s| &s.unnecessary_renders)
                    .any(|r| r.component == finding.subject)
            }),
        };
        hit.then_some(*file)
    })
}

fn median(flow: &FlowReport) -> Option<&model::vitals::FlowRun> {
    let i = flow.median_index?;
    flow.runs.iter().find(|r| r.index == i)
}

/// The median replay's step with the highest INP.
fn slowest_step(flow: &FlowReport) -> Option<&StepReport> {
    median(flow)?
        .steps
        .iter()
        .filter(|s| s.inp_ms.is_some())
        .max_by(|a, b| a.inp_ms.unwrap_or(0.0).total_cmp(&b.inp_ms.unwrap_or(0.0)))
}

/// "; slowest: step 4 (click aria/Add item), click on button#add, processing
/// 125 ms; React commit 121 ms, most in ProductList 120 ms (props)".
fn step_text(step: &StepReport) -> String {
    let mut out = format!(
        "; slowest: step {} ({}{})",
        step.number,
        step.kind,
        step.target
            .as_deref()
            .map(|t| format!(" {t}"))
            .unwrap_or_default()
    );
    if let Some(i) = step.interactions.first() {
        out.push_str(&format!(
            ", {} on {}, processing {}",
            i.event,
            i.target.as_deref().unwrap_or("?"),
            model::units::format_ms(i.processing_ms)
        ));
    }
    let commit = step
        .commits
        .iter()
        .max_by(|a, b| a.duration_ms.total_cmp(&b.duration_ms));
    if let Some(commit) = commit
        && let Some(top) = commit.components.first()
    {
        out.push_str(&format!(
            "; React commit {}, most in {} {}{}",
            model::units::format_ms(commit.duration_ms),
            top.component,
            model::units::format_ms(top.self_ms),
            top.why
                .as_deref()
                .map(|w| format!(" ({w})"))
                .unwrap_or_default()
        ));
    }
    out
}
