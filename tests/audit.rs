//! `fazhi audit` end to end on a batch small enough to work out by hand: the rule set
//! `tests/rules/audit` (areas 1 = 10 points with items 1.1 (4) and 1.2 (6), 2 = 5 with item 2.1,
//! 3 = 5 with item 3.1) and the four counties of `tests/data/audit`, whose fields are the points:
//!
//! | county | 1.1 | 1.2 | area 1 | 2.1 = area 2 | 3.1 = area 3 | total |
//! |--------|-----|-----|--------|--------------|--------------|-------|
//! | c1     | 4   | 6   | 10     | 5            | 0            | 15    |
//! | c2     | 2   | 6   | 8      | 5            | 5            | 18    |
//! | c3     | 0   | 0   | 0      | 5            | 5            | 10    |
//! | c4     | 4   | 3   | 7      | 5            | 0            | 12    |
//!
//! The same batch is checked with numpy and pandas in `bindings/python/tests`.

mod common;
use common::{fazhi, text};

fn json(extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["audit", "--rules", "tests/rules/audit", "--format", "json"];
    args.extend(extra);
    args.push("tests/data/audit");
    let o = fazhi(&args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn close(v: &serde_json::Value, want: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((got - want).abs() < 1e-9, "{got} != {want}");
}

fn find<'a>(v: &'a serde_json::Value, list: &str, id: &str) -> &'a serde_json::Value {
    v[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id)
        .unwrap_or_else(|| panic!("{list} has no {id}"))
}

#[test]
fn the_json_keys_carry_the_hand_computed_figures() {
    let v = json(&[]);
    assert_eq!(v["counties"], 4);
    // Items. Deviations from the means: 1.1 (1.5, −0.5, −2.5, 1.5), Σ² = 11; total
    // (1.25, 4.25, −3.75, −1.75), Σ² = 36.75; so r(1.1, total) = 6.5 / √(11 · 36.75).
    close(
        &find(&v, "items", "1.1")["corr_with_total"],
        6.5 / 404.25f64.sqrt(),
    );
    // 1.2 (2.25, 2.25, −3.75, −0.75), Σ² = 24.75: r = 27.75 / √(24.75 · 36.75).
    close(
        &find(&v, "items", "1.2")["corr_with_total"],
        27.75 / 909.5625f64.sqrt(),
    );
    // 2.1 is 5 for every county: undefined, null (never NaN), and flagged.
    let b = find(&v, "items", "2.1");
    assert!(b["corr_with_total"].is_null() && b["corr_with_area"].is_null());
    assert_eq!(b["non_discriminating"], true);
    assert_eq!(b["constant"], true);
    // 3.1 (−2.5, 2.5, 2.5, −2.5)·total deviations = 2.5: r = 2.5 / √(25 · 36.75).
    close(
        &find(&v, "items", "3.1")["corr_with_total"],
        2.5 / 918.75f64.sqrt(),
    );
    // Areas: shares 1.1/4 = (1, .5, 0, 1), 1.2/6 = (1, 1, 0, .5); item variances .6875/3 each,
    // the sum (2, 1.5, 0, 1.5) has 2.25/3: α = 2 · (1 − 1.375 / 2.25) = 7/9. One-item areas: null.
    close(&find(&v, "areas", "1")["cronbach_alpha"], 7.0 / 9.0);
    for id in ["2", "3"] {
        let a = find(&v, "areas", id);
        assert!(a["cronbach_alpha"].is_null());
        assert_eq!(a["no_alpha"], "one_item");
    }
    // Remove one: totals 15, 18, 10, 12 rank 2, 1, 4, 3; without area 1: 5, 10, 10, 5 rank
    // 3, 1, 1, 3, shifts 1, 0, 3, 0: mean 1, largest 3 (c3).
    let r = &v["remove_one"][0];
    assert_eq!(
        (r["id"].as_str(), r["kind"].as_str()),
        (Some("1"), Some("area"))
    );
    close(&r["mean_abs_rank_shift"], 1.0);
    assert_eq!(
        (r["max_abs_rank_shift"].as_u64(), r["max_county"].as_str()),
        (Some(3), Some("c3"))
    );
    // Without 1.2: 9, 12, 10, 9 rank 3, 1, 2, 3, shifts 1, 0, 2, 0: mean 0.75.
    let r = v["remove_one"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "1.2" && r["kind"] == "item")
        .unwrap();
    close(&r["mean_abs_rank_shift"], 0.75);
    // Influence: 2 bins of 2 counties. Area 1 sorted 0, 7 | 8, 10 → totals (10, 12 | 18, 15),
    // bin means 11 and 16.5 around 13.75: S = 4 · 2.75² / 36.75 = 30.25 / 36.75; area 2 is
    // constant (S = 0); area 3: (15, 12 | 18, 10), means 13.5 and 14, S = 0.25 / 36.75.
    let i1 = find(&v, "influence", "1");
    close(&i1["declared_share"], 0.5);
    close(&i1["effect"], 30.25 / 30.5);
    close(&find(&v, "influence", "2")["effect"], 0.0);
    close(&find(&v, "influence", "3")["effect"], 0.25 / 30.5);
    assert_eq!(
        (v["most_over"].as_str(), v["most_under"].as_str()),
        (Some("1"), Some("2"))
    );
    assert!(!text(&serde_json::to_vec(&v).unwrap()).contains("NaN"));
}

#[test]
fn a_scenario_weighting_is_audited() {
    // Area 3 pinned at 10 points: the total becomes 25 and item 3.1 earns its share × 10, so the
    // totals are 15, 23, 15, 7 (ranks 2, 1, 2, 4). Without area 3: 15, 13, 5, 7 (ranks 1, 2, 4,
    // 3): shifts 1, 1, 2, 1, mean 1.25, largest 2 (c3). Declared shares 10/25, 5/25, 10/25.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.yaml");
    std::fs::write(
        &path,
        "id: area3-doubled\nname: 丙领域加倍\npoints:\n  \"3\": 10\n",
    )
    .unwrap();
    let v = json(&["--scenario", path.to_str().unwrap()]);
    assert_eq!(v["scenario"], "area3-doubled");
    assert_eq!(v["total_points"], 25);
    let r = find(&v, "remove_one", "3");
    close(&r["mean_abs_rank_shift"], 1.25);
    assert_eq!(
        (r["max_abs_rank_shift"].as_u64(), r["max_county"].as_str()),
        (Some(2), Some("c3"))
    );
    close(&find(&v, "influence", "3")["declared_share"], 0.4);
    close(&find(&v, "influence", "2")["declared_share"], 0.2);
}

#[test]
fn every_format_says_what_is_undefined() {
    let base = ["audit", "--rules", "tests/rules/audit", "tests/data/audit"];
    let o = fazhi(&base);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let md = text(&o.stdout);
    for needle in [
        "# 指标体系统计审计：audit",
        "区分度不足的三级指标（≥95% 的县得分相同）1 项：2.1",
        "所有县得分相同的三级指标 1 项：其相关系数无定义",
        // α is — and the reason has its own column (issue 26: the workbook's columns).
        "仅一项三级指标，无法计算 α",
        "0.778",
        "高于占比最多的是 1 甲领域",
        "c3",
    ] {
        assert!(md.contains(needle), "{needle} not in\n{md}");
    }
    assert!(md
        .lines()
        .any(|l| l.contains("仅一项三级指标") && l.split('|').any(|c| c.trim() == "—")));
    assert!(!md.contains("NaN"));
    let o = fazhi(&[&base[..], &["--format", "html"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let html = text(&o.stdout);
    assert!(html.contains("一级指标相关矩阵") && html.contains("<svg"));
    assert!(html.contains("仅一项三级指标") && html.contains("— 无定义"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("审计.xlsx");
    let o = fazhi(
        &[
            &base[..],
            &["--format", "xlsx", "--out", out.to_str().unwrap()],
        ]
        .concat(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(std::fs::read(&out).unwrap().starts_with(b"PK"));
    let o = fazhi(&[&base[..], &["--format", "csv"]].concat());
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("md, json, html or xlsx"));
}

#[test]
fn bad_input_is_refused_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.yaml");
    std::fs::write(&path, "id: x\nname: 坏\npoints:\n  \"9\": 10\n").unwrap();
    let o = fazhi(&[
        "audit",
        "--rules",
        "tests/rules/audit",
        "--scenario",
        path.to_str().unwrap(),
        "tests/data/audit",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("bad.yaml:4:"),
        "{}",
        text(&o.stderr)
    );
}

/// Issue 26: the audit is composed once, so its 逐一剔除 and 实际影响 tables have the same columns
/// and the same rows, in the same order, in Markdown and in the workbook (they were written twice
/// and the workbook's had other columns and the entries unsorted). By hand, 逐一剔除's first rows
/// are the three areas in rule-set order.
#[test]
fn remove_one_and_influence_are_the_same_in_markdown_and_the_workbook() {
    use calamine::{Data, Reader, Xlsx};
    let base = ["audit", "--rules", "tests/rules/audit", "tests/data/audit"];
    let md = text(&fazhi(&base).stdout);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a.xlsx");
    let o = fazhi(
        &[
            &base[..],
            &["--format", "xlsx", "--out", out.to_str().unwrap()],
        ]
        .concat(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let mut wb: Xlsx<_> = calamine::open_workbook(&out).unwrap();
    for (section, sheet) in [
        ("## 逐一剔除", "逐一剔除"),
        ("## 实际影响与名义权重", "实际影响"),
    ] {
        // The Markdown table under the heading: its header and the first cell of each row.
        let table: Vec<Vec<String>> = md
            .split(section)
            .nth(1)
            .unwrap()
            .lines()
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .filter(|l| !l.starts_with("| --"))
            .map(|l| {
                l.trim_matches('|')
                    .split('|')
                    .map(|c| c.trim().to_string())
                    .collect()
            })
            .collect();
        let range = wb.worksheet_range(sheet).unwrap();
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        Data::String(s) => s.clone(),
                        Data::Empty => String::new(),
                        other => other.to_string(),
                    })
                    .collect()
            })
            .collect();
        // The sheet may start with a title row; its header is the Markdown's.
        let head = rows.iter().position(|r| r == &table[0]);
        let head = head.unwrap_or_else(|| panic!("{sheet}: no header {:?} in {rows:?}", table[0]));
        let ids = |t: &[Vec<String>]| t.iter().map(|r| r[1].clone()).collect::<Vec<_>>();
        assert_eq!(
            ids(&rows[head + 1..head + table.len()]),
            ids(&table[1..]),
            "{sheet}"
        );
    }
    assert!(md.contains("| 一级指标 | 1 ") && md.contains("| 一级指标 | 3 "));
}
