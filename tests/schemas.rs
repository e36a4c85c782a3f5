//! JSON Schemas for editors: the shipped copies under `schemas/` are what `fazhi::schema` makes
//! today, every shipped rule file and fixture validates against its schema and points at it with
//! a `# yaml-language-server: $schema=…` modeline, and the schemas refuse what the loader refuses.

use fazhi::{RuleSet, RuleSource};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            // A rule set's tests (`tests/`) are test files, checked against their own schema.
            if p.file_name().is_some_and(|n| n == "tests") {
                continue;
            }
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "yaml") {
            out.push(p);
        }
    }
    out.sort();
}

fn load_yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    fazhi::schema::yaml_to_json(&path.display().to_string(), &text).unwrap()
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::validator_for(schema).expect("a valid JSON Schema")
}

fn errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// The shipped schema file equals `made` (`FAZHI_UPDATE_DOCS=1` rewrites it).
fn check_shipped(name: &str, made: &Value) {
    let path = Path::new(ROOT).join("schemas").join(name);
    let text = fazhi::render::to_json(made);
    if std::env::var_os("FAZHI_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let shipped = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        shipped == text,
        "schemas/{name} is stale: run FAZHI_UPDATE_DOCS=1 cargo test --test schemas"
    );
}

/// The schema a file's modeline names, resolved from the file's folder.
fn modeline_target(path: &Path) -> PathBuf {
    let text = std::fs::read_to_string(path).unwrap();
    // At line 1: yaml-language-server 1.24 and later ignore a modeline after the YAML content
    // (issue 23).
    let line = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# yaml-language-server: $schema="))
        .unwrap_or_else(|| panic!("{} has no schema modeline at line 1", path.display()));
    path.parent().unwrap().join(line.trim())
}

#[test]
fn shipped_schemas_are_up_to_date() {
    check_shipped("rules.schema.json", &fazhi::schema::rules());
    check_shipped("tests.schema.json", &fazhi::schema::tests());
    let national = RuleSet::builtin().unwrap();
    check_shipped(
        "county.national-2021.schema.json",
        &fazhi::schema::county(&national),
    );
    let haiyan = RuleSet::load_dir(Path::new(ROOT).join("indicators/haiyan-2016")).unwrap();
    check_shipped(
        "county.haiyan-2016.schema.json",
        &fazhi::schema::county(&haiyan),
    );
}

#[test]
fn every_shipped_rule_file_validates_and_names_the_schema() {
    let v = validator(&fazhi::schema::rules());
    let mut files = Vec::new();
    yaml_files(&Path::new(ROOT).join("indicators"), &mut files);
    // national-2021: ruleset, extras and 8 areas; haiyan-2016: ruleset and 8 areas.
    assert!(files.len() >= 19, "{files:?}");
    for f in &files {
        let errs = errors(&v, &load_yaml(f));
        assert!(errs.is_empty(), "{}: {errs:?}", f.display());
        let target = modeline_target(f);
        assert_eq!(
            target.canonicalize().unwrap(),
            Path::new(ROOT)
                .join("schemas/rules.schema.json")
                .canonicalize()
                .unwrap(),
            "{}",
            f.display()
        );
    }
}

#[test]
fn every_fixture_validates_against_its_rule_sets_county_schema() {
    let cases = [
        ("fixtures/counties", "indicators/national-2021"),
        ("fixtures/synthetic", "indicators/national-2021"),
        ("fixtures/haiyan-2016", "indicators/haiyan-2016"),
    ];
    for (dir, rules) in cases {
        let rules = RuleSet::load_dir(Path::new(ROOT).join(rules)).unwrap();
        let schema = fazhi::schema::county(&rules);
        let v = validator(&schema);
        let mut files = Vec::new();
        yaml_files(&Path::new(ROOT).join(dir), &mut files);
        assert!(!files.is_empty());
        for f in &files {
            let errs = errors(&v, &load_yaml(f));
            assert!(errs.is_empty(), "{}: {errs:?}", f.display());
            // The modeline points at the shipped copy of exactly this schema.
            let target = modeline_target(f);
            let shipped: Value =
                serde_json::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
            assert_eq!(shipped, schema, "{}", f.display());
        }
    }
}

#[test]
fn the_rules_schema_refuses_what_the_loader_refuses() {
    let v = validator(&fazhi::schema::rules());
    // A typo'd key (`pionts`) and a missing `desc`: both loader errors, both schema errors.
    let typo = json!({"indicators": [{"id": "1", "name": "甲", "pionts": 4}]});
    assert!(!v.is_valid(&typo));
    let src = RuleSource::from_documents([(
        "r.yaml",
        "ruleset: {id: x, title: 标题, version: '1', total_points: 4}\nindicators:\n  - {id: '1', name: 甲, pionts: 4}\n",
    )]);
    assert!(RuleSet::lint(&src).has_errors());
    let no_desc = json!({"fields": {"a.b": {"type": "bool"}}});
    assert!(!v.is_valid(&no_desc));
    let bad_type = json!({"fields": {"a.b": {"type": "boolean", "desc": "x"}}});
    assert!(!v.is_valid(&bad_type));
    let fine = json!({"fields": {"a.b": {"type": "bool", "desc": "是否"}}});
    assert!(v.is_valid(&fine), "{:?}", errors(&v, &fine));
}

#[test]
fn the_county_schema_checks_types_ranges_and_enums() {
    let rules = RuleSet::load_dir(Path::new(ROOT).join("tests/rules/mini")).unwrap();
    let schema = fazhi::schema::county(&rules);
    let v = validator(&schema);
    let county = |data: Value| json!({"county": {"id": "x", "name": "某县"}, "data": data});
    // mini: head_appearance_rate is a percent (0–100), cases a count, channel an enum.
    assert!(v.is_valid(&county(
        json!({"litigation": {"head_appearance_rate": 96.5}})
    )));
    assert!(v.is_valid(&county(
        json!({"litigation.head_appearance_rate": {"value": 100, "source": "1"}})
    )));
    assert!(v.is_valid(&county(
        json!({"litigation": {"head_appearance_rate": null}})
    )));
    assert!(!v.is_valid(&county(
        json!({"litigation": {"head_appearance_rate": 101}})
    )));
    assert!(!v.is_valid(&county(json!({"litigation": {"cases": 2.5}}))));
    assert!(!v.is_valid(&county(json!({"litigation": {"cases": -1}}))));
    assert!(!v.is_valid(&county(json!({"report": {"channel": "电视"}}))));
    assert!(v.is_valid(&county(json!({"report": {"channel": "报纸"}}))));
    assert!(!v.is_valid(&county(json!({"litigation": {"head_appearance_rat": 90}}))));
    assert!(!v.is_valid(&json!({"data": {}})), "county: is required");
    // The Chinese description of the dictionary is the field's description.
    let d = &schema["$defs"]["field:litigation.head_appearance_rate"]["description"];
    assert_eq!(d, "行政机关负责人出庭应诉率（百分比，单位：%）");
}

#[test]
fn every_shipped_test_file_validates_and_names_the_schema() {
    let v = validator(&fazhi::schema::tests());
    let mut n = 0;
    for set in ["national-2021", "haiyan-2016"] {
        let dir = Path::new(ROOT).join("indicators").join(set).join("tests");
        for e in std::fs::read_dir(&dir).unwrap() {
            let f = e.unwrap().path();
            let errs = errors(&v, &load_yaml(&f));
            assert!(errs.is_empty(), "{}: {errs:?}", f.display());
            assert_eq!(
                modeline_target(&f).canonicalize().unwrap(),
                Path::new(ROOT)
                    .join("schemas/tests.schema.json")
                    .canonicalize()
                    .unwrap()
            );
            n += 1;
        }
    }
    assert!(n >= 2);
    // The schema refuses what the runner refuses: a misspelt key, a county neither a path nor
    // a mapping.
    for bad in [
        json!({"tests": [{"name": "x", "county": "a.yaml", "expcet": {}}]}),
        json!({"tests": [{"name": "x", "county": 3}]}),
        json!({"tests": [{"name": "x", "county": "a.yaml", "expect": {"items": {"1.1": "three"}}}]}),
    ] {
        assert!(!errors(&v, &bad).is_empty(), "{bad}");
    }
}

/// Whether the schema and the reader agree on a county body: the schema accepts exactly what
/// `CountyData::from_json_str` reads (issue 23).
fn agree(v: &jsonschema::Validator, rules: &RuleSet, body: &Value) -> Result<(), String> {
    let text = serde_json::to_string(body).unwrap();
    let read = fazhi::CountyData::from_json_str("body.json", &text, rules);
    let valid = v.is_valid(body);
    if valid == read.is_ok() {
        Ok(())
    } else {
        Err(format!(
            "schema says {}, reader says {}: {text}\n{:?}",
            if valid { "valid" } else { "invalid" },
            match &read {
                Ok(_) => "ok".to_string(),
                Err(e) => e.to_string(),
            },
            errors(v, body)
        ))
    }
}

#[test]
fn the_county_schema_refuses_what_the_reader_refuses() {
    // Issue 23: numbers in note/quote/source and a field written both dotted and nested were
    // accepted by the schema and refused by the reader.
    let rules = RuleSet::load_dir(Path::new(ROOT).join("tests/rules/mini")).unwrap();
    let v = validator(&fazhi::schema::county(&rules));
    let county = |data: Value| json!({"county": {"id": "x", "name": "某县"}, "data": data});
    let rate = |r: Value| county(json!({"litigation": {"head_appearance_rate": r}}));
    let cases = [
        rate(json!({"value": 90, "note": 3})),
        rate(json!({"value": 90, "quote": true})),
        rate(json!({"value": 90, "source": 0})),
        rate(json!({"value": 90, "source": "000", "quote": "原文", "note": "备注"})),
        county(
            json!({"litigation.head_appearance_rate": 90, "litigation": {"head_appearance_rate": 91}}),
        ),
        county(json!({"litigation.head_appearance_rate": 90, "litigation": {"cases": 3}})),
        county(json!({"org.has_plan": true, "org": {"has_plan": false}})),
        county(json!({"org.has_plan": true})),
        json!({"county": {"id": "x"}, "data": {}}),
        json!({"county": {"id": "x", "name": "某县", "note": 1}, "data": {}}),
    ];
    for c in &cases {
        agree(&v, &rules, c).unwrap();
    }
}

/// A county body over the mini dictionary: some fields, each spelt dotted or nested at a random
/// split, as a bare value or a provenance record whose keys may hold text or not; sometimes a
/// field twice.
fn county_body() -> impl Strategy<Value = Value> {
    let rules = RuleSet::load_dir(Path::new(ROOT).join("tests/rules/mini")).unwrap();
    let good = load_yaml(&Path::new(ROOT).join("tests/data/mini-good.yaml"));
    // Every field with the value the good county gives it (as JSON).
    let mut samples: Vec<(String, Value)> = Vec::new();
    for f in rules.fields().keys() {
        let mut at = &good["data"];
        let mut found = at.get(f.as_str()).cloned();
        if found.is_none() {
            for seg in f.as_str().split('.') {
                at = &at[seg];
            }
            found = (!at.is_null()).then(|| at.clone());
        }
        if let Some(x) = found {
            let bare = x.get("value").cloned().unwrap_or(x);
            samples.push((f.as_str().to_string(), bare));
        }
    }
    let extra = prop_oneof![
        Just(json!("文本")),
        Just(json!(7)),
        Just(json!(true)),
        Just(Value::Null)
    ];
    let field = (
        0..samples.len(),
        0usize..4,
        prop::option::of(extra.clone()),
        prop::option::of(extra.clone()),
        prop::option::of(extra),
    );
    prop::collection::vec(field, 0..6).prop_map(move |chosen| {
        let mut data = serde_json::Map::new();
        for (k, split, source, quote, note) in chosen {
            let (path, value) = &samples[k];
            let value = if source.is_none() && quote.is_none() && note.is_none() {
                value.clone()
            } else {
                let mut r = serde_json::Map::new();
                r.insert("value".into(), value.clone());
                for (key, x) in [("source", source), ("quote", quote), ("note", note)] {
                    if let Some(x) = x {
                        r.insert(key.into(), x);
                    }
                }
                Value::Object(r)
            };
            let segs: Vec<&str> = path.split('.').collect();
            let cut = 1 + split % segs.len();
            // segs[..cut] dotted as the outer key, the rest nested under it.
            let mut inner = value;
            if cut < segs.len() {
                inner = json!({ segs[cut..].join("."): inner });
            }
            let outer = segs[..cut].join(".");
            match data.get_mut(&outer) {
                Some(Value::Object(m)) => {
                    if let Value::Object(more) = inner {
                        for (k2, v2) in more {
                            m.entry(k2).or_insert(v2);
                        }
                    }
                }
                Some(_) => {}
                None => {
                    data.insert(outer, inner);
                }
            }
        }
        json!({"county": {"id": "x", "name": "某县"}, "data": data})
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    /// Over generated bodies the schema accepts exactly what the reader reads.
    #[test]
    fn the_county_schema_and_the_reader_agree_on_generated_bodies(body in county_body()) {
        let rules = RuleSet::load_dir(Path::new(ROOT).join("tests/rules/mini")).unwrap();
        let v = validator(&fazhi::schema::county(&rules));
        if let Err(e) = agree(&v, &rules, &body) {
            prop_assert!(false, "{}", e);
        }
    }
}
