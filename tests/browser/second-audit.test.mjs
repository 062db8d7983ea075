// The second accessibility audit (issue 33), its last points, in real Chromium on the demo: the
// plan's marks apart and its numbers sized with the reader's font; the configurator's themes
// checked over every pair the widget draws, without a `style` attribute, its errors said when a
// field is left; the dashboard at 320 px and in forced colours; the iframe's page with its
// heading and its preset commune; French data marked as French in an English widget.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, axeViolations } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const widget = 'aiguillage-orientation';

test("the plan's marks of one town are set apart, and its numbers follow the reader's font size", { timeout: 90_000 }, async () => {
  for (const fontSize of ['16px', '32px']) {
    const { page, context, problems } = await openPage(browser, '/#aiguillage=step.results~need.demarches~commune.16102', { viewport: { width: 320, height: 800 } });
    await page.evaluate((size) => document.querySelector('aiguillage-orientation').style.setProperty('--aiguillage-font-size', size), fontSize);
    await page.locator(`${widget} details.map svg`).waitFor();
    const plan = await page.evaluate(() => {
      const root = document.querySelector('aiguillage-orientation').shadowRoot;
      const marks = [...root.querySelectorAll('circle.map-place')].map((c) => [Number(c.getAttribute('cx')), Number(c.getAttribute('cy')), Number(c.getAttribute('r'))]);
      const number = root.querySelector('details.map text:not(.map-km)');
      return {
        marks,
        numberHeight: number.getBoundingClientRect().height,
        font: parseFloat(getComputedStyle(root.querySelector('.aiguillage')).fontSize),
      };
    });
    assert.ok(plan.marks.length >= 3, `Cognac's places: ${plan.marks.length}`);
    for (const [i, [x, y, r]] of plan.marks.entries()) {
      for (const [x2, y2, r2] of plan.marks.slice(i + 1)) {
        assert.ok(Math.hypot(x - x2, y - y2) >= r + r2, `marks ${[x, y]} and ${[x2, y2]} do not overlap`);
      }
    }
    assert.ok(plan.numberHeight >= 0.6 * plan.font, `a number is ${plan.numberHeight}px high for a ${plan.font}px font`);
    assert.deepEqual(problems, []);
    await context.close();
  }
});

/** The contrast ratio of two computed CSS colours (`rgb(…)` or `color(srgb …)`). */
function ratio(a, b) {
  const channels = (text) => {
    const srgb = /color\(srgb ([\d.e-]+) ([\d.e-]+) ([\d.e-]+)/.exec(text);
    if (srgb) return srgb.slice(1, 4).map(Number);
    return /rgba?\(([\d.]+), ([\d.]+), ([\d.]+)/.exec(text).slice(1, 4).map((c) => Number(c) / 255);
  };
  const luminance = (text) => {
    const [r, g, b2] = channels(text).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b2;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/** Every text of the preview's widget, with its colour and the background it is drawn on. */
async function previewTexts(page) {
  return page.evaluate(() => {
    const root = document.querySelector('#apercu aiguillage-orientation').shadowRoot;
    const transparent = (colour) => colour === 'rgba(0, 0, 0, 0)' || colour === 'transparent';
    const background = (element) => {
      for (let at = element; at; at = at.parentElement ?? at.getRootNode().host) {
        const colour = getComputedStyle(at).backgroundColor;
        if (!transparent(colour)) return colour;
      }
      return 'rgb(255, 255, 255)';
    };
    return [...root.querySelectorAll('*')]
      .filter((e) => [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()) && e.checkVisibility())
      .map((e) => ({ text: e.textContent.trim().slice(0, 30), colour: getComputedStyle(e).color, background: background(e) }));
  });
}

test("the configurator refuses a theme that fails a pair, and an accepted theme holds in the widget", { timeout: 120_000 }, async () => {
  const { page, context, problems } = await openPage(browser, '/integrer.html');
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.locator('#apercu aiguillage-orientation button[data-need="emploi"]').waitFor();
  const colour = (label, value) => page.getByLabel(label, { exact: true }).fill(value);
  // The dark theme of the audit: its accent reads neither as links on the background nor under
  // white text; its muted grey is the default one.
  await colour('Fond', '#121212');
  await colour('Texte', '#f0f0f0');
  await colour('Couleur principale (boutons)', '#3a70b0');
  const status = page.locator('#contraste');
  await status.filter({ hasText: 'Contraste insuffisant' }).waitFor();
  const said = await status.textContent();
  assert.match(said, /couleur principale\) sur le fond, \d,\d:1 pour 4,5:1 demandés/, said);
  assert.match(said, /texte secondaire \(aides, étapes\) sur le fond/, said);
  assert.match(await page.locator('#code-script').inputValue(), /^Les couleurs choisies ne sont pas assez contrastées/);
  assert.ok(await page.getByRole('button', { name: 'Copier le code script' }).isDisabled());
  // Corrected: a light accent and a light muted colour.
  await colour('Couleur principale (boutons)', '#8ab4f8');
  await colour('Texte secondaire (aides, étapes)', '#c8c8c8');
  await page.waitForFunction(() => document.getElementById('contraste').textContent === '');
  const script = await page.locator('#code-script').inputValue();
  assert.match(script, /theme-accent="#8ab4f8"/);
  assert.doesNotMatch(script, /style=/, 'no style attribute, which the CSP line would refuse');
  assert.equal(await page.locator('#apercu aiguillage-orientation').getAttribute('style'), null, 'the preview has none either');
  // The accepted theme, as the widget draws it: every text on its background, 4.5:1 at least
  // (the buttons' text is black on this light accent).
  await page.locator('#apercu aiguillage-orientation button[data-need="emploi"]').click();
  await page.locator('#apercu aiguillage-orientation input[type="search"]').waitFor();
  for (const { text, colour: fg, background } of await previewTexts(page)) {
    assert.ok(ratio(fg, background) >= 4.5, `« ${text} »: ${fg} on ${background} is ${ratio(fg, background).toFixed(2)}:1`);
  }
  const copy = page.getByRole('button', { name: 'Copier le code iframe' });
  await copy.click();
  await page.locator('#copie').filter({ hasText: 'Le code iframe est copié' }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('the configurator says a wrong commune once the field is left, and an unknown or foreign one', { timeout: 90_000 }, async () => {
  const { page, context, problems } = await openPage(browser, '/integrer.html', { bypassCSP: true });
  await page.locator('#territoire option').first().waitFor({ state: 'attached' });
  const field = page.getByLabel('Commune présélectionnée (facultatif)');
  const error = page.locator('#commune-erreur');
  await field.fill('1629');
  assert.equal(await error.textContent(), '', 'nothing said while typing');
  assert.notEqual(await field.getAttribute('aria-invalid'), 'true');
  await page.keyboard.press('Tab');
  await error.filter({ hasText: 'cinq caractères' }).waitFor();
  assert.equal(await error.getAttribute('role'), 'alert', 'said to screen readers');
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  for (const [code, expected] of [['99999', /n'est pas le code INSEE d'une commune/], ['86194', /Poitiers \(86\) n'est pas dans le territoire choisi/]]) {
    await field.fill(code);
    await page.keyboard.press('Tab');
    await error.filter({ hasText: expected }).waitFor();
    assert.doesNotMatch(await page.locator('#code-script').inputValue(), /commune=/);
  }
  await field.fill('16292');
  await page.keyboard.press('Tab');
  await page.locator('#commune-nom').filter({ hasText: '16292 : Ruffec (16)' }).waitFor();
  assert.equal(await error.textContent(), '');
  assert.match(await page.locator('#code-script').inputValue(), /commune="16292"/);
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the dashboard reflows at 320 px, its wide table scrolls in a named focusable region, its charts hold in forced colours', { timeout: 60_000 }, async () => {
  const { page, context, problems } = await openPage(browser, '/tableau-de-bord?territoire=16', { viewport: { width: 320, height: 800 } });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 320, 'no sideways scrolling at 320 px');
  // Every table scrolls in a region of its own, named by its visible caption, reached by Tab.
  const regions = await page.locator('.scroll').evaluateAll((all) => all.map((region) => ({
    tab: region.getAttribute('tabindex'),
    role: region.getAttribute('role'),
    name: document.getElementById(region.getAttribute('aria-labelledby'))?.tagName,
    tables: region.querySelectorAll('table').length,
    // Seen whole without scrolling: inside the page's width.
    captionShown: region.querySelector('caption').getBoundingClientRect().width > 1
      && region.querySelector('caption').getBoundingClientRect().right <= document.documentElement.clientWidth,
  })));
  assert.equal(regions.length, await page.locator('table').count(), 'each table in its region');
  for (const region of regions) assert.deepEqual(region, { tab: '0', role: 'region', name: 'CAPTION', tables: 1, captionShown: true });
  assert.match(await page.getByText('Du mois').textContent(), /aaaa-mm/, 'the format of a period');
  await page.emulateMedia({ forcedColors: 'active' });
  const paint = await page.evaluate(() => ({
    axis: getComputedStyle(document.querySelector('.axis')).fill,
    text: getComputedStyle(document.body).color,
  }));
  assert.equal(paint.axis, paint.text, 'the charts\' text in the system text colour');
  assert.deepEqual(problems, []);
  await context.close();
});

test("the iframe's page, opened from a link, has its heading, and its preset commune is shown at the commune step", { timeout: 60_000 }, async () => {
  const { page, context, problems } = await openPage(browser, '/widget/embed.html?commune=16292');
  const heading = page.getByRole('heading', { level: 1 });
  assert.equal(await heading.textContent(), 'Trouver une aide au numérique');
  assert.ok((await heading.boundingBox()).width > 100, 'visible when the page is opened on its own');
  await page.locator(`${widget} button[data-need="emploi"]`).click();
  const known = page.locator(`${widget} .known-commune`);
  assert.match(await known.textContent(), /Ruffec \(16\) – 16700/);
  await known.getByRole('button').click();
  await page.locator(`${widget} form.situation`).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
  // In the demo's iframe, the host's page has its own heading: this one is for screen readers.
  const framed = await openPage(browser, '/iframe.html');
  const inner = framed.page.frameLocator('iframe').getByRole('heading', { level: 1 });
  await inner.waitFor({ state: 'attached' });
  assert.ok((await inner.boundingBox()).width <= 1, 'visually hidden in a frame');
  await framed.context.close();
});

test('in English, the places\' French names and addresses are marked as French', { timeout: 60_000 }, async () => {
  const { page, context, problems } = await openPage(browser, '/widget/embed.html?lang=en#aiguillage=step.results~need.emploi~commune.16292');
  await page.locator(`${widget} .result`).first().waitFor();
  const marked = await page.evaluate(() => {
    const root = document.querySelector('aiguillage-orientation').shadowRoot;
    return [...root.querySelectorAll('.result')].map((card) => [card.querySelector('h3 [lang]')?.lang, card.querySelector('.address')?.lang]);
  });
  assert.ok(marked.length >= 1);
  for (const [name, address] of marked) {
    assert.equal(name, 'fr');
    assert.ok(address === undefined || address === 'fr');
  }
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.deepEqual(problems, []);
  await context.close();
});
