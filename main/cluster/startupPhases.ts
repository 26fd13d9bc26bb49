// How long each step of a cluster's start took, in the order they ended: what
// the start-time benchmark reports (and `PODLAB_STARTUP_TIMING=1 podlab
// serve` prints), so a slow start shows which step to look at.

export interface StartupPhase {
  phase: string;
  /** Milliseconds from the process's start (Node's time origin) to the end of this phase. */
  atMs: number;
  /** How long the phase itself took. */
  ms: number;
}

export class StartupPhases {
  readonly phases: StartupPhase[] = [];
  /** Node's own start and the loading of PodLab's code: from the process's start until Cluster.start. */
  private readonly began = performance.now();

  /** Times a step; steps may overlap (run side by side), each is timed on its own. */
  async time<T>(phase: string, step: Promise<T> | (() => Promise<T>)): Promise<T> {
    const from = performance.now();
    const result = await (typeof step === 'function' ? step() : step);
    const to = performance.now();
    this.phases.push({ phase, atMs: to, ms: to - from });
    return result;
  }

  /** `phase 12 ms (at 40 ms)`, one per line. */
  text(): string {
    const loading = `${'loading (Node, the bundle)'.padEnd(28)} ${this.began.toFixed(0).padStart(6)} ms   (done at ${this.began.toFixed(0)} ms)`;
    return [loading, ...this.phases.map((p) => `${p.phase.padEnd(28)} ${p.ms.toFixed(0).padStart(6)} ms   (done at ${p.atMs.toFixed(0)} ms)`)].join('\n');
  }
}
