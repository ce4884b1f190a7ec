//! Secret-like names: splitting identifiers into words and matching them
//! against `rules/sensitive-names.toml`.

use anyhow::Result;
use foldhash::HashSet;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct NamesFile {
    secret_words: Vec<String>,
    secret_pairs: Vec<String>,
    whole_names: Vec<String>,
    #[serde(default)]
    needs_value: Vec<String>,
    not_if: NotIf,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct NotIf {
    last_word: Vec<String>,
    any_word: Vec<String>,
    pairs: Vec<String>,
}

/// Compiled form of `rules/sensitive-names.toml`.
#[derive(Debug, Default)]
pub struct SensitiveNames {
    words: HashSet<String>,
    pairs: HashSet<(String, String)>,
    whole: HashSet<String>,
    needs_value: HashSet<String>,
    not_last: HashSet<String>,
    not_any: HashSet<String>,
    not_pairs: HashSet<(String, String)>,
}

fn pair(s: &str) -> Option<(String, String)> {
    let mut it = s.split_whitespace();
    Some((it.next()?.to_string(), it.next()?.to_string()))
}

impl SensitiveNames {
    /// The embedded `rules/sensitive-names.toml` (from its JSON, see build.rs).
    pub fn embedded() -> Result<SensitiveNames> {
        Ok(SensitiveNames::from_file(
            crate::rules::SENSITIVE_NAMES.load()?,
        ))
    }

    fn from_file(f: NamesFile) -> SensitiveNames {
        SensitiveNames {
            words: f.secret_words.into_iter().collect(),
            pairs: f.secret_pairs.iter().filter_map(|p| pair(p)).collect(),
            whole: f.whole_names.into_iter().collect(),
            needs_value: f.needs_value.into_iter().collect(),
            not_last: f.not_if.last_word.into_iter().collect(),
            not_any: f.not_if.any_word.into_iter().collect(),
            not_pairs: f.not_if.pairs.iter().filter_map(|p| pair(p)).collect(),
        }
    }

    /// Is `name` (an identifier, key or variable name) secret-like?
    pub fn is_sensitive(&self, name: &str) -> bool {
        let words = split_words(name);
        if words.is_empty() || self.exempt_words(&words) {
            return false;
        }
        let last = words.last().map(String::as_str).unwrap_or("");
        let adjacent = || words.windows(2).map(|w| (w[0].clone(), w[1].clone()));
        if words.len() == 1 && self.whole.contains(last) {
            return true;
        }
        words.iter().any(|w| self.words.contains(w)) || adjacent().any(|p| self.pairs.contains(&p))
    }
}

impl SensitiveNames {
    /// Does a `not-if` rule say the name names something other than a secret
    /// (`native_currency`, `token_symbol`, `key_path`), whatever else it says?
    pub fn is_exempt(&self, name: &str) -> bool {
        self.exempt_words(&split_words(name))
    }

    fn exempt_words(&self, words: &[String]) -> bool {
        let last = words.last().map(String::as_str).unwrap_or("");
        (words.len() > 1 && self.not_last.contains(last))
            || words.iter().any(|w| self.not_any.contains(w))
            || words
                .windows(2)
                .any(|w| self.not_pairs.contains(&(w[0].clone(), w[1].clone())))
    }

    /// The names that are secret-like on their own (`key`, `seed`).
    pub fn whole_names(&self) -> impl Iterator<Item = &str> {
        self.whole.iter().map(String::as_str)
    }

    /// Words whose presence (any case) makes a file worth a closer look for
    /// secret-like names: the secret words, and each pair written as one
    /// word and with each separator names and keys use between words
    /// (`apikey`, `api_key`, `X-API-KEY`, `"API key"`).
    pub fn prefilter_words(&self) -> Vec<String> {
        let mut out: Vec<String> = self.words.iter().cloned().collect();
        for (a, b) in &self.pairs {
            for sep in ["", "_", "-", " "] {
                out.push(format!("{a}{sep}{b}"));
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// A sound text screen for secret-like names: a name can be secret-like
    /// (by [`Self::is_sensitive_without_value`], or by [`Self::is_sensitive`]
    /// when `with_value`) only if its text holds, in any case, one of the
    /// returned words, or both words of one of the returned pairs.
    pub fn screen(&self, with_value: bool) -> (Vec<String>, Vec<(String, String)>) {
        let mut single: Vec<String> = self.words.iter().cloned().collect();
        single.extend(
            self.whole
                .iter()
                .filter(|w| with_value || !self.needs_value.contains(*w))
                .cloned(),
        );
        single.sort();
        single.dedup();
        let mut pairs: Vec<(String, String)> = self.pairs.iter().cloned().collect();
        pairs.sort();
        (single, pairs)
    }

    /// Secret-like on the name alone, with no value to look at (a name
    /// reaching a log or a URL): a bare `key`, `token` or `seed` is more often
    /// a dict key, a coin or a random seed, so `needs-value` names do not count.
    pub fn is_sensitive_without_value(&self, name: &str) -> bool {
        let words = split_words(name);
        if words.len() == 1 && self.needs_value.contains(&words[0]) {
            return false;
        }
        self.is_sensitive(name)
    }
}

/// Split an identifier into lowercase words: the last dotted / `->` / `::`
/// segment, at `_`, `-`, spaces and camelCase humps. `APIKey` -> api key.
pub fn split_words(name: &str) -> Vec<String> {
    let name = name
        .trim_matches(|c: char| c == '"' || c == '\'' || c == '`' || c == '$' || c == '@')
        .rsplit(['.', '>', ':', '/', '[', ']'])
        .find(|s| !s.is_empty())
        .unwrap_or("");
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if c.is_uppercase() && !cur.is_empty() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            // fooBar -> foo bar; APIKey -> api key; but keep "API" together.
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                words.push(std::mem::take(&mut cur));
            }
        }
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> SensitiveNames {
        SensitiveNames::embedded().unwrap()
    }

    #[test]
    fn splits_identifiers() {
        assert_eq!(
            split_words("binanceApiSecret"),
            ["binance", "api", "secret"]
        );
        assert_eq!(
            split_words("BINANCE_API_SECRET"),
            ["binance", "api", "secret"]
        );
        assert_eq!(split_words("self.api_key"), ["api", "key"]);
        assert_eq!(split_words("APIKey"), ["api", "key"]);
        assert_eq!(split_words("\"private-key\""), ["private", "key"]);
        assert_eq!(split_words("os.environ[API_TOKEN]"), ["api", "token"]);
    }

    #[test]
    fn sensitive_without_value() {
        let n = names();
        for yes in [
            "api_key",
            "self.api_secret",
            "jwt_token",
            "gas_station_api_key",
            "passphrase",
        ] {
            assert!(n.is_sensitive_without_value(yes), "{yes}");
        }
        for no in [
            "key",
            "token",
            "self._seed",
            "base_token",
            "quote_token",
            "token_symbol",
            "base_token_amount_added",
            "api_key_crypted",
            "token_ids_str",
            "cvar.key",
            "gas_price_token",
        ] {
            assert!(!n.is_sensitive_without_value(no), "{no}");
        }
    }

    #[test]
    fn sensitive_and_not() {
        let n = names();
        for yes in [
            "api_key",
            "apiKey",
            "API_SECRET",
            "secret",
            "key",
            "passphrase",
            "self.api_secret",
            "BINANCE_SECRET_KEY",
            "private_key",
            "access_token",
            "password",
            "DB_PASSWORD",
            "mnemonic",
            "seed_phrase",
            "bot_token",
            "TELEGRAM_TOKEN",
            "apikey",
        ] {
            assert!(n.is_sensitive(yes), "{yes} should be sensitive");
        }
        for no in [
            "token_url",
            "max_tokens",
            "key_path",
            "secret_name",
            "public_key",
            "primary_key",
            "api_key_env",
            "password_hint",
            "sort_key",
            "tokenizer",
            "keys",
            "monkey",
            "keyboard",
            "token_count",
            "secret_id",
            "api_key_id",
            "num_tokens",
            "",
        ] {
            assert!(!n.is_sensitive(no), "{no} should not be sensitive");
        }
    }
}
