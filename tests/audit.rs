//! The dependency audit end to end: database lookup, missing and broken
//! databases, malformed lockfiles, `[audit] ignore`, yanked packages from a
//! local index cache, and `botlint db update` without git.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

fn test_db() -> PathBuf {
    common::manifest_dir().join("tests/data/advisory-db")
}

/// Run botlint in `cwd` with an empty HOME and extra environment.
fn run(cwd: &Path, home: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    common::botlint_env(cwd, home, args, env)
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn strings(doc: &serde_json::Value, key: &str) -> Vec<String> {
    doc[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

const REG: &str = "registry+https://github.com/rust-lang/crates.io-index";

fn lock(pkgs: &[(&str, &str)]) -> String {
    let mut s = String::from("version = 3\n");
    for (n, v) in pkgs {
        s.push_str(&format!(
            "\n[[package]]\nname = \"{n}\"\nversion = \"{v}\"\nsource = \"{REG}\"\n"
        ));
    }
    s
}

/// A project with one vulnerable and one unmaintained package.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Cargo.lock"),
        lock(&[
            ("hyperwire", "1.3.0"),
            ("oldfeed", "0.3.0"),
            ("serde", "1.0.0"),
        ]),
    )
    .unwrap();
    dir
}

fn ids(doc: &serde_json::Value) -> Vec<String> {
    let mut v: Vec<String> = common::findings(doc.to_string().as_bytes())
        .into_iter()
        .map(|(p, l, id)| format!("{p}:{l}:{id}"))
        .collect();
    v.sort();
    v
}

#[test]
fn db_from_flag_and_from_env() {
    let p = project();
    let home = common::isolated_home();
    let db = test_db();
    let want = vec![
        "Cargo.lock:4:vulnerable-dependency/RUSTSEC-2099-0101".to_string(),
        "Cargo.lock:9:unmaintained-dependency/RUSTSEC-2099-0103".to_string(),
    ];
    let out = run(
        p.path(),
        home.path(),
        &[],
        &["--format", "json", "--db", db.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(ids(&json(&out)), want);
    let out = run(
        p.path(),
        home.path(),
        &[("BOTLINT_ADVISORY_DB", db.to_str().unwrap())],
        &["--format", "json"],
    );
    assert_eq!(ids(&json(&out)), want);
    // ~/.cargo/advisory-db, where cargo-audit keeps it.
    let cargo = home.path().join(".cargo");
    std::fs::create_dir_all(&cargo).unwrap();
    std::os::unix::fs::symlink(&db, cargo.join("advisory-db")).unwrap();
    let out = run(p.path(), home.path(), &[], &["--format", "json"]);
    assert_eq!(ids(&json(&out)), want);
}

#[test]
fn no_database_warns_once_and_other_rules_still_run() {
    let p = project();
    std::fs::write(
        p.path().join("notify.py"),
        "BOT_TOKEN = \"7034491234:AAHq8ZxP3kQ-vL5rT9mN2bW7cY4dF6gJ1sE\"\n",
    )
    .unwrap();
    let home = common::isolated_home();
    let out = run(p.path(), home.path(), &[], &["--format", "json"]);
    let doc = json(&out);
    let warnings = strings(&doc, "warnings");
    let db_warnings: Vec<_> = warnings
        .iter()
        .filter(|w| w.contains("advisory database"))
        .collect();
    assert_eq!(db_warnings.len(), 1, "{warnings:?}");
    assert!(db_warnings[0].contains("botlint db update"), "{warnings:?}");
    assert!(db_warnings[0].contains("1 Cargo.lock was not checked"));
    assert!(strings(&doc, "errors").is_empty());
    assert!(
        ids(&doc)
            .iter()
            .any(|i| i.starts_with("notify.py:1:hardcoded-secret")),
        "{:?}",
        ids(&doc)
    );

    let out = run(
        p.path(),
        home.path(),
        &[],
        &["--format", "json", "--require-db"],
    );
    assert_eq!(out.status.code(), Some(2));
    let errors = strings(&json(&out), "errors");
    assert!(
        errors.iter().any(|e| e.contains("--require-db")),
        "{errors:?}"
    );
}

#[test]
fn a_named_database_that_is_not_there_is_an_error() {
    let p = project();
    let home = common::isolated_home();
    let out = run(
        p.path(),
        home.path(),
        &[],
        &["--format", "json", "--db", "no/such/db"],
    );
    assert_eq!(out.status.code(), Some(2));
    let errors = strings(&json(&out), "errors");
    assert!(
        errors.iter().any(|e| e.contains("--db no/such/db")),
        "{errors:?}"
    );
    let out = run(
        p.path(),
        home.path(),
        &[("BOTLINT_ADVISORY_DB", home.path().to_str().unwrap())],
        &["--format", "json"],
    );
    assert_eq!(out.status.code(), Some(2));
    let errors = strings(&json(&out), "errors");
    assert!(
        errors
            .iter()
            .any(|e| e.contains("not a RustSec advisory database")),
        "{errors:?}"
    );
}

#[test]
fn the_database_is_not_read_without_a_lockfile() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bot.py"), "print('hi')\n").unwrap();
    let home = common::isolated_home();
    let out = run(
        dir.path(),
        home.path(),
        &[],
        &["--format", "json", "--db", "no/such/db", "--require-db"],
    );
    assert_eq!(out.status.code(), Some(0));
    let doc = json(&out);
    assert!(strings(&doc, "warnings").is_empty());
    assert!(strings(&doc, "errors").is_empty());
}

#[test]
fn a_malformed_lockfile_is_an_error_naming_it_and_the_others_are_audited() {
    let p = project();
    let bad = p.path().join("broken");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(
        bad.join("Cargo.lock"),
        "version = 3\n\n[[package]]\nname = \"hyperwire\"\nversion = \n",
    )
    .unwrap();
    let bad_version = p.path().join("badversion");
    std::fs::create_dir_all(&bad_version).unwrap();
    std::fs::write(
        bad_version.join("Cargo.lock"),
        lock(&[("hyperwire", "one.two")]),
    )
    .unwrap();
    let home = common::isolated_home();
    let out = run(
        p.path(),
        home.path(),
        &[],
        &["--format", "json", "--db", test_db().to_str().unwrap()],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    let errors = strings(&doc, "errors");
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors.iter().any(
            |e| e.starts_with("broken/Cargo.lock: cannot parse Cargo.lock")
                && e.contains("line 5")
                && e.contains("not audited")
        ),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("badversion/Cargo.lock: cannot parse Cargo.lock")),
        "{errors:?}"
    );
    assert_eq!(ids(&doc).len(), 2, "the good lockfile is still audited");
}

#[test]
fn config_ignore_drops_the_advisory() {
    let p = project();
    std::fs::write(
        p.path().join("botlint.toml"),
        "[audit]\nignore = [\n  { id = \"RUSTSEC-2099-0101\", reason = \"hyperwire's chunked parser is not used\" },\n]\n",
    )
    .unwrap();
    let home = common::isolated_home();
    let out = run(
        p.path(),
        home.path(),
        &[],
        &["--format", "json", "--db", test_db().to_str().unwrap()],
    );
    assert_eq!(
        ids(&json(&out)),
        vec!["Cargo.lock:9:unmaintained-dependency/RUSTSEC-2099-0103".to_string()]
    );
    std::fs::write(
        p.path().join("botlint.toml"),
        "[audit]\nignore = [\n  { id = \"RUSTSEC-2099-0101\" },\n]\n",
    )
    .unwrap();
    let out = run(p.path(), home.path(), &[], &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("botlint.toml:3:") && stderr.contains("reason"),
        "{stderr}"
    );
}

#[test]
fn only_audit_rules_and_disabling_them() {
    let p = project();
    let home = common::isolated_home();
    let db = test_db();
    let out = run(
        p.path(),
        home.path(),
        &[],
        &[
            "--format",
            "json",
            "--db",
            db.to_str().unwrap(),
            "--only",
            "unmaintained-dependency",
        ],
    );
    let doc = json(&out);
    assert_eq!(
        ids(&doc),
        vec!["Cargo.lock:9:unmaintained-dependency/RUSTSEC-2099-0103".to_string()]
    );
    // Yanked was not asked for: no word about it.
    assert!(strings(&doc, "warnings")
        .iter()
        .all(|w| !w.contains("yanked")));
}

fn cache_file(entries: &[(&str, bool)]) -> Vec<u8> {
    let mut b = vec![3u8];
    b.extend_from_slice(&2u32.to_le_bytes());
    b.extend_from_slice(b"Unknown\0");
    for (v, y) in entries {
        b.extend_from_slice(v.as_bytes());
        b.push(0);
        b.extend_from_slice(format!(r#"{{"vers":"{v}","yanked":{y}}}"#).as_bytes());
        b.push(0);
    }
    b
}

#[test]
fn yanked_from_the_local_index_cache_and_what_was_not_checked() {
    let p = project();
    let home = common::isolated_home();
    let cache = home
        .path()
        .join("cargo/registry/index/index.crates.io-1949cf8c6b5b557f/.cache");
    std::fs::create_dir_all(cache.join("se/rd")).unwrap();
    std::fs::write(
        cache.join("se/rd/serde"),
        cache_file(&[("0.9.0", false), ("1.0.0", true)]),
    )
    .unwrap();
    std::fs::create_dir_all(cache.join("ol/df")).unwrap();
    std::fs::write(cache.join("ol/df/oldfeed"), cache_file(&[("0.3.0", false)])).unwrap();
    let cargo_home = home.path().join("cargo");
    let out = run(
        p.path(),
        home.path(),
        &[("CARGO_HOME", cargo_home.to_str().unwrap())],
        &["--format", "json", "--only", "yanked-dependency"],
    );
    let doc = json(&out);
    assert_eq!(
        ids(&doc),
        vec!["Cargo.lock:14:yanked-dependency".to_string()]
    );
    let warnings = strings(&doc, "warnings");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("1 of 3 crates.io packages not checked")
            && warnings[0].contains("hyperwire 1.3.0"),
        "{warnings:?}"
    );
    // No cache at all: say that nothing was checked.
    let out = run(
        p.path(),
        home.path(),
        &[],
        &["--format", "json", "--only", "yanked-dependency"],
    );
    let warnings = strings(&json(&out), "warnings");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("not checked for any of the 3")),
        "{warnings:?}"
    );
}

#[test]
fn db_update_without_git_says_so() {
    let home = common::isolated_home();
    let target = home.path().join("db");
    let out = run(
        home.path(),
        home.path(),
        &[("PATH", "/nonexistent")],
        &["db", "update", "--db", target.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`git` is not installed"), "{stderr}");
    // A directory that is not a checkout is left alone.
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join("notes.txt"), "mine").unwrap();
    let out = run(
        home.path(),
        home.path(),
        &[],
        &["db", "update", "--db", target.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not a git checkout"), "{stderr}");
}

#[test]
fn db_update_fast_forwards_an_existing_checkout() {
    let home = common::isolated_home();
    let upstream = home.path().join("upstream");
    std::fs::create_dir_all(&upstream).unwrap();
    common::git(&upstream, home.path(), &["init", "-q", "-b", "main"]);
    std::fs::write(upstream.join("README.md"), "one\n").unwrap();
    common::git(&upstream, home.path(), &["add", "."]);
    common::git(&upstream, home.path(), &["commit", "-qm", "one"]);
    common::git(home.path(), home.path(), &["clone", "-q", "upstream", "db"]);
    std::fs::write(upstream.join("README.md"), "two\n").unwrap();
    common::git(&upstream, home.path(), &["commit", "-qam", "two"]);
    let out = run(
        home.path(),
        home.path(),
        &[],
        &["db", "update", "--db", "db"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(home.path().join("db/README.md")).unwrap(),
        "two\n"
    );
}

#[test]
fn an_empty_database_is_not_a_clean_result() {
    let p = project();
    let home = common::isolated_home();
    let db = home.path().join("empty-db");
    std::fs::create_dir_all(db.join("crates")).unwrap();
    let out = run(
        p.path(),
        home.path(),
        &[],
        &["--format", "json", "--db", db.to_str().unwrap()],
    );
    let warnings = strings(&json(&out), "warnings");
    assert!(
        warnings.iter().any(|w| w.contains("holds no advisories")),
        "{warnings:?}"
    );
}

#[test]
fn a_malformed_advisory_is_a_warning_naming_it_and_the_rest_still_counts() {
    let p = project();
    let home = common::isolated_home();
    let db = home.path().join("db");
    for (pkg, id) in [
        ("hyperwire", "RUSTSEC-2099-0101"),
        ("oldfeed", "RUSTSEC-2099-0103"),
    ] {
        let dir = db.join("crates").join(pkg);
        std::fs::create_dir_all(&dir).unwrap();
        let name = format!("{id}.md");
        std::fs::copy(
            test_db().join("crates").join(pkg).join(&name),
            dir.join(&name),
        )
        .unwrap();
    }
    std::fs::write(
        db.join("crates/oldfeed/RUSTSEC-2099-0199.md"),
        "```toml\n[advisory]\nid = \"RUSTSEC-2099-0199\"\npackage = \"oldfeed\"\ndate = \"2026-13-01\"\n```\n\n# T\n\nD\n",
    )
    .unwrap();
    let out = run(
        p.path(),
        home.path(),
        &[],
        &["--format", "json", "--db", db.to_str().unwrap()],
    );
    let doc = json(&out);
    assert_eq!(ids(&doc).len(), 2);
    let warnings = strings(&doc, "warnings");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("crates/oldfeed/RUSTSEC-2099-0199.md: malformed advisory")),
        "{warnings:?}"
    );
    assert!(strings(&doc, "errors").is_empty());
}
