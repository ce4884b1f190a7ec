//! Every occurrence of a set of keywords in a byte string, found in one tight
//! loop over an Aho-Corasick automaton of our own.
//!
//! The secret engine and the code prefilter read every byte of every file
//! through such a set, so this loop is the hottest in a scan. The
//! `aho-corasick` crate's overlapping iterator resumes a general search for
//! each hit (prefilter checks, bounds checks, iterator state): about 20
//! instructions a byte on our keyword sets; stepping its DFA ourselves, 7.
//! The table here takes 5: one load for the byte's class, one for the next
//! state, an add and a mask, and one comparison for a match, with no bounds
//! check. It is also several times quicker to build than the crate's DFA
//! (its NFA first, then every state's row), which a short scan (a
//! pre-commit hook) pays for before its first file. The hits are the crate's
//! overlapping hits, in its order (by end; at one end, longest first); the
//! tests check that against the crate.

use std::fmt;
use std::ops::ControlFlow;

/// How many parts of a long input [`KeywordSet::each_hit`] steps at once (the
/// inner loop is written out for four).
const STREAMS: usize = 4;

/// Inputs shorter than this are read as one stream.
const INTERLEAVE_MIN: usize = 4096;

/// The most transitions (states times byte classes) a set may have: 16 Mi,
/// a table of 64 MiB (at most four times that with its padding), far beyond
/// any keyword list of ours (a few hundred thousand).
const MAX_TRANSITIONS: usize = 1 << 24;

/// A keyword set too large to build.
#[derive(Clone, Debug)]
pub struct SetTooLarge {
    transitions: usize,
}

impl fmt::Display for SetTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "keyword set too large: {} transitions (at most {MAX_TRANSITIONS})",
            self.transitions
        )
    }
}

impl std::error::Error for SetTooLarge {}

/// A DFA for a set of keywords, laid out for the scan loops.
///
/// A state is the offset of its row in `trans` (a row has `stride` entries,
/// one per byte class), so a step is `trans[state + class]`. The match states'
/// rows come after the others', from the power of two `matches_from` on: a
/// state at or past it is one, and so is one of several states when their
/// bits or-ed together are (one test for the four streams). `trans`'s length
/// is a power of two, for the masked index of `step`.
pub struct KeywordSet {
    /// Each byte's class: bytes in no keyword share class 0 (when there are
    /// any), each keyword byte has its own (one for both cases of a letter
    /// in a set that ignores case).
    classes: [u8; 256],
    trans: Box<[u32]>,
    start: u32,
    matches_from: u32,
    stride: u32,
    /// For each match state (in the order of their rows), its hits as a
    /// range of `outputs`.
    output_ranges: Box<[(u32, u32)]>,
    /// (keyword index, keyword length).
    outputs: Box<[(u32, u32)]>,
    /// The longest keyword's length.
    max_len: usize,
    /// The bytes that leave the start state, when there are at most three:
    /// in the start state the loop jumps to the next of them with memchr.
    starts: Option<Vec<u8>>,
}

/// No transition yet, while the trie is built.
const NONE: u32 = u32::MAX;

/// One step of a [`KeywordSet`]'s table: from the state at offset `sid` on
/// byte `b`. `trans`'s length is a power of two and every entry a valid
/// offset, so the mask changes no index but lets the compiler drop the
/// bounds check.
#[inline(always)]
fn step(trans: &[u32], classes: &[u8; 256], sid: usize, b: u8) -> usize {
    trans[(sid + usize::from(classes[usize::from(b)])) & (trans.len() - 1)] as usize
}

impl KeywordSet {
    /// The set of `keywords`, matched in any ASCII case when `any_case`.
    pub fn new<I, P>(keywords: I, any_case: bool) -> Result<KeywordSet, SetTooLarge>
    where
        I: IntoIterator<Item = P>,
        P: AsRef<[u8]>,
    {
        let fold = |b: u8| if any_case { b.to_ascii_lowercase() } else { b };
        let keywords: Vec<P> = keywords.into_iter().collect();
        let max_len = keywords.iter().map(|k| k.as_ref().len()).max().unwrap_or(0);
        let mut used = [false; 256];
        for &b in keywords.iter().flat_map(|k| k.as_ref()) {
            used[usize::from(fold(b))] = true;
        }
        // Class 0 for the bytes of no keyword, if there are any; at most 256 classes.
        let mut class_of_key = [0u16; 256];
        let mut stride = usize::from((0..=255u8).any(|b| !used[usize::from(fold(b))]));
        for b in 0..=255u8 {
            if used[usize::from(b)] {
                class_of_key[usize::from(b)] = u16::try_from(stride).expect("at most 256 classes");
                stride += 1;
            }
        }
        let mut classes = [0u8; 256];
        for b in 0..=255u8 {
            let key = fold(b);
            if used[usize::from(key)] {
                classes[usize::from(b)] =
                    u8::try_from(class_of_key[usize::from(key)]).expect("at most 256 classes");
            }
        }
        let too_large = |states: usize| {
            let transitions = states.saturating_mul(stride);
            (transitions > MAX_TRANSITIONS).then_some(SetTooLarge { transitions })
        };
        // The trie: state 0 is the root; `own` lists the keywords ending at a state.
        // Room for a state per keyword byte (the most there can be), so that the
        // table is not copied each time it outgrows its allocation.
        let most_states = 1 + keywords.iter().map(|k| k.as_ref().len()).sum::<usize>();
        let mut trie: Vec<u32> = Vec::with_capacity(
            most_states
                .saturating_mul(stride)
                .min(MAX_TRANSITIONS + stride),
        );
        trie.resize(stride, NONE);
        let mut own: Vec<Vec<u32>> = vec![Vec::new()];
        // Each state's edges (class, child, the state's next edge), as a list
        // from `first_edge`: the breadth-first pass below visits a state's
        // children from it, and fills the rest of its row in one sweep.
        let mut first_edge: Vec<u32> = vec![NONE];
        let mut edges: Vec<(u32, u32, u32)> = Vec::with_capacity(most_states);
        for (k, word) in keywords.iter().enumerate() {
            let mut s = 0usize;
            for &b in word.as_ref() {
                let class = classes[usize::from(b)];
                let slot = s * stride + usize::from(class);
                if trie[slot] == NONE {
                    if let Some(e) = too_large(own.len() + 1) {
                        return Err(e);
                    }
                    let child = u32::try_from(own.len()).expect("states fit in u32");
                    trie[slot] = child;
                    trie.resize(trie.len() + stride, NONE);
                    own.push(Vec::new());
                    let edge = u32::try_from(edges.len()).expect("edges fit in u32");
                    edges.push((u32::from(class), child, first_edge[s]));
                    first_edge[s] = edge;
                    first_edge.push(NONE);
                }
                s = trie[slot] as usize;
            }
            own[s].push(u32::try_from(k).expect("keywords fit in u32"));
        }
        let states = own.len();
        // Breadth first from the root: each state's failure state (the longest
        // proper suffix of its path that is a path too) comes before it, so a
        // missing transition is its failure state's, already complete, and its
        // hits are its own keywords then its failure state's.
        let mut fail = vec![0u32; states];
        let mut hits: Vec<Vec<u32>> = vec![Vec::new(); states];
        let mut queue = Vec::with_capacity(states);
        for slot in &mut trie[..stride] {
            match *slot {
                NONE => *slot = 0,
                child => queue.push(child),
            }
        }
        hits[0] = own[0].clone();
        let mut at = 0;
        while at < queue.len() {
            let s = queue[at] as usize;
            at += 1;
            let f = fail[s] as usize;
            let mut h = own[s].clone();
            h.extend_from_slice(&hits[f]);
            hits[s] = h;
            // The state's row and its failure state's (another state: a failure
            // is a shorter path), side by side.
            let (row, fail_row) = if f < s {
                let (before, from_s) = trie.split_at_mut(s * stride);
                (&mut from_s[..stride], &before[f * stride..][..stride])
            } else {
                let (before, from_f) = trie.split_at_mut(f * stride);
                (&mut before[s * stride..][..stride], &from_f[..stride])
            };
            let mut edge = first_edge[s];
            while edge != NONE {
                let (class, child, next) = edges[edge as usize];
                fail[child as usize] = fail_row[class as usize];
                queue.push(child);
                edge = next;
            }
            // (A select rather than a branch: no jump per transition.)
            for (to, &via_fail) in row.iter_mut().zip(fail_row) {
                *to = if *to == NONE { via_fail } else { *to };
            }
        }
        // A keyword's hits name the keyword and its length.
        let len_of =
            |k: u32| u32::try_from(keywords[k as usize].as_ref().len()).unwrap_or(u32::MAX);
        // Offsets: the other states from 0, the match states from the power of
        // two above them, `matches_from`.
        let plain = hits.iter().filter(|h| h.is_empty()).count();
        let matches_from = (plain * stride).next_power_of_two();
        let mut offset = vec![0u32; states];
        let mut match_states = Vec::with_capacity(states - plain);
        let mut next_plain = 0;
        for (s, h) in hits.iter().enumerate() {
            let at = if h.is_empty() {
                next_plain += stride;
                next_plain - stride
            } else {
                match_states.push(s);
                matches_from + (match_states.len() - 1) * stride
            };
            offset[s] = u32::try_from(at).expect("offsets fit in u32");
        }
        let end = matches_from + match_states.len() * stride;
        let mut trans = vec![0u32; end.next_power_of_two()].into_boxed_slice();
        for (s, row) in trie.chunks(stride).enumerate() {
            let base = offset[s] as usize;
            for (t, &to) in trans[base..base + stride].iter_mut().zip(row) {
                *t = offset[to as usize];
            }
        }
        let mut outputs = Vec::new();
        let mut output_ranges = Vec::with_capacity(match_states.len());
        for &s in &match_states {
            let from = u32::try_from(outputs.len()).expect("hits fit in u32");
            outputs.extend(hits[s].iter().map(|&k| (k, len_of(k))));
            output_ranges.push((from, u32::try_from(outputs.len()).expect("hits fit in u32")));
        }
        let start = offset[0];
        let mut set = KeywordSet {
            classes,
            trans,
            start,
            matches_from: u32::try_from(matches_from).expect("offsets fit in u32"),
            stride: u32::try_from(stride).expect("stride fits in u32"),
            output_ranges: output_ranges.into_boxed_slice(),
            outputs: outputs.into_boxed_slice(),
            max_len,
            starts: None,
        };
        let starts: Vec<u8> = (0..=255u8)
            .filter(|&b| set.next(start, b) != start)
            .collect();
        set.starts = (starts.len() <= 3).then_some(starts);
        Ok(set)
    }

    #[inline(always)]
    fn next(&self, sid: u32, b: u8) -> u32 {
        // (Offsets fit in u32: the table was built so.)
        step(&self.trans, &self.classes, sid as usize, b) as u32
    }

    #[inline(always)]
    fn is_match_state(&self, sid: u32) -> bool {
        sid >= self.matches_from
    }

    /// The next position at or after `at` where a hit may begin (`bytes.len()`
    /// when none), for a set with few start bytes.
    #[inline]
    fn skip(starts: &[u8], bytes: &[u8], at: usize) -> usize {
        let rest = &bytes[at..];
        let found = match *starts {
            [] => None,
            [a] => memchr::memchr(a, rest),
            [a, b] => memchr::memchr2(a, b, rest),
            [a, b, c, ..] => memchr::memchr3(a, b, c, rest),
        };
        found.map_or(bytes.len(), |p| at + p)
    }

    /// The hits that end at `end` in state `sid` (a match state): keyword
    /// index, start, end.
    fn hits_at(&self, sid: u32, end: usize) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
        let (from, to) = self.output_ranges[((sid - self.matches_from) / self.stride) as usize];
        self.outputs[from as usize..to as usize]
            .iter()
            .map(move |&(k, len)| (k as usize, end - len as usize, end))
    }

    /// Call `f(keyword index, start, end)` for every occurrence of every
    /// keyword, overlapping ones included, in order of their ends; stop at the
    /// first `Break` and return its value.
    #[inline]
    pub fn each_hit<B>(
        &self,
        bytes: &[u8],
        f: impl FnMut(usize, usize, usize) -> ControlFlow<B>,
    ) -> Option<B> {
        if self.starts.is_some() || bytes.len() < INTERLEAVE_MIN || self.max_len == 0 {
            self.each_hit_one(bytes, f)
        } else {
            self.each_hit_interleaved(bytes, f)
        }
    }

    /// [`Self::each_hit`] as one stream.
    fn each_hit_one<B>(
        &self,
        bytes: &[u8],
        mut f: impl FnMut(usize, usize, usize) -> ControlFlow<B>,
    ) -> Option<B> {
        let mut sid = self.start;
        let mut hit = |sid: u32, end: usize| {
            for (k, s, e) in self.hits_at(sid, end) {
                f(k, s, e)?;
            }
            ControlFlow::Continue(())
        };
        match &self.starts {
            None => {
                let mut i = 0;
                while i < bytes.len() {
                    (i, sid) = self.to_match(bytes, i, sid);
                    if self.is_match_state(sid) {
                        if let ControlFlow::Break(x) = hit(sid, i) {
                            return Some(x);
                        }
                    }
                }
            }
            Some(starts) => {
                let mut i = 0;
                while i < bytes.len() {
                    if sid == self.start {
                        i = Self::skip(starts, bytes, i);
                        if i == bytes.len() {
                            break;
                        }
                    }
                    sid = self.next(sid, bytes[i]);
                    i += 1;
                    if self.is_match_state(sid) {
                        if let ControlFlow::Break(x) = hit(sid, i) {
                            return Some(x);
                        }
                    }
                }
            }
        }
        None
    }

    /// Step from state `sid` at `at` to the next match state: the position
    /// after the byte that reached it and the state (or the end and the state
    /// there). Kept small and out of line so the loop stays in registers.
    #[inline(never)]
    fn to_match(&self, bytes: &[u8], at: usize, mut sid: u32) -> (usize, u32) {
        for (j, &b) in bytes[at..].iter().enumerate() {
            sid = self.next(sid, b);
            if self.is_match_state(sid) {
                return (at + j + 1, sid);
            }
        }
        (bytes.len(), sid)
    }

    /// Step the four streams from `at` until one of them is in a match state:
    /// the position after the bytes that took them there and their states (or
    /// the end and the states there). Out of line and with nothing else to
    /// carry, the loop keeps its fifteen values in registers; inside the
    /// caller, beside the hit buffers, it spilled and reloaded half of them on
    /// every step.
    #[inline(never)]
    fn to_match4(
        &self,
        parts: [&[u8]; STREAMS],
        at: usize,
        mut sid: [u32; STREAMS],
    ) -> (usize, [u32; STREAMS]) {
        let [p0, p1, p2, p3] = parts;
        let n = p0.len();
        let (p1, p2, p3) = (&p1[..n], &p2[..n], &p3[..n]);
        let (trans, classes) = (&*self.trans, &self.classes);
        let from = self.matches_from as usize;
        let [mut s0, mut s1, mut s2, mut s3] = sid.map(|s| s as usize);
        let mut i = at;
        while i < n {
            s0 = step(trans, classes, s0, p0[i]);
            s1 = step(trans, classes, s1, p1[i]);
            s2 = step(trans, classes, s2, p2[i]);
            s3 = step(trans, classes, s3, p3[i]);
            i += 1;
            // `matches_from` is a power of two: the four states' bits or-ed
            // reach it exactly when one of them does.
            if s0 | s1 | s2 | s3 >= from {
                break;
            }
        }
        // (Offsets fit in u32: the table was built so.)
        sid = [s0, s1, s2, s3].map(|s| s as u32);
        (i, sid)
    }

    /// [`Self::each_hit`] on a long input, read as [`STREAMS`] interleaved
    /// streams: same hits, same order, same stop.
    ///
    /// Stepping a DFA is a chain of dependent loads: each byte's state needs
    /// the last one's, so one stream leaves the CPU waiting on every load.
    /// Four parts of the input stepped in turn keep four loads in flight. Each
    /// part after the first starts `max_len - 1` bytes early (so a keyword
    /// across the cut is seen whole) and reports only the hits that end past
    /// its cut; its hits wait in a buffer until the parts before it are done.
    /// A caller that stops early may have had the other parts read as far as
    /// the first: in the time one stream would have taken.
    fn each_hit_interleaved<B>(
        &self,
        bytes: &[u8],
        mut f: impl FnMut(usize, usize, usize) -> ControlFlow<B>,
    ) -> Option<B> {
        let n = bytes.len();
        let part = n.div_ceil(STREAMS);
        // Part j reports hits ending in (cut[j], cut[j + 1]] and reads from from[j].
        let cut: [usize; STREAMS + 1] = std::array::from_fn(|j| (j * part).min(n));
        let from: [usize; STREAMS] = std::array::from_fn(|j| match j {
            0 => 0,
            _ => cut[j].saturating_sub(self.max_len - 1),
        });
        let mut pos = from;
        let mut sid = [self.start; STREAMS];
        let mut later: [Vec<(usize, usize, usize)>; STREAMS] = Default::default();
        // Hits go to their part's buffer; the first part's are handed on at once.
        let report = |j: usize, sid: u32, end: usize, later: &mut [Vec<_>; STREAMS]| {
            if end > cut[j] {
                later[j].extend(self.hits_at(sid, end));
            }
        };
        let mut hand_on = |hits: &mut Vec<(usize, usize, usize)>| {
            for (k, s, e) in hits.drain(..) {
                f(k, s, e)?;
            }
            ControlFlow::Continue(())
        };
        // In step while every part has bytes left: four independent chains of
        // loads, one branch for the four (a hit is rare next to a byte).
        let steps = (0..STREAMS)
            .map(|j| cut[j + 1] - from[j])
            .min()
            .unwrap_or(0);
        let parts: [&[u8]; STREAMS] = std::array::from_fn(|j| &bytes[from[j]..from[j] + steps]);
        let mut i = 0;
        while i < steps {
            (i, sid) = self.to_match4(parts, i, sid);
            if i == steps && !self.is_match_state(sid[0] | sid[1] | sid[2] | sid[3]) {
                break;
            }
            for j in 0..STREAMS {
                if self.is_match_state(sid[j]) {
                    report(j, sid[j], from[j] + i, &mut later);
                    if j == 0 {
                        if let ControlFlow::Break(b) = hand_on(&mut later[0]) {
                            return Some(b);
                        }
                    }
                }
            }
        }
        for p in &mut pos {
            *p += steps;
        }
        // Each part's rest, one at a time, then its hits.
        for j in 0..STREAMS {
            while pos[j] < cut[j + 1] {
                sid[j] = self.next(sid[j], bytes[pos[j]]);
                pos[j] += 1;
                if self.is_match_state(sid[j]) {
                    report(j, sid[j], pos[j], &mut later);
                }
            }
            if let ControlFlow::Break(b) = hand_on(&mut later[j]) {
                return Some(b);
            }
        }
        None
    }

    /// Whether any keyword occurs in `bytes`.
    pub fn is_match(&self, bytes: &[u8]) -> bool {
        self.each_hit(bytes, |_, _, _| ControlFlow::Break(()))
            .is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::AhoCorasick;

    fn hits(set: &KeywordSet, text: &str) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        set.each_hit::<()>(text.as_bytes(), |k, s, e| {
            out.push((k, s, e));
            ControlFlow::Continue(())
        });
        out
    }

    /// The same hits, in the same order, as the crate's overlapping iterator.
    #[test]
    fn same_hits_as_overlapping_search() {
        // Many start bytes (a plain loop), and three (memchr jumps between hits).
        let many = &["key", "api_key", "secret", "sk", "[0", "Token", "k"][..];
        let few = &["MT", "NT", "Ok", "MTk"][..];
        let texts = [
            "",
            "API_KEY = 'sk-123'; secret_key=[0, 1]",
            "tokenTOKENtoken kkk",
            "no hits here",
            "ke",
            "MTMTk NTx mt OkOK",
            "M",
        ];
        for (words, any_case) in [(many, false), (many, true), (few, false)] {
            let set = KeywordSet::new(words, any_case).unwrap();
            let ac = AhoCorasick::builder()
                .ascii_case_insensitive(any_case)
                .build(words)
                .unwrap();
            for text in texts {
                let want: Vec<_> = ac
                    .find_overlapping_iter(text)
                    .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
                    .collect();
                assert_eq!(hits(&set, text), want, "{text:?} any_case={any_case}");
            }
        }
    }

    /// Random keyword sets over a small alphabet (shared prefixes and
    /// suffixes, keywords inside keywords, duplicates, both cases) on random
    /// texts: the crate's hits, in its order, through both loops.
    #[test]
    fn same_hits_as_the_crate_on_random_sets() {
        let mut next = crate::test_rng(0x2545_f491_4f6c_dd1du64);
        let alphabet = b"abAB\xff0 ";
        for round in 0..300 {
            let words: Vec<Vec<u8>> = (0..1 + next(12))
                .map(|_| {
                    (0..1 + next(5))
                        .map(|_| alphabet[next(alphabet.len())])
                        .collect()
                })
                .collect();
            let any_case = round % 2 == 0;
            let set = KeywordSet::new(&words, any_case).unwrap();
            let ac = AhoCorasick::builder()
                .ascii_case_insensitive(any_case)
                .build(&words)
                .unwrap();
            for len in [0, 1, 7, 60, 5000] {
                let text: Vec<u8> = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
                let want: Vec<_> = ac
                    .find_overlapping_iter(&text)
                    .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
                    .collect();
                let mut got = Vec::new();
                set.each_hit::<()>(&text, |k, s, e| {
                    got.push((k, s, e));
                    ControlFlow::Continue(())
                });
                assert_eq!(got, want, "{words:?} any_case={any_case} len={len}");
            }
        }
    }

    /// A set whose keywords use every byte value has no class left for "any
    /// other byte"; an empty set finds nothing.
    #[test]
    fn every_byte_a_keyword_byte_and_no_keywords() {
        let words: Vec<Vec<u8>> = (0..=255u8).map(|b| vec![b, b]).collect();
        let set = KeywordSet::new(&words, false).unwrap();
        let text = [7u8, 7, 200, 255, 255, 255];
        let mut got = Vec::new();
        set.each_hit::<()>(&text, |k, s, e| {
            got.push((k, s, e));
            ControlFlow::Continue(())
        });
        assert_eq!(got, [(7, 0, 2), (255, 3, 5), (255, 4, 6)]);
        let empty = KeywordSet::new(Vec::<&[u8]>::new(), true).unwrap();
        assert!(!empty.is_match(b"anything"));
    }

    /// Interleaved streams give the same hits in the same order, keywords
    /// across the cuts between parts included, and stop at the same hit.
    #[test]
    fn interleaved_streams_give_the_same_hits() {
        let words = &["key", "api_key", "secret", "sk", "[0", "Token", "k", "a"][..];
        let set = KeywordSet::new(words, true).unwrap();
        let unit = "x = 'sk-1'; API_KEY = secret_key[0] # token kk\n";
        for reps in [1, 80, 97, 300, 1001] {
            let text = unit.repeat(reps);
            // Shift the text by a few bytes so keywords fall across every cut.
            for shift in 0..8 {
                let t = format!("{}{text}", "z".repeat(shift));
                let one = {
                    let mut out = Vec::new();
                    set.each_hit_one::<()>(t.as_bytes(), |k, s, e| {
                        out.push((k, s, e));
                        ControlFlow::Continue(())
                    });
                    out
                };
                assert_eq!(hits(&set, &t), one, "reps={reps} shift={shift}");
                // Stopping at the i-th hit, for hits in every part.
                for stop in [0, one.len() / 3, one.len() / 2, one.len().saturating_sub(1)] {
                    let mut seen = 0;
                    let got = set.each_hit(t.as_bytes(), |k, s, e| {
                        seen += 1;
                        if seen > stop {
                            ControlFlow::Break((k, s, e))
                        } else {
                            ControlFlow::Continue(())
                        }
                    });
                    assert_eq!(got, one.get(stop).copied(), "stop={stop}");
                }
            }
        }
    }

    #[test]
    fn stops_at_the_first_break() {
        let set = KeywordSet::new(["a", "b"], false).unwrap();
        let first_b = set.each_hit(b"aab", |k, s, _| match k {
            1 => ControlFlow::Break(s),
            _ => ControlFlow::Continue(()),
        });
        assert_eq!(first_b, Some(2));
        assert!(set.is_match(b"xxb"));
        assert!(!set.is_match(b"xyz"));
    }
}
