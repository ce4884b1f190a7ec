//! The Rust front end on hostile input: deep nesting, long operator runs and
//! huge macros never crash the scan; files not parsed are listed.

mod common;

#[test]
fn hostile_rust_is_skipped_or_survived_never_a_crash() {
    let home = common::isolated_home();
    let dir = tempfile::tempdir().unwrap();
    let w = |name: &str, text: String| std::fs::write(dir.path().join(name), text).unwrap();
    let n = 10_000;
    let head = "use reqwest::Client;\n";
    w(
        "parens.rs",
        format!(
            "{head}fn f() {{ let x = {}1{}; }}\n",
            "(".repeat(n),
            ")".repeat(n)
        ),
    );
    w(
        "blocks.rs",
        format!("{head}fn f() {}{}\n", "{".repeat(n), "}".repeat(n)),
    );
    w(
        "unary.rs",
        format!("{head}fn f() {{ let x = {}y; }}\n", "!".repeat(n * 10)),
    );
    w(
        "refs.rs",
        format!("{head}fn f() {{ let x = {}y; }}\n", "& ".repeat(n)),
    );
    // 100k tokens in one macro, and long flat chains the parser handles iteratively.
    w(
        "macro.rs",
        format!(
            "{head}fn f() {{ println!(\"{{}}\", {}); let v = vec![{}]; }}\n",
            vec!["a"; 100_000].join(" + "),
            vec!["1"; 100_000].join(", ")
        ),
    );
    w(
        "flat.rs",
        format!(
            "{head}fn f() {{ println!(\"{{}}\", a); let v = vec![{}]; const T: &[&str] = &[{}]; }}\n",
            vec!["1.5"; 30_000].join(", "),
            vec!["\"(((\""; 20_000].join(", ")
        ),
    );
    w(
        "chain.rs",
        format!(
            "{head}fn f() {{ let c = Client::builder(){}.build(); }}\n",
            ".user_agent(\"x\")".repeat(4_000)
        ),
    );
    w(
        "fields.rs",
        format!("{head}fn f() {{ let x = a{}; }}\n", ".b".repeat(n * 10)),
    );
    w(
        "broken.rs",
        format!("{head}fn f( {{\n    let c = Client::new();\n}}\n"),
    );
    let (out, doc) = common::scan_json(dir.path(), home.path());
    let errs = doc["parse_errors"].as_array().unwrap();
    let reason = |p: &str| common::parse_error(&doc, p);
    assert!(reason("parens.rs").unwrap().contains("nested deeper"));
    assert!(reason("blocks.rs").unwrap().contains("nested deeper"));
    assert!(reason("unary.rs").unwrap().contains("operators in a row"));
    assert!(reason("refs.rs").unwrap().contains("operators in a row"));
    assert!(reason("broken.rs").unwrap().contains("syntax error"));
    assert!(reason("macro.rs").unwrap().contains("operators"));
    assert!(reason("fields.rs").unwrap().contains("operators"));
    assert!(reason("flat.rs").is_none(), "{errs:?}");
    assert_eq!(doc["summary"]["seen"]["rust"], 9);
    // The long chain parsed: its missing timeout is reported.
    let findings = common::findings(&out.stdout);
    assert!(
        findings
            .iter()
            .any(|(p, _, r)| p == "chain.rs" && r == "http-timeout-missing"),
        "{findings:?}"
    );
}
