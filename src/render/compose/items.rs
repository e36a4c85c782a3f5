//! The one place the documents read an item's result ([`ItemScore`]): every table row of an
//! item, in every analysis and format, is built from an [`ItemRow`].

use crate::render::document::Cell;
use crate::render::words;
use crate::report::{ItemScore, ItemStatus};
use crate::types::Points;

// issue 27 shape 5: records
/// One record of a records item as the documents show it: `第2份（案卷号 A-02）：得0分`.
fn record_line(r: &crate::report::RecordScore) -> String {
    match &r.label {
        Some(l) => format!("第{}份（{l}）：{}", r.index, r.explanation),
        None => format!("第{}份：{}", r.index, r.explanation),
    }
}

/// What the documents show of one item.
#[derive(Debug, Clone)]
pub struct ItemRow {
    /// The item's id (`7.3.2`).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its first-level area's id.
    pub area: String,
    /// Points earned, out of `max`; `lost` = `max` − `earned`.
    pub earned: Points,
    /// Its points.
    pub max: Points,
    /// Points lost.
    pub lost: Points,
    /// 已评分, 无数据, 规则出错.
    pub status: &'static str,
    /// Whether it was scored.
    pub scored: bool,
    /// The explanation.
    pub explanation: String,
    /// The explanation with the input values (`…（rate=68.571）`) when scored.
    pub explained: String,
    /// The input values as `field.path=value`.
    pub inputs: Vec<String>,
    /// The 佐证材料 it needs.
    pub evidence: Vec<String>,
    /// Every input value read, with its provenance.
    pub data: Vec<InputValue>,
    // issue 27 shape 5: records
    /// A records item's records, one line each (`第2份（案卷号 A-02）：得0分`); empty for other
    /// items. `explanation` and `explained` end with them too (`。逐份：…`), so every format's
    /// item tables show them.
    pub records: Vec<String>,
}

/// One input value of an item, with where it comes from.
#[derive(Debug, Clone)]
pub struct InputValue {
    /// The field's path.
    pub field: String,
    /// The value as written (`93.3`, `≥2700`, `是`).
    pub value: String,
    /// Its source document, quote and note, when the data give them.
    pub source: Option<String>,
    /// The quote from the source.
    pub quote: Option<String>,
    /// A note.
    pub note: Option<String>,
}

impl ItemRow {
    /// The row of `i`.
    pub fn of(i: &ItemScore) -> ItemRow {
        let short = crate::render::short_inputs(&i.inputs);
        let scored = i.status == ItemStatus::Scored;
        let mut explained = if !short.is_empty() && scored {
            format!("{}（{}）", i.explanation, short.join("，"))
        } else {
            i.explanation.to_string()
        };
        // issue 27 shape 5: records
        let records: Vec<String> = i.records.iter().map(record_line).collect();
        let mut explanation = i.explanation.to_string();
        if !records.is_empty() {
            let each = format!("。逐份：{}", records.join("；"));
            explained.push_str(&each);
            explanation.push_str(&each);
        }
        ItemRow {
            id: i.id.to_string(),
            name: i.name.to_string(),
            area: i.area.to_string(),
            earned: i.earned,
            max: i.max,
            lost: i.lost,
            status: words::status(i.status),
            scored,
            explanation,
            explained,
            inputs: i
                .inputs
                .iter()
                .map(|(k, v)| format!("{k}={}", v.display()))
                .collect(),
            evidence: i.evidence.to_vec(),
            data: i
                .inputs
                .iter()
                .map(|(k, v)| InputValue {
                    field: k.to_string(),
                    value: v.display(),
                    source: v.source.as_deref().map(str::to_string),
                    quote: v.quote.as_deref().map(str::to_string),
                    note: v.note.as_deref().map(str::to_string),
                })
                .collect(),
            records,
        }
    }

    /// The cells of the report's item tables: 编号, 指标, 得分, 满分, 失分, 状态, 说明.
    pub fn report_cells(&self) -> Vec<Cell> {
        vec![
            self.id.as_str().into(),
            self.name.as_str().into(),
            self.earned.into(),
            self.max.into(),
            Cell::lost(self.lost),
            self.status.into(),
            self.explained.as_str().into(),
        ]
    }
}
