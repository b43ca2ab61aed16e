import { Delivered } from './ids';
import { Heartbeat } from './presence';
import { SharedStream } from './stream';
import { Subscription, safely } from './subscription';
import { TabGroup, type TabMessage } from './tabs';
import { Transport } from './transport';
import type {
  ClientEventMap, ClientOptions, ConnectionState, HeraldError, HeraldEvent, HeraldGap, Listener, SessionInfo,
  SubscribeHandlers, TabRole
} from './types';

/** How often the leader looks for tabs that went away without a word (crashed, killed). */
const LIVENESS_MS = 3000;
/** A new leader first follows what the old one followed, until the other tabs have told it theirs. */
const SETTLE_UNION_MS = 1000;

/**
 * Herald in one tab. With `shareTabs` (the default, where the browser has Web Locks and
 * BroadcastChannel) the tabs of an origin elect a leader that holds the only stream — over the union of
 * every tab's channels — and the only heartbeat, and hands each event to the other tabs; when the leader
 * goes, the next tab takes over from the last id, so nothing is lost and nothing comes twice (each tab
 * also drops what it already had). Without those APIs every tab is on its own (`solo`).
 *
 * Presence: one session for the browser (Herald's cookie, or the session secret for cross-origin
 * pages). When the last tab goes away it sends `stop?leaving=1`, so a reload within
 * `heartbeat.leaveGrace` is a `reconnect`, and a tab that closes while others stay is no event at all.
 *
 * A page reload resumes after the last event the tab handed to the page (its id is kept in
 * `sessionStorage`): from the stream itself when the tab leads, from the channels' history when
 * another tab does.
 */
export class HeraldClient {
  /** Herald's origin this client talks to (`''`: the page's own). */
  readonly url: string;
  private readonly transport: Transport;
  private tabs: TabGroup;
  private readonly key: string;
  private readonly delivered = new Delivered();
  private readonly subs = new Set<Subscription>();
  private readonly listeners = new Map<keyof ClientEventMap, Set<Listener<any>>>();
  private roleValue: TabRole | null = null;
  private stateValue: ConnectionState = 'idle';
  /** The last stream id this tab handed events up to. */
  private cursor: string | null;
  /** The id this tab had before a reload: channels resume after it. */
  private keptCursor: string | null;
  private readonly caughtUp = new Set<string>();
  private readonly catchingUp = new Map<string, Array<() => void>>();
  private session: SessionInfo | null = null;
  private wantPresence = false;
  private meta: unknown = undefined;
  private readonly waitingForSession: Array<{ resolve: (s: SessionInfo) => void; reject: (e: Error) => void }> = [];
  // ---- leader only ----
  private stream: SharedStream | null = null;
  private heartbeat: Heartbeat | null = null;
  private readonly tabChannels = new Map<string, string[]>();
  private readonly tabPresence = new Map<string, unknown>();
  private previousUnion: string[] = [];
  private livenessTimer: ReturnType<typeof setInterval> | null = null;
  private closedFlag = false;

  constructor(private readonly options: ClientOptions = {}) {
    this.transport = new Transport(options.url || '', options.token);
    this.url = this.transport.base;
    this.key = this.transport.base || location.origin;
    this.keptCursor = this.load('cursor');
    this.cursor = this.keptCursor;
    this.transport.sessionToken = this.load('session');
    this.tabs = this.newGroup();
    this.tabs.start();
    addEventListener('pagehide', this.onPageHide);
    addEventListener('pageshow', this.onPageShow);
  }

  /** The connection as this page sees it. */
  get state(): ConnectionState {
    return this.stateValue;
  }

  /** This tab's part (`null` until it is known, right after the client starts). */
  get role(): TabRole | null {
    return this.roleValue;
  }

  /** Follows channels: events by name (`sub.on('goal', …)`, `'*'` for all) or through `handlers`. */
  subscribe(channels: string | string[], handlers: SubscribeHandlers = {}): Subscription {
    const list = (typeof channels === 'string' ? [channels] : channels.slice())
      .filter((c, i, all) => typeof c === 'string' && c !== '' && all.indexOf(c) === i);
    if (list.length === 0) {
      throw new Error('subscribe needs at least one channel name');
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
  heartbeatStart(options: { meta?: unknown } = {}): Promise<SessionInfo> {
    this.wantPresence = true;
    if (options.meta !== undefined) {
      this.meta = options.meta;
    }
    if (this.leads()) {
      this.tabPresence.set(this.tabs.id, this.meta);
      const hb = this.ensureHeartbeat();
      return hb.active && hb.session ? Promise.resolve(hb.session) : this.startSession();
    }
    this.tabs.post({ t: 'presence', on: true, meta: this.meta });
    return this.session ? Promise.resolve(this.session)
      : new Promise((resolve, reject) => this.waitingForSession.push({ resolve, reject }));
  }

  /** Ends the presence session now, for every tab (a `disconnect` at once). */
  async heartbeatStop(): Promise<void> {
    this.wantPresence = false;
    this.session = null;
    if (this.leads()) {
      this.tabPresence.clear();
      this.tabs.post({ t: 'stopped' });
      await this.ensureHeartbeat().stop();
    } else {
      this.tabs.post({ t: 'presence', on: false });
    }
  }

  /** Listens to the client: `state`, `error`, `session`, `role`. */
  on<K extends keyof ClientEventMap>(name: K, listener: Listener<ClientEventMap[K]>): this {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener);
    return this;
  }

  off<K extends keyof ClientEventMap>(name: K, listener?: Listener<ClientEventMap[K]>): this {
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
  close(): void {
    this.closedFlag = true;
    removeEventListener('pagehide', this.onPageHide);
    removeEventListener('pageshow', this.onPageShow);
    this.suspend(false);
    this.setState('closed');
  }

  // ------------------------------------------------------------------------------------ roles --

  private newGroup(): TabGroup {
    return new TabGroup(this.key, {
      onLeader: () => this.becomeLeader(),
      onFollower: () => this.becomeFollower(),
      onMessage: (m) => this.onMessage(m)
    }, this.options.shareTabs !== false);
  }

  private leads(): boolean {
    return this.roleValue === 'leader' || this.roleValue === 'solo';
  }

  private setRole(role: TabRole): void {
    this.roleValue = role;
    this.emit('role', role);
  }

  private becomeLeader(): void {
    if (this.closedFlag) {
      return;
    }
    this.setRole(this.tabs.shared ? 'leader' : 'solo');
    this.tabChannels.set(this.tabs.id, this.myChannels());
    if (this.wantPresence) {
      this.tabPresence.set(this.tabs.id, this.meta);
    }
    this.stream = new SharedStream(this.transport, {
      onEvent: (e, cursor) => {
        this.deliver(e, cursor);
        this.tabs.post({ t: 'event', e, cursor });
      },
      onGap: (g, cursor) => {
        this.gap(g, cursor);
        this.tabs.post({ t: 'gap', g, cursor });
      },
      onCursor: (cursor) => {
        this.moveCursor(cursor);
        this.tabs.post({ t: 'cursor', cursor });
      },
      onState: (state) => {
        this.setState(state);
        this.tabs.post({ t: 'state', state, union: this.union() });
      },
      onError: (error) => {
        this.failed(error);
        this.tabs.post({ t: 'error', error });
      }
    }, this.cursor, () => this.heartbeat !== null && this.heartbeat.active);
    // until the other tabs tell theirs, follow what the last leader followed: nothing of theirs is missed
    const previous = this.previousUnion;
    this.tabChannels.set('previous', previous);
    setTimeout(() => {
      this.tabChannels.delete('previous');
      this.unionChanged();
    }, previous.length ? SETTLE_UNION_MS : 0);
    this.unionChanged();
    this.tabs.post({ t: 'leader' });
    if (this.session) {
      this.ensureHeartbeat().resume(this.session, this.meta); // the last leader's session: beats go on from here
    } else if (this.wantPresence) {
      this.startSession().catch(() => undefined);
    }
    if (this.tabs.shared) {
      this.livenessTimer = setInterval(() => this.pruneTabs(), LIVENESS_MS);
    }
  }

  private becomeFollower(): void {
    this.setRole('follower');
    this.hello();
    this.catchUp();
  }

  private hello(): void {
    this.tabs.post({ t: 'hello', channels: this.myChannels(), presence: this.wantPresence, meta: this.meta });
  }

  private ensureHeartbeat(): Heartbeat {
    if (!this.heartbeat) {
      this.heartbeat = new Heartbeat(this.transport, {
        onSession: (info, token) => this.sessionStarted(info, token),
        onError: (error) => {
          this.emit('error', error);
          this.tabs.post({ t: 'error', error });
        }
      });
    }
    return this.heartbeat;
  }

  /** The leader starts the session; whoever waits for it hears how that went (it is tried again by itself). */
  private startSession(): Promise<SessionInfo> {
    return this.ensureHeartbeat().start(this.meta).catch((err: Error & { cause?: string }) => {
      this.sessionFailed(err.message);
      this.tabs.post({ t: 'sessionFailed', message: err.message });
      throw err;
    });
  }

  private sessionFailed(message: string): void {
    this.waitingForSession.splice(0).forEach((w) => w.reject(new Error(message)));
  }

  private sessionStarted(info: SessionInfo, token: string | null): void {
    const reopen = token !== null && token !== this.transport.sessionToken;
    this.adoptSession(info, token);
    this.tabs.post({ t: 'session', session: info, token });
    if (reopen && this.stream) {
      this.stream.reopen(); // the stream carries the session now: it keeps it alive
    }
  }

  private adoptSession(info: SessionInfo, token: string | null): void {
    this.session = info;
    if (token) {
      this.transport.sessionToken = token;
      this.save('session', token);
    }
    this.emit('session', info);
    this.waitingForSession.splice(0).forEach((w) => w.resolve(info));
  }

  // ------------------------------------------------------------------------------- messages --

  private onMessage(m: TabMessage): void {
    if (this.leads()) {
      this.leaderHears(m);
    } else {
      this.followerHears(m);
    }
  }

  private leaderHears(m: TabMessage): void {
    switch (m.t) {
      case 'hello':
        this.tabChannels.set(m.from, (m.channels as string[]) || []);
        if (m.presence) {
          this.tabPresence.set(m.from, m.meta);
        }
        this.unionChanged();
        this.presenceChanged();
        this.tabs.post({ t: 'welcome', to: m.from, state: this.stateValue, union: this.union(),
          session: this.heartbeat && this.heartbeat.active ? this.heartbeat.session : null,
          token: this.transport.sessionToken });
        return;
      case 'subs':
        this.tabChannels.set(m.from, (m.channels as string[]) || []);
        this.unionChanged();
        return;
      case 'presence':
        if (m.on) {
          this.tabPresence.set(m.from, m.meta);
          if (m.meta !== undefined) {
            this.meta = m.meta;
          }
          this.presenceChanged();
        } else {
          this.tabPresence.clear();
          this.wantPresence = false;
          this.session = null;
          this.tabs.post({ t: 'stopped' });
          this.ensureHeartbeat().stop().catch(() => undefined);
        }
        return;
      case 'bye':
        this.tabChannels.delete(m.from);
        this.tabPresence.delete(m.from);
        this.unionChanged();
        return;
      case 'leader':
        // two leaders (the lock was lost and retaken): the newcomer wins; this one follows
        return;
      default:
    }
  }

  private followerHears(m: TabMessage): void {
    switch (m.t) {
      case 'leader':
        this.hello();
        return;
      case 'welcome':
        if (m.to === this.tabs.id) {
          this.previousUnion = (m.union as string[]) || [];
          this.setState(m.state as ConnectionState);
          if (m.session) {
            this.adoptSession(m.session as SessionInfo, m.token as string | null);
          }
        }
        return;
      case 'event':
        this.deliver(m.e as HeraldEvent, m.cursor as string | null);
        return;
      case 'gap':
        this.gap(m.g as HeraldGap, m.cursor as string | null);
        return;
      case 'cursor':
        this.moveCursor(m.cursor as string);
        return;
      case 'state':
        this.previousUnion = (m.union as string[]) || this.previousUnion;
        this.setState(m.state as ConnectionState);
        return;
      case 'error':
        this.failed(m.error as HeraldError);
        return;
      case 'session':
        this.adoptSession(m.session as SessionInfo, m.token as string | null);
        return;
      case 'stopped':
        this.session = null;
        this.wantPresence = false;
        return;
      case 'sessionFailed':
        this.sessionFailed(String(m.message));
        return;
      default:
    }
  }

  // ----------------------------------------------------------------------------- channels --

  private myChannels(): string[] {
    const all = new Set<string>();
    this.subs.forEach((s) => s.channels.forEach((c) => all.add(c)));
    return Array.from(all);
  }

  private channelsChanged(): void {
    this.subs.forEach((s) => {
      if (s.closed) {
        this.subs.delete(s);
      }
    });
    if (this.roleValue === null) {
      return; // told once the role is known
    }
    if (this.leads()) {
      this.tabChannels.set(this.tabs.id, this.myChannels());
      this.unionChanged();
    } else {
      this.tabs.post({ t: 'subs', channels: this.myChannels() });
      this.catchUp();
    }
  }

  private union(): string[] {
    const all = new Set<string>();
    this.tabChannels.forEach((list) => list.forEach((c) => all.add(c)));
    return Array.from(all).sort();
  }

  private unionChanged(): void {
    if (this.stream) {
      const union = this.union();
      this.stream.follow(union);
      if (union.join('\n') !== this.previousUnion.join('\n')) {
        this.previousUnion = union;
        this.tabs.post({ t: 'state', state: this.stateValue, union });
      }
    }
  }

  private presenceChanged(): void {
    if (this.tabPresence.size > 0) {
      const hb = this.ensureHeartbeat();
      if (!hb.active) {
        this.startSession().catch(() => undefined);
      }
    }
  }

  /** Drops tabs that went away without saying so. */
  private pruneTabs(): void {
    this.tabs.alive().then((alive) => {
      if (!alive || !this.leads()) {
        return;
      }
      let changed = false;
      this.tabChannels.forEach((_, id) => {
        if (id !== 'previous' && !alive.has(id)) {
          this.tabChannels.delete(id);
          this.tabPresence.delete(id);
          changed = true;
        }
      });
      if (changed) {
        this.unionChanged();
      }
    }).catch(() => undefined);
  }

  // ----------------------------------------------------------------------------- delivery --

  private deliver(e: HeraldEvent, cursor: string | null): void {
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

  private gap(g: HeraldGap, cursor: string | null): void {
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

  private moveCursor(cursor: string): void {
    this.cursor = cursor;
    if (this.catchingUp.size === 0) {
      this.save('cursor', cursor);
    }
  }

  /**
   * A follower that came back (a reload) with the id it had: its channels resume from their history
   * after it, while what the leader sends meanwhile waits; the overlap is dropped.
   */
  private catchUp(): void {
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
      this.readHistory(channel, after).catch(() => undefined).then(() => {
        const waiting = this.catchingUp.get(channel) || [];
        this.catchingUp.delete(channel);
        waiting.forEach((run) => run());
        if (this.catchingUp.size === 0 && this.cursor) {
          this.save('cursor', this.cursor);
        }
      });
    }
  }

  private async readHistory(channel: string, after: string): Promise<void> {
    let from = after;
    for (let page = 0; page < 100; page++) {
      const res = await this.transport.request('GET', '/v1/channels/' + encodeURIComponent(channel)
        + '/events?limit=1000&after=' + encodeURIComponent(from));
      if (!res.ok) {
        return; // 400: the id does not cover this channel (it is new to this tab): live only
      }
      const body = await res.json() as { events: Array<{ id: string; event: string | null; data: unknown }>;
        gap: boolean; reason?: string };
      if (page === 0 && body.gap) {
        this.gap({ channel, reason: body.reason || 'trimmed' }, null);
      }
      for (const e of body.events) {
        if (this.delivered.accept(channel, e.id)) {
          const event: HeraldEvent = { channel, event: e.event, id: e.id, data: e.data };
          this.subs.forEach((s) => {
            if (s.follows(channel)) {
              s.event(event);
            }
          });
        }
      }
      if (body.events.length < 1000) {
        return;
      }
      from = body.events[body.events.length - 1].id;
    }
  }

  // ------------------------------------------------------------------------ state, errors --

  private setState(state: ConnectionState): void {
    if (state === this.stateValue) {
      return;
    }
    this.stateValue = state;
    this.emit('state', state);
    if (state === 'open') {
      this.subs.forEach((s) => s.opened());
    }
  }

  private failed(error: HeraldError): void {
    this.emit('error', error);
    this.subs.forEach((s) => s.failed(error));
  }

  private emit<K extends keyof ClientEventMap>(name: K, value: ClientEventMap[K]): void {
    const set = this.listeners.get(name);
    if (set) {
      set.forEach((l) => safely(l, value));
    }
  }

  // ------------------------------------------------------------------------- page life --

  private readonly onPageHide = (): void => {
    this.suspend(true);
  };

  private readonly onPageShow = (e: PageTransitionEvent): void => {
    if (e.persisted && !this.closedFlag) {
      // back from the back/forward cache: join the tabs again, resuming from where this tab was
      this.keptCursor = this.cursor;
      this.caughtUp.clear();
      this.roleValue = null;
      this.tabs = this.newGroup();
      this.tabs.start();
    }
  };

  /**
   * This tab stops taking part: a leader that is the last tab ends the session with `stop?leaving=1`
   * (when `leaving`), else hands over; a follower says goodbye.
   */
  private suspend(leaving: boolean): void {
    if (this.leads()) {
      const others = Array.from(this.tabChannels.keys()).filter((id) => id !== this.tabs.id && id !== 'previous');
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
      this.tabs.post({ t: 'bye' });
    }
    this.tabs.close();
  }

  private load(what: string): string | null {
    try {
      return sessionStorage.getItem('herald:' + what + ':' + this.key);
    } catch (unavailable) {
      return null;
    }
  }

  private save(what: string, value: string): void {
    try {
      sessionStorage.setItem('herald:' + what + ':' + this.key, value);
    } catch (unavailable) {
      // storage full or off: a reload then starts live
    }
  }
}
