// Embedding for every commune site (issue 16): the configurator (integrer.html) writes snippets
// that, pasted into a blank page, render the widget, as a script and as an iframe; the iframe
// takes the height of its content and keeps the answers in its own URL fragment.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, axeViolations, BASE_URL } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Opens the configurator, sets options as a webmaster would, and returns the three codes. */
async function configure(page) {
  await page.locator('#territoire option').nth(1).waitFor({ state: 'attached' });
  await page.getByLabel('English').check();
  await page.getByLabel('Commune présélectionnée (facultatif)').fill('16292');
  // Checked once the field is left.
  await page.keyboard.press('Tab');
  await page.locator('#commune-nom').filter({ hasText: 'Ruffec' }).waitFor();
  await page.getByLabel('Titre (nom accessible du widget)').fill('Find digital help');
  await page.getByLabel('Couleur principale (boutons)').fill('#8a2b0e');
  await page.getByLabel('Compter les orientations pour le tableau de bord (anonyme)').check();
  await page.locator('aiguillage-orientation[lang="en"][commune="16292"]').waitFor({ state: 'attached' });
  return {
    script: await page.locator('#code-script').inputValue(),
    iframe: await page.locator('#code-iframe').inputValue(),
    csp: await page.locator('#code-csp').inputValue(),
  };
}

/** A blank page of the demo's origin holding `body`, served by the test. */
async function blankPage(path, body) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
  await page.route(`${BASE_URL}${path}`, (route) => route.fulfill({
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Page vierge</title></head><body><h1>Ma commune</h1>${body}</body></html>`,
  }));
  await page.goto(`${BASE_URL}${path}`);
  return { page, context, problems };
}

test('the configurator is accessible and its snippets render the widget, as a script and as an iframe', { timeout: 120_000 }, async () => {
  const { page, context, problems, response } = await openPage(browser, '/integrer.html', { bypassCSP: true });
  assert.equal(new URL(page.url()).pathname, '/widget/integrer.html');
  assert.match(response.headers()['content-security-policy'] ?? '', /frame-ancestors 'self'/);
  const codes = await configure(page);
  assert.deepEqual(await axeViolations(page), [], 'axe finds nothing on the configurator');
  assert.match(codes.script, /<script type="module" src="http:\/\/127\.0\.0\.1:\d+\/widget\/aiguillage\.js"><\/script>/);
  assert.match(codes.script, /lang="en"/);
  assert.match(codes.script, /commune="16292"/);
  assert.match(codes.script, /theme-accent="#8a2b0e"/);
  assert.match(codes.iframe, /<iframe src="[^"]+\/widget\/embed\.html\?[^"]*lang=en[^"]*" title="Find digital help" loading="lazy"/);
  // The CSP line names the widget's server: pasted on a commune site, 'self' would be the commune's.
  assert.match(codes.csp, /^script-src http:\/\/127\.0\.0\.1:\d+ 'wasm-unsafe-eval'; style-src http:\/\/127\.0\.0\.1:\d+;/);
  assert.doesNotMatch(codes.csp, /'self' 'wasm-unsafe-eval'/);
  // Counting is asked in both snippets, to this server's /stats.
  assert.match(codes.script, /data-stats="http:\/\/127\.0\.0\.1:\d+\/stats"/);
  assert.match(codes.iframe, /data-stats=http%3A%2F%2F127\.0\.0\.1%3A\d+%2Fstats/);
  // A commune code that is not one is said, and left out of the snippet.
  await page.getByLabel('Commune présélectionnée (facultatif)').fill('Ruffec');
  await page.keyboard.press('Tab');
  await page.locator('#commune-erreur').filter({ hasText: 'cinq caractères' }).waitFor();
  assert.equal(await page.locator('#commune').getAttribute('aria-invalid'), 'true');
  assert.doesNotMatch(await page.locator('#code-script').inputValue(), /commune=/);
  assert.deepEqual(problems, []);
  await context.close();

  // The script snippet, pasted into a blank page.
  const scripted = await blankPage('/blank-script.html', codes.script);
  const widget = scripted.page.locator('aiguillage-orientation');
  await widget.locator('button[data-need="emploi"]').waitFor();
  assert.match(await widget.locator('h2').first().textContent(), /need/i, 'in English');
  assert.equal(await widget.evaluate((el) => getComputedStyle(el).getPropertyValue('--aiguillage-accent').trim()), '#8a2b0e');
  assert.deepEqual(scripted.problems, []);
  await scripted.context.close();

  // The iframe snippet, pasted into a blank page: the frame grows to its content.
  const framed = await blankPage('/blank-iframe.html', codes.iframe);
  const frameElement = framed.page.locator('iframe');
  const frame = framed.page.frameLocator('iframe');
  await frame.locator('aiguillage-orientation button[data-need="emploi"]').waitFor();
  const fits = async () => framed.page.waitForFunction(() => {
    const iframe = document.querySelector('iframe');
    const inner = iframe.contentDocument?.documentElement;
    return inner && iframe.height !== '640' && Math.abs(Number(iframe.height) - inner.getBoundingClientRect().height) <= 2;
  });
  await fits();
  assert.match(await frame.locator('aiguillage-orientation').getAttribute('data-stats'), /\/stats$/, 'the iframe page passes data-stats on');
  const first = Number(await frameElement.getAttribute('height'));
  await frame.locator('aiguillage-orientation button[data-need="emploi"]').click();
  await framed.page.waitForFunction((before) => Number(document.querySelector('iframe').height) !== before, first);
  await fits();
  assert.match(framed.page.frames()[1].url(), /#aiguillage=/, 'the answers live in the iframe\'s own URL');
  assert.equal(new URL(framed.page.url()).hash, '', 'not in the host page\'s');
  assert.deepEqual(framed.problems, []);
  await framed.context.close();
});

test('the demo\'s iframe page works under a strict CSP and follows its content', { timeout: 90_000 }, async () => {
  const { page, context, problems, response } = await openPage(browser, '/iframe.html');
  assert.match(response.headers()['content-security-policy'], /default-src 'self'/);
  const frame = page.frameLocator('iframe');
  await frame.locator('aiguillage-orientation button[data-need="emploi"]').waitFor();
  await page.waitForFunction(() => {
    const iframe = document.querySelector('iframe');
    return iframe.height !== '640' && Math.abs(Number(iframe.height) - iframe.contentDocument.documentElement.getBoundingClientRect().height) <= 2;
  });
  const embed = await context.request.get(`${BASE_URL}/widget/embed.html`);
  assert.match(embed.headers()['content-security-policy'], /frame-ancestors \*/, 'any commune site may frame it');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the iframe page shows no data from elsewhere than its own server', { timeout: 60_000 }, async () => {
  for (const elsewhere of ['https://invente.example/lieux.bin', '//invente.example/lieux.bin', '/autre/lieux.bin']) {
    const { page, context, requests } = await openPage(browser, `/widget/embed.html?data-src=${encodeURIComponent(elsewhere)}`);
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').textContent(), /ne viennent pas de ce serveur/);
    assert.equal(await page.locator('aiguillage-orientation').count(), 0, elsewhere);
    assert.deepEqual(requests.filter((url) => new URL(url).pathname.endsWith('lieux.bin')), [], `${elsewhere} is never asked for`);
    await context.close();
  }
  const own = await openPage(browser, `/widget/embed.html?data-src=${encodeURIComponent('data/default.bin')}`);
  await own.page.locator('aiguillage-orientation button[data-need="emploi"]').waitFor();
  assert.deepEqual(own.problems, []);
  await own.context.close();
});
