//! The identity every output must keep: Σ items + bonus − penalty = total, with 指标得分 the sum
//! of the items and a penalty on a node counted once. Checked on the numbers each renderer
//! prints (JSON summary, Markdown 总览, CSV rows, rank, diff, whatif, gap), not on the report's
//! fields alone.

use fazhi::analyse::change::{diff, rank};
use fazhi::analyse::gap::GapAnalysis;
use fazhi::analyse::policy::{scores::Batch, weights::Weights};
use fazhi::{render, CountyData, Points, Report, RuleSet};

/// Points as printed (`8`, `10.5`, `−2`, `-2`, `+3`, `**8**`).
pub fn pts(s: &str) -> Points {
    let t = s
        .trim()
        .trim_matches('*')
        .replace('−', "-")
        .replace('+', "");
    Points::from_f64(
        t.parse::<f64>()
            .unwrap_or_else(|_| panic!("not points: {s:?}")),
    )
}

/// The numbers of one report in every output, each checked against the identity; returns
/// (items_total, bonus, penalty, total) as the JSON summary gives them.
pub fn check_all(
    rules: &RuleSet,
    county: &CountyData,
    r: &Report,
) -> (Points, Points, Points, Points) {
    // JSON summary.
    let j: serde_json::Value = serde_json::from_str(&render::to_json(r)).unwrap();
    let s = &j["summary"];
    let g = |k: &str| Points::from_f64(s[k].as_f64().unwrap());
    let (items, bonus, penalty, total) = (g("items_total"), g("bonus"), g("penalty"), g("total"));
    let sum_items: Points = j["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| Points::from_f64(i["earned"].as_f64().unwrap()))
        .sum();
    assert_eq!(
        items, sum_items,
        "JSON: items_total is the sum of the items"
    );
    assert_eq!(
        items + bonus - penalty,
        total,
        "JSON: items + bonus − penalty = total"
    );
    let deducted: Points = j["penalties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| Points::from_f64(p["points"].as_f64().unwrap()))
        .sum();
    assert_eq!(
        penalty, deducted,
        "JSON: penalty is what the penalties deducted, once"
    );

    // Markdown 总览.
    let md = render::markdown(r);
    let cell = |label: &str| -> Points {
        let line = md
            .lines()
            .find(|l| l.starts_with(&format!("| {label} ")))
            .unwrap_or_else(|| panic!("no row {label} in\n{md}"));
        let v = line.split('|').nth(2).unwrap().trim();
        pts(v.split('/').next().unwrap())
    };
    assert_eq!(cell("总分"), total, "Markdown 总分");
    assert_eq!(cell("指标得分"), items, "Markdown 指标得分");
    assert_eq!(cell("加分"), bonus, "Markdown 加分");
    assert_eq!(Points::ZERO - cell("扣分"), penalty, "Markdown 扣分");
    assert_eq!(
        cell("指标得分") + cell("加分") + cell("扣分"),
        cell("总分"),
        "Markdown rows add up"
    );

    // CSV: item, bonus, bonus_cap, penalty and zeroing rows add up to the total row.
    let csv = render::csv_rows(r);
    let header_line = render::csv_header();
    let header: Vec<&str> = header_line.trim_end().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (earned, kind) = (col("earned"), col("kind"));
    let mut sum = Points::ZERO;
    let mut csv_total = None;
    let mut csv_items = Points::ZERO;
    for line in csv.lines() {
        let cells = split_csv(line);
        let p = pts(&cells[earned]);
        match cells[kind].as_str() {
            "total" => csv_total = Some(p),
            "item" => {
                csv_items += p;
                sum += p;
            }
            _ => sum += p,
        }
    }
    assert_eq!(csv_items, items, "CSV: item rows add up to 指标得分");
    assert_eq!(Some(sum), csv_total, "CSV rows add up to the total row");
    assert_eq!(csv_total, Some(total), "CSV total row");

    // rank (JSON row and Markdown), diff, whatif, gap.
    let ranking = rank::rank_reports(rules, vec![r.clone()]);
    assert_eq!(ranking.rows[0].total, total, "rank total");
    let rank_md = render::rank_markdown(&ranking);
    // The county's row has the total and the maximum in two columns side by side (issue 26:
    // number columns in every format of the ranking).
    let row_has_total = rank_md.lines().any(|l| {
        let cells: Vec<&str> = l.split('|').map(str::trim).collect();
        cells.contains(&r.county.id.as_str())
            && cells
                .windows(2)
                .any(|w| w[0] == total.to_string() && w[1] == r.summary.max.to_string())
    });
    assert!(row_has_total, "rank Markdown total\n{rank_md}");
    let d = diff::county_deltas(std::slice::from_ref(r), std::slice::from_ref(r));
    assert_eq!(
        (d[0].old_total, d[0].new_total),
        (total, total),
        "diff totals"
    );
    let batch = Batch::evaluate(rules, std::slice::from_ref(county));
    assert_eq!(
        batch.recompute(&Weights::nominal(rules))[0].total,
        total,
        "whatif baseline"
    );
    let g = GapAnalysis::from_report(rules, county, r).unwrap();
    assert_eq!(g.total, total, "gap total");
    for p in &g.plans {
        let gains: Points = p.steps.iter().map(|s| s.gain).sum();
        assert_eq!(
            p.total_before + gains,
            p.total_after,
            "gap: step gains add up to the total's change"
        );
    }
    (items, bonus, penalty, total)
}

/// The cells of one CSV line (RFC 4180 quoting).
pub fn split_csv(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                out.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(String::new()),
            (c, _) => out.last_mut().unwrap().push(c),
        }
    }
    out
}
