//! A [`Document`] as Markdown: `#` headings, `**strong**` and `` `code` `` spans, `>` notes,
//! `-` lists, and tables whose columns line up in a terminal (CJK characters count two), figures
//! right-aligned. Charts are left to the formats that draw them (their figures are in a table).

use crate::render::document::{Block, Document, Span, Table};

/// The Markdown of `doc`: every block followed by a blank line.
pub fn markdown(doc: &Document) -> String {
    let mut s = String::new();
    for b in &doc.blocks {
        match b {
            Block::Heading(level, text) => {
                s.push_str(&format!("{} {text}\n\n", "#".repeat(usize::from(*level))));
            }
            Block::Para(spans) => {
                s.push_str(&spans_md(spans));
                s.push_str("\n\n");
            }
            Block::Note(text) => s.push_str(&format!("> {text}\n\n")),
            Block::List(lines) => {
                for l in lines {
                    s.push_str(&format!("- {}\n", spans_md(l)));
                }
                s.push('\n');
            }
            Block::Table(t) => {
                s.push_str(&table(t));
                s.push('\n');
            }
            Block::Chart { .. } => {}
        }
    }
    s
}

fn spans_md(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|sp| match sp {
            Span::Text(t) => t.clone(),
            Span::Strong(t) => format!("**{t}**"),
            Span::Code(t) => format!("`{t}`"),
        })
        .collect()
}

/// One table as aligned Markdown.
pub fn table(t: &Table) -> String {
    let head: Vec<&str> = t.columns.iter().map(|c| c.title.as_str()).collect();
    let right: Vec<bool> = t.columns.iter().map(|c| c.kind.numeric()).collect();
    let mut out = crate::render::Table::new(&head, &right);
    for r in &t.rows {
        out.row(
            t.cells(r)
                .map(|(_, cell, text)| {
                    if cell.strong() && !text.is_empty() {
                        format!("**{text}**")
                    } else {
                        text
                    }
                })
                .collect(),
        );
    }
    out.render()
}
