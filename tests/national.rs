//! The built-in national rule set, the 海晏 local rule set and the county fixtures: structure,
//! dictionary coverage, provenance, and the facts the seeds state.

use fazhi::{CountyData, ItemStatus, RuleSet, RuleSource};
use std::collections::BTreeSet;
use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn national() -> RuleSet {
    RuleSet::load_dir(format!("{ROOT}/indicators/national-2021")).unwrap()
}

fn haiyan() -> RuleSet {
    RuleSet::load_dir(format!("{ROOT}/indicators/haiyan-2016")).unwrap()
}

fn fixture(rules: &RuleSet, rel: &str) -> CountyData {
    CountyData::from_file(format!("{ROOT}/{rel}"), rules).unwrap()
}

fn yaml_files(dir: &str) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(format!("{ROOT}/{dir}"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    v.sort();
    v
}

#[test]
fn both_rule_sets_lint_without_errors_or_warnings() {
    for dir in ["indicators/national-2021", "indicators/haiyan-2016"] {
        let d = RuleSet::lint(&RuleSource::from_dir(format!("{ROOT}/{dir}")).unwrap());
        assert!(d.0.is_empty(), "{dir}:\n{d}");
    }
}

#[test]
fn the_built_in_rule_set_is_national_2021() {
    let b = RuleSet::builtin().unwrap();
    assert_eq!(b.id(), "national-2021");
    assert_eq!(b.hash(), national().hash());
}

#[test]
fn national_structure_follows_the_official_system() {
    let r = national();
    assert_eq!(r.total_points().to_string(), "1000");
    let areas: Vec<&str> = r
        .nodes()
        .iter()
        .filter(|n| n.level == 1)
        .map(|n| &*n.name)
        .collect();
    assert_eq!(
        areas,
        [
            "政府职能依法全面履行",
            "依法行政制度体系完善",
            "重大行政决策科学民主合法",
            "行政执法严格规范公正文明",
            "行政权力制约和监督科学有效",
            "社会矛盾纠纷依法有效化解",
            "政府工作人员法治思维和依法行政能力全面提高",
            "法治政府建设组织领导落实到位",
        ]
    );
    let second = r.nodes().iter().filter(|n| n.level == 2).count();
    let third = r.items().count();
    assert!(
        (25..=40).contains(&second),
        "{second} second-level indicators"
    );
    assert!((90..=115).contains(&third), "{third} items");
    assert!(r.items().all(|n| n.level == 3));
    assert!(r.vetoes().len() >= 3);
    assert!(!r.bonuses().is_empty() && r.bonus_cap().is_some());
    assert!(!r.penalties().is_empty());
    assert!(r.pass_lines().iter().any(|p| p.name == "示范"));
    assert!(r.checks().len() >= 3);
    let fields = r.fields().len();
    assert!((150..=250).contains(&fields), "{fields} fields");
}

#[test]
fn every_item_is_documented_for_evaluators() {
    for rules in [national(), haiyan()] {
        for n in rules.items() {
            let leaf = n.leaf.as_ref().unwrap();
            assert!(n.name_en.is_some(), "{} has no English name", n.id);
            assert!(
                leaf.rule_text.as_deref().is_some_and(|t| !t.is_empty()),
                "{} has no rule_text",
                n.id
            );
            assert!(!leaf.evidence.is_empty(), "{} lists no evidence", n.id);
            assert!(!leaf.target.is_empty(), "{} has no target", n.id);
        }
    }
}

#[test]
fn every_rule_shape_appears_in_the_national_set() {
    let r = national();
    let all: String = r
        .items()
        .map(|n| n.leaf.as_ref().unwrap().score.clone())
        .collect();
    for helper in [
        "award(",
        "deduct_below(",
        "deduct_each(",
        "tiers(",
        "proportional(",
        "each_true(",
        "pct",
    ] {
        assert!(all.contains(helper), "no rule uses {helper}");
    }
}

#[test]
fn every_declared_field_is_read_and_every_read_field_is_declared() {
    for rules in [national(), haiyan()] {
        let declared: BTreeSet<_> = rules.fields().keys().collect();
        let read = rules.fields_read();
        let unread: Vec<_> = declared.difference(&read).collect();
        let undeclared: Vec<_> = read.difference(&declared).collect();
        assert!(
            unread.is_empty(),
            "{}: declared but never read: {unread:?}",
            rules.id()
        );
        assert!(
            undeclared.is_empty(),
            "{}: read but not declared: {undeclared:?}",
            rules.id()
        );
    }
}

#[test]
fn haiyan_has_its_eight_areas_and_thirty_measures() {
    let r = haiyan();
    assert_eq!(r.nodes().iter().filter(|n| n.level == 1).count(), 8);
    assert_eq!(r.items().count(), 30);
    let nos: BTreeSet<u32> = r.items().filter_map(|n| n.official_no).collect();
    assert_eq!(nos, (1..=30).collect());
}

#[test]
fn seed_fixtures_carry_provenance_for_every_value() {
    let r = national();
    for path in yaml_files("fixtures/counties") {
        let c = CountyData::from_file(&path, &r).unwrap();
        assert_eq!(c.info().kind.as_deref(), Some("seed"), "{}", path.display());
        assert!(
            !c.values().is_empty() || c.info().id.starts_with("haiyan"),
            "{}",
            path.display()
        );
        for (f, d) in c.values() {
            assert!(
                d.source.is_some() && d.quote.as_deref().is_some_and(|q| !q.is_empty()),
                "{}: {f} has no source sentence",
                path.display()
            );
            let q = d.quote.as_deref().unwrap();
            if (q.contains('余') || q.contains("以上"))
                && d.value.as_f64().is_some()
                && d.note.is_none()
            {
                assert_eq!(
                    d.bound,
                    fazhi::Bound::Lower,
                    "{}: {f} quotes \"{q}\" but is not marked as a lower bound",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn seed_quotes_are_in_the_seed_documents() {
    let seeds = format!("{ROOT}/../shared/seeds");
    if !Path::new(&seeds).exists() {
        return; // the seeds live beside the project checkout; CI has them there too
    }
    let texts: Vec<String> = std::fs::read_dir(&seeds)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let corpus: Vec<String> = texts.iter().map(|t| squash(t)).collect();
    let r = national();
    for path in yaml_files("fixtures/counties") {
        let c = CountyData::from_file(&path, &r).unwrap();
        for (f, d) in c.values() {
            let q = squash(d.quote.as_deref().unwrap_or(""));
            // A quote may elide with "…"; every piece must be found verbatim.
            for piece in q.split(['…', '⋯']).filter(|p| !p.is_empty()) {
                assert!(
                    corpus.iter().any(|t| t.contains(piece)),
                    "{}: quote for {f} not found in the seeds: {piece}",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn yuncheng_document_cleanup_inconsistency_is_flagged_not_guessed() {
    let r = national();
    let report = r.score(&fixture(&r, "fixtures/counties/yuncheng-2018.yaml"));
    assert!(report.summary.warnings >= 1);
    let flagged: Vec<_> = report.warnings().map(|c| c.name.clone()).collect();
    assert!(flagged.iter().any(|n| n.contains("清理")), "{flagged:?}");
}

#[test]
fn synthetic_counties_are_complete_and_land_where_labelled() {
    let r = national();
    let strong = fixture(&r, "fixtures/synthetic/strong.yaml");
    let middling = fixture(&r, "fixtures/synthetic/middling.yaml");
    let vetoed = fixture(&r, "fixtures/synthetic/vetoed.yaml");
    for c in [&strong, &middling, &vetoed] {
        assert_eq!(c.info().kind.as_deref(), Some("synthetic"));
        assert_eq!(
            c.values().len(),
            r.fields().len(),
            "{} is not complete",
            c.info().id
        );
        let rep = r.score(c);
        assert!(
            rep.items.iter().all(|i| i.status == ItemStatus::Scored),
            "{}: {:?}",
            c.info().id,
            rep.items
                .iter()
                .filter(|i| i.status != ItemStatus::Scored)
                .map(|i| (&i.id, &i.messages))
                .collect::<Vec<_>>()
        );
    }
    let (s, m, v) = (r.score(&strong), r.score(&middling), r.score(&vetoed));
    assert!(s.passes("demonstration"), "{:?}", s.summary.pass_lines);
    assert!(!m.passes("demonstration"));
    assert!(
        m.summary.total.as_f64() > 550.0 && m.summary.total.as_f64() < 750.0,
        "{}",
        m.summary.total
    );
    assert!(v.summary.vetoed && !v.passes("demonstration"));
    assert!(!s.summary.vetoed && !m.summary.vetoed);
}

#[test]
fn every_fixture_scores_without_rule_errors() {
    let n = national();
    for dir in ["fixtures/counties", "fixtures/synthetic"] {
        for path in yaml_files(dir) {
            let rep = n.score(&CountyData::from_file(&path, &n).unwrap());
            assert_eq!(
                rep.summary.errors,
                0,
                "{}: {:?}",
                path.display(),
                rep.items
                    .iter()
                    .filter(|i| i.status == ItemStatus::Error)
                    .map(|i| (&i.id, &i.messages))
                    .collect::<Vec<_>>()
            );
        }
    }
    let h = haiyan();
    let rep = h.score(&fixture(&h, "fixtures/haiyan-2016/haiyan-2016.yaml"));
    assert_eq!(rep.summary.errors, 0);
}
