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

/// A data file of `rules/`, embedded twice: as written (TOML), and as the
/// JSON build.rs converts it to, which is what the scan deserializes (a third
/// of the TOML's time; every run reads the rule data before its first file).
pub struct Embedded {
    /// The file as written in `rules/`.
    pub toml: &'static str,
    /// The same data as JSON.
    json: &'static [u8],
}

impl Embedded {
    /// The data, deserialized from its JSON.
    pub fn load<T: serde::de::DeserializeOwned>(&self) -> Result<T> {
        Ok(serde_json::from_slice(self.json)?)
    }
}

/// `rules/<name>.toml`, with its JSON from build.rs.
macro_rules! embedded {
    ($name:literal) => {
        Embedded {
            toml: include_str!(concat!("../../rules/", $name, ".toml")),
            json: include_bytes!(concat!(env!("OUT_DIR"), "/", $name, ".json")),
        }
    };
}

/// Each rule's doc file, embedded. Keep in step with the files in `rules/`
/// (a test checks that every `rules/*.toml` rule file is listed here).
const RULE_FILES: &[(&str, Embedded)] = &[
    ("hardcoded-secret", embedded!("hardcoded-secret")),
    ("env-file-not-ignored", embedded!("env-file-not-ignored")),
    ("env-file-tracked", embedded!("env-file-tracked")),
    (
        "tls-verification-disabled",
        embedded!("tls-verification-disabled"),
    ),
    ("http-timeout-missing", embedded!("http-timeout-missing")),
    ("secret-in-log", embedded!("secret-in-log")),
    ("secret-debug-derive", embedded!("secret-debug-derive")),
    ("secret-in-url", embedded!("secret-in-url")),
    ("plaintext-endpoint", embedded!("plaintext-endpoint")),
    ("vulnerable-dependency", embedded!("vulnerable-dependency")),
    ("unsound-dependency", embedded!("unsound-dependency")),
    (
        "unmaintained-dependency",
        embedded!("unmaintained-dependency"),
    ),
    ("dependency-notice", embedded!("dependency-notice")),
    ("yanked-dependency", embedded!("yanked-dependency")),
];

/// The secret patterns (`rules/secrets.toml`).
pub const SECRETS: Embedded = embedded!("secrets");
/// What makes a name secret-like (`rules/sensitive-names.toml`).
pub const SENSITIVE_NAMES: Embedded = embedded!("sensitive-names");
/// HTTP clients, their timeouts and TLS knobs (`rules/http-clients.toml`).
pub const HTTP_CLIENTS: Embedded = embedded!("http-clients");
/// Logging and printing sinks (`rules/log-sinks.toml`).
pub const LOG_SINKS: Embedded = embedded!("log-sinks");
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
        .map(|(id, file)| {
            let doc: RuleDoc = file
                .load()
                .with_context(|| format!("rules/{id}.toml is invalid"))?;
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
    NAMES.get_or_init(|| SensitiveNames::embedded().expect("embedded sensitive-names.toml"))
}

/// The embedded HTTP client data.
pub fn http_clients() -> &'static HttpClientsFile {
    static DATA: OnceLock<HttpClientsFile> = OnceLock::new();
    DATA.get_or_init(|| HTTP_CLIENTS.load().expect("embedded http-clients.toml"))
}

/// The embedded log sink data.
pub fn log_sinks() -> &'static LogSinksFile {
    static DATA: OnceLock<LogSinksFile> = OnceLock::new();
    DATA.get_or_init(|| LOG_SINKS.load().expect("embedded log-sinks.toml"))
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

    /// What the scan reads (the JSON build.rs wrote) is the data of the TOML
    /// files as written, for every embedded file, but for the secret patterns'
    /// examples (which only the tests read).
    #[test]
    fn embedded_json_is_the_toml() {
        let data = [&SECRETS, &SENSITIVE_NAMES, &HTTP_CLIENTS, &LOG_SINKS];
        let rules = RULE_FILES.iter().map(|(_, file)| file);
        let mut checked = 0;
        for file in data.into_iter().chain(rules) {
            let from_toml: toml::Table = toml::from_str(file.toml).unwrap();
            let mut from_toml = serde_json::to_value(from_toml).unwrap();
            if std::ptr::eq(file, &SECRETS) {
                let patterns = from_toml["pattern"].as_array_mut().unwrap();
                for p in patterns {
                    let p = p.as_object_mut().unwrap();
                    assert!(p.remove("positive").is_some() && p.remove("negative").is_some());
                }
            }
            let from_json: serde_json::Value = file.load().unwrap();
            assert_eq!(from_toml, from_json, "{}", &file.toml[..80]);
            checked += 1;
        }
        // Every TOML file of rules/ is one of them (build.rs converts them all).
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let on_disk = std::fs::read_dir(dir)
            .unwrap()
            .filter(|e| {
                let path = e.as_ref().unwrap().path();
                path.extension().is_some_and(|x| x == "toml")
            })
            .count();
        assert_eq!(checked, on_disk);
        // And the typed data: the patterns, field by field.
        use crate::secrets::pattern::{parse_patterns, PatternsFile};
        let mut from_toml = parse_patterns(SECRETS.toml).unwrap();
        for p in &mut from_toml.pattern {
            p.positive.clear();
            p.negative.clear();
        }
        let from_json: PatternsFile = SECRETS.load().unwrap();
        assert_eq!(from_toml.allow, from_json.allow);
        assert_eq!(
            format!("{:?}", from_toml.pattern),
            format!("{:?}", from_json.pattern)
        );
    }

    #[test]
    fn bip39_list_is_complete() {
        let words: Vec<_> = BIP39_ENGLISH.lines().collect();
        assert_eq!(words.len(), 2048);
        assert_eq!(words[0], "abandon");
        assert_eq!(words[2047], "zoo");
    }
}
