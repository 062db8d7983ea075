// What an RGAA audit checks beyond axe's defaults (issue 14 of the brief): where the focus goes,
// what the live region says, reflow with larger text, contrast under a host's dark theme, the
// step in the focused heading, print, and the smaller points. Each test failed before its fix.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, screenshot, elementDefined, tabTo, chooseRadio, chooseCommune, arrowToCommune, axeViolations, liveRegion, activeDescription } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const widget = 'aiguillage-orientation';

/** The focused element inside the widget: its tag and id. */
function focused(page) {
  return page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return { tag: active?.tagName.toLowerCase(), id: active?.id ?? '', type: active?.getAttribute('type') ?? '' };
  });
}

test('desk: the focus never falls to the page after choosing a commune or changing it', { timeout: 120_000 }, async () => {
  const { page, context, problems } = await openPage(browser, '/guichet.html');
  await elementDefined(page);
  await page.locator(`${widget} select`).waitFor();
  await chooseCommune(page, 'Ruffec', '16292');
  await page.locator(`${widget} .desk-commune button.secondary`).waitFor();
  const afterChoice = await focused(page);
  assert.ok(afterChoice.id.endsWith('-change-commune'), `focus on "Changer de commune": ${await activeDescription(page)}`);
  await page.keyboard.press('Enter');
  await page.locator(`${widget} input[type="search"]`).waitFor();
  const afterChange = await focused(page);
  assert.deepEqual([afterChange.tag, afterChange.type], ['input', 'search'], `focus back in the search: ${await activeDescription(page)}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('desk: the commune search keeps what is typed while a criterion changes beside it, and starts empty after « Changer de commune »', { timeout: 120_000 }, async () => {
  const { page, context, problems } = await openPage(browser, '/guichet.html');
  await elementDefined(page);
  const search = page.locator(`${widget} input[role="combobox"]`);
  await tabTo(page, 'input[role="combobox"]');
  await page.keyboard.type('Ruf');
  await page.locator(`${widget} [role="option"][data-insee="16292"]`).waitFor();
  await page.keyboard.press('ArrowDown');
  const active = await search.getAttribute('aria-activedescendant');
  assert.ok(active, 'a suggestion under the arrows');
  await chooseRadio(page, 'autonomy', 'autonomy-for-me');
  assert.equal(await search.inputValue(), 'Ruf', 'a criterion changed beside the search keeps the text');
  assert.equal(await search.getAttribute('aria-expanded'), 'true', 'and the suggestions');
  await search.focus();
  await page.keyboard.press('End');
  await page.keyboard.type('fec');
  await arrowToCommune(page, '16292');
  await page.locator(`${widget} .desk-commune button.secondary`).waitFor();
  await page.keyboard.press('Enter');
  await search.waitFor();
  assert.equal(await search.inputValue(), '', 'a new search after « Changer de commune »');
  assert.equal(await search.getAttribute('aria-activedescendant'), null, 'no suggestion under the arrows');
  assert.deepEqual(problems, []);
  await context.close();
});

test('desk: a criterion that changes the list is announced, in other words than the last', { timeout: 120_000 }, async () => {
  const { page, context, problems } = await openPage(browser, '/guichet.html#aiguillage=need.emploi~commune.16102');
  await elementDefined(page);
  await page.locator(`${widget} .result`).first().waitFor();
  await page.waitForFunction((host) => /lieux trouvés/.test(document.querySelector(host).shadowRoot.querySelector('[aria-live="polite"][aria-atomic="true"]').textContent), widget);
  const first = await liveRegion(page);
  await chooseRadio(page, 'autonomy', 'autonomy-for-me');
  await page.waitForFunction((old) => document.querySelector('aiguillage-orientation').shadowRoot
    .querySelector('[aria-live="polite"][aria-atomic="true"]').textContent !== old, first, { timeout: 10_000 });
  const second = await liveRegion(page);
  assert.match(second, /^Liste mise à jour : \d+ lieux, en premier \S/, `said after the change: ${second}`);
  assert.deepEqual(problems, []);
  await context.close();
});

/**
 * Elements of the widget that stick out of its container, at the current size. The plan's
 * drawing is not one of them: a map is exempt from reflow (WCAG 1.4.10), and scrolls sideways
 * in its own box, which must fit.
 */
function overflowing(page) {
  return page.evaluate((host) => {
    const root = document.querySelector(host).shadowRoot;
    const box = root.querySelector('section.aiguillage').getBoundingClientRect();
    return [...root.querySelectorAll('section.aiguillage *')]
      .filter((element) => element.getClientRects().length > 0 && !element.closest('details.map svg'))
      .filter((element) => element.getBoundingClientRect().right > box.right + 0.5 || element.getBoundingClientRect().left < box.left - 0.5)
      .map((element) => `${element.tagName.toLowerCase()}.${element.className} ${element.textContent.trim().slice(0, 30)}`);
  }, widget);
}

test('at 320 px with 24 px text, and with larger text spacing, nothing is wider than the widget (resident and desk)', { timeout: 120_000 }, async () => {
  for (const path of ['/', '/guichet.html#aiguillage=need.emploi~commune.16102']) {
    const { page, context, problems } = await openPage(browser, path, { viewport: { width: 320, height: 800 } });
    await elementDefined(page);
    await page.evaluate((host) => document.querySelector(host).style.setProperty('--aiguillage-font-size', '24px'), widget);
    await page.locator(path === '/' ? `${widget} .aiguillage-root button[data-need="demarches"]` : `${widget} .result`).first().waitFor();
    assert.deepEqual(await overflowing(page), [], `${path}: elements wider than the widget`);
    // WCAG 1.4.12 (RGAA 10.12): the reader's own text spacing loses nothing either.
    await page.evaluate((host) => {
      const style = document.createElement('style');
      style.textContent = '* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }';
      document.querySelector(host).shadowRoot.append(style);
    }, widget);
    assert.deepEqual(await overflowing(page), [], `${path}: elements wider than the widget with larger text spacing`);
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(scroll <= 320, `${path}: the page scrolls sideways (${scroll} px)`);
    await screenshot(page, `reflow-320-24px${path === '/' ? '' : '-desk'}`);
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('in a 240 px slot of a wide page, with 20 px text, nothing is wider than the widget', { timeout: 60_000 }, async () => {
  const { page, context, problems } = await openPage(browser, '/');
  await elementDefined(page);
  await page.evaluate((host) => {
    const element = document.querySelector(host);
    element.style.width = '240px';
    element.style.setProperty('--aiguillage-font-size', '20px');
  }, widget);
  await page.locator(`${widget} .aiguillage-root button[data-need="demarches"]`).waitFor();
  assert.deepEqual(await overflowing(page), [], 'elements wider than the 240 px widget');
  await screenshot(page, 'slot-240-20px');
  assert.deepEqual(problems, []);
  await context.close();
});

test("the reader's default font size is used, not a fixed 16 px", { timeout: 60_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  // A reader who set 20 px as the browser's default size (Chromium's preference, through CDP).
  const session = await context.newCDPSession(page);
  await session.send('Page.enable');
  await session.send('Page.setFontSizes', { fontSizes: { standard: 20, fixed: 16 } });
  await page.goto(new URL('/', process.env.AIGUILLAGE_URL ?? 'http://127.0.0.1:8080').href);
  await elementDefined(page);
  await page.locator(`${widget} .aiguillage-root button[data-need="demarches"]`).waitFor();
  const size = await page.evaluate(async (host) => {
    const section = document.querySelector(host).shadowRoot.querySelector('.aiguillage-root section.aiguillage');
    // `medium` as this browser resolves it is the reader's default size.
    const probe = document.createElement('span');
    probe.style.fontSize = 'medium';
    document.body.append(probe);
    const medium = getComputedStyle(probe).fontSize;
    probe.remove();
    return { widget: getComputedStyle(section).fontSize, medium };
  }, widget);
  assert.equal(size.medium, '20px', 'the browser took the reader\'s setting');
  assert.equal(size.widget, '20px', 'the widget follows the default size');
  // The host page's own root size does not change it.
  await page.evaluate(() => { document.documentElement.style.fontSize = '40px'; });
  const after = await page.evaluate((host) => getComputedStyle(document.querySelector(host).shadowRoot.querySelector('.aiguillage-root section.aiguillage')).fontSize, widget);
  assert.equal(after, size.medium);
  await context.close();
});

const DARK = {
  '--aiguillage-background': '#121212',
  '--aiguillage-text': '#f2f2f2',
  '--aiguillage-muted': '#c9c9c9',
  '--aiguillage-accent': '#8cc8ff',
  '--aiguillage-accent-text': '#0b0b0b',
  '--aiguillage-focus': '#ffb86b',
};

test('a dark theme set through the variables keeps every contrast (axe), results and pressed states included', { timeout: 120_000 }, async () => {
  const { page, context, problems } = await openPage(browser, '/');
  await elementDefined(page);
  await page.evaluate(([host, theme]) => {
    const element = document.querySelector(host);
    for (const [name, value] of Object.entries(theme)) element.style.setProperty(name, value);
  }, [widget, DARK]);
  await page.locator(`${widget} .aiguillage-root button[data-need="demarches"]`).waitFor();
  await page.locator(`${widget} .aiguillage-root button.senior`).click();
  await page.locator(`${widget} .aiguillage-root button[data-need="demarches"]`).hover();
  assert.deepEqual(await axeViolations(page), [], 'axe on the dark need step, senior pressed, a need hovered');
  // The results, with the "À apporter" box.
  await page.goto(new URL('/#aiguillage=step.results~need.demarches-caf~commune.16292', page.url()).href);
  await page.evaluate(([host, theme]) => {
    const element = document.querySelector(host);
    for (const [name, value] of Object.entries(theme)) element.style.setProperty(name, value);
  }, [widget, DARK]);
  await page.locator(`${widget} .bring`).waitFor();
  await page.locator(`${widget} .result`).first().hover();
  assert.deepEqual(await axeViolations(page), [], 'axe on the dark results');
  await screenshot(page, 'dark-theme-results');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the focused question says its step, and the total never changes on the way', { timeout: 120_000 }, async () => {
  const { page, context, problems } = await openPage(browser, '/');
  await elementDefined(page);
  await page.locator(`${widget} .aiguillage-root button[data-need="demarches"]`).click();
  // Démarches has precisions: still the first of four steps.
  const heading = page.locator(`${widget} .aiguillage-root h2`);
  await page.locator(`${widget} .aiguillage-root [data-step="detail"]`).waitFor();
  const name = async () => page.evaluate((host) => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active?.tagName === 'H2' ? active.textContent.replace(/\s+/g, ' ').trim() : `not a heading: ${active?.tagName}`;
  }, widget);
  assert.match(await name(), /^Étape 1 sur 4, /);
  await page.locator(`${widget} .aiguillage-root button[data-need="any"]`).click();
  await page.locator(`${widget} .aiguillage-root [data-step="commune"]`).waitFor();
  assert.match(await name(), /^Étape 2 sur 4, /);
  assert.match(await heading.textContent(), /Étape 2 sur 4/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('print: e-mail addresses on paper, links in the text colour, the desk results at full width, the slip without the host page', { timeout: 120_000 }, async () => {
  const { page, context, problems } = await openPage(browser, '/guichet.html#aiguillage=need.emploi~commune.16102');
  await elementDefined(page);
  await page.locator(`${widget} .result`).first().waitFor();
  await page.emulateMedia({ media: 'print' });
  const printed = await page.evaluate((host) => {
    const root = document.querySelector(host).shadowRoot;
    const style = (element) => getComputedStyle(element);
    const emails = [...root.querySelectorAll('.print-only')].filter((e) => style(e).display !== 'none').map((e) => e.textContent.trim());
    const text = style(root.querySelector('section.aiguillage')).color;
    const links = [...root.querySelectorAll('.result a, .fallbacks a')].filter((a) => style(a).color !== text).length;
    const results = root.querySelector('.desk-results').getBoundingClientRect().width;
    const section = root.querySelector('section.aiguillage').getBoundingClientRect().width;
    const mailto = root.querySelectorAll('.result a[href^="mailto:"]').length;
    return { emails, mailto, links, share: results / section };
  }, widget);
  assert.equal(printed.emails.length, printed.mailto, 'each e-mail link has its address printed');
  assert.ok(printed.emails.every((e) => /^\S+@\S+$/.test(e)), `addresses: ${printed.emails}`);
  assert.equal(printed.links, 0, 'links print in the text colour');
  assert.ok(printed.share > 0.95, `desk results take the page's width (${printed.share.toFixed(2)})`);
  await page.emulateMedia({ media: 'screen' });
  // "Imprimer la fiche" prints the widget alone: the host's header is hidden on paper, and only
  // while that print lasts (the browser's print dialog is replaced by a probe).
  await page.evaluate(() => { window.print = () => { window.printedWith = document.querySelector('aiguillage-orientation').hasAttribute('data-printing'); }; });
  await page.locator(`${widget} .slip-actions button`).first().click();
  assert.equal(await page.evaluate(() => window.printedWith), true, 'marked while printing');
  await page.emulateMedia({ media: 'print' });
  // Out of the layout, not merely invisible: no blank pages; the widget's ancestors stay.
  const shown = () => page.evaluate(() => ['header.site', 'main', 'aiguillage-orientation']
    .map((selector) => getComputedStyle(document.querySelector(selector)).display !== 'none').join());
  assert.equal(await shown(), 'false,true,true', 'the host page\'s header is not printed with the slip');
  await page.evaluate(() => dispatchEvent(new Event('afterprint')));
  assert.equal(await shown(), 'true,true,true', 'a print of the whole page afterwards prints the page');
  await page.emulateMedia({ media: 'screen' });
  assert.deepEqual(problems, []);
  await context.close();
});

test('smaller points: heading levels at the desk, the desk list groups precisions, no "✓" read aloud, new windows said, the commune field declares its purpose', { timeout: 120_000 }, async () => {
  const { page, context, problems } = await openPage(browser, '/guichet.html#aiguillage=need.demarches-caf~commune.16292');
  await elementDefined(page);
  await page.locator(`${widget} .result`).first().waitFor();
  const facts = await page.evaluate((host) => {
    const root = document.querySelector(host).shadowRoot;
    const options = [...root.querySelectorAll('select option')].map((o) => o.textContent);
    const check = getComputedStyle(root.querySelector('.reasons li'), '::before').content;
    const silentNewWindows = [...root.querySelectorAll('a[target="_blank"]')].filter((a) => !a.querySelector('.visually-hidden')).length;
    const levels = [...root.querySelectorAll('.desk-results h3, .desk-results h4')].map((h) => h.tagName).join();
    return { groups: root.querySelectorAll('select optgroup').length, dashes: options.filter((t) => /^—/.test(t.trim())).length, check, silentNewWindows, levels };
  }, widget);
  assert.match(facts.levels, /^H3(,H4)+$/, `the desk's results under "Lieux proposés": ${facts.levels}`);
  assert.ok(facts.groups >= 1, 'needs with precisions are option groups');
  assert.equal(facts.dashes, 0, 'no option starts with a dash');
  assert.equal(facts.check, '"✓" / ""', 'the check mark has an empty alternative');
  assert.equal(facts.silentNewWindows, 0, 'every link opening a new window says so');
  await page.locator(`${widget} .desk-commune button.secondary`).click();
  assert.equal(await page.locator(`${widget} input[type="search"]`).getAttribute('autocomplete'), 'address-level2');
  for (const path of ['/', '/guichet.html', '/intranet.html', '/deux.html', '/hostile.html', '/absent.html', '/csp.html']) {
    const other = await openPage(browser, path);
    assert.equal(await other.page.locator('h1').count(), 1, `${path} has one h1`);
    await other.context.close();
  }
  assert.deepEqual(problems, []);
  await context.close();
});

/** The commune field's combobox state, read from the accessibility attributes. */
function combobox(page) {
  return page.evaluate((host) => {
    const root = document.querySelector(host).shadowRoot;
    const field = root.querySelector('input[role="combobox"]');
    const list = root.getElementById(field.getAttribute('aria-controls'));
    const activeId = field.getAttribute('aria-activedescendant');
    const active = activeId ? root.getElementById(activeId) : null;
    return {
      value: field.value,
      expanded: field.getAttribute('aria-expanded'),
      invalid: field.getAttribute('aria-invalid'),
      listRole: list?.getAttribute('role'),
      options: list ? list.querySelectorAll('[role="option"]').length : 0,
      active: active?.dataset.insee ?? null,
      activeSelected: active?.getAttribute('aria-selected') ?? null,
      // What describes the field: the status region and the error region, both always there.
      described: (field.getAttribute('aria-describedby') ?? '').split(' ').map((id) => root.getElementById(id)).filter(Boolean)
        .map((region) => `${region.getAttribute('role')}:${region.textContent}`),
    };
  }, widget);
}

test('the commune picker is a combobox: arrows, Enter, Escape, invalid when nothing matches', { timeout: 120_000 }, async () => {
  const { page, context, problems } = await openPage(browser, '/#aiguillage=step.commune~need.emploi');
  await elementDefined(page);
  await tabTo(page, 'input[role="combobox"]');
  assert.equal((await combobox(page)).expanded, 'false', 'closed while nothing is typed');
  await page.keyboard.type('Ruffec');
  await page.locator(`${widget} [role="option"]`).first().waitFor();
  let state = await combobox(page);
  assert.deepEqual([state.expanded, state.listRole, state.active], ['true', 'listbox', null]);
  await page.keyboard.press('Enter');
  assert.equal(await page.locator(`${widget} [data-step="commune"]`).count(), 1, 'Enter without a suggestion under the arrows chooses nothing');
  assert.ok(state.options >= 2, 'Ruffec (16) and more');
  assert.deepEqual(state.described.map((d) => d.replace(/\d+/, 'N')), ['status:N communes correspondent', 'alert:'], 'the count is a status');
  await page.keyboard.press('ArrowDown');
  state = await combobox(page);
  assert.deepEqual([state.active, state.activeSelected], ['16292', 'true'], 'the first suggestion, the larger Ruffec');
  const second = await page.locator(`${widget} [role="option"]`).nth(1).getAttribute('data-insee');
  await page.keyboard.press('ArrowDown');
  assert.equal((await combobox(page)).active, second);
  await page.keyboard.press('ArrowUp');
  assert.equal((await combobox(page)).active, '16292');
  await page.keyboard.press('Escape');
  state = await combobox(page);
  assert.deepEqual([state.expanded, state.value, state.active], ['false', 'Ruffec', null], 'Escape closes and keeps the text');
  await page.keyboard.press('Enter');
  assert.equal(await page.locator(`${widget} [data-step="commune"]`).count(), 1, 'Enter on a closed list chooses nothing');
  await page.keyboard.press('ArrowDown');
  assert.equal((await combobox(page)).active, '16292', 'the arrows open the list again');
  await page.keyboard.press('Enter');
  await page.locator(`${widget} [data-step="situation"]`).waitFor();
  assert.match(page.url(), /commune\.16292/);
  // Nothing matches: said, and the field is marked invalid.
  await page.goto(new URL('/#aiguillage=step.commune~need.emploi', page.url()).href);
  await page.reload();
  await elementDefined(page);
  await tabTo(page, 'input[role="combobox"]');
  await page.keyboard.type('Zzyzx');
  await page.waitForFunction((host) => document.querySelector(host).shadowRoot.querySelector('input[role="combobox"]').getAttribute('aria-invalid') === 'true', widget);
  state = await combobox(page);
  assert.deepEqual([state.expanded, state.options], ['false', 0]);
  assert.equal(state.described[0], 'status:', 'no count');
  assert.match(state.described[1], /^alert:Aucune commune/, 'no match is an error, said at once');
  assert.deepEqual(await axeViolations(page), [], 'axe on the invalid combobox');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the `label` attribute names the widget without the tooltip `title` shows', { timeout: 60_000 }, async () => {
  const { page, context, problems } = await openPage(browser, '/');
  await elementDefined(page);
  await page.evaluate((host) => {
    const element = document.querySelector(host);
    element.removeAttribute('title');
    element.setAttribute('label', 'Aide au numérique');
  }, widget);
  await page.waitForFunction((host) => document.querySelector(host).shadowRoot
    .querySelector('.aiguillage-root section.aiguillage')?.getAttribute('aria-label') === 'Aide au numérique', widget);
  assert.equal(await page.locator(widget).getAttribute('title'), null, 'no title on the element: no tooltip');
  assert.deepEqual(problems, []);
  await context.close();
});

test('axe: 0 violations on every demo page, and in both modes and the three languages before and after results', { timeout: 300_000 }, async () => {
  const failures = [];
  for (const path of ['/', '/guichet.html', '/intranet.html', '/deux.html', '/hostile.html', '/absent.html', '/csp.html']) {
    const { page, context } = await openPage(browser, path, { bypassCSP: true });
    await elementDefined(page);
    await page.locator(`${widget} .aiguillage-root section, ${widget} [role="alert"]`).first().waitFor();
    const violations = await axeViolations(page);
    if (violations.length) failures.push(`${path}: ${violations.join('; ')}`);
    await context.close();
  }
  for (const lang of ['fr', 'fr-x-falc', 'en']) {
    for (const mode of ['resident', 'desk']) {
      for (const fragment of ['', '#aiguillage=step.results~need.demarches-caf~commune.16292']) {
        const { page, context } = await openPage(browser, `/${fragment}`);
        await elementDefined(page);
        await page.evaluate(([host, l, m]) => {
          const element = document.querySelector(host);
          element.setAttribute('lang', l);
          element.setAttribute('mode', m);
        }, [widget, lang, mode]);
        const ready = fragment ? `${widget} .aiguillage-root .result` : `${widget} .aiguillage-root section[data-mode="${mode}"]`;
        await page.waitForFunction(([host, m]) => document.querySelector(host).shadowRoot
          .querySelector(`.aiguillage-root section[data-mode="${m}"]`), [widget, mode]);
        await page.locator(ready).first().waitFor();
        const violations = await axeViolations(page);
        if (violations.length) failures.push(`${lang} ${mode} ${fragment || 'start'}: ${violations.join('; ')}`);
        await context.close();
      }
    }
  }
  assert.deepEqual(failures, []);
});
