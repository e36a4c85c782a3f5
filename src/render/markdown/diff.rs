//! Rendering a rule-set diff as a Chinese changelog with every county's movement explained.

use super::Table;
use crate::analyse::change::diff::{ChangeKind, ContributionKind, RuleSetDiff, Section};

pub(crate) fn section_zh(s: Section) -> &'static str {
    match s {
        Section::Ruleset => "规则集",
        Section::Field => "数据字典",
        Section::Indicator => "指标",
        Section::Veto => "一票否决",
        Section::Bonus => "加分",
        Section::Penalty => "扣分",
        Section::PassLine => "达标线",
        Section::Check => "数据核对",
    }
}

pub(crate) fn kind_zh(k: ChangeKind) -> &'static str {
    match k {
        ChangeKind::Added => "新增",
        ChangeKind::Removed => "删除",
        ChangeKind::Moved => "移动",
        ChangeKind::Renamed => "更名",
        ChangeKind::Repointed => "分值调整",
        ChangeKind::RuleChanged => "规则修改",
        ChangeKind::Changed => "其他修改",
    }
}

pub(crate) fn contribution_zh(k: ContributionKind) -> &'static str {
    match k {
        ContributionKind::Item => "指标",
        ContributionKind::Bonus => "加分",
        ContributionKind::BonusCap => "加分上限",
        ContributionKind::Penalty => "扣分",
        ContributionKind::Zeroing => crate::render::words::ZEROED,
    }
}

pub(crate) use crate::render::words::{plain, signed};

pub(crate) fn rank_move(n: i64) -> String {
    match n {
        0 => "—".into(),
        n if n > 0 => format!("↑{n}"),
        n => format!("↓{}", -n),
    }
}

/// The diff as Markdown: the changelog, the county table, each county's terms, the rules that
/// failed, the files that could not be read, then the provenance. Without pass lines in either
/// rule set there are no level columns.
pub fn diff_markdown(d: &RuleSetDiff) -> String {
    let (o, n) = (&d.old, &d.new);
    let mut s = format!(
        "# 规则集变更：{} {} → {} {}\n\n",
        o.id, o.version, n.id, n.version
    );
    s.push_str(&format!("## 结构变更（{} 项）\n\n", d.changes.len()));
    if d.changes.is_empty() {
        s.push_str("无结构变更。\n");
    } else {
        let mut t = Table::new(&["类别", "编号", "变更", "属性", "旧", "新"], &[false; 6]);
        for c in &d.changes {
            t.row(vec![
                section_zh(c.section).into(),
                c.id.clone(),
                kind_zh(c.kind).into(),
                c.aspect.clone().unwrap_or_default(),
                c.old.clone().unwrap_or_default(),
                c.new.clone().unwrap_or_default(),
            ]);
        }
        s.push_str(&t.render());
    }
    if d.counties.is_empty() && d.failures.is_empty() {
        s.push_str(&provenance(d));
        return s;
    }
    s.push_str("\n## 各县得分变化\n\n");
    s.push_str("名次为本批县内的名次（同分同名次，其后顺延）；变化 = 新总分 − 旧总分，等于下列各项变化之和。\n\n");
    let levels = if d.has_pass_lines { 2 } else { 0 };
    let head = [
        "县",
        "id",
        "旧总分",
        "新总分",
        "变化",
        "旧名次",
        "新名次",
        "名次变化",
        "旧等级",
        "新等级",
    ];
    let right = [
        false, false, true, true, true, true, true, true, false, false,
    ];
    let mut t = Table::new(&head[..8 + levels], &right[..8 + levels]);
    let level = |p: &Option<crate::analyse::change::rank::PassLevel>| {
        crate::render::words::level(p.as_ref().map(|p| p.name.as_str()))
    };
    for c in &d.counties {
        let mut cells = vec![
            c.county.name.clone(),
            c.county.id.clone(),
            c.old_total.to_string(),
            c.new_total.to_string(),
            signed(c.delta),
            c.old_rank.to_string(),
            c.new_rank.to_string(),
            rank_move(c.rank_change),
        ];
        if d.has_pass_lines {
            cells.extend([level(&c.old_pass), level(&c.new_pass)]);
        }
        t.row(cells);
    }
    s.push_str(&t.render());
    for c in &d.counties {
        s.push_str(&format!(
            "\n### {}（`{}`）：{} → {}（{}）\n\n",
            c.county.name,
            c.county.id,
            c.old_total,
            c.new_total,
            signed(c.delta)
        ));
        for v in &c.vetoes {
            s.push_str(&format!(
                "- {}\n",
                crate::render::words::veto_change(v.id.as_str(), &v.name, v.old, v.new)
            ));
        }
        if c.contributions.is_empty() {
            s.push_str("得分未变。\n");
            continue;
        }
        if !c.vetoes.is_empty() {
            s.push('\n');
        }
        let mut t = Table::new(
            &["类型", "编号", "名称", "旧", "新", "变化"],
            &[false, false, false, true, true, true],
        );
        for x in &c.contributions {
            t.row(vec![
                contribution_zh(x.kind).into(),
                x.id.to_string(),
                x.name.clone(),
                plain(x.old),
                plain(x.new),
                signed(x.delta),
            ]);
        }
        s.push_str(&t.render());
    }
    s.push_str(&super::rank::errors_markdown(
        d.counties.iter().map(|c| (&c.county, c.errors.as_slice())),
    ));
    s.push_str(&super::failures(&d.failures));
    s.push_str(&provenance(d));
    s
}

/// The rule sets, the engine and every data file's sha256 (last: long on a national batch).
fn provenance(d: &RuleSetDiff) -> String {
    let (o, n) = (&d.old, &d.new);
    let mut s = String::from("\n## 来源\n\n");
    s.push_str(&format!(
        "- 旧规则集：{}（`{}` 版本 {}），哈希 `{}`\n",
        o.title, o.id, o.version, o.hash
    ));
    s.push_str(&format!(
        "- 新规则集：{}（`{}` 版本 {}），哈希 `{}`\n",
        n.title, n.id, n.version, n.hash
    ));
    s.push_str(&format!("- 引擎：{} {}\n", d.engine.name, d.engine.version));
    if !d.inputs.is_empty() {
        s.push_str(&format!("- 数据文件（{} 个，sha256）：\n", d.inputs.len()));
        for i in &d.inputs {
            s.push_str(&format!("  - `{}` `{}`\n", i.path, i.sha256));
        }
    }
    s
}
