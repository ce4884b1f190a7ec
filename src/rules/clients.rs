//! `rules/http-clients.toml` and `rules/log-sinks.toml`: what sends a request,
//! what writes a log line, per language. Rules and front ends read these; a new
//! client or sink is a data change.

use crate::lang::facts::{after_last_dot, split_last_dot};
use foldhash::HashMap;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// `rules/http-clients.toml`, every language.
#[derive(Debug, Deserialize)]
pub struct HttpClientsFile {
    #[serde(flatten)]
    pub langs: BTreeMap<String, HttpClients>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HttpClients {
    #[serde(default)]
    pub client: Vec<Client>,
    #[serde(default)]
    pub tls: TlsKnobs,
    #[serde(default)]
    pub plaintext: Plaintext,
    #[serde(default)]
    pub prefilter: Prefilter,
    #[serde(default)]
    pub spelling: Spelling,
    /// Lookups for [`HttpClients::classify`], built on first use.
    #[serde(skip)]
    index: OnceLock<ClientIndex>,
}

/// Which clients list a call, and which list a session constructor: every
/// call the front ends record is classified, so by hash rather than by
/// walking every client's lists.
#[derive(Debug, Default)]
struct ClientIndex {
    /// A call's client: the first in file order that lists it.
    calls: HashMap<String, usize>,
    /// A session constructor's clients, in file order.
    sessions: HashMap<String, Vec<usize>>,
    /// The clients with a session method of this name, in file order (every
    /// call on an untyped receiver asks: a linear search over every client's
    /// methods was 3% of a scan).
    session_methods: HashMap<String, Vec<usize>>,
}

/// How messages write code of this language (`[<language>.spelling]`).
/// Templates hold `{callee}`, `{name}`, `{value}`, `{target}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Spelling {
    /// Joins the segments of a resolved path (`::` in Rust).
    pub path_separator: String,
    /// A call with arguments (`{callee}(…)`) and without (`{callee}()`).
    pub call: String,
    pub call_without_args: String,
    /// A named setting: a keyword argument or a builder method.
    pub setting: String,
    /// A method called on a call's result (`req.setTimeout(5000)`).
    pub chained: String,
    /// An entry of an object or struct literal.
    pub property: String,
    pub assign: String,
    /// A log or print sink (`{callee}!` for Rust macros).
    pub sink: String,
    #[serde(rename = "true")]
    pub true_: String,
    #[serde(rename = "false")]
    pub false_: String,
    pub none: String,
}

impl Default for Spelling {
    fn default() -> Self {
        Spelling {
            path_separator: ".".into(),
            call: "{callee}".into(),
            call_without_args: "{callee}()".into(),
            setting: "{name}={value}".into(),
            chained: "{name}({value})".into(),
            property: "{name}: {value}".into(),
            assign: "{target} = {value}".into(),
            sink: "{callee}".into(),
            true_: "True".into(),
            false_: "False".into(),
            none: "None".into(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Client {
    pub name: String,
    #[serde(default)]
    pub calls: Vec<String>,
    #[serde(default)]
    pub sessions: Vec<String>,
    #[serde(default)]
    pub session_methods: Vec<String>,
    #[serde(default)]
    pub timeout_param: String,
    /// Other settings that also set the overall timeout (ureq 3 `timeout_global`).
    #[serde(default)]
    pub timeout_aliases: Vec<String>,
    #[serde(default)]
    pub timeout_position: Option<usize>,
    #[serde(default)]
    pub timeout_required: bool,
    #[serde(default)]
    pub timeout_on_session: bool,
    #[serde(default)]
    pub timeout_unsafe: Vec<String>,
    #[serde(default)]
    pub infinite_timeouts: Vec<InfiniteTimeout>,
    #[serde(default)]
    pub timeout_defaults: Vec<String>,
    #[serde(default)]
    pub tls_params: Vec<String>,
    #[serde(default)]
    pub tls_unsafe: Vec<String>,
    #[serde(default)]
    pub tls_any_receiver: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct InfiniteTimeout {
    pub call: String,
    /// Called with no arguments at all: infinite.
    #[serde(default)]
    pub empty: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TlsKnobs {
    #[serde(default)]
    pub unverified_calls: Vec<String>,
    #[serde(default)]
    pub unverified_refs: Vec<String>,
    #[serde(default)]
    pub warning_calls: Vec<String>,
    #[serde(default)]
    pub unsafe_assigns: Vec<UnsafeAssign>,
    #[serde(default)]
    pub unsafe_call_args: Vec<UnsafeCallArgs>,
    #[serde(default)]
    pub unsafe_kwargs: Vec<UnsafeKwarg>,
    #[serde(default)]
    pub unsafe_dict_entries: Vec<UnsafeDictEntry>,
    #[serde(default)]
    pub accept_all_impls: Vec<AcceptAllImpl>,
    #[serde(default)]
    pub custom_verifier_methods: Vec<String>,
    #[serde(default)]
    pub verifying_verifiers: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AcceptAllImpl {
    pub interface: String,
    pub method: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct UnsafeAssign {
    pub target: String,
    pub values: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct UnsafeCallArgs {
    pub call: String,
    pub args: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct UnsafeKwarg {
    pub name: String,
    pub values: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct UnsafeDictEntry {
    pub key: String,
    pub values: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Plaintext {
    #[serde(default)]
    pub schemes: Vec<String>,
    #[serde(default)]
    pub receiver_words: Vec<String>,
    #[serde(default)]
    pub url_params: Vec<String>,
    #[serde(default)]
    pub local_hosts: Vec<String>,
    #[serde(default)]
    pub local_suffixes: Vec<String>,
    #[serde(default)]
    pub local_prefixes: Vec<String>,
    #[serde(default)]
    pub dotless_is_local: bool,
    #[serde(default)]
    pub plaintext_calls: Vec<String>,
    #[serde(default)]
    pub url_calls: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Prefilter {
    /// Anywhere in the file.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Where the language imports a module: a quoted specifier in JS/TS
    /// (`'axios'`, `"node:https"`), an `import`/`from` line in Python.
    #[serde(default)]
    pub modules: Vec<String>,
    /// As a whole word (`fetch`, not `fetchTicker`).
    #[serde(default)]
    pub words: Vec<String>,
    /// Log sinks count only where called or named after a dot (`.info(`,
    /// `debug(`, `= console.log`) or imported, not at any mention of `log`.
    #[serde(default)]
    pub log_calls: bool,
    /// Where a URL query's `name=` meets an interpolated value: `=${` in a JS
    /// template, `={` in an f-string or a format string, `=%` before a `%`
    /// placeholder; one that ends in a quote (`="`) counts where the string
    /// is continued with `+`. The file is worth parsing when the name before
    /// `=` is secret-like (`?token=${t}`, `&key=`), or when a secret-like word
    /// is anywhere in it (the interpolated name may be one). secret-in-url
    /// needs such a `name=`, whatever the URL looks like.
    #[serde(default)]
    pub query: Vec<String>,
    /// A log sink or `Debug` counts only when a secret-like word is in its
    /// own arguments or item (the bracketed group that follows it), not
    /// anywhere in the file.
    #[serde(default)]
    pub log_window: bool,
}

impl HttpClientsFile {
    pub fn lang(&self, lang: &str) -> Option<&HttpClients> {
        self.langs.get(lang)
    }
}

impl HttpClients {
    /// The client and how the call relates to it: a listed call, or a session
    /// method on an object one of its constructors made.
    pub fn classify(&self, callee: &str) -> Option<(&Client, CallRole)> {
        let index = self.index();
        if let Some(&i) = index.calls.get(callee) {
            return Some((&self.client[i], CallRole::Call));
        }
        let (recv, method) = split_last_dot(callee)?;
        index.sessions.get(recv)?.iter().find_map(|&i| {
            let c = &self.client[i];
            c.session_methods
                .iter()
                .any(|m| m == method)
                .then_some((c, CallRole::SessionMethod))
        })
    }

    fn index(&self) -> &ClientIndex {
        self.index.get_or_init(|| {
            let mut index = ClientIndex::default();
            for (i, c) in self.client.iter().enumerate() {
                for call in &c.calls {
                    index.calls.entry(call.clone()).or_insert(i);
                }
                for (key, map) in [
                    (&c.sessions, &mut index.sessions),
                    (&c.session_methods, &mut index.session_methods),
                ] {
                    for k in key {
                        let clients = map.entry(k.clone()).or_default();
                        if !clients.contains(&i) {
                            clients.push(i);
                        }
                    }
                }
            }
            index
        })
    }

    /// Clients whose session methods include `method` (for untyped receivers).
    pub fn by_session_method<'a>(&'a self, method: &'a str) -> impl Iterator<Item = &'a Client> {
        let clients = self.index().session_methods.get(method);
        clients.into_iter().flatten().map(|&i| &self.client[i])
    }

    /// Is `callee` a constructor of a session/client object?
    pub fn session_client(&self, callee: &str) -> Option<&Client> {
        self.client
            .iter()
            .find(|c| c.sessions.iter().any(|s| s == callee))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallRole {
    Call,
    SessionMethod,
}

/// `rules/log-sinks.toml`, every language.
#[derive(Debug, Deserialize)]
pub struct LogSinksFile {
    #[serde(flatten)]
    pub langs: BTreeMap<String, LogSinks>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LogSinks {
    #[serde(default)]
    pub calls: Vec<String>,
    #[serde(default)]
    pub logger_factories: Vec<String>,
    #[serde(default)]
    pub logger_methods: Vec<String>,
    #[serde(default)]
    pub receiver_words: Vec<String>,
    #[serde(default)]
    pub pass_through: Vec<String>,
    #[serde(default)]
    pub whole_values: Vec<String>,
    #[serde(default)]
    pub skip_kwargs: Vec<String>,
    #[serde(default)]
    pub plain_types: Vec<String>,
    #[serde(default)]
    pub redacting_types: Vec<String>,
}

impl LogSinksFile {
    pub fn lang(&self, lang: &str) -> Option<&LogSinks> {
        self.langs.get(lang)
    }
}

impl LogSinks {
    /// Is a call to `callee` a sink? `resolved` says whether the front end
    /// resolved the callee's root (an import, a builtin or a local type).
    pub fn is_sink(&self, callee: &str, resolved: bool) -> bool {
        if resolved && self.calls.iter().any(|c| c == callee) {
            return true;
        }
        let Some((recv, method)) = split_last_dot(callee) else {
            return false;
        };
        if !self.logger_methods.iter().any(|m| m == method) {
            return false;
        }
        if resolved && self.logger_factories.iter().any(|f| f == recv) {
            return true;
        }
        if resolved && recv.contains('.') {
            // A resolved path that is not a logger factory (`requests.Session.log`?).
            let root_is_logging = self
                .logger_factories
                .iter()
                .any(|f| recv.starts_with(f.as_str()));
            if root_is_logging {
                return true;
            }
        }
        // Untyped receiver: judge by its name.
        let last = after_last_dot(recv.trim_end_matches("()"));
        let words = super::names::split_words(last);
        words
            .last()
            .is_some_and(|w| self.receiver_words.iter().any(|r| r == w))
    }

    /// Is `ty` (as written, whitespace-normalised) a type whose printed form
    /// redacts its content? References, `Option`, `Arc`, `Box` around one count.
    pub fn is_redacting_type(&self, ty: &str) -> bool {
        let inner = strip_wrappers(ty);
        self.redacting_types
            .iter()
            .any(|r| r == ty || r == inner || inner.ends_with(&format!("::{r}")))
    }

    /// Is `ty` a plain type that prints its content (`String`, `&str`, `Vec<u8>`)?
    pub fn is_plain_type(&self, ty: &str) -> bool {
        self.plain_types.iter().any(|p| p == ty)
    }

    /// Does a value passed through `wrapper` (a callee, or `.method`) keep the secret?
    pub fn passes_through(&self, wrapper: &str) -> bool {
        self.pass_through.iter().any(|p| p == wrapper)
    }
}

/// `&T`, `&mut T`, `Option<T>`, `Arc<T>`, `Box<T>`, `Rc<T>` → `T` (repeatedly).
pub fn strip_wrappers(ty: &str) -> &str {
    let mut t = ty.trim();
    loop {
        let before = t;
        t = t.trim_start_matches('&');
        if let Some(rest) = t.strip_prefix("mut ") {
            t = rest;
        }
        if t.starts_with('\'') {
            // A lifetime: `&'a T`.
            t = t.split_once(' ').map_or(t, |(_, r)| r);
        }
        for w in ["Option<", "Arc<", "Box<", "Rc<", "std::sync::Arc<"] {
            if let Some(inner) = t.strip_prefix(w).and_then(|r| r.strip_suffix('>')) {
                t = inner;
            }
        }
        if t == before {
            return t;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_files_parse_and_classify() {
        let h = crate::rules::http_clients();
        let py = h.lang("python").unwrap();
        assert_eq!(
            py.classify("requests.get")
                .map(|(c, r)| (c.name.as_str(), r)),
            Some(("requests", CallRole::Call))
        );
        assert_eq!(
            py.classify("requests.Session.post").map(|(_, r)| r),
            Some(CallRole::SessionMethod)
        );
        assert!(py.classify("requests.Session.mount").is_none());
        assert!(py.session_client("httpx.AsyncClient").is_some());
        let l = crate::rules::log_sinks();
        let py = l.lang("python").unwrap();
        assert!(py.is_sink("print", true));
        assert!(py.is_sink("logging.getLogger.info", true));
        assert!(py.is_sink("loguru.logger.debug", true));
        assert!(py.is_sink("self.logger().info", false));
        assert!(py.is_sink("self._log.warning", false));
        assert!(!py.is_sink("self.catalog.info", false));
        assert!(!py.is_sink("requests.get", true));
        assert!(py.passes_through("str") && !py.passes_through("len"));
    }

    /// The Python prefilter names every client: a call's root module is in
    /// `modules`, or one of its segments in `words` or `keywords`.
    #[test]
    fn python_prefilter_covers_every_client() {
        let h = crate::rules::http_clients();
        let py = h.lang("python").unwrap();
        let pf = &py.prefilter;
        let callees = py
            .client
            .iter()
            .flat_map(|c| c.calls.iter().chain(&c.sessions).chain(&c.timeout_defaults))
            .chain(&py.plaintext.url_calls)
            .chain(&py.plaintext.plaintext_calls)
            .chain(&py.tls.warning_calls)
            .chain(&py.tls.unverified_calls)
            .chain(&py.tls.unverified_refs);
        for callee in callees {
            let root = callee.split('.').next().unwrap_or(callee);
            let covered = pf.modules.iter().any(|m| m == root)
                || callee
                    .split('.')
                    .any(|seg| pf.words.iter().chain(&pf.keywords).any(|w| w == seg));
            assert!(covered, "{callee} is not in the Python prefilter");
        }
        for c in &py.client {
            for p in c.tls_params.iter().filter(|_| c.tls_any_receiver) {
                assert!(
                    pf.words.contains(p),
                    "tls-param {p} is not a prefilter word"
                );
            }
        }
    }

    /// The JS prefilter names every client: a call's root module is in
    /// `modules`, or one of its segments (a global: `fetch`, `WebSocket`) in `words`.
    #[test]
    fn js_prefilter_covers_every_client() {
        let h = crate::rules::http_clients();
        let js = h.lang("javascript").unwrap();
        let pf = &js.prefilter;
        let callees = js
            .client
            .iter()
            .flat_map(|c| c.calls.iter().chain(&c.sessions))
            .chain(&js.plaintext.url_calls)
            .chain(&js.tls.warning_calls);
        for callee in callees {
            let covered = pf
                .modules
                .iter()
                .any(|m| callee == m || callee.starts_with(&format!("{m}.")))
                || callee
                    .split('.')
                    .any(|seg| pf.words.iter().any(|w| w == seg));
            assert!(covered, "{callee} is not in the JS prefilter");
        }
    }
}
