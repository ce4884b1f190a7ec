//! `--format json`: one document, `version` 1.
//!
//! ```json
//! { "version": 1,
//!   "tool": { "name": "botlint", "version": "0.1.0" },
//!   "summary": { "files_scanned": 12, "files_skipped": 1, "findings": 2,
//!                "errors": 1, "warnings": 1, "notes": 0, "suppressed": 0,
//!                "parse_errors": 1, "seen": { "python": 40, "javascript": 3 },
//!                "parsed": { "python": 12, "javascript": 1 } },
//!   (plus "baselined": N in the summary when run with --baseline)
//!   "findings": [ { "rule": "hardcoded-secret", "sub_id": "binance-api-key",
//!                   "severity": "error", "path": "bot.py",
//!                   "span": { "start_line": 3, "start_col": 11, "end_line": 3, "end_col": 75 },
//!                   "message": "…", "snippet": "…", "fix": "…", "fingerprint": "…" } ],
//!   "skipped": [ { "path": "data.bin", "reason": "binary (…)" } ],
//!   "parse_errors": [ { "path": "bot/broken.py",
//!                       "reason": "syntax error at line 3: …; code rules checked the parts that parsed" } ],
//!   "warnings": [], "errors": [] }
//! ```
//! A snippet over 240 bytes is cut around the highlight (`Finding::shown_snippet`).
//! `parse_errors` lists source files the code rules could not fully parse: a
//! syntax error (facts came from the parts that parsed), nesting too deep to
//! parse at all, a file over `max-parse-size` or generated code (minified or marked:
//! both still scanned for secrets).
//! `summary.parse_errors` counts them. `summary.seen` counts source files per
//! language; `summary.parsed` how many of them the code rules parsed (the rest
//! the prefilter ruled out, or too deep, too large or generated).

use crate::finding::{Finding, Severity};
use crate::scan::ScanReport;
use crate::walk::Skipped;
use serde::Serialize;
use std::io::Write;

pub const JSON_VERSION: u32 = 1;

#[derive(Serialize)]
struct Doc<'a> {
    version: u32,
    tool: Tool,
    summary: Summary<'a>,
    findings: &'a [Finding],
    skipped: &'a [Skipped],
    parse_errors: &'a [Skipped],
    warnings: &'a [String],
    errors: &'a [String],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary<'a> {
    files_scanned: usize,
    files_skipped: usize,
    findings: usize,
    errors: usize,
    warnings: usize,
    notes: usize,
    suppressed: usize,
    parse_errors: usize,
    /// Source files per language, and how many of them the code rules parsed.
    seen: &'a std::collections::BTreeMap<&'static str, usize>,
    parsed: &'a std::collections::BTreeMap<&'static str, usize>,
    /// Findings the `--baseline` file covered (absent without a baseline).
    #[serde(skip_serializing_if = "Option::is_none")]
    baselined: Option<usize>,
}

pub fn write(report: &ScanReport, out: &mut dyn Write) -> std::io::Result<()> {
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    let doc = Doc {
        version: JSON_VERSION,
        tool: Tool {
            name: "botlint",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary {
            files_scanned: report.files_scanned,
            files_skipped: report.skipped.len(),
            findings: report.findings.len(),
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            notes: count(Severity::Note),
            suppressed: report.suppressed,
            parse_errors: report.parse_errors.len(),
            seen: &report.seen,
            parsed: &report.parsed,
            baselined: report.baselined,
        },
        findings: &report.findings,
        skipped: &report.skipped,
        parse_errors: &report.parse_errors,
        warnings: &report.warnings,
        errors: &report.errors,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
