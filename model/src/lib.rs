//! The data contract of perfscope.
//!
//! Producers (`perfscope-source`, `perfscope-bundle`, `perfscope-vitals`) return these types; the
//! reporter and the CLI only read them. The crate depends on serde (the
//! documents' shape), schemars (their JSON Schema, `perfscope schema`), strum
//! (the names of enums) and serde_json (reading older documents,
//! [`upgrade`]), and on nothing heavier, so that template work never
//! compiles a parser or a browser driver.
//!
//! Every document carries `schema_version` and `kind`. Paths are relative to the
//! analysed root and use `/` separators; collections are sorted so output is
//! deterministic.

pub mod analyze;
pub mod assessment;
pub mod budget;
pub mod bundle;
pub mod diagnostic;
pub mod finding;
pub mod metric;
pub mod output;
pub mod path;
pub mod progress;
pub mod report;
pub mod rule;
pub mod shard;
pub mod units;
pub mod upgrade;
pub mod vitals;

pub use budget::{Budget, BudgetLevel, BudgetOrigin, Verdict};
pub use diagnostic::Diagnostic;
pub use finding::{Detail, Finding, FindingKind, PartId, Severities, Severity};
pub use metric::{MetricId, Unit};
pub use progress::Progress;

/// Version of the JSON documents perfscope writes. Bump on breaking changes.
pub const SCHEMA_VERSION: u32 = 2;
