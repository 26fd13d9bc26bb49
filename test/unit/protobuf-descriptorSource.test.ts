// Finding kubectl and the FileDescriptorProtos gzipped inside it: on synthetic
// "binaries" for the scanner's edge cases, and on the real kubectl.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { kubectlDescriptors, locateKubectl, scanEmbeddedProtoFiles, scanWindowBytes } from '../../main/apiserver/protobuf/descriptorSource.ts';

const dir = mkdtempSync(join(tmpdir(), 'podlab-descriptors-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A gzipped FileDescriptorProto, as Go's proto.RegisterFile embeds it. */
function embedded(name: string, pkg: string): Buffer {
  return gzipSync(descriptor.FileDescriptorProto.encode({ name, package: pkg, messageType: [{ name: 'Thing' }] }).finish());
}

function binary(file: string, parts: Buffer[]): string {
  const path = join(dir, file);
  writeFileSync(path, Buffer.concat(parts), { mode: 0o755 });
  return path;
}

let realKubectl: string | undefined;
try {
  realKubectl = locateKubectl();
} catch {
  realKubectl = undefined;
}

describe('scanEmbeddedProtoFiles', () => {
  it('finds gzipped descriptors among other bytes, including other gzipped data', () => {
    const path = binary('small', [
      Buffer.from('ELF and code'),
      embedded('k8s.io/api/demo/v1/generated.proto', 'k8s.io.api.demo.v1'),
      Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xff]), // a header with no deflate stream behind it
      gzipSync('{"openapi": "3.0"}'),
      embedded('k8s.io/api/other/v1/generated.proto', 'k8s.io.api.other.v1'),
      embedded('k8s.io/api/demo/v1/generated.proto', 'k8s.io.api.demo.v1'),
    ]);
    const files = scanEmbeddedProtoFiles(path);
    assert.deepEqual(
      files.map((f) => [f.name, f.package]),
      [
        ['k8s.io/api/demo/v1/generated.proto', 'k8s.io.api.demo.v1'],
        ['k8s.io/api/other/v1/generated.proto', 'k8s.io.api.other.v1'],
      ],
    );
    const decoded = descriptor.FileDescriptorProto.decode(files[0].descriptor) as unknown as { name: string; messageType: Array<{ name: string }> };
    assert.deepEqual([decoded.name, decoded.messageType[0].name], ['k8s.io/api/demo/v1/generated.proto', 'Thing']);
  });

  it('finds a descriptor that straddles the boundary between read windows', () => {
    const member = embedded('k8s.io/api/edge/v1/generated.proto', 'k8s.io.api.edge.v1');
    const path = binary('large', [Buffer.alloc(scanWindowBytes - 5), member, Buffer.alloc(1024)]);
    assert.deepEqual(
      scanEmbeddedProtoFiles(path).map((f) => f.name),
      ['k8s.io/api/edge/v1/generated.proto'],
    );
  });
});

describe('locateKubectl', () => {
  const bin = binary('kubectl', [Buffer.from('#!/bin/sh\n')]);
  const other = binary('kubectl.1.31', [Buffer.from('#!/bin/sh\n')]);

  it('prefers $PODLAB_KUBECTL, then $KUBECTL (a path or a name on PATH), then kubectl on PATH', () => {
    assert.equal(locateKubectl({ PODLAB_KUBECTL: other, KUBECTL: bin, PATH: dir }), other);
    assert.equal(locateKubectl({ KUBECTL: 'kubectl.1.31', PATH: dir }), other);
    assert.equal(locateKubectl({ PATH: ['/nonexistent', dir].join(delimiter) }), bin);
  });

  it('says how to get on without a kubectl', () => {
    assert.throws(() => locateKubectl({ PATH: '/nonexistent' }), {
      name: 'ProtobufSchemaUnavailableError',
      message:
        'PodLab decodes protobuf request bodies with the schema embedded in kubectl, and no kubectl binary was found on PATH; send JSON (Content-Type: application/json) instead',
    });
    assert.throws(() => locateKubectl({ PODLAB_KUBECTL: join(dir, 'missing'), PATH: dir }), {
      name: 'ProtobufSchemaUnavailableError',
      message: /PODLAB_KUBECTL=.*missing is not a kubectl binary; send JSON/,
    });
  });
});

describe('kubectlDescriptors', () => {
  it('scans a binary once, and again when it changes', () => {
    const path = binary('cached-kubectl', [embedded('k8s.io/api/a/v1/generated.proto', 'k8s.io.api.a.v1')]);
    const env = { PODLAB_KUBECTL: path };
    const first = kubectlDescriptors(env);
    assert.equal(kubectlDescriptors(env), first);
    binary('cached-kubectl', [embedded('k8s.io/api/a/v1/generated.proto', 'k8s.io.api.a.v1'), embedded('k8s.io/api/b/v1/generated.proto', 'k8s.io.api.b.v1')]);
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    assert.deepEqual(
      kubectlDescriptors(env).files.map((f) => f.name),
      ['k8s.io/api/a/v1/generated.proto', 'k8s.io/api/b/v1/generated.proto'],
    );
  });

  it('refuses a binary without a schema', () => {
    const path = binary('not-kubectl', [Buffer.from('just a shell script')]);
    assert.throws(() => kubectlDescriptors({ PODLAB_KUBECTL: path }), {
      name: 'ProtobufSchemaUnavailableError',
      message: /not-kubectl holds no Kubernetes protobuf schema; send JSON/,
    });
  });

  it('reads every generated.proto of k8s.io/api and apimachinery from the real kubectl', { skip: realKubectl ? false : 'no kubectl on PATH' }, (t) => {
    const found = kubectlDescriptors();
    t.diagnostic(`${found.binary}: ${found.files.length} descriptors in ${found.scanMillis.toFixed(1)} ms`);
    const names = found.files.map((f) => f.name);
    for (const name of [
      'k8s.io/api/core/v1/generated.proto',
      'k8s.io/api/apps/v1/generated.proto',
      'k8s.io/api/rbac/v1/generated.proto',
      'k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto',
      'k8s.io/apimachinery/pkg/runtime/generated.proto',
      'k8s.io/apimachinery/pkg/api/resource/generated.proto',
      'k8s.io/apimachinery/pkg/util/intstr/generated.proto',
    ]) {
      assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
    }
    assert.ok(found.files.length >= 60, `${found.files.length} descriptors`);
  });
});
