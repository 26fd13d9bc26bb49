// The latest result of one probe type per container instance, as the
// kubelet's results.Manager: keyed by container ID (a restarted container
// starts from the worker's initial value), and reporting only changes, which
// is what keeps status writes down to the moments something changed.

import type { Pod } from '../types.ts';

/** results.Result. `unknown` is the startup probe's value until it first concludes. */
export type WorkerResult = 'success' | 'failure' | 'unknown';

export interface ResultUpdate {
  containerId: string;
  result: WorkerResult;
  pod: Pod;
}

export class ResultsManager {
  private readonly results = new Map<string, WorkerResult>();

  constructor(private readonly onUpdate: (update: ResultUpdate) => void) {}

  get(containerId: string): WorkerResult | undefined {
    return this.results.get(containerId);
  }

  set(containerId: string, result: WorkerResult, pod: Pod): void {
    if (this.results.get(containerId) === result) return;
    this.results.set(containerId, result);
    this.onUpdate({ containerId, result, pod });
  }

  remove(containerId: string): void {
    this.results.delete(containerId);
  }
}
