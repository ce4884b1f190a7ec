//! `--format github`: GitHub Actions workflow commands
//! (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`), and
//! the markdown job summary.
//!
//! GitHub shows at most 10 error and 10 warning annotations per step, so the
//! annotations are a pointer, not the list: the job summary (counts per rule and
//! the first findings) and the SARIF file carry everything.

use super::sarif::path_to_uri;
use crate::finding::{Finding, Severity};
use crate::scan::ScanReport;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;

/// Annotations GitHub displays per step and per level (error, warning).
const SHOWN_PER_LEVEL: usize = 10;

/// Escape a workflow command's message: `%`, CR, LF.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a workflow command's property value: as data, plus `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    }
}

pub fn annotation(f: &Finding) -> String {
    let s = f.span;
    let mut props = format!(
        "file={},line={}",
        escape_property(&f.path),
        s.start_line.max(1)
    );
    let empty = s.end_line == s.start_line && s.end_col <= s.start_col;
    if !empty {
        let _ = write!(props, ",col={}", s.start_col.max(1));
    }
    let _ = write!(props, ",endLine={}", s.end_line.max(s.start_line));
    // GitHub takes columns only on single-line annotations.
    if !empty && s.end_line == s.start_line {
        let _ = write!(props, ",endColumn={}", s.end_col);
    }
    let _ = write!(
        props,
        ",title={}",
        escape_property(&format!("botlint {}", f.full_id()))
    );
    let mut msg = f.message.clone();
    if let Some(fix) = &f.fix {
        msg.push_str("\nfix: ");
        msg.push_str(fix);
    }
    format!("::{} {props}::{}", command(f.severity), escape_data(&msg))
}

pub fn write(report: &ScanReport, out: &mut dyn Write) -> std::io::Result<()> {
    for f in &report.findings {
        writeln!(out, "{}", annotation(f))?;
    }
    for w in &report.warnings {
        writeln!(out, "::warning title=botlint::{}", escape_data(w))?;
    }
    for e in &report.errors {
        writeln!(out, "::error title=botlint::{}", escape_data(e))?;
    }
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    let (e, w) = (count(Severity::Error), count(Severity::Warning));
    if e > SHOWN_PER_LEVEL || w > SHOWN_PER_LEVEL {
        writeln!(
            out,
            "::notice title=botlint::GitHub shows only the first {SHOWN_PER_LEVEL} error and \
             {SHOWN_PER_LEVEL} warning annotations of a step; all {} findings are in the log \
             above, the job summary and the SARIF file",
            report.findings.len()
        )?;
    }
    writeln!(out, "{}", summary_line(report))
}

fn summary_line(report: &ScanReport) -> String {
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    let mut line = format!(
        "botlint: {} findings ({} errors, {} warnings, {} notes) in {} files",
        report.findings.len(),
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Note),
        report.files_scanned
    );
    if !report.skipped.is_empty() {
        let _ = write!(line, "; {} skipped", report.skipped.len());
    }
    if report.suppressed > 0 {
        let _ = write!(line, "; {} suppressed inline", report.suppressed);
    }
    if let Some(b) = report.baselined {
        let _ = write!(line, "; {b} in the baseline");
    }
    line
}

/// The job summary stops adding rows past this size; GitHub's limit is 1 MiB.
pub const SUMMARY_BUDGET: usize = 64 * 1024;
/// At most this many findings are listed one by one.
pub const SUMMARY_ROWS: usize = 100;

/// Escape text for a markdown table cell: no raw HTML, no cell breaks, one line.
fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `path:line`, linked to the file at this commit when the GitHub environment says where.
fn location(f: &Finding, env: &dyn Fn(&str) -> Option<String>) -> String {
    let text = cell(&format!("{}:{}", f.path, f.span.start_line));
    let (Some(server), Some(repo), Some(sha)) = (
        env("GITHUB_SERVER_URL"),
        env("GITHUB_REPOSITORY"),
        env("GITHUB_SHA"),
    ) else {
        return text;
    };
    if f.path.starts_with('/') || f.path.starts_with("..") {
        return text;
    }
    let ok = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._/:".contains(c))
    };
    if !ok(&server) || !ok(&repo) || !ok(&sha) {
        return text;
    }
    format!(
        "[{text}]({server}/{repo}/blob/{sha}/{}#L{})",
        path_to_uri(&f.path).replace(')', "%29").replace('(', "%28"),
        f.span.start_line
    )
}

/// The markdown job summary: totals, counts per rule, then the findings (errors
/// first) until [`SUMMARY_ROWS`] rows or [`SUMMARY_BUDGET`] bytes.
pub fn summary(report: &ScanReport, env: &dyn Fn(&str) -> Option<String>) -> String {
    let mut s = String::from("## botlint\n\n");
    if report.findings.is_empty() {
        let _ = writeln!(
            s,
            "No findings in {} files. :white_check_mark:",
            report.files_scanned
        );
    }
    let _ = writeln!(s, "{}\n", cell(&summary_line(report)));
    if !report.findings.is_empty() {
        let mut per_rule: BTreeMap<(std::cmp::Reverse<Severity>, &str), usize> = BTreeMap::new();
        for f in &report.findings {
            *per_rule
                .entry((std::cmp::Reverse(f.severity), f.rule.as_str()))
                .or_default() += 1;
        }
        s.push_str("| rule | severity | findings |\n|---|---|---:|\n");
        for ((sev, rule), n) in &per_rule {
            let _ = writeln!(s, "| `{}` | {} | {n} |", cell(rule), sev.0);
        }
        s.push('\n');
        let mut order: Vec<&Finding> = report.findings.iter().collect();
        order.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(a.sort_key().cmp(&b.sort_key()))
        });
        s.push_str("| severity | rule | location | message |\n|---|---|---|---|\n");
        let mut shown = 0;
        for f in &order {
            let row = format!(
                "| {} | `{}` | {} | {} |\n",
                f.severity,
                cell(&f.full_id()),
                location(f, env),
                cell(&f.message)
            );
            if shown == SUMMARY_ROWS || s.len() + row.len() > SUMMARY_BUDGET {
                break;
            }
            s.push_str(&row);
            shown += 1;
        }
        if shown < order.len() {
            let _ = writeln!(
                s,
                "\n{} more findings are not listed here: see the SARIF file (code scanning) or \
                 the step's log.",
                order.len() - shown
            );
        }
    }
    let notes: Vec<String> = report
        .errors
        .iter()
        .map(|e| format!("- error: {}", cell(e)))
        .chain(
            report
                .warnings
                .iter()
                .map(|w| format!("- warning: {}", cell(w))),
        )
        .collect();
    if !notes.is_empty() {
        s.push('\n');
        for n in notes {
            if s.len() + n.len() > SUMMARY_BUDGET + 16 * 1024 {
                s.push_str("- …\n");
                break;
            }
            s.push_str(&n);
            s.push('\n');
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Span;

    fn finding(path: &str, msg: &str) -> Finding {
        Finding {
            rule: "hardcoded-secret".into(),
            sub_id: Some("generic-secret".into()),
            severity: Severity::Error,
            path: path.into(),
            span: Span {
                start_line: 3,
                start_col: 5,
                end_line: 3,
                end_col: 9,
            },
            message: msg.into(),
            snippet: None,
            highlight: None,
            fix: None,
            fingerprint: "0".into(),
        }
    }

    #[test]
    fn workflow_commands_are_escaped() {
        assert_eq!(escape_data("100%\r\nok"), "100%25%0D%0Aok");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
        let a = annotation(&finding("we,ird:dir/x.py", "bad\n::error::injected"));
        assert_eq!(
            a,
            "::error file=we%2Cird%3Adir/x.py,line=3,col=5,endLine=3,endColumn=9,\
             title=botlint hardcoded-secret/generic-secret::bad%0A::error::injected"
        );
        assert_eq!(a.lines().count(), 1);
    }

    #[test]
    fn summary_is_capped_and_escaped() {
        let report = ScanReport {
            findings: (0..5000)
                .map(|i| finding(&format!("d/f{i}.py"), "a | b <script>"))
                .collect(),
            files_scanned: 5000,
            ..ScanReport::default()
        };
        let env = |k: &str| match k {
            "GITHUB_SERVER_URL" => Some("https://github.com".to_string()),
            "GITHUB_REPOSITORY" => Some("o/r".to_string()),
            "GITHUB_SHA" => Some("abc123".to_string()),
            _ => None,
        };
        let s = summary(&report, &env);
        assert!(s.len() < SUMMARY_BUDGET + 1024, "{}", s.len());
        assert!(s.contains("| `hardcoded-secret` | error | 5000 |"));
        assert!(s.contains("4900 more findings"));
        assert!(s.contains("a \\| b &lt;script&gt;"));
        assert!(s.contains("(https://github.com/o/r/blob/abc123/d/f0.py#L3)"));
    }
}
