/**
 * Reconnect delays: exponential from `baseMs` to `maxMs`, each drawn between half and all of it (so
 * clients that lost Herald together do not come back together), whatever `retry:` the server sent.
 */
export class Backoff {
  private attempts = 0;

  constructor(private readonly baseMs = 500, private readonly maxMs = 30_000) {}

  /** The delay before the next attempt, counting it. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.baseMs * Math.pow(2, this.attempts));
    this.attempts++;
    return Math.round(ceiling / 2 + Math.random() * ceiling / 2);
  }

  /** Failures since the last success. */
  get attempt(): number {
    return this.attempts;
  }

  reset(): void {
    this.attempts = 0;
  }
}
