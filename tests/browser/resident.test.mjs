// The resident flow on the demo's home page, in real headless Chromium, by keyboard only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, screenshot, elementDefined, tabTo, chooseRadio, arrowToCommune, axeViolations, liveRegion, BASE_URL } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const widget = 'aiguillage-orientation';

test('a resident of Ruffec gets her tax return done for her, by keyboard only, with 0 axe violations', { timeout: 180_000 }, async () => {
  const { page, context, problems, requests } = await openPage(browser, '/');
  await elementDefined(page);
  assert.ok(await page.evaluate(() => !!document.querySelector('aiguillage-orientation')?.shadowRoot), 'open shadow root');
  await page.locator(`${widget} button[data-need="demarches"]`).waitFor();
  const steps = [];
  const check = async (name) => {
    await screenshot(page, `resident-${steps.length + 1}-${name}`);
    steps.push({ name, violations: await axeViolations(page) });
  };

  await check('need');
  await tabTo(page, 'button[data-need="demarches"]');
  await page.keyboard.press('Enter');
  await page.locator(`${widget} button[data-need="demarches-impots"]`).waitFor();
  assert.match(await page.locator(`${widget} h2`).textContent(), /préciser/);
  await check('detail');
  await tabTo(page, 'button[data-need="demarches-impots"]');
  await page.keyboard.press('Enter');

  await page.locator(`${widget} input[type="search"]`).waitFor();
  await tabTo(page, 'input[type="search"]');
  await page.keyboard.type('Ruffec');
  const options = page.locator(`${widget} .commune-option`);
  await options.first().waitFor();
  const labels = await options.allTextContents();
  assert.ok(labels.some((l) => l.startsWith('Ruffec (16)')), `Ruffec (16) offered: ${labels}`);
  await check('commune');
  await arrowToCommune(page, '16292');

  await page.locator(`${widget} fieldset`).first().waitFor();
  await check('situation');
  await chooseRadio(page, 'autonomy', 'autonomy-for-me');
  await tabTo(page, 'button[type="submit"]');
  await page.keyboard.press('Enter');

  const results = page.locator(`${widget} .result`);
  await results.first().waitFor();
  const count = await results.count();
  assert.ok(count >= 1 && count <= 5, `1 to 5 actors: ${count}`);
  const firstReasons = await results.first().locator('.reasons li').allTextContents();
  assert.match(firstReasons[0], /Impôts/);
  assert.ok(firstReasons.some((r) => /Aidants Connect|France Services/.test(r)), `for-me reasons: ${firstReasons}`);
  assert.match(await page.locator(`${widget} .bring`).textContent(), /fiscal/i, 'what to bring for taxes');
  await page.waitForFunction(() => {
    const region = document.querySelector('aiguillage-orientation').shadowRoot.querySelector('[aria-live="polite"][aria-atomic="true"]');
    return /lieux trouvés/.test(region?.textContent ?? '');
  });
  assert.match(await liveRegion(page), /\d+ lieux trouvés/);
  const focused = await page.evaluate(() => document.querySelector('aiguillage-orientation').shadowRoot.activeElement?.tagName);
  assert.equal(focused, 'H2', 'focus moved to the step heading');
  await check('results');

  for (const step of steps) assert.deepEqual(step.violations, [], `axe violations on step ${step.name}`);

  // The answers are in the fragment: the link can be shared and reopens on the results.
  const url = page.url();
  assert.match(url, /#aiguillage=.*need\.demarches-impots.*commune\.16292/);
  const shared = await context.newPage();
  await shared.goto(url);
  await shared.locator(`${widget} .result`).first().waitFor();
  // Back goes to the previous step.
  await page.goBack();
  await page.locator(`${widget} fieldset`).first().waitFor();

  assert.deepEqual(problems, [], 'the page logged no error');
  assert.deepEqual(requests.filter((u) => !u.startsWith(BASE_URL)), [], 'no third-party request');
  const cookies = await context.cookies();
  assert.deepEqual(cookies, [], 'no cookie');
  await context.close();
});

test('at 320 px wide the flow has no horizontal scroll', { timeout: 60_000 }, async () => {
  const { page, context, problems } = await openPage(browser, '/#aiguillage=step.results~need.emploi~commune.16102', { viewport: { width: 320, height: 640 } });
  await page.locator(`${widget} .result`).first().waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `horizontal overflow of ${overflow}px`);
  await screenshot(page, 'resident-320px-results');
  assert.deepEqual(problems, []);
  await context.close();
});

test('from the shipped bundle, a business in Cognac gets its chambers first and its own national contact (issue 8)', { timeout: 60_000 }, async () => {
  const { page, context, problems } = await openPage(browser, '/#aiguillage=step.results~need.entreprise~commune.16102');
  const results = page.locator(`${widget} .result`);
  await results.first().waitFor();
  assert.match(await results.first().locator('h3').textContent(), /Chambre de (commerce|métiers)/);
  const contacts = await page.locator(`${widget} .fallbacks li`).allTextContents();
  // The need's own contacts first: creating a business (the formalities desk, the chambers), then
  // the service for existing firms (issue #27).
  assert.match(contacts[0], /Guichet unique des formalités/, `the need's own contacts first: ${contacts}`);
  assert.ok(contacts.slice(0, 4).some((c) => /Conseillers-Entreprises/.test(c)), `${contacts}`);
  assert.ok(!contacts.some((c) => /17Cyber/.test(c)), 'no other need\'s contact');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the results can be taken away by SMS (the SMS alphabet, three parts at most, with the link) and by e-mail', { timeout: 60_000 }, async () => {
  const { page, context, problems } = await openPage(browser, '/#aiguillage=step.results~need.demarches-caf~commune.16292');
  await elementDefined(page);
  await page.locator(`${widget} .aiguillage-root .result`).first().waitFor();
  const sms = await page.locator(`${widget} .slip-actions a[href^="sms:"]`).getAttribute('href');
  const body = decodeURIComponent(sms.replace(/^sms:\?&body=/, ''));
  // GSM 03.38 only (one other character and phones send it as UCS-2, in twice the parts); the
  // escaped characters count twice; three parts of 153.
  const GSM7 = /^[A-Za-z0-9 @£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!"#¤%&'()*+,\-./:;<=>?¡ÄÖÑÜ§¿äöñüà{}\[\]~\\^|€]*$/;
  assert.match(body, GSM7, `only the SMS alphabet: ${body}`);
  const septets = [...body].reduce((n, c) => n + ('{}[]~\\^|€'.includes(c) ? 2 : 1), 0);
  assert.ok(septets <= 459, `${septets} septets: ${body}`);
  assert.match(body, /^Démarches CAF|^.+ - Ruffec \(16\)/m);
  assert.match(body, /\n1\. .+/, 'the first place');
  assert.ok(body.endsWith(page.url()), `the link that opens these answers: ${body}`);
  const mail = await page.locator(`${widget} .slip-actions a[href^="mailto:"]`).getAttribute('href');
  const [, subject, mailBody] = mail.match(/^mailto:\?subject=([^&]*)&body=(.*)$/);
  assert.equal(decodeURIComponent(subject), "Fiche d'orientation");
  assert.match(decodeURIComponent(mailBody), /^Fiche d'orientation\n/);
  assert.deepEqual(problems, []);
  await context.close();
});
