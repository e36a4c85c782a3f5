//! The county reader's fast path: a county file read in one pass of the parser straight into
//! checked county data, steered by the rule set's data dictionary (a serde `DeserializeSeed`), so
//! no tree of the whole document, no places and no copy of every key are built for a file that
//! is right, which is nearly every file of a batch.
//!
//! It accepts only what the careful path ([`CountyData::from_str`](crate::CountyData::from_str)
//! over [`parse::tree`](super::parse::tree)) accepts, and gives the same values: each field's
//! value is read as the same [`Kind`](super::parse::Kind) (the same visitor methods) and checked
//! by the same `parse_leaf`. At the first thing it does not take as it is (a syntax error, a
//! key written twice, an unknown key, a value of the wrong type or beyond its range, a key that
//! is not text, a field given both dotted and inside its group), it gives up and the careful
//! path reads the file again, with places, and reports every problem with its line and column.
//! So messages, positions and refusals are the careful path's own, by construction; the two
//! paths are compared on tricky inputs in this module's tests.

use super::county::{is_group, parse_leaf, CountyInfo, Datum};
use super::parse::{duplicates, yaml_options, Plain, Syntax};
use crate::model::FieldSpec;
use crate::types::FieldPath;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// The data dictionary: every field the rule set declares, by path.
type Dictionary = BTreeMap<FieldPath, FieldSpec>;

/// What a county file holds, read and checked.
pub(crate) type Read = (CountyInfo, BTreeMap<FieldPath, Datum>);

/// Reads a county file in one pass into its header and checked values, or `None` when the file
/// is not plainly right (the caller then reads it on the careful path, which says what is wrong).
/// A YAML `text` must already have passed the nesting bound (`files::too_deep`: brackets in
/// plain text count there too); a JSON text need not (see [`MAX_GROUP_DEPTH`]).
pub(crate) fn county(text: &str, syntax: Syntax, fields: &Dictionary) -> Option<Read> {
    let text = text.trim_start_matches('\u{feff}');
    let top = Top { fields };
    let (info, leaves) = match syntax {
        Syntax::Json => {
            let mut de = serde_json::Deserializer::from_str(text);
            let read = top.deserialize(&mut de).ok()?;
            de.end().ok()?;
            read
        }
        Syntax::Yaml => {
            // The careful path's own settings, duplicate keys passed through as there (they are
            // refused below, as the careful path refuses them). A merge key (`<<: *base`) is
            // left to the careful path: without merges the parser need not remember every key
            // of a mapping (a hash per key), which is most of what passing duplicates through
            // would otherwise cost.
            let mut options = yaml_options(serde_saphyr::DuplicateKeyPolicy::PassThrough);
            options.merge_keys = serde_saphyr::MergeKeyPolicy::Error;
            serde_saphyr::with_deserializer_from_str_with_options(text, options, |de| {
                top.deserialize(de)
            })
            .ok()?
        }
    };
    let info = info?;
    finish(info, leaves)
}

/// The values in path order, or `None` when a path came twice (a key written twice in one
/// mapping, or a field given both as `a.b` and inside `a:`; the careful path names which).
fn finish(info: CountyInfo, mut leaves: Leaves) -> Option<Read> {
    leaves.fields.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    // Every path is the dictionary's own shared text, so the same path is the same pointer.
    if leaves.fields.windows(2).any(|w| w[0].0.same(&w[1].0)) {
        return None;
    }
    leaves.groups.sort_unstable();
    if leaves.groups.windows(2).any(|w| w[0] == w[1]) {
        return None;
    }
    // Built from sorted pairs in one pass (full nodes, as `CountyData::finish` wants).
    let values = (leaves.fields.into_iter())
        .filter_map(|(f, d)| Some((f, d?)))
        .collect();
    Some((info, values))
}

/// Everything read under `data:`: each field with its value (`None` for `null`, which says the
/// figure is not given) and each group's path, in the order written.
#[derive(Default)]
struct Leaves {
    fields: Vec<(FieldPath, Option<Datum>)>,
    groups: Vec<String>,
}

/// Gives up: the message is never shown (the careful path reads the file again).
fn give_up<E: de::Error>() -> E {
    E::custom("not on the fast path")
}

/// The top-level mapping: `county:` once, `data:` at most once, nothing else.
struct Top<'f> {
    fields: &'f Dictionary,
}

impl<'de> DeserializeSeed<'de> for Top<'_> {
    type Value = (Option<CountyInfo>, Leaves);
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Top<'_> {
    type Value = (Option<CountyInfo>, Leaves);
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a county file")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut info = None;
        let mut leaves = Leaves::default();
        let mut data = false;
        while let Some(key) = map.next_key_seed(Key)? {
            match &*key {
                "county" if info.is_none() => info = Some(map.next_value_seed(Header)?),
                "data" if !data => {
                    data = true;
                    map.next_value_seed(Group {
                        fields: self.fields,
                        prefix: "",
                        depth: 0,
                        leaves: &mut leaves,
                    })?;
                }
                _ => return Err(give_up()),
            }
        }
        Ok((info, leaves))
    }
}

/// A mapping key written as text (a key written as a number, bool or null gives up: the careful
/// path reads it in its written form).
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key written as text")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// A text value (`id`, `name`, a source's document…).
struct Text;

impl<'de> DeserializeSeed<'de> for Text {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_any(self)
    }
}

impl Visitor<'_> for Text {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("text")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
}

/// `year:`: a whole number that fits an `i32` (the careful path reads any integer literal and
/// refuses one beyond `i32`, or a float, a text, nothing).
struct Year;

impl<'de> DeserializeSeed<'de> for Year {
    type Value = i32;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<i32, D::Error> {
        d.deserialize_any(self)
    }
}

impl Visitor<'_> for Year {
    type Value = i32;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a year")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i32, E> {
        i32::try_from(v).map_err(|_| give_up())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i32, E> {
        i32::try_from(v).map_err(|_| give_up())
    }
}

/// `sources:`: key → document, each key once.
struct Sources;

impl<'de> DeserializeSeed<'de> for Sources {
    type Value = BTreeMap<String, String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Sources {
    type Value = BTreeMap<String, String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("key → document")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(key) = map.next_key_seed(Key)? {
            let doc = map.next_value_seed(Text)?;
            if out.insert(key.into_owned(), doc).is_some() {
                return Err(give_up());
            }
        }
        Ok(out)
    }
}

/// The `county:` header, as `county::county_info` reads it: id and name required, each key at
/// most once, no other key.
struct Header;

impl<'de> DeserializeSeed<'de> for Header {
    type Value = CountyInfo;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<CountyInfo, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Header {
    type Value = CountyInfo;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a county header")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CountyInfo, A::Error> {
        let mut info = CountyInfo::default();
        // One bit per key: id, name, province, kind, note, year, sources.
        let mut seen = 0_u8;
        while let Some(key) = map.next_key_seed(Key)? {
            let bit = match &*key {
                "id" => 0,
                "name" => 1,
                "province" => 2,
                "kind" => 3,
                "note" => 4,
                "year" => 5,
                "sources" => 6,
                _ => return Err(give_up()),
            };
            if seen & (1 << bit) != 0 {
                return Err(give_up());
            }
            seen |= 1 << bit;
            match bit {
                0 => info.id = map.next_value_seed(Text)?,
                1 => info.name = map.next_value_seed(Text)?,
                2 => info.province = Some(map.next_value_seed(Text)?),
                3 => info.kind = Some(map.next_value_seed(Text)?),
                4 => info.note = Some(map.next_value_seed(Text)?),
                5 => info.year = Some(map.next_value_seed(Year)?),
                _ => info.sources = map.next_value_seed(Sources)?,
            }
        }
        if seen & 0b11 != 0b11 {
            return Err(give_up());
        }
        Ok(info)
    }
}

/// The deepest group the fast path reads (`data:` is depth 0). A document it accepts is then at
/// most 1 + 1 + 40 + 2 brackets deep (top, `data:`, groups, a value record holding a list),
/// below the nesting bound (`files::MAX_NESTING`), which is why a JSON file need not be checked
/// against that bound before the fast path: for JSON, structure and brackets are the same thing,
/// and serde_json stops at 128 levels in one pass. Real dictionaries group at most a few levels.
const MAX_GROUP_DEPTH: usize = 40;

/// `data:` or a group inside it (`approval:` holding `on_time_rate:`): each key is a field of
/// the dictionary (its value read and checked) or a group (read in turn); anything else gives up.
struct Group<'a> {
    fields: &'a Dictionary,
    /// The group's dotted path (`""` for `data:` itself).
    prefix: &'a str,
    /// How many groups deep (0 for `data:`).
    depth: usize,
    leaves: &'a mut Leaves,
}

impl<'de> DeserializeSeed<'de> for Group<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Group<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping of fields")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut path = String::with_capacity(self.prefix.len() + 48);
        while let Some(key) = map.next_key_seed(Key)? {
            path.clear();
            if !self.prefix.is_empty() {
                path.push_str(self.prefix);
                path.push('.');
            }
            path.push_str(&key);
            if let Some((field, spec)) = self.fields.get_key_value(path.as_str()) {
                let Plain(value) = map.next_value::<Plain>()?;
                // A value record with a key written twice: the careful path names both lines.
                let mut twice = Vec::new();
                duplicates("", &value, &mut twice);
                if !twice.is_empty() {
                    return Err(give_up());
                }
                let datum = parse_leaf(&value, spec).map_err(|_| give_up())?;
                // The dictionary's own path, so the engine matches values to slots by identity.
                self.leaves.fields.push((field.clone(), datum));
            } else if self.depth < MAX_GROUP_DEPTH && is_group(&path, self.fields) {
                self.leaves.groups.push(path.clone());
                map.next_value_seed(Group {
                    fields: self.fields,
                    prefix: &path,
                    depth: self.depth + 1,
                    leaves: self.leaves,
                })?;
            } else {
                return Err(give_up());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CountyData, RuleSet};

    /// The careful path alone: the tree with places, then the checks.
    fn careful(name: &str, text: &str, rules: &RuleSet) -> crate::Result<CountyData> {
        crate::load::county::from_tree(name, text, rules)
    }

    /// The fast path's answer, when it gives one.
    fn fast(name: &str, text: &str, rules: &RuleSet) -> Option<CountyData> {
        county(text, Syntax::of(name), rules.fields())
            .map(|(info, values)| CountyData::with_hash(info, values))
    }

    /// The built-in rule set, compiled once for every test here.
    fn rules() -> &'static RuleSet {
        static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
        RULES.get_or_init(|| RuleSet::builtin().unwrap())
    }

    /// Every text of `cases` in both syntaxes: where the fast path answers, the careful path
    /// accepts the same file and gives the same data (values, header and hash).
    fn agree(cases: &[&str], rules: &RuleSet) -> usize {
        let mut answered = 0;
        for (i, text) in cases.iter().enumerate() {
            for name in ["c.yaml", "c.json"] {
                let Some(f) = fast(name, text, rules) else {
                    continue;
                };
                answered += 1;
                match careful(name, text, rules) {
                    Ok(c) => assert_eq!(f, c, "case {i} as {name}: {text}"),
                    Err(e) => panic!(
                        "case {i} as {name}: fast path accepted, careful path said {e}\n{text}"
                    ),
                }
            }
        }
        answered
    }

    const HEAD: &str = "county: {id: x, name: 某县}\n";

    #[test]
    fn a_right_file_is_read_on_the_fast_path_with_the_careful_paths_values() {
        let r = rules();
        // A percent, a count written 95.0, a bool, a list, a record with a lower bound, a group,
        // a null (not given), a header with every key.
        let yaml = "county:\n  id: x\n  name: 某县\n  province: 山东省\n  year: 2020\n  kind: seed\n  note: 注\n  sources: {'001': 报告}\n\
data:\n  approval.on_time_rate: 97.5\n  approval.intermediary_list_items: 95.0\n  approval.power_list_published: true\n  approval.five_modes: [马上办, 网上办]\n  approval.non_licensing_items: {value: 2700, bound: lower, source: '001', quote: 调解纠纷2700余件}\n  decisions:\n    catalog_published: false\n  approval.materials_cut_rate: null\n";
        let f = fast("c.yaml", yaml, r).expect("fast path answers");
        assert_eq!(f, careful("c.yaml", yaml, r).unwrap());
        // 6 values given: on_time_rate, intermediary_list_items, power_list_published,
        // five_modes, non_licensing_items, decisions.catalog_published (the null is no value).
        assert_eq!(f.values().len(), 6);
        assert_eq!(
            f.get("approval.intermediary_list_items").unwrap().value,
            crate::Value::Int(95)
        );
        assert!(f.get("approval.materials_cut_rate").is_none());
        assert_eq!(
            f.get("approval.non_licensing_items").unwrap().display(),
            "≥2700"
        );
        // The same county as JSON gives the same hash.
        let json = r#"{"county": {"id": "x", "name": "某县", "province": "山东省", "year": 2020, "kind": "seed", "note": "注", "sources": {"001": "报告"}},
"data": {"approval.on_time_rate": 97.5, "approval.intermediary_list_items": 95.0, "approval.power_list_published": true,
"approval.five_modes": ["马上办", "网上办"], "approval.non_licensing_items": {"value": 2700, "bound": "lower", "source": "001", "quote": "调解纠纷2700余件"},
"decisions": {"catalog_published": false}, "approval.materials_cut_rate": null}}"#;
        assert_eq!(fast("c.json", json, r).unwrap().hash(), f.hash());
        // The dictionary's own path is kept (shared text, not a copy).
        let (path, _) = f.values().iter().next().unwrap();
        let (dict_path, _) = r.fields().get_key_value(path.as_str()).unwrap();
        assert!(path.same(dict_path));
    }

    #[test]
    fn every_refusal_of_the_careful_path_gives_up_on_the_fast_path() {
        let r = rules();
        let bad = [
            // duplicates: top level, header, data, record, group, sources
            "county: {id: x, name: 某县}\ncounty: {id: y, name: 某县}\n",
            "county: {id: x, name: 某县, id: y}\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.on_time_rate: 90\n  approval.on_time_rate: 91\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.on_time_rate: null\n  approval.on_time_rate: null\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.on_time_rate: {value: 90, value: 91}\n",
            "county: {id: x, name: 某县}\ndata:\n  decisions: {catalog_published: true}\n  decisions: {expert_reviewed: 1}\n",
            "county: {id: x, name: 某县, sources: {a: b, a: c}}\n",
            "county: {id: x, name: 某县}\ndata:\n  decisions.catalog_published: true\n  decisions: {catalog_published: true}\n",
            // header
            "data: {}\n",
            "county: {id: x}\n",
            "county: {id: 5, name: 某县}\n",
            "county: {id: x, name: 某县, year: 2020.0}\n",
            "county: {id: x, name: 某县, year: 99999999999}\n",
            "county: {id: x, name: 某县, year: null}\n",
            "county: {id: x, name: 某县, province: null}\n",
            "county: {id: x, name: 某县, nmae: y}\n",
            "county: [x]\n",
            // data
            "county: {id: x, name: 某县}\ndata:\n",
            "county: {id: x, name: 某县}\ndata: [1]\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.on_time_rate: 100.5\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.on_time_rate: '90'\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.intermediary_list_items: 2.5\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.intermediary_list_items: 9007199254740992\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.intermediary_list_items: 18446744073709551615\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.intermediary_list_items: -9007199254740992\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.power_list_published: yes\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.five_modes: [1]\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.on_time_rate: {valeu: 1}\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.on_time_rate: {bound: lower}\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.on_time_rate: .nan\n",
            "county: {id: x, name: 某县}\ndata:\n  no.such_field: 1\n",
            "county: {id: x, name: 某县}\ndata:\n  decisions: 1\n",
            "county: {id: x, name: 某县}\ndata:\n  1: 1\n",
            "county: {id: x, name: 某县}\nextra: 1\n",
            // syntax
            "county: {id: x, name: 某县\n",
            "county: {id: x, name: 某县}\n---\ncounty: {id: y, name: 某县}\n",
            "",
            "null",
        ];
        for (i, text) in bad.iter().enumerate() {
            for name in ["c.yaml", "c.json"] {
                assert!(careful(name, text, r).is_err() || name == "c.json");
                assert!(fast(name, text, r).is_none(), "case {i} as {name}: {text}");
            }
        }
        // And through the public entry point the careful path's message comes back.
        let e = CountyData::from_str(
            "c.yaml",
            "county: {id: x, name: 某县}\ndata:\n  approval.on_time_rate: 90\n  approval.on_time_rate: 91\n",
            r,
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("c.yaml:4:3") && e.contains("first at line 3, again at line 4"),
            "{e}"
        );
    }

    #[test]
    fn where_the_fast_path_answers_both_paths_agree() {
        let r = rules();
        let cases = [
            HEAD,
            "county: {id: x, name: 某县}\ndata: {}\n",
            "\u{feff}county: {id: x, name: 某县}\n",
            "{\"county\": {\"id\": \"x\", \"name\": \"某县\"}, \"data\": {\"approval.on_time_rate\": 9e1}}",
            "{\"county\": {\"id\": \"x\\u0041\", \"name\": \"\\u67d0\\u53bf\"}, \"data\": {\"approval\\u002eon_time_rate\": 90}}",
            "county: {id: x, name: 某县}\ndata:\n  approval.intermediary_list_items: 9007199254740991\n  approval.on_time_rate: 0\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.intermediary_list_items: -0.0\n",
            "base: &b {id: x, name: 某县}\ncounty: *b\n",
            "county: &c {id: x, name: 某县}\ndata:\n  approval.power_list_published: !!bool true\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.five_modes: []\n  approval.on_time_rate: {value: 90}\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.on_time_rate: {value: null, note: 未公布}\n",
            "county: {id: x, name: 某县}\ndata:\n  decisions:\n    catalog_published: true\n  approval:\n    on_time_rate: 90\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.on_time_rate: 9.0e+1\n  approval.materials_cut_rate: 0x1F\n",
            "county:\n  <<: {id: x}\n  name: 某县\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.on_time_rate: {value: 90, bound: exact}\n",
            "county: {id: x, name: 某县}\ndata: {approval.five_modes: [马上办, 马上办]}\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.legal_time_limit_days: |\n    3\n",
            "county: {id: !!str 5, name: 某县}\ndata:\n  approval.on_time_rate: !!float 90\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.on_time_rate: r 90\n  approval.materials_cut_rate: *r\n",
            "county: {id: x, name: 某县}\ndata:\n  approval.five_modes: &m [马上办]\n  approval.innovative_modes: *m\n",
            "county: {id: x, name: 某县, year: 0}\ndata:\n  approval.on_time_rate: 1e2\n  approval.materials_cut_rate: -0\n",
            "---\ncounty: {id: x, name: 某县}\n...\n",
            "county: {id: x, name: 某县}\ndata:\n  \"approval.on_time_rate\": 90\n  'approval.materials_cut_rate': 80\n",
        ];
        // The fast path answers the plain ones (not necessarily every tricky one).
        assert!(agree(&cases, r) >= 18);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        /// County files put together from right and wrong pieces (keys written twice, groups,
        /// unknown keys, values of every kind): wherever the fast path answers, the careful path
        /// accepts the file and gives the same data.
        #[test]
        fn the_fast_path_never_accepts_what_the_careful_path_refuses(
            header in proptest::sample::select(vec![
                "county: {id: x, name: 某县}", "county: {id: x, name: 某县, year: 2020}",
                "county: {id: x, name: 某县, year: 20.5}", "county: {id: x}",
                "county: {id: x, name: 某县, sources: {a: 报告, b: 通报}}", "county: {id: x, name: 某县, id: y}",
            ]),
            entries in proptest::collection::vec(
                (
                    proptest::sample::select(vec![
                        "approval.on_time_rate", "approval.intermediary_list_items",
                        "approval.power_list_published", "approval.five_modes",
                        "decisions.catalog_published", "decisions", "approval", "no.such", "1",
                    ]),
                    proptest::sample::select(vec![
                        "90", "100.5", "-1", "2.5", "9007199254740992", "true", "no", "null", "'90'",
                        "[马上办]", "[马上办, 1]", "{value: 3, bound: lower}", "{value: 3, valeu: 4}",
                        "{value: 3, value: 4}", "{catalog_published: true}", "{on_time_rate: 80}",
                        "{expert_reviewed: 2, catalog_published: false}", "[]", "{}",
                    ]),
                ),
                0..6,
            ),
        ) {
            let r = rules();
            let mut text = format!("{header}\ndata:\n");
            for (k, v) in &entries {
                text.push_str(&format!("  {k}: {v}\n"));
            }
            if let Some(f) = fast("c.yaml", &text, r) {
                match careful("c.yaml", &text, r) {
                    Ok(c) => proptest::prop_assert_eq!(f, c),
                    Err(e) => proptest::prop_assert!(false, "fast path accepted, careful path said {}\n{}", e, text),
                }
            }
        }
    }

    #[test]
    fn the_synthetic_counties_agree_in_both_syntaxes() {
        let r = rules();
        for c in crate::synth::generate(r, 20, 7) {
            let yaml = serde_saphyr::to_string(
                &serde_json::json!({"county": &c.info(), "data": &c.values()}),
            )
            .unwrap();
            let json = serde_json::to_string(
                &serde_json::json!({"county": &c.info(), "data": &c.values()}),
            )
            .unwrap();
            let (fy, fj) = (
                fast("c.yaml", &yaml, r).unwrap(),
                fast("c.json", &json, r).unwrap(),
            );
            assert_eq!(fy, careful("c.yaml", &yaml, r).unwrap());
            assert_eq!(fj, careful("c.json", &json, r).unwrap());
            assert_eq!(fy.hash(), c.hash());
            assert_eq!(fj.hash(), c.hash());
        }
    }
}
