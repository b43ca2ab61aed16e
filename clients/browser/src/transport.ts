import type { ErrorCause, TokenProvider } from './types';

/** What a failed request or stream most likely ran into. */
export interface Diagnosis {
  cause: ErrorCause;
  message: string;
  status?: number;
}

/**
 * How this page talks to Herald: URLs, credentials and tokens.
 *
 * Credentials only where a session needs them: a page on Herald's own origin uses its cookie
 * (`herald_sid`) as browsers do; a page on another origin sends no cookies at all (so a
 * `http.cors.origins=*` Herald works) and carries the session's secret itself — the header
 * `Herald-Session` on heartbeat calls, the query parameter `session` on streams and beacons — as
 * Herald hands it out (`sessionToken` of the start reply). A Herald that hands none out is asked
 * with cookies (`credentials: 'include'`), which needs a named origin in `http.cors.origins`.
 * In `auth.mode=jwt` the provider's token goes in `Authorization: Bearer`, or `access_token` where a
 * header cannot go (EventSource, sendBeacon).
 */
export class Transport {
  /** Herald's origin, or `''` when it is this page's own. */
  readonly base: string;
  readonly crossOrigin: boolean;
  /** The session's secret for cross-origin pages (`Herald-Session`), once Herald gave it. */
  sessionToken: string | null = null;
  /** Cross-origin, but Herald gives no session secret: presence goes by cookie, with credentials. */
  cookieMode = false;
  private bearerToken: string | null = null;
  private renewing: Promise<string | null> | null = null;

  constructor(url: string, private readonly provider?: TokenProvider) {
    const origin = url ? new URL(url, location.href).origin : location.origin;
    this.crossOrigin = origin !== location.origin;
    this.base = this.crossOrigin ? origin : '';
  }

  get hasTokenProvider(): boolean {
    return !!this.provider;
  }

  /** The absolute or page-relative URL of `path` with query parameters (null values left out). */
  url(path: string, params: Array<[string, string | null | undefined]> = []): string {
    const query = params.filter((p) => p[1] !== null && p[1] !== undefined)
      .map((p) => encodeURIComponent(p[0]) + '=' + encodeURIComponent(p[1] as string)).join('&');
    return this.base + path + (query ? (path.indexOf('?') >= 0 ? '&' : '?') + query : '');
  }

  /** The JWT from the provider (kept until Herald rejects it; `renew` asks again). */
  bearer(renew = false): Promise<string | null> {
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
  private credentials(session: boolean): RequestCredentials {
    if (!this.crossOrigin) {
      return 'same-origin';
    }
    return session && this.cookieMode ? 'include' : 'omit';
  }

  /** Whether the stream's EventSource sends cookies (a cross-origin page in cookie mode with a session). */
  streamCredentials(session: boolean): boolean {
    return this.credentials(session) === 'include';
  }

  /**
   * A request to Herald. `session`: it acts for the presence session (its secret goes along). A 401
   * with a token provider renews the token and tries once more.
   */
  async request(method: string, path: string, body?: unknown, session = false, keepalive = false): Promise<Response> {
    const send = async (renew: boolean): Promise<Response> => {
      const headers: Record<string, string> = {};
      if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
      }
      const token = await this.bearer(renew);
      if (token) {
        headers.Authorization = 'Bearer ' + token;
      }
      if (session && this.crossOrigin && !this.cookieMode) {
        headers['Herald-Session'] = this.sessionToken || 'new';
      }
      return fetch(this.url(path), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: this.credentials(session),
        cache: 'no-store',
        keepalive
      });
    };
    const res = await send(false);
    return res.status === 401 && this.provider ? send(true) : res;
  }

  /** The stream's URL: channels, envelope=2, where to resume, and the secrets an EventSource cannot send as headers. */
  async streamUrl(channels: string[], lastEventId: string | null, session: boolean): Promise<string> {
    const params: Array<[string, string | null]> = channels.map((c) => ['channel', c] as [string, string]);
    params.push(['envelope', '2'], ['lastEventId', lastEventId], ['access_token', await this.bearer()]);
    if (session && this.crossOrigin && !this.cookieMode) {
      params.push(['session', this.sessionToken]);
    }
    return this.url('/v1/stream', params);
  }

  /** `stop?leaving=1` as a beacon, which outlives the page; false when the browser would not queue it. */
  leave(): boolean {
    const params: Array<[string, string | null]> = [['leaving', '1'], ['access_token', this.bearerToken]];
    if (this.crossOrigin && !this.cookieMode) {
      params.push(['session', this.sessionToken]);
    }
    const target = this.url('/v1/heartbeat/stop', params);
    if (navigator.sendBeacon && navigator.sendBeacon(target)) {
      return true;
    }
    fetch(target, { method: 'POST', keepalive: true, credentials: this.credentials(true) }).catch(() => undefined);
    return false;
  }

  /**
   * Why a request to Herald failed: asks `probe` (a cheap GET that needs what the failed call needed) and,
   * when that fails too, whether Herald answers at all without CORS.
   */
  async diagnose(probe: string): Promise<Diagnosis> {
    if (typeof navigator !== 'undefined' && navigator.onLine === false) {
      return { cause: 'offline', message: 'the browser is offline; reconnecting when the network is back' };
    }
    let res: Response;
    try {
      res = await this.request('GET', probe);
    } catch (failed) {
      return this.unreachable();
    }
    return diagnoseStatus(res, this.where());
  }

  private async unreachable(): Promise<Diagnosis> {
    if (this.crossOrigin) {
      try {
        await fetch(this.base + '/health/live', { mode: 'no-cors', credentials: 'omit', cache: 'no-store' });
        return {
          cause: 'cors',
          message: 'Herald at ' + this.base + ' answers, but not to pages of ' + location.origin
            + ': add that origin to http.cors.origins (or * in auth.mode=open)'
        };
      } catch (down) {
        // not even without CORS: Herald is not there
      }
    }
    return {
      cause: 'refused',
      message: 'Herald at ' + this.where() + ' cannot be reached: is it running, and are the host and port right?'
    };
  }

  private where(): string {
    return this.base || location.origin;
  }
}

/** What an HTTP status from Herald says about a failure. */
export function diagnoseStatus(res: Response, where: string): Diagnosis {
  const status = res.status;
  if (status === 401) {
    const why = res.headers.get('WWW-Authenticate');
    return { cause: 'auth', status, message: 'Herald at ' + where + ' wants a valid token (401'
      + (why ? ': ' + why : '') + '); give the client a token provider for auth.mode=jwt' };
  }
  if (status === 403) {
    return { cause: 'forbidden', status, message: 'the token may not follow this channel (403): check its herald.subscribe claim' };
  }
  if (status === 429 || status >= 500) {
    const after = res.headers.get('Retry-After');
    return { cause: 'unavailable', status, message: 'Herald at ' + where + ' is busy or starting (' + status
      + (after ? ', retry after ' + after + ' s' : '') + ')' };
  }
  return { cause: 'network', status, message: 'the connection to Herald at ' + where + ' broke; reconnecting' };
}
