//! The fixture harness: every file under `fixtures/` states its expected
//! findings inline (`# expect: rule-id` / `// expect: rule/sub-id, other`), or,
//! for files that cannot hold comments, in an `expect.toml` beside them:
//!
//! ```toml
//! [[expect]]
//! file = "config.json"
//! line = 4
//! rule = "hardcoded-secret/binance-api-secret"
//! ```
//!
//! One run of the real binary over `fixtures/`; the test fails on any missing
//! and any unexpected finding and prints both lists. An expectation naming only
//! the rule (`hardcoded-secret`) accepts any sub-id.

mod common;

use regex::Regex;
use std::collections::BTreeMap;
use std::path::Path;
use walkdir::WalkDir;

#[derive(serde::Deserialize)]
struct ExpectFile {
    expect: Vec<Expect>,
}

#[derive(serde::Deserialize)]
struct Expect {
    file: String,
    line: usize,
    rule: String,
}

/// (path, line) -> expected ids, from inline comments and expect.toml files.
fn expectations(root: &Path) -> BTreeMap<(String, usize), Vec<String>> {
    let marker = Regex::new(r"(?:#|//|/\*|<!--|;|--)\s*expect:\s*([A-Za-z0-9_\-/, ]+)").unwrap();
    let mut out: BTreeMap<(String, usize), Vec<String>> = BTreeMap::new();
    for entry in WalkDir::new(root).sort_by_file_name() {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(root.parent().unwrap())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        if entry.file_name() == "expect.toml" {
            let dir = rel.trim_end_matches("expect.toml");
            let f: ExpectFile = toml::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
            for e in f.expect {
                out.entry((format!("{dir}{}", e.file), e.line))
                    .or_default()
                    .push(e.rule);
            }
            continue;
        }
        for (i, line) in text.lines().enumerate() {
            if let Some(c) = marker.captures(line) {
                for id in c[1].split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    out.entry((rel.clone(), i + 1))
                        .or_default()
                        .push(id.to_string());
                }
            }
        }
    }
    out
}

#[test]
fn fixtures_report_exactly_what_they_expect() {
    let root = common::manifest_dir();
    let home = common::isolated_home();
    let out = common::botlint(
        &root,
        home.path(),
        &[
            "fixtures",
            "--format",
            "json",
            "--exit-zero",
            "--config",
            "tests/harness.toml",
            // The test advisory database (outside fixtures/: everything there is scanned).
            "--db",
            "tests/data/advisory-db",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut actual: BTreeMap<(String, usize), Vec<String>> = BTreeMap::new();
    for (path, line, id) in common::findings(&out.stdout) {
        actual.entry((path, line)).or_default().push(id);
    }
    let expected = expectations(&root.join("fixtures"));
    assert!(
        !expected.is_empty(),
        "no expectations found under fixtures/"
    );

    let mut missing = Vec::new();
    let mut extra = Vec::new();
    let keys: std::collections::BTreeSet<_> = expected.keys().chain(actual.keys()).collect();
    for key in keys {
        let mut want = expected.get(key).cloned().unwrap_or_default();
        let mut got = actual.get(key).cloned().unwrap_or_default();
        // Match exact ids first, then rule-only expectations against any sub-id.
        want.sort_by_key(|w| !w.contains('/'));
        let mut unmatched_want = Vec::new();
        for w in want {
            let pos = got
                .iter()
                .position(|g| *g == w || (!w.contains('/') && g.split('/').next() == Some(&w)));
            match pos {
                Some(p) => {
                    got.remove(p);
                }
                None => unmatched_want.push(w),
            }
        }
        for w in unmatched_want {
            missing.push(format!("  {}:{}: {w}", key.0, key.1));
        }
        for g in got {
            extra.push(format!("  {}:{}: {g}", key.0, key.1));
        }
    }
    assert!(
        missing.is_empty() && extra.is_empty(),
        "fixture findings differ\nmissing (expected, not reported):\n{}\nunexpected (reported, not expected):\n{}",
        missing.join("\n"),
        extra.join("\n")
    );
}

#[test]
fn example_bot_is_clean_with_default_settings() {
    let root = common::manifest_dir();
    let home = common::isolated_home();
    let out = common::botlint(&root, home.path(), &["fixtures/example-bot"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "the example bot must pass clean:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("no findings"), "{stdout}");
}
