/*
 * herald.js — the browser client of Herald (served at GET /herald.js). No dependencies, no build.
 *
 *   <script src="/herald.js"></script>
 *
 *   // presence: keep a session alive while the page is open
 *   Herald.heartbeatStart({ meta: { page: location.pathname } }).then(function (s) { ... s.sessionId ... });
 *   Herald.heartbeatStop();                 // also sent by itself when the page is hidden for good
 *
 *   // channels: one EventSource for one or more channels, resumed across reconnects and page reloads
 *   var sub = Herald.subscribe(['scores', 'chat'], {
 *     events: ['goal', 'message'],          // named events to listen to (see below)
 *     onEvent: function (channel, event, data, id) { ... },
 *     onGap: function (channel, reason) { ... },   // some events are gone: reload what you show
 *     onOpen: function () { ... },
 *     onError: function (err) { ... },
 *     from: 'earliest'                      // optional: with no kept id, replay all retained history first
 *   });
 *   sub.listen('card');                     // listen to one more event name later
 *   sub.close();
 *
 * EventSource hands a named event ("event: goal") only to a listener for that very name, so the
 * names an app publishes are listed in `events` (or added with `listen`); unnamed events always
 * arrive, with `event` null. The stream is opened with envelope=1, so each event says which
 * channel it belongs to. The last event id is kept in sessionStorage per channel set: a reload of
 * the page resumes after it (lastEventId=...), and the browser's own reconnects send it as
 * Last-Event-ID. Herald then replays exactly what was missed, or sends herald.gap first.
 *
 * The server is the one this script was loaded from (set Herald.base to change it).
 */
(function (global) {
  'use strict';

  var script = global.document && global.document.currentScript;
  var scriptOrigin = script && script.src ? new URL(script.src, global.location.href).origin : '';
  var GAP = 'herald.gap';
  var STORAGE_PREFIX = 'herald.lastEventId:';
  var MAX_RETRY_MS = 30000;

  var Herald = {
    /** Where Herald answers: '' for the page's own origin, else an origin like 'https://rt.example.com'. */
    base: scriptOrigin === global.location.origin ? '' : scriptOrigin
  };

  function url(path) {
    return Herald.base + path;
  }

  function crossOrigin() {
    return Herald.base !== '' && Herald.base !== global.location.origin;
  }

  function post(path, body, keepalive) {
    return global.fetch(url(path), {
      method: 'POST',
      credentials: 'include',
      keepalive: !!keepalive,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body)
    });
  }

  // ---------------------------------------------------------------------------------- presence --

  var beat = null; // { meta, timer, delayMs, generation, hidden }
  var generation = 0;

  /**
   * Starts (or restarts) this page's presence session: POST /v1/heartbeat/start, then a beat every
   * beatDelay seconds as the server says. A beat answered 404 (the session expired) starts again;
   * network trouble is retried at the next beat. Resolves with
   * {sessionId, state: 'connect'|'reconnect', beatDelay, expireDelay}.
   */
  Herald.heartbeatStart = function (options) {
    var meta = options ? options.meta : undefined;
    var mine = ++generation;
    if (beat && beat.timer) {
      global.clearTimeout(beat.timer);
    }
    beat = { meta: meta, timer: null, delayMs: beat && beat.delayMs > 0 ? beat.delayMs : 30000, generation: mine };
    return post('/v1/heartbeat/start', meta === undefined ? {} : { meta: meta })
      .then(function (res) {
        if (!res.ok) {
          throw new Error('heartbeat start answered ' + res.status);
        }
        return res.json();
      })
      .then(function (session) {
        if (current(mine)) {
          beat.delayMs = Math.max(1000, Number(session.beatDelay) * 1000 || 30000);
          scheduleBeat(mine);
        }
        return session;
      }, function (err) {
        scheduleBeat(mine); // try again later: the next beat gets 404 and starts again
        throw err;
      });
  };

  function current(mine) {
    return beat !== null && beat.generation === mine;
  }

  function scheduleBeat(mine) {
    if (!current(mine)) {
      return;
    }
    beat.timer = global.setTimeout(function () {
      if (!current(mine)) {
        return;
      }
      post('/v1/heartbeat').then(function (res) {
        if (!current(mine)) {
          return;
        }
        if (res.status === 404) {
          Herald.heartbeatStart({ meta: beat.meta }).catch(function () {});
        } else {
          scheduleBeat(mine);
        }
      }, function () {
        scheduleBeat(mine);
      });
    }, beat.delayMs);
  }

  /** Stops the session now: POST /v1/heartbeat/stop (the server emits disconnect at once). */
  Herald.heartbeatStop = function () {
    var active = beat !== null;
    generation++;
    if (beat && beat.timer) {
      global.clearTimeout(beat.timer);
    }
    beat = null;
    return active ? post('/v1/heartbeat/stop', undefined, true).then(function () {}) : Promise.resolve();
  };

  global.addEventListener('pagehide', function () {
    if (!beat) {
      return;
    }
    var meta = beat.meta;
    generation++;
    if (beat.timer) {
      global.clearTimeout(beat.timer);
    }
    beat = { meta: meta, timer: null, delayMs: 0, generation: -1, hidden: true };
    if (!(global.navigator.sendBeacon && global.navigator.sendBeacon(url('/v1/heartbeat/stop')))) {
      post('/v1/heartbeat/stop', undefined, true).catch(function () {});
    }
  });

  global.addEventListener('pageshow', function (e) {
    if (e.persisted && beat && beat.hidden) {
      Herald.heartbeatStart({ meta: beat.meta }).catch(function () {});
    }
  });

  // ------------------------------------------------------------------------------------ streams --

  /**
   * Subscribes to one or more channels over one EventSource (GET /v1/stream?channel=…&envelope=1).
   * handlers: { events: [names], onEvent(channel, event, data, id), onGap(channel, reason), onOpen(),
   * onError(err), from: 'earliest' }. Returns { channels, close(), listen(name) }.
   */
  Herald.subscribe = function (channels, handlers) {
    var list = (typeof channels === 'string' ? [channels] : channels.slice()).filter(function (c, i, all) {
      return all.indexOf(c) === i;
    });
    if (list.length === 0) {
      throw new Error('Herald.subscribe needs at least one channel');
    }
    handlers = handlers || {};
    var storageKey = STORAGE_PREFIX + list.slice().sort().join(',');
    var names = {};
    var source = null;
    var closed = false;
    var retryTimer = null;
    var retryMs = 1000;

    function remember(id) {
      if (id) {
        try {
          global.sessionStorage.setItem(storageKey, id);
        } catch (ignored) {
          // storage full or disabled: resuming after a reload is then live-only
        }
      }
    }

    function lastId() {
      try {
        return global.sessionStorage.getItem(storageKey);
      } catch (ignored) {
        return null;
      }
    }

    function call(name) {
      var fn = handlers[name];
      if (typeof fn === 'function') {
        try {
          fn.apply(null, Array.prototype.slice.call(arguments, 1));
        } catch (err) {
          global.setTimeout(function () { throw err; }); // report, but never break the stream
        }
      }
    }

    function onMessage(e) {
      var envelope;
      try {
        envelope = JSON.parse(e.data);
      } catch (err) {
        envelope = { channel: list.length === 1 ? list[0] : null, data: e.data };
      }
      if (envelope === null || typeof envelope !== 'object' || !('channel' in envelope)) {
        envelope = { channel: list.length === 1 ? list[0] : null, data: envelope };
      }
      call('onEvent', envelope.channel, e.type === 'message' ? null : e.type, envelope.data, e.lastEventId || null);
      remember(e.lastEventId);
    }

    function onGap(e) {
      var gap = {};
      try {
        gap = JSON.parse(e.data) || {};
      } catch (ignored) {
        // a gap always names its channel; keep going with what we have
      }
      if (gap.data && typeof gap.data === 'object' && gap.reason === undefined) {
        gap = gap.data; // enveloped
      }
      call('onGap', gap.channel, gap.reason);
      remember(e.lastEventId);
    }

    function open() {
      var query = list.map(function (c) { return 'channel=' + encodeURIComponent(c); });
      query.push('envelope=1');
      var last = lastId() || (handlers.from === 'earliest' ? 'earliest' : null);
      if (last) {
        query.push('lastEventId=' + encodeURIComponent(last));
      }
      source = new global.EventSource(url('/v1/stream?' + query.join('&')), { withCredentials: crossOrigin() });
      source.onopen = function () {
        retryMs = 1000;
        call('onOpen');
      };
      source.onerror = function (e) {
        var gaveUp = source.readyState === global.EventSource.CLOSED;
        call('onError', { event: e, willRetry: true, reopening: gaveUp });
        if (gaveUp && !closed) {
          // the server answered with an error status (e.g. 503 when full): the browser stops for good,
          // so open again later, resuming from the last id we kept
          source.close();
          retryTimer = global.setTimeout(open, retryMs);
          retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
        }
      };
      source.addEventListener('message', onMessage);
      source.addEventListener(GAP, onGap);
      Object.keys(names).forEach(function (n) {
        source.addEventListener(n, onMessage);
      });
    }

    function listen(name) {
      if (typeof name !== 'string' || name === '' || name === 'message' || name === GAP || names[name]) {
        return;
      }
      names[name] = true;
      if (source) {
        source.addEventListener(name, onMessage);
      }
    }

    (handlers.events || []).forEach(listen);
    open();

    return {
      channels: list.slice(),
      /** Also hand events named `name` to onEvent. */
      listen: listen,
      /** Closes the stream for good. The last id stays kept, so a later subscribe resumes after it. */
      close: function () {
        closed = true;
        if (retryTimer) {
          global.clearTimeout(retryTimer);
        }
        if (source) {
          source.close();
        }
      }
    };
  };

  global.Herald = Herald;
})(window);
