"""`fazhi.audit` against a second tool: every statistic recomputed with numpy and pandas from the
counties' own score reports, on the hand-worked batch of `tests/rules/audit` (a constant item,
one-item areas) and on the eight seed and synthetic counties under the national rule set; and
equal to `fazhi audit --format json`. Run from the repository root."""

import json
import math
import subprocess
from pathlib import Path

import pytest

import fazhi

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")

ROOT = Path(__file__).resolve().parents[3]
AUDIT_RULES = ROOT / "tests/rules/audit"
AUDIT_DATA = sorted(str(p) for p in (ROOT / "tests/data/audit").glob("*.yaml"))
FIXTURES = sorted(
    str(p)
    for d in ("fixtures/counties", "fixtures/synthetic")
    for p in (ROOT / d).glob("*.yaml")
)


def fazhi_bin():
    import os

    path = Path(os.environ.get("FAZHI_BIN", ROOT / "target/debug/fazhi"))
    assert path.exists(), f"build the CLI first (cargo build): {path}"
    return str(path)


def frames(rules, paths):
    """Items, areas (as the reports give them), item maxima, area points, totals, county ids."""
    reports = [rules.score(p).to_json() for p in paths]
    reports = [json.loads(r) if isinstance(r, str) else r for r in reports]
    ids = [r["county"]["id"] for r in reports]
    items = pd.DataFrame(
        {it["id"]: [r["items"][k]["earned"] for r in reports] for k, it in enumerate(reports[0]["items"])},
        index=ids,
    ).astype(float)
    area_of = {it["id"]: it["area"] for it in reports[0]["items"]}
    maxima = {it["id"]: float(it["max"]) for it in reports[0]["items"]}
    level1 = [n for n in reports[0]["nodes"] if n["level"] == 1]
    areas = pd.DataFrame(
        {
            n["id"]: [next(x["earned"] for x in r["nodes"] if x["id"] == n["id"]) for r in reports]
            for n in level1
        },
        index=ids,
    ).astype(float)
    points = {n["id"]: float(n["max"]) for n in level1}
    totals = pd.Series([float(r["summary"]["total"]) for r in reports], index=ids)
    return items, areas, area_of, maxima, points, totals


def pearson(x, y):
    if x.nunique() < 2 or y.nunique() < 2:
        return None
    return float(np.corrcoef(x.to_numpy(), y.to_numpy())[0, 1])


def competition(scores):
    # pandas' "min" method is standard competition ranking (1, 2, 2, 4), higher is better.
    return scores.rank(method="min", ascending=False).astype(int)


def correlation_ratio(x, y):
    """η² with ⌊√n⌋ bins of ⌈n/B⌉ counties along x, equal x never split."""
    n = len(x)
    if y.nunique() < 2:
        return None
    b = max(1, math.isqrt(n))
    size = -(-n // b)
    order = sorted(range(n), key=lambda i: (x.iloc[i], i))
    groups, start = [], 0
    while start < n:
        end = min(start + size, n)
        while end < n and x.iloc[order[end]] == x.iloc[order[end - 1]]:
            end += 1
        groups.append(order[start:end])
        start = end
    labels = np.empty(n, dtype=int)
    for g, members in enumerate(groups):
        labels[members] = g
    yv = y.reset_index(drop=True)
    means = yv.groupby(labels).transform("mean")
    return float(((means - yv.mean()) ** 2).sum() / ((yv - yv.mean()) ** 2).sum())


def cronbach(shares):
    k = shares.shape[1]
    total = shares.sum(axis=1)
    if total.nunique() < 2:
        return None
    return k / (k - 1) * (1 - shares.var(ddof=1).sum() / total.var(ddof=1))


def check(rules, paths):
    got = fazhi.audit(rules, paths)
    items, areas, area_of, maxima, points, totals = frames(rules, paths)
    n = len(totals)
    assert got["counties"] == n
    for it in got["items"]:
        x = items[it["id"]]
        assert it["mean"] == pytest.approx(x.mean())
        assert it["share_full"] == pytest.approx((x >= maxima[it["id"]]).mean())
        assert it["share_zero"] == pytest.approx((x <= 0).mean())
        assert it["modal_share"] == pytest.approx(x.value_counts().max() / n)
        assert it["non_discriminating"] == (x.value_counts().max() / n >= 0.95)
        for key, other in (("corr_with_area", areas[area_of[it["id"]]]), ("corr_with_total", totals)):
            want = pearson(x, other)
            if want is None:
                assert it[key] is None, (it["id"], key)
            else:
                assert it[key] == pytest.approx(want, abs=1e-9), (it["id"], key)
    for ar in got["areas"]:
        cols = [i for i, a in area_of.items() if a == ar["id"] and maxima[i] > 0]
        if len(cols) < 2:
            assert ar["cronbach_alpha"] is None and ar["no_alpha"] == "one_item"
            continue
        shares = items[cols] / pd.Series({c: maxima[c] for c in cols})
        want = cronbach(shares)
        if want is None:
            assert ar["cronbach_alpha"] is None
        else:
            assert ar["cronbach_alpha"] == pytest.approx(want, abs=1e-9), ar["id"]
    corr = areas.corr()
    for i, a in enumerate(areas.columns):
        for j, b in enumerate(areas.columns):
            want = pearson(areas[a], areas[b])
            cell = got["area_correlations"][i][j]
            if want is None:
                assert cell is None
            else:
                assert cell == pytest.approx(corr.loc[a, b], abs=1e-9)
    base = competition(totals)
    for r in got["remove_one"]:
        cols = [r["id"]] if r["kind"] == "item" else [i for i, a in area_of.items() if a == r["id"]]
        shift = (competition(totals - items[cols].sum(axis=1)) - base).abs()
        assert r["mean_abs_rank_shift"] == pytest.approx(shift.mean()), r["id"]
        assert r["max_abs_rank_shift"] == shift.max()
        if shift.max() > 0:
            assert r["max_county"] == shift.idxmax()  # the first county with the largest move
            assert r["max_count"] == int((shift == shift.max()).sum())
        else:
            assert r["max_county"] is None
    firsts = {a: correlation_ratio(areas[a], totals) for a in areas.columns}
    total_s = sum(s for s in firsts.values() if s is not None)
    for inf in got["influence"]:
        assert inf["declared_share"] == pytest.approx(points[inf["id"]] / sum(points.values()))
        s = firsts[inf["id"]]
        assert inf["first_order"] == pytest.approx(s, abs=1e-12)
        assert inf["effect"] == pytest.approx(s / total_s, abs=1e-12)
    return got


def test_the_hand_worked_batch_against_pandas():
    rules = fazhi.RuleSet.load_dir(AUDIT_RULES)
    got = check(rules, AUDIT_DATA)
    # The constant item and the one-item areas are answered, not NaN.
    item = next(i for i in got["items"] if i["id"] == "2.1")
    assert item["corr_with_total"] is None and item["constant"]
    assert [a["cronbach_alpha"] is None for a in got["areas"]] == [False, True, True]
    assert got["areas"][0]["cronbach_alpha"] == pytest.approx(7 / 9)


def test_the_seed_and_synthetic_counties_against_pandas():
    check(fazhi.RuleSet.builtin(), FIXTURES)


def test_audit_equals_the_cli():
    rules = fazhi.RuleSet.load_dir(AUDIT_RULES)
    got = fazhi.audit(rules, AUDIT_DATA)
    cli = subprocess.run(
        [fazhi_bin(), "audit", "--rules", str(AUDIT_RULES), "--format", "json", *AUDIT_DATA],
        check=True,
        capture_output=True,
        cwd=ROOT,
    ).stdout
    assert got == json.loads(cli)
    scenario = {"id": "area3-doubled", "name": "丙领域加倍", "points": {"3": 10}}
    with_scenario = fazhi.audit(rules, AUDIT_DATA, scenario=scenario)
    assert with_scenario["scenario"] == "area3-doubled" and with_scenario["total_points"] == 25
    with pytest.raises(fazhi.ScenarioError):
        fazhi.audit(rules, AUDIT_DATA, scenario={"id": "x", "name": "x", "points": {"9": 1}})
