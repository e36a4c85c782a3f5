//! The structural part of a rule-set diff: what changed in the indicator system, by stable id.

use super::{Change, ChangeKind, Section};
use crate::model::Node;
use crate::ruleset::RuleSet;
use crate::types::{FieldPath, IndicatorId};
use std::collections::BTreeMap;

/// Collects changes of one section.
struct Out<'a> {
    section: Section,
    changes: &'a mut Vec<Change>,
}

impl Out<'_> {
    fn push(
        &mut self,
        id: &str,
        kind: ChangeKind,
        aspect: &str,
        old: Option<String>,
        new: Option<String>,
    ) {
        self.changes.push(Change {
            section: self.section,
            id: id.to_string(),
            kind,
            aspect: (!aspect.is_empty()).then(|| aspect.to_string()),
            old,
            new,
        });
    }
    /// Records `aspect` of `id` when its old and new text differ.
    fn cmp(&mut self, id: &str, kind: ChangeKind, aspect: &str, old: String, new: String) {
        if old != new {
            self.push(id, kind, aspect, Some(old), Some(new));
        }
    }
    /// The parts every scored rule has: its expression, inputs and optional inputs (a rule
    /// change), then its Chinese rule text.
    fn rule(&mut self, id: &str, o: Rule<'_>, n: Rule<'_>) {
        let rc = ChangeKind::RuleChanged;
        self.cmp(id, rc, o.aspect, o.expr.trim().into(), n.expr.trim().into());
        self.cmp(id, rc, "inputs", list(o.inputs), list(n.inputs));
        self.cmp(
            id,
            rc,
            "optional_inputs",
            list(o.optional),
            list(n.optional),
        );
        self.cmp(
            id,
            ChangeKind::Changed,
            "rule_text",
            opt(&o.text),
            opt(&n.text),
        );
    }
}

/// The comparable parts of a rule (an item's score, a veto's condition, a bonus or penalty).
struct Rule<'a> {
    /// `score` or `when`.
    aspect: &'static str,
    expr: &'a str,
    inputs: &'a [FieldPath],
    optional: &'a [FieldPath],
    text: Option<&'a str>,
}

/// A rule set's vetoes, bonuses, penalties, pass lines or checks by id.
fn by_id<T: Clone>(items: &[T], id: impl Fn(&T) -> &IndicatorId) -> BTreeMap<String, T> {
    items
        .iter()
        .map(|x| (id(x).to_string(), x.clone()))
        .collect()
}

fn list(f: &[FieldPath]) -> String {
    f.iter()
        .map(FieldPath::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

fn opt<T: ToString>(x: &Option<T>) -> String {
    x.as_ref().map_or_else(|| "—".to_string(), T::to_string)
}

/// Compares two keyed collections: added, removed, and `same` on the pairs.
fn keyed<T>(
    out: &mut Out,
    old: BTreeMap<String, T>,
    mut new: BTreeMap<String, T>,
    show: impl Fn(&T) -> String,
    mut same: impl FnMut(&mut Out, &str, &T, &T),
) {
    for (id, o) in &old {
        match new.remove(id) {
            Some(n) => same(out, id, o, &n),
            None => out.push(id, ChangeKind::Removed, "", Some(show(o)), None),
        }
    }
    for (id, n) in &new {
        out.push(id, ChangeKind::Added, "", None, Some(show(n)));
    }
}

/// Every structural change from `old` to `new`, sorted by section, id (numbers in ids compare
/// as numbers: 1.9 before 1.10) and kind.
pub(super) fn changes(old: &RuleSet, new: &RuleSet) -> Vec<Change> {
    let mut changes = Vec::new();
    header(old, new, &mut changes);
    fields(old, new, &mut changes);
    indicators(old, new, &mut changes);
    adjustments(old, new, &mut changes);
    changes.sort_by(|a, b| {
        (a.section, id_key(&a.id), a.kind, &a.aspect).cmp(&(
            b.section,
            id_key(&b.id),
            b.kind,
            &b.aspect,
        ))
    });
    changes
}

/// A sort key for ids in which runs of digits compare as numbers.
pub(crate) fn id_key(id: &str) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    let mut chars = id.chars().peekable();
    while let Some(&c) = chars.peek() {
        let mut run = String::new();
        let digit = c.is_ascii_digit();
        while let Some(&c) = chars.peek().filter(|c| c.is_ascii_digit() == digit) {
            run.push(c);
            chars.next();
        }
        match run.parse::<u64>() {
            Ok(n) if digit => out.push((n, String::new())),
            _ => out.push((u64::MAX, run)),
        }
    }
    out
}

fn header(old: &RuleSet, new: &RuleSet, changes: &mut Vec<Change>) {
    let mut out = Out {
        section: Section::Ruleset,
        changes,
    };
    let id = new.id().to_string();
    let c = ChangeKind::Changed;
    out.cmp(&id, c, "id", old.id().into(), new.id().into());
    out.cmp(
        &id,
        ChangeKind::Renamed,
        "title",
        old.title().into(),
        new.title().into(),
    );
    out.cmp(
        &id,
        c,
        "version",
        old.version().into(),
        new.version().into(),
    );
    out.cmp(
        &id,
        ChangeKind::Repointed,
        "total_points",
        old.total_points().to_string(),
        new.total_points().to_string(),
    );
    out.cmp(
        &id,
        ChangeKind::Repointed,
        "bonus_cap",
        opt(&old.bonus_cap()),
        opt(&new.bonus_cap()),
    );
    out.cmp(
        &id,
        ChangeKind::Repointed,
        "additional_points",
        opt(&old.additional_points()),
        opt(&new.additional_points()),
    );
    out.cmp(
        &id,
        ChangeKind::Repointed,
        "written_out_of",
        opt(&old.written_out_of()),
        opt(&new.written_out_of()),
    );
}

fn fields(old: &RuleSet, new: &RuleSet, changes: &mut Vec<Change>) {
    let mut out = Out {
        section: Section::Field,
        changes,
    };
    let map = |r: &RuleSet| -> BTreeMap<String, crate::model::FieldSpec> {
        r.fields()
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    };
    let c = ChangeKind::Changed;
    keyed(
        &mut out,
        map(old),
        map(new),
        |f| format!("{}（{}）", f.desc, f.ty.zh()),
        |out, id, o, n| {
            out.cmp(id, c, "type", o.ty.zh().into(), n.ty.zh().into());
            out.cmp(id, c, "unit", opt(&o.unit), opt(&n.unit));
            let range =
                |r: &Option<[f64; 2]>| r.map_or("—".into(), |[a, b]| format!("[{a}, {b}]"));
            out.cmp(id, c, "range", range(&o.range), range(&n.range));
            let vals = |v: &Option<Vec<String>>| v.as_ref().map_or("—".into(), |v| v.join("、"));
            out.cmp(id, c, "values", vals(&o.values), vals(&n.values));
            out.cmp(
                id,
                ChangeKind::Renamed,
                "desc",
                o.desc.clone(),
                n.desc.clone(),
            );
        },
    );
}

fn indicators(old: &RuleSet, new: &RuleSet, changes: &mut Vec<Change>) {
    let mut out = Out {
        section: Section::Indicator,
        changes,
    };
    let map = |r: &RuleSet| -> BTreeMap<String, (Node, String)> {
        r.nodes()
            .iter()
            .map(|n| {
                let parent = n
                    .parent
                    .map_or("—".to_string(), |p| r.nodes()[p].id.to_string());
                (n.id.to_string(), (n.clone(), parent))
            })
            .collect()
    };
    keyed(
        &mut out,
        map(old),
        map(new),
        |(n, parent)| format!("{}（{}分，属 {parent}）", n.name, n.points),
        |out, id, (o, op), (n, np)| {
            out.cmp(id, ChangeKind::Moved, "parent", op.clone(), np.clone());
            out.cmp(
                id,
                ChangeKind::Renamed,
                "name",
                o.name.to_string(),
                n.name.to_string(),
            );
            out.cmp(
                id,
                ChangeKind::Renamed,
                "name_en",
                opt(&o.name_en),
                opt(&n.name_en),
            );
            out.cmp(
                id,
                ChangeKind::Repointed,
                "points",
                o.points.to_string(),
                n.points.to_string(),
            );
            out.cmp(
                id,
                ChangeKind::Changed,
                "official_no",
                opt(&o.official_no),
                opt(&n.official_no),
            );
            let kind = |n: &Node| if n.leaf.is_some() { "item" } else { "group" };
            out.cmp(
                id,
                ChangeKind::Changed,
                "kind",
                kind(o).into(),
                kind(n).into(),
            );
            if let (Some(a), Some(b)) = (&o.leaf, &n.leaf) {
                fn rule(l: &crate::model::Leaf) -> Rule<'_> {
                    Rule {
                        aspect: "score",
                        expr: &l.score,
                        inputs: &l.inputs,
                        optional: &l.optional_inputs,
                        text: l.rule_text.as_deref(),
                    }
                }
                out.rule(id, rule(a), rule(b));
                // issue 27 shape 5: a records item's field, record points and combination.
                let records = |l: &crate::model::Leaf| match &l.records {
                    Some(r) => format!(
                        "each: {}, record_points: {}, combine: {}",
                        r.field,
                        opt(&r.points),
                        match r.combine {
                            crate::model::Combine::Share(b) => format!("{{share: {b}}}"),
                            c => serde_json::to_string(&c)
                                .unwrap_or_default()
                                .trim_matches('"')
                                .to_string(),
                        }
                    ),
                    None => "—".to_string(),
                };
                out.cmp(
                    id,
                    ChangeKind::RuleChanged,
                    "records",
                    records(a),
                    records(b),
                );
                out.cmp(
                    id,
                    ChangeKind::Changed,
                    "evidence",
                    a.evidence.join("、"),
                    b.evidence.join("、"),
                );
                let target = |l: &crate::model::Leaf| {
                    if l.target.is_empty() {
                        "—".to_string()
                    } else {
                        serde_json::to_string(&l.target).unwrap_or_default()
                    }
                };
                out.cmp(id, ChangeKind::Changed, "target", target(a), target(b));
            }
        },
    );
}

fn adjustments(old: &RuleSet, new: &RuleSet, changes: &mut Vec<Change>) {
    let (rn, rp, c) = (
        ChangeKind::Renamed,
        ChangeKind::Repointed,
        ChangeKind::Changed,
    );
    let vetoes = |r: &RuleSet| by_id(r.vetoes(), |v| &v.id);
    keyed(
        &mut Out {
            section: Section::Veto,
            changes,
        },
        vetoes(old),
        vetoes(new),
        |v| v.name.clone(),
        |out, id, o, n| {
            out.cmp(id, rn, "name", o.name.clone(), n.name.clone());
            fn rule(v: &crate::model::Veto) -> Rule<'_> {
                Rule {
                    aspect: "when",
                    expr: &v.when,
                    inputs: &v.inputs,
                    optional: &v.optional_inputs,
                    text: v.rule_text.as_deref(),
                }
            }
            out.rule(id, rule(o), rule(n));
        },
    );
    let bonuses = |r: &RuleSet| by_id(r.bonuses(), |b| &b.id);
    keyed(
        &mut Out {
            section: Section::Bonus,
            changes,
        },
        bonuses(old),
        bonuses(new),
        |b| format!("{}（最高{}分）", b.name, b.cap),
        |out, id, o, n| {
            out.cmp(id, rn, "name", o.name.clone(), n.name.clone());
            out.cmp(id, rp, "cap", o.cap.to_string(), n.cap.to_string());
            fn rule(b: &crate::model::Bonus) -> Rule<'_> {
                Rule {
                    aspect: "score",
                    expr: &b.score,
                    inputs: &b.inputs,
                    optional: &b.optional_inputs,
                    text: b.rule_text.as_deref(),
                }
            }
            out.rule(id, rule(o), rule(n));
        },
    );
    let penalties = |r: &RuleSet| by_id(r.penalties(), |p| &p.id);
    keyed(
        &mut Out {
            section: Section::Penalty,
            changes,
        },
        penalties(old),
        penalties(new),
        |p| format!("{}（扣 {}，最多{}分）", p.name, p.applies_to, opt(&p.cap)),
        |out, id, o, n| {
            out.cmp(id, rn, "name", o.name.clone(), n.name.clone());
            out.cmp(
                id,
                ChangeKind::Moved,
                "applies_to",
                o.applies_to.to_string(),
                n.applies_to.to_string(),
            );
            out.cmp(id, rp, "cap", opt(&o.cap), opt(&n.cap));
            fn rule(p: &crate::model::Penalty) -> Rule<'_> {
                Rule {
                    aspect: if p.is_zeroing() { "when" } else { "score" },
                    expr: p.expression(),
                    inputs: &p.inputs,
                    optional: &p.optional_inputs,
                    text: p.rule_text.as_deref(),
                }
            }
            out.rule(id, rule(o), rule(n));
        },
    );
    let lines = |r: &RuleSet| by_id(r.pass_lines(), |p| &p.id);
    keyed(
        &mut Out {
            section: Section::PassLine,
            changes,
        },
        lines(old),
        lines(new),
        |p| format!("{}（{}分以上）", p.name, p.min_total),
        |out, id, o, n| {
            out.cmp(id, rn, "name", o.name.clone(), n.name.clone());
            out.cmp(
                id,
                rp,
                "min_total",
                o.min_total.to_string(),
                n.min_total.to_string(),
            );
            out.cmp(
                id,
                c,
                "min_area_share",
                opt(&o.min_area_share),
                opt(&n.min_area_share),
            );
        },
    );
    let checks = |r: &RuleSet| by_id(r.checks(), |k| &k.id);
    keyed(
        &mut Out {
            section: Section::Check,
            changes,
        },
        checks(old),
        checks(new),
        |k| k.name.clone(),
        |out, id, o, n| {
            out.cmp(id, rn, "name", o.name.clone(), n.name.clone());
            out.cmp(
                id,
                ChangeKind::RuleChanged,
                "expect",
                o.expect.trim().into(),
                n.expect.trim().into(),
            );
            out.cmp(
                id,
                ChangeKind::RuleChanged,
                "inputs",
                list(&o.inputs),
                list(&n.inputs),
            );
            out.cmp(id, c, "message", o.message.clone(), n.message.clone());
        },
    );
}

#[cfg(test)]
mod tests {
    use super::id_key;

    #[test]
    fn ids_sort_with_numbers_as_numbers() {
        let mut ids = vec!["1.10", "1.9", "10", "2", "B1", "1.9.1"];
        ids.sort_by_key(|i| id_key(i));
        assert_eq!(ids, ["1.9", "1.9.1", "1.10", "2", "10", "B1"]);
    }
}
