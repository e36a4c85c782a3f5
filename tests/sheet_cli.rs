//! Spreadsheets through the `fazhi` binary: county tables in every data-reading command,
//! `--format xlsx` out, `fazhi template` and its round trip, CSV for Excel.
#![cfg(feature = "xlsx")]

use calamine::{Data, Reader, Xlsx};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Output};

const MINI: &str = "tests/rules/mini";
const LO: &str = "tests/data/sheets/mini-libreoffice.xlsx";
const LO_GOOD: &str = "tests/data/sheets/mini-libreoffice-good.yaml";

fn fazhi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// Every sheet of a workbook as rows of cells.
fn sheets(path: &Path) -> Vec<(String, Vec<Vec<Data>>)> {
    let mut wb: Xlsx<_> = calamine::open_workbook(path).unwrap();
    let names = wb.sheet_names().to_vec();
    names
        .into_iter()
        .map(|n| {
            let r = wb.worksheet_range(&n).unwrap();
            let rows = r.rows().map(|row| row.to_vec()).collect();
            (n, rows)
        })
        .collect()
}

fn sheet<'a>(all: &'a [(String, Vec<Vec<Data>>)], name: &str) -> &'a Vec<Vec<Data>> {
    &all.iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no sheet {name}"))
        .1
}

/// A part of the workbook's zip, as text.
fn part(path: &Path, name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

fn s(d: &Data) -> String {
    d.to_string()
}

/// The 出处 sheet names the rule set, its sha256 and the engine version.
fn assert_origin(all: &[(String, Vec<Vec<Data>>)], ruleset: &str) {
    let o = sheet(all, "出处");
    let get = |k: &str| o.iter().find(|r| s(&r[0]) == k).map(|r| s(&r[1]));
    assert_eq!(get("规则集").as_deref(), Some(ruleset));
    assert_eq!(get("规则集 sha256").map(|h| h.len()), Some(64));
    assert_eq!(
        get("引擎"),
        Some(format!("fazhi {}", env!("CARGO_PKG_VERSION")))
    );
}

#[test]
fn a_table_scores_like_the_county_file() {
    let table = json(&fazhi(&["score", "--rules", MINI, "--format", "json", LO]));
    let file = json(&fazhi(&[
        "score", "--rules", MINI, "--format", "json", LO_GOOD,
    ]));
    assert_eq!(table.as_array().unwrap().len(), 2);
    let row = &table[0];
    assert_eq!(row["county"]["data_hash"], file["county"]["data_hash"]);
    assert_eq!(row["summary"], file["summary"]);
    assert_eq!(row["items"], file["items"]);
    assert_eq!(row["county"]["source"], format!("{LO}#台账!2"));
    assert_eq!(table[1]["county"]["source"], format!("{LO}#台账!3"));

    // verify finds the row again.
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.json");
    std::fs::write(&report, serde_json::to_string(&table[1]).unwrap()).unwrap();
    let o = fazhi(&["verify", "--rules", MINI, report.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    let mut moved = table[1].clone();
    moved["county"]["source"] = serde_json::json!(format!("{LO}#台账!9"));
    std::fs::write(&report, serde_json::to_string(&moved).unwrap()).unwrap();
    let o = fazhi(&["verify", "--rules", MINI, report.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr)
            .contains("no county row 台账!9; the table's county rows are 台账!2, 台账!3"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn every_data_command_reads_tables() {
    let o = fazhi(&["rank", "--rules", MINI, "--format", "json", LO]);
    let v = json(&o);
    assert_eq!(v["rows"].as_array().unwrap().len(), 2);
    assert_eq!(v["provenance"]["inputs"][0]["path"], format!("{LO}#台账!2"));
    let o = fazhi(&["gap", "--rules", MINI, "--format", "json", LO]);
    assert_eq!(json(&o)["gaps"].as_array().unwrap().len(), 2);
    // A table of peers: mini-good is compared with the table's other row, mini-b.
    let o = fazhi(&["gap", "--rules", MINI, "--peers", LO, LO_GOOD]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let md = text(&o.stdout);
    assert!(
        md.contains("## 与同组比较（1 个县）") && md.contains("同组：mini-b"),
        "{md}"
    );
    let o = fazhi(&[
        "whatif",
        "--rules",
        MINI,
        "--scenario",
        "tests/scenarios/mini.yaml",
        "--format",
        "json",
        LO,
    ]);
    assert_eq!(json(&o)["counties"].as_array().unwrap().len(), 2);
    let o = fazhi(&["uncertainty", "--rules", MINI, "--runs", "20", LO]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));

    // diff: mini with bonus_cap 2 instead of 3. mini-good's bonuses are 1.5 + 2 = 3.5: capped at
    // 3 before and at 2 after, so its total moves by −1.
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("mini2");
    std::fs::create_dir(&new).unwrap();
    for f in ["areas.yaml", "fields.yaml", "ruleset.yaml"] {
        let t = std::fs::read_to_string(Path::new(MINI).join(f)).unwrap();
        std::fs::write(new.join(f), t.replace("bonus_cap: 3", "bonus_cap: 2")).unwrap();
    }
    let o = fazhi(&["diff", "--format", "json", MINI, new.to_str().unwrap(), LO]);
    let v = json(&o);
    let good = v["counties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["county"]["id"] == "mini-good")
        .unwrap();
    assert_eq!(good["delta"], serde_json::json!(-1));
    let out = dir.path().join("diff.xlsx");
    let o = fazhi(&[
        "diff",
        "--format",
        "xlsx",
        "--out",
        out.to_str().unwrap(),
        MINI,
        new.to_str().unwrap(),
        LO,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let all = sheets(&out);
    let changes = sheet(&all, "规则变化");
    assert_eq!(
        changes[0].iter().map(s).collect::<Vec<_>>(),
        // The Markdown changelog's words (issue 26: one document, every format).
        ["类别", "编号", "变更", "属性", "旧", "新"]
    );
    assert!(
        changes.iter().any(|r| s(&r[0]) == "规则集"
            && s(&r[2]) == "分值调整"
            && s(&r[4]) == "3"
            && s(&r[5]) == "2"),
        "{changes:?}"
    );
    let moved = sheet(&all, "得分变化");
    // 县, id, 旧总分, 新总分, 变化 (the Markdown table's columns).
    let row = moved.iter().find(|r| s(&r[1]) == "mini-good").unwrap();
    assert_eq!(row[4], Data::Float(-1.0));
    let o = sheet(&all, "出处");
    assert!(
        o.iter().any(|r| s(&r[0]) == "原规则集") && o.iter().any(|r| s(&r[0]) == "新规则集 sha256")
    );
}

#[test]
fn a_bad_row_is_reported_by_its_cell_and_the_others_are_ranked() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("台账.csv");
    std::fs::write(&p, "编号,名称,年初有工作计划\na,甲县,是\nb,乙县,也许\n").unwrap();
    let o = fazhi(&[
        "rank",
        "--rules",
        MINI,
        "--format",
        "json",
        p.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("台账.csv#台账!3"), "{err}");
    assert!(
        err.contains("台账!C3: field `org.has_plan` (年初有工作计划)"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["rows"].as_array().unwrap().len(), 1);
    assert_eq!(v["failures"].as_array().unwrap().len(), 1);
    // score refuses the whole batch, naming the cell.
    let o = fazhi(&["score", "--rules", MINI, p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("台账!C3"));
}

#[test]
fn score_workbook_has_its_sheets_numbers_and_origin() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("score.xlsx");
    let o = fazhi(&[
        "score",
        "--rules",
        MINI,
        "--format",
        "xlsx",
        "--out",
        out.to_str().unwrap(),
        "tests/data/mini-good.yaml",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let file = json(&fazhi(&[
        "score",
        "--rules",
        MINI,
        "--format",
        "json",
        "tests/data/mini-good.yaml",
    ]));
    let all = sheets(&out);
    let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    // The batch's sheets, then every table of the reports gathered by sheet (issue 26: the
    // bonuses, the cap's trim, penalties, vetoes, checks and the report's sentences), then the
    // data's provenance.
    assert_eq!(
        names,
        [
            "总表",
            "明细",
            "失分",
            "各领域",
            "加分扣分",
            "一票否决",
            "数据核对",
            "正文",
            "数据来源",
            "出处"
        ]
    );
    let total = sheet(&all, "总表");
    assert_eq!(s(&total[0][0]), "编号");
    assert_eq!(s(&total[0][4]), "总分");
    assert_eq!(s(&total[1][0]), "mini-good");
    // The total is a number cell holding the report's total.
    assert_eq!(
        total[1][4],
        Data::Float(file["summary"]["total"].as_f64().unwrap())
    );
    let detail = sheet(&all, "明细");
    assert_eq!(detail.len(), 1 + file["items"].as_array().unwrap().len());
    assert!(matches!(detail[1][6], Data::Float(_)));
    // 数据来源 carries the quote of service.online_rate.
    let src = sheet(&all, "数据来源");
    assert!(src
        .iter()
        .any(|r| s(&r[3]) == "service.online_rate" && s(&r[6]) == "全程网办率达93.3%"));
    assert_origin(&all, "mini");
    // The header row is frozen.
    assert!(part(&out, "xl/worksheets/sheet1.xml").contains("state=\"frozen\""));
}

#[test]
fn rank_gap_diff_whatif_workbooks() {
    let dir = tempfile::tempdir().unwrap();
    let d = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    let cases: [(Vec<String>, &[&str]); 4] = [
        (
            vec!["rank".into(), "--rules".into(), MINI.into(), LO.into()],
            // 正文: the ranking's sentences (tie rule, legend, provenance), issue 26.
            &["排名", "正文", "出处"],
        ),
        (
            vec!["gap".into(), "--rules".into(), MINI.into(), LO.into()],
            &[
                "差距",
                "失分构成",
                "失分项",
                "扣分加分",
                "缺数据",
                "提升方案",
                "汇总",
                "出处",
            ],
        ),
        (
            vec!["diff".into(), MINI.into(), MINI.into(), LO.into()],
            // Identical rule sets: no 规则变化 and no 变化来源 rows, so no such sheets; 正文
            // says 无结构变更 and 得分未变 (issue 26: the workbook is the diff's document).
            &["得分变化", "正文", "出处"],
        ),
        (
            vec![
                "whatif".into(),
                "--rules".into(),
                MINI.into(),
                "--scenario".into(),
                "tests/scenarios/mini.yaml".into(),
                LO.into(),
            ],
            &["概要", "县", "分值变化", "出处"],
        ),
    ];
    for (i, (mut args, expect)) in cases.into_iter().enumerate() {
        let out = d(&format!("{i}.xlsx"));
        args.extend([
            "--format".into(),
            "xlsx".into(),
            "--out".into(),
            out.clone(),
        ]);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = fazhi(&refs);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o.stderr));
        let all = sheets(Path::new(&out));
        let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, expect, "{args:?}");
        let o = sheet(&all, "出处");
        assert!(o.iter().any(|r| s(&r[1]) == "mini"), "{args:?}");
    }
    // rank: both counties, ranks and totals as numbers.
    let all = sheets(Path::new(&d("0.xlsx")));
    let rank = sheet(&all, "排名");
    assert_eq!(rank.len(), 3);
    assert_eq!(rank[1][0], Data::Float(1.0));
    // The header names the columns of the rows (名次, 县, id, 省份, 总分, …).
    assert_eq!(s(&rank[0][0]), "名次");
    assert_eq!(s(&rank[0][4]), "总分");
    assert_eq!(rank[0].len(), rank[1].len());
    assert!(matches!(rank[1][4], Data::Float(_)));
}

#[test]
fn template_has_headers_validation_and_explanations() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("台账.xlsx");
    let o = fazhi(&["template", "--rules", MINI, "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let all = sheets(&out);
    let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["台账", "数据来源", "来源文件", "字段说明", "选项", "出处"]
    );
    let main = sheet(&all, "台账");
    let heads: Vec<String> = main[0].iter().map(s).collect();
    let paths: Vec<String> = main[1].iter().map(s).collect();
    assert_eq!(
        &heads[..6],
        ["编号", "名称", "省份", "年度", "类别", "备注"]
    );
    assert_eq!(
        &paths[..6],
        ["id", "name", "province", "year", "kind", "note"]
    );
    // The 19 fields of the mini dictionary, in path order, each with its unit.
    assert_eq!(heads.len(), 6 + 19);
    let k = paths.iter().position(|p| p == "litigation.cases").unwrap();
    assert_eq!(heads[k], "行政应诉案件数（件）");
    let k = paths
        .iter()
        .position(|p| p == "service.online_rate")
        .unwrap();
    assert_eq!(heads[k], "全程网办率（%）");
    let explain = sheet(&all, "字段说明");
    assert_eq!(explain.len(), 1 + 19);
    let cases = explain
        .iter()
        .find(|r| s(&r[0]) == "litigation.cases")
        .unwrap();
    assert_eq!(s(&cases[2]), "计数");
    // litigation.cases is read by the penalty PN1 only.
    assert_eq!(s(&cases[6]), "扣分 PN1 督察发现出庭应诉不力");
    let choices = sheet(&all, "选项");
    assert_eq!(s(&choices[0][0]), "是");
    assert_eq!(s(&choices[1][0]), "否");
    // Validation: a list for the bool and the enum, whole numbers for counts, decimals for
    // percents, dates for dates.
    let xml = part(&out, "xl/worksheets/sheet1.xml");
    for t in [
        "type=\"list\"",
        "type=\"whole\"",
        "type=\"decimal\"",
        "type=\"date\"",
    ] {
        assert!(xml.contains(t), "{t}");
    }
    assert!(xml.contains("选项!$A$1:$A$2"));
    assert!(xml.contains("state=\"frozen\""));
    // A blank template has no counties.
    let o = fazhi(&["score", "--rules", MINI, out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("no county data"));
}

#[test]
fn template_filled_in_scores_like_the_yaml_file() {
    // The user's side: open the template, type mini-good's figures under its two header rows
    // (a percent typed into the template's percent cell is stored as a fraction with a percent
    // format; a bool is picked from 是/否; a date is a date cell), save.
    let dir = tempfile::tempdir().unwrap();
    let tpl = dir.path().join("t.xlsx");
    let o = fazhi(&["template", "--rules", MINI, "--out", tpl.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let all = sheets(&tpl);
    let main = sheet(&all, "台账");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("台账").unwrap();
    let pct = rust_xlsxwriter::Format::new().set_num_format("0.0%");
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
    for (c, (h, p)) in main[0].iter().zip(&main[1]).enumerate() {
        let c = c as u16;
        ws.write_string(0, c, s(h)).unwrap();
        ws.write_string(1, c, s(p)).unwrap();
        let cell = match s(p).as_str() {
            "id" => "mini-good",
            "name" => "示例县",
            "province" => "示例省",
            "kind" => "synthetic",
            "note" => "Invented data for the mini test rule set.",
            "litigation.cases" => "12",
            "docs.cleaned" => "30",
            "docs.invalidated" => "6",
            "docs.kept" => "28",
            "decisions.steps_done" => "公众参与、专家论证、合法性审查、集体讨论决定",
            "decisions.illegal_serious" => "0",
            "awards.national" => "1",
            "awards.innovation" => "3",
            "report.channel" => "政府网站",
            "org.has_plan" => "是",
            "service.items_total" => "850",
            "service.items_done_once" => "403",
            "enforcement.violations_found" => "3",
            "review.corrected" => "2",
            "review.decided" => "4",
            "supervision.problems_reported" => "1",
            _ => "",
        };
        match s(p).as_str() {
            "year" => ws.write_number(2, c, 2021).map(|_| ()).unwrap(),
            // 96.5% and 93.3% as a spreadsheet stores them: 0.965 and 0.933, percent-formatted.
            "litigation.head_appearance_rate" => ws
                .write_number_with_format(2, c, 0.965, &pct)
                .map(|_| ())
                .unwrap(),
            "service.online_rate" => ws
                .write_number_with_format(2, c, 0.933, &pct)
                .map(|_| ())
                .unwrap(),
            // 2021-03-20 is serial 44275: 1899-12-30 + 44275 days.
            "report.published_on" => ws
                .write_number_with_format(2, c, 44275.0, &date)
                .map(|_| ())
                .unwrap(),
            _ if cell.chars().all(|ch| ch.is_ascii_digit()) && !cell.is_empty() => ws
                .write_number(2, c, cell.parse::<f64>().unwrap())
                .map(|_| ())
                .unwrap(),
            _ if !cell.is_empty() => ws.write_string(2, c, cell).map(|_| ()).unwrap(),
            _ => {}
        }
    }
    let filled = dir.path().join("filled.xlsx");
    wb.save(&filled).unwrap();
    let table = json(&fazhi(&[
        "score",
        "--rules",
        MINI,
        "--format",
        "json",
        filled.to_str().unwrap(),
    ]));
    let file = json(&fazhi(&[
        "score", "--rules", MINI, "--format", "json", LO_GOOD,
    ]));
    // One county: the report itself, not a list.
    assert_eq!(table["county"]["data_hash"], file["county"]["data_hash"]);
    assert_eq!(table["summary"], file["summary"]);

    // And a template filled by fazhi from county files reads back to the same data hashes.
    let t2 = dir.path().join("t2.xlsx");
    let o = fazhi(&[
        "template",
        "--out",
        t2.to_str().unwrap(),
        "fixtures/counties",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let from_table = json(&fazhi(&["rank", "--format", "json", t2.to_str().unwrap()]));
    let from_files = json(&fazhi(&["rank", "--format", "json", "fixtures/counties"]));
    let hashes = |v: &serde_json::Value| {
        let mut h: Vec<String> = v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["county"]["data_hash"].to_string())
            .collect();
        h.sort();
        h
    };
    assert_eq!(hashes(&from_table), hashes(&from_files));
    assert_eq!(hashes(&from_table).len(), 5);
}

#[test]
fn csv_for_excel_has_a_bom_in_files_and_neutralised_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let county = dir.path().join("x.yaml");
    std::fs::write(
        &county,
        "county: {id: \"=1+2\", name: \"@SUM(A1)\"}\ndata: {}\n",
    )
    .unwrap();
    let out = dir.path().join("x.csv");
    let o = fazhi(&[
        "score",
        "--rules",
        MINI,
        "--format",
        "csv",
        "--out",
        out.to_str().unwrap(),
        county.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"\xef\xbb\xbfcounty_id,"));
    let t = text(&bytes);
    let line = t.lines().nth(1).unwrap();
    assert!(line.starts_with("'=1+2,'@SUM(A1),mini,"), "{line}");
    let o = fazhi(&[
        "score",
        "--rules",
        MINI,
        "--format",
        "csv",
        county.to_str().unwrap(),
    ]);
    assert!(o.stdout.starts_with(b"county_id,"));
}

#[test]
fn workbooks_print_fitted_to_the_page_width_with_their_header_repeated() {
    // Issue 26: the rank workbook of the five seed counties (17 columns) prints landscape on A4,
    // fitted to one page wide, its header row repeated on every page.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rank.xlsx");
    let o = fazhi(&[
        "rank",
        "--format",
        "xlsx",
        "--out",
        out.to_str().unwrap(),
        "fixtures/counties",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let sheet = part(&out, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<pageSetUpPr fitToPage=\"1\"/>"), "{sheet}");
    assert!(sheet.contains("paperSize=\"9\""), "{sheet}");
    assert!(sheet.contains("orientation=\"landscape\""), "{sheet}");
    assert!(sheet.contains("fitToHeight=\"0\""), "{sheet}");
    let wb = part(&out, "xl/workbook.xml");
    assert!(wb.contains("_xlnm.Print_Titles"), "{wb}");
    assert!(wb.contains("排名!$1:$1"), "{wb}");
}
