//! Bounds on what a county table may hold (issue 23): a 4.3 MB `.xlsx` whose sheet expands to
//! 1.5 GB took 34 s and 7.7 GB before this. A workbook is checked before it is parsed, in one
//! streaming pass with a fixed buffer: the sizes its zip directory declares (the zip crate's
//! `decompressed_size`), then the parts themselves as they decompress (a directory can lie),
//! counting sheets, rows, cells and shared strings. Over a bound: an error naming the bound and
//! the command-line flag that raises it, before anything is kept in memory.

use crate::error::{Diagnostic, Diagnostics, Error, Result};
use std::io::Read;
use std::path::Path;
use std::sync::RwLock;

/// The bounds on a county table. [`Limits::default`] holds the defaults; the command line sets
/// the process's bounds from its flags with [`Limits::set_default`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes a workbook's parts may expand to (`--max-workbook-bytes`).
    pub expanded_bytes: u64,
    /// Most sheets (worksheet parts) in a workbook (`--max-sheets`).
    pub sheets: usize,
    /// Most rows in one sheet, or records in a CSV file (`--max-rows`).
    pub rows: usize,
    /// Most cells in one sheet or CSV file (`--max-cells`).
    pub cells: usize,
    /// Most shared strings in a workbook (`--max-shared-strings`).
    pub shared_strings: usize,
}

impl Default for Limits {
    /// 256 MiB expanded, 64 sheets, 100,000 rows, 5,000,000 cells and 1,000,000 shared strings:
    /// the national template filled with all 2,844 counties (about 860,000 cells, 60 MB
    /// expanded) fits with room to spare.
    fn default() -> Self {
        Limits {
            expanded_bytes: 256 * 1024 * 1024,
            sheets: 64,
            rows: 100_000,
            cells: 5_000_000,
            shared_strings: 1_000_000,
        }
    }
}

static CURRENT: RwLock<Option<Limits>> = RwLock::new(None);

impl Limits {
    /// The bounds [`crate::sheet::read_table`] applies: those set with [`Limits::set_default`],
    /// else [`Limits::default`].
    pub fn current() -> Limits {
        CURRENT.read().ok().and_then(|l| *l).unwrap_or_default()
    }

    /// Makes these the bounds of every later [`crate::sheet::read_table`] in this process.
    pub fn set_default(self) {
        if let Ok(mut l) = CURRENT.write() {
            *l = Some(self);
        }
    }
}

/// A bound was passed: the error names the bound, its value and the flag that raises it.
pub(crate) fn over(file: &str, what: String, flag: &str, limit: impl std::fmt::Display) -> Error {
    Error::Data(Diagnostics(vec![Diagnostic::error(
        crate::error::Code::OverBound,
        file,
        (0, 0),
        format!("{what}, over the bound of {limit} ({flag})"),
    )
    .with_help(format!(
        "a table this large is usually damaged or not a county table (a zip bomb expands to gigabytes); if it is real, raise the bound with {flag} N"
    ))]))
}

/// Checks a workbook against `limits` before it is parsed: declared sizes, then every part as
/// it decompresses (bounded memory: a fixed buffer and a streaming XML reader). A file that is
/// not a zip passes: the workbook reader then says what it is.
pub(crate) fn check_workbook(file: &str, path: &Path, limits: &Limits) -> Result<()> {
    let Ok(f) = std::fs::File::open(path) else {
        return Ok(());
    };
    let Ok(mut zip) = zip::ZipArchive::new(std::io::BufReader::new(f)) else {
        return Ok(());
    };
    // What the directory declares, at once (the zip crate's own figure).
    if let Some(total) = zip.decompressed_size() {
        if total > u128::from(limits.expanded_bytes) {
            return Err(over(
                file,
                format!("the workbook's parts expand to {total} bytes"),
                "--max-workbook-bytes",
                limits.expanded_bytes,
            ));
        }
    }
    let sheets = zip.file_names().filter(|n| is_sheet(n)).count();
    if sheets > limits.sheets {
        return Err(over(
            file,
            format!("the workbook has {sheets} sheets"),
            "--max-sheets",
            limits.sheets,
        ));
    }
    // What the parts really expand to, counted as they decompress.
    let mut left = limits.expanded_bytes;
    let mut seen = Seen::default();
    for i in 0..zip.len() {
        crate::cancel::check()?;
        let Ok(entry) = zip.by_index(i) else {
            // A damaged part: the workbook reader reports it if it reads it.
            continue;
        };
        let name = entry.name().to_string();
        let kind = if is_sheet(&name) {
            Part::Sheet
        } else if name.eq_ignore_ascii_case("xl/sharedStrings.xml") {
            Part::SharedStrings
        } else {
            Part::Other
        };
        let mut counted = Counted {
            inner: entry,
            left,
            over: false,
        };
        let result = match kind {
            Part::Other => std::io::copy(&mut counted, &mut std::io::sink())
                .map(|_| ())
                .map_err(|_| None),
            Part::Sheet => count_xml(&mut counted, &name, file, limits, true, &mut seen),
            Part::SharedStrings => count_xml(&mut counted, &name, file, limits, false, &mut seen),
        };
        match result {
            Ok(()) => {}
            Err(Some(e)) => return Err(e),
            // Over the expansion bound (the reader stopped), damaged or not well-formed (the
            // workbook reader says so in its own words): the rest of the part still counts.
            Err(None) => {
                let _ = std::io::copy(&mut counted, &mut std::io::sink());
            }
        }
        if counted.over {
            return Err(over(
                file,
                format!(
                    "the workbook's parts expand to more than {} bytes",
                    limits.expanded_bytes
                ),
                "--max-workbook-bytes",
                limits.expanded_bytes,
            ));
        }
        left = counted.left;
    }
    // A cell naming a shared string the workbook does not have made the workbook reader panic
    // (found by the fuzz harness, issue 23).
    if let Some(m) = seen.max_shared_index {
        if m >= seen.shared_strings {
            return Err(Error::Data(Diagnostics(vec![Diagnostic::error(
                crate::error::Code::OverBound,
                file,
                (0, 0),
                format!(
                    "a cell refers to shared string {m}, but the workbook has {} shared strings: the workbook is damaged",
                    seen.shared_strings
                ),
            )
            .with_help("open the workbook in a spreadsheet program and save it again")])));
        }
    }
    Ok(())
}

/// What the pass over the parts saw across parts.
#[derive(Default)]
struct Seen {
    shared_strings: usize,
    max_shared_index: Option<usize>,
}

enum Part {
    Sheet,
    SharedStrings,
    Other,
}

fn is_sheet(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("xl/worksheets/") && lower.ends_with(".xml") && !lower[14..].contains('/')
}

/// A reader that stops (with an error) once more than `left` bytes came through.
struct Counted<R> {
    inner: R,
    left: u64,
    over: bool,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        match self.left.checked_sub(n as u64) {
            Some(l) => {
                self.left = l;
                Ok(n)
            }
            None => {
                self.over = true;
                Err(std::io::Error::other("over the bound"))
            }
        }
    }
}

/// Counts rows and cells of a sheet part (`sheet`) or the strings of the shared-strings part,
/// streaming; `Err(Some)` over a bound, `Err(None)` for XML that does not parse.
fn count_xml<R: Read>(
    r: &mut R,
    part: &str,
    file: &str,
    limits: &Limits,
    sheet: bool,
    seen: &mut Seen,
) -> Result<(), Option<Error>> {
    use quick_xml::events::Event;
    let mut reader =
        quick_xml::Reader::from_reader(std::io::BufReader::with_capacity(64 * 1024, r));
    let mut buf = Vec::with_capacity(1024);
    let (mut rows, mut cells, mut strings) = (0usize, 0usize, 0usize);
    // Inside a cell of type `s` (a shared string), and inside its `<v>`.
    let (mut shared_cell, mut in_v) = (false, false);
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if sheet && e.local_name().as_ref() == b"v" => in_v = true,
            Ok(Event::End(e)) if sheet && e.local_name().as_ref() == b"v" => in_v = false,
            Ok(Event::End(e)) if sheet && e.local_name().as_ref() == b"c" => shared_cell = false,
            Ok(Event::Text(t)) if shared_cell && in_v => {
                // As the workbook reader reads it: a number that does not parse means 0.
                let index = std::str::from_utf8(&t)
                    .ok()
                    .and_then(|s| s.parse::<usize>().ok())
                    .unwrap_or(0);
                seen.max_shared_index = Some(seen.max_shared_index.map_or(index, |m| m.max(index)));
            }
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match (sheet, e.local_name().as_ref()) {
                (true, b"row") => {
                    rows += 1;
                    if rows > limits.rows {
                        return Err(Some(over(
                            file,
                            format!("sheet part `{part}` has more than {} rows", limits.rows),
                            "--max-rows",
                            limits.rows,
                        )));
                    }
                    if rows % 1024 == 0 {
                        crate::cancel::check().map_err(Some)?;
                    }
                }
                (true, b"c") => {
                    shared_cell = e
                        .attributes()
                        .flatten()
                        .any(|a| a.key.local_name().as_ref() == b"t" && a.value.as_ref() == b"s");
                    cells += 1;
                    if cells > limits.cells {
                        return Err(Some(over(
                            file,
                            format!("sheet part `{part}` has more than {} cells", limits.cells),
                            "--max-cells",
                            limits.cells,
                        )));
                    }
                }
                (false, b"si") => {
                    strings += 1;
                    seen.shared_strings += 1;
                    if strings > limits.shared_strings {
                        return Err(Some(over(
                            file,
                            format!(
                                "the workbook has more than {} shared strings",
                                limits.shared_strings
                            ),
                            "--max-shared-strings",
                            limits.shared_strings,
                        )));
                    }
                    if strings % 1024 == 0 {
                        crate::cancel::check().map_err(Some)?;
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(_) => return Err(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_parts_are_told_from_others() {
        assert!(is_sheet("xl/worksheets/sheet1.xml"));
        assert!(!is_sheet("xl/worksheets/_rels/sheet1.xml.rels"));
        assert!(!is_sheet("xl/sharedStrings.xml"));
    }

    #[test]
    fn a_counted_reader_stops_past_its_bound() {
        let data = vec![0u8; 10_000];
        let mut c = Counted {
            inner: &data[..],
            left: 4096,
            over: false,
        };
        assert!(std::io::copy(&mut c, &mut std::io::sink()).is_err());
        assert!(c.over);
    }
}
