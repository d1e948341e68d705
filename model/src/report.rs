//! The `report` document (`report.json`): the three analyses joined under one
//! `schema_version`. Each part is absent (nothing to analyse), ok, or failed with
//! an error message, so one failed analysis never hides the others.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::analyze::AnalyzeReport;
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
    /// The source module graph (`perfscope analyze`).
    #[serde(default)]
    pub analyze: Part<AnalyzeReport>,
    /// The build output (`perfscope bundle`).
    #[serde(default)]
    pub bundle: Part<BundleReport>,
    /// The browser measurements (`perfscope vitals`).
    #[serde(default)]
    pub vitals: Part<VitalsReport>,
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
            analyze,
            bundle,
            vitals,
        }
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
    /// A part from the result of running its analysis; the error is kept as text.
    pub fn from_result<E: std::fmt::Display>(result: Result<T, E>) -> Self {
        match result {
            Ok(document) => Part::Ok { document },
            Err(err) => Part::Failed {
                error: err.to_string(),
            },
        }
    }

    /// An absent part with a reason.
    pub fn absent(reason: impl Into<String>) -> Self {
        Part::Absent {
            reason: reason.into(),
        }
    }

    /// The document when the analysis ran.
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
