import { type Transport } from './transport';
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
export declare class Heartbeat {
    private readonly transport;
    private readonly handlers;
    private info;
    private meta;
    private timer;
    private generation;
    /** The start in flight: tabs that join while it is on its way share it instead of starting again. */
    private starting;
    private readonly backoff;
    constructor(transport: Transport, handlers: HeartbeatHandlers);
    /** True while the session is kept alive from here. */
    get active(): boolean;
    get session(): SessionInfo | null;
    /**
     * `POST /v1/heartbeat/start` (connect, or reconnect when Herald still holds the session), then beats.
     * When Herald cannot be reached the start is tried again with backoff until it works (the promise
     * fails at once, with the cause). A start asked for while one is on its way is that one: two starts
     * of one session would tell every watcher `connect` and then `reconnect`.
     */
    start(meta?: unknown): Promise<SessionInfo>;
    private send;
    /** Keeps beating a session another tab started (this tab just became the leader). */
    resume(info: SessionInfo, meta: unknown): void;
    /** `POST /v1/heartbeat/stop`: the session ends now (disconnect). */
    stop(): Promise<void>;
    /** The page goes away and no other tab stays: `stop?leaving=1` by beacon (a reload within the grace is a reconnect). */
    leave(): void;
    /** Stops beating from here without telling Herald (another tab beats now, or the page goes into the bfcache). */
    halt(): void;
    private beatMs;
    private cancel;
    private schedule;
    private beat;
    private failed;
}
