//! One secret pattern: its data (as written in `rules/secrets.toml` or a
//! user's config) and its lazily compiled regexes.

use super::validate::Validator;
use crate::rules::SeverityName;
use anyhow::{Context, Result};
use regex::bytes::{Regex, RegexBuilder};
use serde::Deserialize;
use std::sync::OnceLock;

/// A pattern as written in TOML.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PatternSpec {
    pub id: String,
    pub name: String,
    pub keywords: Vec<String>,
    /// Keywords match with their case as written (default: any case). For
    /// patterns whose keywords are short fragments of the secret itself.
    #[serde(default)]
    pub keywords_match_case: bool,
    pub regex: String,

    #[serde(default)]
    pub min_entropy: Option<f64>,
    #[serde(default)]
    pub validate: Option<Validator>,
    #[serde(default)]
    pub severity: Option<SeverityName>,
    #[serde(default)]
    pub allow: Vec<String>,
    /// Search the whole file rather than the lines around keyword hits (for
    /// matches that run over many lines: PEM blocks, multi-line arrays).
    #[serde(default)]
    pub whole_file: bool,
    #[serde(default)]
    pub positive: Vec<String>,

    #[serde(default)]
    pub negative: Vec<String>,
}

/// A patterns file: `[[pattern]]` entries and an optional top-level `allow`
/// list of regexes for published sample keys, which no pattern (nor the
/// generic detector) reports.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternsFile {
    #[serde(default)]
    pub allow: Vec<String>,
    pub pattern: Vec<PatternSpec>,
}

/// Parse a patterns file.
pub fn parse_patterns(text: &str) -> Result<PatternsFile> {
    Ok(toml::from_str(text)?)
}

/// A pattern ready to run. The regexes compile on first use, so a run only
/// pays for the patterns whose keywords occur in the files it reads.
pub struct Pattern {
    pub spec: PatternSpec,
    compiled: OnceLock<Compiled>,
}

pub struct Compiled {
    pub regex: Regex,
    /// Index of the `secret` capture group, if any.
    pub secret_group: Option<usize>,
    pub allow: Vec<Regex>,
}

/// The lazy DFA's cache capacity, per regex and per thread (~100 regexes). A cache
/// fills with the states the input visits, so it grows with the size and variety
/// of the repository: at 32 MiB the caches held 30 MiB of a scan of four copies
/// of nautilus_trader. A full cache is cleared and the search goes on; 256 KiB
/// costs 3-5% more instructions than 32 MiB on the bench trees, 128 KiB 7-11%.
const LAZY_DFA_CACHE: usize = 256 << 10;

pub(crate) fn build(re: &str) -> Result<Regex, regex::Error> {
    // Secrets are ASCII: Unicode-aware classes (`\w`, `\d`, `\s`) would only make
    // the automata larger and slower to build.
    RegexBuilder::new(re)
        .unicode(false)
        .size_limit(32 << 20)
        .dfa_size_limit(LAZY_DFA_CACHE)
        .build()
}

impl Pattern {
    pub fn new(spec: PatternSpec) -> Pattern {
        Pattern {
            spec,
            compiled: OnceLock::new(),
        }
    }

    /// Check the pattern eagerly (for user-supplied patterns, whose errors
    /// must be reported before the scan starts).
    pub fn check(spec: &PatternSpec) -> Result<()> {
        anyhow::ensure!(
            !spec.keywords.is_empty(),
            "pattern {:?} has no keywords (each pattern needs at least one, for the prefilter)",
            spec.id
        );
        build(&spec.regex).with_context(|| format!("pattern {:?}: bad regex", spec.id))?;
        for a in &spec.allow {
            build(a).with_context(|| format!("pattern {:?}: bad allow regex", spec.id))?;
        }
        Ok(())
    }

    pub fn compiled(&self) -> &Compiled {
        self.compiled.get_or_init(|| {
            // Built-in patterns are compiled by the test suite and user patterns
            // by `check` before the scan, so a failure here is a bug.
            let regex = build(&self.spec.regex).expect("pattern regex checked before use");
            let secret_group = regex.capture_names().position(|n| n == Some("secret"));
            let allow = self
                .spec
                .allow
                .iter()
                .map(|a| build(a).expect("allow regex checked before use"))
                .collect();
            Compiled {
                regex,
                secret_group,
                allow,
            }
        })
    }
}
