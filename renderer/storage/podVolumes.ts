// A pod's volumes as the Overview lists them: each volume's kind (the one
// source field set besides its name, as `kubectl describe pod` heads it),
// what it refers to, the claim behind it if any, and where each container
// mounts it.

export interface VolumeMount {
  container: string;
  init: boolean;
  mountPath: string;
  subPath?: string;
  /** subPathExpr: a subPath with $(VAR) expanded from the container's env. */
  subPathExpr?: string;
  readOnly: boolean;
}

export interface PodVolume {
  name: string;
  /** emptyDir, configMap, secret, persistentVolumeClaim, hostPath, projected, ephemeral, ... */
  kind: string;
  /** What the source names: a ConfigMap, a Secret, a host path, a medium. */
  detail?: string;
  /** For persistentVolumeClaim and ephemeral volumes: the claim the pod uses. */
  claimName?: string;
  mounts: VolumeMount[];
}

type Source = Record<string, unknown> | undefined;

interface VolumeShape {
  name: string;
  [source: string]: unknown;
}

interface ContainerShape {
  name: string;
  volumeMounts?: Array<{ name: string; mountPath: string; subPath?: string; subPathExpr?: string; readOnly?: boolean }>;
}

export interface PodShape {
  metadata: { name?: string };
  spec?: { volumes?: unknown[]; containers?: unknown[]; initContainers?: unknown[] };
}

function str(source: Source, field: string): string | undefined {
  const value = source?.[field];
  return typeof value === 'string' && value ? value : undefined;
}

function detailOf(kind: string, source: Source): string | undefined {
  switch (kind) {
    case 'configMap':
      return str(source, 'name') && `ConfigMap ${str(source, 'name')}${source?.optional ? ' (optional)' : ''}`;
    case 'secret':
      return str(source, 'secretName') && `Secret ${str(source, 'secretName')}${source?.optional ? ' (optional)' : ''}`;
    case 'hostPath':
      return `${str(source, 'path') ?? ''}${str(source, 'type') ? ` (type ${str(source, 'type')})` : ''}`;
    case 'emptyDir': {
      const medium = str(source, 'medium');
      const limit = str(source, 'sizeLimit');
      return [medium === 'Memory' ? 'in memory (tmpfs)' : 'on the node', limit && `size limit ${limit}`].filter(Boolean).join(', ');
    }
    case 'projected': {
      const sources = (source?.sources as Array<Record<string, unknown>> | undefined) ?? [];
      return sources.map((s) => Object.keys(s)[0]).join(', ');
    }
    case 'downwardAPI':
      return 'fields of this pod';
    default:
      return undefined;
  }
}

export function podVolumes(pod: PodShape): PodVolume[] {
  const containers = [
    ...((pod.spec?.initContainers ?? []) as ContainerShape[]).map((c) => ({ c, init: true })),
    ...((pod.spec?.containers ?? []) as ContainerShape[]).map((c) => ({ c, init: false })),
  ];
  return ((pod.spec?.volumes ?? []) as VolumeShape[]).map((volume) => {
    const kind = Object.keys(volume).find((key) => key !== 'name') ?? 'unknown';
    const source = volume[kind] as Source;
    // An ephemeral volume's claim is named <pod>-<volume> (as the ephemeral volume controller names it).
    const claimName = kind === 'persistentVolumeClaim' ? str(source, 'claimName') : kind === 'ephemeral' ? `${pod.metadata.name ?? ''}-${volume.name}` : undefined;
    const mounts = containers.flatMap(({ c, init }) =>
      (c.volumeMounts ?? [])
        .filter((m) => m.name === volume.name)
        .map((m) => ({ container: c.name, init, mountPath: m.mountPath, subPath: m.subPath || undefined, subPathExpr: m.subPathExpr || undefined, readOnly: !!m.readOnly || !!(kind === 'persistentVolumeClaim' && source?.readOnly) })),
    );
    return { name: volume.name, kind, detail: detailOf(kind, source), ...(claimName ? { claimName } : {}), mounts };
  });
}
