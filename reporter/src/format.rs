//! Human formatting shared by the HTML, Markdown and terminal renderers. The
//! units themselves (1 KB = 1000 bytes) are defined once, in `model::units`.

pub use model::units::{
    format_bytes as bytes, format_ms as ms, format_percent as percent, format_score as score,
    format_signed_bytes as signed_bytes, format_signed_percent as signed_percent,
};

/// The note every output gives when perfscope's default budgets were
/// applied: which limits, and where to change them. `None` when every budget
/// comes from a configuration.
pub fn defaults_note(budgets: &[model::Budget]) -> Option<String> {
    default_limits(budgets).map(|limits| {
        format!(
            "Default budgets applied ({limits}). Set [[bundle.budgets]] and [vitals.budgets] in perfscope.toml to change them."
        )
    })
}

/// The default budgets applied, for humans (`initial JS ≤ 250 KB gzip, …`).
pub fn default_limits(budgets: &[model::Budget]) -> Option<String> {
    let mut limits: Vec<String> = Vec::new();
    for b in budgets
        .iter()
        .filter(|b| b.origin == model::BudgetOrigin::Default)
    {
        // One line per rule: `JS chunk assets/x.js` and `JS chunk (largest: …)` are one rule.
        let rule = b
            .name
            .split(" (largest")
            .next()
            .unwrap_or(&b.name)
            .split(" of ")
            .next()
            .unwrap_or(&b.name);
        let rule = if rule.starts_with("JS chunk") {
            "each JS chunk"
        } else {
            rule
        };
        let text = format!(
            "{rule} \u{2264} {} {}",
            b.metric.unit().format(b.limit),
            match b.metric {
                model::MetricId::Gzip => "gzip",
                model::MetricId::Brotli => "brotli",
                model::MetricId::Raw => "raw",
                _ => "",
            }
        );
        let text = text.trim_end().to_string();
        if !limits.contains(&text) {
            limits.push(text);
        }
    }
    if limits.is_empty() {
        return None;
    }
    Some(limits.join(", "))
}
