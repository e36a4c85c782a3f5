//! Rankings, rule-set diffs, what-if comparisons and uncertainty analyses as HTML: the charts
//! (distribution of totals with the pass lines, movements, baseline against scenario, rank
//! intervals and Sobol indices) above the tables that carry every figure as text.

use super::{document, inputs_list, Prov, Section};
use crate::analyse::change::diff::RuleSetDiff;
use crate::analyse::change::rank::Ranking;
use crate::analyse::policy::uncertainty::Uncertainty;
use crate::analyse::policy::whatif::WhatIf;
use crate::model::PassLine;
use crate::report::Provenance;

/// A ranking as HTML: the distribution of totals with the rule set's `pass_lines` marked, then
/// the ranking table (sortable, with a filter box) and the data files' sha256.
///
/// ```
/// # let rules = fazhi::RuleSet::builtin().unwrap();
/// # let data = fazhi::CountyData::from_str("x.yaml", "county: {id: x, name: 某县}\ndata: {}\n", &rules).unwrap();
/// let ranking = fazhi::analyse::change::rank::rank_reports(&rules, vec![rules.score(&data)]);
/// let html = fazhi::render::html::rank_html(&ranking, rules.pass_lines());
/// assert!(html.contains("某县"));
/// ```
pub fn rank_html(r: &Ranking, pass_lines: &[PassLine]) -> String {
    let doc = crate::render::compose::rank::document(r, Some(pass_lines));
    let prov = Prov {
        p: &r.provenance,
        data_word: "数据文件",
    };
    let body = crate::render::write::html::body(&doc, &prov.block());
    document("法治政府建设评分排名", &[Section { prov, body }])
}

/// A rule-set diff as HTML: the counties' movements (points, as diverging bars), the changelog,
/// the county table and each county's terms.
///
/// ```
/// # let rules = fazhi::RuleSet::builtin().unwrap();
/// let d = fazhi::analyse::change::diff::diff_rules(&rules, &rules);
/// assert!(fazhi::render::html::diff_html(&d).contains("无结构变更"));
/// ```
pub fn diff_html(d: &RuleSetDiff) -> String {
    let (o, n) = (&d.old, &d.new);
    let title = format!(
        "规则集变更：{} {} → {} {}",
        o.id, o.version, n.id, n.version
    );
    // The page's provenance names the new rule set; the old one is in the page's 来源.
    let p = Provenance {
        ruleset: d.new.clone(),
        engine: d.engine.clone(),
        inputs: d.inputs.clone(),
    };
    let prov = Prov {
        p: &p,
        data_word: "数据文件",
    };
    let mut body = String::new();
    for (k, doc) in crate::render::compose::diff::documents(d, true)
        .iter()
        .enumerate()
    {
        let after = if k == 0 { prov.block() } else { String::new() };
        body.push_str(&crate::render::write::html::body(doc, &after));
    }
    document(&title, &[Section { prov, body }])
}

/// A what-if comparison as HTML: baseline against scenario totals (scatter), the largest rank
/// changes (diverging bars), then the tables. `prov` names the rule set, the engine and the
/// counties' data hashes (see [`crate::scoring::batch::provenance`]).
///
/// ```
/// # use fazhi::analyse::policy::{scores::Batch, weights::Scenario, whatif::WhatIf};
/// # let rules = fazhi::RuleSet::builtin()?;
/// # let county = fazhi::CountyData::from_str("x.yaml", "county: {id: x, name: 某县}\ndata: {}\n", &rules)?;
/// # let batch = Batch::evaluate(&rules, &[county]);
/// # let scenario = Scenario::from_str("s.yaml", "id: base\nname: 基准\n", &rules)?;
/// let w = WhatIf::compare(&rules, &batch, &scenario);
/// let prov = fazhi::scoring::batch::provenance(&rules, vec![]);
/// assert!(fazhi::render::html::whatif_html(&w, &prov).contains("某县"));
/// # Ok::<(), fazhi::Error>(())
/// ```
pub fn whatif_html(w: &WhatIf, prov: &Provenance) -> String {
    let doc = crate::render::compose::whatif::document(w, true);
    let title = format!("权重情景分析：{}（{}）", w.scenario_name, w.scenario);
    let prov = Prov {
        p: prov,
        data_word: "数据哈希",
    };
    let mut body = crate::render::write::html::body(&doc, &prov.block());
    body.push_str(&inputs_list(prov.p, "数据哈希"));
    document(&title, &[Section { prov, body }])
}

/// An uncertainty analysis as HTML: the rank intervals (the chart of
/// [`svg::rank_intervals`]), the Sobol indices as bars, then the tables. `prov` names the rule
/// set, the engine and the counties' data hashes.
///
/// ```
/// # use fazhi::analyse::policy::{scores::Batch, uncertainty::*, weights::Weights};
/// # let rules = fazhi::RuleSet::builtin()?;
/// # let county = fazhi::CountyData::from_str("x.yaml", "county: {id: x, name: 某县}\ndata: {}\n", &rules)?;
/// # let batch = Batch::evaluate(&rules, &[county]);
/// # let s = Settings { noise: Noise::new(), runs: 3, seed: 1, sensitivity: None, float_total: false };
/// let u = analyse(&rules, &batch, &Weights::nominal(&rules), &s)?;
/// let prov = fazhi::scoring::batch::provenance(&rules, vec![]);
/// assert!(fazhi::render::html::uncertainty_html(&u, &prov).contains("名次区间"));
/// # Ok::<(), fazhi::Error>(())
/// ```
pub fn uncertainty_html(u: &Uncertainty, prov: &Provenance) -> String {
    let doc = crate::render::compose::uncertainty::document(u, true);
    let prov = Prov {
        p: prov,
        data_word: "数据哈希",
    };
    let mut body = crate::render::write::html::body(&doc, &prov.block());
    body.push_str(&inputs_list(prov.p, "数据哈希"));
    document("排名稳健性分析", &[Section { prov, body }])
}
