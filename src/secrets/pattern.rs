//! One secret pattern: its data (as written in `rules/secrets.toml` or a
//! user's config) and its lazily compiled regexes.

use super::gate_source::{self, class_run, long_run, parse_hir, run_bounds, Derived, Run};
use super::validate::Validator;
use crate::rules::SeverityName;
use anyhow::{Context, Result};
use regex::bytes::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use regex_automata::util::{pool::Pool, prefilter::Prefilter, syntax};
use regex_automata::{hybrid, meta, nfa::thompson, Input, MatchKind, PatternID};
use serde::Deserialize;
use std::ops::Range;
use std::sync::OnceLock;

/// A pattern as written in TOML.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PatternSpec {
    pub id: String,
    pub name: String,
    pub keywords: Vec<String>,
    /// Keywords match with their case as written (default: any case). For
    /// patterns whose keywords are short fragments of the secret itself.
    #[serde(default)]
    pub keywords_match_case: bool,
    pub regex: String,
    /// A regex that every match of `regex` contains (see [`Pattern::may_match`]),
    /// for patterns whose `secret` group cannot serve as one.
    #[serde(default)]
    pub gate: Option<String>,
    #[serde(default)]
    pub min_entropy: Option<f64>,
    #[serde(default)]
    pub validate: Option<Validator>,
    #[serde(default)]
    pub severity: Option<SeverityName>,
    #[serde(default)]
    pub allow: Vec<String>,
    /// Search the whole file rather than the lines around keyword hits (for
    /// matches that run over many lines: PEM blocks, multi-line arrays).
    #[serde(default)]
    pub whole_file: bool,
    #[serde(default)]
    pub positive: Vec<String>,

    #[serde(default)]
    pub negative: Vec<String>,
}

/// A patterns file: `[[pattern]]` entries and an optional top-level `allow`
/// list of regexes for published sample keys, which no pattern (nor the
/// generic detector) reports.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternsFile {
    #[serde(default)]
    pub allow: Vec<String>,
    pub pattern: Vec<PatternSpec>,
}

/// Parse a patterns file as written (the scan reads the embedded one's JSON).
pub fn parse_patterns(text: &str) -> Result<PatternsFile> {
    Ok(toml::from_str(text)?)
}

/// Each built-in pattern's id and its gate, in the order of
/// rules/secrets.toml, derived by build.rs.
pub const BUILT_IN_GATES: &[(&str, BuiltInGate)] =
    include!(concat!(env!("OUT_DIR"), "/secret-gates.rs"));

/// A built-in pattern's gate, as build.rs derived it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuiltInGate {
    /// The gate's regex ([`gate_source::source`]).
    Regex(&'static str),
    /// The pattern has no gate.
    NoGate,
    /// Derived from the pattern's regex when first needed, as a user pattern's
    /// gate is (the regex build.rs would write down reads back as another).
    AtRunTime,
}

/// rules/secrets.toml as written, examples included (the embedded JSON the
/// scan reads has none: build.rs leaves them out).
#[cfg(test)]
pub(crate) fn catalogue_with_examples() -> PatternsFile {
    parse_patterns(crate::rules::SECRETS.toml).expect("rules/secrets.toml")
}

/// A pattern ready to run. The regexes compile on first use, so a run only
/// pays for the patterns whose keywords occur in the files it reads.
pub struct Pattern {
    pub spec: PatternSpec,
    /// The regex parsed, for the gate and then for the compiled regex.
    hir: OnceLock<Option<regex_syntax::hir::Hir>>,
    /// A built-in pattern's gate as build.rs derived it; `AtRunTime` for a
    /// user's pattern.
    built_in_gate: BuiltInGate,
    /// The `secret` group's own regex, when every match of the pattern holds
    /// a match of it (see [`gate_source::derive`]).
    gate: OnceLock<Option<Gate>>,
    /// With a gate that is a run alone: how far a match reaches past the
    /// longest run of the gate's class that holds it, when the regex says
    /// ([`run_bounds`]). The regex then searches only there.
    bounds: OnceLock<Option<(usize, usize)>>,
    compiled: OnceLock<Compiled>,
}

/// Where a pattern's regex must search in a window (see [`Pattern::narrow`]).
pub enum Narrowed {
    /// Nowhere: the gate found no secret-shaped text.
    Nowhere,
    /// The whole window.
    Window,
    /// These spans of it, in order, apart.
    Spans(Vec<Range<usize>>),
}

pub struct Compiled {
    /// A `regex-automata` regex rather than a `regex` one: it searches a span
    /// of the file while its look-around (`\b`, `^`, `$`) sees the bytes on
    /// either side, so a window may start and end in the middle of a line.
    pub regex: meta::Regex,
    /// Index of the `secret` capture group, if any.
    pub secret_group: Option<usize>,
    pub allow: Vec<Regex>,
}

/// What a window must hold for a pattern to match in it: a match of the
/// pattern's `secret` group (or of its `gate`), and before that a run of one
/// byte class that every such match holds.
struct Gate {
    /// The run, when it is long enough to be rare in code (`[A-Za-z0-9]{32}`
    /// in `…{86}==|[A-Za-z0-9]{32}\b`). Checked first, with nothing compiled.
    run: Option<Run>,
    /// The gate's own regex, when the run is not all of it; compiled the
    /// first time a run lets a window through.
    regex: Option<LazyRegex>,
}

struct LazyRegex {
    hir: regex_syntax::hir::Hir,
    /// `None` if the regex does not build: then it lets every window through.
    regex: OnceLock<Option<GateRegex>>,
}

/// A gate's regex, which only says whether a window holds a match: a
/// forward lazy DFA (with the prefilter of the regex's prefixes, if it has
/// any) answers that alone. A `meta::Regex` would also build what finding a
/// match's bounds takes (a reverse automaton, the prefilters of the regex's
/// suffixes and inner literals): 4.4 times the build time on the patterns of
/// rules/secrets.toml, and most gates see a few dozen windows.
struct GateRegex {
    dfa: hybrid::dfa::DFA,
    /// The lazy DFA's state cache, one per scan thread at a time.
    caches: Pool<hybrid::dfa::Cache, CacheFn>,
}

type CacheFn = Box<dyn Fn() -> hybrid::dfa::Cache + Send + Sync>;

impl GateRegex {
    fn new(hir: &regex_syntax::hir::Hir) -> Option<GateRegex> {
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .utf8(false)
                    .which_captures(thompson::WhichCaptures::None)
                    .nfa_size_limit(Some(NFA_SIZE_LIMIT)),
            )
            .build_from_hir(hir)
            .ok()?;
        let dfa = hybrid::dfa::DFA::builder()
            .configure(
                hybrid::dfa::Config::new()
                    .cache_capacity(LAZY_DFA_CACHE)
                    .prefilter(Prefilter::from_hir_prefix(MatchKind::LeftmostFirst, hir)),
            )
            .build_from_nfa(nfa)
            .ok()?;
        let for_caches = dfa.clone();
        let caches = Pool::new(Box::new(move || for_caches.create_cache()) as CacheFn);
        Some(GateRegex { dfa, caches })
    }

    /// Does `file[span]` hold a match? (Yes, when the search cannot tell.)
    fn is_match(&self, file: &[u8], span: Range<usize>) -> bool {
        let input = Input::new(file).span(span).earliest(true);
        let mut cache = self.caches.get();
        self.dfa
            .try_search_fwd(&mut cache, &input)
            .map_or(true, |m| m.is_some())
    }
}

impl Gate {
    fn is_match(&self, file: &[u8], span: Range<usize>) -> bool {
        if let Some(r) = &self.run {
            if !has_run(&r.class, r.min, &file[span.clone()]) {
                return false;
            }
        }
        self.regex.as_ref().is_none_or(|g| {
            g.regex
                .get_or_init(|| GateRegex::new(&g.hir))
                .as_ref()
                .is_none_or(|r| r.is_match(file, span))
        })
    }
}

/// The first of `hay`'s longest runs of `class` (runs that no byte of the
/// class extends) that starts at `from` or later and is `min` bytes long or
/// more, found as [`has_run`] finds one. `from` must not be inside a run.
fn longest_run(class: &[bool; 256], min: usize, hay: &[u8], from: usize) -> Option<Range<usize>> {
    let min = min.max(1);
    let mut end = from + min - 1;
    while end < hay.len() {
        let first = end + 1 - min;
        let mut at = end;
        while class[usize::from(hay[at])] {
            if at == first {
                let start = hay[from..first]
                    .iter()
                    .rposition(|&b| !class[usize::from(b)])
                    .map_or(from, |i| from + i + 1);
                let end = hay[end..]
                    .iter()
                    .position(|&b| !class[usize::from(b)])
                    .map_or(hay.len(), |i| end + i);
                return Some(start..end);
            }
            at -= 1;
        }
        end = at + min;
    }
    None
}

/// Whether `hay` holds `min` bytes of `class` in a row. Each step looks at
/// the last byte of a candidate run and walks back; the first byte outside the
/// class it meets rules out every run through it, so the next candidate ends
/// `min` bytes further on. Runs in code are short (hex digits, say, come two
/// or three at a time), so for a gate of 32 or 64 bytes a few bytes are read
/// for every `min` skipped, instead of every byte.
fn has_run(class: &[bool; 256], min: usize, hay: &[u8]) -> bool {
    let Some(mut end) = min.checked_sub(1) else {
        return true;
    };
    while end < hay.len() {
        let first = end + 1 - min;
        let mut at = end;
        while class[usize::from(hay[at])] {
            if at == first {
                return true;
            }
            at -= 1;
        }
        end = at + min;
    }
    false
}

/// The gate that looks for matches of `hir`: a run alone when `hir` is one
/// class repeated, else the run it holds (when a long one) and then its
/// regex. The regex is left out when `hir` is alternatives each holding a
/// long run: their counted repetitions run side by side in the lazy DFA,
/// which builds a state for nearly every byte of a long token. (Built,
/// coinbase-api-secret's `[A-Za-z0-9+/]{86}==|[A-Za-z0-9]{32}\b` took 2 ms of
/// a scan of freqtrade, the pattern's own regex 0.4 ms on the same windows.)
fn gate_of(hir: &regex_syntax::hir::Hir) -> Gate {
    if let Some(run) = class_run(hir) {
        return Gate {
            run: Some(run),
            regex: None,
        };
    }
    let run = long_run(hir);
    let alternatives = matches!(hir.kind(), regex_syntax::hir::HirKind::Alternation(_));
    let regex = (run.is_none() || !alternatives).then(|| LazyRegex {
        hir: hir.clone(),
        regex: OnceLock::new(),
    });
    Gate { run, regex }
}

/// The gate of a pattern whose regex is `hir`.
fn secret_gate(hir: &regex_syntax::hir::Hir) -> Option<Gate> {
    gate_source::derive(hir).map(|d| match d {
        Derived::Group(sub) => gate_of(&sub),
        Derived::Run(run) => Gate {
            run: Some(run),
            regex: None,
        },
    })
}

/// The lazy DFA's cache capacity, per regex and per thread (~100 regexes). A cache
/// fills with the states the input visits, so it grows with the size and variety
/// of the repository: at 32 MiB the caches held 30 MiB of a scan of four copies
/// of nautilus_trader. A full cache is cleared and the search goes on; 256 KiB
/// costs 3-5% more instructions than 32 MiB on the bench trees, 128 KiB 7-11%.
const LAZY_DFA_CACHE: usize = 256 << 10;

/// The most memory a regex's compiled NFA may take (the `regex` crate's
/// `size_limit`), for every regex of this module whichever engine runs it.
const NFA_SIZE_LIMIT: usize = 32 << 20;

/// A regex for allowlists and other whole-string checks.
pub(crate) fn build(re: &str) -> Result<Regex, regex::Error> {
    // Secrets are ASCII: Unicode-aware classes (`\w`, `\d`, `\s`) would only make
    // the automata larger and slower to build.
    RegexBuilder::new(re)
        .unicode(false)
        .size_limit(NFA_SIZE_LIMIT)
        .dfa_size_limit(LAZY_DFA_CACHE)
        .build()
}

/// Regexes built as [`build`] builds one, as a set: does any of them match?
pub(crate) fn build_set(res: &[String]) -> Result<RegexSet, regex::Error> {
    RegexSetBuilder::new(res)
        .unicode(false)
        .size_limit(NFA_SIZE_LIMIT)
        .dfa_size_limit(LAZY_DFA_CACHE)
        .build()
}

/// A pattern's own regex (and its gate), built as [`build`] builds a
/// `regex::bytes::Regex` (same syntax and limits, leftmost-first), so that it
/// can search a span of the file.
fn build_meta(re: &str) -> Result<meta::Regex, Box<meta::BuildError>> {
    meta_builder()
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        .build(re)
        .map_err(Box::new)
}

/// [`build_meta`] from a regex already parsed (by [`parse_hir`], whose
/// options are those `build_meta` parses with): a pattern's regex is parsed
/// once, for its gate and for itself.
fn build_meta_hir(hir: &regex_syntax::hir::Hir) -> Result<meta::Regex, Box<meta::BuildError>> {
    meta_builder().build_from_hir(hir).map_err(Box::new)
}

fn meta_builder() -> meta::Builder {
    let mut b = meta::Builder::new();
    b.configure(
        meta::Config::new()
            .match_kind(MatchKind::LeftmostFirst)
            .utf8_empty(false)
            .nfa_size_limit(Some(NFA_SIZE_LIMIT))
            .hybrid_cache_capacity(LAZY_DFA_CACHE)
            // A pattern's regex searches windows its gate let through, a few
            // hundred bytes from a keyword: finding the regex's literals for a
            // prefilter costs more than the prefilter saves (the 83 built-in
            // patterns build in 4.3 ms without, 9.3 ms with; 0.4-0.9% fewer
            // instructions on the bench trees).
            .auto_prefilter(false),
    );
    b
}

impl Pattern {
    pub fn new(spec: PatternSpec) -> Pattern {
        Pattern::built_in(spec, BuiltInGate::AtRunTime)
    }

    /// A built-in pattern, whose gate build.rs derived (see [`BUILT_IN_GATES`]).
    pub fn built_in(spec: PatternSpec, built_in_gate: BuiltInGate) -> Pattern {
        Pattern {
            spec,
            built_in_gate,
            hir: OnceLock::new(),
            gate: OnceLock::new(),
            bounds: OnceLock::new(),
            compiled: OnceLock::new(),
        }
    }

    /// The pattern's regex, parsed.
    fn hir(&self) -> Option<&regex_syntax::hir::Hir> {
        self.hir
            .get_or_init(|| parse_hir(&self.spec.regex))
            .as_ref()
    }

    /// Whether the pattern may match in `bytes`: false when the gate finds no
    /// secret-shaped text there. Windows around common keywords (`token`,
    /// `key`) rarely hold a 64-digit hex run or a three-part token, and the
    /// gate's small automaton says so many times faster than the full regex,
    /// whose context parts (`[\w\s…]{0,30}?key…`) make its lazy DFA build
    /// states on every window. The full regex is compiled only once a gate
    /// lets a window through: in most repositories most never are.
    pub fn may_match(&self, file: &[u8], span: Range<usize>) -> bool {
        self.gate().is_none_or(|g| g.is_match(file, span))
    }

    fn gate(&self) -> Option<&Gate> {
        self.gate
            .get_or_init(|| match (&self.spec.gate, self.built_in_gate) {
                (Some(g), _) => parse_hir(g).map(|h| gate_of(&h)),
                (None, BuiltInGate::Regex(g)) => parse_hir(g).map(|h| gate_of(&h)),
                (None, BuiltInGate::NoGate) => None,
                (None, BuiltInGate::AtRunTime) => secret_gate(self.hir()?),
            })
            .as_ref()
    }

    /// Where the regex must search in `file[window]`: [`Self::may_match`],
    /// and when the gate is a run alone and the regex bounds its matches
    /// around it ([`run_bounds`]), only around the window's longest runs of
    /// the gate's class (merged where they meet). A whole-file pattern's
    /// window is the file: solana-keypair's regex searched six minified
    /// bundles of jesse whole for the few number tables in them.
    pub fn narrow(&self, file: &[u8], window: Range<usize>) -> Narrowed {
        let Some(gate) = self.gate() else {
            return Narrowed::Window;
        };
        let (Some(run), None) = (&gate.run, &gate.regex) else {
            return match gate.is_match(file, window) {
                true => Narrowed::Window,
                false => Narrowed::Nowhere,
            };
        };
        let hay = &file[window.clone()];
        let Some(first) = longest_run(&run.class, run.min, hay, 0) else {
            return Narrowed::Nowhere;
        };
        let bounds = self
            .bounds
            .get_or_init(|| self.hir().and_then(|h| run_bounds(h, run)));
        let Some((before, after)) = *bounds else {
            return Narrowed::Window;
        };
        let mut spans: Vec<Range<usize>> = Vec::new();
        let mut next = Some(first);
        while let Some(r) = next {
            let start = window.start + r.start.saturating_sub(before);
            let end = window.start + r.end.saturating_add(after).min(hay.len());
            match spans.last_mut() {
                Some(last) if last.end >= start => last.end = end,
                _ => spans.push(start..end),
            }
            next = longest_run(&run.class, run.min, hay, r.end);
        }
        Narrowed::Spans(spans)
    }

    /// Check the pattern eagerly (for user-supplied patterns, whose errors
    /// must be reported before the scan starts).
    pub fn check(spec: &PatternSpec) -> Result<()> {
        anyhow::ensure!(
            !spec.keywords.is_empty(),
            "pattern {:?} has no keywords (each pattern needs at least one, for the prefilter)",
            spec.id
        );
        build_meta(&spec.regex).with_context(|| format!("pattern {:?}: bad regex", spec.id))?;
        if let Some(g) = &spec.gate {
            build_meta(g).with_context(|| format!("pattern {:?}: bad gate regex", spec.id))?;
        }
        for a in &spec.allow {
            build(a).with_context(|| format!("pattern {:?}: bad allow regex", spec.id))?;
        }
        Ok(())
    }

    pub fn compiled(&self) -> &Compiled {
        self.compiled.get_or_init(|| {
            // Built-in patterns are compiled by the test suite and user patterns
            // by `check` before the scan (which parses with the same options),
            // so a failure here is a bug.
            let hir = self.hir().expect("pattern regex checked before use");
            let regex = build_meta_hir(hir).expect("pattern regex checked before use");
            let secret_group = regex.group_info().to_index(PatternID::ZERO, "secret");
            let allow = self
                .spec
                .allow
                .iter()
                .map(|a| build(a).expect("allow regex checked before use"))
                .collect();
            Compiled {
                regex,
                secret_group,

                allow,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::secrets::gate_source::{gate_hir, necessary_run};

    fn gate(re: &str) -> Option<String> {
        gate_hir(&parse_hir(re)?).map(|h| h.to_string())
    }

    #[test]
    fn has_run_agrees_with_a_byte_by_byte_count() {
        let class = short_text_class();
        let naive = |min: usize, hay: &[u8]| {
            let mut run = 0;
            min == 0
                || hay.iter().any(|&b| {
                    run = if class[usize::from(b)] { run + 1 } else { 0 };
                    run >= min
                })
        };
        each_short_text(|hay, min| {
            assert_eq!(has_run(&class, min, hay), naive(min, hay), "{min} {hay:?}");
        });
    }

    /// The class whose runs [`each_short_text`] tries: `a` and `b`, not `x`.
    fn short_text_class() -> [bool; 256] {
        let mut class = [false; 256];
        class[usize::from(b'a')] = true;
        class[usize::from(b'b')] = true;
        class
    }

    /// Every string over {a, b, x} up to length 9, with every `min` up to 10:
    /// runs at either edge, runs one short, several runs, none.
    fn each_short_text(mut check: impl FnMut(&[u8], usize)) {
        let mut hay = Vec::new();
        for len in 0..=9u32 {
            for code in 0..3usize.pow(len) {
                hay.clear();
                let mut c = code;
                for _ in 0..len {
                    hay.push(b"abx"[c % 3]);
                    c /= 3;
                }
                for min in 0..=10 {
                    check(&hay, min);
                }
            }
        }
    }

    #[test]
    fn longest_runs_are_every_maximal_run_long_enough() {
        let class = short_text_class();
        let naive = |min: usize, hay: &[u8]| {
            let mut runs = Vec::new();
            let mut start = None;
            for (i, &b) in hay.iter().chain(std::iter::once(&b'x')).enumerate() {
                match (class[usize::from(b)], start) {
                    (true, None) => start = Some(i),
                    (false, Some(s)) => {
                        if i - s >= min.max(1) {
                            runs.push(s..i);
                        }
                        start = None;
                    }
                    _ => {}
                }
            }
            runs
        };
        each_short_text(|hay, min| {
            let mut found = Vec::new();
            let mut from = 0;
            while let Some(r) = longest_run(&class, min, hay, from) {
                from = r.end;
                found.push(r);
            }
            assert_eq!(found, naive(min, hay), "{min} {hay:?}");
        });
    }

    #[test]
    fn run_bounds_reach_as_far_as_the_parts_around_the_run() {
        let bounds = |re: &str, gate: &str| {
            let run = class_run(&parse_hir(gate).unwrap()).unwrap();
            run_bounds(&parse_hir(re).unwrap(), &run)
        };
        assert_eq!(
            bounds(r"(?P<secret>\[[0-9,\s]{127,}\])", r"[0-9,\s]{127}"),
            Some((1, 1))
        );
        assert_eq!(bounds(r"[0-9a-f]{64}", r"[0-9a-f]{64}"), Some((0, 0)));
        assert_eq!(
            bounds(r"\bkey[=:]{1,2}(?P<s>[0-9]{40})\b", r"[0-9a-f]{32}"),
            Some((5, 0))
        );
        // A part before the run with no upper bound, a run shorter than the
        // gate's, a class wider than the gate's: no bounds.
        assert_eq!(bounds(r"key.*[0-9a-f]{64}", r"[0-9a-f]{64}"), None);
        assert_eq!(bounds(r"x[0-9a-f]{8}", r"[0-9a-f]{64}"), None);
        assert_eq!(bounds(r"x[0-9a-z]{64}", r"[0-9a-f]{64}"), None);
        assert_eq!(bounds(r"a|[0-9a-f]{64}", r"[0-9a-f]{64}"), None);
    }

    fn gate_matches(g: &Gate, text: &[u8]) -> bool {
        g.is_match(text, 0..text.len())
    }

    #[test]
    fn gate_is_the_secret_group_when_every_match_has_it() {
        let g = gate(r"(?i:token)[ =]+(?P<secret>[0-9a-f]{8})\b").expect("a gate");
        let g = build_meta(&g).unwrap();
        assert!(g.is_match(b"x 0123abcd y"));
        assert!(!g.is_match(b"token = 0123"));
        // Inside a repetition that must happen at least once.
        assert!(gate(r"k=(?:(?P<secret>[0-9]{4})-)+").is_some());
    }

    #[test]
    fn no_gate_when_the_group_may_be_skipped_or_is_everything() {
        assert_eq!(gate(r"k=(?:(?P<secret>[0-9]{4})|none)"), None);
        assert_eq!(gate(r"k=(?:(?P<secret>[0-9]{4}))?x"), None);
        assert_eq!(gate(r"(?P<secret>AKIA[0-9A-Z]{16})"), None);
        assert_eq!(gate(r"k=[0-9]{4}"), None);
    }

    /// A gate that is one class repeated is a run of the class, and says
    /// what its regex says on every span.
    #[test]
    fn class_run_gates_agree_with_their_regex() {
        let cases = [
            r"k=(?P<secret>[0-9A-Za-z]{8})",
            r"k=(?P<secret>[0-9a-f]{3,5})x",
            r"k=(?P<secret>a{2,})",
            r"k=(?P<secret>[^\s'\x22]{6,64})",
        ];
        let texts: [&[u8]; 7] = [
            b"",
            b"abcdefg",
            b"abcdefgh",
            b"zz 0123456789 zz",
            b"aa",
            b"x a y aa z",
            b"\xff\xfe\xfd\xfc\xfb\xfa \"q\"",
        ];
        for re in cases {
            let hir = gate_hir(&parse_hir(re).unwrap()).unwrap();
            let run = class_run(&hir).unwrap_or_else(|| panic!("{re}: no run gate"));
            let regex = build_meta(&hir.to_string()).unwrap();
            for t in texts {
                for a in 0..=t.len() {
                    for b in a..=t.len() {
                        assert_eq!(
                            has_run(&run.class, run.min, &t[a..b]),
                            regex.is_match(Input::new(t).span(a..b)),
                            "{re} on {:?}[{a}..{b}]",
                            String::from_utf8_lossy(t)
                        );
                    }
                }
            }
        }
        // Not one class: a regex gate.
        let hir = gate_hir(&parse_hir(r"k=(?P<secret>[0-9]{4}-[0-9]{4})").unwrap()).unwrap();
        assert!(class_run(&hir).is_none());
        assert!(
            secret_gate(&parse_hir(r"k=(?P<secret>[0-9]{4}-[0-9]{4})").unwrap())
                .unwrap()
                .regex
                .is_some()
        );
        assert!(gate_matches(
            &secret_gate(&parse_hir(r"k=(?P<secret>[0-9]{4}-[0-9]{4})").unwrap()).unwrap(),
            b"1234-5678"
        ));
    }

    fn run_of(re: &str) -> Option<(String, usize)> {
        let run = necessary_run(&parse_hir(re).unwrap())?;
        let class = (0..=255u8)
            .filter(|&b| run.class[usize::from(b)])
            .map(char::from)
            .collect();
        Some((class, run.min))
    }

    #[test]
    fn necessary_runs_of_sequences_alternatives_and_repetitions() {
        let run = |class: &str, min| Some((class.to_string(), min));
        // A sequence: its longest part; a literal counts its own bytes.
        assert_eq!(run_of(r"ab[0-9]{3}c"), run("0123456789", 3));
        assert_eq!(run_of(r"xx-abcd-[0-9]{2}"), run("-abcdx", 8));
        // Alternatives: the union of their classes, the shortest run.
        assert_eq!(run_of(r"[a-c]{5}==|[0-2]{3}\b"), run("012abc", 3));
        assert_eq!(run_of(r"(?:a{4}|b{6})+"), run("ab", 4));
        // Repetition of a sequence: the sequence's run; of a class: the count.
        assert_eq!(
            run_of(r"(?:[MN][a-z]{3}){4}"),
            run("abcdefghijklmnopqrstuvwxyz", 3)
        );
        // A match that may hold none: no run.
        assert_eq!(run_of(r"x?"), None);
        assert_eq!(run_of(r"\b"), None);
        assert_eq!(run_of(r"[a-z]{9}|\b"), None);
    }

    /// Every match of a regex holds its run, in the bytes it matched.
    #[test]
    fn every_match_holds_the_necessary_run() {
        let cases = [
            r"(?i:key)[ =]+(?P<secret>[A-Za-z0-9+/]{8}==|[A-Za-z0-9]{5}\b)",
            r"(?:[MNO][A-Za-z0-9]{3}){2}\.[A-Za-z0-9_\-]{6}",
            r"\[\s*(?:[0-9]{1,3}\s*,\s*){3}[0-9]{1,3}\s*\]",
        ];
        let texts: [&[u8]; 5] = [
            b"key = abcdefgh== and key=abcde",
            b"MAAANBBB.abc-_x OAAAMBB.abcdef",
            b"[1, 2,3 ,44] [1,2,3]",
            b"KEY =Ab3dE\nkey abcde!",
            b"",
        ];
        for re in cases {
            let run = necessary_run(&parse_hir(re).unwrap()).unwrap();
            let regex = build_meta(re).unwrap();
            let mut matched = 0;
            for t in texts {
                for m in regex.find_iter(t) {
                    matched += 1;
                    assert!(
                        has_run(&run.class, run.min, &t[m.range()]),
                        "{re}: {:?}",
                        String::from_utf8_lossy(&t[m.range()])
                    );
                }
            }
            assert!(matched > 0, "{re} matched no text");
        }
    }

    /// A gate's lazy DFA says what a meta regex of the same HIR says, on the
    /// built-in patterns' examples (matches among them) and on random spans of
    /// them (look-around at a span's edges sees the bytes beyond it).
    #[test]
    fn gate_regexes_agree_with_meta_regexes() {
        let file = catalogue_with_examples();
        let mut rng = crate::test_rng(0x9e37_79b9_7f4a_7c15);
        let (mut gates, mut matched) = (0, 0);
        for spec in &file.pattern {
            let gate = match &spec.gate {
                Some(g) => parse_hir(g).map(|h| gate_of(&h)),
                None => secret_gate(&parse_hir(&spec.regex).unwrap()),
            };
            let Some(Gate {
                regex: Some(lazy), ..
            }) = gate
            else {
                continue;
            };
            gates += 1;
            let dfa = GateRegex::new(&lazy.hir).expect("the gate builds");
            let meta = build_meta_hir(&lazy.hir).unwrap();
            for text in spec.positive.iter().chain(&spec.negative) {
                let t = text.as_bytes();
                let whole = std::iter::once(0..t.len());
                let random: Vec<Range<usize>> = (0..100)
                    .map(|_| {
                        let a = rng(t.len() + 1);
                        a..a + rng(t.len() + 1 - a)
                    })
                    .collect();
                for span in whole.chain(random) {
                    let want = meta.is_match(Input::new(t).span(span.clone()));
                    matched += usize::from(want);
                    assert_eq!(
                        dfa.is_match(t, span.clone()),
                        want,
                        "{}: gate {} on {text:?}[{span:?}]",
                        spec.id,
                        lazy.hir
                    );
                }
            }
        }
        assert!(
            gates >= 10 && matched >= 100,
            "{gates} gates, {matched} matches"
        );
    }

    /// What build.rs writes down for a gate reads back as that gate, or is
    /// left for the scan to derive.
    #[test]
    fn gate_sources_read_back_as_their_gates() {
        let derive = |re: &str| gate_source::derive(&parse_hir(re).unwrap()).unwrap();
        let runs = [
            (
                r"AKIA[0-9A-Z]{16}",
                &b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[..],
                16,
            ),
            (r"k=x{20}\b", b"x", 20),
            (r"(?i)t[\x00-\x20\xff\x22\-]{17,30}", b"\x00 \"-\xff", 17),
        ];
        for (re, some_of_class, min) in runs {
            let Derived::Run(run) = derive(re) else {
                panic!("{re}: not a run");
            };
            assert_eq!(run.min, min);
            assert!(some_of_class.iter().all(|&b| run.class[usize::from(b)]));
            let source = gate_source::source(&Derived::Run(run.clone())).expect(re);
            assert_eq!(class_run(&parse_hir(&source).unwrap()), Some(run), "{re}");
        }
        let group = derive(r"k=(?P<secret>[a-f0-9]{8}-(?:x|y{2,})\b)");
        let source = gate_source::source(&group).unwrap();
        assert_eq!(Derived::Group(parse_hir(&source).unwrap()), group);
        // Printed as `[a-z]{10,}?`, which reads as a lazy repetition.
        let nested = derive(r"k=(?P<secret>[0-9]{4}(?:[a-z]{10,})?)");
        assert_eq!(gate_source::source(&nested), None);
    }

    /// build.rs derived each built-in pattern's gate as the scan derives a
    /// user pattern's: the regex it wrote down reads back as the same gate.
    #[test]
    fn built_in_gates_are_those_derived_at_run_time() {
        let file: PatternsFile = crate::rules::SECRETS.load().unwrap();
        assert_eq!(BUILT_IN_GATES.len(), file.pattern.len());
        let (mut groups, mut runs, mut at_run_time) = (0, 0, 0);
        for (spec, &(id, built)) in file.pattern.iter().zip(BUILT_IN_GATES) {
            assert_eq!(spec.id, id);
            let derived = gate_source::derive(&parse_hir(&spec.regex).unwrap());
            let reread = match built {
                BuiltInGate::Regex(s) => Some(parse_hir(s).unwrap_or_else(|| panic!("{id}: {s}"))),
                BuiltInGate::NoGate => None,
                BuiltInGate::AtRunTime => {
                    at_run_time += 1;
                    assert!(derived.is_some(), "{id}");
                    continue;
                }
            };
            match (derived, reread) {
                (Some(Derived::Group(sub)), Some(hir)) => {
                    groups += 1;
                    assert_eq!(sub, hir, "{id}");
                }
                (Some(Derived::Run(run)), Some(hir)) => {
                    runs += 1;
                    assert_eq!(Some(run), class_run(&hir), "{id}");
                }
                (None, None) => {}
                (derived, _) => panic!("{id}: derived {derived:?}, built {built:?}"),
            }
        }
        // Runs: `gate_sources_read_back_as_their_gates`. At run time: the
        // gates that regex-syntax does not print as they read.
        assert!(
            groups >= 40 && at_run_time <= 3,
            "{groups} groups, {runs} runs, {at_run_time} at run time"
        );
    }

    /// The gate must be there for the patterns it was made for: those whose
    /// keywords are common words in code (their windows are most of the work).
    #[test]
    fn built_in_patterns_with_context_have_gates() {
        let file: PatternsFile = crate::rules::SECRETS.load().unwrap();
        for id in ["discord-bot-token", "evm-private-key", "gateio-api-key"] {
            let spec = file.pattern.iter().find(|p| p.id == id).unwrap();
            assert!(
                secret_gate(&parse_hir(&spec.regex).unwrap()).is_some(),
                "{id} has no gate"
            );
        }
    }
}
