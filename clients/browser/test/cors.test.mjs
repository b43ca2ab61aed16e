// A page on another origin (a second local HTTP server) using Herald with nothing but
// http.cors.origins set: `*`, and a named origin; and auth.mode=jwt with a token provider.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { appPage, got, jwt, launchBrowser, openApp, startHerald, startSite, until } from './harness.mjs';

const SECRET = 'browser-suite-secret-of-at-least-32-bytes!';
let browser;
let site;
let anyOrigin;
let named;
const tokensFor = { lifetimeSec: 3 };

before(async () => {
  let heraldForApp = null;
  site = await startSite({
    '/app.html': (req, res) => {
      const herald = new URL(req.url, 'http://x').searchParams.get('herald');
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(appPage(herald || heraldForApp));
    },
    '/token': (req, res) => {
      const now = Math.floor(Date.now() / 1000);
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end(jwt(SECRET, { sub: 'ada', exp: now + tokensFor.lifetimeSec,
        'herald.subscribe': ['j*'] }));
    }
  });
  [browser, anyOrigin, named] = await Promise.all([launchBrowser(),
    startHerald({ 'http.cors.origins': '*' }),
    startHerald({ 'http.cors.origins': site.url })]);
});

after(async () => {
  browser && await browser.close();
  await Promise.all([anyOrigin, named].filter(Boolean).map((h) => h.stop()));
  site && await site.close();
});

/** Whether this Herald hands out session secrets for pages whose cookies are not sent (Herald-Session). */
async function sessionSecrets(herald) {
  const r = await fetch(herald.url + '/v1/heartbeat/start', { method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Herald-Session': 'new' }, body: '{}' });
  const body = await r.json();
  if (body.sessionToken) {
    await fetch(herald.url + '/v1/heartbeat/stop', { method: 'POST', headers: { 'Herald-Session': body.sessionToken } });
  }
  return typeof body.sessionToken === 'string';
}

describe('pages of another origin', () => {
  test('http.cors.origins=* : streams work without credentials', async () => {
    const ctx = await browser.newContext();
    const page = await openApp(ctx, site.url, { herald: anyOrigin.url, channels: 'c1', presence: '1' });
    await until(() => page.evaluate(() => window.states.includes('open')), 10_000, 'the stream');
    await anyOrigin.publish('c1', 'hello', { from: 'elsewhere' });
    await until(async () => (await got(page)).length === 1, 10_000, 'the event');
    assert.deepEqual((await got(page))[0].data, { from: 'elsewhere' });
    if (await sessionSecrets(anyOrigin)) {
      // presence by the session secret: no cookie, so * works for it too
      await until(() => page.evaluate(() => window.session), 10_000, 'the session');
    } else {
      // a Herald without session secrets needs cookies, which * forbids: the error says so
      await until(() => page.evaluate(() => window.sessionError), 10_000, 'the presence error');
    }
    const streamErrors = (await page.evaluate(() => window.errors)).filter((e) => !/heartbeat/.test(e.message));
    assert.deepEqual(streamErrors, [], 'the stream never failed');
    await ctx.close();
  });

  test('a named origin: streams and presence', async () => {
    const ctx = await browser.newContext();
    const page = await openApp(ctx, site.url, { herald: named.url, channels: 'c2', presence: '1' });
    await until(() => page.evaluate(() => window.session), 10_000, 'the session');
    await until(() => page.evaluate(() => window.states.includes('open')), 10_000, 'the stream');
    await named.publish('c2', null, 1);
    await until(async () => (await got(page)).length === 1, 10_000, 'the event');
    const sessionId = await page.evaluate(() => window.session.sessionId);
    assert.equal((await fetch(named.url + '/v1/sessions/' + sessionId)).status, 200);
    assert.deepEqual(await page.evaluate(() => window.errors), []);
    await ctx.close();
  });

  test('an origin Herald does not allow: the error names CORS', async () => {
    const ctx = await browser.newContext();
    const other = await startSite({ '/app.html': (req, res) => res.writeHead(200, { 'Content-Type': 'text/html' })
      .end(appPage(named.url)) });
    try {
      const page = await openApp(ctx, other.url, { channels: 'c3' });
      const error = await until(() => page.evaluate(() => window.errors[0]), 10_000, 'an error');
      assert.equal(error.cause, 'cors');
      assert.match(error.message, /http\.cors\.origins/);
    } finally {
      await ctx.close();
      await other.close();
    }
  });
});

describe('auth.mode=jwt', () => {
  test('a token provider, asked again when the token expires: nothing lost', async (t) => {
    let herald;
    try {
      herald = await startHerald({ 'auth.mode': 'jwt', 'auth.jwt.secret': SECRET, 'auth.jwt.leeway': '0s',
        'http.cors.origins': site.url }); // no leeway: the 3 s tokens end their streams at exp
    } catch (refused) {
      t.skip('this build of Herald has no auth.mode=jwt: ' + refused.message.slice(0, 120));
      return;
    }
    const ctx = await browser.newContext();
    try {
      const publisher = jwt(SECRET, { sub: 'backend', exp: Math.floor(Date.now() / 1000) + 600, 'herald.publish': ['*'] });
      const publish = async (n) => {
        const r = await fetch(herald.url + '/v1/channels/j1/events', { method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + publisher },
          body: JSON.stringify({ data: n }) });
        assert.equal(r.status, 201, await r.text());
      };
      const page = await openApp(ctx, site.url, { herald: herald.url, channels: 'j1', token: site.url + '/token' });
      await until(() => page.evaluate(() => window.states.includes('open')), 10_000, 'the stream');
      for (let n = 0; n < 12; n++) {
        await publish(n);
        await new Promise((r) => setTimeout(r, 500)); // across two token expiries (3 s each)
      }
      await until(async () => (await got(page)).length >= 12, 15_000, 'every event');
      assert.deepEqual((await got(page)).map((e) => e.data), Array.from({ length: 12 }, (_, i) => i));
      assert.ok(await page.evaluate(() => window.tokens) >= 2, 'the provider was asked again');
    } finally {
      await ctx.close();
      await herald.stop();
    }
  });
});
