//! The one-pass county reader (`fast`) against the careful path (`county`) on tricky inputs:
//! the same values, or a refusal that sends the file to the careful path. A module of its own so
//! that neither reader imports the other.

use super::fast::*;
use super::parse::Syntax;
use crate::{CountyData, RuleSet};

/// The careful path alone: the tree with places, then the checks.
fn careful(name: &str, text: &str, rules: &RuleSet) -> crate::Result<CountyData> {
    crate::load::county::from_tree(name, text, rules)
}

/// The fast path's answer, when it gives one.
fn fast(name: &str, text: &str, rules: &RuleSet) -> Option<CountyData> {
    county(text, Syntax::of(name), rules.fields())
        .map(|(info, values)| CountyData::with_hash(info, values))
}

/// The built-in rule set, compiled once for every test here.
fn rules() -> &'static RuleSet {
    static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(|| RuleSet::builtin().unwrap())
}

/// Every text of `cases` in both syntaxes: where the fast path answers, the careful path
/// accepts the same file and gives the same data (values, header and hash).
fn agree(cases: &[&str], rules: &RuleSet) -> usize {
    let mut answered = 0;
    for (i, text) in cases.iter().enumerate() {
        for name in ["c.yaml", "c.json"] {
            let Some(f) = fast(name, text, rules) else {
                continue;
            };
            answered += 1;
            match careful(name, text, rules) {
                Ok(c) => assert_eq!(f, c, "case {i} as {name}: {text}"),
                Err(e) => {
                    panic!("case {i} as {name}: fast path accepted, careful path said {e}\n{text}")
                }
            }
        }
    }
    answered
}

const HEAD: &str = "county: {id: x, name: 某县}\n";

#[test]
fn a_right_file_is_read_on_the_fast_path_with_the_careful_paths_values() {
    let r = rules();
    // A percent, a count written 95.0, a bool, a list, a record with a lower bound, a group,
    // a null (not given), a header with every key.
    let yaml = "county:\n  id: x\n  name: 某县\n  province: 山东省\n  year: 2020\n  kind: seed\n  note: 注\n  sources: {'001': 报告}\n\
data:\n  approval.on_time_rate: 97.5\n  approval.intermediary_list_items: 95.0\n  approval.power_list_published: true\n  approval.five_modes: [马上办, 网上办]\n  approval.non_licensing_items: {value: 2700, bound: lower, source: '001', quote: 调解纠纷2700余件}\n  decisions:\n    catalog_published: false\n  approval.materials_cut_rate: null\n";
    let f = fast("c.yaml", yaml, r).expect("fast path answers");
    assert_eq!(f, careful("c.yaml", yaml, r).unwrap());
    // 6 values given: on_time_rate, intermediary_list_items, power_list_published,
    // five_modes, non_licensing_items, decisions.catalog_published (the null is no value).
    assert_eq!(f.values().len(), 6);
    assert_eq!(
        f.get("approval.intermediary_list_items").unwrap().value,
        crate::Value::Int(95)
    );
    assert!(f.get("approval.materials_cut_rate").is_none());
    assert_eq!(
        f.get("approval.non_licensing_items").unwrap().display(),
        "≥2700"
    );
    // The same county as JSON gives the same hash.
    let json = r#"{"county": {"id": "x", "name": "某县", "province": "山东省", "year": 2020, "kind": "seed", "note": "注", "sources": {"001": "报告"}},
"data": {"approval.on_time_rate": 97.5, "approval.intermediary_list_items": 95.0, "approval.power_list_published": true,
"approval.five_modes": ["马上办", "网上办"], "approval.non_licensing_items": {"value": 2700, "bound": "lower", "source": "001", "quote": "调解纠纷2700余件"},
"decisions": {"catalog_published": false}, "approval.materials_cut_rate": null}}"#;
    assert_eq!(fast("c.json", json, r).unwrap().hash(), f.hash());
    // The dictionary's own path is kept (shared text, not a copy).
    let (path, _) = f.values().iter().next().unwrap();
    let (dict_path, _) = r.fields().get_key_value(path.as_str()).unwrap();
    assert!(path.same(dict_path));
}

#[test]
fn every_refusal_of_the_careful_path_gives_up_on_the_fast_path() {
    let r = rules();
    let bad = [
            // duplicates: top level, header, data, record, group, sources
            "county: {id: x, name: 某县}\ncounty: {id: y, name: 某县}\n",
            "county: {id: x, name: 某县, id: y}\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.on_time_rate: 90\n  approval.on_time_rate: 91\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.on_time_rate: null\n  approval.on_time_rate: null\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.on_time_rate: {value: 90, value: 91}\n",
            "county: {id: x, name: 某县}\ndata:\n  decisions: {catalog_published: true}\n  decisions: {expert_reviewed: 1}\n",
            "county: {id: x, name: 某县, sources: {a: b, a: c}}\n",
            "county: {id: x, name: 某县}\ndata:\n  decisions.catalog_published: true\n  decisions: {catalog_published: true}\n",
            // header
            "data: {}\n",
            "county: {id: x}\n",
            "county: {id: 5, name: 某县}\n",
            "county: {id: x, name: 某县, year: 2020.0}\n",
            "county: {id: x, name: 某县, year: 99999999999}\n",
            "county: {id: x, name: 某县, year: null}\n",
            "county: {id: x, name: 某县, province: null}\n",
            "county: {id: x, name: 某县, nmae: y}\n",
            "county: [x]\n",
            // data
            "county: {id: x, name: 某县}\ndata:\n",
            "county: {id: x, name: 某县}\ndata: [1]\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.on_time_rate: 100.5\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.on_time_rate: '90'\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.intermediary_list_items: 2.5\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.intermediary_list_items: 9007199254740992\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.intermediary_list_items: 18446744073709551615\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.intermediary_list_items: -9007199254740992\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.power_list_published: yes\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.five_modes: [1]\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.on_time_rate: {valeu: 1}\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.on_time_rate: {bound: lower}\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.on_time_rate: .nan\n",
            "county: {id: x, name: 某县}\ndata:\n  no.such_field: 1\n",
            "county: {id: x, name: 某县}\ndata:\n  decisions: 1\n",
            "county: {id: x, name: 某县}\ndata:\n  1: 1\n",
            "county: {id: x, name: 某县}\nextra: 1\n",
            // syntax
            "county: {id: x, name: 某县\n",
            "county: {id: x, name: 某县}\n---\ncounty: {id: y, name: 某县}\n",
            "",
            "null",
        ];
    for (i, text) in bad.iter().enumerate() {
        for name in ["c.yaml", "c.json"] {
            assert!(careful(name, text, r).is_err() || name == "c.json");
            assert!(fast(name, text, r).is_none(), "case {i} as {name}: {text}");
        }
    }
    // And through the public entry point the careful path's message comes back.
    let e = CountyData::from_str(
            "c.yaml",
            "county: {id: x, name: 某县}\ndata:\n  approval.on_time_rate: 90\n  approval.on_time_rate: 91\n",
            r,
        )
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("c.yaml:4:3") && e.contains("first at line 3, again at line 4"),
        "{e}"
    );
}

#[test]
fn where_the_fast_path_answers_both_paths_agree() {
    let r = rules();
    let cases = [
            HEAD,
            "county: {id: x, name: 某县}\ndata: {}\n",
            "\u{feff}county: {id: x, name: 某县}\n",
            "{\"county\": {\"id\": \"x\", \"name\": \"某县\"}, \"data\": {\"approval.on_time_rate\": 9e1}}",
            "{\"county\": {\"id\": \"x\\u0041\", \"name\": \"\\u67d0\\u53bf\"}, \"data\": {\"approval\\u002eon_time_rate\": 90}}",
            "county: {id: x, name: 某县}\ndata:\n  approval.intermediary_list_items: 9007199254740991\n  approval.on_time_rate: 0\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.intermediary_list_items: -0.0\n",
            "base: &b {id: x, name: 某县}\ncounty: *b\n",
            "county: &c {id: x, name: 某县}\ndata:\n  approval.power_list_published: !!bool true\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.five_modes: []\n  approval.on_time_rate: {value: 90}\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.on_time_rate: {value: null, note: 未公布}\n",
            "county: {id: x, name: 某县}\ndata:\n  decisions:\n    catalog_published: true\n  approval:\n    on_time_rate: 90\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.on_time_rate: 9.0e+1\n  approval.materials_cut_rate: 0x1F\n",
            "county:\n  <<: {id: x}\n  name: 某县\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.on_time_rate: {value: 90, bound: exact}\n",
            "county: {id: x, name: 某县}\ndata: {approval.five_modes: [马上办, 马上办]}\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.legal_time_limit_days: |\n    3\n",
            "county: {id: !!str 5, name: 某县}\ndata:\n  approval.on_time_rate: !!float 90\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.on_time_rate: r 90\n  approval.materials_cut_rate: *r\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.five_modes: &m [马上办]\n  approval.innovative_modes: *m\n",
            "county: {id: x, name: 某县, year: 0}\ndata:\n  approval.on_time_rate: 1e2\n  approval.materials_cut_rate: -0\n",
            "---\ncounty: {id: x, name: 某县}\n...\n",
            "county: {id: x, name: 某县}\ndata:\n  \"approval.on_time_rate\": 90\n  'approval.materials_cut_rate': 80\n",
        ];
    // The fast path answers the plain ones (not necessarily every tricky one).
    assert!(agree(&cases, r) >= 18);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
    /// County files put together from right and wrong pieces (keys written twice, groups,
    /// unknown keys, values of every kind): wherever the fast path answers, the careful path
    /// accepts the file and gives the same data.
    #[test]
    fn the_fast_path_never_accepts_what_the_careful_path_refuses(
        header in proptest::sample::select(vec![
            "county: {id: x, name: 某县}", "county: {id: x, name: 某县, year: 2020}",
            "county: {id: x, name: 某县, year: 20.5}", "county: {id: x}",
            "county: {id: x, name: 某县, sources: {a: 报告, b: 通报}}", "county: {id: x, name: 某县, id: y}",
        ]),
        entries in proptest::collection::vec(
            (
                proptest::sample::select(vec![
                    "approval.on_time_rate", "approval.intermediary_list_items",
                    "approval.power_list_published", "approval.five_modes",
                    "decisions.catalog_published", "decisions", "approval", "no.such", "1",
                ]),
                proptest::sample::select(vec![
                    "90", "100.5", "-1", "2.5", "9007199254740992", "true", "no", "null", "'90'",
                    "[马上办]", "[马上办, 1]", "{value: 3, bound: lower}", "{value: 3, valeu: 4}",
                    "{value: 3, value: 4}", "{catalog_published: true}", "{on_time_rate: 80}",
                    "{expert_reviewed: 2, catalog_published: false}", "[]", "{}",
                ]),
            ),
            0..6,
        ),
    ) {
        let r = rules();
        let mut text = format!("{header}\ndata:\n");
        for (k, v) in &entries {
            text.push_str(&format!("  {k}: {v}\n"));
        }
        if let Some(f) = fast("c.yaml", &text, r) {
            match careful("c.yaml", &text, r) {
                Ok(c) => proptest::prop_assert_eq!(f, c),
                Err(e) => proptest::prop_assert!(false, "fast path accepted, careful path said {}\n{}", e, text),
            }
        }
    }
}

#[test]
fn the_synthetic_counties_agree_in_both_syntaxes() {
    let r = rules();
    for c in crate::synth::generate(r, 20, 7) {
        let yaml =
            serde_saphyr::to_string(&serde_json::json!({"county": &c.info(), "data": &c.values()}))
                .unwrap();
        let json =
            serde_json::to_string(&serde_json::json!({"county": &c.info(), "data": &c.values()}))
                .unwrap();
        let (fy, fj) = (
            fast("c.yaml", &yaml, r).unwrap(),
            fast("c.json", &json, r).unwrap(),
        );
        assert_eq!(fy, careful("c.yaml", &yaml, r).unwrap());
        assert_eq!(fj, careful("c.json", &json, r).unwrap());
        assert_eq!(fy.hash(), c.hash());
        assert_eq!(fj.hash(), c.hash());
    }
}
