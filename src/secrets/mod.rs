//! The secret engine: provider patterns from `rules/secrets.toml` (and the
//! user's config), behind an Aho-Corasick keyword prefilter, then entropy,
//! placeholder, allowlist and validator filters; plus the generic
//! "secret-looking name = random-looking literal" detector.

pub mod entropy;
pub mod gate_source;
pub mod generic;
pub mod pattern;
pub mod placeholder;
pub mod validate;

use crate::classify::Kind;
use crate::finding::{stable_hash, Severity};
use crate::keywords::{KeywordSet, SetTooLarge};
use crate::rules::{self, SensitiveNames};
use anyhow::{Context, Result};
use pattern::{Narrowed, Pattern, PatternSpec, PatternsFile};
use regex::bytes::RegexSet;
use regex_automata::{Anchored, Input};
use std::collections::BTreeMap;
use std::ops::{ControlFlow, Range};
use std::sync::OnceLock;

/// The sub-id of findings from the generic detector.
pub const GENERIC_ID: &str = "generic-secret";

/// A secret found in a file. Holds offsets, never a copy of the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretHit {
    /// Pattern id (`binance-api-key`) or [`GENERIC_ID`].
    pub pattern_id: String,
    /// Human name of what was found ("Binance API key").
    pub description: String,
    pub severity: Severity,
    /// Byte range of the secret in the file.
    pub start: usize,
    pub end: usize,
    /// Hash of the secret (for fingerprints and baselines).
    pub hash: String,
}

pub struct SecretEngine {
    patterns: Vec<Pattern>,
    /// Keywords matched in any case, then those matched as written.
    keywords: Keywords,
    generic: generic::Generic,
    names: &'static SensitiveNames,
    /// The global allowlist: rules/secrets.toml's `allow`, then the config's.
    allowlist: Vec<String>,
    /// The allowlist as one set, compiled on the first secret it must clear
    /// (most files have none; 22 regexes compiled one by one before the first
    /// file were about 7 % of a scan's start-up instructions).
    allow_set: OnceLock<RegexSet>,
    /// Search only around keyword hits (always, but for the test that proves it
    /// changes nothing).
    windowed: bool,
}

impl SecretEngine {
    /// The built-in patterns, then `extra` (from the user's config), with a
    /// global allowlist of regexes matched against each secret.
    pub fn new(extra: Vec<PatternSpec>, allowlist: &[String]) -> Result<SecretEngine> {
        let file: PatternsFile = rules::SECRETS
            .load()
            .context("embedded rules/secrets.toml")?;
        let specs = file.pattern;
        for spec in &extra {
            Pattern::check(spec)?;
            anyhow::ensure!(
                !specs.iter().any(|s| s.id == spec.id),
                "secret pattern id {:?} is already a built-in pattern",
                spec.id
            );
        }
        // The config's regexes are checked now, one by one, so that an error names
        // the one at fault (the built-in ones are checked by the test suite).
        for a in allowlist {
            pattern::build(a).with_context(|| format!("bad allowlist regex {a:?}"))?;
        }
        let allowlist: Vec<String> = file
            .allow
            .into_iter()
            .chain(allowlist.iter().cloned())
            .collect();
        let mut patterns: Vec<Pattern> = specs
            .into_iter()
            .enumerate()
            .map(|(i, spec)| match pattern::BUILT_IN_GATES.get(i) {
                Some(&(id, gate)) if id == spec.id => Pattern::built_in(spec, gate),
                _ => Pattern::new(spec),
            })
            .collect();
        patterns.extend(extra.into_iter().map(Pattern::new));
        let keywords = Keywords::new(patterns.iter().map(|p| &p.spec));
        Ok(SecretEngine {
            patterns,
            keywords,
            generic: generic::Generic::default(),
            names: rules::sensitive_names(),
            allowlist,
            allow_set: OnceLock::new(),
            windowed: true,
        })
    }

    pub fn patterns(&self) -> impl Iterator<Item = &PatternSpec> {
        self.patterns.iter().map(|p| &p.spec)
    }

    fn allowed(&self, secret: &[u8]) -> bool {
        self.allow_set
            .get_or_init(|| {
                pattern::build_set(&self.allowlist).expect("allowlist checked before use")
            })
            .is_match(secret)
    }

    /// All secrets in `bytes`, one hit per secret span (the first pattern in
    /// catalogue order wins an overlap; the generic detector comes last).
    pub fn scan(&self, bytes: &[u8], kind: Kind) -> Vec<SecretHit> {
        self.scan_hits(bytes, kind, self.find_keywords(bytes))
    }

    /// The engine's own keyword pass over `bytes`.
    fn find_keywords(&self, bytes: &[u8]) -> KeywordHits {
        let mut hits = self.keyword_hits();
        // (A set that cannot be built was reported by `prepare`.)
        if let Ok(Some(set)) = self.keywords.automaton() {
            set.each_hit::<()>(bytes, |kw, start, end| {
                self.hit(&mut hits, bytes, kw, start, end);
                ControlFlow::Continue(())
            });
        }
        hits
    }

    /// Build the keyword automaton now rather than on the first file that
    /// needs it, and report a set too large to build.
    pub fn prepare(&self) -> Result<()> {
        self.keywords
            .automaton()
            .context("building the keyword prefilter")?;
        Ok(())
    }

    /// The keywords of the engine's pass, in the order [`Self::hit`] numbers
    /// them: lowercase, to be matched in any case. Another pass over a file
    /// can find them (with words of its own) and hand their hits on.
    pub fn keywords(&self) -> &[String] {
        &self.keywords.words
    }

    /// Where the keyword hits of a file are gathered, for [`Self::scan_hits`].
    pub fn keyword_hits(&self) -> KeywordHits {
        KeywordHits {
            windows: vec![Windows::None; self.patterns.len()],
            generic_lines: Vec::new(),
        }
    }

    /// Take a hit of keyword `kw` (numbered as in [`Self::keywords`]) at
    /// `start..end`; hits must come in order of their ends.
    pub fn hit(&self, hits: &mut KeywordHits, bytes: &[u8], kw: usize, start: usize, end: usize) {
        for o in &self.keywords.owners[kw] {
            if o.exact.as_deref().is_some_and(|e| e != &bytes[start..end]) {
                continue;
            }
            let p = o.pattern;
            if p == GENERIC_OWNER {
                hits.generic_lines.push((start, end));
            } else if self.patterns[p].spec.whole_file || !self.windowed {
                hits.windows[p] = Windows::WholeFile;
            } else {
                hits.windows[p].add(bytes, start, end);
            }
        }
    }

    /// All secrets in `bytes`, from its keyword hits (see [`Self::scan`]).
    pub fn scan_hits(&self, bytes: &[u8], kind: Kind, hits: KeywordHits) -> Vec<SecretHit> {
        let KeywordHits {
            windows,
            generic_lines,
        } = hits;
        // (priority, hit)
        let mut hits: Vec<(usize, SecretHit)> = Vec::new();
        // Spans a pattern matched but an allowlist cleared (published sample keys):
        // the generic detector must not report them either.
        let mut cleared: Vec<(usize, usize)> = Vec::new();
        for (prio, (pattern, w)) in self.patterns.iter().zip(&windows).enumerate() {
            match w {
                Windows::None => {}
                Windows::WholeFile => self.run_pattern(
                    pattern,
                    bytes,
                    0..bytes.len(),
                    prio,
                    &mut hits,
                    &mut cleared,
                ),
                Windows::Ranges(ranges, _) => {
                    for &(s, e) in ranges {
                        self.run_pattern(pattern, bytes, s..e, prio, &mut hits, &mut cleared);
                    }
                }
            }
        }
        for g in self
            .generic
            .scan_lines(bytes, kind, self.names, generic_lines)
        {
            let secret = &bytes[g.start..g.end];
            let was_cleared = cleared.iter().any(|&(s, e)| s < g.end && g.start < e);
            if !was_cleared && !self.allowed(secret) {
                hits.push((
                    usize::MAX,
                    SecretHit {
                        pattern_id: GENERIC_ID.to_string(),
                        description: "Credential".to_string(),
                        severity: Severity::Error,
                        start: g.start,
                        end: g.end,
                        hash: stable_hash(&[secret]),
                    },
                ));
            }
        }
        dedup_overlaps(hits)
    }

    /// Run one pattern over `window`, a range of `file`. Look-around at its
    /// edges sees the file's bytes on either side; a match that reaches the end
    /// of a window cut in the middle of a line runs on to its own end.
    fn run_pattern(
        &self,
        pattern: &Pattern,
        file: &[u8],
        window: Range<usize>,
        prio: usize,
        hits: &mut Vec<(usize, SecretHit)>,
        cleared: &mut Vec<(usize, usize)>,
    ) {
        let narrowed = if self.windowed {
            pattern.narrow(file, window.clone())
        } else if pattern.may_match(file, window.clone()) {
            Narrowed::Window
        } else {
            Narrowed::Nowhere
        };
        let spans = match narrowed {
            Narrowed::Nowhere => return,
            Narrowed::Window => vec![window.clone()],
            Narrowed::Spans(spans) => spans,
        };
        for span in spans {
            self.search(pattern, file, &window, span, prio, hits, cleared);
        }
    }

    /// Run one pattern's regex over `span`, a part of `window` that holds
    /// every match there may be in it ([`Pattern::narrow`]).
    #[allow(clippy::too_many_arguments)]
    fn search(
        &self,
        pattern: &Pattern,
        file: &[u8],
        window: &Range<usize>,
        span: Range<usize>,
        prio: usize,
        hits: &mut Vec<(usize, SecretHit)>,
        cleared: &mut Vec<(usize, usize)>,
    ) {
        let c = pattern.compiled();
        let spec = &pattern.spec;
        let cut =
            span.end == window.end && window.end < file.len() && file[window.end - 1] != b'\n';
        let window = span;
        let mut caps = c.regex.create_captures();
        let mut at = window.start;
        while at <= window.end {
            let input = Input::new(file).span(at..window.end);
            c.regex.search_captures(&input, &mut caps);
            let Some(mut whole) = caps.get_match() else {
                break;
            };
            if cut && whole.end() == window.end {
                let rest = Input::new(file)
                    .span(whole.start()..file.len())
                    .anchored(Anchored::Yes);
                c.regex.search_captures(&rest, &mut caps);
                match caps.get_match() {
                    Some(longer) => whole = longer,
                    // (Cannot happen: the match found is a match here too.)
                    None => c.regex.search_captures(&input, &mut caps),
                }
            }
            at = whole.end() + usize::from(whole.is_empty());
            let m = match c.secret_group {
                Some(g) => match caps.get_group(g) {
                    Some(m) => m,
                    None => continue,
                },
                None => whole.span(),
            };
            let secret = &file[m.range()];
            if secret.is_empty() {
                continue;
            }
            let text = String::from_utf8_lossy(secret);
            if placeholder::is_placeholder(&text) {
                continue;
            }
            if let Some(min) = spec.min_entropy {
                if entropy::shannon(secret) < min {
                    continue;
                }
            }
            if let Some(v) = spec.validate {
                if !v.accepts(secret) {
                    continue;
                }
            }
            if c.allow.iter().any(|a| a.is_match(secret)) || self.allowed(secret) {
                cleared.push((m.start, m.end));
                continue;
            }
            hits.push((
                prio,
                SecretHit {
                    pattern_id: spec.id.clone(),
                    description: spec.name.clone(),
                    severity: spec.severity.map_or(Severity::Error, Into::into),
                    start: m.start,
                    end: m.end,
                    hash: stable_hash(&[secret]),
                },
            ));
        }
    }
}

/// Every pattern's keywords and the generic detector's line keywords, in one
/// automaton that matches in any case (one pass over the file finds them all),
/// and which patterns own each one.
struct Keywords {
    /// Every keyword, lowercase, by index.
    words: Vec<String>,
    /// Built by [`SecretEngine::prepare`] or by the first file that needs it
    /// (another scan thread needing it meanwhile waits: it is built once);
    /// `None` when there are no keywords at all.
    automaton: OnceLock<Result<Option<KeywordSet>, SetTooLarge>>,
    /// For each keyword (by Aho-Corasick pattern index), the patterns that list it.
    owners: Vec<Vec<Owner>>,
}

/// A pattern (or [`GENERIC_OWNER`]) that lists a keyword.
struct Owner {
    pattern: usize,
    /// For a `keywords-match-case` pattern, the keyword as written: a hit counts
    /// only when the file's bytes are exactly these. Checking the few hits costs
    /// less than a second pass over every file with a case-matching automaton.
    exact: Option<Box<[u8]>>,
}

/// The owner that stands for the generic detector's line keywords.
const GENERIC_OWNER: usize = usize::MAX;

impl Keywords {
    fn new<'a>(specs: impl Iterator<Item = &'a PatternSpec>) -> Keywords {
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        let mut owners: Vec<Vec<Owner>> = Vec::new();
        let mut own = |kw: &str, owner: Owner| {
            let idx = *index.entry(kw.to_ascii_lowercase()).or_insert_with(|| {
                owners.push(Vec::new());
                owners.len() - 1
            });
            owners[idx].push(owner);
        };
        for (i, spec) in specs.enumerate() {
            for kw in &spec.keywords {
                let exact = spec
                    .keywords_match_case
                    .then(|| kw.as_bytes().to_vec().into_boxed_slice());
                own(kw, Owner { pattern: i, exact });
            }
        }
        for kw in generic::LINE_KEYWORDS {
            let pattern = GENERIC_OWNER;
            own(
                kw,
                Owner {
                    pattern,
                    exact: None,
                },
            );
        }
        let mut kws: Vec<(&String, &usize)> = index.iter().collect();
        kws.sort_by_key(|(_, &i)| i);
        let words: Vec<String> = kws.into_iter().map(|(k, _)| k.clone()).collect();
        Keywords {
            words,
            automaton: OnceLock::new(),
            owners,
        }
    }

    /// The automaton of every keyword.
    fn automaton(&self) -> Result<Option<&KeywordSet>, SetTooLarge> {
        let built = self.automaton.get_or_init(|| match self.words.is_empty() {
            true => Ok(None),
            false => KeywordSet::new(&self.words, true).map(Some),
        });
        built.as_ref().map(Option::as_ref).map_err(Clone::clone)
    }
}

/// A file's keyword hits, gathered for [`SecretEngine::scan_hits`]: where each
/// pattern must look, and where the generic detector's line keywords are.
pub struct KeywordHits {
    windows: Vec<Windows>,
    generic_lines: Vec<(usize, usize)>,
}

/// The parts of a file one pattern's regex must search.
///
/// A match contains one of the pattern's keywords, so it lies on or next to a
/// line with a keyword hit: the regex runs on those lines, one line of context
/// either side, merged, but no further than [`SPAN`] bytes from the hit. On
/// lines of ordinary length that is the three lines; on a minified bundle or a
/// data URI it keeps a pattern from searching megabytes of one line once per
/// stray keyword. The regex searches a window as a span of the file, so `^`,
/// `$` and `\b` behave as on the whole file. Patterns whose matches may run
/// over many lines (PEM blocks, keypair arrays) say `whole-file = true` and
/// search the whole file.
/// How far either side of a keyword hit a pattern searches, at most.
const SPAN: usize = 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Windows {
    None,
    WholeFile,
    /// Merged ranges, and the start of the last range's last line: a later hit
    /// that ends before it already has its line and the next inside the window.
    Ranges(Vec<(usize, usize)>, usize),
}

impl Windows {
    /// Add the window around a keyword hit at `start..end`. Each call reads at
    /// most [`SPAN`] bytes either side of the hit.
    fn add(&mut self, bytes: &[u8], start: usize, end: usize) {
        if let Windows::Ranges(_, covered) = self {
            if end < *covered {
                return; // frequent keywords cost nothing more
            }
        }
        let lo = start.saturating_sub(SPAN);
        let hi = (end + SPAN).min(bytes.len());
        // Back to the start of the line before the hit's, but not before `lo`.
        let from = match memchr::memrchr(b'\n', &bytes[lo..start]) {
            Some(p) => memchr::memrchr(b'\n', &bytes[lo..lo + p]).map_or(lo, |q| lo + q + 1),
            None => lo,
        };
        // On to the end of the line after the hit's, but not past `hi`.
        let next_line = |at: usize| memchr::memchr(b'\n', &bytes[at..hi]).map(|p| at + p + 1);
        let last_line = next_line(end);
        let to = last_line.and_then(next_line);
        // A later hit that ends before `covered` gets a window inside this one:
        // when this one holds the hit's line and the next whole, the start of
        // that next line; when it stops at `hi`, any later hit reaches further.
        let covered = match (last_line, to) {
            (Some(l), Some(_)) => l,
            _ if hi == bytes.len() => last_line.unwrap_or(hi),
            _ => end + 1,
        };
        let to = to.unwrap_or(hi);
        match self {
            Windows::WholeFile => {}
            Windows::None => *self = Windows::Ranges(vec![(from, to)], covered),
            Windows::Ranges(r, c) => {
                *c = covered;
                match r.last_mut() {
                    Some(last) if from <= last.1 => last.1 = last.1.max(to),
                    _ => r.push((from, to)),
                }
            }
        }
    }
}

#[cfg(test)]
mod window_tests {
    use super::{Windows, SPAN};

    #[test]
    fn windows_cover_the_hit_line_and_its_neighbours_merged() {
        let text = b"l0\nl1 key\nl2\nl3\nl4\nl5 key key\nl6\nl7";
        let mut w = Windows::None;
        w.add(text, 6, 9);
        w.add(text, 21, 24);
        w.add(text, 25, 28);
        let Windows::Ranges(r, _) = &w else { panic!() };
        let parts: Vec<&str> = r
            .iter()
            .map(|&(s, e)| std::str::from_utf8(&text[s..e]).unwrap())
            .collect();
        assert_eq!(parts, ["l0\nl1 key\nl2\n", "l4\nl5 key key\nl6\n"]);
        // Adjacent windows merge.
        let mut w = Windows::None;
        w.add(text, 6, 9);
        w.add(text, 13, 14);
        let Windows::Ranges(r, _) = &w else { panic!() };
        assert_eq!(r.len(), 1);
    }

    #[test]
    fn windows_on_long_lines_stop_span_bytes_from_the_hit() {
        let line = format!("{} key {}\nnext\n", "a".repeat(5000), "b".repeat(5000));
        let mut w = Windows::None;
        w.add(line.as_bytes(), 5001, 5004);
        // A hit further along the same line extends the window; one at the
        // same place does not.
        w.add(line.as_bytes(), 5001, 5004);
        assert_eq!(w, Windows::Ranges(vec![(5001 - SPAN, 5004 + SPAN)], 5005));
        w.add(line.as_bytes(), 5001 + 100, 5004 + 100);
        let Windows::Ranges(r, _) = &w else { panic!() };
        assert_eq!(r, &[(5001 - SPAN, 5104 + SPAN)]);
        // Near the end of the file the window is the rest of the lines.
        let mut w = Windows::None;
        let at = line.len() - 10;
        w.add(line.as_bytes(), at, at + 3);
        let Windows::Ranges(r, _) = &w else { panic!() };
        assert_eq!(r, &[(at - SPAN, line.len())]);
    }
}

/// Keep one hit per overlapping span: lower priority number wins, then the
/// earlier start. O(n log n).
fn dedup_overlaps(mut hits: Vec<(usize, SecretHit)>) -> Vec<SecretHit> {
    hits.sort_by_key(|(prio, h)| (*prio, h.start, h.end));
    // Kept spans by start offset.
    let mut kept: BTreeMap<usize, SecretHit> = BTreeMap::new();
    for (_, hit) in hits {
        let before = kept.range(..=hit.start).next_back();
        let after = kept.range(hit.start..).next();
        let overlaps = before.is_some_and(|(_, k)| k.end > hit.start)
            || after.is_some_and(|(&s, _)| s < hit.end);
        if !overlaps {
            kept.insert(hit.start, hit);
        }
    }
    kept.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Lang;

    fn engine() -> SecretEngine {
        SecretEngine::new(Vec::new(), &[]).unwrap()
    }

    /// Every positive and negative example in rules/secrets.toml, through the
    /// whole engine: a positive yields its own pattern, a negative yields nothing.
    #[test]
    fn secret_examples() {
        let e = engine();
        let mut failures = Vec::new();
        for spec in &pattern::catalogue_with_examples().pattern {
            for pos in &spec.positive {
                for kind in [Kind::Source(Lang::Python), Kind::Config] {
                    let hits = e.scan(pos.as_bytes(), kind);
                    if !hits.iter().any(|h| h.pattern_id == spec.id) {
                        failures.push(format!(
                            "{}: positive not found ({kind:?}): {pos}\n    got: {:?}",
                            spec.id,
                            hits.iter().map(|h| &h.pattern_id).collect::<Vec<_>>()
                        ));
                    }
                }
            }
            for neg in &spec.negative {
                let hits = e.scan(neg.as_bytes(), Kind::Config);
                if !hits.is_empty() {
                    failures.push(format!(
                        "{}: negative matched {:?}: {neg}",
                        spec.id,
                        hits.iter().map(|h| &h.pattern_id).collect::<Vec<_>>()
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// Keywords of `keywords-match-case` patterns count only in their case:
    /// `NTk` is a hit for discord-bot-token-bare, `ntk` (in `printk`) is not.
    #[test]
    fn case_matched_keywords_are_matched_in_their_case() {
        let e = engine();
        // The patterns (and the generic detector) a text's keyword hits go to.
        let owners = |text: &str| {
            let hits = e.find_keywords(text.as_bytes());
            let mut ids: Vec<String> = (hits.windows.iter().enumerate())
                .filter(|(_, w)| **w != Windows::None)
                .map(|(p, _)| e.patterns[p].spec.id.clone())
                .collect();
            if !hits.generic_lines.is_empty() {
                ids.push("generic".to_string());
            }
            ids
        };
        let cased = ["discord-bot-token-bare", "twilio-api-key"].map(String::from);
        assert_eq!(owners("NTk"), ["discord-bot-token-bare"]);
        assert!(owners("SK").contains(&cased[1]));
        for text in ["printk(content)", "nTk", "NT", "NTb", "ask", "Sk"] {
            let ids = owners(text);
            assert!(!cased.iter().any(|c| ids.contains(c)), "{text}: {ids:?}");
        }
        // Any-case keywords still match in any case.
        assert!(owners("API_KEY").contains(&"generic".to_string()));
    }

    #[test]
    fn every_pattern_compiles_and_has_examples() {
        let specs = pattern::catalogue_with_examples().pattern;
        assert!(specs.len() >= 40, "only {} patterns", specs.len());
        let mut ids: Vec<_> = specs.iter().map(|s| s.id.as_str()).collect();
        ids.sort();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate pattern ids");
        for s in &specs {
            Pattern::check(s).unwrap();
            assert!(s.positive.len() >= 2, "{} needs 2 positive examples", s.id);
            assert!(s.negative.len() >= 2, "{} needs 2 negative examples", s.id);
            for kw in &s.keywords {
                assert!(
                    s.keywords_match_case || kw == &kw.to_ascii_lowercase(),
                    "{}: keywords are lowercase unless they match case",
                    s.id
                );
            }
        }
    }

    /// Searching only the lines around keyword hits finds exactly what
    /// searching whole files finds: over every fixture, and over every
    /// positive example buried in filler text.
    #[test]
    fn windows_change_nothing() {
        let fast = engine();
        let mut slow = engine();
        slow.windowed = false;
        let mut texts: Vec<(String, Vec<u8>)> = Vec::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        for e in walkdir::WalkDir::new(root).into_iter().flatten() {
            if e.file_type().is_file() {
                texts.push((
                    e.path().display().to_string(),
                    std::fs::read(e.path()).unwrap(),
                ));
            }
        }
        let mut doc = String::new();
        for (i, spec) in pattern::catalogue_with_examples()
            .pattern
            .iter()
            .enumerate()
        {
            for p in &spec.positive {
                doc.push_str(&format!("# filler {i}\nx = {i}\n{p}\ny = [{i}]\n\n"));
            }
        }
        texts.push(("all positives".into(), doc.into_bytes()));
        // Every example on one long line, side by side: spans that meet, runs
        // that touch, look-around at a span's edges.
        let catalogue = pattern::catalogue_with_examples();
        let examples = || {
            catalogue
                .pattern
                .iter()
                .flat_map(|s| s.positive.iter().chain(&s.negative))
        };
        for sep in [" ", "", ",", "\n"] {
            let line: Vec<&str> = examples().map(String::as_str).collect();
            texts.push((format!("one line, {sep:?}"), line.join(sep).into_bytes()));
        }
        let mut total = 0;
        for (name, bytes) in &texts {
            for kind in [Kind::Source(Lang::Python), Kind::Config] {
                let a = fast.scan(bytes, kind);
                total += a.len();
                assert_eq!(a, slow.scan(bytes, kind), "{name}");
            }
        }
        assert!(
            total > 200,
            "the corpus should hold many secrets, found {total}"
        );
    }

    #[test]
    fn overlaps_keep_the_first_pattern() {
        let h = |p: usize, s: usize, e: usize| {
            (
                p,
                SecretHit {
                    pattern_id: p.to_string(),
                    description: String::new(),
                    severity: Severity::Error,
                    start: s,
                    end: e,
                    hash: String::new(),
                },
            )
        };
        let kept = dedup_overlaps(vec![h(usize::MAX, 0, 10), h(3, 2, 8), h(1, 20, 30)]);
        let ids: Vec<_> = kept.iter().map(|k| k.pattern_id.as_str()).collect();
        assert_eq!(ids, ["3", "1"]);
    }

    /// A pattern as a user's config would add it.
    fn user_pattern(id: &str, keyword: &str, regex: &str) -> PatternSpec {
        PatternSpec {
            id: id.into(),
            name: id.into(),
            keywords: vec![keyword.into()],
            keywords_match_case: false,
            regex: regex.into(),
            gate: None,
            min_entropy: None,
            validate: None,
            severity: None,
            allow: vec![],
            whole_file: false,
            positive: vec![],
            negative: vec![],
        }
    }

    #[test]
    fn long_lines_are_searched_near_keyword_hits_and_matches_run_to_their_end() {
        let spec = user_pattern("long-token", "tok_", r"\b(?P<secret>tok_[a-z0-9]{8,})");
        let e = SecretEngine::new(vec![spec], &[]).unwrap();
        let ours = |text: &[u8]| -> Vec<(usize, usize)> {
            let hits = e.scan(text, Kind::Text);
            hits.iter()
                .filter(|h| h.pattern_id == "long-token")
                .map(|h| (h.start, h.end))
                .collect()
        };
        // One minified line: the token sits 100 KB in, and runs on for 3 KiB,
        // past the window around its keyword; its span is all of it.
        let filler = "a=1,".repeat(25_000);
        let mut x = 7u32;
        let body: String = (0..3000)
            .map(|_| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                (b'a' + ((x >> 16) % 26) as u8) as char
            })
            .collect();
        let line = format!("{filler}k=\"tok_{body}\",{filler}");
        let start = filler.len() + 3;
        assert_eq!(ours(line.as_bytes()), [(start, start + 4 + body.len())]);
        // Look-around at a window's edge sees the file: inside a longer word
        // (`xtok_…`, `\b` fails) there is no token, wherever the window starts.
        let line = format!("{filler}xtok_{body}");
        assert_eq!(ours(line.as_bytes()), []);
    }

    #[test]
    fn allowlist_and_extra_patterns() {
        let extra = user_pattern("acme-token", "acme_", r"acme_(?P<secret>[a-z0-9]{20})");
        let e = SecretEngine::new(vec![extra.clone()], &["^k9".into()]).unwrap();
        let hits = e.scan(b"t = acme_q1w2e3r4t5y6u7i8o9p0", Kind::Text);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].pattern_id, "acme-token");
        assert!(e
            .scan(b"t = acme_k9w2e3r4t5y6u7i8o9p0", Kind::Text)
            .is_empty());
        // The built-in allowlist and the config's, as one set.
        assert!(e.allowed(b"LAqUlngMIQkIUjXMUreyu3qn"));
        assert!(e.allowed(b"k9anything"));
        assert!(!e.allowed(b"LAqUlngMIQkIUjXMUreyu3qX"));
        let err = SecretEngine::new(Vec::new(), &["^ok$".into(), "(".into()]).err();
        let err = format!("{:#}", err.expect("a bad allowlist regex is an error"));
        assert!(err.starts_with("bad allowlist regex \"(\""), "{err}");
        let mut bad = extra;
        bad.regex = "(".into();
        assert!(SecretEngine::new(vec![bad], &[]).is_err());
    }
}
