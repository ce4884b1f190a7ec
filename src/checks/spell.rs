//! Messages in the language of the file: a call, a setting, a value or a
//! sink written the way the file's language writes it, from the
//! `[<language>.spelling]` table of `rules/http-clients.toml`
//! (`danger_accept_invalid_certs(true)` on `reqwest::Client::builder()` in
//! Rust, `rejectUnauthorized: false` on `https.request(…)` in JavaScript,
//! `verify=False` on `requests.get` in Python).

use crate::lang::facts::{Assign, ByteSpan, Call, Value, ValueKind};
use crate::rules::clients::Spelling;

pub struct Spell<'a>(pub &'a Spelling);

impl Spell<'_> {
    /// A resolved dotted path with the language's separator.
    pub fn path(&self, path: &str) -> String {
        if self.0.path_separator == "." {
            path.to_string()
        } else {
            path.replace('.', &self.0.path_separator)
        }
    }

    /// A callee: a resolved path is joined the language's way; an unresolved
    /// one is a receiver expression as written (`self.client.get`).
    pub fn callee(&self, callee: &str, resolved: bool) -> String {
        if resolved {
            self.path(callee)
        } else {
            callee.to_string()
        }
    }

    /// A call: `reqwest::Client::new()`, `axios.get(…)`, `requests.get`.
    pub fn call(&self, call: &Call) -> String {
        let has_args = !call.args.is_empty() || !call.kwargs.is_empty() || call.star_args;
        self.call_named(&call.callee, call.resolved, has_args)
    }

    /// A call of `callee`, with or without arguments.
    pub fn call_named(&self, callee: &str, resolved: bool, has_args: bool) -> String {
        let t = if has_args {
            &self.0.call
        } else {
            &self.0.call_without_args
        };
        t.replace("{callee}", &self.callee(callee, resolved))
    }

    /// A value as the language writes it; `…` for one it cannot spell.
    pub fn value(&self, v: &Value) -> String {
        match &v.kind {
            ValueKind::Bool(true) => self.0.true_.clone(),
            ValueKind::Bool(false) => self.0.false_.clone(),
            ValueKind::None => self.0.none.clone(),
            ValueKind::Str(s) => format!("\"{s}\""),
            ValueKind::Num(n) => n.clone(),
            ValueKind::Name { path, resolved } => self.callee(path, *resolved || self.is_path()),
            ValueKind::Call(c) => self.call_named(
                &c.callee,
                c.resolved,
                !c.args.is_empty() || !c.kwargs.is_empty(),
            ),
            _ => "…".into(),
        }
    }

    /// A value as rule data writes it (`False`, `None`, `"0"`), in the language.
    pub fn data_value(&self, v: &str) -> String {
        match v {
            "True" => self.0.true_.clone(),
            "False" => self.0.false_.clone(),
            "None" => self.0.none.clone(),
            other => other.to_string(),
        }
    }

    /// Rust names in value position are paths (`None`, `Duration::ZERO`).
    fn is_path(&self) -> bool {
        self.0.path_separator != "."
    }

    /// A named setting: `verify=False`, `danger_accept_invalid_certs(true)`,
    /// `rejectUnauthorized: false`.
    pub fn setting(&self, name: &str, value: &str) -> String {
        self.0
            .setting
            .replace("{name}", name)
            .replace("{value}", value)
    }

    /// The setting at `span` of `call`: a keyword argument, or a method in
    /// its chain (`req.setTimeout(0)`).
    pub fn setting_of(&self, call: &Call, span: ByteSpan, name: &str, value: &str) -> String {
        if call.chain.iter().any(|k| k.span == span) {
            self.0
                .chained
                .replace("{name}", name)
                .replace("{value}", value)
        } else {
            self.setting(name, value)
        }
    }

    /// An assignment statement, or an entry of an object/struct literal.
    pub fn assign(&self, a: &Assign) -> String {
        let value = self.value(&a.value);
        if a.property {
            self.0
                .property
                .replace("{name}", a.last_name())
                .replace("{value}", &value)
        } else {
            self.0
                .assign
                .replace("{target}", &self.target(&a.target))
                .replace("{value}", &value)
        }
    }

    /// A target as written: subscript keys quoted (`os.environ["X"]`).
    pub fn target(&self, target: &str) -> String {
        let mut out = String::with_capacity(target.len() + 4);
        let mut rest = target;
        while let Some(open) = rest.find('[') {
            let Some(close) = rest[open..].find(']').map(|c| open + c) else {
                break;
            };
            out.push_str(&rest[..=open]);
            let key = &rest[open + 1..close];
            if key.is_empty() || key.starts_with(['"', '\'']) || key.parse::<f64>().is_ok() {
                out.push_str(key);
            } else {
                out.push('"');
                out.push_str(key);
                out.push('"');
            }
            out.push(']');
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        out
    }

    /// A log or print sink: `println!`, `tracing::info!`, `console.log`.
    pub fn sink(&self, sink: &str) -> String {
        self.0.sink.replace("{callee}", &self.path(sink))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::facts::Value;

    fn spell(lang: &str) -> Spell<'static> {
        Spell(&crate::rules::http_clients().lang(lang).unwrap().spelling)
    }

    #[test]
    fn each_language_its_own_way() {
        let v = |kind| Value { kind, span: (0, 0) };
        let (py, js, rs) = (spell("python"), spell("javascript"), spell("rust"));
        let t = v(ValueKind::Bool(true));
        let f = v(ValueKind::Bool(false));
        assert_eq!(py.setting("verify", &py.value(&f)), "verify=False");
        assert_eq!(
            rs.setting("danger_accept_invalid_certs", &rs.value(&t)),
            "danger_accept_invalid_certs(true)"
        );
        assert_eq!(
            js.setting("rejectUnauthorized", &js.value(&f)),
            "rejectUnauthorized: false"
        );
        assert_eq!(js.value(&v(ValueKind::None)), "null");
        assert_eq!(rs.value(&v(ValueKind::None)), "None");
        assert_eq!(
            rs.call_named("reqwest.Client.new", true, false),
            "reqwest::Client::new()"
        );
        assert_eq!(rs.call_named("self.client", false, false), "self.client()");
        assert_eq!(js.call_named("axios.get", true, true), "axios.get(…)");
        assert_eq!(py.call_named("requests.get", true, true), "requests.get");
        assert_eq!(rs.sink("tracing.info"), "tracing::info!");
        assert_eq!(rs.sink("println"), "println!");
        assert_eq!(js.sink("console.log"), "console.log");
        assert_eq!(
            py.target("os.environ[PYTHONHTTPSVERIFY]"),
            "os.environ[\"PYTHONHTTPSVERIFY\"]"
        );
        assert_eq!(js.target("a[0].b"), "a[0].b");
    }

    fn messages(lang: &str, src: &str, path: &str) -> Vec<String> {
        let clients = crate::rules::http_clients().lang(lang).unwrap();
        let sinks = crate::rules::log_sinks().lang(lang).unwrap();
        let facts = match lang {
            "rust" => crate::lang::rust::extract(src, sinks).facts,
            _ => crate::lang::js::extract(src, path, sinks).facts,
        };
        let input = crate::checks::CheckInput {
            facts: &facts,
            clients,
            sinks,
            names: crate::rules::sensitive_names(),
        };
        let mut m: Vec<String> = crate::checks::run(&input, |_| true)
            .into_iter()
            .map(|h| h.message)
            .collect();
        m.sort();
        m
    }

    /// End to end: findings in Rust and JavaScript files read as those languages.
    #[test]
    fn messages_speak_the_file_language() {
        let rs = messages(
            "rust",
            "fn f(k: &str) {\n let c = reqwest::Client::builder().danger_accept_invalid_certs(true).build();\n tracing::info!(\"{}\", k.api_secret);\n}\n",
            "a.rs",
        );
        assert_eq!(
            rs,
            [
                "`danger_accept_invalid_certs(true)` turns off certificate verification for `reqwest::Client::builder()`",
                "`reqwest::Client::builder()` has no timeout: reqwest waits forever for a server that does not answer",
                "secret-like `k.api_secret` reaches `tracing::info!`",
            ]
        );
        let js = messages(
            "javascript",
            "const https = require('https');\nhttps.get('https://x.io', { rejectUnauthorized: false, timeout: 5 });\nconst agent = new https.Agent({ keepAlive: true, ...{ rejectUnauthorized: false } });\n",
            "a.js",
        );
        assert_eq!(
            js,
            [
                "`rejectUnauthorized: false` switches certificate verification off",
                "`rejectUnauthorized: false` turns off certificate verification for `https.get(…)`",
            ]
        );
    }
}
