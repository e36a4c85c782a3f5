//! Date helpers for rules such as "规范性文件发布后30日内报送备案" and "年度报告次年3月31日前公开":
//! whole days between two dates, "on or before", and the county's assessment period (its
//! `county.year`) so that a rule never hard-codes a year. Dates are ISO `YYYY-MM-DD` texts (a
//! `date` field, a literal, or what `period_start()` and its kin return); the calendar arithmetic
//! is the `jiff` crate's. One implementation, shared by the interpreter and the fast path.

use super::core::Cx;
use jiff::civil::Date;

/// The helpers whose text arguments must be dates (lint checks literal arguments).
pub(crate) const DATE_ARG_HELPERS: &[&str] = &["days_between", "on_or_before"];

/// Parses an ISO date `YYYY-MM-DD`, or says which argument of which helper is not one.
pub(crate) fn parse(fname: &str, arg: &str, s: &str) -> Result<Date, String> {
    parse_date(s).map_err(|why| {
        format!("{fname}(): `{arg}` must be a date \"YYYY-MM-DD\", found \"{s}\" ({why})")
    })
}

/// Parses an ISO date `YYYY-MM-DD` (exactly that form: ten characters).
pub(crate) fn parse_date(s: &str) -> Result<Date, String> {
    if s.len() != 10 {
        return Err("write it as YYYY-MM-DD".into());
    }
    s.parse::<Date>().map_err(|e| e.to_string())
}

/// `days_between(a, b)`: the whole days from date `a` to date `b` (negative when `b` is earlier).
/// 2021-03-01 → 2021-06-20 is 111 days.
pub(crate) fn days_between(cx: &mut Cx, a: &str, b: &str) -> Result<i64, String> {
    let (x, y) = (
        parse("days_between", "a", a)?,
        parse("days_between", "b", b)?,
    );
    let days = i64::from((y - x).get_days());
    cx.note(|| crate::words::notes::Note::Days {
        a: a.into(),
        b: b.into(),
        days,
    });
    Ok(days)
}

/// `on_or_before(a, b)`: whether date `a` is on or before date `b`.
pub(crate) fn on_or_before(cx: &mut Cx, a: &str, b: &str) -> Result<bool, String> {
    let (x, y) = (
        parse("on_or_before", "a", a)?,
        parse("on_or_before", "b", b)?,
    );
    let ok = x <= y;
    cx.note(|| crate::words::notes::Note::OnOrBefore {
        a: a.into(),
        b: b.into(),
        ok,
    });
    Ok(ok)
}

fn year(cx: &Cx, fname: &str) -> Result<i32, String> {
    cx.year.ok_or_else(|| {
        format!("{fname}(): the county's data give no assessment year; add `year:` under `county:`")
    })
}

/// `period_date(years_after, month, day)`: the date `month`-`day` in the year `years_after` years
/// after the county's assessment year (`period_date(1, 3, 31)` is 31 March of the next year).
pub(crate) fn period_date(
    cx: &Cx,
    years_after: i64,
    month: i64,
    day: i64,
) -> Result<String, String> {
    let f = "period_date";
    let y = i64::from(year(cx, f)?) + years_after;
    let date = match (i16::try_from(y), i8::try_from(month), i8::try_from(day)) {
        (Ok(y), Ok(m), Ok(d)) => Date::new(y, m, d).map_err(|e| e.to_string()),
        _ => Err("out of range".to_string()),
    };
    date.map(|d| d.to_string())
        .map_err(|why| format!("{f}(): no such date {y}-{month}-{day} ({why})"))
}

/// `period_start()`: 1 January of the county's assessment year.
pub(crate) fn period_start(cx: &Cx) -> Result<String, String> {
    let y = year(cx, "period_start")?;
    Ok(format!("{y:04}-01-01"))
}

/// `period_end()`: 31 December of the county's assessment year.
pub(crate) fn period_end(cx: &Cx) -> Result<String, String> {
    let y = year(cx, "period_end")?;
    Ok(format!("{y:04}-12-31"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_by_hand() {
        let mut cx = Cx::new(2.0);
        // March 1 → June 20, 2021: 30 (rest of March) + 30 (April) + 31 (May) + 20 = 111.
        assert_eq!(days_between(&mut cx, "2021-03-01", "2021-06-20"), Ok(111));
        // Across a leap day: 2020-02-28 → 2020-03-01 is 2 days.
        assert_eq!(days_between(&mut cx, "2020-02-28", "2020-03-01"), Ok(2));
        assert_eq!(days_between(&mut cx, "2021-03-31", "2021-03-01"), Ok(-30));
        assert_eq!(cx.worded()[0], "2021-03-01至2021-06-20相隔111天");
        assert!(days_between(&mut cx, "2021-02-30", "2021-03-01").is_err());
        assert!(days_between(&mut cx, "2021-3-1", "2021-03-01").is_err());
    }

    #[test]
    fn period_needs_a_year() {
        let cx = Cx::new(1.0);
        assert!(period_end(&cx).unwrap_err().contains("year"));
        let cx = Cx::new(1.0).in_year(Some(2021));
        assert_eq!(period_start(&cx).unwrap(), "2021-01-01");
        assert_eq!(period_end(&cx).unwrap(), "2021-12-31");
        assert_eq!(period_date(&cx, 1, 3, 31).unwrap(), "2022-03-31");
        assert!(period_date(&cx, 1, 2, 30).is_err());
        let mut cx = cx;
        assert_eq!(on_or_before(&mut cx, "2022-03-31", "2022-03-31"), Ok(true));
        assert_eq!(on_or_before(&mut cx, "2022-04-01", "2022-03-31"), Ok(false));
    }
}
