//! Step 3, compile: one configured rhai engine, every expression compiled once into an AST, and
//! the reads of each expression checked against its declared inputs (from the AST, statically).

use crate::error::{did_you_mean, Diagnostic};
use crate::evaluate::{CompiledRule, MAX_OPERATIONS, MAX_SIZE};
use crate::load::expression_origin;
use crate::model::{FieldSpec, Model, Span};
use crate::types::FieldPath;
use rhai::{ASTNode, Engine, Expr, OptimizationLevel, Position, Scope, AST};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// The one engine every rule set uses: strict variables, no `eval`, no modules, no printing,
/// bounded operations, call depth, expression depth and sizes, and the scoring helpers.
pub(crate) fn engine() -> Engine {
    let mut e = Engine::new();
    e.set_strict_variables(true)
        .set_allow_shadowing(false)
        .set_max_operations(MAX_OPERATIONS)
        .set_max_call_levels(16)
        .set_max_expr_depths(64, 32)
        .set_max_string_size(MAX_SIZE)
        .set_max_array_size(MAX_SIZE)
        .set_max_map_size(MAX_SIZE)
        .set_max_variables(256)
        .set_max_functions(32)
        .set_optimization_level(OptimizationLevel::Simple)
        // fazhi's `/` and comparisons (helpers::numbers) replace rhai's built-in ones.
        .set_fast_operators(false);
    for sym in ["eval", "print", "debug"] {
        e.disable_symbol(sym);
    }
    e.on_print(|_| {});
    e.on_debug(|_, _, _| {});
    crate::helpers::register(&mut e);
    e
}

/// What an expression is for: it decides the wording of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RuleKind {
    Item,
    Veto,
    Bonus,
    Penalty,
    /// A penalty written with `when:`: a condition that zeroes a node or the total.
    Zeroing,
    Check,
    // issue 27 shape 5: records
    /// An item's `record_score`: run once per record, `r` bound to the record.
    Record,
}

impl RuleKind {
    fn key(self) -> &'static str {
        match self {
            RuleKind::Veto | RuleKind::Zeroing => "when",
            RuleKind::Check => "expect",
            RuleKind::Record => "record_score",
            _ => "score",
        }
    }
}

/// What a rule looks like before compiling.
pub(crate) struct RuleSrc<'a> {
    pub kind: RuleKind,
    pub id: &'a str,
    pub span: &'a Span,
    pub expr: &'a str,
    pub inputs: &'a [FieldPath],
    pub optional: &'a [FieldPath],
    /// Extra content that decides the result (points, caps), for the hash.
    pub salt: String,
    // issue 27 shape 5: records
    /// A records item's field (`each:`): its rule reads `r.SUBFIELD` of that field's records.
    pub each: Option<&'a FieldPath>,
}

/// Compiles one rule, reporting syntax errors at their place in the YAML file and reads of
/// fields the rule does not declare.
pub(crate) fn compile_rule(
    engine: &Engine,
    m: &Model,
    r: &RuleSrc,
    diags: &mut Vec<Diagnostic>,
) -> Option<CompiledRule> {
    let text = m
        .files
        .iter()
        .find(|f| f.0 == r.span.file)
        .map_or("", |f| f.1.as_str());
    // Found from the parser's places only when a message needs it (a re-read of the file).
    let origin = std::cell::OnceCell::new();
    let place = |pos: Position| -> (usize, usize) {
        let origin = *origin.get_or_init(|| expression_origin(text, r.span.line, r.kind.key()));
        match (origin, pos.line(), pos.position()) {
            (Some((l, c, block)), Some(pl), pc) => {
                let pc = pc.unwrap_or(1);
                if pl == 1 && !block {
                    (l, c + pc - 1)
                } else if block {
                    (l + pl - 1, c + pc - 1)
                } else {
                    (l + pl - 1, pc)
                }
            }
            (Some((l, c, _)), None, _) => (l, c),
            (None, ..) => r.span.loc(),
        }
    };
    let mut scope = Scope::new();
    scope.push("d", rhai::Map::new());
    scope.push("P", 0.0 as rhai::FLOAT);
    if r.each.is_some() {
        scope.push("r", rhai::Map::new());
    }
    let ast = match engine.compile_with_scope(&scope, r.expr) {
        Ok(ast) => ast,
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    crate::error::Code::Expression,
                    &r.span.file,
                    place(e.position()),
                    format!(
                        "`{}`: the {} expression does not compile: {}",
                        r.id,
                        r.kind.key(),
                        e.err_type()
                    ),
                )
                .with_help("see docs/FORMAT.md for the expression language and its helpers"),
            );
            return None;
        }
    };
    let before = diags.iter().filter(|d| d.is_error()).count();
    check_reads(&ast, m, r, &place, diags);
    if let Some(field) = r.each {
        check_record_reads(&ast, m, r, field, &place, diags);
    }
    diags.extend(crate::rule_lint::check(engine, &ast, m, r, &place));
    diags.extend(crate::authoring::date_literals(
        &ast,
        m,
        r.id,
        &r.span.file,
        &place,
    ));
    if diags.iter().filter(|d| d.is_error()).count() > before {
        return None;
    }
    let head = format!("{:?}\0{}\0{}\0{}\0", r.kind, r.id, r.expr, r.salt);
    Some(rule_of(ast, m, r, &head))
}

/// The compiled rule of `ast` for `r`, its hash over `head` (what decides the result besides
/// the inputs: kind, id, the expression or block, the salt) and each input's path and type,
/// range and values (a changed dictionary changes the hash: incremental rescoring).
fn rule_of(ast: AST, m: &Model, r: &RuleSrc, head: &str) -> CompiledRule {
    let mut h = Sha256::new();
    h.update(head);
    for f in r.inputs.iter().chain(r.optional) {
        h.update(f.as_str());
        if let Some(spec) = m.fields.get(f) {
            h.update(
                serde_json::to_string(&(spec.ty, &spec.range, &spec.values)).unwrap_or_default(),
            );
        }
        h.update([0]);
    }
    CompiledRule {
        ast,
        inputs: r.inputs.to_vec(),
        optional: r.optional.to_vec(),
        hash: crate::types::hex(&h.finalize()),
        input_slots: Vec::new(),
        read_slots: Vec::new(),
        read_order: Vec::new(),
        fast: None,
        written: None,
        deducts: r.kind == RuleKind::Penalty,
        each: None,
        relative: None,
    }
}

// issue 27 shape 6: relative scores
/// The compiled rule of a `relative:` item: no expression to compile (a placeholder AST that is
/// never run), its hash over the block, the points and the inputs.
pub(crate) fn relative_rule(
    engine: &Engine,
    m: &Model,
    r: &RuleSrc,
    rel: &std::sync::Arc<crate::relative::Relative>,
) -> Option<CompiledRule> {
    let ast = engine.compile("0").ok()?;
    let head = format!(
        "{:?}\0{}\0relative {}\0{}\0",
        r.kind,
        r.id,
        rel.canonical(),
        r.salt
    );
    let mut rule = rule_of(ast, m, r, &head);
    rule.relative = Some(rel.clone());
    Some(rule)
}

// issue 27 shape 5: records
/// The reads `r.x` of a `record_score`: each must name a sub-field of the records field
/// (`record_fields`), else an error at its place with the nearest sub-field.
fn check_record_reads(
    ast: &AST,
    m: &Model,
    r: &RuleSrc,
    field: &FieldPath,
    place: &dyn Fn(Position) -> (usize, usize),
    diags: &mut Vec<Diagnostic>,
) {
    let Some(subs) = m.fields.get(field).and_then(|s| s.record_fields.as_ref()) else {
        return; // `check` says what is wrong with the field
    };
    let mut reads: Vec<(String, Position)> = Vec::new();
    ast.walk(&mut |path: &[ASTNode]| {
        if let Some(ASTNode::Expr(Expr::Dot(b, _, pos))) = path.last() {
            if var_name(&b.lhs) == Some("r") {
                let mut c = Vec::new();
                chain(&b.rhs, &mut c);
                if let Some(first) = c.into_iter().next() {
                    reads.push((first, *pos));
                }
            }
        }
        true
    });
    for (sub, pos) in reads {
        if subs.contains_key(&sub) {
            continue;
        }
        let d = Diagnostic::error(
            crate::error::Code::Expression,
            &r.span.file,
            place(pos),
            format!(
                "`{}` reads `r.{sub}`, which is no sub-field of the records field `{field}`",
                r.id
            ),
        );
        diags.push(match did_you_mean(&sub, subs.keys().map(String::as_str)) {
            Some(s) => d.with_help(format!("did you mean `r.{s}`?")),
            None => d.with_help(format!(
                "its sub-fields are {}",
                subs.keys()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        });
    }
}

fn var_name(e: &Expr) -> Option<&str> {
    match e {
        Expr::Variable(v, _, _) => Some(v.1.as_str()),
        _ => None,
    }
}

/// The property chain after `d.`: `d.a.b.len()` gives `[a, b]`.
pub(crate) fn chain(e: &Expr, out: &mut Vec<String>) {
    match e {
        Expr::Property(p, _) => out.push(p.2.to_string()),
        Expr::Dot(b, _, _) => {
            let before = out.len();
            chain(&b.lhs, out);
            if out.len() > before && matches!(b.lhs, Expr::Property(..)) {
                chain(&b.rhs, out);
            }
        }
        Expr::Index(b, _, _) => chain(&b.lhs, out),
        _ => {}
    }
}

fn check_reads(
    ast: &AST,
    m: &Model,
    r: &RuleSrc,
    place: &dyn Fn(Position) -> (usize, usize),
    diags: &mut Vec<Diagnostic>,
) {
    let mut reads: Vec<(Vec<String>, Position)> = Vec::new();
    let mut has_calls: Vec<(Option<String>, Position)> = Vec::new();
    let mut bare_d: Vec<Position> = Vec::new();
    // Date literals: (the literal, why it is no date, where).
    let mut bad_dates: Vec<(String, String, Position)> = Vec::new();
    ast.walk(&mut |path: &[ASTNode]| {
        let Some(ASTNode::Expr(e)) = path.last() else {
            return true;
        };
        match e {
            Expr::Dot(b, _, pos) if var_name(&b.lhs) == Some("d") => {
                let mut c = Vec::new();
                chain(&b.rhs, &mut c);
                reads.push((c, *pos));
            }
            Expr::Variable(..) if var_name(e) == Some("d") => {
                let ok = path.len() >= 2
                    && matches!(path[path.len() - 2], ASTNode::Expr(Expr::Dot(ref b, _, _)) if std::ptr::eq(&b.lhs, *e));
                if !ok {
                    bare_d.push(e.position());
                }
            }
            Expr::FnCall(f, pos) if f.name == "has" => {
                let lit = match f.args.first() {
                    Some(Expr::StringConstant(s, _)) if f.args.len() == 1 => Some(s.to_string()),
                    _ => None,
                };
                has_calls.push((lit, *pos));
            }
            Expr::FnCall(f, pos) => bad_dates.extend(
                date_literals(f, &m.fields)
                    .filter_map(|s| crate::helpers::dates::parse_date(&s).err().map(|e| (s, e)))
                    .map(|(s, e)| (s, e, *pos)),
            ),
            _ => {}
        }
        true
    });
    for (lit, why, pos) in bad_dates {
        diags.push(
            Diagnostic::error(
                crate::error::Code::Expression,
                &r.span.file,
                place(pos),
                format!("`{}`: \"{lit}\" is no date ({why})", r.id),
            )
            .with_help("write dates as \"YYYY-MM-DD\", e.g. \"2021-03-31\""),
        );
    }
    let declared: BTreeSet<&str> = r
        .inputs
        .iter()
        .chain(r.optional)
        .map(|f| f.as_str())
        .collect();
    let file = &r.span.file;
    let mut used: BTreeSet<String> = BTreeSet::new();
    for pos in bare_d {
        diags.push(
            Diagnostic::error(
                crate::error::Code::Expression,
                file,
                place(pos),
                format!(
                    "`{}`: `d` is read whole; read fields one by one as `d.group.field`",
                    r.id
                ),
            )
            .with_help("the check step can then see which fields the rule needs"),
        );
    }
    for (c, pos) in reads {
        match resolve(&c, &m.fields) {
            Resolved::Field(f) => {
                if !declared.contains(f.as_str()) {
                    diags.push(
                        Diagnostic::error(
                            crate::error::Code::Expression,
                            file,
                            place(pos),
                            format!(
                                "`{}` reads `d.{f}` but does not list `{f}` in its inputs",
                                r.id
                            ),
                        )
                        .with_help(format!(
                            "add `{f}` to `inputs` (or `optional_inputs` if it may be missing)"
                        )),
                    );
                }
                used.insert(f);
            }
            Resolved::Group(g) => diags.push(Diagnostic::error(
                crate::error::Code::Expression,
                file,
                place(pos),
                format!(
                    "`{}` reads the group `d.{g}` as a whole; read one of its fields",
                    r.id
                ),
            )),
            Resolved::Unknown(p) => {
                let d = Diagnostic::error(
                    crate::error::Code::Expression,
                    file,
                    place(pos),
                    format!(
                        "`{}` reads `d.{p}`, which the data dictionary does not declare",
                        r.id
                    ),
                );
                diags.push(
                    match did_you_mean(&p, m.fields.keys().map(|k| k.as_str())) {
                        Some(s) => d.with_help(format!("did you mean `d.{s}`?")),
                        None => {
                            d.with_help("declare the field under `fields:` and list it in `inputs`")
                        }
                    },
                );
            }
        }
    }
    for (lit, pos) in has_calls {
        match lit {
            None => diags.push(Diagnostic::error(
                crate::error::Code::Expression,
                file,
                place(pos),
                format!("`{}`: has() takes one field path written as a literal, e.g. has(\"report.published_on\")", r.id),
            )),
            Some(p) if !declared.contains(p.as_str()) => diags.push(
                Diagnostic::error(
                    crate::error::Code::Expression,
                    file,
                    place(pos),
                    format!("`{}` tests has(\"{p}\") but `{p}` is not among its inputs", r.id),
                )
                .with_help(format!("add `{p}` to `optional_inputs`")),
            ),
            Some(p) => {
                used.insert(p);
            }
        }
    }
    for f in r.inputs.iter().chain(r.optional) {
        // A records item's field is read record by record, as `r` (issue 27 shape 5).
        if r.each == Some(f) {
            continue;
        }
        if m.fields.contains_key(f) && !used.contains(f.as_str()) {
            diags.push(Diagnostic::warning(
                crate::error::Code::Unused,
                file,
                r.span.loc(),
                format!("`{}` lists `{f}` as an input but never reads it", r.id),
            ));
        }
    }
}

/// The text literals of a call that must be dates: the arguments of the date helpers, and a
/// literal compared with a `date` field (`d.report.published_on <= "2021-04-01"`); and, for
/// `period_date(y, m, d)` with literal month and day, that month-day written as a date of a leap
/// year (so 2-29 passes, 2-30 does not).
fn date_literals<'e>(
    f: &'e rhai::FnCallExpr,
    fields: &'e BTreeMap<FieldPath, FieldSpec>,
) -> impl Iterator<Item = String> + 'e {
    let name = f.name.as_str();
    let lit = |e: &Expr| match e {
        Expr::StringConstant(s, _) => Some(s.to_string()),
        _ => None,
    };
    let is_date_read = |e: &Expr| match e {
        Expr::Dot(b, _, _) if var_name(&b.lhs) == Some("d") => {
            let mut c = Vec::new();
            chain(&b.rhs, &mut c);
            matches!(resolve(&c, fields), Resolved::Field(p)
                if fields.get(&FieldPath::new(&p)).is_some_and(|s| s.ty == crate::model::FieldType::Date))
        }
        _ => false,
    };
    let mut out = Vec::new();
    if crate::helpers::dates::DATE_ARG_HELPERS.contains(&name) {
        out.extend(f.args.iter().filter_map(lit));
    } else if matches!(name, "<" | "<=" | ">" | ">=" | "==" | "!=") && f.args.len() == 2 {
        let (a, b) = (&f.args[0], &f.args[1]);
        // `d.x.on == ""` tests for an empty text, not a date.
        let date_lit = |e: &Expr| lit(e).filter(|s| !s.is_empty());
        if is_date_read(a) {
            out.extend(date_lit(b));
        } else if is_date_read(b) {
            out.extend(date_lit(a));
        }
    } else if name == "period_date" && f.args.len() == 3 {
        if let (Expr::IntegerConstant(m, _), Expr::IntegerConstant(d, _)) = (&f.args[1], &f.args[2])
        {
            out.push(format!("2000-{m:02}-{d:02}"));
        }
    }
    out.into_iter()
}

pub(crate) enum Resolved {
    Field(String),
    Group(String),
    Unknown(String),
}

pub(crate) fn resolve(chain: &[String], fields: &BTreeMap<FieldPath, FieldSpec>) -> Resolved {
    let mut path = String::new();
    for seg in chain {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(seg);
        if fields.contains_key(&FieldPath::new(path.clone())) {
            return Resolved::Field(path);
        }
    }
    let prefix = format!("{path}.");
    if !path.is_empty() && fields.keys().any(|k| k.as_str().starts_with(&prefix)) {
        Resolved::Group(path)
    } else {
        Resolved::Unknown(if path.is_empty() { "?".into() } else { path })
    }
}
