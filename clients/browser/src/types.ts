/** The connection to Herald as a page sees it (the leader tab's stream, mirrored in every tab). */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** This tab's part: it holds the stream and the heartbeat (`leader`, or `solo` without tab sharing), or not. */
export type TabRole = 'leader' | 'follower' | 'solo';

/**
 * The likely cause of a failure: `offline` (the browser has no network), `refused` (Herald cannot be
 * reached: down, wrong URL or port), `cors` (Herald answers, but not to this origin: add it to
 * `http.cors.origins`), `auth` (no valid token: 401), `forbidden` (the token may not: 403),
 * `unavailable` (Herald answered 429 or 5xx: it is starting, draining or full), `network` (the stream
 * broke after it worked).
 */
export type ErrorCause = 'offline' | 'refused' | 'cors' | 'auth' | 'forbidden' | 'unavailable' | 'network';

/** A failure of the stream or of the heartbeat, with what the client does next. */
export interface HeraldError {
  cause: ErrorCause;
  /** What went wrong and what to check, for people. */
  message: string;
  /** The HTTP status, when Herald answered. */
  status?: number;
  /** Reconnect attempts so far in this outage (1 for the first failure). */
  attempt: number;
  /** When the client tries again (milliseconds from now). */
  retryInMs: number;
}

/** One event of a channel. */
export interface HeraldEvent<T = unknown> {
  channel: string;
  /** Its name as published, or `null`. */
  event: string | null;
  /** The event's own id, as the publish reply and the history give it. */
  id: string;
  data: T;
}

/** Events of a channel are gone (trimmed, expired, reset, invalid-cursor): reload what you show of it. */
export interface HeraldGap {
  channel: string;
  reason: string;
}

/** The presence session, as `POST /v1/heartbeat/start` answered it. */
export interface SessionInfo {
  sessionId: string;
  state: 'connect' | 'reconnect';
  /** Seconds between beats. */
  beatDelay: number;
  /** Seconds of silence after which the session expires. */
  expireDelay: number;
}

/** Gives a JSON Web Token for `auth.mode=jwt`; called again when Herald says the token expired. */
export type TokenProvider = () => string | Promise<string>;

export interface ClientOptions {
  /** Herald's origin, e.g. `https://rt.example.com`; the origin the script was loaded from by default. */
  url?: string;
  /** The token for `auth.mode=jwt`. */
  token?: TokenProvider;
  /** Share one stream and one heartbeat among the tabs of this origin (default true, where the browser can). */
  shareTabs?: boolean;
}

/** Handlers of one subscription (all optional). */
export interface SubscribeHandlers {
  /** Every event of the subscription's channels. */
  onEvent?(channel: string, event: string | null, data: unknown, id: string): void;
  onGap?(channel: string, reason: string): void;
  /** The stream is open (again). */
  onOpen?(): void;
  onError?(error: HeraldError): void;
}

/** What a client tells about itself: `client.on(name, listener)`. */
export interface ClientEventMap {
  state: ConnectionState;
  error: HeraldError;
  session: SessionInfo;
  role: TabRole;
}

export type Listener<T> = (value: T) => void;
