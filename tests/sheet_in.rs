//! County tables in: `.xlsx` (one saved by LibreOffice, others written here) and `.csv`, read
//! through the public API into the same county data as YAML files, and every error located at
//! its sheet and cell.
#![cfg(feature = "xlsx")]

use fazhi::sheet::{read_table, CountyTable};
use fazhi::{CountyData, RuleSet, Value};
use rust_xlsxwriter::{Format, Workbook};
use std::path::{Path, PathBuf};

fn mini() -> RuleSet {
    RuleSet::load_dir("tests/rules/mini").unwrap()
}

fn data(t: &CountyTable, id: &str) -> CountyData {
    let row = t.rows.iter().find(|r| r.id == id).expect(id);
    match &row.data {
        Ok(d) => d.clone(),
        Err(e) => panic!("{e}"),
    }
}

fn save(wb: &mut Workbook, dir: &Path, name: &str) -> PathBuf {
    let p = dir.join(name);
    wb.save(&p).unwrap();
    p
}

fn value(d: &CountyData, path: &str) -> Option<Value> {
    d.get(path).map(|x| x.value.clone())
}

#[test]
fn a_workbook_saved_by_libreoffice_reads_like_the_yaml_file() {
    // tests/data/sheets/mini-libreoffice.xlsx: tests/data/sheets/mini-libreoffice.csv opened in LibreOffice
    // Calc 7 (headers are the dictionary's Chinese descriptions, some with units) and saved as
    // .xlsx. LibreOffice made `96.5%` a percent-formatted 0.965, `2021-03-20` a date cell
    // (serial 44275), and kept `2022年1月5日` as text.
    let rules = mini();
    let t = read_table(Path::new("tests/data/sheets/mini-libreoffice.xlsx"), &rules).unwrap();
    assert_eq!(t.rows.len(), 2);
    let yaml =
        CountyData::from_file("tests/data/sheets/mini-libreoffice-good.yaml", &rules).unwrap();
    let good = data(&t, "mini-good");
    assert_eq!(good.values(), yaml.values());
    assert_eq!(good.info(), yaml.info());
    assert_eq!(good.hash(), yaml.hash());
    assert_eq!(t.rows[0].at, "台账!2");

    let b = data(&t, "mini-b");
    assert_eq!(b.info().name, "乙县");
    assert_eq!(b.info().year, Some(2022));
    assert_eq!(b.info().note, None);
    // `88` typed in a General cell is 88 percent; 90% is a percent-formatted 0.9.
    assert_eq!(
        value(&b, "litigation.head_appearance_rate"),
        Some(Value::Number(88.0))
    );
    assert_eq!(value(&b, "service.online_rate"), Some(Value::Number(90.0)));
    // Empty cells are figures not given.
    assert_eq!(value(&b, "litigation.cases"), None);
    assert_eq!(value(&b, "awards.national"), None);
    assert_eq!(value(&b, "awards.innovation"), Some(Value::Int(0)));
    assert_eq!(
        value(&b, "decisions.steps_done"),
        Some(Value::List(vec!["公众参与".into(), "风险评估".into()]))
    );
    assert_eq!(
        value(&b, "report.published_on"),
        Some(Value::Text("2022-01-05".into()))
    );
    assert_eq!(
        value(&b, "report.channel"),
        Some(Value::Text("报纸".into()))
    );
    assert_eq!(value(&b, "org.has_plan"), Some(Value::Bool(false)));
}

#[test]
fn the_fixture_counties_as_one_workbook_give_the_same_data_and_reports() {
    let rules = RuleSet::builtin().unwrap();
    let mut files: Vec<_> = std::fs::read_dir("fixtures/counties")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let counties: Vec<CountyData> = files
        .iter()
        .map(|f| CountyData::from_file(f, &rules).unwrap())
        .collect();
    let bytes = fazhi::render::xlsx::template(&rules, &counties).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("台账.xlsx");
    std::fs::write(&path, bytes).unwrap();
    let t = read_table(&path, &rules).unwrap();
    assert_eq!(t.rows.len(), counties.len());
    for c in &counties {
        let back = data(&t, &c.info().id);
        // Same values with the same provenance (bound, source, quote, note), same header.
        assert_eq!(back.values(), c.values(), "{}", c.info().id);
        assert_eq!(back.info(), c.info(), "{}", c.info().id);
        assert_eq!(back.hash(), c.hash(), "{}", c.info().id);
        assert_eq!(
            fazhi::render::json(&rules.score(&back)),
            fazhi::render::json(&rules.score(c))
        );
    }
}

#[test]
fn csv_tables_with_a_byte_order_mark_and_field_paths() {
    let rules = mini();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("县.csv");
    std::fs::write(
        &p,
        "\u{feff}id,name,litigation.head_appearance_rate,data.service.online_rate,org.has_plan,report.published_on,docs.cleaned,decisions.steps_done\n\
         a,甲县,95%,87.5,是,2023年5月1日,\"1,200\",专家论证；风险评估\n\
         b,乙县,95,,有,2023/5/1,0,\n\
         ,,,,,,,\n\
         c,丙县,0.95,100%,√,2023-05-01,7,公众参与\n",
    )
    .unwrap();
    let t = read_table(&p, &rules).unwrap();
    // The blank line is skipped.
    assert_eq!(t.rows.len(), 3);
    let a = data(&t, "a");
    let b = data(&t, "b");
    let c = data(&t, "c");
    assert_eq!(
        value(&a, "litigation.head_appearance_rate"),
        Some(Value::Number(95.0))
    );
    assert_eq!(
        value(&b, "litigation.head_appearance_rate"),
        Some(Value::Number(95.0))
    );
    // 0.95 in a CSV is 0.95 percent: text has no number format, and size is never a guess.
    assert_eq!(
        value(&c, "litigation.head_appearance_rate"),
        Some(Value::Number(0.95))
    );
    assert_eq!(value(&a, "service.online_rate"), Some(Value::Number(87.5)));
    assert_eq!(value(&b, "service.online_rate"), None);
    assert_eq!(value(&c, "service.online_rate"), Some(Value::Number(100.0)));
    for d in [&a, &b, &c] {
        assert_eq!(value(d, "org.has_plan"), Some(Value::Bool(true)));
        assert_eq!(
            value(d, "report.published_on"),
            Some(Value::Text("2023-05-01".into()))
        );
    }
    assert_eq!(value(&a, "docs.cleaned"), Some(Value::Int(1200)));
    assert_eq!(value(&b, "decisions.steps_done"), None);
    assert_eq!(t.rows[2].at, "县!5");
}

/// A workbook with one good row and one row with a fault in every field column.
fn faulty_workbook(dir: &Path) -> PathBuf {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("台账").unwrap();
    let pct = Format::new().set_num_format("0%");
    let head = [
        "编号",
        "名称",
        "年初有工作计划",
        "行政机关负责人出庭应诉率（%）",
        "年度法治政府建设报告公开日期",
        "行政应诉案件数（件）",
        "报告公开渠道",
    ];
    for (c, h) in head.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    // Row 2: good; 0.95 formatted as percent is 95.
    ws.write_string(1, 0, "ok").unwrap();
    ws.write_string(1, 1, "甲县").unwrap();
    ws.write_string(1, 2, "×").unwrap();
    ws.write_number_with_format(1, 3, 0.95, &pct).unwrap();
    ws.write_string(1, 4, "2023年5月1日").unwrap();
    ws.write_number(1, 5, 3).unwrap();
    ws.write_string(1, 6, "政府网站").unwrap();
    // Row 3: every field wrong.
    ws.write_string(2, 0, "bad").unwrap();
    ws.write_string(2, 1, "乙县").unwrap();
    ws.write_string(2, 2, "也许").unwrap();
    ws.write_number(2, 3, 120).unwrap();
    ws.write_string(2, 4, "2021年2月30日").unwrap();
    ws.write_number(2, 5, 2.5).unwrap();
    ws.write_string(2, 6, "微博").unwrap();
    // Row 4: the id of row 2 again, and no name.
    ws.write_string(3, 0, "ok").unwrap();
    // Row 5: a name but no id.
    ws.write_string(4, 1, "丁县").unwrap();
    save(&mut wb, dir, "faulty.xlsx")
}

#[test]
fn every_cell_error_names_sheet_cell_and_field() {
    let rules = mini();
    let dir = tempfile::tempdir().unwrap();
    let t = read_table(&faulty_workbook(dir.path()), &rules).unwrap();
    assert_eq!(t.rows.len(), 4);
    let ok = data(&t, "ok");
    assert_eq!(
        value(&ok, "litigation.head_appearance_rate"),
        Some(Value::Number(95.0))
    );
    assert_eq!(value(&ok, "org.has_plan"), Some(Value::Bool(false)));

    let bad = t.rows[1].data.as_ref().unwrap_err();
    let d = bad.diagnostics();
    let at: Vec<(usize, usize)> = d.iter().map(|d| (d.line, d.column)).collect();
    assert_eq!(at, [(3, 3), (3, 4), (3, 5), (3, 6), (3, 7)]);
    let expect = [
        ("台账!C3: field `org.has_plan` (年初有工作计划)", "是/否"),
        (
            "台账!D3: field `litigation.head_appearance_rate`",
            "above the allowed maximum 100",
        ),
        (
            "台账!E3: field `report.published_on`",
            "\"2021年2月30日\" is not a date",
        ),
        (
            "台账!F3: field `litigation.cases` (行政应诉案件数)",
            "whole number",
        ),
        (
            "台账!G3: field `report.channel`",
            "\"微博\" is not one of 政府网站, 报纸, 未公开",
        ),
    ];
    for (diag, (start, has)) in d.iter().zip(expect) {
        assert!(diag.message.starts_with(start), "{}", diag.message);
        assert!(diag.message.contains(has), "{}", diag.message);
        assert!(diag.file.ends_with("faulty.xlsx"), "{}", diag.file);
    }

    let dup = t.rows[2].data.as_ref().unwrap_err().to_string();
    assert!(
        dup.contains("台账!A4: county id `ok` is also the id of row 2"),
        "{dup}"
    );
    assert!(
        dup.contains("台账!B4: the county name (名称) is empty"),
        "{dup}"
    );
    let no_id = t.rows[3].data.as_ref().unwrap_err().to_string();
    assert!(
        no_id.contains("faulty.xlsx:5:1: error: 台账!A5: the county id (编号) is empty"),
        "{no_id}"
    );
}

#[test]
fn header_errors_name_the_header_cell_and_suggest() {
    let rules = mini();
    let dir = tempfile::tempdir().unwrap();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in [
        "编号",
        "名称",
        "litigation.case",
        "年初有工作计划",
        "org.has_plan",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "x").unwrap();
    let p = save(&mut wb, dir.path(), "head.xlsx");
    let e = read_table(&p, &rules).unwrap_err();
    let d = e.diagnostics();
    assert_eq!(d.len(), 2, "{e}");
    // The first sheet is read when there is no 台账 (rust_xlsxwriter names it Sheet1).
    assert_eq!((d[0].line, d[0].column), (1, 3));
    assert!(
        d[0].message
            .starts_with("Sheet1!C1: column `litigation.case` names no field"),
        "{e}"
    );
    assert_eq!(
        d[0].help.as_deref(),
        Some("did you mean `litigation.cases`?")
    );
    assert_eq!((d[1].line, d[1].column), (1, 5));
    assert!(
        d[1].message
            .contains("Sheet1!E1: column `org.has_plan` says the same as column D1"),
        "{e}"
    );

    // No name column.
    let p = dir.path().join("noname.csv");
    std::fs::write(&p, "编号,org.has_plan\nx,是\n").unwrap();
    let e = read_table(&p, &rules).unwrap_err().to_string();
    assert!(
        e.contains("noname: the header has no 名称 (name) column"),
        "{e}"
    );
}

#[test]
fn provenance_sheets_attach_to_values_and_their_errors_are_located() {
    let rules = mini();
    let dir = tempfile::tempdir().unwrap();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("台账").unwrap();
    for (c, h) in ["编号", "名称", "litigation.cases", "docs.cleaned"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "a").unwrap();
    ws.write_string(1, 1, "甲县").unwrap();
    ws.write_number(1, 2, 2700).unwrap();
    let src = wb.add_worksheet();
    src.set_name("数据来源").unwrap();
    for (c, h) in ["编号", "字段", "界限", "来源", "原文", "说明"]
        .iter()
        .enumerate()
    {
        src.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in [
        "a",
        "行政应诉案件数",
        "不少于",
        "001",
        "应诉案件2700余件",
        "“余”：至少2700",
    ]
    .iter()
    .enumerate()
    {
        src.write_string(1, c as u16, *v).unwrap();
    }
    let docs = wb.add_worksheet();
    docs.set_name("来源文件").unwrap();
    for (c, h) in ["编号", "来源", "文件"].iter().enumerate() {
        docs.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["a", "001", "某县2020年法治政府建设年度报告"]
        .iter()
        .enumerate()
    {
        docs.write_string(1, c as u16, *v).unwrap();
    }
    let p = save(&mut wb, dir.path(), "prov.xlsx");
    let t = read_table(&p, &rules).unwrap();
    let a = data(&t, "a");
    let yaml = CountyData::from_str(
        "a.yaml",
        "county: {id: a, name: 甲县, sources: {\"001\": 某县2020年法治政府建设年度报告}}\n\
         data:\n  litigation.cases: {value: 2700, bound: lower, source: \"001\", quote: 应诉案件2700余件, note: “余”：至少2700}\n",
        &rules,
    )
    .unwrap();
    assert_eq!(a.hash(), yaml.hash());
    assert_eq!(a.get("litigation.cases").unwrap().display(), "≥2700");

    // Now three bad provenance rows: an unknown county, an unknown field, a field without value.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("台账").unwrap();
    for (c, h) in ["编号", "名称", "litigation.cases"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "a").unwrap();
    ws.write_string(1, 1, "甲县").unwrap();
    let src = wb.add_worksheet();
    src.set_name("数据来源").unwrap();
    for (c, h) in ["编号", "字段", "原文"].iter().enumerate() {
        src.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in [
        ["z", "litigation.cases", "q"],
        ["a", "no.such", "q"],
        ["a", "litigation.cases", "q"],
    ]
    .iter()
    .enumerate()
    {
        for (c, v) in row.iter().enumerate() {
            src.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    let p = save(&mut wb, dir.path(), "prov-bad.xlsx");
    let e = read_table(&p, &rules).unwrap_err();
    let m: Vec<&str> = e.diagnostics().iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        m,
        [
            "数据来源!A2: county `z` has no row in `台账`",
            "数据来源!B3: `no.such` names no field of the data dictionary",
            "数据来源!B4: county `a` has no value for field `litigation.cases` in `台账`",
        ]
    );
}

#[test]
fn not_a_workbook_and_a_missing_file() {
    let rules = mini();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("fake.xlsx");
    std::fs::write(&p, "not a zip").unwrap();
    let e = read_table(&p, &rules).unwrap_err().to_string();
    assert!(
        e.contains("fake.xlsx: error: not a readable workbook"),
        "{e}"
    );
    let e = read_table(&dir.path().join("none.xlsx"), &rules)
        .unwrap_err()
        .to_string();
    assert!(e.contains("none.xlsx"), "{e}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 4, ..Default::default() })]

    /// Synthetic national counties (every field type: bools, counts, percents with decimals,
    /// dates, enums, lists) written as one workbook and read back have the same data hashes.
    #[test]
    fn synthetic_counties_survive_a_workbook(seed in 0u64..1_000_000) {
        let rules = RuleSet::builtin().unwrap();
        let counties = fazhi::synth::generate(&rules, 12, seed);
        let bytes = fazhi::render::xlsx::template(&rules, &counties).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("synth.xlsx");
        std::fs::write(&path, bytes).unwrap();
        let t = read_table(&path, &rules).unwrap();
        proptest::prop_assert_eq!(t.rows.len(), counties.len());
        for (row, c) in t.rows.iter().zip(&counties) {
            let back = row.data.as_ref().unwrap();
            let differ: Vec<String> = c
                .values()
                .iter()
                .filter(|(k, v)| back.values().get(*k) != Some(v))
                .map(|(k, v)| format!("{k}: {:?} → {:?}", v.value, back.values().get(k).map(|d| &d.value)))
                .chain(back.values().keys().filter(|k| !c.values().contains_key(*k)).map(|k| format!("{k}: extra")))
                .collect();
            proptest::prop_assert!(differ.is_empty(), "{}: {:?}", c.info().id, differ);
            proptest::prop_assert_eq!(&back.hash(), &c.hash());
        }
    }
}
