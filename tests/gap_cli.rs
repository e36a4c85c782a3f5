//! `fazhi gap`: formats, several counties, peers, atomic --out, exit codes on bad input.

mod common;
use common::{fazhi, text, MINI};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
const GOOD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/mini-good.yaml");
const VETOED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/mini-vetoed.yaml");

#[test]
fn markdown_by_default_json_on_request() {
    let o = fazhi(&["gap", "--rules", MINI, GOOD]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let md = text(&o.stdout);
    assert!(
        md.starts_with("# 示例县（2021年）法治政府建设差距分析"),
        "{md}"
    );
    assert!(md.contains("## 摘要"));
    assert!(
        md.contains("达到示范的方案：改动 2 项指标，总分可达 16.248（已复算）"),
        "{md}"
    );

    let o = fazhi(&["gap", "--rules", MINI, "--format", "json", GOOD]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["county"]["id"], "mini-good");
    assert_eq!(v["plans"][0]["total_after"], 16.248);

    // Several counties: the analyses and their summary in JSON, separated reports and the
    // summary in Markdown.
    let o = fazhi(&["gap", "--rules", MINI, "--format", "json", GOOD, VETOED]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["gaps"].as_array().unwrap().len(), 2);
    assert_eq!(v["gaps"][1]["vetoes"][0], "发生重大违法决策并造成严重后果");
    assert_eq!(v["summary"]["counties"], 2);
    let o = fazhi(&["gap", "--rules", MINI, GOOD, VETOED]);
    assert_eq!(text(&o.stdout).matches("法治政府建设差距分析").count(), 2);
    assert!(text(&o.stdout).contains("# 汇总（2 个县）"));
}

#[test]
fn same_inputs_same_bytes() {
    let a = fazhi(&["gap", "--rules", MINI, "--format", "json", GOOD]);
    let b = fazhi(&["gap", "--rules", MINI, "--format", "json", GOOD]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn peers_from_a_folder() {
    let o = fazhi(&["gap", "--rules", MINI, "--peers", DATA, GOOD]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let md = text(&o.stdout);
    // The folder holds the county itself (left out) and 否决县 (area 1: 12, area 2: 8).
    assert!(md.contains("## 与同组比较（1 个县）"), "{md}");
    assert!(md.contains("同组：mini-vetoed"), "{md}");
}

#[test]
fn bad_peers_exit_two() {
    let o = fazhi(&["gap", "--rules", MINI, "--peers", "/no/such/dir", GOOD]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--peers /no/such/dir"));
    let empty = tempfile::tempdir().unwrap();
    let o = fazhi(&[
        "gap",
        "--rules",
        MINI,
        "--peers",
        empty.path().to_str().unwrap(),
        GOOD,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("no county files"),
        "{}",
        text(&o.stderr)
    );
    std::fs::write(
        empty.path().join("bad.yaml"),
        "county: {id: b, name: 县}\ndata: {nope: 1}\n",
    )
    .unwrap();
    let o = fazhi(&[
        "gap",
        "--rules",
        MINI,
        "--peers",
        empty.path().to_str().unwrap(),
        GOOD,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("unknown field `nope`"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn bad_input_exits_two_and_keeps_the_old_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gap.md");
    std::fs::write(&out, "old").unwrap();
    let o = fazhi(&[
        "gap",
        "--rules",
        MINI,
        "--out",
        out.to_str().unwrap(),
        "/no/such/file.yaml",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("/no/such/file.yaml"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old");
    let o = fazhi(&["gap", "--rules", "/no/such/rules", GOOD]);
    assert_eq!(o.status.code(), Some(2));
    // A format gap does not have is refused with the ones it has (csv is one since issue 26).
    let o = fazhi(&["gap", "--rules", MINI, "--format", "pdf", GOOD]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("possible values: md, json"),
        "{}",
        text(&o.stderr)
    );
    // A good run replaces the file whole, with no temporary files left behind.
    let o = fazhi(&["gap", "--rules", MINI, "--out", out.to_str().unwrap(), GOOD]);
    assert_eq!(o.status.code(), Some(0));
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .contains("## 达线方案：示范"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn unwritable_output_exits_one() {
    let o = fazhi(&["gap", "--rules", MINI, "--out", "/no/such/dir/gap.md", GOOD]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("/no/such/dir"),
        "{}",
        text(&o.stderr)
    );
}

/// `--costs`: with the head-appearance rate costing 1 per percentage point and every other item
/// 1, 示范 (+4.952, area 1 +2.6) costs 3 at least: two cost-1 items give at most 2 + 1.5 = 3.5;
/// one item and 1 point of rate give at most 2 + 1 = 3; {1.3 +2, PN2 (督察通报问题 1 → 0) +2,
/// 1.4 +1} = +5 for 3 (issue 21: penalties are options too).
#[test]
fn a_cost_file_sets_what_the_plan_minimises() {
    let dir = tempfile::tempdir().unwrap();
    let costs = dir.path().join("costs.yaml");
    std::fs::write(&costs, "fields: {litigation.head_appearance_rate: 1}\n").unwrap();
    let o = fazhi(&[
        "gap",
        "--rules",
        MINI,
        "--costs",
        costs.to_str().unwrap(),
        GOOD,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let md = text(&o.stdout);
    assert!(
        md.contains("达到示范的方案：改动 3 项（其中扣分 1 项），总分可达"),
        "{md}"
    );
    assert!(md.contains("最优（代价 3，不存在代价更低的方案）"), "{md}");

    std::fs::write(&costs, "items: {\"1.1\": -2}\n").unwrap();
    let o = fazhi(&[
        "gap",
        "--rules",
        MINI,
        "--costs",
        costs.to_str().unwrap(),
        GOOD,
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("the cost of `1.1` is -2") && err.contains("help:"),
        "{err}"
    );
    std::fs::write(&costs, "fields: [1, 2\n").unwrap();
    let o = fazhi(&[
        "gap",
        "--rules",
        MINI,
        "--costs",
        costs.to_str().unwrap(),
        GOOD,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("costs.yaml:"),
        "{}",
        text(&o.stderr)
    );
    let o = fazhi(&["gap", "--rules", MINI, "--time-limit", "0", GOOD]);
    assert_eq!(o.status.code(), Some(2));
}

/// Issue 26: one county's gap is composed once, so its Markdown and its HTML have the same
/// sections in the same order and the same tables with the same columns — with peers, where the
/// HTML once had 6 columns (no quartiles, no percentile) and no table of the items below the
/// median, and the Markdown had 9 and that table.
#[test]
fn gap_markdown_and_html_have_the_same_sections_and_tables() {
    let md = text(
        &fazhi(&[
            "gap", "--rules", MINI, "--peers", DATA, "--format", "md", GOOD,
        ])
        .stdout,
    );
    let html = text(
        &fazhi(&[
            "gap", "--rules", MINI, "--peers", DATA, "--format", "html", GOOD,
        ])
        .stdout,
    );
    // Markdown: `## x` headings and the first row of every table.
    let mut md_heads = Vec::new();
    let mut md_tables = Vec::new();
    let lines: Vec<&str> = md.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        if let Some(h) = l.strip_prefix("## ").or_else(|| l.strip_prefix("### ")) {
            md_heads.push(h.to_string());
        }
        let first_row = l.starts_with("| ")
            && lines.get(i + 1).is_some_and(|n| n.starts_with("| --"))
            && !lines[i.saturating_sub(1)].starts_with('|');
        if first_row {
            let cells: Vec<String> = l
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect();
            md_tables.push(cells);
        }
    }
    // HTML: <h2>/<h3> texts and the <th> cells of every table.
    let tag_text = |s: &str| {
        let mut out = String::new();
        let mut in_tag = false;
        for c in s.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.replace("&amp;", "&").replace("&quot;", "\"")
    };
    let mut html_heads = Vec::new();
    let mut rest = html.as_str();
    while let Some(at) = rest.find("<h") {
        let tail = &rest[at..];
        let level = tail.as_bytes().get(2).copied();
        if matches!(level, Some(b'2') | Some(b'3')) {
            let end = tail.find("</h").unwrap();
            html_heads.push(tag_text(&tail[..end]).trim().to_string());
        }
        rest = &tail[2..];
    }
    let html_tables: Vec<Vec<String>> = html
        .split("<thead>")
        .skip(1)
        .map(|t| {
            let head = &t[..t.find("</thead>").unwrap()];
            head.split("<th")
                .skip(1)
                .map(|c| tag_text(&format!("<th{c}")).trim().to_string())
                .collect()
        })
        .collect();
    assert_eq!(md_heads, html_heads);
    assert_eq!(md_tables, html_tables);
    // The comparison with peers has its quartiles and percentile in both.
    assert!(md_tables
        .iter()
        .any(|t| t.contains(&"下四分位".to_string()) && t.contains(&"本县百分位".to_string())));
}
