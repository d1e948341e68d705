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

/// Longest quoted input in a diagnostic (a specifier, a URL, a name), in characters.
pub const MAX_QUOTE_CHARS: usize = 200;
/// Longest path of a diagnostic, in characters.
pub const MAX_PATH_CHARS: usize = 400;
/// Longest message of a diagnostic, in characters.
pub const MAX_MESSAGE_CHARS: usize = 1000;

/// `text` cut to `max` characters, with `…` when it was longer.
pub fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}\u{2026}", &text[..at]),
        None => text.to_string(),
    }
}

/// Input from a file or a page, as a diagnostic quotes it: at most
/// [`MAX_QUOTE_CHARS`] characters, control characters shown escaped.
pub fn quote(input: &str) -> String {
    let clipped = clip(input, MAX_QUOTE_CHARS);
    if clipped.chars().any(char::is_control) {
        clipped.escape_debug().to_string()
    } else {
        clipped
    }
}

impl Diagnostic {
    /// A diagnostic about `path` with no line (both are capped in length).
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: clip(&path.into(), MAX_PATH_CHARS),
            line: None,
            message: clip(&message.into(), MAX_MESSAGE_CHARS),
        }
    }

    /// A diagnostic about `path` at a 1-based `line`.
    pub fn at_line(path: impl Into<String>, line: u32, message: impl Into<String>) -> Self {
        Self {
            line: Some(line),
            ..Self::new(path, message)
        }
    }

    /// A diagnostic at `line` when it is known.
    pub fn at(path: impl Into<String>, line: Option<u32>, message: impl Into<String>) -> Self {
        Self {
            line,
            ..Self::new(path, message)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_input_is_clipped() {
        let garbage = "x".repeat(700_000);
        let d = Diagnostic::new(
            "index.html",
            format!("module script `{}` does not exist", quote(&garbage)),
        );
        assert!(d.message.chars().count() < 300, "{}", d.message.len());
        assert!(d.message.contains('\u{2026}'));
        let d = Diagnostic::new(garbage.clone(), garbage);
        assert!(d.path.chars().count() <= MAX_PATH_CHARS + 1);
        assert!(d.message.chars().count() <= MAX_MESSAGE_CHARS + 1);
        assert_eq!(quote("a\u{1b}b"), "a\\u{1b}b");
    }
}
