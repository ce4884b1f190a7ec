//! `tls-verification-disabled`: certificate or hostname verification off.

use super::{local_always, path_matches, CheckInput, Hit};
use crate::finding::Severity;
use crate::lang::facts::{Call, ValueKind};

pub const RULE: &str = "tls-verification-disabled";

pub fn check(input: &CheckInput<'_>) -> Vec<Hit> {
    let facts = input.facts;
    let tls = &input.clients.tls;
    let sp = input.spell();
    let mut out = Vec::new();
    for call in &facts.calls {
        client_params(input, call, &mut out);
        if call.resolved && tls.unverified_calls.contains(&call.callee) {
            out.push(Hit::new(
                RULE,
                call.span,
                format!(
                    "`{}` makes a context that verifies no certificate",
                    sp.call_named(&call.callee, true, false)
                ),
            ));
        }
        if call.resolved && tls.warning_calls.contains(&call.callee) {
            let mut h = Hit::new(
                RULE,
                call.span,
                format!(
                    "`{}` hides the warning that requests go out unverified",
                    sp.call_named(&call.callee, true, false)
                ),
            );
            h.max_severity = Some(Severity::Warning);
            out.push(h);
        }
        for u in &tls.unsafe_call_args {
            if call.resolved
                && u.call == call.callee
                && u.args.len() <= call.args.len()
                && u.args
                    .iter()
                    .zip(&call.args)
                    .all(|(want, got)| got.matches_any(std::slice::from_ref(want)))
            {
                out.push(Hit::new(
                    RULE,
                    call.span,
                    format!(
                        "`{}({})` switches certificate verification off",
                        sp.path(&call.callee),
                        call.args[..u.args.len()]
                            .iter()
                            .map(|a| sp.value(a))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        for k in call.settings() {
            if tls.custom_verifier_methods.contains(&k.name) && !known_verifier(input, &k.value) {
                let mut h = Hit::new(
                    RULE,
                    k.span,
                    format!(
                        "`{}` installs a custom certificate verifier: check that it verifies the chain and the host name",
                        sp.setting_of(call, k.span, &k.name, "…")
                    ),
                );
                h.max_severity = Some(Severity::Warning);
                out.push(h);
            }
            for u in &tls.unsafe_kwargs {
                if k.name == u.name && k.value.matches_any(&u.values) {
                    out.push(Hit::new(
                        RULE,
                        k.span,
                        format!(
                            "`{}` switches certificate verification off",
                            sp.setting_of(call, k.span, &k.name, &sp.value(&k.value))
                        ),
                    ));
                }
            }
        }
    }
    for f in &facts.impl_fns {
        let accepts_all = tls
            .accept_all_impls
            .iter()
            .any(|a| a.method == f.method && path_matches(&a.interface, &f.interface));
        if accepts_all && f.always_ok {
            out.push(Hit::new(
                RULE,
                f.span,
                format!(
                    "`{}::{}` for `{}` accepts every certificate: it returns success without checking anything",
                    crate::lang::facts::last_segment(&f.interface),
                    f.method,
                    f.self_ty
                ),
            ));
        }
    }
    for r in &facts.refs {
        if tls.unverified_refs.contains(&r.path) {
            out.push(Hit::new(
                RULE,
                r.span,
                format!(
                    "`{}` switches certificate verification off",
                    sp.path(&r.path)
                ),
            ));
        }
    }
    for a in &facts.assigns {
        for u in &tls.unsafe_assigns {
            if path_matches(&u.target, &a.resolved_target) && a.value.matches_any(&u.values) {
                out.push(Hit::new(
                    RULE,
                    a.span,
                    format!("`{}` switches certificate verification off", sp.assign(a)),
                ));
            }
        }
    }
    out
}

/// A verifier known to verify (platform verifier, webpki), or one defined in
/// this file (its implementation is checked on its own).
fn known_verifier(input: &CheckInput<'_>, v: &crate::lang::facts::Value) -> bool {
    let tls = &input.clients.tls;
    v.mentions().iter().any(|m| {
        tls.verifying_verifiers
            .iter()
            .any(|k| m.contains(k.as_str()))
            || input
                .facts
                .impl_fns
                .iter()
                .any(|f| f.self_ty == crate::lang::facts::last_segment(m))
    })
}

/// `verify=False` and friends on a known client call, a session method, or a
/// session method of an object we could not type.
fn client_params(input: &CheckInput<'_>, call: &Call, out: &mut Vec<Hit>) {
    let clients = input.clients;
    let sp = input.spell();
    let mut candidates = Vec::new();
    if call.resolved {
        if let Some((c, _)) = clients.classify(&call.callee) {
            candidates.push(c);
        } else if let Some(c) = clients.session_client(&call.callee) {
            candidates.push(c);
        }
    }
    if candidates.is_empty() && call.receiver_path().is_some() {
        candidates.extend(
            clients
                .by_session_method(call.method())
                .filter(|c| c.tls_any_receiver),
        );
    }
    let mut seen = Vec::new();
    for c in candidates {
        for p in &c.tls_params {
            let Some(k) = call.kwarg(p) else { continue };
            if seen.contains(&k.span) {
                continue;
            }
            let direct = k.value.matches_any(&c.tls_unsafe);
            let via_local =
                !direct && local_always(input.facts, &k.value, call.scope, &c.tls_unsafe);
            let dict_entry = match &k.value.kind {
                ValueKind::Dict(entries) => entries.iter().find(|(key, v)| {
                    input
                        .clients
                        .tls
                        .unsafe_dict_entries
                        .iter()
                        .any(|u| u.key == *key && v.matches_any(&u.values))
                }),
                _ => None,
            };
            if direct || via_local {
                seen.push(k.span);
                let how = if via_local {
                    format!(
                        " (`{}` is always {} here)",
                        name_of(&k.value.kind),
                        c.tls_unsafe
                            .first()
                            .map(|u| sp.data_value(u))
                            .unwrap_or_default()
                    )
                } else {
                    String::new()
                };
                let value = if via_local {
                    name_of(&k.value.kind)
                } else {
                    sp.value(&k.value)
                };
                out.push(Hit::new(
                    RULE,
                    k.span,
                    format!(
                        "`{}` turns off certificate verification for `{}`{how}",
                        sp.setting_of(call, k.span, &k.name, &value),
                        sp.call(call)
                    ),
                ));
            } else if let Some((key, v)) = dict_entry {
                seen.push(k.span);
                out.push(Hit::new(
                    RULE,
                    k.span,
                    format!(
                        "`{}` sets `{key}` to `{}`: certificate verification off",
                        k.name,
                        sp.value(v)
                    ),
                ));
            }
        }
    }
}

fn name_of(k: &ValueKind) -> String {
    match k {
        ValueKind::Name { path, .. } => path.clone(),
        _ => String::new(),
    }
}
