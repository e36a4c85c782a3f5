//! The Monte Carlo uncertainty analysis and the sensitivity indices: zero noise gives zero-width
//! intervals, seeded runs are identical (whatever the number of threads), the fast path agrees
//! with exact scoring, factor noise keeps the total (or floats it when asked), the Sobol indices
//! find the areas whose weights decide the ranks, vetoed counties are marked and never pass,
//! and the cases a policy designer trips over (one county, one draw, every county vetoed, an
//! area switched off, too many draws) give sensible output or a clear error.

mod common;
use common::*;
use fazhi::analyse::policy::scores::Batch;
use fazhi::analyse::policy::uncertainty::{analyse, LevelNoise, Noise, Settings, Uncertainty};
use fazhi::analyse::policy::weights::{Scenario, Weights};
use fazhi::render::svg::rank_intervals;
use fazhi::{CountyData, Error, Points, RuleSet, RuleSource};
use proptest::prelude::*;

const WEIGHTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rules/weights");
fn national() -> (RuleSet, Vec<CountyData>) {
    let rules = RuleSet::builtin().unwrap();
    let counties = fixture_counties(&rules);
    (rules, counties)
}

fn run(
    rules: &RuleSet,
    counties: &[CountyData],
    noise: Noise,
    runs: usize,
    seed: u64,
) -> Uncertainty {
    run_with(
        rules,
        counties,
        &Weights::nominal(rules),
        noise,
        runs,
        seed,
        false,
    )
}

fn run_with(
    rules: &RuleSet,
    counties: &[CountyData],
    start: &Weights,
    noise: Noise,
    runs: usize,
    seed: u64,
    float_total: bool,
) -> Uncertainty {
    let batch = Batch::evaluate(rules, counties);
    let s = Settings {
        noise,
        runs,
        seed,
        sensitivity: None,
        float_total,
    };
    analyse(rules, &batch, start, &s).unwrap()
}

fn all_levels(f: f64) -> Noise {
    [
        (1, LevelNoise::Factor(f)),
        (2, LevelNoise::Factor(f)),
        (3, LevelNoise::Factor(f)),
    ]
    .into()
}

#[test]
fn zero_noise_gives_zero_width_intervals_at_the_exact_ranks() {
    let (rules, counties) = national();
    let reports: Vec<_> = counties.iter().map(|c| rules.score(c)).collect();
    let totals: Vec<_> = reports.iter().map(|r| r.summary.total).collect();
    let exact_ranks = fazhi::analyse::stats::competition_ranks(&totals);
    for noise in [Noise::new(), all_levels(0.0)] {
        let u = run(&rules, &counties, noise, 40, 9);
        assert_eq!(u.counties.len(), counties.len());
        for c in &u.counties {
            let i = counties.iter().position(|d| d.info().id == c.id).unwrap();
            assert_eq!(c.baseline_total, reports[i].summary.total, "{}", c.id);
            assert_eq!(c.baseline_rank, exact_ranks[i], "{}", c.id);
            assert_eq!(
                (c.p05_rank, c.median_rank, c.p95_rank),
                (c.baseline_rank, c.baseline_rank, c.baseline_rank)
            );
            assert_eq!(c.mean_rank_shift, 0.0);
            let exact: Vec<f64> = reports[i]
                .summary
                .pass_lines
                .iter()
                .map(|p| if p.reached { 1.0 } else { 0.0 })
                .collect();
            assert_eq!(c.pass_probability, exact, "{}", c.id);
        }
        assert_eq!(u.mean_rank_shift, 0.0);
    }
}

#[test]
fn noise_widens_intervals_and_keeps_them_ordered() {
    let (rules, counties) = national();
    let u = run(&rules, &counties, all_levels(0.5), 400, 3);
    assert!(u
        .counties
        .iter()
        .all(|c| c.p05_rank <= c.median_rank && c.median_rank <= c.p95_rank));
    assert!(u
        .counties
        .iter()
        .all(|c| c.pass_probability.iter().all(|p| (0.0..=1.0).contains(p))));
    // A vetoed county never passes, whatever the weights.
    let vetoed = u
        .counties
        .iter()
        .find(|c| c.id == "synthetic-vetoed")
        .unwrap();
    assert_eq!(vetoed.pass_probability, vec![0.0]);
    // Under heavy noise something moves.
    assert!(u.mean_rank_shift > 0.0, "{u:?}");
}

#[test]
fn seeded_runs_are_identical_whatever_the_threads() {
    let (rules, counties) = national();
    let noise: Noise = [
        (1, LevelNoise::Factor(0.4)),
        (2, LevelNoise::Dirichlet(20.0)),
        (3, LevelNoise::Uniform),
    ]
    .into();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let nominal = Weights::nominal(&rules);
    let mut by_mode = Vec::new();
    for float in [false, true] {
        let go = |seed| run_with(&rules, &counties, &nominal, noise.clone(), 300, seed, float);
        let a = go(42);
        let b = go(42);
        assert_eq!(a, b);
        let c = pool.install(|| go(42));
        assert_eq!(a, c);
        let d = go(43);
        assert_ne!(fazhi::render::to_json(&a), fazhi::render::to_json(&d));
        assert_eq!(fazhi::render::to_json(&a), fazhi::render::to_json(&b));
        assert_eq!(a.float_total, float);
        by_mode.push(a);
    }
    // The two ways of treating the total are two different analyses.
    assert_ne!(by_mode[0].counties, by_mode[1].counties);
}

/// The weights rule set (20 points) and a county with full marks on every item, so its total
/// is the sum of the item weights of a draw.
fn full_marks() -> (RuleSet, CountyData, CountyData) {
    let rules = RuleSet::load_dir(WEIGHTS).unwrap();
    let full = county(&rules, "county: {id: full, name: 满分县}\ndata:\n  litigation: {head_appearance_rate: 100, cases: 0}\n  review: {corrected: 0, decided: 3}\n  decisions: {steps_done: [公众参与, 专家论证, 风险评估, 合法性审查, 集体讨论决定]}\n  enforcement.violations_found: 0\n  service: {online_rate: 99, items_total: 10, items_done_once: 10}\n  org.has_plan: true\n  report: {channel: 政府网站, published_on: \"2021-03-01\"}\n");
    let half = county(&rules, "county: {id: half, name: 半分县}\ndata:\n  litigation: {head_appearance_rate: 97, cases: 0}\n  org.has_plan: true\n  report: {channel: 报纸}\n");
    assert_eq!(rules.score(&full).summary.total.to_string(), "20");
    (rules, full, half)
}

/// Pass lines that tell whether a total is exactly the rule set's: the first at the total (a
/// draw below it fails), the second a thousandth of a point above (a draw above it passes).
fn exact_total_lines(rules: &RuleSet) -> Weights {
    let mut w = Weights::nominal(rules);
    w.pass_lines[0].min_total = w.total;
    w.pass_lines[0].min_area_share = None;
    w.pass_lines[1].min_total = w.total + Points::from_milli(1);
    w.pass_lines[1].min_area_share = None;
    w
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Under factor noise on any levels, every draw's total is the rule set's total to the
    /// milli-point: the full-marks county always reaches a line at the total and never one a
    /// thousandth above it.
    #[test]
    fn factor_noise_keeps_the_total_in_every_draw(
        mask in 1u8..8,
        f in 0.0f64..0.99,
        seed in any::<u64>(),
    ) {
        let (rules, full, half) = full_marks();
        let noise: Noise = (1..=3)
            .filter(|l| mask & (1 << (l - 1)) != 0)
            .map(|l| (l, LevelNoise::Factor(f)))
            .collect();
        let w = exact_total_lines(&rules);
        let u = run_with(&rules, &[full, half], &w, noise, 60, seed, false);
        let c = u.counties.iter().find(|c| c.id == "full").unwrap();
        prop_assert_eq!(&c.pass_probability, &vec![1.0, 0.0]);
        prop_assert_eq!(u.total_points, w.total);
    }
}

#[test]
fn float_total_keeps_the_old_floating_total() {
    // With --float-total the draws' totals spread around 20: the line at the total is reached
    // in about half the draws, and so is the line just above it.
    let (rules, full, half) = full_marks();
    let w = exact_total_lines(&rules);
    let noise: Noise = [(1, LevelNoise::Factor(0.5))].into();
    let u = run_with(
        &rules,
        &[full.clone(), half.clone()],
        &w,
        noise.clone(),
        400,
        8,
        true,
    );
    let c = u.counties.iter().find(|c| c.id == "full").unwrap();
    for p in &c.pass_probability {
        assert!((0.3..0.7).contains(p), "{:?}", c.pass_probability);
    }
    assert!(u.float_total);
    // The default on the same draws: always exactly 20.
    let u = run_with(&rules, &[full, half], &w, noise, 400, 8, false);
    let c = u.counties.iter().find(|c| c.id == "full").unwrap();
    assert_eq!(c.pass_probability, vec![1.0, 0.0]);
}

#[test]
fn a_renormalised_total_keeps_pass_lines_meaning_the_same() {
    // The synthetic strong county (901.35, above 示范's 800) passes in nearly every draw when
    // the total is kept; with the total floating, the draws that shrink it cost it the line.
    let (rules, counties) = national();
    let nominal = Weights::nominal(&rules);
    let noise = all_levels(0.3);
    let go = |float| {
        let u = run_with(&rules, &counties, &nominal, noise.clone(), 2000, 1, float);
        let c = u
            .counties
            .iter()
            .find(|c| c.id == "synthetic-strong")
            .unwrap();
        c.pass_probability[0]
    };
    let (kept, floating) = (go(false), go(true));
    assert!(kept > 0.98, "kept {kept}");
    assert!(floating < kept - 0.02, "floating {floating}, kept {kept}");
}

#[test]
fn parents_keep_their_points_under_uniform_and_dirichlet_shares() {
    // A county with full marks everywhere scores exactly the full total in every draw when
    // shares move but parents keep their points — also at a concentration so small that the
    // Gamma variates underflow f64 (they are drawn as logarithms).
    let (rules, full, half) = full_marks();
    let w = exact_total_lines(&rules);
    for noise in [
        Noise::from([
            (1, LevelNoise::Uniform),
            (2, LevelNoise::Uniform),
            (3, LevelNoise::Uniform),
        ]),
        Noise::from([
            (1, LevelNoise::Dirichlet(5.0)),
            (2, LevelNoise::Dirichlet(5.0)),
        ]),
        Noise::from([
            (1, LevelNoise::Dirichlet(0.01)),
            (2, LevelNoise::Dirichlet(0.01)),
            (3, LevelNoise::Dirichlet(0.01)),
        ]),
    ] {
        let u = run_with(
            &rules,
            &[full.clone(), half.clone()],
            &w,
            noise,
            200,
            5,
            false,
        );
        let f = u.counties.iter().find(|c| c.id == "full").unwrap();
        assert_eq!(f.pass_probability, vec![1.0, 0.0]);
        assert_eq!((f.p05_rank, f.p95_rank), (1, 1));
    }
}

#[test]
fn bad_settings_are_typed_errors() {
    let rules = mini();
    let batch = Batch::evaluate(&rules, &[county(&rules, &good_county())]);
    let w = Weights::nominal(&rules);
    let s = |noise: Noise, runs, sensitivity| Settings {
        noise,
        runs,
        seed: 1,
        sensitivity,
        float_total: false,
    };
    let e = analyse(
        &rules,
        &batch,
        &w,
        &s([(3, LevelNoise::Uniform)].into(), 10, None),
    )
    .unwrap_err();
    assert!(
        matches!(&e, Error::Invalid(m) if m.contains("level 3 does not exist")),
        "{e}"
    );
    let e = analyse(&rules, &batch, &w, &s(Noise::new(), 0, None)).unwrap_err();
    assert!(e.to_string().contains("at least 1"), "{e}");
    let e = analyse(
        &rules,
        &batch,
        &w,
        &s([(1, LevelNoise::Uniform)].into(), 10, Some(50)),
    )
    .unwrap_err();
    assert!(e.to_string().contains("factor noise"), "{e}");
    let empty = Batch::evaluate(&rules, &[]);
    assert!(analyse(&rules, &empty, &w, &s(Noise::new(), 10, None)).is_err());
}

/// Three areas: every county earns full marks in areas 2 and 3, area 1 and a bonus differ. With
/// a floating total (absolute points), the bonus does not depend on the weights and areas 2 and
/// 3 add the same to every county, so only area 1's weight can reorder the counties: it decides
/// every rank. (With the total kept, areas 2 and 3 also set how much area 1 weighs against the
/// bonus, so their indices do not vanish: see `relative_case`.)
fn sensitivity_case() -> (RuleSet, Vec<CountyData>) {
    let rules = RuleSet::load(&RuleSource::from_documents([(
        "sens.yaml",
        r#"
ruleset: {id: sens, title: 敏感性检验, version: "1", total_points: 40, bonus_cap: 20}
fields:
  a.rate: {type: percent, desc: 甲项完成率}
  b.ok: {type: bool, desc: 乙项}
  c.ok: {type: bool, desc: 丙项}
  x.bonus: {type: number, range: [0, 20], desc: 加分}
indicators:
  - {id: "1", name: 甲, points: 20, children: [{id: "1.1", name: 甲项, points: 20, inputs: [a.rate], score: "proportional(d.a.rate)"}]}
  - {id: "2", name: 乙, points: 10, children: [{id: "2.1", name: 乙项, points: 10, inputs: [b.ok], score: "award(d.b.ok)"}]}
  - {id: "3", name: 丙, points: 10, children: [{id: "3.1", name: 丙项, points: 10, inputs: [c.ok], score: "award(d.c.ok)"}]}
bonuses:
  - {id: X, name: 加分, inputs: [x.bonus], cap: 20, score: d.x.bonus}
"#,
    )]))
    .unwrap();
    let mut state = 12345u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as f64 / (1u64 << 31) as f64
    };
    let counties = (0..30)
        .map(|i| {
            let yaml = format!(
                "county: {{id: c{i:02}, name: 县{i}}}\ndata: {{a.rate: {:.1}, b.ok: true, c.ok: true, x.bonus: {:.1}}}\n",
                next() * 100.0,
                next() * 10.0
            );
            county(&rules, &yaml)
        })
        .collect();
    (rules, counties)
}

#[test]
fn sensitivity_finds_the_one_area_that_decides_the_ranks() {
    let (rules, counties) = sensitivity_case();
    let batch = Batch::evaluate(&rules, &counties);
    let s = Settings {
        noise: [(1, LevelNoise::Factor(0.5))].into(),
        runs: 200,
        seed: 11,
        sensitivity: Some(2000),
        float_total: true,
    };
    let u = analyse(&rules, &batch, &Weights::nominal(&rules), &s).unwrap();
    assert!(
        u.mean_rank_shift > 0.5,
        "the case must move ranks: {}",
        u.mean_rank_shift
    );
    let sens = u.sensitivity.unwrap();
    assert_eq!(sens.evaluations, 2000 * 5);
    let rank = &sens.outputs[0];
    assert_eq!(rank.output, "mean_rank_shift");
    assert!(rank.variance > 0.0);
    let idx = |i: usize| {
        (
            rank.areas[i].first_order.unwrap(),
            rank.areas[i].total_order.unwrap(),
        )
    };
    let (s1, st1) = idx(0);
    assert!(
        (s1 - 1.0).abs() < 0.1 && (st1 - 1.0).abs() < 0.1,
        "area 1: S={s1} ST={st1}"
    );
    for i in [1, 2] {
        let (s, st) = idx(i);
        assert!(
            s.abs() < 0.02 && st.abs() < 0.02,
            "area {}: S={s} ST={st}",
            i + 1
        );
    }
}

/// Relative weights: areas 1 and 2 (10 points each) differ between counties, area 3 (20
/// points) is full marks everywhere, and there is no bonus. Two counties compare by
/// `u1·Δa + u2·Δb` whatever the total, so only the ratio `u1 / u2` can reorder them: area 3's
/// weight does nothing. Counties come in mirrored pairs `(a, b)`, `(b, a)`, so swapping `u1`
/// and `u2` only swaps pair members, and the mean rank shift is a symmetric function of two
/// independent, identically distributed factors: areas 1 and 2 have equal indices.
fn relative_case() -> (RuleSet, Vec<CountyData>) {
    let rules = RuleSet::load(&RuleSource::from_documents([(
        "rel.yaml",
        r#"
ruleset: {id: rel, title: 相对权重检验, version: "1", total_points: 40, bonus_cap: 0}
fields:
  a.rate: {type: percent, desc: 甲项完成率}
  b.rate: {type: percent, desc: 乙项完成率}
  c.ok: {type: bool, desc: 丙项}
indicators:
  - {id: "1", name: 甲, points: 10, children: [{id: "1.1", name: 甲项, points: 10, inputs: [a.rate], score: "proportional(d.a.rate)"}]}
  - {id: "2", name: 乙, points: 10, children: [{id: "2.1", name: 乙项, points: 10, inputs: [b.rate], score: "proportional(d.b.rate)"}]}
  - {id: "3", name: 丙, points: 20, children: [{id: "3.1", name: 丙项, points: 20, inputs: [c.ok], score: "award(d.c.ok)"}]}
"#,
    )]))
    .unwrap();
    let mut state = 777u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as f64 / (1u64 << 31) as f64
    };
    let mut counties = Vec::new();
    for i in 0..15 {
        let (a, b) = (next() * 100.0, next() * 100.0);
        for (j, (x, y)) in [(a, b), (b, a)].into_iter().enumerate() {
            let yaml = format!(
                "county: {{id: c{i:02}{j}, name: 县{i}{j}}}\ndata: {{a.rate: {x:.1}, b.rate: {y:.1}, c.ok: true}}\n"
            );
            counties.push(county(&rules, &yaml));
        }
    }
    (rules, counties)
}

#[test]
fn sensitivity_under_relative_weights_has_its_known_answer() {
    let (rules, counties) = relative_case();
    let batch = Batch::evaluate(&rules, &counties);
    let s = Settings {
        noise: [(1, LevelNoise::Factor(0.5))].into(),
        runs: 200,
        seed: 5,
        sensitivity: Some(6000),
        float_total: false,
    };
    let u = analyse(&rules, &batch, &Weights::nominal(&rules), &s).unwrap();
    assert!(u.mean_rank_shift > 0.5, "{}", u.mean_rank_shift);
    let sens = u.sensitivity.unwrap();
    let rank = &sens.outputs[0];
    let idx = |i: usize| {
        (
            rank.areas[i].first_order.unwrap(),
            rank.areas[i].total_order.unwrap(),
        )
    };
    let ((s1, st1), (s2, st2), (s3, st3)) = (idx(0), idx(1), idx(2));
    assert!(
        s3.abs() < 0.02 && st3.abs() < 0.02,
        "area 3: S={s3} ST={st3}"
    );
    assert!((s1 - s2).abs() < 0.1, "S1={s1} S2={s2}");
    assert!((st1 - st2).abs() < 0.1, "ST1={st1} ST2={st2}");
    assert!(st1 > 0.3 && st2 > 0.3, "ST1={st1} ST2={st2}");
    // Without bonuses or penalties, scaling every weight by one factor reorders nobody: the
    // floating total gives the same ranks on the same draws, hence the same indices.
    let float = analyse(
        &rules,
        &batch,
        &Weights::nominal(&rules),
        &Settings {
            float_total: true,
            ..s
        },
    )
    .unwrap();
    let f = &float.sensitivity.unwrap().outputs[0];
    for (a, b) in f.areas.iter().zip(&rank.areas) {
        let (x, y) = (a.total_order.unwrap(), b.total_order.unwrap());
        assert!((x - y).abs() < 0.02, "{}: {x} vs {y}", a.id);
    }
}

#[test]
fn sensitivity_is_reproducible_and_covers_pass_lines() {
    let rules = RuleSet::load_dir(WEIGHTS).unwrap();
    let counties = vec![
        county(&rules, &good_county()),
        county(
            &rules,
            &good_county()
                .replace("id: mini-good", "id: other")
                .replace("96.5", "80"),
        ),
    ];
    let batch = Batch::evaluate(&rules, &counties);
    let s = Settings {
        noise: [(1, LevelNoise::Factor(0.3))].into(),
        runs: 50,
        seed: 2,
        sensitivity: Some(100),
        float_total: false,
    };
    let a = analyse(&rules, &batch, &Weights::nominal(&rules), &s).unwrap();
    let b = analyse(&rules, &batch, &Weights::nominal(&rules), &s).unwrap();
    assert_eq!(a.sensitivity, b.sensitivity);
    let outputs: Vec<_> = a
        .sensitivity
        .unwrap()
        .outputs
        .iter()
        .map(|o| o.output.clone())
        .collect();
    assert_eq!(
        outputs,
        ["mean_rank_shift", "pass:demonstration", "pass:qualified"]
    );
}

#[test]
fn the_chart_marks_vetoed_counties_and_only_them() {
    let (rules, counties) = national();
    let u = run(&rules, &counties, all_levels(0.3), 200, 4);
    let vetoed: Vec<_> = u.counties.iter().filter(|c| c.vetoed).collect();
    assert_eq!(vetoed.len(), 1);
    assert_eq!(vetoed[0].id, "synthetic-vetoed");
    // A vetoed county reaches no pass line in any draw, even with the best total.
    assert_eq!(vetoed[0].baseline_rank, 1);
    assert_eq!(vetoed[0].pass_probability, vec![0.0]);
    let svg = rank_intervals(&u);
    let rows: Vec<&str> = svg
        .lines()
        .filter(|l| l.starts_with("<g class=\"county"))
        .collect();
    assert_eq!(rows.len(), counties.len());
    let marked: Vec<&&str> = rows
        .iter()
        .filter(|l| l.contains("county vetoed"))
        .collect();
    assert_eq!(marked.len(), 1);
    assert!(
        marked[0].contains("<title>synthetic-vetoed 示例否决县（合成数据）（一票否决，不达标）")
    );
    assert!(marked[0].contains("stroke-dasharray"));
    assert_eq!(svg.matches("class=\"veto-band\"").count(), 1);
    // 〔否决〕 beside the vetoed county's name, and once in the legend.
    let labels: Vec<&str> = svg.lines().filter(|l| l.contains("〔否决〕")).collect();
    assert_eq!(labels.len(), 2, "{labels:?}");
    assert!(labels
        .iter()
        .any(|l| l.contains(">示例否决县（合成数据）<tspan")));
    assert!(labels.iter().any(|l| l.contains("class=\"legend\"")));
    // The table and the CSV say so too.
    assert!(fazhi::render::uncertainty_markdown(&u)
        .lines()
        .any(|l| l.starts_with("| synthetic-vetoed ") && l.contains("| 否决 |")));
    let csv = fazhi::render::uncertainty_csv(&u);
    let flagged: Vec<&str> = csv.lines().filter(|l| l.contains(",true,")).collect();
    assert_eq!(flagged.len(), 1);
    assert!(flagged[0].starts_with("synthetic-vetoed,"));
    // Without a vetoed county, no mark and no legend entry.
    let clean: Vec<CountyData> = counties
        .into_iter()
        .filter(|c| c.info().id != "synthetic-vetoed")
        .collect();
    let svg = rank_intervals(&run(&rules, &clean, all_levels(0.3), 50, 4));
    assert!(!svg.contains("否决") && !svg.contains("vetoed"), "{svg}");
}

fn settings(noise: Noise, runs: usize, sensitivity: Option<usize>) -> Settings {
    Settings {
        noise,
        runs,
        seed: 3,
        sensitivity,
        float_total: false,
    }
}

#[test]
fn one_county_and_one_draw_give_a_plain_answer() {
    let rules = mini();
    let batch = Batch::evaluate(&rules, &[county(&rules, &good_county())]);
    let s = settings([(1, LevelNoise::Factor(0.5))].into(), 1, Some(2));
    let u = analyse(&rules, &batch, &Weights::nominal(&rules), &s).unwrap();
    let c = &u.counties[0];
    assert_eq!(
        (c.p05_rank, c.median_rank, c.p95_rank, c.baseline_rank),
        (1, 1, 1, 1)
    );
    assert_eq!(c.mean_rank_shift, 0.0);
    // Nothing can vary with one county: the indices are undefined, and the report says why.
    let sens = u.sensitivity.as_ref().unwrap();
    assert!(sens
        .outputs
        .iter()
        .all(|o| o.areas.iter().all(|a| a.first_order.is_none())));
    assert!(fazhi::render::uncertainty_markdown(&u)
        .contains("—：该项在各组权重下不变（方差为 0），指数无定义。"));
    assert!(rank_intervals(&u).contains(">示例县<"));
}

#[test]
fn every_county_vetoed_passes_nowhere_and_still_ranks() {
    let rules = mini();
    let vetoed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/mini-vetoed.yaml"
    ))
    .unwrap();
    let other = vetoed.replace("id: mini-vetoed", "id: mini-vetoed-2");
    let counties = [county(&rules, &vetoed), county(&rules, &other)];
    assert!(counties.iter().all(|c| rules.score(c).summary.vetoed));
    let batch = Batch::evaluate(&rules, &counties);
    let s = settings([(1, LevelNoise::Factor(0.3))].into(), 50, Some(20));
    let u = analyse(&rules, &batch, &Weights::nominal(&rules), &s).unwrap();
    assert!(u
        .counties
        .iter()
        .all(|c| c.vetoed && c.pass_probability.iter().all(|p| *p == 0.0)));
    let sens = u.sensitivity.as_ref().unwrap();
    for o in sens
        .outputs
        .iter()
        .filter(|o| o.output.starts_with("pass:"))
    {
        assert_eq!(o.variance, 0.0);
        assert!(o.areas.iter().all(|a| a.total_order.is_none()));
    }
    let svg = rank_intervals(&u);
    assert_eq!(svg.matches("class=\"county vetoed\"").count(), 2);
}

#[test]
fn an_area_switched_off_by_a_scenario_stays_off() {
    // A scenario gives area 1 no points: factor noise on it changes nothing, the draws keep the
    // scenario's total of 8, and its sensitivity indices are exactly 0.
    let rules = mini();
    let scenario = Scenario::from_str(
        "off.yaml",
        "id: off\nname: 关闭一\npoints:\n  \"1\": 0\npass_lines:\n  demonstration: {min_total: 7}\n  qualified: {min_total: 5}\n",
        &rules,
    )
    .unwrap();
    assert_eq!(scenario.weights.total, Points::from_milli(8000));
    let good = good_county();
    let counties: Vec<CountyData> = ["mini-good", "b", "c"]
        .iter()
        .enumerate()
        .map(|(i, id)| {
            county(
                &rules,
                &good
                    .replace("id: mini-good", &format!("id: {id}"))
                    .replace("96.5", &format!("{}", 70 + 10 * i)),
            )
        })
        .collect();
    let batch = Batch::evaluate(&rules, &counties);
    let s = settings(
        [(1, LevelNoise::Factor(0.5)), (2, LevelNoise::Uniform)].into(),
        100,
        Some(50),
    );
    let u = analyse(&rules, &batch, &scenario.weights, &s).unwrap();
    assert_eq!(u.total_points, Points::from_milli(8000));
    // Area 1 earns nothing under the scenario, so its data (96.5 vs 70…90) cannot separate
    // the counties: they tie in every draw.
    assert!(
        u.counties
            .iter()
            .all(|c| (c.p05_rank, c.p95_rank) == (1, 1)),
        "{u:?}"
    );
    for o in &u.sensitivity.as_ref().unwrap().outputs {
        let a1 = &o.areas[0];
        assert!(matches!(a1.total_order, None | Some(0.0)), "{o:?}");
    }
}

#[test]
fn runs_that_cannot_fit_and_too_few_base_samples_are_clear_errors() {
    let rules = mini();
    let batch = Batch::evaluate(
        &rules,
        &[
            county(&rules, &good_county()),
            county(&rules, &good_county()),
        ],
    );
    let w = Weights::nominal(&rules);
    let e = analyse(&rules, &batch, &w, &settings(Noise::new(), 1 << 30, None)).unwrap_err();
    assert!(
        matches!(&e, Error::Invalid(m) if m.contains("lower --runs")),
        "{e}"
    );
    for n in [0, 1] {
        let e = analyse(
            &rules,
            &batch,
            &w,
            &settings([(1, LevelNoise::Factor(0.2))].into(), 10, Some(n)),
        )
        .unwrap_err();
        assert!(e.to_string().contains("at least 2 base samples"), "{e}");
    }
    let e = analyse(
        &rules,
        &batch,
        &w,
        &settings(
            [(1, LevelNoise::Factor(0.2))].into(),
            10,
            Some(usize::MAX / 2),
        ),
    )
    .unwrap_err();
    assert!(e.to_string().contains("lower N"), "{e}");
}
