//! Snapshots of gap reports: the mini rule set (Markdown and JSON) and the five seed counties
//! under national-2021 (Markdown). Each was read against the rules, the data and the seeds before
//! being accepted; the property tests separately rescore every promise they make.

mod common;
use common::*;
use fazhi::analyse::gap::GapAnalysis;
use fazhi::render::gap_markdown as markdown;
use fazhi::{CountyData, RuleSet};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn mini_gap(file: &str) -> GapAnalysis {
    let rules = mini();
    let data = CountyData::from_file(format!("{ROOT}/tests/data/{file}"), &rules).unwrap();
    GapAnalysis::new(&rules, &data)
}

#[test]
fn mini_good() {
    let g = mini_gap("mini-good.yaml");
    insta::assert_snapshot!("gap_mini_good_md", markdown(&g));
    insta::assert_snapshot!("gap_mini_good_json", fazhi::render::to_json(&g));
}

#[test]
fn mini_vetoed() {
    insta::assert_snapshot!(
        "gap_mini_vetoed_md",
        markdown(&mini_gap("mini-vetoed.yaml"))
    );
}

fn national(file: &str) -> String {
    let rules = RuleSet::load_dir(format!("{ROOT}/indicators/national-2021")).unwrap();
    let data = CountyData::from_file(format!("{ROOT}/fixtures/counties/{file}"), &rules).unwrap();
    markdown(&GapAnalysis::new(&rules, &data))
}

#[test]
fn yuncheng_2018() {
    insta::assert_snapshot!("gap_yuncheng_2018_md", national("yuncheng-2018.yaml"));
}

#[test]
fn linshu_2024() {
    insta::assert_snapshot!("gap_linshu_2024_md", national("linshu-2024.yaml"));
}

#[test]
fn qingshan_2020() {
    insta::assert_snapshot!("gap_qingshan_2020_md", national("qingshan-2020.yaml"));
}

#[test]
fn qingfeng_2020() {
    insta::assert_snapshot!("gap_qingfeng_2020_md", national("qingfeng-2020.yaml"));
}

#[test]
fn haiyan_2016() {
    insta::assert_snapshot!("gap_haiyan_2016_md", national("haiyan-2016.yaml"));
}
