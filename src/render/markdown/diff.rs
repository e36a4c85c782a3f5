//! Rendering a rule-set diff as a Chinese changelog with every county's movement explained.

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

pub(crate) fn rank_move(n: i64) -> String {
    match n {
        0 => "—".into(),
        n if n > 0 => format!("↑{n}"),
        n => format!("↓{}", -n),
    }
}

/// The diff as Markdown ([`crate::render::compose::diff::documents`] written out): the
/// changelog, the county table, each county's terms, the rules that failed, the files that could
/// not be read, then the provenance. Without pass lines in either rule set there are no level
/// columns.
pub fn diff_markdown(d: &RuleSetDiff) -> String {
    crate::render::compose::diff::documents(d, false)
        .iter()
        .map(crate::render::write::markdown::markdown)
        .collect()
}
