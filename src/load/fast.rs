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

use super::parse::{duplicates, yaml_options, Plain, Syntax};
use super::value::{is_group, parse_leaf, CountyInfo, Datum};
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

/// The `county:` header, as the careful path reads it: id and name required, each key at
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
