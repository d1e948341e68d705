//! The Markdown pull-request comment: a headline table (with deltas when the
//! report was assessed against a baseline), the budgets, the top actions, then
//! the findings in `<details>` blocks (only new ones with a baseline). It
//! stays under GitHub's comment limit by cutting the longest lists first, with
//! a note saying how many were left out. Everything shown comes from the
//! report's [`Assessment`].

use model::assessment::{
    Action, AssessedFinding, Assessment, BaselineInfo, ChangeStatus, FindingStatus,
};
use model::finding::{Finding, FindingKind};
use model::report::{Part, Report};
use model::{Budget, Unit};

/// GitHub's limit on the length of a comment, in characters.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;

/// The comment aims below the limit by this margin, for text a CI job may add.
const MARGIN: usize = 1_536;

/// Longest path, name or detail kept in one line; longer ones are cut with `…`.
pub(crate) const MAX_PART_CHARS: usize = 240;

/// Renders the comment for an assessed `report`: with a baseline in its
/// assessment, the metrics' changes and only the new findings.
pub fn render(report: &Report) -> String {
    render_with_limit(report, GITHUB_COMMENT_LIMIT - MARGIN)
}

/// [`render`] with an explicit character limit (for tests and other hosts).
pub fn render_with_limit(report: &Report, limit: usize) -> String {
    let empty;
    let assessment = match &report.assessment {
        Some(a) => a,
        None => {
            empty = Assessment {
                baseline: None,
                headline: Vec::new(),
                budgets: Vec::new(),
                kinds: Vec::new(),
                findings: Vec::new(),
                fixed: Vec::new(),
                actions: Vec::new(),
                bundle_diff: None,
                gate: model::assessment::Gate {
                    pass: true,
                    checks: Vec::new(),
                },
            };
            &empty
        }
    };
    let mut blocks = match &assessment.baseline {
        Some(baseline) => with_baseline(report, assessment, baseline),
        None => standalone(report, assessment),
    };
    fit(&mut blocks, limit);
    blocks.iter().map(Block::render).collect()
}

/// Inline code that survives any content: the fence is longer than any run of
/// backticks inside, newlines become spaces and other control characters
/// are shown escaped (`\u{1b}`), as the terminal shows them.
pub fn code(value: &str) -> String {
    let value = crate::terminal::clean(&value.replace(['\n', '\r'], " "));
    let mut longest = 0;
    let mut run = 0;
    for c in value.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    if value.starts_with('`') || value.ends_with('`') || value.is_empty() {
        format!("{fence} {value} {fence}")
    } else {
        format!("{fence}{value}{fence}")
    }
}

/// Code in a table cell: as [`code`], with `|` escaped so the row holds.
pub fn code_cell(value: &str) -> String {
    code(value).replace('|', "\\|")
}

/// Plain text with every Markdown and HTML meaning removed.
pub fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut previous: Option<char> = None;
    for c in value.chars() {
        let after_word = previous.is_some_and(|p| p.is_alphanumeric());
        previous = Some(c);
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            // `@name` would mention (and notify) someone: a zero-width
            // joiner after `@` keeps the text and breaks the link. An `@`
            // inside a word (`react@18.3.1`) never mentions.
            '@' if !after_word => out.push_str("@\u{200d}"),
            _ => out.push(c),
        }
    }
    out
}

/// A piece of the comment: fixed text, or a list that may be cut.
enum Block {
    Text(String),
    List {
        /// Text before the items (e.g. `<details><summary>…` or a table header).
        head: String,
        items: Vec<String>,
        /// How the note on left-out items is written (`- …` or a table row).
        note: fn(usize) -> String,
        /// Text after the items.
        tail: String,
        shown: usize,
    },
}

impl Block {
    fn list(head: String, items: Vec<String>, note: fn(usize) -> String, tail: String) -> Self {
        let shown = items.len();
        Block::List {
            head,
            items,
            note,
            tail,
            shown,
        }
    }

    fn render(&self) -> String {
        match self {
            Block::Text(text) => text.clone(),
            Block::List {
                head,
                items,
                note,
                tail,
                shown,
            } => {
                let mut out = head.clone();
                for item in items.iter().take(*shown) {
                    out.push_str(item);
                    out.push('\n');
                }
                if *shown < items.len() {
                    out.push_str(&note(items.len() - shown));
                    out.push('\n');
                }
                out.push_str(tail);
                out
            }
        }
    }
}

fn list_note(left: usize) -> String {
    format!(
        "- … and {left} more not shown (kept under GitHub's {GITHUB_COMMENT_LIMIT}-character comment limit; see report.html or report.json)"
    )
}

fn row_note(left: usize) -> String {
    format!("| | … and {left} more rows not shown (comment size limit) | | | | |")
}

fn value_row_note(left: usize) -> String {
    format!("| … and {left} more rows not shown (comment size limit) | |")
}

/// Cuts the longest lists (halving what they show) until the comment fits.
fn fit(blocks: &mut [Block], limit: usize) {
    loop {
        let total: usize = blocks.iter().map(|b| b.render().chars().count()).sum();
        if total <= limit {
            return;
        }
        let longest = blocks
            .iter_mut()
            .filter_map(|b| match b {
                Block::List { items, shown, .. } if *shown > 0 => {
                    let size: usize = items.iter().take(*shown).map(|i| i.chars().count()).sum();
                    Some((size, shown))
                }
                _ => None,
            })
            .max_by_key(|(size, _)| *size);
        match longest {
            Some((_, shown)) => *shown /= 2,
            None => return,
        }
    }
}

/// `value` cut to `max` characters, with `…` when it was longer.
pub(crate) fn clip(value: &str, max: usize) -> String {
    if value.chars().count() <= max {
        return value.to_string();
    }
    let mut cut: String = value.chars().take(max).collect();
    cut.push('…');
    cut
}

fn finding_line(f: &Finding) -> String {
    let subject = code(&clip(&f.location(), MAX_PART_CHARS));
    if f.message.is_empty() {
        format!("- {subject}")
    } else {
        format!("- {subject} — {}", text(&clip(&f.message, MAX_PART_CHARS)))
    }
}

/// A budget's limit, value and overshoot for humans.
fn budget_cells(b: &Budget) -> (String, String, String) {
    let unit: Unit = b.metric.unit();
    let over = b.over();
    (
        unit.format(b.limit),
        b.actual
            .map_or_else(|| "not measured".to_string(), |v| unit.format(v)),
        if over > 0.0 {
            unit.format_delta(over)
        } else {
            String::new()
        },
    )
}

/// An action's sentence as Markdown (code in backticks).
fn action_markdown(a: &Action) -> String {
    a.what
        .iter()
        .map(|s| {
            let part = clip(&s.text, MAX_PART_CHARS);
            if s.code { code(&part) } else { text(&part) }
        })
        .collect()
}

fn parts_notes(report: &Report) -> String {
    let mut out = String::new();
    let mut note = |name: &str, error: Option<&str>| {
        if let Some(error) = error {
            out.push_str(&format!(
                "> [!WARNING]\n> **{name} failed:** {}\n\n",
                text(error)
            ));
        }
    };
    note("Source analysis", report.analyze.error());
    note("Bundle analysis", report.bundle.error());
    note("Vitals", report.vitals.error());
    let absent: Vec<&str> = [
        (
            "source analysis",
            matches!(report.analyze, Part::Absent { .. }),
        ),
        (
            "bundle analysis",
            matches!(report.bundle, Part::Absent { .. }),
        ),
        ("vitals", matches!(report.vitals, Part::Absent { .. })),
    ]
    .into_iter()
    .filter_map(|(name, absent)| absent.then_some(name))
    .collect();
    if !absent.is_empty() {
        out.push_str(&format!("_Not run: {}._\n\n", absent.join(", ")));
    }
    out
}

/// One line per replayed flow: its INP and the step behind it.
fn flows_line(report: &Report) -> String {
    let Some(v) = report.vitals.document() else {
        return String::new();
    };
    let mut out = String::new();
    if let Some(server) = &v.dev_server {
        out.push_str(&format!(
            "**Development server ({}):** load metrics are development numbers (unminified code, no compression); uncompressed and short-cache findings are summarised. Measure a production build to judge them.\n\n",
            text(&clip(server, MAX_PART_CHARS))
        ));
    }
    for flow in &v.flows {
        let worst = flow
            .median_index
            .and_then(|i| flow.runs.iter().find(|r| r.index == i))
            .and_then(|run| {
                run.steps
                    .iter()
                    .filter(|s| s.inp_ms.is_some())
                    .max_by(|a, b| a.inp_ms.unwrap_or(0.0).total_cmp(&b.inp_ms.unwrap_or(0.0)))
            });
        let inp = flow
            .inp_ms
            .map_or_else(|| "not measured".to_string(), |v| Unit::Ms.format(v));
        let behind = worst
            .and_then(|s| {
                let i = s.interactions.first()?;
                Some(format!(
                    " — step {} {} on {}",
                    s.number,
                    text(&s.kind),
                    code(&clip(i.target.as_deref().unwrap_or("?"), MAX_PART_CHARS))
                ))
            })
            .unwrap_or_default();
        let react = worst.map(react_behind).unwrap_or_default();
        let requests = worst
            .and_then(|s| s.requests.as_ref())
            .map(|r| {
                format!(
                    "; the step made {}",
                    text(&clip(&crate::format::step_requests(r), 300))
                )
            })
            .unwrap_or_default();
        let median = flow
            .median_index
            .and_then(|i| flow.runs.iter().find(|r| r.index == i));
        let leak = median
            .and_then(|r| r.memory.as_ref()?.suspected_leak.as_deref())
            .map(|why| format!(". Suspected memory leak: {}.", text(&clip(why, 200))))
            .unwrap_or_default();
        out.push_str(&format!(
            "**Flow {}:** INP {inp}{behind}{react}{requests}{leak}\n\n",
            text(&clip(&flow.name, MAX_PART_CHARS))
        ));
    }
    out.push_str(&unused_js_line(v));
    out.push_str(&cpu_line(v));
    out.push_str(&children_line(v));
    out
}

/// "**Workers and iframes:** `/embeds/search-worker.js` (worker) script
/// time 338 ms; …": the median run's children whose scripts ran 50 ms or
/// more, or that logged console errors, the most time first, at most 3.
fn children_line(v: &model::vitals::VitalsReport) -> String {
    let Some(run) = v
        .median_index
        .and_then(|i| v.runs.iter().find(|r| r.index == i))
    else {
        return String::new();
    };
    let script = |c: &model::vitals::ChildTarget| c.cpu.as_ref().map_or(0.0, |p| p.script_ms());
    let mut shown: Vec<&model::vitals::ChildTarget> = run
        .children
        .iter()
        .filter(|c| script(c) >= CPU_LINE_MS || !c.console_errors.is_empty())
        .collect();
    if shown.is_empty() {
        return String::new();
    }
    shown.sort_by(|a, b| {
        script(b)
            .total_cmp(&script(a))
            .then_with(|| a.url.cmp(&b.url))
    });
    let parts: Vec<String> = shown
        .iter()
        .take(3)
        .map(|c| {
            let path = without_origin(&c.url);
            let mut part = format!("{} ({})", code(&clip(path, MAX_PART_CHARS)), text(&c.kind));
            if c.cpu.is_some() {
                part.push_str(&format!(" script time {}", Unit::Ms.format(script(c))));
            }
            let (total, unused) = c.unused_js();
            if unused > 0 {
                part.push_str(&format!(
                    ", {} of {} JS unused",
                    Unit::Bytes.format(unused as f64),
                    Unit::Bytes.format(total as f64)
                ));
            }
            if !c.console_errors.is_empty() {
                part.push_str(&format!(", {} console error(s)", c.console_errors.len()));
            }
            part
        })
        .collect();
    let more = match shown.len().saturating_sub(3) {
        0 => String::new(),
        n => format!("; {n} more in report.json"),
    };
    let note = crate::format::unslowed_children_note(&v.profile, &run.children)
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    format!(
        "**Workers and iframes** (their own threads, not in the page's numbers): {}{more}{note}\n\n",
        parts.join("; ")
    )
}

/// A URL without its origin (the comment is about one site): `/app.js`.
fn without_origin(url: &str) -> &str {
    url.split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
        .unwrap_or(url)
}

/// A package or module is named in the comment's CPU line from this much
/// total time at load (Lighthouse's long-task and boot-up threshold), ms.
const CPU_LINE_MS: f64 = 50.0;

/// "**CPU time at load:** main-thread work 385 ms; most in `decimal.js`
/// 253 ms, …": the three packages and modules with the most total time in
/// the median run's profile, when one has 50 ms or more.
fn cpu_line(v: &model::vitals::VitalsReport) -> String {
    let Some(cpu) = &v.cpu else {
        return String::new();
    };
    let top: Vec<&model::vitals::CpuTime> =
        cpu.profile.iter().flat_map(|p| p.top_sources(3)).collect();
    if !top.iter().any(|t| t.total_ms >= CPU_LINE_MS) {
        return String::new();
    }
    let names: Vec<String> = top
        .iter()
        .map(|t| {
            format!(
                "{} {}",
                code(&clip(&t.name, MAX_PART_CHARS)),
                Unit::Ms.format(t.total_ms)
            )
        })
        .collect();
    let work = cpu
        .main_thread_ms
        .map(|ms| format!("main-thread work {}; ", Unit::Ms.format(ms)))
        .unwrap_or_default();
    format!(
        "**CPU time at load:** {work}most in {} (total time, calls included)\n\n",
        names.join(", ")
    )
}

/// "**Unused JavaScript at load:** `/app.js` 34 KB of 36 KB transferred
/// (95%: `src/chart.js`, `dayjs`), …": the three scripts with the most
/// unused code transferred, when one is over Lighthouse's 20 KiB.
fn unused_js_line(v: &model::vitals::VitalsReport) -> String {
    let Some(coverage) = &v.coverage else {
        return String::new();
    };
    if !coverage.scripts.iter().any(|s| s.over_threshold()) {
        return String::new();
    }
    let scripts: Vec<String> = coverage
        .scripts
        .iter()
        .filter(|s| s.wasted_bytes > 0)
        .take(3)
        .map(|s| {
            let path = without_origin(&s.url);
            let sources: Vec<String> = s
                .top_sources(2)
                .iter()
                .map(|t| code(&clip(&t.name, MAX_PART_CHARS)))
                .collect();
            format!(
                "{} {} of {} ({:.0}%{}{})",
                code(&clip(path, MAX_PART_CHARS)),
                Unit::Bytes.format(s.wasted_bytes as f64),
                Unit::Bytes.format(s.transfer_bytes as f64),
                s.unused_ratio * 100.0,
                if sources.is_empty() { "" } else { ": " },
                sources.join(", ")
            )
        })
        .collect();
    let basis = match coverage.granularity {
        model::vitals::CoverageGranularity::Block => ", block coverage",
        model::vitals::CoverageGranularity::Function => "",
    };
    format!(
        "**Unused JavaScript at load** (transferred, never run by the end of the load{basis}): {}\n\n",
        scripts.join("; ")
    )
}

/// "; React: `ProductList` 120 ms (props changed), `Header` re-rendered with
/// nothing changed" for a step's slowest commit.
fn react_behind(step: &model::vitals::StepReport) -> String {
    let Some(commit) = step
        .commits
        .iter()
        .max_by(|a, b| a.duration_ms.total_cmp(&b.duration_ms))
    else {
        return String::new();
    };
    let Some(top) = commit.components.first() else {
        return String::new();
    };
    let why = match top.why.as_deref() {
        Some("parent") => " (nothing changed: its parent rendered)".to_string(),
        Some("mount") => " (mounted)".to_string(),
        Some(w) => format!(" ({} changed)", text(w)),
        None => String::new(),
    };
    let mut out = format!(
        "; React commit {}, most in {} {}{why}",
        Unit::Ms.format(commit.duration_ms),
        code(&clip(&top.component, MAX_PART_CHARS)),
        Unit::Ms.format(top.self_ms)
    );
    let unnecessary: Vec<String> = step
        .unnecessary_renders
        .iter()
        .take(3)
        .map(|r| code(&clip(&r.component, MAX_PART_CHARS)))
        .collect();
    if !unnecessary.is_empty() {
        out.push_str(&format!(
            "; re-rendered with nothing changed: {}",
            unnecessary.join(", ")
        ));
    }
    out
}

fn budget_line(assessment: &Assessment) -> String {
    let rows = &assessment.budgets;
    if rows.is_empty() {
        return String::new();
    }
    let note = crate::format::default_limits(rows)
        .map(|limits| {
            format!(
                "<sub>Default budgets applied ({}). Set `[[bundle.budgets]]` and `[vitals.budgets]` in `perfscope.toml` to change them.</sub>\n\n",
                text(&limits)
            )
        })
        .unwrap_or_default();
    // A budget at level `warn` (a Lighthouse CI warning) that does not
    // hold is listed with a warning sign, never counted as failed.
    let failed: Vec<_> = rows.iter().filter(|r| !r.passes()).collect();
    let errors = failed
        .iter()
        .filter(|r| r.gate_passes() == r.passes())
        .count();
    if failed.is_empty() {
        return format!("**Budgets:** all {} pass \u{2705}\n\n{note}", rows.len());
    }
    let headline = if errors == 0 {
        format!(
            "**Budgets:** all {} pass the gate; {} warning{} \u{26a0}\u{fe0f}",
            rows.len(),
            failed.len(),
            if failed.len() == 1 { "" } else { "s" }
        )
    } else {
        format!("**Budgets:** {errors} of {} failed \u{274c}", rows.len())
    };
    let mut out = format!(
        "{headline}\n\n| Budget | Metric | Actual | Limit | Over |\n|---|---|---|---|---|\n"
    );
    for r in failed {
        let (limit, actual, over) = budget_cells(r);
        let actual = match (&r.actual, &r.reason) {
            (None, Some(reason)) => format!("{actual}: {}", text(&clip(reason, MAX_PART_CHARS))),
            _ => actual,
        };
        let warn = if r.gate_passes() {
            "\u{26a0}\u{fe0f} "
        } else {
            ""
        };
        out.push_str(&format!(
            "| {warn}{} | {} | {} | {} | {} |\n",
            code_cell(&r.name),
            text(r.metric.label()),
            actual.replace('|', "\\|"),
            limit,
            over
        ));
    }
    out.push('\n');
    out.push_str(&note);
    out
}

/// How many top actions the comment lists (the full list is in the report).
const TOP_ACTIONS: usize = 3;

fn actions_block(assessment: &Assessment) -> Option<Block> {
    let top: Vec<&Action> = assessment.actions.iter().take(TOP_ACTIONS).collect();
    if top.is_empty() {
        return None;
    }
    let items = top
        .iter()
        .enumerate()
        .map(|(i, a)| format!("{}. {}: **{}**", i + 1, action_markdown(a), text(&a.impact)))
        .collect();
    let more = assessment.actions.len() - top.len();
    let tail = if more > 0 {
        format!(
            "\n<sub>{more} more in report.html. Ranked by what each costs the load where a browser run measured it, else by the build's bytes or the static estimate.</sub>\n\n"
        )
    } else {
        "\n".into()
    };
    Some(Block::list(
        "### Top actions\n\n".into(),
        items,
        list_note,
        tail,
    ))
}

fn footer(report: &Report) -> Block {
    Block::Text(format!(
        "<sub>Generated by {}. The full report is in `report.html`.</sub>\n",
        text(&report.generated_by)
    ))
}

fn title(report: &Report) -> String {
    match &report.project {
        Some(name) => format!("perfscope report: {}", code(&clip(name, MAX_PART_CHARS))),
        None => "perfscope report".to_string(),
    }
}

fn standalone(report: &Report, assessment: &Assessment) -> Vec<Block> {
    let mut blocks = vec![Block::Text(format!(
        "## {}\n\n{}",
        title(report),
        parts_notes(report)
    ))];
    let headline = &assessment.headline;
    if !headline.is_empty() {
        let items = headline
            .iter()
            .filter_map(|m| {
                let value = m.value?;
                Some(format!(
                    "| {} | {} |",
                    text(&m.label),
                    m.metric.unit().format(value)
                ))
            })
            .collect();
        blocks.push(Block::list(
            "| Metric | Value |\n|---|---|\n".into(),
            items,
            value_row_note,
            "\n".into(),
        ));
    }
    blocks.push(Block::Text(budget_line(assessment)));
    blocks.push(Block::Text(flows_line(report)));
    blocks.extend(actions_block(assessment));
    let failed: Vec<&Budget> = assessment.budgets.iter().filter(|b| !b.passes()).collect();
    if !failed.is_empty() {
        blocks.push(Block::list(
            format!(
                "<details><summary>Failed budgets ({})</summary>\n\n",
                failed.len()
            ),
            failed
                .iter()
                .map(|b| {
                    let (limit, actual, over) = budget_cells(b);
                    let detail = match (&b.actual, &b.reason) {
                        (Some(_), _) => format!(
                            "{} {actual} over the limit {limit} ({over})",
                            b.metric.label()
                        ),
                        (None, reason) => format!(
                            "{} not measured: {}",
                            b.metric.label(),
                            reason.as_deref().unwrap_or("no value")
                        ),
                    };
                    format!(
                        "- {} — {}",
                        code(&clip(&b.name, MAX_PART_CHARS)),
                        text(&clip(&detail, MAX_PART_CHARS))
                    )
                })
                .collect(),
            list_note,
            "\n</details>\n\n".into(),
        ));
    }
    for &kind in FindingKind::ALL {
        let of_kind: Vec<&Finding> = assessment
            .findings
            .iter()
            .map(|f| &f.finding)
            .filter(|f| f.kind == kind)
            .collect();
        if of_kind.is_empty() {
            continue;
        }
        blocks.push(Block::list(
            format!(
                "<details><summary>{} ({})</summary>\n\n",
                kind.title(),
                of_kind.len()
            ),
            of_kind.iter().map(|f| finding_line(f)).collect(),
            list_note,
            "\n</details>\n\n".into(),
        ));
    }
    blocks.push(footer(report));
    blocks
}

/// The comment against `baseline` (the assessment's): the verdict, the
/// build diff, the metrics' changes, budgets, top actions and only the new
/// findings.
fn with_baseline(report: &Report, assessment: &Assessment, baseline: &BaselineInfo) -> Vec<Block> {
    let status = |m: &model::assessment::HeadlineMetric| m.change.as_ref().map(|c| c.status);
    let regressions = assessment
        .headline
        .iter()
        .filter(|m| status(m) == Some(ChangeStatus::Regression))
        .count();
    let warnings = assessment
        .headline
        .iter()
        .filter(|m| status(m) == Some(ChangeStatus::Warn))
        .count();
    let new_count = assessment
        .findings
        .iter()
        .filter(|f| f.status == Some(FindingStatus::New))
        .count();
    let unchanged_count = assessment
        .findings
        .iter()
        .filter(|f| f.status == Some(FindingStatus::Unchanged))
        .count();
    let fixed_count = assessment.fixed.len();
    let verdict = if regressions > 0 {
        format!(
            "\u{274c} {regressions} regression{}",
            if regressions == 1 { "" } else { "s" }
        )
    } else if warnings > 0 {
        format!(
            "\u{26a0}\u{fe0f} {warnings} metric{} slightly worse",
            if warnings == 1 { "" } else { "s" }
        )
    } else {
        "\u{2705} no regressions".to_string()
    };
    let mut blocks = vec![Block::Text(format!(
        "## perfscope: {verdict} · {} new finding{} ({} unchanged, {} fixed)\n\n{}",
        new_count,
        if new_count == 1 { "" } else { "s" },
        unchanged_count,
        fixed_count,
        parts_notes(report)
    ))];
    if let Some(diff) = &assessment.bundle_diff {
        blocks.extend(bundle_diff_blocks(diff));
    }
    if !assessment.headline.is_empty() {
        let items = assessment.headline.iter().map(headline_row).collect();
        blocks.push(Block::list(
            "| | Metric | Base | Head | Δ | Δ % |\n|---|---|--:|--:|--:|--:|\n".into(),
            items,
            row_note,
            format!(
                "\n<sub>❌ worse by more than {} · ⚠️ worse by less · noise floors: {} · browser metrics regress only when the head's best run is worse than the baseline's worst.</sub>\n\n",
                crate::format::percent(baseline.threshold),
                noise_floors()
            ),
        ));
    }
    blocks.push(Block::Text(budget_line(assessment)));
    blocks.push(Block::Text(flows_line(report)));
    blocks.extend(actions_block(assessment));
    for k in &assessment.kinds {
        let new: Vec<&AssessedFinding> = assessment
            .findings
            .iter()
            .filter(|f| f.finding.kind == k.kind && f.status == Some(FindingStatus::New))
            .collect();
        if new.is_empty() {
            continue;
        }
        blocks.push(Block::list(
            format!(
                "<details><summary>\u{1f195} {}: {} new ({} unchanged, {} fixed)</summary>\n\n",
                k.kind.title(),
                new.len(),
                k.unchanged.unwrap_or(0),
                k.fixed.unwrap_or(0)
            ),
            new.iter().map(|f| finding_line(&f.finding)).collect(),
            list_note,
            "\n</details>\n\n".into(),
        ));
    }
    let quiet: Vec<String> = assessment
        .kinds
        .iter()
        .filter(|k| k.new.unwrap_or(0) == 0)
        .map(|k| {
            format!(
                "{} ({} unchanged, {} fixed)",
                k.kind.title(),
                k.unchanged.unwrap_or(0),
                k.fixed.unwrap_or(0)
            )
        })
        .collect();
    if !quiet.is_empty() {
        blocks.push(Block::Text(format!(
            "No new findings in: {}.\n\n",
            quiet.join(", ")
        )));
    }
    blocks.push(footer(report));
    blocks
}

/// The noise floors of browser metrics, as the comment states them
/// (`50 ms, 0.01 CLS`): a worsening up to them is never flagged.
fn noise_floors() -> String {
    format!(
        "{}, {} CLS",
        Unit::Ms.format(Unit::Ms.noise_floor()),
        // A score's noise floor is written as it is (0.01), not with a
        // score's three decimals.
        Unit::Score.noise_floor()
    )
}

/// One row of the headline table against the baseline: status, metric
/// (noted when the change is within the runs' spread), base, head and the
/// changes.
fn headline_row(m: &model::assessment::HeadlineMetric) -> String {
    let unit = m.metric.unit();
    let show = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| unit.format(v));
    let change = m.change.as_ref();
    let label = match change.and_then(|c| c.note.as_ref()) {
        Some(_) => format!("{} <sub>within the runs' spread</sub>", text(&m.label)),
        None => text(&m.label),
    };
    format!(
        "| {} | {} | {} | {} | {} | {} |",
        change.map_or(ChangeStatus::Ok, |c| c.status).emoji(),
        label,
        show(change.and_then(|c| c.base)),
        show(m.value),
        change
            .and_then(|c| c.abs)
            .map_or_else(|| "—".to_string(), |a| unit.format_delta(a)),
        change
            .and_then(|c| c.rel)
            .map_or_else(|| "—".to_string(), crate::format::signed_percent),
    )
}

fn signed(delta: i64) -> String {
    crate::format::signed_bytes(delta as f64)
}

fn size(v: Option<u64>) -> String {
    v.map_or_else(|| "—".to_string(), crate::format::bytes)
}

/// Up to three names as code, then how many more.
fn names(list: &[String]) -> String {
    let mut out: Vec<String> = list
        .iter()
        .take(3)
        .map(|n| code(&clip(n, MAX_PART_CHARS)))
        .collect();
    if list.len() > 3 {
        out.push(format!("{} more", list.len() - 3));
    }
    out.join(", ")
}

/// The gzip delta when both builds have gzip sizes, else the raw delta.
fn weight(c: &model::assessment::AssetChange) -> (i64, &'static str) {
    if c.gzip.base.is_some() || c.gzip.head.is_some() {
        (c.gzip.delta(), "gzip")
    } else {
        (c.raw.delta(), "raw")
    }
}

fn asset_name(c: &model::assessment::AssetChange) -> &str {
    c.head_path
        .as_deref()
        .or(c.base_path.as_deref())
        .unwrap_or(&c.key)
}

/// The build diff: the biggest change in one sentence, the asset table, the
/// entries and routes, and the packages and modules behind the change.
fn bundle_diff_blocks(diff: &model::assessment::BundleDiff) -> Vec<Block> {
    [
        diff_headline(diff),
        diff_assets(diff),
        diff_entries(diff),
        diff_lazy_chunks(diff),
        diff_movers(diff),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// "imported by" for a package (its importers), "loaded by" for a module.
fn mover_verb(kind: model::assessment::MoverKind) -> &'static str {
    if kind == model::assessment::MoverKind::Package {
        "imported by"
    } else {
        "loaded by"
    }
}

/// The headline: the biggest asset change and its biggest cause; with no
/// asset listed, a line saying nothing changed (unless small changes were
/// folded, which the assets stage tells).
fn diff_headline(diff: &model::assessment::BundleDiff) -> Option<Block> {
    let file = file_headline(diff)?;
    if diff.assets.is_empty() {
        return Some(Block::Text(file));
    }
    match entry_headline(diff) {
        Some(entry) => Some(Block::Text(format!(
            "{entry}{}",
            file.replacen("**Biggest change:**", "**Largest file change:**", 1)
        ))),
        None => Some(Block::Text(file)),
    }
}

/// What users feel: the entry whose initial load or the lazy chunk (a
/// route) whose load changed most; else the entry whose load with
/// everything it can load changed most; `None` when no load moved by the
/// fold threshold or more.
fn entry_headline(diff: &model::assessment::BundleDiff) -> Option<String> {
    let threshold = i64::try_from(diff.folded.threshold)
        .unwrap_or(i64::MAX)
        .max(1);
    let unit = |gzip: bool| if gzip { "gzip" } else { "raw" };
    // (|delta|, rank for ties: entries first, the sentence).
    let mut felt: Vec<(i64, usize, String)> = Vec::new();
    for e in &diff.entries {
        let d = e.initial.delta();
        felt.push((
            d.abs(),
            0,
            format!(
                "{} loads **{} {}** up front ({} \u{2192} {})",
                code(&clip(&e.name, MAX_PART_CHARS)),
                signed(d),
                unit(e.gzip),
                size(e.initial.base),
                size(e.initial.head)
            ),
        ));
    }
    for l in &diff.lazy_chunks {
        let d = l.load.delta();
        felt.push((
            d.abs(),
            1,
            format!(
                "{} downloads **{} {}** when it loads ({} \u{2192} {})",
                lazy_chunk_name(l),
                signed(d),
                unit(l.gzip),
                size(l.load.base),
                size(l.load.head)
            ),
        ));
    }
    let best = felt
        .into_iter()
        .filter(|f| f.0 >= threshold)
        .min_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let sentence = match best {
        Some((_, _, s)) => s,
        None => {
            let e = diff
                .entries
                .iter()
                .filter(|e| e.total.delta().abs() >= threshold)
                .max_by(|a, b| {
                    (a.total.delta().abs())
                        .cmp(&b.total.delta().abs())
                        .then_with(|| b.name.cmp(&a.name))
                })?;
            format!(
                "{} loads **{} {}** with everything it can load ({} \u{2192} {})",
                code(&clip(&e.name, MAX_PART_CHARS)),
                signed(e.total.delta()),
                unit(e.gzip),
                size(e.total.base),
                size(e.total.head)
            )
        }
    };
    Some(format!("**Biggest change:** {sentence}.\n\n"))
}

/// A lazy chunk as a reader knows it: the module it is built from and
/// what imports it (`` `src/routes/landing.jsx` (lazy chunk, imported by `src/App.jsx`) ``).
fn lazy_chunk_name(l: &model::assessment::LazyChunkChange) -> String {
    let mut out = format!("{} (lazy chunk", code(&clip(&l.name, MAX_PART_CHARS)));
    if !l.imported_by.is_empty() {
        out.push_str(&format!(", imported by {}", names(&l.imported_by)));
    }
    out.push(')');
    out
}

/// The moves that explain an asset's change: what left it (baseline path in
/// `from`) or arrived in it (head path in `to`), with the other side.
fn moves_of<'a>(
    diff: &'a model::assessment::BundleDiff,
    c: &model::assessment::AssetChange,
) -> Vec<(&'a model::assessment::Move, bool)> {
    diff.moves
        .iter()
        .filter_map(|m| {
            let out = c.base_path.as_ref().is_some_and(|p| m.from.contains(p));
            let into = c.head_path.as_ref().is_some_and(|p| m.to.contains(p));
            (out || into).then_some((m, out))
        })
        .collect()
}

/// "`lodash` moved to `assets/lodash-….js` (26.2 KB gzip)" (or "from …").
fn move_phrase(m: &model::assessment::Move, out: bool) -> String {
    format!(
        "{} moved {} {} ({})",
        code(&clip(&m.name, MAX_PART_CHARS)),
        if out { "to" } else { "from" },
        names(if out { &m.to } else { &m.from }),
        move_amount(m)
    )
}

/// The moved bytes: gzip when known, else minified.
fn move_amount(m: &model::assessment::Move) -> String {
    match m.gzip {
        Some(g) => format!("{} gzip", crate::format::bytes(g)),
        None => format!("{} minified", crate::format::bytes(m.bytes)),
    }
}

/// The biggest asset change and its biggest cause, as a headline line.
fn file_headline(diff: &model::assessment::BundleDiff) -> Option<String> {
    let Some(top) = diff.assets.first() else {
        return (diff.folded.count == 0).then(|| {
            format!(
                "**Build:** no asset changed ({} unchanged).\n\n",
                diff.unchanged
            )
        });
    };
    let (delta, unit) = weight(top);
    let mut line = format!(
        "**Biggest change:** {} {} **{} {unit}**",
        code(&clip(asset_name(top), MAX_PART_CHARS)),
        top.status.as_str(),
        signed(delta)
    );
    if top.initial {
        line.push_str(" (loads up front)");
    }
    if !top.loaded_by.is_empty() {
        line.push_str(&format!(", loaded by {}", names(&top.loaded_by)));
    }
    if let Some((m, out)) = moves_of(diff, top).first() {
        line.push_str(&format!(" \u{2014} {}.\n\n", move_phrase(m, *out)));
        return Some(line);
    }
    let cause = diff.movers.iter().find(|m| {
        top.head_path
            .as_ref()
            .or(top.base_path.as_ref())
            .is_some_and(|p| m.assets.contains(p))
    });
    if let Some(m) = cause {
        let amount = if gzip_known(m) {
            format!("{} gzip", signed(m.gzip.delta()))
        } else {
            format!("{} minified", signed(m.bytes.delta()))
        };
        line.push_str(&format!(
            " \u{2014} mostly {} {amount}{}",
            code(&clip(&m.name, MAX_PART_CHARS)),
            if m.bytes.base.is_none() { " (new)" } else { "" }
        ));
        if !m.loaded_by.is_empty() {
            line.push_str(&format!(", {} {}", mover_verb(m.kind), names(&m.loaded_by)));
        }
    }
    line.push_str(".\n\n");
    Some(line)
}

/// The asset table (in `<details>` past 10 rows) with the folded small
/// changes and the unchanged count; with no asset listed but small changes
/// folded, one line about those.
fn diff_assets(diff: &model::assessment::BundleDiff) -> Option<Block> {
    use model::assessment::AssetStatus;
    if diff.assets.is_empty() {
        return (diff.folded.count > 0).then(|| {
            Block::Text(format!(
                "**Build:** {} small change{} (under {} each): {} gzip in total; {} unchanged.\n\n",
                diff.folded.count,
                if diff.folded.count == 1 { "" } else { "s" },
                crate::format::bytes(diff.folded.threshold),
                signed(diff.folded.gzip),
                diff.unchanged
            ))
        });
    }
    let count = |s: AssetStatus| diff.assets.iter().filter(|a| a.status == s).count();
    let summary = format!(
        "Assets: {} changed, {} added, {} removed",
        count(AssetStatus::Changed),
        count(AssetStatus::Added),
        count(AssetStatus::Removed)
    );
    let header = "| | Asset | Base | Head | \u{0394} gzip | \u{0394} raw | Loaded by |\n|---|---|--:|--:|--:|--:|---|\n";
    let head = if diff.assets.len() > 10 {
        format!("<details><summary>{summary}</summary>\n\n{header}")
    } else {
        format!("### {summary}\n\n{header}")
    };
    let mut tail = String::new();
    if diff.folded.count > 0 {
        tail.push_str(&format!(
            "\n{} smaller change{} (under {} each): {} gzip, {} raw in total.\n",
            diff.folded.count,
            if diff.folded.count == 1 { "" } else { "s" },
            crate::format::bytes(diff.folded.threshold),
            signed(diff.folded.gzip),
            signed(diff.folded.raw)
        ));
    }
    tail.push_str(&format!("\n{} unchanged.\n", diff.unchanged));
    if diff.assets.len() > 10 {
        tail.push_str("\n</details>\n");
    }
    tail.push('\n');
    let items = diff.assets.iter().map(|c| asset_row(diff, c)).collect();
    Some(Block::list(head, items, diff_row_note, tail))
}

/// One row of the asset table: gzip sizes when either build has them, else
/// raw; a change that packages or modules moving in or out explain is
/// marked as a move and says what moved where.
fn asset_row(diff: &model::assessment::BundleDiff, c: &model::assessment::AssetChange) -> String {
    use model::assessment::AssetStatus;
    let (base, head) = if c.gzip.base.is_some() || c.gzip.head.is_some() {
        (c.gzip.base, c.gzip.head)
    } else {
        (c.raw.base, c.raw.head)
    };
    let moves = moves_of(diff, c);
    let moved: u64 = moves
        .iter()
        .map(|(m, _)| {
            if weight(c).1 == "gzip" {
                m.gzip.unwrap_or(m.bytes)
            } else {
                m.bytes
            }
        })
        .sum();
    let mark = match c.status {
        _ if moved > 0 && moved * 2 >= weight(c).0.unsigned_abs() => "\u{1f500}",
        AssetStatus::Added => "\u{1f195}",
        AssetStatus::Removed => "\u{2796}",
        AssetStatus::Changed if weight(c).0 > 0 => "\u{1f53a}",
        AssetStatus::Changed => "\u{1f53d}",
    };
    let why: String = moves
        .iter()
        .map(|(m, out)| format!(", {}", move_phrase(m, *out)))
        .collect();
    format!(
        "| {mark} | {}{}{} | {} | {} | {} | {} | {} |",
        code_cell(&clip(asset_name(c), MAX_PART_CHARS)),
        if c.initial { " (initial)" } else { "" },
        why.replace('|', "\\|"),
        size(base),
        size(head),
        if c.gzip.base.is_some() || c.gzip.head.is_some() {
            signed(c.gzip.delta())
        } else {
            "—".to_string()
        },
        signed(c.raw.delta()),
        names(&c.loaded_by).replace('|', "\\|")
    )
}

/// The lazy chunks (route chunks) whose load changed: what each downloads
/// when it loads, with how many others did not change.
fn diff_lazy_chunks(diff: &model::assessment::BundleDiff) -> Option<Block> {
    let changed: Vec<&model::assessment::LazyChunkChange> = diff
        .lazy_chunks
        .iter()
        .filter(|l| l.load.delta() != 0)
        .collect();
    if changed.is_empty() {
        return None;
    }
    let unit = if changed.iter().all(|l| l.gzip) {
        "gzip"
    } else {
        "raw"
    };
    let items = changed
        .iter()
        .map(|l| {
            format!(
                "| {} | {} | {} | {} | {} |",
                code_cell(&clip(&l.name, MAX_PART_CHARS)),
                names(&l.imported_by).replace('|', "\\|"),
                size(l.load.base),
                size(l.load.head),
                signed(l.load.delta()),
            )
        })
        .collect();
    Some(Block::list(
        format!(
            "### Lazy chunks: what each downloads when it loads ({unit})\n\n| Chunk | Imported by | Base | Head | \u{0394} |\n|---|---|--:|--:|--:|\n"
        ),
        items,
        |left| format!("| … and {left} more rows not shown (comment size limit) | | | | |"),
        match diff.lazy_chunks.len() - changed.len() {
            0 => "\n".to_string(),
            1 => "\n1 other lazy chunk unchanged.\n\n".to_string(),
            n => format!("\n{n} other lazy chunks unchanged.\n\n"),
        },
    ))
}

/// The entries and routes whose initial or total size changed, with how
/// many others did not.
fn diff_entries(diff: &model::assessment::BundleDiff) -> Option<Block> {
    let changed: Vec<&model::assessment::EntryChange> = diff
        .entries
        .iter()
        .filter(|e| e.initial.delta() != 0 || e.total.delta() != 0)
        .collect();
    if changed.is_empty() {
        return None;
    }
    let unit = if changed.iter().all(|e| e.gzip) {
        "gzip"
    } else {
        "raw"
    };
    let items = changed
        .iter()
        .map(|e| {
            format!(
                "| {} | {} | {} | {} | {} | {} | {} |",
                code_cell(&clip(&e.name, MAX_PART_CHARS)),
                size(e.initial.base),
                size(e.initial.head),
                signed(e.initial.delta()),
                size(e.total.base),
                size(e.total.head),
                signed(e.total.delta()),
            )
        })
        .collect();
    Some(Block::list(
        format!(
            "### Entries and routes ({unit})\n\n| Entry | Initial base | Initial head | \u{0394} | With everything it can load, base | head | \u{0394} |\n|---|--:|--:|--:|--:|--:|--:|\n"
        ),
        items,
        diff_row_note,
        match diff.entries.len() - changed.len() {
            0 => "\n".to_string(),
            1 => "\n1 other entry unchanged.\n\n".to_string(),
            n => format!("\n{n} other entries unchanged.\n\n"),
        },
    ))
}

/// The packages and modules behind the change, one line each: what moved
/// between chunks first, then what the build ships more or less of.
fn diff_movers(diff: &model::assessment::BundleDiff) -> Option<Block> {
    if diff.movers.is_empty() && diff.moves.is_empty() {
        return None;
    }
    let moves = diff.moves.iter().map(|m| {
        format!(
            "- {} **moved** from {} to {} ({} minified, {})",
            code(&clip(&m.name, MAX_PART_CHARS)),
            names(&m.from),
            names(&m.to),
            crate::format::bytes(m.bytes),
            match m.gzip {
                Some(g) => format!("{} gzip", crate::format::bytes(g)),
                None => "gzip not computed".to_string(),
            }
        )
    });
    Some(Block::list(
        "### Why: what the build ships more or less of (minified bytes, from source maps)\n\n"
            .into(),
        moves.chain(diff.movers.iter().map(mover_line)).collect(),
        list_note,
        "\n".into(),
    ))
}

/// One mover: its minified delta, its gzip delta when known, whether it is
/// new, gone or changed version, the assets it is in and what loads it.
fn mover_line(m: &model::assessment::Mover) -> String {
    let what = match (m.bytes.base, m.bytes.head) {
        (None, _) => " (new)".to_string(),
        (_, None) => " (gone)".to_string(),
        _ => match &m.base_version {
            Some(v) => format!(" (was {})", text(&clip(v, MAX_PART_CHARS))),
            None => String::new(),
        },
    };
    let gzip = if gzip_known(m) {
        format!(" ({} gzip)", signed(m.gzip.delta()))
    } else {
        String::new()
    };
    let mut line = format!(
        "- {} **{}**{gzip}{what} in {}",
        code(&clip(&m.name, MAX_PART_CHARS)),
        signed(m.bytes.delta()),
        names(&m.assets)
    );
    if !m.loaded_by.is_empty() {
        line.push_str(&format!("; {} {}", mover_verb(m.kind), names(&m.loaded_by)));
    }
    line
}

/// Whether a mover's gzip shares were computed (the builds had gzip sizes).
fn gzip_known(m: &model::assessment::Mover) -> bool {
    m.gzip.base.unwrap_or(0) > 0 || m.gzip.head.unwrap_or(0) > 0
}

fn diff_row_note(left: usize) -> String {
    format!("| | … and {left} more rows not shown (comment size limit) | | | | | |")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_survive_backticks_and_pipes() {
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code_cell("a|b"), "`a\\|b`");
    }

    #[test]
    fn text_loses_markup() {
        assert_eq!(
            text("<img src=x onerror=alert(1)>"),
            "&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(text("*a*_b_"), "\\*a\\*\\_b\\_");
        assert_eq!(text("ping @admin"), "ping @\u{200d}admin");
        assert_eq!(
            text("node_modules/@admin/x"),
            "node\\_modules/@\u{200d}admin/x"
        );
        assert_eq!(text("react@18.3.1"), "react@18.3.1");
    }

    use model::assessment::{
        AssetChange, AssetStatus, BundleDiff, EntryChange, FoldedChanges, Mover, MoverKind,
        SizePair,
    };

    fn pair(base: Option<u64>, head: Option<u64>) -> SizePair {
        SizePair { base, head }
    }

    fn asset(path: &str, status: AssetStatus, raw: SizePair, gzip: SizePair) -> AssetChange {
        AssetChange {
            key: path.to_string(),
            base_path: (status != AssetStatus::Added).then(|| path.to_string()),
            head_path: (status != AssetStatus::Removed).then(|| path.to_string()),
            status,
            initial: false,
            raw,
            gzip,
            brotli: SizePair::default(),
            loaded_by: Vec::new(),
        }
    }

    fn mover(name: &str, kind: MoverKind, bytes: SizePair, gzip: SizePair) -> Mover {
        Mover {
            name: name.to_string(),
            kind,
            bytes,
            gzip,
            base_version: None,
            assets: vec!["assets/Orders.js".to_string()],
            loaded_by: vec!["src/pages/Orders.tsx".to_string()],
        }
    }

    /// A new route chunk that brings lodash, two smaller changes folded,
    /// one entry grown and one unchanged.
    fn lodash_diff() -> BundleDiff {
        let mut orders = asset(
            "assets/Orders.js",
            AssetStatus::Added,
            pair(None, Some(72_300)),
            pair(None, Some(26_500)),
        );
        orders.loaded_by = vec!["index.html".to_string()];
        let shrunk = asset(
            "assets/index.js",
            AssetStatus::Changed,
            pair(Some(180_000), Some(179_000)),
            pair(Some(57_000), Some(56_700)),
        );
        BundleDiff {
            assets: vec![orders, shrunk],
            folded: FoldedChanges {
                count: 2,
                raw: 267,
                gzip: 83,
                threshold: 100,
            },
            unchanged: 3,
            entries: vec![
                EntryChange {
                    name: "index.html".to_string(),
                    initial: pair(Some(57_300), Some(57_393)),
                    total: pair(Some(57_900), Some(84_500)),
                    gzip: true,
                },
                EntryChange {
                    name: "admin.html".to_string(),
                    initial: pair(Some(10_000), Some(10_000)),
                    total: pair(Some(12_000), Some(12_000)),
                    gzip: true,
                },
            ],
            movers: vec![
                mover(
                    "lodash@4.17.21",
                    MoverKind::Package,
                    pair(None, Some(71_600)),
                    pair(None, Some(26_300)),
                ),
                mover(
                    "src/pages/Orders.tsx",
                    MoverKind::Module,
                    pair(Some(600), Some(553)),
                    SizePair::default(),
                ),
            ],
            lazy_chunks: vec![],
            moves: vec![],
        }
    }

    /// lodash left the mock-data chunk for a chunk of its own, and the
    /// landing route (a lazy chunk) now downloads it: the headline is the
    /// route's load, the file lines and the why say "moved".
    fn moved_diff() -> BundleDiff {
        let mut db = asset(
            "assets/db-B.js",
            AssetStatus::Changed,
            pair(Some(72_566), Some(695)),
            pair(Some(26_724), Some(520)),
        );
        db.base_path = Some("assets/db-A.js".to_string());
        let lodash = asset(
            "assets/lodash-C.js",
            AssetStatus::Added,
            pair(None, Some(71_947)),
            pair(None, Some(26_335)),
        );
        let mut d = lodash_diff();
        d.assets = vec![lodash, db];
        d.movers.clear();
        d.entries[0].initial = pair(Some(47_002), Some(47_035));
        d.lazy_chunks = vec![model::assessment::LazyChunkChange {
            name: "src/routes/landing.jsx".to_string(),
            base_path: Some("assets/landing-A.js".to_string()),
            head_path: Some("assets/landing-B.js".to_string()),
            imported_by: vec!["src/App.jsx".to_string()],
            load: pair(Some(412), Some(26_781)),
            gzip: true,
        }];
        d.moves = vec![model::assessment::Move {
            name: "lodash".to_string(),
            kind: MoverKind::Package,
            bytes: 71_587,
            gzip: Some(26_205),
            from: vec!["assets/db-A.js".to_string()],
            to: vec!["assets/lodash-C.js".to_string()],
        }];
        d
    }

    #[test]
    fn a_move_is_told_as_a_move_and_the_route_load_leads() {
        let d = moved_diff();
        let head = rendered(diff_headline(&d));
        assert!(
            head.starts_with(
                "**Biggest change:** `src/routes/landing.jsx` (lazy chunk, imported by `src/App.jsx`) downloads **+26.4 KB gzip** when it loads (412 B \u{2192} 26.8 KB).\n\n**Largest file change:** `assets/lodash-C.js` added **+26.3 KB gzip**"
            ),
            "{head}"
        );
        assert!(
            head.ends_with("\u{2014} `lodash` moved from `assets/db-A.js` (26.2 KB gzip).\n\n"),
            "{head}"
        );
        let table = rendered(diff_assets(&d));
        assert!(
            table.contains("| \u{1f500} | `assets/db-B.js`, `lodash` moved to `assets/lodash-C.js` (26.2 KB gzip) | 26.7 KB | 520 B | −26.2 KB |"),
            "{table}"
        );
        assert!(
            !table.contains('\u{1f53d}') && !table.contains('\u{1f195}'),
            "{table}"
        );
        assert_eq!(
            rendered(diff_movers(&d)),
            "### Why: what the build ships more or less of (minified bytes, from source maps)\n\n- `lodash` **moved** from `assets/db-A.js` to `assets/lodash-C.js` (71.6 KB minified, 26.2 KB gzip)\n\n"
        );
        assert_eq!(
            rendered(diff_lazy_chunks(&d)),
            "### Lazy chunks: what each downloads when it loads (gzip)\n\n| Chunk | Imported by | Base | Head | \u{0394} |\n|---|---|--:|--:|--:|\n| `src/routes/landing.jsx` | `src/App.jsx` | 412 B | 26.8 KB | +26.4 KB |\n\n"
        );
        // An entry's initial load that moves more than any route leads instead.
        let mut e = moved_diff();
        e.entries[0].initial = pair(Some(47_002), Some(80_000));
        assert!(
            rendered(diff_headline(&e))
                .starts_with("**Biggest change:** `index.html` loads **+33 KB gzip** up front"),
        );
    }

    fn rendered(blocks: impl IntoIterator<Item = Block>) -> String {
        blocks.into_iter().map(|b| b.render()).collect()
    }

    #[test]
    fn diff_headline_names_the_biggest_change_and_its_cause() {
        // What users feel first (the entry's load), then the file.
        let d = lodash_diff();
        assert_eq!(
            rendered(diff_headline(&d)),
            "**Biggest change:** `index.html` loads **+26.6 KB gzip** with everything it can load (57.9 KB \u{2192} 84.5 KB).\n\n\
             **Largest file change:** `assets/Orders.js` added **+26.5 KB gzip**, loaded by `index.html` \u{2014} mostly `lodash@4.17.21` +26.3 KB gzip (new), imported by `src/pages/Orders.tsx`.\n\n"
        );
        // An entry's initial load moved: that is what users feel first.
        let mut d = lodash_diff();
        d.entries[0].initial = SizePair {
            base: Some(57_300),
            head: Some(83_700),
        };
        assert!(
            rendered(diff_headline(&d)).starts_with(
                "**Biggest change:** `index.html` loads **+26.4 KB gzip** up front (57.3 KB \u{2192} 83.7 KB).\n\n**Largest file change:**"
            ),
            "{}",
            rendered(diff_headline(&d))
        );
        // Raw sizes only, up front, the cause a module without gzip shares.
        let mut d = lodash_diff();
        d.assets[0].gzip = SizePair::default();
        d.assets[0].initial = true;
        d.assets[0].loaded_by.clear();
        d.movers.remove(0);
        d.entries.clear();
        assert_eq!(
            rendered(diff_headline(&d)),
            "**Biggest change:** `assets/Orders.js` added **+72.3 KB raw** (loads up front) \u{2014} mostly `src/pages/Orders.tsx` \u{2212}47 B minified, loaded by `src/pages/Orders.tsx`.\n\n"
        );
    }

    #[test]
    fn diff_headline_without_assets() {
        let mut d = lodash_diff();
        d.assets.clear();
        // Small changes folded: the assets stage tells them.
        assert!(diff_headline(&d).is_none());
        d.folded.count = 0;
        assert_eq!(
            rendered(diff_headline(&d)),
            "**Build:** no asset changed (3 unchanged).\n\n"
        );
    }

    #[test]
    fn diff_assets_table_with_folded_and_unchanged() {
        let d = lodash_diff();
        assert_eq!(
            rendered(diff_assets(&d)),
            "### Assets: 1 changed, 1 added, 0 removed\n\n\
             | | Asset | Base | Head | \u{0394} gzip | \u{0394} raw | Loaded by |\n\
             |---|---|--:|--:|--:|--:|---|\n\
             | \u{1f195} | `assets/Orders.js` | — | 26.5 KB | +26.5 KB | +72.3 KB | `index.html` |\n\
             | \u{1f53d} | `assets/index.js` | 57 KB | 56.7 KB | \u{2212}300 B | \u{2212}1 KB |  |\n\
             \n2 smaller changes (under 100 B each): +83 B gzip, +267 B raw in total.\n\
             \n3 unchanged.\n\n"
        );
    }

    #[test]
    fn diff_assets_past_ten_rows_fold_into_details() {
        let mut d = lodash_diff();
        d.folded.count = 0;
        d.assets = (0..11)
            .map(|i| {
                asset(
                    &format!("assets/{i}.js"),
                    AssetStatus::Removed,
                    pair(Some(1_000), None),
                    SizePair::default(),
                )
            })
            .collect();
        let out = rendered(diff_assets(&d));
        assert!(out.starts_with(
            "<details><summary>Assets: 0 changed, 0 added, 11 removed</summary>\n\n| | Asset |"
        ));
        assert!(out.ends_with("\n3 unchanged.\n\n</details>\n\n"));
        assert!(!out.contains("smaller change"));
    }

    #[test]
    fn diff_assets_with_only_folded_changes() {
        let mut d = lodash_diff();
        d.assets.clear();
        d.folded.count = 1;
        assert_eq!(
            rendered(diff_assets(&d)),
            "**Build:** 1 small change (under 100 B each): +83 B gzip in total; 3 unchanged.\n\n"
        );
        d.folded.count = 0;
        assert!(diff_assets(&d).is_none());
    }

    #[test]
    fn asset_row_marks_and_raw_fallback() {
        let mut grown = asset(
            "a|b.js",
            AssetStatus::Changed,
            pair(Some(1_000), Some(3_000)),
            SizePair::default(),
        );
        grown.initial = true;
        grown.loaded_by = vec!["x|y.html".to_string()];
        assert_eq!(
            asset_row(&lodash_diff(), &grown),
            "| \u{1f53a} | `a\\|b.js` (initial) | 1 KB | 3 KB | — | +2 KB | `x\\|y.html` |"
        );
        let removed = asset(
            "old.js",
            AssetStatus::Removed,
            pair(Some(2_000), None),
            pair(Some(700), None),
        );
        assert_eq!(
            asset_row(&lodash_diff(), &removed),
            "| \u{2796} | `old.js` | 700 B | — | \u{2212}700 B | \u{2212}2 KB |  |"
        );
    }

    #[test]
    fn diff_entries_lists_the_changed_ones() {
        let d = lodash_diff();
        assert_eq!(
            rendered(diff_entries(&d)),
            "### Entries and routes (gzip)\n\n\
             | Entry | Initial base | Initial head | \u{0394} | With everything it can load, base | head | \u{0394} |\n\
             |---|--:|--:|--:|--:|--:|--:|\n\
             | `index.html` | 57.3 KB | 57.4 KB | +93 B | 57.9 KB | 84.5 KB | +26.6 KB |\n\
             \n1 other entry unchanged.\n\n"
        );
        // One raw entry makes the table raw; none unchanged ends with a blank line.
        let mut d = lodash_diff();
        d.entries.truncate(1);
        d.entries[0].gzip = false;
        let out = rendered(diff_entries(&d));
        assert!(out.starts_with("### Entries and routes (raw)\n\n"));
        assert!(out.ends_with("+26.6 KB |\n\n"));
        // Nothing changed: no table.
        d.entries[0].initial = pair(Some(1), Some(1));
        d.entries[0].total = pair(Some(2), Some(2));
        assert!(diff_entries(&d).is_none());
    }

    #[test]
    fn diff_movers_lines() {
        let d = lodash_diff();
        assert_eq!(
            rendered(diff_movers(&d)),
            "### Why: what the build ships more or less of (minified bytes, from source maps)\n\n\
             - `lodash@4.17.21` **+71.6 KB** (+26.3 KB gzip) (new) in `assets/Orders.js`; imported by `src/pages/Orders.tsx`\n\
             - `src/pages/Orders.tsx` **\u{2212}47 B** in `assets/Orders.js`; loaded by `src/pages/Orders.tsx`\n\n"
        );
        let mut gone = mover(
            "left-pad",
            MoverKind::Package,
            pair(Some(500), None),
            SizePair::default(),
        );
        gone.loaded_by.clear();
        assert_eq!(
            mover_line(&gone),
            "- `left-pad` **\u{2212}500 B** (gone) in `assets/Orders.js`"
        );
        let mut upgraded = mover(
            "react@19.0.0",
            MoverKind::Package,
            pair(Some(1_000), Some(1_200)),
            SizePair::default(),
        );
        upgraded.base_version = Some("18.*_x".to_string());
        upgraded.assets = (1..=5).map(|i| format!("{i}.js")).collect();
        assert_eq!(
            mover_line(&upgraded),
            "- `react@19.0.0` **+200 B** (was 18.\\*\\_x) in `1.js`, `2.js`, `3.js`, 2 more; imported by `src/pages/Orders.tsx`"
        );
        let mut none = lodash_diff();
        none.movers.clear();
        assert!(diff_movers(&none).is_none());
    }

    #[test]
    fn bundle_diff_blocks_is_the_stages_in_order() {
        let d = moved_diff();
        let stages = [
            rendered(diff_headline(&d)),
            rendered(diff_assets(&d)),
            rendered(diff_entries(&d)),
            rendered(diff_lazy_chunks(&d)),
            rendered(diff_movers(&d)),
        ]
        .concat();
        assert_eq!(rendered(bundle_diff_blocks(&d)), stages);
        assert_eq!(bundle_diff_blocks(&d).len(), 5);
    }

    #[test]
    fn noise_floors_come_from_the_units() {
        assert_eq!(noise_floors(), "50 ms, 0.01 CLS");
    }

    #[test]
    fn headline_row_with_and_without_a_change() {
        use model::MetricId;
        use model::assessment::{Change, HeadlineMetric};
        let mut m = HeadlineMetric {
            key: "all-js".to_string(),
            label: "All JS (gzip)".to_string(),
            metric: MetricId::Gzip,
            value: Some(84_000.0),
            samples: Vec::new(),
            change: Some(Change {
                base: Some(57_400.0),
                abs: Some(26_600.0),
                rel: Some(0.464),
                status: ChangeStatus::Regression,
                note: None,
            }),
        };
        assert_eq!(
            headline_row(&m),
            "| \u{274c} | All JS (gzip) | 57.4 KB | 84 KB | +26.6 KB | +46.4% |"
        );
        if let Some(c) = m.change.as_mut() {
            c.note = Some("within spread".to_string());
        }
        assert!(headline_row(&m).contains("All JS (gzip) <sub>within the runs' spread</sub>"));
        m.change = None;
        m.value = None;
        m.label = "*LCP*".to_string();
        assert_eq!(headline_row(&m), "| \u{2705} | \\*LCP\\* | — | — | — | — |");
    }

    #[test]
    fn busy_workers_and_iframes_with_errors_are_told() {
        use model::vitals::{ChildTarget, ConsoleError, CpuSamples, RunMetrics, VitalsReport};
        let worker = ChildTarget {
            kind: "worker".into(),
            url: "http://127.0.0.1:9/embeds/search-worker.js".into(),
            cpu: Some(CpuSamples {
                busy_ms: 352.3,
                program_ms: 14.0,
                ..Default::default()
            }),
            ..Default::default()
        };
        let quiet = ChildTarget {
            kind: "worker".into(),
            url: "http://127.0.0.1:9/embeds/suggest-worker.js".into(),
            cpu: Some(CpuSamples {
                busy_ms: 12.0,
                ..Default::default()
            }),
            ..Default::default()
        };
        let pay = ChildTarget {
            kind: "iframe".into(),
            url: "http://localhost:9/embeds/pay/`frame`.html".into(),
            console_errors: vec![ConsoleError {
                source: "exception".into(),
                message: "TypeError".into(),
                url: None,
            }],
            scripts: vec![model::vitals::ScriptUsage {
                total_bytes: 1916,
                unused_bytes: 953,
                ..Default::default()
            }],
            ..Default::default()
        };
        let report =
            crate::json::parse_document(include_str!("../../fixtures/reports/vitals.json"))
                .unwrap();
        let mut v: VitalsReport = report.vitals.document().unwrap().clone();
        assert_eq!(children_line(&v), "", "the recorded page starts no child");
        let median = v.median_index.unwrap();
        let run: &mut RunMetrics = v.runs.iter_mut().find(|r| r.index == median).unwrap();
        run.children = vec![pay, quiet, worker];
        let line = children_line(&v);
        assert!(line.starts_with("**Workers and iframes** (their own threads, not in the page's numbers): `/embeds/search-worker.js` (worker) script time 338 ms; "), "{line}");
        // The quiet worker is left out; the iframe's backticks cannot break out.
        assert!(!line.contains("suggest-worker"), "{line}");
        assert!(
            line.contains("(iframe), 953 B of 1.92 KB JS unused, 1 console error(s)"),
            "{line}"
        );
        assert!(
            line.contains("``/embeds/pay/`frame`.html`` (iframe)"),
            "{line}"
        );
        // Unthrottled: nothing to say about the workers' speed.
        assert!(!line.contains("machine's speed"), "{line}");
        // Slowed 4×: the profiled worker ran at the machine's speed.
        v.profile.cpu_slowdown = 4.0;
        let line = children_line(&v);
        assert!(
            line.trim_end().ends_with("(the workers' script times are at this machine's speed: Chromium slowed the page and its iframes 4×, but its CPU slowdown is for pages only)"),
            "{line}"
        );
    }
}
