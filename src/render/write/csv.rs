//! A document's tables ([`crate::render::document::Table`]) as CSV: each table a section led
//! by a line naming it (its sheet), then its header and rows, sections separated by an empty line. Figures are plain (ASCII
//! minus, percents in percent), cells a spreadsheet would run as formulas neutralised.

use crate::render::csv::{field, line};
use crate::render::document::{Cell, Table};

/// The CSV of `tables`.
pub fn csv(tables: &[Table]) -> String {
    let mut s = String::new();
    for (k, t) in tables.iter().enumerate() {
        if k > 0 {
            s.push('\n');
        }
        if let Some(name) = t.sheet {
            s.push_str(&field(name));
            s.push('\n');
        }
        let head: Vec<String> = t.columns.iter().map(|c| c.title.clone()).collect();
        s.push_str(&line(&head));
        for r in &t.rows {
            let cells: Vec<String> = (0..t.columns.len().max(r.len()))
                .map(|i| r.get(i).unwrap_or(&Cell::Empty).plain())
                .collect();
            s.push_str(&line(&cells));
        }
    }
    s
}
