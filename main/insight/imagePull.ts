// ErrImagePull / ImagePullBackOff: the kubelet could not get the image. The
// pull error in the container's waiting message (and the kubelet's Failed
// event) tells a missing image or tag from a private one or an unreachable
// registry, and each has its own fix.

import type { NextCheck } from '../../preload/api.ts';
import { kubectlFor } from './kubectlCommands.ts';
import { allContainerStatuses, containerSpec } from './podView.ts';
import { eventEvidence, eventsWith, podRef, type Rule } from './rule.ts';

const pullReasons = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);

function classify(error: string, image: string): string {
  if (/InvalidImageName|invalid reference format/i.test(error)) return `"${image}" is not a valid image reference: check its spelling (name[:tag] or name@sha256:digest).`;
  if (/not found|manifest unknown|does not exist|no such image/i.test(error)) {
    return `The image "${image}" (or its tag) does not exist in the registry: check the name and tag for typos, or push the image first.`;
  }
  if (/unauthorized|access denied|authentication required|denied/i.test(error)) {
    return `The registry refused to hand out "${image}": the image is private (give the pod an imagePullSecret) or its name is wrong (registries answer "access denied" for images that do not exist).`;
  }
  if (/no such host|dial tcp|i\/o timeout|connection refused|TLS handshake|network is unreachable|context deadline exceeded/i.test(error)) {
    return `The registry of "${image}" cannot be reached from this machine (network, proxy or DNS): pull it by hand to see the error, or load the image locally.`;
  }
  if (/ErrImageNeverPull|imagePullPolicy is "Never"/i.test(error)) return `imagePullPolicy is Never and "${image}" is not on the node: load the image into Docker first, or change the policy.`;
  return `The kubelet could not pull "${image}".`;
}

export const imagePull: Rule = (input) => {
  const { pod } = input;
  const ref = podRef(pod);
  return allContainerStatuses(pod)
    .filter((s) => pullReasons.has(s.state?.waiting?.reason ?? ''))
    .map((status) => {
      const image = containerSpec(pod, status.name)?.image ?? status.image ?? '';
      const waiting = status.state!.waiting!;
      const failed = eventsWith(input.events, ['Failed'], /pull|image/i).find((e) => !e.involvedObject?.fieldPath || e.involvedObject.fieldPath.includes(`{${status.name}}`));
      const error = failed?.message ?? waiting.message ?? waiting.reason ?? '';
      const evidence = [
        { label: 'Image', text: image },
        { label: `Container ${status.name} waiting`, text: `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}` },
      ];
      if (failed) evidence.push(eventEvidence(failed));
      const next: NextCheck[] = [
        { what: 'Try the pull yourself to see the registry\'s answer', command: `docker pull ${image}` },
        { what: 'See every pull attempt', command: kubectlFor.describePod(ref) },
      ];
      return {
        rule: 'image-pull',
        severity: 'error' as const,
        title: `${waiting.reason}: cannot pull ${image}`,
        cause: `${classify(error, image)} The kubelet retries with a back-off that doubles up to a cap, and the container cannot start until a pull succeeds.`,
        evidence,
        next,
      };
    });
};
