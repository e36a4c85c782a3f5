//! Synthetic county data for any rule set: realistic, correlated, deterministic for a seed.
//!
//! Used by the benchmarks and by large tests (issue 7). Every county has a latent *strength*
//! (a standard normal draw) and one latent effect per first-level area; each field's *quality*
//! mixes the two with its own noise, so a county strong in one area tends to be strong in others.
//! A field's value is drawn from its quality, its type and range, and the value the rule set names
//! as a full-points `target` (when an item gives one): a percent whose target is 95 sits near 95
//! for a strong county and well below for a weak one; a count whose target is 0 (violations,
//! problems) is usually 0 for a strong county. Then:
//!
//! - some data are missing (more often for fields that are only ever `optional_inputs`, and more
//!   often in weak counties), so some items are `no_data`;
//! - the inputs of every veto are set so a small share of counties (about 3% per veto, more in
//!   weak counties) triggers it;
//! - the rule set's data checks of the simple shapes are made to hold (see [`checks`]).
//!
//! County `i` is drawn from its own ChaCha stream of the seed, so it does not depend on how many
//! counties are generated, and generating in parallel or one by one gives the same data.
//!
//! ```
//! let rules = fazhi::RuleSet::builtin()?;
//! let counties = fazhi::synth::generate(&rules, 20, 7);
//! assert_eq!(counties.len(), 20);
//! assert_eq!(counties, fazhi::synth::generate(&rules, 20, 7)); // deterministic
//! let reports: Vec<_> = counties.iter().map(|c| rules.score(c)).collect();
//! assert!(reports.iter().any(|r| r.summary.total != reports[0].summary.total));
//! # Ok::<(), fazhi::Error>(())
//! ```

pub mod checks;
mod values;

use crate::error::{Error, Result};
use crate::load::county::{CountyData, CountyInfo, Datum};
use crate::model::FieldSpec;
use crate::ruleset::RuleSet;
use crate::types::FieldPath;
use crate::types::Value;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub use values::Ideal;

/// The 31 provincial-level divisions of the mainland, given to synthetic counties in turn.
const PROVINCES: [&str; 31] = [
    "北京市",
    "天津市",
    "河北省",
    "山西省",
    "内蒙古自治区",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "上海市",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "广西壮族自治区",
    "海南省",
    "重庆市",
    "四川省",
    "贵州省",
    "云南省",
    "西藏自治区",
    "陕西省",
    "甘肃省",
    "青海省",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
];

/// What the generator knows about one field of the dictionary.
#[derive(Debug, Clone)]
pub struct FieldPlan {
    /// The field.
    pub path: FieldPath,
    /// Its dictionary entry.
    pub spec: FieldSpec,
    /// The first-level area of the first item that reads it (index into the areas), if any.
    pub area: Option<usize>,
    /// The value that earns full points, as far as the rule set says.
    pub ideal: Ideal,
    /// Read only as an optional input (tested with `has`): often missing.
    pub optional_only: bool,
    /// An input of a veto: set so that only a few counties trigger it.
    pub veto: bool,
    /// An input of a bonus: recognition is rare.
    pub bonus: bool,
    /// A stable per-field magnitude for counts without a target or range.
    pub magnitude: f64,
}

/// A generator for one rule set: the field plans and the data checks it can make hold.
#[derive(Debug, Clone)]
pub struct Generator {
    fields: Vec<FieldPlan>,
    areas: usize,
    relations: Vec<checks::Relation>,
    base_year: i32,
}

impl Generator {
    /// Reads the rule set's dictionary, items (areas and targets), vetoes, bonuses and checks.
    pub fn new(rules: &RuleSet) -> Generator {
        let nodes = rules.nodes();
        let area_ids: Vec<usize> = nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.level == 1)
            .map(|(i, _)| i)
            .collect();
        let mut area_of: BTreeMap<&FieldPath, usize> = BTreeMap::new();
        let mut target_of: BTreeMap<&FieldPath, &Value> = BTreeMap::new();
        let mut required: BTreeSet<&FieldPath> = BTreeSet::new();
        for n in nodes {
            let Some(leaf) = &n.leaf else { continue };
            let area = area_ids.iter().position(|a| *a == n.area);
            for f in leaf.inputs.iter().chain(&leaf.optional_inputs) {
                if let Some(a) = area {
                    area_of.entry(f).or_insert(a);
                }
            }
            required.extend(&leaf.inputs);
            for (f, v) in &leaf.target {
                target_of.entry(f).or_insert(v);
            }
        }
        let veto: BTreeSet<&FieldPath> = rules
            .vetoes()
            .iter()
            .flat_map(|v| v.inputs.iter())
            .collect();
        let bonus: BTreeSet<&FieldPath> = rules
            .bonuses()
            .iter()
            .flat_map(|b| b.inputs.iter().chain(&b.optional_inputs))
            .collect();
        // Fields read only by penalties (督察通报问题…) and given no target by an item: like veto
        // inputs, the clean value is 0 / false, and most counties have it.
        let clean: BTreeSet<&FieldPath> = rules
            .penalties()
            .iter()
            .flat_map(|p| p.inputs.iter().chain(&p.optional_inputs))
            .filter(|f| !target_of.contains_key(*f))
            .chain(veto.iter().copied())
            .collect();
        required.extend(rules.vetoes().iter().flat_map(|v| v.inputs.iter()));
        required.extend(rules.bonuses().iter().flat_map(|v| v.inputs.iter()));
        required.extend(rules.penalties().iter().flat_map(|v| v.inputs.iter()));
        let read = rules.fields_read();
        let base_year = target_of
            .values()
            .find_map(|v| match v {
                Value::Text(s) if s.len() == 10 => s[..4].parse::<i32>().ok(),
                _ => None,
            })
            .map_or(2020, |y| y - 1);
        let fields = rules
            .fields()
            .iter()
            .map(|(path, spec)| FieldPlan {
                path: path.clone(),
                spec: spec.clone(),
                area: area_of.get(path).copied(),
                ideal: values::ideal(spec, target_of.get(path).copied(), clean.contains(path)),
                optional_only: read.contains(path) && !required.contains(path),
                veto: veto.contains(path),
                bonus: bonus.contains(path),
                magnitude: values::magnitude(path.as_str()),
            })
            .collect();
        let relations = rules
            .checks()
            .iter()
            .flat_map(|c| checks::parse(&c.expect))
            .collect();
        Generator {
            fields,
            areas: area_ids.len(),
            relations,
            base_year,
        }
    }

    /// The plan of every field, in dictionary order.
    pub fn fields(&self) -> &[FieldPlan] {
        &self.fields
    }

    /// The data relations taken from the rule set's checks, which every county is made to meet.
    pub fn relations(&self) -> &[checks::Relation] {
        &self.relations
    }

    /// County number `index` (0-based) of the stream `seed`, checked against the rule set.
    pub fn county(&self, rules: &RuleSet, seed: u64, index: usize) -> Result<CountyData> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(index as u64);
        let strength = 0.8 * normal(&mut rng) + 0.35;
        let area_effect: Vec<f64> = (0..self.areas).map(|_| normal(&mut rng)).collect();
        let county_q = phi(strength);
        let size = (0.5 * normal(&mut rng)).exp();
        let mut out: BTreeMap<FieldPath, Value> = BTreeMap::new();
        let mut quality: BTreeMap<FieldPath, f64> = BTreeMap::new();
        for f in &self.fields {
            let area = f.area.map_or(0.0, |a| area_effect[a]);
            let q = phi(0.78 * strength + 0.35 * area + 0.45 * normal(&mut rng));
            let missing_p = if f.veto {
                0.01
            } else if f.optional_only {
                0.25 + 0.3 * (1.0 - county_q)
            } else {
                0.005 + 0.05 * (1.0 - county_q).powi(2)
            };
            let roll: f64 = rng.gen();
            let v = values::draw(f, q, county_q, size, self.base_year, &mut rng);
            if roll >= missing_p {
                out.insert(f.path.clone(), v);
                quality.insert(f.path.clone(), q);
            }
        }
        for _ in 0..2 {
            for r in &self.relations {
                r.enforce(&mut out, &quality, &self.fields);
            }
        }
        let info = CountyInfo {
            id: format!("synth-{:04}", index + 1),
            name: format!("合成县{:04}", index + 1),
            province: Some(PROVINCES[index % PROVINCES.len()].to_string()),
            year: Some(self.base_year),
            kind: Some("synthetic".into()),
            sources: BTreeMap::new(),
            note: Some(format!("fazhi synth, seed {seed}, county {}", index + 1)),
        };
        CountyData::new(
            info,
            out.into_iter().map(|(k, v)| (k, Datum::new(v))),
            rules,
        )
    }
}

/// `n` synthetic counties for a rule set, deterministic for `seed`. Never fails: a value the
/// dictionary would reject is never drawn (a county that still failed would be left out, which the
/// tests check never happens).
pub fn generate(rules: &RuleSet, n: usize, seed: u64) -> Vec<CountyData> {
    let g = Generator::new(rules);
    (0..n)
        .filter_map(|i| g.county(rules, seed, i).ok())
        .collect()
}

/// The county file of a county (YAML, `county:` and `data:`, fields written with their dotted
/// paths), as `fazhi score` reads it.
pub fn to_yaml(c: &CountyData) -> Result<String> {
    #[derive(serde::Serialize)]
    struct File<'a> {
        county: &'a CountyInfo,
        data: BTreeMap<&'a str, &'a Value>,
    }
    let file = File {
        county: c.info(),
        data: c
            .values()
            .iter()
            .map(|(k, d)| (k.as_str(), &d.value))
            .collect(),
    };
    serde_saphyr::to_string(&file).map_err(|e| Error::Io {
        path: format!("{}.yaml", c.info().id).into(),
        source: std::io::Error::other(e.to_string()),
    })
}

/// Writes one file per county, `DIR/<id>.yaml`, creating the folder.
pub fn write_dir(dir: &Path, counties: &[CountyData]) -> Result<()> {
    let io = |path: &Path, source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    for c in counties {
        let path = dir.join(format!("{}.yaml", c.info().id));
        std::fs::write(&path, to_yaml(c)?).map_err(|e| io(&path, e))?;
    }
    Ok(())
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = rng.gen::<f64>().max(1e-12);
    let u2: f64 = rng.gen();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// The standard normal distribution function (logistic approximation, error < 0.01).
fn phi(x: f64) -> f64 {
    1.0 / (1.0 + (-1.702 * x).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phi_is_a_distribution_function() {
        assert!((phi(0.0) - 0.5).abs() < 1e-12);
        assert!(phi(3.0) > 0.99 && phi(-3.0) < 0.01);
    }
}
