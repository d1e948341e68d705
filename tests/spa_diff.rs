//! The pull-request diff on a real before/after pair of a Vite React SPA
//! (`fixtures/spa-diff`, built by `fixtures/spa-diff/build.sh`): routes are
//! `React.lazy` chunks, a mock-data module uses lodash, and the head's
//! landing route gains `import _ from 'lodash'`. Rollup then moves lodash out
//! of the mock-data chunk (`db-[hash].js`) into a chunk of its own that the
//! landing route loads. The comment must say what users feel (the landing
//! route downloads ~26 KB more when it loads), tell lodash as a move, and
//! show no unchanged route chunk as removed and added (two route chunks
//! share the stripped name `discussions-[hash].js`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn perfscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_perfscope"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the perfscope binary runs")
}

/// `perfscope bundle` of one build, written to `out`.
fn bundle(dist: &str, out: &Path) {
    let run = perfscope(&[
        "bundle",
        dist,
        "--format",
        "json",
        "--no-brotli",
        "--no-cache",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    std::fs::write(out, run.stdout).expect("write the bundle report");
}

/// `perfscope diff` of the two builds in `format`.
fn diff(format: &str) -> Output {
    let tmp = tempfile::tempdir().expect("tmp");
    let (base, head): (PathBuf, PathBuf) =
        (tmp.path().join("base.json"), tmp.path().join("head.json"));
    bundle("fixtures/spa-diff/base/dist", &base);
    bundle("fixtures/spa-diff/head/dist", &head);
    perfscope(&[
        "diff",
        &base.display().to_string(),
        &head.display().to_string(),
        "--format",
        format,
    ])
}

#[test]
fn the_comment_leads_with_the_landing_route_and_tells_lodash_as_a_move() {
    let out = diff("markdown");
    let md = String::from_utf8(out.stdout).expect("UTF-8");
    let headline = md
        .lines()
        .find(|l| l.starts_with("**Biggest change:**"))
        .unwrap_or_else(|| panic!("no headline in\n{md}"));
    assert!(
        headline.starts_with("**Biggest change:** `src/routes/landing.jsx` (lazy chunk"),
        "{headline}"
    );
    assert!(
        headline.contains("downloads **+26.4 KB gzip** when it loads"),
        "{headline}"
    );
    // The per-chunk lines and the why tell the move, not a loss and a gain.
    assert!(
        md.contains(
            "| \u{1f500} | `assets/db-BOXlKHxd.js`, `lodash` moved to `assets/lodash-DSEcVWF-.js`"
        ),
        "{md}"
    );
    assert!(
        md.contains(
            "- `lodash` **moved** from `assets/db-ByXnkNXv.js` to `assets/lodash-DSEcVWF-.js`"
        ),
        "{md}"
    );
    assert!(
        !md.contains('\u{1f53d}') && !md.contains('\u{2796}'),
        "{md}"
    );
    insta::assert_snapshot!("spa_diff_lodash_moves_to_the_landing_route", md);
}

#[test]
fn every_route_chunk_is_paired_and_lodash_moved_whole() {
    let out = diff("json");
    let assessment: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let d = &assessment["bundle_diff"];
    // Shown: lodash's new chunk and the mock-data chunk it left. Every route
    // chunk (the two `discussions-[hash].js`, and `landing-BzlyYosz.js`
    // whose hash reads like a word) is paired with its head: a few bytes of
    // import paths changed, folded; nothing removed, nothing else added.
    let shown: Vec<(&str, &str, &str)> = d["assets"]
        .as_array()
        .expect("assets")
        .iter()
        .map(|a| {
            (
                a["status"].as_str().unwrap_or(""),
                a["base_path"].as_str().unwrap_or("-"),
                a["head_path"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(
        shown,
        vec![
            ("added", "-", "assets/lodash-DSEcVWF-.js"),
            ("changed", "assets/db-ByXnkNXv.js", "assets/db-BOXlKHxd.js"),
        ],
        "{d:#}"
    );
    assert_eq!(d["folded"]["count"], 6, "{d:#}");
    // Each route chunk is named by its module and weighed with what it loads.
    let routes: Vec<(&str, &str, &str, i64)> = d["lazy_chunks"]
        .as_array()
        .expect("lazy chunks")
        .iter()
        .map(|l| {
            (
                l["name"].as_str().unwrap_or(""),
                l["base_path"].as_str().unwrap_or("-"),
                l["head_path"].as_str().unwrap_or("-"),
                l["load"]["head"].as_i64().unwrap_or(0) - l["load"]["base"].as_i64().unwrap_or(0),
            )
        })
        .collect();
    let names: Vec<(&str, &str, &str)> = routes.iter().map(|r| (r.0, r.1, r.2)).collect();
    assert_eq!(
        names,
        vec![
            (
                "src/routes/admin/discussions.jsx",
                "assets/discussions-DmUAL0Df.js",
                "assets/discussions-DRsXR1dQ.js"
            ),
            (
                "src/routes/discussions.jsx",
                "assets/discussions-CmxNcTTo.js",
                "assets/discussions-CmfdFRHh.js"
            ),
            (
                "src/routes/landing.jsx",
                "assets/landing-BzlyYosz.js",
                "assets/landing-BoMII5Zq.js"
            ),
            (
                "src/routes/settings.jsx",
                "assets/settings-CZIHcn6r.js",
                "assets/settings-CyJSCXg5.js"
            ),
        ]
    );
    // The landing route now downloads lodash; the others already did.
    assert!((26_000..27_000).contains(&routes[2].3), "{routes:?}");
    for other in [&routes[0], &routes[1], &routes[3]] {
        assert!(other.3.abs() < 300, "{routes:?}");
    }
    // lodash moved whole (~71.6 KB minified) from db to its own chunk, and
    // is no mover: the build ships as much of it as before.
    let lodash = &d["moves"][0];
    assert_eq!(lodash["name"], "lodash");
    assert_eq!(lodash["from"], serde_json::json!(["assets/db-ByXnkNXv.js"]));
    assert_eq!(
        lodash["to"],
        serde_json::json!(["assets/lodash-DSEcVWF-.js"])
    );
    assert!(
        (71_000..72_000).contains(&lodash["bytes"].as_i64().unwrap_or(0)),
        "{lodash:#}"
    );
    assert_eq!(d["moves"].as_array().map(Vec::len), Some(1), "{d:#}");
    assert!(
        d["movers"]
            .as_array()
            .expect("movers")
            .iter()
            .all(|m| !m["name"].as_str().unwrap_or("").starts_with("lodash")),
        "{d:#}"
    );
}
