//! `yanked-dependency`, answered offline from cargo's local index cache.
//!
//! Cargo keeps what it fetched of the crates.io index under
//! `$CARGO_HOME/registry/index/<index.crates.io-…|github.com-…>/.cache/`, one
//! file per crate (`se/rd/serde`, `3/s/syn`, `2/cc`, `1/a`): a version byte
//! (3), the index format version (`u32`, little endian), the index revision
//! and then, NUL-separated, pairs of version string and that version's JSON
//! index line (which carries `"yanked": true|false`). A crate that is not in
//! the cache, or a version the cached file does not list yet, is *not
//! checked*, and the run's warnings say so: never a silent "clean".

use std::path::{Path, PathBuf};

/// The cache format this reader understands.
const CACHE_VERSION: u8 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Yanked {
    Yes,
    No,
    /// The cache cannot answer.
    Unknown,
}

/// The crates.io index caches on this machine.
#[derive(Debug, Default)]
pub struct IndexCache {
    dirs: Vec<PathBuf>,
}

impl IndexCache {
    /// `$CARGO_HOME/registry/index` (default `~/.cargo/registry/index`).
    pub fn discover() -> IndexCache {
        let home = std::env::var_os("CARGO_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME")
                    .filter(|v| !v.is_empty())
                    .map(|h| PathBuf::from(h).join(".cargo"))
            });
        match home {
            Some(h) => IndexCache::at(&h.join("registry").join("index")),
            None => IndexCache::default(),
        }
    }

    /// The crates.io caches under a `registry/index` directory.
    pub fn at(index_root: &Path) -> IndexCache {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(index_root)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| {
                let n = e.file_name();
                let n = n.to_string_lossy();
                n.starts_with("index.crates.io-") || n.starts_with("github.com-")
            })
            .map(|e| e.path().join(".cache"))
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        IndexCache { dirs }
    }

    pub fn is_empty(&self) -> bool {
        self.dirs.is_empty()
    }

    /// Was `name` `version` yanked, as far as the cache knows?
    pub fn lookup(&self, name: &str, version: &str) -> Yanked {
        let rel = cache_path(name);
        let mut answer = Yanked::Unknown;
        for dir in &self.dirs {
            let Ok(bytes) = std::fs::read(dir.join(&rel)) else {
                continue;
            };
            match yanked_in(&bytes, version) {
                Yanked::Yes => return Yanked::Yes,
                Yanked::No => answer = Yanked::No,
                Yanked::Unknown => {}
            }
        }
        answer
    }
}

/// Where the index keeps a crate: `1/a`, `2/ab`, `3/a/abc`, `ab/cd/abcd…` (lower case).
fn cache_path(name: &str) -> PathBuf {
    let n = name.to_ascii_lowercase();
    match n.len() {
        1 => PathBuf::from("1").join(&n),
        2 => PathBuf::from("2").join(&n),
        3 => PathBuf::from("3").join(&n[..1]).join(&n),
        _ => PathBuf::from(&n[..2]).join(&n[2..4]).join(&n),
    }
}

#[derive(serde::Deserialize)]
struct IndexLine {
    vers: String,
    #[serde(default)]
    yanked: bool,
}

/// Look `version` up in one cache file's bytes.
///
/// The file is searched for the segment `\0<version>\0`, not split at every
/// NUL: cache files of crates with many releases run to megabytes, and a
/// lockfile names hundreds of crates (splitting byte by byte was 7 % of a scan
/// of nautilus_trader). Only a version segment can match: the revision is the
/// first segment (no NUL before it) and JSON lines start with `{`.
fn yanked_in(bytes: &[u8], version: &str) -> Yanked {
    if bytes.len() < 5 || bytes[0] != CACHE_VERSION {
        return Yanked::Unknown;
    }
    let body = &bytes[5..];
    let needle = [b"\0", version.as_bytes(), b"\0"].concat();
    for at in memchr::memmem::find_iter(body, &needle) {
        let from = at + needle.len();
        let json = match memchr::memchr(0, &body[from..]) {
            Some(n) => &body[from..from + n],
            None => &body[from..],
        };
        match serde_json::from_slice::<IndexLine>(json) {
            Ok(line) if line.vers == version => {
                return if line.yanked { Yanked::Yes } else { Yanked::No };
            }
            _ => {}
        }
    }
    Yanked::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache_file(entries: &[(&str, bool)]) -> Vec<u8> {
        let mut b = vec![CACHE_VERSION];
        b.extend_from_slice(&2u32.to_le_bytes());
        b.extend_from_slice(b"Unknown\0");
        for (v, y) in entries {
            b.extend_from_slice(v.as_bytes());
            b.push(0);
            b.extend_from_slice(
                format!(r#"{{"name":"x","vers":"{v}","deps":[],"cksum":"00","features":{{}},"yanked":{y}}}"#)
                    .as_bytes(),
            );
            b.push(0);
        }
        b
    }

    #[test]
    fn paths() {
        assert_eq!(cache_path("a"), PathBuf::from("1/a"));
        assert_eq!(cache_path("cc"), PathBuf::from("2/cc"));
        assert_eq!(cache_path("syn"), PathBuf::from("3/s/syn"));
        assert_eq!(cache_path("Serde"), PathBuf::from("se/rd/serde"));
    }

    #[test]
    fn reads_the_yanked_flag() {
        let f = cache_file(&[("0.1.0", false), ("0.1.1", true)]);
        assert_eq!(yanked_in(&f, "0.1.0"), Yanked::No);
        assert_eq!(yanked_in(&f, "0.1.1"), Yanked::Yes);
        assert_eq!(yanked_in(&f, "0.2.0"), Yanked::Unknown);
        let mut old = f.clone();
        old[0] = 1;
        assert_eq!(yanked_in(&old, "0.1.0"), Yanked::Unknown);
        assert_eq!(yanked_in(b"", "0.1.0"), Yanked::Unknown);
        // A version is a whole segment: not a prefix of another, not the
        // revision, not text inside a JSON line.
        let f = cache_file(&[("0.1.10", true), ("1.0.0", false)]);
        assert_eq!(yanked_in(&f, "0.1.1"), Yanked::Unknown);
        assert_eq!(yanked_in(&f, "0.1.10"), Yanked::Yes);
        assert_eq!(yanked_in(&f, "Unknown"), Yanked::Unknown);
        assert_eq!(yanked_in(&f, "x"), Yanked::Unknown);
        // The last entry, with or without its closing NUL.
        assert_eq!(yanked_in(&f, "1.0.0"), Yanked::No);
        assert_eq!(yanked_in(&f[..f.len() - 1], "1.0.0"), Yanked::No);
        // A version segment whose line names another version answers nothing.
        let good = cache_file(&[("2.0.0", true)]);
        let odd =
            String::from_utf8(good.clone())
                .unwrap()
                .replacen("\x002.0.0\0", "\x002.0.1\0", 1);
        assert_ne!(odd.as_bytes(), &good[..]);
        assert_eq!(yanked_in(odd.as_bytes(), "2.0.1"), Yanked::Unknown);
        assert_eq!(yanked_in(odd.as_bytes(), "2.0.0"), Yanked::Unknown);
    }

    #[test]
    fn looks_in_every_crates_io_cache() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp
            .path()
            .join("index.crates.io-0123456789abcdef/.cache/ya/nk");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("yankme"), cache_file(&[("1.0.0", true)])).unwrap();
        std::fs::create_dir_all(tmp.path().join("other-registry-1/.cache")).unwrap();
        let cache = IndexCache::at(tmp.path());
        assert!(!cache.is_empty());
        assert_eq!(cache.lookup("yankme", "1.0.0"), Yanked::Yes);
        assert_eq!(cache.lookup("yankme", "1.0.1"), Yanked::Unknown);
        assert_eq!(cache.lookup("absent", "1.0.0"), Yanked::Unknown);
        assert!(IndexCache::at(&tmp.path().join("none")).is_empty());
    }
}
