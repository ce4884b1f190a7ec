//! Which function bodies of a Python file the code rules need parsed.
//!
//! A trading-bot API client is hundreds of one-line wrappers
//! (`return self._get("ticker/price", data=params)`) whose bodies cannot
//! yield a finding. This screen reads the file's tokens (no parse), judges
//! each function body that is not nested in another function, and replaces
//! the bodies no code rule needs by `...`; the front end then parses the
//! rest, and its spans are mapped back to the file (see [`KeptText`]).
//! Findings are those of the whole file: the tests parse every fixture both
//! ways and compare.
//!
//! A body (with its `def` line) is kept when any of these holds, else dropped:
//! * an identifier names what the rule data reads: the root of a dotted path
//!   of `rules/http-clients.toml` or `rules/log-sinks.toml` (`requests`,
//!   `ssl`, `os`, `print`: an unbound name resolves as a builtin), a TLS
//!   setting (`verify`, `check_hostname`), `global`/`nonlocal`;
//! * a session method is called on a receiver whose name makes it a client
//!   (`self.http_client.get(`: the plaintext rule reads its URL);
//! * an identifier is bound at module or class level to something that does
//!   (an import of a path the rule data names or holds, an assignment whose
//!   value mentions such a name: `session = requests.Session()`);
//! * a sink's name is called (`.info(`, `print(`);
//! * an identifier could be secret-like (the sound screen of
//!   [`SensitiveNames::screen`]), or a string could be as a dict key or a
//!   subscript (`{"X-API-KEY": k}`), or, beside a `=`, with a value (the
//!   `key=` of a query string); an implicit concatenation is one string;
//! * a string starts with a plaintext scheme, could spell one through an
//!   escape or an implicit concatenation, or is not ASCII;
//! * a statement assigns to an attribute (`self.session = …`: other methods
//!   read the type it gives `self.session`).
//!
//! The leading docstring of a body is not read. The file is parsed whole when
//! the tokens are not what this screen follows: an unterminated string,
//! unbalanced brackets, a stray backslash, an f-string nesting its own
//! quotes, an `import` after a `:` or `;`; and, after the parse (see
//! `python::extract_for_rules`), when the kept text has a syntax error, or
//! when a name a dropped body assigns is also assigned a URL in the kept
//! text (the plaintext rule looks a URL variable up in other scopes).
//!
//! The same pass screens the file's depth as [`super::python::too_deep`]
//! does, with the same verdict (a test holds them to it), so that the file is
//! read once before the parse. One thing the selection does not see: a syntax
//! error inside a dropped body (the parser never reads it), so such a file is
//! not reported as having one; its findings are the whole file's all the
//! same (the fixture variants of the tests cover this).

use super::kept::KeptText;
use crate::keywords::KeywordSet;
use crate::rules::clients::{HttpClients, LogSinks};
use crate::rules::names::SensitiveNames;
use foldhash::{HashSet, HashSetExt};
use std::ops::ControlFlow;
use std::sync::OnceLock;

/// Roles of a secret word: secret-like without a value / with one.
const ROLE_SECRET: u8 = 1;
const ROLE_SECRET_WITH_VALUE: u8 = 2;

/// Rounds of the module-level binding closure before the file is parsed whole.
const MAX_BINDING_ROUNDS: usize = 8;

pub struct Selector {
    /// Identifiers that are relevant wherever they appear.
    words: HashSet<String>,
    /// Sinks' names: relevant when called.
    sink_words: HashSet<String>,
    /// Methods that send a request on a session (`get`, `ws_connect`).
    session_methods: HashSet<String>,
    /// Last words that make an untyped receiver a client, lowercase.
    receivers: Vec<String>,
    /// The secret words, any case (pairs' halves too).
    secret_set: KeywordSet,
    /// Per pattern of `secret_set`: its text and roles.
    secret: Vec<(String, u8)>,
    /// A prefilter for `words` and `sink_words`: their first bytes and lengths.
    word_firsts: [bool; 256],
    word_lens: u64,
    /// Pairs of secret words, as pattern indices (both in one token).
    pairs: Vec<(usize, usize)>,
    /// Dotted paths of the rule data: an import binding one of them, a
    /// prefix of one, or a path under one binds a name that matters.
    paths: Vec<String>,
    /// Plaintext URL schemes, lowercase (`http://`).
    schemes: Vec<String>,
}

/// The selector for the Python rule data.
pub fn selector() -> &'static Selector {
    static S: OnceLock<Selector> = OnceLock::new();
    S.get_or_init(|| {
        Selector::new(
            crate::rules::http_clients()
                .lang("python")
                .expect("python clients"),
            crate::rules::log_sinks()
                .lang("python")
                .expect("python sinks"),
            crate::rules::sensitive_names(),
        )
    })
}

fn root(path: &str) -> &str {
    path.split(['.', '[']).next().unwrap_or(path)
}

fn last(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

impl Selector {
    pub fn new(clients: &HttpClients, sinks: &LogSinks, names: &SensitiveNames) -> Selector {
        let mut paths: Vec<String> = Vec::new();
        let mut words: Vec<String> = vec!["global".into(), "nonlocal".into()];
        for c in &clients.client {
            paths.extend(c.calls.iter().cloned());
            paths.extend(c.sessions.iter().cloned());
            paths.extend(c.timeout_defaults.iter().cloned());
            paths.extend(c.infinite_timeouts.iter().map(|t| t.call.clone()));
            words.extend(c.tls_params.iter().cloned());
        }
        let tls = &clients.tls;
        paths.extend(tls.unverified_calls.iter().cloned());
        paths.extend(tls.unverified_refs.iter().cloned());
        paths.extend(tls.warning_calls.iter().cloned());
        paths.extend(tls.unsafe_call_args.iter().map(|u| u.call.clone()));
        for a in &tls.unsafe_assigns {
            match a.target.strip_prefix("*.") {
                Some(attr) => words.push(attr.to_string()),
                None => paths.push(root_path(&a.target).to_string()),
            }
        }
        words.extend(tls.unsafe_kwargs.iter().map(|u| u.name.clone()));
        words.extend(tls.unsafe_dict_entries.iter().map(|u| u.key.clone()));
        words.extend(tls.custom_verifier_methods.iter().cloned());
        let pt = &clients.plaintext;
        paths.extend(pt.plaintext_calls.iter().cloned());
        paths.extend(pt.url_calls.iter().cloned());
        paths.extend(sinks.calls.iter().cloned());
        paths.extend(sinks.logger_factories.iter().cloned());
        paths.extend(sinks.whole_values.iter().cloned());
        words.extend(paths.iter().map(|p| root(p).to_string()));
        let sink_words: Vec<String> = sinks
            .calls
            .iter()
            .map(|c| last(c).to_string())
            .chain(sinks.logger_methods.iter().cloned())
            .collect();

        // The secret screen: single words (without / with a value) and
        // pairs' halves, each once, halves first (a token's halves are a
        // 64-bit set).
        let (wo_single, wo_pairs) = names.screen(false);
        let (with_single, with_pairs) = names.screen(true);
        let mut secret: Vec<(String, u8)> = Vec::new();
        let mut add = |w: &str, role: u8| -> usize {
            let w = w.to_ascii_lowercase();
            match secret.iter().position(|(p, _)| *p == w) {
                Some(i) => {
                    secret[i].1 |= role;
                    i
                }
                None => {
                    secret.push((w, role));
                    secret.len() - 1
                }
            }
        };
        let mut pairs = Vec::new();
        for (a, b) in wo_pairs.iter().chain(&with_pairs) {
            // A pair counts with or without a value (a superset is sound).
            let (a, b) = (add(a, 0), add(b, 0));
            assert!(a < 64 && b < 64, "more than 64 secret pair words");
            pairs.push((a, b));
        }
        pairs.sort_unstable();
        pairs.dedup();
        for w in &wo_single {
            add(w, ROLE_SECRET);
        }
        for w in &with_single {
            add(w, ROLE_SECRET_WITH_VALUE);
        }
        let secret_set = KeywordSet::new(secret.iter().map(|(p, _)| p), true)
            .expect("python selector secret words");
        let (mut word_firsts, mut word_lens) = ([false; 256], 0u64);
        let session_methods: HashSet<String> = clients
            .client
            .iter()
            .flat_map(|c| c.session_methods.iter().cloned())
            .collect();
        for w in words.iter().chain(&sink_words).chain(&session_methods) {
            word_firsts[usize::from(w.as_bytes()[0])] = true;
            word_lens |= 1 << w.len().min(63);
        }
        Selector {
            words: words.into_iter().collect(),
            sink_words: sink_words.into_iter().collect(),
            session_methods,
            receivers: pt
                .receiver_words
                .iter()
                .map(|w| w.to_ascii_lowercase())
                .collect(),
            secret_set,
            secret,
            word_firsts,
            word_lens,
            pairs,
            paths,
            schemes: pt.schemes.iter().map(|s| s.to_ascii_lowercase()).collect(),
        }
    }

    /// Does an import binding `path` bind a name the rule data reads?
    fn path_matters(&self, path: &str) -> bool {
        self.paths.iter().any(|p| {
            let under = |long: &str, short: &str| {
                long.len() > short.len()
                    && long.starts_with(short)
                    && long.as_bytes()[short.len()] == b'.'
            };
            p == path || under(p, path) || under(path, p)
        })
    }
}

/// `os.environ[PYTHONHTTPSVERIFY]` → `os.environ`.
fn root_path(target: &str) -> &str {
    target.split('[').next().unwrap_or(target)
}

/// What [`Selector::select`] makes of a file.
pub enum Selected {
    /// Parse the kept text.
    Kept(Selection),
    /// Parse the whole file. `screened`: its depth has been screened (it is
    /// within the parser's limits); otherwise [`super::python::too_deep`] has
    /// yet to say.
    Whole { screened: bool },
    /// Do not parse: nested or indented too deep (the reason).
    TooDeep(String),
}

/// The text to parse, and the names the dropped bodies assign (see the
/// module docs).
pub struct Selection {
    pub kept: KeptText,
    pub assigned: HashSet<String>,
    /// Bodies dropped.
    pub dropped: usize,
}

// ---------------------------------------------------------------------------
// Tokens

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Ident,
    Str,
    /// An f-string (or t-string): its fields are code, read as identifiers too.
    FStr,
}

/// Token flags.
const CALLED: u8 = 1;
const AFTER_DOT: u8 = 2;
/// Judged relevant when scanned (a non-ASCII identifier).
const RELEVANT: u8 = 4;
/// An identifier an attribute is read from (`self` in `self.x`).
const BEFORE_DOT: u8 = 16;
/// Inside brackets.
const NESTED: u8 = 32;

/// Is `w` one of Python's keywords (or soft keywords)? Never a bound name.
/// A `match` (the compiler switches on the length first), not a scan of a list:
/// it runs for most logical lines.
fn is_keyword(w: &[u8]) -> bool {
    matches!(
        w,
        b"False"
            | b"None"
            | b"True"
            | b"and"
            | b"as"
            | b"assert"
            | b"async"
            | b"await"
            | b"break"
            | b"case"
            | b"class"
            | b"continue"
            | b"def"
            | b"del"
            | b"elif"
            | b"else"
            | b"except"
            | b"finally"
            | b"for"
            | b"from"
            | b"global"
            | b"if"
            | b"import"
            | b"in"
            | b"is"
            | b"lambda"
            | b"match"
            | b"nonlocal"
            | b"not"
            | b"or"
            | b"pass"
            | b"raise"
            | b"return"
            | b"try"
            | b"type"
            | b"while"
            | b"with"
            | b"yield"
    )
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    start: u32,
    end: u32,
    /// An identifier's [`hash_ident`] (its id in [`Names`] is looked up when
    /// it is judged: most tokens of a kept body never are).
    hash: u32,
    kind: Kind,
    flags: u8,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum LineKind {
    Def,
    Class,
    Import,
    /// An assignment, `for` or `with`: it may bind names.
    Binding,
    Other,
}

#[derive(Clone, Copy, Debug)]
struct Line {
    /// Offset of the line's first byte (its indentation).
    start: u32,
    /// Indentation in columns (a tab to the next multiple of 8).
    col: u32,
    /// Indentation mixes tabs and spaces or holds a form feed.
    odd_indent: bool,
    /// Tokens `first_tok..end_tok`.
    first_tok: u32,
    end_tok: u32,
    kind: LineKind,
    /// Just after the `:` that ends the line (a block opener), or 0.
    colon_end: u32,
    /// The target of an assignment (before its first `=` or `:`) has a `.`.
    attr_target: bool,
    /// The last assignment `=` outside brackets, or 0.
    last_eq: u32,
}

struct Scan {
    toks: Vec<Tok>,
    lines: Vec<Line>,
}

/// Why [`scan`] stopped.
enum Stop {
    /// The tokens are not what the selector follows.
    Unfollowed,
    /// Nested or indented deeper than the parser is given (the reason of
    /// [`super::python::too_deep`], which would say the same).
    TooDeep(String),
}

/// [`super::python::too_deep`]'s measure of an indentation: a tab is eight
/// columns, a form feed ends it.
fn too_deep_indent(src: &[u8], mut i: usize) -> Result<(), Stop> {
    let mut col = 0usize;
    while let Some(&c) = src.get(i) {
        match c {
            b' ' => col += 1,
            b'\t' => col += 8,
            _ => break,
        }
        i += 1;
    }
    if col > super::python::MAX_INDENT_COLUMNS {
        return Err(Stop::TooDeep(super::python::too_deep_indented()));
    }
    Ok(())
}

// Identifier bytes are Python's as Rust's: ASCII letters, digits, `_`, and
// every byte of a non-ASCII character.
use super::rust_items::{
    is_ident_continue as is_ident_byte, is_ident_start, IDENT_CONTINUE as IDENT,
};

/// A string prefix (`r`, `b`, `f`, `rb`, `Rb`, `t`…)?
fn string_prefix(w: &[u8]) -> Option<bool> {
    if w.len() > 2 || !w.iter().all(|c| b"rRbBuUfFtT".contains(c)) {
        return None;
    }
    Some(w.iter().any(|c| b"fFtT".contains(c)))
}

/// The line being built.
struct Open {
    line: Line,
    /// A `.` outside brackets before the first `=` or `:`.
    dot: bool,
    /// The first `=` or `:` outside brackets has been seen.
    decided: bool,
    /// The last significant byte outside brackets was a `:`, ending here.
    colon_after: u32,
}

/// Read `src`'s logical lines and tokens, and screen its depth as
/// [`super::python::too_deep`] does (the first excess it meets, the same).
fn scan(src: &[u8]) -> Result<Scan, Stop> {
    let n = src.len();
    let mut toks: Vec<Tok> = Vec::with_capacity(n / 16);
    let mut lines: Vec<Line> = Vec::with_capacity(n / 64);
    let mut depth: u32 = 0;
    let mut i = 0usize;
    let close = |o: Open, toks: &Vec<Tok>, lines: &mut Vec<Line>| {
        let mut l = o.line;
        l.end_tok = toks.len() as u32;
        // `self.x = …`, `self.x: T` (not `if self.x:`, `def f() -> a.B:`).
        l.attr_target = o.dot
            && o.decided
            && (l.last_eq != 0
                || !toks.get(l.first_tok as usize).is_some_and(|t| {
                    t.kind == Kind::Ident && is_keyword(&src[t.start as usize..t.end as usize])
                }));
        l.colon_end = o.colon_after;
        lines.push(l);
    };
    'lines: loop {
        // At the start of a physical line outside brackets: indentation.
        let start = i;
        too_deep_indent(src, i)?;
        let (mut col, mut tabs, mut spaces, mut ff) = (0u32, false, false, false);
        while i < n {
            match src[i] {
                b' ' => {
                    col += 1;
                    spaces = true;
                }
                b'\t' => {
                    col = (col / 8 + 1) * 8;
                    tabs = true;
                }
                b'\x0c' => ff = true,
                _ => break,
            }
            i += 1;
        }
        if i >= n {
            break;
        }
        match src[i] {
            b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'#' => {
                i += memchr::memchr(b'\n', &src[i..]).map_or(n - i, |k| k + 1);
                continue;
            }
            _ => {}
        }
        let mut o = Open {
            line: Line {
                start: start as u32,
                col,
                odd_indent: (tabs && spaces) || ff,
                first_tok: toks.len() as u32,
                end_tok: 0,
                kind: LineKind::Other,
                colon_end: 0,
                attr_target: false,
                last_eq: 0,
            },
            dot: false,
            decided: false,
            colon_after: 0,
        };
        // The logical line's tokens.
        loop {
            let Some(&b) = src.get(i) else {
                close(o, &toks, &mut lines);
                break 'lines;
            };
            match b {
                b' ' | b'\t' | b'\x0c' | b'\r' => {
                    i += 1;
                    continue;
                }
                b'\n' => {
                    i += 1;
                    if depth == 0 {
                        close(o, &toks, &mut lines);
                        continue 'lines;
                    }
                    continue;
                }
                b'#' => {
                    i += memchr::memchr(b'\n', &src[i..]).unwrap_or(n - i);
                    continue;
                }
                b'\\' => {
                    // A line continuation; anything else outside a string is an error.
                    match (src.get(i + 1), src.get(i + 2)) {
                        (Some(b'\n'), _) => i += 2,
                        (Some(b'\r'), Some(b'\n')) => i += 3,
                        _ => return Err(Stop::Unfollowed),
                    }
                    if depth == 0 {
                        too_deep_indent(src, i)?;
                    }
                    continue;
                }
                _ => {}
            }
            // A significant byte: the line no longer ends with a `:` (unless it is one).
            o.colon_after = 0;
            match b {
                b'(' | b'[' | b'{' => {
                    if b == b'(' {
                        if let Some(t) = toks.last_mut() {
                            if t.kind == Kind::Ident && t.end as usize == prev_non_space(src, i) {
                                t.flags |= CALLED;
                            }
                        }
                    }
                    depth += 1;
                    if depth as usize > super::python::MAX_BRACKET_DEPTH {
                        return Err(Stop::TooDeep(super::python::too_deep_nested()));
                    }
                    i += 1;
                }
                b')' | b']' | b'}' => {
                    depth = depth.checked_sub(1).ok_or(Stop::Unfollowed)?;
                    i += 1;
                }
                b'"' | b'\'' => i = string(src, i, false, &mut toks).ok_or(Stop::Unfollowed)?,
                b'.' if src.get(i + 1).is_some_and(|c| c.is_ascii_digit()) => {
                    i = number_end(src, i + 1);
                }
                b'.' => {
                    if depth == 0 && !o.decided {
                        o.dot = true;
                    }
                    if let Some(t) = toks.last_mut() {
                        if t.kind == Kind::Ident && t.end as usize == prev_non_space(src, i) {
                            t.flags |= BEFORE_DOT;
                        }
                    }
                    i += 1;
                    // `...` is not an attribute access.
                    if src.get(i) == Some(&b'.') {
                        while src.get(i) == Some(&b'.') {
                            i += 1;
                        }
                    } else {
                        let mut j = i;
                        while j < n && (src[j] == b' ' || src[j] == b'\t') {
                            j += 1;
                        }
                        if j < n && is_ident_start(src[j]) {
                            i = push_ident(&mut toks, src, j, AFTER_DOT | nested(depth));
                        }
                    }
                }
                b'=' => {
                    let prev = if i > 0 { src[i - 1] } else { 0 };
                    if src.get(i + 1) == Some(&b'=') {
                        i += 2;
                    } else {
                        if depth == 0 && !b"=!<>".contains(&prev) {
                            o.decided = true;
                            o.line.last_eq = i as u32;
                            if o.line.kind == LineKind::Other {
                                o.line.kind = LineKind::Binding;
                            }
                        }
                        i += 1;
                    }
                }
                b':' => {
                    if depth == 0 {
                        o.decided = true;
                        o.colon_after = i as u32 + 1;
                    }
                    i += 1;
                }
                b'0'..=b'9' => i = number_end(src, i),
                c if is_ident_start(c) => {
                    // A string's prefix (`f"…"`) is no identifier: its token goes.
                    let before = toks.len();
                    let end = push_ident(&mut toks, src, i, nested(depth));
                    if matches!(src.get(end), Some(b'"' | b'\'')) {
                        if let Some(f) = string_prefix(&src[i..end]) {
                            toks.truncate(before);
                            i = string(src, end, f, &mut toks).ok_or(Stop::Unfollowed)?;
                            continue;
                        }
                    }
                    let nth = before - o.line.first_tok as usize;
                    if nth < 2 {
                        let word = &src[i..end];
                        let after_async = nth == 1 && {
                            let t = toks[before - 1];
                            &src[t.start as usize..t.end as usize] == b"async"
                        };
                        o.line.kind = match word {
                            b"def" if nth == 0 || after_async => LineKind::Def,
                            b"class" if nth == 0 => LineKind::Class,
                            b"import" | b"from" if nth == 0 => LineKind::Import,
                            b"for" | b"with" if nth == 0 || after_async => LineKind::Binding,
                            _ => o.line.kind,
                        };
                    }
                    i = end;
                }
                _ => i += 1,
            }
        }
    }
    if depth != 0 {
        return Err(Stop::Unfollowed);
    }
    Ok(Scan { toks, lines })
}

/// Is the text between the tokens ending at `a` and starting at `b` only
/// blanks, line continuations, comments, quotes and string prefixes (the two
/// are strings of one implicit concatenation)?
fn adjacent(src: &[u8], a: u32, b: u32) -> bool {
    let gap = &src[a as usize..b as usize];
    let mut i = 0;
    while i < gap.len() {
        match gap[i] {
            b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\\' | b'"' | b'\'' => i += 1,
            // Letters between two tokens: a prefix (every name is a token).
            c if c.is_ascii_alphabetic() => i += 1,
            b'#' => i += memchr::memchr(b'\n', &gap[i..]).unwrap_or(gap.len() - i),
            _ => return false,
        }
    }
    true
}

/// Could the string (or implicit concatenation) between `start` and `end`
/// (its text, quotes left out) be a key: followed by a `:` (a dict entry) or
/// preceded by a `[` (a subscript)?
fn key_position(src: &[u8], end: u32, start: u32) -> bool {
    let blank = |c: u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\\');
    // After the closing quotes (at most three).
    let mut j = end as usize;
    let quote = src.get(j).copied();
    while j < src.len() && Some(src[j]) == quote && j < end as usize + 3 {
        j += 1;
    }
    while j < src.len() && blank(src[j]) {
        j += 1;
    }
    if matches!(src.get(j), Some(b':' | b'#')) {
        return true;
    }
    // Before the opening quotes and prefix.
    let mut j = start as usize;
    while j > 0 && matches!(src[j - 1], b'"' | b'\'') {
        j -= 1;
    }
    while j > 0 && src[j - 1].is_ascii_alphabetic() {
        j -= 1;
    }
    while j > 0 && blank(src[j - 1]) {
        j -= 1;
    }
    j > 0 && src[j - 1] == b'['
}

/// The offset just after the last non-blank byte before `i` on its line.
fn prev_non_space(src: &[u8], mut i: usize) -> usize {
    while i > 0 && (src[i - 1] == b' ' || src[i - 1] == b'\t') {
        i -= 1;
    }
    i
}

fn nested(depth: u32) -> u8 {
    if depth > 0 {
        NESTED
    } else {
        0
    }
}

fn ident_end(src: &[u8], mut i: usize) -> usize {
    while i < src.len() && is_ident_byte(src[i]) {
        i += 1;
    }
    i
}

fn number_end(src: &[u8], mut i: usize) -> usize {
    while i < src.len() && (is_ident_byte(src[i]) || src[i] == b'.') {
        i += 1;
    }
    i
}

/// Push the identifier starting at `start`; return its end.
fn push_ident(toks: &mut Vec<Tok>, src: &[u8], start: usize, flags: u8) -> usize {
    let (mut end, mut hash, mut high) = (start, 0u32, 0u8);
    while let Some(&c) = src.get(end) {
        if !IDENT[usize::from(c)] {
            break;
        }
        hash = hash_step(hash, c);
        high |= c;
        end += 1;
    }
    toks.push(Tok {
        start: start as u32,
        end: end as u32,
        hash,
        kind: Kind::Ident,
        flags: flags | if high < 0x80 { 0 } else { RELEVANT },
    });
    end
}

fn hash_step(h: u32, b: u8) -> u32 {
    (h.rotate_left(5) ^ u32::from(b)).wrapping_mul(0x2722_0a95)
}

/// A cheap hash of an identifier (FxHash's step).
fn hash_ident(w: &[u8]) -> u32 {
    w.iter().fold(0, |h, &b| hash_step(h, b))
}

/// The file's distinct identifiers, interned as they are judged: what the
/// screen made of each (once per name, see [`Selector::ident_screen`]), and
/// whether it is bound.
struct Names {
    /// Open addressing: (hash, id + 1); 0 is empty.
    table: Vec<(u32, u32)>,
    /// Per id: where its first occurrence is, and its length.
    spans: Vec<(u32, u32)>,
    /// Per id: the screen's bits (0, 1, [`RECEIVER`], [`SESSION_METHOD`]),
    /// [`SCREENED`] once they are in, [`BOUND`].
    bits: Vec<u8>,
    bound: usize,
}

/// [`Names::bits`]: the screen has judged the name; the name is bound.
const SCREENED: u8 = 0x80;
const BOUND: u8 = 0x40;
/// [`Names::bits`] from the screen: a client-like receiver's name, a
/// session method's.
const RECEIVER: u8 = 4;
const SESSION_METHOD: u8 = 8;

/// Are the `len` bytes of `src` at `a` and at `b` the same? Eight at a time
/// (identifiers are short: a call to `memcmp` costs more than comparing).
fn same_at(src: &[u8], a: usize, b: usize, len: usize) -> bool {
    let word = |at: usize| {
        src.get(at..at + 8)
            .map(|w| u64::from_le_bytes(w.try_into().expect("8")))
    };
    let mut k = 0;
    while k + 8 <= len {
        if word(a + k) != word(b + k) {
            return false;
        }
        k += 8;
    }
    let rest = len - k;
    if rest == 0 {
        return true;
    }
    match (word(a + k), word(b + k)) {
        // Both have eight bytes to read: compare the first `rest` of them.
        (Some(x), Some(y)) => (x ^ y) & (u64::MAX >> (8 * (8 - rest))) == 0,
        _ => src[a + k..a + len] == src[b + k..b + len],
    }
}

impl Names {
    fn new() -> Names {
        Names {
            table: vec![(0, 0); 1024],
            spans: Vec::new(),
            bits: Vec::new(),
            bound: 0,
        }
    }

    /// The id of the name at `start..start + len` of `src` (a new one if new).
    fn intern(&mut self, src: &[u8], hash: u32, start: u32, len: u32) -> u32 {
        if 2 * (self.spans.len() + 1) > self.table.len() {
            let grown = vec![(0, 0); 2 * self.table.len()];
            let old = std::mem::replace(&mut self.table, grown);
            let mask = self.table.len() - 1;
            for (h, id) in old.into_iter().filter(|e| e.1 != 0) {
                let mut i = home(h) & mask;
                while self.table[i].1 != 0 {
                    i = (i + 1) & mask;
                }
                self.table[i] = (h, id);
            }
        }
        let mask = self.table.len() - 1;
        let mut i = home(hash) & mask;
        loop {
            let (h, id) = self.table[i];
            if id == 0 {
                let id = self.spans.len() as u32;
                self.table[i] = (hash, id + 1);
                self.spans.push((start, len));
                self.bits.push(0);
                return id;
            }
            if h == hash {
                let (s, l) = self.spans[id as usize - 1];
                if l == len && same_at(src, s as usize, start as usize, len as usize) {
                    return id - 1;
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// The id of identifier token `t`.
    fn id_of(&mut self, src: &[u8], t: &Tok) -> u32 {
        self.intern(src, t.hash, t.start, t.end - t.start)
    }

    fn bind(&mut self, id: u32) {
        let b = &mut self.bits[id as usize];
        if *b & BOUND == 0 {
            *b |= BOUND;
            self.bound += 1;
        }
    }
}

/// A table slot for a hash: its high bits (the low ones mix poorly).
fn home(hash: u32) -> usize {
    (u64::from(hash).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize
}

/// Read the string literal whose opening quote is at `q`; push its token
/// (and, for an f-string, the identifiers of its text); return its end.
fn string(src: &[u8], q: usize, f: bool, toks: &mut Vec<Tok>) -> Option<usize> {
    let n = src.len();
    let quote = src[q];
    let triple = src.get(q + 1) == Some(&quote) && src.get(q + 2) == Some(&quote);
    let open = if triple { 3 } else { 1 };
    let body = q + open;
    let mut j = body;
    let close = loop {
        let rest = src.get(j..)?;
        let k = j + if triple {
            memchr::memchr2(quote, b'\\', rest)?
        } else {
            memchr::memchr3(quote, b'\\', b'\n', rest)?
        };
        match src[k] {
            b'\\' => j = k + if src.get(k + 1) == Some(&b'\r') { 3 } else { 2 },
            b'\n' if !triple => return None,
            b'\n' => j = k + 1,
            _ if triple => {
                if src.get(k + 1) == Some(&quote) && src.get(k + 2) == Some(&quote) {
                    break k;
                }
                j = k + 1;
            }
            _ => break k,
        }
        if j > n {
            return None;
        }
    };
    let text = &src[body..close];
    toks.push(Tok {
        start: body as u32,
        end: close as u32,
        hash: 0,
        kind: if f { Kind::FStr } else { Kind::Str },
        flags: 0,
    });
    if f {
        // The fields are code: their names, read as identifiers (the literal
        // text's words too, a superset). A quote inside a field (`f"{d["k"]}"`)
        // is not followed: an unbalanced field sends the file to a whole parse.
        let mut level = 0i32;
        let mut a = 0;
        while a < text.len() {
            match text[a] {
                b'{' if text.get(a + 1) == Some(&b'{') && level == 0 => a += 2,
                b'}' if text.get(a + 1) == Some(&b'}') && level == 0 => a += 2,
                b'{' => {
                    level += 1;
                    a += 1;
                }
                b'}' => {
                    level -= 1;
                    if level < 0 {
                        return None;
                    }
                    a += 1;
                }
                c if is_ident_start(c) => {
                    let e = ident_end(text, a);
                    let mut flags = 0;
                    if a > 0 && text[a - 1] == b'.' {
                        flags |= AFTER_DOT;
                    }
                    if text.get(e) == Some(&b'(') {
                        flags |= CALLED;
                    }
                    push_ident(toks, src, body + a, flags);
                    a = e;
                }
                _ => a += 1,
            }
        }
        if level != 0 {
            return None;
        }
    }
    Some(close + open)
}

// ---------------------------------------------------------------------------
// Selection

/// A function body the selector may drop.
struct Body {
    /// The `def` line and the body's lines: `header..end_line`.
    header: usize,
    end_line: usize,
}

impl Selector {
    /// What of `src` to parse: see [`Selected`].
    pub fn select(&self, src: &str) -> Selected {
        let bytes = src.as_bytes();
        if bytes.len() >= u32::MAX as usize || memchr::memmem::find(bytes, b"def").is_none() {
            return Selected::Whole { screened: false };
        }
        let Scan { toks, lines } = match scan(bytes) {
            Ok(s) => s,
            Err(Stop::TooDeep(reason)) => return Selected::TooDeep(reason),
            Err(Stop::Unfollowed) => return Selected::Whole { screened: false },
        };
        match self.kept(src, &toks, &lines, &mut Names::new()) {
            Some(sel) => Selected::Kept(sel),
            None => Selected::Whole { screened: true },
        }
    }

    /// The selection of a scanned file, or `None` when it is parsed whole.
    fn kept(
        &self,
        src: &str,
        toks: &[Tok],
        lines: &[Line],
        names: &mut Names,
    ) -> Option<Selection> {
        let bodies = bodies(lines);
        if bodies.is_empty() {
            return None;
        }
        self.bound_names(src, toks, lines, &bodies, names)?;
        let text = |t: &Tok| &src[t.start as usize..t.end as usize];
        let mut drop = Vec::new();
        for b in &bodies {
            let first = &lines[b.header + 1];
            // The leading docstring: a line of plain strings alone.
            let doc = {
                let ts = &toks[first.first_tok as usize..first.end_tok as usize];
                !ts.is_empty() && ts.iter().all(|t| t.kind == Kind::Str)
            };
            let from = lines[b.header].first_tok as usize;
            let to = lines[b.end_line - 1].end_tok as usize;
            let skip = if doc {
                first.first_tok as usize..first.end_tok as usize
            } else {
                0..0
            };
            let relevant = lines[b.header + 1..b.end_line]
                .iter()
                .any(|l| l.attr_target)
                || (from..to)
                    .any(|k| !skip.contains(&k) && self.relevant(src, toks, k, names, true));
            if !relevant {
                drop.push(b);
            }
        }
        if drop.is_empty() {
            return None;
        }
        // Names the dropped bodies assign (before an assignment's last `=`).
        let mut assigned = HashSet::new();
        for b in &drop {
            for l in &lines[b.header + 1..b.end_line] {
                if l.last_eq == 0 {
                    continue;
                }
                for t in &toks[l.first_tok as usize..l.end_tok as usize] {
                    if t.kind == Kind::Ident && t.start < l.last_eq && t.flags & AFTER_DOT == 0 {
                        assigned.insert(text(t).to_string());
                    }
                }
            }
        }
        let dropped_len: usize = drop
            .iter()
            .map(|b| body_end(src, lines, b) - lines[b.header].colon_end as usize)
            .sum();
        let mut kept = KeptText {
            text: String::with_capacity(src.len() - dropped_len + 5 * drop.len()),
            pieces: Vec::with_capacity(drop.len() + 1),
        };
        let mut at = 0;
        for b in &drop {
            let colon = lines[b.header].colon_end as usize;
            kept.pieces.push((kept.text.len(), at));
            kept.text.push_str(&src[at..colon]);
            kept.text.push_str(" ...\n");
            at = body_end(src, lines, b);
        }
        if at < src.len() {
            kept.pieces.push((kept.text.len(), at));
            kept.text.push_str(&src[at..]);
        }
        Some(Selection {
            kept,
            assigned,
            dropped: drop.len(),
        })
    }

    /// [`Self::ident_screen`], remembered per scan thread across files (the
    /// same names recur from file to file; the screen costs hundreds of
    /// instructions a name). The answers are this selector's (built once from
    /// the embedded rule data); the memory is bounded.
    fn ident_screen_cached(&self, w: &str) -> u8 {
        /// Names remembered per thread before the memory starts over.
        const MAX_REMEMBERED: usize = 1 << 16;
        type Seen = (usize, foldhash::HashMap<Box<str>, u8>);
        thread_local! {
            static SEEN: std::cell::RefCell<Seen> = std::cell::RefCell::default();
        }
        SEEN.with(|seen| {
            let (owner, seen) = &mut *seen.borrow_mut();
            // Another selector's answers (a test's) are not this one's.
            let me = self as *const Selector as usize;
            if *owner != me {
                *owner = me;
                seen.clear();
            }
            if let Some(&bits) = seen.get(w) {
                return bits;
            }
            let bits = self.ident_screen(w);
            if seen.len() >= MAX_REMEMBERED {
                seen.clear();
            }
            seen.insert(w.into(), bits);
            bits
        })
    }

    /// What the screen makes of an identifier: bit 0, it is relevant; bit 1,
    /// it is when called; [`RECEIVER`], [`SESSION_METHOD`].
    fn ident_screen(&self, w: &str) -> u8 {
        let mut out = 0;
        let b = w.as_bytes();
        if self.word_firsts[usize::from(b[0])] && self.word_lens & (1 << b.len().min(63)) != 0 {
            if self.words.contains(w) {
                out |= 1;
            }
            if self.sink_words.contains(w) {
                out |= 2;
            }
            if self.session_methods.contains(w) {
                out |= SESSION_METHOD;
            }
        }
        // The identifier's last word (`http_client`, `wsClient`; `rows` is not `ws`).
        let last_word = self.receivers.iter().any(|r| {
            let s = b.len().wrapping_sub(r.len());
            b.len() >= r.len()
                && b[s..].eq_ignore_ascii_case(r.as_bytes())
                && (s == 0
                    || b[s - 1] == b'_'
                    || b[s].is_ascii_uppercase()
                    || b[s - 1].is_ascii_digit())
        });
        if last_word {
            out |= RECEIVER;
        }
        if self.secret_words(b, false) {
            out |= 1;
        }
        out
    }

    /// Is token `k` a session method called on the receiver before it
    /// (`.get(` in `self.http_client.get(url)`)? An untyped receiver counts
    /// as a client only then.
    fn session_call(&self, src: &str, toks: &[Tok], k: usize, names: &mut Names) -> bool {
        let Some(&t) = toks.get(k) else {
            return false;
        };
        if t.kind != Kind::Ident || t.flags & (AFTER_DOT | CALLED) != AFTER_DOT | CALLED {
            return false;
        }
        self.bits_of(src, &t, names) & SESSION_METHOD != 0
    }

    /// The bits of identifier token `t`'s name, screened on first sight.
    fn bits_of(&self, src: &str, t: &Tok, names: &mut Names) -> u8 {
        let id = names.id_of(src.as_bytes(), t) as usize;
        if names.bits[id] & SCREENED == 0 {
            let screen = self.ident_screen_cached(&src[t.start as usize..t.end as usize]);
            names.bits[id] |= SCREENED | screen;
        }
        names.bits[id]
    }

    /// Could this text be or hold a secret-like name (`with_value`: or one
    /// that is secret-like beside a value, the `key=` of a query string)?
    fn secret_words(&self, text: &[u8], with_value: bool) -> bool {
        let mut seen: u64 = 0;
        let secret = self.secret_set.each_hit(text, |p, _, _| {
            let roles = self.secret[p].1;
            if roles & ROLE_SECRET != 0 || (with_value && roles & ROLE_SECRET_WITH_VALUE != 0) {
                return ControlFlow::Break(());
            }
            if p < 64 {
                seen |= 1 << p;
            }
            ControlFlow::Continue(())
        });
        secret.is_some() || self.pair(seen)
    }

    fn pair(&self, seen: u64) -> bool {
        seen != 0
            && self
                .pairs
                .iter()
                .any(|&(a, b)| seen & (1 << a) != 0 && seen & (1 << b) != 0)
    }

    /// Is token `k` relevant (see the module docs)? `bound`: a name bound
    /// in the file counts.
    #[inline]
    fn relevant(&self, src: &str, toks: &[Tok], k: usize, names: &mut Names, bound: bool) -> bool {
        let t = toks[k];
        if t.flags & RELEVANT != 0 {
            return true;
        }
        if t.kind != Kind::Ident {
            return self.string_relevant(src, toks, k);
        }
        let b = self.bits_of(src, &t, names);
        b & 1 != 0
            || (b & 2 != 0 && t.flags & CALLED != 0)
            || (bound && b & BOUND != 0)
            || (b & RECEIVER != 0 && self.session_call(src, toks, k + 1, names))
    }

    /// [`Self::relevant`] for a string token.
    #[inline(never)]
    fn string_relevant(&self, src: &str, toks: &[Tok], k: usize) -> bool {
        let t = toks[k];
        let text = &src.as_bytes()[t.start as usize..t.end as usize];
        // The strings of one implicit concatenation are one value,
        // judged at its first string (so that a long one is read
        // once, not once per string).
        let bytes = src.as_bytes();
        if k > 0 && toks[k - 1].kind != Kind::Ident && adjacent(bytes, toks[k - 1].end, t.start) {
            return false;
        }
        let (first, mut last) = (k, k);
        while toks
            .get(last + 1)
            .is_some_and(|n| n.kind != Kind::Ident && adjacent(bytes, toks[last].end, n.start))
        {
            last += 1;
        }
        let joined: std::borrow::Cow<'_, [u8]> = if first == last {
            text.into()
        } else {
            toks[first..=last]
                .iter()
                .flat_map(|t| &bytes[t.start as usize..t.end as usize])
                .copied()
                .collect::<Vec<u8>>()
                .into()
        };
        let text = &joined[..];
        // Not ASCII, or an escape that could spell any character
        // (`\x68ttp://`, `\N{…}`).
        if !text.is_ascii()
            || memchr::memchr_iter(b'\\', text).any(|at| {
                text.get(at + 1)
                    .is_some_and(|c| b"xuUN01234567".contains(c))
            })
        {
            return true;
        }
        // A plaintext scheme at the start.
        let scheme = self
            .schemes
            .iter()
            .any(|s| text.len() >= s.len() && text[..s.len()].eq_ignore_ascii_case(s.as_bytes()));
        // A string's words matter as a key (a credential under a dict
        // key or a subscript, `{"X-API-KEY": k}`, `h["Authorization"]`)
        // or with a `=` (the `apikey=` of a query string); a route or a
        // message is neither.
        let has_eq = memchr::memchr(b'=', text).is_some();
        let key = key_position(bytes, toks[last].end, toks[first].start);
        scheme || ((has_eq || key) && self.secret_words(text, has_eq))
    }

    /// Names bound to what the rule data reads: imports of its paths, and
    /// names bound on a line that mentions a relevant or bound name, to a
    /// fixed point. Lines that bind: those outside the bodies (other than
    /// `def`/`class` lines with a block below and plain imports), and every
    /// line assigning to an attribute (`self._s = requests.Session()` in
    /// `__init__` types `self._s` in every method). `None`: no fixed point
    /// in a few rounds (the file is parsed whole).
    fn bound_names(
        &self,
        src: &str,
        toks: &[Tok],
        lines: &[Line],
        bodies: &[Body],
        names: &mut Names,
    ) -> Option<()> {
        let text = |t: &Tok| &src[t.start as usize..t.end as usize];
        let mut binding: Vec<&Line> = Vec::new();
        // `global s` in a body: its assignments bind module-level names.
        let globals = toks
            .iter()
            .any(|t| t.kind == Kind::Ident && matches!(text(t), "global" | "nonlocal"));
        let mut next = bodies.iter().peekable();
        let mut li = 0;
        while li < lines.len() {
            let l = &lines[li];
            let in_body = match next.peek() {
                Some(b) if li >= b.header && li < b.end_line => true,
                Some(b) if li >= b.end_line => {
                    next.next();
                    continue;
                }
                _ => false,
            };
            li += 1;
            if in_body {
                if l.attr_target || (globals && l.kind == LineKind::Binding) {
                    binding.push(l);
                }
                continue;
            }
            let line_text =
                &src[l.start as usize..lines.get(li).map_or(src.len(), |n| n.start as usize)];
            match l.kind {
                LineKind::Import => {
                    for (name, path) in import_bindings(line_text) {
                        if self.path_matters(&path) {
                            let start = name.as_ptr() as usize - src.as_ptr() as usize;
                            let (h, len) = (hash_ident(name.as_bytes()), name.len() as u32);
                            let id = names.intern(src.as_bytes(), h, start as u32, len);
                            names.bind(id);
                        }
                    }
                    // `import x; s = x.Session()`.
                    if line_text.contains(';') {
                        binding.push(l);
                    }
                }
                LineKind::Def | LineKind::Class if l.colon_end != 0 => {}
                _ => {
                    // An import after a `:` or `;` (`try: import requests as r`).
                    let late_import = toks[l.first_tok as usize..l.end_tok as usize]
                        .iter()
                        .skip(1)
                        .any(|t| t.kind == Kind::Ident && text(t) == "import");
                    if late_import {
                        return None;
                    }
                    binding.push(l);
                }
            }
        }
        for _ in 0..MAX_BINDING_ROUNDS {
            let before = names.bound;
            for l in &binding {
                let (a, z) = (l.first_tok as usize, l.end_tok as usize);
                let ts = &toks[a..z];
                let mentions = (a..z)
                    .any(|k| toks[k].kind != Kind::Str && self.relevant(src, toks, k, names, true));
                if !mentions {
                    continue;
                }
                for t in ts
                    .iter()
                    .filter(|t| t.kind == Kind::Ident && t.flags & (NESTED | BEFORE_DOT) == 0)
                {
                    // An assignment binds its targets (an attribute's name
                    // too); other lines (`for`, `with`) their names.
                    let target = if l.last_eq != 0 {
                        t.start < l.last_eq
                    } else {
                        t.flags & AFTER_DOT == 0
                    };
                    let name = text(t);
                    if target && !is_keyword(name.as_bytes()) {
                        let id = names.id_of(src.as_bytes(), t);
                        names.bind(id);
                    }
                }
            }
            if names.bound == before {
                return Some(());
            }
        }
        None
    }
}

/// The function bodies that may be dropped: of a `def` not inside another
/// function, whose line ends with its `:`, with at least one line below it,
/// indented alike (no dedent to a column between, no tabs mixed with spaces).
fn bodies(lines: &[Line]) -> Vec<Body> {
    let mut out = Vec::new();
    // Open blocks (column, is a def) above the current line.
    let mut stack: Vec<(u32, bool)> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        while stack.last().is_some_and(|&(c, _)| c >= l.col) {
            stack.pop();
        }
        let in_def = stack.iter().any(|&(_, d)| d);
        if l.kind == LineKind::Def && !in_def && l.colon_end != 0 {
            let mut j = i + 1;
            while j < lines.len() && lines[j].col > l.col {
                j += 1;
            }
            let ok = j > i + 1 && {
                let inner = lines[i + 1].col;
                lines[i + 1..j]
                    .iter()
                    .all(|b| b.col >= inner && !b.odd_indent)
            };
            if ok && !l.odd_indent {
                out.push(Body {
                    header: i,
                    end_line: j,
                });
                i = j;
                continue;
            }
        }
        if l.colon_end != 0 {
            stack.push((l.col, l.kind == LineKind::Def));
        }
        i += 1;
    }
    out
}

/// Where a dropped body's text ends: the start of the line after it, or the
/// end of the file.
fn body_end(src: &str, lines: &[Line], b: &Body) -> usize {
    lines
        .get(b.end_line)
        .map_or(src.len(), |l| l.start as usize)
}

/// The names an `import` / `from … import` statement binds, with the dotted
/// path each stands for (the front end's rules; relative imports bind
/// nothing the rule data names and are left out).
fn import_bindings(stmt: &str) -> Vec<(&str, String)> {
    let code = match stmt.find('#') {
        Some(_) => strip_comments(stmt),
        None => stmt.to_string(),
    };
    let words: Vec<&str> = code
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '*'))
        .filter(|w| !w.is_empty())
        .collect();
    // Names are slices of `stmt`: find each again in it.
    let name_in = |w: &str| -> Option<&str> {
        let i = stmt.find(w)?;
        Some(&stmt[i..i + w.len()])
    };
    let mut out = Vec::new();
    match words.first() {
        Some(&"import") => {
            let mut k = 1;
            while k < words.len() {
                let full = words[k];
                if words.get(k + 1) == Some(&"as") {
                    if let Some(alias) = words.get(k + 2).and_then(|a| name_in_after(stmt, a)) {
                        out.push((alias, full.to_string()));
                    }
                    k += 3;
                } else {
                    let r = root(full);
                    if let Some(n) = name_in(r) {
                        out.push((n, r.to_string()));
                    }
                    k += 1;
                }
            }
        }
        Some(&"from") => {
            let Some(module) = words.get(1) else {
                return out;
            };
            if module.starts_with('.') || words.get(2) != Some(&"import") {
                return out;
            }
            let mut k = 3;
            while k < words.len() {
                let name = words[k];
                if words.get(k + 1) == Some(&"as") {
                    if let Some(alias) = words.get(k + 2).and_then(|a| name_in_after(stmt, a)) {
                        out.push((alias, format!("{module}.{name}")));
                    }
                    k += 3;
                } else {
                    if name != "*" {
                        if let Some(n) = name_in_after(stmt, name) {
                            out.push((n, format!("{module}.{name}")));
                        }
                    }
                    k += 1;
                }
            }
        }
        _ => {}
    }
    out
}

/// `word` as a slice of `stmt`: its last occurrence as a whole word.
fn name_in_after<'s>(stmt: &'s str, word: &str) -> Option<&'s str> {
    let b = stmt.as_bytes();
    let mut end = stmt.len();
    while let Some(i) = stmt[..end].rfind(word) {
        let e = i + word.len();
        let left = i == 0 || !is_ident_byte(b[i - 1]);
        let right = e >= b.len() || !is_ident_byte(b[e]);
        if left && right {
            return Some(&stmt[i..e]);
        }
        end = i;
    }
    None
}

/// `stmt` with its comments blanked (a `#` inside an import is a comment).
fn strip_comments(stmt: &str) -> String {
    stmt.lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{self, CheckInput, Hit};
    use crate::lang::facts::Facts;
    use crate::lang::python::{extract, extract_for_rules, too_deep};

    fn sinks() -> &'static LogSinks {
        crate::rules::log_sinks().lang("python").unwrap()
    }

    fn hits(facts: &Facts) -> Vec<Hit> {
        let input = CheckInput {
            facts,
            clients: crate::rules::http_clients().lang("python").unwrap(),
            sinks: sinks(),
            names: crate::rules::sensitive_names(),
        };
        checks::run(&input, |_| true)
    }

    /// The code rules find the same on the selection as on the whole file,
    /// and the depth screen says what `too_deep` says. Returns the findings
    /// and how many bodies were dropped.
    fn same(src: &str) -> (Vec<Hit>, usize) {
        let sel = selector().select(src);
        let dropped = match &sel {
            Selected::Kept(k) => {
                // Every piece is the file's text where it says.
                for (i, &(at, from)) in k.kept.pieces.iter().enumerate() {
                    let end = k.kept.pieces.get(i + 1).map_or(k.kept.text.len(), |p| p.0);
                    let piece = &k.kept.text[at..end];
                    let piece = piece.strip_suffix(" ...\n").unwrap_or(piece);
                    assert_eq!(piece, &src[from..from + piece.len()]);
                }
                assert_eq!(too_deep(src.as_bytes()), None, "{src}");
                k.dropped
            }
            Selected::Whole { screened: true } => {
                assert_eq!(too_deep(src.as_bytes()), None, "{src}");
                0
            }
            Selected::Whole { screened: false } => 0,
            Selected::TooDeep(r) => {
                assert_eq!(too_deep(src.as_bytes()).as_ref(), Some(r), "{src}");
                0
            }
        };
        let Ok(sel) = extract_for_rules(src, sinks()) else {
            return (Vec::new(), 0);
        };
        let whole = extract(src, sinks());
        match (&whole.syntax_error, &sel.syntax_error) {
            // An error inside a dropped body is not seen (see the module docs).
            (Some(e), None) => {
                let Selected::Kept(k) = selector().select(src) else {
                    panic!("an error unreported without a selection: {src}");
                };
                let p = &k.kept.pieces;
                let inside = p.iter().enumerate().any(|(i, &(at, from))| {
                    let end = p.get(i + 1).map_or(k.kept.text.len(), |q| q.0);
                    let len = end - at - " ...\n".len();
                    let next = p.get(i + 1).map_or(src.len(), |q| q.1);
                    from + len <= e.offset && e.offset < next
                });
                assert!(inside, "an error outside the dropped bodies: {src}");
            }
            (a, b) => assert_eq!(
                a.as_ref().map(|e| e.offset),
                b.as_ref().map(|e| e.offset),
                "{src}"
            ),
        }
        let (a, b) = (hits(&whole.facts), hits(&sel.facts));
        assert_eq!(a, b, "{src}");
        (a, dropped)
    }

    /// The bodies of `src` the selector keeps, by function name.
    fn kept_fns(src: &str) -> Vec<String> {
        let Selected::Kept(k) = selector().select(src) else {
            panic!("nothing dropped from {src}");
        };
        let mut out = Vec::new();
        for line in src.lines() {
            let t = line.trim_start();
            let Some(rest) = t
                .strip_prefix("def ")
                .or_else(|| t.strip_prefix("async def "))
            else {
                continue;
            };
            let name = rest.split('(').next().unwrap().to_string();
            // Kept: its header is not followed by ` ...` in the kept text.
            let header = format!("def {name}(");
            let at = k.kept.text.find(&header).expect("header kept");
            let after = &k.kept.text[at..];
            let line_end = after.find('\n').unwrap();
            if !after[..line_end].ends_with(" ...") {
                out.push(name);
            }
        }
        out
    }

    const CLIENT: &str = r#"import logging
import requests
from urllib.parse import urlencode

log = logging.getLogger(__name__)
BASE = "https://api.example.com"


class Client:
    def __init__(self, key):
        self._s = requests.Session()
        self.headers = {"X-API-KEY": key}

    def ticker(self, symbol):
        """The ticker of a symbol."""
        return self._get("ticker", data={"symbol": symbol})

    def depth(self, symbol, limit=100):
        params = {"symbol": symbol, "limit": limit}
        return self._get("depth", data=params)

    def _get(self, path, **kwargs):
        return self._s.get(BASE + "/" + path, params=urlencode(kwargs))

    def debug(self):
        log.info("headers %s", self.headers)

    def plain(self):
        return self._get("x")


def helper(a, b):
    total = a + b
    return total * 2
"#;

    #[test]
    fn drops_the_bodies_no_rule_reads() {
        // `_get` uses the session typed in `__init__`; `debug` logs a carrier.
        assert_eq!(kept_fns(CLIENT), ["__init__", "_get", "debug"]);
        let (hits, dropped) = same(CLIENT);
        assert_eq!(dropped, 4);
        assert_eq!(
            hits.iter().map(|h| h.rule).collect::<Vec<_>>(),
            ["http-timeout-missing", "secret-in-log"]
        );
    }

    /// Each of these keeps the body of `f`, which a finding needs.
    const TRAPS: &[&str] = &[
        // A module-level session, an aliased import.
        "import requests\nS = requests.Session()\ndef f(u):\n    return S.get(u)\n",
        "from requests import get as g\ndef f(u):\n    return g(u)\n",
        "import requests as r\ndef f(u):\n    return r.post(u, verify=False)\n",
        // A typed attribute set in another method, under another name.
        "import httpx\nclass C:\n    def a(self):\n        self.k = httpx.Client(timeout=None)\n    def f(self, u):\n        return self.k.get(u)\n",
        // An attribute given a second type elsewhere: the front end does not guess.
        "import requests\nclass C:\n    def a(self):\n        self.s = requests.Session()\n    def f(self):\n        self.s = dict()\n    def b(self, u):\n        return self.s.get(u)\n",
        // An attribute typed by an assignment that names nothing relevant:
        // `self.log.info` is then `foo.info`, not a logger's.
        "class C:\n    def f(self):\n        self.log = foo()\n    def b(self, api_key):\n        self.log.info(api_key)\n",
        // A secret in a query string, through an f-string, `%` and implicit concatenation.
        "def f(k):\n    return fetch(f\"https://x.io/v1?apikey={k}\")\n",
        "def f(v):\n    return fetch(\"https://x.io/v1?key=%s\" % v)\n",
        // A plaintext URL in a variable another scope sends, spelt by an
        // implicit concatenation or an escape.
        "class C:\n    def f(self):\n        u = \"ht\" \"tp://example.com/x\"\n        return u\n    def b(self):\n        return self.session.get(u)\n",
        "class C:\n    def f(self):\n        u = \"\\x68ttp://example.com/x\"\n        return u\n    def b(self):\n        return self.session.get(u)\n",
        // A credential under a dict key, split by an implicit concatenation.
        "import logging\nclass C:\n    def f(self):\n        return self._post(\"o\", headers={\"X-API-KEY\": self._k})\n    def b(self):\n        logging.info(self._k)\n",
        "import logging\nclass C:\n    def f(self):\n        return self._post(\"o\", headers={\"X-API\" \"-KEY\": self._k})\n    def b(self):\n        logging.info(self._k)\n",
        "import logging\ndef f(t):\n    h = {}\n    h[\"Authorization\"] = t\n    logging.info(h)\n",
        // A log of a name sent as a credential elsewhere.
        "import logging\nclass C:\n    def a(self, t):\n        self.h = {\"Authorization\": t}\n    def f(self):\n        logging.info(self.h)\n",
        "def f(api_secret):\n    print(api_secret)\n",
        "def f():\n    global S\n    S = 1\n",
        // TLS switched off on an untyped receiver, or by an environment variable.
        "class C:\n    def f(self, u):\n        return self.client.get(u, verify=False)\n",
        "import os\ndef f():\n    os.environ[\"PYTHONHTTPSVERIFY\"] = \"0\"\n",
        // A plaintext URL through a module-level variable and an untyped session.
        "URL = \"http://api.example.com\"\nclass C:\n    def f(self):\n        return self.session.get(URL)\n",
    ];

    #[test]
    fn keeps_what_a_finding_needs() {
        for src in TRAPS {
            let kept = match selector().select(src) {
                Selected::Kept(_) => kept_fns(src),
                _ => vec!["f".to_string()],
            };
            assert!(kept.contains(&"f".to_string()), "{src}");
            same(src);
        }
    }

    #[test]
    fn falls_back_to_the_whole_file() {
        // A URL variable assigned in a dropped body and, as a URL, elsewhere.
        let src = "import requests\nurl = \"http://api.example.com\"\ndef a():\n    url = compute()\n    return url\ndef f():\n    return requests.get(url, timeout=3)\n";
        assert!(matches!(selector().select(src), Selected::Kept(_)));
        same(src);
        // Tokens the screen does not follow: the file is parsed whole.
        for src in [
            "def f():\n    return 'unterminated\n",
            "def f():\n    return (1\n",
            "def f():\n    x = 1 \\ 2\n",
            "import requests\ntry: import requests as r\nexcept ImportError: pass\ndef f(u):\n    return r.get(u)\n",
            "def f(d):\n    return f\"{d[\"k\"]}\"\n",
        ] {
            assert!(!matches!(selector().select(src), Selected::Kept(_)), "{src}");
            same(src);
        }
        // A syntax error in the kept text: the whole file's errors are reported.
        let src = "def f():\n    return 1\nx = = 2\n";
        let (_, dropped) = same(src);
        assert_eq!(dropped, 1);
    }

    #[test]
    fn reads_a_long_concatenation_once() {
        // 40,000 strings in one value: judged at its first (a quadratic walk
        // would take minutes); the joined text's scheme keeps the body.
        let parts = "\"a\" ".repeat(40_000);
        let src = format!(
            "def f():\n    u = \"ht\" \"tp://\" {parts}\n    return u\ndef g():\n    return 1\n"
        );
        assert_eq!(kept_fns(&src), ["f"]);
    }

    #[test]
    fn screens_depth_as_too_deep_does() {
        let deep = format!(
            "def f():\n    return {}1{}\n",
            "(".repeat(201),
            ")".repeat(201)
        );
        assert!(matches!(selector().select(&deep), Selected::TooDeep(_)));
        same(&deep);
        let wide = format!("def f():\n    return 1\n{}x = 1\n", " ".repeat(1001));
        same(&wide);
        let continued = format!(
            "def f():\n    return 1\nx = 1 + \\\n{}2\n",
            "\t".repeat(126)
        );
        same(&continued);
    }

    /// Every Python fixture, and variants with bytes removed or doubled
    /// (unbalanced brackets and quotes, broken indentation): same findings.
    #[test]
    fn fixtures_find_the_same() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in [
            "fixtures/python",
            "fixtures/example-bot",
            "fixtures/secrets",
        ] {
            for e in walkdir::WalkDir::new(root.join(dir)) {
                let e = e.unwrap();
                if e.path().extension().is_some_and(|x| x == "py") {
                    files.push(std::fs::read_to_string(e.path()).unwrap());
                }
            }
        }
        files.push(CLIENT.to_string());
        let (mut found, mut dropped) = (0, 0);
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for src in &files {
            let (h, d) = same(src);
            found += h.len();
            dropped += d;
            let b = src.as_bytes();
            for _ in 0..40 {
                let at = next(b.len());
                let mut v = b.to_vec();
                if next(2) == 0 {
                    v.remove(at);
                } else {
                    v.insert(at, b[at]);
                }
                if let Ok(v) = String::from_utf8(v) {
                    dropped += same(&v).1;
                }
            }
        }
        assert!(found > 50, "{found} findings");
        assert!(dropped > 100, "{dropped} bodies dropped");
    }
}

#[cfg(test)]
mod probe {
    /// `PROBE_DIR=… cargo test --release --lib python_select::probe -- --ignored --nocapture`:
    /// per Python file, its size and the kept text's.
    #[test]
    #[ignore]
    fn kept_sizes() {
        let dir = std::env::var("PROBE_DIR").expect("PROBE_DIR");
        let (mut all, mut kept, mut bodies) = (0, 0, 0);
        for e in walkdir::WalkDir::new(dir) {
            let e = e.unwrap();
            if e.path().extension().is_none_or(|x| x != "py") {
                continue;
            }
            let Ok(src) = std::fs::read_to_string(e.path()) else {
                continue;
            };
            let (k, d) = match super::selector().select(&src) {
                super::Selected::Kept(s) => (s.kept.text.len(), s.dropped),
                _ => (src.len(), 0),
            };
            all += src.len();
            kept += k;
            bodies += d;
            if src.len() > 20_000 {
                eprintln!("{:>8} {:>8} {:>5} {}", src.len(), k, d, e.path().display());
            }
        }
        eprintln!("{all} -> {kept} bytes, {bodies} bodies dropped");
    }
}
