// Protobuf request bodies as client-go builds them: objects encoded with the
// schema of the local kubectl (by protobufjs, independently of PodLab's
// decoder) and wrapped in the `k8s\0` runtime.Unknown envelope, then decoded
// to the JSON Kubernetes serves.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { StatusError } from '../../main/apiserver/errors.ts';
import { decodeBody } from '../../main/apiserver/http/body.ts';
import { kubectlDescriptors } from '../../main/apiserver/protobuf/descriptorSource.ts';
import { decodeKubernetesProtobuf, ProtobufDecodeError, ProtobufSchemaUnavailableError } from '../../main/apiserver/protobuf/decode.ts';
import { formatGoDuration } from '../../main/apiserver/protobuf/jsonForms.ts';

const protobufType = 'application/vnd.kubernetes.protobuf';

function kubectlRoot(): protobuf.Root | undefined {
  try {
    const files = kubectlDescriptors().files.map((f) => descriptor.FileDescriptorProto.decode(f.descriptor));
    const fromDescriptor = (protobuf.Root as unknown as { fromDescriptor(set: unknown): protobuf.Root }).fromDescriptor;
    return fromDescriptor(descriptor.FileDescriptorSet.create({ file: files }));
  } catch (err) {
    if (err instanceof ProtobufSchemaUnavailableError) return undefined;
    throw err;
  }
}

const root = kubectlRoot();
const skip = root ? false : 'no kubectl binary to read the Kubernetes protobuf schema from';

function packageOf(apiVersion: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['core', apiVersion];
  return group === 'metrics.k8s.io' ? `k8s.io.metrics.pkg.apis.metrics.${version}` : `k8s.io.api.${group.split('.')[0]}.${version}`;
}

function encode(typeName: string, object: Record<string, unknown>): Uint8Array {
  const type = root!.lookupType(typeName);
  return type.encode(type.fromObject(object)).finish();
}

/** What client-go's protobuf serializer writes for an object. */
function kubernetesProtobuf(apiVersion: string, kind: string, object: Record<string, unknown>): Buffer {
  const raw = encode(`${packageOf(apiVersion)}.${kind}`, object);
  const envelope = encode('k8s.io.apimachinery.pkg.runtime.Unknown', { typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' });
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), envelope]);
}

const seconds = (iso: string) => Date.parse(iso) / 1000;

/** A map field as it is on the wire, and as protobufjs' descriptor-built types take it: repeated key/value entries. */
const map = (entries: Record<string, unknown>) => Object.entries(entries).map(([key, value]) => ({ key, value }));

describe('decodeKubernetesProtobuf', { skip }, () => {
  it('decodes a Namespace as kubectl create namespace sends it', () => {
    // Non-pointer Go fields are always on the wire; their zero values are not in Kubernetes' JSON.
    const body = kubernetesProtobuf('v1', 'Namespace', {
      metadata: { name: 'demo', generateName: '', namespace: '', uid: '', resourceVersion: '', generation: 0, creationTimestamp: {} },
      spec: {},
      status: { phase: '' },
    });
    assert.deepEqual(decodeKubernetesProtobuf(body), {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'demo', creationTimestamp: null },
      spec: {},
      status: {},
    });
  });

  it('decodes a ConfigMap: string and bytes maps, and a pointer bool that is false', () => {
    const body = kubernetesProtobuf('v1', 'ConfigMap', {
      metadata: { name: 'c', namespace: 'demo', labels: map({ app: 'web' }) },
      data: map({ a: 'b', empty: '' }),
      binaryData: map({ blob: Buffer.from([0, 1, 2]) }),
      immutable: false,
    });
    assert.deepEqual(decodeKubernetesProtobuf(body), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'demo', labels: { app: 'web' } },
      data: { a: 'b', empty: '' },
      binaryData: { blob: 'AAEC' },
      immutable: false,
    });
  });

  it('decodes a Secret: bytes values as base64', () => {
    const body = kubernetesProtobuf('v1', 'Secret', {
      metadata: { name: 's', namespace: 'demo' },
      data: map({ p: Buffer.from('q'), tls: Buffer.from('-----BEGIN-----\n') }),
      stringData: map({ plain: 'text' }),
      type: 'Opaque',
    });
    assert.deepEqual(decodeKubernetesProtobuf(body), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'demo' },
      data: { p: 'cQ==', tls: Buffer.from('-----BEGIN-----\n').toString('base64') },
      stringData: { plain: 'text' },
      type: 'Opaque',
    });
  });

  it('decodes a Deployment: replicas 0 kept, Quantities and IntOrStrings in their JSON form', () => {
    const body = kubernetesProtobuf('apps/v1', 'Deployment', {
      metadata: { name: 'web', namespace: 'demo', creationTimestamp: {} },
      spec: {
        replicas: 0,
        minReadySeconds: 0,
        paused: false,
        selector: { matchLabels: map({ app: 'web' }) },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: { type: 1, strVal: '25%' }, maxUnavailable: { type: 0, intVal: 0 } } },
        template: {
          metadata: { labels: map({ app: 'web' }), creationTimestamp: {} },
          spec: {
            containers: [
              {
                name: 'web',
                image: 'busybox',
                command: ['httpd', '-f'],
                ports: [{ name: 'http', containerPort: 8080, hostPort: 0, protocol: 'TCP', hostIP: '' }],
                resources: { limits: map({ cpu: { string: '500m' }, memory: { string: '128Mi' } }), requests: map({ cpu: { string: '100m' } }) },
                stdin: false,
                tty: false,
              },
            ],
            restartPolicy: '',
            terminationGracePeriodSeconds: 0,
          },
        },
      },
      status: {},
    });
    assert.deepEqual(decodeKubernetesProtobuf(body), {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'demo', creationTimestamp: null },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' }, creationTimestamp: null },
          spec: {
            containers: [
              {
                name: 'web',
                image: 'busybox',
                command: ['httpd', '-f'],
                ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
                resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m' } },
              },
            ],
            terminationGracePeriodSeconds: 0,
          },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
      },
      status: {},
    });
  });

  it('decodes a Service: targetPort by name and by number', () => {
    const body = kubernetesProtobuf('v1', 'Service', {
      metadata: { name: 'web', namespace: 'demo' },
      spec: {
        ports: [
          { name: 'http', protocol: 'TCP', port: 80, targetPort: { type: 1, strVal: 'http' }, nodePort: 0 },
          { name: 'alt', protocol: 'TCP', port: 8080, targetPort: { type: 0, intVal: 9090 }, nodePort: 0 },
        ],
        selector: map({ app: 'web' }),
        clusterIP: '',
        type: 'ClusterIP',
      },
    });
    assert.deepEqual(decodeKubernetesProtobuf(body), {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'demo' },
      spec: {
        ports: [
          { name: 'http', protocol: 'TCP', port: 80, targetPort: 'http' },
          { name: 'alt', protocol: 'TCP', port: 8080, targetPort: 9090 },
        ],
        selector: { app: 'web' },
        type: 'ClusterIP',
      },
    });
  });

  it('writes metav1.Time as RFC 3339 in whole seconds and MicroTime with microseconds', () => {
    const time = kubernetesProtobuf('v1', 'Pod', {
      metadata: { name: 'p', creationTimestamp: { seconds: seconds('2026-11-24T11:40:00Z'), nanos: 500_000_000 }, deletionTimestamp: { seconds: seconds('2026-11-24T12:00:05Z') } },
    });
    assert.deepEqual((decodeKubernetesProtobuf(time) as { metadata: unknown }).metadata, {
      name: 'p',
      creationTimestamp: '2026-11-24T11:40:00Z',
      deletionTimestamp: '2026-11-24T12:00:05Z',
    });
    const micro = kubernetesProtobuf('coordination.k8s.io/v1', 'Lease', {
      metadata: { name: 'l' },
      spec: { holderIdentity: 'me', leaseDurationSeconds: 15, renewTime: { seconds: seconds('2026-11-24T11:40:00Z'), nanos: 123_456_789 } },
    });
    assert.deepEqual((decodeKubernetesProtobuf(micro) as { spec: unknown }).spec, {
      holderIdentity: 'me',
      leaseDurationSeconds: 15,
      renewTime: '2026-11-24T11:40:00.123456Z',
    });
  });

  it('treats the Unix seconds of Go zero time as the zero time', () => {
    const body = kubernetesProtobuf('v1', 'Namespace', { metadata: { name: 'old', creationTimestamp: { seconds: -62135596800 } } });
    assert.deepEqual((decodeKubernetesProtobuf(body) as { metadata: unknown }).metadata, { name: 'old', creationTimestamp: null });
  });

  it('writes metav1.Duration the way Go prints a time.Duration', () => {
    const body = kubernetesProtobuf('metrics.k8s.io/v1beta1', 'PodMetrics', {
      metadata: { name: 'p' },
      timestamp: { seconds: seconds('2026-11-24T11:40:00Z') },
      window: { duration: 90_000_000_000 },
    });
    assert.deepEqual(decodeKubernetesProtobuf(body), {
      apiVersion: 'metrics.k8s.io/v1beta1',
      kind: 'PodMetrics',
      metadata: { name: 'p' },
      timestamp: '2026-11-24T11:40:00Z',
      window: '1m30s',
    });
    assert.equal(formatGoDuration(0n), '0s');
    assert.equal(formatGoDuration(3_600_000_000_000n), '1h0m0s');
    assert.equal(formatGoDuration(1_500_000_000n), '1.5s');
    assert.equal(formatGoDuration(1_500_000n), '1.5ms');
    assert.equal(formatGoDuration(2_000n), '2µs');
    assert.equal(formatGoDuration(-42n), '-42ns');
  });

  it('merges Go inline structs into their parent: volume sources, probe handlers, object references', () => {
    const body = kubernetesProtobuf('v1', 'Pod', {
      metadata: { name: 'p' },
      spec: {
        volumes: [{ name: 'cfg', volumeSource: { configMap: { localObjectReference: { name: 'c' }, defaultMode: 420, optional: false } } }],
        containers: [
          {
            name: 'app',
            image: 'busybox',
            livenessProbe: { handler: { httpGet: { path: '/healthz', port: { type: 1, strVal: 'http' } } }, periodSeconds: 5 },
            env: [{ name: 'KEY', valueFrom: { secretKeyRef: { localObjectReference: { name: 's' }, key: 'p' } } }],
          },
        ],
      },
    });
    const spec = (decodeKubernetesProtobuf(body) as { spec: unknown }).spec;
    assert.deepEqual(spec, {
      volumes: [{ name: 'cfg', configMap: { name: 'c', defaultMode: 420, optional: false } }],
      containers: [
        {
          name: 'app',
          image: 'busybox',
          env: [{ name: 'KEY', valueFrom: { secretKeyRef: { name: 's', key: 'p' } } }],
          livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
        },
      ],
    });
  });

  it('parses RawExtension and FieldsV1 JSON, and unwraps ExtraValue lists', () => {
    const revision = kubernetesProtobuf('apps/v1', 'ControllerRevision', {
      metadata: {
        name: 'r',
        managedFields: [{ manager: 'kubectl', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { Raw: Buffer.from('{"f:data":{}}') } }],
      },
      data: { raw: Buffer.from('{"spec":{"replicas":1}}') },
      revision: 3,
    });
    assert.deepEqual(decodeKubernetesProtobuf(revision), {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name: 'r', managedFields: [{ manager: 'kubectl', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } }] },
      data: { spec: { replicas: 1 } },
      revision: 3,
    });
    const review = kubernetesProtobuf('authorization.k8s.io/v1', 'SubjectAccessReview', {
      metadata: {},
      spec: { user: 'alice', groups: ['dev'], extra: map({ scopes: { items: ['a', 'b'] } }), resourceAttributes: { verb: 'create', resource: 'pods', namespace: 'demo' } },
      status: { allowed: false },
    });
    assert.deepEqual(decodeKubernetesProtobuf(review), {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      metadata: {},
      spec: { resourceAttributes: { namespace: 'demo', verb: 'create', resource: 'pods' }, user: 'alice', groups: ['dev'], extra: { scopes: ['a', 'b'] } },
      status: {},
    });
  });

  it('uses the JSON names of fields whose proto names kept their Go spelling', () => {
    const body = kubernetesProtobuf('admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicy', {
      metadata: { name: 'v' },
      spec: { validations: [{ Expression: 'object.spec.replicas < 5', message: 'too many' }], variables: [{ Name: 'r', Expression: 'object.spec.replicas' }] },
    });
    assert.deepEqual((decodeKubernetesProtobuf(body) as { spec: unknown }).spec, {
      validations: [{ expression: 'object.spec.replicas < 5', message: 'too many' }],
      variables: [{ name: 'r', expression: 'object.spec.replicas' }],
    });
    const node = kubernetesProtobuf('v1', 'Node', { metadata: { name: 'n' }, status: { daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } } });
    assert.deepEqual((decodeKubernetesProtobuf(node) as { status: unknown }).status, { daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } });
  });

  it('decodes the option types every group version registers, such as an Eviction with DeleteOptions', () => {
    const body = kubernetesProtobuf('policy/v1', 'Eviction', { metadata: { name: 'p', namespace: 'demo' }, deleteOptions: { gracePeriodSeconds: 0, dryRun: ['All'] } });
    assert.deepEqual(decodeKubernetesProtobuf(body), {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'p', namespace: 'demo' },
      deleteOptions: { gracePeriodSeconds: 0, dryRun: ['All'] },
    });
    const raw = encode('k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions', { propagationPolicy: 'Foreground' });
    const envelope = encode('k8s.io.apimachinery.pkg.runtime.Unknown', { typeMeta: { apiVersion: 'apps/v1', kind: 'DeleteOptions' }, raw });
    assert.deepEqual(decodeKubernetesProtobuf(Buffer.concat([Buffer.from('k8s\0', 'latin1'), envelope])), {
      apiVersion: 'apps/v1',
      kind: 'DeleteOptions',
      propagationPolicy: 'Foreground',
    });
  });

  it('skips fields this kubectl does not know and reads packed repeated numbers', () => {
    const known = encode('k8s.io.api.core.v1.PodSecurityContext', { runAsUser: 1000 });
    const writer = protobuf.Writer.create();
    writer.bytes(known);
    const extra = protobuf.Writer.create().uint32((999 << 3) | 2).string('from a newer client');
    const groups = protobuf.Writer.create().uint32((4 << 3) | 2).fork().int64(5).int64(6).ldelim();
    const securityContext = Buffer.concat([known, extra.finish(), groups.finish()]);
    const spec = protobuf.Writer.create().uint32((14 << 3) | 2).bytes(securityContext).finish();
    const pod = protobuf.Writer.create().uint32((2 << 3) | 2).bytes(spec).finish();
    const envelope = encode('k8s.io.apimachinery.pkg.runtime.Unknown', { typeMeta: { apiVersion: 'v1', kind: 'Pod' }, raw: pod });
    const decoded = decodeKubernetesProtobuf(Buffer.concat([Buffer.from('k8s\0', 'latin1'), envelope])) as { spec: unknown };
    assert.deepEqual(decoded.spec, { securityContext: { runAsUser: 1000, supplementalGroups: [5, 6] } });
  });

  it('rejects bodies that are not Kubernetes protobuf', () => {
    assert.throws(() => decodeKubernetesProtobuf(Buffer.from('{"kind":"Namespace"}')), {
      name: 'ProtobufDecodeError',
      message: 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
    });
    const body = kubernetesProtobuf('v1', 'ConfigMap', { metadata: { name: 'c' }, data: map({ a: 'b' }) });
    assert.throws(() => decodeKubernetesProtobuf(body.subarray(0, body.length - 3)), (err) => err instanceof ProtobufDecodeError && /not valid Kubernetes protobuf/.test(err.message));
    const unknownKind = encode('k8s.io.apimachinery.pkg.runtime.Unknown', { typeMeta: { apiVersion: 'example.com/v1', kind: 'Widget' }, raw: new Uint8Array(0) });
    assert.throws(() => decodeKubernetesProtobuf(Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknownKind])), {
      name: 'ProtobufDecodeError',
      message: /^no kind "Widget" is registered for version "example.com\/v1"/,
    });
  });
});

describe('decodeBody with Content-Type application/vnd.kubernetes.protobuf', { skip }, () => {
  it('returns the decoded object', () => {
    const body = kubernetesProtobuf('v1', 'ServiceAccount', { metadata: { name: 'sa', namespace: 'demo' } });
    assert.deepEqual(decodeBody(body, protobufType), { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa', namespace: 'demo' } });
  });

  it('answers a malformed body with 400 BadRequest', () => {
    assert.throws(
      () => decodeBody(Buffer.from('not protobuf'), protobufType),
      (err) => err instanceof StatusError && err.code === 400 && err.status.reason === 'BadRequest' && /expected prefix/.test(err.message),
    );
  });
});

describe('decodeBody without a kubectl binary', () => {
  it('answers 415 UnsupportedMediaType and asks for JSON', (t) => {
    const empty = mkdtempSync(join(tmpdir(), 'podlab-nokubectl-'));
    const saved = { PATH: process.env.PATH, PODLAB_KUBECTL: process.env.PODLAB_KUBECTL, KUBECTL: process.env.KUBECTL };
    t.after(() => {
      for (const [key, value] of Object.entries(saved)) if (value === undefined) delete process.env[key];
      else process.env[key] = value;
      rmSync(empty, { recursive: true, force: true });
    });
    process.env.PATH = empty;
    delete process.env.PODLAB_KUBECTL;
    delete process.env.KUBECTL;
    assert.throws(
      () => decodeBody(Buffer.from('k8s\0\n\x00', 'latin1'), protobufType),
      (err) =>
        err instanceof StatusError &&
        err.code === 415 &&
        err.status.reason === 'UnsupportedMediaType' &&
        err.message ===
          'PodLab decodes protobuf request bodies with the schema embedded in kubectl, and no kubectl binary was found on PATH; send JSON (Content-Type: application/json) instead',
    );
  });
});
