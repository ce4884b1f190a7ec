//! The fuzz targets' inputs replayed on the stable toolchain: every crash the
//! fuzzers found (`fuzz/regressions/<target>/`), the committed seeds
//! (`fuzz/seeds/<target>/`) and the repository's own fixtures, through the same
//! entry points and invariant checks as `cargo fuzz run <target>` (see
//! fuzz/README.md). A failure names the target and the input.

mod common;

use std::path::{Path, PathBuf};

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    out.sort();
    out
}

fn has_ext(p: &Path, exts: &[&str]) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| exts.contains(&e))
}

/// The inputs fuzz/seed.sh copies from the repository for `target` (the same
/// choice, so the replay covers what the fuzzers started from). Targets whose
/// first byte picks a file name get it as the script gives it: 0.
fn repo_seeds(root: &Path, target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let fixtures = files_under(&root.join("fixtures"));
    let pick = |exts: &[&str]| -> Vec<PathBuf> {
        fixtures
            .iter()
            .filter(|p| has_ext(p, exts))
            .cloned()
            .collect()
    };
    let (files, prefix): (Vec<PathBuf>, bool) = match target {
        "secrets" => (fixtures.clone(), true),
        "python" => (pick(&["py"]), false),
        "rust" => (pick(&["rs"]), false),
        "js" => (pick(&["js", "ts", "jsx", "tsx", "mjs", "cjs"]), true),
        "config" => (
            vec![root.join("pyproject.toml"), root.join("tests/harness.toml")],
            false,
        ),
        "lockfile" => {
            let mut v = vec![root.join("Cargo.lock")];
            v.extend(
                fixtures
                    .iter()
                    .filter(|p| p.file_name().is_some_and(|n| n == "Cargo.lock"))
                    .cloned(),
            );
            (v, false)
        }
        "advisory" => (
            files_under(&root.join("tests/data/advisory-db/crates")),
            false,
        ),
        _ => (Vec::new(), false),
    };
    files
        .into_iter()
        .map(|p| {
            let mut data = if prefix { vec![0u8] } else { Vec::new() };
            data.extend(std::fs::read(&p).unwrap());
            (p, data)
        })
        .collect()
}

#[test]
fn every_crash_input_and_seed_replays_cleanly() {
    let root = common::manifest_dir();
    let mut ran = 0;
    let mut regressions = 0;
    for &(target, run) in botlint::fuzz::TARGETS {
        let mut inputs = repo_seeds(&root, target);
        for dir in ["seeds", "regressions"] {
            for p in files_under(&root.join("fuzz").join(dir).join(target)) {
                if dir == "regressions" {
                    regressions += 1;
                }
                let data = std::fs::read(&p).unwrap();
                inputs.push((p, data));
            }
        }
        assert!(!inputs.is_empty(), "no input for target {target}");
        for (path, data) in inputs {
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(
                outcome.is_ok(),
                "fuzz target {target} fails on {}",
                path.display()
            );
            ran += 1;
        }
    }
    assert!(ran > 50, "only {ran} inputs");
    assert!(regressions > 0, "fuzz/regressions/ holds no crash input");
}
