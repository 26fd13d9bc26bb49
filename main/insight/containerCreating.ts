// Stuck in ContainerCreating or CreateContainerConfigError: almost always a
// volume or an env reference to a ConfigMap or Secret that does not exist.
// The kubelet's FailedMount event names it: `MountVolume.SetUp failed for
// volume "config" : configmap "app-config" not found`.

import type { Finding, Fix, NextCheck } from '../../preload/api.ts';
import { createFix } from './fixBuilders.ts';
import { kubectlFor } from './kubectlCommands.ts';
import { allContainerStatuses, type PodView } from './podView.ts';
import { eventEvidence, eventsWith, podRef, type Rule } from './rule.ts';

const missingObject = /(configmap|secret)s? "([^"]+)" not found/i;
/** The engine's words (Docker's, old and new) or containerd's for a RuntimeClass handler the node lacks. */
const missingHandler = /(?:unknown or invalid runtime name: |Unknown runtime specified )(\S+)|no runtime for "([^"]+)" is configured/;
const missingRuntimeClass = /runtimeclass(?:es)?(?:\.node\.k8s\.io)? "([^"]+)" not found/i;

type Json = Record<string, unknown>;
const asList = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const asObject = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});

/** The keys the pod reads from the ConfigMap or Secret `name`: env key refs and volume items, projected ones included. */
export function referencedKeys(pod: PodView, kind: 'configmap' | 'secret', name: string): string[] {
  const spec = asObject(pod.spec);
  const keys = new Set<string>();
  const refField = kind === 'secret' ? 'secretKeyRef' : 'configMapKeyRef';
  for (const container of [...asList(spec.containers), ...asList(spec.initContainers)]) {
    for (const env of asList(container.env)) {
      const ref = asObject(asObject(env.valueFrom)[refField]);
      if (ref.name === name && typeof ref.key === 'string') keys.add(ref.key);
    }
  }
  const volumeSources = asList(spec.volumes).flatMap((v) => [v, ...asList(asObject(v.projected).sources)]);
  for (const source of volumeSources) {
    const volume = asObject(kind === 'secret' ? source.secret : source.configMap);
    if ((kind === 'secret' ? volume.secretName ?? volume.name : volume.name) !== name) continue;
    for (const item of asList(volume.items)) if (typeof item.key === 'string') keys.add(item.key);
  }
  return [...keys].sort();
}

function missingObjectFix(pod: PodView, kind: 'configmap' | 'secret', name: string, namespace: string): Fix {
  const keys = referencedKeys(pod, kind, name);
  const values = Object.fromEntries(keys.map((k) => [k, '']));
  const object =
    kind === 'secret'
      ? { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type: 'Opaque', ...(keys.length && { stringData: values }) }
      : { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, ...(keys.length && { data: values }) };
  const what = kind === 'secret' ? 'Secret' : 'ConfigMap';
  return createFix(
    `Create ${what} ${name}${keys.length ? ` with the keys the pod reads (${keys.join(', ')})` : ''}`,
    `The kubelet retries the pod's mounts and env by itself, so the pod starts once ${name} exists. ${keys.length ? 'The values are empty: set the real ones afterwards (the pod reads them at start, so restart it then).' : 'The pod reads it whole (envFrom or a whole volume): add the entries it needs afterwards.'}`,
    [object as never],
  );
}

/** A RuntimeClass whose handler the node's runtime lacks (or a class gone since the pod was admitted): no sandbox, ever. */
function runtimeClassFinding(runtimeClass: string, event: Parameters<typeof eventEvidence>[0], ref: { namespace: string; name: string }): Finding {
  const handler = missingHandler.exec(event.message ?? '');
  const name = handler?.[1] ?? handler?.[2];
  return {
    rule: 'runtime-class',
    severity: 'error',
    title: name ? `RuntimeClass "${runtimeClass}": the node has no runtime "${name}"` : `RuntimeClass "${runtimeClass}" no longer exists`,
    cause: name
      ? `The pod runs with RuntimeClass "${runtimeClass}", whose handler "${name}" names a runtime the node's container runtime does not have (on Docker: one of the runtimes \`docker info\` lists). The kubelet cannot make the pod's sandbox, so its containers wait in ContainerCreating for good. Install that runtime on the node (gVisor's runsc, Kata), or run the pod with a RuntimeClass whose handler the node has (or none): a pod's runtimeClassName cannot change, so recreate it.`
      : `The pod was admitted with RuntimeClass "${runtimeClass}", which has since been deleted: the kubelet cannot look its handler up, so it cannot make the pod's sandbox. Create the RuntimeClass again, or recreate the pod without it.`,
    evidence: [eventEvidence(event)],
    next: [
      { what: `See the RuntimeClass and its handler`, command: `kubectl get runtimeclass ${runtimeClass} -o yaml` },
      { what: 'See every attempt', command: kubectlFor.describePod(ref) },
    ],
  };
}

export const containerCreating: Rule = (input) => {
  const { pod, events } = input;
  const ref = podRef(pod);
  const stuck = allContainerStatuses(pod).filter((s) => ['ContainerCreating', 'CreateContainerConfigError', 'PodInitializing'].includes(s.state?.waiting?.reason ?? ''));
  // Past FailedMount events stay on record after the volume came up: they matter only while the pod has not started.
  const started = pod.status?.phase !== 'Pending' && stuck.length === 0;
  const mountFailures = started ? [] : eventsWith(events, ['FailedMount', 'FailedAttachVolume']);
  const sandboxFailures = eventsWith(events, ['FailedCreatePodSandBox']);
  const configErrors = stuck.filter((s) => s.state?.waiting?.reason === 'CreateContainerConfigError');
  if (!pod.spec?.nodeName || (stuck.length === 0 && mountFailures.length === 0)) return [];
  const findings: Finding[] = [];

  const mountMessage = mountFailures[0]?.message ?? '';
  const configMessage = configErrors[0]?.state?.waiting?.message ?? '';
  const missing = missingObject.exec(mountMessage) ?? missingObject.exec(configMessage);
  if (missing) {
    const kind = missing[1].toLowerCase() === 'secret' ? 'secret' : 'configmap';
    const name = missing[2];
    const volume = /for volume "([^"]+)"/.exec(mountMessage)?.[1];
    const evidence = [mountFailures[0] ? eventEvidence(mountFailures[0]) : { label: `Container ${configErrors[0].name} waiting`, text: configMessage }];
    const next: NextCheck[] = [
      { what: `Check whether the ${kind} exists in namespace ${ref.namespace}`, command: kubectlFor.getObject(kind, name, ref.namespace) },
      { what: `Create it (with the keys the pod expects)`, command: kind === 'secret' ? kubectlFor.createSecret(name, ref.namespace) : kubectlFor.createConfigMap(name, ref.namespace) },
      { what: 'See the mount attempts', command: kubectlFor.describePod(ref) },
    ];
    findings.push({
      rule: 'missing-config',
      severity: 'error',
      title: `${kind === 'secret' ? 'Secret' : 'ConfigMap'} "${name}" is missing`,
      cause: `The pod ${volume ? `mounts volume "${volume}" from` : 'reads'} ${kind === 'secret' ? 'Secret' : 'ConfigMap'} "${name}", which does not exist in namespace ${ref.namespace}. The kubelet retries until it appears; the containers cannot start before. Create it, fix the name, or mark the reference optional.`,
      evidence,
      next,
      fixes: [missingObjectFix(pod, kind, name, ref.namespace)],
    });
  } else if (sandboxFailures[0] && pod.spec?.runtimeClassName && (missingHandler.test(sandboxFailures[0].message ?? '') || missingRuntimeClass.test(sandboxFailures[0].message ?? ''))) {
    findings.push(runtimeClassFinding(pod.spec.runtimeClassName, sandboxFailures[0], ref));
  } else if (mountFailures[0] || sandboxFailures[0] || configErrors[0]) {
    const event = mountFailures[0] ?? sandboxFailures[0];
    findings.push({
      rule: 'container-creating',
      severity: 'error',
      title: `${configErrors[0] ? 'CreateContainerConfigError' : 'ContainerCreating'}: the kubelet cannot set the pod up`,
      cause: event?.message ?? configMessage,
      evidence: [event ? eventEvidence(event) : { label: `Container ${configErrors[0].name} waiting`, text: configMessage }],
      next: [{ what: 'See every attempt', command: kubectlFor.describePod(ref) }],
    });
  }
  return findings;
};
