//! County tables: `.xlsx` workbooks and `.csv` files with one row per county, read into the same
//! [`CountyData`] a folder of county files gives (same values, same provenance, same data hash).
//!
//! Layout (docs/FORMAT.md, “County tables”):
//! - the sheet `台账` (or the first sheet) has a header row naming each column by field path
//!   (`decisions.hearing_rate`) or by the dictionary's Chinese description (a unit in brackets
//!   after it, `（%）`, is allowed), plus the county columns 编号/id, 名称/name, 省份/province,
//!   年度/year and optionally 类别/kind, 备注/note. A second row of field paths under a Chinese
//!   header (as `fazhi template` writes) is recognised and then decides the columns;
//! - an optional sheet `数据来源` gives provenance per value (编号, 字段, 界限, 来源, 原文, 说明), and
//!   `来源文件` the county's source documents (编号, 来源, 文件);
//! - cells: `是/否`, `√/×`, `有/无` for booleans; Excel dates or `2023年5月1日`; percents as
//!   `95`, `95%` or a percent-formatted cell holding 0.95 (read by the cell's number format, never
//!   guessed from the number); lists separated by `、`; an empty cell is a figure not given.
//!
//! Every error names the file, the sheet and cell (`台账!C12`) and the field.

mod cells;
mod limits;
mod styles;

pub use limits::Limits;

#[cfg(feature = "xlsx")]
pub(crate) use cells::{date_serial, shift_decimal};

/// A `YYYY-MM-DD` date (as county data hold dates).
#[cfg(feature = "xlsx")]
pub(crate) fn parse_iso_date(s: &str) -> Option<jiff::civil::Date> {
    s.parse().ok()
}

use crate::error::{did_you_mean, Diagnostic, Diagnostics, Error, Result};
use crate::load::county::{check_value, CountyData, CountyInfo, Datum};
use crate::model::FieldSpec;
use crate::types::hex;
use crate::types::FieldPath;
use crate::{Bound, RuleSet};
use cells::Cell;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The sheet of county rows.
pub const MAIN_SHEET: &str = "台账";
/// The sheet of per-value provenance.
pub const SOURCES_SHEET: &str = "数据来源";
/// The sheet of each county's source documents.
pub const DOCUMENTS_SHEET: &str = "来源文件";
// issue 27 shape 5: records
/// The sheet of records (案卷评查): one row per record of a `type: records` field, with the
/// county id (编号), the field (字段), the record's number (序号, from 1) and one column per
/// sub-field (headed by its name).
pub const RECORDS_SHEET: &str = "案卷";

/// One county row of a table: where it is and what it gave.
#[derive(Debug)]
pub struct TableRow {
    /// The row as `sheet!row` (`台账!5`).
    pub at: String,
    /// The county id written in the row (empty when the id cell is empty).
    pub id: String,
    /// The county's data, or every problem of the row (each naming its cell and field).
    pub data: Result<CountyData>,
}

/// A county table as read.
#[derive(Debug)]
pub struct CountyTable {
    /// sha256 of the file's bytes.
    pub sha256: String,
    /// One entry per non-empty county row, in sheet order.
    pub rows: Vec<TableRow>,
}

/// Whether `path` names a county table (`.xlsx`, `.xlsm` or `.csv`, any case).
pub fn is_table(path: &Path) -> bool {
    path.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| matches!(x.to_ascii_lowercase().as_str(), "xlsx" | "xlsm" | "csv"))
}

/// Reads a county table and checks every row against the rule set's dictionary.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read; [`Error::Data`] for problems of the whole table
/// (not a workbook, no `台账` rows, a header cell that names no field, a missing id or name
/// column, a bad `数据来源` row). A problem of one row is that row's [`TableRow::data`] error, so
/// the other counties can still be scored.
pub fn read_table(path: &Path, rules: &RuleSet) -> Result<CountyTable> {
    // Only a regular file (a FIFO named `.xlsx` would block), bounded in size.
    let bytes = crate::load::files::read_bytes(path)?;
    let file = path.display().to_string();
    let sheets = if path
        .extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| x.eq_ignore_ascii_case("csv"))
    {
        vec![csv_grid(&file, path, &bytes)?]
    } else {
        xlsx_grids(&file, path)?
    };
    let mut rows = read_sheets(&file, &sheets, rules)?;
    rows.shrink_to_fit();
    Ok(CountyTable {
        sha256: hex(&Sha256::digest(&bytes)),
        rows,
    })
}

/// A sheet's cells, row by row from A1.
struct Grid {
    name: String,
    cells: Vec<Vec<Cell>>,
}

impl Grid {
    fn get(&self, row: usize, col: usize) -> &Cell {
        self.cells
            .get(row)
            .and_then(|r| r.get(col))
            .unwrap_or(&Cell::Empty)
    }
    fn width(&self) -> usize {
        self.cells.iter().map(Vec::len).max().unwrap_or(0)
    }
    fn row_empty(&self, row: usize) -> bool {
        self.cells
            .get(row)
            .is_none_or(|r| r.iter().all(|c| *c == Cell::Empty))
    }
}

fn table_error(file: &str, at: (usize, usize), message: String, help: &str) -> Error {
    Error::Data(Diagnostics(vec![Diagnostic::error(
        crate::error::Code::Syntax,
        file,
        at,
        message,
    )
    .with_help(help)]))
}

fn csv_grid(file: &str, path: &Path, bytes: &[u8]) -> Result<Grid> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut cells = Vec::new();
    let limits = Limits::current();
    let mut total = 0usize;
    for rec in reader.records() {
        crate::cancel::check()?;
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            table_error(
                file,
                (line, 0),
                format!("not a readable CSV table: {e}"),
                "save the table as CSV UTF-8 (comma-separated), or as .xlsx",
            )
        })?;
        total += rec.len();
        if cells.len() >= limits.rows {
            return Err(limits::over(
                file,
                format!("the table has more than {} rows", limits.rows),
                "--max-rows",
                limits.rows,
            ));
        }
        if total > limits.cells {
            return Err(limits::over(
                file,
                format!("the table has more than {} cells", limits.cells),
                "--max-cells",
                limits.cells,
            ));
        }
        cells.push(rec.iter().map(Cell::text).collect());
    }
    let name = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(MAIN_SHEET)
        .to_string();
    Ok(Grid { name, cells })
}

fn xlsx_grids(file: &str, path: &Path) -> Result<Vec<Grid>> {
    // Bounded before calamine holds anything: expansion, sheets, rows, cells, shared strings.
    limits::check_workbook(file, path, &Limits::current())?;
    // The library never panics: a panic inside the workbook reader on a damaged workbook the
    // checks above let through becomes this file's error.
    std::panic::catch_unwind(|| xlsx_grids_checked(file, path)).unwrap_or_else(|_| {
        Err(table_error(
            file,
            (0, 0),
            "the workbook reader failed on this file: it is damaged".into(),
            "open the workbook in a spreadsheet program and save it again",
        ))
    })
}

fn xlsx_grids_checked(file: &str, path: &Path) -> Result<Vec<Grid>> {
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(path).map_err(|e| {
        table_error(
            file,
            (0, 0),
            format!("not a readable workbook: {e}"),
            "save the table as an Excel workbook (.xlsx) or as CSV UTF-8",
        )
    })?;
    let names = wb.sheet_names().to_vec();
    let main = names
        .iter()
        .find(|n| n.as_str() == MAIN_SHEET)
        .or_else(|| {
            names.iter().find(|n| {
                ![
                    SOURCES_SHEET,
                    DOCUMENTS_SHEET,
                    FIELDS_SHEET,
                    CHOICES_SHEET,
                    RECORDS_SHEET,
                ]
                .contains(&n.as_str())
            })
        })
        .cloned()
        .ok_or_else(|| {
            table_error(
                file,
                (0, 0),
                "the workbook has no sheet of county rows".into(),
                "put one row per county in a sheet named 台账",
            )
        })?;
    let mut out = Vec::new();
    for name in [main.as_str(), SOURCES_SHEET, DOCUMENTS_SHEET, RECORDS_SHEET] {
        if !names.iter().any(|n| n == name) {
            continue;
        }
        let range = wb.worksheet_range(name).map_err(|e| {
            table_error(
                file,
                (0, 0),
                format!("sheet `{name}` cannot be read: {e}"),
                "open and save the workbook again in a spreadsheet program",
            )
        })?;
        let styles = styles::read(path, name);
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut cells: Vec<Vec<Cell>> = vec![Vec::new(); r0 as usize];
        for (i, row) in range.rows().enumerate() {
            let r = r0 + i as u32;
            let mut line = vec![Cell::Empty; c0 as usize];
            for (j, d) in row.iter().enumerate() {
                let c = c0 + j as u32;
                line.push(Cell::from_xlsx(
                    d,
                    styles.percent.contains(&(r, c)),
                    styles.date1904,
                ));
            }
            cells.push(line);
        }
        out.push(Grid {
            name: name.to_string(),
            cells,
        });
    }
    Ok(out)
}

/// The sheet with the field explanations `fazhi template` writes (not read back).
pub const FIELDS_SHEET: &str = "字段说明";
/// The sheet with the drop-down choices `fazhi template` writes (not read back).
pub const CHOICES_SHEET: &str = "选项";

/// `C12` for 0-based (11, 2).
pub fn cell_name(row: usize, col: usize) -> String {
    let mut letters = Vec::new();
    let mut c = col + 1;
    while c > 0 {
        letters.push(b'A' + ((c - 1) % 26) as u8);
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row + 1)
}

/// A cell's text without the spaces around it (ids, names, keys).
fn trimmed(c: &Cell) -> Option<String> {
    c.as_text().map(|t| t.trim().to_string())
}

/// What a column of the county sheet holds.
#[derive(Debug, Clone, PartialEq)]
enum Col {
    Id,
    Name,
    Province,
    Year,
    Kind,
    Note,
    Field(FieldPath),
}

/// The county columns: their English keys (the second header row) and Chinese names.
const COUNTY_COLUMNS: &[(&str, &[&str], Col)] = &[
    ("id", &["编号", "地区编号"], Col::Id),
    ("name", &["名称", "地区", "县（市、区）"], Col::Name),
    ("province", &["省份", "省"], Col::Province),
    ("year", &["年度", "年份"], Col::Year),
    ("kind", &["类别"], Col::Kind),
    ("note", &["备注"], Col::Note),
];

/// The header text without a trailing unit in brackets: `行政复议纠错率（%）` → `行政复议纠错率`.
fn strip_unit(s: &str) -> &str {
    let t = s.trim();
    for (open, close) in [('（', '）'), ('(', ')')] {
        if t.ends_with(close) {
            if let Some(i) = t.rfind(open) {
                return t[..i].trim_end();
            }
        }
    }
    t
}

struct Dictionary<'a> {
    fields: &'a BTreeMap<FieldPath, FieldSpec>,
    by_desc: BTreeMap<&'a str, Option<&'a FieldPath>>,
}

impl<'a> Dictionary<'a> {
    fn new(fields: &'a BTreeMap<FieldPath, FieldSpec>) -> Self {
        let mut by_desc = BTreeMap::new();
        for (path, spec) in fields {
            by_desc
                .entry(spec.desc.trim())
                .and_modify(|e| *e = None)
                .or_insert(Some(path));
        }
        Dictionary { fields, by_desc }
    }
    /// A column by field path or English county key only (the second header row).
    fn by_path(&self, text: &str) -> Option<Col> {
        let t = text.trim();
        let t = t.strip_prefix("county.").unwrap_or(t);
        if let Some((_, _, col)) = COUNTY_COLUMNS.iter().find(|(k, _, _)| *k == t) {
            return Some(col.clone());
        }
        let t = t.strip_prefix("data.").unwrap_or(t);
        self.fields
            .get_key_value(&FieldPath::new(t))
            .map(|(k, _)| Col::Field(k.clone()))
    }
    /// A column by any of its names; `Err` says why not.
    fn recognise(&self, text: &str) -> Result<Col, (String, Option<String>)> {
        if let Some(c) = self.by_path(text) {
            return Ok(c);
        }
        for t in [text.trim(), strip_unit(text)] {
            if let Some((_, _, col)) = COUNTY_COLUMNS.iter().find(|(_, zh, _)| zh.contains(&t)) {
                return Ok(col.clone());
            }
            match self.by_desc.get(t) {
                Some(Some(path)) => return Ok(Col::Field((*path).clone())),
                Some(None) => {
                    return Err((
                        format!("column `{text}`: several fields have this description"),
                        Some("write the field path in the header instead".into()),
                    ))
                }
                None => {}
            }
        }
        let candidates = self
            .fields
            .keys()
            .map(|k| k.as_str())
            .chain(self.by_desc.keys().copied());
        let help = did_you_mean(text.trim(), candidates).map(|s| format!("did you mean `{s}`?"));
        Err((
            format!("column `{text}` names no field of the rule set's data dictionary"),
            help.or_else(|| {
                Some("a header cell is a field path, the field's Chinese description (字段说明 in `fazhi template`), or 编号/名称/省份/年度/类别/备注".into())
            }),
        ))
    }
}

/// Reads the county sheet (and the provenance sheets when present) into rows.
fn read_sheets(file: &str, sheets: &[Grid], rules: &RuleSet) -> Result<Vec<TableRow>> {
    let main = &sheets[0];
    let dict = Dictionary::new(rules.fields());
    let mut diags = Vec::new();
    // Which header row decides: a second row of paths (under a Chinese header), else the first.
    let width = main.width();
    let path_row = !main.row_empty(1)
        && (0..width).all(|c| match main.get(1, c).as_text() {
            None => true,
            Some(t) => dict.by_path(&t).is_some(),
        });
    let header = if path_row { 1 } else { 0 };
    if main.row_empty(0) {
        return Err(table_error(
            file,
            (1, 1),
            format!("{}!A1: the first row is empty", main.name),
            "the first row names each column: 编号, 名称, then field paths or their Chinese descriptions",
        ));
    }
    let mut cols: Vec<Option<Col>> = Vec::with_capacity(width);
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for c in 0..width {
        let Some(text) = main.get(header, c).as_text() else {
            cols.push(None);
            continue;
        };
        let at = format!("{}!{}", main.name, cell_name(header, c));
        match dict.recognise(&text) {
            Ok(col) => {
                let key = format!("{col:?}");
                if let Some(first) = seen.insert(key, c) {
                    diags.push(
                        Diagnostic::error(
                            crate::error::Code::DuplicateKey,
                            file,
                            (header + 1, c + 1),
                            format!(
                                "{at}: column `{text}` says the same as column {}",
                                cell_name(header, first)
                            ),
                        )
                        .with_help("keep one column per field"),
                    );
                }
                cols.push(Some(col));
            }
            Err((msg, help)) => {
                let mut d = Diagnostic::error(
                    crate::error::Code::InvalidValue,
                    file,
                    (header + 1, c + 1),
                    format!("{at}: {msg}"),
                );
                if let Some(h) = help {
                    d = d.with_help(h);
                }
                diags.push(d);
                cols.push(None);
            }
        }
    }
    for (need, zh) in [(Col::Id, "编号 (id)"), (Col::Name, "名称 (name)")] {
        if !cols.iter().any(|c| c.as_ref() == Some(&need)) {
            diags.push(
                Diagnostic::error(
                    crate::error::Code::MissingKey,
                    file,
                    (header + 1, 0),
                    format!("{}: the header has no {zh} column", main.name),
                )
                .with_help("every county row needs its id and name"),
            );
        }
    }
    if !diags.is_empty() {
        return Err(Error::Data(Diagnostics(diags)));
    }

    // The rows.
    let mut rows: Vec<(usize, String)> = Vec::new();
    let mut parts: BTreeMap<String, usize> = BTreeMap::new();
    let mut built: Vec<(CountyInfo, BTreeMap<FieldPath, Datum>, Vec<Diagnostic>)> = Vec::new();
    for r in header + 1..main.cells.len() {
        if main.row_empty(r) {
            continue;
        }
        let mut info = CountyInfo::default();
        let mut values = BTreeMap::new();
        let mut row_diags = Vec::new();
        for (c, col) in cols.iter().enumerate() {
            let Some(col) = col else { continue };
            let cell = main.get(r, c);
            let at = format!("{}!{}", main.name, cell_name(r, c));
            let mut err = |msg: String, help: Option<&str>| {
                let mut d = Diagnostic::error(
                    crate::error::Code::InvalidValue,
                    file,
                    (r + 1, c + 1),
                    format!("{at}: {msg}"),
                );
                if let Some(h) = help {
                    d = d.with_help(h);
                }
                row_diags.push(d);
            };
            match col {
                Col::Id => info.id = trimmed(cell).unwrap_or_default(),
                Col::Name => info.name = trimmed(cell).unwrap_or_default(),
                Col::Province => info.province = trimmed(cell),
                Col::Kind => info.kind = cell.as_text(),
                Col::Note => info.note = cell.as_text(),
                Col::Year => match cell {
                    Cell::Empty => {}
                    Cell::Number { x, percent: false }
                        if x.fract() == 0.0 && (1000.0..=9999.0).contains(x) =>
                    {
                        info.year = Some(*x as i32)
                    }
                    other => match other
                        .as_text()
                        .map(|t| t.trim_end_matches('年').trim().to_string())
                        .and_then(|t| t.parse::<i32>().ok())
                        .filter(|y| (1000..=9999).contains(y))
                    {
                        Some(y) => info.year = Some(y),
                        None => err(
                            format!(
                                "year (年度): expected a year such as 2023, found {}",
                                cells::describe(other)
                            ),
                            None,
                        ),
                    },
                },
                Col::Field(path) => {
                    let spec = &rules.fields()[path];
                    let checked = cells::to_value(cell, spec)
                        .and_then(|v| v.map(|v| check_value(&v, spec)).transpose());
                    match checked {
                        Ok(Some(v)) => {
                            values.insert(path.clone(), Datum::new(v));
                        }
                        Ok(None) => {}
                        Err(m) => err(format!("field `{path}` ({}): {m}", spec.desc), None),
                    }
                }
            }
        }
        let id_col = cols.iter().position(|c| *c == Some(Col::Id)).unwrap_or(0);
        let name_col = cols.iter().position(|c| *c == Some(Col::Name)).unwrap_or(0);
        if info.id.is_empty() {
            row_diags.push(
                Diagnostic::error(
                    crate::error::Code::MissingKey,
                    file,
                    (r + 1, id_col + 1),
                    format!(
                        "{}!{}: the county id (编号) is empty",
                        main.name,
                        cell_name(r, id_col)
                    ),
                )
                .with_help("give every row a stable id such as yuncheng-2018"),
            );
        } else if let Some(first) = parts.get(&info.id) {
            row_diags.push(
                Diagnostic::error(
                    crate::error::Code::DuplicateKey,
                    file,
                    (r + 1, id_col + 1),
                    format!(
                        "{}!{}: county id `{}` is also the id of row {}",
                        main.name,
                        cell_name(r, id_col),
                        info.id,
                        rows[*first].0 + 1
                    ),
                )
                .with_help("each county has one row; give each row its own id"),
            );
        } else {
            parts.insert(info.id.clone(), built.len());
        }
        if info.name.is_empty() {
            row_diags.push(Diagnostic::error(
                crate::error::Code::MissingKey,
                file,
                (r + 1, name_col + 1),
                format!(
                    "{}!{}: the county name (名称) is empty",
                    main.name,
                    cell_name(r, name_col)
                ),
            ));
        }
        rows.push((r, info.id.clone()));
        built.push((info, values, row_diags));
    }

    // Provenance sheets, after the records (issue 27 shape 5), which a provenance row may name.
    let mut sheet_diags = Vec::new();
    for grid in sheets[1..].iter().filter(|g| g.name == RECORDS_SHEET) {
        let by_id = |id: &str| parts.get(id).copied();
        read_records(file, grid, rules, &by_id, &mut built, &mut sheet_diags);
    }
    for grid in &sheets[1..] {
        let by_id = |id: &str| parts.get(id).copied();
        if grid.name == SOURCES_SHEET {
            read_sources(file, grid, &dict, &by_id, &mut built, &mut sheet_diags);
        } else if grid.name == DOCUMENTS_SHEET {
            read_documents(file, grid, &by_id, &mut built, &mut sheet_diags);
        }
    }
    if !sheet_diags.is_empty() {
        return Err(Error::Data(Diagnostics(sheet_diags)));
    }
    Ok(rows
        .into_iter()
        .zip(built)
        .map(|((r, id), (info, values, diags))| TableRow {
            at: format!("{}!{}", main.name, r + 1),
            id,
            data: if diags.is_empty() {
                Ok(CountyData::finish(info, values))
            } else {
                Err(Error::Data(Diagnostics(diags)))
            },
        })
        .collect())
}

/// The columns of a provenance sheet, found by their header (Chinese or English).
fn sheet_columns(
    file: &str,
    grid: &Grid,
    names: &[(&str, &str)],
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<Option<usize>>> {
    let mut out = vec![None; names.len()];
    for c in 0..grid.width() {
        let Some(t) = trimmed(grid.get(0, c)) else {
            continue;
        };
        match names.iter().position(|(zh, en)| t == *zh || t == *en) {
            Some(i) => out[i] = Some(c),
            None => diags.push(
                Diagnostic::error(
                    crate::error::Code::UnknownKey,
                    file,
                    (1, c + 1),
                    format!("{}!{}: unknown column `{t}`", grid.name, cell_name(0, c)),
                )
                .with_help(format!(
                    "the columns of `{}` are {}",
                    grid.name,
                    names
                        .iter()
                        .map(|(zh, _)| *zh)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            ),
        }
    }
    for (i, (zh, en)) in names.iter().enumerate().take(2) {
        if out[i].is_none() {
            diags.push(Diagnostic::error(
                crate::error::Code::MissingKey,
                file,
                (1, 0),
                format!("{}: the header has no {zh} ({en}) column", grid.name),
            ));
            return None;
        }
    }
    Some(out)
}

type Built = (CountyInfo, BTreeMap<FieldPath, Datum>, Vec<Diagnostic>);

fn read_sources(
    file: &str,
    grid: &Grid,
    dict: &Dictionary,
    by_id: &dyn Fn(&str) -> Option<usize>,
    built: &mut [Built],
    diags: &mut Vec<Diagnostic>,
) {
    let names = [
        ("编号", "id"),
        ("字段", "field"),
        ("界限", "bound"),
        ("来源", "source"),
        ("原文", "quote"),
        ("说明", "note"),
    ];
    let Some(cols) = sheet_columns(file, grid, &names, diags) else {
        return;
    };
    let text = |r: usize, i: usize| cols[i].and_then(|c| grid.get(r, c).as_text());
    let mut seen = BTreeSet::new();
    for r in 1..grid.cells.len() {
        if grid.row_empty(r) {
            continue;
        }
        let at = |i: usize| {
            let c = cols[i].unwrap_or(0);
            ((r + 1, c + 1), format!("{}!{}", grid.name, cell_name(r, c)))
        };
        let mut err = |i: usize, msg: String, help: &str| {
            let (loc, name) = at(i);
            diags.push(
                Diagnostic::error(
                    crate::error::Code::InvalidValue,
                    file,
                    loc,
                    format!("{name}: {msg}"),
                )
                .with_help(help),
            );
        };
        let id = text(r, 0).unwrap_or_default().trim().to_string();
        let Some(k) = by_id(&id) else {
            err(
                0,
                format!("county `{id}` has no row in `{MAIN_SHEET}`"),
                "provenance rows name a county id of the county sheet",
            );
            continue;
        };
        let field_text = text(r, 1).unwrap_or_default();
        let path = match dict.recognise(&field_text) {
            Ok(Col::Field(p)) => p,
            _ => {
                err(
                    1,
                    format!("`{field_text}` names no field of the data dictionary"),
                    "write the field path, as in the county sheet's second header row",
                );
                continue;
            }
        };
        if !seen.insert((id.clone(), path.clone())) {
            err(
                1,
                format!("county `{id}`, field `{path}` has a second provenance row"),
                "keep one row per county and field",
            );
            continue;
        }
        let Some(datum) = built[k].1.get_mut(&path) else {
            err(1, format!("county `{id}` has no value for field `{path}` in `{MAIN_SHEET}`"), "provenance belongs to a figure: enter the figure in the county sheet, or delete this row");
            continue;
        };
        if let Some(b) = text(r, 2) {
            datum.bound = match b.trim() {
                "精确" | "exact" => Bound::Exact,
                "不少于" | "下限" | "以上" | "≥" | "lower" => Bound::Lower,
                "不多于" | "上限" | "以下" | "≤" | "upper" => Bound::Upper,
                other => {
                    err(
                        2,
                        format!("bound `{other}` is not one of 精确, 不少于, 不多于"),
                        "不少于 (lower) for figures such as “2700余件”",
                    );
                    continue;
                }
            };
        }
        datum.source = text(r, 3).map(Into::into);
        datum.quote = text(r, 4).map(Into::into);
        datum.note = text(r, 5).map(Into::into);
    }
}

// issue 27 shape 5: records
/// The `案卷` sheet: each row one record of a county's `type: records` field (编号, 字段, 序号,
/// then a column per sub-field, headed by its name). Every problem names its cell: an unknown
/// county or field, a number that is not a whole number from 1 or comes twice, a sub-field the
/// field does not have, a value its sub-field refuses; then each county's records, in number
/// order, are checked as a whole (every sub-field given, `max_records`) at the first row of the
/// field.
fn read_records(
    file: &str,
    grid: &Grid,
    rules: &RuleSet,
    by_id: &dyn Fn(&str) -> Option<usize>,
    built: &mut [Built],
    diags: &mut Vec<Diagnostic>,
) {
    // The fixed columns by their Chinese header (sub-fields are snake_case, so a sub-field named
    // `id` or `no` is never taken for one); every other header names a sub-field.
    let fixed = [("编号", "id"), ("字段", "field"), ("序号", "number")];
    let mut cols = [None; 3];
    let mut subs: Vec<(usize, String)> = Vec::new();
    for c in 0..grid.width() {
        let Some(t) = trimmed(grid.get(0, c)) else {
            continue;
        };
        match fixed.iter().position(|(zh, _)| t == *zh) {
            Some(i) => cols[i] = Some(c),
            None => subs.push((c, t)),
        }
    }
    if let Some((zh, en)) = fixed
        .iter()
        .zip(cols)
        .find(|(_, c)| c.is_none())
        .map(|x| x.0)
    {
        diags.push(
            Diagnostic::error(
                crate::error::Code::MissingKey,
                file,
                (1, 0),
                format!("{}: the header has no {zh} ({en}) column", grid.name),
            )
            .with_help("the records sheet has 编号, 字段, 序号, then one column per sub-field"),
        );
        return;
    }
    let col = |i: usize| cols[i].unwrap_or(0);
    type Group = BTreeMap<usize, (usize, crate::types::Record)>;
    let mut groups: BTreeMap<(usize, FieldPath), Group> = BTreeMap::new();
    for r in 1..grid.cells.len() {
        if grid.row_empty(r) {
            continue;
        }
        let mut err = |c: usize, msg: String| {
            diags.push(Diagnostic::error(
                crate::error::Code::InvalidValue,
                file,
                (r + 1, c + 1),
                format!("{}!{}: {msg}", grid.name, cell_name(r, c)),
            ))
        };
        let id = trimmed(grid.get(r, col(0))).unwrap_or_default();
        let Some(k) = by_id(&id) else {
            err(
                col(0),
                format!("county `{id}` has no row in `{MAIN_SHEET}`"),
            );
            continue;
        };
        let path = trimmed(grid.get(r, col(1))).unwrap_or_default();
        let Some((field, spec)) = rules
            .fields()
            .get_key_value(path.as_str())
            .filter(|(_, s)| s.ty == crate::model::FieldType::Records)
        else {
            let records = rules
                .fields()
                .iter()
                .filter(|(_, s)| s.ty == crate::model::FieldType::Records)
                .map(|(f, _)| f.as_str());
            let hint = did_you_mean(&path, records)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            err(
                col(1),
                format!("`{path}` is no records field of the data dictionary{hint}"),
            );
            continue;
        };
        let no = match grid.get(r, col(2)) {
            Cell::Number { x, percent: false } if x.fract() == 0.0 && *x >= 1.0 => *x as usize,
            other => {
                err(
                    col(2),
                    format!(
                        "the record number (序号) is a whole number from 1, found {}",
                        cells::describe(other)
                    ),
                );
                continue;
            }
        };
        let known = spec.record_fields.as_ref();
        let mut record = crate::types::Record::new();
        for (c, name) in &subs {
            let cell = grid.get(r, *c);
            let Some(sub) = known.and_then(|m| m.get(name)) else {
                if !matches!(cell, Cell::Empty) {
                    err(
                        *c,
                        format!(
                            "`{name}` is no sub-field of `{field}`, but the cell holds a value"
                        ),
                    );
                }
                continue;
            };
            match cells::to_value(cell, sub)
                .and_then(|v| v.map(|v| check_value(&v, sub)).transpose())
            {
                Ok(Some(v)) => {
                    record.insert(name.clone(), v);
                }
                Ok(None) => {}
                Err(m) => err(*c, format!("field `{field}`, record {no}, `{name}`: {m}")),
            }
        }
        let group = groups.entry((k, field.clone())).or_default();
        if group.insert(no, (r, record)).is_some() {
            err(
                col(2),
                format!("county `{id}`, field `{field}` has record {no} twice"),
            );
        }
    }
    for ((k, field), group) in groups {
        let first = group.values().map(|(r, _)| *r).min().unwrap_or(1);
        let spec = &rules.fields()[&field];
        let value = crate::types::Value::Records(group.into_values().map(|(_, rec)| rec).collect());
        match check_value(&value, spec) {
            Ok(v) => {
                built[k].1.insert(field, Datum::new(v));
            }
            Err(m) => diags.push(Diagnostic::error(
                crate::error::Code::InvalidValue,
                file,
                (first + 1, col(1) + 1),
                format!(
                    "{}!{}: county `{}`, field `{field}`: {m}",
                    grid.name,
                    cell_name(first, col(1)),
                    built[k].0.id
                ),
            )),
        }
    }
}

fn read_documents(
    file: &str,
    grid: &Grid,
    by_id: &dyn Fn(&str) -> Option<usize>,
    built: &mut [Built],
    diags: &mut Vec<Diagnostic>,
) {
    let names = [("编号", "id"), ("来源", "source"), ("文件", "document")];
    let Some(cols) = sheet_columns(file, grid, &names, diags) else {
        return;
    };
    for r in 1..grid.cells.len() {
        if grid.row_empty(r) {
            continue;
        }
        let text = |i: usize| cols[i].and_then(|c| grid.get(r, c).as_text());
        let id = text(0).unwrap_or_default().trim().to_string();
        let c0 = cols[0].unwrap_or(0);
        let Some(k) = by_id(&id) else {
            diags.push(
                Diagnostic::error(
                    crate::error::Code::UnknownKey,
                    file,
                    (r + 1, c0 + 1),
                    format!(
                        "{}!{}: county `{id}` has no row in `{MAIN_SHEET}`",
                        grid.name,
                        cell_name(r, c0)
                    ),
                )
                .with_help("document rows name a county id of the county sheet"),
            );
            continue;
        };
        let key = text(1).unwrap_or_default();
        let doc = text(2).unwrap_or_default();
        if built[k].0.sources.insert(key.clone(), doc).is_some() {
            let c1 = cols[1].unwrap_or(0);
            diags.push(Diagnostic::error(
                crate::error::Code::DuplicateKey,
                file,
                (r + 1, c1 + 1),
                format!(
                    "{}!{}: county `{id}` names source `{key}` twice",
                    grid.name,
                    cell_name(r, c1)
                ),
            ));
        }
    }
}

/// A table row named as reports name it, `台账.xlsx#台账!5`: the table's path and the row.
/// `None` when `source` is not a table row.
pub fn split_row_source(source: &str) -> Option<(&Path, &str)> {
    let (file, row) = source.rsplit_once('#')?;
    let path = Path::new(file);
    (is_table(path) && row.contains('!')).then_some((path, row))
}

/// Reads the county of one table row named `row` (`台账!5`) from the table at `path`.
///
/// # Errors
/// Those of [`read_table`], the row's own errors, and [`Error::Invalid`] when the table has no
/// such row.
pub fn read_row(path: &Path, row: &str, rules: &RuleSet) -> Result<CountyData> {
    let table = read_table(path, rules)?;
    let rows: Vec<String> = table.rows.iter().map(|r| r.at.clone()).collect();
    match table.rows.into_iter().find(|r| r.at == row) {
        Some(r) => r.data,
        None => Err(Error::Invalid(format!(
            "{}: no county row {row}; the table's county rows are {}",
            path.display(),
            rows.join(", ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_names() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(11, 2), "C12");
        // Column 27 (0-based 26) is AA; 0-based 701 is ZZ (26 × 26 + 26 − 1).
        assert_eq!(cell_name(0, 26), "AA1");
        assert_eq!(cell_name(0, 701), "ZZ1");
    }

    #[test]
    fn units_are_stripped_from_headers() {
        assert_eq!(strip_unit("行政复议纠错率（%）"), "行政复议纠错率");
        assert_eq!(strip_unit("人数(人)"), "人数");
        assert_eq!(strip_unit("名称"), "名称");
    }
}
