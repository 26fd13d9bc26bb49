// ValidatePodSpec and ValidatePodTemplateSpec from
// pkg/apis/core/validation: containers, volumes, probes, policies,
// tolerations, with Kubernetes' messages and field paths.

import type { FieldError } from '../../../kube/meta.ts';
import { duplicate, forbidden, invalid, notFound, notSupported, required, validateNonnegativeField } from '../../validation/fieldErrors.ts';
import { isDNS1123Label, isDNS1123Subdomain, isHTTPHeaderName, isQualifiedName, isValidLabelValue, isValidPortName, isValidPortNum, inclusiveRangeError, isConfigMapKey } from '../../validation/names.ts';
import { validateAnnotations, validateLabelName, validateLabels } from '../../validation/objectMeta.ts';
import { arrayAt, isObject, numberAt, objectAt, objectsAt, stringAt, stringMapAt, type JsonObject } from './json.ts';
import { volumeSources } from './podSpecDefaults.ts';
import { validateResourceRequirements } from './resourceRequirements.ts';

const maxInt32 = 2147483647;
const supportedPortProtocols = ['SCTP', 'TCP', 'UDP'];

function dns1123Label(value: string, field: string): FieldError[] {
  return isDNS1123Label(value).map((msg) => invalid(field, value, msg));
}

function subdomain(value: string, field: string): FieldError[] {
  return isDNS1123Subdomain(value).map((msg) => invalid(field, value, msg));
}

function oneOf(value: string, field: string, supported: string[]): FieldError[] {
  if (value === '') return [required(field)];
  return supported.includes(value) ? [] : [notSupported(field, value, supported)];
}

/** IntOrString ports of probes and services: a number in range or an IANA port name. */
export function validatePortNumOrName(port: unknown, field: string): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((msg) => invalid(field, port, msg));
  if (typeof port === 'string') {
    // kubectl sends "8080" as a string when YAML quotes it; Go's IntOrString keeps it a string too.
    return isValidPortName(port).map((msg) => invalid(field, port, msg));
  }
  return isValidPortNum(0).map((msg) => invalid(field, 0, msg));
}

function validateVolumes(volumes: JsonObject[], path: string): [Set<string>, FieldError[]] {
  const names = new Set<string>();
  const errs: FieldError[] = [];
  volumes.forEach((vol, i) => {
    const idx = `${path}[${i}]`;
    const name = stringAt(vol, 'name');
    const el: FieldError[] = [];
    const sources = volumeSources(vol);
    if (sources.length === 0) el.push(required(idx, 'must specify a volume type'));
    for (const extra of sources.slice(1)) el.push(forbidden(`${idx}.${extra}`, 'may not specify more than 1 volume type'));
    el.push(...validateVolumeSource(vol, sources[0], idx));
    if (!name) el.push(required(`${idx}.name`));
    else el.push(...dns1123Label(name, `${idx}.name`));
    if (names.has(name)) el.push(duplicate(`${idx}.name`, name));
    if (el.length === 0) names.add(name);
    errs.push(...el);
  });
  return [names, errs];
}

function validateVolumeSource(vol: JsonObject, source: string | undefined, idx: string): FieldError[] {
  const s = source ? objectAt(vol, source) : undefined;
  switch (source) {
    case 'hostPath': {
      const errs = stringAt(s, 'path') ? [] : [required(`${idx}.hostPath.path`)];
      const type = stringAt(s, 'type');
      const types = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];
      if (!types.includes(type)) errs.push(notSupported(`${idx}.hostPath.type`, type, types));
      return errs;
    }
    case 'secret':
      return stringAt(s, 'secretName') ? [] : [required(`${idx}.secret.secretName`)];
    case 'configMap':
      return stringAt(s, 'name') ? [] : [required(`${idx}.configMap.name`)];
    case 'persistentVolumeClaim':
      return stringAt(s, 'claimName') ? [] : [required(`${idx}.persistentVolumeClaim.claimName`)];
    case 'nfs':
      return [...(stringAt(s, 'server') ? [] : [required(`${idx}.nfs.server`)]), ...(stringAt(s, 'path') ? [] : [required(`${idx}.nfs.path`)])];
    case 'image':
      return stringAt(s, 'reference') ? [] : [required(`${idx}.image.reference`)];
    default:
      return [];
  }
}

function validateContainerPorts(ports: JsonObject[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const idx = `${path}[${i}]`;
    const name = stringAt(port, 'name');
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) errs.push(...msgs.map((msg) => invalid(`${idx}.name`, name, msg)));
      else if (names.has(name)) errs.push(duplicate(`${idx}.name`, name));
      else names.add(name);
    }
    const containerPort = numberAt(port, 'containerPort') ?? 0;
    if (containerPort === 0) errs.push(required(`${idx}.containerPort`));
    else errs.push(...isValidPortNum(containerPort).map((msg) => invalid(`${idx}.containerPort`, containerPort, msg)));
    const hostPort = numberAt(port, 'hostPort') ?? 0;
    if (hostPort !== 0) errs.push(...isValidPortNum(hostPort).map((msg) => invalid(`${idx}.hostPort`, hostPort, msg)));
    const protocol = stringAt(port, 'protocol');
    errs.push(...oneOf(protocol, `${idx}.protocol`, supportedPortProtocols));
  });
  return errs;
}

function validateEnv(env: JsonObject[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  env.forEach((ev, i) => {
    const idx = `${path}[${i}]`;
    const name = stringAt(ev, 'name');
    if (!name) errs.push(required(`${idx}.name`));
    else errs.push(...relaxedEnvVarName(name).map((msg) => invalid(`${idx}.name`, name, msg)));
    const valueFrom = objectAt(ev, 'valueFrom');
    if (!valueFrom) return;
    const fromPath = `${idx}.valueFrom`;
    const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter((k) => objectAt(valueFrom, k));
    for (const key of ['configMapKeyRef', 'secretKeyRef']) {
      const ref = objectAt(valueFrom, key);
      if (!ref) continue;
      const refName = stringAt(ref, 'name');
      errs.push(...subdomain(refName, `${fromPath}.${key}.name`));
      const k = stringAt(ref, 'key');
      if (!k) errs.push(required(`${fromPath}.${key}.key`));
      else errs.push(...isConfigMapKey(k).map((msg) => invalid(`${fromPath}.${key}.key`, k, msg)));
    }
    const fieldRef = objectAt(valueFrom, 'fieldRef');
    if (fieldRef && !stringAt(fieldRef, 'fieldPath')) errs.push(required(`${fromPath}.fieldRef.fieldPath`));
    if (sources.length === 0) errs.push(invalid(fromPath, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    else if (stringAt(ev, 'value')) errs.push(invalid(fromPath, '', 'may not be specified when `value` is not empty'));
    else if (sources.length > 1) errs.push(invalid(fromPath, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

// RelaxedEnvironmentVariableValidation is on by default since Kubernetes 1.32.
function relaxedEnvVarName(name: string): string[] {
  for (const ch of name) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || code > 0x7e || ch === '=') return ["a valid environment variable name must consist only of printable ASCII characters other than '='"];
  }
  return [];
}

function validateEnvFrom(envFrom: JsonObject[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  envFrom.forEach((ef, i) => {
    const idx = `${path}[${i}]`;
    const prefix = stringAt(ef, 'prefix');
    if (prefix) errs.push(...relaxedEnvVarName(prefix).map((msg) => invalid(`${idx}.prefix`, prefix, msg)));
    const sources = ['configMapRef', 'secretRef'].filter((k) => objectAt(ef, k));
    for (const key of sources) {
      const name = stringAt(objectAt(ef, key), 'name');
      if (!name) errs.push(required(`${idx}.${key}.name`));
      else errs.push(...subdomain(name, `${idx}.${key}.name`));
    }
    if (sources.length === 0) errs.push(invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources.length > 1) errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

function validateLocalDescendingPath(target: string, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (target.startsWith('/')) errs.push(invalid(field, target, 'must be a relative path'));
  if (target.split('/').includes('..')) errs.push(invalid(field, target, "must not contain '..'"));
  return errs;
}

function validateVolumeMounts(mounts: JsonObject[], volumes: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const mountPoints = new Set<string>();
  mounts.forEach((mnt, i) => {
    const idx = `${path}[${i}]`;
    const name = stringAt(mnt, 'name');
    const mountPath = stringAt(mnt, 'mountPath');
    if (!name) errs.push(required(`${idx}.name`));
    if (!volumes.has(name)) errs.push(notFound(`${idx}.name`, name));
    if (!mountPath) errs.push(required(`${idx}.mountPath`));
    if (mountPoints.has(mountPath)) errs.push(invalid(`${idx}.mountPath`, mountPath, 'must be unique'));
    mountPoints.add(mountPath);
    // Kubernetes reports subPath problems against the list, not the entry.
    const subPath = stringAt(mnt, 'subPath');
    if (subPath) errs.push(...validateLocalDescendingPath(subPath, `${path}.subPath`));
    const subPathExpr = stringAt(mnt, 'subPathExpr');
    if (subPathExpr) {
      if (subPath) errs.push(invalid(`${idx}.subPathExpr`, subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(subPathExpr, `${path}.subPathExpr`));
    }
  });
  return errs;
}

function validateHandler(handler: JsonObject, path: string, allowSleep: boolean): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const kind of ['exec', 'httpGet', 'tcpSocket', 'grpc', 'sleep']) {
    const action = objectAt(handler, kind);
    if (!action || (kind === 'sleep' && !allowSleep) || (kind === 'grpc' && allowSleep)) continue;
    if (count > 0) {
      errs.push(forbidden(`${path}.${kind}`, 'may not specify more than 1 handler type'));
      continue;
    }
    count++;
    const at = `${path}.${kind}`;
    if (kind === 'exec' && arrayAt(action, 'command').length === 0) errs.push(required(`${at}.command`));
    if (kind === 'httpGet') {
      if (!stringAt(action, 'path')) errs.push(required(`${at}.path`));
      errs.push(...validatePortNumOrName(action.port, `${at}.port`));
      const scheme = stringAt(action, 'scheme');
      if (!['HTTP', 'HTTPS'].includes(scheme)) errs.push(notSupported(`${at}.scheme`, scheme, ['HTTP', 'HTTPS']));
      for (const header of objectsAt(action, 'httpHeaders')) {
        const headerName = stringAt(header, 'name');
        errs.push(...isHTTPHeaderName(headerName).map((msg) => invalid(`${at}.httpHeaders`, headerName, msg)));
      }
    }
    if (kind === 'tcpSocket') errs.push(...validatePortNumOrName(action.port, `${at}.port`));
    if (kind === 'grpc') errs.push(...validatePortNumOrName(numberAt(action, 'port') ?? 0, `${at}.port`));
  }
  if (count === 0) errs.push(required(path, 'must specify a handler type'));
  return errs;
}

function validateProbe(probe: JsonObject | undefined, path: string, kind: 'liveness' | 'readiness' | 'startup'): FieldError[] {
  if (!probe) return [];
  const errs = validateHandler(probe, path, false);
  for (const key of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    errs.push(...validateNonnegativeField(numberAt(probe, key), `${path}.${key}`));
  }
  const grace = numberAt(probe, 'terminationGracePeriodSeconds');
  if (grace !== undefined && grace <= 0) errs.push(invalid(`${path}.terminationGracePeriodSeconds`, grace, 'must be greater than 0'));
  if (kind === 'readiness' && grace !== undefined) {
    errs.push(invalid(`${path}.terminationGracePeriodSeconds`, grace, 'must not be set for readinessProbes'));
  }
  const success = numberAt(probe, 'successThreshold');
  if (kind !== 'readiness' && success !== undefined && success !== 1) errs.push(invalid(`${path}.successThreshold`, success, 'must be 1'));
  return errs;
}

function validateLifecycle(lifecycle: JsonObject | undefined, path: string): FieldError[] {
  if (!lifecycle) return [];
  const errs: FieldError[] = [];
  for (const hook of ['postStart', 'preStop']) {
    const handler = objectAt(lifecycle, hook);
    if (handler) errs.push(...validateHandler(handler, `${path}.${hook}`, true));
  }
  return errs;
}

function validateContainerCommon(c: JsonObject, volumes: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = stringAt(c, 'name');
  if (!name) errs.push(required(`${path}.name`));
  else errs.push(...dns1123Label(name, `${path}.name`));
  if (!stringAt(c, 'image')) errs.push(required(`${path}.image`));
  errs.push(...oneOf(stringAt(c, 'terminationMessagePolicy'), `${path}.terminationMessagePolicy`, ['File', 'FallbackToLogsOnError']));
  errs.push(...validateContainerPorts(objectsAt(c, 'ports'), `${path}.ports`));
  errs.push(...validateEnv(objectsAt(c, 'env'), `${path}.env`));
  errs.push(...validateEnvFrom(objectsAt(c, 'envFrom'), `${path}.envFrom`));
  errs.push(...validateVolumeMounts(objectsAt(c, 'volumeMounts'), volumes, `${path}.volumeMounts`));
  errs.push(...oneOf(stringAt(c, 'imagePullPolicy'), `${path}.imagePullPolicy`, ['Always', 'IfNotPresent', 'Never']));
  errs.push(...validateResourceRequirements(objectAt(c, 'resources'), `${path}.resources`));
  return errs;
}

function hostPortConflicts(containers: JsonObject[], path: string): FieldError[] {
  const seen = new Set<string>();
  const errs: FieldError[] = [];
  containers.forEach((c, ci) => {
    objectsAt(c, 'ports').forEach((p, pi) => {
      const hostPort = numberAt(p, 'hostPort') ?? 0;
      if (hostPort === 0) return;
      const key = `${stringAt(p, 'protocol')}/${stringAt(p, 'hostIP')}/${hostPort}`;
      if (seen.has(key)) errs.push(duplicate(`${path}[${ci}].ports[${pi}].hostPort`, key));
      seen.add(key);
    });
  });
  return errs;
}

function validateContainers(containers: JsonObject[], volumes: Set<string>, path: string): FieldError[] {
  if (containers.length === 0) return [required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const idx = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, volumes, idx));
    const name = stringAt(c, 'name');
    if (names.has(name)) errs.push(duplicate(`${idx}.name`, name));
    else names.add(name);
    errs.push(...validateLifecycle(objectAt(c, 'lifecycle'), `${idx}.lifecycle`));
    errs.push(...validateProbe(objectAt(c, 'livenessProbe'), `${idx}.livenessProbe`, 'liveness'));
    errs.push(...validateProbe(objectAt(c, 'readinessProbe'), `${idx}.readinessProbe`, 'readiness'));
    errs.push(...validateProbe(objectAt(c, 'startupProbe'), `${idx}.startupProbe`, 'startup'));
    if (c.restartPolicy !== undefined) errs.push(forbidden(`${idx}.restartPolicy`, 'may not be set for non-init containers'));
  });
  errs.push(...hostPortConflicts(containers, path));
  return errs;
}

function validateInitContainers(initContainers: JsonObject[], containers: JsonObject[], volumes: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(containers.map((c) => stringAt(c, 'name')));
  initContainers.forEach((c, i) => {
    const idx = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, volumes, idx));
    let restartAlways = false;
    if (c.restartPolicy !== undefined) {
      const policy = String(c.restartPolicy);
      if (policy !== 'Always') errs.push(notSupported(`${idx}.restartPolicy`, policy, ['Always']));
      restartAlways = policy === 'Always';
    }
    const name = stringAt(c, 'name');
    if (names.has(name)) errs.push(duplicate(`${idx}.name`, name));
    else if (name) names.add(name);
    errs.push(...hostPortConflicts([c], path));
    if (restartAlways) {
      errs.push(...validateLifecycle(objectAt(c, 'lifecycle'), `${idx}.lifecycle`));
      errs.push(...validateProbe(objectAt(c, 'livenessProbe'), `${idx}.livenessProbe`, 'liveness'));
      errs.push(...validateProbe(objectAt(c, 'readinessProbe'), `${idx}.readinessProbe`, 'readiness'));
      errs.push(...validateProbe(objectAt(c, 'startupProbe'), `${idx}.startupProbe`, 'startup'));
    } else {
      for (const key of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (c[key] !== undefined) errs.push(forbidden(`${idx}.${key}`, 'may not be set for init containers without restartPolicy=Always'));
      }
    }
  });
  return errs;
}

/** ValidateTolerations. */
export function validateTolerations(tolerations: JsonObject[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  tolerations.forEach((t, i) => {
    const idx = `${path}[${i}]`;
    const key = stringAt(t, 'key');
    const operator = stringAt(t, 'operator');
    const effect = stringAt(t, 'effect');
    const value = stringAt(t, 'value');
    if (key) errs.push(...validateLabelName(key, `${idx}.key`));
    if (!key && operator !== 'Exists') {
      errs.push(invalid(`${idx}.operator`, operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && effect !== 'NoExecute') {
      errs.push(invalid(`${idx}.effect`, effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (operator === 'Equal' || operator === '') {
      const msgs = isValidLabelValue(value);
      if (msgs.length > 0) errs.push(invalid(`${idx}.operator`, value, msgs.join(';')));
    } else if (operator === 'Exists') {
      if (value) errs.push(invalid(`${idx}.operator`, t, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(notSupported(`${idx}.operator`, operator, ['Equal', 'Exists']));
    }
    if (effect && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(effect)) {
      errs.push(notSupported(`${idx}.effect`, effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
    }
  });
  return errs;
}

/**
 * allowedEphemeralContainerFields: what an ephemeral container may set, in
 * EphemeralContainerCommon's order. Nothing may rely on a debugging container,
 * so ports, probes, lifecycle hooks and resources are refused.
 */
const ephemeralContainerFields: Array<[string, boolean]> = [
  ['name', true], ['image', true], ['command', true], ['args', true], ['workingDir', true], ['ports', false], ['envFrom', true], ['env', true],
  ['resources', false], ['resizePolicy', false], ['restartPolicy', false], ['volumeMounts', true], ['volumeDevices', true],
  ['livenessProbe', false], ['readinessProbe', false], ['startupProbe', false], ['lifecycle', false], ['terminationMessagePath', true],
  ['terminationMessagePolicy', true], ['imagePullPolicy', true], ['securityContext', true], ['stdin', true], ['stdinOnce', true], ['tty', true],
];

/** Whether a decoded value is not Go's zero value (an empty list or object, "", false and 0 are). */
function isSet(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === false || value === 0) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.values(value).some(isSet);
  return true;
}

/** validateEphemeralContainers: names unique among all the pod's containers, a target that is one of the others, only the allowed fields. */
function validateEphemeralContainers(ephemerals: JsonObject[], others: JsonObject[], volumes: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const otherNames = new Set(others.map((c) => stringAt(c, 'name')));
  const allNames = new Set(otherNames);
  ephemerals.forEach((c, i) => {
    const idx = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, volumes, idx));
    const name = stringAt(c, 'name');
    if (allNames.has(name)) errs.push(duplicate(`${idx}.name`, name));
    else allNames.add(name);
    const target = stringAt(c, 'targetContainerName');
    if (target && !otherNames.has(target)) errs.push(notFound(`${idx}.targetContainerName`, target));
    for (const [field, allowed] of ephemeralContainerFields) {
      if (!allowed && isSet(c[field])) errs.push(forbidden(`${idx}.${field}`, 'cannot be set for an Ephemeral Container'));
    }
    // A subPath is a bind mount kept until the pod ends: a container that needs one is part of the workload.
    objectsAt(c, 'volumeMounts').forEach((mount, m) => {
      for (const field of ['subPath', 'subPathExpr']) {
        if (stringAt(mount, field)) errs.push(forbidden(`${idx}.volumeMounts[${m}].${field}`, 'cannot be set for an Ephemeral Container'));
      }
    });
  });
  return errs;
}

/**
 * ValidatePodSpec. `path` is `spec` for pods and `spec.template.spec` for workloads; `claimVolumes`
 * are volume names that exist without a volume entry (a StatefulSet's volumeClaimTemplates).
 */
export function validatePodSpec(spec: JsonObject | undefined, path: string, claimVolumes: string[] = []): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  if (numberAt(s, 'terminationGracePeriodSeconds') === undefined) errs.push(required(`${path}.terminationGracePeriodSeconds`));
  const [volumes, volumeErrs] = validateVolumes(objectsAt(s, 'volumes'), `${path}.volumes`);
  errs.push(...volumeErrs);
  for (const name of claimVolumes) volumes.add(name);
  const containers = objectsAt(s, 'containers');
  errs.push(...validateContainers(containers, volumes, `${path}.containers`));
  errs.push(...validateInitContainers(objectsAt(s, 'initContainers'), containers, volumes, `${path}.initContainers`));
  errs.push(...validateEphemeralContainers(objectsAt(s, 'ephemeralContainers'), [...containers, ...objectsAt(s, 'initContainers')], volumes, `${path}.ephemeralContainers`));
  errs.push(...oneOf(stringAt(s, 'restartPolicy'), `${path}.restartPolicy`, ['Always', 'OnFailure', 'Never']));
  const dnsPolicy = stringAt(s, 'dnsPolicy');
  errs.push(...oneOf(dnsPolicy, `${path}.dnsPolicy`, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']));
  if (dnsPolicy === 'None') {
    const dnsConfig = objectAt(s, 'dnsConfig');
    if (!dnsConfig) errs.push(required(`${path}.dnsConfig`, 'must provide `dnsConfig` when `dnsPolicy` is None'));
    else if (arrayAt(dnsConfig, 'nameservers').length === 0) {
      errs.push(required(`${path}.dnsConfig.nameservers`, 'must provide at least one DNS nameserver when `dnsPolicy` is None'));
    }
  }
  errs.push(...validateLabels(stringMapAt(s, 'nodeSelector'), `${path}.nodeSelector`));
  const serviceAccountName = stringAt(s, 'serviceAccountName');
  if (serviceAccountName) errs.push(...subdomain(serviceAccountName, `${path}.serviceAccountName`));
  const nodeName = stringAt(s, 'nodeName');
  if (nodeName) errs.push(...subdomain(nodeName, `${path}.nodeName`));
  const activeDeadlineSeconds = numberAt(s, 'activeDeadlineSeconds');
  if (activeDeadlineSeconds !== undefined && (activeDeadlineSeconds < 1 || activeDeadlineSeconds > maxInt32)) {
    errs.push(invalid(`${path}.activeDeadlineSeconds`, activeDeadlineSeconds, inclusiveRangeError(1, maxInt32)));
  }
  const hostname = stringAt(s, 'hostname');
  if (hostname) errs.push(...dns1123Label(hostname, `${path}.hostname`));
  const subdomainName = stringAt(s, 'subdomain');
  if (subdomainName) errs.push(...dns1123Label(subdomainName, `${path}.subdomain`));
  errs.push(...validateTolerations(objectsAt(s, 'tolerations'), `${path}.tolerations`));
  const priorityClassName = stringAt(s, 'priorityClassName');
  if (priorityClassName) errs.push(...subdomain(priorityClassName, `${path}.priorityClassName`));
  objectsAt(s, 'readinessGates').forEach((g, i) => {
    const type = stringAt(g, 'conditionType');
    errs.push(...isQualifiedName(type).map((msg) => invalid(`${path}.readinessGates[${i}].conditionType`, type, msg)));
  });
  const gates = new Set<string>();
  objectsAt(s, 'schedulingGates').forEach((g, i) => {
    const name = stringAt(g, 'name');
    errs.push(...isQualifiedName(name).map((msg) => invalid(`${path}.schedulingGates[${i}]`, name, msg)));
    if (gates.has(name)) errs.push(duplicate(`${path}.schedulingGates[${i}]`, name));
    gates.add(name);
  });
  return errs;
}

/** ValidatePodTemplateSpec: the template's labels and annotations, its spec, and no ephemeral containers. */
export function validatePodTemplateSpec(template: JsonObject | undefined, path: string, claimVolumes: string[] = []): FieldError[] {
  if (!isObject(template)) return [required(path)];
  const meta = objectAt(template, 'metadata');
  const spec = objectAt(template, 'spec');
  const errs = [
    ...validateLabels(stringMapAt(meta, 'labels'), `${path}.labels`),
    ...validateAnnotations(stringMapAt(meta, 'annotations'), `${path}.annotations`),
    ...validatePodSpec(spec, `${path}.spec`, claimVolumes),
  ];
  if (arrayAt(spec, 'ephemeralContainers').length > 0) {
    errs.push(forbidden(`${path}.spec.ephemeralContainers`, 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}
