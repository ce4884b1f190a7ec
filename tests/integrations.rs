//! What CI systems and adopters meet: SARIF, GitHub annotations and job
//! summary, baselines. (Schema validation of the SARIF output runs in `.ci/run`
//! with check-jsonschema against the official schema.)

mod common;

use serde_json::Value;
use std::fs;
use std::path::Path;

const SECRET: &str = "Zq3kLm9Pw2XrT7vB4nY8cD1fG6hJ0sA5";
const OTHER: &str = "Hn4Tq8Wc2Lz6Rb1Xp9Kd3Vm7Fs5Gy0Ja";

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn code(out: &std::process::Output) -> i32 {
    out.status.code().expect("exit code")
}

fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(bytes)))
}

#[test]
fn sarif_has_every_rule_and_github_fields() {
    let home = common::isolated_home();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "bot.py", &format!("x = 1\nAPI_SECRET = \"{SECRET}\"\n"));
    write(d, "my dir/ü#1.py", &format!("API_SECRET = \"{OTHER}\"\n"));
    let out = common::botlint(d, home.path(), &[".", "--format", "sarif"]);
    assert_eq!(code(&out), 1);
    let sarif = json(&out.stdout);
    let js = json(&common::botlint(d, home.path(), &[".", "--format", "json"]).stdout);
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    // Every rule of the catalogue, generically (`botlint rules` lists them).
    let listing = common::botlint(d, home.path(), &["rules"]);
    let listing = String::from_utf8_lossy(&listing.stdout);
    let catalogue: Vec<&str> = listing
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, catalogue);
    for r in rules {
        for field in ["shortDescription", "fullDescription"] {
            assert!(!r[field]["text"].as_str().unwrap().is_empty());
        }
        assert!(r["help"]["text"]
            .as_str()
            .unwrap()
            .contains("How to fix it"));
        assert!(r["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## Why it is bad"));
        let tags: Vec<&str> = r["properties"]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert!(tags.contains(&"security"), "{tags:?}");
        let score: f64 = r["properties"]["security-severity"]
            .as_str()
            .expect("security-severity is a string")
            .parse()
            .unwrap();
        assert!((0.1..=10.0).contains(&score));
        assert!(r["properties"]["precision"].is_string());
    }
    let secret_rule = &rules[ids.iter().position(|i| *i == "hardcoded-secret").unwrap()];
    assert!(secret_rule["properties"]["tags"]
        .as_array()
        .unwrap()
        .contains(&Value::from("external/cwe/cwe-798")));

    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let findings = js["findings"].as_array().unwrap();
    for (r, f) in results.iter().zip(findings) {
        assert_eq!(r["ruleId"], "hardcoded-secret");
        assert_eq!(
            rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"],
            "hardcoded-secret"
        );
        assert_eq!(r["level"], "error");
        assert_eq!(r["properties"]["sub-id"], f["sub_id"]);
        assert_eq!(r["partialFingerprints"]["botlint/v1"], f["fingerprint"]);
        assert_eq!(r["message"]["text"], f["message"]);
        let loc = &r["locations"][0]["physicalLocation"];
        let region = &loc["region"];
        assert_eq!(region["startLine"], f["span"]["start_line"]);
        assert_eq!(region["startColumn"], f["span"]["start_col"]);
        assert_eq!(region["endLine"], f["span"]["end_line"]);
        assert_eq!(region["endColumn"], f["span"]["end_col"]);
        assert_eq!(region["snippet"]["text"], f["snippet"]);
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    }
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(uris, ["bot.py", "my%20dir/%C3%BC%231.py"]);
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn github_annotations_and_job_summary() {
    let home = common::isolated_home();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for i in 0..12 {
        write(
            d,
            &format!("a,b/f{i:02}.py"),
            &format!("API_TOKEN = \"{SECRET}{i}\"\n"),
        );
    }
    // Without $GITHUB_STEP_SUMMARY: annotations only.
    let out = common::botlint(d, home.path(), &[".", "--format", "github"]);
    assert_eq!(code(&out), 1);
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with(
            "::error file=a%2Cb/f00.py,line=1,col=14,endLine=1,endColumn=47,\
             title=botlint hardcoded-secret/generic-secret::Credential `Zq3k…` is hardcoded%0Afix: "
        ),
        "{first}"
    );
    assert_eq!(
        text.lines().filter(|l| l.starts_with("::error ")).count(),
        12
    );
    assert!(text.contains("::notice title=botlint::GitHub shows only the first 10"));
    assert!(text.contains("botlint: 12 findings (12 errors"));

    let summary = d.join("summary.md");
    let s = summary.to_str().unwrap();
    fs::write(&summary, "earlier step\n").unwrap();
    let out = common::botlint_env(
        d,
        home.path(),
        &[".", "--format", "github"],
        &[("GITHUB_STEP_SUMMARY", s)],
    );
    assert_eq!(code(&out), 1);
    let md = fs::read_to_string(&summary).unwrap();
    assert!(
        md.starts_with("earlier step\n## botlint\n"),
        "appends: {md}"
    );
    assert!(md.contains("| `hardcoded-secret` | error | 12 |"), "{md}");
    assert_eq!(
        md.matches("| error | `hardcoded-secret/generic-secret` |")
            .count(),
        12
    );
    // --summary FILE works with any format; a clean run says so.
    let clean = tempfile::tempdir().unwrap();
    write(clean.path(), "ok.py", "x = 1\n");
    let out = common::botlint(clean.path(), home.path(), &[".", "--summary", "s.md"]);
    assert_eq!(code(&out), 0);
    let md = fs::read_to_string(clean.path().join("s.md")).unwrap();
    assert!(md.contains("No findings in 1 files"), "{md}");
}

#[test]
fn baseline_survives_moved_lines_and_counts_duplicates() {
    let home = common::isolated_home();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let leak = format!("API_SECRET = \"{SECRET}\"\n");
    write(d, "bot.py", &format!("import os\n{leak}"));
    write(d, "cfg.py", "url = 'https://api.binance.com'\n");
    let out = common::botlint(
        d,
        home.path(),
        &["baseline", ".", "-o", ".botlint-baseline.json"],
    );
    assert_eq!(code(&out), 0, "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("wrote 1 findings"));
    let base: Value = json(&fs::read(d.join(".botlint-baseline.json")).unwrap());
    assert_eq!(base["version"], 1);
    assert_eq!(base["findings"][0]["count"], 1);
    assert_eq!(
        base["findings"][0]["rule"],
        "hardcoded-secret/generic-secret"
    );
    // The baseline file itself (scanned with the rest) yields nothing, and the old leak is known.
    let run = |args: &[&str]| {
        let mut a = vec![".", "--baseline", ".botlint-baseline.json"];
        a.extend_from_slice(args);
        common::botlint(d, home.path(), &a)
    };
    let out = run(&["--format", "json"]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stdout));
    let doc = json(&out.stdout);
    assert_eq!(doc["summary"]["baselined"], 1);
    assert_eq!(doc["findings"].as_array().unwrap().len(), 0);

    // Moving the line (code inserted above, re-indented) keeps it baselined.
    write(
        d,
        "bot.py",
        &format!("import os\nimport sys\n\n\ndef main():\n    pass\n\n    {leak}"),
    );
    let out = run(&["--format", "json"]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stdout));
    // A second identical leak in the same file is new; the first stays baselined.
    write(d, "bot.py", &format!("import os\n{leak}x = 1\n{leak}"));
    let out = run(&["--format", "json"]);
    assert_eq!(code(&out), 1);
    let f = common::findings(&out.stdout);
    assert_eq!(
        f,
        [(
            "bot.py".to_string(),
            4,
            "hardcoded-secret/generic-secret".to_string()
        )]
    );
    assert_eq!(json(&out.stdout)["summary"]["baselined"], 1);
    // The same value in another file, or another value in the same file, is new.
    write(d, "bot.py", &format!("import os\n{leak}"));
    write(d, "cfg.py", &leak);
    write(d, "other.py", &format!("API_SECRET = \"{OTHER}\"\n"));
    let f = common::findings(&run(&["--format", "json"]).stdout);
    let paths: Vec<&str> = f.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(paths, ["cfg.py", "other.py"]);
    // SARIF marks what it reports as new; text says how many the baseline hid.
    let sarif = json(&run(&["--format", "sarif"]).stdout);
    assert_eq!(sarif["runs"][0]["results"][0]["baselineState"], "new");
    let text = String::from_utf8_lossy(&run(&[]).stdout).into_owned();
    assert!(text.contains("; 1 in the baseline"), "{text}");

    // A missing or malformed baseline is an error, not a clean run.
    let out = common::botlint(d, home.path(), &[".", "--baseline", "nope.json"]);
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.json"));
    write(d, "bad.json", "{\"findings\": 3}");
    let out = common::botlint(d, home.path(), &[".", "--baseline", "bad.json"]);
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a botlint baseline"));
}

#[test]
fn the_packaging_pyproject_configures_nothing() {
    // The wheel's pyproject.toml sits above every fixture; config discovery walks up
    // through it and must find no [tool.botlint] table there.
    let root = common::manifest_dir();
    let text = fs::read_to_string(root.join("pyproject.toml")).unwrap();
    let doc: toml::Table = text.parse().unwrap();
    assert!(
        doc.get("tool").and_then(|t| t.get("botlint")).is_none(),
        "pyproject.toml must not hold [tool.botlint]"
    );
    let cfg = botlint::config::Config::discover(&root.join("fixtures/example-bot")).unwrap();
    assert!(cfg.source.is_none(), "found a config: {:?}", cfg.source);
}
