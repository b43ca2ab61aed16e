// The browser client in headless Chromium on a page of Herald's own origin: several tabs share one
// stream and one session; closing the leader loses nothing; a tab closing while others stay is no
// presence event; reloads are reconnects that lose nothing; the last tab closing is one disconnect;
// tabs that open while the session's start is on its way share it; event names arrive without being declared.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { appPage, got, launchBrowser, openApp, startHerald, until, watchPresence } from './harness.mjs';

const GRACE_MS = 2000;
let herald;
let browser;
let presence;

/** A browser context whose tabs load the app from Herald's origin (same-origin). */
async function context() {
  const ctx = await browser.newContext();
  await ctx.route(herald.url + '/app.html*', (route) => route.fulfill({ contentType: 'text/html',
    body: appPage(herald.url) }));
  return ctx;
}

function sessionOf(page) {
  return until(() => page.evaluate(() => window.session && window.session.sessionId), 10_000, 'the session');
}

function data(list, channel) {
  return list.filter((e) => !channel || e.channel === channel).map((e) => e.data);
}

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

describe('tabs of one origin', () => {
  before(async () => {
    [herald, browser] = await Promise.all([startHerald({ 'heartbeat.leaveGrace': GRACE_MS + 'ms' }), launchBrowser()]);
    presence = await watchPresence(herald);
  });

  after(async () => {
    presence && presence.close();
    browser && await browser.close();
    herald && await herald.stop();
  });

  test('several tabs share one stream and one session; names arrive undeclared', async () => {
    const ctx = await context();
    const before = await herald.streams();
    const pages = [];
    pages.push(await openApp(ctx, herald.url, { channels: 's1-a,s1-b', presence: '1', tab: '1' }));
    pages.push(await openApp(ctx, herald.url, { channels: 's1-b,s1-c', presence: '1', tab: '2' }));
    pages.push(await openApp(ctx, herald.url, { channels: 's1-d', presence: '1', tab: '3' }));
    const roles = await Promise.all(pages.map((p) => p.evaluate(() => window.role)));
    assert.deepEqual(roles.slice().sort(), ['follower', 'follower', 'leader']);
    const sessions = await Promise.all(pages.map(sessionOf));
    assert.equal(new Set(sessions).size, 1, 'one session for the browser: ' + sessions);
    // the leader's stream follows the union; nothing else is open
    await until(async () => (await herald.streams()) === before + 1, 10_000, 'one stream for three tabs');
    await until(() => Promise.all(pages.map((p) => p.evaluate(() => window.states.includes('open'))))
      .then((all) => all.every(Boolean)), 10_000, 'every tab to see the stream open');
    await herald.publish('s1-a', 'goal', 1);
    await herald.publish('s1-b', 'never-declared', 2);
    await herald.publish('s1-c', null, 3);
    await herald.publish('s1-d', 'x.y-z', 4);
    const want = [[1, 2], [2, 3], [4]];
    for (let i = 0; i < pages.length; i++) {
      await until(async () => (await got(pages[i])).length >= want[i].length, 10_000, 'tab ' + (i + 1) + ' events');
    }
    assert.deepEqual(data(await got(pages[0])), [1, 2]);
    assert.deepEqual(data(await got(pages[1])), [2, 3]);
    assert.deepEqual((await got(pages[0])).map((e) => e.event), ['goal', 'never-declared']);
    assert.deepEqual((await got(pages[1])).map((e) => e.event), ['never-declared', null]);
    assert.deepEqual((await got(pages[2])).map((e) => [e.event, e.data]), [['x.y-z', 4]]);
    // an event's own id, as the publish answered it (not the stream's cursor)
    const id = await herald.publish('s1-d', 'again', 5);
    await until(async () => (await got(pages[2])).length === 2, 10_000, 'the second event');
    assert.equal((await got(pages[2]))[1].id, id);
    assert.equal(await herald.streams(), before + 1);
    assert.deepEqual(presence.of(sessions[0]), ['connect']);
    await ctx.close();
  });

  test('closing the leader loses nothing, and a tab that closes while others stay is no presence event', async () => {
    const ctx = await context();
    const pages = [];
    for (let i = 0; i < 4; i++) {
      pages.push(await openApp(ctx, herald.url, { channels: 's2', presence: '1', tab: String(i) }));
    }
    const session = await sessionOf(pages[0]);
    await until(() => Promise.all(pages.map((p) => p.evaluate(() => window.states.includes('open'))))
      .then((all) => all.every(Boolean)), 10_000, 'the stream open in every tab');
    const leader = (await Promise.all(pages.map((p) => p.evaluate(() => window.role)))).indexOf('leader');
    const follower = leader === 0 ? 1 : 0;
    const total = 60;
    for (let n = 0; n < total; n++) {
      await herald.publish('s2', 'n', n);
      if (n === 15) {
        await pages[leader].close();
      }
      if (n === 35) {
        await pages[follower].close();
      }
      await wait(10);
    }
    const left = pages.filter((_, i) => i !== leader && i !== follower);
    for (const p of left) {
      await until(async () => (await got(p)).length >= total, 15_000, 'all events in the tabs that stay');
    }
    await wait(300); // a repeat would come now
    for (const p of left) {
      assert.deepEqual(data(await got(p)), Array.from({ length: total }, (_, i) => i), 'once each, in order');
    }
    assert.deepEqual((await Promise.all(left.map((p) => p.evaluate(() => window.role)))).sort(),
      ['follower', 'leader'], 'another tab took over');
    await wait(GRACE_MS + 500);
    assert.deepEqual(presence.of(session), ['connect'], 'no tab closing was a disconnect (nor a reconnect)');
    await ctx.close();
  });

  test('a reload is a reconnect that loses nothing; the last tab closing is one disconnect', async () => {
    const ctx = await context();
    const page = await openApp(ctx, herald.url, { channels: 's3', presence: '1' });
    const session = await sessionOf(page);
    await until(() => page.evaluate(() => window.states.includes('open')), 10_000, 'the stream');
    for (let n = 0; n < 5; n++) {
      await herald.publish('s3', null, n);
    }
    await until(async () => (await got(page)).length === 5, 10_000, 'five events');
    const publishing = (async () => {
      for (let n = 5; n < 25; n++) {
        await herald.publish('s3', null, n);
        await wait(20);
      }
    })();
    await wait(60);
    await page.reload();
    await publishing;
    await until(() => page.evaluate(() => window.role), 10_000, 'the reloaded tab');
    await until(async () => (await got(page)).length >= 25, 15_000, 'every event across the reload');
    await wait(300);
    assert.deepEqual(data(await got(page)), Array.from({ length: 25 }, (_, i) => i), 'nothing lost, nothing twice');
    assert.equal(await sessionOf(page), session, 'the same session after the reload');
    await wait(GRACE_MS + 500);
    assert.deepEqual(presence.of(session), ['connect', 'reconnect'], 'the reload is a reconnect, never a disconnect');
    const closed = Date.now();
    await page.close();
    await until(() => presence.of(session).length === 3, GRACE_MS + 5_000, 'the disconnect of the last tab');
    const disconnect = presence.events.filter((e) => e.session.sessionId === session).pop();
    assert.ok(disconnect.at - closed >= GRACE_MS - 300, 'after the grace: ' + (disconnect.at - closed) + ' ms');
    await wait(1000);
    assert.deepEqual(presence.of(session), ['connect', 'reconnect', 'disconnect:stop'], 'exactly one disconnect');
    await ctx.close();
  });

  test('tabs that open while the session start is on its way share that start: one connect, no reconnect', async () => {
    const ctx = await context();
    // the start answers slowly, as on a slow network or a busy node: the other tabs join while it is on its way
    let starts = 0;
    await ctx.route(herald.url + '/v1/heartbeat/start*', async (route) => {
      starts++;
      await wait(1500);
      await route.continue();
    });
    const pages = [];
    for (let i = 0; i < 3; i++) {
      pages.push(await openApp(ctx, herald.url, { channels: 's4', presence: '1', tab: String(i) }));
    }
    const sessions = await Promise.all(pages.map(sessionOf));
    assert.equal(new Set(sessions).size, 1, 'one session for the browser: ' + sessions);
    await until(() => presence.of(sessions[0]).length > 0, 10_000, 'the connect');
    assert.equal(starts, 1, 'one start for three tabs');
    assert.deepEqual(presence.of(sessions[0]), ['connect']);
    await ctx.close();
  });
});
