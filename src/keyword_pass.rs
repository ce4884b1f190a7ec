//! One keyword pass over a source file for both the secret engine and the
//! code prefilter.
//!
//! Each of them reads every byte of a source file through an Aho-Corasick DFA
//! of its own words: two passes over the same bytes, a fifth of a scan of a
//! Python repository. Their words in one automaton give both their hits in one
//! pass: the engine's keywords first, numbered as the engine numbers them,
//! then the prefilter's. Both match in any case; each checks its own hits (an
//! exact case, a whole word, an import line) as it does in its own pass, so
//! what each sees is what its own pass would have shown it.

use crate::keywords::KeywordSet;
use crate::prefilter::{CodePrefilter, Verdict};
use crate::secrets::{KeywordHits, SecretEngine};
use std::ops::ControlFlow;

pub struct SharedPass {
    set: KeywordSet,
    /// How many of the set's words are the engine's (they come first).
    split: usize,
}

impl SharedPass {
    /// The pass for `engine` and `prefilter`; `None` if their words cannot be
    /// built into one automaton (each then reads the file on its own).
    pub fn new(engine: &SecretEngine, prefilter: &CodePrefilter) -> Option<SharedPass> {
        let words = engine
            .keywords()
            .iter()
            .map(String::as_str)
            .chain(prefilter.words());
        Some(SharedPass {
            set: KeywordSet::new(words, true).ok()?,
            split: engine.keywords().len(),
        })
    }

    /// Read `bytes` once: the secret engine's keyword hits, and whether the
    /// prefilter wants the file parsed.
    pub fn run(
        &self,
        engine: &SecretEngine,
        prefilter: &CodePrefilter,
        bytes: &[u8],
    ) -> (KeywordHits, bool) {
        let mut hits = engine.keyword_hits();
        let mut verdict = Verdict::default();
        self.set.each_hit::<()>(bytes, |k, start, end| {
            if k < self.split {
                engine.hit(&mut hits, bytes, k, start, end);
            } else if !verdict.wanted() {
                let _ = prefilter.hit(&mut verdict, bytes, k - self.split, start, end);
            }
            ControlFlow::Continue(())
        });
        (hits, prefilter.finish(&verdict, bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::{Kind, Lang};

    /// The shared pass gives the engine the same secrets and the prefilter the
    /// same verdict as their own passes, on the fixtures of every language.
    #[test]
    fn same_secrets_and_verdicts_as_the_separate_passes() {
        let engine = SecretEngine::new(Vec::new(), &[]).unwrap();
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
        let mut checked = 0;
        for (lang, key, exts) in [
            (Lang::Python, "python", &["py"][..]),
            (
                Lang::JavaScript,
                "javascript",
                &["js", "ts", "jsx", "tsx", "mjs", "cjs"][..],
            ),
            (Lang::Rust, "rust", &["rs"][..]),
        ] {
            let prefilter = CodePrefilter::new(key);
            let shared = SharedPass::new(&engine, &prefilter).unwrap();
            for e in walkdir::WalkDir::new(root) {
                let e = e.unwrap();
                let ext = e.path().extension().and_then(|x| x.to_str()).unwrap_or("");
                if !e.file_type().is_file() || !exts.contains(&ext) {
                    continue;
                }
                let bytes = std::fs::read(e.path()).unwrap();
                let kind = Kind::Source(lang);
                let (hits, wanted) = shared.run(&engine, &prefilter, &bytes);
                let path = e.path().display();
                assert_eq!(wanted, prefilter.wants(&bytes), "{path}");
                assert_eq!(
                    engine.scan_hits(&bytes, kind, hits),
                    engine.scan(&bytes, kind),
                    "{path}"
                );
                checked += 1;
            }
        }
        assert!(checked > 20, "only {checked} fixture files");
    }
}
