//! Step 1, load: YAML documents → the typed [`Model`]. Parse errors name the file, line and column
//! and suggest the key that was probably meant.

pub(crate) mod county;

use crate::error::{did_you_mean, Diagnostic, Error, Result};
use crate::load::county::{find_key_line, strip_location};
use crate::model::{Header, Leaf, Model, Node, RawDoc, RawNode, Span};
use crate::types::hex;
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

    /// sha256 over the normalised documents (names and text), in name order.
    pub fn hash(&self) -> String {
        let mut h = Sha256::new();
        for (name, text) in &self.docs {
            h.update(name.as_bytes());
            h.update([0]);
            h.update(text.as_bytes());
            h.update([0]);
        }
        hex(&h.finalize())
    }
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) -> Result<()> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(io(dir))?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let ft = e.file_type().map_err(io(&path))?;
        if ft.is_dir() {
            collect(root, &path, out)?;
        } else if matches!(
            path.extension().and_then(|x| x.to_str()),
            Some("yaml" | "yml")
        ) {
            let text = std::fs::read_to_string(&path).map_err(io(&path))?;
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let name = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.push((name, text));
        }
    }
    Ok(())
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
        // Checks on the YAML as written (points' decimals, enum values), even when the file
        // does not parse into the model below.
        let (written, fine) = crate::authoring::scan_file(name, text);
        diags.extend(written);
        too_fine.extend(fine);
        let doc: RawDoc = match parse_past_unknown_keys(name, text, &mut diags) {
            Some(d) => d,
            None => {
                parsed_all = false;
                continue;
            }
        };
        let ids = id_lines(text);
        let span_of = |id: &str| {
            let (line, column) = ids.get(id).copied().unwrap_or((0, 0));
            Span {
                file: name.clone(),
                line,
                column,
            }
        };
        if let Some(h) = doc.ruleset {
            let (line, column) = find_key_line(text, "ruleset");
            let span = Span {
                file: name.clone(),
                line,
                column,
            };
            if let Some((_, first)) = &header {
                diags.push(
                    Diagnostic::error(
                        name,
                        (span.line, 1),
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
        for (path, mut spec) in doc.fields {
            let (line, column) = find_key_line(text, path.as_str());
            spec.span = Span {
                file: name.clone(),
                line,
                column,
            };
            if let Some(prev) = fields.get(&path) {
                let prev: &crate::model::FieldSpec = prev;
                diags.push(Diagnostic::error(
                    name,
                    (spec.span.line, 1),
                    format!(
                        "field `{path}` is declared twice; the first is in {}:{}",
                        prev.span.file, prev.span.line
                    ),
                ));
                continue;
            }
            fields.insert(path, spec);
        }
        for raw in doc.indicators {
            flatten(raw, None, 1, &span_of, &mut model_nodes, &mut diags);
        }
        vetoes.extend(doc.vetoes.into_iter().map(|mut v| {
            v.span = span_of(v.id.as_str());
            v
        }));
        bonuses.extend(doc.bonuses.into_iter().map(|mut v| {
            v.span = span_of(v.id.as_str());
            v
        }));
        penalties.extend(doc.penalties.into_iter().map(|mut v| {
            v.span = span_of(v.id.as_str());
            v
        }));
        pass_lines.extend(doc.pass_lines.into_iter().map(|mut v| {
            v.span = span_of(v.id.as_str());
            v
        }));
        checks.extend(doc.checks.into_iter().map(|mut v| {
            v.span = span_of(v.id.as_str());
            v
        }));
    }
    let Some((header, header_span)) = header else {
        if parsed_all {
            diags.push(
                Diagnostic::error(
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
    };
    (Some(model), diags)
}

/// Parses one rule file. An unknown (misspelt) key is reported and then set aside, and the file
/// parsed again, so that one lint run also lists the points, expression and read errors of the
/// rest of the file (and every further unknown key). `None` when the file cannot be parsed even
/// so (its error is reported).
fn parse_past_unknown_keys(name: &str, text: &str, diags: &mut Vec<Diagnostic>) -> Option<RawDoc> {
    let mut text = text.to_string();
    // Every pass removes one key: a bound on passes only guards against a key that cannot be
    // removed (the error is then reported once).
    for _ in 0..64 {
        match serde_yaml::from_str::<Option<RawDoc>>(&text) {
            Ok(d) => return Some(d.unwrap_or_default()),
            Err(e) => {
                diags.push(yaml_error(name, &e));
                let unknown = e.to_string().contains("unknown field `");
                let next = e
                    .location()
                    .filter(|_| unknown)
                    .and_then(|l| crate::yaml_keys::set_aside(&text, l.line(), l.column()));
                match next {
                    Some(t) if t != text => text = t,
                    _ => return None,
                }
            }
        }
    }
    None
}

fn flatten(
    raw: RawNode,
    parent: Option<usize>,
    level: usize,
    span_of: &dyn Fn(&str) -> Span,
    out: &mut Vec<Node>,
    diags: &mut Vec<Diagnostic>,
) -> usize {
    let idx = out.len();
    if raw.parts.is_some() {
        let s = span_of(raw.id.as_str());
        let mut bad = |what: &str| {
            diags.push(
                Diagnostic::error(&s.file, s.loc(), format!("item `{}` has `parts` and {what}", raw.id))
                    .with_help("an item made of parts has no `children`, `inputs` or `score` of its own: each part has them"),
            )
        };
        if raw.children.is_some() {
            bad("`children`");
        }
        if raw.score.is_some() || raw.inputs.is_some() {
            bad("its own `inputs`/`score`");
        }
        for part in raw.parts.iter().flatten() {
            if part.children.is_some() || part.parts.is_some() {
                let s = span_of(part.id.as_str());
                diags.push(
                    Diagnostic::error(
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
    let span = span_of(raw.id.as_str());
    let leaf = raw.score.map(|score| Leaf {
        inputs: raw.inputs.clone().unwrap_or_default(),
        optional_inputs: raw.optional_inputs.clone(),
        score,
        rule_text: raw.rule_text.as_deref().map(Arc::from),
        target: raw.target.clone(),
        evidence: Arc::from(raw.evidence.as_slice()),
    });
    out.push(Node {
        id: raw.id,
        name: Arc::from(raw.name),
        name_en: raw.name_en.map(Arc::from),
        points: raw.points,
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
        });
    }
    // The parts of an item are its children; `check` refuses a node with both, and a part with
    // children or parts of its own.
    let parts = raw.parts.unwrap_or_default();
    for child in raw.children.unwrap_or_default().into_iter().chain(parts) {
        let c = flatten(child, Some(idx), level + 1, span_of, out, diags);
        out[idx].children.push(c);
    }
    idx
}

/// The line and column of every `id:` in a file (the first occurrence of each id).
fn id_lines(text: &str) -> BTreeMap<String, (usize, usize)> {
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start().trim_start_matches("- ").trim_start();
        let t = t.trim_start_matches('{').trim_start();
        if let Some(rest) = t.strip_prefix("id:") {
            let v = rest.split(['#', ',', '}']).next().unwrap_or("").trim();
            let v = v.trim_matches(|c| c == '"' || c == '\'');
            let col = line[..line.len() - t.len()].chars().count() + 1;
            out.entry(v.to_string()).or_insert((i + 1, col));
        }
    }
    out
}

/// Where a rule's expression (`score:`, `when:`, `expect:`) starts: the 1-based line and column of
/// its first character, and whether it is a block scalar (`|`), whose lines keep their columns.
pub(crate) fn expression_origin(
    text: &str,
    id_line: usize,
    key: &str,
) -> Option<(usize, usize, bool)> {
    let lines: Vec<&str> = text.lines().collect();
    let start = id_line.checked_sub(1)?;
    let id_indent = indent(lines.get(start)?);
    for (i, line) in lines.iter().enumerate().skip(start) {
        if i > start {
            let t = line.trim_start();
            // Stop at the next sibling item (a new `- id:` at the same or a lower indent).
            if t.starts_with("- ") && indent(line) + 2 <= id_indent {
                return None;
            }
        }
        let t = line.trim_start().trim_start_matches("- ");
        // The key opens the line, or (on the id's own line) follows inside `{ … }`.
        let mid = || {
            [" ", "{", ","].iter().find_map(|p| {
                let at = line.find(&format!("{p}{key}:"))? + p.len();
                Some(&line[at..])
            })
        };
        let t = if t.starts_with(&format!("{key}:")) {
            t
        } else if i == start {
            match mid() {
                Some(t) => t,
                None => continue,
            }
        } else {
            t
        };
        if let Some(rest) = t.strip_prefix(&format!("{key}:")) {
            let key_col = line.len() - t.len();
            let after = rest.trim_start();
            if after.starts_with('|') || after.starts_with('>') {
                let body = lines.get(i + 1)?;
                return Some((i + 2, indent(body) + 1, true));
            }
            // A quoted expression starts after its quote.
            let quote = usize::from(after.starts_with('"') || after.starts_with('\''));
            let col = key_col + key.len() + 1 + (rest.len() - after.len()) + quote;
            let col = line[..col].chars().count() + 1;
            return Some((i + 1, col, false));
        }
    }
    None
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn yaml_error(file: &str, e: &serde_yaml::Error) -> Diagnostic {
    let loc = e.location().map_or((0, 0), |l| (l.line(), l.column()));
    let msg = strip_location(&e.to_string());
    let mut d = Diagnostic::error(file, loc, msg.clone());
    if let Some(rest) = msg.split("unknown field `").nth(1) {
        let word = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> = msg
            .split("expected")
            .nth(1)
            .unwrap_or("")
            .split('`')
            .skip(1)
            .step_by(2)
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
    fn finds_expression_origins() {
        let text = "- id: \"1.1\"\n  points: 2\n  score: award(true)\n- id: \"1.2\"\n  score: |\n    let x = 1;\n    x\n";
        assert_eq!(expression_origin(text, 1, "score"), Some((3, 10, false)));
        assert_eq!(expression_origin(text, 4, "score"), Some((6, 5, true)));
        assert_eq!(id_lines(text).get("1.2"), Some(&(4, 3)));
    }
}
