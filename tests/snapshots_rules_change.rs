//! Snapshots of the rules-change analyses on the real national rule set and the seed counties:
//! the ranking of the seed counties, and the diff between national-2021 and its modified copy
//! (built from the shipped files by the string edits of `common::edits::NATIONAL_EDITS`: a few
//! items re-pointed, one removed, one added, one rule rewritten). Each number was checked by hand
//! against the rules and the county data before the snapshot was accepted.

mod common;
use common::edits::*;
use fazhi::analyse::change::{diff, rank};
use fazhi::{render, RuleSet};
use std::path::PathBuf;

/// The seed counties, as relative paths (tests run in the package folder) so that the
/// snapshots do not depend on where the repository is checked out.
fn seeds() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir("fixtures/counties")
        .unwrap()
        .map(|e| PathBuf::from("fixtures/counties").join(e.unwrap().file_name()))
        .collect();
    v.sort();
    v
}

#[test]
fn seed_ranking() {
    let rules = RuleSet::load_dir(NATIONAL).unwrap();
    let r = rank::rank_files(&rules, &seeds(), &|| {});
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    insta::assert_snapshot!("seed_ranking_md", render::rank_markdown(&r));
    insta::assert_snapshot!("seed_ranking_csv", render::rank_csv(&r));
}

#[test]
fn national_to_modified_on_seed_counties() {
    let old = RuleSet::load_dir(NATIONAL).unwrap();
    let new = national_modified();
    let d = diff::diff_files(&old, &new, &seeds(), &|| {});
    assert!(d.failures.is_empty(), "{:?}", d.failures);
    for c in &d.counties {
        let sum: fazhi::Points = c.contributions.iter().map(|x| x.delta).sum();
        assert_eq!(sum, c.delta, "{}", c.county.id);
    }
    insta::assert_snapshot!("national_diff_md", render::diff_markdown(&d));
    insta::assert_snapshot!("national_diff_json", render::to_json(&d));
}
