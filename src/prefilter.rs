//! Which source files are worth parsing for the code rules, decided in one
//! pass over the bytes.
//!
//! A file is worth parsing when it names a client module, a TLS knob or a URL
//! scheme (*net*: the network rules), or when it has a log sink (for Rust also
//! a `Debug` derive) or a `with-secret` word, *and* a secret-like word (what
//! secret-in-log, secret-in-url and secret-debug-derive need). Every word
//! comes from the rule data (`[<lang>.prefilter]` in rules/http-clients.toml,
//! rules/log-sinks.toml, rules/sensitive-names.toml).
//!
//! All the words of a language go into one case-insensitive Aho-Corasick DFA;
//! each hit is then checked against what the word is for: its exact case, a
//! whole word, a module where the language imports it, a sink where it is
//! called. One automaton instead of one per role and two regexes: the
//! prefilter reads every byte of every source file, and five passes cost more
//! than parsing the files they let through.

use crate::rules;
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// What a word does for the prefilter, and how a hit must look to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// `keywords`: anywhere, in this case.
    Net,
    /// `modules`: where the language imports a module.
    NetModule,
    /// `words`: a whole word, in this case.
    NetWord,
    /// A log sink or `Debug`, in this case (without `log-calls`).
    Log,
    /// With `log-calls`: a sink method where it is called or named after a dot.
    LogCall,
    /// With `log-calls`: a logger module where it is imported.
    LogModule,
    /// `with-secret`: anywhere, in this case.
    WithSecret,
    /// A secret-like word, in any case.
    Secret,
}

pub struct CodePrefilter {
    lang: &'static str,
    automaton: AhoCorasick,
    /// For each pattern of the automaton: its text as written and its roles.
    words: Vec<(String, Vec<Role>)>,
}

impl CodePrefilter {
    pub fn new(lang: &'static str) -> CodePrefilter {
        let mut words: Vec<(String, Vec<Role>)> = Vec::new();
        let mut add = |word: &str, role: Role| {
            if word.is_empty() {
                return;
            }
            let at = words.iter().position(|(w, _)| w.eq_ignore_ascii_case(word));
            match at {
                // The same letters in another case: a second pattern, so the case check
                // compares against the right spelling.
                Some(i) if words[i].0 == word || role == Role::Secret => {
                    if !words[i].1.contains(&role) {
                        words[i].1.push(role)
                    }
                }
                _ => words.push((word.to_string(), vec![role])),
            }
        };
        let default = rules::clients::Prefilter::default();
        let pf = rules::http_clients()
            .lang(lang)
            .map_or(&default, |c| &c.prefilter);
        pf.keywords.iter().for_each(|w| add(w, Role::Net));
        pf.modules.iter().for_each(|w| add(w, Role::NetModule));
        pf.words.iter().for_each(|w| add(w, Role::NetWord));
        pf.with_secret.iter().for_each(|w| add(w, Role::WithSecret));
        if let Some(s) = rules::log_sinks().lang(lang) {
            if pf.log_calls {
                for c in s.calls.iter().chain(&s.logger_methods) {
                    add(c.rsplit('.').next().unwrap_or(c), Role::LogCall);
                }
                for c in s.logger_factories.iter().chain(&s.calls) {
                    add(c.split('.').next().unwrap_or(c), Role::LogModule);
                }
            } else {
                for c in &s.calls {
                    let name = c.rsplit('.').next().unwrap_or(c);
                    // Rust sinks are macros: `info!`, not every `info`.
                    if lang == "rust" {
                        add(&format!("{name}!"), Role::Log);
                    } else {
                        add(name, Role::Log);
                    }
                }
                if lang == "rust" {
                    add("Debug", Role::Log);
                } else {
                    // Words that make a receiver a logger (`self.logger.info`).
                    s.receiver_words.iter().for_each(|w| add(w, Role::Log));
                }
            }
        }
        for w in rules::sensitive_names().prefilter_words() {
            add(&w, Role::Secret);
        }
        if lang != "rust" {
            // Logging a whole headers dict or the environment counts too (Python, JS).
            for w in ["header", "environ", "process.env"] {
                add(w, Role::Secret);
            }
        }
        let automaton = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(words.iter().map(|(w, _)| w))
            .expect("prefilter words");
        CodePrefilter {
            lang,
            automaton,
            words,
        }
    }

    /// Is this file worth parsing?
    pub fn wants(&self, bytes: &[u8]) -> bool {
        let (mut log, mut secret) = (false, false);
        for m in self.automaton.find_overlapping_iter(bytes) {
            let (word, roles) = &self.words[m.pattern().as_usize()];
            let (start, end) = (m.start(), m.end());
            let exact = &bytes[start..end] == word.as_bytes();
            for &role in roles {
                let counts = match role {
                    Role::Secret => true,
                    _ if !exact => false,
                    Role::Net | Role::Log | Role::WithSecret => true,
                    Role::NetWord => whole_word(bytes, start, end),
                    Role::NetModule | Role::LogModule => imported(self.lang, bytes, start, end),
                    Role::LogCall => called(bytes, start, end),
                };
                if !counts {
                    continue;
                }
                match role {
                    Role::Net | Role::NetModule | Role::NetWord => return true,
                    Role::Secret => secret = true,
                    _ => log = true,
                }
                if log && secret {
                    return true;
                }
            }
        }
        false
    }
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `start..end` is not part of a longer word (`fetch`, not `fetchTicker`).
fn whole_word(bytes: &[u8], start: usize, end: usize) -> bool {
    let before = start.checked_sub(1).map(|i| bytes[i]);
    !before.is_some_and(is_word) && !bytes.get(end).copied().is_some_and(is_word)
}

/// The module at `start..end` where `lang` imports it: on an `import`/`from`
/// line in Python (`import requests as r`, `from aiohttp import ClientSession`,
/// `import os, httpx`), as a quoted specifier elsewhere (`require('axios')`,
/// `from "node:https"`).
fn imported(lang: &str, bytes: &[u8], start: usize, end: usize) -> bool {
    let next = bytes.get(end).copied();
    if lang == "python" {
        if next.is_some_and(is_word) {
            return false;
        }
        let line_start = memchr::memrchr(b'\n', &bytes[..start]).map_or(0, |i| i + 1);
        let line = &bytes[line_start..start];
        let code = line.trim_ascii_start();
        let after_keyword = ["import", "from"].iter().find_map(|k| {
            code.strip_prefix(k.as_bytes())
                .filter(|rest| rest.first().is_some_and(|b| matches!(b, b' ' | b'\t')))
        });
        let Some(rest) = after_keyword else {
            return false;
        };
        // Right after the keyword, or after a blank or a comma further on; no comment before.
        !rest.contains(&b'#')
            && (rest.trim_ascii().is_empty() || matches!(line.last(), Some(b' ' | b'\t' | b',')))
    } else {
        let quote = |b: Option<u8>| matches!(b, Some(b'\'' | b'"' | b'`'));
        let head = &bytes[..start];
        let opened = quote(head.last().copied())
            || (head.ends_with(b"node:") && quote(head.len().checked_sub(6).map(|i| head[i])));
        opened && quote(next)
    }
}

/// The sink method at `start..end` where it is called or named after a dot:
/// `.info`, `. info`, `debug(`, `print (`.
fn called(bytes: &[u8], start: usize, end: usize) -> bool {
    if bytes.get(end).copied().is_some_and(is_word) {
        return false;
    }
    let head = bytes[..start].trim_ascii_end();
    if head.last() == Some(&b'.') {
        return true;
    }
    let before = start.checked_sub(1).map(|i| bytes[i]);
    !before.is_some_and(is_word) && bytes[end..].trim_ascii_start().first() == Some(&b'(')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_modules_count_on_import_lines_only() {
        let p = CodePrefilter::new("python");
        for yes in [
            "import requests\n",
            "import requests as r\n",
            "from aiohttp import ClientSession\n",
            "import os, httpx\n",
            "    from urllib.request import urlopen\n",
            "x = 1\nimport websocket\n",
        ] {
            assert!(p.wants(yes.as_bytes()), "{yes:?}");
        }
        for no in [
            "# too many requests\n",
            "\"\"\"Sends requests.\"\"\"\n",
            "import requests_oauthlib\n",
            "class WebsocketAssistant: pass\n",
            "from .requests import x\n",
            "import os  # requests\n",
            "x = 'http' \n",
        ] {
            assert!(!p.wants(no.as_bytes()), "{no:?}");
        }
    }

    #[test]
    fn words_schemes_and_sinks() {
        let p = CodePrefilter::new("python");
        assert!(p.wants(b"s.get(u, verify=False)"));
        assert!(!p.wants(b"verify_signature(x)"));
        assert!(p.wants(b"u = \"http://example.com\""));
        assert!(!p.wants(b"# see http://www.apache.org/licenses/"));
        assert!(p.wants(b"print(api_secret)"));
        assert!(p.wants(b"self.logger.info('%s', self.API_KEY)"));
        assert!(
            !p.wants(b"fingerprint = api_secret_name"),
            "no call of a sink"
        );
        assert!(!p.wants(b"print(total)"), "no secret-like word");
        let js = CodePrefilter::new("javascript");
        assert!(js.wants(b"const https = require('node:https');"));
        assert!(js.wants(b"import axios from \"axios\";"));
        assert!(!js.wants(b"const httpsAgent = makeAgent();"));
        assert!(js.wants(b"fetch(url)"));
        assert!(!js.wants(b"exchange.fetchTicker('BTC/USDT')"));
        assert!(js.wants(b"console.log(apiSecret)"));
        let rs = CodePrefilter::new("rust");
        assert!(rs.wants(b"let c = reqwest::Client::new();"));
        assert!(rs.wants(b"#[derive(Debug)] struct C { api_secret: String }"));
        assert!(
            !rs.wants(b"#[derive(debug)] struct C { api_secret: String }"),
            "case"
        );
        assert!(!rs.wants(b"/// see http://example.com\nfn f() {}"));
    }
}
