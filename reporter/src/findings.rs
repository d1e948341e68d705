//! Every finding of a report as one flat, keyed list: what a diff compares
//! (a finding is "new" when its key is not in the baseline) and what the
//! Markdown lists.

use model::report::Report;
use serde::Serialize;

use crate::format;

/// The kind of a finding. [`FindingKind::id`] matches the finding ids of
/// `perfscope.toml` (`[analyze] errors = ["unused-exports", ...]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// A budget that does not hold (bundle or vitals).
    FailedBudgets,
    /// Source: code that could leave the initial load.
    LazyCandidates,
    /// Source: a package reached at several versions or install paths.
    DuplicatePackages,
    /// Build output: a package shipped at several versions or from several folders.
    BundleDuplicatePackages,
    /// Build output: an original module present in more than one chunk.
    DuplicateModules,
    /// Source: an import cycle.
    Cycles,
    /// Source: a project file no entry reaches.
    UnusedFiles,
    /// Source: an exported name no module uses.
    UnusedExports,
    /// Source: a dependency never imported.
    UnusedDependencies,
    /// Source: a package imported but not listed.
    UnlistedDependencies,
    /// Vitals: a React component rendering slower than the threshold.
    SlowRenders,
    /// Vitals: a network finding (compression, caching, waterfalls, N+1, slow API).
    NetworkFindings,
}

impl FindingKind {
    /// Every kind, in the order reports list them.
    pub const ALL: [FindingKind; 12] = [
        FindingKind::FailedBudgets,
        FindingKind::LazyCandidates,
        FindingKind::DuplicatePackages,
        FindingKind::BundleDuplicatePackages,
        FindingKind::DuplicateModules,
        FindingKind::Cycles,
        FindingKind::UnusedFiles,
        FindingKind::UnusedExports,
        FindingKind::UnusedDependencies,
        FindingKind::UnlistedDependencies,
        FindingKind::SlowRenders,
        FindingKind::NetworkFindings,
    ];

    /// Stable id (`unused-exports`, `failed-budgets`...).
    pub fn id(self) -> &'static str {
        match self {
            FindingKind::FailedBudgets => "failed-budgets",
            FindingKind::LazyCandidates => "lazy-candidates",
            FindingKind::DuplicatePackages => "duplicate-packages",
            FindingKind::BundleDuplicatePackages => "bundle-duplicate-packages",
            FindingKind::DuplicateModules => "duplicate-modules",
            FindingKind::Cycles => "cycles",
            FindingKind::UnusedFiles => "unused-files",
            FindingKind::UnusedExports => "unused-exports",
            FindingKind::UnusedDependencies => "unused-dependencies",
            FindingKind::UnlistedDependencies => "unlisted-dependencies",
            FindingKind::SlowRenders => "slow-renders",
            FindingKind::NetworkFindings => "network-findings",
        }
    }

    /// Title for humans.
    pub fn title(self) -> &'static str {
        match self {
            FindingKind::FailedBudgets => "Failed budgets",
            FindingKind::LazyCandidates => "Lazy-loading candidates",
            FindingKind::DuplicatePackages => "Duplicate packages (source)",
            FindingKind::BundleDuplicatePackages => "Duplicate packages (build output)",
            FindingKind::DuplicateModules => "Modules in several chunks",
            FindingKind::Cycles => "Import cycles",
            FindingKind::UnusedFiles => "Unused files",
            FindingKind::UnusedExports => "Unused exports",
            FindingKind::UnusedDependencies => "Unused dependencies",
            FindingKind::UnlistedDependencies => "Unlisted dependencies",
            FindingKind::SlowRenders => "Slow React renders",
            FindingKind::NetworkFindings => "Network findings",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Its kind.
    pub kind: FindingKind,
    /// Identity across reports (line numbers excluded, since they move).
    pub key: String,
    /// What it is about: a path, `path:line`, a package or component name (shown as code).
    pub subject: String,
    /// One line of plain text about it (sizes, versions, the static path...).
    pub detail: String,
}

impl Finding {
    fn new(kind: FindingKind, key: String, subject: String, detail: String) -> Self {
        Self {
            kind,
            key,
            subject,
            detail,
        }
    }
}

/// Every finding of the report, grouped by kind in [`FindingKind::ALL`] order,
/// each group in the order of its document.
pub fn collect(report: &Report) -> Vec<Finding> {
    use FindingKind as K;
    let mut out = Vec::new();
    for row in crate::budgets::rows(report).into_iter().filter(|b| !b.pass) {
        out.push(Finding::new(
            K::FailedBudgets,
            format!("{}:{}:{}", row.part, row.name, row.metric),
            row.name.clone(),
            format!(
                "{} {} over the limit {} ({})",
                row.metric,
                row.actual,
                row.limit,
                row.over.unwrap_or_default()
            ),
        ));
    }
    if let Some(a) = report.analyze.document() {
        for c in &a.lazy_candidates {
            let saved = match c.gzip_saved_estimate {
                Some(g) => format!(
                    "{} gzip ({} raw)",
                    format::bytes(g),
                    format::bytes(c.bytes_saved)
                ),
                None => format!("{} raw", format::bytes(c.bytes_saved)),
            };
            out.push(Finding::new(
                K::LazyCandidates,
                format!("{}->{}", c.importer, c.module),
                format!("{}:{}", c.importer, c.line),
                format!(
                    "import of \"{}\" ({}): {saved} and {} module{} could leave the initial load",
                    c.specifier,
                    c.reason,
                    c.modules_saved,
                    if c.modules_saved == 1 { "" } else { "s" }
                ),
            ));
        }
        for d in &a.duplicate_packages {
            let copies: Vec<String> = d
                .instances
                .iter()
                .map(|i| format!("{}@{}", i.path, i.version.as_deref().unwrap_or("?")))
                .collect();
            out.push(Finding::new(
                K::DuplicatePackages,
                d.name.clone(),
                d.name.clone(),
                format!("{} copies: {}", d.instances.len(), copies.join(", ")),
            ));
        }
    }
    if let Some(b) = report.bundle.document() {
        for d in &b.duplicate_packages {
            out.push(Finding::new(
                K::BundleDuplicatePackages,
                d.name.clone(),
                d.name.clone(),
                format!(
                    "{} ({}), {} wasted",
                    d.versions.join(", "),
                    d.kind,
                    format::bytes(d.bytes_wasted)
                ),
            ));
        }
        for d in &b.duplicate_modules {
            out.push(Finding::new(
                K::DuplicateModules,
                d.source.clone(),
                d.source.clone(),
                format!(
                    "in {} chunks ({}), {} wasted",
                    d.assets.len(),
                    d.assets.join(", "),
                    format::bytes(d.bytes_wasted)
                ),
            ));
        }
    }
    if let Some(a) = report.analyze.document() {
        for cycle in &a.cycles {
            out.push(Finding::new(
                K::Cycles,
                cycle.join(" "),
                cycle.first().cloned().unwrap_or_default(),
                format!("{} modules: {}", cycle.len(), cycle.join(" → ")),
            ));
        }
        for f in &a.unused_files {
            out.push(Finding::new(
                K::UnusedFiles,
                f.clone(),
                f.clone(),
                String::new(),
            ));
        }
        for e in &a.unused_exports {
            out.push(Finding::new(
                K::UnusedExports,
                format!("{}#{}", e.path, e.name),
                format!("{}:{}", e.path, e.line),
                if e.type_only {
                    format!("type {}", e.name)
                } else {
                    e.name.clone()
                },
            ));
        }
        for d in &a.unused_dependencies {
            out.push(Finding::new(
                K::UnusedDependencies,
                d.clone(),
                d.clone(),
                String::new(),
            ));
        }
        for d in &a.unlisted_dependencies {
            out.push(Finding::new(
                K::UnlistedDependencies,
                d.name.clone(),
                d.name.clone(),
                format!("imported by {}", d.importers.join(", ")),
            ));
        }
    }
    if let Some(v) = report.vitals.document() {
        for r in &v.react.slow_renders {
            out.push(Finding::new(
                K::SlowRenders,
                r.component.clone(),
                r.component.clone(),
                format!(
                    "{} renders over {}, slowest {}, total {}",
                    r.count,
                    format::ms(v.react.slow_render_ms),
                    format::ms(r.max_ms),
                    format::ms(r.total_ms)
                ),
            ));
        }
        for f in &v.findings {
            out.push(Finding::new(
                K::NetworkFindings,
                format!("{}:{}", f.kind, f.url),
                f.url.clone(),
                format!("{}: {}", f.kind, f.message),
            ));
        }
    }
    out
}
