//! Every occurrence of a set of keywords in a byte string, found in one tight
//! loop over an Aho-Corasick DFA.
//!
//! The secret engine and the code prefilter read every byte of every file
//! through such a set, so this loop is the hottest in a scan. The crate's
//! overlapping iterator resumes a general search for each hit (prefilter
//! checks, bounds checks, iterator state): about 20 instructions a byte on our
//! keyword sets. Stepping the DFA ourselves costs a third of that and reports
//! the same hits in the same order (by end, then by keyword).

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::{dfa, Anchored, BuildError, MatchKind, StartKind};
use std::ops::ControlFlow;

/// How many parts of a long input [`KeywordSet::each_hit`] steps at once (the
/// inner loop is written out for four).
const STREAMS: usize = 4;

/// Inputs shorter than this are read as one stream.
const INTERLEAVE_MIN: usize = 4096;

pub struct KeywordSet {
    dfa: dfa::DFA,
    start: StateID,
    /// The longest keyword's length.
    max_len: usize,
    /// The bytes that leave the start state, when there are at most three:
    /// in the start state the loop jumps to the next of them with memchr.
    starts: Option<Vec<u8>>,
}

impl KeywordSet {
    /// The set of `keywords`, matched in any ASCII case when `any_case`.
    pub fn new<I, P>(keywords: I, any_case: bool) -> Result<KeywordSet, BuildError>
    where
        I: IntoIterator<Item = P>,
        P: AsRef<[u8]>,
    {
        let keywords: Vec<P> = keywords.into_iter().collect();
        let max_len = keywords.iter().map(|k| k.as_ref().len()).max().unwrap_or(0);
        let dfa = dfa::Builder::new()
            .ascii_case_insensitive(any_case)
            .match_kind(MatchKind::Standard)
            .start_kind(StartKind::Unanchored)
            .prefilter(false)
            .build(keywords)?;
        let start = dfa
            .start_state(Anchored::No)
            .expect("an unanchored DFA has an unanchored start state");
        let starts: Vec<u8> = (0..=255u8)
            .filter(|&b| dfa.next_state(Anchored::No, start, b) != start)
            .collect();
        let starts = (starts.len() <= 3).then_some(starts);
        Ok(KeywordSet {
            dfa,
            start,
            max_len,
            starts,
        })
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
        let dfa = &self.dfa;
        let mut sid = self.start;
        let mut hit = |sid: StateID, end: usize| {
            for k in 0..dfa.match_len(sid) {
                let pattern = dfa.match_pattern(sid, k);
                f(pattern.as_usize(), end - dfa.pattern_len(pattern), end)?;
            }
            ControlFlow::Continue(())
        };
        match &self.starts {
            None => {
                let mut i = 0;
                while i < bytes.len() {
                    (i, sid) = self.to_match(bytes, i, sid);
                    if dfa.is_match(sid) {
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
                    sid = dfa.next_state(Anchored::No, sid, bytes[i]);
                    i += 1;
                    if dfa.is_special(sid) && dfa.is_match(sid) {
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
    fn to_match(&self, bytes: &[u8], at: usize, mut sid: StateID) -> (usize, StateID) {
        let dfa = &self.dfa;
        for (j, &b) in bytes[at..].iter().enumerate() {
            sid = dfa.next_state(Anchored::No, sid, b);
            if dfa.is_special(sid) && dfa.is_match(sid) {
                return (at + j + 1, sid);
            }
        }
        (bytes.len(), sid)
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
        let dfa = &self.dfa;
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
        let report = |j: usize, sid: StateID, end: usize, later: &mut [Vec<_>; STREAMS]| {
            if end > cut[j] {
                for k in 0..dfa.match_len(sid) {
                    let pattern = dfa.match_pattern(sid, k);
                    later[j].push((pattern.as_usize(), end - dfa.pattern_len(pattern), end));
                }
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
        let part_bytes = |j: usize| &bytes[from[j]..from[j] + steps];
        let lanes = part_bytes(0)
            .iter()
            .zip(part_bytes(1))
            .zip(part_bytes(2))
            .zip(part_bytes(3));
        for (i, (((&b0, &b1), &b2), &b3)) in lanes.enumerate() {
            sid[0] = dfa.next_state(Anchored::No, sid[0], b0);
            sid[1] = dfa.next_state(Anchored::No, sid[1], b1);
            sid[2] = dfa.next_state(Anchored::No, sid[2], b2);
            sid[3] = dfa.next_state(Anchored::No, sid[3], b3);
            if dfa.is_special(sid[0])
                | dfa.is_special(sid[1])
                | dfa.is_special(sid[2])
                | dfa.is_special(sid[3])
            {
                for j in 0..STREAMS {
                    if dfa.is_special(sid[j]) && dfa.is_match(sid[j]) {
                        report(j, sid[j], from[j] + i + 1, &mut later);
                        if j == 0 {
                            if let ControlFlow::Break(b) = hand_on(&mut later[0]) {
                                return Some(b);
                            }
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
                sid[j] = dfa.next_state(Anchored::No, sid[j], bytes[pos[j]]);
                pos[j] += 1;
                if dfa.is_special(sid[j]) && dfa.is_match(sid[j]) {
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
