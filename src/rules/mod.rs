//! The rule catalogue and the rule data embedded from the top-level `rules/` folder.
//!
//! Everything a contributor edits to change what botlint knows lives in `rules/`:
//! one `<rule-id>.toml` per rule (its docs, severity, SARIF metadata), and the data
//! files the engines read (`secrets.toml`, `sensitive-names.toml`, …). They are
//! embedded at build time, so the binary needs nothing at run time.

pub mod clients;
pub mod names;

pub use clients::{HttpClientsFile, LogSinksFile};
pub use names::SensitiveNames;

use crate::finding::Severity;
use anyhow::{Context, Result};
use serde::Deserialize;
use std::sync::OnceLock;

/// Each rule's doc file, embedded. Keep in step with the files in `rules/`
/// (a test checks that every `rules/*.toml` rule file is listed here).
const RULE_FILES: &[(&str, &str)] = &[
    (
        "hardcoded-secret",
        include_str!("../../rules/hardcoded-secret.toml"),
    ),
    (
        "env-file-not-ignored",
        include_str!("../../rules/env-file-not-ignored.toml"),
    ),
    (
        "env-file-tracked",
        include_str!("../../rules/env-file-tracked.toml"),
    ),
    (
        "tls-verification-disabled",
        include_str!("../../rules/tls-verification-disabled.toml"),
    ),
    (
        "http-timeout-missing",
        include_str!("../../rules/http-timeout-missing.toml"),
    ),
    (
        "secret-in-log",
        include_str!("../../rules/secret-in-log.toml"),
    ),
    (
        "secret-debug-derive",
        include_str!("../../rules/secret-debug-derive.toml"),
    ),
    (
        "secret-in-url",
        include_str!("../../rules/secret-in-url.toml"),
    ),
    (
        "plaintext-endpoint",
        include_str!("../../rules/plaintext-endpoint.toml"),
    ),
    (
        "vulnerable-dependency",
        include_str!("../../rules/vulnerable-dependency.toml"),
    ),
    (
        "unsound-dependency",
        include_str!("../../rules/unsound-dependency.toml"),
    ),
    (
        "unmaintained-dependency",
        include_str!("../../rules/unmaintained-dependency.toml"),
    ),
    (
        "dependency-notice",
        include_str!("../../rules/dependency-notice.toml"),
    ),
    (
        "yanked-dependency",
        include_str!("../../rules/yanked-dependency.toml"),
    ),
];

/// The secret patterns (`rules/secrets.toml`).
pub const SECRETS_TOML: &str = include_str!("../../rules/secrets.toml");
/// What makes a name secret-like (`rules/sensitive-names.toml`).
pub const SENSITIVE_NAMES_TOML: &str = include_str!("../../rules/sensitive-names.toml");
/// HTTP clients, their timeouts and TLS knobs (`rules/http-clients.toml`).
pub const HTTP_CLIENTS_TOML: &str = include_str!("../../rules/http-clients.toml");
/// Logging and printing sinks (`rules/log-sinks.toml`).
pub const LOG_SINKS_TOML: &str = include_str!("../../rules/log-sinks.toml");
/// The BIP39 English word list (`rules/bip39-english.txt`), one word a line.
pub const BIP39_ENGLISH: &str = include_str!("../../rules/bip39-english.txt");

/// A rule's documentation and metadata, as written in `rules/<id>.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleDoc {
    pub id: String,
    pub title: String,
    pub severity: SeverityName,
    pub cwe: Option<String>,
    /// GitHub code scanning's 0.1–10.0 score, as a string.
    pub security_severity: String,
    /// SARIF precision: very-high, high, medium, low.
    pub precision: String,
    pub tags: Vec<String>,
    pub summary: String,
    pub why: String,
    pub fix: String,
    pub bad: String,
    pub good: String,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SeverityName {
    Note,
    Warning,
    Error,
}

impl From<SeverityName> for Severity {
    fn from(s: SeverityName) -> Severity {
        match s {
            SeverityName::Note => Severity::Note,
            SeverityName::Warning => Severity::Warning,
            SeverityName::Error => Severity::Error,
        }
    }
}

impl RuleDoc {
    pub fn default_severity(&self) -> Severity {
        self.severity.into()
    }

    pub fn severity_name(&self) -> &'static str {
        self.default_severity().as_str()
    }
}

fn parse_catalog() -> Result<Vec<RuleDoc>> {
    RULE_FILES
        .iter()
        .map(|(id, text)| {
            let doc: RuleDoc =
                toml::from_str(text).with_context(|| format!("rules/{id}.toml is invalid"))?;
            anyhow::ensure!(doc.id == *id, "rules/{id}.toml declares id {:?}", doc.id);
            Ok(doc)
        })
        .collect()
}

/// Every rule botlint has, in catalogue order.
pub fn catalog() -> &'static [RuleDoc] {
    static CATALOG: OnceLock<Vec<RuleDoc>> = OnceLock::new();
    // The embedded files are checked by the test suite; a broken one is a build defect.
    CATALOG.get_or_init(|| parse_catalog().expect("embedded rule catalogue"))
}

pub fn find(id: &str) -> Option<&'static RuleDoc> {
    catalog().iter().find(|r| r.id == id)
}

/// The embedded sensitive-name rules.
pub fn sensitive_names() -> &'static SensitiveNames {
    static NAMES: OnceLock<SensitiveNames> = OnceLock::new();
    NAMES.get_or_init(|| {
        SensitiveNames::from_toml(SENSITIVE_NAMES_TOML).expect("embedded sensitive-names.toml")
    })
}

/// The embedded HTTP client data.
pub fn http_clients() -> &'static HttpClientsFile {
    static DATA: OnceLock<HttpClientsFile> = OnceLock::new();
    DATA.get_or_init(|| {
        HttpClientsFile::from_toml(HTTP_CLIENTS_TOML).expect("embedded http-clients.toml")
    })
}

/// The embedded log sink data.
pub fn log_sinks() -> &'static LogSinksFile {
    static DATA: OnceLock<LogSinksFile> = OnceLock::new();
    DATA.get_or_init(|| LogSinksFile::from_toml(LOG_SINKS_TOML).expect("embedded log-sinks.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_parses_and_ids_are_unique() {
        let cat = parse_catalog().unwrap();
        let mut ids: Vec<_> = cat.iter().map(|r| r.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), cat.len());
        for r in &cat {
            let score: f64 = r.security_severity.parse().unwrap();
            assert!((0.1..=10.0).contains(&score), "{}", r.id);
            assert!(r.tags.iter().any(|t| t == "security"), "{}", r.id);
        }
    }

    #[test]
    fn every_rule_file_is_embedded() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                let text = std::fs::read_to_string(&path).unwrap();
                if let Ok(doc) = toml::from_str::<RuleDoc>(&text) {
                    assert!(
                        RULE_FILES.iter().any(|(id, _)| *id == doc.id),
                        "{} is not listed in RULE_FILES",
                        path.display()
                    );
                }
            }
        }
    }

    #[test]
    fn bip39_list_is_complete() {
        let words: Vec<_> = BIP39_ENGLISH.lines().collect();
        assert_eq!(words.len(), 2048);
        assert_eq!(words[0], "abandon");
        assert_eq!(words[2047], "zoo");
    }
}
