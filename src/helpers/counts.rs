//! `deduct_counts`: several counts deducted from one item, each at its own rate
//! ("迟报一次扣0.5分，漏报一次扣1分"), with an explanation that names every count and its rate.
//! One implementation for the interpreter; the fast path leaves such items to it.

use super::core::Cx;
use super::{num, Num, R};
use crate::words::notes::{CountRow, Note};
use rhai::Array;

/// One row of a `deduct_counts` table: `[label, n, per]` or `[label, n, per, unit]`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Count {
    /// What is counted, as the 评分细则 names it (`迟报`).
    pub label: String,
    /// How many times it happened (negative counts as 0).
    pub n: f64,
    /// Points deducted for each (≥ 0).
    pub per: f64,
    /// The unit of the count (`次` unless the row says otherwise: `件`, `例`).
    pub unit: String,
}

const SHAPE: &str =
    "deduct_counts(): each row is [label, n, per] or [label, n, per, unit], e.g. [\"迟报\", d.report.late, 0.5]";

/// Reads the table of a `deduct_counts` call.
pub(crate) fn table(rows: &Array) -> R<Vec<Count>> {
    let f = "deduct_counts";
    if rows.is_empty() {
        return Err(format!("{f}(): the table has no rows; {SHAPE}").into());
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let row = r
            .read_lock::<Array>()
            .filter(|a| a.len() == 3 || a.len() == 4)
            .ok_or_else(|| SHAPE.to_string())?;
        let word = |i: usize, what: &str| -> R<String> {
            row[i]
                .read_lock::<rhai::ImmutableString>()
                .map(|s| s.to_string())
                .ok_or_else(|| format!("{f}(): the {what} must be a text; {SHAPE}").into())
        };
        let label = word(0, "label")?;
        let unit = if row.len() == 4 {
            word(3, "unit")?
        } else {
            "次".to_string()
        };
        out.push(Count {
            label,
            n: num(f, "n", &row[1])?,
            per: num(f, "per", &row[2])?,
            unit,
        });
    }
    Ok(out)
}

/// `deduct_counts([[label, n, per], …])` / `deduct_counts([[…]], cap)`:
/// `P − min(Σ nᵢ × perᵢ, cap)`, at least 0 (扣完为止). The note names each count, its rate and
/// what it deducted (`迟报2次，每次扣0.5分，扣1分；漏报1次，每次扣1分，扣1分；计扣2分`).
/// Errors: a negative rate or cap.
pub(crate) fn deduct_counts(cx: &mut Cx, rows: &[Count], cap: Option<f64>) -> Result<f64, String> {
    if let Some(r) = rows.iter().find(|r| r.per.is_nan() || r.per < 0.0) {
        return Err(format!(
            "deduct_counts(): the rate of `{}` ({}) cannot be negative",
            r.label,
            Num(r.per)
        ));
    }
    if cap.is_some_and(|c| c.is_nan() || c < 0.0) {
        return Err("deduct_counts(): the cap (most points deducted) cannot be negative".into());
    }
    let p = cx.max;
    let asked: f64 = rows.iter().map(|r| r.n.max(0.0) * r.per).sum();
    let lost = cap.map_or(asked, |c| asked.min(c));
    cx.note(|| Note::Counts {
        rows: rows
            .iter()
            .map(|r| CountRow {
                label: r.label.as_str().into(),
                n: r.n,
                per: r.per,
                unit: r.unit.as_str().into(),
            })
            .collect(),
        cap,
        asked,
        lost: lost.min(p),
        floored: lost >= p,
    });
    Ok((p - lost).max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(label: &str, n: f64, per: f64) -> Count {
        Count {
            label: label.into(),
            n,
            per,
            unit: "次".into(),
        }
    }

    fn run(p: f64, rows: &[Count], cap: Option<f64>) -> (f64, String) {
        let mut cx = Cx::new(p);
        let got = deduct_counts(&mut cx, rows, cap).unwrap();
        (got, cx.worded().join("；"))
    }

    #[test]
    fn every_count_is_named_with_its_rate() {
        // 迟报一次扣0.5分，漏报一次扣1分, P = 5: late 2 × 0.5 = 1, missed 3 × 1 = 3; 5 − 4 = 1.
        let (got, note) = run(5.0, &[row("迟报", 2.0, 0.5), row("漏报", 3.0, 1.0)], None);
        assert_eq!(got, 1.0);
        assert_eq!(
            note,
            "迟报2次，每次扣0.5分，扣1分；漏报3次，每次扣1分，扣3分；计扣4分"
        );
    }

    #[test]
    fn nothing_happened_deducts_nothing() {
        let (got, note) = run(5.0, &[row("迟报", 0.0, 0.5), row("漏报", 0.0, 1.0)], None);
        assert_eq!((got, note.as_str()), (5.0, "无迟报、漏报，不扣分"));
    }

    #[test]
    fn the_cap_and_the_floor_are_said() {
        // 4 × 0.5 + 3 × 1 = 5, at most 3: 5 − 3 = 2.
        let rows = [row("迟报", 4.0, 0.5), row("漏报", 3.0, 1.0)];
        let (got, note) = run(5.0, &rows, Some(3.0));
        assert_eq!(got, 2.0);
        assert!(note.ends_with("合计5分，最多扣3分，计扣3分"), "{note}");
        // P = 2: 5 asked, 2 left to take: 0 (扣完为止).
        let (got, note) = run(2.0, &rows, None);
        assert_eq!(got, 0.0);
        assert!(note.ends_with("计扣2分（扣完为止）"), "{note}");
    }

    #[test]
    fn a_negative_rate_is_an_error() {
        let mut cx = Cx::new(5.0);
        let e = deduct_counts(&mut cx, &[row("迟报", 1.0, -0.5)], None).unwrap_err();
        assert!(e.contains("`迟报`"), "{e}");
    }
}
