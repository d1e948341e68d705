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

/// Lighthouse's performance score for humans, in points as Lighthouse shows
/// it: the score, or why there is none and the estimate without Speed
/// Index, then each metric's score.
pub fn performance_score(p: &model::vitals::PerformanceScore) -> String {
    let points = |v: f64| format!("{:.0}", v * 100.0);
    let audits: Vec<String> = p
        .audits
        .iter()
        .map(|a| {
            let label = match a.audit.as_str() {
                "first-contentful-paint" => "FCP",
                "largest-contentful-paint" => "LCP",
                "total-blocking-time" => "TBT",
                "cumulative-layout-shift" => "CLS",
                "speed-index" => "SI",
                other => other,
            };
            format!(
                "{label} {}",
                a.score.map_or_else(|| "-".to_string(), points)
            )
        })
        .collect();
    let why = p.not_measured.as_deref().unwrap_or("a metric is missing");
    let head = match (p.score, p.estimate) {
        (Some(score), _) => points(score),
        (None, Some(estimate)) => format!(
            "not measured ({why}); estimate without Speed Index, weights scaled up to 100: {}",
            points(estimate)
        ),
        (None, None) => format!("not measured ({why})"),
    };
    format!(
        "Lighthouse performance score ({} curves, median run): {head} [{}]",
        p.form_factor,
        audits.join(", ")
    )
}

/// The note every output gives when a CPU-throttled run profiled workers,
/// which Chromium does not slow (`None` otherwise): their script times are
/// this machine's, not the slowed page's.
pub fn unslowed_children_note(
    profile: &model::vitals::Profile,
    children: &[model::vitals::ChildTarget],
) -> Option<String> {
    profile.leaves_children_unslowed(children).then(|| {
        format!(
            "the workers' script times are at this machine's speed: Chromium slowed the page and its iframes {}×, but its CPU slowdown is for pages only",
            profile.cpu_slowdown
        )
    })
}

/// A step's requests in one line: "3 requests, 41.2 KB: largest
/// shop.example/assets/settings.js 38 KB; slowest shop.example/api/prefs
/// 640 ms; failed shop.example/api/cart (HTTP 500)" (the failures among
/// the listed ones). Unescaped: each renderer escapes it.
pub fn step_requests(r: &model::vitals::StepRequests) -> String {
    let mut out = format!(
        "{} request{}, {}",
        r.count,
        if r.count == 1 { "" } else { "s" },
        bytes(r.transfer_bytes)
    );
    let mut parts = Vec::new();
    if r.count > 1
        && let Some(big) = r.largest()
    {
        parts.push(format!(
            "largest {} {}",
            short_url(&big.url),
            bytes(big.transfer_bytes)
        ));
    }
    if let Some(slow) = r.slowest() {
        let said = if r.count == 1 { "" } else { "slowest " };
        parts.push(format!(
            "{said}{} {}",
            short_url(&slow.url),
            ms(slow.duration_ms)
        ));
    }
    let failed: Vec<&model::vitals::StepRequest> = r
        .list
        .iter()
        .filter(|q| q.status.is_some_and(|s| s >= 400))
        .collect();
    if let Some(first) = failed.first() {
        let status = first.status.unwrap_or_default();
        parts.push(match failed.len() {
            1 => format!("failed {} (HTTP {status})", short_url(&first.url)),
            n => format!(
                "{n} failed, first {} (HTTP {status})",
                short_url(&first.url)
            ),
        });
    }
    if !parts.is_empty() {
        out.push_str(": ");
        out.push_str(&parts.join("; "));
    }
    out
}

/// A URL without its scheme (`cdn.example.com/assets/app.js?v=2`), cut
/// to 80 characters.
pub fn short_url(url: &str) -> String {
    let path = url.split_once("://").map_or(url, |(_, rest)| rest);
    if path.chars().count() > 80 {
        let cut: String = path.chars().take(79).collect();
        format!("{cut}…")
    } else {
        path.to_string()
    }
}

/// A Lighthouse CI assertion perfscope does not evaluate, in one line.
pub fn not_evaluated(n: &model::vitals::NotEvaluated) -> String {
    format!("{} ({}, {}): {}", n.assertion, n.level, n.file, n.reason)
}

#[cfg(test)]
mod score_tests {
    use model::vitals::{AuditScore, NotEvaluated, PerformanceScore};

    #[test]
    fn the_score_line_says_what_is_exact_and_what_is_an_estimate() {
        let audit = |id: &str, score: Option<f64>| AuditScore {
            audit: id.into(),
            weight: 10.0,
            value: score.map(|_| 1.0),
            score,
        };
        let mut p = PerformanceScore {
            form_factor: "mobile".into(),
            audits: vec![
                audit("first-contentful-paint", Some(0.98)),
                audit("speed-index", None),
            ],
            score: None,
            not_measured: Some("Speed Index is not measured".into()),
            estimate: Some(0.874),
        };
        assert_eq!(
            super::performance_score(&p),
            "Lighthouse performance score (mobile curves, median run): not measured (Speed Index is not measured); estimate without Speed Index, weights scaled up to 100: 87 [FCP 98, SI -]"
        );
        p.score = Some(0.9);
        assert!(super::performance_score(&p).contains("median run): 90 ["));
        let n = NotEvaluated {
            file: "lighthouserc.json".into(),
            assertion: "uses-long-cache-ttl".into(),
            level: "warn".into(),
            reason: "perfscope does not run this Lighthouse audit".into(),
        };
        assert_eq!(
            super::not_evaluated(&n),
            "uses-long-cache-ttl (warn, lighthouserc.json): perfscope does not run this Lighthouse audit"
        );
    }
}
