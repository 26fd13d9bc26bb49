// The Baseline level's checks (k8s.io/pod-security-admission/policy), each
// under its check ID, with the versions its behaviour changed in and the
// exact reasons and details Kubernetes prints.

import type { PodSpec, SecurityContext } from '../../../kube/types/core-v1.ts';
import type { ObjectMeta } from '../../../kube/types/meta-v1.ts';
import { allowed, containersPhrase, forbidden, joinQuote, pluralize, sortedSet, visitContainers, type CheckResult } from './checkHelpers.ts';
import type { Check } from './checkRegistry.ts';

function securityContextOf(c: { securityContext?: SecurityContext }): SecurityContext | undefined {
  return c.securityContext;
}

function hostNamespaces(_meta: ObjectMeta, spec: PodSpec): CheckResult {
  const used: string[] = [];
  if (spec.hostNetwork) used.push('hostNetwork=true');
  if (spec.hostPID) used.push('hostPID=true');
  if (spec.hostIPC) used.push('hostIPC=true');
  return used.length > 0 ? forbidden('host namespaces', used.join(', ')) : allowed;
}

function privileged(_meta: ObjectMeta, spec: PodSpec): CheckResult {
  const bad: string[] = [];
  visitContainers(spec, (c) => {
    if (securityContextOf(c)?.privileged === true) bad.push(c.name);
  });
  return bad.length > 0 ? forbidden('privileged', `${containersPhrase(bad)} must not set securityContext.privileged=true`) : allowed;
}

const defaultCapabilities = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

function capabilitiesBaseline(_meta: ObjectMeta, spec: PodSpec): CheckResult {
  const bad: string[] = [];
  const nonDefault: string[] = [];
  visitContainers(spec, (c) => {
    const added = securityContextOf(c)?.capabilities?.add ?? [];
    const extra = added.filter((cap) => !defaultCapabilities.has(cap));
    if (extra.length > 0) {
      bad.push(c.name);
      nonDefault.push(...extra);
    }
  });
  return bad.length > 0 ? forbidden('non-default capabilities', `${containersPhrase(bad)} must not include ${joinQuote(sortedSet(nonDefault))} in securityContext.capabilities.add`) : allowed;
}

function hostPathVolumes(_meta: ObjectMeta, spec: PodSpec): CheckResult {
  const names = (spec.volumes ?? []).filter((v) => v.hostPath).map((v) => v.name);
  return names.length > 0 ? forbidden('hostPath volumes', `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)}`) : allowed;
}

function hostPorts(_meta: ObjectMeta, spec: PodSpec): CheckResult {
  const bad: string[] = [];
  const ports: string[] = [];
  visitContainers(spec, (c) => {
    const used = (c.ports ?? []).filter((p) => (p.hostPort ?? 0) !== 0).map((p) => String(p.hostPort));
    if (used.length > 0) {
      bad.push(c.name);
      ports.push(...used);
    }
  });
  if (bad.length === 0) return allowed;
  const unique = sortedSet(ports);
  return forbidden('hostPort', `${containersPhrase(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', unique.length)} ${unique.join(', ')}`);
}

const appArmorAnnotationPrefix = 'container.apparmor.security.beta.kubernetes.io/';

function allowedAppArmorAnnotation(value: string): boolean {
  return value === '' || value === 'runtime/default' || value.startsWith('localhost/');
}

function allowedAppArmorType(type: string | undefined): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

function appArmorProfile(meta: ObjectMeta, spec: PodSpec): CheckResult {
  const setters: string[] = [];
  const values: string[] = [];
  const podProfile = spec.securityContext?.appArmorProfile;
  if (podProfile && !allowedAppArmorType(podProfile.type)) {
    setters.push('pod');
    values.push(podProfile.type);
  }
  const badContainers: string[] = [];
  visitContainers(spec, (c) => {
    const profile = securityContextOf(c)?.appArmorProfile;
    if (profile && !allowedAppArmorType(profile.type)) {
      badContainers.push(c.name);
      values.push(profile.type);
    }
  });
  if (badContainers.length > 0) setters.push(containersPhrase(badContainers));
  const badValues = sortedSet(values);
  const annotations = Object.entries(meta.annotations ?? {})
    .filter(([k, v]) => k.startsWith(appArmorAnnotationPrefix) && !allowedAppArmorAnnotation(v))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .sort();
  if (annotations.length > 0) {
    badValues.push(...annotations);
    setters.push(pluralize('annotation', 'annotations', annotations.length));
  }
  if (setters.length === 0) return allowed;
  return forbidden(
    pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', badValues.length),
    `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(badValues)}`,
  );
}

function seLinuxOptions(allowedTypes: Set<string>) {
  return (_meta: ObjectMeta, spec: PodSpec): CheckResult => {
    const setters: string[] = [];
    const badTypes: string[] = [];
    let setUser = false;
    let setRole = false;
    const valid = (opts: { type?: string; user?: string; role?: string }) => {
      let ok = true;
      if (!allowedTypes.has(opts.type ?? '')) {
        ok = false;
        badTypes.push(opts.type ?? '');
      }
      if (opts.user) {
        ok = false;
        setUser = true;
      }
      if (opts.role) {
        ok = false;
        setRole = true;
      }
      return ok;
    };
    const podOptions = spec.securityContext?.seLinuxOptions;
    if (podOptions && !valid(podOptions)) setters.push('pod');
    const badContainers: string[] = [];
    visitContainers(spec, (c) => {
      const options = securityContextOf(c)?.seLinuxOptions;
      if (options && !valid(options)) badContainers.push(c.name);
    });
    if (badContainers.length > 0) setters.push(containersPhrase(badContainers));
    if (setters.length === 0) return allowed;
    const data: string[] = [];
    const types = sortedSet(badTypes);
    if (types.length > 0) data.push(`${pluralize('type', 'types', types.length)} ${joinQuote(types)}`);
    if (setUser) data.push('user may not be set');
    if (setRole) data.push('role may not be set');
    return forbidden('seLinuxOptions', `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}`);
  };
}

function procMount(_meta: ObjectMeta, spec: PodSpec): CheckResult {
  const bad: string[] = [];
  const types: string[] = [];
  visitContainers(spec, (c) => {
    const mount = securityContextOf(c)?.procMount;
    if (mount !== undefined && mount !== 'Default') {
      bad.push(c.name);
      types.push(mount);
    }
  });
  return bad.length > 0 ? forbidden('procMount', `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}`) : allowed;
}

export function validSeccompType(type: string | undefined): boolean {
  return type === 'Localhost' || type === 'RuntimeDefault';
}

const seccompPodAnnotation = 'seccomp.security.alpha.kubernetes.io/pod';
const seccompContainerAnnotationPrefix = 'container.seccomp.security.alpha.kubernetes.io/';

function validSeccompAnnotation(value: string): boolean {
  return value === 'runtime/default' || value === 'docker/default' || value.startsWith('localhost/');
}

/** Before 1.19 the profile was set by annotations. */
function seccompProfileBaseline_1_0(meta: ObjectMeta, spec: PodSpec): CheckResult {
  const annotations = meta.annotations ?? {};
  const bad: string[] = [];
  const podValue = annotations[seccompPodAnnotation];
  if (podValue !== undefined && !validSeccompAnnotation(podValue)) bad.push(`${seccompPodAnnotation}=${JSON.stringify(podValue)}`);
  visitContainers(spec, (c) => {
    const key = `${seccompContainerAnnotationPrefix}${c.name}`;
    const value = annotations[key];
    if (value !== undefined && !validSeccompAnnotation(value)) bad.push(`${key}=${JSON.stringify(value)}`);
  });
  const unique = sortedSet(bad);
  return unique.length > 0 ? forbidden('seccompProfile', `forbidden ${pluralize('annotation', 'annotations', unique.length)} ${unique.join(', ')}`) : allowed;
}

function seccompProfileBaseline_1_19(_meta: ObjectMeta, spec: PodSpec): CheckResult {
  const setters: string[] = [];
  const values: string[] = [];
  const podProfile = spec.securityContext?.seccompProfile;
  if (podProfile && !validSeccompType(podProfile.type)) {
    setters.push('pod');
    values.push(podProfile.type);
  }
  const bad: string[] = [];
  visitContainers(spec, (c) => {
    const profile = securityContextOf(c)?.seccompProfile;
    if (profile && !validSeccompType(profile.type)) {
      bad.push(c.name);
      values.push(profile.type);
    }
  });
  if (bad.length > 0) setters.push(containersPhrase(bad));
  return setters.length > 0 ? forbidden('seccompProfile', `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(values))}`) : allowed;
}

function sysctls(allowedNames: Set<string>) {
  return (_meta: ObjectMeta, spec: PodSpec): CheckResult => {
    const bad = (spec.securityContext?.sysctls ?? []).map((s) => s.name).filter((name) => !allowedNames.has(name));
    return bad.length > 0 ? forbidden('forbidden sysctls', bad.join(', ')) : allowed;
  };
}

const sysctls_1_0 = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start']);
const sysctls_1_27 = new Set([...sysctls_1_0, 'net.ipv4.ip_local_reserved_ports']);
const sysctls_1_29 = new Set([...sysctls_1_27, 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']);
const sysctls_1_32 = new Set([...sysctls_1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem']);

function windowsHostProcess(_meta: ObjectMeta, spec: PodSpec): CheckResult {
  const bad: string[] = [];
  visitContainers(spec, (c) => {
    if (securityContextOf(c)?.windowsOptions?.hostProcess === true) bad.push(c.name);
  });
  const setters: string[] = [];
  if (spec.securityContext?.windowsOptions?.hostProcess === true) setters.push('pod');
  if (bad.length > 0) setters.push(containersPhrase(bad));
  return setters.length > 0 ? forbidden('hostProcess', `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`) : allowed;
}

export const baselineChecks: Check[] = [
  { id: 'hostNamespaces', level: 'baseline', versions: [{ minimumVersion: 0, checkPod: hostNamespaces }] },
  { id: 'privileged', level: 'baseline', versions: [{ minimumVersion: 0, checkPod: privileged }] },
  { id: 'capabilities_baseline', level: 'baseline', versions: [{ minimumVersion: 0, checkPod: capabilitiesBaseline }] },
  { id: 'hostPathVolumes', level: 'baseline', versions: [{ minimumVersion: 0, checkPod: hostPathVolumes }] },
  { id: 'hostPorts', level: 'baseline', versions: [{ minimumVersion: 0, checkPod: hostPorts }] },
  { id: 'appArmorProfile', level: 'baseline', versions: [{ minimumVersion: 0, checkPod: appArmorProfile }] },
  {
    id: 'seLinuxOptions',
    level: 'baseline',
    versions: [
      { minimumVersion: 0, checkPod: seLinuxOptions(new Set(['', 'container_t', 'container_init_t', 'container_kvm_t'])) },
      { minimumVersion: 31, checkPod: seLinuxOptions(new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'])) },
    ],
  },
  { id: 'procMount', level: 'baseline', versions: [{ minimumVersion: 0, checkPod: procMount }] },
  {
    id: 'seccompProfile_baseline',
    level: 'baseline',
    versions: [
      { minimumVersion: 0, checkPod: seccompProfileBaseline_1_0 },
      { minimumVersion: 19, checkPod: seccompProfileBaseline_1_19 },
    ],
  },
  {
    id: 'sysctls',
    level: 'baseline',
    versions: [
      { minimumVersion: 0, checkPod: sysctls(sysctls_1_0) },
      { minimumVersion: 27, checkPod: sysctls(sysctls_1_27) },
      { minimumVersion: 29, checkPod: sysctls(sysctls_1_29) },
      { minimumVersion: 32, checkPod: sysctls(sysctls_1_32) },
    ],
  },
  { id: 'windowsHostProcess', level: 'baseline', versions: [{ minimumVersion: 0, checkPod: windowsHostProcess }] },
];
