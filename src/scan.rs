//! The pipeline: discover → read and scan each file (in parallel) → repository
//! checks → suppress → sorted findings.

use crate::checks::{self, CheckInput};
use crate::classify::{classify, is_test_path, Kind, Lang};
use crate::config::Config;
use crate::finding::{
    normalise_line, redact, redact_line, redact_message, redaction_ranges, stable_hash, Finding,
    Location, RawFinding, Severity, Span,
};
use crate::repo::audit::{self, AuditOptions};
use crate::repo::dotenv;
use crate::rules;
use crate::secrets::{KeywordHits, SecretEngine, SecretHit, GENERIC_ID};

use crate::keyword_pass::SharedPass;
use crate::prefilter::CodePrefilter;
use crate::queue::Queue;
use crate::source::SourceFile;
use crate::suppress;
use crate::walk::{self, Candidate, Skipped};
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub struct ScanOptions {
    pub paths: Vec<PathBuf>,
    pub config: Config,
    /// Only these rules (all enabled rules when empty).
    pub only: Vec<String>,
    pub force_exclude: bool,
    /// Read files that `.gitignore` and friends would skip.
    pub no_ignore: bool,
    pub threads: usize,
    /// Where the advisory database is, and whether it must be there.
    pub audit: AuditOptions,
    /// The process exits after this run: the scanner's memory (its automata,
    /// and the lazy DFAs' caches of every scan thread) is left to the OS rather
    /// than freed one allocation at a time (0.2 ms of a 20 ms scan of
    /// python-binance, after the last file).
    pub exits_after: bool,
}

#[derive(Debug, Default)]
pub struct ScanReport {
    pub findings: Vec<Finding>,
    pub files_scanned: usize,
    pub skipped: Vec<Skipped>,
    /// Problems that did not stop the scan but left something unchecked.
    pub warnings: Vec<String>,
    /// Paths that could not be read at all.
    pub errors: Vec<String>,
    /// Findings removed by inline `botlint: ignore` comments.
    pub suppressed: usize,
    /// Source files with syntax errors (code rules saw only the parts that
    /// parsed) or that were not parsed at all (nested too deeply, or over
    /// `max-parse-size`).
    pub parse_errors: Vec<Skipped>,
    /// Source files seen per language (`python`, `javascript`), and how many
    /// of them the code rules parsed (the others the prefilter ruled out).
    pub seen: BTreeMap<&'static str, usize>,
    pub parsed: BTreeMap<&'static str, usize>,
    /// Findings removed because the baseline lists them (`None`: no baseline).
    pub baselined: Option<usize>,
}

/// Everything a per-file pass needs, shared read-only across threads.
struct Ctx<'a> {
    config: &'a Config,
    engine: &'a SecretEngine,
    only: &'a [String],
    /// Which files are worth parsing, per language (from the rule data).
    prefilters: &'a Prefilters,
    /// Is any code rule on?
    code_rules: bool,
    /// Parse every source file, whatever the prefilter says (fuzzing).
    parse_all: bool,
}

impl Ctx<'_> {
    /// The severity a rule reports at, or `None` when the rule is off.
    fn severity(&self, rule: &str) -> Option<Severity> {
        rule_severity(self.config, self.only, rule)
    }
}

/// The severity `rule` reports at under `config` and `--only`, or `None` when
/// the rule is off.
fn rule_severity(config: &Config, only: &[String], rule: &str) -> Option<Severity> {
    let doc = rules::find(rule)?;
    if !config.is_enabled(rule) || (!only.is_empty() && !only.iter().any(|o| o == rule)) {
        return None;
    }
    Some(config.severity_for(rule, doc.default_severity()))
}

impl ScanReport {
    /// Count one file of the per-file pass.
    fn add(&mut self, outcome: FileOutcome) {
        match outcome {
            FileOutcome::Scanned(mut f, suppressed, parse, counted) => {
                self.files_scanned += 1;
                if let Some(lang) = counted.lang {
                    *self.seen.entry(lang).or_default() += 1;
                    if counted.parsed {
                        *self.parsed.entry(lang).or_default() += 1;
                    }
                }
                self.suppressed += suppressed;
                self.findings.append(&mut f);
                self.parse_errors.extend(parse);
            }
            FileOutcome::Skipped(s) => self.skipped.push(s),
            FileOutcome::Failed(e) => self.errors.push(e),
        }
    }
}

enum FileOutcome {
    Scanned(Vec<Finding>, usize, Option<Skipped>, Parsed),
    /// Passed over on purpose (too large, binary, not a regular file).
    Skipped(Skipped),
    /// Could not be read: the scan is incomplete.
    Failed(String),
}

/// What the per-file pass needs, built once per run: the config, the secret
/// engine and the code-rule prefilters. [`crate::fuzz`] drives it from bytes
/// instead of a path: exactly the pass a scan runs on each file.
pub(crate) struct FileScanner {
    /// Parse every source file, whatever the code-rule prefilter says.
    pub(crate) parse_all: bool,
    config: Config,
    only: Vec<String>,
    engine: SecretEngine,
    prefilters: Prefilters,
    /// Is any code rule on?
    code_rules: bool,
}

/// The code-rule prefilter of each language, and its keyword pass shared with
/// the secret engine, built when the first file of the language comes: a Python
/// repository pays nothing for the Rust and JS ones.
#[derive(Default)]
struct Prefilters {
    /// By [`Prefilters::slot`]: Python, JavaScript, Rust.
    prefilter: [OnceLock<CodePrefilter>; 3],
    shared: [OnceLock<Option<SharedPass>>; 3],
}

impl Prefilters {
    fn slot(lang: Lang) -> usize {
        match lang {
            Lang::JavaScript => 1,
            Lang::Rust => 2,
            _ => 0,
        }
    }

    fn get(&self, lang: Lang) -> &CodePrefilter {
        self.prefilter[Self::slot(lang)].get_or_init(|| CodePrefilter::new(lang_key(lang)))
    }

    /// One pass for the secret engine's keywords and the prefilter's words.
    fn shared(&self, lang: Lang, engine: &SecretEngine) -> Option<&SharedPass> {
        self.shared[Self::slot(lang)]
            .get_or_init(|| SharedPass::new(engine, self.get(lang)))
            .as_ref()
    }
}

/// The outcome of [`FileScanner::scan`] on one file.
#[derive(Debug, Default)]
pub(crate) struct FileScan {
    /// Findings left after inline suppressions, redacted and fingerprinted.
    pub findings: Vec<Finding>,
    /// Why the file was not scanned (binary), if it was not.
    pub skipped: Option<String>,
}

impl FileScanner {
    /// `only`: run only these rules (all enabled rules when empty).
    pub(crate) fn new(config: Config, only: Vec<String>) -> Result<FileScanner> {
        // Python's prefilter is built on the other core while the secret engine is:
        // trading bots are Python first, and both are on the way to the first file.
        let prefilters = Prefilters::default();
        let code_rules = checks::CODE_RULES
            .iter()
            .any(|r| rule_severity(&config, &only, r).is_some());
        let secrets = rule_severity(&config, &only, "hardcoded-secret").is_some();
        // (The longer of each pair runs on this thread: the other waits for a worker.)
        let (_, engine) = join_here(
            || code_rules.then(|| prefilters.get(Lang::Python)),
            || SecretEngine::new(config.patterns.clone(), &config.allowlist),
        );
        let engine = engine.context("building the secret patterns")?;
        // Trading bots are Python first: its shared pass is built now. The
        // engine's own automaton (for the other files) waits for the first file
        // that needs it, off the start-up's path, unless the shared pass was not
        // built: the shared pass holds the engine's words, so when it builds, so
        // does the engine's; otherwise a set too large to build is reported now.
        let shared = (code_rules && secrets)
            .then(|| prefilters.shared(Lang::Python, &engine))
            .flatten();
        if shared.is_none() {
            engine.prepare()?;
        }
        Ok(FileScanner {
            parse_all: false,
            config,
            only,
            engine,
            prefilters,
            code_rules,
        })
    }

    fn ctx(&self) -> Ctx<'_> {
        Ctx {
            config: &self.config,
            engine: &self.engine,
            only: &self.only,
            prefilters: &self.prefilters,
            code_rules: self.code_rules,
            parse_all: self.parse_all,
        }
    }

    /// The per-file pass on `bytes` as if read from `rel_path` (which decides the
    /// file's kind and language, and is the path findings carry).
    pub(crate) fn scan(&self, rel_path: &str, bytes: Vec<u8>) -> FileScan {
        match scan_bytes(Path::new(rel_path), rel_path, bytes, &self.ctx()).0 {
            FileOutcome::Scanned(findings, ..) => FileScan {
                findings,
                skipped: None,
            },
            FileOutcome::Skipped(s) => FileScan {
                skipped: Some(s.reason),
                ..FileScan::default()
            },
            FileOutcome::Failed(e) => unreachable!("no I/O from bytes: {e}"),
        }
    }
}

/// `rayon::join(a, b)` for a caller that may be outside the pool (the scan's
/// start-up runs on the main thread): `b` runs on the calling thread while a
/// worker runs `a`. A join from outside the pool hands both to the pool and
/// waits for its threads to wake (which, at start-up, often ran the two one
/// after the other on one worker).
fn join_here<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    let mut from_a = None;
    let from_b = rayon::in_place_scope(|s| {
        s.spawn(|_| from_a = Some(a()));
        b()
    });
    (from_a.expect("the scope waits for what it spawned"), from_b)
}

/// Files queued between the walk and the scan threads: enough to keep the scan
/// threads busy, few enough that the walk never gets far ahead (the queue, not
/// the tree, is what is held).
const QUEUE: usize = 256;

pub fn run(opts: &ScanOptions) -> Result<ScanReport> {
    let base = opts
        .config
        .source
        .as_ref()
        .and_then(|p| p.parent())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let base = std::fs::canonicalize(&base).unwrap_or(base);
    let excludes = walk::Excludes {
        set: build_globset(&opts.config.exclude)?,
        base,
    };
    // Files git tracks although ignored are added from git's index after the walk:
    // the walk remembers what it handed out (a hash per path) when there is an index.
    let tracked_ignored = !opts.no_ignore && opts.paths.iter().any(|p| in_git_repo(p));
    let walk_opts = walk::WalkOptions {
        excludes: &excludes,
        force_exclude: opts.force_exclude,
        respect_ignore_files: !opts.no_ignore,
        threads: opts.threads,
        remember: tracked_ignored,
    };
    // The walk hands each file to the scan threads as it finds it, through a short
    // queue; each scan thread adds up its own outcomes. Nothing is held per file but
    // what a later step needs: findings, and the few lockfiles and `.env` files.
    // The scan threads are rayon's (built with a stack the parsers can recurse on,
    // see lang::PARSE_STACK); the audit runs on them afterwards, in the memory the
    // scan left free. The walk starts first: the secret engine is built while it
    // fills the queue.
    let queue = Queue::new(QUEUE);
    let (walked, folds, scanner, audit_sev) = std::thread::scope(|s| {
        let walker = s.spawn(|| {
            // The scan threads stop when the queue closes (also if the walk panics).
            struct CloseWhenDone<'a>(&'a Queue<Candidate>);
            impl Drop for CloseWhenDone<'_> {
                fn drop(&mut self) {
                    self.0.close();
                }
            }
            let _closing = CloseWhenDone(&queue);
            let found = |c: Candidate| queue.push(c);
            let walked = walk::walk(&opts.paths, &walk_opts, &found);
            if tracked_ignored {
                for c in add_tracked_ignored(&opts.paths, &excludes, &walked) {
                    if !found(c) {
                        break;
                    }
                }
            }
            walked
        });
        let scanner = match FileScanner::new(opts.config.clone(), opts.only.clone()) {
            Ok(scanner) => scanner,
            Err(e) => {
                queue.abandon();
                walker
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p));
                return Err(e);
            }
        };
        let ctx = scanner.ctx();
        let audit_sev = audit::Severities::from_fn(|r| ctx.severity(r));
        let pass = PassOptions {
            ctx: &ctx,
            audit: audit_sev.any(),
            crate_names: audit_sev.needs_db() && audit::may_have_db(&opts.audit),
        };
        let folds: Vec<PassFold> = rayon::broadcast(|_| scan_queue(&queue, &pass));
        let walked = walker
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        Ok((walked, folds, scanner, audit_sev))
    })?;
    let ctx = scanner.ctx();
    let mut report = ScanReport {
        skipped: walked.skipped,
        errors: walked.errors,
        ..ScanReport::default()
    };
    // Put together what the scan threads gathered, in the order of the paths (the
    // order the findings, errors and lockfiles have always come in).
    let mut by_file = Vec::new();
    let mut failed = Vec::new();
    let mut lockfiles = Vec::new();
    let mut env_files = Vec::new();
    let mut crate_names = std::collections::HashSet::new();
    for mut f in folds {
        report.files_scanned += f.report.files_scanned;
        report.suppressed += f.report.suppressed;
        report.skipped.append(&mut f.report.skipped);
        report.parse_errors.append(&mut f.report.parse_errors);
        for (lang, n) in f.report.seen {
            *report.seen.entry(lang).or_default() += n;
        }
        for (lang, n) in f.report.parsed {
            *report.parsed.entry(lang).or_default() += n;
        }
        by_file.append(&mut f.findings);
        failed.append(&mut f.failed);
        lockfiles.append(&mut f.lockfiles);
        env_files.append(&mut f.env_files);
        crate_names.extend(f.crate_names);
    }
    by_file.sort_by(|a, b| a.0.cmp(&b.0));
    report.findings = Vec::with_capacity(by_file.iter().map(|f| f.1.len()).sum());
    for (_, mut f) in by_file {
        report.findings.append(&mut f);
    }
    failed.sort();
    report.errors.extend(failed.into_iter().map(|(_, e)| e));
    lockfiles.sort();
    env_files.sort();

    // Repository-level checks: the dotenv rules look at `.env`-like files only.
    let env = dotenv::check(
        &env_files,
        &opts.paths,
        |r| ctx.severity(r),
        &mut report.warnings,
    );
    // (A tracked .env that .gitignore matches was added to the scan from git's index.)
    for f in env {
        report.findings.push(file_level_finding(&f.display, f.raw));
    }
    // Every Cargo.lock is audited, one at a time: the advisory database is loaded
    // once, only when there is a lockfile, for the crates the lockfiles name.
    if !lockfiles.is_empty() && audit_sev.any() {
        let db = audit::open_for(&crate_names, audit_sev, &opts.audit);
        drop(crate_names);
        let (audited, placed) = audit::check_each(
            &lockfiles,
            db,
            audit_sev,
            &opts.config.audit_ignore,
            opts.audit.require_db,
            place_lockfile_findings,
        );
        report.warnings.extend(audited.warnings);
        report.errors.extend(audited.errors);
        for (mut findings, suppressed) in placed {
            report.findings.append(&mut findings);
            report.suppressed += suppressed;
        }
    }
    if report.files_scanned == 0 && report.errors.is_empty() {
        report
            .warnings
            .push("no file was scanned: every path was excluded, ignored, skipped or empty".into());
    }
    report
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    report.findings.dedup();
    report.skipped.sort();
    report.skipped.dedup();
    report.parse_errors.sort();
    if opts.exits_after {
        std::mem::forget(scanner);
    }
    Ok(report)
}

/// A lockfile's audit findings, placed in its text; and how many were suppressed.
fn place_lockfile_findings(lock: audit::LockfileAudit) -> (Vec<Finding>, usize) {
    let src = SourceFile::new(lock.display, lock.bytes);
    let mut out = Vec::new();
    let mut suppressed = 0;
    for raw in lock.findings {
        let f = finalize(&src, raw, &[]);
        let line_text = |l: usize| (l <= src.line_count()).then(|| src.line_text(l - 1));
        if suppress::is_suppressed(f.span.start_line, &f.rule, f.sub_id.as_deref(), line_text) {
            suppressed += 1;
        } else {
            out.push(f);
        }
    }
    (out, suppressed)
}

/// What the scan threads need besides the per-file context.
struct PassOptions<'a> {
    ctx: &'a Ctx<'a>,
    /// Note the `Cargo.lock` files (an audit rule is on).
    audit: bool,
    /// And the crates they name (the advisory database is needed).
    crate_names: bool,
}

/// What one scan thread gathers.
#[derive(Default)]
struct PassFold {
    /// Counts, skipped files, parse errors.
    report: ScanReport,
    /// Findings, per file with findings (path to open, its findings in order).
    findings: Vec<(PathBuf, Vec<Finding>)>,
    /// Files that could not be read: (path to open, message).
    failed: Vec<(PathBuf, String)>,
    /// (path to open, display path) of every `Cargo.lock`, for the audit.
    lockfiles: Vec<(PathBuf, String)>,
    /// The same for every `.env`-like file, for the dotenv rules.
    env_files: Vec<(PathBuf, String)>,
    /// The crates.io packages the lockfiles name.
    crate_names: std::collections::HashSet<String>,
}

/// A scan thread: scan files from the queue until the walk is done.
fn scan_queue(queue: &Queue<Candidate>, pass: &PassOptions<'_>) -> PassFold {
    /// A scan thread that panics abandons the queue: the walk stops (and the
    /// panic reaches the caller when the thread is joined).
    struct AbandonOnPanic<'a>(&'a Queue<Candidate>);
    impl Drop for AbandonOnPanic<'_> {
        fn drop(&mut self) {
            if std::thread::panicking() {
                self.0.abandon();
            }
        }
    }
    let _abandon = AbandonOnPanic(queue);
    let mut fold = PassFold::default();
    while let Some(c) = queue.take() {
        if pass.audit && classify(&c.path, b"") == Kind::CargoLock {
            if pass.crate_names {
                fold.crate_names.extend(audit::lockfile_names(&c.path));
            }
            fold.lockfiles.push((c.path.clone(), c.display.clone()));
        }
        if dotenv::is_secret_env(&c.path) {
            fold.env_files.push((c.path.clone(), c.display.clone()));
        }
        match scan_candidate(&c, pass.ctx) {
            FileOutcome::Failed(e) => fold.failed.push((c.path, e)),
            FileOutcome::Scanned(findings, suppressed, parse, counted) => {
                let counts = FileOutcome::Scanned(Vec::new(), suppressed, parse, counted);
                fold.report.add(counts);
                if !findings.is_empty() {
                    fold.findings.push((c.path, findings));
                }
            }
            skipped => fold.report.add(skipped),
        }
    }
    fold
}

/// Is `path` a directory inside a git working tree?
fn in_git_repo(path: &Path) -> bool {
    path.is_dir() && crate::repo::gitindex::find_repo(path).is_some()
}

/// Files git tracks although `.gitignore` matches them (force-added, or ignored
/// after the fact) are in the repository all the same: the walk skipped them, so
/// add them from git's index. Without a repository there is no way to know.
fn add_tracked_ignored(
    paths: &[PathBuf],
    excludes: &walk::Excludes,
    walked: &walk::Walked,
) -> Vec<Candidate> {
    use crate::repo::gitindex::{find_repo, tracked_paths};
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut added = Vec::new();
    for root in paths.iter().filter(|p| p.is_dir()) {
        let (Some(repo), Ok(canon_root)) = (find_repo(root), std::fs::canonicalize(root)) else {
            continue;
        };
        let Ok(tracked) = tracked_paths(&repo) else {
            continue; // reported by the env-file-tracked check
        };
        for rel in tracked {
            let abs = repo.top.join(&rel);
            let Ok(below) = abs.strip_prefix(&canon_root) else {
                continue;
            };
            let path = root.join(below);
            if walked.handed_out(&path) || excludes.is_excluded(&path) {
                continue;
            }
            // Only what is really there and is a regular file (a deleted or
            // replaced file stays in the index until the next commit).
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
                added.push(walk::Candidate {
                    display: walk::display_path(&path, &cwd),
                    path,
                    explicit: false,
                });
            }
        }
    }
    added.sort();
    added.dedup_by(|a, b| a.path == b.path);
    added
}

fn build_globset(globs: &[String]) -> Result<globset::GlobSet> {
    let mut b = globset::GlobSetBuilder::new();
    for g in globs {
        b.add(globset::Glob::new(g).with_context(|| format!("bad exclude glob {g:?}"))?);
        // `dir` and `dir/` also exclude what is below.
        let trimmed = g.trim_end_matches('/');
        if !trimmed.contains('*') {
            b.add(globset::Glob::new(&format!("{trimmed}/**"))?);
        }
    }
    Ok(b.build()?)
}

enum ReadError {
    /// Deliberately not read (size, type): listed as skipped.
    Skip(String),
    /// Could not be read: an error.
    Io(String),
}

/// How much of a file decides whether it is binary (a NUL byte in it).
const SNIFF: usize = 8192;

/// The skip reason of a binary file.
const BINARY: &str = "binary (NUL byte in the first 8 KiB)";

/// Read `path` into `buf` (cleared first). The first [`SNIFF`] bytes are read
/// alone: a binary file (an archive, an image, a wheel) is skipped after them
/// rather than read whole for nothing.
fn read_file(path: &Path, cap: u64, buf: &mut Vec<u8>) -> std::result::Result<(), ReadError> {
    use ReadError::{Io, Skip};
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A FIFO swapped in after discovery must not block the open.
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let mut file = opts.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            // Discovery saw it (walked, or named and checked): removed since.
            Skip(walk::VANISHED.into())
        } else {
            Io(walk::io_reason(&e))
        }
    })?;
    let md = file.metadata().map_err(|e| Io(walk::io_reason(&e)))?;
    if !md.is_file() {
        return Err(Skip("not a regular file".into()));
    }
    if md.len() > cap {
        return Err(Skip(format!("too large ({} bytes, limit {cap})", md.len())));
    }
    buf.clear();
    let need = md.len() as usize;
    if buf.capacity() < need {
        // A new buffer, not `reserve`: growing in place would copy the old one.
        *buf = Vec::with_capacity(need.max(buf.capacity() * 2).min(need.max(KEEP_BUFFER)));
    }
    let io = |e: std::io::Error| Io(walk::io_reason(&e));
    (&mut file)
        .take(SNIFF as u64)
        .read_to_end(buf)
        .map_err(io)?;
    // UTF-16 text holds NULs: it is decoded first and checked after (scan_bytes).
    if decode_utf16_bom(buf).is_none() && is_binary(buf) {
        return Err(Skip(BINARY.into()));
    }
    let rest = (cap + 1).saturating_sub(buf.len() as u64);
    file.take(rest).read_to_end(buf).map_err(io)?;
    if buf.len() as u64 > cap {
        return Err(Skip(format!(
            "too large (grew past limit {cap} while reading)"
        )));
    }
    Ok(())
}

/// Whether `bytes` start with a UTF-16 byte-order mark, and if so whether it
/// is little-endian.
fn decode_utf16_bom(bytes: &[u8]) -> Option<bool> {
    match bytes.get(..2)? {
        [0xFF, 0xFE] => Some(true),
        [0xFE, 0xFF] => Some(false),
        _ => None,
    }
}

/// Text with a UTF-16 byte-order mark, as UTF-8; `None` for anything else.
fn decode_utf16(bytes: &[u8]) -> Option<Vec<u8>> {
    let little = decode_utf16_bom(bytes)?;
    let units = bytes[2..].chunks_exact(2).map(|p| {
        if little {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        }
    });
    let text: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    Some(text.into_bytes())
}

fn is_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(SNIFF)]).is_some()
}

/// A file buffer larger than this is not kept for the next file.
const KEEP_BUFFER: usize = 8 << 20;

thread_local! {
    /// Each scan thread reads every file into the same buffer: fresh memory for
    /// every file would cost a page fault per 4 KiB read.
    static READ_BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn scan_candidate(c: &Candidate, ctx: &Ctx<'_>) -> FileOutcome {
    let skipped = |reason: String| {
        FileOutcome::Skipped(Skipped {
            path: c.display.clone(),
            reason,
        })
    };
    let mut buf = READ_BUFFER.with(|b| std::mem::take(&mut *b.borrow_mut()));
    let (outcome, mut buf) = match read_file(&c.path, ctx.config.max_file_size, &mut buf) {
        Ok(()) => scan_bytes(&c.path, &c.display, buf, ctx),
        Err(ReadError::Skip(reason)) => (skipped(reason), buf),
        Err(ReadError::Io(e)) => (FileOutcome::Failed(format!("{}: {e}", c.display)), buf),
    };
    if buf.capacity() <= KEEP_BUFFER {
        buf.clear();
        READ_BUFFER.with(|b| *b.borrow_mut() = buf);
    }
    outcome
}

/// The per-file pass on a file's bytes; `path` decides its kind, `display` is
/// the path findings carry. The bytes are handed back for the next file.
fn scan_bytes(path: &Path, display: &str, bytes: Vec<u8>, ctx: &Ctx<'_>) -> (FileOutcome, Vec<u8>) {
    // UTF-16 text (PowerShell, Windows config files) is scanned as UTF-8: same lines,
    // columns counted in characters as everywhere else.
    let bytes = decode_utf16(&bytes).unwrap_or(bytes);
    if is_binary(&bytes) {
        let skipped = FileOutcome::Skipped(Skipped {
            path: display.to_string(),
            reason: BINARY.into(),
        });
        return (skipped, bytes);
    }
    let kind = classify(path, &bytes[..bytes.len().min(256)]);
    let src = SourceFile::new(display.to_string(), bytes);
    let (findings, suppressed, parse, counted) = scan_source(&src, kind, ctx);
    (
        FileOutcome::Scanned(findings, suppressed, parse, counted),
        src.into_bytes(),
    )
}

/// Source files at least this large get the secret engine and the code rules
/// side by side (rayon::join): one large file must not keep one core busy while
/// the other has run out of files.
const JOIN_MIN: usize = 64 << 10;

/// Run every per-file rule on one file; returns findings, how many were
/// suppressed, and a note when the file could not be parsed cleanly.
fn scan_source(
    src: &SourceFile,
    kind: Kind,
    ctx: &Ctx<'_>,
) -> (Vec<Finding>, usize, Option<Skipped>, Parsed) {
    let secret_sev = ctx.severity("hardcoded-secret");
    let code_lang = match kind {
        Kind::Source(lang @ (Lang::Python | Lang::JavaScript | Lang::Rust)) => Some(lang),
        _ => None,
    };
    // Generated code gets the secret rule only: no prefilter, no parse.
    let generated = match code_lang {
        Some(lang) if ctx.code_rules && !ctx.config.parse_generated => {
            crate::generated::generated(lang, &src.bytes).map(|why| (lang, why))
        }
        _ => None,
    };
    let code_lang = if generated.is_some() { None } else { code_lang };
    // A source file's keyword pass serves the secret engine and the code
    // prefilter at once (both are needed when the secret rule and a code rule are on).
    let shared = match code_lang {
        Some(lang) if secret_sev.is_some() && ctx.code_rules && !ctx.parse_all => ctx
            .prefilters
            .shared(lang, ctx.engine)
            .map(|p| p.run(ctx.engine, ctx.prefilters.get(lang), &src.bytes)),
        _ => None,
    };
    let (mut keyword_hits, wanted) = match shared {
        Some((hits, wanted)) => (Some(hits), Some(wanted)),
        None => (None, None),
    };
    let run_code = |raws: &mut Vec<RawFinding>| match code_lang {
        None if let Some((lang, why)) = &generated => {
            let note = Skipped {
                path: src.rel_path.clone(),
                reason: format!(
                    "{why}: scanned for secrets, not parsed for the code rules \
                     (`parse-generated = true` parses it)"
                ),
            };
            let counted = Parsed {
                lang: Some(lang_key(*lang)),
                parsed: false,
            };
            (Some(note), counted)
        }
        Some(lang) => {
            let (note, parsed) = code_rules(src, lang, ctx, wanted, raws);
            let counted = Parsed {
                lang: Some(lang_key(lang)),
                parsed,
            };
            (note, counted)
        }
        None => (None, Parsed::default()),
    };
    let secrets_of = |hits: Option<KeywordHits>| match hits {
        Some(hits) => ctx.engine.scan_hits(&src.bytes, kind, hits),
        None => ctx.engine.scan(&src.bytes, kind),
    };
    let mut raws: Vec<RawFinding> = Vec::new();
    // With the secret rule on, the secret engine and the code rules are independent:
    // a large source file gets both at once (the other scan thread, once idle, takes
    // one). Otherwise the code rules come first: whether the secret engine must run
    // (to redact their snippets) depends on their findings.
    let (parse_note, counted, early_hits) =
        if secret_sev.is_some() && code_lang.is_some() && src.bytes.len() >= JOIN_MIN {
            let hits = keyword_hits.take();
            let ((note, counted), found) = rayon::join(|| run_code(&mut raws), || secrets_of(hits));
            (note, counted, Some(found))
        } else {
            let (note, counted) = run_code(&mut raws);
            (note, counted, None)
        };
    if is_test_path(&src.rel_path) {
        demote_in_tests(&mut raws, ctx);
    }
    // Secret ranges are needed to redact the other rules' snippets even when the
    // secret rule is off, but only in a file that has other findings (and never in
    // a Cargo.lock, whose findings sit on `name = "…"` lines: crate names).
    let hits = if let Some(hits) = early_hits {
        hits
    } else if secret_sev.is_none() && (raws.is_empty() || kind == Kind::CargoLock) {
        Vec::new()
    } else {
        secrets_of(keyword_hits)
    };
    let secret_ranges: Vec<(usize, usize)> = hits.iter().map(|h| (h.start, h.end)).collect();
    if let Some(rule_sev) = secret_sev {
        raws.extend(
            hits.into_iter()
                .map(|h| secret_finding(src, h, rule_sev, ctx)),
        );
    }
    // Only findings show snippets: without one, there is nothing to redact.
    let secret_ranges = if raws.is_empty() {
        Vec::new()
    } else {
        redaction_ranges(&src.bytes, &secret_ranges)
    };
    let (out, suppressed) = finish(src, raws, &secret_ranges);
    (out, suppressed, parse_note, counted)
}

/// Code in tests talks to mocks and local servers: its code-rule findings are one
/// level lower (error → warning → note), unless the config sets the rule's severity.
fn demote_in_tests(raws: &mut [RawFinding], ctx: &Ctx<'_>) {
    for raw in raws {
        if !ctx.config.severity.contains_key(raw.rule) {
            raw.severity = match raw.severity {
                Severity::Error => Severity::Warning,
                _ => Severity::Note,
            };
        }
    }
}

/// The `hardcoded-secret` finding for one secret the engine found.
fn secret_finding(src: &SourceFile, h: SecretHit, rule_sev: Severity, ctx: &Ctx<'_>) -> RawFinding {
    let shown = redact(&String::from_utf8_lossy(&src.bytes[h.start..h.end]));
    // A pattern marked `warning` stays a warning unless the user raised the rule.
    // The generic detector in test code mostly meets mock values: a warning there.
    // Provider patterns keep their severity: a real exchange key in a test is a leak.
    let pattern_sev = if h.pattern_id == GENERIC_ID && is_test_path(&src.rel_path) {
        Severity::Warning
    } else {
        h.severity
    };
    let severity = if ctx.config.severity.contains_key("hardcoded-secret") {
        rule_sev
    } else {
        pattern_sev.min(rule_sev)
    };
    RawFinding {
        rule: "hardcoded-secret",
        sub_id: Some(h.pattern_id),
        severity,
        location: Location::Bytes(h.start, h.end),
        message: format!("{} `{shown}` is hardcoded", h.description),
        fix: Some(
            "revoke it at the provider, then load it from the environment or a secret store".into(),
        ),
        secret_hash: Some(h.hash),
    }
}

/// Findings with their snippets redacted, less those an inline comment
/// suppresses; and how many were suppressed.
fn finish(
    src: &SourceFile,
    raws: Vec<RawFinding>,
    secret_ranges: &[(usize, usize)],
) -> (Vec<Finding>, usize) {
    let mut out = Vec::with_capacity(raws.len());
    let mut suppressed = 0;
    for raw in raws {
        let f = finalize(src, raw, secret_ranges);
        let line_text = |l: usize| (l <= src.line_count()).then(|| src.line_text(l - 1));
        if suppress::is_suppressed(f.span.start_line, &f.rule, f.sub_id.as_deref(), line_text) {
            suppressed += 1;
        } else {
            out.push(f);
        }
    }
    (out, suppressed)
}

/// Which language a scanned file was, and whether the code rules parsed it.
#[derive(Debug, Default, Clone, Copy)]
struct Parsed {
    lang: Option<&'static str>,
    parsed: bool,
}

/// The key of a language in the rule data and in the report.
fn lang_key(lang: Lang) -> &'static str {
    match lang {
        Lang::JavaScript => "javascript",
        Lang::Rust => "rust",
        _ => "python",
    }
}

/// The code rules of one language: prefilter, parse, facts, checks. Returns
/// a note when the file could not be parsed cleanly, and whether it was parsed.
/// `wanted`: the prefilter's verdict when a shared keyword pass has given it.
fn code_rules(
    src: &SourceFile,
    lang: Lang,
    ctx: &Ctx<'_>,
    wanted: Option<bool>,
    raws: &mut Vec<RawFinding>,
) -> (Option<Skipped>, bool) {
    use crate::lang::{js, python, rust};
    if !ctx.code_rules
        || !(ctx.parse_all || wanted.unwrap_or_else(|| ctx.prefilters.get(lang).wants(&src.bytes)))
    {
        return (None, false);
    }
    let note = |reason: String| {
        Some(Skipped {
            path: src.rel_path.clone(),
            reason,
        })
    };
    if src.bytes.len() as u64 > ctx.config.max_parse_size {
        return (
            note(format!(
                "not parsed for the code rules: {} bytes, over max-parse-size ({} bytes)",
                src.bytes.len(),
                ctx.config.max_parse_size
            )),
            false,
        );
    }
    let text = src.text();
    let key = lang_key(lang);
    let (clients, sinks) = match (
        rules::http_clients().lang(key),
        rules::log_sinks().lang(key),
    ) {
        (Some(c), Some(s)) => (c, s),
        _ => return (None, false),
    };
    // Python and JS recover from syntax errors; syn gives no partial tree.
    let (facts, syntax_error, partial) = match lang {
        Lang::JavaScript => {
            let screened = match js::screen(&src.bytes) {
                Ok(s) => s,
                Err(reason) => return (note(reason), false),
            };
            let x = js::extract_screened(&text, &src.rel_path, sinks, screened);
            (x.facts, x.syntax_error, true)
        }
        Lang::Rust => {
            let x = match rust::extract_for_rules(&text, sinks) {
                Ok(x) => x,
                Err(reason) => return (note(reason), false),
            };
            let err = x
                .syntax_error
                .map(|(offset, message)| python::SyntaxErrorInfo {
                    offset,
                    message,
                    count: 1,
                });
            (x.facts, err, false)
        }
        _ => {
            let x = match python::extract_for_rules(&text, sinks) {
                Ok(x) => x,
                Err(reason) => return (note(reason), false),
            };
            (x.facts, x.syntax_error, true)
        }
    };
    let extracted = python::Extracted {
        facts,
        syntax_error,
    };
    let input = CheckInput {
        facts: &extracted.facts,
        clients,
        sinks,
        names: rules::sensitive_names(),
    };
    for hit in checks::run(&input, |r| ctx.severity(r).is_some()) {
        let Some(sev) = ctx.severity(hit.rule) else {
            continue;
        };
        let severity = match hit.max_severity {
            Some(cap) if !ctx.config.severity.contains_key(hit.rule) => sev.min(cap),
            _ => sev,
        };
        raws.push(RawFinding {
            rule: hit.rule,
            sub_id: None,
            severity,
            location: Location::Bytes(hit.span.0, hit.span.1),
            message: hit.message,
            fix: hit
                .fix
                .or_else(|| rules::find(hit.rule).map(|d| first_line(&d.fix))),
            secret_hash: None,
        });
    }
    let note = extracted.syntax_error.and_then(|e| {
        let line = src.line_index(e.offset.min(src.bytes.len())) + 1;
        let more = if e.count > 1 {
            format!(" (and {} more)", e.count - 1)
        } else {
            String::new()
        };
        let what = if partial {
            "code rules checked the parts that parsed"
        } else {
            "code rules did not run"
        };
        note(format!(
            "syntax error at line {line}: {}{more}; {what}",
            e.message
        ))
    });
    (note, true)
}

fn first_line(text: &str) -> String {
    text.trim().lines().next().unwrap_or("").to_string()
}

/// Turn a rule's raw finding into a finding: span, redacted snippet, fingerprint.
fn finalize(src: &SourceFile, raw: RawFinding, secrets: &[(usize, usize)]) -> Finding {
    let (start, end) = match raw.location {
        Location::Bytes(s, e) => (s, e),
        Location::File => (0, 0),
    };
    let mut span = src.span(start, end);
    let line_idx = span.start_line - 1;
    let line = src.line_range(line_idx);
    let hl_end = end.min(line.1).max(start);
    let red = redact_line(&src.bytes, line, secrets, (start, hl_end));
    if matches!(raw.location, Location::File) {
        span.end_col = red.text.chars().count() + 1;
    }
    let anchor = match &raw.secret_hash {
        Some(h) => h.clone(),
        None => normalise_line(&red.text),
    };
    let fingerprint = stable_hash(&[
        raw.rule.as_bytes(),
        raw.sub_id.as_deref().unwrap_or("").as_bytes(),
        src.rel_path.as_bytes(),
        anchor.as_bytes(),
    ]);
    Finding {
        rule: raw.rule.to_string(),
        sub_id: raw.sub_id,
        severity: raw.severity,
        path: src.rel_path.clone(),
        span,
        message: redact_message(raw.message, &src.bytes, secrets),
        snippet: Some(red.text),
        highlight: Some(red.highlight),
        fix: raw.fix,
        fingerprint,
    }
}

/// A finding about a whole file (no snippet: the file may hold secrets).
fn file_level_finding(display: &str, raw: RawFinding) -> Finding {
    let fingerprint = stable_hash(&[raw.rule.as_bytes(), display.as_bytes()]);
    Finding {
        rule: raw.rule.to_string(),
        sub_id: raw.sub_id,
        severity: raw.severity,
        path: display.to_string(),
        span: Span {
            start_line: 1,
            start_col: 1,
            end_line: 1,
            end_col: 1,
        },
        message: raw.message,
        snippet: None,
        highlight: None,
        fix: raw.fix,
        fingerprint,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The code-rule prefilter only saves work: on every fixture source file
    /// (and the example bot), a pass that parses every file whatever the
    /// prefilter says reports exactly what the normal pass reports.
    #[test]
    fn the_prefilter_drops_no_fixture_finding() {
        let plain = FileScanner::new(Config::default(), Vec::new()).unwrap();
        let mut all = FileScanner::new(Config::default(), Vec::new()).unwrap();
        all.parse_all = true;
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = 0;
        for dir in [
            "fixtures/python",
            "fixtures/js",
            "fixtures/rust",
            "fixtures/example-bot",
        ] {
            for entry in walkdir::WalkDir::new(root.join(dir)).sort_by_file_name() {
                let entry = entry.unwrap();
                let path = entry.path();
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                if !entry.file_type().is_file() || !matches!(classify(path, b""), Kind::Source(_)) {
                    continue;
                }
                let bytes = std::fs::read(path).unwrap();
                let key = |s: &FileScan| -> Vec<(String, Span, String)> {
                    s.findings
                        .iter()
                        .map(|f| (f.rule.clone(), f.span, f.message.clone()))
                        .collect()
                };
                let want = key(&all.scan(&rel, bytes.clone()));
                let got = key(&plain.scan(&rel, bytes));
                assert_eq!(got, want, "{rel}: the prefilter changed the findings");
                files += 1;
            }
        }
        assert!(files > 30, "only {files} fixture source files found");
    }
}
