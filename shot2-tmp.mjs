import { chromium } from 'playwright-core';
const [,, file, out, sel] = process.argv;
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
const p = await b.newPage({ viewport: { width: 1400, height: 900 } });
await p.goto('file://' + file);
const el = await p.$(sel);
await el.screenshot({ path: out });
await b.close();
