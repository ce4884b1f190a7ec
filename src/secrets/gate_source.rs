//! Which part of a pattern's regex serves as its gate (see
//! `pattern::Pattern::may_match`), derived from the regex's HIR alone.
//!
//! build.rs reads this file too (it uses nothing but `regex_syntax` and
//! `std`): it derives the built-in patterns' gates once, when botlint is
//! built, and the scan parses those small regexes instead of each pattern's
//! whole regex (a pattern's regex, with its context parts, took ~300,000
//! instructions to parse: 6 M of a scan of python-binance, for 20 patterns).
//! A user's patterns are derived the same way at run time.

use regex_syntax::hir::{Class, ClassBytes, ClassBytesRange, Hir, HirKind, Repetition};

/// Runs shorter than this are common in code, and not worth a check before
/// the gate's regex.
pub const MIN_RUN: usize = 16;

/// `min` or more bytes of `class` in a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub class: Box<[bool; 256]>,
    pub min: usize,
}

/// What every match of a pattern holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Derived {
    /// A match of the `secret` group's regex (which takes part in every match).
    Group(Hir),
    /// A long run of one class (when the group cannot serve).
    Run(Run),
}

/// `re` as the secret patterns read it: bytes, no Unicode classes (the
/// options `pattern::build_meta` parses with, so that a regex parsed here
/// compiles as the pattern's own).
pub fn parse_hir(re: &str) -> Option<Hir> {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(re)
        .ok()
}

/// The gate of the pattern `hir`: the `secret` capture group, if the group takes
/// part in every match (it is not inside an alternation or an optional
/// repetition). A match of the pattern then contains a match of the group's
/// regex on the same haystack (assertions such as `\b` see the same bytes around
/// it), so where the gate finds nothing, the pattern finds nothing. Without such
/// a group, the run that every match holds, if there is a long one.
pub fn derive(hir: &Hir) -> Option<Derived> {
    match gate_hir(hir) {
        Some(sub) => Some(Derived::Group(sub)),
        None => long_run(hir).map(Derived::Run),
    }
}

/// A regex that [`parse_hir`] reads back as the same gate: the group's regex,
/// or the run as one class repeated (which [`class_run`] reads as the run).
/// `None` when the printed regex reads back as another (regex-syntax prints
/// `(?:[a-z]{10,})?` as `[a-z]{10,}?`, a lazy repetition).
pub fn source(derived: &Derived) -> Option<String> {
    let source = printed(derived);
    let reread = parse_hir(&source)?;
    let same = match derived {
        Derived::Group(sub) => *sub == reread,
        Derived::Run(run) => class_run(&reread).as_ref() == Some(run),
    };
    same.then_some(source)
}

fn printed(derived: &Derived) -> String {
    match derived {
        Derived::Group(sub) => sub.to_string(),
        Derived::Run(run) => {
            let mut ranges = Vec::new();
            for b in 0..=255u8 {
                if run.class[usize::from(b)] {
                    ranges.push(ClassBytesRange::new(b, b));
                }
            }
            let class = Hir::class(Class::Bytes(ClassBytes::new(ranges)));
            let repeated = Hir::repetition(Repetition {
                min: u32::try_from(run.min).unwrap_or(u32::MAX),
                max: None,
                greedy: true,
                sub: Box::new(class),
            });
            repeated.to_string()
        }
    }
}

/// The `secret` group of `hir`, when it takes part in every match and is not
/// the whole regex (a gate as large as the regex saves nothing).
pub fn gate_hir(hir: &Hir) -> Option<Hir> {
    fn mandatory(hir: &Hir) -> Option<&Hir> {
        match hir.kind() {
            HirKind::Capture(c) if c.name.as_deref() == Some("secret") => Some(&c.sub),
            HirKind::Capture(c) => mandatory(&c.sub),
            HirKind::Concat(parts) => parts.iter().find_map(mandatory),
            HirKind::Repetition(r) if r.min >= 1 => mandatory(&r.sub),
            _ => None,
        }
    }
    let sub = mandatory(hir)?.clone();
    if matches!(hir.kind(), HirKind::Capture(_)) {
        return None;
    }
    Some(sub)
}

/// [`necessary_run`], when it is long enough ([`MIN_RUN`]) to be worth a check.
pub fn long_run(hir: &Hir) -> Option<Run> {
    necessary_run(hir).filter(|r| r.min >= MIN_RUN)
}

/// `hir` when it is one byte class (or one byte) repeated: a run of `min`
/// bytes of the class is a match of it, and every match is such a run.
pub fn class_run(hir: &Hir) -> Option<Run> {
    let HirKind::Repetition(r) = hir.kind() else {
        return None;
    };
    Some(Run {
        class: one_class(&r.sub)?,
        min: r.min as usize,
    })
}

/// The bytes `hir` matches when it matches exactly one byte.
fn one_class(hir: &Hir) -> Option<Box<[bool; 256]>> {
    let mut class = Box::new([false; 256]);
    let mut set = |ranges: &mut dyn Iterator<Item = (u8, u8)>| {
        for (lo, hi) in ranges {
            for b in lo..=hi {
                class[usize::from(b)] = true;
            }
        }
    };
    match hir.kind() {
        HirKind::Class(Class::Bytes(c)) => set(&mut c.iter().map(|r| (r.start(), r.end()))),
        HirKind::Class(Class::Unicode(c)) => {
            let c = c.to_byte_class()?;
            set(&mut c.iter().map(|r| (r.start(), r.end())));
        }
        HirKind::Literal(l) if l.0.len() == 1 => set(&mut std::iter::once((l.0[0], l.0[0]))),
        _ => return None,
    }
    Some(class)
}

/// How far a match of `hir` reaches past a run of `run`: `(before, after)`
/// when `hir` is (captures around) a sequence one of whose parts repeats a
/// class within `run.class` at least `run.min` times, and the parts before and
/// after it match at most `before` and `after` bytes (`\[[0-9,\s]{127,}\]`
/// around `[0-9,\s]{127}`: one and one). That part is a run of the class, so
/// it lies inside one of the text's longest runs of it, and the match starts
/// at most `before` bytes before that run and ends at most `after` bytes
/// after it.
pub fn run_bounds(hir: &Hir, run: &Run) -> Option<(usize, usize)> {
    fn bare(mut hir: &Hir) -> &Hir {
        while let HirKind::Capture(c) = hir.kind() {
            hir = &c.sub;
        }
        hir
    }
    let inside = |part: &Hir| {
        class_run(bare(part)).is_some_and(|r| {
            r.min >= run.min && r.class.iter().zip(run.class.iter()).all(|(&p, &g)| !p || g)
        })
    };
    let top = bare(hir);
    if inside(top) {
        return Some((0, 0));
    }
    let HirKind::Concat(parts) = top.kind() else {
        return None;
    };
    let at = parts.iter().position(inside)?;
    let most = |parts: &[Hir]| {
        parts
            .iter()
            .try_fold(0usize, |n, p| n.checked_add(p.properties().maximum_len()?))
    };
    Some((most(&parts[..at])?, most(&parts[at + 1..])?))
}

/// A run that every match of `hir` holds: of a repeated class, its least
/// count; of a literal, its bytes; of a sequence, its longest part's; of
/// alternatives, the union of their classes and the shortest of their runs.
/// `None` when a match may be empty of any (an optional part, an assertion).
pub fn necessary_run(hir: &Hir) -> Option<Run> {
    match hir.kind() {
        HirKind::Class(_) => Some(Run {
            class: one_class(hir)?,
            min: 1,
        }),
        HirKind::Literal(l) => {
            let mut class = Box::new([false; 256]);
            for &b in l.0.iter() {
                class[usize::from(b)] = true;
            }
            Some(Run {
                class,
                min: l.0.len(),
            })
        }
        HirKind::Capture(c) => necessary_run(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => class_run(hir).or_else(|| necessary_run(&r.sub)),
        HirKind::Concat(parts) => parts.iter().filter_map(necessary_run).max_by_key(|r| r.min),
        HirKind::Alternation(alts) => {
            let mut union = necessary_run(&alts[0])?;
            for alt in &alts[1..] {
                let r = necessary_run(alt)?;
                for (u, c) in union.class.iter_mut().zip(r.class.iter()) {
                    *u |= c;
                }
                union.min = union.min.min(r.min);
            }
            Some(union)
        }
        _ => None,
    }
}
