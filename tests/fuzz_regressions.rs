//! The fuzz targets' inputs replayed on the stable toolchain: every crash the
//! fuzzers found (`fuzz/regressions/<target>/`), the committed seeds
//! (`fuzz/seeds/<target>/`) and the repository's own fixtures, through the same
//! entry points and invariant checks as `cargo fuzz run <target>` (see
//! fuzz/README.md). A failure names the target and the input.
//!
//! `fuzz_smoke` (ignored by a plain `cargo test`; .ci/run runs it in release
//! mode) mutates the same inputs at random for a bounded time: see below.

mod common;

use common::Rng;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

/// The first byte that makes `target` (one whose first byte picks the file
/// name, src/fuzz.rs) scan `p` as a file of its own kind; fuzz/seed.sh's
/// `name_byte` makes the same choice.
fn name_byte(target: &str, p: &Path) -> u8 {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
    match (target, ext) {
        ("secrets", _) if name.starts_with(".env") => 1,
        ("secrets", _) if name == "Cargo.lock" => 9,
        ("secrets", "json" | "ipynb") => 2,
        ("secrets", "yaml" | "yml") => 3,
        ("secrets", "ini" | "cfg") => 4,
        ("secrets", "go") => 5,
        ("secrets", "py") => 6,
        ("secrets", "ts" | "js" | "tsx" | "jsx" | "mjs" | "cjs") => 7,
        ("secrets", "rs") => 8,
        ("js", "ts") => 1,
        ("js", "jsx") => 2,
        ("js", "tsx") => 3,
        ("js", "cjs") => 4,
        _ => 0,
    }
}

/// The inputs fuzz/seed.sh copies from the repository for `target` (the same
/// choice, so the replay covers what the fuzzers started from). Targets whose
/// first byte picks a file name get it as the script gives it ([`name_byte`]).
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
            let mut data = if prefix {
                vec![name_byte(target, &p)]
            } else {
                Vec::new()
            };
            data.extend(std::fs::read(&p).unwrap());
            (p, data)
        })
        .collect()
}

/// Every input of `target`: the repository's seeds, then the committed seeds
/// and crash inputs under fuzz/; and how many of them are crash inputs.
fn inputs_for(root: &Path, target: &str) -> (Vec<(PathBuf, Vec<u8>)>, usize) {
    let mut inputs = repo_seeds(root, target);
    let mut regressions = 0;
    for dir in ["seeds", "regressions"] {
        for p in files_under(&root.join("fuzz").join(dir).join(target)) {
            if dir == "regressions" {
                regressions += 1;
            }
            let data = std::fs::read(&p).unwrap();
            inputs.push((p, data));
        }
    }
    (inputs, regressions)
}

#[test]
fn every_crash_input_and_seed_replays_cleanly() {
    let root = common::manifest_dir();
    let mut ran = 0;
    let mut regressions = 0;
    for &(target, run) in botlint::fuzz::TARGETS {
        let (inputs, crashes) = inputs_for(&root, target);
        regressions += crashes;
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

// ---------------------------------------------------------------------------
// The CI smoke: a few seconds of blind mutation per target on the stable
// toolchain (no cargo-fuzz, no coverage feedback), for CI where building the
// nightly targets would take far too long. Ignored by a plain `cargo test`;
// .ci/run runs it in release mode:
//
//   cargo test --release --test fuzz_regressions -- --ignored --nocapture
//
// Environment: BOTLINT_FUZZ_SECS (total budget across targets, default 60),
// BOTLINT_FUZZ_SEED (default: from the clock; printed either way),
// BOTLINT_FUZZ_TARGETS (comma-separated, default all), BOTLINT_FUZZ_HANG_SECS
// (one input taking longer is a hang, default 10), BOTLINT_FUZZ_OUT (where a
// failing input is written, default target/tmp/fuzz-smoke).

impl Rng {
    /// A length for a range of a `len`-byte input: mostly short, sometimes
    /// anything up to all of it.
    fn len(&mut self, len: usize) -> usize {
        let max = if self.below(4) == 0 { len } else { len.min(16) };
        1 + self.below(max.max(1))
    }
}

/// Bytes that matter to some input format (quoting, nesting, comments,
/// encodings, the first bytes of secrets and of the lockfile and index
/// grammars); the `insert token` mutation picks one.
const TOKENS: &[&[u8]] = &[
    b"\0",
    b"\xff",
    b"\x7f",
    b"\x80",
    b"\n",
    b"\r\n",
    b"\t",
    b" ",
    b"\"",
    b"'",
    b"`",
    b"\\",
    b"{",
    b"}",
    b"[",
    b"]",
    b"(",
    b")",
    b"<",
    b">",
    b"=",
    b":",
    b",",
    b".",
    b"#",
    b"//",
    b"/*",
    b"*/",
    b"\"\"\"",
    b"${",
    b"{{",
    b"f\"{",
    b"r#\"",
    b"\xc3",
    b"\xe2\x82\xac",
    b"\xf0\x9f\x94\x91",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xef\xbb\xbf",
    b"0x",
    b"1e999",
    b"-1",
    b"99999999999999999999",
    b"AKIA",
    b"sk-",
    b"ghp_",
    b"xoxb-",
    b"-----BEGIN ",
    b"api_key",
    b"secret",
    b"password",
    b"token",
    b"http://",
    b"ws://",
    b"?key=",
    b"verify=False",
    b"timeout=None",
    b"botlint: ignore",
    b"[[package]]",
    b"version = ",
    b"```toml\n",
    b"[advisory]",
    b"DIRC",
    b"\0\0\0\x02",
    b"\0\0\0\x04",
];

/// One input made from `base`: 1–8 stacked byte mutations (flip, set,
/// insert, insert token, delete, duplicate, splice with another input,
/// truncate), capped at 1 MiB.
fn mutate(rng: &mut Rng, base: &[u8], others: &[(PathBuf, Vec<u8>)]) -> Vec<u8> {
    let mut d = base.to_vec();
    for _ in 0..1 + rng.below(8) {
        let n = d.len();
        let at = rng.below(n + 1);
        match rng.below(8) {
            0 if n > 0 => {
                let i = rng.below(n);
                d[i] ^= 1 << rng.below(8);
            }
            1 if n > 0 => {
                let i = rng.below(n);
                d[i] = match rng.below(3) {
                    0 => rng.next() as u8,
                    1 => TOKENS[rng.below(TOKENS.len())][0],
                    _ => d[i].wrapping_add(rng.below(5) as u8).wrapping_sub(2),
                };
            }
            2 => {
                let bytes: Vec<u8> = (0..rng.len(8)).map(|_| rng.next() as u8).collect();
                d.splice(at..at, bytes);
            }
            3 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                d.splice(at..at, t.iter().copied());
            }
            4 if n > 0 => {
                let i = rng.below(n);
                let k = rng.len(n - i);
                d.drain(i..i + k);
            }
            5 if n > 0 => {
                let i = rng.below(n);
                let k = rng.len(n - i);
                let chunk = d[i..i + k].to_vec();
                let times = if rng.below(8) == 0 {
                    1 + rng.below(64)
                } else {
                    1
                };
                for _ in 0..times {
                    d.splice(at..at, chunk.iter().copied());
                }
            }
            6 => {
                let other = &others[rng.below(others.len())].1;
                if !other.is_empty() {
                    let i = rng.below(other.len());
                    let k = rng.len(other.len() - i);
                    if rng.below(2) == 0 {
                        d.truncate(at);
                        d.extend_from_slice(&other[i..]);
                    } else {
                        d.splice(at..at, other[i..i + k].iter().copied());
                    }
                }
            }
            _ => d.truncate(at),
        }
        d.truncate(1 << 20);
    }
    d
}

/// FNV-1a, to give each target its own stream of inputs.
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3)
    })
}

fn env_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    match std::env::var(key) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{key}={v:?} does not parse")),
        Err(_) => default,
    }
}

/// What a panic said, for the report.
fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}

/// The input being run, for the hang watchdog.
struct Current {
    target: &'static str,
    iteration: u64,
    started: Instant,
    data: Vec<u8>,
}

/// Writes a failing input where a developer finds it, and says what to do.
fn save(out: &Path, target: &str, seed: u64, iteration: u64, data: &[u8]) -> PathBuf {
    let dir = out.join(target);
    std::fs::create_dir_all(&dir).expect("fuzz smoke output directory");
    let path = dir.join(format!("seed-{seed}-input-{iteration}"));
    std::fs::write(&path, data).expect("write the failing input");
    path
}

#[test]
#[ignore = "the CI smoke, run by .ci/run: cargo test --release --test fuzz_regressions -- --ignored --nocapture"]
fn fuzz_smoke() {
    let root = common::manifest_dir();
    let secs: f64 = env_or("BOTLINT_FUZZ_SECS", 60.0);
    let hang: u64 = env_or("BOTLINT_FUZZ_HANG_SECS", 10);
    let clock = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let seed: u64 = env_or("BOTLINT_FUZZ_SEED", clock % 1_000_000_000);
    let only: Option<Vec<String>> = std::env::var("BOTLINT_FUZZ_TARGETS")
        .ok()
        .map(|v| v.split(',').map(|s| s.trim().to_string()).collect());
    let out: PathBuf = std::env::var_os("BOTLINT_FUZZ_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-smoke"));
    let targets: Vec<(&'static str, botlint::fuzz::Target)> = botlint::fuzz::TARGETS
        .iter()
        .filter(|(t, _)| only.as_ref().is_none_or(|o| o.iter().any(|x| x == t)))
        .copied()
        .collect();
    assert!(!targets.is_empty(), "BOTLINT_FUZZ_TARGETS names no target");
    let per_target = Duration::from_secs_f64(secs / targets.len() as f64);
    eprintln!(
        "fuzz smoke: seed {seed} (BOTLINT_FUZZ_SEED={seed} repeats the same inputs), \
         {secs} s over {} targets",
        targets.len()
    );

    // A hang cannot be caught like a panic: a watchdog writes the input that
    // has run too long and ends the process.
    let current: Arc<Mutex<Option<Current>>> = Arc::new(Mutex::new(None));
    {
        let (current, out) = (Arc::clone(&current), out.clone());
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_millis(250));
            let guard = current.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(c) = guard.as_ref() {
                if c.started.elapsed() > Duration::from_secs(hang) {
                    let path = save(&out, c.target, seed, c.iteration, &c.data);
                    eprintln!(
                        "fuzz smoke: target {} hangs (over {hang} s) on input {} of seed {seed}, \
                         written to {}",
                        c.target,
                        c.iteration,
                        path.display()
                    );
                    std::process::exit(1);
                }
            }
        });
    }

    let mut failures = Vec::new();
    eprintln!("| target | inputs | seconds | execs | exec/s | failure |");
    eprintln!("|---|---|---|---|---|---|");
    for (target, run) in targets {
        let inputs = inputs_for(&root, target).0;
        assert!(!inputs.is_empty(), "no input for target {target}");
        let start = Instant::now();
        let mut iteration = 0u64;
        let mut failed = String::new();
        while start.elapsed() < per_target {
            // Input i of a target depends on the seed, the target and i alone.
            let mut rng = Rng(seed ^ fnv1a(target) ^ iteration.wrapping_mul(0xD6E8_FEB8_6659_FD93));
            let base = &inputs[rng.below(inputs.len())].1;
            let data = mutate(&mut rng, base, &inputs);
            *current.lock().unwrap() = Some(Current {
                target,
                iteration,
                started: Instant::now(),
                data: data.clone(),
            });
            let outcome = std::panic::catch_unwind(|| run(&data));
            *current.lock().unwrap() = None;
            if let Err(p) = outcome {
                let path = save(&out, target, seed, iteration, &data);
                failed = format!("input {iteration}: {}", path.display());
                failures.push(format!(
                    "{target}: input {iteration} of seed {seed} panics: {}\n  \
                     written to {}; minimise it, fix the cause, and commit it to \
                     fuzz/regressions/{target}/ under a name that says what it was",
                    panic_text(&*p),
                    path.display()
                ));
                iteration += 1;
                break;
            }
            iteration += 1;
        }
        let took = start.elapsed().as_secs_f64();
        eprintln!(
            "| {target} | {} | {took:.1} | {iteration} | {:.0} | {} |",
            inputs.len(),
            iteration as f64 / took.max(1e-9),
            if failed.is_empty() { "-" } else { &failed }
        );
    }
    assert!(
        failures.is_empty(),
        "fuzz smoke (seed {seed}) found {} failing input(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
