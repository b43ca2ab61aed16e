// While Herald is down the client backs off (with jitter, whatever retry: said), names the cause, and
// once Herald is back it resumes from its last id without loss (history in Redis outlives the restart).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { appPage, got, launchBrowser, openApp, startHerald, startRedis, until } from './harness.mjs';

let redis;
let herald;
let browser;

before(async () => {
  redis = await startRedis();
  [herald, browser] = await Promise.all([
    startHerald({ 'store.type': 'redis', 'store.redis.port': redis.port, 'sse.retryTimeout': '300ms' }),
    launchBrowser()]);
});

after(async () => {
  browser && await browser.close();
  herald && await herald.stop();
  redis && redis.stop();
});

test('backoff while Herald is down, then a resume without loss', async () => {
  const ctx = await browser.newContext();
  await ctx.route(herald.url + '/app.html*', (route) => route.fulfill({ contentType: 'text/html',
    body: appPage(herald.url) }));
  const page = await openApp(ctx, herald.url, { channels: 'r1' });
  await until(() => page.evaluate(() => window.states.includes('open')), 10_000, 'the stream');
  for (let n = 0; n < 5; n++) {
    await herald.publish('r1', 'n', n);
  }
  await until(async () => (await got(page)).length === 5, 10_000, 'five events');
  const attempts = [];
  page.on('request', (r) => {
    if (r.url().includes('/v1/stream')) {
      attempts.push(Date.now());
    }
  });

  await herald.stop();
  const down = Date.now();
  await until(() => attempts.filter((t) => t > down).length >= 3, 10_000, 'three reconnect attempts');
  const tries = attempts.filter((t) => t > down);
  const gaps = tries.slice(1).map((t, i) => t - tries[i]);
  // 0.5, 1, 2 s... (each between half and all of it): the waits grow, whatever retry: said (300 ms here,
  // which a browser's own EventSource would follow: some 10 attempts in the time these 3 took)
  assert.ok(gaps[1] >= gaps[0] && gaps[0] >= 400, 'growing waits between attempts: ' + gaps);
  assert.ok(Date.now() - down >= 1500, 'three attempts took ' + (Date.now() - down) + ' ms');
  const errors = await until(async () => {
    const e = await page.evaluate(() => window.errors);
    return e.length >= 2 ? e : null;
  }, 10_000, 'the errors');
  assert.ok(errors.every((e) => e.cause === 'refused'), 'the cause is named: ' + JSON.stringify(errors[0]));
  assert.match(errors[0].message, /cannot be reached/);
  assert.deepEqual(errors.map((e) => e.attempt), errors.map((_, i) => i + 1));
  assert.ok(errors.every((e) => e.retryInMs > 0));
  assert.deepEqual(await page.evaluate(() => window.states.slice(-1)), ['reconnecting']);

  await herald.restart();
  for (let n = 5; n < 10; n++) {
    await herald.publish('r1', 'n', n);
  }
  await until(async () => (await got(page)).length >= 10, 20_000, 'the events published while it was away');
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual((await got(page)).map((e) => e.data), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(await page.evaluate(() => window.states.slice(-1)[0]), 'open');
  await ctx.close();
});
