// What the browser tests run against: real Herald processes (gateway/target/herald.jar), a real
// redis-server where a test needs history to outlive a restart, a second local HTTP server for
// cross-origin pages, and Debian's Chromium driven by playwright-core. Every process started here is
// stopped by its PID when the suite ends, also when it fails.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const JAR = join(here, '..', '..', '..', 'gateway', 'target', 'herald.jar');
const started = new Set();

process.on('exit', () => {
  for (const child of started) {
    try {
      child.kill('SIGKILL');
    } catch (gone) {
      // already gone
    }
  }
});

/** Polls `check` (async, answers truthy when done) every 50 ms until `ms` pass; answers its last value. */
export async function until(check, ms = 10_000, what = 'a condition') {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) {
      return v;
    }
    if (Date.now() > deadline) {
      throw new Error('timed out after ' + ms + ' ms waiting for ' + what);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** A redis-server on a free port, in a temporary folder (history that outlives a Herald restart). */
export async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'herald-browser-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '',
    '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  started.add(child);
  await until(() => new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(true)); // the port is taken: redis listens
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
  }), 10_000, 'redis-server on ' + port);
  return {
    port,
    stop() {
      child.kill('SIGKILL');
      started.delete(child);
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/**
 * A Herald node: `java -jar herald.jar --http.port=… --key=value…` (with the JVM flags Hazelcast wants,
 * as deploy/ runs it). `stop()` ends it by PID; `restart()` starts it again on the same port.
 */
export async function startHerald(settings = {}, port) {
  port = port || await freePort();
  const args = ['-jar', JAR, '--http.port=' + port, '--http.host=127.0.0.1'];
  for (const [k, v] of Object.entries(settings)) {
    args.push('--' + k + '=' + v);
  }
  let child;
  let log = '';
  const launch = async () => {
    log = '';
    child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'], env: cleanEnv() });
    started.add(child);
    child.stdout.on('data', (b) => { log += b; });
    child.stderr.on('data', (b) => { log += b; });
    const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const ready = until(async () => {
      try {
        const r = await fetch('http://127.0.0.1:' + port + '/health/ready');
        return r.status === 200;
      } catch (notYet) {
        return false;
      }
    }, 60_000, 'Herald on ' + port);
    const code = await Promise.race([ready.then(() => null), exited]);
    if (code !== null) {
      started.delete(child);
      throw new Error('Herald exited with ' + code + ': ' + log.split('\n').slice(-5).join(' | '));
    }
  };
  await launch();
  const node = {
    port,
    url: 'http://127.0.0.1:' + port,
    get log() {
      return log;
    },
    async stop() {
      const c = child;
      const gone = new Promise((resolve) => c.once('exit', resolve));
      c.kill('SIGKILL');
      await gone;
      started.delete(c);
    },
    async restart() {
      await launch();
    },
    async publish(channel, event, data) {
      const r = await fetch(node.url + '/v1/channels/' + channel + '/events', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(event ? { event, data } : { data })
      });
      if (r.status !== 201) {
        throw new Error('publish answered ' + r.status + ': ' + await r.text());
      }
      return (await r.json()).id;
    },
    async stats() {
      return (await fetch(node.url + '/v1/stats')).json();
    },
    /** Streams open on the node now, Herald's own canary left out. */
    async streams() {
      const s = await node.stats();
      return s.openStreams;
    }
  };
  return node;
}

/** The environment for Herald: none of this suite's own variables (Herald refuses unknown HERALD_…). */
function cleanEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('HERALD_')) {
      env[k] = v;
    }
  }
  return env;
}

/**
 * Watches `/v1/presence/stream` from here: every connect, reconnect and disconnect with its time.
 * `of(sessionId)` lists a session's events as `type` or `disconnect:reason`.
 */
export async function watchPresence(node) {
  const events = [];
  const controller = new AbortController();
  const res = await fetch(node.url + '/v1/presence/stream', { signal: controller.signal });
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let opened = false;
  (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          return;
        }
        buffer += decoder.decode(value, { stream: true });
        opened = true;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let type = 'message';
          const data = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) {
              type = line.slice(7);
            } else if (line.startsWith('data: ')) {
              data.push(line.slice(6));
            }
          }
          if (data.length) {
            events.push({ type, at: Date.now(), session: JSON.parse(data.join('\n')) });
          }
        }
      }
    } catch (closed) {
      // aborted
    }
  })();
  await until(() => opened, 10_000, 'the presence stream');
  return {
    events,
    of(sessionId) {
      return events.filter((e) => e.session.sessionId === sessionId)
        .map((e) => e.type + (e.type === 'disconnect' ? ':' + e.session.reason : ''));
    },
    close() {
      controller.abort();
    }
  };
}

/** An HTTP server for pages of another origin: `routes` maps a path to a function (req, res). */
export async function startSite(routes) {
  const port = await freePort();
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const route = routes[path];
    if (route) {
      route(req, res);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, url: 'http://127.0.0.1:' + port, close: () => new Promise((r) => server.close(r)) };
}

/** An HS256 JSON Web Token (what a page's backend would mint for auth.mode=jwt). */
export function jwt(secret, claims) {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = part({ alg: 'HS256', typ: 'JWT' }) + '.' + part(claims);
  return body + '.' + createHmac('sha256', secret).update(body).digest('base64url');
}

/**
 * The test app: loads the client from `herald` (classic script) and follows `channels`; what it got is
 * in `window.got` (events), `window.gaps`, `window.states`, `window.errors`, `window.session`, and
 * `window.role`. Query parameters: `channels` (comma-separated), `presence=1`, `token` (a URL whose
 * text is a JWT: the token provider fetches it each time it is asked).
 */
export function appPage(herald) {
  return `<!doctype html><meta charset="utf-8"><title>herald test app</title>
<script src="${herald}/herald.js"></script>
<script>
  const q = new URLSearchParams(location.search);
  // what the page got, kept across reloads (a reload must resume exactly after it)
  window.got = JSON.parse(sessionStorage.getItem('test-got') || '[]');
  window.gaps = []; window.states = []; window.errors = []; window.tokens = 0;
  if (q.get('token')) {
    Herald.configure({ token: () => { window.tokens++; return fetch(q.get('token')).then((r) => r.text()); } });
  }
  Herald.on('state', (s) => window.states.push(s));
  Herald.on('error', (e) => window.errors.push(e));
  Herald.on('role', (r) => { window.role = r; });
  window.sub = Herald.subscribe((q.get('channels') || 'a').split(','));
  window.sub.on('*', (data, e) => {
    window.got.push({ channel: e.channel, event: e.event, id: e.id, data });
    sessionStorage.setItem('test-got', JSON.stringify(window.got));
  });
  window.sub.on('herald.gap', (g) => window.gaps.push(g));
  if (q.get('presence') === '1') {
    Herald.heartbeatStart({ meta: { tab: q.get('tab') } }).then((s) => { window.session = s; },
      (e) => { window.sessionError = String(e.message || e); });
  }
</script>`;
}

/** Debian's Chromium, headless, as FACTS.md found works here (never a downloaded browser). */
export async function launchBrowser() {
  const executablePath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (!executablePath) {
    throw new Error('no chromium: run clients/browser/run.sh, which installs Debian\'s chromium');
  }
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-dev-shm-usage']
  });
}

/** Opens the app page served (by route) at `origin + '/app.html'`, with `query`. */
export async function openApp(context, origin, query) {
  const page = await context.newPage();
  await page.goto(origin + '/app.html?' + new URLSearchParams(query).toString());
  await until(() => page.evaluate(() => window.role), 10_000, 'the tab to know its role');
  return page;
}

/** What a page got so far. */
export function got(page) {
  return page.evaluate(() => window.got);
}
