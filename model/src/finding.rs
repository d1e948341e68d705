//! The finding contract: every kind of finding perfscope reports, with its
//! meta as data (id, part, title, why it matters, how to fix it, default
//! severity, the file it points at), and the one [`Finding`] shape every
//! part returns. Each part builds its own findings next to its rules
//! ([`crate::rule`]); this crate only declares them.
//!
//! The kind's meta also says which project file a finding points at
//! ([`PointsAt`], read by [`Finding::file`]). A new kind: the recipe in
//! ARCHITECTURE.md ("Where new things go"), the only one.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Which part of perfscope computes a finding.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
    strum::IntoStaticStr,
    strum::Display,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum PartId {
    /// The source module graph (`perfscope analyze`).
    Source,
    /// The build output (`perfscope bundle`).
    Bundle,
    /// The browser measurements (`perfscope vitals`).
    Vitals,
}

/// What a finding of a kind does to the gate.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
    strum::IntoStaticStr,
    strum::Display,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Severity {
    /// Not computed and not reported.
    Off,
    /// Reported; never fails `check`.
    #[default]
    Warn,
    /// Reported and fails `check` (with a baseline: only new ones).
    Error,
}

/// The meta of a finding kind: what every output says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindMeta {
    /// The kind.
    pub kind: FindingKind,
    /// Stable id (`unused-exports`), as in JSON and `perfscope.toml`.
    pub id: &'static str,
    /// The part that computes it.
    pub part: PartId,
    /// Title for humans (`Unused exports`).
    pub title: &'static str,
    /// Why it matters, in one or two sentences.
    pub why: &'static str,
    /// How to fix it, in one or two sentences.
    pub fix: &'static str,
    /// Severity when the configuration says nothing.
    pub severity: Severity,
    /// The project file a finding of this kind points at (SARIF results,
    /// GitHub annotations), if any.
    pub points_at: PointsAt,
}

/// Which project file a finding of a kind points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointsAt {
    /// Its subject, a project file, at its line.
    Subject,
    /// The `package.json` of its workspace.
    Manifest,
    /// The first module that imports it, else its workspace's `package.json`.
    ImporterElseManifest,
    /// No project file: a URL, a built asset, a component of the page.
    Nothing,
}

/// Declares [`FindingKind`] and the meta of every kind from one table.
macro_rules! finding_kinds {
    ($(
        $variant:ident {
            id: $id:literal,
            part: $part:ident,
            title: $title:literal,
            why: $why:literal,
            fix: $fix:literal,
            severity: $severity:ident,
            points_at: $points_at:ident $(,)?
        }
    ),* $(,)?) => {
        /// Every kind of finding, in the order reports list them. In JSON and
        /// in `perfscope.toml` a kind is its kebab-case id.
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
            JsonSchema,
        )]
        pub enum FindingKind {
            $(
                #[doc = $title]
                #[serde(rename = $id)]
                $variant,
            )*
        }

        impl FindingKind {
            /// Every kind, in report order.
            pub const ALL: &'static [FindingKind] = &[$(FindingKind::$variant),*];

            /// The kind's meta.
            pub fn meta(self) -> &'static KindMeta {
                match self {
                    $(FindingKind::$variant => &KindMeta {
                        kind: FindingKind::$variant,
                        id: $id,
                        part: PartId::$part,
                        title: $title,
                        why: $why,
                        fix: $fix,
                        severity: Severity::$severity,
                        points_at: PointsAt::$points_at,
                    },)*
                }
            }
        }
    };
}

finding_kinds! {
    LazyCandidates {
        id: "lazy-candidates",
        part: Source,
        title: "Lazy-loading candidates",
        why: "Code that the first screen does not need is still downloaded, parsed and run before the page is usable.",
        fix: "Load it on demand with import() (React.lazy for components), or break the static import path that defeats an existing import().",
        severity: Warn,
        points_at: Subject,
    },
    DuplicatePackages {
        id: "duplicate-packages",
        part: Source,
        title: "Duplicate packages (source)",
        why: "Every copy of a package ships, and stateful libraries (React, styled-components) break when two copies meet.",
        fix: "Align the version ranges, dedupe the lockfile (npm dedupe, pnpm dedupe) or add an override/resolution.",
        severity: Warn,
        points_at: Manifest,
    },
    BundleDuplicatePackages {
        id: "bundle-duplicate-packages",
        part: Bundle,
        title: "Duplicate packages (build output)",
        why: "The build ships the same package more than once: users download every copy.",
        fix: "Align the version ranges or dedupe the lockfile so the bundler finds one copy.",
        severity: Warn,
        points_at: Nothing,
    },
    DuplicateModules {
        id: "duplicate-modules",
        part: Bundle,
        title: "Modules in several chunks",
        why: "A module copied into several chunks is downloaded again with each of them.",
        fix: "Let the bundler put it in one shared chunk (splitChunks, manualChunks) instead of inlining it per chunk.",
        severity: Warn,
        points_at: Nothing,
    },
    Cycles {
        id: "cycles",
        part: Source,
        title: "Import cycles",
        why: "Cycles make evaluation order fragile (undefined at import time, TDZ errors) and defeat code splitting and tree shaking.",
        fix: "Move what both modules need into a third module, or invert one of the imports.",
        severity: Warn,
        points_at: Subject,
    },
    UnusedFiles {
        id: "unused-files",
        part: Source,
        title: "Unused files",
        why: "Dead files cost review, build and test time, and hide what the app really ships.",
        fix: "Delete them; when a tool loads them, name them as entries (or in `ignore`) in perfscope.toml.",
        severity: Warn,
        points_at: Subject,
    },
    UnusedExports {
        id: "unused-exports",
        part: Source,
        title: "Unused exports",
        why: "An unused export keeps dead code alive (bundlers drop only what they prove unused) and widens a module's surface.",
        fix: "Remove the `export` keyword, or the code when nothing in the module uses it either.",
        severity: Warn,
        points_at: Subject,
    },
    UnusedDependencies {
        id: "unused-dependencies",
        part: Source,
        title: "Unused dependencies",
        why: "Unused dependencies slow installs, audits and upgrades.",
        fix: "Remove them from package.json.",
        severity: Warn,
        points_at: Manifest,
    },
    UnusedDevDependencies {
        id: "unused-dev-dependencies",
        part: Source,
        title: "Unused devDependencies",
        why: "A devDependency nothing uses (no import, no config file, no package.json script) slows every install and CI run.",
        fix: "Remove it from package.json `devDependencies`.",
        severity: Warn,
        points_at: Manifest,
    },
    DependenciesOnlyInTooling {
        id: "dependencies-only-in-tooling",
        part: Source,
        title: "Dependencies only tooling uses",
        why: "A package in `dependencies` that only tests, stories, configs, scripts or dev servers use is installed in production for nothing.",
        fix: "Move it to `devDependencies`.",
        severity: Warn,
        points_at: Manifest,
    },
    DevDependenciesInProduction {
        id: "dev-dependencies-in-production",
        part: Source,
        title: "devDependencies used in production",
        why: "Code that ships imports a package listed only in `devDependencies`: a production install (`npm ci --omit=dev`) breaks.",
        fix: "Move it to `dependencies`.",
        severity: Warn,
        points_at: Manifest,
    },
    UnlistedDependencies {
        id: "unlisted-dependencies",
        part: Source,
        title: "Unlisted dependencies",
        why: "A package imported but not listed works by accident (hoisting) and breaks on a clean install.",
        fix: "Add it to package.json.",
        severity: Warn,
        points_at: ImporterElseManifest,
    },
    SlowRenders {
        id: "slow-renders",
        part: Vitals,
        title: "Slow React renders",
        why: "A render slower than a frame (16 ms) drops frames and delays input handling.",
        fix: "Memoize the expensive part (useMemo, React.memo), split the component, or move the work off the render path.",
        severity: Warn,
        points_at: Nothing,
    },
    SlowCommits {
        id: "slow-commits",
        part: Vitals,
        title: "Slow React commits",
        why: "A commit whose render takes longer than a frame (16 ms) freezes the page, even when no single component is slow: the work is spread over many.",
        fix: "Render less per update: memoize the components with the most self time, virtualize long lists, or split the update (useTransition, useDeferredValue).",
        severity: Warn,
        points_at: Nothing,
    },
    UnnecessaryRenders {
        id: "unnecessary-renders",
        part: Vitals,
        title: "Unnecessary React re-renders",
        why: "A component that re-renders when none of its props, state or context changed (only its parent rendered) repeats work for an identical result on every interaction that renders its parent.",
        fix: "Wrap it in `React.memo` (and keep the props it gets stable with useMemo/useCallback), or move the state that changes below it.",
        severity: Warn,
        points_at: Nothing,
    },
    MemoryLeak {
        id: "memory-leak",
        part: Vitals,
        title: "Suspected memory leaks",
        why: "A flow that is undone (a dialog opened then closed, a page left) and still leaves listeners, detached DOM nodes or heap behind each time grows the page's memory for as long as it is used, until it slows down or crashes.",
        fix: "Remove what the action added when it is undone: event listeners (removeEventListener, an effect's cleanup), timers, subscriptions, and references to removed DOM nodes in caches or closures.",
        severity: Warn,
        points_at: Nothing,
    },
    UncompressedResponses {
        id: "uncompressed",
        part: Vitals,
        title: "Uncompressed text responses",
        why: "Text served without gzip or brotli is several times larger on the wire.",
        fix: "Enable gzip or brotli on the server or CDN for text, JavaScript, CSS, JSON and SVG.",
        severity: Warn,
        points_at: Nothing,
    },
    ShortCache {
        id: "short-cache",
        part: Vitals,
        title: "Hashed assets without long caching",
        why: "A file whose name holds a content hash never changes, yet a short cache lifetime makes returning visitors download it again.",
        fix: "Serve hashed assets with `Cache-Control: public, max-age=31536000, immutable`.",
        severity: Warn,
        points_at: Nothing,
    },
    RequestWaterfalls {
        id: "waterfall",
        part: Vitals,
        title: "Request waterfalls",
        why: "API calls that each wait for the previous response add their round trips to the load.",
        fix: "Start independent requests in parallel, or let one endpoint return what the page needs.",
        severity: Warn,
        points_at: Nothing,
    },
    NPlusOneRequests {
        id: "n-plus-one",
        part: Vitals,
        title: "N+1 requests",
        why: "Many requests to one URL template (one per item) multiply latency and server load.",
        fix: "Fetch the items in one batched request.",
        severity: Warn,
        points_at: Nothing,
    },
    SlowApiCalls {
        id: "slow-api",
        part: Vitals,
        title: "Slow API calls",
        why: "A slow API call delays whatever the page renders from it.",
        fix: "Speed up the endpoint, cache its answer, or render without waiting for it.",
        severity: Warn,
        points_at: Nothing,
    },
    FailedRequests {
        id: "failed-requests",
        part: Vitals,
        title: "Failed requests",
        why: "A request that fails (a network error, or a 4xx/5xx answer) leaves the page without a font, a style, a script or its data; a failed render-blocking stylesheet or script changes what every visitor sees.",
        fix: "Fix the URL or the server; remove the reference if the resource is gone.",
        severity: Warn,
        points_at: Nothing,
    },
    PendingRequests {
        id: "pending-requests",
        part: Vitals,
        title: "Requests that never finished",
        why: "A request still open when the page was measured (a hung API, a long poll) keeps spinners on screen and can delay interactivity.",
        fix: "Give the server a timeout and the client an error state; move long polls and streams after the first render.",
        severity: Warn,
        points_at: Nothing,
    },
    UnusedJavascript {
        id: "unused-javascript",
        part: Vitals,
        title: "Unused JavaScript at load",
        why: "Code the page downloads, parses and compiles at load but never runs there delays the first render and interactivity, and costs mobile users bandwidth.",
        fix: "Split the named modules and packages out of the initial bundle (dynamic `import()` where they are first needed, a lazy route), drop the ones nothing uses, or import only the functions the page calls.",
        severity: Warn,
        points_at: Nothing,
    },
}

impl Finding {
    /// The project file this finding points at, with its line, as its
    /// kind's [`PointsAt`] says (paths relative to the analysed root).
    pub fn file(&self) -> Option<(String, Option<u32>)> {
        let manifest = || match self.workspace.as_deref() {
            None | Some(".") | Some("") => "package.json".to_string(),
            Some(ws) => format!("{ws}/package.json"),
        };
        match self.kind.meta().points_at {
            PointsAt::Subject => Some((self.subject.clone(), self.line)),
            PointsAt::Manifest => Some((manifest(), None)),
            PointsAt::ImporterElseManifest => match &self.detail {
                Detail::Dependency { importers, .. } if !importers.is_empty() => {
                    Some((importers[0].clone(), None))
                }
                _ => Some((manifest(), None)),
            },
            PointsAt::Nothing => None,
        }
    }
}

impl FindingKind {
    /// Stable id (`unused-exports`).
    pub fn id(self) -> &'static str {
        self.meta().id
    }

    /// Title for humans.
    pub fn title(self) -> &'static str {
        self.meta().title
    }

    /// The part that computes it.
    pub fn part(self) -> PartId {
        self.meta().part
    }

    /// The kind whose id is `id`.
    pub fn from_id(id: &str) -> Option<FindingKind> {
        FindingKind::ALL.iter().copied().find(|k| k.id() == id)
    }
}

impl std::fmt::Display for FindingKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// Severities per kind, as the configuration gives them; kinds it does not
/// name have their default ([`KindMeta::severity`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Severities(pub BTreeMap<FindingKind, Severity>);

impl Severities {
    /// The severity of `kind`.
    pub fn of(&self, kind: FindingKind) -> Severity {
        self.0.get(&kind).copied().unwrap_or(kind.meta().severity)
    }

    /// Whether `kind` is computed at all.
    pub fn enabled(&self, kind: FindingKind) -> bool {
        self.of(kind) != Severity::Off
    }

    /// Sets `kind` to `severity`.
    pub fn set(&mut self, kind: FindingKind, severity: Severity) {
        self.0.insert(kind, severity);
    }
}

/// One finding: what every part returns and every output shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// Its kind.
    pub kind: FindingKind,
    /// Identity across reports, unique within the kind: a baseline's finding
    /// with the same kind and key is the same finding (line numbers are left
    /// out, since they move).
    #[serde(default)]
    pub key: String,
    /// What it is about: a project-relative path, a URL, a package or component name.
    #[serde(alias = "url")]
    pub subject: String,
    /// 1-based line in `subject`, when the finding is about a place in a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// The workspace (its folder, relative to the root; `.` for the root
    /// package) in a monorepo; absent for a single project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
    /// One short sentence of plain text (sizes, versions, the import chain...).
    pub message: String,
    /// Kind-specific data.
    #[serde(default, skip_serializing_if = "Detail::is_none")]
    pub detail: Detail,
}

impl Finding {
    /// A finding of `kind` about `subject`, identified by `key`.
    pub fn new(
        kind: FindingKind,
        key: impl Into<String>,
        subject: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            key: key.into(),
            subject: subject.into(),
            line: None,
            workspace: None,
            message: message.into(),
            detail: Detail::None,
        }
    }

    /// The same finding in a workspace (its key is prefixed with it, so
    /// that one package's findings in two workspaces stay two findings).
    pub fn in_workspace(mut self, workspace: &str) -> Self {
        self.key = format!("{workspace}:{}", self.key);
        self.workspace = Some(workspace.to_string());
        self
    }

    /// The same finding at a 1-based `line`.
    pub fn at_line(mut self, line: u32) -> Self {
        self.line = Some(line);
        self
    }

    /// The same finding with its kind-specific data.
    pub fn with_detail(mut self, detail: Detail) -> Self {
        self.detail = detail;
        self
    }

    /// `subject:line`, or `subject` when there is no line.
    pub fn location(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{line}", self.subject),
            None => self.subject.clone(),
        }
    }
}

/// One import in a chain of imports: `from` imports `to` at `line` of `from`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ImportStep {
    /// The importing module.
    pub from: String,
    /// The imported module.
    pub to: String,
    /// 1-based line of the import in `from`.
    pub line: u32,
}

/// The kind-specific data of a finding.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Detail {
    /// Nothing beyond the finding's fields.
    #[default]
    None,
    /// An export of a module.
    Export {
        /// Exported name (`default` for the default export).
        name: String,
        /// Whether it is a type.
        type_only: bool,
    },
    /// A dependency of a `package.json`.
    Dependency {
        /// Package name.
        name: String,
        /// Modules that import it (unlisted dependencies, and the modules
        /// behind a dependency in the wrong list).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        importers: Vec<String>,
    },
    /// A package installed more than once.
    Package(crate::analyze::DuplicatePackage),
    /// An import cycle.
    Cycle {
        /// The modules of the cycle (its strongly connected component), sorted.
        members: Vec<String>,
        /// One real import chain through the cycle, back to its first module.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        chain: Vec<ImportStep>,
    },
    /// A lazy-loading candidate.
    Lazy(crate::analyze::LazyCandidate),
    /// A package shipped several times.
    ShippedPackage(crate::bundle::DuplicatePackage),
    /// A module shipped in several chunks.
    ShippedModule(crate::bundle::DuplicateModule),
    /// A React component's render statistics.
    Render(crate::vitals::SlowRender),
    /// A network request or URL template.
    Request {
        /// The URL (or URL template).
        url: String,
    },
}

impl Detail {
    /// Whether there is no data.
    pub fn is_none(&self) -> bool {
        matches!(self, Detail::None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_round_trip_through_json() {
        let mut ids: Vec<&str> = FindingKind::ALL.iter().map(|k| k.id()).collect();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len(), "duplicate finding ids");
        for kind in FindingKind::ALL {
            let json = serde_json::to_string(kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.id()));
            assert_eq!(serde_json::from_str::<FindingKind>(&json).unwrap(), *kind);
            assert_eq!(FindingKind::from_id(kind.id()), Some(*kind));
            assert_eq!(kind.meta().kind, *kind);
            assert!(!kind.meta().why.is_empty() && !kind.meta().fix.is_empty());
        }
    }

    #[test]
    fn unknown_ids_are_refused_with_the_known_ones() {
        let err = serde_json::from_str::<Severities>(r#"{"unused-fils": "error"}"#).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("unused-fils") && text.contains("unused-files"),
            "{text}"
        );
        let ok: Severities =
            serde_json::from_str(r#"{"unused-files": "error", "cycles": "off"}"#).unwrap();
        assert_eq!(ok.of(FindingKind::UnusedFiles), Severity::Error);
        assert!(!ok.enabled(FindingKind::Cycles));
        assert_eq!(ok.of(FindingKind::UnusedExports), Severity::Warn);
    }
}
