//! A county's evaluation as a Word document (.docx) in the form of a 第三方评估报告: the title,
//! 一、评估概况 (total, pass lines, data coverage), 二、各领域得分 (an overview and a table per
//! first-level area), 三、失分情况及原因 (the items, the accounting of
//! every point lost, the penalties, zeroing entries, bonuses and vetoes), 四、缺少数据的指标及所需佐证材料, 五、达标路径 (the plan
//! to each pass line) and 六、可复核信息 (rule set id, version and sha256, engine, data hash).
//!
//! Written with the `docx-rs` crate (behind the `docx` feature). Page A4 with the margins of
//! government documents (GB/T 9704: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm); body text in
//! 仿宋, titles and tables in 宋体, Latin text and digits in Times New Roman; a reader without
//! those fonts substitutes its own serif CJK font (Word and WPS by the East Asian font class,
//! LibreOffice by its replacement table). Every table has a fixed layout whose columns add up to
//! the text width (156 mm), so no table runs past the page.

use crate::analyse::gap::GapAnalysis;
use crate::error::{Error, Result};
use crate::render::compose::evaluation;
use crate::render::document as doc;
use crate::report::Report;
use docx_rs::{
    AlignmentType, BreakType, Docx, Footer, PageMargin, Paragraph, Run, RunFonts, Shading, Style,
    StyleType, Table, TableCell, TableLayoutType, TableRow, WidthType,
};

/// Twips per millimetre (1 twip = 1/1440 inch).
const MM: f64 = 56.692;
/// The text width: A4's 210 mm less 28 + 26 mm of margins, in twips.
const TEXT_WIDTH: usize = 8844;
const SONG: &str = "宋体";
const FANGSONG: &str = "仿宋";
const LATIN: &str = "Times New Roman";

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii(LATIN)
        .hi_ansi(LATIN)
        .cs(LATIN)
        .hint("eastAsia")
}

fn styles(d: Docx) -> Docx {
    d.add_style(
        Style::new("Title", StyleType::Paragraph)
            .name("Title")
            .fonts(fonts(SONG))
            .size(44)
            .bold()
            .align(AlignmentType::Center),
    )
    .add_style(
        Style::new("Heading1", StyleType::Paragraph)
            .name("heading 1")
            .fonts(fonts(SONG))
            .size(32)
            .bold()
            .outline_lvl(0),
    )
    .add_style(
        Style::new("Heading2", StyleType::Paragraph)
            .name("heading 2")
            .fonts(fonts(SONG))
            .size(28)
            .bold()
            .outline_lvl(1),
    )
}

fn para(text: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(text))
}

fn heading(style: &str, text: &str) -> Paragraph {
    para(text).style(style).keep_next(true)
}

/// A table with fixed column widths (`widths` in parts of the text width), a shaded header row,
/// rows that never split across pages, numbers right-aligned.
struct Grid {
    widths: Vec<usize>,
    numeric: Vec<bool>,
    rows: Vec<TableRow>,
}

impl Grid {
    /// The grid of a model table: an id column as wide as its longest id (ids never wrap), the
    /// other columns sharing the rest by the width of their text (figures narrow, explanations
    /// wide).
    fn of(t: &doc::Table) -> Grid {
        use unicode_width::UnicodeWidthStr;
        let n = t.columns.len();
        let width = |c: usize| {
            let head = t.columns[c].title.width();
            (0..t.rows.len())
                .map(|r| t.text(r, c).width())
                .max()
                .unwrap_or(0)
                .max(head)
        };
        // Twips per column of text at 10 pt (a Latin character half an em, a Chinese one an em),
        // plus the cell's margins: ids, figures and short words get the width they need, so
        // that they never wrap; the long texts share the rest by their length.
        let natural = |c: usize| width(c) * 110 + 260;
        let fixed: Vec<Option<usize>> = (0..n)
            .map(|c| (t.columns[c].kind == doc::Kind::Id || width(c) <= 12).then(|| natural(c)))
            .collect();
        let rest = TEXT_WIDTH.saturating_sub(fixed.iter().flatten().sum());
        let parts: Vec<usize> = (0..n)
            .map(|c| {
                if fixed[c].is_some() {
                    0
                } else {
                    width(c).clamp(8, 60)
                }
            })
            .collect();
        let sum: usize = parts.iter().sum::<usize>().max(1);
        let mut widths: Vec<usize> = (0..n)
            .map(|c| fixed[c].unwrap_or(rest * parts[c] / sum))
            .collect();
        let used: usize = widths.iter().sum();
        if let Some(last) = widths.last_mut() {
            *last = (*last + TEXT_WIDTH).saturating_sub(used);
        }
        let mut g = Grid {
            widths,
            numeric: t.columns.iter().map(|c| c.kind.numeric()).collect(),
            rows: Vec::new(),
        };
        let head = g.row_of(t.columns.iter().map(|c| c.title.clone()).collect(), true);
        g.rows.push(head);
        for r in 0..t.rows.len() {
            g.row((0..n).map(|c| t.text(r, c)).collect());
        }
        g
    }

    fn row_of(&self, cells: Vec<String>, header: bool) -> TableRow {
        let cells: Vec<TableCell> = cells
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let mut run = Run::new().add_text(text).fonts(fonts(SONG)).size(20);
                if header {
                    run = run.bold();
                }
                let mut p = Paragraph::new().add_run(run);
                if !header && self.numeric.get(i).copied().unwrap_or(false) {
                    p = p.align(AlignmentType::Right);
                }
                let mut c = TableCell::new()
                    .add_paragraph(p)
                    .width(self.widths.get(i).copied().unwrap_or(600), WidthType::Dxa);
                if header {
                    c = c.shading(Shading::new().fill("D9D9D9"));
                }
                c
            })
            .collect();
        TableRow::new(cells).cant_split()
    }

    fn row(&mut self, cells: Vec<String>) {
        let r = self.row_of(cells, false);
        self.rows.push(r);
    }

    fn table(self) -> Table {
        Table::new(self.rows)
            .set_grid(self.widths.clone())
            .layout(TableLayoutType::Fixed)
            .width(TEXT_WIDTH, WidthType::Dxa)
    }
}

/// One county's part of the document: its evaluation report
/// ([`crate::render::compose::evaluation::document`]) written block by block. The title (level 1)
/// starts a new page after the first county and the paragraph right under it (依据) is centered
/// under it; level 2 and 3 are the outline's headings, kept with what follows; tables are
/// [`Grid`]s; charts are left out (their figures are in the tables).
fn county(mut d: Docx, r: &Report, g: &GapAnalysis, first: bool) -> Docx {
    let doc = evaluation::document(r, g);
    let mut after_title = false;
    for b in &doc.blocks {
        let under_title = std::mem::take(&mut after_title);
        d = match b {
            doc::Block::Heading(1, text) => {
                after_title = true;
                d.add_paragraph(para(text).style("Title").page_break_before(!first))
            }
            doc::Block::Heading(2, text) => d.add_paragraph(heading("Heading1", text)),
            doc::Block::Heading(_, text) => d.add_paragraph(heading("Heading2", text)),
            doc::Block::Para(spans) if under_title => {
                d.add_paragraph(spans_para(spans).align(AlignmentType::Center))
            }
            doc::Block::Para(spans) => d.add_paragraph(spans_para(spans)),
            doc::Block::Note(text) => d.add_paragraph(para(text)),
            doc::Block::List(lines) => lines.iter().fold(d, |d, l| d.add_paragraph(spans_para(l))),
            doc::Block::Table(t) => d.add_table(Grid::of(t).table()),
            doc::Block::Chart { .. } => d,
        };
    }
    d
}

/// A paragraph of spans: strong spans bold, the rest plain.
fn spans_para(spans: &[doc::Span]) -> Paragraph {
    spans.iter().fold(Paragraph::new(), |p, sp| {
        let run = Run::new().add_text(sp.text());
        p.add_run(match sp {
            doc::Span::Strong(_) => run.bold(),
            _ => run,
        })
    })
}

/// The evaluation reports of counties as one Word document (bytes of a .docx file), each
/// county from a new page. Each pair is a county's score report and its gap analysis under the
/// same rule set (`GapAnalysis::from_report`).
///
/// Errors: [`Error::Io`] when the document cannot be packed (the zip writer failed).
///
/// ```
/// # let rules = fazhi::RuleSet::builtin().unwrap();
/// # let data = fazhi::CountyData::from_str("x.yaml", "county: {id: x, name: 某县}\ndata: {}\n", &rules).unwrap();
/// let report = rules.score(&data);
/// let gap = fazhi::analyse::gap::GapAnalysis::from_report(&rules, &data, &report)?;
/// let bytes = fazhi::render::docx::evaluation_docx(&[(report, gap)])?;
/// assert!(bytes.starts_with(b"PK"));
/// # Ok::<(), fazhi::Error>(())
/// ```
pub fn evaluation_docx(counties: &[(Report, GapAnalysis)]) -> Result<Vec<u8>> {
    let margin = |mm: f64| (mm * MM).round() as i32;
    let mut d = Docx::new()
        .page_size(11906, 16838)
        .page_margin(PageMargin {
            top: margin(37.0),
            bottom: margin(35.0),
            left: margin(28.0),
            right: margin(26.0),
            header: margin(15.0),
            footer: margin(15.0),
            gutter: 0,
        })
        .default_fonts(fonts(FANGSONG))
        .default_size(28);
    d = styles(d);
    if let Some((r, _)) = counties.first() {
        d = d.footer(
            Footer::new().add_paragraph(
                Paragraph::new()
                    .add_run(
                        Run::new()
                            .add_text(format!(
                                "{} {} · 规则集 {} 版本 {} · sha256 {}",
                                r.engine.name,
                                r.engine.version,
                                r.ruleset.id,
                                r.ruleset.version,
                                r.ruleset.hash
                            ))
                            .size(14)
                            .fonts(fonts(SONG)),
                    )
                    .align(AlignmentType::Center),
            ),
        );
    }
    for (k, (r, g)) in counties.iter().enumerate() {
        d = county(d, r, g, k == 0);
    }
    if counties.is_empty() {
        d = d.add_paragraph(
            para("（没有县）").add_run(Run::new().add_break(BreakType::TextWrapping)),
        );
    }
    let mut out = std::io::Cursor::new(Vec::new());
    d.build().pack(&mut out).map_err(io)?;
    finish(&out.into_inner())
}

fn io(e: impl std::fmt::Display) -> Error {
    Error::Io {
        path: "<docx>".into(),
        source: std::io::Error::other(e.to_string()),
    }
}

/// The fonts of the document with their substitutes: (name, substitute, family). A reader
/// without 宋体 or 仿宋 (LibreOffice on Linux) takes the named serif CJK face, not a sans one.
const FONT_TABLE: [(&str, &str, &str); 2] = [
    (
        SONG,
        "Noto Serif CJK SC;Source Han Serif SC;SimSun",
        "roman",
    ),
    (
        FANGSONG,
        "Noto Serif CJK SC;Source Han Serif SC;FangSong",
        "roman",
    ),
];

/// What docx-rs cannot write, added to its package part by part: every table's first row repeats
/// at the top of each page it runs onto (`w:tblHeader`); the text is declared Chinese
/// (`w:lang` zh-CN in the document defaults, `dc:language`); 宋体 and 仿宋 are in the font table
/// with their substitutes (`w:altName`) and charset GB2312.
fn finish(docx: &[u8]) -> Result<Vec<u8>> {
    use std::io::{Read, Write};
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).map_err(io)?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).map_err(io)?;
        let name = f.name().to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).map_err(io)?;
        let patched = match name.as_str() {
            "word/document.xml" => Some(header_rows(&String::from_utf8_lossy(&bytes))),
            "word/styles.xml" => Some(String::from_utf8_lossy(&bytes).replacen(
                "<w:rPrDefault><w:rPr>",
                "<w:rPrDefault><w:rPr><w:lang w:val=\"zh-CN\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\" />",
                1,
            )),
            "word/fontTable.xml" => {
                let fonts: String = FONT_TABLE
                    .iter()
                    .map(|(name, alt, family)| {
                        format!(
                            "<w:font w:name=\"{name}\"><w:altName w:val=\"{alt}\" /><w:charset w:val=\"86\" /><w:family w:val=\"{family}\" /><w:pitch w:val=\"variable\" /></w:font>"
                        )
                    })
                    .collect();
                Some(
                    String::from_utf8_lossy(&bytes)
                        .replacen("</w:fonts>", &format!("{fonts}</w:fonts>"), 1),
                )
            }
            "docProps/core.xml" => {
                let s = String::from_utf8_lossy(&bytes).into_owned();
                Some(if s.contains("<dc:language>") {
                    s
                } else {
                    s.replacen(
                        "</cp:coreProperties>",
                        "<dc:language>zh-CN</dc:language></cp:coreProperties>",
                        1,
                    )
                })
            }
            _ => None,
        };
        out.start_file(name, opts).map_err(io)?;
        match patched {
            Some(s) => out.write_all(s.as_bytes()),
            None => out.write_all(&bytes),
        }
        .map_err(io)?;
    }
    Ok(out.finish().map_err(io)?.into_inner())
}

/// `document.xml` with the first row of every table marked as its header row (repeated on each
/// page): `<w:tblHeader />` in that row's properties.
fn header_rows(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len() + 1024);
    let mut rest = xml;
    while let Some(i) = rest.find("<w:tbl>") {
        let (before, from) = rest.split_at(i);
        out.push_str(before);
        match from.find("<w:trPr>") {
            Some(j) => {
                let j = j + "<w:trPr>".len();
                out.push_str(&from[..j]);
                out.push_str("<w:tblHeader />");
                rest = &from[j..];
            }
            None => {
                out.push_str(from);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_add_up_to_the_text_width() {
        let mut t = doc::Table::new(
            None,
            &[
                ("编号", doc::Kind::Id),
                ("得分", doc::Kind::Points),
                ("说明", doc::Kind::Text),
            ],
        );
        t.row(vec![
            "7.3.2".into(),
            crate::types::Points::from_milli(4000).into(),
            "失分原因写得很长很长很长很长很长很长很长很长很长很长".into(),
        ]);
        let g = Grid::of(&t);
        assert_eq!(g.widths.iter().sum::<usize>(), TEXT_WIDTH);
        // The id column is as wide as its longest text, `7.3.2` (5 columns; the header 编号 is
        // 4): 5 × 110 + 260 = 810 twips, so the id never wraps.
        assert_eq!(g.widths[0], 810);
        assert_eq!(g.numeric, vec![false, true, false]);
    }

    #[test]
    fn margins_are_those_of_government_documents() {
        // 210 mm − 28 − 26 = 156 mm = 156 × 56.692 = 8843.95 twips.
        assert_eq!((156.0 * MM).round() as usize, TEXT_WIDTH);
    }
}
