"""The workbench (issue 28) in a real browser: headless Chromium from the distribution's packages,
driven by Playwright (Python) with `executable_path` set to it, so nothing is downloaded.

`fazhi serve` (the binary `cargo test` built, or FAZHI_BIN) is started on a free loopback port.
The tests load the page, load a 台账 with a bad row and see its error and the other rows, open a
county and download its workbook (a valid xlsx holding the county's total), move a weight and see
the ranking change (and equal what `fazhi whatif` gives for the saved scenario), and re-rank
2,844 synthetic counties, timing it with performance.now() (the figure in BENCHMARKS.md). No test
may log a console error. Screenshots of every page go to WORKBENCH_SHOTS when it is set.

Run: `.ci/run` does; by hand, in a venv with `pip install playwright pytest openpyxl`:
`FAZHI_BIN=target/debug/fazhi pytest -q tests/browser`.
"""

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("FAZHI_BIN", str(ROOT / "target" / "debug" / "fazhi"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = os.environ.get("WORKBENCH_SHOTS")
SEEDS = ["qingfeng-2020", "yuncheng-2018", "linshu-2024"]


def fazhi(*args, cwd=ROOT):
    out = subprocess.run([BIN, *args], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert out.returncode in (0, 2), f"fazhi {args}: {out.stderr}"
    return out


class Server:
    """`fazhi serve --addr 127.0.0.1:0 ARGS`; the address from its first line."""

    def __init__(self, *args):
        self.proc = subprocess.Popen(
            [BIN, "serve", "--addr", "127.0.0.1:0", *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, env={**os.environ, "RUST_LOG": "warn"},
        )
        line = self.proc.stderr.readline()
        m = re.search(r"listening on (http://\S+)", line)
        assert m, f"fazhi serve did not start: {line}"
        self.base = m.group(1)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed (CI=true: .ci/run installs it)")
        pytest.skip("chromium is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def new_page(browser, errors, downloads_ok=True):
    ctx = browser.new_context(accept_downloads=downloads_ok, viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    return page


def open_page(browser, server, errors):
    """The workbench, once it has read the built-in rule set."""
    page = new_page(browser, errors)
    page.goto(server.base + "/")
    page.wait_for_function("document.querySelector('#status').textContent.includes('满分')")
    return page


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=False)


def tab(page, name):
    page.click(f"#tabs button[data-page={name}]")


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    """A 台账 of three seed counties whose second row (郓城县, 台账!4) has text in a count."""
    d = tmp_path_factory.mktemp("ledger")
    good = d / "good.xlsx"
    fazhi("template", "--out", str(good), *[f"fixtures/counties/{c}.yaml" for c in SEEDS])
    wb = openpyxl.load_workbook(good)
    ws = wb["台账"]
    assert ws.cell(row=4, column=1).value == "yuncheng-2018"
    ws.cell(row=4, column=7).value = "很多"
    bad = d / "台账.xlsx"
    wb.save(bad)
    return bad


def draft_rules(tmp_path):
    """national-2021 as a draft: another id, and the bonus cap from 30 to 1 point."""
    d = tmp_path / "draft"
    shutil.copytree(ROOT / "indicators/national-2021", d)
    y = d / "ruleset.yaml"
    text = y.read_text(encoding="utf-8")
    assert "  id: national-2021\n" in text and "  bonus_cap: 30\n" in text
    text = text.replace("  id: national-2021\n", "  id: national-2021-draft\n")
    y.write_text(text.replace("  bonus_cap: 30\n", "  bonus_cap: 1\n"), encoding="utf-8")
    return d


def test_the_workbench_end_to_end(browser, ledger, tmp_path):
    server = Server("--rules", str(draft_rules(tmp_path)))
    errors = []
    try:
        page = open_page(browser, server, errors)
        # The rule set page: search by name, open an item, read its 评分细则 and fields.
        page.fill("#rule-search", "行政复议")
        page.wait_for_selector("#rule-tree div.l3")
        page.click("#rule-tree div.l3 >> nth=0")
        detail = page.inner_text("#rule-detail")
        assert "评分细则" in detail and "读取的字段" in detail
        page.fill("#rule-search", "")
        shot(page, "rules")

        # Data: the template first (the workbook of `fazhi template`), then the 台账 with a bad
        # row and a county file beside it.
        tab(page, "data")
        with page.expect_download() as dl:
            page.click("#template")
        path = tmp_path / "template.xlsx"
        dl.value.save_as(path)
        assert openpyxl.load_workbook(path).sheetnames[0] == "台账"
        assert "--body-limit" in page.inner_text("#limits") and "--max-counties" in page.inner_text("#limits")
        page.set_input_files("#pick", [str(ledger), str(ROOT / "fixtures/counties/qingshan-2020.yaml")])
        page.wait_for_selector("#data-failures .failure")
        failures = page.inner_text("#data-failures")
        assert "台账.xlsx#台账!4" in failures and "很多" in failures, failures
        counties = page.inner_text("#data-counties")
        for name in ["清丰县", "临沭县"]:
            assert name in counties
        assert "郓城县" not in counties
        shot(page, "data")

        # Ranking: three counties, sortable, downloads that open.
        tab(page, "ranking")
        rows = page.locator("#rank tbody tr")
        assert rows.count() == 3
        first = rows.nth(0).get_attribute("data-id")
        page.click("#rank th[data-k=total]")  # descending by total
        page.click("#rank th[data-k=total]")  # ascending
        assert rows.nth(0).get_attribute("data-id") != first
        with page.expect_download() as dl:
            page.click("a.dl[data-format=xlsx]")
        path = tmp_path / "rank.xlsx"
        dl.value.save_as(path)
        openpyxl.load_workbook(path)
        # The batch gap summary: one line per pass line, then the entries that lost most.
        page.click("#gap-run")
        page.wait_for_selector("#gap-summary table")
        assert "示范" in page.inner_text("#gap-summary")
        shot(page, "ranking")

        # A county: 临沭县, its report and gap plan, and its workbook with its total.
        want = json.loads(fazhi("score", "--format", "json", "fixtures/counties/linshu-2024.yaml").stdout)
        total = want["summary"]["total"]
        tab(page, "county")
        page.select_option("#county-pick", "linshu-2024")
        page.wait_for_function("document.querySelector('#status').textContent.startsWith('linshu-2024')")
        report = page.frame_locator("#county-report").locator("body").inner_text()
        assert "临沭县" in report
        gap = page.frame_locator("#county-gap").locator("body").inner_text()
        assert "差距分析" in gap
        with page.expect_download() as dl:
            page.click("a.cdl[data-format=xlsx]")
        path = tmp_path / "county.xlsx"
        dl.value.save_as(path)
        wb = openpyxl.load_workbook(path)
        cells = [c for ws in wb for row in ws.iter_rows(values_only=True) for c in row]
        assert total in cells and "临沭县" in cells, f"total {total} not in the county's workbook"
        shot(page, "county")

        # Weights: area 1 to three times its points; the ranking changes, and the totals equal
        # what `fazhi whatif` gives for the saved scenario (within the rounding of each item).
        tab(page, "weights")
        before = page.evaluate("Array.from(computeRanks(S.weights, S.mins).totals)")
        # The area whose own points would put another county first; every other area to 0.
        top = page.evaluate("S.ranking.rows[0].county.id")
        area = page.evaluate(
            """(top) => S.ranking.area_points.findIndex((_, a) => {
                 const M = S.ranking.matrix; let best = 0;
                 M.forEach((m, c) => { if (m.raw[a] > M[best].raw[a]) best = c; });
                 return M[best].id !== top; })"""
            , top)
        assert area >= 0
        for i in range(len(page.evaluate("S.weights"))):
            if i != area:
                page.fill(f".wn[data-i='{i}']", "0")
        # 示范 at 800 of a total now far below it is refused when saved (the page says why).
        with page.expect_response(re.compile("/scenario$")) as resp:
            page.click("#weights-save")
        assert resp.value.status == 400
        page.wait_for_selector("#status.error")
        assert "demonstration" in page.inner_text("#status")
        errors.clear()  # the browser logs the refused request as a failed resource
        page.fill(".pm[data-j='0']", "100")
        after = page.evaluate("Array.from(computeRanks(S.weights, S.mins).totals)")
        assert before != after
        assert "↑" in page.inner_text("#weight-table") or "↓" in page.inner_text("#weight-table")
        with page.expect_download() as dl:
            page.click("#weights-save")
        scenario = tmp_path / "scenario.yaml"
        dl.value.save_as(scenario)
        ids = page.evaluate("S.ranking.matrix.map(m => m.id)")
        # `fazhi whatif` refuses data with a bad row: it reads the 台账 before the row was spoilt.
        out = fazhi("whatif", "--scenario", str(scenario), "--format", "json", str(ledger.parent / "good.xlsx"), "fixtures/counties/qingshan-2020.yaml")
        whatif = json.loads(out.stdout)
        cli = {c["id"]: c["scenario_total"] for c in whatif["counties"]}
        for cid, t in zip(ids, after):
            assert abs(cli[cid] - t) < 0.05, f"{cid}: browser {t}, fazhi whatif {cli[cid]}"
        page.fill("#mc-runs", "200")
        page.click("#mc-run")
        page.wait_for_selector("#mc-result svg")
        shot(page, "weights")

        # Rules change: the draft caps bonuses at 1 point, so 临沭县's +2 bonus counts 1.
        tab(page, "change")
        page.select_option("#change-old", "national-2021")
        page.select_option("#change-new", "national-2021-draft")
        page.click("#change-run")
        page.wait_for_function("document.querySelector('#status').textContent === '规则变更已列出'")
        change = page.frame_locator("#change-view").locator("body").inner_text()
        assert "临沭县（linshu-2024）：172 → 171" in change, change[:2000]
        # Switching the page to the draft rule set re-reads the data under it.
        page.select_option("#ruleset", "national-2021-draft")
        page.wait_for_function("document.querySelector('#status').textContent.startsWith('已载入')")
        tab(page, "ranking")
        row = page.locator("#rank tbody tr[data-id=linshu-2024] td.n").nth(1)
        assert row.inner_text() == "171"
        shot(page, "change")
        assert not errors, errors
    finally:
        server.stop()


def test_the_folder_of_seed_counties_loads_as_readme_says(browser):
    server = Server()
    errors = []
    try:
        page = open_page(browser, server, errors)
        tab(page, "data")
        # "选择文件夹" on fixtures/counties: the five seed counties, none refused.
        page.set_input_files("#pick-dir", str(ROOT / "fixtures/counties"))
        page.wait_for_function("document.querySelector('#status').textContent.startsWith('已载入')")
        assert page.inner_text("#status") == "已载入 5 个县（市、区）"
        assert page.inner_text("#data-failures") == "全部读入。"
        tab(page, "ranking")
        assert page.locator("#rank tbody tr").count() == 5
        assert not errors, errors
    finally:
        server.stop()


def test_refusals_are_shown_with_their_message(browser, tmp_path):
    server = Server("--body-limit", "1000")
    errors = []
    try:
        page = open_page(browser, server, errors)
        tab(page, "data")
        page.set_input_files("#pick", [str(ROOT / "fixtures/counties/linshu-2024.yaml")])
        page.wait_for_selector("#status.error")
        assert "--body-limit" in page.inner_text("#status")
        # The failed upload is a 413 the browser logs as a failed resource: that is the refusal.
        assert all("413" in e for e in errors), errors
    finally:
        server.stop()


def test_reranking_2844_counties_in_the_browser(browser, tmp_path):
    t0 = time.monotonic()
    synth = tmp_path / "synth"
    fazhi("synth", "--out", str(synth))
    t_synth = time.monotonic() - t0
    files = sorted(str(p) for p in synth.iterdir())
    assert len(files) == 2844
    server = Server("--max-counties", "3000", "--timeout", "300")
    errors = []
    try:
        page = open_page(browser, server, errors)
        tab(page, "data")
        t0 = time.monotonic()
        page.set_input_files("#pick", files)
        page.wait_for_function("document.querySelector('#status').textContent.startsWith('正在评分')", timeout=240_000)
        t_upload = time.monotonic() - t0
        page.wait_for_function("document.querySelector('#status').textContent.startsWith('已载入 2844')", timeout=240_000)
        t_load = time.monotonic() - t0 - t_upload
        print(f"\nsynth {t_synth:.1f} s, upload {t_upload:.1f} s, score and rank {t_load:.1f} s")
        tab(page, "weights")
        times = []
        for w in [200, 260, 90, 140, 300, 10, 150, 220, 180, 280]:
            page.fill(".wn[data-i='0']", str(w))
            times.append(page.evaluate("window.__rerank.ms"))
            assert page.evaluate("window.__rerank.n") == 2844
        times.sort()
        median = times[len(times) // 2]
        print(f"\nworkbench re-ranking of 2844 counties: median {median:.2f} ms, max {times[-1]:.2f} ms over {len(times)} moves")
        shot(page, "weights-2844")
        assert times[-1] < 200, times
        assert not errors, errors
    finally:
        server.stop()
