//! The generic detector: a secret-looking *name* bound to a secret-looking
//! *literal*, in any syntax botlint reads without a parser:
//!
//! ```text
//! API_SECRET = "…"            api_secret="…"  (keyword argument)
//! {'apiKey': '…'}             "secret": "…"   (dict, JSON)
//! const apiKey = '…'          let key: &str = "…"; const API_SECRET: &str = "…"
//! Config { api_key: "…".into() }               apiKey := "…"  (Go)
//! api_secret: …   (YAML)      API_SECRET=…   (.env)   api_secret = …  (INI)
//! ```
//!
//! Names are judged by `rules/sensitive-names.toml`; values must look random
//! (length, entropy, no placeholder, no reference to something else).

use super::entropy::shannon;
use super::placeholder::{is_env_lookup, is_placeholder};
use crate::classify::Kind;
use crate::rules::{names::split_words, SensitiveNames};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::bytes::Regex;
use std::sync::OnceLock;

/// Fragments one of which a line must contain before the assignment regex runs on it.
const LINE_KEYWORDS: &[&str] = &[
    "key",
    "secret",
    "token",
    "pass",
    "pwd",
    "mnemonic",
    "credential",
    "seed",
    "phrase",
    "auth",
    "bearer",
    "privkey",
    "pk",
    "sk",
];

const ASSIGNMENT: &str = r#"(?x)
    (?P<name>[A-Za-z_$@][\w.$@\-]*(?:\[\s*["'][\w.\-]+["']\s*\])?)
    ["'`]?                                              # end of a quoted key
    \s*
    (?::\s*&?(?:'static\s+)?[A-Za-z_][\w:<>\[\]]*\s*)?  # a type annotation
    (?:===?|!==?|:=|=>|\?\?=|\|\|=|=|:)
    \s*
    (?:[rRbBuU]{1,2})?                                  # string prefixes (f-strings interpolate: no)
    (?:
        "(?P<dq>[^"\\\r\n]*)"
      | '(?P<sq>[^'\\\r\n]*)'
      | `(?P<bq>[^`\\\r\n]*)`
      | (?P<bare>[^\s"'`,;\#(){}\[\]<>]+)
    )
"#;

pub struct Generic {
    line_filter: AhoCorasick,
    assignment: OnceLock<Regex>,
}

/// A literal found by the generic detector: where the value sits in the input.
pub struct GenericHit {
    pub start: usize,
    pub end: usize,
}

impl Default for Generic {
    fn default() -> Self {
        Generic {
            line_filter: AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostFirst)
                .build(LINE_KEYWORDS)
                .expect("static keywords"),
            assignment: OnceLock::new(),
        }
    }
}

fn is_password_name(words: &[String]) -> bool {
    words.iter().any(|w| {
        matches!(
            w.as_str(),
            "password" | "passwd" | "pwd" | "passphrase" | "passcode" | "pass"
        )
    })
}

/// Does `value` (bound to `name`) look like a real credential?
pub fn looks_like_secret(name: &str, value: &str) -> bool {
    let words = split_words(name);
    let password = is_password_name(&words);
    let len = value.chars().count();
    if len > 512 || value.chars().any(char::is_whitespace) {
        return false;
    }
    if is_placeholder(value) || is_env_lookup(value) {
        return false;
    }
    if value.eq_ignore_ascii_case(name) || value.contains("://") {
        return false;
    }
    if value.starts_with(['/', '.', '~', '-', '+', '#', '!', '&', '*']) || value.contains('{') {
        return false;
    }
    let lower = value.to_ascii_lowercase();
    const FILE_ENDINGS: &[&str] = &[
        ".pem", ".key", ".json", ".txt", ".env", ".yaml", ".yml", ".toml", ".ini", ".cfg", ".crt",
        ".p12", ".pfx", ".gpg", ".asc", ".py", ".js", ".rs",
    ];
    if FILE_ENDINGS.iter().any(|e| lower.ends_with(e)) {
        return false;
    }
    let has_digit = value.bytes().any(|b| b.is_ascii_digit());
    let has_lower = value.bytes().any(|b| b.is_ascii_lowercase());
    let has_upper = value.bytes().any(|b| b.is_ascii_uppercase());
    let has_other = value.bytes().any(|b| !b.is_ascii_alphanumeric());
    let classes = [has_digit, has_lower, has_upper, has_other]
        .iter()
        .filter(|&&c| c)
        .count();
    // Words joined by separators: `binance_api_secret`, `API_KEY`, `some.setting.name`,
    // and identifiers such as `market_1_slippage_buffer`, `okx_passphrase2`, `binance_BTC-USDT_1m`.
    let parts: Vec<&str> = value.split(['_', '-', '.', ':', '/']).collect();
    let wordy = parts
        .iter()
        .all(|part| part.bytes().all(|b| b.is_ascii_alphabetic()));
    if wordy && !has_digit {
        return false;
    }
    if parts.len() >= 2 && parts.iter().all(|p| is_wordish(p)) {
        return false;
    }
    let entropy = shannon(value.as_bytes());
    if password {
        len >= 6 && (classes >= 2 || len >= 12) && entropy >= 2.0
    } else {
        len >= 16 && entropy >= 3.0 && (has_digit || entropy >= 4.0) && classes >= 2
    }
}

/// A word with optional digits around it (`passphrase2`, `1m`, `v2`, `BTC`), or a number.
fn is_wordish(part: &str) -> bool {
    let b = part.as_bytes();
    let lead = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let letters = b[lead..]
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    let tail = b[lead + letters..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    lead + letters + tail == b.len() && (letters >= 2 || b.len() <= 2 || (letters == 0 && lead > 0))
}

impl Generic {
    fn regex(&self) -> &Regex {
        self.assignment
            .get_or_init(|| super::pattern::build(ASSIGNMENT).expect("static regex"))
    }

    /// Find `name = "value"` bindings whose name is secret-like and whose value
    /// looks like a credential.
    pub fn scan(&self, bytes: &[u8], kind: Kind, names: &SensitiveNames) -> Vec<GenericHit> {
        let mut hits = Vec::new();
        // End of the last line handed to the regex: later keywords on it are skipped,
        // so each line is searched once and the pass stays linear in the file size.
        let mut done_until = 0;
        for m in self.line_filter.find_iter(bytes) {
            if m.start() < done_until {
                continue;
            }
            let line_start = memchr::memrchr(b'\n', &bytes[..m.start()]).map_or(0, |p| p + 1);
            let line_end =
                memchr::memchr(b'\n', &bytes[m.end()..]).map_or(bytes.len(), |p| m.end() + p);
            done_until = line_end;
            self.scan_line(bytes, line_start, line_end, kind, names, &mut hits);
        }
        hits
    }

    fn scan_line(
        &self,
        bytes: &[u8],
        start: usize,
        end: usize,
        kind: Kind,
        names: &SensitiveNames,
        hits: &mut Vec<GenericHit>,
    ) {
        let line = &bytes[start..end];
        // Minified or data lines are not assignments worth a regex.
        if line.len() > 4096 {
            return;
        }
        for caps in self.regex().captures_iter(line) {
            let name = String::from_utf8_lossy(&caps["name"]);
            let value = ["dq", "sq", "bq", "bare"]
                .iter()
                .find_map(|g| caps.name(g).map(|m| (*g, m)));
            let Some((group, value)) = value else {
                continue;
            };
            if group == "bare" && !kind.allows_bare_values() {
                continue;
            }
            if !names.is_sensitive(&name) {
                continue;
            }
            let Ok(text) = std::str::from_utf8(value.as_bytes()) else {
                continue;
            };
            if group == "bare" && matches!(line.get(value.end()), Some(b'<' | b'{' | b'(' | b'[')) {
                // `pypi-…<token>`, `abc${VAR}`: the value goes on as a template.
                continue;
            }
            if looks_like_secret(&name, text) {
                hits.push(GenericHit {
                    start: start + value.start(),
                    end: start + value.start() + text.len(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &str, kind: Kind) -> Vec<String> {
        let g = Generic::default();
        let names = crate::rules::sensitive_names();
        g.scan(text.as_bytes(), kind, names)
            .iter()
            .map(|h| text[h.start..h.end].to_string())
            .collect()
    }

    const K: &str = "Zq3kLm9Pw2XrT7vB4nY8cD1fG6hJ0sA5";

    #[test]
    fn finds_assignments_in_many_syntaxes() {
        use crate::classify::Lang::*;
        let py = Kind::Source(Python);
        for line in [
            format!("API_SECRET = \"{K}\""),
            format!("client = Client(api_key='{K}')"),
            format!("cfg = {{'apiKey': '{K}', 'enableRateLimit': True}}"),
            format!("self.api_secret = \"{K}\""),
            format!("if token == \"{K}\":"),
        ] {
            assert_eq!(scan(&line, py), [K], "{line}");
        }
        let rs = Kind::Source(Rust);
        assert_eq!(scan(&format!("const API_SECRET: &str = \"{K}\";"), rs), [K]);
        assert_eq!(
            scan(&format!("Config {{ api_key: \"{K}\".into() }}"), rs),
            [K]
        );
        let js = Kind::Source(crate::classify::Lang::JavaScript);
        assert_eq!(scan(&format!("const apiKey = '{K}';"), js), [K]);
        assert_eq!(scan(&format!("\"secret\": \"{K}\","), Kind::Config), [K]);
        assert_eq!(scan(&format!("  api_secret: {K}"), Kind::Config), [K]);
        assert_eq!(scan(&format!("BINANCE_API_SECRET={K}"), Kind::Dotenv), [K]);
        assert_eq!(scan("DB_PASSWORD=s3cr3tPa55", Kind::Dotenv), ["s3cr3tPa55"]);
    }

    #[test]
    fn quiet_on_placeholders_and_references() {
        let py = Kind::Source(crate::classify::Lang::Python);
        for line in [
            "API_SECRET = os.environ[\"API_SECRET\"]",
            "api_key = \"your_api_key_here\"",
            "api_key = \"BINANCE_API_KEY\"",
            "token_url = \"https://example.com/oauth/token/abc123XYZ\"",
            "max_tokens = 4096",
            "api_key = f\"{prefix}Zq3kLm9Pw2XrT7vB\"",
            "secret = \"\"",
            "api_key = get_key()",
            "key_path = \"/etc/keys/Zq3kLm9Pw2XrT7vB.pem\"",
            "password = \"Password must have 8 chars\"",
            "api_key = config.binance_api_key_value",
            "key=\"market_1_slippage_buffer\",",
        ] {
            assert!(scan(line, py).is_empty(), "{line}");
        }
        assert!(scan("API_KEY=${BINANCE_KEY}", Kind::Dotenv).is_empty());
        assert!(scan("api_key: changeme", Kind::Config).is_empty());
        assert!(scan("password = pypi-AgEIcHlwaS5vcmc<token>", Kind::Config).is_empty());
        assert!(scan("self.okx_passphrase = okx_passphrase2", Kind::Config).is_empty());
        assert!(scan("key = \"binance_BTC-USDT_1m\"", Kind::Config).is_empty());
        assert!(scan("\"password\": \"SuperSecret1!\",", Kind::Config).is_empty());
    }
}
