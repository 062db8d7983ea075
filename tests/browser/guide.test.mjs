// The printable local guide and the zones blanches maps (issue 30) in real Chromium, on the
// demo: the guide is styled under its strict CSP, requests nothing else, passes axe, prints on
// A4 with a page per need, nothing outside the page and the same page count each time; the link
// of a QR code opens the widget on its need and commune; the dashboard draws a map per need.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, axeViolations, BASE_URL } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** CC Val de Charente (Ruffec). */
const EPCI = '200043016';
// A4 less the guide's page margins (14 mm each side, 18 mm and 16 mm top and bottom), in CSS px.
const MM = 96 / 25.4;
const PRINTABLE = { width: Math.floor((210 - 28) * MM), height: Math.floor((297 - 34) * MM) };

/** Pages of a PDF: its page objects. */
function pageCount(pdf) {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;
}

/** What does not fit the printable width, and the cards taller than a page, in print media. */
async function outsideThePage(page) {
  await page.setViewportSize(PRINTABLE);
  await page.emulateMedia({ media: 'print' });
  return page.evaluate(({ width, height }) => {
    const wide = [...document.body.querySelectorAll('*')]
      .filter((element) => element.getBoundingClientRect().right > width + 0.5)
      .map((element) => `${element.tagName.toLowerCase()}.${element.className}: ${Math.round(element.getBoundingClientRect().right)}px`);
    // What is never cut across pages: a place's card (a service's stops are, between stops).
    const tall = [...document.querySelectorAll('.place:not(:has(.stops)), .stops li, .qr-box, .national li')]
      .filter((element) => element.getBoundingClientRect().height > height)
      .map((element) => `${element.className} ${element.textContent.slice(0, 40)}`);
    return { wide, tall, scroll: document.documentElement.scrollWidth - width };
  }, PRINTABLE);
}

async function printedPages(page) {
  const first = pageCount(await page.pdf({ preferCSSPageSize: true }));
  const again = pageCount(await page.pdf({ preferCSSPageSize: true }));
  assert.equal(again, first, 'the same page count each time');
  return first;
}

for (const [name, query] of [['French', ''], ['FALC, large type', '?langue=fr-x-falc&grands-caracteres=oui']]) {
  test(`an EPCI's guide in ${name} is styled under its CSP, accessible, and prints a page per need on A4`, async () => {
    const { page, problems, requests, response } = await openPage(browser, `/guide/${EPCI}.html${query}`);
    assert.match(response.headers()['content-security-policy'], /^default-src 'none'; style-src 'sha256-/);
    assert.deepEqual(problems, [], 'no CSP refusal, no error');
    assert.deepEqual(requests.filter((url) => new URL(url).origin !== new URL(BASE_URL).origin), [], 'no request to another site');
    assert.deepEqual(requests.length, 1, 'the page alone: no image, font or script');
    // The stylesheet ran (its hash is the one the CSP allows).
    assert.equal(await page.locator('.place').first().evaluate((e) => getComputedStyle(e).borderTopWidth), '2px');
    // axe is injected as a script: in a page whose CSP is set aside.
    const checked = await openPage(browser, `/guide/${EPCI}.html${query}`, { bypassCSP: true });
    assert.deepEqual(await axeViolations(checked.page), []);
    await checked.context.close();
    const needs = await page.locator('section.need').count();
    assert.equal(needs, 8);
    assert.equal(await page.locator('svg.qr').count(), needs, 'a QR code per need');
    const { wide, tall, scroll } = await outsideThePage(page);
    assert.deepEqual(wide, [], 'nothing wider than the page');
    assert.ok(scroll <= 0, `no horizontal overflow (${scroll}px)`);
    assert.deepEqual(tall, [], 'no card taller than a page');
    const pages = await printedPages(page);
    assert.ok(pages >= needs + 1, `the contents, then a page at least per need: ${pages} pages`);
    await page.context().close();
  });
}

test("the link of a commune's QR code opens the widget on that need and that commune", async () => {
  const { page } = await openPage(browser, '/guide/16292.html');
  const link = await page.locator('#besoin-emploi').locator('xpath=..').locator('a.url').getAttribute('href');
  assert.equal(new URL(link).hash, '#aiguillage=step.results~need.emploi~commune.16292');
  assert.equal(new URL(link).origin, new URL(BASE_URL).origin, "the demo's own page");
  await page.goto(link);
  const widget = page.locator('aiguillage-orientation');
  await widget.locator('.result-list li').first().waitFor();
  const heading = await widget.locator('.results-for').textContent();
  assert.match(heading, /Ruffec/);
  assert.match(heading, /emploi/i);
  await page.context().close();
});

test('the dashboard draws a zones blanches map per need and still prints on one A4 page', async () => {
  const { page, problems } = await openPage(browser, '/tableau-de-bord?territoire=16', { bypassCSP: true });
  assert.deepEqual(problems, []);
  const maps = page.locator('svg.zones');
  assert.equal(await maps.count(), 8);
  const communes = await maps.first().locator('circle.commune').count();
  assert.ok(communes > 300, `a dot per commune of Charente: ${communes}`);
  assert.deepEqual(await axeViolations(page), []);
  await page.emulateMedia({ media: 'print' });
  const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
  assert.equal(pageCount(pdf), 1, 'the dashboard and its maps on one page');
  await page.context().close();
});
