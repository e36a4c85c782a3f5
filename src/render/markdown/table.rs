//! Markdown tables whose columns line up in a terminal, with CJK characters counted as two
//! columns wide.

use unicode_width::UnicodeWidthStr;

/// A Markdown table built row by row.
pub(crate) struct Table {
    header: Vec<String>,
    right: Vec<bool>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers; `right[i]` right-aligns column i (numbers).
    pub(crate) fn new(header: &[&str], right: &[bool]) -> Table {
        Table {
            header: header.iter().map(|s| s.to_string()).collect(),
            right: right.to_vec(),
            rows: Vec::new(),
        }
    }
    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows
            .push(cells.into_iter().map(|c| escape(&c)).collect());
    }
    pub(crate) fn render(&self) -> String {
        let n = self.header.len();
        let mut w: Vec<usize> = self.header.iter().map(|h| h.width().max(3)).collect();
        for r in &self.rows {
            for (i, c) in r.iter().enumerate().take(n) {
                w[i] = w[i].max(c.width());
            }
        }
        let pad = |s: &str, i: usize| {
            let fill = " ".repeat(w[i] - s.width());
            if self.right.get(i).copied().unwrap_or(false) {
                format!("{fill}{s}")
            } else {
                format!("{s}{fill}")
            }
        };
        let line = |cells: &[String]| {
            let parts: Vec<String> = (0..n)
                .map(|i| pad(cells.get(i).map_or("", |s| s.as_str()), i))
                .collect();
            format!("| {} |\n", parts.join(" | "))
        };
        let mut out = line(&self.header);
        let seps: Vec<String> = (0..n)
            .map(|i| {
                if self.right.get(i).copied().unwrap_or(false) {
                    format!("{}:", "-".repeat(w[i] - 1))
                } else {
                    "-".repeat(w[i])
                }
            })
            .collect();
        out.push_str(&format!("| {} |\n", seps.join(" | ")));
        for r in &self.rows {
            out.push_str(&line(r));
        }
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_columns_line_up() {
        let mut t = Table::new(&["编号", "指标", "得分"], &[false, false, true]);
        t.row(vec!["1.1".into(), "出庭应诉".into(), "10".into()]);
        t.row(vec!["1.2".into(), "ab|c".into(), "2.5".into()]);
        let out = t.render();
        let widths: Vec<usize> = out.lines().map(|l| l.width()).collect();
        assert!(widths.windows(2).all(|w| w[0] == w[1]), "{out}");
        assert!(out.contains("ab\\|c"));
    }
}
