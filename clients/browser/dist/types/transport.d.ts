import type { ErrorCause, TokenProvider } from './types';
/** What a failed request or stream most likely ran into. */
export interface Diagnosis {
    cause: ErrorCause;
    message: string;
    status?: number;
}
/**
 * How this page talks to Herald: URLs, credentials and tokens.
 *
 * Credentials only where a session needs them: a page on Herald's own origin uses its cookie
 * (`herald_sid`) as browsers do; a page on another origin sends no cookies at all (so a
 * `http.cors.origins=*` Herald works) and carries the session's secret itself — the header
 * `Herald-Session` on heartbeat calls, the query parameter `session` on streams and beacons — as
 * Herald hands it out (`sessionToken` of the start reply). A Herald that hands none out is asked
 * with cookies (`credentials: 'include'`), which needs a named origin in `http.cors.origins`.
 * In `auth.mode=jwt` the provider's token goes in `Authorization: Bearer`, or `access_token` where a
 * header cannot go (EventSource, sendBeacon).
 */
export declare class Transport {
    private readonly provider?;
    /** Herald's origin, or `''` when it is this page's own. */
    readonly base: string;
    readonly crossOrigin: boolean;
    /** The session's secret for cross-origin pages (`Herald-Session`), once Herald gave it. */
    sessionToken: string | null;
    /** Cross-origin, but Herald gives no session secret: presence goes by cookie, with credentials. */
    cookieMode: boolean;
    private bearerToken;
    private renewing;
    constructor(url: string, provider?: TokenProvider | undefined);
    get hasTokenProvider(): boolean;
    /** The absolute or page-relative URL of `path` with query parameters (null values left out). */
    url(path: string, params?: Array<[string, string | null | undefined]>): string;
    /** The JWT from the provider (kept until Herald rejects it; `renew` asks again). */
    bearer(renew?: boolean): Promise<string | null>;
    /** Whether a request on behalf of the session sends cookies. */
    private credentials;
    /** Whether the stream's EventSource sends cookies (a cross-origin page in cookie mode with a session). */
    streamCredentials(session: boolean): boolean;
    /**
     * A request to Herald. `session`: it acts for the presence session (its secret goes along). A 401
     * with a token provider renews the token and tries once more.
     */
    request(method: string, path: string, body?: unknown, session?: boolean, keepalive?: boolean): Promise<Response>;
    /** The stream's URL: channels, envelope=2, where to resume, and the secrets an EventSource cannot send as headers. */
    streamUrl(channels: string[], lastEventId: string | null, session: boolean): Promise<string>;
    /** `stop?leaving=1` as a beacon, which outlives the page; false when the browser would not queue it. */
    leave(): boolean;
    /**
     * Why a request to Herald failed: asks `probe` (a cheap GET that needs what the failed call needed) and,
     * when that fails too, whether Herald answers at all without CORS.
     */
    diagnose(probe: string): Promise<Diagnosis>;
    private unreachable;
    private where;
}
/** What an HTTP status from Herald says about a failure. */
export declare function diagnoseStatus(res: Response, where: string): Diagnosis;
