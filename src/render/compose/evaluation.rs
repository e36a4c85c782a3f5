//! A county's 第三方评估报告 (the Word report) as a [`Document`]: its score report and its gap
//! analysis under the same rule set, in the six sections evaluators hand in: 一、评估概况,
//! 二、各领域得分, 三、失分情况及原因, 四、缺少数据的指标及所需佐证材料, 五、达标路径, 六、可复核信息.
//! Every table is the one the score ([`super::score`]) or gap ([`super::gap::county`]) report
//! has, with the same words.

use crate::analyse::gap::GapAnalysis;
use crate::render::document::{Document, Kind, Table};
use crate::render::words;
use crate::render::words::gap::plan_sentence;
use crate::report::Report;
use crate::types::Points;

use super::gap::county as gap;
use super::items::ItemRow;
use super::score;

/// The Chinese numerals of the areas' headings (（一）…（十）).
const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// The evaluation report of one county: `r` its score report, `g` its gap analysis under the
/// same rule set. Level 1 is the title, level 2 the six sections, level 3 what they hold.
pub fn document(r: &Report, g: &GapAnalysis) -> Document {
    let mut d = Document::new(&r.county.id, &r.county.name);
    super::county_title(&mut d, &r.county, "法治政府建设第三方评估报告");
    d.para(format!(
        "依据：{}（{} 版本 {}）",
        r.ruleset.title, r.ruleset.id, r.ruleset.version
    ));

    let sm = &r.summary;
    d.heading(2, "一、评估概况");
    d.para(format!(
        "总分 {} 分（满分 {} 分），其中指标得分 {} 分，加分 {} 分，扣分 {} 分。数据覆盖率 {:.1}%（有数据指标的分值占比）；已评分指标 {} 项，无数据 {} 项，{}{} 项。",
        sm.total, sm.max, sm.items_total, sm.bonus, sm.penalty, sm.coverage * 100.0, sm.scored,
        sm.no_data, words::RULE_ERROR, sm.errors
    ));
    let triggered = score::triggered(r);
    d.para(if triggered.is_empty() {
        format!("一票否决事项：{}。", words::NOT_TRIGGERED)
    } else {
        format!(
            "一票否决事项：已触发（{}），不能评为达标。",
            triggered.join("；")
        )
    });
    if let Some(t) = gap::pass_lines(g) {
        d.table(t);
    }

    d.heading(2, "二、各领域得分");
    let areas: Vec<_> = r.nodes.iter().filter(|n| n.level == 1).collect();
    d.table(score::areas_table(&areas));
    let rows: Vec<ItemRow> = r.items.iter().map(ItemRow::of).collect();
    for (k, area) in areas.iter().enumerate() {
        d.heading(
            3,
            format!(
                "（{}）{}（得分 {} / {}）",
                NUMERALS.get(k).copied().unwrap_or("·"),
                area.name,
                area.earned,
                area.max
            ),
        );
        d.table(score::area_items(&rows, area.id.as_str()));
    }
    if !r.bonuses.is_empty() || !r.penalties.is_empty() {
        d.heading(3, "加分与扣分");
        d.table(score::entries(r));
    }
    for (what, t) in [
        (words::VETO_KIND, score::vetoes(r)),
        ("数据核对", score::checks(r)),
    ] {
        if let Some(t) = t {
            d.heading(3, what);
            d.table(t);
        }
    }

    d.heading(2, "三、失分情况及原因");
    if g.lost.is_empty() {
        d.para("有数据的指标均得满分。");
    } else {
        let lost: Points = g.lost.iter().map(|i| i.lost).sum();
        d.para(format!(
            "有数据但失分的指标 {} 项，共失 {} 分。",
            g.lost.len(),
            lost
        ));
        let all: Vec<_> = g.lost.iter().collect();
        d.table(gap::lost_items(&all));
        d.list(g.lost.iter().flat_map(gap::lost_notes).collect());
    }
    gap::accounting(&mut d, g, 3);
    gap::adjustments(&mut d, g, 3);
    gap::peers(&mut d, g, 3);

    d.heading(2, "四、缺少数据的指标及所需佐证材料");
    if g.no_data.is_empty() {
        d.para("所有指标都有数据。");
    } else {
        let at_stake: Points = g.no_data.iter().map(|i| i.at_stake).sum();
        d.para(format!(
            "以下 {} 项指标缺少数据，涉及 {} 分；资料审核无佐证材料不得分。",
            g.no_data.len(),
            at_stake
        ));
        d.table(super::gap::no_data_table(g));
    }

    d.heading(2, "五、达标路径");
    if g.plans.is_empty() {
        d.para("规则集未设达标线。");
    }
    for p in &g.plans {
        d.para(format!("达到{}：{}", p.name, plan_sentence(p)));
        if let Some(t) = gap::plan_steps(p) {
            d.table(t);
        }
    }

    d.heading(2, "六、可复核信息");
    let mut t = Table::new(None, &[("项目", Kind::Text), ("内容", Kind::Text)]);
    t.row(vec![
        "规则集".into(),
        format!(
            "{}（{} 版本 {}）",
            r.ruleset.title, r.ruleset.id, r.ruleset.version
        )
        .into(),
    ]);
    t.row(vec!["规则集 sha256".into(), r.ruleset.hash.as_str().into()]);
    t.row(vec![
        "评分引擎".into(),
        format!("{} {}", r.engine.name, r.engine.version).into(),
    ]);
    t.row(vec![
        "数据".into(),
        words::data_source(r.county.source.as_deref(), &r.county.id).into(),
    ]);
    t.row(vec![
        "数据 sha256".into(),
        r.county.data_hash.as_str().into(),
    ]);
    // issue 27 shape 6: the group relative items were ranked in, which verify needs too.
    if let Some(grp) = &r.county.group {
        t.row(vec!["比较组".into(), words::group(grp).into()]);
        t.row(vec!["比较组 sha256".into(), grp.sha256.as_str().into()]);
    }
    d.table(t);
    d.para(if r.county.group.as_ref().is_some_and(|g| !g.alone) {
        "说明：改进目标和达标路径中的分数都是把改动代入数据、按同一规则集重新计分得到的；用 fazhi verify 可按上列哈希复核本报告（含相对评分指标：复核时以 --peers 给出同一比较组的数据）。"
    } else {
        "说明：改进目标和达标路径中的分数都是把改动代入数据、按同一规则集重新计分得到的；用 fazhi verify 可按上列哈希复核本报告。"
    });
    d
}
