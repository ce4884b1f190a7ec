//! A finding: what a rule reports, already redacted.
//!
//! A `Finding` never holds a full secret. Every finding is built (in the
//! scan's `finalize`) from a snippet passed through [`redact_line`] over the
//! file's [`redaction_ranges`] and a message through [`redact_message`], so the
//! snippet, the message and every output format only ever see a secret's
//! first characters ([`redact`]).

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

/// How bad a finding is. Ordered: `Note < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "note" => Some(Severity::Note),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A 1-based line/column range. Columns count characters (not bytes), as
/// editors and SARIF do. `end_col` is exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
pub struct Span {
    pub start_line: usize,
    pub start_col: usize,
    pub end_line: usize,
    pub end_col: usize,
}

/// Serialised (JSON) with its snippet as [`Finding::shown_snippet`] clips it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable rule id, e.g. `hardcoded-secret`.
    pub rule: String,
    /// Finer id inside the rule, e.g. the secret pattern id `binance-api-key`.
    pub sub_id: Option<String>,
    pub severity: Severity,
    /// Path relative to the scan root, `/`-separated.
    pub path: String,
    pub span: Span,
    /// One-line message; never contains a full secret.
    pub message: String,
    /// The source line(s) the finding sits on, with any secret redacted.
    pub snippet: Option<String>,
    /// Byte range of the flagged part within `snippet`.
    pub highlight: Option<(usize, usize)>,
    /// How to fix it.
    pub fix: Option<String>,
    /// Stable across unrelated edits: rule, path, secret hash or normalised line.
    pub fingerprint: String,
}

impl Finding {
    /// Sort key: path, line, column, rule, sub-id.
    pub fn sort_key(&self) -> (&str, usize, usize, &str, Option<&str>) {
        (
            &self.path,
            self.span.start_line,
            self.span.start_col,
            &self.rule,
            self.sub_id.as_deref(),
        )
    }

    /// `rule` or `rule/sub-id`.
    pub fn full_id(&self) -> String {
        match &self.sub_id {
            Some(s) => format!("{}/{}", self.rule, s),
            None => self.rule.clone(),
        }
    }

    /// The snippet as JSON and SARIF carry it: a line longer than
    /// [`SNIPPET_MAX`] bytes is cut to [`SNIPPET_CONTEXT`] bytes either side
    /// of the highlight (itself cut to as many), `…` marking each cut. A
    /// finding on a minified line would otherwise carry the whole line, up to
    /// megabytes, into every report. (The text report shows the line as
    /// annotate-snippets trims it, with the right column.)
    pub fn shown_snippet(&self) -> Option<Cow<'_, str>> {
        let text = self.snippet.as_deref()?;
        if text.len() <= SNIPPET_MAX {
            return Some(Cow::Borrowed(text));
        }
        let (a, b) = self.highlight.unwrap_or((0, 0));
        let a = a.min(text.len());
        let b = b.clamp(a, a + SNIPPET_CONTEXT);
        // (`str::floor_char_boundary` is newer than the crate's MSRV.)
        let mut start = a.saturating_sub(SNIPPET_CONTEXT);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (b + SNIPPET_CONTEXT).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let mut shown = String::with_capacity(end - start + 6);
        if start > 0 {
            shown.push('…');
        }
        shown.push_str(&text[start..end]);
        if end < text.len() {
            shown.push('…');
        }
        Some(Cow::Owned(shown))
    }
}

/// See [`Finding::shown_snippet`].
pub const SNIPPET_MAX: usize = 240;
/// See [`Finding::shown_snippet`].
pub const SNIPPET_CONTEXT: usize = 80;

impl Serialize for Finding {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Finding", 9)?;
        s.serialize_field("rule", &self.rule)?;
        match &self.sub_id {
            Some(id) => s.serialize_field("sub_id", id)?,
            None => s.skip_field("sub_id")?,
        }
        s.serialize_field("severity", &self.severity)?;
        s.serialize_field("path", &self.path)?;
        s.serialize_field("span", &self.span)?;
        s.serialize_field("message", &self.message)?;
        match self.shown_snippet() {
            Some(snippet) => s.serialize_field("snippet", &snippet)?,
            None => s.skip_field("snippet")?,
        }
        match &self.fix {
            Some(fix) => s.serialize_field("fix", fix)?,
            None => s.skip_field("fix")?,
        }
        s.serialize_field("fingerprint", &self.fingerprint)?;
        s.end()
    }
}

/// Redact a secret: its first four characters, then `…`. Short secrets keep
/// less so that at most half of the secret is ever shown.
pub fn redact(secret: &str) -> String {
    let n = secret.chars().count();
    let keep = if n >= 16 { 4 } else { (n / 4).min(4) };
    let mut out: String = secret.chars().take(keep).collect();
    out.push('…');
    out
}

/// Stable 64-bit FNV-1a hash, hex encoded. Used for fingerprints; for a
/// secret it is a hash of the whole value, never the value itself.
pub fn stable_hash(parts: &[&[u8]]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        // Separator so ("ab","c") and ("a","bc") differ.
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Normalise a code line for fingerprinting: collapse white space.
pub fn normalise_line(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_keeps_four_chars() {
        assert_eq!(redact("AKIAIOSFODNN7EXAMPLE"), "AKIA…");
        assert_eq!(redact("abcdefgh"), "ab…");
        assert_eq!(redact("abc"), "…");
    }

    #[test]
    fn hash_is_stable_and_separated() {
        assert_eq!(stable_hash(&[b"a"]), stable_hash(&[b"a"]));
        assert_ne!(stable_hash(&[b"ab", b"c"]), stable_hash(&[b"a", b"bc"]));
    }

    #[test]
    fn severity_orders() {
        assert!(Severity::Error > Severity::Warning);
        assert!(Severity::Warning > Severity::Note);
    }
}

/// Where a rule's finding sits, before the pipeline turns it into a [`Span`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// A byte range of the file.
    Bytes(usize, usize),
    /// The whole file (repository-level rules): reported on line 1.
    File,
}

/// What a rule reports. The scan pipeline adds the span, the redacted
/// snippet and the fingerprint, so that no rule can leak a secret into output
/// or forget the fingerprint.
#[derive(Debug, Clone)]
pub struct RawFinding {
    pub rule: &'static str,
    pub sub_id: Option<String>,
    pub severity: Severity,
    pub location: Location,
    /// Must not contain a full secret: use [`redact`].
    pub message: String,
    pub fix: Option<String>,
    /// Hash of the secret, for secret findings.
    pub secret_hash: Option<String>,
}

/// Up to this many distinct secrets in a file, [`redaction_ranges`] searches
/// for each on its own.
const FEW_SECRETS: usize = 4;

/// What to redact in a file, given the byte ranges of the secrets found in it:
/// those ranges and every other place the same secret text occurs (a key
/// repeated in a comment or a second assignment that no pattern matched),
/// sorted and merged where they overlap, as [`redact_line`] wants them.
pub fn redaction_ranges(bytes: &[u8], found: &[(usize, usize)]) -> Vec<(usize, usize)> {
    if found.is_empty() {
        // Nothing found, nothing to look for (an empty automaton still reads the file).
        return Vec::new();
    }
    let mut ranges = found.to_vec();

    let mut secrets: Vec<&[u8]> = found
        .iter()
        .map(|&(s, e)| &bytes[s..e])
        .filter(|s| !s.is_empty())
        .collect();
    secrets.sort_unstable();
    secrets.dedup();
    // Every occurrence, overlapping ones included. A file holds a secret or
    // two: a substring search for each (memchr's SIMD searcher, built in no
    // time) costs less than building an automaton. For many, one pass over the
    // file for all of them: the Aho-Corasick NFA builds in a fraction of the
    // DFA's time, and its prefilter skips to candidates as fast.
    if secrets.len() <= FEW_SECRETS {
        for secret in &secrets {
            let finder = memchr::memmem::Finder::new(secret);
            let mut at = 0;
            while let Some(i) = finder.find(&bytes[at..]) {
                ranges.push((at + i, at + i + secret.len()));
                at += i + 1;
            }
        }
    } else if let Ok(ac) = aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
        .build(&secrets)
    {
        ranges.extend(
            ac.find_overlapping_iter(bytes)
                .map(|m| (m.start(), m.end())),
        );
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (s, e) in ranges {
        match merged.last_mut() {
            Some(last) if s < last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// `message` with every secret of the file redacted where it appears in full
/// (`secrets`: byte ranges of `bytes`, as [`redaction_ranges`] gives them).
/// A code rule quotes names as written, and a name can hold a string literal
/// (`cfg["…"]`, a dict key) with a secret inside.
pub fn redact_message(mut message: String, bytes: &[u8], secrets: &[(usize, usize)]) -> String {
    for &(s, e) in secrets {
        let secret = String::from_utf8_lossy(&bytes[s..e]);
        if !secret.is_empty() && message.contains(&*secret) {
            message = message.replace(&*secret, &redact(&secret));
        }
    }
    message
}

/// A source line with every secret on it redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedactedLine {
    pub text: String,
    /// Byte range of the highlighted part within `text`.
    pub highlight: (usize, usize),
}

/// Redact the line `line` (a byte range of `bytes`) given every secret range
/// in the file (sorted by start), and map the highlight range `hl` (file
/// byte offsets) onto the redacted text.
pub fn redact_line(
    bytes: &[u8],
    line: (usize, usize),
    secrets: &[(usize, usize)],
    hl: (usize, usize),
) -> RedactedLine {
    let (ls, le) = line;
    let mut out: Vec<u8> = Vec::with_capacity(le - ls + 8);
    let mut pos = ls;
    let mut hl_start = None;
    let mut hl_end = None;
    let map_plain = |out: &Vec<u8>, from: usize, to: usize, off: usize| -> Option<usize> {
        (from <= off && off <= to).then(|| out.len() + (off - from))
    };
    let first = secrets.partition_point(|&(_, e)| e <= ls);
    for &(s, e) in secrets[first..]
        .iter()
        .take_while(|&&(s, _)| s < le.max(ls + 1))
    {
        let s_cl = s.max(ls);
        let e_cl = e.min(le);
        if s_cl < pos {
            continue;
        }
        if hl_start.is_none() && hl.0 < s_cl {
            hl_start = map_plain(&out, pos, s_cl, hl.0);
        }
        if hl_end.is_none() && hl.1 <= s_cl && hl.1 >= pos {
            hl_end = map_plain(&out, pos, s_cl, hl.1);
        }
        out.extend_from_slice(&bytes[pos..s_cl]);
        let repl = if s >= ls {
            redact(&String::from_utf8_lossy(&bytes[s..e]))
        } else {
            "…".to_string()
        };
        if hl_start.is_none() && hl.0 >= s_cl && hl.0 < e_cl.max(s_cl + 1) {
            hl_start = Some(out.len());
        }
        out.extend_from_slice(repl.as_bytes());
        if hl_end.is_none() && hl.1 > s_cl && hl.1 <= e_cl.max(s_cl + 1) {
            hl_end = Some(out.len());
        }
        pos = e_cl.max(pos);
    }
    if hl_start.is_none() {
        hl_start = map_plain(&out, pos, le, hl.0.clamp(pos, le));
    }
    if hl_end.is_none() {
        hl_end = map_plain(&out, pos, le, hl.1.clamp(pos, le));
    }
    out.extend_from_slice(&bytes[pos..le]);
    let to_text = |n: usize| String::from_utf8_lossy(&out[..n.min(out.len())]).len();
    let text = String::from_utf8_lossy(&out).into_owned();
    let a = to_text(hl_start.unwrap_or(0));
    let b = to_text(hl_end.unwrap_or(out.len())).max(a);
    RedactedLine {
        text,
        highlight: (a, b),
    }
}

#[cfg(test)]
mod redact_tests {
    use super::*;

    fn shown(text: &str, highlight: (usize, usize)) -> String {
        on_line(text, highlight)
            .shown_snippet()
            .unwrap()
            .into_owned()
    }

    fn on_line(text: &str, highlight: (usize, usize)) -> Finding {
        Finding {
            rule: "r".into(),
            sub_id: None,
            severity: Severity::Error,
            path: "p".into(),
            span: Span::default(),
            message: "m".into(),
            snippet: Some(text.into()),
            highlight: Some(highlight),
            fix: None,
            fingerprint: "f".into(),
        }
    }

    #[test]
    fn long_snippets_are_cut_around_the_highlight() {
        let short = "x = \"AKIA…\"";
        assert_eq!(shown(short, (5, 10)), short);
        // A minified line: the highlight in the middle, at either end, long;
        // cuts never split a character (`é` is two bytes).
        let line = format!("{}KEY=\"AKIA…\"{}", "aé".repeat(200), "bé".repeat(200));
        let at = 600;
        let mid = shown(&line, (at + 5, at + 13));
        assert!(mid.starts_with('…') && mid.ends_with('…'), "{mid}");
        assert!(mid.contains("KEY=\"AKIA…\""), "{mid}");
        assert!(mid.len() <= 3 + 80 + 8 + 80 + 1 + 3, "{}", mid.len());
        let head = shown(&line, (0, 2));
        assert!(head.starts_with("aéaé") && head.ends_with('…'), "{head}");
        let tail = shown(&line, (line.len() - 3, line.len()));
        assert!(tail.starts_with('…') && tail.ends_with("bébé"), "{tail}");
        let long = shown(&line, (0, line.len()));
        assert!(long.len() <= 80 + 80 + 1 + 3, "{}", long.len());
        // JSON carries the cut snippet; the text report keeps the line.
        let json = serde_json::to_value(on_line(&line, (at + 5, at + 13))).unwrap();
        assert_eq!(json["snippet"], mid);
        assert!(json.get("highlight").is_none() && json.get("fix").is_none());
    }

    #[test]
    fn redacts_every_secret_on_the_line() {
        let src =
            b"x = call(\"AKIAQWERTYUIOPASDFGH\", \"wJalrXUtnFEMIK7MDENGbPxRfiCYzzzzKEY\")\nnext";
        let a = (10, 30);
        let b = (34, 69);
        let r = redact_line(src, (0, 71), &[a, b], a);
        assert_eq!(r.text, "x = call(\"AKIA…\", \"wJal…\")");
        assert_eq!(&r.text[r.highlight.0..r.highlight.1], "AKIA…");
        let r = redact_line(src, (0, 71), &[a, b], (0, 1));
        assert_eq!(&r.text[r.highlight.0..r.highlight.1], "x");
        let r = redact_line(src, (0, 71), &[a, b], (4, 71));
        assert_eq!(
            &r.text[r.highlight.0..r.highlight.1],
            "call(\"AKIA…\", \"wJal…\")"
        );
    }

    #[test]
    fn every_occurrence_of_a_secret_is_redacted() {
        // Found once (the assignment), repeated in the comment.
        let src = b"KEY = 'jnyToNBv0YNQjTVCa9jE0gBA'  # was 'jnyToNBv0YNQjTVCa9jE0gBA'\nx";
        let ranges = redaction_ranges(src, &[(7, 31)]);
        assert_eq!(ranges, [(7, 31), (41, 65)]);
        let r = redact_line(src, (0, 66), &ranges, (7, 31));
        assert_eq!(r.text, "KEY = 'jnyT…'  # was 'jnyT…'");
        assert_eq!(&r.text[r.highlight.0..r.highlight.1], "jnyT…");
        // Overlapping occurrences merge into one range.
        assert_eq!(redaction_ranges(b"aaaaaaaa", &[(0, 5)]), [(0, 8)]);
    }

    /// With a few secrets (one search each) and with many (one automaton),
    /// the ranges are every occurrence of every secret, merged: checked
    /// against a search at every offset, on random text of three letters
    /// where occurrences overlap and abut.
    #[test]
    fn redaction_ranges_are_every_occurrence() {
        let mut next = crate::test_rng(0x2545_f491_4f6c_dd1d_u64);
        for round in 0..500 {
            let len = 1 + next(60);
            let bytes: Vec<u8> = (0..len).map(|_| b"abc"[next(3)]).collect();
            let found: Vec<(usize, usize)> = (0..1 + next(if round % 2 == 0 { 3 } else { 9 }))
                .map(|_| {
                    let s = next(len);
                    (s, (s + 1 + next(4)).min(len))
                })
                .collect();
            let mut want: Vec<(usize, usize)> = found.clone();
            for &(s, e) in &found {
                let secret = &bytes[s..e];
                want.extend(
                    (0..len)
                        .filter(|&i| bytes[i..].starts_with(secret))
                        .map(|i| (i, i + secret.len())),
                );
            }
            want.sort_unstable();
            let mut merged: Vec<(usize, usize)> = Vec::new();
            for (s, e) in want {
                match merged.last_mut() {
                    Some(last) if s < last.1 => last.1 = last.1.max(e),
                    _ => merged.push((s, e)),
                }
            }
            assert_eq!(
                redaction_ranges(&bytes, &found),
                merged,
                "{found:?} in {bytes:?}"
            );
        }
    }

    #[test]
    fn a_secret_quoted_in_a_message_is_redacted() {
        let src = b"K = 'jnyToNBv0YNQjTVCa9jE0gBA'\nlog.info(cfg['K = jnyToNBv0YNQjTVCa9jE0gBA'])";
        let ranges = redaction_ranges(src, &[(5, 29)]);
        let msg = "secret-like `cfg[K = jnyToNBv0YNQjTVCa9jE0gBA]` reaches `log.info`".to_string();
        assert_eq!(
            redact_message(msg, src, &ranges),
            "secret-like `cfg[K = jnyT…]` reaches `log.info`"
        );
        let plain = "`requests.get` has no timeout".to_string();
        assert_eq!(redact_message(plain.clone(), src, &ranges), plain);
    }

    #[test]
    fn multi_line_secret_continuation_is_hidden() {
        let src = b"k = \"\"\"\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n\"\"\"";
        let secret = (8, 50);
        let r = redact_line(src, (41, 61), &[secret], secret);
        assert!(!r.text.contains("BKcw"), "{}", r.text);
    }
}
