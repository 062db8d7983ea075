// One widget across départements (issues 15 and #31): the national demo page names a folder of
// bundles (`aiguillage bundle --territory all --out-dir`). A resident downloads the folder's
// start and manifest, the small parts of the commune index that their typing needs
// (`national.js`), then their département's bundle; a link holding the answers downloads only
// the latter. Never the whole index.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, openPage, elementDefined, chooseCommune, BASE_URL } from './support.mjs';
import { partFile } from '../../widget/static/national.js';

let browser;
let manifest;
before(async () => {
  browser = await launch();
  manifest = await (await fetch(new URL('/widget/national/index.json', BASE_URL))).json();
});
after(async () => { await browser?.close(); });

const widget = 'aiguillage-orientation';
const dataFiles = (requests) => requests.map((url) => new URL(url).pathname).filter((path) => path.startsWith('/widget/national/'));

/**
 * The folder's files a resident typing `typed` key by key needs: the start, the manifest, the part
 * of each searched text on the way (folded as the engine does for these names), each once.
 */
function typingFiles(typed) {
  const parts = [];
  for (let end = 1; end <= typed.length; end += 1) {
    // « st » and « ste » alone read « saint » and « sainte », as the engine folds them.
    const words = typed.slice(0, end).toLowerCase().replace(/-/g, ' ').trim().split(/ +/);
    const text = words.map((word) => ({ st: 'saint', ste: 'sainte' })[word] ?? word).join(' ');
    const file = text && partFile(manifest, text);
    if (file && !parts.includes(file)) parts.push(file);
  }
  return ['start.bin', 'index.json', ...parts].map((file) => `/widget/national/${file}`);
}

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

test('a resident of Strasbourg reaches results with only the parts of the index her typing needed and the Bas-Rhin bundle', { timeout: 120_000 }, async () => {
  const { text, files } = await reachResults('Strasbourg', '67482');
  assert.deepEqual(files.sort(), [...typingFiles('Strasbourg'), '/widget/national/67.bin'].sort());
  assert.ok(files.length <= 8, `${files}`);
  assert.match(text, /Strasbourg|France Services/);
});

test('a resident of Saint-Denis (La Réunion) reaches results with the parts her typing needed and the Réunion bundle', { timeout: 120_000 }, async () => {
  const { files } = await reachResults('Saint-Denis', '97411');
  assert.deepEqual(files.sort(), [...typingFiles('Saint-Denis'), '/widget/national/974.bin'].sort());
});

// Issue 33: some communes could not be chosen at all — Sainte-Marie (65) was the 9th of 8
// suggestions, its postal code shared by 25 communes, and its label as the list writes it found
// nothing. Typed with its département, or as its label, it is found.
test('a resident of Sainte-Marie (Hautes-Pyrénées) can choose her commune, by name and département or by its label', { timeout: 120_000 }, async () => {
  const { files } = await reachResults('Sainte-Marie 65', '65391');
  assert.ok(files.includes('/widget/national/65.bin') && !files.includes('/widget/national/index.bin'), `${files}`);
  const { page, context } = await openPage(browser, '/national.html');
  await elementDefined(page);
  await page.locator(`${widget} button[data-need="emploi"]`).click();
  await page.locator(`${widget} input[type="search"]`).fill('Sainte-Marie (65) – 65370');
  await page.locator(`${widget} [role="option"][data-insee="65391"]`).waitFor();
  // The postal code alone: its 25 communes listed first (the list scrolls), then the commune
  // whose INSEE code is 65370.
  await page.locator(`${widget} input[type="search"]`).fill('65370');
  await page.locator(`${widget} [role="option"][data-insee="65391"]`).waitFor({ state: 'attached' });
  await page.locator(`${widget} .picker-status[role="status"]`, { hasText: /^26 communes/ }).waitFor();
  assert.equal(await page.locator(`${widget} [role="option"]`).count(), 26);
  assert.equal(await page.locator(`${widget} [role="option"]`).last().getAttribute('data-insee'), '65370');
  assert.match(await page.locator(`${widget} .picker-status[role="status"]`).textContent(), /^26 communes correspondent/);
  // One letter: a status already; a name shared by hundreds: how to narrow.
  await page.locator(`${widget} input[type="search"]`).fill('s');
  await page.locator(`${widget} .picker-status[role="status"]`, { hasText: /communes correspondent, les 50 premières sont listées : ajoutez le département/ }).waitFor();
  await page.locator(`${widget} input[type="search"]`).fill('Ruffec 36');
  await page.locator(`${widget} .picker-status[role="status"]`, { hasText: /^1 commune correspond$/ }).waitFor();
  await context.close();
});

test('a resident of Ruffec (Charente) reaches results with only the parts her typing needed and the Charente bundle', { timeout: 120_000 }, async () => {
  const { text, files } = await reachResults('Ruffec', '16292');
  assert.deepEqual(files.sort(), [...typingFiles('Ruffec'), '/widget/national/16.bin'].sort());
  assert.match(text, /Ruffec/);
});

test('homonyms come larger first, and a postal code finds its communes', { timeout: 60_000 }, async () => {
  const { page, context, problems } = await openPage(browser, '/national.html#aiguillage=step.commune~need.emploi');
  const search = page.locator(`${widget} input[type="search"]`);
  await search.fill('Ruffec');
  await page.locator(`${widget} [role="option"][data-insee="36176"]`).waitFor();
  const offered = await page.locator(`${widget} [role="option"]`).evaluateAll((options) => options.map((o) => o.dataset.insee));
  assert.deepEqual(offered.slice(0, 2), ['16292', '36176'], 'Ruffec (16), 3,300 inhabitants, before Ruffec (36)');
  await search.fill('16700');
  // (The last part answers while the postal code's comes: the status says when it is there.)
  await page.locator(`${widget} .picker-status[role="status"]`, { hasText: /communes? correspond/ }).waitFor();
  const byCode = await page.locator(`${widget} [role="option"]`).evaluateAll((options) => options.map((o) => o.dataset.insee));
  assert.ok(byCode.includes('16292') && !byCode.includes('36176'), `16700 is Ruffec (16)'s postal code: ${byCode}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a part of the index that does not come is asked again, and the resident is told when it cannot be had', { timeout: 90_000 }, async () => {
  const asked = [];
  let failing = true;
  const { page, context } = await openPage(browser, '/national.html#aiguillage=step.commune~need.emploi', {
    prepare: (page) => page.route(/\/widget\/national\/index\/.*\.bin$/, (route) => {
      asked.push(new URL(route.request().url()).pathname);
      return failing ? route.abort('connectionreset') : route.continue();
    }),
  });
  const search = page.locator(`${widget} input[type="search"]`);
  await search.fill('Ruffec');
  await page.locator(`${widget} .picker-status[role="alert"]`, { hasText: /n'a pas pu être chargée/ }).waitFor({ timeout: 20_000 });
  assert.equal(new Set(asked).size, 1, `one part: ${asked}`);
  assert.equal(asked.length, 3, `asked three times: ${asked}`);
  // The line is back: typing again asks again, and the communes come.
  failing = false;
  await search.fill('Ruffe');
  await page.locator(`${widget} [role="option"][data-insee="16292"]`).waitFor();
  assert.equal(await page.locator(`${widget} .picker-status[role="alert"]`).textContent(), '');
  await context.close();
});

test('the national module that did not come is asked again when the resident types', { timeout: 60_000 }, async () => {
  const asked = [];
  const { page, context } = await openPage(browser, '/national.html#aiguillage=step.commune~need.emploi', {
    prepare: (page) => page.route(/\/widget\/national\.[0-9a-f]{16}\.js$/, (route) => {
      asked.push(route.request().url());
      return asked.length === 1 ? route.abort('connectionreset') : route.continue();
    }),
  });
  await page.locator(`${widget} input[type="search"]`).waitFor();
  await page.locator(`${widget} input[type="search"]`).fill('Ruffec');
  await page.locator(`${widget} [role="option"][data-insee="16292"]`).waitFor();
  assert.equal(asked.length, 2, `${asked}`);
  await context.close();
});

test('back at the commune question, a resident of Strasbourg can choose Ruffec (Charente): the Charente bundle comes, the start is not downloaded again', { timeout: 120_000 }, async () => {
  const { page, context, problems, requests } = await openPage(browser, '/national.html');
  await elementDefined(page);
  await page.locator(`${widget} button[data-need="emploi"]`).click();
  await answerUpToResults(page, 'Strasbourg', '67482');
  await page.locator(`${widget} .result`).first().waitFor();
  // The widget runs on the Bas-Rhin bundle, in a container the loader will replace.
  await page.evaluate((host) => { document.querySelector(host).shadowRoot.querySelector('.aiguillage-root').dataset.before = ''; }, widget);
  await page.locator(`${widget} button.back`).click();
  await page.locator(`${widget} [data-step="situation"] button.back`).click();
  await page.locator(`${widget} [data-step="commune"]`).waitFor();
  const before = dataFiles(requests).length;
  await page.locator(`${widget} input[type="search"]`).fill('');
  await answerUpToResults(page, 'Ruffec', '16292');
  await page.locator(`${widget} .result`).first().waitFor();
  assert.match(await page.locator(`${widget} .results-for`).textContent(), /Ruffec \(16\)/);
  assert.match(new URL(page.url()).hash, /commune\.16292/);
  const after = dataFiles(requests).slice(before);
  assert.ok(after.includes('/widget/national/16.bin'), `${after}`);
  assert.ok(!after.includes('/widget/national/start.bin') && !dataFiles(requests).includes('/widget/national/index.bin'), `${dataFiles(requests)}`);
  assert.equal(await page.evaluate((host) => document.querySelector(host).shadowRoot.querySelectorAll('.aiguillage-root[data-before]').length, widget), 0, 'mounted again on the Charente bundle');
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

test('a link naming two communes gets the results of the one the engine reads, its bundle after the one the loader guessed', { timeout: 60_000 }, async () => {
  // Before the engine has come, the loader reads the fragment's first commune to ask for its
  // bundle; the engine keeps the last (86194, Poitiers), writes the link again with it alone and
  // says its commune (answersChanged): the Vienne bundle follows.
  const { page, context, problems, requests } = await openPage(browser, '/national.html#aiguillage=step.results~need.emploi~commune.16292~commune.86194');
  await page.locator(`${widget} .result`).first().waitFor();
  const said = await page.evaluate((host) => document.querySelector(host).shadowRoot.textContent, widget);
  assert.match(said, /Poitiers/, 'the results are those of Poitiers');
  assert.deepEqual(dataFiles(requests), ['/widget/national/16.bin', '/widget/national/86.bin']);
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
