//! Edited copies of real rule sets, built by string edits from the shipped files (so they never
//! go stale): every edit must match exactly once, or the helper panics and names it.

use fazhi::{RuleSet, RuleSource};
use std::path::Path;

/// The national rule set's folder.
pub const NATIONAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/indicators/national-2021");

/// One edit of one rule file.
pub enum Edit {
    /// Replace `from` (which must occur exactly once) by `to`.
    Replace(&'static str, &'static str, &'static str),
    /// Replace everything from `start` up to (not including) `end` by `to`.
    Block(&'static str, &'static str, &'static str, &'static str),
}

/// Applies edits to documents; panics naming the edit that does not match exactly once.
pub fn apply(mut docs: Vec<(String, String)>, edits: &[Edit]) -> Vec<(String, String)> {
    for e in edits {
        let file = match e {
            Edit::Replace(f, ..) | Edit::Block(f, ..) => *f,
        };
        let doc = docs
            .iter_mut()
            .find(|d| d.0 == file)
            .unwrap_or_else(|| panic!("no file {file}"));
        match e {
            Edit::Replace(_, from, to) => {
                assert_eq!(doc.1.matches(from).count(), 1, "{from:?} in {file}");
                doc.1 = doc.1.replacen(from, to, 1);
            }
            Edit::Block(_, start, end, to) => {
                assert_eq!(doc.1.matches(start).count(), 1, "{start:?} in {file}");
                let i = doc.1.find(start).unwrap();
                let j = i + doc.1[i..].find(end).unwrap_or_else(|| panic!("{end:?}"));
                doc.1 = format!("{}{to}{}", &doc.1[..i], &doc.1[j..]);
            }
        }
    }
    docs
}

const DISPUTES: &str = "areas/6-disputes.yaml";

/// The edits that turn national-2021 into the modified copy of the diff snapshots: a version
/// bump; 6.2.1/6.2.2 re-pointed 14/12 → 16/10 and 6.3.3/6.3.5 re-pointed 5/5 → 4/6 (so 6.2 and
/// 6.3 still add up); 6.1.4's rule rewritten (95% → 98%, 1 → 2 points per point below);
/// 6.1.5 removed and 6.1.6 added in its place with the same 8 points.
pub const NATIONAL_EDITS: &[Edit] = &[
    Edit::Replace(
        "ruleset.yaml",
        "version: \"2021.1\"",
        "version: \"2021.2-test\"",
    ),
    Edit::Replace(
        DISPUTES,
        "points: 14\n            inputs: [litigation.head_appearance_rate]",
        "points: 16\n            inputs: [litigation.head_appearance_rate]",
    ),
    Edit::Replace(
        DISPUTES,
        "points: 12\n            inputs: [litigation.loss_rate]",
        "points: 10\n            inputs: [litigation.loss_rate]",
    ),
    Edit::Replace(
        DISPUTES,
        "points: 5\n            inputs: [mediation.linkage_mechanisms]",
        "points: 4\n            inputs: [mediation.linkage_mechanisms]",
    ),
    Edit::Replace(
        DISPUTES,
        "points: 5\n            inputs: [petitions.repeat_rate]",
        "points: 6\n            inputs: [petitions.repeat_rate]",
    ),
    Edit::Replace(
        DISPUTES,
        "行政复议案件案结事了率达到95%得满分，每低1个百分点扣1分，扣完为止",
        "行政复议案件案结事了率达到98%得满分，每低1个百分点扣2分，扣完为止",
    ),
    Edit::Replace(
        DISPUTES,
        "deduct_below(d.review.case_closure_rate, 95, 1, 1)",
        "deduct_below(d.review.case_closure_rate, 98, 1, 2)",
    ),
    Edit::Block(
        DISPUTES,
        "          - id: \"6.1.5\"\n",
        "      - id: \"6.2\"\n",
        r#"          - id: "6.1.6"
            name: 复议纠错率控制
            name_en: Keeping review corrections low
            points: 8
            inputs: [review.direct_correction_rate]
            rule_text: 直接纠错率不高于10%得满分；10%–20%得一半；高于20%不得分
            score: tiers_below(d.review.direct_correction_rate, [[10, P], [20, P / 2]])
            evidence: [行政复议案件统计表]
"#,
    ),
];

/// The national documents.
pub fn national_docs() -> Vec<(String, String)> {
    RuleSource::from_dir(NATIONAL).unwrap().documents().to_vec()
}

/// The modified copy of national-2021 (see [`NATIONAL_EDITS`]).
pub fn national_modified_docs() -> Vec<(String, String)> {
    apply(national_docs(), NATIONAL_EDITS)
}

/// The modified copy, loaded.
pub fn national_modified() -> RuleSet {
    RuleSet::load(&RuleSource::from_documents(national_modified_docs())).unwrap()
}

/// Writes documents as a rule-set folder (for the command line).
pub fn write_rules(dir: &Path, docs: &[(String, String)]) {
    for (name, text) in docs {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

/// Edits of the mini rule set, each of which keeps it valid (points still add up); any subset
/// applies together. Most change an item's hash, some only a bonus, penalty, veto, pass line or
/// the dictionary, and some (a name, a description) no hash at all.
pub const MINI_EDITS: &[&[Edit]] = &[
    &[Edit::Replace(
        "areas.yaml",
        "head_appearance_rate, 100, 1, 1)",
        "head_appearance_rate, 100, 1, 2)",
    )],
    &[Edit::Replace(
        "areas.yaml",
        "[[15, P], [25, 1]]",
        "[[10, P], [25, 1]]",
    )],
    &[Edit::Replace(
        "areas.yaml",
        "[[95, P], [90, P / 2]]",
        "[[90, P], [80, P / 2]]",
    )],
    &[
        Edit::Replace(
            "areas.yaml",
            "points: 2\n        inputs: [decisions.steps_done]",
            "points: 3\n        inputs: [decisions.steps_done]",
        ),
        Edit::Replace(
            "areas.yaml",
            "points: 2\n        inputs: [enforcement.violations_found]",
            "points: 1\n        inputs: [enforcement.violations_found]",
        ),
    ],
    &[
        Edit::Replace(
            "areas.yaml",
            "points: 3\n        inputs: [service.online_rate]",
            "points: 2\n        inputs: [service.online_rate]",
        ),
        Edit::Replace(
            "areas.yaml",
            "points: 3\n        inputs: [org.has_plan, report.channel]",
            "points: 4\n        inputs: [org.has_plan, report.channel]",
        ),
    ],
    &[Edit::Replace(
        "areas.yaml",
        "award(d.org.has_plan, 1)",
        "award(d.org.has_plan, 0.5)",
    )],
    &[Edit::Replace(
        "areas.yaml",
        "name: 执法案卷评查",
        "name: 执法案卷评查（修订）",
    )],
    &[Edit::Replace(
        "areas.yaml",
        "deduct_each(d.enforcement.violations_found, 0.5)",
        "deduct_each(d.enforcement.violations_found, 0.25)",
    )],
    &[Edit::Replace(
        "ruleset.yaml",
        "  bonus_cap: 3",
        "  bonus_cap: 2",
    )],
    &[Edit::Replace(
        "ruleset.yaml",
        "cap: 3\n    rule_text: 每获一次",
        "cap: 1\n    rule_text: 每获一次",
    )],
    &[Edit::Replace(
        "ruleset.yaml",
        "d.supervision.problems_reported * 2",
        "d.supervision.problems_reported * 3",
    )],
    &[Edit::Replace(
        "ruleset.yaml",
        "when: d.decisions.illegal_serious > 0",
        "when: d.decisions.illegal_serious > 1",
    )],
    &[Edit::Replace(
        "ruleset.yaml",
        "min_total: 12",
        "min_total: 10",
    )],
    &[Edit::Replace(
        "ruleset.yaml",
        "applies_to: \"1\"",
        "applies_to: \"1.1\"",
    )],
    &[Edit::Replace(
        "fields.yaml",
        "range: [0, 10]",
        "range: [0, 20]",
    )],
    &[Edit::Replace(
        "fields.yaml",
        "desc: 全程网办率",
        "desc: 全程网上办理率",
    )],
    &[Edit::Replace(
        "fields.yaml",
        "service.online_rate: { type: percent,",
        "service.online_rate: { type: number, range: [0, 100],",
    )],
];

/// The mini rule set with the edits whose bits are set in `mask`.
pub fn mini_edited(mask: u32) -> RuleSet {
    let mut docs = super::mini_docs();
    for (i, group) in MINI_EDITS.iter().enumerate() {
        if mask & (1 << i) != 0 {
            docs = apply(docs, group);
        }
    }
    RuleSet::load(&RuleSource::from_documents(docs)).unwrap()
}
