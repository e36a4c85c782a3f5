//! Excel workbooks (`--format xlsx`, `fazhi template`), written with rust_xlsxwriter: Chinese
//! headers, numbers as numbers, a frozen header row, columns as wide as their Chinese text
//! (unicode-width: a Chinese character counts two), and on every workbook a sheet `出处` with the
//! rule set (id, version, sha256) and the engine version, also stored as document properties.
//!
//! Every function returns the workbook's bytes; [`Error::Invalid`] when the writer refuses a
//! value (a sheet name or a cell text beyond Excel's limits).

use crate::analyse::change::diff::RuleSetDiff;
use crate::analyse::change::rank::Ranking;
use crate::analyse::gap::GapAnalysis;
use crate::analyse::policy::audit::Audit;
use crate::analyse::policy::whatif::WhatIf;
use crate::error::{Error, Result};
use crate::load::county::CountyData;
use crate::model::FieldType;
use crate::render::document::{Cell, Kind, Table};
use crate::render::words;
use crate::report::{EngineInfo, Report, RuleSetInfo};
use crate::sheet::{self, DOCUMENTS_SHEET, MAIN_SHEET, SOURCES_SHEET};
use crate::types::Points;
use crate::types::Value;
use crate::Bound;
use crate::RuleSet;
use rust_xlsxwriter::{
    DataValidation, DataValidationRule, DocProperties, Format, Formula, Workbook, Worksheet,
    XlsxError,
};
use unicode_width::UnicodeWidthStr;

fn err(e: XlsxError) -> Error {
    Error::Invalid(format!("cannot write the workbook: {e}"))
}

/// A cell to write.
#[derive(Debug, Clone)]
enum X {
    Text(String),
    Num(f64),
    Empty,
}

impl From<&str> for X {
    fn from(s: &str) -> X {
        X::Text(s.to_string())
    }
}
impl From<String> for X {
    fn from(s: String) -> X {
        X::Text(s)
    }
}
impl From<Points> for X {
    fn from(p: Points) -> X {
        X::Num(p.as_f64())
    }
}
impl From<usize> for X {
    fn from(n: usize) -> X {
        X::Num(n as f64)
    }
}
impl From<Option<String>> for X {
    fn from(s: Option<String>) -> X {
        s.map_or(X::Empty, X::Text)
    }
}

/// A sheet of a header row and rows of cells.
struct Sheet {
    name: String,
    header: Vec<String>,
    rows: Vec<Vec<X>>,
}

impl Sheet {
    fn new(name: &str, header: &[&str]) -> Sheet {
        Sheet {
            name: name.to_string(),
            header: header.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
        }
    }
}

fn text_width(s: &str) -> usize {
    s.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

/// The width of a column: its widest cell (Chinese characters count two), 6 to 60.
fn column_width(cells: impl Iterator<Item = usize>) -> f64 {
    (cells.max().unwrap_or(0) + 2).clamp(6, 60) as f64
}

/// The model table of a sheet built here.
fn as_table(s: &Sheet) -> Table {
    let cols: Vec<(&str, Kind)> = s.header.iter().map(|h| (h.as_str(), Kind::Text)).collect();
    let mut t = Table::new(None, &cols);
    for r in &s.rows {
        t.row(
            r.iter()
                .map(|c| match c {
                    X::Text(t) => Cell::Text(t.clone()),
                    X::Num(x) => Cell::Number(*x),
                    X::Empty => Cell::Empty,
                })
                .collect(),
        );
    }
    t
}

fn write_sheet(ws: &mut Worksheet, s: &Sheet) -> Result<(), XlsxError> {
    write_tables(ws, &s.name, &[&as_table(s)])
}

/// Writes `tables` on one sheet named `name`, one under the other (a blank row and its header
/// row before each after the first): headers bold, points, counts and percents as number cells
/// (percent cells formatted `0.0%`), multi-line text wrapped, the first header row frozen,
/// columns as wide as their text. Printed: A4, landscape when the columns are wider than a
/// portrait page, fitted to the page width, the header row repeated on every page.
pub(crate) fn write_tables(
    ws: &mut Worksheet,
    name: &str,
    tables: &[&Table],
) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let pct = Format::new().set_num_format("0.0%");
    let num = Format::new().set_num_format("General");
    let mut widths: Vec<usize> = Vec::new();
    let mut r: u32 = 0;
    for (k, t) in tables.iter().enumerate() {
        if k > 0 {
            r += 1;
        }
        for (c, col) in t.columns.iter().enumerate() {
            ws.write_string_with_format(r, c as u16, &col.title, &bold)?;
            grow(&mut widths, c, text_width(&col.title));
        }
        r += 1;
        for row in &t.rows {
            for (c, cell) in row.iter().enumerate() {
                let col = c as u16;
                let inner = match cell {
                    Cell::Strong(x) => x.as_ref(),
                    x => x,
                };
                let w = match inner {
                    Cell::Text(t) if t.contains('\n') => {
                        ws.write_string_with_format(r, col, t, &wrap)?;
                        text_width(t)
                    }
                    Cell::Text(t) => {
                        ws.write_string(r, col, t)?;
                        text_width(t)
                    }
                    Cell::Points(p) => {
                        ws.write_number_with_format(r, col, p.as_f64(), &num)?;
                        p.to_string().len() + 1
                    }
                    Cell::Number(x) | Cell::Fixed(x, _) => {
                        ws.write_number_with_format(r, col, *x, &num)?;
                        format!("{x}").len()
                    }
                    Cell::Count(n) => {
                        ws.write_number_with_format(r, col, *n as f64, &num)?;
                        n.to_string().len()
                    }
                    Cell::Percent(x) => {
                        ws.write_number_with_format(r, col, sheet::shift_decimal(*x, -2), &pct)?;
                        format!("{x}%").len()
                    }
                    Cell::Empty | Cell::Undefined | Cell::Strong(_) => 0,
                };
                grow(&mut widths, c, w);
            }
            r += 1;
        }
    }
    let mut total = 0.0;
    for (c, w) in widths.iter().enumerate() {
        let w = column_width(std::iter::once(*w));
        total += w;
        ws.set_column_width(c as u16, w)?;
    }
    ws.set_freeze_panes(1, 0)?;
    // A4 (paper size 9); a portrait page holds about 90 characters of width at 100%.
    ws.set_paper_size(9);
    if total > 90.0 {
        ws.set_landscape();
    }
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    Ok(())
}

fn grow(widths: &mut Vec<usize>, c: usize, w: usize) {
    if widths.len() <= c {
        widths.resize(c + 1, 0);
    }
    widths[c] = widths[c].max(w);
}

/// A workbook of model tables: the tables of one sheet name go to one sheet (in the order of
/// their first table), then the sheet 出处.
fn tables_workbook(tables: &[Table], o: &Origin) -> Result<Vec<u8>> {
    let mut sheets: Vec<(&str, Vec<&Table>)> = Vec::new();
    for t in tables {
        let name = t.sheet.unwrap_or("表");
        match sheets.iter_mut().find(|(n, _)| *n == name) {
            Some((_, v)) => v.push(t),
            None => sheets.push((name, vec![t])),
        }
    }
    let mut wb = Workbook::new();
    properties(&mut wb, o);
    for (name, ts) in &sheets {
        write_tables(wb.add_worksheet(), name, ts).map_err(err)?;
    }
    write_sheet(wb.add_worksheet(), &origin_sheet(o)).map_err(err)?;
    wb.save_to_buffer().map_err(err)
}

/// What every workbook says about where it comes from.
struct Origin<'a> {
    rulesets: Vec<(&'a str, &'a RuleSetInfo)>,
    engine: &'a EngineInfo,
    inputs: Vec<(String, String)>,
}

impl<'a> Origin<'a> {
    /// The origin of a workbook made with `rulesets` (role, rule set) by `engine` from the data
    /// files `inputs` (path and sha256).
    fn new(
        rulesets: Vec<(&'a str, &'a RuleSetInfo)>,
        engine: &'a EngineInfo,
        inputs: &[crate::report::InputFile],
    ) -> Origin<'a> {
        Origin {
            rulesets,
            engine,
            inputs: inputs
                .iter()
                .map(|i| (i.path.clone(), i.sha256.clone()))
                .collect(),
        }
    }
}

fn origin_sheet(o: &Origin) -> Sheet {
    let mut s = Sheet::new("出处", &["项目", "内容"]);
    for (role, rs) in &o.rulesets {
        s.rows
            .push(vec![format!("{role}规则集").into(), rs.id.as_str().into()]);
        s.rows.push(vec![
            format!("{role}规则集名称").into(),
            rs.title.as_str().into(),
        ]);
        s.rows.push(vec![
            format!("{role}规则集版本").into(),
            rs.version.as_str().into(),
        ]);
        s.rows.push(vec![
            format!("{role}规则集 sha256").into(),
            rs.hash.as_str().into(),
        ]);
    }
    s.rows.push(vec![
        "引擎".into(),
        format!("{} {}", o.engine.name, o.engine.version).into(),
    ]);
    for (path, sha) in &o.inputs {
        s.rows.push(vec![
            "数据文件".into(),
            format!("{path}（sha256 {sha}）").into(),
        ]);
    }
    s
}

fn properties(wb: &mut Workbook, o: &Origin) {
    let mut props = DocProperties::new().set_title("fazhi");
    for (role, rs) in &o.rulesets {
        let role = if role.is_empty() { "" } else { role };
        props = props
            .set_custom_property(format!("{role}ruleset"), rs.id.as_str())
            .set_custom_property(format!("{role}ruleset_version"), rs.version.as_str())
            .set_custom_property(format!("{role}ruleset_sha256"), rs.hash.as_str());
    }
    props = props.set_custom_property("engine", format!("{} {}", o.engine.name, o.engine.version));
    wb.set_properties(&props);
}

fn workbook(sheets: &[Sheet], o: &Origin) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    properties(&mut wb, o);
    for s in sheets {
        write_sheet(wb.add_worksheet(), s).map_err(err)?;
    }
    write_sheet(wb.add_worksheet(), &origin_sheet(o)).map_err(err)?;
    wb.save_to_buffer().map_err(err)
}

/// `fazhi score --format xlsx`: sheets 总表 (one row per county), 明细 (one row per item, with
/// its inputs and explanation), 失分 (the items that lost points), then every table of the
/// counties' reports ([`crate::render::compose::score::document`]) gathered by sheet: 各领域,
/// 加分扣分 (every bonus, the cap's trim, every penalty and zeroing entry as charged), 一票否决,
/// 数据核对, and 正文 (the report's sentences: veto, zeroing, pass lines and what blocks them);
/// then 数据来源 (every value read, with its source and quote), and 出处. Points are numbers,
/// coverage a percent cell.
///
/// # Errors
/// [`Error::Invalid`] when there is no report (a workbook needs its rule set) or the writer
/// refuses a value.
pub fn score(reports: &[Report]) -> Result<Vec<u8>> {
    use crate::render::compose::score;
    let Some(first) = reports.first() else {
        return Err(Error::Invalid("no report to write".into()));
    };
    let (mut tables, sources) = score::batch_tables(reports);
    let docs: Vec<_> = reports.iter().map(|r| score::document(r, false)).collect();
    tables.extend(crate::render::document::gather(&docs));
    tables.push(sources);
    let origin = Origin::new(vec![("", &first.ruleset)], &first.engine, &[]);
    tables_workbook(&tables, &origin)
}

/// `fazhi rank --format xlsx`: sheet 排名 (rank, county, total, pass level, veto, coverage and
/// each first-level area's points), 未能评分 when files failed, and 出处 with every data file's
/// sha256.
///
/// # Errors
/// [`Error::Invalid`] when the writer refuses a value.
pub fn rank(r: &Ranking) -> Result<Vec<u8>> {
    let doc = crate::render::compose::rank::document(r, None);
    let origin = Origin::new(
        vec![("", &r.provenance.ruleset)],
        &r.provenance.engine,
        &r.provenance.inputs,
    );
    tables_workbook(&crate::render::document::gather(&[doc]), &origin)
}

/// `fazhi gap --format xlsx`: the sheets of [`crate::render::compose::gap::document`] (差距,
/// 失分构成, 失分项, 扣分加分, 缺数据, 提升方案, and 汇总 for several counties), then 出处.
///
/// # Errors
/// [`Error::Invalid`] when there is no analysis or the writer refuses a value.
pub fn gap(analyses: &[GapAnalysis]) -> Result<Vec<u8>> {
    let Some(first) = analyses.first() else {
        return Err(Error::Invalid("no gap analysis to write".into()));
    };
    let doc = crate::render::compose::gap::document(analyses);
    let tables: Vec<Table> = doc.tables().cloned().collect();
    let origin = Origin::new(vec![("", &first.ruleset)], &first.engine, &[]);
    tables_workbook(&tables, &origin)
}

/// `fazhi diff --format xlsx`: sheets 规则变化 (every change between the rule sets), 得分变化
/// (every county's old and new total and rank), 变化来源 (each county's contributions by item,
/// bonus or penalty), 未能评分, and 出处 naming both rule sets.
///
/// # Errors
/// [`Error::Invalid`] when the writer refuses a value.
pub fn diff(d: &RuleSetDiff) -> Result<Vec<u8>> {
    let docs = crate::render::compose::diff::documents(d, false);
    let origin = Origin::new(vec![("原", &d.old), ("新", &d.new)], &d.engine, &d.inputs);
    tables_workbook(&crate::render::document::gather(&docs), &origin)
}

/// `fazhi whatif --format xlsx`: sheets 县 (every county's baseline and scenario total, rank and
/// pass line), 分值变化 (the nodes whose points change), 概要 (totals and rank correlations), and
/// 出处 with `rules`' id, version and sha256.
///
/// # Errors
/// [`Error::Invalid`] when the writer refuses a value.
pub fn whatif(w: &WhatIf, rules: &RuleSet) -> Result<Vec<u8>> {
    let mut summary = Sheet::new("概要", &["项目", "值"]);
    summary.rows.push(vec![
        "方案".into(),
        format!("{}（{}）", w.scenario_name, w.scenario).into(),
    ]);
    summary
        .rows
        .push(vec!["原满分".into(), w.total_points.0.into()]);
    summary
        .rows
        .push(vec!["方案满分".into(), w.total_points.1.into()]);
    if let Some(k) = w.adjust {
        summary
            .rows
            .push(vec!["加分、扣分、达标线折算倍数".into(), X::Num(k)]);
    }
    if let Some(c) = w.bonus_cap {
        summary.rows.push(vec!["加分上限（方案）".into(), c.into()]);
    }
    summary.rows.push(vec![
        "Spearman 秩相关".into(),
        w.spearman.map_or(X::Empty, X::Num),
    ]);
    summary.rows.push(vec![
        "Kendall tau-b".into(),
        w.kendall.map_or(X::Empty, X::Num),
    ]);
    summary
        .rows
        .push(vec!["达标等级变化的县".into(), w.level_changes.into()]);
    let mut counties = Sheet::new(
        "县",
        &[
            "编号",
            "名称",
            "一票否决",
            "原总分",
            "方案总分",
            "原名次",
            "方案名次",
            "名次上升",
            "原达标线",
            "方案达标线",
        ],
    );
    // The level's name, 未达到 when none (as in the Markdown report).
    let level = |id: &Option<crate::types::IndicatorId>| {
        words::level(
            id.as_ref()
                .and_then(|id| w.pass_lines.iter().find(|p| &p.id == id))
                .map(|p| p.name.as_str()),
        )
    };
    for c in &w.counties {
        counties.rows.push(vec![
            c.id.as_str().into(),
            c.name.as_str().into(),
            words::veto_cell(c.vetoed).into(),
            c.baseline_total.into(),
            c.scenario_total.into(),
            X::Num(f64::from(c.baseline_rank)),
            X::Num(f64::from(c.scenario_rank)),
            X::Num(c.rank_gain as f64),
            level(&c.baseline_level).into(),
            level(&c.scenario_level).into(),
        ]);
    }
    let mut points = Sheet::new(
        "分值变化",
        &["编号", "名称", "层级", "原分值", "方案分值", "固定"],
    );
    for p in &w.points {
        points.rows.push(vec![
            p.id.to_string().into(),
            p.name.as_str().into(),
            p.level.into(),
            p.before.into(),
            p.after.into(),
            words::yes_no(p.pinned).into(),
        ]);
    }
    ruleset_workbook(&[summary, counties, points], rules)
}

/// A workbook of `sheets` whose 出处 names one rule set (and the engine), no data files.
fn ruleset_workbook(sheets: &[Sheet], rules: &RuleSet) -> Result<Vec<u8>> {
    let info = crate::scoring::batch::ruleset_info(rules);
    let engine = EngineInfo::current();
    let origin = Origin::new(vec![("", &info)], &engine, &[]);
    workbook(sheets, &origin)
}

/// `fazhi audit --format xlsx`: sheets 概要 (the findings), 三级指标 (every item's statistics and
/// flags), 一级指标 (points, Cronbach's alpha or why there is none, correlation with the total),
/// 相关矩阵 (the areas' correlations), 逐一剔除 (rank shifts without each area and item), 实际影响
/// (declared share, first-order effect, normalised effect, departure), and 出处 with `rules`' id,
/// version and sha256. Shares are percent cells; an undefined figure is an empty cell (with the
/// reason beside it where there is one).
///
/// # Errors
/// [`Error::Invalid`] when the writer refuses a value.
pub fn audit(a: &Audit, rules: &RuleSet) -> Result<Vec<u8>> {
    use crate::render::compose::audit as compose;
    let mut summary = Sheet::new("概要", &["发现"]);
    for f in crate::render::words::audit::findings(a) {
        summary.rows.push(vec![f.into()]);
    }
    // The sheets are the composed document's tables (the Markdown and HTML audits show the same).
    let items = compose::items_table(a);
    let info = crate::scoring::batch::ruleset_info(rules);
    let engine = EngineInfo::current();
    let origin = Origin::new(vec![("", &info)], &engine, &[]);
    let mut wb = Workbook::new();
    properties(&mut wb, &origin);
    write_sheet(wb.add_worksheet(), &summary).map_err(err)?;
    write_tables(wb.add_worksheet(), "三级指标", &[&items]).map_err(err)?;
    let areas = compose::areas_table(a);
    write_tables(wb.add_worksheet(), "一级指标", &[&areas]).map_err(err)?;
    let matrix = compose::matrix_table(a);
    write_tables(wb.add_worksheet(), "相关矩阵", &[&matrix]).map_err(err)?;
    let remove = compose::remove_one_table(a);
    write_tables(wb.add_worksheet(), "逐一剔除", &[&remove]).map_err(err)?;
    let influence = compose::influence_table(a);
    write_tables(wb.add_worksheet(), "实际影响", &[&influence]).map_err(err)?;
    write_sheet(wb.add_worksheet(), &origin_sheet(&origin)).map_err(err)?;
    wb.save_to_buffer().map_err(err)
}

fn type_zh(t: FieldType) -> &'static str {
    t.zh()
}

// issue 27 shape 5: records
/// The `案卷` sheet of a template, when the dictionary has a `type: records` field: 编号, 字段,
/// 序号, then every sub-field name (of all records fields, in name order); one row per record
/// of each county. `None` without records fields (the template is then as before).
fn records_sheet(rules: &RuleSet, counties: &[CountyData]) -> Option<Sheet> {
    let fields: Vec<_> = rules
        .fields()
        .iter()
        .filter(|(_, s)| s.ty == FieldType::Records)
        .collect();
    if fields.is_empty() {
        return None;
    }
    let names: std::collections::BTreeSet<&str> = fields
        .iter()
        .flat_map(|(_, s)| s.record_fields.iter().flat_map(|m| m.keys()))
        .map(String::as_str)
        .collect();
    let mut head = vec!["编号", "字段", "序号"];
    head.extend(names.iter().copied());
    let mut sheet = Sheet::new(sheet::RECORDS_SHEET, &head);
    for county in counties {
        for (path, _) in &fields {
            let Some(Value::Records(rs)) = county.values().get(*path).map(|d| &d.value) else {
                continue;
            };
            for (n, rec) in rs.iter().enumerate() {
                let mut row: Vec<X> = vec![
                    county.info().id.as_str().into(),
                    path.as_str().into(),
                    (n + 1).into(),
                ];
                row.extend(names.iter().map(|k| match rec.get(*k) {
                    None => X::Empty,
                    Some(Value::Int(i)) => X::Num(*i as f64),
                    Some(Value::Number(x)) => X::Num(*x),
                    Some(v) => X::Text(v.to_string()),
                }));
                sheet.rows.push(row);
            }
        }
    }
    Some(sheet)
}

/// `fazhi template`: the input workbook of a rule set's data dictionary, optionally filled with
/// counties (`counties` empty for a blank template).
///
/// Sheet `台账`: row 1 the Chinese headers (编号, 名称, 省份, 年度, 类别, 备注, then each field's
/// description with its unit, `（%）`), row 2 the field paths (what the reader goes by), rows
/// from 3 one county each; drop-down lists for booleans (是/否) and enums, whole-number
/// validation for counts, 0–100 % for percents (percent cells: typing 95 gives 95 %), range
/// validation where the dictionary gives a range, date validation for dates. Sheets `数据来源`
/// and `来源文件` hold provenance (filled from the counties), `字段说明` explains each field and
/// what reads it (items, 一票否决, 加分, 扣分, checks), `选项` the drop-down choices, `出处` the rule set.
///
/// A filled template read back with [`crate::sheet::read_table`] gives the same county data
/// (same data hash).
///
/// # Errors
/// [`Error::Invalid`] when the writer refuses a value.
pub fn template(rules: &RuleSet, counties: &[CountyData]) -> Result<Vec<u8>> {
    template_inner(rules, counties).map_err(err)
}

const COUNTY_HEAD: [(&str, &str); 6] = [
    ("编号", "id"),
    ("名称", "name"),
    ("省份", "province"),
    ("年度", "year"),
    ("类别", "kind"),
    ("备注", "note"),
];

fn template_inner(rules: &RuleSet, counties: &[CountyData]) -> Result<Vec<u8>, XlsxError> {
    let fields: Vec<_> = rules.fields().iter().collect();
    let mut wb = Workbook::new();
    let info = crate::scoring::batch::ruleset_info(rules);
    let engine = EngineInfo::current();
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("{} 数据台账", rules.title()))
            .set_custom_property("ruleset", info.id.as_str())
            .set_custom_property("ruleset_version", info.version.as_str())
            .set_custom_property("ruleset_sha256", info.hash.as_str())
            .set_custom_property("engine", format!("{} {}", engine.name, engine.version)),
    );
    let bold = Format::new().set_bold().set_text_wrap();
    let path_fmt = Format::new().set_font_color("#808080");
    let pct = Format::new().set_num_format("0.##%");
    let date = Format::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
    let text = Format::new().set_num_format("@");
    let n = COUNTY_HEAD.len();
    let last_row = 1 + counties.len().max(1000) as u32;

    // The choices for drop-down lists, one column per list on the sheet 选项.
    let mut choices: Vec<Vec<String>> = vec![vec!["是".into(), "否".into()]];
    let mut choice_col = std::collections::BTreeMap::new();
    for (path, spec) in &fields {
        if spec.ty == FieldType::Enum {
            if let Some(v) = &spec.values {
                choice_col.insert(path.as_str().to_string(), choices.len());
                choices.push(v.clone());
            }
        }
    }
    let readers = field_readers(rules);

    {
        let ws = wb.add_worksheet();
        ws.set_name(MAIN_SHEET)?;
        let mut widths: Vec<usize> = Vec::new();
        for (c, (zh, en)) in COUNTY_HEAD.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *zh, &bold)?;
            ws.write_string_with_format(1, c as u16, *en, &path_fmt)?;
            widths.push(zh.width().max(en.len()).max(12));
        }
        for (k, (path, spec)) in fields.iter().enumerate() {
            let c = (n + k) as u16;
            let unit = spec.unit_label();
            let head = if unit.is_empty() {
                spec.desc.clone()
            } else {
                format!("{}（{unit}）", spec.desc)
            };
            ws.write_string_with_format(0, c, &head, &bold)?;
            ws.write_string_with_format(1, c, path.as_str(), &path_fmt)?;
            // Headers wrap at about 24 columns; the path row sets the least width.
            widths.push(text_width(&head).min(24).max(path.as_str().len()));
            let (lo, hi) = spec.bounds();
            let read_by = readers
                .get(path.as_str())
                .map(|v| v.join("、"))
                .unwrap_or_default();
            let mut dv = match spec.ty {
                FieldType::Bool => {
                    DataValidation::new().allow_list_formula(Formula::new("=选项!$A$1:$A$2"))
                }
                FieldType::Enum => match choice_col.get(path.as_str()) {
                    Some(&col) => {
                        let letter = sheet::cell_name(0, col);
                        let letter = letter.trim_end_matches('1');
                        let len = choices[col].len();
                        DataValidation::new().allow_list_formula(Formula::new(format!(
                            "=选项!${letter}$1:${letter}${len}"
                        )))
                    }
                    None => DataValidation::new().allow_any_value(),
                },
                FieldType::Count => {
                    let lo = lo.unwrap_or(0.0).max(0.0).min(i32::MAX as f64) as i32;
                    match hi {
                        Some(hi) => DataValidation::new().allow_whole_number(
                            DataValidationRule::Between(lo, hi.min(i32::MAX as f64) as i32),
                        ),
                        None => DataValidation::new()
                            .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(lo)),
                    }
                }
                FieldType::Percent => {
                    DataValidation::new().allow_decimal_number(DataValidationRule::Between(
                        sheet::shift_decimal(lo.unwrap_or(0.0), -2),
                        sheet::shift_decimal(hi.unwrap_or(100.0), -2),
                    ))
                }
                FieldType::Number => match (lo, hi) {
                    (Some(a), Some(b)) => DataValidation::new()
                        .allow_decimal_number(DataValidationRule::Between(a, b)),
                    (Some(a), None) => DataValidation::new()
                        .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(a)),
                    (None, Some(b)) => DataValidation::new()
                        .allow_decimal_number(DataValidationRule::LessThanOrEqualTo(b)),
                    (None, None) => DataValidation::new().allow_any_value(),
                },
                // Any date cell: Excel's serial numbers are right from 1900-03-01 on.
                FieldType::Date => {
                    DataValidation::new().allow_date(DataValidationRule::GreaterThanOrEqualTo(
                        rust_xlsxwriter::ExcelDateTime::from_ymd(1900, 3, 1)?,
                    ))
                }
                FieldType::Text | FieldType::List | FieldType::Records => {
                    DataValidation::new().allow_any_value()
                }
            };
            let mut message = format!("{}：{}", type_zh(spec.ty), spec.desc);
            if let Some(v) = &spec.values {
                if spec.ty == FieldType::List {
                    message.push_str(&format!("。可填多项，用“、”分隔：{}", v.join("、")));
                }
            }
            if !read_by.is_empty() {
                message.push_str(&format!("。用于：{read_by}"));
            }
            // Excel caps the input message at 255 characters.
            let message: String = message.chars().take(250).collect();
            let title: String = path.as_str().chars().take(32).collect();
            dv = dv.set_input_title(title)?.set_input_message(message)?;
            ws.add_data_validation(2, c, last_row, c, &dv)?;
            match spec.ty {
                FieldType::Percent => {
                    ws.set_column_format(c, &pct)?;
                }
                FieldType::Date => {
                    ws.set_column_format(c, &date)?;
                }
                FieldType::Text | FieldType::Enum | FieldType::List => {
                    ws.set_column_format(c, &text)?;
                }
                _ => {}
            }
        }
        for (r, county) in counties.iter().enumerate() {
            let r = r as u32 + 2;
            let i = &county.info();
            ws.write_string(r, 0, &i.id)?;
            ws.write_string(r, 1, &i.name)?;
            if let Some(p) = &i.province {
                ws.write_string(r, 2, p)?;
            }
            if let Some(y) = i.year {
                ws.write_number(r, 3, f64::from(y))?;
            }
            if let Some(k) = &i.kind {
                ws.write_string(r, 4, k)?;
            }
            if let Some(note) = &i.note {
                ws.write_string(r, 5, note)?;
            }
            for (k, (path, spec)) in fields.iter().enumerate() {
                let c = (n + k) as u16;
                let Some(d) = county.values().get(*path) else {
                    continue;
                };
                match (&d.value, spec.ty) {
                    (Value::Bool(b), _) => {
                        ws.write_string(r, c, if *b { "是" } else { "否" })?;
                    }
                    (Value::Int(x), _) => {
                        ws.write_number(r, c, *x as f64)?;
                    }
                    (Value::Number(x), FieldType::Percent) => {
                        ws.write_number_with_format(r, c, sheet::shift_decimal(*x, -2), &pct)?;
                    }
                    (Value::Number(x), _) => {
                        ws.write_number(r, c, *x)?;
                    }
                    (Value::Text(t), FieldType::Date) => {
                        match sheet::parse_iso_date(t).and_then(sheet::date_serial) {
                            Some(serial) => ws.write_number_with_format(r, c, serial, &date)?,
                            None => ws.write_string(r, c, t)?,
                        };
                    }
                    (Value::Text(t), _) => {
                        ws.write_string_with_format(r, c, t, &text)?;
                    }
                    (Value::List(l), _) if l.is_empty() => {
                        ws.write_string_with_format(r, c, "（空）", &text)?;
                    }
                    (Value::List(l), _) => {
                        ws.write_string_with_format(r, c, l.join("、"), &text)?;
                    }
                    // issue 27 shape 5: records are written in the 案卷 sheet, one per row.
                    (Value::Records(_), _) => {}
                }
            }
        }
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, (*w + 2) as f64)?;
        }
        ws.set_freeze_panes(2, 2)?;
    }

    // 数据来源 and 来源文件: provenance of the counties' values.
    let mut sources = Sheet::new(
        SOURCES_SHEET,
        &["编号", "字段", "界限", "来源", "原文", "说明"],
    );
    let mut documents = Sheet::new(DOCUMENTS_SHEET, &["编号", "来源", "文件"]);
    for county in counties {
        let id = county.info().id.as_str();
        for (path, d) in county.values() {
            if d.bound == Bound::Exact
                && d.source.is_none()
                && d.quote.is_none()
                && d.note.is_none()
            {
                continue;
            }
            sources.rows.push(vec![
                id.into(),
                path.as_str().into(),
                match d.bound {
                    Bound::Exact => X::Empty,
                    Bound::Lower => "不少于".into(),
                    Bound::Upper => "不多于".into(),
                },
                d.source.as_deref().map(str::to_string).into(),
                d.quote.as_deref().map(str::to_string).into(),
                d.note.as_deref().map(str::to_string).into(),
            ]);
        }
        for (key, doc) in &county.info().sources {
            documents
                .rows
                .push(vec![id.into(), key.as_str().into(), doc.as_str().into()]);
        }
    }
    write_sheet(wb.add_worksheet(), &sources)?;
    write_sheet(wb.add_worksheet(), &documents)?;
    if let Some(records) = records_sheet(rules, counties) {
        write_sheet(wb.add_worksheet(), &records)?;
    }

    // 字段说明: each field and the items that read it.
    let mut explain = Sheet::new(
        sheet::FIELDS_SHEET,
        &[
            "字段",
            "说明",
            "类型",
            "单位",
            "取值范围",
            "可选值",
            "读取此字段的指标",
        ],
    );
    for (path, spec) in &fields {
        let (lo, hi) = spec.bounds();
        let range = match (lo, hi) {
            (Some(a), Some(b)) => format!("{a}–{b}"),
            (Some(a), None) => format!("≥{a}"),
            (None, Some(b)) => format!("≤{b}"),
            (None, None) => String::new(),
        };
        explain.rows.push(vec![
            path.as_str().into(),
            spec.desc.as_str().into(),
            type_zh(spec.ty).into(),
            spec.unit_label().into(),
            range.into(),
            spec.values.as_ref().map(|v| v.join("、")).into(),
            readers.get(path.as_str()).map(|v| v.join("\n")).into(),
        ]);
    }
    write_sheet(wb.add_worksheet(), &explain)?;

    // 选项: the drop-down lists.
    {
        let ws = wb.add_worksheet();
        ws.set_name(sheet::CHOICES_SHEET)?;
        for (c, list) in choices.iter().enumerate() {
            for (r, v) in list.iter().enumerate() {
                ws.write_string(r as u32, c as u16, v)?;
            }
        }
        ws.set_hidden(true);
    }
    write_sheet(
        wb.add_worksheet(),
        &origin_sheet(&Origin::new(vec![("", &info)], &engine, &[])),
    )?;
    wb.save_to_buffer()
}

/// For each field, what reads it: items (`1.2.3 名称`), vetoes (`一票否决 V1 名称`), bonuses
/// (加分), penalties (扣分) and data checks (核对), in rule-set order.
fn field_readers(rules: &RuleSet) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut out: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let mut add = |fields: &[crate::FieldPath], who: String| {
        for f in fields {
            out.entry(f.as_str().to_string())
                .or_default()
                .push(who.clone());
        }
    };
    for node in rules.items() {
        if let Some(leaf) = &node.leaf {
            add(&leaf.reads(), format!("{} {}", node.id, node.name));
        }
    }
    for v in rules.vetoes() {
        add(&v.inputs, format!("一票否决 {} {}", v.id, v.name));
    }
    for b in rules.bonuses() {
        add(&b.inputs, format!("加分 {} {}", b.id, b.name));
    }
    for p in rules.penalties() {
        add(&p.inputs, format!("扣分 {} {}", p.id, p.name));
    }
    for c in rules.checks() {
        add(&c.inputs, format!("核对 {} {}", c.id, c.name));
    }
    out
}
