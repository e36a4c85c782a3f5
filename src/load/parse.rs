//! Reading the files fazhi is given: YAML through serde-saphyr (YAML 1.2: `no`, `on`, `y` are
//! text; duplicate keys refused; budgets against alias bombs), JSON through serde_json (RFC 8259,
//! surrogate-pair escapes included). Every location in a message comes from the parser's own
//! positions (serde-saphyr's spans, serde_json's byte offsets), never from searching the text for
//! a key, so a bad value under one parent is never reported at a same-named key under another.
//!
//! Two shapes of reading:
//! - [`tree`]: a small tree of the document with the line and column of every key and value, for
//!   the county files (whose `data:` keys are the rule set's own dictionary) and for locating
//!   things in rule and scenario files;
//! - [`typed`]: straight into a Rust type (rule files, scenarios), with the syntax error's place.

use crate::error::Diagnostic;
use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// The syntax a file is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Syntax {
    /// YAML 1.2 (block or flow).
    Yaml,
    /// JSON (RFC 8259).
    Json,
}

impl Syntax {
    /// JSON for a `.json` name, YAML otherwise (a JSON file read as YAML 1.2 gives the same
    /// values, so an unnamed JSON text is still read correctly).
    pub(crate) fn of(name: &str) -> Syntax {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".json") {
            Syntax::Json
        } else {
            Syntax::Yaml
        }
    }
}

/// A 1-based (line, column) place in a file; columns count characters. (0, 0) when unknown.
pub(crate) type At = (usize, usize);

/// One node of a document with its place.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    /// Where the value starts (for a block scalar `|`, its first content line).
    pub at: At,
    /// The value.
    pub kind: Kind,
}

/// A node's value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    /// `null`, `~` or nothing.
    Null,
    /// `true` / `false` (YAML 1.2 core schema only).
    Bool(bool),
    /// An integer literal that fits i64.
    Int(i64),
    /// An integer literal above i64::MAX that fits u64.
    UInt(u64),
    /// Any other number (a float literal, or an integer too large for u64).
    Float(f64),
    /// Text.
    Text(String),
    /// A list.
    Seq(Vec<Node>),
    /// A mapping, in the order written (duplicates kept, see [`duplicates`]).
    Map(Vec<Entry>),
}

/// One key of a mapping with its place and value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    /// The key as text (a number or bool key in its written form).
    pub key: String,
    /// Where the key is written.
    pub key_at: At,
    /// The value.
    pub value: Node,
}

impl Node {
    /// The value of `key` when this node is a mapping (the first, if written twice).
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }
    /// The entry of `key` when this node is a mapping.
    pub(crate) fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.kind {
            Kind::Map(m) => m.iter().find(|e| e.key == key),
            _ => None,
        }
    }
    /// The items when this node is a list (empty otherwise).
    pub(crate) fn items(&self) -> &[Node] {
        match &self.kind {
            Kind::Seq(s) => s,
            _ => &[],
        }
    }
    /// The entries when this node is a mapping (empty otherwise).
    pub(crate) fn entries(&self) -> &[Entry] {
        match &self.kind {
            Kind::Map(m) => m,
            _ => &[],
        }
    }
    /// What the value is, for messages: `the text "九十"`, `the number 1e19`, `a list`.
    pub(crate) fn describe(&self) -> String {
        match &self.kind {
            Kind::Text(s) => format!("the text \"{s}\""),
            Kind::Bool(b) => format!("the bool {b}"),
            Kind::Int(i) => format!("the number {i}"),
            Kind::UInt(u) => format!("the number {u}"),
            Kind::Float(f) => format!("the number {}", show_f64(*f)),
            Kind::Seq(_) => "a list".into(),
            Kind::Map(_) => "a mapping".into(),
            Kind::Null => "nothing".into(),
        }
    }
}

/// A number as a reader would write it: `95`, `2.5`, and from 10^16 on (where a float no longer
/// holds every whole number) in exponent form, `1e19`, `1e30`.
pub(crate) fn show_f64(f: f64) -> String {
    if f.is_finite() && f.abs() >= 1e16 {
        format!("{f:e}")
    } else {
        format!("{f}")
    }
}

/// The parser settings for every YAML file fazhi reads: YAML 1.2 booleans only (`no`, `on`, `y`
/// stay text), errors without a rendered snippet (fazhi prints `file:line:col`), and budgets far
/// above any real rule set or county file but far below what an alias bomb expands to.
pub(crate) fn yaml_options(duplicates: serde_saphyr::DuplicateKeyPolicy) -> serde_saphyr::Options {
    let mut limits = serde_saphyr::options::AliasLimits::default();
    // The national rule set and a county file use no aliases at all; 100 000 replayed events
    // is 20× the largest file's events, and stops `a: &a [*b, *b, …]` chains in milliseconds.
    limits.max_total_replayed_events = 100_000;
    // Nodes: 250,000 by default, fewer than a 50,000-item rule file has (about 10 per item);
    // files are at most `files::MAX_FILE_BYTES` and nesting is bounded before parsing
    // (`files::too_deep`), so a node cap of 16 million only stops what could not be scored.
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = 16_000_000;
    serde_saphyr::options! {
        budget: Some(budget),
        strict_booleans: true,
        with_snippet: false,
        duplicate_keys: duplicates,
        alias_limits: limits,
        // `.nan` and `.inf` reach the value checks, which say "not a usable number" at the field.
        non_finite_float_policy: serde_saphyr::options::NonFiniteFloatPolicy::PassThrough,
    }
}

/// A YAML error as a diagnostic at the parser's place.
fn yaml_diag(file: &str, e: &serde_saphyr::Error) -> Diagnostic {
    let at = e
        .location()
        .map_or((0, 0), |l| (l.line() as usize, l.column() as usize));
    let text = e.to_string();
    // The message ends with " at line L, column C" (and, for aliases, where they were defined
    // and used); the place is already in `file:line:col`.
    let msg = match text.find(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    // serde's own words say which: a key the format does not have, one it needs, one given
    // twice; anything else is the YAML itself.
    let code = if msg.contains("unknown field") || msg.contains("unknown variant") {
        crate::error::Code::UnknownKey
    } else if msg.contains("missing field") {
        crate::error::Code::MissingKey
    } else if msg.contains("duplicate") {
        crate::error::Code::DuplicateKey
    } else {
        crate::error::Code::Syntax
    };
    let d = Diagnostic::error(code, file, at, format!("not valid YAML: {msg}"));
    if msg.contains("budget") || msg.contains("alias") || msg.contains("replay") {
        d.with_help("the file nests or repeats aliases (`*name`) far beyond any rule set or county file; write the values out")
    } else {
        d
    }
}

/// A JSON error as a diagnostic at the parser's place.
fn json_diag(file: &str, e: &serde_json::Error) -> Diagnostic {
    let text = e.to_string();
    let msg = match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    Diagnostic::error(
        crate::error::Code::Syntax,
        file,
        (e.line(), e.column()),
        format!("not valid JSON: {msg}"),
    )
}

/// Reads `text` (named `file` in messages) straight into `T`. Syntax and shape errors come back
/// as one diagnostic at the parser's line and column.
pub(crate) fn typed<T: DeserializeOwned>(
    file: &str,
    text: &str,
    syntax: Syntax,
) -> Result<T, Diagnostic> {
    let text = text.trim_start_matches('\u{feff}');
    match syntax {
        Syntax::Yaml => serde_saphyr::from_str_with_options(
            text,
            yaml_options(serde_saphyr::DuplicateKeyPolicy::Error),
        )
        .map_err(|e| yaml_diag(file, &e)),
        Syntax::Json => {
            // serde_json keeps the last of two equal keys in a map: one quick pass refuses them
            // (and only then is the tree with places built, to name both lines).
            if let Err(e) = serde_json::from_str::<NoDuplicates>(text) {
                return Err(match tree(file, text, Syntax::Json) {
                    Err(mut d) if !d.is_empty() => d.swap_remove(0),
                    _ => json_diag(file, &e),
                });
            }
            serde_json::from_str(text).map_err(|e| json_diag(file, &e))
        }
    }
}

/// A pass over a JSON value that fails on the first mapping with a key written twice.
struct NoDuplicates;

impl<'de> Deserialize<'de> for NoDuplicates {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = NoDuplicates;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E: de::Error>(self) -> Result<NoDuplicates, E> {
                Ok(NoDuplicates)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<NoDuplicates, E> {
                Ok(NoDuplicates)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<NoDuplicates, E> {
                Ok(NoDuplicates)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<NoDuplicates, E> {
                Ok(NoDuplicates)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<NoDuplicates, E> {
                Ok(NoDuplicates)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<NoDuplicates, E> {
                Ok(NoDuplicates)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<NoDuplicates, A::Error> {
                while a.next_element::<NoDuplicates>()?.is_some() {}
                Ok(NoDuplicates)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<NoDuplicates, A::Error> {
                let mut seen = std::collections::HashSet::new();
                while let Some(k) = a.next_key::<Cow<'de, str>>()? {
                    if !seen.insert(k) {
                        return Err(de::Error::custom("duplicate key"));
                    }
                    a.next_value::<NoDuplicates>()?;
                }
                Ok(NoDuplicates)
            }
        }
        d.deserialize_any(V)
    }
}

/// Reads `text` into a [`Node`] tree with the place of every key and value, and refuses every
/// duplicate key (naming both lines). An empty YAML document is `Null`.
pub(crate) fn tree(file: &str, text: &str, syntax: Syntax) -> Result<Node, Vec<Diagnostic>> {
    let text = text.trim_start_matches('\u{feff}');
    let node = match syntax {
        Syntax::Yaml => {
            serde_saphyr::from_str_with_options::<Option<serde_saphyr::Spanned<YNode>>>(
                text,
                yaml_options(serde_saphyr::DuplicateKeyPolicy::PassThrough),
            )
            .map_err(|e| vec![yaml_diag(file, &e)])?
            .map_or(
                Node {
                    at: (1, 1),
                    kind: Kind::Null,
                },
                spanned,
            )
        }
        Syntax::Json => json_tree(file, text)?,
    };
    let mut diags = Vec::new();
    duplicates(file, &node, &mut diags);
    if diags.is_empty() {
        Ok(node)
    } else {
        Err(crate::error::Diagnostics(diags).capped().0)
    }
}

/// Every key written twice in one mapping, anywhere in the tree: `duplicate key `x` (first at
/// line A)`, reported at the second.
pub(crate) fn duplicates(file: &str, node: &Node, out: &mut Vec<Diagnostic>) {
    match &node.kind {
        Kind::Map(m) => {
            // The first entry of each key, found by hash: a mapping of n keys costs n steps, not
            // n² (80,000 unknown fields took 9.6 s when each key was compared with all before it).
            let mut firsts: std::collections::HashMap<&str, &Entry> =
                std::collections::HashMap::with_capacity(m.len());
            for e in m {
                let first = *firsts.entry(e.key.as_str()).or_insert(e);
                if !std::ptr::eq(first, e) {
                    out.push(
                        Diagnostic::error(
                            crate::error::Code::DuplicateKey,
                            file,
                            e.key_at,
                            if first.key_at.0 == e.key_at.0 {
                                format!(
                                    "duplicate key `{}`: first at line {} column {}, again at line {} column {}",
                                    e.key, first.key_at.0, first.key_at.1, e.key_at.0, e.key_at.1
                                )
                            } else {
                                format!(
                                    "duplicate key `{}`: first at line {}, again at line {}",
                                    e.key, first.key_at.0, e.key_at.0
                                )
                            },
                        )
                        .with_help("every key of a mapping is written once; keep the right one and delete the other"),
                    );
                }
                duplicates(file, &e.value, out);
            }
        }
        Kind::Seq(s) => s.iter().for_each(|n| duplicates(file, n, out)),
        _ => {}
    }
}

fn spanned(s: serde_saphyr::Spanned<YNode>) -> Node {
    Node {
        at: (s.referenced.line() as usize, s.referenced.column() as usize),
        kind: s.value.0,
    }
}

/// A YAML node whose children carry serde-saphyr spans.
struct YNode(Kind);

/// A mapping key in its written form (`1`, `true` and `"1"` are the same key).
struct KeyText(String);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = KeyText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key written as text or a number")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<KeyText, E> {
                Ok(KeyText(s.to_string()))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<KeyText, E> {
                Ok(KeyText(s))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<KeyText, E> {
                Ok(KeyText("null".into()))
            }
        }
        d.deserialize_any(V)
    }
}

/// The scalar half of both visitors.
macro_rules! scalars {
    ($wrap:expr) => {
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($wrap(Kind::Null))
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($wrap(Kind::Null))
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok($wrap(Kind::Bool(v)))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok($wrap(Kind::Int(v)))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok($wrap(match i64::try_from(v) {
                Ok(i) => Kind::Int(i),
                Err(_) => Kind::UInt(v),
            }))
        }
        fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
            Ok($wrap(Kind::Float(v as f64)))
        }
        fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
            Ok($wrap(Kind::Float(v as f64)))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok($wrap(Kind::Float(v)))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok($wrap(Kind::Text(v.to_string())))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok($wrap(Kind::Text(v)))
        }
    };
}

impl<'de> Deserialize<'de> for YNode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = YNode;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a YAML value")
            }
            scalars!(YNode);
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<YNode, A::Error> {
                let mut out = Vec::new();
                while let Some(n) = a.next_element::<serde_saphyr::Spanned<YNode>>()? {
                    out.push(spanned(n));
                }
                Ok(YNode(Kind::Seq(out)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<YNode, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = a.next_key::<serde_saphyr::Spanned<KeyText>>()? {
                    let v = a.next_value::<serde_saphyr::Spanned<YNode>>()?;
                    out.push(Entry {
                        key: k.value.0,
                        key_at: (k.referenced.line() as usize, k.referenced.column() as usize),
                        value: spanned(v),
                    });
                }
                Ok(YNode(Kind::Map(out)))
            }
        }
        d.deserialize_any(V)
    }
}

/// A value read as a [`Node`] without places (every `at` is (0, 0)), in one pass of either
/// parser: the county reader's fast path (`load::fast`) reads one field's value this way and
/// checks it with the same code as a tree's value, so both paths give the same [`Kind`] for the
/// same text (the same visitor methods as [`YNode`] and [`JScalar`], keys as [`KeyText`]).
pub(crate) struct Plain(pub(crate) Node);

fn plain(kind: Kind) -> Plain {
    Plain(Node { at: (0, 0), kind })
}

impl<'de> Deserialize<'de> for Plain {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Plain;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a YAML or JSON value")
            }
            scalars!(plain);
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Plain, A::Error> {
                let mut out = Vec::new();
                while let Some(Plain(n)) = a.next_element::<Plain>()? {
                    out.push(n);
                }
                Ok(plain(Kind::Seq(out)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Plain, A::Error> {
                let mut out = Vec::new();
                while let Some(KeyText(key)) = a.next_key::<KeyText>()? {
                    let Plain(value) = a.next_value::<Plain>()?;
                    out.push(Entry {
                        key,
                        key_at: (0, 0),
                        value,
                    });
                }
                Ok(plain(Kind::Map(out)))
            }
        }
        d.deserialize_any(V)
    }
}

/// Line starts of a text, to turn serde_json's byte offsets into (line, column).
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// The last place asked for (byte offset, line, column): places are asked for in document
    /// order, so each column is counted on from the previous one, not from the line's start (a
    /// one-line JSON file of n characters would otherwise cost n² steps).
    last: std::cell::Cell<(usize, usize, usize)>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines {
            text,
            starts,
            last: std::cell::Cell::new((0, 1, 1)),
        }
    }
    /// The 1-based line and character column of byte `offset`.
    fn at(&self, offset: usize) -> At {
        let line = self.starts.partition_point(|s| *s <= offset);
        let (last_offset, last_line, last_col) = self.last.get();
        let (from, col0) = if last_line == line && last_offset <= offset {
            (last_offset, last_col)
        } else {
            (self.starts[line - 1], 1)
        };
        let col = col0 + self.text.get(from..offset).map_or(0, |s| s.chars().count());
        self.last.set((offset, line, col));
        (line, col)
    }
    fn offset_of(&self, part: &str) -> usize {
        (part.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize)
    }
}

/// A JSON document as a tree with places. serde_json has no spans, but a borrowed [`RawValue`] is
/// a slice of the input, so its place is its offset; each level is read from its own slice.
fn json_tree(file: &str, text: &str) -> Result<Node, Vec<Diagnostic>> {
    let raw: &RawValue = serde_json::from_str(text).map_err(|e| vec![json_diag(file, &e)])?;
    let lines = Lines::new(text);
    json_node(&lines, raw).map_err(|e| vec![json_diag(file, &e)])
}

fn json_node(lines: &Lines, raw: &RawValue) -> Result<Node, serde_json::Error> {
    let s = raw.get();
    let offset = lines.offset_of(s);
    let at = lines.at(offset);
    let kind = match s.as_bytes().first() {
        Some(b'{') => {
            let entries: RawEntries = serde_json::from_str(s)?;
            let mut out = Vec::with_capacity(entries.0.len());
            for (key, raw) in entries.0 {
                let key_at = lines.at(json_key_offset(lines.text, lines.offset_of(raw.get())));
                let value = json_node(lines, raw)?;
                out.push(Entry {
                    key: key.into_owned(),
                    key_at,
                    value,
                });
            }
            Kind::Map(out)
        }
        Some(b'[') => {
            let items: Vec<&RawValue> = serde_json::from_str(s)?;
            Kind::Seq(
                items
                    .into_iter()
                    .map(|r| json_node(lines, r))
                    .collect::<Result<_, _>>()?,
            )
        }
        _ => serde_json::from_str::<JScalar>(s)?.0,
    };
    Ok(Node { at, kind })
}

/// Where the key before a value at byte `value` starts: back over blanks, the `:`, blanks, and
/// the key's string up to its opening quote (a `"` not escaped by a backslash).
fn json_key_offset(text: &str, value: usize) -> usize {
    let b = text.as_bytes();
    let mut i = value;
    while i > 0 && matches!(b[i - 1], b' ' | b'\t' | b'\r' | b'\n' | b':') {
        i -= 1;
    }
    // i - 1 is the key's closing quote.
    if i == 0 {
        return value;
    }
    let mut j = i - 1;
    while j > 0 {
        j -= 1;
        if b[j] == b'"' {
            let backslashes = b[..j].iter().rev().take_while(|c| **c == b'\\').count();
            if backslashes % 2 == 0 {
                return j;
            }
        }
    }
    value
}

/// A JSON object's entries in order, values as raw slices.
struct RawEntries<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for RawEntries<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = RawEntries<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<RawEntries<'a>, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = a.next_key::<Cow<'de, str>>()? {
                    let v: &'de RawValue = a.next_value()?;
                    out.push((k, v));
                }
                Ok(RawEntries(out))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// A JSON scalar.
struct JScalar(Kind);

impl<'de> Deserialize<'de> for JScalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = JScalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            scalars!(JScalar);
        }
        d.deserialize_any(V)
    }
}

/// A YAML text straight into `T` (unit tests of types that are read from rule files).
#[cfg(test)]
pub(crate) fn typed_for_tests<T: DeserializeOwned>(text: &str) -> Result<T, Diagnostic> {
    typed("<test>", text, Syntax::Yaml)
}

/// A YAML text as a [`Node`] tree (unit tests).
#[cfg(test)]
pub(crate) fn tree_for_tests(text: &str) -> Node {
    match tree("<test>", text, Syntax::Yaml) {
        Ok(t) => t,
        Err(d) => panic!("{d:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places(n: &Node, out: &mut Vec<String>) {
        for e in n.entries() {
            out.push(format!(
                "{}@{}:{} {}:{}",
                e.key, e.key_at.0, e.key_at.1, e.value.at.0, e.value.at.1
            ));
            places(&e.value, out);
        }
        for i in n.items() {
            places(i, out);
        }
    }

    #[test]
    fn json_places_are_the_parsers_offsets() {
        // Line 1 `{`, line 2 `  "a": {"b": "九十",` : key "a" at col 3, its value `{` at col 8;
        // "b" at col 9, its value at col 14; "c" on line 3 col 5, value col 10.
        let text = "{\n  \"a\": {\"b\": \"九十\",\n    \"c\": 1}}";
        let t = tree("x.json", text, Syntax::Json).unwrap();
        let mut p = Vec::new();
        places(&t, &mut p);
        assert_eq!(p, ["a@2:3 2:8", "b@2:9 2:14", "c@3:5 3:10"]);
    }

    #[test]
    fn one_line_json_columns_count_on_from_the_last_place() {
        // `{"a": 1, "b": {"c": "九十", "d": 2}}`: counted by hand, "b" at 10, its `{` at 15,
        // "c" at 16, "九十" at 21 (4 characters with quotes), "d" at 27, 2 at 32.
        let t = tree(
            "x.json",
            r#"{"a": 1, "b": {"c": "九十", "d": 2}}"#,
            Syntax::Json,
        )
        .unwrap();
        let mut p = Vec::new();
        places(&t, &mut p);
        assert_eq!(
            p,
            ["a@1:2 1:7", "b@1:10 1:15", "c@1:16 1:21", "d@1:27 1:32"]
        );
    }

    #[test]
    fn yaml_flow_and_block_places() {
        // `{a: {b: "九十"}}`: a at col 2, its mapping at col 5, b at col 6, "九十" at col 9.
        let t = tree("x.yaml", "{a: {b: \"九十\"}}", Syntax::Yaml).unwrap();
        let mut p = Vec::new();
        places(&t, &mut p);
        assert_eq!(p, ["a@1:2 1:5", "b@1:6 1:9"]);
    }

    #[test]
    fn duplicates_name_both_lines_in_both_syntaxes() {
        let y = tree("x.yaml", "a:\n  b: 1\n  c: 2\n  b: 3\n", Syntax::Yaml).unwrap_err();
        assert_eq!(y.len(), 1);
        assert_eq!((y[0].line, y[0].column), (4, 3));
        assert!(
            y[0].message.contains("first at line 2, again at line 4"),
            "{}",
            y[0]
        );
        let j = tree("x.json", "{\"a\": {\"b\": 1,\n\"b\": 2}}", Syntax::Json).unwrap_err();
        assert_eq!((j[0].line, j[0].column), (2, 1));
        assert!(j[0].message.contains("first at line 1, again at line 2"));
    }

    #[test]
    fn yaml_1_2_booleans_and_big_numbers() {
        let t = tree(
            "x.yaml",
            "a: no\nb: on\nc: y\nd: true\ne: 18446744073709551615\nf: 1e30\n",
            Syntax::Yaml,
        )
        .unwrap();
        let k: Vec<&Kind> = t.entries().iter().map(|e| &e.value.kind).collect();
        assert_eq!(k[0], &Kind::Text("no".into()));
        assert_eq!(k[1], &Kind::Text("on".into()));
        assert_eq!(k[2], &Kind::Text("y".into()));
        assert_eq!(k[3], &Kind::Bool(true));
        assert_eq!(k[4], &Kind::UInt(u64::MAX));
        assert_eq!(k[5], &Kind::Float(1e30));
    }

    #[test]
    fn json_key_search_skips_escaped_quotes() {
        // {"a\"b": 1}: the key's opening quote is byte 1.
        let text = r#"{"a\"b": 1}"#;
        assert_eq!(json_key_offset(text, 9), 1);
    }
}
