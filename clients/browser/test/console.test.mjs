// The console (GET /) on a phone-sized screen: nothing wider than the screen, a favicon, channel rates
// drawn as small charts, and counts that leave the readiness canary out.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, startHerald, until } from './harness.mjs';

let herald;
let browser;

before(async () => {
  [herald, browser] = await Promise.all([startHerald(), launchBrowser()]);
});

after(async () => {
  browser && await browser.close();
  herald && await herald.stop();
});

test('the console at 390 px: no sideways scrolling, a favicon, rate charts, the canary not counted', async () => {
  await until(async () => (await fetch(herald.url + '/health/ready')).status === 200, 20_000, 'readiness');
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true });
  const page = await ctx.newPage();
  await page.goto(herald.url + '/');
  for (let n = 0; n < 5; n++) {
    await herald.publish('console-demo', 'tick', n);
  }
  await until(() => page.evaluate(() => document.querySelector('#top td.spark polyline') !== null), 15_000,
    'a channel chart');
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, screen: innerWidth }));
  assert.ok(widths.page <= widths.screen, 'the page is ' + widths.page + ' px wide on a ' + widths.screen + ' px screen');
  const icon = await page.evaluate(() => document.querySelector('link[rel=icon]') && document.querySelector('link[rel=icon]').href);
  assert.ok(icon && icon.startsWith('data:image/svg+xml'), 'a favicon: ' + icon);
  // the console's own presence stream is a client; the readiness canary is not
  const streams = await until(() => page.evaluate(() => document.getElementById('streams').textContent !== '–'
    && document.getElementById('streams').textContent), 10_000, 'the connection count');
  assert.equal(streams, String((await herald.stats()).openStreams));
  assert.equal((await herald.stats()).history.channels, 1, 'console-demo only');
  await ctx.close();
});
