//! The gap analysis through the public API: hand-checked results on the mini rule set, the edge
//! cases (full marks, vetoed, out of reach, no data at all), the error paths, peers, and the
//! shortcomings 清丰 states in its own report.

mod common;
use common::*;
use fazhi::analyse::gap::{apply_changes, GapAnalysis, Reach};
use fazhi::{CountyData, Error, Points, RuleSet, RuleSource, Value};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn pts(s: &str) -> Points {
    Points::from_f64(s.parse().unwrap())
}

fn mini_good() -> (RuleSet, CountyData) {
    let rules = mini();
    let data = county(&rules, &good_county());
    (rules, data)
}

#[test]
fn mini_good_losses_ranked_with_rescored_targets() {
    let (rules, data) = mini_good();
    let g = GapAnalysis::new(&rules, &data);
    assert_eq!(g.total, pts("11.048"));
    let ranked: Vec<(&str, Points)> = g.lost.iter().map(|i| (i.id.as_str(), i.lost)).collect();
    assert_eq!(
        ranked,
        [
            ("1.1", pts("3.5")),
            ("1.3", pts("2")),
            ("1.4", pts("1.5")),
            ("2.1", pts("1.5")),
            ("2.2", pts("1.052")),
            ("1.2", pts("0.4")),
        ]
    );
    let fix = |id: &str| {
        let i = g.lost.iter().find(|i| i.id.as_str() == id).unwrap();
        let f = i.fix.clone().unwrap();
        assert_eq!(f.reach, Reach::Full, "{id}");
        assert_eq!(f.earned, i.max, "{id}");
        assert_eq!(f.gain, i.lost, "{id}");
        f.changes
            .iter()
            .map(|c| (c.field.to_string(), c.to.clone()))
            .collect::<Vec<_>>()
    };
    // deduct_below(rate, 100, 1, 1): only 100% earns everything.
    assert_eq!(
        fix("1.1"),
        [(
            "litigation.head_appearance_rate".into(),
            Value::Number(100.0)
        )]
    );
    // 2 of 4 corrected is 50%; 1 of 4 is 25% (1 point); only 0 corrected is ≤15%. Raising
    // `decided` to 14 (2/14 = 14.3%) would dilute the rate: it is the rate's denominator (and a
    // context figure by name), so it is never proposed, and the item says so.
    assert_eq!(fix("1.3"), [("review.corrected".into(), Value::Int(0))]);
    let r13 = g.lost.iter().find(|i| i.id.as_str() == "1.3").unwrap();
    assert!(r13.alternatives.is_empty());
    assert_eq!(
        r13.search.not_levers,
        [fazhi::FieldPath::new("review.decided")]
    );
    assert_eq!(
        fix("1.4"),
        [("enforcement.violations_found".into(), Value::Int(0))]
    );
    // tiers at 95: 94.9 is the second tier, 95.0 the first.
    assert_eq!(
        fix("2.1"),
        [("service.online_rate".into(), Value::Number(95.0))]
    );
    assert_eq!(
        fix("2.2"),
        [("service.items_done_once".into(), Value::Int(850))]
    );
    let steps = fix("1.2");
    assert_eq!(steps[0].0, "decisions.steps_done");
    let Value::List(l) = &steps[0].1 else {
        panic!()
    };
    assert!(l.contains(&"风险评估".to_string()) && l.len() == 5);
    // Why: the rule's own explanation.
    assert!(g.lost[0].why.contains("扣3.5分"), "{}", g.lost[0].why);
}

#[test]
fn mini_good_plans_reach_each_line() {
    let (rules, data) = mini_good();
    let g = GapAnalysis::new(&rules, &data);
    let demo = &g.pass_lines[0];
    assert_eq!(demo.shortfall, pts("4.952"));
    assert_eq!(demo.areas_short.len(), 1);
    assert_eq!(demo.areas_short[0].needed, pts("7.2")); // 60% of 12
    assert!(!demo.blocked_by_veto);
    assert_eq!(g.plans.len(), 2);
    let ids =
        |i: usize| -> Vec<&str> { g.plans[i].steps.iter().map(|s| s.item.as_str()).collect() };
    // 示范 needs 4.952 more and area 1 at 7.2: 1.1 and 1.3; no single item does it. The plan
    // moves each only as far as the line needs (issue 21): 1.1's rate 96.5% → 99.7% earns
    // +3.2 (deduct_below(rate, 100, 1, 1): 1 point per percentage point below 100, so 99.7%
    // loses 0.3), 1.3's corrections 2 → 0 earn +2: 11.048 + 3.2 + 2 = 16.248 ≥ 16.
    assert_eq!(ids(0), ["1.1", "1.3"]);
    assert_eq!(g.plans[0].steps[0].total_after, pts("14.248"));
    assert_eq!(g.plans[0].total_after, pts("16.248"));
    assert!(g.plans[0].reaches);
    // 合格 needs 0.952: 1.1's rate to 97.5% (+1), not to 100% (+3.5).
    assert_eq!(ids(1), ["1.1"]);
    assert_eq!(g.plans[1].total_after, pts("12.048"));
}

#[test]
fn a_county_at_full_marks_has_nothing_to_do() {
    let rules = mini();
    let yaml = std::fs::read_to_string(format!("{ROOT}/tests/data/mini-vetoed.yaml"))
        .unwrap()
        .replace("illegal_serious: 1", "illegal_serious: 0");
    let data = county(&rules, &yaml);
    let g = GapAnalysis::new(&rules, &data);
    assert!(g.lost.is_empty() && g.no_data.is_empty() && g.plans.is_empty());
    assert!(g.pass_lines.iter().all(|p| p.reached));
    assert!(g.areas.iter().all(|a| a.lost == Points::ZERO));
    let md = fazhi::render::gap_markdown(&g);
    assert!(md.contains("有数据的指标均得满分"), "{md}");
}

#[test]
fn a_vetoed_county_is_blocked_whatever_its_score() {
    let rules = mini();
    let data =
        CountyData::from_file(format!("{ROOT}/tests/data/mini-vetoed.yaml"), &rules).unwrap();
    let g = GapAnalysis::new(&rules, &data);
    assert_eq!(g.vetoes, ["发生重大违法决策并造成严重后果"]);
    assert!(g.pass_lines.iter().all(|p| !p.reached && p.blocked_by_veto));
    assert!(g.pass_lines.iter().all(|p| p.shortfall == Points::ZERO));
    // The score already meets both lines: the plans have no steps, and stay blocked.
    assert_eq!(g.plans.len(), 2);
    assert!(g
        .plans
        .iter()
        .all(|p| p.steps.is_empty() && p.reaches && p.blocked_by_veto));
    let md = fazhi::render::gap_markdown(&g);
    assert!(
        md.contains("一票否决「发生重大违法决策并造成严重后果」已触发"),
        "{md}"
    );
}

const CAPPED: &str = r#"
ruleset: {id: capped, title: 上限测试, version: "1", total_points: 18}
fields:
  a.window: {type: percent, desc: 区间比率}
  a.rate: {type: percent, range: [0, 50], desc: 受限比率}
  a.flat: {type: percent, desc: 无关比率}
  a.count: {type: count, desc: 问题数}
indicators:
  - id: "1"
    name: 测试领域
    points: 18
    children:
      - id: "1.4"
        name: 只在区间内得分
        points: 4
        inputs: [a.window]
        rule_text: 比率在70%–72%之间得满分（非单调）
        score: award(d.a.window >= 70 && d.a.window <= 72)
      - id: "1.1"
        name: 上限以内达不到满分
        points: 4
        inputs: [a.rate]
        rule_text: 得分 = 分值 × 比率
        score: proportional(d.a.rate)
      - id: "1.2"
        name: 任何改动都无用
        points: 4
        inputs: [a.flat]
        rule_text: 不得分
        score: min(d.a.flat, 0)
      - id: "1.3"
        name: 无上限计数
        points: 6
        inputs: [a.count]
        rule_text: 问题数达到1000个以上得满分，500个以上得3分
        score: tiers(d.a.count, [[1000, P], [500, 3]])
pass_lines:
  - {id: demonstration, name: 示范, min_total: 13}
"#;

#[test]
fn items_out_of_reach_within_the_ranges_say_so() {
    let rules = RuleSet::load(&RuleSource::from_documents([("r.yaml", CAPPED)])).unwrap();
    let data = county(
        &rules,
        "county: {id: c, name: 某县}\ndata: {a: {rate: 10, flat: 30, count: 7, window: 10}}\n",
    );
    let g = GapAnalysis::new(&rules, &data);
    let item = |id: &str| g.lost.iter().find(|i| i.id.as_str() == id).unwrap();
    // The rate is capped at 50%: half the points is the most, reached at exactly 50.
    let f = item("1.1").fix.clone().unwrap();
    assert_eq!(f.reach, Reach::Partial);
    assert_eq!(f.earned, pts("2"));
    assert_eq!(f.changes[0].to, Value::Number(50.0));
    // No value in 0–100 helps.
    let f = item("1.2").fix.clone().unwrap();
    assert_eq!(f.reach, Reach::None);
    assert!(f.changes.is_empty());
    // An unbounded count: the doubling search finds 1000 exactly.
    let f = item("1.3").fix.clone().unwrap();
    assert_eq!(f.reach, Reach::Full);
    assert_eq!(f.changes[0].to, Value::Int(1000));
    // A rule that is not monotone: only 70–72 pays. Doubling probes from 10 jump over the window
    // (…, 35.6, 61.2, 100); the even probes across the range find it, bisection its left edge.
    let f = item("1.4").fix.clone().unwrap();
    assert_eq!(f.reach, Reach::Full);
    assert_eq!(f.changes[0].to, Value::Number(70.0));
    // 13 of 18 is out of reach: 0.4 now, + 6 (1.3) + 4 (1.4) + 1.6 (1.1) = 12 at most.
    let plan = &g.plans[0];
    assert!(!plan.reaches);
    assert_eq!(plan.total_after, pts("12"));
    // Percents are searched on a 0.1 grid, not over every value: nothing is claimed as proven
    // (issue 21, "true sentences only"); the report says what was searched.
    let md = fazhi::render::gap_markdown(&g);
    assert!(!md.contains("任何改动都不能增加得分（"), "{md}");
    assert!(md.contains("已搜索的改动都不能增加得分"), "{md}");
    assert!(md.contains("只在 0.1 的网格上搜索"), "{md}");
    assert!(!md.contains("仍达不到"), "{md}");
    assert_eq!(plan.proven, Some(false));
}

#[test]
fn a_county_with_no_data_needs_evidence_for_everything() {
    let rules = mini();
    let data = county(&rules, "county: {id: empty, name: 空白县}\ndata: {}\n");
    let g = GapAnalysis::new(&rules, &data);
    assert!(g.lost.is_empty());
    assert_eq!(g.no_data.len(), 7);
    assert_eq!(g.no_data[0].id.as_str(), "1.1"); // 6 points at stake, the most
    assert_eq!(g.no_data[0].at_stake, pts("6"));
    assert_eq!(*g.no_data[0].evidence, ["出庭应诉统计台账", "庭审笔录"]);
    // 1.3's target names `corrected` only: with `decided` missing nothing can be promised.
    let r13 = g.no_data.iter().find(|i| i.id.as_str() == "1.3").unwrap();
    assert!(r13.supply.is_none());
    // 2.3 is supplied with its optional publication date too (the target names it).
    let r23 = g.no_data.iter().find(|i| i.id.as_str() == "2.3").unwrap();
    assert_eq!(r23.supply.as_ref().unwrap().changes.len(), 3);
    assert_eq!(r23.supply.as_ref().unwrap().earned, pts("3"));
    // Gains 6, 3, 3, 2, 2, 2 (1.3 cannot be promised): 示范 (16, both areas ≥60%) needs five:
    // four items give at most 6 + 3 + 3 + 2 = 14 < 16, and 6 + 3 + 3 + 2 + 2 = 16 with any two
    // of the 2-point items (area 1 has 6 + 2 ≥ 7.2 with either of 1.2, 1.4; area 2 has 6 ≥ 4.8).
    let ids =
        |i: usize| -> Vec<&str> { g.plans[i].steps.iter().map(|s| s.item.as_str()).collect() };
    assert_eq!(ids(0).len(), 5);
    assert_eq!(ids(0)[..3], ["1.1", "2.1", "2.3"]);
    assert!(ids(0)[3..].iter().any(|i| ["1.2", "1.4"].contains(i)));
    assert_eq!(g.plans[0].solver, fazhi::analyse::gap::Solver::Optimal);
    assert_eq!(g.plans[0].cost, 5.0);
    assert_eq!(g.plans[0].total_after, pts("16"));
    assert_eq!(ids(1), ["1.1", "2.1", "2.3"]);
    assert_eq!(g.plans[1].total_after, pts("12"));
    assert!(g
        .plans
        .iter()
        .all(|p| p.steps.iter().all(|s| s.supplies_data)));
}

#[test]
fn a_report_from_other_rules_or_data_is_refused() {
    let (rules, data) = mini_good();
    let other = county(&rules, "county: {id: x, name: 某县}\ndata: {}\n");
    let report = rules.score(&other);
    match GapAnalysis::from_report(&rules, &data, &report) {
        Err(Error::Invalid(m)) => assert!(
            m.contains("pass the data the report was scored from"),
            "{m}"
        ),
        other => panic!("{other:?}"),
    }
    let changed =
        RuleSet::load(&mini_with("ruleset.yaml", "min_total: 16", "min_total: 15")).unwrap();
    let report = changed.score(&county(&changed, &good_county()));
    match GapAnalysis::from_report(&rules, &data, &report) {
        Err(Error::Invalid(m)) => assert!(m.contains("rescore the county with these rules"), "{m}"),
        other => panic!("{other:?}"),
    }
    let ok = GapAnalysis::from_report(&rules, &data, &rules.score(&data)).unwrap();
    assert_eq!(ok, GapAnalysis::new(&rules, &data));
}

#[test]
fn peers_give_area_medians_and_leave_the_county_out() {
    let (rules, data) = mini_good();
    let vetoed =
        CountyData::from_file(format!("{ROOT}/tests/data/mini-vetoed.yaml"), &rules).unwrap();
    let empty = county(&rules, "county: {id: empty, name: 空白县}\ndata: {}\n");
    let peers = [
        rules.score(&vetoed),
        rules.score(&data),
        rules.score(&empty),
    ];
    let g = GapAnalysis::new(&rules, &data).with_peers(&peers);
    let p = g.peers.as_ref().unwrap();
    assert_eq!(p.peers, ["mini-vetoed", "empty"]);
    // Area 1: vetoed 12, empty 0 → median 6, the county has 4.6. Area 2: 8 and 0 → 4 < 5.448.
    assert_eq!(p.areas[0].median, Some(pts("6")));
    assert!(p.areas[0].below);
    assert_eq!(p.areas[0].diff, Some(pts("-1.4")));
    assert_eq!(p.areas[1].median, Some(pts("4")));
    assert!(!p.areas[1].below);
    let md = fazhi::render::gap_markdown(&g);
    assert!(
        md.contains("低于同组中位数的一级指标：1「行政争议化解」"),
        "{md}"
    );
}

#[test]
fn applied_changes_keep_provenance_and_are_checked() {
    let (rules, data) = mini_good();
    let g = GapAnalysis::new(&rules, &data);
    let f = g
        .lost
        .iter()
        .find(|i| i.id.as_str() == "2.1")
        .unwrap()
        .fix
        .clone()
        .unwrap();
    let changed = apply_changes(&rules, &data, &f.changes).unwrap();
    let d = changed.get("service.online_rate").unwrap();
    assert_eq!(d.source.as_deref(), Some("000"));
    assert!(d.note.as_deref().unwrap().contains("93.3"));
    let mut bad = f.changes.clone();
    bad[0].to = Value::Number(120.0);
    assert!(matches!(
        apply_changes(&rules, &data, &bad),
        Err(Error::Data(_))
    ));
}

#[test]
fn the_json_is_stable() {
    let (rules, data) = mini_good();
    let a = fazhi::render::to_json(&GapAnalysis::new(&rules, &data));
    let b = fazhi::render::to_json(&GapAnalysis::new(&rules, &data));
    assert_eq!(a, b);
    let back: GapAnalysis = serde_json::from_str(&a).unwrap();
    assert_eq!(fazhi::render::to_json(&back), a);
    assert!(a.contains("\"schema\": 1"));
}

/// 清丰 names its own weak points (出庭应诉率和胜诉率不高). Its report gives no figure for either, so
/// the fixture leaves both fields out: what the data support is that both items are `no_data`,
/// with their points at stake and the evidence they need, not that they lost points on a value.
#[test]
fn qingfeng_stated_weakness_is_found() {
    let rules = RuleSet::builtin().unwrap();
    let data = CountyData::from_file(
        format!("{ROOT}/fixtures/counties/qingfeng-2020.yaml"),
        &rules,
    )
    .unwrap();
    let g = GapAnalysis::new(&rules, &data);
    let by_name = |name: &str| {
        rules
            .items()
            .find(|n| &*n.name == name)
            .unwrap_or_else(|| panic!("no item named {name}"))
            .id
            .clone()
    };
    let appearance = by_name("行政机关负责人出庭应诉");
    assert!(g.lost.iter().all(|i| i.id != appearance));
    let item = g
        .no_data
        .iter()
        .find(|i| i.id == appearance)
        .expect("出庭应诉 among no-data items");
    assert_eq!(
        item.at_stake,
        rules.node(appearance.as_str()).unwrap().points
    );
    assert!(item
        .missing
        .iter()
        .any(|m| m.field.as_str() == "litigation.head_appearance_rate"));
    assert!(!item.evidence.is_empty());
    let supply = item.supply.as_ref().unwrap();
    assert_eq!(supply.earned, item.at_stake);
    // 胜诉率 is scored as 败诉率 in the national rules: also without data.
    assert!(g.no_data.iter().any(|i| i
        .missing
        .iter()
        .any(|m| m.field.as_str() == "litigation.loss_rate")));
}

/// 临沭 lists four shortcomings of its own. Two come with data the fixture records (镇街与部门推进
/// 不均衡; some units lack legal professionals) and must be found as lost items whose fix is the
/// fact the county says is missing; the other two (执法规范, 以案普法/新媒体普法) have no figures, so
/// the data support only that their items are without data.
#[test]
fn linshu_stated_shortcomings_are_found() {
    let rules = RuleSet::builtin().unwrap();
    let data = CountyData::from_file(format!("{ROOT}/fixtures/counties/linshu-2024.yaml"), &rules)
        .unwrap();
    let g = GapAnalysis::new(&rules, &data);
    let lost_on = |field: &str| {
        g.lost
            .iter()
            .find(|i| i.inputs.keys().any(|f| f.as_str() == field))
            .unwrap_or_else(|| panic!("no lost item reads {field}"))
    };
    for field in [
        "leadership.balanced_progress",
        "training.legal_staff_all_units",
    ] {
        let item = lost_on(field);
        let fix = item.fix.as_ref().unwrap();
        assert_eq!(fix.reach, Reach::Full, "{}", item.id);
        assert_eq!(fix.changes.len(), 1);
        assert_eq!(fix.changes[0].field.as_str(), field);
        assert_eq!(fix.changes[0].from, Some(Value::Bool(false)));
        assert_eq!(fix.changes[0].to, Value::Bool(true));
    }
    let pufa = rules
        .items()
        .find(|n| &*n.name == "以案释法和新媒体普法")
        .unwrap();
    assert!(g.no_data.iter().any(|i| i.id == pufa.id));
}

/// Numbers far beyond any county figure (open ranges, huge ranges) are searched without overflow
/// and reported honestly.
#[test]
fn extreme_numbers_do_not_break_the_search() {
    let doc = r#"
ruleset: {id: big, title: 极值, version: "1", total_points: 8}
fields:
  x.open: {type: number, desc: 无范围数值, lever: lower}
  x.huge: {type: number, range: [-1.0e18, 1.0e18], desc: 极大范围数值}
indicators:
  - id: "1"
    name: 领域
    points: 8
    children:
      - {id: "1.1", name: 负数得分, points: 4, inputs: [x.open], score: award(d.x.open < 0)}
      - {id: "1.2", name: 极大得分, points: 4, inputs: [x.huge], score: award(d.x.huge > 1.0e17)}
"#;
    let rules = RuleSet::load(&RuleSource::from_documents([("r.yaml", doc)])).unwrap();
    for (open, huge) in [("1.0e300", "5"), ("7", "-1.0e18"), ("0", "1.0e18")] {
        let yaml =
            format!("county: {{id: c, name: 县}}\ndata: {{x: {{open: {open}, huge: {huge}}}}}\n");
        let data = county(&rules, &yaml);
        let g = GapAnalysis::new(&rules, &data);
        for i in &g.lost {
            let f = i.fix.as_ref().unwrap();
            if f.reach == Reach::Full {
                let changed = apply_changes(&rules, &data, &f.changes).unwrap();
                assert_eq!(
                    rules.score(&changed).item(i.id.as_str()).unwrap().earned,
                    i.max
                );
            }
        }
    }
    // A small open number is searched: −0.1 is the nearest value below zero on the grid.
    let data = county(
        &rules,
        "county: {id: c, name: 县}\ndata: {x: {open: 7, huge: 2.0e17}}\n",
    );
    let g = GapAnalysis::new(&rules, &data);
    let f = g.lost[0].fix.as_ref().unwrap();
    assert_eq!(f.changes[0].to, Value::Number(-0.1));
}

/// An item whose rule fails is listed with its points lost and the error, and no fix is searched.
#[test]
fn a_failing_rule_is_listed_without_a_fix() {
    let doc = r#"
ruleset: {id: bad, title: 出错, version: "1", total_points: 4}
fields:
  x.v: {type: percent, desc: 比率}
indicators:
  - id: "1"
    name: 领域
    points: 4
    children:
      - {id: "1.1", name: 出错项, points: 4, inputs: [x.v], score: d.x.v / (d.x.v - d.x.v)}
"#;
    let rules = RuleSet::load(&RuleSource::from_documents([("r.yaml", doc)])).unwrap();
    let data = county(&rules, "county: {id: c, name: 县}\ndata: {x: {v: 50}}\n");
    let g = GapAnalysis::new(&rules, &data);
    assert_eq!(g.lost.len(), 1);
    assert_eq!(g.lost[0].status, fazhi::ItemStatus::Error);
    assert_eq!(g.lost[0].lost, pts("4"));
    assert!(g.lost[0].fix.is_none());
    assert!(g.lost[0].why.contains("error"), "{}", g.lost[0].why);
    let md = fazhi::render::gap_markdown(&g);
    assert!(md.contains("规则出错，需先修正规则或数据"), "{md}");
}
