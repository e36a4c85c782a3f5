//! The 评分细则 shapes of issue 27, each on its own rule set under `tests/rules/`, every value
//! computed by hand in the comment beside it.
//!
//! 1. A total that includes a 附加项 (`tests/rules/chuxiong-2023`, 楚雄州 2023: areas 97 +
//!    附加项（加、扣分）3 = 100).
//! 2. 百分制 rescaling (`tests/rules/baifen`: 以满分50分进行考评，评分结果折算成百分制), and a
//!    what-if scenario that rescales (bonuses, penalties, caps and pass lines follow).
//! 3. Shares of the total (`tests/rules/shares`: 一、制度建设（占总分值的15%）).
//! 4. Several counts in one deduction (`tests/rules/counts`: 迟报一次扣0.5分，漏报一次扣1分).

mod common;

use common::{county_yaml, fazhi, text};
use fazhi::analyse::gap::GapAnalysis;
use fazhi::analyse::policy::scores::Batch;
use fazhi::analyse::policy::weights::Scenario;
use fazhi::analyse::policy::whatif::WhatIf;
use fazhi::{CountyData, Points, Report, RuleSet, RuleSource};

const CHUXIONG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rules/chuxiong-2023");
const CHUXIONG_DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/chuxiong");

fn p(x: f64) -> Points {
    Points::from_f64(x)
}

fn chuxiong() -> RuleSet {
    RuleSet::load_dir(CHUXIONG).unwrap()
}

fn chuxiong_county(rules: &RuleSet, name: &str) -> CountyData {
    CountyData::from_file(format!("{CHUXIONG_DATA}/{name}.yaml"), rules).unwrap()
}

/// The chuxiong rule set with its header replaced by `header` (the `ruleset:` mapping's body).
fn chuxiong_with_header(header: &str) -> RuleSource {
    let text = std::fs::read_to_string(format!("{CHUXIONG}/ruleset.yaml")).unwrap();
    let start = text.find("ruleset:\n").unwrap();
    let end = text.find("fields:\n").unwrap();
    let text = format!("{}ruleset:\n{header}{}", &text[..start], &text[end..]);
    RuleSource::from_documents([("ruleset.yaml", text)])
}

fn errors(src: &RuleSource) -> Vec<String> {
    common::rule_errors(src)
        .iter()
        .map(|d| d.to_string())
        .collect()
}

const HEADER: &str = "  id: chuxiong-2023\n  title: 楚雄州\n  version: \"1\"\n";

// ---- 1. 附加项 inside the total ----

#[test]
fn a_full_county_reads_100_of_100_with_the_bonus_within_the_addition() {
    let rules = chuxiong();
    assert_eq!(rules.total_points(), p(100.0));
    assert_eq!(rules.additional_points(), Some(p(3.0)));
    let r = rules.score(&chuxiong_county(&rules, "full"));
    // Every area at full points: 5 + 27 + 19 + 24 + 12 + 10 = 97.
    assert_eq!(r.summary.items_total, p(97.0));
    // A1: 5 awards × 1 = 5, its own cap 3 → 3; the 附加项 caps all bonuses at 3 → 3.
    assert_eq!(r.bonuses[0].points, p(3.0));
    assert_eq!(r.summary.bonus, p(3.0));
    // 97 + 3 − 0 = 100, out of 100 (never 100 / 97).
    assert_eq!(r.summary.total, p(100.0));
    assert_eq!(r.summary.max, p(100.0));
    assert_eq!(r.ruleset.additional_points, Some(p(3.0)));
    assert!(r.summary.pass_lines.iter().all(|l| l.reached));
}

#[test]
fn a_middling_county_is_scored_by_hand() {
    let rules = chuxiong();
    let r = rules.score(&chuxiong_county(&rules, "mid"));
    let item = |id: &str| r.items.iter().find(|i| i.id.as_str() == id).unwrap().earned;
    // 1.1 plan done: 5.
    assert_eq!(item("1.1"), p(5.0));
    // 2.1 proportional(90): 27 × 90% = 24.3.
    assert_eq!(item("2.1"), p(24.3));
    // 3.1 tiers(85, [[90, 19], [80, 9.5]]): 85 ≥ 80 → 9.5.
    assert_eq!(item("3.1"), p(9.5));
    // 4.1 deduct_below(10, 12, 1, 2): 2 below × 2 = 4 deducted, 24 − 4 = 20.
    assert_eq!(item("4.1"), p(20.0));
    // 5.1: 12. 6.1 proportional(92): 10 × 92% = 9.2.
    assert_eq!(item("5.1"), p(12.0));
    assert_eq!(item("6.1"), p(9.2));
    // Items: 5 + 24.3 + 9.5 + 20 + 12 + 9.2 = 80; bonus 2 awards × 1 = 2 (≤ 3);
    // penalty 1 notice × 1 = 1 from the total: 80 + 2 − 1 = 81 / 100 → 良好 (80), not 优秀 (90).
    assert_eq!(r.summary.items_total, p(80.0));
    assert_eq!(r.summary.bonus, p(2.0));
    assert_eq!(r.summary.penalty, p(1.0));
    assert_eq!(r.summary.total, p(81.0));
    let reached: Vec<bool> = r.summary.pass_lines.iter().map(|l| l.reached).collect();
    assert_eq!(reached, [false, true]);
}

#[test]
fn a_deduction_of_the_addition_comes_off_the_total() {
    let rules = chuxiong();
    let yaml = std::fs::read_to_string(format!("{CHUXIONG_DATA}/full.yaml"))
        .unwrap()
        .replace("extra.awards: 5", "extra.awards: 0")
        .replace("extra.notices: 0", "extra.notices: 3");
    let r = rules.score(&CountyData::from_str("x.yaml", &yaml, &rules).unwrap());
    // 97 + 0 − 3 × 1 = 94.
    assert_eq!(r.summary.total, p(94.0));
}

#[test]
fn a_bonus_cap_below_the_addition_caps_the_bonuses() {
    let src = chuxiong_with_header(&format!(
        "{HEADER}  total_points: 100\n  additional_points: 3\n  bonus_cap: 2\n"
    ));
    let rules = RuleSet::load(&src).unwrap();
    let r = rules.score(&chuxiong_county(&rules, "full"));
    // 5 awards → 3 (own cap) → 2 (bonus_cap 2 < 附加项 3): 97 + 2 = 99 / 100.
    assert_eq!(r.summary.total, p(99.0));
    assert_eq!(r.summary.max, p(100.0));
}

#[test]
fn lint_names_the_addition_when_the_areas_fall_short_of_the_total() {
    // Areas 97, total 100, no additional_points: the help proposes `additional_points: 3`.
    let e = errors(&chuxiong_with_header(&format!(
        "{HEADER}  total_points: 100\n"
    )));
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].contains("add up to 97 points, but total_points is 100"),
        "{}",
        e[0]
    );
    assert!(e[0].contains("`additional_points: 3`"), "{}", e[0]);
    // 97 + 4 ≠ 100.
    let e = errors(&chuxiong_with_header(&format!(
        "{HEADER}  total_points: 100\n  additional_points: 4\n"
    )));
    assert!(
        e[0].contains("less the 附加项 (additional_points 4) is 96"),
        "{}",
        e[0]
    );
    // A bonus_cap above the 附加项 would never bite: refused.
    let e = errors(&chuxiong_with_header(&format!(
        "{HEADER}  total_points: 100\n  additional_points: 3\n  bonus_cap: 5\n"
    )));
    assert!(
        e.iter()
            .any(|e| e.contains("bonus_cap 5 is more than the 附加项")),
        "{e:?}"
    );
}

#[test]
fn an_addition_without_a_bonus_is_refused() {
    let text = std::fs::read_to_string(format!("{CHUXIONG}/ruleset.yaml")).unwrap();
    let start = text.find("bonuses:\n").unwrap();
    let end = text.find("penalties:\n").unwrap();
    let text = format!("{}{}", &text[..start], &text[end..]);
    let e = errors(&RuleSource::from_documents([("ruleset.yaml", text)]));
    assert!(e.iter().any(|e| e.contains("has no bonus")), "{e:?}");
}

#[test]
fn gap_counts_the_addition_in_its_accounting() {
    let rules = chuxiong();
    let c = chuxiong_county(&rules, "mid");
    let g = GapAnalysis::new(&rules, &c);
    let a = &g.accounting;
    // 100 − 81 = 19 = items lost 17 (97 − 80) + no data 0 + 附加项 3 + charged 1 − bonus 2.
    assert_eq!(a.items_lost, p(17.0));
    assert_eq!(a.additional, p(3.0));
    assert!(a.adds_up);
    let md = fazhi::render::gap_markdown(&g);
    assert!(md.contains("附加项 3 + 实扣 1"), "{md}");
    assert!(md.contains("（合计相符）"), "{md}");
}

#[test]
fn a_scenario_total_includes_the_addition() {
    let rules = chuxiong();
    // Areas 2 and 4 re-pinned: 97 − 27 − 24 + 37 + 14 = 97 areas, + 3 = 100.
    let s = Scenario::from_str(
        "s.yaml",
        "id: s\nname: s\npoints: { \"2\": 37, \"4\": 14 }\n",
        &rules,
    )
    .unwrap();
    assert_eq!(s.weights.total, p(100.0));
    let counties = [
        chuxiong_county(&rules, "full"),
        chuxiong_county(&rules, "mid"),
    ];
    let batch = Batch::evaluate(&rules, &counties);
    let w = WhatIf::compare(&rules, &batch, &s);
    assert_eq!(w.total_points, (p(100.0), p(100.0)));
    let out = batch.recompute(&s.weights);
    // mid: 2.1 keeps its 90% share: 37 × 0.9 = 33.3; 4.1 keeps 20/24: 14 × 20/24 = 11.667;
    // 5 + 33.3 + 9.5 + 11.667 + 12 + 9.2 = 80.667, + 2 − 1 = 81.667.
    assert_eq!(out[1].total, p(81.667));
    // A scenario total of 50 rescales the whole by 0.5: the 附加项 3 → 1.5, the areas share
    // 50 − 1.5 = 48.5 in their proportions.
    let s = Scenario::from_str("s.yaml", "id: s\nname: s\ntotal_points: 50\npass_lines: {excellent: {min_total: 45}, good: {min_total: 40}}\n", &rules)
        .unwrap();
    assert_eq!(s.weights.total, p(50.0));
    let areas: Points = s
        .weights
        .points
        .iter()
        .zip(rules.nodes())
        .filter(|(_, n)| n.level == 1)
        .map(|(p, _)| *p)
        .sum();
    assert_eq!(areas, p(48.5));
}

#[test]
fn cli_score_rank_and_verify_read_out_of_100() {
    let full = format!("{CHUXIONG_DATA}/full.yaml");
    let o = fazhi(&["score", "--rules", CHUXIONG, &full]);
    let md = text(&o.stdout);
    assert!(md.contains("**100 / 100**"), "{md}");
    assert!(
        md.contains("满分 100 = 各一级指标 97 + 附加项（加、扣分）3"),
        "{md}"
    );
    let o = fazhi(&["rank", "--rules", CHUXIONG, CHUXIONG_DATA]);
    let md = text(&o.stdout);
    // 总分 and 满分 columns of each county's row: read out of 100, never out of 97.
    let cells = |id: &str| -> Vec<String> {
        let row = md.lines().find(|l| l.contains(id)).unwrap_or_default();
        row.split('|').map(|c| c.trim().to_string()).collect()
    };
    assert_eq!(cells("cx-full")[5..7], ["100", "100"], "{md}");
    assert_eq!(cells("cx-mid")[5..7], ["81", "100"], "{md}");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.json");
    let o = fazhi(&[
        "score",
        "--rules",
        CHUXIONG,
        &full,
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let r: Report = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(r.ruleset.additional_points, Some(p(3.0)));
    let o = fazhi(&["verify", "--rules", CHUXIONG, out.to_str().unwrap()]);
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    assert!(
        text(&o.stdout).contains("reproduced"),
        "{}",
        text(&o.stdout)
    );
}

#[test]
fn uncertainty_draws_share_the_total_less_the_addition() {
    // A county at 79: mid with 9 campaigns, 4.1 = 24 − 3 × 2 = 18, items 78, + 2 − 1 = 79.
    // With `1=0` (no noise) every draw is the rule set's own weighting: the areas keep 97
    // (were they scaled to the total 100, 78 × 100/97 = 80.41 + 1 would pass 良好 (80)).
    let dir = tempfile::tempdir().unwrap();
    let mid = std::fs::read_to_string(format!("{CHUXIONG_DATA}/mid.yaml")).unwrap();
    std::fs::write(
        dir.path().join("m79.yaml"),
        mid.replace("edu.campaigns: 10", "edu.campaigns: 9")
            .replace("cx-mid", "cx-79"),
    )
    .unwrap();
    let o = fazhi(&[
        "uncertainty",
        "--rules",
        CHUXIONG,
        dir.path().to_str().unwrap(),
        "--runs",
        "20",
        "--noise",
        "1=0",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let u: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(u["total_points"], 100);
    let c = &u["counties"][0];
    assert_eq!(c["baseline_total"], 79);
    // [优秀 90, 良好 80]: 79 reaches neither in any draw.
    assert_eq!(c["pass_probability"], serde_json::json!([0.0, 0.0]));
}

// ---- 4. Several counts in one deduction ----

const COUNTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rules/counts");

fn counts_report(late: u32, missed: u32, wrong: u32, lost: u32) -> Report {
    let rules = RuleSet::load_dir(COUNTS).unwrap();
    let yaml = format!(
        "county: {{id: c, name: 丙县}}\ndata: {{info: {{late: {late}, missed: {missed}}}, cases: {{wrong: {wrong}, lost: {lost}}}}}\n"
    );
    let c = CountyData::from_str("c.yaml", &yaml, &rules).unwrap();
    let r = rules.score(&c);
    // The fast path (which leaves deduct_counts to the interpreter) and the interpreter agree.
    assert_eq!(
        serde_json::to_string(&rules.score_with(&c, fazhi::Evaluator::Interpreter)).unwrap(),
        serde_json::to_string(&r).unwrap()
    );
    r
}

fn item<'r>(r: &'r Report, id: &str) -> &'r fazhi::ItemScore {
    r.items.iter().find(|i| i.id.as_str() == id).unwrap()
}

#[test]
fn each_count_is_named_with_its_rate() {
    // 迟报 2 × 0.5 = 1, 漏报 3 × 1 = 3: 4 deducted (never "计扣3分"), 5 − 4 = 1.
    let r = counts_report(2, 3, 0, 0);
    let i = item(&r, "1.1");
    assert_eq!(i.earned, p(1.0));
    assert_eq!(
        i.explanation,
        "迟报2次，每次扣0.5分，扣1分；漏报3次，每次扣1分，扣3分；计扣4分；本项得1分"
    );
    assert!(
        !i.explanation.to_string().contains("例"),
        "{}",
        i.explanation
    );
    // Nothing late or missed: 5.
    let r = counts_report(0, 0, 0, 0);
    assert_eq!(item(&r, "1.1").earned, p(5.0));
    assert_eq!(
        item(&r, "1.1").explanation,
        "无迟报、漏报，不扣分；本项得5分"
    );
    // One late only: 5 − 0.5 = 4.5; the count that did not happen is named with 0.
    let r = counts_report(1, 0, 0, 0);
    assert_eq!(
        item(&r, "1.1").explanation,
        "迟报1次，每次扣0.5分，扣0.5分；漏报0次；计扣0.5分；本项得4.5分"
    );
    // 扣完为止: 4 × 0.5 + 4 × 1 = 6 > 5 → 0.
    let r = counts_report(4, 4, 0, 0);
    assert_eq!(item(&r, "1.1").earned, p(0.0));
    assert!(item(&r, "1.1")
        .explanation
        .to_string()
        .contains("计扣5分（扣完为止）"));
}

#[test]
fn a_cap_on_the_counts_is_said() {
    // 被纠错 1 件 × 1 + 败诉 2 件 × 2 = 5, 最多扣4: 5 − 4 = 1.
    let r = counts_report(0, 0, 1, 2);
    let i = item(&r, "1.2");
    assert_eq!(i.earned, p(1.0));
    assert_eq!(
        i.explanation,
        "被纠错1件，每件扣1分，扣1分；败诉2件，每件扣2分，扣4分；合计5分，最多扣4分，计扣4分；本项得1分"
    );
    // 1 × 1 + 1 × 2 = 3 (under the cap): 5 − 3 = 2. Total 5 + 2 = 7 ≥ 6: 达标.
    let r = counts_report(0, 0, 1, 1);
    assert_eq!(item(&r, "1.2").earned, p(2.0));
    assert_eq!(r.summary.total, p(7.0));
    assert!(r.summary.pass_lines[0].reached);
}

#[test]
fn lint_proves_the_range_of_a_counts_table_and_checks_its_kind() {
    let d = RuleSet::lint(&RuleSource::from_dir(COUNTS).unwrap());
    assert!(d.0.is_empty(), "{d:?}");
    // A number where the table goes.
    let text = std::fs::read_to_string(format!("{COUNTS}/ruleset.yaml"))
        .unwrap()
        .replace(
            r#"deduct_counts([["迟报", d.info.late, 0.5], ["漏报", d.info.missed, 1]])"#,
            "deduct_counts(d.info.late)",
        );
    let e = errors(&RuleSource::from_documents([("ruleset.yaml", text)]));
    assert!(
        e.iter()
            .any(|e| e.contains("a table of counts [[label, n, per], …]")),
        "{e:?}"
    );
}

#[test]
fn gap_lowers_the_counts_to_win_the_points_back() {
    let rules = RuleSet::load_dir(COUNTS).unwrap();
    let yaml = "county: {id: c, name: 丙县}\ndata: {info: {late: 2, missed: 3}, cases: {wrong: 1, lost: 2}}\n";
    let c = CountyData::from_str("c.yaml", yaml, &rules).unwrap();
    let g = GapAnalysis::new(&rules, &c);
    // Now 1 + 1 = 2 < 6; the plan lowers counts and its promised total is recomputed.
    let plan = &g.plans[0];
    assert!(plan.reaches && plan.total_after >= p(6.0), "{plan:?}");
    for s in &plan.steps {
        for ch in &s.changes {
            assert!(
                ch.to.as_f64().unwrap() < ch.from.as_ref().unwrap().as_f64().unwrap(),
                "{ch:?}"
            );
        }
    }
}

// ---- 2. 百分制 rescaling ----

const BAIFEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rules/baifen");
const BAIFEN_DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/baifen");

fn baifen_text() -> String {
    std::fs::read_to_string(format!("{BAIFEN}/ruleset.yaml")).unwrap()
}

fn baifen_counties(rules: &RuleSet) -> Vec<CountyData> {
    ["a", "b"]
        .iter()
        .map(|f| CountyData::from_file(format!("{BAIFEN_DATA}/{f}.yaml"), rules).unwrap())
        .collect()
}

/// The same 评分细则 written out of 50 without `rescale_to`, pass lines on its own scale
/// (80 → 40, 60 → 30): what a designer would have before the rule set could say 百分制.
fn baifen_out_of_50_text() -> String {
    baifen_text()
        .replace("  rescale_to: 100           # 折算成百分制\n", "")
        .replace("min_total: 80", "min_total: 40")
        .replace("min_total: 60", "min_total: 30")
}

fn baifen_out_of_50() -> RuleSet {
    let text = baifen_out_of_50_text();
    RuleSet::load(&RuleSource::from_documents([("ruleset.yaml", text)])).unwrap()
}

#[test]
fn a_rule_set_out_of_50_reports_out_of_100() {
    let rules = RuleSet::load_dir(BAIFEN).unwrap();
    assert_eq!(rules.total_points(), p(100.0));
    assert_eq!(rules.written_out_of(), Some(p(50.0)));
    let c = baifen_counties(&rules);
    let a = rules.score(&c[0]);
    let item = |id: &str| a.items.iter().find(|i| i.id.as_str() == id).unwrap();
    // 1.1 (20 of 50): tiers(92, [[95, 20], [90, 10]]) = 10 of 50 → × 100/50 = 20 of 40.
    assert_eq!((item("1.1").earned, item("1.1").max), (p(20.0), p(40.0)));
    assert!(
        item("1.1")
            .explanation
            .to_string()
            .starts_with("92 ≥ 90，第2档，得10分；按满分50分计10分，折算成百分制得20分"),
        "{}",
        item("1.1").explanation
    );
    // 1.2 (10 of 50): deduct_each(2, 1.5) = 10 − 3 = 7 → 14 of 20 (the 1.5 is a written point).
    assert_eq!(item("1.2").earned, p(14.0));
    // 2.1: award = 20 → 40. Items (10 + 7 + 20) × 2 = 74.
    assert_eq!(a.summary.items_total, p(74.0));
    // B1: 1 award × 1 = 1 (own cap 2, bonus_cap 3) → 2. PN1: 1 notice × 2 = 2 (cap 4) → 4.
    assert_eq!((a.summary.bonus, a.summary.penalty), (p(2.0), p(4.0)));
    // A penalty's note deducts (found by a new-user trial: it said 得4分); a bonus's gives.
    assert_eq!(a.penalties[0].detail, "按满分50分计2分，折算成百分制扣4分");
    assert!(
        a.bonuses[0].detail.ends_with("折算成百分制得2分"),
        "{}",
        a.bonuses[0].detail
    );
    // 74 + 2 − 4 = 72 / 100: 合格 (60), not 良好 (80) — pass lines on the 百分制.
    assert_eq!((a.summary.total, a.summary.max), (p(72.0), p(100.0)));
    let reached: Vec<bool> = a.summary.pass_lines.iter().map(|l| l.reached).collect();
    assert_eq!(reached, [false, true]);
    assert_eq!(a.ruleset.written_out_of, Some(p(50.0)));
    // b: items full 50 → 100; B1 3 awards → own cap 2 → 4; 100 + 4 = 104 (加分 above 100, as
    // the 评分细则's bonuses do).
    let b = rules.score(&c[1]);
    assert_eq!(b.summary.total, p(104.0));
}

#[test]
fn rescaling_equals_a_rule_set_written_out_of_100() {
    // Every point and every point constant doubled by hand: points 20/10/20 → 40/20/40,
    // deduct 1.5 → 3, caps 2/4/3 → 4/8/6, award × 1 → × 2, notice × 2 → × 4.
    let text = r#"
ruleset: { id: baifen-100, title: 百分制折算示例（手工加倍）, version: "1", total_points: 100, bonus_cap: 6 }
fields:
  enf.rate: { type: percent, desc: 行政执法案卷合格率, lever: raise }
  rev.wrong: { type: count, unit: 件, desc: 复议被纠错案件数, lever: lower }
  org.plan: { type: bool, desc: 年初有工作计划, lever: raise }
  award.count: { type: count, unit: 次, desc: 获表彰次数, lever: raise }
  sup.notices: { type: count, unit: 次, desc: 被通报次数, lever: lower }
indicators:
  - id: "1"
    name: 行政执法
    points: 60
    children:
      - { id: "1.1", name: 案卷合格率, points: 40, inputs: [enf.rate], score: "tiers(d.enf.rate, [[95, P], [90, P / 2]])" }
      - { id: "1.2", name: 复议纠错, points: 20, inputs: [rev.wrong], score: "deduct_each(d.rev.wrong, 3)" }
  - id: "2"
    name: 组织保障
    points: 40
    children:
      - { id: "2.1", name: 工作计划, points: 40, inputs: [org.plan], score: award(d.org.plan) }
bonuses:
  - { id: B1, name: 获表彰, inputs: [award.count], cap: 4, score: d.award.count * 2 }
penalties:
  - { id: PN1, name: 被通报, applies_to: total, inputs: [sup.notices], cap: 8, score: d.sup.notices * 4 }
pass_lines:
  - { id: good, name: 良好, min_total: 80 }
  - { id: pass, name: 合格, min_total: 60 }
"#;
    let doubled = RuleSet::load(&RuleSource::from_documents([("ruleset.yaml", text)])).unwrap();
    let rules = RuleSet::load_dir(BAIFEN).unwrap();
    assert_eq!(doubled.total_points(), p(100.0));
    for c in baifen_counties(&rules) {
        let (x, y) = (rules.score(&c), doubled.score(&c));
        assert_eq!(x.summary.total, y.summary.total, "{}", c.info().id);
        assert_eq!(x.summary.bonus, y.summary.bonus);
        assert_eq!(x.summary.penalty, y.summary.penalty);
        let e = |r: &Report| {
            r.items
                .iter()
                .map(|i| (i.earned, i.max))
                .collect::<Vec<_>>()
        };
        assert_eq!(e(&x), e(&y));
    }
}

#[test]
fn lint_proves_ranges_on_the_written_scale_and_refuses_inexact_points() {
    // Clean: the rules are proven against their written points (20, 10, 20), not 40/20/40.
    let d = RuleSet::lint(&RuleSource::from_dir(BAIFEN).unwrap());
    assert!(d.0.is_empty(), "{d:?}");
    // Out of 30 → 100: 20 × 10/3 = 66.666…, not a whole thousandth (the area's 30 → 100 is).
    let text = r#"
ruleset: { id: r, title: 三十分制, version: "1", total_points: 30, rescale_to: 100 }
fields:
  a.x: { type: bool, desc: 甲 }
  a.y: { type: bool, desc: 乙 }
indicators:
  - id: "1"
    name: 领域
    points: 30
    children:
      - { id: "1.1", name: 甲, points: 20, inputs: [a.x], score: award(d.a.x) }
      - { id: "1.2", name: 乙, points: 10, inputs: [a.y], score: award(d.a.y) }
"#;
    let e = errors(&RuleSource::from_documents([("ruleset.yaml", text)]));
    assert!(e.iter().any(|e| e.contains("finer than 0.001")), "{e:?}");
}

#[test]
fn a_scenario_that_rescales_rescales_bonuses_penalties_and_pass_lines() {
    // The issue's bug: a rule set out of 50, a scenario with total_points: 100 doubled the items
    // but not the bonus and the penalty. Now the scenario gives exactly the 百分制 rule set.
    let fifty = baifen_out_of_50();
    let hundred = RuleSet::load_dir(BAIFEN).unwrap();
    let counties = baifen_counties(&fifty);
    let s =
        Scenario::from_str("s.yaml", "id: s\nname: 百分制\ntotal_points: 100\n", &fifty).unwrap();
    assert_eq!(s.weights.adjust, 2.0);
    // Pass lines 40/30 of 50 → 80/60; bonus_cap 3 → 6.
    let lines: Vec<Points> = s.weights.pass_lines.iter().map(|l| l.min_total).collect();
    assert_eq!(lines, [p(80.0), p(60.0)]);
    assert_eq!(s.weights.bonus_cap, Some(p(6.0)));
    let batch = Batch::evaluate(&fifty, &counties);
    let out = batch.recompute(&s.weights);
    for (c, o) in counties.iter().zip(&out) {
        let r = hundred.score(&CountyData::from_str("c.yaml", &county_yaml(c), &hundred).unwrap());
        assert_eq!(o.total, r.summary.total, "{}", c.info().id);
        let reached: Vec<bool> = r.summary.pass_lines.iter().map(|l| l.reached).collect();
        assert_eq!(o.passed, reached, "{}", c.info().id);
    }
    // a: (37 items + 1 bonus − 2 penalty) × 2 = 72, 合格; b: (50 + 2) × 2 = 104.
    assert_eq!((out[0].total, out[1].total), (p(72.0), p(104.0)));
    let w = WhatIf::compare(&fifty, &batch, &s);
    assert_eq!(w.adjust, Some(2.0));
    // A scenario bonus cap (on its own scale): b's 4 bonus points → 2: 100 + 2 = 102.
    let s = Scenario::from_str(
        "s.yaml",
        "id: s\nname: 百分制\ntotal_points: 100\nbonus_cap: 2\n",
        &fifty,
    )
    .unwrap();
    assert_eq!(batch.recompute(&s.weights)[1].total, p(102.0));
}

#[test]
fn gap_and_verify_work_on_the_100_point_scale() {
    let rules = RuleSet::load_dir(BAIFEN).unwrap();
    let c = baifen_counties(&rules);
    let g = GapAnalysis::new(&rules, &c[0]);
    // To 良好 (80 of 100): 1.1 at 95% earns 20 of 50 → 40; 72 + 20 = 92.
    let plan = &g.plans[0];
    assert!(plan.reaches, "{plan:?}");
    assert_eq!(plan.total_after, p(92.0));
    assert!(g.accounting.adds_up);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a.json");
    let a = format!("{BAIFEN_DATA}/a.yaml");
    let o = fazhi(&[
        "score",
        "--rules",
        BAIFEN,
        &a,
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = fazhi(&["verify", "--rules", BAIFEN, out.to_str().unwrap()]);
    assert!(
        text(&o.stdout).contains("reproduced"),
        "{}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    let o = fazhi(&["score", "--rules", BAIFEN, &a]);
    assert!(text(&o.stdout).contains("以满分50分进行考评，评分结果折算成百分制（满分100分）"));
}

// ---- 3. Shares of the total ----

const SHARES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rules/shares");
const SHARES_DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/shares");

fn shares_text() -> String {
    std::fs::read_to_string(format!("{SHARES}/ruleset.yaml")).unwrap()
}

#[test]
fn areas_written_as_shares_of_the_total_are_scored_by_hand() {
    let rules = RuleSet::load_dir(SHARES).unwrap();
    let pts: Vec<(String, Points)> = rules
        .nodes()
        .iter()
        .map(|n| (n.id.to_string(), n.points))
        .collect();
    // 15% / 35% / 50% of 100; below them the plan's 10:5, 4:3 and 1:1 scaled to fill them.
    let want = [
        ("1", 15.0),
        ("1.1", 10.0),
        ("1.2", 5.0),
        ("2", 35.0),
        ("2.1", 20.0),
        ("2.2", 15.0),
        ("3", 50.0),
        ("3.1", 25.0),
        ("3.2", 25.0),
    ];
    let want: Vec<(String, Points)> = want.iter().map(|(i, x)| (i.to_string(), p(*x))).collect();
    assert_eq!(pts, want);
    let c = CountyData::from_file(format!("{SHARES_DATA}/a.yaml"), &rules).unwrap();
    let r = rules.score(&c);
    let item = |id: &str| r.items.iter().find(|i| i.id.as_str() == id).unwrap();
    // 1.1 (10 as written, 10 now): deduct_below(97, 100, 1, 1) = 7.
    assert_eq!(item("1.1").earned, p(7.0));
    // 2.1 (4 as written → 20): 4 steps × 0.8 = 3.2 of 4 → × 20/4 = 16.
    assert_eq!(item("2.1").earned, p(16.0));
    assert!(
        item("2.1")
            .explanation
            .to_string()
            .starts_with("按规则分值4分计3.2分，按本项分值20分折算得16分"),
        "{}",
        item("2.1").explanation
    );
    // 2.2 (3 → 15): deduct_each(1, 1) = 2 of 3 → 10.
    assert_eq!(item("2.2").earned, p(10.0));
    // 3.1 (1 → 25): 25. 3.2 (1 → 25): proportional(90) = 0.9 of 1 → 22.5.
    assert_eq!(item("3.2").earned, p(22.5));
    // 7 + 5 + 16 + 10 + 25 + 22.5 = 85.5 / 100 ≥ 80: 达标.
    assert_eq!((r.summary.total, r.summary.max), (p(85.5), p(100.0)));
    assert!(r.summary.pass_lines[0].reached);
    // Clean lint: every rule proven against its points as written.
    let d = RuleSet::lint(&RuleSource::from_dir(SHARES).unwrap());
    assert!(d.0.is_empty(), "{d:?}");
}

#[test]
fn shares_equal_a_hand_converted_copy() {
    // The copy a designer had to write by hand before: every point and constant × the scale
    // (area 2's items × 5: 0.8 → 4, deduct 1 → 5; area 3's × 25: proportional scales by P).
    let text = shares_text()
        .replace("points: 15%", "points: 15")
        .replace("points: 35%", "points: 35")
        .replace("points: 50%", "points: 50")
        .replace("        points: 4\n", "        points: 20\n")
        .replace("        points: 3\n", "        points: 15\n")
        .replace("        points: 1\n", "        points: 25\n")
        .replace("d.dec.steps * 0.8", "d.dec.steps * 4")
        .replace("deduct_each(d.enf.wrong, 1)", "deduct_each(d.enf.wrong, 5)");
    let copy = RuleSet::load(&RuleSource::from_documents([("ruleset.yaml", text)])).unwrap();
    let rules = RuleSet::load_dir(SHARES).unwrap();
    for (steps, wrong, rate) in [(4, 1, 97), (0, 0, 100), (5, 3, 80), (2, 2, 99)] {
        let yaml = format!(
            "county: {{id: x, name: x}}\ndata: {{sys: {{filed_rate: {rate}, plan: false}}, dec.steps: {steps}, enf: {{wrong: {wrong}, online: true, trained: {rate}}}}}\n"
        );
        let (a, b) = (
            rules.score(&CountyData::from_str("x.yaml", &yaml, &rules).unwrap()),
            copy.score(&CountyData::from_str("x.yaml", &yaml, &copy).unwrap()),
        );
        let e = |r: &Report| {
            r.items
                .iter()
                .map(|i| (i.earned, i.max))
                .collect::<Vec<_>>()
        };
        assert_eq!(e(&a), e(&b), "{yaml}");
        assert_eq!(a.summary.total, b.summary.total);
        // gap and rank read the same points, with no copy.
        let g = GapAnalysis::new(
            &rules,
            &CountyData::from_str("x.yaml", &yaml, &rules).unwrap(),
        );
        let h = GapAnalysis::new(
            &copy,
            &CountyData::from_str("x.yaml", &yaml, &copy).unwrap(),
        );
        assert_eq!(
            g.plans
                .iter()
                .map(|p| (p.reaches, p.total_after))
                .collect::<Vec<_>>(),
            h.plans
                .iter()
                .map(|p| (p.reaches, p.total_after))
                .collect::<Vec<_>>()
        );
    }
}

#[test]
fn share_errors_name_what_is_wrong() {
    let load = |t: String| errors(&RuleSource::from_documents([("ruleset.yaml", t)]));
    // Not adding up to 100%.
    let e = load(shares_text().replace("points: 50%", "points: 40%"));
    assert!(
        e.iter().any(|e| e.contains("add up to 90%, not 100%")),
        "{e:?}"
    );
    // Mixed with points.
    let e = load(shares_text().replace("points: 50%", "points: 50"));
    assert!(e.iter().any(|e| e.contains("some as points")), "{e:?}");
    // Below the first level.
    let e = load(shares_text().replace("        points: 10\n", "        points: 10%\n"));
    assert!(
        e.iter().any(|e| e.contains("first-level areas only")),
        "{e:?}"
    );
    // Not a share at all: no more "invalid floating point".
    let e = load(shares_text().replace("points: 15%", "points: 15 percent"));
    assert!(
        e.iter().any(|e| e.contains("a share of the total (15%)")),
        "{e:?}"
    );
    // A parent below a share area whose written points are not its children's sum.
    let nested = shares_text().replace(
        "    children:               # 1 + 1 → scaled to 50: 25 + 25\n",
        "    children:               # 1 + 1 → scaled to 50: 25 + 25\n      - id: \"3.0\"\n        name: 中间层\n        points: 3\n        children:\n          - { id: \"3.0.1\", name: 甲, points: 1, inputs: [enf.online], score: award(d.enf.online) }\n",
    );
    let e = load(nested);
    assert!(
        e.iter()
            .any(|e| e.contains("`3.0` has 3 points as written, but its children add up to 1")),
        "{e:?}"
    );
    // 15% of 0.01 is 0.0015: finer than 0.001.
    let e = load(shares_text().replace("total_points: 100", "total_points: 0.01"));
    assert!(e.iter().any(|e| e.contains("finer than 0.001")), "{e:?}");
}

#[test]
fn every_evaluator_rescales_alike() {
    // 百分制 and shares: the interpreter, the fast path and the naive baseline give the same
    // item results (on the model's scale), and the report's items are those results.
    for (rules, data) in [
        (BAIFEN, format!("{BAIFEN_DATA}/a.yaml")),
        (SHARES, format!("{SHARES_DATA}/a.yaml")),
    ] {
        let rules = RuleSet::load_dir(rules).unwrap();
        let c = CountyData::from_file(&data, &rules).unwrap();
        let runs: Vec<Vec<Option<f64>>> = [
            fazhi::Evaluator::Interpreter,
            fazhi::Evaluator::Compiled,
            fazhi::Evaluator::Naive,
        ]
        .iter()
        .map(|ev| rules.evaluate_items(&c, *ev))
        .collect();
        assert_eq!(runs[0], runs[1]);
        assert_eq!(runs[0], runs[2]);
        let r = rules.score(&c);
        let earned: Vec<Option<Points>> = r.items.iter().map(|i| Some(i.earned)).collect();
        let ran: Vec<Option<Points>> = runs[0].iter().map(|x| x.map(p)).collect();
        assert_eq!(earned, ran);
    }
}

#[test]
fn the_rule_sets_own_tests_pass() {
    // `fazhi test` with the expected values on the reported scale (tests/rules/*/tests).
    for dir in [CHUXIONG, BAIFEN, SHARES] {
        let o = fazhi(&["test", dir]);
        assert!(
            o.status.success(),
            "{dir}: {}{}",
            text(&o.stdout),
            text(&o.stderr)
        );
    }
}

#[test]
fn cli_whatif_says_the_rescaling() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    std::fs::write(rules.join("ruleset.yaml"), baifen_out_of_50_text()).unwrap();
    let s = dir.path().join("s.yaml");
    std::fs::write(&s, "id: s\nname: 百分制\ntotal_points: 100\nbonus_cap: 4\n").unwrap();
    let (r, s) = (rules.to_str().unwrap(), s.to_str().unwrap());
    let o = fazhi(&["whatif", "--rules", r, "--scenario", s, BAIFEN_DATA]);
    let md = text(&o.stdout);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(md.contains("总分：50 → 100"), "{md}");
    assert!(
        md.contains("总分折算 ×2：各项加分、扣分、加分上限及情景未设定的达标线同比例折算"),
        "{md}"
    );
    assert!(md.contains("加分上限（情景）：4 分"), "{md}");
    // a: 36 of 50 → 72 (合格, 30 → 60); b: (50 + 2) × 2 = 104 with the cap 4 ≥ 4.
    assert!(
        md.contains("| bf-a | 甲县 |     36 |     72 | +36 |"),
        "{md}"
    );
    assert!(
        md.contains("| bf-b | 乙县 |     52 |    104 | +52 |"),
        "{md}"
    );
    let out = dir.path().join("w.xlsx");
    let o = fazhi(&[
        "whatif",
        "--rules",
        r,
        "--scenario",
        s,
        BAIFEN_DATA,
        "--format",
        "xlsx",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
}

#[test]
fn uncertainty_from_a_rescaling_scenario_scales_the_pass_lines_and_adjustments() {
    // chuxiong ×2 (total_points 200): 乙县 items 80 × 2 = 160, bonus 2 × 2 = 4, penalty
    // 1 × 2 = 2: 162; pass lines 90 → 180 (优秀), 80 → 160 (良好): [false, true] in every draw
    // (unscaled lines would have made 162 优秀).
    let dir = tempfile::tempdir().unwrap();
    let s = dir.path().join("s.yaml");
    std::fs::write(&s, "id: s\nname: 加倍\ntotal_points: 200\n").unwrap();
    let mid = format!("{CHUXIONG_DATA}/mid.yaml");
    let o = fazhi(&[
        "uncertainty",
        "--rules",
        CHUXIONG,
        "--scenario",
        s.to_str().unwrap(),
        &mid,
        "--runs",
        "20",
        "--noise",
        "1=0",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let u: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(u["total_points"], 200);
    assert_eq!(
        u["counties"][0]["pass_probability"],
        serde_json::json!([0.0, 1.0])
    );
}
