// The schematic map of the results (issue 11, point 4), drawn by the widget from the bundle's own
// points: the département's communes as dots, the resident's commune, the places met on site
// numbered as in the list, a scale; an image with a name; no tile, no request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, screenshot, axeViolations, BASE_URL } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const widget = 'aiguillage-orientation';

/** What the map shows, read from its SVG, and the list positions of the places that have a point. */
async function readMap(page) {
  return page.evaluate((host) => {
    const root = document.querySelector(host).shadowRoot;
    const svg = root.querySelector('details.map svg');
    const [x0, y0, width, height] = svg.getAttribute('viewBox').split(' ').map(Number);
    const inside = (x, y) => x >= x0 && y >= y0 && x <= x0 + width && y <= y0 + height;
    const places = [...svg.querySelectorAll('circle.map-place')].map((c) => [Number(c.getAttribute('cx')), Number(c.getAttribute('cy'))]);
    const home = [...svg.querySelectorAll('circle.map-home')].map((c) => [Number(c.getAttribute('cx')), Number(c.getAttribute('cy'))]);
    return {
      open: root.querySelector('details.map').open,
      role: svg.getAttribute('role'),
      name: svg.getAttribute('aria-label'),
      summary: root.querySelector('details.map summary').textContent,
      dots: (svg.querySelector('.map-communes').getAttribute('d').match(/M/g) ?? []).length,
      home,
      places,
      allInside: [...places, ...home].every(([x, y]) => inside(x, y)),
      numbers: [...svg.querySelectorAll('text:not(.map-km)')].map((t) => Number(t.textContent)),
      // The commune's circle is drawn over the places: it stays visible when they are in it.
      homeOnTop: [...svg.children].findIndex((e) => e.matches('.map-home')) > Math.max(...[...svg.children].map((e, i) => (e.matches('.map-place') ? i : -1))),
      scale: svg.querySelector('.map-km').textContent,
      bar: Number(/h(\d+)/.exec(svg.querySelector('.map-scale').getAttribute('d'))[1]),
      // The distance each card states ("À 7 km"), by list position.
      stated: [...root.querySelectorAll('.result')].map((card) => Number(/À (\d+) km/.exec(card.textContent)?.[1] ?? NaN)),
      // A place is met on site when the list offers its map link and does not say it helps only
      // at a distance; its number is its position.
      located: [...root.querySelectorAll('.result')].flatMap((card, index) => (card.querySelector('a[href^="https://www.openstreetmap.org/"]') && !/pas besoin de vous déplacer/.test(card.textContent) ? [index + 1] : [])),
    };
  }, widget);
}

for (const mode of ['resident', 'desk']) {
  test(`${mode}: the map has the commune and one numbered mark per place met on site, a scale, a name; axe clean; nothing requested`, { timeout: 60_000 }, async () => {
    const { page, context, problems, requests } = await openPage(browser, '/#aiguillage=step.results~need.demarches-caf~commune.16292', {
      prepare: (page) => page.route(/\/$/, async (route) => {
        const response = await route.fetch();
        await route.fulfill({ response, body: (await response.text()).replace('<aiguillage-orientation ', `<aiguillage-orientation mode="${mode}" `) });
      }),
    });
    await page.locator(`${widget} .result`).first().waitFor();
    await page.locator(`${widget} details.map svg`).waitFor();
    const map = await readMap(page);
    assert.ok(map.open, 'unfolded');
    assert.equal(map.role, 'img');
    assert.match(map.name, /votre commune \(cercle\).*lieux proposés/);
    assert.match(map.summary, /plan/);
    assert.equal(map.home.length, 1, 'the resident\'s commune');
    assert.ok(map.homeOnTop, 'the commune circled over the places');
    assert.ok(map.located.length >= 1, 'Ruffec has places met on site');
    assert.equal(map.places.length, map.located.length, 'one mark per place met on site');
    assert.deepEqual(map.numbers, map.located, 'numbered as in the list');
    assert.ok(map.allInside, 'every mark within the drawing');
    assert.ok(map.dots >= 300, `the département's communes as dots (Charente has 360 with a point): ${map.dots}`);
    assert.match(map.scale, /^\d+ km$/);
    // The scale tells true distances: the farthest place stated in kilometres, measured on the map.
    const kmPerUnit = Number.parseInt(map.scale, 10) / map.bar;
    const [far] = map.located.map((rank, index) => [map.stated[rank - 1], Math.hypot(map.places[index][0] - map.home[0][0], map.places[index][1] - map.home[0][1]) * kmPerUnit])
      .filter(([stated]) => stated >= 3).sort((a, b) => b[0] - a[0]);
    assert.ok(far, `a place a few kilometres away: ${map.stated}`);
    assert.ok(Math.abs(far[1] - far[0]) <= 1.5 + far[0] * 0.2, `stated ${far[0]} km, ${far[1].toFixed(1)} km on the map`);
    assert.deepEqual(await axeViolations(page), []);
    assert.ok(requests.every((url) => url.startsWith(BASE_URL)), `no request elsewhere: ${requests.filter((url) => !url.startsWith(BASE_URL))}`);
    await screenshot(page, `map-${mode}`);
    // A phone folds it with one tap.
    await page.locator(`${widget} details.map summary`).click();
    assert.equal(await page.locator(`${widget} details.map`).evaluate((details) => details.open), false);
    assert.equal(await page.locator(`${widget} details.map svg`).isVisible(), false, 'folded on screen');
    await page.emulateMedia({ media: 'print' });
    assert.ok(await page.locator(`${widget} details.map svg`).isVisible(), 'printed with the slip, even folded');
    await page.emulateMedia({ media: 'screen' });
    assert.deepEqual(problems, []);
    await context.close();
  });
}

// Issue 33: a map one can read — the list numbered as the map, a summary that says what a press
// does, and the ring, the scale and the numbers still there in forced colours.
test('the list is numbered as the map, the summary says « Masquer » when open, forced colours keep every mark', { timeout: 90_000 }, async () => {
  const { page, context, problems } = await openPage(browser, '/#aiguillage=step.results~need.demarches-caf~commune.16292');
  const map = page.locator(`${widget} details.map`);
  await map.locator('circle.map-home').waitFor();
  const numbers = await page.locator(`${widget} .result .rank`).allTextContents();
  assert.ok(numbers.length >= 1);
  assert.deepEqual(numbers, numbers.map((_, i) => `${i + 1}. `), 'each place of the list carries its number');
  const marks = await map.locator('svg text:not(.map-km)').allTextContents();
  assert.ok(marks.every((mark) => Number(mark) >= 1 && Number(mark) <= numbers.length), `the map's numbers are the list's: ${marks}`);
  assert.equal((await map.locator('summary').innerText()).trim(), 'Masquer le plan');
  await map.locator('summary').click();
  assert.equal((await map.locator('summary').innerText()).trim(), 'Voir les lieux sur un plan');
  await map.locator('summary').click();
  await page.emulateMedia({ forcedColors: 'active' });
  const painted = await page.evaluate((host) => {
    const svg = document.querySelector(host).shadowRoot.querySelector('details.map svg');
    const style = (selector, property) => getComputedStyle(svg.querySelector(selector))[property];
    return { ring: style('circle.map-home', 'stroke'), scale: style('path.map-scale', 'stroke'), km: style('text.map-km', 'fill'), place: style('circle.map-place', 'fill') };
  }, widget);
  for (const [what, colour] of Object.entries(painted)) {
    assert.ok(colour && colour !== 'none' && !/rgba\(0, 0, 0, 0\)/.test(colour), `${what} is painted in forced colours: ${colour}`);
  }
  assert.notEqual(painted.ring, painted.place, 'the ring stands apart from the places');
  assert.deepEqual(problems, []);
  await context.close();
});
