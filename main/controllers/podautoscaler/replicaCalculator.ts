// The replica calculation of Kubernetes' HPA for a resource utilization
// target: the pods' usage over their requests, against the target, and the
// ready pods scaled by that ratio, with a 10% tolerance inside which nothing
// changes. Pods without figures are left out (a simplification of the
// missing-pods rule: Kubernetes assumes 0% or 100% for them).

export const tolerance = 0.1;

export interface PodSample {
  name: string;
  /** Usage of the resource, in millis (millicores, or bytes × 1000). */
  usage: number;
  /** Sum of the containers' requests of the resource, in the same unit; 0 when a container names none. */
  request: number;
  missingRequest?: string;
}

export interface Recommendation {
  replicas: number;
  /** Average utilization, in percent of the request. */
  utilization: number;
}

/** Throws with Kubernetes' message when a pod names no request. */
export function utilizationReplicas(currentReplicas: number, targetUtilization: number, samples: PodSample[]): Recommendation {
  const missing = samples.find((s) => s.missingRequest);
  if (missing) throw new Error(missing.missingRequest);
  if (samples.length === 0) throw new Error('did not receive metrics for targeted pods (pods might be unready)');
  const usage = samples.reduce((sum, s) => sum + s.usage, 0);
  const requests = samples.reduce((sum, s) => sum + s.request, 0);
  const utilization = Math.round((usage * 100) / requests);
  const ratio = utilization / targetUtilization;
  if (Math.abs(1 - ratio) <= tolerance) return { replicas: currentReplicas, utilization };
  return { replicas: Math.ceil(ratio * samples.length), utilization };
}
