// One widget across départements (issue 15): the national demo page names a folder of bundles
// (`aiguillage bundle --territory all --out-dir`). A resident of Strasbourg and one of Ruffec
// (Charente, not Ruffec in Indre) each reach results, downloading only the index of communes
// and their own département's bundle; a link holding the answers downloads only the latter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, elementDefined, chooseCommune } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const widget = 'aiguillage-orientation';
const dataFiles = (requests) => requests.map((url) => new URL(url).pathname).filter((path) => path.startsWith('/widget/national/'));

/** From the need's precision (if asked) or the commune question to the results. */
async function answerUpToResults(page, typed, insee) {
  await page.locator(`${widget} input[type="search"], ${widget} button[data-need="any"]`).first().waitFor();
  if (await page.locator(`${widget} button[data-need="any"]`).count()) await page.locator(`${widget} button[data-need="any"]`).click();
  await page.locator(`${widget} input[type="search"]`).waitFor();
  await chooseCommune(page, typed, insee);
  await page.locator(`${widget} button[type="submit"]`).click();
}

async function reachResults(typed, insee) {
  const { page, context, problems, requests } = await openPage(browser, '/national.html');
  await elementDefined(page);
  await page.locator(`${widget} button[data-need="emploi"]`).click();
  await answerUpToResults(page, typed, insee);
  const results = page.locator(`${widget} .result`);
  await results.first().waitFor();
  const text = await page.locator(`${widget} .results`).textContent();
  assert.match(new URL(page.url()).hash, new RegExp(`commune\\.${insee}`));
  assert.deepEqual(problems, []);
  await context.close();
  return { text, files: dataFiles(requests) };
}

test('a resident of Strasbourg reaches results with only the index and the Bas-Rhin bundle', { timeout: 120_000 }, async () => {
  const { text, files } = await reachResults('Strasbourg', '67482');
  assert.deepEqual(files, ['/widget/national/index.bin', '/widget/national/67.bin']);
  assert.match(text, /Strasbourg|France Services/);
});

// Issue 33: some communes could not be chosen at all — Sainte-Marie (65) was the 9th of 8
// suggestions, its postal code shared by 25 communes, and its label as the list writes it found
// nothing. Typed with its département, or as its label, it is found.
test('a resident of Sainte-Marie (Hautes-Pyrénées) can choose her commune, by name and département or by its label', { timeout: 120_000 }, async () => {
  const { files } = await reachResults('Sainte-Marie 65', '65391');
  assert.deepEqual(files, ['/widget/national/index.bin', '/widget/national/65.bin']);
  const { page, context } = await openPage(browser, '/national.html');
  await elementDefined(page);
  await page.locator(`${widget} button[data-need="emploi"]`).click();
  await page.locator(`${widget} input[type="search"]`).fill('Sainte-Marie (65) – 65370');
  await page.locator(`${widget} [role="option"][data-insee="65391"]`).waitFor();
  // The postal code alone: its 25 communes listed first (the list scrolls), then the commune
  // whose INSEE code is 65370.
  await page.locator(`${widget} input[type="search"]`).fill('65370');
  await page.locator(`${widget} [role="option"][data-insee="65391"]`).waitFor({ state: 'attached' });
  assert.equal(await page.locator(`${widget} [role="option"]`).count(), 26);
  assert.equal(await page.locator(`${widget} [role="option"]`).last().getAttribute('data-insee'), '65370');
  assert.match(await page.locator(`${widget} .picker-status[role="status"]`).textContent(), /^26 communes correspondent/);
  // One letter: a status already; a name shared by hundreds: how to narrow.
  await page.locator(`${widget} input[type="search"]`).fill('s');
  assert.match(await page.locator(`${widget} .picker-status[role="status"]`).textContent(), /communes correspondent, les 50 premières sont listées : ajoutez le département/);
  await page.locator(`${widget} input[type="search"]`).fill('Ruffec 36');
  assert.equal(await page.locator(`${widget} .picker-status[role="status"]`).textContent(), '1 commune correspond');
  await context.close();
});

test('a resident of Ruffec (Charente) reaches results with only the index and the Charente bundle', { timeout: 120_000 }, async () => {
  const { text, files } = await reachResults('Ruffec', '16292');
  assert.deepEqual(files, ['/widget/national/index.bin', '/widget/national/16.bin']);
  assert.match(text, /Ruffec/);
});

test('back at the commune question, a resident of Strasbourg can choose Ruffec (Charente): the index comes back, not downloaded again', { timeout: 120_000 }, async () => {
  const { page, context, problems, requests } = await openPage(browser, '/national.html');
  await elementDefined(page);
  await page.locator(`${widget} button[data-need="emploi"]`).click();
  await answerUpToResults(page, 'Strasbourg', '67482');
  await page.locator(`${widget} .result`).first().waitFor();
  // The widget now runs on the Bas-Rhin bundle, in a container the loader will replace.
  await page.evaluate((host) => { document.querySelector(host).shadowRoot.querySelector('.aiguillage-root').dataset.before = ''; }, widget);
  await page.locator(`${widget} button.back`).click();
  await page.locator(`${widget} [data-step="situation"] button.back`).click();
  // The question is the index's, in a new container, with the focus back on it.
  await page.waitForFunction((host) => {
    const root = document.querySelector(host).shadowRoot;
    return root.querySelector('.aiguillage-root:not([data-before]) [data-step="commune"]') && root.activeElement?.tagName === 'H2';
  }, widget);
  await answerUpToResults(page, 'Ruffec', '16292');
  await page.locator(`${widget} .result`).first().waitFor();
  assert.match(await page.locator(`${widget} .results-for`).textContent(), /Ruffec \(16\)/);
  assert.match(new URL(page.url()).hash, /commune\.16292/);
  assert.deepEqual(dataFiles(requests), ['/widget/national/index.bin', '/widget/national/67.bin', '/widget/national/16.bin']);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a link holding the answers downloads only its département\'s bundle', { timeout: 60_000 }, async () => {
  const { page, context, problems, requests } = await openPage(browser, '/national.html#aiguillage=step.results~need.emploi~commune.97411');
  await page.locator(`${widget} .result`).first().waitFor();
  assert.deepEqual(dataFiles(requests), ['/widget/national/974.bin']);
  assert.deepEqual(problems, []);
  await context.close();
});

test('territory="region:75" keeps the commune question to Nouvelle-Aquitaine: Ruffec (16), not Ruffec (36)', { timeout: 60_000 }, async () => {
  const { page, context, problems } = await openPage(browser, '/national.html', {
    prepare: (page) => page.route(/\/national\.html$/, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, body: (await response.text()).replace('<aiguillage-orientation ', '<aiguillage-orientation territory="region:75" ') });
    }),
  });
  await elementDefined(page);
  await page.locator(`${widget} button[data-need="emploi"]`).click();
  await page.locator(`${widget} input[type="search"], ${widget} button[data-need="any"]`).first().waitFor();
  if (await page.locator(`${widget} button[data-need="any"]`).count()) await page.locator(`${widget} button[data-need="any"]`).click();
  await page.locator(`${widget} input[type="search"]`).fill('Ruffec');
  await page.locator(`${widget} [role="option"][data-insee="16292"]`).waitFor();
  const offered = await page.locator(`${widget} [role="option"]`).evaluateAll((options) => options.map((o) => o.dataset.insee));
  assert.ok(!offered.includes('36176'), `Ruffec (Indre) is outside the région: ${offered}`);
  const nouvelleAquitaine = ['16', '17', '19', '23', '24', '33', '40', '47', '64', '79', '86', '87'];
  assert.ok(offered.every((insee) => nouvelleAquitaine.includes(insee.slice(0, 2))), `${offered}`);
  assert.deepEqual(problems, []);
  await context.close();
});
