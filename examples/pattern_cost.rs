//! Where does the secret engine spend its time? Times each pattern's regex
//! (and the keyword prefilter, and the generic detector) over every file of a
//! tree, single-threaded, and prints the costliest first.
//!
//!     cargo run --release --example pattern_cost -- path/to/tree

use botlint::classify::classify;
use botlint::secrets::pattern::{parse_patterns, Pattern};
use std::time::{Duration, Instant};

fn main() {
    let root = std::env::args().nth(1).expect("usage: pattern_cost <dir>");
    let mut files = Vec::new();
    for entry in ignore::WalkBuilder::new(&root)
        .hidden(false)
        .build()
        .flatten()
    {
        if entry.file_type().is_some_and(|t| t.is_file()) {
            if let Ok(b) = std::fs::read(entry.path()) {
                if b.len() < 5 << 20 && !b[..b.len().min(8192)].contains(&0) {
                    files.push((entry.into_path(), b));
                }
            }
        }
    }
    let lowered: Vec<Vec<u8>> = files.iter().map(|f| f.1.to_ascii_lowercase()).collect();
    let total: usize = files.iter().map(|f| f.1.len()).sum();
    println!("{} files, {:.1} MB", files.len(), total as f64 / 1e6);
    let specs = parse_patterns(botlint::rules::SECRETS.toml)
        .unwrap()
        .pattern;
    let mut rows: Vec<(Duration, String, usize)> = Vec::new();
    for spec in specs {
        let id = spec.id.clone();
        let match_case = spec.keywords_match_case;
        let kws: Vec<Vec<u8>> = spec
            .keywords
            .iter()
            .map(|k| k.as_bytes().to_ascii_lowercase())
            .collect();
        let cased: Vec<Vec<u8>> = spec
            .keywords
            .iter()
            .map(|k| k.as_bytes().to_vec())
            .collect();
        let p = Pattern::new(spec);
        let t = Instant::now();
        let c = p.compiled();
        let compile = t.elapsed();
        let mut ran = 0;
        let t = Instant::now();
        for ((_, b), lower) in files.iter().zip(&lowered) {
            let hit = if match_case {
                cased.iter().any(|k| memchr::memmem::find(b, k).is_some())
            } else {
                kws.iter().any(|k| memchr::memmem::find(lower, k).is_some())
            };
            if hit {
                ran += 1;
                let _ = c.regex.captures_iter(b).count();
            }
        }
        rows.push((
            compile + t.elapsed(),
            format!("{id} (compile {compile:?})"),
            ran,
        ));
    }
    let engine = botlint::secrets::SecretEngine::new(Vec::new(), &[]).unwrap();
    for (p, b) in &files {
        let _ = engine.scan(b, classify(p, b)); // warm up: compile what the files need
    }
    let t = Instant::now();
    for (p, b) in &files {
        let _ = engine.scan(b, classify(p, b));
    }
    let whole = t.elapsed();
    // The engine's phases: the keyword scan (same keywords, same automaton
    // settings) and the generic detector, timed alone.
    let specs = parse_patterns(botlint::rules::SECRETS.toml)
        .unwrap()
        .pattern;
    let automaton = |match_case: bool| {
        let mut kws: Vec<String> = specs
            .iter()
            .filter(|s| s.keywords_match_case == match_case)
            .flat_map(|s| s.keywords.iter())
            .map(|k| {
                if match_case {
                    k.clone()
                } else {
                    k.to_ascii_lowercase()
                }
            })
            .collect();
        kws.sort();
        kws.dedup();
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(!match_case)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&kws)
            .unwrap()
    };
    let automata = [automaton(false), automaton(true)];
    let t = Instant::now();
    let mut hits = 0;
    for (_, b) in &files {
        for ac in &automata {
            hits += ac.find_overlapping_iter(b).count();
        }
    }
    let keyword_scan = t.elapsed();
    let generic = botlint::secrets::generic::Generic::default();
    let names = botlint::rules::sensitive_names();
    let t = Instant::now();
    for (p, b) in &files {
        let _ = generic.scan(b, classify(p, b), names);
    }
    let generic_scan = t.elapsed();

    rows.sort_by_key(|r| std::cmp::Reverse(r.0));
    for (d, id, ran) in rows.iter().take(15) {
        println!("{:>10.2?}  {ran:>5} files  {id}", d);
    }
    println!(
        "whole engine: {whole:?} = keyword scan {keyword_scan:?} ({hits} hits) + generic {generic_scan:?} + patterns and the rest"
    );
}
