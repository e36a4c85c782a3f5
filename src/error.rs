//! Typed errors and diagnostics. Every problem names the file, line and column (where known),
//! the indicator id or field that is wrong, and what to do about it.

use std::fmt;
use std::path::PathBuf;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The rule set or data cannot be used as it is.
    Error,
    /// Worth fixing, but scoring can go on.
    Warning,
}

/// One problem found while loading, checking or compiling rules or data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file the problem is in (relative to the rule-set folder, or the data file's path).
    pub file: String,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// What to do about it, when there is something specific to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    pub(crate) fn error(file: &str, (line, column): (usize, usize), message: String) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_string(),
            line,
            column,
            message,
            help: None,
        }
    }
    pub(crate) fn warning(file: &str, (line, column): (usize, usize), message: String) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, (line, column), message)
        }
    }
    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `file:line:col: error: message`, then `  help: …` on the next line when there is help.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        write!(f, ": {sev}: {}", self.message)?;
        if let Some(h) = &self.help {
            write!(f, "\n  help: {h}")?;
        }
        Ok(())
    }
}

/// A list of diagnostics, displayed one per line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }
    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }
}

/// The most diagnostics kept for one file: a county file with 80,000 unknown fields gets the
/// first 100 of them and one more saying how many were left out (`… and 79,900 more problems in
/// this file`), so an answer stays proportionate to what anyone reads. Counting goes on past
/// the cap; describing (did-you-mean) stops.
pub const MAX_DIAGNOSTICS_PER_FILE: usize = 100;

impl Diagnostics {
    /// Keeps the first [`MAX_DIAGNOSTICS_PER_FILE`] diagnostics of each file, then one error per
    /// file over the cap naming how many more there were, at the place of the first left out.
    pub fn capped(self) -> Diagnostics {
        self.capped_at(MAX_DIAGNOSTICS_PER_FILE)
    }

    pub(crate) fn capped_at(self, cap: usize) -> Diagnostics {
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut out = Vec::with_capacity(self.0.len().min(cap + 1));
        let mut more: Vec<(usize, String)> = Vec::new();
        for d in self.0 {
            let n = seen.entry(d.file.clone()).or_default();
            *n += 1;
            if *n <= cap {
                out.push(d);
            } else if *n == cap + 1 {
                more.push((out.len(), d.file.clone()));
                out.push(d);
            }
        }
        // The (cap + 1)-th diagnostic of a file becomes the summary of the rest.
        for (at, file) in more {
            let left = seen[&file] - cap;
            let first = &out[at];
            out[at] = Diagnostic {
                severity: Severity::Error,
                file: first.file.clone(),
                line: first.line,
                column: first.column,
                message: format!(
                    "… and {left} more problem{} in this file (the first {cap} are listed)",
                    if left == 1 { "" } else { "s" }
                ),
                help: Some("fix the problems above and read the file again".into()),
            };
        }
        Diagnostics(out)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The rule set has errors (all of them are listed).
    #[error("the rule set has {n} error(s):\n{0}", n = .0.errors().count())]
    Rules(Diagnostics),
    /// A county's data does not fit the rule set's data dictionary (all problems are listed).
    #[error("the county data has {n} error(s):\n{0}", n = .0.errors().count())]
    Data(Diagnostics),
    /// A weighting scenario does not fit its rule set (all problems are listed).
    #[error("the scenario has {n} error(s):\n{0}", n = .0.errors().count())]
    Scenario(Diagnostics),
    /// A request that makes no sense for this rule set (an unknown id, say).
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    /// The diagnostics behind a `Rules`, `Data` or `Scenario` error (empty for other errors).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Rules(d) | Error::Data(d) | Error::Scenario(d) => &d.0,
            _ => &[],
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The closest candidate to `word`, if it is close enough to be a likely typo.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(s, _)| *s > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_compiler_style() {
        let d = Diagnostic::error("a.yaml", (3, 5), "bad".into()).with_help("fix it");
        assert_eq!(d.to_string(), "a.yaml:3:5: error: bad\n  help: fix it");
    }

    #[test]
    fn diagnostics_are_capped_per_file_with_a_count_of_the_rest() {
        let many: Vec<Diagnostic> = (1..=250)
            .map(|i| Diagnostic::error("a.json", (i, 1), format!("bad {i}")))
            .chain([Diagnostic::error("b.json", (1, 1), "only".into())])
            .collect();
        let capped = Diagnostics(many).capped().0;
        assert_eq!(capped.len(), MAX_DIAGNOSTICS_PER_FILE + 2);
        let summary = &capped[MAX_DIAGNOSTICS_PER_FILE];
        assert_eq!(summary.line, MAX_DIAGNOSTICS_PER_FILE + 1);
        assert!(
            summary.message.contains("and 150 more problems"),
            "{}",
            summary.message
        );
        assert_eq!(capped.last().unwrap().message, "only");
        // Under the cap nothing changes.
        let few = Diagnostics(vec![Diagnostic::error("a", (1, 1), "x".into())]);
        assert_eq!(few.clone().capped(), few);
    }

    #[test]
    fn suggests_close_words_only() {
        assert_eq!(did_you_mean("scroe", ["score", "inputs"]), Some("score"));
        assert_eq!(did_you_mean("zzz", ["score", "inputs"]), None);
    }
}
