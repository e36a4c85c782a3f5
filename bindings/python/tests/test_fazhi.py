"""pytest for `import fazhi`: loading, scoring, every error kind, and byte-for-byte equality
with the CLI's JSON. Run from the repository root (paths below are relative to it)."""

import json
import os
import subprocess
import threading
from pathlib import Path

import pytest

import fazhi

ROOT = Path(__file__).resolve().parents[3]
YUNCHENG = "fixtures/counties/yuncheng-2018.yaml"
MINI = ROOT / "tests/rules/mini"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="module")
def national():
    return fazhi.RuleSet.builtin()


def fazhi_bin():
    path = Path(os.environ.get("FAZHI_BIN", ROOT / "target/debug/fazhi"))
    assert path.exists(), f"build the CLI first (cargo build): {path}"
    return str(path)


def test_builtin_is_the_national_rule_set(national):
    assert national.id == "national-2021"
    assert national.total_points == 1000.0
    assert len(national.fields) == 238
    assert len(national.hash) == 64


def test_load_dir_and_from_documents_agree():
    a = fazhi.RuleSet.load_dir(MINI)
    docs = {p.name: p.read_text(encoding="utf-8") for p in MINI.glob("*.yaml")}
    b = fazhi.RuleSet.from_documents(docs)
    assert a.id == b.id == "mini"
    assert a.hash == b.hash
    assert a.total_points == 20.0


def test_score_a_path_equals_the_cli_json_byte_for_byte(national):
    report = national.score(YUNCHENG)
    cli = subprocess.run(
        [fazhi_bin(), "score", "--format", "json", YUNCHENG],
        check=True,
        capture_output=True,
    ).stdout.decode("utf-8")
    assert report.to_json() == cli
    # README: 郓城县 scores 165 of 1000 under the national rule set.
    assert report.total == 165.0
    assert report.max == 1000.0
    assert report.county_id == "yuncheng-2018"
    assert report.county_name == "郓城县"
    assert report.source == YUNCHENG
    assert report.passed == {"demonstration": False}  # 165 < 800 (示范)
    assert report.to_dict() == json.loads(cli)


def test_score_a_dict(national):
    by_path = national.score(YUNCHENG).to_dict()
    data = {"county": by_path["county"].copy(), "data": {}}
    for item in by_path["items"]:
        for field, datum in (item.get("inputs") or {}).items():
            node = data["data"]
            *groups, leaf = field.split(".")
            for g in groups:
                node = node.setdefault(g, {})
            node[leaf] = datum
    for key in ("data_hash", "source"):
        data["county"].pop(key, None)
    report = national.score(data)
    assert report.source is None
    # Items read from the same values score the same.
    by_dict = report.to_dict()
    assert [i["earned"] for i in by_dict["items"]] == [i["earned"] for i in by_path["items"]]


def test_a_total_with_an_addition_reads_out_of_100(national):
    # 楚雄州 2023: areas 97 + 附加项（加、扣分）3 = 100 (tests/rules/chuxiong-2023).
    assert national.additional_points is None
    rules = fazhi.RuleSet.load_dir(ROOT / "tests/rules/chuxiong-2023")
    assert rules.total_points == 100.0 and rules.additional_points == 3.0
    r = rules.score(ROOT / "tests/data/chuxiong/full.yaml").to_dict()
    # 97 + min(5 awards, 3) = 100 of 100.
    assert r["summary"]["total"] == 100 and r["summary"]["max"] == 100
    assert r["ruleset"]["additional_points"] == 3


def test_a_rule_set_out_of_50_reads_out_of_100():
    # 以满分50分进行考评，评分结果折算成百分制 (tests/rules/baifen).
    rules = fazhi.RuleSet.load_dir(ROOT / "tests/rules/baifen")
    assert rules.total_points == 100.0 and rules.written_out_of == 50.0
    r = rules.score(ROOT / "tests/data/baifen/a.yaml").to_dict()
    # (10 + 7 + 20) × 2 = 74 items, + 1 × 2 bonus − 2 × 2 penalty = 72 of 100.
    assert r["summary"]["total"] == 72 and r["summary"]["max"] == 100


def test_areas_as_shares_of_the_total():
    # 一、制度建设（占总分值的15%） (tests/rules/shares): 15% / 35% / 50% of 100.
    rules = fazhi.RuleSet.load_dir(ROOT / "tests/rules/shares")
    r = rules.score(ROOT / "tests/data/shares/a.yaml").to_dict()
    areas = [n["max"] for n in r["nodes"] if n["level"] == 1]
    assert areas == [15, 35, 50]
    # 7 + 5 + 16 + 10 + 25 + 22.5 = 85.5.
    assert r["summary"]["total"] == 85.5


def test_records_are_scored_one_by_one():
    # 案卷评查 (tests/rules/records, issue 27 shape 5): records 10, 0 (a basic problem zeroes it
    # alone), 8; the item is their average (10 + 0 + 8) / 3 = 6.
    rules = fazhi.RuleSet.load_dir(ROOT / "tests/rules/records")
    r = rules.score(ROOT / "tests/data/records/three.yaml").to_dict()
    item = next(i for i in r["items"] if i["id"] == "3.2")
    assert item["earned"] == 6
    assert [x["earned"] for x in item["records"]] == [10, 0, 8]
    assert item["records"][1]["label"] == "案卷号 A-02"
    assert all("records" not in i for i in r["items"] if i["id"] != "3.2")


def test_relative_items_are_ranked_within_the_counties_given():
    # 全市排名前三名的得满分… (tests/rules/relative, tests/relative.rs has the hand computation):
    # the eight counties together: 丙县 3 + 4 + 3 + 0 = 10 first, 戊县 1.5 last.
    rules = fazhi.RuleSet.load_dir(ROOT / "tests/rules/relative")
    data = ROOT / "tests/data/relative"
    paths = [str(data / f"{k}.yaml") for k in "abcdefgh"]
    ranking = fazhi.rank(rules, paths)
    totals = [(r["county"]["id"], r["total"]) for r in ranking["rows"]]
    assert totals[0] == ("rel-c", 10) and totals[-1] == ("rel-e", 1.5)
    # A dict among the paths: still one group of eight (its count in every report's row).
    d = {"county": {"id": "rel-x", "name": "某县"}, "data": {"service.score": 100}}
    mixed = fazhi.rank(rules, paths[:7] + [d])
    assert {r["county"]["group"]["count"] for r in mixed["rows"]} == {8}
    # One county alone is a group of one: 3 + 4 + 0 + 2 = 9.
    alone = rules.score(paths[0]).to_dict()
    assert alone["summary"]["total"] == 9 and alone["county"]["group"]["alone"] is True


def test_report_attributes_on_mini():
    rules = fazhi.RuleSet.load_dir(MINI)
    r = rules.score(ROOT / "tests/data/mini-good.yaml")
    assert r.max == 20.0
    assert 0 <= r.total <= 20.0 + 3.0  # mini: 20 points, bonus cap 3
    assert r.items and {"id", "name", "earned"} <= set(r.items[0])
    assert "示例县" in r.to_markdown()
    assert repr(r).startswith("<fazhi.Report mini-good")


def test_data_error_carries_diagnostics(national):
    with pytest.raises(fazhi.DataError) as e:
        national.score(
            {"county": {"id": "x", "name": "某县"}, "data": {"litigation": {"head_appearance_rat": 90}}}
        )
    err = e.value
    assert isinstance(err, fazhi.FazhiError)
    d = err.diagnostics[0]
    # `code` is the stable `fazhi::Code` (issue 25), the same text as the HTTP body's.
    assert set(d) == {"code", "severity", "file", "line", "column", "message", "help"}
    assert d["code"] == "unknown_key"
    assert d["severity"] == "error"
    assert d["file"] == "<dict>"
    # A dict has no lines: the position would point into the binding's own JSON text.
    assert (d["line"], d["column"]) == (0, 0)
    assert "head_appearance_rat" in d["message"]
    assert d["help"] == "did you mean `litigation.head_appearance_rate`?"
    assert "<dict>: error: unknown field" in str(err)


def test_rules_error_names_file_and_line():
    bad = {
        "ruleset.yaml": "ruleset: {id: x, title: 标题, version: '1', total_points: 5}\n"
        "indicators:\n  - id: '1'\n    name: 甲\n    points: 4\n    inputs: []\n    score: '4'\n"
    }
    with pytest.raises(fazhi.RulesError) as e:
        fazhi.RuleSet.from_documents(bad)
    errors = [d for d in e.value.diagnostics if d["severity"] == "error"]
    assert errors and errors[0]["file"] == "ruleset.yaml"
    assert errors[0]["line"] > 0
    assert "ruleset.yaml:" in str(e.value)


def test_error_classes_share_the_base():
    for cls in (fazhi.RulesError, fazhi.DataError, fazhi.ScenarioError, fazhi.InvalidRequest):
        assert issubclass(cls, fazhi.FazhiError)
    assert not issubclass(fazhi.FazhiError, OSError)


def test_scenario_error_names_the_unknown_node(national):
    with pytest.raises(fazhi.ScenarioError) as e:
        fazhi.whatif(national, {"id": "bad", "name": "坏情景", "points": {"99": 5}}, [YUNCHENG])
    d = e.value.diagnostics[0]
    assert d["severity"] == "error" and d["file"] == "<dict>"
    assert "99" in d["message"]


def test_whatif_equals_the_cli(national):
    scenario = "examples/scenarios/disputes-first.yaml"
    paths = [YUNCHENG, "fixtures/counties/linshu-2024.yaml"]
    got = fazhi.whatif(national, scenario, paths)
    cli = subprocess.run(
        [fazhi_bin(), "whatif", "--scenario", scenario, "--format", "json", *paths],
        check=True,
        capture_output=True,
    ).stdout
    assert got == json.loads(cli)


def test_invalid_requests(national, tmp_path):
    with pytest.raises(fazhi.InvalidRequest):
        national.score(42)
    with pytest.raises(fazhi.InvalidRequest) as e:
        fazhi.RuleSet.load_dir(tmp_path)  # no YAML files
    assert e.value.diagnostics == []
    with pytest.raises(fazhi.InvalidRequest):
        fazhi.rank(national, YUNCHENG)  # a list is needed, even for one


def test_io_errors_are_oserrors(national, tmp_path):
    missing = tmp_path / "none.yaml"
    with pytest.raises(FileNotFoundError) as e:
        national.score(missing)
    assert e.value.filename == str(missing)
    with pytest.raises(OSError):
        fazhi.RuleSet.load_dir(tmp_path / "no-such-dir")


def test_lint_lists_warnings_as_dicts():
    rules = fazhi.RuleSet.load_dir(MINI)
    diags = rules.lint()
    assert all(d["severity"] in ("error", "warning") for d in diags)
    assert not [d for d in diags if d["severity"] == "error"]


def test_gap_rank_diff(national):
    g = national.gap("fixtures/counties/qingfeng-2020.yaml")
    cli = subprocess.run(
        [fazhi_bin(), "gap", "--format", "json", "fixtures/counties/qingfeng-2020.yaml"],
        check=True,
        capture_output=True,
    ).stdout
    assert g == json.loads(cli)

    paths = [YUNCHENG, "fixtures/counties/linshu-2024.yaml"]
    ranking = fazhi.rank(national, paths)
    cli = subprocess.run(
        [fazhi_bin(), "rank", "--quiet", "--format", "json", *paths],
        check=True,
        capture_output=True,
    ).stdout
    assert ranking == json.loads(cli)
    # README: 临沭县 172 ranks before 郓城县 165.
    assert [r["county"]["id"] for r in ranking["rows"]] == ["linshu-2024", "yuncheng-2018"]

    same = fazhi.diff(national, national, paths)
    assert same["changes"] == []
    assert len(same["counties"]) == 2


def test_scoring_from_threads_gives_the_same_report(national):
    expected = national.score(YUNCHENG).to_json()
    out = []

    def work():
        out.append(national.score(YUNCHENG).to_json())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert out == [expected] * 4
