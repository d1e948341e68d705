//! What perfscope measures: one [`MetricId`] per quantity, with its label and
//! unit, used by budgets, headline numbers and baseline comparisons alike.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::units;

/// The unit of a metric: how it is printed and what counts as noise.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Unit {
    /// Bytes (decimal units when printed: 1 KB = 1000 B).
    Bytes,
    /// Milliseconds.
    Ms,
    /// A unitless score (CLS).
    Score,
    /// A share from 0 to 1, printed as a percentage.
    Share,
}

impl Unit {
    /// A value in this unit for humans.
    pub fn format(self, value: f64) -> String {
        match self {
            Unit::Bytes => units::format_bytes(value.max(0.0).round() as u64),
            Unit::Ms => units::format_ms(value),
            Unit::Score => units::format_score(value),
            Unit::Share => units::format_percent(value),
        }
    }

    /// A signed delta in this unit for humans (`+1.2 KB`, `−30 ms`).
    pub fn format_delta(self, delta: f64) -> String {
        let magnitude = match self {
            Unit::Bytes => units::format_bytes(delta.abs().round() as u64),
            Unit::Ms => units::format_ms(delta.abs()),
            Unit::Score => units::format_score(delta.abs()),
            // Percentage points: a share's change is absolute.
            Unit::Share => format!("{:.1} pp", delta.abs() * 100.0),
        };
        units::signed(delta, magnitude)
    }

    /// Worsening up to this absolute amount is noise and never flagged: build
    /// output is deterministic (0 bytes), browser timings jitter (50 ms),
    /// CLS varies in its third decimal (0.01), and a share by a percentage
    /// point (0.01).
    pub fn noise_floor(self) -> f64 {
        match self {
            Unit::Bytes => 0.0,
            Unit::Ms => 50.0,
            Unit::Score | Unit::Share => 0.01,
        }
    }
}

/// A measured quantity. Every metric is "lower is better" except
/// [`MetricId::LighthouseScore`] ([`MetricId::higher_is_better`]).
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
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum MetricId {
    /// Bytes on disk.
    Raw,
    /// gzip (level 9) bytes.
    Gzip,
    /// brotli (quality 11) bytes.
    Brotli,
    /// First Contentful Paint, ms from navigation start.
    #[serde(alias = "fcp_ms")]
    Fcp,
    /// Largest Contentful Paint, ms from navigation start.
    #[serde(alias = "lcp_ms")]
    Lcp,
    /// Time to Interactive, ms from navigation start.
    #[serde(alias = "tti_ms")]
    Tti,
    /// Total Blocking Time between FCP and TTI, ms.
    #[serde(alias = "tbt_ms")]
    Tbt,
    /// Cumulative Layout Shift (largest session window).
    Cls,
    /// Time to first byte of the document, ms.
    #[serde(alias = "ttfb_ms")]
    Ttfb,
    /// The slowest React render (self time), ms.
    #[serde(alias = "render_ms")]
    Render,
    /// Interaction to Next Paint of a replayed flow, ms.
    #[serde(alias = "inp_ms")]
    Inp,
    /// Bytes over the network (response headers and encoded bodies) of a
    /// page load, as Lighthouse's `resource-summary` counts them.
    Transfer,
    /// A Lighthouse score from 0 to 1 (a metric audit's, or the
    /// performance category's): higher is better.
    LighthouseScore,
    /// Main-thread work of a page load, ms: every main-thread task's self
    /// time (Lighthouse's `mainthread-work-breakdown`).
    #[serde(alias = "main_thread_ms")]
    MainThread,
    /// JavaScript a page load transferred in functions that never ran by
    /// the end of the load, bytes (Lighthouse's unused-javascript
    /// `wastedBytes`, summed over the page's scripts).
    UnusedJs,
    /// [`MetricId::UnusedJs`] over all the JavaScript the load
    /// transferred, 0 to 1.
    UnusedJsShare,
}

impl MetricId {
    /// Stable id (`gzip`, `lcp`).
    pub fn id(self) -> &'static str {
        self.into()
    }

    /// Short label for humans (`gzip`, `LCP`).
    pub fn label(self) -> &'static str {
        match self {
            MetricId::Raw => "raw",
            MetricId::Gzip => "gzip",
            MetricId::Brotli => "brotli",
            MetricId::Fcp => "FCP",
            MetricId::Lcp => "LCP",
            MetricId::Tti => "TTI",
            MetricId::Tbt => "TBT",
            MetricId::Cls => "CLS",
            MetricId::Ttfb => "TTFB",
            MetricId::Render => "slowest React render",
            MetricId::Inp => "INP",
            MetricId::Transfer => "transfer",
            MetricId::LighthouseScore => "Lighthouse score",
            MetricId::MainThread => "main-thread work",
            MetricId::UnusedJs => "unused JS",
            MetricId::UnusedJsShare => "unused JS share",
        }
    }

    /// Unit of its values.
    pub fn unit(self) -> Unit {
        match self {
            MetricId::Raw
            | MetricId::Gzip
            | MetricId::Brotli
            | MetricId::Transfer
            | MetricId::UnusedJs => Unit::Bytes,
            MetricId::Cls | MetricId::LighthouseScore => Unit::Score,
            MetricId::UnusedJsShare => Unit::Share,
            _ => Unit::Ms,
        }
    }

    /// Whether a larger value is better (a score); a budget on such a
    /// metric is a minimum.
    pub fn higher_is_better(self) -> bool {
        self == MetricId::LighthouseScore
    }
}

impl std::fmt::Display for MetricId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn one_spelling_per_metric_and_old_spellings_still_read() {
        for metric in MetricId::iter() {
            let json = serde_json::to_string(&metric).unwrap();
            assert_eq!(json, format!("\"{}\"", metric.id()));
        }
        let old: MetricId = serde_json::from_str("\"lcp_ms\"").unwrap();
        assert_eq!(old, MetricId::Lcp);
        assert_eq!(MetricId::Cls.unit(), Unit::Score);
        assert!(MetricId::LighthouseScore.higher_is_better());
        assert!(!MetricId::Lcp.higher_is_better());
        assert_eq!(Unit::Bytes.format_delta(-1500.0), "\u{2212}1.5 KB");
        assert_eq!(MetricId::UnusedJsShare.unit().format(0.7041), "70.4%");
        assert_eq!(Unit::Share.format_delta(0.204), "+20.4 pp");
        assert_eq!(MetricId::MainThread.unit(), Unit::Ms);
    }
}
