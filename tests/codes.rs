//! Issue 25: every diagnostic carries a stable code an embedder can match on, and every error a
//! kind that the Python exceptions and the HTTP `error.kind` map one to one. Each code below is
//! produced by the input that should produce it, through the public API.

use fazhi::{Code, CountyData, ErrorKind, RuleSet, RuleSource};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn mini() -> RuleSet {
    RuleSet::load_dir(format!("{ROOT}/tests/rules/mini")).expect("mini rule set")
}

fn data_codes(yaml: &str) -> Vec<Code> {
    let e = CountyData::from_str("c.yaml", yaml, &mini()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Data);
    assert_eq!(e.kind().as_str(), "data");
    e.diagnostics().iter().map(|d| d.code).collect()
}

#[test]
fn county_data_problems_have_their_codes() {
    assert_eq!(
        data_codes("county: {id: x, name: 某县}\ndata: {nosuch.field: 1}\n"),
        [Code::UnknownKey]
    );
    assert_eq!(
        data_codes("county: {id: x, name: 某县}\ndata: {service.online_rate: 140}\n"),
        [Code::InvalidValue]
    );
    assert_eq!(
        data_codes("county: {id: x, name: 某县}\ndata:\n  service.online_rate: 90\n  service.online_rate: 91\n"),
        [Code::DuplicateKey]
    );
    assert_eq!(data_codes("data: {}\n"), [Code::MissingKey]);
    assert_eq!(data_codes("county: [\n"), [Code::Syntax]);
}

fn rules_codes(files: &[(&str, &str)]) -> Vec<(Code, String)> {
    let mut docs: Vec<(String, String)> = std::fs::read_dir(format!("{ROOT}/tests/rules/mini"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    for (name, text) in files {
        docs.retain(|(n, _)| n != name);
        docs.push((name.to_string(), text.to_string()));
    }
    let src = RuleSource::from_documents(docs);
    let e = RuleSet::load(&src).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Rules);
    e.diagnostics()
        .iter()
        .filter(|d| d.is_error())
        .map(|d| (d.code, d.message.clone()))
        .collect()
}

#[test]
fn rule_set_problems_have_their_codes() {
    let areas = std::fs::read_to_string(format!("{ROOT}/tests/rules/mini/areas.yaml")).unwrap();
    // An unknown helper: an expression problem.
    let bad = areas.replace(
        "score: deduct_each(d.enforcement.violations_found, 0.5)",
        "score: deduct_eachh(d.enforcement.violations_found, 0.5)",
    );
    let got = rules_codes(&[("areas.yaml", &bad)]);
    assert!(
        got.iter()
            .any(|(c, m)| *c == Code::Expression && m.contains("deduct_eachh")),
        "{got:?}"
    );
    // An item id given twice.
    let twice = areas.replace("- id: \"1.4\"", "- id: \"1.3\"");
    let got = rules_codes(&[("areas.yaml", &twice)]);
    assert!(got.iter().any(|(c, _)| *c == Code::DuplicateKey), "{got:?}");
    // Not YAML.
    let got = rules_codes(&[("areas.yaml", "indicators: [\n")]);
    assert!(got.iter().any(|(c, _)| *c == Code::Syntax), "{got:?}");
    // A misspelt key of the format (found by a new-user trial: it was `syntax`).
    let misspelt = areas.replacen("points: 6", "pionts: 6", 1);
    let got = rules_codes(&[("areas.yaml", &misspelt)]);
    assert!(
        got.iter()
            .any(|(c, m)| *c == Code::UnknownKey && m.contains("pionts")),
        "{got:?}"
    );
    // An item reading a field the dictionary does not declare (it was `structure`).
    let undeclared = areas.replacen(
        "inputs: [litigation.head_appearance_rate]",
        "inputs: [litigation.head_appearance_rat]",
        1,
    );
    let got = rules_codes(&[("areas.yaml", &undeclared)]);
    assert!(
        got.iter()
            .any(|(c, m)| *c == Code::UnknownKey && m.contains("head_appearance_rat`")),
        "{got:?}"
    );
}

#[test]
fn county_header_problems_have_their_codes() {
    // Found by a new-user trial: both were `invalid_value`.
    assert_eq!(
        data_codes("county: {id: x, name: 某县, foo: 1}\ndata: {}\n"),
        [Code::UnknownKey]
    );
    assert_eq!(
        data_codes("county: {name: 某县}\ndata: {}\n"),
        [Code::MissingKey]
    );
    assert_eq!(
        data_codes("county: {id: x, name: 某县, year: 二〇二三}\ndata: {}\n"),
        [Code::InvalidValue]
    );
}

#[test]
fn codes_are_stable_text() {
    let names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        names,
        [
            "syntax",
            "duplicate_key",
            "unknown_key",
            "missing_key",
            "invalid_value",
            "over_bound",
            "structure",
            "expression",
            "literal",
            "score_range",
            "unused",
            "lever",
            "authoring",
            "scenario",
            "too_many"
        ]
    );
    // The JSON of a diagnostic carries the code as that text.
    let e = CountyData::from_str(
        "c.yaml",
        "county: {id: x, name: 某县}\ndata: {nosuch: 1}\n",
        &mini(),
    )
    .unwrap_err();
    let v = serde_json::to_value(&e.diagnostics()[0]).unwrap();
    assert_eq!(v["code"], "unknown_key");
}

#[test]
fn error_kinds_name_the_http_kinds() {
    let kinds = [
        (ErrorKind::Io, "io"),
        (ErrorKind::Rules, "rules"),
        (ErrorKind::Data, "data"),
        (ErrorKind::Scenario, "scenario"),
        (ErrorKind::InvalidRequest, "invalid_request"),
    ];
    for (k, s) in kinds {
        assert_eq!(k.as_str(), s);
    }
    let e = CountyData::from_file(format!("{ROOT}/no/such/file.yaml"), &mini()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
}

#[test]
fn a_saved_report_among_county_files_is_named_for_what_it_is() {
    // Found by a new-user trial: `rank` on a folder holding a `score --format json` report listed
    // eleven unknown top-level keys. Now one error says what the file is.
    let rules = mini();
    let county =
        CountyData::from_file(format!("{ROOT}/tests/data/mini-good.yaml"), &rules).unwrap();
    let report = fazhi::render::json(&rules.score(&county));
    let e = CountyData::from_str("r.json", &report, &rules).unwrap_err();
    let d = e.diagnostics();
    assert_eq!(d.len(), 1, "{e}");
    assert_eq!(d[0].code, Code::UnknownKey);
    assert!(d[0].message.contains("fazhi report"), "{e}");
    assert!(
        d[0].help.as_deref().unwrap_or("").contains("fazhi verify"),
        "{e}"
    );
}
