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
export declare class TabGroup {
    private readonly handlers;
    readonly id: string;
    readonly shared: boolean;
    private readonly channel;
    private readonly leaderLock;
    private readonly tabLockPrefix;
    private release;
    private leading;
    private closed;
    constructor(key: string, handlers: TabGroupHandlers, share?: boolean);
    get isLeader(): boolean;
    /** Joins the group: this tab leads at once when nobody does, else follows and queues for the lead. */
    start(): void;
    private lead;
    /** Tells every other tab. */
    post(message: {
        t: string;
        [field: string]: unknown;
    }): void;
    /** The ids of the tabs alive now (this one included); `null` when the browser cannot tell. */
    alive(): Promise<Set<string> | null>;
    /** Leaves the group: the locks go (the next tab leads), the channel closes. */
    close(): void;
}
