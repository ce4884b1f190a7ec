//! The command line as a user meets it: exit codes, formats, config errors,
//! hostile files, and that no output ever carries a full secret.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SECRET: &str = "Zq3kLm9Pw2XrT7vB4nY8cD1fG6hJ0sA5";

fn write(dir: &Path, rel: &str, text: &[u8]) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn leaky_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "bot.py",
        format!("API_SECRET = \"{SECRET}\"\nprint('hi')\n").as_bytes(),
    );
    dir
}

fn code(out: &std::process::Output) -> i32 {
    out.status.code().expect("exit code")
}

#[test]
fn exit_codes_follow_fail_on_and_exit_zero() {
    let home = common::isolated_home();
    let t = leaky_tree();
    let d = t.path();
    assert_eq!(code(&common::botlint(d, home.path(), &["."])), 1);
    assert_eq!(
        code(&common::botlint(d, home.path(), &[".", "--exit-zero"])),
        0
    );
    let clean = tempfile::tempdir().unwrap();
    write(clean.path(), "ok.py", b"x = 1\n");
    assert_eq!(code(&common::botlint(clean.path(), home.path(), &["."])), 0);
    // A config that lowers the rule to a warning: passes at --fail-on error, fails at warning.
    write(
        d,
        "botlint.toml",
        b"[rules]\nseverity = { \"hardcoded-secret\" = \"warning\" }\n",
    );
    assert_eq!(code(&common::botlint(d, home.path(), &["."])), 0);
    assert_eq!(
        code(&common::botlint(
            d,
            home.path(),
            &[".", "--fail-on", "warning"]
        )),
        1
    );
}

#[test]
fn usage_and_config_errors_exit_2_with_a_clear_message() {
    let home = common::isolated_home();
    let t = leaky_tree();
    let d = t.path();
    let out = common::botlint(d, home.path(), &["no/such/dir"]);
    assert_eq!(code(&out), 2);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("no such file"),
        "{out:?}"
    );
    let out = common::botlint(d, home.path(), &["--format", "yaml"]);
    assert_eq!(code(&out), 2);
    write(d, "botlint.toml", b"[rules]\ndisable = [\"nope\"]\n");
    let out = common::botlint(d, home.path(), &["."]);
    assert_eq!(code(&out), 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("botlint.toml:2") && err.contains("nope"),
        "{err}"
    );
    write(d, "botlint.toml", b"[rules\n");
    let out = common::botlint(d, home.path(), &["."]);
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("botlint.toml:1"));
    let out = common::botlint(d, home.path(), &["rule", "no-such-rule"]);
    assert_eq!(code(&out), 2);
}

#[test]
fn config_in_pyproject_is_found_by_walking_up() {
    let home = common::isolated_home();
    let t = leaky_tree();
    let d = t.path();
    write(
        d,
        "pyproject.toml",
        b"[project]\nname = \"x\"\n\n[tool.botlint]\nexclude = [\"bot.py\"]\n",
    );
    write(d, "sub/keep.txt", b"nothing\n");
    assert_eq!(code(&common::botlint(d, home.path(), &["."])), 0);
    write(
        d,
        "pyproject.toml",
        b"[project]\nname = \"x\"\n\n[tool.botlint]\nbogus = 1\n",
    );
    let out = common::botlint(d, home.path(), &["."]);
    assert_eq!(code(&out), 2);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("pyproject.toml:5"),
        "{out:?}"
    );
}

#[test]
fn no_format_prints_the_full_secret() {
    let home = common::isolated_home();
    let t = leaky_tree();
    // A second secret in a file with a name that needs escaping, and one in a
    // place the summary links to.
    write(
        t.path(),
        "odd dir/a,b:c%.py",
        format!("BYBIT_API_SECRET = \"{SECRET}\"\n").as_bytes(),
    );
    // Found once, repeated on the line where no pattern matches it.
    write(
        t.path(),
        "repeat.py",
        format!("API_SECRET = \"{SECRET}\"  # rotated, was {SECRET}\n").as_bytes(),
    );
    let summary = t.path().join("summary.md");
    let summary_s = summary.to_str().unwrap();
    let envs = [
        ("GITHUB_STEP_SUMMARY", summary_s),
        ("GITHUB_SERVER_URL", "https://github.com"),
        ("GITHUB_REPOSITORY", "o/r"),
        ("GITHUB_SHA", "0123abcd"),
    ];
    let check = |what: &str, bytes: &[u8]| {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains(SECRET), "{what} leaked: {text}");
        assert!(
            !text.contains(&SECRET[..8]),
            "{what} shows more than 4 characters: {text}"
        );
        assert!(
            text.contains("Zq3k"),
            "{what}: the redacted prefix is shown"
        );
    };
    for fmt in ["text", "json", "sarif", "github"] {
        for extra in [&[][..], &["-v"][..], &["--color", "always"][..]] {
            let mut args = vec![".", "--format", fmt, "--sarif-file", "side.sarif"];
            args.extend_from_slice(extra);
            let _ = fs::remove_file(&summary);
            let out = common::botlint_env(t.path(), home.path(), &args, &envs);
            assert_eq!(code(&out), 1, "{fmt}: {out:?}");
            let all = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
            check(&format!("{fmt} {extra:?}"), &all);
            check(
                "--sarif-file",
                &fs::read(t.path().join("side.sarif")).unwrap(),
            );
            fs::remove_file(t.path().join("side.sarif")).unwrap();
            if fmt == "github" {
                check("the job summary", &fs::read(&summary).unwrap());
            } else {
                assert!(!summary.exists(), "{fmt} wrote a job summary");
            }
        }
    }
    let out = common::botlint(t.path(), home.path(), &["baseline", "-o", "base.json"]);
    assert_eq!(code(&out), 0, "{out:?}");
    let all = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
    assert!(!String::from_utf8_lossy(&all).contains(&SECRET[..8]));
    let base = fs::read_to_string(t.path().join("base.json")).unwrap();
    assert!(
        !base.contains(&SECRET[..5]),
        "the baseline holds secret text: {base}"
    );
}

#[test]
fn text_output_is_a_snippet_with_the_rule_and_the_fix() {
    let home = common::isolated_home();
    let t = leaky_tree();
    let out = common::botlint(t.path(), home.path(), &["."]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("error[hardcoded-secret/generic-secret]"),
        "{text}"
    );
    assert!(text.contains("bot.py:1:15"), "{text}");
    assert!(text.contains("API_SECRET = \"Zq3k…\""), "{text}");
    assert!(text.contains("help: revoke it"), "{text}");
    assert!(text.contains("1 findings (1 errors"), "{text}");
}

#[test]
fn output_is_identical_across_runs_and_thread_counts() {
    let home = common::isolated_home();
    let dir = tempfile::tempdir().unwrap();
    for i in 0..60 {
        write(
            dir.path(),
            &format!("m{}/f{i}.py", i % 7),
            format!("TOKEN_{i} = \"{SECRET}{i}\"\n").as_bytes(),
        );
    }
    let a = common::botlint(dir.path(), home.path(), &[".", "--format", "json"]);
    let b = common::botlint(
        dir.path(),
        home.path(),
        &[".", "--format", "json", "--threads", "1"],
    );
    let c = common::botlint(
        dir.path(),
        home.path(),
        &[".", "--format", "json", "--threads", "8"],
    );
    assert_eq!(common::findings(&a.stdout).len(), 60);
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(a.stdout, c.stdout);
}

#[test]
fn output_file_and_broken_pipe() {
    let home = common::isolated_home();
    let t = leaky_tree();
    let out = common::botlint(
        t.path(),
        home.path(),
        &[".", "-o", "report.json", "--format", "json"],
    );
    assert_eq!(code(&out), 1);
    assert!(out.stdout.is_empty());
    let report = fs::read(t.path().join("report.json")).unwrap();
    assert_eq!(common::findings(&report).len(), 1);

    // Many findings into a pipe closed after the first byte: no panic, no error message.
    let dir = tempfile::tempdir().unwrap();
    for i in 0..400 {
        write(
            dir.path(),
            &format!("f{i}.py"),
            format!("TOKEN = \"{SECRET}{i}\"\n").as_bytes(),
        );
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_botlint"))
        .arg(".")
        .current_dir(dir.path())
        .env("HOME", home.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked") && !err.contains("error"), "{err}");
    assert!(matches!(out.status.code(), Some(1)), "{:?}", out.status);
}

#[test]
fn hostile_files_are_skipped_with_reasons_and_never_block() {
    let home = common::isolated_home();
    let t = leaky_tree();
    let d = t.path();
    write(
        d,
        "blob.bin",
        b"\x00\x01\x02API_SECRET = \"Zq3kLm9Pw2XrT7vB4nY8cD1fG6hJ0sA5\"",
    );
    write(
        d,
        "latin1.py",
        b"# caf\xe9\nPASSWORD = \"Tr0ub4dor&3xyz\"\n",
    );
    write(d, "big.txt", &vec![b'a'; 6 * 1024 * 1024]);
    // A 20 MB minified bundle on one line: over the size cap too (a line that long
    // under the cap is searched in windows: src/secrets/generic.rs).
    write(
        d,
        "bundle.min.js",
        &b"var a=function(b){return b+1};".repeat(700_000),
    );
    let status = Command::new("mkfifo")
        .arg(d.join("config.py"))
        .status()
        .unwrap();
    assert!(status.success());
    std::os::unix::fs::symlink("/dev/zero", d.join("zero.py")).unwrap();
    std::os::unix::fs::symlink(d, d.join("loop")).unwrap();
    std::os::unix::fs::symlink("/etc", d.join("outside")).unwrap();

    let start = Instant::now();
    let out = common::botlint(d, home.path(), &[".", "--format", "json"]);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(code(&out), 1, "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let skipped: Vec<String> = doc["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{}: {}",
                s["path"].as_str().unwrap(),
                s["reason"].as_str().unwrap()
            )
        })
        .collect();
    let has = |p: &str, r: &str| skipped.iter().any(|s| s.starts_with(p) && s.contains(r));
    assert!(has("blob.bin", "binary"), "{skipped:?}");
    assert!(has("big.txt", "too large"), "{skipped:?}");
    assert!(has("bundle.min.js", "too large"), "{skipped:?}");
    assert!(has("config.py", "not a regular file"), "{skipped:?}");
    assert!(has("zero.py", "symbolic link"), "{skipped:?}");
    assert!(has("loop", "symbolic link"), "{skipped:?}");
    assert!(has("outside", "symbolic link"), "{skipped:?}");
    // Invalid UTF-8 is still scanned.
    let found = common::findings(&out.stdout);
    assert!(
        found.iter().any(|(p, l, _)| p == "latin1.py" && *l == 2),
        "{found:?}"
    );
    assert!(found.iter().any(|(p, _, _)| p == "bot.py"), "{found:?}");

    // Named explicitly, a FIFO is reported, not opened.
    let out = common::botlint(d, home.path(), &["config.py", "--format", "json"]);
    assert_eq!(code(&out), 0);
}

#[test]
fn files_over_max_parse_size_get_secrets_but_not_code_rules() {
    let home = common::isolated_home();
    let d = tempfile::tempdir().unwrap();
    let body = format!(
        "import requests\nAPI_SECRET = \"{SECRET}\"\nrequests.get('https://api.example.com/v1')\n"
    );
    write(d.path(), "small.py", body.as_bytes());
    // The same code after a long docstring: over the limit set below.
    let big = format!("\"\"\"{}\"\"\"\n{body}", "x".repeat(400));
    write(d.path(), "big.py", big.as_bytes());
    write(d.path(), "botlint.toml", b"max-parse-size = 300\n");
    let out = common::botlint(d.path(), home.path(), &[".", "--format", "json"]);
    assert_eq!(code(&out), 1, "{}", String::from_utf8_lossy(&out.stderr));
    let rules: Vec<(String, String)> = common::findings(&out.stdout)
        .into_iter()
        .map(|(p, _, r)| (p, r))
        .collect();
    let has = |p: &str, r: &str| rules.iter().any(|(fp, fr)| fp == p && fr.starts_with(r));
    assert!(has("small.py", "hardcoded-secret"), "{rules:?}");
    assert!(has("small.py", "http-timeout-missing"), "{rules:?}");
    assert!(has("big.py", "hardcoded-secret"), "{rules:?}");
    assert!(!has("big.py", "http-timeout-missing"), "{rules:?}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let reason = only_parse_error(&doc, "big.py");
    assert!(
        reason.contains("over max-parse-size (300 bytes)"),
        "{reason}"
    );
}

/// The reason of the report's one parse error, which must be about `path`.
fn only_parse_error(doc: &serde_json::Value, path: &str) -> String {
    let listed = doc["parse_errors"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["path"], path);
    listed[0]["reason"].as_str().unwrap().to_string()
}

#[test]
fn generated_code_gets_secrets_but_not_code_rules_unless_asked() {
    let home = common::isolated_home();
    let d = tempfile::tempdir().unwrap();
    let js = format!(
        "const axios=require(\"axios\");const API_SECRET=\"{SECRET}\";\
         axios.get(\"https://api.example.com/v1\",{{httpsAgent:new (require(\"https\").Agent)({{rejectUnauthorized:false}})}});"
    );
    // The same code, once written out and once as a bundler writes it: on one
    // line after a kilobyte of other minified code.
    write(d.path(), "app.js", js.replace(';', ";\n").as_bytes());
    let filler = "function f(a,b){return a&&b?a+b:a||b}".repeat(40);
    write(
        d.path(),
        "bundle.min.js",
        format!("{filler}{js}").as_bytes(),
    );
    // Python, once written and once under a generator's header.
    let py = format!(
        "import requests\nAPI_SECRET = \"{SECRET}\"\nrequests.get('https://api.example.com/v1')\n"
    );
    write(d.path(), "client.py", py.as_bytes());
    let header =
        "# -*- coding: utf-8 -*-\n# Generated by the protocol buffer compiler.  DO NOT EDIT!\n";
    write(
        d.path(),
        "client_pb2.py",
        format!("{header}{py}").as_bytes(),
    );
    let scan = |config: &[u8]| {
        write(d.path(), "botlint.toml", config);
        let out = common::botlint(d.path(), home.path(), &[".", "--format", "json"]);
        assert_eq!(code(&out), 1, "{}", String::from_utf8_lossy(&out.stderr));
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut rules: Vec<(String, String)> = common::findings(&out.stdout)
            .into_iter()
            .map(|(p, _, r)| (p, r))
            .collect();
        rules.sort();
        (rules, doc)
    };
    // What each file gets: the secret, and with the code rules its findings.
    let expected = |generated_parsed: bool| {
        let js_rules: &[&str] = &["http-timeout-missing", "tls-verification-disabled"];
        let py_rules: &[&str] = &["http-timeout-missing"];
        let mut all = Vec::new();
        for (path, code_rules, parsed) in [
            ("app.js", js_rules, true),
            ("bundle.min.js", js_rules, generated_parsed),
            ("client.py", py_rules, true),
            ("client_pb2.py", py_rules, generated_parsed),
        ] {
            all.push((
                path.to_string(),
                "hardcoded-secret/generic-secret".to_string(),
            ));
            if parsed {
                all.extend(code_rules.iter().map(|r| (path.to_string(), r.to_string())));
            }
        }
        all
    };
    let (rules, doc) = scan(b"");
    assert_eq!(rules, expected(false));
    let listed: Vec<(&str, &str)> = doc["parse_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["path"].as_str().unwrap(), e["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(listed[0].0, "bundle.min.js");
    assert!(
        listed[0].1.starts_with("minified (lines average 1"),
        "{listed:?}"
    );
    assert_eq!(listed[1].0, "client_pb2.py");
    assert!(
        listed[1]
            .1
            .starts_with("generated (its header says \"do not edit\")"),
        "{listed:?}"
    );
    assert_eq!(doc["summary"]["seen"]["javascript"], 2);
    assert_eq!(doc["summary"]["parsed"]["javascript"], 1);
    assert_eq!(doc["summary"]["parsed"]["python"], 1);
    let (rules, doc) = scan(b"parse-generated = true\n");
    assert_eq!(rules, expected(true));
    assert_eq!(doc["parse_errors"].as_array().unwrap().len(), 0);
    assert_eq!(doc["summary"]["parsed"]["javascript"], 2);
    assert_eq!(doc["summary"]["parsed"]["python"], 2);
}

#[test]
fn unreadable_file_is_an_error_but_other_findings_stay() {
    let home = common::isolated_home();
    let t = leaky_tree();
    let d = t.path();
    // Reading offset 0 of a process's own memory fails with EIO, even for root
    // (chmod 000 does not stop root, which CI runs as).
    let out = common::botlint(d, home.path(), &[".", "/proc/self/mem", "--format", "json"]);
    assert_eq!(code(&out), 2, "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        doc["errors"][0]
            .as_str()
            .unwrap()
            .contains("/proc/self/mem"),
        "{doc}"
    );
    assert_eq!(common::findings(&out.stdout).len(), 1);
    let text = common::botlint(d, home.path(), &[".", "/proc/self/mem"]);
    assert_eq!(code(&text), 2);
    assert!(String::from_utf8_lossy(&text.stdout).contains("error: /proc/self/mem"));
}

#[test]
fn inline_suppression() {
    let home = common::isolated_home();
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.py",
        format!(
            "A_TOKEN = \"{SECRET}\"  # botlint: ignore[hardcoded-secret]\n\
             # botlint: ignore[hardcoded-secret/generic-secret]\n\
             B_TOKEN = \"{SECRET}b\"\n\
             C_TOKEN = \"{SECRET}c\"  # botlint: ignore[env-file-tracked]\n"
        )
        .as_bytes(),
    );
    let out = common::botlint(dir.path(), home.path(), &[".", "--format", "json"]);
    let f = common::findings(&out.stdout);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].1, 4);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["suppressed"], 2);
}

#[test]
fn rules_and_rule_explain() {
    let home = common::isolated_home();
    let d = tempfile::tempdir().unwrap();
    let out = common::botlint(d.path(), home.path(), &["rules"]);
    assert_eq!(code(&out), 0);
    let text = String::from_utf8_lossy(&out.stdout);
    for id in [
        "hardcoded-secret",
        "env-file-not-ignored",
        "env-file-tracked",
        "generic-secret",
    ] {
        assert!(text.contains(id), "{id} missing from `botlint rules`");
    }
    let out = common::botlint(d.path(), home.path(), &["rule", "hardcoded-secret"]);
    let text = String::from_utf8_lossy(&out.stdout);
    for part in ["Why it is bad", "How to fix it", "Bad", "Good", "CWE-798"] {
        assert!(text.contains(part), "{part} missing: {text}");
    }
}

#[test]
fn excludes_are_relative_to_the_config_file() {
    let home = common::isolated_home();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "botlint.toml",
        b"exclude = [\"app/generated/**\", \"vendored\"]\n",
    );
    let leak = format!("API_TOKEN = \"{SECRET}\"\n");
    write(d, "app/generated/keys.py", leak.as_bytes());
    write(d, "app/vendored/lib.py", leak.as_bytes());
    write(d, "app/vendored_not/lib.py", leak.as_bytes());
    write(d, "app/main.py", leak.as_bytes());
    // Run from a sub-directory: the config is found upwards, its globs stay rooted at its folder.
    let out = common::botlint(&d.join("app"), home.path(), &[".", "--format", "json"]);
    let paths: Vec<String> = common::findings(&out.stdout)
        .into_iter()
        .map(|f| f.0)
        .collect();
    assert_eq!(paths, ["main.py", "vendored/lib.py", "vendored_not/lib.py"]);
    // Named explicitly, an excluded file is scanned unless --force-exclude.
    let out = common::botlint(
        &d.join("app"),
        home.path(),
        &["generated/keys.py", "--format", "json"],
    );
    assert_eq!(common::findings(&out.stdout).len(), 1);
    let out = common::botlint(
        &d.join("app"),
        home.path(),
        &["generated/keys.py", "--force-exclude", "--format", "json"],
    );
    assert_eq!(common::findings(&out.stdout).len(), 0);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["warnings"][0]
        .as_str()
        .unwrap()
        .contains("no file was scanned"));
}

#[test]
fn generic_secrets_in_test_code_are_warnings_provider_keys_stay_errors() {
    let home = common::isolated_home();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "tests/test_auth.py",
        format!("API_SECRET = \"{SECRET}\"\n").as_bytes(),
    );
    let out = common::botlint(d, home.path(), &[".", "--format", "json"]);
    assert_eq!(code(&out), 0);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["findings"][0]["severity"], "warning");
    write(
        d,
        "tests/test_keys.py",
        b"GITHUB_TOKEN = \"ghp_Q3kLm9Pw2XrT7vB4nY8cD1fG6hJ0sA5zZ9xq\"\n",
    );
    let out = common::botlint(d, home.path(), &[".", "--format", "json"]);
    assert_eq!(code(&out), 1);
}

#[test]
fn other_rules_snippets_are_redacted_even_with_the_secret_rule_off() {
    let home = common::isolated_home();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "bot.py",
        format!(
            "import requests\nrequests.get(\"https://api.binance.com/api/v3/account\", headers={{\"X-MBX-APIKEY\": \"{SECRET}\"}})\n"
        )
        .as_bytes(),
    );
    for args in [
        &[".", "--only", "http-timeout-missing"][..],
        &[".", "--only", "http-timeout-missing", "--format", "json"][..],
        &["."][..],
    ] {
        let out = common::botlint(d, home.path(), args);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("http-timeout-missing"), "{args:?}: {text}");
        assert!(!text.contains(SECRET), "{args:?} leaked: {text}");
        assert!(text.contains("Zq3k…"), "{args:?}: {text}");
    }
}

/// Bytes that are not UTF-8 (a Latin-1 comment) before a code-rule finding
/// leave its line and column where they are, in every front end.
#[test]
fn code_rule_spans_after_non_utf8_bytes_are_exact() {
    let home = common::isolated_home();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let files: [(&str, &[u8]); 3] = [
        (
            "a.py",
            b"# caf\xe9 \xe9\xe9\xe9\nimport requests\nx = 1; requests.get(\"https://api.example.com/x\")\n",
        ),
        (
            "b.js",
            b"// caf\xe9 \xe9\xe9\xe9\nconst axios = require('axios');\nx = 1; axios.get('https://api.example.com/x');\n",
        ),
        (
            "c.rs",
            b"// caf\xe9 \xe9\xe9\xe9\nfn f() { let _x = 1; let c = reqwest::Client::new(); }\n",
        ),
    ];
    for (name, bytes) in files {
        write(d, name, bytes);
    }
    let out = common::botlint(d, home.path(), &[".", "--format", "json", "--exit-zero"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let spans: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f["path"].as_str().unwrap(),
                f["rule"],
                f["span"]
            )
        })
        .collect();
    assert_eq!(
        spans,
        [
            r#"a.py "http-timeout-missing" {"end_col":49,"end_line":3,"start_col":8,"start_line":3}"#,
            r#"b.js "http-timeout-missing" {"end_col":46,"end_line":3,"start_col":8,"start_line":3}"#,
            r#"c.rs "http-timeout-missing" {"end_col":52,"end_line":2,"start_col":30,"start_line":2}"#,
        ]
    );
}

#[test]
fn utf16_sparse_and_nul_files() {
    let home = common::isolated_home();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // UTF-16 LE with a BOM: decoded and scanned.
    let text = format!("# settings\r\nAPI_TOKEN = \"{SECRET}\"\r\n");
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    write(d, "win.ps1", &utf16);
    // A 1 GiB sparse file: over the size cap, never read.
    let sparse = fs::File::create(d.join("huge.log")).unwrap();
    sparse.set_len(1 << 30).unwrap();
    // NUL bytes after the first 8 KiB: text, still scanned.
    let mut late_nul = vec![b'#'; 9000];
    late_nul.extend_from_slice(format!("\nAPI_TOKEN = \"{SECRET}\"\n\0\0").as_bytes());
    write(d, "late_nul.py", &late_nul);
    let start = Instant::now();
    let out = common::botlint(d, home.path(), &[".", "--format", "json"]);
    assert!(start.elapsed() < Duration::from_secs(20));
    let found = common::findings(&out.stdout);
    let at: Vec<(String, usize)> = found.iter().map(|f| (f.0.clone(), f.1)).collect();
    assert_eq!(
        at,
        [("late_nul.py".to_string(), 2), ("win.ps1".to_string(), 2)]
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let skipped = doc["skipped"].to_string();
    assert!(
        skipped.contains("huge.log") && skipped.contains("too large"),
        "{skipped}"
    );
}

#[test]
fn code_findings_in_tests_are_one_level_lower() {
    let home = common::isolated_home();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let code =
        b"import requests\nrequests.get('https://api.example.com/x', verify=False, timeout=5)\n";
    write(d, "bot/client.py", code);
    write(d, "tests/test_client.py", code);
    let out = common::botlint(d, home.path(), &[".", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sev = common::field_pairs(&doc, "findings", "path", "severity");
    assert_eq!(
        sev,
        [
            ("bot/client.py".to_string(), "error".to_string()),
            ("tests/test_client.py".to_string(), "warning".to_string())
        ]
    );
}

/// A tree of many small directories, removed by another hand while botlint
/// walks and reads it: whatever vanished is skipped with a reason (it was
/// there, now it is not: neither an I/O error nor a panic), the run ends with
/// 1 for the secret that stays, and `-v` lists what was skipped. Several
/// rounds, each starting the removal a little later, so that it meets the walk
/// and the reads at different points; some round must meet it.
#[test]
fn a_directory_removed_while_scanning_is_skipped_not_an_error() {
    const DIRS: usize = 150;
    const REASON: &str = "removed during the scan";
    let home = common::isolated_home();
    let mut raced = 0;
    for round in 0..10u64 {
        let root = tempfile::tempdir().unwrap();
        let d = root.path();
        write(
            d,
            "keep/bot.py",
            format!("API_SECRET = \"{SECRET}\"\n").as_bytes(),
        );
        for i in 0..DIRS {
            for f in ["a.py", "b.json", "c/d.txt"] {
                write(d, &format!("gone/{i:03}/{f}"), b"x = 1\n");
            }
        }
        let gone = d.join("gone");
        let remover = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(round * 4));
            // Directory by directory, as `rm -r` does: the walk meets half-removed ones.
            for i in 0..DIRS {
                let _ = fs::remove_dir_all(gone.join(format!("{i:03}")));
            }
        });
        let json = round % 2 == 0;
        let args: &[&str] = if json {
            &[".", "--format", "json", "--threads", "2"]
        } else {
            &[".", "-v", "--threads", "2"]
        };
        let start = Instant::now();
        let out = common::botlint(d, home.path(), args);
        assert!(start.elapsed() < Duration::from_secs(20), "round {round}");
        remover.join().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(code(&out), 1, "round {round}: {err}\n{stdout}");
        assert!(!err.contains("panicked"), "round {round}: {err}");
        // (path, reason) of every skipped entry.
        let skipped: Vec<(String, String)> = if json {
            let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(doc["errors"], serde_json::json!([]), "round {round}");
            assert_eq!(
                common::findings(&out.stdout),
                [(
                    "keep/bot.py".to_string(),
                    1,
                    "hardcoded-secret/generic-secret".to_string()
                )],
                "round {round}"
            );
            common::field_pairs(&doc, "skipped", "path", "reason")
        } else {
            assert!(!stdout.contains("error:"), "round {round}: {stdout}");
            assert!(stdout.contains("keep/bot.py:1:"), "round {round}: {stdout}");
            stdout
                .lines()
                .filter_map(|l| l.strip_prefix("skipped: "))
                .map(|l| {
                    let (p, r) = l.split_once(": ").expect("skipped: PATH: REASON");
                    (p.to_string(), r.to_string())
                })
                .collect()
        };
        for (path, reason) in &skipped {
            assert!(path.starts_with("gone/"), "round {round}: {path}");
            assert_eq!(reason, REASON, "round {round}: {path}");
        }
        raced += usize::from(!skipped.is_empty());
    }
    // The other rounds ran wholly before or after the removal.
    assert!(raced > 0, "no round met the removal");
}

/// The allocator's options are set before the first allocation
/// (a constructor in src/main.rs), and the environment still overrides them.
#[cfg(target_os = "linux")]
#[test]
fn allocator_options_are_set_before_main() {
    let options = |env: &[(&str, &str)]| {
        let out = Command::new(env!("CARGO_BIN_EXE_botlint"))
            .arg("--version")
            .env("MIMALLOC_VERBOSE", "1")
            .envs(env.iter().copied())
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let ours = options(&[]);
    assert!(ours.contains("option 'allow_thp': 0"), "{ours}");
    assert!(ours.contains("option 'purge_delay': 250"), "{ours}");
    // mimalloc's own default: arenas committed up front where the OS overcommits.
    assert!(ours.contains("option 'arena_eager_commit': 2"), "{ours}");
    let theirs = options(&[("MIMALLOC_ALLOW_THP", "1")]);
    assert!(theirs.contains("option 'allow_thp': 1"), "{theirs}");
}

/// A config whose secret keywords are too many for a keyword automaton is an
/// error at start-up, not a scan that quietly skips the secret rule: with the
/// code rules on (the keywords then go into the pass shared with the code
/// prefilter first) and with the secret rule alone.
#[test]
fn too_many_secret_keywords_is_an_error() {
    let home = common::isolated_home();
    let t = leaky_tree();
    // 120 000 random 10-letter keywords: a trie of some 800 000 states, each
    // with a row of 27 byte classes, past the 16 Mi transitions allowed.
    let mut rng = common::Rng(0x9e37_79b9_7f4a_7c15);
    let mut words = Vec::new();
    for _ in 0..120_000 {
        let w: String = (0..10)
            .map(|_| char::from(b'a' + rng.below(26) as u8))
            .collect();
        words.push(format!("\"{w}\""));
    }
    let config = format!(
        "[[secrets.pattern]]\nid = \"many-keywords\"\nname = \"Many keywords\"\n\
         regex = 'zz[0-9]{{40}}'\nkeywords = [{}]\n",
        words.join(",")
    );
    write(t.path(), "botlint.toml", config.as_bytes());
    for args in [&["."][..], &[".", "--only", "hardcoded-secret"][..]] {
        let out = common::botlint(t.path(), home.path(), args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(code(&out), 2, "{args:?}: {stderr}");
        assert!(
            stderr.contains("keyword set too large"),
            "{args:?}: {stderr}"
        );
    }
}
