//! The `fazhi` command line: a thin layer over the library.

use clap::{Parser, Subcommand};
mod cli;

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
    #[command(flatten)]
    limits: cli::common::TableLimits,
}

#[derive(Subcommand)]
enum Command {
    /// Check a rule set and list every problem as `file:line:col: error: message`.
    Lint {
        /// The rule-set folder (default: the built-in national rule set).
        rules: Option<PathBuf>,
        /// Output format: text (one line per problem, on standard output) or json (one object:
        /// `errors`, `warnings` and `diagnostics`, each with its stable `code`, for CI and editors).
        #[arg(long, value_enum, default_value = "text")]
        format: cli::lint::LintFormat,
    },
    /// Run the tests kept beside a rule set (its `tests/` folder): each county with the results
    /// it must get; every mismatch is shown, and the exit code is 3 when one fails.
    Test {
        /// The rule-set folder (default: the current folder).
        rules: Option<PathBuf>,
    },
    /// Score county data files (YAML or JSON) into itemized reports.
    Score {
        /// The rule-set folder (default: the built-in national rule set).
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Output format: md, json, csv, html (a page with charts), xlsx or docx (a Word 评估报告).
        #[arg(long, default_value = "md")]
        format: cli::common::OutFormat,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Relative items (`relative:`): the other counties to compare with — county files,
        /// folders or tables, repeatable. Without it the counties scored together are the group
        /// (one county alone: a group of one).
        #[arg(long)]
        peers: Vec<PathBuf>,
        /// At most this many counties in the comparison group given with `--peers`.
        #[arg(long, default_value_t = fazhi::relative::MAX_PEERS)]
        max_peers: usize,
        /// County data files, folders of them, or county tables (.xlsx, .csv: one row per county).
        #[arg(required = true)]
        data: Vec<PathBuf>,
    },
    /// Gap analysis: what each county lost, why, what would bring it back, and the cheapest way
    /// to each pass line; over several counties, a summary too (per entry: counties that lost
    /// points there, points lost in all, plans through it).
    Gap {
        /// The rule-set folder (default: the built-in national rule set).
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Output format: md, json, csv (the workbook's tables), html (a page with charts), docx (a Word 评估报告) or xlsx.
        #[arg(long, value_enum, default_value = "md")]
        format: cli::gap::GapFormat,
        /// A folder of county files, or a county table, to compare with (median, quartiles and
        /// the county's percentile, per first-level area and per item).
        #[arg(long)]
        peers: Option<PathBuf>,
        /// A cost file (YAML: `default`, `items`, `fields`) for the plans to minimise; default:
        /// the number of items changed.
        #[arg(long)]
        costs: Option<PathBuf>,
        /// The plan solver's time limit per pass line, in seconds; on expiry the best plan found
        /// is given with its proven lower bound.
        #[arg(long, default_value_t = 10.0)]
        time_limit: f64,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// County data files, folders of them, or county tables (.xlsx, .csv: one row per county).
        #[arg(required = true)]
        data: Vec<PathBuf>,
    },
    /// Score many counties in parallel and rank them (equal totals share a rank: 1, 2, 2, 4).
    Rank {
        /// The rule-set folder (default: the built-in national rule set).
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Output format: md, json, csv, html (a page with charts) or xlsx.
        #[arg(long, default_value = "md")]
        format: cli::common::OutFormat,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
        /// County data files, folders of them, or county tables (.xlsx, .csv).
        #[arg(required = true)]
        data: Vec<PathBuf>,
    },
    /// What changed between two rule sets, and with data how every county's score moved.
    Diff {
        /// The old rule-set folder.
        old: PathBuf,
        /// The new rule-set folder.
        new: PathBuf,
        /// County data files, folders of them, or county tables (.xlsx, .csv).
        data: Vec<PathBuf>,
        /// Output format: md, json, html (a page with charts) or xlsx.
        #[arg(long, default_value = "md")]
        format: cli::common::OutFormat,
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
        /// Relative items: the other counties the report was scored with (as given to
        /// `fazhi score --peers`); without it, the reports of the file are the group.
        #[arg(long)]
        peers: Vec<PathBuf>,
        /// At most this many counties in the comparison group given with `--peers`.
        #[arg(long, default_value_t = fazhi::relative::MAX_PEERS)]
        max_peers: usize,
    },
    /// Compare the rule set's weights with a weighting scenario on every county: totals, ranks,
    /// pass levels, rank correlation, largest movers.
    Whatif {
        /// The scenario file (YAML: points per node id, pass lines).
        #[arg(long)]
        scenario: PathBuf,
        /// The rule-set folder (default: the built-in national rule set).
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Output format: md, json, csv, html (a page with charts) or xlsx.
        #[arg(long, default_value = "md")]
        format: cli::common::OutFormat,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// County data files, folders of them, or county tables (.xlsx, .csv).
        #[arg(required = true)]
        data: Vec<PathBuf>,
    },
    /// Monte Carlo over weights: median rank, 5–95% rank interval, pass probabilities, mean rank
    /// shift per county; optionally Sobol sensitivity of the first-level areas' weights.
    Uncertainty {
        /// The rule-set folder (default: the built-in national rule set).
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Start from a scenario's weights instead of the rule set's.
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// Noise per tree level: LEVEL=FACTOR (1=0.25), LEVEL=uniform or LEVEL=dirichlet:ALPHA.
        #[arg(long = "noise", value_parser = fazhi::analyse::policy::uncertainty::parse_level_noise)]
        noise: Vec<(usize, fazhi::analyse::policy::uncertainty::LevelNoise)>,
        /// Number of weightings drawn.
        #[arg(long, default_value_t = 1000)]
        runs: usize,
        /// Seed of the random streams.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Also estimate Sobol indices of the areas' weights with N base samples.
        #[arg(long, value_name = "N")]
        sensitivity: Option<usize>,
        /// Let the total float under factor noise (parents become the sums of the drawn points)
        /// instead of scaling every draw back to the rule set's (or scenario's) total.
        #[arg(long)]
        float_total: bool,
        /// Write uncertainty.json, uncertainty.csv and rank-intervals.svg to this folder.
        #[arg(long)]
        out_dir: Option<PathBuf>,
        /// Output format of the report: md, json, csv or html (a page with charts).
        #[arg(long, default_value = "md")]
        format: fazhi::render::Format,
        /// Write the report to this file (atomically) instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// County data files, folders of them, or county tables (.xlsx, .csv).
        #[arg(required = true)]
        data: Vec<PathBuf>,
    },
    /// Audit the indicator system itself on a batch of counties: items that do not discriminate,
    /// correlations, Cronbach's alpha per first-level area, rank shifts without each area and
    /// item, and each area's real influence on the total against its declared share.
    Audit {
        /// The rule-set folder (default: the built-in national rule set).
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Audit a scenario's weighting instead of the rule set's.
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// Output format: md, json, html (a page with charts) or xlsx.
        #[arg(long, default_value = "md")]
        format: cli::common::OutFormat,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// County data files, folders of them, or county tables (.xlsx, .csv).
        #[arg(required = true)]
        data: Vec<PathBuf>,
    },
    /// Write a JSON Schema: `rules` (the rule-file format) or `county` (county files for a rule
    /// set's dictionary), for editors (yaml-language-server) and validators.
    Schema {
        /// rules, county or tests.
        #[arg(value_enum)]
        which: cli::schema::Which,
        /// The rule-set folder whose dictionary `county` describes (default: the built-in one).
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Serve rule sets over HTTP/JSON (stateless): score, gap, rank, lint, health, OpenAPI.
    #[cfg(feature = "serve")]
    Serve(cli::serve::Args),
    /// The workbench in the browser (工作台): `fazhi serve` with its page at `/`; prints the
    /// address, and with `--open` opens it in the default browser.
    #[cfg(feature = "serve")]
    Workbench(cli::serve::Args),
    /// Write the input workbook (台账.xlsx) of a rule set's data dictionary: Chinese headers over
    /// field paths, drop-down lists and range checks, a sheet explaining each field; with county
    /// data given, filled with them.
    Template {
        /// The rule-set folder (default: the built-in national rule set).
        #[arg(long)]
        rules: Option<PathBuf>,
        /// The workbook to write (.xlsx).
        #[arg(long)]
        out: PathBuf,
        /// County data to fill in (files, folders or tables); none for a blank template.
        data: Vec<PathBuf>,
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

/// Memory that follows what is kept (issue 23): a batch command keeps a small row per county
/// while each county's file text, parse tree and report (tens of kB, freed at once) come and go.
/// glibc's heap placed those between the kept rows, and a freed block slightly smaller than the
/// next county's could not be reused, so `rank` of 100,000 counties held 1.8 GB for rows worth
/// tens of MB. Blocks of 8 kB and more are mapped on their own and returned when freed.
fn keep_the_heap_compact() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a tuning parameter of the allocator; it is called once, before
    // any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 8 * 1024);
    }
}

fn main() -> ExitCode {
    keep_the_heap_compact();
    let cli = Cli::parse();
    cli.limits.install();
    // `serve` handles SIGTERM and Ctrl-C itself (graceful shutdown) and writes no --out file.
    if !matches!(cli.command, Command::Serve(_) | Command::Workbench(_)) {
        cli::output::install_cleanup();
    }
    let code = match cli.command {
        Command::Lint { rules, format } => cli::lint::run(rules.as_deref(), format),
        Command::Test { rules } => cli::test::run(rules.as_deref()),
        Command::Score {
            rules,
            format,
            out,
            peers,
            max_peers,
            data,
        } => cli::score::run(
            rules.as_deref(),
            format,
            out.as_deref(),
            &data,
            (&peers, max_peers),
        ),
        Command::Gap {
            rules,
            format,
            peers,
            costs,
            time_limit,
            out,
            data,
        } => cli::gap::run(
            rules.as_deref(),
            format,
            peers.as_deref(),
            costs.as_deref(),
            time_limit,
            out.as_deref(),
            &data,
        ),
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
        Command::Verify {
            report,
            rules,
            peers,
            max_peers,
        } => cli::verify::run(&report, rules.as_deref(), (&peers, max_peers)),
        Command::Whatif {
            scenario,
            rules,
            format,
            out,
            data,
        } => cli::whatif::run(rules.as_deref(), &scenario, format, out.as_deref(), &data),
        Command::Uncertainty {
            rules,
            scenario,
            noise,
            runs,
            seed,
            sensitivity,
            float_total,
            out_dir,
            format,
            out,
            data,
        } => cli::uncertainty::run(cli::uncertainty::Args {
            rules: rules.as_deref(),
            scenario: scenario.as_deref(),
            noise,
            runs,
            seed,
            sensitivity,
            float_total,
            out_dir: out_dir.as_deref(),
            format,
            out: out.as_deref(),
            data: &data,
        }),
        Command::Audit {
            rules,
            scenario,
            format,
            out,
            data,
        } => cli::audit::run(
            rules.as_deref(),
            scenario.as_deref(),
            format,
            out.as_deref(),
            &data,
        ),
        Command::Schema { which, rules, out } => {
            cli::schema::run(which, rules.as_deref(), out.as_deref())
        }
        #[cfg(feature = "serve")]
        Command::Serve(args) => cli::serve::run(args),
        #[cfg(feature = "serve")]
        Command::Workbench(args) => cli::serve::run(args),
        Command::Template { rules, out, data } => cli::template::run(rules.as_deref(), &out, &data),
        Command::Synth {
            rules,
            counties,
            seed,
            out,
        } => cli::synth::run(rules.as_deref(), counties, seed, &out),
    };
    ExitCode::from(code)
}
