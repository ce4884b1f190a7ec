//! `http-timeout-missing`: a network call that can wait forever.

use super::{CheckInput, Hit};
use crate::lang::facts::{Call, Value, ValueKind};
use crate::rules::clients::{CallRole, Client};

pub const RULE: &str = "http-timeout-missing";

pub fn check(input: &CheckInput<'_>) -> Vec<Hit> {
    let facts = input.facts;
    let sp = input.spell();
    let mut out = Vec::new();
    // A call or an assignment (`axios.defaults.timeout = 5000`) that sets a
    // default for the whole file.
    let file_sets_default = |c: &Client| {
        facts
            .calls
            .iter()
            .any(|x| x.resolved && c.timeout_defaults.contains(&x.callee))
            || facts
                .assigns
                .iter()
                .any(|a| !a.default && c.timeout_defaults.contains(&a.resolved_target))
    };
    for call in facts.calls.iter().filter(|c| c.resolved) {
        // Timeout objects that mean "forever".
        for c in &input.clients.client {
            for inf in &c.infinite_timeouts {
                if inf.call == call.callee && all_none(&call.args, call, inf.empty) {
                    out.push(Hit::new(
                        RULE,
                        call.span,
                        format!(
                            "`{}` with no limit set means no timeout at all",
                            sp.call(call)
                        ),
                    ));
                }
            }
        }
        // Session constructors with an unsafe session-wide timeout.
        if let Some(c) = input.clients.session_client(&call.callee) {
            if c.timeout_on_session && !c.timeout_param.is_empty() {
                if let Some(k) = call.kwarg(&c.timeout_param) {
                    if k.value.matches_any(&c.timeout_unsafe) {
                        out.push(unsafe_hit(input, k.span, &k.name, &k.value, call));
                    }
                }
            }
        }
        let Some((client, role)) = input.clients.classify(&call.callee) else {
            continue;
        };
        if client.timeout_param.is_empty() {
            continue;
        }
        match given_timeout(call, client) {
            Some((name, v, span)) => {
                if v.matches_any(&client.timeout_unsafe) {
                    out.push(unsafe_hit(input, span, &name, v, call));
                }
            }
            None => {
                if call.star_kwargs || !client.timeout_required {
                    continue;
                }
                if client.timeout_position.is_some() && call.star_args {
                    continue;
                }
                if role == CallRole::SessionMethod && client.timeout_on_session {
                    // Covered by the constructor's timeout; or the constructor is
                    // itself a call that needs one (`axios.create`), reported there.
                    let covered = call.receiver.as_ref().is_none_or(|r| {
                        r.star_kwargs
                            || r.kwargs.iter().any(|k| k.name == client.timeout_param)
                            || client.calls.contains(&r.callee)
                    });
                    if covered {
                        continue;
                    }
                }
                if file_sets_default(client) {
                    continue;
                }
                out.push(Hit::new(
                    RULE,
                    call.span,
                    format!(
                        "`{}` has no timeout: {} waits forever for a server that does not answer",
                        sp.call(call),
                        client.name
                    ),
                ));
            }
        }
    }
    out
}

fn given_timeout<'a>(call: &'a Call, c: &Client) -> Option<(String, &'a Value, (usize, usize))> {
    if let Some(k) = std::iter::once(&c.timeout_param)
        .chain(&c.timeout_aliases)
        .find_map(|p| call.kwarg(p))
    {
        return Some((k.name.clone(), &k.value, k.span));
    }
    let pos = c.timeout_position?;
    call.args
        .get(pos)
        .map(|v| (c.timeout_param.clone(), v, v.span))
}

fn all_none(args: &[Value], call: &Call, empty_ok: bool) -> bool {
    if call.star_args || call.star_kwargs {
        return false;
    }
    let mut given = args
        .iter()
        .chain(call.settings().map(|k| &k.value))
        .peekable();
    if given.peek().is_none() {
        return empty_ok;
    }
    given.all(|v| matches!(v.kind, ValueKind::None))
}

fn unsafe_hit(
    input: &CheckInput<'_>,
    span: (usize, usize),
    name: &str,
    v: &Value,
    call: &Call,
) -> Hit {
    let sp = input.spell();
    Hit::new(
        RULE,
        span,
        format!(
            "`{}` on `{}` means no timeout at all",
            sp.setting_of(call, span, name, &sp.value(v)),
            sp.call(call)
        ),
    )
}
