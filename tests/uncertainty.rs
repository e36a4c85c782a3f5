//! The Monte Carlo uncertainty analysis and the sensitivity indices: zero noise gives zero-width
//! intervals, seeded runs are identical (whatever the number of threads), the fast path agrees
//! with exact scoring, and the Sobol indices find the one area whose weight decides the ranks.

mod common;
use common::*;
use fazhi::analyse::scores::Batch;
use fazhi::analyse::uncertainty::{analyse, LevelNoise, Noise, Settings, Uncertainty};
use fazhi::analyse::weights::Weights;
use fazhi::{CountyData, Error, RuleSet, RuleSource};

const WEIGHTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rules/weights");
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");

fn national() -> (RuleSet, Vec<CountyData>) {
    let rules = RuleSet::builtin().unwrap();
    let mut files: Vec<_> = ["counties", "synthetic"]
        .iter()
        .flat_map(|d| std::fs::read_dir(format!("{FIXTURES}/{d}")).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    let counties = files
        .iter()
        .map(|p| CountyData::from_file(p, &rules).unwrap())
        .collect();
    (rules, counties)
}

fn run(
    rules: &RuleSet,
    counties: &[CountyData],
    noise: Noise,
    runs: usize,
    seed: u64,
) -> Uncertainty {
    let batch = Batch::evaluate(rules, counties);
    let s = Settings {
        noise,
        runs,
        seed,
        sensitivity: None,
        float_total: false,
    };
    analyse(rules, &batch, &Weights::nominal(rules), &s).unwrap()
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
            let i = counties.iter().position(|d| d.info.id == c.id).unwrap();
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
    let a = run(&rules, &counties, noise.clone(), 300, 42);
    let b = run(&rules, &counties, noise.clone(), 300, 42);
    assert_eq!(a, b);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let c = pool.install(|| run(&rules, &counties, noise.clone(), 300, 42));
    assert_eq!(a, c);
    let d = run(&rules, &counties, noise, 300, 43);
    assert_ne!(a.json(), d.json());
    assert_eq!(a.json(), b.json());
}

#[test]
fn parents_keep_their_points_under_uniform_and_dirichlet_shares() {
    // A county with full marks everywhere scores the full total in every draw when shares move
    // but parents keep their points; with factor noise the total floats.
    let rules = RuleSet::load_dir(WEIGHTS).unwrap();
    let full = county(&rules, "county: {id: full, name: 满分县}\ndata:\n  litigation: {head_appearance_rate: 100, cases: 0}\n  review: {corrected: 0, decided: 3}\n  decisions: {steps_done: [公众参与, 专家论证, 风险评估, 合法性审查, 集体讨论决定]}\n  enforcement.violations_found: 0\n  service: {online_rate: 99, items_total: 10, items_done_once: 10}\n  org.has_plan: true\n  report: {channel: 政府网站, published_on: \"2021-03-01\"}\n");
    let half = county(&rules, "county: {id: half, name: 半分县}\ndata:\n  litigation: {head_appearance_rate: 97, cases: 0}\n  org.has_plan: true\n  report: {channel: 报纸}\n");
    assert_eq!(rules.score(&full).summary.total.to_string(), "20");
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
    ] {
        let u = run(&rules, &[full.clone(), half.clone()], noise, 200, 5);
        let f = u.counties.iter().find(|c| c.id == "full").unwrap();
        assert_eq!(f.pass_probability, vec![1.0, 1.0]);
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

/// Three areas: every county earns full marks in areas 2 and 3, area 1 and a bonus differ. The
/// bonus does not depend on the weights, and areas 2 and 3 add the same to every county, so only
/// area 1's weight can reorder the counties: it decides every rank.
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
        float_total: false,
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
