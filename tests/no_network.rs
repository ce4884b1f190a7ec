//! botlint never opens a network connection: no HTTP, TLS or git-transport
//! crate is linked into the binary (`botlint db update` runs the system `git`).

use std::process::Command;

#[test]
fn no_network_crates_in_the_dependency_tree() {
    let out = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--edges",
            "normal,build",
            "--prefix",
            "none",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8_lossy(&out.stdout);
    let crates: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(
        crates.contains(&"rustsec"),
        "the tree should list our dependencies"
    );
    const NETWORK: &[&str] = &[
        "reqwest",
        "hyper",
        "h2",
        "ureq",
        "curl",
        "curl-sys",
        "isahc",
        "attohttpc",
        "rustls",
        "native-tls",
        "openssl",
        "openssl-sys",
        "tokio",
        "gix",
        "gix-transport",
        "git2",
        "libgit2-sys",
        "tame-index",
        "crates-index",
    ];
    let found: Vec<&&str> = NETWORK.iter().filter(|n| crates.contains(n)).collect();
    assert!(found.is_empty(), "network-capable crates linked: {found:?}");
}
