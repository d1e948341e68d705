//! The `report` document (`report.json`): the three analyses joined under one
//! `schema_version`. Each part is absent (nothing to analyse), ok, or failed with
//! an error message, so one failed analysis never hides the others.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::analyze::AnalyzeReport;
use crate::assessment::Assessment;
use crate::bundle::BundleReport;
use crate::vitals::VitalsReport;

/// Result of `perfscope report`: what `report.html`, `report.md` and `report.json` show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    /// See [`crate::SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Always `"report"`.
    pub kind: String,
    /// The tool and version that wrote the report, e.g. `perfscope 0.1.0`.
    pub generated_by: String,
    /// The project's name (`package.json` `name`, else its folder), the report's title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// The source module graph (`perfscope analyze`).
    #[serde(default)]
    pub analyze: Part<AnalyzeReport>,
    /// The build output (`perfscope bundle`).
    #[serde(default)]
    pub bundle: Part<BundleReport>,
    /// The browser measurements (`perfscope vitals`).
    #[serde(default)]
    pub vitals: Part<VitalsReport>,
    /// What the report adds up to (headline, budgets, findings, actions, the
    /// gate), computed once by `perfscope-assess`; absent only in documents
    /// that were never assessed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment: Option<Assessment>,
}

impl Report {
    /// A report of the current [`crate::SCHEMA_VERSION`] from its three parts.
    pub fn new(
        generated_by: impl Into<String>,
        analyze: Part<AnalyzeReport>,
        bundle: Part<BundleReport>,
        vitals: Part<VitalsReport>,
    ) -> Self {
        Self {
            schema_version: crate::SCHEMA_VERSION,
            kind: "report".to_string(),
            generated_by: generated_by.into(),
            project: None,
            analyze,
            bundle,
            vitals,
            assessment: None,
        }
    }

    /// Every finding of every part that ran, by kind in report order (each
    /// kind's findings in their document's order).
    pub fn findings(&self) -> Vec<&crate::finding::Finding> {
        let mut all: Vec<&crate::finding::Finding> = Vec::new();
        if let Some(a) = self.analyze.document() {
            all.extend(&a.findings);
        }
        if let Some(b) = self.bundle.document() {
            all.extend(&b.findings);
        }
        if let Some(v) = self.vitals.document() {
            all.extend(&v.findings);
            // The other pages' findings, unless the first page has the same one.
            for page in &v.pages {
                for f in &page.findings {
                    if !v
                        .findings
                        .iter()
                        .any(|g| g.kind == f.kind && g.key == f.key)
                    {
                        all.push(f);
                    }
                }
            }
        }
        // Stable: each kind keeps its document's order.
        all.sort_by_key(|f| f.kind);
        all
    }
}

/// One analysis inside a [`Report`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Part<T> {
    /// The analysis did not apply (no project, no build output, no URL).
    Absent {
        /// Why it was not run, in one sentence; may be empty.
        #[serde(default)]
        reason: String,
    },
    /// The analysis ran.
    Ok {
        /// Its document.
        document: T,
    },
    /// The analysis failed; the report shows this error in its place.
    Failed {
        /// What went wrong, with the path or URL involved.
        error: String,
    },
}

impl<T> Default for Part<T> {
    fn default() -> Self {
        Part::Absent {
            reason: String::new(),
        }
    }
}

impl<T> Part<T> {
    /// A part from the result of running its analysis; the error is kept as
    /// text with its whole chain of causes (`what: why: root cause`).
    pub fn from_result<E: std::error::Error>(result: Result<T, E>) -> Self {
        match result {
            Ok(document) => Part::Ok { document },
            Err(err) => Part::failed(error_chain(&err)),
        }
    }

    /// A failed part with `error` as its message.
    pub fn failed(error: impl Into<String>) -> Self {
        Part::Failed {
            error: error.into(),
        }
    }

    /// An absent part with a reason.
    pub fn absent(reason: impl Into<String>) -> Self {
        Part::Absent {
            reason: reason.into(),
        }
    }

    /// Why the analysis did not run, when it was absent.
    pub fn absent_reason(&self) -> Option<&str> {
        match self {
            Part::Absent { reason } => Some(reason),
            _ => None,
        }
    }

    /// The document, when the analysis ran.
    pub fn document(&self) -> Option<&T> {
        match self {
            Part::Ok { document } => Some(document),
            _ => None,
        }
    }

    /// The error message when the analysis failed.
    pub fn error(&self) -> Option<&str> {
        match self {
            Part::Failed { error } => Some(error),
            _ => None,
        }
    }
}

/// An error and its causes joined with `: ` (as anyhow's `{:#}` prints them),
/// skipping a cause whose text the previous message already ends with.
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !out.ends_with(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}
