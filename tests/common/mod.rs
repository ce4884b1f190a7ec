//! Helpers shared by the integration tests: run the real binary in an
//! isolated environment (no user git config, no global excludes, no colour).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// An empty HOME so that the machine's global git excludes and config do not leak in.
pub fn isolated_home() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp home")
}

pub fn botlint(cwd: &Path, home: &Path, args: &[&str]) -> Output {
    botlint_env(cwd, home, args, &[])
}

/// [`botlint`] with extra environment variables (the GitHub Actions ones are
/// removed unless given here, so a run inside CI behaves like one outside).
pub fn botlint_env(cwd: &Path, home: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_botlint"));
    for k in [
        "GITHUB_STEP_SUMMARY",
        "GITHUB_SERVER_URL",
        "GITHUB_REPOSITORY",
        "GITHUB_SHA",
        "GITHUB_ACTIONS",
    ] {
        cmd.env_remove(k);
    }
    cmd.args(args)
        .current_dir(cwd)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("NO_COLOR", "1")
        .env_remove("BOTLINT_ADVISORY_DB")
        .env_remove("CARGO_HOME")
        // Last, so a test can set what the isolation removes (BOTLINT_ADVISORY_DB, CARGO_HOME).
        .envs(envs.iter().copied())
        .output()
        .expect("run botlint")
}

pub fn git(cwd: &Path, home: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(cwd)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@t.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@t.invalid")
        .output()
        .expect("git is needed by the tests");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// (path, line, full rule id) of every finding in a JSON report.
pub fn findings(json: &[u8]) -> Vec<(String, usize, String)> {
    let doc: serde_json::Value = serde_json::from_slice(json)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(json)));
    let mut out: Vec<_> = doc["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| {
            let rule = f["rule"].as_str().unwrap().to_string();
            let id = match f["sub_id"].as_str() {
                Some(s) => format!("{rule}/{s}"),
                None => rule,
            };
            (
                f["path"].as_str().unwrap().to_string(),
                f["span"]["start_line"].as_u64().unwrap() as usize,
                id,
            )
        })
        .collect();
    out.sort();
    out
}

/// Scan `dir` with `--format json --exit-zero`, assert a clean exit, and return the
/// output with its parsed document.
pub fn scan_json(dir: &Path, home: &Path) -> (Output, serde_json::Value) {
    let out = botlint(dir, home, &[".", "--format", "json", "--exit-zero"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = serde_json::from_slice(&out.stdout).expect("JSON report");
    (out, doc)
}

/// The reason a file is listed under `parse_errors`, if it is.
pub fn parse_error(doc: &serde_json::Value, path: &str) -> Option<String> {
    doc["parse_errors"]
        .as_array()?
        .iter()
        .find(|e| e["path"] == path)
        .map(|e| e["reason"].as_str().unwrap_or_default().to_string())
}

/// Two string fields of every entry of a report list (`findings`, `skipped`…),
/// e.g. `("path", "reason")`.
pub fn field_pairs(doc: &serde_json::Value, list: &str, a: &str, b: &str) -> Vec<(String, String)> {
    doc[list]
        .as_array()
        .unwrap_or_else(|| panic!("report has no {list:?} list"))
        .iter()
        .map(|e| (e[a].as_str().unwrap().into(), e[b].as_str().unwrap().into()))
        .collect()
}

/// SplitMix64, for randomized tests: no dependency, and a seed gives the same
/// numbers everywhere (a fuzz seed printed by CI repeats its inputs).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}
