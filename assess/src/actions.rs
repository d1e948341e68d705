//! The top actions of a report, ranked by impact: failed budgets first, then
//! what saves the most (lazy-loading candidates, the packages the load
//! carries, duplicate packages and modules), then the slowest React
//! components.
//!
//! Where a browser run measured the page, the savings rank by what the code
//! costs that load (`load_cost.rs`: main-thread time plus the download time
//! of its transferred bytes, in ms), and each action says so
//! ([`Basis::Measured`], with its [`model::assessment::LoadCost`]); code the
//! run did not attribute ranks by the download time of its static estimate.
//! Without a run they rank by bytes, the build's or the estimate's.

use std::collections::BTreeSet;

use model::analyze::{AnalyzeReport, LazyCandidate, UseSite};
use model::assessment::{Action, ActionSource, Basis, LoadCost, Segment, SourceLocation, Tone};
use model::finding::{Detail, Finding, FindingKind};
use model::report::Report;
use model::units::format_bytes;
use model::{Budget, Unit};

use crate::load_cost::{Measured, code_of, import_sites};

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

fn saving(f: &Finding, what: Sentence, impact: String, amount: f64, basis: Basis) -> Ranked {
    Ranked {
        action: Action {
            source: from_finding(f),
            what: what.0,
            impact,
            tone: Tone::Saving,
            basis: Some(basis),
            cost: None,
            location: None,
        },
        group: 1,
        amount,
    }
}

/// What the actions are ranked against: the browser runs, the source graph.
struct Ctx<'a> {
    /// The report's browser runs, when a page was measured.
    measured: Option<Measured<'a>>,
    /// The source analysis.
    analyze: Option<&'a AnalyzeReport>,
}

impl Ctx<'_> {
    /// The rank amount of `bytes` of static estimate: their download time
    /// at the run's rate when a run exists (so they rank with measured
    /// costs), else the bytes.
    fn amount(&self, bytes: u64) -> f64 {
        match &self.measured {
            Some(m) => m.download_ms(bytes),
            None => bytes as f64,
        }
    }

    /// A React component these modules define that rendered during a
    /// measured load.
    fn rendered_from(&self, paths: &[String]) -> Option<&model::vitals::SlowRender> {
        self.measured
            .as_ref()?
            .rendered_from(&code_of(self.analyze, paths))
    }

    /// The run's measured cost of these modules, when it attributed them.
    fn cost(&self, paths: &[String]) -> Option<LoadCost> {
        let measured = self.measured.as_ref().filter(|m| m.attributes())?;
        measured.cost(&code_of(self.analyze, paths))
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
            basis: None,
            cost: None,
            location: None,
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
    let ctx = Ctx {
        measured: Measured::of(report),
        analyze: report.analyze.document(),
    };
    out.extend(
        findings
            .iter()
            .filter_map(|f| finding_action(f, &ctx, &shipped, render_threshold)),
    );
    out.extend(package_actions(&ctx, &findings));
    out
}

/// The action a finding ranks as, if its kind is ranked. Every kind has its
/// arm: a new kind does not compile until it says whether it ranks.
fn finding_action(
    f: &Finding,
    ctx: &Ctx<'_>,
    shipped: &BTreeSet<&str>,
    render_threshold: Option<f64>,
) -> Option<Ranked> {
    match f.kind {
        FindingKind::BundleDuplicatePackages => shipped_package_action(f, ctx),
        FindingKind::DuplicateModules => shipped_module_action(f, ctx),
        FindingKind::LazyCandidates => lazy_action(f, ctx),
        FindingKind::DuplicatePackages => duplicate_package_action(f, ctx, shipped),
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

fn shipped_package_action(f: &Finding, ctx: &Ctx<'_>) -> Option<Ranked> {
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
        ctx.amount(d.bytes_wasted),
        Basis::Build,
    ))
}

fn shipped_module_action(f: &Finding, ctx: &Ctx<'_>) -> Option<Ranked> {
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
        ctx.amount(d.bytes_wasted),
        Basis::Build,
    ))
}

/// The modules a candidate's saving holds.
fn saved_paths(c: &LazyCandidate) -> &[String] {
    if c.saved_modules.is_empty() {
        std::slice::from_ref(&c.module)
    } else {
        &c.saved_modules
    }
}

/// Needed at first render: the finding says so, or, measured, a React
/// component it defines rendered during the load. Lazy-loading it would
/// only move the bytes, never save them: not an action (its packages'
/// cost is then told as theirs, [`package_actions`]).
fn needed_at_first_render(c: &LazyCandidate, ctx: &Ctx<'_>) -> bool {
    c.use_site == Some(UseSite::FirstRender) || ctx.rendered_from(saved_paths(c)).is_some()
}

fn lazy_action(f: &Finding, ctx: &Ctx<'_>) -> Option<Ranked> {
    let Detail::Lazy(c) = &f.detail else {
        return None;
    };
    if needed_at_first_render(c, ctx) {
        return None;
    }
    let startup = c.use_site.is_some_and(|site| site.tier() == 2);
    let paths = saved_paths(c);
    let mut ranked = match ctx.cost(paths) {
        Some(cost) => measured_lazy(f, c, startup, cost),
        None => estimated_lazy(f, c, ctx, startup),
    };
    ranked.action.location = Some(SourceLocation {
        file: c.importer.clone(),
        line: c.line,
    });
    Some(ranked)
}

/// The sentence of a lazy-loading candidate.
fn lazy_what(c: &LazyCandidate, startup: bool) -> Sentence {
    let at = format!("{}:{}", c.importer, c.line);
    if c.reason == model::analyze::LazyReason::DynamicAlsoStatic && c.static_path.len() >= 2 {
        Sentence::default()
            .text("Break the static import path ")
            .code(c.static_path.join(" \u{2192} "))
            .text(" so that the import() of ")
            .code(&c.specifier)
            .text(" in ")
            .code(at)
            .text(" splits it out")
    } else if startup {
        Sentence::default()
            .text("Defer ")
            .code(&c.specifier)
            .text(" and the startup work that uses it: import() it in ")
            .code(at)
            .text(" once the page has loaded")
    } else {
        Sentence::default()
            .text("Lazy-load ")
            .code(&c.specifier)
            .text(" with import() in ")
            .code(at)
    }
}

/// A candidate the browser run measured: ranked by what it cost the load.
fn measured_lazy(f: &Finding, c: &LazyCandidate, startup: bool, cost: LoadCost) -> Ranked {
    let mut ranked = saving(
        f,
        lazy_what(c, startup),
        format!("\u{2212}{}", cost_text(&cost)),
        cost.cost_ms,
        Basis::Measured,
    );
    ranked.action.cost = Some(cost);
    ranked
}

/// A candidate no run measured: its build share or static estimate.
fn estimated_lazy(f: &Finding, c: &LazyCandidate, ctx: &Ctx<'_>, startup: bool) -> Ranked {
    let (bytes, impact, basis) = match (c.build_gzip, c.gzip_saved_estimate) {
        (Some(g), _) => (
            g,
            format!(
                "\u{2212}{} gzip from the initial load (shipped in the build)",
                format_bytes(g)
            ),
            Basis::Build,
        ),
        (None, Some(g)) => (
            g,
            format!(
                "\u{2212}{} gzip from the initial load (estimate)",
                format_bytes(g)
            ),
            Basis::Estimate,
        ),
        (None, None) => (
            c.bytes_saved,
            format!(
                "\u{2212}{} of source from the initial load",
                format_bytes(c.bytes_saved)
            ),
            Basis::Estimate,
        ),
    };
    let unseen = ctx.measured.as_ref().is_some_and(Measured::attributes);
    let impact = if unseen {
        format!("{impact}; not seen in the measured load")
    } else {
        impact
    };
    // A module the first render needs is a poor candidate: it
    // ranks below on-demand code of a quarter of its size.
    let (impact, amount) = match c.use_site {
        Some(site) if startup => (
            format!("{impact}; but it is needed at startup ({})", site.as_str()),
            ctx.amount(bytes) / 4.0,
        ),
        _ => (impact, ctx.amount(bytes)),
    };
    saving(f, lazy_what(c, false), impact, amount, basis)
}

/// `229 ms main thread and 10.2 KB at load (60% never ran; measured)`.
fn cost_text(cost: &LoadCost) -> String {
    let mut amounts = Vec::new();
    let mut notes = Vec::new();
    match cost.main_thread_ms {
        Some(ms) if ms >= 0.05 => amounts.push(format!("{} main thread", Unit::Ms.format(ms))),
        Some(_) => notes.push("no main-thread time".to_string()),
        None => {}
    }
    if let Some(bytes) = cost.load_bytes {
        amounts.push(format_bytes(bytes));
    }
    if let Some(ratio) = cost.unused_ratio {
        notes.insert(0, format!("{:.0}% never ran", ratio * 100.0));
    }
    let page = cost
        .page
        .as_deref()
        .map(|p| format!(" of {p}"))
        .unwrap_or_default();
    let notes = match notes.is_empty() {
        true => String::new(),
        false => format!("{}; ", notes.join(", ")),
    };
    format!("{} at load{page} ({notes}measured)", amounts.join(" and "))
}

/// The packages the measured load carries that the project imports
/// statically and no lazy-loading candidate holds: each with what it cost
/// the load and the imports to change.
fn package_actions(ctx: &Ctx<'_>, findings: &[&Finding]) -> Vec<Ranked> {
    let (Some(measured), Some(analyze)) = (&ctx.measured, ctx.analyze) else {
        return Vec::new();
    };
    if !measured.attributes() {
        return Vec::new();
    }
    let package_of: std::collections::HashMap<&str, &str> = analyze
        .modules
        .iter()
        .filter_map(|m| Some((m.path.as_str(), m.package.as_deref()?)))
        .collect();
    // Packages a candidate holds: its action counts them.
    let held: BTreeSet<&str> = findings
        .iter()
        .filter_map(|f| match &f.detail {
            Detail::Lazy(c) if !needed_at_first_render(c, ctx) => Some(c),
            _ => None,
        })
        .flat_map(|c| c.saved_modules.iter().chain(std::iter::once(&c.module)))
        .filter_map(|m| package_of.get(m.as_str()).copied())
        .collect();
    measured
        .packages()
        .into_iter()
        .filter(|(name, _)| {
            !held.contains(name) && !model::analyze::FRAMEWORK_RUNTIMES.contains(name)
        })
        .filter_map(|(name, cost)| {
            let sites = import_sites(analyze, name);
            let &(file, line) = sites.first()?;
            let more = match sites.len() - 1 {
                0 => String::new(),
                n => format!(" and {n} more"),
            };
            Some(Ranked {
                group: 1,
                amount: cost.cost_ms,
                action: Action {
                    source: ActionSource::Package {
                        name: name.to_string(),
                    },
                    what: Sentence::default()
                        .text("Cut what ")
                        .code(name)
                        .text(" costs the load: it is imported statically in ")
                        .code(format!("{file}:{line}"))
                        .text(more)
                        .0,
                    impact: cost_text(&cost),
                    tone: Tone::Problem,
                    basis: Some(Basis::Measured),
                    cost: Some(cost),
                    location: Some(SourceLocation {
                        file: file.to_string(),
                        line,
                    }),
                },
            })
        })
        .collect()
}

fn duplicate_package_action(
    f: &Finding,
    ctx: &Ctx<'_>,
    shipped: &BTreeSet<&str>,
) -> Option<Ranked> {
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
        ctx.amount(wasted),
        Basis::Estimate,
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
            basis: Some(Basis::Measured),
            cost: None,
            location: None,
        },
        group: 2,
        amount: r.max_ms,
    })
}
