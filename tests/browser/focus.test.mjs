// Focus is moved only from where the person left it (issue 33): a resident who answered the
// early question, then went to the host page's links while the engine was slow to arrive, is not
// pulled back into the widget; one who waited on the answered control is taken to the next
// question.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const widget = 'aiguillage-orientation';

/** The home page with the widget's wasm held until `release()`, and Emploi chosen on the early question. */
async function earlyAnswered() {
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  const opened = await openPage(browser, '/', {
    prepare: (page) => page.route('**/*.wasm', async (route) => { await held; await route.continue(); }),
  });
  const choice = opened.page.locator(`${widget} [data-early] button[data-need="emploi"]`);
  await choice.click();
  return { ...opened, release };
}

/** The engine's commune question is there (the early question is gone). */
const engineArrived = (page) => page.locator(`${widget} input[type="search"]`).waitFor();

test('a resident who went to the host page\'s links meanwhile keeps her focus there', { timeout: 90_000 }, async () => {
  const { page, context, problems, release } = await earlyAnswered();
  const link = page.locator('header.site a').first();
  await link.focus();
  release();
  await engineArrived(page);
  await page.waitForTimeout(500);
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), await link.textContent(), 'still on the host\'s link');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a resident who waited on the answered control is taken to the next question', { timeout: 90_000 }, async () => {
  const { page, context, problems, release } = await earlyAnswered();
  release();
  await engineArrived(page);
  await page.waitForFunction((host) => document.querySelector(host).shadowRoot.activeElement?.tagName === 'H2', widget);
  assert.match(await page.evaluate((host) => document.querySelector(host).shadowRoot.activeElement.textContent, widget), /commune/i);
  assert.deepEqual(problems, []);
  await context.close();
});
