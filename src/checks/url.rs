//! `secret-in-url` (a key in a query string) and `plaintext-endpoint`
//! (`http://` / `ws://` to a non-local host).

use super::{CheckInput, Hit};
use crate::lang::facts::{ByteSpan, Call, Piece, Value, ValueKind};
use crate::rules::clients::Plaintext;

pub const SECRET_IN_URL: &str = "secret-in-url";
pub const PLAINTEXT: &str = "plaintext-endpoint";

pub fn check_secret_in_url(input: &CheckInput<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    for t in &input.facts.templates {
        let mut in_query = false;
        let mut before = String::new();
        let url_like = t.pieces.iter().any(|p| match p {
            Piece::Lit(l) => l.contains("://") || l.starts_with('/'),
            _ => false,
        }) || matches!(t.pieces.first(), Some(Piece::Name(_)));
        if !url_like {
            continue;
        }
        for p in &t.pieces {
            match p {
                Piece::Lit(l) => {
                    if let Some(q) = l.find('?') {
                        // `word?` in prose is not a query string.
                        let head = &l[..q];
                        let head_ok = !head.contains(char::is_whitespace);
                        in_query |= head_ok;
                    }
                    before.push_str(l);
                }
                Piece::Name(n) => {
                    if in_query && n.through.is_empty() {
                        let param = param_before(&before);
                        let by_param = param.is_some_and(|p| input.names.is_sensitive(p));
                        let by_name = param.is_some()
                            && input.names.is_sensitive_without_value(n.last_name());
                        if by_param || by_name {
                            out.push(Hit {
                                rule: SECRET_IN_URL,
                                span: n.span,
                                message: format!(
                                    "secret-like `{}` is put in the URL query string{}",
                                    n.text,
                                    param.map(|p| format!(" as `{p}=`")).unwrap_or_default()
                                ),
                                fix: Some("send it in a header or the request body".into()),
                                max_severity: None,
                            });
                        }
                    }
                    before.push_str("{}");
                }
                Piece::Other => before.push_str("{}"),
            }
        }
    }
    out
}

/// The query parameter name just before an interpolation: `…&apikey=` → `apikey`.
fn param_before(text: &str) -> Option<&str> {
    let t = text.strip_suffix('=')?;
    let start = t.rfind(['?', '&', ';']).map_or(0, |i| i + 1);
    let p = &t[start..];
    (!p.is_empty() && !p.contains(['/', ' ', '{', '}'])).then_some(p)
}

pub fn check_plaintext(input: &CheckInput<'_>) -> Vec<Hit> {
    let pt = &input.clients.plaintext;
    let mut out = Vec::new();
    for call in &input.facts.calls {
        // Clients that speak plaintext whatever the URL: their first argument is the
        // host (or a URL), or an options object names it (`hostname: …`).
        if call.resolved && pt.plaintext_calls.contains(&call.callee) {
            let https_option = call.kwargs.iter().any(|k| {
                k.name == "protocol"
                    && matches!(&k.value.kind, ValueKind::Str(p) if p.starts_with("https"))
            });
            let host_arg = call
                .args
                .first()
                .filter(|v| matches!(v.kind, ValueKind::Str(_)));
            let host_kwarg = || {
                call.kwargs
                    .iter()
                    .find(|k| {
                        pt.url_params.contains(&k.name) && matches!(k.value.kind, ValueKind::Str(_))
                    })
                    .map(|k| &k.value)
            };
            if let Some(
                v @ Value {
                    kind: ValueKind::Str(host),
                    ..
                },
            ) = host_arg.or_else(host_kwarg).filter(|_| !https_option)
            {
                let url = if host.contains("://") {
                    host.clone()
                } else {
                    format!("http://{host}")
                };
                if let Some(h) = plaintext_host(pt, &url) {
                    // Options built before the call: the finding sits at the call.
                    let inside = call.span.0 <= v.span.0 && v.span.1 <= call.span.1;
                    out.push(Hit {
                        rule: PLAINTEXT,
                        span: if inside { v.span } else { call.callee_span },
                        message: format!(
                            "`{}` connects to {h} without TLS",
                            input.spell().call(call)
                        ),
                        fix: Some("use the HTTPS variant of the client".into()),
                        max_severity: None,
                    });
                }
            }
            continue;
        }
        if !is_network_call(input, call) {
            // Rust: `client.get("http://…")`, a request method in the chain of a
            // client or a receiver named like one.
            for v in chain_urls(input, call) {
                if let Some((url, via)) = url_of(input, v, call.scope) {
                    if let Some(host) = plaintext_host(pt, &url) {
                        out.push(plaintext_hit(input, call, v, host, via));
                    }
                }
            }
            continue;
        }
        let urls = call.args.iter().chain(
            call.kwargs
                .iter()
                .filter(|k| pt.url_params.contains(&k.name))
                .map(|k| &k.value),
        );
        for v in urls.chain(chain_urls(input, call)) {
            if let Some((url, via)) = url_of(input, v, call.scope) {
                if let Some(host) = plaintext_host(pt, &url) {
                    out.push(plaintext_hit(input, call, v, host, via));
                }
            }
        }
    }
    out.sort_by_key(|h| h.span);
    out.dedup_by_key(|h| h.span);
    out
}

fn plaintext_hit(
    input: &CheckInput<'_>,
    call: &Call,
    v: &Value,
    host: &str,
    via: Option<String>,
) -> Hit {
    let via = via.map(|n| format!(" (through `{n}`)")).unwrap_or_default();
    let sp = input.spell();
    let what = match call.chain.iter().find(|k| k.value.span == v.span) {
        Some(k) if call.resolved => {
            let client = input
                .clients
                .client
                .iter()
                .find(|c| c.calls.contains(&call.callee))
                .map_or("a", |c| c.name.as_str());
            format!(
                "`.{}` on a {client} client",
                sp.call_named(&k.name, false, true)
            )
        }
        Some(k) => format!("`{}.{}`", call.callee, sp.call_named(&k.name, false, true)),
        None => format!("`{}`", sp.call(call)),
    };
    Hit {
        rule: PLAINTEXT,
        span: v.span,
        message: format!("{what} sends traffic to {host} unencrypted{via}"),
        fix: Some("use https:// or wss://".into()),
        max_severity: None,
    }
}

/// The URLs of request methods called on a client in a builder chain
/// (`reqwest::Client::new().get(url)`, `self.client.post(url)`): the chain
/// entry's first argument, when the method is a client's session method and
/// the chain starts at that client or at a receiver named like one.
fn chain_urls<'c>(input: &CheckInput<'_>, call: &'c Call) -> Vec<&'c Value> {
    let clients = input.clients;
    let on_client = |method: &str| {
        if call.resolved {
            clients.client.iter().any(|c| {
                (c.calls.contains(&call.callee) || c.sessions.contains(&call.callee))
                    && c.session_methods.iter().any(|m| m == method)
            })
        } else {
            clients.by_session_method(method).next().is_some() && receiver_word(input, &call.callee)
        }
    };
    call.chain
        .iter()
        .filter(|k| on_client(&k.name))
        .map(|k| &k.value)
        .collect()
}

/// Does the last word of a receiver name a client (`self.http_client`, `ws`)?
fn receiver_word(input: &CheckInput<'_>, recv: &str) -> bool {
    let last = crate::lang::facts::after_last_dot(recv.trim_end_matches("()"));
    let words = crate::rules::names::split_words(last);
    words.last().is_some_and(|w| {
        input
            .clients
            .plaintext
            .receiver_words
            .iter()
            .any(|r| r == w)
    })
}

fn is_network_call(input: &CheckInput<'_>, call: &Call) -> bool {
    if call.resolved {
        return input.clients.classify(&call.callee).is_some()
            || input.clients.plaintext.url_calls.contains(&call.callee);
    }
    let Some(recv) = call.receiver_path() else {
        return false;
    };
    input
        .clients
        .by_session_method(call.method())
        .next()
        .is_some()
        && receiver_word(input, recv)
}

/// The URL text a value starts with, and the variable it came through (if
/// any). Findings sit on the call's argument either way.
fn url_of(input: &CheckInput<'_>, v: &Value, scope: u32) -> Option<(String, Option<String>)> {
    let via =
        |name: &str| assigned_url(input, name, scope).map(|(u, _)| (u, Some(name.to_string())));
    match &v.kind {
        ValueKind::Str(s) => Some((s.clone(), None)),
        ValueKind::Template(pieces) => match pieces.first()? {
            Piece::Lit(l) => Some((l.clone(), None)),
            Piece::Name(n) => via(&n.text),
            Piece::Other => None,
        },
        ValueKind::Name { path, resolved } if !*resolved || !path.contains('.') => via(path),
        _ => None,
    }
}

/// The single string literal assigned to `name` (same scope first, then anywhere).
fn assigned_url(input: &CheckInput<'_>, name: &str, scope: u32) -> Option<(String, ByteSpan)> {
    let pick = |same: bool| {
        let vals: Vec<&Value> = input
            .facts
            .assigns
            .iter()
            .filter(|a| a.target == name && (!same || a.scope == scope))
            .map(|a| &a.value)
            .collect();
        let first = vals.first()?;
        let text = |v: &Value| match &v.kind {
            ValueKind::Str(s) => Some(s.clone()),
            ValueKind::Template(p) => match p.first() {
                Some(Piece::Lit(l)) => Some(l.clone()),
                _ => None,
            },
            _ => None,
        };
        let t = text(first)?;
        // Every assignment must agree on the scheme, or we do not know.
        vals.iter()
            .all(|v| text(v).is_some_and(|x| scheme_of(&x) == scheme_of(&t)))
            .then_some((t, first.span))
    };
    // A name bound in this scope (a parameter too) is that binding, not one elsewhere.
    let bound_here = input
        .facts
        .assigns
        .iter()
        .any(|a| a.target == name && a.scope == scope);
    if bound_here {
        pick(true)
    } else {
        pick(false)
    }
}

fn scheme_of(url: &str) -> &str {
    url.find("://").map_or("", |i| &url[..i + 3])
}

/// The host of a plaintext URL to a non-local host, if it is one.
pub(crate) fn plaintext_host<'u>(pt: &Plaintext, url: &'u str) -> Option<&'u str> {
    let lower = url.to_ascii_lowercase();
    let scheme = pt.schemes.iter().find(|s| lower.starts_with(s.as_str()))?;
    let rest = &url[scheme.len()..];
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let hostport = authority.rsplit('@').next().unwrap_or(authority);
    let host = if hostport.starts_with('[') {
        // An IPv6 literal; without its closing bracket the URL is malformed, not a host.
        &hostport[..hostport.find(']')? + 1]
    } else {
        hostport.split(':').next().unwrap_or(hostport)
    };
    if host.is_empty() || host.contains(['{', '}', '%', '$', '<', '>']) {
        return None;
    }
    let h = host.to_ascii_lowercase();
    let local = pt.local_hosts.contains(&h)
        || pt.local_suffixes.iter().any(|s| h.ends_with(s.as_str()))
        || pt.local_prefixes.iter().any(|p| h.starts_with(p.as_str()))
        || (pt.dotless_is_local && !h.contains('.') && !h.contains(':'));
    (!local).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        let pt = &crate::rules::http_clients()
            .lang("python")
            .unwrap()
            .plaintext;
        assert_eq!(
            plaintext_host(pt, "http://api.example-exchange.io/v1"),
            Some("api.example-exchange.io")
        );
        assert_eq!(
            plaintext_host(pt, "ws://stream.x.com:9443/ws"),
            Some("stream.x.com")
        );
        assert_eq!(plaintext_host(pt, "http://localhost:8080/"), None);
        assert_eq!(plaintext_host(pt, "http://127.0.0.1:8545"), None);
        assert_eq!(plaintext_host(pt, "http://redis:6379"), None);
        assert_eq!(plaintext_host(pt, "http://192.168.1.4/api"), None);
        assert_eq!(plaintext_host(pt, "https://api.binance.com"), None);
        assert_eq!(plaintext_host(pt, "http://"), None);
        assert_eq!(plaintext_host(pt, "http://[::1]:8080/"), None);
        assert_eq!(
            plaintext_host(pt, "http://[2001:db8::7]:80/x"),
            Some("[2001:db8::7]")
        );
        // An IPv6 literal missing its `]` is malformed, not a host (the fuzz smoke found a panic here).
        assert_eq!(plaintext_host(pt, "http://[27.0.0.1:8080/health"), None);
        assert_eq!(
            param_before("https://x/api?module=a&apikey="),
            Some("apikey")
        );
        assert_eq!(param_before("https://x/bot"), None);
    }
}
