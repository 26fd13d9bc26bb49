// The clock spans are stamped with. Kubernetes' own timestamps have second
// precision, too coarse to tell an admission plugin from a store write; the
// high-resolution clock gives fractional milliseconds on the epoch scale.
// Injected, so tests give spans fake times and never depend on wall time.

export interface TraceClock {
  /** Milliseconds since the Unix epoch, fractional where the clock allows. */
  now(): number;
}

export const precisionClock: TraceClock = {
  now: () => performance.timeOrigin + performance.now(),
};
