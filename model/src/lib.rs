//! The data contract of perfscope.
//!
//! Producers (`perfscope-analyzer`, `perfscope-vitals`) return these types; the
//! reporter and the CLI only read them. The crate depends on serde alone so that
//! template work never compiles a parser or a browser driver.
//!
//! Every document carries `schema_version` and `kind`. Paths are relative to the
//! analysed root and use `/` separators; collections are sorted so output is
//! deterministic.

pub mod analyze;
pub mod bundle;
pub mod diagnostic;
pub mod progress;
pub mod report;
pub mod vitals;

pub use diagnostic::Diagnostic;
pub use progress::Progress;

/// Version of the JSON documents perfscope writes. Bump on breaking changes.
pub const SCHEMA_VERSION: u32 = 1;
