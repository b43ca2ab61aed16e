/* Herald browser client (clients/browser). Built from src/ by build.mjs: do not edit. */

// src/ids.ts
function positionOf(id) {
  if (!id) {
    return null;
  }
  let bytes;
  try {
    bytes = atob(id.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((id.length + 3) % 4));
  } catch (notBase64) {
    return null;
  }
  if (bytes.length < 10 || bytes.charCodeAt(0) !== 1) {
    return null;
  }
  const at = { i: 7 };
  const epoch = varint(bytes, at);
  const seq = varint(bytes, at);
  return epoch === null || seq === null ? null : { epoch, seq };
}
function varint(bytes, at) {
  let value = 0;
  let scale = 1;
  while (at.i < bytes.length) {
    const b = bytes.charCodeAt(at.i++);
    value += (b & 127) * scale;
    if ((b & 128) === 0) {
      return value;
    }
    scale *= 128;
  }
  return null;
}
var Delivered = class {
  constructor() {
    this.last = /* @__PURE__ */ new Map();
  }
  /** True when the event is new for this tab (and records it). */
  accept(channel, id) {
    const p = positionOf(id);
    if (!p) {
      return true;
    }
    const before = this.last.get(channel);
    if (before && before.epoch === p.epoch && p.seq <= before.seq) {
      return false;
    }
    this.last.set(channel, p);
    return true;
  }
  /** After a gap, whatever comes next is taken. */
  forget(channel) {
    this.last.delete(channel);
  }
};

// src/backoff.ts
var Backoff = class {
  constructor(baseMs = 500, maxMs = 3e4) {
    this.baseMs = baseMs;
    this.maxMs = maxMs;
    this.attempts = 0;
  }
  /** The delay before the next attempt, counting it. */
  next() {
    const ceiling = Math.min(this.maxMs, this.baseMs * Math.pow(2, this.attempts));
    this.attempts++;
    return Math.round(ceiling / 2 + Math.random() * ceiling / 2);
  }
  /** Failures since the last success. */
  get attempt() {
    return this.attempts;
  }
  reset() {
    this.attempts = 0;
  }
};

// src/transport.ts
var Transport = class {
  constructor(url, provider) {
    this.provider = provider;
    /** The session's secret for cross-origin pages (`Herald-Session`), once Herald gave it. */
    this.sessionToken = null;
    /** Cross-origin, but Herald gives no session secret: presence goes by cookie, with credentials. */
    this.cookieMode = false;
    this.bearerToken = null;
    this.renewing = null;
    const origin = url ? new URL(url, location.href).origin : location.origin;
    this.crossOrigin = origin !== location.origin;
    this.base = this.crossOrigin ? origin : "";
  }
  get hasTokenProvider() {
    return !!this.provider;
  }
  /** The absolute or page-relative URL of `path` with query parameters (null values left out). */
  url(path, params = []) {
    const query = params.filter((p) => p[1] !== null && p[1] !== void 0).map((p) => encodeURIComponent(p[0]) + "=" + encodeURIComponent(p[1])).join("&");
    return this.base + path + (query ? (path.indexOf("?") >= 0 ? "&" : "?") + query : "");
  }
  /** The JWT from the provider (kept until Herald rejects it; `renew` asks again). */
  bearer(renew = false) {
    if (!this.provider) {
      return Promise.resolve(null);
    }
    if (this.bearerToken && !renew) {
      return Promise.resolve(this.bearerToken);
    }
    if (!this.renewing) {
      const provider = this.provider;
      this.renewing = Promise.resolve().then(() => provider()).then((t) => {
        this.bearerToken = t ? String(t) : null;
        return this.bearerToken;
      }).finally(() => {
        this.renewing = null;
      });
    }
    return this.renewing;
  }
  /** Whether a request on behalf of the session sends cookies. */
  credentials(session) {
    if (!this.crossOrigin) {
      return "same-origin";
    }
    return session && this.cookieMode ? "include" : "omit";
  }
  /** Whether the stream's EventSource sends cookies (a cross-origin page in cookie mode with a session). */
  streamCredentials(session) {
    return this.credentials(session) === "include";
  }
  /**
   * A request to Herald. `session`: it acts for the presence session (its secret goes along). A 401
   * with a token provider renews the token and tries once more.
   */
  async request(method, path, body, session = false, keepalive = false) {
    const send = async (renew) => {
      const headers = {};
      if (body !== void 0) {
        headers["Content-Type"] = "application/json";
      }
      const token = await this.bearer(renew);
      if (token) {
        headers.Authorization = "Bearer " + token;
      }
      if (session && this.crossOrigin && !this.cookieMode) {
        headers["Herald-Session"] = this.sessionToken || "new";
      }
      return fetch(this.url(path), {
        method,
        headers,
        body: body === void 0 ? void 0 : JSON.stringify(body),
        credentials: this.credentials(session),
        cache: "no-store",
        keepalive
      });
    };
    const res = await send(false);
    return res.status === 401 && this.provider ? send(true) : res;
  }
  /** The stream's URL: channels, envelope=2, where to resume, and the secrets an EventSource cannot send as headers. */
  async streamUrl(channels, lastEventId, session) {
    const params = channels.map((c) => ["channel", c]);
    params.push(["envelope", "2"], ["lastEventId", lastEventId], ["access_token", await this.bearer()]);
    if (session && this.crossOrigin && !this.cookieMode) {
      params.push(["session", this.sessionToken]);
    }
    return this.url("/v1/stream", params);
  }
  /** `stop?leaving=1` as a beacon, which outlives the page; false when the browser would not queue it. */
  leave() {
    const params = [["leaving", "1"], ["access_token", this.bearerToken]];
    if (this.crossOrigin && !this.cookieMode) {
      params.push(["session", this.sessionToken]);
    }
    const target = this.url("/v1/heartbeat/stop", params);
    if (navigator.sendBeacon && navigator.sendBeacon(target)) {
      return true;
    }
    fetch(target, { method: "POST", keepalive: true, credentials: this.credentials(true) }).catch(() => void 0);
    return false;
  }
  /**
   * Why a request to Herald failed: asks `probe` (a cheap GET that needs what the failed call needed) and,
   * when that fails too, whether Herald answers at all without CORS.
   */
  async diagnose(probe) {
    if (typeof navigator !== "undefined" && navigator.onLine === false) {
      return { cause: "offline", message: "the browser is offline; reconnecting when the network is back" };
    }
    let res;
    try {
      res = await this.request("GET", probe);
    } catch (failed) {
      return this.unreachable();
    }
    return diagnoseStatus(res, this.where());
  }
  async unreachable() {
    if (this.crossOrigin) {
      try {
        await fetch(this.base + "/health/live", { mode: "no-cors", credentials: "omit", cache: "no-store" });
        return {
          cause: "cors",
          message: "Herald at " + this.base + " answers, but not to pages of " + location.origin + ": add that origin to http.cors.origins (or * in auth.mode=open)"
        };
      } catch (down) {
      }
    }
    return {
      cause: "refused",
      message: "Herald at " + this.where() + " cannot be reached: is it running, and are the host and port right?"
    };
  }
  where() {
    return this.base || location.origin;
  }
};
function diagnoseStatus(res, where) {
  const status = res.status;
  if (status === 401) {
    const why = res.headers.get("WWW-Authenticate");
    return { cause: "auth", status, message: "Herald at " + where + " wants a valid token (401" + (why ? ": " + why : "") + "); give the client a token provider for auth.mode=jwt" };
  }
  if (status === 403) {
    return { cause: "forbidden", status, message: "the token may not follow this channel (403): check its herald.subscribe claim" };
  }
  if (status === 429 || status >= 500) {
    const after = res.headers.get("Retry-After");
    return { cause: "unavailable", status, message: "Herald at " + where + " is busy or starting (" + status + (after ? ", retry after " + after + " s" : "") + ")" };
  }
  return { cause: "network", status, message: "the connection to Herald at " + where + " broke; reconnecting" };
}

// src/presence.ts
var Heartbeat = class {
  constructor(transport, handlers) {
    this.transport = transport;
    this.handlers = handlers;
    this.info = null;
    this.meta = void 0;
    this.timer = null;
    this.generation = 0;
    /** The start in flight: tabs that join while it is on its way share it instead of starting again. */
    this.starting = null;
    this.backoff = new Backoff(1e3, 1e4);
  }
  /** True while the session is kept alive from here. */
  get active() {
    return this.info !== null;
  }
  get session() {
    return this.info;
  }
  /**
   * `POST /v1/heartbeat/start` (connect, or reconnect when Herald still holds the session), then beats.
   * When Herald cannot be reached the start is tried again with backoff until it works (the promise
   * fails at once, with the cause). A start asked for while one is on its way is that one: two starts
   * of one session would tell every watcher `connect` and then `reconnect`.
   */
  start(meta) {
    if (meta !== void 0) {
      this.meta = meta;
    }
    if (this.starting === null) {
      const starting = this.send().finally(() => {
        if (this.starting === starting) {
          this.starting = null;
        }
      });
      this.starting = starting;
    }
    return this.starting;
  }
  async send() {
    const generation = ++this.generation;
    this.cancel();
    let res;
    try {
      res = await this.transport.request(
        "POST",
        "/v1/heartbeat/start",
        this.meta === void 0 ? {} : { meta: this.meta },
        true
      );
    } catch (unreachable) {
      const d = await this.transport.diagnose("/health/live");
      if (generation === this.generation) {
        this.failed(generation, d, () => this.start());
      }
      throw Object.assign(new Error("heartbeat start: " + d.message), d);
    }
    if (!res.ok) {
      const d = diagnoseStatus(res, this.transport.base || location.origin);
      if (generation === this.generation && (d.cause === "unavailable" || d.cause === "auth")) {
        this.failed(generation, d, () => this.start());
      }
      throw Object.assign(new Error("heartbeat start: " + d.message), d);
    }
    const body = await res.json();
    const token = typeof body.sessionToken === "string" ? body.sessionToken : null;
    if (token) {
      this.transport.sessionToken = token;
    } else if (this.transport.crossOrigin && !this.transport.cookieMode) {
      this.transport.cookieMode = true;
      return this.send();
    }
    const info = {
      sessionId: body.sessionId,
      state: body.state,
      beatDelay: body.beatDelay,
      expireDelay: body.expireDelay
    };
    if (generation === this.generation) {
      this.info = info;
      this.backoff.reset();
      this.schedule(generation, this.beatMs());
      this.handlers.onSession(info, token);
    }
    return info;
  }
  /** Keeps beating a session another tab started (this tab just became the leader). */
  resume(info, meta) {
    this.meta = meta;
    this.info = info;
    this.starting = null;
    this.cancel();
    this.schedule(++this.generation, this.beatMs());
  }
  /** `POST /v1/heartbeat/stop`: the session ends now (disconnect). */
  async stop() {
    const was = this.info !== null;
    this.halt();
    if (was) {
      await this.transport.request("POST", "/v1/heartbeat/stop", void 0, true, true);
    }
  }
  /** The page goes away and no other tab stays: `stop?leaving=1` by beacon (a reload within the grace is a reconnect). */
  leave() {
    if (this.info !== null) {
      this.halt();
      this.transport.leave();
    }
  }
  /** Stops beating from here without telling Herald (another tab beats now, or the page goes into the bfcache). */
  halt() {
    this.generation++;
    this.starting = null;
    this.info = null;
    this.cancel();
  }
  beatMs() {
    return Math.max(1e3, Number(this.info && this.info.beatDelay) * 1e3 || 3e4);
  }
  cancel() {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
  schedule(generation, ms) {
    this.timer = setTimeout(() => this.beat(generation), ms);
  }
  async beat(generation) {
    if (generation !== this.generation) {
      return;
    }
    try {
      const res = await this.transport.request("POST", "/v1/heartbeat", void 0, true);
      if (generation !== this.generation) {
        return;
      }
      if (res.status === 404) {
        await this.start();
        return;
      }
      if (res.ok) {
        this.backoff.reset();
        this.schedule(generation, this.beatMs());
        return;
      }
      this.failed(generation, diagnoseStatus(res, this.transport.base || location.origin));
    } catch (unreachable) {
      if (generation === this.generation) {
        this.failed(generation, await this.transport.diagnose("/health/live"));
      }
    }
  }
  failed(generation, d, retry) {
    const delay = this.backoff.next();
    if (retry) {
      this.timer = setTimeout(() => {
        if (generation === this.generation) {
          retry().catch(() => void 0);
        }
      }, delay);
    } else {
      this.schedule(generation, delay);
    }
    this.handlers.onError({
      cause: d.cause,
      message: "heartbeat: " + d.message,
      status: d.status,
      attempt: this.backoff.attempt,
      retryInMs: delay
    });
  }
};

// src/stream.ts
var OPEN = "herald.open";
var GAP = "herald.gap";
var EXPIRED = "herald.expired";
var SETTLE_MS = 25;
var SharedStream = class {
  constructor(transport, handlers, cursor, withSession) {
    this.transport = transport;
    this.handlers = handlers;
    this.cursor = cursor;
    this.withSession = withSession;
    this.channels = [];
    this.source = null;
    this.timer = null;
    this.generation = 0;
    this.backoff = new Backoff();
    this.closed = false;
    this.state = "idle";
  }
  /** The id to resume from: the last the stream saw. */
  get position() {
    return this.cursor;
  }
  /** Follows exactly these channels from now on (reopening from the last id when they change). */
  follow(channels) {
    const next = channels.slice().sort();
    if (next.join("\n") === this.channels.join("\n")) {
      return;
    }
    this.channels = next;
    this.schedule(SETTLE_MS);
  }
  /** Opens again now from the last id (the session secret or the token changed). */
  reopen() {
    this.schedule(0);
  }
  close() {
    this.closed = true;
    this.stop();
    this.setState("closed");
  }
  stop() {
    this.generation++;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.source) {
      this.source.close();
      this.source = null;
    }
  }
  schedule(ms) {
    if (this.closed) {
      return;
    }
    this.stop();
    const generation = this.generation;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (generation === this.generation) {
        this.open(generation);
      }
    }, ms);
  }
  async open(generation) {
    if (this.channels.length === 0) {
      this.setState("idle");
      return;
    }
    this.setState(this.backoff.attempt > 0 ? "reconnecting" : "connecting");
    let url;
    try {
      url = await this.transport.streamUrl(this.channels, this.cursor, this.withSession());
    } catch (noToken) {
      this.failed("the token provider failed: " + String(noToken));
      return;
    }
    if (generation !== this.generation || this.closed) {
      return;
    }
    const source = new EventSource(url, { withCredentials: this.transport.streamCredentials(this.withSession()) });
    this.source = source;
    source.onopen = () => {
      if (generation === this.generation) {
        this.backoff.reset();
        this.setState("open");
      }
    };
    source.onmessage = (m) => {
      if (generation === this.generation) {
        this.message(m);
      }
    };
    source.addEventListener(EXPIRED, () => {
      if (generation === this.generation) {
        this.expired();
      }
    });
    source.onerror = () => {
      if (generation === this.generation) {
        source.close();
        this.source = null;
        this.failed(null);
      }
    };
  }
  message(m) {
    const cursor = m.lastEventId || this.cursor;
    let env;
    try {
      env = JSON.parse(m.data);
    } catch (notJson) {
      return;
    }
    if (!env || typeof env !== "object") {
      return;
    }
    this.cursor = cursor;
    switch (env.event) {
      case OPEN:
        if (cursor) {
          this.handlers.onCursor(cursor);
        }
        return;
      case GAP: {
        const gap = env.data || {};
        this.handlers.onGap({ channel: env.channel, reason: String(gap.reason || "unknown") }, cursor);
        return;
      }
      case EXPIRED:
        this.expired();
        return;
      default:
        this.handlers.onEvent({ channel: env.channel, event: env.event, id: env.id, data: env.data }, cursor);
    }
  }
  /** The token expired (Herald ended the stream): a new one, and on at once from the last id. */
  expired() {
    this.stop();
    this.transport.bearer(true).then(() => this.schedule(0), () => this.schedule(this.backoff.next()));
  }
  failed(why) {
    const delay = this.backoff.next();
    const attempt = this.backoff.attempt;
    this.setState("reconnecting");
    this.schedule(delay);
    const probe = "/v1/channels/" + encodeURIComponent(this.channels[0]) + "/events?limit=1";
    this.transport.diagnose(probe).then((d) => {
      if (d.cause === "auth" && this.transport.hasTokenProvider) {
        this.transport.bearer(true).catch(() => void 0);
      }
      if (!this.closed) {
        this.handlers.onError({ cause: d.cause, message: why || d.message, status: d.status, attempt, retryInMs: delay });
      }
    });
  }
  setState(state2) {
    if (state2 !== this.state) {
      this.state = state2;
      this.handlers.onState(state2);
    }
  }
};

// src/subscription.ts
function safely(fn, ...args) {
  try {
    fn(...args);
  } catch (err) {
    setTimeout(() => {
      throw err;
    });
  }
}
var Subscription = class {
  /** @internal */
  constructor(channels, handlers, changed) {
    this.handlers = handlers;
    this.changed = changed;
    this.listeners = /* @__PURE__ */ new Map();
    this.closedFlag = false;
    this.channelSet = new Set(channels);
  }
  /** The channels this subscription follows now. */
  get channels() {
    return Array.from(this.channelSet);
  }
  get closed() {
    return this.closedFlag;
  }
  /** Listens to the events named `name` (`'message'`: unnamed ones; `'*'`: all). */
  on(name, listener) {
    let set = this.listeners.get(name);
    if (!set) {
      set = /* @__PURE__ */ new Set();
      this.listeners.set(name, set);
    }
    set.add(listener);
    return this;
  }
  /** Stops listening: one listener, or every listener of `name`. */
  off(name, listener) {
    const set = this.listeners.get(name);
    if (set) {
      if (listener) {
        set.delete(listener);
      } else {
        set.clear();
      }
    }
    return this;
  }
  /** Stops following some channels (all of them, like {@link close}, without arguments). */
  unsubscribe(channels) {
    if (channels === void 0) {
      this.close();
      return;
    }
    for (const c of typeof channels === "string" ? [channels] : channels) {
      this.channelSet.delete(c);
    }
    if (this.channelSet.size === 0) {
      this.closedFlag = true;
    }
    this.changed(this);
  }
  /** Stops following every channel of this subscription. */
  close() {
    if (!this.closedFlag) {
      this.closedFlag = true;
      this.channelSet.clear();
      this.changed(this);
    }
  }
  /** @internal */
  follows(channel) {
    return !this.closedFlag && this.channelSet.has(channel);
  }
  /** @internal */
  event(e) {
    if (this.handlers.onEvent) {
      safely(this.handlers.onEvent, e.channel, e.event, e.data, e.id);
    }
    for (const name of [e.event === null ? "message" : e.event, "*"]) {
      const set = this.listeners.get(name);
      if (set) {
        set.forEach((l) => safely(l, e.data, e));
      }
    }
  }
  /** @internal */
  gap(g) {
    if (this.handlers.onGap) {
      safely(this.handlers.onGap, g.channel, g.reason);
    }
    const set = this.listeners.get("herald.gap");
    if (set) {
      set.forEach((l) => safely(l, g, { channel: g.channel, event: "herald.gap", id: "", data: g }));
    }
  }
  /** @internal */
  opened() {
    if (this.handlers.onOpen) {
      safely(this.handlers.onOpen);
    }
  }
  /** @internal */
  failed(error) {
    if (this.handlers.onError) {
      safely(this.handlers.onError, error);
    }
  }
};

// src/tabs.ts
var TabGroup = class {
  constructor(key, handlers, share = true) {
    this.handlers = handlers;
    this.id = Math.random().toString(36).slice(2) + Date.now().toString(36);
    this.release = null;
    this.leading = false;
    this.closed = false;
    const locks = typeof navigator !== "undefined" ? navigator.locks : void 0;
    this.shared = share && !!locks && typeof BroadcastChannel === "function";
    this.leaderLock = "herald-leader " + key;
    this.tabLockPrefix = "herald-tab " + key + " ";
    this.channel = this.shared ? new BroadcastChannel("herald " + key) : null;
    if (this.channel) {
      this.channel.onmessage = (e) => {
        const m = e.data;
        if (!this.closed && m && typeof m.t === "string" && m.from !== this.id) {
          this.handlers.onMessage(m);
        }
      };
    }
  }
  get isLeader() {
    return this.leading;
  }
  /** Joins the group: this tab leads at once when nobody does, else follows and queues for the lead. */
  start() {
    if (!this.shared) {
      this.lead();
      return;
    }
    const locks = navigator.locks;
    const released = new Promise((resolve) => {
      this.release = resolve;
    });
    locks.request(this.tabLockPrefix + this.id, () => released).catch(() => void 0);
    locks.request(this.leaderLock, { ifAvailable: true }, (lock) => {
      if (this.closed) {
        return void 0;
      }
      if (lock) {
        this.lead();
        return released;
      }
      this.handlers.onFollower();
      locks.request(this.leaderLock, () => {
        if (this.closed) {
          return void 0;
        }
        this.lead();
        return released;
      }).catch(() => void 0);
      return void 0;
    }).catch(() => this.lead());
  }
  lead() {
    this.leading = true;
    this.handlers.onLeader();
  }
  /** Tells every other tab. */
  post(message) {
    if (this.channel && !this.closed) {
      this.channel.postMessage(Object.assign({ from: this.id }, message));
    }
  }
  /** The ids of the tabs alive now (this one included); `null` when the browser cannot tell. */
  async alive() {
    if (!this.shared) {
      return null;
    }
    const state2 = await navigator.locks.query();
    const ids = /* @__PURE__ */ new Set();
    for (const lock of state2.held || []) {
      if (lock.name && lock.name.indexOf(this.tabLockPrefix) === 0) {
        ids.add(lock.name.slice(this.tabLockPrefix.length));
      }
    }
    return ids;
  }
  /** Leaves the group: the locks go (the next tab leads), the channel closes. */
  close() {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this.leading = false;
    if (this.release) {
      this.release();
    }
    if (this.channel) {
      this.channel.close();
    }
  }
};

// src/client.ts
var LIVENESS_MS = 3e3;
var SETTLE_UNION_MS = 1e3;
var HeraldClient = class {
  constructor(options2 = {}) {
    this.options = options2;
    this.delivered = new Delivered();
    this.subs = /* @__PURE__ */ new Set();
    this.listeners = /* @__PURE__ */ new Map();
    this.roleValue = null;
    this.stateValue = "idle";
    this.caughtUp = /* @__PURE__ */ new Set();
    this.catchingUp = /* @__PURE__ */ new Map();
    this.session = null;
    this.wantPresence = false;
    this.meta = void 0;
    this.waitingForSession = [];
    // ---- leader only ----
    this.stream = null;
    this.heartbeat = null;
    this.tabChannels = /* @__PURE__ */ new Map();
    this.tabPresence = /* @__PURE__ */ new Map();
    this.previousUnion = [];
    this.livenessTimer = null;
    this.closedFlag = false;
    // ------------------------------------------------------------------------- page life --
    this.onPageHide = () => {
      this.suspend(true);
    };
    this.onPageShow = (e) => {
      if (e.persisted && !this.closedFlag) {
        this.keptCursor = this.cursor;
        this.caughtUp.clear();
        this.roleValue = null;
        this.tabs = this.newGroup();
        this.tabs.start();
      }
    };
    this.transport = new Transport(options2.url || "", options2.token);
    this.url = this.transport.base;
    this.key = this.transport.base || location.origin;
    this.keptCursor = this.load("cursor");
    this.cursor = this.keptCursor;
    this.transport.sessionToken = this.load("session");
    this.tabs = this.newGroup();
    this.tabs.start();
    addEventListener("pagehide", this.onPageHide);
    addEventListener("pageshow", this.onPageShow);
  }
  /** The connection as this page sees it. */
  get state() {
    return this.stateValue;
  }
  /** This tab's part (`null` until it is known, right after the client starts). */
  get role() {
    return this.roleValue;
  }
  /** Follows channels: events by name (`sub.on('goal', …)`, `'*'` for all) or through `handlers`. */
  subscribe(channels, handlers = {}) {
    const list = (typeof channels === "string" ? [channels] : channels.slice()).filter((c, i, all) => typeof c === "string" && c !== "" && all.indexOf(c) === i);
    if (list.length === 0) {
      throw new Error("subscribe needs at least one channel name");
    }
    const sub = new Subscription(list, handlers, () => this.channelsChanged());
    this.subs.add(sub);
    this.channelsChanged();
    return sub;
  }
  /**
   * Keeps the browser's presence session alive while a tab is open (one heartbeat for all tabs).
   * Resolves with the session once Herald answered (another tab's start counts).
   */
  heartbeatStart(options2 = {}) {
    this.wantPresence = true;
    if (options2.meta !== void 0) {
      this.meta = options2.meta;
    }
    if (this.leads()) {
      this.tabPresence.set(this.tabs.id, this.meta);
      const hb = this.ensureHeartbeat();
      return hb.active && hb.session ? Promise.resolve(hb.session) : this.startSession();
    }
    this.tabs.post({ t: "presence", on: true, meta: this.meta });
    return this.session ? Promise.resolve(this.session) : new Promise((resolve, reject) => this.waitingForSession.push({ resolve, reject }));
  }
  /** Ends the presence session now, for every tab (a `disconnect` at once). */
  async heartbeatStop() {
    this.wantPresence = false;
    this.session = null;
    if (this.leads()) {
      this.tabPresence.clear();
      this.tabs.post({ t: "stopped" });
      await this.ensureHeartbeat().stop();
    } else {
      this.tabs.post({ t: "presence", on: false });
    }
  }
  /** Listens to the client: `state`, `error`, `session`, `role`. */
  on(name, listener) {
    let set = this.listeners.get(name);
    if (!set) {
      set = /* @__PURE__ */ new Set();
      this.listeners.set(name, set);
    }
    set.add(listener);
    return this;
  }
  off(name, listener) {
    const set = this.listeners.get(name);
    if (set) {
      if (listener) {
        set.delete(listener);
      } else {
        set.clear();
      }
    }
    return this;
  }
  /** Closes this client in this tab (streams, heartbeat, tab group) without ending the session. */
  close() {
    this.closedFlag = true;
    removeEventListener("pagehide", this.onPageHide);
    removeEventListener("pageshow", this.onPageShow);
    this.suspend(false);
    this.setState("closed");
  }
  // ------------------------------------------------------------------------------------ roles --
  newGroup() {
    return new TabGroup(this.key, {
      onLeader: () => this.becomeLeader(),
      onFollower: () => this.becomeFollower(),
      onMessage: (m) => this.onMessage(m)
    }, this.options.shareTabs !== false);
  }
  leads() {
    return this.roleValue === "leader" || this.roleValue === "solo";
  }
  setRole(role2) {
    this.roleValue = role2;
    this.emit("role", role2);
  }
  becomeLeader() {
    if (this.closedFlag) {
      return;
    }
    this.setRole(this.tabs.shared ? "leader" : "solo");
    this.tabChannels.set(this.tabs.id, this.myChannels());
    if (this.wantPresence) {
      this.tabPresence.set(this.tabs.id, this.meta);
    }
    this.stream = new SharedStream(this.transport, {
      onEvent: (e, cursor) => {
        this.deliver(e, cursor);
        this.tabs.post({ t: "event", e, cursor });
      },
      onGap: (g, cursor) => {
        this.gap(g, cursor);
        this.tabs.post({ t: "gap", g, cursor });
      },
      onCursor: (cursor) => {
        this.moveCursor(cursor);
        this.tabs.post({ t: "cursor", cursor });
      },
      onState: (state2) => {
        this.setState(state2);
        this.tabs.post({ t: "state", state: state2, union: this.union() });
      },
      onError: (error) => {
        this.failed(error);
        this.tabs.post({ t: "error", error });
      }
    }, this.cursor, () => this.heartbeat !== null && this.heartbeat.active);
    const previous = this.previousUnion;
    this.tabChannels.set("previous", previous);
    setTimeout(() => {
      this.tabChannels.delete("previous");
      this.unionChanged();
    }, previous.length ? SETTLE_UNION_MS : 0);
    this.unionChanged();
    this.tabs.post({ t: "leader" });
    if (this.session) {
      this.ensureHeartbeat().resume(this.session, this.meta);
    } else if (this.wantPresence) {
      this.startSession().catch(() => void 0);
    }
    if (this.tabs.shared) {
      this.livenessTimer = setInterval(() => this.pruneTabs(), LIVENESS_MS);
    }
  }
  becomeFollower() {
    this.setRole("follower");
    this.hello();
    this.catchUp();
  }
  hello() {
    this.tabs.post({ t: "hello", channels: this.myChannels(), presence: this.wantPresence, meta: this.meta });
  }
  ensureHeartbeat() {
    if (!this.heartbeat) {
      this.heartbeat = new Heartbeat(this.transport, {
        onSession: (info, token) => this.sessionStarted(info, token),
        onError: (error) => {
          this.emit("error", error);
          this.tabs.post({ t: "error", error });
        }
      });
    }
    return this.heartbeat;
  }
  /** The leader starts the session; whoever waits for it hears how that went (it is tried again by itself). */
  startSession() {
    return this.ensureHeartbeat().start(this.meta).catch((err) => {
      this.sessionFailed(err.message);
      this.tabs.post({ t: "sessionFailed", message: err.message });
      throw err;
    });
  }
  sessionFailed(message) {
    this.waitingForSession.splice(0).forEach((w) => w.reject(new Error(message)));
  }
  sessionStarted(info, token) {
    const reopen = token !== null && token !== this.transport.sessionToken;
    this.adoptSession(info, token);
    this.tabs.post({ t: "session", session: info, token });
    if (reopen && this.stream) {
      this.stream.reopen();
    }
  }
  adoptSession(info, token) {
    this.session = info;
    if (token) {
      this.transport.sessionToken = token;
      this.save("session", token);
    }
    this.emit("session", info);
    this.waitingForSession.splice(0).forEach((w) => w.resolve(info));
  }
  // ------------------------------------------------------------------------------- messages --
  onMessage(m) {
    if (this.leads()) {
      this.leaderHears(m);
    } else {
      this.followerHears(m);
    }
  }
  leaderHears(m) {
    switch (m.t) {
      case "hello":
        this.tabChannels.set(m.from, m.channels || []);
        if (m.presence) {
          this.tabPresence.set(m.from, m.meta);
        }
        this.unionChanged();
        this.presenceChanged();
        this.tabs.post({
          t: "welcome",
          to: m.from,
          state: this.stateValue,
          union: this.union(),
          session: this.heartbeat && this.heartbeat.active ? this.heartbeat.session : null,
          token: this.transport.sessionToken
        });
        return;
      case "subs":
        this.tabChannels.set(m.from, m.channels || []);
        this.unionChanged();
        return;
      case "presence":
        if (m.on) {
          this.tabPresence.set(m.from, m.meta);
          if (m.meta !== void 0) {
            this.meta = m.meta;
          }
          this.presenceChanged();
        } else {
          this.tabPresence.clear();
          this.wantPresence = false;
          this.session = null;
          this.tabs.post({ t: "stopped" });
          this.ensureHeartbeat().stop().catch(() => void 0);
        }
        return;
      case "bye":
        this.tabChannels.delete(m.from);
        this.tabPresence.delete(m.from);
        this.unionChanged();
        return;
      case "leader":
        return;
      default:
    }
  }
  followerHears(m) {
    switch (m.t) {
      case "leader":
        this.hello();
        return;
      case "welcome":
        if (m.to === this.tabs.id) {
          this.previousUnion = m.union || [];
          this.setState(m.state);
          if (m.session) {
            this.adoptSession(m.session, m.token);
          }
        }
        return;
      case "event":
        this.deliver(m.e, m.cursor);
        return;
      case "gap":
        this.gap(m.g, m.cursor);
        return;
      case "cursor":
        this.moveCursor(m.cursor);
        return;
      case "state":
        this.previousUnion = m.union || this.previousUnion;
        this.setState(m.state);
        return;
      case "error":
        this.failed(m.error);
        return;
      case "session":
        this.adoptSession(m.session, m.token);
        return;
      case "stopped":
        this.session = null;
        this.wantPresence = false;
        return;
      case "sessionFailed":
        this.sessionFailed(String(m.message));
        return;
      default:
    }
  }
  // ----------------------------------------------------------------------------- channels --
  myChannels() {
    const all = /* @__PURE__ */ new Set();
    this.subs.forEach((s) => s.channels.forEach((c) => all.add(c)));
    return Array.from(all);
  }
  channelsChanged() {
    this.subs.forEach((s) => {
      if (s.closed) {
        this.subs.delete(s);
      }
    });
    if (this.roleValue === null) {
      return;
    }
    if (this.leads()) {
      this.tabChannels.set(this.tabs.id, this.myChannels());
      this.unionChanged();
    } else {
      this.tabs.post({ t: "subs", channels: this.myChannels() });
      this.catchUp();
    }
  }
  union() {
    const all = /* @__PURE__ */ new Set();
    this.tabChannels.forEach((list) => list.forEach((c) => all.add(c)));
    return Array.from(all).sort();
  }
  unionChanged() {
    if (this.stream) {
      const union = this.union();
      this.stream.follow(union);
      if (union.join("\n") !== this.previousUnion.join("\n")) {
        this.previousUnion = union;
        this.tabs.post({ t: "state", state: this.stateValue, union });
      }
    }
  }
  presenceChanged() {
    if (this.tabPresence.size > 0) {
      const hb = this.ensureHeartbeat();
      if (!hb.active) {
        this.startSession().catch(() => void 0);
      }
    }
  }
  /** Drops tabs that went away without saying so. */
  pruneTabs() {
    this.tabs.alive().then((alive) => {
      if (!alive || !this.leads()) {
        return;
      }
      let changed = false;
      this.tabChannels.forEach((_, id) => {
        if (id !== "previous" && !alive.has(id)) {
          this.tabChannels.delete(id);
          this.tabPresence.delete(id);
          changed = true;
        }
      });
      if (changed) {
        this.unionChanged();
      }
    }).catch(() => void 0);
  }
  // ----------------------------------------------------------------------------- delivery --
  deliver(e, cursor) {
    const waiting = this.catchingUp.get(e.channel);
    if (waiting) {
      waiting.push(() => this.deliver(e, null));
    } else if (this.delivered.accept(e.channel, e.id)) {
      this.subs.forEach((s) => {
        if (s.follows(e.channel)) {
          s.event(e);
        }
      });
    }
    if (cursor) {
      this.moveCursor(cursor);
    }
  }
  gap(g, cursor) {
    this.delivered.forget(g.channel);
    this.subs.forEach((s) => {
      if (s.follows(g.channel)) {
        s.gap(g);
      }
    });
    if (cursor) {
      this.moveCursor(cursor);
    }
  }
  moveCursor(cursor) {
    this.cursor = cursor;
    if (this.catchingUp.size === 0) {
      this.save("cursor", cursor);
    }
  }
  /**
   * A follower that came back (a reload) with the id it had: its channels resume from their history
   * after it, while what the leader sends meanwhile waits; the overlap is dropped.
   */
  catchUp() {
    const after = this.keptCursor;
    if (!after || this.leads()) {
      return;
    }
    for (const channel of this.myChannels()) {
      if (this.caughtUp.has(channel) || this.catchingUp.has(channel)) {
        continue;
      }
      this.caughtUp.add(channel);
      this.catchingUp.set(channel, []);
      this.readHistory(channel, after).catch(() => void 0).then(() => {
        const waiting = this.catchingUp.get(channel) || [];
        this.catchingUp.delete(channel);
        waiting.forEach((run) => run());
        if (this.catchingUp.size === 0 && this.cursor) {
          this.save("cursor", this.cursor);
        }
      });
    }
  }
  async readHistory(channel, after) {
    let from = after;
    for (let page = 0; page < 100; page++) {
      const res = await this.transport.request("GET", "/v1/channels/" + encodeURIComponent(channel) + "/events?limit=1000&after=" + encodeURIComponent(from));
      if (!res.ok) {
        return;
      }
      const body = await res.json();
      if (page === 0 && body.gap) {
        this.gap({ channel, reason: body.reason || "trimmed" }, null);
      }
      for (const e of body.events) {
        if (this.delivered.accept(channel, e.id)) {
          const event = { channel, event: e.event, id: e.id, data: e.data };
          this.subs.forEach((s) => {
            if (s.follows(channel)) {
              s.event(event);
            }
          });
        }
      }
      if (body.events.length < 1e3) {
        return;
      }
      from = body.events[body.events.length - 1].id;
    }
  }
  // ------------------------------------------------------------------------ state, errors --
  setState(state2) {
    if (state2 === this.stateValue) {
      return;
    }
    this.stateValue = state2;
    this.emit("state", state2);
    if (state2 === "open") {
      this.subs.forEach((s) => s.opened());
    }
  }
  failed(error) {
    this.emit("error", error);
    this.subs.forEach((s) => s.failed(error));
  }
  emit(name, value) {
    const set = this.listeners.get(name);
    if (set) {
      set.forEach((l) => safely(l, value));
    }
  }
  /**
   * This tab stops taking part: a leader that is the last tab ends the session with `stop?leaving=1`
   * (when `leaving`), else hands over; a follower says goodbye.
   */
  suspend(leaving) {
    if (this.leads()) {
      const others = Array.from(this.tabChannels.keys()).filter((id) => id !== this.tabs.id && id !== "previous");
      if (this.heartbeat) {
        if (leaving && (others.length === 0 || !this.tabs.shared)) {
          this.heartbeat.leave();
        } else {
          this.heartbeat.halt();
        }
      }
      if (this.stream) {
        this.previousUnion = this.union();
        this.stream.close();
        this.stream = null;
      }
      if (this.livenessTimer !== null) {
        clearInterval(this.livenessTimer);
        this.livenessTimer = null;
      }
      this.tabChannels.clear();
      this.tabPresence.clear();
    } else {
      this.tabs.post({ t: "bye" });
    }
    this.tabs.close();
  }
  load(what) {
    try {
      return sessionStorage.getItem("herald:" + what + ":" + this.key);
    } catch (unavailable) {
      return null;
    }
  }
  save(what, value) {
    try {
      sessionStorage.setItem("herald:" + what + ":" + this.key, value);
    } catch (unavailable) {
    }
  }
};

// src/index.ts
var import_meta = {};
function loadedFrom() {
  const script = typeof document !== "undefined" ? document.currentScript : null;
  let src = script && script.src ? script.src : "";
  if (!src) {
    try {
      src = import_meta.url || "";
    } catch (noModule) {
      src = "";
    }
  }
  return /^https?:/.test(src) ? new URL(src).origin : "";
}
var LOADED_FROM = loadedFrom();
var options = {};
var current = null;
function connect(clientOptions = {}) {
  return new HeraldClient(Object.assign({ url: LOADED_FROM }, clientOptions));
}
function configure(clientOptions) {
  options = Object.assign({}, options, clientOptions);
  if (current) {
    current.close();
    current = null;
  }
}
function client() {
  if (!current) {
    current = connect(options);
  }
  return current;
}
function subscribe(channels, handlers) {
  return client().subscribe(channels, handlers);
}
function heartbeatStart(start) {
  return client().heartbeatStart(start);
}
function heartbeatStop() {
  return client().heartbeatStop();
}
function on(name, listener) {
  return client().on(name, listener);
}
function off(name, listener) {
  return client().off(name, listener);
}
function state() {
  return client().state;
}
function role() {
  return client().role;
}
var Herald = { connect, configure, client, subscribe, heartbeatStart, heartbeatStop, on, off, state, role, HeraldClient };
var index_default = Herald;
export {
  HeraldClient,
  client,
  configure,
  connect,
  index_default as default,
  heartbeatStart,
  heartbeatStop,
  off,
  on,
  role,
  state,
  subscribe
};
