// What a node container says about its node, in Docker labels, so the CLI
// (`podlab node add`) and the serving process agree without talking: the
// capacity the user chose and the node's role. Absent capacity labels mean
// the engine's own CPUs and memory, and 110 pods.

export const LABEL_CAPACITY_CPU = 'podlab.capacity.cpu';
export const LABEL_CAPACITY_MEMORY = 'podlab.capacity.memory';
export const LABEL_CAPACITY_PODS = 'podlab.capacity.pods';
export const LABEL_NODE_ROLE = 'podlab.node-role';
export const ROLE_CONTROL_PLANE = 'control-plane';

export interface CapacityChoice {
  cpu?: string;
  memory?: string;
  pods?: number;
}

/** The labels recording a capacity choice. */
export function capacityLabels(choice: CapacityChoice): Record<string, string> {
  const labels: Record<string, string> = {};
  if (choice.cpu !== undefined) labels[LABEL_CAPACITY_CPU] = choice.cpu;
  if (choice.memory !== undefined) labels[LABEL_CAPACITY_MEMORY] = choice.memory;
  if (choice.pods !== undefined) labels[LABEL_CAPACITY_PODS] = String(choice.pods);
  return labels;
}

export function capacityFromLabels(labels: Record<string, string> | undefined): CapacityChoice {
  const choice: CapacityChoice = {};
  if (labels?.[LABEL_CAPACITY_CPU]) choice.cpu = labels[LABEL_CAPACITY_CPU];
  if (labels?.[LABEL_CAPACITY_MEMORY]) choice.memory = labels[LABEL_CAPACITY_MEMORY];
  if (labels?.[LABEL_CAPACITY_PODS]) choice.pods = Number(labels[LABEL_CAPACITY_PODS]);
  return choice;
}

/** Node names: DNS labels, as they also name containers and hostnames. */
export function validNodeName(name: string): boolean {
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) && name.length <= 63;
}

/** `node-1`, `node-2`...: the nodes `--nodes K` creates; node-1 carries the control-plane role. */
export function defaultNodeName(index: number): string {
  return `node-${index + 1}`;
}
