import type { HeraldEvent, HeraldGap, HeraldError, SubscribeHandlers } from './types';

export type EventListener<T = unknown> = (data: T, event: HeraldEvent<T>) => void;

/** Calls a page's handler; a handler that throws is reported (asynchronously) and never stops the others. */
export function safely(fn: (...args: any[]) => void, ...args: unknown[]): void {
  try {
    fn(...args);
  } catch (err) {
    setTimeout(() => {
      throw err;
    });
  }
}

/**
 * One `subscribe` call of a page: its channels, its handlers, and listeners by event name (`on('goal')`,
 * `on('*')` for every event). Events come by name without being declared first.
 */
export class Subscription {
  private readonly channelSet: Set<string>;
  private readonly listeners = new Map<string, Set<EventListener<any>>>();
  private closedFlag = false;

  /** @internal */
  constructor(channels: string[], private readonly handlers: SubscribeHandlers,
              private readonly changed: (s: Subscription) => void) {
    this.channelSet = new Set(channels);
  }

  /** The channels this subscription follows now. */
  get channels(): string[] {
    return Array.from(this.channelSet);
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Listens to the events named `name` (`'message'`: unnamed ones; `'*'`: all). */
  on<T = unknown>(name: string, listener: EventListener<T>): this {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener);
    return this;
  }

  /** Stops listening: one listener, or every listener of `name`. */
  off(name: string, listener?: EventListener<any>): this {
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
  unsubscribe(channels?: string | string[]): void {
    if (channels === undefined) {
      this.close();
      return;
    }
    for (const c of typeof channels === 'string' ? [channels] : channels) {
      this.channelSet.delete(c);
    }
    if (this.channelSet.size === 0) {
      this.closedFlag = true;
    }
    this.changed(this);
  }

  /** Stops following every channel of this subscription. */
  close(): void {
    if (!this.closedFlag) {
      this.closedFlag = true;
      this.channelSet.clear();
      this.changed(this);
    }
  }

  /** @internal */
  follows(channel: string): boolean {
    return !this.closedFlag && this.channelSet.has(channel);
  }

  /** @internal */
  event(e: HeraldEvent): void {
    if (this.handlers.onEvent) {
      safely(this.handlers.onEvent, e.channel, e.event, e.data, e.id);
    }
    for (const name of [e.event === null ? 'message' : e.event, '*']) {
      const set = this.listeners.get(name);
      if (set) {
        set.forEach((l) => safely(l, e.data, e));
      }
    }
  }

  /** @internal */
  gap(g: HeraldGap): void {
    if (this.handlers.onGap) {
      safely(this.handlers.onGap, g.channel, g.reason);
    }
    const set = this.listeners.get('herald.gap');
    if (set) {
      set.forEach((l) => safely(l, g, { channel: g.channel, event: 'herald.gap', id: '', data: g }));
    }
  }

  /** @internal */
  opened(): void {
    if (this.handlers.onOpen) {
      safely(this.handlers.onOpen);
    }
  }

  /** @internal */
  failed(error: HeraldError): void {
    if (this.handlers.onError) {
      safely(this.handlers.onError, error);
    }
  }
}
