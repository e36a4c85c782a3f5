//! docs/FORMAT.md "Numbers" on both evaluators: whole-number division is real division, a
//! threshold is met when the hand computation in decimals meets it (every helper, plain rhai
//! comparisons, vetoes, checks), tier tables in any order, results rounded once to the
//! milli-point. Cases 13 and 19 of the failing-case collection are here, with their hand values.

use fazhi::{ConditionStatus, CountyData, Evaluator, Report, RuleSet, RuleSource};
use proptest::prelude::*;

const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases");

fn earned(r: &Report, id: &str) -> String {
    let id = if id.contains('.') {
        id.to_string()
    } else {
        format!("1.{id}")
    };
    r.item(&id).expect("item").earned.to_string()
}

/// Scores `county` on both evaluators, checks they give the same report, returns it.
fn both(rules: &RuleSet, county: &CountyData) -> Report {
    let slow = rules.score_with(county, Evaluator::Interpreter);
    let fast = rules.score_with(county, Evaluator::Compiled);
    assert_eq!(slow, fast, "fast path and interpreter differ");
    fast
}

fn case(dir: &str) -> (RuleSet, CountyData) {
    let rules = RuleSet::load_dir(format!("{CASES}/{dir}/rules")).unwrap();
    let county = CountyData::from_file(format!("{CASES}/{dir}/county.yaml"), &rules).unwrap();
    (rules, county)
}

#[test]
fn case_19_exact_ratios_meet_their_thresholds() {
    // 57 of 100 is 57% by hand: tiers(…, [[57, P]]) earns P = 10 (1.1, 1.2), `>= 57` holds
    // (1.3); 100 − 57 − 36 = 7 of 100 is 7%: tiers_below(…, [[7, P]]) earns 10 (1.4).
    let (rules, county) = case("19-pct-tiers-threshold");
    let r = both(&rules, &county);
    for id in ["1.1", "1.2", "1.3", "1.4"] {
        assert_eq!(earned(&r, id), "10", "item {id}");
    }
    // 4 × 10 = 40.
    assert_eq!(r.summary.total.to_string(), "40");
    assert!(r
        .item("1.1")
        .unwrap()
        .explanation
        .to_string()
        .contains("57 ≥ 57"));
}

#[test]
fn case_13_tier_tables_in_any_order() {
    // 97 ≥ 95 reaches the top tier of [[90, P/2], [95, P]]: P = 4. A loss rate of 2 ≤ 5 reaches
    // the best tier of [[10, P/2], [5, P]]: 4. Total 4 + 4 = 8.
    let (rules, county) = case("13-tiers-order");
    let r = both(&rules, &county);
    assert_eq!(earned(&r, "1.1"), "4");
    assert_eq!(earned(&r, "1.2"), "4");
    assert_eq!(r.summary.total.to_string(), "8");
    // The note names the tier by rank from the best threshold, whatever the written order.
    assert!(
        r.item("1.1")
            .unwrap()
            .explanation
            .to_string()
            .contains("97 ≥ 95，第1档"),
        "{}",
        r.item("1.1").unwrap().explanation
    );
}

/// A one-area rule set over two counts `x.a`, `x.b`: each `(id, expression)` is an item of 10
/// points; `extra` is appended (vetoes, checks).
fn rule_set(items: &[(&str, String)], extra: &str) -> RuleSet {
    let mut y = String::from(
        "ruleset: { id: num, title: 数值, version: \"1\", total_points: TOTAL }\n\
         fields:\n  x.a: { type: count, desc: 分子 }\n  x.b: { type: count, desc: 分母 }\n\
         indicators:\n  - id: \"1\"\n    name: 区\n    points: TOTAL\n    children:\n",
    );
    for (id, expr) in items {
        y.push_str(&format!(
            "      - id: \"1.{id}\"\n        name: 项{id}\n        points: 10\n        inputs: [x.a, x.b]\n        score: '{expr}'\n"
        ));
    }
    y.push_str(extra);
    let y = y.replace("TOTAL", &(10 * items.len()).to_string());
    match RuleSet::load(&RuleSource::from_documents([("r.yaml", y)])) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

fn counts(rules: &RuleSet, a: u64, b: u64) -> CountyData {
    let y = format!("county: {{id: c, name: 某县}}\ndata: {{x: {{a: {a}, b: {b}}}}}\n");
    CountyData::from_str("c.yaml", &y, rules).unwrap()
}

#[test]
fn whole_number_division_is_real_division() {
    // 3 of 4: 3 / 4 × 100 = 75 by hand (rhai's integer division would give 0).
    let items = [
        ("1", "d.x.a / d.x.b * 100 / 10".to_string()), // 75 / 10 = 7.5
        ("2", "if d.x.a / d.x.b >= 0.75 { P } else { 0 }".to_string()), // 0.75 ≥ 0.75: 10
        ("3", "let q = d.x.a; q /= d.x.b; q * 10".to_string()), // 0.75 × 10 = 7.5
        ("4", "floor(d.x.a / d.x.b * 10.0)".to_string()), // floor(7.5) = 7: asked for
        ("5", "7 / 2".to_string()),                    // 3.5
    ];
    let rules = rule_set(&items, "");
    let r = both(&rules, &counts(&rules, 3, 4));
    assert_eq!(earned(&r, "1"), "7.5");
    assert_eq!(earned(&r, "2"), "10");
    assert_eq!(earned(&r, "3"), "7.5");
    assert_eq!(earned(&r, "4"), "7");
    assert_eq!(earned(&r, "5"), "3.5");
    // A whole number divided by 0 is an error of the item, on both paths.
    let r = both(&rules, &counts(&rules, 3, 0));
    let m = &r.item("1.1").unwrap().messages;
    assert!(m.iter().any(|m| m.contains("division by zero")), "{m:?}");
}

#[test]
fn real_differences_are_not_swallowed() {
    // 56 of 100 is 56%, one point short of 57: no tier; 56.99% is still short.
    let items = [
        ("1", "tiers(pct(d.x.a, d.x.b), [[57, P]])".to_string()),
        (
            "2",
            "tiers(pct(d.x.a, d.x.b), [[56.000001, P]])".to_string(),
        ),
        ("3", "award(pct(d.x.a, d.x.b) > 55.99999)".to_string()),
        ("4", "deduct_below(pct(d.x.a, d.x.b), 57, 1, 2)".to_string()),
    ];
    let rules = rule_set(&items, "");
    let r = both(&rules, &counts(&rules, 56, 100));
    assert_eq!(earned(&r, "1"), "0");
    assert_eq!(earned(&r, "2"), "0");
    assert_eq!(earned(&r, "3"), "10");
    // 57 − 56 = 1 point below, × 2 = 2 lost: 10 − 2 = 8.
    assert_eq!(earned(&r, "4"), "8");
}

#[test]
fn results_are_rounded_once_to_the_milli_point() {
    // 1 of 3 × 10 points = 3.3333…: 3.333; 2 of 3 = 6.6666…: 6.667 (half away from zero).
    let items = [
        ("1", "proportional(d.x.a, d.x.b)".to_string()),
        ("2", "proportional(d.x.b - d.x.a, d.x.b)".to_string()),
        ("3", "d.x.a * 0.0005 + 0.001".to_string()), // 1 × 0.0005 + 0.001 = 0.0015 → 0.002
    ];
    let rules = rule_set(&items, "");
    let r = both(&rules, &counts(&rules, 1, 3));
    assert_eq!(earned(&r, "1"), "3.333");
    assert_eq!(earned(&r, "2"), "6.667");
    assert_eq!(earned(&r, "3"), "0.002");
    // The total is the exact sum of the rounded items: 3.333 + 6.667 + 0.002 = 10.002.
    assert_eq!(r.summary.total.to_string(), "10.002");
}

/// `100·a/b` computed exactly, as a decimal: the integer part and up to 30 decimals, trailing
/// zeros removed (how a rule author writes the threshold by hand).
fn exact_percent(a: u64, b: u64) -> String {
    let (num, den) = (100 * a as u128, b as u128);
    let mut s = (num / den).to_string();
    let mut rem = num % den;
    if rem > 0 {
        s.push('.');
        for _ in 0..30 {
            rem *= 10;
            s.push(char::from(b'0' + (rem / den) as u8));
            rem %= den;
            if rem == 0 {
                break;
            }
        }
    }
    s
}

#[test]
fn exact_percent_is_long_division() {
    assert_eq!(exact_percent(57, 100), "57");
    assert_eq!(exact_percent(1, 8), "12.5");
    assert_eq!(exact_percent(1, 3), "33.333333333333333333333333333333");
}

fn threshold_items(t: &str) -> Vec<(&'static str, String)> {
    let p = "pct(d.x.a, d.x.b)";
    vec![
        ("1", format!("tiers({p}, [[{t}, P]])")),
        ("2", format!("tiers_below({p}, [[{t}, P]])")),
        ("3", format!("tiers(pct_or(d.x.a, d.x.b, 0), [[{t}, P]])")),
        ("4", format!("deduct_below({p}, {t}, 1, 1)")),
        ("5", format!("deduct_above({p}, {t}, 1, 1)")),
        ("6", format!("award({p} >= {t})")),
        ("7", format!("award({p} <= {t})")),
        ("8", format!("award({p} == {t} && !({p} != {t}))")),
        ("9", format!("award(!({p} > {t}) && !({p} < {t}))")),
        (
            "10",
            format!("if d.x.a / d.x.b * 100 >= {t} {{ P }} else {{ 0 }}"),
        ),
        (
            "11",
            format!("if 100 * d.x.a / d.x.b <= {t} {{ P }} else {{ 0 }}"),
        ),
        ("12", format!("award(ratio(d.x.a, d.x.b) * 100 == {t})")),
        ("13", format!("tiers({p}, [[{t} + 10, P], [{t}, P]])")),
        (
            "14",
            format!("tiers_below(d.x.a * 100 / d.x.b, [[{t}, P], [{t} + 5, 1]])"),
        ),
        // The step deductions of issue 12 at their target: no step begun, nothing lost.
        ("15", format!("deduct_started_steps_below({p}, {t}, 10, 1)")),
        ("16", format!("deduct_started_steps_above({p}, {t}, 10, 1)")),
        ("17", format!("deduct_steps_below({p}, {t}, 0.5, 1)")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Counts a ≤ b and a threshold written as 100·a/b computed exactly: every helper and every
    /// plain comparison finds the threshold met, exactly as by hand, on both evaluators; a veto
    /// `< t` does not fire and a check `== t` holds.
    #[test]
    fn a_threshold_equal_to_the_ratio_is_met(b in 1u64..=2_000_000, frac in 0.0f64..=1.0) {
        let a = ((b as f64) * frac).floor() as u64;
        let t = exact_percent(a, b);
        let items = threshold_items(&t);
        let extra = format!(
            "vetoes:\n  - {{ id: V1, name: 低于, inputs: [x.a, x.b], when: 'pct(d.x.a, d.x.b) < {t}' }}\n\
             checks:\n  - {{ id: C1, name: 等于, inputs: [x.a, x.b], expect: 'd.x.a / d.x.b * 100 == {t}', message: 不等 }}\n"
        );
        let rules = rule_set(&items, &extra);
        let r = both(&rules, &counts(&rules, a, b));
        for (id, expr) in &items {
            prop_assert_eq!(earned(&r, id), "10", "a={} b={} t={} item {}: {}", a, b, t, id, expr);
        }
        prop_assert_eq!(r.vetoes[0].status, ConditionStatus::Clear);
        prop_assert_eq!(r.checks[0].status, ConditionStatus::Clear);
    }
}

#[test]
fn the_same_inputs_give_the_same_bytes_on_any_thread_count() {
    // Results are rounded once per item and summed exactly in thousandths, so the order in
    // which threads finish cannot change a byte: 200 synthetic counties scored on 1, 2 and 5
    // threads, and `fazhi rank` with RAYON_NUM_THREADS 1 and 3.
    let rules = RuleSet::builtin().unwrap();
    let counties = fazhi::synth::generate(&rules, 200, 7);
    let on = |n: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap();
        pool.install(|| {
            fazhi::render::render(&rules.score_batch(&counties), fazhi::render::Format::Json)
        })
    };
    let one = on(1);
    assert_eq!(one, on(2));
    assert_eq!(one, on(5));
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/counties");
    let rank = |n: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_fazhi"))
            .args(["rank", "--quiet", "--format", "json", dir])
            .env("RAYON_NUM_THREADS", n)
            .output()
            .unwrap()
    };
    let (a, b) = (rank("1"), rank("3"));
    assert_eq!(a.status.code(), Some(0));
    assert!(!a.stdout.is_empty());
    assert_eq!(a.stdout, b.stdout);
}
