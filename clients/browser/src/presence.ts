import { Backoff } from './backoff';
import { diagnoseStatus, type Transport } from './transport';
import type { HeraldError, SessionInfo } from './types';

export interface HeartbeatHandlers {
  /** Herald answered a start (`token`: the session's secret for cross-origin pages, when it gave one). */
  onSession(info: SessionInfo, token: string | null): void;
  onError(error: HeraldError): void;
}

/**
 * The presence session's heartbeat, run by the leader tab only: a start, then a beat every `beatDelay`
 * seconds as Herald says. A beat answered 404 (the session expired or was stopped) starts again; a
 * failed beat is tried again with backoff, within the expiry. A new leader takes the beats over
 * ({@link resume}) without a new start, so handing over is no presence event at all.
 */
export class Heartbeat {
  private info: SessionInfo | null = null;
  private meta: unknown = undefined;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private generation = 0;
  /** The start in flight: tabs that join while it is on its way share it instead of starting again. */
  private starting: Promise<SessionInfo> | null = null;
  private readonly backoff = new Backoff(1000, 10_000);

  constructor(private readonly transport: Transport, private readonly handlers: HeartbeatHandlers) {}

  /** True while the session is kept alive from here. */
  get active(): boolean {
    return this.info !== null;
  }

  get session(): SessionInfo | null {
    return this.info;
  }

  /**
   * `POST /v1/heartbeat/start` (connect, or reconnect when Herald still holds the session), then beats.
   * When Herald cannot be reached the start is tried again with backoff until it works (the promise
   * fails at once, with the cause). A start asked for while one is on its way is that one: two starts
   * of one session would tell every watcher `connect` and then `reconnect`.
   */
  start(meta?: unknown): Promise<SessionInfo> {
    if (meta !== undefined) {
      this.meta = meta;
    }
    if (this.starting === null) {
      const starting: Promise<SessionInfo> = this.send().finally(() => {
        if (this.starting === starting) {
          this.starting = null;
        }
      });
      this.starting = starting;
    }
    return this.starting;
  }

  private async send(): Promise<SessionInfo> {
    const generation = ++this.generation;
    this.cancel();
    let res: Response;
    try {
      res = await this.transport.request('POST', '/v1/heartbeat/start',
        this.meta === undefined ? {} : { meta: this.meta }, true);
    } catch (unreachable) {
      const d = await this.transport.diagnose('/health/live');
      if (generation === this.generation) {
        this.failed(generation, d, () => this.start());
      }
      throw Object.assign(new Error('heartbeat start: ' + d.message), d);
    }
    if (!res.ok) {
      const d = diagnoseStatus(res, this.transport.base || location.origin);
      if (generation === this.generation && (d.cause === 'unavailable' || d.cause === 'auth')) {
        this.failed(generation, d, () => this.start());
      }
      throw Object.assign(new Error('heartbeat start: ' + d.message), d);
    }
    const body = await res.json();
    const token: string | null = typeof body.sessionToken === 'string' ? body.sessionToken : null;
    if (token) {
      this.transport.sessionToken = token;
    } else if (this.transport.crossOrigin && !this.transport.cookieMode) {
      // a Herald that hands out no session secret: presence goes by cookie, which a named CORS origin allows
      this.transport.cookieMode = true;
      return this.send();
    }
    const info: SessionInfo = { sessionId: body.sessionId, state: body.state, beatDelay: body.beatDelay,
      expireDelay: body.expireDelay };
    if (generation === this.generation) {
      this.info = info;
      this.backoff.reset();
      this.schedule(generation, this.beatMs());
      this.handlers.onSession(info, token);
    }
    return info;
  }

  /** Keeps beating a session another tab started (this tab just became the leader). */
  resume(info: SessionInfo, meta: unknown): void {
    this.meta = meta;
    this.info = info;
    this.starting = null;
    this.cancel();
    this.schedule(++this.generation, this.beatMs());
  }

  /** `POST /v1/heartbeat/stop`: the session ends now (disconnect). */
  async stop(): Promise<void> {
    const was = this.info !== null;
    this.halt();
    if (was) {
      await this.transport.request('POST', '/v1/heartbeat/stop', undefined, true, true);
    }
  }

  /** The page goes away and no other tab stays: `stop?leaving=1` by beacon (a reload within the grace is a reconnect). */
  leave(): void {
    if (this.info !== null) {
      this.halt();
      this.transport.leave();
    }
  }

  /** Stops beating from here without telling Herald (another tab beats now, or the page goes into the bfcache). */
  halt(): void {
    this.generation++;
    this.starting = null; // a start still on its way no longer starts anything here
    this.info = null;
    this.cancel();
  }

  private beatMs(): number {
    return Math.max(1000, Number(this.info && this.info.beatDelay) * 1000 || 30_000);
  }

  private cancel(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private schedule(generation: number, ms: number): void {
    this.timer = setTimeout(() => this.beat(generation), ms);
  }

  private async beat(generation: number): Promise<void> {
    if (generation !== this.generation) {
      return;
    }
    try {
      const res = await this.transport.request('POST', '/v1/heartbeat', undefined, true);
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
        this.failed(generation, await this.transport.diagnose('/health/live'));
      }
    }
  }

  private failed(generation: number, d: { cause: HeraldError['cause']; message: string; status?: number },
                 retry?: () => Promise<unknown>): void {
    const delay = this.backoff.next();
    if (retry) {
      this.timer = setTimeout(() => {
        if (generation === this.generation) {
          retry().catch(() => undefined);
        }
      }, delay);
    } else {
      this.schedule(generation, delay);
    }
    this.handlers.onError({ cause: d.cause, message: 'heartbeat: ' + d.message, status: d.status,
      attempt: this.backoff.attempt, retryInMs: delay });
  }
}
