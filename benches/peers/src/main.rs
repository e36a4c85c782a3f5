//! fazhi against its peers, side by side in one process (issue 17).
//!
//! The same generated rule set — `ITEMS` items of the four shapes published 评分细则 use most
//! (tier tables, linear deductions below a target, tiers on a ratio of two counts, all-or-nothing
//! conditions) — and the same `COUNTIES` synthetic counties are run through:
//!
//! - fazhi, points only ([`fazhi::RuleSet::evaluate_items`], compiled fast path);
//! - fazhi, itemized reports ([`fazhi::RuleSet::score`], every item with its explanation);
//! - fazhi, the rhai interpreter alone, and the naive rhai loop (one scope per county);
//! - GoRules ZEN's expression VM (`zen-expression`), each rule compiled once, one VM reused;
//! - plain Rust closures over a dense row of `f64` (the floor).
//!
//! Every evaluator's total for every county is checked against plain Rust (to the milli-point,
//! the precision fazhi reports); the run fails on any mismatch. Then each evaluator is timed on
//! one thread over every county (`REPEAT` times, the best kept) and the time per item and the
//! ratios are printed.
//!
//! Run: `cargo run --release -p fazhi-peers-bench` (arguments: counties, repeats, and
//! optionally one of `points`, `itemized`, `zen` to time that evaluator alone, for a profiler:
//! `perf record -g target/release/fazhi-peers-bench 2844 20 itemized`).

use fazhi::{CountyData, Evaluator, RuleSet, RuleSource};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;
use std::time::Instant;
use zen_expression::variable::Variable;
use zen_expression::vm::VM;

const ITEMS: usize = 100;
const AREAS: usize = 10;
const POINTS: f64 = 10.0;

/// One generated rule in every evaluator's language.
struct Rule {
    id: String,
    /// Field paths read, in order (`gA.xK`).
    inputs: Vec<String>,
    /// The fazhi (rhai) expression.
    rhai: String,
    /// The ZEN expression (the same arithmetic with ternaries).
    zen: String,
    /// Plain Rust over the inputs as `f64` (bools as 0/1).
    native: fn(&[f64]) -> f64,
}

fn rules() -> Vec<Rule> {
    (0..ITEMS)
        .map(|k| {
            let a = k % AREAS;
            let f = |n: &str| format!("g{a}.{n}{k}");
            let (r, n, t, b) = (f("r"), f("n"), f("t"), f("b"));
            match k % 4 {
                // ≥95% 得满分；90%–95% 得一半；<90% 不得分
                0 => Rule {
                    id: format!("{}.{}", a + 1, k + 1),
                    inputs: vec![r.clone()],
                    rhai: format!("tiers(d.{r}, [[95, P], [90, P / 2]])"),
                    zen: format!("{r} >= 95 ? 10 : ({r} >= 90 ? 5 : 0)"),
                    native: |x| if x[0] >= 95.0 { 10.0 } else if x[0] >= 90.0 { 5.0 } else { 0.0 },
                },
                // 每低1个百分点扣0.5分，扣完为止
                1 => Rule {
                    id: format!("{}.{}", a + 1, k + 1),
                    inputs: vec![r.clone()],
                    rhai: format!("deduct_below(d.{r}, 100, 1, 0.5)"),
                    zen: format!(
                        "{r} >= 100 ? 10 : (10 - (100 - {r}) * 0.5 > 0 ? 10 - (100 - {r}) * 0.5 : 0)"
                    ),
                    native: |x| {
                        if x[0] >= 100.0 {
                            10.0
                        } else {
                            (10.0 - (100.0 - x[0]) * 0.5).max(0.0)
                        }
                    },
                },
                // 办结率（办结数/受理数）≥90% 得满分，≥60% 得一半；无受理视为100%
                2 => Rule {
                    id: format!("{}.{}", a + 1, k + 1),
                    inputs: vec![n.clone(), t.clone()],
                    rhai: format!("tiers(pct_or(d.{n}, d.{t}, 100), [[90, P], [60, P / 2]])"),
                    zen: format!(
                        "({t} == 0 ? 100 : 100 * {n} / {t}) >= 90 ? 10 : (({t} == 0 ? 100 : 100 * {n} / {t}) >= 60 ? 5 : 0)"
                    ),
                    native: |x| {
                        // 100·n/t ≥ θ compared exactly in integers (n, t are counts), as a
                        // hand computation in decimals would.
                        let (n, t) = (x[0], x[1]);
                        if t == 0.0 || 100.0 * n >= 90.0 * t {
                            10.0
                        } else if 100.0 * n >= 60.0 * t {
                            5.0
                        } else {
                            0.0
                        }
                    },
                },
                // 有…得满分，无不得分
                _ => Rule {
                    id: format!("{}.{}", a + 1, k + 1),
                    inputs: vec![b.clone()],
                    rhai: format!("award(d.{b})"),
                    zen: format!("{b} ? 10 : 0"),
                    native: |x| if x[0] != 0.0 { 10.0 } else { 0.0 },
                },
            }
        })
        .collect()
}

/// The rule set's three YAML documents.
fn ruleset_yaml(rules: &[Rule]) -> Vec<(String, String)> {
    let total = ITEMS as f64 * POINTS;
    let header = format!(
        "ruleset:\n  id: peers\n  title: 同台比较指标体系\n  version: \"1\"\n  total_points: {total}\n"
    );
    let mut fields = String::from("fields:\n");
    for r in rules {
        for f in &r.inputs {
            let kind = match f.split('.').nth(1).and_then(|s| s.chars().next()) {
                Some('r') => "{ type: percent, desc: 完成率 }",
                Some('b') => "{ type: bool, desc: 是否建立 }",
                _ => "{ type: count, unit: 件, desc: 件数 }",
            };
            fields.push_str(&format!("  {f}: {kind}\n"));
        }
    }
    let mut tree = String::from("indicators:\n");
    for a in 0..AREAS {
        tree.push_str(&format!(
            "  - id: \"{}\"\n    name: 领域{}\n    points: {}\n    children:\n",
            a + 1,
            a + 1,
            POINTS * (ITEMS / AREAS) as f64
        ));
        for r in rules
            .iter()
            .filter(|r| r.id.starts_with(&format!("{}.", a + 1)))
        {
            tree.push_str(&format!(
                "      - id: \"{}\"\n        name: 指标{}\n        points: {POINTS}\n        inputs: [{}]\n        rule_text: 按评分细则\n        score: '{}'\n",
                r.id,
                r.id,
                r.inputs.join(", "),
                r.rhai
            ));
        }
    }
    vec![
        ("ruleset.yaml".into(), header),
        ("fields.yaml".into(), fields),
        ("areas.yaml".into(), tree),
    ]
}

/// One county's values: a percent in [80, 100] with two decimals, counts with t in [0, 40].
fn county(rules: &[Rule], rng: &mut ChaCha8Rng) -> serde_json::Value {
    let mut data = serde_json::Map::new();
    for r in rules {
        for f in &r.inputs {
            let (g, leaf) = f.split_once('.').unwrap_or((f, f));
            let v: serde_json::Value = match leaf.chars().next() {
                Some('r') => serde_json::json!(rng.gen_range(8000..=10000) as f64 / 100.0),
                Some('b') => serde_json::json!(rng.gen_bool(0.7)),
                Some('t') => serde_json::json!(rng.gen_range(0..=40)),
                _ => serde_json::json!(rng.gen_range(0..=40)),
            };
            let group = data
                .entry(g.to_string())
                .or_insert_with(|| serde_json::json!({}));
            if let Some(m) = group.as_object_mut() {
                m.insert(leaf.to_string(), v);
            }
        }
    }
    // n never above t: a count done is at most the count received.
    for k in 0..ITEMS {
        let g = format!("g{}", k % AREAS);
        if let Some(m) = data.get_mut(&g).and_then(|v| v.as_object_mut()) {
            if let (Some(n), Some(t)) = (
                m.get(&format!("n{k}")).and_then(|v| v.as_i64()),
                m.get(&format!("t{k}")).and_then(|v| v.as_i64()),
            ) {
                m.insert(format!("n{k}"), serde_json::json!(n.min(t)));
            }
        }
    }
    serde_json::Value::Object(data)
}

fn lookup(data: &serde_json::Value, path: &str) -> f64 {
    path.split('.')
        .try_fold(data, |v, k| v.get(k))
        .and_then(|v| v.as_f64().or_else(|| v.as_bool().map(|b| b as u8 as f64)))
        .unwrap_or(f64::NAN)
}

fn milli(x: f64) -> i64 {
    (x * 1000.0).round() as i64
}

fn best_of<F: FnMut()>(repeat: usize, mut f: F) -> f64 {
    (0..repeat)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2844);
    let repeat: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    let only = args.next();

    let rules = rules();
    let set = match RuleSet::load(&RuleSource::from_documents(ruleset_yaml(&rules))) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("the generated rule set does not load:\n{e}");
            std::process::exit(1);
        }
    };
    let mut rng = ChaCha8Rng::seed_from_u64(17);
    let raw: Vec<serde_json::Value> = (0..n).map(|_| county(&rules, &mut rng)).collect();
    let counties: Vec<CountyData> = raw
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let doc = serde_json::json!({"county": {"id": format!("c{i}"), "name": format!("县{i}")}, "data": d});
            CountyData::from_str("c.json", &doc.to_string(), &set).expect("county fits")
        })
        .collect();
    let rows: Vec<Vec<Vec<f64>>> = raw
        .iter()
        .map(|d| {
            rules
                .iter()
                .map(|r| r.inputs.iter().map(|f| lookup(d, f)).collect())
                .collect()
        })
        .collect();
    let zen_rules: Vec<_> = rules
        .iter()
        .map(|r| zen_expression::compile_expression(&r.zen).expect("ZEN compiles"))
        .collect();
    let zen_ctx: Vec<Variable> = raw.iter().map(|d| Variable::from(d.clone())).collect();

    // One evaluator alone, unchecked (for a profiler; the full run checks every total).
    let per_item = |secs: f64| secs * 1e6 / (n * ITEMS) as f64;
    let mut vm = VM::new();
    if let Some(only) = only {
        let t = match only.as_str() {
            "points" => best_of(repeat, || {
                for c in &counties {
                    black_box(set.evaluate_items(c, Evaluator::Compiled));
                }
            }),
            "itemized" => best_of(repeat, || {
                for c in &counties {
                    black_box(set.score(c));
                }
            }),
            "zen" => best_of(repeat, || {
                for ctx in &zen_ctx {
                    for e in &zen_rules {
                        let _ = black_box(e.evaluate_with(ctx.clone(), &mut vm));
                    }
                }
            }),
            other => {
                eprintln!("unknown evaluator `{other}`: use points, itemized or zen");
                std::process::exit(2);
            }
        };
        println!("{only}: {:.3} µs per item", per_item(t));
        return;
    }
    // Totals, checked against plain Rust.
    let native_total =
        |row: &Vec<Vec<f64>>| -> f64 { rules.iter().zip(row).map(|(r, x)| (r.native)(x)).sum() };
    let mut mismatches = Vec::new();
    for (i, c) in counties.iter().enumerate() {
        let want = milli(native_total(&rows[i]));
        let sum = |v: Vec<Option<f64>>| milli(v.into_iter().flatten().sum());
        let zen: f64 = zen_rules
            .iter()
            .map(|e| match e.evaluate_with(zen_ctx[i].clone(), &mut vm) {
                Ok(Variable::Number(d)) => d.to_string().parse::<f64>().unwrap_or(f64::NAN),
                _ => f64::NAN,
            })
            .sum();
        let got = [
            (
                "fazhi points-only",
                sum(set.evaluate_items(c, Evaluator::Compiled)),
            ),
            (
                "fazhi interpreter",
                sum(set.evaluate_items(c, Evaluator::Interpreter)),
            ),
            ("naive rhai", sum(set.evaluate_items(c, Evaluator::Naive))),
            ("fazhi itemized", set.score(c).summary.total.milli()),
            ("ZEN", milli(zen)),
        ];
        for (who, g) in got {
            if g != want {
                mismatches.push(format!(
                    "county c{i}: {who} {g} ≠ plain Rust {want} (milli-points)"
                ));
            }
        }
    }
    println!(
        "{} counties × {ITEMS} items; totals checked: {} mismatches",
        n,
        mismatches.len()
    );
    for m in mismatches.iter().take(10) {
        println!("  {m}");
    }

    let t_native = best_of(repeat, || {
        for row in &rows {
            black_box(native_total(row));
        }
    });
    let t_zen = best_of(repeat, || {
        for ctx in &zen_ctx {
            for e in &zen_rules {
                let _ = black_box(e.evaluate_with(ctx.clone(), &mut vm));
            }
        }
    });
    let t_points = best_of(repeat, || {
        for c in &counties {
            black_box(set.evaluate_items(c, Evaluator::Compiled));
        }
    });
    let t_report = best_of(repeat, || {
        for c in &counties {
            black_box(set.score(c));
        }
    });
    let t_interp = best_of(repeat, || {
        for c in &counties {
            black_box(set.evaluate_items(c, Evaluator::Interpreter));
        }
    });
    let t_naive = best_of(repeat, || {
        for c in &counties {
            black_box(set.evaluate_items(c, Evaluator::Naive));
        }
    });
    println!("\n| evaluator (one thread) | µs per item | ZEN's time ÷ this |");
    println!("|---|---:|---:|");
    for (name, t) in [
        ("plain Rust (floor)", t_native),
        ("fazhi points-only (`evaluate_items`, compiled)", t_points),
        ("fazhi itemized reports (`score`)", t_report),
        ("GoRules ZEN expression VM", t_zen),
        ("fazhi interpreter only", t_interp),
        ("naive rhai (one scope per county)", t_naive),
    ] {
        println!("| {name} | {:.3} | {:.2}× |", per_item(t), t_zen / t);
    }
    if !mismatches.is_empty() {
        std::process::exit(1);
    }
}
