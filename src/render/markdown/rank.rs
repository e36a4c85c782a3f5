//! Rendering a ranking: a Chinese Markdown table (one row per county) or CSV.

use crate::analyse::change::rank::Ranking;

/// The ranking as Markdown ([`crate::render::compose::rank::document`] written out): the
/// table, the files that failed, then the provenance (rule set, engine and every data file's
/// sha256: a long list on a national batch, so it comes last). Without pass lines in the rule
/// set there is no level column.
pub fn rank_markdown(r: &Ranking) -> String {
    crate::render::write::markdown::markdown(&crate::render::compose::rank::document(r, None))
}
