//! The vitals section's "CPU time at load": the median run's main-thread
//! time by package and module (the sampling CPU profile through the source
//! maps), its boot-up time per script (Lighthouse's `bootup-time`), the
//! long tasks with what ran in them, and the functions with the most self
//! time.

use model::vitals::{BootupScript, CpuFunction, CpuReport, CpuTime, LongTaskCpu};

use crate::format;

/// Packages and modules the table lists at most.
const MAX_SOURCES: usize = 15;
/// Scripts of the boot-up table, long tasks and functions listed at most.
const MAX_ROWS: usize = 10;

/// One package or module of the CPU table.
pub struct SourceRow {
    pub name: String,
    /// `package` or `module`.
    pub kind: &'static str,
    pub self_ms: String,
    pub self_v: String,
    pub total_ms: String,
    pub total_v: String,
    /// Its total time against the busy time of the profile, 0 to 100 (the
    /// bar's width).
    pub bar: u32,
    /// The same as text: `70%`.
    pub share: String,
}

/// One URL of Lighthouse's boot-up time.
pub struct BootupRow {
    pub url: String,
    pub total: String,
    pub total_v: String,
    pub scripting: String,
    pub scripting_v: String,
    pub parse_compile: String,
    pub parse_compile_v: String,
}

/// One function of the profile.
pub struct FunctionRow {
    pub name: String,
    /// Its module (through the map) or its script's URL, with its position.
    pub place: String,
    pub self_ms: String,
    pub total_ms: String,
}

/// The section.
pub struct CpuView {
    /// `run 2`, the run measured.
    pub run: String,
    /// `main-thread work 385 ms · boot-up time 266 ms (…)`.
    pub totals: String,
    /// What the profile adds up to, one line; empty without a profile.
    pub profile: String,
    /// Whether a profile was gathered (the table's source).
    pub profiled: bool,
    pub sources: Vec<SourceRow>,
    pub bootup: Vec<BootupRow>,
    /// Each long task with its top packages and modules, one line each.
    pub long_tasks: Vec<String>,
    pub functions: Vec<FunctionRow>,
}

fn source_row(t: &CpuTime, package: bool, busy_ms: f64) -> SourceRow {
    let share = if busy_ms > 0.0 {
        (t.total_ms / busy_ms).clamp(0.0, 1.0)
    } else {
        0.0
    };
    SourceRow {
        name: t.name.clone(),
        kind: if package { "package" } else { "module" },
        self_ms: format::ms(t.self_ms),
        self_v: super::vitals::num(t.self_ms),
        total_ms: format::ms(t.total_ms),
        total_v: super::vitals::num(t.total_ms),
        bar: (share * 100.0).round() as u32,
        share: format!("{:.0}%", share * 100.0),
    }
}

fn bootup_row(b: &BootupScript) -> BootupRow {
    BootupRow {
        url: b.url.clone(),
        total: format::ms(b.total_ms),
        total_v: super::vitals::num(b.total_ms),
        scripting: format::ms(b.scripting_ms),
        scripting_v: super::vitals::num(b.scripting_ms),
        parse_compile: format::ms(b.parse_compile_ms),
        parse_compile_v: super::vitals::num(b.parse_compile_ms),
    }
}

/// "at 87 ms, 281 ms: decimal.js 253 ms · src/checksum.js 253 ms".
fn long_task_line(t: &LongTaskCpu) -> String {
    let sources: Vec<String> = t
        .sources
        .iter()
        .map(|s| format!("{} {}", s.name, format::ms(s.total_ms)))
        .collect();
    format!(
        "at {}, {} long{}{}",
        format::ms(t.start_ms),
        format::ms(t.duration_ms),
        if sources.is_empty() { "" } else { ": " },
        sources.join(" · ")
    )
}

fn function_row(f: &CpuFunction) -> FunctionRow {
    let place = match &f.module {
        Some(module) => format!("{module} ({}:{}:{})", f.url, f.line, f.column),
        None => format!("{}:{}:{}", f.url, f.line, f.column),
    };
    FunctionRow {
        name: f.name.clone(),
        place,
        self_ms: format::ms(f.self_ms),
        total_ms: format::ms(f.total_ms),
    }
}

fn totals(c: &CpuReport) -> String {
    let mut parts = Vec::new();
    if let Some(ms) = c.main_thread_ms {
        parts.push(format!("Main-thread work {}", format::ms(ms)));
    }
    if let Some(ms) = c.bootup_ms {
        parts.push(format!(
            "boot-up time {} (scripting and parse/compile of the scripts below)",
            format::ms(ms)
        ));
    }
    parts.join(" · ")
}

/// The section of a CPU report.
pub fn build(c: &CpuReport) -> CpuView {
    let busy = c.profile.as_ref().map_or(0.0, |p| p.busy_ms);
    CpuView {
        run: format!("run {}", c.run + 1),
        totals: totals(c),
        profile: c
            .profile
            .as_ref()
            .map(|p| {
                format!(
                    "The profile ({} µs sampling, {}) was busy {}; {} of it in no script (the browser's own work, garbage collection {}).",
                    p.interval_us,
                    format::ms(p.profile_ms),
                    format::ms(p.busy_ms),
                    format::ms(p.program_ms),
                    format::ms(p.gc_ms)
                )
            })
            .unwrap_or_default(),
        profiled: c.profile.is_some(),
        sources: c
            .profile
            .as_ref()
            .map(|p| {
                p.top_sources(MAX_SOURCES)
                    .into_iter()
                    .map(|t| {
                        let package = p.packages.iter().any(|q| std::ptr::eq(q, t));
                        source_row(t, package, busy)
                    })
                    .collect()
            })
            .unwrap_or_default(),
        bootup: c.bootup.iter().take(MAX_ROWS).map(bootup_row).collect(),
        long_tasks: c.long_tasks.iter().take(MAX_ROWS).map(long_task_line).collect(),
        functions: c
            .profile
            .as_ref()
            .map(|p| {
                p.functions
                    .iter()
                    .take(MAX_ROWS)
                    .map(function_row)
                    .collect()
            })
            .unwrap_or_default(),
    }
}
