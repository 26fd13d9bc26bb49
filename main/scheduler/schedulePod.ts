// One scheduling attempt, as kube-scheduler's schedulePod: PreFilter, Filter
// every node, Score the feasible ones, pick the best. Pure: it reads the
// snapshot and returns a decision; assuming, binding and reporting are the
// Scheduler's job.

import { FitError, NO_NODES_AVAILABLE, type Diagnosis } from './fitError.ts';
import { isRejected, MAX_NODE_SCORE, newStatus, statusMessage, SUCCESS, type NodeScore, type Profile, type Status } from './framework.ts';
import { NodeInfo } from './nodeInfo.ts';
import type { Snapshot } from './snapshot.ts';
import { nodeVerdicts, type NodeVerdict } from './nodeVerdicts.ts';
import type { Pod } from './types.ts';

export type ScheduleResult =
  /** `verdicts`: what the cycle made of every node, worked out when asked (the pod's journey shows it; most are never looked at). */
  | { status: 'Scheduled'; nodeName: string; evaluatedNodes: number; feasibleNodes: number; verdicts: () => NodeVerdict[] }
  /** Rejected by the plugins (reason Unschedulable); `fitError` is absent when the cluster has no nodes. */
  | { status: 'Unschedulable'; message: string; unschedulablePlugins: ReadonlySet<string>; fitError?: FitError }
  /** A plugin failed (reason SchedulerError); the pod is retried after backoff. */
  | { status: 'Error'; message: string };

/** Returns a number in [0, 1), like Math.random; injected so ties are broken reproducibly in tests. */
export type Rng = () => number;

class PluginError extends Error {}

function call<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw pluginError(what, err);
  }
}

function pluginError(what: string, err: unknown): PluginError {
  return new PluginError(`${what}: ${err instanceof Error ? err.message : String(err)}`);
}

interface PreFilterOutcome {
  status: Status;
  nodeNames?: Set<string>;
  skipped: Set<string>;
  /** Plugins whose result narrowed the nodes; they count as having rejected the pod. */
  pluginsWithNodes: string[];
}

export function runPreFilter(profile: Profile, pod: Pod): PreFilterOutcome {
  const skipped = new Set<string>();
  const pluginsWithNodes: string[] = [];
  let nodeNames: Set<string> | undefined;
  let status: Status = SUCCESS;
  for (const plugin of profile.preFilter) {
    const result = call(`running PreFilter plugin "${plugin.name}"`, () => plugin.preFilter(pod));
    const s = result.status;
    if (s.code === 'Skip') {
      skipped.add(plugin.name);
      continue;
    }
    if (s.code === 'UnschedulableAndUnresolvable') return { status: { ...s, plugin: plugin.name }, skipped, pluginsWithNodes: [] };
    if (s.code === 'Unschedulable') {
      // Kubernetes runs the remaining PreFilters so that preemption has their state.
      status = { ...s, plugin: plugin.name };
      continue;
    }
    if (s.code !== 'Success') throw new PluginError(`running PreFilter plugin "${plugin.name}": ${statusMessage(s)}`);
    if (!result.nodeNames) continue;
    pluginsWithNodes.push(plugin.name);
    nodeNames = nodeNames ? new Set([...nodeNames].filter((name) => result.nodeNames!.has(name))) : new Set(result.nodeNames);
    if (nodeNames.size === 0) {
      const message =
        pluginsWithNodes.length === 1
          ? `node(s) didn't satisfy plugin ${pluginsWithNodes[0]}`
          : `node(s) didn't satisfy plugin(s) [${pluginsWithNodes.join(' ')}] simultaneously`;
      return { status: newStatus('UnschedulableAndUnresolvable', message), skipped, pluginsWithNodes };
    }
  }
  return { status, nodeNames, skipped, pluginsWithNodes };
}

/** The first non-success status of the filters, in profile order. */
export function runFilters(profile: Profile, pod: Pod, nodeInfo: NodeInfo, skipped: ReadonlySet<string>): Status {
  for (const plugin of profile.filter) {
    if (skipped.has(plugin.name)) continue;
    // Once per plugin and node for every pod: no closure and no message unless a plugin fails.
    let status: Status;
    try {
      status = plugin.filter(pod, nodeInfo);
    } catch (err) {
      throw pluginError(`running "${plugin.name}" filter plugin`, err);
    }
    if (status.code === 'Success') continue;
    if (!isRejected(status)) throw new PluginError(`running "${plugin.name}" filter plugin: ${statusMessage(status)}`);
    return { ...status, plugin: plugin.name };
  }
  return SUCCESS;
}

/** Weighted sum of the normalized scores of every score plugin, per node. */
function prioritizeNodes(profile: Profile, pod: Pod, nodes: readonly NodeInfo[]): NodeScore[] {
  const totals: NodeScore[] = nodes.map((node) => ({ name: node.name, score: 0 }));
  // One list of scores, filled again by each plugin (and normalized in place): not a hundred new ones per plugin and pod.
  const scores: NodeScore[] = nodes.map((node) => ({ name: node.name, score: 0 }));
  for (const { plugin, weight } of profile.score) {
    if (plugin.preScore) {
      const status = call(`running PreScore plugin "${plugin.name}"`, () => plugin.preScore!(pod, nodes));
      if (status.code === 'Skip') continue;
      if (status.code !== 'Success') throw new PluginError(`running PreScore plugin "${plugin.name}": ${statusMessage(status)}`);
    }
    for (let i = 0; i < nodes.length; i++) {
      try {
        scores[i]!.score = plugin.score(pod, nodes[i]!);
      } catch (err) {
        throw pluginError(`running Score plugin "${plugin.name}"`, err);
      }
    }
    if (plugin.normalizeScore) call(`running Normalize on Score plugins "${plugin.name}"`, () => plugin.normalizeScore!(pod, scores));
    scores.forEach(({ score }, i) => {
      if (!(score >= 0 && score <= MAX_NODE_SCORE)) {
        throw new PluginError(`plugin "${plugin.name}" returns an invalid score ${score}, it should in the range of [0, ${MAX_NODE_SCORE}] after normalizing`);
      }
      totals[i]!.score += score * weight;
    });
  }
  return totals;
}

function selectHost(scores: readonly NodeScore[], rng: Rng): string {
  const best = Math.max(...scores.map(({ score }) => score));
  const ties = scores.filter(({ score }) => score === best);
  return ties[Math.min(Math.floor(rng() * ties.length), ties.length - 1)]!.name;
}

function withNominated(nodeInfo: NodeInfo, pod: Pod, nominatedOn: ((nodeName: string) => Pod[]) | undefined): NodeInfo {
  const others = (nominatedOn?.(nodeInfo.name) ?? []).filter((p) => p.metadata.uid !== pod.metadata.uid && (p.spec.priority ?? 0) >= (pod.spec.priority ?? 0));
  if (others.length === 0) return nodeInfo;
  const copy = new NodeInfo(nodeInfo.node, nodeInfo.pods);
  for (const p of others) copy.addPod(p);
  return copy;
}

function unschedulable(fitError: FitError): ScheduleResult {
  return { status: 'Unschedulable', message: fitError.message, unschedulablePlugins: fitError.diagnosis.unschedulablePlugins, fitError };
}

/**
 * `nominatedOn`: pending pods preemption nominated to a node. A node is checked with those of them
 * of the same or higher priority than `pod` counted on it (addNominatedPods), so a lower-priority pod
 * never takes the room a preemption freed.
 */
export function schedulePod(pod: Pod, snapshot: Snapshot, profile: Profile, rng: Rng = Math.random, nominatedOn?: (nodeName: string) => Pod[]): ScheduleResult {
  // No plugin is named, so the queue retries the pod after its backoff instead of waiting for an event.
  if (snapshot.size === 0) return { status: 'Unschedulable', message: NO_NODES_AVAILABLE, unschedulablePlugins: new Set() };
  try {
    const diagnosis: Diagnosis = { nodeToStatus: new Map(), unschedulablePlugins: new Set() };
    const preFilter = runPreFilter(profile, pod);
    for (const name of preFilter.pluginsWithNodes) diagnosis.unschedulablePlugins.add(name);
    if (preFilter.status.code !== 'Success') {
      diagnosis.absentNodesStatus = preFilter.status;
      diagnosis.preFilterMsg = statusMessage(preFilter.status);
      if (preFilter.status.plugin) diagnosis.unschedulablePlugins.add(preFilter.status.plugin);
      return unschedulable(new FitError(snapshot.size, diagnosis));
    }

    let candidates = snapshot.nodeInfos;
    if (preFilter.nodeNames) {
      // Names of nodes that do not exist are ignored, as in kube-scheduler.
      candidates = [...preFilter.nodeNames].flatMap((name) => snapshot.get(name) ?? []);
      diagnosis.absentNodesStatus = newStatus('UnschedulableAndUnresolvable', `node(s) didn't satisfy plugin(s) [${[...preFilter.pluginsWithNodes].sort().join(' ')}]`);
    }

    // kube-scheduler samples nodes only in clusters of 100 nodes or more; PodLab's are smaller, so every node is filtered.
    const feasible: NodeInfo[] = [];
    for (const nodeInfo of candidates) {
      const status = runFilters(profile, pod, withNominated(nodeInfo, pod, nominatedOn), preFilter.skipped);
      if (status.code === 'Success') {
        feasible.push(nodeInfo);
      } else {
        diagnosis.nodeToStatus.set(nodeInfo.name, status);
        if (status.plugin) diagnosis.unschedulablePlugins.add(status.plugin);
      }
    }
    const evaluatedNodes = feasible.length + diagnosis.nodeToStatus.size;
    if (feasible.length === 0) return unschedulable(new FitError(snapshot.size, diagnosis));
    const verdicts = (scores?: readonly NodeScore[]) => () => nodeVerdicts(snapshot, diagnosis, scores, new Set(feasible.map((n) => n.name)));
    // One feasible node needs no scoring, as in kube-scheduler.
    if (feasible.length === 1) return { status: 'Scheduled', nodeName: feasible[0]!.name, evaluatedNodes, feasibleNodes: 1, verdicts: verdicts() };

    const scores = prioritizeNodes(profile, pod, feasible);
    const nodeName = selectHost(scores, rng);
    return { status: 'Scheduled', nodeName, evaluatedNodes, feasibleNodes: feasible.length, verdicts: verdicts(scores) };
  } catch (err) {
    if (err instanceof PluginError) return { status: 'Error', message: err.message };
    throw err;
  }
}
