//! Where code is in a JS/TS file, without parsing it: which bytes lie in a
//! string, a template literal's text, a comment or a regular expression
//! literal. The prefilter (src/prefilter.rs) asks it of the few places its
//! words were found, so that `fetch` in a keyword list (`"…|fetch|…"`) or a
//! message (`"Failed to fetch"`) does not get a minified bundle parsed.
//!
//! One linear pass. A `/` starts a regular expression where an operand is
//! expected (after an operator, an opening bracket, `,`, `;`, or a keyword
//! such as `return`), and divides after a name, a number or a closing
//! bracket. An unterminated string ends at its line's end.

/// Where a byte is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Code,
    /// In a string literal, or in a template literal's text, whose content
    /// (between its quotes, or between a quote and a `${`) is `start..end`.
    Str {
        start: usize,
        end: usize,
    },
    /// In a comment or a regular expression literal.
    Other,
}

/// The place of each of `positions` (in any order), in one pass over `src`.
pub fn places(src: &[u8], positions: &[usize]) -> Vec<Place> {
    let mut order: Vec<usize> = (0..positions.len()).collect();
    order.sort_unstable_by_key(|&k| positions[k]);
    let mut out = vec![Place::Code; positions.len()];
    // Into `order`: the first position not yet placed.
    let mut next = 0;
    // Record `place` for the positions in `a..b` (those before `a` are code).
    let mut region = |a: usize, b: usize, place: Place| {
        while next < order.len() && positions[order[next]] < a {
            next += 1;
        }
        while next < order.len() && positions[order[next]] < b {
            out[order[next]] = place;
            next += 1;
        }
        next < order.len()
    };
    let n = src.len();
    // For each open `${`: the brace depth its `}` closes.
    let mut interp: Vec<usize> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < n {
        let b = src[i];
        if !SPECIAL[usize::from(b)] {
            i += 1;
            continue;
        }
        let (end, place) = match b {
            b'"' | b'\'' => {
                let close = string_end(src, i + 1, b);
                (
                    (close + 1).min(n),
                    Place::Str {
                        start: i + 1,
                        end: close,
                    },
                )
            }
            b'`' => template(src, i + 1, &mut interp, &mut depth),
            b'{' => {
                depth += 1;
                i += 1;
                continue;
            }
            b'}' => {
                depth = depth.saturating_sub(1);
                if interp.last() == Some(&depth) {
                    // The `}` of a `${…}`: the template's text goes on.
                    interp.pop();
                    template(src, i + 1, &mut interp, &mut depth)
                } else {
                    i += 1;
                    continue;
                }
            }
            b'/' => match comment_end(src, i) {
                Some(end) => (end, Place::Other),
                None if operand_expected(src, i) => (regex_end(src, i + 1), Place::Other),
                None => {
                    i += 1;
                    continue;
                }
            },
            _ => unreachable!("SPECIAL holds only the bytes matched above"),
        };
        if !region(i, end, place) {
            break; // no position left to place
        }
        i = end.max(i + 1);
    }
    out
}

/// The bytes the code state stops at.
static SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b'"' as usize] = true;
    t[b'\'' as usize] = true;
    t[b'`' as usize] = true;
    t[b'/' as usize] = true;
    t[b'{' as usize] = true;
    t[b'}' as usize] = true;
    t
};

/// Where a comment that starts at the `/` at `at` ends: at its line's end
/// (`//`) or past its `*/` (the file's end when unclosed); `None` when no
/// comment starts there. (The depth screen, `js::nesting`, skips comments
/// with it too.)
pub(super) fn comment_end(src: &[u8], at: usize) -> Option<usize> {
    match src.get(at + 1) {
        Some(b'/') => Some(memchr::memchr(b'\n', &src[at..]).map_or(src.len(), |p| at + p)),
        Some(b'*') => {
            Some(memchr::memmem::find(&src[at + 2..], b"*/").map_or(src.len(), |p| at + 2 + p + 2))
        }
        _ => None,
    }
}

/// The index of the quote closing a string whose content starts at `from`,
/// or of the line end (or file end) where an unterminated one stops.
pub(super) fn string_end(src: &[u8], from: usize, quote: u8) -> usize {
    let mut i = from;
    while let Some(p) = memchr::memchr3(quote, b'\\', b'\n', &src[i.min(src.len())..]) {
        let at = i + p;
        match src[at] {
            b'\\' => i = at + 2, // an escape, or a line continuation
            _ => return at,
        }
    }
    src.len()
}

/// A template's text from `from` (after its backtick, or the `}` of a
/// `${…}`): where the region ends (past the backtick or the `${`, whose brace
/// depth is pushed) and its place.
fn template(src: &[u8], from: usize, interp: &mut Vec<usize>, depth: &mut usize) -> (usize, Place) {
    let (close, opens) = template_text(src, from);
    if opens {
        interp.push(*depth);
        *depth += 1;
    }
    let end = (close + if opens { 2 } else { 1 }).min(src.len());
    (
        end,
        Place::Str {
            start: from,
            end: close,
        },
    )
}

/// A template's text from `from`: the index of the closing backtick or of
/// the `$` of a `${` (the file's end when neither comes), and whether it is
/// a `${`.
pub(super) fn template_text(src: &[u8], from: usize) -> (usize, bool) {
    let mut i = from;
    while let Some(p) = memchr::memchr3(b'`', b'\\', b'$', &src[i.min(src.len())..]) {
        let at = i + p;
        match src[at] {
            b'\\' => i = at + 2,
            b'$' if src.get(at + 1) == Some(&b'{') => return (at, true),
            b'$' => i = at + 1,
            _ => return (at, false),
        }
    }
    (src.len(), false)
}

/// The end of a regular expression literal whose body starts at `from`: past
/// its closing `/` (a `/` in a `[…]` class does not close it) and its flags.
fn regex_end(src: &[u8], from: usize) -> usize {
    let mut i = from;
    let mut class = false;
    while i < src.len() {
        match src[i] {
            b'\\' => i += 1,
            b'\n' => return i,
            b'[' => class = true,
            b']' => class = false,
            b'/' if !class => {
                i += 1;
                while i < src.len() && (src[i].is_ascii_alphanumeric() || src[i] == b'_') {
                    i += 1;
                }
                return i;
            }
            _ => {}
        }
        i += 1;
    }
    src.len()
}

/// Can `b` be part of a JS identifier (`$` and `_` too; any byte of a
/// non-ASCII character counts)?
pub fn ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// Is an operand expected at the `/` at `at` (so it starts a regular
/// expression, not a division)?
fn operand_expected(src: &[u8], at: usize) -> bool {
    let head = src[..at].trim_ascii_end();
    let Some(&last) = head.last() else {
        return true;
    };
    if ident_byte(last) {
        let start = head
            .iter()
            .rposition(|&b| !ident_byte(b))
            .map_or(0, |p| p + 1);
        return matches!(
            &head[start..],
            b"return"
                | b"typeof"
                | b"instanceof"
                | b"in"
                | b"of"
                | b"new"
                | b"delete"
                | b"void"
                | b"throw"
                | b"case"
                | b"do"
                | b"else"
                | b"yield"
                | b"await"
        );
    }
    !matches!(last, b')' | b']' | b'}')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The place of the first occurrence of `needle`.
    fn place_of(src: &str, needle: &str) -> Place {
        let at = src.find(needle).expect(needle);
        places(src.as_bytes(), &[at])[0]
    }

    /// The place of every occurrence of `needle`.
    fn places_of(src: &str, needle: &str) -> Vec<Place> {
        let at: Vec<usize> = src.match_indices(needle).map(|(i, _)| i).collect();
        places(src.as_bytes(), &at)
    }

    #[test]
    fn strings_comments_and_code() {
        let src = "fetch(u); const k = \"a|fetch|b\"; // fetch\n/* fetch */ x = 'fetch';";
        let p = places_of(src, "fetch");
        assert_eq!(p[0], Place::Code);
        assert!(matches!(p[1], Place::Str { .. }));
        assert_eq!(p[2], Place::Other);
        assert_eq!(p[3], Place::Other);
        // A whole string: its content is exactly the word.
        let Place::Str { start, end } = p[4] else {
            panic!("{:?}", p[4])
        };
        assert_eq!(&src[start..end], "fetch");
    }

    #[test]
    fn templates_nest() {
        let src = "const s = `a ${ {x: fetch(u)}.x } b ${`in ${fetch}`} token`; fetch";
        assert_eq!(
            places_of(src, "fetch"),
            vec![Place::Code, Place::Code, Place::Code]
        );
        assert!(matches!(place_of(src, "token"), Place::Str { .. }));
        assert!(matches!(place_of(src, " b "), Place::Str { .. }));
    }

    #[test]
    fn regular_expressions_and_divisions() {
        // A regex holding a quote must not open a string.
        let src = "if(/\"/.test(s)) fetch(u); x = a / b / c; fetch(v); return/'/.test(y); fetch(w)";
        assert_eq!(
            places_of(src, "fetch"),
            vec![Place::Code, Place::Code, Place::Code]
        );
        assert_eq!(place_of("x = /fetch/g;", "fetch"), Place::Other);
        assert_eq!(place_of("x = /[/]fetch/g;", "fetch"), Place::Other);
    }

    /// Any bytes: every position gets a place, no panic (cut strings,
    /// templates and comments, a `\\` or `/` last).
    #[test]
    fn any_bytes() {
        let alphabet = b"ab'\"`${}/*\\\n[]()=+ ";
        let mut rng = crate::test_rng(0x2545_f491_4f6c_dd1d);
        for len in 0..400 {
            let src: Vec<u8> = (0..len % 40)
                .map(|_| alphabet[rng(alphabet.len())])
                .collect();
            let at: Vec<usize> = (0..src.len()).rev().collect();
            let p = places(&src, &at);
            assert_eq!(p.len(), src.len());
            for place in p {
                if let Place::Str { start, end } = place {
                    assert!(start <= end && end <= src.len(), "{src:?}");
                }
            }
        }
    }

    #[test]
    fn escapes_and_unterminated_strings() {
        let src = "s = 'it\\'s'; fetch(u); t = \"open\nfetch(v)";
        assert_eq!(places_of(src, "fetch"), vec![Place::Code, Place::Code]);
    }
}
