//! Which source files are worth parsing for the code rules, decided in one
//! pass over the bytes.
//!
//! A file is worth parsing when it names a client module, a TLS knob or a URL
//! scheme (*net*: the network rules), when it has a log sink (for Rust also
//! a `Debug` derive) *and* a secret-like word (secret-in-log,
//! secret-debug-derive), or when a query parameter's `=` before an
//! interpolation has a secret-like name or value (secret-in-url). Every word
//! comes from the rule data (`[<lang>.prefilter]` in rules/http-clients.toml,
//! rules/log-sinks.toml, rules/sensitive-names.toml). In JS, where minified
//! bundles hold every word somewhere, hits are judged where they stand
//! (code, a whole string, a longer string, a comment: src/lang/js_lex.rs)
//! once the file is read ([`CodePrefilter::finish`]). The fixtures hold cases
//! only one trigger catches (`fixtures/*/prefilter/`), and a test checks that
//! every fixture file reports the same with the prefilter off.
//!
//! All the words of a language go into one case-insensitive Aho-Corasick DFA;
//! each hit is then checked against what the word is for: its exact case, a
//! whole word, a module where the language imports it, a sink where it is
//! called. One automaton instead of one per role and two regexes: the
//! prefilter reads every byte of every source file, and five passes cost more
//! than parsing the files they let through.

use crate::keywords::KeywordSet;
use crate::lang::js_lex::{self, Place};
use crate::rules;
use std::ops::ControlFlow;
use std::sync::OnceLock;

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
    /// `query`: a query parameter's `=` before an interpolation.
    Query,
    /// A secret-like word, in any case.
    Secret,
}

pub struct CodePrefilter {
    lang: &'static str,
    /// The words in one automaton, built on first use: a file whose keyword
    /// pass is shared with the secret engine (src/keyword_pass.rs) never needs it.
    automaton: OnceLock<KeywordSet>,
    /// `log-window`: a log sink counts by its own window.
    log_window: bool,
    /// The secret-like words alone, for windows (log sinks', query values'),
    /// built on first use.
    secret_words: OnceLock<KeywordSet>,
    /// For each pattern of the automaton: its text as written and its roles.
    words: Vec<(String, Vec<Role>)>,
    /// JS: words, sinks and secret-like words are judged where they stand
    /// ([`Self::finish`]).
    placed: bool,
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
        pf.query.iter().for_each(|w| add(w, Role::Query));
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
        let secret_words = rules::sensitive_names().prefilter_words();
        for w in &secret_words {
            add(w, Role::Secret);
        }
        if lang != "rust" {
            // Logging a whole headers dict or the environment counts too (Python, JS).
            for w in EXTRA_SECRET_WORDS {
                add(w, Role::Secret);
            }
        }
        CodePrefilter {
            lang,
            automaton: OnceLock::new(),
            log_window: pf.log_window,
            secret_words: OnceLock::new(),
            words,
            placed: lang == "javascript",
        }
    }

    /// Does `window` hold a secret-like word (any case)?
    fn secret_in(&self, window: &[u8]) -> bool {
        self.secret_words
            .get_or_init(|| {
                let words = rules::sensitive_names().prefilter_words();
                KeywordSet::new(&words, true).expect("prefilter secret words")
            })
            .is_match(window)
    }

    /// What a query parameter's `=` at `eq` (before an interpolation) shows:
    /// secret-in-url reports the value put there when the parameter's name
    /// is secret-like, or the value's own name is.
    fn query(&self, word: &str, bytes: &[u8], eq: usize) -> QueryHit {
        match query_param(bytes, eq) {
            Param::Absent => return QueryHit::Quiet,
            Param::Name(p) if rules::sensitive_names().is_sensitive(p) => return QueryHit::Secret,
            Param::Name(_) | Param::Unread => {}
        }
        // The value's name comes after the `=`.
        match value_window(self.lang, word, bytes, eq) {
            Some(end) if self.secret_in(&bytes[eq..end]) => QueryHit::Secret,
            Some(_) => QueryHit::Quiet,
            None => QueryHit::Unknown,
        }
    }

    /// The words, in the order [`Self::hit`] numbers them; matched in any case.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.words.iter().map(|(w, _)| w.as_str())
    }

    /// Is this file worth parsing?
    pub fn wants(&self, bytes: &[u8]) -> bool {
        let automaton = self
            .automaton
            .get_or_init(|| KeywordSet::new(self.words(), true).expect("prefilter words"));
        let mut verdict = Verdict::default();
        automaton.each_hit(bytes, |k, start, end| {
            self.hit(&mut verdict, bytes, k, start, end)
        });
        self.finish(&verdict, bytes)
    }

    /// Is the file worth parsing, once every hit is in `verdict`? In JS, a
    /// scheme keyword (`"http://`) counts where its quote opens a string (not
    /// in a comment, nor quoted inside a longer string); a
    /// word (`fetch`, `rejectUnauthorized`) counts in code or as a whole
    /// string (`"rejectUnauthorized": false`, `window["fetch"]`), not inside
    /// a longer string or a comment (`"…|fetch|…"`, `"Failed to fetch"`); a
    /// sink only in code; a secret-like word only in a name that is
    /// secret-like itself (`authToken`, not `tokenize`, nor a `token` alone:
    /// secret-in-log judges every name and key the same way), in code or in
    /// a string used as a key (`{"X-API-KEY": k}`, `h["Authorization"]`).
    pub fn finish(&self, verdict: &Verdict, bytes: &[u8]) -> bool {
        if verdict.wanted || verdict.pending.is_empty() {
            return verdict.wanted;
        }
        // Secret-like words alone, with no sink or query to want one: nothing
        // to look up.
        let only_secrets = verdict.pending.iter().all(|p| p.role == Role::Secret);
        if only_secrets && !verdict.log && !verdict.query {
            return false;
        }
        let at: Vec<usize> = verdict.pending.iter().map(|p| p.start).collect();
        let places = js_lex::places(bytes, &at);
        let mut log = verdict.log;
        for (p, &place) in verdict.pending.iter().zip(&places) {
            match p.role {
                Role::NetWord => {
                    let whole = matches!(place, Place::Str { start, end } if (start, end) == (p.start, p.end));
                    if place == Place::Code || whole {
                        return true;
                    }
                }
                // A scheme keyword's quote must open the string (`"http://…`).
                Role::Net if matches!(place, Place::Str { start, .. } if start == p.start + 1) => {
                    return true
                }
                Role::LogCall => log |= place == Place::Code,
                _ => {}
            }
        }
        // Secret-like names are judged only when a sink (or a query) wants one.
        (log || verdict.query)
            && (verdict.secret
                || verdict
                    .pending
                    .iter()
                    .zip(places)
                    .any(|(p, place)| p.role == Role::Secret && self.secret_at(bytes, p, place)))
    }

    /// Does the secret-like word of `p` stand in a secret-like name, in code
    /// or in a string used as a key?
    fn secret_at(&self, bytes: &[u8], p: &Pending, place: Place) -> bool {
        let extra = EXTRA_SECRET_WORDS.contains(&self.words[p.word].0.as_str());
        let name = match place {
            Place::Code if extra => return true,
            Place::Code => {
                let ident = |b: &u8| js_lex::ident_byte(*b);
                let start = bytes[..p.start]
                    .iter()
                    .rposition(|b| !ident(b))
                    .map_or(0, |i| i + 1);
                let end = bytes[p.end..]
                    .iter()
                    .position(|b| !ident(b))
                    .map_or(bytes.len(), |i| p.end + i);
                &bytes[start..end]
            }
            Place::Str { start, end } => {
                let closed = matches!(bytes.get(end), Some(b'"' | b'\'' | b'`'));
                let after = bytes.get(end + 1..).unwrap_or_default().trim_ascii_start();
                if !closed || !matches!(after.first(), Some(b':' | b']')) {
                    return false;
                }
                if extra {
                    return true;
                }
                &bytes[start..end]
            }
            Place::Other => return false,
        };
        std::str::from_utf8(name)
            .is_ok_and(|n| rules::sensitive_names().is_sensitive_without_value(n))
    }

    /// Take one hit of word `k` at `start..end` into `verdict`; `Break` once
    /// the file is wanted (later hits change nothing).
    pub fn hit(
        &self,
        verdict: &mut Verdict,
        bytes: &[u8],
        k: usize,
        start: usize,
        end: usize,
    ) -> ControlFlow<()> {
        if verdict.wanted {
            return ControlFlow::Break(());
        }
        let (word, roles) = &self.words[k];
        let exact = &bytes[start..end] == word.as_bytes();
        for &role in roles {
            let counts = match role {
                Role::Secret => true,
                _ if !exact => false,
                Role::Log if self.log_window => {
                    let debug = word == "Debug";
                    self.secret_in(&bytes[start..window_end(bytes, end, debug)])
                }
                Role::Log => true,
                Role::Net => true,
                Role::Query => continued(word, bytes, end),
                Role::NetWord => whole_word(bytes, start, end),
                Role::NetModule | Role::LogModule => imported(self.lang, bytes, start, end),
                Role::LogCall => called(bytes, start, end),
            };
            if !counts {
                continue;
            }
            if self.placed
                && matches!(
                    role,
                    Role::Net | Role::NetWord | Role::LogCall | Role::Secret
                )
            {
                if verdict.pending.len() == MAX_PENDING {
                    verdict.wanted = true;
                    return ControlFlow::Break(());
                }
                verdict.pending.push(Pending {
                    start,
                    end,
                    word: k,
                    role,
                });
                continue;
            }
            match role {
                Role::Net | Role::NetModule | Role::NetWord => verdict.wanted = true,
                // Its window had a secret-like word.
                Role::Log if self.log_window => verdict.wanted = true,
                Role::Secret => verdict.secret = true,
                Role::Query => match self.query(word, bytes, start) {
                    QueryHit::Secret => verdict.wanted = true,
                    QueryHit::Quiet => {}
                    QueryHit::Unknown => verdict.query = true,
                },
                _ => verdict.log = true,
            }
            if (verdict.log || verdict.query) && verdict.secret {
                verdict.wanted = true;
            }
            if verdict.wanted {
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    }
}

/// Words that count as secret-like for the log rules without being names:
/// a whole headers dict or the environment logged.
const EXTRA_SECRET_WORDS: [&str; 3] = ["header", "environ", "process.env"];

/// A JS hit judged where it stands, once the file is read ([`CodePrefilter::finish`]).
#[derive(Debug)]
struct Pending {
    start: usize,
    end: usize,
    /// The word's index, and the role it was found for.
    word: usize,
    role: Role,
}

/// At most this many hits wait for [`CodePrefilter::finish`]; past it, the
/// file is parsed.
const MAX_PENDING: usize = 1 << 16;

/// What the hits of a file have shown so far.
#[derive(Debug, Default)]
pub struct Verdict {
    /// A log sink (or logger module) without a window of its own.
    log: bool,
    /// A query parameter's `=` before an interpolation whose value's window
    /// runs on too long to read: a secret-like word anywhere decides.
    query: bool,
    /// A secret-like word.
    secret: bool,
    wanted: bool,
    /// JS hits to judge where they stand.
    pending: Vec<Pending>,
}

impl Verdict {
    /// Is the file worth parsing (on the hits seen)?
    pub fn wanted(&self) -> bool {
        self.wanted
    }
}

/// Longest window a log macro or `Debug` derive gets (a struct of a few
/// hundred fields); a group that runs on is cut here.
const MAX_WINDOW: usize = 64 * 1024;

/// Where the window of a Rust log macro or `Debug` that ends at `from` ends:
/// past the first bracketed group after it (`info!(…)`, `struct C { … }`,
/// `struct K(…);`), or at a `;` before one (a unit struct). After `Debug` in
/// a derive, the attribute is left first and later attributes are skipped
/// (`#[derive(Debug)] #[serde(…)] pub struct C<T> { … }`).
fn window_end(bytes: &[u8], from: usize, debug: bool) -> usize {
    let limit = bytes.len().min(from.saturating_add(MAX_WINDOW));
    let mut i = from;
    let next = bytes[from..limit].iter().find(|b| !b.is_ascii_whitespace());
    if debug && matches!(next, Some(b',' | b')')) {
        // `Debug` inside `derive(…)]`: go past the attribute's `]`.
        match memchr::memchr(b']', &bytes[from..limit]) {
            Some(p) => i = from + p + 1,
            None => return limit,
        }
    }
    while i < limit {
        match bytes[i] {
            b'#' => {
                // Another attribute: `#[…]` or `#![…]`, skipped whole.
                let rest = &bytes[i + 1..limit];
                let at = rest
                    .iter()
                    .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'!'));
                match at {
                    Some(p) if rest[p] == b'[' => i = group_end(bytes, i + 1 + p, limit),
                    _ => i += 1,
                }
            }
            b'(' | b'[' | b'{' => return group_end(bytes, i, limit),
            b';' => return i + 1,
            _ => i += 1,
        }
    }
    limit
}

/// The index after the bracket that closes the group opening at `open`, or
/// `limit`. Strings and character literals are skipped, so a bracket in a
/// format string does not close the group early.
fn group_end(bytes: &[u8], open: usize, limit: usize) -> usize {
    let mut depth = 0usize;
    let mut i = open;
    while i < limit {
        match bytes[i] {
            b'"' => {
                i = skip_string(bytes, i, limit);
                continue;
            }
            b'\'' if bytes.get(i + 2) == Some(&b'\'') || bytes.get(i + 1) == Some(&b'\\') => {
                // A character literal (`'('`, `'\n'`), not a lifetime.
                let close = memchr::memchr(b'\'', &bytes[(i + 2).min(limit)..limit]);
                i = close.map_or(limit, |c| i + 2 + c + 1);
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    limit
}

/// The index after the string literal opening at `at` (`"…"` with escapes,
/// or the `"` of a raw string `r#"…"#`, whose hashes come before it).
fn skip_string(bytes: &[u8], at: usize, limit: usize) -> usize {
    let hashes = bytes[..at].iter().rev().take_while(|&&b| b == b'#').count();
    let raw = bytes[..at - hashes].ends_with(b"r");
    let mut i = at + 1;
    while i < limit {
        match bytes[i] {
            b'\\' if !raw => i += 2,
            b'"' if bytes[i + 1..]
                .iter()
                .take(hashes)
                .filter(|&&b| b == b'#')
                .count()
                == hashes =>
            {
                return i + 1 + hashes;
            }
            _ => i += 1,
        }
    }
    limit
}

/// A `query` word that ends in a quote (`="`, the end of a string literal)
/// counts only where the string is continued with `+` (`"?key=" + key`);
/// the others always do.
fn continued(word: &str, bytes: &[u8], end: usize) -> bool {
    if !word.ends_with(['"', '\'', '`']) {
        return true;
    }
    let next = bytes[end..]
        .iter()
        .find(|b| !(b.is_ascii_whitespace() || **b == b'\\'));
    next == Some(&b'+')
}

/// The query parameter name before a `=` (secret-in-url's `param_before`).
enum Param<'a> {
    /// Back to a `?`, `&` or `;`, or to a quote: the start of the string, or
    /// a quote inside it (then this is the end of secret-in-url's name, and
    /// the name's secret-like part, if any, is a word the file holds).
    Name(&'a str),
    /// A space, `/` or brace comes first (`timeout={`, `a/b=`): secret-in-url
    /// sees no name there, so it reports nothing at this `=`.
    Absent,
    /// Past [`MAX_PARAM`] bytes, the file's start or not UTF-8.
    Unread,
}

/// The query parameter name before the `=` at `eq`, read as secret-in-url
/// reads it (`?apikey=` → `apikey`).
fn query_param(bytes: &[u8], eq: usize) -> Param<'_> {
    let head = &bytes[eq.saturating_sub(MAX_PARAM + 1)..eq];
    let Some(at) = head.iter().rposition(|b| {
        matches!(
            b,
            b'?' | b'&' | b';' | b'/' | b' ' | b'{' | b'}' | b'"' | b'\'' | b'`'
        )
    }) else {
        return Param::Unread;
    };
    match (head[at], std::str::from_utf8(&head[at + 1..])) {
        (b'/' | b' ' | b'{' | b'}', _) => Param::Absent,
        (_, Ok("")) => Param::Absent,
        (_, Ok(name)) => Param::Name(name),
        (_, Err(_)) => Param::Unread,
    }
}

/// Longest query parameter name [`query_param`] reads.
const MAX_PARAM: usize = 256;

/// What one query parameter's `=` shows ([`CodePrefilter::query`]).
enum QueryHit {
    /// A secret-like parameter name, or a secret-like word in the value's statement.
    Secret,
    /// Neither.
    Quiet,
    /// The value's window runs past [`MAX_VALUE_WINDOW`].
    Unknown,
}

/// Longest window [`value_window`] reads.
const MAX_VALUE_WINDOW: usize = 4096;

/// Where the text that holds the value put after a query parameter's `=`
/// ends (`word` is the `query` word found at `eq`), or `None` when it runs
/// past [`MAX_VALUE_WINDOW`] bytes:
/// - after a string continued with `+` (`"?key=" + cfg.key`): the operands
///   that follow, to a `,`, `;`, line end or closing bracket outside them;
/// - a JS template's `${…}`: its braces;
/// - otherwise (an f-string's or format string's `{`, a `%` placeholder,
///   whose values may come after the string): the rest of the statement.
fn value_window(lang: &str, word: &str, bytes: &[u8], eq: usize) -> Option<usize> {
    let after = eq + word.len();
    if word.ends_with(['"', '\'', '`']) {
        operands_end(bytes, after)
    } else if lang == "javascript" && word.ends_with('{') {
        braces_end(bytes, after - 1)
    } else {
        statement_end(bytes, eq)
    }
}

/// The end of the `+` operands from `from` (past the string's closing quote).
fn operands_end(bytes: &[u8], from: usize) -> Option<usize> {
    let limit = bytes.len().min(from.saturating_add(MAX_VALUE_WINDOW));
    let mut depth = 0usize;
    let mut started = false;
    for i in from..limit {
        let b = bytes[i];
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' | b',' | b';' if depth == 0 => return Some(i),
            b')' | b']' | b'}' => depth -= 1,
            b'\n' if depth == 0 && started => {
                let next = bytes[i + 1..limit]
                    .iter()
                    .find(|b| !b.is_ascii_whitespace());
                if next != Some(&b'+') {
                    return Some(i);
                }
            }
            _ => {}
        }
        // The line break right after the `+` does not end it.
        started |= !(b.is_ascii_whitespace() || b == b'+' || b == b'\\');
    }
    (limit == bytes.len()).then_some(limit)
}

/// The end of the brace group opening at `open`.
fn braces_end(bytes: &[u8], open: usize) -> Option<usize> {
    let limit = bytes.len().min(open.saturating_add(MAX_VALUE_WINDOW));
    let mut depth = 0usize;
    for (i, &b) in bytes.iter().enumerate().take(limit).skip(open) {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// The end of the statement holding `from`, read from `from` on: a line end
/// outside the brackets opened after `from`, unless the line ends with an
/// operator, `,` or `\` or the next starts with `+`, `%` or `.`
/// (`.format(…)`). A bracket closing one opened before `from` is passed
/// over, and brackets inside strings count too: either only widens it.
fn statement_end(bytes: &[u8], from: usize) -> Option<usize> {
    let limit = bytes.len().min(from.saturating_add(MAX_VALUE_WINDOW));
    let mut depth = 0usize;
    let mut last = 0u8; // the line's last byte that is not a blank
    for i in from..limit {
        let b = bytes[i];
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'\n' if depth == 0 => {
                let next = bytes[i + 1..limit]
                    .iter()
                    .find(|b| !b.is_ascii_whitespace());
                let goes_on = matches!(last, b'+' | b'%' | b'\\' | b',' | b'=')
                    || matches!(next, Some(b'+' | b'%' | b'.'));
                if !goes_on {
                    return Some(i);
                }
            }
            _ => {}
        }
        if b == b'\n' {
            last = 0;
        } else if !b.is_ascii_whitespace() {
            last = b;
        }
    }
    (limit == bytes.len()).then_some(limit)
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
        let open = if quote(head.last().copied()) {
            head.len() - 1
        } else if head.ends_with(b"node:") && quote(head.len().checked_sub(6).map(|i| head[i])) {
            head.len() - 6
        } else {
            return false;
        };
        quote(next) && js_module_context(&head[..open])
    }
}

/// Does a JS string that starts after `head` name a module? The front end
/// binds modules from `require('m')`, `import('m')` and `import … from 'm'`:
/// the string must follow `require(` or `import(` (brackets and blanks
/// between), or the word `from` or `import` (not `case 'http':`, `id: 'ws'`).
fn js_module_context(head: &[u8]) -> bool {
    let head = head.trim_ascii_end();
    let mut h = head;
    while let Some(rest) = h.strip_suffix(b"(") {
        h = rest.trim_ascii_end();
    }
    let word = |w: &[u8]| {
        h.strip_suffix(w).is_some_and(|before| {
            !before
                .last()
                .is_some_and(|&b| is_word(b) || b == b'$' || b == b'.')
        })
    };
    if h.len() < head.len() {
        word(b"require") || word(b"import")
    } else {
        word(b"from") || word(b"import")
    }
}

/// The sink method at `start..end` where it is called or named after a dot:
/// `.info`, `. info`, `debug(`, `print (`; not a property assigned to
/// (`t.dir = root`, `self.log = logger`: calls through it are `.info(…)`).
fn called(bytes: &[u8], start: usize, end: usize) -> bool {
    if bytes.get(end).copied().is_some_and(is_word) {
        return false;
    }
    let head = bytes[..start].trim_ascii_end();
    if head.last() == Some(&b'.') {
        let tail = bytes[end..].trim_ascii_start();
        let assigned = tail.first() == Some(&b'=') && !matches!(tail.get(1), Some(b'=' | b'>'));
        return !assigned;
    }
    let before = start.checked_sub(1).map(|i| bytes[i]);
    !before.is_some_and(is_word) && bytes[end..].trim_ascii_start().first() == Some(&b'(')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `lang`'s prefilter wants each of `yes` and none of `no`.
    fn check(lang: &'static str, yes: &[&str], no: &[&str]) {
        let p = CodePrefilter::new(lang);
        for y in yes {
            assert!(p.wants(y.as_bytes()), "{lang} should want {y:?}");
        }
        for n in no {
            assert!(!p.wants(n.as_bytes()), "{lang} should not want {n:?}");
        }
    }

    #[test]
    fn python_modules_count_on_import_lines_only() {
        check(
            "python",
            &[
                "import requests\n",
                "import requests as r\n",
                "from aiohttp import ClientSession\n",
                "import os, httpx\n",
                "    from urllib.request import urlopen\n",
                "x = 1\nimport websocket\n",
            ],
            &[
                "# too many requests\n",
                "\"\"\"Sends requests.\"\"\"\n",
                "import requests_oauthlib\n",
                "class WebsocketAssistant: pass\n",
                "from .requests import x\n",
                "import os  # requests\n",
                "x = 'http' \n",
            ],
        );
    }

    #[test]
    fn js_modules_count_where_a_module_is_named() {
        check(
            "javascript",
            &[
                "const https = require('node:https');",
                "const a = require( \"axios\" );",
                "import axios from 'axios';",
                "import{get as g}from\"https\"",
                "export * from 'ws';",
                "const ws = await import('ws');",
                "import 'got';",
            ],
            &[
                "switch(s){case`https`:case`http`:return 1}",
                "const k = {id:`http`,name:`HTTP`};",
                "for (const t of ['request', 'options']) {}",
                "x.require('got')",
                "Array.from('ws')",
            ],
        );
    }

    #[test]
    fn js_words_count_where_they_stand() {
        check(
            "javascript",
            &[
                "fetch(url)",
                "const f = window['fetch'];",
                "const o = {\"rejectUnauthorized\": false};",
                "const u = \"http://api.example.com/v1\";",
                "console.log(cfg.apiKey)",
                "const h = {'X-API-KEY': k};\nconsole.log(h);",
                "const h = {}; h[\"Authorization\"] = t; console.info(h);",
                "const e = `${fetch}`;",
            ],
            &[
                // In a longer string, a comment or a regular expression.
                "const m = 'Failed to fetch data';",
                "const kw = \"a|fetch|rejectUnauthorized|b\";",
                "// fetch(url)\n",
                "/* rejectUnauthorized: false */",
                "const r = /fetch/g;",
                "const d = 'see \"http://www.w3.org/1999/xhtml\"';",
                // A sink with no secret-like name: a bare `token` needs a value
                // to be one, `tokenize` is none, prose is no key.
                "console.log(tokenize(s), token, cfg.token)",
                "const s = 'Invalid API secret'; console.log(s)",
                // A property assigned, not a sink; a sink named in a string.
                "t.dir = root; const apiKey = k;",
                "const s = 'console.log(x)'; const apiKey = k;",
            ],
        );
    }

    #[test]
    fn query_parameters_before_an_interpolation() {
        check(
            "javascript",
            &[
                "const u = `/report?token=${t}`;",
                "const u = '/csv/' + id + '?key=' + auth;",
                "const u = \"/csv?key=\"\n  + auth;",
                // The name is not secret-like, but a word of the file is.
                "const u = `/x?id=${apiKey}`;",
            ],
            &[
                "const u = `/trades?page=${page}&order=${order}`;",
                "const u = '/csv?key=';",
                "const a = 'x', b='y';",
                "const s = `width=${w}`;",
            ],
        );
        check(
            "python",
            &[
                "u = f\"/report?token={t}\"",
                "u = \"/pdf?key=%s\" % auth",
                "u = \"/csv?key=\" + auth",
                "u = \"/csv?key={}\".format(auth)",
                // The value's name, later in the statement.
                "u = \"/csv?id={}&v=2\".format(\n    cfg.api_key,\n)",
                "u = (\"/csv?id=\"\n     + self.api_secret)",
            ],
            &[
                "u = f\"/trades?page={page}\"",
                "u = \"/csv?id=%s\" % i",
                "x=\"a\"",
                // A keyword argument, not a query; and the secret-like word in
                // another statement.
                "x = f(extra={\"prompt\": \"Enter your API secret\"})",
                "u = f\"/x?id={i}\"\napi_key = load()\n",
            ],
        );
        check(
            "rust",
            &["format!(\"/x?key={}\", k)"],
            &["format!(\"/x?page={}\", p)"],
        );
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

    #[test]
    fn rust_log_sinks_and_debug_count_with_a_secret_in_their_window() {
        check(
            "rust",
            &[
            "fn f(c: &C) { info!(\"key {}\", c.api_key); }",
            "fn f() { tracing::info! (secret = %s, \"x\"); }",
            "fn f() { println!(\"{api_secret}\"); }",
            "fn f() { info!(\"a ) b {}\", self.api_secret); }",
            "fn f() { info!(\"{}\", ')', self.api_secret); }",
            "#[derive(Debug)]\nstruct C { api_secret: String }",
            "#[derive(Clone, Debug, Deserialize)]\n#[serde(rename_all = \"camelCase\")]\npub struct C<T> where T: Clone {\n    pub password: T,\n}",
            "#[derive(Debug)] struct K(String, /* private_key */ String);",
            ],
            &[
            "fn f() { info!(\"started\"); }\nconst SECRET_NAME: &str = \"x\";",
            "#[derive(Debug)]\nstruct C { id: u64 }\nfn g(api_secret: &str) {}",
            "#[derive(Debug)] struct Unit;\nfn g(token_secret: &str) {}",
            ],
        );
    }
}
