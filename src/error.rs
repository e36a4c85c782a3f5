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

/// What kind of problem a [`Diagnostic`] reports: a stable, machine-readable code an embedder
/// can match on (ZEN's `DiagnosticCode`, cedar's error kinds). The text of a message may be
/// reworded between versions; a diagnostic's code is not changed. In JSON (the HTTP service's
/// error bodies and `POST /lint`) and in Python (`.diagnostics[i]["code"]`) it is
/// [`Code::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Code {
    /// `syntax`: not valid YAML, JSON or workbook; nesting too deep.
    Syntax,
    /// `duplicate_key`: a key, field, id or column given twice.
    DuplicateKey,
    /// `unknown_key`: a key, field, column, indicator or pass line the format or the rule set
    /// does not have (with a did-you-mean where one is close).
    UnknownKey,
    /// `missing_key`: a required header, key or column is absent.
    MissingKey,
    /// `invalid_value`: a value of the wrong type, outside its range, or not exact.
    InvalidValue,
    /// `over_bound`: an input over one of fazhi's bounds; the message names the flag that raises it.
    OverBound,
    /// `structure`: the indicator tree does not hold together (points that do not add up, an
    /// item without a score, penalties and zeroing entries written wrong).
    Structure,
    /// `expression`: a rule's expression does not compile or reads what it may not (rhai
    /// syntax, unknown helper, wrong arity, undeclared field, `has()` misuse, bad date).
    Expression,
    /// `literal`: a text compared with an enum or list field that is not among its values.
    Literal,
    /// `score_range`: lint proved a score can leave its range, never earn its points, or a
    /// pass line cannot be reached; or could not prove the range.
    ScoreRange,
    /// `unused`: a field or input declared but never read, or a result that never depends on
    /// an input.
    Unused,
    /// `lever`: the gap analysis infers a field's lever direction (declare `lever:` / `role:`).
    Lever,
    /// `authoring`: a slip in how the rule set is written (a bonus without a cap, points finer
    /// than 0.001, a discretionary deduction without its reason).
    Authoring,
    /// `scenario`: a weighting scenario does not fit its rule set.
    Scenario,
    /// `too_many`: more problems in one file than are listed.
    TooMany,
}

impl Code {
    /// The code as text (`unknown_key`), as JSON and Python give it.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Syntax => "syntax",
            Code::DuplicateKey => "duplicate_key",
            Code::UnknownKey => "unknown_key",
            Code::MissingKey => "missing_key",
            Code::InvalidValue => "invalid_value",
            Code::OverBound => "over_bound",
            Code::Structure => "structure",
            Code::Expression => "expression",
            Code::Literal => "literal",
            Code::ScoreRange => "score_range",
            Code::Unused => "unused",
            Code::Lever => "lever",
            Code::Authoring => "authoring",
            Code::Scenario => "scenario",
            Code::TooMany => "too_many",
        }
    }

    /// Every code, in declaration order (for documentation and tests).
    pub const ALL: [Code; 15] = [
        Code::Syntax,
        Code::DuplicateKey,
        Code::UnknownKey,
        Code::MissingKey,
        Code::InvalidValue,
        Code::OverBound,
        Code::Structure,
        Code::Expression,
        Code::Literal,
        Code::ScoreRange,
        Code::Unused,
        Code::Lever,
        Code::Authoring,
        Code::Scenario,
        Code::TooMany,
    ];
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found while loading, checking or compiling rules or data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Diagnostic {
    /// What kind of problem, stable across versions ([`Code`]).
    pub code: Code,
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
    pub(crate) fn error(
        code: Code,
        file: &str,
        (line, column): (usize, usize),
        message: String,
    ) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            file: file.to_string(),
            line,
            column,
            message,
            help: None,
        }
    }
    pub(crate) fn warning(
        code: Code,
        file: &str,
        (line, column): (usize, usize),
        message: String,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, (line, column), message)
        }
    }
    /// The same diagnostic with another code.
    pub(crate) fn with_code(mut self, code: Code) -> Self {
        self.code = code;
        self
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
                code: Code::TooMany,
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
#[non_exhaustive]
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

/// Which kind of [`Error`]: one to one with the Python exception classes (`RulesError`,
/// `DataError`, `ScenarioError`, `InvalidRequest`, and Python's own `OSError` for I/O) and with
/// the HTTP service's `error.kind` ([`ErrorKind::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `io`: a file or folder could not be read or written ([`Error::Io`]).
    Io,
    /// `rules`: the rule set has errors ([`Error::Rules`]).
    Rules,
    /// `data`: county data do not fit the dictionary ([`Error::Data`]).
    Data,
    /// `scenario`: a weighting scenario does not fit its rule set ([`Error::Scenario`]).
    Scenario,
    /// `invalid_request`: a request that makes no sense for this rule set ([`Error::Invalid`]).
    InvalidRequest,
}

impl ErrorKind {
    /// The kind as the HTTP service's `error.kind` gives it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Io => "io",
            ErrorKind::Rules => "rules",
            ErrorKind::Data => "data",
            ErrorKind::Scenario => "scenario",
            ErrorKind::InvalidRequest => "invalid_request",
        }
    }
}

impl Error {
    /// Which kind of error this is (see [`ErrorKind`]).
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Io { .. } => ErrorKind::Io,
            Error::Rules(_) => ErrorKind::Rules,
            Error::Data(_) => ErrorKind::Data,
            Error::Scenario(_) => ErrorKind::Scenario,
            Error::Invalid(_) => ErrorKind::InvalidRequest,
        }
    }

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
        let d = Diagnostic::error(Code::Syntax, "a.yaml", (3, 5), "bad".into()).with_help("fix it");
        assert_eq!(d.to_string(), "a.yaml:3:5: error: bad\n  help: fix it");
    }

    #[test]
    fn diagnostics_are_capped_per_file_with_a_count_of_the_rest() {
        let many: Vec<Diagnostic> = (1..=250)
            .map(|i| Diagnostic::error(Code::Syntax, "a.json", (i, 1), format!("bad {i}")))
            .chain([Diagnostic::error(
                Code::Syntax,
                "b.json",
                (1, 1),
                "only".into(),
            )])
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
        let few = Diagnostics(vec![Diagnostic::error(
            Code::Syntax,
            "a",
            (1, 1),
            "x".into(),
        )]);
        assert_eq!(few.clone().capped(), few);
    }

    #[test]
    fn suggests_close_words_only() {
        assert_eq!(did_you_mean("scroe", ["score", "inputs"]), Some("score"));
        assert_eq!(did_you_mean("zzz", ["score", "inputs"]), None);
    }
}
