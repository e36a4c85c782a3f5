//! One spreadsheet cell read as a field's value: booleans written `是/否`, `√/×` or `有/无`,
//! dates as Excel dates or `2023年5月1日`, percents as `95`, `95%` or a percent-formatted cell
//! holding 0.95, lists separated by `、` or `；`. An empty cell is a figure not given.

use crate::model::{FieldSpec, FieldType};
use crate::types::Value;
use jiff::civil::Date;

/// A cell as the sheet holds it, whatever the file format.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    /// Nothing, or only spaces.
    Empty,
    /// Text as typed (a CSV cell is always text).
    Text(String),
    /// A number; `percent` when the cell's number format shows it as a percent (0.95 → 95 %).
    Number {
        /// The stored number.
        x: f64,
        /// Formatted as percent.
        percent: bool,
    },
    /// A spreadsheet boolean (TRUE/FALSE).
    Bool(bool),
    /// A date cell: days since the workbook's epoch (Excel's serial number).
    Date {
        /// The serial number.
        serial: f64,
        /// Counted from 1904-01-01 instead of 1899-12-30.
        date1904: bool,
    },
    /// A spreadsheet error such as `#DIV/0!`.
    Error(String),
}

impl Cell {
    /// The cell from calamine's reading of an `.xlsx` cell.
    pub(crate) fn from_xlsx(d: &calamine::Data, percent: bool, date1904: bool) -> Cell {
        use calamine::Data;
        match d {
            Data::Empty => Cell::Empty,
            Data::String(s) => Cell::text(s),
            Data::Int(i) => Cell::Number {
                x: *i as f64,
                percent,
            },
            Data::Float(x) => Cell::Number { x: *x, percent },
            Data::Bool(b) => Cell::Bool(*b),
            Data::DateTime(dt) => Cell::Date {
                serial: dt.as_f64(),
                date1904,
            },
            Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::text(s),
            Data::Error(e) => Cell::Error(e.to_string()),
        }
    }
    /// A text cell (a CSV cell); blank text is an empty cell. The text is kept as written (a
    /// text field or a quote keeps its spaces); numbers, booleans, dates, enum values, list
    /// items and county ids are read without the spaces around them.
    pub(crate) fn text(s: &str) -> Cell {
        if s.trim().is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.to_string())
        }
    }
    /// The cell as text, for ids, names and text fields: numbers as written (`2018`).
    pub(crate) fn as_text(&self) -> Option<String> {
        match self {
            Cell::Empty => None,
            Cell::Text(s) => Some(s.clone()),
            Cell::Number { x, .. } => Some(format!("{x}")),
            Cell::Bool(b) => Some(if *b { "是" } else { "否" }.into()),
            Cell::Date { serial, date1904 } => serial_date(*serial, *date1904)
                .map(|d| d.to_string())
                .or_else(|| Some(format!("{serial}"))),
            Cell::Error(e) => Some(e.clone()),
        }
    }
}

/// What a cell holds, in words for a message.
pub(crate) fn describe(c: &Cell) -> String {
    match c {
        Cell::Empty => "nothing".into(),
        Cell::Text(s) => format!("the text \"{s}\""),
        Cell::Number { x, percent: true } => format!("the percent-formatted number {x}"),
        Cell::Number { x, .. } => format!("the number {x}"),
        Cell::Bool(b) => format!(
            "the spreadsheet boolean {}",
            if *b { "TRUE" } else { "FALSE" }
        ),
        Cell::Date { .. } => format!("the date {}", c.as_text().unwrap_or_default()),
        Cell::Error(e) => format!("the spreadsheet error {e}"),
    }
}

/// The calendar date of an Excel serial number (whole days; a time of day is dropped).
/// Excel's day 60 of the 1900 system is the 1900-02-29 that never was: serials are counted from
/// 1899-12-30 so that every date from 1900-03-01 on is right.
pub(crate) fn serial_date(serial: f64, date1904: bool) -> Option<Date> {
    if !serial.is_finite() || !(0.0..3_000_000.0).contains(&serial) {
        return None;
    }
    let epoch = if date1904 {
        Date::constant(1904, 1, 1)
    } else {
        Date::constant(1899, 12, 30)
    };
    epoch
        .checked_add(jiff::Span::new().days(serial.floor() as i64))
        .ok()
}

/// The Excel serial number of a date in the 1900 system (for writing dates).
#[cfg_attr(not(feature = "xlsx"), allow(dead_code))]
pub fn date_serial(d: Date) -> Option<f64> {
    let days = Date::constant(1899, 12, 30).until(d).ok()?.get_days();
    Some(f64::from(days))
}

/// A date written as `2023-05-01`, `2023/5/1`, `2023.5.1` or `2023年5月1日`.
pub(crate) fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let parts: Vec<&str> = if let Some(rest) = s.strip_suffix('日') {
        rest.split(['年', '月']).collect()
    } else {
        s.split(['-', '/', '.']).collect()
    };
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let num = |t: &str| -> Option<i64> {
        let t = t.trim();
        if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit()) || t.len() > 4 {
            return None;
        }
        t.parse().ok()
    };
    let (y, m, d) = (num(y)?, num(m)?, num(d)?);
    if y < 1000 {
        return None;
    }
    Date::new(y as i16, m as i8, d as i8).ok()
}

/// `x × 10^shift` rounded once, from x's shortest decimal form: 0.993 × 100 gives exactly the
/// number written 99.3 (multiplying the binary fractions gives 99.29999999999998).
pub fn shift_decimal(x: f64, shift: i32) -> f64 {
    let sci = format!("{x:e}");
    match sci.split_once('e') {
        Some((mantissa, exp)) => match exp.parse::<i32>() {
            Ok(e) => format!("{mantissa}e{}", e + shift)
                .parse()
                .unwrap_or(x * 10f64.powi(shift)),
            Err(_) => x * 10f64.powi(shift),
        },
        None => x * 10f64.powi(shift),
    }
}

/// A number written as text: `95`, `-3.5`, `1,200`, `95%` (then `percent` is true).
fn parse_number(s: &str) -> Option<(f64, bool)> {
    let t = s.trim();
    let (t, percent) = match t.strip_suffix(['%', '％']) {
        Some(rest) => (rest.trim(), true),
        None => (t, false),
    };
    let plain: String = t.chars().filter(|c| *c != ',').collect();
    if plain.is_empty()
        || !plain
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
    {
        return None;
    }
    let x: f64 = plain.parse().ok()?;
    x.is_finite().then_some((x, percent))
}

/// `是/否`, `√/×`, `有/无`, `true/false` (any case), `✓/✗`.
fn parse_bool(s: &str) -> Option<bool> {
    match s.trim() {
        "是" | "√" | "✓" | "✔" | "有" => Some(true),
        "否" | "×" | "✗" | "✘" | "无" => Some(false),
        t if t.eq_ignore_ascii_case("true") => Some(true),
        t if t.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// What a list cell holds when the list is empty (given, with no items).
pub(crate) const EMPTY_LIST: [&str; 3] = ["（空）", "(空)", "无"];

/// The list items of a cell: separated by `、`, `；`, `;` or line breaks.
fn parse_list(s: &str) -> Vec<String> {
    s.split(['、', '；', ';', '\n'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// The value of `cell` for a field of type `spec` (not yet range-checked), `None` when the cell
/// is empty. The error says what was expected and what the cell holds.
pub(crate) fn to_value(cell: &Cell, spec: &FieldSpec) -> Result<Option<Value>, String> {
    let wrong = |expected: &str| {
        Err(format!(
            "expected {expected} ({}), found {}",
            spec.ty.zh(),
            describe(cell)
        ))
    };
    if let Cell::Error(e) = cell {
        return Err(format!(
            "the cell holds the spreadsheet error {e}; enter the figure, or leave the cell empty if it is not known"
        ));
    }
    let value = match (spec.ty, cell) {
        (_, Cell::Empty) => return Ok(None),
        (FieldType::Bool, Cell::Bool(b)) => Value::Bool(*b),
        (FieldType::Bool, Cell::Text(s)) => match parse_bool(s) {
            Some(b) => Value::Bool(b),
            None => return wrong("是/否, √/× or 有/无"),
        },
        (FieldType::Percent, Cell::Number { x, percent: true }) => {
            Value::Number(shift_decimal(*x, 2))
        }
        (FieldType::Percent | FieldType::Number, Cell::Number { x, .. }) => Value::Number(*x),
        (FieldType::Count, Cell::Number { x, .. }) => {
            if x.fract() != 0.0 {
                return wrong("a whole number");
            }
            // The same range as in county files: from 2^53 on a number is no longer exact.
            if x.abs() > crate::load::county::MAX_EXACT_COUNT as f64 {
                return Err(crate::load::county::count_range_error(
                    &crate::load::parse::show_f64(*x),
                ));
            }
            Value::Int(*x as i64)
        }
        (FieldType::Percent | FieldType::Number | FieldType::Count, Cell::Text(s)) => {
            match parse_number(s) {
                Some((_, true)) if spec.ty != FieldType::Percent => {
                    return Err(format!(
                    "\"{s}\" is a percent, but the field is a {} field; write the figure without %",
                    spec.ty.zh()
                ))
                }
                Some((x, _)) if spec.ty == FieldType::Count => {
                    if x.fract() != 0.0 || x.abs() > 9_007_199_254_740_992.0 {
                        return wrong("a whole number");
                    }
                    Value::Int(x as i64)
                }
                Some((x, _)) => Value::Number(x),
                None => {
                    return wrong(match spec.ty {
                        FieldType::Percent => "a percent: 95, 95% or a percent-formatted cell",
                        FieldType::Count => "a whole number",
                        _ => "a number",
                    })
                }
            }
        }
        (FieldType::Date, Cell::Date { serial, date1904 }) => match serial_date(*serial, *date1904)
        {
            Some(d) => Value::Text(d.to_string()),
            None => return wrong("a date"),
        },
        (FieldType::Date, Cell::Text(s)) => match parse_date(s) {
            Some(d) => Value::Text(d.to_string()),
            None => {
                return Err(format!(
                    "\"{s}\" is not a date: write 2023-05-01 or 2023年5月1日, or use a date cell"
                ))
            }
        },
        (FieldType::Date, Cell::Number { .. }) => {
            return Err(format!(
            "expected a date (日期), found {}: format the cell as a date, or write 2023年5月1日",
            describe(cell)
        ))
        }
        (FieldType::Text, Cell::Text(s)) => Value::Text(s.clone()),
        (FieldType::Enum, Cell::Text(s)) => Value::Text(s.trim().to_string()),
        (FieldType::Text, c) => Value::Text(c.as_text().unwrap_or_default()),
        // An empty list (none of the values) is written `（空）` or `无`: an empty cell is a figure
        // not given, which is something else.
        (FieldType::List, Cell::Text(s))
            if EMPTY_LIST.contains(&s.trim())
                && !spec
                    .values
                    .as_ref()
                    .is_some_and(|v| v.iter().any(|x| x == s.trim())) =>
        {
            Value::List(Vec::new())
        }
        (FieldType::List, Cell::Text(s)) => Value::List(parse_list(s)),
        (FieldType::Enum, _) => return wrong("one of the allowed texts"),
        (FieldType::List, _) => return wrong("texts separated by 、"),
        (FieldType::Percent | FieldType::Number | FieldType::Count, _) => return wrong("a number"),
        (FieldType::Bool, _) => return wrong("是/否"),
        (FieldType::Date, _) => return wrong("a date"),
        // issue 27 shape 5: records
        (FieldType::Records, _) => {
            return Err("a records field (记录列表) cannot be typed in one cell: write its records one per row in the workbook's 案卷 sheet".into())
        }
    };
    Ok(Some(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(y: &str) -> FieldSpec {
        crate::load::parse::typed_for_tests(y).unwrap()
    }

    #[test]
    fn booleans_in_chinese_and_ticks() {
        let b = spec("{type: bool, desc: x}");
        for (t, v) in [
            ("是", true),
            ("否", false),
            ("√", true),
            ("×", false),
            ("有", true),
            ("无", false),
            ("TRUE", true),
        ] {
            assert_eq!(
                to_value(&Cell::text(t), &b).unwrap(),
                Some(Value::Bool(v)),
                "{t}"
            );
        }
        assert!(to_value(&Cell::text("no"), &b)
            .unwrap_err()
            .contains("是/否"));
        assert!(to_value(
            &Cell::Number {
                x: 1.0,
                percent: false
            },
            &b
        )
        .is_err());
    }

    #[test]
    fn percents_by_text_and_by_format_never_by_size() {
        let p = spec("{type: percent, desc: x}");
        let n = |x, percent| Cell::Number { x, percent };
        assert_eq!(
            to_value(&Cell::text("95"), &p).unwrap(),
            Some(Value::Number(95.0))
        );
        assert_eq!(
            to_value(&Cell::text("95%"), &p).unwrap(),
            Some(Value::Number(95.0))
        );
        // A percent-formatted 0.993 is 99.3 written in decimals (not 99.29999999999998).
        assert_eq!(
            to_value(&n(0.993, true), &p).unwrap(),
            Some(Value::Number(99.3))
        );
        // 0.95 in a cell not formatted as percent stays 0.95: never guessed from its size.
        assert_eq!(
            to_value(&n(0.95, false), &p).unwrap(),
            Some(Value::Number(0.95))
        );
        let c = spec("{type: count, desc: x}");
        assert!(to_value(&Cell::text("5%"), &c)
            .unwrap_err()
            .contains("without %"));
    }

    #[test]
    fn counts_are_whole() {
        let c = spec("{type: count, desc: x}");
        assert_eq!(
            to_value(&Cell::text("1,200"), &c).unwrap(),
            Some(Value::Int(1200))
        );
        assert!(to_value(
            &Cell::Number {
                x: 2.5,
                percent: false
            },
            &c
        )
        .is_err());
        assert!(to_value(
            &Cell::Number {
                x: 1e19,
                percent: false
            },
            &c
        )
        .unwrap_err()
        .contains("2^53"));
    }

    #[test]
    fn dates_from_serials_and_chinese_text() {
        let d = spec("{type: date, desc: x}");
        assert_eq!(
            to_value(&Cell::text("2023年5月1日"), &d).unwrap(),
            Some(Value::Text("2023-05-01".into()))
        );
        assert_eq!(
            to_value(&Cell::text("2023/5/1"), &d).unwrap(),
            Some(Value::Text("2023-05-01".into()))
        );
        // Serial 45047 is 2023-05-01: 1899-12-30 + 45047 days.
        assert_eq!(
            to_value(
                &Cell::Date {
                    serial: 45047.0,
                    date1904: false
                },
                &d
            )
            .unwrap(),
            Some(Value::Text("2023-05-01".into()))
        );
        // The 1904 system counts 1462 days fewer: 45047 − 1462 = 43585.
        assert_eq!(
            to_value(
                &Cell::Date {
                    serial: 43585.0,
                    date1904: true
                },
                &d
            )
            .unwrap(),
            Some(Value::Text("2023-05-01".into()))
        );
        assert_eq!(date_serial(Date::constant(2023, 5, 1)), Some(45047.0));
        assert!(to_value(&Cell::text("2023年2月30日"), &d).is_err());
        assert!(to_value(
            &Cell::Number {
                x: 45047.0,
                percent: false
            },
            &d
        )
        .unwrap_err()
        .contains("format the cell as a date"));
    }

    #[test]
    fn lists_and_empty_cells() {
        let l = spec("{type: list, desc: x}");
        assert_eq!(
            to_value(&Cell::text("县政府、乡镇（街道）"), &l).unwrap(),
            Some(Value::List(vec!["县政府".into(), "乡镇（街道）".into()]))
        );
        assert_eq!(to_value(&Cell::text("  "), &l).unwrap(), None);
        assert_eq!(
            to_value(&Cell::text("（空）"), &l).unwrap(),
            Some(Value::List(vec![]))
        );
        assert_eq!(
            to_value(&Cell::text("无"), &l).unwrap(),
            Some(Value::List(vec![]))
        );
        // 无 is an item when the dictionary allows it.
        let l2 = spec("{type: list, desc: x, values: [有, 无]}");
        assert_eq!(
            to_value(&Cell::text("无"), &l2).unwrap(),
            Some(Value::List(vec!["无".into()]))
        );
        assert!(to_value(&Cell::Error("#DIV/0!".into()), &l)
            .unwrap_err()
            .contains("#DIV/0!"));
    }

    #[test]
    fn decimal_shift_is_exact() {
        assert_eq!(shift_decimal(0.993, 2), 99.3);
        assert_eq!(shift_decimal(99.3, -2), 0.993);
        assert_eq!(shift_decimal(0.0, 2), 0.0);
    }
}
