//! `Cargo.lock` against the RustSec advisory database, offline:
//! `vulnerable-dependency`, `unsound-dependency`, `unmaintained-dependency`,
//! `dependency-notice` and `yanked-dependency`.
//!
//! Matching is `rustsec`'s own (`Query::matches`, the query `Report::generate`
//! builds: crates.io packages only, withdrawn advisories never, informational
//! ones as warnings of kind unmaintained, unsound and notice), so results are
//! what `cargo audit` reports on the same lockfile and database. The database
//! is loaded once per run, and only when a `Cargo.lock` was found.

pub mod db;
pub mod lockfile;
pub mod yanked;

use crate::config::AuditIgnore;
use crate::finding::{Location, RawFinding, Severity};
use db::{AdvisoryDb, LoadError, Location as DbLocation, Origin};
use rayon::prelude::*;
use rustsec::advisory::{Advisory, Informational};
use rustsec::database::Query;
use rustsec::package::Package;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use yanked::{IndexCache, Yanked};

pub const VULNERABLE: &str = "vulnerable-dependency";
pub const UNSOUND: &str = "unsound-dependency";
pub const UNMAINTAINED: &str = "unmaintained-dependency";
pub const NOTICE: &str = "dependency-notice";
pub const YANKED: &str = "yanked-dependency";

/// The severity each audit rule reports at; `None` when it is off.
#[derive(Debug, Clone, Copy, Default)]
pub struct Severities {
    pub vulnerable: Option<Severity>,
    pub unsound: Option<Severity>,
    pub unmaintained: Option<Severity>,
    pub notice: Option<Severity>,
    pub yanked: Option<Severity>,
}

impl Severities {
    pub fn from_fn(f: impl Fn(&str) -> Option<Severity>) -> Severities {
        Severities {
            vulnerable: f(VULNERABLE),
            unsound: f(UNSOUND),
            unmaintained: f(UNMAINTAINED),
            notice: f(NOTICE),
            yanked: f(YANKED),
        }
    }

    /// Does any rule need the advisory database?
    pub fn needs_db(&self) -> bool {
        self.vulnerable.is_some()
            || self.unsound.is_some()
            || self.unmaintained.is_some()
            || self.notice.is_some()
    }

    pub fn any(&self) -> bool {
        self.needs_db() || self.yanked.is_some()
    }

    fn informational(&self, kind: &Informational) -> Option<(&'static str, Severity)> {
        match kind {
            Informational::Unsound => self.unsound.map(|s| (UNSOUND, s)),
            Informational::Unmaintained => self.unmaintained.map(|s| (UNMAINTAINED, s)),
            Informational::Notice => self.notice.map(|s| (NOTICE, s)),
            _ => None,
        }
    }
}

/// What the run asked for.
#[derive(Debug, Clone, Default)]
pub struct AuditOptions {
    /// `--db PATH`
    pub db: Option<PathBuf>,
    /// `--require-db`: no usable database is an error, not a warning.
    pub require_db: bool,
}

/// The advisory database for this run, or why there is none.
#[derive(Debug)]
pub enum DbState {
    Loaded(AdvisoryDb),
    /// No database: the message says how to get one.
    Missing(String),
    /// A database was named but cannot be used.
    Broken(String),
}

/// Find and load the database (call once per run, only when a `Cargo.lock` was
/// found). Only the advisories of `wanted` packages are parsed (all when `None`).
pub fn open_db(opts: &AuditOptions, wanted: Option<&HashSet<String>>) -> DbState {
    let how = "run `botlint db update` to get it (or point --db / $BOTLINT_ADVISORY_DB at a checkout of https://github.com/rustsec/advisory-db)";
    let Some(loc) = db::locate(opts.db.as_deref()) else {
        return DbState::Missing(format!(
            "no RustSec advisory database: neither --db, $BOTLINT_ADVISORY_DB nor $HOME is set; {how}"
        ));
    };
    open_at(&loc, how, wanted)
}

fn open_at(loc: &DbLocation, how: &str, wanted: Option<&HashSet<String>>) -> DbState {
    match AdvisoryDb::load_for(&loc.path, wanted) {
        Ok(db) => DbState::Loaded(db),
        Err(LoadError::Missing) if loc.origin == Origin::Default => DbState::Missing(format!(
            "no RustSec advisory database at {}; {how}",
            loc.describe()
        )),
        Err(LoadError::Missing) => DbState::Broken(format!(
            "advisory database {}: no such directory",
            loc.describe()
        )),
        Err(LoadError::Invalid(msg)) => DbState::Broken(msg),
    }
}

/// A lockfile read and parsed, ready to audit: its crates.io packages only, without
/// their dependency lists (the audit reads neither; a parsed lockfile with them is
/// ten times its text, and every lockfile of the run waits here for the database).
pub struct ParsedLock {
    display: String,
    text: String,
    packages: Vec<Package>,
}

/// Read and parse every lockfile (in parallel). A lockfile that cannot be
/// read or parsed is an error message naming it.
pub fn parse_lockfiles(files: &[(PathBuf, String)]) -> Vec<Result<ParsedLock, String>> {
    files
        .par_iter()
        .map(|(path, display)| read_lockfile(path, display))
        .collect()
}

/// Read and parse one lockfile; the error names `display`.
fn read_lockfile(path: &Path, display: &str) -> Result<ParsedLock, String> {
    let bytes = std::fs::read(path)
        .map_err(|e| format!("{display}: cannot read: {}", crate::walk::io_reason(&e)))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        format!("{display}: Cargo.lock is not valid UTF-8; its dependencies were not audited")
    })?;
    ParsedLock::from_text(display, text)
}

/// The crates.io package names of one lockfile, the advisories worth parsing
/// for it (none when it cannot be read or parsed: [`check_each`] reports that).
/// A run that streams its lockfiles gathers these as it finds them, then
/// [`open_for`] the union, then [`check_each`]: no parsed lockfile is held.
pub fn lockfile_names(path: &Path) -> Vec<String> {
    read_lockfile(path, "")
        .map(|l| {
            l.packages
                .iter()
                .map(|p| p.name.as_str().to_string())
                .collect()
        })
        .unwrap_or_default()
}

impl ParsedLock {
    /// Parse a lockfile's text; the error names `display`.
    pub(crate) fn from_text(display: &str, text: String) -> Result<ParsedLock, String> {
        let lock = lockfile::parse(&text).map_err(|e| {
            format!("{display}: cannot parse Cargo.lock ({e}); its dependencies were not audited")
        })?;
        let packages = lock
            .packages
            .into_iter()
            .filter(|p| p.source.as_ref().is_some_and(|s| s.is_default_registry()))
            .map(|p| Package {
                dependencies: Vec::new(),
                replace: None,
                ..p
            })
            .collect();
        Ok(ParsedLock {
            display: display.to_string(),
            text,
            packages,
        })
    }
}

/// The crates.io package names in the parsed lockfiles: the advisories worth parsing.
pub fn package_names(locks: &[Result<ParsedLock, String>]) -> HashSet<String> {
    locks
        .iter()
        .flatten()
        .flat_map(|l| l.packages.iter())
        .map(|p| p.name.as_str().to_string())
        .collect()
}

/// Parse the lockfiles, then load the database for their packages (when a
/// rule needs it). Holds every parsed lockfile until [`check`]; a run uses
/// [`lockfile_names`], [`open_for`] and [`check_each`] instead.
pub fn prepare(
    files: &[(PathBuf, String)],
    sev: Severities,
    opts: &AuditOptions,
) -> (Vec<Result<ParsedLock, String>>, Option<DbState>) {
    if files.is_empty() || !sev.any() {
        return (Vec::new(), None);
    }
    let locks = parse_lockfiles(files);
    let db = open_for(&package_names(&locks), sev, opts);
    (locks, db)
}

/// Is there a database where [`open_for`] would look? Without one the crate
/// names do not matter (the message is the same), so a run need not gather them.
pub fn may_have_db(opts: &AuditOptions) -> bool {
    db::locate(opts.db.as_deref()).is_some_and(|l| l.path.exists())
}

/// Load the database for the advisories of `names` when a rule needs it
/// (call once per run, only when a `Cargo.lock` was found).
pub fn open_for(names: &HashSet<String>, sev: Severities, opts: &AuditOptions) -> Option<DbState> {
    sev.needs_db().then(|| open_db(opts, Some(names)))
}

/// A lockfile that was audited: its text (the pipeline places the findings)
/// and what was found.
pub struct LockfileAudit {
    pub display: String,
    pub bytes: Vec<u8>,
    pub findings: Vec<RawFinding>,
}

#[derive(Default)]
pub struct Outcome {
    pub lockfiles: Vec<LockfileAudit>,
    pub warnings: Vec<String>,
    pub errors: Vec<String>,
}

/// Audit every lockfile [`prepare`] parsed, against the database it loaded.
pub fn check(
    locks: Vec<Result<ParsedLock, String>>,
    db: Option<DbState>,
    sev: Severities,
    ignore: &[AuditIgnore],
    require_db: bool,
) -> Outcome {
    let (mut out, audits) = check_with(locks, |l| l, db, sev, ignore, require_db, |a| a);
    out.lockfiles = audits;
    out
}

/// Audit the lockfiles `files` (path to read, display path) against the
/// database [`open_for`] loaded: each is read, parsed and audited in turn (in
/// parallel), and handed to `each` at once, so its text and packages are
/// dropped before the next ones are read. `each`'s results come back in the
/// order of `files`; the outcome's `lockfiles` is empty.
pub fn check_each<R: Send>(
    files: &[(PathBuf, String)],
    db: Option<DbState>,
    sev: Severities,
    ignore: &[AuditIgnore],
    require_db: bool,
    each: impl Fn(LockfileAudit) -> R + Sync,
) -> (Outcome, Vec<R>) {
    let files: Vec<&(PathBuf, String)> = files.iter().collect();
    let parse = |(path, display): &(PathBuf, String)| read_lockfile(path, display);
    check_with(files, parse, db, sev, ignore, require_db, each)
}

fn check_with<L: Send, R: Send>(
    locks: Vec<L>,
    parse: impl Fn(L) -> Result<ParsedLock, String> + Sync,
    db: Option<DbState>,
    sev: Severities,
    ignore: &[AuditIgnore],
    require_db: bool,
    each: impl Fn(LockfileAudit) -> R + Sync,
) -> (Outcome, Vec<R>) {
    let mut out = Outcome::default();
    if locks.is_empty() || !sev.any() {
        return (out, Vec::new());
    }
    let n = locks.len();
    let lockfiles = if n == 1 {
        "1 Cargo.lock was".to_string()
    } else {
        format!("{n} Cargo.lock files were")
    };
    let db = match db {
        Some(DbState::Loaded(db)) => {
            for p in &db.problems {
                out.warnings.push(format!(
                    "advisory database: {p} (that advisory was not checked)"
                ));
            }
            if db.count == 0 {
                out.warnings.push(format!(
                    "the advisory database at {} holds no advisories: {lockfiles} checked against nothing",
                    db.path.display()
                ));
            }
            if let Some(w) = db.staleness_warning(db::today_days()) {
                out.warnings.push(w);
            }
            Some(db)
        }
        Some(DbState::Missing(msg)) if sev.needs_db() => {
            let msg = format!("{msg}. {lockfiles} not checked against RustSec advisories");
            if require_db {
                out.errors.push(format!("{msg} (--require-db)"));
            } else {
                out.warnings.push(msg);
            }
            None
        }
        Some(DbState::Broken(msg)) if sev.needs_db() => {
            out.errors.push(format!(
                "{msg}; {lockfiles} not checked against RustSec advisories"
            ));
            None
        }
        _ => None,
    };
    let cache = sev.yanked.map(|_| IndexCache::discover());
    let results: Vec<Result<(R, YankedTally), String>> = locks
        .into_par_iter()
        .map(|l| {
            parse(l).map(|l| {
                let (audit, tally) = audit_one(l, db.as_ref(), cache.as_ref(), sev, ignore);
                (each(audit), tally)
            })
        })
        .collect();
    let mut tally = YankedTally::default();
    let mut audits = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok((audit, t)) => {
                tally.add(t);
                audits.push(audit);
            }
            Err(e) => out.errors.push(e),
        }
    }
    if let Some(cache) = &cache {
        if let Some(w) = tally.warning(cache.is_empty()) {
            out.warnings.push(w);
        }
    }
    (out, audits)
}

/// How many packages the yanked check could and could not answer.
#[derive(Debug, Default, Clone)]
pub(crate) struct YankedTally {
    checked: usize,
    unknown: usize,
    examples: Vec<String>,
}

impl YankedTally {
    fn add(&mut self, o: YankedTally) {
        self.checked += o.checked;
        self.unknown += o.unknown;
        for e in o.examples {
            if self.examples.len() < 5 && !self.examples.contains(&e) {
                self.examples.push(e);
            }
        }
    }

    fn warning(&self, no_cache: bool) -> Option<String> {
        if self.unknown == 0 {
            return None;
        }
        let total = self.checked + self.unknown;
        if no_cache {
            return Some(format!(
                "yanked-dependency: not checked for any of the {total} crates.io packages: there is \
                 no local cargo index cache ($CARGO_HOME/registry/index) to answer offline; \
                 `cargo fetch` in the project fills it"
            ));
        }
        Some(format!(
            "yanked-dependency: {} of {total} crates.io packages not checked (not in the local \
             cargo index cache, e.g. {}); the {} checked are as fresh as the last `cargo fetch`",
            self.unknown,
            self.examples.join(", "),
            self.checked
        ))
    }
}

pub(crate) fn audit_one(
    parsed: ParsedLock,
    db: Option<&AdvisoryDb>,
    cache: Option<&IndexCache>,
    sev: Severities,
    ignore: &[AuditIgnore],
) -> (LockfileAudit, YankedTally) {
    let ParsedLock {
        display,
        text,
        packages,
    } = parsed;
    let blocks = lockfile::blocks(&text);
    let mut findings = Vec::new();
    let mut tally = YankedTally::default();
    for pkg in &packages {
        let source = pkg.source.as_ref().map(|s| s.to_string());
        let at = || {
            lockfile::find(
                &blocks,
                pkg.name.as_str(),
                &pkg.version.to_string(),
                source.as_deref(),
            )
            .map_or(Location::File, |(s, e)| Location::Bytes(s, e))
        };
        if let Some(db) = db {
            for adv in db.for_crate(pkg.name.as_str()) {
                if ignore.iter().any(|i| i.id == adv.metadata.id.as_str()) {
                    continue;
                }
                if let Some((rule, severity)) = classify(adv, pkg, sev) {
                    findings.push(advisory_finding(rule, severity, adv, pkg, at()));
                }
            }
        }
        if let (Some(severity), Some(cache)) = (sev.yanked, cache) {
            match cache.lookup(pkg.name.as_str(), &pkg.version.to_string()) {
                Yanked::Yes => {
                    tally.checked += 1;
                    findings.push(RawFinding {
                        rule: YANKED,
                        sub_id: None,
                        severity,
                        location: at(),
                        message: format!(
                            "{} {} was yanked from crates.io (local cargo index cache)",
                            pkg.name, pkg.version
                        ),
                        fix: Some(format!(
                            "`cargo update -p {}@{}` moves to a release that was not yanked",
                            pkg.name, pkg.version
                        )),
                        secret_hash: None,
                    });
                }
                Yanked::No => tally.checked += 1,
                Yanked::Unknown => {
                    tally.unknown += 1;
                    if tally.examples.len() < 5 {
                        tally.examples.push(format!("{} {}", pkg.name, pkg.version));
                    }
                }
            }
        }
    }
    (
        LockfileAudit {
            display,
            bytes: text.into_bytes(),
            findings,
        },
        tally,
    )
}

/// Which rule, if any, an advisory raises for a package: exactly the queries
/// `rustsec::Report::generate` runs (crates.io scope, withdrawn excluded;
/// vulnerabilities without `informational`, warnings with it).
fn classify(adv: &Advisory, pkg: &Package, sev: Severities) -> Option<(&'static str, Severity)> {
    match &adv.metadata.informational {
        None => {
            let severity = sev.vulnerable?;
            Query::crate_scope()
                .package(pkg)
                .matches(adv)
                .then_some((VULNERABLE, severity))
        }
        Some(kind) => {
            let hit = sev.informational(kind)?;
            Query::crate_scope()
                .informational(true)
                .package(pkg)
                .matches(adv)
                .then_some(hit)
        }
    }
}

fn advisory_finding(
    rule: &'static str,
    severity: Severity,
    adv: &Advisory,
    pkg: &Package,
    location: Location,
) -> RawFinding {
    let m = &adv.metadata;
    let id = m.id.as_str();
    let patched: Vec<String> = adv
        .versions
        .patched()
        .iter()
        .map(|r| r.to_string())
        .collect();
    let patched_text = if patched.is_empty() {
        "no patched version".to_string()
    } else {
        format!("patched: {}", patched.join(" or "))
    };
    let what = match rule {
        VULNERABLE => "is affected",
        UNSOUND => "is unsound",
        UNMAINTAINED => "is unmaintained",
        _ => "is covered by a notice",
    };
    let mut message = format!(
        "{id}: {} — {} {} {what}; {patched_text}",
        m.title.trim(),
        pkg.name,
        pkg.version
    );
    if let Some(cvss) = &m.cvss {
        let vector = cvss.to_string();
        let version = vector.split('/').next().unwrap_or("CVSS");
        message.push_str(&format!(
            "; {version} {:.1} ({})",
            cvss.score(),
            cvss.severity()
        ));
    }
    let url = m.id.url().or_else(|| m.url.as_ref().map(|u| u.to_string()));
    if let Some(url) = url {
        message.push_str("; ");
        message.push_str(&url);
    }
    let name = &pkg.name;
    let fix = match (rule, patched.is_empty()) {
        (UNMAINTAINED, _) => format!(
            "replace {name} with a maintained alternative (the advisory suggests some); `cargo tree -i {name}` shows what pulls it in"
        ),
        (_, false) => format!(
            "upgrade {name} to a patched version ({}): `cargo update -p {name}`, or raise the requirement; `cargo tree -i {name}` shows what pulls it in",
            patched.join(" or ")
        ),
        (_, true) => format!(
            "no fixed release of {name}: replace it or remove the dependency; `cargo tree -i {name}` shows what pulls it in"
        ),
    };
    RawFinding {
        rule,
        sub_id: Some(id.to_string()),
        severity,
        location,
        message,
        fix: Some(fix),
        secret_hash: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn test_db() -> AdvisoryDb {
        AdvisoryDb::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/advisory-db"))
            .unwrap()
    }

    fn all() -> Severities {
        Severities {
            vulnerable: Some(Severity::Error),
            unsound: Some(Severity::Warning),
            unmaintained: Some(Severity::Warning),
            notice: Some(Severity::Warning),
            yanked: None,
        }
    }

    fn pkg(name: &str, version: &str) -> Package {
        let lock = format!(
            "version = 3\n[[package]]\nname = \"{name}\"\nversion = \"{version}\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
        );
        lockfile::parse(&lock).unwrap().packages.remove(0)
    }

    fn hits(db: &AdvisoryDb, name: &str, version: &str) -> Vec<(&'static str, String)> {
        let p = pkg(name, version);
        let mut v: Vec<_> = db
            .for_crate(name)
            .iter()
            .filter_map(|a| classify(a, &p, all()).map(|(r, _)| (r, a.metadata.id.to_string())))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn matching_follows_the_version_ranges() {
        let db = test_db();
        // Several patched ranges: >=1.2.3,<1.3.0 | >=1.4.1,<1.5.0 | >=1.6.0; unaffected <0.9.0.
        let id = "RUSTSEC-2099-0101";
        for (v, hit) in [
            ("0.8.9", false),
            ("0.9.0", true),
            ("1.2.2", true),
            ("1.2.3", false),
            ("1.2.9", false),
            ("1.3.0", true),
            ("1.4.0", true),
            ("1.4.1", false),
            ("1.5.2", true),
            ("1.6.0", false),
            ("2.0.0", false),
        ] {
            let got = hits(&db, "hyperwire", v);
            assert_eq!(
                got.contains(&(VULNERABLE, id.to_string())),
                hit,
                "hyperwire {v}: {got:?}"
            );
        }
    }

    #[test]
    fn withdrawn_is_ignored_and_informational_kinds_map_to_rules() {
        let db = test_db();
        assert!(hits(&db, "quietcoin", "0.1.0").is_empty(), "withdrawn");
        assert_eq!(
            hits(&db, "oldfeed", "0.3.0"),
            vec![(UNMAINTAINED, "RUSTSEC-2099-0103".to_string())]
        );
        assert_eq!(
            hits(&db, "ptrbook", "2.0.0"),
            vec![(UNSOUND, "RUSTSEC-2099-0104".to_string())]
        );
        assert!(hits(&db, "ptrbook", "2.1.0").is_empty());
        assert_eq!(
            hits(&db, "wsnotice", "1.0.0"),
            vec![(NOTICE, "RUSTSEC-2099-0106".to_string())]
        );
    }

    #[test]
    fn a_disabled_rule_raises_nothing() {
        let db = test_db();
        let p = pkg("oldfeed", "0.3.0");
        let sev = Severities {
            unmaintained: None,
            ..all()
        };
        assert!(db
            .for_crate("oldfeed")
            .iter()
            .all(|a| classify(a, &p, sev).is_none()));
    }

    #[test]
    fn message_names_id_title_version_patched_cvss_and_url() {
        let db = test_db();
        let p = pkg("signbook", "0.4.0");
        let adv = &db.for_crate("signbook")[0];
        let f = advisory_finding(VULNERABLE, Severity::Error, adv, &p, Location::File);
        assert_eq!(f.sub_id.as_deref(), Some("RUSTSEC-2099-0105"));
        for part in [
            "RUSTSEC-2099-0105:",
            "signbook 0.4.0 is affected",
            "patched: >=0.5.0",
            "CVSS:4.0 ",
            "9.1 (critical)",
            "https://rustsec.org/advisories/RUSTSEC-2099-0105",
        ] {
            assert!(f.message.contains(part), "{part:?} not in {}", f.message);
        }
    }

    #[test]
    fn ignore_list_and_git_sources() {
        let tmp = tempfile::tempdir().unwrap();
        let lock = tmp.path().join("Cargo.lock");
        std::fs::write(
            &lock,
            "version = 3\n\n[[package]]\nname = \"hyperwire\"\nversion = \"1.3.0\"\nsource = \"git+https://example.invalid/h#0123\"\n\n[[package]]\nname = \"oldfeed\"\nversion = \"0.3.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
        )
        .unwrap();
        let files = vec![(lock, "Cargo.lock".to_string())];
        let out = check(
            parse_lockfiles(&files),
            Some(DbState::Loaded(test_db())),
            all(),
            &[],
            false,
        );
        let rules: Vec<_> = out.lockfiles[0].findings.iter().map(|f| f.rule).collect();
        assert_eq!(rules, vec![UNMAINTAINED], "a git source is not crates.io");
        let ignore = [AuditIgnore {
            id: "RUSTSEC-2099-0103".into(),
            reason: "r".into(),
        }];
        let out = check(
            parse_lockfiles(&files),
            Some(DbState::Loaded(test_db())),
            all(),
            &ignore,
            false,
        );
        assert!(out.lockfiles[0].findings.is_empty());
    }

    #[test]
    fn no_database_is_a_warning_or_with_require_db_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let lock = tmp.path().join("Cargo.lock");
        std::fs::write(&lock, "version = 3\n").unwrap();
        let files = vec![(lock, "Cargo.lock".to_string())];
        let missing = || Some(DbState::Missing("no RustSec advisory database".into()));
        let out = check(parse_lockfiles(&files), missing(), all(), &[], false);
        assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
        assert!(out.warnings[0].contains("1 Cargo.lock was not checked"));
        assert!(out.errors.is_empty());
        let out = check(parse_lockfiles(&files), missing(), all(), &[], true);
        assert!(out.warnings.is_empty());
        assert!(out.errors[0].contains("--require-db"));
    }
}
