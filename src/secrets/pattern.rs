//! One secret pattern: its data (as written in `rules/secrets.toml` or a
//! user's config) and its lazily compiled regexes.

use super::validate::Validator;
use crate::rules::SeverityName;
use anyhow::{Context, Result};
use regex::bytes::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use regex_automata::{meta, util::syntax, Input, PatternID};
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

/// Parse a patterns file.
pub fn parse_patterns(text: &str) -> Result<PatternsFile> {
    Ok(toml::from_str(text)?)
}

/// A pattern ready to run. The regexes compile on first use, so a run only
/// pays for the patterns whose keywords occur in the files it reads.
pub struct Pattern {
    pub spec: PatternSpec,
    /// The `secret` group's own regex, when every match of the pattern holds
    /// a match of it (see [`secret_gate`]).
    gate: OnceLock<Option<Gate>>,
    compiled: OnceLock<Compiled>,
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
/// pattern's `secret` group.
enum Gate {
    /// The group is one byte class repeated at least `min` times
    /// (`[0-9A-Za-z]{64}`, `[0-9a-f]{32,40}`): a run of that many bytes of the
    /// class. Checked by a loop over the window, with nothing to compile.
    Run { class: Box<[bool; 256]>, min: usize },
    /// Any other group: its own regex.
    Regex(meta::Regex),
}

impl Gate {
    fn is_match(&self, file: &[u8], span: Range<usize>) -> bool {
        match self {
            Gate::Run { class, min } => has_run(class, *min, &file[span]),
            Gate::Regex(g) => g.is_match(Input::new(file).span(span)),
        }
    }
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

/// The gate of the pattern `re`: the `secret` capture group, if the group takes
/// part in every match (it is not inside an alternation or an optional
/// repetition). A match of `re` then contains a match of the group's regex on
/// the same haystack (assertions such as `\b` see the same bytes around it),
/// so where the gate finds nothing, `re` finds nothing.
fn secret_gate(re: &str) -> Option<Gate> {
    let sub = gate_hir(re)?;
    if let Some(run) = class_run(&sub) {
        return Some(run);
    }
    build_meta(&sub.to_string()).ok().map(Gate::Regex)
}

/// A gate that is one byte class (or byte) repeated: the class and the least
/// number of times. A run of `min` bytes of the class is a match of it, and
/// every match is such a run.
fn class_run(hir: &regex_syntax::hir::Hir) -> Option<Gate> {
    use regex_syntax::hir::{Class, HirKind};
    let HirKind::Repetition(r) = hir.kind() else {
        return None;
    };
    let mut class = Box::new([false; 256]);
    match r.sub.kind() {
        HirKind::Class(Class::Bytes(c)) => {
            for range in c.iter() {
                for b in range.start()..=range.end() {
                    class[usize::from(b)] = true;
                }
            }
        }
        HirKind::Literal(l) if l.0.len() == 1 => class[usize::from(l.0[0])] = true,
        _ => return None,
    }
    Some(Gate::Run {
        class,
        min: r.min as usize,
    })
}

/// The source of [`secret_gate`]'s regex.
#[cfg(test)]
fn gate_source(re: &str) -> Option<String> {
    gate_hir(re).map(|h| h.to_string())
}

/// The `secret` group of `re` as a HIR, when it takes part in every match and
/// is not the whole regex (a gate as large as the regex saves nothing).
fn gate_hir(re: &str) -> Option<regex_syntax::hir::Hir> {
    use regex_syntax::hir::{Hir, HirKind};
    fn mandatory(hir: &Hir) -> Option<&Hir> {
        match hir.kind() {
            HirKind::Capture(c) if c.name.as_deref() == Some("secret") => Some(&c.sub),
            HirKind::Capture(c) => mandatory(&c.sub),
            HirKind::Concat(parts) => parts.iter().find_map(mandatory),
            HirKind::Repetition(r) if r.min >= 1 => mandatory(&r.sub),
            _ => None,
        }
    }
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(re)
        .ok()?;
    let sub = mandatory(&hir)?.clone();
    if matches!(hir.kind(), HirKind::Capture(_)) {
        return None;
    }
    Some(sub)
}

/// The lazy DFA's cache capacity, per regex and per thread (~100 regexes). A cache
/// fills with the states the input visits, so it grows with the size and variety
/// of the repository: at 32 MiB the caches held 30 MiB of a scan of four copies
/// of nautilus_trader. A full cache is cleared and the search goes on; 256 KiB
/// costs 3-5% more instructions than 32 MiB on the bench trees, 128 KiB 7-11%.
const LAZY_DFA_CACHE: usize = 256 << 10;

/// A regex for allowlists and other whole-string checks.
pub(crate) fn build(re: &str) -> Result<Regex, regex::Error> {
    // Secrets are ASCII: Unicode-aware classes (`\w`, `\d`, `\s`) would only make
    // the automata larger and slower to build.
    RegexBuilder::new(re)
        .unicode(false)
        .size_limit(32 << 20)
        .dfa_size_limit(LAZY_DFA_CACHE)
        .build()
}

/// Regexes built as [`build`] builds one, as a set: does any of them match?
pub(crate) fn build_set(res: &[String]) -> Result<RegexSet, regex::Error> {
    RegexSetBuilder::new(res)
        .unicode(false)
        .size_limit(32 << 20)
        .dfa_size_limit(LAZY_DFA_CACHE)
        .build()
}

/// A pattern's own regex (and its gate), built as [`build`] builds a
/// `regex::bytes::Regex` (same syntax and limits, leftmost-first), so that it
/// can search a span of the file.
fn build_meta(re: &str) -> Result<meta::Regex, Box<meta::BuildError>> {
    meta::Builder::new()
        .configure(
            meta::Config::new()
                .match_kind(regex_automata::MatchKind::LeftmostFirst)
                .utf8_empty(false)
                .nfa_size_limit(Some(32 << 20))
                .hybrid_cache_capacity(LAZY_DFA_CACHE),
        )
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        .build(re)
        .map_err(Box::new)
}

impl Pattern {
    pub fn new(spec: PatternSpec) -> Pattern {
        Pattern {
            spec,
            gate: OnceLock::new(),
            compiled: OnceLock::new(),
        }
    }

    /// Whether the pattern may match in `bytes`: false when the gate finds no
    /// secret-shaped text there. Windows around common keywords (`token`,
    /// `key`) rarely hold a 64-digit hex run or a three-part token, and the
    /// gate's small automaton says so many times faster than the full regex,
    /// whose context parts (`[\w\s…]{0,30}?key…`) make its lazy DFA build
    /// states on every window. The full regex is compiled only once a gate
    /// lets a window through: in most repositories most never are.
    pub fn may_match(&self, file: &[u8], span: Range<usize>) -> bool {
        self.gate
            .get_or_init(|| secret_gate(&self.spec.regex))
            .as_ref()
            .is_none_or(|g| g.is_match(file, span))
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
        for a in &spec.allow {
            build(a).with_context(|| format!("pattern {:?}: bad allow regex", spec.id))?;
        }
        Ok(())
    }

    pub fn compiled(&self) -> &Compiled {
        self.compiled.get_or_init(|| {
            // Built-in patterns are compiled by the test suite and user patterns
            // by `check` before the scan, so a failure here is a bug.
            let regex = build_meta(&self.spec.regex).expect("pattern regex checked before use");
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

    fn gate(re: &str) -> Option<String> {
        gate_source(re)
    }

    #[test]
    fn has_run_agrees_with_a_byte_by_byte_count() {
        let mut class = [false; 256];
        class[usize::from(b'a')] = true;
        class[usize::from(b'b')] = true;
        let naive = |min: usize, hay: &[u8]| {
            let mut run = 0;
            min == 0
                || hay.iter().any(|&b| {
                    run = if class[usize::from(b)] { run + 1 } else { 0 };
                    run >= min
                })
        };
        // Every string over {a, b, x} up to length 9, every `min` up to 10:
        // runs at either edge, runs one short, several runs, none.
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
                    assert_eq!(
                        has_run(&class, min, &hay),
                        naive(min, &hay),
                        "{min} {hay:?}"
                    );
                }
            }
        }
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
            let hir = gate_hir(re).unwrap();
            let run = class_run(&hir).unwrap_or_else(|| panic!("{re}: no run gate"));
            let regex = build_meta(&hir.to_string()).unwrap();
            for t in texts {
                for a in 0..=t.len() {
                    for b in a..=t.len() {
                        assert_eq!(
                            run.is_match(t, a..b),
                            regex.is_match(Input::new(t).span(a..b)),
                            "{re} on {:?}[{a}..{b}]",
                            String::from_utf8_lossy(t)
                        );
                    }
                }
            }
        }
        // Not one class: a regex gate.
        let hir = gate_hir(r"k=(?P<secret>[0-9]{4}-[0-9]{4})").unwrap();
        assert!(class_run(&hir).is_none());
        assert!(matches!(
            secret_gate(r"k=(?P<secret>[0-9]{4}-[0-9]{4})"),
            Some(Gate::Regex(_))
        ));
        assert!(gate_matches(
            &secret_gate(r"k=(?P<secret>[0-9]{4}-[0-9]{4})").unwrap(),
            b"1234-5678"
        ));
    }

    /// The gate must be there for the patterns it was made for: those whose
    /// keywords are common words in code (their windows are most of the work).
    #[test]
    fn built_in_patterns_with_context_have_gates() {
        let file = parse_patterns(crate::rules::SECRETS_TOML).unwrap();
        for id in ["discord-bot-token", "evm-private-key", "gateio-api-key"] {
            let spec = file.pattern.iter().find(|p| p.id == id).unwrap();
            assert!(secret_gate(&spec.regex).is_some(), "{id} has no gate");
        }
    }
}
