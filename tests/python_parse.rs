//! The Python front end on hostile input: deep nesting never crashes the
//! scan, and files it could not (fully) parse are listed in the JSON report.

mod common;

#[test]
fn deep_nesting_is_skipped_or_survived_never_a_crash() {
    let home = common::isolated_home();
    let dir = tempfile::tempdir().unwrap();
    let w = |name: &str, text: String| std::fs::write(dir.path().join(name), text).unwrap();
    // indent.py is 2 MB: over the default max-parse-size, which would spare it the
    // depth guard this test is about.
    w("botlint.toml", "max-parse-size = 8388608\n".into());
    let n = 10_000;
    w(
        "brackets.py",
        format!("import requests\nx = {}1{}\n", "(".repeat(n), ")".repeat(n)),
    );
    w(
        "lists.py",
        format!("import requests\nx = {}{}\n", "[".repeat(n), "]".repeat(n)),
    );
    let mut indent = String::from("import requests\n");
    for i in 0..2_000 {
        indent.push_str(&format!("{}if x:\n", " ".repeat(i)));
    }
    indent.push_str(&format!("{}pass\n", " ".repeat(2_000)));
    w("indent.py", indent);
    w(
        "unary.py",
        format!("import requests\nx = {}1\n", "-".repeat(n * 10)),
    );
    w(
        "attr.py",
        format!("import requests\nx = a{}\n", ".b".repeat(n * 10)),
    );
    w(
        "calls.py",
        format!("import requests\nx = f{}\n", "()".repeat(n * 10)),
    );
    w(
        "chain.py",
        format!(
            "import requests\nx = {}\nprint(x)\n",
            vec!["'a'"; n * 10].join(" + ")
        ),
    );
    w(
        "ifexp.py",
        format!("import requests\nx = {}2\n", "1 if y else ".repeat(n)),
    );
    w(
        "broken.py",
        "import requests\ndef f(:\n    pass\nrequests.get('https://x.io')\n".into(),
    );
    let (out, doc) = common::scan_json(dir.path(), home.path());
    let errs = doc["parse_errors"].as_array().unwrap();
    let reason = |p: &str| common::parse_error(&doc, p);
    assert!(reason("brackets.py").unwrap().contains("nested deeper"));
    assert!(reason("lists.py").unwrap().contains("nested deeper"));
    assert!(reason("indent.py").unwrap().contains("indented deeper"));
    assert!(reason("broken.py")
        .unwrap()
        .contains("syntax error at line 2"));
    assert_eq!(doc["summary"]["parse_errors"], errs.len());
    // The part after the syntax error still parsed.
    let findings = common::findings(&out.stdout);
    assert!(
        findings
            .iter()
            .any(|(p, l, r)| p == "broken.py" && *l == 4 && r == "http-timeout-missing"),
        "{findings:?}"
    );
}
