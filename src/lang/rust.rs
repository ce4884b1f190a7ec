//! The Rust front end: source → `syn` AST → [`Facts`].
//!
//! It resolves paths through `use` declarations (`use reqwest::blocking::Client
//! as BC; BC::new()` is `reqwest.blocking.Client.new`; paths are dotted like
//! every other front end's), turns builder chains into one call with the
//! chained methods as its named settings (`Client::builder().timeout(t)` →
//! `reqwest.Client.builder` with `timeout = t`), following a builder kept in a
//! local (`let mut b = …; b = b.timeout(t);`), and reads format macros from
//! their tokens (`println!`, `format!`, `log::info!`, `tracing::info!` fields,
//! inline captures `{api_key}`). Which macros are sinks comes from
//! `rules/log-sinks.toml`; the front end knows Rust, not rules.

use super::facts::*;
use crate::rules::clients::LogSinks;
use proc_macro2::{Spacing, Span, TokenStream, TokenTree};
use std::collections::HashMap;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Lit};

/// Brackets nested deeper than this are not parsed (syn's parser recurses).
pub const MAX_NESTING: usize = 256;
/// Longer runs of prefix operators (`!!!!x`, `&&&&x`, `- - - x`) are not parsed.
pub const MAX_PREFIX_RUN: usize = 256;
/// Expressions with more operators and dots than this between two `;`, `,`,
/// `{` or `}` are not parsed: syn builds (and drops) them as nested trees.
pub const MAX_EXPR_OPERATORS: usize = 4096;
/// How deep `CallValue`s nest in argument values.
const MAX_VALUE_DEPTH: u32 = 2;

/// The result of running the front end on one file.
pub struct Extracted {
    pub facts: Facts,
    /// The file did not parse: where and why (Rust gives no partial tree).
    pub syntax_error: Option<(usize, String)>,
}

/// A cheap byte scan: is the file nested too deeply to parse safely?
pub fn too_deep(src: &[u8]) -> Option<String> {
    let n = src.len();
    let mut i = 0;
    let mut screen = Screen::default();
    while i < n {
        let b = src[i];
        match b {
            b'/' if src.get(i + 1) == Some(&b'/') => {
                while i < n && src[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if src.get(i + 1) == Some(&b'*') => {
                let mut d = 0usize;
                while i < n {
                    if src[i] == b'/' && src.get(i + 1) == Some(&b'*') {
                        d += 1;
                        i += 2;
                    } else if src[i] == b'*' && src.get(i + 1) == Some(&b'/') {
                        d -= 1;
                        i += 2;
                        if d == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                continue;
            }
            b'r' if matches!(src.get(i + 1), Some(b'"') | Some(b'#'))
                && (i == 0 || !is_ident_byte(src[i - 1])) =>
            {
                // Raw string r#"…"#.
                let mut j = i + 1;
                let mut hashes = 0;
                while j < n && src[j] == b'#' {
                    hashes += 1;
                    j += 1;
                }
                if j < n && src[j] == b'"' {
                    j += 1;
                    'raw: while j < n {
                        if src[j] == b'"' {
                            let mut k = 0;
                            while k < hashes && j + 1 + k < n && src[j + 1 + k] == b'#' {
                                k += 1;
                            }
                            if k == hashes {
                                j += 1 + hashes;
                                break 'raw;
                            }
                        }
                        j += 1;
                    }
                    i = j;
                    screen.literal();
                    continue;
                }
                i += 1;
                screen.literal();
                continue;
            }
            b'"' => {
                i += 1;
                while i < n && src[i] != b'"' {
                    i += if src[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                screen.literal();
                continue;
            }
            b'\'' => {
                // A char literal ('x', '\n', '\u{..}') or a lifetime ('a).
                if src.get(i + 1) == Some(&b'\\') {
                    // After the escaped character ('\'' is one literal).
                    i += 3;
                    while i < n && src[i] != b'\'' && src[i] != b'\n' {
                        i += 1;
                    }
                    i += 1;
                } else if src.get(i + 2) == Some(&b'\'') {
                    i += 3;
                } else {
                    i += 1;
                }
                screen.literal();
                continue;
            }
            _ => {}
        }
        if let Err(deep) = screen.byte(b) {
            return Some(deep.reason());
        }
        i += 1;
    }
    None
}

/// Why a file is not parsed: the first of the screen's limits its text goes over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooDeep {
    Nesting,
    Operators,
    PrefixRun,
}

impl TooDeep {
    pub fn reason(self) -> String {
        match self {
            TooDeep::Nesting => {
                format!("brackets nested deeper than {MAX_NESTING} levels (not parsed)")
            }
            TooDeep::Operators => {
                format!("an expression with more than {MAX_EXPR_OPERATORS} operators (not parsed)")
            }
            TooDeep::PrefixRun => {
                format!("more than {MAX_PREFIX_RUN} operators in a row (not parsed)")
            }
        }
    }
}

/// What the depth screen counts, fed the file's bytes outside comments,
/// strings and character literals in order (by [`too_deep`], or by the item
/// split from its tokens). Comments feed nothing; a string or a character
/// literal is [`Screen::literal`].
#[derive(Debug, Default)]
pub(super) struct Screen {
    depth: usize,
    operators: usize,
    prefix_run: usize,
}

impl Screen {
    #[inline]
    pub(super) fn byte(&mut self, b: u8) -> Result<(), TooDeep> {
        match b {
            b'(' | b'[' | b'{' => {
                self.depth += 1;
                if self.depth > MAX_NESTING {
                    return Err(TooDeep::Nesting);
                }
            }
            b')' | b']' | b'}' => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        match b {
            b';' | b',' | b'{' | b'}' => self.operators = 0,
            b'.' | b'+' | b'-' | b'*' | b'/' | b'%' | b'&' | b'|' | b'^' => {
                self.operators += 1;
                if self.operators > MAX_EXPR_OPERATORS {
                    return Err(TooDeep::Operators);
                }
            }
            _ => {}
        }
        match b {
            b'!' | b'-' | b'&' | b'*' => {
                self.prefix_run += 1;
                if self.prefix_run > MAX_PREFIX_RUN {
                    return Err(TooDeep::PrefixRun);
                }
            }
            b' ' | b'\t' | b'\n' | b'\r' => {}
            _ => self.prefix_run = 0,
        }
        Ok(())
    }

    /// A string or a character literal (or a lifetime): it ends a run of prefix operators.
    #[inline]
    pub(super) fn literal(&mut self) {
        self.prefix_run = 0;
    }
}

/// The first token of an expression of a common kind without attributes.
fn first_token(e: &Expr) -> Option<Span> {
    match e {
        Expr::Call(c) if c.attrs.is_empty() => first_token(&c.func),
        Expr::MethodCall(m) if m.attrs.is_empty() => first_token(&m.receiver),
        Expr::Path(p) if p.attrs.is_empty() && p.qself.is_none() => Some(path_first(&p.path)?),
        Expr::Lit(l) if l.attrs.is_empty() => Some(l.lit.span()),
        Expr::Field(f) if f.attrs.is_empty() => first_token(&f.base),
        Expr::Reference(r) if r.attrs.is_empty() => Some(r.and_token.span),
        Expr::Macro(m) if m.attrs.is_empty() => path_first(&m.mac.path),
        Expr::Await(a) if a.attrs.is_empty() => first_token(&a.base),
        Expr::Try(t) if t.attrs.is_empty() => first_token(&t.expr),
        Expr::Paren(p) if p.attrs.is_empty() => Some(p.paren_token.span.open()),
        _ => None,
    }
}

/// The last token of an expression of a common kind without attributes.
fn last_token(e: &Expr) -> Option<Span> {
    match e {
        Expr::Call(c) if c.attrs.is_empty() => Some(c.paren_token.span.close()),
        Expr::MethodCall(m) if m.attrs.is_empty() => Some(m.paren_token.span.close()),
        Expr::Path(p) if p.attrs.is_empty() && p.qself.is_none() => {
            let last = p.path.segments.last()?;
            last.arguments.is_none().then(|| last.ident.span())
        }
        Expr::Lit(l) if l.attrs.is_empty() => Some(l.lit.span()),
        Expr::Field(f) if f.attrs.is_empty() => Some(match &f.member {
            syn::Member::Named(id) => id.span(),
            syn::Member::Unnamed(i) => i.span,
        }),
        Expr::Reference(r) if r.attrs.is_empty() => last_token(&r.expr),
        Expr::Macro(m) if m.attrs.is_empty() => Some(m.mac.delimiter.span().close()),
        Expr::Await(a) if a.attrs.is_empty() => Some(a.await_token.span),
        Expr::Try(t) if t.attrs.is_empty() => Some(t.question_token.spans[0]),
        Expr::Paren(p) if p.attrs.is_empty() => Some(p.paren_token.span.close()),
        _ => None,
    }
}

fn path_first(p: &syn::Path) -> Option<Span> {
    match &p.leading_colon {
        Some(c) => Some(c.spans[0]),
        None => Some(p.segments.first()?.ident.span()),
    }
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Parse and extract facts. Screen with [`too_deep`] first. Runs on a large
/// stack of its own, and clears proc-macro2's per-thread span table after.
pub fn extract(source: &str, sinks: &LogSinks) -> Extracted {
    let out = super::with_stack(super::PARSE_STACK, || extract_inner(source, sinks));

    proc_macro2::extra::invalidate_current_thread_spans();
    out
}

/// [`extract`] for the code rules: only the items whose facts a code rule
/// could read are parsed (see [`super::rust_select`]), one after the other,
/// and spans are mapped back to the file. The findings are those of
/// [`extract`]; the facts are fewer. When the kept items do not parse, the
/// whole file is parsed (its syntax error is reported as before).
///
/// Screens the file first (no [`too_deep`] call needed before): from the
/// split's tokens when the selector splits it, with [`too_deep`] otherwise.
/// `Err`: why it is not parsed.
pub fn extract_for_rules(source: &str, sinks: &LogSinks) -> Result<Extracted, String> {
    use super::rust_select::{selector, Selected};
    let out = super::with_stack(super::PARSE_STACK, || {
        let (base, content) = parsed_text(source);
        match selector().select(content) {
            Selected::TooDeep(deep) => return Err(deep.reason()),
            Selected::Kept(kept) => {
                let x = extract_text(source, base, &kept.text, &kept.pieces, sinks);
                if x.syntax_error.is_none() {
                    return Ok(x);
                }
            }
            Selected::Whole { screened: true } => {}
            Selected::Whole { screened: false } => {
                if let Some(reason) = too_deep(content.as_bytes()) {
                    return Err(reason);
                }
            }
        }
        Ok(extract_text(source, base, content, &[], sinks))
    });
    proc_macro2::extra::invalidate_current_thread_spans();
    out
}

/// The records (structs) of `text`, an item or a few, parsed on their own;
/// `None` when it does not parse.
pub(super) fn records(text: &str, sinks: &LogSinks) -> Option<Vec<Record>> {
    let x = extract_text(text, 0, text, &[], sinks);
    x.syntax_error.is_none().then_some(x.facts.records)
}

/// The text syn parses: without a BOM or a shebang line, and its offset in the file.
fn parsed_text(source: &str) -> (usize, &str) {
    let mut base = 0;
    let mut content = source;
    if let Some(rest) = content.strip_prefix('\u{feff}') {
        base += 3;
        content = rest;
    }
    if content.starts_with("#!") && !content[2..].trim_start().starts_with('[') {
        let idx = content.find('\n').unwrap_or(content.len());
        base += idx;
        content = &content[idx..];
    }
    (base, content)
}

fn extract_inner(source: &str, sinks: &LogSinks) -> Extracted {
    let (base, content) = parsed_text(source);
    extract_text(source, base, content, &[], sinks)
}

/// Parse `content` (the file's text from `base` on, or pieces of it: see
/// [`KeptText`](super::kept::KeptText), empty for the whole text) and
/// extract facts with spans in `source`.
fn extract_text(
    source: &str,
    base: usize,
    content: &str,
    pieces: &[(usize, usize)],
    sinks: &LogSinks,
) -> Extracted {
    let offsets = Offsets::new(content, pieces);
    let file: syn::File = match syn::parse_str(content) {
        Ok(f) => f,
        Err(e) => {
            let r = e.span().byte_range();
            return Extracted {
                facts: Facts::default(),
                syntax_error: Some((offsets.in_file(r.start) + base, e.to_string())),
            };
        }
    };
    let mut imports = Imports::default();
    imports.visit_file(&file);
    let mut x = Extractor {
        src: source,
        base,
        offsets,
        sinks,
        imports,
        facts: Facts::default(),
        field_types: HashMap::new(),
        locals: vec![HashMap::new()],
        bindings: vec![HashMap::new()],
        self_ty: None,
        scope: 0,
        next_scope: 1,
    };
    // Field types first: `self.api_key` in an impl above the struct still has one.
    let mut fields = FieldTypes { x: &mut x };
    fields.visit_file(&file);
    x.visit_file(&file);
    Extracted {
        facts: x.facts,
        syntax_error: None,
    }
}

/// Byte offsets of span positions in the parsed text. `Span::byte_range`
/// converts proc-macro2's character offsets through a shared `BTreeMap` cache
/// on every call (an eighth of the Rust pass); a line and column are cheap to
/// get, and in an ASCII line the column is the byte offset.
struct Offsets<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    ascii: bool,
    /// Where the pieces of the parsed text are in the file's text (see
    /// [`KeptText`](super::kept::KeptText)); empty: it is the file's text.
    pieces: &'a [(usize, usize)],
}

impl<'a> Offsets<'a> {
    fn new(text: &'a str, pieces: &'a [(usize, usize)]) -> Offsets<'a> {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Offsets {
            text,
            line_starts,
            ascii: text.is_ascii(),
            pieces,
        }
    }

    /// The offset in the file's text of a (1-based line, 0-based character
    /// column) position of the parsed text.
    fn byte(&self, at: proc_macro2::LineColumn) -> usize {
        let Some(&start) = self.line_starts.get(at.line.saturating_sub(1)) else {
            return self.in_file(self.text.len());
        };
        let at = if self.ascii {
            (start + at.column).min(self.text.len())
        } else {
            self.text[start..]
                .char_indices()
                .nth(at.column)
                .map_or(self.text.len(), |(i, _)| start + i)
        };
        self.in_file(at)
    }

    /// The offset in the file's text of a byte offset in the parsed text.
    fn in_file(&self, at: usize) -> usize {
        super::kept::in_file(self.pieces, at)
    }
}

/// `use` declarations and `extern crate` anywhere in the file.
#[derive(Default)]
pub(super) struct Imports {
    /// Local name → dotted path.
    pub(super) map: HashMap<String, String>,
    /// `use x::*;` and `#[macro_use] extern crate x;`.
    globs: Vec<String>,
}

impl Imports {
    pub(super) fn tree(&mut self, prefix: &mut Vec<String>, t: &syn::UseTree) {
        match t {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                if name == "self" {
                    if let Some(last) = prefix.last() {
                        self.map.insert(last.clone(), prefix.join("."));
                    }
                } else {
                    let mut p = prefix.clone();
                    p.push(name.clone());
                    self.map.insert(name, p.join("."));
                }
            }
            syn::UseTree::Rename(r) => {
                let mut p = prefix.clone();
                if r.ident != "self" {
                    p.push(r.ident.to_string());
                }
                self.map.insert(r.rename.to_string(), p.join("."));
            }
            syn::UseTree::Glob(_) => self.globs.push(prefix.join(".")),
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.tree(prefix, t);
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for Imports {
    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        let mut prefix = Vec::new();
        self.tree(&mut prefix, &u.tree);
    }

    fn visit_item_extern_crate(&mut self, e: &'ast syn::ItemExternCrate) {
        let name = e.ident.to_string();
        if let Some((_, alias)) = &e.rename {
            self.map.insert(alias.to_string(), name.clone());
        }
        if e.attrs.iter().any(|a| a.path().is_ident("macro_use")) {
            self.globs.push(name);
        }
    }
}

/// Collects the declared types of struct fields.
struct FieldTypes<'x, 'a> {
    x: &'x mut Extractor<'a>,
}

impl<'ast> Visit<'ast> for FieldTypes<'_, '_> {
    fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
        for f in &s.fields {
            if let Some(id) = &f.ident {
                let ty = self.x.type_text(&f.ty);
                self.x.field_types.insert(id.to_string(), ty);
            }
        }
        visit::visit_item_struct(self, s);
    }
}

struct Extractor<'a> {
    src: &'a str,
    /// Offset of the parsed text in the file (a BOM or shebang line was cut).
    base: usize,
    offsets: Offsets<'a>,
    sinks: &'a LogSinks,
    imports: Imports,
    facts: Facts,
    /// Struct field name → declared type (any struct in the file).
    field_types: HashMap<String, String>,
    /// Per function: local name → type (parameters, annotated or constructed lets).
    locals: Vec<HashMap<String, String>>,
    /// Per function: local name → index of the call whose builder chain it holds.
    bindings: Vec<HashMap<String, usize>>,
    self_ty: Option<String>,
    scope: ScopeId,
    next_scope: ScopeId,
}

/// Macros of the Rust prelude and std that need no import.
const PRELUDE_MACROS: &[&str] = &[
    "println",
    "eprintln",
    "print",
    "eprint",
    "dbg",
    "panic",
    "format",
    "format_args",
    "write",
    "writeln",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "unreachable",
    "todo",
    "unimplemented",
    "vec",
];

/// Macros whose first argument is a destination, then a format string.
const WRITE_MACROS: &[&str] = &["write", "writeln"];
/// Macros that build a string from a format string (templates, not sinks).
const FORMAT_MACROS: &[&str] = &["format", "format_args", "write", "writeln"];

/// One argument of a format-like macro.
struct MacroArg {
    /// `name = value` / tracing field `name = %value`.
    key: Option<String>,
    /// tracing `?value` / `name = ?value`.
    debug: bool,
    expr: Expr,
    /// Before the format string (tracing fields, `log!`'s level).
    before_fmt: bool,
}

struct Placeholder {
    /// Position or name of the argument.
    arg: PhArg,
    debug: bool,
    /// Byte range of the argument name inside the file (inline captures).
    name_span: ByteSpan,
    /// The literal text before it (since the previous placeholder).
    lit_before: String,
}

enum PhArg {
    Index(usize),
    Name(String),
}

impl<'a> Extractor<'a> {
    fn sp(&self, s: Span) -> ByteSpan {
        let o = &self.offsets;
        (o.byte(s.start()) + self.base, o.byte(s.end()) + self.base)
    }

    fn span_of(&self, node: &impl Spanned) -> ByteSpan {
        self.sp(node.span())
    }

    /// The span of an expression, as [`Self::span_of`] gives it, without
    /// printing the expression back to tokens (what `Spanned` does; a fifth of
    /// the Rust pass went there) for the kinds the front end meets most.
    fn expr_span(&self, e: &Expr) -> ByteSpan {
        match (first_token(e), last_token(e)) {
            (Some(a), Some(b)) => (self.sp(a).0, self.sp(b).1),
            _ => self.span_of(e),
        }
    }

    fn text(&self, s: ByteSpan) -> &'a str {
        self.src.get(s.0..s.1).unwrap_or("")
    }

    /// A type as written, whitespace removed except between two words.
    fn type_text(&self, ty: &syn::Type) -> String {
        normalise_type(self.text(self.span_of(ty)))
    }

    /// A path, dotted and resolved through `use`.
    fn resolve(&self, p: &syn::Path) -> (String, bool) {
        let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        self.resolve_segs(&segs, p.leading_colon.is_some())
    }

    fn resolve_segs(&self, segs: &[String], absolute: bool) -> (String, bool) {
        let Some(first) = segs.first() else {
            return (String::new(), false);
        };
        if let Some(full) = self.imports.map.get(first) {
            let mut out = full.clone();
            for s in &segs[1..] {
                out.push('.');
                out.push_str(s);
            }
            return (out, true);
        }
        let joined = segs.join(".");
        let local = matches!(first.as_str(), "self" | "super" | "crate" | "Self");
        let crate_path = segs.len() > 1
            && !local
            && first.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        (joined, absolute || crate_path)
    }

    /// A macro's path resolved: prelude macros and glob imports count.
    fn resolve_macro(&self, p: &syn::Path) -> (String, bool) {
        let (path, resolved) = self.resolve(p);
        if resolved {
            return (path, true);
        }
        if p.segments.len() == 1 {
            if PRELUDE_MACROS.contains(&path.as_str()) {
                return (path, true);
            }
            for g in &self.imports.globs {
                let cand = format!("{g}.{path}");
                if self.sinks.is_sink(&cand, true) {
                    return (cand, true);
                }
            }
        }
        (path, false)
    }

    fn type_of(&self, text: &str) -> Option<String> {
        if text == "self" {
            return self.self_ty.clone();
        }
        if let Some((_, last)) = text.rsplit_once('.') {
            return self.field_types.get(last).cloned();
        }
        self.locals.iter().rev().find_map(|m| m.get(text)).cloned()
    }

    fn enter_fn(&mut self, sig: &syn::Signature) -> ScopeId {
        let mut locals = HashMap::new();
        for input in &sig.inputs {
            if let syn::FnArg::Typed(pt) = input {
                if let syn::Pat::Ident(id) = pt.pat.as_ref() {
                    locals.insert(id.ident.to_string(), self.type_text(&pt.ty));
                }
            }
        }
        self.locals.push(locals);
        self.bindings.push(HashMap::new());
        let prev = self.scope;
        self.scope = self.next_scope;
        self.next_scope += 1;
        // Parameters, as parameter bindings with an unknown value: a `url`
        // parameter is not the `url` another function assigns.
        for input in &sig.inputs {
            if let syn::FnArg::Typed(pt) = input {
                if let syn::Pat::Ident(id) = pt.pat.as_ref() {
                    let span = self.span_of(id);
                    let value = Value {
                        kind: ValueKind::Other,
                        span,
                    };
                    self.assign(id.ident.to_string(), value, span);
                    if let Some(a) = self.facts.assigns.last_mut() {
                        a.default = true;
                    }
                }
            }
        }
        prev
    }

    fn leave_fn(&mut self, prev: ScopeId) {
        self.locals.pop();
        self.bindings.pop();
        self.scope = prev;
    }

    /// A dotted text for a place expression: `self.cfg.api_key`, `x`, `self.creds().secret`.
    fn dotted(&self, e: &Expr) -> Option<String> {
        match e {
            Expr::Path(p) if p.qself.is_none() => Some(
                p.path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect::<Vec<_>>()
                    .join("."),
            ),
            Expr::Field(f) => {
                let base = self.dotted(&f.base)?;
                let member = match &f.member {
                    syn::Member::Named(id) => id.to_string(),
                    syn::Member::Unnamed(i) => i.index.to_string(),
                };
                Some(format!("{base}.{member}"))
            }
            Expr::MethodCall(m) if m.args.is_empty() => {
                Some(format!("{}.{}()", self.dotted(&m.receiver)?, m.method))
            }
            Expr::Paren(p) => self.dotted(&p.expr),
            Expr::Reference(r) => self.dotted(&r.expr),
            _ => None,
        }
    }

    fn value_of(&self, e: &Expr, depth: u32) -> Value {
        let span = self.expr_span(e);
        let kind = match e {
            Expr::Lit(l) => lit_kind(&l.lit),
            Expr::Path(p) if p.qself.is_none() => {
                if p.path.is_ident("None") {
                    ValueKind::None
                } else {
                    let (path, resolved) = self.resolve(&p.path);
                    ValueKind::Name { path, resolved }
                }
            }
            Expr::Reference(r) => return self.value_of(&r.expr, depth),
            Expr::Paren(p) => return self.value_of(&p.expr, depth),
            Expr::Group(g) => return self.value_of(&g.expr, depth),
            Expr::Call(c) => match c.func.as_ref() {
                Expr::Path(p) if p.path.is_ident("Some") && c.args.len() == 1 => {
                    let mut v = self.value_of(&c.args[0], depth);
                    v.span = span;
                    return v;
                }
                Expr::Path(p) if p.path.is_ident("String") || p.qself.is_some() => ValueKind::Other,
                Expr::Path(p) => {
                    let (callee, resolved) = self.resolve(&p.path);
                    if callee == "String.from" && c.args.len() == 1 {
                        let mut v = self.value_of(&c.args[0], depth);
                        v.span = span;
                        return v;
                    }
                    if depth >= MAX_VALUE_DEPTH {
                        ValueKind::Other
                    } else {
                        ValueKind::Call(Box::new(CallValue {
                            callee,
                            resolved,
                            args: c.args.iter().map(|a| self.value_of(a, depth + 1)).collect(),
                            kwargs: Vec::new(),
                            star_kwargs: false,
                        }))
                    }
                }
                _ => ValueKind::Other,
            },
            Expr::MethodCall(m)
                if m.args.is_empty()
                    && matches!(
                        m.method.to_string().as_str(),
                        "into" | "to_string" | "to_owned" | "into_owned"
                    ) =>
            {
                let v = self.value_of(&m.receiver, depth);
                if matches!(v.kind, ValueKind::Str(_)) {
                    return Value { kind: v.kind, span };
                }
                ValueKind::Other
            }
            Expr::Struct(s) if s.qself.is_none() => {
                let (path, resolved) = self.resolve(&s.path);
                ValueKind::Name { path, resolved }
            }
            Expr::Macro(m) => {
                let (name, _) = self.resolve_macro(&m.mac.path);
                if FORMAT_MACROS.contains(&name.as_str()) {
                    match self.format_pieces(&m.mac, &name) {
                        Some(p) => ValueKind::Template(p),
                        None => ValueKind::Other,
                    }
                } else {
                    ValueKind::Other
                }
            }
            _ => ValueKind::Other,
        };
        Value { kind, span }
    }

    /// A call `f(args)` with a path callee; returns its index in `facts.calls`.
    fn call(&mut self, c: &syn::ExprCall, chain: Vec<Kwarg>) -> Option<usize> {
        for a in &c.args {
            self.visit_expr(a);
        }
        let Expr::Path(p) = c.func.as_ref() else {
            self.visit_expr(&c.func);
            return None;
        };
        if p.qself.is_some() {
            return None;
        }
        let (callee, resolved) = self.resolve(&p.path);
        let args = c.args.iter().map(|a| self.value_of(a, 0)).collect();
        let span = if c.attrs.is_empty() {
            (
                self.expr_span(&c.func).0,
                self.sp(c.paren_token.span.close()).1,
            )
        } else {
            self.span_of(c)
        };
        let callee_span = self.expr_span(&c.func);
        Some(self.push_call(callee, resolved, (span, callee_span), args, chain))
    }

    /// Record a call (Rust has no keyword arguments, no `*args`, no
    /// receiver apart from the chain) and return its index.
    fn push_call(
        &mut self,
        callee: String,
        resolved: bool,
        (span, callee_span): (ByteSpan, ByteSpan),
        args: Vec<Value>,
        chain: Vec<Kwarg>,
    ) -> usize {
        self.facts.calls.push(Call {
            callee,
            resolved,
            span,
            callee_span,
            scope: self.scope,
            args,
            kwargs: Vec::new(),
            star_args: false,
            star_kwargs: false,
            receiver: None,
            chain,
        });
        self.facts.calls.len() - 1
    }

    /// A method-call chain `root.m1(a).m2(b)…`: one call for the root with
    /// the methods as its chain. Returns the index of that call.
    fn chain(&mut self, e: &Expr) -> Option<usize> {
        let mut methods = Vec::new();
        let mut cur = e;
        loop {
            match cur {
                Expr::MethodCall(m) => {
                    methods.push(m);
                    cur = &m.receiver;
                }
                Expr::Try(t) => cur = &t.expr,
                Expr::Await(a) => cur = &a.base,
                Expr::Paren(p) => cur = &p.expr,
                _ => break,
            }
        }
        methods.reverse();
        let mut chain = Vec::with_capacity(methods.len());
        for m in &methods {
            for a in &m.args {
                self.visit_expr(a);
            }
            let name_span = self.span_of(&m.method);
            let value = match m.args.first() {
                Some(a) => self.value_of(a, 0),
                None => Value {
                    kind: ValueKind::Other,
                    span: name_span,
                },
            };
            chain.push(Kwarg {
                name: m.method.to_string(),
                value,
                span: (name_span.0, self.sp(m.paren_token.span.close()).1),
            });
        }
        match cur {
            Expr::Call(c) if matches!(c.func.as_ref(), Expr::Path(_)) => self.call(c, chain),
            Expr::Path(p) if p.path.get_ident().is_some() => {
                let name = p.path.segments[0].ident.to_string();
                let bound = self.bindings.last().and_then(|b| b.get(&name)).copied();
                match bound {
                    Some(idx) => {
                        self.facts.calls[idx].chain.extend(chain);
                        Some(idx)
                    }
                    None => self.chain_on_value(cur, chain),
                }
            }
            _ => {
                self.visit_expr(cur);
                self.chain_on_value(cur, chain)
            }
        }
    }

    /// Methods called on a value that is not a call we know (`builder.timeout(…)`).
    fn chain_on_value(&mut self, root: &Expr, chain: Vec<Kwarg>) -> Option<usize> {
        if chain.is_empty() {
            return None;
        }
        let callee = self.dotted(root).unwrap_or_else(|| "<expr>".into());
        let span = self.expr_span(root);
        Some(self.push_call(callee, false, (span, span), Vec::new(), chain))
    }

    /// An expression that may hold a call or a chain: returns its call index.
    fn expr_call(&mut self, e: &Expr) -> Option<usize> {
        match e {
            Expr::MethodCall(_) | Expr::Try(_) | Expr::Await(_) => self.chain(e),
            Expr::Call(c) => self.call(c, Vec::new()),
            Expr::Paren(p) => self.expr_call(&p.expr),
            _ => {
                self.visit_expr(e);
                None
            }
        }
    }

    /// The type a `let` initialiser constructs: `T::new(…)`, `T { … }`.
    fn constructed_type(&self, e: &Expr) -> Option<String> {
        match e {
            Expr::Call(c) => match c.func.as_ref() {
                Expr::Path(p) if p.path.segments.len() >= 2 => {
                    let segs = &p.path.segments;
                    let ty = segs[segs.len() - 2].ident.to_string();
                    ty.chars()
                        .next()
                        .is_some_and(|c| c.is_uppercase())
                        .then_some(ty)
                }
                _ => None,
            },
            Expr::Struct(s) => s.path.segments.last().map(|s| s.ident.to_string()),
            Expr::Try(t) => self.constructed_type(&t.expr),
            Expr::Await(a) => self.constructed_type(&a.base),
            Expr::MethodCall(m)
                if matches!(m.method.to_string().as_str(), "unwrap" | "expect" | "clone") =>
            {
                self.constructed_type(&m.receiver)
            }
            Expr::Reference(r) => self.constructed_type(&r.expr),
            _ => None,
        }
    }

    fn assign(&mut self, target: String, value: Value, span: ByteSpan) {
        self.facts.assigns.push(Assign {
            resolved_target: target.clone(),
            target,
            value,
            scope: self.scope,
            span,
            default: false,
            property: false,
        });
    }

    // ---- macros -------------------------------------------------------------

    /// Split a macro's tokens into arguments. `None` when they are not
    /// comma-separated expressions.
    fn macro_args(
        &self,
        tokens: &TokenStream,
        skip_first: bool,
    ) -> Option<(Option<Lit>, Vec<MacroArg>)> {
        let mut segments: Vec<Vec<TokenTree>> = vec![Vec::new()];
        for tt in tokens.clone() {
            match &tt {
                TokenTree::Punct(p) if p.as_char() == ',' => segments.push(Vec::new()),
                TokenTree::Punct(p) if p.as_char() == ';' => segments.push(Vec::new()),
                _ => segments.last_mut().expect("one segment").push(tt),
            }
        }
        let mut fmt: Option<Lit> = None;
        let mut args = Vec::new();
        for (i, seg) in segments.into_iter().enumerate() {
            if seg.is_empty() || (skip_first && i == 0) {
                continue;
            }
            // `target: "x"`, `parent: span`, `name: "n"` (log / tracing).
            if let (Some(TokenTree::Ident(id)), Some(TokenTree::Punct(p))) =
                (seg.first(), seg.get(1))
            {
                if p.as_char() == ':' && p.spacing() == Spacing::Alone && seg.len() > 2 {
                    let _ = id;
                    continue;
                }
            }
            if fmt.is_none() && seg.len() == 1 {
                if let TokenTree::Literal(l) = &seg[0] {
                    let lit = Lit::new(l.clone());
                    if matches!(lit, Lit::Str(_)) {
                        fmt = Some(lit);
                        continue;
                    }
                }
            }
            let before_fmt = fmt.is_none();
            // `key = value`: an `=` that is not part of `==`, `<=`, `=>`, `!=`…
            let eq = seg.iter().enumerate().position(|(j, t)| {
                matches!(t, TokenTree::Punct(p) if p.as_char() == '=' && p.spacing() == Spacing::Alone)
                    && !matches!(j.checked_sub(1).and_then(|k| seg.get(k)),
                        Some(TokenTree::Punct(q)) if q.spacing() == Spacing::Joint)
            });
            let (key, mut rest): (Option<String>, &[TokenTree]) = match eq {
                Some(j) if j > 0 => {
                    let key: String = seg[..j].iter().map(|t| t.to_string()).collect();
                    (Some(key.replace(' ', "")), &seg[j + 1..])
                }
                _ => (None, &seg[..]),
            };
            let mut debug = false;
            if let Some(TokenTree::Punct(p)) = rest.first() {
                if p.as_char() == '?' || p.as_char() == '%' {
                    debug = p.as_char() == '?';
                    rest = &rest[1..];
                }
            }
            if rest.is_empty() {
                continue;
            }
            let ts: TokenStream = rest.iter().cloned().collect();
            let Ok(expr) = syn::parse2::<Expr>(ts) else {
                continue;
            };
            args.push(MacroArg {
                key,
                debug,
                expr,
                before_fmt,
            });
        }
        Some((fmt, args))
    }

    /// The placeholders of a format string literal, read from its source text.
    fn placeholders(&self, lit: &Lit) -> (Vec<Placeholder>, String) {
        let span = self.sp(lit.span());
        let raw = self.text(span);
        // Find the body between the opening quote and the closing one.
        let Some(open) = raw.find('"') else {
            return (Vec::new(), String::new());
        };
        let close = raw.rfind('"').unwrap_or(raw.len());
        let is_raw = raw[..open].contains('r');
        let body = &raw[open + 1..close.max(open + 1)];
        let body_start = span.0 + open + 1;
        let b = body.as_bytes();
        let mut out = Vec::new();
        let mut lit_before = String::new();
        let mut next_pos = 0usize;
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'\\' if !is_raw => {
                    // Skip escapes, `\u{…}` included.
                    if b.get(i + 1) == Some(&b'u') && b.get(i + 2) == Some(&b'{') {
                        while i < b.len() && b[i] != b'}' {
                            i += 1;
                        }
                        i += 1;
                    } else {
                        i += 2;
                    }
                    lit_before.push('?');
                }
                b'{' if b.get(i + 1) == Some(&b'{') => {
                    lit_before.push('{');
                    i += 2;
                }
                b'}' if b.get(i + 1) == Some(&b'}') => {
                    lit_before.push('}');
                    i += 2;
                }
                b'{' => {
                    let start = i + 1;
                    let Some(len) = body[start..].find('}') else {
                        break;
                    };
                    let inner = &body[start..start + len];
                    let (arg, spec) = inner.split_once(':').unwrap_or((inner, ""));
                    let arg = arg.trim();
                    let debug = spec.contains('?');
                    let ph_arg = if arg.is_empty() {
                        next_pos += 1;
                        PhArg::Index(next_pos - 1)
                    } else if let Ok(n) = arg.parse::<usize>() {
                        PhArg::Index(n)
                    } else {
                        PhArg::Name(arg.to_string())
                    };
                    let name_span = (body_start + start, body_start + start + arg.len().max(1));
                    out.push(Placeholder {
                        arg: ph_arg,
                        debug,
                        name_span,
                        lit_before: std::mem::take(&mut lit_before),
                    });
                    i = start + len + 1;
                }
                _ => {
                    let ch = body[i..].chars().next().unwrap_or(' ');
                    lit_before.push(ch);
                    i += ch.len_utf8();
                }
            }
        }
        (out, lit_before)
    }

    /// `format!`-like macro as template pieces.
    fn format_pieces(&self, mac: &syn::Macro, name: &str) -> Option<Vec<Piece>> {
        let skip_first = WRITE_MACROS.contains(&name);
        let (fmt, args) = self.macro_args(&mac.tokens, skip_first)?;
        let fmt = fmt?;
        let (phs, tail) = self.placeholders(&fmt);
        let positional: Vec<&MacroArg> = args.iter().filter(|a| a.key.is_none()).collect();
        let mut pieces = Vec::new();
        for ph in phs {
            if !ph.lit_before.is_empty() {
                pieces.push(Piece::Lit(ph.lit_before));
            }
            let arg_expr = match &ph.arg {
                PhArg::Index(n) => positional.get(*n).map(|a| &a.expr),
                PhArg::Name(n) => args
                    .iter()
                    .find(|a| a.key.as_deref() == Some(n))
                    .map(|a| &a.expr),
            };
            let piece = match (arg_expr, &ph.arg) {
                (Some(e), _) => match self.name_ref(e, Vec::new()) {
                    Some(n) => Piece::Name(n),
                    None => Piece::Other,
                },
                (None, PhArg::Name(n)) => {
                    Piece::Name(self.capture_ref(n, ph.name_span, Vec::new()))
                }
                (None, PhArg::Index(_)) => Piece::Other,
            };
            pieces.push(piece);
        }
        if !tail.is_empty() {
            pieces.push(Piece::Lit(tail));
        }
        Some(pieces)
    }

    fn capture_ref(&self, name: &str, span: ByteSpan, through: Vec<String>) -> NameRef {
        NameRef {
            text: name.to_string(),
            resolved: None,
            span,
            through,
            ty: self.type_of(name),
            scope: None,
        }
    }

    /// A NameRef for a place expression.
    fn name_ref(&self, e: &Expr, through: Vec<String>) -> Option<NameRef> {
        let text = self.dotted(e)?;
        let resolved = match e {
            Expr::Path(p) => {
                let (r, ok) = self.resolve(&p.path);
                let imported = self
                    .imports
                    .map
                    .contains_key(&p.path.segments[0].ident.to_string());
                (ok && (imported || p.path.segments.len() > 1)).then_some(r)
            }
            _ => None,
        };
        Some(NameRef {
            ty: self.type_of(&text),
            scope: None,
            text,
            resolved,
            span: self.expr_span(e),
            through,
        })
    }

    /// Names an expression reaching a sink references, with what they pass through.
    fn names_in(&self, e: &Expr, through: &mut Vec<String>, out: &mut Vec<NameRef>) {
        match e {
            Expr::Path(_) | Expr::Field(_) => {
                if let Some(n) = self.name_ref(e, through.clone()) {
                    out.push(n);
                }
            }
            Expr::MethodCall(m) => {
                through.push(format!(".{}", m.method));
                self.names_in(&m.receiver, through, out);
                for a in &m.args {
                    self.names_in(a, through, out);
                }
                through.pop();
            }
            Expr::Call(c) => {
                let callee = match c.func.as_ref() {
                    Expr::Path(p) => self.resolve(&p.path).0,
                    _ => "<call>".into(),
                };
                through.push(callee);
                for a in &c.args {
                    self.names_in(a, through, out);
                }
                through.pop();
            }
            Expr::Reference(r) => self.names_in(&r.expr, through, out),
            Expr::Paren(p) => self.names_in(&p.expr, through, out),
            Expr::Group(g) => self.names_in(&g.expr, through, out),
            Expr::Unary(u) => self.names_in(&u.expr, through, out),
            Expr::Try(t) => self.names_in(&t.expr, through, out),
            Expr::Await(a) => self.names_in(&a.base, through, out),
            Expr::Cast(c) => self.names_in(&c.expr, through, out),
            Expr::Index(i) => {
                if matches!(i.index.as_ref(), Expr::Range(_)) {
                    through.push("[:]".into());
                    self.names_in(&i.expr, through, out);
                    through.pop();
                } else if let (Some(base), Expr::Lit(l)) = (self.dotted(&i.expr), i.index.as_ref())
                {
                    if let Lit::Str(s) = &l.lit {
                        out.push(NameRef {
                            text: format!("{base}[{}]", s.value()),
                            resolved: None,
                            span: self.expr_span(e),
                            through: through.clone(),
                            ty: None,
                            scope: None,
                        });
                    }
                } else {
                    through.push("[]".into());
                    self.names_in(&i.expr, through, out);
                    through.pop();
                }
            }
            Expr::Binary(b) => {
                use syn::BinOp::*;
                if !matches!(b.op, Eq(_) | Ne(_) | Lt(_) | Le(_) | Gt(_) | Ge(_)) {
                    self.names_in(&b.left, through, out);
                    self.names_in(&b.right, through, out);
                }
            }
            Expr::Tuple(t) => {
                for x in &t.elems {
                    self.names_in(x, through, out);
                }
            }
            Expr::Array(a) => {
                for x in &a.elems {
                    self.names_in(x, through, out);
                }
            }
            Expr::Macro(m) => {
                let (name, _) = self.resolve_macro(&m.mac.path);
                if FORMAT_MACROS.contains(&name.as_str()) {
                    through.push(name);
                    self.format_names(&m.mac, through, out, false);
                    through.pop();
                }
            }
            _ => {}
        }
    }

    /// Names a format-like macro's arguments reference (with `{:?}` when
    /// debug-formatted).
    fn format_names(
        &self,
        mac: &syn::Macro,
        through: &mut Vec<String>,
        out: &mut Vec<NameRef>,
        all_debug: bool,
    ) {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        let skip_first = WRITE_MACROS.contains(&name.as_str());
        let Some((fmt, args)) = self.macro_args(&mac.tokens, skip_first) else {
            return;
        };
        let (phs, _) = match &fmt {
            Some(f) => self.placeholders(f),
            None => (Vec::new(), String::new()),
        };
        let positional: Vec<usize> = args
            .iter()
            .enumerate()
            .filter(|(_, a)| a.key.is_none() && !a.before_fmt)
            .map(|(i, _)| i)
            .collect();
        let mut debug_args = vec![false; args.len()];
        for ph in &phs {
            let idx = match &ph.arg {
                PhArg::Index(n) => positional.get(*n).copied(),
                PhArg::Name(n) => args
                    .iter()
                    .position(|a| !a.before_fmt && a.key.as_deref() == Some(n.as_str())),
            };
            match (idx, &ph.arg) {
                (Some(i), _) => debug_args[i] |= ph.debug,
                (None, PhArg::Name(n)) if n.chars().all(|c| c.is_alphanumeric() || c == '_') => {
                    let mut t = through.clone();
                    if ph.debug || all_debug {
                        t.push("{:?}".into());
                    }
                    out.push(self.capture_ref(n, ph.name_span, t));
                }
                _ => {}
            }
        }
        for (i, a) in args.iter().enumerate() {
            let debug = a.debug || debug_args[i] || all_debug;
            if debug {
                through.push("{:?}".into());
            }
            self.names_in(&a.expr, through, out);
            if debug {
                through.pop();
            }
        }
    }

    fn visit_macro_inner(&mut self, mac: &syn::Macro) {
        let (name, resolved) = self.resolve_macro(&mac.path);
        if self.sinks.is_sink(&name, resolved) {
            let mut names = Vec::new();
            let all_debug = name == "dbg";
            self.format_names(mac, &mut Vec::new(), &mut names, all_debug);
            names.retain(|n| !(n.through.is_empty() && self.sinks.skip_kwargs.contains(&n.text)));
            self.facts.log_calls.push(LogCall {
                sink: name.clone(),
                span: self.span_of(mac),
                names,
            });
        } else if FORMAT_MACROS.contains(&name.as_str()) {
            if let Some(pieces) = self.format_pieces(mac, &name) {
                let span = self.span_of(mac);
                self.facts.templates.push(Template { pieces, span });
            }
        }
        // Visit the arguments (calls inside `println!`, `vec![…]`, `assert!(…)`).
        if mac.delimiter_is_group() {
            if let Some((_, args)) = self.macro_args(&mac.tokens, false) {
                for a in args {
                    self.visit_expr(&a.expr);
                }
            }
        }
    }
}

trait DelimGroup {
    fn delimiter_is_group(&self) -> bool;
}

impl DelimGroup for syn::Macro {
    fn delimiter_is_group(&self) -> bool {
        // Brace-delimited macros are usually item-like DSLs (`select! {…}`).
        !matches!(self.delimiter, syn::MacroDelimiter::Brace(_))
    }
}

fn lit_kind(l: &Lit) -> ValueKind {
    match l {
        Lit::Bool(b) => ValueKind::Bool(b.value),
        Lit::Str(s) => ValueKind::Str(s.value()),
        Lit::Int(i) => ValueKind::Num(i.base10_digits().to_string()),
        Lit::Float(f) => ValueKind::Num(f.base10_digits().to_string()),
        _ => ValueKind::Other,
    }
}

/// Remove whitespace from a type, except a single space between two words
/// (`&'static str`).
pub fn normalise_type(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut pending_space = false;
    for c in t.chars() {
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space {
            let prev_word = out
                .chars()
                .last()
                .is_some_and(|p| p.is_alphanumeric() || p == '_' || p == '\'');
            if prev_word && (c.is_alphanumeric() || c == '_') {
                out.push(' ');
            }
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// Does a function body return `Ok(…)` on every path with nothing that could
/// fail? Judged from its text: no `?`, `Err`, `if`, `match`, `return Err`.
fn always_ok(body: &str) -> bool {
    let mut has_ok = false;
    for w in body.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
        match w {
            "Err" | "if" | "match" | "unwrap_or" | "panic" | "loop" | "while" | "for" => {
                return false
            }
            "Ok" => has_ok = true,
            _ => {}
        }
    }
    has_ok && !body.contains('?')
}

impl<'ast> Visit<'ast> for Extractor<'_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let prev = self.enter_fn(&f.sig);
        visit::visit_item_fn(self, f);
        self.leave_fn(prev);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        let prev = self.enter_fn(&f.sig);
        visit::visit_impl_item_fn(self, f);
        self.leave_fn(prev);
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let self_ty = match i.self_ty.as_ref() {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        if let Some((_, trait_path, _)) = &i.trait_ {
            let (interface, _) = self.resolve(trait_path);
            for item in &i.items {
                if let syn::ImplItem::Fn(f) = item {
                    let body = self.text(self.span_of(&f.block));
                    self.facts.impl_fns.push(ImplFn {
                        interface: interface.clone(),
                        self_ty: self_ty.clone().unwrap_or_default(),
                        method: f.sig.ident.to_string(),
                        always_ok: always_ok(body),
                        span: self.span_of(&f.sig.ident),
                    });
                }
            }
        }
        let prev = std::mem::replace(&mut self.self_ty, self_ty);
        visit::visit_item_impl(self, i);
        self.self_ty = prev;
    }

    fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
        let mut auto_repr = None;
        for a in &s.attrs {
            if !a.path().is_ident("derive") {
                continue;
            }
            let _ = a.parse_nested_meta(|m| {
                if m.path.segments.last().is_some_and(|l| l.ident == "Debug") {
                    auto_repr = Some(self.span_of(&m.path));
                }
                Ok(())
            });
        }
        let name = s.ident.to_string();
        let single = s.fields.len() == 1;
        let fields = s
            .fields
            .iter()
            .filter_map(|f| {
                let fname = match &f.ident {
                    Some(id) => id.to_string(),
                    None if single => name.clone(),
                    None => return None,
                };
                let hidden = f.attrs.iter().any(|a| {
                    let p = a.path();
                    let about_debug = ["debug", "educe", "derivative", "derive_more"]
                        .iter()
                        .any(|w| p.is_ident(w));
                    let t = self.text(self.span_of(a));
                    about_debug && (t.contains("skip") || t.contains("ignore"))
                });
                Some(RecordField {
                    name: fname,
                    ty: self.type_text(&f.ty),
                    hidden,
                    span: match &f.ident {
                        Some(id) => self.span_of(id),
                        None => self.span_of(&f.ty),
                    },
                })
            })
            .collect();
        self.facts.records.push(Record {
            name,
            span: self.span_of(&s.ident),
            auto_repr,
            fields,
        });
        visit::visit_item_struct(self, s);
    }

    fn visit_item_const(&mut self, c: &'ast syn::ItemConst) {
        let v = self.value_of(&c.expr, 0);
        let span = self.span_of(c);
        self.assign(c.ident.to_string(), v, span);
        visit::visit_item_const(self, c);
    }

    fn visit_item_static(&mut self, s: &'ast syn::ItemStatic) {
        let v = self.value_of(&s.expr, 0);
        let span = self.span_of(s);
        self.assign(s.ident.to_string(), v, span);
        visit::visit_item_static(self, s);
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        let (name, ty) = match &l.pat {
            syn::Pat::Ident(id) => (Some(id.ident.to_string()), None),
            syn::Pat::Type(pt) => match pt.pat.as_ref() {
                syn::Pat::Ident(id) => (Some(id.ident.to_string()), Some(self.type_text(&pt.ty))),
                _ => (None, None),
            },
            _ => (None, None),
        };
        let Some(init) = &l.init else {
            if let (Some(n), Some(t)) = (name, ty) {
                if let Some(m) = self.locals.last_mut() {
                    m.insert(n, t);
                }
            }
            return;
        };
        let ty = ty.or_else(|| self.constructed_type(&init.expr));
        if let Some(n) = &name {
            let v = self.value_of(&init.expr, 0);
            if v.is_literal() || matches!(v.kind, ValueKind::Template(_)) {
                let span = self.span_of(l);
                self.assign(n.clone(), v, span);
            }
        }
        let idx = self.expr_call(&init.expr);
        if let Some((_, els)) = &init.diverge {
            self.visit_expr(els);
        }
        if let Some(n) = name {
            if let Some(t) = ty {
                if let Some(m) = self.locals.last_mut() {
                    m.insert(n.clone(), t);
                }
            }
            if let (Some(i), Some(b)) = (idx, self.bindings.last_mut()) {
                b.insert(n, i);
            }
        }
    }

    fn visit_expr(&mut self, e: &'ast Expr) {
        match e {
            Expr::MethodCall(_) => {
                self.chain(e);
            }
            Expr::Call(c) => {
                self.call(c, Vec::new());
            }
            Expr::Assign(a) => {
                // `b = b.timeout(t)` keeps the chain on b's call.
                let idx = self.expr_call(&a.right);
                if let Expr::Path(p) = a.left.as_ref() {
                    if let Some(id) = p.path.get_ident() {
                        let n = id.to_string();
                        if let (Some(i), Some(b)) = (idx, self.bindings.last_mut()) {
                            b.entry(n.clone()).or_insert(i);
                        }
                        let v = self.value_of(&a.right, 0);
                        if v.is_literal() {
                            let span = self.span_of(a);
                            self.assign(n, v, span);
                        }
                    }
                }
            }
            Expr::Struct(s) => {
                for f in &s.fields {
                    if let syn::Member::Named(id) = &f.member {
                        let v = self.value_of(&f.expr, 0);
                        if v.is_literal() {
                            let span = self.span_of(f);
                            self.assign(id.to_string(), v, span);
                            if let Some(a) = self.facts.assigns.last_mut() {
                                a.property = true;
                            }
                        }
                    }
                }
                visit::visit_expr_struct(self, s);
            }
            _ => visit::visit_expr(self, e),
        }
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.visit_macro_inner(m);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_characters_in_non_ascii_lines() {
        let lc = |line, column| proc_macro2::LineColumn { line, column };
        let o = Offsets::new("let é = 1;\nx", &[]);
        assert_eq!(o.byte(lc(1, 5)), 6, "after the two-byte é");
        assert_eq!(o.byte(lc(2, 0)), 12);
        assert_eq!(o.byte(lc(2, 1)), 13);
        assert_eq!(o.byte(lc(9, 0)), 13, "past the end: the end");
        let a = Offsets::new("ab\ncd", &[]);
        assert_eq!(a.byte(lc(2, 1)), 4);
        // Pieces of a file: "ab" from 10, "cd" from 20 (one newline apart).
        let p = Offsets::new("ab\ncd", &[(0, 10), (3, 20)]);
        assert_eq!(p.byte(lc(1, 0)), 10);
        assert_eq!(p.byte(lc(1, 2)), 12, "the end of a piece is its own");
        assert_eq!(p.byte(lc(2, 0)), 20);
        assert_eq!(p.byte(lc(2, 2)), 22);
        // Spans through the whole front end, against byte_range.
        let src = "fn f() { let k = \"é\"; reqwest::get(\"http://ünï.example\"); }";
        let x = extract(src, crate::rules::log_sinks().lang("rust").unwrap());
        assert!(!x.facts.calls.is_empty());
        for c in &x.facts.calls {
            assert!(src.is_char_boundary(c.span.0) && src.is_char_boundary(c.span.1));
            assert!(
                src[c.span.0..c.span.1].starts_with("reqwest::get("),
                "{:?}",
                c.span
            );
        }
    }

    fn sinks() -> &'static LogSinks {
        crate::rules::log_sinks().lang("rust").unwrap()
    }

    fn facts(src: &str) -> Facts {
        let x = extract(src, sinks());
        assert!(x.syntax_error.is_none(), "{:?}", x.syntax_error);
        x.facts
    }

    #[test]
    fn builder_chains_and_imports() {
        let f = facts(
            "use reqwest::blocking::Client as BC;\nuse reqwest::Client;\nfn main() {\n  let c = Client::builder().danger_accept_invalid_certs(true).connect_timeout(d).build();\n  let b = BC::new();\n  let mut k = reqwest::Client::builder();\n  k = k.timeout(t);\n}\n",
        );
        let c = &f.calls;
        let b = c
            .iter()
            .find(|c| c.callee == "reqwest.Client.builder")
            .unwrap();
        assert!(b.resolved);
        let names: Vec<_> = b.chain.iter().map(|k| k.name.as_str()).collect();
        assert_eq!(
            names,
            ["danger_accept_invalid_certs", "connect_timeout", "build"]
        );
        assert_eq!(
            b.kwarg("danger_accept_invalid_certs")
                .unwrap()
                .value
                .spelling()
                .unwrap(),
            "True"
        );
        assert!(c.iter().any(|c| c.callee == "reqwest.blocking.Client.new"));
        let k = c
            .iter()
            .filter(|c| c.callee == "reqwest.Client.builder")
            .nth(1)
            .unwrap();
        assert!(k.kwarg("timeout").is_some());
    }

    #[test]
    fn format_macros() {
        let f = facts(
            r#"use tracing::{debug as d};
fn f(api_key: &str, cfg: &Config) {
    println!("{} {api_secret} {x:?}", self.api_secret, x = cfg);
    d!(key = %api_key, ?secret, "msg {}", api_key.len());
    log::info!(target: "t", "{:#?}", cfg);
    let s = format!("{}/v1?apiKey={}", base, api_key);
}
"#,
        );
        let lc = &f.log_calls;
        assert_eq!(lc.len(), 3);
        assert_eq!(lc[0].sink, "println");
        let t: Vec<_> = lc[0]
            .names
            .iter()
            .map(|n| (n.text.as_str(), n.through.clone()))
            .collect();
        assert_eq!(
            t,
            [
                ("api_secret", vec![]),
                ("self.api_secret", vec![]),
                ("cfg", vec!["{:?}".to_string()])
            ]
        );
        assert_eq!(lc[0].names[2].ty.as_deref(), Some("&Config"));
        assert_eq!(lc[1].sink, "tracing.debug");
        let t: Vec<_> = lc[1]
            .names
            .iter()
            .map(|n| (n.text.as_str(), n.through.clone()))
            .collect();
        assert_eq!(
            t,
            [
                ("api_key", vec![]),
                ("secret", vec!["{:?}".to_string()]),
                ("api_key", vec![".len".to_string()])
            ]
        );
        assert_eq!(lc[2].sink, "log.info");
        assert_eq!(f.templates.len(), 1);
        // The inline capture's span is the name inside the string.
        let src = r#"fn f() { println!("a {api_key}"); }"#;
        let f = facts(src);
        let n = &f.log_calls[0].names[0];
        assert_eq!(&src[n.span.0..n.span.1], "api_key");
    }

    #[test]
    fn records_and_impls() {
        let f = facts(
            "#[derive(Clone, Debug)]\nstruct Creds { api_key: String, #[debug(skip)] secret: String }\nstruct NoVerify;\nimpl rustls::client::danger::ServerCertVerifier for NoVerify {\n fn verify_server_cert(&self) -> Result<ServerCertVerified, Error> { Ok(ServerCertVerified::assertion()) }\n}\n",
        );
        let r = &f.records[0];
        assert!(r.auto_repr.is_some());
        assert_eq!(r.fields[0].ty, "String");
        assert!(r.fields[1].hidden);
        let i = &f.impl_fns[0];
        assert!(i.always_ok);
        assert_eq!(i.interface, "rustls.client.danger.ServerCertVerifier");
    }

    #[test]
    fn nesting_guard() {
        let deep = format!(
            "fn f() {{ let x = {}1{}; }}",
            "(".repeat(1000),
            ")".repeat(1000)
        );
        assert!(too_deep(deep.as_bytes()).is_some());
        assert!(too_deep(b"fn f() { let s = \"((((\"; let c = '('; }").is_none());
        let unary = format!("fn f() {{ let x = {}y; }}", "!".repeat(10_000));
        assert!(too_deep(unary.as_bytes()).is_some());
        assert_eq!(normalise_type("&'static  str"), "&'static str");
        assert_eq!(normalise_type("Option < String >"), "Option<String>");
    }
}
