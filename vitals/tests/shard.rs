//! `--shard K/N` and `merge` on runs recorded from real Chromium
//! (`fixtures/vitals/artifacts/pages/`: three pages of `fixtures/vitals/site`
//! × 3 runs, saved with `perfscope vitals --page / --page /network.html
//! --page /react-profiling.html --runs 3 --save-artifacts`): every shard's
//! report goes through JSON, as it would between CI jobs, and the merge of
//! the shards equals the unsharded report of the same runs, field for field.

use std::path::PathBuf;

use model::vitals::VitalsReport;
use perfscope_vitals as vitals;
use vitals::shard::{MergeError, ShardSpec};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/vitals/artifacts/pages")
}

fn options(shard: Option<ShardSpec>) -> vitals::VitalsOptions {
    vitals::VitalsOptions {
        pages: vec![
            "/".into(),
            "/network.html".into(),
            "/react-profiling.html".into(),
        ],
        shard,
        ..vitals::VitalsOptions::default()
    }
}

/// Shard `index` of `count`, written as JSON and read back.
fn shard(index: usize, count: usize) -> (String, VitalsReport) {
    let report =
        vitals::from_artifacts(&dir(), &options(Some(ShardSpec { index, count }))).unwrap();
    let text = serde_json::to_string(&report).unwrap();
    (
        format!("shard-{index}.json"),
        serde_json::from_str(&text).unwrap(),
    )
}

fn shards(count: usize) -> Vec<(String, VitalsReport)> {
    (1..=count).map(|k| shard(k, count)).collect()
}

fn runs_of(report: &VitalsReport) -> Vec<Vec<usize>> {
    std::iter::once(report)
        .chain(&report.pages)
        .map(|p| p.runs.iter().map(|r| r.index).collect())
        .collect()
}

#[test]
fn the_merge_of_the_shards_is_the_unsharded_report() {
    let whole = vitals::from_artifacts(&dir(), &options(None)).unwrap();
    assert!(whole.shard.is_none());
    // The recording is worth merging: medians, findings, React, coverage.
    assert_eq!(runs_of(&whole), vec![vec![0, 1, 2]; 3]);
    assert!(whole.pages.iter().all(|p| p.median.is_some()));
    assert!(!whole.pages[0].findings.is_empty());
    assert!(whole.pages[1].react.detected);
    assert!(whole.coverage.is_some());
    for count in [2, 3, 4] {
        let parts = shards(count);
        // Each shard measured only its share: i = page × 3 + run, shard i mod N + 1.
        let sizes: usize = parts
            .iter()
            .map(|(_, r)| runs_of(r).iter().map(Vec::len).sum::<usize>())
            .sum();
        assert_eq!(sizes, 9, "{count} shards");
        assert_eq!(
            runs_of(&parts[1].1)[0],
            ShardSpec { index: 2, count }.runs_of(0, 3)
        );
        let merged = vitals::merge(&parts, &options(None)).unwrap();
        assert_eq!(merged, whole, "merge of {count} shards");
        // Given in any order.
        let mut reversed = parts.clone();
        reversed.reverse();
        assert_eq!(vitals::merge(&reversed, &options(None)).unwrap(), whole);
    }
}

#[test]
fn a_shard_alone_is_a_report_of_its_runs() {
    let (_, second) = shard(2, 3);
    // Runs 1, 4, 7 of the 9: run 1 of each page.
    assert_eq!(runs_of(&second), vec![vec![1]; 3]);
    let info = second.shard.as_ref().unwrap();
    assert_eq!((info.index, info.count, info.runs), (2, 3, 3));
    assert_eq!(second.median_index, Some(0));
    assert_eq!(second.median.as_ref().map(|m| m.index), Some(1));
    // Shard 4 of 4 holds pairs 3 and 7: no run of the first page, and says so.
    let (_, fourth) = shard(4, 4);
    assert_eq!(runs_of(&fourth), vec![vec![], vec![0], vec![1]]);
    assert!(
        fourth
            .diagnostics
            .iter()
            .any(|d| d.message.starts_with("shard 4/4 has no run of this page")),
        "{:?}",
        fourth.diagnostics
    );
}

#[test]
fn shards_that_do_not_fit_together_are_refused() {
    let parts = shards(3);
    let merge = |reports: &[(String, VitalsReport)]| vitals::merge(reports, &options(None));
    // The same shard twice, and none missing otherwise.
    let twice = vec![parts[0].clone(), parts[1].clone(), parts[1].clone()];
    assert!(matches!(merge(&twice), Err(MergeError::Overlap { .. })));
    assert_eq!(
        merge(&twice).unwrap_err().to_string(),
        "shard 2/3 is in both shard-2.json and shard-2.json: the shards overlap"
    );
    assert_eq!(
        merge(&parts[..2]),
        Err(MergeError::Missing { index: 3, count: 3 })
    );
    // Shards of another split of the runs.
    let mut mixed = shards(2);
    mixed.push(parts[2].clone());
    assert!(matches!(
        merge(&mixed),
        Err(MergeError::DifferentPlans { .. })
    ));
    // A shard measured with other budgets.
    let mut strict = options(Some(ShardSpec { index: 3, count: 3 }));
    strict.budgets.lcp_ms = Some(1.0);
    let other = vitals::from_artifacts(&dir(), &strict).unwrap();
    let with_other = vec![
        parts[0].clone(),
        parts[1].clone(),
        ("other.json".into(), other),
    ];
    assert!(matches!(
        merge(&with_other),
        Err(MergeError::DifferentPlans { .. })
    ));
    // Shards merged with another configuration than they were measured with.
    let mut merging = options(None);
    merging.budgets.lcp_ms = Some(1.0);
    assert_eq!(
        vitals::merge(&parts, &merging),
        Err(MergeError::DifferentSettings)
    );
    // A report made without --shard.
    let whole = vitals::from_artifacts(&dir(), &options(None)).unwrap();
    let not_a_shard = vec![parts[0].clone(), ("whole.json".into(), whole)];
    assert_eq!(
        merge(&not_a_shard),
        Err(MergeError::NotAShard {
            name: "whole.json".into()
        })
    );
    assert_eq!(merge(&[]), Err(MergeError::Empty));
}

#[test]
fn a_run_claimed_by_the_wrong_shard_is_refused() {
    let mut parts = shards(2);
    // Shard 1 pretends to hold run 1 of page 1, which is shard 2's.
    let moved = parts[1].1.shard.as_ref().unwrap().pages[0].runs[0].clone();
    parts[0].1.shard.as_mut().unwrap().pages[0].runs.push(moved);
    let err = vitals::merge(&parts, &options(None)).unwrap_err();
    assert!(
        err.to_string()
            .contains("run 2 of page 1 is not shard 1/2's"),
        "{err}"
    );
}
