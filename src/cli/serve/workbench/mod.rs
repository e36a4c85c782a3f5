//! The workbench: one page at `/` (HTML, JS and CSS compiled into the binary, nothing from
//! another host) and the JSON routes under `/api/workbench/` it talks to. Every route sits under
//! the same limits as the JSON API (body size, time, concurrency, request ids, log lines).
//!
//! The page's data sets are files kept by the server ([`store`]); everything else is computed
//! from them and the served rule sets by the library's own analyses and renderers (the rank,
//! score, gap, diff and uncertainty documents, the workbooks and the Word report).

pub mod matrix;
pub mod store;

use super::error::ApiError;
use super::routes::{blocking, body_text, ruleset};
use super::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use fazhi::analyse::gap::{GapAnalysis, GapSummary, PlanOptions};
use fazhi::analyse::policy::uncertainty::{self, LevelNoise, Settings};
use fazhi::analyse::policy::weights::{Scenario, Weights};
use fazhi::{RuleSet, RuleSource};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

type Shared = Arc<AppState>;

/// The page, its script and its style sheet, as compiled in.
pub const INDEX_HTML: &str = include_str!("assets/index.html");
/// The page's script.
pub const APP_JS: &str = include_str!("assets/app.js");
/// The page's style sheet.
pub const APP_CSS: &str = include_str!("assets/app.css");

/// The workbench's routes (state: the server's).
pub fn router() -> Router<Shared> {
    Router::new()
        .route("/", get(index))
        .route("/workbench/app.js", get(app_js))
        .route("/workbench/app.css", get(app_css))
        .route("/api/workbench", get(about))
        .route("/api/workbench/rulesets/{id}", get(ruleset_detail))
        .route("/api/workbench/rulesets/{id}/template", get(template))
        .route("/api/workbench/rulesets/{id}/scenario", post(scenario))
        .route("/api/workbench/datasets", post(create_dataset))
        .route("/api/workbench/datasets/{d}/files/{name}", put(add_file))
        .route("/api/workbench/datasets/{d}/ranking", get(ranking))
        .route(
            "/api/workbench/datasets/{d}/ranking/download",
            get(ranking_download),
        )
        .route("/api/workbench/datasets/{d}/gaps", get(gap_summary))
        .route("/api/workbench/datasets/{d}/counties/{cid}", get(county))
        .route(
            "/api/workbench/datasets/{d}/uncertainty",
            post(rank_intervals),
        )
        .route("/api/workbench/diff", get(diff))
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

async fn index() -> Response {
    asset("text/html; charset=utf-8", INDEX_HTML)
}

async fn app_js() -> Response {
    asset("text/javascript; charset=utf-8", APP_JS)
}

async fn app_css() -> Response {
    asset("text/css; charset=utf-8", APP_CSS)
}

/// What the page shows before anything is loaded: the built-in rule set's id and the server's
/// bounds, each with the flag that raises it.
async fn about(State(state): State<Shared>) -> Result<Json<Value>, ApiError> {
    let builtin = RuleSet::builtin()?;
    Ok(Json(json!({
        "builtin": builtin.id(),
        "limits": {
            "body_limit": state.body_limit,
            "max_counties": state.max_counties,
            "max_draws": state.max_draws,
            "workbench_datasets": state.workbench_datasets,
            "timeout_seconds": state.timeout.as_secs_f64(),
        },
    })))
}

/// A download: bytes with their type and a file name (RFC 5987, UTF-8).
fn download(content_type: &str, file: &str, bytes: Vec<u8>) -> Response {
    let encoded: String = file
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"download\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response()
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

fn workbook(bytes: fazhi::Result<Vec<u8>>) -> Result<Vec<u8>, ApiError> {
    bytes.map_err(|e| ApiError::Internal(format!("the workbook could not be written: {e}")))
}

/// The rule set as the rule-set page shows it: the JSON of `GET /rulesets/{id}`, the fields each
/// item reads included, plus lint's findings and the rule set's tests (`tests/` beside a served
/// folder; the built-in rule set's tests live in the source tree, not in the binary).
async fn ruleset_detail(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let rules = ruleset(&state, &id)?;
    let dir = state.sources.get(&id).cloned().flatten();
    let out = blocking(&state, move |_| {
        let source = match &dir {
            Some(d) => RuleSource::from_dir(d)?,
            None => RuleSet::builtin_source(),
        };
        let lint = RuleSet::lint(&source);
        let tests = match &dir {
            Some(d) => match fazhi::ruletests::run(&rules, d) {
                Ok(run) => json!({"cases": run.cases, "passed": run.passed()}),
                Err(e) => json!({"error": e.to_string()}),
            },
            None => json!({"note": "内置规则集的测试在源码的 indicators/national-2021/tests/ 中（fazhi test indicators/national-2021）；以 --rules 启动的规则集在此运行其 tests/"}),
        };
        Ok(json!({
            "id": rules.id(),
            "title": rules.title(),
            "version": rules.version(),
            "hash": rules.hash(),
            "total_points": rules.total_points(),
            "tree": rules.nodes(),
            "dictionary": rules.fields(),
            "vetoes": rules.vetoes(),
            "bonuses": rules.bonuses(),
            "penalties": rules.penalties(),
            "pass_lines": rules.pass_lines(),
            "lint": lint.0,
            "tests": tests,
            "served_from": dir.map(|d| d.display().to_string()),
        }))
    })
    .await?;
    Ok(Json(out))
}

/// The 台账 template of the rule set's dictionary (`fazhi template`'s workbook).
async fn template(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let rules = ruleset(&state, &id)?;
    let name = format!("{}-台账模板.xlsx", rules.id());
    let bytes = blocking(&state, move |_| {
        workbook(fazhi::render::xlsx::template(&rules, &[]))
    })
    .await?;
    Ok(download(XLSX, &name, bytes))
}

/// A weighting from the page: points per first-level area and pass lines' minimum totals.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Weighting {
    #[serde(default = "default_scenario_id")]
    id: String,
    #[serde(default = "default_scenario_name")]
    name: String,
    #[serde(default)]
    points: BTreeMap<String, f64>,
    #[serde(default)]
    pass_lines: BTreeMap<String, f64>,
}

fn default_scenario_id() -> String {
    "workbench".into()
}

fn default_scenario_name() -> String {
    "工作台权重情景".into()
}

/// The scenario file (YAML) of a weighting, checked by the library as `fazhi whatif` reads it.
fn scenario_yaml(rules: &RuleSet, w: &Weighting) -> Result<String, ApiError> {
    let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut y = format!(
        "# 由 fazhi 工作台保存：fazhi whatif --scenario 本文件 数据…\nid: {}\nname: {}\n",
        q(&w.id),
        q(&w.name)
    );
    if !w.points.is_empty() {
        y.push_str("points:\n");
        for (id, p) in &w.points {
            y.push_str(&format!("  {}: {}\n", q(id), milli(*p)?));
        }
    }
    if !w.pass_lines.is_empty() {
        y.push_str("pass_lines:\n");
        for (id, p) in &w.pass_lines {
            y.push_str(&format!("  {}: {{ min_total: {} }}\n", q(id), milli(*p)?));
        }
    }
    Scenario::from_str("scenario.yaml", &y, rules)?;
    Ok(y)
}

/// Points rounded to thousandths, as a scenario file writes them.
fn milli(p: f64) -> Result<String, ApiError> {
    if !p.is_finite() || !(0.0..=1e9).contains(&p) {
        return Err(ApiError::BadRequest(format!(
            "points must be a number from 0 to 1e9, not {p}"
        )));
    }
    Ok(fazhi::Points::from_f64(p).to_string())
}

async fn scenario(
    State(state): State<Shared>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let rules = ruleset(&state, &id)?;
    let text = body_text(&state, body)?;
    let w: Weighting = serde_json::from_str(&text).map_err(|e| {
        ApiError::BadRequest(format!(
            "send {{\"id\", \"name\", \"points\": {{area id: points}}, \"pass_lines\": {{id: min_total}}}}: {e}"
        ))
    })?;
    let yaml = scenario_yaml(&rules, &w)?;
    Ok(download(
        "application/yaml; charset=utf-8",
        &format!("{}.yaml", w.id),
        yaml.into_bytes(),
    ))
}

async fn create_dataset(State(state): State<Shared>) -> Result<Json<Value>, ApiError> {
    let id = state
        .workbench
        .create()
        .map_err(|e| ApiError::Internal(format!("cannot make the data set's folder: {e}")))?;
    Ok(Json(json!({ "id": id })))
}

fn dataset(state: &AppState, d: &str) -> Result<Arc<store::Dataset>, ApiError> {
    state.workbench.get(d).ok_or_else(|| {
        ApiError::Gone(format!(
            "no data set `{d}`: the server keeps the last {} data sets (--workbench-datasets) and none across restarts; load the files again",
            state.workbench_datasets
        ))
    })
}

async fn add_file(
    State(state): State<Shared>,
    Path((d, name)): Path<(String, String)>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let set = dataset(&state, &d)?;
    let Some(name) = store::safe_name(&name) else {
        return Err(ApiError::BadRequest(format!(
            "`{name}`: the workbench reads county files (.yaml, .yml, .json) and county tables (.xlsx, .xlsm, .csv)"
        )));
    };
    let bytes = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge(state.body_limit)
        } else {
            ApiError::BadRequest(format!("cannot read the file: {r}"))
        }
    })?;
    let files = set
        .add(&name, &bytes, state.max_counties)
        .map_err(ApiError::BadRequest)?;
    Ok(Json(json!({ "name": name, "files": files })))
}

#[derive(Deserialize)]
struct RulesQuery {
    ruleset: Option<String>,
    format: Option<String>,
}

/// The rule set a query names (default: the built-in one).
fn query_rules(state: &AppState, q: &RulesQuery) -> Result<Arc<RuleSet>, ApiError> {
    match &q.ruleset {
        Some(id) => ruleset(state, id),
        None => RuleSet::builtin()
            .map_err(ApiError::from)
            .and_then(|b| ruleset(state, b.id())),
    }
}

/// The data set read under a rule set, on the blocking pool.
async fn loaded(
    state: &Shared,
    set: Arc<store::Dataset>,
    rules: Arc<RuleSet>,
) -> Result<Arc<store::Loaded>, ApiError> {
    let max = state.max_counties;
    blocking(state, move |cancel| {
        set.load(&rules, max, cancel).map_err(ApiError::BadRequest)
    })
    .await
}

/// The data set `d` read under the rule set the query names, and that rule set.
async fn read(
    state: &Shared,
    d: &str,
    q: &RulesQuery,
) -> Result<(Arc<store::Loaded>, Arc<RuleSet>), ApiError> {
    let set = dataset(state, d)?;
    let rules = query_rules(state, q)?;
    Ok((loaded(state, set, rules.clone()).await?, rules))
}

/// The ranking page's data: the rows, the files and rows that could not be read (each with its
/// error), the areas, the pass lines, the distribution chart and the weighting matrix.
async fn ranking(
    State(state): State<Shared>,
    Path(d): Path<String>,
    Query(q): Query<RulesQuery>,
) -> Result<Json<Value>, ApiError> {
    let names = dataset(&state, &d)?.names();
    let (l, rules) = read(&state, &d, &q).await?;
    let r = &l.ranking;
    let totals: Vec<f64> = r.rows.iter().map(|x| x.total.as_f64()).collect();
    let markers: Vec<(String, f64)> = rules
        .pass_lines()
        .iter()
        .map(|p| (p.name.clone(), p.min_total.as_f64()))
        .collect();
    let chart = fazhi::render::svg::histogram("总分分布", "", &totals, &markers, "总分");
    let nominal = Weights::nominal(&rules);
    let area_points: Vec<f64> = matrix::areas(&rules)
        .iter()
        .map(|&i| rules.nodes()[i].points.as_f64())
        .collect();
    Ok(Json(json!({
        "ruleset": rules.id(),
        "files": names,
        "areas": r.areas,
        "area_points": area_points,
        "rows": r.rows,
        "failures": r.failures,
        "rules_in_error": r.rules_in_error,
        "pass_lines": nominal.pass_lines,
        "distribution_svg": chart,
        "matrix": l.matrix,
    })))
}

async fn ranking_download(
    State(state): State<Shared>,
    Path(d): Path<String>,
    Query(q): Query<RulesQuery>,
) -> Result<Response, ApiError> {
    let (l, rules) = read(&state, &d, &q).await?;
    let format = q.format.as_deref().unwrap_or("xlsx").to_string();
    let base = format!("{}-排名", rules.id());
    blocking(&state, move |_| {
        let r = &l.ranking;
        Ok(match format.as_str() {
            "xlsx" => download(
                XLSX,
                &format!("{base}.xlsx"),
                workbook(fazhi::render::xlsx::rank(r))?,
            ),
            "csv" => download(
                "text/csv; charset=utf-8",
                &format!("{base}.csv"),
                fazhi::render::rank_csv(r).into_bytes(),
            ),
            "html" => download(
                "text/html; charset=utf-8",
                &format!("{base}.html"),
                fazhi::render::html::rank_html(r, rules.pass_lines()).into_bytes(),
            ),
            "json" => download(
                "application/json",
                &format!("{base}.json"),
                fazhi::render::to_json(r).into_bytes(),
            ),
            other => {
                return Err(ApiError::BadRequest(format!(
                    "format `{other}`: a ranking downloads as xlsx, csv, html or json"
                )))
            }
        })
    })
    .await
}

/// The batch gap summary (per entry: counties that lost points there, points lost, plans through
/// it), with each county's plan solver limited to a second per pass line.
async fn gap_summary(
    State(state): State<Shared>,
    Path(d): Path<String>,
    Query(q): Query<RulesQuery>,
) -> Result<Json<Value>, ApiError> {
    let (l, rules) = read(&state, &d, &q).await?;
    let out = blocking(&state, move |_| {
        let data: Vec<fazhi::CountyData> = l.counties.iter().map(|(c, _)| c.clone()).collect();
        let opts = PlanOptions {
            time_limit: Duration::from_secs(1),
            ..PlanOptions::default()
        };
        let gaps: Vec<GapAnalysis> = GapAnalysis::for_counties(&rules, &data, &opts)
            .into_iter()
            .map(|(_, g)| g)
            .collect();
        Ok(serde_json::to_value(GapSummary::new(&gaps)).unwrap_or(Value::Null))
    })
    .await?;
    Ok(Json(out))
}

/// One county: its report and gap plan as the HTML report writer gives them (`format` absent or
/// `view`: both pages as JSON strings), or a download as docx, xlsx, html or json.
async fn county(
    State(state): State<Shared>,
    Path((d, cid)): Path<(String, String)>,
    Query(q): Query<RulesQuery>,
) -> Result<Response, ApiError> {
    let (l, rules) = read(&state, &d, &q).await?;
    let format = q.format.clone().unwrap_or_else(|| "view".into());
    blocking(&state, move |_| {
        let Some((data, input)) = l.counties.iter().find(|(c, _)| c.info().id == cid) else {
            return Err(ApiError::Gone(format!(
                "no county `{cid}` in this data set under rule set `{}`",
                rules.id()
            )));
        };
        let mut report = rules.score(data);
        report.county.source = Some(input.path.clone());
        let base = format!("{}-{}", data.info().id, data.info().name);
        let gap = || GapAnalysis::from_report(&rules, data, &report).map_err(ApiError::from);
        Ok(match format.as_str() {
            "view" => Json(json!({
                "id": cid,
                "total": report.summary.total,
                "report_html": fazhi::render::html::score_html(std::slice::from_ref(&report)),
                "gap_html": fazhi::render::html::gap_html(&[gap()?]),
            }))
            .into_response(),
            "json" => download(
                "application/json",
                &format!("{base}.json"),
                fazhi::render::json(&report).into_bytes(),
            ),
            "html" => download(
                "text/html; charset=utf-8",
                &format!("{base}.html"),
                fazhi::render::html::score_html(std::slice::from_ref(&report)).into_bytes(),
            ),
            "xlsx" => download(
                XLSX,
                &format!("{base}.xlsx"),
                workbook(fazhi::render::xlsx::score(std::slice::from_ref(&report)))?,
            ),
            "docx" => {
                let g = gap()?;
                let bytes = fazhi::render::docx::evaluation_docx(&[(report, g)]).map_err(|e| {
                    ApiError::Internal(format!("the Word report could not be written: {e}"))
                })?;
                download(DOCX, &format!("{base}.docx"), bytes)
            }
            other => {
                return Err(ApiError::BadRequest(format!(
                    "format `{other}`: a county downloads as docx, xlsx, html or json"
                )))
            }
        })
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IntervalsRequest {
    #[serde(default)]
    ruleset: Option<String>,
    /// The weighting to start from (default: the rule set's).
    #[serde(default)]
    weighting: Option<Weighting>,
    /// Monte Carlo draws.
    #[serde(default = "default_runs")]
    runs: usize,
    /// The factor noise on the first-level areas (0 ≤ f < 1).
    #[serde(default = "default_noise")]
    noise: f64,
}

fn default_runs() -> usize {
    1000
}

fn default_noise() -> f64 {
    0.25
}

/// Monte Carlo rank intervals (the `fazhi uncertainty` analysis, seed 1, factor noise on the
/// first-level areas), at most `--max-draws` draws.
async fn rank_intervals(
    State(state): State<Shared>,
    Path(d): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let set = dataset(&state, &d)?;
    let text = body_text(&state, body)?;
    let req: IntervalsRequest = serde_json::from_str(&text).map_err(|e| {
        ApiError::BadRequest(format!(
            "send {{\"ruleset\", \"weighting\", \"runs\", \"noise\"}}: {e}"
        ))
    })?;
    if req.runs > state.max_draws {
        return Err(ApiError::BadRequest(format!(
            "{} draws asked for; the server runs at most {} (start it with a larger --max-draws)",
            req.runs, state.max_draws
        )));
    }
    if !(0.0..1.0).contains(&req.noise) {
        return Err(ApiError::BadRequest(format!(
            "noise {}: a factor noise lies in [0, 1)",
            req.noise
        )));
    }
    let rules = query_rules(
        &state,
        &RulesQuery {
            ruleset: req.ruleset.clone(),
            format: None,
        },
    )?;
    let l = loaded(&state, set, rules.clone()).await?;
    let out = blocking(&state, move |_| {
        let start = match &req.weighting {
            Some(w) => {
                Scenario::from_str("scenario.yaml", &scenario_yaml(&rules, w)?, &rules)?.weights
            }
            None => Weights::nominal(&rules),
        };
        let settings = Settings {
            noise: [(1, LevelNoise::Factor(req.noise))].into(),
            runs: req.runs,
            seed: 1,
            sensitivity: None,
            float_total: false,
        };
        // Evaluated again here (not kept with the data set: see store::Loaded).
        let data: Vec<fazhi::CountyData> = l.counties.iter().map(|(c, _)| c.clone()).collect();
        let batch = fazhi::analyse::policy::scores::Batch::evaluate(&rules, &data);
        let u = uncertainty::analyse(&rules, &batch, &start, &settings)?;
        Ok(json!({
            "svg": fazhi::render::svg::rank_intervals(&u),
            "analysis": u,
        }))
    })
    .await?;
    Ok(Json(out))
}

#[derive(Deserialize)]
struct DiffQuery {
    old: String,
    new: String,
    dataset: Option<String>,
}

/// What changed between two served rule sets (the changelog), and with a data set every
/// county's old → new total with the items that explain it (`fazhi diff`'s document).
async fn diff(
    State(state): State<Shared>,
    Query(q): Query<DiffQuery>,
) -> Result<Json<Value>, ApiError> {
    let old = ruleset(&state, &q.old)?;
    let new = ruleset(&state, &q.new)?;
    let data = match &q.dataset {
        Some(d) => {
            let set = dataset(&state, d)?;
            Some((
                loaded(&state, set.clone(), old.clone()).await?,
                loaded(&state, set, new.clone()).await?,
            ))
        }
        None => None,
    };
    let out = blocking(&state, move |_| {
        use fazhi::analyse::change::diff;
        let d = match data {
            None => diff::diff_rules(&old, &new),
            Some((a, b)) => diff::diff_counties(
                &old,
                &new,
                a.counties.clone(),
                b.counties.clone(),
                a.failures.clone(),
                b.failures.clone(),
            ),
        };
        Ok(json!({
            "html": fazhi::render::html::diff_html(&d),
            "diff": serde_json::to_value(&d).unwrap_or(Value::Null),
        }))
    })
    .await?;
    Ok(Json(out))
}
