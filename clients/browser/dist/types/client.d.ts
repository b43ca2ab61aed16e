import { Subscription } from './subscription';
import type { ClientEventMap, ClientOptions, ConnectionState, Listener, SessionInfo, SubscribeHandlers, TabRole } from './types';
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
export declare class HeraldClient {
    private readonly options;
    /** Herald's origin this client talks to (`''`: the page's own). */
    readonly url: string;
    private readonly transport;
    private tabs;
    private readonly key;
    private readonly delivered;
    private readonly subs;
    private readonly listeners;
    private roleValue;
    private stateValue;
    /** The last stream id this tab handed events up to. */
    private cursor;
    /** The id this tab had before a reload: channels resume after it. */
    private keptCursor;
    private readonly caughtUp;
    private readonly catchingUp;
    private session;
    private wantPresence;
    private meta;
    private readonly waitingForSession;
    private stream;
    private heartbeat;
    private readonly tabChannels;
    private readonly tabPresence;
    private previousUnion;
    private livenessTimer;
    private closedFlag;
    constructor(options?: ClientOptions);
    /** The connection as this page sees it. */
    get state(): ConnectionState;
    /** This tab's part (`null` until it is known, right after the client starts). */
    get role(): TabRole | null;
    /** Follows channels: events by name (`sub.on('goal', …)`, `'*'` for all) or through `handlers`. */
    subscribe(channels: string | string[], handlers?: SubscribeHandlers): Subscription;
    /**
     * Keeps the browser's presence session alive while a tab is open (one heartbeat for all tabs).
     * Resolves with the session once Herald answered (another tab's start counts).
     */
    heartbeatStart(options?: {
        meta?: unknown;
    }): Promise<SessionInfo>;
    /** Ends the presence session now, for every tab (a `disconnect` at once). */
    heartbeatStop(): Promise<void>;
    /** Listens to the client: `state`, `error`, `session`, `role`. */
    on<K extends keyof ClientEventMap>(name: K, listener: Listener<ClientEventMap[K]>): this;
    off<K extends keyof ClientEventMap>(name: K, listener?: Listener<ClientEventMap[K]>): this;
    /** Closes this client in this tab (streams, heartbeat, tab group) without ending the session. */
    close(): void;
    private newGroup;
    private leads;
    private setRole;
    private becomeLeader;
    private becomeFollower;
    private hello;
    private ensureHeartbeat;
    /** The leader starts the session; whoever waits for it hears how that went (it is tried again by itself). */
    private startSession;
    private sessionFailed;
    private sessionStarted;
    private adoptSession;
    private onMessage;
    private leaderHears;
    private followerHears;
    private myChannels;
    private channelsChanged;
    private union;
    private unionChanged;
    private presenceChanged;
    /** Drops tabs that went away without saying so. */
    private pruneTabs;
    private deliver;
    private gap;
    private moveCursor;
    /**
     * A follower that came back (a reload) with the id it had: its channels resume from their history
     * after it, while what the leader sends meanwhile waits; the overlap is dropped.
     */
    private catchUp;
    private readHistory;
    private setState;
    private failed;
    private emit;
    private readonly onPageHide;
    private readonly onPageShow;
    /**
     * This tab stops taking part: a leader that is the last tab ends the session with `stop?leaving=1`
     * (when `leaving`), else hands over; a follower says goodbye.
     */
    private suspend;
    private load;
    private save;
}
