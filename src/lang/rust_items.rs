//! A cheap split of Rust source into items, so that only the items that can
//! matter go through `syn`.
//!
//! One pass of a small lexer (comments nested or not, strings of every kind
//! with raw strings' `#`s, byte and C strings, character literals told from
//! lifetimes, brackets matched) gives tokens; items are then read off the
//! tokens: an item runs from the end of the one before it (so its comments,
//! doc comments and attributes are its own) to its `;` or to the `}` that
//! closes its body. The bodies of `mod`, `impl`, `trait` and `extern` blocks
//! are split the same way: their items are the leaves, the block's header and
//! closing brace belong to no leaf. Nothing here knows a rule: the caller
//! decides which leaves to keep, and drops the others (see
//! [`rust_select::kept_text`](super::rust_select::kept_text), which says
//! where each kept piece was in the file).
//!
//! Anything the split does not understand (a stray closing bracket, an
//! unterminated string or comment, an item without an end) is an error: the
//! caller then parses the whole file as before.

use super::rust::{Screen, TooDeep};

/// Containers nested deeper than this are one leaf (bounds the recursion).
const MAX_CONTAINER_DEPTH: u32 = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `use …;`
    Use,
    /// `extern crate …;`
    ExternCrate,
    /// `struct …`
    Struct,
    /// `fn …` (with any qualifiers).
    Fn,
    /// `macro_rules! name { … }` (brace-delimited: its tokens are never visited).
    MacroRules,
    /// `enum`, `union`, `const`, `static`, `type`, an item macro call.
    Other,
    /// Not an item the split knows (syn will likely reject it).
    Unknown,
}

/// One leaf item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// From the end of the previous item (or of the block's `{`).
    pub start: usize,
    /// After its `;` or closing `}`.
    pub end: usize,
    pub kind: Kind,
    /// `use`, `struct` or `extern` somewhere inside it (a nested import or type).
    pub nested: bool,
    /// Its macro calls: indices into [`Split::macros`].
    pub macros: std::ops::Range<usize>,
}

/// A macro call `name!(…)` / `path::name![…]` / `name! {…}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MacroSite {
    /// The byte range of the name (the last segment of the path).
    pub name: (usize, usize),
    /// The byte range of its bracketed group, brackets included.
    pub window: (usize, usize),
}

/// The split of one file.
#[derive(Debug, Default)]
pub struct Split {
    /// The leaves, in file order, disjoint.
    pub items: Vec<Item>,
    pub macros: Vec<MacroSite>,
    /// `use …;` statements anywhere (but in a `macro_rules!` body): from `use` to `;`.
    pub uses: Vec<(usize, usize)>,
    /// The contents of every string literal (between its quotes).
    pub strings: Vec<(usize, usize)>,
    /// The depth screen's verdict on the file's tokens (the limit of
    /// [`rust::too_deep`](super::rust::too_deep) it goes over). When set, the
    /// split stops there: no items.
    pub too_deep: Option<TooDeep>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Ident,
    Str,
    /// A number, a character or byte literal, a lifetime.
    Lit,
    Punct(u8),
    Open(u8),
    Close(u8),
}

#[derive(Debug, Clone, Copy)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

pub(super) fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

/// The bytes that continue an identifier or a number: ASCII letters and
/// digits, `_`, and every byte of a non-ASCII character. A table: most of a
/// file's bytes go through this test, and a lookup is a third of the compares.
pub(super) static IDENT_CONTINUE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
        b += 1;
    }
    t
};

pub(super) fn is_ident_continue(b: u8) -> bool {
    IDENT_CONTINUE[usize::from(b)]
}

/// The length of the UTF-8 character whose first byte is `b`.
fn char_len(b: u8) -> usize {
    match b {
        0xf0.. => 4,
        0xe0.. => 3,
        0xc0.. => 2,
        _ => 1,
    }
}

struct Lexer<'a> {
    s: &'a [u8],
    pos: usize,
    tokens: Vec<Token>,
    /// For each token: the index of the matching bracket (brackets only).
    matching: Vec<u32>,
    strings: Vec<(usize, usize)>,
}

type Res<T> = Result<T, &'static str>;

impl Lexer<'_> {
    fn run(&mut self) -> Res<()> {
        let s = self.s;
        let mut stack: Vec<usize> = Vec::new();
        loop {
            self.skip_trivia()?;
            let Some(&b) = s.get(self.pos) else { break };
            let start = self.pos;
            let tok = match b {
                b'"' => {
                    self.string(start + 1)?;
                    Tok::Str
                }
                b'\'' => self.quote()?,
                b'(' | b'[' | b'{' => {
                    self.pos += 1;
                    stack.push(self.tokens.len());
                    Tok::Open(b)
                }
                b')' | b']' | b'}' => {
                    self.pos += 1;
                    let open = stack
                        .pop()
                        .ok_or("a closing bracket without an opening one")?;
                    let want = match b {
                        b')' => b'(',
                        b']' => b'[',
                        _ => b'{',
                    };
                    if self.tokens[open].tok != Tok::Open(want) {
                        return Err("mismatched brackets");
                    }
                    let here = self.tokens.len() as u32;
                    self.matching[open] = here;
                    self.matching.push(open as u32);
                    self.tokens.push(Token {
                        tok: Tok::Close(b),
                        start,
                        end: self.pos,
                    });
                    continue;
                }
                b'0'..=b'9' => {
                    self.pos += 1;
                    while self.pos < s.len() && is_ident_continue(s[self.pos]) {
                        self.pos += 1;
                    }
                    Tok::Lit
                }
                _ if is_ident_start(b) => self.word()?,
                _ => {
                    self.pos += 1;
                    Tok::Punct(b)
                }
            };
            self.matching.push(u32::MAX);
            self.tokens.push(Token {
                tok,
                start,
                end: self.pos,
            });
        }
        if !stack.is_empty() {
            return Err("an unclosed bracket");
        }
        Ok(())
    }

    /// Whitespace and comments.
    fn skip_trivia(&mut self) -> Res<()> {
        let s = self.s;
        loop {
            while self.pos < s.len() && s[self.pos].is_ascii_whitespace() {
                self.pos += 1;
            }
            if s.get(self.pos) != Some(&b'/') {
                return Ok(());
            }
            match s.get(self.pos + 1) {
                Some(b'/') => {
                    self.pos =
                        memchr::memchr(b'\n', &s[self.pos..]).map_or(s.len(), |i| self.pos + i);
                }
                Some(b'*') => {
                    let mut depth = 1usize;
                    let mut i = self.pos + 2;
                    while depth > 0 {
                        let j = memchr::memchr2(b'*', b'/', &s[i..])
                            .ok_or("an unterminated comment")?;
                        i += j;
                        if s[i] == b'*' && s.get(i + 1) == Some(&b'/') {
                            depth -= 1;
                            i += 2;
                        } else if s[i] == b'/' && s.get(i + 1) == Some(&b'*') {
                            depth += 1;
                            i += 2;
                        } else {
                            i += 1;
                        }
                    }
                    self.pos = i;
                }
                _ => return Ok(()),
            }
        }
    }

    /// A string whose contents start at `from` (after the `"`), escapes
    /// skipped; `pos` ends after the closing quote.
    fn string(&mut self, from: usize) -> Res<()> {
        let s = self.s;
        let mut i = from;
        loop {
            let j = memchr::memchr2(b'"', b'\\', &s[i.min(s.len())..])
                .ok_or("an unterminated string")?;
            i += j;
            if s[i] == b'\\' {
                i += 2;
                continue;
            }
            self.strings.push((from, i));
            self.pos = i + 1;
            return Ok(());
        }
    }

    /// A raw string whose `#`s start at `at` (`r#"…"#`, `br"…"`, `cr##"…"##`).
    fn raw_string(&mut self, at: usize) -> Res<()> {
        let s = self.s;
        let mut i = at;
        while s.get(i) == Some(&b'#') {
            i += 1;
        }
        let hashes = i - at;
        if s.get(i) != Some(&b'"') {
            return Err("a raw string without its quote");
        }
        let from = i + 1;
        let mut j = from;
        loop {
            let k =
                memchr::memchr(b'"', &s[j.min(s.len())..]).ok_or("an unterminated raw string")?;
            j += k;
            let close = &s[j + 1..];
            if close.len() >= hashes && close[..hashes].iter().all(|&c| c == b'#') {
                self.strings.push((from, j));
                self.pos = j + 1 + hashes;
                return Ok(());
            }
            j += 1;
        }
    }

    /// An identifier, a keyword, a raw identifier, or a literal with a
    /// prefix (`b"…"`, `r#"…"#`, `b'x'`, `c"…"`).
    fn word(&mut self) -> Res<Tok> {
        let s = self.s;
        let start = self.pos;
        let mut i = start;
        while i < s.len() && is_ident_continue(s[i]) {
            i += 1;
        }
        let w = &s[start..i];
        let next = s.get(i).copied();
        match (w, next) {
            (b"r" | b"br" | b"cr", Some(b'"')) => {
                self.raw_string(i)?;
                return Ok(Tok::Str);
            }
            (b"r" | b"br" | b"cr", Some(b'#'))
                if s.get(i + 1).is_some_and(|&c| c == b'#' || c == b'"') =>
            {
                self.raw_string(i)?;
                return Ok(Tok::Str);
            }
            (b"r", Some(b'#')) if s.get(i + 1).is_some_and(|&c| is_ident_start(c)) => {
                // A raw identifier `r#match`.
                i += 1;
                while i < s.len() && is_ident_continue(s[i]) {
                    i += 1;
                }
            }
            (b"b" | b"c", Some(b'"')) => {
                self.string(i + 1)?;
                return Ok(Tok::Str);
            }
            (b"b", Some(b'\'')) => {
                self.pos = i;
                return match self.quote()? {
                    Tok::Lit => Ok(Tok::Lit),
                    _ => Err("a byte literal that is not one"),
                };
            }
            _ => {}
        }
        self.pos = i;
        Ok(Tok::Ident)
    }

    /// At a `'`: a character literal or a lifetime / label.
    fn quote(&mut self) -> Res<Tok> {
        let s = self.s;
        let q = self.pos;
        match s.get(q + 1) {
            None => Err("a stray quote"),
            Some(b'\\') => {
                // '\n', '\'', '\\', '\x7f', '\u{1F600}'
                let limit = s.len().min(q + 16);
                let close = (q + 3..limit).find(|&i| s[i] == b'\'');
                let c = close.ok_or("an unterminated character literal")?;
                self.pos = c + 1;
                Ok(Tok::Lit)
            }
            Some(&c) => {
                let after = q + 1 + char_len(c);
                if s.get(after) == Some(&b'\'') {
                    self.pos = after + 1;
                    return Ok(Tok::Lit);
                }
                if !is_ident_start(c) {
                    return Err("a stray quote");
                }
                let mut i = q + 1;
                while i < s.len() && is_ident_continue(s[i]) {
                    i += 1;
                }
                self.pos = i;
                Ok(Tok::Lit)
            }
        }
    }
}

struct Splitter<'a> {
    s: &'a [u8],
    t: Vec<Token>,
    m: Vec<u32>,
    out: Split,
}

/// Split `src` (the text syn would parse: no BOM, no shebang line).
pub fn split(src: &[u8]) -> Result<Split, &'static str> {
    let mut lexer = Lexer {
        s: src,
        pos: 0,
        tokens: Vec::with_capacity(src.len() / 4),
        matching: Vec::with_capacity(src.len() / 4),
        strings: Vec::new(),
    };
    lexer.run()?;
    let mut screen = Screen::default();
    for t in &lexer.tokens {
        let fed = match t.tok {
            Tok::Punct(b) | Tok::Open(b) | Tok::Close(b) => screen.byte(b),
            Tok::Ident | Tok::Str | Tok::Lit => {
                screen.literal();
                Ok(())
            }
        };
        if let Err(deep) = fed {
            return Ok(Split {
                too_deep: Some(deep),
                ..Split::default()
            });
        }
    }
    let mut sp = Splitter {
        s: src,
        t: lexer.tokens,
        m: lexer.matching,
        out: Split {
            strings: lexer.strings,
            ..Split::default()
        },
    };
    let n = sp.t.len();
    sp.body(0, n, 0, 0)?;
    Ok(sp.out)
}

impl Splitter<'_> {
    fn text(&self, i: usize) -> &[u8] {
        let t = self.t[i];
        &self.s[t.start..t.end]
    }

    fn is_word(&self, i: usize, w: &str) -> bool {
        i < self.t.len() && self.t[i].tok == Tok::Ident && self.text(i) == w.as_bytes()
    }

    fn tok(&self, i: usize) -> Option<Tok> {
        self.t.get(i).map(|t| t.tok)
    }

    /// After the bracket that opens at `i`.
    fn past_group(&self, i: usize) -> usize {
        self.m[i] as usize + 1
    }

    /// The items of tokens `i..end`, the first starting at byte `from`.
    fn body(&mut self, mut i: usize, end: usize, mut from: usize, depth: u32) -> Res<()> {
        while i < end {
            let (next, item_end) = self.item(i, end, from, depth)?;
            i = next;
            from = item_end;
        }
        Ok(())
    }

    /// One item starting at token `i`: returns the token after it and its end byte.
    fn item(&mut self, start: usize, end: usize, from: usize, depth: u32) -> Res<(usize, usize)> {
        let mut i = start;
        // Attributes, outer and inner.
        while self.tok(i) == Some(Tok::Punct(b'#')) {
            let mut j = i + 1;
            if self.tok(j) == Some(Tok::Punct(b'!')) {
                j += 1;
            }
            if j >= end || self.tok(j) != Some(Tok::Open(b'[')) {
                return Err("a `#` that starts no attribute");
            }
            i = self.past_group(j);
        }
        if i >= end {
            return Err("attributes without an item");
        }
        let head = i;
        let mut kind = Kind::Unknown;
        let mut semi_only = false;
        let mut container = false;
        // Qualifiers and the keyword.
        let mut k = i;
        while k < end && self.tok(k) == Some(Tok::Ident) {
            match self.text(k) {
                b"pub" => {
                    k += 1;
                    if self.tok(k) == Some(Tok::Open(b'(')) {
                        k = self.past_group(k);
                    }
                    continue;
                }
                b"unsafe" | b"async" | b"default" | b"auto" | b"safe" => {}
                b"extern" => {
                    if self.is_word(k + 1, "crate") {
                        kind = Kind::ExternCrate;
                        semi_only = true;
                        break;
                    }
                    if self.tok(k + 1) == Some(Tok::Str) {
                        k += 1;
                    }
                    if self.tok(k + 1) == Some(Tok::Open(b'{')) {
                        kind = Kind::Other;
                        container = true;
                        break;
                    }
                }
                b"const" => {
                    let qualifier = ["fn", "unsafe", "async", "extern"]
                        .iter()
                        .any(|w| self.is_word(k + 1, w));
                    if !qualifier {
                        kind = Kind::Other;
                        semi_only = true;
                        break;
                    }
                }
                b"static" | b"type" => {
                    kind = Kind::Other;
                    semi_only = true;
                    break;
                }
                b"enum" | b"union" => {
                    kind = Kind::Other;
                    break;
                }
                b"use" => {
                    kind = Kind::Use;
                    semi_only = true;
                    break;
                }
                b"struct" => {
                    kind = Kind::Struct;
                    break;
                }
                b"fn" => {
                    kind = Kind::Fn;
                    break;
                }
                b"impl" | b"trait" | b"mod" => {
                    kind = Kind::Other;
                    container = true;
                    break;
                }
                b"macro_rules" if self.tok(k + 1) == Some(Tok::Punct(b'!')) => {
                    kind = Kind::MacroRules;
                    break;
                }
                _ => {
                    if self.macro_path(k, end) {
                        kind = Kind::Other;
                    }
                    break;
                }
            }
            k += 1;
        }
        if kind == Kind::Unknown && !container && self.tok(k) == Some(Tok::Punct(b':')) {
            // `::path::m! { … }`
            if self.macro_path(k, end) {
                kind = Kind::Other;
            }
        }
        let container = container && depth < MAX_CONTAINER_DEPTH;
        // Its end: a `;`, or the `}` of its body.
        let mut j = head;
        let item_end = loop {
            if j >= end {
                return Err("an item without an end");
            }
            match self.t[j].tok {
                Tok::Punct(b';') => break j + 1,
                Tok::Open(b'{') if container => {
                    let close = self.m[j] as usize;
                    self.body(j + 1, close, self.t[j].end, depth + 1)?;
                    let e = self.t[close].end;
                    return Ok((close + 1, e));
                }
                Tok::Open(b'{') if !semi_only => break self.past_group(j),
                Tok::Open(b) => {
                    if kind == Kind::MacroRules && b != b'{' {
                        // `macro_rules! m ( … );`: its tokens are visited.
                        kind = Kind::Other;
                    }
                    j = self.past_group(j);
                }
                Tok::Close(_) => return Err("an item cut short by a closing bracket"),
                _ => j += 1,
            }
        };
        let last = item_end - 1;
        let end_byte = self.t[last].end;
        let first_macro = self.out.macros.len();
        let mut nested = false;
        if kind != Kind::MacroRules {
            let mut x = head;
            while x < item_end {
                if self.t[x].tok == Tok::Ident {
                    match self.text(x) {
                        b"use" => {
                            self.use_statement(x, item_end);
                            nested |= x != k;
                        }
                        b"struct" | b"extern" => nested |= x != k,
                        _ => {}
                    }
                    if self.tok(x + 1) == Some(Tok::Punct(b'!')) && x + 2 < item_end {
                        if let Tok::Open(_) = self.t[x + 2].tok {
                            let close = self.m[x + 2] as usize;
                            self.out.macros.push(MacroSite {
                                name: (self.t[x].start, self.t[x].end),
                                window: (self.t[x + 2].start, self.t[close].end),
                            });
                        }
                    }
                }
                x += 1;
            }
        }
        let macros = first_macro..self.out.macros.len();
        self.out.items.push(Item {
            start: from,
            end: end_byte,
            kind,
            nested,
            macros,
        });
        Ok((item_end, end_byte))
    }

    /// Is there a macro path (`m!`, `a::b!`, `::a::m!`) at token `i`?
    fn macro_path(&self, mut i: usize, end: usize) -> bool {
        let colons = |j: usize| {
            self.tok(j) == Some(Tok::Punct(b':')) && self.tok(j + 1) == Some(Tok::Punct(b':'))
        };
        if colons(i) {
            i += 2;
        }
        while i < end && self.tok(i) == Some(Tok::Ident) {
            if colons(i + 1) {
                i += 3;
            } else {
                return self.tok(i + 1) == Some(Tok::Punct(b'!'));
            }
        }
        false
    }

    /// Record the `use` statement whose keyword is token `u` (up to its `;`).
    fn use_statement(&mut self, u: usize, end: usize) {
        let mut j = u + 1;
        while j < end {
            match self.t[j].tok {
                Tok::Punct(b';') => {
                    self.out.uses.push((self.t[u].start, self.t[j].end));
                    return;
                }
                Tok::Open(_) => j = self.past_group(j),
                Tok::Close(_) => return,
                _ => j += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The leaves as (text, kind), trimmed.
    fn leaves(src: &str) -> Vec<(String, Kind)> {
        let sp = split(src.as_bytes()).unwrap();
        sp.items
            .iter()
            .map(|it| (src[it.start..it.end].trim().to_string(), it.kind))
            .collect()
    }

    #[test]
    fn top_level_items_and_their_kinds() {
        let src = "//! crate doc\n#![allow(x)]\nuse a::{b, c};\n/// doc\n#[derive(Debug)]\npub(crate) struct S { a: u8 }\nstruct U;\nstruct T(u8);\nconst X: S = S { a: 1 };\nconst fn f() -> u8 { 1 }\npub unsafe extern \"C\" fn g() {}\nextern crate core as k;\nstatic Y: [u8; 2] = [1, 2];\ntype Z = Vec<u8>;\nenum E { A = { 1 }, B }\nm!(x);\nn! { y }\nmacro_rules! q { () => { use z; } }\nmacro_rules! p ( () => () );\nmod inner;\n::a::b! { }\n{{ cookiecutter }}\nunion V { a: u8 }\n";
        let l = leaves(src);
        let kinds: Vec<Kind> = l.iter().map(|x| x.1).collect();
        use Kind::*;
        assert_eq!(
            kinds,
            [
                Use,
                Struct,
                Struct,
                Struct,
                Other,
                Fn,
                Fn,
                ExternCrate,
                Other,
                Other,
                Other,
                Other,
                Other,
                MacroRules,
                Other,
                Other,
                Other,
                Unknown,
                Other
            ]
        );
        assert_eq!(l[0].0, "//! crate doc\n#![allow(x)]\nuse a::{b, c};");
        assert_eq!(
            l[1].0,
            "/// doc\n#[derive(Debug)]\npub(crate) struct S { a: u8 }"
        );
        assert_eq!(l[4].0, "const X: S = S { a: 1 };");
        assert_eq!(l[10].0, "enum E { A = { 1 }, B }");
        assert_eq!(l[12].0, "n! { y }");
        let sp = split(src.as_bytes()).unwrap();
        // The `use` inside the macro_rules! body is not an import.
        let uses: Vec<&str> = sp.uses.iter().map(|u| &src[u.0..u.1]).collect();
        assert_eq!(uses, ["use a::{b, c};"]);
        assert_eq!(sp.items.last().unwrap().end, src.len() - 1);
    }

    #[test]
    fn containers_are_split_into_their_items() {
        let src = "impl<T> Foo<T> where T: Fn() -> u8 {\n    const K: u8 = 1;\n    fn a(&self) { info!(\"{}\", self.k) }\n    /// b\n    pub fn b() -> [u8; 2] { [1, 2] }\n}\nmod m { #![allow(x)] use super::*; fn c() {} }\ntrait Tr { fn d(); fn e() {} }\nextern \"C\" { fn f(); }\n";
        let l: Vec<String> = leaves(src).into_iter().map(|x| x.0).collect();
        assert_eq!(
            l,
            [
                "const K: u8 = 1;",
                "fn a(&self) { info!(\"{}\", self.k) }",
                "/// b\n    pub fn b() -> [u8; 2] { [1, 2] }",
                "#![allow(x)] use super::*;",
                "fn c() {}",
                "fn d();",
                "fn e() {}",
                "fn f();"
            ]
        );
        let sp = split(src.as_bytes()).unwrap();
        assert_eq!(sp.macros.len(), 1);
        let m = sp.macros[0];
        assert_eq!(&src[m.name.0..m.name.1], "info");
        assert_eq!(&src[m.window.0..m.window.1], "(\"{}\", self.k)");
        assert_eq!(sp.items[1].macros, 0..1);
        assert_eq!(sp.uses.len(), 1);
    }

    #[test]
    fn nested_imports_and_types_are_flagged() {
        let src = "fn a() { use x::y; }\nfn b() { struct L; }\nfn c() { let s = \"use struct\"; /* use */ }\n";
        let sp = split(src.as_bytes()).unwrap();
        let nested: Vec<bool> = sp.items.iter().map(|i| i.nested).collect();
        assert_eq!(nested, [true, true, false]);
        assert_eq!(&src[sp.uses[0].0..sp.uses[0].1], "use x::y;");
    }

    #[test]
    fn literals_that_look_like_brackets_or_comments() {
        let src = r####"fn a() { let s = "}\"{"; let r = r#"}"{"#; let rr = r##"a"#b"##; let b = b"}"; let br = br#"{"#; }
fn b<'a>(x: &'a str) -> char { let c = '}'; let d = '\''; let e = '\\'; let u = '\u{7d}'; let f = b'{'; let g = 'é'; '{' }
fn c() { /* } /* nested { */ } */ // }
}
fn d() { let r#type = 1; let l = 'outer: loop { break 'outer; }; }
"####;
        let l: Vec<String> = leaves(src).into_iter().map(|x| x.0).collect();
        assert_eq!(l.len(), 4, "{l:?}");
        assert!(l[2].starts_with("fn c()") && l[2].ends_with("// }\n}"));
        assert!(l[3].starts_with("fn d()"));
        let sp = split(src.as_bytes()).unwrap();
        let strings: Vec<&str> = sp.strings.iter().map(|s| &src[s.0..s.1]).collect();
        assert_eq!(strings, ["}\\\"{", "}\"{", "a\"#b", "}", "{"]);
    }

    #[test]
    fn what_it_does_not_understand_is_an_error() {
        for bad in [
            "fn a() { ",
            "fn a() } ",
            "fn a() { ( }",
            "fn a() { \"abc }",
            "fn a() { r#\"abc\" }",
            "/* /* */",
            "fn a() { let c = '\\",
            "#[attr]",
            "#x",
            "struct S",
            "fn a() {} )",
        ] {
            assert!(split(bad.as_bytes()).is_err(), "{bad:?}");
        }
        assert!(split(b"").unwrap().items.is_empty());
        assert!(split(b"  // only a comment\n").unwrap().items.is_empty());
    }

    #[test]
    fn hostile_inputs_stay_linear() {
        // A macro of 100k tokens, one item.
        let mut src = String::from("m! {");
        for i in 0..100_000 {
            src.push_str(&format!(" a{i},"));
        }
        src.push_str(" }\nfn f() {}\n");
        let t = std::time::Instant::now();
        let sp = split(src.as_bytes()).unwrap();
        assert_eq!(sp.items.len(), 2);
        // Deep containers: one leaf below the depth limit, no recursion past it.
        let deep = format!("{}fn f() {{}}{}", "mod m { ".repeat(200), "}".repeat(200));
        let sp = split(deep.as_bytes()).unwrap();
        assert_eq!(sp.items.len(), 1);
        // Many unclosed quotes and brackets: errors, not hangs.
        assert!(split("'".repeat(100_000).as_bytes()).is_err());
        assert!(split("{".repeat(100_000).as_bytes()).is_err());
        assert!(split("\"".repeat(100_001).as_bytes()).is_err());
        assert!(t.elapsed().as_secs() < 5);
        // Invalid UTF-8 replaced by spaces: just spaces. Non-ASCII identifiers.
        let sp = split("fn f() { let   x = 1; }\nfn é() {}\n".as_bytes()).unwrap();
        assert_eq!(sp.items.len(), 2);
    }

    /// The split's screen of the tokens gives `too_deep`'s verdict on the bytes,
    /// on random bodies built around the three limits: runs of brackets, of
    /// prefix operators and of binary operators just under and over them, amid
    /// what must not count (brackets and operators in strings, raw strings,
    /// comments and character literals; lifetimes; whitespace).
    #[test]
    fn screen_of_the_tokens_is_the_byte_screen() {
        use super::super::rust::{too_deep, MAX_EXPR_OPERATORS, MAX_NESTING, MAX_PREFIX_RUN};
        let mut next = crate::test_rng(0x9e37_79b9_7f4a_7c15_u64);
        const QUIET: &[&str] = &[
            " ",
            "\n",
            "x",
            "r",
            "1.5",
            "\"(([{\"",
            "r#\"((\"# ",
            "'('",
            "'\\''",
            "'a ",
            "// ((((\n",
            "/* (( /* !! */ */",
            "b'('",
            "br\"((\"",
            ";",
            ",",
            "a.b",
            "!",
            "-",
            "&",
            "*",
            "+",
            "/",
        ];
        let mut verdicts = [0usize; 4];
        for _ in 0..400 {
            let mut body = String::new();
            let mut closers = String::new();
            for _ in 0..1 + next(6) {
                match next(4) {
                    0 => {
                        // Closed at the end, innermost first.
                        for _ in 0..MAX_NESTING - 3 + next(6) {
                            let b = next(3);
                            body.push_str(["(", "[", "{"][b]);
                            closers.insert_str(0, [")", "]", "}"][b]);
                            if next(4) == 0 {
                                body.push_str(QUIET[next(QUIET.len())]);
                            }
                        }
                        body.push_str(" x ");
                    }
                    1 => {
                        for _ in 0..MAX_PREFIX_RUN - 3 + next(6) {
                            body.push_str(["!", "-", "&", "*", " !", "- "][next(6)]);
                        }
                        body.push_str(" x;");
                    }
                    2 => {
                        body.push('x');
                        for _ in 0..MAX_EXPR_OPERATORS - 3 + next(6) {
                            body.push_str([".b", "+1", " / x", ".c()"][next(4)]);
                        }
                        body.push(';');
                    }
                    _ => {
                        for _ in 0..next(50) {
                            body.push_str(QUIET[next(QUIET.len())]);
                        }
                        body.push('\n');
                    }
                }
            }
            let src = format!("fn f() {{ {body}{closers} }}\n");
            let Ok(sp) = split(src.as_bytes()) else {
                continue;
            };
            let tokens = sp.too_deep.map(|d| d.reason());
            assert_eq!(tokens, too_deep(src.as_bytes()), "{src}");
            verdicts[sp.too_deep.map_or(0, |d| d as usize + 1)] += 1;
        }
        // Each verdict came up (the bodies reach every limit), and so did passing.
        assert!(verdicts.iter().all(|&n| n >= 20), "{verdicts:?}");
    }
}
