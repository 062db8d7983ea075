// The embedding contract: strict CSP, hostile CSS, several widgets, late insertion, a missing
// data file, an intranet with its own elements, restricted territory and events.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, screenshot, elementDefined, BASE_URL } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function orientThroughFirstNeed(page, host = 'aiguillage-orientation') {
  await page.locator(`${host} button[data-need="bases-numeriques"]`).click();
  const detail = page.locator(`${host} button[data-need="any"]`);
  if (await detail.count()) await detail.click();
  await page.locator(`${host} input[type="search"]`).fill('Angoulême');
  await page.locator(`${host} [data-insee="16015"]`).click();
  await page.locator(`${host} button[type="submit"]`).click();
  await page.locator(`${host} .result`).first().waitFor();
}

test('works under a strict Content-Security-Policy without unsafe-inline', { timeout: 90_000 }, async () => {
  const { page, context, problems, response } = await openPage(browser, '/csp.html');
  const csp = response.headers()['content-security-policy'];
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  await elementDefined(page);
  await orientThroughFirstNeed(page);
  await screenshot(page, 'csp-results');
  assert.deepEqual(problems, [], 'no CSP violation nor error');
  await context.close();
});

test('a hostile host stylesheet does not break the widget', { timeout: 90_000 }, async () => {
  const { page, context, problems } = await openPage(browser, '/hostile.html');
  await elementDefined(page);
  const button = page.locator('aiguillage-orientation button[data-need="bases-numeriques"]');
  await button.waitFor();
  const size = await button.evaluate((b) => parseFloat(getComputedStyle(b).fontSize));
  assert.ok(size < 24, `the host's 60px font does not leak into the widget (${size}px)`);
  const inherited = await button.evaluate((b) => {
    const style = getComputedStyle(b);
    return { letterSpacing: style.letterSpacing, textTransform: style.textTransform };
  });
  assert.deepEqual(inherited, { letterSpacing: 'normal', textTransform: 'none' }, 'inherited host styles stop at the widget');
  await orientThroughFirstNeed(page);
  await screenshot(page, 'hostile-results');
  assert.deepEqual(problems, []);
  await context.close();
});

test('two widgets on one page and one added after load work independently', { timeout: 120_000 }, async () => {
  const { page, context, problems } = await openPage(browser, '/deux.html');
  await elementDefined(page);
  await page.locator('#ajoute button[data-need="demarches"]').waitFor();
  assert.equal(await page.locator('#second h2').first().textContent(), 'Step 1 of 4, What do you need help with?');
  // `label` names the first widget, the older `title` still names the second.
  const names = () => page.evaluate(() => ['premier', 'second'].map((id) => document.getElementById(id).shadowRoot
    .querySelector('.aiguillage-root section.aiguillage')?.getAttribute('aria-label')).join());
  await page.waitForFunction(() => ['premier', 'second'].every((id) => document.getElementById(id).shadowRoot
    .querySelector('.aiguillage-root section.aiguillage')));
  assert.equal(await names(), 'Widget en français,Widget in English');
  assert.equal(await page.locator('#ajoute h2').first().textContent(), "Étape 1 sur 4, J'ai besoin d'aide pour quoi ?");
  await orientThroughFirstNeed(page, '#premier');
  assert.equal(await page.locator('#second .result').count(), 0, 'the second widget did not move');
  assert.match(page.url(), /aiguillage-premier=/);
  await screenshot(page, 'two-widgets');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a data URL answering 404 gives a readable message with national contacts, no page error', { timeout: 60_000 }, async () => {
  const { page, context, problems } = await openPage(browser, '/absent.html');
  await elementDefined(page);
  const alert = page.locator('aiguillage-orientation [role="alert"]');
  await alert.waitFor();
  const text = await alert.textContent();
  assert.match(text, /France Services/);
  assert.ok(await page.locator('aiguillage-orientation [role="alert"] a[href^="tel:"]').count() >= 1, 'a phone link');
  await screenshot(page, 'data-404');
  const unexpected = problems.filter((p) => !/introuvable\.bin|404 \(Not Found\)|could not start/.test(p));
  assert.deepEqual(unexpected, [], 'only the expected 404');
  await context.close();
});

test('an intranet restricts the territory, presets the commune and receives the orientation event', { timeout: 90_000 }, async () => {
  const { page, context, problems, requests } = await openPage(browser, '/intranet.html');
  await elementDefined(page);
  await page.locator('aiguillage-orientation select').selectOption('demarches');
  await page.locator('aiguillage-orientation .result').first().waitFor();
  assert.match(await page.locator('aiguillage-orientation .results-for').textContent(), /Cognac \(16\)/);
  const item = page.locator('#event-log li').first();
  await item.waitFor();
  assert.match(await item.textContent(), /^orientation demarches 16102: \d+ lieux/);
  // Territory restriction: the bundle holds Charente and Vienne; the host allows Charente only.
  // Bonnes (86) is the more populous homonym: it is in the bundle, and not offered.
  await page.locator('aiguillage-orientation .desk-commune button.secondary').click();
  const offeredFor = async (typed) => {
    await page.locator('aiguillage-orientation input[type="search"]').fill(typed);
    await page.locator('aiguillage-orientation .commune-option').first().waitFor();
    return page.locator('aiguillage-orientation .commune-option').allTextContents();
  };
  const offered = await offeredFor('Bonnes');
  assert.deepEqual(offered.map((label) => label.split(' – ')[0]), ['Bonnes (16)'], `only Charente: ${offered}`);
  // The same bundle without the restriction offers both: the check above can fail.
  await page.evaluate(() => document.querySelector('aiguillage-orientation').removeAttribute('territory'));
  await page.locator('aiguillage-orientation .desk-commune button.secondary').click();
  const unrestricted = await offeredFor('Bonnes');
  assert.deepEqual(unrestricted.map((label) => label.split(' – ')[0]), ['Bonnes (86)', 'Bonnes (16)']);
  await screenshot(page, 'intranet');
  assert.deepEqual(problems, []);
  assert.deepEqual(requests.filter((u) => !u.startsWith(BASE_URL)), []);
  await context.close();
});

test('an attribute change mounts the widget again, and removing the element unmounts it, without errors', { timeout: 90_000 }, async () => {
  const { page, context, problems } = await openPage(browser, '/');
  await elementDefined(page);
  const heading = page.locator('aiguillage-orientation .aiguillage-root h2').first();
  await page.locator('aiguillage-orientation .aiguillage-root button[data-need="demarches"]').waitFor();
  assert.equal(await heading.textContent(), 'Étape 1 sur 4, De quoi avez-vous besoin ?');
  // The loader unmounts the French widget (the function `mount` returned) and mounts it in English.
  await page.evaluate(() => document.querySelector('aiguillage-orientation').setAttribute('lang', 'en'));
  await page.waitForFunction(() => document.querySelector('aiguillage-orientation').shadowRoot
    .querySelector('.aiguillage-root h2')?.textContent === 'Step 1 of 4, What do you need help with?');
  assert.equal(await page.locator('aiguillage-orientation .aiguillage-root section').count(), 1, 'one widget, not two');
  const removed = await page.evaluate(async () => {
    const element = document.querySelector('aiguillage-orientation');
    element.remove();
    await new Promise((resolve) => setTimeout(resolve, 200));
    return element.shadowRoot.querySelectorAll('button').length;
  });
  assert.equal(removed, 0, 'the removed element keeps no live widget');
  assert.deepEqual(problems, [], 'no page error while mounting again and unmounting');
  await context.close();
});

test('attributes written loosely (mode=" Desk ", lang="EN") are read once, the same for the loader and the engine', { timeout: 90_000 }, async () => {
  const { page, context, problems } = await openPage(browser, '/');
  await elementDefined(page);
  await page.locator('aiguillage-orientation .aiguillage-root button[data-need="demarches"]').waitFor();
  await page.evaluate(() => {
    const element = document.querySelector('aiguillage-orientation');
    element.setAttribute('mode', ' Desk ');
    element.setAttribute('lang', 'EN');
  });
  // The engine's desk view, in English; the loader did not show its resident first question.
  const desk = page.locator('aiguillage-orientation .aiguillage-root section[data-mode="desk"][lang="en"]');
  await desk.waitFor();
  assert.equal(await page.locator('aiguillage-orientation section[data-early]').count(), 0, 'no early resident question');
  assert.deepEqual(problems, []);
  await context.close();
});

// The engine (wasm) blocked, or the data and the language pack both blocked: either way the
// loader's message (`unavailable.fr.json`, from the wording and the taxonomy), with the
// contacts for every need, as for data that cannot be used.
for (const [blocked, what] of [['**/*.wasm', 'the engine cannot start'], ['**/*.bin', 'neither the data nor the language pack can be had']]) {
  test(`when ${what}, the loader says so with the national contacts of the taxonomy`, { timeout: 60_000 }, async () => {
    const { page, context, problems } = await openPage(browser, '/', {
      prepare: (page) => page.route(blocked, (route) => route.abort()),
    });
    await elementDefined(page);
    const alert = page.locator('aiguillage-orientation [role="alert"]');
    await alert.waitFor();
    const text = await alert.textContent();
    assert.match(text, /^Le service d'orientation n'a pas pu se charger\./);
    assert.match(text, /France Services — /);
    assert.equal(await alert.locator('a[href="https://www.france-services.gouv.fr/"]').count(), 1);
    assert.ok(await alert.locator('a[href^="tel:"]').count() >= 1, 'a phone link');
    const unexpected = problems.filter((p) => !/wasm|\.bin|ERR_FAILED|could not start|Failed to fetch|no data/i.test(p));
    assert.deepEqual(unexpected, [], 'only the blocked files');
    await context.close();
  });
}
