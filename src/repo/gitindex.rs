//! Reading git's index (`.git/index`, versions 2–4) without a `git` binary:
//! just the paths of the tracked files.

use std::path::{Path, PathBuf};

/// A git working tree: its top directory and its git directory.
#[derive(Debug, Clone)]
pub struct Repo {
    pub top: PathBuf,
    pub git_dir: PathBuf,
}

/// The repository that contains `path`, if any (a `.git` directory, or a
/// `.git` file pointing elsewhere as in worktrees and submodules).
pub fn find_repo(path: &Path) -> Option<Repo> {
    let start = std::fs::canonicalize(path).ok()?;
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(d) = dir {
        let dotgit = d.join(".git");
        if let Ok(md) = std::fs::symlink_metadata(&dotgit) {
            if md.is_dir() {
                return Some(Repo {
                    top: d.to_path_buf(),
                    git_dir: dotgit,
                });
            }
            if md.is_file() {
                let text = std::fs::read_to_string(&dotgit).ok()?;
                let target = text.trim().strip_prefix("gitdir:")?.trim();
                let git_dir = d.join(target);
                return Some(Repo {
                    top: d.to_path_buf(),
                    git_dir,
                });
            }
        }
        dir = d.parent();
    }
    None
}

#[derive(Debug, PartialEq, Eq)]
pub enum IndexError {
    Missing,
    Malformed(String),
}

fn hash_len(git_dir: &Path) -> usize {
    // `objectformat = sha256` in [extensions] switches to 32-byte object ids.
    let cfg = std::fs::read_to_string(git_dir.join("config")).unwrap_or_default();
    let sha256 = cfg.lines().any(|l| {
        let l = l.trim().to_ascii_lowercase().replace(' ', "");
        l == "objectformat=sha256"
    });
    if sha256 {
        32
    } else {
        20
    }
}

/// Paths (relative to the working tree, `/`-separated) of every file in the index.
pub fn tracked_paths(repo: &Repo) -> Result<Vec<String>, IndexError> {
    let data = match std::fs::read(repo.git_dir.join("index")) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(IndexError::Missing),
        Err(e) => return Err(IndexError::Malformed(e.to_string())),
    };
    parse_index(&data, hash_len(&repo.git_dir))
}

fn be32(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

pub fn parse_index(d: &[u8], hash_len: usize) -> Result<Vec<String>, IndexError> {
    let bad = |m: &str| IndexError::Malformed(m.to_string());
    if d.get(0..4) != Some(b"DIRC") {
        return Err(bad("no DIRC signature"));
    }
    let version = be32(d, 4).ok_or_else(|| bad("truncated header"))?;
    if !(2..=4).contains(&version) {
        return Err(bad(&format!("unsupported index version {version}")));
    }
    let count = be32(d, 8).ok_or_else(|| bad("truncated header"))? as usize;
    let mut pos = 12;
    let mut paths = Vec::with_capacity(count.min(1 << 20));
    let mut prev: Vec<u8> = Vec::new();
    for n in 1..=count {
        let entry_start = pos;
        let flags_at = pos + 40 + hash_len;
        let flags = d
            .get(flags_at..flags_at + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(|| bad("truncated entry"))?;
        pos = flags_at + 2;
        if version >= 3 && flags & 0x4000 != 0 {
            pos += 2;
        }
        let path = if version == 4 {
            // Varint: how many bytes to drop from the end of the previous path.
            let mut strip: usize = 0;
            loop {
                let b = *d.get(pos).ok_or_else(|| bad("truncated varint"))?;
                pos += 1;
                // A varint longer than a path can be is not an index.
                strip = strip
                    .checked_mul(128)
                    .and_then(|s| s.checked_add(usize::from(b & 0x7f)))
                    .ok_or_else(|| bad("bad prefix"))?;
                if b & 0x80 == 0 {
                    break;
                }
                strip = strip.checked_add(1).ok_or_else(|| bad("bad prefix"))?;
            }
            let nul = d[pos.min(d.len())..]
                .iter()
                .position(|&b| b == 0)
                .ok_or_else(|| bad("unterminated path"))?;
            let keep = prev
                .len()
                .checked_sub(strip)
                .ok_or_else(|| bad("bad prefix"))?;
            let mut p = prev[..keep].to_vec();
            p.extend_from_slice(&d[pos..pos + nul]);
            pos += nul + 1;
            p
        } else {
            let nul = d[pos.min(d.len())..]
                .iter()
                .position(|&b| b == 0)
                .ok_or_else(|| bad("unterminated path"))?;
            let p = d[pos..pos + nul].to_vec();
            // Entries are padded with 1–8 NULs to a multiple of 8 bytes.
            let len = pos + nul - entry_start;
            pos = entry_start + (len + 8) / 8 * 8;
            p
        };
        let shown = String::from_utf8_lossy(&path).into_owned();
        // Git never writes `..`, `.`, empty parts or a leading `/`; a crafted
        // index could, and the scan must not follow it out of the work tree.
        if path
            .split(|&b| b == b'/')
            .any(|c| matches!(c, b"" | b"." | b".."))
        {
            return Err(bad(&format!(
                "entry {n}: path {shown:?} leaves the working tree"
            )));
        }
        paths.push(shown);
        prev = path;
    }
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Build an index the way git writes it.
    fn index(version: u32, paths: &[&str]) -> Vec<u8> {
        let mut d = b"DIRC".to_vec();
        d.extend(version.to_be_bytes());
        d.extend((paths.len() as u32).to_be_bytes());
        let mut prev = String::new();
        for p in paths {
            let start = d.len();
            d.extend([0u8; 40]);
            d.extend([0xabu8; 20]);
            d.extend((p.len() as u16).min(0xfff).to_be_bytes());
            if version == 4 {
                let common = prev
                    .bytes()
                    .zip(p.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                d.push((prev.len() - common) as u8);
                d.extend(&p.as_bytes()[common..]);
                d.push(0);
            } else {
                d.extend(p.as_bytes());
                let len = d.len() - start;
                d.extend(std::iter::repeat_n(0u8, (len + 8) / 8 * 8 - len));
            }
            prev = p.to_string();
        }
        d
    }

    #[test]
    fn parses_v2_and_v4() {
        let paths = [".env", "bot/.env.local", "bot/main.py", "bot/main2.py"];
        assert_eq!(parse_index(&index(2, &paths), 20).unwrap(), paths);
        assert_eq!(parse_index(&index(4, &paths), 20).unwrap(), paths);
    }

    #[test]
    fn rejects_paths_that_leave_the_work_tree() {
        for p in ["../x", "a/../../x", "/etc/passwd", "a//b", "./a", "a/", ""] {
            for v in [2, 4] {
                assert_eq!(
                    parse_index(&index(v, &["ok", p]), 20),
                    Err(IndexError::Malformed(format!(
                        "entry 2: path {p:?} leaves the working tree"
                    ))),
                    "v{v} {p:?}"
                );
            }
        }
        assert!(parse_index(&index(2, &["..a/b..", ".env"]), 20).is_ok());
    }

    #[test]
    fn an_overlong_varint_is_an_error() {
        // The fuzzer's input: a prefix varint that overflowed `usize`.
        let d = include_bytes!("../../fuzz/regressions/gitindex/varint-overflow");
        assert_eq!(
            parse_index(d, 20),
            Err(IndexError::Malformed("bad prefix".into()))
        );
    }

    #[test]
    fn rejects_garbage() {
        assert!(parse_index(b"nope", 20).is_err());
        let mut d = index(2, &["a"]);
        d.truncate(30);
        assert!(parse_index(&d, 20).is_err());
    }
}
