//! The per-county × per-area points matrix the workbench page re-ranks from as weights move.
//!
//! For each county and first-level area `a` (points `P_a` in the rule set): `raw_a`, the points
//! its items earned before penalties on the area; `pen_a`, what penalties taken from nodes of
//! the area ask; the capped bonus; what penalties on the total ask; whether a veto (一票否决)
//! holds. Under a weighting that gives area `a` the points `W_a` (its items keep their shares,
//! as a scenario's rescaling rule 2 says):
//!
//! ```text
//! area_a = max(0, raw_a × W_a / P_a − min(pen_a, raw_a × W_a / P_a))
//! total  = Σ area_a + bonus − min(pen_total, max(0, Σ area_a + bonus))
//! ```
//!
//! and a pass line is reached when `total ≥ min_total`, every area earns at least
//! `min_area_share × W_a`, and no veto holds. At the rule set's own weights this is the
//! reported total (tested below); under other weights it is `fazhi whatif`'s total up to the
//! rounding of each item to thousandths of a point (and a penalty on a second-level node is
//! taken from its area as a whole). The page (`app.js`, `rerank`) computes exactly this.

use fazhi::analyse::policy::scores::Batch;
use fazhi::analyse::policy::weights::Weights;
use fazhi::RuleSet;
use serde::Serialize;

/// One county's row of the matrix (points as numbers, thousandths exact).
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// County id.
    pub id: String,
    /// County name.
    pub name: String,
    /// Per area (rule-set order): item points earned before penalties on the area.
    pub raw: Vec<f64>,
    /// Per area: the points penalties on the area (or a node in it) ask for.
    pub pen: Vec<f64>,
    /// The bonus after every cap.
    pub bonus: f64,
    /// The points penalties on the total ask for (a zeroing entry that holds asks for all).
    pub pen_total: f64,
    /// Whether a veto holds (no pass line is reached).
    pub vetoed: bool,
}

/// The first-level areas' node indexes, in rule-set order.
pub fn areas(rules: &RuleSet) -> Vec<usize> {
    (0..rules.nodes().len())
        .filter(|&i| rules.nodes()[i].level == 1)
        .collect()
}

/// The first-level area (position in [`areas`]) node `i` lies in, if any.
fn area_of(rules: &RuleSet, areas: &[usize], mut i: usize) -> Option<usize> {
    let nodes = rules.nodes();
    while nodes[i].level > 1 {
        i = nodes[i].parent?;
    }
    areas.iter().position(|&a| a == i)
}

/// The matrix of a batch, one row per county in batch order.
pub fn rows(rules: &RuleSet, batch: &Batch) -> Vec<Row> {
    let areas = areas(rules);
    let nodes = rules.nodes();
    let area = |id: &fazhi::IndicatorId| {
        nodes
            .iter()
            .position(|n| n.id == *id)
            .and_then(|i| area_of(rules, &areas, i))
    };
    let item_area: Vec<Option<usize>> = rules.items().map(|it| area(&it.id)).collect();
    let pen_area: Vec<Option<usize>> = rules
        .penalties()
        .iter()
        .map(|p| area(&p.applies_to))
        .collect();
    let nominal = Weights::nominal(rules);
    batch
        .counties()
        .iter()
        .map(|c| {
            let mut raw = vec![0.0; areas.len()];
            for (item, a) in c.report.items.iter().zip(&item_area) {
                if let Some(a) = a {
                    raw[*a] += item.earned.as_f64();
                }
            }
            let mut pen = vec![0.0; areas.len()];
            let mut pen_total = 0.0;
            for (p, a) in c.penalty_requests.iter().zip(&pen_area) {
                match a {
                    Some(a) => pen[*a] += p.as_f64(),
                    None => pen_total += p.as_f64(),
                }
            }
            Row {
                id: c.report.county.id.clone(),
                name: c.report.county.name.clone(),
                raw: raw.iter().map(|x| round3(*x)).collect(),
                pen,
                bonus: nominal.bonus(&c.report).as_f64(),
                pen_total,
                vetoed: c.report.summary.vetoed,
            }
        })
        .collect()
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The total of `row` when area `a` is worth `weights[a]` points out of `points[a]` (the
/// formula of the module's doc; the page's `rerank` mirrors it line by line).
#[cfg(test)]
pub fn total(row: &Row, points: &[f64], weights: &[f64]) -> f64 {
    let mut sum = 0.0;
    for a in 0..row.raw.len() {
        let scaled = if points[a] > 0.0 {
            row.raw[a] * weights[a] / points[a]
        } else {
            0.0
        };
        sum += scaled - row.pen[a].min(scaled.max(0.0));
    }
    let before = sum + row.bonus;
    round3(before - row.pen_total.min(before.max(0.0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use fazhi::CountyData;

    #[test]
    fn at_the_rule_sets_weights_the_matrix_gives_the_reported_totals() {
        let rules = RuleSet::builtin().unwrap();
        let root = env!("CARGO_MANIFEST_DIR");
        let data: Vec<CountyData> = std::fs::read_dir(format!("{root}/fixtures/counties"))
            .unwrap()
            .filter_map(|e| {
                let p = e.ok()?.path();
                CountyData::from_file(&p, &rules).ok()
            })
            .collect();
        assert!(data.len() >= 3);
        let batch = Batch::evaluate(&rules, &data);
        let points: Vec<f64> = areas(&rules)
            .iter()
            .map(|&i| rules.nodes()[i].points.as_f64())
            .collect();
        for (row, c) in rows(&rules, &batch).iter().zip(batch.counties()) {
            assert_eq!(
                total(row, &points, &points),
                c.report.summary.total.as_f64(),
                "{}",
                row.id
            );
        }
    }

    #[test]
    fn doubling_an_area_doubles_its_points() {
        // 甲: area 1 earned 6 of 12, area 2 earned 4 of 8, bonus 1, no penalty:
        // nominal 6 + 4 + 1 = 11; area 1 at 24 points: 12 + 4 + 1 = 17.
        let row = Row {
            id: "a".into(),
            name: "甲".into(),
            raw: vec![6.0, 4.0],
            pen: vec![0.0, 0.0],
            bonus: 1.0,
            pen_total: 0.0,
            vetoed: false,
        };
        assert_eq!(total(&row, &[12.0, 8.0], &[12.0, 8.0]), 11.0);
        assert_eq!(total(&row, &[12.0, 8.0], &[24.0, 8.0]), 17.0);
        // A penalty of 10 on area 2 takes its 4 points and no more (扣完为止): 12 + 0 + 1 = 13.
        let pen = Row {
            pen: vec![0.0, 10.0],
            ..row
        };
        assert_eq!(total(&pen, &[12.0, 8.0], &[24.0, 8.0]), 13.0);
    }
}
