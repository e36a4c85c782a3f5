//! The gap analysis's sentences, as every format writes them (Markdown, HTML, Word, workbook,
//! CSV): the summary, what keeps a county from a pass line, each plan, each step, each line of the
//! accounting, each entry's points and fix, the directions inferred (推断), what supplying
//! missing data earns. The tables these sentences go into are composed once, in
//! `render::compose::gap`.

use crate::analyse::gap::{
    AdjustmentKind, Blocker, Fix, GapAnalysis, LostAdjustment, LostItem, Plan, PlanStep, Reach,
    SearchNote, Solver,
};
use crate::render::words;
use crate::report::ItemStatus;
use crate::types::Points;

/// What every gap report says at its end about how its figures were found.
pub(crate) const GAP_NOTE: &str = "说明：改进目标和方案中的分数都是把改动代入数据、按同一规则集重新计分得到的。\
只调整数据字典中标为可调（lever）的字段，并只朝其方向调整（背景数据如案件总数、执法人员数不调整）；\
数值按数据字典的类型和范围搜索（计数取整数，百分比在0–100之间，按0.1取值），日期在评估期内按日搜索；\
无数据指标按规则集给出的目标值补充后计分。未声明方向的字段，按读取它的规则在本县数据上试探推断方向（标“推断”）。\
指标、扣分、清零、加分和一票否决都可作为方案的改动；方案为0–1整数规划求得的最小代价方案（默认代价为改动的项数；每个候选方案都按规则逐项精确汇总验证，代价相同时取改动幅度较小者），所承诺的总分经完整复算。";

/// The summary's sentences, as every format writes them: the total, every pass line (reached,
/// or exactly what keeps the county from it), the vetoes, the losses, every plan, the peers.
pub(crate) fn summary_lines(g: &GapAnalysis) -> Vec<String> {
    let mut out = vec![format!("当前总分 {} / {}。", g.total, g.max)];
    for p in &g.pass_lines {
        let mut line = format!("{}（{}分以上）：", p.name, p.min_total);
        if p.reached {
            line.push_str("已达到。");
        } else {
            line.push_str(&format!(
                "{}，原因：{}。",
                words::NOT_REACHED,
                blockers_text(&p.blockers)
            ));
        }
        out.push(line);
    }
    if g.vetoes.is_empty() {
        out.push(format!("一票否决：{}。", words::NOT_TRIGGERED));
    }
    let lost: Points = g.lost.iter().map(|i| i.lost).sum();
    let at_stake: Points = g.no_data.iter().map(|i| i.at_stake).sum();
    out.push(format!(
        "有数据但失分的指标 {} 项，共失 {} 分；无数据的指标 {} 项，涉及 {} 分（资料审核无佐证材料不得分）。",
        g.lost.len(),
        lost,
        g.no_data.len(),
        at_stake
    ));
    for p in &g.plans {
        out.push(format!("达到{}的方案：{}", p.name, plan_sentence(p)));
    }
    if let Some(peers) = &g.peers {
        let below: Vec<String> = peers
            .areas
            .iter()
            .filter(|a| a.below)
            .map(|a| format!("{}「{}」", a.id, a.name))
            .collect();
        if below.is_empty() {
            out.push("与同组比较：没有低于同组中位数的一级指标。".into());
        } else {
            out.push(format!("低于同组中位数的一级指标：{}。", below.join("、")));
        }
    }
    out
}

/// Exactly what keeps the county from a line, in order: the total, each area's share, each
/// veto, each zeroing condition.
fn blockers_text(b: &[Blocker]) -> String {
    if b.is_empty() {
        return "—".into();
    }
    b.iter()
        .map(|b| match b {
            Blocker::Total { shortfall } => format!("总分还差 {shortfall} 分"),
            Blocker::AreaShare {
                id,
                name,
                shortfall,
            } => format!("一级指标 {id}「{name}」得分率未达要求，还差 {shortfall} 分"),
            Blocker::Veto { name, .. } => {
                format!("一票否决「{name}」已触发，无论得分多少均不能达到")
            }
            Blocker::Zeroing {
                name, applies_to, ..
            } if applies_to.as_str() == "total" => format!("「{name}」使总分为零"),
            Blocker::Zeroing {
                name, applies_to, ..
            } => format!("「{name}」使 {applies_to} 得分为零"),
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// The cost and how the plan was found: `最优` with the cost, or the best plan with the proven
/// lower bound when the time limit stopped the solver.
fn solver_text(p: &Plan) -> String {
    let cost = crate::helpers::fmt_num(p.cost);
    match p.solver {
        Solver::Optimal => format!("最优（代价 {cost}，不存在代价更低的方案）"),
        Solver::TimeLimit => format!(
            "求解达到时间上限：给出已找到的最好方案（代价 {cost}），代价下界 {}",
            crate::helpers::fmt_num(p.lower_bound.unwrap_or(0.0))
        ),
        Solver::Unreachable => format!("所有可行改动合计（代价 {cost}）"),
    }
}

pub(crate) fn plan_sentence(p: &Plan) -> String {
    let supply = p.steps.iter().filter(|x| x.supplies_data).count();
    let other = p.steps.iter().filter(|x| x.kind != "item").count();
    let what = if other > 0 {
        let kinds: Vec<&str> = ["penalty", "zeroing", "bonus", "veto"]
            .into_iter()
            .filter(|k| p.steps.iter().any(|x| x.kind == *k))
            .map(kind_zh)
            .collect();
        format!(
            "改动 {} 项（其中{} {} 项）",
            p.steps.len(),
            kinds.join("、"),
            other
        )
    } else if supply > 0 {
        format!(
            "改动 {} 项指标（其中补充数据 {} 项）",
            p.steps.len(),
            supply
        )
    } else {
        format!("改动 {} 项指标", p.steps.len())
    };
    let veto = if p.blocked_by_veto {
        "；但一票否决已触发，得分达标也不能达到"
    } else {
        ""
    };
    if p.steps.is_empty() && p.reaches {
        format!("得分已满足要求{veto}。")
    } else if p.reaches {
        format!(
            "{what}，总分可达 {}（已复算）；{}{veto}。",
            p.total_after,
            solver_text(p)
        )
    } else if p.proven == Some(true) {
        format!(
            "把能找到的改进全部做到，总分也只有 {}，仍达不到{veto}（已在可调字段的全部取值上验证）。",
            p.total_after
        )
    } else {
        format!(
            "已搜索的改动全部做到，总分为 {}，未达到；未穷举全部取值组合，不能断定达不到（见各指标的“未搜索”说明）{veto}。",
            p.total_after
        )
    }
}

/// The Chinese term of a plan step's kind (`penalty` → 扣分), 指标 for an item.
pub(crate) fn kind_zh(k: &str) -> &'static str {
    match k {
        "penalty" => AdjustmentKind::Penalty.zh(),
        "zeroing" => AdjustmentKind::Zeroing.zh(),
        "bonus" => AdjustmentKind::Bonus.zh(),
        "veto" => AdjustmentKind::Veto.zh(),
        _ => "指标",
    }
}

/// A plan step's entry as every format names it: the item's name, or `扣分：超期归档`.
pub(crate) fn step_name(x: &PlanStep) -> String {
    match x.kind.as_str() {
        "item" => x.name.clone(),
        k => format!("{}：{}", kind_zh(k), x.name),
    }
}

/// A plan step's changes, `补充数据：…` when it supplies missing data.
pub(crate) fn step_change(x: &PlanStep) -> String {
    let how = changes_text(&x.changes);
    if x.supplies_data {
        format!("补充数据：{how}")
    } else {
        how
    }
}

/// One line of the accounting as every format writes it.
pub(crate) struct AccountRow {
    /// What the line is (满分, 扣分 PN1「超期归档」实扣（扣总分）, …).
    pub label: String,
    /// Its points: lost points and the total positive, a bonus negative (it makes up for lost
    /// points), the cap's trim positive.
    pub points: Points,
    /// Whether the points are written with their sign (bonuses and the cap's trim).
    pub signed: bool,
}

impl AccountRow {
    /// The points as text: `85`, `−5`, `+2`.
    pub(crate) fn text(&self) -> String {
        if self.signed {
            words::signed(self.points)
        } else {
            self.points.to_string()
        }
    }
}

/// The title of the accounting.
pub(crate) const ACCOUNTING_TITLE: &str = "失分构成";
/// The title of the table of penalties, zeroing entries, bonuses and vetoes.
pub(crate) const ADJUSTMENTS_TITLE: &str = "扣分、清零、加分与一票否决";
/// Where the points between the total and the maximum went, line by line: the maximum, items
/// lost with data, items without data, every penalty as charged (`应扣120，扣完为止，实扣85` when
/// floored), every zeroing entry, every bonus, the cap's trim, the total.
pub(crate) fn accounting_rows(g: &GapAnalysis) -> Vec<AccountRow> {
    let a = &g.accounting;
    let row = |label: String, points: Points, signed: bool| AccountRow {
        label,
        points,
        signed,
    };
    let mut rows = vec![
        row("满分".into(), a.max, false),
        row("有数据指标失分".into(), a.items_lost, false),
        row("无数据指标（不得分）".into(), a.items_no_data, false),
    ];
    if a.additional > Points::ZERO {
        rows.push(row(
            "附加项（加、扣分）：不属任何指标的分值".into(),
            a.additional,
            false,
        ));
    }
    for p in &a.penalties {
        let at = p.applies_to.as_ref().map_or(String::new(), |x| {
            if x.as_str() == "total" {
                "（扣总分）".into()
            } else {
                format!("（扣指标 {x}）")
            }
        });
        let floored = g
            .adjustments
            .iter()
            .find(|x| x.kind == AdjustmentKind::Penalty && x.id == p.id && x.points < x.requested)
            .map_or(String::new(), |x| {
                format!("应扣{}，扣完为止，", x.requested)
            });
        rows.push(row(
            format!("扣分 {}「{}」{floored}实扣{at}", p.id, p.name),
            p.points,
            false,
        ));
    }
    for z in &a.zeroed {
        rows.push(row(format!("清零 {}「{}」", z.id, z.name), z.points, false));
    }
    for b in &a.bonuses {
        rows.push(row(
            format!("加分 {}「{}」", b.id, b.name),
            Points::ZERO - b.points,
            true,
        ));
    }
    if a.bonus_trimmed > Points::ZERO {
        rows.push(row(
            format!(
                "加分合计 {} 超过上限，按上限计 {}（未计入）",
                a.bonus_counted + a.bonus_trimmed,
                a.bonus_counted
            ),
            a.bonus_trimmed,
            true,
        ));
    }
    rows.push(row("当前总分".into(), a.total, false));
    rows
}

/// The accounting's equation: `满分 − 总分 = 100 = 指标失分 20 + … − 计入加分 5（合计相符）。`
pub(crate) fn accounting_equation(g: &GapAnalysis) -> String {
    let a = &g.accounting;
    let sum = if a.adds_up {
        "合计相符"
    } else {
        "合计不相符：各指标满分之和与规则集满分不一致"
    };
    let additional = if a.additional > Points::ZERO {
        format!(" + 附加项 {}", a.additional)
    } else {
        String::new()
    };
    format!(
        "满分 − 总分 = {} = 指标失分 {} + 无数据 {}{additional} + 实扣 {} + 清零 {} − 计入加分 {}（{sum}）。",
        words::plain(a.max - a.total),
        a.items_lost,
        a.items_no_data,
        a.penalties.iter().map(|p| p.points).sum::<Points>(),
        a.zeroed.iter().map(|p| p.points).sum::<Points>(),
        a.bonus_counted,
    )
}

/// An entry's points as charged or earned: `应扣120，扣完为止，实扣85`, `实扣4`, `3（上限3）`, 已触发.
pub(crate) fn adjustment_points_text(a: &LostAdjustment) -> String {
    match a.kind {
        AdjustmentKind::Penalty if a.points < a.requested => {
            format!("应扣{}，扣完为止，实扣{}", a.requested, a.points)
        }
        AdjustmentKind::Penalty | AdjustmentKind::Zeroing => format!("实扣{}", a.points),
        AdjustmentKind::Bonus => format!("{}（上限{}）", a.points, a.requested),
        AdjustmentKind::Veto => "已触发".into(),
    }
}

/// The notes under an entry: its rule text, its smaller moves, the directions inferred (推断).
pub(crate) fn adjustment_notes(a: &LostAdjustment) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(r) = &a.rule_text {
        notes.push(format!("{} 规则：{r}", a.id));
    }
    // A smaller move that still charges as much (扣完为止) wins nothing: not worth a line.
    for f in
        (a.partial.iter()).filter(|f| charged_after(a, f).is_none_or(|(won, _)| won > Points::ZERO))
    {
        notes.push(format!(
            "{} 较小的改动：{}，{}",
            a.id,
            changes_text(&f.changes),
            gain_words(a, f)
        ));
    }
    notes.extend(inferred_sentence(a.id.as_str(), &a.search));
    notes
}

/// A penalty's fix as charged, `(won back, still charged)`, when the penalty is floored by
/// 扣完为止 (`应扣120，实扣85`): the fix asks for less (`f.earned` still requested, `f.gain` no
/// longer requested), but only what falls below the 85 charged comes back (a fix to 118
/// requested wins nothing, one to 80 wins 5). `None` for any other entry or an unfloored penalty
/// (then requested is charged). The plan search keeps the requested terms (its totals are
/// rescored); only the words say what is charged.
fn charged_after(a: &LostAdjustment, f: &Fix) -> Option<(Points, Points)> {
    if a.kind != AdjustmentKind::Penalty || a.points >= a.requested {
        return None;
    }
    let still = f.earned.min(a.points);
    Some((a.points - still, still))
}

/// What a fix of a penalty, zeroing entry, bonus or veto wins back (a floored penalty's as
/// charged, see [`charged_after`]).
pub(crate) fn gain_words(a: &LostAdjustment, f: &Fix) -> String {
    if let Some((won, still)) = charged_after(a, f) {
        return format!("少扣{won}分（仍扣{still}分）");
    }
    match a.kind {
        AdjustmentKind::Penalty => format!("少扣{}分（仍扣{}分）", f.gain, f.earned),
        AdjustmentKind::Zeroing => format!("不再清零（恢复{}分）", f.gain),
        AdjustmentKind::Bonus => format!("加{}分（+{}）", f.earned, f.gain),
        AdjustmentKind::Veto => "不再触发一票否决".into(),
    }
}

pub(crate) fn adjustment_fix_text(a: &LostAdjustment) -> String {
    match &a.fix {
        Some(f) if !f.changes.is_empty() => {
            let after = a
                .total_after
                .map_or(String::new(), |t| format!("，总分 {t}"));
            format!("{}，{}{after}", changes_text(&f.changes), gain_words(a, f))
        }
        _ if a.search.complete => "在可调字段的取值范围内，任何改动都不能消除".into(),
        _ => format!(
            "已搜索的改动都不能消除；未搜索：{}",
            if a.search.not_searched.is_empty() {
                "—".to_string()
            } else {
                a.search.not_searched.join("；")
            }
        ),
    }
}

/// The directions inferred for fields that declare no lever (推断), one sentence; `None` when
/// every field read declares its lever.
pub(crate) fn inferred_sentence(id: &str, n: &SearchNote) -> Option<String> {
    if n.inferred.is_empty() {
        return None;
    }
    let list: Vec<String> = n
        .inferred
        .iter()
        .map(|(f, i)| format!("{f}（{}）", i.zh()))
        .collect();
    Some(format!(
        "{id} 未声明 lever 的字段，按读取它的规则推断方向：{}",
        list.join("、")
    ))
}

pub(crate) fn fix_text(i: &LostItem) -> String {
    match (&i.fix, i.status) {
        (_, ItemStatus::Error) => "规则出错，需先修正规则或数据".into(),
        (None, _) => "改进目标未能通过复算验证，未给出".into(),
        (Some(f), _) => match f.reach {
            Reach::Full => format!(
                "{}，得满分（+{}）{}",
                changes_text(&f.changes),
                f.gain,
                relative_note(i)
            ),
            Reach::Partial if i.search.complete => format!(
                "{}，得{}分（+{}）；在可调字段的取值范围内无法得满分{}",
                changes_text(&f.changes),
                f.earned,
                f.gain,
                context_note(i)
            ),
            Reach::Partial => format!(
                "{}，得{}分（+{}）；已搜索的改动中未找到得满分的{}；未搜索：{}",
                changes_text(&f.changes),
                f.earned,
                f.gain,
                context_note(i),
                i.search.not_searched.join("；")
            ),
            Reach::None => none_text(i),
        },
    }
}

// issue 27 shape 6: relative scores
/// For an item scored against the other counties: `；` and what it needs, with the assumption
/// that the others stand still (the first line of its search note); empty otherwise.
fn relative_note(i: &LostItem) -> String {
    let n = &i.search.not_searched;
    match n.first() {
        Some(first) if n.iter().any(|s| s == crate::relative::STILL) => format!("；{first}"),
        _ => String::new(),
    }
}

/// The fields an item reads that are context figures or a rate's denominator, never changed.
fn context_note(i: &LostItem) -> String {
    if i.search.not_levers.is_empty() {
        return String::new();
    }
    let f: Vec<&str> = i.search.not_levers.iter().map(|f| f.as_str()).collect();
    format!("（{} 为背景数据或比率的分母，不作调整）", f.join("、"))
}

/// Why no change was proposed, said only as far as the search went: "no change can raise the
/// score" only when the search was complete for the item.
fn none_text(i: &LostItem) -> String {
    let n = &i.search;
    let context = context_note(i);
    if n.complete {
        format!("在可调字段的取值范围内，任何改动都不能增加得分{context}")
    } else {
        format!(
            "已搜索的改动都不能增加得分{context}；未搜索：{}",
            n.not_searched.join("；")
        )
    }
}

pub(crate) fn supply_text(f: Option<&Fix>) -> String {
    match f {
        None => "规则集未给出目标值".into(),
        Some(f) => format!("{}，得{}分", changes_text(&f.changes), f.earned),
    }
}

use crate::render::words::changes as changes_text;

/// A lost item's 评分细则 under its table: `1.2.3 评分规则：…`.
pub(crate) fn rule_sentence(id: &str, rule: &str) -> String {
    format!("{id} 评分规则：{rule}")
}

/// Another way to win a lost item's points back: `1.2.3 另一种改法：…，得4分`.
pub(crate) fn alternative_sentence(id: &str, alt: &Fix) -> String {
    format!(
        "{id} 另一种改法：{}，得{}分",
        changes_text(&alt.changes),
        alt.earned
    )
}
