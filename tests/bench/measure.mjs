// Browser half of `cargo xtask bench`: our widget and the national peer, side by side, served by
// the same local server with the same compression, in headless Chromium driven by playwright-core.
//
//   node tests/bench/measure.mjs        (after `cargo xtask dist`, the `national_bundle` example and
//                                         the npm install of the peer: `cargo xtask bench` does all)
//
// Environment: BENCH_RUNS (default 5; `cargo xtask bench` never asks fewer), CHROMIUM (default
// /usr/bin/chromium), BENCH_PEER (the installed package folder), BENCH_OUT (default
// target/bench/browser.json).
//
// Per run: a fresh browser context (empty cache, cache disabled through CDP), one page, then
// - bytes: Resource Timing (`encodedBodySize`: body bytes on the wire, `transferSize`: with headers),
// - times from navigation start (`performance.now()` in the page): `customElements.whenDefined`,
//   and for ours the first need button present and enabled in the shadow root,
// - memory after the first render: CDP Performance.getMetrics (JSHeapUsedSize), then a forced GC and
//   Runtime.getHeapUsage; for ours the wasm linear memory (`memory.buffer.byteLength`, reached through
//   the glue module's init function, which returns the instance's exports once initialised).
// Slow 3G is CDP Network.emulateNetworkConditions: 400 kbit/s down and up, 400 ms RTT.
// Hosts other than 127.0.0.1 resolve to nothing (`--host-resolver-rules`): the peer's CDN and
// national API are out of reach here, so each attempt fails at once and is recorded.
import { chromium } from 'playwright-core';
import { readFileSync, writeFileSync, mkdirSync, existsSync, cpSync, rmSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startServer, filesUnder } from './server.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5)); // `cargo xtask bench` asks for ≥ 5
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const PEER = process.env.BENCH_PEER ?? join(ROOT, 'target/bench/peer/node_modules/@gouvfr-anct/cartographie-nationale');
const OUT = process.env.BENCH_OUT ?? join(ROOT, 'target/bench/browser.json');
const BENCH = join(ROOT, 'target/bench');
// Snapshots of what `cargo xtask dist` built, so that a concurrent rebuild of target/dist (another
// `cargo xtask test`, say) cannot change the files under the measurement.
const snapshot = (from, to) => {
  if (!existsSync(from)) throw new Error(`missing ${from}: run cargo xtask dist`);
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
  return to;
};
const WIDGET = snapshot(join(ROOT, 'target/dist/widget'), join(BENCH, 'widget'));
const ENGINE = snapshot(join(ROOT, 'target/dist/engine-js/web'), join(BENCH, 'engine-js'));
// The same package built in the widget's size profile (`cargo xtask bench` builds it).
const ENGINE_SIZE = join(BENCH, 'engine-js-size');
const SLOW_3G = { offline: false, latency: 400, downloadThroughput: 400_000 / 8, uploadThroughput: 400_000 / 8 };
const VIEWPORT = { width: 412, height: 915 }; // a phone
const ORIENT_CALLS = 1_000;

const TAGS = { ours: 'aiguillage-orientation', national: 'aiguillage-orientation', peer: 'fr-mediation-numerique-orientation' };
// The first interactive control: for ours, the first need button (the loader's early question,
// or the engine's own); for the peer, any control. Both must be visible.
const CONTROLS = { ours: 'button[data-need]', national: 'button[data-need]', peer: 'button, a[href], input, select, textarea' };
// For ours, also when the engine (wasm) shows its own question: the early one is gone then.
const ENGINE_CONTROL = '.aiguillage-root button[data-need]';
// A link a social worker sends, holding the answers: the page opens on the results.
const LINK = '#aiguillage=step.results~need.demarches-caf~commune.16292';
const RESULT = '.aiguillage-root .result';
// A phone's CPU, emulated (CDP Emulation.setCPUThrottlingRate): 4× and 6× slower than this core.
const PHONE_CPU = [4, 6];

for (const [what, path] of [['widget (cargo xtask dist)', WIDGET], ['engine JS package', ENGINE], ['engine JS package, size profile', ENGINE_SIZE], ['peer package', join(PEER, 'orientation.js')], ['bench bundles', join(BENCH, 'bundles.json')]]) {
  if (!existsSync(path)) throw new Error(`missing ${what}: ${path}`);
}

/** Inline, first thing in <head>: times definition, first content and first control. */
function probe(kind) {
  const body = (tag, control, engineControl, resultControl) => {
    const bench = (window.__bench = { t: {} });
    customElements.whenDefined(tag).then(() => {
      bench.t.defined = performance.now();
      const host = document.querySelector(tag);
      const check = () => {
        if (!host) return true;
        const now = performance.now();
        const roots = host.shadowRoot ? [host.shadowRoot, host] : [host];
        if (bench.t.content === undefined && roots.some((r) => r.querySelector('*:not(link):not(style):not(script)') && (r.textContent ?? '').trim().length > 0)) {
          bench.t.content = now;
        }
        const usable = (button) => button && !button.disabled && button.checkVisibility();
        if (usable(roots.map((r) => r.querySelector(control)).find(Boolean))) bench.t.interactive ??= now;
        if (!engineControl) return bench.t.interactive !== undefined;
        if (usable(roots.map((r) => r.querySelector(engineControl)).find(Boolean))) bench.t.engine ??= now;
        // A link holding the answers opens on the results: no question is asked.
        if (roots.some((r) => r.querySelector(resultControl)?.checkVisibility())) bench.t.results ??= now;
        return (bench.t.interactive !== undefined && bench.t.engine !== undefined) || bench.t.results !== undefined;
      };
      if (check()) return;
      const observer = new MutationObserver(() => check() && stop());
      const options = { subtree: true, childList: true, attributes: true, characterData: true };
      observer.observe(document, options);
      if (host?.shadowRoot) observer.observe(host.shadowRoot, options);
      const timer = setInterval(() => check() && stop(), 10);
      const stop = () => { observer.disconnect(); clearInterval(timer); };
      setTimeout(stop, 120_000);
    });
  };
  const engineControl = kind === 'peer' ? null : ENGINE_CONTROL;
  return `(${body})(${JSON.stringify(TAGS[kind])}, ${JSON.stringify(CONTROLS[kind])}, ${JSON.stringify(engineControl)}, ${JSON.stringify(RESULT)});`;
}

const pages = {
  ours: `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Banc — Aiguillage</title>
<script>${probe('ours')}</script>
<script type="module" src="../widget/aiguillage.js"></script>
</head><body>
<aiguillage-orientation title="Trouver une aide au numérique"></aiguillage-orientation>
</body></html>`,
  // National mode (issue 15): the same page on a folder of bundles, one per département.
  national: `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Banc — Aiguillage national</title>
<script>${probe('national')}</script>
<script type="module" src="../widget/aiguillage.js"></script>
</head><body>
<aiguillage-orientation data-src="../widget/national/" title="Trouver une aide au numérique"></aiguillage-orientation>
</body></html>`,
  // The package README's "Utiliser seulement l'orientation" page, with the files served locally.
  peer: `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Banc — Cartographie nationale, orientation</title>
<script>${probe('peer')}</script>
<base href="./">
<link href="styles.css" rel="stylesheet">
</head><body class="vh-100">
<fr-mediation-numerique-orientation></fr-mediation-numerique-orientation>
<script src="orientation.js" type="module"></script>
</body></html>`,
  // The floor: the same files as a link to results, fetched all at once as soon as the page
  // starts (`?files=` lists them), in the same throttled browser: nothing can arrive sooner.
  floor: `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Banc — plancher</title>
<script>
window.__bench = { t: {} };
const files = JSON.parse(decodeURIComponent(new URLSearchParams(location.search).get('files') ?? '[]'));
Promise.all(files.map((url) => fetch(url).then((r) => r.arrayBuffer()))).then(() => { window.__bench.t.floor = performance.now(); });
</script></head><body><p>plancher</p></body></html>`,
  engine: `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Banc — moteur wasm</title>
<script type="module">
// ?pkg=pkg-size: the package built in the widget's size profile.
const pkg = new URLSearchParams(location.search).get('pkg') ?? 'pkg';
const { default: init, Engine } = await import('./' + pkg + '/aiguillage_engine_js.js');
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };
window.__engine = async ({ file, texts, queries, at, calls }) => {
  const started = performance.now();
  await init({ module_or_path: new URL('./' + pkg + '/aiguillage_engine_js_bg.wasm', import.meta.url) });
  const initMs = performance.now() - started;
  const bytes = new Uint8Array(await (await fetch('./data/' + file)).arrayBuffer());
  // The words come in a language pack beside the territory bundle (the French one here).
  const words = new Uint8Array(await (await fetch('./data/' + texts)).arrayBuffer());
  const decode = [];
  for (let i = 0; i < 9; i += 1) {
    const t0 = performance.now();
    const engine = new Engine(bytes, words);
    decode.push(performance.now() - t0);
    engine.free();
  }
  const engine = new Engine(bytes, words);
  const query = (i) => {
    const q = queries[i % queries.length];
    return { commune: q.commune, need: q.need, ...(q.autonomy ? { autonomy: q.autonomy } : {}), at };
  };
  let errors = 0;
  let found = 0;
  const firstErrors = [];
  for (let i = 0; i < 200; i += 1) { try { engine.orient(query(i)); } catch {} } // warm-up
  const times = [];
  const t0 = performance.now();
  for (let i = 0; i < calls; i += 1) {
    const q = query(i);
    const s = performance.now();
    try { found += engine.orient(q).recommendations.length; } catch (e) { errors += 1; if (firstErrors.length < 3) firstErrors.push(String(e?.message ?? e)); }
    times.push(performance.now() - s);
  }
  const total = performance.now() - t0;
  engine.free();
  return {
    file, bytes: bytes.length, textsBytes: words.length, initMs, decodeMs: decode, decodeMedianMs: median(decode), calls,
    orientP50Us: median(times) * 1000, orientP90Us: pct(times, 0.9) * 1000, orientP99Us: pct(times, 0.99) * 1000,
    orientMeanUs: (total / calls) * 1000, errors, firstErrors, meanResults: found / (calls - errors || 1),
    isolated: crossOriginIsolated,
  };
};
window.__ready = true;
</script></head><body><p>moteur</p></body></html>`,
};

const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

function category(url) {
  const path = new URL(url).pathname;
  if (/\.(js|mjs|wasm|css)$/.test(path)) return 'code';
  if (/\/texts\.[^/]+\.bin$/.test(path)) return 'texts';
  if (/\.(bin|json)$/.test(path) || /api|datasets/.test(url)) return 'data';
  if (/\.(woff2?|ttf|eot|otf)$/.test(path)) return 'fonts';
  if (/\.(svg|png|jpe?g|gif|webp)$/.test(path)) return 'images';
  if (path.endsWith('/') || path.endsWith('.html')) return 'page';
  return 'other';
}

/** Waits until no request has been in flight for `quietMs` (at most `capMs`). */
async function networkQuiet(cdp, inflight, quietMs, capMs) {
  const until = Date.now() + capMs;
  let quietSince = inflight.size === 0 ? Date.now() : null;
  while (Date.now() < until) {
    if (inflight.size === 0) {
      quietSince ??= Date.now();
      if (Date.now() - quietSince >= quietMs) return true;
    } else {
      quietSince = null;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

async function measurePage(browser, base, kind, { coding = 'br', throttled = false, cpu = 1, link = false, files = null, shot = null } = {}) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (throttled) await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
  if (cpu > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpu });
  await cdp.send('Performance.enable');
  const inflight = new Set();
  cdp.on('Network.requestWillBeSent', (e) => inflight.add(e.requestId));
  cdp.on('Network.loadingFinished', (e) => inflight.delete(e.requestId));
  cdp.on('Network.loadingFailed', (e) => inflight.delete(e.requestId));
  const failed = [];
  const problems = [];
  const encodings = {};
  page.on('requestfailed', (r) => failed.push({ url: r.url(), error: r.failure()?.errorText ?? '?' }));
  const pending = [];
  page.on('console', (m) => {
    if (m.type() !== 'error' && m.type() !== 'warning') return;
    // Minified errors print as `ERROR sD`: ask the arguments themselves for a name and message.
    pending.push(Promise.all(m.args().map((a) => a.evaluate((v) => (v instanceof Error || v?.message) ? `${v.name ?? 'Error'}: ${v.message}` : String(v)).catch(() => '?')))
      .then((parts) => problems.push(`console ${m.type()}: ${parts.join(' ').slice(0, 400) || m.text().slice(0, 400)}`)));
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${String(e.message).slice(0, 300)}`));
  page.on('response', (r) => { encodings[r.url()] = { status: r.status(), encoding: r.headers()['content-encoding'] ?? 'identity' }; });

  const url = kind === 'floor'
    ? `${base}/${coding}/floor/?files=${encodeURIComponent(JSON.stringify(files))}`
    : `${base}/${coding}/${kind}/${link ? LINK : ''}`;
  const wallStart = Date.now();
  await page.goto(url, { waitUntil: 'commit' });
  const limit = throttled ? 120_000 : 30_000;
  let timedOut = false;
  try {
    // Ours: wait for the engine's own question, which comes after the first interactive control.
    const milestone = kind === 'floor' ? 'floor' : link ? 'results' : kind === 'ours' ? 'engine' : 'defined';
    await page.waitForFunction((m) => window.__bench?.t?.[m] !== undefined, milestone, { timeout: limit, polling: 50 });
  } catch {
    timedOut = true;
  }
  // Let the first render settle (and the peer try its network): quiet for 1 s, at most 20 s.
  const quiet = kind === 'floor' || link ? true : await networkQuiet(cdp, inflight, kind === 'peer' ? 1_500 : 500, throttled ? 20_000 : 8_000);
  await page.waitForTimeout(300);
  const times = await page.evaluate(() => window.__bench?.t ?? {});
  await Promise.allSettled(pending);

  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name) => metrics.find((m) => m.name === name)?.value ?? null;
  const beforeGc = { jsHeapUsed: metric('JSHeapUsedSize'), jsHeapTotal: metric('JSHeapTotalSize'), nodes: metric('Nodes') };
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = await cdp.send('Runtime.getHeapUsage');
  let wasmMemory = null;
  let wasmNote = null;
  if (kind === 'ours' && !link) {
    const loader = readFileSync(join(WIDGET, 'aiguillage.js'), 'utf8');
    const glue = loader.match(/aiguillage_widget\.[0-9a-f]{16}\.js/)?.[0];
    try {
      wasmMemory = await page.evaluate(async (src) => {
        const module = await import(src);
        const exports = await module.default();
        return exports.memory.buffer.byteLength;
      }, `${base}/${coding}/widget/${glue}`);
    } catch (error) {
      wasmNote = `wasm memory unreachable: ${error.message}`;
    }
  }

  const resources = await page.evaluate(() =>
    [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')].map((e) => ({
      url: e.name, transfer: e.transferSize, encoded: e.encodedBodySize, decoded: e.decodedBodySize, start: e.startTime, end: e.responseEnd,
    })),
  );
  for (const r of resources) {
    r.category = category(r.url);
    r.encoding = encodings[r.url]?.encoding ?? null;
    r.status = encodings[r.url]?.status ?? null;
    r.local = r.url.startsWith(base);
  }
  const look = await page.evaluate((tag) => {
    const host = document.querySelector(tag);
    const root = host?.shadowRoot ?? host;
    const visible = host ? host.getBoundingClientRect() : null;
    return {
      shadowRoot: !!host?.shadowRoot,
      elements: root ? root.querySelectorAll('*').length : 0,
      text: (root?.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 300),
      box: visible ? { width: Math.round(visible.width), height: Math.round(visible.height) } : null,
      controls: root ? root.querySelectorAll('button, a[href], input, select, textarea').length : 0,
      html: (root?.innerHTML ?? '').replace(/\s+/g, ' ').slice(0, 400),
    };
  }, TAGS[kind] ?? 'body');
  if (shot) {
    mkdirSync(BENCH, { recursive: true });
    await page.screenshot({ path: join(BENCH, `${shot}.png`), fullPage: true });
  }
  await context.close();
  return {
    kind, coding, throttled, url, timedOut, quiet, wallMs: Date.now() - wallStart, times,
    memory: { ...beforeGc, jsHeapUsedAfterGc: usage.usedSize, jsHeapTotalAfterGc: usage.totalSize, wasmMemory, wasmNote },
    resources, failed, problems: [...new Set(problems)], look,
  };
}

/** A phone's page: slow 3G, no cache, the CPU `cpu`× slower. */
async function phonePage(browser, cpu) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  page.setDefaultTimeout(120_000);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpu });
  return { context, page };
}

/**
 * National mode at the commune question (slow 3G, CPU `cpu`×): the resident types « R », waits
 * for its suggestions, then types « u »: the time from that key to the suggestions of « ru », and
 * the round trip of the part of the index « ru » needed (its request to its last byte).
 */
async function measureTyping(browser, base, cpu) {
  const { context, page } = await phonePage(browser, cpu);
  await page.goto(`${base}/br/national/#aiguillage=step.commune~need.emploi`);
  const host = 'aiguillage-orientation .aiguillage-root';
  const search = page.locator(`${host} input[type="search"]`);
  await search.click();
  await page.keyboard.type('R');
  await page.locator(`${host} [role="option"]`).first().waitFor();
  const parts = () => performance.getEntriesByType('resource').filter((e) => e.name.includes('/national/index/')).map((e) => ({ url: e.name, start: e.startTime, end: e.responseEnd }));
  const before = (await page.evaluate(parts)).length;
  const start = await page.evaluate(() => performance.now());
  await page.keyboard.type('u');
  await page.waitForFunction((root) => {
    const shadow = document.querySelector('aiguillage-orientation').shadowRoot;
    const status = shadow.querySelector(`${root} .picker-status[role="status"]`)?.textContent ?? '';
    return shadow.querySelector(`${root} [role="option"][data-insee="16292"]`) && !/Chargement/.test(status);
  }, '.aiguillage-root', { polling: 'raf' });
  const end = await page.evaluate(() => performance.now());
  const fetched = (await page.evaluate(parts)).slice(before);
  await context.close();
  return { ms: end - start, fetchMs: fetched.length ? fetched[0].end - fetched[0].start : 0, part: fetched[0]?.url ? new URL(fetched[0].url).pathname : null };
}

/** From the commune chosen (the situation's submit) to the first result, and the bytes before. */
async function measureChoice(browser, base, kind) {
  const { context, page } = await phonePage(browser, 4);
  await page.goto(`${base}/br/${kind}/`);
  const host = 'aiguillage-orientation .aiguillage-root';
  await page.locator(`${host} button[data-need="demarches"]`).click();
  await page.locator(`${host} button[data-need="demarches-caf"]`).click();
  await page.locator(`${host} input[type="search"]`).fill('Ruffec');
  await page.locator(`${host} [role="option"][data-insee="16292"]`).click();
  const submit = page.locator(`${host} button[type="submit"]`);
  await submit.waitFor();
  const start = await page.evaluate(() => performance.now());
  await submit.click();
  await page.locator('aiguillage-orientation .aiguillage-root .result').first().waitFor();
  const end = await page.evaluate(() => performance.now());
  const resources = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => ({ url: e.name, encoded: e.encodedBodySize, end: e.responseEnd })));
  await context.close();
  const before = resources.filter((r) => r.end <= end);
  return {
    ms: end - start,
    bytesBeforeResults: before.reduce((sum, r) => sum + (r.encoded || 0), 0),
    files: before.map((r) => new URL(r.url).pathname),
  };
}

function summarise(runs) {
  const sum = (run, pick) => run.resources.filter(pick).reduce((a, r) => a + (r.encoded || 0), 0);
  const bytes = (run) => ({
    code: sum(run, (r) => r.local && r.category === 'code'),
    data: sum(run, (r) => r.local && r.category === 'data'),
    texts: sum(run, (r) => r.local && r.category === 'texts'),
    fonts: sum(run, (r) => r.local && r.category === 'fonts'),
    page: sum(run, (r) => r.local && r.category === 'page'),
    other: sum(run, (r) => r.local && !['code', 'data', 'texts', 'fonts', 'page'].includes(r.category)),
    codeDecoded: run.resources.filter((r) => r.local && r.category === 'code').reduce((a, r) => a + (r.decoded || 0), 0),
    transfer: run.resources.reduce((a, r) => a + (r.transfer || 0), 0),
  });
  const pick = (f) => median(runs.map(f));
  return {
    runs: runs.length,
    timedOut: runs.filter((r) => r.timedOut).length,
    definedMs: pick((r) => r.times.defined),
    contentMs: pick((r) => r.times.content),
    interactiveMs: pick((r) => r.times.interactive),
    interactiveSeen: runs.filter((r) => r.times.interactive !== undefined).length,
    engineMs: pick((r) => r.times.engine),
    resultsMs: pick((r) => r.times.results),
    floorMs: pick((r) => r.times.floor),
    resultsAll: runs.map((r) => r.times.results ?? null),
    floorAll: runs.map((r) => r.times.floor ?? null),
    engineAll: runs.map((r) => r.times.engine ?? null),
    definedAll: runs.map((r) => r.times.defined ?? null),
    interactiveAll: runs.map((r) => r.times.interactive ?? null),
    bytes: bytes(runs[0]),
    jsHeapUsed: pick((r) => r.memory.jsHeapUsed),
    jsHeapUsedAfterGc: pick((r) => r.memory.jsHeapUsedAfterGc),
    wasmMemory: pick((r) => r.memory.wasmMemory),
    wasmNote: runs.find((r) => r.memory.wasmNote)?.memory.wasmNote ?? null,
  };
}

async function main() {
  const bundles = JSON.parse(readFileSync(join(BENCH, 'bundles.json'), 'utf8'));
  const dataRoot = join(BENCH, 'data');
  mkdirSync(dataRoot, { recursive: true });
  // The engine page reads the bench bundles and the real default bundle from one folder.
  for (const name of [...bundles.map((b) => b.file)]) writeFileSync(join(dataRoot, name), readFileSync(join(BENCH, name)));
  writeFileSync(join(dataRoot, 'default.bin'), readFileSync(join(WIDGET, 'data/default.bin')));
  writeFileSync(join(dataRoot, 'national-index.bin'), readFileSync(join(WIDGET, 'national/index.bin')));
  const textsFr = readdirSync(WIDGET).find((f) => /^texts\.fr\.([0-9a-f]{16}\.)?bin$/.test(f));
  if (!textsFr) throw new Error(`no French texts pack (texts.fr.*.bin) in ${WIDGET}`);
  writeFileSync(join(dataRoot, 'texts.fr.bin'), readFileSync(join(WIDGET, textsFr)));

  const preload = [
    // National mode: its start, manifest and every part of the commune index (small files), the
    // Charente and Bas-Rhin bundles.
    ...filesUnder(WIDGET, (p) => !/\.(br|gz|ts|sha256)$/.test(p) && (!p.includes('/national/') || /\/(start|16|67)\.bin$|\/index\.json$|\/national\/index\//.test(p))),
    join(PEER, 'orientation.js'),
    join(PEER, 'styles.css'),
  ];
  console.log('bench: compressing the assets of both widgets (brotli 11, gzip 9)…');
  const server = await startServer({ roots: { widget: WIDGET, peer: PEER, engine: ENGINE, engineSize: ENGINE_SIZE, data: dataRoot }, pages, preload });
  console.log(`bench: serving on ${server.base}`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
  const results = { date: new Date().toISOString(), loadStart: loadavg(), runs: RUNS, chromium: browser.version(), node: process.version, pages: {}, raw: {}, engine: [] };
  try {
    // Warm-up (not counted): the first page a fresh browser opens pays one-off costs.
    for (const kind of ['ours', 'peer']) await measurePage(browser, server.base, kind);
    for (const throttled of [false, true]) {
      const label = throttled ? 'slow3g' : 'unthrottled';
      const runs = { ours: [], peer: [] };
      for (let i = 0; i < RUNS; i += 1) {
        // Alternate the order so neither always runs first.
        for (const kind of i % 2 ? ['peer', 'ours'] : ['ours', 'peer']) {
          const shot = i === 0 ? `${kind}-${label}` : null;
          const run = await measurePage(browser, server.base, kind, { throttled, shot });
          runs[kind].push(run);
          const t = run.times;
          console.log(`bench: ${label} ${kind} run ${i + 1}/${RUNS}: defined ${t.defined?.toFixed(0) ?? '—'} ms, interactive ${t.interactive?.toFixed(0) ?? '—'} ms${run.timedOut ? ' (timed out)' : ''}`);
        }
      }
      for (const kind of ['ours', 'peer']) {
        results.pages[`${kind}-${label}`] = summarise(runs[kind]);
        results.raw[`${kind}-${label}`] = runs[kind].map(({ resources, ...rest }) => rest);
      }
      if (!throttled) {
        results.resources = Object.fromEntries(['ours', 'peer'].map((k) => [k, runs[k][0].resources]));
        results.peerFailed = runs.peer[0].failed;
        results.peerProblems = runs.peer[0].problems;
        results.peerLook = runs.peer[0].look;
        results.oursProblems = runs.ours[0].problems;
        results.oursLook = runs.ours[0].look;
      } else {
        results.peerLookSlow = runs.peer[0].look;
        results.resourcesSlow = Object.fromEntries(['ours', 'peer'].map((k) => [k, runs[k][0].resources]));
      }
    }
    // As a phone feels it: slow 3G and a CPU 4× and 6× slower. Ours: the first control, the
    // engine's question, and a link holding the answers to its results; the peer: its first
    // screen; and the floor, the link's own files fetched all at once in the same conditions.
    results.phone = {};
    for (const cpu of PHONE_CPU) {
      const runs = { ours: [], link: [], peer: [], floor: [], nlink: [], nfloor: [] };
      let files = null;
      let nationalFiles = null;
      // National mode (issues 15 and #31): a link holding the answers on the folder of bundles.
      const national = ['nlink'];
      for (let i = 0; i < RUNS; i += 1) {
        const order = i % 2 ? ['peer', 'link', 'ours', ...national] : ['ours', 'link', 'peer', ...national];
        for (const what of order) {
          const kind = { link: 'ours', nlink: 'national' }[what] ?? what;
          const run = await measurePage(browser, server.base, kind, { throttled: true, cpu, link: what === 'link' || what === 'nlink' });
          runs[what].push(run);
          if (what === 'link' && !files) {
            files = run.resources.filter((r) => r.local && r.category !== 'page').map((r) => r.url);
          }
          if (what === 'nlink' && !nationalFiles) {
            nationalFiles = run.resources.filter((r) => r.local && r.category !== 'page').map((r) => r.url);
          }
          const t = run.times;
          console.log(`bench: phone cpu ${cpu}× ${what} run ${i + 1}/${RUNS}: ${what === 'link' || what === 'nlink' ? `results ${t.results?.toFixed(0) ?? '—'}` : `interactive ${t.interactive?.toFixed(0) ?? '—'}, engine ${t.engine?.toFixed(0) ?? '—'}`} ms${run.timedOut ? ' (timed out)' : ''}`);
        }
        const floor = await measurePage(browser, server.base, 'floor', { throttled: true, cpu, files });
        runs.floor.push(floor);
        console.log(`bench: phone cpu ${cpu}× floor run ${i + 1}/${RUNS}: ${floor.times.floor?.toFixed(0) ?? '—'} ms`);
        if (nationalFiles) {
          const nfloor = await measurePage(browser, server.base, 'floor', { throttled: true, cpu, files: nationalFiles });
          runs.nfloor.push(nfloor);
          console.log(`bench: phone cpu ${cpu}× national floor run ${i + 1}/${RUNS}: ${nfloor.times.floor?.toFixed(0) ?? '—'} ms`);
        }
      }
      results.phone[cpu] = Object.fromEntries(Object.entries(runs).filter(([, list]) => list.length).map(([what, list]) => [what, summarise(list)]));
      results.phone[cpu].linkFiles = files.map((u) => new URL(u).pathname);
      if (nationalFiles) results.phone[cpu].nationalLinkFiles = nationalFiles.map((u) => new URL(u).pathname);
    }

    // National mode (issue #31): the suggestions after the second character typed, against the
    // round trip of the part of the index it needed (slow 3G, CPU 4× and 6×).
    results.typing = {};
    for (const cpu of PHONE_CPU) {
      const list = [];
      for (let i = 0; i < RUNS; i += 1) {
        const run = await measureTyping(browser, server.base, cpu);
        list.push(run);
        console.log(`bench: typing cpu ${cpu}× run ${i + 1}/${RUNS}: suggestions ${run.ms?.toFixed(0) ?? '—'} ms after the second character, its part's round trip ${run.fetchMs?.toFixed(0) ?? '—'} ms`);
      }
      results.typing[cpu] = { runs: list.length, ms: median(list.map((r) => r.ms)), fetchMs: median(list.map((r) => r.fetchMs)), all: list.map((r) => r.ms), fetches: list.map((r) => r.fetchMs), part: list[0].part };
    }

    // Choosing a commune to the results, as a resident does it (slow 3G, CPU 4×): in the
    // département mode the data is already there; in national mode the index answered the
    // commune question and the département's bundle comes now.
    results.choice = {};
    for (const kind of ['ours', 'national']) {
      const list = [];
      for (let i = 0; i < RUNS; i += 1) {
        const run = await measureChoice(browser, server.base, kind);
        list.push(run);
        console.log(`bench: choice ${kind} run ${i + 1}/${RUNS}: ${run.ms?.toFixed(0) ?? '—'} ms, ${run.bytesBeforeResults} bytes before the results`);
      }
      results.choice[kind] = {
        runs: list.length,
        ms: median(list.map((r) => r.ms)),
        all: list.map((r) => r.ms),
        bytesBeforeResults: list[0].bytesBeforeResults,
        files: list[0].files,
      };
    }

    // Bytes with gzip only (one run each: bytes do not vary between runs).
    for (const kind of ['ours', 'peer']) {
      const run = await measurePage(browser, server.base, kind, { coding: 'gzip' });
      results.pages[`${kind}-gzip`] = summarise([run]);
      results.resourcesGzip ??= {};
      results.resourcesGzip[kind] = run.resources;
    }

    // The engine's JS package (wasm) on the bench bundles and the real default bundle.
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(300_000);
    await page.goto(`${server.base}/engine/`);
    await page.waitForFunction(() => window.__ready === true);
    const at = bundles[0].at;
    const targets = [
      { file: 'default.bin', queries: bundles[0].queries.filter((q) => q.commune.startsWith('16')), label: 'real Charente (default.bin)' },
      ...bundles.map((b) => ({ file: b.file, queries: b.queries, label: `${b.scale} département(s), ${b.actors} actors` })),
    ];
    for (const target of targets) {
      const fresh = await context.newPage(); // one page per bundle: a fresh wasm instance and heap
      fresh.setDefaultTimeout(300_000);
      await fresh.goto(`${server.base}/engine/`);
      await fresh.waitForFunction(() => window.__ready === true);
      const out = await fresh.evaluate((args) => window.__engine(args), { file: target.file, texts: 'texts.fr.bin', queries: target.queries, at, calls: ORIENT_CALLS });
      out.label = target.label;
      // The decoder again, as the widget has it (size profile): a fresh page, decode only.
      const sized = await context.newPage();
      sized.setDefaultTimeout(300_000);
      await sized.goto(`${server.base}/engine/?pkg=pkg-size`);
      await sized.waitForFunction(() => window.__ready === true);
      const small = await sized.evaluate((args) => window.__engine(args), { file: target.file, texts: 'texts.fr.bin', queries: target.queries.slice(0, 10), at, calls: 10 });
      out.decodeSizeProfileMs = small.decodeMedianMs;
      await sized.close();
      results.engine.push(out);
      console.log(`bench: wasm ${target.file}: decode ${out.decodeMedianMs.toFixed(1)} ms (size profile ${out.decodeSizeProfileMs.toFixed(1)} ms), orient p50 ${out.orientP50Us.toFixed(0)} µs (${out.errors} errors, isolated ${out.isolated})`);
      await fresh.close();
    }
    // The national index (every commune, no place) decoded at CPU 4×, in both profiles.
    results.nationalIndex = { bytes: readFileSync(join(WIDGET, 'national/index.bin')).length, brotli: readFileSync(join(WIDGET, 'national/index.bin.br')).length };
    // The index split by what is typed (issue #31): its files' sizes, brotli.
    {
      const parts = readdirSync(join(WIDGET, 'national/index')).filter((f) => f.endsWith('.bin.br')).map((f) => readFileSync(join(WIDGET, 'national/index', f)).length).sort((a, b) => a - b);
      results.nationalSplit = {
        count: parts.length, largest: parts[parts.length - 1], median: parts[parts.length >> 1], total: parts.reduce((a, b) => a + b, 0),
        manifest: readFileSync(join(WIDGET, 'national/index.json.br')).length, start: readFileSync(join(WIDGET, 'national/start.bin.br')).length,
      };
    }
    for (const [pkg, key] of [['pkg', 'decodeSpeedMs'], ['pkg-size', 'decodeSizeMs']]) {
      const slow = await context.newPage();
      slow.setDefaultTimeout(300_000);
      const cdp = await context.newCDPSession(slow);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      await slow.goto(`${server.base}/engine/?pkg=${pkg}`);
      await slow.waitForFunction(() => window.__ready === true);
      const out = await slow.evaluate((args) => window.__engine(args), { file: 'national-index.bin', texts: 'texts.fr.bin', queries: [], at, calls: 0 });
      results.nationalIndex[key] = out.decodeMedianMs;
      await slow.close();
    }
    console.log(`bench: national index ${results.nationalIndex.brotli} bytes brotli, decode at CPU 4× ${results.nationalIndex.decodeSizeMs.toFixed(0)} ms (size profile), ${results.nationalIndex.decodeSpeedMs.toFixed(0)} ms (speed)`);
    await page.close();
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
  results.loadEnd = loadavg();
  results.finished = Date.now() / 1000;
  writeFileSync(OUT, JSON.stringify(results, null, 2));
  console.log(`bench: browser results in ${OUT}`);
}

await main();
