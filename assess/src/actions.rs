//! The top actions of a report, ranked by impact: failed budgets first, then
//! what saves the most bytes (lazy-loading candidates, duplicate packages and
//! modules), then the slowest React components.

use std::collections::BTreeSet;

use model::assessment::{Action, ActionSource, Segment, Tone};
use model::finding::{Detail, Finding, FindingKind};
use model::report::Report;
use model::units::format_bytes;
use model::{Budget, Unit};

struct Ranked {
    action: Action,
    /// Ranking group (0 = failed budgets, 1 = bytes, 2 = render time).
    group: u8,
    /// Amount within the group (bytes or ms), larger first.
    amount: f64,
}

#[derive(Default)]
struct Sentence(Vec<Segment>);

impl Sentence {
    fn text(mut self, text: impl Into<String>) -> Self {
        self.0.push(Segment {
            text: text.into(),
            code: false,
        });
        self
    }
    fn code(mut self, text: impl Into<String>) -> Self {
        self.0.push(Segment {
            text: text.into(),
            code: true,
        });
        self
    }
}

fn from_finding(f: &Finding) -> ActionSource {
    ActionSource::Finding {
        kind: f.kind,
        key: f.key.clone(),
    }
}

fn saving(f: &Finding, what: Sentence, impact: String, amount: f64) -> Ranked {
    Ranked {
        action: Action {
            source: from_finding(f),
            what: what.0,
            impact,
            tone: Tone::Saving,
        },
        group: 1,
        amount,
    }
}

/// The `limit` most useful actions, best first.
pub fn top(report: &Report, budgets: &[Budget], limit: usize) -> Vec<Action> {
    let mut out = all(report, budgets);
    out.sort_by(|a, b| {
        a.group
            .cmp(&b.group)
            .then(b.amount.total_cmp(&a.amount))
            .then_with(|| a.action.what_text().cmp(&b.action.what_text()))
    });
    out.into_iter().take(limit).map(|r| r.action).collect()
}

fn budget_action(b: &Budget) -> Ranked {
    let unit = b.metric.unit();
    let minimum = b.metric.higher_is_better();
    let impact = match b.actual {
        Some(actual) if b.over() > 0.0 => format!(
            "{} {} {} {} ({})",
            b.metric.label(),
            unit.format(actual),
            if minimum { "<" } else { ">" },
            unit.format(b.limit),
            unit.format_delta(if minimum { -b.over() } else { b.over() })
        ),
        Some(actual) => format!(
            "{} {} (limit {})",
            b.metric.label(),
            unit.format(actual),
            unit.format(b.limit)
        ),
        None => format!(
            "{} not measured: {}",
            b.metric.label(),
            b.reason.as_deref().unwrap_or("no value")
        ),
    };
    Ranked {
        action: Action {
            source: ActionSource::Budget {
                name: b.name.clone(),
            },
            what: if minimum {
                Sentence::default()
                    .text("Raise ")
                    .code(&b.name)
                    .text(" to its minimum")
                    .0
            } else {
                Sentence::default()
                    .text("Bring ")
                    .code(&b.name)
                    .text(" under its budget")
                    .0
            },
            impact,
            tone: Tone::Problem,
        },
        group: 0,
        // Within failed budgets, larger overshoots (in the metric's unit) first.
        amount: b.over(),
    }
}

fn all(report: &Report, budgets: &[Budget]) -> Vec<Ranked> {
    let mut out: Vec<Ranked> = budgets
        .iter()
        .filter(|b| !b.passes())
        .map(budget_action)
        .collect();
    let findings = report.findings();
    let shipped: BTreeSet<&str> = findings
        .iter()
        .filter_map(|f| match &f.detail {
            Detail::ShippedPackage(d) if d.bytes_wasted > 0 => Some(d.name.as_str()),
            _ => None,
        })
        .collect();
    let render_threshold = report.vitals.document().map(|v| v.react.slow_render_ms);
    out.extend(
        findings
            .iter()
            .filter_map(|f| finding_action(f, &shipped, render_threshold)),
    );
    out
}

/// The action a finding ranks as, if its kind is ranked. Every kind has its
/// arm: a new kind does not compile until it says whether it ranks.
fn finding_action(
    f: &Finding,
    shipped: &BTreeSet<&str>,
    render_threshold: Option<f64>,
) -> Option<Ranked> {
    match f.kind {
        FindingKind::BundleDuplicatePackages => shipped_package_action(f),
        FindingKind::DuplicateModules => shipped_module_action(f),
        FindingKind::LazyCandidates => lazy_action(f),
        FindingKind::DuplicatePackages => duplicate_package_action(f, shipped),
        FindingKind::SlowRenders => slow_render_action(f, render_threshold),
        // Not ranked: what they cost is not bytes or render time perfscope
        // can put beside the others.
        FindingKind::Cycles
        | FindingKind::UnusedFiles
        | FindingKind::UnusedExports
        | FindingKind::UnusedDependencies
        | FindingKind::UnusedDevDependencies
        | FindingKind::DependenciesOnlyInTooling
        | FindingKind::DevDependenciesInProduction
        | FindingKind::UnlistedDependencies
        | FindingKind::SlowCommits
        | FindingKind::UnnecessaryRenders
        | FindingKind::MemoryLeak
        | FindingKind::UncompressedResponses
        | FindingKind::ShortCache
        | FindingKind::RequestWaterfalls
        | FindingKind::NPlusOneRequests
        | FindingKind::SlowApiCalls
        | FindingKind::FailedRequests
        | FindingKind::PendingRequests
        // Bytes on the wire estimated from one run's coverage, not bytes a
        // change is known to save: the lazy-loading candidates and the
        // bundle's attribution rank the code to move.
        | FindingKind::UnusedJavascript => None,
    }
}

fn shipped_package_action(f: &Finding) -> Option<Ranked> {
    let Detail::ShippedPackage(d) = &f.detail else {
        return None;
    };
    if d.bytes_wasted == 0 {
        return None;
    }
    Some(saving(
        f,
        Sentence::default()
            .text("Ship one copy of ")
            .code(&d.name)
            .text(format!(" ({} {})", d.kind.as_str(), d.versions.join(", "))),
        format!(
            "\u{2212}{} from the build output",
            format_bytes(d.bytes_wasted)
        ),
        d.bytes_wasted as f64,
    ))
}

fn shipped_module_action(f: &Finding) -> Option<Ranked> {
    let Detail::ShippedModule(d) = &f.detail else {
        return None;
    };
    if d.bytes_wasted == 0 {
        return None;
    }
    Some(saving(
        f,
        Sentence::default()
            .text("Move ")
            .code(&d.source)
            .text(format!(
                " into one shared chunk (now in {})",
                d.assets.len()
            )),
        format!(
            "\u{2212}{} from the build output",
            format_bytes(d.bytes_wasted)
        ),
        d.bytes_wasted as f64,
    ))
}

fn lazy_action(f: &Finding) -> Option<Ranked> {
    let Detail::Lazy(c) = &f.detail else {
        return None;
    };
    // Needed at first render: the finding says so, but lazy-loading it
    // would only move the bytes, never save them; not an action.
    if c.use_site == Some(model::analyze::UseSite::FirstRender) {
        return None;
    }
    let (amount, impact) = match (c.build_gzip, c.gzip_saved_estimate) {
        (Some(g), _) => (
            g,
            format!(
                "\u{2212}{} gzip from the initial load (shipped in the build)",
                format_bytes(g)
            ),
        ),
        (None, Some(g)) => (
            g,
            format!(
                "\u{2212}{} gzip from the initial load (estimate)",
                format_bytes(g)
            ),
        ),
        (None, None) => (
            c.bytes_saved,
            format!(
                "\u{2212}{} of source from the initial load",
                format_bytes(c.bytes_saved)
            ),
        ),
    };
    let what =
        if c.reason == model::analyze::LazyReason::DynamicAlsoStatic && c.static_path.len() >= 2 {
            Sentence::default()
                .text("Break the static import path ")
                .code(c.static_path.join(" \u{2192} "))
                .text(" so that the import() of ")
                .code(&c.specifier)
                .text(" in ")
                .code(format!("{}:{}", c.importer, c.line))
                .text(" splits it out")
        } else {
            Sentence::default()
                .text("Lazy-load ")
                .code(&c.specifier)
                .text(" with import() in ")
                .code(format!("{}:{}", c.importer, c.line))
        };
    // A module the first render needs is a poor candidate: it
    // ranks below on-demand code of a quarter of its size.
    let (impact, amount) = match c.use_site {
        Some(site) if site.tier() == 2 => (
            format!("{impact}; but it is needed at startup ({})", site.as_str()),
            amount as f64 / 4.0,
        ),
        _ => (impact, amount as f64),
    };
    Some(saving(f, what, impact, amount))
}

fn duplicate_package_action(f: &Finding, shipped: &BTreeSet<&str>) -> Option<Ranked> {
    let Detail::Package(d) = &f.detail else {
        return None;
    };
    if shipped.contains(d.name.as_str()) {
        return None;
    }
    let total: u64 = d.instances.iter().map(|i| i.bytes).sum();
    let largest = d.instances.iter().map(|i| i.bytes).max().unwrap_or(0);
    let wasted = total - largest;
    if wasted == 0 {
        return None;
    }
    let versions: Vec<&str> = d
        .instances
        .iter()
        .map(|i| i.version.as_deref().unwrap_or("unknown"))
        .collect();
    Some(saving(
        f,
        Sentence::default()
            .text("Install one version of ")
            .code(&d.name)
            .text(format!(" (now {})", versions.join(", "))),
        format!("\u{2212}{} of source", format_bytes(wasted)),
        wasted as f64,
    ))
}

fn slow_render_action(f: &Finding, threshold: Option<f64>) -> Option<Ranked> {
    let Detail::Render(r) = &f.detail else {
        return None;
    };
    let over = threshold.map_or(String::new(), |t| format!(" over {}", Unit::Ms.format(t)));
    Some(Ranked {
        action: Action {
            source: from_finding(f),
            what: Sentence::default()
                .text("Speed up the React component ")
                .code(&r.component)
                .0,
            impact: format!(
                "slowest render {}, {} renders{over}",
                Unit::Ms.format(r.max_ms),
                r.count
            ),
            tone: Tone::Problem,
        },
        group: 2,
        amount: r.max_ms,
    })
}
