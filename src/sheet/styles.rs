//! Which cells of an `.xlsx` sheet are formatted as percent, and whether the workbook counts
//! dates from 1904.
//!
//! calamine returns a cell's number but not its number format (it only uses formats to tell dates
//! from numbers), and a percent-formatted cell holding `0.95` means 95 %. So this module reads the
//! two parts of the workbook that say it, with the zip and XML readers calamine itself uses:
//! `xl/styles.xml` (which cell styles have a percent number format: built-in formats 9 `0%` and
//! 10 `0.00%`, or a custom format with a `%` outside quotes) and the sheet's XML (each cell's
//! style index `s`). Hand-written because no maintained reader exposes number formats.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

/// What the workbook's styles say about one sheet.
#[derive(Debug, Default)]
pub(crate) struct SheetStyles {
    /// 0-based (row, column) of every cell whose number format is a percent format.
    pub percent: BTreeSet<(u32, u32)>,
    /// The workbook counts dates from 1904-01-01 (old Mac Excel) instead of 1899-12-30.
    pub date1904: bool,
}

/// Reads the percent cells of `sheet` in the `.xlsx` file at `path`. A file that is not a zip
/// of the expected parts gives empty styles (calamine reports the real problem when it reads
/// the cells).
pub(crate) fn read(path: &Path, sheet: &str) -> SheetStyles {
    read_inner(path, sheet).unwrap_or_default()
}

fn read_inner(path: &Path, sheet: &str) -> Option<SheetStyles> {
    let file = std::fs::File::open(path).ok()?;
    let mut zip = zip::ZipArchive::new(file).ok()?;
    let mut part = |name: &str| -> Option<String> {
        let mut f = zip.by_name(name).ok()?;
        let mut s = String::new();
        f.read_to_string(&mut s).ok()?;
        Some(s)
    };
    let workbook = part("xl/workbook.xml")?;
    let rels = part("xl/_rels/workbook.xml.rels")?;
    let styles = part("xl/styles.xml").unwrap_or_default();
    let (rid, date1904) = sheet_rel_id(&workbook, sheet)?;
    let target = rel_target(&rels, &rid)?;
    let sheet_path = match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("xl/{target}"),
    };
    let sheet_xml = part(&sheet_path)?;
    let percent_styles = percent_styles(&styles);
    Some(SheetStyles {
        percent: percent_cells(&sheet_xml, &percent_styles),
        date1904,
    })
}

fn attr(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name || a.key.local_name().as_ref() == name)
        .map(|a| {
            let raw = String::from_utf8_lossy(&a.value).into_owned();
            quick_xml::escape::unescape(&raw)
                .map(|v| v.into_owned())
                .unwrap_or(raw)
        })
}

/// The relationship id of the sheet named `sheet`, and the workbook's `date1904` flag.
fn sheet_rel_id(xml: &str, sheet: &str) -> Option<(String, bool)> {
    let mut r = Reader::from_str(xml);
    let (mut rid, mut date1904) = (None, false);
    loop {
        match r.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"sheet" if attr(&e, b"name").as_deref() == Some(sheet) => {
                    rid = attr(&e, b"r:id").or_else(|| attr(&e, b"id"));
                }
                b"workbookPr" => {
                    date1904 = matches!(attr(&e, b"date1904").as_deref(), Some("1" | "true"));
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    rid.map(|r| (r, date1904))
}

fn rel_target(xml: &str, rid: &str) -> Option<String> {
    let mut r = Reader::from_str(xml);
    loop {
        match r.read_event().ok()? {
            Event::Start(e) | Event::Empty(e)
                if e.local_name().as_ref() == b"Relationship"
                    && attr(&e, b"Id").as_deref() == Some(rid) =>
            {
                return attr(&e, b"Target");
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// Whether a number format code shows the number as a percent: a `%` outside quotes and
/// escapes, in the first (positive) section.
pub(crate) fn is_percent_format(code: &str) -> bool {
    let (mut quoted, mut escaped) = (false, false);
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' | '_' | '*' => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => return false,
            '%' if !quoted => return true,
            _ => {}
        }
    }
    false
}

/// The indexes (into `cellXfs`) of the cell styles with a percent number format.
fn percent_styles(xml: &str) -> BTreeSet<usize> {
    let mut r = Reader::from_str(xml);
    let mut custom: BTreeMap<String, String> = BTreeMap::new();
    let mut out = BTreeSet::new();
    let (mut in_xfs, mut index) = (false, 0usize);
    while let Ok(ev) = r.read_event() {
        match ev {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"numFmt" => {
                if let (Some(id), Some(code)) = (attr(&e, b"numFmtId"), attr(&e, b"formatCode")) {
                    custom.insert(id, code);
                }
            }
            Event::Start(e) if e.local_name().as_ref() == b"cellXfs" => in_xfs = true,
            Event::End(e) if e.local_name().as_ref() == b"cellXfs" => in_xfs = false,
            Event::Start(e) | Event::Empty(e) if in_xfs && e.local_name().as_ref() == b"xf" => {
                let id = attr(&e, b"numFmtId").unwrap_or_else(|| "0".into());
                let percent = match id.as_str() {
                    "9" | "10" => true,
                    other => custom.get(other).is_some_and(|c| is_percent_format(c)),
                };
                if percent {
                    out.insert(index);
                }
                index += 1;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// 0-based (row, column) of a cell reference such as `C12`.
pub(crate) fn parse_ref(r: &str) -> Option<(u32, u32)> {
    let split = r.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = r.split_at(split);
    if letters.is_empty() {
        return None;
    }
    let mut col = 0u32;
    for c in letters.chars() {
        if !c.is_ascii_uppercase() {
            return None;
        }
        col = col
            .checked_mul(26)?
            .checked_add(c as u32 - 'A' as u32 + 1)?;
    }
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}

fn percent_cells(xml: &str, styles: &BTreeSet<usize>) -> BTreeSet<(u32, u32)> {
    let mut out = BTreeSet::new();
    if styles.is_empty() {
        return out;
    }
    let mut r = Reader::from_str(xml);
    while let Ok(ev) = r.read_event() {
        match ev {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"c" => {
                let style = attr(&e, b"s").and_then(|s| s.parse::<usize>().ok());
                if let (Some(s), Some(at)) = (style, attr(&e, b"r").and_then(|r| parse_ref(&r))) {
                    if styles.contains(&s) {
                        out.insert(at);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_formats_are_told_from_quoted_percent_signs() {
        assert!(is_percent_format("0%"));
        assert!(is_percent_format("0.00%"));
        assert!(is_percent_format("#,##0.0%;[Red]-0.0%"));
        assert!(!is_percent_format("0\"%\""));
        assert!(!is_percent_format("0\\%"));
        assert!(!is_percent_format("General"));
        assert!(!is_percent_format("0;-0%"));
    }

    #[test]
    fn cell_references() {
        assert_eq!(parse_ref("A1"), Some((0, 0)));
        assert_eq!(parse_ref("C12"), Some((11, 2)));
        // AA is the 27th column: 1 × 26 + 1.
        assert_eq!(parse_ref("AA3"), Some((2, 26)));
        assert_eq!(parse_ref("12"), None);
        assert_eq!(parse_ref("A0"), None);
    }

    #[test]
    fn styles_with_percent_formats_are_found_only_in_cell_xfs() {
        let xml = r#"<styleSheet><numFmts><numFmt numFmtId="164" formatCode="0.0%"/>
            <numFmt numFmtId="165" formatCode="0&quot;%&quot;"/></numFmts>
            <cellStyleXfs><xf numFmtId="9"/></cellStyleXfs>
            <cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="10"/></cellXfs>
            </styleSheet>"#;
        assert_eq!(percent_styles(xml), BTreeSet::from([1, 3]));
    }
}
