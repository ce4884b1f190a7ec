//! Command-line interface: arguments, subcommands, exit codes.
//!
//! Exit codes: 0 nothing at or above `--fail-on`; 1 findings at or above it;
//! 2 usage, configuration or I/O error (including files that could not be read).

use crate::baseline::Baseline;
use crate::config::Config;
use crate::finding::Severity;
use crate::report::{self, Format, ReportOptions};
use crate::rules;
use crate::scan::{self, ScanOptions};
use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

pub const EXIT_CLEAN: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "botlint",
    version,
    about = "Static security linter for trading-bot repositories",
    long_about = "Finds where exchange API keys are at risk: hardcoded secrets, .env files git would commit, \
                  and more (`botlint rules` lists every rule).\n\n\
                  Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage, config or I/O error.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub scan: ScanArgs,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Write the report to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Also write a SARIF 2.1.0 report to FILE (whatever --format says)
    #[arg(long, value_name = "FILE")]
    pub sarif_file: Option<PathBuf>,

    /// Append a markdown summary (counts per rule, first findings) to FILE
    /// (default with --format github: $GITHUB_STEP_SUMMARY, when set)
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,

    /// Report only findings that the baseline FILE does not list
    /// (see `botlint baseline`)
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Colour in text output (NO_COLOR turns `auto` off)
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    /// Lowest severity that makes the run fail (exit 1)
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,

    /// Exit 0 even when there are findings (errors still exit 2)
    #[arg(long)]
    pub exit_zero: bool,

    /// List skipped files in text output
    #[arg(short, long)]
    pub verbose: bool,
}

/// What to scan and how: shared by a plain run and `botlint baseline`.
#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Files or directories to scan (default: the current directory)
    pub paths: Vec<PathBuf>,

    /// Configuration file (default: botlint.toml, .botlint.toml or [tool.botlint] in
    /// pyproject.toml, searched upwards from the first path)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Run only these rules (repeatable), e.g. --only hardcoded-secret
    #[arg(long, value_name = "RULE")]
    pub only: Vec<String>,

    /// Apply the config's `exclude` to files named on the command line too
    #[arg(long)]
    pub force_exclude: bool,

    /// Also read files that .gitignore, .ignore and git's excludes would skip (files git
    /// tracks are always read)
    #[arg(long)]
    pub no_ignore: bool,

    /// Worker threads (default: one per core)
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// RustSec advisory database (a checkout of rustsec/advisory-db) for auditing Cargo.lock
    /// files (default: $BOTLINT_ADVISORY_DB, else ~/.cargo/advisory-db)
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Fail (exit 2) when a Cargo.lock is found but no advisory database is available
    #[arg(long)]
    pub require_db: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// List every rule and every secret pattern
    Rules,
    /// Explain a rule: what it finds, why it is bad, how to fix it, an example
    #[command(alias = "explain")]
    Rule {
        /// Rule id, e.g. hardcoded-secret (or a secret pattern id)
        id: String,
    },
    /// Record the current findings in a baseline file; `--baseline FILE` then reports
    /// only new ones (findings are matched by fingerprint, not by line number)
    Baseline {
        #[command(flatten)]
        scan: ScanArgs,
        /// Where to write the baseline
        #[arg(
            short,
            long,
            value_name = "FILE",
            default_value = ".botlint-baseline.json"
        )]
        output: PathBuf,
    },
    /// Manage the RustSec advisory database used to audit Cargo.lock files
    Db {
        #[command(subcommand)]
        action: DbAction,
    },
}

#[derive(Subcommand, Debug)]
pub enum DbAction {
    /// Clone <https://github.com/rustsec/advisory-db>, or fast-forward the existing checkout,
    /// with the system `git` (the only botlint command that uses the network)
    Update {
        /// Where the database lives (default: $BOTLINT_ADVISORY_DB, else ~/.cargo/advisory-db)
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
}

impl From<FailOn> for Severity {
    fn from(f: FailOn) -> Severity {
        match f {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Note => Severity::Note,
        }
    }
}

/// Write, treating a closed pipe (`botlint | head`) as success.
fn emit(out: &mut dyn Write, f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    match f(out).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing the report"),
    }
}

/// Run the command line: the binary's `main`, whose process exits once it
/// returns (a scan leaves its scanner's memory to the OS: see
/// `ScanOptions::exits_after`).
pub fn run(cli: Cli) -> Result<i32> {
    match &cli.command {
        Some(Command::Rules) => {
            let stdout = std::io::stdout();
            emit(&mut stdout.lock(), list_rules)?;
            return Ok(EXIT_CLEAN);
        }
        Some(Command::Rule { id }) => {
            let stdout = std::io::stdout();
            let mut found = true;
            emit(&mut stdout.lock(), |out| {
                found = explain(id, out)?;
                Ok(())
            })?;
            if !found {
                eprintln!("botlint: no rule or secret pattern {id:?} (see `botlint rules`)");
                return Ok(EXIT_ERROR);
            }
            return Ok(EXIT_CLEAN);
        }
        Some(Command::Db {
            action: DbAction::Update { db },
        }) => {
            let Some(loc) = crate::repo::audit::db::locate(db.as_deref()) else {
                eprintln!(
                    "botlint: error: cannot tell where to put the advisory database: pass --db PATH \
                     or set $BOTLINT_ADVISORY_DB (neither $CARGO_HOME nor $HOME is set)"
                );
                return Ok(EXIT_ERROR);
            };
            eprintln!(
                "botlint: updating the advisory database in {} …",
                loc.path.display()
            );
            return match crate::repo::audit::db::update(&loc.path) {
                Ok(msg) => {
                    eprintln!("botlint: {msg}");
                    Ok(EXIT_CLEAN)
                }
                Err(e) => {
                    eprintln!("botlint: error: {e:#}");
                    Ok(EXIT_ERROR)
                }
            };
        }
        Some(Command::Baseline { scan, output }) => {
            let report = scan_with(scan, None)?;
            for e in &report.errors {
                eprintln!("botlint: error: {e}");
            }
            if !report.errors.is_empty() {
                eprintln!("botlint: error: the baseline was not written: the scan was incomplete");
                return Ok(EXIT_ERROR);
            }
            for w in &report.warnings {
                eprintln!("botlint: warning: {w}");
            }
            let baseline = Baseline::from_findings(&report.findings);
            std::fs::write(output, baseline.to_json())
                .with_context(|| format!("cannot write {}", output.display()))?;
            eprintln!(
                "botlint: wrote {} findings ({} fingerprints) to {}",
                report.findings.len(),
                baseline.findings.len(),
                output.display()
            );
            return Ok(EXIT_CLEAN);
        }
        None => {}
    }
    let baseline = cli.baseline.as_deref().map(Baseline::load).transpose()?;
    let report = scan_with(&cli.scan, baseline.as_ref())?;
    let to_terminal = cli.output.is_none() && std::io::stdout().is_terminal();
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let ropts = ReportOptions {
        color,
        verbose: cli.verbose,
    };
    match &cli.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let mut w = std::io::BufWriter::new(file);
            emit(&mut w, |out| {
                report::write(cli.format, &report, &ropts, out)
            })?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            emit(&mut w, |out| {
                report::write(cli.format, &report, &ropts, out)
            })?;
        }
    }
    if let Some(path) = &cli.sarif_file {
        let file = std::fs::File::create(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        let mut w = std::io::BufWriter::new(file);
        emit(&mut w, |out| {
            report::write(Format::Sarif, &report, &ropts, out)
        })?;
    }
    let summary_path = cli.summary.clone().or_else(|| {
        (cli.format == Format::Github)
            .then(|| std::env::var_os("GITHUB_STEP_SUMMARY"))
            .flatten()
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    if let Some(path) = summary_path {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let text = report::github::summary(&report, &env);
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .with_context(|| format!("cannot write the summary to {}", path.display()))?;
    }
    if !report.errors.is_empty() {
        return Ok(EXIT_ERROR);
    }
    let bar: Severity = cli.fail_on.into();
    if !cli.exit_zero && report.findings.iter().any(|f| f.severity >= bar) {
        return Ok(EXIT_FINDINGS);
    }
    Ok(EXIT_CLEAN)
}

/// Load the config, check `--only`, scan, and apply the baseline.
fn scan_with(args: &ScanArgs, baseline: Option<&Baseline>) -> Result<scan::ScanReport> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let config = match &args.config {
        Some(p) => Config::load(p)?,
        None => Config::discover(&paths[0])?,
    };
    for o in &args.only {
        anyhow::ensure!(
            rules::find(o).is_some(),
            "--only: unknown rule id {o:?} (see `botlint rules`)"
        );
    }
    let opts = ScanOptions {
        paths,
        config,
        only: args.only.clone(),
        force_exclude: args.force_exclude,
        no_ignore: args.no_ignore,
        threads: args.threads.unwrap_or(0),

        audit: crate::repo::audit::AuditOptions {
            db: args.db.clone(),
            require_db: args.require_db,
        },
        exits_after: true,
    };
    // Scan threads with a stack the parsers can recurse on (see lang::PARSE_STACK).
    // Ignore the error if a pool already exists (tests call run twice).
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .stack_size(crate::lang::PARSE_STACK + crate::lang::SCAN_STACK_MARGIN)
        .build_global();

    let mut report = scan::run(&opts)?;
    if let Some(b) = baseline {
        report.baselined = Some(b.filter(&mut report.findings));
    }
    Ok(report)
}

fn list_rules(out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "Rules:")?;
    for r in rules::catalog() {
        writeln!(out, "  {:<26} {:<8} {}", r.id, r.severity_name(), r.title)?;
    }
    let engine =
        crate::secrets::SecretEngine::new(Vec::new(), &[]).map_err(std::io::Error::other)?;
    writeln!(
        out,
        "\nSecret patterns (reported as hardcoded-secret/<id>):"
    )?;
    for p in engine.patterns() {
        writeln!(out, "  {:<32} {}", p.id, p.name)?;
    }
    writeln!(
        out,
        "  {:<32} a secret-like name bound to a random-looking literal",
        crate::secrets::GENERIC_ID
    )?;
    writeln!(out, "\n`botlint rule <id>` explains one.")
}

fn explain(id: &str, out: &mut dyn Write) -> std::io::Result<bool> {
    if let Some(r) = rules::find(id) {
        writeln!(out, "{} — {}", r.id, r.title)?;
        writeln!(
            out,
            "severity: {}{}\n",
            r.severity_name(),
            r.cwe
                .as_deref()
                .map(|c| format!(", {c}"))
                .unwrap_or_default()
        )?;
        writeln!(out, "What it finds\n  {}\n", r.summary.trim())?;
        writeln!(out, "Why it is bad\n{}", indent(&r.why))?;
        writeln!(out, "How to fix it\n{}", indent(&r.fix))?;
        writeln!(out, "Bad\n{}", indent(&r.bad))?;
        writeln!(out, "Good\n{}", indent(&r.good))?;
        return Ok(true);
    }
    let engine =
        crate::secrets::SecretEngine::new(Vec::new(), &[]).map_err(std::io::Error::other)?;
    if let Some(p) = engine.patterns().find(|p| p.id == id) {
        writeln!(out, "hardcoded-secret/{} — {}\n", p.id, p.name)?;
        writeln!(out, "keywords: {}", p.keywords.join(", "))?;
        writeln!(out, "regex:    {}", p.regex)?;
        if let Some(e) = p.min_entropy {
            writeln!(out, "entropy:  at least {e} bits per character")?;
        }
        writeln!(out, "\n`botlint rule hardcoded-secret` explains the rule.")?;
        return Ok(true);
    }
    Ok(false)
}

fn indent(text: &str) -> String {
    let mut s = String::new();
    for line in text.trim_matches('\n').lines() {
        s.push_str("  ");
        s.push_str(line);
        s.push('\n');
    }
    s
}
