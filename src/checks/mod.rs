//! Code rules. Each reads [`Facts`] and the rule data in `rules/`; none knows
//! a parser, so a rule is written once for every language front end.

pub mod debug_derive;
pub mod secret_log;
pub mod spell;
pub mod timeout;
pub mod tls;
pub mod url;

use crate::finding::Severity;
use crate::lang::facts::{ByteSpan, Facts, Value, ValueKind};
use crate::rules::clients::{HttpClients, LogSinks};
use crate::rules::SensitiveNames;

/// Everything a code rule reads for one file.
pub struct CheckInput<'a> {
    pub facts: &'a Facts,
    pub clients: &'a HttpClients,
    pub sinks: &'a LogSinks,
    pub names: &'a SensitiveNames,
}

impl CheckInput<'_> {
    /// Messages in the language of the file.
    pub fn spell(&self) -> spell::Spell<'_> {
        spell::Spell(&self.clients.spelling)
    }
}

/// What a code rule found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub rule: &'static str,
    pub span: ByteSpan,
    pub message: String,
    pub fix: Option<String>,
    /// A cap below the rule's severity (e.g. a TLS warning hidden, not TLS off).
    pub max_severity: Option<Severity>,
}

impl Hit {
    pub(crate) fn new(rule: &'static str, span: ByteSpan, message: String) -> Hit {
        Hit {
            rule,
            span,
            message,
            fix: None,
            max_severity: None,
        }
    }
}

/// The code rules, by id.
pub const CODE_RULES: &[&str] = &[
    tls::RULE,
    timeout::RULE,
    secret_log::RULE,
    url::SECRET_IN_URL,
    url::PLAINTEXT,
    debug_derive::RULE,
];

/// Run every enabled code rule.
pub fn run(input: &CheckInput<'_>, enabled: impl Fn(&str) -> bool) -> Vec<Hit> {
    let mut out = Vec::new();
    if enabled(tls::RULE) {
        out.extend(tls::check(input));
    }
    if enabled(timeout::RULE) {
        out.extend(timeout::check(input));
    }
    if enabled(secret_log::RULE) {
        out.extend(secret_log::check(input));
    }
    if enabled(url::SECRET_IN_URL) {
        out.extend(url::check_secret_in_url(input));
    }
    if enabled(url::PLAINTEXT) {
        out.extend(url::check_plaintext(input));
    }
    if enabled(debug_derive::RULE) {
        out.extend(debug_derive::check(input));
    }
    dedupe_nested(out)
}

/// Within a rule, drop a hit whose range lies inside another hit's range
/// (`cert_reqs=ssl.CERT_NONE` is one finding, not two).
fn dedupe_nested(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by(|a, b| {
        (a.rule, a.span.0, std::cmp::Reverse(a.span.1)).cmp(&(
            b.rule,
            b.span.0,
            std::cmp::Reverse(b.span.1),
        ))
    });
    let mut out: Vec<Hit> = Vec::with_capacity(hits.len());
    for h in hits {
        let inside = out
            .iter()
            .rev()
            .take_while(|k| k.rule == h.rule)
            .any(|k| k.span.0 <= h.span.0 && h.span.1 <= k.span.1);
        if !inside {
            out.push(h);
        }
    }
    out
}

/// Every value assigned to `target` (as written) in `scope` (parameter
/// defaults excluded: the caller decides).
pub(crate) fn assigned_values<'a>(
    facts: &'a Facts,
    target: &str,
    scope: Option<u32>,
) -> Vec<&'a Value> {
    facts
        .assigns
        .iter()
        .filter(|a| a.target == target && !a.default && scope.is_none_or(|s| a.scope == s))
        .map(|a| &a.value)
        .collect()
}

/// A local name whose every assignment in the scope matches one of `spellings`.
pub(crate) fn local_always(facts: &Facts, v: &Value, scope: u32, spellings: &[String]) -> bool {
    let ValueKind::Name {
        path,
        resolved: false,
    } = &v.kind
    else {
        return false;
    };
    let vals = assigned_values(facts, path, Some(scope));
    !vals.is_empty() && vals.iter().all(|x| x.matches_any(spellings))
}

/// `*.name` matches any path ending in `.name`; otherwise exact.
pub(crate) fn path_matches(pattern: &str, path: &str) -> bool {
    match pattern.strip_prefix('*') {
        Some(suffix) => path.ends_with(suffix),
        None => pattern == path,
    }
}
