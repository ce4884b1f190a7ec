//! Extra checks a pattern can ask for with `validate = "…"`, for secrets
//! whose shape a regex cannot pin down.

use serde::Deserialize;
use std::collections::HashSet;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Validator {
    /// 12/15/18/21/24 words, each in the BIP39 English list.
    Bip39,
    /// An array of exactly 64 integers in 0..=255 (a Solana keypair file).
    SolanaKeypair,
    /// A JSON Web Token: its header decodes to a JSON object naming `alg` or
    /// `typ`, its payload to a JSON object.
    Jwt,
}

impl Validator {
    pub fn accepts(self, secret: &[u8]) -> bool {
        match self {
            Validator::Bip39 => is_bip39_phrase(secret),
            Validator::SolanaKeypair => is_solana_keypair(secret),
            Validator::Jwt => is_jwt(secret),
        }
    }
}

/// Standard or URL-safe base64, padding optional. `None` for anything else.
pub fn base64_decode(v: &str) -> Option<Vec<u8>> {
    let mut bits: u32 = 0;
    let mut nbits = 0;
    let mut out = Vec::with_capacity(v.len() * 3 / 4);
    for c in v.trim_end_matches('=').bytes() {
        let val = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(val);
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((bits >> nbits) as u8);
            bits &= (1 << nbits) - 1;
        }
    }
    Some(out)
}

pub fn is_jwt(secret: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(secret) else {
        return false;
    };
    let mut parts = text.split('.');
    let (Some(header), Some(payload)) = (parts.next(), parts.next()) else {
        return false;
    };
    let json_object = |seg: &str| {
        base64_decode(seg)
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .filter(serde_json::Value::is_object)
    };
    let Some(h) = json_object(header) else {
        return false;
    };
    (h.get("alg").is_some() || h.get("typ").is_some()) && json_object(payload).is_some()
}

fn bip39_words() -> &'static HashSet<&'static str> {
    static WORDS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| crate::rules::BIP39_ENGLISH.lines().map(str::trim).collect())
}

pub fn is_bip39_phrase(secret: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(secret) else {
        return false;
    };
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    if ![12, 15, 18, 21, 24].contains(&words.len()) {
        return false;
    }
    let list = bip39_words();
    // The same word over and over is a test vector ("abandon abandon … about"), not a wallet.
    let distinct: HashSet<&&str> = words.iter().collect();
    distinct.len() * 2 > words.len()
        && words
            .iter()
            .all(|w| list.contains(w.to_ascii_lowercase().as_str()))
}

/// `p` without the blanks (as the regexes' `\s` reads them, ASCII) around it.
fn trim_blanks(p: &[u8]) -> &[u8] {
    let blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r');
    let start = p.iter().position(|b| !blank(b)).unwrap_or(p.len());
    let end = p.iter().rposition(|b| !blank(b)).map_or(start, |i| i + 1);
    &p[start..end]
}

/// A keypair array as solana-keygen writes it: `[`, exactly 64 numbers of one
/// to three digits, each 0..=255, separated by commas (blanks around them,
/// one after the last allowed), `]`; and more than 8 distinct values (a
/// run of zeros is a buffer, not a key). The pattern's regex only finds the
/// brackets around a long run of digits, commas and blanks; the shape is
/// checked here, where a counted repetition would make the regex's
/// automaton large (see rules/secrets.toml).
pub fn is_solana_keypair(secret: &[u8]) -> bool {
    let Some(inner) = secret.strip_prefix(b"[").and_then(|s| s.strip_suffix(b"]")) else {
        return false;
    };
    let mut parts: Vec<&[u8]> = inner.split(|&b| b == b',').map(trim_blanks).collect();
    if parts.len() == 65 && parts[64].is_empty() {
        parts.pop();
    }
    if parts.len() != 64 {
        return false;
    }
    let mut values = HashSet::new();
    for p in &parts {
        if p.is_empty() || p.len() > 3 || !p.iter().all(u8::is_ascii_digit) {
            return false;
        }
        let v = p.iter().fold(0u16, |n, d| n * 10 + u16::from(d - b'0'));
        if v > 255 {
            return false;
        }
        values.insert(v);
    }
    values.len() > 8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bip39() {
        let ok = "legal winner thank year wave sausage worth useful legal winner thank yellow";
        assert!(is_bip39_phrase(ok.as_bytes()));
        let eleven = "legal winner thank year wave sausage worth useful legal winner thank";
        assert!(!is_bip39_phrase(eleven.as_bytes()));
        let not_words = "legal winner thank year wave sausage worth useful legal winner thank qqqq";
        assert!(!is_bip39_phrase(not_words.as_bytes()));
        let repeated = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
        assert!(!is_bip39_phrase(repeated.as_bytes()));
    }

    #[test]
    fn jwt() {
        // {"alg":"HS256","typ":"JWT"} . {"sub":"1234"} . signature
        let ok = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLXZhbHVl";
        assert!(is_jwt(ok.as_bytes()));
        // Unsigned tokens have an empty third part and are still tokens.
        assert!(is_jwt(b"eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0In0."));
        // Base64-looking segments that are not JSON.
        assert!(!is_jwt(b"eyFhbGciOiJIUzI1NiJ9x.eyJzdWIiOi.abc"));
        assert!(!is_jwt(b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"));
        assert!(!is_jwt(b"eyJzdWIiOiIxMjM0In0.eyJzdWIiOiIxMjM0In0.x"));
    }

    #[test]
    fn solana() {
        let arr: Vec<String> = (0..64).map(|i| ((i * 37 + 11) % 256).to_string()).collect();
        assert!(is_solana_keypair(format!("[{}]", arr.join(",")).as_bytes()));
        assert!(!is_solana_keypair(
            format!("[{}]", arr[..63].join(",")).as_bytes()
        ));
        assert!(!is_solana_keypair(b"[0,0,0,0]"));
        // The shape the regex no longer checks: commas, digits, blanks.
        let with = |sep: &str, tail: &str| format!("[ {}{tail} ]", arr.join(sep));
        assert!(is_solana_keypair(with(" ,\n\t", "").as_bytes()));
        assert!(is_solana_keypair(with(",", " ,\n").as_bytes()));
        assert!(!is_solana_keypair(with(",", ",,").as_bytes()));
        assert!(!is_solana_keypair(with(",,", "").as_bytes()));
        assert!(!is_solana_keypair(with(", 0", "").as_bytes()));
        assert!(!is_solana_keypair(with(" ", "").as_bytes()));
        let mut long = arr.clone();
        long[5] = "0012".into();
        assert!(!is_solana_keypair(
            format!("[{}]", long.join(",")).as_bytes()
        ));
        long[5] = "256".into();
        assert!(!is_solana_keypair(
            format!("[{}]", long.join(",")).as_bytes()
        ));
        long[5] = "255".into();
        assert!(is_solana_keypair(
            format!("[{}]", long.join(",")).as_bytes()
        ));
    }
}
