// The bridge contract, checked at the type level (the assertions below fail
// `tsc` when the contract and its users drift apart) and at run time (the
// main side answers every call the contract names).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BridgeCalls, CallName, CallRequest, CallResponse, ClusterStatus, Envelope, KubeList, KubeObject, PodlabTransport, WatchEvent } from '../../preload/api.ts';
import { callNames, eventNames, isCallName } from '../../preload/api.ts';
import { BridgeSession } from '../../main/ui/bridgeSession.ts';
import { SampleLibrary } from '../../main/ui/samples.ts';
import { SettingsStore } from '../../main/ui/settingsStore.ts';
import { StatusBoard } from '../../main/ui/statusBoard.ts';
import type { UiHost } from '../../main/ui/uiHost.ts';
import { unavailablePodStreams } from '../../main/ui/podStreams.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';
import { catalogKindResolver } from '../../main/ui/apply/kindResolver.ts';
import { adminUser } from '../../main/apiserver/auth/user.ts';
import { after, before } from 'node:test';
import { appPaths } from '../../main/appPaths.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { NodeManager } from '../../main/cluster/nodes/nodeManager.ts';
import { RegistryCredentials } from '../../main/cluster/registryCredentials.ts';
import { join } from 'node:path';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_value?: T): void {}

// The runtime list of calls is exactly the contract's keys.
assertType<Equal<(typeof callNames)[number], CallName>>();
assertType<Equal<(typeof eventNames)[number], keyof import('../../preload/api.ts').BridgeEvents>>();
// Requests and responses are what the views rely on.
assertType<Equal<CallResponse<'objects.list'>, KubeList>>();
assertType<Equal<CallResponse<'objects.get'>, KubeObject>>();
assertType<Equal<CallResponse<'cluster.status'>, ClusterStatus>>();
assertType<Equal<CallRequest<'cluster.status'>, void>>();
assertType<Equal<CallResponse<'watch.start'>, { watchId: string }>>();
// Errors cross as data, never as a thrown object.
assertType<Equal<Awaited<ReturnType<PodlabTransport['invoke']>>, Envelope<CallResponse<CallName>>>>();

function typedUse(transport: PodlabTransport) {
  void transport.invoke('objects.get', { resource: { group: '', version: 'v1', plural: 'pods' }, namespace: 'default', name: 'web' });
  // @ts-expect-error: a call the contract does not have
  void transport.invoke('objects.explode', {});
  // @ts-expect-error: a request missing its required name
  void transport.invoke('objects.get', { resource: { group: '', version: 'v1', plural: 'pods' } });
  transport.on('watch', (event) => {
    const typed: WatchEvent = event;
    void typed;
  });
  // @ts-expect-error: an event the contract does not push
  transport.on('nonsense', () => undefined);
}
void typedUse;
void (null as unknown as BridgeCalls);

let api: InProcessApi;
let nodes: NodeManager;
const home = mkdtempSync(join(tmpdir(), 'podlab-bridge-'));
before(async () => {
  api = await startInProcessApi();
  nodes = new NodeManager({ cluster: 'test', dataDir: home, runtime: 'simulated', nodes: 1, subnet: '10.244.0.0/16', clientFor: () => api.client });
  await nodes.start();
});
after(async () => {
  await nodes.stop();
  await api.close();
  rmSync(home, { recursive: true, force: true });
});

function host(): UiHost {
  return {
    connection: () => ({
      client: api.client,
      discovery: api.api.discoveryClient(adminUser),
      tables: api.api.tableClient(adminUser),
      kinds: catalogKindResolver(api.api.catalog),
      streams: unavailablePodStreams,
      nodes,
    }),
    status: new StatusBoard({ mode: 'browser', name: 'test', phase: 'running', runtime: 'simulated', docker: { state: 'not-used', endpoint: '' }, home, podStreams: false, canSwitch: false }),
    clusters: () => [],
    switchCluster: async () => undefined,
    createCluster: async () => undefined,
    deleteCluster: async () => undefined,
    openExternal: async () => undefined,
    settings: new SettingsStore(join(home, 'ui-settings.json')),
    samples: new SampleLibrary(appPaths.samples),
    registries: new RegistryCredentials(join(home, 'registry-auth.json')),
  };
}

test('the main side answers every call of the contract (no "no call named")', async () => {
  const session = new BridgeSession(host(), () => undefined);
  for (const name of callNames) {
    const envelope = await session.call(name, {});
    if ('error' in envelope) assert.doesNotMatch(envelope.error.message, /no call named/, name);
  }
  session.dispose();
});

test('unknown calls and malformed requests come back as errors with a Status, never as exceptions', async () => {
  const session = new BridgeSession(host(), () => undefined);
  const unknown = await session.call('objects.explode', {});
  assert.ok('error' in unknown && unknown.error.status?.code === 404);
  const malformed = await session.call('objects.get', { resource: 'pods' });
  assert.ok('error' in malformed && malformed.error.status?.code === 400 && /resource must be/.test(malformed.error.message));
  const ok = await session.call('cluster.status', undefined);
  assert.ok('result' in ok && (ok.result as ClusterStatus).name === 'test');
  assert.equal(isCallName('logs.start'), true);
  assert.equal(isCallName('__proto__'), false);
  session.dispose();
});

test('logs and exec answer a clear 503 until the node side provides them', async () => {
  const session = new BridgeSession(host(), () => undefined);
  const applied = await session.call('objects.apply', { yaml: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: c\n    image: busybox:1.36\n' });
  assert.ok('result' in applied);
  const exec = await session.call('exec.start', { namespace: 'default', pod: 'x', command: ['sh'], tty: true });
  assert.ok('error' in exec && exec.error.status?.code === 503 && /exec is not available yet/.test(exec.error.message));
  const logs = await session.call('logs.start', { namespace: 'default', pod: 'x' });
  assert.ok('error' in logs || 'result' in logs);
  await assert.rejects(unavailablePodStreams.exec('default', 'x', 'c', ['sh'], true), /exec is not available yet: no node runtime/);
  const iterator = unavailablePodStreams.logs('default', 'x', { container: 'c', follow: false, previous: false, timestamps: false, signal: new AbortController().signal })[Symbol.asyncIterator]();
  await assert.rejects(iterator.next(), /logs are not available yet/);
  session.dispose();
});

test('nodes: add, stop, start and remove through the bridge, with Kubernetes-shaped errors for bad requests', async () => {
  const session = new BridgeSession(host(), () => undefined);
  const call = async (name: CallName, request: unknown) => session.call(name, request);
  assert.deepEqual(await call('nodes.add', { name: 'node-2', cpu: '2', memory: '1Gi' }), { result: null });
  const listed = await call('nodes.list', undefined);
  assert.ok('result' in listed);
  assert.deepEqual(listed.result, [
    { name: 'node-1', state: 'running', controlPlane: true },
    { name: 'node-2', state: 'running', controlPlane: false },
  ]);
  const node = await api.client.resource({ group: '', version: 'v1', plural: 'nodes' }).get(undefined, 'node-2');
  assert.equal((node.status as { capacity: Record<string, string> }).capacity.cpu, '2');

  const duplicate = await call('nodes.add', { name: 'node-2' });
  assert.ok('error' in duplicate && duplicate.error.status?.code === 409 && duplicate.error.status.reason === 'AlreadyExists', JSON.stringify(duplicate));
  const invalid = await call('nodes.add', { name: 'Node_3' });
  assert.ok('error' in invalid && invalid.error.status?.code === 400 && /invalid node name "Node_3"/.test(invalid.error.message));
  const badCpu = await call('nodes.add', { name: 'node-3', cpu: 'lots' });
  assert.ok('error' in badCpu && badCpu.error.status?.code === 400 && /cpu must be a CPU quantity/.test(badCpu.error.message));
  const missing = await call('nodes.stop', { name: 'node-9' });
  assert.ok('error' in missing && missing.error.status?.code === 404 && /has no node "node-9"/.test(missing.error.message));

  assert.deepEqual(await call('nodes.stop', { name: 'node-2' }), { result: null });
  const afterStop = await call('nodes.list', undefined);
  assert.ok('result' in afterStop && (afterStop.result as Array<{ name: string; state: string }>).find((m) => m.name === 'node-2')?.state === 'stopped');
  assert.deepEqual(await call('nodes.start', { name: 'node-2' }), { result: null });
  assert.deepEqual(await call('nodes.remove', { name: 'node-2' }), { result: null });
  const names = await api.client.resource({ group: '', version: 'v1', plural: 'nodes' }).list();
  assert.deepEqual(
    names.items.map((n) => n.metadata.name),
    ['node-1'],
  );
  session.dispose();
});

test('registry credentials: listed by server and username, the password never crosses the bridge', async () => {
  const session = new BridgeSession(host(), () => undefined);
  const set = await session.call('registries.set', { server: 'https://Registry.Example.com:5000/v2/', username: 'ada', password: 's3cret-pw' });
  assert.deepEqual(set, { result: [{ server: 'registry.example.com:5000', username: 'ada' }] });
  const listed = await session.call('registries.list', undefined);
  assert.doesNotMatch(JSON.stringify(listed), /s3cret-pw/);
  const invalid = await session.call('registries.set', { server: 'not a host', username: 'ada', password: 'x' });
  assert.ok('error' in invalid && invalid.error.status?.code === 400 && /invalid registry server/.test(invalid.error.message));
  const noPassword = await session.call('registries.set', { server: 'ghcr.io', username: 'ada' });
  assert.ok('error' in noPassword && /password is required/.test(noPassword.error.message));
  assert.deepEqual(await session.call('registries.remove', { server: 'registry.example.com:5000' }), { result: [] });
  session.dispose();
});
