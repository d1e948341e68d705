//! Bad input: symbolic links out of the folder, a 100 MB asset, a missing folder.
//! Nothing outside the folder is read; nothing panics.

use std::io::Write;

use perfscope_bundle::{BundleOptions, Compression, analyze};

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_folder_are_reported_and_never_read() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside");
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::create_dir_all(dist.join("assets")).unwrap();
    std::fs::write(outside.join("secret.js"), "const secret = 1;\n").unwrap();
    std::fs::write(
        outside.join("b.js.map"),
        r#"{"version":3,"sources":["secret.ts"],"names":[],"mappings":"AAAA"}"#,
    )
    .unwrap();
    std::fs::write(dist.join("a.js"), "console.log(1);\n").unwrap();
    std::fs::write(
        dist.join("b.js"),
        "console.log(2);\n//# sourceMappingURL=b.js.map\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.join("secret.js"), dist.join("secret.js")).unwrap();
    std::os::unix::fs::symlink(outside.join("b.js.map"), dist.join("b.js.map")).unwrap();
    std::os::unix::fs::symlink(&outside, dist.join("assets/linked-dir")).unwrap();
    // A link inside the folder is fine.
    std::os::unix::fs::symlink(dist.join("a.js"), dist.join("alias.js")).unwrap();

    let report = analyze(&dist, &BundleOptions::default()).unwrap();
    let paths: Vec<&str> = report.assets.iter().map(|a| a.path.as_str()).collect();
    assert_eq!(paths, vec!["a.js", "alias.js", "b.js"]);
    for link in ["secret.js", "b.js.map", "assets/linked-dir"] {
        assert!(
            report
                .diagnostics
                .iter()
                .any(|d| d.path == link && d.message.contains("outside")),
            "{link}: {:?}",
            report.diagnostics
        );
    }
    // b.js's map is the link out: not found inside, so not read.
    let b = report.assets.iter().find(|a| a.path == "b.js").unwrap();
    assert_eq!(b.unmapped_bytes, b.raw);
    assert!(b.sources.is_empty());
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.path == "b.js" && d.message.contains("not found"))
    );
}

#[test]
fn a_100_mb_asset_is_measured_without_panic() {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    let size: u64 = 100 * 1024 * 1024;
    let mut file = std::fs::File::create(dist.join("huge.js")).unwrap();
    let line = b"/* padding padding padding padding padding padding padding padding */\n";
    let mut written = 0u64;
    let block: Vec<u8> = line.iter().copied().cycle().take(1 << 20).collect();
    while written < size {
        file.write_all(&block).unwrap();
        written += block.len() as u64;
    }
    drop(file);
    std::fs::write(
        dist.join("index.html"),
        r#"<script type="module" src="huge.js"></script>"#,
    )
    .unwrap();
    let options = BundleOptions {
        compression: Compression {
            gzip: false,
            brotli: false,
        },
        ..BundleOptions::default()
    };
    let report = analyze(&dist, &options).unwrap();
    let huge = report.assets.iter().find(|a| a.path == "huge.js").unwrap();
    assert_eq!(huge.raw, size);
    assert_eq!(huge.unmapped_bytes, size);
    assert_eq!(report.entries[0].raw, size);
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.path == "huge.js" && d.message.contains("too large to parse"))
    );
}

#[test]
fn a_missing_folder_or_a_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    assert!(analyze(&dir.path().join("nope"), &BundleOptions::default()).is_err());
    let file = dir.path().join("file.js");
    std::fs::write(&file, "x").unwrap();
    let err = analyze(&file, &BundleOptions::default()).unwrap_err();
    assert!(err.to_string().contains("not a folder"));
}
