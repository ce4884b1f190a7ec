//! Language-neutral facts: what a front end extracts from an AST and what the
//! code rules in `checks/` read. Nothing here knows a parser or a rule.
//!
//! Every fact carries a byte range of the file (`span`), which the scan
//! pipeline turns into line/column, snippet and fingerprint.

use std::rc::Rc;

/// A byte range of the source file.
pub type ByteSpan = (usize, usize);

/// Scope id: 0 is the module; each function, lambda or class body gets its own.
pub type ScopeId = u32;

/// What a front end found in one file.
#[derive(Debug, Default)]
pub struct Facts {
    pub calls: Vec<Call>,
    pub assigns: Vec<Assign>,
    /// References to imported names outside a call's callee position and
    /// outside comparisons (`ssl.CERT_NONE` passed or assigned somewhere).
    pub refs: Vec<Ref>,
    /// Calls to a log or print sink, with the names their arguments reference.
    pub log_calls: Vec<LogCall>,
    /// Strings built from literal text and names (f-strings, `%`, `.format()`,
    /// `+`), wherever they appear.
    pub templates: Vec<Template>,
    /// Record types (Rust structs) and whether their printed form is derived.
    pub records: Vec<Record>,
    /// Methods implementing an interface (a Rust trait impl's functions).
    pub impl_fns: Vec<ImplFn>,
}

/// The value of an argument or the right-hand side of an assignment.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: ByteSpan,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    Bool(bool),
    None,
    Str(String),
    /// A number, as written.
    Num(String),
    /// A (possibly dotted) name. `resolved` when its root is an import or a
    /// builtin, in which case `path` is the full import path (`ssl.CERT_NONE`).
    Name {
        path: String,
        resolved: bool,
    },
    /// The result of a call (`aiohttp.ClientTimeout(total=None)`), one or two
    /// levels deep.
    Call(Box<CallValue>),
    /// A dict (object) literal: entries with literal string keys.
    Dict(Vec<(String, Value)>),
    /// A string built from pieces.
    Template(Vec<Piece>),
    Other,
}

impl Value {
    /// The value spelled the way rule data writes values: `False`, `None`,
    /// `0`, `"CERT_NONE"` (strings in double quotes), `ssl.CERT_NONE`.
    /// `None` for values that have no such spelling.
    pub fn spelling(&self) -> Option<String> {
        match &self.kind {
            ValueKind::Bool(true) => Some("True".into()),
            ValueKind::Bool(false) => Some("False".into()),
            ValueKind::None => Some("None".into()),
            ValueKind::Str(s) => Some(format!("\"{s}\"")),
            ValueKind::Num(n) => Some(n.clone()),
            ValueKind::Name { path, .. } => Some(path.clone()),
            _ => None,
        }
    }

    /// Does the value match one of the data spellings?
    pub fn matches_any(&self, spellings: &[String]) -> bool {
        self.spelling().is_some_and(|s| spellings.contains(&s))
    }

    /// Every name and callee the value mentions, nested calls included.
    pub fn mentions(&self) -> Vec<&str> {
        let mut out = Vec::new();
        fn walk<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
            match &v.kind {
                ValueKind::Name { path, .. } => out.push(path),
                ValueKind::Call(c) => {
                    out.push(&c.callee);
                    for a in &c.args {
                        walk(a, out);
                    }
                    for k in &c.kwargs {
                        walk(&k.value, out);
                    }
                }
                ValueKind::Dict(entries) => {
                    for (_, v) in entries {
                        walk(v, out);
                    }
                }
                _ => {}
            }
        }
        walk(self, &mut out);
        out
    }

    pub fn is_literal(&self) -> bool {
        matches!(
            self.kind,
            ValueKind::Bool(_) | ValueKind::None | ValueKind::Str(_) | ValueKind::Num(_)
        )
    }
}

/// A call used as a value.
#[derive(Debug, Clone, PartialEq)]
pub struct CallValue {
    pub callee: String,
    pub resolved: bool,
    pub args: Vec<Value>,
    pub kwargs: Vec<Kwarg>,
    pub star_kwargs: bool,
}

/// A piece of a built string.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Lit(String),
    Name(NameRef),
    /// Something else (a call, an expression): unknown text.
    Other,
}

/// A keyword (named) argument.
#[derive(Debug, Clone, PartialEq)]
pub struct Kwarg {
    pub name: String,
    pub value: Value,
    /// The whole `name=value` range.
    pub span: ByteSpan,
}

/// How the object a method is called on was made, when the front end could
/// tell (`s = requests.Session(timeout=…)`; `s.get(…)` has this as receiver).
#[derive(Debug, Clone, PartialEq)]
pub struct Ctor {
    pub callee: String,
    pub kwargs: Vec<Kwarg>,
    pub star_kwargs: bool,
}

/// A call.
#[derive(Debug, Clone)]
pub struct Call {
    /// Dotted callee. Resolved through imports and simple local types when
    /// `resolved` (`requests.Session.get`); otherwise as written, with `()`
    /// marking a call in the chain (`self.logger().info`).
    pub callee: String,
    pub resolved: bool,
    pub span: ByteSpan,
    /// The callee expression's range (for highlighting the name).
    pub callee_span: ByteSpan,
    pub scope: ScopeId,
    pub args: Vec<Value>,
    pub kwargs: Vec<Kwarg>,
    /// `*args` present: positions after it are unknown.
    pub star_args: bool,
    /// `**kwargs` present: any keyword may be supplied.
    pub star_kwargs: bool,
    /// For a method call, how its receiver was constructed.
    pub receiver: Option<Rc<Ctor>>,
    /// Builder chains: the methods called on this call's result, in order,
    /// each as a named setting with its first argument as the value
    /// (`Client::builder().timeout(t).build()` → `timeout = t`, `build`).
    /// Front ends with keyword arguments leave it empty.
    pub chain: Vec<Kwarg>,
}

impl Call {
    /// A named setting: a keyword argument, or a method called on the
    /// call's result in a builder chain.
    pub fn kwarg(&self, name: &str) -> Option<&Kwarg> {
        self.kwargs
            .iter()
            .chain(&self.chain)
            .find(|k| k.name == name)
    }

    /// Keyword arguments and builder-chain settings.
    pub fn settings(&self) -> impl Iterator<Item = &Kwarg> {
        self.kwargs.iter().chain(&self.chain)
    }

    /// The last segment of the callee (the method or function name).
    pub fn method(&self) -> &str {
        after_last_dot(&self.callee)
    }

    /// The callee without its last segment.
    pub fn receiver_path(&self) -> Option<&str> {
        split_last_dot(&self.callee).map(|(r, _)| r)
    }
}

/// `target = value`.
#[derive(Debug, Clone)]
pub struct Assign {
    /// As written, dotted; subscripts with a literal key as `[key]`
    /// (`self.verify`, `os.environ[PYTHONHTTPSVERIFY]`).
    pub target: String,
    /// With the root resolved through imports and local types when possible
    /// (`s.verify` → `requests.Session.verify`); otherwise equal to `target`.
    pub resolved_target: String,
    pub value: Value,
    pub scope: ScopeId,
    pub span: ByteSpan,
    /// A parameter's default value (`def f(url="http://…")`), not an assignment.
    pub default: bool,
    /// An entry of an object or struct literal (`{ rejectUnauthorized: false }`,
    /// `Config { api_key: … }`), not an assignment statement.
    pub property: bool,
}

impl Assign {
    /// Last name of the target (`self.api_secret` → `api_secret`, `h[Authorization]` → `Authorization`).
    pub fn last_name(&self) -> &str {
        last_segment(&self.target)
    }
}

/// A reference to an imported name (`ssl.CERT_NONE`), resolved.
#[derive(Debug, Clone)]
pub struct Ref {
    pub path: String,
    pub span: ByteSpan,
}

/// A name reaching a sink or a string, with what it passed through on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct NameRef {
    /// As written, dotted; subscripts with a literal key as `[key]`.
    pub text: String,
    /// Resolved path when the root is an import (`os.environ`).
    pub resolved: Option<String>,
    pub span: ByteSpan,
    /// Calls the name is an argument of, innermost first, by callee (`len`,
    /// `mask`), plus `[:]` for a slice and `.method` for a method called on it,
    /// and `{:?}` when it is formatted with its debug representation.
    pub through: Vec<String>,
    /// The name's declared type when the front end knows it (a Rust field,
    /// parameter or annotated `let`), as written without spaces: `Option<String>`.
    pub ty: Option<String>,
    /// The scope whose binding the name's root refers to where it is used
    /// (a parameter, a local or a module-level name), when the front end
    /// tracks bindings; `None` when it does not know.
    pub scope: Option<ScopeId>,
}

impl NameRef {
    /// The last name: `self.api_key` → `api_key`, `cfg[secret]` → `secret`.
    pub fn last_name(&self) -> &str {
        last_segment(&self.text)
    }
}

/// A call to a logging or printing sink.
#[derive(Debug, Clone)]
pub struct LogCall {
    pub sink: String,
    pub span: ByteSpan,
    pub names: Vec<NameRef>,
}

/// A string built from pieces, e.g. `f"https://x/?apikey={key}"`.
#[derive(Debug, Clone)]
pub struct Template {
    pub pieces: Vec<Piece>,
    pub span: ByteSpan,
}

/// A record type: a struct with named fields (or one tuple field, named
/// after the struct), and whether its debug/repr form is generated.
#[derive(Debug, Clone)]
pub struct Record {
    pub name: String,
    pub span: ByteSpan,
    /// Where the generated debug representation is asked for (`Debug` in
    /// `#[derive(…)]`), when it is.
    pub auto_repr: Option<ByteSpan>,
    pub fields: Vec<RecordField>,
}

#[derive(Debug, Clone)]
pub struct RecordField {
    pub name: String,
    /// As written without spaces: `String`, `Option<String>`, `&'static str`.
    pub ty: String,
    /// Left out of the generated representation (`#[debug(skip)]`…).
    pub hidden: bool,
    pub span: ByteSpan,
}

/// A function implementing an interface method (`impl ServerCertVerifier
/// for X { fn verify_server_cert(…) }`).
#[derive(Debug, Clone)]
pub struct ImplFn {
    /// The interface, resolved through imports when possible (dotted).
    pub interface: String,
    /// The implementing type's name (last path segment).
    pub self_ty: String,
    pub method: String,
    /// Returns success on every path without a check that could fail
    /// (the body's result is `Ok(…)`, with no `?`, `Err`, `if` or `match`).
    pub always_ok: bool,
    pub span: ByteSpan,
}

impl Facts {
    /// Move every span through `f` (a selector's kept text back to the
    /// file's offsets). Structs are taken apart field by field, so that a
    /// span added to a fact later cannot be left out here unnoticed.
    pub fn map_spans(&mut self, f: &impl Fn(usize) -> usize) {
        let sp = |s: &mut ByteSpan| *s = (f(s.0), f(s.1));
        let Facts {
            calls,
            assigns,
            refs,
            log_calls,
            templates,
            records,
            impl_fns,
        } = self;
        for c in calls {
            let Call {
                callee: _,
                resolved: _,
                span,
                callee_span,
                scope: _,
                args,
                kwargs,
                star_args: _,
                star_kwargs: _,
                receiver,
                chain,
            } = c;
            sp(span);
            sp(callee_span);
            args.iter_mut().for_each(|v| v.map_spans(f));
            kwargs.iter_mut().chain(chain).for_each(|k| k.map_spans(f));
            if let Some(r) = receiver {
                let Ctor {
                    callee: _,
                    kwargs,
                    star_kwargs: _,
                } = Rc::make_mut(r);
                kwargs.iter_mut().for_each(|k| k.map_spans(f));
            }
        }
        for a in assigns {
            let Assign {
                target: _,
                resolved_target: _,
                value,
                scope: _,
                span,
                default: _,
                property: _,
            } = a;
            value.map_spans(f);
            sp(span);
        }
        for r in refs {
            let Ref { path: _, span } = r;
            sp(span);
        }
        for l in log_calls {
            let LogCall {
                sink: _,
                span,
                names,
            } = l;
            sp(span);
            names.iter_mut().for_each(|n| n.map_spans(f));
        }
        for t in templates {
            let Template { pieces, span } = t;
            sp(span);
            pieces.iter_mut().for_each(|p| p.map_spans(f));
        }
        for r in records {
            let Record {
                name: _,
                span,
                auto_repr,
                fields,
            } = r;
            sp(span);
            if let Some(s) = auto_repr {
                sp(s);
            }
            for fl in fields {
                let RecordField {
                    name: _,
                    ty: _,
                    hidden: _,
                    span,
                } = fl;
                sp(span);
            }
        }
        for i in impl_fns {
            let ImplFn {
                interface: _,
                self_ty: _,
                method: _,
                always_ok: _,
                span,
            } = i;
            sp(span);
        }
    }
}

impl Value {
    fn map_spans(&mut self, f: &impl Fn(usize) -> usize) {
        let Value { kind, span } = self;
        *span = (f(span.0), f(span.1));
        match kind {
            ValueKind::Call(c) => {
                let CallValue {
                    callee: _,
                    resolved: _,
                    args,
                    kwargs,
                    star_kwargs: _,
                } = c.as_mut();
                args.iter_mut().for_each(|v| v.map_spans(f));
                kwargs.iter_mut().for_each(|k| k.map_spans(f));
            }
            ValueKind::Dict(entries) => entries.iter_mut().for_each(|(_, v)| v.map_spans(f)),
            ValueKind::Template(pieces) => pieces.iter_mut().for_each(|p| p.map_spans(f)),
            ValueKind::Bool(_)
            | ValueKind::None
            | ValueKind::Str(_)
            | ValueKind::Num(_)
            | ValueKind::Name { .. }
            | ValueKind::Other => {}
        }
    }
}

impl Kwarg {
    fn map_spans(&mut self, f: &impl Fn(usize) -> usize) {
        let Kwarg {
            name: _,
            value,
            span,
        } = self;
        value.map_spans(f);
        *span = (f(span.0), f(span.1));
    }
}

impl Piece {
    fn map_spans(&mut self, f: &impl Fn(usize) -> usize) {
        match self {
            Piece::Name(n) => n.map_spans(f),
            Piece::Lit(_) | Piece::Other => {}
        }
    }
}

impl NameRef {
    fn map_spans(&mut self, f: &impl Fn(usize) -> usize) {
        let NameRef {
            text: _,
            resolved: _,
            span,
            through: _,
            ty: _,
            scope: _,
        } = self;
        *span = (f(span.0), f(span.1));
    }
}

/// `a.b.c` → `("a.b", "c")`: a path before and after its last dot. Callee
/// paths are split on every call fact of every file; memchr's reverse search
/// costs a third of the standard library's char search on them.
pub fn split_last_dot(path: &str) -> Option<(&str, &str)> {
    let i = memchr::memrchr(b'.', path.as_bytes())?;
    Some((&path[..i], &path[i + 1..]))
}

/// `a.b.c` → `c`; a path without a dot is its own last part.
pub fn after_last_dot(path: &str) -> &str {
    split_last_dot(path).map_or(path, |(_, last)| last)
}

/// The last segment of a dotted/subscripted path: `a.b[c]` → `c`.
pub fn last_segment(path: &str) -> &str {
    let p = path.trim_end_matches(']');
    p.rsplit(['.', '[']).next().unwrap_or(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings() {
        let v = |kind| Value { kind, span: (0, 0) };
        assert_eq!(v(ValueKind::Bool(false)).spelling().unwrap(), "False");
        assert_eq!(v(ValueKind::Str("0".into())).spelling().unwrap(), "\"0\"");
        assert!(v(ValueKind::None).matches_any(&["None".into()]));
        assert_eq!(last_segment("os.environ[API_KEY]"), "API_KEY");
        assert_eq!(last_segment("self.api_key"), "api_key");
        assert_eq!(last_segment("key"), "key");
    }
}
