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
/**
 * The one stream of a browser (held by the leader tab): an EventSource over the union of the tabs'
 * channels with `envelope=2`, so every event arrives by name without being declared. It reconnects on
 * its own schedule — exponential backoff with jitter, whatever `retry:` the server sent — resuming from
 * the last id it saw (`lastEventId`), and reopens when the channel set changes or the token expires.
 */
export declare class SharedStream {
    private readonly transport;
    private readonly handlers;
    private cursor;
    private readonly withSession;
    private channels;
    private source;
    private timer;
    private generation;
    private readonly backoff;
    private closed;
    private state;
    constructor(transport: Transport, handlers: StreamHandlers, cursor: string | null, withSession: () => boolean);
    /** The id to resume from: the last the stream saw. */
    get position(): string | null;
    /** Follows exactly these channels from now on (reopening from the last id when they change). */
    follow(channels: string[]): void;
    /** Opens again now from the last id (the session secret or the token changed). */
    reopen(): void;
    close(): void;
    private stop;
    private schedule;
    private open;
    private message;
    /** The token expired (Herald ended the stream): a new one, and on at once from the last id. */
    private expired;
    private failed;
    private setState;
}
