// The ServiceAccount admission plugin (plugin/pkg/admission/serviceaccount),
// on pod creation: the pod runs as spec.serviceAccountName ("default" when
// empty), which must exist; unless automountServiceAccountToken is false (on
// the pod, else on the service account) every container gets the projected
// `kube-api-access-XXXXX` volume (a token the kubelet requests for the pod,
// the cluster's CA, the namespace) read-only at
// /var/run/secrets/kubernetes.io/serviceaccount; and a pod without
// imagePullSecrets takes its service account's.

import { errors } from '../errors.ts';
import type { KubeObject } from '../../kube/meta.ts';
import { generateNameSuffix } from '../registry/objectMeta.ts';
import { refusedName, UNTOUCHED, type AdmissionAttributes, type AdmissionPlugin, type MutationOutcome } from './admission.ts';

export const defaultServiceAccountName = 'default';
export const apiTokenMountPath = '/var/run/secrets/kubernetes.io/serviceaccount';
export const serviceAccountVolumePrefix = 'kube-api-access-';
export const rootCaConfigMapName = 'kube-root-ca.crt';
/** WarnOnlyBoundTokenExpirationSeconds: the hour and 7 seconds every mounted token asks for. */
export const mountedTokenExpirationSeconds = 3607;

interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
}

interface PodSpec {
  serviceAccountName?: string;
  serviceAccount?: string;
  automountServiceAccountToken?: boolean;
  volumes?: Array<{ name: string; projected?: unknown }>;
  containers?: Array<{ volumeMounts?: VolumeMount[] }>;
  initContainers?: Array<{ volumeMounts?: VolumeMount[] }>;
  imagePullSecrets?: Array<{ name?: string }>;
}

/** TokenVolumeSource: the projected volume every pod mounts its API access from. */
export function tokenVolumeSource() {
  return {
    defaultMode: 0o644,
    sources: [
      { serviceAccountToken: { expirationSeconds: mountedTokenExpirationSeconds, path: 'token' } },
      { configMap: { name: rootCaConfigMapName, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  };
}

function shouldAutomount(sa: KubeObject, spec: PodSpec): boolean {
  if (typeof spec.automountServiceAccountToken === 'boolean') return spec.automountServiceAccountToken;
  if (typeof sa.automountServiceAccountToken === 'boolean') return sa.automountServiceAccountToken;
  return true;
}

/** mountServiceAccountToken: one volume, mounted in every container that has nothing at the path already. */
export function mountServiceAccountToken(spec: PodSpec, generateSuffix: () => string = generateNameSuffix): void {
  const existing = (spec.volumes ?? []).find((v) => v.name.startsWith(serviceAccountVolumePrefix));
  const volumeName = existing?.name ?? `${serviceAccountVolumePrefix}${generateSuffix()}`;
  let needsVolume = false;
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    if ((container.volumeMounts ?? []).some((m) => m.mountPath === apiTokenMountPath)) continue;
    container.volumeMounts = [...(container.volumeMounts ?? []), { name: volumeName, readOnly: true, mountPath: apiTokenMountPath }];
    needsVolume = true;
  }
  if (!existing && needsVolume) spec.volumes = [...(spec.volumes ?? []), { name: volumeName, projected: tokenVolumeSource() }];
}

export interface ServiceAccountPluginOptions {
  /** At once when the account is in memory (registry.peekShared). */
  getServiceAccount: (namespace: string, name: string) => KubeObject | undefined | Promise<KubeObject | undefined>;
  /** How long to wait between lookups of a `default` service account the controller has yet to make. */
  sleep?: (ms: number) => Promise<void>;
}

export class ServiceAccountPlugin implements AdmissionPlugin {
  readonly name = 'ServiceAccount';

  constructor(private readonly options: ServiceAccountPluginOptions) {}

  private applies(attrs: AdmissionAttributes): attrs is AdmissionAttributes & { object: KubeObject } {
    return attrs.operation === 'CREATE' && attrs.resource.group === '' && attrs.resource.plural === 'pods' && !attrs.subresource && attrs.object !== undefined;
  }

  /**
   * getServiceAccount: `default` is looked up ten times, 100–200 ms apart, since its controller may not have made it yet.
   * `first`: the first lookup's answer, when the caller already asked.
   */
  private async serviceAccount(attrs: AdmissionAttributes, name: string, first: ReturnType<ServiceAccountPluginOptions['getServiceAccount']>): Promise<KubeObject> {
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const attempts = name === defaultServiceAccountName ? 10 : 1;
    const interval = 100 + Math.floor(Math.random() * 100);
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await sleep(interval);
      const sa = await (i === 0 ? first : this.options.getServiceAccount(attrs.namespace, name));
      if (sa) return sa;
    }
    throw errors.forbidden({ group: '', resource: 'pods' }, refusedName(attrs), `error looking up service account ${attrs.namespace}/${name}: serviceaccount "${name}" not found`);
  }

  // Only pod creates are its business: anything else is answered at once, without a promise.
  mutate(attrs: AdmissionAttributes): MutationOutcome | Promise<MutationOutcome> {
    if (!this.applies(attrs)) return UNTOUCHED;
    const spec = (attrs.object.spec ??= {}) as PodSpec;
    spec.serviceAccountName ||= defaultServiceAccountName;
    // The account at once when it is in memory; looked up (and for `default`, waited for) otherwise.
    const known = this.options.getServiceAccount(attrs.namespace, spec.serviceAccountName);
    if (known && !(known instanceof Promise)) return this.mutatePod(spec, known);
    return this.serviceAccount(attrs, spec.serviceAccountName, known).then((sa) => this.mutatePod(spec, sa));
  }

  private mutatePod(spec: PodSpec, sa: KubeObject): MutationOutcome {
    if (shouldAutomount(sa, spec)) mountServiceAccountToken(spec);
    const pullSecrets = Array.isArray(sa.imagePullSecrets) ? (sa.imagePullSecrets as Array<{ name?: string }>) : [];
    if (!spec.imagePullSecrets?.length && pullSecrets.length) spec.imagePullSecrets = pullSecrets.map((s) => ({ name: s.name }));
  }

  /** The service account must still exist when the pod is admitted. (PodLab has no static pods, so no mirror pods to restrict.) */
  validate(attrs: AdmissionAttributes): void | Promise<void> {
    if (!this.applies(attrs)) return;
    const spec = (attrs.object.spec ?? {}) as PodSpec;
    const name = spec.serviceAccountName || defaultServiceAccountName;
    const known = this.options.getServiceAccount(attrs.namespace, name);
    if (known && !(known instanceof Promise)) return;
    return this.serviceAccount(attrs, name, known).then(() => undefined);
  }
}
