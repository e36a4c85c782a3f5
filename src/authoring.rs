//! Lint for what rule authors get wrong with numbers and names (docs/FORMAT.md, "Numbers" and
//! "What lint checks"), found before any county is scored:
//!
//! - points written with more than three decimals (fazhi keeps points in thousandths, so the
//!   sums of the 评分细则 are checked on the values as written, never on rounded ones);
//! - a bonus without its own `cap:` (required: `bonus_cap` caps all bonuses together, not each);
//! - dictionary `values:` written as YAML numbers or booleans (`values: [2020, 2021]`), which no
//!   county file writing `2020` would match: lint says to quote them;
//! - field names with a segment rhai cannot read as a property (a keyword or reserved word such
//!   as `public`, `case`, `eval`): refused with a suggested rename;
//! - a `date` field compared with a text literal that is not an ISO date (`"2022.3.1"`), which
//!   would compare as text.
//!
//! The first two look at the YAML as written (a number's decimals are gone once it is points);
//! the others at the loaded model and the compiled expressions.

use crate::error::Diagnostic;
use crate::load::parse::{Kind, Node};
use crate::model::{FieldType, Model};
use crate::types::Points;
use rhai::{ASTNode, Engine, Expr, Position, Scope, AST};
use std::collections::BTreeSet;

/// The keys whose values are points.
const POINT_KEYS: [&str; 5] = ["total_points", "bonus_cap", "points", "cap", "min_total"];

/// A number as written, when the node is one.
fn number(n: &Node) -> Option<f64> {
    match n.kind {
        Kind::Int(i) => Some(i as f64),
        Kind::UInt(u) => Some(u as f64),
        Kind::Float(f) => Some(f),
        _ => None,
    }
}

/// Problems of one rule file found on its YAML as written (`tree`, with the parser's places),
/// and the ids of the nodes (and `ruleset` for the header) whose points were refused, so that
/// the sum checks do not add a second, misleading message about them.
pub(crate) fn scan_file(name: &str, tree: &Node) -> (Vec<Diagnostic>, BTreeSet<String>) {
    let mut out = Vec::new();
    let mut fine = BTreeSet::new();
    let mut s = Scan {
        name,
        out: &mut out,
        fine: &mut fine,
    };
    if let Some(h) = tree.get("ruleset") {
        s.points_of(h, "ruleset", "the `ruleset:` header");
    }
    for (section, what) in [
        ("indicators", "item"),
        ("bonuses", "bonus"),
        ("penalties", "penalty"),
        ("pass_lines", "pass line"),
    ] {
        if let Some(list) = tree.get(section) {
            for e in list.items() {
                s.entry(e, what);
            }
        }
    }
    if let Some(fields) = tree.get("fields") {
        for f in fields.entries() {
            if let Some(vals) = f.value.get("values") {
                s.values(&f.key, f.key_at, vals.items());
            }
        }
    }
    (out, fine)
}

struct Scan<'a> {
    name: &'a str,
    out: &'a mut Vec<Diagnostic>,
    fine: &'a mut BTreeSet<String>,
}

impl Scan<'_> {
    fn entry(&mut self, e: &Node, what: &str) {
        let Some(id_entry) = e.entry("id") else {
            return;
        };
        let id = match &id_entry.value.kind {
            Kind::Text(s) => s.clone(),
            Kind::Int(i) => i.to_string(),
            Kind::UInt(u) => u.to_string(),
            _ => return,
        };
        self.points_of(e, &id, &format!("{what} `{id}`"));
        if what == "bonus" && e.get("cap").is_none() {
            self.out.push(
                Diagnostic::error(
                    crate::error::Code::Authoring,
                    self.name,
                    id_entry.key_at,
                    format!("bonus `{id}` has no `cap:`; every 加分 item states the most it can give"),
                )
                .with_help(
                    "add `cap:` with the item's own maximum (最高不超过3分 → `cap: 3`); `bonus_cap` in `ruleset:` only caps all bonuses together",
                ),
            );
        }
        if let Some(kids) = e.get("children") {
            for k in kids.items() {
                self.entry(k, "item");
            }
        }
    }

    fn points_of(&mut self, e: &Node, id: &str, who: &str) {
        for key in POINT_KEYS {
            let Some(entry) = e.entry(key) else { continue };
            let Some(v) = number(&entry.value) else {
                continue;
            };
            let Some(decimals) = finer_than_milli(v) else {
                continue;
            };
            self.fine.insert(id.to_string());
            let (lo, hi) = bracket(v);
            self.out.push(
                Diagnostic::error(
                    crate::error::Code::Authoring,
                    self.name,
                    entry.key_at,
                    format!(
                        "{who}: `{key}: {v}` has {decimals} decimals; points are kept to three decimals (0.001)"
                    ),
                )
                .with_help(if key.ends_with("points") {
                    format!("write {lo} or {hi}, so that the parts add up exactly (e.g. 33.334 + 33.333 + 33.333 = 100)")
                } else {
                    format!("write {lo} or {hi}")
                }),
            );
        }
    }

    fn values(&mut self, path: &str, at: (usize, usize), vals: &[Node]) {
        let bare = |v: &Node| match &v.kind {
            Kind::Bool(b) => Some(b.to_string()),
            Kind::Int(i) => Some(i.to_string()),
            Kind::UInt(u) => Some(u.to_string()),
            Kind::Float(f) => Some(f.to_string()),
            _ => None,
        };
        let bad: Vec<String> = vals.iter().filter_map(bare).collect();
        if bad.is_empty() {
            return;
        }
        let quoted: Vec<String> = vals
            .iter()
            .map(|v| match (&v.kind, bare(v)) {
                (Kind::Text(s), _) => format!("\"{s}\""),
                (_, Some(b)) => format!("\"{b}\""),
                _ => "…".into(),
            })
            .collect();
        self.out.push(
            Diagnostic::error(
                crate::error::Code::Authoring,
                self.name,
                at,
                format!(
                    "field `{path}`: `values:` holds {} written as YAML numbers or true/false; the values of an enum or list are texts, and a county file writing them bare would not match",
                    bad.join(", ")
                ),
            )
            .with_help(format!(
                "quote them: `values: [{}]`, and quote them in county files too",
                quoted.join(", ")
            )),
        );
    }
}

/// The thousandths just below and above `v`.
fn bracket(v: f64) -> (Points, Points) {
    (
        Points::from_milli((v * 1000.0).floor() as i64),
        Points::from_milli((v * 1000.0).ceil() as i64),
    )
}

/// Points of a what-if scenario file (`total_points`, `points:` by node id, a pass line's
/// `min_total`) with more than three decimals: each refused, naming the node or pass line.
pub(crate) fn scenario_points(file: &str, tree: &Node) -> Vec<Diagnostic> {
    let mut found: Vec<((usize, usize), String, f64)> = Vec::new();
    if let Some(e) = tree.entry("total_points") {
        if let Some(v) = number(&e.value) {
            found.push((e.key_at, "total_points".into(), v));
        }
    }
    if let Some(m) = tree.get("points") {
        for e in m.entries() {
            if let Some(v) = number(&e.value) {
                found.push((e.key_at, format!("node `{}`", e.key), v));
            }
        }
    }
    if let Some(m) = tree.get("pass_lines") {
        for e in m.entries() {
            if let Some(v) = e.value.get("min_total").and_then(number) {
                found.push((e.key_at, format!("pass line `{}`: min_total", e.key), v));
            }
        }
    }
    found
        .into_iter()
        .filter_map(|(at, who, v)| {
            let decimals = finer_than_milli(v)?;
            let (lo, hi) = bracket(v);
            Some(
                Diagnostic::error(
                    crate::error::Code::Authoring,
                    file,
                    at,
                    format!("{who}: {v} has {decimals} decimals; points are kept to three decimals (0.001)"),
                )
                .with_help(format!("write {lo} or {hi}")),
            )
        })
        .collect()
}

/// The number of decimals of `v` as written (its shortest decimal form) when more than three.
pub(crate) fn finer_than_milli(v: f64) -> Option<usize> {
    if !v.is_finite() {
        return None;
    }
    let s = v.to_string();
    let decimals = s.split_once('.').map_or(0, |(_, f)| f.len());
    (decimals > 3).then_some(decimals)
}

/// Field names with a segment rhai cannot read as a property (`d.info.public`): each is refused
/// with a suggested rename that rhai can read.
pub(crate) fn unreadable_fields(m: &Model, engine: &Engine) -> Vec<Diagnostic> {
    let mut scope = Scope::new();
    scope.push("d", rhai::Map::new());
    let readable = |seg: &str| {
        engine
            .compile_expression_with_scope(&scope, format!("d.{seg}"))
            .is_ok()
    };
    let mut out = Vec::new();
    for (path, spec) in &m.fields {
        if !path.is_well_formed() {
            continue; // reported by `check`
        }
        let segs: Vec<&str> = path.segments().collect();
        let bad: Vec<&str> = segs.iter().copied().filter(|s| !readable(s)).collect();
        if bad.is_empty() {
            continue;
        }
        let last = segs.len() - 1;
        let renamed: Vec<String> = segs
            .iter()
            .enumerate()
            .map(|(k, s)| {
                if readable(s) {
                    s.to_string()
                } else if k < last {
                    format!("{s}s")
                } else {
                    format!("{s}_{}", suffix(spec.ty))
                }
            })
            .map(|s| if readable(&s) { s } else { format!("{s}_x") })
            .collect();
        out.push(
            Diagnostic::error(
                crate::error::Code::Authoring,
                &spec.span.file,
                spec.span.loc(),
                format!(
                    "field `{path}`: {} {} a word of the rule language (rhai), so no rule could read `d.{path}`",
                    bad.iter().map(|b| format!("`{b}`")).collect::<Vec<_>>().join(", "),
                    if bad.len() == 1 { "is" } else { "are" },
                ),
            )
            .with_help(format!(
                "rename the field, e.g. `{}` (in the dictionary, the rules and the county files)",
                renamed.join(".")
            )),
        );
    }
    out
}

fn suffix(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Count => "count",
        FieldType::Percent => "rate",
        FieldType::Number => "value",
        FieldType::Bool => "flag",
        FieldType::Date => "date",
        FieldType::Text => "text",
        FieldType::Enum => "kind",
        FieldType::List => "list",
        FieldType::Records => "records",
    }
}

/// A `date` field compared (`<`, `<=`, `>`, `>=`, `==`, `!=`) with a text literal that is not an
/// ISO date `YYYY-MM-DD`: dates compare as text, so `"2022.3.1"` or `"2022-3-1"` would give the
/// wrong order silently. (`== ""` and `!= ""`, a test for an empty text, are allowed.)
pub(crate) fn date_literals(
    ast: &AST,
    m: &Model,
    owner: &str,
    file: &str,
    place: &dyn Fn(Position) -> (usize, usize),
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    ast.walk(&mut |path: &[ASTNode]| {
        let (f, pos) = match path.last() {
            Some(ASTNode::Expr(Expr::FnCall(f, pos))) => (f, pos),
            // A comparison that is the whole expression is a statement.
            Some(ASTNode::Stmt(rhai::Stmt::FnCall(f, pos))) => (f, pos),
            _ => return true,
        };
        if !matches!(f.name.as_str(), "<" | "<=" | ">" | ">=" | "==" | "!=") || f.args.len() != 2 {
            return true;
        }
        let date_field = |e: &Expr| -> Option<String> {
            let Expr::Dot(b, _, _) = e else { return None };
            let Expr::Variable(v, _, _) = &b.lhs else {
                return None;
            };
            if v.1.as_str() != "d" {
                return None;
            }
            let mut segs = Vec::new();
            props(&b.rhs, &mut segs)?;
            let p = crate::types::FieldPath::new(segs.join("."));
            (m.fields.get(&p)?.ty == FieldType::Date).then(|| p.to_string())
        };
        for (x, y) in [(&f.args[0], &f.args[1]), (&f.args[1], &f.args[0])] {
            let (Some(field), Expr::StringConstant(s, spos)) = (date_field(x), y) else {
                continue;
            };
            // `== ""` / `!= ""` test for an empty text, not an order: allowed.
            let equality = matches!(f.name.as_str(), "==" | "!=");
            if crate::load::county::is_iso_date(s) || (equality && s.is_empty()) {
                continue;
            }
            let at = if spos.is_none() { *pos } else { *spos };
            out.push(
                Diagnostic::error(
                    crate::error::Code::Authoring,
                    file,
                    place(at),
                    format!(
                        "`{owner}` compares the date field `{field}` with \"{s}\", which is not a date written as YYYY-MM-DD; dates compare as text, so the result would be wrong"
                    ),
                )
                .with_help(format!("write the date as {}", iso_hint(s))),
            );
        }
        true
    });
    out
}

/// `a.b.c` after `d.`, only plain properties.
fn props(e: &Expr, out: &mut Vec<String>) -> Option<()> {
    match e {
        Expr::Property(p, _) => out.push(p.2.to_string()),
        Expr::Dot(b, _, _) => {
            props(&b.lhs, out)?;
            props(&b.rhs, out)?;
        }
        _ => return None,
    }
    Some(())
}

/// `"2022.3.1"` → `"2022-03-01"` when the text has a year, month and day; else the pattern.
fn iso_hint(s: &str) -> String {
    let parts: Vec<&str> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    if let [y, m, d] = parts.as_slice() {
        if let (Ok(y), Ok(m), Ok(d)) = (y.parse::<u32>(), m.parse::<u32>(), d.parse::<u32>()) {
            let iso = format!("{y:04}-{m:02}-{d:02}");
            if crate::load::county::is_iso_date(&iso) {
                return format!("\"{iso}\"");
            }
        }
    }
    "\"YYYY-MM-DD\" (e.g. \"2022-03-01\")".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_as_written() {
        assert_eq!(finer_than_milli(33.3334), Some(4));
        assert_eq!(finer_than_milli(33.333), None);
        assert_eq!(finer_than_milli(0.1), None);
        assert_eq!(finer_than_milli(100.0), None);
        assert_eq!(finer_than_milli(0.0001), Some(4));
    }

    #[test]
    fn iso_hints() {
        assert_eq!(iso_hint("2022.3.1"), "\"2022-03-01\"");
        assert_eq!(iso_hint("2022/3/1"), "\"2022-03-01\"");
        assert_eq!(iso_hint("2022年3月1日"), "\"2022-03-01\"");
        assert!(iso_hint("去年").contains("YYYY-MM-DD"));
    }
}
