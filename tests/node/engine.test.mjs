// The engine's JavaScript package (wasm, Node target) on the real default territory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const dist = new URL('../../target/dist/', import.meta.url);
const { Engine } = require(new URL('engine-js/node/aiguillage_engine_js.js', dist).pathname);
const bundle = readFileSync(new URL('widget/data/default.bin', dist));
// The language packs carry hashed names: find the French one beside the loader.
const widgetDir = new URL('widget/', dist);
const pack = (lang) => readFileSync(new URL(readdirSync(widgetDir).find((name) => new RegExp(`^texts\\.${lang}\\.[0-9a-f]{16}\\.bin$`).test(name)), widgetDir));
const texts = pack('fr');

test('orient ranks real Charente actors with reasons, from JavaScript', () => {
  const engine = new Engine(bundle, texts);
  const result = engine.orient({ commune: '16292', need: 'demarches-impots', autonomy: 'for-me', at: '2026-12-01T10:00', limit: 3 });
  assert.equal(result.commune, '16292');
  assert.equal(result.recommendations.length, 3);
  for (const rec of result.recommendations) {
    assert.equal(typeof rec.id, 'string');
    assert.ok(rec.reasons.length >= 1);
    assert.ok(rec.distance_km === null || typeof rec.distance_km === 'number');
    assert.ok([true, false, null].includes(rec.open_now));
  }
  assert.match(result.recommendations[0].reasons[0], /Impôts/);
  assert.ok(result.fallbacks.some((f) => f.name === 'France Services'));
  const communes = engine.searchCommunes('Ruffec', 3);
  assert.equal(communes[0].insee, '16292');
  assert.equal(engine.needs('fr').find((n) => n.code === 'emploi').label, "Recherche d'emploi");
  assert.equal(engine.needs('en').find((n) => n.code === 'emploi').label, '', 'English words come with the English pack');
  engine.addTexts(pack('en'));
  assert.ok(engine.needs('en').find((n) => n.code === 'emploi').label.length > 0);
  const english = engine.orient({ commune: '16292', need: 'emploi', at: '2026-12-01T10:00', lang: 'en', limit: 1 });
  assert.match(english.recommendations[0].reasons[0], /^Helps with: /);
});

test('bad queries throw errors that say what was expected', () => {
  const engine = new Engine(bundle, texts);
  assert.throws(() => engine.orient({ commune: '99999', need: 'demarches', at: '2026-12-01T10:00' }), /unknown commune `99999`/);
  assert.throws(() => engine.orient({ commune: '16292', need: 'cuisine', at: '2026-12-01T10:00' }), /unknown need `cuisine`: expected one of demarches/);
  assert.throws(() => engine.orient({ commune: '16292', need: 'demarches', at: 'demain' }), /expected YYYY-MM-DDTHH:MM/);
  assert.throws(() => engine.orient({ commune: '16292', need: 'demarches', at: '2026-12-01T10:00', colour: 'red' }), /unknown field `colour`/);
  assert.throws(() => new Engine(new Uint8Array([1, 2, 3]), texts), /not an Aiguillage data bundle/);
  assert.throws(() => new Engine(bundle, bundle), /not an Aiguillage text pack/);
});

test('every need gets an answer from the shipped bundle, as in the CLI (issue 8)', () => {
  const engine = new Engine(bundle, texts);
  const at = '2026-12-08T10:00';
  const business = engine.orient({ commune: '16102', need: 'entreprise', at });
  assert.match(business.recommendations[0].name, /Chambre de (commerce|métiers)/);
  assert.deepEqual(
    business.fallbacks.slice(0, 4).map((f) => f.code),
    ['guichet-unique-entreprises', 'chambres-cci', 'chambres-cma', 'conseillers-entreprises'],
    'the need\'s own national contacts first: creating, then existing firms (issue #27)',
  );
  const safety = engine.orient({ commune: '16292', need: 'securite', at });
  assert.deepEqual(safety.fallbacks.slice(0, 2).map((f) => f.code), ['17cyber', 'cybermalveillance']);
  // Oradour-Fanais, on the border with Vienne: the place across it is nearer than Confolens.
  const border = engine.orient({ commune: '16249', need: 'bases-numeriques', at });
  const across = border.recommendations.find((r) => r.locality === 'elsewhere');
  assert.ok(across, 'a place across the border');
  const inside = border.recommendations.filter((r) => r.locality !== 'elsewhere').map((r) => r.distance_km);
  assert.ok(across.distance_km < Math.min(...inside), `${across.distance_km} km against ${inside}`);
  assert.ok(across.reasons.includes('Hors de votre département'));
});

test('each commune keeps its own holidays and clock, from JavaScript', () => {
  // The two test places of tests/fixtures/lieux-metz-saint-denis.toml, bundled by the CLI.
  const root = new URL('../../', import.meta.url).pathname;
  const dir = mkdtempSync(join(tmpdir(), 'aiguillage-engine-calendars-'));
  execFileSync(join(root, 'target/release/aiguillage'), ['bundle', '--data', join(root, 'tests/fixtures/lieux-metz-saint-denis.toml'), '--territory', '57,974', '--from', '2026-12-01', '--out', join(dir, 'test.bin')], { cwd: root, stdio: 'pipe' });
  const engine = new Engine(readFileSync(join(dir, 'test.bin')), texts);
  const first = (commune, at) => engine.orient({ commune, need: 'demarches', at, limit: 1 });

  assert.equal(engine.timeZone('97411'), 'Indian/Reunion');
  assert.equal(engine.timeZone('57463'), 'Europe/Paris');
  // 2027-12-20 06:00 UTC: 10:00 in Saint-Denis (UTC+4), 07:00 in Metz.
  const instant = Date.UTC(2027, 11, 20, 6, 0);
  assert.equal(engine.localTime('97411', instant), '2027-12-20T10:00');
  assert.equal(engine.localTime('57463', instant), '2027-12-20T07:00');

  const abolition = first('97411', '2027-12-20T10:00');
  assert.equal(abolition.time_zone, 'Indian/Reunion');
  assert.equal(abolition.recommendations[0].id, 'saint-denis');
  assert.equal(abolition.recommendations[0].open_now, false, 'La Réunion keeps 20 December');
  assert.equal(abolition.recommendations[0].next_opening, '2027-12-21T09:00');
  assert.equal(first('97411', '2027-12-17T10:00').recommendations[0].open_now, true, 'the Friday before');
  const goodFriday = first('57463', '2027-03-26T10:00');
  assert.equal(goodFriday.recommendations[0].open_now, false, 'Metz keeps Good Friday');
  assert.equal(goodFriday.recommendations[0].next_opening, '2027-03-30T09:00', 'after Easter Monday');
  assert.equal(first('57463', '2027-03-25T10:00').recommendations[0].open_now, true);
});
