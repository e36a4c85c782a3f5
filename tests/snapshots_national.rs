//! Snapshots of the Markdown and JSON reports of every fixture county under national-2021, and of
//! 海晏 under its own 2016 plan. Each was read against the seed text and the rules before being
//! accepted: every scored item follows from the data and the rule.

use fazhi::{render, CountyData, RuleSet};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn report(rules_dir: &str, file: &str) -> fazhi::Report {
    let rules = RuleSet::load_dir(format!("{ROOT}/{rules_dir}")).unwrap();
    let data = CountyData::from_file(format!("{ROOT}/{file}"), &rules).unwrap();
    rules.score(&data)
}

macro_rules! snap {
    ($name:ident, $rules:expr, $file:expr) => {
        #[test]
        fn $name() {
            let r = report($rules, $file);
            insta::assert_snapshot!(concat!(stringify!($name), "_md"), render::markdown(&r));
            insta::assert_snapshot!(concat!(stringify!($name), "_json"), render::json(&r));
        }
    };
}

const NATIONAL: &str = "indicators/national-2021";
snap!(
    yuncheng_2018,
    NATIONAL,
    "fixtures/counties/yuncheng-2018.yaml"
);
snap!(linshu_2024, NATIONAL, "fixtures/counties/linshu-2024.yaml");
snap!(
    qingshan_2020,
    NATIONAL,
    "fixtures/counties/qingshan-2020.yaml"
);
snap!(
    qingfeng_2020,
    NATIONAL,
    "fixtures/counties/qingfeng-2020.yaml"
);
snap!(haiyan_2016, NATIONAL, "fixtures/counties/haiyan-2016.yaml");
snap!(
    haiyan_2016_local,
    "indicators/haiyan-2016",
    "fixtures/haiyan-2016/haiyan-2016.yaml"
);
snap!(synthetic_strong, NATIONAL, "fixtures/synthetic/strong.yaml");
snap!(
    synthetic_middling,
    NATIONAL,
    "fixtures/synthetic/middling.yaml"
);
snap!(synthetic_vetoed, NATIONAL, "fixtures/synthetic/vetoed.yaml");
