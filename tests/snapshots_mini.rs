//! Snapshots of the JSON and Markdown reports of the test rule set (reviewed by hand against the
//! rules: see the hand-computed expectations in tests/engine.rs).

mod common;
use common::*;
use fazhi::render;

fn report(file: &str) -> fazhi::Report {
    let rules = mini();
    let path = format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
    rules.score(&fazhi::CountyData::from_file(path, &rules).unwrap())
}

#[test]
fn mini_good_markdown() {
    insta::assert_snapshot!(render::markdown(&report("mini-good.yaml")));
}

#[test]
fn mini_good_json() {
    insta::assert_snapshot!(render::json(&report("mini-good.yaml")));
}

#[test]
fn mini_vetoed_markdown() {
    insta::assert_snapshot!(render::markdown(&report("mini-vetoed.yaml")));
}

#[test]
fn mini_vetoed_csv() {
    insta::assert_snapshot!(render::render(
        &[report("mini-vetoed.yaml")],
        render::Format::Csv
    ));
}
