//! The two static analyses wired as the CLI wires them: the source analysis
//! takes what the committed build ships from the bundle analysis.

use std::path::PathBuf;

/// With the committed build analysed too (nothing is built here), every
/// lazy candidate's saving is what the build ships of its modules in the
/// initial JavaScript, from the source maps, not the estimate.
#[test]
fn lazy_candidates_take_their_bytes_from_the_committed_build() {
    use std::sync::Arc;

    use bundle::{BundleOptions, analyze as analyze_bundle};
    use project::ProjectFacts;
    use source::build_shares::BuildShares;
    use source::{AnalyzeOptions, analyze};

    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/shop-app");
    let project = Arc::new(ProjectFacts::read(&root));
    let mut options = BundleOptions::new(Default::default(), Some(project)).expect("options");
    options.compression.brotli = false;
    let build = analyze_bundle(&root.join("dist"), &options).expect("bundle analysis");
    // What the build ships, read straight from the bundle report.
    let initial_share = |prefix: &str| -> (u64, u64) {
        build
            .assets
            .iter()
            .filter(|a| a.initial)
            .flat_map(|a| &a.sources)
            .filter(|s| s.source.starts_with(prefix))
            .fold((0, 0), |(raw, gz), s| {
                (raw + s.bytes, gz + s.gzip.unwrap_or(0))
            })
    };
    let report = analyze(
        &root,
        &AnalyzeOptions {
            build: Some(Arc::new(BuildShares::from_bundle(&build))),
            ..AnalyzeOptions::default()
        },
    )
    .expect("analysis runs");
    let candidates: Vec<&model::analyze::LazyCandidate> = report
        .findings
        .iter()
        .filter_map(|f| match &f.detail {
            model::Detail::Lazy(c) => Some(c),
            _ => None,
        })
        .collect();
    assert_eq!(candidates.len(), 2, "{candidates:?}");
    for c in &candidates {
        let prefix = match c.specifier.as_str() {
            // chart-kit and the tiny-date copy nested in it.
            "chart-kit" => "node_modules/chart-kit/",
            "./pages/Settings" => "src/pages/Settings.tsx",
            other => panic!("unexpected candidate {other}"),
        };
        let (raw, gzip) = initial_share(prefix);
        assert!(raw > 0, "the build ships {prefix}");
        assert_eq!(
            c.saving_source,
            model::analyze::SavingSource::Build,
            "{c:?}"
        );
        assert_eq!(c.build_bytes, Some(raw), "{c:?}");
        assert_eq!(c.build_gzip, Some(gzip), "{c:?}");
        assert_eq!(c.gzip_saved(), Some(gzip));
    }
    let chart = candidates[0];
    assert_eq!(chart.specifier, "chart-kit");
    let finding = report
        .findings
        .iter()
        .find(|f| f.kind == model::FindingKind::LazyCandidates)
        .expect("a finding");
    assert!(
        finding.message.contains("in the build"),
        "{}",
        finding.message
    );
}
