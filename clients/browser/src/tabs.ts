/** A message between the tabs of one Herald client (see client.ts for the kinds). */
export interface TabMessage {
  t: string;
  from: string;
  [field: string]: unknown;
}

export interface TabGroupHandlers {
  /** This tab holds the group's lock now: it runs the stream and the heartbeat. */
  onLeader(): void;
  /** Another tab leads (told once, when this tab starts as a follower). */
  onFollower(): void;
  onMessage(message: TabMessage): void;
}

/**
 * The tabs of one origin that use the same Herald, and which of them leads. Election is a Web Lock
 * (`navigator.locks`, exclusive): its holder leads; the others queue for it, so when the leader's tab
 * closes (or crashes) the browser hands the lock to the next. Tabs talk over a `BroadcastChannel`. Each
 * tab also holds a lock of its own, so the leader can list the tabs that are still alive
 * (`locks.query()`), crashed ones included. Without those APIs the group is this tab alone ({@link shared} false).
 */
export class TabGroup {
  readonly id = Math.random().toString(36).slice(2) + Date.now().toString(36);
  readonly shared: boolean;
  private readonly channel: BroadcastChannel | null;
  private readonly leaderLock: string;
  private readonly tabLockPrefix: string;
  private release: (() => void) | null = null;
  private leading = false;
  private closed = false;

  constructor(key: string, private readonly handlers: TabGroupHandlers, share = true) {
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    this.shared = share && !!locks && typeof BroadcastChannel === 'function';
    this.leaderLock = 'herald-leader ' + key;
    this.tabLockPrefix = 'herald-tab ' + key + ' ';
    this.channel = this.shared ? new BroadcastChannel('herald ' + key) : null;
    if (this.channel) {
      this.channel.onmessage = (e: MessageEvent) => {
        const m = e.data as TabMessage;
        if (!this.closed && m && typeof m.t === 'string' && m.from !== this.id) {
          this.handlers.onMessage(m);
        }
      };
    }
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** Joins the group: this tab leads at once when nobody does, else follows and queues for the lead. */
  start(): void {
    if (!this.shared) {
      this.lead();
      return;
    }
    const locks = navigator.locks;
    const released = new Promise<void>((resolve) => {
      this.release = resolve;
    });
    locks.request(this.tabLockPrefix + this.id, () => released).catch(() => undefined);
    locks.request(this.leaderLock, { ifAvailable: true }, (lock) => {
      if (this.closed) {
        return undefined;
      }
      if (lock) {
        this.lead();
        return released;
      }
      this.handlers.onFollower();
      locks.request(this.leaderLock, () => {
        if (this.closed) {
          return undefined;
        }
        this.lead();
        return released;
      }).catch(() => undefined);
      return undefined;
    }).catch(() => this.lead());
  }

  private lead(): void {
    this.leading = true;
    this.handlers.onLeader();
  }

  /** Tells every other tab. */
  post(message: { t: string; [field: string]: unknown }): void {
    if (this.channel && !this.closed) {
      this.channel.postMessage(Object.assign({ from: this.id }, message));
    }
  }

  /** The ids of the tabs alive now (this one included); `null` when the browser cannot tell. */
  async alive(): Promise<Set<string> | null> {
    if (!this.shared) {
      return null;
    }
    const state = await navigator.locks.query();
    const ids = new Set<string>();
    for (const lock of state.held || []) {
      if (lock.name && lock.name.indexOf(this.tabLockPrefix) === 0) {
        ids.add(lock.name.slice(this.tabLockPrefix.length));
      }
    }
    return ids;
  }

  /** Leaves the group: the locks go (the next tab leads), the channel closes. */
  close(): void {
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
}
