//! The JavaScript/TypeScript front end on hostile input: deep nesting never
//! crashes the scan, syntax errors are listed in the JSON report with facts
//! from the parts that parsed, and a large minified bundle is handled in
//! linear time.

mod common;

use std::time::Instant;

#[test]
fn deep_nesting_is_skipped_or_survived_never_a_crash() {
    let home = common::isolated_home();
    let dir = tempfile::tempdir().unwrap();
    let w = |name: &str, text: String| std::fs::write(dir.path().join(name), text).unwrap();
    // One-line files: minified, parsed only with `parse-generated`.
    w("botlint.toml", "parse-generated = true\n".into());
    let n = 10_000;
    let head = "const axios = require('axios');\n";
    w(
        "parens.js",
        format!("{head}x = {}1{};\n", "(".repeat(n), ")".repeat(n)),
    );
    w(
        "arrays.js",
        format!("{head}x = {}{};\n", "[".repeat(n), "]".repeat(n)),
    );
    w(
        "objects.ts",
        format!("{head}x = {}1{};\n", "{a:".repeat(n), "}".repeat(n)),
    );
    w(
        "calls.js",
        format!("{head}x = {}1{};\n", "f(".repeat(n), ")".repeat(n)),
    );
    w("unary.js", format!("{head}x = {}1;\n", "- ".repeat(n)));
    w("not.js", format!("{head}x = {}1;\n", "!".repeat(n)));
    w(
        "typeof.js",
        format!("{head}x = {}1;\n", "typeof ".repeat(n)),
    );
    w(
        "ternary.js",
        format!("{head}x = {}2;\n", "y ? 1 : ".repeat(n)),
    );
    w("assign.js", format!("{head}{}1;\n", "a = ".repeat(n)));
    w("arrows.js", format!("{head}x = {}1;\n", "a => ".repeat(n)));
    w("new.js", format!("{head}x = {}A;\n", "new ".repeat(n)));
    w(
        "templates.js",
        format!("{head}x = {}1{};\n", "`${".repeat(n), "}`".repeat(n)),
    );
    // Deep but not nested: long chains the parser builds in a loop.
    w(
        "member.js",
        format!("{head}x = a{};\n", ".b".repeat(n * 10)),
    );
    w(
        "callchain.js",
        format!("{head}x = f{};\n", "()".repeat(n * 10)),
    );
    w(
        "concat.js",
        format!(
            "{head}x = {};\nconsole.log(x);\n",
            vec!["'a'"; n * 10].join(" + ")
        ),
    );
    w(
        "broken.ts",
        "import axios from 'axios';\nfunction f( {\n}\naxios.get('https://x.io/a');\nconst apiSecret = process.env.S;\nconsole.log(apiSecret);\n"
            .into(),
    );
    let (out, doc) = common::scan_json(dir.path(), home.path());
    let errs = doc["parse_errors"].as_array().unwrap();
    let reason = |p: &str| common::parse_error(&doc, p);
    for deep in [
        "parens.js",
        "arrays.js",
        "objects.ts",
        "calls.js",
        "unary.js",
        "not.js",
    ] {
        assert!(
            reason(deep).is_some_and(|r| r.contains("nested deeper")),
            "{deep}: {:?}",
            reason(deep)
        );
    }
    assert!(
        reason("broken.ts").is_some_and(|r| r.contains("syntax error at line")),
        "{:?}",
        reason("broken.ts")
    );
    assert_eq!(doc["summary"]["parse_errors"], errs.len());
    assert_eq!(doc["summary"]["seen"]["javascript"], 16);
    // The parts after the syntax error still parsed.
    let findings = common::findings(&out.stdout);
    for (line, rule) in [(4, "http-timeout-missing"), (6, "secret-in-log")] {
        assert!(
            findings
                .iter()
                .any(|(p, l, r)| p == "broken.ts" && *l == line && r == rule),
            "{findings:?}"
        );
    }
}

/// A 4 MB minified bundle (one line) with a client call every few kilobytes:
/// parsed, checked, and not slower per byte than a quarter of it (with
/// max-parse-size raised and parse-generated on: by default files over 1 MiB
/// and minified files are not parsed).
#[test]
fn minified_bundle_is_linear() {
    let home = common::isolated_home();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("botlint.toml"),
        "max-parse-size = 8388608\nparse-generated = true\n",
    )
    .unwrap();
    let chunk = "var a=require(\"axios\");function q(e,t){return e&&t?e+t:e||t}\
                 var r={a:1,b:[1,2,3],c:\"x\"},s=function(n){for(var i=0;i<n;i++)r.a+=i;return r};\
                 a.get(\"https://api.binance.com/api/v3/time\",{timeout:5e3}).then(function(o){s(o.data)});";
    let bundle = |bytes: usize| {
        let mut s = String::with_capacity(bytes + chunk.len());
        let mut i = 0;
        while s.len() < bytes {
            s.push_str(&chunk.replace("q(", &format!("q{i}(")));
            i += 1;
        }
        s
    };
    let time = |name: &str, bytes: usize| {
        std::fs::write(dir.path().join(name), bundle(bytes)).unwrap();
        let t = Instant::now();
        let out = common::botlint(
            dir.path(),
            home.path(),
            &[name, "--format", "json", "--exit-zero"],
        );
        let el = t.elapsed();
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["summary"]["parsed"]["javascript"], 1, "{doc}");
        assert_eq!(doc["summary"]["parse_errors"], 0, "{doc}");
        el
    };
    let small = time("small.min.js", 1 << 20);
    let big = time("big.min.js", 4 << 20);
    // Four times the bytes: allow up to eight times the time (process start,
    // noise), far below what a quadratic pass would take (16×).
    assert!(
        big.as_secs_f64() < small.as_secs_f64() * 8.0 + 0.5,
        "1 MiB: {small:?}, 4 MiB: {big:?}"
    );
}
