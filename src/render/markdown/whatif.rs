//! A what-if comparison as a Chinese Markdown report: the points that changed, then baseline
//! against scenario county by county.

use crate::analyse::policy::whatif::WhatIf;

/// A Markdown report in Chinese ([`crate::render::compose::whatif::document`] written out).
pub fn markdown(w: &WhatIf) -> String {
    crate::render::write::markdown::markdown(&crate::render::compose::whatif::document(w, false))
}
