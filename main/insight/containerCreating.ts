// Stuck in ContainerCreating or CreateContainerConfigError: almost always a
// volume or an env reference to a ConfigMap or Secret that does not exist.
// The kubelet's FailedMount event names it: `MountVolume.SetUp failed for
// volume "config" : configmap "app-config" not found`.

import type { Finding, NextCheck } from '../../preload/api.ts';
import { kubectlFor } from './kubectlCommands.ts';
import { allContainerStatuses } from './podView.ts';
import { eventEvidence, eventsWith, podRef, type Rule } from './rule.ts';

const missingObject = /(configmap|secret)s? "([^"]+)" not found/i;

export const containerCreating: Rule = (input) => {
  const { pod, events } = input;
  const ref = podRef(pod);
  const stuck = allContainerStatuses(pod).filter((s) => ['ContainerCreating', 'CreateContainerConfigError', 'PodInitializing'].includes(s.state?.waiting?.reason ?? ''));
  const mountFailures = eventsWith(events, ['FailedMount', 'FailedAttachVolume']);
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
    });
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
