//! The helpers' notes: what a scoring helper did, kept as data while a county is scored
//! ([`Note`]: its kind and its numbers) and worded only when a report is written. Every sentence
//! an item's explanation can hold is here, in one place; the helpers in `helpers::core`,
//! `helpers::shapes` and `helpers::dates` only choose the note and its numbers.
//!
//! Issue 25: wording at scoring time was a fifth of an itemized report's cost, and most reports
//! of a batch are never rendered as text.

use super::Num;
use std::fmt::{self, Display, Formatter, Write};
use std::sync::Arc;

/// The notes of one item (or one record) in the order the helpers left them; most items leave
/// one.
pub(crate) type Notes = smallvec::SmallVec<[Note; 1]>;

/// How a value stands against the target or limit a deduction measures it from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cmp {
    /// A value and the target it should reach (`deduct_below`, `deduct_steps_below`).
    Below {
        /// The value.
        v: f64,
        /// The target.
        t: f64,
    },
    /// A value and the limit it should stay within (`deduct_above`, `deduct_steps_above`).
    Above {
        /// The value.
        v: f64,
        /// The limit.
        l: f64,
    },
}

impl Display for Cmp {
    /// `85比90低` / `90达到90`, `8比5高` / `5未超过5` (reaching a target and staying within a
    /// limit as `numeric::at_least` / `numeric::at_most` decide).
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match *self {
            Cmp::Below { v, t } if crate::numeric::at_least(v, t) => {
                write!(f, "{}达到{}", Num(v), Num(t))
            }
            Cmp::Below { v, t } => write!(f, "{}比{}低", Num(v), Num(t)),
            Cmp::Above { v, l } if crate::numeric::at_most(v, l) => {
                write!(f, "{}未超过{}", Num(v), Num(l))
            }
            Cmp::Above { v, l } => write!(f, "{}比{}高", Num(v), Num(l)),
        }
    }
}

/// One note a helper leaves on an item: which helper shape and the numbers it used. Numbers are
/// points, percents, counts or days as the helper's arguments were; [`Display`] words the note.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Note {
    /// `award(c)`: the condition and the item's points.
    Award { met: bool, points: f64 },
    /// `award(c, pts)`.
    AwardPts { met: bool, points: f64 },
    /// A deduction whose value is within its target or limit: nothing deducted.
    Within(Cmp),
    /// `deduct_below` / `deduct_above`: `gap` at `per` points for each `unit`.
    Linear {
        cmp: Cmp,
        gap: f64,
        unit: f64,
        per: f64,
        /// Points deducted (at most the item's points).
        lost: f64,
        /// Whether the deduction took every point (扣完为止).
        floored: bool,
    },
    /// `deduct_steps_*`: `n` steps of `step` in `gap`, `per` points each.
    Steps {
        cmp: Cmp,
        gap: f64,
        step: f64,
        /// Whether a begun step counts as a whole one (不足一档按一档计).
        started: bool,
        n: f64,
        per: f64,
        lost: f64,
        floored: bool,
    },
    /// `deduct_each` with no case found.
    NoCases,
    /// `deduct_each(n, per)` / `deduct_each(n, per, cap)`: `asked` before the cap.
    Each {
        n: f64,
        per: f64,
        /// `n × per`, and the cap when it bounded the deduction.
        capped: Option<(f64, f64)>,
        lost: f64,
        floored: bool,
    },
    /// `tiers` (`≥`) and `tiers_below` (`≤`): the tier reached, counted from the best (1-based).
    Tier {
        v: f64,
        t: f64,
        rank: usize,
        points: f64,
        below: bool,
    },
    /// No tier reached: the lowest (`tiers`) or highest (`tiers_below`) threshold, if any.
    NoTier {
        v: f64,
        edge: Option<f64>,
        below: bool,
    },
    /// `proportional(rate)`.
    Rate { rate: f64, points: f64 },
    /// `proportional(done, total)`.
    Share { done: f64, total: f64, got: f64 },
    /// `each_true([…], pts)`.
    EachTrue { len: usize, met: usize, per: f64 },
    /// `days_between(a, b)`.
    Days { a: Arc<str>, b: Arc<str>, days: i64 },
    /// `on_or_before(a, b)`.
    OnOrBefore { a: Arc<str>, b: Arc<str>, ok: bool },
    /// `deduct_counts([[label, n, per], …], cap)`: each count with its rate (迟报一次扣0.5分，
    /// 漏报一次扣1分); `asked` is the sum before the cap.
    Counts {
        rows: Vec<CountRow>,
        cap: Option<f64>,
        asked: f64,
        lost: f64,
        floored: bool,
    },
    /// An item under a first-level area written as a share of the total: the rule's result on
    /// its written points `written`, and that result scaled to the item's points `max`.
    ShareScaled {
        written: f64,
        got: f64,
        max: f64,
        scaled: f64,
    },
    /// 百分制 rescaling: the rule's result out of the written total `whole`, and on the 百分制;
    /// `deducts` for a penalty (扣, not 得).
    Percent {
        whole: f64,
        got: f64,
        scaled: f64,
        deducts: bool,
    },
    // issue 27 shape 5: records
    /// A records item (`each:`): every record's score on the record scale `rp`, how they were
    /// combined into `result` (record scale), and, when the item's points `points` differ from
    /// `rp`, the result scaled to them (`scaled`).
    Records {
        combine: crate::model::Combine,
        rows: Arc<[RecordRow]>,
        rp: f64,
        result: f64,
        /// For `share`: how many records met the bar.
        met: usize,
        points: f64,
        scaled: f64,
    },
    /// `discretion(…)` with nothing entered.
    NoDiscretion,
    /// A `relative:` item (issue 27 shape 6): worded when scored, since it names the group
    /// (`在5个县中排第2名（并列）（前3名得3分，…），得3分`; see `relative::run`).
    Relative(Arc<str>),
    /// `discretion(deduct, max, reason)`: the entered value and what was taken.
    Discretion {
        entered: f64,
        max: f64,
        taken: f64,
        reason: Option<Arc<str>>,
    },
}

// issue 27 shape 5: records
/// One record of a records item: its label (`案卷号 A-01`), its score on the record scale
/// (clamped to [0, record points]) and the helpers' notes of its rule.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RecordRow {
    pub label: Option<Arc<str>>,
    pub score: f64,
    /// What the record rule returned, when it lay outside [0, record points] (then clamped).
    pub returned: Option<f64>,
    /// The record points (the upper end of the clamp).
    pub bound: f64,
    pub notes: Notes,
}

impl RecordRow {
    /// What the record rule did, ending with the record's points (`…，本份得8分`).
    pub(crate) fn explanation(&self) -> String {
        struct W<'a>(&'a RecordRow);
        impl Display for W<'_> {
            fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
                let r = self.0;
                notes_ending(f, &r.notes, crate::types::Points::from_f64(r.score), "本份")?;
                match r.returned {
                    Some(x) => write!(
                        f,
                        "（规则结果{}分超出0–{}分，按{}分计）",
                        Num(x),
                        Num(r.bound),
                        Num(r.score)
                    ),
                    None => Ok(()),
                }
            }
        }
        W(self).to_string()
    }
}

/// At most this many records' scores are written out in a records note (then `…`).
const SHOWN_RECORDS: usize = 10;

/// The records' scores joined with `sep`, the first [`SHOWN_RECORDS`] of them, then `…`.
fn record_scores(rows: &[RecordRow], sep: &str) -> String {
    let mut s = String::new();
    for (k, r) in rows.iter().take(SHOWN_RECORDS).enumerate() {
        if k > 0 {
            s.push_str(sep);
        }
        let _ = write!(s, "{}", Num(r.score));
    }
    if rows.len() > SHOWN_RECORDS {
        s.push_str(sep);
        s.push('…');
    }
    s
}

/// One count of a `deduct_counts` deduction: its label (迟报), how many, the points per one, and
/// the unit (次).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CountRow {
    pub label: Arc<str>,
    pub n: f64,
    pub per: f64,
    pub unit: Arc<str>,
}

fn floor_words(floored: bool) -> &'static str {
    if floored {
        "（扣完为止）"
    } else {
        ""
    }
}

impl Display for Note {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Note::Relative(text) => f.write_str(text),
            Note::Award { met: true, points } => write!(f, "条件满足，得{}分", Num(*points)),
            Note::Award { met: false, .. } => f.write_str("条件不满足，不得分"),
            Note::AwardPts { met: true, points } => write!(f, "条件满足，计{}分", Num(*points)),
            Note::AwardPts { met: false, points } => {
                write!(f, "条件不满足，计0分（该条件{}分）", Num(*points))
            }
            Note::Within(cmp) => write!(f, "{cmp}，不扣分"),
            Note::Linear {
                cmp,
                gap,
                unit,
                per,
                lost,
                floored,
            } => write!(
                f,
                "{cmp}{}，按每{}扣{}分计扣{}分{}",
                Num(*gap),
                Num(*unit),
                Num(*per),
                Num(*lost),
                floor_words(*floored)
            ),
            Note::Steps {
                cmp,
                gap,
                step,
                started,
                n,
                per,
                lost,
                floored,
            } => {
                write!(f, "{cmp}{}，", Num(*gap))?;
                if *started {
                    write!(f, "每{}为一档，不足一档按一档计", Num(*step))?;
                } else {
                    write!(f, "每满{}为一档", Num(*step))?;
                }
                write!(
                    f,
                    "，计{}档，每档扣{}分，计扣{}分{}",
                    Num(*n),
                    Num(*per),
                    Num(*lost),
                    floor_words(*floored)
                )
            }
            Note::NoCases => f.write_str("未发现问题，不扣分"),
            Note::Each {
                n,
                per,
                capped,
                lost,
                floored,
            } => {
                write!(f, "{}例，每例扣{}分，", Num(*n), Num(*per))?;
                if let Some((asked, cap)) = capped {
                    write!(f, "合{}分，最多扣{}分，", Num(*asked), Num(*cap))?;
                }
                write!(f, "计扣{}分{}", Num(*lost), floor_words(*floored))
            }
            Note::Tier {
                v,
                t,
                rank,
                points,
                below,
            } => write!(
                f,
                "{} {} {}，第{}档，得{}分",
                Num(*v),
                if *below { '≤' } else { '≥' },
                Num(*t),
                rank,
                Num(*points)
            ),
            Note::NoTier { v, edge, below } => {
                write!(
                    f,
                    "{} {} ",
                    Num(*v),
                    if *below {
                        "高于最末档"
                    } else {
                        "低于最低档"
                    }
                )?;
                if let Some(e) = edge {
                    write!(f, "{}", Num(*e))?;
                }
                f.write_str("，不得分")
            }
            Note::Rate { rate, points } => write!(
                f,
                "按完成率{}%计分：{} × {}%",
                Num(*rate),
                Num(*points),
                Num(*rate)
            ),
            Note::Share { done, total, got } => write!(
                f,
                "完成{}/{}，按比例得{}分",
                Num(*done),
                Num(*total),
                Num(*got)
            ),
            Note::EachTrue { len, met, per } => write!(
                f,
                "{len}项中满足{met}项，每项{}分，得{}分",
                Num(*per),
                Num(*met as f64 * per)
            ),
            Note::Days { a, b, days } if *days >= 0 => write!(f, "{a}至{b}相隔{days}天"),
            Note::Days { a, b, days } => write!(f, "{b}早于{a} {}天", -days),
            Note::OnOrBefore { a, b, ok: true } => write!(f, "{a}不晚于{b}"),
            Note::OnOrBefore { a, b, ok: false } => write!(f, "{a}晚于{b}"),
            Note::Counts {
                rows,
                cap,
                asked,
                lost,
                floored,
            } => {
                if rows.iter().all(|r| r.n <= 0.0) {
                    f.write_str("无")?;
                    for (k, r) in rows.iter().enumerate() {
                        if k > 0 {
                            f.write_str("、")?;
                        }
                        f.write_str(&r.label)?;
                    }
                    return f.write_str("，不扣分");
                }
                for r in rows {
                    let n = r.n.max(0.0);
                    if n == 0.0 {
                        write!(f, "{}0{}；", r.label, r.unit)?;
                    } else {
                        write!(
                            f,
                            "{}{}{}，每{}扣{}分，扣{}分；",
                            r.label,
                            Num(n),
                            r.unit,
                            r.unit,
                            Num(r.per),
                            Num(n * r.per)
                        )?;
                    }
                }
                match cap {
                    Some(c) if asked > c => write!(
                        f,
                        "合计{}分，最多扣{}分，计扣{}分{}",
                        Num(*asked),
                        Num(*c),
                        Num(*lost),
                        floor_words(*floored)
                    ),
                    _ => write!(f, "计扣{}分{}", Num(*lost), floor_words(*floored)),
                }
            }
            Note::ShareScaled {
                written,
                got,
                max,
                scaled,
            } => write!(
                f,
                "按规则分值{}分计{}分，按本项分值{}分折算得{}分",
                Num(*written),
                Num(*got),
                crate::types::Points::from_f64(*max),
                crate::types::Points::from_f64(*scaled)
            ),
            Note::Percent {
                whole,
                got,
                scaled,
                deducts,
            } => write!(
                f,
                "按满分{}分计{}分，折算成百分制{}{}分",
                Num(*whole),
                Num(*got),
                if *deducts { "扣" } else { "得" },
                crate::types::Points::from_f64(*scaled)
            ),
            Note::Records {
                combine,
                rows,
                rp,
                result,
                met,
                points,
                scaled,
            } => {
                use crate::model::Combine;
                let n = rows.len();
                match combine {
                    Combine::Average => write!(
                        f,
                        "{n}份案卷平均得分：({}) ÷ {n} = {}分",
                        record_scores(rows, " + "),
                        Num(*result)
                    )?,
                    Combine::Min => write!(
                        f,
                        "{n}份案卷最低得分：min({}) = {}分",
                        record_scores(rows, ", "),
                        Num(*result)
                    )?,
                    Combine::Sum => {
                        let total: f64 = rows.iter().map(|r| r.score).sum();
                        write!(
                            f,
                            "{n}份案卷合计：{} = {}分",
                            record_scores(rows, " + "),
                            Num(total)
                        )?;
                        if total > *rp {
                            write!(f, "，以{}分为限，计{}分", Num(*rp), Num(*result))?;
                        }
                    }
                    Combine::Share(bar) => {
                        let reached: Vec<RecordRow> = rows
                            .iter()
                            .filter(|r| crate::model::Combine::meets(r.score, *bar))
                            .cloned()
                            .collect();
                        write!(f, "{n}份案卷中{met}份达到{}分", Num(*bar))?;
                        if !reached.is_empty() {
                            write!(f, "（{}）", record_scores(&reached, "、"))?;
                        }
                        write!(
                            f,
                            "，达标比例{met}/{n}，得{} × {met}/{n} = {}分",
                            Num(*rp),
                            Num(*result)
                        )?;
                    }
                }
                if (points - rp).abs() > 1e-9 {
                    write!(
                        f,
                        "，按本项分值{}分折算得{}分",
                        Num(*points),
                        crate::types::Points::from_f64(*scaled)
                    )?;
                }
                Ok(())
            }
            Note::NoDiscretion => f.write_str("考核组未酌情扣分"),
            Note::Discretion {
                entered,
                max,
                taken,
                reason,
            } => {
                let why = Reason(reason.as_deref());
                if entered > max {
                    write!(
                        f,
                        "考核组酌情扣分填报{}分，超过上限{}分，按{}分计{why}",
                        Num(*entered),
                        Num(*max),
                        Num(*max)
                    )
                } else if *entered < 0.0 {
                    write!(f, "考核组酌情扣分填报{}分，按0分计{why}", Num(*entered))
                } else {
                    write!(
                        f,
                        "考核组酌情扣{}分（上限{}分{why}）",
                        Num(*taken),
                        Num(*max)
                    )
                }
            }
        }
    }
}

/// `，理由：…` when the evaluators gave a reason that is not blank.
struct Reason<'a>(Option<&'a str>);

impl Display for Reason<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(r) if !r.trim().is_empty() => write!(f, "，理由：{r}"),
            _ => Ok(()),
        }
    }
}

/// The notes of one item joined with `；`, ending with the points the item actually earned: a
/// note that already ends with them (`…，得6分`, or `…，不得分` for 0) is left as it is; otherwise
/// `；本项得3.5分` is added, so arithmetic around a helper (`each_true(…) - d.x.deduct`,
/// `deduct_below(…) * 0.5`) or a clamp never leaves the helper's own value as the last word.
/// Without notes: `得3.5分`.
pub(crate) fn item_notes(
    f: &mut Formatter<'_>,
    notes: &[Note],
    earned: crate::types::Points,
) -> fmt::Result {
    notes_ending(f, notes, earned, "本项")
}

/// [`item_notes`] for an item (`who` = `本项`) or one record of a records item (`本份`).
fn notes_ending(
    f: &mut Formatter<'_>,
    notes: &[Note],
    earned: crate::types::Points,
    who: &str,
) -> fmt::Result {
    if notes.is_empty() {
        return write!(f, "得{earned}分");
    }
    // Worded into one buffer: whether the points are already said depends on the last words.
    let mut s = joined(notes);
    if earned == crate::types::Points::ZERO && s.ends_with("不得分") {
        return f.write_str(&s);
    }
    let said = s.len();
    s.push('；');
    s.push_str(who);
    let last = s.len();
    let _ = write!(s, "得{earned}分");
    if s[..said].ends_with(&s[last..]) {
        s.truncate(said);
    }
    f.write_str(&s)
}

impl Display for crate::report::Explanation {
    /// An item's explanation: its notes ending with the points ([`item_notes`]), `缺少数据：…，
    /// 按无佐证材料不得分`, or `规则出错，不得分`.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        use crate::report::Expl;
        match &self.0 {
            Expl::Nothing => Ok(()),
            Expl::Notes { notes, earned } => item_notes(f, notes, *earned),
            Expl::NoData(missing) => write!(f, "{}，按无佐证材料不得分", Missing(missing)),
            Expl::RuleError => f.write_str("规则出错，不得分"),
            Expl::Text(t) => f.write_str(t),
        }
    }
}

/// `缺少数据：a、b`: the inputs a county lacks.
pub(crate) struct Missing<'a>(pub &'a [crate::types::FieldPath]);

impl Display for Missing<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("缺少数据：")?;
        for (k, m) in self.0.iter().enumerate() {
            if k > 0 {
                f.write_str("、")?;
            }
            f.write_str(m.as_str())?;
        }
        Ok(())
    }
}

/// Notes joined with `；` (a bonus's or penalty's detail).
pub(crate) fn joined(notes: &[Note]) -> String {
    let mut s = String::new();
    for (k, n) in notes.iter().enumerate() {
        if k > 0 {
            s.push('；');
        }
        let _ = write!(s, "{n}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(n: Note) -> String {
        n.to_string()
    }

    #[test]
    fn each_note_is_worded_as_the_helpers_worded_it() {
        assert_eq!(
            words(Note::Award {
                met: true,
                points: 4.0
            }),
            "条件满足，得4分"
        );
        assert_eq!(
            words(Note::AwardPts {
                met: false,
                points: 1.5
            }),
            "条件不满足，计0分（该条件1.5分）"
        );
        assert_eq!(
            words(Note::Linear {
                cmp: Cmp::Below { v: 96.0, t: 100.0 },
                gap: 4.0,
                unit: 1.0,
                per: 1.0,
                lost: 4.0,
                floored: false
            }),
            "96比100低4，按每1扣1分计扣4分"
        );
        assert_eq!(
            words(Note::Each {
                n: 5.0,
                per: 3.0,
                capped: Some((15.0, 10.0)),
                lost: 10.0,
                floored: false
            }),
            "5例，每例扣3分，合15分，最多扣10分，计扣10分"
        );
        assert_eq!(
            words(Note::Steps {
                cmp: Cmp::Below { v: 85.0, t: 90.0 },
                gap: 5.0,
                step: 10.0,
                started: true,
                n: 1.0,
                per: 1.0,
                lost: 1.0,
                floored: false
            }),
            "85比90低5，每10为一档，不足一档按一档计，计1档，每档扣1分，计扣1分"
        );
        assert_eq!(
            words(Note::NoTier {
                v: 3.0,
                edge: None,
                below: false
            }),
            "3 低于最低档 ，不得分"
        );
        assert_eq!(
            words(Note::Discretion {
                entered: 2.0,
                max: 3.0,
                taken: 2.0,
                reason: Some("台账缺失".into())
            }),
            "考核组酌情扣2分（上限3分，理由：台账缺失）"
        );
    }
}
