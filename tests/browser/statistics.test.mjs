// The anonymous statistics (issue 14) in real Chromium on the demo: a resident's orientation is
// counted once per need and commune, the dashboard and its CSV show it, nothing leaves the page's
// origin; a page without `data-stats` sends nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, axeViolations, BASE_URL } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const widget = 'aiguillage-orientation';
const link = (need) => `#aiguillage=step.results~need.${need}~commune.16292`;
const isBeacon = (request) => request.method() === 'POST' && new URL(request.url()).pathname === '/stats';

/** Orientations of `need` (a top-level need: the CSV's cells) in the server's CSV for Charente. */
async function counted(need) {
  const response = await fetch(`${BASE_URL}/tableau-de-bord.csv?territoire=16`);
  assert.equal(response.status, 200);
  const [header, ...lines] = (await response.text()).trim().split('\n');
  assert.equal(header, 'mois,besoin,departement,code_epci,epci,orientations,sans_aide_proche');
  return lines.filter((line) => line.split(',')[1] === need).reduce((sum, line) => sum + Number(line.split(',').at(-2)), 0);
}

/** `n` beacons of `need` at Ruffec sent directly: a cell under 5 is in no figure, so the widget's
 * own beacon is looked for in a cell already shown. */
async function seed(need, n) {
  for (let i = 0; i < n; i += 1) {
    const response = await fetch(`${BASE_URL}/stats`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ need, commune: '16292', results: 3, nearest_km: 1.5, lang: 'fr', mode: 'resident' }),
    });
    assert.equal(response.status, 204);
  }
}

async function waitForCount(need, expected) {
  const deadline = Date.now() + 10_000;
  let now = await counted(need);
  while (now !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    now = await counted(need);
  }
  return now;
}

test('an orientation is counted once per need and commune, with exactly the documented fields, and shows on the dashboard', { timeout: 90_000 }, async () => {
  await seed('demarches', 5);
  const before = await counted('demarches');
  assert.ok(before >= 5, `the cell is shown (${before})`);
  const beacons = [];
  const { page, context, problems, requests } = await openPage(browser, `/${link('demarches-caf')}`, {
    prepare: (page) => page.on('request', (request) => { if (isBeacon(request)) beacons.push(JSON.parse(request.postData())); }),
  });
  const sent = async (n) => {
    await page.waitForFunction(() => true);
    const deadline = Date.now() + 10_000;
    while (beacons.length < n && Date.now() < deadline) await page.waitForTimeout(50);
    return beacons.length;
  };
  assert.equal(await sent(1), 1);
  const results = await page.locator(`${widget} .result`).count();
  const body = beacons[0];
  assert.deepEqual(Object.keys(body).sort(), ['commune', 'lang', 'mode', 'nearest_km', 'need', 'results']);
  assert.deepEqual({ ...body, nearest_km: typeof body.nearest_km }, { need: 'demarches-caf', commune: '16292', results, nearest_km: 'number', lang: 'fr', mode: 'resident' });
  assert.ok(body.nearest_km >= 0 && body.nearest_km < 50, `nearest_km ${body.nearest_km}`);
  assert.equal(await waitForCount('demarches', before + 1), before + 1, 'the CSV counts it');

  // Another need: counted; the first question again in the same page: not counted twice.
  await page.evaluate((hash) => { location.hash = hash; }, link('demarches-impots'));
  assert.equal(await sent(2), 2, 'another need is counted');
  assert.equal(beacons[1].need, 'demarches-impots');
  await page.evaluate((hash) => { location.hash = hash; }, link('demarches-caf'));
  await page.locator(`${widget} .result`).first().waitFor();
  await page.waitForTimeout(800);
  assert.equal(beacons.length, 2, `no third beacon: ${JSON.stringify(beacons)}`);
  assert.equal(await waitForCount('demarches', before + 2), before + 2);
  await page.waitForTimeout(300);
  assert.equal(await counted('demarches'), before + 2, 'the same question again is not counted again');
  assert.deepEqual(requests.filter((url) => !url.startsWith(BASE_URL)), [], 'no request leaves the page\'s origin');
  assert.deepEqual(problems, [], requests.join(' '));
  await context.close();

  const dashboard = await openPage(browser, '/tableau-de-bord?territoire=16', { bypassCSP: true });
  assert.equal(dashboard.response.status(), 200);
  assert.match(await dashboard.page.locator('h1').textContent(), /Tableau de bord des orientations/);
  const row = dashboard.page.locator('tr', { has: dashboard.page.locator('th', { hasText: /démarches/i }) }).first();
  assert.ok(Number((await row.locator('td').first().textContent()).replace(/\D/g, '')) >= before + 2, 'the démarches row counts them');
  assert.equal(await dashboard.page.locator('svg[role="img"]').count() >= 1, true, 'a chart');
  const serious = (await axeViolations(dashboard.page));
  assert.deepEqual(serious, [], 'axe finds nothing on the dashboard');
  assert.deepEqual(dashboard.requests.filter((url) => !url.startsWith(BASE_URL)), []);
  assert.deepEqual(dashboard.problems, []);
  await dashboard.context.close();
});

test('the strict-CSP page counts too (connect-src \'self\')', { timeout: 60_000 }, async () => {
  const { page, context, problems } = await openPage(browser, `/csp.html${link('emploi')}`);
  const beacon = await page.waitForRequest(isBeacon);
  const response = await beacon.response();
  if (response) assert.equal(response.status(), 204);
  assert.deepEqual(problems.filter((p) => /Content Security Policy|Refused/.test(p)), []);
  await context.close();
});

test('a page without data-stats sends nothing', { timeout: 60_000 }, async () => {
  const beacons = [];
  const { page, context, problems } = await openPage(browser, `/${link('emploi')}`, {
    prepare: async (page) => {
      page.on('request', (request) => { if (isBeacon(request)) beacons.push(request.url()); });
      await page.route(`${BASE_URL}/`, async (route) => {
        const response = await route.fetch();
        const html = (await response.text()).replace(' data-stats="/stats"', '');
        assert.ok(!html.includes('data-stats'));
        await route.fulfill({ response, body: html });
      });
    },
  });
  let events = 0;
  await page.exposeFunction('orientationSeen', () => { events += 1; });
  await page.evaluate(() => document.addEventListener('aiguillage:orientation', () => window.orientationSeen()));
  await page.locator(`${widget} .result`).first().waitFor();
  await page.evaluate((hash) => { location.hash = hash; }, link('demarches-caf'));
  await page.waitForFunction(() => true);
  await page.waitForTimeout(800);
  assert.ok(events >= 1, 'the host page still gets its event');
  assert.deepEqual(beacons, []);
  assert.deepEqual(problems, []);
  await context.close();
});
