import type { HeraldEvent, HeraldGap, HeraldError, SubscribeHandlers } from './types';
export type EventListener<T = unknown> = (data: T, event: HeraldEvent<T>) => void;
/** Calls a page's handler; a handler that throws is reported (asynchronously) and never stops the others. */
export declare function safely(fn: (...args: any[]) => void, ...args: unknown[]): void;
/**
 * One `subscribe` call of a page: its channels, its handlers, and listeners by event name (`on('goal')`,
 * `on('*')` for every event). Events come by name without being declared first.
 */
export declare class Subscription {
    private readonly handlers;
    private readonly changed;
    private readonly channelSet;
    private readonly listeners;
    private closedFlag;
    /** @internal */
    constructor(channels: string[], handlers: SubscribeHandlers, changed: (s: Subscription) => void);
    /** The channels this subscription follows now. */
    get channels(): string[];
    get closed(): boolean;
    /** Listens to the events named `name` (`'message'`: unnamed ones; `'*'`: all). */
    on<T = unknown>(name: string, listener: EventListener<T>): this;
    /** Stops listening: one listener, or every listener of `name`. */
    off(name: string, listener?: EventListener<any>): this;
    /** Stops following some channels (all of them, like {@link close}, without arguments). */
    unsubscribe(channels?: string | string[]): void;
    /** Stops following every channel of this subscription. */
    close(): void;
    /** @internal */
    follows(channel: string): boolean;
    /** @internal */
    event(e: HeraldEvent): void;
    /** @internal */
    gap(g: HeraldGap): void;
    /** @internal */
    opened(): void;
    /** @internal */
    failed(error: HeraldError): void;
}
