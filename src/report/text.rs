//! `--format text`: rustc-style snippets, rendered by annotate-snippets from
//! the *redacted* line.

use super::ReportOptions;
use crate::finding::{Finding, Severity};
use crate::scan::ScanReport;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::io::Write;

fn level(s: Severity) -> Level<'static> {
    match s {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    }
}

fn render_one(f: &Finding, renderer: &Renderer) -> String {
    let id = f.full_id();
    let title = level(f.severity)
        .primary_title(f.message.as_str())
        .id(id.as_str());
    let mut groups: Vec<Group<'_>> = Vec::new();
    let group = match (&f.snippet, f.highlight) {
        (Some(snippet), Some((a, b))) => {
            let b = if b > a { b } else { (a + 1).min(snippet.len()) };
            title.element(
                Snippet::source(snippet.as_str())
                    .line_start(f.span.start_line)
                    .path(f.path.as_str())
                    .annotation(AnnotationKind::Primary.span(a..b)),
            )
        }
        _ => title.element(
            annotate_snippets::Origin::path(f.path.as_str())
                .line(f.span.start_line)
                .char_column(f.span.start_col.saturating_sub(1)),
        ),
    };
    groups.push(group);
    if let Some(fix) = &f.fix {
        groups.push(Group::with_title(Level::HELP.secondary_title(fix.as_str())));
    }
    renderer.render(&groups)
}

pub fn write(
    report: &ScanReport,
    opts: &ReportOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let renderer = if opts.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    for f in &report.findings {
        writeln!(out, "{}\n", render_one(f, &renderer))?;
    }
    for w in &report.warnings {
        writeln!(out, "warning: {w}")?;
    }
    for e in &report.errors {
        writeln!(out, "error: {e}")?;
    }
    if opts.verbose {
        for s in &report.skipped {
            writeln!(out, "skipped: {}: {}", s.path, s.reason)?;
        }
        for s in &report.parse_errors {
            writeln!(out, "not fully parsed: {}: {}", s.path, s.reason)?;
        }
    }
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    let (e, w, n) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Note),
    );
    let mut line = if report.findings.is_empty() {
        format!("no findings in {} files", report.files_scanned)
    } else {
        format!(
            "{} findings ({e} errors, {w} warnings, {n} notes) in {} files",
            report.findings.len(),
            report.files_scanned
        )
    };
    if !report.skipped.is_empty() {
        line.push_str(&format!(
            "; {} skipped{}",
            report.skipped.len(),
            if opts.verbose { "" } else { " (-v lists them)" }
        ));
    }
    if !report.parse_errors.is_empty() && !opts.verbose {
        line.push_str(&format!(
            "; {} not fully parsed (-v lists them)",
            report.parse_errors.len()
        ));
    }
    if report.suppressed > 0 {
        line.push_str(&format!("; {} suppressed inline", report.suppressed));
    }
    if let Some(b) = report.baselined {
        line.push_str(&format!("; {b} in the baseline"));
    }
    writeln!(out, "{line}")
}
