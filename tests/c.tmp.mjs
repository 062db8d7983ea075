import { chromium } from 'playwright-core';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const ctx = await b.newContext({ viewport: { width: 320, height: 800 }, bypassCSP: true });
const p = await ctx.newPage();
await p.goto('http://127.0.0.1:8093/tableau-de-bord?territoire=16');
await p.addStyleTag({ content: process.argv[2] });
console.log(await p.evaluate(() => [...document.querySelectorAll('.scroll')].map((r) => ({ region: Math.round(r.getBoundingClientRect().width), table: Math.round(r.querySelector('table').getBoundingClientRect().width), caption: Math.round(r.querySelector('caption').getBoundingClientRect().width), capRight: Math.round(r.querySelector('caption').getBoundingClientRect().right) }))));
await p.screenshot({ path: '/tmp/g/d320c.png' });
await ctx.close(); await b.close();
