//! The `fazhi` command line: a thin layer over the library.

use clap::{Parser, Subcommand};
mod cli;

use fazhi::render::Format;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "fazhi",
    version,
    about = "Score counties against the rule-of-law government demonstration indicator system (法治政府建设示范指标体系)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a rule set and list every problem as `file:line:col: error: message`.
    Lint {
        /// The rule-set folder (default: the built-in national rule set).
        rules: Option<PathBuf>,
    },
    /// Score county data files (YAML or JSON) into itemized reports.
    Score {
        /// The rule-set folder (default: the built-in national rule set).
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Output format: md, json or csv.
        #[arg(long, default_value = "md")]
        format: Format,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// County data files.
        #[arg(required = true)]
        data: Vec<PathBuf>,
    },
    /// Score many counties in parallel and rank them (equal totals share a rank: 1, 2, 2, 4).
    Rank {
        /// The rule-set folder (default: the built-in national rule set).
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Output format: md, json or csv.
        #[arg(long, default_value = "md")]
        format: Format,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
        /// County data files, or folders of them.
        #[arg(required = true)]
        data: Vec<PathBuf>,
    },
    /// What changed between two rule sets, and with data how every county's score moved.
    Diff {
        /// The old rule-set folder.
        old: PathBuf,
        /// The new rule-set folder.
        new: PathBuf,
        /// County data files, or folders of them.
        data: Vec<PathBuf>,
        /// Output format: md or json.
        #[arg(long, default_value = "md")]
        format: Format,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
    },
    /// Rescore a stored JSON report from the data file it names and say whether it is reproduced.
    Verify {
        /// The report (JSON from `fazhi score --format json`).
        report: PathBuf,
        /// The rule-set folder (default: the built-in national rule set).
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// Write synthetic county data (one YAML file per county) for a rule set.
    Synth {
        /// The rule-set folder (default: the built-in national rule set).
        #[arg(long)]
        rules: Option<PathBuf>,
        /// How many counties (2,844 is the number of county-level divisions).
        #[arg(long, default_value_t = 2844)]
        counties: usize,
        /// The random seed: the same seed gives the same files.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The folder to write into (created if missing).
        #[arg(long)]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Lint { rules } => cli::lint::run(rules.as_deref()),
        Command::Score {
            rules,
            format,
            out,
            data,
        } => cli::score::run(rules.as_deref(), format, out.as_deref(), &data),
        Command::Rank {
            rules,
            format,
            out,
            quiet,
            data,
        } => cli::rank::run(rules.as_deref(), format, out.as_deref(), quiet, &data),
        Command::Diff {
            old,
            new,
            data,
            format,
            out,
            quiet,
        } => cli::diff::run(&old, &new, format, out.as_deref(), quiet, &data),
        Command::Verify { report, rules } => cli::verify::run(&report, rules.as_deref()),
        Command::Synth {
            rules,
            counties,
            seed,
            out,
        } => cli::synth::run(rules.as_deref(), counties, seed, &out),
    };
    ExitCode::from(code)
}
