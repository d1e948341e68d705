//! The headline numbers of a report: what the summary shows and what a diff
//! compares. Every metric is "lower is better".

use model::bundle::{AssetType, BundleReport};
use model::report::Report;
use model::vitals::VitalsReport;
use serde::Serialize;

use crate::format;

/// The unit of a metric, which decides how it is printed and its noise floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Bytes (decimal units when printed).
    Bytes,
    /// Milliseconds.
    Ms,
    /// A unitless score (CLS).
    Score,
}

impl Unit {
    /// A value in this unit for humans.
    pub fn format(self, value: f64) -> String {
        match self {
            Unit::Bytes => format::bytes(value.max(0.0).round() as u64),
            Unit::Ms => format::ms(value),
            Unit::Score => format::score(value),
        }
    }

    /// A signed delta in this unit for humans.
    pub fn format_delta(self, delta: f64) -> String {
        match self {
            Unit::Bytes => format::signed_bytes(delta),
            Unit::Ms => format::signed_ms(delta),
            Unit::Score => format::signed_score(delta),
        }
    }

    /// Worsening up to this absolute amount is noise and never flagged: build
    /// output is deterministic (0 bytes), browser timings jitter (50 ms), and
    /// CLS varies in its third decimal (0.01).
    pub fn noise_floor(self) -> f64 {
        match self {
            Unit::Bytes => 0.0,
            Unit::Ms => 50.0,
            Unit::Score => 0.01,
        }
    }
}

/// One headline number.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metric {
    /// Stable identity across reports, e.g. `initial-js-gzip:index.html`, `lcp`.
    pub key: String,
    /// Label for humans, e.g. `Initial JS (gzip), index.html`.
    pub label: String,
    /// Unit of `value`.
    pub unit: Unit,
    /// The value.
    pub value: f64,
}

impl Metric {
    fn new(key: impl Into<String>, label: impl Into<String>, unit: Unit, value: f64) -> Self {
        Self {
            key: key.into(),
            label: label.into(),
            unit,
            value,
        }
    }

    /// The value for humans.
    pub fn display(&self) -> String {
        self.unit.format(self.value)
    }
}

/// The headline numbers of a report, in display order: initial JS (gzip) per
/// entry, total JS (gzip), total shipped (gzip), then the median FCP, LCP, TTI,
/// TBT, CLS. Parts that did not run contribute nothing.
pub fn headline(report: &Report) -> Vec<Metric> {
    let mut out = Vec::new();
    if let Some(bundle) = report.bundle.document() {
        out.extend(bundle_metrics(bundle));
    }
    if let Some(vitals) = report.vitals.document() {
        out.extend(vitals_metrics(vitals));
    }
    out
}

/// Bundle headline numbers (gzip, or raw when gzip was not computed).
pub fn bundle_metrics(bundle: &BundleReport) -> Vec<Metric> {
    let mut out = Vec::new();
    for entry in &bundle.entries {
        let (value, how) = match entry.js.gzip {
            Some(gzip) => (gzip, "gzip"),
            None => (entry.js.raw, "raw"),
        };
        out.push(Metric::new(
            format!("initial-js-{how}:{}", entry.name),
            format!("Initial JS ({how}), {}", entry.name),
            Unit::Bytes,
            value as f64,
        ));
    }
    let js = bundle.totals.iter().find(|t| t.asset_type == AssetType::Js);
    if let Some(js) = js {
        let (value, how) = match js.sizes.gzip {
            Some(gzip) => (gzip, "gzip"),
            None => (js.sizes.raw, "raw"),
        };
        out.push(Metric::new(
            format!("total-js-{how}"),
            format!("All JS ({how})"),
            Unit::Bytes,
            value as f64,
        ));
    }
    let shipped: Option<u64> = bundle
        .totals
        .iter()
        .map(|t| t.sizes.gzip)
        .sum::<Option<u64>>();
    if let Some(total) = shipped.filter(|_| !bundle.totals.is_empty()) {
        out.push(Metric::new(
            "total-gzip",
            "All assets (gzip)",
            Unit::Bytes,
            total as f64,
        ));
    }
    out
}

/// Median-run vitals: FCP, LCP, TTI, TBT, CLS (those that were measured).
pub fn vitals_metrics(vitals: &VitalsReport) -> Vec<Metric> {
    let Some(median) = &vitals.median else {
        return Vec::new();
    };
    [
        ("fcp", "FCP (median)", Unit::Ms, median.fcp_ms),
        ("lcp", "LCP (median)", Unit::Ms, median.lcp_ms),
        ("tti", "TTI (median)", Unit::Ms, median.tti_ms),
        ("tbt", "TBT (median)", Unit::Ms, median.tbt_ms),
        ("cls", "CLS (median)", Unit::Score, median.cls),
    ]
    .into_iter()
    .filter_map(|(key, label, unit, value)| value.map(|v| Metric::new(key, label, unit, v)))
    .collect()
}
