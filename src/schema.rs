//! JSON Schemas for editors and validators (feature `schema`, on by default).
//!
//! - [`rules`]: the rule-file format, derived with [schemars](https://graham.cool/schemars/) from
//!   the very types the loader deserializes (`ruleset`, `fields`, `indicators`, `vetoes`,
//!   `bonuses`, `penalties`, `pass_lines`, `checks`), so the schema cannot drift from the loader.
//!   Unknown keys are refused (`additionalProperties: false`), as the loader refuses them.
//! - [`county`]: the county-file format for one rule set's data dictionary: every field with its
//!   type, range (percent 0–100, count ≥ 0, the field's `range`), allowed values and Chinese
//!   description (`desc` → `description`), nested by the dotted path's segments (dotted keys
//!   such as `litigation.cases:` are accepted too, as the loader accepts them).
//!
//! - [`tests`]: the test files kept beside a rule set (`tests/`, see [`crate::ruletests`]).
//!
//! All are JSON Schema draft 2020-12 as [`serde_json::Value`]s. `fazhi schema rules` and
//! `fazhi schema county [--rules DIR]` print them; `schemas/` holds the shipped copies that the
//! rule files' and fixtures' `# yaml-language-server: $schema=…` modelines point at.
//!
//! ```
//! let rules = fazhi::RuleSet::builtin()?;
//! let county = fazhi::schema::county(&rules);
//! assert_eq!(county["properties"]["data"]["$ref"], "#/$defs/data");
//! let format = fazhi::schema::rules();
//! assert_eq!(format["additionalProperties"], false);
//! # Ok::<(), fazhi::Error>(())
//! ```

use crate::error::{Diagnostics, Error, Result};
use crate::model::{FieldSpec, FieldType, RawDoc};
use crate::types::{FieldPath, IndicatorId, Points};
use crate::RuleSet;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Map, Value as Json};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The JSON Schema (draft 2020-12) of one rule file: any of the top-level sections, each as the
/// loader reads it (see `docs/FORMAT.md`). Never fails.
pub fn rules() -> Json {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let schema = generator.into_root_schema_for::<RawDoc>();
    let mut v = schema.to_value();
    if let Json::Object(m) = &mut v {
        m.insert(
            "title".into(),
            json!("fazhi rule file (法治政府建设示范指标体系 评分规则)"),
        );
        m.insert(
            "description".into(),
            json!("One YAML file of a fazhi rule set: any of ruleset (header), fields (data dictionary), indicators (一级/二级/三级指标 tree), vetoes (一票否决), bonuses (加分), penalties (扣分), pass_lines (达标线), checks. Exactly one file of a set carries `ruleset:`. See docs/FORMAT.md."),
        );
    }
    v
}

/// The JSON Schema (draft 2020-12) of a test file kept beside a rule set (its `tests/` folder,
/// see [`crate::ruletests`]), derived from the types the test runner reads. Never fails.
pub fn tests() -> Json {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let mut v = generator
        .into_root_schema_for::<crate::ruletests::TestFile>()
        .to_value();
    if let Json::Object(m) = &mut v {
        m.insert(
            "title".into(),
            json!("fazhi rule-set test file (规则集测试用例)"),
        );
        m.insert(
            "description".into(),
            json!("Test cases kept beside a fazhi rule set, in its tests/ folder: each a county (a county file's path relative to the test file, or inline) and the results it must get: total, items, status, bonuses (加分), penalties (扣分), pass_lines (达标线), vetoed (一票否决), parts of explanations. `fazhi test RULES_DIR` runs them. See docs/FORMAT.md."),
        );
    }
    v
}

/// The JSON Schema (draft 2020-12) of a county file for `rules`' data dictionary: a `county:`
/// header (id, name, province, year, kind, sources, note) and `data:` with one entry per
/// dictionary field, a bare value or a provenance record `{value, bound, source, quote, note}`;
/// `null` means "not given". Never fails.
pub fn county(rules: &RuleSet) -> Json {
    county_for(rules.id(), rules.title(), rules.fields())
}

fn county_for(id: &str, title: &str, fields: &BTreeMap<FieldPath, FieldSpec>) -> Json {
    let mut defs = Map::new();
    // Every group (a dotted prefix of some field) and its entries: each descendant by its path
    // relative to the group, so `a: {b: …}` and `a.b: …` are both described.
    let mut groups: BTreeMap<String, Map<String, Json>> = BTreeMap::new();
    groups.insert(String::new(), Map::new());
    for (path, spec) in fields {
        let key = format!("field:{path}");
        defs.insert(key.clone(), field_schema(path, spec));
        let segs: Vec<&str> = path.as_str().split('.').collect();
        for cut in 0..segs.len() {
            let group = segs[..cut].join(".");
            groups.entry(group.clone()).or_default();
            // Entries of `group`: every proper suffix start after it.
            for end in cut + 1..=segs.len() {
                let rel = segs[cut..end].join(".");
                let target = if end == segs.len() {
                    format!("#/$defs/{key}")
                } else {
                    format!("#/$defs/group:{}", segs[..end].join("."))
                };
                if let Some(g) = groups.get_mut(&group) {
                    g.entry(rel).or_insert_with(|| json!({ "$ref": target }));
                }
            }
        }
    }
    for (group, props) in groups {
        let name = if group.is_empty() {
            "data".to_string()
        } else {
            format!("group:{group}")
        };
        let description = if group.is_empty() {
            "县（市、区）的数据：数据字典中的字段，按点分路径嵌套（也可直接写点分键）。未给出的数字留空或写 null（该指标无数据，不得分）。".to_string()
        } else {
            format!("字段组 `{group}`")
        };
        // A field written twice, dotted and nested (`a.b: 1` and `a: {b: 2}`), is refused by
        // the reader: a dotted key forbids every other spelling of each field it gives.
        let group_prefix = if group.is_empty() {
            String::new()
        } else {
            format!("{group}.")
        };
        let dependent: Map<String, Json> = props
            .keys()
            .filter(|k| k.contains('.'))
            .map(|k| {
                let segs: Vec<&str> = k.split('.').collect();
                let full = format!("{group_prefix}{k}");
                // The fields this key gives: itself, or every field under it.
                let leaves: Vec<Vec<&str>> = if fields.contains_key(&FieldPath::new(full.clone())) {
                    vec![Vec::new()]
                } else {
                    fields
                        .keys()
                        .filter_map(|f| f.as_str().strip_prefix(&format!("{full}.")))
                        .map(|rest| rest.split('.').collect())
                        .collect()
                };
                let mut all = Vec::new();
                for leaf in &leaves {
                    for i in 1..segs.len() {
                        let rest: Vec<&str> = segs[i..].iter().chain(leaf).copied().collect();
                        let forbid = json!({ "properties": { segs[..i].join("."): not_reaching(&rest) } });
                        all.push(if leaf.is_empty() {
                            forbid
                        } else {
                            json!({
                                "if": { "properties": { k.clone(): { "not": not_reaching(leaf) } } },
                                "then": forbid,
                            })
                        });
                    }
                }
                (k.clone(), json!({ "allOf": all }))
            })
            .collect();
        let mut group_schema = json!({
            "type": "object",
            "description": description,
            "properties": props,
            "additionalProperties": false,
        });
        if !dependent.is_empty() {
            group_schema["dependentSchemas"] = Json::Object(dependent);
        }
        defs.insert(name, group_schema);
    }
    defs.insert(
        "source_key".into(),
        json!({
            "type": "string",
            "description": "佐证材料（来源文件）的编号，对应 county.sources 中的键（文本：写成 \"000\"，数字请加引号）",
        }),
    );
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("fazhi county data for {id} ({title})"),
        "description": format!("县级数据文件（YAML 或 JSON），按规则集 {id}「{title}」的数据字典。由 `fazhi schema county` 生成。"),
        "type": "object",
        "required": ["county", "data"],
        "additionalProperties": false,
        "properties": {
            "county": {
                "type": "object",
                "description": "县的基本信息",
                "required": ["id", "name"],
                "additionalProperties": false,
                "properties": {
                    "id": { "type": "string", "description": "稳定编号（如 yuncheng-2018）" },
                    "name": { "type": "string", "description": "名称（如 郓城县）" },
                    "province": { "type": "string", "description": "所属省份" },
                    "year": { "type": "integer", "description": "数据年度" },
                    "kind": { "type": "string", "description": "数据类别（如 seed、synthetic）" },
                    "sources": {
                        "type": "object",
                        "description": "来源文件：编号 → 说明",
                        "additionalProperties": { "type": "string" },
                    },
                    "note": { "type": "string", "description": "备注" },
                },
            },
            "data": { "$ref": "#/$defs/data" },
        },
        "$defs": defs,
    })
}

/// A schema for a value that does not reach the field at the relative path `segs` by any
/// spelling (`b.c`, `b: {c}`): an object holding neither the dotted key nor a group leading to it.
fn not_reaching(segs: &[&str]) -> Json {
    let mut props = Map::new();
    for j in 1..segs.len() {
        props.insert(segs[..j].join("."), not_reaching(&segs[j..]));
    }
    let mut s = json!({ "not": { "type": "object", "required": [segs.join(".")] } });
    if !props.is_empty() {
        s["properties"] = Json::Object(props);
    }
    s
}

/// A field's bare value, `null`, or a provenance record holding the value.
fn field_schema(path: &FieldPath, spec: &FieldSpec) -> Json {
    let bare = value_schema(spec);
    let unit = spec.unit_label();
    let description = if unit.is_empty() {
        format!("{}（{}）", spec.desc, spec.ty.zh())
    } else {
        format!("{}（{}，单位：{unit}）", spec.desc, spec.ty.zh())
    };
    json!({
        "description": description,
        "title": path.as_str(),
        "anyOf": [
            bare.clone(),
            { "type": "null", "description": "未给出（该字段无数据）" },
            {
                "type": "object",
                "description": "带出处的数值：value 为数值，source/quote 为佐证材料",
                "required": ["value"],
                "additionalProperties": false,
                "properties": {
                    "value": { "anyOf": [bare, { "type": "null" }] },
                    "bound": {
                        "enum": ["exact", "lower", "upper"],
                        "description": "exact：确数；lower：下限（“以上”“余”）；upper：上限",
                    },
                    "source": { "$ref": "#/$defs/source_key" },
                    "quote": { "type": "string", "description": "原文摘录（文本；数字请加引号）" },
                    "note": { "type": "string", "description": "备注（文本；数字请加引号）" },
                },
            },
        ],
    })
}

/// The bare value of a field: type, bounds and allowed values from the dictionary.
fn value_schema(spec: &FieldSpec) -> Json {
    let mut m = Map::new();
    let numeric = |m: &mut Map<String, Json>, ty: &str| {
        m.insert("type".into(), json!(ty));
        let (lo, hi) = spec.bounds();
        if let Some(lo) = lo {
            m.insert("minimum".into(), json!(lo));
        }
        if let Some(hi) = hi {
            m.insert("maximum".into(), json!(hi));
        }
    };
    match spec.ty {
        FieldType::Percent | FieldType::Number => numeric(&mut m, "number"),
        FieldType::Count => numeric(&mut m, "integer"),
        FieldType::Bool => {
            m.insert("type".into(), json!("boolean"));
        }
        FieldType::Date => {
            m.insert("type".into(), json!("string"));
            m.insert("pattern".into(), json!(r"^\d{4}-\d{2}-\d{2}$"));
            m.insert("description".into(), json!("日期，YYYY-MM-DD"));
        }
        FieldType::Text => {
            m.insert("type".into(), json!("string"));
        }
        FieldType::Enum => {
            m.insert("type".into(), json!("string"));
            if let Some(v) = &spec.values {
                m.insert("enum".into(), json!(v));
            }
        }
        FieldType::List => {
            m.insert("type".into(), json!("array"));
            let mut items = json!({ "type": "string" });
            if let Some(v) = &spec.values {
                items["enum"] = json!(v);
            }
            m.insert("items".into(), items);
        }
        // issue 27 shape 5: records
        FieldType::Records => {
            m.insert("type".into(), json!("array"));
            m.insert(
                "maxItems".into(),
                json!(crate::load::value::max_records(spec)),
            );
            let subs = spec.record_fields.clone().unwrap_or_default();
            let props: serde_json::Map<String, Json> = subs
                .iter()
                .map(|(k, s)| (k.clone(), value_schema(s)))
                .collect();
            m.insert(
                "items".into(),
                json!({
                    "type": "object",
                    "additionalProperties": false,
                    "required": subs.keys().collect::<Vec<_>>(),
                    "properties": props,
                }),
            );
        }
    }
    Json::Object(m)
}

/// Parses YAML (or JSON) text into a JSON value with the library's own YAML reader, for checking
/// a file against a schema. Errors: [`Error::Data`] with the file, line and column of the syntax
/// error.
pub fn yaml_to_json(name: &str, text: &str) -> Result<Json> {
    // The library's one YAML reader (places, duplicate keys refused), so this stays in step.
    crate::load::parse::typed::<Json>(name, text, crate::load::parse::Syntax::Yaml)
        .map_err(|d| Error::Data(Diagnostics(vec![d])))
}

// The loader's own value types, as their `Deserialize` impls read them.

impl JsonSchema for Points {
    fn schema_name() -> Cow<'static, str> {
        "Points".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "number",
            "description": "Points (分), exact to a thousandth of a point."
        })
    }
}

impl JsonSchema for IndicatorId {
    fn schema_name() -> Cow<'static, str> {
        "IndicatorId".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": ["string", "integer"],
            "minLength": 1,
            "description": "A stable id, best written as a quoted string such as \"4.2.1\"."
        })
    }
}

impl JsonSchema for FieldPath {
    fn schema_name() -> Cow<'static, str> {
        "FieldPath".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "A dotted path naming a field of the data dictionary (litigation.head_appearance_rate)."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(yaml: &str) -> FieldSpec {
        crate::load::parse::typed_for_tests(yaml).unwrap()
    }

    #[test]
    fn a_percent_is_a_number_from_0_to_100_narrowed_by_its_range() {
        let v = value_schema(&spec("{type: percent, desc: 出庭应诉率, range: [50, 120]}"));
        assert_eq!(
            v,
            json!({"type": "number", "minimum": 50.0, "maximum": 100.0})
        );
    }

    #[test]
    fn a_count_is_a_whole_number_from_0() {
        let v = value_schema(&spec("{type: count, desc: 件数}"));
        assert_eq!(v, json!({"type": "integer", "minimum": 0.0}));
    }

    #[test]
    fn an_enum_lists_its_values_and_a_list_its_items() {
        let e = value_schema(&spec("{type: enum, desc: 渠道, values: [网站, 报纸]}"));
        assert_eq!(e, json!({"type": "string", "enum": ["网站", "报纸"]}));
        let l = value_schema(&spec("{type: list, desc: 程序, values: [听证]}"));
        assert_eq!(
            l,
            json!({"type": "array", "items": {"type": "string", "enum": ["听证"]}})
        );
    }

    #[test]
    fn groups_offer_nested_and_dotted_keys() {
        let mut fields = BTreeMap::new();
        fields.insert(
            FieldPath::new("a.b.c"),
            spec("{type: bool, desc: 是否有计划}"),
        );
        let s = county_for("x", "标题", &fields);
        let data = &s["$defs"]["data"]["properties"];
        assert_eq!(data["a"]["$ref"], "#/$defs/group:a");
        assert_eq!(data["a.b"]["$ref"], "#/$defs/group:a.b");
        assert_eq!(data["a.b.c"]["$ref"], "#/$defs/field:a.b.c");
        let a = &s["$defs"]["group:a"]["properties"];
        assert_eq!(a["b.c"]["$ref"], "#/$defs/field:a.b.c");
        assert_eq!(
            s["$defs"]["field:a.b.c"]["description"],
            "是否有计划（是否）"
        );
    }

    #[test]
    fn broken_yaml_names_the_line() {
        let e = yaml_to_json("x.yaml", "a: 1\nb: [\n").unwrap_err();
        assert!(e.diagnostics()[0].line >= 2, "{e}");
    }
}
