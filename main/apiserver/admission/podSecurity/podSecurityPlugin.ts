// The PodSecurity admission plugin (k8s.io/pod-security-admission/admission,
// as kube-apiserver runs it, without exemptions by default): pods are checked
// against their namespace's enforce level (refused with 403) and warn level
// (`Warning: would violate PodSecurity ...`); workload pod templates get the
// warnings only; a namespace whose enforce level tightens lists the existing
// pods that would violate it.

import type { KubeObject } from '../../../kube/meta.ts';
import type { PodSpec } from '../../../kube/types/core-v1.ts';
import type { ObjectMeta } from '../../../kube/types/meta-v1.ts';
import { errors } from '../../errors.ts';
import { objectAt } from '../../resources/shared/json.ts';
import type { AdmissionAttributes, AdmissionPlugin } from '../admission.ts';
import { refusedBecause } from '../admissionDenials.ts';
import { checkedFields } from './checkedFields.ts';
import { aggregate, evaluatePod, failedChecks } from './checkRegistry.ts';
import { compareLevels, levelVersionString, policyToEvaluate, sameLevelVersion, type LevelVersion, type Policy } from './policy.ts';
import { podSecurityWarningsForNamespace } from './namespacePods.ts';

/** Pod subresources that never change what the pod runs. */
const ignoredPodSubresources = new Set(['exec', 'attach', 'binding', 'eviction', 'log', 'portforward', 'proxy', 'status']);

/** Where each kind with a pod template keeps it (DefaultPodSpecExtractor). */
const templatePaths: Record<string, string[]> = {
  '/replicationcontrollers': ['spec', 'template'],
  '/podtemplates': ['template'],
  'apps/replicasets': ['spec', 'template'],
  'apps/deployments': ['spec', 'template'],
  'apps/statefulsets': ['spec', 'template'],
  'apps/daemonsets': ['spec', 'template'],
  'batch/jobs': ['spec', 'template'],
  'batch/cronjobs': ['spec', 'jobTemplate', 'spec', 'template'],
};

export interface PodSecurityServices {
  getNamespace(name: string): KubeObject | undefined | Promise<KubeObject | undefined>;
  listPods(namespace: string): Promise<KubeObject[]>;
}

function templateOf(obj: KubeObject, path: string[]): { metadata: ObjectMeta; spec: PodSpec } | undefined {
  let current: unknown = obj;
  for (const key of path) current = objectAt(current, key);
  if (!current) return undefined;
  const template = current as { metadata?: ObjectMeta; spec?: PodSpec };
  return { metadata: template.metadata ?? {}, spec: template.spec ?? ({ containers: [] } as PodSpec) };
}

/** Only a changed image makes a pod update worth checking again (isSignificantPodUpdate). */
function isSignificantPodUpdate(pod: PodSpec, old: PodSpec): boolean {
  const containers = pod.containers ?? [];
  const oldContainers = old.containers ?? [];
  const inits = pod.initContainers ?? [];
  const oldInits = old.initContainers ?? [];
  if (containers.length !== oldContainers.length || inits.length !== oldInits.length) return true;
  if (containers.some((c, i) => c.image !== oldContainers[i].image)) return true;
  if (inits.some((c, i) => c.image !== oldInits[i].image)) return true;
  return (pod.ephemeralContainers ?? []).some((c) => {
    const before = (old.ephemeralContainers ?? []).find((o) => o.name === c.name);
    return !before || before.image !== c.image;
  });
}

export class PodSecurityPlugin implements AdmissionPlugin {
  readonly name = 'PodSecurity';

  constructor(private readonly services: PodSecurityServices) {}

  // Not async itself: what it does not look at (most writes) is answered at once, and the chain awaits only a promise.
  validate(attrs: AdmissionAttributes): Promise<void> | void {
    if (attrs.operation !== 'CREATE' && attrs.operation !== 'UPDATE') return;
    const { group, plural } = attrs.resource;
    if (group === '' && plural === 'namespaces') return this.validateNamespace(attrs);
    // A kubelet's status write is one of the pod subresources it ignores: answered at once too.
    if (group === '' && plural === 'pods') return ignoredPodSubresources.has(attrs.subresource) || !attrs.object ? undefined : this.validatePod(attrs);
    const path = templatePaths[`${group}/${plural}`];
    if (path) return this.validatePodController(attrs, path);
  }

  private async validateNamespace(attrs: AdmissionAttributes): Promise<void> {
    if (attrs.subresource || !attrs.object) return;
    const { policy, errors: policyErrors } = policyToEvaluate(attrs.object.metadata.labels);
    if (attrs.operation === 'CREATE') {
      if (policyErrors.length > 0) throw errors.invalid('Namespace', '', attrs.name, policyErrors);
      return;
    }
    const old = policyToEvaluate(attrs.oldObject?.metadata.labels);
    if (policyErrors.length > 0 && (old.errors.length === 0 || JSON.stringify(policyErrors) !== JSON.stringify(old.errors))) {
      throw errors.invalid('Namespace', '', attrs.name, policyErrors);
    }
    const enforce = policy.enforce;
    const before = old.policy.enforce;
    if (sameLevelVersion(enforce, before) || enforce.level === 'privileged') return;
    // Loosening the level at the same version cannot make running pods violate it.
    if (enforce.version === before.version && compareLevels(enforce.level, before.level) < 1) return;
    const pods = await this.services.listPods(attrs.name);
    attrs.warnings?.push(...podSecurityWarningsForNamespace(attrs.name, enforce, pods));
  }

  private async validatePod(attrs: AdmissionAttributes): Promise<void> {
    if (ignoredPodSubresources.has(attrs.subresource) || !attrs.object) return;
    // In a pod's journey: the namespace's levels and what they made of the pod.
    const span = attrs.journey?.start('admission', 'PodSecurity', { plugin: this.name });
    let levels: Record<string, string> = {};
    try {
      const namespace = await this.services.getNamespace(attrs.namespace);
      if (!namespace) throw errors.internal(`failed to lookup namespace "${attrs.namespace}"`);
      const { policy, errors: policyErrors } = policyToEvaluate(namespace.metadata.labels);
      levels = { enforce: levelVersionString(policy.enforce), warn: levelVersionString(policy.warn), audit: levelVersionString(policy.audit) };
      if (policyErrors.length === 0 && isFullyPrivileged(policy)) {
        span?.end({ attributes: { ...levels, result: 'allowed (privileged: nothing to check)' } });
        return;
      }
      const spec = (attrs.object.spec ?? {}) as PodSpec;
      if (attrs.operation === 'UPDATE' && attrs.oldObject && !isSignificantPodUpdate(spec, (attrs.oldObject.spec ?? {}) as PodSpec)) return;
      const warning = this.evaluate(attrs, policy, attrs.object.metadata as ObjectMeta, spec, true);
      span?.end({ attributes: { ...levels, result: warning ? 'allowed, with a warning' : 'allowed', warning } });
    } catch (err) {
      span?.fail(err, { ...levels, result: 'denied' });
      throw err;
    }
  }

  private async validatePodController(attrs: AdmissionAttributes, path: string[]): Promise<void> {
    if (attrs.subresource || attrs.viaSubresource || !attrs.object) return;
    const namespace = await this.services.getNamespace(attrs.namespace);
    if (!namespace) return;
    const { policy, errors: policyErrors } = policyToEvaluate(namespace.metadata.labels);
    if (policyErrors.length === 0 && policy.warn.level === 'privileged' && policy.audit.level === 'privileged') return;
    const template = templateOf(attrs.object, path);
    if (!template) return;
    this.evaluate(attrs, policy, template.metadata, template.spec, false);
  }

  /** Throws when the enforce level refuses; returns the warning the warn level gives, if any. */
  private evaluate(attrs: AdmissionAttributes, policy: Policy, meta: ObjectMeta, spec: PodSpec, enforce: boolean): string | undefined {
    const results = new Map<string, ReturnType<typeof aggregate>>();
    const resultFor = (lv: LevelVersion) => {
      const key = levelVersionString(lv);
      let result = results.get(key);
      if (!result) results.set(key, (result = aggregate(evaluatePod(lv, meta, spec))));
      return result;
    };
    if (enforce) {
      const result = resultFor(policy.enforce);
      if (!result.allowed) {
        throw refusedBecause(errors.forbidden({ group: attrs.resource.group, resource: attrs.resource.plural }, attrs.name, `violates PodSecurity "${levelVersionString(policy.enforce)}": ${result.forbiddenDetail}`), {
          stage: 'podSecurity',
          level: policy.enforce.level,
          version: policy.enforce.version === 'latest' ? 'latest' : `v1.${policy.enforce.version}`,
          checks: failedChecks(policy.enforce, meta, spec),
          pod: checkedFields(meta, spec),
        });
      }
    }
    // Audit violations go to the audit log in Kubernetes; PodLab keeps none.
    const warn = resultFor(policy.warn);
    if (warn.allowed) return undefined;
    const warning = `would violate PodSecurity "${levelVersionString(policy.warn)}": ${warn.forbiddenDetail}`;
    attrs.warnings?.push(warning);
    return warning;
  }
}

function isFullyPrivileged(policy: Policy): boolean {
  return policy.enforce.level === 'privileged' && policy.audit.level === 'privileged' && policy.warn.level === 'privileged';
}
