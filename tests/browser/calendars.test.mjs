// Calendars by commune (issue 15) in the widget, with the browser's clock fixed: a resident of
// La Réunion reads opening hours on La Réunion's clock and holidays, a resident of Metz on
// Alsace-Moselle's. The places (tests/fixtures/lieux-metz-saint-denis.toml) are bundled by the
// real CLI and served in place of the demo's bundle.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openPage, BASE_URL } from './support.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const widget = 'aiguillage-orientation';
let browser;
let bundle;

before(async () => {
  browser = await launch();
  const dir = mkdtempSync(join(tmpdir(), 'aiguillage-calendars-'));
  execFileSync(join(ROOT, 'target/release/aiguillage'), ['bundle', '--data', join(ROOT, 'tests/fixtures/lieux-metz-saint-denis.toml'), '--territory', '57,974', '--from', '2026-12-01', '--out', join(dir, 'test.bin')], { cwd: ROOT, stdio: 'pipe' });
  bundle = readFileSync(join(dir, 'test.bin'));
});
after(async () => { await browser?.close(); });

/** The first result's text for a resident of `commune`, the browser's clock at `utc`. */
async function firstResult(commune, utc) {
  const { page, context, problems } = await openPage(browser, `/#aiguillage=step.results~need.demarches~commune.${commune}`, {
    prepare: async (page) => {
      await page.clock.setFixedTime(new Date(utc));
      await page.route(`${BASE_URL}/widget/data/default.bin`, (route) => route.fulfill({ body: bundle, contentType: 'application/octet-stream' }));
      // The demo's server counts only the communes it serves: this page does not count.
      await page.route(`${BASE_URL}/`, async (route) => {
        const response = await route.fetch();
        await route.fulfill({ response, body: (await response.text()).replace(' data-stats="/stats"', '') });
      });
    },
  });
  const result = page.locator(`${widget} .result`).first();
  await result.waitFor();
  const text = (await result.textContent()).replace(/\s+/g, ' ');
  assert.deepEqual(problems, []);
  await context.close();
  return text;
}

test('La Réunion: its own clock and its abolition day', { timeout: 90_000 }, async () => {
  // 06:00 UTC is 10:00 in Saint-Denis (UTC+4) on Monday 20 December 2027, its abolition day.
  const holiday = await firstResult('97411', '2027-12-20T06:00:00Z');
  assert.match(holiday, /Point numérique de Saint-Denis/);
  assert.match(holiday, /Prochaine ouverture : demain, 9 h/, holiday);
  // The day before (a Friday) at the same UTC time: open, until 17:00 local.
  assert.match(await firstResult('97411', '2027-12-17T06:00:00Z'), /Ouvert maintenant, jusqu'à 17 h/);
  // 04:30 UTC is 08:30 in Saint-Denis but 05:30 in Paris: opens at 9 h, Saint-Denis time.
  assert.match(await firstResult('97411', '2027-12-21T04:30:00Z'), /Prochaine ouverture : aujourd'hui, 9 h/);
});

test('Metz: closed on Good Friday, as Alsace-Moselle is', { timeout: 90_000 }, async () => {
  // Friday 26 March 2027, 10:00 in Paris (UTC+1); Easter Monday (29 March) is national.
  const friday = await firstResult('57463', '2027-03-26T09:00:00Z');
  assert.match(friday, /Espace numérique de Metz/);
  assert.match(friday, /Prochaine ouverture : mardi 30 mars, 9 h/, friday);
  assert.match(await firstResult('57463', '2027-03-25T09:00:00Z'), /Ouvert maintenant/, 'the day before');
});
