//! env-file-not-ignored and env-file-tracked, in throwaway git repositories.

mod common;

use std::fs;
use std::path::Path;

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn scan(dir: &Path, home: &Path) -> Vec<(String, usize, String)> {
    let out = common::botlint(dir, home, &[".", "--format", "json", "--exit-zero"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    common::findings(&out.stdout)
        .into_iter()
        .filter(|(_, _, id)| id.starts_with("env-file"))
        .collect()
}

fn ids(f: &[(String, usize, String)]) -> Vec<String> {
    f.iter().map(|(p, _, id)| format!("{p} {id}")).collect()
}

#[test]
fn unignored_env_files_are_reported_and_templates_are_not() {
    let home = common::isolated_home();
    let repo = tempfile::tempdir().unwrap();
    let d = repo.path();
    common::git(d, home.path(), &["init", "-q"]);
    write(d, ".env", "A=1\n");
    write(d, "svc/.env.local", "A=1\n");
    write(d, "deploy/prod.env", "A=1\n");
    write(d, ".env.example", "A=changeme\n");
    write(d, ".env.sample", "A=changeme\n");
    write(d, ".envrc", "export A=1\n");
    assert_eq!(
        ids(&scan(d, home.path())),
        [
            ".env env-file-not-ignored",
            "deploy/prod.env env-file-not-ignored",
            "svc/.env.local env-file-not-ignored",
        ]
    );
}

#[test]
fn gitignore_at_any_level_exclude_and_global_excludes_cover() {
    let home = common::isolated_home();
    let repo = tempfile::tempdir().unwrap();
    let d = repo.path();
    common::git(d, home.path(), &["init", "-q"]);
    write(d, ".gitignore", ".env\n");
    write(d, ".env", "A=1\n");
    // A nested .gitignore covers its own folder.
    write(d, "svc/.gitignore", ".env.*\n");
    write(d, "svc/.env.local", "A=1\n");
    // A negation re-exposes a file.
    write(d, "other/.gitignore", "!.env\n");
    write(d, "other/.env", "A=1\n");
    // .git/info/exclude.
    write(d, ".git/info/exclude", "excluded.env\n");
    write(d, "excluded.env", "A=1\n");
    // The global excludes file ($XDG_CONFIG_HOME/git/ignore).
    write(home.path(), ".config/git/ignore", "global.env\n");
    write(d, "global.env", "A=1\n");
    assert_eq!(
        ids(&scan(d, home.path())),
        ["other/.env env-file-not-ignored"]
    );
}

#[test]
fn tracked_env_files_are_reported_even_when_ignored() {
    let home = common::isolated_home();
    let repo = tempfile::tempdir().unwrap();
    let d = repo.path();
    common::git(d, home.path(), &["init", "-q"]);
    write(
        d,
        ".env",
        "BINANCE_API_SECRET=Zq3kLm9Pw2XrT7vB4nY8cD1fG6hJ0sA5\n",
    );
    write(d, ".env.example", "BINANCE_API_SECRET=your_secret_here\n");
    common::git(d, home.path(), &["add", ".env", ".env.example"]);
    common::git(d, home.path(), &["commit", "-qm", "oops"]);
    write(d, ".gitignore", ".env\n");
    let out = common::botlint(d, home.path(), &[".", "--format", "json", "--exit-zero"]);
    let all = common::findings(&out.stdout);
    let ids: Vec<_> = all
        .iter()
        .map(|(p, l, id)| format!("{p}:{l} {id}"))
        .collect();
    // Ignored now, but still tracked: reported, and its secret is still found.
    assert_eq!(
        ids,
        [
            ".env:1 env-file-tracked",
            ".env:1 hardcoded-secret/generic-secret"
        ]
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("git rm --cached .env"), "{text}");
    assert!(
        !text.contains("Zq3kLm9Pw2XrT7vB4nY8cD1fG6hJ0sA5"),
        "secret leaked: {text}"
    );
}

#[test]
fn no_git_repository_still_honours_gitignore() {
    let home = common::isolated_home();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, ".gitignore", ".env\n");
    write(d, ".env", "A=1\n");
    write(d, "sub/.env", "A=1\n");
    assert!(ids(&scan(d, home.path())).is_empty());
    write(d, "x/y.env", "A=1\n");
    assert_eq!(ids(&scan(d, home.path())), ["x/y.env env-file-not-ignored"]);
}

#[test]
fn explicit_env_file_argument_is_checked() {
    let home = common::isolated_home();
    let repo = tempfile::tempdir().unwrap();
    let d = repo.path();
    common::git(d, home.path(), &["init", "-q"]);
    write(d, "a/.env", "A=1\n");
    let out = common::botlint(d, home.path(), &["a/.env", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let f = common::findings(&out.stdout);
    assert_eq!(ids(&f), ["a/.env env-file-not-ignored"]);
}

#[test]
fn tracked_files_that_gitignore_matches_are_still_scanned() {
    let home = common::isolated_home();
    let repo = tempfile::tempdir().unwrap();
    let d = repo.path();
    common::git(d, home.path(), &["init", "-q"]);
    write(d, ".gitignore", "data/\n");
    write(
        d,
        "data/keys.py",
        "API_TOKEN = \"Zq3kLm9Pw2XrT7vB4nY8cD1fG6hJ0sA5\"\n",
    );
    write(
        d,
        "data/local.py",
        "API_TOKEN = \"Hq3kLm9Pw2XrT7vB4nY8cD1fG6hJ0sA6\"\n",
    );
    common::git(d, home.path(), &["add", "-f", "data/keys.py"]);
    let out = common::botlint(d, home.path(), &[".", "--format", "json", "--exit-zero"]);
    let paths: Vec<String> = common::findings(&out.stdout)
        .into_iter()
        .map(|f| f.0)
        .collect();
    // Force-added and committed: in the repository, so scanned. Ignored and untracked: not.
    assert_eq!(paths, ["data/keys.py"]);
    // --no-ignore reads everything.
    let out = common::botlint(
        d,
        home.path(),
        &[".", "--format", "json", "--exit-zero", "--no-ignore"],
    );
    let paths: Vec<String> = common::findings(&out.stdout)
        .into_iter()
        .map(|f| f.0)
        .collect();
    assert_eq!(paths, ["data/keys.py", "data/local.py"]);
}

/// A git index entry of one path, version 2, as git lays it out (the parser
/// reads neither the stat data nor the object id).
fn index_v2(path: &str) -> Vec<u8> {
    let mut d = b"DIRC".to_vec();
    d.extend(2u32.to_be_bytes());
    d.extend(1u32.to_be_bytes());
    d.extend([0u8; 40]);
    d.extend([0xabu8; 20]);
    d.extend((path.len() as u16).to_be_bytes());
    d.extend(path.as_bytes());
    let len = 62 + path.len();
    d.extend(std::iter::repeat_n(0u8, (len + 8) / 8 * 8 - len));
    d
}

/// An index that names a path outside the working tree (git never writes
/// one; a crafted repository can) does not make botlint read that file: the
/// index is reported as unreadable, and the scan stays inside the root.
#[test]
fn an_index_path_outside_the_work_tree_is_not_read() {
    let home = common::isolated_home();
    let top = tempfile::tempdir().unwrap();
    let d = top.path().join("repo");
    fs::create_dir(&d).unwrap();
    common::git(&d, home.path(), &["init", "-q"]);
    write(
        top.path(),
        "outside.py",
        "API_SECRET = \"Zq3kLm9Pw2XrT7vB4nY8cD1fG6hJ0sA5\"\n",
    );
    write(&d, "bot.py", "print('hi')\n");
    fs::write(d.join(".git/index"), index_v2("../outside.py")).unwrap();
    let out = common::botlint(&d, home.path(), &[".", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(common::findings(&out.stdout), []);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["warnings"],
        serde_json::json!([
            ".git/index: cannot read git's index (entry 1: path \"../outside.py\" leaves the \
             working tree); env-file-tracked was not checked"
        ])
    );
}
