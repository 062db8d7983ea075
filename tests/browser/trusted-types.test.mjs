// The widget on a page that requires Trusted Types and allows no policy (issue 28): any markup
// made from a string would be refused (« This document requires 'TrustedHTML' assignment »).
// The resident flow, a link to results (with the map), desk mode and the could-not-start message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, BASE_URL } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const widget = 'aiguillage-orientation';
const PAGE = '/trusted-types.html';

/** The page with its element's attributes replaced (the server's CSP header is kept). */
const withAttributes = (attributes) => async (page) => {
  await page.route(`${BASE_URL}${PAGE}`, async (route) => {
    const response = await route.fetch();
    const html = (await response.text()).replace('<aiguillage-orientation ', `<aiguillage-orientation ${attributes} `);
    await route.fulfill({ response, body: html });
  });
};

/** Problems that Trusted Types would raise, and every other console error. */
const trustedTypesViolations = (problems) => problems.filter((p) => /TrustedHTML|TrustedScript|Trusted Type|trusted-types/i.test(p));

test('the page really requires Trusted Types', { timeout: 60_000 }, async () => {
  const { page, context, response } = await openPage(browser, PAGE);
  assert.match(response.headers()['content-security-policy'], /require-trusted-types-for 'script'; trusted-types 'none'/);
  const refused = await page.evaluate(() => {
    try {
      document.createElement('div').innerHTML = '<b>x</b>';
      return false;
    } catch (error) {
      return error instanceof TypeError;
    }
  });
  assert.ok(refused, 'markup from a string is refused on this page');
  await context.close();
});

test('a resident goes from the first question to results under Trusted Types', { timeout: 120_000 }, async () => {
  const { page, context, problems } = await openPage(browser, PAGE);
  await page.locator(`${widget} button[data-need="emploi"]`).click();
  await page.locator(`${widget} input[type="search"]`).fill('Ruffec');
  await page.locator(`${widget} [role="option"][data-insee="16292"]`).click();
  await page.locator(`${widget} button[type="submit"]`).click();
  await page.locator(`${widget} .result`).first().waitFor();
  await page.locator(`${widget} details.map svg[role="img"]`).waitFor();
  assert.deepEqual(trustedTypesViolations(problems), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a link to results shows them with the map under Trusted Types', { timeout: 90_000 }, async () => {
  const { page, context, problems } = await openPage(browser, `${PAGE}#aiguillage=step.results~need.demarches-caf~commune.16292`);
  await page.locator(`${widget} .result`).first().waitFor();
  const map = page.locator(`${widget} details.map`);
  await map.locator('circle.map-home').waitFor();
  assert.ok(await map.locator('circle.map-place').count() >= 1, 'numbered places');
  assert.match(await map.locator('svg').getAttribute('aria-label'), /\w/, 'the map has a name');
  assert.match(await map.locator('text.map-km').textContent(), /^\d+ km$/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('desk mode works under Trusted Types', { timeout: 90_000 }, async () => {
  const { page, context, problems } = await openPage(browser, PAGE, { prepare: withAttributes('mode="desk" commune="16292"') });
  await page.locator(`${widget} [data-mode="desk"]`).first().waitFor();
  await page.locator(`${widget} select`).first().selectOption('emploi');
  await page.locator(`${widget} .result`).first().waitFor();
  await page.locator(`${widget} details.map svg`).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('the could-not-start message and its contacts show under Trusted Types', { timeout: 90_000 }, async () => {
  const { page, context, problems } = await openPage(browser, PAGE, { prepare: withAttributes('data-src="/absent.bin"') });
  const message = page.locator(`${widget} .unavailable[role="alert"]`);
  await message.waitFor();
  assert.match(await message.locator('p').first().textContent(), /pas pu se charger/);
  assert.ok(await message.locator('a[href^="tel:"]').count() >= 1, 'phone numbers');
  assert.ok(await message.locator('a[href^="https:"][target="_blank"]').count() >= 1, 'official pages');
  assert.deepEqual(trustedTypesViolations(problems), []);
  await context.close();
});
