//! Case 24 (`../shared/cases/24-workbook-names-every-entry`, inputs copied under
//! `tests/cases/24-workbook-names-every-entry`): every format of `score` and `gap` (md, html,
//! docx, xlsx, csv) names every entry that moved points with its id, name and points **on one
//! row** (a table row, a list line, a paragraph): the bonuses, the cap's trim (7 → 5), the
//! penalties as charged (85 of 120: 扣完为止) and the zeroing entry.
//!
//! Each output is cut into rows: Markdown and CSV by line; HTML by `</tr>`, `</p>`, `</li>`;
//! Word by table row (`w:tr`) and, outside tables, by paragraph; workbooks cell by cell with
//! calamine, one row per sheet row.
#![cfg(all(feature = "html", feature = "docx", feature = "xlsx"))]

mod common;

use calamine::{Data, Reader, Xlsx};
use common::{fazhi, text, text_of};
use std::io::Read;

const CASE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/cases/24-workbook-names-every-entry"
);
const FORMATS: [&str; 5] = ["md", "html", "docx", "xlsx", "csv"];

/// The rows of one output file.
fn rows(format: &str, bytes: &[u8]) -> Vec<String> {
    match format {
        "md" | "csv" => text(bytes).lines().map(str::to_string).collect(),
        "html" => {
            let mut h = text(bytes);
            for end in ["</tr>", "</p>", "</li>", "</h1>", "</h2>", "</h3>"] {
                h = h.replace(end, &format!("{end}\u{1}"));
            }
            h.split('\u{1}').map(text_of).collect()
        }
        "docx" => {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            let mut xml = String::new();
            zip.by_name("word/document.xml")
                .unwrap()
                .read_to_string(&mut xml)
                .unwrap();
            let mut out = Vec::new();
            let mut rest = xml.as_str();
            while let Some(start) = rest.find("<w:tr>").or_else(|| rest.find("<w:tr ")) {
                let (before, from) = rest.split_at(start);
                out.extend(before.split("</w:p>").map(text_of));
                let end = from.find("</w:tr>").unwrap() + "</w:tr>".len();
                out.push(text_of(&from[..end]));
                rest = &from[end..];
            }
            out.extend(rest.split("</w:p>").map(text_of));
            out
        }
        "xlsx" => {
            let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
            let mut out = Vec::new();
            for name in wb.sheet_names() {
                let range = wb.worksheet_range(&name).unwrap();
                for r in range.rows() {
                    let cells: Vec<String> = r
                        .iter()
                        .map(|c| match c {
                            Data::Float(f) => format!("{f}"),
                            Data::Int(i) => i.to_string(),
                            other => other.to_string(),
                        })
                        .collect();
                    out.push(format!("{name}: {}", cells.join(" | ")));
                }
            }
            out
        }
        other => panic!("{other}"),
    }
}

/// Runs `fazhi <cmd> --rules RULES --format F` on `county` for every format: (format, rows).
fn outputs(cmd: &str, rules: &str, county: &str) -> Vec<(&'static str, Vec<String>)> {
    let dir = tempfile::tempdir().unwrap();
    FORMATS
        .into_iter()
        .map(|f| {
            let out = dir.path().join(format!("out.{f}"));
            let o = fazhi(&[
                cmd,
                "--rules",
                &format!("{CASE}/{rules}"),
                "--format",
                f,
                "--out",
                out.to_str().unwrap(),
                &format!("{CASE}/{county}"),
            ]);
            assert_eq!(o.status.code(), Some(0), "{cmd} {f}: {}", text(&o.stderr));
            (f, rows(f, &std::fs::read(&out).unwrap()))
        })
        .collect()
}

/// Whether `row` holds the number `n` as a figure of its own (not a digit of a longer one).
fn has_number(row: &str, n: &str) -> bool {
    row.match_indices(n).any(|(i, _)| {
        let before = row[..i].chars().next_back();
        let after = row[i + n.len()..].chars().next();
        let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit() || c == '.');
        !digit(before) && !digit(after)
    })
}

/// Every output of `cmd` has, for each `(id, name, points…)`, a row holding the id, the name
/// and every one of the points.
fn check(cmd: &str, rules: &str, county: &str, entries: &[(&str, &str, &[&str])]) {
    for (format, rows) in outputs(cmd, rules, county) {
        for (id, name, points) in entries {
            let found = rows.iter().any(|r| {
                r.contains(id) && r.contains(name) && points.iter().all(|p| has_number(r, p))
            });
            assert!(
                found,
                "{cmd} {county} {format}: no row with {id} {name} {points:?}\n{}",
                rows.iter()
                    .filter(|r| r.contains(id) || r.contains(name))
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }
}

#[test]
fn zeroing_and_bonus_in_every_format_of_score() {
    // zero.yaml: items 40 + 40 + 20 = 100, B1 +5; Z1 (基本标准 1 项有问题) takes all 105 that are
    // there: total 0.
    check(
        "score",
        "rules-zeroing",
        "zero.yaml",
        &[
            ("Z1", "基本标准不合格，评查总分为零", &["105"]),
            ("B1", "优秀案卷", &["5"]),
        ],
    );
}

#[test]
fn zeroing_and_bonus_in_every_format_of_gap() {
    check(
        "gap",
        "rules-zeroing",
        "zero.yaml",
        &[
            ("Z1", "基本标准不合格，评查总分为零", &["105"]),
            ("B1", "优秀案卷", &["5"]),
        ],
    );
}

#[test]
fn floored_penalty_and_bonus_in_every_format_of_gap() {
    // bigpen.yaml: items 30 + 32 + 18 = 80, B1 +5 = 85 there; PN1 60 days × 2 = 120 requested,
    // 85 charged (扣完为止): total 0.
    check(
        "gap",
        "rules-zeroing",
        "bigpen.yaml",
        &[
            ("PN1", "超期归档", &["85", "120"]),
            ("B1", "优秀案卷", &["5"]),
        ],
    );
}

#[test]
fn charged_penalty_in_every_format_of_score() {
    // The score report says the same of PN1: 120 computed, 85 charged.
    check(
        "score",
        "rules-zeroing",
        "bigpen.yaml",
        &[
            ("PN1", "超期归档", &["85", "120"]),
            ("B1", "优秀案卷", &["5"]),
        ],
    );
}

#[test]
fn bonuses_cap_and_penalty_in_every_format_of_score_and_gap() {
    // a.yaml: B1 3 + B2 2 + B3 2 = 7, capped at 5; PN1 2 通报 × 2 = 4.
    let entries: &[(&str, &str, &[&str])] = &[
        ("B1", "国家级试点", &["3"]),
        ("B2", "省级表彰", &["2"]),
        ("B3", "创新案例", &["2"]),
        ("", "上限", &["7", "5"]),
        ("PN1", "通报批评", &["4"]),
    ];
    check("score", "rules-bonus-cap", "a.yaml", entries);
    check("gap", "rules-bonus-cap", "a.yaml", entries);
}

#[test]
fn score_and_gap_name_the_data_file_alike() {
    // The provenance of both reports names the file the county was read from (the gap's named
    // the county id), in HTML and Word; the JSON of the gap is left as it was (no `source`).
    for cmd in ["score", "gap"] {
        for (format, rows) in outputs(cmd, "rules-zeroing", "zero.yaml")
            .into_iter()
            .filter(|(f, _)| matches!(*f, "html" | "docx"))
        {
            assert!(
                rows.iter()
                    .any(|r| r.contains("zero.yaml") && !r.contains("县 id")),
                "{cmd} {format}"
            );
        }
    }
    let o = fazhi(&[
        "gap",
        "--rules",
        &format!("{CASE}/rules-zeroing"),
        "--format",
        "json",
        &format!("{CASE}/zero.yaml"),
    ]);
    assert!(!text(&o.stdout).contains("\"source\""));
}
