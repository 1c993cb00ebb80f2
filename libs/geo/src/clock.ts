/** Milliseconds since the epoch. Injected so tests move time instead of sleeping through TTLs. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
