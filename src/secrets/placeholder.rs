//! Values that look like secrets but are not: placeholders, templates,
//! masked values, environment lookups, repeated or sequential characters.

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

/// Is `value` a placeholder rather than a credential?
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    if PLACEHOLDER_WORDS.contains(&lower.as_str()) {
        return true;
    }
    if PLACEHOLDER_MARKS.iter().any(|m| lower.contains(m)) {
        return true;
    }
    // `$VAR`, `%VAR%`, `{var}`: references to something else.
    if lower.starts_with('$') || (lower.starts_with('%') && lower.ends_with('%')) {
        return true;
    }
    if lower.starts_with('{') && lower.ends_with('}') {
        return true;
    }
    is_low_variety(v.as_bytes())
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
    LOOKUPS.iter().any(|l| expr.contains(l))
}

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
    fn env_lookups() {
        assert!(is_env_lookup("os.environ[\"KEY\"]"));
        assert!(is_env_lookup("process.env.BINANCE_SECRET"));
        assert!(is_env_lookup("std::env::var(\"K\")"));
        assert!(!is_env_lookup("\"abc\""));
    }
}
