//! Batch ranking, rule-set diffs, incremental rescoring and provenance checks, through the
//! public API and the command line.

mod common;
use common::edits::*;
use common::*;
use fazhi::analyse::change::diff::{ChangeKind, ContributionKind, Section};
use fazhi::analyse::change::{diff, rank, rescore, verify};
use fazhi::{Points, RuleSet, RuleSource};
use std::path::{Path, PathBuf};

const GOOD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/mini-good.yaml");
const VETOED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/mini-vetoed.yaml");

fn p(x: f64) -> Points {
    Points::from_f64(x)
}

/// A copy of mini-good with another id (and so the same total).
fn twin(dir: &Path, id: &str) -> PathBuf {
    let path = dir.join(format!("{id}.yaml"));
    let t = good_county().replace("id: mini-good", &format!("id: {id}"));
    std::fs::write(&path, t).unwrap();
    path
}

#[test]
fn ties_share_a_rank_and_are_listed_by_county_id() {
    let dir = tempfile::tempdir().unwrap();
    let files = vec![
        twin(dir.path(), "zz"),
        PathBuf::from(VETOED),
        twin(dir.path(), "aa"),
        PathBuf::from(GOOD),
    ];
    let r = rank::rank_files(&mini(), &files, &|| {});
    let rows: Vec<(usize, &str, Points)> = r
        .rows
        .iter()
        .map(|x| (x.rank, x.county.id.as_str(), x.total))
        .collect();
    // mini-vetoed: items 20 + bonus 3 (capped) = 23; the three copies of mini-good 11.048.
    assert_eq!(
        rows,
        [
            (1, "mini-vetoed", p(23.0)),
            (2, "aa", p(11.048)),
            (2, "mini-good", p(11.048)),
            (2, "zz", p(11.048)),
        ]
    );
    let v = &r.rows[0];
    assert!(
        v.vetoed && v.pass_level.is_none(),
        "a veto fails every pass line"
    );
    assert_eq!(v.areas, [p(12.0), p(8.0)]);
    assert_eq!(r.rows[1].areas, [p(4.6), p(5.448)]);
    assert_eq!(r.provenance.inputs.len(), 4);
    assert_eq!(r.provenance.ruleset.hash, mini().hash());
    assert!(r.rows.iter().all(|x| x.county.source.is_some()));
}

#[test]
fn the_pass_level_is_the_highest_line_reached() {
    let rules = mini();
    // Full marks without the veto: 20 + bonus 3 = 23 ≥ 16 with every area at 100%.
    let yaml = std::fs::read_to_string(VETOED)
        .unwrap()
        .replace("illegal_serious: 1", "illegal_serious: 0");
    let r = score(&rules, &yaml);
    assert_eq!(r.summary.total, p(23.0));
    let level = rank::pass_level(&r).unwrap();
    assert_eq!(
        (level.id.as_str(), level.name.as_str()),
        ("demonstration", "示范")
    );
}

#[test]
fn a_broken_county_file_is_reported_and_the_others_are_ranked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(GOOD, dir.path().join("a-good.yaml")).unwrap();
    std::fs::write(
        dir.path().join("b-broken.yaml"),
        "county: {id: x, name: 坏县}\ndata:\n  service.online_rat: 50\n",
    )
    .unwrap();
    std::fs::copy(VETOED, dir.path().join("c-vetoed.json.yaml")).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a county").unwrap();
    let d = dir.path().to_str().unwrap();

    let out = fazhi(&["rank", "--rules", MINI, d]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let (so, se) = (text(&out.stdout), text(&out.stderr));
    assert!(
        se.contains("b-broken.yaml") && se.contains("service.online_rat"),
        "{se}"
    );
    assert!(se.contains("did you mean `service.online_rate`"), "{se}");
    assert!(se.contains("1 of 3 file(s) could not be scored"), "{se}");
    // No progress bar: standard error is not a terminal here.
    assert!(!se.contains('█') && !se.contains("3/3"), "{se}");
    assert!(so.contains("| 否决县") && so.contains("| 示例县"), "{so}");
    assert!(
        so.contains("## 未能评分的文件（1 个）") && so.contains("b-broken.yaml"),
        "{so}"
    );

    let out = fazhi(&["rank", "--rules", MINI, "--format", "json", "--quiet", d]);
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["rows"].as_array().unwrap().len(), 2);
    assert_eq!(v["failures"].as_array().unwrap().len(), 1);
    assert!(v["failures"][0]["path"]
        .as_str()
        .unwrap()
        .ends_with("b-broken.yaml"));
    assert_eq!(v["provenance"]["inputs"].as_array().unwrap().len(), 2);
    assert_eq!(
        v["provenance"]["inputs"][0]["sha256"]
            .as_str()
            .unwrap()
            .len(),
        64
    );

    let out = fazhi(&["rank", "--rules", MINI, "--format", "csv", d]);
    let csv = text(&out.stdout);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(lines[0].starts_with(
        "rank,county_id,county_name,source,total,max,pass_level,vetoed,coverage,area_1,area_2,"
    ));
    assert!(lines[1].starts_with("1,mini-vetoed,否决县,"), "{csv}");
    assert!(lines[2].starts_with("2,mini-good,示例县,"), "{csv}");
    assert!(
        lines[3].starts_with(",,,") && lines[3].contains("b-broken.yaml"),
        "{csv}"
    );
}

#[test]
fn ranking_a_missing_path_fails_cleanly() {
    let out = fazhi(&["rank", "--rules", MINI, "/no/such/county.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("/no/such/county.yaml"));
}

#[test]
fn ranking_is_deterministic() {
    let a = fazhi(&["rank", "--rules", MINI, "--format", "json", VETOED, GOOD]);
    let b = fazhi(&["rank", "--rules", MINI, "--format", "json", GOOD, VETOED]);
    assert_eq!(a.status.code(), Some(0));
    let (a, b): (serde_json::Value, serde_json::Value) = (
        serde_json::from_slice(&a.stdout).unwrap(),
        serde_json::from_slice(&b.stdout).unwrap(),
    );
    assert_eq!(a["rows"], b["rows"], "rows do not depend on argument order");
}

/// A mini rule set with one change of every kind.
fn mini_all_kinds() -> RuleSet {
    let docs = apply(
        mini_docs(),
        &[
            Edit::Replace("ruleset.yaml", "version: \"1.0\"", "version: \"2.0\""),
            // 1.4 moves from area 1 to area 2 (and the areas are re-pointed 12/8 → 10/10).
            Edit::Replace("areas.yaml", "    name: 行政争议化解\n    name_en: Resolving disputes\n    points: 12", "    name: 行政争议化解\n    name_en: Resolving disputes\n    points: 10"),
            Edit::Replace("areas.yaml", "    name: 组织保障\n    name_en: Organisation\n    points: 8", "    name: 组织保障\n    name_en: Organisation\n    points: 10"),
            Edit::Block("areas.yaml", "      - id: \"1.4\"\n", "  - id: \"2\"\n", ""),
            Edit::Replace("areas.yaml", "        evidence: [年度工作计划, 年度报告]\n", "        evidence: [年度工作计划, 年度报告]\n      - id: \"1.4\"\n        name: 执法案卷评查\n        points: 2\n        inputs: [enforcement.violations_found]\n        score: deduct_each(d.enforcement.violations_found, 0.5)\n"),
            // 2.2 removed, 2.5 added with its points.
            Edit::Block("areas.yaml", "      - id: \"2.2\"\n", "      - id: \"2.3\"\n", "      - id: \"2.5\"\n        name: 文件清理\n        points: 2\n        inputs: [docs.cleaned]\n        score: award(d.docs.cleaned > 0, 2)\n"),
            // 2.1 renamed; 1.1 and 1.2 re-pointed 6/2 → 5/3; 1.3's rule and 1.1's inputs changed.
            Edit::Replace("areas.yaml", "name: 全程网办\n", "name: 全程网上办理\n"),
            Edit::Replace("areas.yaml", "points: 6\n", "points: 5\n"),
            Edit::Replace("areas.yaml", "points: 2\n        inputs: [decisions.steps_done]", "points: 3\n        inputs: [decisions.steps_done]"),
            Edit::Replace("areas.yaml", "[[15, P], [25, 1]]", "[[10, P], [25, 1]]"),
            Edit::Replace("areas.yaml", "inputs: [litigation.head_appearance_rate]\n", "inputs: [litigation.head_appearance_rate, litigation.cases]\n"),
            // Dictionary: one field added, one range changed.
            Edit::Replace("fields.yaml", "range: [0, 10]", "range: [0, 5]"),
            Edit::Replace("fields.yaml", "fields:\n", "fields:\n  org.has_lead: { type: bool, desc: 主要负责人牵头 }\n"),
            // Veto, bonus, penalty, pass line, check.
            Edit::Replace("ruleset.yaml", "when: d.decisions.illegal_serious > 0", "when: d.decisions.illegal_serious > 1"),
            Edit::Replace("ruleset.yaml", "cap: 2\n", "cap: 1\n"),
            Edit::Replace("ruleset.yaml", "applies_to: \"1\"", "applies_to: total"),
            Edit::Replace("ruleset.yaml", "min_total: 12", "min_total: 13"),
            Edit::Replace("ruleset.yaml", "message: 清理文件数应等于宣布失效数与保留数之和", "message: 清理数应等于失效数加保留数"),
        ],
    );
    RuleSet::load(&RuleSource::from_documents(docs)).unwrap()
}

/// (section, id, kind, aspect, old, new) of a change.
type Row<'a> = (
    Section,
    &'a str,
    ChangeKind,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
);

#[test]
fn every_kind_of_structural_change_is_found_by_id() {
    let d = diff::diff_rules(&mini(), &mini_all_kinds());
    let got: Vec<Row> = d
        .changes
        .iter()
        .map(|c| {
            (
                c.section,
                c.id.as_str(),
                c.kind,
                c.aspect.as_deref(),
                c.old.as_deref(),
                c.new.as_deref(),
            )
        })
        .collect();
    use ChangeKind::*;
    use Section::*;
    let expected: Vec<Row> = vec![
        (
            Ruleset,
            "mini",
            Changed,
            Some("version"),
            Some("1.0"),
            Some("2.0"),
        ),
        (
            Field,
            "awards.national",
            Changed,
            Some("range"),
            Some("[0, 10]"),
            Some("[0, 5]"),
        ),
        (
            Field,
            "org.has_lead",
            Added,
            None,
            None,
            Some("主要负责人牵头（是否）"),
        ),
        (
            Indicator,
            "1",
            Repointed,
            Some("points"),
            Some("12"),
            Some("10"),
        ),
        (
            Indicator,
            "1.1",
            Repointed,
            Some("points"),
            Some("6"),
            Some("5"),
        ),
        (
            Indicator,
            "1.1",
            RuleChanged,
            Some("inputs"),
            Some("litigation.head_appearance_rate"),
            Some("litigation.head_appearance_rate, litigation.cases"),
        ),
        (
            Indicator,
            "1.2",
            Repointed,
            Some("points"),
            Some("2"),
            Some("3"),
        ),
        (
            Indicator,
            "1.3",
            RuleChanged,
            Some("score"),
            Some(
                "tiers_below(pct_or(d.review.corrected, d.review.decided, 0), [[15, P], [25, 1]])",
            ),
            Some(
                "tiers_below(pct_or(d.review.corrected, d.review.decided, 0), [[10, P], [25, 1]])",
            ),
        ),
        (
            Indicator,
            "1.4",
            Moved,
            Some("parent"),
            Some("1"),
            Some("2"),
        ),
        (
            Indicator,
            "1.4",
            Renamed,
            Some("name_en"),
            Some("Case-file review"),
            Some("—"),
        ),
        (
            Indicator,
            "1.4",
            Changed,
            Some("evidence"),
            Some("案卷评查报告"),
            Some(""),
        ),
        (
            Indicator,
            "1.4",
            Changed,
            Some("rule_text"),
            Some("案卷评查每发现一例问题扣0.5分，扣完为止"),
            Some("—"),
        ),
        (
            Indicator,
            "1.4",
            Changed,
            Some("target"),
            Some("{\"enforcement.violations_found\":0}"),
            Some("—"),
        ),
        (
            Indicator,
            "2",
            Repointed,
            Some("points"),
            Some("8"),
            Some("10"),
        ),
        (
            Indicator,
            "2.1",
            Renamed,
            Some("name"),
            Some("全程网办"),
            Some("全程网上办理"),
        ),
        (
            Indicator,
            "2.2",
            Removed,
            None,
            Some("一次办妥（2分，属 2）"),
            None,
        ),
        (
            Indicator,
            "2.5",
            Added,
            None,
            None,
            Some("文件清理（2分，属 2）"),
        ),
        (
            Veto,
            "V1",
            RuleChanged,
            Some("when"),
            Some("d.decisions.illegal_serious > 0"),
            Some("d.decisions.illegal_serious > 1"),
        ),
        (Bonus, "B2", Repointed, Some("cap"), Some("2"), Some("1")),
        (
            Penalty,
            "PN1",
            Moved,
            Some("applies_to"),
            Some("1"),
            Some("total"),
        ),
        (
            PassLine,
            "qualified",
            Repointed,
            Some("min_total"),
            Some("12"),
            Some("13"),
        ),
        (
            Check,
            "C1",
            Changed,
            Some("message"),
            Some("清理文件数应等于宣布失效数与保留数之和"),
            Some("清理数应等于失效数加保留数"),
        ),
    ];
    assert_eq!(got, expected);
    assert_eq!(d.old.hash, mini().hash());
    assert_ne!(d.old.hash, d.new.hash);
    // The same rule set: no change at all.
    assert!(diff::diff_rules(&mini(), &mini()).changes.is_empty());
}

#[test]
fn county_movements_are_explained_item_by_item() {
    let old = mini();
    let new = mini_all_kinds();
    let d = diff::diff_files(
        &old,
        &new,
        &[PathBuf::from(GOOD), PathBuf::from(VETOED)],
        &|| {},
    );
    assert!(d.failures.is_empty(), "{:?}", d.failures);
    assert_eq!(d.inputs.len(), 2);
    let good = d
        .counties
        .iter()
        .find(|c| c.county.id == "mini-good")
        .unwrap();
    // mini-good, by hand. Old: 1.1 = 6 − 3.5 = 2.5; 1.2 = 4 × 0.4 = 1.6; 1.3 = 50% corrected → 0;
    // 1.4 = 2 − 3 × 0.5 = 0.5; area 1 = 4.6, PN1 not triggered (96.5% ≥ 50%); 2.1 = 1.5 (93.3%);
    // 2.2 = 2 × 403/850 = 0.948; 2.3 = 3; bonus 1.5 + 2 = 3.5 capped at 3; PN2 −2.
    // Total 4.6 + 5.448 + 3 − 2 = 11.048.
    // New: 1.1 = 5 − 3.5 = 1.5 (−1); 1.2 = 1.6 (points 3, same result); 2.2 gone (−0.948);
    // 2.5 = 2 (+2); B2 capped at 1 (−1), so the bonus 2.5 is under the cap of 3 (+0.5 trim back).
    // Total 11.048 − 1 − 0.948 + 2 − 1 + 0.5 = 10.6.
    assert_eq!(
        (good.old_total, good.new_total, good.delta),
        (p(11.048), p(10.6), p(-0.448))
    );
    let terms: Vec<(ContributionKind, &str, Points)> = good
        .contributions
        .iter()
        .map(|c| (c.kind, c.id.as_str(), c.delta))
        .collect();
    use ContributionKind::*;
    assert_eq!(
        terms,
        [
            (Item, "2.5", p(2.0)),
            (Item, "1.1", p(-1.0)),
            (Bonus, "B2", p(-1.0)),
            (Item, "2.2", p(-0.948)),
            (BonusCap, "bonus_cap", p(0.5)),
        ]
    );
    let sum: Points = good.contributions.iter().map(|c| c.delta).sum();
    assert_eq!(sum, good.delta);
    // mini-vetoed: the veto no longer fires (1 serious case is not > 1).
    let vetoed = d
        .counties
        .iter()
        .find(|c| c.county.id == "mini-vetoed")
        .unwrap();
    assert_eq!(vetoed.vetoes.len(), 1);
    assert!(vetoed.vetoes[0].old && !vetoed.vetoes[0].new);
    assert_eq!(vetoed.old_pass, None);
    assert_eq!(
        vetoed.new_pass.as_ref().map(|x| x.id.as_str()),
        Some("demonstration")
    );
    assert_eq!(
        (vetoed.old_rank, vetoed.new_rank, vetoed.rank_change),
        (1, 1, 0)
    );
}

#[test]
fn diff_command_writes_a_changelog_and_fails_on_bad_data() {
    let dir = tempfile::tempdir().unwrap();
    let new_dir = dir.path().join("new");
    write_rules(
        &new_dir,
        &apply(
            mini_docs(),
            &[Edit::Replace(
                "ruleset.yaml",
                "  bonus_cap: 3",
                "  bonus_cap: 2",
            )],
        ),
    );
    let nd = new_dir.to_str().unwrap();
    let out = fazhi(&["diff", MINI, nd]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let md = text(&out.stdout);
    assert!(
        md.contains("| 规则集 | mini | 分值调整 | bonus_cap | 3   | 2   |"),
        "{md}"
    );
    assert!(!md.contains("各县得分变化"));

    let out = fazhi(&["diff", "--format", "json", MINI, nd, GOOD]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // mini-good's bonuses 1.5 + 2 = 3.5: the cap trims 0.5 under 3 and 1.5 under 2.
    assert_eq!(v["counties"][0]["delta"], serde_json::json!(-1));
    assert_eq!(v["counties"][0]["contributions"][0]["id"], "bonus_cap");
    assert_eq!(v["inputs"][0]["path"], GOOD);

    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "county: {id: b}\n").unwrap();
    let out = fazhi(&["diff", MINI, nd, GOOD, bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("bad.yaml"));
    assert!(text(&out.stdout).contains("## 未能评分的文件（1 个）"));
    let out = fazhi(&["diff", MINI, "/no/such/rules"]);
    assert_eq!(out.status.code(), Some(2));
    let out = fazhi(&["diff", "--format", "csv", MINI, nd]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("writes md, json, html or xlsx"));
    assert!(out.stdout.is_empty());
}

#[test]
fn rescoring_reuses_exactly_the_unchanged_items() {
    let old = mini();
    // One item's rule changes (1.1): every other item is reused.
    let new = mini_edited(1);
    let counties: Vec<_> = [GOOD, VETOED]
        .iter()
        .map(|f| fazhi::CountyData::from_file(f, &old).unwrap())
        .collect();
    let before: Vec<_> = counties.iter().map(|c| old.score(c)).collect();
    let (after, stats) = rescore::rescore(&old, &before, &new, &counties);
    for (a, c) in after.iter().zip(&counties) {
        assert_eq!(a, &new.score(c));
    }
    assert_eq!(stats.counties_matched, 2);
    assert_eq!(stats.items_evaluated, 2, "only 1.1, once per county");
    assert_eq!(stats.items_reused, 2 * 6);
    // A report from other rules, or of other data, is not used.
    let (_, stats) = rescore::rescore(&new, &before, &new, &counties);
    assert_eq!((stats.counties_matched, stats.items_reused), (0, 0));
    let other = fazhi::CountyData::from_str(
        "o.yaml",
        &good_county().replace("cases: 12", "cases: 13"),
        &old,
    )
    .unwrap();
    let (r, stats) = rescore::rescore(&old, &before, &new, std::slice::from_ref(&other));
    assert_eq!(r[0], new.score(&other));
    assert_eq!(stats.items_reused, 0);
}

fn scored_file(dir: &Path) -> (PathBuf, PathBuf) {
    let data = dir.join("county.yaml");
    std::fs::copy(GOOD, &data).unwrap();
    let report = dir.join("report.json");
    let out = fazhi(&[
        "score",
        "--rules",
        MINI,
        "--format",
        "json",
        "--out",
        report.to_str().unwrap(),
        data.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    (data, report)
}

#[test]
fn verify_reproduces_a_stored_report() {
    let dir = tempfile::tempdir().unwrap();
    let (data, report) = scored_file(dir.path());
    let stored: fazhi::Report =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(stored.county.source.as_deref(), data.to_str());
    let out = fazhi(&["verify", "--rules", MINI, report.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).starts_with("✓ mini-good"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn verify_names_the_data_hash_when_the_data_changed() {
    let dir = tempfile::tempdir().unwrap();
    let (data, report) = scored_file(dir.path());
    let t = std::fs::read_to_string(&data)
        .unwrap()
        .replace("violations_found: 3", "violations_found: 1");
    std::fs::write(&data, t).unwrap();
    let out = fazhi(&["verify", "--rules", MINI, report.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    let s = text(&out.stdout);
    assert!(
        s.contains("NOT reproduced") && s.contains("data hash differs"),
        "{s}"
    );
    assert!(!s.contains("rules hash differs"), "{s}");
    // 1.4 = 2 − 0.5 = 1.5 instead of 0.5.
    assert!(s.contains("/summary/total: 11.048 → 12.048"), "{s}");
}

#[test]
fn verify_names_the_rules_hash_when_the_rules_changed() {
    let dir = tempfile::tempdir().unwrap();
    let (_, report) = scored_file(dir.path());
    let rules = dir.path().join("rules");
    write_rules(
        &rules,
        &apply(
            mini_docs(),
            &[Edit::Replace(
                "areas.yaml",
                "name: 全程网办\n",
                "name: 全程网上办理\n",
            )],
        ),
    );
    let out = fazhi(&[
        "verify",
        "--rules",
        rules.to_str().unwrap(),
        report.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3));
    let s = text(&out.stdout);
    assert!(
        s.contains("rules hash differs") && !s.contains("data hash differs"),
        "{s}"
    );
    assert!(
        s.contains("/items/4/name: \"全程网办\" → \"全程网上办理\""),
        "{s}"
    );
}

#[test]
fn verify_names_the_engine_version_and_tampered_content() {
    let dir = tempfile::tempdir().unwrap();
    let (_, report) = scored_file(dir.path());
    let t = std::fs::read_to_string(&report).unwrap();
    std::fs::write(
        &report,
        t.replace("\"version\": \"0.1.0\"", "\"version\": \"0.0.9\"")
            .replace("\"total\": 11.048", "\"total\": 15"),
    )
    .unwrap();
    let out = fazhi(&["verify", "--rules", MINI, report.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    let s = text(&out.stdout);
    assert!(
        s.contains("engine version differs: the report was made by fazhi 0.0.9"),
        "{s}"
    );
    assert!(s.contains("/summary/total: 15 → 11.048"), "{s}");
    assert!(
        !s.contains("rules hash differs") && !s.contains("data hash differs"),
        "{s}"
    );
}

#[test]
fn verify_fails_cleanly_without_a_source_or_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let rules = mini();
    let r = score(&rules, &good_county());
    let path = dir.path().join("r.json");
    std::fs::write(&path, fazhi::render::json(&r)).unwrap();
    let out = fazhi(&["verify", "--rules", MINI, path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("names no data file"),
        "{}",
        text(&out.stderr)
    );
    std::fs::write(&path, "{\"not\": \"a report\"}").unwrap();
    let out = fazhi(&["verify", "--rules", MINI, path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not a fazhi report"));
    let out = fazhi(&["verify", "/no/such/report.json"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn verify_finds_a_relative_source_beside_the_report() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(GOOD, dir.path().join("county.yaml")).unwrap();
    let rules = mini();
    let mut r = score(&rules, &good_county());
    r.county.source = Some("county.yaml".into());
    let v = verify::verify_source(&r, &rules, Some(dir.path())).unwrap();
    assert!(v.reproduced, "{:?}", v.mismatches);
    assert!(
        verify::verify_source(&r, &rules, None).is_err(),
        "not in the working folder"
    );
}

#[test]
fn verify_on_a_workbook_or_word_file_says_it_verifies_json_reports() {
    // Issue 26: a workbook or a Word report given to `verify` is named for what it is, with the
    // command that makes the JSON report; exit 2, nothing verified. Was "save it as UTF-8".
    let dir = tempfile::tempdir().unwrap();
    let data = "tests/data/mini-good.yaml";
    for (format, what) in [("xlsx", "a workbook"), ("docx", "a Word document")] {
        let out = dir.path().join(format!("report.{format}"));
        let o = fazhi(&[
            "score",
            "--rules",
            MINI,
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
            data,
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        let o = fazhi(&["verify", "--rules", MINI, out.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2));
        let e = text(&o.stderr);
        assert!(e.contains("verifies JSON reports"), "{e}");
        assert!(e.contains(what), "{e}");
        assert!(e.contains("--format json"), "{e}");
        assert!(!e.contains("UTF-8"), "{e}");
    }
    // The same words for a zip package under another name, by its first bytes.
    let renamed = dir.path().join("report.bin");
    std::fs::copy(dir.path().join("report.xlsx"), &renamed).unwrap();
    let o = fazhi(&["verify", "--rules", MINI, renamed.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("a zip package"));
    // A Markdown report too.
    let md = dir.path().join("report.md");
    std::fs::write(&md, "# 报告\n").unwrap();
    let o = fazhi(&["verify", "--rules", MINI, md.to_str().unwrap()]);
    assert!(text(&o.stderr).contains("a Markdown report"));
    assert_eq!(
        verify::not_a_json_report("r.json", b"{\"sc"),
        None,
        "a JSON file is left to read_reports"
    );
}
