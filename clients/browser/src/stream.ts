import { Backoff } from './backoff';
import type { Transport } from './transport';
import type { ConnectionState, HeraldError, HeraldEvent, HeraldGap } from './types';

/** What the leader's stream reports. `cursor`: the stream's id after the event (resume from it). */
export interface StreamHandlers {
  onEvent(event: HeraldEvent, cursor: string | null): void;
  onGap(gap: HeraldGap, cursor: string | null): void;
  /** The stream's position moved without an event (`herald.open`: where it starts). */
  onCursor(cursor: string): void;
  onState(state: ConnectionState): void;
  onError(error: HeraldError): void;
}

const OPEN = 'herald.open';
const GAP = 'herald.gap';
const EXPIRED = 'herald.expired';
/** Channel-set changes that come together (a page subscribing at load) reopen the stream once. */
const SETTLE_MS = 25;

/**
 * The one stream of a browser (held by the leader tab): an EventSource over the union of the tabs'
 * channels with `envelope=2`, so every event arrives by name without being declared. It reconnects on
 * its own schedule — exponential backoff with jitter, whatever `retry:` the server sent — resuming from
 * the last id it saw (`lastEventId`), and reopens when the channel set changes or the token expires.
 */
export class SharedStream {
  private channels: string[] = [];
  private source: EventSource | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private generation = 0;
  private readonly backoff = new Backoff();
  private closed = false;
  private state: ConnectionState = 'idle';

  constructor(private readonly transport: Transport, private readonly handlers: StreamHandlers,
              private cursor: string | null, private readonly withSession: () => boolean) {}

  /** The id to resume from: the last the stream saw. */
  get position(): string | null {
    return this.cursor;
  }

  /** Follows exactly these channels from now on (reopening from the last id when they change). */
  follow(channels: string[]): void {
    const next = channels.slice().sort();
    if (next.join('\n') === this.channels.join('\n')) {
      return;
    }
    this.channels = next;
    this.schedule(SETTLE_MS);
  }

  /** Opens again now from the last id (the session secret or the token changed). */
  reopen(): void {
    this.schedule(0);
  }

  close(): void {
    this.closed = true;
    this.stop();
    this.setState('closed');
  }

  private stop(): void {
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

  private schedule(ms: number): void {
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

  private async open(generation: number): Promise<void> {
    if (this.channels.length === 0) {
      this.setState('idle');
      return;
    }
    this.setState(this.backoff.attempt > 0 ? 'reconnecting' : 'connecting');
    let url: string;
    try {
      url = await this.transport.streamUrl(this.channels, this.cursor, this.withSession());
    } catch (noToken) {
      this.failed('the token provider failed: ' + String(noToken));
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
        this.setState('open');
      }
    };
    source.onmessage = (m) => {
      if (generation === this.generation) {
        this.message(m);
      }
    };
    // a Herald that ends a stream for an expired token names that last event even on envelope=2 streams
    source.addEventListener(EXPIRED, () => {
      if (generation === this.generation) {
        this.expired();
      }
    });
    source.onerror = () => {
      if (generation === this.generation) {
        // the browser would reconnect after the server's retry: (0.25 s while a node drains): take over
        source.close();
        this.source = null;
        this.failed(null);
      }
    };
  }

  private message(m: MessageEvent): void {
    const cursor = m.lastEventId || this.cursor;
    let env: { channel: string; event: string | null; id: string; data: unknown };
    try {
      env = JSON.parse(m.data);
    } catch (notJson) {
      return; // not what envelope=2 sends
    }
    if (!env || typeof env !== 'object') {
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
        const gap = (env.data || {}) as { reason?: string };
        this.handlers.onGap({ channel: env.channel, reason: String(gap.reason || 'unknown') }, cursor);
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
  private expired(): void {
    this.stop();
    this.transport.bearer(true).then(() => this.schedule(0), () => this.schedule(this.backoff.next()));
  }

  private failed(why: string | null): void {
    const delay = this.backoff.next();
    const attempt = this.backoff.attempt;
    this.setState('reconnecting');
    this.schedule(delay);
    const probe = '/v1/channels/' + encodeURIComponent(this.channels[0]) + '/events?limit=1';
    this.transport.diagnose(probe).then((d) => {
      if (d.cause === 'auth' && this.transport.hasTokenProvider) {
        // renewed before the reconnect fires: the provider's new token goes with it
        this.transport.bearer(true).catch(() => undefined);
      }
      if (!this.closed) {
        this.handlers.onError({ cause: d.cause, message: why || d.message, status: d.status, attempt, retryInMs: delay });
      }
    });
  }

  private setState(state: ConnectionState): void {
    if (state !== this.state) {
      this.state = state;
      this.handlers.onState(state);
    }
  }
}
