//! Items made of parts (`parts:`): each part has its own inputs, points and rule; a part without
//! data is `no_data` and the others still score; the item says 部分无数据; coverage counts the
//! parts' points. Values computed by hand in the comments.

mod common;

use common::identity::check_all;
use fazhi::{render, CountyData, Evaluator, ItemStatus, Points, RuleSet, RuleSource};

const PARTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rules/parts");

fn p(x: f64) -> Points {
    Points::from_f64(x)
}

fn county(rules: &RuleSet, data: &str) -> CountyData {
    let yaml = format!("county: {{id: c, name: 部分县, year: 2021}}\ndata:\n{data}");
    CountyData::from_str("c.yaml", &yaml, rules).unwrap()
}

#[test]
fn every_part_scores_on_its_own() {
    let rules = RuleSet::load_dir(PARTS).unwrap();
    // All parts: 8 + 6 + (4 − 3 = 1 short × 1.5 → 6 − 1.5 = 4.5) = 18.5; plan 10; total 28.5.
    let c = county(
        &rules,
        "  law.reported_by_heads: true\n  report.published_on: \"2022-03-31\"\n  study.sessions: 3\n  org.plan: true\n",
    );
    let r = rules.score(&c);
    assert_eq!(r.node("1.1").unwrap().earned, p(18.5));
    let parts = r.node("1.1").unwrap().parts.unwrap();
    assert_eq!((parts.parts, parts.scored, parts.no_data), (3, 3, 0));
    assert_eq!(parts.status_zh(), "已评分");
    assert_eq!(check_all(&rules, &c, &r).3, p(28.5));
    assert_eq!(r.summary.coverage, 1.0);
}

#[test]
fn a_missing_part_is_no_data_and_the_others_score() {
    let rules = RuleSet::load_dir(PARTS).unwrap();
    // No publication date: 年度报告 (6) has no data; 述法 8 + 学法 6 = 14; plan 10; total 24.
    let c = county(
        &rules,
        "  law.reported_by_heads: true\n  study.sessions: 5\n  org.plan: true\n",
    );
    let r = rules.score(&c);
    assert_eq!(r.item("1.1.2").unwrap().status, ItemStatus::NoData);
    assert_eq!(r.item("1.1.1").unwrap().earned, p(8.0));
    assert_eq!(r.item("1.1.3").unwrap().earned, p(6.0));
    let n = r.node("1.1").unwrap();
    assert_eq!(n.earned, p(14.0));
    let parts = n.parts.unwrap();
    assert!(parts.partly_without_data());
    assert_eq!(parts.status_zh(), "部分无数据");
    // Coverage counts the parts' points: 30 − 6 without data = 24 of 30 = 80%.
    assert_eq!(r.summary.coverage, 0.8);
    assert_eq!(check_all(&rules, &c, &r).3, p(24.0));
    let md = render::markdown(&r);
    assert!(
        md.contains("- 1.1「述法、年度报告、学法」由3个部分组成（上表中编号以 1.1. 开头者）：部分无数据，已评分2部分、无数据1部分；得14分，满分20分。"),
        "{md}"
    );
    let json: serde_json::Value = serde_json::from_str(&render::to_json(&r)).unwrap();
    let node = json["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "1.1")
        .unwrap();
    assert_eq!(node["parts"]["no_data"], 1);
    // Both evaluators agree.
    assert_eq!(
        rules.score_with(&c, Evaluator::Interpreter),
        rules.score_with(&c, Evaluator::Compiled)
    );
    // One unit off on 学法: 4 sessions → 6; 3 → 4.5.
    let c = county(&rules, "  study.sessions: 4\n");
    assert_eq!(rules.score(&c).item("1.1.3").unwrap().earned, p(6.0));
    // No part at all: 无数据.
    let c = county(&rules, "  org.plan: true\n");
    let r = rules.score(&c);
    assert_eq!(r.node("1.1").unwrap().parts.unwrap().status_zh(), "无数据");
    assert_eq!(r.summary.total, p(10.0));
}

#[test]
fn parts_are_checked() {
    let bad = |from: &str, to: &str| {
        let mut docs = RuleSource::from_dir(PARTS).unwrap().documents().to_vec();
        assert!(docs[0].1.contains(from));
        docs[0].1 = docs[0].1.replacen(from, to, 1);
        match RuleSet::load(&RuleSource::from_documents(docs)) {
            Err(fazhi::Error::Rules(d)) => d.errors().map(|d| d.to_string()).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        }
    };
    let e = bad("        rule_text: 述法8分、年度报告6分、学法6分\n", "        rule_text: 述法8分、年度报告6分、学法6分\n        inputs: [org.plan]\n        score: award(d.org.plan)\n");
    assert!(
        e.iter()
            .any(|m| m.contains("item `1.1` has `parts` and its own `inputs`/`score`")),
        "{e:?}"
    );
    // Parts that do not add up to the item's points.
    let e = bad("            points: 8\n", "            points: 9\n");
    assert!(
        e.iter()
            .any(|m| m.contains("`1.1` has 20 points but its children add up to 21")),
        "{e:?}"
    );
}
