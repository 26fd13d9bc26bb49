// The kubelet's updateRuntimeUp loop: ask the runtime for its version every
// few seconds; the last answer's time is what "container runtime is down"
// is judged on, and the version is the node's containerRuntimeVersion.

import type { Runtime, RuntimeVersion } from '../runtime/runtime.ts';
import type { Clock, Timer } from '../kube/clock.ts';

export class RuntimeHealth {
  lastOk: number | undefined;
  version: RuntimeVersion | undefined;
  private timer: Timer | undefined;
  private stopped = false;

  constructor(
    private readonly runtime: Runtime,
    private readonly clock: Clock,
    private readonly periodMs: number,
    /** Called when the runtime starts or stops answering. */
    private readonly onChange: () => void,
  ) {}

  /** Checks once now, then keeps checking. */
  async start(): Promise<void> {
    await this.check();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private async check(): Promise<void> {
    const wasUp = this.isAnswering();
    let timeout: Timer | undefined;
    try {
      // A hung engine must not hang the check: it counts as not answering.
      const expired = new Promise<never>((_, reject) => (timeout = this.clock.setTimeout(() => reject(new Error('runtime did not answer')), this.periodMs * 2)));
      this.version = await Promise.race([this.runtime.version(), expired]);
      this.lastOk = this.clock.now();
    } catch {
      // The time of the last answer tells how long the runtime has been down.
    } finally {
      timeout?.cancel();
    }
    if (wasUp !== this.isAnswering()) this.onChange();
    if (!this.stopped) this.timer = this.clock.setTimeout(() => void this.check(), this.periodMs);
  }

  private isAnswering(): boolean {
    return this.lastOk !== undefined && this.clock.now() - this.lastOk <= this.periodMs * 2;
  }
}
