// The resident flow on the demo's home page, in real headless Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, screenshot, elementDefined, BASE_URL } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a resident of Ruffec finds help for her tax return, inside the shadow root', { timeout: 120_000 }, async () => {
  const { page, context, problems, requests } = await openPage(browser, '/');
  await elementDefined(page);
  const hasShadow = await page.evaluate(() => !!document.querySelector('aiguillage-orientation')?.shadowRoot);
  assert.ok(hasShadow, 'the custom element has an open shadow root');

  // Playwright's CSS selectors pierce open shadow roots.
  await page.locator('aiguillage-orientation button[data-need="demarches"]').click();
  await screenshot(page, 'resident-1-commune');
  await page.locator('aiguillage-orientation #commune-input').fill('Ruffec');
  const options = page.locator('aiguillage-orientation .commune-option');
  await options.first().waitFor();
  const labels = await options.allTextContents();
  assert.ok(labels.some((l) => l.startsWith('Ruffec (16)')), `Ruffec (16) is offered: ${labels}`);
  await page.locator('aiguillage-orientation .commune-option[data-insee="16292"]').click();

  const results = page.locator('aiguillage-orientation .result');
  await results.first().waitFor();
  assert.ok(await results.count() >= 1, 'at least one actor is recommended');
  const firstReasons = await results.first().locator('.reasons li').allTextContents();
  assert.ok(firstReasons.length >= 2, `the first result gives its reasons: ${firstReasons}`);
  assert.match(firstReasons[0], /démarches/i);
  await screenshot(page, 'resident-2-results');

  assert.deepEqual(problems, [], 'the page logged no error');
  const foreign = requests.filter((url) => !url.startsWith(BASE_URL));
  assert.deepEqual(foreign, [], 'no third-party request');
  await context.close();
});
