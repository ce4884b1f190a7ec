//! Entry points for the fuzz targets in `fuzz/` and for their replay test
//! (`tests/fuzz_regressions.rs`), which runs every saved crash input and seed
//! through them on the stable toolchain.
//!
//! Each takes arbitrary bytes, drives one input surface through the same
//! functions a scan uses, and panics when an invariant breaks (a panic is what
//! the fuzzer reports as a crash). Not an API for anything else.

use crate::classify::{classify, Kind};
use crate::config::Config;
use crate::finding::{Finding, Location};
use crate::lang::{js, python, rust};
use crate::repo::audit::{self, db, lockfile, Severities};
use crate::repo::gitindex;
use crate::scan::FileScanner;
use crate::secrets::SecretEngine;
use std::path::{Component, Path};
use std::sync::OnceLock;

/// A target's entry point.
pub type Target = fn(&[u8]);

/// Every target: its name (the directory of its corpus and its crash inputs)
/// and its entry point.
pub const TARGETS: &[(&str, Target)] = &[
    ("secrets", secrets),
    ("python", python),
    ("rust", rust),
    ("js", js),
    ("config", config),
    ("lockfile", lockfile),
    ("advisory", advisory),
    ("gitindex", gitindex),
];

/// The default config's per-file pass; `parse_all` skips the code-rule
/// prefilter so that every input reaches the parser.
fn scanner(parse_all: bool) -> &'static FileScanner {
    static PLAIN: OnceLock<FileScanner> = OnceLock::new();
    static ALL: OnceLock<FileScanner> = OnceLock::new();
    let cell = if parse_all { &ALL } else { &PLAIN };
    cell.get_or_init(|| {
        let mut s = FileScanner::new(Config::default(), Vec::new()).expect("default scanner");
        s.parse_all = parse_all;
        s
    })
}

fn engine() -> &'static SecretEngine {
    static E: OnceLock<SecretEngine> = OnceLock::new();
    E.get_or_init(|| SecretEngine::new(Vec::new(), &[]).expect("default engine"))
}

/// The first byte picks one of `names`; the rest is the file's content.
fn split<'a>(data: &'a [u8], names: &[&'static str]) -> (&'static str, &'a [u8]) {
    match data.split_first() {
        Some((&b, rest)) => (names[usize::from(b) % names.len()], rest),
        None => (names[0], data),
    }
}

/// What every finding of a per-file pass over `bytes` must satisfy: a span
/// inside the file, and no full secret in its snippet or message.
fn check_findings(name: &str, bytes: &[u8], findings: &[Finding]) {
    let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    // The pass decodes UTF-16 first: offsets of the raw bytes would not match.
    let utf16 = matches!(bytes.get(..2), Some([0xFF, 0xFE] | [0xFE, 0xFF]));
    let secrets: Vec<String> = if utf16 {
        Vec::new()
    } else {
        // The secrets the pass itself found (same engine, same kind); short
        // ones may well occur on a line by chance.
        let kind = classify(Path::new(name), &bytes[..bytes.len().min(256)]);
        engine()
            .scan(bytes, kind)
            .iter()
            .map(|h| String::from_utf8_lossy(&bytes[h.start..h.end]).into_owned())
            .filter(|s| s.chars().count() >= 8)
            .collect()
    };
    for f in findings {
        let s = &f.span;
        assert!(
            s.start_line >= 1 && s.start_line <= s.end_line && (utf16 || s.end_line <= lines),
            "{}: span {s:?} outside the {lines} lines of the file",
            f.full_id()
        );
        assert!(s.start_col >= 1 && s.end_col >= 1, "{}: {s:?}", f.full_id());
        if let (Some(snippet), Some((a, b))) = (&f.snippet, f.highlight) {
            assert!(
                a <= b && b <= snippet.len(),
                "{}: highlight {a}..{b} outside the snippet {snippet:?}",
                f.full_id()
            );
            assert!(
                snippet.is_char_boundary(a) && snippet.is_char_boundary(b),
                "{}: highlight {a}..{b} splits a character of {snippet:?}",
                f.full_id()
            );
        }
        for secret in &secrets {
            let shown = |t: &str| t.contains(secret.as_str());
            assert!(
                !f.snippet.as_deref().is_some_and(shown),
                "{}: the snippet {:?} holds the full secret {secret:?}",
                f.full_id(),
                f.snippet
            );
            assert!(
                !shown(&f.message),
                "{}: the message {:?} holds the full secret {secret:?}",
                f.full_id(),
                f.message
            );
        }
    }
}

/// The secret engine on arbitrary bytes (the first byte picks the file's
/// kind): hits lie inside the input, in order, without overlap, hashed; then
/// the whole per-file pass, whose findings never show a full secret.
pub fn secrets(data: &[u8]) {
    let names = [
        "notes.txt",
        ".env",
        "config.json",
        "config.yaml",
        "settings.ini",
        "main.go",
        "bot.py",
        "bot.ts",
        "main.rs",
        "Cargo.lock",
    ];
    let (name, bytes) = split(data, &names);
    let kind = classify(Path::new(name), &bytes[..bytes.len().min(256)]);
    let hits = engine().scan(bytes, kind);
    let mut prev_end = 0;
    for h in &hits {
        assert!(
            h.start < h.end && h.end <= bytes.len(),
            "{}: hit {}..{} outside 0..{}",
            h.pattern_id,
            h.start,
            h.end,
            bytes.len()
        );
        assert!(h.start >= prev_end, "{}: hits overlap", h.pattern_id);
        prev_end = h.end;
        assert_eq!(
            h.hash,
            crate::finding::stable_hash(&[&bytes[h.start..h.end]])
        );
    }
    let out = scanner(false).scan(name, bytes.to_vec());
    check_findings(name, bytes, &out.findings);
}

/// A language front end through the per-file pass (prefilter off, so the
/// parser sees every input), then straight: the facts' code-rule hits lie
/// inside the text, on character boundaries.
fn front_end(name: &str, bytes: &[u8]) {
    let out = scanner(true).scan(name, bytes.to_vec());
    check_findings(name, bytes, &out.findings);
    if out.skipped.is_some() {
        return; // binary: never parsed
    }
    let src = crate::source::SourceFile::new(name.to_string(), bytes.to_vec());
    let text = src.text();
    assert_eq!(text.len(), bytes.len(), "the text's offsets are the file's");
    let key = match classify(Path::new(name), b"") {
        Kind::Source(crate::classify::Lang::JavaScript) => "javascript",
        Kind::Source(crate::classify::Lang::Rust) => "rust",
        _ => "python",
    };
    let (clients, sinks) = (
        crate::rules::http_clients().lang(key).expect("clients"),
        crate::rules::log_sinks().lang(key).expect("sinks"),
    );
    let facts = match key {
        "javascript" => match js::screen(bytes) {
            Ok(screened) => js::extract_screened(&text, name, sinks, screened).facts,
            Err(_) => return,
        },
        "rust" if rust::too_deep(bytes).is_none() => rust::extract(&text, sinks).facts,
        "python" if python::too_deep(bytes).is_none() => python::extract(&text, sinks).facts,
        _ => return,
    };
    let input = crate::checks::CheckInput {
        facts: &facts,
        clients,
        sinks,
        names: crate::rules::sensitive_names(),
    };
    for hit in crate::checks::run(&input, |_| true) {
        let (a, b) = hit.span;
        assert!(
            a <= b && b <= text.len() && text.is_char_boundary(a) && text.is_char_boundary(b),
            "{}: span {a}..{b} is not a range of the {}-byte text",
            hit.rule,
            text.len()
        );
    }
}

/// The Python front end (ruff_python_parser).
pub fn python(data: &[u8]) {
    front_end("fuzz.py", data);
}

/// The Rust front end (syn).
pub fn rust(data: &[u8]) {
    front_end("fuzz.rs", data);
}

/// The JavaScript/TypeScript front end (oxc); the first byte picks the dialect.
pub fn js(data: &[u8]) {
    let (name, bytes) = split(
        data,
        &["fuzz.js", "fuzz.ts", "fuzz.jsx", "fuzz.tsx", "fuzz.cjs"],
    );
    front_end(name, bytes);
}

/// `botlint.toml` and `[tool.botlint]` in `pyproject.toml`: an error names the
/// file, never panics; a config that loads builds its secret engine, which
/// then scans the config's own text.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return; // `Config::load` refuses non-UTF-8 before parsing
    };
    let loaded = [
        Config::parse(text, Path::new("botlint.toml")),
        Config::parse_pyproject(text, Path::new("pyproject.toml"))
            .and_then(|c| c.ok_or_else(|| anyhow::anyhow!("pyproject.toml: no table"))),
    ];
    for cfg in loaded {
        match cfg {
            Err(e) => {
                let msg = e.to_string();
                assert!(
                    msg.starts_with("botlint.toml") || msg.starts_with("pyproject.toml"),
                    "the error does not name the file: {msg:?}"
                );
            }
            Ok(cfg) if cfg.patterns.is_empty() && cfg.allowlist.is_empty() => {}
            Ok(cfg) => {
                // Patterns and allowlists were checked while loading: they build.
                let s = FileScanner::new(cfg, Vec::new())
                    .unwrap_or_else(|e| panic!("a loaded config's engine fails: {e:#}"));
                s.scan("botlint.toml", data.to_vec());
            }
        }
    }
}

/// The test advisory database (tests/data/advisory-db), loaded once.
fn test_db() -> &'static db::AdvisoryDb {
    static DB: OnceLock<db::AdvisoryDb> = OnceLock::new();
    DB.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/advisory-db");
        db::AdvisoryDb::load(&dir).expect("tests/data/advisory-db")
    })
}

fn every_audit_rule() -> Severities {
    let sev = Some(crate::finding::Severity::Error);
    Severities {
        vulnerable: sev,
        unsound: sev,
        unmaintained: sev,
        notice: sev,
        yanked: None, // would read the machine's cargo index cache
    }
}

/// Audit `text` as a `Cargo.lock` against `db`: every finding sits on a
/// package's name in the text.
fn audit_text(text: &str, db: &db::AdvisoryDb) {
    let Ok(parsed) = audit::ParsedLock::from_text("Cargo.lock", text.to_string()) else {
        return;
    };
    let (audited, _) = audit::audit_one(parsed, Some(db), None, every_audit_rule(), &[]);
    for f in &audited.findings {
        if let Location::Bytes(s, e) = f.location {
            assert!(
                s <= e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e),
                "{}: {s}..{e} is not a range of the lockfile",
                f.rule
            );
        }
    }
}

/// `Cargo.lock`: the block reader's spans are the package names, and parsing
/// and auditing against the test database never panic.
pub fn lockfile(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return; // reported as "not valid UTF-8" before parsing
    };
    for b in lockfile::blocks(text) {
        let (s, e) = b.name_span;
        assert_eq!(text.get(s..e), Some(b.name.as_str()), "name span {s}..{e}");
    }
    audit_text(text, test_db());
}

/// One advisory file (`crates/<package>/<id>.md`): parsing never panics, the
/// peeked date is a date, and a parsed advisory is matched against
/// lockfiles holding its package at a few versions.
pub fn advisory(data: &[u8]) {
    if let Some((_, m, d)) = db::peek_date_in(data) {
        assert!((1..=12).contains(&m) && (1..=31).contains(&d));
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return; // "cannot read" before parsing
    };
    let path = Path::new("crates/hyperwire/RUSTSEC-2099-0101.md");
    let Ok(Some(adv)) = db::parse_advisory(text, path) else {
        return;
    };
    let name = adv.metadata.package.as_str().to_string();
    let one = db::AdvisoryDb::from_advisories(vec![adv]);
    let mut lock = String::from("version = 3\n");
    for v in ["0.0.0", "0.1.0", "1.0.0", "1.2.3-alpha.1", "99.99.99"] {
        lock.push_str(&format!(
            "\n[[package]]\nname = \"{name}\"\nversion = \"{v}\"\n\
             source = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
        ));
    }
    audit_text(&lock, &one);
}

/// Git's index, with SHA-1 and SHA-256 object ids: never panics, and no path
/// it yields leaves the working tree (absolute, `..`, empty parts).
pub fn gitindex(data: &[u8]) {
    for hash_len in [20, 32] {
        let Ok(paths) = gitindex::parse_index(data, hash_len) else {
            continue;
        };
        for p in paths {
            let escapes = p.is_empty()
                || p.contains('\0')
                || Path::new(&p)
                    .components()
                    .any(|c| !matches!(c, Component::Normal(_)))
                || p.split('/').any(str::is_empty);
            assert!(!escapes, "index path {p:?} leaves the working tree");
        }
    }
}
