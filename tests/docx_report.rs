//! The Word reports read back: `fazhi score --format docx` and `fazhi gap --format docx` unzipped
//! and their `word/document.xml` parsed (quick-xml); headings, tables and numbers checked
//! against the same commands' JSON, and by hand where the county is small enough.
#![cfg(feature = "docx")]

use quick_xml::events::Event;
use serde_json::Value;
use std::io::Read;
use std::path::PathBuf;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_fazhi");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fazhi(args: &[&str]) -> Vec<u8> {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "fazhi {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A block of the document body, in order.
#[derive(Debug, Clone, PartialEq)]
enum Block {
    /// A paragraph: its style id, its text, whether it starts a new page.
    P {
        style: String,
        text: String,
        page_break: bool,
    },
    /// A table: its column widths (twips) and its rows of cell texts.
    T {
        grid: Vec<usize>,
        rows: Vec<Vec<String>>,
    },
}

fn part(docx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

fn attr(e: &quick_xml::events::BytesStart, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

/// The body of a .docx as blocks.
fn blocks(docx: &[u8]) -> Vec<Block> {
    let xml = part(docx, "word/document.xml");
    let mut r = quick_xml::Reader::from_str(&xml);
    let mut out = Vec::new();
    let (mut in_tbl, mut in_t) = (false, false);
    let (mut style, mut text, mut page_break) = (String::new(), String::new(), false);
    let mut grid = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut cell = String::new();
    loop {
        match r.read_event().unwrap() {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"w:tbl" => {
                in_tbl = true;
                grid.clear();
                rows.clear();
            }
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"w:gridCol" => grid.push(attr(&e, b"w:w").unwrap().parse().unwrap()),
                b"w:tr" => rows.push(Vec::new()),
                b"w:tc" => cell.clear(),
                b"w:p" if !in_tbl => {
                    style.clear();
                    text.clear();
                    page_break = false;
                }
                b"w:pStyle" => style = attr(&e, b"w:val").unwrap_or_default(),
                b"w:pageBreakBefore" => page_break = true,
                b"w:t" => in_t = true,
                _ => {}
            },
            Event::Text(t) if in_t => {
                let t = t.unescape().unwrap();
                if in_tbl {
                    cell.push_str(&t);
                } else {
                    text.push_str(&t);
                }
            }
            Event::End(e) => match e.name().as_ref() {
                b"w:t" => in_t = false,
                b"w:tc" => rows.last_mut().unwrap().push(cell.clone()),
                b"w:p" if !in_tbl => out.push(Block::P {
                    style: style.clone(),
                    text: text.clone(),
                    page_break,
                }),
                b"w:tbl" => {
                    in_tbl = false;
                    out.push(Block::T {
                        grid: grid.clone(),
                        rows: rows.clone(),
                    });
                }
                _ => {}
            },
            _ => {}
        }
    }
    out
}

fn headings(b: &[Block], level: &str) -> Vec<String> {
    b.iter()
        .filter_map(|x| match x {
            Block::P { style, text, .. } if style == level => Some(text.clone()),
            _ => None,
        })
        .collect()
}

/// The table right after the first paragraph whose text starts with `heading`.
fn table_after<'a>(b: &'a [Block], heading: &str) -> &'a [Vec<String>] {
    let at = b
        .iter()
        .position(|x| matches!(x, Block::P { text, .. } if text.starts_with(heading)))
        .unwrap_or_else(|| panic!("no heading `{heading}`"));
    b[at..]
        .iter()
        .find_map(|x| match x {
            Block::T { rows, .. } => Some(rows.as_slice()),
            _ => None,
        })
        .unwrap()
}

fn num(v: &Value) -> String {
    v.to_string()
}

const SECTIONS: [&str; 6] = [
    "一、评估概况",
    "二、各领域得分",
    "三、失分情况及原因",
    "四、缺少数据的指标及所需佐证材料",
    "五、达标路径",
    "六、可复核信息",
];

#[test]
fn the_score_docx_holds_the_report() {
    let county = "fixtures/counties/yuncheng-2018.yaml";
    let docx = fazhi(&["score", "--format", "docx", county]);
    let report: Value =
        serde_json::from_slice(&fazhi(&["score", "--format", "json", county])).unwrap();
    let gap: Value = serde_json::from_slice(&fazhi(&["gap", "--format", "json", county])).unwrap();
    let b = blocks(&docx);

    assert_eq!(
        headings(&b, "Title"),
        vec!["郓城县（2018年）法治政府建设第三方评估报告"]
    );
    assert_eq!(headings(&b, "Heading1"), SECTIONS);

    // The summary: total 165 of 1000, the sum of the eight areas 12 + 20 + 16 + 24 + 20 + 38 +
    // 15 + 20 = 165 (read off the areas table below, checked by hand against the JSON).
    let summary = b
        .iter()
        .find_map(|x| match x {
            Block::P { text, .. } if text.starts_with("总分") => Some(text.clone()),
            _ => None,
        })
        .unwrap();
    assert!(
        summary.starts_with("总分 165 分（满分 1000 分）"),
        "{summary}"
    );
    let pass = table_after(&b, "一、评估概况");
    // The gap report's table of pass lines, with the same columns and words.
    assert_eq!(
        pass[0],
        [
            "达标线",
            "最低总分",
            "当前总分",
            "总分差距",
            "领域得分率要求",
            "未达要求的领域",
            "结论"
        ]
    );
    // 示范 needs 800: 800 − 165 = 635 short.
    assert_eq!(pass[1][..4], ["示范", "800", "165", "635"]);
    assert_eq!(pass[1][6], "✗ 未达到");

    // The areas table: every first-level area with its points, as in the report.
    let areas = table_after(&b, "二、各领域得分");
    let nodes: Vec<&Value> = report["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["level"] == 1)
        .collect();
    assert_eq!(areas.len(), nodes.len() + 1);
    let mut sum = 0.0;
    for (row, n) in areas[1..].iter().zip(&nodes) {
        assert_eq!(row[0], n["id"].as_str().unwrap());
        assert_eq!(row[1], n["name"].as_str().unwrap());
        assert_eq!(row[2], num(&n["earned"]));
        assert_eq!(row[3], num(&n["max"]));
        sum += row[2].parse::<f64>().unwrap();
    }
    assert_eq!(sum, 165.0);

    // A table per area, whose rows are that area's items with their points.
    let area_heads: Vec<String> = headings(&b, "Heading2")
        .into_iter()
        .filter(|h| h.starts_with('（'))
        .collect();
    assert_eq!(area_heads.len(), nodes.len());
    assert_eq!(area_heads[0], "（一）政府职能依法全面履行（得分 12 / 140）");
    let items = report["items"].as_array().unwrap();
    let mut seen = 0;
    for (h, n) in area_heads.iter().zip(&nodes) {
        let t = table_after(&b, h);
        let mine: Vec<&Value> = items.iter().filter(|i| i["area"] == n["id"]).collect();
        assert_eq!(t.len(), mine.len() + 1, "{h}");
        for (row, i) in t[1..].iter().zip(&mine) {
            assert_eq!(row[0], i["id"].as_str().unwrap());
            assert_eq!(row[2], num(&i["earned"]));
            assert_eq!(row[3], num(&i["max"]));
            seen += 1;
        }
    }
    assert_eq!(seen, items.len());

    // Lost points with their reasons; items without data with the evidence they need.
    let lost = table_after(&b, "三、失分情况及原因");
    let want: Vec<&str> = gap["lost"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    let got: Vec<&str> = lost[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(got, want);
    for (row, i) in lost[1..].iter().zip(gap["lost"].as_array().unwrap()) {
        // The gap report's columns: 编号, 指标, 得分, 满分, 失分, 现有数据, 失分原因, 改进目标.
        assert_eq!(row[4], format!("−{}", i["lost"]));
        assert_eq!(row[6], i["why"].as_str().unwrap());
    }
    let nd = table_after(&b, "四、缺少数据的指标及所需佐证材料");
    assert_eq!(nd[0][4], "需提供佐证材料");
    let no_data = gap["no_data"].as_array().unwrap();
    assert_eq!(nd.len(), no_data.len() + 1);
    for (row, i) in nd[1..].iter().zip(no_data) {
        assert_eq!(row[0], i["id"].as_str().unwrap());
        assert_eq!(row[2], num(&i["at_stake"]));
        if let Some(ev) = i["evidence"].as_array() {
            let ev: Vec<&str> = ev.iter().map(|e| e.as_str().unwrap()).collect();
            assert_eq!(row[4], ev.join("、"));
        }
    }

    // The plan to 示范: its steps, the last reaching the plan's total.
    let plan = &gap["plans"][0];
    let steps = table_after(&b, "达到示范");
    assert_eq!(steps.len(), plan["steps"].as_array().unwrap().len() + 1);
    // 步骤, 编号, 指标, 改动, 代价, 增分, 累计总分.
    assert_eq!(steps.last().unwrap()[6], num(&plan["total_after"]));

    // The provenance: rule set hash, engine, data hash.
    let prov = table_after(&b, "六、可复核信息");
    let find = |k: &str| prov.iter().find(|r| r[0] == k).unwrap()[1].clone();
    assert_eq!(
        find("规则集 sha256"),
        report["ruleset"]["hash"].as_str().unwrap()
    );
    assert_eq!(
        find("数据 sha256"),
        report["county"]["data_hash"].as_str().unwrap()
    );
    assert_eq!(
        find("评分引擎"),
        format!("fazhi {}", env!("CARGO_PKG_VERSION"))
    );

    // Every table fits the text width of an A4 page with 28 mm and 26 mm margins: 8844 twips.
    for x in &b {
        if let Block::T { grid, .. } = x {
            assert_eq!(grid.iter().sum::<usize>(), 8844);
        }
    }
    let doc = part(&docx, "word/document.xml");
    assert!(doc.contains(r#"<w:pgSz w:w="11906" w:h="16838""#), "A4");
    let styles = part(&docx, "word/styles.xml");
    assert!(styles.contains(r#"w:eastAsia="仿宋""#) && styles.contains(r#"w:eastAsia="宋体""#));
}

#[test]
fn the_gap_docx_starts_each_county_on_a_new_page() {
    let docx = fazhi(&[
        "gap",
        "--rules",
        "tests/rules/mini",
        "--format",
        "docx",
        "tests/data/mini-good.yaml",
        "tests/data/mini-vetoed.yaml",
    ]);
    let b = blocks(&docx);
    let titles: Vec<(String, bool)> = b
        .iter()
        .filter_map(|x| match x {
            Block::P {
                style,
                text,
                page_break,
            } if style == "Title" => Some((text.clone(), *page_break)),
            _ => None,
        })
        .collect();
    assert_eq!(titles.len(), 2);
    assert!(!titles[0].1 && titles[1].1, "{titles:?}");
    assert_eq!(headings(&b, "Heading1").len(), 2 * SECTIONS.len());
    // The vetoed county says so in its summary.
    assert!(b
        .iter()
        .any(|x| matches!(x, Block::P { text, .. } if text.starts_with("一票否决事项：已触发"))));
}

#[test]
fn docx_for_a_format_that_has_none_is_refused() {
    let out = Command::new(BIN)
        .args(["rank", "--format", "docx", "tests/data"])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("docx is for score and gap"), "{err}");
}

#[test]
fn the_docx_prints_as_a_chinese_document() {
    // Issue 26: every table repeats its header row on each page it runs onto, the text is
    // declared zh-CN, 宋体 and 仿宋 are in the font table with their named substitute, ids never
    // wrap (an id column is at least as wide as its longest id at 10 pt: 110 twips a character
    // plus 260 of cell margins: `1.1.4` → 5 × 110 + 260 = 810).
    let docx = fazhi(&[
        "gap",
        "--format",
        "docx",
        "fixtures/counties/yuncheng-2018.yaml",
    ]);
    let doc = part(&docx, "word/document.xml");
    let tables = doc.matches("<w:tbl>").count();
    assert!(tables > 5);
    assert_eq!(doc.matches("<w:tblHeader />").count(), tables);
    let styles = part(&docx, "word/styles.xml");
    assert!(styles.contains("w:eastAsia=\"zh-CN\""), "{styles}");
    assert!(styles.contains("w:eastAsia=\"仿宋\""));
    let fonts = part(&docx, "word/fontTable.xml");
    for f in ["宋体", "仿宋"] {
        assert!(
            fonts.contains(&format!(
                "<w:font w:name=\"{f}\"><w:altName w:val=\"Noto Serif CJK SC"
            )),
            "{fonts}"
        );
    }
    assert!(part(&docx, "docProps/core.xml").contains("<dc:language>zh-CN</dc:language>"));
    let b = blocks(&docx);
    let items = table_after(&b, "（一）政府职能依法全面履行（得分 12 / 140）");
    assert_eq!(items[0][0], "编号");
    let grid = b
        .iter()
        .find_map(|x| match x {
            Block::T { grid, rows } if rows[0][0] == "编号" && rows[0][1] == "指标" => {
                Some(grid.clone())
            }
            _ => None,
        })
        .unwrap();
    assert!(grid[0] >= 810, "{grid:?}");
    assert_eq!(grid.iter().sum::<usize>(), 8844);
}

/// The Word report carries what the gap and the score reports carry (issue 26, found by a
/// new-user trial): `gap --peers` adds 与同组比较 with the peers' quartiles, as in Markdown and
/// HTML (the Word file was byte-identical with and without peers); and a county scored with
/// relative items names its comparison group in 六、可复核信息, which `verify` needs.
#[test]
fn the_word_report_has_the_peers_and_the_comparison_group() {
    let county = "fixtures/counties/yuncheng-2018.yaml";
    let with = blocks(&fazhi(&[
        "gap",
        "--format",
        "docx",
        "--peers",
        "fixtures/counties",
        county,
    ]));
    let heads = headings(&with, "Heading2");
    let peers = heads
        .iter()
        .find(|h| h.starts_with("与同组比较"))
        .unwrap_or_else(|| panic!("{heads:?}"));
    let t = table_after(&with, peers);
    assert_eq!(t[0][3], "下四分位");
    let without = blocks(&fazhi(&["gap", "--format", "docx", county]));
    assert!(!headings(&without, "Heading2")
        .iter()
        .any(|h| h.starts_with("与同组比较")));

    // Eight counties with relative items, one document: each county's provenance table names
    // the group of eight and its hash.
    let files: Vec<String> = "abcdefgh"
        .chars()
        .map(|k| format!("tests/data/relative/{k}.yaml"))
        .collect();
    let mut args = vec![
        "score",
        "--rules",
        "tests/rules/relative",
        "--format",
        "docx",
    ];
    args.extend(files.iter().map(String::as_str));
    let b = blocks(&fazhi(&args));
    let prov = table_after(&b, "六、可复核信息");
    let group = prov.iter().find(|r| r[0] == "比较组").expect("比较组 row");
    assert_eq!(group[1], "8个县");
    let hash = prov.iter().find(|r| r[0] == "比较组 sha256").unwrap();
    assert_eq!(hash[1].len(), 64);
}
