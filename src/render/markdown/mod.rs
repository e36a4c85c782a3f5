//! The Markdown report: Chinese-first, grouped by first-level area, lost points easy to see.

mod audit;
mod diff;
mod gap;
mod gap_batch;
mod rank;
mod table;
mod uncertainty;
mod whatif;

pub use self::audit::markdown as audit_markdown;
#[cfg(any(feature = "html", feature = "xlsx"))]
pub(crate) use self::audit::{
    alpha_text, corr as corr_text, findings as audit_findings, fixed, flags_zh as audit_flags,
    influence_note, kind_zh as removed_zh, largest_zh, no_alpha_zh, pct as pct_text, points_pct,
    remove_one_order, title as audit_title, ALPHA_NOTE, ITEMS_NOTE, REMOVE_NOTE,
};
pub use self::diff::diff_markdown;
#[cfg(any(feature = "html", feature = "xlsx"))]
pub(crate) use self::diff::{contribution_zh, kind_zh, section_zh};
#[cfg(feature = "html")]
pub(crate) use self::diff::{plain, rank_move, signed};
pub use self::gap::markdown as gap_markdown;
#[cfg(any(feature = "html", feature = "docx", feature = "xlsx"))]
pub(crate) use self::gap::{
    accounting_equation, accounting_rows, adjustment_fix_text, adjustment_notes,
    adjustment_points_text, adjustment_row, inferred_sentence, kind_zh as step_kind_zh,
    step_change, step_name, summary_lines, ACCOUNTING_TITLE, ADJUSTMENTS_HEAD, ADJUSTMENTS_TITLE,
    GAP_NOTE,
};
#[cfg(any(feature = "html", feature = "docx"))]
pub(crate) use self::gap::{changes_text, fix_text, plan_sentence, supply_text};
pub use self::gap_batch::markdown as gap_summary_markdown;
#[cfg(any(feature = "html", feature = "xlsx"))]
pub(crate) use self::gap_batch::{
    entries_head, entry_rows, line_rows, summary_title, SumCell, LINES_HEAD, SUMMARY_NOTE,
};
pub use self::rank::rank_markdown;
pub(crate) use self::table::Table;
pub use self::uncertainty::markdown as uncertainty_markdown;
#[cfg(feature = "html")]
pub(crate) use self::uncertainty::{noise_text, total_text};
pub use self::whatif::markdown as whatif_markdown;

use crate::report::{ConditionStatus, ItemStatus, Report};

const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// `一、` for area 1 … `十、` for area 10, the id otherwise.
pub(crate) fn area_heading(id: &str, name: &str) -> String {
    match id.parse::<usize>() {
        Ok(n) if (1..=10).contains(&n) => format!("{}、{name}", NUMERALS[n - 1]),
        _ => format!("{id} {name}"),
    }
}

pub(crate) fn status_zh(s: ItemStatus) -> &'static str {
    match s {
        ItemStatus::Scored => "已评分",
        ItemStatus::NoData => "无数据",
        ItemStatus::Error => "出错",
    }
}

fn lost_cell(lost: crate::Points) -> String {
    if lost > crate::Points::ZERO {
        format!("**{}**", crate::render::words::deducted(lost))
    } else {
        "0".into()
    }
}

/// The title of a county's report (`# 郓城县（2018年）法治政府建设评分报告`), with a warning line when
/// the county's data are synthetic.
pub(crate) fn county_heading(c: &crate::report::CountyRef, what: &str) -> String {
    let year = c.year.map(|y| format!("（{y}年）")).unwrap_or_default();
    let mut s = format!("# {}{year}{what}\n\n", c.name);
    if c.kind.as_deref() == Some("synthetic") {
        s.push_str("> 注意：本县数据为合成数据，仅供测试。\n\n");
    }
    s
}

/// An item's input values as `field=value` with the field's last segment (`online_rate=93.3`),
/// bounds shown (`≥2700`).
pub(crate) fn short_inputs(inputs: &crate::Inputs) -> Vec<String> {
    inputs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                k.as_str().rsplit('.').next().unwrap_or(""),
                v.display()
            )
        })
        .collect()
}

/// The Markdown report of one county.
pub fn markdown(r: &Report) -> String {
    let mut s = county_heading(&r.county, "法治政府建设评分报告");
    s.push_str(&format!(
        "- 规则集：{}（`{}` 版本 {}）\n",
        r.ruleset.title, r.ruleset.id, r.ruleset.version
    ));
    s.push_str(&format!("- 规则集哈希：`{}`\n", r.ruleset.hash));
    s.push_str(&format!(
        "- 数据哈希：`{}`（县 id `{}`）\n",
        r.county.data_hash, r.county.id
    ));
    s.push_str(&format!(
        "- 引擎：{} {}\n\n",
        r.engine.name, r.engine.version
    ));

    let sm = &r.summary;
    s.push_str("## 总览\n\n");
    let mut t = Table::new(&["项目", "结果"], &[false, true]);
    t.row(vec![
        "总分".into(),
        format!("**{}** / {}", sm.total, sm.max),
    ]);
    t.row(vec!["指标得分".into(), sm.items_total.to_string()]);
    t.row(vec!["加分".into(), format!("+{}", sm.bonus)]);
    t.row(vec![
        "扣分".into(),
        crate::render::words::deducted(sm.penalty),
    ]);
    t.row(vec![
        "数据覆盖率（有数据指标的分值占比）".into(),
        format!("{:.1}%", sm.coverage * 100.0),
    ]);
    t.row(vec![
        "已评分 / 无数据 / 出错".into(),
        format!("{} / {} / {}", sm.scored, sm.no_data, sm.errors),
    ]);
    t.row(vec!["数据核对警告".into(), sm.warnings.to_string()]);
    s.push_str(&t.render());
    s.push_str("\n总分 = 指标得分（各指标得分之和）+ 加分 − 扣分（指标、领域和总分上的扣分各计一次）。\n\n");
    if let Some(w) = r.ruleset.written_out_of {
        s.push_str(&format!(
            "以满分{w}分进行考评，评分结果折算成百分制（满分{}分）：各项得分、加分、扣分均已折算。\n\n",
            sm.max
        ));
    }
    if let Some(a) = r.ruleset.additional_points {
        s.push_str(&format!(
            "满分 {} = 各一级指标 {} + 附加项（加、扣分）{a}：加分合计至多计 {a} 分。\n\n",
            sm.max,
            sm.max - a
        ));
    }
    let triggered: Vec<&str> = r
        .vetoes
        .iter()
        .filter(|v| v.status == ConditionStatus::Triggered)
        .map(|v| v.name.as_str())
        .collect();
    if triggered.is_empty() {
        s.push_str("**一票否决**：未触发\n\n");
    } else {
        s.push_str(&format!(
            "**一票否决**：⚠ 已触发：{}\n\n",
            triggered.join("；")
        ));
    }
    let zeroed: Vec<String> = r
        .penalties
        .iter()
        .filter(|p| p.zeroed())
        .map(|p| format!("{}（{}）", p.name, p.detail))
        .collect();
    if !zeroed.is_empty() {
        s.push_str(&format!(
            "**{}**：⚠ {}\n\n",
            crate::render::words::ZEROED,
            zeroed.join("；")
        ));
    }
    for p in &sm.pass_lines {
        if p.reached {
            s.push_str(&format!(
                "**{}**（{}分以上）：✓ {}\n\n",
                p.name,
                p.min_total,
                crate::render::words::REACHED
            ));
        } else {
            s.push_str(&format!(
                "**{}**（{}分以上）：✗ {}（{}）\n\n",
                p.name,
                p.min_total,
                crate::render::words::NOT_REACHED,
                p.reasons.join("；")
            ));
        }
    }

    s.push_str("## 各领域得分\n\n");
    let mut t = Table::new(
        &["编号", "一级指标", "得分", "满分", "失分", "得分率"],
        &[false, false, true, true, true, true],
    );
    for n in r.nodes.iter().filter(|n| n.level == 1) {
        let share = if n.max.milli() > 0 {
            n.earned.as_f64() / n.max.as_f64() * 100.0
        } else {
            0.0
        };
        t.row(vec![
            n.id.to_string(),
            n.name.to_string(),
            n.earned.to_string(),
            n.max.to_string(),
            lost_cell(n.lost),
            format!("{share:.1}%"),
        ]);
    }
    s.push_str(&t.render());
    s.push('\n');

    for area in r.nodes.iter().filter(|n| n.level == 1) {
        s.push_str(&format!(
            "## {}（得分 {} / {}，失分 {}）\n\n",
            area_heading(area.id.as_str(), &area.name),
            area.earned,
            area.max,
            area.lost
        ));
        if area.penalty > crate::Points::ZERO {
            s.push_str(&format!("本领域被扣分 {}（见扣分项）。\n\n", area.penalty));
        }
        let mut t = Table::new(
            &["编号", "指标", "得分", "满分", "失分", "状态", "说明"],
            &[false, false, true, true, true, false, false],
        );
        for i in r.items.iter().filter(|i| i.area == area.id) {
            let inputs = short_inputs(&i.inputs);
            let mut expl = i.explanation.to_string();
            if !inputs.is_empty() && i.status == ItemStatus::Scored {
                expl = format!("{expl}（{}）", inputs.join("，"));
            }
            t.row(vec![
                i.id.to_string(),
                i.name.to_string(),
                i.earned.to_string(),
                i.max.to_string(),
                lost_cell(i.lost),
                status_zh(i.status).into(),
                expl,
            ]);
        }
        s.push_str(&t.render());
        s.push('\n');
        let made_of_parts: Vec<String> = parts_under(r, area)
            .map(|(n, p)| {
                format!(
                    "- {}「{}」由{}个部分组成（上表中编号以 {}. 开头者）：{}，已评分{}部分、无数据{}部分{}；得{}分，满分{}分。\n",
                    n.id,
                    n.name,
                    p.parts,
                    n.id,
                    p.status_zh(),
                    p.scored,
                    p.no_data,
                    if p.errors > 0 {
                        format!("、出错{}部分", p.errors)
                    } else {
                        String::new()
                    },
                    n.earned,
                    n.max
                )
            })
            .collect();
        if !made_of_parts.is_empty() {
            s.push_str(&made_of_parts.concat());
            s.push('\n');
        }
    }

    if !r.bonuses.is_empty() || !r.penalties.is_empty() {
        s.push_str("## 加分与扣分\n\n");
        let mut t = Table::new(
            &["编号", "项目", "类型", "计入", "说明"],
            &[false, false, false, true, false],
        );
        for b in &r.bonuses {
            t.row(vec![
                b.id.to_string(),
                b.name.clone(),
                "加分".into(),
                format!("+{}", b.points),
                detail(b.status, &b.detail),
            ]);
        }
        for p in &r.penalties {
            let target = p.applies_to.as_ref().map_or("total", |a| a.as_str());
            let target = if target == "total" {
                "总分".to_string()
            } else {
                format!("指标{target}")
            };
            let kind = if p.zeroing.is_some() {
                crate::render::words::ZEROED
            } else {
                "扣分"
            };
            t.row(vec![
                p.id.to_string(),
                p.name.clone(),
                format!("{kind}（{target}）"),
                crate::render::words::deducted(p.points),
                detail(p.status, &p.detail),
            ]);
        }
        s.push_str(&t.render());
        s.push('\n');
        if let Some(cap) = bonus_cap_note(r) {
            s.push_str(&cap);
        }
    }

    if !r.vetoes.is_empty() {
        s.push_str("## 一票否决事项\n\n");
        let mut t = Table::new(&["编号", "事项", "结果"], &[false, false, false]);
        for v in &r.vetoes {
            let res = match v.status {
                ConditionStatus::Triggered => "⚠ 触发".to_string(),
                ConditionStatus::Clear => "未触发".to_string(),
                ConditionStatus::NoData => {
                    format!("无数据（{}）", v.detail.clone().unwrap_or_default())
                }
                ConditionStatus::Error => format!("出错：{}", v.detail.clone().unwrap_or_default()),
            };
            t.row(vec![v.id.to_string(), v.name.clone(), res]);
        }
        s.push_str(&t.render());
        s.push('\n');
    }

    let warnings: Vec<_> = r
        .checks
        .iter()
        .filter(|c| c.status != ConditionStatus::Clear)
        .collect();
    if !warnings.is_empty() {
        s.push_str("## 数据核对\n\n");
        for c in warnings {
            let what = match c.status {
                ConditionStatus::Triggered => "⚠ 数据不一致",
                ConditionStatus::NoData => "未核对（缺少数据）",
                _ => "核对出错",
            };
            s.push_str(&format!(
                "- {}「{}」：{}。{}\n",
                c.id,
                c.name,
                what,
                c.detail.clone().unwrap_or_default()
            ));
        }
        s.push('\n');
    }

    let notes: Vec<String> = r
        .items
        .iter()
        .flat_map(|i| {
            i.messages
                .iter()
                .map(move |m| format!("- {}「{}」：{m}", i.id, i.name))
        })
        .collect();
    if !notes.is_empty() {
        s.push_str("## 规则提示\n\n");
        s.push_str(&notes.join("\n"));
        s.push_str("\n\n");
    }
    s
}

/// The items made of parts in an area, with how their parts came out.
fn parts_under<'r>(
    r: &'r Report,
    area: &'r crate::report::NodeScore,
) -> impl Iterator<Item = (&'r crate::report::NodeScore, crate::report::PartsOutcome)> {
    r.nodes.iter().filter_map(move |n| {
        let p = n.parts?;
        let in_area = r
            .items
            .iter()
            .any(|i| i.parent == n.id && i.area == area.id);
        in_area.then_some((n, p))
    })
}

pub(crate) fn detail(status: ItemStatus, d: &str) -> String {
    match status {
        ItemStatus::Scored => d.to_string(),
        ItemStatus::NoData => format!("无数据：{d}"),
        ItemStatus::Error => format!("出错：{d}"),
    }
}

fn bonus_cap_note(r: &Report) -> Option<String> {
    let sum: crate::Points = r.bonuses.iter().map(|b| b.points).sum();
    (sum > r.summary.bonus).then(|| {
        format!(
            "加分合计 {sum} 超过加分上限，按 {} 计入。\n\n",
            r.summary.bonus
        )
    })
}

/// The Markdown section listing the data files a batch could not score (empty when none).
pub(crate) fn failures(failures: &[crate::report::Failure]) -> String {
    if failures.is_empty() {
        return String::new();
    }
    let mut s = format!("\n## 未能评分的文件（{} 个）\n\n", failures.len());
    for f in failures {
        s.push_str(&format!(
            "- `{}`：{}\n",
            f.path,
            f.error.replace('\n', "；")
        ));
    }
    s
}
