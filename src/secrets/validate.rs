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
}

impl Validator {
    pub fn accepts(self, secret: &[u8]) -> bool {
        match self {
            Validator::Bip39 => is_bip39_phrase(secret),
            Validator::SolanaKeypair => is_solana_keypair(secret),
        }
    }
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

pub fn is_solana_keypair(secret: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(secret) else {
        return false;
    };
    let mut values = Vec::with_capacity(64);
    for part in text
        .trim_matches(|c| c == '[' || c == ']')
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match part.parse::<u16>() {
            Ok(v) if v <= 255 => values.push(v),
            _ => return false,
        }
    }
    values.len() == 64 && values.iter().collect::<HashSet<_>>().len() > 8
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
    fn solana() {
        let arr: Vec<String> = (0..64).map(|i| ((i * 37 + 11) % 256).to_string()).collect();
        assert!(is_solana_keypair(format!("[{}]", arr.join(",")).as_bytes()));
        assert!(!is_solana_keypair(
            format!("[{}]", arr[..63].join(",")).as_bytes()
        ));
        assert!(!is_solana_keypair(b"[0,0,0,0]"));
    }
}
