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

/** The origin the script itself came from (a classic script's `src`, a module's `import.meta.url`). */
function loadedFrom(): string {
  const script = typeof document !== 'undefined' ? document.currentScript as HTMLScriptElement | null : null;
  let src = script && script.src ? script.src : '';
  if (!src) {
    try {
      src = (import.meta as { url?: string }).url || '';
    } catch (noModule) {
      src = '';
    }
  }
  return /^https?:/.test(src) ? new URL(src).origin : '';
}

const LOADED_FROM = loadedFrom();
let options: ClientOptions = {};
let current: HeraldClient | null = null;

/** A client of its own (several Heralds, or tests); most pages use the default one through the functions below. */
export function connect(clientOptions: ClientOptions = {}): HeraldClient {
  return new HeraldClient(Object.assign({ url: LOADED_FROM }, clientOptions));
}

/** Sets the default client's options (`url`, `token`, `shareTabs`); a client already made is closed and made anew. */
export function configure(clientOptions: ClientOptions): void {
  options = Object.assign({}, options, clientOptions);
  if (current) {
    current.close();
    current = null;
  }
}

/** The default client, made on first use. */
export function client(): HeraldClient {
  if (!current) {
    current = connect(options);
  }
  return current;
}

/** Follows channels on the default client (see {@link HeraldClient.subscribe}). */
export function subscribe(channels: string | string[], handlers?: SubscribeHandlers): Subscription {
  return client().subscribe(channels, handlers);
}

/** Keeps the browser's presence session alive (see {@link HeraldClient.heartbeatStart}). */
export function heartbeatStart(start?: { meta?: unknown }): Promise<SessionInfo> {
  return client().heartbeatStart(start);
}

/** Ends the presence session now. */
export function heartbeatStop(): Promise<void> {
  return client().heartbeatStop();
}

/** Listens to the default client: `state`, `error`, `session`, `role`. */
export function on<K extends keyof ClientEventMap>(name: K, listener: Listener<ClientEventMap[K]>): HeraldClient {
  return client().on(name, listener);
}

export function off<K extends keyof ClientEventMap>(name: K, listener?: Listener<ClientEventMap[K]>): HeraldClient {
  return client().off(name, listener);
}

/** The default client's connection state. */
export function state(): ConnectionState {
  return client().state;
}

/** This tab's part in the default client. */
export function role(): TabRole | null {
  return client().role;
}

const Herald = { connect, configure, client, subscribe, heartbeatStart, heartbeatStop, on, off, state, role, HeraldClient };
export default Herald;
