//! Step 1, load: YAML documents → the typed [`Model`]. Parse errors name the file, line and column
//! and suggest the key that was probably meant.

pub(crate) mod county;
mod fast;
#[cfg(test)]
mod fast_tests;
pub mod files;
pub(crate) mod parse;
pub(crate) mod value;

use crate::error::{did_you_mean, Diagnostic, Error, Result};
use crate::load::parse::{Node, Syntax};
use crate::model::{Header, Leaf, Model, Node as ModelNode, RawDoc, RawNode, Span};
use crate::types::{hex, Points};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// The text of a rule set: its YAML documents by name (relative path), read from a folder or
/// handed over from memory (an assessment system's database, say).
///
/// ```
/// let src = fazhi::RuleSource::from_documents([("ruleset.yaml", "ruleset: {id: x, title: 标题, version: '1', total_points: 0}")]);
/// assert_eq!(src.documents().len(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleSource {
    docs: Vec<(String, String)>,
}

impl RuleSource {
    /// Every `*.yaml` / `*.yml` file below `dir`, named by its path relative to `dir`.
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<RuleSource> {
        let dir = dir.as_ref();
        let mut docs = Vec::new();
        collect(dir, dir, &mut docs)?;
        if docs.is_empty() {
            return Err(Error::Invalid(format!(
                "{}: no .yaml files found; a rule set is a folder of YAML files (see docs/FORMAT.md)",
                dir.display()
            )));
        }
        Ok(RuleSource::from_documents(docs))
    }

    /// Documents from memory: (name, YAML text) pairs. Order does not matter.
    pub fn from_documents<N: Into<String>, T: Into<String>>(
        docs: impl IntoIterator<Item = (N, T)>,
    ) -> RuleSource {
        let mut docs: Vec<(String, String)> = docs
            .into_iter()
            .map(|(n, t)| (n.into(), normalise(&t.into())))
            .collect();
        docs.sort();
        RuleSource { docs }
    }

    /// The documents, sorted by name, with normalised text.
    pub fn documents(&self) -> &[(String, String)] {
        &self.docs
    }

    /// sha256 over the normalised documents (names and text), in name order. A line that is an
    /// editor's schema modeline (`# yaml-language-server: $schema=…`) is left out: it tells an
    /// editor where the JSON Schema is and says nothing about the rules, so adding or moving it
    /// keeps the rule set's identity.
    pub fn hash(&self) -> String {
        let mut h = Sha256::new();
        for (name, text) in &self.docs {
            h.update(name.as_bytes());
            h.update([0]);
            for line in text.split_inclusive('\n') {
                if !is_modeline(line) {
                    h.update(line.as_bytes());
                }
            }
            h.update([0]);
        }
        hex(&h.finalize())
    }
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) -> Result<()> {
    // The rule set's own tests (`tests/`, see `ruletests`) are no part of its rules.
    let tests = root.join(crate::ruletests::TESTS_DIR);
    for path in files::walk(dir, &["yaml", "yml"])? {
        if path.starts_with(&tests) {
            continue;
        }
        let text = files::read_text(&path)?;
        let rel = path.strip_prefix(root).unwrap_or(&path);
        let name = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        out.push((name, text));
    }
    Ok(())
}

/// Whether a line is a `yaml-language-server` schema modeline (a comment for editors).
fn is_modeline(line: &str) -> bool {
    line.trim_start()
        .strip_prefix('#')
        .is_some_and(|c| c.trim_start().starts_with("yaml-language-server:"))
}

/// Normalised text: no BOM, `\n` line ends, no trailing spaces, one final newline.
fn normalise(text: &str) -> String {
    let t = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    let mut s: String = t.lines().map(str::trim_end).collect::<Vec<_>>().join("\n");
    let trimmed = s.trim_end_matches('\n').len();
    s.truncate(trimmed);
    s.push('\n');
    s
}

/// Parses and merges the documents. Returns the model when every file parsed and the set has its
/// header, plus every problem found.
pub(crate) fn load(src: &RuleSource) -> (Option<Model>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut header: Option<(Header, Span)> = None;
    let mut fields = BTreeMap::new();
    let mut model_nodes = Vec::new();
    let (mut vetoes, mut bonuses, mut penalties, mut pass_lines, mut checks) =
        (vec![], vec![], vec![], vec![], vec![]);
    let mut parsed_all = true;
    let mut too_fine = std::collections::BTreeSet::new();
    for (name, text) in &src.docs {
        if let Some(at) = files::too_deep(text) {
            parsed_all = false;
            diags.push(Diagnostic::error(
                crate::error::Code::Syntax,
                name,
                at,
                files::too_deep_message(),
            ));
            continue;
        }
        // One pass for the places of keys and values (and every duplicate key, with both
        // lines), one straight into the typed document.
        let tree = match parse::tree(name, text, Syntax::Yaml) {
            Ok(t) => t,
            Err(d) => {
                parsed_all = false;
                let mut cut_lines = Vec::new();
                for d in d {
                    match flow_cut(text, d.line, d.column) {
                        Some(_) if cut_lines.contains(&d.line) => {}
                        Some(c) => {
                            cut_lines.push(d.line);
                            diags.push(c.diagnostic(name));
                        }
                        None => diags.push(d),
                    }
                }
                continue;
            }
        };
        // Checks on the YAML as written (points' decimals, enum values, bonus caps), even when
        // the file does not read into the model below.
        let (written, fine) = crate::authoring::scan_file(name, &tree);
        diags.extend(written);
        too_fine.extend(fine);
        let doc: RawDoc = match typed_past_unknown_keys(name, text, &mut diags) {
            Some(d) => d,
            None => {
                parsed_all = false;
                continue;
            }
        };
        let span = |at: (usize, usize)| Span {
            file: name.clone(),
            line: at.0,
            column: at.1,
        };
        // The place of the `id:` key of the i-th item of a top-level list.
        let id_at = |list: &str, i: usize| {
            tree.get(list)
                .and_then(|l| l.items().get(i))
                .map_or((0, 0), id_place)
        };
        if let Some(h) = doc.ruleset {
            let span = span(tree.entry("ruleset").map_or((1, 1), |e| e.key_at));
            if let Some((_, first)) = &header {
                diags.push(
                    Diagnostic::error(
                        crate::error::Code::DuplicateKey,
                        name,
                        (span.line, span.column),
                        format!(
                            "a second `ruleset:` header; the first is in {}:{}",
                            first.file, first.line
                        ),
                    )
                    .with_help("a rule set has exactly one header"),
                );
            } else {
                header = Some((h, span));
            }
        }
        let field_keys = tree.get("fields");
        for (path, mut spec) in doc.fields {
            let at = field_keys
                .and_then(|f| f.entries().iter().find(|e| e.key == path.as_str()))
                .map_or((0, 0), |e| e.key_at);
            spec.span = span(at);
            if let Some(prev) = fields.get(&path) {
                let prev: &crate::model::FieldSpec = prev;
                diags.push(
                    Diagnostic::error(
                        crate::error::Code::DuplicateKey,
                        name,
                        at,
                        format!(
                            "field `{path}` is declared twice; the first is in {}:{}",
                            prev.span.file, prev.span.line
                        ),
                    )
                    .with_help("declare each field once, in one file"),
                );
                continue;
            }
            fields.insert(path, spec);
        }
        let tops = tree.get("indicators").map_or(&[][..], Node::items);
        for (i, raw) in doc.indicators.into_iter().enumerate() {
            flatten(
                raw,
                tops.get(i),
                None,
                1,
                &span,
                &mut model_nodes,
                &mut diags,
            );
        }
        vetoes.extend(doc.vetoes.into_iter().enumerate().map(|(i, mut v)| {
            v.span = span(id_at("vetoes", i));
            v
        }));
        bonuses.extend(doc.bonuses.into_iter().enumerate().map(|(i, mut v)| {
            v.span = span(id_at("bonuses", i));
            v
        }));
        penalties.extend(doc.penalties.into_iter().enumerate().map(|(i, mut v)| {
            v.span = span(id_at("penalties", i));
            v
        }));
        pass_lines.extend(doc.pass_lines.into_iter().enumerate().map(|(i, mut v)| {
            v.span = span(id_at("pass_lines", i));
            v
        }));
        checks.extend(doc.checks.into_iter().enumerate().map(|(i, mut v)| {
            v.span = span(id_at("checks", i));
            v
        }));
    }
    let Some((header, header_span)) = header else {
        if parsed_all {
            diags.push(
                Diagnostic::error(
                    crate::error::Code::MissingKey,
                    src.docs.first().map_or("<rules>", |d| d.0.as_str()),
                    (0, 0),
                    "the rule set has no `ruleset:` header".into(),
                )
                .with_help("add `ruleset: {id, title, version, total_points}` to one file"),
            );
        }
        return (None, diags);
    };
    if !parsed_all {
        return (None, diags);
    }
    let model = Model {
        written_total: header.total_points,
        header,
        header_span,
        fields,
        nodes: model_nodes,
        vetoes,
        bonuses,
        penalties,
        pass_lines,
        checks,
        hash: src.hash(),
        files: src.docs.clone(),
        too_fine,
        scale: 1.0,
        shares: false,
    };
    (Some(model), diags)
}

/// Reads one rule file into its typed document. An unknown (misspelt) key is reported and then
/// set aside (`yaml_keys`), and the file read again, so that one lint run also lists the points,
/// expression and read errors of the rest of the file (and every further unknown key). `None`
/// when the file cannot be read even so (its error is reported).
fn typed_past_unknown_keys(name: &str, text: &str, diags: &mut Vec<Diagnostic>) -> Option<RawDoc> {
    let mut owned: Option<String> = None;
    // Lines where an expression was cut at a comma (said once; the pieces are not named).
    let mut cut_lines: Vec<usize> = Vec::new();
    // Every pass sets one key aside: the bound only guards against a key that cannot be.
    for _ in 0..64 {
        let t = owned.as_deref().unwrap_or(text);
        match parse::typed::<Option<RawDoc>>(name, t, Syntax::Yaml) {
            Ok(d) => return Some(d.unwrap_or_default()),
            Err(d) => {
                if let Some(c) = county_file(name, t, &d) {
                    diags.push(c);
                    return None;
                }
                let next = d
                    .message
                    .contains("unknown field `")
                    .then(|| crate::yaml_keys::set_aside(t, d.line, d.column))
                    .flatten();
                match flow_cut(text, d.line, d.column) {
                    Some(_) if cut_lines.contains(&d.line) => {}
                    Some(c) => {
                        cut_lines.push(d.line);
                        diags.push(c.diagnostic(name));
                    }
                    None => diags.push(with_field_help(d)),
                }
                match next {
                    Some(n) if n != t => owned = Some(n),
                    _ => return None,
                }
            }
        }
    }
    None
}

/// An expression cut at a comma in a flow mapping: `{ …, score: deduct_below(d.x, 90, 1, 1) }`
/// is read as `score: deduct_below(d.x` and the keys `90`, `1`, `1)`.
pub(crate) struct FlowCut {
    /// The key whose value was cut (`score`, `when`, `expect`).
    key: &'static str,
    /// Where its value starts.
    at: (usize, usize),
    /// The expression as written, up to the mapping's closing brace.
    written: String,
}

impl FlowCut {
    fn diagnostic(&self, file: &str) -> Diagnostic {
        Diagnostic::error(
            crate::error::Code::Syntax,
            file,
            self.at,
            format!(
                "the `{}` expression is cut at its first comma: inside `{{ … }}` a comma ends an unquoted value, so the rest was read as more keys",
                self.key
            ),
        )
        .with_help(format!(
            "quote the expression: `{}: \"{}\"` (or write the item as a block mapping, one key a line)",
            self.key,
            self.written.replace('"', "\\\"")
        ))
    }
}

/// Whether the place `(line, column)` of a parse error lies after an expression key (`score:`,
/// `when:`, `expect:`) of a flow mapping on the same line whose value, up to that place, opens
/// more brackets than it closes and holds a comma: the expression was cut there.
pub(crate) fn flow_cut(text: &str, line: usize, column: usize) -> Option<FlowCut> {
    let l = text.lines().nth(line.checked_sub(1)?)?;
    let chars: Vec<char> = l.chars().collect();
    let upto: String = chars.iter().take(column.saturating_sub(1)).collect();
    let (key, start) = ["score", "when", "expect"]
        .iter()
        .filter_map(|k| {
            let pat = format!("{k}:");
            upto.match_indices(&pat)
                .filter(|(i, _)| {
                    upto[..*i]
                        .chars()
                        .rev()
                        .find(|c| !c.is_whitespace())
                        .is_some_and(|c| c == '{' || c == ',')
                })
                .map(|(i, _)| (*k, i + pat.len()))
                .last()
        })
        .max_by_key(|(_, i)| *i)?;
    let value = &upto[start..];
    // A quoted value is never cut at a comma.
    if value.trim_start().starts_with(['"', '\'']) {
        return None;
    }
    let opens = value.chars().filter(|c| matches!(c, '(' | '[')).count();
    let closes = value.chars().filter(|c| matches!(c, ')' | ']')).count();
    if opens <= closes || !value.contains(',') || !upto[..start].contains('{') {
        return None;
    }
    let rest = &l[start..];
    let end = rest.rfind('}').unwrap_or(rest.len());
    let written = rest[..end].trim().to_string();
    let col = upto[..start].chars().count() + 1 + (value.len() - value.trim_start().len());
    Some(FlowCut {
        key,
        at: (line, col),
        written,
    })
}

/// A county data file left among the rules (its top level has `county:` and no key of a rule
/// file): said as such, instead of "unknown field `county`" and whatever follows from it.
/// Looked for only when the file failed to read as a rule file.
fn county_file(name: &str, text: &str, err: &Diagnostic) -> Option<Diagnostic> {
    if !err.message.contains("unknown field `county`")
        && !err.message.contains("unknown field `data`")
    {
        return None;
    }
    let tree = parse::tree(name, text, Syntax::Yaml).ok()?;
    let county = tree.entry("county")?;
    let rule_keys = [
        "ruleset",
        "fields",
        "indicators",
        "vetoes",
        "bonuses",
        "penalties",
        "pass_lines",
        "checks",
    ];
    if rule_keys.iter().any(|k| tree.entry(k).is_some()) {
        return None;
    }
    Some(
        Diagnostic::error(
            crate::error::Code::UnknownKey,
            name,
            county.key_at,
            format!("`{name}` is a county file (it has `county:`), not a rule file; every `.yaml` file of the rules folder is read as rules"),
        )
        .with_help("move it out of the rules folder (e.g. to counties/) and score it with `fazhi score --rules DIR FILE`"),
    )
}

/// The place of a list item's `id:` key (the item itself when it has none).
fn id_place(item: &Node) -> (usize, usize) {
    item.entry("id").map_or(item.at, |e| e.key_at)
}

fn flatten(
    raw: RawNode,
    at: Option<&Node>,
    parent: Option<usize>,
    level: usize,
    span_of: &dyn Fn((usize, usize)) -> Span,
    out: &mut Vec<ModelNode>,
    diags: &mut Vec<Diagnostic>,
) -> usize {
    let idx = out.len();
    let place_of = |n: Option<&Node>| span_of(n.map_or((0, 0), id_place));
    let part_places = at.and_then(|n| n.get("parts")).map_or(&[][..], Node::items);
    if raw.parts.is_some() {
        let s = place_of(at);
        let mut bad = |what: &str| {
            diags.push(
                Diagnostic::error(crate::error::Code::Structure, &s.file, s.loc(), format!("item `{}` has `parts` and {what}", raw.id))
                    .with_help("an item made of parts has no `children`, `inputs` or `score` of its own: each part has them"),
            )
        };
        if raw.children.is_some() {
            bad("`children`");
        }
        if raw.score.is_some() || raw.inputs.is_some() {
            bad("its own `inputs`/`score`");
        }
        for (j, part) in raw.parts.iter().flatten().enumerate() {
            if part.children.is_some() || part.parts.is_some() {
                let s = place_of(part_places.get(j));
                diags.push(
                    Diagnostic::error(
                        crate::error::Code::Structure,
                        &s.file,
                        s.loc(),
                        format!(
                            "part `{}` of item `{}` has children or parts of its own",
                            part.id, raw.id
                        ),
                    )
                    .with_help("a part is scored on its own: give it `inputs` and `score`"),
                );
            }
        }
    }
    let area = parent.map_or(idx, |p| out[p].area);
    let span = place_of(at);
    // issue 27 shape 5: records
    let (score, records) = records_leaf(&raw, &span, diags);
    // issue 27 shape 6: relative scores — a `relative:` block is a leaf without `score:`
    // (both given is reported by `check`); its inputs default to the compared field.
    let relative = raw.relative.clone().map(Arc::new);
    let inputs = match (&raw.inputs, &relative) {
        (None, Some(r)) => vec![r.field.clone()],
        _ => raw.inputs.clone().unwrap_or_default(),
    };
    let score = score.or_else(|| relative.as_ref().map(|_| String::new()));
    let leaf = score.map(|score| Leaf {
        inputs,
        optional_inputs: raw.optional_inputs.clone(),
        score,
        rule_text: raw.rule_text.as_deref().map(Arc::from),
        target: raw.target.clone(),
        evidence: Arc::from(raw.evidence.as_slice()),
        records: records.clone(),
        relative,
    });
    out.push(ModelNode {
        id: raw.id,
        name: Arc::from(raw.name),
        name_en: raw.name_en.map(Arc::from),
        points: match raw.points {
            crate::model::NodePoints::Points(p) => p,
            crate::model::NodePoints::Share(_) => Points::ZERO,
        },
        written: None,
        share: match raw.points {
            crate::model::NodePoints::Share(s) => Some(s),
            crate::model::NodePoints::Points(_) => None,
        },
        level,
        parent,
        children: Vec::new(),
        area,
        leaf,
        official_no: raw.official_no,
        made_of_parts: raw.parts.is_some(),
        span,
    });
    // A leaf with `inputs` but no `score`, or children with a score, is reported by `check`;
    // remember the raw shape through the `inputs`-without-score case here.
    if out[idx].leaf.is_none()
        && raw.inputs.is_some()
        && raw.children.is_none()
        && raw.parts.is_none()
    {
        out[idx].leaf = Some(Leaf {
            inputs: raw.inputs.unwrap_or_default(),
            optional_inputs: raw.optional_inputs,
            score: String::new(),
            rule_text: raw.rule_text.map(Arc::from),
            target: raw.target,
            evidence: Arc::from(raw.evidence),
            records: None,
            relative: None,
        });
    }
    // The parts of an item are its children; `check` refuses a node with both, and a part with
    // children or parts of its own.
    let kids = at
        .and_then(|n| n.get("children"))
        .map_or(&[][..], Node::items);
    let children = raw.children.unwrap_or_default().into_iter().enumerate();
    let parts = raw.parts.unwrap_or_default().into_iter().enumerate();
    let placed = children
        .map(|(j, c)| (c, kids.get(j)))
        .chain(parts.map(|(j, p)| (p, part_places.get(j))));
    for (child, place) in placed {
        let c = flatten(child, place, Some(idx), level + 1, span_of, out, diags);
        out[idx].children.push(c);
    }
    idx
}

// issue 27 shape 5: records
/// The expression a leaf runs and, for an item that scores a records field one record at a time
/// (`each:` with `record_score:`), its record rule. `each:`, `record_score:`, `record_points:`
/// and `combine:` go together and never with `score:`: a mix is an error at the item's `id:`.
fn records_leaf(
    raw: &RawNode,
    span: &Span,
    diags: &mut Vec<Diagnostic>,
) -> (Option<String>, Option<crate::model::RecordRule>) {
    let extras = raw.record_points.is_some() || raw.combine.is_some();
    let mut bad = |m: String, help: &str| {
        diags.push(
            Diagnostic::error(crate::error::Code::Structure, &span.file, span.loc(), m)
                .with_help(help.to_string()),
        )
    };
    let help = "an item scored record by record has `each: FIELD`, `record_score:` and optionally `record_points:` and `combine:` (docs/FORMAT.md, \"Records averaged\")";
    match (&raw.each, &raw.record_score) {
        (None, None) => {
            if extras {
                bad(
                    format!(
                        "item `{}` has `record_points`/`combine` but no `each:`",
                        raw.id
                    ),
                    help,
                );
            }
            (raw.score.clone(), None)
        }
        (Some(field), Some(expr)) => {
            if raw.score.is_some() {
                bad(
                    format!(
                        "item `{}` has both `score` and `record_score`: a records item is scored by `record_score` alone",
                        raw.id
                    ),
                    help,
                );
                return (None, None);
            }
            let rule = crate::model::RecordRule {
                field: field.clone(),
                points: raw.record_points,
                combine: raw.combine.unwrap_or_default(),
            };
            (Some(expr.clone()), Some(rule))
        }
        (Some(_), None) => {
            bad(
                format!("item `{}` has `each:` but no `record_score:`", raw.id),
                help,
            );
            (raw.score.clone(), None)
        }
        (None, Some(_)) => {
            bad(
                format!("item `{}` has `record_score:` but no `each:`", raw.id),
                help,
            );
            (raw.score.clone(), None)
        }
    }
}

/// Where a rule's expression (`score:`, `when:`, `expect:`) starts: the 1-based line and column of
/// its first character, and whether it is a block scalar (`|`, `>`) or starts on a line of its
/// own, whose lines keep their columns. `id_line` is the line of the rule's `id:` key; the places
/// are the YAML parser's (a quoted expression starts one column after its quote).
pub(crate) fn expression_origin(
    text: &str,
    id_line: usize,
    key: &str,
) -> Option<(usize, usize, bool)> {
    let tree = cached_tree(text)?;
    let item = find_item(&tree, id_line)?;
    let e = item.entry(key)?;
    let (line, col) = e.value.at;
    let block = line > e.key_at.0;
    let quoted = text
        .lines()
        .nth(line.checked_sub(1)?)
        .and_then(|l| l.chars().nth(col.checked_sub(1)?))
        .is_some_and(|c| c == '"' || c == '\'');
    Some((line, if quoted { col + 1 } else { col }, block))
}

/// The mapping whose `id:` key is on `line`, anywhere in the tree.
fn find_item(n: &Node, line: usize) -> Option<&Node> {
    if n.entry("id").is_some_and(|e| e.key_at.0 == line) {
        return Some(n);
    }
    n.entries()
        .iter()
        .map(|e| &e.value)
        .chain(n.items())
        .find_map(|c| find_item(c, line))
}

/// The parsed tree of a rule file, kept (per thread) for the last text asked about, so that
/// finding every rule's expression parses its file once, not once per rule (50,000 items: linear).
fn cached_tree(text: &str) -> Option<std::rc::Rc<Node>> {
    use std::cell::RefCell;
    use std::hash::{Hash, Hasher};
    type Key = (usize, usize, u64);
    thread_local! {
        static TREE: RefCell<Option<(Key, std::rc::Rc<Node>)>> = const { RefCell::new(None) };
    }
    // Address, length and a hash of both ends: cheap (hashing the whole text per rule would be
    // quadratic again); a stale tree could only misplace a message, never panic.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.as_bytes()[..text.len().min(256)].hash(&mut h);
    text.as_bytes()[text.len().saturating_sub(256)..].hash(&mut h);
    let key = (text.as_ptr() as usize, text.len(), h.finish());
    TREE.with(|cell| {
        let mut c = cell.borrow_mut();
        if let Some((k, t)) = c.as_ref() {
            if *k == key {
                return Some(t.clone());
            }
        }
        let t = std::rc::Rc::new(parse::tree("", text, Syntax::Yaml).ok()?);
        *c = Some((key, t.clone()));
        Some(t)
    })
}

/// A typed-parse error with a did-you-mean for an unknown key.
fn with_field_help(mut d: Diagnostic) -> Diagnostic {
    let msg = d.message.clone();
    if let Some(rest) = msg.split("unknown field `").nth(1) {
        let word = rest.split('`').next().unwrap_or("");
        // serde-saphyr lists the allowed keys bare: `expected one of id, name, …`.
        let expected: Vec<&str> = msg
            .split("expected one of ")
            .nth(1)
            .unwrap_or("")
            .split(',')
            .map(|w| w.trim().trim_matches('`'))
            .filter(|w| !w.is_empty())
            .collect();
        if let Some(s) = did_you_mean(word, expected.iter().copied()) {
            d = d.with_help(format!("did you mean `{s}`?"));
        } else if !expected.is_empty() {
            d = d.with_help(format!("allowed here: {}", expected.join(", ")));
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_ignores_line_ends_and_trailing_space() {
        assert_eq!(normalise("\u{feff}a: 1  \r\nb: 2\r\n\r\n"), "a: 1\nb: 2\n");
        let a = RuleSource::from_documents([("x.yaml", "a: 1\n"), ("y.yaml", "b: 2")]);
        let b = RuleSource::from_documents([("y.yaml", "b: 2\r\n"), ("x.yaml", "a: 1")]);
        assert_eq!(a.hash(), b.hash());
    }

    #[test]
    fn a_schema_modeline_does_not_change_the_hash() {
        let text = "ruleset: {id: x, title: 标题, version: '1', total_points: 0}\n";
        let plain = RuleSource::from_documents([("r.yaml", text)]);
        let top =
            format!("# yaml-language-server: $schema=../../schemas/rules.schema.json\n{text}");
        let end = format!("{text}#  yaml-language-server: $schema=x.json\n");
        assert_eq!(
            plain.hash(),
            RuleSource::from_documents([("r.yaml", top)]).hash()
        );
        assert_eq!(
            plain.hash(),
            RuleSource::from_documents([("r.yaml", end)]).hash()
        );
        // Any other comment is part of the text, and of the hash.
        let other = format!("# a note\n{text}");
        assert_ne!(
            plain.hash(),
            RuleSource::from_documents([("r.yaml", other)]).hash()
        );
    }

    #[test]
    fn finds_expression_origins() {
        let text = "- id: \"1.1\"\n  points: 2\n  score: award(true)\n- id: \"1.2\"\n  score: |\n    let x = 1;\n    x\n";
        assert_eq!(expression_origin(text, 1, "score"), Some((3, 10, false)));
        assert_eq!(expression_origin(text, 4, "score"), Some((6, 5, true)));
        // Quoted: the expression starts after the quote (col 11 + 1).
        let text = "- id: \"1.1\"\n  score: \"award(true)\"\n";
        assert_eq!(expression_origin(text, 1, "score"), Some((2, 11, false)));
    }
}
