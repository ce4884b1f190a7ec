//! `botlint.toml`, `.botlint.toml` or `[tool.botlint]` in `pyproject.toml`,
//! found by walking up from the scan root, or named with `--config`.
//!
//! ```toml
//! exclude = ["tests/data/**", "vendor/**"]   # globs, relative to this file's folder
//! max-file-size = 5242880                     # bytes; larger files are skipped (and listed)
//! max-parse-size = 1048576                    # bytes; larger source files get no code rules (listed)
//! parse-generated = false                     # true: generated code gets the code rules too
//!
//! [rules]
//! disable = ["env-file-not-ignored"]
//! severity = { "hardcoded-secret" = "warning" }
//!
//! [secrets]
//! allowlist = ['''^sk_test_''']               # regexes; a secret matching one is ignored
//!
//! [[secrets.pattern]]                         # extra patterns, same fields as rules/secrets.toml
//! id = "acme-token"
//! name = "Acme internal token"
//! keywords = ["acme_"]
//! regex = '''acme_(?P<secret>[a-z0-9]{32})'''
//!
//! [audit]                                     # Cargo.lock against RustSec
//! ignore = [{ id = "RUSTSEC-2021-0145", reason = "atty only on Windows CI, not shipped" }]
//! ```
//! Unknown keys, unknown rule ids and bad regexes are errors that name the
//! file and line.

use crate::finding::Severity;
use crate::secrets::pattern::PatternSpec;
use anyhow::{anyhow, bail, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

pub const DEFAULT_MAX_FILE_SIZE: u64 = 5 * 1024 * 1024;
/// Larger source files get the secret rule but not the code rules (semgrep's default limit too).
pub const DEFAULT_MAX_PARSE_SIZE: u64 = 1024 * 1024;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    max_file_size: Option<u64>,
    #[serde(default)]
    max_parse_size: Option<u64>,
    #[serde(default)]
    parse_generated: bool,
    #[serde(default)]
    rules: RawRules,
    #[serde(default)]
    secrets: RawSecrets,
    #[serde(default)]
    audit: RawAudit,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawAudit {
    #[serde(default)]
    ignore: Vec<Spanned<RawAuditIgnore>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawAuditIgnore {
    id: Spanned<String>,
    reason: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawRules {
    #[serde(default)]
    disable: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSecrets {
    #[serde(default)]
    allowlist: Vec<Spanned<String>>,
    #[serde(default)]
    pattern: Vec<Spanned<PatternSpec>>,
}

#[derive(Deserialize)]
struct Pyproject {
    tool: Option<PyTool>,
}

#[derive(Deserialize)]
struct PyTool {
    botlint: Option<RawConfig>,
}

/// The configuration in force for a run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where it came from, if anywhere.
    pub source: Option<PathBuf>,
    pub exclude: Vec<String>,
    pub max_file_size: u64,
    /// Source files larger than this are scanned for secrets but not parsed for
    /// the code rules: a parse tree takes ~30 times its file (a 2.6 MB minified
    /// bundle: 80 MB), and files that large are generated, not written.
    pub max_parse_size: u64,
    /// Generated code (minified JS/TS, files whose header says a generator
    /// wrote them) gets the code rules too; by default it gets the secret
    /// rule only (see `generated`).
    pub parse_generated: bool,
    pub disabled: Vec<String>,
    pub severity: BTreeMap<String, Severity>,
    pub allowlist: Vec<String>,
    pub patterns: Vec<PatternSpec>,
    /// `[audit] ignore`: advisories accepted on purpose, each with its reason.
    pub audit_ignore: Vec<AuditIgnore>,
}

/// One `[audit] ignore` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditIgnore {
    /// A RustSec advisory id, `RUSTSEC-YYYY-NNNN`.
    pub id: String,
    pub reason: String,
}

/// `RUSTSEC-YYYY-NNNN`.
pub fn is_rustsec_id(id: &str) -> bool {
    let Some(rest) = id.strip_prefix("RUSTSEC-") else {
        return false;
    };
    let mut parts = rest.split('-');
    let ok = |p: Option<&str>, n: usize| {
        p.is_some_and(|p| p.len() == n && p.bytes().all(|b| b.is_ascii_digit()))
    };
    ok(parts.next(), 4) && ok(parts.next(), 4) && parts.next().is_none()
}

impl Default for Config {
    fn default() -> Self {
        Config {
            source: None,
            exclude: Vec::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            max_parse_size: DEFAULT_MAX_PARSE_SIZE,
            parse_generated: false,
            disabled: Vec::new(),
            severity: BTreeMap::new(),
            allowlist: Vec::new(),
            patterns: Vec::new(),
            audit_ignore: Vec::new(),
        }
    }
}

impl Config {
    pub fn is_enabled(&self, rule: &str) -> bool {
        !self.disabled.iter().any(|d| d == rule)
    }

    pub fn severity_for(&self, rule: &str, default: Severity) -> Severity {
        self.severity.get(rule).copied().unwrap_or(default)
    }

    /// Find the config for a scan starting at `start` (a file or directory).
    pub fn discover(start: &Path) -> Result<Config> {
        let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
        let mut dir = if start.is_dir() {
            Some(start.as_path())
        } else {
            start.parent()
        };
        while let Some(d) = dir {
            for name in ["botlint.toml", ".botlint.toml"] {
                let p = d.join(name);
                if p.is_file() {
                    return Config::load(&p);
                }
            }
            let py = d.join("pyproject.toml");
            if py.is_file() {
                if let Some(cfg) = Config::load_pyproject(&py)? {
                    return Ok(cfg);
                }
            }
            dir = d.parent();
        }
        Ok(Config::default())
    }

    /// Load a config file named explicitly (`--config`).
    pub fn load(path: &Path) -> Result<Config> {
        let text = read(path)?;
        if path.file_name().is_some_and(|n| n == "pyproject.toml") {
            return Config::load_pyproject(path)?
                .ok_or_else(|| anyhow!("{}: has no [tool.botlint] table", path.display()));
        }
        Config::parse(&text, path)
    }

    fn load_pyproject(path: &Path) -> Result<Option<Config>> {
        Config::parse_pyproject(&read(path)?, path)
    }

    /// Parse a `pyproject.toml`'s text: its `[tool.botlint]` table, or `None`
    /// when it has none; `path` is used in error messages.
    pub(crate) fn parse_pyproject(text: &str, path: &Path) -> Result<Option<Config>> {
        let py: Pyproject = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
        match py.tool.and_then(|t| t.botlint) {
            Some(raw) => Config::from_raw(raw, text, path).map(Some),
            None => Ok(None),
        }
    }

    /// Parse config text; `path` is used in error messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
        Config::from_raw(raw, text, path)
    }

    fn from_raw(raw: RawConfig, text: &str, path: &Path) -> Result<Config> {
        let at = |span: std::ops::Range<usize>| line_of(text, span.start);
        let known = |id: &str| crate::rules::find(id).is_some();
        let mut cfg = Config {
            source: Some(path.to_path_buf()),
            max_file_size: raw.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE),
            max_parse_size: raw.max_parse_size.unwrap_or(DEFAULT_MAX_PARSE_SIZE),
            parse_generated: raw.parse_generated,
            ..Config::default()
        };
        for e in raw.exclude {
            let span = e.span();
            let glob = e.into_inner();
            if let Err(err) = globset::Glob::new(&glob) {
                bail!(
                    "{}:{}: bad exclude glob {glob:?}: {err}",
                    path.display(),
                    at(span)
                );
            }
            cfg.exclude.push(glob);
        }
        for d in raw.rules.disable {
            if !known(d.get_ref()) {
                bail!(
                    "{}:{}: unknown rule id {:?} in rules.disable (see `botlint rules`)",
                    path.display(),
                    at(d.span()),
                    d.get_ref()
                );
            }
            cfg.disabled.push(d.into_inner());
        }
        for (rule, sev) in raw.rules.severity {
            if !known(rule.get_ref()) {
                bail!(
                    "{}:{}: unknown rule id {:?} in rules.severity (see `botlint rules`)",
                    path.display(),
                    at(rule.span()),
                    rule.get_ref()
                );
            }
            let Some(s) = Severity::parse(sev.get_ref()) else {
                bail!(
                    "{}:{}: severity must be \"error\", \"warning\" or \"note\", not {:?}",
                    path.display(),
                    at(sev.span()),
                    sev.get_ref()
                );
            };
            cfg.severity.insert(rule.into_inner(), s);
        }
        for a in raw.secrets.allowlist {
            if let Err(err) = regex::bytes::Regex::new(a.get_ref()) {
                bail!(
                    "{}:{}: bad allowlist regex: {err}",
                    path.display(),
                    at(a.span())
                );
            }
            cfg.allowlist.push(a.into_inner());
        }
        for p in raw.secrets.pattern {
            let span = p.span();
            let spec = p.into_inner();
            if let Err(err) = crate::secrets::pattern::Pattern::check(&spec) {
                bail!("{}:{}: {err:#}", path.display(), at(span));
            }
            cfg.patterns.push(spec);
        }
        for entry in raw.audit.ignore {
            let span = entry.span();
            let RawAuditIgnore { id, reason } = entry.into_inner();
            if !is_rustsec_id(id.get_ref()) {
                bail!(
                    "{}:{}: audit.ignore: {:?} is not a RustSec advisory id (RUSTSEC-YYYY-NNNN)",
                    path.display(),
                    at(id.span()),
                    id.get_ref()
                );
            }
            let reason = match reason {
                Some(r) if !r.get_ref().trim().is_empty() => r.into_inner(),
                Some(r) => bail!(
                    "{}:{}: audit.ignore: the reason for {} is empty; say why it is safe to ignore",
                    path.display(),
                    at(r.span()),
                    id.get_ref()
                ),
                None => bail!(
                    "{}:{}: audit.ignore: {} needs a `reason = \"…\"` saying why it is safe to ignore",
                    path.display(),
                    at(span),
                    id.get_ref()
                ),
            };
            if cfg.audit_ignore.iter().any(|i| i.id == *id.get_ref()) {
                bail!(
                    "{}:{}: audit.ignore: {} is listed twice",
                    path.display(),
                    at(id.span()),
                    id.get_ref()
                );
            }
            cfg.audit_ignore.push(AuditIgnore {
                id: id.into_inner(),
                reason,
            });
        }
        Ok(cfg)
    }
}

fn read(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| {
        anyhow!(
            "{}: cannot read config: {}",
            path.display(),
            crate::walk::io_reason(&e)
        )
    })?;
    String::from_utf8(bytes).map_err(|_| anyhow!("{}: config is not valid UTF-8", path.display()))
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> anyhow::Error {
    let line = e.span().map(|s| line_of(text, s.start));
    let msg = e.message();
    match line {
        Some(l) => anyhow!("{}:{l}: {msg}", path.display()),
        None => anyhow!("{}: {msg}", path.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(text, Path::new("botlint.toml"))
    }

    #[test]
    fn full_config() {
        let c = parse(
            r#"
exclude = ["tests/**"]
max-file-size = 100
max-parse-size = 50
parse-generated = true
[rules]
disable = ["env-file-tracked"]
severity = { "hardcoded-secret" = "warning" }
[secrets]
allowlist = ["^sk_test_"]
[[secrets.pattern]]
id = "acme"
name = "Acme"
keywords = ["acme_"]
regex = 'acme_(?P<secret>[a-z]{8})'
"#,
        )
        .unwrap();
        assert_eq!(c.max_file_size, 100);
        assert_eq!(c.max_parse_size, 50);
        assert!(c.parse_generated);
        assert!(!parse("").unwrap().parse_generated);
        assert!(!c.is_enabled("env-file-tracked"));
        assert_eq!(
            c.severity_for("hardcoded-secret", Severity::Error),
            Severity::Warning
        );
        assert_eq!(c.patterns.len(), 1);
    }

    #[test]
    fn audit_ignore_needs_a_reason() {
        let c = parse(
            "[audit]\nignore = [\n  { id = \"RUSTSEC-2021-0145\", reason = \"not on Windows\" },\n]\n",
        )
        .unwrap();
        assert_eq!(
            c.audit_ignore,
            vec![AuditIgnore {
                id: "RUSTSEC-2021-0145".into(),
                reason: "not on Windows".into()
            }]
        );
        let e = parse("[audit]\nignore = [\n  { id = \"RUSTSEC-2021-0145\" },\n]\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("botlint.toml:3:") && e.contains("reason"),
            "{e}"
        );
        let e = parse("[audit]\n\nignore = [{ id = \"RUSTSEC-2021-0145\", reason = \" \" }]\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("botlint.toml:3:") && e.contains("empty"),
            "{e}"
        );
        let e = parse("[audit]\nignore = [{ id = \"CVE-2021-1\", reason = \"x\" }]\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("botlint.toml:2:") && e.contains("CVE-2021-1"),
            "{e}"
        );
        let e = parse(
            "[audit]\nignore = [{ id = \"RUSTSEC-2021-0145\", reason = \"x\", until = 1 }]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("botlint.toml:2:") && e.contains("until"),
            "{e}"
        );
        let e = parse("[audit]\nignore = [\"RUSTSEC-2021-0145\"]\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("botlint.toml:2:"), "{e}");
        assert!(is_rustsec_id("RUSTSEC-2024-0375"));
        assert!(!is_rustsec_id("RUSTSEC-2024-375"));
        assert!(!is_rustsec_id("GHSA-g98v-hv3f-hcfr"));
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = parse("exclude = []\n\nbogus = 1\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("botlint.toml:3:"), "{e}");
        assert!(e.contains("bogus"), "{e}");
        let e = parse("[rules]\ndisable = [\"no-such-rule\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("botlint.toml:2:") && e.contains("no-such-rule"),
            "{e}"
        );
        let e = parse("[secrets]\n\nallowlist = [\"(\"]\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("botlint.toml:3:"), "{e}");
        let e = parse(
            "[[secrets.pattern]]\nid = \"x\"\nname = \"x\"\nkeywords = [\"x\"]\nregex = \"(\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("botlint.toml:1:") && e.contains("bad regex"),
            "{e}"
        );
        let e = parse("[rules]\nseverity = { \"hardcoded-secret\" = \"fatal\" }\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("fatal"), "{e}");
    }
}
