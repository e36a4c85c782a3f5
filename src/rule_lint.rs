//! Lint of what a rule's calls and text literals mean, from its compiled AST, before any county
//! is scored (docs/FORMAT.md, "What lint checks"):
//!
//! - a text compared with an `enum` field (`==`, `!=`, a `switch` case, `in [...]`) or looked up
//!   in a `list` field with declared `values` (`.contains("…")`, `"…" in d.x`) must be one of the
//!   field's values: a misspelt value would never match, and every county would silently lose
//!   the branch. The error names the value closest to it;
//! - every function a rule calls is a helper of the one table (`helpers::registry`), a function
//!   of rhai a rule may use, or a function the rule defines; with the right number of arguments
//!   (the expected signature is named) and arguments of the right kind where the rule shows it
//!   (a field's declared type, a literal, a helper's result);
//! - a discretionary deduction (`discretion(deduct, max)`) with no field for the evaluators'
//!   reason is a warning: the report would carry a deduction nobody explained.
//!
//! A name read through a `let` (`let s = d.decisions.steps; s.contains("…")`) counts as the
//! field it was given. The texts of `switch` cases are not kept in rhai's AST (only their
//! hashes), so they are taken from rhai's own tokens of the switch the AST points at.

use crate::compile::{chain, resolve, Resolved, RuleSrc};
use crate::error::{did_you_mean, Diagnostic};
use crate::helpers::registry::{self, Arg, Helper, Ret};
use crate::model::{FieldSpec, FieldType, Model};
use rhai::{ASTNode, Engine, Expr, Position, Stmt, Token, AST};
use std::collections::BTreeMap;

/// What lint knows of an expression's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Num,
    Bool,
    /// A text literal (may be a date).
    TextLit,
    /// A `text` or `enum` field.
    Text,
    Date,
    List,
    Array,
    Unknown,
}

impl Ty {
    fn of_field(t: FieldType) -> Ty {
        match t {
            FieldType::Percent | FieldType::Count | FieldType::Number => Ty::Num,
            FieldType::Bool => Ty::Bool,
            FieldType::Date => Ty::Date,
            FieldType::Text | FieldType::Enum => Ty::Text,
            FieldType::List => Ty::List,
            FieldType::Records => Ty::Array,
        }
    }

    fn of_ret(r: Ret) -> Ty {
        match r {
            Ret::Points | Ret::Num | Ret::Int => Ty::Num,
            Ret::Bool => Ty::Bool,
            Ret::Date => Ty::Date,
        }
    }

    /// Whether a value of this kind can never be what `arg` takes.
    fn refused_by(self, arg: Arg) -> bool {
        if self == Ty::Unknown {
            return false;
        }
        match arg {
            Arg::Num | Arg::Int => self != Ty::Num,
            Arg::Bool => self != Ty::Bool,
            Arg::Date => !matches!(self, Ty::Date | Ty::TextLit),
            Arg::Text => !matches!(self, Ty::Text | Ty::TextLit),
            Arg::Bools | Arg::Tiers | Arg::Counts => self != Ty::Array,
            Arg::Path => self != Ty::TextLit,
        }
    }

    fn words(self) -> &'static str {
        match self {
            Ty::Num => "a number",
            Ty::Bool => "a condition (true/false)",
            Ty::TextLit => "a text",
            Ty::Text => "a text",
            Ty::Date => "a date",
            Ty::List => "a list",
            Ty::Array => "an array",
            Ty::Unknown => "a value",
        }
    }
}

struct Cx<'a> {
    m: &'a Model,
    r: &'a RuleSrc<'a>,
    place: &'a dyn Fn(Position) -> (usize, usize),
    /// `let` names bound to a field read: name → field path.
    aliases: BTreeMap<String, String>,
    /// Functions the rule defines: (name, number of parameters).
    script_fns: Vec<(String, usize)>,
    diags: Vec<Diagnostic>,
}

/// Checks the literals and calls of one compiled rule (see the module's documentation).
pub(crate) fn check(
    engine: &Engine,
    ast: &AST,
    m: &Model,
    r: &RuleSrc,
    place: &dyn Fn(Position) -> (usize, usize),
) -> Vec<Diagnostic> {
    let mut cx = Cx {
        m,
        r,
        place,
        aliases: BTreeMap::new(),
        script_fns: ast
            .iter_functions()
            .map(|f| (f.name.to_string(), f.params.len()))
            .collect(),
        diags: Vec::new(),
    };
    // `let` names first, so that a read through one is known wherever it is used.
    ast.walk(&mut |path: &[ASTNode]| {
        if let Some(ASTNode::Stmt(Stmt::Var(v, _, _))) = path.last() {
            if let Some(f) = cx.field_read(&v.1) {
                cx.aliases.insert(v.0.name.to_string(), f.to_string());
            }
        }
        true
    });
    let mut switches = Vec::new();
    ast.walk(&mut |path: &[ASTNode]| {
        match path.last() {
            Some(ASTNode::Stmt(Stmt::Switch(x, pos))) => {
                if let Some(f) = cx.field_read(&x.0) {
                    switches.push((f.to_string(), *pos));
                }
            }
            // A call standing as a statement of its own (a rule that is one call).
            Some(ASTNode::Stmt(Stmt::FnCall(f, pos))) => cx.fn_call(f, *pos),
            Some(ASTNode::Expr(e)) => cx.expr(e, path),
            _ => {}
        }
        true
    });
    for (field, pos) in switches {
        for (label, lpos) in switch_labels(engine, r.expr, pos) {
            cx.literal(&field, &label, lpos, "this case never matches");
        }
    }
    cx.diags
}

/// The text labels of the `switch` at `pos` with their places, from rhai's tokens: a string
/// right after the switch's `{`, a `,` or a `|`, and right before `=>`, `|` or `if`.
fn switch_labels(engine: &Engine, src: &str, pos: Position) -> Vec<(String, Position)> {
    let (tokens, _) = engine.lex([&src]);
    let tokens: Vec<(Token, Position)> = tokens
        .take_while(|(t, _)| !matches!(t, Token::EOF))
        .collect();
    let Some(start) = tokens
        .iter()
        .position(|(t, p)| matches!(t, Token::Switch) && *p == pos)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut body = false;
    for i in start + 1..tokens.len() {
        let t = &tokens[i].0;
        match t {
            Token::LeftBrace | Token::MapStart | Token::LeftParen | Token::LeftBracket => {
                depth += 1;
                if depth == 1 && matches!(t, Token::LeftBrace) {
                    body = true;
                }
            }
            Token::RightBrace | Token::RightParen | Token::RightBracket => {
                depth = depth.saturating_sub(1);
                if depth == 0 && body {
                    break;
                }
            }
            Token::StringConstant(s) if body && depth == 1 => {
                let before = matches!(
                    tokens[i - 1].0,
                    Token::LeftBrace | Token::Comma | Token::Pipe
                );
                let after = tokens.get(i + 1).is_some_and(|(n, _)| {
                    matches!(n, Token::DoubleArrow | Token::Pipe | Token::If)
                });
                if before && after {
                    out.push((s.to_string(), tokens[i].1));
                }
            }
            _ => {}
        }
    }
    out
}

fn is_operator(name: &str) -> bool {
    !name
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
}

fn var_name(e: &Expr) -> Option<&str> {
    match e {
        Expr::Variable(v, _, _) => Some(v.1.as_str()),
        _ => None,
    }
}

impl Cx<'_> {
    fn spec(&self, path: &str) -> Option<&FieldSpec> {
        self.m.fields.get(&crate::types::FieldPath::new(path))
    }

    fn is_list(&self, field: &str) -> bool {
        self.spec(field).is_some_and(|s| s.ty == FieldType::List)
    }

    /// The field an expression reads whole: `d.a.b` (no method call after it), or a `let` name
    /// bound to one.
    fn field_read(&self, e: &Expr) -> Option<&str> {
        match e {
            Expr::Dot(b, _, _) if var_name(&b.lhs) == Some("d") => {
                if !props_only(&b.rhs) {
                    return None;
                }
                let mut c = Vec::new();
                chain(&b.rhs, &mut c);
                match resolve(&c, &self.m.fields) {
                    Resolved::Field(f) => self
                        .m
                        .fields
                        .get_key_value(&crate::types::FieldPath::new(f))
                        .map(|(k, _)| k.as_str()),
                    _ => None,
                }
            }
            Expr::Variable(..) => {
                let n = var_name(e)?;
                self.aliases.get(n).map(String::as_str)
            }
            _ => None,
        }
    }

    /// What lint knows of an expression's value.
    fn ty(&self, e: &Expr) -> Ty {
        if let Some(f) = self.field_read(e) {
            return self.spec(f).map_or(Ty::Unknown, |s| Ty::of_field(s.ty));
        }
        match e {
            Expr::IntegerConstant(..) | Expr::FloatConstant(..) => Ty::Num,
            Expr::BoolConstant(..) | Expr::And(..) | Expr::Or(..) => Ty::Bool,
            Expr::StringConstant(..) => Ty::TextLit,
            Expr::Array(..) => Ty::Array,
            Expr::DynamicConstant(v, _) if v.is_array() => Ty::Array,
            Expr::Variable(..) if var_name(e) == Some("P") => Ty::Num,
            Expr::Dot(b, _, _) => match method_tail(&b.rhs) {
                Some(f) if matches!(f.name.as_str(), "len") => Ty::Num,
                Some(f) if matches!(f.name.as_str(), "contains" | "is_empty") => Ty::Bool,
                _ => Ty::Unknown,
            },
            Expr::FnCall(f, _) => {
                let name = f.name.as_str();
                match name {
                    "==" | "!=" | "<" | "<=" | ">" | ">=" | "!" | "contains" | "is_empty" => {
                        Ty::Bool
                    }
                    "+" | "-" | "*" | "/" | "%" | "**"
                        if f.args.iter().all(|a| self.ty(a) == Ty::Num) =>
                    {
                        Ty::Num
                    }
                    "len" | "floor" | "ceiling" | "round" | "abs" | "to_float" | "to_int" => {
                        Ty::Num
                    }
                    _ => registry::lookup(name, f.args.len())
                        .map_or(Ty::Unknown, |h| Ty::of_ret(h.returns)),
                }
            }
            _ => Ty::Unknown,
        }
    }

    /// How an expression is named in a message.
    fn shown(&self, e: &Expr) -> String {
        if let Some(f) = self.field_read(e) {
            let kind = self.spec(f).map_or("", |s| type_word(s.ty));
            return match e {
                Expr::Variable(..) => {
                    format!("`{}` (the {kind} field `{f}`)", var_name(e).unwrap_or(""))
                }
                _ => format!("`d.{f}`, a {kind} field,"),
            };
        }
        match e {
            Expr::StringConstant(s, _) => format!("\"{s}\""),
            Expr::IntegerConstant(i, _) => i.to_string(),
            Expr::FloatConstant(x, _) => x.to_string(),
            Expr::BoolConstant(b, _) => b.to_string(),
            _ => "the argument".into(),
        }
    }

    fn error(&mut self, pos: Position, msg: String) -> &mut Diagnostic {
        let d = Diagnostic::error(
            crate::error::Code::Expression,
            &self.r.span.file,
            (self.place)(pos),
            msg,
        );
        self.diags.push(d);
        self.diags.last_mut().expect("just pushed")
    }

    /// A text literal checked against the values of `field` (an enum, or a list with values).
    fn literal(&mut self, field: &str, lit: &str, pos: Position, never: &str) {
        let Some(spec) = self.spec(field) else { return };
        let Some(values) = spec.values.as_ref() else {
            return;
        };
        if !matches!(spec.ty, FieldType::Enum | FieldType::List) || values.iter().any(|v| v == lit)
        {
            return;
        }
        let kind = if spec.ty == FieldType::List {
            "the list field"
        } else {
            "the enum field"
        };
        let all = values.join("、");
        let help = match did_you_mean(lit, values.iter().map(String::as_str)) {
            Some(s) => format!("did you mean \"{s}\"? the values of `{field}` are {all}"),
            None => format!("the values of `{field}` are {all}"),
        };
        let id = self.r.id;
        let d = Diagnostic::error(
            crate::error::Code::Literal,
            &self.r.span.file,
            (self.place)(pos),
            format!(
                "`{id}`: \"{lit}\" is not among the values of {kind} `{field}` ({}), so {never}",
                spec.desc
            ),
        )
        .with_help(help);
        self.diags.push(d);
    }

    fn expr(&mut self, e: &Expr, path: &[ASTNode]) {
        match e {
            Expr::FnCall(f, pos) => self.fn_call(f, *pos),
            // A chain `x.a.b.f(..)`: checked once, at its head.
            Expr::Dot(b, _, _) if !is_inner(path) => {
                let recv_field = match var_name(&b.lhs) {
                    Some("d") => {
                        let mut c = Vec::new();
                        chain(&b.rhs, &mut c);
                        match resolve(&c, &self.m.fields) {
                            Resolved::Field(f) => Some(f),
                            _ => None,
                        }
                    }
                    Some(n) => self.aliases.get(n).cloned(),
                    None => None,
                };
                if let Some(m) = method_tail(&b.rhs) {
                    let pos = tail_pos(&b.rhs);
                    if m.name == "contains" && m.args.len() == 1 {
                        if let (Some(field), Expr::StringConstant(s, lpos)) =
                            (recv_field.as_deref(), &m.args[0])
                        {
                            // On a text or enum field `contains` looks for a part of the
                            // text: only a list's values are whole.
                            if self.is_list(field) {
                                let never = "the list never holds it";
                                self.literal(field, s, *lpos, never);
                            }
                        }
                    }
                    let recv = recv_field
                        .as_deref()
                        .and_then(|f| self.spec(f))
                        .map_or(Ty::Unknown, |s| Ty::of_field(s.ty));
                    self.call(m.name.as_str(), &m.args, Some(recv), pos);
                }
            }
            _ => {}
        }
    }

    /// A call `name(args)`: enum and list literals compared or looked up, then the call itself.
    fn fn_call(&mut self, f: &rhai::FnCallExpr, pos: Position) {
        let name = f.name.as_str();
        if matches!(name, "==" | "!=") && f.args.len() == 2 {
            for (a, b) in [(&f.args[0], &f.args[1]), (&f.args[1], &f.args[0])] {
                if let (Some(field), Expr::StringConstant(s, lpos)) =
                    (self.field_read(a).map(str::to_string), b)
                {
                    let never = if name == "==" {
                        "this comparison never holds"
                    } else {
                        "this comparison always holds"
                    };
                    self.literal(&field, s, *lpos, never);
                }
            }
        }
        if name == "contains" && f.args.len() == 2 {
            // `x in [..]` is `contains([..], x)`; `"v" in d.list` is `contains(d.list, "v")`.
            match (&f.args[0], &f.args[1]) {
                (Expr::Array(items, _), x) => {
                    if let Some(field) = self.field_read(x).map(str::to_string) {
                        for it in items.iter() {
                            if let Expr::StringConstant(s, lpos) = it {
                                self.literal(&field, s, *lpos, "it never matches");
                            }
                        }
                    }
                }
                (l, Expr::StringConstant(s, lpos)) => {
                    if let Some(field) = self.field_read(l).map(str::to_string) {
                        if self.is_list(&field) {
                            self.literal(&field, s, *lpos, "the list never holds it");
                        }
                    }
                }
                // An array of constants is folded into one constant by the optimiser: its
                // texts are checked at the array's place.
                (Expr::DynamicConstant(v, apos), x) => {
                    if let (Some(field), Some(items)) = (
                        self.field_read(x).map(str::to_string),
                        v.read_lock::<rhai::Array>(),
                    ) {
                        let texts: Vec<String> = items
                            .iter()
                            .filter_map(|it| {
                                it.read_lock::<rhai::ImmutableString>()
                                    .map(|s| s.to_string())
                            })
                            .collect();
                        drop(items);
                        for s in texts {
                            self.literal(&field, &s, *apos, "it never matches");
                        }
                    }
                }
                _ => {}
            }
        }
        if !is_operator(name) {
            self.call(name, &f.args, None, pos);
        }
    }

    /// A call of `name` with `args` (after the receiver `recv` of a method call).
    fn call(&mut self, name: &str, args: &[Expr], recv: Option<Ty>, pos: Position) {
        let n = args.len() + usize::from(recv.is_some());
        if self.script_fns.iter().any(|(f, k)| f == name && *k == n) {
            return;
        }
        let id = self.r.id;
        let overloads: Vec<&Helper> = registry::overloads(name).collect();
        if overloads.is_empty() {
            let rhai: Vec<usize> = registry::RHAI_FUNCTIONS
                .iter()
                .filter(|f| f.0 == name)
                .map(|f| f.1)
                .collect();
            if rhai.contains(&n) {
                return;
            }
            if let Some(k) = rhai.first() {
                self.error(
                    pos,
                    format!("`{id}`: `{name}` takes {k} argument{} (the value it is called on counted), not {n}", plural(*k)),
                );
                return;
            }
            let d = self.error(
                pos,
                format!("`{id}` calls `{name}`, which is no helper of the rule language (every county would fail this rule: \"Function not found\")"),
            );
            let help = match did_you_mean(name, registry::all_names()) {
                Some(s) => match registry::overloads(s)
                    .map(|h| h.signature())
                    .collect::<Vec<_>>()
                {
                    sigs if sigs.is_empty() => format!("did you mean `{s}`?"),
                    sigs => format!("did you mean `{s}`? ({})", sigs.join(" or ")),
                },
                None => "the helpers are listed in docs/FORMAT.md (Helper functions)".into(),
            };
            d.help = Some(help);
            return;
        }
        let Some(h) = overloads.iter().find(|h| h.params.len() == n) else {
            let sigs: Vec<String> = overloads.iter().map(|h| h.signature()).collect();
            let ks: Vec<String> = overloads
                .iter()
                .map(|h| h.params.len().to_string())
                .collect();
            let takes = ks.join(" or ");
            self.error(
                pos,
                format!(
                    "`{id}`: `{name}` takes {takes} argument{}, not {n}",
                    if takes == "1" { "" } else { "s" }
                ),
            )
            .help = Some(format!(
                "write {}",
                sigs.iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ));
            return;
        };
        let tys: Vec<(Ty, Option<&Expr>)> = recv
            .map(|t| (t, None))
            .into_iter()
            .chain(args.iter().map(|a| (self.ty(a), Some(a))))
            .collect();
        for (k, ((ty, e), (pname, arg))) in tys.iter().zip(h.params).enumerate() {
            if ty.refused_by(*arg) {
                let what = e.map_or("the value it is called on".to_string(), |e| self.shown(e));
                let at = e.map_or(pos, |e| e.position());
                self.error(
                    at,
                    format!(
                        "`{id}`: argument {} of `{}` (`{pname}`) must be {}; {what} is {}",
                        k + 1,
                        h.signature(),
                        arg.words(),
                        ty.words()
                    ),
                );
            }
        }
        if name == "discretion" && n == 2 {
            let d = Diagnostic::warning(
                crate::error::Code::Authoring,
                &self.r.span.file,
                (self.place)(pos),
                format!("`{id}`: a discretionary deduction (酌情扣分) with no field for the evaluators' reason; the report would show a deduction nobody explained"),
            )
            .with_help("declare a `text` field for the reason, list it in `optional_inputs` and pass it third: `discretion(d.x.deduct, 2, d.x.reason)`");
            self.diags.push(d);
        }
    }
}

fn type_word(t: FieldType) -> &'static str {
    match t {
        FieldType::Percent => "percent",
        FieldType::Count => "count",
        FieldType::Number => "number",
        FieldType::Bool => "bool",
        FieldType::Date => "date",
        FieldType::Text => "text",
        FieldType::Enum => "enum",
        FieldType::List => "list",
        FieldType::Records => "records",
    }
}

fn plural(k: usize) -> &'static str {
    if k == 1 {
        ""
    } else {
        "s"
    }
}

/// Whether the node is the right side of a `Dot` (part of a chain, not its head).
fn is_inner(path: &[ASTNode]) -> bool {
    path.len() >= 2 && matches!(path[path.len() - 2], ASTNode::Expr(Expr::Dot(..)))
}

/// Whether a chain after `d.` is properties only (`a.b`, no method call).
fn props_only(e: &Expr) -> bool {
    match e {
        Expr::Property(..) => true,
        Expr::Dot(b, _, _) => matches!(b.lhs, Expr::Property(..)) && props_only(&b.rhs),
        _ => false,
    }
}

/// The method call ending a chain of properties (`a.b.contains(x)` gives `contains`).
fn method_tail(e: &Expr) -> Option<&rhai::FnCallExpr> {
    match e {
        Expr::MethodCall(f, _) => Some(f),
        Expr::Dot(b, _, _) if matches!(b.lhs, Expr::Property(..)) => method_tail(&b.rhs),
        _ => None,
    }
}

fn tail_pos(e: &Expr) -> Position {
    match e {
        Expr::MethodCall(_, p) => *p,
        Expr::Dot(b, _, _) => tail_pos(&b.rhs),
        other => other.position(),
    }
}
