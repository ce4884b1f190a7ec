//! The text a front end parses when a selector has dropped parts of a file
//! (Rust items, Python function bodies), and the way back to the file's
//! offsets.

/// The kept parts of a file, one after the other, and where each piece of
/// them is in the file: the parser reads only these bytes (its lexer and
/// span tables cost by the byte, spaces too).
#[derive(Debug)]
pub struct KeptText {
    pub text: String,
    /// For each piece of `text` (a run of the file with nothing dropped
    /// inside), its start in `text` and in the file's text; in order. What
    /// lies between two pieces is a separator the selector wrote (a newline
    /// for Rust items, ` ...` and a newline for a Python body), so that no
    /// two tokens join; a position in it maps into the dropped part.
    pub pieces: Vec<(usize, usize)>,
}

impl KeptText {
    /// The offset in the file's text of a byte offset in [`Self::text`].
    pub fn in_file(&self, at: usize) -> usize {
        in_file(&self.pieces, at)
    }
}

/// The offset in the file's text of a byte offset in a kept text made of
/// `pieces` (see [`KeptText::pieces`]; empty: the text is the file's).
pub fn in_file(pieces: &[(usize, usize)], at: usize) -> usize {
    match pieces.partition_point(|p| p.0 <= at) {
        0 => at,
        i => {
            let (parsed, file) = pieces[i - 1];
            at - parsed + file
        }
    }
}
