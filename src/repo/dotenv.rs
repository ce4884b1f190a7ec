//! `env-file-not-ignored` and `env-file-tracked`.
//!
//! A `.env`-style file must be covered by `.gitignore` (any level, or
//! `.git/info/exclude`, or the global excludes file) and must not be in git's
//! index. Templates (`.env.example`…) are exempt.

use super::gitindex::{find_repo, tracked_paths, IndexError, Repo};
use crate::classify::{dotenv_name, DotenvName};
use crate::finding::{Location, RawFinding, Severity};
use crate::walk::display_path;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A repository-level finding on a file that may not have been read.
pub struct FileFinding {
    pub display: String,
    pub raw: RawFinding,
}

/// Decides whether git would ignore a path, from the `.gitignore` files of
/// every directory between the path and the top of its working tree, then
/// `.git/info/exclude`, then the global excludes file. Matchers are cached
/// per directory.
#[derive(Default)]
pub struct IgnoreOracle {
    per_dir: HashMap<PathBuf, Option<Gitignore>>,
    /// git's global excludes file, read on the first path that gets this far
    /// (finding it compiles a regex for git's config: ~0.2 ms, which a run
    /// with no `.env` file need not pay).
    global: Option<Gitignore>,
}

impl IgnoreOracle {
    fn dir_matcher(&mut self, dir: &Path) -> Option<&Gitignore> {
        self.per_dir
            .entry(dir.to_path_buf())
            .or_insert_with(|| {
                let file = dir.join(".gitignore");
                file.is_file().then(|| {
                    let mut b = GitignoreBuilder::new(dir);
                    b.add(&file);
                    b.build().unwrap_or_else(|_| Gitignore::empty())
                })
            })
            .as_ref()
    }

    fn exclude_matcher(&mut self, repo: &Repo) -> Option<&Gitignore> {
        let key = repo.git_dir.join("info");
        self.per_dir
            .entry(key.clone())
            .or_insert_with(|| {
                let file = key.join("exclude");
                file.is_file().then(|| {
                    let mut b = GitignoreBuilder::new(&repo.top);
                    b.add(&file);
                    b.build().unwrap_or_else(|_| Gitignore::empty())
                })
            })
            .as_ref()
    }

    /// Is `path` (absolute, canonical) ignored?
    pub fn is_ignored(&mut self, path: &Path, repo: Option<&Repo>) -> bool {
        let top = repo.map(|r| r.top.clone());
        let mut dir = path.parent();
        while let Some(d) = dir {
            if let Some(m) = self.dir_matcher(d) {
                match m.matched_path_or_any_parents(path, false) {
                    Match::Ignore(_) => return true,
                    Match::Whitelist(_) => return false,
                    Match::None => {}
                }
            }
            if top.as_deref() == Some(d) {
                break;
            }
            dir = d.parent();
        }
        if let Some(repo) = repo {
            if let Some(m) = self.exclude_matcher(repo) {
                match m.matched_path_or_any_parents(path, false) {
                    Match::Ignore(_) => return true,
                    Match::Whitelist(_) => return false,
                    Match::None => {}
                }
            }
        }
        let global = self.global.get_or_insert_with(|| Gitignore::global().0);
        matches!(
            global.matched_path_or_any_parents(path, false),
            Match::Ignore(_)
        )
    }
}

pub(crate) fn is_secret_env(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .and_then(dotenv_name)
        == Some(DotenvName::Secret)
}

/// Run both rules. `files` are the files discovery found (path to open,
/// display path); `roots` are the paths the user asked to scan.
pub fn check(
    files: &[(PathBuf, String)],
    roots: &[PathBuf],
    severity: impl Fn(&str) -> Option<Severity>,
    warnings: &mut Vec<String>,
) -> Vec<FileFinding> {
    let cwd = std::env::current_dir()
        .and_then(std::fs::canonicalize)
        .unwrap_or_default();
    let mut out = Vec::new();
    let mut oracle = IgnoreOracle::default();
    let mut repos: HashMap<PathBuf, Option<Repo>> = HashMap::new();
    if let Some(sev) = severity("env-file-not-ignored") {
        for (path, display) in files.iter().filter(|(p, _)| is_secret_env(p)) {
            let Ok(abs) = std::fs::canonicalize(path) else {
                continue;
            };
            let parent = abs.parent().unwrap_or(&abs).to_path_buf();
            let repo = repos
                .entry(parent.clone())
                .or_insert_with(|| find_repo(&parent))
                .clone();
            if oracle.is_ignored(&abs, repo.as_ref()) {
                continue;
            }
            let name = abs
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let gitignore = repo.as_ref().map_or_else(
                || ".gitignore".to_string(),
                |r| display_path(&r.top.join(".gitignore"), &cwd),
            );
            out.push(FileFinding {
                display: display.clone(),
                raw: RawFinding {
                    rule: "env-file-not-ignored",
                    sub_id: None,
                    severity: sev,
                    location: Location::File,
                    message: format!(
                        "`{display}` is not covered by .gitignore: `git add .` would commit its secrets"
                    ),
                    fix: Some(format!(
                        "add the line `{name}` to {gitignore} (or `.env*` with `!.env.example`)"
                    )),
                    secret_hash: None,
                },
            });
        }
    }
    if let Some(sev) = severity("env-file-tracked") {
        let mut seen_repos: Vec<PathBuf> = Vec::new();
        for root in roots {
            let Some(repo) = find_repo(root) else {
                continue;
            };
            if seen_repos.contains(&repo.top) {
                continue;
            }
            seen_repos.push(repo.top.clone());
            let tracked = match tracked_paths(&repo) {
                Ok(t) => t,
                Err(IndexError::Missing) => continue,
                Err(IndexError::Malformed(m)) => {
                    warnings.push(format!(
                        "{}: cannot read git's index ({m}); env-file-tracked was not checked",
                        display_path(&repo.git_dir.join("index"), &cwd)
                    ));
                    continue;
                }
            };
            let abs_roots: Vec<PathBuf> = roots
                .iter()
                .filter_map(|r| std::fs::canonicalize(r).ok())
                .collect();
            for rel in tracked {
                let abs = repo.top.join(&rel);
                if !is_secret_env(&abs) || !abs_roots.iter().any(|r| abs.starts_with(r)) {
                    continue;
                }
                let display = display_path(&abs, &cwd);
                out.push(FileFinding {
                    display: display.clone(),
                    raw: RawFinding {
                        rule: "env-file-tracked",
                        sub_id: None,
                        severity: sev,
                        location: Location::File,
                        message: format!(
                            "`{display}` is tracked by git: its secrets are in the repository and its history"
                        ),
                        fix: Some(format!(
                            "run `git rm --cached {rel}`, cover it in .gitignore, and rotate the keys it held"
                        )),
                        secret_hash: None,
                    },
                });
            }
        }
    }
    out
}
