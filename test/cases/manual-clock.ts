/**
 * A clock that moves only when a test says so, for adapters that take `now: () => number`.
 */
export class ManualClock {
  #now: number;

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.#now = start;
  }

  /** Bound, so it can be handed over as `now` directly. */
  readonly now = (): number => this.#now;

  advance(ms: number): void {
    this.#now += ms;
  }
}
