//! 百分制 rescaling: "以满分50分进行考评，评分结果折算成百分制后为最后得分". A rule set whose header
//! says `total_points: 50` and `rescale_to: 100` is written out of 50 (every node's `points`,
//! every bonus's and penalty's `cap`, `bonus_cap`, `additional_points`, and what the rules
//! return) and reported out of 100.
//!
//! [`apply`] puts the model on the reported scale once it is checked: every point above is
//! multiplied by `k = rescale_to / total_points` (exactly, in thousandths: a value that would
//! need a finer point is an error naming it), `total_points` becomes `rescale_to`, and
//! `Model::scale` keeps `k`. The runner then binds a rule's `P` as its written points
//! (`P / k`) and multiplies what it returns by `k` (`scoring::Runner::run`), so every command
//! downstream (score, rank, diff, verify, gap, whatif, uncertainty) sees one rule set out of
//! 100 and never converts. Pass lines' `min_total` are written on the reported scale (the
//! 评分细则 states its 等次 on the final 百分制 score) and are not multiplied.

use crate::error::Diagnostic;
use crate::model::Model;
use crate::types::Points;

/// `p × to / from` when it is a whole number of thousandths; `None` otherwise.
fn times(p: Points, to: Points, from: Points) -> Option<Points> {
    let num = i128::from(p.milli()) * i128::from(to.milli());
    let den = i128::from(from.milli());
    (den != 0 && num % den == 0)
        .then(|| i64::try_from(num / den).ok())
        .flatten()
        .map(Points::from_milli)
}

/// Puts the model on the reported scale (see the module documentation). Errors: `rescale_to`
/// not above 0, `total_points` 0, a point that the factor would make finer than 0.001 (named,
/// with the file and line of what holds it).
pub(crate) fn apply(m: &mut Model) -> Vec<Diagnostic> {
    let Some(to) = m.header.rescale_to else {
        return Vec::new();
    };
    let from = m.header.total_points;
    let at = |s: &crate::model::Span| (s.file.clone(), s.loc());
    let mut diags = Vec::new();
    if to <= Points::ZERO || from <= Points::ZERO {
        let (file, loc) = at(&m.header_span);
        diags.push(Diagnostic::error(
            crate::error::Code::Structure,
            &file,
            loc,
            format!("rescale_to {to} of total_points {from}: both must be above 0"),
        ));
        return diags;
    }
    let mut scale = |p: Points, what: String, span: &crate::model::Span| -> Points {
        times(p, to, from).unwrap_or_else(|| {
            let (file, loc) = at(span);
            diags.push(
                Diagnostic::error(
                    crate::error::Code::Structure,
                    &file,
                    loc,
                    format!(
                        "{what}: {p} points out of {from} rescaled to {to} would be {}, finer than 0.001",
                        crate::helpers::fmt_num(p.as_f64() * to.as_f64() / from.as_f64())
                    ),
                )
                .with_help("choose points that the factor rescale_to / total_points keeps to three decimals (out of 50 → 100 doubles every point)"),
            );
            p
        })
    };
    let header_span = m.header_span.clone();
    for n in &mut m.nodes {
        n.points = scale(n.points, format!("`{}`", n.id), &n.span);
    }
    for b in &mut m.bonuses {
        b.cap = scale(b.cap, format!("bonus `{}` cap", b.id), &b.span);
    }
    for p in &mut m.penalties {
        if let Some(c) = p.cap {
            p.cap = Some(scale(c, format!("penalty `{}` cap", p.id), &p.span));
        }
    }
    if let Some(c) = m.header.bonus_cap {
        m.header.bonus_cap = Some(scale(c, "bonus_cap".into(), &header_span));
    }
    if let Some(a) = m.header.additional_points {
        m.header.additional_points = Some(scale(a, "additional_points".into(), &header_span));
    }
    m.header.total_points = to;
    m.scale = to.as_f64() / from.as_f64();
    diags
}

/// Shares of the total ("一、制度建设（占总分值的15%）"): a first-level area written
/// `points: 15%` gets 15% of the areas' points (`total_points` less any 附加项), exactly in
/// thousandths or an error naming it; the points written below it (set each year in the
/// assessment plan, on any scale) are scaled to it, every parent's share apportioned among its
/// children in proportion to their written points by the largest-remainder method, so every
/// parent stays the exact sum of its children. A scaled leaf keeps its written points in
/// `Node::written`: its rule runs with them as `P` and its result is scaled by
/// `points / written` (`scoring::Runner::run`). Runs before the checks, which then see points.
/// Errors: a share below the first level, shares and points mixed among the areas, shares not
/// adding up to 100%, a share that is no whole number of thousandths, a parent below an area
/// whose written points are not its children's sum, an area whose subtree has no points.
pub(crate) fn shares(m: &mut Model) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let err = |s: &crate::model::Span, msg: String| {
        Diagnostic::error(crate::error::Code::Structure, &s.file, s.loc(), msg)
    };
    for n in m.nodes.iter().filter(|n| n.level != 1 && n.share.is_some()) {
        diags.push(
            err(
                &n.span,
                format!(
                    "`{}`: points as a share of the total (`{}%`) are for first-level areas only",
                    n.id,
                    crate::helpers::fmt_num(n.share.unwrap_or(0.0))
                ),
            )
            .with_help(
                "write the lower levels' points as numbers: they are scaled to their area's share",
            ),
        );
    }
    let areas: Vec<usize> = (0..m.nodes.len())
        .filter(|&i| m.nodes[i].level == 1)
        .collect();
    let shared = areas
        .iter()
        .filter(|&&i| m.nodes[i].share.is_some())
        .count();
    if shared == 0 || !diags.is_empty() {
        return diags;
    }
    if shared != areas.len() {
        diags.push(
            err(&m.header_span, "some first-level areas are written as shares of the total (15%) and some as points; write all of them one way".into())
                .with_help("占总分值的比例: give every first-level area its share, e.g. `points: 15%`"),
        );
        return diags;
    }
    let sum: f64 = areas.iter().map(|&i| m.nodes[i].share.unwrap_or(0.0)).sum();
    if (sum - 100.0).abs() > 1e-9 {
        diags.push(
            err(
                &m.header_span,
                format!(
                    "the first-level areas' shares add up to {}%, not 100%",
                    crate::helpers::fmt_num(sum)
                ),
            )
            .with_help("the shares of the total must add up to 100%"),
        );
        return diags;
    }
    m.shares = true;
    let whole = m.header.areas_points();
    for &a in &areas {
        let share = m.nodes[a].share.unwrap_or(0.0);
        // share% of the whole, in thousandths: exact or refused.
        let milli = whole.milli() as f64 * share / 100.0;
        if (milli - milli.round()).abs() > 1e-6 {
            let n = &m.nodes[a];
            diags.push(
                err(
                    &n.span,
                    format!(
                        "`{}`: {}% of {whole} points is {}, finer than 0.001",
                        n.id,
                        crate::helpers::fmt_num(share),
                        crate::helpers::fmt_num(milli / 1000.0)
                    ),
                )
                .with_help(
                    "choose total_points so that every share is a whole number of thousandths",
                ),
            );
            continue;
        }
        let pts = Points::from_milli(milli.round() as i64);
        if let Err(d) = scale_subtree(m, a, pts) {
            diags.push(d);
        }
    }
    diags
}

/// Sets node `i` to `pts` and apportions them among its descendants in proportion to their
/// written points (the leaves keep what was written in `written`).
fn scale_subtree(m: &mut Model, i: usize, pts: Points) -> Result<(), Diagnostic> {
    let written_sum = |m: &Model, i: usize| -> i64 {
        fn go(m: &Model, i: usize) -> i64 {
            let n = &m.nodes[i];
            if n.children.is_empty() {
                n.points.milli()
            } else {
                n.children.iter().map(|&c| go(m, c)).sum()
            }
        }
        go(m, i)
    };
    let node = &m.nodes[i];
    if node.children.is_empty() {
        if node.points != pts {
            let w = node.points;
            let n = &mut m.nodes[i];
            n.written = Some(w);
            n.points = pts;
            if w <= Points::ZERO && pts > Points::ZERO {
                return Err(Diagnostic::error(
                    crate::error::Code::Structure,
                    &n.span.file,
                    n.span.loc(),
                    format!("`{}` has 0 points as written, so there is nothing to scale to its share ({pts} points)", n.id),
                ));
            }
        }
        return Ok(());
    }
    let kids = node.children.clone();
    let weights: Vec<i64> = kids.iter().map(|&c| written_sum(m, c)).collect();
    // Below the area, a parent's written points are its children's sum, as anywhere else.
    if node.level > 1 && node.points.milli() != weights.iter().sum::<i64>() {
        let n = &m.nodes[i];
        return Err(Diagnostic::error(
            crate::error::Code::Structure,
            &n.span.file,
            n.span.loc(),
            format!(
                "`{}` has {} points as written, but its children add up to {}",
                n.id,
                n.points,
                Points::from_milli(weights.iter().sum())
            ),
        )
        .with_help("a parent's points must equal the sum of its children's (they are then scaled to the area's share together)"));
    }
    if weights.iter().all(|w| *w == 0) && pts > Points::ZERO {
        let n = &m.nodes[i];
        return Err(Diagnostic::error(
            crate::error::Code::Structure,
            &n.span.file,
            n.span.loc(),
            format!("`{}`: the points written below it add up to 0, so there is nothing to scale to its share ({pts} points)", n.id),
        )
        .with_help("write the lower levels' points (any scale: they keep their proportions)"));
    }
    let parts = crate::analyse::policy::weights::apportion(pts.milli(), &weights);
    m.nodes[i].points = pts;
    for (c, p) in kids.into_iter().zip(parts) {
        scale_subtree(m, c, Points::from_milli(p))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_rescale_exactly_or_not_at_all() {
        let p = Points::from_f64;
        // 7 of 50 → 14 of 100; 0.5 → 1.
        assert_eq!(times(p(7.0), p(100.0), p(50.0)), Some(p(14.0)));
        assert_eq!(times(p(0.5), p(100.0), p(50.0)), Some(p(1.0)));
        // 1 of 30 → 3.333… of 100: not a whole thousandth.
        assert_eq!(times(p(1.0), p(100.0), p(30.0)), None);
        // 3 of 30 → 10.
        assert_eq!(times(p(3.0), p(100.0), p(30.0)), Some(p(10.0)));
    }
}
