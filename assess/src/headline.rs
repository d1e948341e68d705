//! The headline numbers of a report and its budgets, gathered from the parts.

use model::Budget;
use model::assessment::HeadlineMetric;
use model::bundle::{AssetType, BundleReport};
use model::metric::MetricId;
use model::report::Report;
use model::vitals::{RunMetrics, VitalsReport};

/// Every budget of the report: bundle budgets in configuration order, then vitals budgets.
pub fn budgets(report: &Report) -> Vec<Budget> {
    let mut out = Vec::new();
    if let Some(bundle) = report.bundle.document() {
        out.extend(bundle.budgets.iter().cloned());
    }
    if let Some(vitals) = report.vitals.document() {
        out.extend(vitals.budgets.iter().cloned());
        for page in &vitals.pages {
            out.extend(page.budgets.iter().cloned());
        }
    }
    out
}

fn metric(
    key: impl Into<String>,
    label: impl Into<String>,
    id: MetricId,
    value: f64,
) -> HeadlineMetric {
    HeadlineMetric {
        key: key.into(),
        label: label.into(),
        metric: id,
        value: Some(value),
        samples: Vec::new(),
        change: None,
    }
}

/// The headline numbers, in display order: initial JS (gzip) per entry,
/// total JS (gzip), all assets (gzip), then the median FCP, LCP, TTI, TBT and
/// CLS. Parts that did not run contribute nothing.
pub fn headline(report: &Report) -> Vec<HeadlineMetric> {
    let mut out = Vec::new();
    if let Some(bundle) = report.bundle.document() {
        out.extend(bundle_metrics(bundle));
    }
    if let Some(vitals) = report.vitals.document() {
        out.extend(vitals_metrics(vitals));
        for page in &vitals.pages {
            out.extend(vitals_metrics(page));
        }
        out.extend(flow_metrics(vitals));
    }
    out
}

/// Each replayed flow's INP (its median replay), with the INP of every
/// complete replay as samples: against a baseline it is judged like the
/// load metrics (threshold, noise floor, the replays' spread).
pub fn flow_metrics(vitals: &VitalsReport) -> Vec<HeadlineMetric> {
    vitals
        .flows
        .iter()
        .filter_map(|flow| {
            let value = flow.inp_ms?;
            let mut m = metric(
                format!("inp:{}", flow.name),
                format!("INP (median), flow {}", flow.name),
                MetricId::Inp,
                value,
            );
            m.samples = flow
                .runs
                .iter()
                .filter(|r| r.complete)
                .filter_map(|r| r.inp_ms)
                .collect();
            Some(m)
        })
        .collect()
}

/// Bundle headline numbers (gzip, or raw when gzip was not computed).
pub fn bundle_metrics(bundle: &BundleReport) -> Vec<HeadlineMetric> {
    let mut out = Vec::new();
    let pick = |gzip: Option<u64>, raw: u64| match gzip {
        Some(gzip) => (gzip, MetricId::Gzip),
        None => (raw, MetricId::Raw),
    };
    for entry in &bundle.entries {
        let (value, id) = pick(entry.js.gzip, entry.js.raw);
        out.push(metric(
            format!("initial-js-{id}:{}", entry.name),
            format!("Initial JS ({id}), {}", entry.name),
            id,
            value as f64,
        ));
    }
    if let Some(js) = bundle.totals.iter().find(|t| t.asset_type == AssetType::Js) {
        let (value, id) = pick(js.sizes.gzip, js.sizes.raw);
        out.push(metric(
            format!("total-js-{id}"),
            format!("All JS ({id})"),
            id,
            value as f64,
        ));
    }
    let shipped: Option<u64> = bundle.totals.iter().map(|t| t.sizes.gzip).sum();
    if let Some(total) = shipped.filter(|_| !bundle.totals.is_empty()) {
        out.push(metric(
            "total-gzip",
            "All assets (gzip)",
            MetricId::Gzip,
            total as f64,
        ));
    }
    out
}

/// Median-run vitals (those measured): FCP, LCP, TTI, TBT, CLS, each with
/// the values of every complete run. With listed pages, keys and labels name
/// the page (`lcp:/about`, `LCP (median), /about`).
pub fn vitals_metrics(vitals: &VitalsReport) -> Vec<HeadlineMetric> {
    let Some(median) = &vitals.median else {
        return Vec::new();
    };
    type Field = (&'static str, MetricId, fn(&RunMetrics) -> Option<f64>);
    let fields: [Field; 5] = [
        ("fcp", MetricId::Fcp, |m| m.fcp_ms),
        ("lcp", MetricId::Lcp, |m| m.lcp_ms),
        ("tti", MetricId::Tti, |m| m.tti_ms),
        ("tbt", MetricId::Tbt, |m| m.tbt_ms),
        ("cls", MetricId::Cls, |m| m.cls),
    ];
    fields
        .into_iter()
        .filter_map(|(key, id, get)| {
            let value = get(median)?;
            let (key, label) = match &vitals.path {
                Some(path) => (
                    format!("{key}:{path}"),
                    format!("{} (median), {path}", id.label()),
                ),
                None => (key.to_string(), format!("{} (median)", id.label())),
            };
            let mut m = metric(key, label, id, value);
            m.samples = vitals
                .runs
                .iter()
                .filter(|r| r.complete)
                .filter_map(get)
                .collect();
            Some(m)
        })
        .collect()
}
