// The first question, shown by the loader before the engine (wasm) has arrived: what a resident
// on a slow line sees first. The engine's download is held back here until the test lets it go.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, screenshot, elementDefined, tabTo, activeDescription, axeViolations } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const widget = 'aiguillage-orientation';

/** Opens `path` with the widget's wasm held until `release()` is called. */
async function openWithEngineHeld(path, options = {}) {
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  const opened = await openPage(browser, path, {
    ...options,
    prepare: (page) => page.route('**/*.wasm', async (route) => { await held; await route.continue(); }),
  });
  return { ...opened, release };
}

/** What a need question says, in order: progress, question, senior entry, and each choice. */
function describeNeedStep(page, selector) {
  return page.evaluate(([host, sel]) => {
    const step = document.querySelector(host).shadowRoot.querySelector(sel);
    if (!step) return null;
    const text = (element) => element?.textContent.replace(/\s+/g, ' ').trim() ?? '';
    return {
      progress: text(step.querySelector('.progress')),
      question: text(step.querySelector('h2')),
      senior: text(step.querySelector('button.senior')),
      choices: [...step.querySelectorAll('button.choice')].map((b) => `${b.dataset.need}: ${text(b)}`),
    };
  }, [widget, selector]);
}

/**
 * A need question's markup, node by node: each element's tag, attributes and children, text
 * with its spaces collapsed. The early question's own parts are left out: its status (what it
 * says once a need is chosen) and what it hides (the senior note until the entry is pressed,
 * which the engine draws only then).
 */
function needStepMarkup(page, selector) {
  return page.evaluate(([host, sel]) => {
    const markup = (node) => {
      if (node.nodeType === Node.TEXT_NODE) return node.textContent.replace(/\s+/g, ' ');
      const attributes = Object.fromEntries([...node.attributes].map((a) => [a.name, a.value]).sort());
      const children = [...node.childNodes]
        .filter((child) => child.nodeType === Node.TEXT_NODE ? child.textContent.trim() : !child.hidden && !child.matches('p.status'))
        .map(markup);
      return [node.tagName.toLowerCase(), attributes, ...children];
    };
    const step = document.querySelector(host).shadowRoot.querySelector(sel);
    return step && markup(step);
  }, [widget, selector]);
}

test('the first question appears before the engine, says exactly what the engine says with the same markup, with 0 axe violations', { timeout: 120_000 }, async () => {
  const { page, context, problems, release } = await openWithEngineHeld('/');
  await elementDefined(page);
  await page.locator(`${widget} [data-early] button[data-need="demarches"]`).waitFor();
  assert.equal(await page.evaluate((host) => document.querySelector(host).shadowRoot.querySelector('.aiguillage-root').hidden, widget), true,
    'the engine view waits, hidden, behind the early question');
  await screenshot(page, 'early-1-before-engine');
  const early = await describeNeedStep(page, '[data-early] [data-step="need"]');
  const earlyMarkup = await needStepMarkup(page, '[data-early] [data-step="need"]');
  assert.deepEqual(await axeViolations(page), [], 'axe on the early question');

  release();
  await page.waitForFunction((host) => !document.querySelector(host).shadowRoot.querySelector('[data-early]'), widget);
  await page.locator(`${widget} .aiguillage-root button[data-need="demarches"]`).waitFor();
  const engine = await describeNeedStep(page, '.aiguillage-root [data-step="need"]');
  assert.ok(early.choices.length >= 7, `the top-level needs: ${early.choices}`);
  assert.deepEqual(early, engine, 'the loader and the engine ask the same question with the same words');
  // The loader draws the engine's question as rendered at build time (first-step.<lang>.json):
  // the same markup, node for node, or the take-over would change what a resident sees and hears.
  assert.deepEqual(earlyMarkup, await needStepMarkup(page, '.aiguillage-root [data-step="need"]'), 'the same markup');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a need and the senior entry chosen before the engine arrives are kept: the engine opens the next step', { timeout: 120_000 }, async () => {
  const { page, context, problems, release } = await openWithEngineHeld('/');
  await elementDefined(page);
  await page.locator(`${widget} [data-early] button.senior`).waitFor();
  await tabTo(page, 'button.senior');
  await page.keyboard.press('Enter');
  assert.equal(await page.locator(`${widget} [data-early] button.senior`).getAttribute('aria-pressed'), 'true');
  await tabTo(page, 'button[data-need="demarches"]');
  await page.keyboard.press('Enter');
  assert.match(await page.locator(`${widget} [data-early] [role="status"]`).textContent(), /Chargement/, 'the wait is said');
  await screenshot(page, 'early-2-chosen');

  release();
  // demarches has details: the engine goes on to them, focus on the new question.
  await page.locator(`${widget} button[data-need="demarches-impots"]`).waitFor();
  assert.match(await page.locator(`${widget} h2`).textContent(), /préciser/);
  await page.waitForFunction((host) => {
    const root = document.querySelector(host).shadowRoot;
    return root.activeElement?.tagName === 'H2';
  }, widget);
  const fragment = await page.evaluate(() => decodeURIComponent(location.hash));
  assert.match(fragment, /need\.demarches/, `answers in the fragment: ${fragment}`);
  assert.match(fragment, /public\.seniors/, `the senior entry kept: ${fragment}`);
  // Back goes to the need question, now the engine's, with the senior entry still pressed.
  await page.goBack();
  await page.locator(`${widget} .aiguillage-root button.senior[aria-pressed="true"]`).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('focus on the early question stays on the same control when the engine takes over', { timeout: 120_000 }, async () => {
  const { page, context, problems, release } = await openWithEngineHeld('/');
  await elementDefined(page);
  await page.locator(`${widget} [data-early] button[data-need="emploi"]`).waitFor();
  await tabTo(page, 'button[data-need="emploi"]');
  release();
  await page.waitForFunction((host) => !document.querySelector(host).shadowRoot.querySelector('[data-early]'), widget);
  await page.waitForFunction((host) => document.querySelector(host).shadowRoot.activeElement?.dataset?.need === 'emploi', widget)
    .catch(async () => assert.fail(`focus lost on take-over: ${await activeDescription(page)}`));
  assert.deepEqual(problems, []);
  await context.close();
});

test('no early question in desk mode nor when the link already holds answers', { timeout: 120_000 }, async () => {
  for (const path of ['/guichet.html', '/#aiguillage=step.commune~need.emploi']) {
    const { page, context, problems, release } = await openWithEngineHeld(path);
    await elementDefined(page);
    await page.waitForTimeout(500);
    assert.equal(await page.evaluate((host) => document.querySelectorAll(host).length > 0 && [...document.querySelectorAll(host)].every((el) => !el.shadowRoot.querySelector('[data-early]')), widget), true, `${path}: no early question`);
    release();
    await page.locator(`${widget} .aiguillage-root h2`).first().waitFor();
    assert.deepEqual(problems, [], path);
    await context.close();
  }
});

test('a link holding the answers downloads only what its results need', { timeout: 60_000 }, async () => {
  const { page, context, problems, requests } = await openPage(browser, '/#aiguillage=step.results~need.demarches-caf~commune.16292');
  await elementDefined(page);
  await page.locator(`${widget} .aiguillage-root .result`).first().waitFor();
  // The page and its own stylesheet aside, the widget's files: each once, nothing more.
  const widgetFiles = requests.filter((url) => new URL(url).pathname.startsWith('/widget/')).map((url) => new URL(url).pathname.replace(/\.[0-9a-f]{16}\./, '.HASH.'));
  assert.deepEqual(widgetFiles.sort(), [
    '/widget/aiguillage.HASH.css',
    '/widget/aiguillage.js',
    '/widget/aiguillage_widget.HASH.js',
    '/widget/aiguillage_widget_bg.HASH.wasm',
    '/widget/data/default.bin',
    '/widget/texts.fr.HASH.bin',
  ]);
  assert.deepEqual(problems, []);
  await context.close();
});
