// The Restricted level's own checks (k8s.io/pod-security-admission/policy);
// three replace a Baseline check (capabilities, seccomp, volumes) from the
// version they appeared in. Linux-only requirements do not apply to pods with
// spec.os.name=windows from 1.25 on.

import type { PodSpec } from '../../../kube/types/core-v1.ts';
import type { ObjectMeta } from '../../../kube/types/meta-v1.ts';
import { validSeccompType } from './baselineChecks.ts';
import { allowed, containersPhrase, forbidden, isWindows, joinQuote, pluralize, sortedSet, visitContainers, type CheckPod, type CheckResult } from './checkHelpers.ts';
import type { Check } from './checkRegistry.ts';

function skipWindows(check: CheckPod): CheckPod {
  return (meta, spec) => (isWindows(spec) ? allowed : check(meta, spec));
}

function allowPrivilegeEscalation(_meta: ObjectMeta, spec: PodSpec): CheckResult {
  const bad: string[] = [];
  visitContainers(spec, (c) => {
    if (c.securityContext?.allowPrivilegeEscalation !== false) bad.push(c.name);
  });
  return bad.length > 0 ? forbidden('allowPrivilegeEscalation != false', `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false`) : allowed;
}

function capabilitiesRestricted(_meta: ObjectMeta, spec: PodSpec): CheckResult {
  const missingDropAll: string[] = [];
  const addingForbidden: string[] = [];
  const forbiddenCapabilities: string[] = [];
  visitContainers(spec, (c) => {
    const capabilities = c.securityContext?.capabilities;
    if (!capabilities) {
      missingDropAll.push(c.name);
      return;
    }
    if (!(capabilities.drop ?? []).includes('ALL')) missingDropAll.push(c.name);
    const extra = (capabilities.add ?? []).filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (extra.length > 0) {
      addingForbidden.push(c.name);
      forbiddenCapabilities.push(...extra);
    }
  });
  const details: string[] = [];
  if (missingDropAll.length > 0) details.push(`${containersPhrase(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
  if (addingForbidden.length > 0) details.push(`${containersPhrase(addingForbidden)} must not include ${joinQuote(sortedSet(forbiddenCapabilities))} in securityContext.capabilities.add`);
  return details.length > 0 ? forbidden('unrestricted capabilities', details.join('; ')) : allowed;
}

const allowedVolumeSources = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
// The names Kubernetes reports restricted volume types by, in the order it looks for them.
const restrictedVolumeSources = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
];

function restrictedVolumes(_meta: ObjectMeta, spec: PodSpec): CheckResult {
  const bad: string[] = [];
  const types: string[] = [];
  for (const volume of spec.volumes ?? []) {
    const fields = volume as unknown as Record<string, unknown>;
    if (allowedVolumeSources.some((source) => fields[source] != null)) continue;
    bad.push(volume.name);
    types.push(restrictedVolumeSources.find((source) => fields[source] != null) ?? 'unknown');
  }
  if (bad.length === 0) return allowed;
  const unique = sortedSet(types);
  return forbidden(
    'restricted volume types',
    `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('restricted volume type', 'restricted volume types', unique.length)} ${joinQuote(unique)}`,
  );
}

function runAsNonRoot(_meta: ObjectMeta, spec: PodSpec): CheckResult {
  const setters: string[] = [];
  let podRunAsNonRoot = false;
  const podValue = spec.securityContext?.runAsNonRoot;
  if (podValue === false) setters.push('pod');
  else if (podValue === true) podRunAsNonRoot = true;
  const explicitlyBad: string[] = [];
  const implicitlyBad: string[] = [];
  visitContainers(spec, (c) => {
    const value = c.securityContext?.runAsNonRoot;
    if (value !== undefined) {
      if (!value) explicitlyBad.push(c.name);
    } else if (!podRunAsNonRoot) implicitlyBad.push(c.name);
  });
  if (explicitlyBad.length > 0) setters.push(containersPhrase(explicitlyBad));
  if (setters.length > 0) return forbidden('runAsNonRoot != true', `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false`);
  if (implicitlyBad.length > 0) return forbidden('runAsNonRoot != true', `pod or ${containersPhrase(implicitlyBad)} must set securityContext.runAsNonRoot=true`);
  return allowed;
}

function runAsUser(_meta: ObjectMeta, spec: PodSpec): CheckResult {
  const setters: string[] = [];
  if (spec.securityContext?.runAsUser === 0) setters.push('pod');
  const bad: string[] = [];
  visitContainers(spec, (c) => {
    if (c.securityContext?.runAsUser === 0) bad.push(c.name);
  });
  if (bad.length > 0) setters.push(containersPhrase(bad));
  return setters.length > 0 ? forbidden('runAsUser=0', `${setters.join(' and ')} must not set runAsUser=0`) : allowed;
}

function seccompProfileRestricted(_meta: ObjectMeta, spec: PodSpec): CheckResult {
  const setters: string[] = [];
  const values: string[] = [];
  let podSeccompSet = false;
  const podProfile = spec.securityContext?.seccompProfile;
  if (podProfile) {
    if (!validSeccompType(podProfile.type)) {
      setters.push('pod');
      values.push(podProfile.type);
    } else podSeccompSet = true;
  }
  const explicitlyBad: string[] = [];
  const implicitlyBad: string[] = [];
  visitContainers(spec, (c) => {
    const profile = c.securityContext?.seccompProfile;
    if (profile) {
      if (!validSeccompType(profile.type)) {
        explicitlyBad.push(c.name);
        values.push(profile.type);
      }
    } else if (!podSeccompSet) implicitlyBad.push(c.name);
  });
  if (explicitlyBad.length > 0) setters.push(containersPhrase(explicitlyBad));
  if (setters.length > 0) return forbidden('seccompProfile', `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(values))}`);
  if (implicitlyBad.length > 0) return forbidden('seccompProfile', `pod or ${containersPhrase(implicitlyBad)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`);
  return allowed;
}

export const restrictedChecks: Check[] = [
  {
    id: 'allowPrivilegeEscalation',
    level: 'restricted',
    versions: [
      { minimumVersion: 8, checkPod: allowPrivilegeEscalation },
      { minimumVersion: 25, checkPod: skipWindows(allowPrivilegeEscalation) },
    ],
  },
  {
    id: 'capabilities_restricted',
    level: 'restricted',
    versions: [
      { minimumVersion: 22, checkPod: capabilitiesRestricted, overrides: ['capabilities_baseline'] },
      { minimumVersion: 25, checkPod: skipWindows(capabilitiesRestricted), overrides: ['capabilities_baseline'] },
    ],
  },
  { id: 'restrictedVolumes', level: 'restricted', versions: [{ minimumVersion: 0, checkPod: restrictedVolumes, overrides: ['hostPathVolumes'] }] },
  { id: 'runAsNonRoot', level: 'restricted', versions: [{ minimumVersion: 0, checkPod: runAsNonRoot }] },
  { id: 'runAsUser', level: 'restricted', versions: [{ minimumVersion: 23, checkPod: runAsUser }] },
  {
    id: 'seccompProfile_restricted',
    level: 'restricted',
    versions: [
      { minimumVersion: 19, checkPod: seccompProfileRestricted, overrides: ['seccompProfile_baseline'] },
      { minimumVersion: 25, checkPod: skipWindows(seccompProfileRestricted), overrides: ['seccompProfile_baseline'] },
    ],
  },
];
