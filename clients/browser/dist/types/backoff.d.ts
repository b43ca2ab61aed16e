/**
 * Reconnect delays: exponential from `baseMs` to `maxMs`, each drawn between half and all of it (so
 * clients that lost Herald together do not come back together), whatever `retry:` the server sent.
 */
export declare class Backoff {
    private readonly baseMs;
    private readonly maxMs;
    private attempts;
    constructor(baseMs?: number, maxMs?: number);
    /** The delay before the next attempt, counting it. */
    next(): number;
    /** Failures since the last success. */
    get attempt(): number;
    reset(): void;
}
