//! A batch's budget for rules that hit their operations limit (issue 18): once a rule has hit
//! [`crate::evaluate`]'s operations limit on [`TRIP_AFTER`] counties, the batch stops running
//! it and marks it in error for every further county, with the reason. So one looping rule costs
//! a batch three counties' worth of its limit, not one per county.
//!
//! Deterministic whatever the number of threads: counties are scored in chunks in input order
//! (4, 8, 16, … up to 256 counties), the set of stopped rules is fixed while a chunk runs, and
//! updated between chunks from the chunk's hits in county order.

use crate::evaluate::CompiledRule;
use crate::ruleset::RuleSet;
use std::collections::HashMap;

/// After how many counties hitting the operations limit a batch stops running a rule.
pub const TRIP_AFTER: usize = 3;

/// The error of a rule the batch no longer runs.
pub(crate) fn stopped_message() -> String {
    format!(
        "not evaluated: the rule hit its operations limit ({}) on {TRIP_AFTER} counties of this batch, so the batch stopped running it (an endless loop?)",
        crate::evaluate::MAX_OPERATIONS
    )
}

/// The key of a rule within its rule set (its address: stable while the rule set lives).
pub(crate) fn key(rule: &CompiledRule) -> usize {
    rule as *const CompiledRule as usize
}

/// Which rules a batch has stopped running, and how often each hit the limit.
#[derive(Debug, Default)]
pub(crate) struct Budget {
    hits: HashMap<usize, usize>,
    stopped: HashMap<usize, usize>,
}

impl Budget {
    /// Whether the batch no longer runs this rule.
    pub(crate) fn is_stopped(&self, key: usize) -> bool {
        self.stopped.contains_key(&key)
    }

    /// Records one county's result: the rules that hit the limit on it, and counts the stopped
    /// rules it skipped. Call in county order between chunks.
    pub(crate) fn record(&mut self, hit: &[usize]) {
        // A stopped rule was skipped on this county, unless it ran (in the chunk it was
        // stopped in) and is counted among the hits.
        for (k, n) in self.stopped.iter_mut() {
            if !hit.contains(k) {
                *n += 1;
            }
        }
        for k in hit {
            let n = self.hits.entry(*k).or_default();
            *n += 1;
            if *n >= TRIP_AFTER {
                self.stopped.entry(*k).or_insert(0);
            }
        }
    }

    /// The rules that hit the limit, by id ("item 1.2.3", "veto x", ...), with the number of
    /// counties it cost (hit or skipped), in rule-set order.
    pub(crate) fn report(&self, rules: &RuleSet) -> Vec<(String, usize)> {
        labels(rules)
            .into_iter()
            .filter_map(|(k, label)| {
                let n = self.hits.get(&k)? + self.stopped.get(&k).copied().unwrap_or(0);
                Some((label, n))
            })
            .collect()
    }
}

/// Runs `f` over `items` in parallel chunks in input order (4, 8, … 256), under one budget
/// whose stopped rules are fixed within a chunk and updated between chunks from each item's
/// limit hits in item order: the per-rule stop of every batch (rank, whatif, uncertainty), the
/// same result on any number of threads.
pub(crate) fn in_chunks<T: Sync, U: Send>(
    items: &[T],
    f: impl Fn(&T, &Budget) -> (U, Vec<usize>) + Sync + Send,
) -> (Vec<U>, Budget) {
    use crate::par::*;
    let mut budget = Budget::default();
    let mut out = Vec::with_capacity(items.len());
    // The caller's token, if any, goes with the work to every worker thread.
    let token = crate::cancel::current();
    let (mut start, mut size) = (0, 4);
    while start < items.len() {
        let chunk = &items[start..(start + size).min(items.len())];
        let done: Vec<(U, Vec<usize>)> = chunk
            .par_iter()
            .map(|t| crate::cancel::installed(token.as_ref(), || f(t, &budget)))
            .collect();
        for (u, hits) in done {
            budget.record(&hits);
            out.push(u);
        }
        start += chunk.len();
        size = (size * 2).min(256);
    }
    (out, budget)
}

/// Every rule of a rule set with its key and a label, in rule-set order.
fn labels(rules: &RuleSet) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = rules
        .items
        .iter()
        .map(|(i, r)| (key(r), format!("item {}", rules.model.nodes[*i].id)))
        .collect();
    out.extend(
        rules
            .vetoes
            .iter()
            .zip(&rules.model.vetoes)
            .map(|(r, m)| (key(r), format!("veto {}", m.id))),
    );
    out.extend(
        rules
            .bonuses
            .iter()
            .zip(&rules.model.bonuses)
            .map(|(r, m)| (key(r), format!("bonus {}", m.id))),
    );
    out.extend(
        rules
            .penalties
            .iter()
            .zip(&rules.model.penalties)
            .map(|(r, m)| (key(r), format!("penalty {}", m.id))),
    );
    out.extend(
        rules
            .checks
            .iter()
            .zip(&rules.model.checks)
            .map(|(r, m)| (key(r), format!("check {}", m.id))),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_stops_after_three_counties_and_counts_the_rest() {
        let mut b = Budget::default();
        b.record(&[7]);
        b.record(&[]);
        b.record(&[7]);
        assert!(!b.is_stopped(7));
        b.record(&[7]);
        assert!(b.is_stopped(7));
        // It still ran on a county of the chunk it was stopped in.
        b.record(&[7]);
        b.record(&[]);
        b.record(&[]);
        // 4 hits + 2 skipped on 7 counties, one without a hit before the stop.
        assert_eq!(b.hits[&7] + b.stopped[&7], 6);
    }
}
