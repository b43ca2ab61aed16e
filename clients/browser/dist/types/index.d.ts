/**
 * Herald's browser client, as an ES module (`/herald.mjs`) and as a classic script (`/herald.js`,
 * which defines `window.Herald` with the same functions).
 *
 * ```js
 * import Herald from 'https://rt.example.com/herald.mjs';
 * Herald.heartbeatStart({ meta: { page: location.pathname } });
 * const sub = Herald.subscribe(['scores', 'chat']);
 * sub.on('goal', (data, e) => console.log(e.channel, data));      // any event name, no declaring
 * Herald.on('state', (s) => console.log('connection', s));
 * ```
 *
 * The functions act on a default client that talks to the Herald the script was loaded from; call
 * {@link configure} first to set another URL or a token provider, or make clients with {@link connect}.
 */
import { HeraldClient } from './client';
import type { Subscription } from './subscription';
import type { ClientEventMap, ClientOptions, ConnectionState, Listener, SessionInfo, SubscribeHandlers, TabRole } from './types';
export { HeraldClient };
export type { Subscription, EventListener } from './subscription';
export type * from './types';
/** A client of its own (several Heralds, or tests); most pages use the default one through the functions below. */
export declare function connect(clientOptions?: ClientOptions): HeraldClient;
/** Sets the default client's options (`url`, `token`, `shareTabs`); a client already made is closed and made anew. */
export declare function configure(clientOptions: ClientOptions): void;
/** The default client, made on first use. */
export declare function client(): HeraldClient;
/** Follows channels on the default client (see {@link HeraldClient.subscribe}). */
export declare function subscribe(channels: string | string[], handlers?: SubscribeHandlers): Subscription;
/** Keeps the browser's presence session alive (see {@link HeraldClient.heartbeatStart}). */
export declare function heartbeatStart(start?: {
    meta?: unknown;
}): Promise<SessionInfo>;
/** Ends the presence session now. */
export declare function heartbeatStop(): Promise<void>;
/** Listens to the default client: `state`, `error`, `session`, `role`. */
export declare function on<K extends keyof ClientEventMap>(name: K, listener: Listener<ClientEventMap[K]>): HeraldClient;
export declare function off<K extends keyof ClientEventMap>(name: K, listener?: Listener<ClientEventMap[K]>): HeraldClient;
/** The default client's connection state. */
export declare function state(): ConnectionState;
/** This tab's part in the default client. */
export declare function role(): TabRole | null;
declare const Herald: {
    connect: typeof connect;
    configure: typeof configure;
    client: typeof client;
    subscribe: typeof subscribe;
    heartbeatStart: typeof heartbeatStart;
    heartbeatStop: typeof heartbeatStop;
    on: typeof on;
    off: typeof off;
    state: typeof state;
    role: typeof role;
    HeraldClient: typeof HeraldClient;
};
export default Herald;
