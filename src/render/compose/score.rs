//! The score report of one county as a [`Document`]: title, provenance, 总览 (with the veto,
//! zeroing and pass-line lines), 各领域得分, a table of items per first-level area (with the
//! items made of parts), 加分与扣分 (every bonus, the cap's trim, every penalty and zeroing entry
//! as charged), 一票否决事项, 数据核对, 规则提示. And the sheets a workbook of many reports adds:
//! 总表 (one row per county), 明细 (every item with its inputs), 失分, 数据来源.

use crate::render::document::{Block, Cell, Document, Kind, Span, Table};
use crate::render::svg::{self, HBar, HBarChart, PassMark};
use crate::render::words;
use crate::report::{ConditionStatus, Report};
use crate::types::Points;

use super::items::ItemRow;

/// The report of `r`; with `charts`, the charts the HTML page draws.
pub fn document(r: &Report, charts: bool) -> Document {
    let c = &r.county;
    let mut d = Document::new(&c.id, &c.name);
    super::county_title(&mut d, c, "法治政府建设评分报告");
    let code = |s: &str| Span::Code(s.to_string());
    let text = |s: String| Span::Text(s);
    let mut lines = vec![
        vec![
            text(format!("规则集：{}（", r.ruleset.title)),
            code(&r.ruleset.id),
            text(format!(" 版本 {}）", r.ruleset.version)),
        ],
        vec![text("规则集哈希：".into()), code(&r.ruleset.hash)],
        data_line(r),
    ];
    // issue 27 shape 6: the group relative items were scored in.
    if let Some(g) = &c.group {
        lines.push(vec![
            text(format!("比较组：{}，哈希 ", words::group(g))),
            code(&g.sha256),
        ]);
    }
    lines.push(vec![text(format!(
        "引擎：{} {}",
        r.engine.name, r.engine.version
    ))]);
    d.blocks.push(Block::List(lines));

    let sm = &r.summary;
    d.heading(2, "总览");
    let mut t = Table::new(None, &[("项目", Kind::Text), ("结果", Kind::Points)]);
    t.row(vec![
        "总分".into(),
        Cell::Strong(Box::new(Cell::Text(format!("{} / {}", sm.total, sm.max)))),
    ]);
    t.row(vec!["指标得分".into(), sm.items_total.into()]);
    t.row(vec!["加分".into(), words::added(sm.bonus).into()]);
    t.row(vec!["扣分".into(), words::deducted(sm.penalty).into()]);
    t.row(vec![
        "数据覆盖率（有数据指标的分值占比）".into(),
        Cell::Percent(sm.coverage * 100.0),
    ]);
    t.row(vec![
        format!("已评分 / 无数据 / {}", words::RULE_ERROR).into(),
        format!("{} / {} / {}", sm.scored, sm.no_data, sm.errors).into(),
    ]);
    t.row(vec!["数据核对警告".into(), Cell::Count(sm.warnings as i64)]);
    d.table(t);
    d.para("总分 = 指标得分（各指标得分之和）+ 加分 − 扣分（指标、领域和总分上的扣分各计一次）。");
    if let Some(w) = r.ruleset.written_out_of {
        d.para(format!(
            "以满分{w}分进行考评，评分结果折算成百分制（满分{}分）：各项得分、加分、扣分均已折算。",
            sm.max
        ));
    }
    if let Some(a) = r.ruleset.additional_points {
        d.para(format!(
            "满分 {} = 各一级指标 {} + 附加项（加、扣分）{a}：加分合计至多计 {a} 分。",
            sm.max,
            sm.max - a
        ));
    }
    let triggered = triggered(r);
    let veto = if triggered.is_empty() {
        words::NOT_TRIGGERED.to_string()
    } else {
        format!("⚠ 已触发：{}", triggered.join("；"))
    };
    d.spans(vec![
        Span::Strong(words::VETO_KIND.into()),
        text(format!("：{veto}")),
    ]);
    let zeroed: Vec<String> = r
        .penalties
        .iter()
        .filter(|p| p.zeroed())
        .map(|p| format!("{}（{}）", p.name, p.detail))
        .collect();
    if !zeroed.is_empty() {
        d.spans(vec![
            Span::Strong(words::ZEROED.into()),
            text(format!("：⚠ {}", zeroed.join("；"))),
        ]);
    }
    for p in &sm.pass_lines {
        let outcome = if p.reached {
            format!("✓ {}", words::REACHED)
        } else {
            format!("✗ {}（{}）", words::NOT_REACHED, p.reasons.join("；"))
        };
        d.spans(vec![
            Span::Strong(p.name.clone()),
            text(format!("（{}分以上）：{outcome}", p.min_total)),
        ]);
    }
    if charts {
        let lines: Vec<PassMark> = sm
            .pass_lines
            .iter()
            .map(|p| PassMark {
                name: p.name.clone(),
                min_total: p.min_total.as_f64(),
                reached: p.reached,
            })
            .collect();
        d.blocks.extend(gauge(sm.total, sm.max, &lines));
    }

    d.heading(2, "各领域得分");
    let areas: Vec<_> = r.nodes.iter().filter(|n| n.level == 1).collect();
    if charts {
        d.blocks.push(areas_chart(
            areas
                .iter()
                .map(|n| HBar {
                    label: format!("{} {}", n.id, n.name),
                    values: vec![n.earned.as_f64()],
                    max: Some(n.max.as_f64()),
                    marker: None,
                    text: format!("{} / {}", n.earned, n.max),
                })
                .collect(),
            false,
        ));
    }
    d.table(areas_table(&areas));
    let rows: Vec<ItemRow> = r.items.iter().map(ItemRow::of).collect();
    if charts {
        let lost: Vec<_> = rows
            .iter()
            .map(|i| (format!("{} {}", i.id, i.name), i.lost, i.max))
            .collect();
        d.blocks.extend(lost_chart(&lost));
    }

    for area in &areas {
        d.heading(
            2,
            format!(
                "{}（得分 {} / {}，失分 {}）",
                crate::render::area_heading(area.id.as_str(), &area.name),
                area.earned,
                area.max,
                area.lost
            ),
        );
        if area.penalty > Points::ZERO {
            d.para(format!("本领域被扣分 {}（见扣分项）。", area.penalty));
        }
        d.table(area_items(&rows, area.id.as_str()));
        d.list(parts_lines(r, area));
    }

    if !r.bonuses.is_empty() || !r.penalties.is_empty() {
        d.heading(2, "加分与扣分");
        d.table(entries(r));
    }
    if let Some(t) = vetoes(r) {
        d.heading(2, "一票否决事项");
        d.table(t);
    }
    if let Some(t) = checks(r) {
        d.heading(2, "数据核对");
        d.table(t);
    }
    let notes: Vec<String> = r
        .items
        .iter()
        .flat_map(|i| {
            i.messages
                .iter()
                .map(move |m| format!("{}「{}」：{m}", i.id, i.name))
        })
        .collect();
    if !notes.is_empty() {
        d.heading(2, "规则提示");
        d.list(notes);
    }
    d
}

/// The names of the vetoes that fired.
pub fn triggered(r: &Report) -> Vec<&str> {
    r.vetoes
        .iter()
        .filter(|v| v.status == ConditionStatus::Triggered)
        .map(|v| v.name.as_str())
        .collect()
}

/// The provenance line of the data: its hash and the county's id.
fn data_line(r: &Report) -> Vec<Span> {
    let c = &r.county;
    vec![
        Span::Text("数据哈希：".into()),
        Span::Code(c.data_hash.clone()),
        Span::Text("（县 id ".into()),
        Span::Code(c.id.clone()),
        Span::Text("）".into()),
    ]
}

/// `earned` as a share of `max`, in percent (0 when `max` is 0).
fn share(earned: Points, max: Points) -> f64 {
    if max.milli() > 0 {
        earned.as_f64() / max.as_f64() * 100.0
    } else {
        0.0
    }
}

/// 各领域得分: every first-level area's points, lost points and share.
pub fn areas_table(areas: &[&crate::report::NodeScore]) -> Table {
    let mut t = Table::new(
        Some("各领域"),
        &super::points_columns("一级指标", &[("得分率", Kind::Percent)]),
    );
    for n in areas {
        let mut row = super::points_cells(n.id.as_str(), &n.name, n.earned, n.max, n.lost);
        row.push(Cell::Percent(share(n.earned, n.max)));
        t.row(row);
    }
    t
}

/// The items of the area `area` (rows from [`ItemRow::report_cells`]).
pub fn area_items(rows: &[ItemRow], area: &str) -> Table {
    let mut t = items_table();
    for i in rows.iter().filter(|i| i.area == area) {
        t.row(i.report_cells());
    }
    t
}

/// 一票否决事项: every veto and its outcome (`None` when the rule set has none).
pub fn vetoes(r: &Report) -> Option<Table> {
    if r.vetoes.is_empty() {
        return None;
    }
    let mut t = Table::new(
        Some("一票否决"),
        &[
            ("编号", Kind::Id),
            ("事项", Kind::Text),
            ("结果", Kind::Text),
        ],
    );
    for v in &r.vetoes {
        t.row(vec![
            v.id.to_string().into(),
            v.name.as_str().into(),
            words::condition(v.status, v.detail.as_deref()).into(),
        ]);
    }
    Some(t)
}

/// 数据核对: the data checks that found a problem or could not run (`None` when all agree).
pub fn checks(r: &Report) -> Option<Table> {
    let checks: Vec<_> = r
        .checks
        .iter()
        .filter(|c| c.status != ConditionStatus::Clear)
        .collect();
    if checks.is_empty() {
        return None;
    }
    let mut t = Table::new(
        Some("数据核对"),
        &[
            ("编号", Kind::Id),
            ("核对", Kind::Text),
            ("结果", Kind::Text),
            ("说明", Kind::Text),
        ],
    );
    for c in checks {
        t.row(vec![
            c.id.to_string().into(),
            c.name.as_str().into(),
            words::check(c.status).into(),
            c.detail.clone().into(),
        ]);
    }
    Some(t)
}

/// The empty table of a report's items (rows from [`ItemRow::report_cells`]).
pub fn items_table() -> Table {
    Table::new(
        None,
        &[
            ("编号", Kind::Id),
            ("指标", Kind::Text),
            ("得分", Kind::Points),
            ("满分", Kind::Points),
            ("失分", Kind::Lost),
            ("状态", Kind::Text),
            ("说明", Kind::Text),
        ],
    )
}

/// The items made of parts in an area, each as a line saying how its parts came out.
fn parts_lines(r: &Report, area: &crate::report::NodeScore) -> Vec<String> {
    r.nodes
        .iter()
        .filter_map(|n| {
            let p = n.parts?;
            let in_area = r
                .items
                .iter()
                .any(|i| i.parent == n.id && i.area == area.id);
            in_area.then(|| {
                format!(
                    "{}「{}」由{}个部分组成（上表中编号以 {}. 开头者）：{}，已评分{}部分、无数据{}部分{}；得{}分，满分{}分。",
                    n.id,
                    n.name,
                    p.parts,
                    n.id,
                    p.status_zh(),
                    p.scored,
                    p.no_data,
                    if p.errors > 0 {
                        format!("、{}{}部分", words::RULE_ERROR, p.errors)
                    } else {
                        String::new()
                    },
                    n.earned,
                    n.max
                )
            })
        })
        .collect()
}

/// 加分与扣分: every bonus (`+3`), the cap's trim when the bonuses exceed it (`bonus_cap`
/// 加分上限 `−2`), every penalty and zeroing entry as charged (`−4`), each with what it applies
/// to and why. The rows add up: Σ 计入 = 加分 − 扣分 of the overview.
pub fn entries(r: &Report) -> Table {
    let mut t = Table::new(
        Some("加分扣分"),
        &[
            ("编号", Kind::Id),
            ("项目", Kind::Text),
            ("类型", Kind::Text),
            ("计入", Kind::Signed),
            ("说明", Kind::Text),
        ],
    );
    for b in &r.bonuses {
        t.row(vec![
            b.id.to_string().into(),
            b.name.as_str().into(),
            words::BONUS.into(),
            b.points.into(),
            words::detail(b.status, &b.detail).into(),
        ]);
    }
    let sum: Points = r.bonuses.iter().map(|b| b.points).sum();
    if sum > r.summary.bonus {
        t.row(vec![
            "bonus_cap".into(),
            words::BONUS_CAP.into(),
            words::BONUS_CAP.into(),
            (r.summary.bonus - sum).into(),
            words::cap_trim(sum, r.summary.bonus).into(),
        ]);
    }
    for p in &r.penalties {
        let kind = if p.zeroing.is_some() {
            words::ZEROED
        } else {
            words::PENALTY
        };
        let mut why = words::detail(p.status, &p.detail);
        if p.zeroing.is_none() {
            if let Some(c) = words::computed_charged(p.raw, p.points) {
                why = format!("{why}（{c}）");
            }
        }
        t.row(vec![
            p.id.to_string().into(),
            p.name.as_str().into(),
            format!(
                "{kind}（{}）",
                words::target(p.applies_to.as_ref().map(|a| a.as_str()))
            )
            .into(),
            (Points::ZERO - p.points).into(),
            why.into(),
        ]);
    }
    t
}

/// The total against every pass line (nothing when there is none).
pub(crate) fn gauge(total: Points, max: Points, lines: &[PassMark]) -> Option<Block> {
    (!lines.is_empty()).then(|| Block::Chart {
        svg: svg::pass_gauge("距达标线", total.as_f64(), max.as_f64(), lines),
        caption: "图：总分与各达标线（虚线：未达到；实线：已达到）".into(),
    })
}

/// The areas chart: earned on the track of the maximum, the peers' median as a marker.
pub(crate) fn areas_chart(rows: Vec<HBar>, peers: bool) -> Block {
    Block::Chart {
        svg: svg::hbars(&HBarChart {
            title: "各一级指标得分",
            note: if peers {
                "条：本县得分；浅灰底：满分；黑线：同组中位数（单位：分）"
            } else {
                "条：本县得分；浅灰底：满分（单位：分）"
            },
            series: &["本县得分"],
            marker: peers.then_some("同组中位数"),
            track: Some("满分"),
            rows: &rows,
        }),
        caption: "图：各一级指标得分与满分（数值见下表）".into(),
    }
}

/// The items that lost most (at most ten): lost points on the track of the item's maximum.
/// `items` are (label, lost, max).
pub(crate) fn lost_chart(items: &[(String, Points, Points)]) -> Option<Block> {
    let mut items: Vec<&(String, Points, Points)> =
        items.iter().filter(|i| i.1 > Points::ZERO).collect();
    if items.is_empty() {
        return None;
    }
    items.sort_by_key(|i| std::cmp::Reverse(i.1));
    let rows: Vec<HBar> = items
        .iter()
        .take(10)
        .map(|(label, lost, max)| HBar {
            label: label.clone(),
            values: vec![lost.as_f64()],
            max: Some(max.as_f64()),
            marker: None,
            text: format!("失 {lost} / {max}"),
        })
        .collect();
    Some(Block::Chart {
        svg: svg::hbars(&HBarChart {
            title: "失分最多的指标",
            note: "条：失分；浅灰底：该指标满分（单位：分）",
            series: &["失分"],
            marker: None,
            track: Some("该指标满分"),
            rows: &rows,
        }),
        caption: format!("图：失分最多的 {} 项指标（全部失分见下文表格）", rows.len()),
    })
}

/// The sheets of a workbook of many reports that have no place in one county's document:
/// 总表 (one row per county), 明细 (every item with its inputs), 失分 (the items that lost
/// points, with their 佐证材料), 数据来源 (every value read, with its source and quote).
pub fn batch_tables(reports: &[Report]) -> (Vec<Table>, Table) {
    let mut total = Table::of_counties(
        "总表",
        &[
            ("省份", Kind::Text),
            ("年度", Kind::Count),
            ("总分", Kind::Points),
            ("满分", Kind::Points),
            ("指标得分", Kind::Points),
            ("加分", Kind::Points),
            ("扣分", Kind::Points),
            (words::VETO_KIND, Kind::Text),
            ("数据覆盖率", Kind::Percent),
            ("已评分", Kind::Count),
            ("无数据", Kind::Count),
            (words::RULE_ERROR, Kind::Count),
            ("达到的达标线", Kind::Text),
            ("数据 sha256", Kind::Text),
            ("数据文件", Kind::Text),
        ],
    );
    let mut detail = Table::of_counties(
        "明细",
        &[
            ("一级指标", Kind::Id),
            ("指标编号", Kind::Id),
            ("指标", Kind::Text),
            ("满分", Kind::Points),
            ("得分", Kind::Points),
            ("失分", Kind::Points),
            ("状态", Kind::Text),
            ("输入", Kind::Text),
            ("说明", Kind::Text),
        ],
    );
    let mut lost = Table::of_counties(
        "失分",
        &super::item_columns(&[
            ("状态", Kind::Text),
            ("说明", Kind::Text),
            ("佐证材料", Kind::Text),
        ]),
    );
    let mut sources = Table::of_counties(
        crate::sheet::SOURCES_SHEET,
        &[
            ("指标编号", Kind::Id),
            ("字段", Kind::Text),
            ("取值", Kind::Text),
            ("来源", Kind::Text),
            ("原文", Kind::Text),
            ("说明", Kind::Text),
        ],
    );
    for r in reports {
        let c = &r.county;
        let s = &r.summary;
        let reached: Vec<&str> = s
            .pass_lines
            .iter()
            .filter(|p| p.reached)
            .map(|p| p.name.as_str())
            .collect();
        let id = || Cell::from(c.id.as_str());
        let name = || Cell::from(c.name.as_str());
        total.row(vec![
            id(),
            name(),
            c.province.clone().into(),
            c.year.map_or(Cell::Empty, |y| Cell::Count(i64::from(y))),
            s.total.into(),
            s.max.into(),
            s.items_total.into(),
            s.bonus.into(),
            s.penalty.into(),
            words::yes_no(s.vetoed).into(),
            Cell::Percent(s.coverage * 100.0),
            Cell::Count(s.scored as i64),
            Cell::Count(s.no_data as i64),
            Cell::Count(s.errors as i64),
            reached.join("、").into(),
            c.data_hash.as_str().into(),
            c.source.clone().into(),
        ]);
        for item in r.items.iter().map(ItemRow::of) {
            detail.row(vec![
                id(),
                name(),
                item.area.as_str().into(),
                item.id.as_str().into(),
                item.name.as_str().into(),
                item.max.into(),
                item.earned.into(),
                item.lost.into(),
                item.status.into(),
                item.inputs.join("\n").into(),
                item.explanation.as_str().into(),
            ]);
            if item.lost > Points::ZERO {
                lost.row(vec![
                    id(),
                    name(),
                    item.id.as_str().into(),
                    item.name.as_str().into(),
                    item.max.into(),
                    item.earned.into(),
                    item.lost.into(),
                    item.status.into(),
                    item.explanation.as_str().into(),
                    item.evidence.join("；").into(),
                ]);
            }
            for v in &item.data {
                sources.row(vec![
                    id(),
                    name(),
                    item.id.as_str().into(),
                    v.field.as_str().into(),
                    v.value.as_str().into(),
                    v.source.clone().into(),
                    v.quote.clone().into(),
                    v.note.clone().into(),
                ]);
            }
        }
    }
    (vec![total, detail, lost], sources)
}
