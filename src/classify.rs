//! What kind of file is this: language by extension or shebang, config,
//! dotenv, lockfile, or other text.

use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Python,
    JavaScript,
    Rust,
    Go,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Program source in a language botlint knows.
    Source(Lang),
    /// Other program source (C, Java, shell…): only quoted literals are trusted.
    OtherSource,
    /// JSON, YAML, TOML, INI, properties: `key: value` without quotes counts.
    Config,
    /// A `.env`-style file: `KEY=value` lines.
    Dotenv,
    /// `Cargo.lock`.
    CargoLock,
    /// Anything else that is text (Markdown, notebooks, logs…).
    Text,
}

impl Kind {
    /// May a secret be written without quotes here (`key: value`, `KEY=value`)?
    pub fn allows_bare_values(self) -> bool {
        matches!(self, Kind::Config | Kind::Dotenv | Kind::Text)
    }
}

/// How a `.env`-style file name relates to the dotenv rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DotenvName {
    /// `.env`, `.env.local`, `prod.env`: must be ignored and untracked.
    Secret,
    /// `.env.example`, `.env.sample`, `.env.template`, `.env.dist`: meant to be committed.
    Template,
}

const TEMPLATE_MARKERS: &[&str] = &["example", "sample", "template", "dist", "tpl", "defaults"];

/// Classify a file name as a dotenv file, if it is one.
pub fn dotenv_name(file_name: &str) -> Option<DotenvName> {
    let lower = file_name.to_ascii_lowercase();
    let is_env = lower == ".env" || lower.starts_with(".env.") || lower.ends_with(".env");
    if !is_env || lower == ".envrc" {
        return None;
    }
    let template = lower
        .split('.')
        .any(|part| TEMPLATE_MARKERS.contains(&part));
    Some(if template {
        DotenvName::Template
    } else {
        DotenvName::Secret
    })
}

/// Is this file test code or test data? (`tests/`, `test_data/`, `fixtures/`,
/// `test_*.py`, `*_test.go`, `*.spec.ts`, `conftest.py`…)
pub fn is_test_path(rel: &str) -> bool {
    const DIRS: &[&str] = &[
        "test",
        "tests",
        "testing",
        "test_data",
        "testdata",
        "test-data",
        "fixtures",
        "fixture",
        "__tests__",
        "spec",
        "specs",
        "mocks",
        "__mocks__",
        "testutils",
        "test_utils",
    ];
    let mut parts = rel.split('/').peekable();
    while let Some(part) = parts.next() {
        let lower = part.to_ascii_lowercase();
        if parts.peek().is_some() {
            if DIRS.contains(&lower.as_str()) {
                return true;
            }
            continue;
        }
        let stem = lower.split('.').next().unwrap_or("");
        return lower == "conftest.py"
            || stem.starts_with("test_")
            || stem.ends_with("_test")
            || stem.ends_with("_tests")
            || lower.contains(".test.")
            || lower.contains(".spec.");
    }
    false
}

/// Classify by name, then by the first line (shebang) for files without an extension.
pub fn classify(path: &Path, head: &[u8]) -> Kind {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if dotenv_name(name).is_some() {
        return Kind::Dotenv;
    }
    if name == "Cargo.lock" {
        return Kind::CargoLock;
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("py" | "pyi" | "pyw") => Kind::Source(Lang::Python),
        Some("js" | "mjs" | "cjs" | "jsx" | "ts" | "mts" | "cts" | "tsx") => {
            Kind::Source(Lang::JavaScript)
        }
        Some("rs") => Kind::Source(Lang::Rust),
        Some("go") => Kind::Source(Lang::Go),
        Some(
            "json" | "jsonc" | "json5" | "yaml" | "yml" | "toml" | "ini" | "cfg" | "conf"
            | "properties" | "config" | "tfvars" | "hcl",
        ) => Kind::Config,
        Some(
            "c" | "h" | "cc" | "cpp" | "hpp" | "cs" | "java" | "kt" | "scala" | "swift" | "rb"
            | "php" | "sh" | "bash" | "zsh" | "ps1" | "pl" | "lua" | "r" | "jl" | "dart" | "sol"
            | "vue" | "svelte" | "html" | "sql" | "ex" | "exs" | "clj",
        ) => Kind::OtherSource,
        Some(_) => Kind::Text,
        None => shebang(head).unwrap_or(Kind::Text),
    }
}

fn shebang(head: &[u8]) -> Option<Kind> {
    let first = head.split(|&b| b == b'\n').next()?;
    if !first.starts_with(b"#!") {
        return None;
    }
    let line = String::from_utf8_lossy(first);
    if line.contains("python") {
        Some(Kind::Source(Lang::Python))
    } else if line.contains("node") || line.contains("deno") || line.contains("bun") {
        Some(Kind::Source(Lang::JavaScript))
    } else {
        Some(Kind::OtherSource)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotenv_names() {
        assert_eq!(dotenv_name(".env"), Some(DotenvName::Secret));
        assert_eq!(dotenv_name(".env.local"), Some(DotenvName::Secret));
        assert_eq!(dotenv_name("prod.env"), Some(DotenvName::Secret));
        assert_eq!(dotenv_name(".env.example"), Some(DotenvName::Template));
        assert_eq!(dotenv_name(".env.sample"), Some(DotenvName::Template));
        assert_eq!(dotenv_name("example.env"), Some(DotenvName::Template));
        assert_eq!(dotenv_name(".envrc"), None);
        assert_eq!(dotenv_name("environment.yml"), None);
        assert_eq!(dotenv_name("env.py"), None);
    }

    #[test]
    fn test_paths() {
        for yes in [
            "tests/test_bot.py",
            "pkg/test_data/v.json",
            "src/a_test.go",
            "web/x.spec.ts",
            "conftest.py",
            "crates/x/tests/http.rs",
            "fixtures/a.py",
            "app/test_auth.py",
        ] {
            assert!(is_test_path(yes), "{yes}");
        }
        for no in [
            "bot/main.py",
            "src/testament.py",
            "latest/config.json",
            "contest.py",
        ] {
            assert!(!is_test_path(no), "{no}");
        }
    }

    #[test]
    fn kinds() {
        assert_eq!(
            classify(Path::new("a/b.py"), b""),
            Kind::Source(Lang::Python)
        );
        assert_eq!(classify(Path::new("Cargo.lock"), b""), Kind::CargoLock);
        assert_eq!(classify(Path::new("config.json"), b""), Kind::Config);
        assert_eq!(
            classify(Path::new("bin/run"), b"#!/usr/bin/env python3\n"),
            Kind::Source(Lang::Python)
        );
        assert_eq!(classify(Path::new("README"), b"hello"), Kind::Text);
    }
}
