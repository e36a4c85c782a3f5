//! Step 2, check: the structural lint of a loaded rule set — ids, points, references, types.
//! (Reads of undeclared fields inside expressions are found from the compiled AST in `compile`.)

use crate::error::{did_you_mean, Diagnostic};
use crate::load::county::check_value;
use crate::model::{FieldType, Model, Span};
use crate::types::{FieldPath, Points};
use std::collections::{BTreeMap, BTreeSet};

/// Every structural problem of the model.
pub(crate) fn check(m: &Model) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_ids(m, &mut out);
    check_fields(m, &mut out);
    check_tree(m, &mut out);
    check_others(m, &mut out);
    check_records(m, &mut out);
    out
}

// issue 27 shape 5: records
/// Records fields and records items: `record_fields` only (and always) on `type: records`, its
/// sub-fields of any type but `records`, `max_records` within [1, `MAX_RECORDS`]; an item's
/// `each:` names a records field among its `inputs`, `record_points` ≥ 0, and a `share` bar
/// within [0, record points].
fn check_records(m: &Model, out: &mut Vec<Diagnostic>) {
    use crate::model::{Combine, MAX_RECORDS};
    for (path, spec) in &m.fields {
        let e = |msg: String| err(&spec.span, msg);
        match (spec.ty, &spec.record_fields) {
            (FieldType::Records, None) => out.push(e(format!(
                "records field `{path}` needs `record_fields:` (each record's sub-fields with their types)"
            ))),
            (FieldType::Records, Some(subs)) => {
                if subs.is_empty() {
                    out.push(e(format!("records field `{path}` has no sub-fields")));
                }
                for (k, s) in subs {
                    if s.ty == FieldType::Records || s.record_fields.is_some() {
                        out.push(e(format!(
                            "sub-field `{k}` of `{path}`: records cannot be nested (a sub-field is any type but records)"
                        )));
                    }
                    if !FieldPath::new(k.as_str()).is_well_formed() || k.contains('.') {
                        out.push(e(format!(
                            "sub-field name `{k}` of `{path}` must be snake_case without dots"
                        )));
                    }
                    if let Some([lo, hi]) = s.range {
                        if !(s.ty.is_numeric() && lo.is_finite() && hi.is_finite() && lo <= hi)
                        {
                            out.push(e(format!(
                                "sub-field `{k}` of `{path}`: range [{lo}, {hi}] is not a valid interval of a numeric field"
                            )));
                        }
                    }
                    if s.ty == FieldType::Enum && s.values.is_none() {
                        out.push(e(format!("enum sub-field `{k}` of `{path}` needs `values:`")));
                    }
                }
            }
            (_, Some(_)) => out.push(e(format!(
                "field `{path}`: only `type: records` fields have `record_fields`"
            ))),
            (_, None) => {}
        }
        match (spec.ty, spec.max_records) {
            (FieldType::Records, Some(n)) if n == 0 || n > MAX_RECORDS => out.push(e(format!(
                "field `{path}`: max_records {n} is outside 1–{MAX_RECORDS}"
            ))),
            (FieldType::Records, _) | (_, None) => {}
            (_, Some(_)) => out.push(e(format!(
                "field `{path}`: only `type: records` fields have `max_records`"
            ))),
        }
    }
    for n in &m.nodes {
        let Some(rec) = n.leaf.as_ref().and_then(|l| l.records.as_ref()) else {
            continue;
        };
        let leaf = n.leaf.as_ref().map_or(&[][..], |l| l.inputs.as_slice());
        let id = n.id.as_str();
        let e = |msg: String| err(&n.span, msg);
        match m.fields.get(&rec.field) {
            Some(s) if s.ty == FieldType::Records => {}
            Some(s) => out.push(e(format!(
                "`{id}`: `each: {}` names a {} field; `each` names a `type: records` field",
                rec.field,
                s.ty.zh()
            ))),
            None => {
                let d = e(format!(
                    "`{id}`: `each: {}` is not in the data dictionary",
                    rec.field
                ));
                out.push(
                    match did_you_mean(rec.field.as_str(), m.fields.keys().map(|k| k.as_str())) {
                        Some(s) => d.with_help(format!("did you mean `{s}`?")),
                        None => d,
                    },
                );
            }
        }
        if !leaf.contains(&rec.field) {
            out.push(
                e(format!(
                    "`{id}`: `each: {}` must also be listed in `inputs` (a county without records has no data for the item)",
                    rec.field
                ))
                .with_help(format!("add `{}` to `inputs`", rec.field)),
            );
        }
        let rp = rec.points.unwrap_or(n.points);
        if rec.points.is_some_and(|p| p < Points::ZERO) {
            out.push(e(format!("`{id}`: record_points {rp} is negative")));
        }
        if let Combine::Share(bar) = rec.combine {
            if !(bar.is_finite() && bar >= 0.0 && bar <= rp.as_f64()) {
                out.push(e(format!(
                    "`{id}`: combine share bar {bar} is outside 0–{rp} (the record points)"
                )));
            }
        }
    }
}

fn err(span: &Span, msg: String) -> Diagnostic {
    Diagnostic::error(crate::error::Code::Structure, &span.file, span.loc(), msg)
}

fn check_ids(m: &Model, out: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<&str, &Span> = BTreeMap::new();
    let all = m
        .nodes
        .iter()
        .map(|n| (n.id.as_str(), &n.span))
        .chain(m.vetoes.iter().map(|v| (v.id.as_str(), &v.span)))
        .chain(m.bonuses.iter().map(|v| (v.id.as_str(), &v.span)))
        .chain(m.penalties.iter().map(|v| (v.id.as_str(), &v.span)))
        .chain(m.pass_lines.iter().map(|v| (v.id.as_str(), &v.span)))
        .chain(m.checks.iter().map(|v| (v.id.as_str(), &v.span)));
    for (id, span) in all {
        if id == "total" {
            out.push(err(
                span,
                "`total` is reserved (penalties use it for the whole score); choose another id"
                    .into(),
            ));
        }
        if let Some(first) = seen.get(id) {
            out.push(
                err(span, format!("duplicate id `{id}`"))
                    .with_code(crate::error::Code::DuplicateKey)
                    .with_help(format!(
                        "the first `{id}` is at {}:{}",
                        first.file, first.line
                    )),
            );
        } else {
            seen.insert(id, span);
        }
    }
}

fn check_fields(m: &Model, out: &mut Vec<Diagnostic>) {
    for (path, spec) in &m.fields {
        let e = |msg: String| err(&spec.span, msg);
        if !path.is_well_formed() {
            out.push(e(format!(
                "field name `{path}` must be dotted snake_case (`group.field_name`)"
            )));
        }
        let child_prefix = format!("{path}.");
        if m.fields
            .keys()
            .any(|k| k.as_str().starts_with(&child_prefix))
        {
            out.push(e(format!(
                "field `{path}` is also a group of other fields; a path is either a field or a group"
            )));
        }
        if let Some([lo, hi]) = spec.range {
            if !spec.ty.is_numeric() {
                out.push(e(format!(
                    "field `{path}`: only numeric fields have a range"
                )));
            } else if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
                out.push(e(format!(
                    "field `{path}`: range [{lo}, {hi}] is not a valid interval"
                )));
            }
        }
        match (spec.ty, &spec.values) {
            (FieldType::Enum, None) => out.push(e(format!("enum field `{path}` needs `values:`"))),
            (FieldType::Enum | FieldType::List, Some(_)) | (_, None) => {}
            (_, Some(_)) => out.push(e(format!(
                "field `{path}`: only enum and list fields have `values`"
            ))),
        }
    }
}

fn check_inputs<'a>(
    m: &Model,
    span: &Span,
    owner: &str,
    inputs: impl IntoIterator<Item = &'a FieldPath>,
    out: &mut Vec<Diagnostic>,
) {
    for f in inputs {
        if !m.fields.contains_key(f) {
            let d = err(
                span,
                format!("`{owner}` reads field `{f}`, which the data dictionary does not declare"),
            )
            .with_code(crate::error::Code::UnknownKey);
            out.push(
                match did_you_mean(f.as_str(), m.fields.keys().map(|k| k.as_str())) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help(
                        "declare it under `fields:` with its type, unit and description",
                    ),
                },
            );
        }
    }
}

/// The 附加项 (`additional_points`): within `[0, total_points]`, with something to give it
/// (a bonus), and `bonus_cap`, when also written, no more than it.
fn check_additional(m: &Model, out: &mut Vec<Diagnostic>) {
    let Some(a) = m.header.additional_points else {
        return;
    };
    if a < Points::ZERO || a > m.header.total_points {
        out.push(err(
            &m.header_span,
            format!(
                "additional_points {a} is outside 0–{} (total_points)",
                m.header.total_points
            ),
        ));
    }
    if let Some(cap) = m.header.bonus_cap.filter(|c| *c > a) {
        out.push(
            err(
                &m.header_span,
                format!("bonus_cap {cap} is more than the 附加项 (additional_points {a}), which already caps all bonuses together"),
            )
            .with_help(format!("remove bonus_cap, or write at most {a}")),
        );
    }
    if m.bonuses.is_empty() {
        out.push(
            err(
                &m.header_span,
                format!("additional_points {a}: the rule set has no bonus, so no county could earn the 附加项's points"),
            )
            .with_help("add the 附加项's 加分 items under `bonuses:` (its 扣分 items under `penalties:`)"),
        );
    }
}

fn check_tree(m: &Model, out: &mut Vec<Diagnostic>) {
    let total: Points = m
        .nodes
        .iter()
        .filter(|n| n.level == 1)
        .map(|n| n.points)
        .sum();
    let fine = |id: &str| m.too_fine.contains(id);
    let level1_fine =
        fine("ruleset") || m.nodes.iter().any(|n| n.level == 1 && fine(n.id.as_str()));
    check_additional(m, out);
    if total != m.header.areas_points() && !level1_fine {
        let d = match m.header.additional_points {
            Some(a) => err(
                &m.header_span,
                format!(
                    "the first-level indicators add up to {total} points, but total_points {} less the 附加项 (additional_points {a}) is {}",
                    m.header.total_points,
                    m.header.areas_points()
                ),
            )
            .with_help("the first-level nodes' points and additional_points must add up to total_points"),
            None if total < m.header.total_points => err(
                &m.header_span,
                format!(
                    "the first-level indicators add up to {total} points, but total_points is {}",
                    m.header.total_points
                ),
            )
            .with_help(format!(
                "make total_points the sum of the first-level nodes' points; if the other {} points are a 附加项 (加、扣分) inside the total, write `additional_points: {}`",
                m.header.total_points - total,
                m.header.total_points - total
            )),
            None => err(
                &m.header_span,
                format!(
                    "the first-level indicators add up to {total} points, but total_points is {}",
                    m.header.total_points
                ),
            )
            .with_help("make total_points the sum of the first-level nodes' points"),
        };
        out.push(d);
    }
    if m.nodes.is_empty() {
        out.push(err(&m.header_span, "the rule set has no indicators".into()));
    }
    for n in &m.nodes {
        let id = n.id.as_str();
        if n.points < Points::ZERO {
            out.push(err(
                &n.span,
                format!("`{id}` has negative points ({})", n.points),
            ));
        }
        match (&n.leaf, n.children.is_empty()) {
            (Some(_), false) => out.push(err(
                &n.span,
                format!("`{id}` has both children and a score; a node is either a parent or a scored item"),
            )),
            (None, true) => out.push(
                err(&n.span, format!("`{id}` has neither children nor a score"))
                    .with_help("a scored item needs `inputs:` and `score:`"),
            ),
            (Some(leaf), true) => {
                if let Some(rel) = &leaf.relative {
                    check_relative(m, n, rel, out);
                } else if leaf.score.trim().is_empty() {
                    out.push(err(&n.span, format!("item `{id}` has no `score:` expression")));
                }
                check_inputs(m, &n.span, id, leaf.inputs.iter().chain(&leaf.optional_inputs), out);
                let declared: BTreeSet<&FieldPath> =
                    leaf.inputs.iter().chain(&leaf.optional_inputs).collect();
                for (f, v) in &leaf.target {
                    if !declared.contains(f) {
                        out.push(err(
                            &n.span,
                            format!("item `{id}`: target field `{f}` is not one of its inputs"),
                        ));
                    } else if let Some(spec) = m.fields.get(f) {
                        if let Err(msg) = check_value(v, spec) {
                            out.push(err(&n.span, format!("item `{id}`: target `{f}`: {msg}")));
                        }
                    }
                }
                if n.points == Points::ZERO {
                    out.push(Diagnostic::warning(
                        crate::error::Code::Authoring,
                        &n.span.file,
                        n.span.loc(),
                        format!("item `{id}` is worth 0 points"),
                    ));
                }
            }
            (None, false) => {
                let sum: Points = n.children.iter().map(|&c| m.nodes[c].points).sum();
                let refused = fine(id) || n.children.iter().any(|&c| fine(m.nodes[c].id.as_str()));
                if sum != n.points && !refused {
                    out.push(
                        err(
                            &n.span,
                            format!(
                                "`{id}` has {} points but its children add up to {sum}",
                                n.points
                            ),
                        )
                        .with_help("a parent's points must equal the sum of its children's"),
                    );
                }
            }
        }
    }
}

// issue 27 shape 6: relative scores
/// A `relative:` block: not beside `score:`, exactly one form, `better` given, the field
/// declared, numeric and among the item's inputs, by_rank's ranks increasing from 1 and every
/// points value within `[0, P]` (P as written).
fn check_relative(
    m: &Model,
    n: &crate::model::Node,
    rel: &crate::relative::Relative,
    out: &mut Vec<Diagnostic>,
) {
    use crate::relative::Form;
    let id = n.id.as_str();
    let leaf = n.leaf.as_ref();
    let mut bad = |msg: String, help: &str| out.push(err(&n.span, msg).with_help(help.to_string()));
    if leaf.is_some_and(|l| !l.score.trim().is_empty()) {
        bad(
            format!("item `{id}` has both `score:` and `relative:`"),
            "keep `relative:` to score against the other counties, or `score:` to score the county alone",
        );
    }
    if rel.forms() != 1 {
        bad(
            format!("item `{id}`: `relative:` needs exactly one of `by_rank`, `proportional`, `above_mean` (it has {})", rel.forms()),
            "by_rank: [[3, P], [6, P / 2]] (前3名得满分，第4至6名得一半); proportional: best (以最高值为满分，其余按比例); above_mean: P (高于平均水平的得满分)",
        );
    }
    if rel.better.is_none() {
        bad(
            format!("item `{id}`: `relative:` does not say which figure is better"),
            "add `better: higher` (a higher figure ranks first) or `better: lower`; a field's name is not evidence of its direction",
        );
    }
    match m.fields.get(&rel.field) {
        None => bad(
            format!(
                "item `{id}`: relative field `{}` is not declared in `fields`",
                rel.field
            ),
            "declare it under `fields:` as a number, percent or count",
        ),
        Some(spec) if !spec.ty.is_numeric() => {
            bad(
                format!(
                "item `{id}`: relative field `{}` is {} ({}); a relative score compares numbers",
                rel.field,
                spec.ty.zh(),
                serde_json::to_string(&spec.ty).unwrap_or_default().trim_matches('"')
            ),
                "compare a number, percent or count field",
            )
        }
        Some(_) => {}
    }
    if leaf.is_some_and(|l| !l.inputs.contains(&rel.field)) {
        bad(
            format!(
                "item `{id}`: relative field `{}` is not one of its `inputs`",
                rel.field
            ),
            "list it in `inputs:` (or leave `inputs:` out: it defaults to the relative field)",
        );
    }
    let p = n.written.unwrap_or(n.points).as_f64();
    let within = |x: f64| (0.0..=p + 1e-9).contains(&x);
    match rel.form() {
        Some(Form::ByRank(tiers)) => {
            if tiers.is_empty() {
                bad(
                    format!("item `{id}`: `by_rank` is empty"),
                    "write the ranks and their points: [[3, P], [6, P / 2]]",
                );
            }
            let mut last = 0;
            for (t, pts) in tiers {
                if *t <= last {
                    bad(
                        format!(
                            "item `{id}`: `by_rank` ranks must increase from 1 ({t} after {last})"
                        ),
                        "write [[3, P], [6, P / 2]]: ranks 1–3 earn P, ranks 4–6 earn P / 2",
                    );
                }
                last = last.max(*t);
                if !within(pts.at(p)) {
                    bad(
                        format!(
                            "item `{id}`: `by_rank` gives {} points at rank {t}, outside [0, {p}]",
                            pts.at(p)
                        ),
                        "points are within the item's points: P, P / 2 or a number up to P",
                    );
                }
            }
        }
        Some(Form::AboveMean(pts)) if !within(pts.at(p)) => bad(
            format!(
                "item `{id}`: `above_mean` gives {} points, outside [0, {p}]",
                pts.at(p)
            ),
            "write `above_mean: P` (满分) or a number up to P",
        ),
        _ => {}
    }
}

fn check_others(m: &Model, out: &mut Vec<Diagnostic>) {
    for v in &m.vetoes {
        check_inputs(
            m,
            &v.span,
            v.id.as_str(),
            v.inputs.iter().chain(&v.optional_inputs),
            out,
        );
    }
    for b in &m.bonuses {
        check_inputs(
            m,
            &b.span,
            b.id.as_str(),
            b.inputs.iter().chain(&b.optional_inputs),
            out,
        );
        if b.cap < Points::ZERO {
            out.push(err(&b.span, format!("bonus `{}` has a negative cap", b.id)));
        }
    }
    if m.header.bonus_cap.is_some_and(|c| c < Points::ZERO) {
        out.push(err(&m.header_span, "bonus_cap cannot be negative".into()));
    }
    for p in &m.penalties {
        check_inputs(
            m,
            &p.span,
            p.id.as_str(),
            p.inputs.iter().chain(&p.optional_inputs),
            out,
        );
        let target = p.applies_to.as_str();
        if target != "total" && !m.nodes.iter().any(|n| n.id.as_str() == target) {
            let d = err(
                &p.span,
                format!(
                    "penalty `{}` applies to `{target}`, which is no indicator",
                    p.id
                ),
            );
            let ids = m.nodes.iter().map(|n| n.id.as_str()).chain(["total"]);
            out.push(match did_you_mean(target, ids) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help("use an indicator id or `total`"),
            });
        }
        if p.cap.is_some_and(|c| c < Points::ZERO) {
            out.push(err(
                &p.span,
                format!("penalty `{}` has a negative cap", p.id),
            ));
        }
        match (p.score.trim().is_empty(), &p.when) {
            (true, None) => out.push(
                err(&p.span, format!("penalty `{}` has neither `score` nor `when`", p.id))
                    .with_help("`score:` deducts the points it returns; `when:` is a condition that zeroes `applies_to`"),
            ),
            (false, Some(_)) => out.push(
                err(&p.span, format!("penalty `{}` has both `score` and `when`", p.id))
                    .with_help("keep `score:` to deduct points, or `when:` to zero `applies_to` when the condition holds"),
            ),
            (true, Some(_)) if p.cap.is_some() => out.push(
                err(&p.span, format!("zeroing entry `{}` has a `cap`", p.id))
                    .with_help("a `when:` entry takes every point left at `applies_to`; remove `cap`"),
            ),
            _ => {}
        }
    }
    for c in &m.checks {
        check_inputs(m, &c.span, c.id.as_str(), &c.inputs, out);
    }
    // Pass lines are on the reported scale (百分制 when `rescale_to` is set).
    let written = m.header.areas_points() + m.header.bonus_limit().unwrap_or(Points::ZERO);
    let max = match m.header.rescale_to {
        Some(to) if m.header.total_points > Points::ZERO => {
            Points::from_f64(written.as_f64() * to.as_f64() / m.header.total_points.as_f64())
        }
        _ => written,
    };
    for p in &m.pass_lines {
        if p.min_total < Points::ZERO || p.min_total > max {
            out.push(err(
                &p.span,
                format!(
                    "pass line `{}` needs {} points, outside 0–{max}",
                    p.id, p.min_total
                ),
            ));
        }
        if let Some(s) = p.min_area_share {
            if !(0.0..=1.0).contains(&s) {
                out.push(err(
                    &p.span,
                    format!("pass line `{}`: min_area_share {s} must be a share between 0 and 1 (0.7 = 70%)", p.id),
                ));
            }
        }
    }
}
