//! Converts the TOML files of `rules/` to JSON for the binary to embed beside
//! them. The scan reads the JSON: deserializing it takes a third of the time
//! the TOML takes (0.12 against 0.45 ms for rules/secrets.toml), and every run
//! reads the rule data before it scans its first file. The TOML files stay
//! the source: contributors edit them, and the tests check that both say the
//! same (`rules::tests::embedded_json_is_the_toml`), but for the secret
//! patterns' examples, which only the tests read (from the TOML).
//!
//! It also derives each built-in secret pattern's gate (`src/secrets/gate_source.rs`,
//! read here as it is in the crate), so that a scan parses the gate's small regex
//! rather than the pattern's whole one (`secrets::pattern::tests` checks that the
//! gates are those the scan would derive).
use std::fmt::Write as _;
use std::path::Path;

#[path = "src/secrets/gate_source.rs"]
#[allow(dead_code)]
mod gate_source;

fn main() {
    let out = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    println!("cargo:rerun-if-changed=rules");
    let mut entries: Vec<_> = std::fs::read_dir("rules")
        .expect("the rules/ folder")
        .map(|e| e.expect("an entry of rules/").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        println!("cargo:rerun-if-changed={}", path.display());
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut data: toml::Table = toml::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not valid TOML: {e}", path.display()));
        let name = path.file_stem().expect("a file name");
        if name == "secrets" {
            write_gates(&data, &Path::new(&out).join("secret-gates.rs"));
            strip_examples(&mut data);
        }
        let json = serde_json::to_vec(&data)
            .unwrap_or_else(|e| panic!("{}: not expressible as JSON: {e}", path.display()));
        let target = Path::new(&out).join(name).with_extension("json");
        std::fs::write(&target, json).unwrap_or_else(|e| panic!("{}: {e}", target.display()));
    }
}

/// The secret patterns' `positive` and `negative` examples are for the tests
/// (which read the TOML): half of the file, which every scan would deserialize
/// before its first file (0.5 M instructions).
fn strip_examples(secrets: &mut toml::Table) {
    let patterns = secrets.get_mut("pattern").and_then(|p| p.as_array_mut());
    for p in patterns.into_iter().flatten() {
        if let Some(p) = p.as_table_mut() {
            p.remove("positive");
            p.remove("negative");
        }
    }
}

/// `rules/secrets.toml`'s patterns as a Rust slice of `(id, gate)`: the source
/// of each pattern's gate regex, no gate, or (where the regex regex-syntax
/// prints reads back as another) a gate for the scan to derive.
fn write_gates(secrets: &toml::Table, target: &Path) {
    let patterns = secrets
        .get("pattern")
        .and_then(|p| p.as_array())
        .expect("rules/secrets.toml: [[pattern]] entries");
    let mut code = String::from("&[\n");
    for p in patterns {
        let field = |name: &str| p.get(name).and_then(|v| v.as_str());
        let id = field("id").expect("rules/secrets.toml: a pattern without an id");
        let regex = field("regex").unwrap_or_else(|| panic!("pattern {id}: no regex"));
        let hir = gate_source::parse_hir(regex).unwrap_or_else(|| {
            panic!("rules/secrets.toml: pattern {id}: the regex does not parse")
        });
        let gate = match gate_source::derive(&hir) {
            None => "BuiltInGate::NoGate".to_string(),
            Some(d) => match gate_source::source(&d) {
                Some(source) => format!("BuiltInGate::Regex({source:?})"),
                None => "BuiltInGate::AtRunTime".to_string(),
            },
        };
        writeln!(code, "    ({id:?}, {gate}),").expect("writing to a String");
    }
    code.push(']');
    std::fs::write(target, code).unwrap_or_else(|e| panic!("{}: {e}", target.display()));
}
