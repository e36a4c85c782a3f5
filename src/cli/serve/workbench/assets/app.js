// fazhi 工作台: the page's script. Talks only to the server it came from (relative URLs).
'use strict';

const $ = (s) => document.querySelector(s);
const $$ = (s) => Array.from(document.querySelectorAll(s));
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const num = (x, d = 3) => (x === null || x === undefined ? '' : (+(+x).toFixed(d)).toString());
const EXT = /\.(ya?ml|json|xlsx|xlsm|csv)$/i;

const S = {
  rulesets: [], ruleset: null, detail: null, dataset: null, ranking: null,
  sort: { key: 'rank', dir: 1 }, weights: [], mins: [], base: null,
};

function status(msg, error) {
  const s = $('#status');
  s.textContent = msg || '';
  s.className = error ? 'error' : '';
}

// Every call: JSON errors of the server become one readable sentence (kind, message, diagnostics).
async function api(method, url, body, raw) {
  const opts = { method, headers: {} };
  if (body !== undefined) {
    if (raw) opts.body = body;
    else { opts.body = JSON.stringify(body); opts.headers['content-type'] = 'application/json'; }
  }
  const r = await fetch(url, opts);
  if (!r.ok) {
    let msg = `${r.status}`;
    try {
      const e = (await r.json()).error;
      msg = `${e.message}` + (e.diagnostics || []).map((d) => `\n${d.file}:${d.line}:${d.column}: ${d.message}${d.help ? '（' + d.help + '）' : ''}`).join('');
    } catch (_) { /* not JSON */ }
    throw new Error(msg);
  }
  return r;
}
const getJson = async (url) => (await api('GET', url)).json();
const rq = () => `ruleset=${encodeURIComponent(S.ruleset)}`;

// ---- tabs ----
function show(page) {
  $$('#tabs button').forEach((b) => b.classList.toggle('on', b.dataset.page === page));
  $$('.page').forEach((p) => p.classList.toggle('on', p.id === 'page-' + page));
}
$$('#tabs button').forEach((b) => b.addEventListener('click', () => show(b.dataset.page)));

// ---- rule sets ----
async function init() {
  const about = await getJson('/api/workbench');
  const L = about.limits;
  $('#limits').textContent = `每个文件不超过 ${(L.body_limit / 1048576).toFixed(1)} MiB（--body-limit），每个数据集不超过 ${L.max_counties} 个文件和县（--max-counties），每次请求不超过 ${L.timeout_seconds} 秒（--timeout）；服务保留最近 ${L.workbench_datasets} 个数据集（--workbench-datasets）。`;
  $('#mc-runs').max = L.max_draws;
  S.rulesets = await getJson('/rulesets');
  const opts = S.rulesets.map((r) => `<option value="${esc(r.id)}">${esc(r.title)}（${esc(r.id)}）</option>`).join('');
  $('#ruleset').innerHTML = opts; $('#change-old').innerHTML = opts; $('#change-new').innerHTML = opts;
  const builtin = S.rulesets.find((r) => r.id === about.builtin) || S.rulesets[0];
  S.ruleset = builtin.id;
  $('#ruleset').value = S.ruleset;
  if (S.rulesets.length > 1) $('#change-new').value = S.rulesets.find((r) => r.id !== S.ruleset).id;
  await loadRules();
}
$('#ruleset').addEventListener('change', async (e) => {
  S.ruleset = e.target.value;
  await loadRules();
  if (S.dataset) await loadRanking();
});

async function loadRules() {
  status('正在读取规则集…');
  S.detail = await getJson(`/api/workbench/rulesets/${encodeURIComponent(S.ruleset)}`);
  $('#template').href = `/api/workbench/rulesets/${encodeURIComponent(S.ruleset)}/template`;
  drawTree();
  drawLint();
  status(`${S.detail.title}：${S.detail.tree.length} 个指标节点，满分 ${num(S.detail.total_points)}`);
}

function drawTree() {
  const q = $('#rule-search').value.trim().toLowerCase();
  const nodes = S.detail.tree;
  const keep = nodes.map((n) => !q || n.id.toLowerCase().startsWith(q) || n.name.toLowerCase().includes(q));
  // A match keeps its ancestors in view.
  nodes.forEach((n, i) => { if (keep[i]) { let p = n.parent; while (p !== null && p !== undefined) { keep[p] = true; p = nodes[p].parent; } } });
  $('#rule-tree').innerHTML = nodes.map((n, i) => keep[i]
    ? `<div class="l${Math.min(n.level, 3)}" data-i="${i}" title="${esc(n.id)} ${esc(n.name)}"><span class="pts">${num(n.points)} 分</span>${esc(n.id)} ${esc(n.name)}</div>` : '').join('');
  $('#rule-count').textContent = q ? `${keep.filter(Boolean).length} 个节点` : '';
  $$('#rule-tree div').forEach((d) => d.addEventListener('click', () => {
    $$('#rule-tree div.on').forEach((x) => x.classList.remove('on'));
    d.classList.add('on');
    drawNode(nodes[+d.dataset.i]);
  }));
}
$('#rule-search').addEventListener('input', drawTree);

function drawNode(n) {
  const leaf = n.leaf;
  const dict = S.detail.dictionary;
  const field = (f) => `<li><code>${esc(f)}</code> ${esc(dict[f] ? dict[f].description : '')}</li>`;
  let h = `<h3>${esc(n.id)} ${esc(n.name)}</h3><p>分值：${num(n.points)} 分（第 ${n.level} 级）</p>`;
  if (leaf) {
    h += `<h4>评分细则</h4><p>${esc(leaf.rule_text || '（规则集未写评分细则原文）')}</p>`;
    h += `<h4>规则</h4><pre>${esc(leaf.score)}</pre>`;
    h += `<h4>读取的字段</h4><ul>${leaf.inputs.map(field).join('')}${(leaf.optional_inputs || []).map(field).join('')}</ul>`;
    if (leaf.evidence && leaf.evidence.length) h += `<h4>佐证材料</h4><ul>${leaf.evidence.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>`;
  } else {
    h += `<p class="hint">下设 ${n.children.length} 个指标。</p>`;
  }
  $('#rule-detail').innerHTML = h;
}

function drawLint() {
  const l = S.detail.lint;
  $('#rule-lint').innerHTML = l.length === 0 ? '<p>没有问题。</p>'
    : `<table><tr><th>级别</th><th>位置</th><th>问题</th></tr>${l.map((d) => `<tr><td>${d.severity === 'error' ? '错误' : '警告'}</td><td>${esc(d.file)}:${d.line}:${d.column}</td><td>${esc(d.message)}${d.help ? '<br><span class="hint">' + esc(d.help) + '</span>' : ''}</td></tr>`).join('')}</table>`;
  const t = S.detail.tests;
  if (t.note) $('#rule-tests').innerHTML = `<p class="hint">${esc(t.note)}</p>`;
  else if (t.error) $('#rule-tests').innerHTML = `<div class="failure">${esc(t.error)}</div>`;
  else $('#rule-tests').innerHTML = `<p>${t.cases.length} 个用例，${t.passed ? '全部通过' : '有未通过的用例'}。</p><table><tr><th>文件</th><th>用例</th><th>结果</th></tr>${t.cases.map((c) => `<tr><td>${esc(c.file)}</td><td>${esc(c.name)}</td><td>${c.error || c.mismatches.length ? '<span class="veto">未通过</span> ' + esc(c.error || JSON.stringify(c.mismatches)) : '通过'}</td></tr>`).join('')}</table>`;
}

// ---- data ----
async function upload(files) {
  files = files.filter((f) => EXT.test(f.name));
  if (files.length === 0) { status('没有可读的文件：只读 .yaml .yml .json .xlsx .xlsm .csv', true); return; }
  try {
    if (!S.dataset) S.dataset = (await (await api('POST', '/api/workbench/datasets')).json()).id;
    // Four uploads at a time, each file its own request (the server's --body-limit is per file).
    let next = 0; let done = 0;
    const worker = async () => {
      while (next < files.length) {
        const f = files[next++];
        await api('PUT', `/api/workbench/datasets/${S.dataset}/files/${encodeURIComponent(f.name)}`, f, true);
        status(`已上传 ${++done}/${files.length}：${f.name}`);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    await loadRanking();
  } catch (e) {
    status(e.message, true);
    if (/no data set/.test(e.message)) S.dataset = null;
  }
}
$('#pick').addEventListener('change', (e) => upload(Array.from(e.target.files)));
$('#pick-dir').addEventListener('change', (e) => upload(Array.from(e.target.files)));
const drop = $('#drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', async (e) => {
  e.preventDefault(); drop.classList.remove('over');
  const entries = Array.from(e.dataTransfer.items || []).map((it) => it.webkitGetAsEntry && it.webkitGetAsEntry()).filter(Boolean);
  const files = [];
  const walk = (entry) => new Promise((done) => {
    if (entry.isFile) entry.file((f) => { files.push(f); done(); }, () => done());
    else {
      const reader = entry.createReader(); const all = [];
      const more = () => reader.readEntries(async (batch) => {
        if (batch.length === 0) { for (const x of all) await walk(x); done(); } else { all.push(...batch); more(); }
      }, () => done());
      more();
    }
  });
  if (entries.length) { for (const en of entries) await walk(en); } else files.push(...Array.from(e.dataTransfer.files));
  upload(files);
});

async function loadRanking() {
  status('正在评分和排名…');
  const r = await getJson(`/api/workbench/datasets/${S.dataset}/ranking?${rq()}`);
  S.ranking = r;
  S.base = null;
  drawData(); drawRanking(); drawCountyPicker(); setupWeights();
  const bad = r.failures.length;
  status(`已载入 ${r.rows.length} 个县（市、区）${bad ? `，${bad} 个文件或行读取失败（见“数据”页）` : ''}`, bad > 0);
}

function drawData() {
  const r = S.ranking;
  $('#data-summary').innerHTML = `<p>文件 ${r.files.length} 个：${r.files.map(esc).join('、')}；读入 ${r.rows.length} 个县（市、区）。</p>`;
  $('#data-failures').innerHTML = r.failures.length === 0 ? '<p>全部读入。</p>'
    : r.failures.map((f) => `<div class="failure"><b>${esc(f.path)}</b><pre>${esc(f.error)}</pre></div>`).join('');
  $('#data-counties').innerHTML = `<table><tr><th>编号</th><th>名称</th><th>来源</th></tr>${r.rows.map((x) => `<tr><td>${esc(x.county.id)}</td><td>${esc(x.county.name)}</td><td>${esc(x.county.source || '')}</td></tr>`).join('')}</table>`;
}

// ---- ranking ----
const level = (lv) => (lv ? lv.name : '未达标');
function drawRanking() {
  const r = S.ranking;
  const cols = [
    ['rank', '名次', (x) => x.rank, true], ['id', '编号', (x) => x.county.id], ['name', '名称', (x) => x.county.name],
    ['total', '总分', (x) => x.total, true], ['level', '达标等级', (x) => level(x.pass_level)],
    ['veto', '一票否决', (x) => (x.vetoed ? 1 : 0), true], ['coverage', '数据覆盖率', (x) => x.coverage, true],
    ...r.areas.map((a, i) => [`a${i}`, `${a.id} ${a.name}（${num(a.max)}）`, (x) => x.areas[i], true]),
  ];
  const c = cols.find((k) => k[0] === S.sort.key) || cols[0];
  const rows = r.rows.slice().sort((a, b) => { const x = c[2](a), y = c[2](b); return (x < y ? -1 : x > y ? 1 : 0) * S.sort.dir; });
  const cell = (k, x) => {
    if (k[0] === 'veto') return `<td>${x.vetoed ? '<span class="veto">否决</span>' : ''}</td>`;
    if (k[0] === 'coverage') return `<td class="n">${(x.coverage * 100).toFixed(1)}%</td>`;
    const v = k[2](x);
    return k[3] ? `<td class="n">${num(v)}</td>` : `<td>${esc(v)}</td>`;
  };
  $('#ranking-table').innerHTML = `<table id="rank"><thead><tr>${cols.map((k) => `<th data-k="${k[0]}">${esc(k[1])}${S.sort.key === k[0] ? (S.sort.dir > 0 ? ' ▲' : ' ▼') : ''}</th>`).join('')}</tr></thead><tbody>${rows.map((x) => `<tr data-id="${esc(x.county.id)}">${cols.map((k) => cell(k, x)).join('')}</tr>`).join('')}</tbody></table>`;
  $$('#rank th').forEach((th) => th.addEventListener('click', () => {
    S.sort = { key: th.dataset.k, dir: S.sort.key === th.dataset.k ? -S.sort.dir : (th.dataset.k === 'rank' || th.dataset.k === 'name' || th.dataset.k === 'id' ? 1 : -1) };
    drawRanking();
  }));
  $$('#rank tbody tr').forEach((tr) => tr.addEventListener('dblclick', () => openCounty(tr.dataset.id)));
  $('#ranking-chart').innerHTML = r.distribution_svg;
  $$('a.dl').forEach((a) => { a.href = `/api/workbench/datasets/${S.dataset}/ranking/download?${rq()}&format=${a.dataset.format}`; });
}

$('#gap-run').addEventListener('click', async () => {
  if (!S.dataset) { status('请先在“数据”页载入数据', true); return; }
  $('#gap-summary').innerHTML = '<p class="hint">计算中…</p>';
  try {
    const g = await getJson(`/api/workbench/datasets/${S.dataset}/gaps?${rq()}`);
    const lines = g.pass_lines.map((p) => `<tr><td>${esc(p.name)}</td><td class="n">${num(p.min_total)}</td><td class="n">${p.reached}</td><td class="n">${p.plans_reaching}</td><td class="n">${p.plans_short}</td></tr>`).join('');
    const entries = g.entries.slice(0, 30).map((e) => `<tr><td>${esc(e.id)}</td><td>${esc(e.name)}</td><td class="n">${e.counties}</td><td class="n">${e.no_data}</td><td class="n">${num(e.points)}</td><td class="n">${e.in_plans.join(' / ')}</td></tr>`).join('');
    $('#gap-summary').innerHTML = `<table><tr><th>达标线</th><th>分数线</th><th>已达到</th><th>按方案可达到</th><th>方案仍不足</th></tr>${lines}</table>
      <h3>失分最多的项（前 30）</h3><table><tr><th>编号</th><th>名称</th><th>失分县数</th><th>其中缺数据</th><th>合计失分</th><th>在各达标线方案中的县数</th></tr>${entries}</table>`;
  } catch (e) { $('#gap-summary').innerHTML = `<div class="failure">${esc(e.message)}</div>`; }
});

// ---- a county ----
function drawCountyPicker() {
  $('#county-pick').innerHTML = S.ranking.rows.map((x) => `<option value="${esc(x.county.id)}">${x.rank}. ${esc(x.county.name)}（${esc(x.county.id)}）${num(x.total)} 分</option>`).join('');
}
$('#county-pick').addEventListener('change', (e) => openCounty(e.target.value));
async function openCounty(id) {
  show('county');
  $('#county-pick').value = id;
  status(`正在生成 ${id} 的报告和差距分析…`);
  try {
    const c = await getJson(`/api/workbench/datasets/${S.dataset}/counties/${encodeURIComponent(id)}?${rq()}`);
    $('#county-report').srcdoc = c.report_html;
    $('#county-gap').srcdoc = c.gap_html;
    $$('a.cdl').forEach((a) => { a.href = `/api/workbench/datasets/${S.dataset}/counties/${encodeURIComponent(id)}?${rq()}&format=${a.dataset.format}`; });
    status(`${id}：总分 ${num(c.total)}`);
  } catch (e) { status(e.message, true); }
}

// ---- weightings ----
function setupWeights() {
  const r = S.ranking;
  S.weights = r.area_points.slice();
  S.mins = r.pass_lines.map((p) => p.min_total);
  const step = (p) => (p >= 50 ? 1 : 0.5);
  $('#weight-controls').innerHTML = '<h3>一级指标分值</h3>' + r.areas.map((a, i) => `<div class="w"><span title="${esc(a.name)}">${esc(a.id)} ${esc(a.name)}</span>
      <input type="range" min="0" max="${r.area_points[i] * 3}" step="${step(r.area_points[i])}" value="${r.area_points[i]}" data-i="${i}" class="wr">
      <input type="number" min="0" step="${step(r.area_points[i])}" value="${r.area_points[i]}" data-i="${i}" class="wn"></div>`).join('')
    + '<h3>达标线（总分不低于）</h3>' + r.pass_lines.map((p, j) => `<div class="w"><span>${esc(p.name)}</span><span></span><input type="number" min="0" step="1" value="${p.min_total}" data-j="${j}" class="pm"></div>`).join('');
  const sync = (i, v) => { S.weights[i] = v; $$(`.wr[data-i="${i}"], .wn[data-i="${i}"]`).forEach((x) => { if (+x.value !== v) x.value = v; }); rerank(); };
  $$('.wr, .wn').forEach((x) => x.addEventListener('input', () => { const v = Math.max(0, +x.value || 0); sync(+x.dataset.i, v); }));
  $$('.pm').forEach((x) => x.addEventListener('input', () => { S.mins[+x.dataset.j] = Math.max(0, +x.value || 0); rerank(); }));
  S.base = computeRanks(r.area_points, S.mins);
  rerank();
}
$('#weights-reset').addEventListener('click', () => { if (S.ranking) setupWeights(); });

// The matrix formula of src/cli/serve/workbench/matrix.rs, line by line.
function totalOf(m, P, W) {
  let sum = 0;
  for (let a = 0; a < m.raw.length; a++) {
    const scaled = P[a] > 0 ? (m.raw[a] * W[a]) / P[a] : 0;
    sum += scaled - Math.min(m.pen[a], Math.max(scaled, 0));
  }
  const before = sum + m.bonus;
  return Math.round((before - Math.min(m.pen_total, Math.max(before, 0))) * 1000) / 1000;
}

function computeRanks(W, mins) {
  const r = S.ranking; const P = r.area_points; const M = r.matrix; const n = M.length;
  const totals = new Float64Array(n);
  const level = new Int32Array(n).fill(-1);
  const order = new Array(n);
  for (let c = 0; c < n; c++) {
    const m = M[c];
    const t = totalOf(m, P, W);
    totals[c] = t;
    order[c] = c;
    if (m.vetoed) continue;
    let best = -1;
    for (let j = 0; j < r.pass_lines.length; j++) {
      const p = r.pass_lines[j];
      if (t < mins[j]) continue;
      if (p.min_area_share !== undefined && p.min_area_share !== null) {
        let ok = true;
        for (let a = 0; a < P.length; a++) {
          const scaled = P[a] > 0 ? (m.raw[a] * W[a]) / P[a] : 0;
          const earned = scaled - Math.min(m.pen[a], Math.max(scaled, 0));
          if (W[a] > 0 && earned / W[a] + 1e-12 < p.min_area_share) { ok = false; break; }
        }
        if (!ok) continue;
      }
      if (best < 0 || mins[j] > mins[best]) best = j;
    }
    level[c] = best;
  }
  order.sort((a, b) => totals[b] - totals[a] || (M[a].id < M[b].id ? -1 : M[a].id > M[b].id ? 1 : 0));
  const rank = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const c = order[k];
    rank[c] = k > 0 && totals[order[k - 1]] === totals[c] ? rank[order[k - 1]] : k + 1;
  }
  return { totals, level, order, rank };
}

function rerank() {
  const t0 = performance.now();
  const res = computeRanks(S.weights, S.mins);
  const ms = performance.now() - t0;
  window.__rerank = { ms, n: res.order.length };
  $('#rerank-ms').textContent = `重新排名 ${res.order.length} 个县用时 ${ms.toFixed(1)} 毫秒`;
  drawWeighted(res);
}

function drawWeighted(res) {
  const r = S.ranking; const M = r.matrix; const base = S.base;
  const counts = r.pass_lines.map(() => 0); let none = 0;
  const baseCounts = r.pass_lines.map(() => 0); let baseNone = 0;
  for (let c = 0; c < M.length; c++) {
    if (res.level[c] >= 0) counts[res.level[c]]++; else none++;
    if (base.level[c] >= 0) baseCounts[base.level[c]]++; else baseNone++;
  }
  const total = S.weights.reduce((a, b) => a + b, 0);
  $('#weight-levels').innerHTML = `<p class="levels">总分 ${num(total)}：${r.pass_lines.map((p, j) => `<span>${esc(p.name)} <b>${counts[j]}</b>（原 ${baseCounts[j]}）</span>`).join('')}<span>未达标 <b>${none}</b>（原 ${baseNone}）</span></p>`;
  // Rank change: old rank (x) against new rank (y), one dot per county.
  const n = M.length; const W = 420; const H = 300; const pad = 44;
  const sx = (k) => pad + ((k - 1) / Math.max(n - 1, 1)) * (W - pad - 10);
  const sy = (k) => 10 + ((k - 1) / Math.max(n - 1, 1)) * (H - pad - 10);
  let d = '';
  for (let c = 0; c < n; c++) d += `M${sx(base.rank[c]).toFixed(1)} ${sy(res.rank[c]).toFixed(1)}h0`;
  $('#weight-chart').innerHTML = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="名次变化">
    <text x="${W / 2}" y="${H - 4}" text-anchor="middle" font-size="12">原名次 →</text><text x="12" y="${H / 2}" font-size="12" transform="rotate(-90 12 ${H / 2})" text-anchor="middle">新名次 →</text>
    <line x1="${sx(1)}" y1="${sy(1)}" x2="${sx(n)}" y2="${sy(n)}" stroke="#bbb"/>
    <text x="${sx(1)}" y="${H - 22}" font-size="11" text-anchor="middle">1</text><text x="${sx(n)}" y="${H - 22}" font-size="11" text-anchor="end">${n}</text>
    <text x="${pad - 6}" y="${sy(1) + 4}" font-size="11" text-anchor="end">1</text><text x="${pad - 6}" y="${sy(n)}" font-size="11" text-anchor="end">${n}</text>
    <path d="${d}" stroke="#a3231f" stroke-opacity="${n > 200 ? 0.35 : 1}" stroke-width="${n > 200 ? 2.5 : 5}" stroke-linecap="round" fill="none"/></svg>`;
  const shown = res.order.slice(0, 200);
  $('#weight-table').innerHTML = `<table id="wrank"><thead><tr><th>新名次</th><th>原名次</th><th>变化</th><th>编号</th><th>名称</th><th>新总分</th><th>原总分</th><th>达标等级</th></tr></thead><tbody>${shown.map((c) => {
    const dr = base.rank[c] - res.rank[c];
    return `<tr><td class="n">${res.rank[c]}</td><td class="n">${base.rank[c]}</td><td class="n ${dr > 0 ? 'up' : dr < 0 ? 'down' : ''}">${dr > 0 ? '↑' + dr : dr < 0 ? '↓' + -dr : '—'}</td><td>${esc(M[c].id)}</td><td>${esc(M[c].name)}</td><td class="n">${num(res.totals[c])}</td><td class="n">${num(base.totals[c])}</td><td>${M[c].vetoed ? '<span class="veto">一票否决</span>' : res.level[c] >= 0 ? esc(r.pass_lines[res.level[c]].name) : '未达标'}</td></tr>`;
  }).join('')}</tbody></table>${n > shown.length ? `<p class="hint">只列出前 ${shown.length} 名（共 ${n} 个）。</p>` : ''}`;
}

function weighting() {
  const r = S.ranking;
  return {
    points: Object.fromEntries(r.areas.map((a, i) => [a.id, S.weights[i]])),
    pass_lines: Object.fromEntries(r.pass_lines.map((p, j) => [p.id, S.mins[j]])),
  };
}

$('#weights-save').addEventListener('click', async () => {
  if (!S.ranking) { status('请先载入数据', true); return; }
  try {
    const r = await api('POST', `/api/workbench/rulesets/${encodeURIComponent(S.ruleset)}/scenario`, weighting());
    const blob = await r.blob();
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob); a.download = 'workbench-scenario.yaml';
    document.body.appendChild(a); a.click(); a.remove();
    status('已保存情景文件：fazhi whatif --scenario workbench-scenario.yaml 数据…');
  } catch (e) { status(e.message, true); }
});

$('#mc-run').addEventListener('click', async () => {
  if (!S.dataset) { status('请先载入数据', true); return; }
  $('#mc-result').innerHTML = '<p class="hint">计算中…</p>';
  try {
    const body = { ruleset: S.ruleset, weighting: weighting(), runs: +$('#mc-runs').value };
    const u = await (await api('POST', `/api/workbench/datasets/${S.dataset}/uncertainty`, body)).json();
    $('#mc-result').innerHTML = `<h3>名次区间（${u.analysis.runs} 次抽样，一级指标分值 ±25%）</h3>${u.svg}`;
  } catch (e) { $('#mc-result').innerHTML = `<div class="failure">${esc(e.message)}</div>`; }
});

// ---- rules change ----
$('#change-run').addEventListener('click', async () => {
  const q = `old=${encodeURIComponent($('#change-old').value)}&new=${encodeURIComponent($('#change-new').value)}${S.dataset ? '&dataset=' + S.dataset : ''}`;
  status('正在比较规则集…');
  try {
    const d = await getJson(`/api/workbench/diff?${q}`);
    $('#change-view').srcdoc = d.html;
    status('规则变更已列出');
  } catch (e) { status(e.message, true); }
});

init().catch((e) => status(e.message, true));
