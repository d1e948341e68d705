//! What code costs a page's load, measured in a browser run: the bytes of
//! its code in the scripts the load ran (scaled to the bytes transferred),
//! the share of them that never ran, and the main-thread time it ran, read
//! from the median run's coverage (`VitalsReport::coverage`) and CPU profile
//! (`VitalsReport::cpu`), which attribute both to original modules and
//! packages through the scripts' source maps.
//!
//! The top actions rank by this cost where a run exists (`actions.rs`): one
//! number in milliseconds, the main-thread time plus the time the bytes take
//! to download at the run's throttled rate (Lighthouse's rate for the form
//! factor when the run applied none: it ran on 127.0.0.1).
//!
//! Code is looked up as whole packages (by name: every module the source
//! analysis has of the package is in the code) and single modules (by the
//! source analysis's path; the source map's name may carry a prefix, such as
//! the folder a build outside the project was made from, so a name ending in
//! `/` + the path matches too, unless the name is itself another analysed
//! module's path). The profile and coverage list at most 50 modules per
//! script or load; a module outside those lists counts as nothing, so a
//! module-level figure may fall short, never over.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use model::analyze::AnalyzeReport;
use model::assessment::LoadCost;
use model::report::Report;
use model::vitals::{CoverageReport, CpuSamples, SlowRender, VitalsReport};

/// Lighthouse's mobile download rate (slow 4G: 1.6 Mbps × 0.9), bytes/s.
pub const MOBILE_BYTES_PER_S: f64 = 1.6 * 1024.0 * 0.9 * 1024.0 / 8.0;

/// Lighthouse's desktop download rate (10 Mbps), bytes/s.
pub const DESKTOP_BYTES_PER_S: f64 = 10.0 * 1024.0 * 1024.0 / 8.0;

/// Code to look up in a run: whole packages and single modules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Code<'a> {
    /// Package names, every module of each included.
    pub packages: BTreeSet<&'a str>,
    /// Module paths as the source analysis names them.
    pub modules: BTreeSet<&'a str>,
}

/// One measured page: its coverage and CPU profile.
struct PageRun<'a> {
    /// The page's path, when pages were listed.
    path: Option<&'a str>,
    coverage: Option<&'a CoverageReport>,
    cpu: Option<&'a CpuSamples>,
    /// The React components that rendered during its loads, located (their
    /// defining module, through the source maps).
    components: Vec<&'a SlowRender>,
}

/// The browser runs of a report, ready to be asked what code costs.
pub struct Measured<'a> {
    pages: Vec<PageRun<'a>>,
    /// Download rate the bytes are timed at, bytes/s.
    rate: f64,
    /// Every module path of the source analysis.
    known: HashSet<&'a str>,
}

impl<'a> Measured<'a> {
    /// The report's browser runs, when a page was measured (a median run).
    pub fn of(report: &'a Report) -> Option<Self> {
        let vitals = report.vitals.document()?;
        let pages: Vec<PageRun<'a>> = std::iter::once(vitals)
            .chain(vitals.pages.iter())
            .filter(|v| v.median.is_some())
            .map(|v| PageRun {
                path: v.path.as_deref(),
                coverage: mapped_coverage(v),
                cpu: mapped_profile(v),
                components: v
                    .react
                    .components
                    .iter()
                    .filter(|c| c.module.is_some())
                    .collect(),
            })
            .collect();
        if pages.is_empty() {
            return None;
        }
        let known = report
            .analyze
            .document()
            .map(|a| a.modules.iter().map(|m| m.path.as_str()).collect())
            .unwrap_or_default();
        Some(Measured {
            pages,
            rate: download_rate(vitals),
            known,
        })
    }

    /// Whether any page attributes its code to modules and packages (its
    /// scripts have source maps): only then can code be looked up.
    pub fn attributes(&self) -> bool {
        self.pages
            .iter()
            .any(|p| p.coverage.is_some() || p.cpu.is_some())
    }

    /// A React component defined in `code` that rendered during a measured
    /// load (the first, by name): the load needs that code at once, so
    /// lazy-loading it only moves its bytes.
    pub fn rendered_from(&self, code: &Code<'_>) -> Option<&'a SlowRender> {
        self.pages
            .iter()
            .flat_map(|p| p.components.iter().copied())
            .filter(|c| {
                let module = c.module.as_deref().unwrap_or_default();
                packaged(c.package.as_deref(), code) || self.holds(code, module)
            })
            .min_by(|a, b| a.component.cmp(&b.component))
    }

    /// The time `bytes` take to download at the run's rate, ms.
    pub fn download_ms(&self, bytes: u64) -> f64 {
        bytes as f64 * 1000.0 / self.rate
    }

    /// What `code` costs the load of the page where it costs the most;
    /// `None` when no page's load ran or downloaded any of it.
    pub fn cost(&self, code: &Code<'_>) -> Option<LoadCost> {
        self.pages
            .iter()
            .filter_map(|page| self.cost_on(page, code))
            .filter(|c| c.cost_ms > 0.0)
            .max_by(|a, b| a.cost_ms.total_cmp(&b.cost_ms))
    }

    /// Packages a page's load ran or downloaded, with their largest cost.
    pub fn packages(&self) -> BTreeMap<&'a str, LoadCost> {
        let mut names: BTreeSet<&'a str> = BTreeSet::new();
        for page in &self.pages {
            if let Some(c) = page.coverage {
                names.extend(
                    c.scripts
                        .iter()
                        .flat_map(|s| &s.packages)
                        .map(|p| p.name.as_str()),
                );
            }
            if let Some(p) = page.cpu {
                names.extend(p.packages.iter().map(|p| p.name.as_str()));
            }
        }
        names
            .into_iter()
            .filter_map(|name| {
                let code = Code {
                    packages: BTreeSet::from([name]),
                    modules: BTreeSet::new(),
                };
                Some((name, self.cost(&code)?))
            })
            .collect()
    }

    fn cost_on(&self, page: &PageRun<'_>, code: &Code<'_>) -> Option<LoadCost> {
        if page.coverage.is_none() && page.cpu.is_none() {
            return None;
        }
        let bytes = page.coverage.map(|c| self.bytes_of(c, code));
        let main_thread_ms = page.cpu.map(|p| self.cpu_of(p, code));
        let download_ms = bytes.map_or(0.0, |b| self.download_ms(b.load));
        let cost_ms = download_ms + main_thread_ms.unwrap_or(0.0);
        Some(LoadCost {
            page: page.path.map(str::to_string),
            load_bytes: bytes.map(|b| b.load),
            unused_bytes: bytes.map(|b| b.unused),
            unused_ratio: bytes.and_then(|b| {
                (b.chars > 0).then(|| round4(b.unused_chars as f64 / b.chars as f64))
            }),
            main_thread_ms: main_thread_ms.map(round1),
            download_ms: round1(download_ms),
            cost_ms: round1(cost_ms),
        })
    }

    fn bytes_of(&self, coverage: &CoverageReport, code: &Code<'_>) -> Bytes {
        let mut out = Bytes::default();
        for script in &coverage.scripts {
            let scale = if script.total_bytes == 0 {
                0.0
            } else {
                script.transfer_bytes as f64 / script.total_bytes as f64
            };
            let packages = script
                .packages
                .iter()
                .filter(|p| code.packages.contains(p.name.as_str()));
            let modules = script
                .modules
                .iter()
                .filter(|m| !packaged(m.package.as_deref(), code))
                .filter(|m| self.holds(code, &m.name));
            for usage in packages.chain(modules) {
                out.chars += usage.total_bytes;
                out.unused_chars += usage.unused_bytes;
                out.load += (usage.total_bytes as f64 * scale).round() as u64;
                out.unused += usage.wasted_bytes;
            }
        }
        out
    }

    fn cpu_of(&self, profile: &CpuSamples, code: &Code<'_>) -> f64 {
        let packages = profile
            .packages
            .iter()
            .filter(|p| code.packages.contains(p.name.as_str()))
            .map(|p| p.self_ms);
        let modules = profile
            .modules
            .iter()
            .filter(|m| !packaged(m.package.as_deref(), code))
            .filter(|m| self.holds(code, &m.name))
            .map(|m| m.self_ms);
        // Folded from +0.0: an empty `sum` of floats is −0.0.
        packages.chain(modules).fold(0.0, |a, b| a + b)
    }

    /// Whether the run's module `name` is one of `code`'s modules.
    fn holds(&self, code: &Code<'_>, name: &str) -> bool {
        if code.modules.contains(name) {
            return true;
        }
        if self.known.contains(name) {
            // Another analysed module's own path.
            return false;
        }
        code.modules.iter().any(|path| {
            name.strip_suffix(path)
                .is_some_and(|prefix| prefix.ends_with('/'))
        })
    }
}

/// Whether a run's module belongs to a package `code` takes whole (it is
/// counted with the package, not again on its own).
fn packaged(package: Option<&str>, code: &Code<'_>) -> bool {
    package.is_some_and(|p| code.packages.contains(p))
}

#[derive(Debug, Clone, Copy, Default)]
struct Bytes {
    /// Characters of code.
    chars: u64,
    /// Of which never ran.
    unused_chars: u64,
    /// Scaled to the transfer.
    load: u64,
    /// Unused, scaled to the transfer.
    unused: u64,
}

/// The coverage of a run when some script has a source map.
fn mapped_coverage(v: &VitalsReport) -> Option<&CoverageReport> {
    v.coverage
        .as_ref()
        .filter(|c| c.scripts.iter().any(|s| !s.modules.is_empty()))
}

/// The CPU profile of a run when some of its time is attributed to an
/// original module (a script with a source map).
fn mapped_profile(v: &VitalsReport) -> Option<&CpuSamples> {
    let profile = v.cpu.as_ref()?.profile.as_ref()?;
    let scripts: HashSet<&str> = profile.scripts.iter().map(|s| s.name.as_str()).collect();
    profile
        .modules
        .iter()
        .any(|m| m.package.is_some() || !scripts.contains(m.name.as_str()))
        .then_some(profile)
}

/// The run's throttled download rate, else Lighthouse's for its form factor.
fn download_rate(v: &VitalsReport) -> f64 {
    match &v.profile.network {
        Some(n) if n.download_bytes_per_s > 0.0 => n.download_bytes_per_s,
        _ if v.profile.mobile => MOBILE_BYTES_PER_S,
        _ => DESKTOP_BYTES_PER_S,
    }
}

fn round1(ms: f64) -> f64 {
    (ms * 10.0).round() / 10.0
}

fn round4(ratio: f64) -> f64 {
    (ratio * 10_000.0).round() / 10_000.0
}

/// The code a set of module paths (a lazy-loading candidate's) stands for:
/// each package whose every analysed module is in the set, taken whole,
/// and the other modules one by one.
pub fn code_of<'a>(analyze: Option<&'a AnalyzeReport>, paths: &'a [String]) -> Code<'a> {
    let mut code = Code::default();
    let Some(analyze) = analyze else {
        code.modules.extend(paths.iter().map(String::as_str));
        return code;
    };
    let set: HashSet<&str> = paths.iter().map(String::as_str).collect();
    let mut by_package: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for m in &analyze.modules {
        if let Some(p) = &m.package {
            let slot = by_package.entry(p.as_str()).or_default();
            slot.0 += 1;
            slot.1 += usize::from(set.contains(m.path.as_str()));
        }
    }
    let package_of: std::collections::HashMap<&str, &str> = analyze
        .modules
        .iter()
        .filter_map(|m| Some((m.path.as_str(), m.package.as_deref()?)))
        .collect();
    for path in paths {
        match package_of.get(path.as_str()) {
            Some(p) if by_package.get(p).is_some_and(|(all, inside)| all == inside) => {
                code.packages.insert(p);
            }
            _ => {
                code.modules.insert(path);
            }
        }
    }
    code
}

/// Where the project's own production modules import `package` statically:
/// `(importer, line)`, sorted.
pub fn import_sites<'a>(analyze: &'a AnalyzeReport, package: &str) -> Vec<(&'a str, u32)> {
    let package_of: std::collections::HashMap<&str, Option<&str>> = analyze
        .modules
        .iter()
        .map(|m| (m.path.as_str(), m.package.as_deref()))
        .collect();
    let mut sites: Vec<(&str, u32)> = analyze
        .modules
        .iter()
        .filter(|m| m.package.is_none() && m.role == model::analyze::Role::Production)
        .flat_map(|m| {
            m.imports
                .iter()
                .filter(|i| i.kind.is_static_runtime())
                .filter(|i| {
                    i.resolved
                        .as_deref()
                        .and_then(|r| package_of.get(r).copied().flatten())
                        == Some(package)
                })
                .map(move |i| (m.path.as_str(), i.line))
        })
        .collect();
    sites.sort();
    sites.dedup();
    sites
}
