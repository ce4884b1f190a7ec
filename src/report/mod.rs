//! Output formats. Each reads the finished [`ScanReport`]; none sees a secret
//! (findings are redacted when they are made).

pub mod github;
mod json;
pub mod sarif;
mod text;

use crate::scan::ScanReport;
use std::io::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style snippets (annotate-snippets)
    Text,
    /// a versioned JSON document (see README, "JSON output")
    Json,
    /// SARIF 2.1.0 for GitHub code scanning and other SARIF viewers
    Sarif,
    /// GitHub Actions annotations (workflow commands); with $GITHUB_STEP_SUMMARY set,
    /// also a markdown job summary
    Github,
}

pub struct ReportOptions {
    pub color: bool,
    /// List skipped files and suppressed counts in text output.
    pub verbose: bool,
}

pub fn write(
    format: Format,
    report: &ScanReport,
    opts: &ReportOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Text => text::write(report, opts, out),
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write(report, out),
        Format::Github => github::write(report, out),
    }
}
