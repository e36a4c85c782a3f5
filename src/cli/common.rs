//! What every subcommand shares: finding the rule set, reporting errors, exit codes, atomic output.

use fazhi::{Error, RuleSet, RuleSource};
use std::io::Write;
use std::path::Path;

/// Exit code: everything worked.
pub const OK: u8 = 0;
/// Exit code: a failure that is not the input's fault (cannot write the output, say).
pub const FAILURE: u8 = 1;
/// Exit code: bad input (rules or data).
pub const BAD_INPUT: u8 = 2;

pub fn source(rules: Option<&Path>) -> Result<RuleSource, Error> {
    match rules {
        Some(dir) => RuleSource::from_dir(dir),
        None => Ok(RuleSet::builtin_source()),
    }
}

/// Prints an error with the rule-set folder in front of relative file names.
pub fn report_error(e: &Error, rules: Option<&Path>) {
    match e {
        Error::Rules(d) => {
            for diag in &d.0 {
                eprintln!("{}", prefixed(diag, rules));
            }
            eprintln!("error: the rule set has {} error(s)", d.errors().count());
        }
        other => eprintln!("error: {other}"),
    }
}

pub fn prefixed(d: &fazhi::Diagnostic, rules: Option<&Path>) -> String {
    match rules {
        Some(dir) => {
            let mut d = d.clone();
            d.file = dir.join(&d.file).display().to_string();
            d.to_string()
        }
        None => format!("<built-in>/{d}"),
    }
}

pub fn load(rules: Option<&Path>) -> Result<RuleSet, u8> {
    source(rules).and_then(|s| RuleSet::load(&s)).map_err(|e| {
        report_error(&e, rules);
        BAD_INPUT
    })
}

/// Writes to standard output, or atomically to a file: a temporary file in the same folder,
/// renamed over the target only once it is complete.
pub fn write_output(out: Option<&Path>, text: impl AsRef<[u8]>) -> Result<(), String> {
    let text = text.as_ref();
    match out {
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text)
                .map_err(|e| format!("standard output: {e}"))
        }
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let mut tmp = tempfile::NamedTempFile::new_in(dir)
                .map_err(|e| format!("{}: {e}", dir.display()))?;
            tmp.write_all(text)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            tmp.as_file()
                .sync_all()
                .map_err(|e| format!("{}: {e}", path.display()))?;
            tmp.persist(path)
                .map_err(|e| format!("{}: {}", path.display(), e.error))?;
            Ok(())
        }
    }
}

/// An output format of `fazhi score`: a text format, or a Word document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreFormat {
    /// Markdown, JSON, CSV or HTML.
    Text(fazhi::render::Format),
    /// A Word document (.docx) in the form of a 第三方评估报告.
    Docx,
}

impl std::str::FromStr for ScoreFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "docx" => Ok(ScoreFormat::Docx),
            other => other
                .parse()
                .map(ScoreFormat::Text)
                .map_err(|e: String| e.replace("or html", "html or docx")),
        }
    }
}

/// A Word document of counties' reports and gap analyses, or why it cannot be written.
#[cfg(feature = "docx")]
pub fn docx(pairs: &[(fazhi::Report, fazhi::analyse::gap::GapAnalysis)]) -> Result<Vec<u8>, u8> {
    fazhi::render::docx::evaluation_docx(pairs).map_err(|e| {
        eprintln!("error: {e}");
        FAILURE
    })
}

/// Without the `docx` feature there is no Word output.
#[cfg(not(feature = "docx"))]
pub fn docx(_: &[(fazhi::Report, fazhi::analyse::gap::GapAnalysis)]) -> Result<Vec<u8>, u8> {
    eprintln!(
        "error: this fazhi was built without the `docx` feature: rebuild with `--features docx`"
    );
    Err(BAD_INPUT)
}
