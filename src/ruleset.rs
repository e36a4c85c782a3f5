//! The compiled rule set: the public entry point that ties load → check → compile together and
//! scores counties (evaluate → aggregate).

use crate::check;
use crate::compile::{self, RuleKind, RuleSrc};
use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::evaluate::CompiledRule;
use crate::load::{self, RuleSource};
use crate::model::{Bonus, Check, FieldSpec, Model, Node, PassLine, Penalty, Veto};
use crate::types::{FieldPath, Points};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

// issue 27 shape 5: records
/// The run-time part of a records item: its field, record points, combination and label.
fn each_rule(model: &Model, rec: &crate::model::RecordRule) -> crate::evaluate::EachRule {
    let label = model
        .fields
        .get(&rec.field)
        .and_then(|s| s.record_fields.as_ref())
        .and_then(|subs| {
            subs.iter()
                .find(|(_, s)| s.ty == crate::model::FieldType::Text)
                .map(|(k, s)| (k.clone(), std::sync::Arc::from(s.desc.as_str())))
        });
    crate::evaluate::EachRule {
        field: rec.field.clone(),
        points: rec.points.map(Points::as_f64),
        combine: rec.combine,
        label,
    }
}

/// A checked and compiled rule set. Immutable, `Send + Sync`: compile once, score any number of
/// counties from any number of threads.
///
/// ```
/// let rules = fazhi::RuleSet::builtin().unwrap();
/// assert_eq!(rules.total_points().to_string(), "1000");
/// fn shareable<T: Send + Sync>(_: &T) {}
/// shareable(&rules);
/// ```
pub struct RuleSet {
    pub(crate) model: Model,
    pub(crate) engine: rhai::Engine,
    pub(crate) groups: Vec<String>,
    pub(crate) items: Vec<(usize, CompiledRule)>,
    pub(crate) vetoes: Vec<CompiledRule>,
    pub(crate) bonuses: Vec<CompiledRule>,
    pub(crate) penalties: Vec<CompiledRule>,
    pub(crate) checks: Vec<CompiledRule>,
    /// The data dictionary's paths in slot order, shared: county data keep their dense row for
    /// this list (compared by pointer).
    pub(crate) order: std::sync::Arc<[crate::types::FieldPath]>,
    warnings: Vec<Diagnostic>,
}

impl std::fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleSet")
            .field("id", &self.model.header.id)
            .field("version", &self.model.header.version)
            .field("hash", &self.model.hash)
            .finish_non_exhaustive()
    }
}

/// The files of the built-in national rule set, embedded at build time.
mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}

impl RuleSet {
    /// Loads, checks and compiles a rule set. Fails with [`Error::Rules`] listing every error;
    /// warnings are kept in [`RuleSet::warnings`].
    pub fn load(src: &RuleSource) -> Result<RuleSet> {
        let (rules, diags) = build(src);
        match rules {
            Some(r) if !diags.iter().any(Diagnostic::is_error) => Ok(r),
            _ => Err(Error::Rules(Diagnostics(diags))),
        }
    }

    /// Loads a rule set from a folder of YAML files.
    pub fn load_dir(dir: impl AsRef<Path>) -> Result<RuleSet> {
        RuleSet::load(&RuleSource::from_dir(dir)?)
    }

    /// The built-in default rule set (national-2021), compiled into the library.
    pub fn builtin() -> Result<RuleSet> {
        RuleSet::load(&RuleSet::builtin_source())
    }

    /// The text of the built-in rule set.
    pub fn builtin_source() -> RuleSource {
        RuleSource::from_documents(builtin::FILES.iter().copied())
    }

    /// Every problem of a rule set, errors and warnings, sorted by file and line.
    ///
    /// ```
    /// let src = fazhi::RuleSource::from_documents([("r.yaml", "ruleset: {id: x, title: t, version: '1', total_points: 10}\n")]);
    /// let problems = fazhi::RuleSet::lint(&src);
    /// assert!(problems.has_errors()); // the tree is empty and does not add up to 10
    /// ```
    pub fn lint(src: &RuleSource) -> Diagnostics {
        let (rules, mut diags) = build(src);
        // The score ranges are proven, and fields without a lever named, on a rule set that
        // compiled (lint only: loading stays as fast as it was, and a rule that can exceed its
        // points is still scored, clamped).
        if let Some(rules) = rules.filter(|_| !diags.iter().any(Diagnostic::is_error)) {
            diags.extend(crate::ranges::check(&rules));
            diags.extend(crate::analyse::gap::lever_warnings(&rules));
        }
        diags.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        diags.dedup();
        Diagnostics(diags)
    }
    /// The rule set's id.
    pub fn id(&self) -> &str {
        &self.model.header.id
    }
    /// Its title.
    pub fn title(&self) -> &str {
        &self.model.header.title
    }
    /// Its version.
    pub fn version(&self) -> &str {
        &self.model.header.version
    }
    /// sha256 over its normalised files.
    pub fn hash(&self) -> &str {
        &self.model.hash
    }
    /// Points of the indicator tree.
    pub fn total_points(&self) -> Points {
        self.model.header.total_points
    }
    /// The cap over all bonuses.
    pub fn bonus_cap(&self) -> Option<Points> {
        self.model.header.bonus_cap
    }
    /// The 附加项 (加、扣分) inside `total_points`, if the rule set has one: the first-level
    /// areas add up to `total_points − additional_points` and the bonuses together count at
    /// most `additional_points`.
    pub fn additional_points(&self) -> Option<Points> {
        self.model.header.additional_points
    }
    /// 百分制 rescaling: the total the rule set is written out of, when its header has
    /// `rescale_to` (then [`total_points`](Self::total_points) is `rescale_to`, and every
    /// point the rule set reports, its nodes' included, is on that scale).
    pub fn written_out_of(&self) -> Option<Points> {
        (self.model.scale != 1.0).then_some(self.model.written_total)
    }
    /// The data dictionary.
    pub fn fields(&self) -> &BTreeMap<FieldPath, FieldSpec> {
        &self.model.fields
    }
    /// Every node of the tree, in pre-order (a parent before its children).
    pub fn nodes(&self) -> &[Node] {
        &self.model.nodes
    }
    /// The node with this id.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.model.nodes.iter().find(|n| n.id.as_str() == id)
    }
    /// The scored items (leaves), in tree order.
    pub fn items(&self) -> impl Iterator<Item = &Node> {
        self.items.iter().map(|(i, _)| &self.model.nodes[*i])
    }
    /// The content hash of one item's rule (its expression, inputs, points and the dictionary
    /// entries it reads): equal hashes mean equal results for equal data.
    pub fn item_hash(&self, id: &str) -> Option<&str> {
        self.items
            .iter()
            .find(|(i, _)| self.model.nodes[*i].id.as_str() == id)
            .map(|(_, r)| r.hash.as_str())
    }
    /// Vetoes.
    pub fn vetoes(&self) -> &[Veto] {
        &self.model.vetoes
    }
    /// Bonuses.
    pub fn bonuses(&self) -> &[Bonus] {
        &self.model.bonuses
    }
    /// Penalties.
    pub fn penalties(&self) -> &[Penalty] {
        &self.model.penalties
    }
    /// Pass lines.
    pub fn pass_lines(&self) -> &[PassLine] {
        &self.model.pass_lines
    }
    /// Data checks.
    pub fn checks(&self) -> &[Check] {
        &self.model.checks
    }
    /// The ids of the rules (items, vetoes, bonuses, penalties, checks) the fast path could not
    /// lower: they always run on the rhai interpreter (see [`Evaluator`]).
    pub fn interpreted_rules(&self) -> Vec<&crate::types::IndicatorId> {
        let m = &self.model;
        // issue 27 shape 6: a relative item runs no expression at all (never interpreted).
        let slow = |r: &CompiledRule| r.fast.is_none() && r.relative.is_none();
        let items = self
            .items
            .iter()
            .filter(|(_, r)| slow(r))
            .map(|(i, _)| &m.nodes[*i].id);
        let vetoes = self
            .vetoes
            .iter()
            .zip(&m.vetoes)
            .filter(|(r, _)| slow(r))
            .map(|(_, x)| &x.id);
        let bonuses = self
            .bonuses
            .iter()
            .zip(&m.bonuses)
            .filter(|(r, _)| slow(r))
            .map(|(_, x)| &x.id);
        let penalties = (self.penalties.iter().zip(&m.penalties))
            .filter(|(r, _)| slow(r))
            .map(|(_, x)| &x.id);
        let checks = self
            .checks
            .iter()
            .zip(&m.checks)
            .filter(|(r, _)| slow(r))
            .map(|(_, x)| &x.id);
        items
            .chain(vetoes)
            .chain(bonuses)
            .chain(penalties)
            .chain(checks)
            .collect()
    }
    /// Warnings found while loading (errors make loading fail).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }
    /// Every field some rule (item, veto, bonus, penalty or check) declares as an input.
    pub fn fields_read(&self) -> BTreeSet<&FieldPath> {
        let rules = self
            .items
            .iter()
            .map(|(_, r)| r)
            .chain(&self.vetoes)
            .chain(&self.bonuses)
            .chain(&self.penalties)
            .chain(&self.checks);
        rules
            .flat_map(|r| r.inputs.iter().chain(&r.optional))
            .collect()
    }

    // issue 27 shape 6: relative scores
    /// The fields compared by `relative:` items, in path order, each once; empty when the rule
    /// set has no relative item (then groups change nothing).
    pub fn relative_fields(&self) -> Vec<FieldPath> {
        self.model.relative_fields()
    }

    /// Scores `counties` together: each gets the group of all of them (see
    /// [`crate::relative`]). Unchanged when the rule set has no relative item.
    ///
    /// Errors: [`Error::Invalid`] when a county id is given twice.
    pub fn with_group(&self, counties: Vec<crate::CountyData>) -> Result<Vec<crate::CountyData>> {
        self.with_peers(counties, &[], usize::MAX)
    }

    /// Scores `counties` within `peers` (`--peers`): the group is the counties and the peers,
    /// each county once (a peer with the id of one of `counties` is left out: the scored data
    /// count). Unchanged when the rule set has no relative item.
    ///
    /// Errors: [`Error::Invalid`] when the group would hold more than `max` counties (the
    /// message names `--max-peers`) or an id is given twice.
    pub fn with_peers(
        &self,
        counties: Vec<crate::CountyData>,
        peers: &[crate::CountyData],
        max: usize,
    ) -> Result<Vec<crate::CountyData>> {
        let fields = self.relative_fields();
        if fields.is_empty() {
            return Ok(counties);
        }
        let ids: BTreeSet<&str> = counties.iter().map(|c| c.info().id.as_str()).collect();
        let mut refs: Vec<&crate::CountyData> = counties.iter().collect();
        refs.extend(peers.iter().filter(|p| !ids.contains(p.info().id.as_str())));
        if refs.len() > max {
            return Err(Error::Invalid(format!(
                "the comparison group holds {} counties, more than --max-peers {max}; raise it with `--max-peers N`",
                refs.len()
            )));
        }
        let g = crate::relative::Group::build(&fields, &refs).map_err(Error::Invalid)?;
        let g = std::sync::Arc::new(g);
        Ok(counties
            .into_iter()
            .map(|c| c.with_group(g.clone()))
            .collect())
    }
}

/// load → check → compile, collecting every diagnostic.
/// The points item `i`'s rule is written for: as written under an area given as a share of
/// the total, otherwise its points divided by the 百分制 factor.
pub(crate) fn written_points(m: &crate::model::Model, i: usize) -> Points {
    let n = &m.nodes[i];
    n.written
        .unwrap_or_else(|| Points::from_f64(n.points.as_f64() / m.scale))
}

fn build(src: &RuleSource) -> (Option<RuleSet>, Vec<Diagnostic>) {
    let (model, mut diags) = load::load(src);
    let Some(mut model) = model else {
        return (None, diags);
    };
    // Shares of the total (`points: 15%`) become points before the checks.
    diags.extend(crate::rescale::shares(&mut model));
    diags.extend(check::check(&model));
    // 百分制: every point on the reported scale from here on (rules still run as written).
    diags.extend(crate::rescale::apply(&mut model));
    let engine = compile::engine();
    diags.extend(crate::authoring::unreadable_fields(&model, &engine));
    let slots = crate::evaluate::fast::SlotMap::new(model.fields.iter());
    let mut compile_one = |src: RuleSrc| {
        compile::compile_rule(&engine, &model, &src, &mut diags).map(|r| r.with_fast_path(&slots))
    };
    let mut items = Vec::new();
    for (i, n) in model.nodes.iter().enumerate() {
        let Some(leaf) =
            (n.leaf.as_ref()).filter(|l| !l.score.trim().is_empty() || l.relative.is_some())
        else {
            continue;
        };
        if !n.children.is_empty() {
            continue;
        }
        // Rescaled, the points a rule sees are the written ones: the salt says both.
        let mut salt = if model.scale == 1.0 && n.written.is_none() {
            n.points.milli().to_string()
        } else {
            format!("{}/{}", n.points.milli(), written_points(&model, i).milli())
        };
        // issue 27 shape 5: records. The record rule, its points and the combination decide
        // the result too.
        if let Some(rec) = &leaf.records {
            salt.push_str(&format!("\0{rec:?}"));
        }
        let src = RuleSrc {
            kind: if leaf.records.is_some() {
                RuleKind::Record
            } else {
                RuleKind::Item
            },
            id: n.id.as_str(),
            span: &n.span,
            expr: &leaf.score,
            inputs: &leaf.inputs,
            optional: &leaf.optional_inputs,
            salt,
            each: leaf.records.as_ref().map(|rec| &rec.field),
        };
        // issue 27 shape 6: relative scores (no expression; `check` has judged the block).
        let compiled = match &leaf.relative {
            Some(rel) => compile::relative_rule(&engine, &model, &src, rel)
                .map(|r| r.with_fast_path(&slots))
                .map(|mut r| {
                    r.fast = None;
                    r
                }),
            None => compile_one(src),
        };
        if let Some(r) = compiled {
            let mut r = r;
            if model.scale != 1.0 || n.written.is_some() {
                r.written = Some(written_points(&model, i).as_f64());
            }
            if let Some(rec) = &leaf.records {
                r.each = Some(std::sync::Arc::new(each_rule(&model, rec)));
                // Never lowered: the fast path knows no `r`.
                r.fast = None;
            }
            items.push((i, r));
        }
    }
    let vetoes: Vec<_> = model
        .vetoes
        .iter()
        .filter_map(|v| {
            compile_one(RuleSrc {
                kind: RuleKind::Veto,
                id: v.id.as_str(),
                span: &v.span,
                expr: &v.when,
                inputs: &v.inputs,
                optional: &v.optional_inputs,
                salt: String::new(),
                each: None,
            })
        })
        .collect();
    let bonuses: Vec<_> = model
        .bonuses
        .iter()
        .filter_map(|b| {
            compile_one(RuleSrc {
                kind: RuleKind::Bonus,
                id: b.id.as_str(),
                span: &b.span,
                expr: &b.score,
                inputs: &b.inputs,
                optional: &b.optional_inputs,
                salt: b.cap.milli().to_string(),
                each: None,
            })
        })
        .collect();
    let penalties: Vec<_> = model
        .penalties
        .iter()
        .filter_map(|p| {
            compile_one(RuleSrc {
                kind: if p.is_zeroing() {
                    RuleKind::Zeroing
                } else {
                    RuleKind::Penalty
                },
                id: p.id.as_str(),
                span: &p.span,
                expr: p.expression(),
                inputs: &p.inputs,
                optional: &p.optional_inputs,
                salt: format!("{:?}{}", p.cap, p.applies_to),
                each: None,
            })
        })
        .collect();
    let checks: Vec<_> = model
        .checks
        .iter()
        .filter_map(|c| {
            compile_one(RuleSrc {
                kind: RuleKind::Check,
                id: c.id.as_str(),
                span: &c.span,
                expr: &c.expect,
                inputs: &c.inputs,
                optional: &[],
                salt: String::new(),
                each: None,
            })
        })
        .collect();
    let read: BTreeSet<&FieldPath> = model
        .nodes
        .iter()
        .filter_map(|n| n.leaf.as_ref())
        .flat_map(|l| l.inputs.iter().chain(&l.optional_inputs))
        .chain(
            model
                .vetoes
                .iter()
                .flat_map(|v| v.inputs.iter().chain(&v.optional_inputs)),
        )
        .chain(
            model
                .bonuses
                .iter()
                .flat_map(|v| v.inputs.iter().chain(&v.optional_inputs)),
        )
        .chain(
            model
                .penalties
                .iter()
                .flat_map(|v| v.inputs.iter().chain(&v.optional_inputs)),
        )
        .chain(model.checks.iter().flat_map(|v| v.inputs.iter()))
        .collect();
    for (f, spec) in &model.fields {
        if !read.contains(f) {
            diags.push(Diagnostic::warning(
                crate::error::Code::Unused,
                &spec.span.file,
                spec.span.loc(),
                format!("field `{f}` is declared but no rule reads it"),
            ));
        }
    }
    let mut groups: BTreeSet<String> = BTreeSet::new();
    for f in model.fields.keys() {
        let segs: Vec<&str> = f.segments().collect();
        for k in 1..segs.len() {
            groups.insert(segs[..k].join("."));
        }
    }
    let warnings = diags.iter().filter(|d| !d.is_error()).cloned().collect();
    let order = model.fields.keys().cloned().collect();
    let rs = RuleSet {
        order,
        model,
        engine,
        groups: groups.into_iter().collect(),
        items,
        vetoes,
        bonuses,
        penalties,
        checks,
        warnings,
    };
    (Some(rs), diags)
}
