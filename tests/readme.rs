//! The README is checked against the code: every finding id it lists exists
//! (and it lists every one), and every flag its CLI reference names is a
//! flag of the binary (`perfscope <command> --help`).

use std::collections::BTreeSet;
use std::process::Command;

use model::finding::FindingKind;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md is readable")
}

/// The text between the first line that starts with `start` and the next
/// line that starts with `end`.
fn section<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(&format!("\n{start}"))
        .unwrap_or_else(|| panic!("README has a line starting with {start:?}"));
    let rest = &text[from + 1..];
    let to = rest[1..]
        .find(&format!("\n{end}"))
        .map_or(rest.len(), |i| i + 1);
    &rest[..to]
}

/// Every `` `code` `` span of `text`.
fn code_spans(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

#[test]
fn readme_lists_exactly_the_finding_ids() {
    let text = readme();
    let list = section(&text, "Finding kinds (", "Defaults without");
    let listed: BTreeSet<&str> = code_spans(list)
        .into_iter()
        .filter(|s| {
            s.chars()
                .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit())
        })
        .filter(|s| s.contains('-') || FindingKind::ALL.iter().any(|k| k.id() == *s))
        .collect();
    let known: BTreeSet<&str> = FindingKind::ALL.iter().map(|k| k.id()).collect();
    let unknown: Vec<_> = listed.difference(&known).collect();
    let missing: Vec<_> = known.difference(&listed).collect();
    assert!(
        unknown.is_empty(),
        "README lists ids the code does not have: {unknown:?}"
    );
    assert!(
        missing.is_empty(),
        "README's finding-kind list misses: {missing:?}"
    );
}

/// The flags a command's `--help` shows.
fn help_flags(args: &[&str]) -> BTreeSet<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_perfscope"))
        .args(args)
        .arg("--help")
        .output()
        .expect("the binary runs");
    assert!(out.status.success(), "{args:?} --help failed");
    flags_in(&String::from_utf8_lossy(&out.stdout))
}

/// `--long-flag` tokens of `text`.
fn flags_in(text: &str) -> BTreeSet<String> {
    let mut flags = BTreeSet::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(at) = text[i..].find("--") {
        let start = i + at;
        let before_ok = start == 0 || !(bytes[start - 1].is_ascii_alphanumeric());
        let mut end = start + 2;
        while end < bytes.len() && (bytes[end].is_ascii_lowercase() || bytes[end] == b'-') {
            end += 1;
        }
        if before_ok && end > start + 2 && bytes[start + 2].is_ascii_lowercase() {
            flags.insert(text[start..end].trim_end_matches('-').to_string());
        }
        i = end.max(start + 2);
    }
    flags
}

#[test]
fn readme_cli_flags_exist() {
    let text = readme();
    let reference = section(&text, "## CLI reference", "## Configuration");
    let commands = [
        "analyze", "bundle", "vitals", "serve", "report", "check", "merge", "diff", "schema",
    ];
    let mut known = help_flags(&[]);
    for c in commands {
        known.extend(help_flags(&[c]));
    }
    // Tables describe what perfscope reads in other tools' commands (`vite
    // build --ssr`, `node --import`): those are not perfscope's flags.
    let prose: String = reference
        .lines()
        .filter(|l| !l.trim_start().starts_with('|'))
        .collect::<Vec<_>>()
        .join("\n");
    let named = flags_in(&perfscope_text(&prose));
    assert!(named.len() > 20, "the CLI reference names flags: {named:?}");
    let unknown: Vec<_> = named.difference(&known).collect();
    assert!(
        unknown.is_empty(),
        "README's CLI reference names flags no command has: {unknown:?}"
    );
}

/// The text where perfscope's own flags are named: code spans that start
/// with `--` or `perfscope`, and the prose between code spans. A code span
/// that starts with another tool (`vitest --coverage`, `node --import tsx`)
/// names that tool's flags, not perfscope's.
fn perfscope_text(text: &str) -> String {
    text.split('`')
        .enumerate()
        .filter(|(i, part)| i % 2 == 0 || part.starts_with("--") || part.starts_with("perfscope"))
        .map(|(_, part)| part)
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn other_tools_flags_are_not_perfscopes() {
    let text = "run `vitest --coverage` or `perfscope check --baseline x`, `--no-cache`; --runs";
    let f = flags_in(&perfscope_text(text));
    assert_eq!(
        f.into_iter().collect::<Vec<_>>(),
        ["--baseline", "--no-cache", "--runs"]
    );
}

#[test]
fn flag_scanner_reads_flags_and_skips_prose() {
    let f = flags_in("use `--no-cache` or --format=json; a -- b; x--y --Upper");
    assert_eq!(
        f.into_iter().collect::<Vec<_>>(),
        vec!["--format".to_string(), "--no-cache".to_string()]
    );
}
