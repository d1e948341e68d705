//! A section of the page built from one part of the report: its view when the
//! part ran, otherwise a message saying why it is missing or how it failed.

use model::report::Part;

/// One section's state and view.
pub struct Section<T> {
    /// `ok`, `absent` or `failed` (also a CSS class).
    pub status: &'static str,
    /// Why the part is missing, or its error; empty when it ran.
    pub message: String,
    /// The view when the part ran.
    pub view: Option<T>,
}

impl<T> Section<T> {
    /// Builds the section of `part` (called `name` in messages) with `build`.
    pub fn from_part<D>(part: &Part<D>, name: &str, build: impl FnOnce(&D) -> T) -> Self {
        match part {
            Part::Ok { document } => Section {
                status: "ok",
                message: String::new(),
                view: Some(build(document)),
            },
            Part::Absent { reason } => Section {
                status: "absent",
                message: if reason.is_empty() {
                    format!("{name} was not run.")
                } else {
                    format!("{name} was not run: {reason}")
                },
                view: None,
            },
            Part::Failed { error } => Section {
                status: "failed",
                message: format!("{name} failed: {error}"),
                view: None,
            },
        }
    }
}
