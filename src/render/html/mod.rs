//! Self-contained HTML reports: one file with inline CSS and inline SVG charts (drawn by
//! [`crate::render::svg`]), no script, font or image fetched from anywhere (government intranets
//! reach no CDN), readable without JavaScript. A small inline script sorts a table when its
//! header is clicked and filters the long tables; without it the page is complete.
//!
//! Chinese first (`lang="zh-CN"`, CJK fonts named before the generic fallback). Printing: A4,
//! rows and charts never split, table headers repeated, every county on its own pages, tables
//! wrap inside the page width instead of running off its right edge. Every page carries the
//! provenance (rule set id, version and sha256, engine version, data hashes) in its bottom margin
//! (CSS page-margin boxes, one named page per county), and each county's section opens with the
//! same block on screen. Every figure a chart shows is also written as text in a table.

mod audit;
mod policy;
mod report;

pub use self::audit::audit_html;
pub use self::policy::{diff_html, rank_html, uncertainty_html, whatif_html};
pub use self::report::{gap_html, score_html};

use crate::render::svg::{esc, FONTS};
use crate::report::{InputFile, Provenance};
use sha2::{Digest, Sha256};
use std::fmt::Write;

/// The style sheet: screen, then print (A4).
const CSS: &str = r#"
:root{color-scheme:light}
body{font-family:FONTS;font-size:14px;line-height:1.6;color:#111;background:#fff;max-width:1120px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:22px;margin:0.6em 0 0.4em;border-bottom:2px solid #004488;padding-bottom:4px}
h2{font-size:17px;margin:1.5em 0 0.5em;border-left:5px solid #004488;padding-left:8px}
h3{font-size:15px;margin:1.2em 0 0.4em}
table{border-collapse:collapse;width:100%;margin:6px 0 16px;font-size:13px}
th,td{border:1px solid #888;padding:3px 6px;vertical-align:top;text-align:left;overflow-wrap:break-word}
th{background:#e6ebf2;font-weight:bold;word-break:keep-all}
td:first-child{white-space:nowrap}
th[data-sort]{cursor:pointer}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.n{white-space:nowrap}
td.bad{font-weight:bold}
tr.veto td{background:#f2f2f2}
.yes{font-weight:bold}
.no{font-weight:bold;text-decoration:underline}
figure{margin:10px 0 18px}
figure svg{max-width:100%;height:auto;display:block}
figcaption{font-size:12px;color:#333}
.prov{font-size:11.5px;color:#222;border:1px solid #aaa;background:#f7f7f7;padding:6px 10px;margin:8px 0 12px}
.prov code{font-size:11px;overflow-wrap:anywhere}
.note{font-size:12.5px;color:#333}
.filter{margin:4px 0;font-size:13px}
.filter input{font-size:13px;padding:2px 6px;width:18em}
ul.summary li{margin:2px 0}
@media print{
  body{max-width:none;margin:0;padding:0;font-size:10pt}
  h1{font-size:16pt}
  h2{font-size:12.5pt;break-after:avoid}
  h3{break-after:avoid}
  table{font-size:8pt;break-inside:auto}
  th,td{padding:1.5pt 3pt}
  td.n{white-space:normal}
  thead{display:table-header-group}
  tr,figure,.prov{break-inside:avoid}
  .filter{display:none}
  th[data-sort]{cursor:auto}
  section.county{break-before:page}
  section.county:first-of-type{break-before:auto}
}
"#;

/// Sorting by a click on a column header (numbers by value, text in Chinese order) and the
/// filter boxes above long tables. Nothing else depends on it.
const SCRIPT: &str = r#"
(function(){
  function key(td){var t=(td?td.textContent:'').trim();var m=t.replace(/[−–]/g,'-').match(/^[+-]?\d+(\.\d+)?/);return m?{n:parseFloat(m[0])}:{s:t};}
  function cmp(a,b){if(a.n!==undefined&&b.n!==undefined)return a.n-b.n;var x=a.s!==undefined?a.s:String(a.n),y=b.s!==undefined?b.s:String(b.n);return x.localeCompare(y,'zh-CN');}
  document.querySelectorAll('th[data-sort]').forEach(function(th){
    th.title='点击排序';
    th.addEventListener('click',function(){
      var table=th.closest('table'),body=table.tBodies[0],i=Array.prototype.indexOf.call(th.parentNode.children,th);
      var dir=th.getAttribute('data-dir')==='asc'?-1:1;th.setAttribute('data-dir',dir===1?'asc':'desc');
      var rows=Array.prototype.slice.call(body.rows);
      rows.sort(function(a,b){return dir*cmp(key(a.cells[i]),key(b.cells[i]));});
      rows.forEach(function(r){body.appendChild(r);});
    });
  });
  document.querySelectorAll('input[data-filter]').forEach(function(inp){
    var table=document.getElementById(inp.getAttribute('data-filter'));
    inp.addEventListener('input',function(){
      var q=inp.value.trim();
      Array.prototype.forEach.call(table.tBodies[0].rows,function(r){r.style.display=!q||r.textContent.indexOf(q)>=0?'':'none';});
    });
  });
})();
"#;

/// One page's provenance: the rule set, the engine and the data, as text for the screen block
/// and for the print margin.
pub(crate) struct Prov<'a> {
    pub(crate) p: &'a Provenance,
    /// What the data entries are (`数据文件` for file hashes, `数据哈希` for data hashes).
    pub(crate) data_word: &'a str,
}

impl Prov<'_> {
    /// The data hashes: one entry as it is, several as the sha256 of their `path sha256` lines
    /// (each listed in the section at the end of the page).
    fn data_line(&self) -> String {
        let inputs = &self.p.inputs;
        match inputs.len() {
            0 => String::new(),
            1 => format!(
                "{}：{} sha256 {}",
                self.data_word, inputs[0].path, inputs[0].sha256
            ),
            n => format!(
                "{}：{n} 个，清单 sha256 {}（逐个见文末）",
                self.data_word,
                list_hash(inputs)
            ),
        }
    }

    fn ruleset_line(&self) -> String {
        let r = &self.p.ruleset;
        format!(
            "规则集：{} {} 版本 {}，sha256 {}；引擎：{} {}",
            r.title, r.id, r.version, r.hash, self.p.engine.name, self.p.engine.version
        )
    }

    /// The block shown on screen at the top of a section.
    pub(crate) fn block(&self) -> String {
        let r = &self.p.ruleset;
        let mut s = format!(
            "<div class=\"prov\">规则集：{}（<code>{}</code> 版本 {}），sha256 <code>{}</code><br>引擎：{} {}",
            esc(&r.title),
            esc(&r.id),
            esc(&r.version),
            esc(&r.hash),
            esc(&self.p.engine.name),
            esc(&self.p.engine.version)
        );
        let d = self.data_line();
        if !d.is_empty() {
            let _ = write!(s, "<br>{}", esc(&d));
        }
        s.push_str("</div>\n");
        s
    }

    /// The text of the page's bottom margin, as a CSS string.
    fn margin_text(&self) -> String {
        let mut t = self.ruleset_line();
        let d = self.data_line();
        if !d.is_empty() {
            t.push('\n');
            t.push_str(&d);
        }
        css_string(&t)
    }
}

/// The sha256 of the lines `path sha256\n` of every input, in order: one hash that names the
/// whole set of data files.
pub(crate) fn list_hash(inputs: &[InputFile]) -> String {
    let mut h = Sha256::new();
    for i in inputs {
        h.update(i.path.as_bytes());
        h.update(b" ");
        h.update(i.sha256.as_bytes());
        h.update(b"\n");
    }
    crate::types::hex(&h.finalize())
}

/// `s` as a CSS string literal: quotes and backslashes escaped, line breaks as `\A`, and `<`
/// escaped so that the style element cannot be closed from inside.
fn css_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\A "),
            '<' => out.push_str("\\3C "),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A section of a page: its own named print page (so it starts on a new sheet) with its own
/// provenance in the margin.
pub(crate) struct Section<'a> {
    pub(crate) prov: Prov<'a>,
    pub(crate) body: String,
}

/// A whole HTML document: the title, the style sheet with one named page per section, the
/// sections, the script.
pub(crate) fn document(title: &str, sections: &[Section]) -> String {
    let mut css = CSS.replace("FONTS", FONTS);
    let margin = "font-size:6.5pt;color:#333;white-space:pre-wrap;vertical-align:top;text-align:left;font-family:".to_string()
        + FONTS;
    css.push_str(
        "@page{size:A4;margin:14mm 12mm 20mm 12mm;@bottom-right{content:\"第 \" counter(page) \" 页\";font-size:7pt;vertical-align:top}}\n",
    );
    for (i, s) in sections.iter().enumerate() {
        let _ = writeln!(
            css,
            "section.p{i}{{page:p{i}}}\n@page p{i}{{@bottom-left{{content:{};{margin};width:160mm}}}}",
            s.prov.margin_text()
        );
    }
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"fazhi {}\">\n<title>{}</title>\n<style>{css}</style>\n</head>\n<body>\n",
        env!("CARGO_PKG_VERSION"),
        esc(title)
    );
    for (i, s) in sections.iter().enumerate() {
        let _ = writeln!(out, "<section class=\"county p{i}\">\n{}</section>", s.body);
    }
    let _ = write!(out, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
    out
}

/// A table cell: its text, and whether it is a number (right-aligned) or stands out (bold).
pub(crate) enum Cell {
    /// Text, left-aligned.
    T(String),
    /// A figure, right-aligned.
    N(String),
    /// A figure that stands out (lost points), right-aligned and bold.
    Bad(String),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::T(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::T(s)
    }
}

/// A table builder: header cells (a trailing `#` marks a numeric column), rows of [`Cell`]s;
/// sortable when it has more than three rows, with a filter box above when it has an `id` and
/// more than fifteen rows.
pub(crate) struct Table {
    head: Vec<(String, bool)>,
    rows: Vec<(Vec<Cell>, &'static str)>,
    id: Option<String>,
}

impl Table {
    pub(crate) fn new(head: &[&str]) -> Table {
        Table {
            head: head
                .iter()
                .map(|h| match h.strip_suffix('#') {
                    Some(h) => (h.to_string(), true),
                    None => (h.to_string(), false),
                })
                .collect(),
            rows: Vec::new(),
            id: None,
        }
    }
    pub(crate) fn with_id(mut self, id: &str) -> Table {
        self.id = Some(id.to_string());
        self
    }
    pub(crate) fn row(&mut self, cells: Vec<Cell>) {
        self.rows.push((cells, ""));
    }
    pub(crate) fn render(&self) -> String {
        let mut s = String::new();
        let sortable = self.rows.len() > 3;
        if let Some(id) = self.id.as_ref().filter(|_| self.rows.len() > 15) {
            let _ = writeln!(
                s,
                "<div class=\"filter\">筛选：<input type=\"search\" data-filter=\"{0}\" placeholder=\"输入县名、编号或文字\" aria-label=\"筛选\"></div>",
                esc(id)
            );
        }
        match &self.id {
            Some(id) => {
                let _ = write!(s, "<table id=\"{}\">", esc(id));
            }
            None => s.push_str("<table>"),
        }
        s.push_str("<thead><tr>");
        for (h, num) in &self.head {
            let _ = write!(
                s,
                "<th{}{}>{}</th>",
                if *num { " class=\"n\"" } else { "" },
                if sortable { " data-sort" } else { "" },
                esc(h)
            );
        }
        s.push_str("</tr></thead>\n<tbody>\n");
        for (r, class) in &self.rows {
            if class.is_empty() {
                s.push_str("<tr>");
            } else {
                let _ = write!(s, "<tr class=\"{class}\">");
            }
            for c in r {
                let _ = match c {
                    Cell::T(t) => write!(s, "<td>{}</td>", esc(t)),
                    Cell::N(t) => write!(s, "<td class=\"n\">{}</td>", esc(t)),
                    Cell::Bad(t) => write!(s, "<td class=\"n bad\">{}</td>", esc(t)),
                };
            }
            s.push_str("</tr>\n");
        }
        s.push_str("</tbody></table>\n");
        s
    }
}

/// A chart in a figure with its caption.
pub(crate) fn figure(svg: &str, caption: &str) -> String {
    format!(
        "<figure>{}<figcaption>{}</figcaption></figure>\n",
        svg.trim_end(),
        esc(caption)
    )
}

/// A heading of level `n`.
pub(crate) fn h(n: u8, text: &str) -> String {
    format!("<h{n}>{}</h{n}>\n", esc(text))
}

/// A paragraph of plain text.
pub(crate) fn p(text: &str) -> String {
    format!("<p>{}</p>\n", esc(text))
}

/// The list of data files with their sha256, at the end of a page with several.
pub(crate) fn inputs_list(p: &Provenance, word: &str) -> String {
    if p.inputs.len() < 2 {
        return String::new();
    }
    let mut s = h(2, &format!("{word}（{} 个，sha256）", p.inputs.len()));
    let mut t = Table::new(&["文件", "sha256"]).with_id("inputs");
    for i in &p.inputs {
        t.row(vec![i.path.as_str().into(), i.sha256.as_str().into()]);
    }
    s.push_str(&t.render());
    s.push_str(&p_note(&format!(
        "清单 sha256（各行“文件 sha256”连同换行符）：{}",
        list_hash(&p.inputs)
    )));
    s
}

/// A paragraph in the smaller note style.
pub(crate) fn p_note(text: &str) -> String {
    format!("<p class=\"note\">{}</p>\n", esc(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_strings_cannot_escape() {
        assert_eq!(
            css_string("a\"b\\c\nd</style>"),
            "\"a\\\"b\\\\c\\A d\\3C /style>\""
        );
    }

    #[test]
    fn a_table_escapes_and_marks_numbers() {
        let mut t = Table::new(&["县", "总分#"]);
        t.row(vec!["<甲>".into(), Cell::N("85.5".into())]);
        let s = t.render();
        assert!(
            s.contains("<td>&lt;甲&gt;</td><td class=\"n\">85.5</td>"),
            "{s}"
        );
        assert!(s.contains("<th class=\"n\">总分</th>"));
        assert!(!s.contains("data-sort"), "one row: nothing to sort");
    }

    #[test]
    fn the_list_hash_is_the_hash_of_its_lines() {
        let inputs = [InputFile {
            path: "a".into(),
            sha256: "b".into(),
        }];
        // sha256("a b\n"), as `printf 'a b\n' | sha256sum` gives it.
        assert_eq!(
            list_hash(&inputs),
            "01186fcf04b4b447f393e552964c08c7b419c1ad7a25c342a0b631b1967d3a27"
        );
    }
}
