// Adding, stopping, starting and removing a running cluster's nodes from the
// process that runs it (the UI), as `podlab node` does from another shell.
// Requests are checked here once, for the CLI and the UI alike, and failures
// say which node and what to do.

import { parseQuantity } from '../../kube/quantity.ts';
import { validNodeName, type CapacityChoice } from './nodeLabels.ts';

export interface NodeMachine {
  name: string;
  state: 'running' | 'stopped';
  controlPlane: boolean;
  /** The Docker container (absent for simulated nodes). */
  container?: string;
}

export interface NodeControl {
  machines(): Promise<NodeMachine[]>;
  addNode(name: string, capacity: CapacityChoice): Promise<void>;
  stopNode(name: string): Promise<void>;
  startNode(name: string): Promise<void>;
  removeNode(name: string): Promise<void>;
}

export type NodeActionFailure = 'Invalid' | 'NotFound' | 'AlreadyExists' | 'Unavailable';

export class NodeActionError extends Error {
  constructor(
    readonly reason: NodeActionFailure,
    message: string,
  ) {
    super(message);
    this.name = 'NodeActionError';
  }
}

export function checkNodeName(name: string): void {
  if (!validNodeName(name)) throw new NodeActionError('Invalid', `invalid node name "${name}": use lower-case letters, digits and '-', at most 63 characters`);
}

function isPositiveQuantity(text: string): boolean {
  if (text.startsWith('-')) return false;
  try {
    parseQuantity(text);
    return true;
  } catch {
    return false;
  }
}

/** A capacity as a person typed it (flags or a form): every field optional, each checked. */
export function checkCapacity(input: { cpu?: string; memory?: string; pods?: string | number }, names = { cpu: 'cpu', memory: 'memory', pods: 'pods' }): CapacityChoice {
  const choice: CapacityChoice = {};
  if (input.cpu !== undefined && input.cpu !== '') {
    if (!isPositiveQuantity(input.cpu)) throw new NodeActionError('Invalid', `${names.cpu} must be a CPU quantity such as 2 or 1500m (got "${input.cpu}")`);
    choice.cpu = input.cpu;
  }
  if (input.memory !== undefined && input.memory !== '') {
    if (!isPositiveQuantity(input.memory)) throw new NodeActionError('Invalid', `${names.memory} must be a memory quantity such as 4Gi or 512Mi (got "${input.memory}")`);
    choice.memory = input.memory;
  }
  if (input.pods !== undefined && input.pods !== '') {
    const pods = Number(input.pods);
    if (!Number.isInteger(pods) || pods < 1 || pods > 10_000) throw new NodeActionError('Invalid', `${names.pods} must be an integer from 1 to 10000 (got "${input.pods}")`);
    choice.pods = pods;
  }
  return choice;
}
