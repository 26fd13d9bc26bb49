// The node conditions the kubelet posts, as nodestatus/setters.go:
// MemoryPressure, DiskPressure, PIDPressure and Ready, with Kubernetes'
// reasons and messages. lastHeartbeatTime moves on every post,
// lastTransitionTime only when the status changes, and each change yields the
// node event the kubelet records (NodeReady, NodeHasSufficientMemory...).

import { aggregate } from './runtimeState.ts';

export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface ConditionInputs {
  /** Why the node is not ready (runtime down, PLEG); empty when it is. */
  readyErrors: string[];
  memoryPressure: boolean;
  diskPressure: boolean;
  pidPressure: boolean;
}

interface PressureText {
  type: string;
  trueReason: string;
  trueMessage: string;
  trueEvent: string;
  falseReason: string;
  falseMessage: string;
  falseEvent: string;
}

const PRESSURES: Array<PressureText & { input: keyof Omit<ConditionInputs, 'readyErrors'> }> = [
  {
    type: 'MemoryPressure',
    input: 'memoryPressure',
    trueReason: 'KubeletHasInsufficientMemory',
    trueMessage: 'kubelet has insufficient memory available',
    trueEvent: 'NodeHasInsufficientMemory',
    falseReason: 'KubeletHasSufficientMemory',
    falseMessage: 'kubelet has sufficient memory available',
    falseEvent: 'NodeHasSufficientMemory',
  },
  {
    type: 'DiskPressure',
    input: 'diskPressure',
    trueReason: 'KubeletHasDiskPressure',
    trueMessage: 'kubelet has disk pressure',
    trueEvent: 'NodeHasDiskPressure',
    falseReason: 'KubeletHasNoDiskPressure',
    falseMessage: 'kubelet has no disk pressure',
    falseEvent: 'NodeHasNoDiskPressure',
  },
  {
    type: 'PIDPressure',
    input: 'pidPressure',
    trueReason: 'KubeletHasInsufficientPID',
    trueMessage: 'kubelet has insufficient PID available',
    trueEvent: 'NodeHasInsufficientPID',
    falseReason: 'KubeletHasSufficientPID',
    falseMessage: 'kubelet has sufficient PID available',
    falseEvent: 'NodeHasSufficientPID',
  },
];

export interface ConditionUpdate {
  conditions: NodeCondition[];
  /** Node event reasons to record, in order. */
  events: string[];
}

export function nodeConditions(previous: NodeCondition[], inputs: ConditionInputs, now: string): ConditionUpdate {
  const events: string[] = [];
  const conditions: NodeCondition[] = [];
  for (const pressure of PRESSURES) {
    const old = previous.find((c) => c.type === pressure.type);
    const pressured = inputs[pressure.input];
    const status = pressured ? 'True' : 'False';
    const changed = old?.status !== status;
    if (changed) events.push(pressured ? pressure.trueEvent : pressure.falseEvent);
    conditions.push({
      type: pressure.type,
      status,
      lastHeartbeatTime: now,
      lastTransitionTime: changed ? now : (old?.lastTransitionTime ?? now),
      reason: pressured ? pressure.trueReason : pressure.falseReason,
      message: pressured ? pressure.trueMessage : pressure.falseMessage,
    });
  }
  const ready = inputs.readyErrors.length === 0;
  const oldReady = previous.find((c) => c.type === 'Ready');
  const readyStatus = ready ? 'True' : 'False';
  const readyChanged = oldReady?.status !== readyStatus;
  if (readyChanged) events.push(ready ? 'NodeReady' : 'NodeNotReady');
  conditions.push({
    type: 'Ready',
    status: readyStatus,
    lastHeartbeatTime: now,
    lastTransitionTime: readyChanged ? now : (oldReady?.lastTransitionTime ?? now),
    reason: ready ? 'KubeletReady' : 'KubeletNotReady',
    message: ready ? 'kubelet is posting ready status' : aggregate(inputs.readyErrors),
  });
  return { conditions, events };
}
