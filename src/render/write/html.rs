//! A [`Document`] as the body of an HTML section: headings, paragraphs (`<strong>`, `<code>`),
//! notes, lists, tables (figures right-aligned, lost points bold, sortable when long) and charts
//! as figures. The page around it (style sheet, print pages, provenance margins) is
//! the HTML module's (`render::html`).

use crate::render::document::{Block, Document, Span, Table};
use crate::render::html;
use crate::render::svg::esc;

/// The HTML of `doc`, with `after_title` (the provenance block) right after its first heading.
pub fn body(doc: &Document, after_title: &str) -> String {
    let mut s = String::new();
    let mut titled = false;
    for b in &doc.blocks {
        match b {
            Block::Heading(level, text) => {
                s.push_str(&html::h(*level, text));
                if !titled {
                    s.push_str(after_title);
                    titled = true;
                }
            }
            Block::Para(spans) => s.push_str(&format!("<p>{}</p>\n", spans_html(spans))),
            Block::Note(text) => s.push_str(&html::p_note(text)),
            Block::List(lines) => {
                s.push_str("<ul class=\"summary\">");
                for l in lines {
                    s.push_str(&format!("<li>{}</li>", spans_html(l)));
                }
                s.push_str("</ul>\n");
            }
            Block::Table(t) => s.push_str(&table(t)),
            Block::Chart { svg, caption } => s.push_str(&html::figure(svg, caption)),
        }
    }
    s
}

fn spans_html(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|sp| match sp {
            Span::Text(t) => esc(t),
            Span::Strong(t) => format!("<strong>{}</strong>", esc(t)),
            Span::Code(t) => format!("<code>{}</code>", esc(t)),
        })
        .collect()
}

/// One table.
pub fn table(t: &Table) -> String {
    let head: Vec<String> = t
        .columns
        .iter()
        .map(|c| {
            if c.kind.numeric() {
                format!("{}#", c.title)
            } else {
                c.title.clone()
            }
        })
        .collect();
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    let mut out = html::Table::new(&head);
    for r in &t.rows {
        out.row(
            t.cells(r)
                .map(|(kind, cell, text)| {
                    if cell.strong() && kind.numeric() {
                        html::Cell::Bad(text)
                    } else if kind.numeric() {
                        html::Cell::N(text)
                    } else {
                        html::Cell::T(text)
                    }
                })
                .collect(),
        );
    }
    out.render()
}
