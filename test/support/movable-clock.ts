/**
 * A clock the test sets: injected where an app reads the time (LifecycleClock, …), so a
 * test moves it past a deadline instead of sleeping through one.
 */
export class MovableClock {
  constructor(private at: number) {}
  now(): Date {
    return new Date(this.at);
  }
  set(at: number): void {
    this.at = at;
  }
}
