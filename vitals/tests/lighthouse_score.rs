//! The performance score against Lighthouse's own: results recorded with
//! Lighthouse 12.8.2 (`fixtures/lighthouse/`, made by its `record.sh`) give
//! their metric values to perfscope's scorer, which must give Lighthouse's
//! score of every metric audit (two decimals) and of the category (within
//! one point), with Lighthouse's weights.

use model::vitals::RunMetrics;
use perfscope_vitals::score::{self, Audit, FormFactor};
use serde_json::Value;

fn recorded() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/lighthouse/lighthouse-12.8.2.json"
    );
    let text = std::fs::read_to_string(path).expect("the recorded results are readable");
    serde_json::from_str(&text).expect("the recorded results are JSON")
}

#[test]
fn scores_match_lighthouse_12_8_2() {
    let results = recorded();
    assert!(results.len() >= 12, "{} results", results.len());
    let mut mid_range = 0;
    for lhr in &results {
        let name = format!(
            "{} {} {}",
            lhr["page"], lhr["formFactor"], lhr["throttlingMethod"]
        );
        assert_eq!(lhr["lighthouseVersion"], "12.8.2", "{name}");
        let form = match lhr["formFactor"].as_str() {
            Some("mobile") => FormFactor::Mobile,
            Some("desktop") => FormFactor::Desktop,
            other => panic!("{name}: form factor {other:?}"),
        };
        let value = |id: &str| lhr["audits"][id]["numericValue"].as_f64().expect(id);
        for audit in Audit::WEIGHTED.into_iter().chain([Audit::Interactive]) {
            let expected = lhr["audits"][audit.id()]["score"]
                .as_f64()
                .expect("a score");
            let got = score::audit_score(audit, form, value(audit.id()));
            assert_eq!(
                got,
                expected,
                "{name}: {} of {} scores {got}, Lighthouse {expected}",
                audit.id(),
                value(audit.id())
            );
            if (0.1..0.9).contains(&expected) {
                mid_range += 1;
            }
        }
        for audit in Audit::WEIGHTED {
            assert_eq!(
                lhr["weights"][audit.id()].as_f64(),
                Some(audit.weight()),
                "{name}: the weight of {}",
                audit.id()
            );
        }
        let run = RunMetrics {
            fcp_ms: Some(value("first-contentful-paint")),
            lcp_ms: Some(value("largest-contentful-paint")),
            tbt_ms: Some(value("total-blocking-time")),
            cls: Some(value("cumulative-layout-shift")),
            tti_ms: Some(value("interactive")),
            ..RunMetrics::default()
        };
        let p = score::performance(&run, Some(value("speed-index")), form);
        let expected = lhr["performanceScore"].as_f64().expect("a category score");
        let got = p.score.expect("every metric is given");
        assert!(
            (got - expected).abs() <= 0.01 + 1e-9,
            "{name}: category {got}, Lighthouse {expected}"
        );
        assert_eq!(p.form_factor, form.name());
    }
    // The recordings cover the curves' middle, not only perfect scores.
    assert!(
        mid_range >= 10,
        "{mid_range} audit scores between 0.1 and 0.9"
    );
}
