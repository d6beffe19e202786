// End-to-end test of the integrid browser UI (issue #8) in headless
// Chromium, driven by playwright-core (web/node_modules) with the system
// browser (/usr/bin/chromium, IG_CHROMIUM to change it). It starts
// `integrid serve` on an empty temporary store and a free port, uploads the
// city-windows grid, picks a city, checks that the map draws (canvas pixels
// that are not the background), that a measure shown equals the CLI's
// (`integrid measures` run here on the same file), opens the benchmark, fills
// two policy answers and sees the score change, and downloads the report.
// Screenshots and the report go to --out (kept as test artefacts).
// Exit 0 pass, 1 fail, 77 skip (no chromium, no playwright-core, no data).
//
// node e2e.mjs --integrid PATH --web DIR --out DIR [--data CSV] [--timeout S]
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SKIP = 77;
const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const integrid = args.integrid;
const out = args.out || fs.mkdtempSync(path.join(os.tmpdir(), 'ig-e2e-out-'));
const timeoutS = Number(args.timeout || process.env.IG_E2E_TIMEOUT || 240);
const chromium = process.env.IG_CHROMIUM || '/usr/bin/chromium';
const shared = process.env.IG_SHARED_DATA || path.join(path.dirname(new URL(import.meta.url).pathname), '../../../shared/data');
const csv = args.data || path.join(shared, 'eu_census2021_1km_city_windows.csv');
const CITY = process.env.IG_E2E_CITY || 'Wien';          // the CITY column
const CITY_EN = process.env.IG_E2E_CITY_NAME || 'Vienna'; // its GeoNames name
const GROUP = 'OTH';

function skip(why) { console.log('SKIP: ' + why); process.exit(SKIP); }
function log(msg) { console.log('[' + ((Date.now() - t0) / 1000).toFixed(1) + ' s] ' + msg); }
const t0 = Date.now();

if (!integrid || !fs.existsSync(integrid)) { console.error('e2e: --integrid PATH is required'); process.exit(1); }
if (!fs.existsSync(chromium)) skip(chromium + ' not found (apt-get install chromium, or set IG_CHROMIUM)');
if (!fs.existsSync(csv)) skip(csv + ' not found (set IG_SHARED_DATA)');
let playwright;
try {
  const req = createRequire(path.join(path.resolve(args.web || 'web'), 'package.json'));
  playwright = req('playwright-core');
} catch (e) { skip('playwright-core not installed in web/node_modules (run scripts/install-npm.sh)'); }
fs.mkdirSync(out, { recursive: true });
for (const f of fs.readdirSync(out)) if (/\.(png|html|pdf)$/.test(f)) fs.rmSync(path.join(out, f));

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ig-e2e-store-'));
let server = null, browser = null, failed = false;

async function cleanup() {
  try { if (browser) await browser.close(); } catch (e) { /* already gone */ }
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise(r => { const t = setTimeout(() => { server.kill('SIGKILL'); r(); }, 5000); server.once('exit', () => { clearTimeout(t); r(); }); });
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
}

const watchdog = setTimeout(async () => {
  console.error('FAIL: the test took longer than ' + timeoutS + ' s');
  await cleanup();
  process.exit(1);
}, timeoutS * 1000);

function check(cond, what) {
  if (!cond) throw new Error('check failed: ' + what);
  log('ok: ' + what);
}

// The CLI's value for one measure, place and group (its JSON rows, one per line).
function cliValue(measure, place, group) {
  const txt = execFileSync(integrid, ['measures', csv, '--by', 'CITY', '--only', measure, '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  for (const line of txt.split('\n')) {
    const s = line.trim().replace(/,$/, '');
    if (!s.startsWith('{"place"') || !s.includes('"measure"')) continue;
    const r = JSON.parse(s);
    if (r.place === place && r.measure === measure && (r.group || '') === group && (r.component || 'total') === 'total') return r.value;
  }
  throw new Error('integrid measures printed no ' + measure + ' for ' + place + '/' + group);
}

async function startServer() {
  server = spawn(integrid, ['serve', '--data', dataDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let errText = '';
  return await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('integrid serve printed no address in 20 s: ' + errText)), 20000);
    server.stderr.on('data', d => {
      errText += d;
      const m = /http:\/\/([0-9.]+):(\d+)\//.exec(errText);
      if (m) { clearTimeout(t); resolve('http://' + m[1] + ':' + m[2]); }
    });
    server.on('exit', code => { clearTimeout(t); reject(new Error('integrid serve exited with ' + code + ': ' + errText)); });
  });
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(out, name + '.png'), fullPage: true });
}

async function main() {
  const base = await startServer();
  log('server at ' + base + ', store ' + dataDir);

  browser = await playwright.chromium.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(60000);
  const pageErrors = [], consoleErrors = [];
  page.on('pageerror', e => pageErrors.push(String(e)));
  page.on('console', m => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  let sse = 0, polls = 0;
  page.on('request', r => { if (/\/jobs\/[^/]+\/events$/.test(r.url())) sse++; else if (/\/jobs\/[^/]+$/.test(r.url())) polls++; });

  await page.goto(base + '/');
  await page.waitForSelector('body[data-ready="1"]');
  check(await page.evaluate(() => !!window.gviz), 'the vendored gridviz library loaded');
  await shot(page, '01-start');

  // upload, split by CITY
  await page.setInputFiles('#file', csv);
  await page.fill('#by', 'CITY');
  await page.click('#upload button[type=submit]');
  await page.waitForFunction(() => /^Imported/.test(document.getElementById('upload-status').textContent), null, { timeout: 120000 });
  await page.waitForSelector('#datasets tbody tr');
  check(await page.locator('#datasets tbody tr').count() === 1, 'one dataset listed after the upload');
  await page.click('#datasets tbody tr button:has-text("Open")');
  await page.waitForSelector('#own-places-box:not([hidden])');
  await page.selectOption('#own-places', CITY);
  await shot(page, '02-places');
  await page.click('#own-open');

  // the map draws
  await page.waitForFunction(() => /cells/.test(document.getElementById('map-status').textContent) || document.getElementById('map-status').classList.contains('err') || !document.getElementById('map-note').hidden, null, { timeout: 120000 });
  const mapNote = await page.evaluate(() => document.getElementById('map-note').hidden ? '' : document.getElementById('map-note').textContent);
  const mapErr = await page.evaluate(() => document.getElementById('map-status').classList.contains('err') ? document.getElementById('map-status').textContent : '');
  check(!mapNote && !mapErr, 'the map has data (' + (mapNote || mapErr || 'ok') + ')');
  const px = await page.evaluate(() => {
    const c = document.querySelector('#map canvas');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] && (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250)) n++;
    return { n, total: d.length / 4 };
  });
  check(px.n > 0.02 * px.total, 'the map canvas has non-background pixels (' + px.n + ' of ' + px.total + ')');
  await page.locator('#map').scrollIntoViewIfNeeded();
  await shot(page, '03-map');
  // hover: the tooltip gives the cell's value
  await page.locator('#map').scrollIntoViewIfNeeded();
  const box = await page.locator('#map canvas').boundingBox();
  log('map canvas at ' + JSON.stringify(box));
  // move over a few points near the centre until one is a cell with a value
  for (let k = 0; k < 20; k++) {
    await page.mouse.move(box.x + box.width * (0.4 + 0.01 * k), box.y + box.height * (0.5 + 0.005 * k), { steps: 2 });
    if (await page.evaluate(() => /\d/.test(document.getElementById('ig-tooltip').textContent))) break;
    await page.waitForTimeout(100);
  }
  await page.waitForFunction(() => /\d/.test(document.getElementById('ig-tooltip').textContent), null, { timeout: 30000 });
  check(true, 'hovering a cell shows its value (' + (await page.textContent('#ig-tooltip')) + ')');
  // keyboard: zoom in with "+" and see a readout
  await page.focus('#map');
  await page.keyboard.press('+');
  check((await page.textContent('#map-readout')).length > 0, 'the keyboard readout says what is under the map centre');

  // a measure equals the CLI's
  await page.waitForSelector('#measures tbody tr[data-measure="dissimilarity"][data-group="' + GROUP + '"] td.value[data-value]', { state: 'attached' });
  const ui = Number(await page.getAttribute('#measures tbody tr[data-measure="dissimilarity"][data-group="' + GROUP + '"] td.value', 'data-value'));
  const cli = cliValue('dissimilarity', CITY, GROUP);
  log('dissimilarity ' + CITY + '/' + GROUP + ': UI ' + ui + ', CLI ' + cli);
  check(Math.abs(ui - cli) <= 1e-12 * Math.max(1, Math.abs(cli)), 'the UI dissimilarity equals integrid measures');
  check((await page.locator('#m-sentences li').count()) > 0, 'measures come with plain-language sentences');
  await page.locator('#measures-panel').scrollIntoViewIfNeeded();
  await shot(page, '04-measures');

  // the benchmark compares the cities and towns found in the grid (DEGURBA):
  // find them, then open the urban centre of the city
  await page.click('#delineate');
  await page.waitForFunction(() => /^Found|failed|cancelled/.test(document.getElementById('job-status').textContent), null, { timeout: 120000 });
  check(/^Found/.test(await page.textContent('#job-status')), 'the cities and towns were found (' + (await page.textContent('#job-status')) + ')');
  log('job progress: ' + sse + ' event streams, ' + polls + ' polls');
  await page.fill('#place-q', CITY_EN);
  await page.waitForFunction(n => [...document.querySelectorAll('#places li button')].some(b => b.textContent.startsWith(n + ' — urban centre')), CITY_EN);
  await page.locator('#places li button', { hasText: CITY_EN + ' — urban centre' }).first().click();
  await page.waitForFunction(n => document.getElementById('place-name').textContent === n, CITY_EN);
  await page.click('#bench-go');
  await page.waitForFunction(() => document.getElementById('bench-status').textContent !== 'Computing…', null, { timeout: 120000 });
  const benchErr = await page.evaluate(() => document.getElementById('bench-status').classList.contains('err') ? document.getElementById('bench-status').textContent : '');
  check(!benchErr, 'the benchmark answered (' + (benchErr || 'ok') + ')');
  check(await page.locator('#peers tbody tr').count() > 0, 'the benchmark lists peers');
  check(await page.locator('#bench-svg circle').count() > 0, 'the strip plot has dots');
  await page.locator('#bench-panel').scrollIntoViewIfNeeded();
  await shot(page, '05-benchmark');

  // policy: two answers change the score
  await page.waitForSelector('#policy-form select[data-indicator]');
  await page.waitForFunction(() => document.getElementById('score-overall').dataset.answered !== undefined);
  const before = await page.evaluate(() => ({ a: document.getElementById('score-overall').dataset.answered, t: document.getElementById('area-scores').tBodies[0].textContent }));
  const sels = page.locator('#policy-form select[data-indicator]');
  const pick = async (i) => {
    // the best-scored option (its label ends in "(score)")
    const opts = await sels.nth(i).locator('option').evaluateAll(os => os.filter(o => /\(\d+\)$/.test(o.textContent)).map(o => o.value));
    await sels.nth(i).selectOption(opts[opts.length - 1]);
  };
  await pick(0);
  await pick(1);
  await page.waitForFunction(a => Number(document.getElementById('score-overall').dataset.answered) === Number(a) + 2, before.a, { timeout: 30000 });
  const after = await page.evaluate(() => ({ a: document.getElementById('score-overall').dataset.answered, t: document.getElementById('area-scores').tBodies[0].textContent }));
  check(Number(after.a) === Number(before.a) + 2 && after.t !== before.t, 'two policy answers change the score sheet (answered ' + before.a + ' -> ' + after.a + ')');
  check(/saved/i.test(await page.textContent('#policy-status')), 'the draft was saved in the store (' + (await page.textContent('#policy-status')) + ')');
  check(await page.locator('#radar polygon').count() > 0, 'the radar is drawn');
  await page.locator('#policy-panel').scrollIntoViewIfNeeded();
  await shot(page, '06-policy');

  // report
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 180000 }), page.click('#report-html')]);
  const file = path.join(out, 'report.html');
  await dl.saveAs(file);
  const html = fs.readFileSync(file, 'utf8');
  check(html.length > 1000 && /<html/i.test(html), 'the report downloaded (' + html.length + ' bytes)');

  // PDF: the report opens inline in a new tab, printed to PDF by the browser
  const [popup] = await Promise.all([context.waitForEvent('page', { timeout: 60000 }), page.click('#report-pdf')]);
  await popup.waitForLoadState('load', { timeout: 180000 });
  check(/Local integration profile/i.test(await popup.title()), 'the report opens inline for printing (' + (await popup.title()) + ')');
  const pdf = await popup.pdf({ path: path.join(out, 'report.pdf'), format: 'A4' });
  check(pdf.length > 10000 && pdf.subarray(0, 5).toString() === '%PDF-', 'the report prints to PDF (' + pdf.length + ' bytes)');
  await popup.close();

  // phone width
  await page.setViewportSize({ width: 375, height: 800 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, '07-phone');
  await page.waitForTimeout(500); // gridviz resizes its canvas on the next frame
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (overflow > 1) log('wide elements: ' + await page.evaluate(() => [...document.querySelectorAll('body *')].filter(e => { if (e.getBoundingClientRect().right <= document.documentElement.clientWidth + 1) return false; for (let a = e.parentElement; a; a = a.parentElement) if (getComputedStyle(a).overflowX !== 'visible') return false; return true; }).slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ')));
  check(overflow <= 1, 'no horizontal scrolling at phone width (' + overflow + ' px)');

  check(pageErrors.length === 0, 'no uncaught script errors' + (pageErrors.length ? ': ' + pageErrors.join('; ') : ''));
  if (consoleErrors.length) log('console errors (not fatal): ' + consoleErrors.slice(0, 5).join(' | '));
}

try {
  await main();
  log('PASS; artefacts in ' + out);
} catch (e) {
  failed = true;
  console.error('FAIL: ' + (e && e.stack || e));
  try { if (browser) { const ps = browser.contexts().flatMap(c => c.pages()); if (ps[0]) await ps[0].screenshot({ path: path.join(out, 'failure.png'), fullPage: true }); } } catch (e2) { /* no screenshot */ }
}
clearTimeout(watchdog);
await cleanup();
process.exit(failed ? 1 : 0);
