// The change that makes a refused pod pass its namespace's Pod Security
// level: for each failed check the exact fields to set (pod and container
// securityContext, host namespaces, host ports, annotations), or, where no
// field can say it (a hostPath volume to replace), what to do instead; the
// corrected securityContext blocks to paste; and a strategic merge patch of
// the whole change. Every change is checked with Kubernetes' own checks
// (checkRegistry.ts) on the pod as changed: what still fails is reported.

import { yaml } from '../kube/yamlLibrary.ts';
import { failedChecks, type FailedCheck } from '../apiserver/admission/podSecurity/checkRegistry.ts';
import type { CheckedPod } from '../apiserver/admission/podSecurity/checkedFields.ts';
import type { LevelVersion } from '../apiserver/admission/podSecurity/policy.ts';
import type { Container, PodSpec, SecurityContext } from '../kube/types/core-v1.ts';
import { deepCopy } from '../kube/deepCopy.ts';

type ContainerList = 'initContainers' | 'containers' | 'ephemeralContainers';
const containerLists: ContainerList[] = ['initContainers', 'containers', 'ephemeralContainers'];

type Json = Record<string, unknown>;

export interface CheckFix {
  check: FailedCheck;
  /** The fields to change, as a YAML fragment of the object at their place (null: remove the field). */
  yaml?: string;
  /** What to do where no field change can say it. */
  advice: string[];
}

export interface PodSecurityFix {
  fixes: CheckFix[];
  /** The pod's securityContext blocks (pod and every container) after all the changes, at their place in the object. */
  corrected: string;
  /** Every change as one strategic merge patch of the object (containers merge by name, ports by containerPort). */
  patch: Json;
  /** Checks the changed pod still fails (the advice says what to do). */
  remaining: FailedCheck[];
  /**
   * When the change sets runAsNonRoot and nothing sets runAsUser: the same patch with a non-zero pod-level
   * runAsUser, for an image whose USER is root, which the kubelet would otherwise refuse to start.
   */
  rootImagePatch?: Json;
}

/** A UID for an image that runs as root by default: any non-zero one the image can run as will do. */
export const nonRootUid = 1000;

function setIn(target: Json, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Json;
  }
  node[path[path.length - 1]!] = value;
}

/** Applies changes to a pod and records them, as the fragment a person (or kubectl patch) applies. */
class Changes {
  readonly fragment: Json = {};
  readonly advice: string[] = [];

  constructor(readonly pod: CheckedPod) {}

  private apply(target: Json, path: string[], value: unknown): void {
    if (value === null) {
      let node: Json | undefined = target;
      for (const key of path.slice(0, -1)) node = node?.[key] as Json | undefined;
      if (node) delete node[path[path.length - 1]!];
    } else setIn(target, path, deepCopy(value));
  }

  spec(path: string[], value: unknown): void {
    this.apply(this.pod.spec as unknown as Json, path, value);
    setIn(this.fragment, ['spec', ...path], value);
  }

  private containerEntry(list: ContainerList, name: string): Json {
    const spec = (this.fragment.spec ??= {}) as Json;
    const entries = (spec[list] ??= []) as Json[];
    let entry = entries.find((e) => e.name === name);
    if (!entry) entries.push((entry = { name }));
    return entry;
  }

  container(list: ContainerList, c: Container, path: string[], value: unknown): void {
    this.apply(c as unknown as Json, ['securityContext', ...path], value);
    setIn(this.containerEntry(list, c.name), ['securityContext', ...path], value);
  }

  removeHostPort(list: ContainerList, c: Container, containerPort: number): void {
    const port = (c.ports ?? []).find((p) => p.containerPort === containerPort);
    if (port) delete port.hostPort;
    const entry = this.containerEntry(list, c.name);
    ((entry.ports ??= []) as Json[]).push({ containerPort, hostPort: null });
  }

  removeAnnotation(key: string): void {
    delete this.pod.metadata.annotations?.[key];
    setIn(this.fragment, ['metadata', 'annotations', key], null);
  }
}

function eachContainer(spec: PodSpec, visit: (list: ContainerList, c: Container) => void): void {
  for (const list of containerLists) for (const c of (spec[list] ?? []) as Container[]) visit(list, c);
}

/** The quoted values after `must not include` (capabilities) or `type(s)` (SELinux) in a check's detail. */
function quotedAfter(detail: string, lead: RegExp): Set<string> {
  const match = new RegExp(`${lead.source} ((?:"[^"]*"(?:, )?)+)`).exec(detail);
  return new Set([...(match?.[1] ?? '').matchAll(/"([^"]*)"/g)].map((m) => m[1]!));
}

const allowedVolumeSources = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
const replaceVolume = 'an emptyDir, persistentVolumeClaim, configMap, secret, projected, downwardAPI, csi or ephemeral volume';

function validProfileType(type: string | undefined): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

type Fixer = (changes: Changes, check: FailedCheck) => void;

const fixers: Record<string, Fixer> = {
  hostNamespaces: (ch) => {
    for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) if (ch.pod.spec[field]) ch.spec([field], false);
  },
  privileged: (ch) => eachContainer(ch.pod.spec, (list, c) => c.securityContext?.privileged === true && ch.container(list, c, ['privileged'], false)),
  capabilities_baseline: (ch, check) => removeCapabilities(ch, quotedAfter(check.detail, /must not include/)),
  capabilities_restricted: (ch, check) => {
    removeCapabilities(ch, quotedAfter(check.detail, /must not include/));
    eachContainer(ch.pod.spec, (list, c) => !(c.securityContext?.capabilities?.drop ?? []).includes('ALL') && ch.container(list, c, ['capabilities', 'drop'], ['ALL']));
  },
  hostPathVolumes: (ch) => {
    for (const v of ch.pod.spec.volumes ?? []) if (v.hostPath) ch.advice.push(`Replace volume "${v.name}" (hostPath ${v.hostPath.path}) with ${replaceVolume}: no field makes a hostPath volume pass.`);
  },
  restrictedVolumes: (ch) => {
    for (const v of ch.pod.spec.volumes ?? []) {
      const fields = v as unknown as Json;
      if (allowedVolumeSources.some((s) => fields[s] != null)) continue;
      const type = Object.keys(fields).find((k) => k !== 'name') ?? 'unknown';
      ch.advice.push(`Replace volume "${v.name}" (${type}) with ${replaceVolume}: restricted allows no other volume type.`);
    }
  },
  hostPorts: (ch) =>
    eachContainer(ch.pod.spec, (list, c) => {
      for (const p of c.ports ?? []) if ((p.hostPort ?? 0) !== 0) ch.removeHostPort(list, c, p.containerPort);
    }),
  appArmorProfile: (ch) => {
    const podProfile = ch.pod.spec.securityContext?.appArmorProfile;
    if (podProfile && !validProfileType(podProfile.type)) ch.spec(['securityContext', 'appArmorProfile'], { type: 'RuntimeDefault' });
    eachContainer(ch.pod.spec, (list, c) => {
      const profile = c.securityContext?.appArmorProfile;
      if (profile && !validProfileType(profile.type)) ch.container(list, c, ['appArmorProfile'], { type: 'RuntimeDefault' });
    });
    for (const [key, value] of Object.entries(ch.pod.metadata.annotations ?? {})) {
      if (key.startsWith('container.apparmor.security.beta.kubernetes.io/') && !(value === '' || value === 'runtime/default' || value.startsWith('localhost/'))) ch.removeAnnotation(key);
    }
  },
  seLinuxOptions: (ch, check) => {
    const badTypes = quotedAfter(check.detail, /types?/);
    const fix = (options: { type?: string; user?: string; role?: string } | undefined, set: (field: string) => void) => {
      if (!options) return;
      if (options.user) set('user');
      if (options.role) set('role');
      if (options.type && badTypes.has(options.type)) set('type');
    };
    fix(ch.pod.spec.securityContext?.seLinuxOptions, (field) => ch.spec(['securityContext', 'seLinuxOptions', field], null));
    eachContainer(ch.pod.spec, (list, c) => fix(c.securityContext?.seLinuxOptions, (field) => ch.container(list, c, ['seLinuxOptions', field], null)));
  },
  procMount: (ch) => eachContainer(ch.pod.spec, (list, c) => c.securityContext?.procMount !== undefined && c.securityContext.procMount !== 'Default' && ch.container(list, c, ['procMount'], 'Default')),
  seccompProfile_baseline: (ch) => {
    const podProfile = ch.pod.spec.securityContext?.seccompProfile;
    if (podProfile && !validProfileType(podProfile.type)) ch.spec(['securityContext', 'seccompProfile', 'type'], 'RuntimeDefault');
    eachContainer(ch.pod.spec, (list, c) => {
      const profile = c.securityContext?.seccompProfile;
      if (profile && !validProfileType(profile.type)) ch.container(list, c, ['seccompProfile', 'type'], 'RuntimeDefault');
    });
    for (const [key, value] of Object.entries(ch.pod.metadata.annotations ?? {})) {
      const seccomp = key === 'seccomp.security.alpha.kubernetes.io/pod' || key.startsWith('container.seccomp.security.alpha.kubernetes.io/');
      if (seccomp && !(value === 'runtime/default' || value === 'docker/default' || value.startsWith('localhost/'))) ch.removeAnnotation(key);
    }
  },
  sysctls: (ch, check) => {
    const forbidden = new Set(check.detail.split(', '));
    const kept = (ch.pod.spec.securityContext?.sysctls ?? []).filter((s) => !forbidden.has(s.name));
    ch.spec(['securityContext', 'sysctls'], kept.length ? kept : null);
  },
  windowsHostProcess: (ch) => {
    if (ch.pod.spec.securityContext?.windowsOptions?.hostProcess === true) ch.spec(['securityContext', 'windowsOptions', 'hostProcess'], false);
    eachContainer(ch.pod.spec, (list, c) => c.securityContext?.windowsOptions?.hostProcess === true && ch.container(list, c, ['windowsOptions', 'hostProcess'], false));
  },
  allowPrivilegeEscalation: (ch) => eachContainer(ch.pod.spec, (list, c) => c.securityContext?.allowPrivilegeEscalation !== false && ch.container(list, c, ['allowPrivilegeEscalation'], false)),
  runAsNonRoot: (ch) => {
    const pod = ch.pod.spec.securityContext?.runAsNonRoot;
    let uncovered = false;
    eachContainer(ch.pod.spec, (list, c) => {
      const value = c.securityContext?.runAsNonRoot;
      if (value === false) ch.container(list, c, ['runAsNonRoot'], true);
      else if (value === undefined) uncovered = true;
    });
    // One pod-level field covers every container that says nothing itself.
    if (pod === false || (pod !== true && uncovered)) ch.spec(['securityContext', 'runAsNonRoot'], true);
  },
  runAsUser: (ch) => {
    if (ch.pod.spec.securityContext?.runAsUser === 0) ch.spec(['securityContext', 'runAsUser'], null);
    eachContainer(ch.pod.spec, (list, c) => c.securityContext?.runAsUser === 0 && ch.container(list, c, ['runAsUser'], null));
  },
  seccompProfile_restricted: (ch) => {
    const podProfile = ch.pod.spec.securityContext?.seccompProfile;
    if (podProfile && !validProfileType(podProfile.type)) ch.spec(['securityContext', 'seccompProfile', 'type'], 'RuntimeDefault');
    let uncovered = false;
    eachContainer(ch.pod.spec, (list, c) => {
      const profile = c.securityContext?.seccompProfile;
      if (profile && !validProfileType(profile.type)) ch.container(list, c, ['seccompProfile', 'type'], 'RuntimeDefault');
      else if (!profile) uncovered = true;
    });
    if (uncovered && !podProfile) ch.spec(['securityContext', 'seccompProfile'], { type: 'RuntimeDefault' });
  },
};

function removeCapabilities(ch: Changes, forbidden: Set<string>): void {
  eachContainer(ch.pod.spec, (list, c) => {
    const added = c.securityContext?.capabilities?.add ?? [];
    const kept = added.filter((cap) => !forbidden.has(cap));
    if (kept.length !== added.length) ch.container(list, c, ['capabilities', 'add'], kept.length ? kept : null);
  });
}

/** The pod's fragment placed where the object keeps its pod: `spec.template` for a Deployment, the top for a Pod. */
function placed(fragment: Json, podSpecPath: string[]): Json {
  const templatePath = podSpecPath.slice(0, -1);
  if (templatePath.length === 0) return fragment;
  const out: Json = {};
  setIn(out, templatePath, fragment);
  return out;
}

const removeComment = ' remove this field';
const imageUserComment = ' the kubelet then refuses an image whose USER is root: also set runAsUser to a non-zero UID the image can run as';

/** YAML with removals and runAsNonRoot explained in comments. */
export function commentedYaml(value: Json, runAsUserSet: boolean): string {
  const doc = new (yaml().Document)(value);
  yaml().visit(doc, {
    Pair(_key, pair) {
      if (!yaml().isScalar(pair.key) || !yaml().isScalar(pair.value)) return;
      if (pair.value.value === null) pair.value.comment = removeComment;
      else if (pair.key.value === 'runAsNonRoot' && pair.value.value === true && !runAsUserSet) pair.value.comment = imageUserComment;
    },
  });
  return doc.toString({ lineWidth: 0 });
}

function runAsUserSet(spec: PodSpec): boolean {
  let set = (spec.securityContext?.runAsUser ?? 0) !== 0;
  eachContainer(spec, (_list, c) => (set ||= (c.securityContext?.runAsUser ?? 0) !== 0));
  return set;
}

/** The securityContext of the pod and of each container, as they are after the changes. */
function correctedBlocks(pod: CheckedPod, changedSpecFields: string[]): Json {
  const spec: Json = {};
  for (const field of changedSpecFields) spec[field] = (pod.spec as unknown as Json)[field] ?? null;
  spec.securityContext = pod.spec.securityContext ?? {};
  for (const list of containerLists) {
    const containers = (pod.spec[list] ?? []) as Container[];
    if (containers.length) spec[list] = containers.map((c) => ({ name: c.name, securityContext: (c.securityContext ?? {}) as SecurityContext }));
  }
  return { spec };
}

export function fixPodSecurity(lv: LevelVersion, refused: CheckedPod, checks: FailedCheck[], podSpecPath: string[]): PodSecurityFix {
  const all = new Changes(deepCopy(refused));
  const fixes = checks.map((check) => {
    const fixer = fixers[check.id];
    const one = new Changes(deepCopy(refused));
    fixer?.(one, check);
    fixer?.(all, check);
    const changed = Object.keys(one.fragment).length > 0;
    return { check, ...(changed ? { yaml: commentedYaml(placed(one.fragment, podSpecPath), runAsUserSet(one.pod.spec)) } : {}), advice: one.advice };
  });
  const changedSpecFields = ['hostNetwork', 'hostPID', 'hostIPC'].filter((f) => f in ((all.fragment.spec as Json | undefined) ?? {}));
  const setsRunAsNonRoot = checks.some((c) => c.id === 'runAsNonRoot');
  let rootImagePatch: Json | undefined;
  if (setsRunAsNonRoot && !runAsUserSet(all.pod.spec)) {
    const withUser = deepCopy(all.fragment);
    setIn(withUser, ['spec', 'securityContext', 'runAsUser'], nonRootUid);
    rootImagePatch = placed(withUser, podSpecPath);
  }
  return {
    fixes,
    corrected: commentedYaml(placed(correctedBlocks(all.pod, changedSpecFields), podSpecPath), runAsUserSet(all.pod.spec)),
    patch: placed(all.fragment, podSpecPath),
    remaining: failedChecks(lv, all.pod.metadata, all.pod.spec),
    ...(rootImagePatch ? { rootImagePatch } : {}),
  };
}
