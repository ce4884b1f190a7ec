//! Discovery: which files to read.
//!
//! A parallel walk with `ignore` (honouring `.gitignore`, `.ignore`,
//! `.git/info/exclude` and the global excludes file, with or without a `.git`
//! directory), visiting hidden files (a `.env` is hidden) but never `.git/`.
//! Only regular files are kept; symbolic links are not followed, so nothing
//! outside the root is read and no link loop can trap the walk. Explicit file
//! arguments are always kept, even when ignored (pre-commit passes them).

use globset::GlobSet;
use ignore::{DirEntry, ParallelVisitor, ParallelVisitorBuilder, WalkState};
use std::collections::hash_map::RandomState;
use std::collections::HashSet;
use std::hash::BuildHasher;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A file to scan.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    /// Path to open.
    pub path: PathBuf,
    /// Path as shown in output: relative to the working directory, `/`-separated.
    pub display: String,
    /// Named on the command line rather than found by walking.
    pub explicit: bool,
}

/// Something discovery passed over, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// What a walk leaves behind once every file has been handed out: what it
/// passed over, what it could not read, and (when asked) which paths it handed
/// out, as hashes.
#[derive(Debug, Default)]
pub struct Walked {
    /// Sorted.
    pub skipped: Vec<Skipped>,
    /// Paths that could not be read at all (missing arguments, unreadable
    /// directories). Sorted.
    pub errors: Vec<String>,
    /// Every path handed out, when [`WalkOptions::remember`] asked for it.
    handed_out: Option<PathSet>,
}

impl Walked {
    /// Was `path` handed out (walked or named)? `false` when the walk did not
    /// remember ([`WalkOptions::remember`]).
    pub fn handed_out(&self, path: &Path) -> bool {
        self.handed_out.as_ref().is_some_and(|s| s.contains(path))
    }
}

/// A set of paths as 64-bit hashes (8 bytes a path instead of the path): keyed
/// per run, so no file name can be chosen to collide with another; the chance
/// that two of a million paths collide is below one in ten million.
#[derive(Debug, Default)]
struct PathSet {
    state: RandomState,
    /// Sorted, deduplicated.
    hashes: Vec<u64>,
}

impl PathSet {
    fn contains(&self, path: &Path) -> bool {
        self.hashes
            .binary_search(&self.state.hash_one(path))
            .is_ok()
    }
}

/// The config's `exclude` globs, matched against paths relative to the
/// directory of the config file (or to the working directory without one).
pub struct Excludes {
    pub set: GlobSet,
    /// Canonical directory the globs are relative to.
    pub base: PathBuf,
}

impl Excludes {
    /// `path` (as walked or named) relative to the base, `/`-separated, if it is below it.
    fn relative(&self, path: &Path) -> Option<String> {
        let abs = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir().ok()?.join(path)
        };
        let abs = normalize(&abs);
        let rel = abs.strip_prefix(&self.base).ok()?;
        Some(display_path(rel, Path::new("")))
    }

    pub fn is_excluded(&self, path: &Path) -> bool {
        if self.set.is_empty() {
            return false;
        }
        let Some(rel) = self.relative(path) else {
            return false;
        };
        self.set.is_match(&rel)
            || Path::new(&rel)
                .ancestors()
                .skip(1)
                .any(|a| !a.as_os_str().is_empty() && self.set.is_match(a))
    }
}

/// Resolve `.` and `..` lexically (no symlinks resolved, no I/O).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

pub struct WalkOptions<'a> {
    pub excludes: &'a Excludes,
    /// Apply `excludes` to explicit file arguments too.
    pub force_exclude: bool,
    /// Honour `.gitignore`, `.ignore`, `.git/info/exclude` and the global excludes.
    pub respect_ignore_files: bool,
    /// Walker threads (0: one per core, at most 12).
    pub threads: usize,
    /// Remember which paths were handed out ([`Walked::handed_out`]).
    pub remember: bool,
}

/// `./a/b` -> `a/b`; absolute paths under the working directory become relative.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let rel = if path.is_absolute() {
        path.strip_prefix(cwd).unwrap_or(path)
    } else {
        path
    };
    let mut s = String::new();
    for comp in rel.components() {
        match comp {
            std::path::Component::CurDir => continue,
            c => {
                if !s.is_empty() && !s.ends_with('/') {
                    s.push('/');
                }
                s.push_str(&c.as_os_str().to_string_lossy());
            }
        }
    }
    if s.is_empty() {
        ".".to_string()
    } else {
        s
    }
}

/// Find the files to scan and hand each to `found` as soon as it is found:
/// the files named in `paths` first (on this thread), then those below the
/// directories in `paths` (on the walker threads, in no particular order). Every
/// path is handed out once. Nothing is held per file (unless
/// [`WalkOptions::remember`]): a caller that must not hold the tree does not.
/// `found` returns `false` to stop the walk.
pub fn walk(
    paths: &[PathBuf],
    opts: &WalkOptions<'_>,
    found: &(dyn Fn(Candidate) -> bool + Sync),
) -> Walked {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut local = Local::default();
    let mut roots = Vec::new();
    let mut named = Vec::new();
    for p in paths {
        match std::fs::metadata(p) {
            Err(e) => local
                .errors
                .push(format!("{}: {}", p.display(), io_reason(&e))),
            Ok(md) if md.is_dir() => roots.push(p.clone()),
            Ok(md) => {
                let display = display_path(p, &cwd);
                if opts.force_exclude && opts.excludes.is_excluded(p) {
                    continue;
                }
                if md.is_file() {
                    named.push(Candidate {
                        path: p.clone(),
                        display,
                        explicit: true,
                    });
                } else {
                    local.skipped.push(Skipped {
                        path: display,
                        reason: "not a regular file".into(),
                    });
                }
            }
        }
    }
    named.sort();
    named.dedup_by(|a, b| a.path == b.path);
    let shared = Shared {
        opts,
        cwd: &cwd,
        found,
        named: named.iter().map(|c| c.path.clone()).collect(),
        // Roots inside one another list the same paths: hand each out once.
        seen: overlapping(&roots).then(|| Mutex::new(HashSet::new())),
        state: RandomState::new(),
        done: Mutex::new(Local::default()),
        stop: std::sync::atomic::AtomicBool::new(false),
    };
    for c in named {
        if opts.remember {
            local.hashes.push(shared.state.hash_one(&c.path));
        }
        if !found(c) {
            shared.stop();
            break;
        }
    }
    if !roots.is_empty() && !shared.stopped() {
        walk_roots(&roots, &shared);
    }
    let mut all = shared.done.into_inner().unwrap_or_else(|p| p.into_inner());
    all.absorb(local);
    let mut hashes = all.hashes;
    hashes.sort_unstable();
    hashes.dedup();
    all.skipped.sort();
    all.errors.sort();
    Walked {
        skipped: all.skipped,
        errors: all.errors,
        handed_out: opts.remember.then_some(PathSet {
            state: shared.state,
            hashes,
        }),
    }
}

/// Is one root (as a path: component by component) inside another, or named twice?
fn overlapping(roots: &[PathBuf]) -> bool {
    roots.iter().enumerate().any(|(i, a)| {
        roots
            .iter()
            .enumerate()
            .any(|(j, b)| i != j && b.starts_with(a))
    })
}

/// What the walker threads share.
struct Shared<'a> {
    opts: &'a WalkOptions<'a>,
    cwd: &'a Path,
    found: &'a (dyn Fn(Candidate) -> bool + Sync),
    /// The files named on the command line (handed out already).
    named: HashSet<PathBuf>,
    /// Every path handed out, when the roots overlap.
    seen: Option<Mutex<HashSet<PathBuf>>>,
    state: RandomState,
    /// What each walker thread gathered, added when the thread is done.
    done: Mutex<Local>,
    stop: std::sync::atomic::AtomicBool,
}

impl Shared<'_> {
    fn stop(&self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    fn stopped(&self) -> bool {
        self.stop.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// What one walker thread gathers: small lists (skipped files and errors are
/// few) and, when asked, a hash per path handed out.
#[derive(Default)]
struct Local {
    skipped: Vec<Skipped>,
    errors: Vec<String>,
    hashes: Vec<u64>,
}

impl Local {
    fn absorb(&mut self, mut o: Local) {
        self.skipped.append(&mut o.skipped);
        self.errors.append(&mut o.errors);
        self.hashes.append(&mut o.hashes);
    }
}

struct Visitor<'s> {
    shared: &'s Shared<'s>,
    local: Local,
}

impl Drop for Visitor<'_> {
    fn drop(&mut self) {
        let mut done = self.shared.done.lock().unwrap_or_else(|p| p.into_inner());
        done.absorb(std::mem::take(&mut self.local));
    }
}

impl ParallelVisitor for Visitor<'_> {
    fn visit(&mut self, entry: Result<DirEntry, ignore::Error>) -> WalkState {
        let shared = self.shared;
        let local = &mut self.local;
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                match vanished_path(&err) {
                    // Listed by its parent, gone when read: removed under our feet.
                    Some(path) => local.skipped.push(Skipped {
                        path: display_path(path, shared.cwd),
                        reason: VANISHED.into(),
                    }),
                    // Loops cannot happen without following links; anything else is I/O.
                    None => local.errors.push(err.to_string()),
                }
                return WalkState::Continue;
            }
        };
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        if shared.opts.excludes.is_excluded(entry.path()) {
            return if is_dir {
                WalkState::Skip
            } else {
                WalkState::Continue
            };
        }
        match entry.file_type() {
            Some(t) if t.is_dir() => {}
            Some(t) if t.is_file() => {
                if shared.named.contains(entry.path()) {
                    return WalkState::Continue;
                }
                if let Some(seen) = &shared.seen {
                    let mut seen = seen.lock().unwrap_or_else(|p| p.into_inner());
                    if !seen.insert(entry.path().to_path_buf()) {
                        return WalkState::Continue;
                    }
                }
                if shared.opts.remember {
                    local.hashes.push(shared.state.hash_one(entry.path()));
                }
                let display = display_path(entry.path(), shared.cwd);
                let handed = (shared.found)(Candidate {
                    path: entry.into_path(),
                    display,
                    explicit: false,
                });
                if !handed {
                    shared.stop();
                    return WalkState::Quit;
                }
            }
            Some(t) if t.is_symlink() => local.skipped.push(Skipped {
                path: display_path(entry.path(), shared.cwd),
                reason: "symbolic link (not followed)".into(),
            }),
            _ => local.skipped.push(Skipped {
                path: display_path(entry.path(), shared.cwd),
                reason: "not a regular file (FIFO, socket or device)".into(),
            }),
        }
        WalkState::Continue
    }
}

struct Builder<'s> {
    shared: &'s Shared<'s>,
}

impl<'s> ParallelVisitorBuilder<'s> for Builder<'s> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(Visitor {
            shared: self.shared,
            local: Local::default(),
        })
    }
}

fn walk_roots(roots: &[PathBuf], shared: &Shared<'_>) {
    let opts = shared.opts;
    let mut builder = ignore::WalkBuilder::new(&roots[0]);
    for r in &roots[1..] {
        builder.add(r);
    }
    let honour = opts.respect_ignore_files;
    builder
        .hidden(false)
        .follow_links(false)
        .require_git(false)
        .git_ignore(honour)
        .git_global(honour)
        .git_exclude(honour)
        .ignore(honour)
        .parents(honour)
        .threads(opts.threads)
        .filter_entry(|e| e.file_name() != ".git");
    builder.build_parallel().visit(&mut Builder { shared });
}

/// Why a file or directory that discovery listed is not scanned: it is gone.
pub const VANISHED: &str = "removed during the scan";

/// The path of a walk error that says an entry no longer exists.
fn vanished_path(err: &ignore::Error) -> Option<&Path> {
    if err.io_error()?.kind() != std::io::ErrorKind::NotFound {
        return None;
    }
    let mut e = err;
    loop {
        match e {
            ignore::Error::WithPath { path, .. } => return Some(path),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                e = err
            }
            ignore::Error::Partial(errs) if errs.len() == 1 => e = &errs[0],
            _ => return None,
        }
    }
}

pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}
