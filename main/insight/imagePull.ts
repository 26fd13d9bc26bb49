// ErrImagePull / ImagePullBackOff: the kubelet could not get the image. The
// pull error in the container's waiting message (and the kubelet's Failed
// event) tells a missing image or tag from a private one or an unreachable
// registry, and each has its own fix.

import type { NextCheck } from '../../preload/api.ts';
import { containerSpecFix } from './fixBuilders.ts';
import { kubectlFor } from './kubectlCommands.ts';
import { allContainerStatuses, containerSpec, type NodeView } from './podView.ts';
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

/** The policy the kubelet applies: as set, else Always for :latest or no tag, IfNotPresent otherwise (SetDefaults_Container). */
function pullPolicy(image: string, set: string | undefined): string {
  if (set) return set;
  if (image.includes('@')) return 'IfNotPresent';
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  return !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/** `busybox` of `docker.io/library/busybox:1.36`: the repository as people write it. */
function repository(image: string): string {
  const withoutDigest = image.split('@')[0]!;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const bare = colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
  return bare.replace(/^docker\.io\//, '').replace(/^library\//, '');
}

/** Another tag of the same repository that a node already has, pinned versions before latest. */
function tagOnNodes(image: string, nodes: NodeView[]): string | undefined {
  const wanted = repository(image);
  const names = nodes.flatMap((n) => (n.status?.images ?? []).flatMap((i) => i.names ?? [])).filter((n) => !n.includes('@') && n !== image && repository(n) === wanted && n.includes(':'));
  const short = [...new Set(names.map((n) => `${wanted}:${n.slice(n.lastIndexOf(':') + 1)}`))].filter((n) => n !== image);
  return short.sort((a, b) => Number(a.endsWith(':latest')) - Number(b.endsWith(':latest')) || b.localeCompare(a, undefined, { numeric: true }))[0];
}

/** "Error: ImagePullBackOff": an event that names the waiting reason and nothing more. */
const onlyTheReason = (message: string | undefined): boolean => /^Error: \w+$/.test(message ?? '');

const unreachable = /no such host|dial tcp|i\/o timeout|connection refused|TLS handshake|network is unreachable|context deadline exceeded/i;

export const imagePull: Rule = (input) => {
  const { pod } = input;
  const ref = podRef(pod);
  return allContainerStatuses(pod)
    .filter((s) => pullReasons.has(s.state?.waiting?.reason ?? ''))
    .map((status) => {
      const image = containerSpec(pod, status.name)?.image ?? status.image ?? '';
      const waiting = status.state!.waiting!;
      const failedEvents = eventsWith(input.events, ['Failed'], /pull|image/i).filter((e) => !e.involvedObject?.fieldPath || e.involvedObject.fieldPath.includes(`{${status.name}}`));
      // The kubelet's "Error: ErrImagePull" and "Error: ImagePullBackOff" (reason Failed too, and the newest while it
      // backs off) only repeat the waiting reason: the cause is in its "Failed to pull image ..." event.
      const cause = failedEvents.find((e) => !onlyTheReason(e.message));
      const failed = cause ?? failedEvents[0];
      const error = cause?.message ?? waiting.message ?? failed?.message ?? waiting.reason ?? '';
      const evidence = [
        { label: 'Image', text: image },
        { label: `Container ${status.name} waiting`, text: `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}` },
      ];
      if (failed) evidence.push(eventEvidence(failed));
      const next: NextCheck[] = [
        { what: 'Try the pull yourself to see the registry\'s answer', command: `docker pull ${image}` },
        { what: 'See every pull attempt', command: kubectlFor.describePod(ref) },
      ];
      const policy = pullPolicy(image, containerSpec(pod, status.name)?.imagePullPolicy);
      // With Always the kubelet asks the registry even when the node has the image: offline, that alone fails the pod.
      let always = '';
      let fixes;
      const isInit = pod.spec?.initContainers?.some((c) => c.name === status.name);
      // A tag the registry lacks, or a registry out of reach: either way a tag of the same image already on the nodes runs.
      const available = /not found|manifest unknown|does not exist/i.test(error) || unreachable.test(error) ? tagOnNodes(image, input.nodes) : undefined;
      if (available) {
        fixes = [
          containerSpecFix(
            `Use ${available}, which the nodes already have`,
            `${image} cannot be pulled, but ${available} is already on the nodes. If you meant another version, set that one instead; the check after applying shows whether the container starts.`,
            status.name,
            { image: available },
            isInit,
          ),
        ];
      }
      if (policy === 'Always' && unreachable.test(error)) {
        evidence.push({ label: 'imagePullPolicy', text: `Always${containerSpec(pod, status.name)?.imagePullPolicy ? '' : ` (the default for ${image.includes(':') ? 'the :latest tag' : 'an image without a tag'})`}` });
        always = ` With imagePullPolicy Always the kubelet asks the registry at every start, even when the image is already on the node: if \`docker images\` lists it there, set imagePullPolicy: IfNotPresent${image.includes(':') && !image.endsWith(':latest') ? '' : ' (and pin a version tag instead of latest)'}.`;
        next.unshift({ what: 'See whether the node already has the image', command: `docker images ${image.replace(/:[^/:]+$/, '')}` });
        fixes = [
          containerSpecFix(
            `Use the node's copy of ${image} (imagePullPolicy: IfNotPresent)`,
            'The kubelet then starts the container from the image the node already has and asks the registry only when it has none. If the node has no copy either, load the image into Docker first.',
            status.name,
            { imagePullPolicy: 'IfNotPresent' },
            isInit,
          ),
        ];
      }
      return {
        rule: 'image-pull',
        severity: 'error' as const,
        title: `${waiting.reason}: cannot pull ${image}`,
        cause: `${classify(error, image)}${always} The kubelet retries with a back-off that doubles up to a cap, and the container cannot start until a pull succeeds.`,
        evidence,
        next,
        ...(fixes && { fixes }),
      };
    });
};
