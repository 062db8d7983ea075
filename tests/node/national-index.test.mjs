// The national commune index split by what is typed (issue #31): for every text of one or two
// letters, and some longer ones and digits, the one part the loader picks (`partFile` of
// widget/static/national.js, the manifest written by aiguillage_engine::index) suggests what the
// whole index would: the same communes in the same order. Both searched with the engine's own
// JavaScript package, on the national folder `cargo xtask dist` builds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { partFile } from '../../widget/static/national.js';

const require = createRequire(import.meta.url);
const dist = new URL('../../target/dist/', import.meta.url);
const { Engine } = require(new URL('engine-js/node/aiguillage_engine_js.js', dist).pathname);
const widgetDir = new URL('widget/', dist);
const folder = new URL('widget/national/', dist);
const texts = readFileSync(new URL(readdirSync(widgetDir).find((name) => /^texts\.fr\.[0-9a-f]{16}\.bin$/.test(name)), widgetDir));
const manifest = JSON.parse(readFileSync(new URL('index.json', folder), 'utf8'));

const letters = 'abcdefghijklmnopqrstuvwxyz'.split('');
// Searched texts as the engine writes them (`territory::searched`): folded, one space between
// words (« st » alone reads « saint », so it is not one).
const searched = [
  ...letters,
  ...letters.flatMap((a) => letters.map((b) => a + b)).filter((text) => text !== 'st'),
  'sai', 'sain', 'saint', 'saint d', 'saint de', 'saint denis', 'sainte m', 'sainte marie', 'la r', 'le p', 'les m', 'ruf', 'ruffec', 'strasbourg', 'denis', 'marie', 'sur mer',
  '1', '16', '167', '16700', '6', '67', '67000', '9', '97', '974', '97411', '2', '20', '201', '75', '75001', '750', '99999', '0',
];

test('each searched text gets from its one part the suggestions of the whole index', { timeout: 600_000 }, () => {
  const whole = new Engine(readFileSync(new URL('index.bin', folder)), texts);
  const parts = new Map();
  const part = (file) => {
    if (!parts.has(file)) parts.set(file, new Engine(readFileSync(new URL(file, folder)), texts));
    return parts.get(file);
  };
  let compared = 0;
  for (const text of searched) {
    const expected = whole.searchCommunes(text, 50).map((c) => c.insee);
    const file = partFile(manifest, text);
    const found = file ? part(file).searchCommunes(text, 50).map((c) => c.insee) : [];
    assert.deepEqual(found, expected, `« ${text} »: part ${file}`);
    compared += expected.length;
  }
  assert.ok(compared > 10_000, `${compared} suggestions compared`);
});

test('the split is made of small files: no part is over 6 KB brotli, the manifest under 4 KB', () => {
  const size = (path) => statSync(new URL(`${path}.br`, folder)).size;
  const files = readdirSync(new URL('index/', folder)).filter((name) => name.endsWith('.bin'));
  assert.equal(files.length, manifest.complete.length + manifest.top.length);
  const largest = Math.max(...files.map((name) => size(`index/${name}`)));
  assert.ok(largest <= 6000, `the largest part is ${largest} bytes brotli`);
  assert.ok(size('index.json') <= 4000, `index.json is ${size('index.json')} bytes brotli`);
});
