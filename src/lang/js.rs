//! The JavaScript/TypeScript front end: source → `oxc_parser` AST → [`Facts`].
//!
//! Callees are resolved through `import`/`require()` (`import axios from
//! 'axios'` → `axios`, `import * as https from 'https'`, `const { request } =
//! require('https')` → `https.request`, `import { WebSocket } from 'ws'` →
//! `ws.WebSocket`) and through simple local types: a name or `this.x` bound to
//! a call or `new` of a resolved callee (`const api = axios.create({…})` makes
//! `api.get` `axios.create.get`, with the `create` options as its receiver).
//!
//! What plays the part of keyword arguments: the properties of an object
//! literal passed to a call (directly, or through a `const` bound to one). An
//! argument the front end cannot see into (a parameter, `this.opts`, a call
//! result) may hold any option: the call is marked as having `**kwargs`.
//! Every object-literal property with a literal value is also an [`Assign`]
//! to `<name>.<key>` (`{}` when the object has no name), so data can match an
//! option at any depth.
//!
//! Methods called on a call's result go to that call's `chain`, each with its
//! first argument: directly (`https.get(u, cb).setTimeout(5000)`, through
//! `.on(…)` and other chained calls) or through the variable it was assigned
//! to (`const req = https.request(…); req.setTimeout(5000)`).

use super::facts::*;
use super::js_lex;
use crate::rules::clients::LogSinks;
use foldhash::HashMap;
use oxc_allocator::Allocator;
use oxc_ast::ast::*;
use oxc_ast_visit::{walk, Visit};
use oxc_parser::{ParseOptions, Parser};
use oxc_span::{GetSpan, SourceType};
use oxc_syntax::scope::ScopeFlags;
use std::path::Path;
use std::rc::Rc;

pub use super::python::SyntaxErrorInfo;

/// Files nested deeper than this are not parsed (the parser recurses once
/// per level and has no guard of its own).
pub const MAX_NESTING: usize = 1000;
/// Longest dotted/call chain the front end resolves.
const MAX_CHAIN: u32 = 32;
/// How deep value descriptions go (`{ https: { agent: new Agent({…}) } }`).
const MAX_VALUE_DEPTH: u32 = 4;
/// Stack for the parse of a file that nests deeply (bytes per nesting level,
/// measured on a debug build with room to spare).
const STACK_PER_LEVEL: usize = 16 * 1024;

/// The result of running the front end on one file.
pub struct Extracted {
    pub facts: Facts,
    /// Syntax errors (the facts cover the parts that parsed): first error and count.
    pub syntax_error: Option<SyntaxErrorInfo>,
}

/// Source type from the file name: TypeScript for `.ts/.mts/.cts/.tsx`, JSX
/// for `.jsx/.tsx`, a CommonJS script for `.cjs`, a module otherwise.
pub fn source_type(path: &str) -> SourceType {
    SourceType::from_path(Path::new(path)).unwrap_or_else(|_| SourceType::mjs())
}

/// A file that passed the depth screen ([`screen`]), with its estimated depth.
#[derive(Debug, Clone, Copy)]
pub struct Screened {
    depth: usize,
}

/// A cheap byte scan of how deeply the file nests: brackets, plus chains of
/// prefix operators, `=`, `?` and `=>` within one bracket level (each is a
/// level of recursion in the parser). Linear; skips strings, template text,
/// comments. A reason when the file nests deeper than [`MAX_NESTING`]; else
/// the depth, which [`extract_screened`] sizes its stack by.
pub fn screen(src: &[u8]) -> Result<Screened, String> {
    match nesting(src) {
        Some(depth) => Ok(Screened { depth }),
        None => Err(format!(
            "nested deeper than {MAX_NESTING} levels (not parsed)"
        )),
    }
}

/// [`screen`]'s reason, when the file nests too deeply to parse.
pub fn too_deep(src: &[u8]) -> Option<String> {
    screen(src).err()
}

/// The estimated nesting depth, or `None` once it passes [`MAX_NESTING`]
/// (the scan stops there).
fn nesting(src: &[u8]) -> Option<usize> {
    // Per open bracket: the chain count of its level.
    let mut stack: Vec<usize> = Vec::new();
    let mut chain = 0usize;
    let mut depth_sum = 0usize; // sum of chains of enclosing levels + brackets
    let mut max = 0usize;
    let mut prev = b';'; // last significant byte
    let n = src.len();
    let mut i = 0;
    // Template literal nesting: a `}` closing a `${` resumes template text.
    let mut tpl_braces: Vec<usize> = Vec::new();
    let mut in_template = false;
    while i < n {
        if in_template {
            // Template text, to its closing backtick or a `${`.
            let (at, opens) = js_lex::template_text(src, i);
            if at >= n {
                break;
            }
            in_template = false;
            if opens {
                tpl_braces.push(stack.len());
                stack.push(chain);
                depth_sum += chain + 1;
                chain = 0;
                prev = b'{';
                i = at + 2;
            } else {
                prev = b'a';
                i = at + 1;
            }
            continue;
        }
        let b = src[i];
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'/' if let Some(end) = js_lex::comment_end(src, i) => {
                i = end;
                continue;
            }
            b'"' | b'\'' => {
                // Past the closing quote (or the line's end).
                i = js_lex::string_end(src, i + 1, b) + 1;
                prev = b'a';
                continue;
            }
            b'`' => {
                in_template = true;
                i += 1;
                continue;
            }
            b'(' | b'[' | b'{' => {
                stack.push(chain);
                depth_sum += chain + 1;
                chain = 0;
            }
            b')' | b']' | b'}' => {
                if b == b'}' && tpl_braces.last() == Some(&(stack.len().saturating_sub(1))) {
                    tpl_braces.pop();
                    in_template = true;
                }
                if let Some(c) = stack.pop() {
                    depth_sum -= c + 1;
                    chain = c;
                } else {
                    chain = 0;
                }
            }
            b';' | b',' => chain = 0,
            b'=' => {
                let next = src.get(i + 1).copied().unwrap_or(0);
                if next == b'>' {
                    // `=>`: the arrow's body nests.
                    chain += 1;
                    i += 1;
                } else if next == b'=' {
                    // `==`, `===`: a comparison.
                    while i + 1 < n && src[i + 1] == b'=' {
                        i += 1;
                    }
                } else if !matches!(src.get(i.wrapping_sub(1)), Some(b'<' | b'>' | b'!')) {
                    // `=`, `+=`, `||=`: the right side nests.
                    chain += 1;
                }
            }
            b'!' => {
                if src.get(i + 1) == Some(&b'=') {
                    while i + 1 < n && src[i + 1] == b'=' {
                        i += 1;
                    }
                } else {
                    chain += 1;
                }
            }
            b'?' => match src.get(i + 1) {
                // `?.` and `??` do not nest.
                Some(b'.') | Some(b'?') => i += 1,
                _ => chain += 1,
            },
            b'~' => chain += 1,
            b'+' | b'-' => {
                if src.get(i + 1) == Some(&b) {
                    // `++`/`--`.
                    i += 1;
                } else if !(prev.is_ascii_alphanumeric()
                    || matches!(prev, b')' | b']' | b'}' | b'_' | b'$'))
                {
                    // Prefix (unary) when it follows an operator or an opening.
                    chain += 1;
                }
            }
            b'/' if !(prev.is_ascii_alphanumeric()
                || matches!(prev, b')' | b']' | b'}' | b'_' | b'$')) =>
            {
                // A regular expression literal: skip it (its brackets do not nest).
                i += 1;
                let mut class = false;
                while i < n && src[i] != b'\n' {
                    match src[i] {
                        b'\\' => i += 1,
                        b'[' => class = true,
                        b']' => class = false,
                        b'/' if !class => break,
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
                prev = b'a';
                continue;
            }
            _ => {}
        }
        // Keywords that nest: `new`, `typeof`, `await`, `void`, `delete`.
        let word_start = i == 0 || {
            let c = src[i - 1];
            !(c.is_ascii_alphanumeric() || c == b'_' || c == b'$')
        };
        if b.is_ascii_alphabetic() && word_start {
            let word_end = src[i..]
                .iter()
                .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_' || *c == b'$'))
                .map_or(n, |p| i + p);
            if matches!(
                &src[i..word_end],
                b"new" | b"typeof" | b"await" | b"void" | b"delete" | b"yield"
            ) {
                chain += 1;
                max = max.max(depth_sum + chain);
                if max > MAX_NESTING {
                    return None;
                }
            }
            prev = b'a';
            i = word_end;
            continue;
        }
        max = max.max(depth_sum + chain);
        if max > MAX_NESTING {
            return None;
        }
        prev = b;
        i += 1;
    }
    Some(max)
}

/// Parse and extract facts. Never panics on bad input; deep nesting must be
/// screened with [`too_deep`] first.
pub fn extract(source: &str, path: &str, sinks: &LogSinks) -> Extracted {
    let depth = nesting(source.as_bytes()).unwrap_or(MAX_NESTING);
    extract_screened(source, path, sinks, Screened { depth })
}

/// [`extract`] for a file [`screen`] has passed: the screen is not run again.
pub fn extract_screened(
    source: &str,
    path: &str,
    sinks: &LogSinks,
    screened: Screened,
) -> Extracted {
    let depth = screened.depth;
    let run = || extract_inner(source, path, sinks);
    if depth > 64 {
        super::with_stack((depth + 64) * STACK_PER_LEVEL, run)
    } else {
        run()
    }
}

/// How many broken top-level chunks are blanked out before giving up.
const MAX_RECOVERIES: usize = 16;

fn parse<'a>(
    allocator: &'a Allocator,
    source: &'a str,
    st: SourceType,
) -> oxc_parser::ParserReturn<'a> {
    Parser::new(allocator, source, st)
        .with_options(ParseOptions {
            allow_return_outside_function: true,
            ..ParseOptions::default()
        })
        .parse()
}

fn extract_inner(source: &str, path: &str, sinks: &LogSinks) -> Extracted {
    let st = source_type(path);
    let mut syntax_error = None;
    // oxc gives up on the whole file at some syntax errors (`panicked`): blank
    // out the broken top-level chunk (offsets stay the same) and parse again,
    // so the rest of the file still yields facts. The facts come from the
    // last parse.
    let mut text: Option<String> = None;
    let mut recoveries = 0;
    loop {
        let cur = text.as_deref().unwrap_or(source);
        let outcome = with_arena(|allocator| {
            let ret = parse(allocator, cur, st);
            if syntax_error.is_none() {
                syntax_error = ret.diagnostics.first().map(|e| SyntaxErrorInfo {
                    offset: e.labels.first().map_or(0, |l| l.offset() as usize),
                    message: e.message.to_string(),
                    count: ret.diagnostics.len(),
                });
            }
            if ret.panicked && recoveries < MAX_RECOVERIES {
                let at = ret
                    .diagnostics
                    .first()
                    .and_then(|e| e.labels.first())
                    .map_or(0, |l| l.offset() as usize);
                let (a, b) = broken_chunk(cur.as_bytes(), at);
                if a < b {
                    return Err((a, b));
                }
            }
            Ok(facts_of(&ret.program, cur, sinks))
        });
        match outcome {
            Ok(facts) => {
                return Extracted {
                    facts,
                    syntax_error,
                }
            }
            Err((a, b)) => {
                let mut bytes = cur.as_bytes().to_vec();
                for c in &mut bytes[a..b] {
                    if *c != b'\n' {
                        *c = b' ';
                    }
                }
                // Blanking whole UTF-8 sequences with spaces keeps it valid UTF-8
                // only if the range starts and ends on character boundaries, which
                // line starts and ends are.
                text = Some(String::from_utf8_lossy(&bytes).into_owned());
                recoveries += 1;
            }
        }
    }
}

/// The facts of a parsed program.
fn facts_of(program: &Program, source: &str, sinks: &LogSinks) -> Facts {
    let mut x = Extractor {
        src: source,
        sinks,
        facts: Facts::default(),
        scopes: vec![Scope::new(0)],
        next_scope: 1,
        in_template: 0,
        next_obj_name: None,
        class_attrs: Vec::new(),
        call_at: HashMap::default(),
        chain_root: HashMap::default(),
    };
    x.prebind(&program.body);
    x.visit_program(program);
    x.facts
}

/// An arena this thread keeps for its parses while it stays under this size:
/// a fresh one per file cost a page fault for every page the parser touched.
const KEPT_ARENA: usize = 32 << 20;

thread_local! {
    static ARENA: std::cell::Cell<Option<Allocator>> = const { std::cell::Cell::new(None) };
}

/// Run `f` with this thread's arena (a new one if it is in use), emptied after.
fn with_arena<R>(f: impl FnOnce(&Allocator) -> R) -> R {
    let mut arena = ARENA.take().unwrap_or_default();
    let r = f(&arena);
    arena.reset();
    if arena.capacity() <= KEPT_ARENA {
        ARENA.set(Some(arena));
    }
    r
}

#[derive(Clone)]
enum Binding {
    /// An import: the full dotted path it stands for.
    Import(String),
    /// An object made by a call or `new` of a resolved callee.
    Typed(String, Option<Rc<Ctor>>),
    /// A local object literal: its properties (as keyword arguments) and
    /// whether a spread may add more.
    Object(Rc<(Vec<Kwarg>, bool)>),
    /// A string: never an options object.
    Str,
    /// Anything else.
    Local,
}

struct Scope {
    id: ScopeId,
    names: HashMap<String, Binding>,
    /// Names bound to a call's result: the index of that call in `facts.calls`.
    calls: HashMap<String, usize>,
}

impl Scope {
    fn new(id: ScopeId) -> Scope {
        Scope {
            id,
            names: HashMap::default(),
            calls: HashMap::default(),
        }
    }
}

struct Resolved {
    path: String,
    resolved: bool,
    ctor: Option<Rc<Ctor>>,
    /// Root is an import or a global (not a local).
    imported: bool,
}

struct Extractor<'s> {
    src: &'s str,
    sinks: &'s LogSinks,
    facts: Facts,
    scopes: Vec<Scope>,
    next_scope: ScopeId,
    in_template: u32,
    /// The name of the object literal about to be visited.
    next_obj_name: Option<String>,
    /// `this.x` bindings of the classes we are in, innermost last.
    class_attrs: Vec<Rc<HashMap<String, Binding>>>,
    /// Call facts by span, and the call a chained call's result comes from
    /// (`https.get(…).on(…)` → the `https.get` call).
    call_at: HashMap<ByteSpan, usize>,
    chain_root: HashMap<ByteSpan, usize>,
}

/// The top-level chunk a fatal syntax error at `at` lies in: from the last
/// line at or before it that starts in column 0 (not with a closing bracket)
/// to the end of the error's line. When the error sits at the very start of a
/// column-0 line (the parser noticed only at the next statement), the chunk is
/// the one before it.
fn broken_chunk(src: &[u8], at: usize) -> (usize, usize) {
    let at = at.min(src.len());
    let line_start = |i: usize| {
        src[..i]
            .iter()
            .rposition(|c| *c == b'\n')
            .map_or(0, |p| p + 1)
    };
    let err_line = line_start(at);
    let only_ws_before = src[err_line..at].iter().all(|c| c.is_ascii_whitespace());
    let top_level = |ls: usize| {
        src.get(ls)
            .is_some_and(|c| !c.is_ascii_whitespace() && !matches!(c, b'}' | b')' | b']'))
    };
    let (mut start, end) = if only_ws_before && top_level(err_line) && err_line > 0 {
        (line_start(err_line - 1), err_line)
    } else {
        let e = src[at..]
            .iter()
            .position(|c| *c == b'\n')
            .map_or(src.len(), |p| at + p);
        (err_line, e)
    };
    while start > 0 && !top_level(start) {
        start = line_start(start - 1);
    }
    (start, end)
}

fn sp(s: oxc_span::Span) -> ByteSpan {
    (s.start as usize, s.end as usize)
}

fn grow<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(64 * 1024, 2 * 1024 * 1024, f)
}

/// `node:https` → `https`.
fn module_path(m: &str) -> String {
    m.strip_prefix("node:").unwrap_or(m).to_string()
}

/// `require('x')` → `x`.
fn require_of<'a>(e: &'a Expression<'a>) -> Option<&'a str> {
    let Expression::CallExpression(c) = e.get_inner_expression() else {
        return None;
    };
    if !c.callee.is_specific_id("require") || c.arguments.len() != 1 {
        return None;
    }
    match &c.arguments[0] {
        Argument::StringLiteral(s) => Some(s.value.as_str()),
        _ => None,
    }
}

/// Names that say an argument is a URL rather than an options object.
fn url_like_name(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    [
        "url", "uri", "endpoint", "href", "link", "path", "host", "address", "addr",
    ]
    .iter()
    .any(|w| l.ends_with(w))
}

impl<'s> Extractor<'s> {
    fn text(&self, s: oxc_span::Span) -> &'s str {
        self.src.get(s.start as usize..s.end as usize).unwrap_or("")
    }

    fn scope_id(&self) -> ScopeId {
        self.scopes.last().map_or(0, |s| s.id)
    }

    fn bind(&mut self, name: &str, b: Binding) {
        if let Some(s) = self.scopes.last_mut() {
            s.names.insert(name.to_string(), b);
        }
    }

    fn lookup(&self, name: &str) -> Option<&Binding> {
        self.scopes.iter().rev().find_map(|s| s.names.get(name))
    }

    /// The scope whose binding `name` refers to here (as [`Self::lookup`] finds it).
    fn binding_scope(&self, name: &str) -> Option<ScopeId> {
        self.scopes
            .iter()
            .rev()
            .find(|s| s.names.contains_key(name))
            .map(|s| s.id)
    }

    fn this_attr(&self, attr: &str) -> Option<&Binding> {
        self.class_attrs.last()?.get(attr)
    }

    // ----- resolution -----

    fn resolve(&self, e: &Expression) -> Option<Resolved> {
        self.resolve_at(e, 0)
    }

    fn resolve_at(&self, e: &Expression, depth: u32) -> Option<Resolved> {
        if depth > MAX_CHAIN {
            return None;
        }
        grow(|| self.resolve_inner(e, depth))
    }

    fn resolve_inner(&self, e: &Expression, depth: u32) -> Option<Resolved> {
        let e = e.get_inner_expression();
        if let Some(m) = require_of(e) {
            return Some(Resolved {
                path: module_path(m),
                resolved: true,
                ctor: None,
                imported: true,
            });
        }
        match e {
            Expression::Identifier(id) => {
                let name = id.name.as_str();
                Some(match self.lookup(name) {
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
                    Some(_) => Resolved {
                        path: name.to_string(),
                        resolved: false,
                        ctor: None,
                        imported: false,
                    },
                    // Unbound: a global (`fetch`, `console`, `process`).
                    None => Resolved {
                        path: name.to_string(),
                        resolved: true,
                        ctor: None,
                        imported: true,
                    },
                })
            }
            Expression::ThisExpression(_) => Some(Resolved {
                path: "this".into(),
                resolved: false,
                ctor: None,
                imported: false,
            }),
            Expression::StaticMemberExpression(m) => {
                let prop = m.property.name.as_str();
                if matches!(
                    m.object.get_inner_expression(),
                    Expression::ThisExpression(_)
                ) {
                    if let Some(Binding::Typed(t, c)) = self.this_attr(prop) {
                        return Some(Resolved {
                            path: t.clone(),
                            resolved: true,
                            ctor: c.clone(),
                            imported: false,
                        });
                    }
                    if let Some(Binding::Import(p)) = self.this_attr(prop) {
                        return Some(Resolved {
                            path: p.clone(),
                            resolved: true,
                            ctor: None,
                            imported: true,
                        });
                    }
                }
                let base = self.resolve_at(&m.object, depth + 1)?;
                Some(Resolved {
                    path: format!("{}.{prop}", base.path),
                    resolved: base.resolved,
                    ctor: None,
                    imported: base.imported,
                })
            }
            Expression::ComputedMemberExpression(m) => {
                let base = self.resolve_at(&m.object, depth + 1)?;
                let key = match m.expression.get_inner_expression() {
                    Expression::StringLiteral(s) => format!("[{}]", s.value.as_str()),
                    _ => "[]".into(),
                };
                Some(Resolved {
                    path: format!("{}{key}", base.path),
                    resolved: base.resolved,
                    ctor: None,
                    imported: base.imported,
                })
            }
            Expression::CallExpression(c) => {
                self.resolve_call_result(&c.callee, &c.arguments, depth)
            }
            Expression::NewExpression(c) => {
                self.resolve_call_result(&c.callee, &c.arguments, depth)
            }
            Expression::AwaitExpression(a) => self.resolve_at(&a.argument, depth + 1),
            Expression::ImportExpression(i) => match i.source.get_inner_expression() {
                Expression::StringLiteral(s) => Some(Resolved {
                    path: module_path(s.value.as_str()),
                    resolved: true,
                    ctor: None,
                    imported: true,
                }),
                _ => None,
            },
            Expression::ChainExpression(ch) => match &ch.expression {
                ChainElement::CallExpression(c) => {
                    self.resolve_call_result(&c.callee, &c.arguments, depth)
                }
                ChainElement::StaticMemberExpression(m) => {
                    let base = self.resolve_at(&m.object, depth + 1)?;
                    Some(Resolved {
                        path: format!("{}.{}", base.path, m.property.name.as_str()),
                        resolved: base.resolved,
                        ctor: None,
                        imported: base.imported,
                    })
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// The result of a call or `new`: typed by its callee.
    fn resolve_call_result(
        &self,
        callee: &Expression,
        args: &[Argument],
        depth: u32,
    ) -> Option<Resolved> {
        let f = self.resolve_at(callee, depth + 1)?;
        if f.resolved {
            let ctor = Rc::new(self.ctor_of(&f.path, args));
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

    fn ctor_of(&self, callee: &str, args: &[Argument]) -> Ctor {
        let (kwargs, star_kwargs) = self.kwargs_of(args, 1);
        Ctor {
            callee: callee.to_string(),
            kwargs,
            star_kwargs,
        }
    }

    /// The options of a call: properties of object-literal arguments (or of
    /// local constants bound to one); `true` when an argument we cannot see
    /// into may supply more.
    fn kwargs_of(&self, args: &[Argument], depth: u32) -> (Vec<Kwarg>, bool) {
        let mut out = Vec::new();
        let mut star = false;
        for (i, a) in args.iter().enumerate() {
            let e = match a {
                Argument::SpreadElement(_) => {
                    star = true;
                    continue;
                }
                other => other.to_expression().get_inner_expression(),
            };
            match e {
                Expression::ObjectExpression(o) => {
                    star |= self.props_of(o, depth, &mut out);
                }
                Expression::Identifier(id) => match self.lookup(id.name.as_str()) {
                    Some(Binding::Object(obj)) => {
                        out.extend(obj.0.iter().cloned());
                        star |= obj.1;
                    }
                    Some(Binding::Str) | Some(Binding::Import(_)) | Some(Binding::Typed(..)) => {}
                    _ => star |= !(i == 0 && url_like_name(id.name.as_str())),
                },
                Expression::StaticMemberExpression(m) => {
                    star |= !(i == 0 && url_like_name(m.property.name.as_str()));
                }
                // `this.opts[k]`, `build(…)`, `a ?? b`: anything may be in there.
                Expression::ComputedMemberExpression(_)
                | Expression::CallExpression(_)
                | Expression::ConditionalExpression(_)
                | Expression::LogicalExpression(_)
                | Expression::AwaitExpression(_)
                | Expression::ChainExpression(_) => star = true,
                _ => {}
            }
        }
        (out, star)
    }

    /// Properties of an object literal as keyword arguments; `true` on a spread.
    fn props_of(&self, o: &ObjectExpression, depth: u32, out: &mut Vec<Kwarg>) -> bool {
        let mut star = false;
        for p in &o.properties {
            match p {
                ObjectPropertyKind::SpreadProperty(_) => star = true,
                ObjectPropertyKind::ObjectProperty(p) => {
                    if let Some(name) = p.key.static_name() {
                        out.push(Kwarg {
                            name: name.to_string(),
                            value: self.value_of(&p.value, depth),
                            span: sp(p.span),
                        });
                    } else {
                        star = true;
                    }
                }
            }
        }
        star
    }

    // ----- values -----

    fn value_of(&self, e: &Expression, depth: u32) -> Value {
        grow(|| self.value_inner(e, depth))
    }

    /// A literal's value (what [`Value::is_literal`] accepts), or `None`.
    /// Cheap: no name is resolved and nothing nested is described.
    fn literal(&self, e: &Expression) -> Option<ValueKind> {
        Some(match e.get_inner_expression() {
            Expression::BooleanLiteral(b) => ValueKind::Bool(b.value),
            Expression::NullLiteral(_) => ValueKind::None,
            Expression::Identifier(id) if id.name == "undefined" => ValueKind::None,
            Expression::StringLiteral(s) => ValueKind::Str(s.value.to_string()),
            Expression::TemplateLiteral(t) if t.expressions.is_empty() => {
                ValueKind::Str(t.quasis.iter().map(quasi_text).collect())
            }
            Expression::NumericLiteral(n) => ValueKind::Num(self.text(n.span).replace('_', "")),
            Expression::UnaryExpression(u)
                if u.operator == UnaryOperator::UnaryNegation
                    && matches!(u.argument, Expression::NumericLiteral(_)) =>
            {
                ValueKind::Num(self.text(u.span).replace('_', ""))
            }
            Expression::UnaryExpression(u)
                if u.operator == UnaryOperator::LogicalNot
                    && matches!(u.argument, Expression::NumericLiteral(_)) =>
            {
                // Minified booleans: `!0` is true, `!1` is false.
                match &u.argument {
                    Expression::NumericLiteral(n) => ValueKind::Bool(n.value == 0.0),
                    _ => return None,
                }
            }
            _ => return None,
        })
    }

    fn value_inner(&self, e: &Expression, depth: u32) -> Value {
        let span = sp(e.span());
        if let Some(kind) = self.literal(e) {
            return Value { kind, span };
        }
        let e = e.get_inner_expression();
        let kind = match e {
            Expression::Identifier(_)
            | Expression::StaticMemberExpression(_)
            | Expression::ComputedMemberExpression(_)
            | Expression::ThisExpression(_) => match self.resolve(e) {
                Some(r) => ValueKind::Name {
                    path: r.path,
                    resolved: r.resolved,
                },
                None => ValueKind::Other,
            },
            Expression::CallExpression(c) if depth < MAX_VALUE_DEPTH => {
                self.call_value(&c.callee, &c.arguments, depth)
            }
            Expression::NewExpression(c) if depth < MAX_VALUE_DEPTH => {
                self.call_value(&c.callee, &c.arguments, depth)
            }
            Expression::ObjectExpression(o) if depth < MAX_VALUE_DEPTH => {
                let mut props = Vec::new();
                self.props_of(o, depth + 1, &mut props);
                ValueKind::Dict(props.into_iter().map(|k| (k.name, k.value)).collect())
            }
            Expression::TemplateLiteral(_) | Expression::BinaryExpression(_) => {
                match self.template(e) {
                    Some(p) => ValueKind::Template(p),
                    None => ValueKind::Other,
                }
            }
            _ => ValueKind::Other,
        };
        Value { kind, span }
    }

    fn call_value(&self, callee: &Expression, args: &[Argument], depth: u32) -> ValueKind {
        match self.resolve(callee) {
            Some(f) => {
                let (kwargs, star_kwargs) = self.kwargs_of(args, depth + 1);
                ValueKind::Call(Box::new(CallValue {
                    callee: f.path,
                    resolved: f.resolved,
                    args: args
                        .iter()
                        .filter(|a| !a.is_spread())
                        .map(|a| self.value_of(a.to_expression(), depth + 1))
                        .collect(),
                    kwargs,
                    star_kwargs,
                }))
            }
            None => ValueKind::Other,
        }
    }

    /// A name-like expression as a [`NameRef`].
    fn name_ref(&self, e: &Expression) -> Option<NameRef> {
        let inner = e.get_inner_expression();
        let text = match inner {
            Expression::Identifier(id) if id.name == "undefined" => return None,
            Expression::Identifier(_)
            | Expression::StaticMemberExpression(_)
            | Expression::ComputedMemberExpression(_) => self.dotted_text(inner)?,
            Expression::ChainExpression(ch) => match &ch.expression {
                ChainElement::StaticMemberExpression(m) => format!(
                    "{}.{}",
                    self.dotted_text(&m.object)?,
                    m.property.name.as_str()
                ),
                _ => return None,
            },
            _ => return None,
        };
        let resolved = self.resolve(inner).filter(|r| r.imported).map(|r| r.path);
        let root = text.split(['.', '[']).next().unwrap_or("");
        Some(NameRef {
            scope: self.binding_scope(root),
            text,
            resolved,
            span: sp(e.span()),
            through: Vec::new(),
            ty: None,
        })
    }

    fn dotted_text(&self, e: &Expression) -> Option<String> {
        self.dotted_at(e, 0)
    }

    fn dotted_at(&self, e: &Expression, depth: u32) -> Option<String> {
        if depth > MAX_CHAIN {
            return None;
        }
        let d = depth + 1;
        grow(|| match e.get_inner_expression() {
            Expression::Identifier(id) => Some(id.name.to_string()),
            Expression::ThisExpression(_) => Some("this".into()),
            Expression::StaticMemberExpression(m) => Some(format!(
                "{}.{}",
                self.dotted_at(&m.object, d)?,
                m.property.name.as_str()
            )),
            Expression::ComputedMemberExpression(m) => match m.expression.get_inner_expression() {
                Expression::StringLiteral(k) => Some(format!(
                    "{}[{}]",
                    self.dotted_at(&m.object, d)?,
                    k.value.as_str()
                )),
                _ => None,
            },
            Expression::CallExpression(c) => Some(format!("{}()", self.dotted_at(&c.callee, d)?)),
            _ => None,
        })
    }

    fn piece_of(&self, e: &Expression) -> Piece {
        match self.name_ref(e) {
            Some(n) => Piece::Name(n),
            None => match e.get_inner_expression() {
                Expression::StringLiteral(s) => Piece::Lit(s.value.to_string()),
                Expression::NumericLiteral(n) => Piece::Lit(self.text(n.span).to_string()),
                _ => Piece::Other,
            },
        }
    }

    /// A string built from pieces: a template literal or a `+` chain with a string in it.
    fn template(&self, e: &Expression) -> Option<Vec<Piece>> {
        grow(|| self.template_inner(e))
    }

    fn template_inner(&self, e: &Expression) -> Option<Vec<Piece>> {
        match e.get_inner_expression() {
            Expression::TemplateLiteral(t) => {
                let mut out = Vec::new();
                for (i, q) in t.quasis.iter().enumerate() {
                    let s = quasi_text(q);
                    if !s.is_empty() {
                        out.push(Piece::Lit(s));
                    }
                    if let Some(x) = t.expressions.get(i) {
                        match self.template(x) {
                            Some(mut p) if !matches!(x, Expression::TemplateLiteral(_)) => {
                                out.append(&mut p)
                            }
                            _ => out.push(self.piece_of(x)),
                        }
                    }
                }
                Some(out)
            }
            Expression::BinaryExpression(b) if b.operator == BinaryOperator::Addition => {
                // `a + b + c` nests to the left: walk the spine, not recursively.
                let mut operands = vec![&b.right];
                let mut cur = &b.left;
                while let Expression::BinaryExpression(inner) = cur.get_inner_expression() {
                    if inner.operator != BinaryOperator::Addition {
                        break;
                    }
                    operands.push(&inner.right);
                    cur = &inner.left;
                }
                operands.push(cur);
                operands.reverse();
                let mut out = Vec::new();
                let mut any_str = false;
                for side in operands {
                    match side.get_inner_expression() {
                        Expression::StringLiteral(s) => {
                            any_str = true;
                            out.push(Piece::Lit(s.value.to_string()));
                        }
                        Expression::TemplateLiteral(_) | Expression::BinaryExpression(_) => {
                            match self.template(side) {
                                Some(mut p) => {
                                    any_str = true;
                                    out.append(&mut p);
                                }
                                None => out.push(self.piece_of(side)),
                            }
                        }
                        _ => out.push(self.piece_of(side)),
                    }
                }
                any_str.then_some(out)
            }
            _ => None,
        }
    }

    // ----- names reaching a sink -----

    fn collect_names(&self, e: &Expression, through: &mut Vec<String>, out: &mut Vec<NameRef>) {
        grow(|| self.collect_inner(e, through, out))
    }

    fn collect_inner(&self, e: &Expression, through: &mut Vec<String>, out: &mut Vec<NameRef>) {
        if let Some(mut n) = self.name_ref(e) {
            n.through = through.clone();
            out.push(n);
            return;
        }
        match e.get_inner_expression() {
            Expression::ComputedMemberExpression(m) => {
                through.push("[]".into());
                self.collect_names(&m.object, through, out);
                through.pop();
            }
            Expression::CallExpression(c) => {
                self.collect_call(&c.callee, &c.arguments, through, out)
            }
            Expression::NewExpression(c) => {
                self.collect_call(&c.callee, &c.arguments, through, out)
            }
            Expression::ChainExpression(ch) => {
                if let ChainElement::CallExpression(c) = &ch.expression {
                    self.collect_call(&c.callee, &c.arguments, through, out);
                }
            }
            inner @ (Expression::TemplateLiteral(_) | Expression::BinaryExpression(_)) => {
                if let Some(pieces) = self.template(inner) {
                    for p in pieces {
                        if let Piece::Name(mut n) = p {
                            n.through = through.clone();
                            out.push(n);
                        }
                    }
                }
                match inner {
                    Expression::TemplateLiteral(t) => {
                        // Interpolations that are not plain names (`${mask(k)}`).
                        for x in &t.expressions {
                            if self.name_ref(x).is_none() {
                                self.collect_names(x, through, out);
                            }
                        }
                    }
                    Expression::BinaryExpression(b)
                        if b.operator == BinaryOperator::Addition
                            && self.template(inner).is_none() =>
                    {
                        self.collect_names(&b.left, through, out);
                        self.collect_names(&b.right, through, out);
                    }
                    Expression::BinaryExpression(b) if b.operator == BinaryOperator::Addition => {
                        // Operands that are calls (`'k=' + mask(k)`).
                        for side in [&b.left, &b.right] {
                            if matches!(side.get_inner_expression(), Expression::CallExpression(_))
                            {
                                self.collect_names(side, through, out);
                            }
                        }
                    }
                    _ => {}
                }
            }
            Expression::LogicalExpression(l) => {
                self.collect_names(&l.left, through, out);
                self.collect_names(&l.right, through, out);
            }
            Expression::ConditionalExpression(c) => {
                self.collect_names(&c.consequent, through, out);
                self.collect_names(&c.alternate, through, out);
            }
            Expression::ObjectExpression(o) => {
                for p in &o.properties {
                    match p {
                        ObjectPropertyKind::ObjectProperty(p) => {
                            if let Some(k) = p.key.static_name() {
                                if let Some(v) = self.name_ref(&p.value) {
                                    // `{ apiKey: cfg.k }`: the key names what the value is.
                                    out.push(NameRef {
                                        text: k.to_string(),
                                        resolved: None,
                                        span: v.span,
                                        through: through.clone(),
                                        ty: None,
                                        scope: None,
                                    });
                                }
                            }
                            self.collect_names(&p.value, through, out);
                        }
                        ObjectPropertyKind::SpreadProperty(s) => {
                            self.collect_names(&s.argument, through, out)
                        }
                    }
                }
            }
            Expression::ArrayExpression(a) => {
                for el in &a.elements {
                    match el {
                        ArrayExpressionElement::SpreadElement(s) => {
                            self.collect_names(&s.argument, through, out)
                        }
                        ArrayExpressionElement::Elision(_) => {}
                        other => self.collect_names(other.to_expression(), through, out),
                    }
                }
            }
            Expression::AwaitExpression(a) => self.collect_names(&a.argument, through, out),
            Expression::SequenceExpression(s) => {
                if let Some(last) = s.expressions.last() {
                    self.collect_names(last, through, out);
                }
            }
            // Comparisons, `typeof k`, `!k`, functions: not the value itself.
            _ => {}
        }
    }

    fn collect_call(
        &self,
        callee: &Expression,
        args: &[Argument],
        through: &mut Vec<String>,
        out: &mut Vec<NameRef>,
    ) {
        let wrapper = match callee.get_inner_expression() {
            Expression::StaticMemberExpression(m) => match self.resolve(callee) {
                Some(r) if r.imported => r.path,
                _ => {
                    let w = format!(".{}", m.property.name.as_str());
                    through.push(w.clone());
                    self.collect_names(&m.object, through, out);
                    through.pop();
                    w
                }
            },
            other => self
                .resolve(other)
                .map(|r| r.path)
                .unwrap_or_else(|| "?".into()),
        };
        through.push(wrapper);
        for a in args {
            match a {
                Argument::SpreadElement(s) => self.collect_names(&s.argument, through, out),
                other => self.collect_names(other.to_expression(), through, out),
            }
        }
        through.pop();
    }

    // ----- bindings -----

    /// Bind imports and top-level `const x = require(…)` before visiting, so
    /// functions defined above them still resolve them.
    fn prebind(&mut self, body: &[Statement]) {
        for s in body {
            match s {
                Statement::ImportDeclaration(i) => self.import(i),
                Statement::TSImportEqualsDeclaration(t) => {
                    if let TSModuleReference::ExternalModuleReference(r) = &t.module_reference {
                        self.bind(
                            t.id.name.as_str(),
                            Binding::Import(module_path(r.expression.value.as_str())),
                        );
                    }
                }
                Statement::VariableDeclaration(v) => {
                    for d in &v.declarations {
                        if let Some(init) = &d.init {
                            self.bind_pattern(&d.id, init);
                        }
                    }
                }
                Statement::ExportDeclaration(e) => {
                    if let Declaration::VariableDeclaration(v) = &e.declaration {
                        for d in &v.declarations {
                            if let Some(init) = &d.init {
                                self.bind_pattern(&d.id, init);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn import(&mut self, i: &ImportDeclaration) {
        let module = module_path(i.source.value.as_str());
        let Some(specs) = &i.specifiers else { return };
        for s in specs {
            match s {
                ImportDeclarationSpecifier::ImportSpecifier(s) => {
                    let imported = s.imported.name();
                    let path = if imported == "default" {
                        module.clone()
                    } else {
                        format!("{module}.{imported}")
                    };
                    self.bind(s.local.name.as_str(), Binding::Import(path));
                }
                ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => {
                    self.bind(s.local.name.as_str(), Binding::Import(module.clone()))
                }
                ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => {
                    self.bind(s.local.name.as_str(), Binding::Import(module.clone()))
                }
            }
        }
    }

    /// The binding a name gets from `name = value`.
    fn binding_for_value(&self, value: &Expression) -> Binding {
        let inner = match value.get_inner_expression() {
            Expression::AwaitExpression(a) => a.argument.get_inner_expression(),
            v => v,
        };
        match inner {
            Expression::StringLiteral(_) | Expression::TemplateLiteral(_) => return Binding::Str,
            Expression::BinaryExpression(_) if self.template(inner).is_some() => {
                return Binding::Str
            }
            Expression::ObjectExpression(o) => {
                let mut props = Vec::new();
                let star = self.props_of(o, 0, &mut props);
                return Binding::Object(Rc::new((props, star)));
            }
            _ => {}
        }
        if let Some(r) = self.resolve(inner) {
            if r.imported && r.resolved {
                // `const https = require('https')`, `const get = https.get`;
                // a bare global (`const x = window`) stays a global path.
                return Binding::Import(r.path);
            }
            if r.resolved && r.ctor.is_some() {
                return Binding::Typed(r.path, r.ctor);
            }
        }
        Binding::Local
    }

    fn bind_pattern(&mut self, pat: &BindingPattern, value: &Expression) {
        match pat {
            BindingPattern::BindingIdentifier(id) => {
                let b = self.binding_for_value(value);
                self.bind(id.name.as_str(), b);
            }
            BindingPattern::ObjectPattern(o) => {
                // `const { request, get: g } = require('https')`.
                let base = self.resolve(value).filter(|r| r.imported && r.resolved);
                for p in &o.properties {
                    let key = p.key.static_name();
                    let name = match &p.value {
                        BindingPattern::BindingIdentifier(id) => id.name.to_string(),
                        BindingPattern::AssignmentPattern(a) => match &a.left {
                            BindingPattern::BindingIdentifier(id) => id.name.to_string(),
                            other => {
                                self.bind_locals(other);
                                continue;
                            }
                        },
                        other => {
                            self.bind_locals(other);
                            continue;
                        }
                    };
                    let b = match (&base, key) {
                        (Some(r), Some(k)) => Binding::Import(format!("{}.{k}", r.path)),
                        _ => Binding::Local,
                    };
                    self.bind(&name, b);
                }
                if let Some(rest) = &o.rest {
                    self.bind_locals(&rest.argument);
                }
            }
            other => self.bind_locals(other),
        }
    }

    fn bind_locals(&mut self, pat: &BindingPattern) {
        match pat {
            BindingPattern::BindingIdentifier(id) => self.bind(id.name.as_str(), Binding::Local),
            BindingPattern::ObjectPattern(o) => {
                for p in &o.properties {
                    self.bind_locals(&p.value);
                }
                if let Some(rest) = &o.rest {
                    self.bind_locals(&rest.argument);
                }
            }
            BindingPattern::ArrayPattern(a) => {
                for el in a.elements.iter().flatten() {
                    self.bind_locals(el);
                }
                if let Some(rest) = &a.rest {
                    self.bind_locals(&rest.argument);
                }
            }
            BindingPattern::AssignmentPattern(a) => self.bind_locals(&a.left),
        }
    }

    /// `this.x = <call>` in a class's constructor and methods, and
    /// `x = <call>` property definitions.
    fn class_bindings(&self, body: &ClassBody) -> HashMap<String, Binding> {
        let mut found: HashMap<String, Option<Binding>> = HashMap::default();
        let mut note = |name: String, b: Binding| {
            if matches!(b, Binding::Local | Binding::Str) {
                return;
            }
            let key = |b: &Binding| match b {
                Binding::Typed(t, _) | Binding::Import(t) => t.clone(),
                _ => String::new(),
            };
            match found.get(&name) {
                None => {
                    found.insert(name, Some(b));
                }
                Some(Some(prev)) if key(prev) != key(&b) => {
                    found.insert(name, None);
                }
                _ => {}
            }
        };
        for el in &body.body {
            match el {
                ClassElement::PropertyDefinition(p) => {
                    if let (Some(k), Some(v)) = (p.key.static_name(), &p.value) {
                        note(k.to_string(), self.binding_for_value(v));
                    }
                }
                ClassElement::MethodDefinition(m) => {
                    if let Some(b) = &m.value.body {
                        for s in &b.statements {
                            let Statement::ExpressionStatement(es) = s else {
                                continue;
                            };
                            let Expression::AssignmentExpression(a) =
                                es.expression.get_inner_expression()
                            else {
                                continue;
                            };
                            if let AssignmentTarget::StaticMemberExpression(t) = &a.left {
                                if matches!(t.object, Expression::ThisExpression(_)) {
                                    note(
                                        t.property.name.to_string(),
                                        self.binding_for_value(&a.right),
                                    );
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        found
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect()
    }

    // ----- facts -----

    fn push_assign(
        &mut self,
        target: String,
        resolved_target: String,
        value: Value,
        span: ByteSpan,
    ) {
        self.facts.assigns.push(Assign {
            target,
            resolved_target,
            value,
            scope: self.scope_id(),
            span,
            default: false,
            property: false,
        });
    }

    fn call_fact(&mut self, callee: &Expression, args: &[Argument], span: ByteSpan) {
        let Some(f) = self.resolve(callee) else {
            return;
        };
        let receiver = match callee.get_inner_expression() {
            Expression::StaticMemberExpression(m) => self.resolve(&m.object).and_then(|r| r.ctor),
            _ => None,
        };
        let mut star_args = false;
        let values = args
            .iter()
            .filter(|a| {
                if a.is_spread() {
                    star_args = true;
                }
                !star_args
            })
            .map(|a| self.value_of(a.to_expression(), 0))
            .collect();
        let (kwargs, star_kwargs) = self.kwargs_of(args, 0);
        if self.sinks.is_sink(&f.path, f.resolved) {
            let mut names = Vec::new();
            let mut through = Vec::new();
            for a in args {
                match a {
                    Argument::SpreadElement(s) => {
                        self.collect_names(&s.argument, &mut through, &mut names)
                    }
                    other => self.collect_names(other.to_expression(), &mut through, &mut names),
                }
            }
            self.facts.log_calls.push(LogCall {
                sink: f.path.clone(),
                span,
                names,
            });
        }
        self.call_at.insert(span, self.facts.calls.len());
        self.facts.calls.push(Call {
            callee: f.path,
            resolved: f.resolved,
            span,
            callee_span: sp(callee.span()),
            scope: self.scope_id(),
            args: values,
            kwargs,
            star_args,
            star_kwargs,
            receiver,
            chain: Vec::new(),
        });
    }

    /// Record a built string once, at its outermost expression, when it has
    /// a name in it and query-string-looking text.
    fn template_start(&mut self, e: &Expression) -> bool {
        if self.in_template > 0 {
            return false;
        }
        if let Some(pieces) = self.template(e) {
            let has_name = pieces.iter().any(|p| matches!(p, Piece::Name(_)));
            let queryish = pieces.iter().any(|p| {
                matches!(p, Piece::Lit(l) if l.contains('?') || l.contains('&') || l.contains('='))
            });
            if has_name && queryish {
                self.facts.templates.push(Template {
                    pieces,
                    span: sp(e.span()),
                });
            }
        }
        self.in_template += 1;
        true
    }

    fn enter_function(&mut self) {
        let id = self.next_scope;
        self.next_scope += 1;
        self.scopes.push(Scope::new(id));
    }

    fn params(&mut self, params: &FormalParameters) {
        for p in &params.items {
            self.bind_locals(&p.pattern);
            if let Some(init) = &p.initializer {
                if let BindingPattern::BindingIdentifier(id) = &p.pattern {
                    let value = self.value_of(init, 0);
                    self.facts.assigns.push(Assign {
                        target: id.name.to_string(),
                        resolved_target: id.name.to_string(),
                        value,
                        scope: self.scope_id(),
                        span: sp(p.span),
                        default: true,
                        property: false,
                    });
                }
            }
        }
        if let Some(rest) = &params.rest {
            self.bind_locals(&rest.rest.argument);
        }
    }
}

fn quasi_text(q: &TemplateElement) -> String {
    q.value
        .cooked
        .as_ref()
        .unwrap_or(&q.value.raw)
        .as_str()
        .to_string()
}

impl<'a> Visit<'a> for Extractor<'_> {
    fn visit_statement(&mut self, it: &Statement<'a>) {
        grow(|| walk::walk_statement(self, it))
    }

    fn visit_expression(&mut self, it: &Expression<'a>) {
        grow(|| {
            let tpl = matches!(
                it.get_inner_expression(),
                Expression::TemplateLiteral(_) | Expression::BinaryExpression(_)
            ) && self.template_start(it);
            walk::walk_expression(self, it);
            if tpl {
                self.in_template -= 1;
            }
        })
    }

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        self.call_fact(&it.callee, &it.arguments, sp(it.span));
        walk::walk_call_expression(self, it);
        self.link_chain(it);
    }

    fn visit_new_expression(&mut self, it: &NewExpression<'a>) {
        self.call_fact(&it.callee, &it.arguments, sp(it.span));
        walk::walk_new_expression(self, it);
    }

    fn visit_import_declaration(&mut self, it: &ImportDeclaration<'a>) {
        self.import(it);
    }

    fn visit_variable_declarator(&mut self, it: &VariableDeclarator<'a>) {
        if let Some(init) = &it.init {
            if let BindingPattern::BindingIdentifier(id) = &it.id {
                if matches!(init.get_inner_expression(), Expression::ObjectExpression(_)) {
                    self.next_obj_name = Some(id.name.to_string());
                }
            }
            self.visit_expression(init);
            self.next_obj_name = None;
            if let BindingPattern::BindingIdentifier(id) = &it.id {
                let value = self.value_of(init, 0);
                let name = id.name.to_string();
                self.bind_call_result(&name, init);
                self.push_assign(name.clone(), name, value, sp(it.span));
            }
            self.bind_pattern(&it.id, init);
        } else {
            self.bind_locals(&it.id);
        }
    }

    fn visit_assignment_expression(&mut self, it: &AssignmentExpression<'a>) {
        let target_expr: Option<String> = match &it.left {
            AssignmentTarget::AssignmentTargetIdentifier(id) => Some(id.name.to_string()),
            AssignmentTarget::StaticMemberExpression(m) => self
                .dotted_text(&m.object)
                .map(|o| format!("{o}.{}", m.property.name.as_str())),
            AssignmentTarget::ComputedMemberExpression(m) => {
                match m.expression.get_inner_expression() {
                    Expression::StringLiteral(k) => self
                        .dotted_text(&m.object)
                        .map(|o| format!("{o}[{}]", k.value.as_str())),
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some(t) = &target_expr {
            if matches!(
                it.right.get_inner_expression(),
                Expression::ObjectExpression(_)
            ) {
                self.next_obj_name = Some(t.clone());
            }
        }
        self.visit_expression(&it.right);
        self.next_obj_name = None;
        match &it.left {
            AssignmentTarget::StaticMemberExpression(m) => self.visit_expression(&m.object),
            AssignmentTarget::ComputedMemberExpression(m) => {
                self.visit_expression(&m.object);
                self.visit_expression(&m.expression);
            }
            _ => {}
        }
        if it.operator != AssignmentOperator::Assign {
            return;
        }
        if let Some(text) = target_expr {
            let resolved_target = match &it.left {
                AssignmentTarget::StaticMemberExpression(m) => match self.resolve(&m.object) {
                    Some(r) if r.resolved => format!("{}.{}", r.path, m.property.name.as_str()),
                    _ => text.clone(),
                },
                AssignmentTarget::ComputedMemberExpression(m) => {
                    match (self.resolve(&m.object), m.expression.get_inner_expression()) {
                        (Some(r), Expression::StringLiteral(k)) if r.resolved => {
                            format!("{}[{}]", r.path, k.value.as_str())
                        }
                        _ => text.clone(),
                    }
                }
                _ => text.clone(),
            };
            let value = self.value_of(&it.right, 0);
            self.push_assign(text, resolved_target, value, sp(it.span));
            if let AssignmentTarget::AssignmentTargetIdentifier(id) = &it.left {
                self.bind_call_result(id.name.as_str(), &it.right);
                let b = self.binding_for_value(&it.right);
                // Assigning to an outer `let` from inside a function: rebind
                // where it lives.
                let name = id.name.as_str();
                if let Some(s) = self
                    .scopes
                    .iter_mut()
                    .rev()
                    .find(|s| s.names.contains_key(name))
                {
                    s.names.insert(name.to_string(), b);
                }
            }
        }
    }

    fn visit_object_expression(&mut self, it: &ObjectExpression<'a>) {
        let prefix = self.next_obj_name.take().unwrap_or_else(|| "{}".into());
        for p in &it.properties {
            match p {
                ObjectPropertyKind::ObjectProperty(p) => {
                    if p.computed {
                        if let Some(k) = p.key.as_expression() {
                            self.visit_expression(k);
                        }
                    }
                    if let Some(k) = p.key.static_name() {
                        let v = p.value.get_inner_expression();
                        if matches!(v, Expression::ObjectExpression(_)) {
                            self.next_obj_name = Some(format!("{prefix}.{k}"));
                        } else if let Some(kind) = self.literal(v) {
                            let target = format!("{prefix}.{k}");
                            let value = Value {
                                kind,
                                span: sp(v.span()),
                            };
                            self.push_assign(target.clone(), target, value, sp(p.span));
                            if let Some(a) = self.facts.assigns.last_mut() {
                                a.property = true;
                            }
                        }
                    }
                    self.visit_expression(&p.value);
                    self.next_obj_name = None;
                }
                ObjectPropertyKind::SpreadProperty(s) => self.visit_expression(&s.argument),
            }
        }
    }

    fn visit_function(&mut self, it: &Function<'a>, _flags: ScopeFlags) {
        if let Some(id) = &it.id {
            if it.r#type == FunctionType::FunctionDeclaration {
                self.bind(id.name.as_str(), Binding::Local);
            }
        }
        self.enter_function();
        self.params(&it.params);
        if let Some(b) = &it.body {
            self.prebind_hoisted(&b.statements);
            for s in &b.statements {
                self.visit_statement(s);
            }
        }
        self.scopes.pop();
    }

    fn visit_arrow_function_expression(&mut self, it: &ArrowFunctionExpression<'a>) {
        self.enter_function();
        self.params(&it.params);
        match &it.body {
            ArrowFunctionBody::FunctionBody(b) => {
                for s in &b.statements {
                    self.visit_statement(s);
                }
            }
            other => self.visit_expression(other.to_expression()),
        }
        self.scopes.pop();
    }

    fn visit_class(&mut self, it: &Class<'a>) {
        if let Some(id) = &it.id {
            self.bind(id.name.as_str(), Binding::Local);
        }
        if let Some(h) = &it.heritage {
            self.visit_expression(&h.expression);
        }
        let attrs = Rc::new(self.class_bindings(&it.body));
        self.class_attrs.push(attrs);
        self.visit_class_body(&it.body);
        self.class_attrs.pop();
    }

    // Types say nothing we use; skip them (they can nest deeply too).
    fn visit_ts_type(&mut self, _it: &TSType<'a>) {}
}

impl Extractor<'_> {
    /// `name = <call>`: remember which call `name` holds (or forget it).
    fn bind_call_result(&mut self, name: &str, init: &Expression) {
        // `require('https')` and `await import('ws')` give a module, not a result.
        let module = matches!(self.binding_for_value(init), Binding::Import(_));
        let idx = match init.get_inner_expression() {
            _ if module => None,
            Expression::CallExpression(c) => self.chained_root(sp(c.span)),
            Expression::NewExpression(c) => self.chained_root(sp(c.span)),
            _ => None,
        };
        if let Some(s) = self.scopes.last_mut() {
            match idx {
                Some(i) => s.calls.insert(name.to_string(), i),
                None => s.calls.remove(name),
            };
        }
    }

    /// The call whose result a call expression at `span` returns: a chained
    /// call's root, or the call itself.
    fn chained_root(&self, span: ByteSpan) -> Option<usize> {
        self.chain_root
            .get(&span)
            .or_else(|| self.call_at.get(&span))
            .copied()
    }

    /// The call a name holds, unless an inner scope binds the name anew.
    fn call_of_name(&self, name: &str) -> Option<usize> {
        for s in self.scopes.iter().rev() {
            if let Some(&i) = s.calls.get(name) {
                return Some(i);
            }
            if s.names.contains_key(name) {
                return None;
            }
        }
        None
    }

    /// `X.m(a)` where X is a call or a name holding one: `m = a` joins that
    /// call's chain.
    fn link_chain(&mut self, it: &CallExpression) {
        let Expression::StaticMemberExpression(m) = it.callee.get_inner_expression() else {
            return;
        };
        let root = match m.object.get_inner_expression() {
            Expression::CallExpression(c) => self.chained_root(sp(c.span)),
            Expression::NewExpression(c) => self.chained_root(sp(c.span)),
            Expression::Identifier(id) => self.call_of_name(id.name.as_str()),
            _ => None,
        };
        let Some(root) = root else { return };
        let name_span = sp(m.property.span);
        let value = match it.arguments.first() {
            Some(a) if !a.is_spread() => self.value_of(a.to_expression(), 0),
            _ => Value {
                kind: ValueKind::Other,
                span: name_span,
            },
        };
        self.facts.calls[root].chain.push(Kwarg {
            name: m.property.name.to_string(),
            value,
            span: (name_span.0, sp(it.span).1),
        });
        self.chain_root.insert(sp(it.span), root);
    }

    /// Function declarations inside a body are visible before their line.
    fn prebind_hoisted(&mut self, body: &[Statement]) {
        for s in body {
            if let Statement::FunctionDeclaration(f) = s {
                if let Some(id) = &f.id {
                    self.bind(id.name.as_str(), Binding::Local);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(src: &str, path: &str) -> Facts {
        let sinks = crate::rules::log_sinks().lang("javascript").unwrap();
        extract(src, path, sinks).facts
    }

    #[test]
    fn resolves_imports_and_requires() {
        let f = facts(
            "import axios from 'axios';\nimport * as https from 'node:https';\n\
             const { request: rq } = require('http');\nimport { WebSocket } from 'ws';\n\
             const api = axios.create({ timeout: 5000 });\n\
             axios.get(u); https.get(u); rq(o); new WebSocket(u); api.post(u, {});\n",
            "a.ts",
        );
        let callees: Vec<&str> = f.calls.iter().map(|c| c.callee.as_str()).collect();
        for want in [
            "axios.create",
            "axios.get",
            "https.get",
            "http.request",
            "ws.WebSocket",
            "axios.create.post",
        ] {
            assert!(callees.contains(&want), "{want} not in {callees:?}");
        }
        let post = f
            .calls
            .iter()
            .find(|c| c.callee == "axios.create.post")
            .unwrap();
        assert!(post.receiver.as_ref().unwrap().kwargs[0].name == "timeout");
    }

    #[test]
    fn nesting_estimate() {
        assert!(nesting(b"f(a, [1, {b: 2}])").unwrap() <= 4);
        let deep = "(".repeat(5000) + &")".repeat(5000);
        assert!(too_deep(deep.as_bytes()).is_some());
        let unary = "x = ".to_string() + &"- ".repeat(3000) + "1;";
        assert!(too_deep(unary.as_bytes()).is_some());
        assert!(too_deep(b"const s = '(((((('; // ((((((").is_none());
        assert!(too_deep(b"a - b - c - d").is_none());
    }
}
