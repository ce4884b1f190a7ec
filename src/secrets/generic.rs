//! The generic detector: a secret-looking *name* bound to a secret-looking
//! *literal*, in any syntax botlint reads without a parser:
//!
//! ```text
//! API_SECRET = "…"            api_secret="…"  (keyword argument)
//! {'apiKey': '…'}             "secret": "…"   (dict, JSON)
//! const apiKey = '…'          let key: &str = "…"; const API_SECRET: &str = "…"
//! Config { api_key: "…".into() }               apiKey := "…"  (Go)
//! let api_secret = String::from("…")           Config { api_key: Some("…".into()) }
//! static PASSPHRASE: &[u8] = b"…"              let key = r#"…"#;
//! env::var("API_KEY").unwrap_or_else(|_| "…".to_string())   (a default in Rust)
//! api_secret: …   (YAML)      API_SECRET=…   (.env)   api_secret = …  (INI)
//! ```
//!
//! Names are judged by `rules/sensitive-names.toml`; values must look random
//! (length, entropy, no placeholder, no reference to something else).

use super::entropy::shannon;
use super::placeholder::{is_env_lookup, is_placeholder};
use crate::classify::Kind;
use crate::rules::{names::split_words, SensitiveNames};
use aho_corasick::{AhoCorasick, MatchKind};
use regex::bytes::Regex;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

/// Fragments one of which a line must contain before the assignment regex
/// runs on it. The secret engine finds them in its own keyword pass.
pub const LINE_KEYWORDS: &[&str] = &[
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

/// `name <op> value`: assignments, keyword arguments, dict/JSON/YAML keys,
/// struct fields, `.env` and INI lines, comparisons. Open: [`assignment`]
/// closes the value's alternatives, with [`BARE_VALUE`] or without.
const ASSIGNMENT: &str = r#"(?x)
    (?P<name>[A-Za-z_$@][\w.$@\-]*(?:\[\s*["'][\w.\-]+["']\s*\])?)
    ["'`]?                                              # end of a quoted key
    (?:\s+(?:string|\[\]byte)\b)?                       # Go: var apiKey string = "…"
    \s*
    (?::\s*&?(?:'static\s+)?                             # a type annotation: `&'static str`,
        (?:\[\w+(?:;\s*\w+)?\]|[A-Za-z_][\w<>\[\]]*(?:::[\w<>\[\]]+)*)\s*)?  # `[u8; 32]`, `Option<String>`
    (?:===?|!==?|:::=|::=|:=|=>|\?\?=|\|\|=|\?=|\.=|=|:)
    \s*
    (?:
        (?:(?:std::string::)?String::from\(\s*|Some\(\s*)?  # Rust: String::from("…"), Some("…")
        (?:
            [bB]?r\#+"(?P<rq>[^"\r\n]*)"                  # Rust raw strings (hashes)
          | (?:[rRbBuU]{1,2})?"(?P<dq>[^"\\\r\n]*)"      # string prefixes (f-strings interpolate: no)
          | (?:[rRbBuU]{1,2})?'(?P<sq>[^'\\\r\n]*)'
          | `(?P<bq>[^`\\\r\n]*)`
        )
"#;

/// The last alternative of [`ASSIGNMENT`]'s value, in the kinds of file that
/// allow bare values (`.env`, YAML, INI): an unquoted value.
const BARE_VALUE: &str = r#"
      | (?P<bare>[^\s"'`,;\#(){}\[\]<>:][^\s"'`,;\#(){}\[\]<>]*)  # not `:`: `String::from` is no `name: value`
"#;

/// `<apiToken>value</apiToken>` (XML, .NET and Maven settings).
const XML_ELEMENT: &str = r#"<(?P<name>[A-Za-z_][\w.\-:]*)(?:\s[^>]*)?>(?P<xml>[^<\s]+)</"#;

/// `("API_TOKEN", "value")`: setters, env defaults, Gradle `buildConfigField`.
const CALL_PAIR: &str =
    r#"["'](?P<name>[A-Za-z_][\w.\-]*)["']\s*,\s*["']\\?"?(?P<pair>[^"'\\\s]+)\\?"?["']"#;

/// Rust: a default for a missing environment variable,
/// `env::var("API_KEY").unwrap_or_else(|_| "…".to_string())`, `option_env!("X").unwrap_or("…")`.
const ENV_DEFAULT: &str = r#"(?:\bvar(?:_os)?|option_env!)\(\s*"(?P<name>[A-Za-z_][\w.\-]*)"\s*\)\s*\.unwrap_or(?:_else)?\(\s*(?:\|[^|]*\|\s*)?(?:(?:std::string::)?String::from\(\s*)?"(?P<ev>[^"\\\r\n]*)""#;

/// `key="ApiSecret" value="…"` (.NET appSettings and similar).
const KEY_VALUE_ATTR: &str = r#"(?:key|name)\s*=\s*["'](?P<name>[A-Za-z_][\w.\-:]*)["']\s+value\s*=\s*["'](?P<attr>[^"'\s]+)["']"#;

/// [`ASSIGNMENT`] whole: with bare values or without. Where bare values do not
/// count, a regex without them finds no `name = other_name` (most matches
/// on a line of code with a key word), and each match it finds ends with the
/// value's closing quote.
fn assignment(bare: bool) -> String {
    format!("{ASSIGNMENT}{})", if bare { BARE_VALUE } else { "" })
}

/// The other shapes, and which named groups hold the value.
const SHAPES: &[&str] = &[XML_ELEMENT, CALL_PAIR, KEY_VALUE_ATTR, ENV_DEFAULT];
const VALUE_GROUPS: &[&str] = &["dq", "sq", "bq", "rq", "bare", "xml", "pair", "attr", "ev"];

/// Bytes a line must hold for each shape (by its index in [`SHAPES`]) to
/// match it, checked before the regex runs (most lines with a keyword match
/// no shape): `</`; a quote and a comma; a quote and `value`; a quote and
/// `unwrap_or`. (An assignment: an operator and, where bare values do not
/// count, a quote.)
fn could_match(shape: usize, line: &[u8], quoted: bool) -> bool {
    let has = |needle: &[u8]| memchr::memmem::find(line, needle).is_some();
    match shape {
        0 => has(b"</"),
        1 => quoted && memchr::memchr(b',', line).is_some(),
        2 => quoted && has(b"value"),
        _ => quoted && has(b"unwrap_or"),
    }
}

fn quoted(line: &[u8]) -> bool {
    memchr::memchr3(b'"', b'\'', b'`', line).is_some()
}

/// Could [`ASSIGNMENT`] match in `line`: an operator, and a quote where bare
/// values do not count.
fn may_assign(line: &[u8], quoted: bool, bare: bool) -> bool {
    (quoted || bare) && memchr::memchr2(b'=', b':', line).is_some()
}

/// Would [`Generic::scan_line`] run any regex on `line`?
fn searched(line: &[u8], bare: bool) -> bool {
    let quoted = quoted(line);
    may_assign(line, quoted, bare) || (0..SHAPES.len()).any(|s| could_match(s, line, quoted))
}

/// Identifiers of a file already judged by [`secret_like`].
type Judged<'b> = HashMap<&'b [u8], bool, foldhash::fast::RandomState>;

/// Is the identifier `text` secret-like? Each is judged once a file.
fn secret_like<'b>(judged: &mut Judged<'b>, names: &SensitiveNames, text: &'b [u8]) -> bool {
    *judged
        .entry(text)
        .or_insert_with(|| std::str::from_utf8(text).is_ok_and(|t| names.is_sensitive(t)))
}

/// The shortest value [`looks_like_secret`] takes (a password's), in characters.
const SHORTEST_SECRET: usize = 6;

/// The detector's regexes, each compiled on the first line that needs it.
#[derive(Default)]
pub struct Generic {
    /// [`assignment`] without bare values, and with them.
    assignments: [OnceLock<Regex>; 2],
    shapes: [OnceLock<Regex>; SHAPES.len()],
}

/// A literal found by the generic detector: where the value sits in the input.
pub struct GenericHit {
    pub start: usize,
    pub end: usize,
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
    // A part may be a template variable: `string.$S2.delim` (a syntax-highlighting
    // rule in a minified editor bundle), `@pop`.
    if parts.len() >= 2
        && parts
            .iter()
            .all(|p| is_wordish(p.strip_prefix(['$', '@']).unwrap_or(p)))
    {
        return false;
    }
    let entropy = shannon(value.as_bytes());
    let has_letter = has_lower || has_upper;
    if password {
        // Letters and digits, or three character classes: `hunter22`, `Tr0ub4dor&3`;
        // not `busybox@` or `super$ecret` (word-like), nor a long single-class word.
        len >= SHORTEST_SECRET && entropy >= 2.0 && ((has_digit && has_letter) || classes >= 3)
    } else {
        len >= 16 && entropy >= 3.0 && (has_digit || entropy >= 4.0) && classes >= 2
    }
}

/// A Rust line whose value goes on on the next line: it ends with `=` or `(`.
fn continues_on_next_line(kind: Kind, line: &[u8]) -> bool {
    kind == Kind::Source(crate::classify::Lang::Rust)
        && matches!(line.trim_ascii_end().last(), Some(b'=' | b'('))
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
    fn assignment(&self, bare: bool) -> &Regex {
        self.assignments[usize::from(bare)]
            .get_or_init(|| super::pattern::build(&assignment(bare)).expect("static regex"))
    }

    fn shape(&self, shape: usize) -> &Regex {
        self.shapes[shape]
            .get_or_init(|| super::pattern::build(SHAPES[shape]).expect("static regex"))
    }

    /// Find `name = "value"` bindings whose name is secret-like and whose value
    /// looks like a credential, with a keyword pass of its own (the scan gets
    /// the line keywords from the secret engine's pass: [`Self::scan_lines`]).
    pub fn scan(&self, bytes: &[u8], kind: Kind, names: &SensitiveNames) -> Vec<GenericHit> {
        static LINE_FILTER: OnceLock<AhoCorasick> = OnceLock::new();
        let filter = LINE_FILTER.get_or_init(|| {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostFirst)
                .build(LINE_KEYWORDS)
                .expect("static keywords")
        });
        let keywords = filter.find_iter(bytes).map(|m| (m.start(), m.end()));
        self.scan_lines(bytes, kind, names, keywords)
    }

    /// [`Self::scan`], on the lines of `keywords`: the spans of
    /// [`LINE_KEYWORDS`] in `bytes`, line by line in file order (the secret
    /// engine's keyword pass finds them).
    pub fn scan_lines(
        &self,
        bytes: &[u8],
        kind: Kind,
        names: &SensitiveNames,
        keywords: impl IntoIterator<Item = (usize, usize)>,
    ) -> Vec<GenericHit> {
        let mut hits = Vec::new();
        // End of the last line handed to the regex: later keywords on it are skipped,
        // so each line is searched once and the pass stays linear in the file size.
        let mut done_until = 0;
        // The bounds of the line of the last keyword: a long line is found once,
        // however many keywords it holds.
        let mut line = 0..0;
        let mut windowed = false;
        // Identifiers already judged (a bundle's long lines repeat `keyCode`,
        // `tokens`… thousands of times), and, on long lines, the end of the last one.
        let mut judged = Judged::default();
        let mut ident_end = 0;
        // Whether a regex would search the current line (see `searched`).
        let mut line_searched: Option<bool> = None;
        for (start, end) in keywords {
            if start < done_until {
                continue;
            }
            if !line.contains(&start) {
                let line_start = memchr::memrchr(b'\n', &bytes[..start]).map_or(0, |p| p + 1);
                let line_end =
                    memchr::memchr(b'\n', &bytes[end..]).map_or(bytes.len(), |p| end + p);
                line = line_start..line_end;
                line_searched = None;
            }
            if line.len() > LONG_LINE {
                // A minified bundle or a data line: too long for the regexes, but a
                // secret-like name in it gets a window of its own.
                if start < ident_end {
                    continue; // another keyword in the identifier just judged
                }
                let id = name_around(bytes, line.clone(), start, end);
                ident_end = id.end;
                // Cheap checks first: base64 and hex blobs are long "identifiers"
                // with no operator after them.
                if id.len() > IDENT_LONGEST
                    || !value_follows(bytes, id.end, line.end, kind.allows_bare_values())
                {
                    continue;
                }
                if secret_like(&mut judged, names, &bytes[id.clone()]) {
                    // From the identifier to past its value (minifiers write keys as
                    // `a.apiSecret=` or `{apiSecret:`, not `a["apiSecret"]=`).
                    let w = id.start..(id.end + WINDOW_AFTER).min(line.end);
                    self.scan_line(bytes, w.start, w.end, kind, names, true, &mut hits);
                    windowed = true;
                }
                continue;
            }
            let (line_start, mut line_end) = (line.start, line.end);
            if continues_on_next_line(kind, &bytes[line_start..line_end]) {
                // rustfmt breaks a long binding after `=` or `String::from(`: the
                // literal is on the next line, which is searched with this one.
                line_end = memchr::memchr(b'\n', &bytes[(line_end + 1).min(bytes.len())..])
                    .map_or(bytes.len(), |p| line_end + 1 + p);
            } else {
                // A line no regex would search is done with (checked first: it
                // is cheaper than judging the names of its keywords).
                let bare = kind.allows_bare_values();
                if !*line_searched.get_or_insert_with(|| searched(&bytes[line.clone()], bare)) {
                    done_until = line.end;
                    continue;
                }
                // Every secret-like name holds a keyword (rules/sensitive-names.toml's
                // words and pairs each hold one of LINE_KEYWORDS, a test checks it),
                // and the name the regexes would judge is the identifier around it:
                // a line is searched from its first keyword in a secret-like name
                // (two lines in three with a keyword have none: `task`, `tokens_used`).
                let id = name_around(bytes, line.clone(), start, end);
                if !secret_like(&mut judged, names, &bytes[id]) {
                    continue;
                }
            }
            done_until = line_end;
            self.scan_line(bytes, line_start, line_end, kind, names, false, &mut hits);
        }
        if windowed {
            // Windows on one line may overlap: each secret once, in file order.
            hits.sort_by_key(|h| (h.start, h.end));
            hits.dedup_by_key(|h| (h.start, h.end));
        }
        hits
    }

    /// `first_only`: a window on a long line, opened at a name: only the first
    /// match of each shape can be that name's.
    #[allow(clippy::too_many_arguments)]
    fn scan_line(
        &self,
        bytes: &[u8],
        start: usize,
        end: usize,
        kind: Kind,
        names: &SensitiveNames,
        first_only: bool,
        hits: &mut Vec<GenericHit>,
    ) {
        let line = &bytes[start..end];
        // Minified or data lines are searched in windows (see `scan_lines`).
        if line.len() > LONG_LINE {
            return;
        }
        let quoted = quoted(line);
        let bare = kind.allows_bare_values();
        let regexes = may_assign(line, quoted, bare)
            .then(|| (self.assignment(bare), !bare))
            .into_iter()
            .chain(
                (0..SHAPES.len())
                    .filter(|&s| could_match(s, line, quoted))
                    .map(|s| (self.shape(s), false)),
            );
        // `quoted_values`: every match ends with its value's closing quote.
        for (re, quoted_values) in regexes {
            let mut at = 0;
            loop {
                if quoted_values {
                    // The captures are most of the detector's cost (12 M of its 20 M
                    // instructions on python-binance): first see whether the value
                    // could be a secret at all.
                    let Some(m) = re.find_at(line, at) else {
                        break;
                    };
                    if let Some(next) = short_quoted_value(line, m.range()) {
                        if first_only {
                            break;
                        }
                        at = next;
                        continue;
                    }
                }
                let Some(caps) = re.captures_at(line, at) else {
                    break;
                };
                let whole = caps.get(0).expect("group 0");
                let value = VALUE_GROUPS
                    .iter()
                    .find_map(|g| caps.name(g).map(|m| (*g, m)));
                let Some((group, value)) = value else {
                    if first_only {
                        break;
                    }
                    at = whole.end();
                    continue;
                };
                // Go on from the value's opening quote: a value can be the name of the next
                // pair (`'String','API_KEY','…'`) or hold an assignment (`"password=…"`).
                at = if value.start() > whole.start() + 1 {
                    value.start() - 1
                } else {
                    whole.end()
                };
                let name = String::from_utf8_lossy(&caps["name"]);
                self.judge(line, start, kind, names, &name, group, value, hits);
                if first_only {
                    break;
                }
            }
        }
    }

    /// Report `value` (a match inside `line`, which starts at `start` in the
    /// file) if `name` is secret-like and the value looks like a credential.
    #[allow(clippy::too_many_arguments)]
    fn judge(
        &self,
        line: &[u8],
        start: usize,
        kind: Kind,
        names: &SensitiveNames,
        name: &str,
        group: &str,
        value: regex::bytes::Match<'_>,
        hits: &mut Vec<GenericHit>,
    ) {
        if group == "bare" && !kind.allows_bare_values() {
            return;
        }
        if !names.is_sensitive(name) {
            return;
        }
        let Ok(text) = std::str::from_utf8(value.as_bytes()) else {
            return;
        };
        if group == "bare" && matches!(line.get(value.end()), Some(b'<' | b'{' | b'(' | b'[')) {
            // `pypi-…<token>`, `abc${VAR}`: the value goes on as a template.
            return;
        }
        if looks_like_secret(name, text) {
            hits.push(GenericHit {
                start: start + value.start(),
                end: start + value.start() + text.len(),
            });
        }
    }
}

/// For a match ending with a quoted value: `None` if the value could be a
/// secret, else where the search goes on (as after a value judged: from its
/// opening quote). A value holds no quote of its kind, so its opening quote
/// is the last one before the closing quote. [`looks_like_secret`] takes no
/// value shorter than [`SHORTEST_SECRET`] or holding a space.
fn short_quoted_value(line: &[u8], m: Range<usize>) -> Option<usize> {
    let close = m.end - 1;
    let q = line[close];
    let open = m.start + line[m.start..close].iter().rposition(|&b| b == q)?;
    let value = &line[open + 1..close];
    let hopeless = value.len() < SHORTEST_SECRET || value.iter().any(u8::is_ascii_whitespace);
    hopeless.then_some(if open > m.start { open } else { m.end })
}

/// Lines longer than this (minified bundles, data) are not searched whole.
const LONG_LINE: usize = 4096;

/// Does an operator and a quoted value (or, where bare values count, any
/// value) follow `at`, after a closing quote and spaces? `apiSecret:"…"`,
/// `token=\`…\``, `"password": "…"`: the only shape a minified line's secret
/// takes, and much rarer than the names (`token:e`, `token=t.value`).
fn value_follows(bytes: &[u8], at: usize, end: usize, bare: bool) -> bool {
    let rest = &bytes[at..end.min(at + 64)];
    let mut i = usize::from(matches!(rest.first(), Some(b'"' | b'\'' | b'`')));
    let spaces = |i: &mut usize| {
        while rest.get(*i).is_some_and(|b| b.is_ascii_whitespace()) {
            *i += 1;
        }
    };
    spaces(&mut i);
    let op = i;
    while rest.get(i).is_some_and(|b| b"=:!?|&>.".contains(b)) {
        i += 1;
    }
    if i == op {
        return false;
    }
    spaces(&mut i);
    bare || matches!(rest.get(i), Some(b'"' | b'\'' | b'`'))
}

/// Longer than this, a run of identifier bytes is data (base64, hex), not a name.
const IDENT_LONGEST: usize = 64;

/// After a secret-like name on a long line, the bytes searched for its value.
const WINDOW_AFTER: usize = 256;

/// The name the regexes would judge around the keyword at `start..end`: the
/// identifier around it from its first letter, `_` or `$` (the regexes judge
/// `2fa_key` as `fa_key`, and `2fa` is one word to `split_words`).
fn name_around(bytes: &[u8], line: Range<usize>, start: usize, end: usize) -> Range<usize> {
    let mut id = identifier_around(bytes, line, start, end);
    while id.start < start && matches!(bytes[id.start], b'0'..=b'9' | b'-') {
        id.start += 1;
    }
    id
}

/// The identifier around the keyword at `start..end` (at most 128 bytes on
/// either side): minified code names mostly other things (`keyCode`,
/// `tokens`, `pk` inside `apkg`), which need no window, and two lines in
/// three with a keyword hold it only in a name that is not secret-like.
fn identifier_around(bytes: &[u8], line: Range<usize>, start: usize, end: usize) -> Range<usize> {
    const IDENT_MAX: usize = 128;
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b == b'-';
    let lo = start.saturating_sub(IDENT_MAX).max(line.start);
    let hi = (end + IDENT_MAX).min(line.end);
    let id_start = bytes[lo..start]
        .iter()
        .rposition(|&b| !word(b))
        .map_or(lo, |p| lo + p + 1);
    let id_end = bytes[end..hi]
        .iter()
        .position(|&b| !word(b))
        .map_or(hi, |p| end + p);
    id_start..id_end
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `scan_lines` searches a line only from a keyword inside a secret-like
    /// identifier: every secret-like name must hold one of the keywords.
    #[test]
    fn every_secret_like_name_holds_a_line_keyword() {
        let names = crate::rules::sensitive_names();
        let terms: Vec<String> = names
            .prefilter_words()
            .into_iter()
            .chain(names.whole_names().map(String::from))
            .collect();
        assert!(terms.len() > 40);
        for term in terms {
            let lower = term.to_ascii_lowercase();
            assert!(
                LINE_KEYWORDS.iter().any(|k| lower.contains(k)),
                "{term:?} holds none of LINE_KEYWORDS"
            );
        }
    }

    /// A name the regexes judge starts at a letter, `_` or `$`: the keyword's
    /// identifier is judged from there too (`2api_key` as `api_key`).
    #[test]
    fn names_are_judged_from_where_the_regexes_start_them() {
        let names = crate::rules::sensitive_names();
        let g = Generic::default();
        for text in [
            "2api_key: \"q8Vd93kLmZt7Rw2PxY4sN6bJ\"\n",
            "x = 1\n-9api_secret = 'q8Vd93kLmZt7Rw2PxY4sN6bJ'\n",
        ] {
            let hits = g.scan(text.as_bytes(), Kind::Config, names);
            assert_eq!(hits.len(), 1, "{text:?}");
            assert_eq!(
                &text[hits[0].start..hits[0].end],
                "q8Vd93kLmZt7Rw2PxY4sN6bJ"
            );
        }
        // The same on a line too long for the regexes, searched in windows.
        let filler = "x".repeat(LONG_LINE);
        let text = format!("{{\"a\": \"{filler}\", \"2api_key\": \"q8Vd93kLmZt7Rw2PxY4sN6bJ\"}}\n");
        let hits = g.scan(text.as_bytes(), Kind::Config, names);
        assert_eq!(hits.len(), 1, "a long line");
        assert_eq!(
            &text[hits[0].start..hits[0].end],
            "q8Vd93kLmZt7Rw2PxY4sN6bJ"
        );
        // The keyword only in a name that is not secret-like: nothing.
        let text = "task_id = 'q8Vd93kLmZt7Rw2PxY4sN6bJ'\n";
        assert!(g.scan(text.as_bytes(), Kind::Config, names).is_empty());
    }

    #[test]
    fn short_quoted_values_skip_the_captures() {
        let re = super::super::pattern::build(&assignment(false)).unwrap();
        let at = |line: &str| {
            let m = re.find(line.as_bytes()).unwrap();
            short_quoted_value(line.as_bytes(), m.range())
        };
        // Too short for any secret, or holding a space: go on from the opening quote.
        assert_eq!(at(r#"api_key = "abc""#), Some(10));
        assert_eq!(at("token: 'a b c d e f g'"), Some(7));
        assert_eq!(at(r#"let secret = String::from("x");"#), Some(26));
        // Could be one: the captures and looks_like_secret judge it.
        assert_eq!(at(r#"password = "hunter22""#), None);
        assert_eq!(at(r##"key = r#"0123456789abcdef"#"##), None);
        // Without bare values every match ends with a quote; with them, not.
        for line in ["a = b", "key: value", "x = y; token = z"] {
            assert!(re.find(line.as_bytes()).is_none(), "{line}");
        }
        let bare = super::super::pattern::build(&assignment(true)).unwrap();
        assert!(bare.find(b"key: value").is_some());
    }

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
        for line in [
            format!("let api_secret = String::from(\"{K}\");"),
            format!("let c = Config {{ api_key: String::from(\"{K}\") }};"),
            format!("Config {{ api_key: Some(\"{K}\".into()) }}"),
            format!("static PASSPHRASE: &[u8] = b\"{K}\";"),
            format!("let key = r#\"{K}\"#;"),
            format!("env::var(\"API_SECRET\").unwrap_or_else(|_| \"{K}\".to_string())"),
            format!("let api_secret: &str =\n    \"{K}\";"),
            format!("api_secret: String::from(\n    \"{K}\",\n),"),
        ] {
            assert_eq!(scan(&line, rs), [K], "{line}");
        }
        assert!(scan("let api_key = String::from(\"your_api_key_here\");", rs).is_empty());
        let js = Kind::Source(crate::classify::Lang::JavaScript);
        assert_eq!(scan(&format!("const apiKey = '{K}';"), js), [K]);
        assert_eq!(scan(&format!("\"secret\": \"{K}\","), Kind::Config), [K]);
        assert_eq!(scan(&format!("  api_secret: {K}"), Kind::Config), [K]);
        assert_eq!(scan(&format!("BINANCE_API_SECRET={K}"), Kind::Dotenv), [K]);
        assert_eq!(scan("DB_PASSWORD=s3cr3tPa55", Kind::Dotenv), ["s3cr3tPa55"]);
        let go = Kind::Source(crate::classify::Lang::Go);
        assert_eq!(scan(&format!("var apiToken string = \"{K}\""), go), [K]);
        let other = Kind::OtherSource;
        assert_eq!(scan(&format!("$api_token .= \"{K}\";"), other), [K]);
        assert_eq!(
            scan(
                &format!("System.setProperty(\"API_TOKEN\", \"{K}\");"),
                other
            ),
            [K]
        );
        assert_eq!(
            scan(&format!("token = os.getenv(\"API_TOKEN\", \"{K}\")"), py),
            [K]
        );
        assert_eq!(
            scan(
                &format!("buildConfigField 'String','API_KEY','\"{K}\"'"),
                other
            ),
            [K]
        );
        assert_eq!(
            scan(&format!("<apiToken>{K}</apiToken>"), Kind::Config),
            [K]
        );
        assert_eq!(
            scan(
                &format!("<add key=\"ApiSecret\" value=\"{K}\"/>"),
                Kind::Config
            ),
            [K]
        );
        assert_eq!(scan(&format!("API_TOKEN ?= {K}"), Kind::Text), [K]);
        assert_eq!(scan(&format!("API_TOKEN ::= {K}"), Kind::Text), [K]);
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
            "password = \"busybox@\"",
            "server_password = \"super$ecret\"",
            "api_key = config.binance_api_key_value",
            "key=\"market_1_slippage_buffer\",",
            "token: `string.$S2.delim`,",
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

    /// A minified line is searched in windows around secret-like names: each
    /// secret once, wherever it sits, and nothing for `keyCode` or `tokens`.
    #[test]
    fn long_lines_are_searched_around_secret_like_names() {
        let js = Kind::Source(crate::classify::Lang::JavaScript);
        let filler = "function f(e){return e.keyCode===13?e.tokens.pk:null};".repeat(100);
        assert!(filler.len() > LONG_LINE);
        let line = format!("{filler}var c={{apiSecret:\"{K}\",token:\"{K}x\"}};{filler}");
        assert_eq!(scan(&line, js), [K.to_string(), format!("{K}x")]);
        // At the very start and end of the line, and on a later line too.
        let text = format!("apiSecret=\"{K}\";{filler}password=\"{K}y\"\n{filler}secret=\"{K}z\"");
        assert_eq!(
            scan(&text, js),
            [K.to_string(), format!("{K}y"), format!("{K}z")]
        );
        // Only distractors: nothing, in code or in data (an SVG's inline base64 image).
        assert!(scan(&filler.repeat(3), js).is_empty());
        let blob = format!(
            "<image href=\"data:image/png;base64,{}\"/>",
            "Qm9vS2V5c2tQa2V5/Tm9rZXk+c2stcGs=".repeat(200)
        );
        assert!(scan(&blob, Kind::Config).is_empty());
        // Many secret-like names close together: overlapping windows, each hit once.
        let dense = format!("{filler}{}", format!("a.api_key=\"{K}\";").repeat(200));
        assert_eq!(scan(&dense, js).len(), 200);
    }
}
