//! Random county data within a rule set's dictionary (for property tests and benches).

use fazhi::model::FieldType;
use fazhi::{FieldPath, RuleSet};
use proptest::prelude::*;

/// A random value for a field, as YAML text; `None` leaves the field out.
fn value_strategy(
    ty: FieldType,
    lo: Option<f64>,
    hi: Option<f64>,
    values: Option<Vec<String>>,
) -> BoxedStrategy<Option<String>> {
    let v: BoxedStrategy<String> = match ty {
        FieldType::Percent | FieldType::Number => {
            let (lo, hi) = (lo.unwrap_or(-1000.0), hi.unwrap_or(1000.0));
            prop_oneof![Just(lo), Just(hi), lo..=hi]
                .prop_map(|x| format!("{x}"))
                .boxed()
        }
        FieldType::Count => {
            let (lo, hi) = (
                lo.unwrap_or(0.0) as i64,
                hi.unwrap_or(50.0).min(1_000_000.0) as i64,
            );
            (lo..=hi).prop_map(|x| x.to_string()).boxed()
        }
        FieldType::Bool => any::<bool>().prop_map(|b| b.to_string()).boxed(),
        FieldType::Date => (2015u32..2025, 1u32..13, 1u32..29)
            .prop_map(|(y, m, d)| format!("\"{y}-{m:02}-{d:02}\""))
            .boxed(),
        FieldType::Text => "[a-z]{0,5}".prop_map(|s| format!("\"{s}\"")).boxed(),
        FieldType::Enum => {
            let vals = values.unwrap_or_default();
            proptest::sample::select(vals)
                .prop_map(|s| format!("\"{s}\""))
                .boxed()
        }
        // issue 27 shape 5: no records (the item is then without data).
        FieldType::Records => Just("[]".to_string()).boxed(),
        FieldType::List => {
            let vals = values.unwrap_or_else(|| vec!["x".into()]);
            proptest::sample::subsequence(vals.clone(), 0..=vals.len())
                .prop_map(|l| {
                    format!(
                        "[{}]",
                        l.iter()
                            .map(|s| format!("\"{s}\""))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })
                .boxed()
        }
    };
    prop_oneof![1 => Just(None), 4 => v.prop_map(Some)].boxed()
}

/// Random county data for a rule set: (field, YAML value) pairs.
pub fn data_strategy(rules: &RuleSet) -> BoxedStrategy<Vec<(String, String)>> {
    let fields: Vec<(FieldPath, BoxedStrategy<Option<String>>)> = rules
        .fields()
        .iter()
        .map(|(f, s)| {
            let (lo, hi) = s.bounds();
            (f.clone(), value_strategy(s.ty, lo, hi, s.values.clone()))
        })
        .collect();
    let names: Vec<String> = fields.iter().map(|f| f.0.to_string()).collect();
    let strats: Vec<_> = fields.into_iter().map(|f| f.1).collect();
    strats
        .prop_map(move |vals| {
            names
                .iter()
                .zip(vals)
                .filter_map(|(n, v)| v.map(|v| (n.clone(), v)))
                .collect()
        })
        .boxed()
}

/// A county file (YAML) with these (field, YAML value) pairs.
pub fn yaml(pairs: &[(String, String)]) -> String {
    // With its assessment year: rules such as national-2021's 8.2.1 date a deadline from it
    // (`period_date(1, 3, 31)`), and a county without one makes them an error.
    let mut s = String::from("county: {id: p, name: 随机县, year: 2021}\ndata:\n");
    for (k, v) in pairs {
        s.push_str(&format!("  {k}: {v}\n"));
    }
    s
}
