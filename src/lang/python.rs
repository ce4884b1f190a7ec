//! The Python front end: source → `ruff_python_parser` AST → [`Facts`].
//!
//! It resolves callees through imports and aliases (`import requests as r`,
//! `from requests import Session, get`) and through simple local types: a
//! name or `self` attribute bound to a constructor call (`s = requests.Session()`,
//! `self.session = httpx.AsyncClient(…)` in any method of the class,
//! `async with aiohttp.ClientSession() as session`, a parameter annotated with
//! a class). It knows Python, not rules: which calls are log sinks comes from
//! `rules/log-sinks.toml`.

use super::facts::*;
use crate::rules::clients::LogSinks;
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_python_parser::{parse_unchecked, Mode, ParseOptions};
use ruff_text_size::Ranged;
// foldhash: seeded like std's SipHash (no crafted-collision blowup on hostile names),
// several times cheaper per identifier; scopes hash every name the file uses.
use foldhash::HashMap;
use std::rc::Rc;

/// Files nested deeper than this (brackets) or indented deeper than this many
/// columns are not parsed. CPython itself rejects more than 200 nested
/// brackets and 100 indentation levels.
pub const MAX_BRACKET_DEPTH: usize = 200;
pub const MAX_INDENT_COLUMNS: usize = 1000;
/// Longest dotted/call chain the front end resolves (`a.b.c()…`).
const MAX_CHAIN: u32 = 32;

/// The result of running the front end on one file.
pub struct Extracted {
    pub facts: Facts,
    /// Syntax errors (the facts cover the parts that parsed): first error and count.
    pub syntax_error: Option<SyntaxErrorInfo>,
}

#[derive(Debug, Clone)]
pub struct SyntaxErrorInfo {
    /// Byte offset of the first error.
    pub offset: usize,
    pub message: String,
    pub count: usize,
}

/// The bytes [`too_deep`] acts on; it skips runs of others in one step.
static TOO_DEEP_MARKS: [bool; 256] = {
    let mut marks = [false; 256];
    let mut k = 0;
    let acts_on = *b"\n#()[]{}\"'";
    while k < acts_on.len() {
        marks[acts_on[k] as usize] = true;
        k += 1;
    }
    marks
};

/// [`too_deep`]'s reasons (also the body selector's, which screens the same).
pub(super) fn too_deep_indented() -> String {
    format!("indented deeper than {MAX_INDENT_COLUMNS} columns (not parsed)")
}

pub(super) fn too_deep_nested() -> String {
    format!("brackets nested deeper than {MAX_BRACKET_DEPTH} levels (not parsed)")
}

/// A cheap byte scan: is the file nested too deeply to parse safely?
/// Returns a reason when it is.
pub fn too_deep(src: &[u8]) -> Option<String> {
    let mut depth = 0usize;
    let mut max_depth = 0usize;
    let mut i = 0;
    let n = src.len();
    let mut at_line_start = true;
    while i < n {
        if at_line_start {
            at_line_start = false;
            if depth == 0 {
                let mut col = 0;
                while i < n && (src[i] == b' ' || src[i] == b'\t') {
                    col += if src[i] == b'\t' { 8 } else { 1 };
                    i += 1;
                }
                if col > MAX_INDENT_COLUMNS {
                    return Some(too_deep_indented());
                }
                continue;
            }
        }
        // Most bytes are none of those below: skip to the next that is.
        let Some(skip) = src[i..]
            .iter()
            .position(|&c| TOO_DEEP_MARKS[usize::from(c)])
        else {
            break;
        };
        i += skip;
        let b = src[i];
        match b {
            b'\n' => at_line_start = true,
            b'#' => {
                while i < n && src[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                max_depth = max_depth.max(depth);
                if max_depth > MAX_BRACKET_DEPTH {
                    return Some(too_deep_nested());
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'"' | b'\'' => {
                // Skip a string literal (single or triple quoted).
                let q = b;
                if i + 2 < n && src[i + 1] == q && src[i + 2] == q {
                    i += 3;
                    while i < n && !(src[i] == q && i + 2 < n && src[i + 1] == q && src[i + 2] == q)
                    {
                        i += if src[i] == b'\\' { 2 } else { 1 };
                        // Jump to the next quote or backslash.
                        if let Some(rest) = src.get(i..) {
                            i += memchr::memchr2(q, b'\\', rest).unwrap_or(rest.len());
                        }
                    }
                    i += 3;
                } else {
                    i += 1;
                    while i < n && src[i] != q && src[i] != b'\n' {
                        i += if src[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 1;
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// [`extract`] for the code rules: the file without the function bodies no
/// code rule needs (see [`super::python_select`]), with the findings of the
/// whole file; or why it is not parsed (nested too deep, see [`too_deep`]).
/// The whole file is parsed when nothing can be dropped, when the kept text
/// has a syntax error (the report names the file's first error), or when a
/// name a dropped body assigns is also assigned a URL in the kept text (the
/// plaintext rule may read a URL variable from another scope, and agrees only
/// when every assignment does).
pub fn extract_for_rules(source: &str, sinks: &LogSinks) -> Result<Extracted, String> {
    use super::python_select::Selected;
    let sel = match super::python_select::selector().select(source) {
        Selected::Kept(sel) => sel,
        Selected::TooDeep(reason) => return Err(reason),
        Selected::Whole { screened } => {
            if !screened {
                if let Some(reason) = too_deep(source.as_bytes()) {
                    return Err(reason);
                }
            }
            return Ok(extract(source, sinks));
        }
    };
    let x = extract(&sel.kept.text, sinks);
    let url_elsewhere = x.facts.assigns.iter().any(|a| {
        let url = match &a.value.kind {
            ValueKind::Str(s) => s.contains("://"),
            ValueKind::Template(p) => matches!(p.first(), Some(Piece::Lit(l)) if l.contains("://")),
            _ => false,
        };
        url && sel
            .assigned
            .contains(a.target.split(['.', '[']).next().unwrap_or(""))
    });
    if x.syntax_error.is_some() || url_elsewhere {
        return Ok(extract(source, sinks));
    }
    let mut facts = x.facts;
    facts.map_spans(&|at| sel.kept.in_file(at));
    Ok(Extracted {
        facts,
        syntax_error: None,
    })
}

/// Parse and extract facts. Never panics on bad input; deep nesting must be
/// screened with [`too_deep`] first.
pub fn extract(source: &str, sinks: &LogSinks) -> Extracted {
    let parsed = parse_unchecked(source, ParseOptions::from(Mode::Module));
    let syntax_error = parsed.errors().first().map(|e| SyntaxErrorInfo {
        offset: e.location.start().to_usize(),
        message: e.error.to_string(),
        count: parsed.errors().len(),
    });
    let mut x = Extractor {
        src: source,
        sinks,
        facts: Facts::default(),
        scopes: vec![Scope::new(0, ScopeKind::Module)],
        next_scope: 1,
        in_compare: 0,
        in_template: 0,
    };
    if let ast::Mod::Module(m) = parsed.syntax() {
        x.prebind(&m.body);
        x.body(&m.body);
    }
    let facts = x.facts;
    // The parser and our walks grow the stack as they go, but dropping the
    // AST recurses as deep as it is nested (`a.b.b.b…`, `------1`): give the
    // drop a stack as large as the worst case this file allows.
    if source.len() > DROP_ON_MAIN_STACK {
        let size = (source.len() * DROP_STACK_PER_BYTE).max(1 << 20);
        super::with_stack(size, move || drop(parsed));
    } else {
        drop(parsed);
    }
    Extracted {
        facts,
        syntax_error,
    }
}

/// Files up to this size cannot nest deep enough to overflow a normal stack
/// when their AST is dropped.
const DROP_ON_MAIN_STACK: usize = 4 * 1024;
/// Stack bytes per source byte for dropping a large AST (one nesting level
/// can take as little as one byte of source).
const DROP_STACK_PER_BYTE: usize = 256;

#[derive(Clone)]
enum Binding {
    /// An import: the full dotted path it stands for.
    Import(String),
    /// An object made by a constructor call (or typed by an annotation).
    Typed(String, Option<Rc<Ctor>>),
    /// Anything else: a local value we do not follow.
    Local,
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum ScopeKind {
    Module,
    Function,
    Class,
}

struct Scope {
    id: ScopeId,
    kind: ScopeKind,
    names: HashMap<String, Binding>,
    /// In a method: the name of its first parameter (`self`) and the class's
    /// typed attributes.
    self_name: Option<String>,
    self_attrs: Option<Rc<HashMap<String, Binding>>>,
}

impl Scope {
    fn new(id: ScopeId, kind: ScopeKind) -> Scope {
        Scope {
            id,
            kind,
            names: HashMap::default(),
            self_name: None,
            self_attrs: None,
        }
    }
}

/// What an expression resolves to.
struct Resolved {
    path: String,
    resolved: bool,
    /// The object's constructor, when the expression is a typed object.
    ctor: Option<Rc<Ctor>>,
    /// Root is an import (not a local type or a builtin).
    imported: bool,
}

struct Extractor<'s> {
    src: &'s str,
    sinks: &'s LogSinks,
    facts: Facts,
    scopes: Vec<Scope>,
    next_scope: ScopeId,
    in_compare: u32,
    in_template: u32,
}

fn span(r: &impl Ranged) -> ByteSpan {
    (r.start().to_usize(), r.end().to_usize())
}

fn grow<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(64 * 1024, 2 * 1024 * 1024, f)
}

impl<'s> Extractor<'s> {
    fn text(&self, r: &impl Ranged) -> &'s str {
        let (a, b) = span(r);
        self.src.get(a..b).unwrap_or("")
    }

    fn scope(&mut self) -> &mut Scope {
        self.scopes.last_mut().expect("module scope")
    }

    fn bind(&mut self, name: &str, b: Binding) {
        self.scope().names.insert(name.to_string(), b);
    }

    fn lookup(&self, name: &str) -> Option<&Binding> {
        let last = self.scopes.len() - 1;
        for (i, s) in self.scopes.iter().enumerate().rev() {
            // Class bodies are not visible from their methods.
            if s.kind == ScopeKind::Class && i != last {
                continue;
            }
            if let Some(b) = s.names.get(name) {
                return Some(b);
            }
        }
        None
    }

    /// The scope whose binding `name` refers to here (as [`Self::lookup`] finds it).
    fn binding_scope(&self, name: &str) -> Option<ScopeId> {
        let last = self.scopes.len() - 1;
        self.scopes
            .iter()
            .enumerate()
            .rev()
            .filter(|(i, s)| s.kind != ScopeKind::Class || *i == last)
            .find(|(_, s)| s.names.contains_key(name))
            .map(|(_, s)| s.id)
    }

    fn self_attr(&self, base: &str, attr: &str) -> Option<&Binding> {
        let s = self
            .scopes
            .iter()
            .rev()
            .find(|s| s.kind == ScopeKind::Function)?;
        if s.self_name.as_deref() != Some(base) {
            return None;
        }
        s.self_attrs.as_ref()?.get(attr)
    }

    // ----- resolution -----

    fn resolve(&self, e: &Expr) -> Option<Resolved> {
        self.resolve_at(e, 0)
    }

    fn resolve_at(&self, e: &Expr, depth: u32) -> Option<Resolved> {
        // Real callees are a few segments long; give up on generated chains.
        if depth > MAX_CHAIN {
            return None;
        }
        grow(|| self.resolve_inner(e, depth))
    }

    fn resolve_inner(&self, e: &Expr, depth: u32) -> Option<Resolved> {
        match e {
            Expr::Name(n) => {
                let id = n.id.as_str();
                Some(match self.lookup(id) {
                    Some(Binding::Import(p)) => Resolved {
                        path: p.clone(),
                        resolved: true,
                        ctor: None,
                        imported: true,
                    },
                    Some(Binding::Typed(t, c)) => Resolved {
                        path: t.clone(),
                        resolved: true,
                        ctor: c.clone(),
                        imported: false,
                    },
                    Some(Binding::Local) => Resolved {
                        path: id.to_string(),
                        resolved: false,
                        ctor: None,
                        imported: false,
                    },
                    // Unbound: a builtin or a global from elsewhere.
                    None => Resolved {
                        path: id.to_string(),
                        resolved: true,
                        ctor: None,
                        imported: false,
                    },
                })
            }
            Expr::Attribute(a) => {
                if let Expr::Name(base) = a.value.as_ref() {
                    if let Some(Binding::Typed(t, c)) =
                        self.self_attr(base.id.as_str(), a.attr.as_str())
                    {
                        return Some(Resolved {
                            path: t.clone(),
                            resolved: true,
                            ctor: c.clone(),
                            imported: false,
                        });
                    }
                }
                let base = self.resolve_at(&a.value, depth + 1)?;
                let mut path = base.path;
                path.push('.');
                path.push_str(a.attr.as_str());
                Some(Resolved {
                    path,

                    resolved: base.resolved,
                    ctor: None,
                    imported: base.imported,
                })
            }
            Expr::Call(c) => {
                // The result of a call: typed by its callee (`requests.Session()`).
                let f = self.resolve_at(&c.func, depth + 1)?;
                if f.resolved {
                    let ctor = Rc::new(self.ctor_of(c, &f.path));
                    Some(Resolved {
                        path: f.path,
                        resolved: true,
                        ctor: Some(ctor),
                        imported: false,
                    })
                } else {
                    Some(Resolved {
                        path: format!("{}()", f.path),
                        resolved: false,
                        ctor: None,
                        imported: false,
                    })
                }
            }
            Expr::Subscript(s) => {
                let base = self.resolve_at(&s.value, depth + 1)?;
                let key = match s.slice.as_ref() {
                    Expr::StringLiteral(l) => format!("[{}]", l.value.to_str()),
                    _ => "[]".to_string(),
                };
                Some(Resolved {
                    path: format!("{}{key}", base.path),
                    resolved: base.resolved,
                    ctor: None,
                    imported: base.imported,
                })
            }
            _ => None,
        }
    }

    /// Whether [`Self::resolve`] may say `imported` for `e`: its root name is
    /// bound to an import. Most names are not, and resolving them only to learn
    /// that would build their path for nothing.
    fn rooted_in_import(&self, e: &Expr) -> bool {
        let mut e = e;
        for _ in 0..=MAX_CHAIN {
            e = match e {
                Expr::Name(n) => {
                    return matches!(self.lookup(n.id.as_str()), Some(Binding::Import(_)))
                }
                Expr::Attribute(a) => &a.value,
                Expr::Subscript(s) => &s.value,
                _ => return false,
            };
        }
        false
    }

    fn ctor_of(&self, c: &ast::ExprCall, callee: &str) -> Ctor {
        let (kwargs, star_kwargs) = self.kwargs_of(&c.arguments, 1);
        Ctor {
            callee: callee.to_string(),
            kwargs,
            star_kwargs,
        }
    }

    fn kwargs_of(&self, a: &ast::Arguments, depth: u32) -> (Vec<Kwarg>, bool) {
        let mut out = Vec::new();
        let mut star = false;
        for k in a.keywords.iter() {
            match &k.arg {
                Some(name) => out.push(Kwarg {
                    name: name.as_str().to_string(),
                    value: self.value_of(&k.value, depth),
                    span: span(k),
                }),
                None => star = true,
            }
        }
        (out, star)
    }

    // ----- values -----

    fn value_of(&self, e: &Expr, depth: u32) -> Value {
        grow(|| self.value_inner(e, depth))
    }

    fn value_inner(&self, e: &Expr, depth: u32) -> Value {
        let kind = match e {
            Expr::BooleanLiteral(b) => ValueKind::Bool(b.value),
            Expr::NoneLiteral(_) => ValueKind::None,
            Expr::StringLiteral(s) => ValueKind::Str(s.value.to_str().to_string()),
            Expr::NumberLiteral(_) => ValueKind::Num(self.text(e).to_string()),
            Expr::UnaryOp(u)
                if u.op == ast::UnaryOp::USub && matches!(*u.operand, Expr::NumberLiteral(_)) =>
            {
                ValueKind::Num(self.text(e).to_string())
            }
            Expr::Name(_) | Expr::Attribute(_) | Expr::Subscript(_) => match self.resolve(e) {
                Some(r) => ValueKind::Name {
                    path: r.path,
                    resolved: r.resolved,
                },
                None => ValueKind::Other,
            },
            Expr::Call(c) if depth < 3 => match self.template(e) {
                Some(p) => ValueKind::Template(p),
                None => match self.resolve(&c.func) {
                    Some(f) => {
                        let (kwargs, star_kwargs) = self.kwargs_of(&c.arguments, depth + 1);
                        ValueKind::Call(Box::new(CallValue {
                            callee: f.path,
                            resolved: f.resolved,
                            args: c
                                .arguments
                                .args
                                .iter()
                                .map(|a| self.value_of(a, depth + 1))
                                .collect(),
                            kwargs,
                            star_kwargs,
                        }))
                    }
                    None => ValueKind::Other,
                },
            },
            Expr::Dict(d) if depth < 3 => ValueKind::Dict(
                d.items
                    .iter()
                    .filter_map(|it| match &it.key {
                        Some(Expr::StringLiteral(k)) => Some((
                            k.value.to_str().to_string(),
                            self.value_of(&it.value, depth + 1),
                        )),
                        _ => None,
                    })
                    .collect(),
            ),
            Expr::FString(_) | Expr::BinOp(_) => match self.template(e) {
                Some(p) => ValueKind::Template(p),
                None => ValueKind::Other,
            },
            _ => ValueKind::Other,
        };
        Value {
            kind,
            span: span(e),
        }
    }

    /// A name-like expression as a [`NameRef`] (no wrappers).
    fn name_ref(&self, e: &Expr) -> Option<NameRef> {
        let text = match e {
            Expr::Name(_) | Expr::Attribute(_) => self.dotted_text(e)?,
            Expr::Subscript(s) => match s.slice.as_ref() {
                Expr::StringLiteral(k) => {
                    format!("{}[{}]", self.dotted_text(&s.value)?, k.value.to_str())
                }
                _ => return None,
            },
            // `os.getenv("K")`, `m.get("K")`: the value at key K.
            Expr::Call(c) => {
                let first = c.arguments.args.first();
                let Some(Expr::StringLiteral(k)) = first else {
                    return None;
                };
                let r = self.resolve(&c.func)?;
                if r.path == "os.getenv" || r.path == "os.environ.get" {
                    format!("os.environ[{}]", k.value.to_str())
                } else if let Expr::Attribute(a) = c.func.as_ref() {
                    if a.attr.as_str() != "get" {
                        return None;
                    }
                    format!("{}[{}]", self.dotted_text(&a.value)?, k.value.to_str())
                } else {
                    return None;
                }
            }
            _ => return None,
        };
        let resolved = self.resolve(e).filter(|r| r.imported).map(|r| r.path);
        let resolved = if text.starts_with("os.environ[") {
            Some(text.clone())
        } else {
            resolved
        };
        let root = text.split(['.', '[']).next().unwrap_or("");
        Some(NameRef {
            scope: self.binding_scope(root),
            text,
            resolved,
            span: span(e),
            through: Vec::new(),
            ty: None,
        })
    }

    /// `a.b.c` / `a.b[k]` as written; `None` if not a plain chain.
    fn dotted_text(&self, e: &Expr) -> Option<String> {
        self.dotted_at(e, 0)
    }

    fn dotted_at(&self, e: &Expr, depth: u32) -> Option<String> {
        if depth > MAX_CHAIN {
            return None;
        }
        let d = depth + 1;
        grow(|| match e {
            Expr::Name(n) => Some(n.id.as_str().to_string()),
            Expr::Attribute(a) => Some(format!(
                "{}.{}",
                self.dotted_at(&a.value, d)?,
                a.attr.as_str()
            )),
            Expr::Subscript(s) => match s.slice.as_ref() {
                Expr::StringLiteral(k) => Some(format!(
                    "{}[{}]",
                    self.dotted_at(&s.value, d)?,
                    k.value.to_str()
                )),
                _ => None,
            },
            Expr::Call(c) => Some(format!("{}()", self.dotted_at(&c.func, d)?)),
            _ => None,
        })
    }

    fn piece_of(&self, e: &Expr) -> Piece {
        match self.name_ref(e) {
            Some(n) => Piece::Name(n),
            None => match e {
                Expr::StringLiteral(s) => Piece::Lit(s.value.to_str().to_string()),
                _ => Piece::Other,
            },
        }
    }

    /// A string built from pieces: f-string, `"…" % x`, `"…".format(…)`, `+`.
    fn template(&self, e: &Expr) -> Option<Vec<Piece>> {
        grow(|| self.template_inner(e))
    }

    fn template_inner(&self, e: &Expr) -> Option<Vec<Piece>> {
        match e {
            Expr::FString(f) => {
                let mut out = Vec::new();
                for part in f.value.iter() {
                    match part {
                        ast::FStringPart::Literal(l) => out.push(Piece::Lit(l.value.to_string())),
                        ast::FStringPart::FString(fs) => {
                            for el in fs.elements.iter() {
                                match el {
                                    ast::InterpolatedStringElement::Literal(l) => {
                                        out.push(Piece::Lit(l.value.to_string()))
                                    }
                                    ast::InterpolatedStringElement::Interpolation(i) => {
                                        out.push(self.piece_of(&i.expression))
                                    }
                                }
                            }
                        }
                    }
                }
                Some(out)
            }
            Expr::BinOp(b) if b.op == ast::Operator::Mod => {
                let Expr::StringLiteral(fmt) = b.left.as_ref() else {
                    return None;
                };
                let args: Vec<&Expr> = match b.right.as_ref() {
                    Expr::Tuple(t) => t.elts.iter().collect(),
                    other => vec![other],
                };
                let named: HashMap<String, &Expr> = match b.right.as_ref() {
                    Expr::Dict(d) => d
                        .items
                        .iter()
                        .filter_map(|it| match &it.key {
                            Some(Expr::StringLiteral(k)) => {
                                Some((k.value.to_str().to_string(), &it.value))
                            }
                            _ => None,
                        })
                        .collect(),
                    _ => HashMap::default(),
                };
                Some(percent_pieces(fmt.value.to_str(), |idx, name| {
                    let e = match name {
                        Some(n) => named.get(n).copied(),
                        None => args.get(idx).copied(),
                    };
                    e.map_or(Piece::Other, |e| self.piece_of(e))
                }))
            }
            Expr::BinOp(b) if b.op == ast::Operator::Add => {
                // `a + b + c` nests to the left: walk the spine, not recursively,
                // so long chains stay linear.
                let mut operands = vec![b.right.as_ref()];
                let mut cur = b.left.as_ref();
                while let Expr::BinOp(inner) = cur {
                    if inner.op != ast::Operator::Add {
                        break;
                    }
                    operands.push(inner.right.as_ref());
                    cur = inner.left.as_ref();
                }
                operands.push(cur);
                operands.reverse();
                let mut out = Vec::new();
                let mut any_str = false;
                for side in operands {
                    match side {
                        Expr::StringLiteral(s) => {
                            any_str = true;
                            out.push(Piece::Lit(s.value.to_str().to_string()));
                        }
                        Expr::FString(_) | Expr::BinOp(_) | Expr::Call(_) => {
                            match self.template(side) {
                                Some(mut p) => {
                                    any_str = true;
                                    out.append(&mut p);
                                }
                                None => out.push(self.piece_of(side)),
                            }
                        }
                        other => out.push(self.piece_of(other)),
                    }
                }
                any_str.then_some(out)
            }
            Expr::Call(c) => {
                let Expr::Attribute(a) = c.func.as_ref() else {
                    return None;
                };
                let Expr::StringLiteral(fmt) = a.value.as_ref() else {
                    return None;
                };
                if a.attr.as_str() != "format" {
                    return None;
                }
                let named: HashMap<&str, &Expr> = c
                    .arguments
                    .keywords
                    .iter()
                    .filter_map(|k| k.arg.as_ref().map(|n| (n.as_str(), &k.value)))
                    .collect();
                Some(brace_pieces(fmt.value.to_str(), |idx, name| {
                    let e = match name {
                        Some(n) => match n.parse::<usize>() {
                            Ok(i) => c.arguments.args.get(i),
                            Err(_) => named.get(n).copied(),
                        },
                        None => c.arguments.args.get(idx),
                    };
                    e.map_or(Piece::Other, |e| self.piece_of(e))
                }))
            }
            _ => None,
        }
    }

    // ----- names reaching a sink -----

    fn collect_names(&self, e: &Expr, through: &mut Vec<String>, out: &mut Vec<NameRef>) {
        grow(|| self.collect_inner(e, through, out))
    }

    fn collect_inner(&self, e: &Expr, through: &mut Vec<String>, out: &mut Vec<NameRef>) {
        if let Some(mut n) = self.name_ref(e) {
            n.through = through.clone();
            out.push(n);
            return;
        }
        match e {
            Expr::Subscript(s) => {
                let mark = if matches!(s.slice.as_ref(), Expr::Slice(_)) {
                    "[:]"
                } else {
                    "[]"
                };
                through.push(mark.into());
                self.collect_names(&s.value, through, out);
                through.pop();
            }
            Expr::Call(c) => {
                if let Some(pieces) = self.template(e) {
                    // `"…{}".format(x)`: x reaches the string unchanged.
                    self.names_in_pieces(pieces, through, out);
                    return;
                }
                let wrapper = match c.func.as_ref() {
                    Expr::Attribute(a) => {
                        let r = self.resolve(&c.func);
                        match r {
                            Some(r) if r.imported => r.path,
                            _ => {
                                through.push(format!(".{}", a.attr.as_str()));
                                self.collect_names(&a.value, through, out);
                                through.pop();
                                format!(".{}", a.attr.as_str())
                            }
                        }
                    }
                    other => self
                        .resolve(other)
                        .map(|r| r.path)
                        .unwrap_or_else(|| "?".into()),
                };
                through.push(wrapper);
                for a in c.arguments.args.iter() {
                    self.collect_names(a, through, out);
                }
                for k in c.arguments.keywords.iter() {
                    self.collect_names(&k.value, through, out);
                }
                through.pop();
            }
            Expr::FString(_) | Expr::BinOp(_) => {
                if let Some(pieces) = self.template(e) {
                    self.names_in_pieces(pieces, through, out);
                } else if let Expr::BinOp(b) = e {
                    self.collect_names(&b.left, through, out);
                    self.collect_names(&b.right, through, out);
                }
                if let Expr::FString(f) = e {
                    // Interpolations that are not plain names (`{mask(k)}`, `{k[:4]}`).
                    for el in f.value.elements() {
                        if let ast::InterpolatedStringElement::Interpolation(i) = el {
                            if self.name_ref(&i.expression).is_none() {
                                self.collect_names(&i.expression, through, out);
                            }
                        }
                    }
                }
            }
            Expr::BoolOp(b) => {
                for v in &b.values {
                    self.collect_names(v, through, out);
                }
            }
            Expr::If(i) => {
                self.collect_names(&i.body, through, out);
                self.collect_names(&i.orelse, through, out);
            }
            Expr::Dict(d) => {
                for it in &d.items {
                    if let Some(Expr::StringLiteral(k)) = &it.key {
                        if let Some(v) = self.name_ref(&it.value) {
                            // `{"api_key": k}`: the key names what the value is.
                            out.push(NameRef {
                                text: k.value.to_str().to_string(),
                                resolved: None,
                                span: v.span,
                                through: through.clone(),
                                ty: None,
                                scope: None,
                            });
                        }
                    }
                    self.collect_names(&it.value, through, out);
                }
            }
            Expr::List(l) => l
                .elts
                .iter()
                .for_each(|x| self.collect_names(x, through, out)),
            Expr::Tuple(t) => t
                .elts
                .iter()
                .for_each(|x| self.collect_names(x, through, out)),
            Expr::Set(s) => s
                .elts
                .iter()
                .for_each(|x| self.collect_names(x, through, out)),
            Expr::Starred(s) => self.collect_names(&s.value, through, out),
            Expr::Await(a) => self.collect_names(&a.value, through, out),
            Expr::Named(n) => self.collect_names(&n.value, through, out),
            // Comparisons, `not x`, lambdas, comprehensions: not the value itself.
            _ => {}
        }
    }

    fn names_in_pieces(&self, pieces: Vec<Piece>, through: &[String], out: &mut Vec<NameRef>) {
        for p in pieces {
            if let Piece::Name(mut n) = p {
                n.through = through.to_vec();
                out.push(n);
            }
        }
    }

    // ----- statements -----

    /// Bind module-level imports and constructor assignments before visiting,
    /// so functions defined above them still resolve them.
    fn prebind(&mut self, body: &[Stmt]) {
        for s in body {
            match s {
                Stmt::Import(_) | Stmt::ImportFrom(_) => self.import(s),
                Stmt::Assign(a) => {
                    if let [Expr::Name(n)] = a.targets.as_slice() {
                        let b = self.binding_for_value(&a.value);
                        self.bind(n.id.as_str(), b);
                    }
                }
                Stmt::If(i) => {
                    self.prebind(&i.body);
                    for c in &i.elif_else_clauses {
                        self.prebind(&c.body);
                    }
                }
                Stmt::Try(t) => {
                    self.prebind(&t.body);
                    for h in &t.handlers {
                        let ast::ExceptHandler::ExceptHandler(h) = h;
                        self.prebind(&h.body);
                    }
                }
                _ => {}
            }
        }
    }

    fn import(&mut self, s: &Stmt) {
        match s {
            Stmt::Import(i) => {
                for a in &i.names {
                    let full = a.name.as_str();
                    match &a.asname {
                        Some(as_) => self.bind(as_.as_str(), Binding::Import(full.to_string())),
                        None => {
                            let root = full.split('.').next().unwrap_or(full);
                            self.bind(root, Binding::Import(root.to_string()));
                        }
                    }
                }
            }
            Stmt::ImportFrom(i) => {
                if i.level > 0 {
                    // Relative imports are the project's own code.
                    for a in &i.names {
                        let n = a.asname.as_ref().unwrap_or(&a.name);
                        self.bind(n.as_str(), Binding::Local);
                    }
                    return;
                }
                let module = i.module.as_ref().map(|m| m.as_str()).unwrap_or("");
                for a in &i.names {
                    if a.name.as_str() == "*" {
                        continue;
                    }
                    let n = a.asname.as_ref().unwrap_or(&a.name);
                    self.bind(
                        n.as_str(),
                        Binding::Import(format!("{module}.{}", a.name.as_str())),
                    );
                }
            }
            _ => {}
        }
    }

    /// The binding a name gets from `name = value`.
    fn binding_for_value(&self, value: &Expr) -> Binding {
        let inner = match value {
            Expr::Await(a) => a.value.as_ref(),
            v => v,
        };
        if let Expr::Call(c) = inner {
            if let Some(f) = self.resolve(&c.func) {
                if f.resolved {
                    let ctor = Rc::new(self.ctor_of(c, &f.path));
                    return Binding::Typed(f.path, Some(ctor));
                }
            }
        }
        // `a = b` where b is an import or a typed object: same thing.
        if let Expr::Name(_) | Expr::Attribute(_) = inner {
            if let Some(r) = self.resolve(inner) {
                if r.imported {
                    return Binding::Import(r.path);
                }
                if r.resolved && r.ctor.is_some() {
                    return Binding::Typed(r.path, r.ctor);
                }
            }
        }
        Binding::Local
    }

    fn body(&mut self, body: &[Stmt]) {
        for s in body {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        grow(|| self.stmt_inner(s))
    }

    fn stmt_inner(&mut self, s: &Stmt) {
        match s {
            Stmt::Import(_) | Stmt::ImportFrom(_) => self.import(s),
            Stmt::FunctionDef(f) => {
                for d in &f.decorator_list {
                    self.expr(&d.expression);
                }
                for p in f.parameters.iter_non_variadic_params() {
                    if let Some(d) = &p.default {
                        self.expr(d);
                    }
                }
                let in_class = self.scope().kind == ScopeKind::Class;
                let attrs = if in_class {
                    self.scope().self_attrs.clone()
                } else {
                    None
                };
                let is_static = f.decorator_list.iter().any(
                    |d| matches!(&d.expression, Expr::Name(n) if n.id.as_str() == "staticmethod"),
                );
                self.bind(f.name.as_str(), Binding::Local);
                let mut scope = Scope::new(self.next_scope, ScopeKind::Function);
                self.next_scope += 1;
                if in_class && !is_static {
                    scope.self_name = f
                        .parameters
                        .posonlyargs
                        .iter()
                        .chain(f.parameters.args.iter())
                        .next()
                        .map(|p| p.parameter.name.as_str().to_string());
                    scope.self_attrs = attrs;
                } else if let Some(outer) = self
                    .scopes
                    .iter()
                    .rev()
                    .find(|s| s.kind == ScopeKind::Function && s.self_name.is_some())
                {
                    // A nested function still sees the method's `self`.
                    scope.self_name = outer.self_name.clone();
                    scope.self_attrs = outer.self_attrs.clone();
                }
                // Parameters: annotated with a class → typed; otherwise local.
                let params: Vec<(String, Binding)> = f
                    .parameters
                    .iter()
                    .map(|p| {
                        let name = p.name().as_str().to_string();
                        let b = p
                            .annotation()
                            .and_then(|a| self.annotation_type(a))
                            .map(|t| Binding::Typed(t, None))
                            .unwrap_or(Binding::Local);
                        (name, b)
                    })
                    .collect();
                for (n, b) in params {
                    scope.names.insert(n, b);
                }
                // Default values, as assignments in the function's scope.
                for p in f.parameters.iter_non_variadic_params() {
                    if let Some(d) = &p.default {
                        let value = self.value_of(d, 0);
                        self.facts.assigns.push(Assign {
                            target: p.parameter.name.as_str().to_string(),
                            resolved_target: p.parameter.name.as_str().to_string(),
                            value,
                            scope: scope.id,
                            span: span(p),
                            default: true,
                            property: false,
                        });
                    }
                }
                self.scopes.push(scope);
                self.body(&f.body);
                self.scopes.pop();
            }
            Stmt::ClassDef(c) => {
                for d in &c.decorator_list {
                    self.expr(&d.expression);
                }
                if let Some(args) = &c.arguments {
                    for a in args.args.iter() {
                        self.expr(a);
                    }
                }
                self.bind(c.name.as_str(), Binding::Local);
                let attrs = Rc::new(self.class_attrs(&c.body));
                let mut scope = Scope::new(self.next_scope, ScopeKind::Class);
                self.next_scope += 1;
                scope.self_attrs = Some(attrs);
                self.scopes.push(scope);
                self.body(&c.body);
                self.scopes.pop();
            }
            Stmt::Assign(a) => {
                self.expr(&a.value);
                for t in &a.targets {
                    self.assign_target(t, &a.value, span(s));
                }
            }
            Stmt::AnnAssign(a) => {
                if let Some(v) = &a.value {
                    self.expr(v);
                    self.assign_target(&a.target, v, span(s));
                } else if let Expr::Name(n) = a.target.as_ref() {
                    let b = self
                        .annotation_type(&a.annotation)
                        .map(|t| Binding::Typed(t, None))
                        .unwrap_or(Binding::Local);
                    self.bind(n.id.as_str(), b);
                }
            }
            Stmt::AugAssign(a) => {
                self.expr(&a.value);
                self.expr_targets_local(&a.target);
            }
            Stmt::With(w) => {
                for item in &w.items {
                    self.expr(&item.context_expr);
                    if let Some(v) = &item.optional_vars {
                        match v.as_ref() {
                            Expr::Name(n) => {
                                let b = self.binding_for_value(&item.context_expr);
                                self.bind(n.id.as_str(), b);
                            }
                            other => self.expr_targets_local(other),
                        }
                    }
                }
                self.body(&w.body);
            }
            Stmt::For(f) => {
                self.expr(&f.iter);
                self.expr_targets_local(&f.target);
                self.body(&f.body);
                self.body(&f.orelse);
            }
            Stmt::While(w) => {
                self.expr(&w.test);
                self.body(&w.body);
                self.body(&w.orelse);
            }
            Stmt::If(i) => {
                self.compare_ctx(|x| x.expr(&i.test));
                self.body(&i.body);
                for c in &i.elif_else_clauses {
                    if let Some(t) = &c.test {
                        self.compare_ctx(|x| x.expr(t));
                    }
                    self.body(&c.body);
                }
            }
            Stmt::Try(t) => {
                self.body(&t.body);
                for h in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    if let Some(ty) = &h.type_ {
                        self.compare_ctx(|x| x.expr(ty));
                    }
                    if let Some(n) = &h.name {
                        self.bind(n.as_str(), Binding::Local);
                    }
                    self.body(&h.body);
                }
                self.body(&t.orelse);
                self.body(&t.finalbody);
            }
            Stmt::Match(m) => {
                self.expr(&m.subject);
                for c in &m.cases {
                    if let Some(g) = &c.guard {
                        self.expr(g);
                    }
                    self.body(&c.body);
                }
            }
            Stmt::Return(r) => {
                if let Some(v) = &r.value {
                    self.expr(v);
                }
            }
            Stmt::Expr(e) => self.expr(&e.value),
            Stmt::Raise(r) => {
                if let Some(e) = &r.exc {
                    self.expr(e);
                }
            }
            Stmt::Assert(a) => self.compare_ctx(|x| x.expr(&a.test)),
            Stmt::Delete(d) => {
                for t in &d.targets {
                    self.expr(t);
                }
            }
            Stmt::Global(_)
            | Stmt::Nonlocal(_)
            | Stmt::Pass(_)
            | Stmt::Break(_)
            | Stmt::Continue(_)
            | Stmt::TypeAlias(_)
            | Stmt::IpyEscapeCommand(_) => {}
        }
    }

    fn compare_ctx(&mut self, f: impl FnOnce(&mut Self)) {
        self.in_compare += 1;
        f(self);
        self.in_compare -= 1;
    }

    /// A type annotation naming an imported class (`aiohttp.ClientSession`,
    /// `Optional[httpx.AsyncClient]`).
    fn annotation_type(&self, a: &Expr) -> Option<String> {
        match a {
            Expr::Name(_) | Expr::Attribute(_) => {
                let r = self.resolve(a)?;
                r.imported.then_some(r.path)
            }
            Expr::Subscript(s) => {
                let r = self.resolve(&s.value)?;
                if r.path.ends_with("Optional") {
                    self.annotation_type(&s.slice)
                } else {
                    None
                }
            }
            Expr::BinOp(b) if b.op == ast::Operator::BitOr => {
                if matches!(b.right.as_ref(), Expr::NoneLiteral(_)) {
                    self.annotation_type(&b.left)
                } else if matches!(b.left.as_ref(), Expr::NoneLiteral(_)) {
                    self.annotation_type(&b.right)
                } else {
                    None
                }
            }
            Expr::StringLiteral(_) => None,
            _ => None,
        }
    }

    /// `self.X = <constructor call>` anywhere in the class's methods.
    fn class_attrs(&self, body: &[Stmt]) -> HashMap<String, Binding> {
        let mut found: HashMap<String, Option<Binding>> = HashMap::default();
        for s in body {
            let Stmt::FunctionDef(f) = s else { continue };
            let Some(self_name) = f
                .parameters
                .posonlyargs
                .iter()
                .chain(f.parameters.args.iter())
                .next()
                .map(|p| p.parameter.name.as_str())
            else {
                continue;
            };
            let mut assigns = Vec::new();
            collect_self_assigns(&f.body, self_name, &mut assigns);
            for (attr, value, annotation) in assigns {
                let b = match value {
                    Some(v) => self.binding_for_value(v),
                    None => Binding::Local,
                };
                let b = match (b, annotation.and_then(|a| self.annotation_type(a))) {
                    (Binding::Local, Some(t)) => Binding::Typed(t, None),
                    (b, _) => b,
                };
                if matches!(b, Binding::Local) {
                    continue;
                }
                let key = |b: &Binding| match b {
                    Binding::Typed(t, _) | Binding::Import(t) => t.clone(),
                    Binding::Local => String::new(),
                };
                match found.get(&attr) {
                    None => {
                        found.insert(attr, Some(b));
                    }
                    Some(Some(prev)) if key(prev) != key(&b) => {
                        // Two different types: do not guess.
                        found.insert(attr, None);
                    }
                    Some(Some(Binding::Typed(_, None))) => {
                        // An annotation; a constructor call tells more.
                        found.insert(attr, Some(b));
                    }
                    _ => {}
                }
            }
        }
        found
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect()
    }

    fn expr_targets_local(&mut self, t: &Expr) {
        match t {
            Expr::Name(n) => self.bind(n.id.as_str(), Binding::Local),
            Expr::Tuple(tu) => tu.elts.iter().for_each(|e| self.expr_targets_local(e)),
            Expr::List(l) => l.elts.iter().for_each(|e| self.expr_targets_local(e)),
            Expr::Starred(s) => self.expr_targets_local(&s.value),
            other => self.expr(other),
        }
    }

    fn assign_target(&mut self, t: &Expr, value: &Expr, stmt_span: ByteSpan) {
        match t {
            Expr::Name(_) | Expr::Attribute(_) | Expr::Subscript(_) => {
                if let Some(text) = self.dotted_text(t) {
                    let resolved_target = match t {
                        Expr::Attribute(a) => match self.resolve(&a.value) {
                            Some(r) if r.resolved => format!("{}.{}", r.path, a.attr.as_str()),
                            _ => text.clone(),
                        },
                        Expr::Subscript(_) => match self.resolve(t) {
                            Some(r) if r.imported => r.path,
                            _ => text.clone(),
                        },
                        _ => text.clone(),
                    };
                    let v = self.value_of(value, 0);
                    self.facts.assigns.push(Assign {
                        target: text,
                        resolved_target,
                        value: v,
                        scope: self.scopes.last().map_or(0, |s| s.id),
                        span: stmt_span,
                        default: false,
                        property: false,
                    });
                }
                match t {
                    Expr::Name(n) => {
                        let b = self.binding_for_value(value);
                        self.bind(n.id.as_str(), b);
                    }
                    Expr::Attribute(a) => self.expr(&a.value),
                    Expr::Subscript(s) => {
                        self.expr(&s.value);
                        self.expr(&s.slice);
                    }
                    _ => {}
                }
            }
            other => self.expr_targets_local(other),
        }
    }

    // ----- expressions -----

    fn expr(&mut self, e: &Expr) {
        grow(|| self.expr_inner(e))
    }

    fn expr_inner(&mut self, e: &Expr) {
        match e {
            Expr::Call(c) => {
                self.call(c);
                // The callee: visit its receiver, not the callee path itself.
                match c.func.as_ref() {
                    Expr::Attribute(a) => self.expr(&a.value),
                    Expr::Name(_) => {}
                    other => self.expr(other),
                }
                let in_tpl = self.template_start(e);
                for a in c.arguments.args.iter() {
                    self.expr(a);
                }
                for k in c.arguments.keywords.iter() {
                    self.expr(&k.value);
                }
                self.template_end(in_tpl);
            }
            Expr::Attribute(_) | Expr::Name(_) => {
                if self.in_compare == 0 && self.rooted_in_import(e) {
                    if let Some(r) = self.resolve(e) {
                        if r.imported && r.path.contains('.') {
                            self.facts.refs.push(Ref {
                                path: r.path,
                                span: span(e),
                            });
                        }
                    }
                }
                if let Expr::Attribute(a) = e {
                    // Receivers that are not plain names (`f().x`).
                    if !matches!(a.value.as_ref(), Expr::Name(_) | Expr::Attribute(_)) {
                        self.expr(&a.value);
                    }
                }
            }
            Expr::Compare(c) => {
                self.in_compare += 1;
                self.expr(&c.left);
                for x in c.comparators.iter() {
                    self.expr(x);
                }
                self.in_compare -= 1;
            }
            Expr::FString(f) => {
                let t = self.template_start(e);
                for el in f.value.elements() {
                    if let ast::InterpolatedStringElement::Interpolation(i) = el {
                        self.expr(&i.expression);
                    }
                }
                self.template_end(t);
            }
            Expr::BinOp(b) => {
                let t = self.template_start(e);
                self.expr(&b.left);
                self.expr(&b.right);
                self.template_end(t);
            }
            Expr::BoolOp(b) => b.values.iter().for_each(|v| self.expr(v)),
            Expr::Named(n) => {
                self.expr(&n.value);
                if let Expr::Name(t) = n.target.as_ref() {
                    let b = self.binding_for_value(&n.value);
                    self.bind(t.id.as_str(), b);
                }
            }
            Expr::UnaryOp(u) => self.expr(&u.operand),
            Expr::Lambda(l) => self.expr(&l.body),
            Expr::If(i) => {
                self.compare_ctx(|x| x.expr(&i.test));
                self.expr(&i.body);
                self.expr(&i.orelse);
            }
            Expr::Dict(d) => {
                for it in &d.items {
                    if let Some(k) = &it.key {
                        self.expr(k);
                    }
                    self.expr(&it.value);
                }
            }
            Expr::Set(s) => s.elts.iter().for_each(|x| self.expr(x)),
            Expr::List(l) => l.elts.iter().for_each(|x| self.expr(x)),
            Expr::Tuple(t) => t.elts.iter().for_each(|x| self.expr(x)),
            Expr::ListComp(c) => {
                self.expr(&c.elt);
                self.comprehensions(&c.generators);
            }
            Expr::SetComp(c) => {
                self.expr(&c.elt);
                self.comprehensions(&c.generators);
            }
            Expr::Generator(c) => {
                self.expr(&c.elt);
                self.comprehensions(&c.generators);
            }
            Expr::DictComp(c) => {
                if let Some(k) = &c.key {
                    self.expr(k);
                }
                self.expr(&c.value);
                self.comprehensions(&c.generators);
            }
            Expr::Await(a) => self.expr(&a.value),
            Expr::Yield(y) => {
                if let Some(v) = &y.value {
                    self.expr(v);
                }
            }
            Expr::YieldFrom(y) => self.expr(&y.value),
            Expr::Subscript(s) => {
                self.expr(&s.value);
                self.expr(&s.slice);
            }
            Expr::Starred(s) => self.expr(&s.value),
            Expr::Slice(s) => {
                for x in [&s.lower, &s.upper, &s.step].into_iter().flatten() {
                    self.expr(x);
                }
            }
            Expr::TString(_)
            | Expr::StringLiteral(_)
            | Expr::BytesLiteral(_)
            | Expr::NumberLiteral(_)
            | Expr::BooleanLiteral(_)
            | Expr::NoneLiteral(_)
            | Expr::EllipsisLiteral(_)
            | Expr::IpyEscapeCommand(_) => {}
        }
    }

    fn comprehensions(&mut self, gens: &[ast::Comprehension]) {
        for g in gens {
            self.expr(&g.iter);
            self.expr_targets_local(&g.target);
            for i in &g.ifs {
                self.compare_ctx(|x| x.expr(i));
            }
        }
    }

    /// Record a built string (once, at its outermost expression) when it has
    /// a name in it and query-string-looking text.
    fn template_start(&mut self, e: &Expr) -> bool {
        if self.in_template > 0 {
            return false;
        }
        let Some(pieces) = self.template(e) else {
            // A call that builds no string (`requests.get(…)`, `ws.connect(…)`):
            // its arguments are strings of their own, each tried where it
            // starts. A `+`/`%` that builds none: still mark the subtree, so
            // nested `+`/`%` are not tried again (long chains stay linear).
            if matches!(e, Expr::Call(_)) {
                return false;
            }
            self.in_template += 1;
            return true;
        };
        let has_name = pieces.iter().any(|p| matches!(p, Piece::Name(_)));
        let queryish = pieces.iter().any(
            |p| matches!(p, Piece::Lit(l) if l.contains('?') || l.contains('&') || l.contains('=')),
        );
        if has_name && queryish {
            self.facts.templates.push(Template {
                pieces,
                span: span(e),
            });
        }
        self.in_template += 1;
        true
    }

    fn template_end(&mut self, started: bool) {
        if started {
            self.in_template -= 1;
        }
    }

    fn call(&mut self, c: &ast::ExprCall) {
        let Some(f) = self.resolve(&c.func) else {
            return;
        };
        let receiver = match c.func.as_ref() {
            Expr::Attribute(a) => self.resolve(&a.value).and_then(|r| r.ctor),
            _ => None,
        };
        let callee = f.path;
        let mut star_args = false;
        let args = c
            .arguments
            .args
            .iter()
            .filter(|a| {
                if matches!(a, Expr::Starred(_)) {
                    star_args = true;
                }
                !star_args
            })
            .map(|a| self.value_of(a, 0))
            .collect();
        let (kwargs, star_kwargs) = self.kwargs_of(&c.arguments, 0);
        if self.sinks.is_sink(&callee, f.resolved) {
            let mut names = Vec::new();
            let mut through = Vec::new();
            for a in c.arguments.args.iter() {
                self.collect_names(a, &mut through, &mut names);
            }
            for k in c.arguments.keywords.iter() {
                let skip = k
                    .arg
                    .as_ref()
                    .is_some_and(|n| self.sinks.skip_kwargs.iter().any(|s| s == n.as_str()));
                if !skip {
                    self.collect_names(&k.value, &mut through, &mut names);
                }
            }
            self.facts.log_calls.push(LogCall {
                sink: callee.clone(),
                span: span(c),
                names,
            });
        }
        self.facts.calls.push(Call {
            callee,
            resolved: f.resolved,
            span: span(c),
            callee_span: span(c.func.as_ref()),
            scope: self.scopes.last().map_or(0, |s| s.id),
            args,
            kwargs,
            star_args,
            star_kwargs,
            receiver,
            chain: Vec::new(),
        });
    }
}

/// `self.X = v` / `self.X: T = v` anywhere in a method body (not in nested
/// functions or classes).
fn collect_self_assigns<'a>(
    body: &'a [Stmt],
    self_name: &str,
    out: &mut Vec<(String, Option<&'a Expr>, Option<&'a Expr>)>,
) {
    for s in body {
        match s {
            Stmt::Assign(a) => {
                for t in &a.targets {
                    if let Some(attr) = self_attr_name(t, self_name) {
                        out.push((attr, Some(&a.value), None));
                    }
                }
            }
            Stmt::AnnAssign(a) => {
                if let Some(attr) = self_attr_name(&a.target, self_name) {
                    out.push((attr, a.value.as_deref(), Some(&a.annotation)));
                }
            }
            Stmt::If(i) => {
                collect_self_assigns(&i.body, self_name, out);
                for c in &i.elif_else_clauses {
                    collect_self_assigns(&c.body, self_name, out);
                }
            }
            Stmt::Try(t) => {
                collect_self_assigns(&t.body, self_name, out);
                for h in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    collect_self_assigns(&h.body, self_name, out);
                }
                collect_self_assigns(&t.orelse, self_name, out);
                collect_self_assigns(&t.finalbody, self_name, out);
            }
            Stmt::With(w) => collect_self_assigns(&w.body, self_name, out),
            Stmt::For(f) => collect_self_assigns(&f.body, self_name, out),
            Stmt::While(w) => collect_self_assigns(&w.body, self_name, out),
            _ => {}
        }
    }
}

fn self_attr_name(t: &Expr, self_name: &str) -> Option<String> {
    let Expr::Attribute(a) = t else { return None };
    let Expr::Name(n) = a.value.as_ref() else {
        return None;
    };
    (n.id.as_str() == self_name).then(|| a.attr.as_str().to_string())
}

/// Split a `%`-format string into pieces; `arg(index, name)` gives the piece
/// for the index-th conversion or the `%(name)s` one.
fn percent_pieces(fmt: &str, mut arg: impl FnMut(usize, Option<&str>) -> Piece) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut idx = 0;
    let mut chars = fmt.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c != '%' {
            lit.push(c);
            continue;
        }
        if let Some(&(_, '%')) = chars.peek() {
            chars.next();
            lit.push('%');
            continue;
        }
        let mut name = None;
        if let Some(&(start, '(')) = chars.peek() {
            chars.next();
            let mut end = start + 1;
            for (i, ch) in chars.by_ref() {
                if ch == ')' {
                    end = i;
                    break;
                }
            }
            name = fmt.get(start + 1..end);
        }
        // Flags, width, precision, then the conversion letter.
        for (_, ch) in chars.by_ref() {
            if ch.is_ascii_alphabetic() {
                break;
            }
        }
        if !lit.is_empty() {
            out.push(Piece::Lit(std::mem::take(&mut lit)));
        }
        out.push(arg(idx, name));
        if name.is_none() {
            idx += 1;
        }
    }
    if !lit.is_empty() {
        out.push(Piece::Lit(lit));
    }
    out
}

/// Split a `str.format` string into pieces.
fn brace_pieces(fmt: &str, mut arg: impl FnMut(usize, Option<&str>) -> Piece) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut idx = 0;
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                lit.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                lit.push('}');
            }
            '{' => {
                let mut field = String::new();
                for ch in chars.by_ref() {
                    if ch == '}' {
                        break;
                    }
                    field.push(ch);
                }
                let name = field
                    .split(['!', ':', '.', '['])
                    .next()
                    .unwrap_or("")
                    .to_string();
                if !lit.is_empty() {
                    out.push(Piece::Lit(std::mem::take(&mut lit)));
                }
                if name.is_empty() {
                    out.push(arg(idx, None));
                    idx += 1;
                } else {
                    out.push(arg(0, Some(&name)));
                }
            }
            c => lit.push(c),
        }
    }
    if !lit.is_empty() {
        out.push(Piece::Lit(lit));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::too_deep;

    #[test]
    fn too_deep_counts_brackets_outside_strings_and_comments() {
        let deep = "(".repeat(201);
        assert!(too_deep(format!("x = {deep}").as_bytes()).is_some());
        assert!(too_deep("x = ((1))".repeat(500).as_bytes()).is_none());
        for quiet in [
            format!("x = '{deep}'\n"),
            format!("x = \"\\\"{deep}\"\n"),
            format!("x = '''\n{deep}\\'''\n'''\n"),
            format!("x = \"\"\"{deep}\"\"\"\n"),
            format!("# {deep}\n"),
            format!("x = '''{deep}"),
            format!("x = \"{deep}\\"),
        ] {
            assert_eq!(too_deep(quiet.as_bytes()), None, "{quiet:?}");
        }
        // After a string, brackets count again.
        assert!(too_deep(format!("x = '''('''; y = {deep}").as_bytes()).is_some());
        let indent = format!("if x:\n{}pass\n", " ".repeat(1001));
        assert!(too_deep(indent.as_bytes()).is_some());
    }
}
