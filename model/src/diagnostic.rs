//! A problem met while gathering facts: a file that failed to parse, a missing
//! source map, a run that timed out. Diagnostics never stop a run.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A problem with one input, reported and then worked around.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct Diagnostic {
    /// The file (relative, `/`-separated) or URL the problem is about; empty when
    /// it is about the run as a whole.
    pub path: String,
    /// 1-based line, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// What went wrong, in one sentence.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic about `path` with no line.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            line: None,
            message: message.into(),
        }
    }

    /// A diagnostic about `path` at a 1-based `line`.
    pub fn at_line(path: impl Into<String>, line: u32, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            line: Some(line),
            message: message.into(),
        }
    }
}
