//! Inline suppressions: `botlint: ignore[rule-id]` (or `ignore[rule/sub-id]`,
//! several ids separated by commas, or a bare `botlint: ignore`) in any
//! comment syntax, on the finding's line or the line above.

/// What a line's marker suppresses.
#[derive(Debug, PartialEq, Eq)]
pub enum Marker {
    /// `botlint: ignore` with no ids: everything on the line.
    All,
    /// `botlint: ignore[a, b/c]`.
    Ids(Vec<String>),
}

pub fn parse_marker(line: &str) -> Option<Marker> {
    let idx = line.find("botlint:")?;
    let rest = line[idx + "botlint:".len()..].trim_start();
    let rest = rest.strip_prefix("ignore")?;
    if let Some(list) = rest.strip_prefix('[') {
        let end = list.find(']')?;
        let ids = list[..end]
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        return Some(Marker::Ids(ids));
    }
    match rest.chars().next() {
        None => Some(Marker::All),
        Some(c) if !c.is_alphanumeric() && c != '-' && c != '_' => Some(Marker::All),
        _ => None,
    }
}

impl Marker {
    pub fn covers(&self, rule: &str, sub_id: Option<&str>) -> bool {
        match self {
            Marker::All => true,
            Marker::Ids(ids) => ids.iter().any(|id| {
                id == rule
                    || sub_id.is_some_and(|s| {
                        id.strip_prefix(rule)
                            .and_then(|r| r.strip_prefix('/'))
                            .is_some_and(|r| r == s)
                    })
            }),
        }
    }
}

/// Other scanners' markers that botlint honours for `hardcoded-secret`, so a
/// repository that adopted detect-secrets or gitleaks keeps its reviewed allowances.
const PEER_SECRET_MARKERS: &[&str] = &["pragma: allowlist secret", "gitleaks:allow"];

/// Is a finding at 1-based `line` of `rule` suppressed, given a way to read lines?
pub fn is_suppressed(
    line: usize,
    rule: &str,
    sub_id: Option<&str>,
    text_of: impl Fn(usize) -> Option<String>,
) -> bool {
    let own_line = text_of(line);
    if rule == "hardcoded-secret"
        && own_line
            .as_deref()
            .is_some_and(|t| PEER_SECRET_MARKERS.iter().any(|m| t.contains(m)))
    {
        return true;
    }
    [
        own_line,
        line.checked_sub(1).filter(|&l| l >= 1).and_then(&text_of),
    ]
    .into_iter()
    .flatten()
    .filter_map(|t| parse_marker(&t))
    .any(|m| m.covers(rule, sub_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers() {
        assert_eq!(parse_marker("x = 1  # botlint: ignore"), Some(Marker::All));
        assert_eq!(
            parse_marker("x // botlint: ignore[hardcoded-secret, secret-in-log]"),
            Some(Marker::Ids(vec![
                "hardcoded-secret".into(),
                "secret-in-log".into()
            ]))
        );
        assert_eq!(
            parse_marker("/* botlint:ignore[a] */"),
            Some(Marker::Ids(vec!["a".into()]))
        );
        assert_eq!(parse_marker("botlint: ignored"), None);
        assert_eq!(parse_marker("x = 1"), None);
    }

    #[test]
    fn coverage() {
        let m = Marker::Ids(vec!["hardcoded-secret/aws-access-key".into()]);
        assert!(m.covers("hardcoded-secret", Some("aws-access-key")));
        assert!(!m.covers("hardcoded-secret", Some("generic-secret")));
        let lines = [
            "# botlint: ignore[hardcoded-secret]",
            "key = 1",
            "other = 2",
        ];
        let get = |l: usize| lines.get(l - 1).map(|s| s.to_string());
        assert!(is_suppressed(2, "hardcoded-secret", None, get));
        assert!(!is_suppressed(3, "hardcoded-secret", None, get));
        assert!(!is_suppressed(2, "env-file-tracked", None, get));
        let lines = [
            "k = 'x'  # pragma: allowlist secret",
            "k = 'x'  // gitleaks:allow",
        ];
        let get = |l: usize| lines.get(l - 1).map(|s| s.to_string());
        assert!(is_suppressed(
            1,
            "hardcoded-secret",
            Some("generic-secret"),
            get
        ));
        assert!(is_suppressed(2, "hardcoded-secret", None, get));
        assert!(!is_suppressed(2, "secret-in-log", None, get));
    }
}
