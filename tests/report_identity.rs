//! Property: on random rule trees with penalties on nodes (areas, second-level indicators, items)
//! and on the total, zeroing entries, capped bonuses and an overall bonus cap, and random county
//! data (some of it missing), every output adds up: Σ items + bonus − penalty = total, with
//! 指标得分 the sum of the items and each penalty counted once — on the numbers the JSON summary,
//! the Markdown 总览, the CSV rows, rank, diff, whatif and gap print (`common::identity`).

mod common;

use common::identity::check_all;
use fazhi::{CountyData, RuleSet, RuleSource};
use proptest::prelude::*;

/// A random rule tree: areas → indicators → items (points per item), and the entries above it.
#[derive(Debug, Clone)]
struct Tree {
    /// Per area, per indicator, the items' (points, rule shape).
    areas: Vec<Vec<Vec<(u32, u8)>>>,
    /// (target: index into the node ids, or None for the total; per notice; cap).
    penalties: Vec<(Option<usize>, u32, Option<u32>)>,
    /// (target, which flag).
    zeroings: Vec<(Option<usize>, usize)>,
    /// (points per award, cap).
    bonuses: Vec<(u32, u32)>,
    bonus_cap: Option<u32>,
}

fn tree() -> impl Strategy<Value = Tree> {
    let item = (1u32..=10, 0u8..5);
    let indicator = prop::collection::vec(item, 1..=3);
    let area = prop::collection::vec(indicator, 1..=3);
    (
        prop::collection::vec(area, 1..=3),
        prop::collection::vec(
            (
                prop::option::of(0usize..40),
                1u32..=6,
                prop::option::of(1u32..=8),
            ),
            0..=3,
        ),
        prop::collection::vec((prop::option::weighted(0.8, 0usize..40), 0usize..2), 0..=2),
        prop::collection::vec((1u32..=3, 1u32..=4), 0..=2),
        prop::option::of(1u32..=5),
    )
        .prop_map(|(areas, penalties, zeroings, bonuses, bonus_cap)| Tree {
            areas,
            penalties,
            zeroings,
            bonuses,
            bonus_cap,
        })
}

/// The rule set's YAML, with every node id in pre-order (for the penalties' targets).
fn yaml(t: &Tree) -> (String, usize) {
    let mut ids = Vec::new();
    let mut nodes = String::new();
    let mut total = 0;
    let mut k = 0;
    for (a, area) in t.areas.iter().enumerate() {
        let aid = format!("{}", a + 1);
        let apts: u32 = area.iter().flatten().map(|i| i.0).sum();
        total += apts;
        ids.push(aid.clone());
        nodes.push_str(&format!(
            "  - id: \"{aid}\"\n    name: 领域{aid}\n    points: {apts}\n    children:\n"
        ));
        for (s, ind) in area.iter().enumerate() {
            let sid = format!("{aid}.{}", s + 1);
            let spts: u32 = ind.iter().map(|i| i.0).sum();
            ids.push(sid.clone());
            nodes.push_str(&format!(
                "      - id: \"{sid}\"\n        name: 指标{sid}\n        points: {spts}\n        children:\n"
            ));
            for (i, (pts, shape)) in ind.iter().enumerate() {
                let iid = format!("{sid}.{}", i + 1);
                ids.push(iid.clone());
                let x = format!("d.t.x{k}");
                let (inputs, score) = match shape {
                    0 => (format!("[t.x{k}]"), format!("P * {x} / 100")),
                    1 => (
                        format!("[t.x{k}]"),
                        format!("deduct_steps_below({x}, 90, 10, 1)"),
                    ),
                    2 => ("[t.n]".to_string(), "deduct_each(d.t.n, 1, 3)".to_string()),
                    3 => (
                        format!("[t.x{k}]"),
                        format!("tiers({x}, [[90, P], [60, P / 2]])"),
                    ),
                    _ => (
                        format!("[t.x{k}, t.n]"),
                        format!("deduct_below({x}, 100, 1, 0.5) - d.t.n * 0.25"),
                    ),
                };
                nodes.push_str(&format!(
                    "          - {{id: \"{iid}\", name: 项{iid}, points: {pts}, inputs: {inputs}, score: \"{score}\"}}\n"
                ));
                k += 1;
            }
        }
    }
    let mut fields = String::from("  t.n: {type: count, desc: 件数}\n  t.b0: {type: bool, desc: 甲}\n  t.b1: {type: bool, desc: 乙}\n  t.m: {type: count, desc: 表彰}\n");
    for j in 0..k {
        fields.push_str(&format!("  t.x{j}: {{type: percent, desc: 率{j}}}\n"));
    }
    let target = |o: &Option<usize>| o.map_or("total".to_string(), |i| ids[i % ids.len()].clone());
    let mut extra = String::new();
    if !t.penalties.is_empty() || !t.zeroings.is_empty() {
        extra.push_str("penalties:\n");
    }
    for (i, (to, per, cap)) in t.penalties.iter().enumerate() {
        let cap = cap.map_or(String::new(), |c| format!(", cap: {c}"));
        extra.push_str(&format!(
            "  - {{id: PN{i}, name: 扣{i}, applies_to: \"{}\", inputs: [t.n]{cap}, score: \"d.t.n * {per}\"}}\n",
            target(to)
        ));
    }
    for (i, (to, flag)) in t.zeroings.iter().enumerate() {
        extra.push_str(&format!(
            "  - {{id: Z{i}, name: 零{i}, applies_to: \"{}\", inputs: [t.b{flag}], when: \"d.t.b{flag}\"}}\n",
            target(to)
        ));
    }
    if !t.bonuses.is_empty() {
        extra.push_str("bonuses:\n");
    }
    for (i, (per, cap)) in t.bonuses.iter().enumerate() {
        extra.push_str(&format!(
            "  - {{id: B{i}, name: 加{i}, inputs: [t.m], cap: {cap}, score: \"d.t.m * {per}\"}}\n"
        ));
    }
    let bonus_cap = t
        .bonus_cap
        .map_or(String::new(), |c| format!(", bonus_cap: {c}"));
    let text = format!(
        "ruleset: {{id: rnd, title: 随机, version: \"1\", total_points: {total}{bonus_cap}}}\nfields:\n{fields}indicators:\n{nodes}{extra}pass_lines:\n  - {{id: ok, name: 合格, min_total: {}}}\n",
        total / 2
    );
    (text, k)
}

/// County data for `k` rates: each rate, the count, the flags and the awards, some missing.
fn data(k: usize) -> impl Strategy<Value = String> {
    (
        prop::collection::vec(prop::option::weighted(0.85, 0u32..=1000), k),
        prop::option::weighted(0.9, 0u32..=6),
        prop::option::weighted(0.9, any::<bool>()),
        prop::option::weighted(0.9, prop::bool::weighted(0.2)),
        0u32..=3,
    )
        .prop_map(|(xs, n, b0, b1, m)| {
            let mut s = String::from("county: {id: c, name: 随机县, year: 2021}\ndata:\n");
            for (j, x) in xs.iter().enumerate() {
                if let Some(x) = x {
                    s.push_str(&format!("  t.x{j}: {}\n", *x as f64 / 10.0));
                }
            }
            if let Some(n) = n {
                s.push_str(&format!("  t.n: {n}\n"));
            }
            if let Some(b) = b0 {
                s.push_str(&format!("  t.b0: {b}\n"));
            }
            if let Some(b) = b1 {
                s.push_str(&format!("  t.b1: {b}\n"));
            }
            s.push_str(&format!("  t.m: {m}\n"));
            s
        })
}

fn case() -> impl Strategy<Value = (String, String)> {
    tree().prop_flat_map(|t| {
        let (rules, k) = yaml(&t);
        (Just(rules), data(k))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn every_output_adds_up((rules, county) in case()) {
        let rs = RuleSet::load(&RuleSource::from_documents([("r.yaml", rules.clone())]))
            .unwrap_or_else(|e| panic!("{e}\n{rules}"));
        let c = CountyData::from_str("c.yaml", &county, &rs).unwrap();
        let r = rs.score(&c);
        let (items, bonus, penalty, total) = check_all(&rs, &c, &r);
        prop_assert!(total >= fazhi::Points::ZERO);
        prop_assert_eq!(items + bonus - penalty, total);
        // A node's points never go below zero, and a zeroing entry that held leaves 0.
        for n in &r.nodes {
            prop_assert!(n.earned >= fazhi::Points::ZERO);
        }
        for z in r.penalties.iter().filter(|p| p.zeroed()) {
            let to = z.applies_to.as_ref().unwrap().as_str();
            if to == "total" {
                prop_assert_eq!(total, fazhi::Points::ZERO);
            } else if let Some(n) = r.node(to) {
                prop_assert_eq!(n.earned, fazhi::Points::ZERO);
            }
        }
    }
}
