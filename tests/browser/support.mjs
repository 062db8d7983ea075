// Shared set-up for the browser tests: Debian's Chromium driven by playwright-core.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BASE_URL = process.env.AIGUILLAGE_URL ?? 'http://127.0.0.1:8080';
export const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
mkdirSync(ARTIFACTS, { recursive: true });

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A page that records console errors, uncaught exceptions and every request it makes.
 * `prepare(page)` runs before the navigation (to route requests, say). `bypassCSP` lets a test
 * inject axe into a page whose strict CSP would refuse it.
 */
export async function openPage(browser, path, { viewport = { width: 1280, height: 900 }, prepare, bypassCSP = false } = {}) {
  const context = await browser.newContext({ viewport, bypassCSP });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems = [];
  const requests = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught exception: ${error.message}`));
  page.on('request', (request) => requests.push(request.url()));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  await prepare?.(page);
  const response = await page.goto(new URL(path, BASE_URL).href);
  return { page, context, problems, requests, response };
}

export async function screenshot(page, name) {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

/** Waits until the custom element is defined (fails after the page's default timeout). */
export async function elementDefined(page) {
  await page.waitForFunction(() => customElements.get('aiguillage-orientation') !== undefined);
}

/** The focused element, looking inside shadow roots. */
export async function activeDescription(page) {
  return page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    if (!active) return '';
    const attrs = ['data-need', 'data-insee', 'id', 'type', 'class'].map((a) => active.getAttribute(a)).filter(Boolean);
    return `${active.tagName.toLowerCase()} ${attrs.join(' ')} ${active.textContent.trim().slice(0, 60)}`;
  });
}

/** Presses Tab until the focused element (inside shadow roots too) matches `selector`. */
export async function tabTo(page, selector, maxPresses = 80) {
  for (let i = 0; i < maxPresses; i += 1) {
    const matches = await page.evaluate((sel) => {
      let active = document.activeElement;
      while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
      return !!active?.matches?.(sel);
    }, selector);
    if (matches) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`could not reach ${selector} with Tab (focus is on ${await activeDescription(page)})`);
}

const AXE = fileURLToPath(new URL('../node_modules/axe-core/axe.min.js', import.meta.url));

/** Runs axe-core (WCAG 2.1 A/AA rules) over the page, shadow roots included; returns violations. */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
    await page.addScriptTag({ path: AXE });
  }
  const results = await page.evaluate(async () =>
    window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
  );
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(' | ')})`);
}

/** The text of the widget's polite live region. */
export async function liveRegion(page, host = 'aiguillage-orientation') {
  return page.locator(`${host} [aria-live="polite"][aria-atomic="true"]`).first().textContent();
}

/** Moves to a radio group with Tab, then chooses `value` with the arrow keys, as a keyboard user does. */
export async function chooseRadio(page, groupSuffix, valueSuffix, maxPresses = 8) {
  await tabTo(page, `input[type="radio"][name$="${groupSuffix}"]`);
  for (let i = 0; i < maxPresses; i += 1) {
    const checked = await page.evaluate((suffix) => {
      let active = document.activeElement;
      while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
      return active?.id?.endsWith(suffix) && active.checked;
    }, valueSuffix);
    if (checked) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`could not choose ${valueSuffix} with the arrow keys`);
}

/**
 * In the commune search (a combobox, focused), moves with the arrow keys to the suggestion of
 * `insee` and chooses it with Enter, as a keyboard user does.
 */
export async function arrowToCommune(page, insee, host = 'aiguillage-orientation', maxPresses = 10) {
  await page.locator(`${host} [role="option"][data-insee="${insee}"]`).waitFor();
  for (let i = 0; i < maxPresses; i += 1) {
    await page.keyboard.press('ArrowDown');
    const active = await page.evaluate(() => {
      let field = document.activeElement;
      while (field?.shadowRoot?.activeElement) field = field.shadowRoot.activeElement;
      const id = field?.getAttribute('aria-activedescendant');
      return id ? field.getRootNode().getElementById(id)?.dataset.insee : undefined;
    });
    if (active === insee) {
      await page.keyboard.press('Enter');
      return;
    }
  }
  throw new Error(`could not reach commune ${insee} with the arrow keys`);
}

/** Tabs to the commune search, types `typed`, and chooses `insee` with the arrow keys and Enter. */
export async function chooseCommune(page, typed, insee, host = 'aiguillage-orientation') {
  await tabTo(page, 'input[role="combobox"]');
  await page.keyboard.type(typed);
  await arrowToCommune(page, insee, host);
}
