//! Baselines: adopt botlint in an old repository by recording today's findings
//! and reporting only new ones.
//!
//! A baseline is a JSON file (`botlint baseline -o .botlint-baseline.json`):
//!
//! ```json
//! { "version": 1, "tool": "botlint",
//!   "findings": [ { "fingerprint": "1f0c…", "rule": "hardcoded-secret/generic-secret",
//!                   "path": "bot.py", "count": 1 } ] }
//! ```
//!
//! Findings are matched by fingerprint alone (rule, sub-id, path, and a hash of
//! the secret or of the normalised redacted line — never the line number), so
//! moving code keeps it baselined. Fingerprints are counted: a baseline that
//! holds one leak of a value in a file lets one through, and a second identical
//! leak in that file is new. `rule` and `path` are there for reviewers; no
//! message or snippet is stored.

use crate::finding::Finding;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

pub const BASELINE_VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub tool: String,
    pub findings: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    pub path: String,
    pub count: usize,
}

impl Baseline {
    /// Record findings, one entry per fingerprint with its count.
    pub fn from_findings(findings: &[Finding]) -> Baseline {
        let mut map: BTreeMap<(&str, &str, String), usize> = BTreeMap::new();
        for f in findings {
            *map.entry((f.path.as_str(), f.fingerprint.as_str(), f.full_id()))
                .or_default() += 1;
        }
        Baseline {
            version: BASELINE_VERSION,
            tool: "botlint".into(),
            findings: map
                .into_iter()
                .map(|((path, fp, rule), count)| Entry {
                    fingerprint: fp.to_string(),
                    rule,
                    path: path.to_string(),
                    count,
                })
                .collect(),
        }
    }

    pub fn load(path: &Path) -> Result<Baseline> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the baseline {}", path.display()))?;
        let b: Baseline = serde_json::from_str(&text).with_context(|| {
            format!(
                "{} is not a botlint baseline (make one with `botlint baseline -o FILE`)",
                path.display()
            )
        })?;
        anyhow::ensure!(
            b.version == BASELINE_VERSION,
            "{}: baseline version {} is not supported (this botlint reads version {BASELINE_VERSION})",
            path.display(),
            b.version
        );
        Ok(b)
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a baseline serialises");
        s.push('\n');
        s
    }

    /// Remove the findings the baseline covers (at most `count` per
    /// fingerprint, in report order); returns how many were removed.
    pub fn filter(&self, findings: &mut Vec<Finding>) -> usize {
        let mut left: BTreeMap<&str, usize> = BTreeMap::new();
        for e in &self.findings {
            *left.entry(e.fingerprint.as_str()).or_default() += e.count;
        }
        let before = findings.len();
        findings.retain(|f| match left.get_mut(f.fingerprint.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        });
        before - findings.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Severity, Span};

    fn f(fp: &str, line: usize) -> Finding {
        Finding {
            rule: "hardcoded-secret".into(),
            sub_id: Some("generic-secret".into()),
            severity: Severity::Error,
            path: "bot.py".into(),
            span: Span {
                start_line: line,
                start_col: 1,
                end_line: line,
                end_col: 2,
            },
            message: "m".into(),
            snippet: None,
            highlight: None,
            fix: None,
            fingerprint: fp.into(),
        }
    }

    #[test]
    fn counts_duplicates() {
        let b = Baseline::from_findings(&[f("a", 1), f("b", 2)]);
        assert_eq!(b.findings.len(), 2);
        let mut now = vec![f("a", 10), f("a", 20), f("b", 30), f("c", 40)];
        assert_eq!(b.filter(&mut now), 2);
        let left: Vec<_> = now
            .iter()
            .map(|x| (x.fingerprint.as_str(), x.span.start_line))
            .collect();
        assert_eq!(left, [("a", 20), ("c", 40)]);
        let b2 = Baseline::from_findings(&[f("a", 1), f("a", 2)]);
        assert_eq!(b2.findings[0].count, 2);
        let back: Baseline = serde_json::from_str(&b2.to_json()).unwrap();
        assert_eq!(back.findings, b2.findings);
    }
}
