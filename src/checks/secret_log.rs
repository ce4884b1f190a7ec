//! `secret-in-log`: a secret-like value reaching a log or print sink.

use super::{CheckInput, Hit};
use crate::lang::facts::{NameRef, ValueKind};

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
