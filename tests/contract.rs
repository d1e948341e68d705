//! The finding contract, checked for every kind: its meta is complete, its
//! part's registry computes it exactly once, and every output shows it
//! (SARIF and GitHub annotations point at its file when its kind points at
//! one; the HTML report and the Markdown comment list it). A new kind fails
//! here until each of those places knows it; [`sample`] is an exhaustive
//! match, so it does not even compile until the kind has a sample finding.

use std::path::Path;

use model::analyze::{DuplicatePackage, LazyCandidate, LazyReason, PackageInstance};
use model::bundle::{DuplicateKind, DuplicateModule, DuplicatePackage as ShippedPackage};
use model::finding::PointsAt;
use model::report::{Part, Report};
use model::vitals::SlowRender;
use model::{Detail, Finding, FindingKind, PartId};

/// A finding of `kind` whose subject (and the name its tables show) is
/// `probe-<id>`, with the detail its kind carries.
fn sample(kind: FindingKind) -> Finding {
    let id = kind.id();
    let name = format!("probe-{id}");
    let file = format!("src/probe-{id}.ts");
    let dependency = || Detail::Dependency {
        name: name.clone(),
        importers: vec![file.clone()],
    };
    let (subject, detail) = match kind {
        FindingKind::LazyCandidates => (
            file.clone(),
            Detail::Lazy(LazyCandidate {
                importer: file.clone(),
                specifier: name.clone(),
                module: format!("node_modules/{name}/index.js"),
                bytes_saved: 40_000,
                gzip_saved_estimate: Some(12_000),
                modules_saved: 3,
                saved_modules: Vec::new(),
                reason: LazyReason::ExclusiveSubgraph,
                static_path: Vec::new(),
                line: 3,
                use_site: None,
                saving_source: Default::default(),
                build_bytes: None,
                build_gzip: None,
            }),
        ),
        FindingKind::DuplicatePackages => (
            name.clone(),
            Detail::Package(DuplicatePackage {
                name: name.clone(),
                instances: ["1.0.0", "2.0.0"]
                    .iter()
                    .map(|v| PackageInstance {
                        version: Some(v.to_string()),
                        path: format!("node_modules/{name}-{v}"),
                        bytes: 5_000,
                        importers: vec![file.clone()],
                    })
                    .collect(),
            }),
        ),
        FindingKind::BundleDuplicatePackages => (
            name.clone(),
            Detail::ShippedPackage(ShippedPackage {
                name: name.clone(),
                kind: DuplicateKind::Versions,
                versions: vec!["1.0.0".into(), "2.0.0".into()],
                paths: vec![format!("node_modules/{name}")],
                bytes_wasted: 3_000,
            }),
        ),
        FindingKind::DuplicateModules => (
            name.clone(),
            Detail::ShippedModule(DuplicateModule {
                source: name.clone(),
                assets: vec!["assets/a.js".into(), "assets/b.js".into()],
                bytes_wasted: 2_000,
            }),
        ),
        FindingKind::Cycles => (
            file.clone(),
            Detail::Cycle {
                members: vec![file.clone()],
                chain: Vec::new(),
            },
        ),
        FindingKind::UnusedFiles => (file.clone(), Detail::None),
        FindingKind::UnusedExports => (
            file.clone(),
            Detail::Export {
                name: name.clone(),
                type_only: false,
            },
        ),
        FindingKind::UnusedDependencies
        | FindingKind::UnusedDevDependencies
        | FindingKind::DependenciesOnlyInTooling
        | FindingKind::DevDependenciesInProduction
        | FindingKind::UnlistedDependencies => (name.clone(), dependency()),
        FindingKind::SlowRenders => (
            name.clone(),
            Detail::Render(SlowRender {
                component: name.clone(),
                count: 2,
                max_ms: 40.0,
                total_ms: 60.0,
                max_actual_ms: 45.0,
                module: Some("src/components/Chart.tsx".to_string()),
                package: None,
                cpu_ms: Some(52.0),
            }),
        ),
        FindingKind::SlowCommits | FindingKind::UnnecessaryRenders | FindingKind::MemoryLeak => {
            (name.clone(), Detail::None)
        }
        FindingKind::UncompressedResponses
        | FindingKind::ShortCache
        | FindingKind::RequestWaterfalls
        | FindingKind::NPlusOneRequests
        | FindingKind::SlowApiCalls
        | FindingKind::FailedRequests
        | FindingKind::PendingRequests
        | FindingKind::UnusedJavascript => {
            let url = format!("http://127.0.0.1:1/{name}");
            (url.clone(), Detail::Request { url })
        }
    };
    let mut finding =
        Finding::new(kind, name.clone(), subject, format!("the {name} sample")).with_detail(detail);
    if kind.meta().points_at == PointsAt::Subject {
        finding = finding.at_line(3);
    }
    finding
}

fn recorded(name: &str) -> Report {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/reports")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("a recorded document");
    reporter::json::parse_document(&text).expect("it reads")
}

/// The recorded documents of the three parts, their findings replaced by
/// one sample of every kind, assessed.
fn report_with_every_kind() -> Report {
    let part_of = |part: PartId| -> Vec<Finding> {
        FindingKind::ALL
            .iter()
            .filter(|k| k.part() == part)
            .map(|k| sample(*k))
            .collect()
    };
    let mut analyze = recorded("analyze.json").analyze;
    let mut bundle = recorded("bundle.json").bundle;
    let mut vitals = recorded("vitals.json").vitals;
    if let Part::Ok { document } = &mut analyze {
        document.findings = part_of(PartId::Source);
    }
    if let Part::Ok { document } = &mut bundle {
        document.findings = part_of(PartId::Bundle);
    }
    if let Part::Ok { document } = &mut vitals {
        document.findings = part_of(PartId::Vitals);
        for page in &mut document.pages {
            page.findings.clear();
        }
    }
    let mut report = Report::new("perfscope test", analyze, bundle, vitals);
    assess::assess_into(&mut report, None, &assess::AssessOptions::default());
    report
}

#[test]
fn every_kind_has_its_meta_and_one_registry_line() {
    for kind in FindingKind::ALL {
        let meta = kind.meta();
        assert_eq!(meta.kind, *kind);
        for (field, text) in [
            ("id", meta.id),
            ("title", meta.title),
            ("why", meta.why),
            ("fix", meta.fix),
        ] {
            assert!(!text.trim().is_empty(), "{kind:?} has no {field}");
        }
    }
    assert_eq!(model::rule::check(source::findings::REGISTRY), Ok(()));
    assert_eq!(model::rule::check(bundle::findings::REGISTRY), Ok(()));
    assert_eq!(model::rule::check(vitals::findings::REGISTRY), Ok(()));
    let registered = source::findings::REGISTRY.len()
        + bundle::findings::REGISTRY.len()
        + vitals::findings::REGISTRY.len();
    assert_eq!(
        registered,
        FindingKind::ALL.len(),
        "one registry line per kind"
    );
}

#[test]
fn every_kind_is_assessed_and_shown_in_every_output() {
    let report = report_with_every_kind();
    let assessment = report.assessment.as_ref().expect("assessed");
    let html = reporter::html::render(&report).expect("the HTML renders");
    let markdown = reporter::markdown::render(&report);
    let sarif: serde_json::Value =
        serde_json::from_str(&reporter::sarif::render(&report)).expect("SARIF is JSON");
    let github = reporter::sarif::github(&report);
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    for kind in FindingKind::ALL {
        let probe = format!("probe-{}", kind.id());
        assert!(
            assessment.findings.iter().any(|f| f.finding.kind == *kind),
            "{probe} is assessed"
        );
        assert!(html.contains(&probe), "the HTML report shows {probe}");
        assert!(
            markdown.contains(&probe),
            "the Markdown comment shows {probe}"
        );
        let result = results.iter().find(|r| r["ruleId"] == kind.id());
        let annotated = github
            .lines()
            .any(|l| l.contains(&probe) && l.contains("file="));
        match kind.meta().points_at {
            PointsAt::Nothing => {
                assert!(
                    result.is_none(),
                    "{probe}: no project file, no SARIF result"
                );
                assert!(!annotated, "{probe}: no project file, no file annotation");
            }
            PointsAt::Subject | PointsAt::Manifest | PointsAt::ImporterElseManifest => {
                let result = result.unwrap_or_else(|| panic!("{probe} has a SARIF result"));
                let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{probe}'s result has a location"));
                let expected = sample(*kind).file().expect("a file").0;
                assert_eq!(uri, expected, "{probe} points at its file");
                assert!(
                    rules.iter().any(|r| r["id"] == kind.id()),
                    "{probe} has a SARIF rule"
                );
                assert!(annotated, "{probe} is annotated on its file");
            }
        }
    }
}
