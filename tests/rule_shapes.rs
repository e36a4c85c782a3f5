//! Every rule shape of the provincial 评分细则, with hand-computed points on boundary values:
//! exactly at a tier edge, just below it, zero denominators, floors.

use fazhi::{CountyData, ItemStatus, Points, RuleSet, RuleSource};

/// Scores one item worth `points` with expression `score` against data `x`, `n`, `a`, `b`.
fn one(points: f64, score: &str, data: &str) -> (Points, ItemStatus, String) {
    let rules = format!(
        r#"ruleset: {{id: shapes, title: 规则形态, version: "1", total_points: {points}}}
fields:
  t.x: {{type: percent, desc: 比率}}
  t.n: {{type: count, desc: 件数}}
  t.a: {{type: count, desc: 分子}}
  t.b: {{type: count, desc: 分母}}
  t.ok: {{type: bool, desc: 是否}}
indicators:
  - id: "1"
    name: 领域
    points: {points}
    children:
      - id: "1.1"
        name: 指标
        points: {points}
        inputs: [t.x, t.n, t.a, t.b, t.ok]
        score: 'let unused = [d.t.x, d.t.n, d.t.a, d.t.b, d.t.ok]; {score}'
"#
    );
    let rs = RuleSet::load(&RuleSource::from_documents([("r.yaml", rules)])).unwrap();
    let yaml = format!("county: {{id: s, name: 县}}\ndata:\n  t: {{x: 100, n: 0, a: 0, b: 0, ok: true}}\n  {data}\n");
    let yaml = merge(&yaml);
    let c = CountyData::from_str("s.yaml", &yaml, &rs).unwrap();
    let r = rs.score(&c);
    let i = r.item("1.1").unwrap();
    (
        i.earned,
        i.status,
        format!("{} {:?}", i.explanation, i.messages),
    )
}

/// Later `t.k: v` lines override the defaults.
fn merge(yaml: &str) -> String {
    let mut defaults: Vec<(String, String)> = ["x", "n", "a", "b", "ok"]
        .iter()
        .map(|k| {
            (
                k.to_string(),
                match *k {
                    "x" => "100",
                    "ok" => "true",
                    _ => "0",
                }
                .to_string(),
            )
        })
        .collect();
    for line in yaml.lines().skip(3) {
        if let Some((k, v)) = line
            .trim()
            .strip_prefix("t.")
            .and_then(|l| l.split_once(": "))
        {
            if let Some(d) = defaults.iter_mut().find(|d| d.0 == k) {
                d.1 = v.to_string();
            }
        }
    }
    let body: Vec<String> = defaults.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    format!(
        "county: {{id: s, name: 县}}\ndata:\n  t: {{{}}}\n",
        body.join(", ")
    )
}

fn p(x: f64) -> Points {
    Points::from_f64(x)
}

#[test]
fn all_or_nothing() {
    // 有…得2分，无不得分
    assert_eq!(one(2.0, "award(d.t.ok)", "t.ok: true").0, p(2.0));
    assert_eq!(one(2.0, "award(d.t.ok)", "t.ok: false").0, p(0.0));
    assert_eq!(one(3.0, "award(d.t.n >= 2, 1.5)", "t.n: 2").0, p(1.5));
    assert_eq!(one(3.0, "award(d.t.n >= 2, 1.5)", "t.n: 1").0, p(0.0));
}

#[test]
fn per_unit_deduction_with_a_floor() {
    // 每低1个百分点扣0.5分，扣完为止 (5 points)
    let r = "deduct_below(d.t.x, 100, 1, 0.5)";
    assert_eq!(one(5.0, r, "t.x: 100").0, p(5.0));
    assert_eq!(one(5.0, r, "t.x: 99").0, p(4.5));
    assert_eq!(one(5.0, r, "t.x: 97.5").0, p(3.75));
    assert_eq!(one(5.0, r, "t.x: 90").0, p(0.0)); // exactly used up
    assert_eq!(one(5.0, r, "t.x: 0").0, p(0.0)); // 扣完为止, never negative
                                                 // 每发现一例扣1分，扣完为止 (3 points)
    let r = "deduct_each(d.t.n, 1)";
    assert_eq!(one(3.0, r, "t.n: 0").0, p(3.0));
    assert_eq!(one(3.0, r, "t.n: 2").0, p(1.0));
    assert_eq!(one(3.0, r, "t.n: 3").0, p(0.0));
    assert_eq!(one(3.0, r, "t.n: 7").0, p(0.0));
    // 败诉率每高于5%一个百分点扣1分 (4 points)
    let r = "deduct_above(d.t.x, 5, 1, 1)";
    assert_eq!(one(4.0, r, "t.x: 5").0, p(4.0));
    assert_eq!(one(4.0, r, "t.x: 6").0, p(3.0));
    assert_eq!(one(4.0, r, "t.x: 50").0, p(0.0));
}

#[test]
fn tiers() {
    // ≥95% 得满分; 90%–95% 得一半; <90% 不得分 (4 points)
    let r = "tiers(d.t.x, [[95, P], [90, P / 2]])";
    assert_eq!(one(4.0, r, "t.x: 95").0, p(4.0)); // at the edge
    assert_eq!(one(4.0, r, "t.x: 94.99").0, p(2.0)); // just below
    assert_eq!(one(4.0, r, "t.x: 90").0, p(2.0));
    assert_eq!(one(4.0, r, "t.x: 89.9").0, p(0.0));
    let (_, _, why) = one(4.0, r, "t.x: 92");
    assert!(why.contains("第2档"), "{why}");
    // lower is better: ≤5% 满分; ≤10% 一半
    let r = "tiers_below(d.t.x, [[5, P], [10, P / 2]])";
    assert_eq!(one(4.0, r, "t.x: 5").0, p(4.0));
    assert_eq!(one(4.0, r, "t.x: 5.1").0, p(2.0));
    assert_eq!(one(4.0, r, "t.x: 10.1").0, p(0.0));
}

#[test]
fn proportional_and_percentages() {
    // 得分 = 分值 × 完成率
    assert_eq!(one(10.0, "proportional(d.t.x)", "t.x: 87.5").0, p(8.75));
    assert_eq!(
        one(10.0, "proportional(d.t.a, d.t.b)", "t.a: 3\n  t.b: 4").0,
        p(7.5)
    );
    assert_eq!(
        one(10.0, "proportional(d.t.a, d.t.b)", "t.a: 5\n  t.b: 4").0,
        p(10.0)
    );
    // zero denominators are safe
    assert_eq!(
        one(10.0, "proportional(d.t.a, d.t.b)", "t.a: 0\n  t.b: 0").0,
        p(0.0)
    );
    assert_eq!(
        one(10.0, "pct(d.t.a, d.t.b) / 10", "t.a: 0\n  t.b: 0").0,
        p(0.0)
    );
    assert_eq!(
        one(10.0, "pct_or(d.t.a, d.t.b, 100) / 10", "t.a: 0\n  t.b: 0").0,
        p(10.0)
    );
    assert_eq!(
        one(10.0, "pct(d.t.a, d.t.b) / 10", "t.a: 1\n  t.b: 4").0,
        p(2.5)
    );
    assert_eq!(
        one(10.0, "ratio_or(d.t.a, d.t.b, 1) * P", "t.a: 0\n  t.b: 0").0,
        p(10.0)
    );
    assert_eq!(one(10.0, "clamp(d.t.n, 2, 6)", "t.n: 9").0, p(6.0));
    assert_eq!(
        one(10.0, "min(d.t.n, 2.5) + max(d.t.a, 1)", "t.n: 9").0,
        p(3.5)
    );
}

#[test]
fn several_conditions_with_part_points() {
    let r = "each_true([d.t.ok, d.t.n > 0, d.t.a > 0, d.t.b > 0, d.t.x >= 90], 1)";
    assert_eq!(one(5.0, r, "t.n: 1\n  t.a: 1").0, p(4.0)); // ok, n, a, x=100 → 4
    assert_eq!(
        one(5.0, "count_true([d.t.ok, d.t.n > 0]) * 1.5", "t.n: 1").0,
        p(3.0)
    );
}

#[test]
fn helpers_reject_bad_arguments_as_item_errors() {
    let (pts, status, why) = one(5.0, "tiers(d.t.x, [95, 90])", "t.x: 95");
    assert_eq!((pts, status), (p(0.0), ItemStatus::Error));
    assert!(why.contains("pair"), "{why}");
    let (_, status, why) = one(5.0, "deduct_below(d.t.x, 100, 0, 1)", "t.x: 95");
    assert_eq!(status, ItemStatus::Error);
    assert!(why.contains("unit"), "{why}");
}
