//! `secret-debug-derive`: a record whose generated debug form prints a
//! secret-like field of a plain type (`#[derive(Debug)] struct Creds {
//! api_secret: String }`). An error when the file debug-formats a value of that
//! type (or of a record that holds one); a warning when it does not, since any
//! `{:?}`, `dbg!` or panic message elsewhere will print it.

use super::{CheckInput, Hit};
use crate::finding::Severity;
use crate::lang::facts::{NameRef, Record, RecordField};
use crate::rules::clients::strip_wrappers;
use crate::rules::clients::LogSinks;
use crate::rules::names::split_words;
use crate::rules::SensitiveNames;

pub const RULE: &str = "secret-debug-derive";

pub fn check(input: &CheckInput<'_>) -> Vec<Hit> {
    let facts = input.facts;
    let derived: Vec<&Record> = facts
        .records
        .iter()
        .filter(|r| r.auto_repr.is_some())
        .collect();
    if derived.is_empty() {
        return Vec::new();
    }
    // Records that print a secret: directly, or through a field of such a record.
    let mut leaky: Vec<&str> = derived
        .iter()
        .filter(|r| !secret_fields(input, r).is_empty())
        .map(|r| r.name.as_str())
        .collect();
    // `holders[name]`: the leaky records a value of type `name` prints.
    let mut holders: Vec<(&str, Vec<&str>)> = leaky.iter().map(|n| (*n, vec![*n])).collect();
    loop {
        let mut grew = false;
        for r in &derived {
            let inner: Vec<&str> = r
                .fields
                .iter()
                .filter(|f| !f.hidden)
                .flat_map(|f| {
                    let t = type_name(&f.ty);
                    holders
                        .iter()
                        .filter(move |(h, _)| *h == t)
                        .flat_map(|(_, l)| l.iter().copied())
                })
                .collect();
            if inner.is_empty() {
                continue;
            }
            match holders.iter_mut().find(|(h, _)| *h == r.name) {
                Some((_, l)) => {
                    for i in inner {
                        if !l.contains(&i) {
                            l.push(i);
                            grew = true;
                        }
                    }
                }
                None => {
                    holders.push((r.name.as_str(), inner));
                    grew = true;
                }
            }
        }
        if !grew || holders.len() > 1000 {
            break;
        }
    }
    leaky.sort_unstable();
    // Which leaky records are debug-formatted, and where.
    let mut logged: Vec<(&str, String)> = Vec::new();
    for lc in &facts.log_calls {
        for n in &lc.names {
            if !n.through.iter().any(|t| t == "{:?}") {
                continue;
            }
            for (holder, inner) in &holders {
                if names_type(n, holder) {
                    for i in inner {
                        if !logged.iter().any(|(l, _)| l == i) {
                            logged.push((
                                i,
                                format!(
                                    "`{}` is debug-formatted into `{}`",
                                    n.text,
                                    input.spell().sink(&lc.sink)
                                ),
                            ));
                        }
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    for r in derived {
        if !leaky.contains(&r.name.as_str()) {
            continue;
        }
        let how = logged.iter().find(|(l, _)| *l == r.name).map(|(_, h)| h);
        for f in secret_fields(input, r) {
            let message = match how {
                Some(h) => format!(
                    "`{}` derives Debug, which prints `{}: {}` in clear; {h}",
                    r.name, f.0, f.1
                ),
                None => format!(
                    "`{}` derives Debug, which prints `{}: {}` in clear the first time anything `{{:?}}`-formats it",
                    r.name, f.0, f.1
                ),
            };
            let mut h = Hit::new(RULE, f.2, message);
            h.fix = Some(format!(
                "write `impl fmt::Debug for {}` that prints `{}` as \"[redacted]\", or make it a `secrecy::SecretString`",
                r.name, f.0
            ));
            if how.is_none() {
                h.max_severity = Some(Severity::Warning);
            }
            out.push(h);
        }
    }
    out
}

/// Secret-like fields of a plain type the derived Debug prints: (name, type, span).
fn secret_fields<'r>(
    input: &CheckInput<'_>,
    r: &'r Record,
) -> Vec<(&'r str, &'r str, (usize, usize))> {
    r.fields
        .iter()
        .filter(|f| prints_secret(input.sinks, input.names, f))
        .map(|f| (f.name.as_str(), f.ty.as_str(), f.span))
        .collect()
}

/// Does a derived Debug print this field's secret in clear?
pub(crate) fn prints_secret(sinks: &LogSinks, names: &SensitiveNames, f: &RecordField) -> bool {
    !f.hidden && sinks.is_plain_type(&f.ty) && names.is_sensitive_without_value(&f.name)
}

/// The record name a type refers to: `&Config`, `Arc<Config>`, `crate::cfg::Config` → `Config`.
fn type_name(ty: &str) -> &str {
    let t = strip_wrappers(ty);
    let t = t.split('<').next().unwrap_or(t);
    t.rsplit("::").next().unwrap_or(t)
}

/// Does the name hold a value of record type `record`? By its declared type,
/// or, when none is known, by its name (`exchange_config` for `ExchangeConfig`).
fn names_type(n: &NameRef, record: &str) -> bool {
    match &n.ty {
        Some(t) => type_name(t) == record,
        None => {
            let a = split_words(n.last_name());
            let b = split_words(record);
            !a.is_empty() && a == b
        }
    }
}
