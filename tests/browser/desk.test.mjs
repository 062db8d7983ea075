// Desk mode for social workers: one screen, results update as criteria change, keyboard only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, screenshot, elementDefined, tabTo, chooseRadio, chooseCommune, axeViolations, BASE_URL } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const widget = 'aiguillage-orientation';

test('a social worker orients a deaf job seeker from Cognac who wants it done for her, by keyboard, results live, 0 axe violations', { timeout: 180_000 }, async () => {
  const { page, context, problems, requests } = await openPage(browser, '/guichet.html');
  await elementDefined(page);
  await page.locator(`${widget} select`).waitFor();
  assert.deepEqual(await axeViolations(page), [], 'axe on the empty desk');

  // The need, by keyboard only: arrows through the list until Emploi (a bounded number of presses).
  await tabTo(page, 'select');
  const needValue = () => page.evaluate(() => document.querySelector('aiguillage-orientation').shadowRoot.querySelector('select').value);
  for (let presses = 0; presses < 60 && (await needValue()) !== 'emploi'; presses += 1) {
    await page.keyboard.press('ArrowDown');
  }
  assert.equal(await needValue(), 'emploi', 'Emploi chosen with the arrow keys');
  await chooseCommune(page, 'Cognac', '16102');
  const results = page.locator(`${widget} .result`);
  await results.first().waitFor();
  const before = await results.evaluateAll((nodes) => nodes.map((n) => n.dataset.actor));
  assert.ok(before.length >= 1, 'results appear as soon as need and commune are set');

  await tabTo(page, 'input[id$="support-surdite"]');
  await page.keyboard.press('Space');
  await chooseRadio(page, 'travel', 'travel-no');
  // "Do it for me" changes the order (deafness and travel alone leave it as it is here).
  await chooseRadio(page, 'autonomy', 'autonomy-for-me');
  // Live: the list follows the criteria without a submit (waits at most 10 s, then fails).
  await page.waitForFunction(
    (old) => {
      const ids = [...document.querySelector('aiguillage-orientation').shadowRoot.querySelectorAll('.result')].map((n) => n.dataset.actor);
      return ids.join() !== old;
    },
    before.join(),
    { timeout: 10_000 },
  );
  await screenshot(page, 'desk-results');
  assert.deepEqual(await axeViolations(page), [], 'axe on the desk with results');
  assert.match(page.url(), /support\.surdite/, 'criteria kept in the fragment');
  const slip = await page.locator(`${widget} .slip-actions button`).allTextContents();
  assert.deepEqual(slip, ['Imprimer la fiche', 'Copier en texte']);

  // The slip for the case file: copied as text…
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE_URL });
  await page.locator(`${widget} .slip-actions button`).nth(1).click();
  await page.locator(`${widget} .slip-actions [role="status"]`).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(copied, /^Fiche d'orientation\nRecherche d'emploi — Cognac \(16\)/);
  assert.match(copied, /\n1\. /, 'the slip lists the actors');
  // …and printed: the print stylesheet keeps the results and drops the controls.
  await page.emulateMedia({ media: 'print' });
  const printed = await page.evaluate(() => {
    const root = document.querySelector('aiguillage-orientation').shadowRoot;
    const shown = (selector) => getComputedStyle(root.querySelector(selector)).display !== 'none';
    return { results: shown('.result-list'), criteria: shown('.desk-criteria'), buttons: shown('.slip-actions') };
  });
  assert.deepEqual(printed, { results: true, criteria: false, buttons: false });
  await screenshot(page, 'desk-print');
  await page.emulateMedia({ media: 'screen' });

  assert.deepEqual(problems, []);
  assert.deepEqual(requests.filter((u) => !u.startsWith(BASE_URL)), []);
  await context.close();
});
