//! `secret-in-log`: a secret-like value reaching a log or print sink.

use super::{CheckInput, Hit};
use crate::lang::facts::{NameRef, Value, ValueKind};

pub const RULE: &str = "secret-in-log";

pub fn check(input: &CheckInput<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
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
            if let Some(what) = leak(input, n) {
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
fn leak(input: &CheckInput<'_>, n: &NameRef) -> Option<String> {
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
    if carries_secret(input, n) {
        return Some(format!(
            "`{}`, which holds a credential header or key,",
            n.text
        ));
    }
    if let Some(key) = sent_as(input, n) {
        return Some(format!(
            "`{}`, which this file puts under the credential key `{key}`,",
            n.text
        ));
    }
    None
}

/// Was the name assigned a dict with a secret-like key bound to a
/// non-literal, or given such a key by `name["Authorization"] = …`? A plain
/// name is the binding it refers to where it is logged: only assignments in
/// the scope that binds it count (a parameter `r` is not the `r` of another
/// function, which minified code reuses everywhere). Attributes
/// (`self.headers`) are state shared across methods: any scope counts.
fn carries_secret(input: &CheckInput<'_>, n: &NameRef) -> bool {
    let text = n.text.as_str();
    let sensitive = |k: &str| input.names.is_sensitive_without_value(k);
    let plain = !text.contains(['.', '[']);
    input
        .facts
        .assigns
        .iter()
        .filter(|a| !plain || n.scope.is_none_or(|s| a.scope == s))
        .any(|a| {
            if a.target == text {
                if let ValueKind::Dict(entries) = &a.value.kind {
                    return entries.iter().any(|(k, v)| sensitive(k) && !v.is_literal());
                }
                return false;
            }
            a.target
                .strip_prefix(text)
                .and_then(|rest| rest.strip_prefix('['))
                .and_then(|rest| rest.strip_suffix(']'))
                .is_some_and(|k| !k.contains('[') && sensitive(k) && !a.value.is_literal())
        })
}

/// The secret-like key this file puts the name's value under, if any: an
/// entry of a dict assigned somewhere or passed as a keyword argument
/// (`{"PF-API-KEY": self.api_config_key}`, `headers={"X-API-KEY": key}`), or
/// a subscript assignment (`h["Authorization"] = token`). A value sent as a
/// credential is one, unless its own name says it is something else
/// (`{"gas_price_token": self._native_currency}`: a `not-if` rule of
/// rules/sensitive-names.toml). A plain name counts only in the scope that
/// binds it where it is logged.
fn sent_as<'a>(input: &CheckInput<'a>, n: &NameRef) -> Option<&'a str> {
    let text = n.text.as_str();
    if input.names.is_exempt(n.last_name()) {
        return None;
    }
    let plain = !text.contains(['.', '[']);
    let in_scope = |scope: u32| !plain || n.scope.is_none_or(|s| s == scope);
    let is_it = |v: &Value| matches!(&v.kind, ValueKind::Name { path, .. } if path == text);
    let sensitive = |k: &str| input.names.is_sensitive_without_value(k);
    let in_dict = |v: &'a Value| match &v.kind {
        ValueKind::Dict(entries) => entries
            .iter()
            .find(|(k, e)| is_it(e) && sensitive(k))
            .map(|(k, _)| k.as_str()),
        _ => None,
    };
    let facts = input.facts;
    let from_assigns = facts
        .assigns
        .iter()
        .filter(|a| in_scope(a.scope))
        .find_map(|a| {
            in_dict(&a.value).or_else(|| {
                let key = a.target.strip_suffix(']')?.rsplit_once('[')?.1;
                (is_it(&a.value) && sensitive(key)).then_some(key)
            })
        });
    from_assigns.or_else(|| {
        facts
            .calls
            .iter()
            .filter(|c| in_scope(c.scope))
            // The sink's own arguments are what is logged, not where it is sent.
            .filter(|c| !facts.log_calls.iter().any(|lc| lc.span == c.span))
            .find_map(|c| c.kwargs.iter().find_map(|k| in_dict(&k.value)))
    })
}
