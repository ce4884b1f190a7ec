//! `secret-in-log`: a secret-like value reaching a log or print sink.

use super::{CheckInput, Hit};
use crate::lang::facts::{ByteSpan, Facts, NameRef, ScopeId, ValueKind};
use foldhash::HashSet;

pub const RULE: &str = "secret-in-log";

pub fn check(input: &CheckInput<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    if input.facts.log_calls.is_empty() {
        return out;
    }
    let creds = Credentials::new(input);
    for lc in &input.facts.log_calls {
        for n in &lc.names {
            if !n.through.iter().all(|w| passes(input, w)) {
                continue;
            }
            // A secrecy type prints `[REDACTED]` unless a method exposes it.
            let redacting =
                n.ty.as_deref()
                    .is_some_and(|t| input.sinks.is_redacting_type(t));
            if redacting && !n.through.iter().any(|w| w.starts_with('.')) {
                continue;
            }
            if let Some(what) = leak(input, &creds, n) {
                out.push(Hit {
                    rule: RULE,
                    span: n.span,
                    message: format!("{what} reaches `{}`", input.spell().sink(&lc.sink)),
                    fix: Some(
                        "log a masked form (`mask(key)`, `key[:4]`, `len(key)`) or only that it is set"
                            .into(),
                    ),
                    max_severity: None,
                });
            }
        }
    }
    out
}

fn passes(input: &CheckInput<'_>, wrapper: &str) -> bool {
    wrapper == "[]" || input.sinks.passes_through(wrapper)
}

/// Why this name leaks, if it does.
fn leak(input: &CheckInput<'_>, creds: &Credentials<'_>, n: &NameRef) -> Option<String> {
    if let Some(r) = &n.resolved {
        if input.sinks.whole_values.iter().any(|w| w == r) {
            return Some(format!(
                "`{}` (every environment secret)",
                input.spell().path(r)
            ));
        }
    }
    if input.names.is_sensitive_without_value(n.last_name()) {
        return Some(format!("secret-like `{}`", n.text));
    }
    if creds.carries_secret(n) {
        return Some(format!(
            "`{}`, which holds a credential header or key,",
            n.text
        ));
    }
    if let Some(key) = creds.sent_as(input, n) {
        return Some(format!(
            "`{}`, which this file puts under the credential key `{key}`,",
            n.text
        ));
    }
    None
}

/// Where the file keeps credentials under secret-like keys, gathered once
/// per file (a minified bundle logs thousands of names).
///
/// A plain name (no `.` or `[`) is the binding it refers to where it is
/// logged: only entries of the scope that binds it count (a parameter `r` is
/// not the `r` of another function, which minified code reuses everywhere).
/// Attributes (`self.headers`) are state shared across methods: any scope.
struct Credentials<'a> {
    /// Names assigned a dict with a secret-like key bound to a non-literal,
    /// or given such a key by `name["Authorization"] = …`, and the scope.
    carriers: Vec<(&'a str, ScopeId)>,
    /// Values the file puts under a secret-like key: an entry of a dict
    /// assigned somewhere or passed as a keyword argument
    /// (`{"PF-API-KEY": self.api_config_key}`, `headers={"X-API-KEY": key}`),
    /// or a subscript assignment (`h["Authorization"] = token`). The value as
    /// written, the scope, the key.
    sent: Vec<(&'a str, ScopeId, &'a str)>,
}

impl<'a> Credentials<'a> {
    fn new(input: &CheckInput<'a>) -> Credentials<'a> {
        let facts: &'a Facts = input.facts;
        let sensitive = |k: &str| input.names.is_sensitive_without_value(k);
        let mut carriers = Vec::new();
        let mut sent = Vec::new();
        let name_of = |v: &'a crate::lang::facts::Value| match &v.kind {
            ValueKind::Name { path, .. } => Some(path.as_str()),
            _ => None,
        };
        for a in &facts.assigns {
            if let ValueKind::Dict(entries) = &a.value.kind {
                for (k, v) in entries {
                    if !v.is_literal() && sensitive(k) {
                        carriers.push((a.target.as_str(), a.scope));
                        if let Some(p) = name_of(v) {
                            sent.push((p, a.scope, k.as_str()));
                        }
                    }
                }
            }
            let subscript = a.target.strip_suffix(']').and_then(|t| t.rsplit_once('['));
            if let Some((base, k)) = subscript {
                if !a.value.is_literal() && sensitive(k) {
                    carriers.push((base, a.scope));
                    if let Some(p) = name_of(&a.value) {
                        sent.push((p, a.scope, k));
                    }
                }
            }
        }
        // The sink's own arguments are what is logged, not where it is sent.
        let sinks: HashSet<ByteSpan> = facts.log_calls.iter().map(|lc| lc.span).collect();
        for c in facts.calls.iter().filter(|c| !sinks.contains(&c.span)) {
            for kw in &c.kwargs {
                if let ValueKind::Dict(entries) = &kw.value.kind {
                    for (k, v) in entries {
                        if let Some(p) = name_of(v) {
                            if sensitive(k) {
                                sent.push((p, c.scope, k.as_str()));
                            }
                        }
                    }
                }
            }
        }
        Credentials { carriers, sent }
    }

    /// Does an entry recorded in `scope` apply to the name as logged?
    fn applies(n: &NameRef, scope: ScopeId) -> bool {
        n.text.contains(['.', '[']) || n.scope.is_none_or(|s| s == scope)
    }

    /// Was the name assigned a dict holding a credential, or given one by key?
    fn carries_secret(&self, n: &NameRef) -> bool {
        self.carriers
            .iter()
            .any(|&(t, s)| t == n.text && Self::applies(n, s))
    }

    /// The secret-like key this file puts the name's value under, if any. A
    /// value sent as a credential is one, unless its own name says it is
    /// something else (`{"gas_price_token": self._native_currency}`, a value
    /// named `password_hint`: a `not-if` rule of rules/sensitive-names.toml).
    fn sent_as(&self, input: &CheckInput<'_>, n: &NameRef) -> Option<&'a str> {
        let (_, _, key) = self
            .sent
            .iter()
            .find(|&&(p, s, _)| p == n.text && Self::applies(n, s))?;
        (!input.names.is_exempt(n.last_name())).then_some(*key)
    }
}
