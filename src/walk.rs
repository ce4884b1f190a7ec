//! Discovery: which files to read.
//!
//! A parallel walk with `ignore` (honouring `.gitignore`, `.ignore`,
//! `.git/info/exclude` and the global excludes file, with or without a `.git`
//! directory), visiting hidden files (a `.env` is hidden) but never `.git/`.
//! Only regular files are kept; symbolic links are not followed, so nothing
//! outside the root is read and no link loop can trap the walk. Explicit file
//! arguments are always kept, even when ignored (pre-commit passes them).

use globset::GlobSet;
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

#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<Candidate>,
    pub skipped: Vec<Skipped>,
    /// Paths that could not be read at all (missing arguments, unreadable dirs).
    pub errors: Vec<String>,
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

    pub threads: usize,
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

pub fn discover(paths: &[PathBuf], opts: &WalkOptions<'_>) -> Discovery {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut out = Discovery::default();
    let mut roots = Vec::new();
    for p in paths {
        match std::fs::metadata(p) {
            Err(e) => out
                .errors
                .push(format!("{}: {}", p.display(), io_reason(&e))),
            Ok(md) if md.is_dir() => roots.push(p.clone()),
            Ok(md) => {
                let display = display_path(p, &cwd);
                if opts.force_exclude && opts.excludes.is_excluded(p) {
                    continue;
                }
                if md.is_file() {
                    out.files.push(Candidate {
                        path: p.clone(),
                        display,
                        explicit: true,
                    });
                } else {
                    out.skipped.push(Skipped {
                        path: display,
                        reason: "not a regular file".into(),
                    });
                }
            }
        }
    }
    if !roots.is_empty() {
        walk_roots(&roots, opts, &cwd, &mut out);
    }
    out.files.sort();
    out.files.dedup_by(|a, b| a.path == b.path);
    out.skipped.sort();
    out.errors.sort();
    out
}

fn walk_roots(roots: &[PathBuf], opts: &WalkOptions<'_>, cwd: &Path, out: &mut Discovery) {
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
    let found = Mutex::new(Discovery::default());
    builder.build_parallel().run(|| {
        let found = &found;
        Box::new(move |entry| {
            use ignore::WalkState;
            let mut local = Discovery::default();
            match entry {
                Err(err) => match vanished_path(&err) {
                    // Listed by its parent, gone when read: removed under our feet.
                    Some(path) => local.skipped.push(Skipped {
                        path: display_path(path, cwd),
                        reason: VANISHED.into(),
                    }),
                    // Loops cannot happen without following links; anything else is I/O.
                    None => local.errors.push(err.to_string()),
                },
                Ok(entry) => {
                    let display = display_path(entry.path(), cwd);
                    if opts.excludes.is_excluded(entry.path()) {
                        return if entry.file_type().is_some_and(|t| t.is_dir()) {
                            WalkState::Skip
                        } else {
                            WalkState::Continue
                        };
                    }
                    match entry.file_type() {
                        Some(t) if t.is_dir() => return WalkState::Continue,
                        Some(t) if t.is_file() => local.files.push(Candidate {
                            path: entry.into_path(),
                            display,
                            explicit: false,
                        }),
                        Some(t) if t.is_symlink() => local.skipped.push(Skipped {
                            path: display,
                            reason: "symbolic link (not followed)".into(),
                        }),
                        _ => local.skipped.push(Skipped {
                            path: display,
                            reason: "not a regular file (FIFO, socket or device)".into(),
                        }),
                    }
                }
            }
            let mut f = found.lock().unwrap_or_else(|p| p.into_inner());
            f.files.append(&mut local.files);
            f.skipped.append(&mut local.skipped);
            f.errors.append(&mut local.errors);
            WalkState::Continue
        })
    });
    let found = found.into_inner().unwrap_or_else(|p| p.into_inner());
    out.files.extend(found.files);
    out.skipped.extend(found.skipped);
    out.errors.extend(found.errors);
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
