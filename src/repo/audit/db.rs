//! The RustSec advisory database: where it is, loading it (once a run, in
//! parallel), how old it is, and `botlint db update`.
//!
//! The database is a plain checkout of <https://github.com/rustsec/advisory-db>:
//! `crates/<package>/RUSTSEC-YYYY-NNNN.md`. botlint reads it with `rustsec`'s
//! own advisory parser and version matching, but builds the index itself so
//! that one malformed advisory is a warning naming the file (the rest of the
//! database still counts) instead of a failed run, and so that the ~1,200
//! files are parsed on every core.

use rayon::prelude::*;
use rustsec::advisory::Advisory;
use rustsec::Collection;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where `botlint db update` gets the database.
pub const UPSTREAM: &str = "https://github.com/rustsec/advisory-db";
/// The environment variable naming the database directory.
pub const ENV_VAR: &str = "BOTLINT_ADVISORY_DB";
/// A database whose newest advisory (and newest commit) is older than this gets a warning.
pub const STALE_AFTER_DAYS: i64 = 90;

/// How the database directory was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// `--db PATH`
    Flag,
    /// `$BOTLINT_ADVISORY_DB`
    Env,
    /// `$CARGO_HOME/advisory-db` (`~/.cargo/advisory-db`), where cargo-audit keeps it.
    Default,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    pub origin: Origin,
}

impl Location {
    /// How to name the place in a message: `--db x`, `$BOTLINT_ADVISORY_DB (x)`, `x`.
    pub fn describe(&self) -> String {
        match self.origin {
            Origin::Flag => format!("--db {}", self.path.display()),
            Origin::Env => format!("${ENV_VAR} ({})", self.path.display()),
            Origin::Default => self.path.display().to_string(),
        }
    }
}

/// `$CARGO_HOME/advisory-db`, else `$HOME/.cargo/advisory-db`.
pub fn default_dir() -> Option<PathBuf> {
    let nonempty = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    if let Some(ch) = nonempty("CARGO_HOME") {
        return Some(PathBuf::from(ch).join("advisory-db"));
    }
    nonempty("HOME").map(|h| PathBuf::from(h).join(".cargo").join("advisory-db"))
}

/// The lookup order: `--db`, then `$BOTLINT_ADVISORY_DB`, then the default
/// directory. Only the first one that is *set* counts (an explicit setting
/// that points nowhere is an error, not a reason to fall back).
pub fn locate(flag: Option<&Path>) -> Option<Location> {
    locate_with(
        flag,
        std::env::var_os(ENV_VAR)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from),
        default_dir(),
    )
}

fn locate_with(
    flag: Option<&Path>,
    env: Option<PathBuf>,
    default: Option<PathBuf>,
) -> Option<Location> {
    if let Some(p) = flag {
        return Some(Location {
            path: p.to_path_buf(),
            origin: Origin::Flag,
        });
    }
    if let Some(p) = env {
        return Some(Location {
            path: p,
            origin: Origin::Env,
        });
    }
    default.map(|path| Location {
        path,
        origin: Origin::Default,
    })
}

/// The advisories that apply to crates.io packages, by package name.
#[derive(Debug)]
pub struct AdvisoryDb {
    pub path: PathBuf,
    by_crate: HashMap<String, Vec<Advisory>>,
    /// Advisory files (withdrawn ones included, placeholders not), parsed or not.
    pub count: usize,
    /// The newest advisory date, `(year, month, day)`.
    pub newest: Option<(u32, u32, u32)>,
    /// Advisory files that could not be used, one message each naming the file.
    pub problems: Vec<String>,
}

/// The database could not be used at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// Nothing at that path.
    Missing,
    /// Something is there, but it is not an advisory database.
    Invalid(String),
}

impl AdvisoryDb {
    /// Advisories for the crates.io package `name`.
    pub fn for_crate(&self, name: &str) -> &[Advisory] {
        self.by_crate.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// A database of these advisories (fuzzing).
    pub(crate) fn from_advisories(advisories: Vec<Advisory>) -> AdvisoryDb {
        let mut by_crate: HashMap<String, Vec<Advisory>> = HashMap::new();
        let count = advisories.len();
        for a in advisories {
            by_crate
                .entry(a.metadata.package.as_str().to_string())
                .or_default()
                .push(a);
        }
        AdvisoryDb {
            path: PathBuf::new(),
            by_crate,
            count,
            newest: None,
            problems: Vec::new(),
        }
    }

    /// Load `crates/*/*.md` under `dir`.
    pub fn load(dir: &Path) -> Result<AdvisoryDb, LoadError> {
        AdvisoryDb::load_for(dir, None)
    }

    /// Load the database, fully parsing only the advisories of the packages in
    /// `wanted` (all of them when `None`). rustsec requires an advisory to sit in
    /// the directory named after its package, so `crates/<name>/` holds every
    /// advisory that can match `<name>`. The other files are still read, for the
    /// newest advisory date (a cheap scan of their `date = "…"` line).
    pub fn load_for(dir: &Path, wanted: Option<&HashSet<String>>) -> Result<AdvisoryDb, LoadError> {
        if !dir.exists() {
            return Err(LoadError::Missing);
        }
        let crates = dir.join(Collection::Crates.as_str());
        let top = std::fs::read_dir(&crates).map_err(|e| {
            LoadError::Invalid(format!(
                "{}: not a RustSec advisory database ({}: {})",
                dir.display(),
                crates.display(),
                crate::walk::io_reason(&e)
            ))
        })?;
        let mut problems = Vec::new();
        let mut files = Vec::new();
        for entry in top {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    problems.push(format!(
                        "{}: {}",
                        crates.display(),
                        crate::walk::io_reason(&e)
                    ));
                    continue;
                }
            };
            if !entry.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            match std::fs::read_dir(entry.path()) {
                Ok(rd) => {
                    for f in rd.flatten() {
                        let p = f.path();
                        let hidden = p
                            .file_name()
                            .and_then(|n| n.to_str())
                            .is_some_and(|n| n.starts_with('.'));
                        if !hidden {
                            files.push(p);
                        }
                    }
                }
                Err(e) => problems.push(format!(
                    "{}: {}",
                    entry.path().display(),
                    crate::walk::io_reason(&e)
                )),
            }
        }
        files.sort();
        let parsed: Vec<Result<Loaded, String>> = files
            .par_iter()
            .map(|p| {
                let package = p
                    .parent()
                    .and_then(|d| d.file_name())
                    .and_then(|n| n.to_str())
                    .unwrap_or_default();
                if wanted.is_none_or(|w| w.contains(package)) {
                    load_advisory(p)
                        .map(|a| a.map_or(Loaded::Nothing, |a| Loaded::Parsed(Box::new(a))))
                } else {
                    Ok(peek_date(p).map_or(Loaded::Nothing, Loaded::Skipped))
                }
            })
            .collect();
        let mut by_crate: HashMap<String, Vec<Advisory>> = HashMap::new();
        let mut seen: HashMap<String, PathBuf> = HashMap::new();
        let mut newest = None;
        let mut count = 0;
        for (path, result) in files.iter().zip(parsed) {
            match result {
                Ok(Loaded::Skipped(date)) => {
                    if newest.is_none_or(|n| date > n) {
                        newest = Some(date);
                    }
                    count += 1;
                }
                Ok(Loaded::Parsed(adv)) => {
                    let id = adv.metadata.id.as_str().to_string();
                    if let Some(first) = seen.get(&id) {
                        problems.push(format!(
                            "{}: duplicate advisory id {id} (also in {}); this copy was not used",
                            path.display(),
                            first.display()
                        ));
                        continue;
                    }
                    seen.insert(id, path.clone());
                    let d = &adv.metadata.date;
                    let date = (d.year(), d.month(), d.day());
                    if newest.is_none_or(|n| date > n) {
                        newest = Some(date);
                    }
                    count += 1;
                    by_crate
                        .entry(adv.metadata.package.as_str().to_string())
                        .or_default()
                        .push(*adv);
                }
                Ok(Loaded::Nothing) => {}
                Err(msg) => problems.push(msg),
            }
        }
        Ok(AdvisoryDb {
            path: dir.to_path_buf(),
            by_crate,
            count,
            newest,
            problems,
        })
    }

    /// A warning when the database looks older than [`STALE_AFTER_DAYS`]:
    /// judged by the newest advisory date and, when the directory is a git
    /// checkout, the newest commit (asked only when the dates look old).
    pub fn staleness_warning(&self, today_days: i64) -> Option<String> {
        let (y, m, d) = self.newest?;
        let newest_days = days_from_civil(i64::from(y), m, d);
        if today_days - newest_days <= STALE_AFTER_DAYS {
            return None;
        }
        let commit_days = git_commit_days(&self.path);
        if commit_days.is_some_and(|c| today_days - c <= STALE_AFTER_DAYS) {
            return None;
        }
        let newest = commit_days.map_or(newest_days, |c| c.max(newest_days));
        Some(format!(
            "the advisory database at {} is {} days old (newest advisory {y:04}-{m:02}-{d:02}{}): \
             advisories published since are not checked; run `botlint db update`",
            self.path.display(),
            today_days - newest,
            if commit_days.is_some() {
                ", and its last git commit is as old"
            } else {
                ""
            }
        ))
    }
}

/// One advisory file, as far as this run needs it.
enum Loaded {
    Parsed(Box<Advisory>),
    /// Not parsed (no lockfile has the package): only its date.
    Skipped((u32, u32, u32)),
    /// A placeholder, or a file without a date line.
    Nothing,
}

/// The `date = "YYYY-MM-DD"` of an advisory's front matter, without parsing it.
fn peek_date(path: &Path) -> Option<(u32, u32, u32)> {
    peek_date_in(&std::fs::read(path).ok()?)
}

/// The `date = "YYYY-MM-DD"` in an advisory file's text, if it has one.
pub(crate) fn peek_date_in(text: &[u8]) -> Option<(u32, u32, u32)> {
    let end =
        memchr::memmem::find(&text[3.min(text.len())..], b"```").map_or(text.len(), |e| e + 3);
    for line in text[..end].split(|&b| b == b'\n') {
        let Some(rest) = line.strip_prefix(b"date") else {
            continue;
        };
        let rest = std::str::from_utf8(rest).ok()?.trim_start();
        let value = rest.strip_prefix('=')?.trim().trim_matches('"');
        let mut it = value.split('-').map(|p| p.parse::<u32>().ok());
        return match (it.next()??, it.next()??, it.next()??) {
            (y, m, d) if (1..=12).contains(&m) && (1..=31).contains(&d) => Some((y, m, d)),
            _ => None,
        };
    }
    None
}

/// Parse one advisory file with rustsec, checking what `rustsec::Database`
/// checks (file name, directory, collection). `Ok(None)`: a placeholder or a
/// non-advisory file that the database layout allows.
fn load_advisory(path: &Path) -> Result<Option<Advisory>, String> {
    let shown = path.display();
    if path.extension().and_then(|e| e.to_str()) != Some("md") {
        return Err(format!(
            "{shown}: not an advisory (expected RUSTSEC-YYYY-NNNN.md); not used"
        ));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{shown}: cannot read: {}", crate::walk::io_reason(&e)))?;
    parse_advisory(&text, path)
}

/// Parse the text of the advisory file at `path` (`crates/<package>/<id>.md`:
/// the path is checked against what the file says), as [`AdvisoryDb::load`] does.
pub(crate) fn parse_advisory(text: &str, path: &Path) -> Result<Option<Advisory>, String> {
    let shown = path.display();
    // rustsec 0.33 quotes the first 20 bytes of a file that does not start
    // so, and panics when byte 20 falls inside a character.
    if !text.starts_with("```toml") {
        return Err(format!(
            "{shown}: malformed advisory: it does not start with ```toml front matter"
        ));
    }
    let mut adv: Advisory = text
        .parse()
        .map_err(|e: rustsec::Error| format!("{shown}: malformed advisory: {}", chain(&e)))?;
    let id = adv.metadata.id.as_str().to_string();
    let expected = format!("{id}.md");
    if path.file_name().and_then(|n| n.to_str()) != Some(expected.as_str())
        && !Advisory::is_draft(path)
    {
        return Err(format!(
            "{shown}: holds advisory {id}, so it should be named {expected}; not used"
        ));
    }
    let dir = path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str());
    if dir != Some(adv.metadata.package.as_str()) {
        return Err(format!(
            "{shown}: advisory {id} is for package {} but sits in directory {}; not used",
            adv.metadata.package.as_str(),
            dir.unwrap_or("?")
        ));
    }
    match adv.metadata.collection {
        None => adv.metadata.collection = Some(Collection::Crates),
        Some(Collection::Crates) => {}
        Some(other) => {
            return Err(format!(
            "{shown}: advisory {id} declares collection {other:?} but sits under crates/; not used"
        ))
        }
    }
    if adv.metadata.id.is_placeholder() {
        return Ok(None);
    }
    Ok(Some(adv))
}

/// An error and its sources, on one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(src) = cur {
        let more = src.to_string();
        if !s.contains(&more) {
            s.push_str(": ");
            s.push_str(&more);
        }
        cur = src.source();
    }
    // toml errors span several lines (a caret diagram); keep it on one.
    s.split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('|') && !l.chars().all(|c| c == '^'))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let (m, d) = (i64::from(m), i64::from(d));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Today, in days since 1970-01-01.
pub fn today_days() -> i64 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    secs.div_euclid(86_400)
}

/// The newest commit's date (days since the epoch), when `dir` is a git checkout.
fn git_commit_days(dir: &Path) -> Option<i64> {
    if !dir.join(".git").exists() {
        return None;
    }
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["log", "-1", "--format=%ct"])
        .output()
        .ok()?;
    let secs: i64 = String::from_utf8_lossy(&out.stdout).trim().parse().ok()?;
    Some(secs.div_euclid(86_400))
}

/// `botlint db update`: clone the database into `dir`, or fast-forward the
/// checkout already there, with the system `git`. Returns a line for the user.
pub fn update(dir: &Path) -> anyhow::Result<String> {
    use anyhow::{bail, Context};
    let git = |args: &[&std::ffi::OsStr]| -> anyhow::Result<std::process::Output> {
        Command::new("git")
            .args(args)
            .env("GIT_TERMINAL_PROMPT", "0")
            .output()
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    anyhow::anyhow!(
                        "`git` is not installed or not on PATH; `botlint db update` needs it \
                         (or clone {UPSTREAM} into {} by hand)",
                        dir.display()
                    )
                } else {
                    anyhow::anyhow!("cannot run git: {e}")
                }
            })
    };
    let failed = |what: &str, out: &std::process::Output| -> anyhow::Error {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let detail = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no message")
            .trim()
            .to_string();
        let lower = stderr.to_ascii_lowercase();
        let network = [
            "could not resolve host",
            "unable to access",
            "failed to connect",
            "network is unreachable",
            "connection timed out",
            "could not read from remote",
        ]
        .iter()
        .any(|n| lower.contains(n));
        if network {
            anyhow::anyhow!(
                "{what} failed: cannot reach {UPSTREAM} (is the network available?): {detail}"
            )
        } else {
            anyhow::anyhow!("{what} failed: {detail}")
        }
    };
    let os = |s: &'static str| std::ffi::OsStr::new(s);
    if dir.join(".git").exists() {
        let out = git(&[
            os("-C"),
            dir.as_os_str(),
            os("pull"),
            os("--ff-only"),
            os("--quiet"),
        ])?;
        if !out.status.success() {
            return Err(failed(
                &format!("fast-forwarding {} (git pull --ff-only)", dir.display()),
                &out,
            ));
        }
        return Ok(format!(
            "updated the advisory database in {}",
            dir.display()
        ));
    }
    if dir.exists()
        && std::fs::read_dir(dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .next()
            .is_some()
    {
        bail!(
            "{} exists but is not a git checkout: remove it, or name another directory with --db",
            dir.display()
        );
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let out = git(&[os("clone"), os("--quiet"), os(UPSTREAM), dir.as_os_str()])?;
    if !out.status.success() {
        return Err(failed(&format!("git clone {UPSTREAM}"), &out));
    }
    Ok(format!(
        "cloned the advisory database into {}",
        dir.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_order() {
        let flag = Path::new("/f");
        let env = Some(PathBuf::from("/e"));
        let def = Some(PathBuf::from("/d"));
        assert_eq!(
            locate_with(Some(flag), env.clone(), def.clone())
                .unwrap()
                .origin,
            Origin::Flag
        );
        assert_eq!(
            locate_with(None, env, def.clone()).unwrap(),
            Location {
                path: "/e".into(),
                origin: Origin::Env
            }
        );
        assert_eq!(
            locate_with(None, None, def).unwrap().origin,
            Origin::Default
        );
        assert_eq!(locate_with(None, None, None), None);
    }

    #[test]
    fn a_file_without_front_matter_is_an_error_not_a_panic() {
        // Byte 20 is inside the BOM: rustsec alone would panic quoting it.
        let text = "`kkkkkkkk\"\ndea t= \"\u{feff}6-09- instead.\n";
        let path = Path::new("crates/x/RUSTSEC-2099-0001.md");
        assert_eq!(
            parse_advisory(text, path).unwrap_err(),
            "crates/x/RUSTSEC-2099-0001.md: malformed advisory: it does not start with \
             ```toml front matter"
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("crates/x")).unwrap();
        std::fs::write(dir.path().join("crates/x/RUSTSEC-2099-0001.md"), text).unwrap();
        let db = AdvisoryDb::load(dir.path()).unwrap();
        assert_eq!(db.count, 0);
        assert_eq!(db.problems.len(), 1);
        assert!(db.problems[0].ends_with("it does not start with ```toml front matter"));
    }

    #[test]
    fn civil_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(
            days_from_civil(2026, 8, 21) - days_from_civil(2026, 5, 23),
            90
        );
    }

    fn test_db() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/advisory-db")
    }

    #[test]
    fn loads_the_test_database() {
        let db = AdvisoryDb::load(&test_db()).unwrap();
        assert!(db.problems.is_empty(), "{:?}", db.problems);
        assert!(db.count >= 5);
        assert!(!db.for_crate("hyperwire").is_empty());
        assert!(db.for_crate("no-such-crate").is_empty());
    }

    #[test]
    fn only_the_wanted_packages_are_parsed_but_every_date_counts() {
        let all = AdvisoryDb::load(&test_db()).unwrap();
        let wanted: HashSet<String> = ["hyperwire".to_string()].into();
        let some = AdvisoryDb::load_for(&test_db(), Some(&wanted)).unwrap();
        assert_eq!(some.count, all.count);
        assert_eq!(some.newest, all.newest);
        assert_eq!(some.for_crate("hyperwire"), all.for_crate("hyperwire"));
        assert!(some.for_crate("oldfeed").is_empty());
        assert_eq!(all.newest, Some((2026, 7, 4)));
    }

    #[test]
    fn missing_and_invalid() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(
            AdvisoryDb::load(&tmp.path().join("nope")).unwrap_err(),
            LoadError::Missing
        );
        assert!(matches!(
            AdvisoryDb::load(tmp.path()).unwrap_err(),
            LoadError::Invalid(m) if m.contains("not a RustSec advisory database")
        ));
    }

    #[test]
    fn a_malformed_advisory_is_a_problem_not_a_failure() {
        let tmp = tempfile::tempdir().unwrap();
        let good = test_db().join("crates/hyperwire");
        let dst = tmp.path().join("crates/hyperwire");
        std::fs::create_dir_all(&dst).unwrap();
        for f in std::fs::read_dir(good).unwrap() {
            let f = f.unwrap();
            std::fs::copy(f.path(), dst.join(f.file_name())).unwrap();
        }
        let bad = tmp.path().join("crates/broken");
        std::fs::create_dir_all(&bad).unwrap();
        std::fs::write(
            bad.join("RUSTSEC-2099-0001.md"),
            "```toml\n[advisory]\nid = \"RUSTSEC-2099-0001\"\npackage = \"broken\"\ndate = \"not a date\"\n```\n\n# T\n\nD\n",
        )
        .unwrap();
        let misplaced = tmp.path().join("crates/elsewhere");
        std::fs::create_dir_all(&misplaced).unwrap();
        std::fs::copy(
            dst.join(
                std::fs::read_dir(&dst)
                    .unwrap()
                    .next()
                    .unwrap()
                    .unwrap()
                    .file_name(),
            ),
            misplaced.join("RUSTSEC-2098-0001.md"),
        )
        .unwrap();
        let db = AdvisoryDb::load(tmp.path()).unwrap();
        assert!(!db.for_crate("hyperwire").is_empty());
        assert_eq!(db.problems.len(), 2, "{:?}", db.problems);
        assert!(db.problems.iter().all(|p| !p.contains('\n')));
        assert!(
            db.problems
                .iter()
                .any(|p| p.contains("broken/RUSTSEC-2099-0001.md")
                    && p.contains("malformed advisory"))
        );
        assert!(db
            .problems
            .iter()
            .any(|p| p.contains("elsewhere/RUSTSEC-2098-0001.md")));
    }

    #[test]
    fn staleness() {
        let db = AdvisoryDb {
            path: PathBuf::from("/nonexistent-db"),
            by_crate: HashMap::new(),
            count: 0,
            newest: Some((2026, 1, 1)),
            problems: Vec::new(),
        };
        let jan1 = days_from_civil(2026, 1, 1);
        assert_eq!(db.staleness_warning(jan1 + 90), None);
        let w = db.staleness_warning(jan1 + 91).unwrap();
        assert!(
            w.contains("91 days old") && w.contains("botlint db update"),
            "{w}"
        );
    }
}
