//! Output formats. Each reads the finished [`ScanReport`]; none sees a secret
//! (findings are redacted when they are made).

mod json;
mod text;

use crate::scan::ScanReport;
use std::io::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style snippets (annotate-snippets)
    Text,
    /// a versioned JSON document (see README, "JSON output")
    Json,
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
    }
}
