//! The secret engine: provider patterns from `rules/secrets.toml` (and the
//! user's config), behind an Aho-Corasick keyword prefilter, then entropy,
//! placeholder, allowlist and validator filters; plus the generic
//! "secret-looking name = random-looking literal" detector.

pub mod entropy;
pub mod generic;
pub mod pattern;
pub mod placeholder;
pub mod validate;

use crate::classify::Kind;
use crate::finding::{stable_hash, Severity};
use crate::rules::{self, SensitiveNames};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use anyhow::{Context, Result};
use pattern::{parse_patterns, Pattern, PatternSpec};
use regex::bytes::Regex;
use std::collections::BTreeMap;

/// The sub-id of findings from the generic detector.
pub const GENERIC_ID: &str = "generic-secret";

/// A secret found in a file. Holds offsets, never a copy of the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretHit {
    /// Pattern id (`binance-api-key`) or [`GENERIC_ID`].
    pub pattern_id: String,
    /// Human name of what was found ("Binance API key").
    pub description: String,
    pub severity: Severity,
    /// Byte range of the secret in the file.
    pub start: usize,
    pub end: usize,
    /// Hash of the secret (for fingerprints and baselines).
    pub hash: String,
}

pub struct SecretEngine {
    patterns: Vec<Pattern>,
    keywords: AhoCorasick,
    /// For each keyword (by Aho-Corasick pattern index), the patterns that list it.
    keyword_owners: Vec<Vec<usize>>,
    generic: generic::Generic,
    names: &'static SensitiveNames,
    allowlist: Vec<Regex>,
}

impl SecretEngine {
    /// The built-in patterns, then `extra` (from the user's config), with a
    /// global allowlist of regexes matched against each secret.
    pub fn new(extra: Vec<PatternSpec>, allowlist: &[String]) -> Result<SecretEngine> {
        let file = parse_patterns(rules::SECRETS_TOML).context("embedded rules/secrets.toml")?;
        let mut specs = file.pattern;
        for spec in &extra {
            Pattern::check(spec)?;
            anyhow::ensure!(
                !specs.iter().any(|s| s.id == spec.id),
                "secret pattern id {:?} is already a built-in pattern",
                spec.id
            );
        }
        specs.extend(extra);
        let allowlist = file
            .allow
            .iter()
            .chain(allowlist)
            .map(|a| pattern::build(a).with_context(|| format!("bad allowlist regex {a:?}")))
            .collect::<Result<Vec<_>>>()?;
        let mut kw_index: BTreeMap<String, usize> = BTreeMap::new();
        let mut keyword_owners: Vec<Vec<usize>> = Vec::new();
        for (i, spec) in specs.iter().enumerate() {
            for kw in &spec.keywords {
                let kw = kw.to_ascii_lowercase();
                let idx = *kw_index.entry(kw).or_insert_with(|| {
                    keyword_owners.push(Vec::new());
                    keyword_owners.len() - 1
                });
                keyword_owners[idx].push(i);
            }
        }
        let mut kws: Vec<(&String, &usize)> = kw_index.iter().collect();
        kws.sort_by_key(|(_, &i)| i);
        let keywords = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(kws.iter().map(|(k, _)| k.as_str()))
            .context("building the keyword prefilter")?;
        Ok(SecretEngine {
            patterns: specs.into_iter().map(Pattern::new).collect(),
            keywords,
            keyword_owners,
            generic: generic::Generic::default(),
            names: rules::sensitive_names(),
            allowlist,
        })
    }

    pub fn patterns(&self) -> impl Iterator<Item = &PatternSpec> {
        self.patterns.iter().map(|p| &p.spec)
    }

    fn allowed(&self, secret: &[u8]) -> bool {
        self.allowlist.iter().any(|a| a.is_match(secret))
    }

    /// All secrets in `bytes`, one hit per secret span (the first pattern in
    /// catalogue order wins an overlap; the generic detector comes last).
    pub fn scan(&self, bytes: &[u8], kind: Kind) -> Vec<SecretHit> {
        let mut wanted = vec![false; self.patterns.len()];
        for m in self.keywords.find_overlapping_iter(bytes) {
            for &p in &self.keyword_owners[m.pattern().as_usize()] {
                wanted[p] = true;
            }
        }
        // (priority, hit)
        let mut hits: Vec<(usize, SecretHit)> = Vec::new();
        // Spans a pattern matched but an allowlist cleared (published sample keys):
        // the generic detector must not report them either.
        let mut cleared: Vec<(usize, usize)> = Vec::new();
        for (prio, pattern) in self.patterns.iter().enumerate() {
            if wanted[prio] {
                self.run_pattern(pattern, bytes, prio, &mut hits, &mut cleared);
            }
        }
        for g in self.generic.scan(bytes, kind, self.names) {
            let secret = &bytes[g.start..g.end];
            let was_cleared = cleared.iter().any(|&(s, e)| s < g.end && g.start < e);
            if !was_cleared && !self.allowed(secret) {
                hits.push((
                    usize::MAX,
                    SecretHit {
                        pattern_id: GENERIC_ID.to_string(),
                        description: "Credential".to_string(),
                        severity: Severity::Error,
                        start: g.start,
                        end: g.end,
                        hash: stable_hash(&[secret]),
                    },
                ));
            }
        }
        dedup_overlaps(hits)
    }

    fn run_pattern(
        &self,
        pattern: &Pattern,
        bytes: &[u8],
        prio: usize,
        hits: &mut Vec<(usize, SecretHit)>,
        cleared: &mut Vec<(usize, usize)>,
    ) {
        let c = pattern.compiled();
        let spec = &pattern.spec;
        for caps in c.regex.captures_iter(bytes) {
            let m = match c.secret_group {
                Some(g) => match caps.get(g) {
                    Some(m) => m,
                    None => continue,
                },
                None => caps.get(0).expect("group 0"),
            };
            let secret = m.as_bytes();
            if secret.is_empty() {
                continue;
            }
            let text = String::from_utf8_lossy(secret);
            if placeholder::is_placeholder(&text) {
                continue;
            }
            if let Some(min) = spec.min_entropy {
                if entropy::shannon(secret) < min {
                    continue;
                }
            }
            if let Some(v) = spec.validate {
                if !v.accepts(secret) {
                    continue;
                }
            }
            if c.allow.iter().any(|a| a.is_match(secret)) || self.allowed(secret) {
                cleared.push((m.start(), m.end()));
                continue;
            }
            hits.push((
                prio,
                SecretHit {
                    pattern_id: spec.id.clone(),
                    description: spec.name.clone(),
                    severity: spec.severity.map_or(Severity::Error, Into::into),
                    start: m.start(),
                    end: m.end(),
                    hash: stable_hash(&[secret]),
                },
            ));
        }
    }
}

/// Keep one hit per overlapping span: lower priority number wins, then the
/// earlier start. O(n log n).
fn dedup_overlaps(mut hits: Vec<(usize, SecretHit)>) -> Vec<SecretHit> {
    hits.sort_by_key(|(prio, h)| (*prio, h.start, h.end));
    // Kept spans by start offset.
    let mut kept: BTreeMap<usize, SecretHit> = BTreeMap::new();
    for (_, hit) in hits {
        let before = kept.range(..=hit.start).next_back();
        let after = kept.range(hit.start..).next();
        let overlaps = before.is_some_and(|(_, k)| k.end > hit.start)
            || after.is_some_and(|(&s, _)| s < hit.end);
        if !overlaps {
            kept.insert(hit.start, hit);
        }
    }
    kept.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Lang;

    fn engine() -> SecretEngine {
        SecretEngine::new(Vec::new(), &[]).unwrap()
    }

    /// Every positive and negative example in rules/secrets.toml, through the
    /// whole engine: a positive yields its own pattern, a negative yields nothing.
    #[test]
    fn secret_examples() {
        let e = engine();
        let mut failures = Vec::new();
        for spec in e.patterns() {
            for pos in &spec.positive {
                for kind in [Kind::Source(Lang::Python), Kind::Config] {
                    let hits = e.scan(pos.as_bytes(), kind);
                    if !hits.iter().any(|h| h.pattern_id == spec.id) {
                        failures.push(format!(
                            "{}: positive not found ({kind:?}): {pos}\n    got: {:?}",
                            spec.id,
                            hits.iter().map(|h| &h.pattern_id).collect::<Vec<_>>()
                        ));
                    }
                }
            }
            for neg in &spec.negative {
                let hits = e.scan(neg.as_bytes(), Kind::Config);
                if !hits.is_empty() {
                    failures.push(format!(
                        "{}: negative matched {:?}: {neg}",
                        spec.id,
                        hits.iter().map(|h| &h.pattern_id).collect::<Vec<_>>()
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn every_pattern_compiles_and_has_examples() {
        let specs = parse_patterns(rules::SECRETS_TOML).unwrap().pattern;
        assert!(specs.len() >= 40, "only {} patterns", specs.len());
        let mut ids: Vec<_> = specs.iter().map(|s| s.id.as_str()).collect();
        ids.sort();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate pattern ids");
        for s in &specs {
            Pattern::check(s).unwrap();
            assert!(s.positive.len() >= 2, "{} needs 2 positive examples", s.id);
            assert!(s.negative.len() >= 2, "{} needs 2 negative examples", s.id);
            for kw in &s.keywords {
                assert_eq!(
                    kw,
                    &kw.to_ascii_lowercase(),
                    "{}: keywords are lowercase",
                    s.id
                );
            }
        }
    }

    #[test]
    fn overlaps_keep_the_first_pattern() {
        let h = |p: usize, s: usize, e: usize| {
            (
                p,
                SecretHit {
                    pattern_id: p.to_string(),
                    description: String::new(),
                    severity: Severity::Error,
                    start: s,
                    end: e,
                    hash: String::new(),
                },
            )
        };
        let kept = dedup_overlaps(vec![h(usize::MAX, 0, 10), h(3, 2, 8), h(1, 20, 30)]);
        let ids: Vec<_> = kept.iter().map(|k| k.pattern_id.as_str()).collect();
        assert_eq!(ids, ["3", "1"]);
    }

    #[test]
    fn allowlist_and_extra_patterns() {
        let extra = PatternSpec {
            id: "acme-token".into(),
            name: "Acme token".into(),
            keywords: vec!["acme_".into()],
            regex: r"acme_(?P<secret>[a-z0-9]{20})".into(),
            min_entropy: None,
            validate: None,
            severity: None,
            allow: vec![],
            positive: vec![],
            negative: vec![],
        };
        let e = SecretEngine::new(vec![extra.clone()], &["^k9".into()]).unwrap();
        let hits = e.scan(b"t = acme_q1w2e3r4t5y6u7i8o9p0", Kind::Text);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].pattern_id, "acme-token");
        assert!(e
            .scan(b"t = acme_k9w2e3r4t5y6u7i8o9p0", Kind::Text)
            .is_empty());
        let mut bad = extra;
        bad.regex = "(".into();
        assert!(SecretEngine::new(vec![bad], &[]).is_err());
    }
}
