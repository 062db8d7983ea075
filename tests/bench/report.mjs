// Last step of `cargo xtask bench`: prints the tables (ours / peer ratios) and writes
// docs/PERFORMANCE.md from what the run measured:
//   target/bench/browser.json   (tests/bench/measure.mjs: both widgets, the wasm engine)
//   target/bench/bundles.json   (the national_bundle example: bench bundles and their queries)
//   target/bench/sizes.json     (xtask: raw, brotli and gzip sizes of the bench bundles)
//   target/criterion/…          (criterion: native orient and decode)
//   target/bench/widget/*.br|.gz (what `cargo xtask dist` ships, as snapshotted by measure.mjs)
import { readFileSync, writeFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { widgetCode } from '../widget-code.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BENCH = join(ROOT, 'target/bench');
const WIDGET = join(ROOT, 'target/bench/widget'); // the snapshot measure.mjs served
const DOC = process.env.BENCH_DOC ?? join(ROOT, 'docs/PERFORMANCE.md');

const read = (path) => JSON.parse(readFileSync(path, 'utf8'));
const browser = read(join(BENCH, 'browser.json'));
const bundles = read(join(BENCH, 'bundles.json'));
const sizes = read(join(BENCH, 'sizes.json'));

// ---- formatting (KB = 1,000 bytes; MB = 1,000,000 bytes)
const kb = (b) => (b === null || b === undefined ? '—' : `${(b / 1000).toFixed(1)} KB`);
const mb = (b) => (b === null || b === undefined ? '—' : `${(b / 1e6).toFixed(2)} MB`);
const ms = (x) => (x === null || x === undefined ? '—' : `${x < 10 ? x.toFixed(1) : Math.round(x).toLocaleString('en')} ms`);
const us = (x) => (x === null || x === undefined ? '—' : `${x < 10 ? x.toFixed(1) : Math.round(x)} µs`);
const ratio = (a, b) => (a === null || b === null || a === undefined || b === undefined || b === 0 ? '—' : (a / b).toFixed(2));
const table = (head, rows) => [`| ${head.join(' | ')} |`, `|${head.map((h, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

// ---- criterion medians (ns) — the median of the per-sample means criterion measures
function criterion(id) {
  const path = join(ROOT, 'target/criterion', id, 'new/estimates.json');
  if (!existsSync(path)) return null;
  return read(path).median.point_estimate;
}
const nativeNational = criterion('orient national 18000 actors');
const nativeNationalScale = criterion('scale/orient 100');
const run = existsSync(join(BENCH, 'run.json')) ? read(join(BENCH, 'run.json')) : {};

// ---- what `cargo xtask dist` ships: the widget's code as the size test counts it
// (tests/widget-code.mjs), in brotli and in gzip.
const code = widgetCode(WIDGET);
const sizeOf = (file) => statSync(join(WIDGET, file)).size;
const parts = Object.fromEntries(Object.entries(code).map(([part, file]) => [part, sizeOf(file)]));
const shippedBr = { total: Object.values(parts).reduce((a, b) => a + b, 0) };
const shippedGz = { total: Object.values(code).reduce((a, file) => a + sizeOf(file.replace(/\.br$/, '.gz')), 0) };
const defaultBr = statSync(join(WIDGET, 'data/default.bin.br')).size;
const defaultGz = statSync(join(WIDGET, 'data/default.bin.gz')).size;
const defaultRaw = statSync(join(WIDGET, 'data/default.bin')).size;
const textsFrFile = readdirSync(WIDGET).find((f) => /^texts\.fr\.([0-9a-f]{16}\.)?bin\.br$/.test(f));
const textsFrBr = textsFrFile ? statSync(join(WIDGET, textsFrFile)).size : null;
// What the shipped default bundle holds (decoded by the national_bundle example).
const defaultActors = existsSync(join(BENCH, 'default.json')) ? read(join(BENCH, 'default.json')).actors ?? '?' : '?';
// The limits the size test enforces, read from it so that this page cannot drift from it.
const sizeTest = readFileSync(join(ROOT, 'tests/node/size.test.mjs'), 'utf8');
const limit = (name) => Number(sizeTest.match(new RegExp(`const ${name} = (\\d+) \\* KB`))?.[1] ?? NaN) * 1000;
const limitCode = limit('LIMIT_CODE');
// Yew's own floor, built by `cargo xtask bench` from xtask/yew-floor as the widget is built.
const floorFile = join(BENCH, 'yew-floor.json');
const floor = existsSync(floorFile) ? JSON.parse(readFileSync(floorFile, 'utf8')) : null;
const floorTotal = floor ? floor.wasm_brotli + floor.glue_brotli : null;
const limitBundle = limit('LIMIT_BUNDLE');

// ---- browser pages
const P = browser.pages;
const ours = { fast: P['ours-unthrottled'], slow: P['ours-slow3g'], gz: P['ours-gzip'] };
const peer = { fast: P['peer-unthrottled'], slow: P['peer-slow3g'], gz: P['peer-gzip'] };
const engine = Object.fromEntries(browser.engine.map((e) => [e.file, e]));
const national = engine['scale-100.bin'];

// ---- machine
const cpus = os.cpus();
let rustc = '?';
try { rustc = execFileSync('rustc', ['--version'], { encoding: 'utf8' }).trim(); } catch {}
const machine = `${cpus[0]?.model ?? '?'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.type()} ${os.release()}; Chromium ${browser.chromium}; Node ${browser.node}; ${rustc}`;
const load = `${browser.loadStart.map((x) => x.toFixed(2)).join(' / ')} at the start of the browser runs, ${browser.loadEnd.map((x) => x.toFixed(2)).join(' / ')} at their end`;
const date = browser.date.slice(0, 16).replace('T', ' ') + ' UTC';
const loadNative = run.load_before_native ? `${run.load_before_native} before the native benches, ${run.load_after_native} after` : 'not recorded';
const elapsed = run.started && browser.finished ? `${Math.round((browser.finished - run.started) / 60)} min` : null;

// ---- side by side
const codeBr = { ours: ours.fast.bytes.code, peer: peer.fast.bytes.code };
const codeGz = { ours: ours.gz.bytes.code, peer: peer.gz.bytes.code };
const side = [
  ['code (JS + wasm + CSS), brotli', kb(codeBr.ours), kb(codeBr.peer), ratio(codeBr.ours, codeBr.peer)],
  ['code (JS + wasm + CSS), gzip', kb(codeGz.ours), kb(codeGz.peer), ratio(codeGz.ours, codeGz.peer)],
  ['code, uncompressed', kb(ours.fast.bytes.codeDecoded), kb(peer.fast.bytes.codeDecoded), ratio(ours.fast.bytes.codeDecoded, peer.fast.bytes.codeDecoded)],
  ['data, brotli', `${kb(ours.fast.bytes.data)} (Charente bundle)`, `${kb(peer.fast.bytes.data)} (national API unreachable)`, '—'],
  ['data, gzip', kb(ours.gz.bytes.data), kb(peer.gz.bytes.data), '—'],
  ['words (our French text pack), brotli / gzip', `${kb(ours.fast.bytes.texts)} / ${kb(ours.gz.bytes.texts)}`, '— (inside its script)', '—'],
  ['fonts', kb(ours.fast.bytes.fonts), `${kb(peer.fast.bytes.fonts)} (CDN unreachable)`, '—'],
  ['unthrottled: `whenDefined`', ms(ours.fast.definedMs), ms(peer.fast.definedMs), ratio(ours.fast.definedMs, peer.fast.definedMs)],
  ['unthrottled: first interactive control', ms(ours.fast.interactiveMs), peer.fast.interactiveMs ? ms(peer.fast.interactiveMs) : 'never (blank)', '—'],
  ['unthrottled: ours first interactive ÷ peer defined', '', '', ratio(ours.fast.interactiveMs, peer.fast.definedMs)],
  ['slow 3G: `whenDefined`', ms(ours.slow.definedMs), ms(peer.slow.definedMs), ratio(ours.slow.definedMs, peer.slow.definedMs)],
  ['slow 3G: first interactive control', ms(ours.slow.interactiveMs), peer.slow.interactiveMs ? ms(peer.slow.interactiveMs) : 'never (blank)', '—'],
  ['**slow 3G: ours first interactive ÷ peer defined** (goal ≤ 0.50)', '', '', `**${ratio(ours.slow.interactiveMs, peer.slow.definedMs)}**`],
  ['unthrottled: the engine\'s own question (wasm, data and words loaded)', ms(ours.fast.engineMs), '—', ratio(ours.fast.engineMs, peer.fast.definedMs) + ' of peer defined'],
  ['slow 3G: the engine\'s own question (wasm, data and words loaded)', ms(ours.slow.engineMs), '—', ratio(ours.slow.engineMs, peer.slow.definedMs) + ' of peer defined'],
  ['JS heap after first render (CDP JSHeapUsedSize)', mb(ours.fast.jsHeapUsed), mb(peer.fast.jsHeapUsed), ratio(ours.fast.jsHeapUsed, peer.fast.jsHeapUsed)],
  ['JS heap after a forced GC (Runtime.getHeapUsage)', mb(ours.fast.jsHeapUsedAfterGc), mb(peer.fast.jsHeapUsedAfterGc), ratio(ours.fast.jsHeapUsedAfterGc, peer.fast.jsHeapUsedAfterGc)],
  ['wasm linear memory', mb(ours.fast.wasmMemory), '0 (no wasm)', '—'],
  ['JS heap (after GC) + wasm memory', mb(ours.fast.jsHeapUsedAfterGc + (ours.fast.wasmMemory ?? 0)), mb(peer.fast.jsHeapUsedAfterGc), ratio(ours.fast.jsHeapUsedAfterGc + (ours.fast.wasmMemory ?? 0), peer.fast.jsHeapUsedAfterGc)],
];
const sideTable = table(['measure (median of runs)', 'ours', 'peer', 'ours / peer'], side);

// ---- as a phone feels it (slow 3G, CPU slowed 4× and 6×)
const LINK_GOAL = 1.15;
const phone = browser.phone ?? {};
const phoneRates = Object.keys(phone).sort((a, b) => a - b);
const phoneRows = phoneRates.flatMap((cpu) => {
  const p = phone[cpu];
  const linkRatio = p.link.resultsMs && p.floor.floorMs ? p.link.resultsMs / p.floor.floorMs : null;
  return [
    [`CPU ${cpu}×: first control`, ms(p.ours.interactiveMs), p.peer.interactiveMs ? ms(p.peer.interactiveMs) : `never (defined at ${ms(p.peer.definedMs)})`, '—'],
    [`CPU ${cpu}×: the engine's own question`, ms(p.ours.engineMs), '—', '—'],
    [`CPU ${cpu}×: **a link holding the answers → its results**`, `**${ms(p.link.resultsMs)}**`, '— (no such link)', '—'],
    [`CPU ${cpu}×: download floor (the link's files fetched at once)`, ms(p.floor.floorMs), '—', '—'],
    [`CPU ${cpu}×: link ÷ floor`, linkRatio === null ? '—' : `**${linkRatio.toFixed(2)}**${Number(cpu) === 4 ? ` (goal ≤ ${LINK_GOAL}: ${linkRatio <= LINK_GOAL ? 'met' : 'not met'})` : ''}`, '', ''],
  ];
});
// ---- national mode (issues 15 and #31): a folder of bundles, side by side with the département mode
const four = phone['4'];
const six = phone['6'];
const choice = browser.choice ?? null;
const index = browser.nationalIndex ?? null;
const split = browser.nationalSplit ?? null;
const typing = browser.typing ?? null;
const floorRatio = (link, floor) => (link && floor ? (link.resultsMs / floor.floorMs).toFixed(2) : "—");
const verdict = (ok) => (ok ? 'met' : '**not met**');
const nationalTable = four?.nlink && choice && split && typing
  ? `${table(['slow 3G (median of runs)', 'département mode', 'national mode', 'budget (issue #31)'], [
    ['CPU 4×: a link holding the answers → its results', ms(four.link.resultsMs), ms(four.nlink.resultsMs), ''],
    ['CPU 4×: its download floor (the same files at once)', ms(four.floor.floorMs), ms(four.nfloor.floorMs), ''],
    ['CPU 4×: link ÷ floor', floorRatio(four.link, four.floor), floorRatio(four.nlink, four.nfloor), `≤ 1.15: ${verdict(four.link.resultsMs / four.floor.floorMs <= 1.15 && four.nlink.resultsMs / four.nfloor.floorMs <= 1.15)}`],
    ['CPU 6×: link ÷ floor', floorRatio(six?.link, six?.floor), floorRatio(six?.nlink, six?.nfloor), six?.nlink ? `≤ 1.25: ${verdict(six.link.resultsMs / six.floor.floorMs <= 1.25 && six.nlink.resultsMs / six.nfloor.floorMs <= 1.25)}` : ''],
    ["CPU 4×: choosing a commune (the last step's button) → results", ms(choice.ours.ms), ms(choice.national.ms), `≤ 400 ms: ${verdict(choice.national.ms <= 400)}`],
    ['downloaded before the first results (choosing on the page)', kb(choice.ours.bytesBeforeResults), kb(choice.national.bytesBeforeResults), `≤ 1.25×: ${(choice.national.bytesBeforeResults / choice.ours.bytesBeforeResults).toFixed(2)}×, ${verdict(choice.national.bytesBeforeResults <= 1.25 * choice.ours.bytesBeforeResults)}`],
    ...Object.entries(typing).map(([cpu, t]) => [`CPU ${cpu}×: « R » then « u »: the suggestions of « ru » after the « u »`, '— (no download)', `${ms(t.ms)} (the part's round trip ${ms(t.fetchMs)})`, `≤ round trip + 100 ms: ${verdict(t.ms <= t.fetchMs + 100)}`]),
  ])}

The split index (\`aiguillage_engine::index\`, in \`national/\`): ${split.count} parts, the largest
${kb(split.largest)}, median ${kb(split.median)} brotli (${kb(split.total)} in all, never all
downloaded); the manifest \`index.json\` ${kb(split.manifest)}, the start (taxonomy, no
commune) \`start.bin\` ${kb(split.start)}. The whole index, \`index.bin\` (${kb(index.brotli)},
kept for tools), is no longer downloaded by the widget. The national link's files:
${four.nationalLinkFiles.map((f) => `\`${f}\``).join(', ')}. Choosing on the page, the files before the first results:
département mode ${choice.ours.files.length}, national mode ${choice.national.files.length}
(${choice.national.files.filter((f) => f.includes('/national/')).map((f) => `\`${f}\``).join(', ')}). Runs, last button to
results: ${choice.ours.all.map((x) => ms(x)).join(', ')} (département), ${choice.national.all.map((x) => ms(x)).join(', ')} (national);
suggestions after the second character at CPU 4×: ${typing['4'].all.map((x) => ms(x)).join(', ')} (the part: \`${typing['4'].part}\`).`
  : 'Not measured in this run (an older `browser.json`).';
const phoneTable = phoneRates.length
  ? `${table(['slow 3G + CPU slowed (median of runs)', 'ours', 'peer', ''], phoneRows)}

The link is \`${'#aiguillage=step.results~need.demarches-caf~commune.16292'}\` on the bench's host page; its
files: ${phone[phoneRates[0]].linkFiles.map((f) => `\`${f}\``).join(', ')}. The floor page fetches
exactly these at once from its own first script, in the same throttled browser. Runs per row:
${phone[phoneRates[0]].link.runs}; the link's results, run by run at CPU ${phoneRates[0]}×:
${phone[phoneRates[0]].link.resultsAll.map((x) => ms(x)).join(', ')}; the floor: ${phone[phoneRates[0]].floor.floorAll.map((x) => ms(x)).join(', ')}.`
  : 'Not measured in this run (an older `browser.json`).';

// ---- budgets
const dep1 = sizes['scale-1.bin'];
const status = (ok) => (ok ? '**met**' : '**not met**');
// Times within 15 % of their goal flip between runs on this shared machine: say so.
const timed = (value, goal) => status(value <= goal) + (Math.abs(value - goal) <= 0.15 * goal ? ' (borderline: within run-to-run noise)' : '');
const slowRatio = ours.slow.interactiveMs / peer.slow.definedMs;
const budgets = [
  ['widget code (wasm + JS + CSS), brotli', '≤ 95 KB (cap 100 KB)', `${kb(shippedBr.total)} shipped (${kb(codeBr.ours)} as served here)`, status(shippedBr.total <= 95_000)],
  ['one département\'s bundle, brotli', '≤ 25 KB', `${kb(defaultBr)} real Charente (\`default.bin\`, ${defaultActors} actors), + ${kb(textsFrBr)} for the French text pack shared by every territory; ${kb(dep1.brotli)} for 180 replicated actors`,
    defaultBr <= 25_000 && dep1.brotli <= 25_000 ? status(true) : defaultBr <= 25_000 ? '**met** for the real bundle, not for the replicated one' : status(false)],
  ['national bundle decode, wasm', '≤ 30 ms', `${ms(national?.decodeMedianMs)} with the JS package as shipped (built for speed, \`wasm-speed\`), ${ms(national?.decodeSizeProfileMs)} with the same code built as the widget is (for size); ${mb(national?.bytes)} raw, 18,000 actors, every commune`, timed(national?.decodeMedianMs ?? Infinity, 30)],
  ['slow 3G: our first interactive ÷ peer\'s definition', '≤ 0.50', `${slowRatio.toFixed(2)} (${ms(ours.slow.interactiveMs)} vs ${ms(peer.slow.definedMs)}): the loader's early question; the engine's own question at ${ms(ours.slow.engineMs)}, ratio ${(ours.slow.engineMs / peer.slow.definedMs).toFixed(2)}`, timed(slowRatio, 0.5)],
  ['`orient` p50, native, national directory', '≤ 50 µs', `${us(nativeNational / 1000)} (\`benches/orient.rs\`), ${us(nativeNationalScale / 1000)} (\`benches/scale.rs\`, same directory); criterion medians`,
    Math.min(nativeNational ?? Infinity, nativeNationalScale ?? Infinity) / 1000 <= 50 && Math.max(nativeNational ?? Infinity, nativeNationalScale ?? Infinity) / 1000 > 50
      ? '**not met** (borderline: one of the two benches is under)'
      : timed(Math.max(nativeNational ?? Infinity, nativeNationalScale ?? Infinity) / 1000, 50)],
  ['`orient` p50, wasm, national directory', '≤ 250 µs', `${us(national?.orientP50Us)} (through the JS package, ${national?.calls} calls)`, timed(national?.orientP50Us ?? Infinity, 250)],
];
const budgetTable = table(['budget (issue 6)', 'goal', 'measured', 'status'], budgets);

// ---- scale
const scaleRows = bundles.map((b) => {
  const s = sizes[b.file];
  const e = engine[b.file];
  const orientNs = criterion(`scale/orient ${b.scale}`);
  const decodeNs = criterion(`scale/decode ${b.scale}`);
  return [
    b.scale === '100' ? '~100 (France)' : b.scale,
    b.actors.toLocaleString('en'), b.communes.toLocaleString('en'),
    kb(s.raw), kb(s.brotli), kb(s.gzip),
    decodeNs === null ? '—' : ms(decodeNs / 1e6), ms(e?.decodeMedianMs),
    orientNs === null ? '—' : us(orientNs / 1000), `${us(e?.orientP50Us)} (p90 ${us(e?.orientP90Us)})`,
  ];
});
const scaleTable = table(['départements\' worth', 'actors', 'communes', 'bundle raw', 'brotli', 'gzip', 'decode native', 'decode wasm', 'orient native', 'orient wasm p50'], scaleRows);

const scaleNotes = (() => {
  const lines = bundles.map((b) => {
    const communes = b.communes_only_bytes - b.fixed_bytes;
    const actors = b.bytes - b.communes_only_bytes;
    return `- ${b.scale === '100' ? 'France' : `${b.scale} département(s)`}: ${kb(b.bytes)} raw = ${kb(b.fixed_bytes)} taxonomy codes and rules + ${kb(communes)} for ${b.communes.toLocaleString('en')} communes (${Math.round((100 * communes) / b.bytes)} %) + ${kb(actors)} for ${b.actors.toLocaleString('en')} actors (${Math.round((100 * actors) / b.bytes)} %).`;
  });
  const first = criterion('scale/orient 1');
  const last = criterion('scale/orient 100');
  const growth = first && last ? `Natively, \`orient\` takes ${(last / first).toFixed(1)}× longer for 100× the actors and ${Math.round(bundles.at(-1).communes / bundles[0].communes)}× the communes.` : '';
  const nativeDecode = criterion('scale/decode 100');
  const wasmDecode = engine['scale-100.bin']?.decodeMedianMs;
  const decodeNote = nativeDecode && wasmDecode && nativeDecode / 1e6 >= 0.9 * wasmDecode
    ? `\n\nThe native national decode (${ms(nativeDecode / 1e6)}) is about as slow as, or slower than, the wasm one (${ms(wasmDecode)}) here. Not investigated; one possible cause is the native allocator handing freed memory back to the system between decodes, so that each decode faults fresh pages in, while the wasm linear memory stays mapped.`
    : '';
  return `Where the bytes go (each bundle re-encoded by the example without its actors, and with neither communes nor actors; the words are not in bundles but in the per-language text packs):\n\n${lines.join('\n')}\n\n${growth}${decodeNote}`;
})();

// ---- wasm engine details
const engineRows = browser.engine.map((e) => [
  e.label, `\`${e.file}\``, kb(e.bytes), ms(e.decodeMedianMs), ms(e.decodeMs?.[0]), ms(e.decodeSizeProfileMs), us(e.orientP50Us), us(e.orientP90Us), us(e.orientP99Us), us(e.orientMeanUs), `${e.errors}`, e.meanResults.toFixed(1),
]);
const engineTable = table(['bundle', 'file', 'raw', 'decode (median of 9)', 'first decode', 'decode, size profile', 'orient p50', 'p90', 'p99', 'mean', 'errors', 'results / call'], engineRows);

// ---- bytes file by file
const fileRows = (kind) => {
  const gz = Object.fromEntries((browser.resourcesGzip?.[kind] ?? []).map((r) => [r.url, r]));
  return browser.resources[kind].map((r) => {
    const path = r.url.replace(/^https?:\/\/127\.0\.0\.1:\d+\/br/, '');
    const g = gz[r.url.replace('/br/', '/gzip/')];
    return [`\`${path.length > 90 ? `${path.slice(0, 87)}…` : path}\``, r.category, r.local ? kb(r.decoded) : 'failed', r.local ? kb(r.encoded) : '—', g?.local ? kb(g.encoded) : '—'];
  });
};
const filesTable = (kind) => table(['request', 'kind', 'uncompressed', 'brotli', 'gzip'], fileRows(kind));

// ---- slow-3G waterfall of the first slow runs
const shortName = (url) => url.replace(/^https?:\/\/127\.0\.0\.1:\d+\/br/, '');
const waterfallRows = (kind) => (browser.resourcesSlow?.[kind] ?? []).map((r) => [`\`${r.url.replace(/^https?:\/\/127\.0\.0\.1:\d+\/br/, '')}\``, r.local ? kb(r.encoded) : 'failed', ms(r.start), ms(r.end)]);
const waterfallTable = (kind) => table([`request (${kind}, first slow-3G run)`, 'bytes on the wire', 'start', 'response end'], waterfallRows(kind));
// Sequential steps: a request opens a new step when it starts only after everything before it arrived.
const steps = (kind) => {
  const local = (browser.resourcesSlow?.[kind] ?? []).filter((r) => r.local).sort((a, b) => a.start - b.start);
  const out = [];
  let arrived = -1;
  for (const r of local) {
    if (!out.length || r.start >= arrived - 1) out.push([]);
    out.at(-1).push(r);
    arrived = Math.max(arrived, r.end);
  }
  return out;
};
const describeSteps = (kind) => steps(kind).map((step) => step.map((r) => `\`${shortName(r.url).split('/').filter(Boolean).pop() ?? '/'}\``).join(' + ')).join(' → ');
const stepCount = (kind) => steps(kind).length;

// ---- the peer's behaviour
const uniqueFailed = [...new Map((browser.peerFailed ?? []).map((f) => [f.url, f])).values()];
const peerFailedList = uniqueFailed.map((f) => `  - \`${f.url}\` — ${f.error}`).join('\n') || '  - none';
const peerProblems = (browser.peerProblems ?? []).map((p) => `  - \`${p.replace(/`/g, "'")}\``).join('\n') || '  - none';
const look = browser.peerLook ?? {};
const peerBlank = !look.text && !look.controls;
const peerText = peerBlank
  ? `It stays **blank**: after definition the element holds ${look.elements} elements, no text and no control (box ${look.box?.width}×${look.box?.height} px, white — screenshots \`target/bench/peer-unthrottled.png\`, \`target/bench/peer-slow3g.png\`).`
  : `It rendered ${look.elements} elements, ${look.controls} controls, text: “${look.text}”.`;

// ---- per-run times, for the record
const runsList = (page) => page.definedAll.map((d, i) => [d, page.interactiveAll[i], page.engineAll?.[i]].filter((t) => t != null).map((t) => Math.round(t)).join(' / ') || '—').join(', ');

const commands = [
  'cargo xtask bench [--runs N]           # all of the below (N ≥ 5, default 5), then writes this file',
  '',
  '# the same, step by step:',
  'cargo xtask dist                                              # widget, default bundle, engine JS package',
  'cargo run --release -p aiguillage-bench --example national_bundle   # target/bench/{scale-1,scale-10,scale-100,national}.bin',
  'cargo bench -p aiguillage-bench --bench orient --bench scale         # native criterion numbers',
  'npm install --no-save --no-package-lock --prefix target/bench/peer @gouvfr-anct/cartographie-nationale@5.22.0',
  '(cd tests && BENCH_RUNS=5 node bench/measure.mjs)            # headless Chromium: both widgets, wasm engine',
  '(cd tests && node bench/report.mjs)                          # prints the tables, writes docs/PERFORMANCE.md',
  '',
  '# the size check (part of cargo xtask test):',
  '(cd tests && node --test node/size.test.mjs)',
].join('\n');

// What each change of the second round cost (hand-written in docs/PERFORMANCE.md between the
// two markers): carried over as it is, so that a bench run never erases it.
const HAND_START = '<!-- hand-written: kept as it is by tests/bench/report.mjs -->';
const HAND_END = '<!-- end of hand-written -->';
const previous = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '';
const handWritten = previous.includes(HAND_START) && previous.includes(HAND_END)
  ? `${previous.slice(previous.indexOf(HAND_START), previous.indexOf(HAND_END) + HAND_END.length)}\n\n`
  : '';
const doc = `# Performance and size

Measured side by side with the national peer, as issue 6 asks. **Every figure below comes from one
run of \`cargo xtask bench\`** on ${date}; rerun the command to refresh them (this file is written
by \`tests/bench/report.mjs\`; edit the text there, not here).

- Machine: ${machine}.
- Load average (1 / 5 / 15 min): ${loadNative}; ${load}. The machine is
  shared with other sessions' builds and tests (2 cores), so the times are noisy — compare the two runs of the same national \`orient\` below; sizes are
  exact and do not depend on the machine.${elapsed ? `\n- This run of \`cargo xtask bench\` took ${elapsed}, compilation included.` : ''}
- The tables without "CPU" in their rows run at this server core's speed; "As a phone feels it"
  slows the CPU 4× and 6× (Chromium's emulation), as an entry-level phone would be.
- KB = 1,000 bytes, MB = 1,000,000 bytes. Times are medians of ${browser.runs} runs unless said otherwise.

## Commands

\`\`\`sh
${commands}
\`\`\`

## Status against the budgets of issue 6

${budgetTable}

${handWritten}What the widget code is made of (brotli, as shipped): the loader ${kb(parts.loader)} (it carries
the word « loading » in three languages; the early question comes with the stylesheet), the stylesheet ${kb(parts.css)}, the wasm-bindgen
glue ${kb(parts.glue)} and the wasm ${kb(parts.wasm)}. ${floor ? `Yew alone, the smallest Yew
0.23 application (one component, one button: \`xtask/yew-floor\`) built and bound exactly as the
widget is, weighs **${kb(floorTotal)}** (wasm ${kb(floor.wasm_brotli)}, glue ${kb(floor.glue_brotli)}):
the 95 KB aim leaves ${kb(95_000 - floorTotal)} for the loader, the stylesheet and everything that is
ours (the engine's decoder, ranking, hours and wording; two components, the screen that holds
the answers' reducer and the commune search with its own, and the functions that draw each
view), which take
${kb(shippedBr.total - floorTotal)} today.` : '(Yew\'s floor was not built in this run.)'}

Size levers of 2026-11-30 (111.9 KB → 89.7 KB; each measured on the widget's code, brotli,
with \`cargo xtask dist\` before and after it, in the order they landed): short names between the
wasm module and its glue (imports, exports, import module; \`xtask/src/short_names.rs\`), −3.4 KB;
the loader and the glue minified by oxc, −2.8 KB; the stylesheet without comments and spare
whitespace, −0.5 KB; no dynamic \`class\` attribute (the mode and the step are data attributes), so
Yew's \`Classes\` set (indexmap and hashing) is not compiled in, −2.8 KB; no sort, join, substring
search or char-pattern split in the browser path (the directory's grid is built by
search-and-insert, text is cut at ASCII bytes by \`engine::ascii\`), −3.3 KB in all; one component
only, the screen that holds the reducer: the result card, the situation fields, the desk, the
resident flow, the commune picker and the results are functions of it, and what they kept in
hooks (what is typed, the "copied" mark, the live region's text, the question's \`NodeRef\`, what
was last announced) is in its reducer, −6.5 KB in all (each component costs about 2 KB of Yew's
machinery, raw, each hook type about 1 KB); the loader hands the data and the words over as
bytes with the engine, so the widget awaits no promise (no \`wasm-bindgen-futures\`), −1.7 KB;
without data, the message and the national contacts are HTML (now written from the language
pack, which carries the contacts) instead of a component, −1.0 KB; \`mount\` returns a closure rather than a class, and the glue
drops the synchronous initialisation nobody calls, −0.2 KB; the same markup drawn once
(choices, contacts, new-tab links, need options), effects merged, postal codes and the clock
read without generic collection or \`replacen\`, −1.5 KB. Tried and not kept:
\`-Zmerge-functions=trampolines\` (+0.2 KB); a decoder of actors with \`?\` on each field instead of
recording the row's first error (+0.3 KB); one optional-attribute link helper for every contact
(+1.8 KB: Yew's optional attributes cost more than plain ones); npm \`binaryen\`'s \`wasm-opt
-Oz\` and \`-Os\` on today's wasm (+2.3 % and +2.0 % brotli); removing \`core::fmt\` was estimated
with \`twiggy dominators\` at under 1.5 KB raw, and Yew's panic hook would keep it.

Earlier size levers, in order of effect: Yew's
\`tracing\` events compiled out (\`max_level_off\`), −9.8 KB; the standard library rebuilt with
panics that abort at once, no source locations and no \`Debug\` output (\`-Zbuild-std\`,
\`-Cpanic=immediate-abort\`, \`-Zlocation-detail=none\`, \`-Zfmt-debug=none\`, see
\`xtask/src/steps.rs\`), −10.8 KB; no sort and no B-tree in the engine's browser path (top-k
insertion, a sorted wording list, bundles that keep communes in order), −6.3 KB; Talc as the
allocator instead of dlmalloc, −1.8 KB (the engine's JS package keeps dlmalloc: with Talc its
national decode was about 10 % slower); before that,
opt-level "z", LTO, one codegen unit, panic abort, \`--remove-name-section\`, no serde in the
widget. Tried and not kept: opt-level "s" (+5.8 KB); npm \`binaryen\` 132's \`wasm-opt -Oz\`
(smaller raw file, but +2.6 % brotli) and \`-O1\` (−0.9 %, not worth a 10 MB tool in the build).

The deterministic size check in the tests (\`tests/node/size.test.mjs\`, run by \`cargo xtask
test\`) fails above **${kb(limitCode)}** of widget code and above **${kb(limitBundle)}** for the
default bundle (brotli). ${limitCode > 95_000 ? `The code limit is the third round's cap (100 KB, issue #28: room for clarity rather than bargaining over bytes); 95 KB is the aim.` : 'The code limit is the goal.'} ${limitBundle > 25_000 ? 'The bundle limit is above the 25 KB goal (a regression guard only).' : 'The bundle limit is the 25 KB goal itself.'}

## Side by side with the national peer

Both served by the same local Node server (\`tests/bench/server.mjs\`) with the same compression
(brotli quality 11 window 22, gzip level 9, negotiated with \`Accept-Encoding\`, answered with
\`Content-Encoding\`), each on a minimal host page: ours is \`<script type="module"
src="…/aiguillage.js">\` plus \`<aiguillage-orientation>\`; the peer's is the page of its README
(“Utiliser seulement l'orientation”: \`styles.css\`, \`orientation.js\`,
\`<fr-mediation-numerique-orientation>\`). Headless Chromium, phone viewport 412×915, a fresh browser
context per run, cache disabled; slow 3G = CDP \`Network.emulateNetworkConditions\` at 400 kbit/s
down and up with 400 ms RTT. Times are from navigation start, read in the page with
\`performance.now()\`.

${sideTable}

Per run (ms, \`whenDefined\` / first interactive control / for ours, the engine's own question):
ours unthrottled ${runsList(ours.fast)}; peer unthrottled ${runsList(peer.fast)};
ours slow 3G ${runsList(ours.slow)}; peer slow 3G ${runsList(peer.slow)}.

What the columns mean:
- **code** sums the \`encodedBodySize\` (body bytes on the wire, Resource Timing) of the \`.js\`,
  \`.wasm\` and \`.css\` requests; **data** of the \`.bin\` / \`.json\` / API requests. The shipped
  \`.br\` files of \`cargo xtask dist\` (Rust brotli) total ${kb(shippedBr.total)} for our code
  (gzip ${kb(shippedGz.total)}); the bench server's Node brotli gives ${kb(codeBr.ours)}.
- **\`whenDefined\`**: \`customElements.whenDefined(tag)\` resolved. Ours is defined by the small
  loader (with its glue) before the wasm is even requested; the peer calls \`customElements.define\`
  from its Angular module's constructor, so only once its whole 0.9 MB script has arrived, been
  parsed and bootstrapped. Hence the budget compares our *first interactive control* with the
  peer's mere *definition*.
- **first interactive control**: for ours, the first need button (\`button[data-need]\`) present,
  enabled and visible in the shadow root (a MutationObserver plus a 10 ms poll). That is the
  loader's *early question*: the engine's need question rendered at build time, drawn by the loader, styled
  once the stylesheet has loaded, while the engine downloads; a need (and the senior entry)
  chosen there is kept and the engine opens the next step when it arrives (browser test
  \`tests/browser/early.test.mjs\`). **the engine's own question** is the same question drawn by
  the wasm, once the glue, the wasm, the data bundle and the text pack have arrived and been
  decoded: from then on every step answers at once. For the peer, any button, link or field
  inside its element: none ever appears.
- **memory**, after the first render has settled (network quiet): \`JSHeapUsedSize\` from CDP
  \`Performance.getMetrics\`, then after \`HeapProfiler.collectGarbage\` the \`usedSize\` of
  \`Runtime.getHeapUsage\`; our wasm linear memory is \`memory.buffer.byteLength\` of the widget's
  instance, reached by importing the same hashed glue module and calling its init function, which
  returns the existing exports. It is the committed linear memory (64 KiB pages), not a GC'd figure.

## As a phone feels it: slow 3G and a slower CPU

Chromium's CPU throttling (CDP \`Emulation.setCPUThrottlingRate\`) with the same slow 3G (400 kbit/s,
400 ms RTT), for a resident's phone: an entry-level one is about 4× to 6× slower than this core.

${phoneTable}

## National mode: one widget across départements

The same page on a folder of bundles (\`data-src="…/national/"\`, made by \`aiguillage bundle
--territory all --out-dir\` from the national France Services list and the other shipped sources),
side by side with the département mode (\`data/default.bin\`, Charente), slow 3G, CPU 4× and 6×.

${nationalTable}

## What the peer did

\`@gouvfr-anct/cartographie-nationale@5.22.0\` from npm (installed into \`target/bench/peer\`, never
committed). The package holds \`orientation.js\` (${kb(peer.fast.bytes.codeDecoded - (browser.resources.peer.find((r) => r.url.endsWith('styles.css'))?.decoded ?? 0))}, an
Angular Elements bundle that calls \`customElements.define("fr-mediation-numerique-orientation", …)\`)
and \`styles.css\` (${kb(browser.resources.peer.find((r) => r.url.endsWith('styles.css'))?.decoded)}) at its root, beside \`cartographie.js\`,
\`mediation-numerique.js\`, \`coordinateurs.js\` and an \`assets/\` folder (fonts, images, sample
data). Both files hard-code their assets and data elsewhere: the fonts and illustrations at
\`https://cdn.jsdelivr.net/npm/@gouvfr-anct/cartographie-nationale@5.20.0/assets\` (sic, 5.20.0), the
places at \`https://www.data.gouv.fr/fr/datasets/r/bdfef095-…\` (the national “lieux de médiation
numérique” export), addresses at \`api-adresse.data.gouv.fr\`.

Tried as a new user would (the README's page, nothing configured), with only localhost reachable
(every other host resolves to nothing through \`--host-resolver-rules\`, so each attempt fails at
once instead of hanging):

- it is defined after ${ms(peer.fast.definedMs)} unthrottled, ${ms(peer.slow.definedMs)} on slow 3G;
- it requests, and fails to get:
${peerFailedList}
- it logs:
${peerProblems}
- ${peerText}

So what can be compared is its code size, its time to definition and its memory before data; its
data size and its time to a usable control cannot be measured here (with network access it would
also download its fonts and the national export, so the comparison above flatters the peer).

## Bytes, file by file (first unthrottled run)

Ours:

${filesTable('ours')}

Peer:

${filesTable('peer')}

## Where our slow-3G time goes

${waterfallTable('ours')}

${waterfallTable('peer')}

Sequential steps (a step starts only once everything before it has arrived): ours
${stepCount('ours')} — ${describeSteps('ours')}; the peer ${stepCount('peer')} — ${describeSteps('peer')}.
Each step costs at least a 400 ms round trip, on top of moving our
${kb(codeBr.ours + ours.fast.bytes.data + ours.fast.bytes.texts)} at 50 KB/s
(${ms((codeBr.ours + ours.fast.bytes.data + ours.fast.bytes.texts) / 50)} for the bytes alone).
Arithmetic for the goal (ignoring TCP slow start and CPU time): half the peer's definition is
${ms(peer.slow.definedMs / 2)}; even with everything requested right after the page (2 round trips,
800 ms), code, words and data together would have to fall under about
${kb(Math.max(0, (peer.slow.definedMs / 2 - 800) * 50))}. The lever left is bytes — the wasm above all,
${kb(browser.resources.ours.find((r) => r.url.endsWith('.wasm'))?.encoded)} of the
${kb(codeBr.ours)} of code (the levers applied are listed above; what is left is spread thin:
twiggy shows no single item above 7 KB raw).

## The engine at national size (wasm, in Chromium)

The engine's JS package (\`target/dist/engine-js/web\`: \`new Engine(bytes)\`, \`engine.orient({...})\`),
as shipped: built in the \`wasm-speed\` profile (opt-level 3, since its users load national
directories and its bytes are not on a resident's phone). The column *decode, size profile* is the
same package built in the widget's \`wasm-release\` profile (opt-level "z", \`target/bench/engine-js-size\`):
what decoding costs inside the widget. Each in a cross-origin-isolated page (so \`performance.now()\` has 5 µs resolution), one fresh page per
bundle: \`new Engine(bytes)\` timed 9 times (median; the column *first decode* is the first of
the nine, in a fresh instance: the code not yet optimised by the browser, the memory not yet
grown, what a page pays once), then 200 warm-up calls and ${national?.calls ?? 1000}
timed calls of \`orient\` with varied queries — 1,000 different (commune, need, autonomy) triples per
bundle, communes spread over its grid, the seven top needs of the criterion benches, every
autonomy, \`at = ${bundles[0].at}\`. Each call goes through the package's JSON query and JSON
result, explanations included, so it bounds the engine's own \`orient\` from above. The p99
column is dominated by rare pauses (allocation, memory growth, the other processes on the machine).

${engineTable}

What made the national decode faster (from 77 ms in the run of 2026-11-30 01:23 UTC, same
command): the JS package built for speed (\`wasm-speed\`: about 40 % less on its own, see the
size-profile column); the bundle format's columns carry their lengths, so that each actor and
commune is built at once rather than revisited once per column; the texts of a column are checked
as UTF-8 once; codes, commune names and phone numbers are \`CompactStr\`s, kept inline up to the
size of a \`String\` (a third fewer allocations); an actor's commune is stored as a position, so the
decoder looks nothing up; commune names are folded for the search on the first search, not at
decode; EPCIs are found by number. The price is in the widget: its wasm grew by about 4 KB brotli
(96.1 KB before), which is the decoder's code for all of this.

## Scale

Real actors of \`data/real\` (Charente, Nouvelle-Aquitaine advisers, Auvergne-Rhône-Alpes) replicated
onto the real commune grid (COG 2026): each copy keeps a real actor's services, modes, publics and
hours and is moved to another commune's centre (a prime stride over the communes). 1 département =
180 actors over Charente's communes; 10 = 1,800 over ten Nouvelle-Aquitaine départements (16, 17,
19, 23, 24, 33, 40, 47, 64, 79); ~100 = 18,000 over every commune of France (\`national.bin\`: the
format is per territory, but nothing stops a bundle from holding every commune). Generated by
\`bench/examples/national_bundle.rs\`; bundle sizes compressed as \`cargo xtask dist\` does. Native
figures are criterion medians (\`bench/benches/scale.rs\`; the median of per-sample means; each
decoded bundle is freed outside the timing before the next decode, as in the browser), wasm figures
come from the browser loop above.

${scaleTable}

${scaleNotes}

## What could not be measured, and why

- **The peer's data bytes and its time to a usable control**: it needs its national API and a
  CDN, out of reach here; it stays blank (above). Its fonts (Lato from jsDelivr) are not counted
  either.
- **\`orient\` inside the widget itself**: the widget's wasm exports no timing hook, so the wasm
  figures come from the engine's JS package, same engine, plus JSON in and out.
- **Memory of the peer after data** and of ours after results: measured after the first screen only.
- **Per-call native p50**: criterion reports the median of sample means (each sample averages
  thousands of calls); that is what the native column shows.
- **A real phone**: the CPU is slowed by Chromium's emulation, not measured on a phone; a real
  one also has its own memory and thermal limits.
`;

writeFileSync(DOC, doc);

// ---- stdout: the tables
console.log(`\nAiguillage vs the national peer — ${date} — ${machine}\nload ${load}\n`);
console.log(sideTable);
console.log('\nBudgets (issue 6)\n');
console.log(budgetTable);
console.log('\nScale\n');
console.log(scaleTable);
console.log('\nwasm engine (JS package) in Chromium\n');
console.log(engineTable);
console.log(`\nThe peer: ${peerText.replace(/\*\*/g, '')}`);
console.log(`\nwrote ${DOC}`);
