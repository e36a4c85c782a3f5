//! Scores relative to the other counties (issue 27, shape 6): `tests/rules/relative` with the
//! eight counties of `tests/data/relative`, every value computed by hand in the comment beside
//! it.
//!
//! The counties' figures:
//!
//! | county | cases.rate | service.score | people.satisfaction | cases.overturned |
//! |--------|-----------:|--------------:|--------------------:|-----------------:|
//! | rel-a  | 95         | 80            | 90                  | 3                |
//! | rel-b  | 90         | 60            | 80                  | 0                |
//! | rel-c  | 90         | 100           | 85                  | 1                |
//! | rel-d  | 88         | 50            | 85                  | 1                |
//! | rel-e  | 85         | 0             | 70                  | 5                |
//! | rel-f  | 85         | 75            | 50                  | 2                |
//! | rel-g  | 70         | 100           | 95                  | 4                |
//! | rel-h  | —          | 40            | 85                  | 0                |
//!
//! - 1.1 (3 points) 全市排名前三名的得满分，第四至六名得一半分值，其余不得分 on cases.rate, higher
//!   better. h has no figure: no_data, not ranked; 7 ranked. Competition ranking: a 95 → 1;
//!   b, c 90 → 2 (并列); d 88 → 4; e, f 85 → 5 (并列); g 70 → 7. Points: a, b, c 3; d, e, f 1.5;
//!   g 0.
//! - 1.2 (4 points) 以最高值为满分，其余按比例得分 on service.score: best 100 (c, g). a 4 × 80 ÷ 100 =
//!   3.2; b 2.4; c 4; d 2; e 0; f 3; g 4; h 1.6.
//! - 1.3 (3 points) 高于全市平均水平的得满分 on people.satisfaction: sum 90 + 80 + 85 + 85 + 70 + 50
//!   + 95 + 85 = 640, mean 80. Above: a, c, d, g, h → 3; b (80 = the mean: not above), e, f → 0.
//! - 1.4 (2 points) 被纠错案件数最少的前两名得满分, lower better: b, h 0 → rank 1 (并列) → 2;
//!   c, d 1 → rank 3; f 2 → 5; a 3 → 6; g 4 → 7; e 5 → 8 → 0.
//!
//! Totals: a 3 + 3.2 + 3 + 0 = 9.2; b 3 + 2.4 + 0 + 2 = 7.4; c 3 + 4 + 3 + 0 = 10;
//! d 1.5 + 2 + 3 + 0 = 6.5; e 1.5 + 0 + 0 + 0 = 1.5; f 1.5 + 3 + 0 + 0 = 4.5;
//! g 0 + 4 + 3 + 0 = 7; h 0 (no data) + 1.6 + 3 + 2 = 6.6.

mod common;

use common::{fazhi, text};
use fazhi::analyse::change::verify;
use fazhi::analyse::gap::GapAnalysis;
use fazhi::{CountyData, ItemStatus, Points, Report, RuleSet, RuleSource};

const RULES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rules/relative");
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/relative");
const IDS: [&str; 8] = ["a", "b", "c", "d", "e", "f", "g", "h"];

fn p(x: f64) -> Points {
    Points::from_f64(x)
}

fn rules() -> RuleSet {
    RuleSet::load_dir(RULES).unwrap()
}

fn county(rules: &RuleSet, id: &str) -> CountyData {
    CountyData::from_file(format!("{DATA}/{id}.yaml"), rules).unwrap()
}

fn all(rules: &RuleSet) -> Vec<CountyData> {
    IDS.iter().map(|id| county(rules, id)).collect()
}

/// The eight counties scored together.
fn batch(rules: &RuleSet) -> Vec<Report> {
    let grouped = rules.with_group(all(rules)).unwrap();
    grouped.iter().map(|c| rules.score(c)).collect()
}

fn earned(r: &Report, id: &str) -> Points {
    r.items.iter().find(|i| i.id.as_str() == id).unwrap().earned
}

fn item<'a>(r: &'a Report, id: &str) -> &'a fazhi::ItemScore {
    r.items.iter().find(|i| i.id.as_str() == id).unwrap()
}

#[test]
fn each_county_scores_as_computed_by_hand_within_the_group() {
    let rules = rules();
    let reports = batch(&rules);
    // (1.1, 1.2, 1.3, 1.4, total), from the module comment; h's 1.1 is no_data (0).
    let want = [
        (3.0, 3.2, 3.0, 0.0, 9.2),
        (3.0, 2.4, 0.0, 2.0, 7.4),
        (3.0, 4.0, 3.0, 0.0, 10.0),
        (1.5, 2.0, 3.0, 0.0, 6.5),
        (1.5, 0.0, 0.0, 0.0, 1.5),
        (1.5, 3.0, 0.0, 0.0, 4.5),
        (0.0, 4.0, 3.0, 0.0, 7.0),
        (0.0, 1.6, 3.0, 2.0, 6.6),
    ];
    for (r, w) in reports.iter().zip(want) {
        let got = (
            earned(r, "1.1"),
            earned(r, "1.2"),
            earned(r, "1.3"),
            earned(r, "1.4"),
            r.summary.total,
        );
        assert_eq!(
            got,
            (p(w.0), p(w.1), p(w.2), p(w.3), p(w.4)),
            "{}",
            r.county.id
        );
    }
    // h has no cases.rate: no_data naming it, not ranked.
    let h = item(&reports[7], "1.1");
    assert_eq!(h.status, ItemStatus::NoData);
    assert_eq!(h.missing[0].as_str(), "cases.rate");
}

#[test]
fn explanations_name_the_group_the_rank_and_the_sums() {
    let rules = rules();
    let r = batch(&rules);
    // b: 90 ties with c at rank 2 among the 7 counties with a figure (h has none).
    assert_eq!(
        item(&r[1], "1.1").explanation.to_string(),
        "比较组8个县，其中1个县无此数值不参加排名；在7个县中排第2名（并列）（前3名得3分，第4至6名得1.5分，其余不得分），得3分"
    );
    // d: 88, rank 4 (a, b, c above it).
    assert!(item(&r[3], "1.1")
        .explanation
        .to_string()
        .contains("在7个县中排第4名（前3名"));
    // a: 4 × 80 ÷ 100 = 3.2.
    assert!(item(&r[0], "1.2")
        .explanation
        .to_string()
        .starts_with("最高值100，本县80，得 4 × 80 ÷ 100 = 3.2分"));
    // c holds the best, 100: full points, said without a formula (a best of 0 once read
    // `得 6 × 0 ÷ 0 = 6分`).
    assert!(item(&r[2], "1.2")
        .explanation
        .to_string()
        .starts_with("本县100为全组最高值，得满分4分"));
    // b: 80 is the mean 640 ÷ 8 = 80: not above it.
    assert_eq!(
        item(&r[1], "1.3").explanation.to_string(),
        "全组平均80，本县80，未高于平均（等于平均不算高于），不得分"
    );
    assert_eq!(
        item(&r[0], "1.3").explanation.to_string(),
        "全组平均80，本县90，高于平均，得3分"
    );
    // Lower is better: b and h have 0 cases, rank 1 together.
    assert_eq!(
        item(&r[1], "1.4").explanation.to_string(),
        "在8个县中排第1名（并列）（前2名得2分，其余不得分），得2分"
    );
}

#[test]
fn a_county_scored_alone_is_a_group_of_one_and_says_so() {
    let rules = rules();
    let r = rules.score(&county(&rules, "a"));
    // Alone: rank 1 of 1 → 3; its own 80 is the best → 4 × 80 ÷ 80 = 4; the mean is its own 90,
    // not above → 0; rank 1 of 1 → 2. Total 9.
    assert_eq!(r.summary.total, p(9.0));
    assert_eq!(earned(&r, "1.3"), p(0.0));
    for i in &r.items {
        assert!(
            i.explanation
                .to_string()
                .starts_with("比较组仅1个县（本县）"),
            "{}",
            i.explanation
        );
    }
    let g = r.county.group.as_ref().unwrap();
    assert_eq!((g.count, g.alone), (1, true));
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["county"]["group"]["alone"], true);
}

#[test]
fn peers_give_one_county_the_same_result_as_the_batch() {
    let rules = rules();
    let reports = batch(&rules);
    let peers = all(&rules);
    // a scored with the eight as peers (a itself among them: counted once).
    let a = rules
        .with_peers(vec![county(&rules, "a")], &peers, 100)
        .unwrap()
        .remove(0);
    let r = rules.score(&a);
    assert_eq!(r, reports[0]);
    assert_eq!(r.county.group.as_ref().unwrap().count, 8);
    // The bound names its flag: 8 counties > 3.
    let e = rules
        .with_peers(vec![county(&rules, "a")], &peers, 3)
        .unwrap_err();
    assert!(e.to_string().contains("--max-peers 3"), "{e}");
}

#[test]
fn the_report_names_the_group_by_count_and_hash() {
    let rules = rules();
    let reports = batch(&rules);
    let json = serde_json::to_value(&reports[0]).unwrap();
    let g = &json["county"]["group"];
    assert_eq!(g["count"], 8);
    assert_eq!(g["sha256"].as_str().unwrap().len(), 64);
    assert!(g.get("alone").is_none());
    // Every member names the same group.
    assert!(reports
        .iter()
        .all(|r| r.county.group == reports[0].county.group));
    // Order of reading does not change the group; another county's figure does.
    let mut reversed = all(&rules);
    reversed.reverse();
    let again = rules.with_group(reversed).unwrap();
    assert_eq!(
        again[0].group().unwrap().info(),
        reports[0].county.group.as_ref().unwrap()
    );
    let mut changed = all(&rules);
    changed[6] = CountyData::from_str(
        "g.yaml",
        "county: { id: rel-g, name: 庚县, year: 2024, kind: synthetic }\ndata:\n  cases.rate: 99\n  service.score: 100\n  people.satisfaction: 95\n  cases.overturned: 4\n",
        &rules,
    )
    .unwrap();
    let changed = rules.with_group(changed).unwrap();
    assert_ne!(
        changed[0].group().unwrap().info().sha256,
        reports[0].county.group.as_ref().unwrap().sha256
    );
    // g at 99 is now first: a (95) drops to rank 2 and keeps 3 points; d (88) drops to rank 5
    // and keeps 1.5; e, f (85) drop to rank 6 and keep 1.5 (their 6 is within 第4至6名).
    assert_eq!(earned(&rules.score(&changed[0]), "1.1"), p(3.0));
    assert_eq!(earned(&rules.score(&changed[6]), "1.1"), p(3.0));
}

#[test]
fn relative_items_run_no_expression_and_are_not_counted_as_interpreted() {
    assert!(rules().interpreted_rules().is_empty());
}

#[test]
fn a_rule_set_without_relative_items_names_no_group() {
    let rules = common::mini();
    let r = common::score(&rules, &common::good_county());
    assert!(r.county.group.is_none());
    assert!(!serde_json::to_string(&r).unwrap().contains("\"group\""));
}

#[test]
fn a_county_id_twice_in_a_group_is_refused() {
    let rules = rules();
    let e = rules
        .with_group(vec![county(&rules, "a"), county(&rules, "a")])
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("`rel-a` is in the comparison group twice"),
        "{e}"
    );
}

#[test]
fn verify_reproduces_within_the_group_and_names_a_different_group() {
    let rules = rules();
    let grouped = rules.with_group(all(&rules)).unwrap();
    let stored = rules.score(&grouped[0]);
    assert!(verify::verify(&stored, &rules, &grouped[0]).reproduced);
    // The same data alone: the group differs (8 counties → 1 alone), then the content.
    let v = verify::verify(&stored, &rules, &county(&rules, "a"));
    assert!(!v.reproduced);
    let first = v.mismatches[0].to_string();
    assert!(
        first.starts_with(
            "comparison group differs: the report was scored in a group of 8 counties"
        ),
        "{first}"
    );
    assert!(first.contains("1 county alone"), "{first}");
}

#[test]
fn cli_verify_takes_the_peers_and_says_what_to_pass() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("a.json");
    let out = fazhi(&[
        "score",
        "--rules",
        RULES,
        "--format",
        "json",
        "--out",
        report.to_str().unwrap(),
        "--peers",
        DATA,
        &format!("{DATA}/a.yaml"),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let ok = fazhi(&[
        "verify",
        "--rules",
        RULES,
        "--peers",
        DATA,
        report.to_str().unwrap(),
    ]);
    assert!(ok.status.success(), "{}", text(&ok.stdout));
    assert!(text(&ok.stdout).contains("reproduced"));
    let bad = fazhi(&["verify", "--rules", RULES, report.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(3));
    let said = text(&bad.stdout);
    assert!(said.contains("comparison group differs"), "{said}");
    assert!(
        said.contains("fazhi verify --peers DIR REPORT.json"),
        "{said}"
    );
    // The other way round: a report scored alone, verified with peers, is told to drop them
    // (found by a new-user trial: it was told to pass --peers).
    let alone = dir.path().join("alone.json");
    let out = fazhi(&[
        "score",
        "--rules",
        RULES,
        "--format",
        "json",
        "--out",
        alone.to_str().unwrap(),
        &format!("{DATA}/a.yaml"),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bad = fazhi(&[
        "verify",
        "--rules",
        RULES,
        "--peers",
        DATA,
        alone.to_str().unwrap(),
    ]);
    assert_eq!(bad.status.code(), Some(3));
    let said = text(&bad.stdout);
    assert!(said.contains("without `--peers`"), "{said}");
    assert!(!said.contains("fazhi verify --peers DIR"), "{said}");
    // A batch's JSON is its own group.
    let all_json = dir.path().join("all.json");
    let mut args = vec![
        "score".to_string(),
        "--rules".into(),
        RULES.into(),
        "--format".into(),
        "json".into(),
        "--out".into(),
        all_json.display().to_string(),
    ];
    args.extend(IDS.iter().map(|i| format!("{DATA}/{i}.yaml")));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert!(fazhi(&args).status.success());
    let ok = fazhi(&["verify", "--rules", RULES, all_json.to_str().unwrap()]);
    assert!(ok.status.success(), "{}", text(&ok.stdout));
    // The bound names its flag.
    let big = fazhi(&[
        "score",
        "--rules",
        RULES,
        "--peers",
        DATA,
        "--max-peers",
        "3",
        &format!("{DATA}/a.yaml"),
    ]);
    assert_eq!(big.status.code(), Some(2));
    assert!(text(&big.stderr).contains("--max-peers 3"));
}

#[test]
fn the_markdown_report_names_the_group() {
    let o = fazhi(&[
        "score",
        "--rules",
        RULES,
        "--peers",
        DATA,
        &format!("{DATA}/a.yaml"),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("- 比较组：8个县，哈希 `"),
        "{}",
        text(&o.stdout)
    );
    let o = fazhi(&["score", "--rules", RULES, &format!("{DATA}/a.yaml")]);
    assert!(text(&o.stdout).contains("- 比较组：仅本县1个县（相对评分指标与本县自身比较），哈希 `"));
}

#[test]
fn cli_rank_ranks_within_the_batch() {
    let out = fazhi(&["rank", "--rules", RULES, "--format", "json", DATA]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows: Vec<(String, f64)> = j["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["county"]["id"].as_str().unwrap().to_string(),
                r["total"].as_f64().unwrap(),
            )
        })
        .collect();
    // The totals of the module comment, best first.
    let want = [
        ("rel-c", 10.0),
        ("rel-a", 9.2),
        ("rel-b", 7.4),
        ("rel-g", 7.0),
        ("rel-h", 6.6),
        ("rel-d", 6.5),
        ("rel-f", 4.5),
        ("rel-e", 1.5),
    ];
    let want: Vec<(String, f64)> = want.iter().map(|(a, b)| (a.to_string(), *b)).collect();
    assert_eq!(rows, want);
}

#[test]
fn gap_says_what_a_relative_item_needs_and_marks_the_search_incomplete() {
    let rules = rules();
    let grouped = rules.with_group(all(&rules)).unwrap();
    // d: rate 88, rank 4 → 1.5 of 3. The other counties' rates, best first: 95, 90, 90, 85, 85,
    // 70; the 3rd is 90, so reaching 90 ranks d 2nd (并列) → 3 points.
    let g = GapAnalysis::new(&rules, &grouped[3]);
    let l = g.lost.iter().find(|l| l.id.as_str() == "1.1").unwrap();
    assert!(!l.search.complete);
    assert_eq!(
        l.search.not_searched[0],
        "需达到其他县中第3名的数值90（当前88），可排前3名，得3分（假设其他县数值不变）"
    );
    assert!(l
        .search
        .not_searched
        .iter()
        .any(|s| s.contains("搜索按其他县数值不变")));
    let fix = l.fix.as_ref().unwrap();
    assert_eq!(fix.changes[0].to, fazhi::Value::Number(90.0));
    assert_eq!(fix.earned, p(3.0));
    // b: satisfaction 80, the others' mean (640 − 80) ÷ 7 = 80: above it earns 3.
    let g = GapAnalysis::new(&rules, &grouped[1]);
    let l = g.lost.iter().find(|l| l.id.as_str() == "1.3").unwrap();
    assert_eq!(
        l.search.not_searched[0],
        "需高于其他县平均80（当前80；全组平均随本县数值变化）（假设其他县数值不变）"
    );
    // a: service 80 of best 100 → 4 ÷ 100 = 0.04 points per unit.
    let g = GapAnalysis::new(&rules, &grouped[0]);
    let l = g.lost.iter().find(|l| l.id.as_str() == "1.2").unwrap();
    assert!(l.search.not_searched[0].starts_with("按当前最高值100，本县数值每增加1得0.04分"));
}

// ---- lint: every error path of a `relative:` block ----

fn with_item(item: &str) -> RuleSource {
    let text = std::fs::read_to_string(format!("{RULES}/ruleset.yaml")).unwrap();
    let from = text.find("      - id: \"1.4\"").unwrap();
    let to = text.find("pass_lines:").unwrap();
    RuleSource::from_documents([(
        "ruleset.yaml",
        format!("{}{item}{}", &text[..from], &text[to..]),
    )])
}

fn lint_errors(item: &str) -> String {
    common::rule_errors(&with_item(item))
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

const HEAD: &str = "      - id: \"1.4\"\n        name: 被纠错案件\n        points: 2\n";

#[test]
fn the_test_rule_set_lints_clean_and_the_helper_keeps_it() {
    let text = format!(
        "{HEAD}        relative: {{ field: cases.overturned, better: lower, by_rank: [[2, P]] }}\n"
    );
    assert!(RuleSet::load(&with_item(&text)).is_ok());
}

#[test]
fn lint_refuses_score_beside_relative() {
    let e = lint_errors(&format!("{HEAD}        score: P\n        relative: {{ field: cases.overturned, better: lower, by_rank: [[2, P]] }}\n"));
    assert!(
        e.contains("item `1.4` has both `score:` and `relative:`"),
        "{e}"
    );
}

#[test]
fn lint_wants_exactly_one_form() {
    let e = lint_errors(&format!(
        "{HEAD}        relative: {{ field: cases.overturned, better: lower }}\n"
    ));
    assert!(
        e.contains("needs exactly one of `by_rank`, `proportional`, `above_mean` (it has 0)"),
        "{e}"
    );
    let e = lint_errors(&format!("{HEAD}        relative: {{ field: cases.overturned, better: lower, by_rank: [[2, P]], above_mean: P }}\n"));
    assert!(e.contains("(it has 2)"), "{e}");
}

#[test]
fn lint_wants_the_direction_said() {
    let e = lint_errors(&format!(
        "{HEAD}        relative: {{ field: cases.overturned, by_rank: [[2, P]] }}\n"
    ));
    assert!(e.contains("does not say which figure is better"), "{e}");
    assert!(e.contains("better: higher"), "{e}");
}

#[test]
fn lint_wants_a_declared_numeric_field_among_the_inputs() {
    let e = lint_errors(&format!(
        "{HEAD}        relative: {{ field: cases.overturn, better: lower, by_rank: [[2, P]] }}\n"
    ));
    assert!(
        e.contains("relative field `cases.overturn` is not declared"),
        "{e}"
    );
    let text = std::fs::read_to_string(format!("{RULES}/ruleset.yaml")).unwrap();
    let text = text.replace(
        "indicators:",
        "  cases.note: { type: text, desc: 备注 }\nindicators:",
    );
    let text = text.replace(
        "relative: { field: cases.overturned, better: lower, by_rank: [[2, P]] }",
        "relative: { field: cases.note, better: lower, by_rank: [[2, P]] }",
    );
    let text = text.replace("inputs: [cases.overturned]", "inputs: [cases.note]");
    let e: Vec<String> = common::rule_errors(&RuleSource::from_documents([("ruleset.yaml", text)]))
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert!(
        e.iter().any(|m| m.contains(
            "relative field `cases.note` is 文本 (text); a relative score compares numbers"
        )),
        "{e:?}"
    );
    let e = lint_errors(&format!("{HEAD}        inputs: [cases.rate]\n        relative: {{ field: cases.overturned, better: lower, by_rank: [[2, P]] }}\n"));
    assert!(
        e.contains("relative field `cases.overturned` is not one of its `inputs`"),
        "{e}"
    );
}

#[test]
fn lint_checks_ranks_and_points() {
    let e = lint_errors(&format!(
        "{HEAD}        relative: {{ field: cases.overturned, better: lower, by_rank: [[3, P], [2, P / 2]] }}\n"
    ));
    assert!(e.contains("ranks must increase from 1 (2 after 3)"), "{e}");
    // 2 × 2 = 4 points at rank 1, above the item's 2.
    let e = lint_errors(&format!(
        "{HEAD}        relative: {{ field: cases.overturned, better: lower, by_rank: [[1, P * 2]] }}\n"
    ));
    assert!(
        e.contains("gives 4 points at rank 1, outside [0, 2]"),
        "{e}"
    );
    let e = lint_errors(&format!(
        "{HEAD}        relative: {{ field: cases.overturned, better: lower, by_rank: [] }}\n"
    ));
    assert!(e.contains("`by_rank` is empty"), "{e}");
    let e = lint_errors(&format!(
        "{HEAD}        relative: {{ field: cases.overturned, better: lower, above_mean: 5 }}\n"
    ));
    assert!(
        e.contains("`above_mean` gives 5 points, outside [0, 2]"),
        "{e}"
    );
    let e = lint_errors(&format!(
        "{HEAD}        relative: {{ field: cases.overturned, better: lower, above_mean: half }}\n"
    ));
    assert!(
        e.contains("points `half`: write a number (2), `P`, `P / 2`"),
        "{e}"
    );
    let e = lint_errors(&format!(
        "{HEAD}        relative: {{ field: cases.overturned, better: lower, proportional: worst }}\n"
    ));
    assert!(e.contains("unknown variant `worst`"), "{e}");
    let e = lint_errors(&format!(
        "{HEAD}        relative: {{ field: cases.overturned, better: less, above_mean: P }}\n"
    ));
    assert!(e.contains("unknown variant `less`"), "{e}");
}

// ---- whatif: a relative item behaves as any item given the group ----

#[test]
fn a_whatif_scenario_rescales_relative_items_like_an_edited_copy() {
    use fazhi::analyse::policy::{scores::Batch, weights::Scenario};
    let rules = rules();
    let grouped = rules.with_group(all(&rules)).unwrap();
    // 1.1 pinned to 6 and 1.2 to 2: the area is 6 + 2 + 3 + 2 = 13.
    let s = Scenario::from_str(
        "s.yaml",
        "id: s\nname: s\npoints: { \"1.1\": 6, \"1.2\": 2 }\n",
        &rules,
    )
    .unwrap();
    let out = Batch::evaluate(&rules, &grouped).recompute(&s.weights);
    // The same rule set written with those points, scored within the same group.
    let text = std::fs::read_to_string(format!("{RULES}/ruleset.yaml")).unwrap();
    let text = text
        .replace("total_points: 12", "total_points: 13")
        .replace("    points: 12\n", "    points: 13\n")
        .replacen("        points: 3\n", "        points: 6\n", 1)
        .replacen("        points: 4\n", "        points: 2\n", 1);
    let edited = RuleSet::load(&RuleSource::from_documents([("ruleset.yaml", text)])).unwrap();
    let edited_data = edited.with_group(all(&edited)).unwrap();
    for (o, c) in out.iter().zip(&edited_data) {
        assert_eq!(o.total, edited.score(c).summary.total, "{}", c.info().id);
    }
    // a: rank 1 → 6; 2 × 80 ÷ 100 = 1.6; above the mean → 3; rank 6 → 0: 10.6.
    // b: rank 2 (并列) → 6; 2 × 60 ÷ 100 = 1.2; at the mean → 0; rank 1 → 2: 9.2.
    // d: rank 4 → 6 / 2 = 3; 2 × 50 ÷ 100 = 1; above → 3; rank 3 → 0: 7.
    assert_eq!(
        (out[0].total, out[1].total, out[3].total),
        (p(10.6), p(9.2), p(7.0))
    );
}

#[test]
fn cli_diff_and_whatif_score_within_the_files_given() {
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("new");
    std::fs::create_dir(&new).unwrap();
    // The ranking tiers moved: 前2名满分，第3至4名一半.
    let edited = std::fs::read_to_string(format!("{RULES}/ruleset.yaml"))
        .unwrap()
        .replacen(
            "by_rank: [[3, P], [6, P / 2]]",
            "by_rank: [[2, P], [4, P / 2]]",
            1,
        );
    std::fs::write(new.join("ruleset.yaml"), edited).unwrap();
    let o = fazhi(&[
        "diff",
        RULES,
        new.to_str().unwrap(),
        "--format",
        "json",
        DATA,
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let delta = |id: &str| {
        j["counties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["county"]["id"] == id)
            .map(|c| c["delta"].as_f64().unwrap())
            .unwrap()
    };
    // d (rank 4): 1.5 → 1.5 (第3至4名); e, f (rank 5): 1.5 → 0; c (rank 2): 3 → 3.
    assert_eq!(
        (delta("rel-d"), delta("rel-e"), delta("rel-c")),
        (0.0, -1.5, 0.0)
    );
    let s = dir.path().join("s.yaml");
    std::fs::write(&s, "id: s\nname: s\npoints: { \"1.1\": 6, \"1.2\": 2 }\n").unwrap();
    let o = fazhi(&[
        "whatif",
        "--rules",
        RULES,
        "--scenario",
        s.to_str().unwrap(),
        DATA,
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    // a: 9.2 → 10.6 (see the scenario test above).
    assert!(
        text(&o.stdout).contains("|    9.2 |   10.6 |"),
        "{}",
        text(&o.stdout)
    );
}

#[test]
fn cli_gap_with_peers_words_the_fix_with_what_the_item_needs() {
    let o = fazhi(&[
        "gap",
        "--rules",
        RULES,
        "--peers",
        DATA,
        &format!("{DATA}/d.yaml"),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let md = text(&o.stdout);
    // d within the eight (see gap_says_what_…): 88 → 90 ranks it 2nd, 3 points.
    assert!(
        md.contains("88% → 90%，得满分（+1.5）；需达到其他县中第3名的数值90（当前88），可排前3名，得3分（假设其他县数值不变）"),
        "{md}"
    );
}

#[test]
fn lint_probes_relative_fields_within_a_group_of_synthetic_counties() {
    // Alone a county's rank never moves; within the sixteen synthetic counties lint probes,
    // raising a higher-is-better figure and lowering a lower-is-better one raise the total.
    let d = RuleSet::lint(&RuleSource::from_dir(RULES).unwrap());
    let said: Vec<String> = d.0.iter().map(|d| d.to_string()).collect();
    let of = |f: &str| {
        said.iter()
            .find(|m| m.contains(&format!("field `{f}`")))
            .unwrap()
    };
    assert!(of("cases.rate").contains("infers `raise`"), "{said:?}");
    assert!(
        of("cases.overturned").contains("infers `lower`"),
        "{said:?}"
    );
}
