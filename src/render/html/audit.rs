//! The audit of an indicator system as one HTML page: its composed document
//! (`render::compose::audit`, with the influence bars and the correlation heat map) written by
//! `render::write::html`, under its provenance.

use super::{document, inputs_list, p, Prov, Section};
use crate::analyse::policy::audit::Audit;
use crate::render::words::audit::title;
use crate::report::Provenance;

/// An audit as one self-contained HTML page. `prov` names the rule set, the engine and the
/// counties' data hashes.
///
/// ```
/// # use fazhi::analyse::policy::{audit::audit, scores::Batch};
/// # let rules = fazhi::RuleSet::builtin()?;
/// # let a = fazhi::CountyData::from_str("a.yaml", "county: {id: a, name: 甲县}\ndata: {}\n", &rules)?;
/// let audit = audit(&rules, &Batch::evaluate(&rules, &[a]), None)?;
/// let prov = fazhi::scoring::batch::provenance(&rules, vec![]);
/// assert!(fazhi::render::html::audit_html(&audit, &prov).contains("一级指标相关矩阵"));
/// # Ok::<(), fazhi::Error>(())
/// ```
pub fn audit_html(a: &Audit, prov: &Provenance) -> String {
    let doc = crate::render::compose::audit::document(a, true);
    let prov = Prov {
        p: prov,
        data_word: "数据哈希",
    };
    let mut body = crate::render::write::html::body(&doc, &prov.block());
    body.push_str(&p(&format!("指标体系：{}", a.ruleset)));
    body.push_str(&inputs_list(prov.p, prov.data_word));
    document(&title(a), &[Section { prov, body }])
}
