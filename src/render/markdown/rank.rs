//! Rendering a ranking: a Chinese Markdown table (one row per county) or CSV.

use crate::analyse::change::rank::Ranking;

/// The ranking as Markdown ([`crate::render::compose::rank::document`] written out): the
/// table, the files that failed, then the provenance (rule set, engine and every data file's
/// sha256: a long list on a national batch, so it comes last). Without pass lines in the rule
/// set there is no level column.
pub fn rank_markdown(r: &Ranking) -> String {
    crate::render::write::markdown::markdown(&crate::render::compose::rank::document(r, None))
}

/// The rules that failed, county by county (a section only when some did).
pub(crate) fn errors_markdown<'a>(
    rows: impl Iterator<Item = (&'a crate::report::CountyRef, &'a [crate::report::RuleError])>,
) -> String {
    let mut lines = String::new();
    for (c, errors) in rows {
        for e in errors {
            lines.push_str(&format!("- {}（`{}`）：{e}\n", c.name, c.id));
        }
    }
    if lines.is_empty() {
        return lines;
    }
    format!(
        "\n## {}（按0分计）\n\n{lines}",
        crate::render::words::RULE_ERROR
    )
}
