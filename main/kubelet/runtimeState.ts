// The kubelet's runtimeState: when the container runtime last answered its
// health check and how PLEG is doing, turned into the errors that make the
// node NotReady, with the kubelet's own wording ("container runtime is
// down", "PLEG is not healthy: pleg was last seen active 3m0s ago;
// threshold is 3m0s"), joined as Go's errors.NewAggregate prints them.

import { goDuration } from '../kube/goFormat.ts';

export interface RuntimeHealthInputs {
  now: number;
  /** Last successful runtime health check; undefined before the first. */
  lastRuntimeOk?: number;
  runtimeDownMs: number;
  /** Last successful PLEG relist; undefined before the first. */
  lastRelist?: number;
  plegUnhealthyMs: number;
}

export function runtimeErrors(inputs: RuntimeHealthInputs): string[] {
  const errors: string[] = [];
  if (inputs.lastRuntimeOk === undefined) errors.push('container runtime status check may not have completed yet');
  else if (inputs.now - inputs.lastRuntimeOk >= inputs.runtimeDownMs) errors.push('container runtime is down');
  if (inputs.lastRelist !== undefined && inputs.now - inputs.lastRelist > inputs.plegUnhealthyMs) {
    errors.push(`PLEG is not healthy: pleg was last seen active ${goDuration(inputs.now - inputs.lastRelist)} ago; threshold is ${goDuration(inputs.plegUnhealthyMs)}`);
  }
  return errors;
}

/** utilerrors.NewAggregate(...).Error(): one error as itself, several in brackets. */
export function aggregate(errors: string[]): string {
  return errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`;
}
