// Deterministic size check of what `cargo xtask dist` ships (brotli copies in target/dist/widget).
//
// Issue 6's budgets: widget code (JS + wasm + CSS, brotli) ≤ 90 KB; one département's data bundle
// ≤ 25 KB brotli. Both are met (code 89.95 KB on 2026-11-30, down from 111.9 KB that morning;
// Charente's bundle 20.0 KB), so both limits ARE the goals: the tests fail above them. The code
// has little room left under its limit: see docs/PERFORMANCE.md for where the bytes go.
// KB = 1,000 bytes. Docs/PERFORMANCE.md reads the LIMIT_* lines below: keep their form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const WIDGET = fileURLToPath(new URL('../../target/dist/widget/', import.meta.url));
const KB = 1000;

// The goals: below 90 KB of code is still the aim; the cap is 95 KB for everything the second
// round adds (statistics, iframe, sharing, map, national mode). Charente's bundle goal is 25 KB.
const GOAL_CODE = 90 * KB;
const GOAL_BUNDLE = 25 * KB;
// What is enforced: the code cap, and the bundle goal.
const LIMIT_CODE = 95 * KB;
const LIMIT_BUNDLE = 25 * KB;

const brotliSize = (name) => statSync(join(WIDGET, name)).size;

function codeFiles() {
  // The loader, the hashed glue, the hashed wasm and the hashed stylesheet: what every visit loads.
  return readdirSync(WIDGET).filter((name) => /\.(js|wasm|css)\.br$/.test(name));
}

test('the widget code (JS + wasm + CSS, brotli) stays under its regression limit', () => {
  const files = codeFiles();
  for (const kind of ['js', 'wasm', 'css']) {
    assert.ok(files.some((f) => f.endsWith(`.${kind}.br`)), `a .${kind}.br file in ${WIDGET} (run cargo xtask dist)`);
  }
  const total = files.reduce((sum, name) => sum + brotliSize(name), 0);
  const detail = files.map((f) => `${f} ${brotliSize(f)}`).join(', ');
  if (total > GOAL_CODE) {
    console.log(`size: widget code ${total} bytes brotli; issue 6 goal ${GOAL_CODE} NOT MET (${detail})`);
  }
  assert.ok(total <= LIMIT_CODE, `widget code is ${total} bytes brotli, over the regression limit ${LIMIT_CODE} (goal ${GOAL_CODE}): ${detail}`);
});

test('the default département bundle (brotli) stays within the 25 KB budget', () => {
  const size = brotliSize('data/default.bin.br');
  assert.ok(size <= LIMIT_BUNDLE, `data/default.bin.br is ${size} bytes, over the limit ${LIMIT_BUNDLE} (goal ${GOAL_BUNDLE})`);
});

// A language pack: the words of one language, loaded beside the bundle and shared by every
// territory. What a resident downloads in all is the bundle plus one pack.
// 6 KB since the national contacts per need (sixteen contacts, each with a text): about 0.6 KB
// brotli per pack (docs/PERFORMANCE.md).
const LIMIT_TEXTS = 6 * KB;

test('each language pack (brotli) stays under 6 KB', () => {
  const packs = readdirSync(WIDGET).filter((name) => /^texts\..*\.bin\.br$/.test(name));
  assert.equal(packs.length, 3, `three language packs (fr, fr-falc, en) in ${WIDGET}: ${packs}`);
  for (const pack of packs) {
    assert.ok(brotliSize(pack) <= LIMIT_TEXTS, `${pack} is ${brotliSize(pack)} bytes, over ${LIMIT_TEXTS}`);
  }
});
