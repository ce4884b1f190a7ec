//! Values that look like secrets but are not: placeholders, templates,
//! masked values, environment lookups, repeated or sequential characters.

use crate::keywords::KeywordSet;
use std::sync::OnceLock;

/// Substrings (lowercase) that mark a value as a placeholder or example.
const PLACEHOLDER_MARKS: &[&str] = &[
    "your",
    "example",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    "replace",
    "insert",
    "dummy",
    "sample",
    "fake",
    "xxxx",
    "****",
    "todo",
    "fixme",
    "redacted",
    "test",
    "demo",
    "mock",
    "foobar",
    "<",
    ">",
    "${",
    "{{",
    "}}",
    "%(",
    "%s",
    "env(",
    "environ",
    "getenv",
    "process.env",
    "…",
    "...",
    "secret_here",
    "key_here",
    "token_here",
    "here_",
    "_here",
    "enter_",
    "put_",
    "paste",
    "lorem",
    "abcdefgh",
    "qwerty",
    "12345678",
    "secret",
    "passw",
];

/// Whole values (lowercase) that are never secrets.
const PLACEHOLDER_WORDS: &[&str] = &[
    "test",
    "secret",
    "password",
    "passwd",
    "token",
    "apikey",
    "api_key",
    "key",
    "none",
    "null",
    "nil",
    "undefined",
    "true",
    "false",
    "empty",
    "string",
    "str",
    "default",
    "required",
    "optional",
    "changeme",
    "admin",
    "root",
    "guest",
    "user",
    "username",
    "pass",
    "example",
];

/// Is `value` a placeholder rather than a credential? Base64 that decodes to a
/// placeholder (`dGVzdC1zZWNyZXQ=`, "test-secret") counts too.
pub fn is_placeholder(value: &str) -> bool {
    is_placeholder_text(value)
        || decode_base64_text(value.trim()).is_some_and(|d| is_placeholder_text(&d))
}

/// Standard or URL-safe base64 that decodes to printable ASCII.
fn decode_base64_text(v: &str) -> Option<String> {
    if v.len() < 8 {
        return None;
    }
    let out = super::validate::base64_decode(v)?;
    (out.iter().all(|b| (0x20..0x7f).contains(b))).then(|| String::from_utf8(out).ok())?
}

fn is_placeholder_text(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() {
        return true;
    }
    if PLACEHOLDER_WORDS.iter().any(|w| w.eq_ignore_ascii_case(v)) {
        return true;
    }
    if marks().is_match(v.as_bytes()) {
        return true;
    }
    // `$VAR`, `%VAR%`, `{var}`: references to something else.
    if v.starts_with('$') || (v.starts_with('%') && v.ends_with('%')) {
        return true;
    }
    if v.starts_with('{') && v.ends_with('}') {
        return true;
    }
    is_low_variety(v.as_bytes())
}

/// [`PLACEHOLDER_MARKS`], any ASCII case, and [`LOOKUPS`]: one automaton each,
/// built once. (Searched one `contains` after another, the marks took 6 % of
/// the instructions of a scan of jesse, whose bundles hand the generic
/// detector thousands of values; an `AhoCorasick` took 2.3 M instructions to
/// build, 1.4 % of a scan of python-binance.)
fn marks() -> &'static KeywordSet {
    static MARKS: OnceLock<KeywordSet> = OnceLock::new();
    MARKS.get_or_init(|| KeywordSet::new(PLACEHOLDER_MARKS, true).expect("a few short literals"))
}

/// See [`marks`].
fn env_lookups() -> &'static KeywordSet {
    static LOOKUP_SET: OnceLock<KeywordSet> = OnceLock::new();
    LOOKUP_SET.get_or_init(|| KeywordSet::new(LOOKUPS, false).expect("a few short literals"))
}

/// Repeated or sequential characters: `aaaaaaaa`, `abababab`, `123456789`, `abcdefghij`.
fn is_low_variety(v: &[u8]) -> bool {
    let alnum: Vec<u8> = v
        .iter()
        .copied()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    if alnum.len() < 4 {
        return !v.is_empty() && alnum.is_empty();
    }
    let mut distinct = [false; 256];
    for &b in &alnum {
        distinct[b as usize] = true;
    }
    let n_distinct = distinct.iter().filter(|&&d| d).count();
    if n_distinct <= 2 || (alnum.len() >= 12 && n_distinct <= 3) {
        return true;
    }
    // A run of six ascending characters (`abcdef`, `123456`) or an `a1b2c3` ladder:
    // typed by a person, not drawn at random.
    let ascending_run = alnum
        .windows(6)
        .any(|w| w.windows(2).all(|p| p[1] == p[0].wrapping_add(1)));
    let ladder = alnum.windows(6).any(|w| {
        w[0].is_ascii_alphabetic()
            && w[1].is_ascii_digit()
            && w[2] == w[0] + 1
            && w[3] == w[1] + 1
            && w[4] == w[2] + 1
            && w[5] == w[3] + 1
    });
    if ascending_run || ladder {
        return true;
    }
    // Mostly ascending or descending by one: 0123456789, abcdef, 987654.
    let steps = alnum.windows(2);
    let seq = steps
        .clone()
        .filter(|w| w[1] == w[0].wrapping_add(1) || w[0] == w[1].wrapping_add(1))
        .count();
    seq * 10 >= (alnum.len() - 1) * 8
}

/// A value that is read from the environment rather than written down:
/// `os.environ["X"]`, `os.getenv("X")`, `process.env.X`, `env!("X")`,
/// `std::env::var("X")`, `${X}`.
pub fn is_env_lookup(expr: &str) -> bool {
    env_lookups().is_match(expr.as_bytes())
}

/// See [`is_env_lookup`].
const LOOKUPS: &[&str] = &[
    "os.environ",
    "os.getenv",
    "getenv(",
    "process.env",
    "env!(",
    "env::var",
    "environ.get",
    "config(",
    "${",
    "import.meta.env",
    "Deno.env",
    "os.Getenv",
    "viper.Get",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        for p in [
            "your_api_key_here",
            "xxxxxxxxxxxxxxxx",
            "<API_KEY>",
            "${BINANCE_SECRET}",
            "changeme",
            "test",
            "aaaaaaaaaaaaaaaa",
            "0123456789abcdef",
            "abababababababab",
            "********",
            "sk-...",
            "YOUR_SECRET",
            "{api_key}",
            "%API_KEY%",
            "$API_KEY",
            "",
            "REPLACE_WITH_YOUR_KEY",
            "9876543210",
            "dGVzdC1zZWNyZXQtMzItYnl0ZXMtbG9uZy12YWx1ZS0wMQ==",
            "abcdefg12346+Xq9Lw2Pz7Rk4",
            "px-api-a1b2c3d4-e5f6-g7h8",
        ] {
            assert!(is_placeholder(p), "{p:?} is a placeholder");
        }
        for s in [
            "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A",
            "Zq3kLm9Pw2Xr",
            "hunter22",
        ] {
            assert!(!is_placeholder(s), "{s:?} is not a placeholder");
        }
    }

    #[test]
    fn marks_match_as_lowercase_contains_did() {
        let naive = |v: &str| {
            let lower = v.to_ascii_lowercase();
            PLACEHOLDER_MARKS.iter().any(|m| lower.contains(m))
        };
        let mut values: Vec<String> = Vec::new();
        for m in PLACEHOLDER_MARKS {
            for v in [
                m.to_string(),
                m.to_ascii_uppercase(),
                format!("Zq3{m}Lm9"),
                format!("Zq3{}", m.chars().skip(1).collect::<String>()),
            ] {
                values.push(v);
            }
        }
        values.extend(["Zq3kLm9Pw2Xr", "hunter22", "ÉXAMPLE", "x…y", "sEcReT"].map(String::from));
        for v in &values {
            assert_eq!(marks().is_match(v.as_bytes()), naive(v), "{v:?}");
        }
    }

    #[test]
    fn env_lookups() {
        assert!(is_env_lookup("os.environ[\"KEY\"]"));
        assert!(is_env_lookup("process.env.BINANCE_SECRET"));
        assert!(is_env_lookup("std::env::var(\"K\")"));
        assert!(!is_env_lookup("\"abc\""));
    }
}
