//! `--format sarif`: SARIF 2.1.0, valid against the OASIS schema, shaped for
//! GitHub code scanning.
//!
//! - one rule descriptor per rule in the catalogue (`rules/<id>.toml`), so rules
//!   added there appear here without code changes; `help.text`/`help.markdown`
//!   come from the rule's docs, `properties` carry `tags` (with `security` and
//!   `external/cwe/cwe-N`), `precision` and `security-severity`;
//! - results name the rule (`ruleId` + `ruleIndex`); the finer id (a secret
//!   pattern, an advisory) is `properties.sub-id` and is in the message;
//! - `partialFingerprints["botlint/v1"]` is the finding's fingerprint (rule,
//!   sub-id, path, secret hash or normalised line — not the line number);
//! - columns count Unicode code points (`columnKind`), as botlint's spans do;
//! - messages and snippets are the already-redacted ones.

use crate::finding::{Finding, Severity};
use crate::rules::{self, RuleDoc};
use crate::scan::ScanReport;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The `partialFingerprints` key; bump the suffix if the fingerprint recipe changes.
pub const FINGERPRINT_KEY: &str = "botlint/v1";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    invocations: Vec<Invocation>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    precision: String,
    #[serde(rename = "security-severity")]
    security_severity: String,
    #[serde(rename = "problem.severity")]
    problem_severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    kind: &'static str,
    message: Text,
    locations: Vec<Location<'a>>,
    partial_fingerprints: BTreeMap<&'static str, &'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<&'static str>,
    #[serde(skip_serializing_if = "ResultProperties::is_empty")]
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    #[serde(rename = "sub-id", skip_serializing_if = "Option::is_none")]
    sub_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<&'a str>,
}

impl ResultProperties<'_> {
    fn is_empty(&self) -> bool {
        self.sub_id.is_none() && self.fix.is_none()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation,
    region: Region<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region<'a> {
    start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
    end_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<SnippetText<'a>>,
}

#[derive(Serialize)]
struct SnippetText<'a> {
    text: std::borrow::Cow<'a, str>,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// CodeQL's `problem.severity` vocabulary, which GitHub also reads.
fn problem_severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "recommendation",
    }
}

/// `hardcoded-secret` → `HardcodedSecret` (SARIF `name`, an identifier-like label).
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// The CWE tag GitHub recognises: `CWE-798` → `external/cwe/cwe-798`.
fn cwe_tag(cwe: &str) -> Option<String> {
    let n = cwe.trim().to_ascii_lowercase();
    let n = n.strip_prefix("cwe-")?;
    (!n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        .then(|| format!("external/cwe/cwe-{n}"))
}

fn fenced(code: &str) -> String {
    let code = code.trim_matches('\n');
    // A fence longer than any backtick run inside the example.
    let mut longest = 0;
    let mut run = 0;
    for c in code.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat((longest + 1).max(3));
    format!("{fence}\n{code}\n{fence}")
}

pub(crate) fn help_text(r: &RuleDoc) -> String {
    format!(
        "{}\n\nWhy it is bad\n{}\n\nHow to fix it\n{}\n\nBad\n{}\n\nGood\n{}\n",
        r.summary.trim(),
        r.why.trim(),
        r.fix.trim(),
        r.bad.trim_matches('\n'),
        r.good.trim_matches('\n'),
    )
}

pub(crate) fn help_markdown(r: &RuleDoc) -> String {
    let mut s = format!(
        "# {}\n\n{}\n\n## Why it is bad\n\n{}\n\n## How to fix it\n\n{}\n\n## Bad\n\n{}\n\n## Good\n\n{}\n",
        r.title.trim(),
        r.summary.trim(),
        r.why.trim(),
        r.fix.trim(),
        fenced(&r.bad),
        fenced(&r.good),
    );
    let cwe = r
        .cwe
        .as_deref()
        .map(|c| format!("{c}. "))
        .unwrap_or_default();
    s.push_str(&format!(
        "\n{cwe}Default severity: {}. `botlint rule {}` prints this page.",
        r.severity_name(),
        r.id
    ));
    s.push('\n');
    s
}

fn rule_descriptor(r: &RuleDoc) -> Rule {
    let mut tags = r.tags.clone();
    if !tags.iter().any(|t| t == "security") {
        tags.insert(0, "security".to_string());
    }
    if let Some(tag) = r.cwe.as_deref().and_then(cwe_tag) {
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    Rule {
        id: r.id.clone(),
        name: pascal_case(&r.id),
        short_description: Text {
            text: r.title.trim().to_string(),
        },
        full_description: Text {
            text: r.summary.trim().to_string(),
        },
        help: Help {
            text: help_text(r),
            markdown: help_markdown(r),
        },
        default_configuration: Configuration {
            level: level(r.default_severity()),
        },
        properties: RuleProperties {
            tags,
            precision: r.precision.clone(),
            security_severity: r.security_severity.clone(),
            problem_severity: problem_severity(r.default_severity()),
        },
    }
}

/// Percent-encode a `/`-separated relative path as a URI reference (RFC 3986):
/// unreserved characters, `/` and a few safe sub-delimiters stay; everything
/// else — spaces, `%`, `#`, `?`, `:` (which would read as a scheme), non-ASCII
/// bytes — becomes `%XX`. An absolute path becomes a `file://` URI.
pub(crate) fn path_to_uri(path: &str) -> String {
    let (prefix, rest) = match path.strip_prefix('/') {
        Some(rest) => ("file:///", rest),
        None => ("", path),
    };
    let mut out = String::with_capacity(prefix.len() + rest.len());
    out.push_str(prefix);
    for &b in rest.as_bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
            );
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn region(f: &Finding) -> Region<'_> {
    let s = f.span;
    let empty = s.end_line == s.start_line && s.end_col <= s.start_col;
    let start_line = s.start_line.max(1);
    Region {
        start_line,
        // An empty range (a whole-file finding) is reported as its whole first line.
        start_column: (!empty).then_some(s.start_col.max(1)),
        end_line: s.end_line.max(start_line),
        end_column: (!empty).then_some(s.end_col.max(1)),
        snippet: f.shown_snippet().map(|text| SnippetText { text }),
    }
}

fn result<'a>(f: &'a Finding, index: &BTreeMap<&str, usize>, baseline: bool) -> SarifResult<'a> {
    let uri = path_to_uri(&f.path);
    let uri_base_id = (!uri.starts_with("file:")).then_some("%SRCROOT%");
    SarifResult {
        rule_id: &f.rule,
        rule_index: index.get(f.rule.as_str()).copied(),
        level: level(f.severity),
        kind: "fail",
        message: Text {
            text: f.message.clone(),
        },
        locations: vec![Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri, uri_base_id },
                region: region(f),
            },
        }],
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, f.fingerprint.as_str())]),
        baseline_state: baseline.then_some("new"),
        properties: ResultProperties {
            sub_id: f.sub_id.as_deref(),
            fix: f.fix.as_deref(),
        },
    }
}

pub fn write(report: &ScanReport, out: &mut dyn Write) -> std::io::Result<()> {
    let catalog = rules::catalog();
    let index: BTreeMap<&str, usize> = catalog
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let mut notifications = Vec::new();
    for e in &report.errors {
        notifications.push(Notification {
            level: "error",
            message: Text { text: e.clone() },
        });
    }
    for w in &report.warnings {
        notifications.push(Notification {
            level: "warning",
            message: Text { text: w.clone() },
        });
    }
    for s in &report.skipped {
        notifications.push(Notification {
            level: "note",
            message: Text {
                text: format!("skipped {}: {}", s.path, s.reason),
            },
        });
    }
    let baseline = report.baselined.is_some();
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "botlint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules: catalog.iter().map(rule_descriptor).collect(),
                },
            },
            invocations: vec![Invocation {
                execution_successful: report.errors.is_empty(),
                tool_execution_notifications: notifications,
            }],
            column_kind: "unicodeCodePoints",
            results: report
                .findings
                .iter()
                .map(|f| result(f, &index, baseline))
                .collect(),
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(path_to_uri("src/bot.py"), "src/bot.py");
        assert_eq!(path_to_uri("my dir/a#b?.py"), "my%20dir/a%23b%3F.py");
        assert_eq!(path_to_uri("c:x/100%.py"), "c%3Ax/100%25.py");
        assert_eq!(path_to_uri("ü.py"), "%C3%BC.py");
        assert_eq!(path_to_uri("/abs/x y"), "file:///abs/x%20y");
    }

    #[test]
    fn names_and_cwe_tags() {
        assert_eq!(pascal_case("env-file-not-ignored"), "EnvFileNotIgnored");
        assert_eq!(cwe_tag("CWE-798").as_deref(), Some("external/cwe/cwe-798"));
        assert_eq!(cwe_tag("nope"), None);
    }

    #[test]
    fn every_rule_has_a_descriptor_with_help() {
        for r in rules::catalog() {
            let d = rule_descriptor(r);
            assert!(d.properties.tags.iter().any(|t| t == "security"));
            assert!(d.help.markdown.contains(r.title.trim()));
            let score: f64 = d.properties.security_severity.parse().unwrap();
            assert!((0.1..=10.0).contains(&score));
        }
    }
}
