// Images on the real Docker engine. No registry is reachable from these
// machines, so the test serves a tiny one (the registry v2 API, one image
// with one layer) on 127.0.0.1: Docker treats loopback registries as
// insecure and talks plain HTTP to them. Pulled images carry podlab.test=1.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import Docker from 'dockerode';
import { DockerRuntime } from '../../main/runtime/docker/dockerRuntime.ts';
import { ImagePullError, type PullProgress } from '../../main/runtime/runtime.ts';
import { NODE, createDockerFixture, type DockerFixture } from './runtime-docker-fixture.ts';

const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const CREDENTIALS = { username: 'podlab', password: randomBytes(8).toString('hex') };

interface Blob {
  type: string;
  data: Buffer;
}

/**
 * A registry holding `podlab-test/tiny:1`. With `requireAuth` every request
 * needs basic auth, /v2/ included: that is where Docker learns the challenge.
 */
function startRegistry(requireAuth = false): Promise<{ server: Server; host: string }> {
  const work = mkdtempSync(join(tmpdir(), 'podlab-layer-'));
  writeFileSync(join(work, 'hello.txt'), 'hello from a pulled layer\n');
  const tar = spawnSync('tar', ['-C', work, '--owner=0', '--group=0', '-cf', '-', 'hello.txt']).stdout;
  rmSync(work, { recursive: true, force: true });
  const layer = gzipSync(tar);
  const config = Buffer.from(
    JSON.stringify({
      architecture: process.arch === 'arm64' ? 'arm64' : 'amd64',
      os: 'linux',
      config: { Labels: { 'podlab.test': '1' }, Cmd: ['/hello.txt'] },
      rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: config.length, digest: sha256(config) },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: layer.length, digest: sha256(layer) }],
    }),
  );
  const blobs = new Map<string, Blob>([
    [sha256(config), { type: 'application/octet-stream', data: config }],
    [sha256(layer), { type: 'application/octet-stream', data: layer }],
  ]);
  const basic = `Basic ${Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString('base64')}`;

  const server = createServer((request, response) => {
    const url = request.url ?? '';
    const send = (status: number, blob?: Blob, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'Docker-Distribution-API-Version': 'registry/2.0', ...(blob ? { 'Content-Type': blob.type, 'Content-Length': String(blob.data.length) } : {}), ...headers });
      response.end(request.method === 'HEAD' ? undefined : blob?.data);
    };
    const error = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
      send(status, { type: 'application/json', data: Buffer.from(JSON.stringify({ errors: [{ code, message }] })) }, headers);

    if (requireAuth && request.headers.authorization !== basic) {
      return error(401, 'UNAUTHORIZED', 'authentication required', { 'WWW-Authenticate': 'Basic realm="podlab-test"' });
    }
    if (url === '/v2/' || url === '/v2') return send(200, { type: 'application/json', data: Buffer.from('{}') });
    const match = url.match(/^\/v2\/podlab-test\/tiny\/(manifests|blobs)\/(.+)$/);
    if (!match) return error(404, 'NAME_UNKNOWN', 'repository name not known to registry');
    const [, kind, reference] = match;
    if (kind === 'manifests') {
      if (reference !== '1' && reference !== sha256(manifest)) return error(404, 'MANIFEST_UNKNOWN', 'manifest unknown');
      return send(200, { type: 'application/vnd.docker.distribution.manifest.v2+json', data: manifest }, { 'Docker-Content-Digest': sha256(manifest) });
    }
    const blob = blobs.get(reference!);
    return blob ? send(200, blob) : error(404, 'BLOB_UNKNOWN', 'blob unknown to registry');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, host: `127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

describe('Docker runtime: images', () => {
  let fixture: DockerFixture;
  let registry: { server: Server; host: string };
  let privateRegistry: { server: Server; host: string };
  before(async () => {
    fixture = await createDockerFixture();
    registry = await startRegistry();
    privateRegistry = await startRegistry(true);
  });
  after(async () => {
    for (const started of [registry, privateRegistry]) {
      if (!started) continue;
      await fixture?.runtime.removeImage(`${started.host}/podlab-test/tiny:1`).catch(() => {});
      started.server.close();
    }
    await fixture?.cleanup();
  });

  test('pull reports per-layer progress, then the image is present and listed', async () => {
    const image = `${registry.host}/podlab-test/tiny:1`;
    const progress: PullProgress[] = [];
    const id = await fixture.runtime.pullImage(image, { onProgress: (p) => progress.push(p) });
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    const statuses = progress.map((p) => p.status);
    assert.ok(statuses.includes('Pull complete'), `statuses: ${statuses.join(' | ')}`);
    assert.ok(progress.some((p) => p.id && p.total !== undefined), 'some progress carries a layer id and a size');

    const status = await fixture.runtime.imageStatus(image);
    assert.equal(status?.id, id);
    assert.ok(status?.repoTags.includes(image));
    assert.ok((await fixture.runtime.listImages()).some((i) => i.id === id));
  });

  test('pull of a tag the registry does not have fails with ImagePullError (notFound) and Docker message', async () => {
    const image = `${registry.host}/podlab-test/tiny:missing`;
    await assert.rejects(fixture.runtime.pullImage(image), (error: unknown) => {
      assert.ok(error instanceof ImagePullError, `${error}`);
      assert.equal(error.image, image);
      assert.equal(error.notFound, true);
      assert.match(error.message, /manifest unknown/);
      assert.ok(error.message.includes(image), error.message);
      return true;
    });
  });

  test('pull from a registry that does not answer fails with ImagePullError (not notFound)', async () => {
    const closed = createServer();
    const port = await new Promise<number>((resolve) => closed.listen(0, '127.0.0.1', () => resolve((closed.address() as AddressInfo).port)));
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(fixture.runtime.pullImage(`127.0.0.1:${port}/podlab-test/tiny:1`), (error: unknown) => {
      assert.ok(error instanceof ImagePullError, `${error}`);
      assert.equal(error.notFound, false);
      assert.match(error.message, /connection refused/);
      return true;
    });
  });

  test('pull with credentials: refused without them, accepted with them', async () => {
    const image = `${privateRegistry.host}/podlab-test/tiny:1`;
    await assert.rejects(fixture.runtime.pullImage(image), ImagePullError);
    const id = await fixture.runtime.pullImage(image, { auth: { ...CREDENTIALS, serverAddress: privateRegistry.host } });
    assert.equal((await fixture.runtime.imageStatus(image))?.id, id);
  });

  test('imageStatus of an absent image is undefined; removeImage is idempotent', async () => {
    const image = `${registry.host}/podlab-test/tiny:1`;
    await fixture.runtime.pullImage(image);
    await fixture.runtime.removeImage(image);
    assert.equal(await fixture.runtime.imageStatus(image), undefined);
    await fixture.runtime.removeImage(image);
  });

  test('the locally imported default images are present: busybox and the pause image', async () => {
    const busybox = await fixture.runtime.imageStatus('busybox');
    assert.ok(busybox?.repoTags.includes('busybox:latest'), 'run `npm run test:setup`');
    const pause = await fixture.runtime.imageStatus('registry.k8s.io/pause:3.10');
    assert.equal(pause?.user, '65535:65535');
  });

  test('an engine that does not answer is an EngineUnavailableError, for every call', async () => {
    const unreachable = new DockerRuntime({ cluster: fixture.cluster, node: NODE, docker: new Docker({ socketPath: '/nonexistent/podlab-test.sock' }) });
    await assert.rejects(unreachable.version(), { name: 'EngineUnavailableError' });
    await assert.rejects(unreachable.listPodSandboxes(), { name: 'EngineUnavailableError' });
    await assert.rejects(unreachable.pullImage('busybox:latest'), { name: 'EngineUnavailableError' });
    await assert.rejects(unreachable.runPodSandbox(fixture.pod('never')), (error: Error) => error.name === 'EngineUnavailableError' && /does not answer/.test(error.message));
  });
});
