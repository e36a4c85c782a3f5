//! The format-independent document every analysis is composed into once (see
//! `render::compose`); the writers in `render::write` only write it out, as
//! Markdown, HTML, Word, workbook or CSV. A writer may add what only its format can do (number
//! formats, frozen header rows, print setup, page breaks); it never drops a block, a row or a
//! cell.
//!
//! A document is a list of [`Block`]s: headings, paragraphs (plain, strong and code spans),
//! notes, bullet lists, typed [`Table`]s and charts. A table's columns have a [`Kind`] that says
//! how its cells are written (`+1.5` for signed points, `−22` for points lost, `68.6%`), so that
//! every format writes the same number the same way (the words and signs of
//! [`crate::render::words`]); a workbook writes points, counts and percents as number cells.

use crate::render::words;
use crate::types::Points;

/// What a column holds, and so how its cells are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text, left-aligned.
    Text,
    /// An id (`7.3.2`, `PN1`): text that must not wrap.
    Id,
    /// Points, as they are (`48`, `−0.5` with the real minus sign).
    Points,
    /// A change in points, always signed (`+3`, `−4`, `0`).
    Signed,
    /// Points taken away, written as a deduction (`−22`, `0`) from a value ≥ 0.
    Lost,
    /// A percentage, `68.6%`, from a value in percent (68.571).
    Percent,
    /// A date, `2023-05-01`.
    Date,
    /// A whole number (counts, ranks).
    Count,
}

impl Kind {
    /// Whether the column holds figures (right-aligned in every format).
    pub fn numeric(self) -> bool {
        !matches!(self, Kind::Text | Kind::Id | Kind::Date)
    }
}

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing (a figure that does not apply).
    Empty,
    /// Text (in any column; in a figure column, a figure already worded, `79 / 100`).
    Text(String),
    /// Points, written by the column's [`Kind`].
    Points(Points),
    /// A percentage in percent (68.571 for 68.571%).
    Percent(f64),
    /// A whole number.
    Count(i64),
    /// A figure that is not points (a cost, a share), written with at most three decimals.
    Number(f64),
    /// A statistic written with exactly this many decimals (`0.50`, `−0.125`).
    Fixed(f64, usize),
    /// A figure that is not defined (a correlation of a constant): `—`, an empty cell in a
    /// workbook.
    Undefined,
    /// A cell that stands out (lost points): bold where the format can.
    Strong(Box<Cell>),
}

impl Cell {
    /// The cell as text in a column of `kind`, as Markdown, HTML, Word and CSV write it.
    pub fn text(&self, kind: Kind) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Points(p) => match kind {
                Kind::Signed => words::signed(*p),
                Kind::Lost => words::deducted(*p),
                _ => words::plain(*p),
            },
            Cell::Percent(x) => format!("{x:.1}%"),
            Cell::Count(n) => match kind {
                Kind::Signed => words::signed_int(*n),
                _ => n.to_string(),
            },
            Cell::Number(x) => number(*x),
            Cell::Fixed(x, d) => match fixed(*x, *d) {
                t if kind == Kind::Signed
                    && *x > 0.0
                    && t.chars()
                        .any(|c| c.is_ascii_digit() && c != '0' && c != '.') =>
                {
                    format!("+{t}")
                }
                t => t,
            },
            Cell::Undefined => "—".into(),
            Cell::Strong(c) => c.text(kind),
        }
    }

    /// The cell as a machine reads it (CSV): figures plain with an ASCII minus, percents in
    /// percent without the sign.
    pub fn plain(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Points(p) => p.to_string(),
            Cell::Percent(x) | Cell::Number(x) => number(*x),
            Cell::Fixed(x, d) => format!("{x:.d$}"),
            Cell::Undefined => String::new(),
            Cell::Count(n) => n.to_string(),
            Cell::Strong(c) => c.plain(),
        }
    }

    /// Whether the cell stands out.
    pub fn strong(&self) -> bool {
        matches!(self, Cell::Strong(_))
    }

    /// A cell of lost points: strong when something was lost.
    pub fn lost(p: Points) -> Cell {
        if p > Points::ZERO {
            Cell::Strong(Box::new(Cell::Points(p)))
        } else {
            Cell::Points(p)
        }
    }
}

/// `x` with `d` decimals and the real minus sign (never `−0.000`).
fn fixed(x: f64, d: usize) -> String {
    let t = format!("{x:.d$}");
    match t.strip_prefix('-') {
        Some(rest) if rest.chars().any(|c| c.is_ascii_digit() && c != '0') => {
            format!("{}{rest}", words::MINUS)
        }
        Some(rest) => rest.to_string(),
        None => t,
    }
}

/// `x` with at most three decimals, trailing zeros dropped (`2.5`, `1`).
fn number(x: f64) -> String {
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}
impl From<Points> for Cell {
    fn from(p: Points) -> Cell {
        Cell::Points(p)
    }
}
impl From<Option<String>> for Cell {
    fn from(s: Option<String>) -> Cell {
        s.map_or(Cell::Empty, Cell::Text)
    }
}

/// A column: its header and kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The header, in Chinese.
    pub title: String,
    /// What the column holds.
    pub kind: Kind,
}

/// A table: typed columns and rows of cells (a row shorter than the columns is padded with
/// empty cells by every writer).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The workbook sheet its rows go to (rows of several counties' tables of the same sheet
    /// are gathered on one sheet, each row led by the county's id and name). `None`: the
    /// workbook carries these rows on a sheet of the whole batch with more columns (总表, 明细),
    /// see `render::compose::score`.
    pub sheet: Option<&'static str>,
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// A table of `columns` (`(title, kind)`) on the workbook sheet `sheet`.
    pub fn new(sheet: Option<&'static str>, columns: &[(&str, Kind)]) -> Table {
        Table {
            sheet,
            columns: columns
                .iter()
                .map(|(t, k)| Column {
                    title: t.to_string(),
                    kind: *k,
                })
                .collect(),
            rows: Vec::new(),
        }
    }

    /// A table of a batch on the sheet `sheet`: the county's id and name (编号, 名称), then
    /// `columns`.
    pub fn of_counties(sheet: &'static str, columns: &[(&str, Kind)]) -> Table {
        let mut t = Table::new(Some(sheet), &[("编号", Kind::Id), ("名称", Kind::Text)]);
        t.columns.extend(Table::new(None, columns).columns);
        t
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<Cell>) {
        self.rows.push(cells);
    }

    /// The cells of `row`, one per column (empty beyond the row's end), each with its column's
    /// kind and its text.
    pub fn cells<'a>(
        &'a self,
        row: &'a [Cell],
    ) -> impl Iterator<Item = (Kind, &'a Cell, String)> + 'a {
        self.columns.iter().enumerate().map(move |(i, c)| {
            let cell = row.get(i).unwrap_or(&Cell::Empty);
            (c.kind, cell, cell.text(c.kind))
        })
    }

    /// The cell at `row`, `col` as text, as the text formats write it ("" beyond the row).
    pub fn text(&self, row: usize, col: usize) -> String {
        let kind = self.columns.get(col).map_or(Kind::Text, |c| c.kind);
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .map_or(String::new(), |c| c.text(kind))
    }
}

/// A run of text in a paragraph.
#[derive(Debug, Clone, PartialEq)]
pub enum Span {
    /// Plain text.
    Text(String),
    /// Text that stands out (bold).
    Strong(String),
    /// An id or hash (monospace).
    Code(String),
}

impl Span {
    /// The span's text without markup.
    pub fn text(&self) -> &str {
        match self {
            Span::Text(t) | Span::Strong(t) | Span::Code(t) => t,
        }
    }
}

/// The text of spans without markup.
pub fn plain(spans: &[Span]) -> String {
    spans.iter().map(Span::text).collect()
}

/// One block of a document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading: level 1 is the county's title, 2 a section, 3 a subsection.
    Heading(u8, String),
    /// A paragraph.
    Para(Vec<Span>),
    /// A remark set apart (a warning, an explanation of a table).
    Note(String),
    /// A bullet list.
    List(Vec<Vec<Span>>),
    /// A table.
    Table(Table),
    /// A chart (SVG) illustrating a table of the document, with its caption: drawn by the formats
    /// that can (HTML); its figures are in that table in every format.
    Chart {
        /// The SVG.
        svg: String,
        /// The caption.
        caption: String,
    },
}

/// A document: one county's report, or a batch's summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// The county's id (leads its rows on workbook sheets); empty for a batch's document.
    pub key: String,
    /// The county's name (beside its id on workbook sheets).
    pub name: String,
    /// The blocks, in order.
    pub blocks: Vec<Block>,
}

impl Document {
    /// An empty document for the county `key` named `name`.
    pub fn new(key: &str, name: &str) -> Document {
        Document {
            key: key.to_string(),
            name: name.to_string(),
            blocks: Vec::new(),
        }
    }
    /// Adds a heading.
    pub fn heading(&mut self, level: u8, text: impl Into<String>) {
        self.blocks.push(Block::Heading(level, text.into()));
    }
    /// Adds a paragraph of plain text.
    pub fn para(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Para(vec![Span::Text(text.into())]));
    }
    /// Adds a paragraph of spans.
    pub fn spans(&mut self, spans: Vec<Span>) {
        self.blocks.push(Block::Para(spans));
    }
    /// Adds a note.
    pub fn note(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Note(text.into()));
    }
    /// Adds a list of plain lines (nothing when empty).
    pub fn list(&mut self, lines: Vec<String>) {
        if !lines.is_empty() {
            self.blocks.push(Block::List(
                lines.into_iter().map(|l| vec![Span::Text(l)]).collect(),
            ));
        }
    }
    /// Adds a table.
    pub fn table(&mut self, t: Table) {
        self.blocks.push(Block::Table(t));
    }
    /// The tables, in order.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
    }
}

/// The tables of several counties' documents gathered by workbook sheet: the rows of every
/// table of one sheet under one header, each led by its county's id and name (编号, 名称); a table
/// whose header differs from the sheet's first is set below it with its own header. The text of
/// the documents (paragraphs, notes, lists) goes to the sheet 正文 (编号, 名称, 章节, 内容), so that
/// no words are lost. A batch's document (empty `key`) has no county columns. Tables with no sheet (`sheet: None`) are carried by a batch table.
pub fn gather(docs: &[Document]) -> Vec<Table> {
    let mut out: Vec<Table> = Vec::new();
    let mut text = Table::of_counties("正文", &[("章节", Kind::Text), ("内容", Kind::Text)]);
    for d in docs {
        let mut section = String::new();
        for b in &d.blocks {
            // A batch's document (no county) leads its rows with nothing.
            let lead = || {
                if d.key.is_empty() {
                    Vec::new()
                } else {
                    vec![Cell::from(d.key.as_str()), Cell::from(d.name.as_str())]
                }
            };
            let mut line = |t: String| {
                let mut r = lead();
                r.push(section.clone().into());
                r.push(t.into());
                text.row(r);
            };
            match b {
                Block::Heading(_, h) => section = h.clone(),
                Block::Para(sp) => line(plain(sp)),
                Block::Note(n) => line(n.clone()),
                Block::List(ls) => ls.iter().for_each(|l| line(plain(l))),
                Block::Chart { .. } => {}
                Block::Table(t) => {
                    let Some(sheet) = t.sheet else { continue };
                    let mut columns = if d.key.is_empty() {
                        Vec::new()
                    } else {
                        Table::of_counties(sheet, &[]).columns
                    };
                    columns.extend(t.columns.iter().cloned());
                    let rows = t.rows.iter().map(|r| {
                        let mut x = lead();
                        x.extend(r.iter().cloned());
                        x
                    });
                    match out
                        .iter_mut()
                        .find(|o| o.sheet == Some(sheet) && o.columns == columns)
                    {
                        Some(o) => o.rows.extend(rows),
                        None => out.push(Table {
                            sheet: Some(sheet),
                            columns,
                            rows: rows.collect(),
                        }),
                    }
                }
            }
        }
    }
    if docs.iter().all(|d| d.key.is_empty()) {
        text.columns.drain(..2);
    }
    if !text.rows.is_empty() {
        out.push(text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_written_by_their_column() {
        let p = |m| Cell::Points(Points::from_milli(m));
        assert_eq!(p(3000).text(Kind::Signed), "+3");
        assert_eq!(p(-4000).text(Kind::Signed), "−4");
        assert_eq!(p(22000).text(Kind::Lost), "−22");
        assert_eq!(p(0).text(Kind::Lost), "0");
        assert_eq!(p(-500).text(Kind::Points), "−0.5");
        assert_eq!(Cell::Percent(68.571).text(Kind::Percent), "68.6%");
        assert_eq!(Cell::lost(Points::from_milli(1000)).text(Kind::Lost), "−1");
        assert!(Cell::lost(Points::from_milli(1000)).strong());
        assert!(!Cell::lost(Points::ZERO).strong());
        assert_eq!(Cell::Count(-2).text(Kind::Signed), "−2");
    }
}
