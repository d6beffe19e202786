// integrid UI (issue #8): datasets, places, and for the chosen place a grid
// map (Eurostat gridviz, vendored at build time), measures in plain words
// with intervals, the profile chart, the benchmark strip plot, the policy
// assessment form with its radar, and the report. Plain JavaScript, no
// framework, no inline script (the server's CSP forbids it); text is always
// inserted with textContent and charts are built as SVG elements, never as
// HTML strings from data. The token comes from the page (loopback) or from
// the user and is sent as a bearer header; nothing is kept in cookies.
// Which panels work is read from the server's OpenAPI document, so the page
// says "not available" instead of failing when an endpoint is missing.
'use strict';

const state = {
  token: '', dataset: null, info: null, place: null, paths: new Set(),
  registry: new Map(), framework: null, answers: {}, scoreTimer: 0,
  seq: { places: 0, map: 0, measures: 0 },
};

// A new request of a kind makes the answers of older ones stale (the user
// typed on, or picked another place): each loader takes a ticket and drops
// its answer when a newer one was issued.
function ticket(kind) { return ++state.seq[kind]; }
function stale(kind, t) { return state.seq[kind] !== t; }

const SVGNS = 'http://www.w3.org/2000/svg';

function $(id) { return document.getElementById(id); }

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function svg(tag, attrs, text) {
  const e = document.createElementNS(SVGNS, tag);
  for (const k in attrs || {}) e.setAttribute(k, String(attrs[k]));
  if (text !== undefined) e.textContent = String(text);
  return e;
}

function qs(params) {
  const parts = [];
  for (const k in params) {
    const v = params[k];
    if (v === undefined || v === null || v === '') continue;
    parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(String(v)));
  }
  return parts.length ? '?' + parts.join('&') : '';
}

function status(id, text, err) {
  const s = $(id);
  s.textContent = text || '';
  s.classList.toggle('err', !!err);
}

async function api(method, path, body, type, raw) {
  const headers = {};
  if (state.token) headers['Authorization'] = 'Bearer ' + state.token;
  if (body !== undefined) headers['Content-Type'] = type || 'application/json';
  const res = await fetch('/api/v1' + path, { method, headers, body, credentials: 'omit' });
  if (res.status === 204) return null;
  if (raw && res.ok) return res;
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const e = data.error || {};
    if (res.status === 401) $('auth').hidden = false;
    const err = new Error((e.field ? e.field + ': ' : '') + (e.reason || res.statusText || ('HTTP ' + res.status)));
    err.status = res.status;
    throw err;
  }
  return data;
}

// Does the server's OpenAPI document list this path? (Only optional extras
// are gated on it; the panels call their endpoint and explain a 404.)
function has(path) { return state.paths.has(path); }

// The message for an endpoint this server does not have, or ''.
function missing(e, what) {
  return e.status === 404 && /^path/.test(e.message) ? 'This server has no ' + what + ' endpoint (an older integrid?).' : '';
}

function ds() { return '/datasets/' + encodeURIComponent(state.dataset.id); }

function placeParam() { return state.place ? state.place.id : undefined; }

function fmt(v, digits) {
  if (v === null || v === undefined || (typeof v === 'number' && !isFinite(v))) return '–';
  if (typeof v !== 'number') return String(v);
  if (Number.isInteger(v) && Math.abs(v) >= 1000) return v.toLocaleString('en');
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en');
  return Number(v.toPrecision(digits || 3)).toString();
}

function pct(v) { return (v === null || v === undefined || !isFinite(v)) ? '–' : (100 * v).toFixed(1) + ' %'; }

// Waits for a background job, showing its phase; returns the final job, or
// null after showing why it failed. It listens to the job's server-sent
// events (GET .../events; no thread is held on the server while waiting)
// and falls back to polling when the stream cannot be opened (an older
// server, or reads that need the token, which EventSource cannot send).
function showJob(job, sid) {
  status(sid, job.phase + (job.total ? ' (' + Math.round(100 * job.done / job.total) + ' %)' : ''));
}

function endJob(job, sid) {
  if (job.state === 'done') return job;
  status(sid, job.state + ': ' + (job.error || ''), true);
  return null;
}

async function pollJob(job, sid) {
  for (;;) {
    await new Promise(r => setTimeout(r, 300));
    try { job = await api('GET', '/jobs/' + job.id); } catch (e) { status(sid, e.message, true); return null; }
    showJob(job, sid);
    if (job.state === 'done' || job.state === 'failed' || job.state === 'cancelled') return endJob(job, sid);
  }
}

function waitJob(job, sid) {
  if (!window.EventSource || state.noSSE) return pollJob(job, sid);
  return new Promise(resolve => {
    let ended = false;
    const es = new EventSource('/api/v1/jobs/' + encodeURIComponent(job.id) + '/events');
    const finish = v => { if (!ended) { ended = true; es.close(); resolve(v); } };
    es.addEventListener('progress', ev => showJob(JSON.parse(ev.data), sid));
    es.addEventListener('end', ev => finish(endJob(JSON.parse(ev.data), sid)));
    es.addEventListener('gone', () => { status(sid, 'the job is no longer known to the server', true); finish(null); });
    es.onerror = () => { if (!ended) { state.noSSE = true; ended = true; es.close(); resolve(pollJob(job, sid)); } };
  });
}

/* ---- datasets and places ------------------------------------------------ */

async function loadDatasets() {
  const body = $('datasets').tBodies[0];
  let data;
  try { data = await api('GET', '/datasets'); } catch (e) { status('upload-status', e.message, true); return; }
  body.replaceChildren();
  for (const d of data.datasets) {
    const tr = document.createElement('tr');
    tr.append(el('td', d.name), el('td', fmt(d.cells), 'num'), el('td', d.groups, 'num'), el('td', d.places, 'num'));
    const td = document.createElement('td');
    const open = el('button', 'Open', 'link');
    open.type = 'button';
    open.setAttribute('aria-label', 'Open ' + d.name);
    open.addEventListener('click', () => openDataset(d));
    const del = el('button', 'Delete', 'link');
    del.type = 'button';
    del.setAttribute('aria-label', 'Delete ' + d.name);
    del.addEventListener('click', async () => {
      if (!confirm('Delete ' + d.name + '?')) return;
      try { await api('DELETE', '/datasets/' + d.id); } catch (e) { status('upload-status', e.message, true); }
      loadDatasets();
    });
    td.append(open, document.createTextNode(' '), del);
    tr.append(td);
    body.append(tr);
  }
}

async function openDataset(d) {
  state.dataset = d;
  state.place = null;
  $('ds-name').textContent = d.name;
  $('places-panel').hidden = false;
  $('work').hidden = true;
  try { state.info = await api('GET', ds()); } catch (e) { status('job-status', e.message, true); return; }
  const own = state.info.grid_place_names || [];
  const sel = $('own-places');
  sel.replaceChildren();
  for (const n of own) sel.append(new Option(n, n));
  $('own-places-box').hidden = own.length === 0 || (own.length === 1 && own[0] === 'all');
  await loadPlaces();
  $('places-panel').scrollIntoView({ block: 'start' });
}

async function loadPlaces() {
  const list = $('places');
  const q = $('place-q').value.trim();
  const t = ticket('places');
  let data;
  try { data = await api('GET', ds() + '/places' + qs({ limit: 200, q })); } catch (e) { status('job-status', e.message, true); return; }
  if (stale('places', t)) return;
  list.replaceChildren();
  const whole = el('button', 'The whole grid', 'link');
  whole.type = 'button';
  whole.addEventListener('click', () => openPlace({ id: 'all', name: state.dataset.name, own: true }));
  const li0 = document.createElement('li');
  li0.append(whole);
  if ((state.info.grid_place_names || []).includes('all')) list.append(li0);
  for (const p of data.places) {
    const li = document.createElement('li');
    const cls = String(p.class || '').replace(/_/g, ' ');
    const label = p.aggregate
      ? 'All ' + cls + 's' + (p.country ? ' of ' + p.country : '') + ' (together)'
      : (p.name || 'Unnamed place ' + p.id) + ' — ' + cls + (p.country ? ', ' + p.country : '');
    const b = el('button', label, 'link');
    b.type = 'button';
    b.addEventListener('click', () => openPlace(p));
    li.append(b, el('span', ' ' + fmt(p.population) + ' residents', 'muted'));
    list.append(li);
  }
}

async function delineate() {
  status('job-status', 'Starting…');
  let job;
  try { job = (await api('POST', ds() + '/places', JSON.stringify({ method: 'degurba' }))).job; } catch (e) { status('job-status', e.message, true); return; }
  job = await waitJob(job, 'job-status');
  if (!job) return;
  status('job-status', 'Found ' + job.result.places + ' places.');
  loadPlaces();
}

async function openPlace(p) {
  state.place = p;
  $('place-name').textContent = p.name || ('place ' + p.id);
  $('work').hidden = false;
  $('place-h').focus();
  fillGroups();
  fillRadii();
  // the map first (what the analyst looks at), then the rest in parallel
  loadMap();
  loadMeasures();
  clearPanel('profile');
  clearPanel('bench');
  setupReport();
  loadPolicy();
}

function clearPanel(which) {
  $(which + '-svg').replaceChildren();
  $(which + '-fig').hidden = true;
  $(which + '-cap').textContent = '';
  status(which + '-status', '');
  if (which === 'bench') $('peers').tBodies[0].replaceChildren();
}

function groups() { return (state.info && state.info.group_names) || []; }

// A group likely to be the minority of interest: born outside the EU, else
// the second group, else the first.
function defaultGroup() {
  const g = groups();
  for (const name of ['OTH', 'FOREIGN', 'BORN_WORLD_OTH', 'EU_OTH']) if (g.includes(name)) return name;
  return g.length > 1 ? g[g.length - 1] : g[0];
}

const GROUP_WORDS = { NAT: 'born in the country', EU_OTH: 'born in another EU country', OTH: 'born outside the EU', FOREIGN: 'born abroad' };
function groupPhrase(g) { return g ? (GROUP_WORDS[g] || 'of group ' + g) : 'of all groups'; }

function fillGroups() {
  const sel = $('map-group');
  sel.replaceChildren();
  for (const g of groups()) sel.append(new Option(g + (GROUP_WORDS[g] ? ' (' + GROUP_WORDS[g] + ')' : ''), g));
  sel.value = defaultGroup();
}

function cellSize() { return (state.dataset && (state.dataset.cell_size_m || (state.info && state.info.cell_size_m))) || 1000; }

function fillRadii() {
  const sel = $('map-radius');
  sel.replaceChildren();
  const c = cellSize();
  sel.append(new Option('The cell alone', String(c / 2)));
  for (const r of [1, 2, 5, 10]) sel.append(new Option('Within ' + fmt(r * c) + ' m', String(r * c)));
  sel.value = String(2 * c);
}

/* ---- the map ------------------------------------------------------------- */

const VIRIDIS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'];
const CIVIDIS = ['#00224e', '#123570', '#3b496c', '#575d6d', '#707173', '#8a8779', '#a69d75', '#c4b56c', '#e4cf5b', '#fee838'];
// diverging purple-orange (ColorBrewer PuOr, reversed; colour-blind safe)
const PUOR = ['#542788', '#8073ac', '#b2abd2', '#d8daeb', '#f7f7f7', '#fee0b6', '#fdb863', '#e08214', '#b35806'];
// Gi* classes: cold blues, not significant grey, hot oranges (colour-blind safe)
const HOT = [
  ['cold_99', 'Cold spot, 99 %', '#2166ac'], ['cold_95', 'Cold spot, 95 %', '#67a9cf'], ['cold_90', 'Cold spot, 90 %', '#d1e5f0'],
  ['ns', 'Not significant', '#e0e0e0'],
  ['hot_90', 'Hot spot, 90 %', '#fddbc7'], ['hot_95', 'Hot spot, 95 %', '#ef8a62'], ['hot_99', 'Hot spot, 99 %', '#b2182b'],
];

function ramp(stops, t) {
  if (!isFinite(t)) return null;
  t = Math.min(1, Math.max(0, t));
  const x = t * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = hex(stops[i]), b = hex(stops[i + 1]);
  return 'rgb(' + [0, 1, 2].map(k => Math.round(a[k] + f * (b[k] - a[k]))).join(',') + ')';
}
function hex(h) { return [1, 3, 5].map(i => parseInt(h.slice(i, i + 2), 16)); }

const MAPVARS = {
  share: { measure: 'local_share', group: true, title: g => 'Share of residents ' + groupPhrase(g), kind: 'seq', pct: true },
  lq: { measure: 'local_location_quotient', group: true, title: g => 'Location quotient of residents ' + groupPhrase(g), kind: 'div' },
  entropy: { measure: 'local_entropy', group: false, title: () => 'Local entropy (how mixed the neighbourhood is)', kind: 'seq' },
  hot: { measure: 'local_gi_star', group: true, title: g => 'Hot spots of residents ' + groupPhrase(g), kind: 'cat' },
};

const map = { app: null, cells: [], res: 1000, spec: null, color: null, bbox: null };

// The local endpoint's compact binary answer (docs/server.md, "Local values
// in binary"): magic "IGLOCAL\0", u32 version, cells n, layers L, cell size,
// EPSG, has-classes; L names (u32 length + bytes); padding to 8; n i32 rows,
// n i32 cols; L x n f64 values; with classes L x n u8 class codes. Cells
// become {x, y} lower-left corners in metres, as gridviz wants, with v (the
// value of the chosen layer) and cls (its class name).
const CLASS_NAMES = ['', 'ns', 'hot_99', 'hot_95', 'hot_90', 'cold_99', 'cold_95', 'cold_90', 'HH', 'LL', 'HL', 'LH'];

function parseLocalBin(buf, wantLayer) {
  const dv = new DataView(buf);
  const magic = new TextDecoder().decode(new Uint8Array(buf, 0, 7));
  if (magic !== 'IGLOCAL') throw new Error('the cell values are not in the expected binary form');
  const u32 = o => dv.getUint32(o, true);
  const version = u32(8), n = u32(12), nl = u32(16), cm = u32(20), hasCls = u32(28);
  if (version !== 1) throw new Error('cell values in binary version ' + version + ': this page reads version 1');
  let o = 32;
  const names = [];
  for (let k = 0; k < nl; k++) {
    const len = u32(o);
    names.push(new TextDecoder().decode(new Uint8Array(buf, o + 4, len)));
    o += 4 + len;
  }
  o = Math.ceil(o / 8) * 8;
  let layer = names.indexOf(wantLayer);
  if (layer < 0) layer = 0;
  const rows = new Int32Array(buf.slice(o, o + 4 * n)); o += 4 * n;
  const cols = new Int32Array(buf.slice(o, o + 4 * n)); o += 4 * n;
  const vals = new Float64Array(buf.slice(o + 8 * n * layer, o + 8 * n * (layer + 1))); o += 8 * n * nl;
  const cls = hasCls ? new Uint8Array(buf, o + n * layer, n) : null;
  const cells = new Array(n);
  for (let j = 0; j < n; j++) cells[j] = { x: cols[j] * cm, y: rows[j] * cm, v: vals[j], cls: cls ? (CLASS_NAMES[cls[j]] || null) : null };
  return { cells, res: cm, names };
}

function quantile(sorted, q) {
  if (!sorted.length) return NaN;
  const i = (sorted.length - 1) * q, lo = Math.floor(i), hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}

// Colour function and legend for the current variable: sequential from the
// 2nd to the 98th percentile, LQ on a log scale centred on 1, Gi* classes.
function makeScale(spec, cells) {
  const pal = $('map-palette').value === 'cividis' ? CIVIDIS : VIRIDIS;
  if (spec.kind === 'cat') {
    const byCls = new Map(HOT.map(h => [h[0], h]));
    return {
      color: c => {
        const h = byCls.get(c.cls) || byCls.get(c.cls && String(c.cls).replace(/[^a-z0-9]+/gi, '_').toLowerCase());
        return h ? h[2] : (isFinite(c.v) ? (c.v > 1.96 ? '#ef8a62' : c.v < -1.96 ? '#67a9cf' : '#e0e0e0') : null);
      },
      legend: { kind: 'cat', items: HOT.map(h => [h[1], h[2]]) },
    };
  }
  const vals = cells.map(c => c.v).filter(v => isFinite(v)).sort((a, b) => a - b);
  if (spec.kind === 'div') {
    const pos = vals.filter(v => v > 0).map(v => Math.abs(Math.log2(v))).sort((a, b) => a - b);
    const m = Math.max(1, Math.ceil(quantile(pos, 0.98) || 1));
    return {
      color: c => (isFinite(c.v) && c.v > 0) ? ramp(PUOR, 0.5 + Math.log2(c.v) / (2 * m)) : (c.v === 0 ? PUOR[0] : null),
      legend: { kind: 'ramp', stops: PUOR, lo: Math.pow(2, -m), hi: Math.pow(2, m), mid: 1, log: true },
    };
  }
  let lo = quantile(vals, 0.02), hi = quantile(vals, 0.98);
  if (!(hi > lo)) { lo = vals[0]; hi = vals[vals.length - 1]; }
  if (!(hi > lo)) hi = lo + 1;
  return { color: c => isFinite(c.v) ? ramp(pal, (c.v - lo) / (hi - lo)) : null, legend: { kind: 'ramp', stops: pal, lo, hi, pct: !!spec.pct } };
}

function drawLegend(title, lg) {
  const s = $('legend-svg');
  s.replaceChildren();
  $('legend-h').textContent = title;
  const W = 300;
  if (lg.kind === 'cat') {
    s.setAttribute('viewBox', '0 0 ' + W + ' ' + (lg.items.length * 20));
    s.setAttribute('height', String(lg.items.length * 20));
    lg.items.forEach((it, i) => {
      s.append(svg('rect', { x: 0, y: i * 20 + 3, width: 16, height: 14, fill: it[1], stroke: '#555' }));
      s.append(svg('text', { x: 22, y: i * 20 + 15 }, it[0]));
    });
    $('legend-desc').textContent = 'Getis–Ord Gi* classes at the chosen neighbourhood, after the false discovery rate correction.';
    return;
  }
  s.setAttribute('viewBox', '0 0 ' + W + ' 42');
  s.setAttribute('height', '42');
  const defs = svg('defs');
  const grad = svg('linearGradient', { id: 'lg-grad', x1: 0, x2: 1, y1: 0, y2: 0 });
  lg.stops.forEach((c, i) => grad.append(svg('stop', { offset: (i / (lg.stops.length - 1)).toFixed(3), 'stop-color': c })));
  defs.append(grad);
  s.append(defs, svg('rect', { x: 10, y: 4, width: W - 20, height: 16, fill: 'url(#lg-grad)', stroke: '#555' }));
  const ticks = lg.log ? [[lg.lo, 0], [lg.mid, 0.5], [lg.hi, 1]] : [0, 0.25, 0.5, 0.75, 1].map(t => [lg.lo + t * (lg.hi - lg.lo), t]);
  for (const [v, t] of ticks) {
    const x = 10 + t * (W - 20);
    s.append(svg('line', { x1: x, x2: x, y1: 20, y2: 25, stroke: '#333' }));
    s.append(svg('text', { x, y: 38, 'text-anchor': t === 0 ? 'start' : t === 1 ? 'end' : 'middle' }, lg.pct ? (100 * v).toFixed(0) + ' %' : fmt(v, 2)));
  }
  $('legend-desc').textContent = lg.log
    ? 'Purple: the group is under-represented in the neighbourhood (below 1); orange: over-represented (above 1); log scale.'
    : 'Colours run from the 2nd to the 98th percentile of the cells; values beyond take the end colours.';
}

function cellText(c) {
  const spec = map.spec;
  const label = cls => (HOT.find(h => h[0] === cls) || [cls, cls || 'no class'])[1];
  let t = spec && spec.kind === 'cat' ? label(c.cls) + (isFinite(c.v) ? ' (z = ' + fmt(c.v) + ')' : '')
    : spec && spec.pct ? pct(c.v) : fmt(c.v);
  if (typeof c.population === 'number') t += ', ' + fmt(c.population) + ' residents';
  return t;
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, ch => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[ch]));
}

function fitMap() {
  if (!map.app || !map.bbox) return;
  const b = map.bbox, w = map.app.w || 600, h = map.app.h || 400;
  map.app.setGeoCenter({ x: (b[0] + b[2]) / 2, y: (b[1] + b[3]) / 2 });
  map.app.setZoomFactor(1.08 * Math.max((b[2] - b[0]) / w, (b[3] - b[1]) / h, 1));
  map.app.redraw();
}

function readout() {
  if (!map.app) return;
  const c = map.app.getGeoCenter(), r = map.res;
  const cell = map.cells.find(k => c.x >= k.x && c.x < k.x + r && c.y >= k.y && c.y < k.y + r);
  $('map-readout').textContent = cell
    ? 'Cell at the centre (' + Math.round(cell.x) + ', ' + Math.round(cell.y) + '): ' + cellText(cell)
    : 'No cell with residents at the centre of the map.';
}

function initMap() {
  if (map.app || !window.gviz) return;
  const box = $('map');
  map.app = new window.gviz.App(box, {
    legendDivId: 'gvizLegend', selectionRectangleColor: '#000', backgroundColor: '#ffffff',
    tooltip: { div: 'ig-tooltip', fontSize: '0.9em', maxWidth: '16em' },
  });
  map.app.setBackgroundColor('#ffffff');
  // from a whole country (10 km per pixel) down to 100 m cells (0.2 m per pixel)
  map.app.setZoomFactorExtent([0.2, 10000]);
  box.addEventListener('keydown', ev => {
    if (!map.app) return;
    const zf = map.app.getZoomFactor(), step = 60 * zf;
    const c = map.app.getGeoCenter();
    let done = true;
    switch (ev.key) {
      case 'ArrowLeft': map.app.setGeoCenter({ x: c.x - step, y: c.y }); break;
      case 'ArrowRight': map.app.setGeoCenter({ x: c.x + step, y: c.y }); break;
      case 'ArrowUp': map.app.setGeoCenter({ x: c.x, y: c.y + step }); break;
      case 'ArrowDown': map.app.setGeoCenter({ x: c.x, y: c.y - step }); break;
      case '+': case '=': zoomBy(0.5); break;
      case '-': case '_': zoomBy(2); break;
      case '0': fitMap(); break;
      default: done = false;
    }
    if (done) { ev.preventDefault(); map.app.redraw(); readout(); }
  });
}

function zoomBy(f) {
  if (!map.app) return;
  const e = map.app.getZoomFactorExtent();
  map.app.setZoomFactor(Math.min(e[1], Math.max(e[0], map.app.getZoomFactor() * f)));
  map.app.redraw();
  readout();
}

async function loadMap() {
  const spec = MAPVARS[$('map-var').value];
  const g = $('map-group').value;
  $('map-group').disabled = !spec.group;
  $('map-palette').disabled = spec.kind !== 'seq';
  const note = $('map-note');
  if (window.IG_NO_GRIDVIZ || !window.gviz) {
    note.hidden = false;
    note.textContent = 'No map: ' + (window.IG_NO_GRIDVIZ || 'the map library did not load') + '. The other panels work.';
    return;
  }
  note.hidden = true;
  status('map-status', 'Computing the cell values…');
  const t = ticket('map');
  let parsed;
  try {
    const res = await api('GET', ds() + '/local' + qs({
      place: placeParam(), measure: spec.measure, group: spec.group ? g : undefined,
      radius: $('map-radius').value, format: 'bin',
    }), undefined, undefined, true);
    parsed = parseLocalBin(await res.arrayBuffer(), spec.group ? g : spec.measure);
  } catch (e) { if (!stale('map', t)) status('map-status', missing(e, 'cell values') || e.message, true); return; }
  if (stale('map', t)) return;
  const cells = parsed.cells, res = parsed.res || cellSize();
  const drawn = cells.filter(c => isFinite(c.v) || c.cls);
  map.cells = drawn;
  map.res = res;
  map.spec = spec;
  const sc = makeScale(spec, drawn);
  map.color = sc.color;
  let b = [Infinity, Infinity, -Infinity, -Infinity];
  for (const c of drawn) { b = [Math.min(b[0], c.x), Math.min(b[1], c.y), Math.max(b[2], c.x + res), Math.max(b[3], c.y + res)]; }
  map.bbox = drawn.length ? b : null;
  initMap();
  map.app.layers = [];
  const style = new window.gviz.ShapeColorSizeStyle({ color: (v, r, s, zf) => null });
  // gridviz passes the column value; we colour from the whole cell
  style.draw = drawCells;
  map.app.addLayerFromDataset(map.app.makeLGridDataset(res, drawn), [style], {
    cellInfoHTML: c => '<b>' + escapeHtml(spec.title(g)) + '</b>: ' + escapeHtml(cellText(c)),
  });
  drawLegend(spec.title(g), sc.legend);
  fitMap();
  readout();
  status('map-status', fmt(drawn.length) + ' cells' + (cells.length > drawn.length ? ' (' + fmt(cells.length - drawn.length) + ' without a value are left blank)' : '') + '.');
}

// Draw squares in map units (gridviz sets the canvas transform).
function drawCells(cells, r, cg) {
  cg.setCanvasTransform();
  for (const c of cells) {
    const col = map.color(c);
    if (!col) continue;
    cg.ctx.fillStyle = col;
    cg.ctx.fillRect(c.x, c.y, r, r);
  }
}

/* ---- measures ------------------------------------------------------------ */

const SENTENCES = {
  dissimilarity: (g, v) => 'Residents ' + groupPhrase(g) + ' would need to move between cells in a share of ' + pct(v) + ' for an even distribution (dissimilarity).',
  isolation: (g, v) => 'The average resident ' + groupPhrase(g) + ' lives in a cell where ' + pct(v) + ' of the residents belong to the same group (isolation).',
  exposure: (g, v) => 'The average resident ' + groupPhrase(g) + ' lives in a cell where ' + pct(v) + ' of the residents belong to other groups (exposure).',
  gini: (g, v) => 'The Gini index of residents ' + groupPhrase(g) + ' over the cells is ' + fmt(v) + ' (0: every cell has the same share, 1: the group lives in one cell).',
  entropy: (g, v) => 'Cells are on average ' + pct(v) + ' less mixed than the place as a whole (Theil\'s H; 0: every cell has the place\'s mix, 100 %: every cell holds one group only).',
};

function sentence(r) {
  const name = r.measure;
  if (!r.defined) return (state.registry.get(name) || {}).title || name + ' is not defined here: ' + (r.why || 'no reason given') + '.';
  let s = SENTENCES[name] ? SENTENCES[name](r.group, r.value)
    : name + (r.group ? ' for residents ' + groupPhrase(r.group) : '') + ' is ' + fmt(r.value) + ((state.registry.get(name) || {}).summary ? ': ' + state.registry.get(name).summary : '') + '.';
  if (typeof r.ci_low === 'number' && typeof r.ci_high === 'number') {
    const isPct = ['dissimilarity', 'isolation', 'exposure', 'entropy'].includes(name);
    s += ' The 95 % interval is ' + (isPct ? pct(r.ci_low) + ' to ' + pct(r.ci_high) : fmt(r.ci_low) + ' to ' + fmt(r.ci_high)) + '.';
  }
  return s;
}

async function loadMeasures() {
  const body = $('measures').tBodies[0];
  const list = $('m-sentences');
  body.replaceChildren();
  list.replaceChildren();
  status('m-status', 'Computing…');
  const ci = $('ci').checked;
  const t = ticket('measures');
  let data;
  try {
    data = await api('GET', ds() + '/measures' + qs({
      measures: 'dissimilarity,isolation,exposure,entropy,gini', place: placeParam(),
      ci: ci ? 'true' : undefined, reps: ci ? 199 : undefined,
    }));
  } catch (e) { if (!stale('measures', t)) status('m-status', e.message, true); return; }
  if (stale('measures', t)) return;
  status('m-status', '');
  const focus = $('map-group').value || defaultGroup();
  for (const r of data.results) {
    if (r.component && r.component !== 'total') continue;
    const tr = document.createElement('tr');
    tr.dataset.measure = r.measure;
    tr.dataset.group = r.group || '';
    const val = el('td', r.defined ? fmt(r.value, 4) : 'undefined: ' + r.why, 'num value');
    if (r.defined) val.dataset.value = String(r.value);
    tr.append(el('td', r.measure), el('td', r.group || 'all groups'), val,
      el('td', typeof r.ci_low === 'number' ? fmt(r.ci_low, 4) + ' to ' + fmt(r.ci_high, 4) : '', 'num'));
    body.append(tr);
    if (!r.group || r.group === focus) {
      const li = el('li', sentence(r));
      li.dataset.measure = r.measure;
      list.append(li);
    }
  }
}

/* ---- charts: profile, benchmark strip plot, radar ----------------------- */

// A line chart of series [{name, points:[{x,y,lo?,hi?}]}] into an SVG.
function lineChart(s, series, xlab, ylab) {
  s.replaceChildren();
  const W = 560, H = 300, L = 56, R = 12, T = 12, B = 44;
  s.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
  const pts = series.flatMap(se => se.points);
  if (!pts.length) return;
  const xs = pts.map(p => p.x), ys = pts.flatMap(p => [p.y, p.lo, p.hi]).filter(v => isFinite(v));
  const x0 = Math.min(...xs), x1 = Math.max(...xs);
  let y0 = Math.min(0, ...ys), y1 = Math.max(...ys);
  if (!(y1 > y0)) y1 = y0 + 1;
  const logx = x0 > 0 && x1 / x0 > 8;
  const fx = x => L + (W - L - R) * (logx ? Math.log(x / x0) / Math.log(x1 / x0 || 2) : (x - x0) / ((x1 - x0) || 1));
  const fy = y => T + (H - T - B) * (1 - (y - y0) / (y1 - y0));
  s.append(svg('line', { x1: L, x2: W - R, y1: H - B, y2: H - B, class: 'axis' }), svg('line', { x1: L, x2: L, y1: T, y2: H - B, class: 'axis' }));
  for (let i = 0; i <= 4; i++) {
    const y = y0 + i * (y1 - y0) / 4;
    s.append(svg('text', { x: L - 6, y: fy(y) + 4, 'text-anchor': 'end', class: 'tick' }, fmt(y, 2)));
    s.append(svg('line', { x1: L, x2: W - R, y1: fy(y), y2: fy(y), class: 'grid' }));
  }
  for (const x of [...new Set(xs)]) s.append(svg('text', { x: fx(x), y: H - B + 16, 'text-anchor': 'middle', class: 'tick' }, fmt(x)));
  s.append(svg('text', { x: (L + W - R) / 2, y: H - 6, 'text-anchor': 'middle' }, xlab));
  s.append(svg('text', { x: 12, y: (T + H - B) / 2, 'text-anchor': 'middle', transform: 'rotate(-90 12 ' + (T + H - B) / 2 + ')' }, ylab));
  const cols = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00'];
  series.forEach((se, k) => {
    const col = cols[k % cols.length];
    const p = se.points.slice().sort((a, b) => a.x - b.x);
    const band = p.filter(q => isFinite(q.lo) && isFinite(q.hi));
    if (band.length > 1) {
      const d = band.map((q, i) => (i ? 'L' : 'M') + fx(q.x) + ' ' + fy(q.hi)).join(' ') + ' ' + band.slice().reverse().map(q => 'L' + fx(q.x) + ' ' + fy(q.lo)).join(' ') + ' Z';
      s.append(svg('path', { d, fill: col, opacity: 0.15 }));
    }
    s.append(svg('path', { d: p.map((q, i) => (i ? 'L' : 'M') + fx(q.x) + ' ' + fy(q.y)).join(' '), fill: 'none', stroke: col, 'stroke-width': 2, 'stroke-dasharray': k % 2 ? '6 3' : null }));
    for (const q of p) s.append(svg('circle', { cx: fx(q.x), cy: fy(q.y), r: 3.5, fill: col }));
    s.append(svg('text', { x: W - R, y: T + 14 + 16 * k, 'text-anchor': 'end', fill: col }, se.name));
  });
}

function rowsOf(data, keys) {
  for (const k of keys) if (data && Array.isArray(data[k])) return data[k];
  return Array.isArray(data) ? data : [];
}

// GET .../profile: {scales:[radius m], series:[{measure, group, values[],
// ci_low[], ci_high[], slope_per_doubling, why?}]}.
async function loadProfile() {
  const m = $('profile-measure').value;
  const c = cellSize();
  const ci = $('ci').checked;
  status('profile-status', 'Computing…');
  let data;
  try {
    data = await api('GET', ds() + '/profile' + qs({
      place: placeParam(), measures: m, radii: [1, 2, 4, 8, 16].map(k => k * c).join(','),
      ci: ci ? 'true' : undefined, reps: ci ? 199 : undefined,
    }));
  } catch (e) { status('profile-status', missing(e, 'profile') || e.message, true); return; }
  const scales = data.scales || [];
  const focus = $('map-group').value;
  const series = [];
  const slopes = [];
  for (const se of data.series || []) {
    if (se.group && se.group !== focus && groups().length > 2) continue;
    const pts = [];
    scales.forEach((x, i) => {
      const v = se.values[i];
      if (typeof v === 'number') pts.push({ x, y: v, lo: se.ci_low ? se.ci_low[i] : NaN, hi: se.ci_high ? se.ci_high[i] : NaN });
    });
    const name = se.measure.replace(/_/g, ' ') + (se.group ? ', ' + se.group : '');
    if (pts.length) series.push({ name, points: pts });
    if (typeof se.slope_per_doubling === 'number') slopes.push(name + ': ' + fmt(se.slope_per_doubling, 2) + ' per doubling of the radius');
    else if (se.why) slopes.push(name + ': ' + se.why);
  }
  $('profile-fig').hidden = !series.length;
  lineChart($('profile-svg'), series, 'Neighbourhood radius (m)', 'Index value');
  $('profile-cap').textContent = series.length
    ? 'The index at neighbourhood radii of ' + scales.map(x => fmt(x)).join(', ') + ' m' + (ci ? ', with 95 % intervals (shaded)' : '') + '. A steep fall means people are apart at the scale of blocks; a flat line means whole districts are apart. Slopes: ' + slopes.join('; ') + '.'
    : '';
  status('profile-status', series.length ? '' : 'The profile has no defined values' + (slopes.length ? ': ' + slopes.join('; ') : '') + '.', !series.length);
}

// GET .../benchmark: {place:{...}, peers:[{rank, distance, place:{id, name,
// country, population, foreign_share}}], others:[{id, class, values[]}],
// columns:[{measure, group}], rows:[{measure, group, value, set, n_set,
// rank, percentile, median}], peer_note}.
async function loadBenchmark() {
  const m = $('bench-measure').value;
  status('bench-status', 'Computing…');
  $('peers').tBodies[0].replaceChildren();
  $('bench-svg').replaceChildren();
  $('bench-cap').textContent = '';
  let data;
  try { data = await api('GET', ds() + '/benchmark' + qs({ place: placeParam(), measures: m })); } catch (e) {
    status('bench-status', missing(e, 'benchmark') || e.message + (e.status === 409 || (state.place && state.place.own) ? ' Use "Find cities and towns" above first: places are compared with the cities and towns found in the grid.' : ''), true);
    return;
  }
  const focus = $('map-group').value;
  const cols = data.columns || [];
  let col = cols.findIndex(c => c.measure === m && (!c.group || c.group === focus));
  if (col < 0) col = 0;
  const colInfo = cols[col] || { measure: m };
  const byId = new Map((data.others || []).map(o => [o.id, o]));
  const valueOf = id => { const o = byId.get(id); return o && typeof o.values[col] === 'number' ? o.values[col] : NaN; };
  const self = data.place || {};
  const rows = (data.rows || []).filter(r => r.measure === colInfo.measure && (r.group || null) === (colInfo.group || null));
  const selfValue = rows.length && typeof rows[0].value === 'number' ? rows[0].value : valueOf(self.id);
  const peerIds = new Set((data.peers || []).map(p => p.place.id));
  const body = $('peers').tBodies[0];
  for (const p of data.peers || []) {
    const tr = document.createElement('tr');
    tr.append(el('td', p.rank, 'num'), el('td', p.place.name || p.place.id), el('td', p.place.country || ''),
      el('td', fmt(p.place.population), 'num'), el('td', pct(p.place.foreign_share), 'num'), el('td', fmt(valueOf(p.place.id), 3), 'num'));
    body.append(tr);
  }
  const label = colInfo.measure.replace(/_/g, ' ') + (colInfo.group ? ' (' + colInfo.group + ')' : '');
  const others = (data.others || []).filter(o => o.id !== self.id);
  stripPlot($('bench-svg'), others.map(o => ({ v: valueOf(o.id), name: o.id, peer: peerIds.has(o.id) })),
    { v: selfValue, name: self.name || self.id || $('place-name').textContent });
  $('bench-fig').hidden = false;
  const sets = rows.filter(r => typeof r.percentile === 'number')
    .map(r => 'percentile ' + fmt(r.percentile, 3) + ' among ' + String(r.set).replace(/_/g, ' ') + ' (' + r.n + ' places, median ' + fmt(r.median, 3) + ')');
  $('bench-cap').textContent = label + ' of ' + (self.name || self.id) + ': ' + fmt(selfValue, 3) + (sets.length ? '; ' + sets.join('; ') : '') +
    '. Dots: other places of the grid (blue: the peers listed below); diamond: this place.' + (data.peer_note ? ' ' + data.peer_note : '');
  status('bench-status', (data.peers || []).length ? '' : 'No peers found.', !(data.peers || []).length);
}


function stripPlot(s, pts, me) {
  s.replaceChildren();
  const W = 560, H = 110, L = 20, R = 20;
  s.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
  const vs = pts.map(p => p.v).concat([me.v]).filter(v => isFinite(v));
  if (!vs.length) return;
  let lo = Math.min(...vs), hi = Math.max(...vs);
  if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
  const fx = v => L + (W - L - R) * (v - lo) / (hi - lo);
  s.append(svg('line', { x1: L, x2: W - R, y1: 70, y2: 70, class: 'axis' }));
  for (const t of [0, 0.5, 1]) s.append(svg('text', { x: fx(lo + t * (hi - lo)), y: 90, 'text-anchor': t === 0 ? 'start' : t === 1 ? 'end' : 'middle', class: 'tick' }, fmt(lo + t * (hi - lo), 3)));
  // peers last, so they are drawn on top
  const order = pts.map((p, i) => [p, i]).sort((a, b) => (a[0].peer ? 1 : 0) - (b[0].peer ? 1 : 0));
  for (const [p, i] of order) {
    if (!isFinite(p.v)) continue;
    const c = svg('circle', { cx: fx(p.v), cy: 45 + ((i * 7) % 21) - 10, r: p.peer ? 6 : 4, fill: p.peer ? '#0072b2' : '#999', 'fill-opacity': p.peer ? 0.9 : 0.6, stroke: p.peer ? '#000' : 'none' });
    c.append(svg('title', {}, p.name + ': ' + fmt(p.v, 3) + (p.peer ? ' (peer)' : '')));
    s.append(c);
  }
  if (isFinite(me.v)) {
    const x = fx(me.v);
    const d = svg('path', { d: 'M' + x + ' 33 L' + (x + 8) + ' 45 L' + x + ' 57 L' + (x - 8) + ' 45 Z', fill: '#d55e00', stroke: '#000' });
    d.append(svg('title', {}, me.name + ': ' + fmt(me.v, 3)));
    s.append(d, svg('text', { x: Math.min(W - 40, Math.max(40, x)), y: 24, 'text-anchor': 'middle' }, me.name));
  }
}

function radar(s, areas) {
  s.replaceChildren();
  const W = 360, C = 180, R = 120;
  s.setAttribute('viewBox', '0 0 ' + W + ' ' + W);
  const n = areas.length;
  if (n < 3) return;
  const pt = (i, v) => {
    const a = -Math.PI / 2 + 2 * Math.PI * i / n;
    return [C + R * v / 100 * Math.cos(a), C + R * v / 100 * Math.sin(a)];
  };
  for (const ring of [25, 50, 75, 100]) {
    s.append(svg('polygon', { points: areas.map((_, i) => pt(i, ring).join(',')).join(' '), class: 'grid', fill: 'none' }));
  }
  areas.forEach((a, i) => {
    const [x, y] = pt(i, 100), [tx, ty] = pt(i, 118);
    s.append(svg('line', { x1: C, y1: C, x2: x, y2: y, class: 'grid' }));
    s.append(svg('text', { x: tx, y: ty + 4, 'text-anchor': 'middle', class: 'tick' }, a.id));
  });
  const scored = areas.map(a => (typeof a.score === 'number' ? a.score : 0));
  s.append(svg('polygon', { points: scored.map((v, i) => pt(i, v).join(',')).join(' '), fill: '#0072b2', 'fill-opacity': 0.3, stroke: '#0072b2', 'stroke-width': 2 }));
  areas.forEach((a, i) => {
    if (typeof a.score !== 'number') {
      const [x, y] = pt(i, 0);
      s.append(svg('circle', { cx: x, cy: y, r: 2, fill: '#999' }));
    }
  });
}

/* ---- policy -------------------------------------------------------------- */

// The assessment of the place is saved in the store as a named draft
// (POST to create, PUT ?revision= to update: a stale page gets 409 instead
// of overwriting), and the scores are always recomputed by the server from
// the saved answers (GET .../scores), so what the page shows is what the
// report and the CLI would show.
async function loadPolicy() {
  const form = $('policy-form');
  if (!state.framework) {
    let list;
    try { list = await api('GET', '/policy/frameworks'); } catch (e) {
      if (missing(e, 'policy')) form.replaceChildren(el('p', missing(e, 'policy'), 'note'));
      else status('policy-status', e.message, true);
      return;
    }
    const fws = rowsOf(list, ['frameworks']);
    const sel = $('fw');
    sel.replaceChildren();
    for (const f of fws) sel.append(new Option((f.title || f.id) + ' (' + f.id + (f.version ? ' ' + f.version : '') + ')', f.id));
    if (!fws.length) { status('policy-status', 'No frameworks.', true); return; }
    await selectFramework(sel.value);
  }
  $('asmt-name').value = defaultAsmtName();
  await loadAssessment();
}

async function selectFramework(id) {
  try { state.framework = await api('GET', '/policy/frameworks/' + encodeURIComponent(id)); } catch (e) { status('policy-status', e.message, true); return; }
  const n = $('fw-notice');
  n.textContent = state.framework.notice || '';
  n.hidden = !n.textContent;
}

function defaultAsmtName() {
  const p = state.place ? String(state.place.id) : 'all';
  return ('draft-' + p).replace(/[^A-Za-z0-9._:-]+/g, '_').slice(0, 64);
}

function asmtName() { return $('asmt-name').value.trim(); }

function asmtDoc() {
  const fw = state.framework;
  const place = { id: state.place ? String(state.place.id) : '', name: state.place ? (state.place.name || '') : '' };
  if (state.place && state.place.country) place.country = state.place.country;
  return { integrid_assessment: 1, framework: fw.id, framework_version: fw.version, place, answers: state.answers };
}

async function loadAssessment() {
  state.answers = {};
  state.revision = 0;
  const name = asmtName();
  if (/^[A-Za-z0-9._:-]{1,64}$/.test(name)) {
    try {
      const list = await api('GET', ds() + '/assessments');
      const me = (list.assessments || []).find(a => a.name === name);
      if (me) {
        const doc = await api('GET', ds() + '/assessments/' + encodeURIComponent(name));
        state.answers = doc.answers || {};
        state.revision = me.revision;
        status('policy-status', 'Loaded the saved draft "' + name + '" (revision ' + state.revision + ').');
      } else {
        status('policy-status', 'A new assessment: answers are saved as the draft "' + name + '" as you choose them.');
      }
    } catch (e) { status('policy-status', missing(e, 'assessment') || e.message, true); }
  }
  renderForm();
  if (state.revision) await showScores(); else clearScores();
}

function renderForm() {
  const form = $('policy-form');
  form.replaceChildren();
  const fw = state.framework;
  if (!fw || !fw.blocks) return;
  for (const b of fw.blocks) {
    form.append(el('h4', b.id + '. ' + b.title));
    for (const a of b.areas) {
      const fs = document.createElement('fieldset');
      fs.append(el('legend', a.id + '. ' + a.title));
      for (const ind of a.indicators) {
        if (ind.kind !== 'policy' || !Array.isArray(ind.options)) {
          fs.append(el('p', ind.id + ': ' + ind.question + ' (an outcome computed from the grid, not asked here)', 'help'));
          continue;
        }
        const id = 'q-' + ind.id.replace(/[^A-Za-z0-9]/g, '_');
        const wrap = el('div', null, 'question');
        const lab = el('label', ind.id + ' ' + ind.question);
        lab.htmlFor = id;
        const sel = document.createElement('select');
        sel.id = id;
        sel.dataset.indicator = ind.id;
        sel.append(new Option('(not answered)', ''));
        for (const o of ind.options) sel.append(new Option(o.label + (typeof o.score === 'number' ? ' (' + o.score + ')' : ''), o.code));
        const cur = state.answers[ind.id];
        sel.value = (cur && cur.option) || '';
        sel.addEventListener('change', () => {
          if (sel.value) state.answers[ind.id] = Object.assign({}, state.answers[ind.id] || {}, { option: sel.value });
          else delete state.answers[ind.id];
          clearTimeout(state.scoreTimer);
          state.scoreTimer = setTimeout(() => savePolicy(true), 400);
        });
        wrap.append(lab, sel);
        if (ind.help) wrap.append(el('p', ind.help, 'help'));
        fs.append(wrap);
      }
      form.append(fs);
    }
  }
}

// Save the draft (create or update), then show the recomputed scores.
async function savePolicy(auto) {
  const name = asmtName();
  if (!/^[A-Za-z0-9._:-]{1,64}$/.test(name)) { status('policy-status', 'name: use 1 to 64 letters, digits, . _ - or :', true); return; }
  if (state.saving) { state.saveAgain = true; return; }
  state.saving = true;
  try {
    const body = JSON.stringify(asmtDoc());
    const out = state.revision
      ? await api('PUT', ds() + '/assessments/' + encodeURIComponent(name) + qs({ revision: state.revision }), body)
      : await api('POST', ds() + '/assessments' + qs({ name }), body);
    state.revision = out.revision;
    status('policy-status', (auto ? 'Draft saved' : 'Saved the draft "' + name + '"') + ' (revision ' + out.revision + ', ' + new Date().toLocaleTimeString() + ').');
    await showScores();
  } catch (e) {
    status('policy-status', e.message + (e.status === 409 ? ' Reload the draft (change the name and back) to see the newer answers.' : ''), true);
  } finally {
    state.saving = false;
  }
  if (state.saveAgain) { state.saveAgain = false; savePolicy(true); }
}

function clearScores() {
  $('score-overall').textContent = 'No answers saved yet.';
  $('score-overall').dataset.answered = '0';
  $('score-overall').dataset.score = '';
  $('area-scores').tBodies[0].replaceChildren();
  $('radar').replaceChildren();
  $('radar-cap').textContent = '';
  $('recs').replaceChildren();
}

async function showScores() {
  let sh;
  try { sh = await api('GET', ds() + '/assessments/' + encodeURIComponent(asmtName()) + '/scores'); } catch (e) { status('policy-status', e.message, true); return; }
  const o = sh.overall || {};
  const minCov = Math.round(100 * ((state.framework && state.framework.coverage_min) || 0.7));
  $('score-overall').textContent = o.sufficient && typeof o.score === 'number'
    ? 'Overall score: ' + fmt(o.score, 3) + ' out of 100 (' + o.answered + ' of ' + o.applicable + ' indicators answered).'
    : 'Overall: insufficient data (' + (o.answered ?? 0) + ' of ' + (o.applicable ?? '?') + ' indicators answered; a score needs ' + minCov + ' % of them).';
  $('score-overall').dataset.answered = String(o.answered ?? 0);
  $('score-overall').dataset.score = String(o.score ?? '');
  const areas = (sh.areas || []).map(a => ({ id: a.id, title: a.title, s: a.score || {} }));
  const body = $('area-scores').tBodies[0];
  body.replaceChildren();
  for (const a of areas) {
    const tr = document.createElement('tr');
    tr.dataset.area = a.id;
    const ok = a.s.sufficient && typeof a.s.score === 'number';
    tr.append(el('td', a.id + ' ' + (a.title || '')), el('td', ok ? fmt(a.s.score, 3) : 'insufficient data', 'num'), el('td', (a.s.answered ?? 0) + ' / ' + (a.s.applicable ?? '?'), 'num'));
    body.append(tr);
  }
  radar($('radar'), areas.map(a => ({ id: a.id, score: a.s.sufficient ? a.s.score : null })));
  $('radar-cap').textContent = 'Radar: score by area, 0 at the centre to 100 at the edge; areas with too few answers sit at the centre (grey dot). ' + ((sh.framework && sh.framework.notice) || '');
  const recs = $('recs');
  recs.replaceChildren();
  const text = new Map(((state.framework && state.framework.recommendations) || []).map(r => [r.id, r.text]));
  for (const id of sh.recommendations || []) recs.append(el('li', text.get(id) || id));
}

function exportPolicy() {
  const blob = new Blob([JSON.stringify(asmtDoc(), null, 2)], { type: 'application/json' });
  saveBlob(blob, (asmtName() || 'answers') + '.json');
}

function saveBlob(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 5000);
}

/* ---- report -------------------------------------------------------------- */

// The report is fetched with the token (reads may need it off loopback) and
// handed to the browser as a file. PDF: the server writes HTML; the page
// opens it inline in a new tab for the browser's "Save as PDF", unless the
// server offers report.pdf.
function reportQuery() {
  const q = { place: placeParam(), download: 'true' };
  if (state.revision && asmtName()) q.assessment = asmtName();
  return qs(q);
}

function setupReport() {
  const okPdf = has('/datasets/{id}/report.pdf');
  $('report-pdf').textContent = okPdf ? 'Download the report (PDF)' : 'Open the report to print it as PDF';
  status('report-status', '');
}

async function getReport(kind) {
  const pdf = kind === 'pdf' && has('/datasets/{id}/report.pdf');
  const base = 'integrid-report-' + String(placeParam() || 'all').replace(/[^A-Za-z0-9_-]+/g, '_');
  if (kind === 'pdf' && !pdf) {
    // shown inline by the server (under a CSP that allows the report's own
    // CSS only), for the browser's Print > Save as PDF
    const q = { place: placeParam(), download: 'false' };
    if (state.revision && asmtName()) q.assessment = asmtName();
    window.open('/api/v1' + ds() + '/report.html' + qs(q), '_blank', 'noopener');
    status('report-status', 'The report opens in a new tab (it can take a minute to write): use the browser\'s Print, then "Save as PDF".');
    return;
  }
  status('report-status', 'Writing the report (this computes intervals and peers; it can take a minute)…');
  let res;
  try { res = await api('GET', ds() + (pdf ? '/report.pdf' : '/report.html') + reportQuery(), undefined, undefined, true); } catch (e) { status('report-status', missing(e, 'report') || e.message, true); return; }
  const blob = await res.blob();
  saveBlob(blob, base + (pdf ? '.pdf' : '.html'));
  status('report-status', 'Downloaded ' + base + (pdf ? '.pdf' : '.html') + ' (' + fmt(blob.size) + ' bytes).');
}

/* ---- start --------------------------------------------------------------- */

async function upload(ev) {
  ev.preventDefault();
  const f = $('file').files[0];
  if (!f) { status('upload-status', 'Choose a file first.', true); return; }
  const gz = /\.gz$/i.test(f.name);
  const by = $('by').value.trim();
  status('upload-status', 'Uploading ' + f.name + '…');
  let job;
  const groupsCols = $('groups').value.replace(/\s+/g, ''), total = $('total').value.trim();
  try { job = (await api('POST', '/datasets' + qs({ async: 'true', name: f.name, by, groups: groupsCols, total }), f, gz ? 'application/gzip' : 'text/csv')).job; } catch (e) { status('upload-status', e.message, true); return; }
  job = await waitJob(job, 'upload-status');
  if (!job) return;
  await loadDatasets();
  status('upload-status', 'Imported ' + f.name + '.');
}

async function init() {
  const meta = document.querySelector('meta[name="integrid-token"]');
  state.token = (meta && meta.content && meta.content !== '@TOKEN@' ? meta.content : '') || sessionStorage.getItem('integrid-token') || '';
  $('token-save').addEventListener('click', () => {
    state.token = $('token').value.trim();
    sessionStorage.setItem('integrid-token', state.token);
    $('auth').hidden = true;
    loadDatasets();
  });
  $('upload').addEventListener('submit', upload);
  $('delineate').addEventListener('click', delineate);
  $('place-q').addEventListener('input', () => loadPlaces());
  $('own-open').addEventListener('click', () => { const v = $('own-places').value; if (v) openPlace({ id: v, name: v, own: true }); });
  $('ci').addEventListener('change', () => loadMeasures());
  for (const id of ['map-var', 'map-group', 'map-radius', 'map-palette']) $(id).addEventListener('change', () => loadMap());
  $('map-group').addEventListener('change', () => loadMeasures());
  $('zoom-in').addEventListener('click', () => zoomBy(0.5));
  $('zoom-out').addEventListener('click', () => zoomBy(2));
  $('zoom-fit').addEventListener('click', () => { fitMap(); readout(); });
  $('zoom-cell').addEventListener('click', () => {
    if (!map.app) return;
    map.app.setZoomFactor(map.res / 40); // a cell 40 pixels wide
    map.app.redraw();
    readout();
  });
  $('profile-go').addEventListener('click', loadProfile);
  $('report-html').addEventListener('click', ev => { ev.preventDefault(); getReport('html'); });
  $('report-pdf').addEventListener('click', ev => { ev.preventDefault(); getReport('pdf'); });
  $('bench-go').addEventListener('click', loadBenchmark);
  $('fw').addEventListener('change', async () => { await selectFramework($('fw').value); await loadAssessment(); });
  $('asmt-name').addEventListener('change', () => loadAssessment());
  $('policy-save').addEventListener('click', () => savePolicy(false));
  $('policy-export').addEventListener('click', exportPolicy);
  try {
    const doc = await api('GET', '/openapi.json');
    state.paths = new Set(Object.keys(doc.paths || {}));
  } catch (e) { /* no document: every optional panel says it is missing */ }
  try {
    const reg = await api('GET', '/measures');
    for (const m of rowsOf(reg, ['measures'])) state.registry.set(m.name, m);
  } catch (e) { /* sentences fall back to the bare name */ }
  await loadDatasets();
  document.body.dataset.ready = '1';
}

document.addEventListener('DOMContentLoaded', init);
