//! CSV: one row per item, then one per bonus and penalty (zeroing entries included) and a total
//! row, so that the rows add up: Σ `earned` of the item rows + the bonus rows − the penalty rows
//! (their `earned` is negative) = the total row's `earned`. UTF-8, RFC 4180 quoting.

use crate::report::{ItemStatus, Report};
use crate::types::Points;

const COLUMNS: &[&str] = &[
    "county_id",
    "county_name",
    "ruleset_id",
    "ruleset_version",
    "area",
    "item_id",
    "item_name",
    "max",
    "earned",
    "lost",
    "status",
    "inputs",
    "explanation",
    "kind",
    "messages",
];

/// One CSV field, quoted when it must be (RFC 4180).
pub(crate) fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One CSV line: the cells quoted where they must be, joined, newline-terminated.
pub(crate) fn row(cells: &[String]) -> String {
    let mut line = cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(",");
    line.push('\n');
    line
}

/// The header line.
pub fn csv_header() -> String {
    format!("{}\n", COLUMNS.join(","))
}

/// One line per item of the report (`kind` `item`; an item in error carries the error text in
/// `messages`), then one per bonus (`bonus`, `earned` the points added after its cap), one per
/// penalty (`penalty`, or `zeroing` for a `when:` entry; `earned` the points actually deducted,
/// negative) and the `total` row (`earned` the total; bonuses over the overall cap are trimmed in
/// a `bonus_cap` row, negative, when the cap bites).
pub fn csv_rows(r: &Report) -> String {
    let mut out = String::new();
    let status_of = |s: ItemStatus| match s {
        ItemStatus::Scored => "scored",
        ItemStatus::NoData => "no_data",
        ItemStatus::Error => "error",
    };
    let head = |area: &str, id: &str, name: &str| {
        vec![
            r.county.id.clone(),
            r.county.name.clone(),
            r.ruleset.id.clone(),
            r.ruleset.version.clone(),
            area.to_string(),
            id.to_string(),
            name.to_string(),
        ]
    };
    for i in &r.items {
        let inputs: Vec<String> = i
            .inputs
            .iter()
            .map(|(k, v)| format!("{k}={}", v.display()))
            .collect();
        let mut cells = head(i.area.as_str(), i.id.as_str(), &i.name);
        cells.extend([
            i.max.to_string(),
            i.earned.to_string(),
            i.lost.to_string(),
            status_of(i.status).to_string(),
            inputs.join("; "),
            i.explanation.clone(),
            "item".into(),
            i.messages.join("; "),
        ]);
        out.push_str(&row(&cells));
    }
    let adjustment = |a: &crate::report::AdjustmentResult, kind: &str, earned: Points| {
        let mut cells = head(
            a.applies_to.as_ref().map_or("", |t| t.as_str()),
            a.id.as_str(),
            &a.name,
        );
        let error = if a.status == ItemStatus::Error {
            a.detail.clone()
        } else {
            String::new()
        };
        cells.extend([
            String::new(),
            earned.to_string(),
            String::new(),
            status_of(a.status).to_string(),
            String::new(),
            a.detail.clone(),
            kind.to_string(),
            error,
        ]);
        row(&cells)
    };
    let sm = &r.summary;
    for b in &r.bonuses {
        out.push_str(&adjustment(b, "bonus", b.points));
    }
    let bonus_sum: Points = r.bonuses.iter().map(|b| b.points).sum();
    if bonus_sum > sm.bonus {
        let mut cells = head("", "bonus_cap", "加分上限");
        cells.extend([
            String::new(),
            (sm.bonus - bonus_sum).to_string(),
            String::new(),
            String::new(),
            String::new(),
            format!("加分合计{bonus_sum}超过上限，按{}计入", sm.bonus),
            "bonus_cap".into(),
            String::new(),
        ]);
        out.push_str(&row(&cells));
    }
    for p in &r.penalties {
        let kind = if p.zeroing.is_some() {
            "zeroing"
        } else {
            "penalty"
        };
        out.push_str(&adjustment(p, kind, Points::ZERO - p.points));
    }
    let mut cells = head("", "total", "总分");
    cells.extend([
        sm.max.to_string(),
        sm.total.to_string(),
        String::new(),
        String::new(),
        String::new(),
        format!(
            "指标得分{} + 加分{} − 扣分{} = 总分{}",
            sm.items_total, sm.bonus, sm.penalty, sm.total
        ),
        "total".into(),
        String::new(),
    ]);
    out.push_str(&row(&cells));
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn quoting() {
        assert_eq!(super::field("a,b"), "\"a,b\"");
        assert_eq!(super::field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(super::field("平常"), "平常");
    }
}
