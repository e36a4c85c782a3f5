//! CSV (UTF-8, RFC 4180 quoting): a report, a ranking, a what-if comparison and an uncertainty
//! analysis (one row per county), safe to open in a spreadsheet program. A report has one row
//! per item, then one per bonus and penalty (zeroing entries included) and a total row, so that
//! the rows add up: Σ `earned` of the item rows + the bonus rows − the penalty rows (their
//! `earned` is negative) = the total row's `earned`.
//!
//! **Formula injection.** A spreadsheet program reads a cell that begins with `=`, `+`, `-` or
//! `@` (or a tab or carriage return before one) as a formula, so a county name or a quote such
//! as `=HYPERLINK(…)` would run when the CSV is opened. Every text cell that begins so gets a
//! leading `'` (shown by Excel and LibreOffice as the text itself, OWASP's advice). Numbers stay
//! numbers: a cell that is a plain decimal number (`-3.5`, `+2`, `-1e3`) is left as it is, so
//! negative points and changes in numeric columns are still summable.

use crate::analyse::change::rank::Ranking;
use crate::analyse::policy::uncertainty::Uncertainty;
use crate::analyse::policy::whatif::WhatIf;
use crate::report::{ItemStatus, Report};
use crate::types::{IndicatorId, Points};

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

// issue 27 shape 5: records
/// An item's explanation, followed by a records item's records (`。逐份：第1份（案卷号 A-01）：得10分；…`)
/// as every document shows them ([`ItemRow`](crate::render::compose::items::ItemRow)).
fn explanation_with_records(i: &crate::report::ItemScore) -> String {
    if i.records.is_empty() {
        return i.explanation.to_string();
    }
    crate::render::compose::items::ItemRow::of(i).explanation
}

/// Whether a cell is a plain decimal number (digits with an optional sign, point and exponent).
fn is_number(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
        && s.chars().any(|c| c.is_ascii_digit())
        && s.parse::<f64>().is_ok()
}

/// The cell with a leading `'` when a spreadsheet program would read it as a formula (text
/// beginning with `=`, `+`, `-`, `@`, tab or carriage return); numbers are left as they are.
pub(crate) fn neutralise(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) && !is_number(s) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// One CSV field: neutralised against formula injection, then quoted when it must be
/// (RFC 4180).
pub(crate) fn field(s: &str) -> String {
    let s = &*neutralise(s);
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One CSV line: the cells quoted where they must be, joined, newline-terminated.
pub(crate) fn line(cells: &[String]) -> String {
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
            explanation_with_records(i),
            "item".into(),
            i.messages.join("; "),
        ]);
        out.push_str(&line(&cells));
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
        line(&cells)
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
        out.push_str(&line(&cells));
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
    out.push_str(&line(&cells));
    out
}

/// The ranking as CSV: one row per county (area columns by id), then one row per failed file
/// with its error in the `error` column.
pub fn rank_csv(r: &Ranking) -> String {
    let mut cols: Vec<String> = [
        "rank",
        "county_id",
        "county_name",
        "source",
        "total",
        "max",
        "pass_level",
        "vetoed",
        "coverage",
    ]
    .iter()
    .map(|x| x.to_string())
    .collect();
    cols.extend(r.areas.iter().map(|a| format!("area_{}", a.id)));
    cols.extend(
        [
            "ruleset_id",
            "ruleset_version",
            "ruleset_hash",
            "data_hash",
            "error",
        ]
        .map(String::from),
    );
    let mut s = cols.join(",");
    s.push('\n');
    let rs = &r.provenance.ruleset;
    for row in &r.rows {
        let mut cells = vec![
            row.rank.to_string(),
            row.county.id.clone(),
            row.county.name.clone(),
            row.county.source.clone().unwrap_or_default(),
            row.total.to_string(),
            row.max.to_string(),
            row.pass_level
                .as_ref()
                .map_or(String::new(), |p| p.id.to_string()),
            row.vetoed.to_string(),
            format!("{:.4}", row.coverage),
        ];
        cells.extend(row.areas.iter().map(|p| p.to_string()));
        cells.extend([
            rs.id.clone(),
            rs.version.clone(),
            rs.hash.clone(),
            row.county.data_hash.clone(),
            row.errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        ]);
        s.push_str(&line(&cells));
    }
    for f in &r.failures {
        let mut cells = vec![String::new(); cols.len()];
        cells[3] = f.path.clone();
        if let Some(last) = cells.last_mut() {
            *last = f.error.replace("\n  ", "; ").replace('\n', "; ");
        }
        s.push_str(&line(&cells));
    }
    s
}

/// CSV, one row per county (`vetoed` is `true` or `false`; a vetoed county's levels are
/// empty).
pub fn whatif_csv(w: &WhatIf) -> String {
    let mut s = String::from("county_id,county_name,vetoed,baseline_total,scenario_total,baseline_rank,scenario_rank,rank_gain,baseline_level,scenario_level\n");
    for c in &w.counties {
        let lvl = |l: &Option<IndicatorId>| l.as_ref().map_or(String::new(), |l| l.to_string());
        s.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{}\n",
            field(&c.id),
            field(&c.name),
            c.vetoed,
            c.baseline_total,
            c.scenario_total,
            c.baseline_rank,
            c.scenario_rank,
            c.rank_gain,
            field(&lvl(&c.baseline_level)),
            field(&lvl(&c.scenario_level)),
        ));
    }
    s
}

/// CSV, one row per county (`vetoed` is `true` or `false`); one `pass_<id>` column per
/// pass line.
pub fn uncertainty_csv(u: &Uncertainty) -> String {
    let mut s = String::from(
        "county_id,county_name,vetoed,baseline_total,baseline_rank,median_rank,p05_rank,p95_rank,mean_rank_shift",
    );
    for p in &u.pass_lines {
        s.push_str(&format!(",{}", field(&format!("pass_{}", p.id))));
    }
    s.push('\n');
    for c in &u.counties {
        s.push_str(&format!(
            "{},{},{},{},{},{},{},{},{:.4}",
            field(&c.id),
            field(&c.name),
            c.vetoed,
            c.baseline_total,
            c.baseline_rank,
            c.median_rank,
            c.p05_rank,
            c.p95_rank,
            c.mean_rank_shift
        ));
        for p in &c.pass_probability {
            s.push_str(&format!(",{p:.4}"));
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn quoting() {
        assert_eq!(super::field("a,b"), "\"a,b\"");
        assert_eq!(super::field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(super::field("平常"), "平常");
    }

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        use super::field;
        assert_eq!(
            field("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        );
        assert_eq!(field("+1+2"), "'+1+2");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("-"), "'-");
        assert_eq!(field("-2+3"), "'-2+3");
        assert_eq!(field("\t=1"), "'\t=1");
        // Negative and signed numbers stay numbers.
        assert_eq!(field("-3.5"), "-3.5");
        assert_eq!(field("+2"), "+2");
        assert_eq!(field("-1e3"), "-1e3");
        assert_eq!(field("-inf"), "'-inf");
        assert_eq!(field("郓城县"), "郓城县");
    }
}
