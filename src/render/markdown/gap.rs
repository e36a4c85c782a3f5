//! The gap analysis as a Chinese Markdown report a county office can act on: a short summary,
//! the distance to each pass line, the plan, then every lost item with its improvement target,
//! the items without data and the comparison with peers.

use crate::analyse::gap::{Change, Fix, GapAnalysis, LostItem, Plan, Reach};
use crate::render::{area_heading, words, Table};
use crate::report::ItemStatus;
use crate::types::Points;
use crate::types::Value;

/// The Markdown report of one gap analysis.
pub fn markdown(g: &GapAnalysis) -> String {
    let mut s = crate::render::county_heading(&g.county, "法治政府建设差距分析");
    s.push_str(&format!(
        "- 规则集：{}（`{}` 版本 {}，哈希 `{}`）\n",
        g.ruleset.title, g.ruleset.id, g.ruleset.version, g.ruleset.hash
    ));
    s.push_str(&format!(
        "- 数据哈希：`{}`（县 id `{}`）\n- 引擎：{} {}\n\n",
        g.county.data_hash, g.county.id, g.engine.name, g.engine.version
    ));
    summary(g, &mut s);
    pass_lines(g, &mut s);
    plans(g, &mut s);
    areas(g, &mut s);
    lost(g, &mut s);
    no_data(g, &mut s);
    peers(g, &mut s);
    s.push_str(
        "---\n\n说明：改进目标和方案中的分数都是把改动代入数据、按同一规则集重新计分得到的。\
数值按数据字典的类型和范围搜索（计数取整数，百分比在0–100之间，按0.1取值）；\
无数据指标按规则集给出的目标值补充后计分。\n",
    );
    s
}

fn summary(g: &GapAnalysis, s: &mut String) {
    s.push_str("## 摘要\n\n");
    s.push_str(&format!("- 当前总分 **{}** / {}。\n", g.total, g.max));
    for p in &g.pass_lines {
        let mut line = format!("- {}（{}分以上）：", p.name, p.min_total);
        if p.reached {
            line.push_str("已达到。");
        } else {
            let mut why = Vec::new();
            if p.blocked_by_veto {
                why.push(format!(
                    "一票否决（{}），无论得分多少均不能达到",
                    g.vetoes.join("；")
                ));
            }
            if p.shortfall > Points::ZERO {
                why.push(format!("总分差 {} 分", p.shortfall));
            }
            for a in &p.areas_short {
                why.push(format!("{}「{}」还差 {} 分", a.id, a.name, a.shortfall));
            }
            line.push_str(&format!("{}：{}。", words::NOT_REACHED, why.join("；")));
        }
        s.push_str(&line);
        s.push('\n');
    }
    if g.vetoes.is_empty() {
        s.push_str("- 一票否决：未触发。\n");
    }
    let lost: Points = g.lost.iter().map(|i| i.lost).sum();
    let at_stake: Points = g.no_data.iter().map(|i| i.at_stake).sum();
    s.push_str(&format!(
        "- 有数据但失分的指标 {} 项，共失 {} 分；无数据的指标 {} 项，涉及 {} 分（资料审核无佐证材料不得分）。\n",
        g.lost.len(),
        lost,
        g.no_data.len(),
        at_stake
    ));
    for p in &g.plans {
        s.push_str(&format!("- 达到{}的方案：{}\n", p.name, plan_sentence(p)));
    }
    if let Some(peers) = &g.peers {
        let below: Vec<String> = peers
            .areas
            .iter()
            .filter(|a| a.below)
            .map(|a| format!("{}「{}」", a.id, a.name))
            .collect();
        if below.is_empty() {
            s.push_str("- 与同组比较：没有低于同组中位数的一级指标。\n");
        } else {
            s.push_str(&format!(
                "- 低于同组中位数的一级指标：{}。\n",
                below.join("、")
            ));
        }
    }
    s.push('\n');
}

pub(crate) fn plan_sentence(p: &Plan) -> String {
    let supply = p.steps.iter().filter(|x| x.supplies_data).count();
    let what = if supply > 0 {
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
        format!("{what}，总分可达 {}（已复算）{veto}。", p.total_after)
    } else {
        format!(
            "把能找到的改进全部做到，总分也只有 {}，仍达不到{veto}。",
            p.total_after
        )
    }
}

fn pass_lines(g: &GapAnalysis, s: &mut String) {
    if g.pass_lines.is_empty() {
        return;
    }
    s.push_str("## 距达标线\n\n");
    let mut t = Table::new(
        &[
            "达标线",
            "最低总分",
            "当前总分",
            "总分差距",
            "领域得分率要求",
            "未达要求的领域",
            "结论",
        ],
        &[false, true, true, true, true, false, false],
    );
    for p in &g.pass_lines {
        let areas: Vec<String> = p
            .areas_short
            .iter()
            .map(|a| format!("{} 得{}，需{}", a.id, a.earned, a.needed))
            .collect();
        t.row(vec![
            p.name.clone(),
            p.min_total.to_string(),
            g.total.to_string(),
            p.shortfall.to_string(),
            p.min_area_share.map_or("—".into(), |x| {
                format!("{}%", Points::from_f64(x * 100.0))
            }),
            if areas.is_empty() {
                "—".into()
            } else {
                areas.join("；")
            },
            if p.reached {
                format!("✓ {}", words::REACHED)
            } else if p.blocked_by_veto {
                format!("✗ {}", words::VETO_KIND)
            } else {
                format!("✗ {}", words::NOT_REACHED)
            },
        ]);
    }
    s.push_str(&t.render());
    s.push('\n');
}

fn plans(g: &GapAnalysis, s: &mut String) {
    for p in &g.plans {
        s.push_str(&format!("## 达线方案：{}\n\n", p.name));
        s.push_str(&format!("{}\n\n", plan_sentence(p)));
        if p.steps.is_empty() {
            continue;
        }
        let mut t = Table::new(
            &["步骤", "编号", "指标", "改动", "增分", "累计总分"],
            &[true, false, false, false, true, true],
        );
        for (i, x) in p.steps.iter().enumerate() {
            let how = changes_text(&x.changes);
            t.row(vec![
                (i + 1).to_string(),
                x.item.to_string(),
                x.name.clone(),
                if x.supplies_data {
                    format!("补充数据：{how}")
                } else {
                    how
                },
                crate::render::words::signed(x.gain),
                x.total_after.to_string(),
            ]);
        }
        s.push_str(&t.render());
        s.push('\n');
    }
}

fn areas(g: &GapAnalysis, s: &mut String) {
    s.push_str("## 各领域失分\n\n");
    let mut t = Table::new(
        &[
            "编号",
            "一级指标",
            "得分",
            "满分",
            "失分",
            "失分项",
            "无数据项",
            "无数据分值",
        ],
        &[false, false, true, true, true, true, true, true],
    );
    for a in &g.areas {
        t.row(vec![
            a.id.to_string(),
            a.name.clone(),
            a.earned.to_string(),
            a.max.to_string(),
            a.lost.to_string(),
            a.items_lost.to_string(),
            a.items_no_data.to_string(),
            a.no_data_points.to_string(),
        ]);
    }
    s.push_str(&t.render());
    s.push('\n');
}

fn lost(g: &GapAnalysis, s: &mut String) {
    s.push_str("## 失分指标与改进目标\n\n");
    if g.lost.is_empty() {
        s.push_str("有数据的指标均得满分。\n\n");
        return;
    }
    for a in &g.areas {
        let items: Vec<&LostItem> = g.lost.iter().filter(|i| i.area == a.id).collect();
        if items.is_empty() {
            continue;
        }
        s.push_str(&format!("### {}\n\n", area_heading(a.id.as_str(), &a.name)));
        let mut t = Table::new(
            &[
                "编号",
                "指标",
                "得分",
                "满分",
                "失分",
                "现有数据",
                "失分原因",
                "改进目标（复算）",
            ],
            &[false, false, true, true, true, false, false, false],
        );
        for i in &items {
            let inputs = crate::render::short_inputs(&i.inputs);
            t.row(vec![
                i.id.to_string(),
                i.name.to_string(),
                i.earned.to_string(),
                i.max.to_string(),
                crate::render::words::deducted(i.lost),
                inputs.join("，"),
                i.why.clone(),
                fix_text(i),
            ]);
        }
        s.push_str(&t.render());
        s.push('\n');
        for i in &items {
            if let Some(r) = &i.rule_text {
                s.push_str(&format!("- {} 评分规则：{r}\n", i.id));
            }
            for alt in &i.alternatives {
                s.push_str(&format!(
                    "- {} 另一种改法：{}，得{}分\n",
                    i.id,
                    changes_text(&alt.changes),
                    alt.earned
                ));
            }
        }
        s.push('\n');
    }
}

pub(crate) fn fix_text(i: &LostItem) -> String {
    match (&i.fix, i.status) {
        (_, ItemStatus::Error) => "规则出错，需先修正规则或数据".into(),
        (None, _) => "改进目标未能通过复算验证，未给出".into(),
        (Some(f), _) => match f.reach {
            Reach::Full => format!("{}，得满分（+{}）", changes_text(&f.changes), f.gain),
            Reach::Partial => format!(
                "{}，得{}分（+{}）；在取值范围内无法得满分",
                changes_text(&f.changes),
                f.earned,
                f.gain
            ),
            Reach::None => "在数据取值范围内，任何改动都不能增加得分".into(),
        },
    }
}

fn no_data(g: &GapAnalysis, s: &mut String) {
    s.push_str("## 无数据指标（需补充佐证材料）\n\n");
    if g.no_data.is_empty() {
        s.push_str("所有指标都有数据。\n\n");
        return;
    }
    let mut t = Table::new(
        &[
            "编号",
            "指标",
            "涉及分值",
            "缺少数据",
            "需提供佐证材料",
            "按目标值补充（复算）",
        ],
        &[false, false, true, false, false, false],
    );
    for i in &g.no_data {
        let missing: Vec<String> = i
            .missing
            .iter()
            .map(|m| {
                if m.desc.is_empty() {
                    m.field.to_string()
                } else {
                    m.desc.clone()
                }
            })
            .collect();
        t.row(vec![
            i.id.to_string(),
            i.name.to_string(),
            i.at_stake.to_string(),
            missing.join("、"),
            if i.evidence.is_empty() {
                "—".into()
            } else {
                i.evidence.join("、")
            },
            supply_text(i.supply.as_ref()),
        ]);
    }
    s.push_str(&t.render());
    s.push('\n');
}

pub(crate) fn supply_text(f: Option<&Fix>) -> String {
    match f {
        None => "规则集未给出目标值".into(),
        Some(f) => format!("{}，得{}分", changes_text(&f.changes), f.earned),
    }
}

fn peers(g: &GapAnalysis, s: &mut String) {
    let Some(p) = &g.peers else { return };
    s.push_str(&format!("## 与同组比较（{} 个县）\n\n", p.peers.len()));
    if p.peers.is_empty() {
        s.push_str("同组中没有其他县，无法比较。\n\n");
        return;
    }
    let mut t = Table::new(
        &["编号", "一级指标", "本县", "同组中位数", "差距", "比较"],
        &[false, false, true, true, true, false],
    );
    let cell = |x: Option<Points>| x.map_or("—".into(), |p| p.to_string());
    let diff = |x: Option<Points>| {
        x.map_or("—".into(), |d| {
            if d > Points::ZERO {
                format!("+{d}")
            } else {
                d.to_string()
            }
        })
    };
    for a in &p.areas {
        t.row(vec![
            a.id.to_string(),
            a.name.clone(),
            a.earned.to_string(),
            cell(a.median),
            diff(a.diff),
            if a.below {
                "低于中位数".into()
            } else {
                "不低于".into()
            },
        ]);
    }
    t.row(vec![
        String::new(),
        "总分".into(),
        p.total.to_string(),
        cell(p.total_median),
        diff(p.total_median.map(|m| p.total - m)),
        String::new(),
    ]);
    s.push_str(&t.render());
    s.push_str(&format!("\n同组：{}\n\n", p.peers.join("、")));
}

pub(crate) fn changes_text(changes: &[Change]) -> String {
    changes
        .iter()
        .map(|c| {
            let name = if c.desc.is_empty() {
                c.field.to_string()
            } else {
                c.desc.clone()
            };
            if let (Some(Value::List(a)), Value::List(b)) = (&c.from, &c.to) {
                return list_change(&name, a, b);
            }
            let from = c
                .from
                .as_ref()
                .map_or("（无）".to_string(), |v| value_text(v, &c.unit));
            format!("{name} {from} → {}", value_text(&c.to, &c.unit))
        })
        .collect::<Vec<_>>()
        .join("；")
}

fn value_text(v: &Value, unit: &str) -> String {
    match v {
        Value::Int(_) | Value::Number(_) => format!("{v}{unit}"),
        other => other.to_string(),
    }
}

/// A list's change as what is added and removed: `法定程序 增加 风险评估`.
fn list_change(name: &str, from: &[String], to: &[String]) -> String {
    let added: Vec<&str> = to
        .iter()
        .filter(|x| !from.contains(x))
        .map(|x| x.as_str())
        .collect();
    let removed: Vec<&str> = from
        .iter()
        .filter(|x| !to.contains(x))
        .map(|x| x.as_str())
        .collect();
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!("增加 {}", added.join("、")));
    }
    if !removed.is_empty() {
        parts.push(format!("去掉 {}", removed.join("、")));
    }
    format!("{name} {}", parts.join("，"))
}
