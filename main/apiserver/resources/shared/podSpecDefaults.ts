// SetDefaults_PodSpec, SetDefaults_Container and their neighbours from
// pkg/apis/core/v1/defaults.go, for pods and for the pod templates of
// workloads. Quantities are rewritten in canonical form, as Kubernetes
// stores them ("0.5" comes back as "500m").

import { canonicalQuantity } from '../../../kube/quantity.ts';
import { ensureObject, isObject, objectAt, objectsAt, setDefault, stringAt, type JsonObject } from './json.ts';

/** parsers.ParseImageName's tag: "latest" when the image names neither a tag nor a digest. */
export function imageTag(image: string): string {
  const [name, digest] = image.split('@', 2);
  const lastSlash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > lastSlash) return name.slice(colon + 1);
  return digest ? '' : 'latest';
}

export function defaultPullPolicy(image: string): string {
  return imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultHandler(handler: JsonObject | undefined): void {
  const httpGet = objectAt(handler, 'httpGet');
  if (httpGet) {
    setDefault(httpGet, 'path', '/');
    setDefault(httpGet, 'scheme', 'HTTP');
  }
}

function defaultProbe(probe: JsonObject | undefined): void {
  if (!probe) return;
  setDefault(probe, 'timeoutSeconds', 1);
  setDefault(probe, 'periodSeconds', 10);
  setDefault(probe, 'successThreshold', 1);
  setDefault(probe, 'failureThreshold', 3);
  defaultHandler(probe);
}

function canonicalizeResourceList(list: JsonObject | undefined): void {
  if (!list) return;
  for (const [name, value] of Object.entries(list)) {
    if (typeof value === 'string') list[name] = canonicalQuantity(value);
    else if (typeof value === 'number') list[name] = canonicalQuantity(String(value));
  }
}

export function defaultContainer(container: JsonObject): void {
  setDefault(container, 'imagePullPolicy', defaultPullPolicy(stringAt(container, 'image')));
  setDefault(container, 'terminationMessagePath', '/dev/termination-log');
  setDefault(container, 'terminationMessagePolicy', 'File');
  for (const port of objectsAt(container, 'ports')) setDefault(port, 'protocol', 'TCP');
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(objectAt(container, probe));
  const lifecycle = objectAt(container, 'lifecycle');
  defaultHandler(objectAt(lifecycle, 'postStart'));
  defaultHandler(objectAt(lifecycle, 'preStop'));
  for (const env of objectsAt(container, 'env')) {
    const fieldRef = objectAt(objectAt(env, 'valueFrom'), 'fieldRef');
    if (fieldRef) setDefault(fieldRef, 'apiVersion', 'v1');
  }
  const resources = ensureObject(container, 'resources');
  canonicalizeResourceList(objectAt(resources, 'limits'));
  canonicalizeResourceList(objectAt(resources, 'requests'));
}

const volumeSourceKeys = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi',
  'ephemeral', 'image',
];

/** The volume source fields a volume sets. */
export function volumeSources(volume: JsonObject): string[] {
  return volumeSourceKeys.filter((k) => volume[k] !== undefined && volume[k] !== null);
}

function defaultVolume(volume: JsonObject): void {
  // A volume with no source is an emptyDir (SetDefaults_Volume).
  if (volumeSources(volume).length === 0) volume.emptyDir = {};
  const emptyDir = objectAt(volume, 'emptyDir');
  if (emptyDir && typeof emptyDir.sizeLimit === 'string') emptyDir.sizeLimit = canonicalQuantity(emptyDir.sizeLimit);
  for (const key of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const source = objectAt(volume, key);
    if (source) setDefault(source, 'defaultMode', 0o644);
  }
  const hostPath = objectAt(volume, 'hostPath');
  if (hostPath && hostPath.type === undefined) hostPath.type = '';
}

/** The tolerations the DefaultTolerationSeconds admission plugin adds to every pod. */
function addDefaultTolerations(spec: JsonObject): void {
  const tolerations = Array.isArray(spec.tolerations) ? (spec.tolerations as unknown[]) : [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    const tolerates = tolerations.some(
      (t) => isObject(t) && (t.effect === 'NoExecute' || !t.effect) && (t.key === key || !t.key),
    );
    if (!tolerates) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  spec.tolerations = tolerations;
}

/**
 * Defaults for a pod spec. `forPod` adds what Kubernetes sets only on Pods and not on templates:
 * enableServiceLinks, requests copied from limits, the default service account (the ServiceAccount
 * admission plugin) and the not-ready/unreachable tolerations (DefaultTolerationSeconds).
 */
export function defaultPodSpec(spec: JsonObject, forPod: boolean): void {
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'restartPolicy', 'Always');
  ensureObject(spec, 'securityContext');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'schedulerName', 'default-scheduler');
  for (const key of ['containers', 'initContainers', 'ephemeralContainers']) for (const c of objectsAt(spec, key)) defaultContainer(c);
  for (const volume of objectsAt(spec, 'volumes')) defaultVolume(volume);
  if (!forPod) return;

  if (spec.enableServiceLinks === undefined || spec.enableServiceLinks === null) spec.enableServiceLinks = true;
  for (const key of ['containers', 'initContainers']) {
    for (const c of objectsAt(spec, key)) {
      const resources = ensureObject(c, 'resources');
      const limits = objectAt(resources, 'limits');
      if (!limits) continue;
      const requests = ensureObject(resources, 'requests');
      for (const [name, value] of Object.entries(limits)) if (requests[name] === undefined) requests[name] = value;
    }
  }
  if (spec.hostNetwork === true) {
    for (const key of ['containers', 'initContainers']) {
      for (const c of objectsAt(spec, key)) for (const port of objectsAt(c, 'ports')) setDefault(port, 'hostPort', port.containerPort);
    }
  }
  // The deprecated serviceAccount field mirrors serviceAccountName in v1.
  const serviceAccountName = stringAt(spec, 'serviceAccountName') || stringAt(spec, 'serviceAccount') || 'default';
  spec.serviceAccountName = serviceAccountName;
  spec.serviceAccount = serviceAccountName;
  addDefaultTolerations(spec);
}
