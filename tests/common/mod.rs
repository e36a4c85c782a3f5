//! Shared helpers of the integration tests.
#![allow(dead_code)]

pub mod edits;
pub mod gen;
pub mod identity;

use fazhi::{CountyData, Report, RuleSet, RuleSource};

pub const MINI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rules/mini");

/// The documents of the mini rule set.
pub fn mini_docs() -> Vec<(String, String)> {
    RuleSource::from_dir(MINI).unwrap().documents().to_vec()
}

/// The mini rule set with `from` replaced by `to` in `file` (the replacement must happen).
pub fn mini_with(file: &str, from: &str, to: &str) -> RuleSource {
    let mut docs = mini_docs();
    let doc = docs.iter_mut().find(|d| d.0 == file).expect("file");
    assert!(doc.1.contains(from), "{from:?} not in {file}");
    doc.1 = doc.1.replacen(from, to, 1);
    RuleSource::from_documents(docs)
}

/// The mini rule set with every item's, bonus's and penalty's expression an endless loop.
pub fn hostile() -> RuleSource {
    let docs = mini_docs()
        .into_iter()
        .map(|(name, text)| {
            let mut out = String::new();
            let mut in_block = None;
            for line in text.lines() {
                let indent = line.len() - line.trim_start().len();
                if let Some(i) = in_block {
                    if indent > i && !line.trim().is_empty() {
                        continue;
                    }
                    in_block = None;
                }
                if let Some(rest) = line.trim_start().strip_prefix("score:") {
                    out.push_str(&" ".repeat(indent));
                    out.push_str("score: \"let x = 0; loop { x += 1; }\"\n");
                    if rest.trim() == "|" {
                        in_block = Some(indent);
                    }
                    continue;
                }
                out.push_str(line);
                out.push('\n');
            }
            (name, out)
        })
        .collect::<Vec<_>>();
    RuleSource::from_documents(docs)
}

/// The seed and synthetic fixture counties (`fixtures/counties`, `fixtures/synthetic`), in path
/// order, checked against `rules`.
pub fn fixture_counties(rules: &RuleSet) -> Vec<CountyData> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
    let mut files: Vec<_> = ["counties", "synthetic"]
        .iter()
        .flat_map(|d| std::fs::read_dir(format!("{dir}/{d}")).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| CountyData::from_file(p, rules).unwrap())
        .collect()
}

/// The mini rule set with one extra document.
pub fn mini_plus(name: &str, text: &str) -> RuleSource {
    let mut docs = mini_docs();
    docs.push((name.to_string(), text.to_string()));
    RuleSource::from_documents(docs)
}

pub fn mini() -> RuleSet {
    RuleSet::load_dir(MINI).unwrap()
}

pub fn county(rules: &RuleSet, yaml: &str) -> CountyData {
    CountyData::from_str("test.yaml", yaml, rules).unwrap()
}

pub fn score(rules: &RuleSet, yaml: &str) -> Report {
    rules.score(&county(rules, yaml))
}

/// The errors of a rule source that must fail to load.
pub fn rule_errors(src: &RuleSource) -> Vec<fazhi::Diagnostic> {
    match RuleSet::load(src) {
        Ok(_) => panic!("the rule set loaded but should not have"),
        Err(e) => e
            .diagnostics()
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect(),
    }
}

pub fn good_county() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/mini-good.yaml"
    ))
    .unwrap()
}

/// Runs the `fazhi` binary with these arguments.
pub fn fazhi(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .args(args)
        .output()
        .unwrap()
}

/// Output bytes as text (lossy, so a failing assertion still shows what was printed).
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The text of an HTML or XML document: tags dropped (each becomes a space, so adjacent cells
/// never run together), the XML entities decoded.
pub fn text_of(markup: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in markup.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// A county's data as YAML (to load it again under another rule set).
pub fn county_yaml(c: &CountyData) -> String {
    let mut s = format!(
        "county: {{id: {}, name: {}}}\ndata:\n  {{}}\n",
        c.info().id,
        c.info().name
    );
    if !c.values().is_empty() {
        s = format!(
            "county: {{id: {}, name: {}}}\ndata:\n",
            c.info().id,
            c.info().name
        );
    }
    for (k, d) in c.values() {
        s.push_str(&format!(
            "  {k}: {}\n",
            serde_json::to_string(&d.value).unwrap()
        ));
    }
    s
}
