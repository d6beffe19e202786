// integrid UI (first part, issue #8): datasets, places and measures over the
// JSON API. Plain JavaScript, no framework, no inline script (the server's
// CSP forbids it), and text is always inserted with textContent, never as
// HTML. The token comes from the page (loopback) or from the user, and is
// sent as a bearer header; nothing is kept in cookies.
'use strict';

const state = { token: '', dataset: null, place: null };

function $(id) { return document.getElementById(id); }

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

async function api(method, path, body, type) {
  const headers = {};
  if (state.token) headers['Authorization'] = 'Bearer ' + state.token;
  if (body !== undefined) headers['Content-Type'] = type || 'application/json';
  const res = await fetch('/api/v1' + path, { method, headers, body, credentials: 'omit' });
  if (res.status === 204) return null;
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const e = data.error || {};
    if (res.status === 401) $('auth').hidden = false;
    throw new Error((e.field ? e.field + ': ' : '') + (e.reason || res.statusText));
  }
  return data;
}

function fmt(v) {
  if (v === null || v === undefined) return '–';
  if (typeof v !== 'number') return String(v);
  return Math.abs(v) >= 1000 ? v.toLocaleString() : v.toPrecision(4);
}

async function loadDatasets() {
  const body = $('datasets').tBodies[0];
  body.replaceChildren();
  let data;
  try { data = await api('GET', '/datasets'); } catch (e) { $('upload-status').textContent = e.message; return; }
  for (const d of data.datasets) {
    const tr = document.createElement('tr');
    tr.append(el('td', d.name), el('td', d.cells, 'num'), el('td', d.groups, 'num'), el('td', d.places, 'num'));
    const td = document.createElement('td');
    const open = el('button', 'Open', 'link');
    open.type = 'button';
    open.addEventListener('click', () => openDataset(d));
    const del = el('button', 'Delete', 'link');
    del.type = 'button';
    del.setAttribute('aria-label', 'Delete ' + d.name);
    del.addEventListener('click', async () => {
      if (!confirm('Delete ' + d.name + '?')) return;
      try { await api('DELETE', '/datasets/' + d.id); } catch (e) { alert(e.message); }
      loadDatasets();
    });
    td.append(open, document.createTextNode(' '), del);
    tr.append(td);
    body.append(tr);
  }
}

async function openDataset(d) {
  state.dataset = d;
  $('ds-name').textContent = d.name;
  $('places-panel').hidden = false;
  $('measures-panel').hidden = true;
  await loadPlaces();
}

async function loadPlaces() {
  const list = $('places');
  list.replaceChildren();
  const q = $('place-q').value.trim();
  let data;
  try {
    data = await api('GET', '/datasets/' + state.dataset.id + '/places?limit=200' + (q ? '&q=' + encodeURIComponent(q) : ''));
  } catch (e) { $('job-status').textContent = e.message; return; }
  // the grid's own places (or the whole grid) come first
  const whole = el('button', 'Whole grid (its own places)', 'link');
  whole.type = 'button';
  whole.addEventListener('click', () => openPlace(null));
  const li0 = document.createElement('li');
  li0.append(whole);
  list.append(li0);
  for (const p of data.places) {
    const li = document.createElement('li');
    const b = el('button', (p.name || 'place ' + p.id) + ' — ' + p.class.replace(/_/g, ' ') + (p.country ? ', ' + p.country : ''), 'link');
    b.type = 'button';
    b.addEventListener('click', () => openPlace(p));
    li.append(b, el('span', ' ' + fmt(p.population) + ' residents'));
    list.append(li);
  }
}

// Poll a background job until it ends, showing its phase in st; returns
// the final job, or null after showing why it failed.
async function waitJob(job, st) {
  for (;;) {
    await new Promise(r => setTimeout(r, 400));
    try { job = await api('GET', '/jobs/' + job.id); } catch (e) { st.textContent = e.message; return null; }
    st.textContent = job.phase + (job.total ? ' (' + Math.round(100 * job.done / job.total) + '%)' : '');
    if (job.state === 'done') return job;
    if (job.state === 'failed' || job.state === 'cancelled') { st.textContent = job.state + ': ' + job.error; return null; }
  }
}

async function delineate() {
  const st = $('job-status');
  st.textContent = 'Starting…';
  let job;
  try { job = (await api('POST', '/datasets/' + state.dataset.id + '/places', JSON.stringify({ method: 'degurba' }))).job; } catch (e) { st.textContent = e.message; return; }
  job = await waitJob(job, st);
  if (!job) return;
  st.textContent = 'Found ' + job.result.places + ' places.';
  loadPlaces();
}

async function openPlace(p) {
  state.place = p;
  $('place-name').textContent = p ? (p.name || 'place ' + p.id) : state.dataset.name;
  $('measures-panel').hidden = false;
  await loadMeasures();
}

async function loadMeasures() {
  const body = $('measures').tBodies[0];
  body.replaceChildren();
  const st = $('m-status');
  st.textContent = 'Computing…';
  const ci = $('ci').checked;
  let q = '?measures=dissimilarity,isolation,exposure,entropy,gini' + (ci ? '&ci=true&reps=199' : '');
  if (state.place) q += '&place=' + encodeURIComponent(state.place.id);
  let data;
  try { data = await api('GET', '/datasets/' + state.dataset.id + '/measures' + q); } catch (e) { st.textContent = e.message; st.className = 'err'; return; }
  st.textContent = '';
  st.className = '';
  for (const r of data.results) {
    const tr = document.createElement('tr');
    tr.append(el('td', r.measure + (state.place ? '' : ' (' + r.place + ')')), el('td', r.group || 'all groups'),
      el('td', r.defined ? fmt(r.value) : 'undefined: ' + r.why, 'num'),
      el('td', ci && r.defined ? '[' + fmt(r.ci_low) + ', ' + fmt(r.ci_high) + ']' : '', 'num'));
    body.append(tr);
  }
}

async function upload(ev) {
  ev.preventDefault();
  const f = $('file').files[0];
  const st = $('upload-status');
  if (!f) { st.textContent = 'Choose a file first.'; return; }
  const gz = /\.gz$/i.test(f.name);
  let q = '?async=true&name=' + encodeURIComponent(f.name);
  const by = $('by').value.trim();
  if (by) q += '&by=' + encodeURIComponent(by);
  st.textContent = 'Uploading ' + f.name + '…';
  let job;
  try { job = (await api('POST', '/datasets' + q, f, gz ? 'application/gzip' : 'text/csv')).job; } catch (e) { st.textContent = e.message; return; }
  job = await waitJob(job, st);
  if (!job) return;
  st.textContent = 'Imported ' + f.name + '.';
  loadDatasets();
}

function init() {
  const meta = document.querySelector('meta[name="integrid-token"]');
  state.token = (meta && meta.content) || sessionStorage.getItem('integrid-token') || '';
  $('token-save').addEventListener('click', () => {
    state.token = $('token').value.trim();
    sessionStorage.setItem('integrid-token', state.token);
    $('auth').hidden = true;
    loadDatasets();
  });
  $('upload').addEventListener('submit', upload);
  $('delineate').addEventListener('click', delineate);
  $('place-q').addEventListener('input', () => loadPlaces());
  $('ci').addEventListener('change', () => loadMeasures());
  loadDatasets();
}

document.addEventListener('DOMContentLoaded', init);
