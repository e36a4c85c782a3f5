//! Property tests of the rules-change analyses: incremental rescoring equals a full rescore
//! under random rule edits and data changes; per-item deltas add up to the total delta exactly;
//! stored reports survive a JSON round trip (so `fazhi verify` can compare them exactly).

mod common;
use common::edits::*;
use common::gen::*;
use common::*;
use fazhi::analyse::change::{diff, rescore};
use fazhi::{CountyData, Points, Report, RuleSet, RuleSource};
use proptest::prelude::*;
use std::sync::OnceLock;

fn national() -> &'static RuleSet {
    static R: OnceLock<RuleSet> = OnceLock::new();
    R.get_or_init(|| RuleSet::load_dir(NATIONAL).unwrap())
}

fn national_modified_cached() -> &'static RuleSet {
    static R: OnceLock<RuleSet> = OnceLock::new();
    R.get_or_init(national_modified)
}

/// Every one-line `score:` expression of the national set, as (file, line text).
fn one_line_scores() -> &'static Vec<(String, String)> {
    static L: OnceLock<Vec<(String, String)>> = OnceLock::new();
    L.get_or_init(|| {
        national_docs()
            .into_iter()
            .flat_map(|(f, t)| {
                t.lines()
                    .filter(|l| {
                        l.trim_start().starts_with("score: ") && !l.trim_end().ends_with('|')
                    })
                    .map(|l| (f.clone(), l.to_string()))
                    .collect::<Vec<_>>()
            })
            .collect()
    })
}

/// The national set with the chosen one-line scores halved and a new bonus cap.
fn national_edited(picks: &[usize], bonus_cap: u32) -> RuleSet {
    let lines = one_line_scores();
    let mut docs = national_docs();
    for &i in picks {
        let (file, line) = &lines[i % lines.len()];
        let doc = docs.iter_mut().find(|d| &d.0 == file).unwrap();
        let (indent, expr) = line.split_once("score: ").unwrap();
        let edited = format!("{indent}score: ({}) / 2", expr.trim());
        doc.1 = doc.1.replacen(line.as_str(), &edited, 1);
    }
    let doc = docs.iter_mut().find(|d| d.0 == "ruleset.yaml").unwrap();
    doc.1 = doc
        .1
        .replacen("bonus_cap: 30", &format!("bonus_cap: {bonus_cap}"), 1);
    RuleSet::load(&RuleSource::from_documents(docs)).unwrap()
}

fn data(rules: &RuleSet, id: usize, pairs: &[(String, String)]) -> CountyData {
    let y = yaml(pairs).replace("id: p,", &format!("id: p{id},"));
    CountyData::from_str("p.yaml", &y, rules).unwrap()
}

/// Rescoring `new_data` under `new` from reports of `old_data` under `old` equals a full rescore.
fn check_rescore(old: &RuleSet, new: &RuleSet, old_data: &[CountyData], new_data: &[CountyData]) {
    let before: Vec<Report> = old_data.iter().map(|c| old.score(c)).collect();
    let (after, stats) = rescore::rescore(old, &before, new, new_data);
    for (a, c) in after.iter().zip(new_data) {
        assert_eq!(a, &new.score(c), "county {}", c.info().id);
    }
    let n = new.items().count();
    assert_eq!(
        stats.items_reused + stats.items_evaluated,
        n * new_data.len()
    );
}

/// Per-term deltas add up to the total delta exactly, for every county.
fn check_deltas(old: &RuleSet, new: &RuleSet, counties: &[CountyData]) {
    let a: Vec<Report> = counties.iter().map(|c| old.score(c)).collect();
    let b: Vec<Report> = counties.iter().map(|c| new.score(c)).collect();
    for (d, (x, y)) in diff::county_deltas(&a, &b).iter().zip(a.iter().zip(&b)) {
        let _ = (x, y);
        let sum: Points = d.contributions.iter().map(|c| c.delta).sum();
        assert_eq!(sum, d.delta, "{}", d.county.id);
        assert_eq!(d.delta, d.new_total - d.old_total);
        assert!(d
            .contributions
            .windows(2)
            .all(|w| w[0].delta.milli().abs() >= w[1].delta.milli().abs()));
        assert!(d
            .contributions
            .iter()
            .all(|c| c.delta == c.new - c.old && c.delta != Points::ZERO));
    }
    // Against the identity too: the same rules explain nothing.
    for (x, y) in a.iter().zip(&b) {
        let c = diff::contributions(x, x);
        assert!(c.is_empty());
        let all = diff::contributions(x, y);
        let sum: Points = all.iter().map(|c| c.delta).sum();
        assert_eq!(sum, y.summary.total - x.summary.total);
    }
}

fn mini_data() -> BoxedStrategy<Vec<(String, String)>> {
    static R: OnceLock<RuleSet> = OnceLock::new();
    data_strategy(R.get_or_init(mini))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Any subset of the mini edits, three counties of which some change their data.
    #[test]
    fn mini_rescore_equals_full_rescore(
        mask in 0u32..(1 << MINI_EDITS.len()),
        counties in proptest::collection::vec((mini_data(), proptest::option::of(mini_data())), 1..4),
    ) {
        let old = mini();
        let new = mini_edited(mask);
        let old_data: Vec<_> = counties.iter().enumerate().map(|(i, (a, _))| data(&old, i, a)).collect();
        let new_data: Vec<_> = counties
            .iter()
            .enumerate()
            .map(|(i, (a, b))| data(&new, i, b.as_ref().unwrap_or(a)))
            .collect();
        check_rescore(&old, &new, &old_data, &new_data);
        check_deltas(&old, &new, &old_data);
    }

    /// Reports survive JSON exactly (floats included), so stored reports can be verified.
    #[test]
    fn reports_round_trip_through_json(pairs in mini_data()) {
        let rules = mini();
        let r = rules.score(&data(&rules, 0, &pairs));
        let back: Report = serde_json::from_str(&fazhi::render::json(&r)).unwrap();
        prop_assert_eq!(back, r);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// The national set with random items' rules changed and a random bonus cap.
    #[test]
    fn national_rescore_equals_full_rescore(
        picks in proptest::collection::vec(0usize..1000, 0..6),
        cap in 0u32..60,
        a in data_strategy(national()),
        b in data_strategy(national()),
    ) {
        let old = national();
        let new = national_edited(&picks, cap);
        let counties = [data(old, 0, &a), data(old, 1, &b)];
        check_rescore(old, &new, &counties, &counties);
        check_deltas(old, &new, &counties);
        let back: Report = serde_json::from_str(&fazhi::render::json(&old.score(&counties[0]))).unwrap();
        prop_assert_eq!(&back, &old.score(&counties[0]));
    }

    /// The snapshot edit (re-pointed, removed, added, rewritten items) on random data.
    #[test]
    fn national_modified_deltas_add_up(a in data_strategy(national()), b in data_strategy(national())) {
        let counties = [data(national(), 0, &a), data(national(), 1, &b)];
        check_rescore(national(), national_modified_cached(), &counties, &counties);
        check_deltas(national(), national_modified_cached(), &counties);
    }
}

#[test]
fn every_mini_edit_loads_alone_and_all_together() {
    for i in 0..MINI_EDITS.len() {
        let _ = mini_edited(1 << i);
    }
    let all = mini_edited((1 << MINI_EDITS.len()) - 1);
    assert_ne!(all.hash(), mini().hash());
}

#[test]
fn edits_that_change_no_item_hash_reuse_every_item() {
    // Edit 6 renames 1.4; edit 15 rewords a field's description: no item hash changes.
    let old = mini();
    let new = mini_edited((1 << 6) | (1 << 15));
    for item in old.items() {
        assert_eq!(
            old.item_hash(item.id.as_str()),
            new.item_hash(item.id.as_str())
        );
    }
    let c = county(&old, &good_county());
    let (r, stats) = rescore::rescore(&old, &[old.score(&c)], &new, std::slice::from_ref(&c));
    assert_eq!(stats.items_evaluated, 0);
    assert_eq!(&*r[0].item("1.4").unwrap().name, "执法案卷评查（修订）");
    assert_eq!(r[0], new.score(&c));
}

// ---- issue 27 shape 6: relative items ----

const RELATIVE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rules/relative");

/// `tests/rules/relative`, or an edit of it: the ranking tiers moved (前2名满分，第3至4名一半)
/// and above the mean worth half the points.
fn relative_rules(edited: bool) -> RuleSet {
    let text = std::fs::read_to_string(format!("{RELATIVE}/ruleset.yaml")).unwrap();
    let text = if edited {
        text.replacen(
            "by_rank: [[3, P], [6, P / 2]]",
            "by_rank: [[2, P], [4, P / 2]]",
            1,
        )
        .replacen("above_mean: P", "above_mean: P / 2", 1)
    } else {
        text
    };
    RuleSet::load(&RuleSource::from_documents([("ruleset.yaml", text)])).unwrap()
}

/// A group of counties with random figures (a rate sometimes missing), grouped under `rules`.
fn relative_group(rules: &RuleSet, figures: &[(Option<u8>, u8, u8, u8)]) -> Vec<CountyData> {
    let counties = figures
        .iter()
        .enumerate()
        .map(|(i, (rate, score, sat, over))| {
            let rate = rate.map_or(String::new(), |r| format!("  cases.rate: {}\n", r % 101));
            let y = format!(
                "county: {{ id: r{i}, name: 县{i} }}\ndata:\n{rate}  service.score: {}\n  people.satisfaction: {}\n  cases.overturned: {}\n",
                score % 101,
                sat % 101,
                over % 6
            );
            CountyData::from_str("r.yaml", &y, rules).unwrap()
        })
        .collect();
    rules.with_group(counties).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Relative items within a random group: per-term deltas add up to the total delta, and
    /// rescoring (which never reuses a relative item) equals a full rescore within the group.
    #[test]
    fn relative_deltas_add_up_and_rescore_within_the_group(
        figures in proptest::collection::vec(
            (proptest::option::of(any::<u8>()), any::<u8>(), any::<u8>(), any::<u8>()),
            1..7,
        ),
    ) {
        let (old, new) = (relative_rules(false), relative_rules(true));
        let before = relative_group(&old, &figures);
        let after = relative_group(&new, &figures);
        check_deltas(&old, &new, &before);
        check_rescore(&old, &new, &before, &after);
    }
}
